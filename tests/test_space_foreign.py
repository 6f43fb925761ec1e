"""scikit-optimize's and Optuna's space objects, read by duck typing.

Every test runs on small fake classes with the attributes of the real ones
(so the conversion is tested without either package) and, where the package
is installed, on the real classes.
"""

import numpy as np
import pytest
from scipy import stats

from sklearn_hypersearch import BayesSearchCV, Categorical, Integer, Real, Space
from sklearn_hypersearch._space import as_dimension
from tests._helpers import QuadraticClassifier, toy_data


class fake_skopt:  # noqa: N801 - stands for the module skopt.space
    """The attributes of ``skopt.space`` objects that the conversion reads."""

    class Dimension:
        def rvs(self, n_samples=1, random_state=None):
            raise AssertionError("the search never calls skopt's sampler")

        def transform(self, X):
            raise AssertionError("the search never calls skopt's transform")

    class _Numeric(Dimension):
        def __init__(
            self, low, high, prior="uniform", base=10, transform=None, name=None
        ):
            self.low, self.high, self.prior, self.base = low, high, prior, base
            self.name = name
            self.transform_ = transform or "identity"

    # as in skopt, Integer is not a subclass of Real
    class Real(_Numeric):
        pass

    class Integer(_Numeric):
        pass

    class Categorical(Dimension):
        def __init__(self, categories, prior=None, transform=None, name=None):
            self.categories = tuple(categories)
            self.prior, self.name = prior, name
            self.transform_ = transform or "onehot"

    class Space:
        def __init__(self, dimensions):
            self.dimensions = list(dimensions)


class fake_optuna:  # noqa: N801 - stands for the module optuna.distributions
    """The attributes of ``optuna.distributions`` classes."""

    class BaseDistribution:
        def to_internal_repr(self, value):
            raise AssertionError("never called")

    class FloatDistribution(BaseDistribution):
        def __init__(self, low, high, *, log=False, step=None):
            self.low, self.high, self.log, self.step = (
                float(low),
                float(high),
                log,
                step,
            )

    class IntDistribution(BaseDistribution):
        def __init__(self, low, high, *, log=False, step=1):
            self.low, self.high, self.log, self.step = int(low), int(high), log, step

    class CategoricalDistribution(BaseDistribution):
        def __init__(self, choices):
            self.choices = tuple(choices)


class fake_optuna2:  # noqa: N801 - Optuna < 3.0: legacy classes stand alone
    class UniformDistribution:
        def __init__(self, low, high):
            self.low, self.high = low, high

    class LogUniformDistribution(UniformDistribution):
        pass

    class DiscreteUniformDistribution:
        def __init__(self, low, high, q):
            self.low, self.high, self.q = low, high, q

    class IntUniformDistribution:
        def __init__(self, low, high, step=1):
            self.low, self.high, self.step = low, high, step

    class IntLogUniformDistribution(IntUniformDistribution):
        pass


@pytest.fixture(params=["fake", "real"])
def skopt_space(request):
    if request.param == "fake":
        return fake_skopt
    return pytest.importorskip("skopt.space")


@pytest.fixture(params=["fake", "real"])
def optuna_dists(request):
    if request.param == "fake":
        return fake_optuna
    return pytest.importorskip("optuna.distributions")


# -- scikit-optimize -------------------------------------------------------------
def test_skopt_dimensions_keep_their_meaning(skopt_space):
    sk = skopt_space
    cases = [
        (sk.Real(1e-3, 1e3, prior="log-uniform", base=2), Real(1e-3, 1e3, log=True)),
        (sk.Real(0, 1), Real(0.0, 1.0)),
        (sk.Real(0.5, 2.0, transform="normalize"), Real(0.5, 2.0)),
        (sk.Integer(1, 10), Integer(1, 10)),
        (sk.Integer(1, 1024, prior="log-uniform", base=2), Integer(1, 1024, log=True)),
        (sk.Categorical(["a", "b"]), Categorical(["a", "b"])),
        (
            sk.Categorical(["a", "b", "c"], prior=[0.2, 0.3, 0.5]),
            Categorical(["a", "b", "c"], prior=[0.2, 0.3, 0.5]),
        ),
        (sk.Categorical([(1, 1), (1, 2)]), Categorical([(1, 1), (1, 2)])),
    ]
    for theirs, ours in cases:
        assert as_dimension(theirs, "p") == ours, theirs


def test_skopt_space_and_named_dimension_lists_are_subspaces(skopt_space):
    sk = skopt_space
    dims = [
        sk.Real(1e-2, 1e2, prior="log-uniform", name="C"),
        sk.Categorical(["rbf", "linear"], name="kernel"),
    ]
    expected = Space(
        {"C": Real(1e-2, 1e2, log=True), "kernel": Categorical(["rbf", "linear"])}
    )
    assert Space(dims) == expected
    assert Space(sk.Space(dims)) == expected
    two = Space([sk.Space(dims), [sk.Integer(1, 5, name="degree")]])
    assert two.n_subspaces == 2 and two.subspaces[1].names == ["degree"]
    # our own named dimensions work the same way
    assert (
        Space(
            [
                Real(1e-2, 1e2, log=True, name="C"),
                Categorical(["rbf", "linear"], name="kernel"),
            ]
        )
        == expected
    )


def test_skopt_names_are_checked(skopt_space):
    sk = skopt_space
    with pytest.raises(ValueError, match="Dimension 1 of subspace 0.*has no name"):
        Space([sk.Real(0, 1, name="a"), sk.Real(0, 1)])
    with pytest.raises(ValueError, match="Dimensions 0 and 1 of subspace 0.*'a'"):
        Space([sk.Real(0, 1, name="a"), sk.Integer(0, 1, name="a")])
    with pytest.raises(ValueError, match="Parameter 'C'.*named 'gamma'"):
        Space({"C": sk.Real(0, 1, name="gamma")})
    assert Space({"C": sk.Real(0, 1, name="C")}) == Space({"C": Real(0.0, 1.0)})


def test_bad_skopt_dimensions_name_the_parameter():
    # real skopt refuses these itself; converted fakes must be checked too
    with pytest.raises(ValueError, match="Parameter 'C': Real: low < high"):
        Space({"C": fake_skopt.Real(10, 1)})
    with pytest.raises(ValueError, match="Parameter 'k': .*prior must be"):
        Space({"k": fake_skopt.Integer(1, 5, prior="normal")})
    with pytest.raises(ValueError, match="Parameter 'k': .*one weight per choice"):
        Space({"k": fake_skopt.Categorical(["a", "b"], prior=[1.0])})


def test_skopt_named_dimensions_in_a_search(skopt_space):
    sk = skopt_space
    X, y = toy_data()
    space = [sk.Real(0.0, 1.0, name="x"), sk.Categorical([True, False], name="flag")]
    search = BayesSearchCV(
        QuadraticClassifier(),
        space,
        n_iter=6,
        n_initial_points=3,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert type(search.best_params_["x"]) is float
    assert type(search.best_params_["flag"]) is bool
    assert 0.0 <= search.best_params_["x"] <= 1.0


def test_real_skopt_samples_follow_the_same_law():
    sk = pytest.importorskip("skopt.space")
    rng = np.random.default_rng(0)
    theirs = sk.Real(1e-3, 1e3, prior="log-uniform", base=2)
    ours = as_dimension(theirs, "C")
    a = np.log(theirs.rvs(n_samples=3000, random_state=0))
    b = np.log(ours.sample(3000, rng))
    assert stats.ks_2samp(a, b).pvalue > 1e-3
    cat = sk.Categorical(["a", "b", "c"], prior=[0.1, 0.3, 0.6])
    draws = as_dimension(cat, "k").sample(20_000, rng)
    freq = [draws.count(c) / len(draws) for c in "abc"]
    np.testing.assert_allclose(freq, [0.1, 0.3, 0.6], atol=0.015)


# -- Optuna --------------------------------------------------------------------
def test_optuna_distributions_keep_their_meaning(optuna_dists):
    od = optuna_dists
    cases = [
        (od.FloatDistribution(1e-3, 1e3, log=True), Real(1e-3, 1e3, log=True)),
        (od.FloatDistribution(0.0, 1.0), Real(0.0, 1.0)),
        (od.FloatDistribution(0.0, 1.0, step=0.1), Real(0.0, 1.0, step=0.1)),
        (od.IntDistribution(1, 9, step=2), Integer(1, 9, step=2)),
        (od.IntDistribution(1, 100, log=True), Integer(1, 100, log=True)),
        (od.IntDistribution(0, 5), Integer(0, 5)),
        (od.CategoricalDistribution(["a", None, 1]), Categorical(["a", None, 1])),
        # Optuna allows a single value
        (od.FloatDistribution(2.0, 2.0), Categorical([2.0])),
        (od.IntDistribution(3, 3), Categorical([3])),
    ]
    for theirs, ours in cases:
        assert as_dimension(theirs, "p") == ours, theirs


def test_legacy_optuna_distributions():
    cases = [
        ("UniformDistribution", (0.0, 2.0), Real(0.0, 2.0)),
        ("LogUniformDistribution", (1e-3, 1.0), Real(1e-3, 1.0, log=True)),
        ("DiscreteUniformDistribution", (0.0, 1.0, 0.25), Real(0.0, 1.0, step=0.25)),
        ("IntUniformDistribution", (0, 10, 5), Integer(0, 10, step=5)),
        ("IntLogUniformDistribution", (1, 64), Integer(1, 64, log=True)),
    ]
    for name, args, ours in cases:
        assert as_dimension(getattr(fake_optuna2, name)(*args), "p") == ours, name
    od = pytest.importorskip("optuna.distributions")
    for name, args, ours in cases:
        if not hasattr(od, name):
            continue
        with pytest.warns(FutureWarning):  # deprecated since Optuna 3.0
            theirs = getattr(od, name)(*args)
        assert as_dimension(theirs, "p") == ours, name


def test_bad_optuna_distributions_name_the_parameter():
    with pytest.raises(ValueError, match="Parameter 'lr': Real: low > 0"):
        Space({"lr": fake_optuna.FloatDistribution(0.0, 1.0, log=True)})
    with pytest.raises(ValueError, match="Parameter 'n': .*multiple of step"):
        Space({"n": fake_optuna.IntDistribution(0, 10, step=3)})
    with pytest.raises(ValueError, match="Parameter 'c': .*empty"):
        Space({"c": fake_optuna.CategoricalDistribution([])})


def test_real_optuna_step_values_are_the_ones_optuna_samples():
    optuna = pytest.importorskip("optuna")
    od = optuna.distributions
    dists = {
        "f": od.FloatDistribution(0.0, 1.0, step=0.1),
        "i": od.IntDistribution(1, 9, step=2),
    }
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = {"f": set(), "i": set()}
    for _ in range(300):
        trial = study.ask(dists)
        for k in dists:
            seen[k].add(trial.params[k])
        study.tell(trial, 0.0)
    for k, dist in dists.items():
        ours = as_dimension(dist, k)
        assert all(ours.contains(v) for v in seen[k])
        assert len(seen[k]) == ours.n_values
    assert {round(v, 9) for v in seen["f"]} == set(
        as_dimension(dists["f"], "f").values()
    )
