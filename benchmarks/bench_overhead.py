"""The search's own cost: overhead per candidate, and very large warm starts.

An estimator whose fit and score take no time isolates what a search costs
beyond the fits (the strategy's proposals, scikit-learn's
``evaluate_candidates``, bookkeeping). Three measurements, each in its own
process (``/usr/bin/time``-style peak memory from ``resource``):

1. overhead per candidate of a ``BayesSearchCV`` with ``n_iter=1000``
   (``cv=2``, one candidate per round, the defaults otherwise): the wall time
   between consecutive candidates, median over a window of 20 candidates
   around 50, 100, 200, 500 and 1000, and the ratio to the window at 100
   (target: at most 2 at 1000);
2. 50 cheap ``LogisticRegression`` candidates on iris against
   ``RandomizedSearchCV`` (target: at most 1.25x its wall time);
3. ``initial_results`` with 20,000 rows plus 3 new candidates: wall time
   and peak memory (targets: under 60 s and under 2 GB).

Usage::

    python benchmarks/bench_overhead.py          # full: 1000 candidates, 20,000 rows
    python benchmarks/bench_overhead.py --quick  # 250 candidates, 5,000 rows (CI)
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPACE_DOC = "a: Real(0, 1), b: Real(0, 1), c: ['x', 'y']"


class Instant(ClassifierMixin, BaseEstimator):
    """Fits in no time; the score is a known function of its parameters."""

    stamps = []

    def __init__(self, a=0.0, b=0.0, c="x"):
        self.a, self.b, self.c = a, b, c

    def fit(self, X, y):
        type(self).stamps.append(time.perf_counter())
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)

    def score(self, X, y):
        return -((self.a - 0.3) ** 2) - (self.b - 0.6) ** 2 - 0.1 * (self.c == "y")


def _space():
    from sklearn_hypersearch import Real

    return {"a": Real(0.0, 1.0), "b": Real(0.0, 1.0), "c": ["x", "y"]}


def _data():
    return np.zeros((20, 1)), np.arange(20) % 2


def overhead(n_iter):
    from sklearn_hypersearch import BayesSearchCV

    X, y = _data()
    Instant.stamps = []
    start = time.perf_counter()
    BayesSearchCV(
        Instant(),
        _space(),
        n_iter=n_iter,
        n_points=1,
        cv=2,
        random_state=0,
        refit=False,
    ).fit(X, y)
    total = time.perf_counter() - start
    first_fit = np.array(Instant.stamps[::2])  # 2 splits per candidate
    gaps = np.diff(first_fit)
    out = {"total": total}
    for at in (50, 100, 200, 500, 1000):
        if at <= len(gaps) + 1:
            window = gaps[max(0, at - 11) : min(len(gaps), at + 9)]
            out[str(at)] = float(np.median(window))
    return out


def warm_start(n_rows):
    from sklearn_hypersearch import BayesSearchCV

    rng = np.random.default_rng(0)
    params = [
        {"a": float(a), "b": float(b), "c": str(c)}
        for a, b, c in zip(
            rng.uniform(size=n_rows),
            rng.uniform(size=n_rows),
            rng.choice(["x", "y"], n_rows),
        )
    ]
    scores = [Instant(**p).score(None, None) for p in params]
    X, y = _data()
    start = time.perf_counter()
    search = BayesSearchCV(
        Instant(),
        _space(),
        n_iter=3,
        cv=2,
        random_state=0,
        initial_results={"params": params, "mean_test_score": scores},
    ).fit(X, y)
    return {
        "seconds": time.perf_counter() - start,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
        "proposed_by": list(search.cv_results_["proposed_by"]),
    }


def logistic_vs_random(n_iter=50, repeats=3):
    """Wall time of ``n_iter`` cheap ``LogisticRegression`` candidates on iris
    (``C`` log-uniform in [1e-3, 1e3], ``cv=5``, ``n_jobs=1``): ours against
    ``RandomizedSearchCV``, alternating, median of ``repeats`` (target:
    ratio at most 1.25)."""
    import warnings

    from scipy.stats import loguniform
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RandomizedSearchCV

    from sklearn_hypersearch import BayesSearchCV, Real

    X, y = load_iris(return_X_y=True)
    est = LogisticRegression(max_iter=200)
    times = {"ours": [], "random": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(repeats):
            for name in ("random", "ours"):
                if name == "ours":
                    search = BayesSearchCV(
                        est,
                        {"C": Real(1e-3, 1e3, prior="log-uniform")},
                        n_iter=n_iter,
                        cv=5,
                        random_state=seed,
                    )
                else:
                    search = RandomizedSearchCV(
                        est,
                        {"C": loguniform(1e-3, 1e3)},
                        n_iter=n_iter,
                        cv=5,
                        random_state=seed,
                    )
                start = time.perf_counter()
                search.fit(X, y)
                times[name].append(time.perf_counter() - start)
    return {k: sorted(v) for k, v in times.items()}


def _child(what, n):
    env = {**os.environ, "PYTHONPATH": ROOT, "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", what, str(n)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args(argv)
    if args.child:
        what, n = args.child
        if what == "overhead":
            result = overhead(int(n))
        elif what == "logistic":
            result = logistic_vs_random(int(n))
        else:
            result = warm_start(int(n))
        print(json.dumps(result))
        return
    n_iter, n_rows = (250, 5000) if args.quick else (1000, 20000)
    curve = _child("overhead", n_iter)
    base = curve["100"]
    print(
        f"Overhead per candidate, BayesSearchCV(n_iter={n_iter}, cv=2), "
        f"instant estimator ({SPACE_DOC}); total {curve['total']:.1f} s\n"
    )
    print("| candidates | overhead per candidate | ratio to 100 |")
    print("|---|---|---|")
    for at in ("50", "100", "200", "500", "1000"):
        if at in curve:
            print(f"| {at} | {1000 * curve[at]:.1f} ms | {curve[at] / base:.2f} |")
    lr = _child("logistic", 50)
    ours, peer = np.median(lr["ours"]), np.median(lr["random"])
    print(
        f"\n50 LogisticRegression candidates on iris (cv=5, n_jobs=1), wall s, "
        f"median of {len(lr['ours'])}: BayesSearchCV {ours:.2f} "
        f"[{lr['ours'][0]:.2f}, {lr['ours'][-1]:.2f}], RandomizedSearchCV "
        f"{peer:.2f} [{lr['random'][0]:.2f}, {lr['random'][-1]:.2f}]; "
        f"ratio {ours / peer:.2f}"
    )
    warm = _child("warm", n_rows)
    print(
        f"\ninitial_results with {n_rows} rows + 3 candidates: "
        f"{warm['seconds']:.1f} s, peak memory {warm['peak_gb']:.2f} GB, "
        f"the 3 proposed by {warm['proposed_by']}"
    )


if __name__ == "__main__":
    main()
