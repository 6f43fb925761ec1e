"""Multi-objective search: Pareto fitness, NSGA-II selection, ParEGO.

Strategies that learn score *vectors* (``handles_vectors = True``) rank their
candidates with the functions here; a strategy that learns one number per
candidate is wrapped in :class:`VectorLayer`, which turns every told vector
into a scalar for it. Every function works on objectives oriented for
**maximization** and, optionally, a constraint violation per point (0 means
feasible), and uses the Pareto tools of
:mod:`sklearn_hypersearch._strategies._pareto` (the one implementation shared
by strategies, driver and plots).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from sklearn_hypersearch._strategies._base import BaseStrategy
from sklearn_hypersearch._strategies._pareto import (
    chebyshev_scalarize,
    crowding_distance,
    non_dominated_sort,
    random_simplex_weights,
)

__all__ = [
    "VectorLayer",
    "nsga2_select",
    "pareto_fitness",
    "parego_scalarize",
    "promotion_order",
]

# Share of the fitness gap between two fronts that crowding may fill: the
# crowding term lies in [0, _CROWD_SHARE], so it never crosses a rank.
_CROWD_SHARE = 0.5


def _ranks_and_crowding(Y, violation=None):
    ranks = non_dominated_sort(Y, violation)
    return ranks, crowding_distance(Y, ranks)


def pareto_fitness(Y, violation=None):
    """One number per point that orders points as NSGA-II does.

    Points are compared first by their front (constraint domination: every
    feasible point before every infeasible one), then by crowding distance
    within a front (less crowded first). The fitness is ``-rank + c`` with
    ``c = 0.5 * d / (1 + d)`` for the crowding distance ``d`` (0.5 for the
    boundary points), so that any scalar strategy maximizing it follows that
    order. It is relative to the set of points given: computed again when
    points are added.

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
        Objectives, greater is better; rows with non-finite values are the
        worst points.
    violation : array-like of shape (n_points,), default=None
        Total constraint violation, ``>= 0`` (0 means feasible).

    Returns
    -------
    fitness : ndarray of shape (n_points,)

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._multiobjective import pareto_fitness
    >>> fitness = pareto_fitness([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0], [0.0, 0.0]])
    >>> fitness.round(3).tolist()  # the middle point: d = 2, 0.5 * 2 / 3
    [0.5, 0.333, 0.5, -0.5]
    """
    Y = np.asarray(Y, dtype=float)
    if len(Y) == 0:
        return np.zeros(0)
    ranks, crowd = _ranks_and_crowding(Y, violation)
    with np.errstate(invalid="ignore"):
        share = np.where(np.isinf(crowd), 1.0, crowd / (1.0 + crowd))
    return -ranks.astype(float) + _CROWD_SHARE * share


def promotion_order(Y, k=None, violation=None):
    """Indices of the ``k`` best points by Pareto rank, then crowding distance.

    The vector counterpart of sorting a rung by score for a multi-fidelity
    promotion (Hyperband, successive halving): the non-dominated points
    first (feasible before infeasible, by constraint domination), each front
    from its least crowded point; ties keep the order of the points.

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
        Objectives, greater is better.
    k : int or None, default=None
        How many to return; None returns every index.
    violation : array-like of shape (n_points,), default=None

    Returns
    -------
    order : ndarray of int

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._multiobjective import promotion_order
    >>> Y = [[0.0, 0.0], [1.0, 0.0], [0.6, 0.6], [0.0, 1.0], [0.5, 0.5]]
    >>> promotion_order(Y, k=3).tolist()
    [1, 3, 2]
    """
    fitness = pareto_fitness(Y, violation)
    order = np.argsort(-fitness, kind="stable")
    return order if k is None else order[:k]


def nsga2_select(Y, n, violation=None):
    """Indices of the ``n`` points NSGA-II's environmental selection keeps.

    Whole fronts are kept in order (constraint domination: feasible points
    first) while they fit; the front that does not fit is truncated to its
    least crowded points, the crowding distance being computed within that
    front (Deb et al. 2002). Ties keep the order of the points.

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
    n : int
        Points to keep; all of them if ``n >= n_points``.
    violation : array-like of shape (n_points,), default=None

    Returns
    -------
    keep : ndarray of int
        Sorted indices into ``Y``.

    References
    ----------
    .. [1] K. Deb, A. Pratap, S. Agarwal and T. Meyarivan, "A fast and elitist
       multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evol. Comput.
       6(2), 2002.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._multiobjective import nsga2_select
    >>> Y = [[0.0, 1.0], [0.1, 0.9], [0.5, 0.5], [1.0, 0.0], [0.0, 0.0]]
    >>> nsga2_select(Y, 3).tolist()
    [0, 2, 3]
    """
    Y = np.asarray(Y, dtype=float)
    if n >= len(Y):
        return np.arange(len(Y))
    ranks, crowd = _ranks_and_crowding(Y, violation)
    # whole fronts while they fit, then the least crowded of the next one
    order = np.lexsort((np.arange(len(Y)), -crowd, ranks))
    return np.sort(order[:n])


def parego_scalarize(Y, weights, violation=None, rho=0.05):
    """ParEGO's scalar of each point for one weight vector, greater is better.

    The feasible finite points are normalised to ``[0, 1]`` in each objective
    (their minimum to 0, their maximum to 1) and scalarised by the augmented
    Chebyshev function with ``weights`` (Knowles 2006). Infeasible points
    score below every feasible one, the more so the larger their violation;
    points with non-finite objectives score ``-inf`` (a failed fit).

    Parameters
    ----------
    Y : array-like of shape (n_points, n_objectives)
    weights : array-like of shape (n_objectives,)
    violation : array-like of shape (n_points,), default=None
    rho : float, default=0.05

    Returns
    -------
    scores : ndarray of shape (n_points,)

    References
    ----------
    .. [1] J. Knowles, "ParEGO: a hybrid algorithm with on-line landscape
       approximation for expensive multiobjective optimization problems",
       IEEE Trans. Evol. Comput. 10(1), 2006.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._multiobjective import (
    ...     parego_scalarize,
    ... )
    >>> parego_scalarize([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]], [0.5, 0.5], rho=0.0)
    array([-0.5 , -0.25, -0.5 ])
    """
    Y = np.asarray(Y, dtype=float)
    n = len(Y)
    v = np.zeros(n) if violation is None else np.asarray(violation, dtype=float)
    v = np.where(np.isnan(v), np.inf, v)
    finite = np.isfinite(Y).all(axis=1)
    feasible = finite & (v == 0)
    out = np.full(n, -np.inf)
    basis = feasible if feasible.any() else finite
    if not basis.any():
        return out
    lo, hi = Y[basis].min(axis=0), Y[basis].max(axis=0)
    scale = np.where(hi > lo, hi - lo, 1.0)
    Z = np.where(finite[:, None], (Y - lo) / scale, -np.inf)
    s = chebyshev_scalarize(Z, weights, ideal=np.ones(Y.shape[1]), rho=rho)
    if feasible.any() and not feasible.all():
        # every infeasible point below the worst feasible one, ordered by
        # violation (an infinite violation is as bad as a failed fit)
        worst = s[feasible].min()
        bad = finite & ~feasible
        v_bad = v[bad]
        finite_v = np.isfinite(v_bad)
        top = v_bad[finite_v].max() if finite_v.any() else 1.0
        top = top if top > 0 else 1.0
        penalty = np.where(finite_v, 1.0 + v_bad / top, np.inf)
        s[bad] = worst - penalty
    return np.where(finite, s, -np.inf)


class VectorLayer(BaseStrategy):
    """Teach score vectors to a strategy that learns one score per candidate.

    The layer asks the wrapped strategy for candidates and tells it one
    number per candidate, computed from the told vectors in one of two ways:

    - ``"parego"``: before each round, a new weight vector is drawn
      uniformly from the simplex and every told vector is scalarised with
      it (:func:`parego_scalarize`); the wrapped strategy is then built
      again by ``factory`` and told the whole history with those scalars,
      so that its model (a Gaussian process, trees, TPE) learns one random
      trade-off per round, as ParEGO does (Knowles 2006). While the wrapped
      strategy is still in its initial design (``n_initial_points``), it is
      kept and told as usual, so that the design stays space-filling.
    - ``"rungs"``: each told batch is scored by :func:`pareto_fitness` within
      its groups of candidates of one budget (and bracket), so that a
      multi-fidelity strategy that promotes the best of a rung promotes by
      Pareto rank, then crowding distance.

    ``"auto"`` uses ``"rungs"`` as soon as the wrapped strategy proposes a
    candidate with a budget, and ``"parego"`` otherwise. Scalar scores are
    passed on as they are.

    Parameters
    ----------
    space : Space, dict or list of dict
    factory : callable
        ``factory(rng)`` returns a new wrapped strategy; ``rng`` is a
        ``numpy.random.Generator``. Its state must follow from what it is
        told (true of Bayesian optimization: it proposes from its told
        history), so that building it again and telling it everything gives
        a strategy that proposes new points.
    random_state : int, RandomState instance, Generator or None, default=None
    method : {"auto", "parego", "rungs"}, default="auto"
    rho : float, default=0.05
        Augmentation weight of the Chebyshev scalarisation.

    Attributes
    ----------
    strategy : BaseStrategy
        The wrapped strategy now in use.
    method_ : str or None
        The method in use (None until ``"auto"`` has decided).
    weights_ : ndarray or None
        The weight vector of the last ParEGO round.

    Notes
    -----
    A wrapped strategy with a method ``rescore(scores)``, which replaces the
    scores of its whole history (in the order told) and keeps its state
    otherwise, is rescored in place instead of being built again.

    Attributes the layer does not have are read from the wrapped strategy
    (``result_tags``, ``schedule``, ``n_planned``...), so that a search
    reads its strategy's state the same way with and without the layer.

    References
    ----------
    .. [1] J. Knowles, "ParEGO: a hybrid algorithm with on-line landscape
       approximation for expensive multiobjective optimization problems",
       IEEE Trans. Evol. Comput. 10(1), 2006.

    Examples
    --------
    >>> from sklearn_hypersearch import BayesStrategy, Real
    >>> from sklearn_hypersearch._strategies._multiobjective import VectorLayer
    >>> space = {"x": Real(0.0, 1.0)}
    >>> layer = VectorLayer(
    ...     space,
    ...     lambda rng: BayesStrategy(space, rng, n_initial_points=4),
    ...     random_state=0,
    ... )
    >>> for _ in range(8):
    ...     batch = layer.ask()
    ...     layer.tell(batch, [[c.params["x"], 1 - c.params["x"] ** 2] for c in batch])
    >>> layer.method_, len(layer.history)
    ('parego', 8)
    """

    handles_vectors = True

    def __init__(self, space, factory, random_state=None, *, method="auto", rho=0.05):
        super().__init__(space, random_state)
        if method not in ("auto", "parego", "rungs"):
            raise ValueError(
                f"method must be 'auto', 'parego' or 'rungs', got {method!r}."
            )
        if not callable(factory):
            raise TypeError(f"factory must be callable, got {factory!r}.")
        self.factory = factory
        self.method = method
        self.rho = rho
        self.method_ = None if method == "auto" else method
        self.weights_ = None
        self._seed = int(self._rng.integers(2**31 - 1))
        self._n_built = 0
        self.strategy = self._build()
        self._stale = False  # told since the wrapped strategy was built

    def __getattr__(self, name):
        # only called for attributes the layer lacks: the wrapped strategy's
        if name.startswith("__") or name == "strategy":
            raise AttributeError(name)
        return getattr(self.strategy, name)

    def _build(self):
        rng = np.random.default_rng([self._seed, self._n_built])
        self._n_built += 1
        return self.factory(rng)

    def continuable(self):
        return self.strategy.continuable()

    def _ask(self, n):
        if self._stale and self.method_ != "rungs" and not self._in_design():
            self._rebuild()
        candidates = self.strategy.ask(n)
        if self.method_ is None and candidates:
            budgets = any(c.budget is not None for c in candidates)
            self.method_ = "rungs" if budgets else "parego"
        return candidates

    def _in_design(self):
        """Whether the wrapped strategy still proposes its initial design."""
        n_initial = getattr(self.strategy, "n_initial_points", 0)
        return isinstance(n_initial, int) and self.n_told < n_initial

    def _rebuild(self):
        """A new wrapped strategy told the whole history, with new weights."""
        Y = np.array([s for _, s in self.history], dtype=float)
        v = np.array(self.violations, dtype=float)
        self.weights_ = random_simplex_weights(1, Y.shape[1], self._rng)[0]
        scalars = parego_scalarize(Y, self.weights_, v, rho=self.rho)
        rescore = getattr(self.strategy, "rescore", None)
        if callable(rescore) and self.strategy.n_told == self.n_told:
            # a strategy that can replace its told scores keeps what does not
            # depend on them (warm starts of its model's hyperparameters)
            rescore(scalars)
        else:
            self.strategy = self._build()
            self.strategy.tell([c for c, _ in self.history], scalars)
        self._stale = False

    def _tell(self, candidates, scores):
        # scalar scores (one objective) go to the wrapped strategy as they are
        self.strategy.tell(candidates, scores)

    def _tell_vectors(self, candidates, Y, violation):
        if self.method_ == "rungs":
            self.strategy.tell(candidates, _grouped_fitness(candidates, Y, violation))
            return
        rescorable = callable(getattr(self.strategy, "rescore", None))
        if self._in_design() or self.method_ is None or rescorable:
            # any order will do: the design does not read the scores, and the
            # next round tells the wrapped strategy every score again
            if self.weights_ is None:
                self.weights_ = np.full(Y.shape[1], 1.0 / Y.shape[1])
            all_Y = np.array([s for _, s in self.history], dtype=float)
            all_v = np.array(self.violations, dtype=float)
            scalars = parego_scalarize(all_Y, self.weights_, all_v, rho=self.rho)
            self.strategy.tell(candidates, scalars[-len(candidates) :])
        self._stale = True


def _grouped_fitness(candidates, Y, violation):
    """Pareto fitness within each group of one budget and bracket."""
    groups = {}
    for i, cand in enumerate(candidates):
        key = (cand.budget, _hashable(cand.tags.get("bracket")))
        groups.setdefault(key, []).append(i)
    fitness = np.empty(len(candidates))
    for idx in groups.values():
        fitness[idx] = pareto_fitness(Y[idx], violation[idx])
    # a failed fit stays a failure for the wrapped strategy
    return np.where(np.isfinite(Y).all(axis=1), fitness, -np.inf)


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value
