"""plot_evaluations: the score of every candidate against each parameter."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from sklearn_hypersearch._plots._results import (
    best_row,
    category_positions,
    dimension_of,
    fitted_results,
    floats,
    is_number,
    metric_label,
    param_names,
    pyplot,
    score_key,
    space_of,
)
from sklearn_hypersearch._space import Categorical, Integer, Space

# Area of the best candidate's star, in points squared, and of the others' dots.
_STAR_SIZE = 160
_DOT_SIZE = 18


def plot_evaluations(search, params=None, *, metric=None, space=None):
    """Plot the score of every evaluated candidate against each parameter.

    One panel per parameter, sharing the score axis, in a grid of at most
    four columns. A log-scaled dimension gets a log axis, a categorical one
    a categorical axis (its choices in order). Points are coloured by
    evaluation order, so that where the search went late is visible; for a
    multi-fidelity search they are coloured by resource instead. A star
    marks the best candidate.

    Parameters
    ----------
    search : fitted search or dict
        A fitted search, or its ``cv_results_`` (then pass ``space`` to get
        log axes; without it every numeric parameter has a linear axis).

    params : list of str, default=None
        Parameters to plot. None plots every parameter of the space (of
        ``cv_results_`` when the space is not known).

    metric : str, default=None
        Metric of a multi-metric search; None plots the refit metric.

    space : Space, dict or list of dicts, default=None
        The searched space, when ``search`` is a dict. Ignored otherwise.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        One per parameter, in the order of ``params``.

    Notes
    -----
    Tick labels are chosen when the figure is drawn, to fit the panel's
    width: plain numbers such as ``0.02`` and ``0.05`` on a log axis that
    spans few decades, fewer ticks where the labels would otherwise touch.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sklearn_hypersearch import EvolutionSearchCV, Real
    >>> from sklearn_hypersearch.plots import plot_evaluations
    >>> X, y = load_iris(return_X_y=True)
    >>> search = EvolutionSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, log=True), "kernel": ["linear", "rbf"]},
    ...     population_size=4, n_elite=1, n_generations=2, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> axes = plot_evaluations(search)
    >>> [ax.get_xlabel() for ax in axes]
    ['C', 'kernel']
    >>> axes[0].get_xscale()
    'log'
    >>> axes[0].get_ylabel()
    'CV score'
    """
    results, fitted = fitted_results(search, "plot_evaluations")
    if fitted is not None:
        space = space_of(fitted)
    elif space is not None:
        space = Space.from_user(space)
    key = score_key(results, fitted, metric)
    rows = list(results["params"])
    names = param_names(rows, space, params)
    plt = pyplot("plot_evaluations")
    from matplotlib.colors import LogNorm, Normalize

    from sklearn_hypersearch._plots import _axes

    scores = floats(results[key])
    if "n_resources" in results:
        colour = floats(results["n_resources"])
        norm = LogNorm(np.nanmin(colour), np.nanmax(colour))
        colour_label = f"resource ({_resource_name(fitted)})"
    else:
        colour = np.arange(len(rows), dtype=float)
        norm, colour_label = Normalize(0, max(len(rows) - 1, 1)), "evaluation order"
    best = best_row(results, scores)

    axes = _axes.grid_of_axes(plt, len(names), extra_width=0.9)
    star_radius = np.sqrt(_STAR_SIZE) / 2
    scatter = star = None
    categorical_axes = []
    for ax, name in zip(axes, names):
        has = np.array([name in p for p in rows], dtype=bool)
        values = [p[name] for p in rows if name in p]
        dim = dimension_of(space, name)
        categorical = isinstance(dim, Categorical) or not all(map(is_number, values))
        if categorical:
            xs, cat_labels = category_positions(values, dim)
            _axes.set_categorical(ax, cat_labels)
            categorical_axes.append(ax)
        else:
            xs = np.asarray(values, dtype=float)
            _axes.set_numeric_axis(
                ax, dim is not None and dim.is_log, integer=isinstance(dim, Integer)
            )
        scatter = ax.scatter(
            xs, scores[has], c=colour[has], cmap="viridis", norm=norm, s=_DOT_SIZE
        )
        if best is not None and has[best]:
            star = ax.scatter(
                # position of row ``best`` among the rows that have ``name``
                xs[np.count_nonzero(has[:best])],
                scores[best],
                marker="*",
                s=_STAR_SIZE,
                c="red",
                edgecolors="black",
                zorder=3,
                label="best candidate",
            )
        ax.set_xlabel(name)
    _axes.label_rows(axes, metric_label(key, fitted))
    fig = axes[0].figure
    bar = fig.colorbar(scatter, ax=list(axes), label=colour_label, aspect=30)
    if "n_resources" in results:
        # few distinct resources: label each of them, in plain numbers
        levels = np.unique(colour[np.isfinite(colour)])
        bar.minorticks_off()
        bar.set_ticks(levels)
        bar.set_ticklabels([_axes.number_label(v) for v in levels])
    if star is not None:
        # one legend for the figure, above the colour bar's label
        bar.ax.legend(
            handles=[star],
            loc="lower left",
            bbox_to_anchor=(0.0, 1.01),
            frameon=False,
            borderaxespad=0.0,
            handletextpad=0.2,
        )
    _fit_to_panels(fig, axes, categorical_axes, star_radius)
    return axes


def _fit_to_panels(fig, axes, categorical_axes, star_radius):
    """Rotate categorical labels and pad the limits for the drawn panel sizes."""
    from sklearn_hypersearch._plots import _axes

    _axes.lay_out(fig)
    rotated = [_axes.rotate_categorical(ax) for ax in categorical_axes]
    if any(rotated):
        _axes.lay_out(fig)  # rotated labels are taller: the panels shrink
    for ax in axes:
        _axes.keep_markers_inside(ax, star_radius, x=ax not in categorical_axes)


def _resource_name(search):
    resource = getattr(search, "resource", None)
    return "n_resources" if resource is None else resource
