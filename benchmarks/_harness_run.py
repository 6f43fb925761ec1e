"""Running a method on a task, and timing one proposal of an optimiser.

Part of the benchmark harness (``harness.py`` re-exports everything public).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import random
import time
from dataclasses import dataclass, field

import numpy as np
from _harness_peers import (
    _OURS,
    METHODS,
    PeerUnavailable,
    _limit_threads,
    _quiet,
    _register_ours,
    available,
    to_optuna,
    to_skopt,
)
from _harness_tasks import TASKS
from sklearn.base import clone


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
@dataclass
class Result:
    """One search run. Scores are "greater is better" (the task's scoring).

    ``trace`` holds the refit metric's mean CV score of every evaluation in
    evaluation order; ``fit_time`` the summed fit + score time of all CV
    splits; ``overhead`` is ``wall_time - fit_time - refit_time``, the
    optimiser's own time when ``n_jobs=1``. ``regret`` (synthetic tasks
    only) is ``task.optimum - best_cv_score``.
    """

    method: str
    task: str
    seed: int
    n_evals: int
    best_cv_score: float
    regret: float | None
    test_score: float
    wall_time: float
    fit_time: float
    trace: list = field(repr=False)
    search: object = field(default=None, repr=False)
    n_jobs: int = 1
    overhead: float = math.nan


def _refit_metric(search):
    refit = getattr(search, "refit", True)
    return refit if isinstance(refit, str) else "score"


def _evaluations(search, n_splits):
    """(trace, fit_time) of a fitted search, in evaluation order."""
    if hasattr(search, "study_"):  # OptunaSearchCV
        metric = _refit_metric(search)
        trace, fit_time = [], 0.0
        for trial in sorted(search.trials_, key=lambda t: t.number):
            attrs = trial.user_attrs
            if f"mean_test_{metric}" not in attrs:
                continue  # a trial that did not finish
            trace.append(float(attrs[f"mean_test_{metric}"]))
            fit_time += n_splits * (attrs["mean_fit_time"] + attrs["mean_score_time"])
        return trace, fit_time
    if hasattr(search, "logbook") and "parameters" in search.logbook.chapters:
        # GASearchCV: the logbook repeats cached individuals with their
        # original "index"; keep each real evaluation once.
        seen, trace, fit_time = set(), [], 0.0
        for rec in search.logbook.chapters["parameters"]:
            if rec["index"] in seen:
                continue
            seen.add(rec["index"])
            trace.append(float(rec["score"]))
            fit_time += float(np.sum(rec["fit_time"]) + np.sum(rec["score_time"]))
        return trace, fit_time
    res = search.cv_results_
    metric = _refit_metric(search)
    n_splits = getattr(search, "n_splits_", n_splits)
    trace = [float(s) for s in res[f"mean_test_{metric}"]]
    fit_time = float(
        np.sum((np.asarray(res["mean_fit_time"]) + res["mean_score_time"]) * n_splits)
    )
    return trace, fit_time


def run(method, task, n_iter, seed, n_jobs=1, threads=1):
    """Fit ``method``'s search on ``task`` with ``n_iter`` evaluations.

    Parameters
    ----------
    method : str
        A key of ``METHODS``.
    task : Task or str
        A task or a key of ``TASKS``.
    n_iter : int
        Number of evaluated candidates.
    seed : int
        The search's random_state (the data never change with it).
    n_jobs : int, default=1
    threads : int or None, default=1
        BLAS/OpenMP (and torch) threads in this process during the fit;
        None leaves the libraries' defaults. One thread keeps optimisers
        comparable on a shared machine (oversubscribed BLAS made
        scikit-optimize 4x slower here) and leaves parallelism to n_jobs.

    Returns
    -------
    Result
    """
    _register_ours()
    if isinstance(task, str):
        task = TASKS[task]
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; known: {sorted(METHODS)}.")
    with _quiet():
        search = METHODS[method](task, n_iter, seed, n_jobs)
    # (after the factory, which may import torch, so that its threads are
    # limited too)
    with _quiet(), _limit_threads(threads):
        # GASearchCV (DEAP) draws from the global generators; seeding them
        # for every method keeps all runs reproducible.
        random.seed(seed)
        np.random.seed(seed)
        start = time.perf_counter()
        search.fit(task.X, task.y)
        wall_time = time.perf_counter() - start
    trace, fit_time = _evaluations(search, task.n_splits)
    best = float(search.best_score_)
    if task.X_test is task.X:
        test_score = best  # synthetic: the score does not depend on data
    else:
        test_score = float(search.score(task.X_test, task.y_test))
    regret = None if task.optimum is None else float(task.optimum - best)
    refit_time = float(getattr(search, "refit_time_", 0.0) or 0.0)
    return Result(
        method=method,
        task=task.name,
        seed=seed,
        n_evals=len(trace),
        best_cv_score=best,
        regret=regret,
        test_score=test_score,
        wall_time=wall_time,
        fit_time=fit_time,
        trace=trace,
        search=search,
        n_jobs=n_jobs,
        overhead=wall_time - fit_time - refit_time,
    )


def best_so_far(trace, optimum=None):
    """Running best of a trace; as regret when ``optimum`` is given."""
    scores = np.asarray(trace, dtype=float)
    scores = np.where(np.isfinite(scores), scores, -np.inf)
    best = np.maximum.accumulate(scores) if scores.size else scores
    return best if optimum is None else optimum - best


# ---------------------------------------------------------------------------
# Optimiser overhead: time of one proposal after n observations
# ---------------------------------------------------------------------------
def _observations(task, n_observed, seed):
    """n random points of a synthetic task and their scores (-f)."""
    from sklearn_hypersearch import Space

    points = Space(task.space).sample(n_observed, random_state=seed)
    scores = [float(clone(task.estimator).set_params(**p).score(None)) for p in points]
    return points, scores


def _skopt_proposal(task, points, scores, seed):
    from skopt import Optimizer

    dims = to_skopt(task.space)
    names = sorted(dims)
    # BayesSearchCV's defaults: GP, gp_hedge, 10 initial points.
    opt = Optimizer([dims[n] for n in names], random_state=seed)
    xs = [[p[n] for n in names] for p in points]
    ys = [-s for s in scores]  # skopt minimises
    opt.tell(xs[:-1], ys[:-1], fit=False)
    start = time.perf_counter()
    # skopt fits its model and optimises the acquisition inside tell().
    opt.tell(xs[-1], ys[-1])
    opt.ask()
    return time.perf_counter() - start


def _optuna_proposal(sampler_name):
    def proposal(task, points, scores, seed):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        dists = to_optuna(task.space)
        sampler = getattr(optuna.samplers, sampler_name)(seed=seed)
        study = optuna.create_study(direction="maximize", sampler=sampler)
        study.add_trials(
            [
                optuna.trial.create_trial(params=p, distributions=dists, value=s)
                for p, s in zip(points, scores)
            ]
        )
        start = time.perf_counter()
        study.ask(fixed_distributions=dists)
        return time.perf_counter() - start

    return proposal


def _ours_proposal(method):
    def proposal(task, points, scores, seed):
        search = METHODS[method](task, len(points) + 1, seed, 1)
        space = search._checked_space()
        strategy = search._make_strategy(space, np.random.default_rng(seed))
        strategy.tell(points, scores)
        start = time.perf_counter()
        strategy.ask(1)
        return time.perf_counter() - start

    return proposal


_PROPOSERS = {
    "skopt": _skopt_proposal,
    "optuna-tpe": _optuna_proposal("TPESampler"),
    "optuna-gp": _optuna_proposal("GPSampler"),
}


def proposal_time(method, task, n_observed, seed=0, repeats=3, threads=1):
    """Median seconds the optimiser takes to propose one point.

    The optimiser is told ``n_observed`` random points of a synthetic task,
    then asked for one more; only that last step is timed (scikit-optimize:
    its last ``tell``, where it fits the GP and optimises the acquisition,
    plus ``ask``; Optuna: ``study.ask``; ours: ``strategy.ask(1)`` after
    ``strategy.tell``, through the search's ``_make_strategy``). Peers use
    the same settings as their factories.
    """
    _register_ours()
    if isinstance(task, str):
        task = TASKS[task]
    if task.kind != "synthetic":
        raise ValueError(f"proposal_time needs a synthetic task, got {task.name!r}.")
    if method in _PROPOSERS:
        proposer = _PROPOSERS[method]
    elif method in _OURS and method in METHODS:
        proposer = _ours_proposal(method)
    else:
        raise ValueError(f"proposal_time does not support {method!r}.")
    reason = available(method)
    if reason is not None:
        raise PeerUnavailable(reason)
    points, scores = _observations(task, n_observed, seed)
    times = []
    with _quiet(), _limit_threads(threads):
        for rep in range(repeats):
            times.append(proposer(task, points, scores, seed + rep))
    return float(np.median(times))
