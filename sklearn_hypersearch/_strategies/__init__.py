"""Ask/tell search strategies, independent of scikit-learn estimators."""

from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate, finite_scores
from sklearn_hypersearch._strategies._random import RandomStrategy

__all__ = ["BaseStrategy", "Candidate", "RandomStrategy", "finite_scores"]
