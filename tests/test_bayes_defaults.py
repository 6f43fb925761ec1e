"""Defaults that do what users mean: a small budget still gets model-based
proposals (issue 19), and the busy-workers setting of issue 14 (``n_jobs=4``,
``cv=3``, ``n_iter=24``, every search's defaults) gives the same candidates as
``n_jobs=1``."""

import warnings

import pytest

from sklearn_hypersearch import (
    BayesSearchCV,
    CoarseToFineSearchCV,
    EvolutionSearchCV,
    HyperbandSearchCV,
    Real,
)
from tests._helpers import QuadraticClassifier, toy_data

SPACE = {"x": Real(0.0, 1.0), "flag": [True, False]}


@pytest.mark.parametrize(
    "n_iter, n_initial", [(1, 1), (2, 1), (5, 2), (10, 5), (11, 10), (30, 10)]
)
def test_n_initial_points_leaves_model_based_proposals(n_iter, n_initial):
    X, y = toy_data()
    search = BayesSearchCV(
        QuadraticClassifier(), SPACE, n_iter=n_iter, cv=2, random_state=0
    ).fit(X, y)
    by = search.cv_results_["proposed_by"].tolist()
    assert by[:n_initial] == ["initial"] * n_initial
    assert "initial" not in by[n_initial:]
    assert len(by) == n_iter


def test_n_initial_points_rule_applies_per_entry():
    X, y = toy_data()
    space = [(SPACE, 4), ({"x": Real(0.0, 0.5)}, 12)]
    search = BayesSearchCV(QuadraticClassifier(), space, cv=2, random_state=0)
    by = search.fit(X, y).cv_results_["proposed_by"].tolist()
    # the first entry's 4 candidates: 2 design points, 2 model-based; the
    # second entry's 12: the default 10 design points, then 2 model-based
    assert by[:2] == ["initial"] * 2
    assert "initial" not in by[2:4]
    assert by[4:14] == ["initial"] * 10
    assert "initial" not in by[14:]


@pytest.mark.parametrize("n_initial_points", [7, 8, 12])
def test_an_explicit_n_initial_points_is_kept(n_initial_points):
    X, y = toy_data()
    search = BayesSearchCV(
        QuadraticClassifier(),
        SPACE,
        n_iter=8,
        n_initial_points=n_initial_points,
        cv=2,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    messages = [str(w.message) for w in caught if w.category is UserWarning]
    n_initial = search.cv_results_["proposed_by"].tolist().count("initial")
    assert n_initial == min(n_initial_points, 8)
    # a warning exactly when no candidate is model-based
    warned = any("n_initial_points" in m and "n_iter=8" in m for m in messages)
    assert warned == (n_initial_points >= 8)


# the searches of issue 14 (GradientSearchCV and PopulationBasedSearchCV
# propose one candidate or one population at a time by design, and need
# estimators of their own)
SEARCHES = [
    BayesSearchCV,
    CoarseToFineSearchCV,
    EvolutionSearchCV,
    HyperbandSearchCV,
]


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_busy_workers_setting_gives_the_same_candidates_for_any_n_jobs(cls):
    # the setting of benchmarks/bench_parallel.py, with an instant estimator
    X, y = toy_data(120)
    runs = [
        cls(
            QuadraticClassifier(),
            SPACE,
            n_iter=24,
            cv=3,
            random_state=0,
            n_jobs=n_jobs,
        ).fit(X, y)
        for n_jobs in (1, 4)
    ]
    assert len(runs[0].cv_results_["params"]) >= 2
    assert runs[1].cv_results_["params"] == runs[0].cv_results_["params"]
