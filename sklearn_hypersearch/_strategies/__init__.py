"""Ask/tell search strategies, independent of scikit-learn estimators."""

from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate, finite_scores
from sklearn_hypersearch._strategies._coarse_to_fine import CoarseToFineStrategy
from sklearn_hypersearch._strategies._evolution import EvolutionStrategy
from sklearn_hypersearch._strategies._random import RandomStrategy

__all__ = [
    "BaseStrategy",
    "Candidate",
    "CoarseToFineStrategy",
    "EvolutionStrategy",
    "RandomStrategy",
    "finite_scores",
]
