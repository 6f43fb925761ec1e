"""plot_convergence: best score so far against evaluations or time."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from sklearn_hypersearch._plots._results import (
    fitted_results,
    floats,
    metric_label,
    pyplot,
    score_key,
)


def plot_convergence(
    *searches_or_cv_results, ax=None, x="evaluations", labels=None, metric=None
):
    """Plot the best score found so far against evaluations or time.

    Draws one line per search, so that several searches (or several seeds of
    one) can be compared on the same budget.

    Parameters
    ----------
    *searches_or_cv_results : fitted searches or ``cv_results_`` dicts
        One or more fitted searches (any scikit-learn search, including
        :class:`~sklearn.model_selection.RandomizedSearchCV`), or their
        ``cv_results_``. Rows are taken in the order of ``cv_results_``,
        which is the order in which the searches of this package evaluated
        their candidates.

    ax : matplotlib Axes, default=None
        Axes to draw on. None creates a new figure.

    x : {"evaluations", "time"}, default="evaluations"
        What the horizontal axis counts: evaluated candidates, or the
        cumulative fit and score time of their cross-validation, summed
        over the CV splits (compute time: with ``n_jobs > 1`` the wall time
        is shorter).

    labels : list of str, default=None
        Legend entry of each search. None uses the class names of searches
        and ``"search 1"``, ``"search 2"``... for dicts. The legend is drawn
        when there are several searches or ``labels`` is given.

    metric : str, default=None
        Metric of a multi-metric search; None plots the refit metric.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Notes
    -----
    Failed fits (non-finite scores) do not improve the best score. For a
    multi-fidelity search such as
    :class:`~sklearn_hypersearch.HyperbandSearchCV`, scores obtained with
    small resources count like the others.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sklearn_hypersearch import CoarseToFineSearchCV, Real
    >>> from sklearn_hypersearch.plots import plot_convergence
    >>> X, y = load_iris(return_X_y=True)
    >>> search = CoarseToFineSearchCV(
    ...     SVC(), {"C": Real(1e-3, 1e2, log=True)},
    ...     n_iter=6, n_stages=2, top_k=1, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> ax = plot_convergence(search)
    >>> len(ax.get_lines())
    1
    >>> ax.get_xlabel()
    'evaluations'
    """
    if not searches_or_cv_results:
        raise TypeError("plot_convergence needs at least one search or cv_results_.")
    if x not in ("evaluations", "time"):
        raise ValueError(f"x must be 'evaluations' or 'time', got {x!r}.")
    if labels is not None and len(labels) != len(searches_or_cv_results):
        raise ValueError(
            f"labels has {len(labels)} entries for "
            f"{len(searches_or_cv_results)} searches."
        )
    plt = pyplot("plot_convergence")
    from sklearn_hypersearch._plots import _axes

    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    key, first = None, None
    names = []
    for obj in searches_or_cv_results:
        results, search = fitted_results(obj, "plot_convergence")
        first = search if first is None else first
        key = score_key(results, search, metric)
        scores = floats(results[key])
        best = np.fmax.accumulate(np.where(np.isfinite(scores), scores, np.nan))
        if x == "evaluations":
            xs = np.arange(1, len(scores) + 1)
        else:
            xs = np.cumsum(_compute_time(results, key))
        names.append(None if search is None else type(search).__name__)
        ax.plot(xs, best, drawstyle="steps-post")
    for line, label in zip(ax.get_lines()[-len(names) :], labels or _labels(names)):
        line.set_label(label)
    if x == "evaluations":
        ax.set_xlabel("evaluations")
        _axes.set_numeric_axis(ax, log=False, integer=True)
    else:
        ax.set_xlabel("fit + score time, summed over CV splits (s)")
    ax.set_ylabel(f"best {metric_label(key, first)} so far")
    if labels is not None or len(searches_or_cv_results) > 1:
        # best-so-far lines rise to the right: the lower right stays free
        ax.legend(loc="lower right")
    return ax


def _labels(names):
    """Legend entries: class names, numbered where a class comes twice."""
    labels = []
    for i, name in enumerate(names):
        if name is None:
            labels.append(f"search {i + 1}")
        elif names.count(name) > 1:
            labels.append(f"{name} ({names[: i + 1].count(name)})")
        else:
            labels.append(name)
    return labels


def _compute_time(results, key):
    """Fit and score seconds of each row, summed over its CV splits."""
    suffix = key[len("mean_test_") :]
    n_splits = sum(
        1 for k in results if k.startswith("split") and k.endswith(f"_test_{suffix}")
    )
    seconds = floats(results["mean_fit_time"]) + floats(results["mean_score_time"])
    return np.nan_to_num(seconds) * max(n_splits, 1)
