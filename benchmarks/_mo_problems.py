"""Multi-objective test problems for the benchmarks, with their true fronts.

The two-objective problems ZDT1, ZDT2 and ZDT3 (Zitzler, Deb and Thiele
2000) and the three-objective DTLZ2 (Deb, Thiele, Laumanns and Zitzler
2002), on a few variables so that a search of a few hundred evaluations can
approach the front. Each problem is a plain function of a parameter dict
``{"x1": ..., "xn": ...}`` (every ``xi`` in ``[0, 1]``) returning a tuple of
objectives to **minimise**, as published; a benchmark wraps it in an
estimator and flips the signs (or declares the objectives "min")::

    import _mo_problems  # with benchmarks/ on sys.path

    problem = _mo_problems.PROBLEMS["zdt1"]
    F = np.array([problem({"x1": 0.5, "x2": 0.0, ...}), ...])
    problem.hypervolume(F) / problem.true_hypervolume  # 1.0 at the front

Hypervolumes are measured in normalised objective space: each objective is
mapped so that the ideal point of the true front goes to 0 and its nadir
point to 1 (minimisation form), against the reference point ``REF`` = 1.1 in
every objective, so that the extreme points of a front count too. The true
front's hypervolume there is exact: closed forms for ZDT1, ZDT2 and DTLZ2,
and for ZDT3 the integral of its running minimum, with the ends of the front
segments found by root finding.

Run it as a script to print the true hypervolumes against those of densely
sampled fronts, and the time taken by the Pareto tools::

    OMP_NUM_THREADS=1 python benchmarks/_mo_problems.py

References
----------
E. Zitzler, K. Deb and L. Thiele, "Comparison of multiobjective evolutionary
algorithms: empirical results", Evolutionary Computation 8(2), 2000.
K. Deb, L. Thiele, M. Laumanns and E. Zitzler, "Scalable multi-objective
optimization test problems", Proc. IEEE CEC 2002.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from sklearn_hypersearch._strategies._pareto import hypervolume

__all__ = ["PROBLEMS", "REF", "MOProblem", "dtlz2", "zdt1", "zdt2", "zdt3"]

#: Reference point of the normalised (minimisation form) objective space.
REF = 1.1


def _variables(params):
    """The values of ``x1 .. xn`` of a parameter dict, in that order."""
    n = len(params)
    try:
        return np.array([float(params[f"x{i}"]) for i in range(1, n + 1)])
    except KeyError as exc:
        raise KeyError(
            f"params must be named x1 .. x{n}, got {sorted(params)}."
        ) from exc


# -- the problems (minimised) ---------------------------------------------------
def _zdt_g(x):
    return 1.0 + 9.0 * x[1:].sum() / (len(x) - 1)


def zdt1(params):
    """ZDT1: convex front ``f2 = 1 - sqrt(f1)``, reached at ``x2 = ... = 0``."""
    x = _variables(params)
    g = _zdt_g(x)
    return float(x[0]), float(g * (1.0 - math.sqrt(x[0] / g)))


def zdt2(params):
    """ZDT2: concave front ``f2 = 1 - f1 ** 2``, reached at ``x2 = ... = 0``."""
    x = _variables(params)
    g = _zdt_g(x)
    return float(x[0]), float(g * (1.0 - (x[0] / g) ** 2))


def _zdt3_h(t):
    return 1.0 - np.sqrt(t) - t * np.sin(10.0 * np.pi * t)


def zdt3(params):
    """ZDT3: front of five pieces of ``1 - sqrt(f1) - f1 sin(10 pi f1)``."""
    x = _variables(params)
    g = _zdt_g(x)
    f1 = x[0]
    h = 1.0 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10.0 * math.pi * f1)
    return float(f1), float(g * h)


def dtlz2(params):
    """DTLZ2 with 3 objectives: front the unit sphere's positive octant.

    ``x1, x2`` place the point on the sphere; the others (the distance
    variables, optimal at 0.5) scale its radius by ``1 + g``.
    """
    x = _variables(params)
    g = float(((x[2:] - 0.5) ** 2).sum())
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    r = 1.0 + g
    return (
        float(r * math.cos(a) * math.cos(b)),
        float(r * math.cos(a) * math.sin(b)),
        float(r * math.sin(a)),
    )


# -- true fronts ------------------------------------------------------------------
def _zdt3_segments():
    """The ``[a, b]`` ranges of f1 where ZDT3's front lies, from root finding.

    A point of the curve is on the front where ``h`` is below its values at
    every smaller f1: each piece ends at a local minimum of ``h`` and the
    next one starts where ``h`` comes back down to that value.
    """
    t = np.linspace(0.0, 1.0, 100_001)
    h = _zdt3_h(t)
    on = h <= np.minimum.accumulate(h)
    edges = np.flatnonzero(np.diff(on.astype(int)))
    starts = np.r_[0, edges[1::2] + 1]
    ends = edges[0::2]
    segments = []
    for s, e in zip(starts, ends):
        b = optimize.minimize_scalar(
            _zdt3_h,
            bounds=(t[max(e - 2, 0)], t[e + 2]),
            method="bounded",
            options={"xatol": 1e-13},
        ).x
        if segments:
            level = _zdt3_h(segments[-1][1])
            a = optimize.brentq(
                lambda u, level=level: _zdt3_h(u) - level,
                t[s - 2],
                t[s + 1],
                xtol=1e-15,
            )
        else:
            a = 0.0
        segments.append((float(a), float(b)))
    return segments


def _zdt3_integral(a, b):
    """Integral of ``1 - sqrt(t) - t sin(10 pi t)`` from ``a`` to ``b``."""
    w = 10.0 * math.pi

    def primitive(t):
        return (
            t - 2.0 / 3.0 * t**1.5 - (math.sin(w * t) / w**2 - t * math.cos(w * t) / w)
        )

    return primitive(b) - primitive(a)


_ZDT3_SEGMENTS = _zdt3_segments()


def _zdt3_running_min_integral(upper):
    """Integral over ``[0, upper]`` of the front's running minimum of f2."""
    total = 0.0
    for i, (a, b) in enumerate(_ZDT3_SEGMENTS):
        if upper <= a:
            break
        total += _zdt3_integral(a, min(b, upper))
        nxt = _ZDT3_SEGMENTS[i + 1][0] if i + 1 < len(_ZDT3_SEGMENTS) else math.inf
        if upper > b:
            # flat between pieces: the level of this piece's end
            total += (min(nxt, upper) - b) * float(_zdt3_h(b))
    return total


def _zdt_front_1(n):
    f1 = np.linspace(0.0, 1.0, n)
    return np.column_stack([f1, 1.0 - np.sqrt(f1)])


def _zdt_front_2(n):
    f1 = np.linspace(0.0, 1.0, n)
    return np.column_stack([f1, 1.0 - f1**2])


def _zdt_front_3(n):
    lengths = np.array([b - a for a, b in _ZDT3_SEGMENTS])
    counts = np.maximum(2, np.round(n * lengths / lengths.sum()).astype(int))
    # a piece after the first starts level with the end of the one before:
    # that limit point is (weakly) dominated, so it is left out
    f1 = np.concatenate(
        [
            np.linspace(a, b, c + (i > 0))[(i > 0) :]
            for i, ((a, b), c) in enumerate(zip(_ZDT3_SEGMENTS, counts))
        ]
    )
    return np.column_stack([f1, _zdt3_h(f1)])


def _zdt_set(front):
    def pareto_set(n, n_var):
        x = np.zeros((len(front(n)), n_var))
        x[:, 0] = front(n)[:, 0]
        return x

    return pareto_set


def _simplex_lattice(n):
    """Das and Dennis's points of the 3-simplex with ``H`` divisions, about ``n``."""
    H = 1
    while (H + 2) * (H + 3) // 2 <= n:
        H += 1
    return (
        np.array(
            [(i, j, H - i - j) for i in range(H + 1) for j in range(H + 1 - i)], float
        )
        / H
    )


def _dtlz2_front(n):
    w = _simplex_lattice(n)
    return w / np.linalg.norm(w, axis=1, keepdims=True)


def _dtlz2_set(n, n_var):
    f = _dtlz2_front(n)
    x = np.full((len(f), n_var), 0.5)
    x[:, 0] = np.arcsin(np.clip(f[:, 2], 0.0, 1.0)) * 2 / math.pi
    x[:, 1] = np.arctan2(f[:, 1], f[:, 0]) * 2 / math.pi
    return x


# -- the problem records ------------------------------------------------------------
@dataclass(frozen=True)
class MOProblem:
    """A test problem: its function, search space and true front.

    Attributes
    ----------
    name : str
    function : callable
        ``function(params) -> tuple`` of objectives to minimise.
    n_var, n_obj : int
    ideal, nadir : tuple of float
        Best and worst value of each objective over the true front.
    exact_hypervolume : callable
        ``exact_hypervolume(r)``: hypervolume of the whole true front in
        normalised space against the reference point ``r`` (a float, the
        same in every objective, ``r >= 1``).
    description : str
    """

    name: str
    function: Callable
    n_var: int
    n_obj: int
    ideal: tuple
    nadir: tuple
    exact_hypervolume: Callable
    front_sampler: Callable
    set_sampler: Callable
    description: str

    def __call__(self, params):
        return self.function(params)

    @property
    def space(self):
        """Every variable ``xi`` is a float in ``[0, 1]``."""
        return {f"x{i}": (0.0, 1.0) for i in range(1, self.n_var + 1)}

    @property
    def true_hypervolume(self):
        """Hypervolume of the true front in normalised space against ``REF``."""
        return self.exact_hypervolume(REF)

    def front(self, n):
        """About ``n`` points of the true front, shape (n_points, n_obj)."""
        return self.front_sampler(n)

    def pareto_set(self, n):
        """Inputs that reach ``front(n)``, row for row, shape (n_points, n_var)."""
        return self.set_sampler(n, self.n_var)

    def params(self, x):
        """The parameter dict of one input row."""
        return {f"x{i}": float(v) for i, v in enumerate(x, start=1)}

    def normalize(self, F):
        """Objectives mapped so that the ideal point is 0 and the nadir 1."""
        ideal, nadir = np.asarray(self.ideal), np.asarray(self.nadir)
        return (np.asarray(F, dtype=float) - ideal) / (nadir - ideal)

    def hypervolume(self, F, ref=REF):
        """Hypervolume of objective vectors ``F`` (raw, minimised), normalised."""
        G = self.normalize(np.reshape(F, (-1, self.n_obj)))
        return hypervolume(-G, ref=np.full(self.n_obj, -float(ref)))


def _zdt3_problem():
    a_last, b_last = _ZDT3_SEGMENTS[-1]
    ideal = (0.0, float(_zdt3_h(b_last)))
    nadir = (b_last, 1.0)
    scale = (nadir[0] - ideal[0]) * (nadir[1] - ideal[1])

    def exact(r):
        # per f1 in [0, R1] the front dominates f2 from its running minimum
        # up to R2, in raw units
        r1 = ideal[0] + r * (nadir[0] - ideal[0])
        r2 = ideal[1] + r * (nadir[1] - ideal[1])
        return (r1 * r2 - _zdt3_running_min_integral(r1)) / scale

    return MOProblem(
        name="zdt3",
        function=zdt3,
        n_var=5,
        n_obj=2,
        ideal=ideal,
        nadir=nadir,
        exact_hypervolume=exact,
        front_sampler=_zdt_front_3,
        set_sampler=_zdt_set(_zdt_front_3),
        description="ZDT3, 5 variables: disconnected front of five pieces",
    )


#: The problems with the number of variables the benchmarks use.
PROBLEMS = {
    "zdt1": MOProblem(
        name="zdt1",
        function=zdt1,
        n_var=5,
        n_obj=2,
        ideal=(0.0, 0.0),
        nadir=(1.0, 1.0),
        # HV(r) = r^2 - (integral of the front 1 - sqrt(f1) over [0, 1])
        exact_hypervolume=lambda r: r * r - 1.0 / 3.0,
        front_sampler=_zdt_front_1,
        set_sampler=_zdt_set(_zdt_front_1),
        description="ZDT1, 5 variables: convex front",
    ),
    "zdt2": MOProblem(
        name="zdt2",
        function=zdt2,
        n_var=5,
        n_obj=2,
        ideal=(0.0, 0.0),
        nadir=(1.0, 1.0),
        # HV(r) = r^2 - (integral of the front 1 - f1^2 over [0, 1])
        exact_hypervolume=lambda r: r * r - 2.0 / 3.0,
        front_sampler=_zdt_front_2,
        set_sampler=_zdt_set(_zdt_front_2),
        description="ZDT2, 5 variables: concave front",
    ),
    "zdt3": _zdt3_problem(),
    "dtlz2": MOProblem(
        name="dtlz2",
        function=dtlz2,
        n_var=6,
        n_obj=3,
        ideal=(0.0, 0.0, 0.0),
        nadir=(1.0, 1.0, 1.0),
        # a point of [0, r]^3 is dominated by the unit sphere iff its norm is
        # >= 1: HV(r) = r^3 - (volume of the ball's octant, pi / 6)
        exact_hypervolume=lambda r: r**3 - math.pi / 6.0,
        front_sampler=_dtlz2_front,
        set_sampler=_dtlz2_set,
        description="DTLZ2, 6 variables (4 distance variables): spherical front",
    ),
}


# -- report -----------------------------------------------------------------------
def _markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _front_table(n_points=(100, 1000, 10000)):
    rows = []
    for p in PROBLEMS.values():
        row = [p.name, p.n_var, p.n_obj, f"{p.true_hypervolume:.6f}"]
        for n in n_points:
            row.append(f"{p.hypervolume(p.front(n)) - p.true_hypervolume:+.2e}")
        rows.append(row)
    header = ["problem", "n_var", "n_obj", f"true HV (ref {REF})"]
    header += [f"sampled - true, {n} pts" for n in n_points]
    return _markdown(header, rows)


def _timing_table(seeds=range(5)):
    import time

    from sklearn_hypersearch._strategies import _pareto

    def uniform(n, m, rng):
        return rng.random((n, m))

    def sphere(n, m, rng):
        # every point on one front: the positive orthant of the unit sphere
        Z = np.abs(rng.standard_normal((n, m)))
        return Z / np.linalg.norm(Z, axis=1, keepdims=True)

    cases = [
        ("non_dominated_sort", m, n, data, lambda Y: _pareto.non_dominated_sort(Y))
        for m in (2, 3, 4)
        for n in (1000, 10000)
        for data in (uniform, sphere)
    ]
    cases += [
        (
            "crowding_distance (per front)",
            m,
            n,
            uniform,
            lambda Y: _pareto.crowding_distance(Y, _pareto.non_dominated_sort(Y)),
        )
        for m in (2, 3)
        for n in (1000, 10000)
    ]
    cases += [
        (
            "hypervolume",
            m,
            n,
            sphere,
            lambda Y: _pareto.hypervolume(Y, np.zeros(Y.shape[1])),
        )
        for m, ns in ((2, (1000, 10000)), (3, (1000, 10000)), (4, (20, 50)))
        for n in ns
    ]
    cases += [
        (
            "hypervolume_contributions",
            m,
            n,
            sphere,
            lambda Y: _pareto.hypervolume_contributions(Y, np.zeros(Y.shape[1])),
        )
        for m, ns in ((2, (1000, 10000)), (3, (100, 300)))
        for n in ns
    ]
    rows = []
    for name, m, n, data, fn in cases:
        times = []
        for seed in seeds:
            Y = data(n, m, np.random.default_rng(seed))
            start = time.perf_counter()
            fn(Y)
            times.append(time.perf_counter() - start)
        t = np.array(times) * 1e3
        rows.append(
            [
                name,
                m,
                n,
                data.__name__,
                f"{np.median(t):.3g} [{t.min():.3g}, {t.max():.3g}]",
            ]
        )
    header = ["function", "n_obj", "n_points", "points", "ms: median [min, max]"]
    return _markdown(header, rows) + f"\n\n{len(seeds)} seeds per row."


if __name__ == "__main__":
    import _machine

    print(_machine.versions())
    print()
    print(_front_table())
    print()
    print(_timing_table())
