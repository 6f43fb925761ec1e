"""Run a search on a Ray cluster through Ray's joblib backend.

A local Ray instance with two CPUs stands in for a real cluster: replace
``ray.init(address="local", ...)`` by ``ray.init(address="head-address:6379")``
to use one. Only the fits run in Ray's workers; the search draws its
candidates in this process, so it proposes the same candidates as with the
default backend.
"""

import os

from joblib import parallel_backend
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from sklearn_hypersearch import BayesSearchCV

if __name__ == "__main__":
    # Keep the stand-in instance on this machine: send Ray no usage
    # statistics, and listen on 127.0.0.1 rather than the machine's address
    # (read when ray is imported). Leave both out to connect to a cluster.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    import ray
    from ray.util.joblib import register_ray

    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    space = {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1)}

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    register_ray()  # makes joblib's "ray" backend available
    search = BayesSearchCV(
        SVC(), space, n_iter=8, n_points=4, cv=3, n_jobs=-1, random_state=0
    )
    with parallel_backend("ray"):
        search.fit(X, y)
    print(f"ray: best CV accuracy {search.best_score_:.4f}")
    ray.shutdown()

    local = BayesSearchCV(SVC(), space, n_iter=8, n_points=4, cv=3, random_state=0)
    local.fit(X, y)
    same = search.cv_results_["params"] == local.cv_results_["params"]
    print(f"same candidates as without ray: {same}")
