"""Plots read at a glance: tick labels apart, markers inside, grids that fit.

Overlap and clipping are measured on the drawn figure (Agg), from the
window extents of the texts and markers matplotlib drew.
"""

import math

import numpy as np
import pytest

from sklearn_hypersearch import HyperbandSearchCV, Integer, Real, plots
from tests._helpers import QuadraticClassifier, toy_data


@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot

    yield matplotlib.pyplot
    matplotlib.pyplot.close("all")


def _drawn_labels(ax, axis="x"):
    """The tick labels, major and minor, drawn on ``axis`` of ``ax``."""
    ax.figure.canvas.draw()
    axis_ = ax.xaxis if axis == "x" else ax.yaxis
    low, high = sorted(axis_.get_view_interval())
    # ticks are drawn only inside the view (with float slack at its ends)
    slack = 1e-9 * (high - low)
    ticks = [
        (loc, tick.label1)
        for tick, loc in zip(axis_.get_major_ticks(), axis_.get_majorticklocs())
    ]
    ticks += [
        (loc, tick.label1)
        for tick, loc in zip(axis_.get_minor_ticks(), axis_.get_minorticklocs())
    ]
    return [
        label
        for loc, label in sorted(ticks, key=lambda pair: pair[0])
        if low - slack <= loc <= high + slack
        and label.get_visible()
        and label.get_text()
    ]


def _text_box(text, renderer):
    """Centre, unrotated (width, height) and direction angle of a drawn text."""
    box = text.get_window_extent(renderer)
    angle = math.radians(text.get_rotation())
    c, s = abs(math.cos(angle)), abs(math.sin(angle))
    if s < 1e-6:
        width, height = box.width, box.height
    elif c < 1e-6:
        width, height = box.height, box.width
    else:
        # the extent of a w x h box rotated by the angle: W = wc + hs, H = ws + hc
        width, height = np.linalg.solve([[c, s], [s, c]], [box.width, box.height])
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    return centre, width, height, angle


def overlapping_labels(ax, axis="x"):
    """Pairs of neighbouring tick labels of ``ax`` whose drawn text overlaps.

    Two labels at the same rotation overlap when their distance along the
    text direction is below their mean width and their distance across it
    below their mean height.
    """
    labels = _drawn_labels(ax, axis)
    renderer = ax.figure.canvas.get_renderer()
    boxes = [_text_box(label, renderer) for label in labels]
    pairs = []
    for (a, wa, ha, angle), (b, wb, hb, _), la, lb in zip(
        boxes, boxes[1:], labels, labels[1:]
    ):
        along = np.array([math.cos(angle), math.sin(angle)])
        across = np.array([-math.sin(angle), math.cos(angle)])
        d = b - a
        if abs(d @ along) < (wa + wb) / 2 and abs(d @ across) < (ha + hb) / 2:
            pairs.append((la.get_text(), lb.get_text()))
    return pairs


def _results(space, n=30, seed=0):
    """cv_results_ of ``n`` random candidates of ``space``, scored at random."""
    from sklearn_hypersearch import Space

    rng = np.random.default_rng(seed)
    params = Space(space).sample(n, random_state=seed)
    scores = rng.uniform(0.7, 0.8, size=n)
    return {"params": params, "mean_test_score": scores}


# -- tick labels --------------------------------------------------------------
# the issue's case: log axes spanning less than two decades, five panels
ISSUE_SPACE = {
    "learning_rate": Real(0.02, 0.3, log=True),
    "max_leaf_nodes": Integer(4, 64, log=True),
    "l2_regularization": Real(1e-3, 1.0, log=True),
    "min_samples_leaf": Integer(5, 50),
    "max_features": Real(0.3, 1.0),
}


def test_evaluations_tick_labels_do_not_overlap(plt):
    axes = plots.plot_evaluations(_results(ISSUE_SPACE), space=ISSUE_SPACE)
    for ax in axes:
        assert overlapping_labels(ax) == [], ax.get_xlabel()
        assert len(_drawn_labels(ax)) >= 2, ax.get_xlabel()


@pytest.mark.parametrize("dpi", [72, 80, 100, 150])
def test_tick_labels_do_not_overlap_at_any_dpi(plt, dpi):
    axes = plots.plot_evaluations(_results(ISSUE_SPACE), space=ISSUE_SPACE)
    axes[0].figure.set_dpi(dpi)
    for ax in axes:
        assert overlapping_labels(ax) == [], ax.get_xlabel()


@pytest.mark.parametrize(
    "low, high",
    [
        (0.02, 0.3),
        (3, 81),
        (0.3, 0.5),
        (1e-3, 1.0),
        (1e-2, 1e3),
        (1e-6, 1e-1),
        (1e-10, 1e10),
        (1.0, 1e6),
    ],
)
@pytest.mark.parametrize("width", [1.2, 2.5, 6.0])
def test_log_ticks_fit_any_range_and_width(plt, low, high, width):
    from sklearn_hypersearch._plots import _axes

    fig, ax = plt.subplots(figsize=(width, 2))
    _axes.set_numeric_axis(ax, log=True)
    ax.set_xlim(low, high)
    assert overlapping_labels(ax) == []
    assert len(_drawn_labels(ax)) >= 2


@pytest.mark.parametrize(
    "low, high", [(0, 1), (1e-4, 9e-4), (1e3, 1e6), (-5, 5), (123456, 123460)]
)
@pytest.mark.parametrize("width", [1.2, 2.5, 6.0])
def test_linear_ticks_fit_any_range_and_width(plt, low, high, width):
    from sklearn_hypersearch._plots import _axes

    fig, ax = plt.subplots(figsize=(width, 2))
    _axes.set_numeric_axis(ax, log=False)
    ax.set_xlim(low, high)
    assert overlapping_labels(ax) == []
    # a panel barely an inch wide may have room for one long label only
    assert len(_drawn_labels(ax)) >= (2 if width > 2 else 1)


def test_log_labels_between_decades_only_where_they_fit(plt):
    from sklearn_hypersearch._plots import _axes

    def labels(width, low, high):
        fig, ax = plt.subplots(figsize=(width, 2))
        _axes.set_numeric_axis(ax, log=True)
        ax.set_xlim(low, high)
        return [t.get_text() for t in _drawn_labels(ax)]

    # a wide panel over a decade and a bit: 1-2-5 labels, in plain digits
    assert labels(6.0, 0.02, 0.3) == ["0.02", "0.05", "0.1", "0.2"]
    # six decades in a narrow panel: decades only, not all of them
    narrow = labels(1.2, 1e-3, 1e3)
    assert set(narrow) <= {"0.001", "0.01", "0.1", "1", "10", "100", "1000"}
    assert 2 <= len(narrow) < 7


def test_log_labels_share_one_style_per_axis(plt):
    from sklearn_hypersearch._plots import _axes

    fig, ax = plt.subplots(figsize=(6, 2))
    _axes.set_numeric_axis(ax, log=True)
    ax.set_xlim(1e-6, 1e-1)
    texts = [t.get_text() for t in _drawn_labels(ax)]
    # 0.1 next to 10^-6 would mix two styles: every label is a power of 10
    assert texts and all(t.startswith("$") for t in texts)


@pytest.mark.parametrize("n", [2, 5, 12])
def test_long_categorical_labels_rotate_apart(plt, n):
    space = {"choice": [f"a rather long choice {i}" for i in range(n)]}
    (ax,) = plots.plot_evaluations(_results(space, n=3 * n), space=space)
    assert overlapping_labels(ax) == []
    assert len(_drawn_labels(ax)) == n


def test_short_categorical_labels_stay_horizontal(plt):
    space = {"kernel": ["rbf", "linear"], "C": Real(0.1, 10.0, log=True)}
    axes = plots.plot_evaluations(_results(space), space=space)
    (kernel,) = [ax for ax in axes if ax.get_xlabel() == "kernel"]
    labels = _drawn_labels(kernel)
    assert [t.get_rotation() for t in labels] == [0.0, 0.0]


# -- markers inside -----------------------------------------------------------
@pytest.mark.parametrize("n_params", [1, 3, 5, 8])
def test_best_star_is_inside_the_axes(plt, n_params):
    space = {"x": Real(0.02, 0.3, log=True), "n": Integer(1, 9), "k": ["a", "b"]}
    space.update({f"p{i}": Real(0.0, 1.0) for i in range(n_params - 3)})
    space = dict(list(space.items())[:n_params])
    results = _results(space)
    # the best candidate at the top of the score axis and at an end of x
    results["params"][3].update({"x": 0.3, "n": 1, "k": "b"})
    results["params"][3] = {k: results["params"][3][k] for k in space}
    results["mean_test_score"][3] = 0.95
    axes = plots.plot_evaluations(results, space=space)
    fig = axes[0].figure
    for ax in axes:
        star = ax.collections[1]
        (x, y) = star.get_offsets()[0]
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        assert x0 < x < x1 and y0 < y < y1
        # the whole drawn star, not only its centre
        box = _marker_box(star)
        inside = ax.get_window_extent(fig.canvas.get_renderer())
        assert box.x0 >= inside.x0 and box.x1 <= inside.x1, ax.get_xlabel()
        assert box.y0 >= inside.y0 and box.y1 <= inside.y1, ax.get_xlabel()


def _marker_box(collection):
    """Display extent of the first marker of a scatter, edge line included."""
    from matplotlib.transforms import Affine2D, Bbox

    collection.figure.canvas.draw()
    # the marker's path scaled to pixels at the last draw, around its centre
    scale = Affine2D(collection.get_transforms()[0])
    shape = collection.get_paths()[0].transformed(scale).get_extents()
    centre = collection.get_offset_transform().transform(collection.get_offsets()[0])
    edge = collection.get_linewidths()[0] / 2 * collection.figure.dpi / 72
    return Bbox(
        [
            [centre[0] + shape.x0 - edge, centre[1] + shape.y0 - edge],
            [centre[0] + shape.x1 + edge, centre[1] + shape.y1 + edge],
        ]
    )


# -- grids --------------------------------------------------------------------
GRIDS = {1: (1, 1), 2: (1, 2), 3: (1, 3), 4: (1, 4), 5: (2, 3), 6: (2, 3)}
GRIDS.update({7: (2, 4), 8: (2, 4), 9: (3, 3)})


@pytest.mark.parametrize("n, shape", sorted(GRIDS.items()))
def test_evaluations_grid_is_sized_to_the_panels(plt, n, shape):
    space = {f"p{i}": Real(0.0, 1.0) for i in range(n)}
    axes = plots.plot_evaluations(_results(space), space=space)
    assert len(axes) == n
    geometry = {ax.get_subplotspec().get_gridspec().get_geometry() for ax in axes}
    assert geometry == {shape}
    fig = axes[0].figure
    assert len(fig.axes) == n + 1  # the panels and the colour bar, no empty one
    # the score axis is named on the first panel of each row
    ylabels = [ax.get_ylabel() for ax in axes]
    assert ylabels == ["CV score" if i % shape[1] == 0 else "" for i in range(n)]


def test_shared_x_panels_above_an_empty_slot_keep_their_labels(plt):
    from sklearn_hypersearch._plots import _axes

    axes = _axes.grid_of_axes(plt, 5, sharex=True)
    for ax in axes:
        ax.plot([1, 10], [0, 1])
        assert _drawn_labels(ax), "x tick labels hidden"


# -- names and legends --------------------------------------------------------
class RoundsClassifier(QuadraticClassifier):
    """QuadraticClassifier with a resource parameter ``n_rounds``."""

    def __init__(self, x=0.0, flag=False, n_rounds=27):
        super().__init__(x=x, flag=flag)
        self.n_rounds = n_rounds

    def score(self, X, y, sample_weight=None):
        return super().score(X, y) - 1.0 / self.n_rounds


@pytest.fixture(scope="module")
def hyperband():
    return HyperbandSearchCV(
        RoundsClassifier(),
        {"x": Real(1e-3, 1.0, log=True), "flag": [False, True]},
        resource="n_rounds",
        max_resources=27,
        min_resources=1,
        factor=3,
        cv=2,
        random_state=0,
    ).fit(*toy_data(n_samples=40))


def test_hyperband_axes_name_the_resource_and_show_the_rungs(plt, hyperband):
    axes = plots.plot_hyperband(hyperband)
    ladder = sorted({r for rung in hyperband.n_resources_ for r in rung})
    assert ladder == [1, 3, 9, 27]
    for ax, counts in zip(axes, hyperband.n_candidates_):
        assert ax.get_xlabel() == "n_rounds"
        assert ax.get_title().endswith(f"{counts[0]} candidates")
        assert [t.get_text() for t in _drawn_labels(ax)] == ["1", "3", "9", "27"]
        assert overlapping_labels(ax) == []
    assert axes[0].get_ylabel() == "CV score"
    legend = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert legend == ["reached n_rounds=27", "stopped earlier"]


def test_hyperband_from_cv_results_names_the_detected_parameter(plt, hyperband):
    axes = plots.plot_hyperband(hyperband.cv_results_)
    assert axes[0].get_xlabel() == "n_rounds"


def test_hyperband_rung_ticks_thin_out_in_a_narrow_panel(plt):
    # one bracket of seven rungs, 1 to 729 rounds, for one candidate
    ladder = [3**k for k in range(7)]
    results = {
        "params": [{"a": 1, "n_rounds": r} for r in ladder],
        "mean_test_score": np.linspace(0.5, 0.9, 7),
        "n_resources": np.array(ladder),
        "bracket": np.zeros(7, dtype=int),
        "rung": np.arange(7),
    }
    (ax,) = plots.plot_hyperband(results)
    assert ax.get_xlabel() == "n_rounds"
    wide = [t.get_text() for t in _drawn_labels(ax)]
    assert wide == [str(r) for r in ladder]
    ax.figure.set_size_inches(1.8, 2.0)
    narrow = [t.get_text() for t in _drawn_labels(ax)]
    assert overlapping_labels(ax) == []
    # fewer ticks, always at rungs, always with the full resource
    assert 2 <= len(narrow) < 7
    assert set(narrow) <= set(wide) and narrow[-1] == "729"


def test_evaluations_names_colours_and_star(plt, hyperband):
    axes = plots.plot_evaluations(hyperband)
    fig = axes[0].figure
    colour_bar = fig.axes[-1]
    assert colour_bar.get_ylabel() == "resource (n_rounds)"
    assert [t.get_text() for t in colour_bar.get_yticklabels()] == [
        "1",
        "3",
        "9",
        "27",
    ]
    legend = colour_bar.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["best candidate"]


def test_evaluations_names_the_scoring_and_evaluation_order(plt):
    space = {"C": Real(0.1, 10.0, log=True)}
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC

    from sklearn_hypersearch import CoarseToFineSearchCV

    search = CoarseToFineSearchCV(
        SVC(), space, n_iter=4, n_stages=1, cv=2, scoring="accuracy", random_state=0
    ).fit(*load_iris(return_X_y=True))
    (ax,) = plots.plot_evaluations(search)
    assert ax.get_ylabel() == "CV accuracy"
    assert ax.figure.axes[-1].get_ylabel() == "evaluation order"
    assert plots.plot_convergence(search).get_ylabel() == "best CV accuracy so far"


def test_convergence_numbers_searches_of_one_class(plt):
    results = {"params": [{"a": 1}, {"a": 2}], "mean_test_score": np.array([0.1, 0.2])}

    class Fitted:
        cv_results_ = results

    ax = plots.plot_convergence(Fitted(), Fitted(), results)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["Fitted (1)", "Fitted (2)", "search 3"]
    assert overlapping_labels(ax) == []


def test_partial_dependence_legend_says_what_the_lines_are(plt):
    from sklearn_hypersearch import CoarseToFineSearchCV

    search = CoarseToFineSearchCV(
        QuadraticClassifier(),
        {"x": Real(0.02, 0.3, log=True)},
        n_iter=6,
        n_stages=1,
        cv=2,
        random_state=0,
    ).fit(*toy_data(n_samples=40))
    (ax,) = plots.plot_partial_dependence(search, n_points=5)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "model",
        "best candidate",
    ]
    assert ax.get_ylabel() == "partial dependence\nof CV score"
    assert overlapping_labels(ax) == []


def test_evolution_legend_names_the_dots(plt):
    from sklearn_hypersearch import EvolutionSearchCV

    search = EvolutionSearchCV(
        QuadraticClassifier(),
        {"x": Real(0.0, 1.0)},
        population_size=4,
        n_elite=1,
        n_generations=3,
        cv=2,
        random_state=0,
    ).fit(*toy_data(n_samples=40))
    ax = plots.plot_evolution(search)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == "evaluated individual"
    texts = [
        t.get_text().strip("$").replace(r"\mathdefault", "") for t in _drawn_labels(ax)
    ]
    assert texts == ["{0}", "{1}", "{2}"]
