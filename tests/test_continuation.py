"""The driver's continuation of fitted models (multi-fidelity rungs, PBT)."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import KFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_hypersearch import Real
from sklearn_hypersearch._search._continuation import (
    CONTINUATIONS,
    continuation_for,
    final_step,
    fit_and_score,
)
from sklearn_hypersearch._strategies import BaseStrategy, Candidate
from tests._helpers import RandomSearch


class _Chain(BaseStrategy):
    """Fits a point at each budget in ``budgets``, each continuing the last.

    With ``fresh`` the candidates do not continue (fits from scratch).
    """

    budgets = (4, 12)
    point = {}
    fresh = False

    def __init__(self, space, random_state=None):
        super().__init__(space, random_state)
        self._last = None
        self._left = list(self.budgets)
        self.kept = []

    def _ask(self, n):
        if not self._left:
            return []
        budget = self._left.pop(0)
        cand = Candidate(
            dict(self.point),
            budget=budget,
            continues=None if self.fresh else self._last,
            keep_state=not self.fresh,
        )
        self._last = cand
        return [cand]

    def continuable(self):
        return () if self._last is None else (self._last,)


class _ChainSearch(RandomSearch):
    resource = None

    def _make_strategy(self, space, random_state):
        return _Chain(space, random_state)

    def _continuation(self):
        return continuation_for(self.estimator)

    def _evaluation_groups(self, candidates):
        params = [{**c.params, self.resource: c.budget} for c in candidates]
        yield list(range(len(candidates))), params, None


def _data():
    return make_classification(n_samples=300, n_features=8, random_state=0)


def _chain(estimator, resource, point, budgets, fresh=False, **kw):
    _Chain.budgets, _Chain.point, _Chain.fresh = budgets, point, fresh
    search = _ChainSearch(
        estimator,
        {next(iter(point)): Real(0.0, 1.0)} if point else {"x": Real(0.0, 1.0)},
        n_iter=len(budgets),
        cv=KFold(3),
        refit=False,
        **kw,
    )
    search.resource = resource
    X, y = _data()
    return search.fit(X, y)


@pytest.mark.parametrize(
    "estimator, resource, point",
    [
        (
            HistGradientBoostingClassifier(early_stopping=False, random_state=0),
            "max_iter",
            {"learning_rate": 0.3},
        ),
        (
            RandomForestClassifier(max_depth=3, random_state=0),
            "n_estimators",
            {"min_impurity_decrease": 0.001},
        ),
        (
            GradientBoostingClassifier(subsample=0.8, random_state=0),
            "n_estimators",
            {"learning_rate": 0.3},
        ),
    ],
)
def test_continued_models_equal_models_fitted_at_once(estimator, resource, point):
    continued = _chain(estimator, resource, point, (4, 12))
    fresh = _chain(estimator, resource, point, (4, 12), fresh=True)
    # the second rung trained from the first equals a fit of 12 at once
    for k in range(3):
        key = f"split{k}_test_score"
        np.testing.assert_allclose(continued.cv_results_[key], fresh.cv_results_[key])
    assert continued.cv_results_["params"][1][resource] == 12


def test_a_continued_rung_records_the_increments_fit_time():
    est = RandomForestClassifier(max_depth=4, random_state=0)
    continued = _chain(est, "n_estimators", {"min_impurity_decrease": 0.0}, (40, 44))
    fresh = _chain(
        est, "n_estimators", {"min_impurity_decrease": 0.0}, (40, 44), fresh=True
    )
    # 4 more trees cost far less than 44 trees
    t_cont = continued.cv_results_["mean_fit_time"][1]
    t_fresh = fresh.cv_results_["mean_fit_time"][1]
    assert t_cont < 0.5 * t_fresh


def test_partial_fit_continuation_trains_the_remaining_passes():
    est = SGDClassifier(random_state=0, learning_rate="invscaling", eta0=0.05)
    search = _chain(est, "max_iter", {"alpha": 1e-4}, (2, 5))
    X, y = _data()
    # by hand: 2 passes, then 3 more, on the first split
    train, test = next(KFold(3).split(X))
    model = SGDClassifier(random_state=0, learning_rate="invscaling", eta0=0.05)
    model.set_params(alpha=1e-4)
    for _ in range(5):
        model.partial_fit(X[train], y[train], classes=np.unique(y))
    assert search.cv_results_["split0_test_score"][1] == pytest.approx(
        model.score(X[test], y[test])
    )


def test_pipeline_last_step_continues():
    pipe = Pipeline(
        [("scale", StandardScaler()), ("clf", RandomForestClassifier(random_state=0))]
    )
    continued = _chain(pipe, "clf__n_estimators", {"clf__max_depth": 3}, (5, 15))
    fresh = _chain(
        pipe, "clf__n_estimators", {"clf__max_depth": 3}, (5, 15), fresh=True
    )
    np.testing.assert_allclose(
        continued.cv_results_["mean_test_score"], fresh.cv_results_["mean_test_score"]
    )
    assert final_step(pipe)[0] == "clf__"


def test_continuation_under_loky_gives_the_same_rows():
    est = HistGradientBoostingClassifier(early_stopping=False, random_state=0)
    one = _chain(est, "max_iter", {"learning_rate": 0.3}, (3, 9, 27))
    two = _chain(est, "max_iter", {"learning_rate": 0.3}, (3, 9, 27), n_jobs=2)
    np.testing.assert_allclose(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )


def test_states_are_dropped_once_not_continuable():
    est = RandomForestClassifier(random_state=0)
    _Chain.budgets, _Chain.point, _Chain.fresh = (2, 4, 6), {"max_depth": 2}, False
    search = _ChainSearch(
        est, {"max_depth": [2, 3]}, n_iter=3, cv=KFold(3), refit=False
    )
    search.resource = "n_estimators"
    seen = []
    original = _Chain.continuable

    def spy(self):
        out = original(self)
        seen.append(len(out))
        return out

    _Chain.continuable = spy
    try:
        X, y = _data()
        search.fit(X, y)
    finally:
        _Chain.continuable = original
    assert seen == [1, 1, 1]


def test_mlp_takes_a_changed_learning_rate_after_its_first_pass():
    X, y = _data()
    est = MLPClassifier(hidden_layer_sizes=(8,), random_state=0, solver="sgd")
    spec = CONTINUATIONS["MLPClassifier"]
    kw = dict(
        train=np.arange(200),
        test=np.arange(200, 300),
        scorer=None,
        fit_params={},
        score_params={},
        spec=spec,
        classes=np.unique(y),
        return_train_score=False,
        error_score=np.nan,
    )
    from sklearn.metrics import check_scoring

    kw["scorer"] = check_scoring(est)
    _, model = fit_and_score(None, est, {"learning_rate_init": 0.01}, 1, X, y, **kw)
    _, later = fit_and_score(model, est, {"learning_rate_init": 0.5}, 1, X, y, **kw)
    assert later._optimizer.learning_rate == 0.5


# Each registered estimator, configured so that every parameter it declares
# mutable is in use (SGD's eta0 needs a schedule that reads it, l1_ratio the
# elastic net, Perceptron's alpha a penalty), and two values of each.
_CONFIGURED = {
    "HistGradientBoostingClassifier": dict(early_stopping=False, random_state=0),
    "HistGradientBoostingRegressor": dict(early_stopping=False, random_state=0),
    "GradientBoostingClassifier": dict(random_state=0),
    "GradientBoostingRegressor": dict(random_state=0),
    "RandomForestClassifier": dict(random_state=0),
    "RandomForestRegressor": dict(random_state=0),
    "ExtraTreesClassifier": dict(random_state=0),
    "ExtraTreesRegressor": dict(random_state=0),
    "BaggingClassifier": dict(random_state=0),
    "BaggingRegressor": dict(random_state=0),
    "MLPClassifier": dict(hidden_layer_sizes=(8,), solver="sgd", random_state=0),
    "MLPRegressor": dict(hidden_layer_sizes=(8,), solver="sgd", random_state=0),
    "SGDClassifier": dict(
        learning_rate="invscaling", penalty="elasticnet", eta0=0.01, random_state=0
    ),
    "SGDRegressor": dict(
        learning_rate="invscaling", penalty="elasticnet", eta0=0.01, random_state=0
    ),
    "Perceptron": dict(penalty="l2", random_state=0),
}
_VALUES = {
    "learning_rate": (0.05, 0.8),
    "l2_regularization": (0.0, 50.0),
    "max_leaf_nodes": (3, 31),
    "max_depth": (1, 8),
    "min_samples_leaf": (1, 40),
    "max_features": (0.2, 1.0),
    "min_samples_split": (2, 120),
    "max_samples": (0.2, 1.0),
    "alpha": (1e-6, 1.0),
    "learning_rate_init": (1e-4, 0.5),
    "momentum": (0.0, 0.99),
    "eta0": (1e-4, 1.0),
    "l1_ratio": (0.0, 1.0),
    "power_t": (0.1, 0.9),
}


def _registered():
    import sklearn.utils

    estimators = dict(sklearn.utils.all_estimators())
    for name, spec in sorted(CONTINUATIONS.items()):
        for param in spec.mutable:
            yield pytest.param(estimators[name], spec, param, id=f"{name}-{param}")


@pytest.mark.parametrize("cls, spec, param", _registered())
def test_every_mutable_parameter_changes_the_training_that_follows(cls, spec, param):
    # no silent no-op: the same state trained on with two values of the
    # parameter gives two different models
    import warnings

    from sklearn.base import is_classifier
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import check_scoring

    X, y = _data()
    est = cls(**_CONFIGURED[cls.__name__])
    if not is_classifier(est):
        y = X[:, 0] * 2.0 + X[:, 1]
    kw = dict(
        train=np.arange(240),
        test=np.arange(240, 300),
        scorer=check_scoring(est),
        fit_params={},
        score_params={},
        spec=spec,
        classes=np.unique(y) if is_classifier(est) else None,
        return_train_score=False,
        error_score="raise",
    )
    first = 2 if spec.method == "partial_fit" else 5
    more = 3 if spec.method == "partial_fit" else 15
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, state = fit_and_score(None, est, {}, first, X, y, **kw)
        outputs = []
        for value in _VALUES[param]:
            import copy

            _, model = fit_and_score(
                copy.deepcopy(state), est, {param: value}, more, X, y, **kw
            )
            for method in ("decision_function", "predict_proba", "predict"):
                if hasattr(model, method):
                    outputs.append(getattr(model, method)(X[240:]))
                    break
    assert not np.allclose(outputs[0], outputs[1]), f"{param} changed nothing"


# -- HyperbandSearchCV with continued rungs ------------------------------------
def _hyperband(estimator, **kw):
    from sklearn_hypersearch import HyperbandSearchCV, Integer

    params = dict(
        resource="n_estimators",
        max_resources=27,
        min_resources=1,
        factor=3,
        cv=KFold(3),
        random_state=0,
    )
    params.update(kw)
    return HyperbandSearchCV(estimator, {"max_depth": Integer(1, 6)}, **params)


def test_hyperband_continued_rungs_equal_rungs_fitted_from_scratch():
    X, y = _data()
    est = RandomForestClassifier(random_state=0)
    cont = _hyperband(est).fit(X, y)
    fresh = _hyperband(est, continuation=False).fit(X, y)
    assert cont.cv_results_["params"] == fresh.cv_results_["params"]
    np.testing.assert_allclose(
        cont.cv_results_["mean_test_score"], fresh.cv_results_["mean_test_score"]
    )


class _CountingForest(RandomForestClassifier):
    """Records how many trees each fit found and left."""

    log = []

    def fit(self, X, y, **kw):
        before = len(getattr(self, "estimators_", []))
        super().fit(X, y, **kw)
        type(self).log.append((before, len(self.estimators_)))
        return self


def test_hyperband_promoted_candidates_grow_only_the_trees_they_add():
    X, y = _data()
    _CountingForest.log = []
    search = _hyperband(_CountingForest(random_state=0), refit=False).fit(X, y)
    grown = _CountingForest.log
    assert len(grown) == 3 * len(search.cv_results_["params"])
    continued = [(b, a) for b, a in grown if b > 0]
    assert continued and all(a > b for b, a in continued)
    budgets = sorted({int(r) for r in search.cv_results_["n_resources"]})
    # each continued fit starts from a rung's budget and ends at the next one
    assert all(b in budgets and a in budgets for b, a in continued)
    built = sum(a - b for b, a in grown)
    from_scratch = 3 * int(np.sum(search.cv_results_["n_resources"]))
    assert built < from_scratch


def test_hyperband_continuation_is_the_same_for_any_n_jobs():
    X, y = _data()
    est = RandomForestClassifier(random_state=0)
    one = _hyperband(est, max_resources=9).fit(X, y)
    two = _hyperband(est, max_resources=9, n_jobs=2).fit(X, y)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    np.testing.assert_allclose(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )


def test_hyperband_continuation_true_needs_an_iteration_count():
    from sklearn.svm import SVC

    from sklearn_hypersearch import HyperbandSearchCV

    X, y = _data()
    kw = dict(resource="n_samples", cv=KFold(3), random_state=0)
    with pytest.raises(ValueError, match="continuation=True, but SVC cannot"):
        HyperbandSearchCV(SVC(), {"C": Real(0.1, 10.0)}, continuation=True, **kw).fit(
            X, y
        )
    # "auto" fits from scratch there
    auto = HyperbandSearchCV(SVC(), {"C": Real(0.1, 10.0)}, **kw)
    assert auto._continuation() is None


class _InterruptedForest(RandomForestClassifier):
    """A forest whose ``interrupt_at``-th fit (counted over the class) is a
    Ctrl-C; a subclass continues as its base does."""

    n_fits = 0
    interrupt_at = None

    def fit(self, X, y, **kw):
        cls = type(self)
        cls.n_fits += 1
        if cls.interrupt_at is not None and cls.n_fits == cls.interrupt_at:
            raise KeyboardInterrupt
        return super().fit(X, y, **kw)


def test_resuming_a_continued_bracket_refits_no_row(tmp_path):
    X, y = _data()
    ckpt = str(tmp_path / "hb.jsonl")
    _InterruptedForest.n_fits, _InterruptedForest.interrupt_at = 0, 40
    with pytest.warns(UserWarning, match="interrupted"):
        first = _hyperband(_InterruptedForest(random_state=0), checkpoint=ckpt)
        first.fit(X, y)
    n_first = len(first.cv_results_["params"])
    _InterruptedForest.n_fits, _InterruptedForest.interrupt_at = 0, None
    resumed = _hyperband(_InterruptedForest(random_state=0), checkpoint=ckpt).fit(X, y)
    plain = _hyperband(RandomForestClassifier(random_state=0)).fit(X, y)
    # restored rows are not fitted again: only the others, and the refit
    n_rows = len(resumed.cv_results_["params"])
    assert 0 < n_first < n_rows
    assert _InterruptedForest.n_fits == (n_rows - n_first) * 3 + 1
    # a promoted candidate whose parent's models were lost trains from
    # scratch: a forest with a fixed random_state is the same model
    assert resumed.cv_results_["params"] == plain.cv_results_["params"]
    np.testing.assert_allclose(
        resumed.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )
