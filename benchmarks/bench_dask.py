"""Wall time of the searches on a 2-worker dask LocalCluster next to n_jobs=2.

Usage::

    python benchmarks/bench_dask.py [--quick] [--repeats 3]

Every search draws its candidates in the driver process only, so the three
backends evaluate the same candidates; the table checks that and compares
wall times (median over repeats) in one run on this machine.
"""

import argparse
import statistics
import time

from joblib import parallel_backend
from scipy.stats import loguniform, randint
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier

import sklearn_hypersearch as hs


def _searches(n_iter):
    space = {
        "learning_rate": loguniform(0.01, 0.5),
        "max_leaf_nodes": randint(8, 64),
    }
    est = HistGradientBoostingClassifier(max_iter=60, early_stopping=False)
    common = dict(cv=3, random_state=0)
    out = {}
    for name in ("BayesSearchCV", "EvolutionSearchCV", "CoarseToFineSearchCV"):
        cls = getattr(hs, name, None)
        if cls is None:
            continue
        budget = {"EvolutionSearchCV": dict(n_iter=n_iter, population_size=8)}.get(
            name, dict(n_iter=n_iter)
        )
        out[name] = lambda n_jobs, cls=cls, budget=budget: cls(
            est, space, n_jobs=n_jobs, **common, **budget
        )
    if hasattr(hs, "HyperbandSearchCV"):
        out["HyperbandSearchCV"] = lambda n_jobs: hs.HyperbandSearchCV(
            est,
            space,
            resource="max_iter",
            max_resources=60,
            min_resources=6,
            n_jobs=n_jobs,
            **common,
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    n_iter = 8 if args.quick else 16
    repeats = 1 if args.quick else args.repeats
    X, y = make_classification(n_samples=4000, n_features=20, random_state=0)
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    )
    client = Client(cluster)
    rows = []
    try:
        for name, factory in _searches(n_iter).items():
            times = {"n_jobs=1": [], "n_jobs=2": [], "dask 2 workers": []}
            params = {}
            for _ in range(repeats):
                for label in times:
                    start = time.perf_counter()
                    if label.startswith("dask"):
                        with parallel_backend("dask"):
                            search = factory(-1).fit(X, y)
                    else:
                        search = factory(int(label[-1])).fit(X, y)
                    times[label].append(time.perf_counter() - start)
                    params[label] = search.cv_results_["params"]
            same = all(p == params["n_jobs=1"] for p in params.values())
            med = {k: statistics.median(v) for k, v in times.items()}
            rows.append((name, len(params["n_jobs=1"]), med, same))
    finally:
        client.close()
        cluster.close()

    print(f"\nWall time, median of {repeats} run(s), seconds (2-core machine)\n")
    print(
        "| search | candidates | n_jobs=1 | n_jobs=2 | dask 2 workers | "
        "speed-up n_jobs=2 | speed-up dask | same candidates |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, n, med, same in rows:
        print(
            f"| {name} | {n} | {med['n_jobs=1']:.1f} | {med['n_jobs=2']:.1f} | "
            f"{med['dask 2 workers']:.1f} | {med['n_jobs=1'] / med['n_jobs=2']:.2f}x | "
            f"{med['n_jobs=1'] / med['dask 2 workers']:.2f}x | {same} |"
        )


if __name__ == "__main__":
    main()
