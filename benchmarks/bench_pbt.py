"""Benchmark: population-based training against random search and Hyperband.

Three tasks where the schedule of a hyperparameter can matter, each with a
resource ``T`` (epochs, or boosting iterations) that the final model of
every method trains:

- ``sgd``: ``SGDClassifier`` (constant learning rate, after a scaler) on a
  ``make_classification`` set of 20k rows; ``alpha`` and ``eta0`` searched,
  ``T = 30`` epochs;
- ``mlp``: ``MLPClassifier`` (one hidden layer of 64, SGD with momentum) on
  the digits; ``learning_rate_init`` and ``alpha``, ``T = 40`` epochs;
- ``hgb``: ``HistGradientBoostingClassifier`` on a ``make_classification``
  set of 5k rows; ``learning_rate``, ``l2_regularization`` and
  ``max_leaf_nodes``, ``T = 50`` iterations (scikit-learn's warm start
  bins the data and predicts with every tree again at each step, so a
  step costs more than its share: a larger set would take hours here).

At equal total training, ``8 T`` resource units per CV split (the sum over
all members or candidates of their epochs or iterations):

- ``pbt-8`` and ``pb2-8``: :class:`PopulationBasedSearchCV` with 8 members
  trained 10 steps of ``T / 10`` (``explore="perturb"`` and ``"pb2"``);
- ``random``: ``RandomizedSearchCV(n_iter=8)``, each candidate trained ``T``;
- ``hyperband``: :class:`HyperbandSearchCV` with ``resource`` the
  iteration count, ``max_resources=T`` and ``n_iter=8`` (full-resource
  evaluations), promoted candidates continuing their models;

and ``pb2-4``: PB2 with 4 members, so *half* that training (``4 T``).

Each seed draws another train/test split (25 % held out, never seen by the
search), another CV shuffling and another search seed; the table shows the
median held-out score of ``best_estimator_`` over the seeds with the 25th
and 75th percentiles, the compute (fit and score times of every CV split)
and the wall time. Seeds 100 to 109 are the reported ones; the defaults
of PopulationBasedSearchCV were not tuned on them. ``--transfer`` measures
what shipping the members' fitted models to the workers costs: the size
of one fold model after ``T`` units, and the wall time of ``pbt-8`` with
``n_jobs=1`` and ``n_jobs=2`` (loky). Run with::

    python benchmarks/bench_pbt.py                 # 3 tasks, 10 seeds
    python benchmarks/bench_pbt.py --quick         # small, 1 seed (CI, ~1.5 min)
    python benchmarks/bench_pbt.py --task hgb --seeds 3
    python benchmarks/bench_pbt.py --transfer

Fits use one thread each (OMP_NUM_THREADS=1), ``n_jobs=1``.
"""

import os

# one thread per fit, so that compute is comparable on a loaded machine
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits, make_classification  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklearn_hypersearch import (  # noqa: E402
    HyperbandSearchCV,
    Integer,
    PopulationBasedSearchCV,
    Real,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _machine import versions  # noqa: E402

N_STEPS = 10
POPULATION = 8
REPORT_SEEDS = 100  # reported seeds are 100, 101, ...


def _classification(n_rows, seed_data):
    return make_classification(
        n_samples=n_rows,
        n_features=20,
        n_informative=10,
        n_redundant=4,
        flip_y=0.03,
        class_sep=0.8,
        random_state=seed_data,
    )


def make_tasks(quick):
    """name -> (estimator, space, resource parameter, T, (X, y))."""
    sgd_X, sgd_y = make_classification(
        n_samples=4000 if quick else 20000,
        n_features=40,
        n_informative=20,
        n_redundant=5,
        flip_y=0.05,
        class_sep=0.7,
        random_state=1,
    )
    digits = load_digits(return_X_y=True)
    if quick:
        digits = digits[0][:900], digits[1][:900]
    return {
        "sgd": (
            Pipeline(
                [
                    ("scale", StandardScaler()),
                    ("clf", SGDClassifier(learning_rate="constant", tol=None)),
                ]
            ),
            {
                "clf__alpha": Real(1e-7, 1e-1, log=True),
                "clf__eta0": Real(1e-5, 1.0, log=True),
            },
            "clf__max_iter",
            10 if quick else 30,
            (sgd_X, sgd_y),
        ),
        "mlp": (
            Pipeline(
                [
                    ("scale", StandardScaler()),
                    (
                        "clf",
                        MLPClassifier(
                            hidden_layer_sizes=(64,),
                            solver="sgd",
                            momentum=0.9,
                            # exactly max_iter epochs in fit, as in partial_fit
                            tol=0.0,
                            n_iter_no_change=10**6,
                        ),
                    ),
                ]
            ),
            {
                "clf__learning_rate_init": Real(1e-4, 1.0, log=True),
                "clf__alpha": Real(1e-6, 1e-1, log=True),
            },
            "clf__max_iter",
            10 if quick else 40,
            digits,
        ),
        "hgb": (
            HistGradientBoostingClassifier(early_stopping=False),
            {
                "learning_rate": Real(0.01, 1.0, log=True),
                "l2_regularization": Real(1e-6, 10.0, log=True),
                "max_leaf_nodes": Integer(4, 128, log=True),
            },
            "max_iter",
            20 if quick else 50,
            _classification(2000 if quick else 5000, 0),
        ),
    }


def _seeded(estimator, seed):
    params = {
        k: seed for k in estimator.get_params(deep=True) if k.endswith("random_state")
    }
    return clone(estimator).set_params(**params)


def methods(task, seed):
    estimator, space, resource, T, _ = task
    cv = StratifiedKFold(3, shuffle=True, random_state=seed)
    common = dict(cv=cv, n_jobs=1, random_state=seed)
    est = _seeded(estimator, seed)

    def pbt(explore, population):
        return PopulationBasedSearchCV(
            est,
            space,
            population_size=population,
            n_steps=N_STEPS,
            step=T // N_STEPS,
            explore=explore,
            **common,
        )

    return {
        "pbt-8": lambda: pbt("perturb", POPULATION),
        "pb2-8": lambda: pbt("pb2", POPULATION),
        "pb2-4 (half)": lambda: pbt("pb2", POPULATION // 2),
        "random": lambda: RandomizedSearchCV(
            clone(est).set_params(**{resource: T}),
            _scipy(space),
            n_iter=POPULATION,
            **common,
        ),
        "hyperband": lambda: HyperbandSearchCV(
            est,
            space,
            resource=resource,
            max_resources=T,
            n_iter=POPULATION,
            factor=3,
            **common,
        ),
    }


def _scipy(space):
    """The same space for RandomizedSearchCV (scipy distributions)."""
    from scipy.stats import loguniform

    out = {}
    for name, dim in space.items():
        if isinstance(dim, Integer):
            out[name] = _LogUniformInt(dim.low, dim.high)
        else:
            out[name] = loguniform(dim.low, dim.high)
    return out


class _LogUniformInt:
    """Integers log-uniform in [low, high], for RandomizedSearchCV."""

    def __init__(self, low, high):
        self.low, self.high = low, high

    def rvs(self, random_state=None):
        from sklearn.utils import check_random_state

        rng = check_random_state(random_state)
        lo, hi = np.log(self.low - 0.5), np.log(self.high + 0.5)
        value = int(round(float(np.exp(rng.uniform(lo, hi)))))
        return min(max(value, self.low), self.high)


def run_one(name, task, method, make, seed):
    X, y = task[4]
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    search = make()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X_tr, y_tr)
    wall = time.perf_counter() - start
    res = search.cv_results_
    compute = float(
        np.sum((res["mean_fit_time"] + res["mean_score_time"]) * search.n_splits_)
    )
    return dict(
        task=name,
        method=method,
        seed=seed,
        test=float(search.score(X_te, y_te)),
        cv=float(search.best_score_),
        compute=compute,
        wall=wall,
        rows=len(res["params"]),
    )


def _cell(values, fmt):
    values = np.asarray(values, dtype=float)
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return f"{med:{fmt}} [{q1:{fmt}}, {q3:{fmt}}]"


def print_tables(records):
    tasks = list(dict.fromkeys(r["task"] for r in records))
    names = list(dict.fromkeys(r["method"] for r in records))
    n_seeds = len({r["seed"] for r in records})
    for key, title, fmt in (
        ("test", "Held-out accuracy of best_estimator_", ".4f"),
        ("cv", "Best mean CV accuracy", ".4f"),
        ("compute", "Compute (s): fit + score time of every CV split", ".3g"),
        ("wall", "Wall time (s), n_jobs=1", ".3g"),
    ):
        print(f"\n## {title}: median [25th, 75th percentile] over {n_seeds} seeds\n")
        print("| method | " + " | ".join(tasks) + " |")
        print("|---" * (len(tasks) + 1) + "|")
        for m in names:
            cells = [
                _cell(
                    [r[key] for r in records if r["task"] == t and r["method"] == m],
                    fmt,
                )
                for t in tasks
            ]
            print(f"| {m} | " + " | ".join(cells) + " |")
    print("\n## Median held-out accuracy minus that of random (same seed)\n")
    print("| method | " + " | ".join(tasks) + " |")
    print("|---" * (len(tasks) + 1) + "|")
    for m in names:
        cells = []
        for t in tasks:
            ref = {
                r["seed"]: r["test"]
                for r in records
                if r["task"] == t and r["method"] == "random"
            }
            diffs = [
                r["test"] - ref[r["seed"]]
                for r in records
                if r["task"] == t and r["method"] == m and r["seed"] in ref
            ]
            cells.append(_cell(diffs, "+.4f") if diffs else "–")
        print(f"| {m} | " + " | ".join(cells) + " |")


def transfer(tasks):
    """Size of one fitted fold model, and wall time with loky workers."""
    print("\n## Shipping members' models to the workers\n")
    print(
        "| task | one fold model (kB) | pickle+unpickle (ms) | "
        "pbt-8 n_jobs=1 (s) | pbt-8 n_jobs=2, loky (s) |"
    )
    print("|---|---|---|---|---|")
    for name, task in tasks.items():
        estimator, space, resource, T, (X, y) = task
        model = _seeded(estimator, 0).set_params(**{resource: T})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X[: len(X) * 2 // 3], y[: len(y) * 2 // 3])
        blob = pickle.dumps(model)
        start = time.perf_counter()
        for _ in range(20):
            pickle.loads(pickle.dumps(model))
        per = (time.perf_counter() - start) / 20 * 1000
        walls = []
        for n_jobs in (1, 2):
            search = methods(task, REPORT_SEEDS)["pbt-8"]().set_params(n_jobs=n_jobs)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                search.fit(X, y)
            walls.append(time.perf_counter() - start)
        print(
            f"| {name} | {len(blob) / 1000:.1f} | {per:.2f} | {walls[0]:.3g} | "
            f"{walls[1]:.3g} |"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--task", nargs="+", default=None)
    parser.add_argument("--method", nargs="+", default=None)
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--first-seed", type=int, default=REPORT_SEEDS)
    parser.add_argument("--transfer", action="store_true")
    args = parser.parse_args(argv)
    tasks = make_tasks(args.quick)
    if args.task:
        tasks = {k: v for k, v in tasks.items() if k in args.task}
    print(f"# bench_pbt{' --quick' if args.quick else ''}: {versions()}")
    if args.transfer:
        transfer(tasks)
        return
    n_seeds = args.seeds or (1 if args.quick else 10)
    records = []
    for name, task in tasks.items():
        for seed in range(args.first_seed, args.first_seed + n_seeds):
            for method, make in methods(task, seed).items():
                if args.method and method not in args.method:
                    continue
                rec = run_one(name, task, method, make, seed)
                records.append(rec)
                print(
                    f"  {name} seed {seed} {method}: test {rec['test']:.4f} "
                    f"cv {rec['cv']:.4f} ({rec['wall']:.1f}s)",
                    file=sys.stderr,
                    flush=True,
                )
    print_tables(records)


if __name__ == "__main__":
    main()
