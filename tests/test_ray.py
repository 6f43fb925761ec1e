"""The public searches under Ray's joblib backend (the optional ``ray`` extra).

One local Ray instance, started once for the module, stands in for a
cluster. Every test is skipped where ``ray`` is not installed.
"""

import os

import numpy as np
import pytest

import sklearn_hypersearch
from tests._helpers import QuadraticClassifier, toy_data
from tests.test_common import SEARCHES, SPACE, make

PUBLIC = sklearn_hypersearch.__all__
PUBLIC_SEARCHES = [cls for cls in SEARCHES if cls.__name__ in PUBLIC]

# Keep the test instance on this machine: Ray reports usage statistics to
# its developers unless told not to, and on Linux it binds its services to
# the machine's address; RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 makes it use
# the loopback address as it does on macOS. The second variable is read
# when ray is imported, so both are set before the import.
LOCAL_ONLY = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


@pytest.fixture(scope="module")
def ray_backend():
    from joblib.pool import PicklingPool

    with pytest.MonkeyPatch.context() as env:
        for name, value in LOCAL_ONLY.items():
            env.setenv(name, value)
        ray = pytest.importorskip("ray")
        from ray.util.joblib import register_ray

        ray.init(
            address="local", num_cpus=2, include_dashboard=False, log_to_driver=False
        )
    register_ray()
    # The ray backend re-bases joblib's PicklingPool on Ray's Pool for good;
    # undo that so the "multiprocessing" backend stays itself in later tests.
    bases = PicklingPool.__bases__
    yield
    ray.shutdown()
    PicklingPool.__bases__ = bases


class PidClassifier(QuadraticClassifier):
    """Appends a line to ``pid_dir/<pid>`` at every fit, then fits as usual."""

    def __init__(self, x=0.0, flag=False, pid_dir=None):
        super().__init__(x=x, flag=flag)
        self.pid_dir = pid_dir

    def fit(self, X, y):
        with open(os.path.join(self.pid_dir, str(os.getpid())), "a") as f:
            f.write(f"{self.x!r}\n")
        return super().fit(X, y)


def _fits_per_process(pid_dir):
    counts = {}
    for name in os.listdir(pid_dir):
        with open(os.path.join(pid_dir, name)) as f:
            counts[int(name)] = sum(1 for _ in f)
    return counts


@pytest.mark.parametrize("cls", PUBLIC_SEARCHES, ids=lambda c: c.__name__)
def test_ray_backend_gives_the_same_search(cls, ray_backend, tmp_path):
    from joblib import parallel_backend

    X, y = toy_data()
    local = make(cls, QuadraticClassifier(), SPACE).fit(X, y)
    with parallel_backend("ray"):
        on_ray = make(cls, PidClassifier(pid_dir=str(tmp_path)), SPACE, n_jobs=-1)
        on_ray.fit(X, y)

    assert on_ray.cv_results_["params"] == local.cv_results_["params"]
    np.testing.assert_array_equal(
        on_ray.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert on_ray.best_params_ == local.best_params_
    assert on_ray.best_index_ == local.best_index_

    # Every cross-validation fit ran in a Ray worker; only the refit of the
    # best candidate ran here, in the process that called fit.
    fits = _fits_per_process(tmp_path)
    assert fits.pop(os.getpid()) == 1
    n_splits = on_ray.n_splits_
    assert sum(fits.values()) == n_splits * len(on_ray.cv_results_["params"])
