"""Strategies run one after the other, each for its own number of candidates."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers

from sklearn_hypersearch._space import Space
from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate


class SequentialStrategy(BaseStrategy):
    """Phases: each strategy proposes its own number of candidates, in turn.

    This is how scikit-optimize's ``BayesSearchCV`` searches a list of
    ``(space, n_iter)`` entries: one optimizer per entry, each run to its
    budget before the next starts, none told the others' results.

    Parameters
    ----------
    phases : list of (BaseStrategy, int) pairs
        The strategies, in the order they run, and how many candidates each
        proposes. A phase also ends when its strategy has nothing more to
        propose.

    Attributes
    ----------
    space : Space
        The subspaces of all phases, in phase order.
    history : list of (Candidate, float) pairs
    phase : int
        The phase proposing candidates now (``len(phases)`` once all ended).

    Notes
    -----
    Candidates carry the tags of their phase's strategy, plus ``phase``
    (the index of their phase, from 0); a ``round`` tag is renumbered
    across phases, so that rounds count up through the whole search.

    Results told without having been asked (warm starts) are told to every
    phase whose space contains them, and use none of its budget.

    Examples
    --------
    >>> from sklearn_hypersearch import RandomStrategy
    >>> from sklearn_hypersearch._strategies._sequential import SequentialStrategy
    >>> strategy = SequentialStrategy([
    ...     (RandomStrategy({"a": (0.0, 1.0)}, random_state=0), 2),
    ...     (RandomStrategy({"b": [1, 2, 3]}, random_state=1), 1),
    ... ])
    >>> while batch := strategy.ask():
    ...     strategy.tell(batch, [0.0] * len(batch))
    >>> [sorted(c.params) for c, _ in strategy.history]
    [['a'], ['a'], ['b']]
    >>> [c.tags["phase"] for c, _ in strategy.history]
    [0, 0, 1]
    """

    @property
    def n_planned(self):
        """Candidates of all phases (their budgets)."""
        return sum(budget for _, budget in self.phases)

    def __init__(self, phases):
        phases = list(phases)
        if not phases:
            raise ValueError("SequentialStrategy needs at least one phase.")
        for i, phase in enumerate(phases):
            if not (isinstance(phase, tuple) and len(phase) == 2):
                raise TypeError(
                    f"Phase {i} must be a (strategy, n_candidates) pair, got {phase!r}."
                )
            strategy, budget = phase
            if not isinstance(strategy, BaseStrategy):
                raise TypeError(
                    f"Phase {i}'s strategy must be a BaseStrategy, got {strategy!r}."
                )
            if (
                not isinstance(budget, numbers.Integral)
                or isinstance(budget, bool)
                or budget < 1
            ):
                raise ValueError(
                    f"Phase {i}'s number of candidates must be an int >= 1, got "
                    f"{budget!r}."
                )
        subspaces = [
            dict(zip(sub.names, sub.dimensions))
            for strategy, _ in phases
            for sub in strategy.space.subspaces
        ]
        super().__init__(Space(subspaces))
        self.phases = phases
        self.phase = 0
        self._asked = [0] * len(phases)
        self._round = 0
        # key -> phases that asked it and were not told yet, oldest first
        self._pending = {}
        tags = {"phase"}
        for strategy, _ in phases:
            tags.update(getattr(strategy, "result_tags", ()))
        self.result_tags = tuple(sorted(tags))

    def _ask(self, n):
        while self.phase < len(self.phases):
            strategy, budget = self.phases[self.phase]
            left = budget - self._asked[self.phase]
            batch = strategy.ask(left if n is None else min(n, left)) if left else []
            if batch:
                self._asked[self.phase] += len(batch)
                self._round += 1
                return [self._tagged(c) for c in batch]
            self.phase += 1
        return []

    def _tagged(self, candidate):
        tags = dict(candidate.tags)
        tags["phase"] = self.phase
        if "round" in tags:
            tags["round"] = self._round
        self._pending.setdefault(self._key(candidate), []).append(self.phase)
        return Candidate(candidate.params, candidate.budget, tags)

    def _tell(self, candidates, scores):
        told = [([], []) for _ in self.phases]
        for cand, score in zip(candidates, scores):
            owners = self._pending.get(self._key(cand))
            if owners:
                targets = [owners.pop(0)]
                if not owners:
                    del self._pending[self._key(cand)]
            else:
                targets = [
                    i
                    for i, (strategy, _) in enumerate(self.phases)
                    if strategy.space.contains(cand.params)
                ]
            for i in targets:
                told[i][0].append(cand)
                told[i][1].append(score)
        for (strategy, _), (cands, phase_scores) in zip(self.phases, told):
            if cands:
                strategy.tell(cands, phase_scores)
