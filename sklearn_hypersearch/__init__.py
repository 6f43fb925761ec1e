"""Drop-in scikit-learn hyperparameter searches."""

from sklearn_hypersearch._search._bayes import BayesSearchCV
from sklearn_hypersearch._search._choosers import (
    cheapest_within,
    epsilon_constraint,
    knee_point,
)
from sklearn_hypersearch._search._coarse_to_fine import CoarseToFineSearchCV
from sklearn_hypersearch._search._evolution import EvolutionSearchCV
from sklearn_hypersearch._search._gradient import GradientSearchCV
from sklearn_hypersearch._search._hyperband import HyperbandSearchCV
from sklearn_hypersearch._search._pbt import PopulationBasedSearchCV
from sklearn_hypersearch._space import (
    Categorical,
    Dimension,
    Distribution,
    Integer,
    Real,
    Space,
)
from sklearn_hypersearch._strategies import (
    BaseStrategy,
    Candidate,
    CoarseToFineStrategy,
    EvolutionStrategy,
    RandomStrategy,
)
from sklearn_hypersearch._strategies._bayes import BayesStrategy
from sklearn_hypersearch._strategies._hyperband import HyperbandStrategy
from sklearn_hypersearch._strategies._pbt import PopulationBasedStrategy

__version__ = "0.1.0.dev0"

__all__ = [
    "BaseStrategy",
    "BayesSearchCV",
    "BayesStrategy",
    "Candidate",
    "Categorical",
    "CoarseToFineSearchCV",
    "CoarseToFineStrategy",
    "Dimension",
    "Distribution",
    "EvolutionSearchCV",
    "EvolutionStrategy",
    "GradientSearchCV",
    "HyperbandSearchCV",
    "HyperbandStrategy",
    "Integer",
    "PopulationBasedSearchCV",
    "PopulationBasedStrategy",
    "RandomStrategy",
    "Real",
    "Space",
    "__version__",
    "cheapest_within",
    "epsilon_constraint",
    "knee_point",
]
