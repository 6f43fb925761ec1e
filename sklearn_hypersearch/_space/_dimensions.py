"""Search-space dimensions and their map to and from the unit interval.

Every dimension owns exactly one bijection-like map between its values and
``[0, 1]``. Designs, surrogate models, mutations and region shrinking all work
on those unit coordinates, so this module is the only place where log scales,
integer rounding, grid steps, categorical cells and prior weights are coded.

Dimensions are value objects: they check their arguments when they are
created, so that an error points at the user's line. Messages name the
dimension's type, its ``name`` when one is given, and the wrong values.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Mapping, Set
from decimal import Decimal

import numpy as np

# Unbounded distributions map u in {0, 1} to +-inf; clip unit coordinates
# to this open interval before calling a ppf.
_EPS = 1e-12

_PRIORS = ("uniform", "log-uniform")
# scikit-optimize's `transform` values; they choose skopt's own encoding and
# have no effect here (every strategy works on the unit map below).
_NUMERIC_TRANSFORMS = ("identity", "normalize")
_CATEGORICAL_TRANSFORMS = ("onehot", "label", "string", "identity", "normalize")


def _native(value):
    """Return ``value`` as a plain Python object (no numpy scalar).

    Tuples and lists are converted element by element, so a choice such as
    ``(np.int64(1), np.int64(2))`` becomes ``(1, 2)``.
    """
    if isinstance(value, np.generic):
        return value.item()
    if type(value) is tuple:
        return tuple(_native(v) for v in value)
    if type(value) is list:
        return [_native(v) for v in value]
    return value


def _label(kind, name):
    """``Real`` or ``Real 'C'``: how messages refer to a dimension."""
    return kind if name is None else f"{kind} {name!r}"


def _check_name(name, kind):
    if name is not None and not isinstance(name, str):
        raise TypeError(f"{kind}: name must be a str or None, got {name!r}.")
    return name


def _check_transform(transform, allowed, label):
    if transform is not None and transform not in allowed:
        raise ValueError(
            f"{label}: transform must be None or one of {allowed} "
            f"(scikit-optimize's values; it has no effect here), got {transform!r}."
        )
    return transform


class Dimension(ABC):
    """One searched parameter: its values, sampling and unit-interval map.

    Subclasses implement :meth:`to_unit` and :meth:`from_unit`; sampling
    is inverse-transform sampling through :meth:`from_unit`, so a uniform draw
    in ``[0, 1]`` always yields a value with the dimension's prior.
    """

    #: True for dimensions whose values are floats on a continuum.
    is_continuous = False
    #: True when the unit map is logarithmic in the value.
    is_log = False
    #: Optional parameter name (scikit-optimize style); it must agree with
    #: the key the dimension is given under in a space.
    name = None

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
        # the name is not part of the identity: {"C": Real(0, 1, name="C")}
        # and {"C": Real(0, 1)} are the same space
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self):
        return hash((type(self).__name__, self._key()))

    @abstractmethod
    def _key(self):
        """Hashable description used for equality."""


def _check_prior(prior, log, label):
    """Translate scikit-optimize's ``prior`` into our ``log`` flag.

    A string given as ``log`` is scikit-optimize's positional ``prior``:
    ``Real(1e-3, 1.0, "log-uniform")``.
    """
    if isinstance(log, str):
        if prior is not None and prior != log:
            raise ValueError(
                f"{label}: the third argument {log!r} (scikit-optimize's "
                f"positional prior) contradicts prior={prior!r}."
            )
        log, prior = False, log
    if not isinstance(log, (bool, np.bool_)):
        raise TypeError(f"{label}: log must be a bool, got {log!r}.")
    if prior is None:
        return bool(log)
    if prior not in _PRIORS:
        raise ValueError(
            f"{label}: prior must be 'uniform' or 'log-uniform', got {prior!r}."
        )
    if log and prior == "uniform":
        raise ValueError(f"{label}: log=True contradicts prior='uniform'.")
    return prior == "log-uniform"


def _check_base(base, label):
    if (
        not isinstance(base, numbers.Real)
        or isinstance(base, bool)
        or not math.isfinite(base)
        or base <= 0
        or base == 1
    ):
        raise ValueError(
            f"{label}: base must be a positive number other than 1, got {base!r}."
        )
    return _native(base)


def _check_bounds(low, high, log, label, integral):
    kind, article = ("integer", "an") if integral else ("real number", "a")
    wanted = numbers.Integral if integral else numbers.Real
    for which, bound in (("low", low), ("high", high)):
        if not isinstance(bound, wanted) or isinstance(bound, bool):
            raise TypeError(
                f"{label}: {which} must be {article} {kind}, got {bound!r}."
            )
        if not math.isfinite(bound):
            raise ValueError(f"{label}: {which} must be finite, got {bound!r}.")
    if low >= high:
        raise ValueError(
            f"{label}: low < high must hold, got low={low!r}, high={high!r}."
        )
    if log and low <= 0:
        raise ValueError(
            f"{label}: low > 0 must hold for a log scale, got low={low!r}, "
            f"high={high!r}."
        )


def _index_to_unit(index, count):
    """Unit coordinate of grid index ``index`` (float) among ``count`` values.

    Index ``k`` covers ``[k - 0.5, k + 0.5]``: the half-step offsets at both
    ends give every value the same share of the unit interval, as
    :class:`Integer` does.
    """
    return np.clip((np.asarray(index, dtype=float) + 0.5) / count, 0.0, 1.0)


def _index_from_unit(unit, count):
    """Grid index of each unit coordinate, as ints in ``[0, count - 1]``."""
    u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
    return np.clip(np.round(u * count - 0.5), 0, count - 1).astype(int)


def _decimals(x):
    """Decimal places of ``repr(x)`` (``0.1`` -> 1), None beyond 15."""
    places = max(0, -Decimal(repr(float(x))).as_tuple().exponent)
    return places if places <= 15 else None


class Real(Dimension):
    """A float parameter in ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Inclusive bounds, ``low < high``, finite.
    log : bool, default=False
        Sample and search uniformly in ``log(value)``; needs ``low > 0``.
        A string here is scikit-optimize's positional ``prior``, so
        ``Real(1e-3, 1.0, "log-uniform")`` works as in scikit-optimize.
    prior : {"uniform", "log-uniform"} or None, default=None
        scikit-optimize spelling of ``log``; ``"log-uniform"`` means
        ``log=True``.
    base : float, default=10
        scikit-optimize's base of the logarithm. A log-uniform law is the
        same in every base, so ``base`` is stored but changes nothing.
    step : float or None, default=None
        If given, the values are ``low, low + step, ..., high`` only (Optuna's
        ``FloatDistribution(step=...)``), each with the same probability;
        ``high - low`` must be a multiple of ``step``. Not with ``log``.
    name : str or None, default=None
        Parameter name (scikit-optimize style). In a dict it must equal the
        dict key; a list of named dimensions needs it.
    transform : {"identity", "normalize"} or None, default=None
        Accepted for scikit-optimize code; it has no effect here.

    Examples
    --------
    >>> from sklearn_hypersearch import Real
    >>> Real(1e-3, 1e3, log=True).from_unit([0.0, 0.5, 1.0])
    [0.001, 1.0, 1000.0]
    >>> Real(0.0, 1.0, step=0.25).values()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """

    is_continuous = True

    def __init__(
        self,
        low,
        high,
        log=False,
        *,
        prior=None,
        base=10,
        step=None,
        name=None,
        transform=None,
    ):
        self.name = _check_name(name, "Real")
        label = _label("Real", self.name)
        self.is_log = _check_prior(prior, log, label)
        self.base = _check_base(base, label)
        self.transform = _check_transform(transform, _NUMERIC_TRANSFORMS, label)
        low = _native(low)
        high = _native(high)
        _check_bounds(low, high, self.is_log, label, integral=False)
        self.low = float(low)
        self.high = float(high)
        self.step = None
        if step is not None:
            self._set_step(_native(step), label)

    def _set_step(self, step, label):
        if (
            not isinstance(step, numbers.Real)
            or isinstance(step, bool)
            or not math.isfinite(step)
            or step <= 0
        ):
            raise ValueError(
                f"{label}: step must be a positive finite number or None, got {step!r}."
            )
        if self.is_log:
            raise ValueError(
                f"{label}: step={step!r} cannot be combined with a log scale "
                "(as in Optuna); use one or the other."
            )
        width = (self.high - self.low) / step
        n_steps = round(width)
        places = (_decimals(self.low), _decimals(step))
        self._places = None if None in places else max(places)
        if n_steps < 1 or abs(width - n_steps) > 1e-9 * max(1.0, width):
            below = self.low + math.floor(width + 1e-9) * step
            if self._places is not None:
                below = round(below, self._places)
            raise ValueError(
                f"{label}: high - low must be a multiple of step, got "
                f"low={self.low!r}, high={self.high!r}, step={step!r} "
                f"(high={below!r} would be)."
            )
        self.step = float(step)
        self._count = n_steps + 1
        # a grid of values is not a continuum: surrogates snap it like
        # integers, and it has a finite number of values
        self.is_continuous = False

    def _grid(self, index):
        """Values of grid indices, rounded to the decimals of low and step.

        ``0.1 * 3`` is ``0.30000000000000004`` in floating point; the user
        wrote ``step=0.1``, so the value is ``0.3``.
        """
        x = self.low + np.asarray(index, dtype=float) * self.step
        if self._places is not None:
            x = np.round(x, self._places)
        x = np.where(np.asarray(index) >= self._count - 1, self.high, x)
        return np.clip(x, self.low, self.high)

    def _warp(self, x):
        return np.log(x) if self.is_log else np.asarray(x, dtype=float)

    def to_unit(self, values):
        x = np.asarray(values, dtype=float)
        if self.step is not None:
            return _index_to_unit((x - self.low) / self.step, self._count)
        lo, hi = self._warp(self.low), self._warp(self.high)
        return np.clip((self._warp(x) - lo) / (hi - lo), 0, 1)

    def from_unit(self, unit):
        if self.step is not None:
            index = _index_from_unit(unit, self._count)
            return [float(v) for v in self._grid(index)]
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
        if (
            not isinstance(value, numbers.Real)
            or isinstance(value, bool)
            or not self.low <= value <= self.high
        ):
            return False
        if self.step is None:
            return True
        # on the grid up to float rounding: 0.1 * 3 counts as 0.3
        nearest = float(self._grid(round((value - self.low) / self.step)))
        return math.isclose(value, nearest, rel_tol=1e-9, abs_tol=1e-9 * self.step)

    @property
    def n_values(self):
        return math.inf if self.step is None else self._count

    def values(self):
        if self.step is None:
            return super().values()
        return [float(v) for v in self._grid(np.arange(self._count))]

    def _key(self):
        if self.step is None:
            return (self.low, self.high, self.is_log)
        return (self.low, self.high, self.is_log, self.step)

    def __repr__(self):
        log = ", log=True" if self.is_log else ""
        step = "" if self.step is None else f", step={self.step!r}"
        return f"Real({self.low!r}, {self.high!r}{log}{step})"


class Integer(Dimension):
    """An integer parameter in ``[low, high]`` (both inclusive).

    Parameters
    ----------
    low, high : int
        Inclusive bounds, ``low < high``.
    log : bool, default=False
        Search uniformly in ``log(value)``; needs ``low > 0``. A string here
        is scikit-optimize's positional ``prior``.
    prior : {"uniform", "log-uniform"} or None, default=None
        scikit-optimize spelling of ``log``.
    base : float, default=10
        scikit-optimize's base of the logarithm: stored, changes nothing.
    step : int, default=1
        The values are ``low, low + step, ..., high`` (Optuna's
        ``IntDistribution(step=...)``); ``high - low`` must be a multiple of
        ``step``. Only ``step=1`` with ``log``. ``None`` means 1.
    name : str or None, default=None
        Parameter name (scikit-optimize style), see :class:`Real`.
    transform : {"identity", "normalize"} or None, default=None
        Accepted for scikit-optimize code; it has no effect here.

    Notes
    -----
    The unit interval covers ``[low - step / 2, high + step / 2]`` so that
    rounding gives every value the same share of it: without the half-step
    offsets the two bounds would get half the probability of the inner
    values.

    Examples
    --------
    >>> from sklearn_hypersearch import Integer
    >>> Integer(1, 3).from_unit([0.0, 0.5, 1.0])
    [1, 2, 3]
    >>> Integer(0, 10, step=5).values()
    [0, 5, 10]
    """

    def __init__(
        self,
        low,
        high,
        log=False,
        *,
        prior=None,
        base=10,
        step=1,
        name=None,
        transform=None,
    ):
        self.name = _check_name(name, "Integer")
        label = _label("Integer", self.name)
        self.is_log = _check_prior(prior, log, label)
        self.base = _check_base(base, label)
        self.transform = _check_transform(transform, _NUMERIC_TRANSFORMS, label)
        low = _native(low)
        high = _native(high)
        _check_bounds(low, high, self.is_log, label, integral=True)
        self.low = int(low)
        self.high = int(high)
        step = 1 if step is None else _native(step)
        if not isinstance(step, numbers.Integral) or isinstance(step, bool) or step < 1:
            raise ValueError(f"{label}: step must be an integer >= 1, got {step!r}.")
        if step > 1 and self.is_log:
            raise ValueError(
                f"{label}: step={step!r} cannot be combined with a log scale "
                "(as in Optuna); use one or the other."
            )
        if (self.high - self.low) % step:
            below = self.high - (self.high - self.low) % step
            raise ValueError(
                f"{label}: high - low must be a multiple of step, got "
                f"low={self.low!r}, high={self.high!r}, step={step!r} "
                f"(high={below!r} would be)."
            )
        self.step = int(step)

    def _edges(self):
        lo, hi = self.low - 0.5, self.high + 0.5
        if self.is_log:
            # the log check excludes low <= 0; for low == 1 the edge 0.5 is
            # still positive
            return math.log(lo), math.log(hi)
        return lo, hi

    def to_unit(self, values):
        x = np.asarray(values, dtype=float)
        if self.step > 1:
            return _index_to_unit((x - self.low) / self.step, self.n_values)
        lo, hi = self._edges()
        w = np.log(x) if self.is_log else x
        return np.clip((w - lo) / (hi - lo), 0, 1)

    def from_unit(self, unit):
        if self.step > 1:
            index = _index_from_unit(unit, self.n_values)
            return [int(self.low + k * self.step) for k in index]
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
            and (value - self.low) % self.step == 0
        )

    @property
    def n_values(self):
        return (self.high - self.low) // self.step + 1

    def values(self):
        return list(range(self.low, self.high + 1, self.step))

    def _key(self):
        if self.step == 1:
            return (self.low, self.high, self.is_log)
        return (self.low, self.high, self.is_log, self.step)

    def __repr__(self):
        log = ", log=True" if self.is_log else ""
        step = "" if self.step == 1 else f", step={self.step!r}"
        return f"Integer({self.low!r}, {self.high!r}{log}{step})"


def _as_choices(choices, label):
    """The user's choices as a list of native values.

    A list, tuple, ``range`` or 1-d array gives its elements; a 2-d (or
    higher) array gives its rows, as tuples, the way scikit-learn's
    ``ParameterSampler`` draws rows of such an array.
    """
    if isinstance(choices, (str, bytes, Mapping, Set)) or not hasattr(
        choices, "__iter__"
    ):
        why = ""
        if isinstance(choices, Set):
            why = " (a set has no fixed order, so a search could not be reproduced)"
        raise TypeError(
            f"{label}: choices must be a list, a tuple or an array of values"
            f"{why}, got {choices!r}."
        )
    if isinstance(choices, np.ndarray):
        if choices.ndim == 0:
            raise TypeError(
                f"{label}: choices must be a list, a tuple or an array of "
                f"values, got the 0-d array {choices!r}."
            )
        if choices.ndim > 1:
            return [_native(_to_tuple(row.tolist())) for row in choices]
    return [_native(c) for c in choices]


def _to_tuple(value):
    if isinstance(value, list):
        return tuple(_to_tuple(v) for v in value)
    return value


class Categorical(Dimension):
    """A parameter taking one of a list of values.

    Parameters
    ----------
    choices : sequence
        The possible values, in any order; any objects (strings, numbers,
        ``None``, tuples, dicts, estimators). Duplicates are not allowed. The
        rows of a 2-d array are choices, as tuples.
    prior : sequence of float or None, default=None
        Positive weights, one per choice: how often each choice is drawn
        (scikit-optimize's ``Categorical(prior=...)``). They are normalized
        to sum to 1; ``None`` (or equal weights) draws every choice equally
        often.
    name : str or None, default=None
        Parameter name (scikit-optimize style), see :class:`Real`.
    transform : {"onehot", "label", "string", "identity", "normalize"} or None
        Accepted for scikit-optimize code; it has no effect here.

    Attributes
    ----------
    choices : list
    prior : list of float or None
        The normalized weights, or None when all choices weigh the same.

    Notes
    -----
    The unit interval is cut into one cell per choice, of width its prior
    probability (equal cells without ``prior``); value ``i`` maps to the
    centre of cell ``i``. Strategies that need a better encoding than this
    ordinal one (one-hot for surrogate models) read :attr:`choices` directly.

    Examples
    --------
    >>> from sklearn_hypersearch import Categorical
    >>> Categorical(["a", "b"]).from_unit([0.1, 0.9])
    ['a', 'b']
    >>> Categorical(["a", "b"], prior=[3, 1]).from_unit([0.1, 0.6, 0.9])
    ['a', 'a', 'b']
    """

    def __init__(self, choices, *, prior=None, name=None, transform=None):
        self.name = _check_name(name, "Categorical")
        label = _label("Categorical", self.name)
        self.transform = _check_transform(transform, _CATEGORICAL_TRANSFORMS, label)
        choices = _as_choices(choices, label)
        if len(choices) == 0:
            raise ValueError(f"{label}: choices must not be empty.")
        keys = {}
        for i, c in enumerate(choices):
            if any(_same(c, d) for d in choices[:i]):
                raise ValueError(f"{label}: choice {c!r} is given twice.")
            key = _hashable(c)
            if key in keys:
                # two unequal objects that a search cannot tell apart
                raise ValueError(
                    f"{label}: choices {keys[key]!r} and {c!r} have the same "
                    "representation, so results could not tell them apart."
                )
            keys[key] = c
        self.choices = choices
        self.prior = self._check_weights(prior, label)
        if self.prior is not None:
            edges = np.concatenate([[0.0], np.cumsum(self.prior)])
            edges[-1] = 1.0
            self._edges = edges

    def _check_weights(self, prior, label):
        if prior is None:
            return None
        if isinstance(prior, (str, bytes, Mapping)) or not hasattr(prior, "__len__"):
            raise TypeError(
                f"{label}: prior must be a list of weights, one per choice, "
                f"got {prior!r}."
            )
        weights = [_native(w) for w in prior]
        if len(weights) != len(self.choices):
            raise ValueError(
                f"{label}: prior must have one weight per choice, got "
                f"{len(weights)} weights for {len(self.choices)} choices."
            )
        for w, c in zip(weights, self.choices):
            if (
                not isinstance(w, numbers.Real)
                or isinstance(w, bool)
                or not math.isfinite(w)
                or w <= 0
            ):
                raise ValueError(
                    f"{label}: prior weights must be positive finite numbers, got "
                    f"{w!r} for choice {c!r} (leave out a choice rather than "
                    "giving it weight 0)."
                )
        total = math.fsum(weights)
        if all(w == weights[0] for w in weights):
            return None
        return [w / total for w in weights]

    def index(self, value):
        """Position of ``value`` in :attr:`choices` (``ValueError`` if absent)."""
        for i, c in enumerate(self.choices):
            if _same(value, c):
                return i
        raise ValueError(f"{value!r} is not one of {self.choices!r}.")

    def to_unit(self, values):
        index = np.array([self.index(v) for v in values], dtype=int)
        if self.prior is None:
            return (index + 0.5) / len(self.choices)
        return (self._edges[index] + self._edges[index + 1]) / 2

    def from_unit(self, unit):
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        k = len(self.choices)
        if self.prior is None:
            idx = np.minimum((u * k).astype(int), k - 1)
        else:
            idx = np.searchsorted(self._edges[1:-1], u, side="right")
        return [self.choices[i] for i in idx]

    def contains(self, value):
        return any(_same(value, c) for c in self.choices)

    @property
    def n_values(self):
        return len(self.choices)

    def values(self):
        return list(self.choices)

    def _key(self):
        key = tuple(_hashable(c) for c in self.choices)
        if self.prior is None:
            return key
        return (key, tuple(self.prior))

    def __repr__(self):
        if self.prior is None:
            return f"Categorical({self.choices!r})"
        prior = [round(p, 6) for p in self.prior]
        return f"Categorical({self.choices!r}, prior={prior!r})"


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
        Must have ``ppf`` and ``cdf``, and valid arguments: a distribution
        whose percent-point function gives NaN or infinite values
        (``norm(0, -1)``) is refused.
    name : str or None, default=None
        Parameter name, see :class:`Real`.
    """

    def __init__(self, dist, *, name=None):
        self.name = _check_name(name, "Distribution")
        label = _label("Distribution", self.name)
        if not (
            hasattr(dist, "ppf") and hasattr(dist, "cdf") and hasattr(dist, "dist")
        ):
            raise TypeError(
                f"{label}: expected a frozen scipy.stats distribution with "
                f"ppf and cdf, got {dist!r}."
            )
        self.dist = dist
        self.is_discrete = _is_discrete(dist)
        self.is_continuous = not self.is_discrete
        with np.errstate(all="ignore"):
            lo, hi = (float(b) for b in dist.support())
            probe = np.asarray(dist.ppf([_EPS, 0.5, 1 - _EPS]), dtype=float)
        if math.isnan(lo) or math.isnan(hi):
            raise ValueError(
                f"{label}: {_describe(dist)} has invalid arguments (scipy gives "
                "it the support (nan, nan))."
            )
        if not np.all(np.isfinite(probe)):
            raise ValueError(
                f"{label}: the ppf of {_describe(dist)} gives {probe.tolist()!r} "
                f"at probabilities [{_EPS}, 0.5, 1 - {_EPS}]; the search needs "
                "finite values."
            )
        self.low, self.high = lo, hi

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
        return f"Distribution({_describe(self.dist)})"


def _describe(dist):
    """``norm(0, scale=2)``: a frozen distribution with its arguments."""
    name = getattr(getattr(dist, "dist", None), "name", type(dist).__name__)
    args = [repr(a) for a in getattr(dist, "args", ())]
    args += [f"{k}={v!r}" for k, v in sorted(getattr(dist, "kwds", {}).items())]
    return f"{name}({', '.join(args)})"


def _is_discrete(dist):
    from scipy import stats

    return isinstance(getattr(dist, "dist", None), stats.rv_discrete)


def _is_nan(value):
    return isinstance(value, float) and math.isnan(value)


def _same(a, b):
    """Equality for categories that tolerates arrays, estimators and NaN."""
    if a is b:
        return True
    if _is_nan(a) and _is_nan(b):
        # SimpleImputer(missing_values=np.nan): one NaN choice, however
        # many NaN objects stand for it
        return True
    if type(a) is not type(b) and not (
        isinstance(a, numbers.Number) and isinstance(b, numbers.Number)
    ):
        return False
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and bool(np.array_equal(a, b))
    try:
        return bool(a == b)
    except (ValueError, TypeError):
        return False


def _hashable(value):
    if _is_nan(value):
        # hash(nan) depends on the object since Python 3.10
        return ("nan",)
    if isinstance(value, (bool, np.bool_)):
        # True == 1 and hash(True) == hash(1), yet they are different choices
        return ("bool", bool(value))
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value
