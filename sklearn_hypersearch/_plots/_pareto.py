"""plot_pareto_front and plot_hypervolume: multi-objective searches."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import itertools

import numpy as np

from sklearn_hypersearch._plots._results import fitted_results, floats, pyplot
from sklearn_hypersearch._search._objectives import (
    BUILTIN_COLUMNS,
    _comparable,
    _hypervolume_history,
)
from sklearn_hypersearch._strategies._pareto import non_dominated_sort

# Area of the chosen model's star and of the other points, in points squared.
_STAR_SIZE = 220
_DOT_SIZE = 16


def _objectives_of(results, search, objectives, caller):
    """``(names, columns, signs)`` of the objectives to plot."""
    if objectives is None:
        objectives = getattr(search, "objectives", None)
        if objectives is None:
            raise ValueError(
                f"{caller} needs objectives: pass a search fitted with "
                "objectives, or objectives={name: 'max' or 'min'} for its "
                "cv_results_."
            )
    if not isinstance(objectives, dict) or not objectives:
        raise ValueError(
            f"objectives must be a non-empty dict of name -> 'max' or 'min', got "
            f"{objectives!r}."
        )
    names, columns, signs = [], [], []
    for name, direction in objectives.items():
        if direction not in ("max", "min"):
            raise ValueError(
                f"objectives[{name!r}] must be 'max' or 'min', got {direction!r}."
            )
        column = _column_of(results, search, name)
        names.append(name)
        columns.append(column)
        signs.append(1.0 if direction == "max" else -1.0)
    return names, columns, np.array(signs)


def _column_of(results, search, name):
    scoring = getattr(search, "scoring", None)
    single = scoring is None or isinstance(scoring, str) or callable(scoring)
    candidates = [name, f"mean_test_{name}", BUILTIN_COLUMNS.get(name)]
    if single and name == scoring:
        candidates.insert(0, "mean_test_score")
    for key in candidates:
        if key is not None and key in results:
            return key
    metrics = sorted(
        k[len("mean_test_") :] for k in results if k.startswith("mean_test_")
    )
    raise ValueError(
        f"objective {name!r} is not in cv_results_; its metrics are {metrics} and "
        f"the built-in measures {sorted(BUILTIN_COLUMNS)}."
    )


def _label(name, sign):
    return f"{name} ({'higher' if sign > 0 else 'lower'} is better)"


def plot_pareto_front(search, *, objectives=None, ax=None):
    """Plot the evaluated candidates in objective space, with their front.

    Every candidate is a dot; those of the Pareto front are joined by the
    front's staircase (the region they dominate lies beyond it), infeasible
    candidates (``constraint_violation > 0``) are crosses, and the model
    chosen by ``refit`` (``best_index_``) is a star. With three objectives
    or more, one panel per pair of objectives shows the front of all of
    them (its points are not all non-dominated in each pair).

    Parameters
    ----------
    search : fitted search or dict
        A search fitted with ``objectives``, or any ``cv_results_`` (then
        give ``objectives``).

    objectives : dict of str -> {"max", "min"}, default=None
        The objectives to plot, by metric or built-in measure name (or
        ``cv_results_`` column). None plots the search's own.

    ax : matplotlib Axes, default=None
        Axes to draw on (two objectives only). None creates a new figure.

    Returns
    -------
    ax : matplotlib Axes or ndarray of Axes
        The axes drawn on: one for two objectives, one per pair otherwise.

    Notes
    -----
    Failed fits are left out. For a multi-fidelity search only the
    candidates of the largest resource are drawn (the others are not
    comparable).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sklearn_hypersearch import EvolutionSearchCV, Integer
    >>> from sklearn_hypersearch.plots import plot_pareto_front
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> search = EvolutionSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": Integer(1, 10), "min_samples_leaf": Integer(1, 50)},
    ...     objectives={"score": "max", "model_size": "min"},
    ...     population_size=6, n_iter=12, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> ax = plot_pareto_front(search)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('score (higher is better)', 'model_size (lower is better)')
    """
    plt = pyplot("plot_pareto_front")
    results, search = fitted_results(search, "plot_pareto_front")
    names, columns, signs = _objectives_of(
        results, search, objectives, "plot_pareto_front"
    )
    if len(names) < 2:
        raise ValueError(
            f"plot_pareto_front needs two objectives or more, got {names}."
        )
    values = np.column_stack([floats(results[c]) for c in columns])
    shown = _comparable(results) & np.isfinite(values).all(axis=1)
    violation = (
        floats(results["constraint_violation"])
        if "constraint_violation" in results
        else np.zeros(len(values))
    )
    feasible = shown & (violation == 0)
    front = np.zeros(len(values), dtype=bool)
    rows = np.flatnonzero(feasible)
    if len(rows):
        front[rows[non_dominated_sort(values[rows] * signs) == 0]] = True
    chosen = getattr(search, "best_index_", None)
    pairs = list(itertools.combinations(range(len(names)), 2))
    if len(pairs) == 1:
        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        axes = [ax]
    else:
        if ax is not None:
            raise ValueError(
                f"ax draws one pair of objectives; {len(names)} objectives need "
                f"{len(pairs)} panels: leave ax=None."
            )
        axes = _pair_axes(plt, len(pairs))
    for a, (i, j) in zip(axes, pairs):
        _draw_pair(a, values, signs, (i, j), shown, feasible, front, chosen)
        a.set_xlabel(_label(names[i], signs[i]))
        a.set_ylabel(_label(names[j], signs[j]))
    handles = [
        h for h in axes[0].collections + axes[0].get_lines() if h.get_label()[0] != "_"
    ]
    axes[0].legend(handles=handles, loc="best", fontsize="small")
    return axes[0] if len(axes) == 1 else np.asarray(axes)


def _pair_axes(plt, n):
    """``n`` panels, each with its own axes (the pairs do not share units)."""
    from sklearn_hypersearch._plots import _axes

    nrows, ncols = _axes.grid_shape(n)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(
            1.25 * _axes.PANEL_WIDTH * ncols + 0.7,
            _axes.PANEL_HEIGHT * nrows + 0.4,
        ),
        squeeze=False,
        layout="constrained",
    )
    axes = axes.ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    return list(axes[:n])


def _draw_pair(ax, values, signs, pair, shown, feasible, front, chosen):
    i, j = pair
    x, y = values[:, i], values[:, j]
    other = shown & feasible & ~front
    ax.scatter(x[other], y[other], s=_DOT_SIZE, color="0.6", label="candidates")
    bad = shown & ~feasible
    if bad.any():
        ax.scatter(
            x[bad], y[bad], s=_DOT_SIZE, marker="x", color="0.4", label="infeasible"
        )
    if front.any():
        ax.scatter(
            x[front],
            y[front],
            s=_DOT_SIZE * 2,
            color="C0",
            zorder=3,
            label="Pareto front",
        )
        if len(signs) == 2:
            sx, sy = _staircase(x[front], y[front], signs[i], signs[j])
            ax.plot(sx, sy, color="C0", linewidth=1.2, zorder=2)
    if chosen is not None and shown[chosen]:
        ax.scatter(
            [x[chosen]],
            [y[chosen]],
            s=_STAR_SIZE,
            marker="*",
            color="C3",
            edgecolor="k",
            linewidth=0.5,
            zorder=4,
            label="chosen (refit)",
        )


def _staircase(x, y, sx, sy):
    """The front's boundary: points sorted along x, steps towards worse x."""
    order = np.argsort(-x * sx)  # best x first
    xs, ys = x[order], y[order]
    px, py = [xs[0]], [ys[0]]
    for a, b in zip(xs[1:], ys[1:]):
        px += [a, a]
        py += [py[-1], b]
    return np.array(px), np.array(py)


def plot_hypervolume(*searches, ax=None, labels=None):
    """Plot the hypervolume of the front found so far against evaluations.

    With one search, its ``hypervolume_history_`` (objectives normalised on
    its own front, see ``hypervolume_reference_``). With several, every
    history is measured again in one normalisation, on the front of all the
    searches together (with the same 10 % margin), so that the lines
    compare.

    Parameters
    ----------
    *searches : fitted searches
        Searches fitted with the same ``objectives``.

    ax : matplotlib Axes, default=None
        Axes to draw on. None creates a new figure.

    labels : list of str, default=None
        Legend entry of each search; None uses the class names.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sklearn_hypersearch import CoarseToFineSearchCV, Integer
    >>> from sklearn_hypersearch.plots import plot_hypervolume
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> search = CoarseToFineSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": Integer(1, 10), "min_samples_leaf": Integer(1, 50)},
    ...     objectives={"score": "max", "model_size": "min"},
    ...     n_iter=12, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> ax = plot_hypervolume(search)
    >>> ax.get_xlabel()
    'evaluations'
    """
    if not searches:
        raise TypeError("plot_hypervolume needs at least one fitted search.")
    for s in searches:
        if not hasattr(s, "hypervolume_history_"):
            raise ValueError(
                f"plot_hypervolume needs searches fitted with objectives; "
                f"{type(s).__name__} has no hypervolume_history_."
            )
    if labels is not None and len(labels) != len(searches):
        raise ValueError(
            f"labels has {len(labels)} entries for {len(searches)} searches."
        )
    plt = pyplot("plot_hypervolume")
    from sklearn_hypersearch._plots import _axes
    from sklearn_hypersearch._plots._convergence import _labels

    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    histories = (
        [np.asarray(searches[0].hypervolume_history_)]
        if len(searches) == 1
        else _common_histories(searches)
    )
    names = labels or _labels([type(s).__name__ for s in searches])
    for history, label in zip(histories, names):
        ax.plot(
            np.arange(1, len(history) + 1), history, drawstyle="steps-post", label=label
        )
    ax.set_xlabel("evaluations")
    ax.set_ylabel("hypervolume of the front so far")
    _axes.set_numeric_axis(ax, log=False, integer=True)
    if labels is not None or len(searches) > 1:
        ax.legend(loc="lower right")
    return ax


def _common_histories(searches):
    """Hypervolume histories of several searches in one normalisation."""
    per_search = []
    for s in searches:
        results = s.cv_results_
        names, columns, signs = _objectives_of(results, s, None, "plot_hypervolume")
        Y = np.column_stack([floats(results[c]) for c in columns]) * signs
        ok = _comparable(results) & np.isfinite(Y).all(axis=1)
        if "constraint_violation" in results:
            ok &= floats(results["constraint_violation"]) == 0
        per_search.append((Y, ok))
    pooled = np.vstack([Y[ok] for Y, ok in per_search])
    if len(pooled) == 0:
        return [np.zeros(len(Y)) for Y, _ in per_search]
    front = pooled[non_dominated_sort(pooled) == 0]
    ideal, nadir = front.max(axis=0), front.min(axis=0)
    scale = np.where(ideal > nadir, ideal - nadir, 1.0)
    return [_hypervolume_history(Y, ok, nadir, scale) for Y, ok in per_search]
