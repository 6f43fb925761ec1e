"""Bayesmark's normalised score, from its published definition.

Source: ``docs/scoring.rst``, ``bayesmark/experiment_baseline.py``
(``compute_baseline``), ``bayesmark/experiment_analysis.py``
(``compute_aggregates``) and ``bayesmark/expected_max.py`` of github
uber/bayesmark (commit 8c420e9). Losses are minimised.

For a problem p:

- ``opt_p`` (best known value): the lowest loss any run of any method
  reached on p among the results being scored;
- ``clip_p``: the median of all of random search's evaluations on p
  (pooled over seeds), i.e. the median loss of one random evaluation;
  as in Bayesmark's ``quantiles.quantile``, the ceil(n/2)-th smallest of
  the n evaluations (an observed value, the lower median if n is even);
- a run's performance after k evaluations is its best loss so far,
  ``S_k``, clipped at ``clip_p`` (failed evaluations count as inf);
- its normalised score is ``(min(S_k, clip_p) - opt_p) / (clip_p -
  opt_p)``, clipped to [-1, 1]: 0 at the best known value, 1 at the median
  single random evaluation (or worse).

A method's score on p is the mean over seeds; the benchmark score is the
mean over problems (Bayesmark's ``summary[PERF_MEAN]``, shown on its
leaderboard as ``100 * (1 - score)``). Random search's expected score
after k evaluations is estimated from the pooled random evaluations with
the unbiased estimator of the expected minimum of k draws
(:func:`expected_min`); dividing a method's mean score by random
search's gives Bayesmark's ``summary[NORMED_MEAN]``, which is 1 for random
search at every k. Checkpoints are multiples of the batch size (Bayesmark
scores after each batch).

A problem where ``clip_p - opt_p`` is not positive (random search's median
evaluation is already the best known: every method ties at 0) has no
normalised score and is reported as degenerate.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

__all__ = [
    "Baseline",
    "baseline",
    "best_so_far",
    "expected_min",
    "normalised",
]

REFERENCE = "random"


def _losses(values):
    """None / NaN -> inf, as float array."""
    out = np.array([math.inf if v is None else float(v) for v in values], dtype=float)
    out[np.isnan(out)] = math.inf
    return out


def expected_min(x, m):
    """Unbiased estimate of E[min of m draws] from the sample ``x``.

    The k-th smallest of n values is the minimum of a random m-subset with
    probability C(n - k, m - 1) / C(n, m); the estimate is the mean of the
    order statistics under those weights (an L-estimator; Bayesmark's
    ``expected_min``). ``m`` may be an int or an array of ints <= n.

    Parameters
    ----------
    x : array-like of shape (n,)
    m : int or array-like of int

    Returns
    -------
    float or ndarray
    """
    x = np.sort(np.asarray(x, dtype=float))
    n = x.size
    m_arr = np.atleast_1d(np.asarray(m))
    if n == 0 or np.any(m_arr < 1) or np.any(m_arr > n):
        raise ValueError(f"expected_min needs 1 <= m <= len(x) = {n}, got m={m!r}.")
    k = np.arange(1, n + 1)
    out = []
    for mm in m_arr:
        rest = n - k  # values above the k-th smallest
        ok = rest >= mm - 1
        logw = np.full(n, -np.inf)
        r = rest[ok]
        logw[ok] = (
            gammaln(r + 1)
            - gammaln(mm)
            - gammaln(r - mm + 2)
            - (gammaln(n + 1) - gammaln(mm + 1) - gammaln(n - mm + 1))
        )
        w = np.exp(logw)
        out.append(float(np.sum(w[ok] * x[ok]) / np.sum(w[ok])))
    return out[0] if np.ndim(m) == 0 else np.array(out)


def best_so_far(losses, checkpoints):
    """Best loss among the first c evaluations, for each checkpoint c."""
    y = _losses(losses)
    run = np.minimum.accumulate(y) if y.size else y
    out = []
    for c in checkpoints:
        out.append(run[min(c, y.size) - 1] if y.size else math.inf)
    return np.array(out, dtype=float)


@dataclass
class Baseline:
    """The reference points of one problem (see the module docstring)."""

    opt: float
    clip: float
    random_losses: np.ndarray

    @property
    def degenerate(self):
        return not (math.isfinite(self.clip) and self.clip > self.opt)

    def random_expected(self, checkpoints):
        """Random search's expected normalised score at each checkpoint."""
        clipped = np.minimum(self.random_losses, self.clip)
        return self.scale(expected_min(clipped, np.asarray(checkpoints)))

    def scale(self, best):
        """Normalised score of best-so-far losses (clipped to [-1, 1])."""
        best = np.minimum(np.asarray(best, dtype=float), self.clip)
        return np.clip((best - self.opt) / (self.clip - self.opt), -1.0, 1.0)


def baseline(runs, reference=REFERENCE):
    """The :class:`Baseline` of one problem from all its runs (dicts).

    ``runs`` are result dicts (``method``, ``losses``) of one problem; the
    runs of ``reference`` give the clip value and the random-search curve.
    """
    finite = [y for r in runs for y in _losses(r["losses"]) if math.isfinite(y)]
    ref = [r for r in runs if r["method"] == reference]
    if not ref:
        raise ValueError(
            f"scoring needs the runs of {reference!r} (the reference of the "
            "normalised score); add it to --methods."
        )
    random_losses = np.concatenate([_losses(r["losses"]) for r in ref])
    opt = min(finite) if finite else math.inf
    clip = np.sort(random_losses)[math.ceil(random_losses.size / 2) - 1]
    return Baseline(opt=float(opt), clip=float(clip), random_losses=random_losses)


def normalised(run, base, checkpoints):
    """A run's normalised score at each checkpoint."""
    return base.scale(best_so_far(run["losses"], checkpoints))
