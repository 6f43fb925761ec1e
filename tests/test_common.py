"""Behaviour every public search class shares through the driver.

Each ``*SearchCV`` exported by the package (and the test-only
``RandomSearch``) is built as ``cls(estimator, space, cv=2, random_state=0,
**SMALL[name])``; ``SMALL`` keeps budgets small enough for a fast suite.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import make_scorer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_hypersearch
from sklearn_hypersearch import Categorical, Real, Space
from tests._helpers import QuadraticClassifier, RandomSearch, toy_data

SMALL = {
    "RandomSearch": dict(n_iter=8),
    "EvolutionSearchCV": dict(population_size=4, n_elite=1, n_generations=3),
    "CoarseToFineSearchCV": dict(n_iter=6, n_stages=2, top_k=2),
    # an int n_points: "auto" follows n_jobs, which changes the candidates
    "BayesSearchCV": dict(n_iter=6, n_initial_points=3),
    # QuadraticClassifier has no hypergradient back-end: the documented
    # model-agnostic fallback
    # (a wide stencil, so that the failing-fit test reaches x > 0.5)
    "GradientSearchCV": dict(n_iter=8, gradient="finite_difference", fd_step=0.2),
    "PopulationBasedSearchCV": dict(population_size=4, n_steps=3),
}

SEARCHES = [RandomSearch] + [
    getattr(sklearn_hypersearch, name)
    for name in sklearn_hypersearch.__all__
    if name.endswith("SearchCV")
]
#: The searches of spaces without a continuous dimension: GradientSearchCV
#: refuses those before any fit (tests/test_gradient.py checks the error).
DISCRETE_SEARCHES = [cls for cls in SEARCHES if cls.__name__ != "GradientSearchCV"]


def make(cls, estimator, space, **kwargs):
    params = dict(cv=2, random_state=0, **SMALL.get(cls.__name__, {}))
    params.update(kwargs)
    return cls(estimator, space, **params)


SPACE = {"x": Real(0.0, 1.0), "flag": Categorical([True, False])}


def _native(value):
    return isinstance(value, (bool, int, float, str)) and not isinstance(
        value, np.generic
    )


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_search_records_candidates_inside_space(cls):
    X, y = toy_data()
    search = make(cls, QuadraticClassifier(), SPACE).fit(X, y)
    params = search.cv_results_["params"]
    space = Space(SPACE)
    assert len(params) >= 2
    assert all(space.contains(p) for p in params)
    assert all(_native(v) for v in search.best_params_.values())
    scores = search.cv_results_["mean_test_score"]
    assert search.best_score_ == pytest.approx(np.nanmax(scores))
    assert search.stop_reason_ in ("budget", "exhausted")


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_same_random_state_same_candidates_any_n_jobs(cls):
    X, y = toy_data()
    runs = [
        make(cls, QuadraticClassifier(), SPACE, n_jobs=n_jobs).fit(X, y)
        for n_jobs in (1, 1, 2)
    ]
    first = runs[0].cv_results_["params"]
    for other in runs[1:]:
        assert other.cv_results_["params"] == first
    different = make(cls, QuadraticClassifier(), SPACE, random_state=1).fit(X, y)
    assert different.cv_results_["params"] != first


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_pipeline_step_parameters(cls):
    X, y = toy_data()
    pipe = Pipeline([("scale", StandardScaler()), ("clf", QuadraticClassifier())])
    search = make(cls, pipe, {"clf__x": Real(0.0, 1.0)}).fit(X, y)
    assert set(search.best_params_) == {"clf__x"}
    assert search.best_estimator_.named_steps["clf"].x == search.best_params_["clf__x"]


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_nested_cross_validation(cls):
    X, y = toy_data(60)
    search = make(cls, QuadraticClassifier(), SPACE)
    scores = cross_val_score(search, X, y, cv=2)
    assert scores.shape == (2,)
    assert np.all(np.isfinite(scores))


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_pickle_before_and_after_fit(cls):
    X, y = toy_data()
    search = pickle.loads(pickle.dumps(make(cls, QuadraticClassifier(), SPACE)))
    search.fit(X, y)
    restored = pickle.loads(pickle.dumps(search))
    assert restored.best_params_ == search.best_params_
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_failing_fits_follow_error_score(cls):
    X, y = toy_data()
    est = QuadraticClassifier(fail_above=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.simplefilter("ignore", UserWarning)
        search = make(cls, est, SPACE).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    xs = np.array([p["x"] for p in search.cv_results_["params"]])
    assert np.all(np.isnan(scores[xs > 0.5]))
    assert np.all(np.isfinite(scores[xs <= 0.5]))
    assert search.best_params_["x"] <= 0.5
    with pytest.raises(ValueError, match="fail_above"):
        make(cls, est, SPACE, error_score="raise").fit(X, y)


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_unknown_parameter_is_refused_before_any_fit(cls):
    X, y = toy_data()
    QuadraticClassifier.fit_log = []
    search = make(cls, QuadraticClassifier(log_fits=True), {"x": [0.1], "nope": [1, 2]})
    with pytest.raises(ValueError, match="'nope'"):
        search.fit(X, y)
    assert QuadraticClassifier.fit_log == []


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_multimetric_refit_metric_is_optimized(cls):
    X, y = toy_data()

    def neg_x(est, X, y):
        return -est.x

    scoring = {"quad": make_scorer(lambda yt, yp: 0.0), "negx": neg_x}
    search = make(cls, QuadraticClassifier(), SPACE, scoring=scoring, refit="negx")
    search.fit(X, y)
    xs = [p["x"] for p in search.cv_results_["params"]]
    assert search.best_params_["x"] == min(xs)
    assert "mean_test_quad" in search.cv_results_


@pytest.mark.skipif(
    tuple(int(v) for v in __import__("sklearn").__version__.split(".")[:2]) < (1, 9),
    reason="callbacks arrived in scikit-learn 1.9",
)
@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_callbacks_report_search_and_batches(cls):
    from sklearn.callback import ProgressBar

    from tests.test_driver import _TaskRecorder

    X, y = toy_data()
    search = make(cls, QuadraticClassifier(), SPACE)
    recorder = _TaskRecorder()
    search.set_callbacks(recorder)
    search.fit(X, y)
    assert recorder.begun.count("search") == 1
    assert recorder.begun.count("batch") == search.n_batches_ >= 1
    search.set_callbacks(ProgressBar())
    search.fit(X, y)
    assert len(search.cv_results_["params"]) >= 2


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_verbose_reports_progress(cls, capsys):
    X, y = toy_data()
    make(cls, QuadraticClassifier(), SPACE, verbose=1).fit(X, y)
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith(f"[{cls.__name__}]")
    ]
    assert lines and "best score" in lines[-1]


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_verbose_one_prints_one_line_per_batch_naming_the_metric(cls, capsys):
    import re

    X, y = toy_data()
    scorer = make_scorer(lambda y_true, y_pred: 1.0)  # any callable scorer
    search = make(cls, QuadraticClassifier(), SPACE, verbose=1)
    search.set_params(scoring={"sq": scorer, "neg": scorer}, refit="sq").fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert not any(line.startswith("Fitting") for line in out)  # scikit-learn's
    lines = [line for line in out if line.startswith(f"[{cls.__name__}]")]
    # one line per batch (a batch is one call or more: one per resource)
    assert len(lines) == len(out) <= search.n_batches_
    pattern = re.compile(
        rf"\[{cls.__name__}\] batch (\d+): (\d+)/(\d+) candidates, best sq 1, "
        r"[\d.]+ s(, about \d+ s left)?$"
    )
    matches = [pattern.match(line) for line in lines]
    assert all(matches), lines
    assert [int(m.group(1)) for m in matches] == list(range(1, len(lines) + 1))
    done = [int(m.group(2)) for m in matches]
    assert done == sorted(done) and done[-1] == len(search.cv_results_["params"])


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_fit_callback_is_called_per_batch_and_can_stop_the_search(cls):
    X, y = toy_data()
    seen = []

    def stop_after_first(result):
        seen.append(len(result.x_iters))
        return True

    search = make(cls, QuadraticClassifier(), SPACE)
    search.fit(X, y, callback=stop_after_first)
    assert seen and seen[0] >= 1
    assert search.stop_reason_ == "callback"
    # fit's own argument, not metadata routed to the estimator or scorer
    assert "callback" not in str(search.get_metadata_routing())
