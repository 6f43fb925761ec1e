"""Busy workers: does each search, with its defaults, keep ``n_jobs`` workers fed?

The setting of issue 14: ``n_jobs=4``, ``cv=3``, ``n_iter=24`` and an
estimator whose ``fit`` sleeps 0.2 s (sleeping fits parallelise over 4
workers even on a 2-core machine). For every search:

- wall time of ``fit`` with ``n_jobs=4`` against the ideal, the total fit
  time (``mean_fit_time`` times the number of splits, summed over the
  candidates) divided by 4; target: at most 1.35;
- whether ``n_jobs=1`` and ``n_jobs=4`` give the same candidates (one seed).

A round of ``b`` candidates is ``3 b`` fits: with 4 workers a round of one
candidate leaves a worker idle (ratio >= 4/3 before any overhead), a round
of 4 candidates is 3 full waves. Rows ``BayesSearchCV(n_points=N)`` show the
batch sizes the default could take; their cost in regret is measured by
``bench_bayes.py --methods bayes bayes-n4 bayes-n8``.

Usage::

    python benchmarks/bench_parallel.py            # 3 seeds (100-102)
    python benchmarks/bench_parallel.py --seeds 1  # quicker
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import sys
import time

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import RandomizedSearchCV

from sklearn_hypersearch import (
    BayesSearchCV,
    CoarseToFineSearchCV,
    EvolutionSearchCV,
    HyperbandSearchCV,
    Integer,
    Real,
)

FIT_TIME = 0.2
N_JOBS = 4
CV = 3
N_ITER = 24


class SleepyClassifier(ClassifierMixin, BaseEstimator):
    """``fit`` sleeps ``fit_time`` seconds; the score is a smooth function of
    the parameters (best at ``x=0.3``, ``k=5``, ``kind="b"``)."""

    def __init__(self, x=0.5, k=1, kind="a", fit_time=FIT_TIME):
        self.x = x
        self.k = k
        self.kind = kind
        self.fit_time = fit_time

    def fit(self, X, y):
        time.sleep(self.fit_time)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        bonus = {"a": 0.0, "b": 0.1, "c": 0.05}[self.kind]
        return -((self.x - 0.3) ** 2) - (self.k - 5) ** 2 / 50 + bonus


SPACE = {"x": Real(0.0, 1.0), "k": Integer(1, 8), "kind": ["a", "b", "c"]}


def searches():
    """(label, factory(n_jobs, seed)) of every search with its defaults."""
    common = dict(cv=CV)

    def ours(cls, **extra):
        def make(n_jobs, seed):
            return cls(
                SleepyClassifier(),
                SPACE,
                n_iter=N_ITER,
                n_jobs=n_jobs,
                random_state=seed,
                **common,
                **extra,
            )

        return make

    def sklearn_random(n_jobs, seed):
        from scipy.stats import randint, uniform

        dists = {"x": uniform(0, 1), "k": randint(1, 9), "kind": ["a", "b", "c"]}
        return RandomizedSearchCV(
            SleepyClassifier(),
            dists,
            n_iter=N_ITER,
            n_jobs=n_jobs,
            random_state=seed,
            **common,
        )

    return [
        ("RandomizedSearchCV (reference)", sklearn_random),
        ("BayesSearchCV", ours(BayesSearchCV)),
        ("BayesSearchCV(n_points=4)", ours(BayesSearchCV, n_points=4)),
        ("BayesSearchCV(n_points=8)", ours(BayesSearchCV, n_points=8)),
        ("EvolutionSearchCV", ours(EvolutionSearchCV)),
        ("CoarseToFineSearchCV", ours(CoarseToFineSearchCV)),
        ("HyperbandSearchCV", ours(HyperbandSearchCV)),
    ]


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    return X, (X[:, 0] > 0).astype(int)


def measure(make, seed, n_jobs=N_JOBS):
    """Wall time of ``fit``, the ideal (total fit time / n_jobs), the
    number of candidates and their parameters."""
    X, y = _data()
    search = make(n_jobs, seed)
    start = time.perf_counter()
    search.fit(X, y)
    wall = time.perf_counter() - start
    res = search.cv_results_
    total_fit = float(np.sum(res["mean_fit_time"]) * CV)
    return wall, total_fit / n_jobs, len(res["params"]), res["params"]


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--no-identity", action="store_true")
    args = parser.parse_args(argv)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    # start the workers and have them import what the fits need, once, so
    # that no search pays for it
    Parallel(n_jobs=N_JOBS)(delayed(time.sleep)(0.01) for _ in range(N_JOBS))
    measure(searches()[0][1], 0)
    print(
        f"# Busy workers: n_jobs={N_JOBS}, cv={CV}, n_iter={N_ITER}, fits sleep "
        f"{FIT_TIME} s; seeds {seeds[0]}-{seeds[-1]}\n"
    )
    print(
        "| search | candidates | wall s (median) | ideal s | wall / ideal, median "
        "[min, max] | same candidates n_jobs=1 and 4 |"
    )
    print("|---|---|---|---|---|---|")
    for label, make in searches():
        walls, ideals, ratios, counts = [], [], [], []
        first_params = None
        for seed in seeds:
            wall, ideal, n, params = measure(make, seed)
            walls.append(wall)
            ideals.append(ideal)
            ratios.append(wall / ideal)
            counts.append(n)
            first_params = first_params if first_params is not None else params
            _log(f"{label} seed {seed}: {wall:.2f} s, ideal {ideal:.2f} s")
        if args.no_identity:
            same = "not checked"
        else:
            *_, params1 = measure(make, seeds[0], n_jobs=1)
            same = "yes" if params1 == first_params else "NO"
        print(
            f"| {label} | {int(np.median(counts))} | {np.median(walls):.2f} | "
            f"{np.median(ideals):.2f} | {np.median(ratios):.2f} "
            f"[{min(ratios):.2f}, {max(ratios):.2f}] | {same} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
