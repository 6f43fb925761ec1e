"""Multi-objective searches: objectives, constraints, fronts, choosers, resume."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

from sklearn_hypersearch import (
    BayesSearchCV,
    Categorical,
    CoarseToFineSearchCV,
    EvolutionSearchCV,
    HyperbandSearchCV,
    Integer,
    Real,
    cheapest_within,
    epsilon_constraint,
    knee_point,
)
from sklearn_hypersearch._search._objectives import REF
from sklearn_hypersearch._strategies._pareto import hypervolume
from tests._helpers import QuadraticClassifier, RandomSearch, toy_data
from tests.test_common import SEARCHES, make

# -- a problem with a known front ------------------------------------------------


class TwoObjectives(ClassifierMixin, BaseEstimator):
    """Its "scores" are known functions of ``a`` and ``b``.

    ``f1 = a`` and ``f2 = 1 - sqrt(a) + b`` (both to minimize, ZDT1's shape
    with ``g = 1 + b``): the front is ``b = 0``, every ``a``.
    Fitting fails when ``a > fail_above``. Every fit is appended to the
    class-level ``fit_log``.
    """

    fit_log = []

    def __init__(self, a=0.0, b=0.0, fail_above=np.inf):
        self.a = a
        self.b = b
        self.fail_above = fail_above

    def fit(self, X, y):
        type(self).fit_log.append(self.a)
        if self.a > self.fail_above:
            raise ValueError("a is too large")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def f1(estimator, X, y):
    return float(estimator.a)


def f2(estimator, X, y):
    return float(1.0 - np.sqrt(estimator.a) + estimator.b)


SCORING = {"f1": f1, "f2": f2}
OBJECTIVES = {"f1": "min", "f2": "min"}
GRID = {"a": Categorical([0.0, 0.1, 0.3, 0.6, 1.0]), "b": Categorical([0.0, 0.5, 1.0])}
CV = KFold(2)


def _brute_front(Y, feasible=None):
    """Indices of the feasible rows no other feasible row dominates (max)."""
    n = len(Y)
    feasible = np.ones(n, dtype=bool) if feasible is None else feasible
    out = []
    for i in range(n):
        if not feasible[i] or not np.isfinite(Y[i]).all():
            continue
        dominated = any(
            feasible[j]
            and np.isfinite(Y[j]).all()
            and (Y[j] >= Y[i]).all()
            and (Y[j] > Y[i]).any()
            for j in range(n)
        )
        if not dominated:
            out.append(i)
    return np.array(out, dtype=int)


def _maximized(results):
    return -np.column_stack([results["mean_test_f1"], results["mean_test_f2"]])


def test_front_of_a_known_problem_is_found_exactly():
    X, y = toy_data()
    search = RandomSearch(
        TwoObjectives(),
        GRID,
        n_iter=15,
        scoring=SCORING,
        objectives=OBJECTIVES,
        cv=CV,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    front = search.pareto_front_
    # every point of the space was evaluated: the front is the b = 0 row
    assert sorted(results["params"][i]["b"] for i in front) == [0.0] * 5
    assert sorted(results["params"][i]["a"] for i in front) == [0.0, 0.1, 0.3, 0.6, 1.0]
    np.testing.assert_array_equal(front, _brute_front(_maximized(results)))
    assert (results["pareto_rank"][front] == 1).all()
    assert (np.delete(results["pareto_rank"], front) > 1).all()


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: RandomSearch(TwoObjectives(), _real_space(), n_iter=14, **kw),
        lambda **kw: EvolutionSearchCV(
            TwoObjectives(), _real_space(), population_size=6, n_iter=14, **kw
        ),
        lambda **kw: CoarseToFineSearchCV(
            TwoObjectives(), _real_space(), n_iter=14, **kw
        ),
        lambda **kw: BayesSearchCV(
            TwoObjectives(), _real_space(), n_iter=10, n_initial_points=5, **kw
        ),
    ],
    ids=["random", "evolution", "coarse_to_fine", "bayes"],
)
def test_every_search_reports_the_front_of_its_results(make):
    X, y = toy_data()
    search = make(scoring=SCORING, objectives=OBJECTIVES, cv=CV, random_state=0)
    search.fit(X, y)
    results = search.cv_results_
    Y = _maximized(results)
    np.testing.assert_array_equal(search.pareto_front_, _brute_front(Y))
    # the ranks are those of repeatedly peeled brute-force fronts
    left = np.arange(len(Y))
    rank = 1
    while len(left):
        front = left[_brute_front(Y[left])]
        assert (results["pareto_rank"][front] == rank).all()
        left = np.setdiff1d(left, front)
        rank += 1
    # the hypervolume is measured as documented: normalised on the front
    F = Y[search.pareto_front_]
    lo, hi = F.min(axis=0), F.max(axis=0)
    Z = (Y - lo) / np.where(hi > lo, hi - lo, 1.0)
    expected = hypervolume(Z, ref=np.full(2, REF))
    assert search.hypervolume_ == pytest.approx(expected)
    assert search.hypervolume_history_[-1] == pytest.approx(expected)
    assert (np.diff(search.hypervolume_history_) >= -1e-12).all()
    ref = search.hypervolume_reference_
    assert set(ref) == {"f1", "f2"}
    assert ref["f1"] == pytest.approx(-(lo[0] + REF * (hi[0] - lo[0])))
    # refit=True chooses the knee point, a point of the front
    assert search.best_index_ in set(search.pareto_front_)
    assert search.best_index_ == knee_point(OBJECTIVES)(results)
    for params in results["params"]:
        assert all(type(v) is float for v in params.values())


def _real_space():
    return {"a": Real(0.0, 1.0), "b": Real(0.0, 1.0)}


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_every_public_search_takes_objectives_or_refuses_them_before_fitting(cls):
    X, y = toy_data()
    TwoObjectives.fit_log.clear()
    if "objectives" not in cls._get_param_names():
        with pytest.raises(TypeError, match="objectives"):
            make(cls, TwoObjectives(), _real_space(), objectives=OBJECTIVES)
        # set as attributes behind the constructor's back: refused in fit
        search = make(cls, TwoObjectives(), _real_space(), scoring=SCORING)
        search.objectives = OBJECTIVES
        with pytest.raises(ValueError, match=rf"{cls.__name__} does not take objec"):
            search.fit(X, y)
        assert TwoObjectives.fit_log == []
        return
    search = make(
        cls,
        TwoObjectives(),
        _real_space(),
        scoring=SCORING,
        objectives=OBJECTIVES,
        constraints={"f1": ("<=", 0.8)},
        cv=CV,
    )
    assert clone(search).get_params()["objectives"] == OBJECTIVES
    search.fit(X, y)
    results = search.cv_results_
    rows = np.arange(len(results["params"]))
    if "n_resources" in results:  # multi-fidelity: the front is at full resource
        resources = np.asarray(results["n_resources"])
        rows = rows[resources == resources.max()]
    feasible = np.asarray(results["mean_test_f1"])[rows] <= 0.8
    Y = _maximized(results)[rows]
    np.testing.assert_array_equal(search.pareto_front_, rows[_brute_front(Y, feasible)])
    assert (results["pareto_rank"][search.pareto_front_] == 1).all()
    assert search.hypervolume_ > 0
    assert search.best_index_ in set(search.pareto_front_)


def test_hyperband_front_is_made_of_full_resource_rows():
    X, y = load_breast_cancer(return_X_y=True)
    from sklearn.ensemble import HistGradientBoostingClassifier

    search = HyperbandSearchCV(
        HistGradientBoostingClassifier(early_stopping=False),
        {"max_depth": Integer(1, 6), "learning_rate": Real(0.05, 1.0, log=True)},
        resource="max_iter",
        min_resources=2,
        max_resources=8,
        factor=2,
        objectives={"score": "max", "model_size": "min"},
        cv=3,
        random_state=0,
    ).fit(X[:200], y[:200])
    results = search.cv_results_
    full = np.asarray(results["n_resources"]) == 8
    Y = np.column_stack(
        [results["mean_test_score"], -np.asarray(results["mean_test_model_size"])]
    )
    rows = np.flatnonzero(full)
    np.testing.assert_array_equal(search.pareto_front_, rows[_brute_front(Y[rows])])
    assert full[search.best_index_]


# -- constraints ------------------------------------------------------------------


def test_constraints_make_candidates_infeasible():
    X, y = toy_data()
    search = RandomSearch(
        TwoObjectives(),
        GRID,
        n_iter=15,
        scoring=SCORING,
        objectives=OBJECTIVES,
        constraints={"f1": ("<=", 0.3), "f2": ("<=", 1.2)},
        cv=CV,
        random_state=0,
    ).fit(X, y)
    r = search.cv_results_
    a = np.array([p["a"] for p in r["params"]])
    b = np.array([p["b"] for p in r["params"]])
    value2 = 1 - np.sqrt(a) + b
    feasible = (a <= 0.3) & (value2 <= 1.2)
    np.testing.assert_array_equal(r["constraint_violation"] == 0, feasible)
    # each violation is the relative excess over the bound, summed
    expected = np.maximum(a - 0.3, 0) / 0.3 + np.maximum(value2 - 1.2, 0) / 1.2
    np.testing.assert_allclose(r["constraint_violation"], expected)
    np.testing.assert_array_equal(
        search.pareto_front_, _brute_front(_maximized(r), feasible)
    )
    # feasible first: every feasible row ranks before every infeasible one
    assert r["pareto_rank"][feasible].max() < r["pareto_rank"][~feasible].min()
    assert feasible[search.best_index_]


def test_failed_fits_never_reach_the_front():
    X, y = toy_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = RandomSearch(
            TwoObjectives(fail_above=0.5),
            GRID,
            n_iter=15,
            scoring=SCORING,
            objectives={"f1": "min", "f2": "min", "fit_time": "min"},
            cv=CV,
            random_state=0,
        ).fit(X, y)
    r = search.cv_results_
    failed = ~np.isfinite(np.asarray(r["mean_test_f1"], dtype=float))
    assert failed.any()
    assert not failed[search.pareto_front_].any()
    assert r["pareto_rank"][failed].min() > r["pareto_rank"][~failed].max()


# -- built-in measures -------------------------------------------------------


def test_builtin_measures_are_columns_computed_in_the_workers():
    X, y = load_breast_cancer(return_X_y=True)
    space = {"max_depth": Integer(1, 8)}
    objectives = {"score": "max", "model_size": "min", "predict_time": "min"}
    search = RandomSearch(
        DecisionTreeClassifier(random_state=0),
        space,
        n_iter=4,
        cv=3,
        objectives=objectives,
        random_state=0,
        n_jobs=2,
    ).fit(X, y)
    r = search.cv_results_
    assert (np.asarray(r["mean_test_predict_time"]) > 0).all()
    folds = list(StratifiedKFold(3).split(X, y))
    expected = []
    for params in r["params"]:
        # the pickled size of the model fitted on each training fold (the
        # workers' copies carry a few bytes of scikit-learn's bookkeeping)
        model = DecisionTreeClassifier(random_state=0, **params)
        sizes = [
            len(pickle.dumps(clone(model).fit(X[t], y[t]), protocol=5))
            for t, _ in folds
        ]
        expected.append(np.mean(sizes))
    np.testing.assert_allclose(r["mean_test_model_size"], expected, rtol=0.1)
    depth = [p["max_depth"] for p in r["params"]]
    assert (
        np.argsort(r["mean_test_model_size"]).tolist() == np.argsort(expected).tolist()
    )
    assert len(set(depth)) == 4
    # the user's parameters are unchanged after fit
    assert search.scoring is None and search.refit is True
    assert set(search.scorer_) == {"score", "model_size", "predict_time"}


def test_single_objective_searches_get_no_new_columns():
    X, y = toy_data()
    search = RandomSearch(
        QuadraticClassifier(), {"x": Real(0, 1)}, n_iter=4, random_state=0
    ).fit(X, y)
    for column in ("pareto_rank", "crowding_distance", "constraint_violation"):
        assert column not in search.cv_results_
    for attr in ("pareto_front_", "hypervolume_", "hypervolume_history_"):
        assert not hasattr(search, attr)


def test_objectives_are_clone_safe_parameters():
    search = EvolutionSearchCV(
        TwoObjectives(),
        _real_space(),
        objectives=OBJECTIVES,
        constraints={"f1": ("<=", 0.5)},
    )
    params = clone(search).get_params()
    assert params["objectives"] == OBJECTIVES
    assert params["constraints"] == {"f1": ("<=", 0.5)}


# -- validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"objectives": {}}, ValueError, "objectives must be a non-empty dict"),
        ({"objectives": {"f1": "maximize"}}, ValueError, r"objectives\['f1'\] must be"),
        (
            {"objectives": {"accuracy": "max"}},
            ValueError,
            "'accuracy', which is neither",
        ),
        ({"objectives": {1: "max"}}, TypeError, "objectives keys must be str"),
        ({"objectives": {"f1": "min", "mean": "min"}}, ValueError, "neither a metric"),
        (
            {"objectives": OBJECTIVES, "constraints": {"f1": ("<", 1)}},
            ValueError,
            r"constraints\['f1'\] must be",
        ),
        (
            {"objectives": OBJECTIVES, "constraints": {"f1": ("<=", np.inf)}},
            ValueError,
            "finite number",
        ),
        (
            {"objectives": OBJECTIVES, "constraints": [("f1", "<=", 1)]},
            ValueError,
            "'constraints' parameter",
        ),
        ({"constraints": {"f1": ("<=", 1)}}, ValueError, "constraints need objectives"),
        (
            {"objectives": OBJECTIVES, "target_score": 0.5},
            ValueError,
            "target_score needs one score",
        ),
        (
            {"objectives": OBJECTIVES, "min_improvement": 0.1},
            ValueError,
            "min_improvement must be 0 with objectives",
        ),
        ({"objectives": ["f1"]}, ValueError, "'objectives' parameter"),
    ],
)
def test_bad_objectives_are_refused_before_any_fit(kwargs, error, match):
    X, y = toy_data()
    QuadraticClassifier.fit_log = []
    search = RandomSearch(
        QuadraticClassifier(log_fits=True),
        {"x": Real(0, 1)},
        n_iter=3,
        scoring=SCORING,
        **kwargs,
    )
    with pytest.raises(error, match=match):
        search.fit(X, y)
    assert QuadraticClassifier.fit_log == []


def test_single_metric_scoring_names():
    X, y = toy_data()
    for scoring, name in (
        (None, "score"),
        ("accuracy", "accuracy"),
        ("accuracy", "score"),
    ):
        search = RandomSearch(
            QuadraticClassifier(),
            {"x": Real(0, 1)},
            n_iter=3,
            scoring=scoring,
            objectives={name: "max", "fit_time": "min"},
            random_state=0,
        ).fit(X, y)
        assert "mean_test_score" in search.cv_results_
        assert len(search.pareto_front_) >= 1


# -- same candidates whatever n_jobs -------------------------------------------------


@pytest.mark.parametrize("cls", [BayesSearchCV, EvolutionSearchCV])
def test_same_candidates_whatever_n_jobs(cls):
    X, y = toy_data()
    kw = dict(n_iter=9, scoring=SCORING, objectives=OBJECTIVES, cv=CV, random_state=3)
    if cls is BayesSearchCV:
        kw["n_initial_points"] = 4
    runs = [
        cls(TwoObjectives(), _real_space(), n_jobs=n, **kw).fit(X, y) for n in (1, 2)
    ]
    assert runs[0].cv_results_["params"] == runs[1].cv_results_["params"]


# -- resume and warm starts ------------------------------------------------------------


@pytest.mark.parametrize("cls", [BayesSearchCV, EvolutionSearchCV])
def test_resumed_multiobjective_checkpoint_equals_an_uninterrupted_run(cls, tmp_path):
    X, y = toy_data()
    kw = dict(
        scoring=SCORING,
        objectives={"f1": "min", "f2": "min", "model_size": "min"},
        constraints={"f2": ("<=", 1.5)},
        cv=CV,
        random_state=1,
    )
    if cls is BayesSearchCV:
        kw["n_initial_points"] = 4
    else:
        kw["population_size"] = 5
    path = tmp_path / "mo.jsonl"
    cls(TwoObjectives(), _real_space(), n_iter=7, checkpoint=path, **kw).fit(X, y)
    resumed = cls(TwoObjectives(), _real_space(), n_iter=14, checkpoint=path, **kw)
    resumed.fit(X, y)
    whole = cls(TwoObjectives(), _real_space(), n_iter=14, **kw).fit(X, y)
    a, b = resumed.cv_results_, whole.cv_results_
    assert a["params"] == b["params"]
    assert a["restored"].tolist() == [True] * 7 + [False] * 7
    for column in (
        "mean_test_f1",
        "mean_test_f2",
        "mean_test_model_size",
        "pareto_rank",
        "constraint_violation",
    ):
        np.testing.assert_allclose(
            np.asarray(a[column], float), np.asarray(b[column], float)
        )
    np.testing.assert_array_equal(resumed.pareto_front_, whole.pareto_front_)
    assert resumed.hypervolume_ == pytest.approx(whole.hypervolume_)
    assert resumed.best_index_ == whole.best_index_


def test_checkpoint_with_other_objectives_is_refused(tmp_path):
    X, y = toy_data()
    path = tmp_path / "mo.jsonl"
    kw = dict(scoring=SCORING, cv=CV, random_state=0, n_iter=4, checkpoint=path)
    RandomSearch(TwoObjectives(), _real_space(), objectives=OBJECTIVES, **kw).fit(X, y)
    other = RandomSearch(
        TwoObjectives(), _real_space(), objectives={"f1": "min", "f2": "max"}, **kw
    )
    with pytest.raises(ValueError, match="'objectives'"):
        other.fit(X, y)


def test_warm_start_tells_objective_vectors_from_results_and_checkpoints(tmp_path):
    X, y = toy_data()
    path = tmp_path / "first.jsonl"
    kw = dict(
        scoring=SCORING,
        objectives=OBJECTIVES,
        constraints={"f1": ("<=", 0.5)},
        cv=CV,
    )
    first = RandomSearch(
        TwoObjectives(), _real_space(), n_iter=6, checkpoint=path, random_state=0, **kw
    ).fit(X, y)
    from sklearn_hypersearch._search._objectives import check_objectives

    spec = check_objectives(first)
    space = first._checked_space()
    from_dict = spec.initial_told(first.cv_results_, space)
    from_file = spec.initial_told(path, space)
    assert from_dict[0] == from_file[0] == first.cv_results_["params"]
    np.testing.assert_allclose(from_dict[1], _maximized(first.cv_results_))
    np.testing.assert_allclose(from_file[1], from_dict[1])
    np.testing.assert_allclose(from_file[2], first.cv_results_["constraint_violation"])
    # an evolution warm-started from them breeds from the told population
    # instead of drawing its initial design
    warm, cold = (
        EvolutionSearchCV(
            TwoObjectives(),
            _real_space(),
            population_size=4,
            n_iter=4,
            initial_results=start,
            random_state=0,
            **kw,
        ).fit(X, y)
        for start in (path, None)
    )
    assert warm.cv_results_["params"] != cold.cv_results_["params"]


# -- patience ----------------------------------------------------------------------


def test_patience_counts_candidates_since_the_front_changed():
    from sklearn_hypersearch._search._objectives import check_objectives

    search = RandomSearch(TwoObjectives(), GRID, scoring=SCORING, objectives=OBJECTIVES)
    spec = check_objectives(search)
    f1_ = np.array([0.5, 0.6, 0.2, 0.2, 0.9, 0.1])
    f2_ = np.array([0.5, 0.6, 0.8, 0.8, 0.9, 0.1])
    results = {"params": [{}] * 6, "mean_test_f1": f1_, "mean_test_f2": f2_}
    # row 1 is dominated, row 3 repeats row 2, row 4 is dominated, row 5 wins
    np.testing.assert_array_equal(
        spec.stopping_scores(results, np.arange(6)), [1, 1, 2, 2, 2, 3]
    )
    X, y = toy_data()
    stopped = RandomSearch(
        TwoObjectives(),
        _real_space(),
        n_iter=200,
        batch_size=1,
        scoring=SCORING,
        objectives={"f1": "max", "f2": "max"},
        patience=3,
        cv=CV,
        random_state=0,
    )
    # maximizing both: a = 1, b = 1 dominates everything once found; the
    # search stops 3 candidates after its front last changed
    stopped.fit(X, y)
    r = stopped.cv_results_
    counts = spec_counts(stopped)
    assert stopped.stop_reason_ == "patience"
    assert len(r["params"]) - np.flatnonzero(np.diff(np.r_[0, counts]))[-1] - 1 == 3


def spec_counts(search):
    from sklearn_hypersearch._search._objectives import check_objectives

    spec = check_objectives(search)
    r = search.cv_results_
    return spec.stopping_scores(r, np.arange(len(r["params"])))


# -- refit choosers ----------------------------------------------------------------


def _results(**columns):
    n = len(next(iter(columns.values())))
    return {
        "params": [{}] * n,
        **{k: np.asarray(v, dtype=float) for k, v in columns.items()},
    }


def test_cheapest_within_picks_the_cheapest_close_candidate():
    r = _results(
        mean_test_score=[0.90, 0.95, 0.93, 0.94, np.nan],
        std_test_score=[0.01, 0.02, 0.01, 0.01, np.nan],
        split0_test_score=[0] * 5,
        split1_test_score=[0] * 5,
        split2_test_score=[0] * 5,
        split3_test_score=[0] * 5,
        mean_test_model_size=[10, 50, 30, 40, 1],
    )
    # within one std (0.02) of 0.95: rows 1, 2 (0.93), 3; the cheapest is 2
    assert cheapest_within("score", "model_size")(r) == 2
    # within one standard error (0.02 / 2): rows 1 and 3; the cheapest is 3
    assert cheapest_within("score", "model_size", standard_error=True)(r) == 3
    assert cheapest_within("score", "model_size", tolerance=0.05)(r) == 0
    assert cheapest_within("score", "model_size", tolerance=0.0)(r) == 1
    # a failed row (NaN score) is never chosen, however cheap
    assert cheapest_within("score", "model_size", tolerance=1.0)(r) == 0


def test_cheapest_within_keeps_to_final_resource_and_feasible_rows():
    r = _results(
        mean_test_score=[0.99, 0.90, 0.91, 0.92],
        std_test_score=[0.0] * 4,
        n_resources=[1, 9, 9, 9],
        constraint_violation=[0, 0.5, 0, 0],
        mean_fit_time=[0.1, 0.1, 0.3, 0.2],
    )
    assert cheapest_within("score", "fit_time", tolerance=0.1)(r) == 3


def test_knee_point_is_the_farthest_front_point_from_the_extremes_line():
    a = np.linspace(0, 1, 11)
    # a convex front f2 = (1 - a) ** 2 (both minimized) plus dominated points
    r = _results(
        mean_test_f1=np.r_[a, [0.5, 0.9]],
        mean_test_f2=np.r_[(1 - a) ** 2, [0.6, 0.9]],
    )
    chosen = knee_point({"f1": "min", "f2": "min"})(r)
    # brute force: distance of each front point to the line f1 + f2 = 1
    distance = 1 - a - (1 - a) ** 2
    assert chosen == int(np.argmax(distance))
    # maximized objectives give the mirror image
    r2 = _results(mean_test_f1=-r["mean_test_f1"], mean_test_f2=-r["mean_test_f2"])
    assert knee_point({"f1": "max", "f2": "max"})(r2) == chosen


def test_epsilon_constraint_picks_the_best_within_bounds():
    r = _results(
        mean_test_score=[0.99, 0.97, 0.95, 0.80],
        mean_test_predict_time=[2e-3, 4e-4, 1e-4, 1e-5],
        mean_test_model_size=[10, 90, 20, 5],
    )
    assert epsilon_constraint("score", {"predict_time": ("<=", 1e-3)})(r) == 1
    both = {"predict_time": ("<=", 1e-3), "model_size": ("<=", 50)}
    assert epsilon_constraint("score", both)(r) == 2
    assert (
        epsilon_constraint("model_size", {"score": (">=", 0.9)}, maximize=False)(r) == 0
    )
    with pytest.warns(UserWarning, match="no candidate meets"):
        # nothing is that fast: the one closest to the bound
        assert epsilon_constraint("score", {"predict_time": ("<=", 1e-6)})(r) == 3


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: cheapest_within(1, "x"), "metric must be a str"),
        (lambda: cheapest_within("score", "x", n_std=-1), "n_std must be finite"),
        (lambda: knee_point({"a": "up"}), r"objectives\['a'\] must be"),
        (lambda: epsilon_constraint("score", {"a": ("<", 1)}), r"bounds\['a'\]"),
        (lambda: epsilon_constraint("score", {}), "non-empty dict"),
    ],
)
def test_choosers_check_their_arguments(make, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make()


def test_choosers_name_a_missing_column():
    r = _results(mean_test_score=[0.9, 0.8], std_test_score=[0.0, 0.0])
    with pytest.raises(ValueError, match="'model_size' is neither"):
        cheapest_within("score", "model_size")(r)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_one_standard_error_example_of_scikit_learn_in_one_refit():
    # scikit-learn's "Balance model complexity and cross-validated score":
    # the fewest PCA components whose score is within one standard deviation
    # of the best one, written by hand there
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    def best_low_complexity(cv_results):
        best = np.argmax(cv_results["mean_test_score"])
        bound = cv_results["mean_test_score"][best] - cv_results["std_test_score"][best]
        candidates = np.flatnonzero(cv_results["mean_test_score"] >= bound)
        n_components = cv_results["param_reduce_dim__n_components"][candidates]
        return int(candidates[np.argmin(n_components)])

    X, y = load_digits(return_X_y=True)
    X, y = X[::3], y[::3]
    pipe = Pipeline(
        [
            ("reduce_dim", PCA(random_state=42)),
            ("classify", LogisticRegression(max_iter=300)),
        ]
    )
    grid = {"reduce_dim__n_components": [4, 6, 8, 12, 16, 24]}
    chooser = cheapest_within("score", "param_reduce_dim__n_components")
    theirs = GridSearchCV(pipe, grid, cv=4, refit=best_low_complexity).fit(X, y)
    ours = GridSearchCV(pipe, grid, cv=4, refit=chooser).fit(X, y)
    assert ours.best_index_ == theirs.best_index_
    assert theirs.best_index_ != np.argmax(theirs.cv_results_["mean_test_score"])
    # the same with a search of this package over the same grid
    search = RandomSearch(
        pipe,
        {"reduce_dim__n_components": Categorical(grid["reduce_dim__n_components"])},
        n_iter=6,
        cv=4,
        refit=chooser,
        random_state=0,
    ).fit(X, y)
    assert search.best_params_ == theirs.best_params_


def test_refit_metric_name_keeps_scikit_learn_semantics():
    X, y = toy_data()
    search = RandomSearch(
        TwoObjectives(),
        GRID,
        n_iter=15,
        scoring=SCORING,
        objectives=OBJECTIVES,
        refit="f2",
        cv=CV,
        random_state=0,
    ).fit(X, y)
    r = search.cv_results_
    assert search.best_index_ == int(np.argmin(r["rank_test_f2"]))
    assert search.best_score_ == r["mean_test_f2"][search.best_index_]
