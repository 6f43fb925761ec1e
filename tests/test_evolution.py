"""Tests of EvolutionStrategy and EvolutionSearchCV."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_hypersearch import (
    Categorical,
    EvolutionSearchCV,
    EvolutionStrategy,
    Integer,
    Real,
    Space,
)
from tests._helpers import QuadraticClassifier, toy_data

# deterministic property tests (as SciPy's conftest profile)
DETERMINISTIC = settings(derandomize=True, deadline=None, max_examples=40)


def _run(strategy, objective, n_generations):
    """Ask whole generations and tell ``objective``; return every candidate."""
    asked = []
    for _ in range(n_generations):
        batch = strategy.ask()
        if not batch:
            break
        asked.extend(batch)
        strategy.tell(batch, [objective(c.params) for c in batch])
    return asked


def _key(params):
    return tuple(sorted((k, repr(v)) for k, v in params.items()))


# -- property: operators keep children inside the space -------------------
@st.composite
def dimensions(draw):
    kind = draw(st.sampled_from(["real", "real_log", "int", "int_log", "cat"]))
    if kind.startswith("real"):
        log = kind == "real_log"
        low = draw(st.floats(1e-4, 10.0)) if log else draw(st.floats(-100, 100))
        width = draw(st.floats(1e-3, 1e3))
        return Real(low, low + width, log=log)
    if kind.startswith("int"):
        log = kind == "int_log"
        low = draw(st.integers(1, 50)) if log else draw(st.integers(-50, 50))
        return Integer(low, low + draw(st.integers(1, 500)), log=log)
    n = draw(st.integers(1, 5))
    return Categorical([f"c{i}" for i in range(n)] + [None][: draw(st.integers(0, 1))])


@st.composite
def spaces(draw):
    names = ["a", "b", "c", "d"]
    n_sub = draw(st.integers(1, 3))
    subs = []
    for _ in range(n_sub):
        chosen = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
        subs.append({n: draw(dimensions()) for n in chosen})
    return subs


def _native(value):
    return value is None or (
        isinstance(value, (bool, int, float, str)) and not isinstance(value, np.generic)
    )


@DETERMINISTIC
@given(
    space=spaces(),
    seed=st.integers(0, 2**16),
    population_size=st.integers(2, 9),
    crossover_rate=st.floats(0, 1),
    branch_rate=st.floats(0, 1),
)
def test_children_stay_inside_the_space(
    space, seed, population_size, crossover_rate, branch_rate
):
    strategy = EvolutionStrategy(
        space,
        random_state=seed,
        population_size=population_size,
        n_elite=population_size // 2,
        tournament_size=min(2, population_size),
        crossover_rate=crossover_rate,
        branch_rate=branch_rate,
        mutation_scale=0.5,
    )
    score_rng = np.random.default_rng(seed)
    asked = _run(strategy, lambda p: score_rng.normal(), 6)
    the_space = Space(space)
    assert asked
    keys = [the_space.key(c.params) for c in asked]
    assert len(set(keys)) == len(keys)  # nothing proposed twice
    for cand in asked:
        assert the_space.contains(cand.params), cand.params
        assert all(_native(v) for v in cand.params.values())
    if math.isfinite(the_space.n_values):
        assert len(asked) <= the_space.n_values


# -- selection, elitism and adaptation ---------------------------------------
def _sphere(params):
    return -sum((params[n] - 0.25) ** 2 for n in params)


def test_elitism_keeps_the_best_ever_in_the_population():
    rng = np.random.default_rng(0)
    strategy = EvolutionStrategy(
        {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)},
        population_size=6,
        n_elite=1,
        random_state=0,
    )
    for _ in range(8):
        batch = strategy.ask()
        # noisy scores: a generational GA without elitism would lose its best
        strategy.tell(batch, [rng.normal() for _ in batch])
        best_cand, best_score = strategy.best
        strategy.ask(0)  # no-op: selection happens when the next batch is bred
        nxt = strategy.ask()
        parents = strategy.population
        assert parents[0][1] == best_score
        assert parents[0][0].params == best_cand.params
        # elites are not asked again
        assert all(c.params != best_cand.params for c in nxt)
        strategy.tell(nxt, [rng.normal() for _ in nxt])


def test_generation_sizes_and_tags():
    strategy = EvolutionStrategy(
        {"x": Real(0.0, 1.0)}, population_size=5, n_elite=2, random_state=0
    )
    asked = _run(strategy, _sphere, 4)
    gens = [c.tags["generation"] for c in asked]
    assert gens == [0] * 5 + [1] * 3 + [2] * 3 + [3] * 3
    ids = [c.tags["individual"] for c in asked]
    assert ids == list(range(len(asked)))
    for cand in asked:
        parents = [int(p) for p in cand.tags["parents"].split(",") if p]
        if cand.tags["generation"] == 0:
            assert parents == []
        else:
            assert 1 <= len(parents) <= 2
            assert all(p < cand.tags["individual"] for p in parents)


def test_partial_asks_split_a_generation():
    kwargs = dict(space={"x": Real(0.0, 1.0)}, population_size=6, random_state=3)
    whole = EvolutionStrategy(**kwargs)
    pieces = EvolutionStrategy(**kwargs)
    first = whole.ask()
    parts = pieces.ask(4) + pieces.ask(4)
    assert len(parts) == 6  # the second ask only returns the rest
    assert [c.params for c in parts] == [c.params for c in first]
    assert {c.tags["generation"] for c in parts} == {0}


def test_converges_on_a_smooth_function():
    strategy = EvolutionStrategy(
        {"x": Real(-5.0, 5.0), "y": Real(-5.0, 5.0)},
        population_size=10,
        random_state=0,
    )
    _run(strategy, lambda p: -(p["x"] ** 2) - (p["y"] - 1) ** 2, 15)
    best = strategy.best[0].params
    assert abs(best["x"]) < 0.2 and abs(best["y"] - 1) < 0.2
    # it beats the best point of its own initial design by far
    initial = max(s for c, s in strategy.history if c.tags["generation"] == 0)
    assert strategy.best[1] > initial + 0.05


def test_mutation_scale_adapts_to_success():
    space = {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)}
    failing = EvolutionStrategy(space, population_size=6, random_state=0)
    _run(failing, lambda p: 0.0, 6)  # children never beat their parents
    assert failing.mutation_scale_ < 0.2
    succeeding = EvolutionStrategy(space, population_size=6, random_state=0)
    counter = iter(range(10**6))
    _run(succeeding, lambda p: next(counter), 6)  # every child is better
    assert succeeding.mutation_scale_ > 0.2


def test_integer_mutation_moves_by_whole_steps_and_respects_log():
    dim = Integer(1, 1000, log=True)
    strategy = EvolutionStrategy({"n": dim}, random_state=0, mutation_scale=0.01)
    for value in (1, 2, 500, 1000):
        u = float(dim.to_unit([value])[0])
        new = dim.from_unit([strategy._mutate_gene(dim, u)])[0]
        assert new != value and 1 <= new <= 1000
    # a large step on a log scale: as many children below 32 as above
    strategy.mutation_scale_ = 0.5
    u = float(dim.to_unit([32])[0])
    children = [dim.from_unit([strategy._mutate_gene(dim, u)])[0] for _ in range(400)]
    below = np.mean([c < 32 for c in children])
    assert 0.35 < below < 0.65


def test_categorical_mutation_always_changes_choice():
    dim = Categorical(["a", "b", "c"])
    strategy = EvolutionStrategy({"k": dim}, random_state=0)
    u = float(dim.to_unit(["b"])[0])
    seen = {dim.from_unit([strategy._mutate_gene(dim, u)])[0] for _ in range(50)}
    assert seen == {"a", "c"}


# -- no duplicate evaluation ---------------------------------------------
def test_finite_space_is_searched_without_repeats_then_finishes():
    space = {"a": [1, 2, 3], "b": Integer(0, 2), "c": [True, False]}
    strategy = EvolutionStrategy(space, population_size=5, random_state=0)
    asked = _run(strategy, lambda p: p["a"] + p["b"], 100)
    keys = [_key(c.params) for c in asked]
    assert len(keys) == len(set(keys)) == 18
    assert strategy.ask() == []


def test_search_never_refits_a_candidate():
    X, y = toy_data()
    QuadraticClassifier.fit_log = []
    search = EvolutionSearchCV(
        QuadraticClassifier(log_fits=True),
        {"x": Integer(0, 4), "flag": [True, False]},
        population_size=4,
        n_elite=1,
        n_generations=6,
        cv=2,
        refit=False,
        random_state=0,
    ).fit(X, y)
    params = search.cv_results_["params"]
    assert len({_key(p) for p in params}) == len(params)
    assert len(QuadraticClassifier.fit_log) == 2 * len(params)  # cv=2


def test_told_results_seed_the_population():
    strategy = EvolutionStrategy(
        {"x": Real(0.0, 1.0)}, population_size=4, n_elite=1, random_state=0
    )
    strategy.tell([{"x": 0.25}, {"x": 0.9}], [1.0, -1.0])
    batch = strategy.ask()
    # a bred generation (population_size - n_elite), not a design of 4
    assert len(batch) == 3
    assert strategy.population[0][0].params == {"x": 0.25}
    assert all(c.params["x"] not in (0.25, 0.9) for c in batch)


# -- determinism -----------------------------------------------------------
def test_same_seed_same_candidates():
    space = [{"a": Real(1e-3, 1.0, log=True), "k": ["x", "y"]}, {"n": Integer(1, 9)}]

    def objective(p):
        return p.get("a", 0.5) + p.get("n", 0) / 10

    runs = [
        [c.params for c in _run(EvolutionStrategy(space, random_state=s), objective, 5)]
        for s in (7, 7, 8)
    ]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


# -- the search class --------------------------------------------------------
def test_search_results_history_and_tags():
    X, y = toy_data()
    search = EvolutionSearchCV(
        QuadraticClassifier(),
        {"x": Real(0.0, 1.0), "flag": [True, False]},
        population_size=6,
        n_generations=4,
        n_elite=2,
        cv=2,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 6 + 3 * 4
    assert list(results["generation"]) == [0] * 6 + [1] * 4 + [2] * 4 + [3] * 4
    assert list(results["individual"]) == list(range(18))
    assert all(p == "" for p in results["parents"][:6])
    assert all(p != "" for p in results["parents"][6:])
    history = search.history_
    assert history["generation"] == [0, 1, 2, 3]
    assert history["n_candidates"] == [6, 4, 4, 4]
    assert history["best_so_far"] == sorted(history["best_so_far"])
    assert history["best_so_far"][-1] == pytest.approx(search.best_score_)
    scores = results["mean_test_score"]
    assert history["mean"][1] == pytest.approx(scores[6:10].mean())
    assert history["std"][1] == pytest.approx(scores[6:10].std())
    assert search.stop_reason_ == "budget"
    # the optimum is x=0.3 with flag=True: the bred generations got closer
    # to it than the initial design
    assert search.best_params_["flag"] is True
    assert np.nanmax(scores[6:]) > np.nanmax(scores[:6])


def test_n_iter_caps_the_last_generation():
    X, y = toy_data()
    search = EvolutionSearchCV(
        QuadraticClassifier(),
        {"x": Real(0.0, 1.0)},
        population_size=6,
        n_elite=2,
        n_generations=None,
        n_iter=13,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 13
    assert search.history_["n_candidates"] == [6, 4, 3]
    assert search.stop_reason_ == "budget"


def test_patience_counts_candidates():
    X, y = toy_data()
    search = EvolutionSearchCV(
        QuadraticClassifier(),
        {"flag": [True, False], "x": Real(0.299, 0.301)},
        population_size=4,
        n_elite=1,
        n_generations=50,
        patience=6,  # two generations of 3 children
        min_improvement=0.01,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert search.stop_reason_ == "patience"
    # the best of the first generation is never beaten by 0.01
    assert len(search.cv_results_["params"]) == 4 + 2 * 3


def test_pipeline_with_conditional_space():
    X, y = toy_data(60)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    space = [
        {"clf": [LogisticRegression()], "clf__C": Real(1e-3, 1e2, log=True)},
        {
            "clf": [DecisionTreeClassifier(random_state=0)],
            "clf__max_depth": Integer(1, 8),
            "clf__criterion": ["gini", "entropy"],
        },
    ]
    search = EvolutionSearchCV(
        pipe,
        space,
        population_size=8,
        n_generations=5,
        branch_rate=0.3,
        cv=2,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    the_space = Space(space)
    subs = [the_space.subspace_of(p) for p in results["params"]]
    assert set(subs) == {0, 1}
    by_id = dict(zip(results["individual"], subs))
    switched = 0
    for sub, parents in zip(subs, results["parents"]):
        ids = [int(p) for p in parents.split(",") if p]
        if len(ids) == 2:  # crossover only between individuals of one branch
            assert by_id[ids[0]] == by_id[ids[1]]
        switched += bool(ids) and by_id[ids[0]] != sub
    assert switched > 0  # branch-switching mutation happened
    step = search.best_estimator_.named_steps["clf"]
    assert type(step) is type(search.best_params_["clf"])


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(population_size=1), ValueError, "population_size"),
        (dict(population_size=4, n_elite=4), ValueError, "n_elite must be smaller"),
        (dict(population_size=3, n_elite=3), ValueError, "n_elite must be smaller"),
        (dict(population_size=2, tournament_size=3), ValueError, "tournament_size"),
        (
            dict(population_size=4, n_elite=1, tournament_size=5),
            ValueError,
            "tournament_size",
        ),
        (dict(n_generations=None, n_iter=None), ValueError, "n_generations and n_iter"),
        (dict(crossover_rate=1.5), ValueError, "crossover_rate"),
        (dict(mutation_rate=-0.1), ValueError, "mutation_rate"),
        (dict(mutation_scale=0.0), ValueError, "mutation_scale"),
        (dict(n_elite=-1), ValueError, "n_elite"),
        (dict(init="grid"), ValueError, "init"),
        (dict(n_generations=0), ValueError, "n_generations"),
        (dict(population_size=2.5), ValueError, "population_size"),
    ],
)
def test_bad_parameters_fail_before_any_fit(params, error, match):
    X, y = toy_data()
    QuadraticClassifier.fit_log = []
    search = EvolutionSearchCV(
        QuadraticClassifier(log_fits=True), {"x": Real(0.0, 1.0)}, cv=2, **params
    )
    with pytest.raises(error, match=match):
        search.fit(X, y)
    assert QuadraticClassifier.fit_log == []


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(population_size=1), ValueError, "population_size must be >= 2"),
        (dict(population_size=3, n_elite=3), ValueError, "n_elite must be smaller"),
        (
            dict(population_size=3, n_elite=1, tournament_size=4),
            ValueError,
            "tournament_size",
        ),
        (dict(population_size=3.0), TypeError, "population_size must be an int"),
        (dict(crossover_rate=2), ValueError, r"crossover_rate must be in \[0, 1\]"),
        (dict(mutation_scale=0), ValueError, r"mutation_scale must be in \(0, 1\]"),
        (dict(branch_rate="x"), TypeError, "branch_rate"),
        (dict(init="grid"), ValueError, "init must be"),
        (dict(max_generations=0), ValueError, "max_generations"),
    ],
)
def test_strategy_validates_eagerly(params, error, match):
    with pytest.raises(error, match=match):
        EvolutionStrategy({"x": Real(0.0, 1.0)}, **params)


@parametrize_with_checks(
    [
        EvolutionSearchCV(
            LogisticRegression(),
            {"C": Real(0.1, 10.0, log=True)},
            population_size=2,
            n_elite=1,
            tournament_size=2,
            n_generations=2,
            cv=2,
            random_state=0,
        )
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# -- defaults that suit every legal call ------------------------------------
@pytest.mark.parametrize(
    "population_size, n_elite, tournament_size",
    [(2, 1, 2), (3, 1, 3), (4, 1, 3), (5, 2, 3), (10, 4, 3), (25, 10, 3)],
)
def test_default_elites_and_tournaments_follow_the_population(
    population_size, n_elite, tournament_size
):
    strategy = EvolutionStrategy(
        {"x": Real(0.0, 1.0)}, population_size=population_size, random_state=0
    )
    assert (strategy.n_elite, strategy.tournament_size) == (n_elite, tournament_size)
    asked = _run(strategy, _sphere, 3)
    gens = [c.tags["generation"] for c in asked]
    assert gens.count(0) == population_size
    assert gens.count(1) == gens.count(2) == population_size - n_elite


@pytest.mark.parametrize("population_size", [2, 3, 4])
def test_small_populations_fit_with_the_defaults(population_size):
    X, y = toy_data()
    search = EvolutionSearchCV(
        QuadraticClassifier(),
        {"x": Real(0.0, 1.0)},
        population_size=population_size,
        cv=2,
        random_state=0,
    ).fit(X, y)
    # ten generations; every one after the first breeds all but one elite
    assert (
        search.history_["n_candidates"] == [population_size] + [population_size - 1] * 9
    )


def test_n_iter_alone_sets_the_number_of_candidates():
    X, y = toy_data()
    search = EvolutionSearchCV(
        QuadraticClassifier(),
        param_distributions={"x": Real(0.0, 1.0)},
        population_size=6,
        n_elite=2,
        n_iter=60,  # more than the 6 + 9 * 4 = 42 of ten generations
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 60
    assert search.stop_reason_ == "budget"
    # with n_generations too: whichever comes first
    search.set_params(n_generations=3).fit(X, y)
    assert len(search.cv_results_["params"]) == 6 + 2 * 4


def test_the_call_every_search_class_accepts():
    X, y = toy_data()
    search = EvolutionSearchCV(
        QuadraticClassifier(),
        param_distributions={"x": Real(0.0, 1.0), "flag": [True, False]},
        n_iter=20,
        scoring="accuracy",
        cv=3,
        n_jobs=1,
        random_state=0,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 20


def test_mutation_moves_weighted_and_stepped_genes_to_another_value():
    # a categorical's cells follow its prior weights and a stepped integer
    # moves by its step: a mutation must still change the value
    from sklearn_hypersearch import Categorical, Integer
    from sklearn_hypersearch._strategies._evolution import EvolutionStrategy

    weighted = Categorical(["a", "b", "c"], prior=[0.8, 0.1, 0.1])
    stepped = Integer(0, 10, step=5)
    strategy = EvolutionStrategy(
        {"w": weighted, "s": stepped},
        random_state=0,
        population_size=4,
        mutation_scale=0.01,
    )
    for dim, value in ((weighted, "a"), (stepped, 5)):
        u = float(dim.to_unit([value])[0])
        for _ in range(20):
            new = dim.from_unit([strategy._mutate_gene(dim, u)])[0]
            assert new != value and dim.contains(new)
