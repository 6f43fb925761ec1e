"""Gradient-based local search as an ask/tell strategy.

A projected L-BFGS (L-BFGS-B in spirit: limited-memory BFGS on the free
variables of the unit box, with a backtracking Armijo line search along the
projected path) written in reverse communication: every function evaluation
the optimiser needs is one candidate it asks for, and the optimiser moves on
when that candidate's result is told.

The strategy knows nothing of estimators. It learns either

- a score *and its gradient* for every candidate (values of shape
  ``(n, 1 + n_names)``: the score, then the derivative of the score with
  respect to each unit coordinate, in the order of ``space.names``), or
- scores only, in which case it estimates the gradient itself by central
  finite differences (a stencil of ``2 * d`` candidates around each accepted
  point), the model-agnostic "local refinement" mode.

Only the continuous dimensions of the start point's subspace are optimised;
integer and categorical dimensions keep the start point's values.

References
----------
Byrd, Lu, Nocedal and Zhu (1995). A limited memory algorithm for bound
constrained optimization. SIAM J. Sci. Comput. 16(5).
Nocedal and Wright (2006). Numerical Optimization, 2nd ed., chapters 3
(backtracking with interpolation) and 7 (L-BFGS two-loop recursion).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from sklearn_hypersearch._strategies._base import (
    BaseStrategy,
    Candidate,
    finite_scores,
)

GRADIENT_MODES = ("told", "finite_difference", "surrogate")

# Armijo's sufficient-decrease constant and the backtracking bounds.
_C1 = 1e-4
# Longest first trial step, infinity norm in unit coordinates.
_MAX_STEP = 0.25
# Wolfe's curvature constant (the usual quasi-Newton value).
_C2 = 0.9
_SHRINK_MIN, _SHRINK_MAX = 0.1, 0.5
# A line search whose steps fall below this (unit coordinates) has failed:
# the score is flat, noisy or has a kink there (Lasso's active-set changes).
_MIN_STEP = 1e-7
# Backtracking steps along an estimated gradient before it is distrusted.
_MAX_BACKTRACKS = 3
# A restart (scores-only modes) begins at the best told point at least this
# far (infinity norm, unit coordinates) from every start and accepted point.
_RESTART_RADIUS = 0.1


def _interpolate(f0, slope0, t, f1, g1, direction):
    """Step minimizing a model of f along the line, for backtracking.

    The cubic through f and its slope at 0 and t when the gradient at t is
    known (Nocedal and Wright, eq. 3.59), else the quadratic through f(0),
    f'(0) and f(t); half the step when neither has a minimum inside.
    """
    if g1 is not None and np.all(np.isfinite(g1)):
        slope1 = float(g1 @ direction)
        d1 = slope0 + slope1 - 3.0 * (f0 - f1) / (0.0 - t)
        disc = d1 * d1 - slope0 * slope1
        if disc >= 0:
            d2 = math.sqrt(disc)
            denom = slope1 - slope0 + 2.0 * d2
            if denom != 0:
                return t - t * (slope1 + d2 - d1) / denom
    denom = 2.0 * (f1 - f0 - slope0 * t)
    return -slope0 * t * t / denom if denom > 0 else _SHRINK_MAX * t


def continuous_indices(subspace):
    """Positions of the continuous dimensions of ``subspace``."""
    return [j for j, d in enumerate(subspace.dimensions) if d.is_continuous]


class GradientStrategy(BaseStrategy):
    """Projected L-BFGS over the unit coordinates of the continuous dimensions.

    Parameters
    ----------
    space : Space, dict or list of dict
    gradient : {"told", "finite_difference", "surrogate"}, default="told"
        ``"told"``: every told value row is ``[score, d score / d u_1, ...]``
        over ``space.names`` (NaN where a name is not differentiated).
        ``"finite_difference"``: scores only; the gradient at each accepted
        point is estimated from ``2 * d`` extra candidates.
        ``"surrogate"``: scores only; the gradient is that of the mean of a
        Gaussian process fitted to the (at most 50) told points nearest the
        accepted point that share its fixed values, so it costs no extra
        candidate once ``2 * d + 1`` points are known (before, a
        finite-difference stencil provides them).
    fd_step : float, default=0.02
        Half-width of the finite-difference stencil in unit coordinates.
    memory : int, default=10
        Number of (step, gradient change) pairs kept by L-BFGS.
    initial_step : float, default=0.1
        Length (infinity norm, unit coordinates) of the first step, taken
        along the steepest ascent direction.
    tol : float, default=1e-10
        The search ends when an accepted step improves the score by less
        than ``tol * max(1, |score|)`` and the projected gradient is tiny,
        or when the line search cannot improve any more.
    random_state : int, RandomState instance, Generator or None, default=None
        Draws the start point when no result was told before the first ask.

    Attributes
    ----------
    start : dict or None
        The parameters of the start point.
    n_iterations : int
        Accepted steps so far.
    n_restarts : int
        Local searches begun after the first one. With scores only
        (``gradient != "told"``) a converged search restarts from the best
        told point farther than 0.1 (unit coordinates) from every start and
        accepted point, while the budget lasts.
    converged : bool
        Whether the optimiser ended by itself (no further candidate).
    """

    result_tags = ("iteration", "role")

    def __init__(
        self,
        space,
        gradient="told",
        fd_step=0.02,
        memory=10,
        initial_step=0.1,
        tol=1e-10,
        random_state=None,
    ):
        super().__init__(space, random_state)
        if gradient not in GRADIENT_MODES:
            raise ValueError(
                f"gradient must be one of {GRADIENT_MODES}, got {gradient!r}."
            )
        if not (isinstance(fd_step, (int, float)) and 0 < fd_step < 0.5):
            raise ValueError(f"fd_step must be in (0, 0.5), got {fd_step!r}.")
        if not (isinstance(memory, int) and memory >= 0):
            raise ValueError(f"memory must be a non-negative int, got {memory!r}.")
        if not (isinstance(initial_step, (int, float)) and 0 < initial_step <= 1):
            raise ValueError(f"initial_step must be in (0, 1], got {initial_step!r}.")
        if not (isinstance(tol, (int, float)) and tol >= 0):
            raise ValueError(f"tol must be a non-negative float, got {tol!r}.")
        self.gradient = gradient
        self.fd_step = float(fd_step)
        self.memory = memory
        self.initial_step = float(initial_step)
        self.tol = float(tol)
        self.start = None
        self.n_iterations = 0
        self.converged = False
        # optimiser state (minimizes f = -score over x in [0, 1]^d)
        self._sub = None  # index of the searched subspace
        self._cont = []  # its continuous positions
        self._base_unit = None  # full unit vector of the start point
        self._x = self._f = self._g = None  # accepted point
        self._pairs = []  # L-BFGS (s, y) pairs
        self._pending = None  # what the asked candidates are for
        self._trial = None  # line search state: (direction, t, slope)
        self._n_backtracks = 0
        self._steepest = False  # the last direction was steepest descent
        self._attempted_starts = 0
        self._last = None  # previous accepted (x, g) while a stencil runs
        self._g_source = None  # "told", "stencil" or "surrogate"
        self._concave = False  # the last accepted step gave no BFGS pair
        self._last_step = None  # its length (infinity norm)
        self._last_trial = None
        self._centers = []  # starts and accepted points, for restarts
        self._out_of_budget = False
        self.n_restarts = 0
        self._force_stencil = False
        self._told_rows = {}  # key -> told row of the pending batch
        # no continuous dimension anywhere: nothing to follow a gradient
        # along; the strategy proposes unseen points at random instead
        self._random_mode = all(
            len(continuous_indices(sub)) == 0 for sub in self.space.subspaces
        )
        self._proposed = set()

    # -- public protocol ------------------------------------------------------
    def tell(self, candidates, scores):
        """Record results; ``scores`` may carry gradients (see ``gradient``).

        Parameters
        ----------
        candidates : list of Candidate or dict
        scores : array-like of shape (n,) or (n, 1 + len(space.names))
            Scores, or scores followed by their gradients in unit
            coordinates. A 1-d array (warm starts) gives scores only.
        """
        candidates = [
            c if isinstance(c, Candidate) else Candidate(dict(c)) for c in candidates
        ]
        values = np.asarray(scores, dtype=float)
        if values.ndim == 1:
            values = values.reshape(-1, 1)
        if values.ndim != 2 or len(values) != len(candidates):
            raise ValueError(
                f"Got {len(candidates)} candidates but values of shape "
                f"{np.shape(scores)}."
            )
        for cand, row in zip(candidates, values):
            self.history.append((cand, float(row[0])))
            self._seen.add(self._key(cand))
        self._tell(candidates, values)

    # -- candidates -----------------------------------------------------------
    def _point(self, x):
        """Parameters of the searched subspace at continuous coordinates x."""
        unit = self._base_unit.copy()
        unit[self._cont] = x
        return self.space.subspaces[self._sub].from_unit(unit[None, :])[0]

    def _candidate(self, x, role):
        return Candidate(
            self._point(x), tags={"iteration": self.n_iterations, "role": role}
        )

    def _ask(self, n):
        if self._random_mode:
            return self._ask_random(n)
        # each pass either proposes, or converges and restarts (each restart
        # takes a new centre, so the passes are bounded by the told points)
        while True:
            if self.converged and not self._restart():
                return []
            batch = self._ask_local(n)
            if batch or not self.converged:
                return batch

    def _ask_random(self, n):
        """``n`` (one by default) unseen points of a space without continuous
        dimensions; [] once a finite space is used up."""
        n = 1 if n is None else n
        out = []
        left = self.space.n_values - len(self._proposed | {k for k, _ in self._seen})
        for _ in range(min(n, left)):
            for _attempt in range(1000):
                params = self.space.sample(1, self._rng)[0]
                key = self.space.key(params)
                if key not in self._proposed and (key, None) not in self._seen:
                    break
            else:  # nearly used up: enumerate
                params = next(
                    p
                    for p in self.space.grid()
                    if self.space.key(p) not in self._proposed
                    and (self.space.key(p), None) not in self._seen
                )
                key = self.space.key(params)
            self._proposed.add(key)
            out.append(Candidate(params, tags={"iteration": 0, "role": "random"}))
        return out

    def _ask_local(self, n):
        if self._x is None:
            return self._ask_start(n)
        if self._pending is not None:
            raise RuntimeError(
                "GradientStrategy: the candidates of the last ask were not told."
            )
        if (
            self._g is None
            and self.gradient == "surrogate"
            and not self._force_stencil
            and self._enough_data()
        ):
            g = self._surrogate_gradient(self._x)
            if g is not None:
                self._set_estimated_gradient(self._x, g, "surrogate")
        if self._g is None and self.gradient != "told":
            return self._ask_stencil(n)
        return self._ask_trial()

    def _ask_start(self, n):
        if self._pending is not None:
            raise RuntimeError(
                "GradientStrategy: the candidates of the last ask were not told."
            )
        params = self._start_params()
        self.start = params
        self._sub = self.space.subspace_of(params)
        sub = self.space.subspaces[self._sub]
        self._cont = continuous_indices(sub)
        self._base_unit = sub.to_unit([params])[0]
        x = self._base_unit[self._cont].copy()
        self._attempted_starts += 1
        cand = Candidate(params, tags={"iteration": 0, "role": "start"})
        batch = [cand]
        needs_stencil = self.gradient == "finite_difference" or (
            self.gradient == "surrogate" and not self._enough_data()
        )
        if needs_stencil and (n is None or n > len(self._stencil_points(x))):
            batch += self._stencil(x)
        self._pending = ("start", x, batch)
        return batch

    def _start_params(self):
        """The best told point of the space, else a random draw (from the
        subspaces that have a continuous dimension to follow)."""
        movable = [
            b
            for b, sub in enumerate(self.space.subspaces)
            if len(continuous_indices(sub))
        ]
        if self._attempted_starts == 0 and self.history:
            scores = finite_scores([s for _, s in self.history])
            for i in np.argsort(-scores, kind="stable"):
                params = self.history[i][0].params
                if (
                    np.isfinite(scores[i])
                    and self.space.contains(params)
                    and self.space.subspace_of(params) in movable
                ):
                    return dict(params)
        b = movable[int(self._rng.integers(len(movable)))]
        sub = self.space.subspaces[b]
        return sub.from_unit(self._rng.uniform(size=(1, sub.n_dims)))[0]

    def _stencil_ends(self, x):
        """Per coordinate, the two ends of its difference, inside the box.

        Central differences of half-width ``fd_step``; within ``fd_step`` of
        a bound, a one-sided difference between x itself and the inner side.
        """
        ends = []
        for xj in x:
            lo, hi = xj - self.fd_step, xj + self.fd_step
            if lo < 0.0:
                lo = xj
            elif hi > 1.0:
                hi = xj
            ends.append((lo, hi))
        return ends

    def _stencil_points(self, x):
        """The points of the stencil other than x itself."""
        pts = []
        for j, pair in enumerate(self._stencil_ends(x)):
            for value in pair:
                if value != x[j]:
                    p = x.copy()
                    p[j] = value
                    pts.append(p)
        return pts

    def _stencil(self, x):
        return [
            self._candidate(p, "finite_difference") for p in self._stencil_points(x)
        ]

    def _ask_stencil(self, n):
        batch = self._stencil(self._x)
        if n is not None and len(batch) > n:
            # not enough budget left for a gradient estimate
            self.converged = True
            self._out_of_budget = True
            return []
        self._pending = ("stencil", self._x, batch)
        return batch

    def _ask_trial(self):
        if self._trial is None:
            direction = self._direction()
            if direction is None:
                self.converged = True
                return []
            step = self._first_step(direction)
            slope = float(self._g @ direction)
            self._trial = (direction, step, slope)
            self._n_backtracks = 0
        direction, t, slope = self._trial
        x_new = np.clip(self._x + t * direction, 0.0, 1.0)
        # backtracking inside the part of the path clipped by the box would
        # ask for the same point again: shrink to where the path is unclipped
        while self._last_trial is not None and np.array_equal(x_new, self._last_trial):
            t *= _SHRINK_MAX
            self._trial = (direction, t, slope)
            x_new = np.clip(self._x + t * direction, 0.0, 1.0)
        self._last_trial = x_new
        if np.max(np.abs(x_new - self._x)) < _MIN_STEP:
            self.converged = True
            return []
        cand = self._candidate(x_new, "line_search")
        self._pending = ("trial", x_new, [cand])
        return [cand]

    # -- directions -------------------------------------------------------------
    def _free(self, x, g):
        """Variables not held at a bound by a gradient pushing outwards."""
        return ~(((x <= 0.0) & (g > 0)) | ((x >= 1.0) & (g < 0)))

    def projected_gradient_norm(self):
        x, g = self._x, self._g
        return float(np.max(np.abs(np.clip(x - g, 0.0, 1.0) - x), initial=0.0))

    def _direction(self):
        """L-BFGS descent direction on the free variables (None: stationary)."""
        x, g = self._x, self._g
        free = self._free(x, g)
        if not free.any() or self.projected_gradient_norm() == 0.0:
            return None
        q = np.where(free, g, 0.0)
        if self._steepest or not self._pairs:
            self._steepest = True
            return -q
        alphas = []
        for s, y in reversed(self._pairs):
            s, y = np.where(free, s, 0.0), np.where(free, y, 0.0)
            rho = s @ y
            if rho <= 0:
                continue
            a = (s @ q) / rho
            alphas.append((a, s, y, rho))
            q = q - a * y
        s, y = self._pairs[-1]
        gamma = (s @ y) / (y @ y)
        r = gamma * q
        for a, s, y, rho in reversed(alphas):
            b = (y @ r) / rho
            r = r + s * (a - b)
        d = np.where(free, -r, 0.0)
        if g @ d >= 0:  # not a descent direction: fall back to steepest
            self._steepest = True
            return np.where(free, -g, 0.0)
        return d

    def _first_step(self, direction):
        length = max(np.max(np.abs(direction)), 1e-300)
        if self._steepest and not self._pairs:
            # no curvature known yet: a step of initial_step in unit length
            step = self.initial_step / length
        else:
            step = 1.0
        # a quasi-Newton step is a local model's: never trust it over more
        # than _MAX_STEP of the unit box (a plateau makes it huge)
        if self._concave and self._last_step is not None:
            # a concave stretch leaves no BFGS pair to scale the step:
            # double the last accepted step instead
            step = 2.0 * self._last_step / length
        return min(step, _MAX_STEP / length)

    # -- learning ---------------------------------------------------------------
    def _gradient_from_row(self, row):
        """The f-gradient (f = -score) on the continuous coordinates."""
        if len(row) == 1:
            return None
        names = self.space.names
        sub = self.space.subspaces[self._sub]
        cols = [1 + names.index(sub.names[j]) for j in self._cont]
        return -row[cols]

    def _tell(self, candidates, values):
        if self._random_mode:
            return
        if self._pending is None:
            return  # warm start: only used to choose the start point
        kind, x, batch = self._pending
        keys = [self.space.key(c.params) for c in batch]
        for cand, row in zip(candidates, values):
            key = self.space.key(cand.params)
            if key in keys:
                self._told_rows[key] = row
        if len(self._told_rows) < len(set(keys)):
            return  # the rest of the batch is told later (in pieces)
        # the batch in the order asked, however it was told
        values = np.array([self._told_rows[k] for k in keys], dtype=float)
        self._pending, self._told_rows = None, {}
        scores = finite_scores(values[:, 0])
        if kind == "start":
            self._tell_start(x, values, scores)
        elif kind == "stencil":
            self._force_stencil = False
            g = self._fd_gradient(x, self._f, scores)
            self._set_estimated_gradient(x, g, "stencil")
        else:
            self._tell_trial(x, values[0], scores[0])

    def _tell_start(self, x, values, scores):
        if not np.isfinite(scores[0]):
            # a failed start: draw another one at the next ask
            return
        self._x, self._f = x, -scores[0]
        self._centers.append(x)
        if self.gradient == "told":
            self._g = self._checked_gradient(self._gradient_from_row(values[0]))
        elif len(scores) > 1:
            g = self._fd_gradient(x, self._f, scores[1:])
            self._set_estimated_gradient(x, g, "stencil")

    def _restart(self):
        """Continue from the best told point of a region not yet refined.

        Only with scores only and budget left; returns whether it restarted.
        """
        if self.gradient == "told" or self._out_of_budget or self._x is None:
            return False
        Z, scores, finite = self._slice()
        far = np.ones(len(Z), dtype=bool)
        for c in self._centers:
            far &= np.max(np.abs(Z - c), axis=1) > _RESTART_RADIUS
        far &= finite
        if not far.any():
            return False
        i = int(np.flatnonzero(far)[np.argmax(scores[far])])
        self._x, self._f, self._g = Z[i].copy(), -scores[i], None
        self._centers.append(self._x)
        self._pairs, self._trial, self._last = [], None, None
        self._steepest, self._force_stencil = False, False
        self.converged = False
        self.n_restarts += 1
        return True

    def _set_estimated_gradient(self, x, g, source):
        """Take an estimated gradient at the accepted point x."""
        self._g, self._g_source = g, source
        if g is None:
            self.converged = True
        elif self._last is not None:
            x_old, g_old = self._last
            self._update_pairs(x - x_old, g - g_old)
        self._last = None

    def _slice(self):
        """Told points sharing the start's subspace and fixed values.

        Returns the continuous unit coordinates and the scores (non-finite
        scores become the worst finite one).
        """
        sub = self.space.subspaces[self._sub]
        fixed = [j for j in range(sub.n_dims) if j not in self._cont]
        rows, scores = [], []
        # in a fixed order (the points' keys), so that the surrogate fitted on
        # them does not depend on the order they were told in
        for cand, score in sorted(
            self.history, key=lambda item: repr(self.space.key(item[0].params))
        ):
            if not sub.contains(cand.params):
                continue
            unit = sub.to_unit([cand.params])[0]
            if np.allclose(unit[fixed], self._base_unit[fixed]):
                rows.append(unit[self._cont])
                scores.append(score)
        scores = np.asarray(scores, dtype=float)
        finite = np.isfinite(scores)
        if finite.any():
            scores = np.where(finite, scores, scores[finite].min())
        return np.asarray(rows).reshape(len(rows), len(self._cont)), scores, finite

    def _enough_data(self):
        """Whether a surrogate of the slice can give a gradient."""
        _, _, finite = self._slice()
        return finite.sum() >= 2 * len(self._cont) + 1

    def _surrogate_gradient(self, x):
        """The f-gradient of a Gaussian process fitted to the slice, at x."""
        from sklearn_hypersearch._strategies._surrogates import GaussianProcess

        Z, scores, _ = self._slice()
        # keep the points nearest x: the surrogate is local
        near = np.argsort(np.max(np.abs(Z - x), axis=1), kind="stable")[:50]
        Z, scores = Z[near], scores[near]
        scale = scores.std()
        if not np.isfinite(scale) or scale == 0:
            return None
        y = (scores - scores.mean()) / scale
        gp = GaussianProcess().fit(Z, y, rng=self._rng)
        _, _, dmu, _ = gp.predict(x[None, :], cont=np.arange(len(x)))
        return -dmu[0] * scale

    def _checked_gradient(self, g):
        if g is None or not np.all(np.isfinite(g)):
            # without a gradient there is nowhere to go
            self.converged = True
            return None
        return g

    def _fd_gradient(self, x, f_x, scores):
        """The f-gradient from the stencil's scores (and f at x)."""
        if not (np.all(np.isfinite(scores)) and np.isfinite(f_x)):
            return None
        scores = iter(scores)
        g = np.empty(len(x))
        for j, (lo, hi) in enumerate(self._stencil_ends(x)):
            f_lo = f_x if lo == x[j] else -next(scores)
            f_hi = f_x if hi == x[j] else -next(scores)
            g[j] = (f_hi - f_lo) / (hi - lo)
        return g

    def _tell_trial(self, x_new, row, score):
        direction, t, slope = self._trial
        f_new = -score
        step = x_new - self._x
        armijo = np.isfinite(f_new) and f_new <= self._f + _C1 * float(self._g @ step)
        if armijo:
            self._accept(x_new, f_new, row)
            return
        self._n_backtracks += 1
        if np.isfinite(f_new):
            g_new = self._gradient_from_row(row) if self.gradient == "told" else None
            t_new = _interpolate(self._f, slope, t, f_new, g_new, direction)
            t_new = min(max(t_new, _SHRINK_MIN * t), _SHRINK_MAX * t)
        else:
            t_new = 0.25 * t
        # an estimated gradient may point the wrong way: give up sooner
        give_up = self.gradient != "told" and self._n_backtracks >= _MAX_BACKTRACKS
        if give_up or t_new * np.max(np.abs(direction)) < _MIN_STEP:
            # the line search failed: retry once from steepest descent
            self._trial = None
            if self._g_source == "surrogate":
                # a surrogate's slope is checked by a finite-difference one
                self._g = None
                self._force_stencil = True
            elif self._steepest or self.gradient == "told":
                # an exact gradient's descent direction that cannot descend:
                # the score is flat, noisy or kinked here; steepest descent
                # would not do better
                self.converged = True
            else:
                self._pairs = []
                self._steepest = True
            return
        self._trial = (direction, t_new, slope)

    def _accept(self, x_new, f_new, row):
        f_old, x_old, g_old = self._f, self._x, self._g
        self._x, self._f = x_new, f_new
        self._centers.append(x_new)
        self._trial = None
        self._steepest = False
        self.n_iterations += 1
        small = (f_old - f_new) <= self.tol * max(1.0, abs(f_old), abs(f_new))
        if self.gradient == "told":
            self._g = self._checked_gradient(self._gradient_from_row(row))
            if self._g is None:
                return
            step = x_new - x_old
            self._concave = not self._update_pairs(step, self._g - g_old)
            self._last_step = float(np.max(np.abs(step)))
            if small and self.projected_gradient_norm() <= math.sqrt(self.tol):
                self.converged = True
        else:
            # the gradient at x_new comes with the next stencil
            self._g = None
            self._last = (x_old, g_old)
            if small:
                # an estimated gradient is too coarse to test stationarity:
                # a step that no longer improves ends this local search
                self.converged = True

    def _update_pairs(self, s, y):
        """Keep the pair if the curvature along s is positive; return that."""
        if s @ y <= 1e-10 * np.linalg.norm(s) * np.linalg.norm(y):
            return False
        if self.memory:
            self._pairs.append((s, y))
            del self._pairs[: -self.memory]
        return True
