"""Benchmark: does multi-fidelity search pay? Time to random search's target.

The protocol of the multi-fidelity literature (Li et al., JMLR 2018;
Falkner et al., ICML 2018; Awad et al., IJCAI 2021), on five tasks
(``_hb_tasks.py``), with every method run on the same data, CV splits and
estimator seeds for each seed:

- the target ``t`` is the median over seeds of the best full-resource CV
  score that ``RandomizedSearchCV(n_iter=81)`` reaches, and ``B`` random
  search's median total compute (fit plus score times of every CV split,
  summed from ``cv_results_``);
- a method's time-to-target in a seed is the compute at which its best
  full-resource CV score first reaches ``t`` (never: infinite); the
  speed-up is ``B`` over the median time-to-target, the success rate the
  share of seeds reaching ``t`` within ``B / 5``;
- the held-out score (20 % of the data, never seen by a search) of the
  chosen model at ``B / 5`` (the best full-resource candidate evaluated by
  then, refitted on the training data) and at the end of the run;
- anytime curves: the median (and quartiles) over seeds of the best
  full-resource CV score so far against compute.

Methods: ``random`` (``RandomizedSearchCV(n_iter=81)``), scikit-learn's
``HalvingRandomSearchCV`` with its default ``n_candidates="exhaust"`` (81
candidates here: one bracket) and with three times as many (243, about
``B / 5`` of resource), ``HyperbandSearchCV(n_iter=81)`` with ``sampler="random"``,
``"bohb"`` and ``"gp"`` (continuation and ``adapt_min_resources`` at their
defaults), DEHB and hpbandster's BOHB (``_hb_peers.py``) with as many
brackets as our ``n_iter=81`` schedule. Halving's and Hyperband's resource
runs from ``min_resources`` (1 tree or iteration, 1/81 of the samples) to
the full one with ``factor=3``. A "full-resource" evaluation is one at the
full resource (halving's last rung of samples is 97 % of it).

Run with (everything is saved after every run, and a run that was saved is
never run again)::

    python benchmarks/bench_hyperband.py --quick          # CI: < 3 min
    python benchmarks/bench_hyperband.py --seeds 10 --save /tmp/hb --out \
        benchmarks/HYPERBAND.md
    python benchmarks/bench_hyperband.py --load /tmp/hb --out benchmarks/HYPERBAND.md

Fits use one thread (OMP_NUM_THREADS=1) and ``n_jobs=1``, so that compute
is comparable. By default (``--clock cpu``) the fit and score times that
scikit-learn and our driver record (``cv_results_``'s ``mean_fit_time`` and
``mean_score_time``, and the peers' ``cross_validate``) read the process's
CPU clock instead of the wall clock: on a machine shared with other jobs,
wall-clock fit times grow with their load, which changes over the hours of
a run and would favour whichever method ran at a quiet time. ``--clock
wall`` keeps scikit-learn's clock. The peers need ``pip install dehb
hpbandster`` (they are skipped, and said so, where they do not import).
"""

import os

# one thread per fit, and for the models' linear algebra: on a shared
# machine, threads only add noise to the fit times
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.model_selection import (  # noqa: E402
    HalvingRandomSearchCV,
    RandomizedSearchCV,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _hb_peers  # noqa: E402
import _hb_report  # noqa: E402
from _hb_tasks import make_tasks  # noqa: E402
from _machine import versions  # noqa: E402
from harness import to_scipy  # noqa: E402

from sklearn_hypersearch import HyperbandSearchCV  # noqa: E402
from sklearn_hypersearch._strategies._hyperband import (  # noqa: E402
    hyperband_schedule,
)

FACTOR = 3
N_RANDOM = 81
N_QUICK = 20  # random search's n_iter, and Hyperband's, with --quick
METHODS = (
    "random",
    "halving",
    "halving-large",
    "hyperband",
    "bohb",
    "gp",
    "dehb",
    "hpbandster-bohb",
)


class _CPUClock:
    """Stands in for the ``time`` module where fits are timed: ``time()``
    reads the process's CPU clock (fits run in this process, ``n_jobs=1``)."""

    def __init__(self, module):
        self._module = module

    def time(self):
        return self._module.process_time()

    def __getattr__(self, name):
        return getattr(self._module, name)


def use_cpu_clock():
    """Time fits and scores in CPU seconds (see the module docstring)."""
    import sklearn.model_selection._validation as validation

    import sklearn_hypersearch._search._continuation as continuation

    for module in (validation, continuation):
        if not isinstance(module.time, _CPUClock):
            module.time = _CPUClock(time)


def _search(task, method, seed, n_random):
    """The unfitted scikit-learn-style search of ``method`` (or None)."""
    est = task.estimator_for(seed)
    common = dict(cv=task.cv, n_jobs=1, random_state=seed, refit=False)
    ranged = dict(
        resource=task.resource,
        max_resources=task.max_resources,
        min_resources=task.min_resources,
        factor=FACTOR,
    )
    if method == "random":
        return RandomizedSearchCV(est, to_scipy(task.space), n_iter=n_random, **common)
    if method.startswith("halving"):
        # the default, "exhaust": max_resources // min_resources candidates,
        # one bracket; "large": three times as many, about B/5 of resource
        n = (
            "exhaust"
            if method == "halving"
            else 3 * task.max_resources // max(task.min_resources, 1)
        )
        return HalvingRandomSearchCV(
            est, to_scipy(task.space), n_candidates=n, **ranged, **common
        )
    if method in ("hyperband", "bohb", "gp"):
        sampler = "random" if method == "hyperband" else method
        return HyperbandSearchCV(
            est, task.space, n_iter=n_random, sampler=sampler, **ranged, **common
        )
    return None


def n_brackets(task, n_random):
    """Brackets of our ``n_iter=81`` schedule, given to DEHB and hpbandster."""
    return len(
        hyperband_schedule(
            task.min_resources, task.max_resources, FACTOR, max_cost=n_random
        )
    )


def _log_of(search, task):
    """The evaluations of a fitted search, in order, as the peers log them."""
    res = search.cv_results_
    n = len(res["params"])
    budgets = res.get("n_resources", np.full(n, task.max_resources))
    per_row = (
        np.asarray(res["mean_fit_time"]) + np.asarray(res["mean_score_time"])
    ) * (search.n_splits_)
    rungs = res.get("rung", res.get("iter", np.zeros(n, dtype=int)))
    return [
        dict(
            params={k: v for k, v in res["params"][i].items() if k != task.resource},
            budget=int(budgets[i]),
            score=float(res["mean_test_score"][i]),
            compute=float(per_row[i]),
            rung=int(rungs[i]),
        )
        for i in range(n)
    ]


def run_one(task, method, seed, n_random=N_RANDOM):
    """One run: its evaluation log and what the method reports of itself."""
    X, _, y, _ = task.data
    start = time.perf_counter()
    extra = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "dehb":
            log = _hb_peers.run_dehb(task, seed, n_brackets(task, n_random))
        elif method == "hpbandster-bohb":
            log = _hb_peers.run_hpbandster(task, seed, n_brackets(task, n_random))
        else:
            search = _search(task, method, seed, n_random).fit(X, y)
            log = _log_of(search, task)
            if isinstance(search, HyperbandSearchCV):
                extra = dict(
                    rank_correlations=search.rank_correlations_,
                    adjustments=search.min_resources_adjustments_,
                    schedule_cost=search.schedule_cost_,
                )
    return dict(
        method=method,
        seed=seed,
        log=log,
        wall=time.perf_counter() - start,
        full=task.max_resources,
        **extra,
    )


def _load(path):
    if os.path.exists(path):
        with open(path, "rb") as f:
            return pickle.load(f)
    return {"runs": {}, "heldout": {}}


def _save(store, path):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        pickle.dump(store, f)
    os.replace(tmp, path)


def heldout(task, store, seed, params):
    """Held-out score of ``params`` (full resource) refitted on the training
    data with the run's seed; cached in ``store``."""
    key = (seed, _hb_report.params_key(params))
    if key not in store["heldout"]:
        X_tr, X_te, y_tr, y_te = task.data
        est = task.estimator_for(seed).set_params(**task.full(params))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            store["heldout"][key] = float(est.fit(X_tr, y_tr).score(X_te, y_te))
    return store["heldout"][key]


def fill_heldout(task, store, path=None):
    """Refit what the report needs (the models each run had chosen at the
    compute points of ``_hb_report.compute_points``) and is not cached."""
    runs = list(store["runs"].values())
    if not any(r["method"] == "random" for r in runs):
        return
    for run in runs:
        for at in _hb_report.compute_points(run, runs).values():
            params = _hb_report.chosen(run, at)
            if params is not None:
                heldout(task, store, run["seed"], params)
        if path:
            _save(store, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small tasks, CI")
    parser.add_argument("--seeds", type=int, default=None, help="number of seeds")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--task", nargs="+", default=None, help="only these tasks")
    parser.add_argument("--methods", nargs="+", default=None, choices=METHODS)
    parser.add_argument(
        "--save", default=None, help="folder of one pickle per task (resumes)"
    )
    parser.add_argument(
        "--load",
        default=None,
        help="only report the runs saved in this folder (with --seeds: of those seeds)",
    )
    parser.add_argument("--out", default=None, help="write the Markdown report here")
    parser.add_argument("--figure", default=None, help="write the anytime plot here")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="how fit and score times are measured (default: CPU time)",
    )
    args = parser.parse_args(argv)
    if args.clock == "cpu":
        use_cpu_clock()
    n_seeds = args.seeds or (2 if args.quick else 10)
    seeds = list(range(args.first_seed, args.first_seed + n_seeds))
    methods = list(args.methods or METHODS)
    folder = args.load or args.save
    tasks = [t for t in make_tasks(args.quick) if not args.task or t.name in args.task]
    skipped = {}
    stores, paths = {}, {}
    for task in tasks:
        paths[task.name] = os.path.join(folder, f"{task.name}.pkl") if folder else None
        stores[task.name] = (
            _load(paths[task.name])
            if folder
            else {
                "runs": {},
                "heldout": {},
            }
        )
    if args.save:
        os.makedirs(folder, exist_ok=True)
    if args.load and args.seeds:
        # report only the seeds asked for (a run still going may have saved
        # a part of the next seed)
        for store in stores.values():
            store["runs"] = {
                k: r for k, r in store["runs"].items() if r["seed"] in seeds
            }
    # seed by seed, so that a run stopped early has every task and method
    # for the seeds it finished; random search (the target) is always run
    order = ["random"] + [m for m in methods if m != "random"]
    for seed in seeds if not args.load else ():
        for task in tasks:
            store, path = stores[task.name], paths[task.name]
            for method in order:
                if (method, seed) in store["runs"] or method in skipped:
                    continue
                try:
                    run = run_one(
                        task, method, seed, N_QUICK if args.quick else N_RANDOM
                    )
                except _hb_peers.Unavailable as exc:
                    skipped[method] = str(exc)
                    continue
                store["runs"][(method, seed)] = run
                print(_hb_report.progress_line(task, run), flush=True)
                if path:
                    _save(store, path)
    for task in tasks:
        fill_heldout(task, stores[task.name], paths[task.name])
    report = _hb_report.report(tasks, stores, skipped)
    print(report.tables)
    figure = args.figure
    if args.out and figure is None:
        figure = os.path.join(os.path.dirname(args.out) or ".", "hyperband_anytime.png")
    for path in (figure, args.out):
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if figure:
        _hb_report.anytime_figure(tasks, stores, figure)
    if args.out:
        command = "python benchmarks/bench_hyperband.py " + " ".join(
            sys.argv[1:] if argv is None else argv
        )
        with open(args.out, "w") as f:
            f.write(
                report.markdown(
                    command=command,
                    date=datetime.date.today(),
                    versions=f"{versions()}; {_hb_peers.peer_versions()}",
                    figure=os.path.basename(figure) if figure else None,
                )
            )


if __name__ == "__main__":
    main()
