"""Code written for scikit-optimize's BayesSearchCV runs with the import changed.

The always-run tests build spaces from our own dimensions; the tests at the
end use the real scikit-optimize (callbacks, plots, dimension objects) and
are skipped where it is not installed.
"""

import math
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import FitFailedWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern, WhiteKernel
from sklearn.neighbors import KNeighborsRegressor
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeRegressor

from sklearn_hypersearch import BayesSearchCV, BayesStrategy, Categorical, Integer, Real
from sklearn_hypersearch._search._skopt import (
    NoModels,
    ResultSpace,
    SkoptOnlyError,
    optimizer_results,
    parse_search_spaces,
)
from sklearn_hypersearch._strategies._sequential import SequentialStrategy
from sklearn_hypersearch._strategies._surrogates import (
    QuantileBoosting,
    RegressorSurrogate,
)
from tests._helpers import QuadraticClassifier, toy_data
from tests.test_common import SEARCHES

X, Y = toy_data()
SPACE_A = {"x": Real(-1.0, 1.0), "flag": Categorical([False])}
SPACE_B = {"x": Real(0.0, 0.5), "flag": Categorical([True])}
KW = dict(cv=2, random_state=0)


def _params(search):
    return search.cv_results_["params"]


# -- one space keyword ---------------------------------------------------------
def test_param_distributions_is_canonical_and_search_spaces_an_alias():
    by_position = BayesSearchCV(
        QuadraticClassifier(), SPACE_A, n_iter=4, n_initial_points=2, **KW
    ).fit(X, Y)
    by_name = BayesSearchCV(
        QuadraticClassifier(),
        param_distributions=SPACE_A,
        n_iter=4,
        n_initial_points=2,
        **KW,
    ).fit(X, Y)
    alias = BayesSearchCV(
        QuadraticClassifier(), search_spaces=SPACE_A, n_iter=4, n_initial_points=2, **KW
    )
    assert alias.get_params()["search_spaces"] is SPACE_A
    assert alias.get_params()["param_distributions"] is None
    copy = clone(alias)
    assert copy.search_spaces == SPACE_A and copy.param_distributions is None
    copy.fit(X, Y)
    assert _params(by_position) == _params(by_name) == _params(copy)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(param_distributions=SPACE_A, search_spaces=SPACE_A), "got both"),
        ({}, "got neither"),
    ],
)
def test_exactly_one_space_keyword(kwargs, match):
    search = BayesSearchCV(QuadraticClassifier(fail_above=-10.0), cv=2, **kwargs)
    with pytest.raises(TypeError, match=f"param_distributions.*search_spaces.*{match}"):
        search.fit(X, Y)


# -- (space, n_iter) entries ---------------------------------------------------
def test_space_entries_run_one_after_the_other_with_their_budgets():
    search = BayesSearchCV(
        QuadraticClassifier(),
        search_spaces=[(SPACE_A, 5), SPACE_B],
        n_iter=3,
        n_initial_points=2,
        n_points=2,
        **KW,
    )
    assert search.total_iterations == 8
    search.fit(X, Y)
    res = search.cv_results_
    flags = [p["flag"] for p in res["params"]]
    assert flags == [False] * 5 + [True] * 3
    assert res["phase"].tolist() == [0] * 5 + [1] * 3
    # a batch never mixes entries, and rounds count up through the search
    assert res["round"].tolist() == [1, 1, 2, 2, 3, 4, 4, 5]
    # each entry has its own strategy: the second starts with its own design
    assert res["proposed_by"].tolist() == ["initial"] * 2 + ["gp"] * 3 + [
        "initial"
    ] * 2 + ["gp"]
    assert search.stop_reason_ == "budget"
    assert search.best_params_["flag"] is True  # score + 0.1 in SPACE_B


@pytest.mark.parametrize(
    "space, n_iter, total",
    [
        (SPACE_A, 7, 7),
        ([SPACE_A, SPACE_B], 7, 7),  # searched together: n_iter in all
        ([(SPACE_A, 2), (SPACE_B, 4)], 7, 6),
        ([(SPACE_A, 2), SPACE_B, SPACE_A], 3, 8),
    ],
)
def test_total_iterations(space, n_iter, total):
    search = BayesSearchCV(QuadraticClassifier(), search_spaces=space, n_iter=n_iter)
    assert search.total_iterations == total
    assert search._max_candidates() == total


@pytest.mark.parametrize(
    "space, error, match",
    [
        ([(SPACE_A, 0)], ValueError, r"n_iter of entry 0 of search_spaces .* >= 1"),
        ([SPACE_B, (SPACE_A, 2.5)], ValueError, "entry 1 of search_spaces"),
        ([(SPACE_A, 2, 3)], TypeError, r"\(dict, n_iter\) pair"),
        ([("x", 2)], TypeError, r"\(dict, n_iter\) pair"),
    ],
)
def test_bad_space_entries_are_refused_before_fitting(space, error, match):
    search = BayesSearchCV(
        QuadraticClassifier(fail_above=-10.0), search_spaces=space, cv=2
    )
    with pytest.raises(error, match=match):
        search.fit(X, Y)


def test_phases_give_the_same_candidates_for_any_n_jobs():
    def run(n_jobs):
        return BayesSearchCV(
            QuadraticClassifier(),
            [(SPACE_A, 4), (SPACE_B, 3)],
            n_initial_points=2,
            n_jobs=n_jobs,
            **KW,
        ).fit(X, Y)

    assert _params(run(1)) == _params(run(2))
    for p in _params(run(1)):
        for v in p.values():
            assert type(v) in (bool, float)


def test_resumed_phases_continue_as_an_uninterrupted_search(tmp_path):
    ckpt = str(tmp_path / "search.jsonl")
    kw = dict(n_initial_points=2, checkpoint=ckpt, **KW)
    BayesSearchCV(QuadraticClassifier(), [(SPACE_A, 3), (SPACE_B, 2)], **kw).fit(X, Y)
    resumed = BayesSearchCV(
        QuadraticClassifier(), [(SPACE_A, 3), (SPACE_B, 4)], **kw
    ).fit(X, Y)
    fresh = BayesSearchCV(
        QuadraticClassifier(), [(SPACE_A, 3), (SPACE_B, 4)], n_initial_points=2, **KW
    ).fit(X, Y)
    assert resumed.cv_results_["restored"].tolist() == [True] * 5 + [False] * 2
    assert _params(resumed) == _params(fresh)
    assert resumed.cv_results_["phase"].tolist() == fresh.cv_results_["phase"].tolist()


def test_sequential_strategy_routes_results_to_the_phase_that_asked():
    kw = dict(n_initial_points=2, n_points=2)
    first = BayesStrategy({"x": Real(0.0, 1.0)}, random_state=0, **kw)
    second = BayesStrategy({"x": Real(0.0, 1.0)}, random_state=1, **kw)
    strategy = SequentialStrategy([(first, 3), (second, 2)])
    while batch := strategy.ask(2):
        strategy.tell(batch, [-((c.params["x"] - 0.3) ** 2) for c in batch])
    assert strategy.n_told == 5 and first.n_told == 3 and second.n_told == 2
    assert [c.tags["phase"] for c, _ in strategy.history] == [0, 0, 0, 1, 1]
    # a batch stops at the end of its phase
    assert [c.tags["round"] for c, _ in strategy.history] == [1, 1, 2, 3, 3]
    # results that were not asked (a warm start) inform every phase
    both = SequentialStrategy(
        [
            (BayesStrategy({"x": Real(0.0, 1.0)}, random_state=0, **kw), 2),
            (BayesStrategy({"x": Real(0.0, 1.0)}, random_state=1, **kw), 2),
        ]
    )
    both.tell([{"x": 0.5}], [1.0])
    assert [s.n_told for s, _ in both.phases] == [1, 1]
    assert len(both.ask(5)) == 2


# -- optimizer_kwargs ------------------------------------------------------------
def _strategy(search):
    return search._make_strategy(search._checked_space(), np.random.default_rng(0))


@pytest.mark.parametrize(
    "optimizer_kwargs, expected",
    [
        ({"base_estimator": "GP"}, dict(surrogate="gp")),
        ({"base_estimator": "et"}, dict(surrogate="trees")),
        ({"base_estimator": "RF"}, dict(surrogate="rf")),
        ({"base_estimator": "GBRT"}, dict(surrogate="gbrt")),
        ({"acq_func": "EI"}, dict(acquisition="ei")),
        ({"acq_func": "LCB"}, dict(acquisition="lcb")),
        ({"acq_func": "PI"}, dict(acquisition="pi")),
        ({"acq_func": "gp_hedge"}, dict(acquisition="portfolio")),
        ({"n_initial_points": 6}, dict(n_initial_points=6)),
        ({"initial_point_generator": "random"}, dict(initial_design="random")),
        ({"initial_point_generator": "lhs"}, dict(initial_design="lhs")),
        ({"initial_point_generator": "sobol"}, dict(initial_design="sobol")),
        ({"acq_optimizer": "sampling"}, dict(acq_optimizer="sampling")),
        ({"acq_optimizer": "lbfgs"}, dict(acq_optimizer="lbfgs")),
        ({"acq_optimizer": "auto"}, dict(acq_optimizer="auto")),
        ({"acq_func_kwargs": {"xi": 0.1, "kappa": 3.0}}, dict(xi=0.1, kappa=3.0)),
        ({"acq_func_kwargs": {"eta": 1.0}}, dict(xi=0.0)),
        (
            {"acq_optimizer_kwargs": {"n_points": 500, "n_restarts_optimizer": 2}},
            dict(n_candidates=500, n_restarts=2),
        ),
        (
            {"n_jobs": 4, "model_queue_size": 3, "acq_optimizer_kwargs": {"n_jobs": 2}},
            dict(n_candidates=1024, n_restarts=5),
        ),
        ({"avoid_duplicates": True, "space_constraint": None}, dict(surrogate="auto")),
    ],
)
def test_optimizer_kwargs_set_the_strategy(optimizer_kwargs, expected):
    search = BayesSearchCV(
        QuadraticClassifier(), SPACE_A, optimizer_kwargs=optimizer_kwargs
    )
    strategy = _strategy(search)
    for name, value in expected.items():
        assert getattr(strategy, name) == value, name


def test_regressor_as_base_estimator():
    reg = KNeighborsRegressor(n_neighbors=2)
    search = BayesSearchCV(
        QuadraticClassifier(), SPACE_A, optimizer_kwargs={"base_estimator": reg}
    )
    strategy = _strategy(search)
    assert strategy.surrogate is reg and strategy.surrogates_ == ["regressor"]


@pytest.mark.parametrize(
    "optimizer_kwargs, match",
    [
        ({"base_estimator": "DUMMY"}, r"base_estimator'\]='DUMMY'.*RandomizedSearchCV"),
        ({"base_estimator": "svm"}, r"base_estimator'\]='svm'.*'ET', 'GBRT', 'GP'"),
        ({"base_estimator": 3}, r"base_estimator'\] must be one of"),
        ({"acq_func": "EIps"}, r"acq_func'\]='EIps'.*per second.*'EI'"),
        ({"acq_func": "MES"}, r"acq_func'\]='MES'.*'EI', 'LCB', 'PI', 'gp_hedge'"),
        ({"initial_point_generator": "halton"}, r"'halton'.*use 'sobol'"),
        ({"initial_point_generator": "hammersly"}, r"'hammersly'.*use 'sobol'"),
        ({"initial_point_generator": "grid"}, r"'grid'.*use 'sobol'"),
        ({"acq_optimizer": "adam"}, r"acq_optimizer'\]='adam'.*'sampling'"),
        ({"acq_func_kwargs": {"eta": 2.0}}, r"\['eta'\]=2.0.*eta=1"),
        ({"acq_func_kwargs": {"delta": 1}}, r"\['delta'\].*'xi', 'kappa'"),
        ({"acq_func_kwargs": {"xi": -1}}, r"\['xi'\] must be a non-negative"),
        ({"acq_optimizer_kwargs": {"n_points": 3}}, r"\['n_points'\] must be .*>= 16"),
        ({"n_initial_points": 0}, r"n_initial_points'\] must be an int >= 1"),
        ({"random_state": 0}, r"random_state'\].*random_state of BayesSearchCV"),
        ({"dimensions": [(0, 1)]}, r"dimensions'\].*param_distributions"),
        ({"n_random_starts": 3}, r"n_random_starts'\].*n_initial_points"),
        ({"avoid_duplicates": False}, r"avoid_duplicates'\]=False"),
        ({"space_constraint": abs}, r"space_constraint'\] is not supported"),
        ({"warm_up": 3}, r"warm_up'\] is not supported.*'acq_func'"),
        (
            {"base_estimator": "ET", "acq_optimizer": "lbfgs"},
            "acq_optimizer='lbfgs' needs the gradients",
        ),
    ],
)
def test_unsupported_optimizer_kwargs_are_refused_before_fitting(
    optimizer_kwargs, match
):
    search = BayesSearchCV(
        QuadraticClassifier(fail_above=-10.0),  # any fit would fail loudly
        SPACE_A,
        optimizer_kwargs=optimizer_kwargs,
        cv=2,
        error_score="raise",
    )
    with pytest.raises(ValueError, match=match):
        search.fit(X, Y)


@pytest.mark.parametrize(
    "params, optimizer_kwargs, conflict",
    [
        (dict(surrogate="trees"), {"base_estimator": "GP"}, True),
        (dict(surrogate="GP"), {"base_estimator": "gp"}, False),
        (dict(acquisition="pi"), {"acq_func": "EI"}, True),
        (dict(acquisition="portfolio"), {"acq_func": "gp_hedge"}, False),
        (dict(n_initial_points=4), {"n_initial_points": 6}, True),
        (dict(n_initial_points=6), {"n_initial_points": 6}, False),
        (dict(xi=0.5), {"acq_func_kwargs": {"xi": 0.1}}, True),
        (dict(kappa=1.96), {"acq_func_kwargs": {"kappa": 3.0}}, False),  # default
    ],
)
def test_optimizer_kwargs_and_parameters_must_agree(params, optimizer_kwargs, conflict):
    search = BayesSearchCV(
        QuadraticClassifier(), SPACE_A, optimizer_kwargs=optimizer_kwargs, **params
    )
    if conflict:
        with pytest.raises(ValueError, match="contradicts"):
            _strategy(search)
    else:
        _strategy(search)


# -- skopt's spellings of our options ----------------------------------------------
@pytest.mark.parametrize(
    "param, value, attr, expected",
    [
        ("surrogate", "GP", "surrogates_", ["gp"]),
        ("surrogate", "ET", "surrogates_", ["trees"]),
        ("surrogate", "RF", "surrogates_", ["rf"]),
        ("surrogate", "GBRT", "surrogates_", ["gbrt"]),
        ("acquisition", "EI", "acquisition", "ei"),
        ("acquisition", "PI", "acquisition", "pi"),
        ("acquisition", "LCB", "acquisition", "lcb"),
        ("acquisition", "gp_hedge", "acquisition", "portfolio"),
    ],
)
def test_skopt_spellings_are_synonyms(param, value, attr, expected):
    search = BayesSearchCV(QuadraticClassifier(), SPACE_A, **{param: value})
    assert getattr(_strategy(search), attr) == expected


@pytest.mark.parametrize("surrogate", ["RF", "GBRT"])
def test_forest_and_boosting_surrogates_search(surrogate):
    search = BayesSearchCV(
        QuadraticClassifier(),
        {"x": Real(-1.0, 1.0)},
        n_iter=12,
        n_initial_points=4,
        surrogate=surrogate,
        **KW,
    ).fit(X, Y)
    assert set(search.cv_results_["proposed_by"][4:]) == {surrogate.lower()}
    assert abs(search.best_params_["x"] - 0.3) < 0.15
    again = clone(search).fit(X, Y)
    assert _params(again) == _params(search)


# -- a regressor as surrogate -------------------------------------------------------
@pytest.mark.parametrize(
    "regressor",
    [
        # mean and std (a kernel with a noise term: the default fixed RBF
        # kernel without noise is too ill-conditioned to rely on)
        GaussianProcessRegressor(Matern(nu=2.5) + WhiteKernel(1e-4), normalize_y=True),
        KNeighborsRegressor(n_neighbors=3),  # a mean only
        QuantileBoosting(),  # std from quantiles
    ],
    ids=lambda r: type(r).__name__,
)
def test_regressor_surrogate_finds_the_optimum_of_a_quadratic(regressor):
    strategy = BayesStrategy(
        {"x": Real(-5.0, 5.0)}, random_state=0, n_initial_points=5, surrogate=regressor
    )
    while strategy.n_told < 20:
        batch = strategy.ask()
        strategy.tell(batch, [-((c.params["x"] - 0.7) ** 2) for c in batch])
    assert strategy.surrogates_ == ["regressor"]
    proposers = {c.tags["proposed_by"] for c, _ in strategy.history[5:]}
    assert proposers == {"regressor"}
    assert abs(strategy.best[0].params["x"] - 0.7) < 0.05


def test_regressor_as_surrogate_parameter_of_the_search():
    forest = RandomForestRegressor(n_estimators=5)
    search = BayesSearchCV(
        QuadraticClassifier(),
        {"x": Real(-1.0, 1.0)},
        n_iter=6,
        n_initial_points=3,
        n_points=1,  # scikit-optimize's default: one candidate a round
        surrogate=forest,
        **KW,
    ).fit(X, Y)
    assert search.cv_results_["proposed_by"][3:].tolist() == ["regressor"] * 3
    assert search.get_params()["surrogate__n_estimators"] == 5
    assert _params(clone(search).fit(X, Y)) == _params(search)


def test_regressor_surrogate_uses_return_std_or_forest_spread():
    rng = np.random.default_rng(0)
    Z = rng.uniform(size=(30, 2))
    y = np.sin(6 * Z[:, 0]) + Z[:, 1]
    Zt = rng.uniform(size=(10, 2))
    gp = RegressorSurrogate(GaussianProcessRegressor()).fit(Z, y, rng)
    mu, sd = gp.predict(Zt)
    ref_mu, ref_sd = gp.model_.predict(Zt, return_std=True)
    np.testing.assert_allclose(mu, ref_mu)
    np.testing.assert_allclose(sd, np.maximum(ref_sd, gp.floor_))
    forest = RegressorSurrogate(
        RandomForestRegressor(n_estimators=20, min_samples_leaf=3)
    ).fit(Z, y, rng)
    mu, sd = forest.predict(Zt)
    trees = np.stack(
        [t.predict(Zt.astype(np.float32)) for t in forest.model_.estimators_]
    )
    np.testing.assert_allclose(mu, forest.model_.predict(Zt))
    # the spread of the trees, plus the variance inside their leaves
    assert np.all(sd >= trees.std(0) - 1e-9) and np.all(sd > gp.floor_)
    # a regressor without either: the floor
    tree = RegressorSurrogate(DecisionTreeRegressor()).fit(Z, y, rng)
    assert np.all(tree.predict(Zt)[1] == tree.floor_)


def test_regressor_random_state_is_drawn_from_the_strategy_seed():
    def run(seed):
        forest = RandomForestRegressor(n_estimators=5)
        s = BayesStrategy(
            {"x": Real(0.0, 1.0)},
            random_state=seed,
            n_initial_points=3,
            surrogate=forest,
        )
        for _ in range(6):
            batch = s.ask()
            s.tell(batch, [c.params["x"] for c in batch])
        assert forest.random_state is None  # the user's object is not modified
        return [c.params for c, _ in s.history]

    assert run(0) == run(0)
    assert run(0) != run(1)


# -- optimizer_results_ ---------------------------------------------------------------
class CountingQuadratic(QuadraticClassifier):
    """QuadraticClassifier with an int parameter ``k`` that costs ``k / 100``."""

    def __init__(self, x=0.0, flag=False, k=1):
        super().__init__(x=x, flag=flag)
        self.k = k

    def score(self, X, y, sample_weight=None):
        return super().score(X, y) - self.k / 100


def test_optimizer_results_are_skopt_shaped():
    space = {"x": Real(-1.0, 1.0), "k": Integer(1, 3), "flag": [False, True]}
    search = BayesSearchCV(
        CountingQuadratic(),
        search_spaces=[(SPACE_A, 4), (space, 3)],
        n_initial_points=2,
        **KW,
    ).fit(X, Y)
    first, second = search.optimizer_results_
    res = search.cv_results_
    scores = res["mean_test_score"]
    # values in sorted name order, as scikit-optimize lists them
    assert first.x_iters == [[p["flag"], p["x"]] for p in res["params"][:4]]
    assert second.x_iters == [[p["flag"], p["k"], p["x"]] for p in res["params"][4:]]
    np.testing.assert_array_equal(first.func_vals, -scores[:4])
    np.testing.assert_array_equal(second.func_vals, -scores[4:])
    best = int(np.argmin(second.func_vals))
    assert second.x == second.x_iters[best] and second.fun == second.func_vals[best]
    assert second.space.n_dims == 3
    assert second.space.dimension_names == ["flag", "k", "x"]
    assert isinstance(first.fun, float)


def test_optimizer_results_of_subspaces_searched_together():
    search = BayesSearchCV(
        QuadraticClassifier(), [SPACE_A, SPACE_B], n_iter=8, n_initial_points=4, **KW
    ).fit(X, Y)
    results = search.optimizer_results_
    flags = [p["flag"] for p in search.cv_results_["params"]]
    assert [len(r.x_iters) for r in results] == [flags.count(False), flags.count(True)]
    assert "phase" not in search.cv_results_


def test_failed_fits_are_infinite_losses():
    space = {"x": Real(0.0, 1.0)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.simplefilter("ignore", UserWarning)
        search = BayesSearchCV(
            QuadraticClassifier(fail_above=0.5),
            space,
            n_iter=8,
            n_initial_points=4,
            **KW,
        ).fit(X, Y)
    (result,) = search.optimizer_results_
    failed = np.isnan(search.cv_results_["mean_test_score"])
    assert failed.any()
    assert np.all(result.func_vals[failed] == np.inf)
    assert np.all(np.isfinite(result.func_vals[~failed]))
    assert result.fun == -np.nanmax(search.cv_results_["mean_test_score"])


def test_builder_splits_rows_by_groups_and_handles_empty_subspaces():
    space = [{"a": Real(0.0, 1.0)}, {"a": Real(0.0, 1.0)}, {"b": [1, 2]}]
    params = [{"a": 0.1}, {"a": 0.2}, {"a": 0.3}]
    results = optimizer_results(space, params, [1.0, np.nan, 3.0], groups=[0, 1, 1])
    assert [r.x_iters for r in results] == [[[0.1]], [[0.2], [0.3]], []]
    assert results[1].func_vals.tolist() == [np.inf, -3.0]
    assert results[1].x == [0.3] and results[1].fun == -3.0
    assert results[2].x is None and results[2].fun == math.inf
    # without groups, each row goes to the first subspace that contains it
    default = optimizer_results(space, params, [1.0, 2.0, 3.0])
    assert [len(r.x_iters) for r in default] == [3, 0, 0]
    with pytest.raises(ValueError, match="3 candidates but 2 scores"):
        optimizer_results(space, params, [1.0, 2.0])


def test_result_space_distance_and_what_it_cannot_give():
    space = ResultSpace(["c", "k", "x"], [True, False, False])
    assert space.distance(["a", 2, 0.5], ["b", 4, 0.25]) == 1 + 2 + 0.25
    assert space.distance(["a", 2, 0.5], ["a", 2, 0.5]) == 0.0
    for access in (
        lambda: space.dimensions,
        lambda: space.transform([[0.0]]),
        lambda: space[0],
        lambda: NoModels()[-1],
        lambda: list(NoModels()),
    ):
        with pytest.raises(SkoptOnlyError, match="sklearn_hypersearch.plots.plot_"):
            access()
    assert not hasattr(space, "rvs")  # an AttributeError, for hasattr
    assert not NoModels() and len(NoModels()) == 0


def test_results_pickle():
    search = BayesSearchCV(
        QuadraticClassifier(), SPACE_A, n_iter=3, n_initial_points=2, **KW
    ).fit(X, Y)
    (result,) = pickle.loads(pickle.dumps(search.optimizer_results_))
    assert result.x_iters == search.optimizer_results_[0].x_iters
    assert result.space.dimension_names == ["flag", "x"]
    assert not result.models
    assert "x_iters" in repr(result) and "ResultSpace(['flag', 'x'])" in repr(result)


def test_parse_search_spaces():
    assert parse_search_spaces(SPACE_A, 5) == (SPACE_A, None)
    assert parse_search_spaces([SPACE_A, SPACE_B], 5) == ([SPACE_A, SPACE_B], None)
    assert parse_search_spaces([(SPACE_A, 2), SPACE_B], 5) == (
        [SPACE_A, SPACE_B],
        [2, 5],
    )


# -- typical scikit-optimize code ----------------------------------------------------
def test_typical_skopt_code_runs_with_only_the_import_changed():
    # from skopt import BayesSearchCV
    # from skopt.space import Real, Integer, Categorical
    X, y = toy_data(60)
    space_a = {
        "C": Real(1e-3, 1e3, prior="log-uniform"),
        "gamma": Real(1e-4, 1e1, prior="log-uniform"),
        "kernel": Categorical(["rbf"]),
    }
    space_b = {
        "C": Real(1e-3, 1e3, prior="log-uniform"),
        "degree": Integer(1, 3),
        "kernel": Categorical(["poly"]),
    }
    opt = BayesSearchCV(
        SVC(),
        search_spaces=[(space_a, 8), (space_b, 6)],
        optimizer_kwargs={
            "base_estimator": "GP",
            "acq_func": "EI",
            "n_initial_points": 6,
        },
        n_iter=10,
        cv=3,
        n_points=2,
        random_state=0,
    )
    assert opt.total_iterations == 14
    opt.fit(X, y)
    assert len(opt.cv_results_["params"]) == 14
    assert opt.best_score_ > 0.8
    assert len(opt.optimizer_results_) == 2
    for result, n in zip(opt.optimizer_results_, (8, 6)):
        assert len(result.x_iters) == len(result.func_vals) == n
        assert result.fun == pytest.approx(result.func_vals.min())
    best = min(opt.optimizer_results_, key=lambda r: r.fun)
    assert -best.fun == pytest.approx(opt.best_score_)
    assert dict(zip(best.space.dimension_names, best.x)) == opt.best_params_


# -- with the real scikit-optimize ---------------------------------------------------
@pytest.fixture(scope="module")
def fitted():
    return BayesSearchCV(
        QuadraticClassifier(),
        [({"x": Real(-1.0, 1.0)}, 6), ({"x": Real(0.0, 1.0), "flag": [True]}, 4)],
        n_initial_points=3,
        **KW,
    ).fit(X, Y)


def test_skopt_callbacks_read_the_results(fitted, tmp_path, capsys):
    callbacks = pytest.importorskip("skopt.callbacks")
    skopt = pytest.importorskip("skopt")
    result = fitted.optimizer_results_[0]
    losses = result.func_vals
    best5 = np.sort(losses)[:5]
    assert callbacks.DeltaYStopper(1e9)(result)
    assert bool(callbacks.DeltaYStopper(1e-12)(result)) == (best5[-1] == best5[0])
    assert callbacks.ThresholdStopper(losses.min())(result)
    assert not callbacks.ThresholdStopper(losses.min() - 1)(result)
    step = result.space.distance(result.x_iters[-2], result.x_iters[-1])
    assert step == abs(result.x_iters[-2][0] - result.x_iters[-1][0])
    assert callbacks.DeltaXStopper(step * 2)(result)
    assert not callbacks.DeltaXStopper(step / 2)(result)
    assert callbacks.HollowIterationsStopper(1, threshold=1e9)(result)
    assert not callbacks.DeadlineStopper(3600)(result)
    callbacks.VerboseCallback(n_total=6)(result)
    assert f"Current minimum: {result.fun:.4f}" in capsys.readouterr().out
    path = str(tmp_path / "result.pkl")
    callbacks.CheckpointSaver(path)(result)
    assert skopt.load(path).x_iters == result.x_iters
    loaded = callbacks.CheckpointSaver(path).load()
    assert loaded["x0"] == result.x_iters and loaded["base_estimator"] is None
    callbacks.CheckpointSaver(path, store_objective=False)(result)
    with pytest.raises(SkoptOnlyError, match="models"):
        callbacks.StdStopper(0.1)(result)


def test_skopt_plots(fitted):
    plots = pytest.importorskip("skopt.plots")
    pytest.importorskip("matplotlib")
    ax = plots.plot_convergence(fitted.optimizer_results_[0])
    (line,) = ax.get_lines()
    np.testing.assert_allclose(
        line.get_ydata(), np.minimum.accumulate(fitted.optimizer_results_[0].func_vals)
    )
    plots.plot_convergence(*fitted.optimizer_results_)
    plots.plot_regret(fitted.optimizer_results_[1])
    for plot in (plots.plot_evaluations, plots.plot_objective):
        with pytest.raises(SkoptOnlyError, match="plot_partial_dependence"):
            plot(fitted.optimizer_results_[1])
    with pytest.raises(SkoptOnlyError, match="plot_evaluations"):
        plots.plot_histogram(fitted.optimizer_results_[1], "x")
    with pytest.raises(SkoptOnlyError):
        plots.plot_gaussian_process(fitted.optimizer_results_[0])


def test_typical_skopt_code_with_skopt_dimensions():
    space_module = pytest.importorskip("skopt.space")
    X, y = toy_data(60)
    space_a = {
        "C": space_module.Real(1e-3, 1e3, prior="log-uniform"),
        "gamma": space_module.Real(1e-4, 1e1, prior="log-uniform"),
        "kernel": space_module.Categorical(["rbf"]),
    }
    space_b = {
        "C": space_module.Real(1e-3, 1e3, prior="log-uniform"),
        "degree": space_module.Integer(1, 3),
        "kernel": space_module.Categorical(["poly"]),
    }
    opt = BayesSearchCV(
        SVC(),
        search_spaces=[(space_a, 6), (space_b, 4)],
        optimizer_kwargs={
            "base_estimator": "GP",
            "acq_func": "EI",
            "n_initial_points": 4,
        },
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert opt.total_iterations == len(opt.cv_results_["params"]) == 10
    assert [len(r.x_iters) for r in opt.optimizer_results_] == [6, 4]
    for p in opt.cv_results_["params"][6:]:
        assert type(p["degree"]) is int and p["kernel"] == "poly"


# -- fit(X, y, callback=...) -----------------------------------------------------
@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_fit_callbacks_see_the_results_and_can_stop_the_search(cls):
    from tests.test_common import SPACE, make

    X, y = toy_data()
    seen = []

    def record(result):
        seen.append((len(result.x_iters), float(result.fun), list(result.func_vals)))

    def stop_after_two_batches(result):
        return len(seen) >= 2

    search = make(cls, QuadraticClassifier(), SPACE)
    search.fit(X, y, callback=[record, stop_after_two_batches])
    assert search.stop_reason_ == "callback"
    assert len(seen) == 2
    n, fun, func_vals = seen[-1]
    assert n == len(func_vals) >= 1
    # minimisation convention: fun is minus the best score so far
    assert fun == min(func_vals)
    # the callback is not passed to the estimator's fit, and a plain
    # callable works too
    make(cls, QuadraticClassifier(), SPACE).fit(X, y, callback=record)


def test_fit_callback_must_be_callable():
    X, y = toy_data()
    search = BayesSearchCV(QuadraticClassifier(), {"x": Real(0.0, 1.0)}, n_iter=3)
    with pytest.raises(TypeError, match="callback must be a callable"):
        search.fit(X, y, callback=[print, 3])


def test_skopt_stoppers_stop_our_search():
    callbacks = pytest.importorskip("skopt.callbacks")
    X, y = toy_data()
    search = BayesSearchCV(
        QuadraticClassifier(),
        {"x": Real(0.0, 1.0)},
        n_iter=30,
        n_points=1,  # scikit-optimize's default: callbacks after each candidate
        cv=2,
        random_state=0,
    )
    search.fit(
        X,
        y,
        callback=[
            callbacks.DeadlineStopper(600),
            callbacks.DeltaYStopper(1e9, n_best=3),
        ],
    )
    assert search.stop_reason_ == "callback"
    assert len(search.cv_results_["params"]) == 3


def test_typical_skopt_code_in_one_piece():
    # scikit-optimize's usual BayesSearchCV code, everything from skopt but
    # the class: two spaces with their budgets, a GP with EI after six
    # initial points, skopt's stoppers, its results and its plot
    pytest.importorskip("skopt")
    from sklearn.datasets import load_iris

    # from skopt import BayesSearchCV
    from skopt.callbacks import DeadlineStopper, DeltaYStopper
    from skopt.plots import plot_convergence
    from skopt.space import Categorical, Integer, Real

    X, y = load_iris(return_X_y=True)
    space_a = {
        "C": Real(1e-3, 1e3, prior="log-uniform"),
        "gamma": Real(1e-4, 1e1, prior="log-uniform"),
        "kernel": Categorical(["rbf"]),
    }
    space_b = {
        "C": Real(1e-3, 1e3, prior="log-uniform"),
        "degree": Integer(1, 4),
        "kernel": Categorical(["poly"]),
    }
    opt = BayesSearchCV(
        SVC(),
        search_spaces=[(space_a, 10), (space_b, 20)],
        optimizer_kwargs={
            "base_estimator": "GP",
            "acq_func": "EI",
            "n_initial_points": 6,
        },
        cv=3,
        random_state=0,
    )
    assert opt.total_iterations == 30
    opt.fit(X, y, callback=[DeadlineStopper(60), DeltaYStopper(1e-4)])

    res = opt.cv_results_
    n = len(res["params"])
    # the stoppers may end the whole search early; otherwise the budget does
    assert (opt.stop_reason_, n == 30) in {("budget", True), ("callback", False)}
    phases = res["phase"].tolist()
    assert phases == sorted(phases) and phases[:10] == [0] * min(n, 10)
    assert [p["kernel"] for p in res["params"]] == [
        "rbf" if phase == 0 else "poly" for phase in phases
    ]
    # the proposals after the initial design come from the GP
    proposed = res["proposed_by"][:10].tolist()
    assert proposed == (["initial"] * 6 + ["gp"] * 4)[: len(proposed)]

    first, second = opt.optimizer_results_
    scores = res["mean_test_score"]
    for phase, result in enumerate((first, second)):
        rows = [i for i in range(n) if phases[i] == phase]
        assert len(result.x_iters) == len(result.func_vals) == len(rows)
        np.testing.assert_allclose(result.func_vals, -scores[rows])
    best = min((r for r in (first, second) if len(r.func_vals)), key=lambda r: r.fun)
    assert -best.fun == pytest.approx(opt.best_score_)
    assert dict(zip(best.space.dimension_names, best.x)) == opt.best_params_
    assert type(opt.best_params_["C"]) is float

    plt = pytest.importorskip("matplotlib.pyplot")
    plt.close("all")  # skopt draws on the current axes
    ax = plot_convergence(*opt.optimizer_results_)
    lines = ax.get_lines()
    assert len(lines) == 2
    for line, result in zip(lines, opt.optimizer_results_):
        np.testing.assert_allclose(
            line.get_ydata(), np.minimum.accumulate(result.func_vals)
        )
