"""Checkpoints, resuming after a crash, warm starts, and dask backends."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from sklearn_hypersearch import Real
from tests._helpers import (
    LoggingClassifier,
    QuadraticClassifier,
    RandomSearch,
    toy_data,
)
from tests.test_common import SEARCHES, SPACE, make

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KW = dict(n_iter=12, batch_size=3, cv=2, random_state=0)


def _fits(log_path):
    with open(log_path) as f:
        return [float(line) for line in f]


def test_search_killed_mid_batch_resumes_without_refitting(tmp_path):
    log, ckpt = tmp_path / "fits.log", tmp_path / "search.jsonl"
    script = textwrap.dedent(
        f"""
        from tests._helpers import LoggingClassifier, RandomSearch, toy_data
        from sklearn_hypersearch import Real
        X, y = toy_data()
        RandomSearch(LoggingClassifier(log_path={str(log)!r}), {{"x": Real(0.0, 1.0)}},
                     checkpoint={str(ckpt)!r}, **{KW!r}).fit(X, y)
        """
    )
    # 15 fits = 2 whole batches of 3 candidates x 2 splits, then half a batch
    env = {**os.environ, "HS_KILL_AFTER": "15"}
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env)
    assert proc.returncode == -9  # SIGKILL
    assert len(_fits(log)) == 15
    with open(ckpt) as f:
        assert sum(1 for _ in f) == 1 + 2  # header + 2 batches

    X, y = toy_data()
    os.remove(log)
    resumed = RandomSearch(
        LoggingClassifier(log_path=str(log)),
        {"x": Real(0.0, 1.0)},
        checkpoint=str(ckpt),
        **KW,
    ).fit(X, y)
    # 6 restored candidates are not refitted: 6 new ones x 2 splits + refit
    assert len(_fits(log)) == 6 * 2 + 1
    assert list(resumed.cv_results_["restored"]) == [True] * 6 + [False] * 6

    plain_log = tmp_path / "plain.log"
    plain = RandomSearch(
        LoggingClassifier(log_path=str(plain_log)), {"x": Real(0.0, 1.0)}, **KW
    ).fit(X, y)
    # same candidates, same scores as the uninterrupted search
    assert resumed.cv_results_["params"] == plain.cv_results_["params"]
    np.testing.assert_allclose(
        resumed.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )
    assert resumed.best_params_ == plain.best_params_


def test_truncated_last_line_is_ignored(tmp_path):
    X, y = toy_data()
    ckpt = tmp_path / "search.jsonl"
    first = RandomSearch(QuadraticClassifier(), SPACE, checkpoint=str(ckpt), **KW)
    first.set_params(n_iter=6).fit(X, y)
    with open(ckpt) as f:
        lines = f.readlines()
    assert len(lines) == 3
    with open(ckpt, "w") as f:
        f.writelines(lines[:2])
        f.write(lines[2][: len(lines[2]) // 2])  # killed while writing
    with pytest.warns(UserWarning, match="cut short"):
        again = RandomSearch(QuadraticClassifier(), SPACE, checkpoint=str(ckpt), **KW)
        again.fit(X, y)
    assert int(np.sum(again.cv_results_["restored"])) == 3
    assert len(again.cv_results_["params"]) == 12
    assert again.cv_results_["params"][:6] == first.cv_results_["params"]
    with open(ckpt) as f:
        assert all(json.loads(line) for line in f)  # repaired, then appended


def test_corrupt_line_in_the_middle_is_refused(tmp_path):
    X, y = toy_data()
    ckpt = tmp_path / "search.jsonl"
    RandomSearch(QuadraticClassifier(), SPACE, checkpoint=str(ckpt), **KW).fit(X, y)
    with open(ckpt) as f:
        lines = f.readlines()
    lines[1] = "{broken\n"
    with open(ckpt, "w") as f:
        f.writelines(lines)
    with pytest.raises(ValueError, match="line 2: it has no checksum"):
        RandomSearch(QuadraticClassifier(), SPACE, checkpoint=str(ckpt), **KW).fit(X, y)


@pytest.mark.parametrize(
    "change, match",
    [
        ({"param_distributions": {"x": Real(0.0, 2.0)}}, "different search space"),
        ({"estimator": QuadraticClassifier(fail_above=5.0)}, "different estimator"),
        ({"cv": 3}, "different CV splits"),
        ({"scoring": "accuracy"}, "different scoring"),
    ],
)
def test_mismatched_checkpoint_is_refused(tmp_path, change, match):
    X, y = toy_data()
    ckpt = str(tmp_path / "search.jsonl")
    RandomSearch(
        QuadraticClassifier(), {"x": Real(0.0, 1.0)}, checkpoint=ckpt, **KW
    ).fit(X, y)
    other = RandomSearch(
        QuadraticClassifier(), {"x": Real(0.0, 1.0)}, checkpoint=ckpt, **KW
    )
    other.set_params(**change)
    with pytest.raises(ValueError, match=match):
        other.fit(X, y)


def test_checkpoint_of_other_data_is_refused(tmp_path):
    X, y = toy_data()
    ckpt = str(tmp_path / "search.jsonl")
    RandomSearch(QuadraticClassifier(), SPACE, checkpoint=ckpt, **KW).fit(X, y)
    with pytest.raises(ValueError, match="different training data"):
        RandomSearch(QuadraticClassifier(), SPACE, checkpoint=ckpt, **KW).fit(X + 1, y)


def test_resuming_a_finished_search_refits_nothing_but_the_best(tmp_path):
    X, y = toy_data()
    ckpt, log = str(tmp_path / "search.jsonl"), str(tmp_path / "fits.log")
    est = LoggingClassifier(log_path=log)
    first = RandomSearch(est, {"x": Real(0.0, 1.0)}, checkpoint=ckpt, **KW).fit(X, y)
    os.remove(log)
    again = RandomSearch(est, {"x": Real(0.0, 1.0)}, checkpoint=ckpt, **KW).fit(X, y)
    assert len(_fits(log)) == 1  # the refit; no candidate is fitted again
    assert again.cv_results_["params"] == first.cv_results_["params"]
    assert again.best_params_ == first.best_params_


def test_estimator_choices_survive_a_checkpoint(tmp_path):
    X, y = toy_data()
    ckpt = str(tmp_path / "search.jsonl")
    space = {"x": [QuadraticClassifier(x=0.1), QuadraticClassifier(x=0.3)]}
    from sklearn.pipeline import Pipeline

    pipe = Pipeline([("x", QuadraticClassifier())])
    kw = dict(KW, n_iter=2)
    first = RandomSearch(pipe, space, checkpoint=ckpt, **kw).fit(X, y)
    again = RandomSearch(pipe, space, checkpoint=ckpt, **kw).fit(X, y)
    assert [p["x"].x for p in again.cv_results_["params"]] == [
        p["x"].x for p in first.cv_results_["params"]
    ]


def test_initial_results_warm_start_the_strategy(tmp_path):
    X, y = toy_data()
    grid = {"x": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}
    earlier = RandomSearch(QuadraticClassifier(), grid, n_iter=3, cv=2, random_state=0)
    earlier.fit(X, y)
    seen = {p["x"] for p in earlier.cv_results_["params"]}
    later = RandomSearch(
        QuadraticClassifier(),
        grid,
        n_iter=6,
        cv=2,
        random_state=0,
        initial_results=earlier.cv_results_,
    ).fit(X, y)
    # the random strategy never proposes what it was told: only the rest
    assert {p["x"] for p in later.cv_results_["params"]} == {
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
    } - seen
    assert later.stop_reason_ == "exhausted"

    ckpt = str(tmp_path / "earlier.jsonl")
    RandomSearch(
        QuadraticClassifier(), grid, n_iter=3, cv=2, random_state=0, checkpoint=ckpt
    ).fit(X, y)
    from_file = RandomSearch(
        QuadraticClassifier(),
        grid,
        n_iter=6,
        cv=2,
        random_state=0,
        initial_results=ckpt,
    ).fit(X, y)
    assert {p["x"] for p in from_file.cv_results_["params"]} == {
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
    } - seen


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        processes=True,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_dask_backend_gives_the_same_candidates(cls, dask_client):
    from joblib import parallel_backend

    X, y = toy_data()
    local = make(cls, QuadraticClassifier(), SPACE).fit(X, y)
    with parallel_backend("dask"):
        on_dask = make(cls, QuadraticClassifier(), SPACE, n_jobs=-1).fit(X, y)
    assert on_dask.cv_results_["params"] == local.cv_results_["params"]
    np.testing.assert_allclose(
        on_dask.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


class _CheapLooksGood(QuadraticClassifier):
    """Scores 1.0 whenever it is fitted with fewer than 9 units."""

    def __init__(self, x=0.0, flag=False, n_units=9):
        super().__init__(x=x, flag=flag)
        self.n_units = n_units

    def score(self, X, y, sample_weight=None):
        return 1.0 if self.n_units < 9 else super().score(X, y)


def test_low_budget_scores_do_not_stop_a_multi_fidelity_search():
    from sklearn_hypersearch import HyperbandSearchCV

    X, y = toy_data()
    kw = dict(
        resource="n_units",
        max_resources=9,
        min_resources=1,
        factor=3,
        cv=2,
        random_state=0,
    )
    full = HyperbandSearchCV(_CheapLooksGood(), {"x": Real(0.0, 1.0)}, **kw).fit(X, y)
    stopped = HyperbandSearchCV(
        _CheapLooksGood(), {"x": Real(0.0, 1.0)}, target_score=0.5, **kw
    ).fit(X, y)
    # only full-budget scores (all < 0.5 here) may meet the target
    assert stopped.stop_reason_ != "target_score"
    assert stopped.cv_results_["params"] == full.cv_results_["params"]
