"""Typical ``OptunaSearchCV`` code runs with ``BayesSearchCV``.

Only the import and the budget argument names change (``n_trials`` ->
``n_iter``, ``timeout`` -> ``max_time``). The distributions are Optuna's
where it is installed, and fake duck-typed classes with the same attributes
otherwise: both paths are tests.
"""

import math

import pytest
from sklearn.datasets import load_iris
from sklearn.svm import SVC

from sklearn_hypersearch import BayesSearchCV
from tests._helpers import QuadraticClassifier, toy_data
from tests.test_common import DISCRETE_SEARCHES, make
from tests.test_space_foreign import fake_optuna


@pytest.fixture(params=["fake", "real"])
def od(request):
    if request.param == "fake":
        return fake_optuna
    return pytest.importorskip("optuna.distributions")


def _svc_distributions(od):
    return {
        "C": od.FloatDistribution(1e-2, 1e2, log=True),
        "gamma": od.FloatDistribution(1e-3, 1.0, log=True),
        "coef0": od.FloatDistribution(0.0, 1.0, step=0.25),
        "degree": od.IntDistribution(2, 5),
        "cache_size": od.IntDistribution(100, 400, step=100),
        "kernel": od.CategoricalDistribution(["rbf", "poly", "linear"]),
        "shrinking": od.CategoricalDistribution([True, False]),
    }


def _check_inside(params, distributions):
    """The checks Optuna's own ``_contains`` makes, on the public attributes."""
    assert set(params) == set(distributions)
    for name, dist in distributions.items():
        value = params[name]
        if hasattr(dist, "choices"):
            assert value in dist.choices, name
            continue
        kind = int if type(dist).__name__ == "IntDistribution" else float
        assert type(value) is kind, (name, value)
        assert dist.low <= value <= dist.high, (name, value)
        if dist.step is not None:
            k = (value - dist.low) / dist.step
            assert math.isclose(k, round(k), abs_tol=1e-9), (name, value)


def test_optuna_search_code_runs_with_bayes_search(od):
    X, y = load_iris(return_X_y=True)
    param_distributions = _svc_distributions(od)
    # OptunaSearchCV(SVC(), param_distributions, cv=3, scoring="accuracy",
    #                n_trials=8, timeout=60, random_state=0)
    search = BayesSearchCV(
        SVC(),
        param_distributions,
        cv=3,
        scoring="accuracy",
        n_iter=8,
        max_time=60,
        random_state=0,
        n_initial_points=4,
    )
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 8  # study.trials
    _check_inside(search.best_params_, param_distributions)
    for params in search.cv_results_["params"]:
        _check_inside(params, param_distributions)
    assert 0.0 <= search.best_score_ <= 1.0
    assert search.predict(X).shape == y.shape


def test_same_kind_of_result_as_optuna_search_cv():
    od = pytest.importorskip("optuna.distributions")
    integration = pytest.importorskip("optuna_integration")
    pytest.importorskip("pandas")  # OptunaSearchCV.fit needs it
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = load_iris(return_X_y=True)
    param_distributions = _svc_distributions(od)
    kwargs = dict(cv=3, scoring="accuracy", random_state=0)
    theirs = integration.OptunaSearchCV(
        SVC(), param_distributions, n_trials=6, timeout=60, **kwargs
    ).fit(X, y)
    ours = BayesSearchCV(
        SVC(), param_distributions, n_iter=6, max_time=60, n_initial_points=3, **kwargs
    ).fit(X, y)
    assert set(ours.best_params_) == set(theirs.best_params_)
    for name, value in theirs.best_params_.items():
        assert type(ours.best_params_[name]) is type(value), name
    _check_inside(theirs.best_params_, param_distributions)
    # numpy.float64 here, as in scikit-learn's searches; float there
    assert isinstance(ours.best_score_, float)
    assert isinstance(theirs.best_score_, float)


@pytest.mark.parametrize("cls", DISCRETE_SEARCHES, ids=lambda c: c.__name__)
def test_every_search_takes_optuna_distributions(cls, od):
    X, y = toy_data()
    distributions = {
        "x": od.FloatDistribution(0.0, 1.0, step=0.1),
        "flag": od.CategoricalDistribution([True, False]),
    }
    search = make(cls, QuadraticClassifier(), distributions).fit(X, y)
    for params in search.cv_results_["params"]:
        _check_inside(params, distributions)


def _typical_optuna_code(SearchCV, **budget):
    """``OptunaSearchCV`` code as users write it; only the class and the
    budget's names (``n_trials`` -> ``n_iter``, ``timeout`` -> ``max_time``)
    change from one run to the other."""
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    X, y = load_iris(return_X_y=True)
    param_distributions = {
        "C": FloatDistribution(1e-2, 1e2, log=True),
        "gamma": FloatDistribution(1e-4, 1e-1, log=True),
        "coef0": FloatDistribution(0.0, 1.0, step=0.25),
        "degree": IntDistribution(2, 4),
        "kernel": CategoricalDistribution(["rbf", "poly"]),
    }
    search = SearchCV(
        SVC(),
        param_distributions,
        cv=3,
        scoring="accuracy",
        refit=True,
        return_train_score=True,
        random_state=0,
        n_jobs=1,
        verbose=0,
        **budget,
    )
    search.fit(X, y)
    return search, param_distributions, X, y


def test_typical_optuna_search_code_in_one_piece():
    pytest.importorskip("optuna")
    pd = pytest.importorskip("pandas")
    # from optuna_integration import OptunaSearchCV
    search, distributions, X, y = _typical_optuna_code(
        BayesSearchCV, n_iter=12, max_time=600
    )
    assert search.stop_reason_ == "budget"
    # the fitted attributes both searches have
    _check_inside(search.best_params_, distributions)
    assert search.predict(X).shape == y.shape
    assert search.score(X, y) == pytest.approx((search.predict(X) == y).mean())
    assert search.n_splits_ == 3 and search.refit_time_ >= 0
    assert search.best_estimator_.get_params()["C"] == search.best_params_["C"]
    # what the migration page gives for Optuna's own attributes
    trials = search.cv_results_["params"]  # trials_
    assert len(trials) == 12  # n_trials_
    for params in trials:
        _check_inside(params, distributions)
    table = pd.DataFrame(search.cv_results_)  # trials_dataframe()
    assert table.shape[0] == 12
    assert {"param_C", "mean_test_score", "mean_train_score"} <= set(table)
    best_trial = table.iloc[search.best_index_]  # best_trial_
    assert best_trial["params"] == search.best_params_
    assert best_trial["mean_test_score"] == search.best_score_


def test_typical_optuna_search_code_same_kind_of_result():
    pytest.importorskip("optuna")
    integration = pytest.importorskip("optuna_integration")
    pytest.importorskip("pandas")  # OptunaSearchCV.fit needs it
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    theirs, distributions, X, y = _typical_optuna_code(
        integration.OptunaSearchCV, n_trials=12, timeout=600
    )
    ours, _, _, _ = _typical_optuna_code(BayesSearchCV, n_iter=12, max_time=600)
    assert len(ours.cv_results_["params"]) == len(theirs.trials_) == 12
    assert theirs.trials_dataframe().shape[0] == len(ours.cv_results_["params"])
    for search in (theirs, ours):
        _check_inside(search.best_params_, distributions)
        assert search.predict(X).shape == y.shape
        assert isinstance(search.best_score_, float)
        assert search.n_splits_ == 3 and search.refit_time_ >= 0
    for name, value in theirs.best_params_.items():
        assert type(ours.best_params_[name]) is type(value), name
