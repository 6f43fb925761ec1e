"""Multi-objective benchmark: hypervolume of our searches against Optuna's.

Tasks
-----
Synthetic (``benchmarks/_mo_problems.py``): ZDT1, ZDT2, ZDT3 (5 variables,
two objectives) and DTLZ2 (6 variables, three objectives), each wrapped in
an estimator whose scorers return the problem's objectives (minimised), so
that a cross-validated candidate's objectives are exactly the function's.
Hypervolumes are those of ``_mo_problems``: objectives normalised by the
true front's ideal and nadir points, reference point 1.1 in each (the
share of the true front's hypervolume is given too).

Real (datasets shipped with scikit-learn, a fixed 3-fold
``StratifiedKFold``; the seed changes only the search):

``tree-cancer``   DecisionTreeClassifier on breast_cancer: accuracy (max)
                  against model size (pickled bytes, min).
``forest-wine``   RandomForestClassifier on wine: accuracy against model size.
``trees-digits``  ExtraTreesClassifier on the first 600 digits: accuracy
                  against predict time per sample (min).

Their hypervolume is measured in objectives normalised by the front of all
runs of all methods together (its best value 0, its worst 1 in
minimisation form; an objective the front does not spread is scaled by the
range of all points), against the reference point 1.1, so that every method
is measured on one scale; predict times are measured while the run goes
and carry the machine's noise.

Methods
-------
Ours, each with ``objectives`` (so the driver tells them score vectors):
``random`` (the driver with ``RandomStrategy``), ``c2f``
(``CoarseToFineSearchCV``, Pareto rank and crowding), ``evolution``
(``EvolutionSearchCV(population_size=10)``: NSGA-II selection),
``bayes-gp`` and ``bayes-tpe`` (``BayesSearchCV`` with the GP or TPE
surrogate behind the ParEGO layer). Peers: ``optuna-nsga2``
(``NSGAIISampler(population_size=10)``, Optuna's default 50 would be one
random generation at these budgets), ``optuna-tpe``
(``TPESampler(multivariate=True)``, Optuna's multi-objective TPE) and
``optuna-gp`` (``GPSampler``, needs torch), each with ``seed=seed``.

Budgets 50 and 100: every method whose proposals do not depend on the
budget runs once with 100 evaluations and is scored on its first 50 rows
too; ``c2f``, whose stages follow ``n_iter``, runs once per budget.

Run::

    OMP_NUM_THREADS=1 python benchmarks/bench_multiobjective.py --seeds 10 \\
        --jsonl /tmp/mo.jsonl --out benchmarks/MULTIOBJECTIVE.md
    python benchmarks/bench_multiobjective.py --quick

Seeds 0-9 served development; reported runs use seeds 100 onwards
(``--first-seed``). Proposal times are appended to the ``--jsonl`` file
too and reused.

Runs are appended to ``--jsonl`` as they finish (seed after seed, so a run
cut short still has every method on the seeds it did), and a run with the
same file skips what it holds; the tables are made from the file.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import contextlib
import json
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _machine  # noqa: E402
import _mo_problems  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold  # noqa: E402

from sklearn_hypersearch import (  # noqa: E402
    BayesSearchCV,
    Categorical,
    CoarseToFineSearchCV,
    EvolutionSearchCV,
    Integer,
    RandomStrategy,
    Real,
)
from sklearn_hypersearch._search._base import _BaseHyperSearch  # noqa: E402
from sklearn_hypersearch._search._objectives import ModelSize, PredictTime  # noqa: E402
from sklearn_hypersearch._strategies._pareto import (  # noqa: E402
    hypervolume,
    non_dominated_sort,
)

OURS = ("random", "c2f", "evolution", "bayes-gp", "bayes-tpe")
PEERS = ("optuna-nsga2", "optuna-tpe", "optuna-gp")
METHODS = OURS + PEERS
BUDGETS = (50, 100)
# Seeds 0-9 were used while the strategies and tasks were developed; the
# reported tables use seeds from here on only (``--quick`` uses 0 and 1).
REPORTING_SEED = 100
REF = _mo_problems.REF


# -- synthetic problems as estimators ------------------------------------------------
class ProblemEstimator(ClassifierMixin, BaseEstimator):
    """``fit`` does nothing; the scorers read the problem at ``x1 .. xn``."""

    def __init__(self, problem="zdt1", x1=0.0, x2=0.0, x3=0.0, x4=0.0, x5=0.0, x6=0.0):
        self.problem = problem
        self.x1, self.x2, self.x3, self.x4, self.x5, self.x6 = x1, x2, x3, x4, x5, x6

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def values(self):
        p = _mo_problems.PROBLEMS[self.problem]
        return p({f"x{i}": getattr(self, f"x{i}") for i in range(1, p.n_var + 1)})


class _Objective:
    def __init__(self, k):
        self.k = k

    def __call__(self, estimator, X, y=None, **kwargs):
        return float(estimator.values()[self.k])

    def _accept_sample_weight(self):
        return False


class RandomSearch(_BaseHyperSearch):
    """The shared driver with the random strategy (the ``random`` baseline)."""

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        "param_distributions": "no_validation",
        "n_iter": [int],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=10,
        scoring=None,
        refit=True,
        cv=None,
        random_state=None,
        objectives=None,
        constraints=None,
        n_jobs=None,
    ):
        super().__init__(
            estimator,
            scoring=scoring,
            refit=refit,
            cv=cv,
            random_state=random_state,
            objectives=objectives,
            constraints=constraints,
            n_jobs=n_jobs,
        )
        self.param_distributions = param_distributions
        self.n_iter = n_iter

    def _make_strategy(self, space, random_state):
        return RandomStrategy(space, random_state, batch_size=10)


# -- tasks ------------------------------------------------------------------
@dataclass
class Task:
    name: str
    kind: str  # "synthetic" or "real"
    estimator: object
    space: dict
    scoring: dict
    objectives: dict  # our names -> direction
    data: tuple
    cv: object
    problem: object = None

    def minimised(self, columns):
        """(n, k) objectives in minimisation form from named columns."""
        return np.column_stack(
            [
                np.asarray(columns[n], float) * (1 if d == "min" else -1)
                for n, d in self.objectives.items()
            ]
        )


def _synthetic(name):
    p = _mo_problems.PROBLEMS[name]
    names = [f"f{k + 1}" for k in range(p.n_obj)]
    X = np.zeros((8, 1))
    y = np.array([0, 1] * 4)
    return Task(
        name=name,
        kind="synthetic",
        estimator=ProblemEstimator(problem=name),
        space={f"x{i}": Real(0.0, 1.0) for i in range(1, p.n_var + 1)},
        scoring={n: _Objective(k) for k, n in enumerate(names)},
        objectives={n: "min" for n in names},
        data=(X, y),
        cv=KFold(2),
        problem=p,
    )


def _real(name):
    from sklearn import datasets
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
    from sklearn.tree import DecisionTreeClassifier

    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    if name == "tree-cancer":
        data = datasets.load_breast_cancer(return_X_y=True)
        est = DecisionTreeClassifier(random_state=0)
        space = {
            "max_depth": Integer(1, 20),
            "min_samples_leaf": Integer(1, 60, log=True),
            "max_features": Real(0.1, 1.0),
            "ccp_alpha": Real(1e-6, 0.05, log=True),
        }
        cost = "model_size"
    elif name == "forest-wine":
        data = datasets.load_wine(return_X_y=True)
        est = RandomForestClassifier(random_state=0, n_jobs=1)
        space = {
            "n_estimators": Integer(1, 20, log=True),
            "max_depth": Integer(1, 12),
            "max_features": Real(0.1, 1.0),
            "min_samples_leaf": Integer(1, 20, log=True),
        }
        cost = "model_size"
    elif name == "trees-digits":
        X, y = datasets.load_digits(return_X_y=True)
        data = X[:600], y[:600]  # a third of it, so that a run stays short
        est = ExtraTreesClassifier(random_state=0, n_jobs=1)
        space = {
            "n_estimators": Integer(1, 30, log=True),
            "max_depth": Integer(1, 20),
            "max_features": Real(0.05, 1.0, log=True),
            "min_samples_leaf": Integer(1, 20, log=True),
        }
        cost = "predict_time"
    else:
        raise KeyError(name)
    return Task(
        name=name,
        kind="real",
        estimator=est,
        space=space,
        scoring={"accuracy": "accuracy"},
        objectives={"accuracy": "max", cost: "min"},
        data=data,
        cv=cv,
    )


SYNTHETIC = ("zdt1", "zdt2", "zdt3", "dtlz2")
REAL = ("tree-cancer", "forest-wine", "trees-digits")


def make_task(name):
    return _synthetic(name) if name in SYNTHETIC else _real(name)


# -- running one method ---------------------------------------------------------------
def _ours(method, task, n_iter, seed):
    common = dict(
        scoring=task.scoring,
        objectives=task.objectives,
        cv=task.cv,
        random_state=seed,
        refit=False,
        n_jobs=1,
    )
    est, space = task.estimator, task.space
    if method == "random":
        return RandomSearch(est, space, n_iter=n_iter, **common)
    if method == "c2f":
        return CoarseToFineSearchCV(est, space, n_iter=n_iter, **common)
    if method == "evolution":
        return EvolutionSearchCV(
            est, space, population_size=10, n_iter=n_iter, **common
        )
    if method in ("bayes-gp", "bayes-tpe"):
        surrogate = method.split("-")[1]
        return BayesSearchCV(est, space, n_iter=n_iter, surrogate=surrogate, **common)
    raise KeyError(method)


def _ours_columns(search):
    r = search.cv_results_
    out = {}
    for name in search.objectives:
        for key in (f"mean_test_{name}", f"mean_{name}"):
            if key in r:
                out[name] = np.asarray(r[key], float)
                break
    return out


def _suggest(trial, name, dim):
    if isinstance(dim, Categorical):
        return trial.suggest_categorical(name, list(dim.choices))
    if isinstance(dim, Integer):
        return trial.suggest_int(name, int(dim.low), int(dim.high), log=dim.is_log)
    return trial.suggest_float(name, float(dim.low), float(dim.high), log=dim.is_log)


def _optuna(method, task, n_iter, seed):
    import optuna
    from sklearn.base import clone
    from sklearn.model_selection import cross_validate

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if method == "optuna-nsga2":
        sampler = optuna.samplers.NSGAIISampler(population_size=10, seed=seed)
    elif method == "optuna-tpe":
        sampler = optuna.samplers.TPESampler(multivariate=True, seed=seed)
    elif method == "optuna-gp":
        sampler = optuna.samplers.GPSampler(seed=seed)
    else:
        raise KeyError(method)
    names = list(task.objectives)
    directions = [
        "maximize" if task.objectives[n] == "max" else "minimize" for n in names
    ]
    study = optuna.create_study(directions=directions, sampler=sampler)
    X, y = task.data
    scoring = dict(task.scoring)
    for name in names:
        if name == "model_size":
            scoring[name] = ModelSize()
        elif name == "predict_time":
            scoring[name] = PredictTime()

    def objective(trial):
        params = {n: _suggest(trial, n, d) for n, d in task.space.items()}
        if task.kind == "synthetic":
            return list(task.problem(params))
        est = clone(task.estimator).set_params(**params)
        cv = cross_validate(est, X, y, cv=task.cv, scoring=scoring)
        return [float(np.mean(cv[f"test_{n}"])) for n in names]

    study.optimize(objective, n_trials=n_iter)
    values = np.array([t.values for t in study.trials], dtype=float)
    return {n: values[:, k] for k, n in enumerate(names)}


def available(method):
    """None, or why the method cannot run here."""
    if method.startswith("optuna"):
        try:
            import optuna  # noqa: F401
        except ImportError:
            return "needs optuna"
        if method == "optuna-gp":
            try:
                import torch  # noqa: F401
            except ImportError:
                return "needs torch"
    return None


def run(method, task, n_iter, seed):
    """Objective columns (raw, by our names) of one run, and seconds taken."""
    X, y = task.data
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method in OURS:
            search = _ours(method, task, n_iter, seed).fit(X, y)
            columns = _ours_columns(search)
        else:
            columns = _optuna(method, task, n_iter, seed)
    return columns, time.perf_counter() - start


# -- proposal time ---------------------------------------------------------------------
def proposal_time(method, n_observed=200, repeats=3):
    """Median seconds of one ``ask`` after ``n_observed`` told ZDT1 vectors.

    The strategy is the one the search makes (``_make_strategy``, behind the
    ParEGO layer for Bayes), told random points of ZDT1 with their vectors;
    the time of its next ``ask`` (a generation for ``evolution``, a stage for
    ``c2f``) is divided by the candidates it returns.
    """
    from sklearn_hypersearch._search._base import _vector_layer

    task = make_task("zdt1")
    rng = np.random.default_rng(0)
    points = [
        {name: float(v) for name, v in zip(task.space, row)}
        for row in rng.random((n_observed, len(task.space)))
    ]
    Y = -np.array([task.problem(p) for p in points])
    times = []
    for rep in range(repeats):
        search = _ours(method, task, max(n_observed + 20, 100), rep)
        space = search._checked_space()
        strategy = search._make_strategy(space, np.random.default_rng(rep))
        if not strategy.handles_vectors:
            strategy = _vector_layer(search, space, strategy, rep)
        strategy.tell(points, Y)
        start = time.perf_counter()
        batch = strategy.ask()
        times.append((time.perf_counter() - start) / max(len(batch), 1))
    return float(np.median(times))


# -- scoring the runs -------------------------------------------------------
def _hv_synthetic(task, F):
    return task.problem.hypervolume(F) if len(F) else 0.0


def _hv_real(F, lo, hi):
    Z = (F - lo) / np.where(hi > lo, hi - lo, 1.0)
    return hypervolume(-Z, ref=np.full(F.shape[1], -REF))


def score_runs(records):
    """{(task, method, budget): [hypervolume per seed]} from the run records."""
    tasks = {}
    for rec in records:
        tasks.setdefault(rec["task"], []).append(rec)
    out = {}
    for name, recs in tasks.items():
        task = make_task(name)
        Fs = []
        for rec in recs:
            Fs.append(task.minimised(rec["columns"]))
        if task.kind == "real":
            pooled = np.vstack([F[np.isfinite(F).all(axis=1)] for F in Fs])
            front = pooled[non_dominated_sort(-pooled) == 0]
            lo, hi = front.min(axis=0), front.max(axis=0)
            # an objective the front does not spread: the range of all points
            flat = hi <= lo
            hi = np.where(flat, pooled.max(axis=0), hi)
        for rec, F in zip(recs, Fs):
            budgets = BUDGETS if rec["budget"] is None else (rec["budget"],)
            for b in budgets:
                part = F[:b]
                part = part[np.isfinite(part).all(axis=1)]
                hv = (
                    _hv_synthetic(task, part)
                    if task.kind == "synthetic"
                    else _hv_real(part, lo, hi)
                )
                out.setdefault((name, rec["method"], b), {})[rec["seed"]] = hv
    return out


def _fmt(values):
    v = np.asarray(values, float)
    return (
        f"{np.median(v):.4f} [{np.percentile(v, 25):.4f}, {np.percentile(v, 75):.4f}]"
    )


def tables(records, methods, times=None):
    scores = score_runs(records)
    task_names = [t for t in SYNTHETIC + REAL if any(k[0] == t for k in scores)]
    lines = []
    header = ["task", "budget", *methods]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    wins = {m: 0 for m in methods}
    below_random = {m: [] for m in methods}
    cells = 0
    seeds_used = set()
    for t in task_names:
        for b in BUDGETS:
            # compare on the seeds every method has
            per = {m: scores.get((t, m, b), {}) for m in methods}
            common = (
                set.intersection(*(set(v) for v in per.values() if v))
                if any(per.values())
                else set()
            )
            seeds_used |= common
            med = {
                m: np.median([per[m][s] for s in common])
                if per[m] and common
                else math.nan
                for m in methods
            }
            if not common:
                continue
            cells += 1
            best = max(
                (m for m in methods if np.isfinite(med[m])), key=lambda m: med[m]
            )
            wins[best] += 1
            row = [t, str(b)]
            for m in methods:
                if not per[m] or not common:
                    row.append("n/a")
                    continue
                text = _fmt([per[m][s] for s in sorted(common)])
                row.append(f"**{text}**" if m == best else text)
                if "random" in med and m != "random" and med[m] < med["random"]:
                    below_random[m].append(f"{t}/{b}")
            lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append(
        f"Median hypervolume [quartiles] over the seeds every method ran "
        f"({len(seeds_used)} seeds in all); the best median in bold. Synthetic "
        "tasks: normalised by the true front (its hypervolume: "
        + ", ".join(
            f"{t} {_mo_problems.PROBLEMS[t].true_hypervolume:.4f}"
            for t in SYNTHETIC
            if t in task_names
        )
        + "); real tasks: normalised by the front of all runs, reference 1.1."
    )
    lines.append("")
    lines.append("| method | best median (cells) | below random's median |")
    lines.append("|---|---|---|")
    for m in methods:
        below = ", ".join(below_random[m]) if below_random[m] else "never"
        lines.append(f"| {m} | {wins[m]} of {cells} | {below} |")
    if times:
        lines.append("")
        lines.append(
            "| our method | seconds per proposed candidate at 200 observations |"
        )
        lines.append("|---|---|")
        for m, t in times.items():
            lines.append(f"| {m} | {t:.4f} |")
    ours = [m for m in methods if m in OURS]
    if ours and cells:
        # issue 15's targets, for our search with the most best medians
        best = max(ours, key=lambda m: wins[m])
        share = wins[best] / cells
        lines.append("")
        lines.append(
            f"Targets: our best search ({best}) has the best median on "
            f"{wins[best]} of {cells} cells ({share:.0%}; target 70%: "
            f"{'met' if share >= 0.7 else 'not met'}); below random's median "
            f"on {len(below_random[best])} cells (target none: "
            f"{'met' if not below_random[best] else 'not met'})"
            + (
                f"; {times[best]:.3f} s per proposal at 200 observations "
                f"(target < 0.1 s: {'met' if times[best] < 0.1 else 'not met'})."
                if times and best in times
                else "."
            )
        )
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------
def _load(path):
    if not path or not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="zdt1 and tree-cancer, budget 20, 2 seeds (for CI)",
    )
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument(
        "--first-seed",
        type=int,
        default=REPORTING_SEED,
        help="seeds run are first-seed .. first-seed + seeds - 1",
    )
    parser.add_argument("--tasks", nargs="*", default=list(SYNTHETIC + REAL))
    parser.add_argument("--methods", nargs="*", default=list(METHODS))
    parser.add_argument("--jsonl", default=None, help="append runs here; reuse them")
    parser.add_argument("--out", default=None, help="write the Markdown report here")
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args(argv)
    global BUDGETS
    if args.quick:
        BUDGETS = (20,)
        args.tasks = ["zdt1", "tree-cancer"]
        args.seeds = 2
        args.first_seed = 0
        args.methods = [m for m in args.methods if m != "optuna-gp"]
    methods = [m for m in args.methods if available(m) is None]
    skipped = {m: available(m) for m in args.methods if available(m) is not None}
    loaded = _load(args.jsonl)
    records = [r for r in loaded if "task" in r]
    timed = {r["timing"]: r["seconds"] for r in loaded if "timing" in r}
    done = {(r["task"], r["method"], r["seed"], r["budget"]) for r in records}
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for name in args.tasks:
            task = make_task(name)
            for method in methods:
                if method == "c2f":
                    plan = [(b, b) for b in BUDGETS]
                else:
                    plan = [(max(BUDGETS), None)]
                for n_iter, key in plan:
                    if (name, method, seed, key) in done:
                        continue
                    columns, seconds = run(method, task, n_iter, seed)
                    rec = {
                        "task": name,
                        "method": method,
                        "seed": seed,
                        "budget": key,
                        "seconds": seconds,
                        "columns": {
                            k: [float(x) for x in v] for k, v in columns.items()
                        },
                    }
                    records.append(rec)
                    if args.jsonl:
                        with open(args.jsonl, "a") as f:
                            f.write(json.dumps(rec) + "\n")
                    print(
                        f"{name} {method} seed {seed} n_iter {n_iter}: {seconds:.1f} s",
                        flush=True,
                    )
    times = dict(timed) or None
    if not args.no_timing:
        times = {}
        for m in OURS:
            times[m] = timed[m] if m in timed else proposal_time(m)
            if args.jsonl and m not in timed:
                with open(args.jsonl, "a") as f:
                    f.write(json.dumps({"timing": m, "seconds": times[m]}) + "\n")
    # every method on the seeds all of them ran; without the slow GP peer
    # when it ran on fewer seeds, on all the seeds of the others
    full = [m for m in methods if m != "optuna-gp"]
    body = tables(records, full, times)
    if "optuna-gp" in methods:
        body += "\n\n## With Optuna's GPSampler, on the seeds it ran\n\n" + tables(
            records, methods
        )
    report = [
        "# Multi-objective searches: hypervolume against Optuna",
        "",
        _machine.versions(),
        "",
        "Command: `python benchmarks/bench_multiobjective.py "
        + " ".join(argv if argv is not None else sys.argv[1:])
        + "`",
        "",
        body,
    ]
    if skipped:
        report += [
            "",
            "Not run: " + ", ".join(f"{m} ({r})" for m, r in skipped.items()),
        ]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
