"""Reliability of the driver: failed fits run once, interrupts and kills lose
at most the fits in flight, checkpoints that never crash or lie, bad input
refused before any fit (issue 12)."""

import math
import os
import subprocess
import sys
import textwrap
import warnings
import zlib
from collections import Counter

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.datasets import load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

from sklearn_hypersearch import BayesSearchCV, Integer, Real, Space
from sklearn_hypersearch._search._checkpoint import (
    CheckpointFile,
    decode_line,
    encode_line,
)
from sklearn_hypersearch._strategies import BaseStrategy, Candidate
from tests._helpers import (
    LoggingClassifier,
    QuadraticClassifier,
    RandomSearch,
    toy_data,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPACE = {"x": Real(0.0, 1.0)}


def _lines(path):
    with open(path) as f:
        return f.readlines()


def _rewrite(path, lines):
    with open(path, "w") as f:
        f.writelines(lines)


def _edit_record(path, index, edit):
    """Change record ``index`` of a checkpoint and give it a valid checksum."""
    lines = _lines(path)
    record = decode_line(lines[index])
    edit(record)
    lines[index] = encode_line(record)
    _rewrite(path, lines)


@pytest.fixture
def fit_log():
    QuadraticClassifier.fit_log = []
    yield QuadraticClassifier.fit_log
    QuadraticClassifier.fit_log = []


class _Scripted(BaseStrategy):
    """Proposes fixed batches, then nothing."""

    batches = []

    def __init__(self, space, random_state=None):
        super().__init__(space, random_state)
        self._left = [list(b) for b in self.batches]

    def _ask(self, n):
        return [Candidate(p) for p in self._left.pop(0)] if self._left else []


class ScriptedSearch(RandomSearch):
    def _make_strategy(self, space, random_state):
        return _Scripted(space, random_state)


# -- 1. estimator choices in several subspaces ----------------------------------
def test_resume_with_estimator_choices_in_two_subspaces(tmp_path):
    X, y = load_iris(return_X_y=True)
    space = [
        {"clf": [LogisticRegression(max_iter=200)], "clf__C": Real(0.01, 10, log=True)},
        {"clf": [DecisionTreeClassifier()], "clf__max_depth": Integer(1, 5)},
    ]
    ckpt = str(tmp_path / "search.jsonl")

    def search():
        return BayesSearchCV(
            Pipeline([("clf", LogisticRegression())]),
            space,
            n_iter=6,
            n_initial_points=4,
            cv=3,
            random_state=0,
            checkpoint=ckpt,
        )

    first = search().fit(X, y)
    again = search().fit(X, y)
    assert len(again.cv_results_["params"]) == 6
    assert all(again.cv_results_["restored"])
    assert [repr(p) for p in again.cv_results_["params"]] == [
        repr(p) for p in first.cv_results_["params"]
    ]
    assert repr(again.best_params_) == repr(first.best_params_)


# -- 2. a checkpoint for another search is refused ------------------------------
@pytest.mark.parametrize(
    "first, second, match",
    [
        (
            dict(param_distributions={"x": norm(loc=0.3, scale=0.1)}),
            dict(param_distributions={"x": norm(loc=50, scale=0.1)}),
            "different search space",
        ),
        (
            dict(return_train_score=False),
            dict(return_train_score=True),
            "different return_train_score",
        ),
        (
            dict(cv=KFold(2, shuffle=True, random_state=0)),
            dict(cv=KFold(2, shuffle=True, random_state=1)),
            "different CV splits",
        ),
        (dict(random_state=0), dict(random_state=1), "'random_state'"),
        (dict(batch_size=3), dict(batch_size=2), "'batch_size'"),
        (dict(error_score=np.nan), dict(error_score=-1.0), "error_score"),
    ],
)
def test_checkpoint_of_another_search_is_refused(tmp_path, first, second, match):
    X, y = toy_data()
    ckpt = str(tmp_path / "search.jsonl")
    base = dict(param_distributions=SPACE, n_iter=6, batch_size=3, cv=2, random_state=0)
    RandomSearch(QuadraticClassifier(), **{**base, **first}, checkpoint=ckpt).fit(X, y)
    other = RandomSearch(QuadraticClassifier(), **{**base, **second}, checkpoint=ckpt)
    with pytest.raises(ValueError, match=match):
        other.fit(X, y)


def test_a_larger_budget_resumes(tmp_path, fit_log):
    X, y = toy_data()
    ckpt = str(tmp_path / "search.jsonl")
    kw = dict(batch_size=3, cv=2, random_state=0, checkpoint=ckpt)
    est = QuadraticClassifier(log_fits=True)
    RandomSearch(est, SPACE, n_iter=6, **kw).fit(X, y)
    fit_log.clear()
    more = RandomSearch(est, SPACE, n_iter=9, **kw).fit(X, y)
    plain = RandomSearch(est, SPACE, n_iter=9, batch_size=3, cv=2, random_state=0)
    assert more.cv_results_["params"] == plain.fit(X, y).cv_results_["params"]
    assert list(more.cv_results_["restored"]) == [True] * 6 + [False] * 3


# -- 3. failed fits run once -------------------------------------------------------
def test_every_fit_failing_stops_early_and_fits_each_candidate_once(fit_log):
    X, y = toy_data()
    search = BayesSearchCV(
        QuadraticClassifier(fail_above=-1.0, log_fits=True),
        {"x": Real(0.0, 1.0), "flag": [True, False]},
        n_iter=10,
        cv=3,
        random_state=0,
    )
    with pytest.raises(ValueError, match="is above fail_above"):
        search.fit(X, y)
    # each candidate at most once per split, and well before the budget
    assert max(Counter(fit_log).values()) <= 3
    assert len(fit_log) < 10 * 3


class _NoFitParams(QuadraticClassifier):
    """Logs each fit, then refuses any fit parameter (as scikit-optimize's
    ``fit(X, y, callback=...)`` reaches an estimator that takes none)."""

    def fit(self, X, y, **fit_params):
        type(self).fit_log.append(self.x)
        if fit_params:
            raise TypeError(f"fit() got an unexpected keyword argument {fit_params}")
        return super().fit(X, y)


def test_a_fit_parameter_that_breaks_every_fit_is_raised_early(fit_log):
    X, y = toy_data()
    search = RandomSearch(
        _NoFitParams(), SPACE, n_iter=40, batch_size=2, cv=3, random_state=0
    )
    with pytest.raises(ValueError, match="unexpected keyword argument {'bogus': 1}"):
        search.fit(X, y, bogus=1)
    # a few candidates show that nothing can succeed: not all 40 are tried
    assert 5 * 3 <= len(fit_log) <= 10 * 3
    assert max(Counter(fit_log).values()) == 3
    search.set_params(error_score="raise")
    with pytest.raises(TypeError, match="bogus"):
        search.fit(X, y, bogus=1)


@pytest.mark.parametrize("batch_size", [1, 4])
def test_some_failing_candidates_are_fitted_once(fit_log, batch_size):
    X, y = toy_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        search = RandomSearch(
            QuadraticClassifier(fail_above=0.5, log_fits=True),
            SPACE,
            n_iter=10,
            batch_size=batch_size,
            cv=3,
            random_state=0,
        ).fit(X, y)
    xs = [p["x"] for p in search.cv_results_["params"]]
    assert len(xs) == 10 and any(x > 0.5 for x in xs) and any(x <= 0.5 for x in xs)
    # 10 candidates x 3 splits, and the refit
    assert len(fit_log) == 10 * 3 + 1
    assert Counter(fit_log)[search.best_params_["x"]] == 3 + 1


def test_one_warning_per_failing_batch_with_the_estimators_message():
    X, y = toy_data()
    _Scripted.batches = [
        [{"x": 0.1}, {"x": 0.9}],  # one of two fails
        [{"x": 0.2}, {"x": 0.3}],  # none fails
        [{"x": 0.8}, {"x": 0.7}],  # both fail: scikit-learn refuses the call
    ]
    with pytest.warns(FitFailedWarning) as record:
        search = ScriptedSearch(
            QuadraticClassifier(fail_above=0.5), SPACE, n_iter=6, cv=3
        ).fit(X, y)
    messages = [str(w.message) for w in record if w.category is FitFailedWarning]
    assert len(messages) == 2
    assert messages[0].startswith("3 of the 6 fits of a batch failed")
    assert messages[1].startswith("6 of the 6 fits of a batch failed")
    assert "x=0.9 is above fail_above=0.5" in messages[0]
    assert "x=0.8 is above fail_above=0.5' (3 fits)" in messages[1]
    assert "x=0.7 is above fail_above=0.5' (3 fits)" in messages[1]
    # the failing last batch is in cv_results_, in order
    assert [p["x"] for p in search.cv_results_["params"]] == [
        0.1,
        0.9,
        0.2,
        0.3,
        0.8,
        0.7,
    ]
    scores = search.cv_results_["mean_test_score"]
    assert np.isnan(scores[[1, 4, 5]]).all() and np.isfinite(scores[[0, 2, 3]]).all()
    assert search.best_params_ == {"x": 0.3}


def test_a_region_that_fails_does_not_stop_the_search():
    # the first candidates all fail, but they share a narrow region of x
    X, y = toy_data()
    _Scripted.batches = [[{"x": 0.9 + 0.01 * i}] for i in range(8)] + [[{"x": 0.2}]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        search = ScriptedSearch(
            QuadraticClassifier(fail_above=0.5), SPACE, n_iter=9, cv=2
        ).fit(X, y)
    assert len(search.cv_results_["params"]) == 9
    assert search.best_params_ == {"x": 0.2}


# -- 4. restored rows are checked, never trusted as written ----------------------
@pytest.fixture
def written(tmp_path):
    X, y = toy_data()
    ckpt = str(tmp_path / "search.jsonl")
    kw = dict(n_iter=6, batch_size=3, cv=2, random_state=0, checkpoint=ckpt)
    RandomSearch(QuadraticClassifier(), SPACE, **kw).fit(X, y)
    return ckpt, kw, X, y


def _resume(written):
    ckpt, kw, X, y = written
    return RandomSearch(QuadraticClassifier(), SPACE, **kw).fit(X, y)


def test_an_injected_parameter_is_refused(written):
    def inject(record):
        record["candidates"][0]["params"]["note"] = "INJECTED"
        record["outs"][0][0]["test_scores"] = 1e9

    _edit_record(written[0], 1, inject)
    with pytest.raises(ValueError, match=r"line 2: .*unknown: \['note'\]"):
        _resume(written)


def test_an_out_of_space_value_is_refused(written):
    def move(record):
        record["candidates"][1]["params"]["x"] = 7.0

    _edit_record(written[0], 2, move)
    with pytest.raises(ValueError, match=r"line 3: candidate 1: x=7.0 is outside"):
        _resume(written)


def test_an_edited_line_without_a_valid_checksum_is_refused(written):
    lines = _lines(written[0])
    lines[1] = lines[1].replace('"x":0.', '"x":0.9', 1)
    _rewrite(written[0], lines)
    with pytest.raises(ValueError, match="line 2: its checksum does not match"):
        _resume(written)


def test_a_missing_split_record_is_refused(written):
    _edit_record(written[0], 1, lambda r: r["outs"][0].pop())
    with pytest.raises(ValueError, match="line 2: candidate 0 has 1 split records"):
        _resume(written)


def test_a_duplicated_line_is_refused(written):
    lines = _lines(written[0])
    _rewrite(written[0], lines + [lines[1]])
    with pytest.raises(
        ValueError, match="line 4: it records again a candidate of line 2"
    ):
        _resume(written)


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda r: r.pop("outs"), "one list of split records per candidate"),
        (lambda r: r["candidates"][0].pop("subspace"), "no valid subspace index"),
        (lambda r: r["candidates"][0].update(budget="big"), "invalid budget"),
        (lambda r: r["outs"][0][0].pop("fit_time"), "has the keys"),
        (lambda r: r["outs"][0][0].update(n_test_samples=3), "test samples"),
        (lambda r: r["outs"][0][0].update(test_scores="high"), "not a number"),
        (lambda r: r.update(type="party"), "unknown record type"),
    ],
)
def test_edited_records_are_refused_with_file_and_line(written, edit, match):
    _edit_record(written[0], 1, edit)
    with pytest.raises(ValueError, match=rf"search.jsonl', line 2: .*{match}"):
        _resume(written)


def test_corrupt_bytes_and_deep_nesting_are_refused(written):
    lines = _lines(written[0])
    with open(written[0], "wb") as f:
        f.write(lines[0].encode() + b"\xff\xfe garbage\n" + lines[2].encode())
    with pytest.raises(ValueError, match="line 2: it is not UTF-8 text"):
        _resume(written)
    deep = '{"type":"call","candidates":' + "[" * 100_000 + "]" * 100_000 + "}"
    crc = zlib.crc32(deep.encode())
    _rewrite(written[0], [lines[0], f'{deep[:-1]},"crc":"{crc:08x}"}}\n'])
    with pytest.raises(ValueError, match="line 2: it is not valid JSON"):
        _resume(written)


def test_a_checkpoint_of_an_older_format_is_refused(written):
    lines = _lines(written[0])
    _edit_record(written[0], 0, lambda r: r.update(version=1))
    with pytest.raises(ValueError, match="format 1"):
        _resume(written)
    _rewrite(written[0], lines)
    assert len(_resume(written).cv_results_["params"]) == 6


def test_a_second_search_on_the_same_checkpoint_is_refused(written):
    held = CheckpointFile(written[0])
    try:
        with pytest.raises(ValueError, match="in use by another search"):
            _resume(written)
    finally:
        held.close()
    assert len(_resume(written).cv_results_["params"]) == 6  # released


def test_an_unwritable_checkpoint_is_refused_before_any_fit(tmp_path, fit_log):
    X, y = toy_data()
    search = RandomSearch(
        QuadraticClassifier(log_fits=True),
        SPACE,
        n_iter=4,
        cv=2,
        checkpoint=str(tmp_path / "no-such-dir" / "search.jsonl"),
    )
    with pytest.raises(ValueError, match="cannot be opened for writing"):
        search.fit(X, y)
    assert fit_log == []


class _BudgetBatch(RandomSearch):
    """batch_size is declared a budget parameter, so it may change on resume."""

    _budget_params = ("n_iter", "batch_size")


def test_a_resume_whose_proposals_differ_never_duplicates_rows(tmp_path, fit_log):
    X, y = toy_data()
    ckpt = str(tmp_path / "search.jsonl")
    est = QuadraticClassifier(log_fits=True)
    kw = dict(n_iter=6, cv=2, random_state=0, checkpoint=ckpt)
    first = _BudgetBatch(est, SPACE, batch_size=3, **kw).fit(X, y)
    fit_log.clear()
    # other batches draw other points: some restored ones do not come again
    with pytest.warns(UserWarning, match=r"did not propose \d of the restored"):
        again = _BudgetBatch(est, SPACE, batch_size=4, **dict(kw, n_iter=10)).fit(X, y)
    params = [p["x"] for p in again.cv_results_["params"]]
    assert len(params) == len(set(params)) == 10  # restored, then 4 new
    assert params[:6] == [p["x"] for p in first.cv_results_["params"]]
    # only the 4 new points were fitted (2 splits each), then the refit
    assert len(fit_log) == 4 * 2 + 1


# -- 5. interrupts and kills lose at most the fits in flight ----------------------
class _InterruptingClassifier(QuadraticClassifier):
    """Raises KeyboardInterrupt (once) at the ``interrupt_at``-th fit."""

    n_fits = 0
    interrupted = False

    def __init__(self, x=0.0, flag=False, interrupt_at=10**9):
        super().__init__(x=x, flag=flag)
        self.interrupt_at = interrupt_at

    def fit(self, X, y):
        cls = type(self)
        cls.n_fits += 1
        if cls.n_fits >= self.interrupt_at and not cls.interrupted:
            cls.interrupted = True
            raise KeyboardInterrupt
        return super().fit(X, y)


def test_ctrl_c_in_a_large_batch_keeps_every_finished_call():
    X, y = toy_data()
    _InterruptingClassifier.n_fits = 0
    _InterruptingClassifier.interrupted = False
    # one batch of 100 candidates x 2 splits: calls of 25 candidates
    search = RandomSearch(
        _InterruptingClassifier(interrupt_at=130),
        SPACE,
        n_iter=100,
        batch_size=100,
        cv=2,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted after 50 candidates"):
        search.fit(X, y)
    assert search.stop_reason_ == "interrupted"
    assert len(search.cv_results_["params"]) == 50
    assert hasattr(search, "best_estimator_")


def test_a_kill_in_a_large_batch_loses_only_the_call_in_flight(tmp_path):
    log, ckpt = tmp_path / "fits.log", tmp_path / "search.jsonl"
    kw = dict(n_iter=100, batch_size=100, cv=2, random_state=0)
    script = textwrap.dedent(
        f"""
        from tests._helpers import LoggingClassifier, RandomSearch, toy_data
        from sklearn_hypersearch import Real
        X, y = toy_data()
        RandomSearch(LoggingClassifier(log_path={str(log)!r}), {{"x": Real(0.0, 1.0)}},
                     checkpoint={str(ckpt)!r}, **{kw!r}).fit(X, y)
        """
    )
    env = {**os.environ, "HS_KILL_AFTER": "130"}
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env)
    assert proc.returncode == -9
    assert len(_lines(ckpt)) == 1 + 2  # header + two calls of 25 candidates
    os.remove(log)
    X, y = toy_data()
    resumed = RandomSearch(
        LoggingClassifier(log_path=str(log)), SPACE, checkpoint=str(ckpt), **kw
    ).fit(X, y)
    assert len(_lines(log)) == 50 * 2 + 1  # the other 50 candidates, the refit
    plain = RandomSearch(QuadraticClassifier(), SPACE, **kw).fit(X, y)
    assert resumed.cv_results_["params"] == plain.cv_results_["params"]


# -- 7. bad input: a clear error before any fit ----------------------------------------
@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(target_score=math.nan), ValueError, "target_score"),
        (dict(target_score=math.inf), ValueError, "target_score"),
        (dict(initial_results={}), ValueError, "initial_results must be a cv_results_"),
        (
            dict(initial_results={"params": [{"x": 0.1}], "mean_test_score": [1, 2]}),
            ValueError,
            "initial_results: 'params' must be a list of dicts",
        ),
        (dict(cv=iter([])), ValueError, "yields no train/test split"),
    ],
)
def test_bad_lifecycle_input_is_refused_before_any_fit(fit_log, params, error, match):
    X, y = toy_data()
    search = RandomSearch(
        QuadraticClassifier(log_fits=True), SPACE, n_iter=4, **{"cv": 2, **params}
    )
    with pytest.raises(error, match=match):
        search.fit(X, y)
    assert fit_log == []


def test_a_generator_of_splits_is_read_once():
    X, y = toy_data()
    splits = ((train, test) for train, test in KFold(3).split(X))
    search = RandomSearch(QuadraticClassifier(), SPACE, n_iter=4, cv=splits).fit(X, y)
    assert search.n_splits_ == 3 and len(search.cv_results_["params"]) == 4


# -- 6. bounded overhead ------------------------------------------------------------
@pytest.mark.parametrize(
    "candidate_params",
    [
        [{"a": 1, "b": "x"}, {"a": 2.5}, {"b": "y", "c": (1, 2)}, {"c": (1,)}],
        [{"h": (10,)}, {"h": (10, 5)}],
        [{"h": (10, 2)}, {"h": (10, 5)}],
        [{"x": True}, {"x": False}, {"x": None}],
        [{"clf": DecisionTreeClassifier(), "a": 1}, {"clf": LogisticRegression()}],
    ],
)
def test_param_columns_are_scikit_learns(candidate_params):
    # the driver builds the param_* columns itself (scikit-learn's cost
    # O(rows) masked assignments at every call): they must be the same
    from sklearn.model_selection._search import _yield_masked_array_for_each_param

    from sklearn_hypersearch._search._base import _param_columns

    ref = dict(_yield_masked_array_for_each_param(candidate_params))
    ours = _param_columns(candidate_params)
    assert ref.keys() == ours.keys()
    for key in ref:
        assert ref[key].dtype == ours[key].dtype
        np.testing.assert_array_equal(ref[key].mask, ours[key].mask)
        kept = ~ref[key].mask
        assert [repr(v) for v in ref[key].data[kept]] == [
            repr(v) for v in ours[key].data[kept]
        ]


def test_a_multi_fidelity_search_warm_starts_another_search():
    # its full-resource rows are told (without the resource parameter): the
    # random strategy then proposes only the points they did not cover
    from sklearn_hypersearch import HyperbandSearchCV
    from tests.test_lifecycle import _CheapLooksGood

    X, y = toy_data()
    grid = {"x": [i / 10 for i in range(1, 10)]}
    hb = HyperbandSearchCV(
        _CheapLooksGood(),
        grid,
        resource="n_units",
        max_resources=9,
        min_resources=1,
        cv=2,
        random_state=0,
    ).fit(X, y)
    full = np.asarray(hb.cv_results_["n_resources"]) == 9
    seen = {p["x"] for p, f in zip(hb.cv_results_["params"], full) if f}
    later = RandomSearch(
        QuadraticClassifier(),
        grid,
        n_iter=9,
        cv=2,
        random_state=0,
        initial_results=hb.cv_results_,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "outside the search space"
        later.fit(X, y)
    assert 0 < len(seen) < 9
    assert {p["x"] for p in later.cv_results_["params"]} == set(grid["x"]) - seen


@pytest.mark.parametrize("space", [Space({"x": Real(0.0, 1.0)}), "x"])
def test_every_class_takes_a_space_object_and_names_a_bad_space(space):
    from tests.test_common import SEARCHES, make

    X, y = toy_data()
    for cls in SEARCHES:
        search = make(cls, QuadraticClassifier(), space)
        if isinstance(space, str):
            with pytest.raises(TypeError, match="param_distributions: A search space"):
                search.fit(X, y)
        else:
            assert len(search.fit(X, y).cv_results_["params"]) >= 2
