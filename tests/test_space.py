"""Dimensions, conversion of user spaces, unit-cube maps and designs."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sklearn_hypersearch import Categorical, Distribution, Integer, Real, Space
from sklearn_hypersearch._space import as_dimension

settings.register_profile("deterministic", derandomize=True, deadline=None)
settings.load_profile("deterministic")


# -- conversion of every accepted form ---------------------------------------
@pytest.mark.parametrize(
    "value, expected",
    [
        ([1, 2, 3], Categorical([1, 2, 3])),
        (np.array(["a", "b"]), Categorical(["a", "b"])),
        (stats.uniform(1, 4), Real(1.0, 5.0)),
        (stats.loguniform(1e-3, 1e2), Real(1e-3, 1e2, log=True)),
        (stats.randint(2, 10), Integer(2, 9)),
        # scikit-optimize's range tuples: the prior string makes them ranges
        ((1e-3, 1e3, "log-uniform"), Real(1e-3, 1e3, log=True)),
        ((1, 100, "log-uniform"), Integer(1, 100, log=True)),
        ((0.5, 2, "uniform"), Real(0.5, 2.0)),
        ((2, 5, "uniform"), Integer(2, 5)),
        ((1e-3, 1e3, "log-uniform", 2), Real(1e-3, 1e3, log=True)),
        (Real(1e-3, 1e3, prior="log-uniform"), Real(1e-3, 1e3, log=True)),
        # scikit-learn's sequences of choices
        (("l1", "l2"), Categorical(["l1", "l2"])),
        (((1, 1), (1, 2)), Categorical([(1, 1), (1, 2)])),
        ((0.1, 0.5, 1.0), Categorical([0.1, 0.5, 1.0])),
        (range(1, 4), Categorical([1, 2, 3])),
        (np.array([[1, 1], [1, 2]]), Categorical([(1, 1), (1, 2)])),
        (
            [None, "balanced", {0: 1, 1: 5}],
            Categorical([None, "balanced", {0: 1, 1: 5}]),
        ),
    ],
)
def test_as_dimension_accepts_user_forms(value, expected):
    assert as_dimension(value) == expected


def test_other_scipy_distributions_are_kept_and_sampled_exactly():
    dim = as_dimension(stats.norm(2.0, 3.0))
    assert isinstance(dim, Distribution)
    sample = np.array(dim.sample(4000, np.random.default_rng(0)))
    # Kolmogorov-Smirnov against the true law: the sampler is exact
    assert stats.kstest(sample, stats.norm(2.0, 3.0).cdf).pvalue > 1e-3
    discrete = as_dimension(stats.poisson(3))
    values = discrete.sample(2000, np.random.default_rng(0))
    assert all(isinstance(v, int) and v >= 0 for v in values)
    assert np.mean(values) == pytest.approx(3, rel=0.1)


def test_space_from_list_of_dicts_and_sklearn_style_dict():
    space = Space(
        [
            {"clf": ["svc"], "C": stats.loguniform(1e-2, 1e2)},
            {"clf": ["tree"], "depth": stats.randint(1, 8)},
        ]
    )
    assert space.n_subspaces == 2
    assert space.names == ["C", "clf", "depth"]
    samples = space.sample(50, random_state=0)
    branches = [space.subspace_of(p) for p in samples]
    assert set(branches) == {0, 1}
    for p in samples:
        assert set(p) in ({"clf", "C"}, {"clf", "depth"})


# -- unit cube ----------------------------------------------------------------
def test_real_log_scale_round_trip_and_midpoint():
    dim = Real(1e-4, 1e2, log=True)
    x = [1e-4, 1e-3, 0.5, 99.0, 1e2]
    np.testing.assert_allclose(dim.from_unit(dim.to_unit(x)), x, rtol=1e-12)
    assert dim.from_unit([0.5])[0] == pytest.approx(1e-1)


def test_integer_half_step_gives_every_value_equal_mass():
    dim = Integer(0, 3)
    u = np.linspace(0, 1, 100001)
    counts = np.bincount(dim.from_unit(u))
    np.testing.assert_allclose(counts / counts.sum(), 0.25, atol=1e-3)
    assert dim.from_unit(dim.to_unit([0, 1, 2, 3])) == [0, 1, 2, 3]


def test_log_integer_favours_small_values():
    values = np.array(Integer(1, 1000, log=True).sample(5000, np.random.default_rng(0)))
    assert np.median(values) < 60  # uniform would give ~500
    assert values.min() >= 1 and values.max() <= 1000


def test_categorical_indices():
    dim = Categorical(["a", None, 3])
    assert dim.from_unit(dim.to_unit(["a", None, 3])) == ["a", None, 3]
    assert dim.n_values == 3


def test_sample_bounds_and_log_scale():
    space = Space(
        {"a": Real(1e-3, 1e3, log=True), "b": Integer(-5, 5), "c": Real(0.0, 1.0)}
    )
    samples = space.sample(2000, random_state=0)
    a = np.array([s["a"] for s in samples])
    assert a.min() >= 1e-3 and a.max() <= 1e3
    # log-uniform: half the mass below the geometric midpoint 1
    assert np.mean(a < 1) == pytest.approx(0.5, abs=0.05)
    assert {s["b"] for s in samples} == set(range(-5, 6))
    assert all(type(s["b"]) is int and type(s["a"]) is float for s in samples)


@pytest.mark.parametrize("method", ["random", "sobol", "lhs"])
def test_designs_are_reproducible_and_inside(method):
    space = Space({"a": Real(0, 1), "b": Integer(1, 9), "c": ["x", "y"]})
    first = space.sample(16, random_state=3, method=method)
    assert first == space.sample(16, random_state=3, method=method)
    assert first != space.sample(16, random_state=4, method=method)
    assert all(space.contains(p) for p in first)


def test_space_filling_designs_spread_better_than_random():
    space = Space({"a": Real(0, 1), "b": Real(0, 1)})

    def worst_gap(method):
        ((_, unit),) = space.sample_unit(64, 0, method)
        # largest empty cell of an 8x8 grid
        cells = set(map(tuple, np.floor(unit * 8).astype(int)))
        return 64 - len(cells)

    assert worst_gap("lhs") < worst_gap("random")
    assert worst_gap("sobol") < worst_gap("random")


# -- bad input ----------------------------------------------------------------
@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"C": (1.0, 0.5, "uniform")}, ValueError, "'C'.*low < high"),
        ({"C": (0.0, 1.0, "log-uniform")}, ValueError, "'C'.*low > 0"),
        ({"n": (-1, 5, "log-uniform")}, ValueError, "'n'.*low > 0"),
        ({"n": (1, 5, "log-uniform", 1)}, ValueError, "'n'.*base"),
        ({"k": []}, ValueError, "'k'.*empty"),
        ({"k": ()}, ValueError, "'k'.*empty"),
        ({"k": np.array([])}, ValueError, "'k'.*empty"),
        ({"k": "abc"}, TypeError, "'k'.*list of values"),
        ({"k": 3}, TypeError, "'k'.*list of values"),
        ({"k": np.array(3)}, TypeError, "'k'.*0-d array"),
        ({"k": {"a": 1}}, TypeError, "'k'.*list of values"),
        ({"k": [1, 1]}, ValueError, "'k'.*twice"),
        ({"k": [1, 1.0]}, ValueError, "'k'.*twice"),
        ({"k": ((1, 2), (1, 2))}, ValueError, "'k'.*twice"),
        ({"k": [{"a": 1}, {"a": 1}]}, ValueError, "'k'.*twice"),
        ({"k": [np.nan, float("nan")]}, ValueError, "'k'.*twice"),
        ({"k": [np.array([1, 2]), np.array([1, 2])]}, ValueError, "'k'.*twice"),
        ({1: [1, 2]}, TypeError, "names must be strings"),
        ({("a", "b"): [1, 2]}, TypeError, "names must be strings"),
        ("C", TypeError, "dict or a list of dicts"),
        (3, TypeError, "dict or a list of dicts"),
        ([], ValueError, "empty list"),
        ([{}], ValueError, "Subspace 0.*empty"),
        ([{"a": [1]}, 3], TypeError, "Subspace 1.*must be a dict"),
        ({"k": (0.0, math.inf, "uniform")}, ValueError, "'k'.*high must be finite"),
        ({"k": (math.nan, 1.0, "uniform")}, ValueError, "'k'.*low must be finite"),
        ({"k": stats.norm(0, -1)}, ValueError, "'k'.*norm\\(0, -1\\).*invalid"),
        ({"k": stats.norm(scale=-1)}, ValueError, "'k'.*norm\\(scale=-1\\).*invalid"),
        ({"k": stats.poisson(-1)}, ValueError, "'k'.*poisson.*invalid"),
        ({"k": stats.uniform(0, 0)}, ValueError, "'k'.*uniform.*invalid"),
        ({"k": stats.norm}, TypeError, "'k'.*not a frozen one"),
        ({"k": (v for v in [1, 2])}, TypeError, "'k'.*generator.*read only once"),
        ({"k": iter([1, 2])}, TypeError, "'k'.*iterator.*read only once"),
        ({"k": {1, 2}}, TypeError, "'k'.*set.*no fixed order"),
        (
            [{"a": [1, 2]}, {"a": [3], "b": stats.norm(0, -1)}],
            ValueError,
            "'b' \\(subspace 1\\).*invalid",
        ),
        ([({"a": [1, 2]}, 10)], TypeError, "Subspace 0.*\\(space, n_iter\\) pair"),
    ],
)
def test_invalid_spaces_name_the_parameter(params, error, match):
    with pytest.raises(error, match=match):
        Space(params)


def test_distribution_without_ppf_is_refused():
    class OnlyRvs:
        def rvs(self, random_state=None):
            return 1.0

    with pytest.raises(TypeError, match="'p'.*ppf"):
        Space({"p": OnlyRvs()})


# -- property: valid spaces never yield points outside ------------------------
@st.composite
def dimensions(draw):
    kind = draw(st.sampled_from(["real", "int", "cat"]))
    log = draw(st.booleans())
    if kind == "real":
        low = draw(st.floats(1e-6 if log else -1e6, 1e6, allow_nan=False))
        width = draw(st.floats(1e-6, 1e6))
        high = low + width
        if high <= low:
            high = math.nextafter(low, math.inf) * (1 + 1e-9) + 1e-9
        return Real(low, high, log=log)
    if kind == "int":
        low = draw(st.integers(1 if log else -1000, 1000))
        return Integer(low, low + draw(st.integers(1, 10000)), log=log)
    choices = draw(
        st.lists(
            st.one_of(st.integers(), st.text(max_size=3)),
            min_size=1,
            max_size=6,
            unique_by=repr,
        )
    )
    choices = [c for i, c in enumerate(choices) if c not in choices[:i]]
    return Categorical(choices)


@given(
    dims=st.lists(dimensions(), min_size=1, max_size=4),
    method=st.sampled_from(["random", "sobol", "lhs"]),
    seed=st.integers(0, 2**16),
    unit=st.lists(st.floats(-0.5, 1.5, allow_nan=False), min_size=1, max_size=4),
)
@settings(max_examples=80)
def test_random_valid_spaces_never_leave_the_space(dims, method, seed, unit):
    space = Space({f"p{i}": d for i, d in enumerate(dims)})
    for params in space.sample(7, random_state=seed, method=method):
        assert space.contains(params)
    sub = space.subspaces[0]
    row = (unit * sub.n_dims)[: sub.n_dims]
    (params,) = sub.from_unit(np.array([row]))
    assert space.contains(params)
    back = sub.to_unit([params])
    assert np.all((back >= 0) & (back <= 1))


class _NanPpf(stats.rv_continuous):
    """A law with a valid support whose percent-point function is broken."""

    def _cdf(self, x):
        return np.clip(x, 0, 1)

    def _ppf(self, q):
        return np.full_like(q, np.nan)


def test_distribution_whose_ppf_gives_nan_is_refused():
    law = _NanPpf(a=0.0, b=1.0, name="nanppf")()
    with pytest.raises(ValueError, match="'p'.*ppf of nanppf\\(\\) gives.*finite"):
        Space({"p": law})
    with pytest.raises(ValueError, match="Distribution 'p': the ppf"):
        Distribution(law, name="p")
