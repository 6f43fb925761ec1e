"""Plots of fitted searches (needs matplotlib, the ``plots`` extra).

Every function takes a fitted search (or, where that is enough, its
``cv_results_`` dict), draws with :mod:`matplotlib` and returns the axes it
drew on, so that the figure can be changed or saved by the caller.
matplotlib is imported when a function is called, never when this module is
imported, and no backend is chosen here.

Scores are those of the refit metric (``mean_test_score`` for a single
metric); pass ``metric`` to plot another one of a multi-metric search.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
import warnings
from collections.abc import Mapping

import numpy as np
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sklearn_hypersearch._search._base import _score_key as _search_score_key
from sklearn_hypersearch._search._evolution import _generation_history
from sklearn_hypersearch._space import Categorical, Distribution, Space

__all__ = [
    "plot_convergence",
    "plot_evaluations",
    "plot_evolution",
    "plot_hyperband",
    "plot_partial_dependence",
]

# Tick labels of categorical values longer than this are cut.
_MAX_LABEL = 20


def _pyplot(caller):
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


# -- reading fitted searches --------------------------------------------------
def _fitted_results(obj, caller):
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


def _score_key(results, search, metric):
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


def _floats(column):
    """A results column as floats, NaN where masked or None."""
    if isinstance(column, np.ma.MaskedArray):
        column = column.astype(object).filled(None)
    return np.array([np.nan if v is None else float(v) for v in column])


def _space_of(search):
    """The Space a search searched, or None if it is not known."""
    if search is None:
        return None
    for attr in (getattr(search, "_space_attr", None), "param_distributions"):
        if attr is not None and hasattr(search, attr):
            return Space.from_user(getattr(search, attr))
    return None


def _at_full_resource(results):
    """Mask of the rows worth comparing: those with the largest resource.

    A multi-fidelity search scores candidates with smaller resources too;
    those scores are not comparable with the final ones.
    """
    n = len(results["params"])
    if "n_resources" not in results:
        return np.ones(n, dtype=bool)
    resources = _floats(results["n_resources"])
    if np.isnan(resources).all():
        return np.ones(n, dtype=bool)
    return resources == np.nanmax(resources)


def _dimension_of(space, name):
    """The dimension of ``name`` in the first subspace that has it."""
    if space is None:
        return None
    for sub in space.subspaces:
        if name in sub.names:
            return sub.dimensions[sub.names.index(name)]
    return None


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _label(value):
    text = str(value)
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 3] + "..."


def _positions(values, dim):
    """Axis positions and tick labels of the values of a categorical axis.

    Categories are in the order of the dimension's choices when it is known,
    otherwise in order of first appearance.
    """
    labels = [] if dim is None else [_label(c) for c in dim.choices]
    positions = []
    for value in values:
        if dim is not None and dim.contains(value):
            positions.append(dim.index(value))
            continue
        label = _label(value)
        if label not in labels:
            labels.append(label)
        positions.append(labels.index(label))
    return np.array(positions, dtype=float), labels


def _set_categorical(ax, labels):
    ax.set_xticks(range(len(labels)))
    rotate = len(labels) > 3
    ax.set_xticklabels(
        labels, rotation=30 if rotate else 0, ha="right" if rotate else "center"
    )
    ax.set_xlim(-0.5, len(labels) - 0.5)


def _grid_of_axes(plt, n, sharex=False):
    """Figure with ``n`` axes sharing y, at most 4 per row; a flat array of them."""
    ncols = min(n, 4)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3.2 * ncols, 2.8 * nrows),
        sharex=sharex,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    axes = axes.ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    return axes[:n]


def _metric_label(key):
    return key[len("mean_") :].replace("_", " ")


# -- convergence --------------------------------------------------------------
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
    plt = _pyplot("plot_convergence")
    if ax is None:
        _, ax = plt.subplots()
    key = None
    for i, obj in enumerate(searches_or_cv_results):
        results, search = _fitted_results(obj, "plot_convergence")
        key = _score_key(results, search, metric)
        scores = _floats(results[key])
        best = np.fmax.accumulate(np.where(np.isfinite(scores), scores, np.nan))
        if x == "evaluations":
            xs = np.arange(1, len(scores) + 1)
        else:
            xs = np.cumsum(_compute_time(results, key))
        if labels is not None:
            label = labels[i]
        elif search is not None:
            label = type(search).__name__
        else:
            label = f"search {i + 1}"
        ax.plot(xs, best, drawstyle="steps-post", label=label)
    ax.set_xlabel("evaluations" if x == "evaluations" else "fit and score time (s)")
    ax.set_ylabel(f"best {_metric_label(key)} so far")
    if labels is not None or len(searches_or_cv_results) > 1:
        ax.legend()
    return ax


def _compute_time(results, key):
    """Fit and score seconds of each row, summed over its CV splits."""
    suffix = key[len("mean_test_") :]
    n_splits = sum(
        1 for k in results if k.startswith("split") and k.endswith(f"_test_{suffix}")
    )
    seconds = _floats(results["mean_fit_time"]) + _floats(results["mean_score_time"])
    return np.nan_to_num(seconds) * max(n_splits, 1)


# -- evaluations --------------------------------------------------------------
def plot_evaluations(search, params=None, *, metric=None, space=None):
    """Plot the score of every evaluated candidate against each parameter.

    One subplot per parameter, sharing the score axis. A log-scaled
    dimension gets a log axis, a categorical one a categorical axis (its
    choices in order). Points are coloured by evaluation order, so that
    where the search went late is visible; for a multi-fidelity search they
    are coloured by resource instead. The best candidate is marked with a
    star.

    Parameters
    ----------
    search : fitted search or dict
        A fitted search, or its ``cv_results_`` (then pass ``space`` to get
        log axes; without it every numeric parameter has a linear axis).

    params : list of str, default=None
        Parameters to plot. None plots every parameter of the space (of
        ``cv_results_`` when the space is not known).

    metric : str, default=None
        Metric of a multi-metric search; None plots the refit metric.

    space : Space, dict or list of dicts, default=None
        The searched space, when ``search`` is a dict. Ignored otherwise.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        One per parameter, in the order of ``params``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sklearn_hypersearch import EvolutionSearchCV, Real
    >>> from sklearn_hypersearch.plots import plot_evaluations
    >>> X, y = load_iris(return_X_y=True)
    >>> search = EvolutionSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, log=True), "kernel": ["linear", "rbf"]},
    ...     population_size=4, n_elite=1, n_generations=2, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> axes = plot_evaluations(search)
    >>> [ax.get_xlabel() for ax in axes]
    ['C', 'kernel']
    >>> axes[0].get_xscale()
    'log'
    """
    results, fitted = _fitted_results(search, "plot_evaluations")
    if fitted is not None:
        space = _space_of(fitted)
    elif space is not None:
        space = Space.from_user(space)
    key = _score_key(results, fitted, metric)
    rows = list(results["params"])
    names = _param_names(rows, space, params)
    plt = _pyplot("plot_evaluations")
    from matplotlib.colors import LogNorm, Normalize

    scores = _floats(results[key])
    if "n_resources" in results:
        colour = _floats(results["n_resources"])
        norm, colour_label = LogNorm(np.nanmin(colour), np.nanmax(colour)), "resource"
    else:
        colour = np.arange(len(rows), dtype=float)
        norm, colour_label = Normalize(0, max(len(rows) - 1, 1)), "evaluation"
    best = _best_row(results, scores)

    axes = _grid_of_axes(plt, len(names))
    scatter = None
    for ax, name in zip(axes, names):
        has = np.array([name in p for p in rows], dtype=bool)
        values = [p[name] for p in rows if name in p]
        dim = _dimension_of(space, name)
        categorical = isinstance(dim, Categorical) or not all(map(_is_number, values))
        if categorical:
            cat_dim = dim if isinstance(dim, Categorical) else None
            xs, cat_labels = _positions(values, cat_dim)
            _set_categorical(ax, cat_labels)
        else:
            xs = np.asarray(values, dtype=float)
            if dim is not None and dim.is_log:
                ax.set_xscale("log")
        scatter = ax.scatter(
            xs, scores[has], c=colour[has], cmap="viridis", norm=norm, s=18
        )
        if best is not None and has[best]:
            ax.scatter(
                # position of row ``best`` among the rows that have ``name``
                xs[np.count_nonzero(has[:best])],
                scores[best],
                marker="*",
                s=160,
                c="red",
                edgecolors="black",
                zorder=3,
            )
        ax.set_xlabel(name)
    axes[0].set_ylabel(_metric_label(key))
    bar = axes[0].figure.colorbar(scatter, ax=list(axes), label=colour_label)
    if colour_label == "resource":
        # few distinct resources: label each of them, in plain numbers
        levels = np.unique(colour[np.isfinite(colour)])
        bar.minorticks_off()
        bar.set_ticks(levels, labels=[f"{v:g}" for v in levels])
    return axes


def _param_names(rows, space, params):
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


def _best_row(results, scores):
    """Index of the best finite score among the full-resource rows, or None."""
    candidates = np.flatnonzero(_at_full_resource(results) & np.isfinite(scores))
    if candidates.size == 0:
        return None
    return int(candidates[np.argmax(scores[candidates])])


# -- partial dependence -------------------------------------------------------
def plot_partial_dependence(
    search,
    params=None,
    *,
    subspace=0,
    n_points=40,
    n_samples=200,
    metric=None,
    random_state=0,
):
    """Plot the partial dependence of the score on each parameter.

    A Gaussian process (a Matern-5/2 kernel with one length scale per
    feature and a noise term, the model :class:`~sklearn_hypersearch.BayesSearchCV`
    uses by default) is fitted to the evaluated candidates in the unit cube
    of the space. The partial dependence on a parameter is the model's
    prediction averaged over ``n_samples`` random points of the space while
    that parameter is held at each value: how the score depends on it when
    the others vary as the space says. A vertical line marks the best
    evaluated value.

    This works for any fitted search of this package; it is most telling
    after a :class:`~sklearn_hypersearch.BayesSearchCV`, whose candidates
    concentrate where the model is most useful.

    Parameters
    ----------
    search : fitted search
        A fitted search of this package (the space is needed).

    params : list of str, default=None
        Parameters to plot. None plots every parameter of the subspace.

    subspace : int, default=0
        Index of the subspace (when the space is a list of dicts) whose
        candidates the model is fitted to.

    n_points : int, default=40
        Values of each numeric parameter on the horizontal axis.

    n_samples : int, default=200
        Random points of the space the prediction is averaged over.

    metric : str, default=None
        Metric of a multi-metric search; None plots the refit metric.

    random_state : int, default=0
        Seed of the averaging points and of the model fit.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        One per parameter.

    Notes
    -----
    Only candidates with finite scores are used and, for a multi-fidelity
    search, only those evaluated with the largest resource. The model is
    refitted at every call, so it is not the surrogate the search itself
    used, only one like it. Categorical parameters are one-hot encoded.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sklearn_hypersearch import BayesSearchCV, Real
    >>> from sklearn_hypersearch.plots import plot_partial_dependence
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, log=True), "gamma": Real(1e-3, 1e1, log=True)},
    ...     n_iter=8, n_initial_points=5, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> axes = plot_partial_dependence(search)
    >>> [(ax.get_xlabel(), ax.get_xscale()) for ax in axes]
    [('C', 'log'), ('gamma', 'log')]
    """
    results, fitted = _fitted_results(search, "plot_partial_dependence")
    if fitted is None:
        raise TypeError(
            "plot_partial_dependence needs the fitted search (for its space), "
            "not its cv_results_."
        )
    for name, value, low in (("n_points", n_points, 2), ("n_samples", n_samples, 1)):
        if not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    space = _space_of(fitted)
    if space is None:
        raise TypeError(
            f"plot_partial_dependence cannot find the space of {type(fitted).__name__}."
        )
    if not isinstance(subspace, numbers.Integral) or not (
        0 <= subspace < len(space.subspaces)
    ):
        raise ValueError(
            f"subspace must be an index below {len(space.subspaces)}, got {subspace!r}."
        )
    sub = space.subspaces[subspace]
    key = _score_key(results, fitted, metric)
    names = list(sub.names)
    if params is not None:
        names = [params] if isinstance(params, str) else list(params)
        unknown = [n for n in names if n not in sub.names]
        if unknown or not names:
            raise ValueError(
                f"params {names} must be parameters of subspace {subspace}: "
                f"{sub.names}."
            )

    points, scores = _observations(results, key, space, subspace)
    if len(scores) < 2:
        raise ValueError(
            "plot_partial_dependence needs at least 2 candidates with finite "
            f"scores in subspace {subspace}, got {len(scores)}."
        )
    plt = _pyplot("plot_partial_dependence")
    model = _fit_model(sub, points, scores, random_state)
    rng = np.random.default_rng(random_state)
    background = rng.uniform(size=(n_samples, sub.n_dims))
    best_unit = points[np.argmax(scores)]

    axes = _grid_of_axes(plt, len(names))
    for ax, name in zip(axes, names):
        j = sub.names.index(name)
        dim = sub.dimensions[j]
        values, unit = _pd_grid(dim, n_points)
        grid = np.repeat(background[None, :, :], len(unit), axis=0)
        grid[:, :, j] = np.asarray(unit)[:, None]
        flat = grid.reshape(-1, sub.n_dims)
        mean = model.predict(_features(sub, flat)).reshape(len(unit), n_samples)
        dependence = mean.mean(axis=1)
        best_value = dim.from_unit([best_unit[j]])[0]
        if isinstance(dim, Categorical):
            xs, labels = _positions(values, dim)
            _set_categorical(ax, labels)
            ax.plot(xs, dependence, marker="o", linestyle="none")
            ax.axvline(dim.index(best_value), color="red", linestyle="--")
        else:
            ax.plot(values, dependence)
            ax.axvline(best_value, color="red", linestyle="--")
            if dim.is_log:
                ax.set_xscale("log")
        ax.set_xlabel(name)
    axes[0].set_ylabel(f"partial dependence\n({_metric_label(key)})")
    return axes


def _observations(results, key, space, subspace):
    """Unit points and finite scores of the rows of one subspace."""
    sub = space.subspaces[subspace]
    scores = _floats(results[key])
    keep = _at_full_resource(results) & np.isfinite(scores)
    searched = set(space.names)
    rows, ys = [], []
    for params, ok, score in zip(results["params"], keep, scores):
        if not ok or set(params).intersection(searched) != set(sub.names):
            continue
        point = {n: params[n] for n in sub.names}
        if sub.contains(point):
            rows.append(point)
            ys.append(score)
    points = sub.to_unit(rows) if rows else np.empty((0, sub.n_dims))
    return points, np.asarray(ys, dtype=float)


def _features(sub, unit):
    """Model features of unit points: categorical columns one-hot encoded."""
    columns = []
    for j, dim in enumerate(sub.dimensions):
        if isinstance(dim, Categorical):
            if len(dim.choices) > 1:
                index = [dim.index(v) for v in dim.from_unit(unit[:, j])]
                columns.append(np.eye(len(dim.choices))[index])
        else:
            columns.append(unit[:, j : j + 1])
    if not columns:
        return np.zeros((len(unit), 1))
    return np.hstack(columns)


def _fit_model(sub, points, scores, random_state):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    X = _features(sub, points)
    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
        length_scale=np.full(X.shape[1], 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5
    ) + WhiteKernel(1e-2, (1e-6, 1e1))
    model = GaussianProcessRegressor(
        kernel, normalize_y=True, n_restarts_optimizer=2, random_state=random_state
    )
    with warnings.catch_warnings():
        # a bound reached by the fitted length scales is no reason to warn
        # the user of a plot
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, scores)
    return model


def _pd_grid(dim, n_points):
    """Native values and their unit coordinates along one dimension."""
    if isinstance(dim, Categorical):
        return list(dim.choices), dim.to_unit(dim.choices)
    # an unbounded distribution maps 0 and 1 to infinities: stay inside
    edge = 0.005 if isinstance(dim, Distribution) else 0.0
    values = dim.from_unit(np.linspace(edge, 1 - edge, n_points))
    # integers: several unit points round to one value; keep each once
    values = list(dict.fromkeys(values))
    return values, dim.to_unit(values)


# -- Hyperband ----------------------------------------------------------------
def plot_hyperband(search, *, metric=None):
    """Plot each Hyperband bracket: scores against resources, per candidate.

    One subplot per bracket. Each line follows one candidate through the
    rungs it reached, with the resource on a log axis; the candidates that
    reached the bracket's last rung are drawn in colour, the others grey.

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
    [4, 3, 3]
    """
    results, fitted = _fitted_results(search, "plot_hyperband")
    missing = [c for c in ("bracket", "rung", "n_resources") if c not in results]
    if missing:
        raise ValueError(
            f"plot_hyperband needs the cv_results_ columns bracket, rung and "
            f"n_resources (HyperbandSearchCV); {missing} are missing."
        )
    key = _score_key(results, fitted, metric)
    plt = _pyplot("plot_hyperband")
    brackets = _floats(results["bracket"])
    rungs = _floats(results["rung"])
    resources = _floats(results["n_resources"])
    scores = _floats(results[key])
    params = list(results["params"])
    resource_keys = _resource_parameters(params, resources, fitted)

    order = sorted({int(b) for b in brackets if np.isfinite(b)})
    if not order:
        raise ValueError("cv_results_ has no row with a bracket.")
    axes = _grid_of_axes(plt, len(order), sharex=True)
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
                color="C0" if reached else "0.65",
                alpha=1.0 if reached else 0.7,
                zorder=2 if reached else 1,
            )
        ax.set_xscale("log")
        ax.set_title(f"bracket {bracket}")
        ax.set_xlabel("resource")
    axes[0].set_ylabel(_metric_label(key))
    return axes


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
            n in p and _is_number(p[n]) and p[n] == r for p, r in zip(params, resources)
        )
    }


# -- evolution ----------------------------------------------------------------
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
    results, fitted = _fitted_results(search, "plot_evolution")
    if "generation" not in results:
        raise ValueError(
            "plot_evolution needs the cv_results_ column 'generation' "
            "(EvolutionSearchCV)."
        )
    key = _score_key(results, fitted, metric)
    plt = _pyplot("plot_evolution")
    generations = _floats(results["generation"])
    scores = _floats(results[key])
    present = np.isfinite(generations)
    # the same per-generation statistics as EvolutionSearchCV.history_
    history = _generation_history(results, key)
    gens = history["generation"]
    if not gens:
        raise ValueError("cv_results_ has no row with a generation.")
    if ax is None:
        _, ax = plt.subplots()
    ax.scatter(generations[present], scores[present], s=12, color="0.6", zorder=1)
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
    ax.set_ylabel(_metric_label(key))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    return ax
