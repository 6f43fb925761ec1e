"""One call for every search: swapping the class is the only change.

``Search(estimator, param_distributions=space, n_iter=20, scoring=...,
cv=..., n_jobs=..., random_state=0)`` is scikit-learn's
``RandomizedSearchCV`` call; each of the four searches takes it as it is and
gives a fitted search of the same shape.
"""

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.metrics import accuracy_score
from sklearn.model_selection import RandomizedSearchCV
from sklearn.svm import SVC

from sklearn_hypersearch import (
    BayesSearchCV,
    CoarseToFineSearchCV,
    EvolutionSearchCV,
    HyperbandSearchCV,
)

OURS = [BayesSearchCV, EvolutionSearchCV, HyperbandSearchCV, CoarseToFineSearchCV]
SPACE = {
    "C": loguniform(1e-2, 1e2),
    "gamma": loguniform(1e-3, 1e0),
    "kernel": ["rbf", "linear"],
}
CALL = dict(param_distributions=SPACE, n_iter=20, scoring="accuracy", cv=3, n_jobs=1)


def _fit(Search):
    X, y = load_iris(return_X_y=True)
    return Search(SVC(), **CALL, random_state=0).fit(X, y), X, y


@pytest.fixture(scope="module")
def reference():
    """scikit-learn's own search with the same call."""
    return _fit(RandomizedSearchCV)[0]


def _inside(params):
    return (
        set(params) == set(SPACE)
        and 1e-2 <= params["C"] <= 1e2
        and 1e-3 <= params["gamma"] <= 1e0
        and params["kernel"] in SPACE["kernel"]
    )


@pytest.mark.parametrize("Search", OURS, ids=lambda c: c.__name__)
def test_one_call_for_every_search(Search, reference):
    search, X, y = _fit(Search)

    # the call's keywords are the search's parameters, unchanged
    params = search.get_params()
    assert params["param_distributions"] is SPACE
    for name in ("n_iter", "scoring", "cv", "n_jobs"):
        assert params[name] == CALL[name], name
    assert params["random_state"] == 0
    assert clone(search).get_params()["n_iter"] == 20

    # fitted as scikit-learn's search is: every attribute and column it has
    for attr in ("best_index_", "best_score_", "best_params_", "n_splits_"):
        assert hasattr(search, attr), attr
    assert search.n_splits_ == reference.n_splits_ == 3
    assert search.multimetric_ is reference.multimetric_ is False
    assert search.refit_time_ >= 0
    assert set(reference.cv_results_) <= set(search.cv_results_)
    n_rows = len(search.cv_results_["params"])
    for key, column in reference.cv_results_.items():
        assert len(search.cv_results_[key]) == n_rows, key
        assert isinstance(search.cv_results_[key], type(column)), key

    # candidates inside the space, with native Python values
    assert all(_inside(p) for p in search.cv_results_["params"])
    best = search.best_params_
    assert _inside(best)
    assert type(best["C"]) is float and type(best["gamma"]) is float
    assert type(best["kernel"]) is str
    if Search is HyperbandSearchCV:
        # n_iter buys the compute of that many full-resource evaluations
        assert 0 < search.schedule_cost_ <= 20
    else:
        assert n_rows == 20

    # best_* describe one row; the refitted model predicts and scores
    row = search.best_index_
    assert search.cv_results_["params"][row] == best
    assert search.cv_results_["mean_test_score"][row] == search.best_score_
    assert search.cv_results_["rank_test_score"][row] == 1
    assert search.best_estimator_.get_params()["C"] == best["C"]
    assert search.score(X, y) == pytest.approx(accuracy_score(y, search.predict(X)))
    assert np.isfinite(search.best_score_) and search.best_score_ > 0.9
