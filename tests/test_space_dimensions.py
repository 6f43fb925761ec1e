"""Dimension options: steps, prior weights, base, name, transform; bad values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_hypersearch import Categorical, Integer, Real, Space

settings.register_profile("deterministic", derandomize=True, deadline=None)
settings.load_profile("deterministic")

FINE = np.linspace(0.0, 1.0, 200_001)


def _shares(dim):
    """Share of the unit interval each value of ``dim`` gets."""
    values = dim.from_unit(FINE)
    return {v: values.count(v) / len(values) for v in dim.values()}


# -- steps ----------------------------------------------------------------------
def test_stepped_real_values_are_the_written_decimals():
    dim = Real(0.0, 1.0, step=0.1)
    assert dim.values() == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert dim.n_values == 11 and not dim.is_continuous
    assert dim.contains(0.1 * 3)  # 0.30000000000000004: on the grid
    assert not dim.contains(0.35)
    assert dim.from_unit(dim.to_unit(dim.values())) == dim.values()
    assert all(type(v) is float for v in dim.from_unit([0.0, 0.42, 1.0]))


@pytest.mark.parametrize(
    "dim",
    [
        Real(0.0, 1.0, step=0.1),
        Real(-2.5, 5.0, step=2.5),
        Integer(1, 9, step=2),
        Integer(0, 100, step=25),
    ],
    ids=repr,
)
def test_every_step_value_gets_an_equal_share(dim):
    shares = _shares(dim)
    assert len(shares) == dim.n_values
    np.testing.assert_allclose(list(shares.values()), 1 / dim.n_values, atol=1e-4)
    assert set(dim.from_unit(FINE)) == set(dim.values())


def test_stepped_integer():
    dim = Integer(1, 9, step=2)
    assert dim.values() == [1, 3, 5, 7, 9]
    assert dim.contains(5) and not dim.contains(4) and not dim.contains(11)
    assert dim.from_unit(dim.to_unit([1, 3, 9])) == [1, 3, 9]
    assert dim != Integer(1, 9) and Integer(1, 9, step=1) == Integer(1, 9)
    assert repr(dim) == "Integer(1, 9, step=2)"


def test_samples_of_stepped_spaces_stay_on_the_grid():
    space = Space({"a": Real(0.0, 0.5, step=0.05), "b": Integer(10, 50, step=10)})
    for method in ("random", "sobol", "lhs"):
        for p in space.sample(64, random_state=0, method=method):
            assert space.contains(p)
            assert p["a"] == round(p["a"], 2) and p["b"] % 10 == 0


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Real(0.0, 1.0, step=0.3), ValueError, "multiple of step.*high=0.9"),
        (lambda: Integer(0, 10, step=3), ValueError, "multiple of step.*high=9"),
        (lambda: Real(0.0, 1.0, step=0), ValueError, "step must be a positive"),
        (lambda: Real(0.0, 1.0, step=math.nan), ValueError, "step must be"),
        (lambda: Real(0.0, 1.0, step=2.0), ValueError, "multiple of step"),
        (lambda: Integer(0, 10, step=0), ValueError, "step must be an integer >= 1"),
        (lambda: Integer(0, 10, step=2.0), ValueError, "step must be an integer"),
        (lambda: Real(1.0, 10.0, log=True, step=1.0), ValueError, "log scale"),
        (lambda: Integer(1, 9, log=True, step=2), ValueError, "log scale"),
    ],
)
def test_bad_steps(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_log_integer_with_step_one_is_allowed():
    # Optuna's IntDistribution(log=True) has step=1
    assert Integer(1, 100, log=True, step=1) == Integer(1, 100, log=True)


# -- categorical prior weights -------------------------------------------------
def test_prior_weights_set_the_probabilities():
    dim = Categorical(["a", "b", "c"], prior=[1, 2, 1])
    assert dim.prior == [0.25, 0.5, 0.25]
    shares = _shares(dim)
    np.testing.assert_allclose(
        [shares["a"], shares["b"], shares["c"]], [0.25, 0.5, 0.25], atol=1e-4
    )
    rng = np.random.default_rng(0)
    draws = dim.sample(20_000, rng)
    assert draws.count("b") / len(draws) == pytest.approx(0.5, abs=0.02)
    # each choice maps to the centre of its own cell and back
    assert dim.to_unit(["a", "b", "c"]).tolist() == [0.125, 0.5, 0.875]
    assert dim.from_unit(dim.to_unit(["c", "a", "b"])) == ["c", "a", "b"]


def test_equal_weights_are_no_prior():
    assert Categorical([1, 2], prior=[0.5, 0.5]).prior is None
    assert Categorical([1, 2], prior=[3, 3]) == Categorical([1, 2])
    assert Categorical([1, 2], prior=[1, 3]) != Categorical([1, 2])
    assert "prior=[0.25, 0.75]" in repr(Categorical([1, 2], prior=[1, 3]))


@pytest.mark.parametrize(
    "prior, error, match",
    [
        ([1, 2, 3], ValueError, "one weight per choice.*3 weights for 2"),
        ([1, 0], ValueError, "positive.*got 0 for choice 'b'"),
        ([1, -1], ValueError, "positive"),
        ([1, math.nan], ValueError, "positive finite"),
        ([1, math.inf], ValueError, "positive finite"),
        ("ab", TypeError, "list of weights"),
        (0.5, TypeError, "list of weights"),
    ],
)
def test_bad_prior_weights(prior, error, match):
    with pytest.raises(error, match="Categorical 'k': .*" + match):
        Categorical(["a", "b"], prior=prior, name="k")


# -- base, name, transform, positional prior ------------------------------------
def test_base_is_stored_and_changes_nothing():
    dim = Real(1e-3, 1e3, prior="log-uniform", base=2)
    assert dim.base == 2
    assert dim == Real(1e-3, 1e3, log=True)
    assert dim.from_unit(FINE[::1000]) == Real(1e-3, 1e3, log=True).from_unit(
        FINE[::1000]
    )
    assert Integer(1, 64, prior="log-uniform", base=2) == Integer(1, 64, log=True)


@pytest.mark.parametrize("base", [1, 0, -2, math.inf, "e", True])
def test_bad_base(base):
    with pytest.raises(ValueError, match="Real: base must be a positive number"):
        Real(1.0, 2.0, base=base)


def test_transform_is_accepted_and_changes_nothing():
    assert Real(0.0, 1.0, transform="normalize") == Real(0.0, 1.0)
    assert Integer(0, 3, transform="identity") == Integer(0, 3)
    assert Categorical(["a", "b"], transform="onehot") == Categorical(["a", "b"])
    with pytest.raises(ValueError, match="Real: transform must be.*'log'"):
        Real(0.0, 1.0, transform="log")
    with pytest.raises(ValueError, match="Categorical: transform"):
        Categorical(["a"], transform="ordinal")


def test_name_is_stored_used_in_messages_and_not_in_equality():
    assert Real(0.0, 1.0, name="C").name == "C"
    assert Real(0.0, 1.0, name="C") == Real(0.0, 1.0)
    assert repr(Real(0.0, 1.0, name="C")) == "Real(0.0, 1.0)"
    with pytest.raises(ValueError, match="Real 'C': low < high.*low=10, high=1"):
        Real(10, 1, name="C")
    with pytest.raises(TypeError, match="Integer: name must be a str"):
        Integer(0, 1, name=3)


def test_name_must_agree_with_the_key():
    assert Space({"C": Real(0.0, 1.0, name="C")}) == Space({"C": Real(0.0, 1.0)})
    with pytest.raises(ValueError, match="Parameter 'C': .*named 'gamma'"):
        Space({"C": Real(0.0, 1.0, name="gamma")})
    with pytest.raises(ValueError, match="Parameter 'k' \\(subspace 1\\): .*'kk'"):
        Space([{"a": [1]}, {"k": Categorical([1, 2], name="kk")}])


def test_positional_prior_string_as_in_scikit_optimize():
    assert Real(1e-3, 1.0, "log-uniform") == Real(1e-3, 1.0, log=True)
    # a string is not a truthy log flag: "uniform" is uniform
    assert not Real(1.0, 2.0, "uniform").is_log
    assert not Integer(1, 5, "uniform").is_log
    with pytest.raises(ValueError, match="contradicts prior='uniform'"):
        Real(1.0, 2.0, "log-uniform", prior="uniform")
    with pytest.raises(TypeError, match="Real: log must be a bool"):
        Real(1.0, 2.0, 1)


# -- the dimension and the values are named in construction errors ------------
@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Real(10, 1), ValueError, "^Real: low < high must hold, got low=10"),
        (lambda: Real(0, math.nan), ValueError, "^Real: high must be finite, got nan"),
        (lambda: Real(-math.inf, 0), ValueError, "^Real: low must be finite"),
        (lambda: Real("a", 1), TypeError, "^Real: low must be a real number, got 'a'"),
        (lambda: Real(False, 1), TypeError, "^Real: low must be a real number"),
        (lambda: Integer(1, 2.5), TypeError, "^Integer: high must be an integer"),
        (lambda: Integer(3, 3), ValueError, "^Integer: low < high.*low=3, high=3"),
        (lambda: Integer(0, 9, log=True), ValueError, "^Integer: low > 0.*log"),
        (lambda: Real(0, 1, prior="normal"), ValueError, "^Real: prior must be"),
        (lambda: Categorical([]), ValueError, "^Categorical: choices must not be"),
        (lambda: Categorical("ab"), TypeError, "^Categorical: choices must be a list"),
        (lambda: Categorical({1, 2}), TypeError, "no fixed order"),
        (lambda: Categorical([1, 1]), ValueError, "^Categorical: choice 1 is given"),
    ],
)
def test_construction_errors_name_the_dimension_and_values(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_unequal_choices_that_cannot_be_told_apart_are_refused():
    class Opaque:
        __hash__ = None  # unhashable, so results key it by its repr

        def __repr__(self):
            return "Opaque()"

    with pytest.raises(ValueError, match="same representation"):
        Categorical([Opaque(), Opaque()])


def test_bool_and_int_choices_have_distinct_keys():
    space = Space({"k": [True, 1, False, 0]})
    keys = {space.key({"k": v}) for v in (True, 1, False, 0)}
    assert len(keys) == 4


def test_nan_choice_is_one_value():
    dim = Categorical([np.nan, 0.0])
    # a NaN read back from a checkpoint is another object: still the choice
    assert dim.index(float("nan")) == 0
    space = Space({"missing": dim})
    assert space.key({"missing": np.nan}) == space.key({"missing": float("nan")})


# -- property: stepped and weighted dimensions never leave the space -----------
@st.composite
def options_dimensions(draw):
    kind = draw(st.sampled_from(["real", "int", "cat"]))
    if kind == "real":
        low = draw(st.integers(-1000, 1000)) / 100
        step = draw(st.sampled_from([0.01, 0.05, 0.1, 0.25, 1.0, 2.5]))
        n = draw(st.integers(1, 400))
        return Real(low, round(low + n * step, 2), step=step)
    if kind == "int":
        low = draw(st.integers(-1000, 1000))
        step = draw(st.integers(1, 50))
        return Integer(low, low + step * draw(st.integers(1, 100)), step=step)
    k = draw(st.integers(1, 6))
    weights = draw(st.lists(st.floats(0.01, 100), min_size=k, max_size=k))
    return Categorical(list(range(k)), prior=weights)


@given(
    dims=st.lists(options_dimensions(), min_size=1, max_size=3),
    seed=st.integers(0, 2**16),
    unit=st.lists(st.floats(-0.5, 1.5, allow_nan=False), min_size=3, max_size=3),
)
@settings(max_examples=80)
def test_option_dimensions_never_leave_the_space(dims, seed, unit):
    space = Space({f"p{i}": d for i, d in enumerate(dims)})
    for params in space.sample(5, random_state=seed, method="sobol"):
        assert space.contains(params)
    sub = space.subspaces[0]
    (params,) = sub.from_unit(np.array([unit[: sub.n_dims]]))
    assert space.contains(params)
    # a point maps to unit coordinates that map back to it
    assert sub.from_unit(sub.to_unit([params])) == [params]
