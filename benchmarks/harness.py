"""Shared benchmark harness: tasks, peer searches, runs and Markdown tables.

Every benchmark script in this folder uses this module, so all searches are
compared on the same tasks, budgets and seeds::

    import harness  # with benchmarks/ on sys.path

    res = [
        harness.run(m, harness.SYNTHETIC["branin"], n_iter=20, seed=s)
        for m in ("random", "skopt")
        for s in range(3)
    ]
    print(harness.table(res, "regret"))

Run it as a script for a quick comparison::

    python benchmarks/harness.py --methods random skopt --tasks branin \\
        --n-iter 20 --seeds 2

Tasks
-----
Synthetic tasks (``SYNTHETIC``) wrap a test function in a tiny estimator
whose hyperparameters are the function's inputs: ``fit`` does nothing and
``score`` returns ``-f(params)`` whatever the data, so every candidate's
``mean_test_score`` is exactly ``-f`` (greater is better) and the simple
regret of a search is ``task.optimum - best_cv_score`` (0 at the optimum).
The data are a dummy 64 x 1 array and the splitter a fixed 2-fold ``KFold``.

Real tasks (``REAL``) use datasets shipped with scikit-learn, a fixed
stratified train/test split (25 % held out, ``random_state=0``) and a fixed
3-fold ``StratifiedKFold``; the seed changes only the search, never the data.

Budgets
-------
``n_iter`` is the number of evaluated candidates: one evaluation is one
cross-validation of one parameter setting (at some budget for multi-fidelity
searches, so a halving search's rows at small budgets count too). Peers are
configured so that they evaluate ``n_iter`` candidates (``GASearchCV``: at
most ``n_iter``), and :func:`run` counts the evaluations actually made.

Peers (benchmark-only extras, imported lazily)
----------------------------------------------
``random``      ``RandomizedSearchCV``, scipy distributions (see
                :func:`to_scipy`).
``halving``     ``HalvingRandomSearchCV(factor=3, resource="n_samples",
                min_resources="exhaust")`` with the largest ``n_candidates``
                whose rows (all rounds) fit in ``n_iter``.
``skopt``       ``skopt.BayesSearchCV`` with its defaults (GP surrogate,
                ``gp_hedge`` acquisition, 10 initial points, ``n_points=1``).
``optuna-tpe``  ``optuna_integration.OptunaSearchCV``, ``n_trials=n_iter``,
                a study with ``TPESampler(seed=seed)`` (defaults otherwise).
``optuna-gp``   the same with ``GPSampler(seed=seed)`` (needs torch).
``ga``          ``sklearn_genetic.GASearchCV`` (eaMuPlusLambda, defaults
                otherwise) with ``population_size`` P and ``generations`` G
                such that P * (1 + 2 G) <= n_iter (see :func:`ga_schedule`);
                it has no ``random_state``: :func:`run` seeds Python's and
                numpy's global generators before every fit.

:func:`run` limits BLAS/OpenMP/torch threads to one in the driver process
(``threads=1``): on this shared 2-core machine oversubscribed BLAS made
scikit-optimize 4x slower, and parallelism should come from ``n_jobs`` only.
:func:`proposal_time` measures one proposal after n observations (the
optimiser's own overhead) for skopt, the Optuna samplers and our strategies.

Our own searches are registered lazily when ``sklearn_hypersearch`` exports
them ("bayes", "evolution", "hyperband", "c2f"); ``register`` overrides that.

Modules
-------
This module is the harness's one entry point; its parts live beside it:
``_harness_tasks.py`` (test functions, their estimators, the tasks),
``_harness_peers.py`` (space adapters, peer factories, ``METHODS``),
``_harness_run.py`` (:func:`run`, :class:`Result`, :func:`proposal_time`)
and ``_harness_tables.py`` (Markdown tables).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness_peers import (  # noqa: E402
    METHODS,
    PEERS,
    PeerUnavailable,
    available,
    ga_schedule,
    halving_rows,
    register,
    to_genetic,
    to_optuna,
    to_scipy,
    to_skopt,
)
from _harness_run import Result, best_so_far, proposal_time, run  # noqa: E402
from _harness_tables import ratio_table, table  # noqa: E402
from _harness_tasks import (  # noqa: E402
    HARTMANN6_ARGMIN,
    MIXED_CENTERS,
    REAL,
    SYNTHETIC,
    TASKS,
    Ackley5Estimator,
    BraninEstimator,
    Hartmann6Estimator,
    MixedEstimator,
    Rosenbrock5Estimator,
    ScalerChoice,
    Task,
    ackley,
    branin,
    hartmann6,
    mixed,
    rosenbrock,
)

# the dimension classes, for spaces written against the harness
from sklearn_hypersearch import Categorical, Distribution, Integer, Real  # noqa: E402, F401

__all__ = [
    "HARTMANN6_ARGMIN",
    "METHODS",
    "MIXED_CENTERS",
    "PEERS",
    "REAL",
    "SYNTHETIC",
    "TASKS",
    "Ackley5Estimator",
    "BraninEstimator",
    "Hartmann6Estimator",
    "MixedEstimator",
    "PeerUnavailable",
    "Result",
    "Rosenbrock5Estimator",
    "ScalerChoice",
    "Task",
    "ackley",
    "available",
    "best_so_far",
    "branin",
    "ga_schedule",
    "halving_rows",
    "hartmann6",
    "mixed",
    "proposal_time",
    "ratio_table",
    "register",
    "rosenbrock",
    "run",
    "table",
    "to_genetic",
    "to_optuna",
    "to_scipy",
    "to_skopt",
]


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(PEERS))
    parser.add_argument("--tasks", nargs="+", default=["branin"])
    parser.add_argument("--n-iter", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args(argv)

    results, skipped = [], {}
    for method in args.methods:
        reason = available(method)
        if reason is not None:
            skipped[method] = reason
            continue
        for name in args.tasks:
            for seed in range(args.seeds):
                results.append(run(method, name, args.n_iter, seed, args.n_jobs))
    synthetic = [r for r in results if r.regret is not None]
    real = [r for r in results if r.regret is None]
    if synthetic:
        print(f"\n## Simple regret at {args.n_iter} evaluations\n")
        print(table(synthetic, "regret"))
    if real:
        print(f"\n## Best CV score at {args.n_iter} evaluations\n")
        print(table(real, "best_cv_score"))
        print("\n## Held-out test score\n")
        print(table(real, "test_score"))
    for metric in ("n_evals", "wall_time", "fit_time", "overhead"):
        print(f"\n## {metric}\n")
        print(table(results, metric))
    print("\n## Wall time relative to random search\n")
    print(ratio_table(results, "wall_time"))
    for method, reason in skipped.items():
        print(f"\nskipped {method}: {reason}")


if __name__ == "__main__":
    main()
