"""Smoke tests of the benchmark harness (benchmarks/harness.py).

The harness is not part of the package; these tests only make sure its
synthetic tasks are exact, its regret bookkeeping is right and its adapters
build valid searches. Peers that are not installed are skipped.
"""

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import harness  # noqa: E402

from sklearn_hypersearch import Space  # noqa: E402

BRANIN_MIN = 0.397887357729739


@pytest.mark.parametrize(
    "point", [(math.pi, 2.275), (-math.pi, 12.275), (9.42478, 2.475)]
)
def test_branin_known_minima(point):
    est = harness.BraninEstimator(x1=point[0], x2=point[1])
    assert est.score(None) == pytest.approx(-BRANIN_MIN, abs=1e-6)
    assert harness.SYNTHETIC["branin"].optimum == pytest.approx(-BRANIN_MIN, abs=1e-12)


def test_known_optima_of_other_functions():
    h6 = dict(zip([f"x{k}" for k in range(1, 7)], harness.HARTMANN6_ARGMIN))
    assert harness.Hartmann6Estimator(**h6).score(None) == pytest.approx(
        3.32237, abs=1e-5
    )
    assert harness.Ackley5Estimator(0.0, 0.0, 0.0, 0.0, 0.0).score(
        None
    ) == pytest.approx(0.0, abs=1e-12)
    assert harness.Ackley5Estimator(1.0, 0.0, 0.0, 0.0, 0.0).score(None) < -1.0
    best = harness.MixedEstimator(kind="a", x=1.3, i=7, j=-3, w=16)
    assert best.score(None) == 0.0
    assert harness.SYNTHETIC["mixed"].optimum == 0.0
    # Each kind's own centre reaches exactly its offset.
    for kind, (off, x, i, j, w) in harness.MIXED_CENTERS.items():
        est = harness.MixedEstimator(kind=kind, x=x, i=i, j=j, w=w)
        assert est.score(None) == -off
    # Moving one integer step off the optimum costs something.
    assert harness.MixedEstimator(kind="a", x=1.3, i=7, j=-2, w=16).score(None) < 0


@pytest.mark.parametrize("name", sorted(harness.SYNTHETIC))
def test_optimum_bounds_random_points(name):
    task = harness.SYNTHETIC[name]
    for params in Space(task.space).sample(300, random_state=0):
        score = clone(task.estimator).set_params(**params).score(None)
        assert score <= task.optimum + 1e-12


@pytest.mark.parametrize("name", sorted(harness.SYNTHETIC))
def test_random_run_scores_are_exactly_minus_f(name):
    task = harness.SYNTHETIC[name]
    res = harness.run("random", task, n_iter=8, seed=0)
    cv = res.search.cv_results_
    assert res.n_evals == len(res.trace) == 8
    for params, score, trace in zip(cv["params"], cv["mean_test_score"], res.trace):
        expected = -clone(task.estimator).set_params(**params).value()
        assert score == expected == trace
    assert res.best_cv_score == max(res.trace)
    assert res.regret == task.optimum - max(res.trace)
    assert res.regret >= 0
    assert res.test_score == res.best_cv_score
    assert res.fit_time > 0 and res.wall_time >= res.fit_time / 2
    # The candidates stay inside the space (the scipy adapters' bounds).
    space = Space(task.space)
    assert all(space.subspaces[0].contains(p) for p in cv["params"])


def test_best_so_far_and_regret_trace():
    trace = [-5.0, -2.0, np.nan, -3.0, -1.0]
    np.testing.assert_array_equal(
        harness.best_so_far(trace), [-5.0, -2.0, -2.0, -2.0, -1.0]
    )
    np.testing.assert_array_equal(
        harness.best_so_far(trace, optimum=0.0), [5, 2, 2, 2, 1]
    )


def _result(method, task, value):
    return harness.Result(
        method=method,
        task=task,
        seed=0,
        n_evals=1,
        best_cv_score=-value,
        regret=value,
        test_score=-value,
        wall_time=value,
        fit_time=0.0,
        trace=[-value],
    )


def test_table_median_and_quartiles():
    results = [_result("random", "branin", v) for v in (1.0, 2.0, 3.0)]
    results += [_result("skopt", "branin", v) for v in (0.5, 0.5)]
    results += [_result("random", "svc_digits", 4.0)]
    text = harness.table(results, "regret")
    lines = text.splitlines()
    assert lines[0] == "| method | branin | svc_digits |"
    assert lines[2] == "| random | 2 [1.5, 2.5] | 4 [4, 4] |"
    assert lines[3] == "| skopt | 0.5 [0.5, 0.5] | – |"
    ratios = harness.ratio_table(results, "wall_time", reference="random")
    assert "| skopt | 0.25x | – |" in ratios.splitlines()


def test_halving_rows_match_sklearn():
    res = harness.run("halving", "branin", n_iter=20, seed=0)
    search = res.search
    predicted = harness.halving_rows(
        search.n_candidates_[0],
        factor=3,
        min_resources=4,
        max_resources=len(harness.SYNTHETIC["branin"].y),
    )
    assert res.n_evals == predicted == sum(search.n_candidates_)
    assert 15 <= res.n_evals <= 20


@pytest.mark.parametrize("n_iter", [10, 20, 50, 100, 200])
def test_ga_schedule_within_budget(n_iter):
    pop, gens = harness.ga_schedule(n_iter)
    assert pop >= 3 and gens >= 1
    assert 0.85 * n_iter <= pop * (1 + 2 * gens) <= n_iter


def test_log_integer_adapter_stays_in_bounds():
    dist = harness.to_scipy({"w": harness.Integer(1, 256, log=True)})["w"]
    rng = np.random.RandomState(0)
    draws = [dist.rvs(random_state=rng) for _ in range(2000)]
    assert min(draws) == 1 and max(draws) == 256
    assert all(isinstance(d, int) for d in draws)
    # Log-uniform: about as many draws below 16 as above.
    assert 0.4 < np.mean(np.asarray(draws) < 16) < 0.6


@pytest.mark.parametrize("name", sorted(harness.REAL))
def test_real_tasks_are_consistent(name):
    task = harness.REAL[name]
    assert task.kind == "real" and task.optimum is None
    assert len(task.X) == len(task.y) and len(task.X_test) == len(task.y_test)
    assert 0.2 < len(task.y_test) / (len(task.y) + len(task.y_test)) < 0.3
    for params in Space(task.space).sample(3, random_state=0):
        clone(task.estimator).set_params(**params)


@pytest.mark.parametrize(
    "method", [m for m in harness.PEERS if m not in ("random", "halving")]
)
def test_peer_runs_on_branin(method):
    reason = harness.available(method)
    if reason is not None:
        pytest.skip(reason)
    n_iter = 12
    res = harness.run(method, "branin", n_iter=n_iter, seed=0)
    assert 0.8 * n_iter <= res.n_evals <= n_iter
    assert res.best_cv_score == pytest.approx(max(res.trace))
    assert res.regret == pytest.approx(
        harness.SYNTHETIC["branin"].optimum - max(res.trace)
    )


@pytest.mark.parametrize("method", ["bayes", "evolution", "hyperband", "c2f"])
def test_our_searches_run_on_branin(method):
    reason = harness.available(method)
    if reason is not None:
        pytest.skip(reason)
    res = harness.run(method, "branin", n_iter=10, seed=0)
    assert res.n_evals >= 1
    assert res.regret == pytest.approx(
        harness.SYNTHETIC["branin"].optimum - res.best_cv_score
    )


def test_proposal_time_validates_and_times():
    with pytest.raises(ValueError, match="synthetic task"):
        harness.proposal_time("optuna-tpe", "svc_digits", 5)
    with pytest.raises(ValueError, match="does not support 'random'"):
        harness.proposal_time("random", "branin", 5)
    ours = [m for m in ("c2f", "evolution", "bayes") if m in harness.METHODS]
    if not ours:
        pytest.skip("none of our searches is exported yet")
    seconds = harness.proposal_time(ours[0], "branin", 12, repeats=1)
    assert 0 < seconds < 10
