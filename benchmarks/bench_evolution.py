"""Benchmark of EvolutionSearchCV against random search and GASearchCV.

Usage::

    python benchmarks/bench_evolution.py --quick        # about 5 minutes
    python benchmarks/bench_evolution.py --seeds 7      # the full comparison

It prints Markdown tables (median [25th, 75th percentile] over seeds):

1. simple regret at ``--n-iter`` (100) evaluations on the four synthetic
   tasks of :mod:`harness` for ``evolution``, ``random``
   (``RandomizedSearchCV``) and ``ga`` (sklearn-genetic-opt's
   ``GASearchCV``), with the issue's targets checked per task;
2. best CV and held-out test scores on two real tasks (``svc_digits`` and
   ``pipeline_choice``);
3. the wall-clock speed-up of ``n_jobs=2`` over ``n_jobs=1``, on a task
   whose fits sleep (it measures how well a generation keeps two workers
   busy, independent of CPU contention) and on ``svc_digits`` (CPU-bound,
   so it also depends on how loaded the machine is). The worker processes
   are started by an untimed warm-up fit first.

``evolution`` is ``EvolutionSearchCV`` with its default settings, the budget
given as ``n_iter`` and ``n_generations=None``.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import KFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

from sklearn_hypersearch import EvolutionSearchCV, Real  # noqa: E402

METHODS = ("evolution", "random", "ga")
REAL_TASKS = ("svc_digits", "pipeline_choice")


def evolution_factory(task, n_iter, seed, n_jobs):
    return EvolutionSearchCV(
        task.estimator,
        task.space,
        n_iter=n_iter,
        n_generations=None,
        scoring=task.scoring,
        cv=task.cv,
        random_state=seed,
        n_jobs=n_jobs,
    )


harness.register("evolution", evolution_factory)


class SleepyRegressor(RegressorMixin, BaseEstimator):
    """Every fit sleeps ``delay`` seconds; the score is a smooth function."""

    def __init__(self, x=0.5, y=0.5, delay=0.05):
        self.x = x
        self.y = y
        self.delay = delay

    def fit(self, X, y=None):
        time.sleep(self.delay)
        self.fitted_ = True
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None, sample_weight=None):
        return -((self.x - 0.3) ** 2) - (self.y - 0.6) ** 2


def _runs(methods, tasks, n_iter, seeds):
    results = []
    for task in tasks:
        for method in methods:
            for seed in range(seeds):
                results.append(harness.run(method, task, n_iter, seed))
        print(f"  done {task}", file=sys.stderr, flush=True)
    return results


def _targets(results):
    """One line per synthetic task: is evolution's median regret lower?"""
    lines = []
    met_ga = 0
    for task in harness.SYNTHETIC:
        med = {
            m: float(
                np.median(
                    [r.regret for r in results if (r.method, r.task) == (m, task)]
                )
            )
            for m in METHODS
        }
        beats_ga = med["evolution"] < med["ga"]
        beats_random = med["evolution"] < med["random"]
        met_ga += beats_ga
        lines.append(
            f"- {task}: evolution {med['evolution']:.3g} vs ga {med['ga']:.3g} "
            f"({'lower' if beats_ga else 'NOT lower'}), vs random "
            f"{med['random']:.3g} ({'lower' if beats_random else 'NOT lower'})"
        )
    lines.append(f"- lower than ga on {met_ga}/4 synthetic tasks (target: >= 3)")
    return "\n".join(lines)


def _speedup(label, make_search, X, y, repeats):
    """Median wall time of n_jobs=1 and 2 (alternating), and their ratio."""
    times = {1: [], 2: []}
    for _ in range(repeats):
        for n_jobs in (1, 2):
            search = make_search(n_jobs)
            start = time.perf_counter()
            search.fit(X, y)
            times[n_jobs].append(time.perf_counter() - start)
    t1, t2 = np.median(times[1]), np.median(times[2])
    return f"| {label} | {repeats} | {t1:.2f} | {t2:.2f} | {t1 / t2:.2f}x |"


def speedups(quick):
    rows = ["| task | repeats | n_jobs=1 (s) | n_jobs=2 (s) | speed-up |"]
    rows.append("|---|---|---|---|---|")
    X = np.zeros((40, 1))
    y = np.zeros(40)
    n_iter = 40 if quick else 64

    def sleepy(n_jobs):
        return EvolutionSearchCV(
            SleepyRegressor(),
            {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)},
            n_iter=n_iter,
            n_generations=None,
            cv=KFold(4),
            refit=False,
            random_state=0,
            n_jobs=n_jobs,
        )

    # Start joblib's worker processes once, untimed: loky reuses them, so
    # a long search pays their start-up (seconds under load) only once.
    start = time.perf_counter()
    sleepy(2).set_params(n_iter=8).fit(X, y)
    warmup = time.perf_counter() - start
    rows.append(
        _speedup(
            f"sleep 0.05 s per fit, {n_iter} candidates",
            sleepy,
            X,
            y,
            2 if quick else 3,
        )
    )
    task = harness.REAL["svc_digits"]
    n_iter_svc = 16 if quick else 40

    def svc(n_jobs):
        return evolution_factory(task, n_iter_svc, 0, n_jobs).set_params(refit=False)

    rows.append(
        _speedup(
            f"svc_digits, {n_iter_svc} candidates",
            svc,
            task.X,
            task.y,
            1 if quick else 3,
        )
    )
    rows.append(f"\n(worker start-up and warm-up fit, untimed above: {warmup:.1f} s)")
    return "\n".join(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 5 minutes")
    parser.add_argument("--seeds", type=int, default=None, help="synthetic seeds")
    parser.add_argument("--n-iter", type=int, default=100)
    parser.add_argument(
        "--real-n-iter", type=int, default=None, help="default: 20 quick, else --n-iter"
    )
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--no-speedup", action="store_true")
    args = parser.parse_args(argv)
    seeds = args.seeds or (5 if args.quick else 7)
    real_seeds = 3 if args.quick else max(5, seeds // 2)
    real_iter = args.real_n_iter or (20 if args.quick else args.n_iter)
    for method in METHODS:
        reason = harness.available(method)
        if reason is not None:
            sys.exit(f"cannot run {method}: {reason}")

    start = time.perf_counter()
    synthetic = _runs(METHODS, list(harness.SYNTHETIC), args.n_iter, seeds)
    print(f"\n## Simple regret at {args.n_iter} evaluations ({seeds} seeds)\n")
    print(harness.table(synthetic, "regret"))
    print("\n## Evaluations made\n")
    print(harness.table(synthetic, "n_evals"))
    print("\n## Targets\n")
    print(_targets(synthetic))

    if not args.no_real:
        real = _runs(METHODS, REAL_TASKS, real_iter, real_seeds)
        print(f"\n## Best CV score at {real_iter} evaluations ({real_seeds} seeds)\n")
        print(harness.table(real, "best_cv_score"))
        print("\n## Held-out test score\n")
        print(harness.table(real, "test_score"))
        print("\n## Wall time (s)\n")
        print(harness.table(real, "wall_time"))

    if not args.no_speedup:
        print("\n## n_jobs=2 speed-up of EvolutionSearchCV\n")
        print(speedups(args.quick))
    print(f"\n(total {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
