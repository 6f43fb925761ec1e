"""Run the benchmark suite and write benchmarks/RESULTS.md with its plots.

Usage::

    python benchmarks/report.py            # full mode (hours with every peer)
    python benchmarks/report.py --quick    # a few minutes on 2 cores

Every method runs on the same tasks, budgets and seeds (see ``harness.py``).
Methods that cannot run here (a peer not installed) are listed, not hidden.
The report gives, per task, median and interquartile range over seeds of
the regret (synthetic tasks) or CV and held-out scores (real tasks), the
evaluations made, fit compute, wall time and optimiser overhead, plus a PNG
figure with one panel per claim: regret against random search, how fast it
falls, real tasks' CV scores, and the optimiser's overhead.
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


def _medians(results, task, metric):
    """{method: (median, 25th, 75th percentile) of ``metric`` over seeds}."""
    out = {}
    for method in _methods(results):
        values = [
            getattr(r, metric)
            for r in results
            if r.task == task and r.method == method and getattr(r, metric) is not None
        ]
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if values.size:
            out[method] = tuple(np.percentile(values, [50, 25, 75]))
    return out


def _methods(results):
    """Methods in the report's order: the peers, then ours."""
    seen = list(dict.fromkeys(r.method for r in results))
    return [m for m in seen if m not in OURS] + [m for m in seen if m in OURS]


def _relative_regret_curves(results, tasks):
    """Per method: evaluations and the geometric mean over ``tasks`` of the
    median best-so-far regret, each divided by random search's final median
    regret on that task (1 = where random search ends)."""
    curves = {}
    for method in _methods(results):
        logs = []
        for task in tasks:
            optimum = harness.TASKS[task].optimum
            runs = [r for r in results if r.task == task and r.method == method]
            ref = [r for r in results if r.task == task and r.method == "random"]
            if not runs or not ref or min(len(r.trace) for r in runs) == 0:
                continue
            n = min(len(r.trace) for r in runs)
            regret = np.median(
                [harness.best_so_far(r.trace, optimum)[:n] for r in runs], axis=0
            )
            scale = np.median([harness.best_so_far(r.trace, optimum)[-1] for r in ref])
            if scale > 0:
                logs.append(np.log10(np.maximum(regret, 1e-12) / scale))
        if logs:
            n = min(len(v) for v in logs)
            curves[method] = (
                np.arange(1, n + 1),
                10 ** np.mean([v[:n] for v in logs], axis=0),
            )
    return curves


_MARKERS = "osD^vP*X"


def _dot_panel(ax, results, tasks, value, *, log, order, reference=None):
    """One row per method, one marker per task at ``value(task, method)``.

    ``value`` returns (median, low, high) or None; the bar spans low-high.
    A task's colour and marker are those of its place in ``order``, the
    same in every panel.
    """
    from sklearn_hypersearch._plots import _axes

    methods = _methods(results)
    for k, task in enumerate(tasks):
        colour, marker = f"C{order.index(task)}", _MARKERS[order.index(task) % 8]
        for i, method in enumerate(methods):
            cell = value(task, method)
            if cell is None:
                continue
            median, low, high = cell
            y = i + (k - (len(tasks) - 1) / 2) * 0.12  # tasks side by side
            ax.plot([low, high], [y, y], color=colour, linewidth=1, alpha=0.6)
            ax.plot(
                median,
                y,
                marker,
                color=colour,
                markersize=5,
                label=task if i == 0 else None,
            )
    if reference is not None:
        ax.axvline(reference, color="black", linewidth=0.8, linestyle=":")
    ax.set_yticks(range(len(methods)))
    ax.set_yticklabels(methods)
    for label in ax.get_yticklabels():
        if label.get_text() in OURS:
            label.set_fontweight("bold")
    ax.set_ylim(len(methods) - 0.5, -0.5)  # first method on top
    _axes.set_numeric_axis(ax, log=log)
    ax.grid(axis="x", alpha=0.3)


def _plot(results, tasks, path):
    """One panel per claim of the report, readable at page width.

    Regret against random search (synthetic tasks), how fast it falls, the
    best CV score against random search's (real tasks) and the optimiser's
    own time. Methods are rows; ours are in bold; bars span the 25th-75th
    percentiles over seeds.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_hypersearch._plots import _axes

    synthetic = [t for t in tasks if harness.TASKS[t].optimum is not None]
    real = [t for t in tasks if harness.TASKS[t].optimum is None]
    n_iter = max((len(r.trace) for r in results), default=0)
    panels = []
    if synthetic:
        panels += ["regret", "convergence"]
    if real:
        panels.append("real")
    panels.append("overhead")
    ncols = 2 if len(panels) > 1 else 1
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.0 * ncols, 3.4 * nrows + 0.6), layout="constrained"
    )
    axes = np.atleast_1d(axes).ravel()
    for ax in axes[len(panels) :]:
        fig.delaxes(ax)
    for ax, panel in zip(axes, panels):
        if panel == "regret":

            def relative(task, method):
                cells = _medians(results, task, "regret")
                if method not in cells or "random" not in cells:
                    return None
                scale = cells["random"][0]
                return None if scale <= 0 else tuple(v / scale for v in cells[method])

            _dot_panel(
                ax,
                results,
                synthetic,
                relative,
                log=True,
                reference=1.0,
                order=list(tasks),
            )
            ax.set_xlabel("regret / random search's regret")
            ax.set_title(f"Regret after {n_iter} evaluations\n(lower is better)")
        elif panel == "convergence":
            for method, (xs, ys) in _relative_regret_curves(results, synthetic).items():
                ours = method in OURS
                ax.plot(
                    xs,
                    ys,
                    "-" if ours else "--",
                    linewidth=2 if ours else 1.2,
                    label=method,
                )
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(_axes.FittedLocator("log"))
            ax.yaxis.set_major_formatter(_axes.NumberFormatter())
            ax.yaxis.set_minor_formatter(plt.NullFormatter())
            ax.axhline(1.0, color="black", linewidth=0.8, linestyle=":")
            ax.set_xlabel("evaluations")
            ax.set_ylabel("regret / random's final regret")
            ax.set_title("Regret as evaluations go\n(geometric mean over the tasks)")
            # regret falls from the upper left: the lower left stays free
            ax.legend(fontsize="small", ncol=2, loc="lower left")
            ax.grid(alpha=0.3)
        elif panel == "real":

            def gain(task, method):
                cells = _medians(results, task, "best_cv_score")
                if method not in cells or "random" not in cells:
                    return None
                return tuple(v - cells["random"][0] for v in cells[method])

            _dot_panel(
                ax, results, real, gain, log=False, reference=0.0, order=list(tasks)
            )
            ax.set_xlabel("best CV score - random search's")
            ax.set_title("Best CV score, real tasks\n(higher is better)")
        else:

            def overhead(task, method):
                cell = _medians(results, task, "overhead").get(method)
                return None if cell is None else tuple(max(v, 1e-3) for v in cell)

            _dot_panel(ax, results, tasks, overhead, log=True, order=list(tasks))
            ax.set_xlabel("s per run: wall time - fit - refit")
            ax.set_title("Optimiser overhead\n(lower is better)")
    # the tasks' markers are the same in every dot panel: one legend for all
    handles = {}
    for ax in fig.axes:
        for line in ax.get_lines():
            if not line.get_label().startswith("_") and line.get_marker() != "None":
                handles.setdefault(line.get_label(), line)
    fig.suptitle(
        "Medians over seeds; bars span the 25th-75th percentiles; "
        "this package's searches in bold",
        fontsize="medium",
    )
    try:
        fig.legend(
            handles.values(),
            handles.keys(),
            loc="outside lower center",
            ncol=min(len(handles), 6),
            fontsize="small",
        )
    except ValueError:  # matplotlib < 3.7: no "outside" placement
        fig.axes[0].legend(handles.values(), handles.keys(), fontsize="small")
    fig.savefig(path, dpi=100)
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
