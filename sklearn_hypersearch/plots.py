"""Plots of fitted searches (needs matplotlib, the ``plots`` extra).

Every function takes a fitted search (or, where that is enough, its
``cv_results_`` dict), draws with :mod:`matplotlib` and returns the axes it
drew on, so that the figure can be changed or saved by the caller.
matplotlib is imported when a function is called, never when this module is
imported, and no backend is chosen here.

Scores are those of the refit metric (``mean_test_score`` for a single
metric); pass ``metric`` to plot another one of a multi-metric search.
Axes are named after the parameters and the metric; tick labels are chosen
when a figure is drawn so that they fit its panels.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

from sklearn_hypersearch._plots._convergence import plot_convergence
from sklearn_hypersearch._plots._evaluations import plot_evaluations
from sklearn_hypersearch._plots._evolution import plot_evolution
from sklearn_hypersearch._plots._hyperband import plot_hyperband
from sklearn_hypersearch._plots._pareto import plot_hypervolume, plot_pareto_front
from sklearn_hypersearch._plots._partial_dependence import plot_partial_dependence
from sklearn_hypersearch._plots._pbt import plot_population, plot_schedule

__all__ = [
    "plot_convergence",
    "plot_evaluations",
    "plot_evolution",
    "plot_hyperband",
    "plot_hypervolume",
    "plot_pareto_front",
    "plot_partial_dependence",
    "plot_population",
    "plot_schedule",
]
