"""Tests of GradientStrategy, the hypergradient back-ends and GradientSearchCV."""

import warnings
from unittest import mock

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import (
    ElasticNet,
    GammaRegressor,
    Lasso,
    LogisticRegression,
    PoissonRegressor,
    Ridge,
    RidgeClassifier,
    TweedieRegressor,
)
from sklearn.metrics import get_scorer
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_hypersearch import BayesSearchCV, Categorical, GradientSearchCV, Real
from sklearn_hypersearch._search._hypergradients import (
    RIDGE_CLASSIFIER_CRITERION,
    backend_for,
)
from sklearn_hypersearch._strategies._gradient import GradientStrategy

# -- the strategy -----------------------------------------------------------------

SPACE = {
    "a": Real(1e-3, 1e3, log=True),
    "b": Real(-1.0, 2.0),
    "kind": Categorical(["x", "y"]),
}


def _objective(params, centre=(1.3, 0.4)):
    """A quadratic in (log10 a, b), and its gradient in unit coordinates."""
    la, b = np.log10(params["a"]) - centre[0], params["b"] - centre[1]
    score = -(la**2 + 3 * b**2 + 0.5 * la * b)
    # u_a = (log10 a + 3) / 6 and u_b = (b + 1) / 3
    grad = [-(2 * la + 0.5 * b) * 6, -(6 * b + 0.5 * la) * 3, np.nan]
    return score, grad


def _run(strategy, budget, objective=_objective, with_gradient=True):
    asked = []
    while len(asked) < budget:
        batch = strategy.ask(budget - len(asked))
        if not batch:
            break
        rows = [objective(c.params) for c in batch]
        if with_gradient:
            strategy.tell(batch, [[s, *g] for s, g in rows])
        else:
            strategy.tell(batch, [s for s, _ in rows])
        asked += batch
    return asked


@pytest.mark.parametrize("mode", ["told", "finite_difference", "surrogate"])
def test_strategy_finds_the_optimum_of_a_quadratic(mode):
    strategy = GradientStrategy(SPACE, gradient=mode, random_state=0)
    asked = _run(strategy, 60, with_gradient=mode == "told")
    cand, score = strategy.best
    assert score == pytest.approx(0.0, abs=1e-8)
    assert cand.params["a"] == pytest.approx(10**1.3, rel=1e-4)
    assert cand.params["b"] == pytest.approx(0.4, abs=1e-4)
    # with scores only, a converged search restarts while the budget lasts
    assert strategy.converged or mode != "told"
    # the categorical dimension keeps the start point's value
    assert {c.params["kind"] for c in asked} == {strategy.start["kind"]}
    if mode == "told":
        assert len(asked) < 15


@pytest.mark.parametrize("mode", ["told", "finite_difference"])
def test_strategy_respects_bounds(mode):
    # the optimum lies outside the box: the search ends on its bounds
    def objective(params):
        return _objective(params, centre=(5.0, -3.0))

    strategy = GradientStrategy(SPACE, gradient=mode, random_state=1)
    asked = _run(strategy, 60, objective, with_gradient=mode == "told")
    for cand in asked:
        assert 1e-3 <= cand.params["a"] <= 1e3
        assert -1.0 <= cand.params["b"] <= 2.0
        assert all(isinstance(cand.params[k], float) for k in ("a", "b"))
    best = strategy.best[0].params
    assert best["a"] == pytest.approx(1e3)
    assert best["b"] == pytest.approx(-1.0)
    # one-sided differences at a bound reuse the point itself
    keys = [strategy.space.key(c.params) for c in asked]
    assert len(set(keys)) == len(keys)


def test_strategy_stencil_is_central_inside_the_box():
    strategy = GradientStrategy(SPACE, gradient="finite_difference", fd_step=0.1)
    strategy.tell([{"a": 1.0, "b": 0.5, "kind": "x"}], [0.0])  # u = (0.5, 0.5)
    start, *stencil = strategy.ask()
    sub = strategy.space.subspaces[0]
    units = sub.to_unit([c.params for c in stencil])[:, :2]
    expected = [[0.4, 0.5], [0.6, 0.5], [0.5, 0.4], [0.5, 0.6]]
    np.testing.assert_allclose(units, expected, atol=1e-12)


def test_strategy_restarts_with_scores_only():
    # two bumps: after refining the best told point, the rest of the budget
    # goes to the best point of the other region
    def objective(params):
        la, b = np.log10(params["a"]), params["b"]
        score = max(-((la - 2) ** 2) - (b - 1) ** 2, -0.5 - (la + 2) ** 2 - b**2)
        return score, None

    strategy = GradientStrategy(SPACE, gradient="finite_difference")
    strategy.tell(
        [{"a": 50.0, "b": 0.8, "kind": "x"}, {"a": 0.02, "b": 0.1, "kind": "x"}],
        [objective({"a": 50.0, "b": 0.8})[0], objective({"a": 0.02, "b": 0.1})[0]],
    )
    asked = _run(strategy, 80, objective, with_gradient=False)
    assert strategy.n_restarts >= 1
    assert any(np.log10(c.params["a"]) < -1 for c in asked)


def test_strategy_moves_on_the_log_scale():
    # a told unit gradient moves log10(a) linearly: the first step from the
    # start is initial_step of the unit interval, i.e. 0.6 decades here
    strategy = GradientStrategy(SPACE, random_state=0, initial_step=0.1)
    start = strategy.ask()[0]
    strategy.tell([start], [[-1.0, 1.0, 0.0, np.nan]])
    step = strategy.ask()[0]
    ratio = np.log10(step.params["a"]) - np.log10(start.params["a"])
    assert ratio == pytest.approx(0.6)
    assert step.params["b"] == pytest.approx(start.params["b"])


def test_strategy_backtracks_over_failures_and_same_seed_same_candidates():
    def objective(params):
        score, grad = _objective(params)
        if params["b"] > 1.0:  # a failed fit
            return np.nan, [np.nan] * 3
        return score, grad

    runs = [
        [c.params for c in _run(GradientStrategy(SPACE, random_state=3), 30, objective)]
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    strategy = GradientStrategy(SPACE, random_state=3)
    _run(strategy, 30, objective)
    assert strategy.best[1] == pytest.approx(0.0, abs=1e-6)


def test_strategy_starts_from_the_best_told_point():
    strategy = GradientStrategy(SPACE, random_state=0)
    told = [{"a": 1.0, "b": 0.0, "kind": "y"}, {"a": 20.0, "b": 0.5, "kind": "x"}]
    strategy.tell(told, [-5.0, -0.1])
    assert strategy.ask()[0].params == told[1]


def test_strategy_checks_its_settings():
    with pytest.raises(ValueError, match="gradient"):
        GradientStrategy(SPACE, gradient="exact")
    with pytest.raises(ValueError, match="fd_step"):
        GradientStrategy(SPACE, fd_step=0.7)


# -- back-ends against finite differences ------------------------------------------


def _problem(kind, seed):
    rng = np.random.default_rng(seed)
    n, n_val, p = 50, 30, 7
    X, X_val = rng.normal(size=(n, p)), rng.normal(size=(n_val, p))
    w = rng.normal(size=p)
    w /= np.linalg.norm(w)
    if kind == "regression":
        return (
            X,
            X @ w + 0.5 * rng.normal(size=n),
            X_val,
            X_val @ w + 0.5 * rng.normal(size=n_val),
        )
    if kind == "two_targets":
        W = np.column_stack([w, rng.normal(size=p)])
        return X, X @ W + rng.normal(size=(n, 2)), X_val, X_val @ W
    if kind == "binary":
        return X, (X @ w + 0.5 * rng.normal(size=n) > 0), X_val, X_val @ w > 0
    if kind == "multiclass":
        edges = [-0.5, 0.5]
        return (
            X,
            np.digitize(X @ w + 0.3 * rng.normal(size=n), edges),
            X_val,
            np.digitize(X_val @ w, edges),
        )
    if kind == "counts":
        return X, rng.poisson(np.exp(X @ w)), X_val, rng.poisson(np.exp(X_val @ w))
    if kind == "positive":
        return (
            X,
            np.exp(X @ w + 0.3 * rng.normal(size=n)),
            X_val,
            np.exp(X_val @ w + 0.3 * rng.normal(size=n_val)),
        )
    raise ValueError(kind)


TIGHT = dict(tol=1e-12, max_iter=100_000)
# lbfgs stops short of tol=1e-12 on some scikit-learn versions
NEWTON = dict(TIGHT, solver="newton-cholesky")
CASES = [
    (Ridge(alpha=2.0), "alpha", "regression", "neg_mean_squared_error"),
    (Ridge(alpha=0.3, fit_intercept=False), "alpha", "two_targets", "r2"),
    (
        Ridge(alpha=np.array([0.5, 3.0])),
        "alpha",
        "two_targets",
        "neg_mean_squared_error",
    ),
    (Ridge(alpha=1.0), "alpha", "regression", "neg_root_mean_squared_error"),
    (RidgeClassifier(alpha=2.0), "alpha", "multiclass", "neg_mean_squared_error"),
    (RidgeClassifier(alpha=2.0), "alpha", "binary", "neg_mean_squared_error"),
    (KernelRidge(kernel="rbf", gamma=0.1, alpha=0.5), "alpha", "regression", "r2"),
    (KernelRidge(kernel="rbf", gamma=0.1, alpha=0.5), "gamma", "regression", "r2"),
    (
        KernelRidge(kernel="rbf", gamma=0.1, alpha=np.array([0.5, 2.0])),
        "alpha",
        "two_targets",
        "neg_mean_squared_error",
    ),
    (LogisticRegression(C=0.3, **TIGHT), "C", "binary", "neg_log_loss"),
    (LogisticRegression(C=0.3, **TIGHT), "C", "binary", "neg_brier_score"),
    (LogisticRegression(C=2.0, **TIGHT), "C", "multiclass", "neg_log_loss"),
    (
        LogisticRegression(
            C=0.5, solver="newton-cholesky", fit_intercept=False, **TIGHT
        ),
        "C",
        "multiclass",
        "neg_log_loss",
    ),
    (
        PoissonRegressor(alpha=0.05, **NEWTON),
        "alpha",
        "counts",
        "neg_mean_poisson_deviance",
    ),
    (
        GammaRegressor(alpha=0.05, **NEWTON),
        "alpha",
        "positive",
        "neg_mean_gamma_deviance",
    ),
    (
        TweedieRegressor(power=1.5, alpha=0.05, **NEWTON),
        "alpha",
        "counts",
        "neg_mean_squared_error",
    ),
    (TweedieRegressor(power=0, alpha=0.05, **NEWTON), "alpha", "regression", "r2"),
    (Lasso(alpha=0.05, **TIGHT), "alpha", "regression", "neg_mean_squared_error"),
    (ElasticNet(alpha=0.05, l1_ratio=0.5, **TIGHT), "alpha", "regression", "r2"),
    (ElasticNet(alpha=0.05, l1_ratio=0.5, **TIGHT), "l1_ratio", "regression", "r2"),
    (
        ElasticNet(alpha=0.05, l1_ratio=0.7, **TIGHT),
        "l1_ratio",
        "two_targets",
        "neg_mean_squared_error",
    ),
]


def _validation_score(model, criterion, scorer, X_val, y_val):
    if criterion is RIDGE_CLASSIFIER_CRITERION:
        target = model._label_binarizer.transform(y_val).reshape(len(y_val), -1)
        decision = model.decision_function(X_val).reshape(len(y_val), -1)
        return -np.mean((decision - target) ** 2)
    return scorer(model, X_val, y_val)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    "estimator, name, kind, scoring",
    CASES,
    ids=[f"{type(c[0]).__name__}-{c[1]}-{c[2]}-{c[3]}" for c in CASES],
)
def test_hypergradient_matches_finite_differences(estimator, name, kind, scoring, seed):
    X, y, X_val, y_val = _problem(kind, seed)
    backend = backend_for(estimator)
    scorer = get_scorer(scoring)
    criterion = backend.criterion(scorer, estimator)
    model = clone(estimator).fit(X, y)
    score, grads = backend.gradient(model, X, y, None, X_val, y_val, [name], criterion)
    assert score == pytest.approx(
        _validation_score(model, criterion, scorer, X_val, y_val)
    )

    value = np.asarray(estimator.get_params()[name], dtype=float)
    h = 1e-5
    fd = np.empty(value.shape)
    for k in np.ndindex(value.shape):
        step = np.zeros_like(value)
        step[k] = h * value[k]
        ends = []
        for sign in (1, -1):
            v = value + sign * step
            v = v if v.ndim else float(v)
            m = clone(estimator).set_params(**{name: v}).fit(X, y)
            ends.append(_validation_score(m, criterion, scorer, X_val, y_val))
        fd[k] = (ends[0] - ends[1]) / (2 * step[k])
    np.testing.assert_allclose(grads[name], fd, rtol=1e-4, atol=1e-9)


def test_hypergradient_with_sample_weight():
    X, y, X_val, y_val = _problem("binary", 0)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, size=len(X))
    for est, name in [(LogisticRegression(C=0.3, **TIGHT), "C"), (Ridge(), "alpha")]:
        scoring = "neg_log_loss" if name == "C" else "r2"
        y_fit = y if name == "C" else y.astype(float)
        y_v = y_val if name == "C" else y_val.astype(float)
        backend, scorer = backend_for(est), get_scorer(scoring)
        criterion = backend.criterion(scorer, est)
        model = clone(est).fit(X, y_fit, sample_weight=sw)
        _, g = backend.gradient(model, X, y_fit, sw, X_val, y_v, [name], criterion)
        v = est.get_params()[name]
        ends = [
            scorer(
                clone(est).set_params(**{name: v * f}).fit(X, y_fit, sample_weight=sw),
                X_val,
                y_v,
            )
            for f in (1 + 1e-5, 1 - 1e-5)
        ]
        fd = (ends[0] - ends[1]) / (2e-5 * v)
        assert g[name] == pytest.approx(fd, rel=1e-4)


# -- the search ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def regression():
    return make_regression(n_samples=80, n_features=30, noise=10.0, random_state=0)


def _unit_fd(search_factory, X, y, params, name, dim, h=1e-5):
    """Central difference of mean_test_score in the unit coordinate of name."""
    u = dim.to_unit([params[name]])[0]
    ends = []
    for du in (h, -h):
        p = dict(params, **{name: dim.from_unit([u + du])[0]})
        s = search_factory({k: [v] for k, v in p.items()}).fit(X, y)
        ends.append(s.cv_results_["mean_test_score"][0])
    return (ends[0] - ends[1]) / (2 * h)


@pytest.mark.parametrize("with_pipeline", [False, True])
def test_told_gradient_is_the_unit_gradient_of_the_cv_score(regression, with_pipeline):
    X, y = regression
    est = Ridge()
    prefix = ""
    if with_pipeline:
        est = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())])
        prefix = "ridge__"
    dim = Real(1e-2, 1e3, log=True)
    space = {prefix + "alpha": dim}
    cv = KFold(4, shuffle=True, random_state=0)
    search = GradientSearchCV(
        est, space, n_iter=3, scoring="neg_mean_squared_error", cv=cv, random_state=0
    ).fit(X, y)
    results = search.cv_results_
    told = search._told_values(results, np.arange(3), "mean_test_score")
    assert told.shape == (3, 2)

    def factory(grid):
        from sklearn.model_selection import GridSearchCV

        return GridSearchCV(est, grid, scoring="neg_mean_squared_error", cv=cv)

    for row in range(3):
        fd = _unit_fd(factory, X, y, results["params"][row], prefix + "alpha", dim)
        assert told[row, 1] == pytest.approx(fd, rel=1e-4)
    assert f"mean_test_hypergradient_{prefix}alpha" in results
    assert f"rank_test_hypergradient_{prefix}alpha" not in results
    # the fitted attributes are the user's estimator's, not the probe's
    assert type(search.best_estimator_) is type(est)
    assert search.scorer_ is get_scorer("neg_mean_squared_error") or callable(
        search.scorer_
    )
    assert search.multimetric_ is False
    # without refit scikit-learn still gives a single metric's best
    no_refit = clone(search).set_params(refit=False).fit(X, y)
    assert no_refit.best_params_ == search.best_params_
    assert no_refit.best_score_ == search.best_score_
    assert search.score(X, y) == pytest.approx(
        get_scorer("neg_mean_squared_error")(search.best_estimator_, X, y)
    )


def test_exact_search_reaches_the_grid_optimum(regression):
    X, y = regression
    cv = KFold(5, shuffle=True, random_state=0)
    search = GradientSearchCV(
        Ridge(),
        {"alpha": Real(1e-3, 1e4, log=True)},
        n_iter=20,
        scoring="neg_mean_squared_error",
        cv=cv,
        random_state=0,
    ).fit(X, y)
    from sklearn.model_selection import cross_val_score

    grid = np.logspace(-3, 4, 300)
    scores = [
        cross_val_score(
            Ridge(alpha=a), X, y, cv=cv, scoring="neg_mean_squared_error"
        ).mean()
        for a in grid
    ]
    assert search.best_score_ >= max(scores) - 1e-6 * abs(max(scores))
    assert len(search.cv_results_["params"]) <= 20


def test_exact_search_logistic_two_hyperparameter_pipeline():
    X, y = make_classification(n_samples=200, n_features=10, random_state=0)
    pipe = Pipeline(
        [("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]
    )
    search = GradientSearchCV(
        pipe,
        {"clf__C": Real(1e-3, 1e3, log=True), "clf__fit_intercept": [True, False]},
        n_iter=8,
        scoring="neg_log_loss",
        cv=3,
        random_state=0,
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert search.best_score_ == np.max(scores)
    assert scores[-1] >= scores[0]
    flags = {p["clf__fit_intercept"] for p in search.cv_results_["params"]}
    assert flags == {search.start_params_["clf__fit_intercept"]}


@pytest.mark.parametrize("gradient", ["exact", "finite_difference"])
def test_same_random_state_same_candidates_any_n_jobs(regression, gradient):
    X, y = regression
    runs = [
        GradientSearchCV(
            ElasticNet(max_iter=5000),
            {"alpha": Real(1e-2, 1e2, log=True), "l1_ratio": Real(0.05, 1.0)},
            n_iter=7,
            gradient=gradient,
            scoring="neg_mean_squared_error",
            cv=3,
            random_state=0,
            n_jobs=n_jobs,
        )
        .fit(X, y)
        .cv_results_["params"]
        for n_jobs in (1, 2)
    ]
    assert runs[0] == runs[1]
    assert all(isinstance(v, float) for p in runs[0] for v in p.values())


def test_warm_start_from_bayes_results(regression):
    X, y = regression
    space = {"alpha": Real(1e-3, 1e4, log=True)}
    bayes = BayesSearchCV(
        Ridge(), space, n_iter=6, n_initial_points=4, cv=3, random_state=0
    ).fit(X, y)
    search = GradientSearchCV(
        Ridge(),
        space,
        n_iter=5,
        cv=3,
        random_state=0,
        initial_results=bayes.cv_results_,
    ).fit(X, y)
    assert search.start_params_ == bayes.best_params_
    assert search.cv_results_["params"][0] == bayes.best_params_
    assert search.best_score_ >= bayes.best_score_


def test_stopping_rules_read_the_score_not_the_gradient(regression):
    # neg MSE is far below target_score while its gradient at the smallest
    # alpha is positive: a stopper fed with the whole told rows stops at once
    X, _ = regression
    y = 10 * np.random.default_rng(0).normal(size=len(X))  # best alpha: large
    search = GradientSearchCV(
        Ridge(),
        {"alpha": Real(1e-3, 1e4, log=True)},
        n_iter=6,
        scoring="neg_mean_squared_error",
        cv=3,
        random_state=0,
        target_score=-1.0,
        tol=0.0,
        initial_results={"params": [{"alpha": 1e-3}], "mean_test_score": [0.0]},
    ).fit(X, y)
    assert search.cv_results_["mean_test_hypergradient_alpha"][0] > 0
    assert search.stop_reason_ != "target_score"
    assert len(search.cv_results_["params"]) > 1


def test_checkpoint_resume_with_gradients(regression, tmp_path):
    X, y = regression
    path = tmp_path / "ckpt.jsonl"

    def make(n_iter):
        return GradientSearchCV(
            Ridge(),
            {"alpha": Real(1e-3, 1e4, log=True)},
            n_iter=n_iter,
            cv=3,
            random_state=0,
            tol=0.0,
            checkpoint=path,
        )

    first = make(3).fit(X, y)
    resumed = make(6).fit(X, y)
    fresh = GradientSearchCV(
        Ridge(),
        {"alpha": Real(1e-3, 1e4, log=True)},
        n_iter=6,
        cv=3,
        random_state=0,
        tol=0.0,
    ).fit(X, y)
    assert resumed.cv_results_["params"][:3] == first.cv_results_["params"]
    assert resumed.cv_results_["params"] == fresh.cv_results_["params"]


def test_finite_difference_refines_any_estimator():
    X, y = make_regression(n_samples=150, n_features=5, noise=5.0, random_state=0)
    search = GradientSearchCV(
        HistGradientBoostingRegressor(max_iter=20, random_state=0),
        {"learning_rate": Real(0.01, 1.0, log=True)},
        n_iter=9,
        gradient="finite_difference",
        fd_step=0.05,
        cv=3,
        random_state=0,
    ).fit(X, y)
    roles = list(search.cv_results_["role"])
    assert roles[:3] == ["start", "finite_difference", "finite_difference"]
    assert search.best_score_ >= search.cv_results_["mean_test_score"][0]


# -- errors before any fit ------------------------------------------------------------


@pytest.mark.parametrize(
    "estimator, space, kwargs, match",
    [
        (
            HistGradientBoostingRegressor(),
            {"learning_rate": Real(0.01, 1.0)},
            {},
            "no hypergradient back-end for HistGradientBoostingRegressor",
        ),
        (
            LogisticRegression(),
            {"C": Real(0.01, 1.0)},
            {},
            "accuracy",
        ),
        (
            LogisticRegression(),
            {"C": Real(0.01, 1.0)},
            {"scoring": "roc_auc"},
            "cannot differentiate the scoring",
        ),
        (Ridge(), {"tol": Real(1e-5, 1e-3)}, {}, "with respect to 'tol'"),
        (
            Pipeline([("scale", StandardScaler()), ("ridge", Ridge())]),
            {"ridge__alpha": Real(0.1, 1.0), "scale__with_mean": [True]},
            {"param_distributions": {"ridge__alpha": Real(0.1, 1.0)}, "scoring": "f1"},
            "cannot differentiate the scoring",
        ),
        (
            KernelRidge(kernel="linear"),
            {"gamma": Real(0.1, 1.0)},
            {},
            "kernel='rbf' only",
        ),
        (
            LogisticRegression(solver="liblinear"),
            {"C": Real(0.1, 1.0)},
            {"scoring": "neg_log_loss"},
            "liblinear",
        ),
        (RidgeClassifier(), {"alpha": Real(0.1, 1.0)}, {}, "RidgeClassifier"),
        (Ridge(), {"fit_intercept": [True, False]}, {}, "no continuous dimension"),
    ],
)
def test_clear_errors_before_any_fit(estimator, space, kwargs, match):
    X, y = make_classification(n_samples=30, random_state=0)
    kwargs = dict(kwargs)
    space = kwargs.pop("param_distributions", space)
    search = GradientSearchCV(estimator, space, cv=2, **kwargs)
    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    with (
        mock.patch.object(type(final), "fit", side_effect=AssertionError("fitted")),
        pytest.raises(ValueError, match=match),
    ):
        search.fit(X, y)


def test_sample_weight_refused_where_unsupported():
    X, y = make_regression(n_samples=30, n_features=3, random_state=0)
    search = GradientSearchCV(Lasso(), {"alpha": Real(0.1, 1.0)}, cv=2)
    with pytest.raises(ValueError, match="sample_weight"):
        search.fit(X, y, sample_weight=np.ones(len(y)))


# -- scikit-learn conventions ------------------------------------------------


def _expected_failed(search):
    if isinstance(search.estimator, Ridge):
        return {"check_supervised_y_2d": "DataConversionWarning not caught"}
    return {}


@parametrize_with_checks(
    [
        GradientSearchCV(
            Ridge(),
            {"alpha": Real(0.1, 10.0, log=True)},
            n_iter=3,
            cv=2,
            error_score="raise",
            random_state=0,
        ),
        GradientSearchCV(
            LogisticRegression(),
            {"C": Real(0.1, 10.0, log=True)},
            scoring="neg_log_loss",
            n_iter=3,
            cv=2,
            error_score="raise",
            random_state=0,
        ),
        GradientSearchCV(
            Ridge(),
            {"alpha": Real(0.1, 10.0, log=True)},
            gradient="finite_difference",
            n_iter=3,
            cv=2,
            error_score="raise",
            random_state=0,
        ),
    ],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check(estimator)


def test_exact_search_multimetric_follows_the_refit_metric(regression):
    X, y = regression
    search = GradientSearchCV(
        Ridge(),
        {"alpha": Real(1e-3, 1e4, log=True)},
        scoring={"r2": "r2", "mse": "neg_mean_squared_error"},
        refit="mse",
        n_iter=4,
        cv=3,
        random_state=0,
        return_train_score=True,
    ).fit(X, y)
    results = search.cv_results_
    assert search.multimetric_ is True
    assert set(search.scorer_) == {"r2", "mse"}
    assert search.best_score_ == np.max(results["mean_test_mse"])
    assert search.score(X, y) == pytest.approx(
        get_scorer("neg_mean_squared_error")(search.best_estimator_, X, y)
    )
    # one gradient column, of the refit metric
    told = search._told_values(results, np.arange(4), "mean_test_mse")
    np.testing.assert_allclose(
        told[:, 1] / [p["alpha"] * np.log(1e7) for p in results["params"]],
        results["mean_test_hypergradient_alpha"],
    )
    # on the training folds: the slope of the training score (worse with alpha)
    assert np.all(results["mean_train_hypergradient_alpha"] < 0)
