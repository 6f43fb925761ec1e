"""Strategies told score vectors: NSGA-II selection, ParEGO, rung promotion."""

import numpy as np
import pytest

from sklearn_hypersearch import (
    BayesStrategy,
    CoarseToFineStrategy,
    EvolutionStrategy,
    RandomStrategy,
    Real,
)
from sklearn_hypersearch._strategies._hyperband import HyperbandStrategy
from sklearn_hypersearch._strategies._multiobjective import (
    VectorLayer,
    nsga2_select,
    parego_scalarize,
    pareto_fitness,
    promotion_order,
)
from sklearn_hypersearch._strategies._pareto import crowding_distance

SPACE = {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)}


def zdt1(params):
    """ZDT1 on two variables, maximized (minus the published objectives)."""
    x, y = params["x"], params["y"]
    g = 1 + 9 * y
    return [-x, -g * (1 - np.sqrt(x / g))]


def _brute_ranks(Y, v):
    """Fronts by repeated peeling under constraint domination."""

    def dominates(i, j):
        if v[i] != v[j] and (v[i] > 0 or v[j] > 0):
            return v[i] < v[j]
        return (Y[i] >= Y[j]).all() and (Y[i] > Y[j]).any()

    ranks = np.full(len(Y), -1)
    left = set(range(len(Y)))
    r = 0
    while left:
        front = {i for i in left if not any(dominates(j, i) for j in left if j != i)}
        for i in front:
            ranks[i] = r
        left -= front
        r += 1
    return ranks


@pytest.mark.parametrize("seed", range(5))
def test_nsga2_select_keeps_whole_fronts_then_the_least_crowded(seed):
    rng = np.random.default_rng(seed)
    Y = np.round(rng.random((30, 2)), 1)  # ties and duplicates
    v = np.where(rng.random(30) < 0.2, rng.random(30), 0.0)
    n = 12
    keep = nsga2_select(Y, n, v)
    ranks = _brute_ranks(Y, v)
    assert len(keep) == n and len(set(keep)) == n
    cut = np.sort(ranks)[n - 1]
    # every point of a better front is kept, none of a worse one
    assert set(np.flatnonzero(ranks < cut)) <= set(keep)
    assert not set(np.flatnonzero(ranks > cut)) & set(keep)
    # the cut front keeps its least crowded points
    last = np.flatnonzero(ranks == cut)
    crowd = crowding_distance(Y[last])
    kept = np.isin(last, keep)
    if kept.any() and (~kept).any():
        assert crowd[kept].min() >= crowd[~kept].max()


def test_pareto_fitness_orders_by_front_then_crowding():
    rng = np.random.default_rng(0)
    Y = rng.random((40, 3))
    v = np.where(rng.random(40) < 0.25, rng.random(40), 0.0)
    fitness = pareto_fitness(Y, v)
    ranks = _brute_ranks(Y, v)
    for i in range(40):
        for j in range(40):
            if ranks[i] < ranks[j]:
                assert fitness[i] > fitness[j]
    # promotion order follows the fitness, ties in the given order
    order = promotion_order(Y, 10, v)
    assert list(order) == list(np.argsort(-fitness, kind="stable")[:10])


def test_parego_scalarize_puts_infeasible_and_failed_points_last():
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [2.0, 2.0], [np.nan, 1.0]])
    v = np.array([0.0, 0.0, 0.0, 0.3, 0.0])
    s = parego_scalarize(Y, [0.5, 0.5], v)
    assert s[3] < s[:3].min()  # the infeasible point, however good
    assert s[4] == -np.inf
    # a point that dominates another scores higher
    s2 = parego_scalarize(
        np.array([[0.2, 0.2], [0.3, 0.2], [1, 0], [0, 1]]), [0.3, 0.7]
    )
    assert s2[1] > s2[0]


@pytest.mark.parametrize(
    "make",
    [
        lambda: BayesStrategy(SPACE, random_state=0),
        lambda: HyperbandStrategy(SPACE, 1, 9, random_state=0),
    ],
)
def test_scalar_strategies_refuse_score_vectors(make):
    strategy = make()
    batch = strategy.ask(2)
    with pytest.raises(TypeError, match="learns one score per candidate"):
        strategy.tell(batch, [[0.0, 1.0]] * len(batch))


def test_vector_tell_is_checked():
    strategy = RandomStrategy(SPACE, random_state=0)
    batch = strategy.ask(2)
    with pytest.raises(ValueError, match="only told with score vectors"):
        strategy.tell(batch, [0.0, 1.0], violation=[0, 0])
    with pytest.raises(ValueError, match=">= 0"):
        strategy.tell(batch, [[0, 1], [1, 0]], violation=[-1, 0])
    strategy.tell(batch, [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="vectors of 2 objectives, got 3"):
        strategy.tell(strategy.ask(1), [[0, 1, 2]])
    with pytest.raises(ValueError, match="cannot be told scalar scores"):
        strategy.tell(strategy.ask(1), [0.5])


def test_evolution_population_is_the_nsga2_selection_of_parents_and_children():
    strategy = EvolutionStrategy(SPACE, population_size=8, random_state=0)
    for _ in range(3):
        batch = strategy.ask()
        strategy.tell(batch, np.array([zdt1(c.params) for c in batch]))
    batch = strategy.ask()
    before = [c.params for c, _ in strategy.population]
    strategy.tell(batch, np.array([zdt1(c.params) for c in batch]))
    assert strategy.ask()
    after = {str(c.params) for c, _ in strategy.population}
    pool = before + [c.params for c in batch]
    keep = nsga2_select(np.array([zdt1(p) for p in pool]), 8)
    assert after == {str(pool[i]) for i in keep}


def test_evolution_tournament_prefers_the_front():
    strategy = EvolutionStrategy(SPACE, population_size=6, n_elite=2, random_state=1)
    batch = strategy.ask()
    Y = np.array([zdt1(c.params) for c in batch])
    strategy.tell(batch, Y)
    strategy.ask()
    scores = np.array([s for _, s in strategy.population])
    # population scores are the Pareto fitness within the population
    pop_Y = np.array([zdt1(c.params) for c, _ in strategy.population])
    np.testing.assert_allclose(scores, pareto_fitness(pop_Y))


def test_coarse_to_fine_centres_are_non_dominated():
    strategy = CoarseToFineStrategy(
        SPACE, n_iter=20, n_stages=2, top_k=2, random_state=0
    )
    batch = strategy.ask()
    Y = np.array([zdt1(c.params) for c in batch])
    strategy.tell(batch, Y)
    strategy.ask()
    ranks = _brute_ranks(Y, np.zeros(len(Y)))
    keys = [str(c.params) for c in batch]
    for centre in strategy.stage_centres[1]:
        assert ranks[keys.index(str(centre))] == 0


def test_vector_layer_parego_rebuilds_with_the_whole_history():
    built = []

    def factory(rng):
        built.append(BayesStrategy(SPACE, rng, n_initial_points=4))
        return built[-1]

    layer = VectorLayer(SPACE, factory, random_state=0)
    for _ in range(7):
        batch = layer.ask()
        layer.tell(batch, np.array([zdt1(c.params) for c in batch]))
    assert layer.method_ == "parego"
    # one strategy through the design, then one per round
    assert len(built) == 1 + 3
    inner = layer.strategy
    assert inner is built[-1]
    Y = np.array([s for _, s in layer.history])
    np.testing.assert_allclose(
        [s for _, s in inner.history][:6],
        parego_scalarize(Y[:6], layer.weights_, rho=0.05),
    )
    assert layer.result_tags == ("round", "proposed_by")
    # the same seed gives the same candidates
    again = VectorLayer(
        SPACE, lambda rng: BayesStrategy(SPACE, rng, n_initial_points=4), random_state=0
    )
    params = []
    for _ in range(7):
        batch = again.ask()
        params += [c.params for c in batch]
        again.tell(batch, np.array([zdt1(c.params) for c in batch]))
    assert params == [c.params for c, _ in layer.history]


def test_vector_layer_promotes_hyperband_rungs_by_pareto_rank():
    strategy = HyperbandStrategy(SPACE, 1, 9, random_state=0)
    layer = VectorLayer(SPACE, lambda rng: strategy, random_state=0)
    first = layer.ask()
    assert layer.method_ == "rungs"
    rung0 = [c for c in first if c.tags["bracket"] == 0]
    Y = np.array([zdt1(c.params) for c in first])
    layer.tell(first, Y)
    promoted = [
        c for c in layer.ask() if c.tags["bracket"] == 0 and c.tags["rung"] == 1
    ]
    idx = [i for i, c in enumerate(first) if c.tags["bracket"] == 0]
    order = promotion_order(Y[idx], len(promoted))
    assert [c.params for c in promoted] == [rung0[i].params for i in order]


def test_vector_layer_rescores_a_strategy_that_can():
    class Rescorable(RandomStrategy):
        rescored = []

        def rescore(self, scores):
            self.rescored.append(np.asarray(scores))

    built = []

    def factory(rng):
        built.append(Rescorable(SPACE, rng))
        return built[-1]

    layer = VectorLayer(SPACE, factory, random_state=0)
    for _ in range(3):
        batch = layer.ask(2)
        layer.tell(batch, np.array([zdt1(c.params) for c in batch]))
    layer.ask(2)
    assert len(built) == 1
    Y = np.array([s for _, s in layer.history])
    np.testing.assert_allclose(
        Rescorable.rescored[-1], parego_scalarize(Y, layer.weights_, rho=0.05)
    )
