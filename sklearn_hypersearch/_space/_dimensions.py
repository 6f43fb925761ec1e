"""Search-space dimensions and their map to and from the unit interval.

Every dimension owns exactly one bijection-like map between its values and
``[0, 1]``. Designs, surrogate models, mutations and region shrinking all work
on those unit coordinates, so this module is the only place where log scales,
integer rounding and categorical indexing are coded.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
from abc import ABC, abstractmethod

import numpy as np

# Unbounded distributions map u in {0, 1} to +-inf; clip unit coordinates
# to this open interval before calling a ppf.
_EPS = 1e-12


def _native(value):
    """Return ``value`` as a plain Python object (no numpy scalar)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


class Dimension(ABC):
    """One searched parameter: its values, sampling and unit-interval map.

    Subclasses implement :meth:`to_unit` and :meth:`from_unit`; sampling
    is inverse-transform sampling through :meth:`from_unit`, so a uniform draw
    in ``[0, 1]`` always yields a value with the dimension's prior.
    """

    #: True for dimensions whose values are floats.
    is_continuous = False
    #: True when the unit map is logarithmic in the value.
    is_log = False

    @abstractmethod
    def to_unit(self, values):
        """Map values of this dimension to floats in ``[0, 1]``.

        Parameters
        ----------
        values : sequence
            Values of this dimension.

        Returns
        -------
        unit : ndarray of shape (n_values,)
        """

    @abstractmethod
    def from_unit(self, unit):
        """Map floats in ``[0, 1]`` (clipped) to native values.

        Parameters
        ----------
        unit : array-like of shape (n_values,)

        Returns
        -------
        values : list
            Native Python values (``float``, ``int`` or the categories).
        """

    @abstractmethod
    def contains(self, value):
        """Whether ``value`` is a possible value of this dimension."""

    @property
    def n_values(self):
        """Number of distinct values, or ``math.inf`` if continuous."""
        return math.inf

    def values(self):
        """All values of a finite dimension, in unit-interval order."""
        raise TypeError(f"{self!r} has infinitely many values.")

    def sample(self, n_samples, random_state):
        """Draw ``n_samples`` values from the dimension's prior.

        Parameters
        ----------
        n_samples : int
        random_state : numpy.random.Generator or RandomState

        Returns
        -------
        values : list
        """
        return self.from_unit(random_state.uniform(size=n_samples))

    def __eq__(self, other):
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self):
        return hash((type(self).__name__, self._key()))

    @abstractmethod
    def _key(self):
        """Hashable description used for equality."""


def _check_prior(prior, log, name):
    """Translate scikit-optimize's ``prior`` into our ``log`` flag."""
    if prior is None:
        return bool(log)
    if prior not in ("uniform", "log-uniform"):
        raise ValueError(
            f"{name}: prior must be 'uniform' or 'log-uniform', got {prior!r}."
        )
    if log and prior == "uniform":
        raise ValueError(f"{name}: log=True contradicts prior='uniform'.")
    return prior == "log-uniform"


def _check_bounds(low, high, log, name, kind):
    for label, bound in (("low", low), ("high", high)):
        if not isinstance(bound, kind) or isinstance(bound, bool):
            raise TypeError(
                f"{name}: {label} must be a {kind.__name__.lower()} number, "
                f"got {bound!r}."
            )
        if not math.isfinite(bound):
            raise ValueError(f"{name}: {label} must be finite, got {bound!r}.")
    if low >= high:
        raise ValueError(
            f"{name}: low < high must hold, got low={low!r}, high={high!r}."
        )
    if log and low <= 0:
        raise ValueError(
            f"{name}: low > 0 must hold for a log scale, got low={low!r}, "
            f"high={high!r}."
        )


class Real(Dimension):
    """A float parameter in ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Inclusive bounds, ``low < high``.
    log : bool, default=False
        Sample and search uniformly in ``log(value)``; needs ``low > 0``.
    prior : {"uniform", "log-uniform"} or None, default=None
        scikit-optimize spelling of ``log``; ``"log-uniform"`` means
        ``log=True``.

    Examples
    --------
    >>> from sklearn_hypersearch import Real
    >>> Real(1e-3, 1e3, log=True).from_unit([0.0, 0.5, 1.0])
    [0.001, 1.0, 1000.0]
    """

    is_continuous = True

    def __init__(self, low, high, log=False, *, prior=None):
        self.is_log = _check_prior(prior, log, "Real")
        low = _native(low)
        high = _native(high)
        if isinstance(low, numbers.Integral) and not isinstance(low, bool):
            low = float(low)
        if isinstance(high, numbers.Integral) and not isinstance(high, bool):
            high = float(high)
        _check_bounds(low, high, self.is_log, "Real", numbers.Real)
        self.low = float(low)
        self.high = float(high)

    def _warp(self, x):
        return np.log(x) if self.is_log else np.asarray(x, dtype=float)

    def to_unit(self, values):
        lo, hi = self._warp(self.low), self._warp(self.high)
        return np.clip(
            (self._warp(np.asarray(values, dtype=float)) - lo) / (hi - lo), 0, 1
        )

    def from_unit(self, unit):
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        lo, hi = self._warp(self.low), self._warp(self.high)
        x = lo + u * (hi - lo)
        if self.is_log:
            x = np.exp(x)
        # exp/log round trips may miss the bounds by one ulp: pin them
        x = np.where(u <= 0.0, self.low, np.where(u >= 1.0, self.high, x))
        x = np.clip(x, self.low, self.high)
        return [float(v) for v in x]

    def contains(self, value):
        return (
            isinstance(value, numbers.Real)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
        )

    def _key(self):
        return (self.low, self.high, self.is_log)

    def __repr__(self):
        log = ", log=True" if self.is_log else ""
        return f"Real({self.low!r}, {self.high!r}{log})"


class Integer(Dimension):
    """An integer parameter in ``[low, high]`` (both inclusive).

    Parameters
    ----------
    low, high : int
        Inclusive bounds, ``low < high``.
    log : bool, default=False
        Search uniformly in ``log(value)``; needs ``low > 0``.
    prior : {"uniform", "log-uniform"} or None, default=None
        scikit-optimize spelling of ``log``.

    Notes
    -----
    The unit interval covers ``[low - 0.5, high + 0.5]`` so that rounding
    gives every integer the same share of it: without the half-step offsets
    the two bounds would get half the probability of the inner values.

    Examples
    --------
    >>> from sklearn_hypersearch import Integer
    >>> Integer(1, 3).from_unit([0.0, 0.5, 1.0])
    [1, 2, 3]
    """

    def __init__(self, low, high, log=False, *, prior=None):
        self.is_log = _check_prior(prior, log, "Integer")
        low = _native(low)
        high = _native(high)
        _check_bounds(low, high, self.is_log, "Integer", numbers.Integral)
        self.low = int(low)
        self.high = int(high)

    def _edges(self):
        lo, hi = self.low - 0.5, self.high + 0.5
        if self.is_log:
            # low - 0.5 may be <= 0 for low == 0 is excluded by the log check;
            # for low == 1 the edge 0.5 is still positive.
            return math.log(lo), math.log(hi)
        return lo, hi

    def to_unit(self, values):
        x = np.asarray(values, dtype=float)
        lo, hi = self._edges()
        w = np.log(x) if self.is_log else x
        return np.clip((w - lo) / (hi - lo), 0, 1)

    def from_unit(self, unit):
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        lo, hi = self._edges()
        w = lo + u * (hi - lo)
        x = np.exp(w) if self.is_log else w
        x = np.clip(np.round(x), self.low, self.high)
        return [int(v) for v in x]

    def contains(self, value):
        return (
            isinstance(value, numbers.Integral)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
        )

    @property
    def n_values(self):
        return self.high - self.low + 1

    def values(self):
        return list(range(self.low, self.high + 1))

    def _key(self):
        return (self.low, self.high, self.is_log)

    def __repr__(self):
        log = ", log=True" if self.is_log else ""
        return f"Integer({self.low!r}, {self.high!r}{log})"


class Categorical(Dimension):
    """A parameter taking one of a list of values.

    Parameters
    ----------
    choices : sequence
        The possible values, in any order; any objects (strings, numbers,
        ``None``, estimators). Duplicates are not allowed.

    Notes
    -----
    The unit interval is cut into ``len(choices)`` equal cells; value ``i``
    maps to the centre of cell ``i``. Strategies that need a better encoding
    than this ordinal one (one-hot for surrogate models) read
    :attr:`choices` directly.

    Examples
    --------
    >>> from sklearn_hypersearch import Categorical
    >>> Categorical(["a", "b"]).from_unit([0.1, 0.9])
    ['a', 'b']
    """

    def __init__(self, choices):
        if isinstance(choices, (str, bytes)) or not hasattr(choices, "__iter__"):
            raise TypeError(
                f"Categorical: choices must be a list of values, got {choices!r}."
            )
        choices = [_native(c) for c in choices]
        if len(choices) == 0:
            raise ValueError("Categorical: choices must not be empty.")
        for i, c in enumerate(choices):
            if any(_same(c, d) for d in choices[:i]):
                raise ValueError(f"Categorical: choice {c!r} is given twice.")
        self.choices = choices

    def index(self, value):
        """Position of ``value`` in :attr:`choices` (``ValueError`` if absent)."""
        for i, c in enumerate(self.choices):
            if _same(value, c):
                return i
        raise ValueError(f"{value!r} is not one of {self.choices!r}.")

    def to_unit(self, values):
        k = len(self.choices)
        return np.array([(self.index(v) + 0.5) / k for v in values], dtype=float)

    def from_unit(self, unit):
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        k = len(self.choices)
        idx = np.minimum((u * k).astype(int), k - 1)
        return [self.choices[i] for i in idx]

    def contains(self, value):
        return any(_same(value, c) for c in self.choices)

    @property
    def n_values(self):
        return len(self.choices)

    def values(self):
        return list(self.choices)

    def _key(self):
        return tuple(_hashable(c) for c in self.choices)

    def __repr__(self):
        return f"Categorical({self.choices!r})"


class Distribution(Dimension):
    """A parameter drawn from a frozen ``scipy.stats`` distribution.

    The unit coordinate of a value is its cumulative probability, so a
    uniform draw mapped back through the percent-point function samples the
    distribution exactly, bounded or not (``norm``, ``expon``...). Model-based
    strategies therefore search such a parameter in probability space: they
    propose quantiles, never values outside the support.

    ``uniform``, ``loguniform`` and ``randint`` are converted to
    :class:`Real` and :class:`Integer` instead (see
    :func:`~sklearn_hypersearch.Space`).

    Parameters
    ----------
    dist : scipy.stats frozen distribution
        Must have ``ppf`` and ``cdf``.
    """

    def __init__(self, dist):
        if not (hasattr(dist, "ppf") and hasattr(dist, "cdf")):
            raise TypeError(
                "Distribution: expected a frozen scipy.stats distribution with "
                f"ppf and cdf, got {dist!r}."
            )
        self.dist = dist
        self.is_discrete = _is_discrete(dist)
        self.is_continuous = not self.is_discrete
        lo, hi = dist.support()
        self.low, self.high = float(lo), float(hi)

    def to_unit(self, values):
        x = np.asarray(values, dtype=float)
        if self.is_discrete:
            # centre of the probability mass of each integer
            return np.clip((self.dist.cdf(x - 1) + self.dist.cdf(x)) / 2, 0, 1)
        return np.clip(self.dist.cdf(x), 0, 1)

    def from_unit(self, unit):
        u = np.clip(np.asarray(unit, dtype=float), _EPS, 1 - _EPS)
        x = self.dist.ppf(u)
        if self.is_discrete:
            return [int(v) for v in x]
        return [float(v) for v in x]

    def contains(self, value):
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            return False
        if self.is_discrete and not isinstance(value, numbers.Integral):
            return False
        return self.low <= value <= self.high

    def _key(self):
        return (
            self.dist.dist.name,
            tuple(self.dist.args),
            tuple(sorted(self.dist.kwds.items())),
        )

    def __repr__(self):
        return f"Distribution({self.dist.dist.name}{tuple(self.dist.args)!r})"


def _is_discrete(dist):
    from scipy import stats

    return isinstance(getattr(dist, "dist", None), stats.rv_discrete)


def _same(a, b):
    """Equality for categories that tolerates arrays and estimators."""
    if a is b:
        return True
    if type(a) is not type(b) and not (
        isinstance(a, numbers.Number) and isinstance(b, numbers.Number)
    ):
        return False
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    try:
        return bool(a == b)
    except (ValueError, TypeError):
        return False


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value
