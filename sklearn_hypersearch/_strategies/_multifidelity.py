"""Models that know the budget: one surrogate on every rung of Hyperband.

A candidate scored with a small budget (few trees, few iterations, a
subsample) says something about its score with the full budget, but not
everything: few boosting iterations favour large learning rates, a forest
of one tree favours settings that 81 trees do not. The models here are
fitted on the results of every budget at once, with the budget as an
input, and propose candidates for the *full* budget:

- :class:`BudgetGP`: a Gaussian process over the unit cube and the
  log-budget ``z`` (0 at the smallest rung, 1 at the full budget), whose
  Matern kernel has its own length scale along ``z``, fitted by maximum a
  posteriori like the others. Where small budgets rank candidates as the
  full budget does, that length scale is long and cheap results inform
  the prediction at ``z = 1``; where they disagree it shrinks and the
  prediction rests on the costlier results. Before fitting, each budget's
  scores are shifted onto the full budget's level by the mean difference
  between consecutive budgets over the candidates scored at both (a
  paired estimate: promotion does not bias it). Candidates maximize the
  expected improvement at ``z = 1``; the ones of a batch are kept apart by
  the kriging believer.
- :class:`BudgetDensityRatio`: BOHB's good and bad kernel densities
  (Falkner et al., 2018), one pair per budget with enough results (split
  into good and bad within the budget, where scores are comparable),
  mixed with weights that fall with the distance to the top budget along
  a chain of measured rank correlations: a budget whose ranking agrees
  with the next one passes on its weight, one that disagrees passes on
  none (:func:`chain_weights`).

:func:`rank_correlations` measures how well each budget ranks the
candidates that the next budget scored too (Kendall's tau), and
:func:`misleads` says when that ranking is worse than a weak agreement by
more than its standard error; Hyperband then stops starting brackets at
that budget (see ``HyperbandStrategy``).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np
from scipy.special import logsumexp
from scipy.stats import kendalltau

from sklearn_hypersearch._strategies._acquisition import log_ei
from sklearn_hypersearch._strategies._surrogates import GaussianProcess, Parzen

# A budget misleads when Kendall's tau between its scores and the next
# budget's, plus one standard error, stays below this: the ranking it gives
# to the candidates it promotes is worse than a weak agreement. Promotion
# keeps only the top of a rung, which lowers the tau measured on it even
# where the budgets agree (range restriction), hence a low bar.
MISLEADING_TAU = 0.25
# Fewest candidates scored at both budgets for a tau to count.
MIN_PAIRS = 10
# Weight a budget passes on to the one below it before any pair is measured.
PRIOR_TAU = 0.5

_CONTROLLER = []


def one_blas_thread():
    """A context in which BLAS uses one thread.

    The Gaussian process works on matrices of a few hundred rows, where
    BLAS threads only contend with the search's own workers (on a loaded
    two-core machine, a hyperparameter fit took 15 times longer with them).
    """
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def kendall_se(n):
    """Standard error of Kendall's tau on ``n`` independent pairs, under
    no association: ``sqrt(2 (2n + 5) / (9 n (n - 1)))`` (Kendall, 1938)."""
    if n < 2:
        return math.inf
    return math.sqrt(2.0 * (2 * n + 5) / (9.0 * n * (n - 1)))


def rank_correlations(scores_by_point, budgets):
    """Kendall's tau between each budget's scores and the next budget's.

    Parameters
    ----------
    scores_by_point : mapping
        Point key -> ``{budget: score}``; non-finite scores rank lowest.
    budgets : sequence of int
        The budgets of the schedule, in increasing order.

    Returns
    -------
    correlations : list of dict
        One per pair of consecutive budgets: ``low``, ``high``, ``tau``
        (NaN with fewer than 3 pairs or without variation) and ``n_pairs``,
        the number of points scored at both.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._multifidelity import (
    ...     rank_correlations)
    >>> scores = {k: {1: k, 3: -k} for k in range(5)}
    >>> rank_correlations(scores, [1, 3])
    [{'low': 1, 'high': 3, 'tau': -1.0, 'n_pairs': 5}]
    """
    out = []
    for low, high in zip(budgets[:-1], budgets[1:]):
        pairs = [
            (s[low], s[high])
            for s in scores_by_point.values()
            if low in s and high in s
        ]
        tau = math.nan
        if len(pairs) >= 3:
            a, b = (_failures_last(v) for v in zip(*pairs))
            if np.ptp(a) > 0 and np.ptp(b) > 0:
                # [0]: the statistic (named ``correlation`` before SciPy 1.10)
                tau = round(float(kendalltau(a, b)[0]), 12)
        out.append({"low": low, "high": high, "tau": tau, "n_pairs": len(pairs)})
    return out


def _failures_last(values):
    """Scores as floats where failed fits (non-finite) rank lowest, tied."""
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    low = v[finite].min() - 1.0 if finite.any() else 0.0
    return np.where(finite, v, low)


def misleads(tau, n_pairs):
    """Whether a budget's ranking, measured by ``tau`` on ``n_pairs``
    points, is worse than a weak agreement by more than its standard
    error (and rests on at least ``MIN_PAIRS`` points)."""
    if n_pairs < MIN_PAIRS or not math.isfinite(tau):
        return False
    return tau + kendall_se(n_pairs) < MISLEADING_TAU


def chain_weights(budgets, correlations):
    """Weight of each budget's results for the top budget, from the chain
    of rank correlations between consecutive budgets.

    The top budget weighs 1; each budget below weighs the next one's
    weight times ``max(tau, 0)`` between the two (``PRIOR_TAU`` while
    fewer than ``MIN_PAIRS`` points are scored at both), so agreement
    passes weight down the chain and a disagreement stops it.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._multifidelity import chain_weights
    >>> corr = [{"low": 1, "high": 3, "tau": -0.2, "n_pairs": 20},
    ...         {"low": 3, "high": 9, "tau": 0.6, "n_pairs": 12}]
    >>> chain_weights([1, 3, 9], corr)
    {9: 1.0, 3: 0.6, 1: 0.0}
    """
    taus = {}
    for c in correlations:
        tau = c["tau"] if c["n_pairs"] >= MIN_PAIRS else math.nan
        taus[(c["low"], c["high"])] = PRIOR_TAU if math.isnan(tau) else max(tau, 0.0)
    order = sorted(budgets, reverse=True)
    weights = {order[0]: 1.0}
    for high, low in zip(order[:-1], order[1:]):
        weights[low] = weights[high] * taus.get((low, high), PRIOR_TAU)
    return weights


def budget_offsets(keys, budgets, scores):
    """Per budget, what to add to its scores to bring them to the top level.

    Between consecutive budgets, the shift is the mean difference of the
    scores of the points scored at both (paired, so that promoting the best
    does not bias it), or the difference of the budgets' mean scores where
    no point has both. Non-finite scores are left out.

    Returns
    -------
    offsets : dict
        budget -> offset; the largest budget's is 0.
    """
    by_budget = {}
    for key, b, s in zip(keys, budgets, scores):
        if math.isfinite(s):
            by_budget.setdefault(b, {})[key] = s
    levels = sorted(by_budget)
    offsets = {levels[-1]: 0.0} if levels else {}
    for low, high in zip(levels[-2::-1], levels[:0:-1]):
        lo, hi = by_budget[low], by_budget[high]
        both = [k for k in lo if k in hi]
        if both:
            shift = float(np.mean([hi[k] - lo[k] for k in both]))
        else:
            shift = float(np.mean(list(hi.values())) - np.mean(list(lo.values())))
        offsets[low] = offsets[high] + shift
    return offsets


def log_budget(budgets, min_budget, max_budget):
    """``z``: 0 at ``min_budget``, 1 at ``max_budget``, linear in log-budget."""
    budgets = np.asarray(budgets, dtype=float)
    if max_budget <= min_budget:
        return np.ones_like(budgets)
    return np.log(budgets / min_budget) / math.log(max_budget / min_budget)


class BudgetGP:
    """Gaussian process over (unit cube, log-budget), proposing for the top.

    Parameters
    ----------
    encoder : _Encoder
        The subspace's features.
    max_points : int, default=400
        Most observations conditioned on: the costliest budgets first, then
        a random sample of the cheapest.
    n_pool : int, default=512
        Random points on which the acquisition is evaluated per proposal,
        besides perturbations of the best points.
    """

    def __init__(self, encoder, max_points=400, n_pool=512):
        self.encoder = encoder
        self.max_points = max_points
        self.n_pool = n_pool

    def fit(self, units, keys, budgets, scores, min_budget, max_budget, rng, theta0):
        """Fit on every observation; returns self.

        ``units`` are snapped unit rows, ``keys`` the points' identities
        (to pair a point's scores across budgets), ``budgets`` and
        ``scores`` one per row (non-finite: failed fits, modelled as the
        worst finite score of their budget).
        """
        units = np.asarray(units, dtype=float)
        budgets = np.asarray(budgets)
        scores = np.asarray(scores, dtype=float)
        offsets = budget_offsets(keys, budgets, scores)
        y = np.empty(len(scores))
        for b in np.unique(budgets):
            rows = budgets == b
            s = scores[rows]
            finite = np.isfinite(s)
            worst = s[finite].min() if finite.any() else 0.0
            y[rows] = np.where(finite, s, worst) + offsets.get(b, 0.0)
        keep = self._subset(budgets, rng)
        units, budgets, y = units[keep], budgets[keep], y[keep]
        std = y.std()
        self.mean_, self.std_ = y.mean(), std if std > 1e-12 else 1.0
        y = (y - self.mean_) / self.std_
        self.min_budget, self.max_budget = min_budget, max_budget
        Z = self._features(units, budgets)
        self.gp_ = GaussianProcess().fit(Z, y, theta0, rng)
        self.units_, self.budgets_, self.y_ = units, budgets, y
        return self

    @property
    def theta_(self):
        return self.gp_.theta_

    @property
    def budget_length_scale_(self):
        """Length scale of the kernel along ``z`` (in units of the range of
        log-budgets): long where cheap budgets agree with the full one."""
        return float(self.gp_.ls_[-1])

    def _subset(self, budgets, rng):
        n = len(budgets)
        if n <= self.max_points:
            return np.arange(n)
        # costliest first; ties (a budget's rows) in a random order
        order = np.lexsort((rng.permutation(n), -budgets.astype(float)))
        return np.sort(order[: self.max_points])

    def _features(self, units, budgets):
        z = log_budget(budgets, self.min_budget, self.max_budget)
        return np.column_stack([self.encoder.encode(units), z])

    def _at_top(self, units):
        return self._features(units, np.full(len(units), self.max_budget))

    def propose(self, n, rng):
        """``n`` unit rows maximizing the expected improvement at the top
        budget, each believed at its predicted mean before the next."""
        enc = self.encoder
        gp = self.gp_
        # the incumbent: the best predicted top-budget score among the
        # points seen at any budget
        mu_seen, _ = gp.predict(self._at_top(self.units_))
        best = float(mu_seen.max())
        top = self.units_[np.argsort(-mu_seen, kind="stable")[:5]]
        out = []
        for _ in range(n):
            pool = enc.snap(
                np.vstack(
                    [rng.uniform(size=(self.n_pool, enc.n_dims)), _perturb(top, rng)]
                )
            )
            Z = self._at_top(pool)
            mu, sigma = gp.predict(Z)
            value = log_ei(mu, sigma, best)
            i = int(np.argmax(value))
            out.append(pool[i])
            gp = gp.with_fantasies(Z[i : i + 1], mu[i : i + 1])
        return np.array(out).reshape(n, enc.n_dims)


def _perturb(points, rng, per_point=20):
    """Gaussian steps around ``points`` (unit rows), at three scales."""
    if not len(points):
        return np.empty((0, points.shape[1]))
    rows = np.repeat(points, per_point, axis=0)
    scale = rng.choice([0.02, 0.08, 0.25], size=(len(rows), 1))
    return np.clip(rows + rng.normal(size=rows.shape) * scale, 0.0, 1.0)


class BudgetDensityRatio:
    """BOHB's densities on every budget with enough results, mixed.

    Parameters
    ----------
    encoder : _Encoder
    per_budget : dict
        budget -> ``(units, scores)`` of that budget.
    weights : dict
        budget -> weight (see :func:`chain_weights`); budgets of weight 0
        are left out.
    top_fraction : float
        Share of a budget's results its good density is fitted on.
    min_points : int
        Fewest results a budget needs to get densities.

    Attributes
    ----------
    budgets : list of int
        The budgets whose densities are mixed.
    """

    def __init__(self, encoder, per_budget, weights, top_fraction, min_points):
        self.goods, self.bads, log_w = [], [], []
        self.budgets = []
        for b in sorted(per_budget):
            units, scores = per_budget[b]
            w = weights.get(b, 0.0)
            if len(scores) < min_points or w <= 0:
                continue
            units = encoder.snap(np.asarray(units, dtype=float))
            scores = np.where(np.isfinite(scores), scores, -np.inf)
            n = len(scores)
            n_good = min(n - 1, max(encoder.n_dims + 1, math.ceil(top_fraction * n)))
            order = np.argsort(-scores, kind="stable")
            self.goods.append(Parzen(encoder, units[order[:n_good]], prior=False))
            self.bads.append(Parzen(encoder, units[order[n_good:]]))
            self.budgets.append(b)
            log_w.append(math.log(w))
        log_w = np.asarray(log_w)
        self.log_w = log_w - logsumexp(log_w) if len(log_w) else log_w

    @property
    def empty(self):
        return not self.goods

    def _log_pdf(self, parts, unit):
        logs = np.column_stack([p.log_pdf(unit) for p in parts])
        return logsumexp(logs + self.log_w, axis=1)

    def argmax(self, n_proposals, rng):
        """The draw from the good mixture that best separates good from bad."""
        counts = rng.multinomial(n_proposals, np.exp(self.log_w))
        proposals = np.vstack(
            [g.sample(k, rng) for g, k in zip(self.goods, counts) if k]
        )
        ratio = self._log_pdf(self.goods, proposals) - self._log_pdf(
            self.bads, proposals
        )
        return proposals[int(np.argmax(ratio))]
