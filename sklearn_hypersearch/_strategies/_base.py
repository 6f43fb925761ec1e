"""The ask/tell protocol shared by every search strategy.

Strategies know nothing of estimators, cross-validation or scorers: they
propose parameter dicts and learn from scores. They **maximize** the score
(scikit-learn's "greater is better"); a non-finite score (a failed fit, NaN)
ranks below every finite one.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from sklearn_hypersearch._space import Space
from sklearn_hypersearch._space._space import _as_generator


@dataclass(frozen=True)
class Candidate:
    """A point proposed by a strategy.

    Attributes
    ----------
    params : dict
        One native Python value per searched parameter.
    budget : int or None, default=None
        Resource units for multi-fidelity strategies; None means full.
    tags : mapping, default={}
        Provenance (round, bracket, rung, generation, stage, ...); the search
        classes add each tag as a ``cv_results_`` column.
    continues : Candidate or None, default=None
        An earlier candidate whose fitted models this one trains further
        (from its budget to this one's), instead of a fit from scratch:
        multi-fidelity rungs and population-based training. Searches that
        cannot continue a model fit from scratch.
    keep_state : bool, default=False
        Ask the search to keep this candidate's fitted models after its
        evaluation, for a later candidate to continue. The search drops them
        once :meth:`BaseStrategy.continuable` no longer names the candidate.
    """

    params: dict
    budget: int | None = None
    tags: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    continues: "Candidate | None" = None
    keep_state: bool = False

    def __post_init__(self):
        if not isinstance(self.tags, MappingProxyType):
            object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))


def finite_scores(scores):
    """Scores as a float array where non-finite values become ``-inf``.

    Use it wherever scores are ranked: NaN would otherwise sort unpredictably.
    """
    s = np.asarray(scores, dtype=float).reshape(-1)
    return np.where(np.isfinite(s), s, -np.inf)


class BaseStrategy(ABC):
    """Base class of the ask/tell search strategies.

    A strategy's state is a deterministic function of its settings, its
    ``random_state`` and the sequence of :meth:`ask` / :meth:`tell` calls. That
    is what makes searches reproducible whatever ``n_jobs`` is, and lets a
    search resume or warm start by telling earlier results.

    Subclasses implement :meth:`_ask` and may extend :meth:`_tell`; the
    public methods validate and keep the history.

    Parameters
    ----------
    space : Space, dict or list of dict
        What to search (anything :class:`~sklearn_hypersearch.Space` accepts).
    random_state : int, RandomState instance, Generator or None, default=None

    Attributes
    ----------
    space : Space
    history : list of (Candidate, float) pairs
        Every told candidate and its score, in the order told; with score
        vectors, ``(Candidate, tuple of float)`` pairs.
    violations : list of float
        The constraint violation told with each vector (0 means feasible);
        0 for every scalar score.

    Notes
    -----
    **Score vectors.** A strategy that sets ``handles_vectors = True`` may be
    told an array of shape ``(n_candidates, n_objectives)``, every objective
    oriented for maximization, and a constraint ``violation`` per candidate;
    it learns them in :meth:`_tell_vectors` (Pareto rank and crowding
    distance order them, see
    :mod:`sklearn_hypersearch._strategies._multiobjective`). A strategy
    that learns one number per candidate refuses vectors; the searches wrap
    it in :class:`~sklearn_hypersearch._strategies._multiobjective.VectorLayer`.
    """

    #: Whether :meth:`tell` accepts score vectors (several objectives).
    handles_vectors = False

    def __init__(self, space, random_state=None):
        self.space = Space.from_user(space)
        self._rng = _as_generator(random_state)
        self.history = []
        self.violations = []
        self._seen = set()
        self._n_objectives = None  # None: scalar scores; k: vectors of k

    @property
    def n_told(self):
        return len(self.history)

    def ask(self, n=None):
        """Propose at most ``n`` new candidates.

        Called by the driver whenever it can evaluate more candidates.

        Parameters
        ----------
        n : int or None, default=None
            Most candidates wanted; None asks for the strategy's natural batch
            (a rung, a generation, a stage, ``n_points``).

        Returns
        -------
        candidates : list of Candidate
            Empty when the strategy has nothing more to propose.
        """
        if n is not None and (not isinstance(n, (int, np.integer)) or n < 0):
            raise ValueError(f"n must be a non-negative int or None, got {n!r}.")
        if n == 0:
            return []
        candidates = list(self._ask(n))
        if n is not None and len(candidates) > n:
            raise RuntimeError(
                f"{type(self).__name__} proposed {len(candidates)} > {n} candidates."
            )
        return candidates

    def tell(self, candidates, scores, violation=None):
        """Record the scores of evaluated candidates.

        Called once per evaluated batch, in the order the candidates were
        asked. Candidates need not come from this strategy's own :meth:`ask`
        (warm starts and resumed checkpoints tell earlier results).

        Parameters
        ----------
        candidates : list of Candidate or dict
        scores : array-like of float of shape (n,) or (n, n_objectives)
            Greater is better; NaN and infinities are allowed. A 2-d array
            holds one score vector per candidate (only for strategies with
            ``handles_vectors``); a row with a non-finite value is a failure.
        violation : array-like of shape (n,), default=None
            With score vectors: each candidate's total constraint violation,
            ``>= 0`` (0 means feasible, NaN is read as infinite). None means
            every candidate is feasible.
        """
        candidates = [
            c if isinstance(c, Candidate) else Candidate(dict(c)) for c in candidates
        ]
        scores = np.asarray(scores, dtype=float)
        if scores.ndim == 2:
            self._tell_vector_batch(candidates, scores, violation)
            return
        if violation is not None:
            raise ValueError("violation is only told with score vectors (2-d scores).")
        if self._n_objectives is not None:
            raise ValueError(
                f"{type(self).__name__} was told score vectors of "
                f"{self._n_objectives} objectives; it cannot be told scalar "
                "scores as well."
            )
        scores = scores.reshape(-1)
        if len(candidates) != len(scores):
            raise ValueError(
                f"Got {len(candidates)} candidates but {len(scores)} scores."
            )
        for cand, score in zip(candidates, scores):
            self.history.append((cand, float(score)))
            self.violations.append(0.0)
            self._seen.add(self._key(cand))
        self._tell(candidates, finite_scores(scores))

    def _tell_vector_batch(self, candidates, scores, violation):
        if not self.handles_vectors:
            raise TypeError(
                f"{type(self).__name__} learns one score per candidate, got "
                f"score vectors of shape {scores.shape}; wrap it in "
                "sklearn_hypersearch._strategies._multiobjective.VectorLayer."
            )
        n, k = scores.shape
        if len(candidates) != n:
            raise ValueError(f"Got {len(candidates)} candidates but {n} score vectors.")
        if k == 0:
            raise ValueError("score vectors must hold at least one objective.")
        if self._n_objectives is None and self.history:
            raise ValueError(
                f"{type(self).__name__} was told scalar scores; it cannot be told "
                "score vectors as well."
            )
        if self._n_objectives not in (None, k):
            raise ValueError(
                f"{type(self).__name__} was told vectors of {self._n_objectives} "
                f"objectives, got {k}."
            )
        if violation is None:
            v = np.zeros(n)
        else:
            v = np.asarray(violation, dtype=float).reshape(-1)
            if len(v) != n:
                raise ValueError(f"Got {n} score vectors but {len(v)} violations.")
            if (v < 0).any():
                raise ValueError(f"violation must be >= 0, got {violation!r}.")
            v = np.where(np.isnan(v), np.inf, v)
        self._n_objectives = k
        for cand, row, viol in zip(candidates, scores, v):
            self.history.append((cand, tuple(float(x) for x in row)))
            self.violations.append(float(viol))
            self._seen.add(self._key(cand))
        Y = np.where(np.isfinite(scores).all(axis=1, keepdims=True), scores, -np.inf)
        self._tell_vectors(candidates, Y, v)

    @abstractmethod
    def _ask(self, n):
        """Return at most ``n`` (any number if None) new candidates."""

    def _tell(self, candidates, scores):
        """Update the strategy; ``scores`` has non-finite values as ``-inf``."""

    def _tell_vectors(self, candidates, Y, violation):
        """Update the strategy with score vectors (``handles_vectors`` only).

        ``Y`` has shape ``(n, n_objectives)``, rows with a non-finite value
        all ``-inf``; ``violation`` has shape ``(n,)``, ``>= 0``.
        """

    def _ranking_scores(self):
        """One number per told candidate, greater is better, to rank them.

        The scores themselves (non-finite as ``-inf``), or for score vectors
        their Pareto fitness over the whole history (front, then crowding
        distance: see
        :func:`~sklearn_hypersearch._strategies._multiobjective.pareto_fitness`).
        """
        if self._n_objectives is None:
            return finite_scores([s for _, s in self.history])
        from sklearn_hypersearch._strategies._multiobjective import pareto_fitness

        Y = np.array([s for _, s in self.history], dtype=float)
        fitness = pareto_fitness(Y, np.array(self.violations, dtype=float))
        # a failed fit ranks below everything, as a non-finite score does
        return np.where(np.isfinite(Y).all(axis=1), fitness, -np.inf)

    # helpers for subclasses ------------------------------------------------
    def _key(self, candidate):
        params = candidate.params if isinstance(candidate, Candidate) else candidate
        budget = candidate.budget if isinstance(candidate, Candidate) else None
        return (self.space.key(params), budget)

    def is_seen(self, candidate):
        """Whether this candidate (with its budget) was already told."""
        return self._key(candidate) in self._seen

    def continuable(self):
        """Candidates whose fitted models a later candidate may continue.

        Called by the search after each :meth:`tell`; the models of every
        other candidate that asked to ``keep_state`` are dropped, so memory
        holds only what can still be used. The default, for strategies that
        never continue a candidate, is none.
        """
        return ()

    @property
    def best(self):
        """The best told ``(Candidate, score)`` pair, or None.

        With score vectors, a candidate of the first front (the feasible
        non-dominated ones) with the largest crowding distance.
        """
        if not self.history:
            return None
        scores = self._ranking_scores()
        i = int(np.argmax(scores))
        if math.isinf(scores[i]) or not np.isfinite(self.history[i][1]).all():
            return None
        return self.history[i]
