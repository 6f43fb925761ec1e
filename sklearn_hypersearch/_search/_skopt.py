"""What scikit-optimize users bring: its space lists, options and results.

Three pieces, each a plain function so that the driver can share them:

- :func:`parse_search_spaces` reads scikit-optimize's ``search_spaces``
  (a dict, a list of dicts, or a list mixing dicts and ``(dict, n_iter)``
  pairs);
- :func:`translate_optimizer_kwargs` turns its ``optimizer_kwargs`` (the
  arguments of ``skopt.Optimizer``) into :class:`BayesStrategy` settings;
- :func:`optimizer_results` builds its ``OptimizeResult`` objects from a
  search's evaluated candidates, for ``optimizer_results_`` and for
  scikit-optimize's callbacks.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
from collections.abc import Mapping

import numpy as np
from scipy.optimize import OptimizeResult

from sklearn_hypersearch._space import Categorical, Space
from sklearn_hypersearch._strategies._bayes import (
    SKOPT_ACQUISITIONS,
    SKOPT_SURROGATES,
    canonical_acquisition,
    canonical_surrogate,
)


# -- search_spaces --------------------------------------------------------------
def parse_search_spaces(value, n_iter, name="search_spaces"):
    """The subspaces of a user's space, and their budgets if run in phases.

    Parameters
    ----------
    value : dict, list of dict, or list of dict and (dict, int) pairs
    n_iter : int
        Budget of each plain dict of a list that has ``(dict, int)`` pairs.
    name : str
        The parameter holding ``value``, for messages.

    Returns
    -------
    subspaces : dict or list of dict
        ``value`` without the budgets, for :class:`Space`.
    budgets : list of int or None
        One budget per subspace when the list has a ``(dict, int)`` entry
        (each subspace then gets its own search, one after the other, as in
        scikit-optimize); None otherwise (one search over the alternatives,
        ``n_iter`` candidates in total).
    """
    if not isinstance(value, list) or not any(isinstance(e, tuple) for e in value):
        return value, None
    subspaces, budgets = [], []
    for i, entry in enumerate(value):
        if isinstance(entry, tuple):
            if len(entry) != 2 or not isinstance(entry[0], Mapping):
                raise TypeError(
                    f"Entry {i} of {name} must be a dict or a (dict, n_iter) "
                    f"pair, got {entry!r}."
                )
            sub, budget = entry
            if (
                not isinstance(budget, numbers.Integral)
                or isinstance(budget, bool)
                or budget < 1
            ):
                raise ValueError(
                    f"The n_iter of entry {i} of {name} must be an int >= 1, got "
                    f"{budget!r}."
                )
            subspaces.append(sub)
            budgets.append(int(budget))
        else:
            subspaces.append(entry)
            budgets.append(n_iter)
    return subspaces, budgets


# -- optimizer_kwargs -----------------------------------------------------------
_IGNORED = {
    "n_jobs": "the surrogates are fitted in the search's process, one at a time",
    "model_queue_size": "the search keeps no fitted surrogate models",
}
_REFUSED = {
    "dimensions": "give the space as param_distributions (or search_spaces)",
    "random_state": "set the random_state of BayesSearchCV",
    "n_random_starts": "use n_initial_points (n_random_starts is its deprecated "
    "name in scikit-optimize)",
}
_DESIGNS = {"random": "random", "sobol": "sobol", "lhs": "lhs"}
_ACQ_KWARGS = ("xi", "kappa", "eta")
_ACQ_OPTIMIZER_KWARGS = ("n_points", "n_restarts_optimizer", "n_jobs")
#: scikit-optimize's keys with our parameter of the same meaning
OWN_PARAMETERS = {
    "base_estimator": "surrogate",
    "acq_func": "acquisition",
    "n_initial_points": "n_initial_points",
    "xi": "xi",
    "kappa": "kappa",
}


def translate_optimizer_kwargs(optimizer_kwargs, own, defaults):
    """:class:`BayesStrategy` settings from our parameters and skopt's options.

    Parameters
    ----------
    optimizer_kwargs : dict or None
        Arguments of ``skopt.Optimizer``.
    own : dict
        The search's values of the parameters named in
        :data:`OWN_PARAMETERS`.
    defaults : dict
        Their defaults.

    Returns
    -------
    settings : dict
        ``own`` (names canonical) updated by ``optimizer_kwargs``, plus the
        strategy settings that have no search parameter (``initial_design``,
        ``acq_optimizer``, ``n_candidates``, ``n_restarts``).

    Raises
    ------
    ValueError
        For a key or value scikit-optimize has and we do not, and when a
        key contradicts a search parameter set to something else than its
        default.
    """
    settings = {
        "surrogate": canonical_surrogate(own["surrogate"]),
        "acquisition": canonical_acquisition(own["acquisition"]),
        "n_initial_points": own["n_initial_points"],
        "xi": own["xi"],
        "kappa": own["kappa"],
    }
    if optimizer_kwargs is None:
        return settings
    given = {}  # our setting -> (skopt's spelling of the key, value)
    for key, value in optimizer_kwargs.items():
        where = f"optimizer_kwargs[{key!r}]"
        if key in _IGNORED:
            continue
        if key in _REFUSED:
            raise ValueError(f"{where} is not supported: {_REFUSED[key]}.")
        if key == "base_estimator":
            given["surrogate"] = (where, _surrogate(value, where))
        elif key == "acq_func":
            given["acquisition"] = (where, _acquisition(value, where))
        elif key == "n_initial_points":
            given["n_initial_points"] = (where, _int_at_least(value, 1, where))
        elif key == "initial_point_generator":
            given["initial_design"] = (where, _design(value, where))
        elif key == "acq_optimizer":
            given["acq_optimizer"] = (where, _acq_optimizer(value, where))
        elif key == "acq_func_kwargs":
            for name, v in _sub_kwargs(value, where, _ACQ_KWARGS).items():
                sub = f"{where}[{name!r}]"
                if name == "eta":
                    if v != 1:
                        raise ValueError(
                            f"{sub}={v!r} is not supported: the 'portfolio' "
                            "(gp_hedge) acquisition weighs its members with "
                            "eta=1."
                        )
                else:
                    given[name] = (sub, _non_negative(v, sub))
        elif key == "acq_optimizer_kwargs":
            names = {
                "n_points": ("n_candidates", 16),
                "n_restarts_optimizer": ("n_restarts", 1),
            }
            for name, v in _sub_kwargs(value, where, _ACQ_OPTIMIZER_KWARGS).items():
                if name in names:
                    setting, low = names[name]
                    sub = f"{where}[{name!r}]"
                    given[setting] = (sub, _int_at_least(v, low, sub))
        elif key == "avoid_duplicates":
            if value is not True:
                raise ValueError(
                    f"{where}={value!r} is not supported: BayesSearchCV never "
                    "proposes a candidate twice."
                )
        elif key == "space_constraint":
            if value is not None:
                raise ValueError(
                    f"{where} is not supported: constrained spaces are not. Leave "
                    "the constraint out, or express it with alternative "
                    "subspaces (a list of dicts)."
                )
        else:
            raise ValueError(
                f"{where} is not supported. The keys of scikit-optimize's "
                "Optimizer that BayesSearchCV understands are: "
                f"{sorted(_KNOWN)}."
            )
    for setting, (where, value) in given.items():
        if setting in defaults:
            mine = settings[setting]
            if not _same(own[setting], defaults[setting]) and not _same(mine, value):
                raise ValueError(
                    f"{where}={value!r} contradicts {setting}={own[setting]!r}: "
                    "give this setting once (a parameter left at its default "
                    "yields to optimizer_kwargs)."
                )
        settings[setting] = value
    return settings


_KNOWN = {
    *_IGNORED,
    "base_estimator",
    "acq_func",
    "n_initial_points",
    "initial_point_generator",
    "acq_optimizer",
    "acq_func_kwargs",
    "acq_optimizer_kwargs",
    "avoid_duplicates",
    "space_constraint",
}


def _int_at_least(value, low, where):
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < low
    ):
        raise ValueError(f"{where} must be an int >= {low}, got {value!r}.")
    return int(value)


def _non_negative(value, where):
    if not _is_number(value) or not value >= 0:
        raise ValueError(f"{where} must be a non-negative number, got {value!r}.")
    return float(value)


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
        return a == b
    return a is b


def _surrogate(value, where):
    if isinstance(value, str):
        upper = value.upper()  # scikit-optimize ignores the case here
        if upper == "DUMMY":
            raise ValueError(
                f"{where}={value!r} (random search) is not supported: use "
                "sklearn.model_selection.RandomizedSearchCV."
            )
        if upper not in SKOPT_SURROGATES:
            raise ValueError(
                f"{where}={value!r} is not supported: use one of "
                f"{sorted(SKOPT_SURROGATES)} or a scikit-learn regressor."
            )
        return SKOPT_SURROGATES[upper]
    try:
        return canonical_surrogate(value)
    except ValueError:
        raise ValueError(
            f"{where} must be one of {sorted(SKOPT_SURROGATES)} or a scikit-learn "
            f"regressor (with fit and predict), got {value!r}."
        ) from None


def _acquisition(value, where):
    if value in ("EIps", "PIps"):
        raise ValueError(
            f"{where}={value!r} (per second) is not supported: use 'EI' or 'PI', "
            "and max_time to bound the search's time."
        )
    if isinstance(value, str) and value in SKOPT_ACQUISITIONS:
        return SKOPT_ACQUISITIONS[value]
    raise ValueError(
        f"{where}={value!r} is not supported: use one of {sorted(SKOPT_ACQUISITIONS)}."
    )


def _design(value, where):
    if isinstance(value, str) and value in _DESIGNS:
        return _DESIGNS[value]
    if value in ("halton", "hammersly", "grid"):
        raise ValueError(
            f"{where}={value!r} is not supported: use 'sobol' (also a "
            "low-discrepancy sequence), 'lhs' or 'random'."
        )
    raise ValueError(
        f"{where}={value!r} is not supported: use 'sobol', 'lhs' or 'random' "
        "(scikit-optimize's InitialPointGenerator objects are not)."
    )


def _acq_optimizer(value, where):
    if value in ("auto", "sampling", "lbfgs"):
        return value
    raise ValueError(
        f"{where}={value!r} is not supported: use 'auto', 'sampling' or 'lbfgs'."
    )


def _sub_kwargs(value, where, known):
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{where} must be a dict or None, got {value!r}.")
    for name in value:
        if name not in known:
            raise ValueError(
                f"{where}[{name!r}] is not supported: the keys understood are "
                f"{list(known)}."
            )
    return dict(value)


# -- results ----------------------------------------------------------------------
_OUR_PLOTS = (
    "sklearn_hypersearch.plots.plot_evaluations(search) or "
    "sklearn_hypersearch.plots.plot_partial_dependence(search)"
)


class SkoptOnlyError(AttributeError):
    """Raised for what only scikit-optimize's own objects have."""


class ResultSpace:
    """The ``space`` of a result: what can be given of skopt's ``Space``.

    ``n_dims``, ``dimension_names`` and ``distance`` (what
    ``DeltaXStopper`` needs) work; everything else of scikit-optimize's
    ``Space`` (``dimensions``, ``transform``, ``rvs``, indexing...) raises
    :class:`SkoptOnlyError` naming the plots of this package to use.

    Parameters
    ----------
    names : list of str
        Dimension names, in the order of the points' coordinates.
    categorical : list of bool
        Whether each dimension is categorical (distance 0 or 1).
    """

    def __init__(self, names, categorical):
        self.dimension_names = list(names)
        self.categorical = list(categorical)

    @property
    def n_dims(self):
        return len(self.dimension_names)

    def distance(self, point_a, point_b):
        """Distance between two points, as scikit-optimize measures it.

        The sum over dimensions of ``|a - b|`` for numbers, and of ``0``
        (equal) or ``1`` (different) for categories.
        """
        total = 0.0
        for a, b, cat in zip(point_a, point_b, self.categorical):
            if cat or not (_is_number(a) and _is_number(b)):
                total += 0.0 if a == b else 1.0
            else:
                total += abs(float(a) - float(b))
        return total

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise SkoptOnlyError(_skopt_only(f"space.{name}"))

    def __getitem__(self, key):
        raise SkoptOnlyError(_skopt_only("space[...]"))

    def __repr__(self):
        return f"ResultSpace({self.dimension_names!r})"


class NoModels:
    """The ``models`` of a result: empty, and saying so when indexed.

    Falsy and of length 0, so that code testing ``if result.models`` (as
    ``CheckpointSaver.load`` does) works; indexing or iterating it raises
    :class:`SkoptOnlyError`, since the search keeps no fitted surrogate.
    """

    def __len__(self):
        return 0

    def __bool__(self):
        return False

    def __getitem__(self, key):
        raise SkoptOnlyError(_skopt_only("models[...]"))

    def __iter__(self):
        raise SkoptOnlyError(_skopt_only("iterating models"))

    def __eq__(self, other):
        return isinstance(other, NoModels)

    __hash__ = object.__hash__

    def __repr__(self):
        return "NoModels()"


def _skopt_only(what):
    return (
        f"{what}: BayesSearchCV's results hold no scikit-optimize Space or "
        "fitted surrogate models, which scikit-optimize's plot_objective, "
        "plot_evaluations, plot_histogram and plot_gaussian_process need "
        f"(its plot_convergence and plot_regret work). Use {_OUR_PLOTS}."
    )


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def optimizer_results(space, params, scores, groups=None):
    """One scikit-optimize ``OptimizeResult`` per subspace of ``space``.

    Parameters
    ----------
    space : Space
    params : list of dict
        The evaluated candidates in evaluation order (``cv_results_["params"]``).
    scores : array-like of float
        Their scores, greater is better (the column the search maximizes).
    groups : array-like of int or None, default=None
        The subspace of each candidate; None finds it with
        :meth:`Space.subspace_of` (the first subspace that contains it).
        Pass the ``phase`` column when subspaces may repeat.

    Returns
    -------
    results : list of scipy.optimize.OptimizeResult
        For each subspace, in order, its candidates as scikit-optimize
        records them:

        - ``x_iters``: list of lists of values, in the subspace's (sorted)
          name order; ``func_vals``: float array of minus the scores (a
          non-finite score, a failed fit, becomes ``+inf``);
        - ``x`` and ``fun``: the best point and its value (None and
          ``+inf`` for a subspace without candidates);
        - ``space``: a :class:`ResultSpace`; ``models``: :class:`NoModels`;
          ``specs``: ``{"args": {"dimension_names": [...]}, "function":
          "BayesSearchCV"}``;
          ``random_state``: None.

    Notes
    -----
    scikit-optimize's ``plot_convergence`` and ``plot_regret`` accept the
    results. Its callbacks read: ``VerboseCallback`` ``func_vals`` and
    ``fun``; ``DeltaYStopper``, ``HollowIterationsStopper`` and
    ``ThresholdStopper`` ``func_vals``; ``DeadlineStopper`` ``x_iters``;
    ``DeltaXStopper`` ``x_iters`` and ``space.distance``;
    ``CheckpointSaver`` pickles the whole result with ``joblib.dump``
    (it can, as long as the parameter values can be pickled) and its
    ``load`` reads ``x_iters``, ``func_vals`` and ``models``. ``StdStopper``
    iterates over ``models`` and raises :class:`SkoptOnlyError`.
    """
    # a list stays a list: each entry is its own result, even if two repeat
    space = space if isinstance(space, Space) else Space(space)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    if len(scores) != len(params):
        raise ValueError(f"Got {len(params)} candidates but {len(scores)} scores.")
    if groups is None:
        groups = [space.subspace_of(p) for p in params]
    rows = [[] for _ in space.subspaces]
    for i, g in enumerate(groups):
        rows[int(g)].append(i)
    return [
        _result(sub, params, scores, idx) for sub, idx in zip(space.subspaces, rows)
    ]


def _result(sub, params, scores, idx):
    x_iters = [[params[i][name] for name in sub.names] for i in idx]
    s = scores[idx] if idx else np.empty(0)
    func_vals = np.where(np.isfinite(s), -s, np.inf)
    if len(func_vals):
        best = int(np.argmin(func_vals))
        x, fun = x_iters[best], float(func_vals[best])
    else:
        x, fun = None, float("inf")
    categorical = [isinstance(d, Categorical) for d in sub.dimensions]
    return OptimizeResult(
        x=x,
        fun=fun,
        func_vals=func_vals,
        x_iters=x_iters,
        space=ResultSpace(sub.names, categorical),
        models=NoModels(),
        # scikit-optimize keeps its Optimizer's arguments here; the args
        # must not be empty (SciPy's repr of a result fails on empty dicts)
        specs={
            "args": {"dimension_names": list(sub.names)},
            "function": "BayesSearchCV",
        },
        random_state=None,
    )
