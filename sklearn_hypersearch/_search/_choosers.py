"""Refit choosers: pick one model from a search's results.

Each chooser is a plain callable ``chooser(cv_results) -> int``, the
contract of scikit-learn's ``refit=callable``, so it works with every search
of this package and with :class:`~sklearn.model_selection.GridSearchCV` or
:class:`~sklearn.model_selection.RandomizedSearchCV` alike. A chooser only
reads ``cv_results_`` columns:

- candidates are the rows with the largest ``n_resources`` when that column
  exists (a multi-fidelity search's final rung), and the feasible ones
  (``constraint_violation == 0``) when that column exists and some are;
- a name is a ``cv_results_`` column (``"param_max_depth"``,
  ``"mean_fit_time"``), a metric (``"accuracy"`` reads
  ``mean_test_accuracy``, ``"score"`` reads ``mean_test_score``) or a
  built-in measure (``"fit_time"``, ``"score_time"``, ``"predict_time"``,
  ``"model_size"``);
- rows whose values are not finite (failed fits) are never chosen.

Writing your own: any function of ``cv_results_`` that returns a row index
will do, for instance the most accurate model that predicts in under
5 ms::

    def fast_enough(cv_results):
        ok = cv_results["mean_test_predict_time"] < 0.005
        scores = np.where(ok, cv_results["mean_test_score"], -np.inf)
        return int(np.argmax(scores))
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
import warnings

import numpy as np

from sklearn_hypersearch._search._objectives import BUILTIN_COLUMNS, _floats
from sklearn_hypersearch._strategies._pareto import non_dominated_sort

__all__ = ["cheapest_within", "epsilon_constraint", "knee_point"]


def _column(cv_results, name):
    """The float values of the column a name stands for."""
    for key in (name, f"mean_test_{name}", BUILTIN_COLUMNS.get(name)):
        if key is not None and key in cv_results:
            return _floats(cv_results[key])
    metrics = sorted(
        k[len("mean_test_") :] for k in cv_results if k.startswith("mean_test_")
    )
    raise ValueError(
        f"{name!r} is neither a cv_results_ column nor a metric {metrics} nor a "
        f"built-in measure {sorted(BUILTIN_COLUMNS)}."
    )


def _candidates(cv_results):
    """Mask of the rows a chooser may pick (final resource, feasible)."""
    n = len(cv_results["params"])
    mask = np.ones(n, dtype=bool)
    if "n_resources" in cv_results:
        budgets = _floats(cv_results["n_resources"])
        if np.isfinite(budgets).any():
            mask &= budgets == np.nanmax(budgets)
    if "constraint_violation" in cv_results:
        feasible = mask & (_floats(cv_results["constraint_violation"]) == 0)
        if feasible.any():
            mask = feasible
    return mask


def _first_best(values, rows):
    """The row of ``rows`` with the largest value (the first one of ties)."""
    return int(rows[np.argmax(values[rows])])


def _check_name(value, what):
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {value!r}.")


def _check_bounds(bounds):
    if not isinstance(bounds, dict) or not bounds:
        raise TypeError(
            "bounds must be a non-empty dict such as {'predict_time': ('<=', "
            f"0.005)}}, got {bounds!r}."
        )
    for name, bound in bounds.items():
        _check_name(name, "a key of bounds")
        if (
            not isinstance(bound, tuple | list)
            or len(bound) != 2
            or bound[0] not in ("<=", ">=")
            or not isinstance(bound[1], numbers.Real)
            or isinstance(bound[1], bool)
            or not math.isfinite(bound[1])
        ):
            raise ValueError(
                f"bounds[{name!r}] must be ('<=', bound) or ('>=', bound) with a "
                f"finite number, got {bound!r}."
            )


class _Chooser:
    """A refit callable with a readable repr (``get_params`` shows it)."""

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._args().items())
        return f"{self._name}({args})"

    def _args(self):
        return dict(vars(self))


class _CheapestWithin(_Chooser):
    _name = "cheapest_within"

    def __init__(self, metric, cost, n_std, tolerance, standard_error):
        self.metric = metric
        self.cost = cost
        self.n_std = n_std
        self.tolerance = tolerance
        self.standard_error = standard_error

    def __call__(self, cv_results):
        mean = _column(cv_results, self.metric)
        cost = _column(cv_results, self.cost)
        rows = np.flatnonzero(_candidates(cv_results) & np.isfinite(mean))
        if len(rows) == 0:
            raise ValueError(f"no candidate has a finite {self.metric!r} to choose by.")
        best = _first_best(mean, rows)
        if self.tolerance is not None:
            margin = float(self.tolerance)
        else:
            std = _column(cv_results, _std_name(self.metric, cv_results))[best]
            if self.standard_error:
                std /= math.sqrt(_n_splits(cv_results, self.metric))
            margin = self.n_std * (std if np.isfinite(std) else 0.0)
        near = rows[mean[rows] >= mean[best] - margin]
        near = near[np.isfinite(cost[near])]
        if len(near) == 0:
            return best
        # the cheapest; among equally cheap ones the best, then the first
        order = np.lexsort((near, -mean[near], cost[near]))
        return int(near[order[0]])


def _std_name(metric, cv_results):
    for key in (f"std_test_{metric}", metric.replace("mean_", "std_", 1)):
        if key in cv_results:
            return key
    raise ValueError(f"cv_results_ has no standard deviation column for {metric!r}.")


def _n_splits(cv_results, metric):
    name = metric[len("mean_test_") :] if metric.startswith("mean_test_") else metric
    n = sum(
        1 for k in cv_results if k.startswith("split") and k.endswith(f"_test_{name}")
    )
    return max(n, 1)


def cheapest_within(metric, cost, *, n_std=1.0, tolerance=None, standard_error=False):
    """Refit chooser: the cheapest model close enough to the best one.

    Among the candidates whose mean ``metric`` is at least the best mean
    minus a margin, the one with the smallest ``cost`` (ties: the better
    ``metric``, then the earlier row). The margin is ``n_std`` standard
    deviations of the best candidate's split scores (``std_test_<metric>``;
    divided by the square root of the number of splits with
    ``standard_error=True``, the standard error of the mean), or
    ``tolerance`` when it is given. With ``n_std=1`` and a parameter column
    as ``cost`` this is scikit-learn's example "Balance model complexity and
    cross-validated score".

    Parameters
    ----------
    metric : str
        The metric to be close to the best of (greater is better);
        ``"score"`` for a single-metric search.
    cost : str
        What to minimize among the close candidates: a built-in measure
        (``"model_size"``, ``"predict_time"``, ``"fit_time"``...), a metric,
        or any numeric ``cv_results_`` column (``"param_max_depth"``).
    n_std : float, default=1.0
        Width of the margin in standard deviations (standard errors).
    tolerance : float or None, default=None
        An absolute margin instead (``0.01`` for "within 1 % accuracy").
    standard_error : bool, default=False
        Whether the margin is in standard errors rather than standard
        deviations.

    Returns
    -------
    chooser : callable
        ``chooser(cv_results) -> int``, for ``refit=``.

    Examples
    --------
    >>> from sklearn_hypersearch import cheapest_within
    >>> cv_results = {
    ...     "params": [{"depth": 8}, {"depth": 2}, {"depth": 4}],
    ...     "mean_test_score": [0.95, 0.90, 0.94],
    ...     "std_test_score": [0.02, 0.02, 0.02],
    ...     "param_depth": [8, 2, 4],
    ... }
    >>> cheapest_within("score", cost="param_depth")(cv_results)
    2
    >>> cheapest_within("score", cost="param_depth", tolerance=0.05)(cv_results)
    1
    """
    _check_name(metric, "metric")
    _check_name(cost, "cost")
    for name, value in (("n_std", n_std), ("tolerance", tolerance)):
        if value is None and name == "tolerance":
            continue
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(f"{name} must be a number, got {value!r}.")
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be finite and >= 0, got {value!r}.")
    return _CheapestWithin(metric, cost, float(n_std), tolerance, bool(standard_error))


class _KneePoint(_Chooser):
    _name = "knee_point"

    def __init__(self, objectives):
        self.objectives = dict(objectives)

    def __call__(self, cv_results):
        names = list(self.objectives)
        signs = np.array([1.0 if self.objectives[n] == "max" else -1.0 for n in names])
        Y = np.column_stack([_column(cv_results, n) for n in names]) * signs
        rows = np.flatnonzero(_candidates(cv_results) & np.isfinite(Y).all(axis=1))
        if len(rows) == 0:
            raise ValueError(f"no candidate has finite values of {names} to choose by.")
        front = rows[non_dominated_sort(Y[rows]) == 0]
        F = Y[front]
        lo, hi = F.min(axis=0), F.max(axis=0)
        Z = (F - lo) / np.where(hi > lo, hi - lo, 1.0)
        # the farthest point from the hyperplane through the extremes
        return int(front[np.argmax(Z.sum(axis=1))])


def knee_point(objectives):
    """Refit chooser: the knee of the Pareto front, a balanced trade-off.

    The candidates' front is computed on ``objectives``; each objective is
    mapped to ``[0, 1]`` over the front (its worst value there to 0, its
    best to 1) and the chosen point has the largest sum of these values: it
    lies farthest beyond the hyperplane of points whose values sum to one,
    which in two objectives is the line through the front's two extreme
    points (the knee as defined by Das 1999). Ties go to the earlier row.

    Parameters
    ----------
    objectives : dict of str -> {"max", "min"}
        The objectives, as given to a search's ``objectives``.

    Returns
    -------
    chooser : callable
        ``chooser(cv_results) -> int``, for ``refit=``. A search with
        ``objectives`` and ``refit=True`` uses ``knee_point(objectives)``.

    References
    ----------
    .. [1] I. Das, "On characterizing the 'knee' of the Pareto curve based on
       normal-boundary intersection", Structural Optimization 18, 1999.

    Examples
    --------
    >>> from sklearn_hypersearch import knee_point
    >>> cv_results = {
    ...     "params": [{}, {}, {}, {}],
    ...     "mean_test_score": [0.99, 0.97, 0.80, 0.70],
    ...     "mean_test_model_size": [9000.0, 2000.0, 1500.0, 1000.0],
    ... }
    >>> knee_point({"score": "max", "model_size": "min"})(cv_results)
    1
    """
    _check_objective_dict(objectives)
    return _KneePoint(objectives)


def _check_objective_dict(objectives):
    if not isinstance(objectives, dict) or not objectives:
        raise TypeError(
            f"objectives must be a non-empty dict of name -> 'max' or 'min', got "
            f"{objectives!r}."
        )
    for name, direction in objectives.items():
        _check_name(name, "a key of objectives")
        if direction not in ("max", "min"):
            raise ValueError(
                f"objectives[{name!r}] must be 'max' or 'min', got {direction!r}."
            )


class _EpsilonConstraint(_Chooser):
    _name = "epsilon_constraint"

    def __init__(self, metric, bounds, maximize):
        self.metric = metric
        self.bounds = dict(bounds)
        self.maximize = maximize

    def __call__(self, cv_results):
        value = _column(cv_results, self.metric) * (1.0 if self.maximize else -1.0)
        mask = _candidates(cv_results) & np.isfinite(value)
        excess = np.zeros(len(value))
        for name, (op, bound) in self.bounds.items():
            x = _column(cv_results, name)
            over = x - bound if op == "<=" else bound - x
            scale = abs(bound) if bound != 0 else 1.0
            excess += np.where(np.isnan(x), np.inf, np.maximum(over, 0.0) / scale)
        rows = np.flatnonzero(mask)
        if len(rows) == 0:
            raise ValueError(f"no candidate has a finite {self.metric!r} to choose by.")
        inside = rows[excess[rows] == 0]
        if len(inside):
            return _first_best(value, inside)
        warnings.warn(
            f"epsilon_constraint: no candidate meets {self.bounds}; choosing the "
            "one that misses the bounds by the least.",
            UserWarning,
        )
        closest = rows[excess[rows] == excess[rows].min()]
        return _first_best(value, closest)


def epsilon_constraint(metric, bounds, *, maximize=True):
    """Refit chooser: the best ``metric`` among candidates within ``bounds``.

    The epsilon-constraint method: one objective is optimised, the others
    are bounded. If no candidate meets every bound, the one that misses them
    by the least (total excess relative to each bound) is chosen, with a
    warning.

    Parameters
    ----------
    metric : str
        The objective to optimise.
    bounds : dict of str -> (op, float)
        ``{"predict_time": ("<=", 0.005), "score": (">=", 0.9)}``: each a
        built-in measure, a metric or a ``cv_results_`` column, with
        ``"<="`` or ``">="``.
    maximize : bool, default=True
        Whether ``metric`` is to be maximized (scores) or minimized (costs).

    Returns
    -------
    chooser : callable
        ``chooser(cv_results) -> int``, for ``refit=``.

    Examples
    --------
    >>> from sklearn_hypersearch import epsilon_constraint
    >>> cv_results = {
    ...     "params": [{}, {}, {}],
    ...     "mean_test_score": [0.99, 0.97, 0.80],
    ...     "mean_test_predict_time": [2e-3, 4e-4, 1e-4],
    ... }
    >>> epsilon_constraint("score", {"predict_time": ("<=", 1e-3)})(cv_results)
    1
    """
    _check_name(metric, "metric")
    _check_bounds(bounds)
    return _EpsilonConstraint(
        metric, {k: (op, float(b)) for k, (op, b) in bounds.items()}, bool(maximize)
    )
