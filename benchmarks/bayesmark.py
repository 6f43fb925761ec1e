"""A Bayesmark-style benchmark: real scikit-learn tuning problems.

Our own implementation of Bayesmark's problem set (github uber/bayesmark,
the benchmark of the NeurIPS 2020 black-box optimisation challenge): nine
scikit-learn models (decision tree, MLP with adam and with SGD, random
forest, SVM, AdaBoost, kNN, lasso, linear) on five datasets shipped with
scikit-learn (breast cancer, digits, iris, wine, diabetes), scored by
log loss or accuracy (classification) and MSE or MAE (regression): 90
problems. ``_bayesmark_problems.py`` defines them (and lists where we
differ from Bayesmark), ``_bayesmark_peers.py`` the methods and
``_bayesmark_score.py`` Bayesmark's normalised score (0 = best known
value, 1 = the median single random evaluation; lower is better).

Every method gets the same number of evaluations (``--budget``) in
batches of ``--batch`` on the same objective (Bayesmark's 5-fold CV loss
on a fixed 80 % training split).

Seeds
-----
The seed changes only the search (data, folds and model seeds are fixed).
Seeds >= 100 are reporting seeds: the full run uses 100-104. Tuning
(defaults of any method, this script's settings) must use seeds below 100
only, and a report made with any seed below 100 is labelled a development
run.

Usage::

    python benchmarks/bayesmark.py --quick            # CI, < 3 minutes
    python benchmarks/bayesmark.py --save runs/ --workers 2   # full run
    python benchmarks/bayesmark.py --load runs/       # report saved runs
    python benchmarks/bayesmark.py --problems 'DT_*' 'RF_diabetes_*' \\
        --methods bayes random optuna-tpe --seeds 0 1 --budget 32 --batch 8

``--save DIR`` stores one JSON file per (problem, method, seed) as soon as
it finishes and skips runs already there (resume; several processes may
share DIR, e.g. one per method). ``--load DIR [DIR ...]`` only reads
results and reports them. Each run is single-threaded (BLAS/OpenMP/torch
set to one thread); ``--workers`` runs that many in parallel processes.
The full mode (no ``--quick``) writes ``benchmarks/BAYESMARK.md`` and
``benchmarks/BAYESMARK.png`` (``--out`` changes the path).

Cost
----
``--estimate DIR ...`` prints the CPU time of the run the other options
describe, from the evaluation times and optimiser overheads of runs saved
in DIR (problems without saved runs are timed on two random settings).
Measured on the 2-core development machine under a load average of about
8 (so upper bounds), one evaluation of each of the 90 problems took 47 s
(digits 25 s of it), of each of the 36 problems of the full preset 11-16
s. The optimisers' own time per 64-evaluation run (batches of 8): ours,
random and TPE under 3 s, Optuna GP 16 s, HEBO 80 s, scikit-optimize
115 s; at 128 evaluations skopt 170 s, HEBO 57 s. Hence:

- full preset (36 problems x 5 seeds x 8 methods x 64 evaluations):
  about 20 CPU hours, 10 h of wall time with ``--workers 2`` (7 h
  without scikit-optimize, whose optimiser alone takes 7 CPU hours);
- the same at 128 evaluations without scikit-optimize: about 24 CPU
  hours, 12 h with 2 workers;
- all 90 problems at 128 evaluations: about 100 CPU hours.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import os

# Before numpy is imported: one BLAS/OpenMP thread per run (worker
# processes inherit this).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from multiprocessing import get_context  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _bayesmark_peers as peers  # noqa: E402
import _bayesmark_score as score  # noqa: E402
import _machine  # noqa: E402
from _bayesmark_problems import PROBLEMS, problem_names  # noqa: E402

OURS = ("bayes", "evolution", "c2f")
REPORTING_SEEDS = (100, 101, 102, 103, 104)
QUICK = {
    "problems": ["DT_diabetes_mse", "SVM_wine_nll", "kNN_breast_nll"],
    "seeds": [0, 1],
    "budget": 16,
    "batch": 4,
}
#: The full run (the default without --quick): 36 problems, every model on
#: the log loss of breast cancer, iris and wine and the MSE of diabetes;
#: 5 reporting seeds; 64 evaluations in 8 batches of 8 for every method.
#: Left out for cost: digits (its evaluations cost 3-4 times the others')
#: and the second metric of each dataset (accuracy saturates on iris and
#: wine; MAE ranks like MSE). See BAYESMARK.md for the cost estimate.
FULL = {
    "problems": ["*_breast_nll", "*_iris_nll", "*_wine_nll", "*_diabetes_mse"],
    "seeds": list(REPORTING_SEEDS),
    "budget": 64,
    "batch": 8,
}
#: Two-sided level of the per-problem tests against random search.
ALPHA = 0.05


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Running and saving
# ---------------------------------------------------------------------------
def _file(folder, problem, method, seed):
    return Path(folder) / f"{problem}__{method}__seed{seed}.json"


def _read(path):
    with open(path) as f:
        return json.load(f)


def _write(path, result):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        json.dump(result, f)
    tmp.replace(path)  # atomic: a killed run leaves no half-written file


def _worker_init():
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def _run(job):
    _worker_init()
    problem, method, seed, budget, batch = job
    result = peers.run_method(method, problem, budget, batch, seed)
    torch = sys.modules.get("torch")
    if torch is not None:  # imported by the peer: limit it for later runs too
        torch.set_num_threads(1)
    return result


def run_all(jobs, workers=1, save=None):
    """Run ``jobs`` (problem, method, seed, budget, batch); list of results.

    With ``save``, each result is written to that folder when it ends.
    """
    results = []

    def done(result, elapsed):
        results.append(result)
        if save is not None:
            _write(
                _file(save, result["problem"], result["method"], result["seed"]),
                result,
            )
        _log(
            f"[{len(results)}/{len(jobs)}] {result['problem']} {result['method']} "
            f"seed {result['seed']}: {result['wall_time']:.1f} s"
        )

    if workers <= 1:
        for job in jobs:
            start = time.perf_counter()
            done(_run(job), time.perf_counter() - start)
        return results
    ctx = get_context("spawn")  # no fork after torch/BLAS threads started
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        futures = {pool.submit(_run, job): time.perf_counter() for job in jobs}
        for fut in as_completed(futures):
            done(fut.result(), time.perf_counter() - futures[fut])
    return results


def load(folders, budget=None, batch=None):
    """Every saved result in ``folders`` with this budget and batch.

    ``budget``/``batch`` None: taken from the files (which must agree).
    """
    found = []
    for folder in folders:
        found += [_read(p) for p in sorted(Path(folder).glob("*__*__seed*.json"))]
    configs = {(r["budget"], r["batch"]) for r in found}
    if budget is None or batch is None:
        if len(configs) > 1:
            raise ValueError(
                f"--load: results with several (budget, batch) {sorted(configs)}; "
                "choose one with --budget and --batch."
            )
        if configs:
            budget, batch = next(iter(configs))
    keep = [r for r in found if (r["budget"], r["batch"]) == (budget, batch)]
    if len(keep) < len(found):
        _log(f"ignored {len(found) - len(keep)} results of another budget/batch")
    return keep


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------
def checkpoints(budget, batch):
    """Evaluation counts at which runs are scored: after each batch."""
    out = list(range(batch, budget + 1, batch))
    if not out or out[-1] != budget:
        out.append(budget)
    return out


def score_results(results):
    """Normalised scores of every run.

    Returns
    -------
    scores : dict
        ``{(problem, method): {seed: array over checkpoints}}``
    baselines : dict
        ``{problem: Baseline}`` (degenerate problems included)
    ticks : list of int
        The checkpoints.
    """
    budget, batch = results[0]["budget"], results[0]["batch"]
    ticks = checkpoints(budget, batch)
    by_problem = {}
    for r in results:
        by_problem.setdefault(r["problem"], []).append(r)
    scores, baselines = {}, {}
    for problem, runs in by_problem.items():
        if not any(r["method"] == score.REFERENCE for r in runs):
            _log(f"{problem}: no {score.REFERENCE} runs (yet), not scored")
            continue
        base = score.baseline(runs)
        baselines[problem] = base
        if base.degenerate:
            continue
        for r in runs:
            scores.setdefault((problem, r["method"]), {})[r["seed"]] = score.normalised(
                r, base, ticks
            )
    return scores, baselines, ticks


def _welch(a, b):
    """Two-sided Welch t-test p-value (0 if both samples are constant)."""
    from scipy import stats

    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.size < 2 or b.size < 2:
        return math.nan
    if np.std(a) == 0 and np.std(b) == 0:
        return 1.0 if np.mean(a) == np.mean(b) else 0.0
    with warnings.catch_warnings():
        # nearly equal samples: scipy warns of precision loss; p is ~1 then
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def summarise(results, methods):
    """Per-method summary rows and the per-problem table, at the budget."""
    scores, baselines, ticks = score_results(results)
    problems = [p for p in baselines if not baselines[p].degenerate]
    final = {k: {s: v[-1] for s, v in d.items()} for k, d in scores.items()}
    means = {
        (p, m): float(np.mean(list(final[(p, m)].values())))
        for p in problems
        for m in methods
        if (p, m) in final
    }
    rand_expected = {
        p: float(baselines[p].random_expected([ticks[-1]])[0]) for p in problems
    }
    rows = {}
    for m in methods:
        probs = [p for p in problems if (p, m) in means]
        if not probs:
            continue
        per_problem = np.array([means[(p, m)] for p in probs])
        seeds = sorted({s for p in probs for s in final[(p, m)]})
        per_seed_mean, per_seed_median = [], []
        for s in seeds:
            vals = [final[(p, m)][s] for p in probs if s in final[(p, m)]]
            per_seed_mean.append(np.mean(vals))
            per_seed_median.append(np.median(vals))
        better, worse, worse_on = 0, 0, []
        for p in probs:
            if m == score.REFERENCE or (p, score.REFERENCE) not in final:
                continue
            mine = list(final[(p, m)].values())
            ref = list(final[(p, score.REFERENCE)].values())
            if _welch(mine, ref) < ALPHA:
                better += np.mean(mine) < np.mean(ref)
                worse += np.mean(mine) > np.mean(ref)
                if np.mean(mine) > np.mean(ref):
                    worse_on.append(p)
        wins = sum(
            1
            for p in probs
            if means[(p, m)]
            <= min(means[(p, o)] for o in methods if (p, o) in means) + 1e-12
        )
        runs = [r for r in results if r["method"] == m]
        rows[m] = {
            "n_problems": len(probs),
            "seeds": seeds,
            "mean": float(per_problem.mean()),
            "mean_range": (min(per_seed_mean), max(per_seed_mean)),
            "median": float(np.mean(per_seed_median)),
            "median_range": (min(per_seed_median), max(per_seed_median)),
            "vs_random": float(
                per_problem.mean() / np.mean([rand_expected[p] for p in probs])
            ),
            "wins": wins,
            "better": int(better),
            "worse": int(worse),
            "worse_on": worse_on,
            "wall": float(np.median([r["wall_time"] for r in runs])),
            "opt": float(np.median([r["opt_time"] for r in runs])),
            "wall_total": float(np.sum([r["wall_time"] for r in runs])),
        }
    return rows, means, problems, baselines, scores, ticks, rand_expected


def _f(x, digits=3):
    return f"{x:.{digits}f}"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_table(rows):
    header = [
        "method",
        "mean score [seed range]",
        "median score [seed range]",
        "mean / random's",
        "100 (1 - mean)",
        "best on (problems)",
        "vs random: better / worse",
        "median s/run (optimiser s)",
    ]
    body = []
    for m, r in sorted(rows.items(), key=lambda kv: kv[1]["mean"]):
        name = f"**{m}**" if m in OURS else m
        body.append(
            [
                name,
                f"{_f(r['mean'])} [{_f(r['mean_range'][0])}, {_f(r['mean_range'][1])}]",
                f"{_f(r['median'])} [{_f(r['median_range'][0])}, "
                f"{_f(r['median_range'][1])}]",
                _f(r["vs_random"], 2),
                f"{100 * (1 - r['mean']):.1f}",
                f"{r['wins']} / {r['n_problems']}",
                "–" if m == score.REFERENCE else f"{r['better']} / {r['worse']}",
                f"{r['wall']:.1f} ({r['opt']:.1f})",
            ]
        )
    return _table(header, body)


def problem_table(means, problems, methods, rand_expected):
    header = ["problem", "random's expected"] + list(methods)
    body = []
    for p in problems:
        vals = {m: means[(p, m)] for m in methods if (p, m) in means}
        best = min(vals.values()) if vals else None
        cells = []
        for m in methods:
            if m not in vals:
                cells.append("–")
            elif vals[m] <= best + 1e-12:
                cells.append(f"**{_f(vals[m])}**")
            else:
                cells.append(_f(vals[m]))
        body.append([p, _f(rand_expected[p])] + cells)
    return _table(header, body)


def figure(scores, problems, methods, ticks, baselines, path):
    """Mean normalised score against evaluations, one line per method."""
    import matplotlib

    matplotlib.use("Agg")  # a script, not the library: no window
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    rand = np.mean([baselines[p].random_expected(ticks) for p in problems], axis=0)
    for m in methods:
        curves = [
            np.mean(list(scores[(p, m)].values()), axis=0)
            for p in problems
            if (p, m) in scores
        ]
        if not curves:
            continue
        mean = np.mean(curves, axis=0)
        style = {"lw": 2.2} if m in OURS else {"lw": 1.3, "ls": "--"}
        axes[0].plot(ticks, mean, label=m, marker="o", ms=3, **style)
        axes[1].plot(ticks, mean / rand, label=m, marker="o", ms=3, **style)
    axes[0].plot(ticks, rand, color="k", lw=1, ls=":", label="random (expected)")
    # symlog: a score of exactly 0 (the best known value) stays on the plot
    axes[0].set_yscale("symlog", linthresh=1e-3)
    axes[0].set_ylabel("mean normalised score (log above 0.001; lower is better)")
    axes[1].axhline(1.0, color="k", lw=1, ls=":")
    axes[1].set_ylabel("mean score / random search's expected")
    for ax in axes:
        ax.set_xlabel("evaluations")
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8, loc="best")
    fig.suptitle(
        f"Bayesmark problems ({len(problems)}), mean over problems and seeds",
        fontsize=11,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report(results, methods, args, figure_path=None):
    """The Markdown report of ``results``."""
    rows, means, problems, baselines, scores, ticks, rand_exp = summarise(
        results, methods
    )
    methods = [m for m in methods if m in rows]
    seeds = sorted({r["seed"] for r in results})
    budget, batch = results[0]["budget"], results[0]["batch"]
    dev = any(s < min(REPORTING_SEEDS) for s in seeds)
    degenerate = [p for p, b in baselines.items() if b.degenerate]
    expected = len(baselines) * len(methods) * len(seeds)
    lines = ["# Bayesmark benchmark", ""]
    if dev:
        lines += [
            "**Development run on development seeds (< 100): not a result to quote.**",
            "",
        ]
    lines += [
        f"{len(problems)} problems scored ({len(degenerate)} degenerate left "
        f"out), seeds {seeds}, {budget} evaluations in batches of {batch} for "
        f"every method; {len(results)} runs of {expected} expected.",
        "",
        f"Made by `python benchmarks/bayesmark.py {' '.join(args)}`.",
        "",
        _machine.versions() + ".",
        "",
        "Peers: "
        + ", ".join(f"{k} {v}" for k, v in peers.peer_versions(methods).items())
        + ".",
        "",
        "Normalised score (Bayesmark's, see `_bayesmark_score.py`): 0 at the "
        "best loss any run reached on the problem, 1 at the median single "
        "random evaluation; lower is better. *mean score* is the mean over "
        "problems of the mean over seeds (Bayesmark's leaderboard shows "
        "`100 (1 - mean)`); *median score* is the median over problems of "
        "one seed's scores, averaged over seeds; the ranges are the lowest "
        "and highest of these per-seed means (medians). *mean / random's* divides "
        "it by random search's expected score at the same budget. *best on*: "
        "problems where the method's mean score is the lowest (ties count "
        "for each). *vs random*: problems where a two-sided Welch t-test on "
        f"the per-seed scores against random search's has p < {ALPHA}. "
        "Times: median wall time of one run, and the optimiser's own part.",
        "",
        f"## Score after {budget} evaluations",
        "",
        summary_table(rows),
        "",
    ]
    worse = [
        f"{m} on {', '.join(r['worse_on'])}" for m, r in rows.items() if r["worse_on"]
    ]
    lines += [
        "Worse than random search beyond noise: "
        + ("; ".join(worse) if worse else "no method on any problem")
        + ".",
        "",
    ]
    if figure_path is not None:
        figure(scores, problems, methods, ticks, baselines, figure_path)
        lines += [f"![score against evaluations]({Path(figure_path).name})", ""]
    lines += [
        "## Mean normalised score per problem",
        "",
        problem_table(means, problems, methods, rand_exp),
        "",
    ]
    unscored = sorted({r["problem"] for r in results} - set(baselines))
    if unscored:
        lines += [
            f"Not scored (no {score.REFERENCE} runs): " + ", ".join(unscored) + ".",
            "",
        ]
    if degenerate:
        lines += [
            "Degenerate problems (random search's median evaluation is the "
            "best known loss, so no score): " + ", ".join(degenerate) + ".",
            "",
        ]
    total = sum(r["wall_time"] for r in results)
    lines += [
        f"Total run time {total / 3600:.2f} h (sum over runs, one core each).",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Cost estimate
# ---------------------------------------------------------------------------
def _eval_times(problems, results, n_profile=2):
    """Seconds per evaluation of each problem.

    From saved runs where there are some (their wall time less the
    optimiser's, per evaluation), else the median of ``n_profile`` timed
    evaluations at random settings (seed 0).
    """
    from sklearn_hypersearch import Space

    measured = {}
    for r in results:
        if r["losses"]:
            t = (r["wall_time"] - r["opt_time"]) / len(r["losses"])
            measured.setdefault(r["problem"], []).append(t)
    out = {}
    for name in problems:
        if name in measured:
            out[name] = float(np.median(measured[name]))
            continue
        problem = PROBLEMS[name]
        times = []
        for point in Space(problem.space()).sample(n_profile, random_state=0):
            start = time.perf_counter()
            problem.loss(point)
            times.append(time.perf_counter() - start)
        out[name] = float(np.median(times))
        _log(f"timed {name}: {out[name]:.3f} s per evaluation")
    return out


def estimate(problems, methods, n_seeds, budget, batch, workers, results):
    """Markdown table of the expected CPU time of a run, per method.

    A run costs ``budget`` evaluations of its problem plus the optimiser's
    own time, taken as the median ``opt_time`` of the saved runs of that
    method with this budget and batch (0, flagged, where there are none).
    """
    _worker_init()
    times = _eval_times(problems, results)
    body, total = [], 0.0
    for m in methods:
        own = [
            r["opt_time"]
            for r in results
            if r["method"] == m and (r["budget"], r["batch"]) == (budget, batch)
        ]
        overhead = float(np.median(own)) if own else 0.0
        cpu = n_seeds * sum(budget * times[p] + overhead for p in problems)
        total += cpu
        body.append(
            [
                m,
                f"{overhead:.1f}" + ("" if own else " (not measured)"),
                f"{cpu / 3600:.2f}",
            ]
        )
    body.append(["**all**", "", f"**{total / 3600:.2f}**"])
    head = (
        f"{len(problems)} problems x {n_seeds} seeds x {len(methods)} methods x "
        f"{budget} evaluations (batches of {batch}): evaluations alone "
        f"{n_seeds * len(methods) * budget * sum(times.values()) / 3600:.2f} "
        f"CPU h; about {total / 3600 / workers:.1f} h of wall time with "
        f"{workers} worker(s).\n\n"
    )
    table = _table(["method", "optimiser s/run", "CPU hours"], body)
    return head + table


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def _parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI mode")
    parser.add_argument(
        "--problems", nargs="+", help="names or patterns (fnmatch), e.g. 'DT_*'"
    )
    parser.add_argument("--methods", nargs="+", help=f"from {list(peers.METHODS)}")
    parser.add_argument("--seeds", nargs="+", type=int)
    parser.add_argument("--budget", type=int, help="evaluations per run")
    parser.add_argument("--batch", type=int, help="evaluations per round")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--save", metavar="DIR", help="store and resume runs")
    parser.add_argument("--load", nargs="+", metavar="DIR", help="only report")
    parser.add_argument("--out", help="Markdown report (figure beside it, .png)")
    parser.add_argument(
        "--estimate",
        nargs="*",
        metavar="DIR",
        help="print the cost of this run instead of running it, from the "
        "evaluation times and optimiser overheads of runs saved in DIR",
    )
    return parser


def _check_args(parser, args):
    for name in ("budget", "batch", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be >= 1, got {value}.")
    if args.budget is not None and args.batch is not None and args.batch > args.budget:
        parser.error(f"--batch ({args.batch}) must be <= --budget ({args.budget}).")
    if args.methods:
        unknown = [m for m in args.methods if m not in peers.METHODS]
        if unknown:
            parser.error(f"--methods: unknown {unknown}; known: {list(peers.METHODS)}")
    if args.load and args.save:
        parser.error("--load only reports; use --save DIR to run and resume.")
    try:
        args.problems = problem_names(args.problems)
    except ValueError as exc:
        parser.error(str(exc))


def main(argv=None):
    parser = _parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(raw)
    if not args.load:  # --load reports whatever was saved
        preset = QUICK if args.quick else FULL
        for key in ("problems", "seeds", "budget", "batch"):
            if getattr(args, key) is None:
                setattr(args, key, preset[key])
    _check_args(parser, args)

    if args.estimate is not None:
        found = []
        for folder in args.estimate:
            found += [_read(p) for p in sorted(Path(folder).glob("*__*__seed*.json"))]
        methods = args.methods or [m for m in peers.METHODS]
        print(
            estimate(
                args.problems,
                methods,
                len(args.seeds),
                args.budget,
                args.batch,
                args.workers,
                found,
            )
        )
        return
    if args.load:
        results = load(args.load, args.budget, args.batch)
        if not results:
            parser.error(f"--load: no results in {args.load}.")
        keep_p = set(args.problems)
        results = [r for r in results if r["problem"] in keep_p]
        if args.methods:
            results = [r for r in results if r["method"] in args.methods]
        if args.seeds:
            results = [r for r in results if r["seed"] in args.seeds]
        methods = list(dict.fromkeys(r["method"] for r in results))
        methods = [m for m in peers.METHODS if m in methods]
    else:
        budget, batch, seeds = args.budget, args.batch, args.seeds
        methods = []
        for m in args.methods or peers.METHODS:
            reason = peers.available(m)
            if reason is None:
                methods.append(m)
            else:
                _log(f"skipped {m}: {reason}")
        jobs, results = [], []
        for p in args.problems:
            for m in methods:
                for s in seeds:
                    path = _file(args.save, p, m, s) if args.save else None
                    if path is not None and path.exists():
                        old = _read(path)
                        if (old["budget"], old["batch"]) == (budget, batch):
                            results.append(old)
                            continue
                    jobs.append((p, m, s, budget, batch))
        if results:
            _log(f"resumed {len(results)} saved runs; {len(jobs)} to run")
        results += run_all(jobs, workers=args.workers, save=args.save)
    if not results:
        parser.error("nothing to report.")
    out = args.out
    if out is None and not args.quick:
        out = str(HERE / "BAYESMARK.md")
    fig = str(Path(out).with_suffix(".png")) if out else None
    text = report(results, methods, raw, figure_path=fig)
    print(text)
    if out:
        Path(out).write_text(text)
        _log(f"wrote {out} and {fig}")


if __name__ == "__main__":
    main()
