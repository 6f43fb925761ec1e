"""Spaces of named dimensions, with alternative subspaces.

A :class:`Space` is what every strategy searches. It is built from what
users already pass to ``RandomizedSearchCV`` (a dict of lists and
``scipy.stats`` distributions, or a list of such dicts), to scikit-optimize
(``Real``, ``Space``, ``(low, high, "log-uniform")`` tuples...) or to Optuna
(``FloatDistribution``...); :mod:`~sklearn_hypersearch._space._convert` reads
those forms.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
import warnings

import numpy as np

from sklearn_hypersearch._space._convert import as_subspaces
from sklearn_hypersearch._space._dimensions import _hashable

_DESIGNS = ("random", "sobol", "lhs")


class Subspace:
    """One alternative of a :class:`Space`: named dimensions, sorted by name.

    Parameters
    ----------
    dimensions : dict of str -> Dimension

    Attributes
    ----------
    names : list of str
        Parameter names in sorted order: column order of unit arrays.
    dimensions : list of Dimension
        In the order of :attr:`names`.
    """

    def __init__(self, dimensions):
        # Always sort the names: positions in unit arrays must not depend
        # on dict insertion order.
        self.names = sorted(dimensions)
        self.dimensions = [dimensions[n] for n in self.names]

    @property
    def n_dims(self):
        return len(self.names)

    @property
    def n_values(self):
        """Number of distinct points (``math.inf`` if any is continuous)."""
        return math.prod(d.n_values for d in self.dimensions)

    def to_unit(self, params_list):
        """Map a list of parameter dicts to an array of shape (n, n_dims)."""
        out = np.empty((len(params_list), self.n_dims))
        for j, (name, dim) in enumerate(zip(self.names, self.dimensions)):
            out[:, j] = dim.to_unit([p[name] for p in params_list])
        return out

    def from_unit(self, unit):
        """Map an array of shape (n, n_dims) to a list of parameter dicts."""
        unit = np.atleast_2d(np.asarray(unit, dtype=float))
        if unit.shape[1] != self.n_dims:
            raise ValueError(f"expected {self.n_dims} columns, got {unit.shape[1]}")
        columns = [dim.from_unit(unit[:, j]) for j, dim in enumerate(self.dimensions)]
        return [dict(zip(self.names, row)) for row in zip(*columns)]

    def contains(self, params):
        return set(params) == set(self.names) and all(
            dim.contains(params[n]) for n, dim in zip(self.names, self.dimensions)
        )

    def grid(self):
        """All points of a finite subspace, as parameter dicts."""
        import itertools

        values = [d.values() for d in self.dimensions]
        return [dict(zip(self.names, combo)) for combo in itertools.product(*values)]

    def __eq__(self, other):
        return (
            isinstance(other, Subspace)
            and self.names == other.names
            and self.dimensions == other.dimensions
        )

    def __hash__(self):
        return hash((tuple(self.names), tuple(self.dimensions)))

    def __repr__(self):
        inner = ", ".join(f"{n!r}: {d!r}" for n, d in zip(self.names, self.dimensions))
        return "{" + inner + "}"


class Space:
    """A search space: one or more alternative subspaces of named dimensions.

    Parameters
    ----------
    params : dict, list of dict, or scikit-optimize style space
        Each dict maps a parameter name to a :class:`Dimension`, a list of
        values (choices, as in scikit-learn), a frozen ``scipy.stats``
        distribution, a ``(low, high, prior)`` range tuple, or a
        scikit-optimize dimension or Optuna distribution (see
        :func:`~sklearn_hypersearch._space.as_dimension`). A list of dicts
        gives alternative subspaces, e.g. one per estimator of a Pipeline
        step; a candidate belongs to the first that contains it, and two
        identical subspaces are refused. scikit-optimize's ``Space`` and a
        list of named dimensions (``Real(..., name="C")``) are one subspace.
        A :class:`Space` is returned unchanged by :meth:`from_user`.

    Attributes
    ----------
    subspaces : list of Subspace

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn_hypersearch import Space
    >>> space = Space({"C": loguniform(1e-3, 1e3), "kernel": ["rbf", "linear"]})
    >>> space.subspaces[0]
    {'C': Real(0.001, 1000.0, log=True), 'kernel': Categorical(['rbf', 'linear'])}
    >>> space.sample(2, random_state=0)
    [{'C': 6.63..., 'kernel': 'rbf'}, {'C': 0.00176..., 'kernel': 'rbf'}]
    """

    def __init__(self, params):
        self.subspaces = [Subspace(dims) for dims in as_subspaces(params)]

    @classmethod
    def from_user(cls, params):
        """The space a search or a strategy searches for the user's ``params``.

        ``params`` if it is a Space, else ``Space(params)``; in both cases a
        subspace identical to an earlier one is dropped with a
        :class:`UserWarning` (it adds no candidate, and searches that split
        their budget or their models by subspace would count its points
        twice). ``Space(params)`` itself keeps every subspace it is given.
        """
        space = params if isinstance(params, cls) else cls(params)
        kept = []
        for j, sub in enumerate(space.subspaces):
            first = next((i for i, k in kept if k == sub), None)
            if first is None:
                kept.append((j, sub))
                continue
            warnings.warn(
                f"Subspaces {first} and {j} of the search space are identical: "
                f"subspace {j} is left out, as it adds no candidate.",
                UserWarning,
                stacklevel=2,
            )
        if len(kept) == space.n_subspaces:
            return space
        merged = cls.__new__(cls)
        merged.subspaces = [sub for _, sub in kept]
        return merged

    @property
    def n_subspaces(self):
        return len(self.subspaces)

    @property
    def names(self):
        """Sorted union of the parameter names of all subspaces."""
        return sorted({n for s in self.subspaces for n in s.names})

    @property
    def n_values(self):
        """Number of distinct candidates (``math.inf`` if any is continuous)."""
        return sum(s.n_values for s in self.subspaces)

    def subspace_of(self, params):
        """Index of the first subspace that contains ``params``.

        Raises
        ------
        ValueError
            If no subspace contains it.
        """
        for i, sub in enumerate(self.subspaces):
            if sub.contains(params):
                return i
        raise ValueError(f"{params!r} is not a point of this search space.")

    def contains(self, params):
        return any(s.contains(params) for s in self.subspaces)

    def key(self, params):
        """A hashable identity of a candidate, for de-duplication."""
        return tuple((n, _hashable(params[n])) for n in sorted(params))

    def grid(self):
        """Every candidate of a finite space (``TypeError`` if infinite)."""
        if not math.isfinite(self.n_values):
            raise TypeError("This search space is continuous: it has no grid.")
        return [p for s in self.subspaces for p in s.grid()]

    def _split(self, n_samples, rng):
        """How many of ``n_samples`` go to each subspace.

        As sklearn's ``ParameterSampler`` chooses the dict uniformly for each
        sample, the counts are multinomial; spreading the remainder this way
        keeps small designs balanced.
        """
        k = self.n_subspaces
        counts = np.full(k, n_samples // k)
        extra = rng.choice(k, size=n_samples % k, replace=False)
        counts[extra] += 1
        return counts

    def sample_unit(self, n_samples, random_state=None, method="random"):
        """Draw points as unit arrays, grouped by subspace.

        Parameters
        ----------
        n_samples : int
        random_state : int, RandomState instance, Generator or None
        method : {"random", "sobol", "lhs"}, default="random"
            ``"sobol"`` (scrambled) and ``"lhs"`` are space-filling designs
            from :mod:`scipy.stats.qmc`.

        Returns
        -------
        samples : list of (int, ndarray) pairs
            ``(subspace index, unit array of shape (n_i, n_dims_i))`` for
            every subspace that receives at least one point.
        """
        if method not in _DESIGNS:
            raise ValueError(f"method must be one of {_DESIGNS}, got {method!r}.")
        rng = _as_generator(random_state)
        out = []
        for i, count in enumerate(self._split(n_samples, rng)):
            if count:
                out.append(
                    (i, _unit_design(method, count, self.subspaces[i].n_dims, rng))
                )
        return out

    def sample(self, n_samples, random_state=None, method="random"):
        """Draw ``n_samples`` candidates (dicts of native values).

        Parameters
        ----------
        n_samples : int
        random_state : int, RandomState instance, Generator or None
        method : {"random", "sobol", "lhs"}, default="random"

        Returns
        -------
        candidates : list of dict
        """
        rng = _as_generator(random_state)
        out = []
        for i, unit in self.sample_unit(n_samples, rng, method):
            out.extend(self.subspaces[i].from_unit(unit))
        order = rng.permutation(len(out))
        return [out[j] for j in order]

    def __eq__(self, other):
        return isinstance(other, Space) and self.subspaces == other.subspaces

    def __hash__(self):
        return hash(tuple(self.subspaces))

    def __repr__(self):
        if self.n_subspaces == 1:
            return f"Space({self.subspaces[0]!r})"
        return f"Space({self.subspaces!r})"


def _as_generator(random_state):
    """A numpy Generator from an int, RandomState, Generator or None.

    A RandomState is consumed (one draw seeds the Generator), so passing the
    same RandomState twice gives different but reproducible streams.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31 - 1))
    if random_state is None or isinstance(random_state, numbers.Integral):
        return np.random.default_rng(random_state)
    raise TypeError(
        "random_state must be an int, a RandomState, a Generator or None, got "
        f"{random_state!r}."
    )


def _unit_design(method, n_samples, n_dims, rng):
    """``n_samples`` points in ``[0, 1]^n_dims`` by the given design."""
    if method == "random" or n_dims == 0:
        return rng.uniform(size=(n_samples, n_dims))
    from scipy.stats import qmc

    seed = int(rng.integers(2**31 - 1))
    if method == "sobol":
        engine = qmc.Sobol(n_dims, scramble=True, seed=seed)
        # Sobol is balanced for powers of two; draw the next one and keep
        # the first points, which is still a low-discrepancy prefix.
        m = max(int(math.ceil(math.log2(max(n_samples, 1)))), 0)
        return engine.random_base2(m)[:n_samples]
    return qmc.LatinHypercube(n_dims, seed=seed).random(n_samples)
