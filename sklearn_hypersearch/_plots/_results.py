"""Reading fitted searches and their ``cv_results_`` for the plots."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
from collections.abc import Mapping

import numpy as np
from sklearn.exceptions import NotFittedError

from sklearn_hypersearch._search._base import _score_key as _search_score_key
from sklearn_hypersearch._space import Categorical, Space

# Tick labels of categorical values longer than this are cut.
MAX_LABEL = 20


def pyplot(caller):
    """Import matplotlib.pyplot, or say which extra provides it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib. Install the plots extra with "
            "`pip install sklearn-hypersearch[plots]` (or `pip install "
            "matplotlib`)."
        ) from exc
    return plt


def fitted_results(obj, caller):
    """``(cv_results_, search or None)`` of a fitted search or a results dict."""
    if isinstance(obj, Mapping):
        return obj, None
    results = getattr(obj, "cv_results_", None)
    if results is None:
        if hasattr(obj, "get_params"):
            raise NotFittedError(
                f"This {type(obj).__name__} instance is not fitted yet: call "
                f"'fit' before {caller}."
            )
        raise TypeError(
            f"{caller} expects a fitted search or its cv_results_ dict, got "
            f"{type(obj).__name__}."
        )
    return results, obj


def score_key(results, search, metric):
    """The ``mean_test_*`` column to plot."""
    if metric is not None:
        key = f"mean_test_{metric}"
        if key not in results:
            available = sorted(k[10:] for k in results if k.startswith("mean_test_"))
            raise ValueError(
                f"metric={metric!r} is not in cv_results_; its metrics are {available}."
            )
        return key
    if not any(k.startswith("mean_test_") for k in results):
        raise ValueError("cv_results_ has no 'mean_test_*' column.")
    # the column the search itself optimized
    return _search_score_key(getattr(search, "refit", None), results)


def metric_label(key, search=None):
    """Axis name of a ``mean_test_*`` column: ``"CV accuracy"``, ``"CV score"``.

    A single-metric search names its metric in ``scoring`` (a string);
    otherwise the column's suffix is the metric's name.
    """
    name = key[len("mean_test_") :]
    scoring = getattr(search, "scoring", None)
    if name == "score" and isinstance(scoring, str):
        name = scoring
    return f"CV {name}"


def floats(column):
    """A results column as floats, NaN where masked or None."""
    if isinstance(column, np.ma.MaskedArray):
        column = column.astype(object).filled(None)
    return np.array([np.nan if v is None else float(v) for v in column])


def space_of(search):
    """The Space a search searched, or None if it is not known."""
    if search is None:
        return None
    checked = getattr(search, "_checked_space", None)
    if checked is not None:
        # the search's own reading of its space (aliases, phases)
        return checked()
    for attr in (getattr(search, "_space_attr", None), "param_distributions"):
        if attr is not None and getattr(search, attr, None) is not None:
            return Space.from_user(getattr(search, attr))
    return None


def at_full_resource(results):
    """Mask of the rows worth comparing: those with the largest resource.

    A multi-fidelity search scores candidates with smaller resources too;
    those scores are not comparable with the final ones.
    """
    n = len(results["params"])
    if "n_resources" not in results:
        return np.ones(n, dtype=bool)
    resources = floats(results["n_resources"])
    if np.isnan(resources).all():
        return np.ones(n, dtype=bool)
    return resources == np.nanmax(resources)


def best_row(results, scores):
    """Index of the best finite score among the full-resource rows, or None."""
    candidates = np.flatnonzero(at_full_resource(results) & np.isfinite(scores))
    if candidates.size == 0:
        return None
    return int(candidates[np.argmax(scores[candidates])])


def dimension_of(space, name):
    """The dimension of ``name`` in the first subspace that has it."""
    if space is None:
        return None
    for sub in space.subspaces:
        if name in sub.names:
            return sub.dimensions[sub.names.index(name)]
    return None


def is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def short_label(value):
    """A category's tick label, cut to ``MAX_LABEL`` characters."""
    text = str(value)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 3] + "..."


def category_positions(values, dim):
    """Axis positions and tick labels of the values of a categorical axis.

    Categories are in the order of the dimension's choices when it is known,
    otherwise in order of first appearance.
    """
    dim = dim if isinstance(dim, Categorical) else None
    labels = [] if dim is None else [short_label(c) for c in dim.choices]
    positions = []
    for value in values:
        if dim is not None and dim.contains(value):
            positions.append(dim.index(value))
            continue
        label = short_label(value)
        if label not in labels:
            labels.append(label)
        positions.append(labels.index(label))
    return np.array(positions, dtype=float), labels


def param_names(rows, space, params):
    """Names to plot, checked against the evaluated rows."""
    seen = []
    for p in rows:
        seen += [n for n in p if n not in seen]
    if params is None:
        if space is not None:
            return [n for n in space.names if n in seen]
        return seen
    if isinstance(params, str):
        params = [params]
    unknown = [n for n in params if n not in seen]
    if unknown:
        raise ValueError(
            f"params {unknown} were not searched; the searched parameters are {seen}."
        )
    if not params:
        raise ValueError("params must name at least one parameter.")
    return list(params)
