"""Pareto tools for multi-objective search: ranks, crowding, hypervolume.

Pure functions of arrays, shared by the strategies, the driver and the plots.

Conventions
-----------
* Every function takes objective values already oriented for
  **maximization** (the strategies maximize; the driver flips "min"
  objectives), as a float array ``Y`` of shape ``(n_points, n_objectives)``.
* A point with any non-finite value (NaN, infinities: a failed fit) is the
  worst possible point: it is read as ``-inf`` in *every* objective, so each
  point with finite values dominates it and it never adds hypervolume. A
  failed fit with a finite fit time therefore never reaches the front by
  being fast.
* ``a`` dominates ``b`` when ``a >= b`` in every objective and ``a > b`` in
  at least one. Equal points do not dominate each other.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import bisect
import numbers

import numpy as np

from sklearn_hypersearch._space._space import _as_generator

__all__ = [
    "chebyshev_scalarize",
    "crowding_distance",
    "hypervolume",
    "hypervolume_contributions",
    "non_dominated_sort",
    "normalize",
    "random_simplex_weights",
]


# -- validation ---------------------------------------------------------------
def _as_points(Y, name="Y"):
    """``Y`` as a float array (n, m), every row with a non-finite value -inf."""
    try:
        arr = np.asarray(Y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {Y!r}.") from exc
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must be a 2-d array of shape (n_points, n_objectives) with "
            f"n_objectives >= 1, got shape {arr.shape}."
        )
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        arr = arr.copy()
        arr[bad] = -np.inf
    return arr


def _as_vector(value, name, size):
    """A finite float vector of length ``size``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {value!r}.") from exc
    if arr.shape != (size,):
        raise ValueError(
            f"{name} must have shape ({size},) (one value per objective), got "
            f"shape {arr.shape}."
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return arr


def _as_violation(violation, n):
    """Constraint violations as floats >= 0 (NaN read as +inf)."""
    if violation is None:
        return np.zeros(n)
    try:
        v = np.asarray(violation, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"violation must be an array of numbers, got {violation!r}."
        ) from exc
    if v.shape != (n,):
        raise ValueError(
            f"violation must have shape ({n},) (one value per point), got shape "
            f"{v.shape}."
        )
    if (v < 0).any():
        raise ValueError(
            "violation must be >= 0 (0 means feasible), got "
            f"{v[v < 0][0]!r} at index {int(np.flatnonzero(v < 0)[0])}."
        )
    # an unknown violation (e.g. computed from a failed fit) is the worst
    return np.where(np.isnan(v), np.inf, v)


def _unique_rows(Y):
    """Distinct rows sorted lexicographically, and each row's index among them."""
    U, inverse = np.unique(Y, axis=0, return_inverse=True)
    # numpy 2.0.0 returned a 2-d inverse when an axis was given
    return U, inverse.reshape(-1)


# -- non-dominated sorting ------------------------------------------------------
def non_dominated_sort(Y, violation=None):
    """Pareto rank of every point, with constraint domination.

    Rank 0 is the non-dominated front; rank ``k`` is the front of the points
    left when ranks ``0 .. k-1`` are removed. With ``violation``, points
    compare by constraint domination (Deb et al. 2002): a feasible point
    beats every infeasible one, two infeasible points compare by their total
    violation only (the smaller wins; equal violations tie), and two feasible
    points by Pareto domination.

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
        Objective values, greater is better. A row with a non-finite value is
        the worst possible point (see the module docstring).
    violation : array-like of shape (n_points,), default=None
        Total constraint violation of each point, ``>= 0``; 0 means feasible.
        NaN is read as ``+inf``. A boolean mask ``feasible`` is passed as
        ``violation=~feasible`` (every infeasible point then ties). None means
        every point is feasible. To rank failed fits below infeasible points
        as well, give them an infinite violation.

    Returns
    -------
    ranks : ndarray of shape (n_points,), dtype int
        Equal points get equal ranks; the ranks used are ``0 .. max``.

    Notes
    -----
    Rows are deduplicated, then visited in decreasing lexicographic order, so
    every point comes after all the points that dominate it, and placed in
    the first front that holds none of them, found by binary search over the
    fronts (a point dominated by front ``r`` is dominated by front ``r - 1``
    too). Testing a front costs: for two objectives a comparison with its
    last point, O(n log n) in all (Jensen 2003); for three a bisection in the
    staircase of its last two objectives, O(n log^2 n) up to list updates;
    for more a vectorised scan of its points, O(m n^2) in the worst case
    (Zhang et al. 2015). ``OMP_NUM_THREADS=1 python benchmarks/_mo_problems.py``
    times it; medians over 5 seeds (on a shared 2-core machine), on points
    uniform in the unit cube and on points all on one front, were about
    1 ms at 1,000 points and 20-30 ms at 10,000 for two objectives,
    2-10 ms and 40-100 ms for three, and 40-60 ms and 1.5-4 s for four.

    References
    ----------
    .. [1] K. Deb, A. Pratap, S. Agarwal and T. Meyarivan, "A fast and elitist
       multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evol. Comput.
       6(2), 2002.
    .. [2] M. T. Jensen, "Reducing the run-time complexity of multiobjective
       EAs: the NSGA-II and other algorithms", IEEE Trans. Evol. Comput.
       7(5), 2003.
    .. [3] X. Zhang, Y. Tian, R. Cheng and Y. Jin, "An efficient approach to
       nondominated sorting for evolutionary multiobjective optimization",
       IEEE Trans. Evol. Comput. 19(2), 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hypersearch._strategies._pareto import non_dominated_sort
    >>> Y = np.array([[1.0, 3.0], [2.0, 2.0], [1.0, 1.0], [3.0, 0.0], [np.nan, 5]])
    >>> non_dominated_sort(Y)
    array([0, 0, 1, 0, 2])
    >>> non_dominated_sort(Y, violation=[0, 0, 0, 0.5, 0.1])
    array([0, 0, 1, 3, 2])
    """
    Y = _as_points(Y)
    n = len(Y)
    v = _as_violation(violation, n)
    ranks = np.zeros(n, dtype=np.intp)
    feasible = v == 0
    n_fronts = 0
    if feasible.any():
        U, inverse = _unique_rows(Y[feasible])
        unique_ranks = _rank_unique(U)
        ranks[feasible] = unique_ranks[inverse]
        n_fronts = int(unique_ranks.max()) + 1
    if not feasible.all():
        # infeasible points are ordered by violation alone, after every front
        _, level = np.unique(v[~feasible], return_inverse=True)
        ranks[~feasible] = n_fronts + level.reshape(-1)
    return ranks


def _rank_unique(U):
    """Ranks of distinct rows ``U`` sorted lexicographically (ascending)."""
    k, m = U.shape
    if m == 1:
        # np.unique sorted the values ascending: the largest is rank 0
        return np.arange(k - 1, -1, -1, dtype=np.intp)
    if m == 2:
        return _rank_sweep_2d(U)
    if m == 3:
        return _rank_sweep_3d(U)
    return _rank_ens(U)


def _rank_sweep_2d(U):
    # In decreasing lexicographic order a point is dominated by front r iff
    # the last point put in front r has a second objective >= its own. That
    # value decreases strictly with r, so a binary search places the point.
    ranks = np.empty(len(U), dtype=np.intp)
    neg_last = []  # minus the second objective of each front's last point
    for i in range(len(U) - 1, -1, -1):
        y = -U[i, 1]
        r = bisect.bisect_right(neg_last, y)
        if r == len(neg_last):
            neg_last.append(y)
        else:
            neg_last[r] = y
        ranks[i] = r
    return ranks


def _rank_sweep_3d(U):
    # As _rank_ens, but a front is tested through the staircase of its last
    # two objectives (a bisection instead of a scan of its points).
    ranks = np.empty(len(U), dtype=np.intp)
    fronts = []  # per front: (xs, neg_ys) of its staircase
    a, b = U[:, 1].tolist(), U[:, 2].tolist()
    for i in range(len(U) - 1, -1, -1):
        lo, hi = 0, len(fronts)
        while lo < hi:
            mid = (lo + hi) // 2
            if _staircase_covers(*fronts[mid], a[i], b[i]):
                lo = mid + 1
            else:
                hi = mid
        if lo == len(fronts):
            fronts.append(([], []))
        _staircase_add(*fronts[lo], a[i], b[i])
        ranks[i] = lo
    return ranks


def _rank_ens(U):
    # Every earlier point in decreasing lexicographic order has a first
    # objective >= the current one, and is distinct from it: it dominates the
    # current point iff it is >= in the other objectives. If front r holds a
    # dominating point so does front r - 1 (transitivity), so the first front
    # without one is found by binary search.
    k = len(U)
    rest = U[:, 1:]
    ranks = np.empty(k, dtype=np.intp)
    members = []  # per front: a buffer of rows (grown by doubling)
    sizes = []
    for i in range(k - 1, -1, -1):
        p = rest[i]
        lo, hi = 0, len(members)
        while lo < hi:
            mid = (lo + hi) // 2
            if (members[mid][: sizes[mid]] >= p).all(axis=1).any():
                lo = mid + 1
            else:
                hi = mid
        if lo == len(members):
            members.append(np.empty((4, rest.shape[1])))
            sizes.append(0)
        if sizes[lo] == len(members[lo]):
            members[lo] = np.concatenate([members[lo], np.empty_like(members[lo])])
        members[lo][sizes[lo]] = p
        sizes[lo] += 1
        ranks[i] = lo
    return ranks


def _non_dominated(P):
    """Distinct non-dominated rows of ``P`` (no non-finite values)."""
    if len(P) <= 1:
        return P
    U, _ = _unique_rows(P)
    if U.shape[1] == 1:
        return U[-1:]
    if len(U) <= 256:
        # small sets (the recursion of the hypervolume): one vectorised pass
        geq = (U[:, None, :] >= U[None, :, :]).all(axis=2)
        np.fill_diagonal(geq, False)
        return U[~geq.any(axis=0)]
    return U[_rank_unique(U) == 0]


# -- crowding distance ----------------------------------------------------------
def crowding_distance(Y, ranks=None):
    """NSGA-II crowding distance of each point within its front.

    For each objective the distinct points are sorted; the two boundary
    points get an infinite distance and every other point adds the gap
    between its two neighbours, divided by the range of the objective over
    the front (an objective with zero range adds nothing). Deb et al. (2002)
    define it on one front.

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
        Objective values, greater is better. A row with a non-finite value is
        read as ``-inf`` everywhere: within its front it is a boundary point,
        and the finite points next to it get an infinite distance.
    ranks : array-like of int of shape (n_points,), default=None
        Front of each point (e.g. from :func:`non_dominated_sort`); each front
        gets its own distances. None treats ``Y`` as one front.

    Returns
    -------
    distance : ndarray of shape (n_points,)
        Greater means less crowded. Fronts of one or two distinct points are
        all infinite.

    Notes
    -----
    Duplicates and ties are resolved so that the result does not depend on
    the order of the points: distances are computed on the distinct points,
    the first occurrence of a repeated point gets its distance and the other
    copies get 0 (a copy adds no spread to a front); points tied in one
    objective are ordered by their whole objective vector (lexicographically)
    before the gaps are taken.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hypersearch._strategies._pareto import crowding_distance
    >>> front = np.array([[0.0, 4.0], [1.0, 3.0], [3.0, 1.0], [4.0, 0.0]])
    >>> crowding_distance(front)
    array([inf, 1.5, 1.5, inf])
    >>> crowding_distance(np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]))
    array([inf, inf, 0.])
    """
    Y = _as_points(Y)
    n = len(Y)
    distance = np.zeros(n)
    if ranks is None:
        groups = [np.arange(n)]
    else:
        r = np.asarray(ranks)
        if r.shape != (n,):
            raise ValueError(
                f"ranks must have shape ({n},) (one front per point), got shape "
                f"{r.shape}."
            )
        if n and not np.issubdtype(r.dtype, np.integer):
            raise TypeError(f"ranks must be integers, got dtype {r.dtype}.")
        order = np.argsort(r, kind="stable")
        groups = np.split(order, np.flatnonzero(np.diff(r[order])) + 1)
    for idx in groups:
        if len(idx) == 0:
            continue
        U, first = np.unique(Y[idx], axis=0, return_index=True)
        distance[idx[first]] = _crowding_unique(U)
    return distance


def _crowding_unique(U):
    """Crowding distance of distinct rows ``U`` sorted lexicographically."""
    k, m = U.shape
    if k <= 2:
        return np.full(k, np.inf)
    distance = np.zeros(k)
    for j in range(m):
        # stable: ties keep the lexicographic order of the rows
        order = np.argsort(U[:, j], kind="stable")
        v = U[order, j]
        # at most one row holds -inf (non-finite rows are merged): its
        # neighbour's gap is infinite, and so is the range
        gap = v[2:] - v[:-2]
        span = v[-1] - v[0]
        with np.errstate(invalid="ignore"):
            share = np.where(np.isinf(gap), np.inf, gap / (span if span > 0 else 1.0))
        distance[order[1:-1]] += share
        distance[order[0]] = distance[order[-1]] = np.inf
    return distance


# -- hypervolume ------------------------------------------------------------------
def hypervolume(Y, ref):
    """Exact hypervolume dominated by the points, above a reference point.

    The Lebesgue measure of the union of the boxes ``[ref, y]`` over the
    points ``y``. Objectives are maximized, so ``ref`` is a lower corner: a
    point adds volume only where it beats ``ref`` in every objective; points
    that do not (including non-finite rows) add nothing.

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
        Objective values, greater is better.
    ref : array-like of shape (n_objectives,)
        Finite reference point, worse than every point that should count. On
        objectives mapped by :func:`normalize` (nadir 0, ideal 1) a common
        choice is slightly below the nadir, e.g. ``-0.1`` in each objective
        (1.1 in minimisation form), so that the extreme points of a front
        contribute too.

    Returns
    -------
    volume : float

    Notes
    -----
    One objective is a maximum; two a sort and sweep, O(n log n); three a
    sweep over the third objective that keeps the two-dimensional front and
    its area up to date, O(n log n) up to list updates (Beume et al. 2009);
    more objectives the WFG recursion (While et al. 2012), exponential in the
    worst case and meant for small sets (tens of points in 4-5 objectives).

    References
    ----------
    .. [1] N. Beume, C. M. Fonseca, M. Lopez-Ibanez, L. Paquete and J. Vahrenhold,
       "On the complexity of computing the hypervolume indicator", IEEE Trans.
       Evol. Comput. 13(5), 2009.
    .. [2] L. While, L. Bradstreet and L. Barone, "A fast way of calculating
       exact hypervolumes", IEEE Trans. Evol. Comput. 16(1), 2012.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._pareto import hypervolume
    >>> hypervolume([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]], ref=[0.0, 0.0])
    6.0
    >>> hypervolume([[1.0, 1.0, 1.0], [-1.0, 5.0, 5.0]], ref=[0.0, 0.0, 0.0])
    1.0
    """
    Y = _as_points(Y)
    ref = _as_vector(ref, "ref", Y.shape[1])
    P = Y[(Y > ref).all(axis=1)] - ref
    return float(_hv(P))


def _hv(P):
    """Hypervolume of positive points ``P`` above the origin."""
    if len(P) == 0:
        return 0.0
    m = P.shape[1]
    if m == 1:
        return float(P.max())
    if m == 2:
        return _hv2(P)
    if m == 3:
        return _hv3(P)
    return _hv_wfg(_non_dominated(P))


def _hv2(P):
    # sorted by the first objective, decreasing: the strip between two
    # consecutive first coordinates is covered up to the best second
    # coordinate seen so far (ties make strips of width 0)
    order = np.argsort(-P[:, 0], kind="stable")
    x = P[order, 0]
    height = np.maximum.accumulate(P[order, 1])
    width = x - np.append(x[1:], 0.0)
    return float(np.dot(width, height))


def _hv3(P):
    # Sweep down the third objective; between two consecutive values the
    # section is the 2-d union of the points seen so far, kept as a staircase
    # with its area.
    order = np.argsort(-P[:, 2], kind="stable")
    x, y, z = (P[order, j].tolist() for j in range(3))
    z.append(0.0)
    xs, neg_ys = [], []
    area = volume = 0.0
    for i in range(len(order)):
        if not _staircase_covers(xs, neg_ys, x[i], y[i]):
            area += _staircase_add(xs, neg_ys, x[i], y[i], area=True)
        volume += area * (z[i] - z[i + 1])
    return volume


# A staircase is the non-dominated set of 2-d points as two sorted lists: the
# first coordinates increasing (``xs``) and minus the second ones increasing
# (``neg_ys``), so both searches are bisections.
def _staircase_covers(xs, neg_ys, a, b):
    """Whether a point of the staircase is >= ``(a, b)`` in both coordinates."""
    # the first point at or right of ``a`` is the highest one there
    idx = bisect.bisect_left(xs, a)
    return idx < len(xs) and -neg_ys[idx] >= b


def _staircase_add(xs, neg_ys, a, b, area=False):
    """Add a point the staircase does not cover; with ``area``, return the area
    (above the origin) it adds to the union of the boxes ``[0, point]``."""
    # the points with x <= a and y <= b are dominated by the new one: [lo, hi)
    hi = bisect.bisect_right(xs, a)
    lo = bisect.bisect_left(neg_ys, -b)
    added = 0.0
    if area:
        y_right = -neg_ys[hi] if hi < len(xs) else 0.0
        x_prev = xs[lo - 1] if lo > 0 else 0.0
        for t in range(lo, hi):
            added += (xs[t] - x_prev) * (b + neg_ys[t])
            x_prev = xs[t]
        added += (a - x_prev) * (b - y_right)
    xs[lo:hi] = [a]
    neg_ys[lo:hi] = [-b]
    return added


def _hv_wfg(P):
    # WFG: the volume is the sum of each point's box minus the part of it
    # covered by the later points (their componentwise minimum with it).
    n, m = P.shape
    if n <= 1:
        return float(np.prod(P[0])) if n else 0.0
    if m <= 3:
        return _hv(P)
    P = P[np.argsort(-P[:, -1], kind="stable")]
    volume = 0.0
    for i in range(n):
        covered = _non_dominated(np.minimum(P[i + 1 :], P[i]))
        volume += float(np.prod(P[i])) - _hv_wfg(covered)
    return volume


def hypervolume_contributions(Y, ref):
    """Exclusive hypervolume contribution of each point.

    ``hypervolume(Y, ref) - hypervolume(Y without point i, ref)``: 0 for a
    dominated point, a point that does not beat ``ref`` in every objective,
    and each copy of a repeated point. A front point also gets the volume of
    the points that only it dominates (removing it leaves their boxes).

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
        Objective values, greater is better.
    ref : array-like of shape (n_objectives,)
        Reference point, as in :func:`hypervolume`.

    Returns
    -------
    contributions : ndarray of shape (n_points,)

    Notes
    -----
    Only the other front points and the points dominated by this one alone
    can cover part of a front point's box. Two objectives: the box between a
    front point and its two neighbours, less the area of the points only it
    dominates, O(n log n) plus one comparison of the dominated points with
    the front. More objectives: the point's box less the hypervolume of
    those points clipped to it, one hypervolume per front point; for three
    objectives O(f n log n) for a front of f points, meant for fronts of up
    to a few hundred points.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._pareto import (
    ...     hypervolume_contributions,
    ... )
    >>> hypervolume_contributions(
    ...     [[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [1.0, 1.0]], ref=[0.0, 0.0]
    ... )
    array([1., 1., 1., 0.])
    >>> hypervolume_contributions([[2.0, 2.0], [1.0, 1.5]], ref=[0.0, 0.0])
    array([2.5, 0. ])
    """
    Y = _as_points(Y)
    ref = _as_vector(ref, "ref", Y.shape[1])
    n, m = Y.shape
    out = np.zeros(n)
    inside = np.flatnonzero((Y > ref).all(axis=1))
    if len(inside) == 0:
        return out
    U, inverse = _unique_rows(Y[inside] - ref)
    on_front = _rank_unique(U) == 0
    front, dominated = U[on_front], U[~on_front]
    owned = _owned_by(front, dominated)
    contrib = np.empty(len(front))
    if m == 2:
        # distinct front points: first objective increasing, second decreasing
        x, y = front[:, 0], front[:, 1]
        x_left = np.append(0.0, x[:-1])
        y_below = np.append(y[1:], 0.0)
        contrib[:] = (x - x_left) * (y - y_below)
        for i, points in owned.items():
            # these lie inside the box between the neighbours and the point
            corner = np.array([x_left[i], y_below[i]])
            contrib[i] -= _hv2(points - corner)
    else:
        for i, p in enumerate(front):
            others = np.delete(front, i, axis=0)
            if i in owned:
                others = np.vstack([others, owned[i]])
            contrib[i] = float(np.prod(p)) - _hv(np.minimum(others, p))
    unique_contrib = np.zeros(len(U))
    unique_contrib[on_front] = contrib
    # a repeated point contributes nothing: its copy still covers its box
    unique_contrib[np.bincount(inverse, minlength=len(U)) > 1] = 0.0
    out[inside] = unique_contrib[inverse]
    return out


def _owned_by(front, dominated, block=1 << 20):
    """Map front index -> the dominated points that only this front point dominates."""
    if len(dominated) == 0:
        return {}
    owner = np.empty(len(dominated), dtype=np.intp)
    only = np.empty(len(dominated), dtype=bool)
    step = max(1, block // (len(front) * front.shape[1]))
    for start in range(0, len(dominated), step):
        part = dominated[start : start + step]
        # the rows are distinct, so ">= everywhere" is domination here
        dom = (front[None, :, :] >= part[:, None, :]).all(axis=2)
        only[start : start + step] = dom.sum(axis=1) == 1
        owner[start : start + step] = np.argmax(dom, axis=1)
    return {int(i): dominated[only & (owner == i)] for i in np.unique(owner[only])}


def normalize(Y, ideal=None, nadir=None):
    """Map objectives affinely so that ``nadir`` goes to 0 and ``ideal`` to 1.

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
        Objective values, greater is better.
    ideal : array-like of shape (n_objectives,), default=None
        Best value of each objective; None takes the maximum over the rows
        of ``Y`` with finite values.
    nadir : array-like of shape (n_objectives,), default=None
        Worst value of interest of each objective, ``< ideal``; None takes
        the minimum over the rows of ``Y`` with finite values.

    Returns
    -------
    Y_normalized : ndarray of shape (n_points, n_objectives)
        ``(Y - nadir) / (ideal - nadir)``; rows with a non-finite value are
        ``-inf``. When a default ``ideal`` equals the default ``nadir`` (one
        finite value in that objective) the objective is only shifted, so
        that value maps to 0.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._pareto import normalize
    >>> normalize([[0.9, -2.0], [0.8, -1.0]], ideal=[1.0, 0.0], nadir=[0.5, -4.0])
    array([[0.8 , 0.5 ],
           [0.6 , 0.75]])
    """
    Y = _as_points(Y)
    m = Y.shape[1]
    finite = Y[np.isfinite(Y).all(axis=1)]
    defaults = ideal is None or nadir is None
    if defaults and len(finite) == 0:
        raise ValueError(
            "ideal and nadir must be given when Y has no row of finite values."
        )
    hi = finite.max(axis=0) if ideal is None else _as_vector(ideal, "ideal", m)
    lo = finite.min(axis=0) if nadir is None else _as_vector(nadir, "nadir", m)
    scale = hi - lo
    if ideal is not None and nadir is not None and (scale <= 0).any():
        j = int(np.flatnonzero(scale <= 0)[0])
        raise ValueError(
            f"ideal must be greater than nadir in every objective, got "
            f"ideal[{j}]={hi[j]!r} <= nadir[{j}]={lo[j]!r}."
        )
    if (scale < 0).any():
        j = int(np.flatnonzero(scale < 0)[0])
        which = "ideal" if ideal is not None else "nadir"
        raise ValueError(
            f"{which} is on the wrong side of the data in objective {j}: "
            f"ideal={hi[j]!r} < nadir={lo[j]!r}."
        )
    scale = np.where(scale > 0, scale, 1.0)
    return (Y - lo) / scale


# -- scalarisation ------------------------------------------------------------------
def chebyshev_scalarize(Y, weights, ideal=None, rho=0.05):
    """Augmented Chebyshev scalarisation (ParEGO), greater is better.

    For a weight vector ``w`` and an ideal point ``z``, ParEGO (Knowles 2006)
    minimises ``max_j w_j d_j + rho * sum_j w_j d_j`` with ``d = z - y`` the
    distance of ``y`` to the ideal point. This returns minus that value, so
    the scalar is maximized like every score here. The ``rho`` term makes it
    strictly increasing in each objective when ``w > 0``: a point that
    dominates another always scores higher.

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
        Objective values, greater is better; normalise them first (see
        :func:`normalize`) so that the weights compare like with like.
    weights : array-like of shape (n_objectives,) or (n_weights, n_objectives)
        Non-negative weights, not all zero; used as given (not rescaled).
    ideal : array-like of shape (n_objectives,), default=None
        The point distances are measured from; None takes the maximum over
        the rows of ``Y`` with finite values. Points beyond it get negative
        distances (no absolute value), which keeps the order monotone.
    rho : float, default=0.05
        Weight of the augmentation term, ``>= 0`` (ParEGO uses 0.05).

    Returns
    -------
    scores : ndarray of shape (n_points,) or (n_points, n_weights)
        ``-inf`` for rows with a non-finite value.

    References
    ----------
    .. [1] J. Knowles, "ParEGO: a hybrid algorithm with on-line landscape
       approximation for expensive multiobjective optimization problems",
       IEEE Trans. Evol. Comput. 10(1), 2006.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._pareto import chebyshev_scalarize
    >>> Y = [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
    >>> chebyshev_scalarize(Y, weights=[0.5, 0.5], ideal=[1.0, 1.0], rho=0.0)
    array([-0.5 , -0.25, -0.5 ])
    """
    Y = _as_points(Y)
    m = Y.shape[1]
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"weights must be an array of numbers, got {weights!r}."
        ) from exc
    if w.ndim not in (1, 2) or w.shape[-1] != m:
        raise ValueError(
            f"weights must have shape ({m},) or (n_weights, {m}), got shape {w.shape}."
        )
    if not np.isfinite(w).all() or (w < 0).any() or (w.sum(axis=-1) <= 0).any():
        raise ValueError(
            f"weights must be finite, >= 0 and not all zero, got {weights!r}."
        )
    if not isinstance(rho, numbers.Real) or isinstance(rho, bool):
        raise TypeError(f"rho must be a float, got {rho!r}.")
    if not (np.isfinite(rho) and rho >= 0):
        raise ValueError(f"rho must be finite and >= 0, got {rho!r}.")
    finite = np.isfinite(Y).all(axis=1)
    if ideal is None:
        z = Y[finite].max(axis=0) if finite.any() else np.zeros(m)
    else:
        z = _as_vector(ideal, "ideal", m)
    W = np.atleast_2d(w)
    d = np.where(finite[:, None], z - Y, 0.0)[:, None, :] * W[None, :, :]
    scores = -(d.max(axis=2) + rho * d.sum(axis=2))
    scores[~finite] = -np.inf
    return scores[:, 0] if w.ndim == 1 else scores


def random_simplex_weights(n, n_obj, rng=None):
    """Weight vectors drawn uniformly on the probability simplex.

    Parameters
    ----------
    n : int
        Number of weight vectors, ``>= 0``.
    n_obj : int
        Number of objectives, ``>= 1``.
    rng : int, RandomState instance, Generator or None, default=None
        The same seed gives the same weights.

    Returns
    -------
    weights : ndarray of shape (n, n_obj)
        Non-negative rows summing to 1.

    Notes
    -----
    The gaps between ``n_obj - 1`` sorted uniform draws on ``[0, 1]`` are
    uniform on the simplex (Dirichlet(1, ..., 1)); only ``rng.random`` is
    used, whose stream numpy keeps stable across versions.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._pareto import random_simplex_weights
    >>> w = random_simplex_weights(4, 3, rng=0)
    >>> w.shape, bool((w >= 0).all()), bool(abs(w.sum(axis=1) - 1).max() < 1e-12)
    ((4, 3), True, True)
    """
    for value, name, low in ((n, "n", 0), (n_obj, "n_obj", 1)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, got {value!r}.")
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value!r}.")
    generator = _as_generator(rng)
    cuts = np.sort(generator.random((int(n), int(n_obj) - 1)), axis=1)
    edges = np.hstack([np.zeros((int(n), 1)), cuts, np.ones((int(n), 1))])
    return np.diff(edges, axis=1)
