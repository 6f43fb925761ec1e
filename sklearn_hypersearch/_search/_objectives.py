"""Objectives and constraints of a multi-objective search, read from results.

A search given ``objectives`` learns, for every candidate, a vector of
``cv_results_`` columns oriented for maximization (``"min"`` objectives are
negated here, once), and a total constraint violation. The columns are
metrics of ``scoring`` (``mean_test_<name>``) or built-in cost measures:

``fit_time``
    ``mean_fit_time``: seconds to fit on a training fold.
``score_time``
    ``mean_score_time``: seconds to score a test fold (including the two
    measures below when they are used).
``predict_time``
    ``mean_test_predict_time``: seconds per sample of ``predict`` on the
    test fold, measured in the worker by an extra scorer.
``model_size``
    ``mean_test_model_size``: bytes of the fitted fold model pickled
    (protocol 5), measured in the worker by an extra scorer.

The extra scorers are merged into ``scoring`` while the search runs, so
their values are ``cv_results_`` columns like any metric and checkpoints
store them: a resumed search or a warm start reads every objective back.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
import os
import pickle
import time
import warnings

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.utils.validation import _num_samples

from sklearn_hypersearch._strategies._pareto import (
    crowding_distance,
    hypervolume,
    non_dominated_sort,
)

#: Built-in cost measures and the cv_results_ column that holds each.
BUILTIN_COLUMNS = {
    "fit_time": "mean_fit_time",
    "score_time": "mean_score_time",
    "predict_time": "mean_test_predict_time",
    "model_size": "mean_test_model_size",
}
# Reference point of the hypervolume, in objectives normalised so that the
# front's worst value is 0 and its best 1 (maximization): 10 % of the
# front's range beyond its worst value, so that its extreme points count.
REF = -0.1
_OPS = ("<=", ">=")


# -- cost measures computed in the workers ------------------------------------
class PredictTime:
    """Scorer: seconds per sample of ``estimator.predict`` on the test fold."""

    def __call__(self, estimator, X, y=None, **kwargs):
        start = time.perf_counter()
        estimator.predict(X)
        return (time.perf_counter() - start) / max(_num_samples(X), 1)

    def _accept_sample_weight(self):
        return False

    def __repr__(self):
        return "PredictTime()"


class ModelSize:
    """Scorer: bytes of the fitted estimator pickled with protocol 5."""

    def __call__(self, estimator, X, y=None, **kwargs):
        return float(len(pickle.dumps(estimator, protocol=5)))

    def _accept_sample_weight(self):
        return False

    def __repr__(self):
        return "ModelSize()"


_SCORERS = {"predict_time": PredictTime, "model_size": ModelSize}


# -- the objectives of one search ------------------------------------------------
class Objectives:
    """The validated ``objectives`` and ``constraints`` of a search.

    Attributes
    ----------
    names : list of str
    directions : list of {"max", "min"}
    columns : list of str
        The ``cv_results_`` column of each objective.
    constraints : list of (name, column, op, bound)
    extra : list of str
        Built-in measures computed by extra scorers merged into ``scoring``.
    """

    def __init__(self, names, directions, columns, constraints, extra, single):
        self.names = list(names)
        self.directions = list(directions)
        self.columns = list(columns)
        self.constraints = list(constraints)
        self.extra = list(extra)
        self.single = single  # the user's scoring is one metric ("score")
        self.signs = np.array([1.0 if d == "max" else -1.0 for d in directions])

    # -- scoring and refit while the search runs ------------------------------
    def scoring(self, scoring, estimator):
        """``scoring`` with the extra scorers merged in (or unchanged)."""
        if not self.extra:
            return scoring
        extras = {name: _SCORERS[name]() for name in self.extra}
        if scoring is None or isinstance(scoring, str):
            base = {"score": check_scoring(estimator, scoring)}
        elif callable(scoring):
            base = {"score": scoring}
        elif isinstance(scoring, dict):
            base = dict(scoring)
        else:
            base = {name: name for name in scoring}
        return {**base, **extras}

    def score_key(self, refit, results):
        """The column the stopping rules, callbacks and reports follow.

        ``refit`` as given by the user: a metric name names it; otherwise the
        first "max" objective that is a metric, else the user's first metric.
        """
        from sklearn_hypersearch._search._base import _score_key

        if isinstance(refit, str):
            return _score_key(refit, results)
        for column, direction in zip(self.columns, self.directions):
            if direction == "max" and column.startswith("mean_test_"):
                if column[len("mean_test_") :] not in self.extra:
                    return column
        if results is None or "mean_test_score" in results:
            return "mean_test_score"
        extra = {f"mean_test_{name}" for name in self.extra}
        metrics = sorted(
            k for k in results if k.startswith("mean_test_") and k not in extra
        )
        return metrics[0] if metrics else _score_key(refit, results)

    # -- values ---------------------------------------------------------------
    def _column(self, results, name, column):
        if column not in results:
            available = sorted(
                k[len("mean_test_") :] for k in results if k.startswith("mean_test_")
            )
            raise ValueError(
                f"objective or constraint {name!r} has no column {column!r} in "
                f"cv_results_; the metrics of scoring are {available} (and the "
                f"built-in measures {sorted(BUILTIN_COLUMNS)})."
            )
        return _floats(results[column])

    def values(self, results):
        """Objective vectors of every row, maximized: shape (n_rows, k)."""
        Y = np.column_stack(
            [self._column(results, n, c) for n, c in zip(self.names, self.columns)]
        )
        return Y * self.signs

    def violation(self, results):
        """Total constraint violation of every row (0: feasible), or None.

        Each constraint adds how far the value lies beyond its bound,
        relative to the bound (``|bound|``; 1 if the bound is 0), so that
        bounds in seconds and in bytes add up; NaN (a failed fit) is
        infinite.
        """
        if not self.constraints:
            return None
        total = np.zeros(len(results["params"]))
        for name, column, op, bound in self.constraints:
            x = self._column(results, name, column)
            over = x - bound if op == "<=" else bound - x
            scale = abs(bound) if bound != 0 else 1.0
            part = np.maximum(over, 0.0) / scale
            total += np.where(np.isnan(x), np.inf, part)
        return total

    # -- cv_results_ columns and fitted attributes ---------------------------------
    def annotate(self, results):
        """Add ``pareto_rank`` (1 is the front), ``crowding_distance`` and,
        with constraints, ``constraint_violation`` to ``results``."""
        n = len(results["params"])
        Y = self.values(results)
        v = self.violation(results)
        ranks = np.zeros(n, dtype=np.int32)
        crowd = np.zeros(n)
        for rows in _groups(results):
            if len(rows) == 0:
                continue
            r = non_dominated_sort(Y[rows], None if v is None else v[rows])
            ranks[rows] = r + 1
            crowd[rows] = crowding_distance(Y[rows], r)
        results["pareto_rank"] = ranks
        results["crowding_distance"] = crowd
        if v is not None:
            results["constraint_violation"] = v
        return results

    def attributes(self, results):
        """The fitted attributes of the front, from ``cv_results_``."""
        Y = self.values(results)
        v = self.violation(results)
        comparable = _comparable(results)
        ok = comparable & np.isfinite(Y).all(axis=1)
        if v is not None:
            ok &= v == 0
        rows = np.flatnonzero(ok)
        attrs = {
            "pareto_front_": np.zeros(0, dtype=np.intp),
            "hypervolume_": 0.0,
            "hypervolume_history_": np.zeros(len(Y)),
            "hypervolume_reference_": None,
        }
        if len(rows) == 0:
            return attrs
        ranks = non_dominated_sort(Y[rows])
        front = rows[ranks == 0]
        ideal, nadir = Y[front].max(axis=0), Y[front].min(axis=0)
        scale = np.where(ideal > nadir, ideal - nadir, 1.0)
        history = _hypervolume_history(Y, ok, nadir, scale)
        ref = (nadir + REF * scale) * self.signs
        attrs.update(
            pareto_front_=front.astype(np.intp),
            hypervolume_=float(history[-1]),
            hypervolume_history_=history,
            hypervolume_reference_={n: float(r) for n, r in zip(self.names, ref)},
        )
        return attrs

    def stopping_scores(self, results, rows):
        """Per row of ``rows``, how many rows up to it joined the front.

        A row joins the front when it is feasible, finite and neither
        dominated by nor equal to any earlier row of its group: ``patience``
        then counts candidates since the front last changed.
        """
        Y = self.values(results)
        v = self.violation(results)
        ok = np.isfinite(Y).all(axis=1)
        if v is not None:
            ok &= v == 0
        last = int(np.max(rows)) + 1 if len(rows) else 0
        joined = np.zeros(last, dtype=bool)
        for group in _groups(results):
            fronts = []
            for r in group[group < last]:
                if not ok[r]:
                    continue
                y = Y[r]
                if fronts and (np.asarray(fronts) >= y).all(axis=1).any():
                    continue
                fronts = [f for f in fronts if not (y >= f).all()] + [y]
                joined[r] = True
        counts = np.cumsum(joined)
        return counts[np.asarray(rows, dtype=int)].astype(float)

    def initial_told(self, initial_results, space):
        """``(params, Y, violation)`` of earlier results, for a warm start."""
        if isinstance(initial_results, dict):
            results = initial_results
        else:
            results = _results_of_checkpoint(os.fspath(initial_results), space)
        if "params" not in results:
            raise ValueError(
                "initial_results must be a cv_results_ dict (with a 'params' "
                "column and the objectives' columns) or a checkpoint path; got a "
                f"dict with the keys {sorted(results)!r}."
            )
        try:
            Y = self.values(results)
            v = self.violation(results)
        except ValueError as exc:
            raise ValueError(f"initial_results: {exc}") from None
        params = list(results["params"])
        keep = _comparable(results)
        if "n_resources" in results:
            names = set(space.names)
            budgets = _floats(results["n_resources"])
            params = [
                {k: x for k, x in p.items() if k in names or x != b}
                for p, b in zip(params, budgets)
            ]
        inside = np.array(
            [isinstance(p, dict) and space.contains(p) for p in params], dtype=bool
        )
        n_out = int((keep & ~inside).sum())
        if n_out:
            warnings.warn(
                f"initial_results: {n_out} of {int(keep.sum())} candidates are "
                "outside the search space and were left out.",
                UserWarning,
            )
        keep &= inside
        rows = np.flatnonzero(keep)
        return (
            [params[i] for i in rows],
            Y[rows],
            np.zeros(len(rows)) if v is None else v[rows],
        )


def _floats(column):
    """A results column as floats, NaN where masked or None."""
    if isinstance(column, np.ma.MaskedArray):
        column = column.astype(object).filled(None)
    return np.array([np.nan if x is None else float(x) for x in column])


def _groups(results):
    """Row indices of each group of comparable rows (one per resource)."""
    n = len(results["params"])
    if "n_resources" not in results:
        return [np.arange(n)]
    budgets = _floats(results["n_resources"])
    keys = np.where(np.isnan(budgets), -1.0, budgets)
    return [np.flatnonzero(keys == k) for k in np.unique(keys)]


def _comparable(results):
    """Mask of the rows the front is made of: the largest resource's."""
    n = len(results["params"])
    if "n_resources" not in results:
        return np.ones(n, dtype=bool)
    budgets = _floats(results["n_resources"])
    if np.isnan(budgets).all():
        return np.ones(n, dtype=bool)
    return budgets == np.nanmax(budgets)


def _hypervolume_history(Y, ok, nadir, scale):
    """Hypervolume of the front of the first ``i + 1`` rows, for every ``i``."""
    Z = (Y - nadir) / scale
    ref = np.full(Y.shape[1], REF)
    history = np.zeros(len(Y))
    front = np.zeros((0, Y.shape[1]))
    volume = 0.0
    for i in range(len(Y)):
        if ok[i]:
            z = Z[i]
            if not (len(front) and (front >= z).all(axis=1).any()):
                front = np.vstack([front[~(z >= front).all(axis=1)], z])
                volume = hypervolume(front, ref)
        history[i] = volume
    return history


def _results_of_checkpoint(path, space):
    """The mean columns of a checkpoint's full-budget rows, as cv_results_."""
    from sklearn_hypersearch._search._checkpoint import full_budget_records

    params, columns = [], {}
    for cand_params, splits in full_budget_records(path, space):
        row = len(params)
        params.append(cand_params)
        for key, value in _split_means(splits).items():
            columns.setdefault(key, [math.nan] * row).append(value)
        for values in columns.values():
            values.extend([math.nan] * (row + 1 - len(values)))
    return {"params": params, **{k: np.array(v) for k, v in columns.items()}}


def _split_means(splits):
    """Mean test scores and times of one candidate's split records."""
    values = {}
    for out in splits:
        scores = out.get("test_scores")
        scores = scores if isinstance(scores, dict) else {"score": scores}
        for name, s in scores.items():
            values.setdefault(f"mean_test_{name}", []).append(
                math.nan if s is None else float(s)
            )
        for key in ("fit_time", "score_time"):
            t = out.get(key)
            values.setdefault(f"mean_{key}", []).append(
                math.nan if t is None else float(t)
            )
    return {k: float(np.mean(v)) for k, v in values.items()}


# -- validation -------------------------------------------------------------------
def _metric_names(scoring):
    """``(names, single)``: the metric names of ``scoring`` (None if unknown
    before scoring: a callable may return a dict) and whether it is one
    metric (its column is ``mean_test_score``)."""
    if scoring is None:
        return {"score"}, True
    if isinstance(scoring, str):
        return {"score", scoring}, True
    if callable(scoring):
        return None, True
    if isinstance(scoring, dict):
        return set(scoring), False
    return set(scoring), False


def check_objectives(search):
    """The search's :class:`Objectives`, or None without ``objectives``.

    Raises ``TypeError`` / ``ValueError`` naming the parameter and what is
    wrong, before any fit.
    """
    objectives = search.objectives
    constraints = search.constraints
    if (objectives is not None or constraints) and (
        "objectives" not in type(search)._get_param_names()
    ):
        # a class that does not list them (set as attributes anyway)
        raise ValueError(
            f"{type(search).__name__} does not take objectives or constraints: "
            "it searches one score. Use another search class for several "
            f"objectives, got objectives={objectives!r}, "
            f"constraints={constraints!r}."
        )
    if objectives is None:
        if constraints:
            raise ValueError(
                "constraints need objectives: give objectives (e.g. "
                "{'score': 'max'}) to search under constraints, got "
                f"constraints={constraints!r} and objectives=None."
            )
        return None
    if not isinstance(objectives, dict) or not objectives:
        raise ValueError(
            "objectives must be a non-empty dict from a metric of scoring or a "
            f"built-in measure {sorted(BUILTIN_COLUMNS)} to 'max' or 'min', got "
            f"{objectives!r}."
        )
    names, single = _metric_names(search.scoring)
    columns, directions, extra = [], [], []

    def column_of(name, where):
        if not isinstance(name, str):
            raise TypeError(f"{where} keys must be str, got {name!r}.")
        if names is not None and name in names:
            return "mean_test_score" if single else f"mean_test_{name}"
        if name in BUILTIN_COLUMNS:
            if name in _SCORERS and name not in extra:
                extra.append(name)
            return BUILTIN_COLUMNS[name]
        if names is None:
            # a callable scoring may return a dict of metrics: checked once
            # the first results are in
            return "mean_test_score" if name == "score" else f"mean_test_{name}"
        raise ValueError(
            f"{where} names {name!r}, which is neither a metric of scoring "
            f"{sorted(names)} nor a built-in measure {sorted(BUILTIN_COLUMNS)}."
        )

    for name, direction in objectives.items():
        column = column_of(name, "objectives")
        if direction not in ("max", "min"):
            raise ValueError(
                f"objectives[{name!r}] must be 'max' or 'min', got {direction!r}."
            )
        if column in columns:
            raise ValueError(
                f"objectives[{name!r}] is the same column ({column!r}) as another "
                "objective."
            )
        columns.append(column)
        directions.append(direction)
    checked = []
    if constraints is not None:
        if not isinstance(constraints, dict):
            raise TypeError(
                "constraints must be a dict from a metric or built-in measure to "
                f"a bound such as ('<=', 0.05), got {constraints!r}."
            )
        for name, bound in constraints.items():
            column = column_of(name, "constraints")
            if (
                not isinstance(bound, tuple | list)
                or len(bound) != 2
                or bound[0] not in _OPS
                or not isinstance(bound[1], numbers.Real)
                or isinstance(bound[1], bool)
                or not math.isfinite(bound[1])
            ):
                raise ValueError(
                    f"constraints[{name!r}] must be ('<=', bound) or ('>=', bound) "
                    f"with a finite number as bound, got {bound!r}."
                )
            checked.append((name, column, bound[0], float(bound[1])))
    for param in ("target_score",):
        if getattr(search, param, None) is not None:
            raise ValueError(
                f"{param} needs one score, but the search has objectives "
                f"{list(objectives)}: leave {param}=None (patience counts the "
                "candidates since the Pareto front last changed)."
            )
    if getattr(search, "min_improvement", 0.0):
        raise ValueError(
            "min_improvement must be 0 with objectives (patience counts the "
            "candidates since the Pareto front last changed), got "
            f"min_improvement={search.min_improvement!r}."
        )
    return Objectives(list(objectives), directions, columns, checked, extra, single)
