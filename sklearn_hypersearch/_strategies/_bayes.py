"""Sequential model-based (Bayesian) optimization."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers

import numpy as np

from sklearn_hypersearch._space._space import _unit_design
from sklearn_hypersearch._strategies._acquisition import ACQUISITIONS, local_search
from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate, finite_scores
from sklearn_hypersearch._strategies._surrogates import (
    GaussianProcess,
    Parzen,
    PoolPosterior,
    RegressorSurrogate,
    TreeEnsemble,
    _Encoder,
    named_regressor,
)

SURROGATES = ("auto", "gp", "trees", "tpe", "rf", "gbrt")
ACQUISITION_NAMES = ("ei", "pi", "lcb", "portfolio")
# scikit-optimize's spellings (its ``base_estimator`` and ``acq_func``
# values) and the names they stand for here
SKOPT_SURROGATES = {"GP": "gp", "ET": "trees", "RF": "rf", "GBRT": "gbrt"}
SKOPT_ACQUISITIONS = {"EI": "ei", "PI": "pi", "LCB": "lcb", "gp_hedge": "portfolio"}
ACQ_OPTIMIZERS = ("auto", "sampling", "lbfgs")
_PORTFOLIO = ("ei", "pi", "lcb")
# "auto" uses the Gaussian process up to this many features per subspace
# (one-hot columns included) and the tree ensemble beyond.
_GP_MAX_FEATURES = 24
# The Gaussian process is conditioned on at most this many observations.
_GP_MAX_POINTS = 256


class BayesStrategy(BaseStrategy):
    """Bayesian optimization: a surrogate model of the score guides the search.

    The first ``n_initial_points`` candidates form a space-filling design.
    Afterwards every candidate maximizes an acquisition function of a
    surrogate model fitted to all scores told so far: the acquisition is
    evaluated on random (Sobol) points and perturbations of the best
    candidates, and the best of those are refined by L-BFGS-B along the
    continuous dimensions. Integer and categorical values are snapped to
    the values they stand for, and no candidate is proposed twice.

    Parameters
    ----------
    space : Space, dict or list of dict
        What to search. With a list of dicts (alternative subspaces, such as
        one per model type), each subspace gets its own surrogate; the
        acquisition values, computed on scores standardized over all
        subspaces, then decide which subspace the next candidate comes from,
        so weak subspaces stop being sampled once their models are sure.
        Each subspace first gets ``min(n_dims + 1, 5)`` evaluations, so
        that a good alternative is not dropped after one unlucky point.
    random_state : int, RandomState instance, Generator or None, default=None
    n_initial_points : int, default=10
        Size of the initial design, before any model is fitted. Told
        results (warm starts) count towards it.
    n_points : int, default=1
        Most candidates per :meth:`ask`. The candidates of one batch are
        kept apart by the kriging believer heuristic: each chosen candidate
        is added to the model with its predicted score (for TPE: with the
        worst score) before choosing the next. Candidates asked and not yet
        told are treated the same way.
    surrogate : {"auto", "gp", "trees", "tpe", "rf", "gbrt"} or regressor, \
            default="auto"
        ``"gp"``: Gaussian process with a Matern-5/2 kernel, one length
        scale per feature and a noise term. ``"trees"``: 32 extremely
        randomized trees, the spread of the trees as uncertainty. ``"tpe"``:
        tree-structured Parzen estimator. ``"rf"``: scikit-learn's
        :class:`~sklearn.ensemble.RandomForestRegressor` (100 trees, at
        least 3 samples per leaf), the variance of the trees and of their
        leaves as uncertainty. ``"gbrt"``: gradient boosting of the 16 %,
        50 % and 84 % quantiles. ``"auto"`` picks ``"gp"`` unless a
        subspace has more than 24 features (one-hot categories counted),
        where ``"trees"`` is faster and often better. scikit-optimize's
        spellings are synonyms: ``"GP"`` is ``"gp"``, ``"ET"`` is
        ``"trees"``, ``"RF"`` is ``"rf"`` and ``"GBRT"`` is ``"gbrt"``
        (``"rf"`` and ``"gbrt"`` use scikit-optimize's settings of these
        models; its ``"ET"`` has 100 trees with 3 samples per leaf).
        A scikit-learn regressor instance is cloned and fitted to the
        standardized scores, on unit-cube features (categories one-hot):
        its ``predict`` is the mean; the uncertainty is what
        ``predict(X, return_std=True)`` returns where it accepts that, the
        spread of the trees of a random forest or extra-trees, and zero
        otherwise (the acquisition then follows the mean alone).
    acquisition : {"ei", "pi", "lcb", "portfolio"}, default="ei"
        Expected improvement, probability of improvement, confidence bound
        (``mu + kappa * sigma`` on the score, i.e. the lower confidence
        bound of the loss) or a GP-Hedge portfolio of the three. Ignored by
        ``"tpe"``, which maximizes its own density ratio.
        scikit-optimize's ``"EI"``, ``"PI"``, ``"LCB"`` and ``"gp_hedge"``
        are synonyms of ``"ei"``, ``"pi"``, ``"lcb"`` and ``"portfolio"``.
    xi : float, default=0.0
        Improvement margin of ``"ei"`` and ``"pi"``, in standard deviations
        of the (transformed) told scores; larger values explore more.
    kappa : float, default=1.96
        Exploration weight of ``"lcb"``.
    n_candidates : int, default=1024
        Random points on which the acquisition is evaluated per subspace
        (a subspace with fewer points is enumerated instead).
    initial_design : {"sobol", "lhs", "random"}, default="sobol"
    acq_optimizer : {"auto", "sampling", "lbfgs"}, default="auto"
        How the acquisition is maximized. ``"sampling"``: the best of the
        random points and perturbations of the best candidates.
        ``"lbfgs"``: the ``n_restarts`` best of those are then refined by
        L-BFGS-B along the continuous dimensions, which needs the
        gradients of the ``"gp"`` surrogate. ``"auto"``: ``"lbfgs"`` for
        the Gaussian process, ``"sampling"`` for the other surrogates.
    n_restarts : int, default=5
        Starting points of the L-BFGS-B refinement.

    Attributes
    ----------
    space : Space
    history : list of (Candidate, float) pairs
    surrogates_ : list of str
        The surrogate used for each subspace.

    Notes
    -----
    Candidates carry the tags ``round`` (the number of the :meth:`ask` call
    that proposed them, from 1) and ``proposed_by`` (``"initial"``,
    ``"random"`` or the surrogate's name).

    Non-finite scores (failed fits) are modelled as the worst finite score,
    so the model learns to avoid where fits fail. Scores are assumed noisy:
    the models fit a noise level and ``best`` is the best observed score.
    Before modelling, scores are standardized and Yeo-Johnson transformed,
    which spreads the good end of skewed score distributions.

    The Gaussian process is a small numpy/scipy implementation: its
    hyperparameters are refitted at every step up to 50 observations, then
    whenever the data grew by 10 % (on at most 250 of them), and its
    Cholesky factor is extended in between, so that a proposal stays well
    under a second at 1000 observations.

    Examples
    --------
    >>> from sklearn_hypersearch import BayesStrategy, Real
    >>> strategy = BayesStrategy({"x": Real(-5.0, 5.0)}, random_state=0,
    ...                          n_initial_points=5)
    >>> for _ in range(12):
    ...     batch = strategy.ask()
    ...     strategy.tell(batch, [-(c.params["x"] - 1) ** 2 for c in batch])
    >>> round(strategy.best[0].params["x"], 2)
    1.0
    """

    result_tags = ("round", "proposed_by")

    def __init__(
        self,
        space,
        random_state=None,
        *,
        n_initial_points=10,
        n_points=1,
        surrogate="auto",
        acquisition="ei",
        xi=0.0,
        kappa=1.96,
        n_candidates=1024,
        initial_design="sobol",
        acq_optimizer="auto",
        n_restarts=5,
    ):
        super().__init__(space, random_state)
        _check_int(n_initial_points, "n_initial_points", 1)
        _check_int(n_points, "n_points", 1)
        _check_int(n_candidates, "n_candidates", 16)
        _check_int(n_restarts, "n_restarts", 1)
        surrogate = canonical_surrogate(surrogate)
        acquisition = canonical_acquisition(acquisition)
        _check_choice(initial_design, "initial_design", ("sobol", "lhs", "random"))
        _check_choice(acq_optimizer, "acq_optimizer", ACQ_OPTIMIZERS)
        for name, value in (("xi", xi), ("kappa", kappa)):
            if not isinstance(value, numbers.Real) or not value >= 0:
                raise ValueError(
                    f"{name} must be a non-negative number, got {value!r}."
                )
        self.n_initial_points = n_initial_points
        self.n_points = n_points
        self.surrogate = surrogate
        self.acquisition = acquisition
        self.xi = float(xi)
        self.kappa = float(kappa)
        self.n_candidates = n_candidates
        self.initial_design = initial_design
        self.acq_optimizer = acq_optimizer
        self.n_restarts = n_restarts

        subspaces = self.space.subspaces
        self._encoders = [_Encoder(s) for s in subspaces]
        self.surrogates_ = [self._pick_surrogate(e) for e in self._encoders]
        if acq_optimizer == "lbfgs" and set(self.surrogates_) != {"gp"}:
            raise ValueError(
                "acq_optimizer='lbfgs' needs the gradients of the 'gp' "
                f"surrogate, but the surrogates are {self.surrogates_}: use "
                "acq_optimizer='sampling' or 'auto'."
            )
        self._units = [[] for _ in subspaces]  # snapped unit rows told
        self._scores = [[] for _ in subspaces]
        self._pending = {}  # key -> (subspace index, unit row)
        self._proposed = set()  # keys asked or told
        self._n_proposed = [0] * len(subspaces)
        self._design = None
        self._round = 0
        self._theta = {}  # warm starts of GP hyperparameters per subspace
        self._n_fit = {}  # observations at the last hyperparameter fit
        self._gps = {}  # last model per subspace, to extend its factorization
        self._warp_fit = (0, None)  # (observations, exponent) of the warp
        self._gains = np.zeros(len(_PORTFOLIO))
        self._nominees = []
        self._grids = {}
        self._pools = {}  # posterior on the random points, per subspace
        self._round_pools = {}  # the same with this round's local points
        self._subsets = {}  # rows the GP is conditioned on beyond the cap
        self._told = []  # every score, each batch in the order it was asked

    def _pick_surrogate(self, encoder):
        if not isinstance(self.surrogate, str):
            return "regressor"
        if self.surrogate != "auto":
            return self.surrogate
        return "gp" if encoder.n_features <= _GP_MAX_FEATURES else "trees"

    # -- protocol ---------------------------------------------------------
    def _tell(self, candidates, scores):
        # The models depend on the order of their data (round-off in the GP,
        # splits of the trees): a batch is added in the order it was asked,
        # however it is told, so that its results give one state.
        asked = {key: i for i, key in enumerate(self._pending)}
        order = sorted(
            range(len(candidates)),
            key=lambda i: asked.get(
                self.space.key(candidates[i].params), len(asked) + i
            ),
        )
        for i in order:
            cand, score = candidates[i], scores[i]
            key = self.space.key(cand.params)
            b = self.space.subspace_of(cand.params)
            unit = self._encoders[b].snap(
                self.space.subspaces[b].to_unit([cand.params])
            )
            self._units[b].append(unit[0])
            self._scores[b].append(float(score))
            self._told.append(float(score))
            if key in self._pending:
                del self._pending[key]
            elif key not in self._proposed:
                self._n_proposed[b] += 1
            self._proposed.add(key)

    def _ask(self, n):
        # Small matrices: threaded BLAS only adds synchronisation, and on a
        # loaded machine its spinning threads cost 10x in wall time.
        with _blas_controller().limit(limits=1, user_api="blas"):
            return self._ask_single_threaded(n)

    def _ask_single_threaded(self, n):
        n = self.n_points if n is None else min(n, self.n_points)
        if math.isfinite(self.space.n_values):
            n = min(n, self.space.n_values - len(self._proposed))
        if n <= 0:
            return []
        self._round += 1
        picks = []  # (subspace index, unit row, proposer)
        while len(picks) < n and self._in_initial_phase():
            pick = self._next_initial()
            if pick is None:
                break
            self._register(pick, picks)
        if len(picks) < n:
            if not np.isfinite(self._all_scores()).any():
                while len(picks) < n:
                    self._register(self._random_pick(), picks)
            elif self._use_tpe():
                self._propose_tpe(n, picks)
            else:
                self._propose_model(n, picks)
        out = []
        for b, unit, by in picks:
            params = self.space.subspaces[b].from_unit(unit[None, :])[0]
            out.append(
                Candidate(params, tags={"round": self._round, "proposed_by": by})
            )
        return out

    # -- bookkeeping ------------------------------------------------------
    def _key_of(self, b, unit):
        return self.space.key(self.space.subspaces[b].from_unit(unit[None, :])[0])

    def _register(self, pick, picks):
        b, unit, _ = pick
        key = self._key_of(b, unit)
        self._proposed.add(key)
        self._pending[key] = (b, unit)
        self._n_proposed[b] += 1
        picks.append(pick)

    def _is_new(self, b, unit):
        return self._key_of(b, unit) not in self._proposed

    def _exhausted(self, b):
        return self._n_proposed[b] >= self.space.subspaces[b].n_values

    def _all_scores(self):
        return np.array([s for scores in self._scores for s in scores], float)

    def _in_initial_phase(self):
        return self.n_told + len(self._pending) < self.n_initial_points

    def _next_initial(self):
        if self._design is None:
            design = [
                (b, self._encoders[b].snap(u)[i])
                for b, u in self.space.sample_unit(
                    self.n_initial_points, self._rng, self.initial_design
                )
                for i in range(len(u))
            ]
            order = self._rng.permutation(len(design))
            self._design = [design[i] for i in order]
        while self._design:
            b, unit = self._design.pop(0)
            if self._is_new(b, unit):
                return b, unit, "initial"
        # the design collided with told points (finite spaces, warm starts)
        return self._random_pick("initial")

    def _random_pick(self, by="random"):
        open_ = [b for b in range(len(self._encoders)) if not self._exhausted(b)]
        for _ in range(1000):
            b = open_[int(self._rng.integers(len(open_)))]
            unit = self._encoders[b].snap(
                self._rng.uniform(size=(1, self._encoders[b].n_dims))
            )[0]
            if self._is_new(b, unit):
                return b, unit, by
        for b in open_:  # a nearly exhausted finite space: enumerate
            for unit in self._grid(b):
                if self._is_new(b, unit):
                    return b, unit, by
        raise RuntimeError("No unproposed candidate left.")  # pragma: no cover

    def _grid(self, b):
        if b not in self._grids:
            sub = self.space.subspaces[b]
            self._grids[b] = self._encoders[b].snap(sub.to_unit(sub.grid()))
        return self._grids[b]

    def _standardized(self):
        """Per-subspace (units, standardized scores), failures imputed."""
        y = self._all_scores()
        finite = np.isfinite(y)
        mean, std = y[finite].mean(), y[finite].std()
        std = std if std > 1e-12 else 1.0
        worst = y[finite].min()
        y = (np.where(finite, y, worst) - mean) / std
        if len(y) >= 4:
            # the transform's exponent is re-estimated on the schedule of
            # the GP hyperparameters (it is a maximum-likelihood fit too)
            n_last, lmbda = self._warp_fit
            refit = lmbda is None or len(y) <= 50 or len(y) >= 1.1 * n_last
            y, fitted = _warp(y, None if refit else lmbda)
            if refit and fitted is not None:
                self._warp_fit = (len(y), fitted)
        out, start = [], 0
        for enc, units, scores in zip(self._encoders, self._units, self._scores):
            s = y[start : start + len(scores)]
            start += len(scores)
            # a subspace without told scores has an empty (0, n_dims) array
            out.append((np.array(units, dtype=float).reshape(len(s), enc.n_dims), s))
        return out, y.min()

    # -- surrogate-based proposals ----------------------------------------
    def _propose_model(self, n, picks):
        """Add model-based picks to ``picks`` until it holds ``n``."""
        data, _ = self._standardized()
        best = max(ys.max() for _, ys in data if len(ys))
        models = {}
        for b, (U, ys) in enumerate(data):
            if len(ys) and not self._exhausted(b):
                models[b] = self._fit(b, U, ys)
        self._round_pools = {
            b: self._pool(b, m)
            for b, m in models.items()
            if isinstance(m, GaussianProcess)
        }
        self._update_gains(models)
        # kriging believer for candidates asked but not told yet
        for b, unit in list(self._pending.values()):
            if b in models:
                models[b], believed = self._believe(models[b], b, unit)
                best = max(best, believed)
        cache = {}
        stalled = self._stalled()
        while len(picks) < n:
            explore = stalled and (self._round + len(picks)) % 2 == 1
            self._xi_now = self._XI_EXPLORE if explore else self.xi
            pick = self._top_up(models, cache, best)
            if pick is None:
                pick = self._best_pick(models, cache, best)
            self._register(pick, picks)
            b, unit, _ = pick
            if b in models and len(picks) < n:
                # the believed score joins the data, incumbent included:
                # otherwise a believed improvement keeps its neighbours
                # attractive
                models[b], believed = self._believe(models[b], b, unit)
                best = max(best, believed)
            for key in [k for k in cache if k[0] == b]:
                del cache[key]

    _STALL = 5
    _STALL_TOL = 1e-3
    _XI_EXPLORE = 1.0
    _xi_now = 0.0

    def _stalled(self):
        """Whether the last evaluations brought no significant improvement."""
        if self._STALL is None:
            return False
        # in asked order (not told order): one state whatever the order
        y = finite_scores(self._told)
        y = y[np.isfinite(y)]
        if len(y) < 3:
            return False
        tol = self._STALL_TOL * y.std()
        best, last = -np.inf, 0
        for i, v in enumerate(y):
            if v > best + tol:
                last = i
            best = max(best, v)
        return len(y) - 1 - last >= self._STALL

    def _top_up(self, models, cache, best):
        """A candidate for an alternative subspace with too few scores.

        Each subspace gets ``min(n_dims + 1, 5)`` evaluations (counting
        pending ones) before the acquisition compares it with the others:
        judged on one or two unlucky points, a good alternative (say, the
        right model type) could be dropped for good. Its own acquisition
        maximizer is proposed, or a random point if it has no score yet.
        """
        if len(self._encoders) == 1:
            return None
        pending = [b for b, _ in self._pending.values()]
        short = []
        for b, enc in enumerate(self._encoders):
            n_b = len(self._units[b]) + pending.count(b)
            if not self._exhausted(b) and n_b < min(enc.n_dims + 1, 5):
                short.append((n_b, b))
        if not short:
            return None
        _, b = min(short)
        if b not in models:
            return self._random_in(b)
        acq = "ei" if self.acquisition == "portfolio" else self.acquisition
        if (b, acq, self._xi_now) not in cache:
            cache[b, acq, self._xi_now] = self._maximize(b, models[b], acq, best)
        for u in cache[b, acq, self._xi_now][1]:
            if self._is_new(b, u):
                return b, u, self.surrogates_[b]
        return self._random_in(b)

    def _random_in(self, b):
        enc = self._encoders[b]
        for _ in range(1000):
            unit = enc.snap(self._rng.uniform(size=(1, enc.n_dims)))[0]
            if self._is_new(b, unit):
                return b, unit, "random"
        return self._random_pick()

    def _best_pick(self, models, cache, best):
        """The best new candidate over all subspaces (and acquisitions)."""
        acqs = _PORTFOLIO if self.acquisition == "portfolio" else (self.acquisition,)
        nominees = []
        for acq in acqs:
            top = None
            for b, model in models.items():
                if self._exhausted(b):
                    continue
                if (b, acq, self._xi_now) not in cache:
                    cache[b, acq, self._xi_now] = self._maximize(b, model, acq, best)
                values, units = cache[b, acq, self._xi_now]
                for v, u in zip(values, units):
                    if self._is_new(b, u):
                        if top is None or v > top[0]:
                            top = (v, b, u)
                        break
            nominees.append(top)
        if all(t is None for t in nominees):
            return self._random_pick()
        if len(acqs) == 1:
            _, b, u = nominees[0]
            return b, u, self.surrogates_[b]
        # GP-Hedge: choose an acquisition with probability ~ exp(gains)
        ok = [i for i, t in enumerate(nominees) if t is not None]
        logits = self._gains[ok] - self._gains[ok].max()
        p = np.exp(logits) / np.exp(logits).sum()
        chosen = ok[int(self._rng.choice(len(ok), p=p))]
        self._nominees = [(t[1], t[2]) if t is not None else None for t in nominees]
        _, b, u = nominees[chosen]
        return b, u, self.surrogates_[b]

    def _update_gains(self, models):
        # reward each acquisition by the refitted model's mean at its nominee
        for i, nominee in enumerate(self._nominees):
            if nominee is not None and nominee[0] in models:
                b, u = nominee
                mu, _ = models[b].predict(self._encoders[b].encode(u[None, :]))
                self._gains[i] += mu[0]
        self._nominees = []

    def _fit(self, b, U, ys):
        enc = self._encoders[b]
        Z = enc.encode(U)
        kind = self.surrogates_[b]
        if kind in ("trees", "rf", "gbrt", "regressor"):
            if kind == "trees":
                model = TreeEnsemble()
            elif kind == "regressor":
                model = RegressorSurrogate(self.surrogate)
            else:
                model = RegressorSurrogate(named_regressor(kind))
            model = model.fit(Z, ys, self._rng)
            model.avoid_ = np.empty((0, Z.shape[1]))
            return model
        # Hyperparameters move little once there are many observations:
        # beyond 50 they are refitted when the data grew by 10 % since the
        # last fit, and the model is only conditioned on the new data
        # in between.
        n_fit, n_told = self._n_fit.get(b, 0), len(ys)
        optimize = n_told <= 50 or n_told >= 1.1 * n_fit
        base = self._gps.get(b)
        if len(ys) > _GP_MAX_POINTS:
            Z, ys, base = self._subset(b, Z, ys, optimize, base)
        gp = GaussianProcess().fit(
            Z, ys, self._theta.get(b), self._rng, optimize, base=base
        )
        self._gps[b] = gp
        if optimize:
            self._n_fit[b] = n_told
        self._theta[b] = gp.theta_
        return gp

    def _subset(self, b, Z, ys, optimize, base):
        """The rows the GP of subspace ``b`` is conditioned on, beyond the cap.

        Time and memory stay bounded however much was told: when the
        hyperparameters are refitted, the model takes the best half of its
        cap of rows and a random sample of the rest; until the next refit,
        new observations are appended to that subset (so the factorization
        is extended, not recomputed), up to 1.5 times the cap.
        """
        n = len(ys)
        keep, n_seen = self._subsets.get(b, (None, 0))
        if optimize or keep is None or len(keep) + n - n_seen > 1.5 * _GP_MAX_POINTS:
            order = np.argsort(-ys, kind="stable")
            top = order[: _GP_MAX_POINTS // 2]
            rest = self._rng.choice(
                order[_GP_MAX_POINTS // 2 :], _GP_MAX_POINTS - len(top), replace=False
            )
            keep, base = np.sort(np.r_[top, rest]), None
        else:
            keep = np.r_[keep, np.arange(n_seen, n)]
        self._subsets[b] = (keep, n)
        return Z[keep], ys[keep], base

    def _believe(self, model, b, unit):
        z = self._encoders[b].encode(unit[None, :])
        mu, _ = model.predict(z)
        if isinstance(model, GaussianProcess):
            model = model.with_fantasies(z, mu)
            if b in self._round_pools:
                pool = self._round_pools[b].follow(model)
                self._round_pools[b] = pool or self._pool(b, model)
            return model, float(mu[0])
        # Refitting a forest per fantasy is slow and barely changes it:
        # the trees' acquisition is instead penalised near the points
        # already chosen (local penalisation), see _maximize.
        model.avoid_ = np.vstack([model.avoid_, z])
        return model, float(mu[0])

    def _maximize(self, b, model, acq, best):
        """Acquisition values and unit rows of subspace ``b``, best first."""
        enc = self._encoders[b]
        func = ACQUISITIONS[acq]
        kw = {"kappa": self.kappa} if acq == "lcb" else {"xi": self._xi_now}
        if isinstance(model, GaussianProcess):
            pool = self._round_pools[b]
            U = pool.units
            values = func(*pool.predict(), best, **kw)
        else:
            U = self._candidates(b)
            values = func(*model.predict(enc.encode(U)), best, **kw)
            if len(model.avoid_):
                Z = enc.encode(U)
                d2 = ((Z[:, None, :] - model.avoid_[None, :, :]) ** 2).sum(-1).min(1)
                # a soft penalty: the acquisition loses up to 10 units (it
                # is on a log scale for EI and PI) within ~0.1 of a chosen
                # point
                values = values - 10.0 * np.exp(-d2 / (2 * 0.1**2))
        if self.acq_optimizer != "sampling" and isinstance(model, GaussianProcess):
            starts = self._starts(b, U, values)
            if len(starts):
                refined, rvalues = local_search(
                    self._acquisition_of(b, model, func, best, kw),
                    starts,
                    enc,
                    self._unit_scales(b, model),
                )
                U = np.vstack([U, refined])
                values = np.r_[values, rvalues]
        order = np.argsort(-values, kind="stable")
        return values[order], U[order]

    def _candidates(self, b):
        """Random (Sobol) points and perturbations of the best, or the grid."""
        enc = self._encoders[b]
        if self.space.subspaces[b].n_values <= self.n_candidates:
            return self._grid(b)
        return enc.snap(
            np.vstack(
                [
                    _unit_design("sobol", self.n_candidates, enc.n_dims, self._rng),
                    self._local_points(b),
                ]
            )
        )

    def _pool(self, b, gp):
        """The GP's posterior on subspace ``b``'s candidate points.

        The random points are kept from one round to the next while the GP
        only grows (same hyperparameters), so their posterior is extended
        rather than recomputed; they are drawn afresh whenever it must be
        recomputed. The perturbations of the best points are new each round.
        """
        enc = self._encoders[b]
        sub = self.space.subspaces[b]
        pool = self._pools.get(b)
        pool = pool.follow(gp) if pool is not None else None
        if pool is None:
            if sub.n_values <= self.n_candidates:
                U = self._grid(b)
            else:
                U = enc.snap(
                    _unit_design("sobol", self.n_candidates, enc.n_dims, self._rng)
                )
            pool = PoolPosterior(gp, U, enc.encode(U))
        self._pools[b] = pool
        if sub.n_values <= self.n_candidates:
            return pool
        local = enc.snap(self._local_points(b))
        if not len(local):
            return pool
        return pool.joined(PoolPosterior(gp, local, enc.encode(local)))

    def _starts(self, b, U, values):
        """Starting rows of the local search: the best new points among
        ``U`` (distinct) and subspace ``b``'s best told point."""
        starts, keys = [], set()
        for i in np.argsort(-values, kind="stable"):
            key = self._key_of(b, U[i])
            if key not in self._proposed and key not in keys:
                keys.add(key)
                starts.append(U[i])
                if len(starts) == self.n_restarts:
                    break
        ys = np.asarray(self._scores[b], dtype=float)
        if len(ys):
            starts.append(np.asarray(self._units[b][int(np.argmax(ys))], dtype=float))
        return np.array(starts).reshape(-1, self._encoders[b].n_dims)

    def _acquisition_of(self, b, model, func, best, kw):
        """The acquisition as a function of unit rows (and its gradient)."""
        enc = self._encoders[b]

        def fun(U, cols=None):
            Z = enc.encode(U)
            if cols is None:
                return func(*model.predict(Z), best, **kw)
            mu, sigma, dmu, dsigma = model.predict(Z, cont=enc.feat_of_unit[cols])
            return func(mu, sigma, best, dmu=dmu, dsigma=dsigma, **kw)

        return fun

    def _unit_scales(self, b, model):
        """The GP's length scale along each unit column (1 for categories)."""
        feats = self._encoders[b].feat_of_unit
        return np.where(feats >= 0, model.ls_[np.maximum(feats, 0)], 1.0)

    def _local_points(self, b, n_best=5, per_point=40):
        """Perturbations of the best told points of subspace ``b``."""
        enc = self._encoders[b]
        U = np.array(self._units[b]).reshape(-1, enc.n_dims)
        ys = np.array(self._scores[b], float)
        if not len(ys):
            return np.empty((0, enc.n_dims))
        top = U[np.argsort(-np.nan_to_num(ys, nan=-np.inf), kind="stable")[:n_best]]
        rows = np.repeat(top, per_point, axis=0)
        scale = self._rng.choice([0.01, 0.05, 0.2], size=(len(rows), 1))
        out = rows + self._rng.normal(size=rows.shape) * scale
        if enc.cats:
            cat_cols = [j for j, _, _ in enc.cats]
            flip = self._rng.uniform(size=(len(rows), len(cat_cols))) < 1.0 / (
                len(cat_cols) + 1
            )
            fresh = self._rng.uniform(size=flip.shape)
            out[:, cat_cols] = np.where(flip, fresh, rows[:, cat_cols])
        return np.clip(out, 0.0, 1.0)

    # -- TPE --------------------------------------------------------------
    def _use_tpe(self):
        return all(s == "tpe" for s in self.surrogates_)

    def _propose_tpe(self, n, picks):
        """Add TPE picks to ``picks`` until it holds ``n``."""
        data, worst = self._standardized()
        liars = [(b, u) for b, u in self._pending.values()]
        while len(picks) < n:
            pts = [(b, u, y) for b, (U, ys) in enumerate(data) for u, y in zip(U, ys)]
            pts += [(b, u, worst) for b, u in liars]
            ys = np.array([p[2] for p in pts])
            n_good = max(1, min(int(math.ceil(0.1 * len(pts))), 25))
            good = set(np.argsort(-ys, kind="stable")[:n_good].tolist())
            k = len(self._encoders)
            l_pts = [[] for _ in range(k)]
            g_pts = [[] for _ in range(k)]
            for i, (b, u, _) in enumerate(pts):
                (l_pts if i in good else g_pts)[b].append(u)
            open_ = np.array([not self._exhausted(b) for b in range(k)])
            nl = np.array([len(p) for p in l_pts], float) + 1.0
            ng = np.array([len(p) for p in g_pts], float) + 1.0
            p_l = np.where(open_, nl, 0) / np.where(open_, nl, 0).sum()
            log_ratio = np.log(nl / nl.sum()) - np.log(ng / ng.sum())
            counts = self._rng.multinomial(64, p_l)
            best = None
            for b in range(k):
                if not counts[b]:
                    continue
                enc = self._encoders[b]
                lo = Parzen(enc, np.array(l_pts[b]).reshape(-1, enc.n_dims))
                hi = Parzen(enc, np.array(g_pts[b]).reshape(-1, enc.n_dims))
                U = lo.sample(counts[b], self._rng)
                score = log_ratio[b] + lo.log_pdf(U) - hi.log_pdf(U)
                for i in np.argsort(-score, kind="stable"):
                    if self._is_new(b, U[i]):
                        if best is None or score[i] > best[0]:
                            best = (score[i], b, U[i])
                        break
            pick = (best[1], best[2], "tpe") if best else self._random_pick()
            self._register(pick, picks)
            liars.append(pick[:2])


def _warp(y, lmbda=None):
    """Yeo-Johnson transform of standardized scores, standardized again.

    Scores of hyperparameters are skewed (a few disastrous settings far
    below the rest); the transform spreads the good end, where the model
    must be precise. ``lmbda=None`` fits the exponent. Returns the
    transformed scores and the exponent (None if the transform failed).
    """
    from scipy.stats import yeojohnson

    if lmbda is None:
        t, lmbda = yeojohnson(y)
    else:
        t = yeojohnson(y, lmbda)
    std = t.std()
    if not np.isfinite(t).all() or std <= 1e-12:
        return y, None
    return (t - t.mean()) / std, float(lmbda)


_CONTROLLER = []


def _blas_controller():
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


def canonical_surrogate(surrogate):
    """Our name of a surrogate given in our or scikit-optimize's spelling.

    A regressor instance (an object with ``fit`` and ``predict``) is
    returned as is.
    """
    if isinstance(surrogate, str):
        surrogate = SKOPT_SURROGATES.get(surrogate, surrogate)
        _check_choice(surrogate, "surrogate", SURROGATES + tuple(SKOPT_SURROGATES))
        return surrogate
    if callable(getattr(surrogate, "fit", None)) and callable(
        getattr(surrogate, "predict", None)
    ):
        return surrogate
    raise ValueError(
        f"surrogate must be one of {SURROGATES + tuple(SKOPT_SURROGATES)} or a "
        f"regressor with fit and predict methods, got {surrogate!r}."
    )


def canonical_acquisition(acquisition):
    """Our name of an acquisition given in our or scikit-optimize's spelling."""
    if isinstance(acquisition, str):
        acquisition = SKOPT_ACQUISITIONS.get(acquisition, acquisition)
    _check_choice(
        acquisition, "acquisition", ACQUISITION_NAMES + tuple(SKOPT_ACQUISITIONS)
    )
    return acquisition


def _check_int(value, name, low):
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < low
    ):
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")


def _check_choice(value, name, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}.")
