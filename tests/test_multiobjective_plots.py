"""plot_pareto_front and plot_hypervolume, drawn on matplotlib's Agg backend."""

import numpy as np
import pytest

from sklearn_hypersearch import CoarseToFineSearchCV, EvolutionSearchCV, Real
from sklearn_hypersearch._strategies._pareto import hypervolume
from tests._helpers import QuadraticClassifier, RandomSearch, toy_data
from tests.test_multiobjective import CV, SCORING, TwoObjectives


@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot

    yield matplotlib.pyplot
    matplotlib.pyplot.close("all")


SPACE = {"a": Real(0.0, 1.0), "b": Real(0.0, 1.0)}


def _search(objectives, **kw):
    X, y = toy_data()
    return RandomSearch(
        TwoObjectives(),
        SPACE,
        n_iter=20,
        scoring=SCORING,
        objectives=objectives,
        cv=CV,
        random_state=0,
        **kw,
    ).fit(X, y)


def _offsets(ax, label):
    (points,) = [c for c in ax.collections if c.get_label() == label]
    return points.get_offsets()


def test_pareto_front_draws_the_front_and_the_chosen_model(plt):
    from sklearn_hypersearch.plots import plot_pareto_front

    search = _search({"f1": "min", "f2": "min"}, constraints={"f2": ("<=", 1.2)})
    ax = plot_pareto_front(search)
    r = search.cv_results_
    front = search.pareto_front_
    xy = np.column_stack([r["mean_test_f1"], r["mean_test_f2"]])
    assert sorted(map(tuple, _offsets(ax, "Pareto front"))) == sorted(
        map(tuple, xy[front])
    )
    infeasible = np.flatnonzero(r["constraint_violation"] > 0)
    assert len(_offsets(ax, "infeasible")) == len(infeasible)
    np.testing.assert_allclose(_offsets(ax, "chosen (refit)"), xy[[search.best_index_]])
    n_other = len(xy) - len(front) - len(infeasible)
    assert len(_offsets(ax, "candidates")) == n_other
    # the staircase passes through every front point
    (line,) = ax.get_lines()
    drawn = set(map(tuple, line.get_xydata()))
    assert set(map(tuple, xy[front])) <= drawn
    assert ax.get_xlabel() == "f1 (lower is better)"


def test_three_objectives_are_drawn_as_pairs(plt):
    from sklearn_hypersearch.plots import plot_pareto_front

    search = _search({"f1": "min", "f2": "min", "fit_time": "min"})
    axes = plot_pareto_front(search)
    assert len(axes) == 3
    labels = [(a.get_xlabel().split()[0], a.get_ylabel().split()[0]) for a in axes]
    assert labels == [("f1", "f2"), ("f1", "fit_time"), ("f2", "fit_time")]
    for a in axes:
        assert len(_offsets(a, "Pareto front")) == len(search.pareto_front_)
    with pytest.raises(ValueError, match="leave ax=None"):
        plot_pareto_front(search, ax=axes[0])


def test_pareto_front_of_plain_results_needs_objectives(plt):
    from sklearn_hypersearch.plots import plot_pareto_front

    X, y = toy_data()
    search = RandomSearch(QuadraticClassifier(), {"x": Real(0, 1)}, n_iter=4).fit(X, y)
    with pytest.raises(ValueError, match="needs objectives"):
        plot_pareto_front(search)
    ax = plot_pareto_front(
        search.cv_results_, objectives={"score": "max", "fit_time": "min"}
    )
    assert len(_offsets(ax, "Pareto front")) >= 1
    with pytest.raises(ValueError, match="'accuracy' is not in cv_results_"):
        plot_pareto_front(search, objectives={"accuracy": "max", "fit_time": "min"})


def test_hypervolume_lines_are_the_histories(plt):
    from sklearn_hypersearch.plots import plot_hypervolume

    search = _search({"f1": "min", "f2": "min"})
    ax = plot_hypervolume(search)
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), search.hypervolume_history_)
    X, y = toy_data()
    other = EvolutionSearchCV(
        TwoObjectives(),
        SPACE,
        population_size=5,
        n_iter=20,
        scoring=SCORING,
        objectives={"f1": "min", "f2": "min"},
        cv=CV,
        random_state=0,
    ).fit(X, y)
    ax = plot_hypervolume(search, other, labels=["random", "evolution"])
    ys = [line.get_ydata() for line in ax.get_lines()]
    # one normalisation for both, on the front of the two searches together
    fronts = [_front(search), _front(other)]
    pooled = np.vstack(fronts)
    keep = [
        not ((pooled >= p).all(axis=1) & (pooled > p).any(axis=1)).any() for p in pooled
    ]
    lo, hi = pooled[keep].min(axis=0), pooled[keep].max(axis=0)
    for F, y_line in zip(fronts, ys):
        expected = hypervolume((F - lo) / (hi - lo), ref=[-0.1, -0.1])
        assert y_line[-1] == pytest.approx(expected)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "random",
        "evolution",
    ]


def _front(search):
    r = search.cv_results_
    return -np.column_stack([r["mean_test_f1"], r["mean_test_f2"]])[
        search.pareto_front_
    ]


def test_hypervolume_needs_a_multiobjective_search(plt):
    from sklearn_hypersearch.plots import plot_hypervolume

    X, y = toy_data()
    search = CoarseToFineSearchCV(
        QuadraticClassifier(), {"x": Real(0, 1)}, n_iter=4, random_state=0
    ).fit(X, y)
    with pytest.raises(ValueError, match="fitted with objectives"):
        plot_hypervolume(search)
    with pytest.raises(TypeError, match="at least one"):
        plot_hypervolume()
