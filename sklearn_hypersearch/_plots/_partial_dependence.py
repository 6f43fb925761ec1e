"""plot_partial_dependence: a model's view of how the score depends on each
parameter."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_hypersearch._plots._results import (
    at_full_resource,
    category_positions,
    fitted_results,
    floats,
    metric_label,
    pyplot,
    score_key,
    space_of,
)
from sklearn_hypersearch._space import Categorical, Distribution, Integer


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
    results, fitted = fitted_results(search, "plot_partial_dependence")
    if fitted is None:
        raise TypeError(
            "plot_partial_dependence needs the fitted search (for its space), "
            "not its cv_results_."
        )
    for name, value, low in (("n_points", n_points, 2), ("n_samples", n_samples, 1)):
        if not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    space = space_of(fitted)
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
    key = score_key(results, fitted, metric)
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
    plt = pyplot("plot_partial_dependence")
    model = _fit_model(sub, points, scores, random_state)
    rng = np.random.default_rng(random_state)
    background = rng.uniform(size=(n_samples, sub.n_dims))
    best_unit = points[np.argmax(scores)]

    from sklearn_hypersearch._plots import _axes

    axes = _axes.grid_of_axes(plt, len(names))
    categorical_axes = []
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
            xs, labels = category_positions(values, dim)
            _axes.set_categorical(ax, labels)
            categorical_axes.append(ax)
            ax.plot(xs, dependence, marker="o", linestyle="none", label="model")
            best_x = dim.index(best_value)
        else:
            ax.plot(values, dependence, label="model")
            _axes.set_numeric_axis(ax, dim.is_log, integer=isinstance(dim, Integer))
            best_x = best_value
        ax.axvline(best_x, color="red", linestyle="--", label="best candidate")
        ax.set_xlabel(name)
    _axes.label_rows(axes, f"partial dependence\nof {metric_label(key, fitted)}")
    axes[0].legend(loc="best", fontsize="small")
    if categorical_axes:
        _axes.lay_out(axes[0].figure)
        for ax in categorical_axes:
            _axes.rotate_categorical(ax)
    return axes


def _observations(results, key, space, subspace):
    """Unit points and finite scores of the rows of one subspace."""
    sub = space.subspaces[subspace]
    scores = floats(results[key])
    keep = at_full_resource(results) & np.isfinite(scores)
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
