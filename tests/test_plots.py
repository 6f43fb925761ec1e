"""Tests of sklearn_hypersearch.plots, drawn on matplotlib's Agg backend."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_hypersearch import (
    BayesSearchCV,
    CoarseToFineSearchCV,
    EvolutionSearchCV,
    HyperbandSearchCV,
    Integer,
    Real,
    Space,
    plots,
)
from sklearn_hypersearch._plots._partial_dependence import _observations
from tests._helpers import QuadraticClassifier, toy_data

# score = -(x - 0.3) ** 2 + 0.1 * flag: optimum x=0.3, flag=True
SPACE = {"x": Real(1e-3, 1.0, log=True), "flag": [False, True]}


@pytest.fixture
def plt():
    """pyplot on the Agg backend; every figure is closed after the test."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot

    yield matplotlib.pyplot
    matplotlib.pyplot.close("all")


@pytest.fixture(scope="module")
def data():
    return toy_data(n_samples=40)


@pytest.fixture(scope="module")
def bayes(data):
    return BayesSearchCV(
        QuadraticClassifier(),
        {"x": Real(0.0, 1.0), "flag": [False, True]},
        n_iter=14,
        n_initial_points=6,
        n_points=2,
        cv=2,
        random_state=0,
    ).fit(*data)


@pytest.fixture(scope="module")
def evolution(data):
    return EvolutionSearchCV(
        QuadraticClassifier(),
        SPACE,
        population_size=5,
        n_elite=1,
        n_generations=4,
        cv=2,
        random_state=0,
    ).fit(*data)


@pytest.fixture(scope="module")
def coarse(data):
    return CoarseToFineSearchCV(
        QuadraticClassifier(),
        SPACE,
        n_iter=8,
        n_stages=2,
        top_k=2,
        cv=2,
        random_state=0,
    ).fit(*data)


class BudgetClassifier(QuadraticClassifier):
    """QuadraticClassifier with an integer resource parameter ``n_rounds``."""

    def __init__(self, x=0.0, flag=False, n_rounds=9):
        super().__init__(x=x, flag=flag)
        self.n_rounds = n_rounds

    def score(self, X, y, sample_weight=None):
        # more rounds, better score: the resource matters
        return super().score(X, y) - 1.0 / self.n_rounds


@pytest.fixture(scope="module")
def hyperband(data):
    return HyperbandSearchCV(
        BudgetClassifier(),
        SPACE,
        resource="n_rounds",
        max_resources=9,
        min_resources=1,
        factor=3,
        cv=2,
        random_state=0,
    ).fit(*data)


def _scores(search):
    return np.asarray(search.cv_results_["mean_test_score"], dtype=float)


# -- convergence --------------------------------------------------------------
def test_convergence_one_line_per_search(plt, bayes, evolution, coarse):
    ax = plots.plot_convergence(bayes, evolution, coarse)
    lines = ax.get_lines()
    assert len(lines) == 3
    for line, search in zip(lines, (bayes, evolution, coarse)):
        scores = _scores(search)
        x, y = line.get_xdata(), line.get_ydata()
        np.testing.assert_array_equal(x, np.arange(1, len(scores) + 1))
        np.testing.assert_allclose(y, np.maximum.accumulate(scores))
        assert y[-1] == pytest.approx(search.best_score_)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["BayesSearchCV", "EvolutionSearchCV", "CoarseToFineSearchCV"]


def test_convergence_time_axis_is_cumulative_compute_time(plt, bayes):
    ax = plots.plot_convergence(bayes.cv_results_, x="time", labels=["mine"])
    (line,) = ax.get_lines()
    r = bayes.cv_results_
    expected = np.cumsum((r["mean_fit_time"] + r["mean_score_time"]) * 2)  # cv=2
    np.testing.assert_allclose(line.get_xdata(), expected)
    assert np.all(np.diff(line.get_xdata()) >= 0)
    assert "time" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["mine"]


def test_convergence_draws_on_given_axes_and_skips_failures(plt):
    fig, ax = plt.subplots()
    results = {
        "params": [{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}],
        "mean_test_score": np.array([np.nan, 0.2, 0.1, 0.5]),
    }
    out = plots.plot_convergence(results, ax=ax)
    assert out is ax
    y = ax.get_lines()[0].get_ydata()
    assert np.isnan(y[0])
    np.testing.assert_allclose(y[1:], [0.2, 0.2, 0.5])
    assert ax.get_legend() is None  # a single unlabelled search


def test_convergence_multimetric_uses_refit_metric_or_metric(plt, data):
    search = CoarseToFineSearchCV(
        QuadraticClassifier(),
        SPACE,
        n_iter=4,
        n_stages=1,
        cv=2,
        random_state=0,
        scoring={"acc": "accuracy", "own": lambda est, X, y: est.score(X, y)},
        refit="own",
    ).fit(*data)
    y_own = plots.plot_convergence(search).get_lines()[0].get_ydata()
    np.testing.assert_allclose(
        y_own, np.maximum.accumulate(search.cv_results_["mean_test_own"])
    )
    ax = plots.plot_convergence(search, metric="acc")
    assert ax.get_ylabel() == "best CV acc so far"
    with pytest.raises(ValueError, match="metric='nope'.*'acc', 'own'"):
        plots.plot_convergence(search, metric="nope")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(x="seconds"), ValueError, "x must be 'evaluations' or 'time'"),
        (dict(labels=["a", "b"]), ValueError, "labels has 2 entries for 1"),
    ],
)
def test_convergence_bad_arguments(plt, bayes, kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.plot_convergence(bayes, **kwargs)


def test_unfitted_or_wrong_input(plt):
    with pytest.raises(NotFittedError, match="BayesSearchCV instance is not fitted"):
        plots.plot_convergence(BayesSearchCV(QuadraticClassifier(), SPACE))
    with pytest.raises(TypeError, match="fitted search or its cv_results_"):
        plots.plot_evaluations([1, 2, 3])
    with pytest.raises(TypeError, match="at least one search"):
        plots.plot_convergence()


# -- evaluations --------------------------------------------------------------
def test_evaluations_axes_scales_and_points(plt, evolution):
    axes = plots.plot_evaluations(evolution)
    assert [ax.get_xlabel() for ax in axes] == ["flag", "x"]  # the space's order
    flag_ax, x_ax = axes
    assert x_ax.get_xscale() == "log"
    n_rows = len(evolution.cv_results_["params"])
    for ax in axes:
        points, best = ax.collections
        assert len(points.get_offsets()) == n_rows
        # the star marks the best candidate
        assert best.get_offsets()[0][1] == pytest.approx(evolution.best_score_)
    # categorical axis: the choices in order, at positions 0 and 1
    assert [t.get_text() for t in flag_ax.get_xticklabels()] == ["False", "True"]
    flags = [p["flag"] for p in evolution.cv_results_["params"]]
    np.testing.assert_array_equal(flag_ax.collections[0].get_offsets()[:, 0], flags)
    best_x = evolution.best_params_["x"]
    assert x_ax.collections[1].get_offsets()[0][0] == pytest.approx(best_x)


def test_evaluations_from_cv_results_with_and_without_space(plt, evolution):
    results = evolution.cv_results_
    axes = plots.plot_evaluations(results, params=["x"])
    assert len(axes) == 1 and axes[0].get_xscale() == "linear"
    axes = plots.plot_evaluations(results, params="x", space=SPACE)
    assert axes[0].get_xscale() == "log"


def test_evaluations_linear_integer_and_subspaces(plt, data):
    space = [
        {"x": Integer(0, 1), "flag": [True]},
        {"x": Real(1e-3, 1.0, log=True), "flag": [False]},
    ]
    search = CoarseToFineSearchCV(
        QuadraticClassifier(), space, n_iter=6, n_stages=1, cv=2, random_state=0
    ).fit(*data)
    axes = plots.plot_evaluations(search)
    # "x" takes its scale from the first subspace that has it: Integer, linear
    assert axes[1].get_xlabel() == "x" and axes[1].get_xscale() == "linear"


def test_evaluations_colours_by_resource(plt, hyperband):
    axes = plots.plot_evaluations(hyperband)
    # the resource parameter is not part of the space, so it is not plotted
    assert [ax.get_xlabel() for ax in axes] == ["flag", "x"]
    colours = axes[0].collections[0].get_array()
    np.testing.assert_array_equal(colours, hyperband.cv_results_["n_resources"])
    # the star is at the best full-resource candidate
    star = axes[1].collections[1].get_offsets()[0]
    assert star[1] == pytest.approx(hyperband.best_score_)


def test_evaluations_unknown_param(plt, evolution):
    with pytest.raises(ValueError, match=r"params \['C'\] were not searched"):
        plots.plot_evaluations(evolution, params=["C"])


# -- partial dependence -------------------------------------------------------
def test_partial_dependence_finds_the_known_optimum(plt, bayes):
    axes = plots.plot_partial_dependence(bayes, n_points=41)
    assert [ax.get_xlabel() for ax in axes] == ["flag", "x"]
    flag_ax, x_ax = axes
    for ax in axes:
        assert len(ax.get_lines()) == 2  # the dependence and the best value
    assert x_ax.get_xscale() == "linear"
    x, dependence = x_ax.get_lines()[0].get_data()
    assert len(x) == 41
    # score = -(x - 0.3)**2 + 0.1 * flag: the model should see both effects
    assert x[np.argmax(dependence)] == pytest.approx(0.3, abs=0.1)
    assert dependence[0] < dependence.max() - 0.04
    _, by_flag = flag_ax.get_lines()[0].get_data()
    assert by_flag[1] - by_flag[0] == pytest.approx(0.1, abs=0.05)
    # the best evaluated value is marked
    assert x_ax.get_lines()[1].get_xdata()[0] == pytest.approx(bayes.best_params_["x"])


def test_partial_dependence_log_axis_and_params(plt, evolution):
    (ax,) = plots.plot_partial_dependence(evolution, params=["x"], n_points=5)
    assert ax.get_xscale() == "log"
    x = ax.get_lines()[0].get_xdata()
    np.testing.assert_allclose(x, np.geomspace(1e-3, 1.0, 5))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(subspace=1), "subspace must be an index below 1"),
        (dict(params=["C"]), "must be parameters of subspace 0"),
        (dict(n_points=1), "n_points must be an int >= 2"),
    ],
)
def test_partial_dependence_bad_arguments(plt, evolution, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.plot_partial_dependence(evolution, **kwargs)


def test_partial_dependence_needs_a_search_and_finite_scores(plt, evolution):
    with pytest.raises(TypeError, match="needs the fitted search"):
        plots.plot_partial_dependence(evolution.cv_results_)


# -- Hyperband ----------------------------------------------------------------
def test_hyperband_one_axis_per_bracket_one_line_per_candidate(plt, hyperband):
    axes = plots.plot_hyperband(hyperband)
    assert len(axes) == hyperband.n_brackets_ == len(hyperband.n_candidates_)
    for ax, counts, resources in zip(
        axes, hyperband.n_candidates_, hyperband.n_resources_
    ):
        assert ax.get_xscale() == "log"
        lines = ax.get_lines()
        # every candidate of the first rung is one line...
        assert len(lines) == counts[0]
        # ...which climbs the rungs the candidate was promoted to
        lengths = sorted((len(line.get_xdata()) for line in lines), reverse=True)
        expected = sorted(
            (sum(1 for c in counts if c > k) for k in range(counts[0])), reverse=True
        )
        assert lengths == expected
        longest = max(lines, key=lambda line: len(line.get_xdata()))
        np.testing.assert_array_equal(longest.get_xdata(), resources)


def test_hyperband_from_cv_results_detects_the_resource_parameter(plt, hyperband):
    from_search = plots.plot_hyperband(hyperband)
    from_dict = plots.plot_hyperband(hyperband.cv_results_)
    assert [len(a.get_lines()) for a in from_dict] == [
        len(a.get_lines()) for a in from_search
    ]


def test_hyperband_needs_its_columns(plt, evolution):
    with pytest.raises(ValueError, match="bracket, rung and n_resources"):
        plots.plot_hyperband(evolution)


# -- evolution ----------------------------------------------------------------
def test_evolution_lines_match_history(plt, evolution):
    ax = plots.plot_evolution(evolution)
    best, mean, so_far = ax.get_lines()
    history = evolution.history_
    np.testing.assert_array_equal(best.get_xdata(), history["generation"])
    np.testing.assert_allclose(best.get_ydata(), history["best"])
    np.testing.assert_allclose(mean.get_ydata(), history["mean"])
    np.testing.assert_allclose(so_far.get_ydata(), history["best_so_far"])
    (dots,) = ax.collections
    assert len(dots.get_offsets()) == len(evolution.cv_results_["params"])


def test_evolution_needs_generations(plt, bayes):
    with pytest.raises(ValueError, match="'generation'"):
        plots.plot_evolution(bayes)


# -- without matplotlib -------------------------------------------------------
@pytest.mark.parametrize(
    "func, args",
    [
        (plots.plot_convergence, ("bayes",)),
        (plots.plot_evaluations, ("bayes",)),
        (plots.plot_partial_dependence, ("bayes",)),
        (plots.plot_hyperband, ("hyperband",)),
        (plots.plot_evolution, ("evolution",)),
    ],
)
def test_clear_error_without_matplotlib(monkeypatch, request, func, args):
    searches = [request.getfixturevalue(name) for name in args]
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    # None in sys.modules makes `import matplotlib` raise ImportError
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install sklearn-hypersearch\[plots\]"):
        func(*searches)


def test_importing_plots_does_not_import_matplotlib():
    code = (
        "import sys, sklearn_hypersearch.plots; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_partial_dependence_uses_only_its_subspace(plt, data):
    space = [{"x": Real(0.0, 1.0)}, {"x": Real(0.0, 1.0), "flag": [True]}]
    search = CoarseToFineSearchCV(
        QuadraticClassifier(), space, n_iter=8, n_stages=1, cv=2, random_state=0
    ).fit(*data)
    in_first = [p for p in search.cv_results_["params"] if "flag" not in p]
    assert 2 <= len(in_first) < 8
    points, scores = _observations(
        search.cv_results_, "mean_test_score", Space(space), 0
    )
    assert len(scores) == len(in_first)
    np.testing.assert_allclose(points[:, 0], [p["x"] for p in in_first])
    (ax,) = plots.plot_partial_dependence(search, subspace=0)
    assert ax.get_xlabel() == "x"
    axes = plots.plot_partial_dependence(search, subspace=1)
    assert [a.get_xlabel() for a in axes] == ["flag", "x"]
