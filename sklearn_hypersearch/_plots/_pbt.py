"""plot_population and plot_schedule: population-based training."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from sklearn_hypersearch._plots._results import (
    dimension_of,
    fitted_results,
    floats,
    is_number,
    metric_label,
    pyplot,
    score_key,
    short_label,
    space_of,
)

_COLUMNS = ("member", "step", "parent")
# Colours of the exploit events and of the best schedule.
_EXPLOIT, _BEST = "C3", "black"


def _lineage(results):
    """``(member, step, parent)`` as arrays and ``{(member, step): row}``."""
    missing = [c for c in _COLUMNS if c not in results]
    if missing:
        raise ValueError(
            "the plot needs the cv_results_ columns member, step and parent "
            f"(PopulationBasedSearchCV); {missing} are missing."
        )
    members, steps, parents = (floats(results[c]) for c in _COLUMNS)
    where = {
        (int(m), int(s)): r
        for r, (m, s) in enumerate(zip(members, steps))
        if np.isfinite(m) and np.isfinite(s)
    }
    if not where:
        raise ValueError("cv_results_ has no row of a member.")
    return members, steps, parents, where


def _parent_row(r, steps, parents, where):
    if not (np.isfinite(parents[r]) and parents[r] >= 0):
        return None
    return where.get((int(parents[r]), int(steps[r]) - 1))


def _best_rows(search, results, scores, steps, parents, where):
    """Rows of the best schedule: the search's, or followed back from the
    best score of the last step."""
    schedule = getattr(search, "best_schedule_", None)
    if schedule is not None:
        return [entry["row"] for entry in schedule]
    last = max(s for _, s in where)
    finals = [r for (_, s), r in where.items() if s == last and np.isfinite(scores[r])]
    if not finals:
        return []
    rows = [max(finals, key=lambda r: scores[r])]
    while (parent := _parent_row(rows[-1], steps, parents, where)) is not None:
        rows.append(parent)
    return rows[::-1]


def plot_population(search, *, ax=None, metric=None):
    """Plot the population's scores over the steps, with the exploit events.

    Each member's score is a dot at each step, joined to the score of the
    model it trained on from: a line of its member's colour when it
    continued its own model, a dashed red line ending in a triangle when it
    copied a better member (an exploit). The best schedule (the lineage of
    the best model) is drawn in black.

    Parameters
    ----------
    search : fitted search or dict
        A fitted :class:`~sklearn_hypersearch.PopulationBasedSearchCV`, or
        ``cv_results_`` with the columns ``member``, ``step`` and
        ``parent``.

    ax : matplotlib Axes, default=None
        Axes to draw on. None creates a new figure.

    metric : str, default=None
        Metric of a multi-metric search; None plots the refit metric.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sklearn_hypersearch import PopulationBasedSearchCV, Real
    >>> from sklearn_hypersearch.plots import plot_population
    >>> X, y = load_digits(return_X_y=True)
    >>> search = PopulationBasedSearchCV(
    ...     SGDClassifier(learning_rate="invscaling", random_state=0),
    ...     {"alpha": Real(1e-6, 1e-1, log=True), "eta0": Real(1e-4, 1e-1, log=True)},
    ...     population_size=4, n_steps=5, step=2, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> ax = plot_population(search)
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('step', ['continued its model', 'copied a better member', 'best schedule'])
    """
    results, fitted = fitted_results(search, "plot_population")
    members, steps, parents, where = _lineage(results)
    key = score_key(results, fitted, metric)
    plt = pyplot("plot_population")
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    from sklearn_hypersearch._plots import _axes

    scores = floats(results[key])
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    own, own_colors, copied, exploits = [], [], [], []
    for (m, s), r in where.items():
        parent = _parent_row(r, steps, parents, where)
        if parent is None:
            continue
        segment = [(s - 1, scores[parent]), (s, scores[r])]
        if int(parents[r]) == m:
            own.append(segment)
            own_colors.append(f"C{m % 10}")
        else:
            copied.append(segment)
            exploits.append(r)
    ax.add_collection(LineCollection(own, colors=own_colors, linewidths=1.0, zorder=1))
    ax.add_collection(
        LineCollection(
            copied, colors=_EXPLOIT, linewidths=1.0, linestyles="--", zorder=2
        )
    )
    rows = np.array(sorted(where.values()))
    ax.scatter(
        steps[rows],
        scores[rows],
        s=12,
        c=[f"C{int(members[r]) % 10}" for r in rows],
        zorder=3,
    )
    if exploits:
        ax.scatter(
            steps[exploits],
            scores[exploits],
            marker="v",
            s=36,
            color=_EXPLOIT,
            zorder=4,
        )
    best = _best_rows(fitted, results, scores, steps, parents, where)
    if best:
        ax.plot(steps[best], scores[best], color=_BEST, linewidth=2.0, zorder=5)
    ax.autoscale_view()
    ax.set_xlabel("step")
    ax.set_ylabel(metric_label(key, fitted))
    _axes.set_numeric_axis(ax, log=False, integer=True)
    handles = [
        Line2D([], [], color="C0", marker="o", markersize=4),
        Line2D([], [], color=_EXPLOIT, linestyle="--", marker="v", markersize=6),
        Line2D([], [], color=_BEST, linewidth=2.0),
    ]
    labels = ["continued its model", "copied a better member", "best schedule"]
    ax.legend(handles, labels, loc="best", fontsize="small")
    return ax


def plot_schedule(search, *, params=None):
    """Plot the best model's schedule: each parameter in force, per step.

    One panel per parameter, one above the other over the steps; a dotted
    vertical line marks each step at which the model's lineage copied
    another member (its parameters changed there). Log-scaled parameters
    get a log axis.

    Parameters
    ----------
    search : fitted PopulationBasedSearchCV
        A search with ``best_schedule_``.

    params : list of str, default=None
        Parameters to show; None shows those the search perturbed
        (``perturb_``), or every parameter of the schedule if it perturbed
        none.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        One per parameter, in the order of ``params``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sklearn_hypersearch import PopulationBasedSearchCV, Real
    >>> from sklearn_hypersearch.plots import plot_schedule
    >>> X, y = load_digits(return_X_y=True)
    >>> search = PopulationBasedSearchCV(
    ...     SGDClassifier(learning_rate="invscaling", random_state=0),
    ...     {"alpha": Real(1e-6, 1e-1, log=True), "eta0": Real(1e-4, 1e-1, log=True)},
    ...     population_size=4, n_steps=5, step=2, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> axes = plot_schedule(search)
    >>> [ax.get_ylabel() for ax in axes], axes[-1].get_xlabel()
    (['alpha', 'eta0'], 'step')
    """
    results, fitted = fitted_results(search, "plot_schedule")
    schedule = getattr(fitted, "best_schedule_", None)
    if not schedule:
        raise ValueError(
            "plot_schedule needs a fitted PopulationBasedSearchCV with "
            "best_schedule_ (refit a metric, or a single metric)."
        )
    names = (
        list(params) if params is not None else list(getattr(fitted, "perturb_", []))
    )
    if not names:
        names = sorted(schedule[-1]["params"])
    unknown = [n for n in names if n not in schedule[-1]["params"]]
    if unknown:
        raise ValueError(
            f"params {unknown!r} are not parameters of the schedule "
            f"({sorted(schedule[-1]['params'])!r})."
        )
    plt = pyplot("plot_schedule")
    from sklearn_hypersearch._plots import _axes

    space = space_of(fitted)
    steps = np.array([e["step"] for e in schedule])
    copies = [
        (b["step"], b["member"], a["member"])
        for a, b in zip(schedule, schedule[1:])
        if b["member"] != a["member"]
    ]
    fig, axes = plt.subplots(
        len(names),
        1,
        sharex=True,
        squeeze=False,
        figsize=(_axes.PANEL_WIDTH * 2, _axes.PANEL_HEIGHT * len(names) * 0.8 + 0.4),
        layout="constrained",
    )
    axes = axes.ravel()
    for ax, name in zip(axes, names):
        values = [e["params"][name] for e in schedule]
        dim = dimension_of(space, name)
        if all(is_number(v) for v in values):
            ax.step(steps, values, where="post", marker="o", markersize=4)
            low, high = min(values), max(values)
            # a log axis only where it spans a decade (it labels few ticks)
            if getattr(dim, "is_log", False) and low > 0 and high / low >= 10:
                ax.set_yscale("log")
        else:
            labels = list(dict.fromkeys(short_label(v) for v in values))
            ax.step(
                steps,
                [labels.index(short_label(v)) for v in values],
                where="post",
                marker="o",
                markersize=4,
            )
            ax.set_yticks(range(len(labels)), labels)
        for step, _, _ in copies:
            ax.axvline(step, color=_EXPLOIT, linestyle=":", linewidth=1.0)
        ax.set_ylabel(name)
    axes[-1].set_xlabel("step")
    _axes.set_numeric_axis(axes[-1], log=False, integer=True)
    if copies:
        axes[0].set_title(
            "dotted: "
            + ", ".join(f"member {m} copied {src} at step {s}" for s, m, src in copies),
            fontsize="small",
        )
    return axes
