"""CoarseToFineSearchCV against RandomizedSearchCV and GridSearchCV.

Every method gets the same tasks, budgets (50 and 100 evaluations) and seeds
in one run, through ``harness.py``:

- ``c2f``: ``CoarseToFineSearchCV`` with its default settings (4 stages,
  top_k=2, shrink=0.5, fine="random", Sobol stage 0, 40 % of the budget in
  stage 0);
- ``random``: ``RandomizedSearchCV`` over the same space;
- ``grid``: ``GridSearchCV`` over a grid built from the task's space with at
  most as many points as the budget (see :func:`grid_from_space`). A grid is
  deterministic, so it runs once per budget, whatever ``--seeds`` says.

Synthetic tasks report simple regret (0 at the optimum); real tasks report
the best CV score and the held-out test score of the refitted model.

Usage::

    python benchmarks/bench_coarse_to_fine.py --quick   # about 2-5 minutes
    python benchmarks/bench_coarse_to_fine.py --seeds 5 # all, much longer

``--quick`` runs the synthetic tasks at both budgets and the fast real task
(``pipeline_choice``) at 50 evaluations; the full run adds ``svc_digits``
and the 100-evaluation budget for the real tasks.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

from sklearn_hypersearch import Categorical  # noqa: E402

METHODS = ("c2f", "random", "grid")


def grid_from_space(space, n_points):
    """A ``GridSearchCV`` grid of at most ``n_points`` points over ``space``.

    Categorical dimensions keep all their choices when they fit in the
    budget. Numeric dimensions then get levels one at a time, always to the
    dimension with the fewest, while the grid stays within ``n_points``
    (integers are capped by their number of values). A numeric dimension
    with ``L`` levels takes the centres of ``L`` equal cells of its range, on
    the log scale for log dimensions: the midpoint rule, which never wastes
    points on the bounds.
    """
    names = sorted(space)
    dims = [space[n] for n in names]
    levels = [1] * len(dims)
    caps = [d.n_values for d in dims]
    for j, dim in enumerate(dims):
        if isinstance(dim, Categorical):
            trial = levels[:j] + [caps[j]] + levels[j + 1 :]
            if math.prod(trial) <= n_points:
                levels = trial
    while True:
        open_dims = [
            j
            for j, d in enumerate(dims)
            if not isinstance(d, Categorical) and levels[j] < caps[j]
        ]
        if not open_dims:
            break
        j = min(open_dims, key=lambda j: (levels[j], j))
        if math.prod(levels) // levels[j] * (levels[j] + 1) > n_points:
            break
        levels[j] += 1
    grid = {}
    for name, dim, n_levels, cap in zip(names, dims, levels, caps):
        if n_levels == cap:
            grid[name] = dim.values()
        else:
            values = dim.from_unit((np.arange(n_levels) + 0.5) / n_levels)
            grid[name] = list(dict.fromkeys(values))
    return grid


def _grid_factory(task, n_iter, seed, n_jobs):
    from sklearn.model_selection import GridSearchCV

    return GridSearchCV(
        task.estimator,
        grid_from_space(task.space, n_iter),
        scoring=task.scoring,
        cv=task.cv,
        n_jobs=n_jobs,
    )


def run_all(tasks, budgets, seeds, n_jobs, log):
    results = {b: [] for b in budgets}
    for budget in budgets:
        for name in tasks:
            task = harness.TASKS[name]
            for method in METHODS:
                for seed in range(1 if method == "grid" else seeds):
                    start = time.perf_counter()
                    res = harness.run(method, task, budget, seed, n_jobs)
                    results[budget].append(res)
                    log(
                        f"  {budget:>4} {name:<16} {method:<7} seed {seed}: "
                        f"{res.n_evals} evals, best {res.best_cv_score:.4g} "
                        f"({time.perf_counter() - start:.1f}s)"
                    )
    return results


def report(results):
    verdicts = []
    for budget, res in results.items():
        synthetic = [r for r in res if r.regret is not None]
        real = [r for r in res if r.regret is None]
        if synthetic:
            print(f"\n### Simple regret at {budget} evaluations (median [IQR])\n")
            print(harness.table(synthetic, "regret"))
            for task in dict.fromkeys(r.task for r in synthetic):
                med = {
                    m: np.median(
                        [
                            r.regret
                            for r in synthetic
                            if r.task == task and r.method == m
                        ]
                    )
                    for m in ("c2f", "random")
                }
                ok = med["c2f"] < med["random"]
                verdicts.append(
                    f"{budget:>4} evals, {task:<10}: c2f {med['c2f']:.4g} vs "
                    f"random {med['random']:.4g} -> {'met' if ok else 'MISSED'}"
                )
        if real:
            print(f"\n### Best CV score at {budget} evaluations (median [IQR])\n")
            print(harness.table(real, "best_cv_score"))
            print(f"\n### Held-out test score at {budget} evaluations\n")
            print(harness.table(real, "test_score"))
        print(f"\n### Evaluations made at budget {budget}\n")
        print(harness.table(res, "n_evals"))
        print(f"\n### Wall time (s) at budget {budget}\n")
        print(harness.table(res, "wall_time"))
    if verdicts:
        print("\n### Target: median regret of c2f below random search\n")
        print("```")
        print("\n".join(verdicts))
        print("```")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the fast subset")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budgets", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--tasks", nargs="+", default=None)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    harness.register("grid", _grid_factory)
    reason = harness.available("c2f")
    if reason is not None:
        raise SystemExit(f"c2f is not available: {reason}")
    log = print if args.verbose else (lambda msg: None)
    start = time.perf_counter()
    synthetic = list(harness.SYNTHETIC)
    if args.tasks is not None:
        results = run_all(args.tasks, args.budgets, args.seeds, args.n_jobs, log)
    elif args.quick:
        results = run_all(synthetic, args.budgets, args.seeds, args.n_jobs, log)
        real = run_all(["pipeline_choice"], args.budgets[:1], args.seeds, 1, log)
        for budget, res in real.items():
            results[budget] += res
    else:
        tasks = synthetic + ["svc_digits", "pipeline_choice"]
        results = run_all(tasks, args.budgets, args.seeds, args.n_jobs, log)
    print(
        f"## CoarseToFineSearchCV benchmark ({args.seeds} seeds; grid: 1 run; "
        f"{'quick' if args.quick else 'full'}; "
        f"{time.perf_counter() - start:.0f}s)"
    )
    report(results)


if __name__ == "__main__":
    main()
