"""plot_hyperband: each bracket's candidates climbing the rungs."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from sklearn_hypersearch._plots._results import (
    fitted_results,
    floats,
    is_number,
    metric_label,
    pyplot,
    score_key,
)

# Colours of the candidates that reached a bracket's last rung, and of the others.
_REACHED, _STOPPED = "C0", "0.65"


def plot_hyperband(search, *, metric=None):
    """Plot each Hyperband bracket: scores against resources, per candidate.

    One panel per bracket. Each line follows one candidate through the
    rungs it reached, against the resource (named after the resource
    parameter, such as ``clf__max_iter``, or ``n_samples``) on a log axis
    whose ticks are the rungs' resources. The candidates that reached the
    bracket's last rung are drawn in colour, the others grey; the legend
    says so.

    Parameters
    ----------
    search : fitted search or dict
        A fitted :class:`~sklearn_hypersearch.HyperbandSearchCV`, or
        ``cv_results_`` with the columns ``bracket``, ``rung`` and
        ``n_resources``.

    metric : str, default=None
        Metric of a multi-metric search; None plots the refit metric.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        One per bracket, in bracket order.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sklearn_hypersearch import HyperbandSearchCV, Integer
    >>> from sklearn_hypersearch.plots import plot_hyperband
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HyperbandSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": [1, 2, 3, 4, 5], "min_samples_leaf": Integer(1, 20)},
    ...     factor=2, random_state=0,
    ... ).fit(X, y)
    >>> axes = plot_hyperband(search)
    >>> search.n_candidates_
    [[4, 2, 1], [3, 1], [3]]
    >>> [len(ax.get_lines()) for ax in axes]
    [4, 2, 3]
    >>> axes[0].get_xlabel(), axes[0].get_title()
    ('n_samples', 'bracket 0: 4 candidates')
    """
    results, fitted = fitted_results(search, "plot_hyperband")
    missing = [c for c in ("bracket", "rung", "n_resources") if c not in results]
    if missing:
        raise ValueError(
            f"plot_hyperband needs the cv_results_ columns bracket, rung and "
            f"n_resources (HyperbandSearchCV); {missing} are missing."
        )
    key = score_key(results, fitted, metric)
    plt = pyplot("plot_hyperband")
    from matplotlib.lines import Line2D

    from sklearn_hypersearch._plots import _axes

    brackets = floats(results["bracket"])
    rungs = floats(results["rung"])
    resources = floats(results["n_resources"])
    scores = floats(results[key])
    params = list(results["params"])
    resource_keys = _resource_parameters(params, resources, fitted)
    name = _resource_name(fitted, resource_keys)

    order = sorted({int(b) for b in brackets if np.isfinite(b)})
    if not order:
        raise ValueError("cv_results_ has no row with a bracket.")
    ladder = np.unique(resources[np.isfinite(resources)])
    axes = _axes.grid_of_axes(plt, len(order), sharex=True)
    for ax, bracket in zip(axes, order):
        rows = np.flatnonzero(brackets == bracket)
        last_rung = np.nanmax(rungs[rows])
        # one trajectory per candidate: its parameters without the resource
        paths = {}
        for i in rows[np.argsort(rungs[rows], kind="stable")]:
            ident = repr(
                sorted((k, v) for k, v in params[i].items() if k not in resource_keys)
            )
            paths.setdefault(ident, []).append(i)
        for path in paths.values():
            reached = rungs[path[-1]] == last_rung
            ax.plot(
                resources[path],
                scores[path],
                marker="o",
                markersize=4,
                color=_REACHED if reached else _STOPPED,
                alpha=1.0 if reached else 0.7,
                zorder=2 if reached else 1,
            )
        _axes.set_fixed_log_axis(ax, ladder)
        ax.set_title(f"bracket {bracket}: {len(paths)} candidates")
        ax.set_xlabel(name)
    _axes.label_rows(axes, metric_label(key, fitted))
    full = _axes.number_label(ladder[-1]) if ladder.size else "?"
    handles = [
        Line2D([], [], color=_REACHED, marker="o", markersize=4),
        Line2D([], [], color=_STOPPED, marker="o", markersize=4),
    ]
    axes[0].legend(
        handles,
        [f"reached {name}={full}", "stopped earlier"],
        loc="best",
        fontsize="small",
    )
    return axes


def _resource_name(search, resource_keys):
    """The resource's axis name: the parameter (or ``n_samples``) it is."""
    resource = getattr(search, "resource", None)
    if resource is not None:
        return resource
    if len(resource_keys) == 1:
        return next(iter(resource_keys))
    return "n_resources"


def _resource_parameters(params, resources, search):
    """Parameter names that hold the resource (a budget passed as a parameter)."""
    resource = getattr(search, "resource", None)
    if resource is not None:
        return set() if resource == "n_samples" else {resource}
    names = {n for p in params for n in p}
    return {
        n
        for n in names
        if all(
            n in p and is_number(p[n]) and p[n] == r for p, r in zip(params, resources)
        )
    }
