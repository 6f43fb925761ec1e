"""Coarse-to-fine search: a space-filling sweep, then zooms on the best regions.

Stage 0 spreads a Sobol or Latin hypercube design over the whole space. Each
later stage picks the best distinct candidates found so far, builds a smaller
space around each of them (a *region*) and samples or grids it. Regions are
real :class:`~sklearn_hypersearch.Space` objects built from narrowed
dimensions, so users can read where the search zoomed and every region is, by
construction, inside the original space.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import itertools
import math
import numbers

import numpy as np

from sklearn_hypersearch._space import Categorical, Distribution, Integer, Real, Space
from sklearn_hypersearch._space._space import _unit_design
from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate

_FINE = ("random", "grid")
_DESIGNS = ("sobol", "lhs", "random")
# Finite regions up to this many points are enumerated, so that a pruned grid
# can be exhausted without repeats; larger ones are sampled.
_MAX_ENUMERATED = 20_000
# Fresh draws attempted in a region before it is widened.
_DRAW_ATTEMPTS = 5
# Stages of n_stages="auto" when n_iter allows them.
_AUTO_STAGES = 4


def stage_budgets(n_iter, n_stages, top_k, coarse_fraction):
    """Number of candidates planned for each stage.

    Stage 0 gets ``max(top_k, round(coarse_fraction * n_iter))`` candidates
    (at least one per region of stage 1); the rest is split evenly over the
    ``n_stages - 1`` later stages, earlier stages taking the remainder. With
    ``n_stages=1`` stage 0 gets everything.

    Parameters
    ----------
    n_iter : int
        Total number of candidates.
    n_stages : int
        Number of stages, including the coarse stage 0.
    top_k : int
        Number of regions of each later stage.
    coarse_fraction : float
        Share of ``n_iter`` given to stage 0, in ``(0, 1)``.

    Returns
    -------
    budgets : list of int
        Sums to ``n_iter``.

    Raises
    ------
    ValueError
        If ``n_iter`` cannot give stage 0 ``top_k`` candidates and every
        later stage at least one.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._coarse_to_fine import stage_budgets
    >>> stage_budgets(50, n_stages=3, top_k=3, coarse_fraction=0.4)
    [20, 15, 15]
    """
    budgets = _split(n_iter, n_stages, top_k, coarse_fraction)
    if budgets is None:
        minimum = next(
            n
            for n in itertools.count(1)
            if _split(n, n_stages, top_k, coarse_fraction) is not None
        )
        raise ValueError(
            f"n_iter={n_iter} is too small for n_stages={n_stages} and "
            f"top_k={top_k}: stage 0 needs at least top_k candidates and every "
            f"later stage at least one. With coarse_fraction={coarse_fraction} "
            f"use n_iter >= {minimum}, or fewer stages."
        )
    return budgets


def auto_n_stages(n_iter, top_k, coarse_fraction):
    """``n_stages="auto"``: 4 stages, or the most that ``n_iter`` allows.

    Stage 0 needs ``top_k`` candidates and every later stage one, so a
    small ``n_iter`` gets fewer stages, down to a single space-filling
    stage.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._coarse_to_fine import auto_n_stages
    >>> [auto_n_stages(n, top_k=2, coarse_fraction=0.4) for n in range(1, 7)]
    [1, 1, 2, 3, 4, 4]
    """
    return next(
        n
        for n in range(_AUTO_STAGES, 0, -1)
        if _split(n_iter, n, top_k, coarse_fraction) is not None
    )


def _split(n_iter, n_stages, top_k, coarse_fraction):
    """The stage budgets, or None if ``n_iter`` is too small."""
    if n_stages == 1:
        return [n_iter] if n_iter >= 1 else None
    # round half up, not to even: the split must not depend on parity
    first = max(top_k, math.floor(coarse_fraction * n_iter + 0.5))
    later = n_stages - 1
    rest = n_iter - first
    if rest < later:
        return None
    base, extra = divmod(rest, later)
    return [first] + [base + (i < extra) for i in range(later)]


class CoarseToFineStrategy(BaseStrategy):
    """Coarse space-filling sweep, then finer searches around the best regions.

    The search runs ``n_stages`` stages; :func:`stage_budgets` fixes how many
    candidates each one gets, and they sum to ``n_iter``.

    - **Stage 0** draws a space-filling design (``design``) over the whole
      space.
    - **Stage s >= 1** ranks every candidate told so far and keeps the
      ``top_k`` best as region centres. Around each centre it builds a
      region: every numeric dimension is narrowed, in the dimension's unit
      interval (so on the log scale for log dimensions), to a window of half
      width ``0.5 * shrink ** s`` centred on the candidate and clipped to
      ``[0, 1]``; every categorical dimension keeps the
      ``ceil(n_choices * shrink ** s)`` choices with the best scores so far,
      plus the centre's own choice. The stage budget is split evenly over the
      regions (better regions take the remainder), and each region is
      sampled (``fine="random"``) or gridded (``fine="grid"``).

    No candidate is proposed twice. When a region has fewer new points than
    its share (an integer window narrower than one step, a categorical-only
    region whose pruned grid is spent), its window is widened (at least
    doubled) until it has enough or covers the whole subspace; what a region
    still cannot provide goes to the next region, then to draws from the whole
    space. A finite space thus degrades to a pruned grid, and the strategy
    finishes early only when the space has no new point left.

    Parameters
    ----------
    space : Space, dict or list of dict
        What to search (anything :class:`~sklearn_hypersearch.Space` accepts).
    n_iter : int
        Total number of candidates over all stages.
    n_stages : int or "auto", default="auto"
        Number of stages, including the coarse stage 0. "auto" is 4, or
        fewer when ``n_iter`` cannot give stage 0 ``top_k`` candidates and
        every later stage one (see :func:`auto_n_stages`).
    top_k : int, default=2
        Number of regions refined by each later stage.
    shrink : float, default=0.5
        Factor in ``(0, 1)`` by which each stage narrows the regions.
    fine : {"random", "grid"}, default="random"
        How later stages fill a region: ``"random"`` draws a Latin hypercube
        sample (a stratified random design) of the region; ``"grid"``
        evaluates a regular grid of the region with about as many points as
        its share, the points closest to the centre first, and draws the
        rest at random if the grid is too small.
    design : {"sobol", "lhs", "random"}, default="sobol"
        Design of stage 0: scrambled Sobol sequence, Latin hypercube, or
        independent uniform draws.
    coarse_fraction : float, default=0.4
        Share of ``n_iter`` spent in stage 0, in ``(0, 1)``.
    cluster : bool, default=True
        Choose region centres so that regions are distinct: a candidate that
        lies inside an already chosen region of the stage (same categorical
        values, within the window on every numeric dimension) is skipped in
        favour of the next best. With False the ``top_k`` best candidates are
        the centres, even when they are neighbours.
    random_state : int, RandomState instance, Generator or None, default=None

    Attributes
    ----------
    n_stages : int
        The number of stages (``"auto"`` resolved).
    stage_budgets : list of int
        Candidates planned per stage; they sum to ``n_iter``.
    stage_spaces : list of Space
        One :class:`~sklearn_hypersearch.Space` per started stage. Stage 0's
        is the whole space; a later stage's has one subspace per region (in
        the order of the ``region`` tag), followed by the whole space's
        subspaces if the stage had to draw from them.
    stage_sizes : list of int
        Candidates actually proposed per started stage.
    stage_centres : list of list of dict
        The parameters of each stage's region centres, in region order
        (empty for stage 0).

    Notes
    -----
    Candidates carry the tags ``stage`` (the stage index) and ``region`` (the
    index, in ``stage_spaces[stage].subspaces``, of the subspace the
    candidate was drawn from).

    Score vectors (several objectives) may be told: candidates are then
    ranked by Pareto rank (constraint domination: feasible first), then by
    crowding distance, so that the regions of a stage go to non-dominated
    candidates that are far apart on the front.

    A numeric dimension is narrowed to its own type: :class:`Real` and
    :class:`Integer` keep their scale, a ``scipy.stats`` distribution becomes
    a uniform :class:`Real` (or :class:`Integer` if discrete) between the
    quantiles of the window. A window that holds a single value becomes a
    one-choice :class:`Categorical`.

    Examples
    --------
    >>> from sklearn_hypersearch import CoarseToFineStrategy, Real
    >>> strategy = CoarseToFineStrategy(
    ...     {"x": Real(-5.0, 5.0)}, n_iter=20, random_state=0
    ... )
    >>> strategy.stage_budgets
    [8, 4, 4, 4]
    >>> while batch := strategy.ask():
    ...     strategy.tell(batch, [-(c.params["x"] - 1) ** 2 for c in batch])
    >>> strategy.stage_spaces[2].subspaces[0]
    {'x': Real(..., ...)}
    >>> abs(strategy.best[0].params["x"] - 1) < 0.2
    True
    """

    result_tags = ("stage", "region")
    handles_vectors = True

    def __init__(
        self,
        space,
        n_iter,
        *,
        n_stages="auto",
        top_k=2,
        shrink=0.5,
        fine="random",
        design="sobol",
        coarse_fraction=0.4,
        cluster=True,
        random_state=None,
    ):
        super().__init__(space, random_state)
        _check_int(n_iter, "n_iter")
        _check_int(top_k, "top_k")
        for name, value in (("shrink", shrink), ("coarse_fraction", coarse_fraction)):
            if (
                not isinstance(value, numbers.Real)
                or isinstance(value, bool)
                or not 0 < value < 1
            ):
                raise ValueError(
                    f"{name} must be a float in the open interval (0, 1), got "
                    f"{value!r}."
                )
        if n_stages == "auto":
            n_stages = auto_n_stages(n_iter, top_k, coarse_fraction)
        _check_int(n_stages, "n_stages")
        if fine not in _FINE:
            raise ValueError(f"fine must be one of {_FINE}, got {fine!r}.")
        if design not in _DESIGNS:
            raise ValueError(f"design must be one of {_DESIGNS}, got {design!r}.")
        self.n_iter = int(n_iter)
        self.n_stages = int(n_stages)
        self.top_k = int(top_k)
        self.shrink = float(shrink)
        self.fine = fine
        self.design = design
        self.coarse_fraction = float(coarse_fraction)
        self.cluster = bool(cluster)
        self.stage_budgets = stage_budgets(
            self.n_iter, self.n_stages, self.top_k, self.coarse_fraction
        )
        self.stage_spaces = []
        self.stage_sizes = []
        self.stage_centres = []
        self._buffer = []
        self._proposed = set()
        self._ranking = []

    # -- protocol --------------------------------------------------------
    @property
    def n_planned(self):
        """Candidates of all stages (they sum to ``n_iter``)."""
        return sum(self.stage_budgets)

    def _ask(self, n):
        # Regions are built from what was told when the stage starts: tell a
        # stage's scores before asking for the next one.
        while not self._buffer and len(self.stage_spaces) < self.n_stages:
            self._start_stage(len(self.stage_spaces))
        n = len(self._buffer) if n is None else n
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def _start_stage(self, stage):
        quota = self.stage_budgets[stage]
        # one ranking per stage: regions and kept choices read the same one
        self._ranking = self._ranked()
        centres = [] if stage == 0 else self._centres(0.5 * self.shrink**stage)
        region_dicts, out = self._refine(stage, quota, centres)
        if len(out) < quota:
            # Draw from the whole space, whose subspaces become regions
            # after the stage's own.
            offset = len(region_dicts)
            region_dicts += [_as_dict(sub) for sub in self.space.subspaces]
            out += self._fill_space(stage, quota - len(out), offset)
        self.stage_spaces.append(Space(region_dicts))
        self.stage_sizes.append(len(out))
        self.stage_centres.append([params for _, params in centres])
        self._buffer = out

    # -- stage 0 and fall-back ------------------------------------------
    def _fill_space(self, stage, n, offset):
        """Up to ``n`` new candidates from the whole space (region offset+i)."""
        out = []
        method = self.design if stage == 0 else "random"
        for _ in range(_DRAW_ATTEMPTS):
            if len(out) >= n:
                break
            for i, unit in self.space.sample_unit(n - len(out), self._rng, method):
                sub = self.space.subspaces[i]
                self._collect(sub.from_unit(unit), out, n, stage, offset + i)
        for i, sub in enumerate(self.space.subspaces):
            # draws repeat on a small finite space: enumerate what is left
            if len(out) < n and sub.n_values <= _MAX_ENUMERATED:
                pool = sub.grid()
                order = self._rng.permutation(len(pool))
                self._collect([pool[j] for j in order], out, n, stage, offset + i)
        return out

    def _collect(self, params_list, out, n, stage, region):
        """Append new candidates of ``params_list`` to ``out`` until ``n``."""
        for params in params_list:
            if len(out) >= n:
                return
            key = self.space.key(params)
            if key in self._proposed or (key, None) in self._seen:
                continue
            self._proposed.add(key)
            out.append(Candidate(params, tags={"stage": stage, "region": region}))

    # -- later stages ----------------------------------------------------
    def _refine(self, stage, quota, centres):
        """The dicts of a stage's regions around ``centres``, and candidates."""
        if not centres:
            return [], []
        half = 0.5 * self.shrink**stage
        shares = _even_split(quota, len(centres))
        region_dicts, out = [], []
        carry = 0
        for (sub_idx, params), share in zip(centres, shares):
            want = share + carry
            region, got = self._fill_region(
                stage, len(region_dicts), sub_idx, params, half, want
            )
            region_dicts.append(region)
            out += got
            carry = want - len(got)
        return region_dicts, out

    def _ranked(self):
        """Told candidates of this space, best first (ties: first told).

        Score vectors rank by Pareto rank, then crowding distance.
        """
        scores = self._ranking_scores()
        order = np.argsort(-scores, kind="stable")
        ranked = []
        for j in order:
            cand = self.history[j][0]
            try:
                sub_idx = self.space.subspace_of(cand.params)
            except ValueError:
                continue  # a warm-start point outside the space
            ranked.append((sub_idx, cand.params, scores[j]))
        return ranked

    def _centres(self, half):
        """Up to ``top_k`` region centres ``(subspace index, params)``."""
        ranked = self._ranking
        if any(np.isfinite(s) for *_, s in ranked):
            # failed candidates are no place to zoom in
            ranked = [r for r in ranked if np.isfinite(r[2])]
        chosen, keys = [], set()
        for sub_idx, params, _ in ranked:
            key = self.space.key(params)
            if key in keys:
                continue
            if self.cluster and any(
                j == sub_idx and self._inside(sub_idx, params, c, half)
                for j, c in chosen
            ):
                continue
            chosen.append((sub_idx, params))
            keys.add(key)
            if len(chosen) == self.top_k:
                break
        return chosen

    def _inside(self, sub_idx, params, centre, half):
        """Whether ``params`` lies in the window of ``centre``."""
        sub = self.space.subspaces[sub_idx]
        unit = sub.to_unit([params, centre])
        for j, (name, dim) in enumerate(zip(sub.names, sub.dimensions)):
            if isinstance(dim, Categorical):
                if dim.index(params[name]) != dim.index(centre[name]):
                    return False
            elif abs(unit[0, j] - unit[1, j]) > half:
                return False
        return True

    def _fill_region(self, stage, region, sub_idx, centre, half, want):
        """Widen the region around ``centre`` until it gives ``want`` points.

        Returns the widest region's dict (which contains the narrower ones)
        and the new candidates.
        """
        out = []
        while True:
            dims = self._region_dims(sub_idx, centre, half)
            sub = Space(dims).subspaces[0]
            self._draw_region(sub, centre, want, out, stage, region)
            if len(out) >= want or half >= 1.0:
                return dims, out
            half = min(1.0, max(2 * half, half / self.shrink))

    def _region_dims(self, sub_idx, centre, half):
        sub = self.space.subspaces[sub_idx]
        unit = sub.to_unit([centre])[0]
        dims = {}
        for j, (name, dim) in enumerate(zip(sub.names, sub.dimensions)):
            if isinstance(dim, Categorical):
                dims[name] = self._kept_choices(sub_idx, name, dim, centre[name], half)
            else:
                dims[name] = _narrow(dim, centre[name], unit[j], half)
        return dims

    def _kept_choices(self, sub_idx, name, dim, value, half):
        """The best ``ceil(n * 2 * half)`` choices and ``value``, in order."""
        best = np.full(len(dim.choices), -np.inf)
        for j, params, score in self._ranking:
            if j == sub_idx:
                i = dim.index(params[name])
                best[i] = max(best[i], score)
        n_keep = max(1, math.ceil(len(dim.choices) * min(1.0, 2 * half) - 1e-9))
        # stable sort: ties (and unseen choices) keep the user's order
        keep = set(np.argsort(-best, kind="stable")[:n_keep].tolist())
        keep.add(dim.index(value))
        kept = sorted(keep)
        # the kept choices keep their prior weights, relative to each other
        prior = None if dim.prior is None else [dim.prior[i] for i in kept]
        return Categorical([dim.choices[i] for i in kept], prior=prior)

    def _draw_region(self, sub, centre, want, out, stage, region):
        """Append new candidates of region ``sub`` to ``out`` until ``want``."""
        if sub.n_values <= _MAX_ENUMERATED:
            pool = sub.grid()
            if self.fine == "grid":
                pool = self._by_distance(sub, centre, pool)
            else:
                pool = [pool[j] for j in self._rng.permutation(len(pool))]
            self._collect(pool, out, want, stage, region)
            return
        if self.fine == "grid":
            grid = _region_grid(sub, want - len(out))
            self._collect(
                self._by_distance(sub, centre, grid), out, want, stage, region
            )
        for _ in range(_DRAW_ATTEMPTS):
            if len(out) >= want:
                return
            unit = _unit_design("lhs", want - len(out), sub.n_dims, self._rng)
            self._collect(sub.from_unit(unit), out, want, stage, region)

    def _by_distance(self, sub, centre, points):
        """``points`` sorted by distance to ``centre`` (random tie-break)."""
        if not points:
            return points
        order = self._rng.permutation(len(points))
        points = [points[j] for j in order]
        unit = sub.to_unit(points)
        c = sub.to_unit([centre])[0]
        gap = np.abs(unit - c)
        for j, dim in enumerate(sub.dimensions):
            if isinstance(dim, Categorical):
                gap[:, j] = gap[:, j] > 0
        dist = np.sqrt((gap**2).sum(axis=1))
        return [points[j] for j in np.argsort(dist, kind="stable")]


def _narrow(dim, value, u, half):
    """``dim`` restricted to the unit window ``[u - half, u + half]``."""
    low, high = dim.from_unit([max(0.0, u - half), min(1.0, u + half)])
    # the centre stays in its region even where the unit map rounds
    low, high = min(low, value), max(high, value)
    if low == high:
        return Categorical([value])
    # a stepped dimension keeps its grid: the window's ends are grid values
    if isinstance(dim, Real):
        return Real(low, high, log=dim.is_log, step=dim.step)
    if isinstance(dim, Integer):
        return Integer(low, high, log=dim.is_log, step=dim.step)
    if isinstance(dim, Distribution):
        return Integer(int(low), int(high)) if dim.is_discrete else Real(low, high)
    raise TypeError(f"Cannot narrow a dimension of type {type(dim).__name__}.")


def _region_grid(sub, n):
    """A product grid of ``sub`` with at most ``n + 1`` points.

    Levels are added one dimension at a time, to the dimension with the
    fewest; ``n + 1`` because the region's centre, already evaluated, is
    often a grid point. A dimension with ``L`` levels takes the centres of
    ``L`` equal cells of its unit interval (all values of a finite dimension
    whose every value fits).
    """
    caps = [d.n_values for d in sub.dimensions]
    levels = [1] * sub.n_dims
    while True:
        open_dims = [j for j in range(sub.n_dims) if levels[j] < caps[j]]
        if not open_dims:
            break
        j = min(open_dims, key=lambda j: (levels[j], j))
        if math.prod(levels) // levels[j] * (levels[j] + 1) > n + 1:
            break
        levels[j] += 1
    axes = []
    for dim, n_levels, cap in zip(sub.dimensions, levels, caps):
        if n_levels == cap:
            axes.append(dim.values())
        else:
            values = dim.from_unit((np.arange(n_levels) + 0.5) / n_levels)
            axes.append([v for i, v in enumerate(values) if v not in values[:i]])
    return [dict(zip(sub.names, combo)) for combo in itertools.product(*axes)]


def _even_split(total, parts):
    """``total`` split in ``parts`` near-equal ints, the first ones larger."""
    base, extra = divmod(total, parts)
    return [base + (i < extra) for i in range(parts)]


def _as_dict(sub):
    return dict(zip(sub.names, sub.dimensions))


def _check_int(value, name):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}.")
