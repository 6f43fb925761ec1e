"""Acquisition functions, for maximization, with their gradients.

Each function takes the posterior mean ``mu`` and standard deviation
``sigma`` (standardized score units), the incumbent ``best`` and, when
``dmu``/``dsigma`` (shape (m, c)) are given, also returns the gradient of
the acquisition along those ``c`` coordinates.

Expected and probability of improvement are returned as logarithms: they
underflow to 0 far from the incumbent, where their logarithms still rank
candidates and still have useful gradients.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np
from scipy.special import erfcx, log_ndtr

_SQRT_HALF_PI = math.sqrt(math.pi / 2)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _mills(z):
    """``Phi(z) / phi(z)``, accurate for very negative ``z``."""
    return _SQRT_HALF_PI * erfcx(-z / math.sqrt(2))


def log_ei(mu, sigma, best, xi=0.01, dmu=None, dsigma=None):
    """Log expected improvement over ``best + xi``."""
    z = (mu - best - xi) / sigma
    R = _mills(z)
    # E[max(f - best, 0)] = sigma * phi(z) * (1 + z * R(z)); for z << 0 the
    # bracket tends to 1/z^2 without cancellation trouble at double precision
    h = np.maximum(1.0 + z * R, 1e-300)
    value = np.log(sigma) - 0.5 * z * z - _LOG_SQRT_2PI + np.log(h)
    if dmu is None:
        return value
    dz = (dmu - z[:, None] * dsigma) / sigma[:, None]
    dlog_h_dz = (R / h)[:, None]
    grad = dsigma / sigma[:, None] + dlog_h_dz * dz
    return value, grad


def log_pi(mu, sigma, best, xi=0.01, dmu=None, dsigma=None):
    """Log probability of improving on ``best + xi``."""
    z = (mu - best - xi) / sigma
    value = log_ndtr(z)
    if dmu is None:
        return value
    dz = (dmu - z[:, None] * dsigma) / sigma[:, None]
    return value, dz / _mills(z)[:, None]


def ucb(mu, sigma, best=None, kappa=1.96, dmu=None, dsigma=None):
    """Upper confidence bound ``mu + kappa * sigma``.

    On a loss (skopt's convention) this is the lower confidence bound,
    hence the public name ``"lcb"``.
    """
    value = mu + kappa * sigma
    if dmu is None:
        return value
    return value, dmu + kappa * dsigma


ACQUISITIONS = {"ei": log_ei, "pi": log_pi, "lcb": ucb}


# -- maximization ---------------------------------------------------------------
def local_search(fun, starts, encoder, scale, n_steps=24):
    """Climb the acquisition from each row of ``starts``, all rows at once.

    Three phases, as suits a space that mixes kinds of dimensions:

    1. gradient ascent along every numeric coordinate (continuous ones, and
       integer ones relaxed to a continuum), then snapping to values;
    2. a neighbour search: each step moves a row to the best of its
       neighbours (one value up or down along one integer dimension,
       another choice along one categorical one) while that improves it;
    3. when phase 2 moved something, gradient ascent again along the
       continuous coordinates only, the discrete ones fixed.

    Parameters
    ----------
    fun : callable
        ``fun(U)`` returns the acquisition at unit rows ``U`` (shape (k,));
        ``fun(U, cols)`` also its gradient along the unit columns ``cols``
        (shape (k, len(cols))).
    starts : ndarray of shape (S, n_dims)
        Snapped unit rows.
    encoder : _Encoder
        The subspace's encoder (which columns are continuous, integer or
        categorical; snapping).
    scale : ndarray of shape (n_dims,)
        A length scale per unit column (the model's), so that steps are
        measured in the units the model varies in.
    n_steps : int, default=24
        Most gradient steps of phase 1 (half as many in phase 3).

    Returns
    -------
    units : ndarray of shape (S, n_dims)
        Snapped rows, each at least as good as its start.
    values : ndarray of shape (S,)
    """
    X = np.array(starts, dtype=float)
    f0 = fun(X)
    numeric = np.sort(np.r_[encoder.cont, encoder.discrete]).astype(int)
    if len(numeric):
        X, _ = _ascend(fun, X, numeric, scale[numeric], n_steps)
        X = encoder.snap(X)
    f = fun(X)
    # snapping may lose what the relaxed ascent gained: keep the start then
    worse = f < f0
    X[worse], f[worse] = np.asarray(starts, dtype=float)[worse], f0[worse]
    if len(encoder.discrete) or encoder.cats:
        X, f, moved = _climb(fun, X, f, encoder)
        if moved.any() and len(encoder.cont):
            cont = encoder.cont
            Y, _ = _ascend(fun, X[moved], cont, scale[cont], n_steps // 2)
            Y = encoder.snap(Y)
            gy = fun(Y)
            keep = gy > f[moved]
            rows = np.flatnonzero(moved)[keep]
            X[rows], f[rows] = Y[keep], gy[keep]
    return X, f


def _ascend(fun, X, cols, scale, n_steps, eta0=0.5, tol=1e-3):
    """Projected gradient ascent along ``cols`` of every row, step sizes
    adapted per row (doubled after a gain, halved after a loss).

    Steps are taken in coordinates divided by ``scale`` (the model's length
    scales), where the acquisition is about equally curved along every
    axis; ``eta`` is the step length there.
    """
    X = X.copy()
    f, g = fun(X, cols)
    eta = np.full(len(X), eta0)
    for _ in range(n_steps):
        x = X[:, cols]
        d = g * scale  # the gradient along the scaled coordinates
        # at a bound, a step outward is no step: project it away
        d[((x <= 0.0) & (d < 0)) | ((x >= 1.0) & (d > 0))] = 0.0
        norm = np.sqrt((d * d).sum(1))
        active = np.flatnonzero((eta > tol) & (norm > 0))
        if not len(active):
            break
        step = (eta[active] / norm[active])[:, None] * d[active] * scale
        Xn = X[active].copy()
        Xn[:, cols] = np.clip(x[active] + step, 0.0, 1.0)
        fn, gn = fun(Xn, cols)
        better = fn > f[active]
        rows = active[better]
        X[rows], f[rows], g[rows] = Xn[better], fn[better], gn[better]
        eta[active] = np.where(better, 2.0 * eta[active], 0.5 * eta[active])
    return X, f


def _neighbours(X, encoder):
    """Every row's neighbours: one step along one integer dimension, or
    another choice of one categorical dimension. Returns the rows and the
    index of the row each one neighbours."""
    out, owner = [], []
    idx = np.arange(len(X))
    for j in encoder.discrete:
        dim = encoder.dims[j]
        values = np.asarray(dim.from_unit(X[:, j]), dtype=float)
        delta = getattr(dim, "step", None) or 1
        low, high = getattr(dim, "low", -np.inf), getattr(dim, "high", np.inf)
        for sign in (-1.0, 1.0):
            N = X.copy()
            N[:, j] = dim.to_unit(np.clip(values + sign * delta, low, high))
            out.append(N)
            owner.append(idx)
    for j, centers, _ in encoder.cats:
        for c in centers:
            N = X.copy()
            N[:, j] = c
            out.append(N)
            owner.append(idx)
    N = encoder.snap(np.vstack(out))
    return N, np.concatenate(owner)


def _climb(fun, X, f, encoder, max_rounds=8):
    """Move each row to its best neighbour while that improves it."""
    X, f = X.copy(), f.copy()
    moved = np.zeros(len(X), dtype=bool)
    live = np.arange(len(X))
    for _ in range(max_rounds):
        N, owner = _neighbours(X[live], encoder)
        values = fun(N)
        best = np.full(len(live), -np.inf)
        arg = np.zeros(len(live), dtype=int)
        # the best neighbour of each row (stable: the first of equals)
        order = np.lexsort((-values, owner))
        first = np.r_[True, owner[order][1:] != owner[order][:-1]]
        arg[owner[order][first]] = order[first]
        best[owner[order][first]] = values[order][first]
        up = best > f[live] + 1e-12
        if not up.any():
            break
        rows = live[up]
        X[rows], f[rows] = N[arg[up]], best[up]
        moved[rows] = True
        live = rows
    return X, f, moved
