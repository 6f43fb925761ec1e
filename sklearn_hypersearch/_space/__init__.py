"""Search spaces: dimensions, conversion of user spaces, designs."""

from sklearn_hypersearch._space._convert import as_dimension
from sklearn_hypersearch._space._dimensions import (
    Categorical,
    Dimension,
    Distribution,
    Integer,
    Real,
)
from sklearn_hypersearch._space._space import Space, Subspace

__all__ = [
    "Categorical",
    "Dimension",
    "Distribution",
    "Integer",
    "Real",
    "Space",
    "Subspace",
    "as_dimension",
]
