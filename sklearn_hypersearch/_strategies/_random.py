"""Random and space-filling sampling, the baseline strategy."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math

from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate


class RandomStrategy(BaseStrategy):
    """Independent draws from the space's prior, without repeats.

    On a finite space (only categorical and integer dimensions) no
    candidate is proposed twice, and the strategy finishes once every point
    has been proposed, as ``RandomizedSearchCV`` does with lists only.

    Parameters
    ----------
    space : Space, dict or list of dict
    random_state : int, RandomState instance, Generator or None, default=None
    method : {"random", "sobol", "lhs"}, default="random"
        Design of each batch; ``"sobol"`` and ``"lhs"`` spread a batch
        evenly over the space.
    batch_size : int, default=10
        Natural batch returned by ``ask(None)``.

    Notes
    -----
    Score vectors (several objectives) may be told; :attr:`best` then ranks
    the told candidates by Pareto rank and crowding distance.

    Examples
    --------
    >>> from sklearn_hypersearch import RandomStrategy, Real
    >>> strategy = RandomStrategy({"x": Real(-5.0, 5.0)}, random_state=0)
    >>> for _ in range(5):
    ...     batch = strategy.ask(4)
    ...     strategy.tell(batch, [-c.params["x"] ** 2 for c in batch])
    >>> candidate, score = strategy.best
    >>> len(strategy.history), abs(candidate.params["x"]) < 1.0
    (20, True)
    """

    # proposals do not read the scores: vectors are kept in the history only
    handles_vectors = True

    def __init__(self, space, random_state=None, method="random", batch_size=10):
        super().__init__(space, random_state)
        self.method = method
        self.batch_size = batch_size
        self._proposed = set()

    def _ask(self, n):
        n = self.batch_size if n is None else n
        finite = math.isfinite(self.space.n_values)
        if finite:
            n = min(n, self.space.n_values - len(self._proposed | self._seen_keys()))
        out = []
        # Continuous spaces practically never repeat; finite ones are drawn
        # until n fresh points are found, which terminates because n is
        # capped by the number of unseen points.
        while len(out) < n:
            for params in self.space.sample(n - len(out), self._rng, self.method):
                key = self.space.key(params)
                if finite and (key in self._proposed or (key, None) in self._seen):
                    continue
                self._proposed.add(key)
                out.append(Candidate(params))
        return out

    def _seen_keys(self):
        return {k for k, _ in self._seen}
