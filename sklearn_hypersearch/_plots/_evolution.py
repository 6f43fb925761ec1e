"""plot_evolution: the scores of each generation of an evolutionary search."""

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
from sklearn_hypersearch._search._evolution import _generation_history


def plot_evolution(search, *, ax=None, metric=None):
    """Plot the scores of each generation of an evolutionary search.

    Each evaluated individual is a grey dot at its generation; lines show
    the best and the mean score of each generation's new individuals and
    the best score so far (the elites, which survive without being
    refitted, keep it from falling).

    Parameters
    ----------
    search : fitted search or dict
        A fitted :class:`~sklearn_hypersearch.EvolutionSearchCV`, or
        ``cv_results_`` with a ``generation`` column.

    ax : matplotlib Axes, default=None
        Axes to draw on. None creates a new figure.

    metric : str, default=None
        Metric of a multi-metric search; None plots the refit metric.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Notes
    -----
    The lines are the ``"best"``, ``"mean"`` and ``"best_so_far"`` entries
    of :attr:`EvolutionSearchCV.history_
    <sklearn_hypersearch.EvolutionSearchCV>`, computed here from
    ``cv_results_`` so that any metric can be shown. Rows without a
    generation (from ``initial_results``) are left out.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sklearn_hypersearch import EvolutionSearchCV, Real
    >>> from sklearn_hypersearch.plots import plot_evolution
    >>> X, y = load_iris(return_X_y=True)
    >>> search = EvolutionSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, log=True)},
    ...     population_size=4, n_elite=1, n_generations=3, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> ax = plot_evolution(search)
    >>> [line.get_label() for line in ax.get_lines()]
    ['best of generation', 'mean of generation', 'best so far']
    """
    results, fitted = fitted_results(search, "plot_evolution")
    if "generation" not in results:
        raise ValueError(
            "plot_evolution needs the cv_results_ column 'generation' "
            "(EvolutionSearchCV)."
        )
    key = score_key(results, fitted, metric)
    plt = pyplot("plot_evolution")
    generations = floats(results["generation"])
    scores = floats(results[key])
    present = np.isfinite(generations)
    # the same per-generation statistics as EvolutionSearchCV.history_
    history = _generation_history(results, key)
    gens = history["generation"]
    if not gens:
        raise ValueError("cv_results_ has no row with a generation.")
    from sklearn_hypersearch._plots import _axes

    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    ax.scatter(
        generations[present],
        scores[present],
        s=12,
        color="0.6",
        zorder=1,
        label="evaluated individual",
    )
    ax.plot(gens, history["best"], marker="o", label="best of generation")
    ax.plot(gens, history["mean"], marker="s", label="mean of generation")
    ax.plot(
        gens,
        history["best_so_far"],
        drawstyle="steps-post",
        color="black",
        label="best so far",
    )
    ax.set_xlabel("generation")
    ax.set_ylabel(metric_label(key, fitted))
    _axes.set_numeric_axis(ax, log=False, integer=True)
    ax.legend()
    return ax
