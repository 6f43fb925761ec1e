"""Tests of CoarseToFineStrategy and CoarseToFineSearchCV."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm, poisson
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, Ridge, RidgeClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_hypersearch import (
    Categorical,
    CoarseToFineSearchCV,
    CoarseToFineStrategy,
    Integer,
    Real,
    Space,
)
from sklearn_hypersearch._space import Distribution
from sklearn_hypersearch._strategies._coarse_to_fine import stage_budgets

# -- helpers ---------------------------------------------------------------


def _objective(params):
    """A smooth score with its maximum at x=0.3, n=7, kind='b'."""
    score = -((params.get("x", 0.3) - 0.3) ** 2)
    score -= 0.01 * (params.get("n", 7) - 7) ** 2
    score -= 0.0 if params.get("kind", "b") == "b" else 0.5
    score -= 0.1 * math.log10(params.get("lr", 1e-2) / 1e-2) ** 2
    return score


def _run(strategy, objective=_objective):
    """Ask whole stages and tell their scores until the strategy finishes."""
    asked = []
    while batch := strategy.ask():
        strategy.tell(batch, [objective(c.params) for c in batch])
        asked += batch
    return asked


def _nested(inner, outer):
    """Whether dimension ``inner`` only holds values of ``outer``."""
    if inner == outer:
        return True
    if isinstance(inner, Categorical):
        return all(outer.contains(c) for c in inner.choices)
    if isinstance(outer, (Real, Integer)):
        assert type(inner) is type(outer) and inner.is_log == outer.is_log
    return outer.contains(inner.low) and outer.contains(inner.high)


def _check_stage_spaces(stage_spaces, space):
    for stage_space in stage_spaces:
        for sub in stage_space.subspaces:
            # every region is a narrowing of one subspace of the original
            assert any(
                sub.names == orig.names
                and all(_nested(d, o) for d, o in zip(sub.dimensions, orig.dimensions))
                for orig in space.subspaces
            ), sub


MIXED = {
    "x": Real(-2.0, 2.0),
    "lr": Real(1e-5, 1.0, log=True),
    "n": Integer(1, 50),
    "kind": ["a", "b", "c"],
}


class QuadraticRegressor(RegressorMixin, BaseEstimator):
    """Predicts nothing useful; its score is a known function of x and kind."""

    def __init__(self, x=0.0, kind="b"):
        self.x = x
        self.kind = kind

    def fit(self, X, y):
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return _objective({"x": self.x, "kind": self.kind})


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=60, n_features=4, random_state=0)


# -- the budget split ----------------------------------------------------


@pytest.mark.parametrize("n_iter", [5, 7, 10, 11, 50, 100, 101])
@pytest.mark.parametrize("n_stages", [1, 2, 3, 5])
@pytest.mark.parametrize("top_k", [1, 3])
@pytest.mark.parametrize("fraction", [0.1, 0.4, 0.9])
def test_stage_budgets_sum_to_n_iter(n_iter, n_stages, top_k, fraction):
    try:
        budgets = stage_budgets(n_iter, n_stages, top_k, fraction)
    except ValueError as exc:
        assert "too small" in str(exc)
        return
    assert sum(budgets) == n_iter
    assert len(budgets) == n_stages
    if n_stages > 1:
        assert budgets[0] >= top_k
        assert min(budgets[1:]) >= 1
        assert max(budgets[1:]) - min(budgets[1:]) <= 1
        assert budgets[1:] == sorted(budgets[1:], reverse=True)


def test_stage_budgets_documented_split():
    assert stage_budgets(50, 3, 3, 0.4) == [20, 15, 15]
    assert stage_budgets(100, 4, 3, 0.4) == [40, 20, 20, 20]
    assert stage_budgets(10, 3, 3, 0.4) == [4, 3, 3]
    assert stage_budgets(10, 1, 3, 0.4) == [10]


def test_stage_budgets_minimum_is_exact():
    with pytest.raises(ValueError, match=r"n_iter >= 6") as info:
        stage_budgets(5, 4, 3, 0.4)
    assert "n_iter=5 is too small for n_stages=4 and top_k=3" in str(info.value)
    assert sum(stage_budgets(6, 4, 3, 0.4)) == 6


# -- the strategy -----------------------------------------------------------


@pytest.mark.parametrize("fine", ["random", "grid"])
@pytest.mark.parametrize("design", ["sobol", "lhs", "random"])
def test_strategy_budget_nesting_and_tags(fine, design):
    strategy = CoarseToFineStrategy(
        MIXED, n_iter=40, n_stages=4, fine=fine, design=design, random_state=0
    )
    asked = _run(strategy)
    assert len(asked) == 40
    assert strategy.stage_sizes == strategy.stage_budgets == [16, 8, 8, 8]
    stages = [c.tags["stage"] for c in asked]
    assert stages == sorted(stages)
    assert [stages.count(s) for s in range(4)] == strategy.stage_budgets
    # no candidate twice, all native values
    keys = {strategy.space.key(c.params) for c in asked}
    assert len(keys) == len(asked)
    for cand in asked:
        assert type(cand.params["x"]) is float
        assert type(cand.params["n"]) is int
        assert type(cand.params["kind"]) is str
        region = strategy.stage_spaces[cand.tags["stage"]].subspaces[
            cand.tags["region"]
        ]
        assert region.contains(cand.params)
    assert strategy.stage_spaces[0] == strategy.space
    _check_stage_spaces(strategy.stage_spaces, strategy.space)
    assert strategy.ask() == []


def test_regions_shrink_by_stage():
    shrink = 0.4
    strategy = CoarseToFineStrategy(
        {"x": Real(-2.0, 2.0), "lr": Real(1e-5, 1.0, log=True)},
        n_iter=60,
        n_stages=4,
        top_k=3,
        shrink=shrink,
        random_state=1,
    )
    _run(strategy)
    orig = strategy.space.subspaces[0]
    for stage in range(1, 4):
        regions = strategy.stage_spaces[stage].subspaces
        assert len(regions) == 3
        for region, centre in zip(regions, strategy.stage_centres[stage]):
            assert region.contains(centre)
            for name, dim in zip(region.names, region.dimensions):
                odim = orig.dimensions[orig.names.index(name)]
                lo, hi = odim.to_unit([dim.low, dim.high])
                # the window is shrink**stage of the unit range, less clipping
                assert hi - lo <= shrink**stage + 1e-9
                u = odim.to_unit([centre[name]])[0]
                expected = min(1, u + shrink**stage / 2) - max(0, u - shrink**stage / 2)
                assert hi - lo == pytest.approx(expected, abs=1e-9)


def test_regions_zoom_on_the_optimum():
    # on a smooth unimodal score the best region's window holds the optimum
    for seed in range(3):
        strategy = CoarseToFineStrategy(
            {"x": Real(-2.0, 2.0)}, n_iter=30, random_state=seed
        )
        _run(strategy)
        best_region = strategy.stage_spaces[-1].subspaces[0].dimensions[0]
        assert best_region.low <= 0.3 <= best_region.high
        assert best_region.high - best_region.low <= 4.0 * 0.25 + 1e-9


def test_cluster_gives_distinct_regions():
    space = {"x": Real(-2.0, 2.0)}
    for cluster in (True, False):
        strategy = CoarseToFineStrategy(
            space, n_iter=40, n_stages=2, top_k=3, cluster=cluster, random_state=0
        )
        strategy.tell(*_stage(strategy))
        strategy.ask()
        centres = [c["x"] for c in strategy.stage_centres[1]]
        told = sorted(strategy.history, key=lambda cs: -cs[1])
        top3 = [c.params["x"] for c, _ in told[:3]]
        if cluster:
            # stage 1 windows have half width 0.25 in the unit interval (1.0)
            gaps = np.abs(np.subtract.outer(centres, centres))
            assert np.all(gaps[~np.eye(3, dtype=bool)] > 1.0)
            assert centres != top3
        else:
            assert centres == top3


def _stage(strategy):
    batch = strategy.ask()
    return batch, [_objective(c.params) for c in batch]


def test_integer_window_below_one_step_never_repeats():
    # shrink=0.05 makes every later window narrower than one integer step
    strategy = CoarseToFineStrategy(
        {"n": Integer(1, 9)},
        n_iter=9,
        n_stages=3,
        top_k=1,
        shrink=0.05,
        random_state=0,
    )
    asked = _run(strategy)
    assert sorted(c.params["n"] for c in asked) == list(range(1, 10))
    _check_stage_spaces(strategy.stage_spaces, strategy.space)


def test_finite_space_smaller_than_budget_finishes_early():
    strategy = CoarseToFineStrategy(
        {"n": Integer(1, 3), "kind": ["a", "b"]}, n_iter=20, random_state=0
    )
    asked = _run(strategy)
    assert len(asked) == 6
    assert len({strategy.space.key(c.params) for c in asked}) == 6
    assert sum(strategy.stage_sizes) == 6


def test_categorical_only_space_is_a_pruned_grid():
    space = {"kind": list("abcdef"), "n": [4, 5, 6, 7, 8, 9]}
    strategy = CoarseToFineStrategy(
        space, n_iter=14, n_stages=3, top_k=1, fine="grid", random_state=0
    )
    assert strategy.stage_budgets == [6, 4, 4]
    stage0 = strategy.ask()
    strategy.tell(stage0, [_objective(c.params) for c in stage0])
    asked = stage0 + _run(strategy)
    assert len(asked) == 14
    assert len({strategy.space.key(c.params) for c in asked}) == 14
    # stage 1 keeps the ceil(6 * 0.5) = 3 choices with the best stage-0 scores
    region = strategy.stage_spaces[1].subspaces[0]
    kept = dict(zip(region.names, region.dimensions))
    for name, choices in space.items():
        best = {
            v: max(
                (_objective(c.params) for c in stage0 if c.params[name] == v),
                default=-np.inf,
            )
            for v in choices
        }
        top = sorted(choices, key=lambda v: -best[v])[:3]
        centre = strategy.stage_centres[1][0][name]
        assert set(kept[name].choices) == set(top) | {centre}
    stage1 = [c.params for c in asked if c.tags["stage"] == 1]
    assert all(region.contains(p) for p in stage1)


def test_grid_fine_uses_a_grid():
    space = {"x": Real(-2.0, 2.0), "y": Real(-2.0, 2.0)}
    for fine, most in (("grid", 3), ("random", 8)):
        strategy = CoarseToFineStrategy(
            space, n_iter=14, n_stages=2, top_k=1, fine=fine, random_state=0
        )
        asked = _run(strategy)
        fine_x = {round(c.params["x"], 12) for c in asked if c.tags["stage"] == 1}
        # 8 points: 8 of a 3 x 3 grid, or 8 distinct LHS values
        assert strategy.stage_budgets == [6, 8]
        assert len(fine_x) == most


def test_scipy_distributions_and_lists_of_dicts():
    space = [
        {"x": norm(0.3, 1.0), "kind": ["a", "b"]},
        {"n": poisson(5), "lr": Real(1e-5, 1.0, log=True)},
    ]
    strategy = CoarseToFineStrategy(space, n_iter=30, random_state=0)
    asked = _run(strategy)
    assert len(asked) == 30
    assert any(
        isinstance(d, Distribution)
        for s in strategy.space.subspaces
        for d in s.dimensions
    )
    for cand in asked:
        stage_space = strategy.stage_spaces[cand.tags["stage"]]
        assert stage_space.subspaces[cand.tags["region"]].contains(cand.params)
    _check_stage_spaces(strategy.stage_spaces, strategy.space)


@st.composite
def _spaces(draw):
    """Small random spaces of every dimension kind (names d0, d1, ...)."""
    space = {}
    for k in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["real", "log", "int", "logint", "cat"]))
        if kind == "real":
            low = draw(st.floats(-100, 100))
            dim = Real(low, low + draw(st.floats(1e-3, 100)))
        elif kind == "log":
            low = draw(st.floats(1e-6, 10))
            dim = Real(low, low * draw(st.floats(1.5, 1e6)), log=True)
        elif kind == "int":
            low = draw(st.integers(-50, 50))
            dim = Integer(low, low + draw(st.integers(1, 30)))
        elif kind == "logint":
            low = draw(st.integers(1, 10))
            dim = Integer(low, low + draw(st.integers(1, 1000)), log=True)
        else:
            dim = Categorical(list(range(draw(st.integers(1, 5)))))
        space[f"d{k}"] = dim
    return space


@settings(derandomize=True, deadline=None, max_examples=30)
@given(
    space=_spaces(),
    n_iter=st.integers(8, 40),
    n_stages=st.integers(1, 4),
    top_k=st.integers(1, 3),
    shrink=st.floats(0.05, 0.95),
    fine=st.sampled_from(["random", "grid"]),
    seed=st.integers(0, 2**16),
)
def test_property_budget_nesting_no_repeats(
    space, n_iter, n_stages, top_k, shrink, fine, seed
):
    try:
        stage_budgets(n_iter, n_stages, top_k, 0.4)
    except ValueError:
        return
    strategy = CoarseToFineStrategy(
        space,
        n_iter=n_iter,
        n_stages=n_stages,
        top_k=top_k,
        shrink=shrink,
        fine=fine,
        random_state=seed,
    )
    rng = np.random.default_rng(seed)
    asked = []
    while batch := strategy.ask():
        strategy.tell(batch, rng.normal(size=len(batch)))
        asked += batch
    n_points = Space(space).n_values
    # exactly n_iter, unless a finite space runs out of points
    assert len(asked) == min(n_iter, n_points)
    assert len({strategy.space.key(c.params) for c in asked}) == len(asked)
    for cand in asked:
        stage_space = strategy.stage_spaces[cand.tags["stage"]]
        assert stage_space.subspaces[cand.tags["region"]].contains(cand.params)
    _check_stage_spaces(strategy.stage_spaces, strategy.space)


def test_ask_fewer_than_a_stage():
    strategy = CoarseToFineStrategy(MIXED, n_iter=20, random_state=0)
    first = strategy.ask(3)
    rest = strategy.ask()
    assert len(first) == 3 and len(first + rest) == strategy.stage_budgets[0]
    assert {c.tags["stage"] for c in first + rest} == {0}
    strategy.tell(first + rest, [_objective(c.params) for c in first + rest])
    assert {c.tags["stage"] for c in strategy.ask(2)} == {1}


def test_strategy_is_deterministic():
    def candidates(seed):
        strategy = CoarseToFineStrategy(MIXED, n_iter=25, random_state=seed)
        return [(c.params, dict(c.tags)) for c in _run(strategy)]

    assert candidates(3) == candidates(3)
    assert candidates(3) != candidates(4)


def test_failed_scores_are_not_centres():
    strategy = CoarseToFineStrategy({"x": Real(-2.0, 2.0)}, n_iter=20, random_state=0)
    batch = strategy.ask()
    scores = [np.nan if c.params["x"] > 0 else -abs(c.params["x"]) for c in batch]
    strategy.tell(batch, scores)
    strategy.ask()
    assert all(c["x"] <= 0 for c in strategy.stage_centres[1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(shrink=0.0), "shrink"),
        (dict(shrink=1.0), "shrink"),
        (dict(top_k=0), "top_k"),
        (dict(n_stages=0), "n_stages"),
        (dict(fine="zoom"), "fine"),
        (dict(design="halton"), "design"),
        (dict(coarse_fraction=1.0), "coarse_fraction"),
        (dict(n_iter=4, n_stages=4), "n_iter=4 is too small"),
    ],
)
def test_strategy_errors(kwargs, match):
    kwargs = {"n_iter": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        CoarseToFineStrategy({"x": Real(0.0, 1.0)}, **kwargs)


# -- the search class -----------------------------------------------------


def test_search_results_and_stage_spaces(data):
    X, y = data
    space = {"x": Real(-2.0, 2.0), "kind": ["a", "b", "c"]}
    search = CoarseToFineSearchCV(
        QuadraticRegressor(),
        space,
        n_iter=20,
        n_stages=3,
        top_k=3,
        cv=2,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 20
    assert search.stage_budgets_ == [8, 6, 6]
    assert results["stage"].tolist() == [0] * 8 + [1] * 6 + [2] * 6
    assert search.n_batches_ == 3
    for params, stage, region in zip(
        results["params"], results["stage"], results["region"]
    ):
        assert search.stage_spaces_[stage].subspaces[region].contains(params)
    _check_stage_spaces(search.stage_spaces_, Space(space))
    assert abs(search.best_params_["x"] - 0.3) < 0.3
    # the fitted search keeps no strategy
    assert not hasattr(search, "_strategy")


def test_search_deterministic(data):
    X, y = data

    def params(seed):
        search = CoarseToFineSearchCV(
            QuadraticRegressor(),
            {"x": Real(-2.0, 2.0)},
            n_iter=12,
            cv=2,
            random_state=seed,
        )
        return search.fit(X, y).cv_results_["params"]

    assert params(0) == params(0)
    assert params(0) != params(1)


def test_search_pipeline_with_list_of_dicts(data):
    X, y = data
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    space = [
        {
            "clf": [LogisticRegression(max_iter=200)],
            "clf__C": Real(1e-2, 1e2, log=True),
        },
        {
            "clf": [SVC()],
            "clf__C": Real(1e-2, 1e2, log=True),
            "clf__gamma": Real(1e-3, 1e1, log=True),
        },
    ]
    search = CoarseToFineSearchCV(
        pipe, space, n_iter=14, n_stages=3, top_k=2, cv=2, random_state=0
    ).fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 14
    for params, stage, region in zip(
        results["params"], results["stage"], results["region"]
    ):
        assert search.stage_spaces_[stage].subspaces[region].contains(params)
    _check_stage_spaces(search.stage_spaces_, Space(space))
    assert search.best_estimator_.named_steps["clf"].__class__ in (
        LogisticRegression,
        SVC,
    )


class _FitCounter(QuadraticRegressor):
    n_fits = 0

    def fit(self, X, y):
        type(self).n_fits += 1
        return super().fit(X, y)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(shrink=0.0), ValueError, "'shrink' parameter"),
        (dict(shrink=1.5), ValueError, "'shrink' parameter"),
        (dict(top_k=0), ValueError, "'top_k' parameter"),
        (dict(n_stages=0), ValueError, "'n_stages' parameter"),
        (dict(n_iter=0), ValueError, "'n_iter' parameter"),
        (dict(fine="zoom"), ValueError, "'fine' parameter"),
        (dict(n_iter=4, n_stages=4), ValueError, "n_iter=4 is too small"),
        (dict(coarse_fraction=0), ValueError, "'coarse_fraction' parameter"),
        (dict(n_stages=2.5), TypeError, "'n_stages' parameter"),
    ],
)
def test_search_errors_before_any_fit(data, kwargs, error, match):
    X, y = data
    _FitCounter.n_fits = 0
    search = CoarseToFineSearchCV(
        _FitCounter(), {"x": Real(0.0, 1.0)}, cv=2, random_state=0, **kwargs
    )
    with pytest.raises(error, match=match):
        search.fit(X, y)
    assert _FitCounter.n_fits == 0


def test_search_invalid_parameter_name(data):
    X, y = data
    search = CoarseToFineSearchCV(QuadraticRegressor(), {"nope": Real(0.0, 1.0)})
    with pytest.raises(ValueError, match="Invalid parameter 'nope'"):
        search.fit(X, y)


def _expected_failed(search):
    # As for sklearn's own searches: the inner Ridge warns about a 2-d y in
    # its own fit, inside cross-validation, where the check cannot catch it.
    if isinstance(search.estimator, Ridge):
        return {"check_supervised_y_2d": "DataConversionWarning not caught"}
    return {}


@parametrize_with_checks(
    [
        CoarseToFineSearchCV(
            Ridge(),
            {"alpha": Real(0.1, 10.0)},
            n_iter=3,
            n_stages=2,
            top_k=1,
            cv=2,
            error_score="raise",
            random_state=0,
        ),
        CoarseToFineSearchCV(
            RidgeClassifier(),
            {"alpha": Real(0.1, 10.0, log=True)},
            n_iter=3,
            n_stages=2,
            top_k=1,
            cv=2,
            error_score="raise",
            random_state=0,
        ),
    ],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# -- defaults that suit every legal call ------------------------------------
@pytest.mark.parametrize(
    "n_iter, budgets",
    [(1, [1]), (2, [2]), (3, [2, 1]), (4, [2, 1, 1]), (5, [2, 1, 1, 1])],
)
def test_small_n_iter_gets_fewer_stages_by_default(data, n_iter, budgets):
    X, y = data
    strategy = CoarseToFineStrategy({"x": Real(0.0, 1.0)}, n_iter=n_iter)
    assert strategy.stage_budgets == budgets and strategy.n_stages == len(budgets)
    search = CoarseToFineSearchCV(
        QuadraticRegressor(), {"x": Real(0.0, 1.0)}, n_iter=n_iter, cv=2
    ).fit(X, y)
    assert search.stage_budgets_ == budgets
    assert len(search.cv_results_["params"]) == n_iter


def test_the_call_every_search_class_accepts(data):
    X, y = data
    search = CoarseToFineSearchCV(
        QuadraticRegressor(),
        param_distributions={"x": Real(0.0, 1.0)},
        n_iter=20,
        scoring="r2",
        cv=3,
        n_jobs=1,
        random_state=0,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 20
    assert search.stage_budgets_ == [8, 4, 4, 4]


def test_narrowed_categories_keep_their_prior_weights():
    from sklearn_hypersearch import Categorical, Real
    from sklearn_hypersearch._strategies._coarse_to_fine import CoarseToFineStrategy

    space = {
        "c": Categorical(["a", "b", "c", "d"], prior=[0.4, 0.3, 0.2, 0.1]),
        "x": Real(0.0, 1.0),
    }
    strategy = CoarseToFineStrategy(space, random_state=0, n_iter=12, n_stages=2)
    batch = strategy.ask()
    strategy.tell(batch, [float(c.params["c"] in "ab") + c.params["x"] for c in batch])
    strategy.ask()
    for sub in strategy.stage_spaces[1].subspaces:
        dim = dict(zip(sub.names, sub.dimensions))["c"]
        full = dict(zip("abcd", [0.4, 0.3, 0.2, 0.1]))
        if len(dim.choices) > 1:
            expected = np.array([full[c] for c in dim.choices])
            np.testing.assert_allclose(dim.prior, expected / expected.sum())
