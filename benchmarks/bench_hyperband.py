"""Benchmark: compute HyperbandSearchCV needs to reach random search's best.

For each task and seed, ``RandomizedSearchCV(n_iter=81)`` at full resource
sets the target: its best mean CV score. We then measure, for
``HyperbandSearchCV`` (random and BOHB sampling), for
``HalvingRandomSearchCV`` and for random search itself:

- compute: the sum of fit and score times of every CV split
  (``(mean_fit_time + mean_score_time) * n_splits`` summed over
  ``cv_results_``), which does not depend on ``n_jobs``;
- compute to target: that sum, in evaluation order, up to the first
  candidate evaluated with the *full* resource whose mean CV score reaches
  the target (not reached: the run never got there);
- held-out score of ``best_estimator_`` on a test set never used by the
  search. ``HalvingRandomSearchCV`` runs twice: with as many candidates
  as one Hyperband iteration samples, and with as many resource units as
  it spends (the tables show the measured compute of each).

Tasks (all ``make_classification`` sets, 20 % held out):

- ``svc``: ``SVC`` on 5k rows, ``n_samples`` as the resource; an SVM's fit
  and predict cost grow faster than the number of samples;
- ``rf``: ``RandomForestClassifier`` with ``n_estimators`` (1 to 81 trees) as
  the resource: cost in proportion to the resource;
- ``hgb`` with ``n_samples``: ``HistGradientBoostingClassifier`` (10
  iterations) on 20k rows; its fit on 1/81 of the rows still costs about
  1/10 of a full fit, so no bracket is cheap;
- ``hgb`` with ``max_iter``: the same model and space on 10k rows, 3 to 243
  boosting iterations: cost nearly in proportion.

A second table gives, per rung resource, the median cost of one evaluation
relative to a full-resource one, against the resource ratio: Hyperband
saves compute only where the two are close. The ``hyperband-bohb`` rows
run two Hyperband iterations (``n_brackets`` twice the default), since a
model pays off only once it has results. Run with::

    python benchmarks/bench_hyperband.py            # full, 3 seeds
    python benchmarks/bench_hyperband.py --quick    # small data, 1 seed
    python benchmarks/bench_hyperband.py --task svc --seeds 5 --save svc.pkl
    python benchmarks/bench_hyperband.py --load svc.pkl rf.pkl   # tables only

Fits use one thread each (OMP_NUM_THREADS=1) so that compute is comparable.
"""

import os

# one thread per fit: HistGradientBoosting's OpenMP threads otherwise
# oversubscribe a loaded machine and its fit times mean nothing
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import math  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import loguniform, randint, uniform  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.model_selection import (  # noqa: E402
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.svm import SVC  # noqa: E402

from sklearn_hypersearch import HyperbandSearchCV  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _machine import versions  # noqa: E402

from sklearn_hypersearch._strategies._hyperband import (  # noqa: E402
    hyperband_schedule,
)

FACTOR = 3
N_RANDOM = 81


def _split(n_rows, seed_data, **kw):
    X, y = make_classification(
        n_samples=n_rows, n_features=20, random_state=seed_data, **kw
    )
    return train_test_split(X, y, test_size=0.2, random_state=0)


def _task(name, estimator, space, resource, data, min_resources=None):
    """A task; ``n_samples`` tasks go from 1/81 of the rows to all of them."""
    X_tr, X_te, y_tr, y_te = data
    if resource == "n_samples":
        max_resources = len(X_tr)
        min_resources = max_resources // FACTOR**4
    else:
        max_resources = estimator.get_params()[resource]
    n_rows = (len(y_tr) + len(y_te)) / 1000
    return dict(
        name=f"{name}_{n_rows:g}k ({resource})",
        estimator=estimator,
        space=space,
        resource=resource,
        max_resources=max_resources,
        min_resources=min_resources,
        data=data,
    )


HGB_SPACE = {
    "learning_rate": loguniform(0.01, 1.0),
    "max_leaf_nodes": randint(4, 129),
    "min_samples_leaf": randint(1, 101),
    "l2_regularization": loguniform(1e-6, 10.0),
    "max_features": uniform(0.2, 0.8),
}


def make_tasks(quick):
    # SVC and HistGradientBoosting share a dataset, at two sizes
    harder = dict(n_informative=10, n_redundant=4, flip_y=0.03, class_sep=0.8)
    return [
        _task(
            "svc",
            SVC(),
            {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-4, 10.0)},
            "n_samples",
            _split(1500 if quick else 5000, 0, **harder),
        ),
        _task(
            "rf",
            RandomForestClassifier(n_estimators=9 if quick else 81),
            {
                "max_features": uniform(0.05, 0.95),
                "min_samples_leaf": randint(1, 51),
                "max_depth": randint(2, 31),
                "criterion": ["gini", "entropy"],
            },
            "n_estimators",
            _split(1000 if quick else 2000, 1, n_informative=8, flip_y=0.05),
            min_resources=1,
        ),
        _task(
            "hgb",
            HistGradientBoostingClassifier(max_iter=10, early_stopping=False),
            HGB_SPACE,
            "n_samples",
            _split(3000 if quick else 20000, 0, **harder),
        ),
        _task(
            "hgb",
            HistGradientBoostingClassifier(
                max_iter=27 if quick else 243, early_stopping=False
            ),
            HGB_SPACE,
            "max_iter",
            _split(3000 if quick else 10000, 0, **harder),
            min_resources=3,
        ),
    ]


def methods(task, seed, cv, n_jobs):
    common = dict(cv=cv, n_jobs=n_jobs, random_state=seed)

    def est():
        return clone(task["estimator"]).set_params(random_state=seed)

    schedule = hyperband_schedule(task["min_resources"], task["max_resources"], FACTOR)
    # Successive halving at three sizes, as equal compute is not one number:
    # - as many candidates as one Hyperband iteration samples;
    # - as many resource units as one Hyperband iteration spends (a rung
    #   of n candidates costs about n * min_resources units), and as two
    #   iterations (the BOHB runs) spend.
    # A fit with a small resource often costs more than its share, which
    # halving pays on more candidates: the tables give the measured compute.
    n_sampled = sum(rungs[0][0] for rungs in schedule)
    units = sum(n * r for rungs in schedule for n, r in rungs)
    n_units = math.ceil(units / (len(schedule) * task["min_resources"]))
    hb = dict(
        resource=task["resource"],
        max_resources=task["max_resources"],
        min_resources=task["min_resources"],
        factor=FACTOR,
        **common,
    )
    return {
        "random (n_iter=81)": lambda: RandomizedSearchCV(
            est(), task["space"], n_iter=N_RANDOM, **common
        ),
        **{
            f"halving ({n} cands)": _halving(est, task, n, common)
            for n in (n_sampled, n_units, 2 * n_units)
        },
        "hyperband": lambda: HyperbandSearchCV(est(), task["space"], **hb),
        "hyperband-bohb (2 iterations)": lambda: HyperbandSearchCV(
            est(), task["space"], sampler="bohb", n_brackets=2 * len(schedule), **hb
        ),
    }


def _halving(est, task, n_candidates, common):
    return lambda: HalvingRandomSearchCV(
        est(),
        task["space"],
        n_candidates=n_candidates,
        resource=task["resource"],
        max_resources=task["max_resources"],
        min_resources=task["min_resources"],
        factor=FACTOR,
        **common,
    )


def full_rows(search):
    """Rows evaluated with the search's largest resource.

    That is ``max_resources`` for Hyperband; scikit-learn's halving stops at
    ``min_resources * factor**k``, which may fall a little short of it.
    """
    res = search.cv_results_
    if "n_resources" not in res:  # random search: everything is full
        return np.ones(len(res["params"]), dtype=bool)
    budgets = np.asarray(res["n_resources"])
    return budgets == budgets.max()


def compute_per_row(search):
    res = search.cv_results_
    return (np.asarray(res["mean_fit_time"]) + np.asarray(res["mean_score_time"])) * (
        search.n_splits_
    )


def compute_to_target(search, target):
    per_row = np.cumsum(compute_per_row(search))
    scores = np.asarray(search.cv_results_["mean_test_score"])
    hit = np.flatnonzero(full_rows(search) & (scores >= target - 1e-12))
    return float(per_row[hit[0]]) if len(hit) else math.nan


def rung_costs(search):
    """Median compute of one evaluation per resource, over a full one's."""
    res = search.cv_results_
    if "n_resources" not in res:
        return {}
    per_row = compute_per_row(search)
    budgets = np.asarray(res["n_resources"])
    full = np.median(per_row[budgets == budgets.max()])
    return {
        int(r): float(np.median(per_row[budgets == r]) / full)
        for r in np.unique(budgets)
    }


def _target(results, n_splits):
    """Random search's best mean CV score and one standard error of it."""
    best = int(np.argmin(results["rank_test_score"]))  # as best_index_
    se = results["std_test_score"][best] / math.sqrt(n_splits)
    return results["mean_test_score"][best], se


def run(task, seed, n_jobs, saved=()):
    """Run the methods on one seed; those in ``saved`` rows are skipped."""
    X_tr, X_te, y_tr, y_te = task["data"]
    cv = StratifiedKFold(3)
    rows = []
    done = {r["method"]: r for r in saved}
    target = se = None
    if "random (n_iter=81)" in done:
        target, se = _target(done["random (n_iter=81)"]["results"], cv.n_splits)
    for name, make in methods(task, seed, cv, n_jobs).items():
        if name in done:
            continue
        search = make()
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search.fit(X_tr, y_tr)
        wall = time.perf_counter() - start
        if target is None:
            # random search's best, and one standard error of it below: the
            # best of 81 noisy scores is partly luck, and a score within one
            # standard error of it is as good as the data can tell
            target, se = _target(search.cv_results_, search.n_splits_)
        compute = float(compute_per_row(search).sum())
        reach = compute_to_target(search, target)
        reach_se = compute_to_target(search, target - se)
        rows.append(
            dict(
                method=name,
                seed=seed,
                compute=compute,
                wall=wall,
                reach=reach,
                reach_se=reach_se,
                # wall time to the target, pro rata of compute
                reach_wall=wall * reach / compute if compute else math.nan,
                best_cv=float(search.best_score_),
                test=float(search.score(X_te, y_te)),
                n_fits=len(search.cv_results_["params"]) * search.n_splits_,
                rung_cost=rung_costs(search),
                results={
                    k: v if k == "params" else np.asarray(v)
                    for k, v in search.cv_results_.items()
                    if not k.startswith("param_")
                },
            )
        )
        print(
            f"  {task['name']:<24} seed={seed} {name:<22} compute={compute:7.1f}s "
            f"wall={wall:6.1f}s reach={reach:7.1f}s cv={search.best_score_:.4f} "
            f"test={rows[-1]['test']:.4f}",
            flush=True,
        )
    return rows


def med_iqr(values, fmt="{:.1f}"):
    v = np.asarray([x for x in values if not math.isnan(x)], dtype=float)
    if len(v) == 0:
        return "not reached"
    q1, q2, q3 = np.percentile(v, [25, 50, 75])
    return f"{fmt.format(q2)} [{fmt.format(q1)}, {fmt.format(q3)}]"


def _method_order(name):
    # random, halving by size, then Hyperband
    kind = ("random", "halving", "hyperband").index(name.split()[0].split("-")[0])
    size = int(name.split("(")[1].split()[0]) if kind == 1 else 0
    return kind, size, name


def n_reached(rows, key):
    return f"{sum(not math.isnan(r[key]) for r in rows)}/{len(rows)}"


def table(name, rows):
    random_compute = {
        r["seed"]: r["compute"] for r in rows if r["method"].startswith("random")
    }
    methods_ = sorted(dict.fromkeys(r["method"] for r in rows), key=_method_order)
    n_seeds = len({r["seed"] for r in rows})
    lines = [
        f"### {name}: median [IQR] over {n_seeds} seeds",
        "",
        "| method | compute (s) | / random's | wall (s) "
        "| compute to reach random's best (s) | / random's compute | reached "
        "| wall to reach, pro rata (s) | to reach its best - 1 SE / random's "
        "| reached | best CV | held-out |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in methods_:
        rs = [r for r in rows if r["method"] == m]
        reach = [r["reach"] for r in rs]

        def ratio(key, rs=rs):  # over the random search of the same seed
            return [r[key] / random_compute[r["seed"]] for r in rs]

        lines.append(
            f"| {m} | {med_iqr([r['compute'] for r in rs])} "
            f"| {med_iqr(ratio('compute'), '{:.2f}')} "
            f"| {med_iqr([r['wall'] for r in rs])} | {med_iqr(reach)} "
            f"| {med_iqr(ratio('reach'), '{:.2f}')} | {n_reached(rs, 'reach')} "
            f"| {med_iqr([r['reach_wall'] for r in rs])} "
            f"| {med_iqr(ratio('reach_se'), '{:.2f}')} | {n_reached(rs, 'reach_se')} "
            f"| {med_iqr([r['best_cv'] for r in rs], '{:.4f}')} "
            f"| {med_iqr([r['test'] for r in rs], '{:.4f}')} |"
        )
    # what a rung costs: the median over seeds of each seed's median, from
    # the random-sampling Hyperband runs (BOHB picks costlier candidates)
    costs = [r["rung_cost"] for r in rows if r["method"] == "hyperband"]
    if costs:
        top = max(costs[0])
        lines += [
            "",
            "| rung resource | resource / full | compute of one evaluation / full |",
            "|---|---|---|",
        ]
        for budget in sorted(costs[0]):
            ratio = np.median([c[budget] for c in costs if budget in c])
            lines.append(f"| {budget} | 1/{top / budget:.3g} | 1/{1 / ratio:.3g} |")
    return "\n".join(lines)


def report(tables, runs, argv):
    n_seeds = max(len({r["seed"] for r in rows}) for rows in runs.values())
    commands = [f"`python benchmarks/bench_hyperband.py {' '.join(argv[1:])}`"]
    saved = dict.fromkeys(
        r.get("command") for rows in runs.values() for r in rows if "command" in r
    )
    if "--load" in argv:
        commands = [f"`python benchmarks/bench_hyperband.py {c}`" for c in saved]
        commands = commands or ["runs saved with `--save`"]
        commands.append(
            f"then `python benchmarks/bench_hyperband.py {' '.join(argv[1:])}`"
        )
    return (
        "# Hyperband benchmark\n\n"
        f"Made by {', '.join(commands)} on {datetime.date.today()} "
        f"({versions()}), {n_seeds} seeds, one fit at a time with one thread. "
        "What is measured and why: the docstring of "
        "`benchmarks/bench_hyperband.py`.\n\n"
        "Columns: fit compute (sum of fit and score times over every CV split); "
        "its ratio to the random search of the same seed; wall time; compute "
        "until the first full-resource candidate reaches the best CV score of "
        "`RandomizedSearchCV(n_iter=81)` (and its ratio, and how many seeds got "
        "there); the same for that best score minus one standard error of it; "
        "best CV score; score of `best_estimator_` on held-out data. Cells are "
        "medians [interquartile range] over seeds, of the seeds that got there "
        "for the compute to reach.\n\n" + tables + "\n"
    )


def _run_seed(runs, task, seed, args, path, saved=()):
    """Add one seed's new rows to ``runs``; pickle ``runs`` to ``path`` if any."""
    rows = run(task, seed, args.n_jobs, saved)
    for row in rows:
        row["command"] = " ".join(sys.argv[1:])
    runs[task["name"]] += rows
    if path:
        with open(path, "wb") as f:
            pickle.dump(runs, f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, 1 seed")
    parser.add_argument("--seeds", type=int, default=None, help="number of seeds")
    parser.add_argument(
        "--first-seed", type=int, default=0, help="seeds start here (to split runs)"
    )
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--task", default=None, help="only tasks starting so")
    parser.add_argument(
        "--save", default=None, help="pickle every run (cv_results_ included) here"
    )
    parser.add_argument(
        "--out", default=None, help="also write the tables to this Markdown file"
    )
    parser.add_argument(
        "--add-to",
        default=None,
        help="run only the methods missing from this --save file, add them to it",
    )
    parser.add_argument(
        "--load",
        nargs="+",
        default=None,
        help="only print the tables of runs saved with --save",
    )
    args = parser.parse_args()
    n_seeds = args.seeds or (1 if args.quick else 3)
    if args.load:
        runs = {}
        for path in args.load:  # seeds of one task may come from several files
            with open(path, "rb") as f:
                for name, rows in pickle.load(f).items():
                    runs.setdefault(name, []).extend(rows)
    elif args.add_to:
        with open(args.add_to, "rb") as f:
            runs = pickle.load(f)
        for task in make_tasks(args.quick):
            if task["name"] not in runs:
                continue
            for seed in sorted({r["seed"] for r in runs[task["name"]]}):
                saved = [r for r in runs[task["name"]] if r["seed"] == seed]
                _run_seed(runs, task, seed, args, args.add_to, saved)
    else:
        runs = {}
        for task in make_tasks(args.quick):
            if args.task and not task["name"].startswith(args.task):
                continue
            runs[task["name"]] = []
            for seed in range(args.first_seed, args.first_seed + n_seeds):
                _run_seed(runs, task, seed, args, args.save)
    tables = "\n\n".join(table(name, rows) for name, rows in runs.items())
    print()
    print(tables)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report(tables, runs, sys.argv))


if __name__ == "__main__":
    main()
