"""Conversion of user spaces into named dimensions.

A space written for scikit-learn's ``RandomizedSearchCV`` means the same
thing here: a list, a tuple or an array is a sequence of *choices*, a frozen
``scipy.stats`` distribution is sampled by its law. On top of that, what
scikit-optimize and Optuna users write is read with the meaning it has
there, by duck typing (neither package is imported):

- scikit-optimize's ``Real``, ``Integer``, ``Categorical`` and ``Space``,
  a list of named dimensions, and its range tuples in the one form that
  cannot be confused with choices, ``(low, high, prior[, base])`` with
  ``prior`` in ``{"uniform", "log-uniform"}``;
- Optuna's ``FloatDistribution``, ``IntDistribution``,
  ``CategoricalDistribution`` and the legacy ``*UniformDistribution``
  classes, ``step`` included.

Every error raised while converting names the parameter, and the subspace
when there are several.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
import warnings
from collections.abc import Iterator, Mapping, Sequence, Set

import numpy as np

from sklearn_hypersearch._space._dimensions import (
    _PRIORS,
    Categorical,
    Dimension,
    Distribution,
    Integer,
    Real,
    _native,
)

# Optuna's distribution classes, by class name: (kind, log if the class has
# no `log` attribute). The legacy classes are subclasses of the first two
# since Optuna 3.0 and stand alone before it.
_OPTUNA_CLASSES = {
    "FloatDistribution": ("float", False),
    "IntDistribution": ("int", False),
    "CategoricalDistribution": ("categorical", False),
    "UniformDistribution": ("float", False),
    "LogUniformDistribution": ("float", True),
    "DiscreteUniformDistribution": ("float", False),
    "IntUniformDistribution": ("int", False),
    "IntLogUniformDistribution": ("int", True),
}
_SKOPT_CLASSES = ("Real", "Integer", "Categorical")


def as_dimension(value, name="parameter"):
    """Convert one user-given value to a :class:`Dimension`.

    The forms of scikit-learn's ``RandomizedSearchCV`` keep their meaning;
    those of scikit-optimize and Optuna are read as those packages read them.

    Parameters
    ----------
    value : Dimension, list, tuple, array, distribution or dimension object
        - a :class:`Dimension` is returned as is;
        - a list, a tuple, a ``range`` or a 1-d array is a sequence of
          choices: a :class:`Categorical`, as in scikit-learn. Tuples of
          tuples are choices too (``((1, 1), (1, 2))`` has two), and the
          rows of a 2-d array are choices, as tuples;
        - the one exception is scikit-optimize's range tuple
          ``(low, high, prior)`` or ``(low, high, prior, base)`` whose third
          element is the string ``"uniform"`` or ``"log-uniform"``: an
          :class:`Integer` if both bounds are ints, else a :class:`Real`.
          ``(0.1, 10.0)`` is the two values 0.1 and 10.0, not an interval;
          because scikit-optimize reads it as an interval, a tuple of two
          numbers gives a :class:`UserWarning` that says how to write the
          interval (``Real(0.1, 10.0)`` or ``(0.1, 10.0, "uniform")``) and
          how to keep the choices without the warning (a list);
        - ``scipy.stats.uniform``, ``loguniform`` and ``randint`` become
          :class:`Real` / :class:`Integer` with the same bounds and scale;
          any other frozen distribution is a :class:`Distribution`;
        - scikit-optimize's ``Real``, ``Integer`` and ``Categorical`` (with
          their ``prior``, ``base`` and ``name``) and Optuna's
          ``FloatDistribution``, ``IntDistribution`` (with ``log`` and
          ``step``) and ``CategoricalDistribution`` become the dimension
          of the same meaning, found by duck typing.

        A generator or an iterator is refused: it can be read only once.
    name : str
        Parameter name, used in error messages and warnings. A dimension
        that has a ``name`` of its own must agree with it.

    Returns
    -------
    dimension : Dimension

    Examples
    --------
    >>> from sklearn_hypersearch._space import as_dimension
    >>> as_dimension(((1, 1), (1, 2)), "vect__ngram_range")
    Categorical([(1, 1), (1, 2)])
    >>> as_dimension((1e-6, 1e6, "log-uniform"), "alpha")
    Real(1e-06, 1000000.0, log=True)
    """
    return _convert(value, name, "")


def _convert(value, name, where):
    try:
        dim = _to_dimension(value, name, where)
        own = getattr(value, "name", None) if _is_dimension_object(value) else None
        if own is not None and own != name:
            raise ValueError(
                f"the dimension is named {own!r}, which contradicts its key; "
                "give the same name or none"
            )
        return dim
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"Parameter {name!r}{where}: {exc}") from None


def _to_dimension(value, name, where):
    if isinstance(value, Dimension):
        return value
    skopt = _skopt_kind(value)
    if skopt is not None:
        return _from_skopt(value, skopt)
    optuna = _optuna_kind(value)
    if optuna is not None:
        return _from_optuna(value, *optuna)
    if hasattr(value, "rvs"):
        return _from_scipy(value)
    if isinstance(value, tuple):
        return _from_tuple(value, name, where)
    return Categorical(_sequence(value))


def _sequence(value):
    """``value`` if a search can read it again and again, else a TypeError."""
    if isinstance(value, (np.ndarray, range)) or (
        isinstance(value, Sequence) and not isinstance(value, (str, bytes))
    ):
        return value
    if hasattr(value, "__array__") and hasattr(value, "__len__"):
        # pandas Series and Index, and other array-likes
        return np.asarray(value)
    if isinstance(value, Iterator):
        raise TypeError(
            f"got {type(value).__name__} {value!r}, which can be read only once "
            "(a second fit would find it empty): pass a list, e.g. list(...)"
        )
    if isinstance(value, Set):
        raise TypeError(
            f"got the set {value!r}: a set has no fixed order, so the search "
            "would not be reproducible; pass a list"
        )
    raise TypeError(
        "expected a list of values, a scipy.stats distribution or a Dimension "
        f"(Real, Integer, Categorical), got {type(value).__name__} {value!r}"
    )


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _from_tuple(value, name, where):
    """A tuple is choices, except scikit-optimize's ``(low, high, prior[, base])``."""
    numeric = len(value) >= 2 and _is_number(value[0]) and _is_number(value[1])
    if (
        numeric
        and len(value) in (3, 4)
        and isinstance(value[2], str)
        and value[2] in _PRIORS
        and (len(value) == 3 or _is_number(value[3]))
    ):
        low, high, prior = value[:3]
        base = value[3] if len(value) == 4 else 10
        if isinstance(low, numbers.Integral) and isinstance(high, numbers.Integral):
            return Integer(low, high, prior=prior, base=base)
        return Real(low, high, prior=prior, base=base)
    if numeric and len(value) == 2:
        low, high = (_native(v) for v in value)
        kind = "Integer" if all(isinstance(v, int) for v in (low, high)) else "Real"
        _warn(
            f"Parameter {name!r}{where}: the tuple {value!r} is read as two "
            f"choices, {low!r} and {high!r}, as scikit-learn reads it "
            "(scikit-optimize would read an interval). For the interval write "
            f"{kind}({low!r}, {high!r}) or ({low!r}, {high!r}, 'uniform'); to "
            f"keep the two choices without this warning write [{low!r}, {high!r}]."
        )
    elif numeric and len(value) in (3, 4) and isinstance(value[2], str):
        _warn(
            f"Parameter {name!r}{where}: the tuple {value!r} is read as "
            f"{len(value)} choices, as scikit-learn reads it: {value[2]!r} is "
            "not a prior of a scikit-optimize range ('uniform' or "
            "'log-uniform'). Write a list to keep the choices without this "
            "warning."
        )
    return Categorical(value)


def _warn(message):
    warnings.warn(message, UserWarning, stacklevel=2)


def _class_names(value):
    return [c.__name__ for c in type(value).__mro__]


def _skopt_kind(value):
    """'Real', 'Integer' or 'Categorical' for scikit-optimize's dimensions."""
    for cls in _class_names(value):
        if cls not in _SKOPT_CLASSES:
            continue
        if cls == "Categorical" and hasattr(value, "categories"):
            return cls
        if cls != "Categorical" and all(
            hasattr(value, a) for a in ("low", "high", "prior")
        ):
            return cls
    return None


def _from_skopt(dim, kind):
    if kind == "Categorical":
        return Categorical(list(dim.categories), prior=getattr(dim, "prior", None))
    cls = Real if kind == "Real" else Integer
    return cls(dim.low, dim.high, prior=dim.prior, base=getattr(dim, "base", 10))


def _optuna_kind(value):
    """(kind, default log) for Optuna's distributions, else None."""
    for cls in _class_names(value):
        if cls in _OPTUNA_CLASSES:
            kind, log = _OPTUNA_CLASSES[cls]
            needed = ("choices",) if kind == "categorical" else ("low", "high")
            if all(hasattr(value, a) for a in needed):
                return kind, log
    return None


def _from_optuna(dist, kind, default_log):
    if kind == "categorical":
        return Categorical(list(dist.choices))
    low, high = _native(dist.low), _native(dist.high)
    log = bool(getattr(dist, "log", default_log))
    # DiscreteUniformDistribution called its step `q` before Optuna 3.0
    step = getattr(dist, "step", getattr(dist, "q", None))
    if kind == "int":
        if low == high:
            # Optuna allows a single value; our ranges need low < high
            return Categorical([int(low)])
        return Integer(low, high, log=log, step=1 if step is None else step)
    if low == high:
        return Categorical([float(low)])
    return Real(low, high, log=log, step=step)


def _from_scipy(dist):
    """Map bounded scipy distributions with an obvious scale to bounded dims."""
    from scipy import stats

    if isinstance(dist, (stats.rv_continuous, stats.rv_discrete)):
        raise TypeError(
            f"scipy.stats.{dist.name} is a family of distributions, not a "
            f"frozen one: pass {dist.name}(...) with the parameters you want"
        )
    if not (hasattr(dist, "ppf") and hasattr(dist, "cdf") and hasattr(dist, "dist")):
        raise TypeError(
            f"{dist!r} has rvs but is not a frozen scipy.stats distribution: "
            "the search needs its ppf and cdf to map it to the unit interval"
        )
    # checks the arguments (norm(0, -1) has none that are valid)
    law = Distribution(dist)
    name = dist.dist.name
    lo, hi = law.low, law.high
    if name == "uniform":
        return Real(lo, hi)
    if name in ("loguniform", "reciprocal"):
        return Real(lo, hi, log=True)
    if name == "randint":
        # scipy's support is already inclusive: randint(1, 4) -> (1, 3)
        if lo == hi:
            return Categorical([int(lo)])
        return Integer(int(lo), int(hi))
    return law


# -- subspaces ------------------------------------------------------------------
def as_subspaces(params):
    """The user's space as a list of dicts of str -> Dimension.

    Parameters
    ----------
    params : dict, list of dict, skopt-style Space or list of named dimensions
        See :class:`~sklearn_hypersearch.Space`.

    Returns
    -------
    subspaces : list of dict
    """
    if isinstance(params, Mapping) or _is_skopt_space(params):
        params = [params]
    elif (
        isinstance(params, (list, tuple))
        and params
        and all(_is_dimension_object(p) for p in params)
    ):
        # scikit-optimize's list of named dimensions: one subspace
        params = [params]
    if isinstance(params, (str, bytes)) or not isinstance(params, (list, tuple)):
        raise TypeError(
            "A search space must be a dict or a list of dicts, got "
            f"{type(params).__name__}: {params!r}."
        )
    if len(params) == 0:
        raise ValueError("A search space must not be an empty list.")
    several = len(params) > 1
    return [
        _subspace(sub, i, f" (subspace {i})" if several else "")
        for i, sub in enumerate(params)
    ]


def _subspace(sub, i, where):
    """One subspace as a dict of str -> Dimension."""
    if _is_skopt_space(sub):
        sub = list(sub.dimensions)
    if (
        isinstance(sub, (list, tuple))
        and sub
        and all(_is_dimension_object(d) for d in sub)
    ):
        return _named_dimensions(sub, i, where)
    if not isinstance(sub, Mapping):
        pair = ""
        if (
            isinstance(sub, tuple)
            and len(sub) == 2
            and isinstance(sub[0], Mapping)
            and isinstance(sub[1], numbers.Integral)
        ):
            pair = (
                " A (space, n_iter) pair is scikit-optimize's way to give a "
                "subspace its own budget; here n_iter is shared: pass the "
                "dict alone."
            )
        raise TypeError(
            f"Subspace {i} of the search space must be a dict, got "
            f"{type(sub).__name__}: {sub!r}.{pair}"
        )
    if len(sub) == 0:
        raise ValueError(f"Subspace {i} of the search space is empty.")
    for key in sub:
        if not isinstance(key, str):
            raise TypeError(
                f"Parameter names must be strings, got {key!r} in subspace {i}."
            )
    return {key: _convert(value, key, where) for key, value in sub.items()}


def _named_dimensions(dims, i, where):
    out, position = {}, {}
    for j, dim in enumerate(dims):
        name = getattr(dim, "name", None)
        if not isinstance(name, str):
            raise ValueError(
                f"Dimension {j} of subspace {i}, {dim!r}, has no name: in a list "
                "of dimensions each needs name=..., the parameter it sets."
            )
        if name in position:
            raise ValueError(
                f"Dimensions {position[name]} and {j} of subspace {i} are both "
                f"named {name!r}."
            )
        position[name] = j
        out[name] = _convert(dim, name, where)
    return out


def _is_dimension_object(value):
    return isinstance(value, Dimension) or _skopt_kind(value) is not None


def _is_skopt_space(value):
    """scikit-optimize's ``Space``: a ``dimensions`` list of its dimensions."""
    return (
        "Space" in _class_names(value)
        and not isinstance(value, Mapping)
        and isinstance(getattr(value, "dimensions", None), (list, tuple))
        and all(_is_dimension_object(d) for d in value.dimensions)
    )
