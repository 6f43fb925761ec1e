"""Markdown tables of benchmark results (medians with quartiles, ratios).

Part of the benchmark harness (``harness.py`` re-exports everything public).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------
def _value(result, metric):
    value = metric(result) if callable(metric) else getattr(result, metric)
    return math.nan if value is None else float(value)


def _grid(results, metric):
    """{(method, task): array of metric values}, methods and tasks in order."""
    methods, tasks, cells = [], [], {}
    for r in results:
        if r.method not in methods:
            methods.append(r.method)
        if r.task not in tasks:
            tasks.append(r.task)
        cells.setdefault((r.method, r.task), []).append(_value(r, metric))
    return methods, tasks, {k: np.asarray(v) for k, v in cells.items()}


def _fmt(x):
    if not np.isfinite(x):
        return "nan" if np.isnan(x) else str(x)
    return f"{x:.3g}"


def _median_iqr(values):
    values = values[~np.isnan(values)]
    if values.size == 0:
        return "–"
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return f"{_fmt(med)} [{_fmt(q1)}, {_fmt(q3)}]"


def _markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def table(results, metric):
    """Markdown table: median [25th, 75th percentile] per method x task.

    Parameters
    ----------
    results : list of Result
    metric : str or callable
        A ``Result`` field ("regret", "test_score", "wall_time", ...) or a
        function of a Result. None values (regret of real tasks) are left
        out; an empty cell shows "–".
    """
    methods, tasks, cells = _grid(results, metric)
    rows = [
        [m] + [_median_iqr(cells.get((m, t), np.array([]))) for t in tasks]
        for m in methods
    ]
    return _markdown(["method"] + tasks, rows)


def ratio_table(results, metric, reference="random"):
    """Markdown table of median(metric) / median(metric of ``reference``).

    Useful for wall time or regret against random search; cells are
    "–" where the reference is missing or its median is 0.
    """
    methods, tasks, cells = _grid(results, metric)
    rows = []
    for m in methods:
        row = [m]
        for t in tasks:
            ref = cells.get((reference, t))
            val = cells.get((m, t))
            if ref is None or val is None:
                row.append("–")
                continue
            den, num = np.nanmedian(ref), np.nanmedian(val)
            row.append("–" if den == 0 or np.isnan(den) else f"{num / den:.3g}x")
        rows.append(row)
    return _markdown([f"method (vs {reference})"] + tasks, rows)
