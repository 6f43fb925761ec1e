"""Run a search on a dask cluster through joblib's dask backend.

A LocalCluster with two worker processes stands in for a real cluster:
replace it by ``Client("scheduler-address:8786")`` to use one. Only the
fits run on the workers; the search draws its candidates in this process,
so it proposes the same candidates as with the default backend.
"""

from joblib import parallel_backend
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from sklearn_hypersearch import BayesSearchCV

if __name__ == "__main__":  # worker processes import this file too
    from distributed import Client, LocalCluster

    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    space = {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1)}

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    )
    client = Client(cluster)  # joblib's dask backend sends work to this client
    search = BayesSearchCV(
        SVC(), space, n_iter=8, n_points=4, cv=3, n_jobs=-1, random_state=0
    )
    with parallel_backend("dask"):
        search.fit(X, y)
    print(f"dask: best CV accuracy {search.best_score_:.4f}")
    client.close()
    cluster.close()

    local = BayesSearchCV(SVC(), space, n_iter=8, n_points=4, cv=3, random_state=0)
    local.fit(X, y)
    same = search.cv_results_["params"] == local.cv_results_["params"]
    print(f"same candidates as without dask: {same}")
