"""A short demo: tune an SVC on the digits dataset with BayesSearchCV.

Run it with ``python -m sklearn_hypersearch.demo``. It prints the best
cross-validated accuracy, the parameters that gave it, the held-out accuracy
and the time taken, next to ``RandomizedSearchCV`` with the same budget.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time

from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.svm import SVC

from sklearn_hypersearch import BayesSearchCV


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-iter", type=int, default=20, help="candidates per search")
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    space = {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1)}
    print(
        f"Tuning SVC on digits ({len(X_train)} training samples), "
        f"{args.n_iter} candidates per search:"
    )
    for name, search in [
        (
            "BayesSearchCV",
            BayesSearchCV(
                SVC(),
                space,
                n_iter=args.n_iter,
                cv=3,
                n_jobs=args.n_jobs,
                random_state=args.random_state,
            ),
        ),
        (
            "RandomizedSearchCV",
            RandomizedSearchCV(
                SVC(),
                space,
                n_iter=args.n_iter,
                cv=3,
                n_jobs=args.n_jobs,
                random_state=args.random_state,
            ),
        ),
    ]:
        start = time.perf_counter()
        search.fit(X_train, y_train)
        elapsed = time.perf_counter() - start
        params = ", ".join(
            f"{k}={v:.4g}" for k, v in sorted(search.best_params_.items())
        )
        print(
            f"  {name:<19} best CV accuracy {search.best_score_:.4f}  "
            f"test accuracy {search.score(X_test, y_test):.4f}  "
            f"time {elapsed:.1f}s  best params: {params}"
        )


if __name__ == "__main__":
    main()
