"""Every ask/tell strategy of the package, each with small settings.

``tests/test_strategy_contract.py`` runs one suite of protocol checks
(determinism, native values inside the space, no repeats on a finite space,
non-finite scores, telling in pieces or in another order, replaying a
history) on every entry of :data:`STRATEGIES`, and fails if a concrete
:class:`~sklearn_hypersearch.BaseStrategy` subclass of the package is
missing from it. A new strategy joins the package by adding an entry here;
a strategy with variants that behave differently (surrogates, samplers)
gets one entry per variant.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

from dataclasses import dataclass, field
from types import MappingProxyType

from sklearn_hypersearch._strategies._bayes import SURROGATES, BayesStrategy
from sklearn_hypersearch._strategies._coarse_to_fine import CoarseToFineStrategy
from sklearn_hypersearch._strategies._evolution import EvolutionStrategy
from sklearn_hypersearch._strategies._gradient import GradientStrategy
from sklearn_hypersearch._strategies._hyperband import _SAMPLERS, HyperbandStrategy
from sklearn_hypersearch._strategies._multiobjective import VectorLayer
from sklearn_hypersearch._strategies._pbt import _EXPLORE, PopulationBasedStrategy
from sklearn_hypersearch._strategies._random import RandomStrategy
from sklearn_hypersearch._strategies._sequential import SequentialStrategy


@dataclass(frozen=True)
class RegisteredStrategy:
    """A strategy class and the settings of one of its variants.

    Attributes
    ----------
    name : str
        Identifies the variant (a test id).
    cls : type
        The :class:`~sklearn_hypersearch.BaseStrategy` subclass.
    settings : mapping
        Keyword arguments besides ``space`` and ``random_state``; small
        budgets, so that a run of a few batches exercises every phase of
        the strategy (initial design and model, every rung, later stages).
    """

    name: str
    cls: type
    settings: MappingProxyType = field(default_factory=dict)
    #: builds the strategy from (space, random_state) when its constructor
    #: takes something else (a strategy made of strategies)
    build: object = None

    def __post_init__(self):
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def make(self, space, random_state):
        """A new strategy of this variant over ``space``."""
        if self.build is not None:
            return self.build(space, random_state)
        return self.cls(space, random_state=random_state, **self.settings)


def _phases(space, random_state):
    """scikit-optimize's ``(space, n_iter)`` entries: a Bayes phase per
    subspace, 20 candidates each (more than the small finite test space
    holds), run one after the other."""
    from sklearn_hypersearch._space import Space
    from sklearn_hypersearch._space._space import _as_generator

    space = Space.from_user(space)
    rng = _as_generator(random_state)
    return SequentialStrategy(
        [
            (
                BayesStrategy(
                    [dict(zip(sub.names, sub.dimensions))],
                    random_state=int(rng.integers(2**31 - 1)),
                    n_initial_points=3,
                    n_points=2,
                    n_candidates=64,
                ),
                20,
            )
            for sub in space.subspaces
        ]
    )


def _vector_layer(space, random_state):
    """A Bayes strategy behind the layer that teaches it score vectors (told
    scalar scores, it passes them on)."""
    return VectorLayer(
        space,
        lambda rng: BayesStrategy(
            space, rng, n_initial_points=3, n_points=2, n_candidates=64
        ),
        random_state=random_state,
    )


STRATEGIES = (
    RegisteredStrategy("random", RandomStrategy, {"batch_size": 4}),
    RegisteredStrategy("random-sobol", RandomStrategy, {"method": "sobol"}),
    *(
        RegisteredStrategy(
            f"bayes-{surrogate}",
            BayesStrategy,
            {
                "surrogate": surrogate,
                "n_initial_points": 3,
                "n_points": 2,
                "n_candidates": 64,
            },
        )
        # "auto" only chooses between "gp" and "trees"
        for surrogate in SURROGATES
        if surrogate != "auto"
    ),
    RegisteredStrategy("evolution", EvolutionStrategy, {"population_size": 5}),
    *(
        RegisteredStrategy(
            f"hyperband-{sampler}",
            HyperbandStrategy,
            {"min_resources": 1, "max_resources": 27, "sampler": sampler},
        )
        # "tpe" is an alias of "bohb"
        for sampler in _SAMPLERS
        if sampler != "tpe"
    ),
    RegisteredStrategy("coarse_to_fine", CoarseToFineStrategy, {"n_iter": 20}),
    *(
        RegisteredStrategy(
            f"pbt-{explore}",
            PopulationBasedStrategy,
            {"population_size": 4, "n_steps": 6, "step": 2, "explore": explore},
        )
        for explore in _EXPLORE
    ),
    RegisteredStrategy("sequential", SequentialStrategy, build=_phases),
    RegisteredStrategy("vector_layer", VectorLayer, build=_vector_layer),
    # told gradients need a back-end's columns: the scores-only modes here
    *(
        RegisteredStrategy(f"gradient-{mode}", GradientStrategy, {"gradient": mode})
        for mode in ("finite_difference", "surrogate")
    ),
)
