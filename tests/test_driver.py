"""The shared driver: failures, stopping rules, progress, estimator checks."""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.decomposition import PCA
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_hypersearch import Categorical, RandomStrategy, Real
from tests._helpers import QuadraticClassifier, RandomSearch, toy_data

SK_VERSION = tuple(int(v) for v in sklearn.__version__.split(".")[:2])

# Reasons as scikit-learn gives them for its own RandomizedSearchCV.
EXPECTED_FAILED = {
    "check_supervised_y_2d": "DataConversionWarning not caught",
    "check_requires_y_none": "Doesn't fail gracefully",
}


@parametrize_with_checks(
    [
        RandomSearch(
            Ridge(), {"alpha": [0.1, 1.0]}, cv=2, error_score="raise", random_state=0
        ),
        RandomSearch(
            LogisticRegression(),
            {"C": Real(0.1, 10.0, log=True)},
            n_iter=3,
            cv=2,
            error_score="raise",
            random_state=0,
        ),
        RandomSearch(
            Pipeline([("pca", PCA()), ("ridge", Ridge())]),
            {"ridge__alpha": [0.1, 1.0]},
            cv=2,
            error_score="raise",
            random_state=0,
        ),
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILED,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


class _EqualKFold(KFold):
    """KFold whose equal copies compare equal, as group splitters do."""

    def __eq__(self, other):
        return type(other) is type(self) and other.n_splits == self.n_splits

    __hash__ = None


class GroupSplitSearch(RandomSearch):
    """Evaluates every batch on its own (equal) splitter, as Hyperband's
    subsampled rungs are."""

    def _evaluation_groups(self, candidates):
        yield (
            list(range(len(candidates))),
            [c.params for c in candidates],
            _EqualKFold(2),
        )


# GroupSplitSearch: a failed batch on a group splitter is retried with the
# next call on equal splits
@pytest.mark.parametrize("search_cls", [RandomSearch, GroupSplitSearch])
def test_all_failed_batches_do_not_abort_the_search(search_cls):
    X, y = toy_data()
    # batch_size=1: every failing candidate is a batch in which all fits fail,
    # which makes scikit-learn's evaluate_candidates raise.
    search = search_cls(
        QuadraticClassifier(fail_above=0.5),
        {"x": Real(0.0, 1.0)},
        n_iter=12,
        batch_size=1,
        cv=2,
        random_state=0,
    )
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    xs = np.array([p["x"] for p in search.cv_results_["params"]])
    scores = search.cv_results_["mean_test_score"]
    n_failing = sum(x > 0.5 for x in xs)
    assert n_failing >= 3
    assert np.all(np.isnan(scores[xs > 0.5]))
    # the strategy heard about every candidate, in the order it asked
    assert len(search.cv_results_["params"]) >= 11
    assert search.best_params_["x"] <= 0.5
    with pytest.raises(ValueError, match="fail_above"):
        search.set_params(error_score="raise").fit(X, y)


def test_every_fit_failing_still_raises():
    X, y = toy_data()
    search = RandomSearch(
        QuadraticClassifier(fail_above=-1.0), {"x": Real(0.0, 1.0)}, n_iter=4, cv=2
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        with pytest.raises(ValueError, match="fits failed"):
            search.fit(X, y)


def test_stopping_rules_end_the_search_and_say_why():
    X, y = toy_data()
    space = {"x": Real(0.0, 1.0)}
    kw = dict(n_iter=40, batch_size=2, cv=2, random_state=0)
    full = RandomSearch(QuadraticClassifier(), space, **kw).fit(X, y)
    assert full.stop_reason_ == "budget"
    assert len(full.cv_results_["params"]) == 40

    # the target: the best of the full run's first 12 candidates; the search
    # stops after the batch (of 2) that reaches it
    first = full.cv_results_["mean_test_score"][:12]
    best = int(np.argmax(first))
    target = RandomSearch(
        QuadraticClassifier(), space, target_score=float(first[best]), **kw
    ).fit(X, y)
    assert target.stop_reason_ == "target_score"
    scores = target.cv_results_["mean_test_score"]
    assert len(scores) == (best // 2 + 1) * 2
    assert scores.max() >= first[best] and scores[:-2].max() < first[best]

    patient = RandomSearch(
        QuadraticClassifier(), space, patience=6, min_improvement=1e-3, **kw
    ).fit(X, y)
    assert patient.stop_reason_ == "patience"
    s = patient.cv_results_["mean_test_score"]
    best_so_far = np.maximum.accumulate(s)
    gains = np.diff(best_so_far, prepend=-np.inf) > 1e-3
    last = np.flatnonzero(gains)[-1]
    assert len(s) - 1 - last >= 6 and len(s) < 40

    timed = RandomSearch(QuadraticClassifier(), space, max_time=1e-9, **kw).fit(X, y)
    assert timed.stop_reason_ == "max_time"
    assert len(timed.cv_results_["params"]) == 2  # the first batch always runs


def test_finite_space_is_exhausted_without_repeats():
    X, y = toy_data()
    search = RandomSearch(
        QuadraticClassifier(),
        {"x": [0.1, 0.2, 0.3], "flag": [True, False]},
        n_iter=50,
        cv=2,
        random_state=0,
    ).fit(X, y)
    params = search.cv_results_["params"]
    assert len(params) == 6
    assert len({(p["x"], p["flag"]) for p in params}) == 6
    assert search.stop_reason_ == "exhausted"


def test_verbose_prints_one_line_per_batch(capsys):
    X, y = toy_data()
    RandomSearch(
        QuadraticClassifier(),
        {"x": Real(0.0, 1.0)},
        n_iter=6,
        batch_size=2,
        cv=2,
        verbose=1,
        random_state=0,
    ).fit(X, y)
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("[RandomSearch]")
    ]
    assert len(lines) == 3
    assert "6/6 candidates" in lines[-1] and "best score" in lines[-1]


def test_keyboard_interrupt_keeps_completed_results():
    X, y = toy_data()

    class Interrupting(QuadraticClassifier):
        def fit(self, X, y):
            if self.x > 0.9:
                raise KeyboardInterrupt
            return super().fit(X, y)

    search = RandomSearch(
        Interrupting(),
        {"x": Real(0.0, 1.0)},
        n_iter=200,
        batch_size=1,
        cv=2,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        search.fit(X, y)
    assert search.stop_reason_ == "interrupted"
    n = len(search.cv_results_["params"])
    assert 0 < n < 200
    assert hasattr(search, "best_estimator_")


class _TaskRecorder:
    """A scikit-learn >= 1.9 fit callback that records task names."""

    def __init__(self):
        self.begun = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        self.begun.append(context.task_name)

    def on_fit_task_end(self, estimator, context, **kwargs):
        pass


@pytest.mark.skipif(SK_VERSION < (1, 9), reason="callbacks arrived in scikit-learn 1.9")
def test_callbacks_see_the_search_and_each_batch():
    from sklearn.callback import ProgressBar

    X, y = toy_data()
    search = RandomSearch(
        QuadraticClassifier(),
        {"x": Real(0.0, 1.0)},
        n_iter=6,
        batch_size=3,
        cv=2,
        random_state=0,
    )
    recorder = _TaskRecorder()
    search.set_callbacks(recorder)
    search.fit(X, y)
    assert recorder.begun.count("search") == 1
    assert recorder.begun.count("batch") == 2
    search.set_callbacks(ProgressBar())
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 6


def test_strategy_black_box_use_and_tell_validation():
    strategy = RandomStrategy(
        {"x": Real(-2.0, 2.0), "k": Categorical(["a", "b"])}, random_state=0
    )
    batch = strategy.ask(5)
    assert len(batch) == 5
    strategy.tell(batch, [np.nan, np.inf, -np.inf, 1.0, 0.5])
    assert strategy.best[1] == 1.0
    with pytest.raises(ValueError, match="2 candidates but 1 scores"):
        strategy.tell(batch[:2], [1.0])
    with pytest.raises(ValueError, match="non-negative"):
        strategy.ask(-1)
