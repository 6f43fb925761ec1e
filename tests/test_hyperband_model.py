"""Tests of Hyperband's budget-aware models and of how it reacts to budgets
that mislead (``_strategies/_multifidelity.py``)."""

import math

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.base import BaseEstimator, ClassifierMixin

import sklearn_hypersearch._search._base as driver
from sklearn_hypersearch import HyperbandSearchCV, HyperbandStrategy, Real
from sklearn_hypersearch._space import Space
from sklearn_hypersearch._strategies._hyperband import hyperband_schedule
from sklearn_hypersearch._strategies._multifidelity import (
    MIN_PAIRS,
    PRIOR_TAU,
    BudgetDensityRatio,
    BudgetGP,
    budget_offsets,
    chain_weights,
    kendall_se,
    misleads,
    rank_correlations,
)
from sklearn_hypersearch._strategies._surrogates import GaussianProcess, _Encoder

SPACE2 = {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)}
GOOD = np.array([0.8, 0.2])  # the optimum with the full budget


def inverted(x, y, budget, full=9):
    """Distance to GOOD, negated from budget ``full`` on (greater is better)
    and not below it: small budgets rank candidates upside down."""
    d2 = (x - GOOD[0]) ** 2 + (y - GOOD[1]) ** 2
    return -d2 if budget >= full else d2


# -- pure functions ------------------------------------------------------------
def test_rank_correlations_pairs_points_scored_at_consecutive_budgets():
    scores = {
        "a": {1: 0.1, 3: 0.5, 9: 0.9},
        "b": {1: 0.2, 3: 0.4},
        "c": {1: 0.3, 3: 0.3, 9: 0.1},
        "d": {1: 0.4},
    }
    corr = rank_correlations(scores, [1, 3, 9])
    assert [(c["low"], c["high"], c["n_pairs"]) for c in corr] == [
        (1, 3, 3),
        (3, 9, 2),
    ]
    # a, b, c are ranked exactly upside down from 1 to 3
    assert corr[0]["tau"] == pytest.approx(-1.0)
    assert math.isnan(corr[1]["tau"])  # two pairs say nothing


def test_rank_correlations_rank_failed_fits_last():
    scores = {k: {1: float(k), 3: float(k)} for k in range(4)}
    scores[0][3] = -math.inf  # the worst at 1 fails at 3: still concordant
    assert rank_correlations(scores, [1, 3])[0]["tau"] == pytest.approx(1.0)


def test_misleads_needs_enough_pairs_and_a_clear_disagreement():
    assert not misleads(-1.0, MIN_PAIRS - 1)
    assert misleads(-1.0, MIN_PAIRS)
    assert not misleads(0.9, 50)
    # the bar moves with the standard error of tau
    n = 40
    assert misleads(0.25 - kendall_se(n) - 0.01, n)
    assert not misleads(0.25 - kendall_se(n) + 0.01, n)
    assert not misleads(math.nan, 100)


def test_chain_weights_pass_agreement_down_and_stop_at_a_disagreement():
    corr = [
        {"low": 1, "high": 3, "tau": 0.8, "n_pairs": 30},
        {"low": 3, "high": 9, "tau": -0.4, "n_pairs": 12},
        {"low": 9, "high": 27, "tau": 0.5, "n_pairs": 2},  # too few: prior
    ]
    w = chain_weights([1, 3, 9, 27], corr)
    assert w[27] == 1.0
    assert w[9] == pytest.approx(PRIOR_TAU)
    assert w[3] == 0.0 and w[1] == 0.0


def test_budget_offsets_use_paired_differences():
    # promotion keeps the best: the unpaired means differ by more than the
    # paired shift, which is +1 for every point scored at both
    keys = ["a", "b", "c", "a", "b"]
    budgets = [1, 1, 1, 3, 3]
    scores = [5.0, 4.0, -10.0, 6.0, 5.0]
    offsets = budget_offsets(keys, budgets, scores)
    assert offsets == {3: 0.0, 1: pytest.approx(1.0)}


# -- the models prefer what the full budget prefers ----------------------------
def _inverted_observations(seed, n_low=120, n_full=12):
    """Many cheap results ranked upside down, a few full-budget ones; the
    full-budget points are promoted cheap points, as in Hyperband."""
    rng = np.random.default_rng(seed)
    low = rng.uniform(size=(n_low, 2))
    full = np.vstack([low[:4], rng.uniform(size=(n_full - 4, 2))])
    units = np.vstack([low, full])
    budgets = [1] * n_low + [27] * n_full
    keys = [f"l{i}" for i in range(n_low)] + [
        f"l{i}" if i < 4 else f"f{i}" for i in range(n_full)
    ]
    scores = [inverted(x, y, b) for (x, y), b in zip(units, budgets)]
    return units, keys, budgets, np.array(scores)


def _distance(points):
    return float(np.median(np.hypot(*(np.asarray(points) - GOOD).T)))


@pytest.mark.parametrize("seed", range(3))
def test_budget_gp_prefers_what_the_full_budget_prefers(seed):
    enc = _Encoder(Space(SPACE2).subspaces[0])
    units, keys, budgets, scores = _inverted_observations(seed)
    rng = np.random.default_rng(seed)
    model = BudgetGP(enc).fit(units, keys, budgets, scores, 1, 27, rng, None)
    proposals = model.propose(8, rng)
    # a model that does not know the budget follows the many cheap results:
    # it proposes far from GOOD, so the data do mislead
    blind = GaussianProcess().fit(
        enc.encode(units), (scores - scores.mean()) / scores.std()
    )
    grid = enc.snap(rng.uniform(size=(2000, 2)))
    mu, _ = blind.predict(enc.encode(grid))
    assert _distance(grid[np.argsort(-mu)[:8]]) > 0.5
    assert _distance(proposals) < 0.2
    # small budgets disagree with the full one: a short length scale there
    assert model.budget_length_scale_ < 1.0


def _per_budget(units, budgets, scores):
    budgets = np.array(budgets)
    return {b: (units[budgets == b], scores[budgets == b]) for b in np.unique(budgets)}


def test_budget_density_ratio_ignores_a_budget_whose_ranking_is_inverted():
    enc = _Encoder(Space(SPACE2).subspaces[0])
    corr = [{"low": 1, "high": 27, "tau": -1.0, "n_pairs": MIN_PAIRS}]
    weights = chain_weights([1, 27], corr)
    assert weights == {27: 1.0, 1: 0.0}
    rng = np.random.default_rng(0)
    # too few full-budget results for densities: weighted, nothing is left
    # (the sampler draws at random); blind, the cheap results mislead
    units, _, budgets, scores = _inverted_observations(0, n_full=4)
    per_budget = _per_budget(units, budgets, scores)
    assert BudgetDensityRatio(enc, per_budget, weights, 0.15, 5).empty
    blind = BudgetDensityRatio(enc, per_budget, {1: 1.0, 27: 1.0}, 0.15, 5)
    assert _distance([blind.argmax(64, rng) for _ in range(20)]) > 0.5
    # with enough of them, the draws follow the full budget
    units, _, budgets, scores = _inverted_observations(0, n_full=20)
    model = BudgetDensityRatio(
        enc, _per_budget(units, budgets, scores), weights, 0.15, 5
    )
    assert _distance([model.argmax(64, rng) for _ in range(20)]) < 0.25


# -- the strategy reacts to a misleading budget --------------------------------
def run(strategy, objective):
    told = []
    while batch := strategy.ask():
        strategy.tell(batch, [objective(c) for c in batch])
        told += batch
    return told


def _objective(c):
    return inverted(c.params["x"], c.params["y"], c.budget)


def test_a_misleading_budget_raises_the_first_rung_of_later_brackets():
    s = HyperbandStrategy(
        SPACE2, 1, 27, random_state=0, n_brackets=8, adapt_min_resources=True
    )
    told = run(s, _objective)
    # 1 -> 3 agree (both upside down), 3 -> 9 is inverted
    (adj,) = s.adjustments
    assert adj["budget"] == 3 and adj["min_resources"] == 9
    assert adj["tau"] < 0 and adj["n_pairs"] >= MIN_PAIRS
    later = {c.tags["bracket"] for c in told if c.tags["bracket"] >= adj["bracket"]}
    assert later
    for b in later:
        first = [c for c in told if c.tags["bracket"] == b and c.tags["rung"] == 0]
        assert first[0].budget >= 9
    assert len(s.schedule) == 8  # n_brackets still bounds the brackets
    assert (
        s.schedule[adj["bracket"] :]
        == hyperband_schedule(9, 27, 3, 8)[: 8 - adj["bracket"]]
    )


def test_max_cost_bounds_the_plan_after_an_adjustment():
    s = HyperbandStrategy(
        SPACE2, 1, 27, random_state=0, max_cost=40, adapt_min_resources=True
    )
    run(s, _objective)
    assert s.adjustments
    assert s.cost <= 40 + 1e-9


def test_budgets_that_agree_keep_the_schedule():
    planned = hyperband_schedule(1, 27, 3, n_brackets=8)
    s = HyperbandStrategy(
        SPACE2, 1, 27, random_state=0, n_brackets=8, adapt_min_resources=True
    )
    run(s, lambda c: -abs(c.params["x"] - 0.3) - 1 / c.budget)
    assert s.adjustments == [] and s.schedule == planned
    assert all(c["tau"] > 0.9 for c in s.rank_correlations if c["n_pairs"] >= 3)


def test_without_adapt_the_schedule_is_hyperbands_whatever_the_scores():
    s = HyperbandStrategy(SPACE2, 1, 27, random_state=0, n_brackets=8)
    run(s, _objective)
    assert s.adjustments == [] and s.schedule == hyperband_schedule(1, 27, 3, 8)


def _later_first_rungs(sampler, seed, adapt=True):
    s = HyperbandStrategy(
        SPACE2,
        1,
        27,
        sampler=sampler,
        random_state=seed,
        n_brackets=12,
        adapt_min_resources=adapt,
    )
    told = run(s, _objective)
    points = [
        (c.params["x"], c.params["y"])
        for c in told
        if c.tags["rung"] == 0 and c.tags["bracket"] >= 8
    ]
    return s, points


@pytest.mark.parametrize(
    "sampler, adapt", [("gp", True), ("gp", False), ("bohb", False)]
)
def test_model_first_rungs_follow_the_full_budget(sampler, adapt):
    # small budgets rank upside down: the models' later first rungs land
    # near the full budget's optimum, random ones do not (BOHB fitted on
    # the highest budget with enough results, as before, stays far off).
    # BOHB with adapt_min_resources=True is left out: its later brackets
    # start at 9 and have too few results there to beat random by half.
    model = [
        p for seed in range(3) for p in _later_first_rungs(sampler, seed, adapt)[1]
    ]
    rand = [
        p for seed in range(3) for p in _later_first_rungs("random", seed, adapt)[1]
    ]
    assert _distance(model) < 0.5 * _distance(rand)


def test_bohb_leaves_out_the_budgets_that_mislead():
    s, _ = _later_first_rungs("bohb", 0)
    (adj,) = s.adjustments
    model = s._model(0)
    assert model.budgets and min(model.budgets) > adj["budget"]
    # without adapt_min_resources, the measured disagreement still gives the
    # budgets below it no weight
    s = HyperbandStrategy(SPACE2, 1, 27, sampler="bohb", random_state=0, n_brackets=12)
    run(s, _objective)
    assert s.adjustments == []
    assert min(s._model(0).budgets) > adj["budget"]


def test_repeat_cycles_iterations_until_stopped():
    s = HyperbandStrategy(SPACE2, 1, 9, random_state=0, repeat=True)
    one = len(hyperband_schedule(1, 9, 3))
    for _ in range(10):
        batch = s.ask()
        s.tell(batch, [-c.params["x"] for c in batch])
    assert len(s.rungs_done) > one
    assert s.schedule[:one] == s.schedule[one : 2 * one]


def test_repeat_needs_an_unbounded_plan():
    with pytest.raises(ValueError, match="repeat=True"):
        HyperbandStrategy(SPACE2, 1, 9, repeat=True, n_brackets=3)


def test_repeat_on_a_finite_space_ends_once_everything_is_known():
    s = HyperbandStrategy({"a": [1, 2]}, 1, 3, random_state=0, repeat=True)
    run(s, lambda c: float(c.params["a"]))
    assert s.ask() == []


# -- the search ------------------------------------------------------------------
class InvertedClassifier(ClassifierMixin, BaseEstimator):
    """Score ``inverted(x, y, n_estimators)`` whatever the data."""

    def __init__(self, x=0.0, y=0.0, n_estimators=27):
        self.x = x
        self.y = y
        self.n_estimators = n_estimators

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        return inverted(self.x, self.y, self.n_estimators)


def _data(n=40):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 2)), np.arange(n) % 2


@pytest.mark.parametrize("sampler", ["gp", "bohb"])
def test_search_is_reproducible_for_any_n_jobs(sampler):
    X, y = _data()

    def rows(n_jobs):
        search = HyperbandSearchCV(
            InvertedClassifier(),
            SPACE2,
            resource="n_estimators",
            n_iter=60,
            sampler=sampler,
            cv=2,
            random_state=0,
            n_jobs=n_jobs,
            refit=False,
        )
        with parallel_backend("threading"):
            search.fit(X, y)
        return search.cv_results_["params"], search.min_resources_adjustments_

    one, two = rows(1), rows(2)
    assert one == two
    for p in one[0]:
        assert type(p["x"]) is float and type(p["y"]) is float
        assert type(p["n_estimators"]) is int


def test_search_reports_rank_correlations_and_adjustments():
    X, y = _data()
    search = HyperbandSearchCV(
        InvertedClassifier(),
        SPACE2,
        resource="n_estimators",
        n_iter=100,
        cv=2,
        random_state=0,
        refit=False,
    ).fit(X, y)
    pairs = [(c["low"], c["high"]) for c in search.rank_correlations_]
    assert pairs == [(1, 3), (3, 9), (9, 27)]
    assert search.rank_correlations_[1]["tau"] < 0
    (adj,) = search.min_resources_adjustments_
    assert adj["budget"] == 3 and adj["min_resources"] == 9
    assert search.schedule_cost_ <= 100
    # brackets of the new plan start at 27
    starts = {
        int(b): int(r)
        for b, r, i in zip(
            search.cv_results_["bracket"],
            search.cv_results_["n_resources"],
            search.cv_results_["rung"],
        )
        if i == 0
    }
    assert all(starts[b] >= 9 for b in starts if b >= adj["bracket"])
    assert any(starts[b] == 1 for b in starts if b < adj["bracket"])
    off = HyperbandSearchCV(
        InvertedClassifier(),
        SPACE2,
        resource="n_estimators",
        n_iter=100,
        cv=2,
        random_state=0,
        refit=False,
        adapt_min_resources=False,
    ).fit(X, y)
    assert off.min_resources_adjustments_ == []
    assert off.schedule_ == hyperband_schedule(1, 27, 3, max_cost=100)


def test_verbose_prints_the_plan_and_its_cost_before_fitting(capsys):
    X, y = _data()
    search = HyperbandSearchCV(
        InvertedClassifier(),
        SPACE2,
        resource="n_estimators",
        n_iter=30,
        cv=2,
        random_state=0,
        refit=False,
        verbose=2,
        adapt_min_resources=False,
    ).fit(X, y)
    first = capsys.readouterr().out.splitlines()[0]
    n_new = sum(rungs[0][0] for rungs in search.schedule_)
    assert first.startswith("[HyperbandSearchCV] ")
    assert f"{search.n_brackets_} brackets: {n_new} candidates" in first
    assert f"costing {search.schedule_cost_:.4g} full-resource" in first
    assert f"{search.schedule_cost_ * 2:.4g} full fits with 2 CV splits" in first


def test_max_time_runs_hyperband_iterations_until_it_is_spent(monkeypatch):
    # a clock that advances one second per reading: the search stops after a
    # known number of readings, whatever the machine's speed
    ticks = iter(range(10**6))
    monkeypatch.setattr(driver.time, "perf_counter", lambda: float(next(ticks)))
    X, y = _data()
    search = HyperbandSearchCV(
        InvertedClassifier(),
        SPACE2,
        resource="n_estimators",
        max_resources=9,
        cv=2,
        random_state=0,
        refit=False,
        max_time=200,
        adapt_min_resources=False,
    ).fit(X, y)
    one = len(hyperband_schedule(1, 9, 3))
    assert search.stop_reason_ == "max_time"
    assert len(search.n_resources_) > one
    # without max_time, one iteration, as before
    search = HyperbandSearchCV(
        InvertedClassifier(),
        SPACE2,
        resource="n_estimators",
        max_resources=9,
        cv=2,
        random_state=0,
        refit=False,
    ).fit(X, y)
    assert search.stop_reason_ == "budget" and len(search.n_resources_) == one
