"""Pareto tools (sklearn_hypersearch._strategies._pareto) against brute force.

Every property is checked on small random sets against a direct
implementation of its definition (peeling fronts, the crowding formula,
inclusion-exclusion, Monte Carlo), with ties, duplicates, non-finite values
and points outside the reference box drawn on purpose. The benchmark
problems of benchmarks/_mo_problems.py are checked against their analytic
fronts here too.
"""

import itertools
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from sklearn_hypersearch._strategies._pareto import (
    chebyshev_scalarize,
    crowding_distance,
    hypervolume,
    hypervolume_contributions,
    non_dominated_sort,
    normalize,
    random_simplex_weights,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import _mo_problems  # noqa: E402

# deterministic property tests (as SciPy's conftest profile)
DETERMINISTIC = settings(derandomize=True, deadline=None, max_examples=150)


# -- brute force ------------------------------------------------------------------
def _worst(Y):
    """The documented reading of non-finite rows: -inf in every objective."""
    Y = np.array(Y, dtype=float)
    Y[~np.isfinite(Y).all(axis=1)] = -np.inf
    return Y


def _dominates(a, b):
    return bool(np.all(a >= b) and np.any(a > b))


def _constraint_dominates(Y, v, i, j):
    """Deb et al. (2002): does point i constraint-dominate point j?"""
    if v[i] == 0 and v[j] > 0:
        return True
    if v[i] > 0 and v[j] > 0:
        return v[i] < v[j]
    if v[i] == 0 and v[j] == 0:
        return _dominates(Y[i], Y[j])
    return False


def _peel(Y, v):
    """Ranks by removing the constraint-non-dominated points front by front."""
    n = len(Y)
    ranks = np.full(n, -1)
    left = set(range(n))
    k = 0
    while left:
        front = [
            i for i in left if not any(_constraint_dominates(Y, v, j, i) for j in left)
        ]
        ranks[front] = k
        left -= set(front)
        k += 1
    return ranks


def _inclusion_exclusion(Y, ref):
    """Hypervolume as the alternating sum over every subset's intersection box."""
    boxes = [y - ref for y in _worst(Y) if np.all(y > ref)]
    total = 0.0
    for k in range(1, len(boxes) + 1):
        for subset in itertools.combinations(boxes, k):
            total += (-1) ** (k + 1) * float(np.prod(np.min(subset, axis=0)))
    return total


def _slicing(P):
    """Hypervolume of positive points above 0 by slicing the last objective."""
    if len(P) == 0:
        return 0.0
    if P.shape[1] == 1:
        return float(P.max())
    levels = np.unique(P[:, -1])[::-1]
    total = 0.0
    for top, below in zip(levels, np.append(levels[1:], 0.0)):
        total += (top - below) * _slicing(P[P[:, -1] >= top, :-1])
    return total


def _hv_slicing(Y, ref):
    Y = _worst(Y)
    return _slicing(Y[np.all(Y > ref, axis=1)] - ref)


def _crowding_by_definition(Y):
    """Deb's crowding distance on the distinct rows, ties broken by the rows."""
    Y = _worst(Y)
    rows = [tuple(r) for r in Y]
    distinct = sorted(set(rows))
    dist = dict.fromkeys(distinct, 0.0)
    if len(distinct) <= 2:
        dist = dict.fromkeys(distinct, math.inf)
    else:
        for j in range(Y.shape[1]):
            order = sorted(distinct, key=lambda r, j=j: (r[j], r))
            span = order[-1][j] - order[0][j]
            for prev, mid, nxt in zip(order, order[1:], order[2:]):
                gap = nxt[j] - prev[j]
                if math.isinf(gap):
                    dist[mid] = math.inf
                elif span > 0:
                    dist[mid] += gap / span
            dist[order[0]] = dist[order[-1]] = math.inf
    out, seen = [], set()
    for r in rows:
        out.append(0.0 if r in seen else dist[r])
        seen.add(r)
    return np.array(out)


# -- random point sets ------------------------------------------------------------
@st.composite
def point_sets(draw, min_obj=1, max_obj=4, max_points=9, nonfinite=True):
    """Small sets with many ties (a coarse grid) or generic floats."""
    m = draw(st.integers(min_obj, max_obj))
    n = draw(st.integers(0, max_points))
    if draw(st.booleans()):
        values = st.integers(0, 3).map(float)
    else:
        values = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
    rows = draw(
        st.lists(st.lists(values, min_size=m, max_size=m), min_size=n, max_size=n)
    )
    Y = np.array(rows, dtype=float).reshape(len(rows), m)
    if nonfinite and len(Y):
        bad = draw(st.lists(st.integers(0, Y.size - 1), max_size=2))
        Y.flat[bad] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return Y


@st.composite
def violations(draw, n):
    kind = draw(st.sampled_from(["none", "bool", "float"]))
    if kind == "none":
        return None
    if kind == "bool":
        return np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    levels = st.sampled_from([0.0, 0.0, 0.5, 1.0, np.nan])
    return np.array(draw(st.lists(levels, min_size=n, max_size=n)), dtype=float)


# -- non_dominated_sort -------------------------------------------------------------
@DETERMINISTIC
@given(data=st.data())
def test_ranks_match_peeling_fronts(data):
    Y = data.draw(point_sets())
    violation = data.draw(violations(len(Y)))
    ranks = non_dominated_sort(Y, violation)
    v = np.zeros(len(Y)) if violation is None else np.asarray(violation, float)
    v = np.where(np.isnan(v), np.inf, v)
    np.testing.assert_array_equal(ranks, _peel(_worst(Y), v))


@DETERMINISTIC
@given(data=st.data())
def test_rank_k_is_dominated_only_from_below_and_by_rank_k_minus_1(data):
    Y = data.draw(point_sets())
    violation = data.draw(violations(len(Y)))
    ranks = non_dominated_sort(Y, violation)
    W = _worst(Y)
    v = np.zeros(len(Y)) if violation is None else np.asarray(violation, float)
    v = np.where(np.isnan(v), np.inf, v)
    for i in range(len(Y)):
        dominators = [j for j in range(len(Y)) if _constraint_dominates(W, v, j, i)]
        assert all(ranks[j] < ranks[i] for j in dominators)
        if ranks[i] > 0:
            assert any(ranks[j] == ranks[i] - 1 for j in dominators)
    if len(Y):
        assert set(ranks) == set(range(ranks.max() + 1))


@DETERMINISTIC
@given(Y=point_sets(), seed=st.integers(0, 2**16))
def test_ranks_do_not_depend_on_the_order_of_the_points(Y, seed):
    perm = np.random.default_rng(seed).permutation(len(Y))
    np.testing.assert_array_equal(
        non_dominated_sort(Y)[perm], non_dominated_sort(Y[perm])
    )


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("grid", [3, 50, None])
def test_ranks_of_larger_sets_match_a_vectorised_peel(m, grid):
    # the 2-d sweep, the 3-d staircases and the scan of the fronts on sets
    # too large for the hypothesis examples, with or without many ties
    rng = np.random.default_rng(m)
    Y = rng.random((400, m)) if grid is None else rng.integers(0, grid, (400, m))
    Y = Y.astype(float)
    geq = (Y[:, None, :] >= Y[None, :, :]).all(axis=2)
    dom = geq & ~geq.T  # dom[i, j]: i dominates j
    expected = np.full(len(Y), -1)
    left = np.ones(len(Y), bool)
    k = 0
    while left.any():
        front = left & ~(dom & left[:, None]).any(axis=0)
        expected[front] = k
        left &= ~front
        k += 1
    np.testing.assert_array_equal(non_dominated_sort(Y), expected)


def test_a_failed_fit_never_reaches_the_front_by_being_fast():
    # (score, -fit_time): the failed fit is the fastest but has no score
    Y = [[0.9, -2.0], [0.8, -1.0], [np.nan, -0.01], [0.7, -np.inf]]
    np.testing.assert_array_equal(non_dominated_sort(Y), [0, 0, 1, 1])


def test_constraint_domination_orders_infeasible_points_by_violation():
    Y = [[5.0, 5.0], [0.0, 0.0], [9.0, 9.0], [8.0, 8.0], [1.0, 0.0]]
    ranks = non_dominated_sort(Y, violation=[0.2, 0.0, 0.7, 0.2, np.nan])
    np.testing.assert_array_equal(ranks, [1, 0, 2, 1, 3])
    feasible = np.array([False, True, False, True, True])
    np.testing.assert_array_equal(
        non_dominated_sort(Y, violation=~feasible), [3, 2, 3, 0, 1]
    )


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_ranks_of_a_single_point_and_of_no_points(m):
    assert non_dominated_sort(np.ones((1, m))).tolist() == [0]
    ranks = non_dominated_sort(np.empty((0, m)))
    assert ranks.shape == (0,) and np.issubdtype(ranks.dtype, np.integer)
    assert non_dominated_sort(np.empty((0, m)), violation=[]).shape == (0,)


# -- crowding_distance --------------------------------------------------------------
@DETERMINISTIC
@given(Y=point_sets())
def test_crowding_matches_the_definition(Y):
    np.testing.assert_allclose(crowding_distance(Y), _crowding_by_definition(Y))


@DETERMINISTIC
@given(Y=point_sets(min_obj=2, max_points=12))
def test_crowding_per_front_is_crowding_of_each_front(Y):
    ranks = non_dominated_sort(Y)
    got = crowding_distance(Y, ranks)
    for r in np.unique(ranks):
        np.testing.assert_allclose(got[ranks == r], crowding_distance(Y[ranks == r]))


@DETERMINISTIC
@given(
    Y=point_sets(nonfinite=False),
    seed=st.integers(0, 2**16),
    scale=st.floats(0.01, 100),
    shift=st.floats(-100, 100),
)
def test_crowding_ignores_order_scale_and_shift_of_distinct_points(
    Y, seed, scale, shift
):
    _, first = np.unique(Y, axis=0, return_index=True)
    Y = Y[np.sort(first)]
    perm = np.random.default_rng(seed).permutation(len(Y))
    expected = crowding_distance(Y)[perm]
    np.testing.assert_allclose(crowding_distance(Y[perm]), expected)
    moved = Y.copy()
    if len(Y):
        moved[:, 0] = Y[:, 0] * scale + shift
        # rounding may tie close values, which changes the neighbours
        assume(np.array_equal(stats.rankdata(moved[:, 0]), stats.rankdata(Y[:, 0])))
    np.testing.assert_allclose(crowding_distance(moved), crowding_distance(Y))


def test_crowding_of_copies_and_tiny_fronts():
    assert crowding_distance(np.empty((0, 2))).shape == (0,)
    assert crowding_distance([[1.0, 2.0]]).tolist() == [math.inf]
    twins = [[0.0, 2.0], [1.0, 1.0], [1.0, 1.0], [2.0, 0.0], [1.0, 1.0]]
    np.testing.assert_array_equal(
        crowding_distance(twins), [math.inf, 2, 0, math.inf, 0]
    )


# -- hypervolume --------------------------------------------------------------------
@DETERMINISTIC
@given(Y=point_sets(max_points=8), data=st.data())
def test_hypervolume_matches_inclusion_exclusion(Y, data):
    m = Y.shape[1]
    ref = np.array(data.draw(st.lists(st.integers(-1, 2), min_size=m, max_size=m)))
    expected = _inclusion_exclusion(Y, ref)
    got = hypervolume(Y, ref)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("m, n", [(2, 60), (3, 60), (4, 30), (5, 16)])
@pytest.mark.parametrize("seed", [0, 1])
def test_hypervolume_matches_slicing_on_larger_sets(m, n, seed):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, m))
    Y[: n // 2] = np.round(Y[: n // 2] * 4) / 4  # ties and duplicates
    ref = np.full(m, 0.1)
    assert hypervolume(Y, ref) == pytest.approx(_hv_slicing(Y, ref), rel=1e-12)


@pytest.mark.parametrize("m", [2, 3, 4])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hypervolume_agrees_with_monte_carlo(m, seed):
    rng = np.random.default_rng(seed)
    Z = np.abs(rng.standard_normal((40, m)))
    Y = Z / np.linalg.norm(Z, axis=1, keepdims=True)  # a front
    ref = np.full(m, -0.1)
    top = Y.max(axis=0)
    box = float(np.prod(top - ref))
    samples = ref + (top - ref) * rng.random((100_000, m))
    covered = np.zeros(len(samples), bool)
    for y in Y:
        covered |= (samples <= y).all(axis=1)
    p = covered.mean()
    stderr = box * math.sqrt(p * (1 - p) / len(samples))
    assert abs(hypervolume(Y, ref) - box * p) < 5 * stderr


@DETERMINISTIC
@given(Y=point_sets(min_obj=2, max_points=12, nonfinite=False))
def test_dominated_copies_and_outside_points_add_no_volume(Y):
    ref = np.zeros(Y.shape[1])
    hv = hypervolume(Y, ref)
    extra = np.vstack([Y, Y - 1.0, np.full((1, Y.shape[1]), -5.0), Y[:1]])
    assert hypervolume(extra, ref) == pytest.approx(hv, rel=1e-9, abs=1e-12)
    scaled = Y * np.arange(1, Y.shape[1] + 1)
    factor = math.factorial(Y.shape[1])
    assert hypervolume(scaled, ref) == pytest.approx(hv * factor, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_hypervolume_of_no_point_and_of_one_point(m):
    assert hypervolume(np.empty((0, m)), np.zeros(m)) == 0.0
    assert hypervolume(np.full((1, m), 2.0), np.ones(m)) == pytest.approx(1.0)
    assert hypervolume(np.full((1, m), 2.0), np.full(m, 3.0)) == 0.0
    assert hypervolume([[np.nan] * m], np.zeros(m)) == 0.0


# -- hypervolume_contributions --------------------------------------------------------
@DETERMINISTIC
@given(Y=point_sets(max_points=7), data=st.data())
def test_contributions_match_the_definition(Y, data):
    m = Y.shape[1]
    ref = np.array(data.draw(st.lists(st.integers(-1, 1), min_size=m, max_size=m)))
    total = _inclusion_exclusion(Y, ref)
    expected = [
        total - _inclusion_exclusion(np.delete(Y, i, 0), ref) for i in range(len(Y))
    ]
    # differences of two volumes: the rounding error scales with the total
    np.testing.assert_allclose(
        hypervolume_contributions(Y, ref),
        expected,
        rtol=1e-9,
        atol=1e-9 * max(1, total),
    )


@pytest.mark.parametrize("m", [2, 3])
def test_contributions_on_larger_sets_with_dominated_points(m):
    rng = np.random.default_rng(m)
    Z = np.abs(rng.standard_normal((40, m)))
    Y = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    # some points below the front, each under one front point or several
    Y = np.vstack([Y, Y[:15] * rng.uniform(0.9, 1.0, (15, 1)), Y[:5]])
    ref = np.zeros(m)
    total = hypervolume(Y, ref)
    expected = [total - hypervolume(np.delete(Y, i, 0), ref) for i in range(len(Y))]
    got = hypervolume_contributions(Y, ref)
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-12)
    assert (got[:5] == 0).all() and (got[-5:] == 0).all()  # copies
    assert (got[15:40] > 0).all()


# -- normalize ----------------------------------------------------------------------
def test_normalize_maps_nadir_to_zero_and_ideal_to_one():
    Y = np.array([[2.0, -1.0], [4.0, -3.0], [np.nan, 0.0], [3.0, -2.0]])
    out = normalize(Y, ideal=[4.0, -1.0], nadir=[2.0, -3.0])
    np.testing.assert_allclose(out, [[0, 1], [1, 0], [-np.inf, -np.inf], [0.5, 0.5]])
    np.testing.assert_allclose(normalize(Y), out)  # defaults: the finite rows
    # an objective with one finite value is only shifted
    np.testing.assert_allclose(normalize([[1.0, 5.0], [2.0, 5.0]]), [[0, 0], [1, 0]])


# -- chebyshev_scalarize ------------------------------------------------------------
@DETERMINISTIC
@given(
    data=st.data(),
    m=st.integers(1, 4),
    rho=st.floats(0.0, 1.0),
    t=st.floats(-10.0, 10.0),
)
def test_chebyshev_is_constant_on_the_ray_of_its_weights(data, m, rho, t):
    w = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=m, max_size=m)))
    ideal = np.array(data.draw(st.lists(st.floats(-5, 5), min_size=m, max_size=m)))
    # on the ray ideal - t / w every weighted distance to the ideal is t
    # (negative beyond the ideal point)
    y = ideal - t / w
    got = chebyshev_scalarize(y[None, :], w, ideal=ideal, rho=rho)
    assert got[0] == pytest.approx(-(t + rho * m * t), rel=1e-9, abs=1e-9)


@DETERMINISTIC
@given(Y=point_sets(min_obj=2, max_points=8, nonfinite=False), data=st.data())
def test_chebyshev_ranks_a_dominating_point_higher(Y, data):
    m = Y.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=m, max_size=m)))
    # an ideal point anywhere, so that some points may lie beyond it
    ideal = data.draw(st.lists(st.floats(-10, 10), min_size=m, max_size=m))
    scores = chebyshev_scalarize(Y, w, ideal=ideal, rho=0.05)
    for i, j in itertools.permutations(range(len(Y)), 2):
        if _dominates(Y[i], Y[j]):
            assert scores[i] >= scores[j]
            # strictly, unless the gain is lost in rounding
            if (Y[i] - Y[j]).max() > 1e-6:
                assert scores[i] > scores[j]


def test_chebyshev_with_several_weights_and_failed_points():
    Y = np.array([[1.0, 0.0], [0.2, 0.9], [np.nan, 1.0]])
    W = random_simplex_weights(5, 2, rng=0)
    many = chebyshev_scalarize(Y, W)
    assert many.shape == (3, 5)
    for k in range(5):
        np.testing.assert_array_equal(many[:, k], chebyshev_scalarize(Y, W[k]))
    assert np.isneginf(many[2]).all()
    # a unit weight without augmentation orders by that objective alone
    np.testing.assert_allclose(
        chebyshev_scalarize(Y[:2], [0.0, 1.0], ideal=[0.0, 1.0], rho=0.0), [-1.0, -0.1]
    )


# -- random_simplex_weights ---------------------------------------------------------
@pytest.mark.parametrize("n_obj", [1, 2, 3, 5])
def test_simplex_weights_are_reproducible_points_of_the_simplex(n_obj):
    w = random_simplex_weights(200, n_obj, rng=3)
    assert w.shape == (200, n_obj) and (w >= 0).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    np.testing.assert_array_equal(w, random_simplex_weights(200, n_obj, rng=3))
    gen = np.random.default_rng(3)
    np.testing.assert_array_equal(w, random_simplex_weights(200, n_obj, rng=gen))
    assert random_simplex_weights(0, n_obj, rng=0).shape == (0, n_obj)


def test_simplex_weights_are_uniform_on_the_simplex():
    # a coordinate of a uniform point of the 3-simplex follows Beta(1, 2)
    w = random_simplex_weights(4000, 3, rng=0)
    for j in range(3):
        assert stats.kstest(w[:, j], stats.beta(1, 2).cdf).pvalue > 1e-3


# -- bad input ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: non_dominated_sort([1.0, 2.0]), ValueError, "Y must be a 2-d"),
        (lambda: non_dominated_sort(np.ones((2, 0))), ValueError, "n_objectives >= 1"),
        (lambda: non_dominated_sort([["a", "b"]]), TypeError, "Y must be an array"),
        (
            lambda: non_dominated_sort([[1.0]], [0, 1]),
            ValueError,
            r"violation .*\(1,\)",
        ),
        (
            lambda: non_dominated_sort([[1.0]], [-1]),
            ValueError,
            "violation must be >= 0",
        ),
        (lambda: crowding_distance([[1.0]], ranks=[0, 1]), ValueError, "ranks must"),
        (lambda: crowding_distance([[1.0]], ranks=[0.5]), TypeError, "ranks must"),
        (lambda: hypervolume([[1.0, 2.0]], [0.0]), ValueError, r"ref must .*\(2,\)"),
        (lambda: hypervolume([[1.0]], [np.nan]), ValueError, "ref must be finite"),
        (
            lambda: hypervolume_contributions([[1.0]], [np.inf]),
            ValueError,
            "ref must be finite",
        ),
        (
            lambda: normalize([[1.0]], ideal=[0.0], nadir=[0.0]),
            ValueError,
            "ideal must be greater than nadir",
        ),
        (lambda: normalize([[np.nan]]), ValueError, "ideal and nadir must be given"),
        (lambda: normalize([[1.0]], nadir=[2.0]), ValueError, "nadir is on the wrong"),
        (lambda: chebyshev_scalarize([[1.0]], [-1.0]), ValueError, "weights must be"),
        (lambda: chebyshev_scalarize([[1.0]], [0.0]), ValueError, "weights must be"),
        (lambda: chebyshev_scalarize([[1.0]], [1, 1]), ValueError, "weights must have"),
        (lambda: chebyshev_scalarize([[1.0]], [1], rho=-1), ValueError, "rho must be"),
        (lambda: chebyshev_scalarize([[1.0]], [1], rho="a"), TypeError, "rho must be"),
        (
            lambda: chebyshev_scalarize([[1.0]], [1], ideal=[1, 2]),
            ValueError,
            "ideal must have",
        ),
        (lambda: random_simplex_weights(-1, 2), ValueError, "n must be >= 0"),
        (lambda: random_simplex_weights(2, 0), ValueError, "n_obj must be >= 1"),
        (lambda: random_simplex_weights(2.0, 2), TypeError, "n must be an int"),
    ],
)
def test_bad_input_names_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- benchmark problems -------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(_mo_problems.PROBLEMS))
def test_problem_pareto_set_reaches_the_analytic_front(name):
    problem = _mo_problems.PROBLEMS[name]
    X = problem.pareto_set(200)
    F = np.array([problem(problem.params(x)) for x in X])
    f = problem.front(200)
    np.testing.assert_allclose(F, f, atol=1e-12)
    if name == "dtlz2":
        np.testing.assert_allclose(np.linalg.norm(F, axis=1), 1.0)
    elif name == "zdt3":
        assert problem.nadir[0] == pytest.approx(0.8518328654, abs=1e-9)
    else:
        power = 0.5 if name == "zdt1" else 2.0
        np.testing.assert_allclose(F[:, 1], 1 - F[:, 0] ** power, atol=1e-12)
    # every sampled front point is non-dominated
    assert (non_dominated_sort(-f) == 0).all()


@pytest.mark.parametrize("name", sorted(_mo_problems.PROBLEMS))
def test_problem_random_inputs_do_not_beat_the_front(name):
    problem = _mo_problems.PROBLEMS[name]
    rng = np.random.default_rng(0)
    F = np.array([problem(problem.params(x)) for x in rng.random((300, problem.n_var))])
    # the union with random points adds (almost) nothing to a dense front
    front = problem.front(20_000)
    gain = problem.hypervolume(np.vstack([front, F])) - problem.hypervolume(front)
    assert gain < 1e-3


@pytest.mark.parametrize(
    "name, published",
    [("zdt1", 2 / 3), ("zdt2", 1 / 3), ("dtlz2", 1 - math.pi / 6)],
)
def test_problem_front_hypervolume_against_the_analytic_values(name, published):
    # reference point (1, ..., 1) of the minimisation form: the nadir
    problem = _mo_problems.PROBLEMS[name]
    assert problem.exact_hypervolume(1.0) == pytest.approx(published, rel=1e-12)


@pytest.mark.parametrize("name", sorted(_mo_problems.PROBLEMS))
@pytest.mark.parametrize("r", [1.0, _mo_problems.REF])
def test_problem_sampled_front_converges_to_the_exact_hypervolume(name, r):
    problem = _mo_problems.PROBLEMS[name]
    gaps = [
        problem.exact_hypervolume(r) - problem.hypervolume(problem.front(n), r)
        for n in (300, 3000)
    ]
    # a staircase below the true front: short, and shorter with more points
    assert 0 < gaps[1] < gaps[0] < (0.05 if problem.n_obj == 3 else 0.01)


def test_problem_values_away_from_the_front_follow_the_definitions():
    # by hand from the published definitions: with x2 .. x5 = 0.5 the ZDT
    # g is 1 + 9 * 0.5 = 5.5; DTLZ2's g is the sum of (x_i - 0.5)^2
    def at(name, x):
        return _mo_problems.PROBLEMS[name](
            dict(zip(["x1", "x2", "x3", "x4", "x5", "x6"], x))
        )

    half = [0.5] * 4
    assert at("zdt1", [0.5] + half) == pytest.approx((0.5, 5.5 - math.sqrt(2.75)))
    assert at("zdt2", [0.5] + half) == pytest.approx((0.5, 5.5 - 0.25 / 5.5))
    assert at("zdt3", [0.25] + half) == pytest.approx(
        (0.25, 5.5 - 5.5 / math.sqrt(22) - 0.25)
    )
    r = math.sqrt(0.5)
    assert at("dtlz2", [0.5] * 6) == pytest.approx((0.5, 0.5, r))
    assert at("dtlz2", [0.5, 0.5, 1, 1, 0, 0]) == pytest.approx((1.0, 1.0, 2 * r))
