"""BayesSearchCV against random search, scikit-optimize and Optuna.

Every method gets the same tasks, budget and seeds in one run, through
``harness.py`` (see its docstring for the tasks and how peers are set up):

- ``bayes``: ``BayesSearchCV`` with its defaults (automatic surrogate, which
  is the Gaussian process on these spaces; expected improvement; 10 Sobol
  initial points; ``n_points=4``); ``bayes-n<N>``: the same with
  ``n_points=N``;
- ``random``: ``RandomizedSearchCV``; ``skopt``: scikit-optimize's
  ``BayesSearchCV``; ``optuna-tpe`` / ``optuna-gp``: ``OptunaSearchCV``
  with ``TPESampler`` / ``GPSampler``.

Sections:

1. simple regret on the synthetic tasks (Branin, Hartmann-6, Ackley-5,
   mixed integer/categorical) at ``--n-iter`` evaluations;
2. best CV score and held-out test score on the real tasks;
3. the optimiser's own time per proposal: a strategy (ours, Optuna's
   TPE and GP samplers on a study, scikit-optimize's ``Optimizer``) is told
   N random points of the Hartmann-6 space, then ask/tell cycles are timed
   (mean wall and CPU seconds; scikit-optimize fits in ``tell``, Optuna
   samples in ``ask``, so the cycle is what compares);
4. wall-clock speed-up of ``n_jobs=2`` over ``n_jobs=1`` on a model whose
   fit takes 0.3 s (a sleeping estimator, which isolates the search's
   parallel efficiency), and on a short CPU-bound ``SVC`` fit, which also
   measures the machine and joblib's dispatch cost.

Usage::

    python benchmarks/bench_bayes.py --quick        # about 5 minutes
    python benchmarks/bench_bayes.py --seeds 5      # everything, ~1 hour
    python benchmarks/bench_bayes.py --sections 3 4 # only some sections
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from sklearn_hypersearch import BayesSearchCV, BayesStrategy, Real  # noqa: E402

PEERS = ("random", "skopt", "optuna-tpe", "optuna-gp")


def _batched_bayes(n_points):
    """``BayesSearchCV`` with the defaults but ``n_points``: what a batch of
    that size costs in regret (method ``bayes-n<points>``)."""

    def factory(task, n_iter, seed, n_jobs):
        return BayesSearchCV(
            task.estimator,
            task.space,
            n_iter=n_iter,
            n_points=n_points,
            scoring=task.scoring,
            cv=task.cv,
            random_state=seed,
            n_jobs=n_jobs,
        )

    return factory


for _points in (2, 4, 8):
    harness.register(f"bayes-n{_points}", _batched_bayes(_points))


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_methods(methods, tasks, n_iter, seeds, cache=None, cached_only=False):
    """Run every method on every task and seed; ``cache``: reuse results.

    ``seeds`` is a list of seeds. With a cache folder, each run's Result
    (without its fitted search) is stored as JSON and reused by later
    invocations with the same method, task, budget and seed; peers then need
    not rerun while ours changes. Delete the folder after changing a peer or
    a task.
    """
    results = []
    for method in methods:
        reason = harness.available(method)
        if reason is not None:
            _log(f"skipped {method}: {reason}")
            continue
        for name in tasks:
            for seed in seeds:
                start = time.perf_counter()
                path = cache and Path(cache) / f"{method}-{name}-{n_iter}-{seed}.json"
                if path and path.exists():
                    res = harness.Result(**json.loads(path.read_text()))
                elif cached_only:
                    continue
                else:
                    res = harness.run(method, name, n_iter, seed)
                    res.search = None  # free memory
                    if path:
                        path.parent.mkdir(parents=True, exist_ok=True)
                        path.write_text(json.dumps(dataclasses.asdict(res)))
                results.append(res)
                _log(
                    f"{method:>10} {name:>18} seed {seed}: "
                    f"best {res.best_cv_score:.5g} "
                    f"({time.perf_counter() - start:.1f}s)"
                )
    return results


def at_budget(results, budget):
    """The results as if each run had stopped after ``budget`` evaluations.

    Every method here proposes its first ``budget`` candidates the same way
    whatever its total budget (none of them plans by it at these budgets),
    so a run's trace prefix is the run with the smaller budget.
    """
    out = []
    for r in results:
        task = harness.TASKS[r.task]
        trace = r.trace[:budget]
        finite = [s for s in trace if np.isfinite(s)]
        best = max(finite) if finite else -np.inf
        out.append(
            dataclasses.replace(
                r,
                n_evals=len(trace),
                best_cv_score=best,
                regret=None if task.optimum is None else task.optimum - best,
                trace=trace,
            )
        )
    return out


def _normalised_regret(result):
    """Regret divided by the task's range (optimum minus the median of a
    random point's score, from 2000 random points): comparable across
    functions."""
    return result.regret / _spread(result.task)


_SPREADS = {}


def _spread(name):
    if name not in _SPREADS:
        from sklearn.base import clone

        from sklearn_hypersearch import Space

        task = harness.TASKS[name]
        points = Space(task.space).sample(2000, random_state=12345)
        scores = [clone(task.estimator).set_params(**p).score(None) for p in points]
        _SPREADS[name] = task.optimum - float(np.median(scores))
    return _SPREADS[name]


def rank_table(results, metric="regret"):
    """Mean rank (1 = best; ties share) of each method per task and overall.

    Per task and seed, methods are ranked by ``metric``; a method's cell is
    its mean rank over seeds.
    """
    from scipy.stats import rankdata

    by = {}
    for r in results:
        by.setdefault((r.task, r.seed), {})[r.method] = getattr(r, metric)
    methods = list(dict.fromkeys(r.method for r in results))
    tasks = list(dict.fromkeys(r.task for r in results))
    ranks = {(m, t): [] for m in methods for t in tasks}
    for (t, _), vals in by.items():
        if len(vals) < len(methods):
            continue  # a method is missing on this seed: not ranked
        ordered = [vals[m] for m in methods]
        for m, rank in zip(methods, rankdata(ordered)):
            ranks[(m, t)].append(rank)
    header = ["method", *tasks, "all"]
    rows = []
    for m in methods:
        cells = [np.mean(ranks[(m, t)]) if ranks[(m, t)] else np.nan for t in tasks]
        every = [x for t in tasks for x in ranks[(m, t)]]
        cells.append(np.mean(every) if every else np.nan)
        rows.append([m] + [f"{c:.2f}" for c in cells])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(results_by_budget, ours="bayes"):
    """Lines saying, per task, whether ``ours`` has the lowest median regret
    at every budget and whether its median regret falls with the budget."""
    lines = []
    budgets = sorted(results_by_budget)
    tasks = list(dict.fromkeys(r.task for r in results_by_budget[budgets[0]]))
    for t in tasks:
        meds = {}
        for b in budgets:
            cell = {}
            for r in results_by_budget[b]:
                if r.task == t:
                    cell.setdefault(r.method, []).append(r.regret)
            meds[b] = {m: float(np.median(v)) for m, v in cell.items()}
        lowest = all(
            ours in meds[b] and meds[b][ours] <= min(meds[b].values()) for b in budgets
        )
        falls = all(
            meds[a].get(ours, np.nan) > meds[b].get(ours, np.nan)
            for a, b in zip(budgets, budgets[1:])
        )
        at = ", ".join(f"{meds[b].get(ours, np.nan):.3g} at {b}" for b in budgets)
        lines.append(
            f"- {t}: {ours} median regret {at}; lowest of all methods at every "
            f"budget: {'yes' if lowest else 'no'}; falls with the budget: "
            f"{'yes' if falls else 'no'}"
        )
    return "\n".join(lines)


# -- section 3: overhead per proposal ---------------------------------------
def _hartmann_points(n, rng):
    X = rng.uniform(size=(n, 6))
    return X, np.array([-harness.hartmann6(x) for x in X])


def _timed(cycle, cycles):
    """Mean wall and CPU seconds of ``cycle()`` over ``cycles`` calls, and
    the slowest call's wall time."""
    wall, cpu = [], []
    for _ in range(cycles):
        start, start_cpu = time.perf_counter(), time.process_time()
        cycle()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return float(np.mean(wall)), float(np.max(wall)), float(np.mean(cpu))


def ours_overhead(n_obs, seed=0, cycles=10):
    """Our strategy told ``n_obs`` random points, then ask/tell cycles.

    The mean includes the hyperparameter refits (every 10 % of growth beyond
    50 observations, and at the first ask after the bulk tell).
    """
    rng = np.random.default_rng(seed)
    space = harness.SYNTHETIC["hartmann6"].space
    strategy = BayesStrategy(space, random_state=seed)
    X, y = _hartmann_points(n_obs, rng)
    names = sorted(space)
    strategy.tell([dict(zip(names, map(float, x))) for x in X], y)

    def cycle():
        (cand,) = strategy.ask(1)
        x = [cand.params[n] for n in names]
        strategy.tell([cand], [-harness.hartmann6(x)])

    return _timed(cycle, cycles)


def optuna_overhead(n_obs, sampler_name, seed=0, cycles=10):
    """An Optuna study with ``n_obs`` finished trials, then ask/tell cycles
    (``study.ask`` with the distributions samples every parameter)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rng = np.random.default_rng(seed)
    dists = {
        f"x{i}": optuna.distributions.FloatDistribution(0.0, 1.0) for i in range(6)
    }
    sampler = getattr(optuna.samplers, sampler_name)(seed=seed)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    X, y = _hartmann_points(n_obs, rng)
    study.add_trials(
        [
            optuna.trial.create_trial(
                params={f"x{i}": float(v) for i, v in enumerate(x)},
                distributions=dists,
                value=float(v),
            )
            for x, v in zip(X, y)
        ]
    )

    def cycle():
        trial = study.ask(dists)
        x = [trial.params[f"x{i}"] for i in range(6)]
        study.tell(trial, -harness.hartmann6(x))

    return _timed(cycle, cycles)


def skopt_overhead(n_obs, seed=0, cycles=3):
    from skopt import Optimizer

    rng = np.random.default_rng(seed)
    opt = Optimizer([(0.0, 1.0)] * 6, random_state=seed)  # skopt defaults
    X, y = _hartmann_points(n_obs, rng)
    opt.tell([list(map(float, x)) for x in X], list(-y))  # skopt minimizes

    def cycle():
        x = opt.ask()
        opt.tell(x, harness.hartmann6(x))

    return _timed(cycle, cycles)


def _importable(peer):
    import importlib.util

    module = "skopt" if peer == "skopt" else "optuna"
    return importlib.util.find_spec(module) is not None


def overhead_table(sizes, peers, limits=None):
    """Seconds per ask/tell cycle of ours and ``peers`` after N observations.

    ``peers``: names among ``optuna-tpe``, ``optuna-gp``, ``skopt``;
    ``limits``: the largest N each peer is run at (the slow ones).
    """
    from threadpoolctl import threadpool_limits

    limits = limits or {}
    runners = {
        "ours": ours_overhead,
        "optuna-tpe": lambda n: optuna_overhead(n, "TPESampler"),
        "optuna-gp": lambda n: optuna_overhead(n, "GPSampler", cycles=3),
        "skopt": skopt_overhead,
    }
    # Optuna's GP sampler imports torch, whose idle OpenMP threads then
    # count in this process's CPU time and slow numpy: it runs last
    names = ["ours", *sorted(peers, key=lambda p: p == "optuna-gp")]
    rows = [(n, {}) for n in sizes]
    with threadpool_limits(1):  # as harness.run does for every method
        for name in names:
            for n, row in rows:
                if n <= limits.get(name, np.inf):
                    row[name] = runners[name](n)
                    _log(f"overhead at {n}: {name} {row[name]}")
    head = ["observations"]
    for name in names:
        head += [f"{name} wall s", f"{name} CPU s"]
    if "optuna-tpe" in names:
        head += ["ours / TPE wall", "ours / TPE CPU"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n, row in rows:
        cells = [str(n)]
        for name in names:
            if name in row:
                cells += [f"{row[name][0]:.4f}", f"{row[name][2]:.4f}"]
            else:
                cells += ["not run", "not run"]
        if "optuna-tpe" in row:
            cells += [
                f"{row['ours'][0] / row['optuna-tpe'][0]:.2f}",
                f"{row['ours'][2] / row['optuna-tpe'][2]:.2f}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# -- section 4: n_jobs speed-up ---------------------------------------------
class SleepClassifier(ClassifierMixin, BaseEstimator):
    """Fit sleeps ``fit_time`` seconds; score is a smooth function of ``c``."""

    def __init__(self, c=1.0, fit_time=0.3):
        self.c = c
        self.fit_time = fit_time

    def fit(self, X, y):
        time.sleep(self.fit_time)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return -((np.log10(self.c) - 0.5) ** 2)


def speedup_rows(n_iter, repeats):
    digits = load_digits()
    X, y = digits.data[:1200], digits.target[:1200]
    cases = {
        "sleep 0.3 s": (SleepClassifier(), {"c": Real(1e-2, 1e2, log=True)}),
        # a short CPU-bound fit (0.03-0.15 s here, depending on the load):
        # its speed-up also measures the machine and the dispatch cost
        "SVC digits (CPU)": (
            SVC(gamma=1e-3),
            {"C": Real(1e-2, 1e2, log=True), "tol": Real(1e-4, 1e-1, log=True)},
        ),
    }
    # Start the worker processes and make them import this module (and the
    # harness, which loads datasets) once, so that no timing includes it.
    warm = SleepClassifier(fit_time=0.01)
    Parallel(n_jobs=2)(delayed(warm.fit)(X[:20], y[:20]) for _ in range(4))
    rows = []
    for name, (est, space) in cases.items():
        walls = {1: [], 2: []}
        for rep in range(repeats):
            for n_jobs in (1, 2):
                search = BayesSearchCV(
                    est,
                    space,
                    n_iter=n_iter,
                    cv=3,
                    n_jobs=n_jobs,
                    n_points="auto",
                    random_state=rep,
                )
                start = time.perf_counter()
                search.fit(X, y)
                walls[n_jobs].append(time.perf_counter() - start)
                fit = np.mean(search.cv_results_["mean_fit_time"])
                _log(
                    f"{name} n_jobs={n_jobs}: {walls[n_jobs][-1]:.1f}s "
                    f"(mean fit {fit:.2f}s)"
                )
        w1, w2 = np.median(walls[1]), np.median(walls[2])
        rows.append((name, fit, w1, w2, w1 / w2))
    lines = [
        "| model | mean fit s | wall n_jobs=1 s | wall n_jobs=2 s | speed-up |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {n} | {f:.2f} | {a:.1f} | {b:.1f} | {s:.2f}x |" for n, f, a, b, s in rows
    ]
    return "\n".join(lines)


def _run_tasks(methods, tasks, seeds, args, n_iter=None):
    """Run ``methods`` on the ``tasks`` that ``--tasks`` keeps."""
    tasks = [t for t in tasks if args.tasks is None or t in args.tasks]
    n_iter = n_iter or max(args.budgets)
    return run_methods(methods, tasks, n_iter, seeds, args.cache, args.cached_only)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=None, help="how many seeds")
    parser.add_argument(
        "--first-seed",
        type=int,
        default=100,
        help="seeds are first-seed, first-seed + 1, ...; >= 100 reports, "
        "below 100 develops",
    )
    parser.add_argument(
        "--budgets",
        type=int,
        nargs="+",
        default=[50, 100],
        help="evaluations at which regret is reported (one run of the largest)",
    )
    parser.add_argument("--sections", type=int, nargs="+", default=[1, 2, 3, 4])
    parser.add_argument("--methods", nargs="+", default=None)
    parser.add_argument("--cache", default=None, help="folder of cached runs")
    parser.add_argument("--tasks", nargs="+", default=None, help="restrict tasks")
    parser.add_argument(
        "--cached-only", action="store_true", help="tables of cached runs only"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    n_seeds = args.seeds or (2 if quick else 10)
    seeds = list(range(args.first_seed, args.first_seed + n_seeds))
    methods = args.methods or (
        ["bayes", "random", "optuna-tpe"] if quick else ["bayes", *PEERS]
    )
    dev = args.first_seed < 100
    print(
        f"# BayesSearchCV benchmark ({'quick' if quick else 'full'}; seeds "
        f"{seeds[0]}-{seeds[-1]}{' (development seeds)' if dev else ''}; "
        f"methods {', '.join(methods)})"
    )
    if 1 in args.sections:
        tasks = ["branin", "mixed"] if quick else list(harness.SYNTHETIC)
        res = _run_tasks(methods, tasks, seeds, args)
        by_budget = {b: at_budget(res, b) for b in sorted(args.budgets)}
        for b, at in by_budget.items():
            print(f"\n## Simple regret at {b} evaluations (median [IQR])\n")
            print(harness.table(at, "regret"))
            print(f"\n## Mean rank at {b} evaluations (1 = lowest regret)\n")
            print(rank_table(at))
        print("\n## Does bayes lead?\n")
        print(verdict(by_budget))
        print("\n## Wall time, s (median [IQR])\n")
        print(harness.table(res, "wall_time"))
    if 2 in args.sections:
        tasks = ["pipeline_choice"] if quick else list(harness.REAL)
        n_iter = max(args.budgets)
        res = _run_tasks(methods, tasks, seeds, args, n_iter)
        print(f"\n## Best CV score at {n_iter} evaluations (median [IQR])\n")
        print(harness.table(res, "best_cv_score"))
        print("\n## Held-out test score (median [IQR])\n")
        print(harness.table(res, "test_score"))
        print("\n## Optimiser overhead per search, s (median [IQR])\n")
        print(harness.table(res, "overhead"))
    if 3 in args.sections:
        sizes = [50, 100, 200] if quick else [50, 100, 200, 500, 1000]
        peers = [
            p for p in ("optuna-tpe", "optuna-gp", "skopt") if p in methods or not quick
        ]
        # (not harness.available: building Optuna's GP sampler imports
        # torch, which slows numpy in this process for what follows)
        peers = [p for p in peers if _importable(p)]
        limits = {"skopt": 100 if quick else 200, "optuna-gp": 500}
        print(
            "\n## Optimiser time per ask/tell cycle after N observations "
            "(Hartmann-6 space, 1 BLAS thread; mean of 10 cycles, 3 for "
            "optuna-gp and skopt)\n"
        )
        print(overhead_table(sizes, peers, limits))
    if 4 in args.sections:
        n_iter, repeats = (8, 1) if quick else (16, 3)
        print(
            f"\n## n_jobs=2 vs n_jobs=1 (n_iter={n_iter}, cv=3, "
            f"n_points='auto', median of {repeats})\n"
        )
        print(speedup_rows(n_iter, repeats))


if __name__ == "__main__":
    main()
