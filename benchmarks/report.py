"""Run the benchmark suite and write benchmarks/RESULTS.md with its plots.

Usage::

    python benchmarks/report.py            # full mode (hours with every peer)
    python benchmarks/report.py --quick    # a few minutes on 2 cores

Every method runs on the same tasks, budgets and seeds (see ``harness.py``).
Methods that cannot run here (a peer not installed) are listed, not hidden.
The report gives, per task, median and interquartile range over seeds of
the regret (synthetic tasks) or CV and held-out scores (real tasks), the
evaluations made, fit compute, wall time and optimiser overhead, plus PNG
plots of best-so-far against evaluations and against (estimated) time.
"""

import argparse
import datetime
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from _machine import versions as _versions  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# HyperbandSearchCV needs a resource (samples, trees, iterations) that these
# tasks do not have: benchmarks/bench_hyperband.py measures it.
OURS = ("bayes", "evolution", "c2f")
FULL = dict(
    methods=("random", "halving", "skopt", "optuna-tpe", "optuna-gp", "ga", *OURS),
    tasks=("branin", "hartmann6", "ackley5", "mixed", "svc_digits", "pipeline_choice"),
    n_iter=50,
    seeds=5,
)
QUICK = dict(
    methods=("random", "optuna-tpe", *OURS),
    tasks=("branin", "hartmann6", "ackley5", "mixed"),
    n_iter=20,
    seeds=2,
)


def _curves(results, task, time_axis):
    """Per method: x grid and median best-so-far (regret or score) curve."""
    curves = {}
    optimum = harness.TASKS[task].optimum
    for method in sorted({r.method for r in results if r.task == task}):
        runs = [r for r in results if r.task == task and r.method == method]
        n = min(len(r.trace) for r in runs)
        if n == 0:
            continue
        ys = np.array([harness.best_so_far(r.trace, optimum)[:n] for r in runs])
        if time_axis:
            # evaluations are spread evenly over each run's wall time: an
            # estimate, since scikit-learn records fit times, not wall clock
            xs = np.median([r.wall_time * np.arange(1, n + 1) / n for r in runs], 0)
        else:
            xs = np.arange(1, n + 1)
        curves[method] = (xs, np.median(ys, axis=0))
    return curves


def _plot(results, tasks, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, len(tasks), figsize=(4 * len(tasks), 7), squeeze=False)
    for j, task in enumerate(tasks):
        synthetic = harness.TASKS[task].optimum is not None
        for i, time_axis in enumerate((False, True)):
            ax = axes[i, j]
            for method, (xs, ys) in _curves(results, task, time_axis).items():
                style = "-" if method in OURS else "--"
                ax.plot(xs, ys, style, label=method)
            if synthetic:
                ax.set_yscale("log")
            if time_axis:
                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(plt.NullFormatter())
            ax.set_xlabel("wall time (s, estimated)" if time_axis else "evaluations")
            ax.set_ylabel("regret (median)" if synthetic else "best CV score (median)")
            ax.set_title(task)
    axes[0, -1].legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _section(title, results, tasks, metric, make_table=harness.table):
    subset = [r for r in results if r.task in tasks]
    if not subset:
        return ""
    return f"### {title}\n\n{make_table(subset, metric)}\n\n"


def write_report(results, skipped, config, args, elapsed, out):
    synthetic = [t for t in config["tasks"] if harness.TASKS[t].optimum is not None]
    real = [t for t in config["tasks"] if harness.TASKS[t].optimum is None]
    plot_name = os.path.splitext(os.path.basename(out))[0] + ".png"
    _plot(results, config["tasks"], os.path.join(os.path.dirname(out), plot_name))
    cmd = "python benchmarks/report.py" + (" --quick" if args.quick else "")
    parts = [
        "# Benchmark results\n\n",
        f"Produced by `{cmd}` on {datetime.date.today().isoformat()} "
        f"in {elapsed / 60:.0f} min with {args.workers} worker process(es) "
        f"({_versions()}). Every method gets the same "
        f"tasks, {config['n_iter']} evaluations, seeds 0-{config['seeds'] - 1} and "
        "one BLAS thread; cells are median [25th, 75th percentile] over seeds. "
        "Tasks and peer settings are documented in `benchmarks/harness.py`.\n\n",
    ]
    if skipped:
        parts.append(
            "Not run here: "
            + "; ".join(f"{m} ({why})" for m, why in sorted(skipped.items()))
            + ".\n\n"
        )
    parts.append(f"![convergence]({plot_name})\n\n")
    parts.append("## Synthetic functions (regret = optimum - best score)\n\n")
    parts.append(_section("Simple regret", results, synthetic, "regret"))
    parts.append(
        _section(
            "Median regret relative to random search (lower is better)",
            results,
            synthetic,
            "regret",
            harness.ratio_table,
        )
    )
    if real:
        parts.append("## Real tasks\n\n")
        parts.append(_section("Best CV score", results, real, "best_cv_score"))
        parts.append(_section("Held-out test score", results, real, "test_score"))
        parts.append(
            _section(
                "Fit compute (s, fit + score of all splits)", results, real, "fit_time"
            )
        )
    parts.append("## Cost\n\n")
    parts.append(_section("Evaluations made", results, config["tasks"], "n_evals"))
    parts.append(_section("Wall time (s)", results, config["tasks"], "wall_time"))
    parts.append(
        _section(
            "Optimiser overhead (s: wall time - fit compute - refit)",
            results,
            synthetic or config["tasks"],
            "overhead",
        )
    )
    with open(out, "w") as f:
        f.write("".join(parts))


def _run_one(job):
    method, task, n_iter, seed = job
    res = harness.run(method, task, n_iter, seed)
    res.search = None  # keep memory flat and results picklable
    print(
        f"{task:>16} {method:>11} seed {seed}: best {res.best_cv_score:.4g}, "
        f"{res.n_evals} evals, {res.wall_time:.1f}s",
        flush=True,
    )
    return res


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small, minutes")
    parser.add_argument("--methods", nargs="+")
    parser.add_argument("--tasks", nargs="+")
    parser.add_argument("--n-iter", type=int)
    parser.add_argument("--seeds", type=int)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="runs in parallel processes (each run itself uses n_jobs=1)",
    )
    parser.add_argument(
        "--out", help="default: benchmarks/RESULTS.md (RESULTS-quick.md with --quick)"
    )
    args = parser.parse_args(argv)
    config = dict(QUICK if args.quick else FULL)
    for key in ("methods", "tasks", "n_iter", "seeds"):
        if getattr(args, key) is not None:
            config[key] = getattr(args, key)
    out = args.out or os.path.join(
        HERE, "RESULTS-quick.md" if args.quick else "RESULTS.md"
    )
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    skipped = {}
    methods = []
    for method in config["methods"]:
        why = harness.available(method)
        if why is None:
            methods.append(method)
        else:
            skipped[method] = why
    start = time.perf_counter()
    jobs = [
        (method, task, config["n_iter"], seed)
        for task in config["tasks"]
        for method in methods
        for seed in range(config["seeds"])
    ]
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(_run_one, jobs))
    else:
        results = [_run_one(job) for job in jobs]
    elapsed = time.perf_counter() - start
    write_report(results, skipped, config, args, elapsed, out)
    print(f"\nwrote {out} ({elapsed / 60:.1f} min)")
    with open(out) as f:
        print(f.read())


if __name__ == "__main__":
    main()
