"""Tests of BayesStrategy, its surrogates and BayesSearchCV."""

import inspect
import math
import warnings

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.stats import norm
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_hypersearch import (
    BayesSearchCV,
    BayesStrategy,
    Categorical,
    Distribution,
    Integer,
    RandomStrategy,
    Real,
)
from sklearn_hypersearch._strategies._acquisition import log_ei, log_pi, ucb
from sklearn_hypersearch._strategies._surrogates import GaussianProcess

BRANIN_OPT = 0.397887357729739


def branin(x1, x2):
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


BRANIN_SPACE = {"x1": Real(-5.0, 10.0), "x2": Real(0.0, 15.0)}


def run(strategy, func, n_evals, batch=1):
    while strategy.n_told < n_evals:
        cands = strategy.ask(min(batch, n_evals - strategy.n_told))
        strategy.tell(cands, [func(**c.params) for c in cands])
    return strategy


def neg_branin(**p):
    return -branin(**p)


class ScoreClassifier(ClassifierMixin, BaseEstimator):
    """Majority-class classifier whose ``score`` is a known function.

    ``score = -(x - 0.3) ** 2 - (k - 3) ** 2 / 100 + bonus[kind]``; fitting
    fails when ``x > fail_above`` and scores are NaN when ``x < nan_below``.
    """

    def __init__(self, x=0.5, k=1, kind="a", fail_above=2.0, nan_below=-1.0):
        self.x = x
        self.k = k
        self.kind = kind
        self.fail_above = fail_above
        self.nan_below = nan_below

    def fit(self, X, y):
        if self.x > self.fail_above:
            raise ValueError("x too large")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        if self.x < self.nan_below:
            return np.nan
        bonus = {"a": 0.0, "b": 0.05, "c": -1.0}[self.kind]
        return -((self.x - 0.3) ** 2) - (self.k - 3) ** 2 / 100 + bonus


X, Y = make_classification(n_samples=40, n_features=4, random_state=0)


# -- surrogates and acquisitions ---------------------------------------------
def test_gp_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    Z = rng.uniform(size=(25, 3))
    y = np.sin(5 * Z[:, 0]) + Z[:, 1] ** 2 + 0.05 * rng.normal(size=25)
    gp = GaussianProcess()
    theta = np.log([0.3, 0.5, 0.8, 1.2, 0.01])
    yc = y - y.mean()
    value = lambda t: gp._neg_log_posterior(t, Z, yc)[0]  # noqa: E731
    grad = gp._neg_log_posterior(theta, Z, yc)[1]
    np.testing.assert_allclose(
        grad, approx_fprime(theta, value, 1e-6), rtol=1e-3, atol=1e-3
    )

    gp.fit(Z, y, rng=rng)
    cont = np.array([0, 2])
    z0 = rng.uniform(size=(1, 3))
    for acq in (log_ei, log_pi, ucb):

        def f(x, acq=acq):
            z = z0.copy()
            z[0, cont] = x
            mu, sigma = gp.predict(z)
            return acq(mu, sigma, y.max())[0]

        z = z0.copy()
        mu, sigma, dmu, dsigma = gp.predict(z, cont=cont)
        _, g = acq(mu, sigma, y.max(), dmu=dmu, dsigma=dsigma)
        np.testing.assert_allclose(g[0], approx_fprime(z0[0, cont], f, 1e-7), rtol=1e-3)


def test_gp_fits_noise_and_interpolates_smooth_function():
    rng = np.random.default_rng(1)
    Z = rng.uniform(size=(60, 2))
    f = np.sin(4 * Z[:, 0]) + np.cos(3 * Z[:, 1])
    gp = GaussianProcess().fit(Z, f + 0.3 * rng.normal(size=60), rng=rng)
    # the noise variance is found (true value 0.09), not interpolated away
    assert 0.02 < gp.noise_ < 0.3
    Zt = rng.uniform(size=(200, 2))
    mu, sigma = gp.predict(Zt)
    ft = np.sin(4 * Zt[:, 0]) + np.cos(3 * Zt[:, 1])
    assert np.sqrt(np.mean((mu - ft) ** 2)) < 0.2
    assert np.all(sigma > 0)


def test_log_ei_is_finite_and_matches_closed_form():
    mu = np.array([0.0, -3.0, -40.0, 2.0])
    sigma = np.array([1.0, 0.5, 1.0, 0.1])
    values = log_ei(mu, sigma, best=1.0, xi=0.0)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values[:3]) < 0)  # still ranks far below best
    z = (mu[:2] - 1.0) / sigma[:2]
    closed = sigma[:2] * (z * norm.cdf(z) + norm.pdf(z))
    np.testing.assert_allclose(np.exp(values[:2]), closed, rtol=1e-8)


# -- the strategy --------------------------------------------------------------
MIXED = {
    "lr": Real(1e-4, 1.0, log=True),
    "depth": Integer(1, 12),
    "trees": Integer(10, 1000, log=True),
    "kind": Categorical(["a", "b", None]),
    "q": Distribution(norm(0, 1)),
}


@pytest.mark.parametrize("surrogate", ["gp", "trees", "tpe"])
def test_proposals_inside_space_native_and_unique(surrogate):
    s = BayesStrategy(
        MIXED, random_state=0, n_initial_points=5, surrogate=surrogate, n_points=3
    )
    keys = set()
    while s.n_told < 14:
        cands = s.ask(2) if s.n_told % 4 else s.ask()
        for c in cands:
            assert s.space.contains(c.params)
            for v in c.params.values():
                assert v is None or type(v) in (int, float, str)
            keys.add(s.space.key(c.params))
        s.tell(cands, [c.params["depth"] - abs(c.params["q"]) for c in cands])
    assert len(keys) == s.n_told >= 14


def test_finite_space_is_exhausted_without_duplicates():
    space = {"a": Integer(0, 3), "b": Categorical(["x", "y", "z"])}
    s = BayesStrategy(space, random_state=0, n_initial_points=3, n_points=3)
    seen = []
    while True:
        cands = s.ask()
        if not cands:
            break
        seen += [s.space.key(c.params) for c in cands]
        s.tell(cands, [c.params["a"] for c in cands])
    assert len(seen) == len(set(seen)) == 12


def test_batch_is_diverse_and_pending_points_are_avoided():
    s = run(
        BayesStrategy(BRANIN_SPACE, random_state=0, n_initial_points=8), neg_branin, 12
    )
    first = s.ask(1)
    s2 = BayesStrategy(BRANIN_SPACE, random_state=0, n_initial_points=8, n_points=4)
    run(s2, neg_branin, 12)
    batch = s2.ask()
    assert len(batch) == 4
    pts = np.array([[c.params["x1"], c.params["x2"]] for c in batch])
    dists = np.linalg.norm(pts[:, None] - pts[None], axis=-1)[np.triu_indices(4, 1)]
    # kriging believer keeps a batch apart (the domain is 15 wide)
    assert dists.min() > 0.1
    # asked-but-not-told candidates count as pending: a second ask differs
    again = s.ask(1)
    assert s.space.key(again[0].params) != s.space.key(first[0].params)


@pytest.mark.parametrize("surrogate", ["gp", "tpe"])
def test_a_batch_that_ends_the_initial_design_is_full(surrogate):
    s = BayesStrategy(
        BRANIN_SPACE,
        random_state=0,
        n_initial_points=3,
        n_points=2,
        surrogate=surrogate,
    )
    run(s, neg_branin, 2, batch=2)
    batch = s.ask()
    assert [c.tags["proposed_by"] for c in batch] == ["initial", surrogate]


def test_same_seed_same_candidates_and_state_follows_history():
    def trace(seed):
        s = run(
            BayesStrategy(MIXED, random_state=seed, n_initial_points=4), _mixed_f, 9
        )
        return [c.params for c, _ in s.history]

    assert trace(3) == trace(3)
    assert trace(3) != trace(4)


def _mixed_f(**p):
    return -abs(math.log10(p["lr"]) + 2) + p["depth"] / 12 + (p["kind"] == "b")


def test_failed_scores_are_modelled_as_worst_and_all_failures_tolerated():
    s = BayesStrategy(BRANIN_SPACE, random_state=0, n_initial_points=3)
    # every score non-finite: proposals stay random and valid
    for _ in range(5):
        cands = s.ask(1)
        s.tell(cands, [np.nan])
    assert s.best is None
    s = BayesStrategy({"x": Real(0.0, 1.0)}, random_state=0, n_initial_points=4)
    run(s, lambda x: np.nan if x > 0.6 else -((x - 0.5) ** 2), 20)
    late = [c.params["x"] for c, _ in s.history[10:]]
    assert np.mean([x > 0.6 for x in late]) < 0.3
    assert abs(s.best[0].params["x"] - 0.5) < 0.05


def test_warm_start_counts_towards_initial_design():
    s = BayesStrategy(BRANIN_SPACE, random_state=0, n_initial_points=5)
    rng = np.random.default_rng(0)
    told = [{"x1": float(a), "x2": float(b)} for a, b in rng.uniform(0, 10, (6, 2))]
    s.tell(told, [neg_branin(**p) for p in told])
    (cand,) = s.ask(1)
    assert cand.tags["proposed_by"] == "gp"


@pytest.mark.parametrize("acquisition", ["ei", "pi", "lcb", "portfolio"])
def test_acquisitions_find_the_optimum_of_a_quadratic(acquisition):
    s = BayesStrategy(
        {"x": Real(-5.0, 5.0), "y": Real(-5.0, 5.0)},
        random_state=0,
        n_initial_points=5,
        acquisition=acquisition,
    )
    run(s, lambda x, y: -((x - 1) ** 2) - (y + 2) ** 2, 20)
    assert -s.best[1] < 0.05


def test_conditional_space_spends_little_on_the_weak_branch():
    space = [
        {"kind": Categorical(["good"]), "x": Real(0.0, 1.0)},
        {"kind": Categorical(["bad"]), "z": Real(0.0, 1.0)},
    ]

    def f(kind, x=None, z=None):
        return -((x - 0.7) ** 2) if kind == "good" else -2.0 - z

    s = run(BayesStrategy(space, random_state=0, n_initial_points=4), f, 24)
    late = [c.params["kind"] for c, _ in s.history[8:]]
    assert late.count("bad") <= 2
    assert abs(s.best[0].params["x"] - 0.7) < 0.02


def test_unlucky_start_does_not_discard_the_best_alternative():
    # the best subspace ("svc" with kernel "rbf" and C near 10) has a narrow
    # good region: its first points are bad, yet it must get enough
    # evaluations to be found
    space = [
        {"m": ["svc"], "C": Real(1e-3, 1e3, log=True), "k": ["rbf", "lin"]},
        {"m": ["rf"], "d": Integer(1, 20), "n": Integer(10, 500, log=True)},
        {"m": ["knn"], "n_neighbors": Integer(1, 5)},
    ]

    def f(m, C=None, k=None, d=None, n=None, n_neighbors=None):
        if m == "svc":
            return 1.0 * (k == "rbf") - abs(math.log10(C) - 1)
        if m == "rf":
            return -abs(d - 7) / 10
        return -1.5 + n_neighbors / 10

    s = run(BayesStrategy(space, random_state=0, n_initial_points=6), f, 30)
    first = [c.params["m"] for c, _ in s.history[:6]]
    assert max(y for (c, y) in s.history[:6] if c.params["m"] == "svc") < 0
    assert first.count("svc") == 2
    assert s.best[0].params["m"] == "svc" and s.best[1] > 0.9


def test_auto_surrogate_depends_on_the_space():
    assert BayesStrategy(BRANIN_SPACE).surrogates_ == ["gp"]
    wide = {f"c{i}": Categorical(list(range(6))) for i in range(5)}
    assert BayesStrategy(wide).surrogates_ == ["trees"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_initial_points=0), "n_initial_points"),
        (dict(n_points=1.5), "n_points"),
        (dict(surrogate="forest"), "surrogate"),
        (dict(acquisition="ucb"), "acquisition"),
        (dict(xi=-1), "xi"),
        (dict(initial_design="grid"), "initial_design"),
    ],
)
def test_strategy_validates_its_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BayesStrategy(BRANIN_SPACE, **kwargs)


def test_branin_regression_beats_random_search():
    """At 30 evaluations, regret that random search reaches in < 10% of seeds."""
    random_regrets = []
    for seed in range(100):
        s = run(RandomStrategy(BRANIN_SPACE, random_state=seed), neg_branin, 30)
        random_regrets.append(-s.best[1] - BRANIN_OPT)
    for seed in range(2):
        s = run(BayesStrategy(BRANIN_SPACE, random_state=seed), neg_branin, 30)
        regret = -s.best[1] - BRANIN_OPT
        assert np.mean(np.array(random_regrets) <= regret) < 0.1, regret


# -- the search class -----------------------------------------------------------
def test_search_finds_optimum_and_records_rounds():
    space = {"x": Real(-1.0, 2.0), "k": Integer(1, 6), "kind": ["a", "b", "c"]}
    search = BayesSearchCV(
        ScoreClassifier(),
        space,
        n_iter=18,
        n_initial_points=6,
        n_points=2,
        cv=2,
        random_state=0,
    ).fit(X, Y)
    res = search.cv_results_
    assert len(res["params"]) == 18
    assert res["round"].tolist() == [i // 2 + 1 for i in range(18)]
    assert res["proposed_by"].tolist()[:6] == ["initial"] * 6
    assert set(res["proposed_by"].tolist()[6:]) == {"gp"}
    assert search.best_params_["kind"] == "b"
    assert abs(search.best_params_["x"] - 0.3) < 0.1
    assert type(search.best_params_["k"]) is int


def test_search_is_deterministic_and_n_jobs_invariant_with_int_n_points():
    space = {"x": Real(-1.0, 2.0), "k": Integer(1, 6)}

    def params(n_jobs):
        return (
            BayesSearchCV(
                ScoreClassifier(),
                space,
                n_iter=8,
                n_initial_points=3,
                n_points=2,
                cv=2,
                random_state=0,
                n_jobs=n_jobs,
            )
            .fit(X, Y)
            .cv_results_["params"]
        )

    assert params(1) == params(1) == params(2)


def test_n_points_auto_follows_n_jobs_and_the_default_does_not():
    search = BayesSearchCV(
        ScoreClassifier(), {"x": Real(0.0, 1.0)}, n_jobs=2, n_points="auto"
    )
    strategy = search._make_strategy(search._checked_space(), np.random.default_rng(0))
    assert strategy.n_points == 2
    default = inspect.signature(BayesSearchCV).parameters["n_points"].default
    search.set_params(n_points=default)
    for n_jobs in (1, 2, 8):
        search.set_params(n_jobs=n_jobs)
        rng = np.random.default_rng(0)
        strategy = search._make_strategy(search._checked_space(), rng)
        assert strategy.n_points == 4


def test_failing_and_nan_fits_are_handled():
    space = {"x": Real(-1.0, 3.0)}
    est = ScoreClassifier(fail_above=2.0, nan_below=-0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.simplefilter("ignore", UserWarning)
        search = BayesSearchCV(
            est, space, n_iter=14, n_initial_points=5, cv=2, random_state=0
        ).fit(X, Y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isnan(scores).any() or len(scores) < 14
    assert abs(search.best_params_["x"] - 0.3) < 0.15


def test_all_fits_failing_does_not_crash_the_strategy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.simplefilter("ignore", UserWarning)
        search = BayesSearchCV(
            ScoreClassifier(fail_above=-10.0),
            {"x": Real(0.0, 1.0)},
            n_iter=4,
            n_initial_points=2,
            cv=2,
            random_state=0,
            refit=False,
        )
        try:
            search.fit(X, Y)
        except ValueError as exc:  # sklearn refuses a search with no result
            assert "fits failed" in str(exc) or "evaluated no candidate" in str(exc)
        else:
            assert np.isnan(search.cv_results_["mean_test_score"]).all()


def test_pipeline_with_conditional_space_and_nested_cv():
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    space = [
        {"clf": [LogisticRegression()], "clf__C": Real(1e-2, 1e2, log=True)},
        {
            "clf": [DecisionTreeClassifier(random_state=0)],
            "clf__max_depth": Integer(1, 5),
        },
    ]
    search = BayesSearchCV(
        pipe,
        space,
        n_iter=6,
        n_initial_points=3,
        cv=2,
        random_state=0,
        error_score="raise",
    )
    outer = cross_val_score(search, X, Y, cv=2)
    assert outer.shape == (2,) and np.all(outer > 0.5)
    search.fit(X, Y)
    assert {type(p["clf"]) for p in search.cv_results_["params"]} == {
        LogisticRegression,
        DecisionTreeClassifier,
    }


@pytest.mark.parametrize(
    "param, value, match",
    [
        ("n_iter", 0, "n_iter"),
        ("n_points", "many", "n_points"),
        ("surrogate", "forest", "surrogate"),
        ("acquisition", "ucb", "acquisition"),
        ("xi", -0.1, "xi"),
        ("search_spaces", "x", "search_spaces"),
    ],
)
def test_search_validates_parameters_before_fitting(param, value, match):
    est = ScoreClassifier(fail_above=-10.0)  # any fit would fail loudly
    search = BayesSearchCV(est, {"x": Real(0.0, 1.0)}, cv=2, error_score="raise")
    search.set_params(**{param: value})
    with pytest.raises((ValueError, TypeError), match=match):
        search.fit(X, Y)


@pytest.mark.parametrize("keyword", ["param_distributions", "search_spaces"])
def test_search_rejects_unknown_parameter_names(keyword):
    # the message names the keyword the space was given as
    space = {keyword: {"nope": Real(0.0, 1.0)}}
    with pytest.raises(ValueError, match=f"'nope' in {keyword} "):
        BayesSearchCV(ScoreClassifier(), cv=2, **space).fit(X, Y)


def _expected_failed(search):
    # Reason as scikit-learn gives it for its own searches: Ridge takes a
    # 2-d y as multi-output and does not warn, while the search's tags do
    # not claim multi-output support.
    if isinstance(search.estimator, Ridge):
        return {"check_supervised_y_2d": "DataConversionWarning not caught"}
    return {}


@parametrize_with_checks(
    [
        BayesSearchCV(
            Ridge(),
            {"alpha": Real(0.1, 10.0, log=True)},
            n_iter=3,
            n_initial_points=2,
            cv=2,
            random_state=0,
            error_score="raise",
        ),
        BayesSearchCV(
            KNeighborsClassifier(),
            {"n_neighbors": Integer(1, 4), "weights": ["uniform", "distance"]},
            n_iter=3,
            n_initial_points=2,
            cv=2,
            random_state=0,
            error_score="raise",
        ),
    ],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
