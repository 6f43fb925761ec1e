"""PopulationBasedSearchCV and PopulationBasedStrategy (PBT, PB2)."""

import math
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge, SGDClassifier
from sklearn.model_selection import KFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_hypersearch import (
    Categorical,
    Integer,
    PopulationBasedSearchCV,
    PopulationBasedStrategy,
    Real,
    Space,
)
from sklearn_hypersearch._search import _continuation
from sklearn_hypersearch._search._continuation import CONTINUATIONS
from sklearn_hypersearch._search._pbt import replay_schedule
from sklearn_hypersearch._strategies._pbt import n_exploit, scaled_value
from tests._helpers import QuadraticClassifier, toy_data
from tests.test_lifecycle import dask_client  # noqa: F401 (a fixture)


def _data(n=300):
    return make_classification(n_samples=n, n_features=8, random_state=0)


SGD = dict(learning_rate="invscaling", eta0=0.05, random_state=0)
SGD_SPACE = {"alpha": Real(1e-5, 1e-1, log=True), "eta0": Real(1e-3, 0.5, log=True)}


def _search(estimator=None, space=None, **kw):
    params = dict(population_size=4, n_steps=4, step=2, cv=KFold(3), random_state=0)
    params.update(kw)
    return PopulationBasedSearchCV(
        SGDClassifier(**SGD) if estimator is None else estimator,
        SGD_SPACE if space is None else space,
        **params,
    )


def _where(results):
    return {
        (m, s): r for r, (m, s) in enumerate(zip(results["member"], results["step"]))
    }


# -- the strategy ---------------------------------------------------------------
def test_bottom_quarter_copies_top_quarter():
    strategy = PopulationBasedStrategy(
        {"x": Real(0.0, 1.0)}, random_state=0, population_size=8, n_steps=2
    )
    first = strategy.ask()
    scores = [c.params["x"] for c in first]
    strategy.tell(first, scores)
    second = strategy.ask()
    order = np.argsort(scores)
    bottom, top = set(order[:2]), set(order[-2:])
    for member, cand in enumerate(second):
        parent = cand.tags["parent"]
        if member in bottom:
            assert parent in top
            assert cand.continues is first[parent]
            assert cand.params != first[parent].params  # explored
        else:
            assert parent == member and cand.continues is first[member]
            assert cand.params == first[member].params
        assert cand.budget == 2 and cand.tags["n_resources"] == 2
    assert (
        n_exploit(8, 0.25) == 2 and n_exploit(2, 0.25) == 1 and n_exploit(1, 0.25) == 0
    )


def test_only_perturbable_parameters_change_on_exploring():
    space = {"lr": Real(1e-3, 1.0, log=True), "depth": Integer(1, 9), "k": ["a", "b"]}
    strategy = PopulationBasedStrategy(
        space, random_state=0, population_size=8, n_steps=6, perturb={"lr"}
    )
    rng = np.random.default_rng(0)
    while batch := strategy.ask():
        for cand in batch:
            parent = cand.continues
            if parent is not None:
                assert cand.params["depth"] == parent.params["depth"]
                assert cand.params["k"] == parent.params["k"]
        strategy.tell(batch, rng.uniform(size=len(batch)))
    assert strategy.steps_done == 6


@pytest.mark.parametrize("explore", ["perturb", "pb2"])
def test_explore_stays_inside_the_space(explore):
    space = {
        "lr": Real(1e-3, 1.0, log=True),
        "mom": Real(0.0, 0.99),
        "grid": Real(0.0, 1.0, step=0.25),
        "n": Integer(1, 3),
        "k": Categorical(["a", "b", "c"]),
    }
    check = Space(space)
    strategy = PopulationBasedStrategy(
        space,
        random_state=0,
        population_size=6,
        n_steps=12,
        explore=explore,
        resample_probability=0.0,
        perturb_factors=(0.5, 3.0),
    )
    rng = np.random.default_rng(1)
    n = 0
    while batch := strategy.ask():
        keys = [check.key(c.params) for c in batch]
        assert len(set(keys)) == len(keys)  # one step never repeats a point
        for cand in batch:
            assert check.contains(cand.params), cand.params
            n += 1
        # the largest values score best, so that the bounds are pushed
        strategy.tell(
            batch, [c.params["lr"] + c.params["n"] + rng.uniform() for c in batch]
        )
    assert n == 6 * 12


def test_scaled_value_respects_bounds_grids_and_steps():
    assert scaled_value(Integer(1, 3), 3, 1.2) == 3
    assert scaled_value(Integer(1, 3), 2, 1.2) == 3  # moved by at least one
    assert scaled_value(Integer(1, 3), 2, 0.8) == 1
    assert scaled_value(Integer(0, 100, step=10), 50, 1.2) == 60
    assert scaled_value(Real(0.0, 1.0, step=0.1), 0.5, 1.2) == 0.6
    assert scaled_value(Real(1e-3, 1.0, log=True), 0.9, 1.2) == 1.0
    assert scaled_value(Real(-2.0, 3.0), -1.0, 1.2) == pytest.approx(-1.2)
    assert scaled_value(Categorical(["a", "b", "c"]), "a", 1.2) == "b"
    assert scaled_value(Categorical(["a", "b", "c"]), "c", 1.2) == "b"  # turns back
    assert scaled_value(Categorical(["a", "b", "c"]), "b", 0.8) == "a"
    assert type(scaled_value(Integer(1, 30), 10, 1.2)) is int


def test_pb2_proposes_from_its_model():
    # the gain in a step is largest at lr = 0.3: PB2 goes there, perturb
    # only by factors of 0.8 and 1.2 from where the members start
    def gain(c):
        return -((math.log10(c.params["lr"]) - math.log10(0.3)) ** 2)

    results = {}
    for explore in ("perturb", "pb2"):
        strategy = PopulationBasedStrategy(
            {"lr": Real(1e-4, 1.0, log=True)},
            random_state=3,
            population_size=4,
            n_steps=8,
            explore=explore,
        )
        total = {}
        while batch := strategy.ask():
            for c in batch:
                before = 0.0 if c.continues is None else total[id(c.continues)]
                total[id(c)] = before + gain(c)
            strategy.tell(batch, [total[id(c)] for c in batch])
        last = [c for c, _ in strategy.history[-4:]]
        results[explore] = np.median(
            [abs(math.log10(c.params["lr"] / 0.3)) for c in last]
        )
    assert results["pb2"] < 0.5


def test_strategy_refuses_bad_settings():
    with pytest.raises(ValueError, match="perturb names \\['z'\\]"):
        PopulationBasedStrategy({"x": Real(0.0, 1.0)}, perturb=["z"])
    with pytest.raises(ValueError, match="exploit_fraction"):
        PopulationBasedStrategy({"x": Real(0.0, 1.0)}, exploit_fraction=0.7)
    with pytest.raises(ValueError, match="perturb_factors"):
        PopulationBasedStrategy({"x": Real(0.0, 1.0)}, perturb_factors=(0.8, -1))
    with pytest.raises(ValueError, match="explore"):
        PopulationBasedStrategy({"x": Real(0.0, 1.0)}, explore="random")


# -- the registry's traps -----------------------------------------------------------
def test_sgd_continues_its_schedule_with_partial_fit_not_with_warm_start():
    X, y = _data()
    classes = np.unique(y)
    uninterrupted = SGDClassifier(**SGD)
    for _ in range(5):
        uninterrupted.partial_fit(X, y, classes=classes)
    schedule = [
        {"n_resources": 2, "params": {"alpha": 1e-4}},
        {"n_resources": 5, "params": {"alpha": 1e-4}},
    ]
    spec = _continuation.continuation_for(SGDClassifier())
    assert spec.method == "partial_fit"
    replayed = replay_schedule(SGDClassifier(**SGD), schedule, X, y, spec=spec)
    # the learning-rate schedule went on: same step count, same model
    assert replayed.t_ == uninterrupted.t_
    np.testing.assert_allclose(replayed.coef_, uninterrupted.coef_)
    # fit(warm_start=True) restarts it: not the same model
    warm = SGDClassifier(**SGD, warm_start=True, max_iter=2, tol=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warm.fit(X, y)
        warm.set_params(max_iter=3).fit(X, y)
    assert not np.allclose(warm.coef_, uninterrupted.coef_)


def test_mlp_takes_a_perturbed_learning_rate_after_its_first_pass():
    X, y = _data()
    est = MLPClassifier(hidden_layer_sizes=(8,), solver="sgd", random_state=0)
    schedule = [
        {"n_resources": 1, "params": {"learning_rate_init": 0.01}},
        {"n_resources": 2, "params": {"learning_rate_init": 0.3}},
    ]
    spec = CONTINUATIONS["MLPClassifier"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = replay_schedule(est, schedule, X, y, spec=spec)
    assert model._optimizer.learning_rate_init == 0.3
    assert model._optimizer.learning_rate == 0.3


class _CountingSGD(SGDClassifier):
    """An SGDClassifier (registered through its base) counting its passes."""

    n_calls = 0

    def partial_fit(self, X, y, **kw):
        type(self).n_calls += 1
        return super().partial_fit(X, y, **kw)

    def fit(self, X, y, **kw):
        type(self).n_calls += 1
        return super().fit(X, y, **kw)


@pytest.mark.parametrize(
    "estimator, space, perturb, match",
    [
        (
            MLPClassifier(hidden_layer_sizes=(8,), solver="sgd"),
            {"hidden_layer_sizes": [(4,), (8,)], "alpha": Real(1e-5, 1e-1, log=True)},
            ["hidden_layer_sizes"],
            "'hidden_layer_sizes', which cannot change in the middle of MLPClassifier",
        ),
        (
            _CountingSGD(),
            {"loss": ["hinge", "log_loss"], "alpha": Real(1e-5, 1e-1, log=True)},
            ["loss", "alpha"],
            "'loss', which cannot change in the middle of _CountingSGD",
        ),
        (
            # eta0 is mutable for SGD, but "optimal" (the default) ignores it
            _CountingSGD(),
            SGD_SPACE,
            ["eta0"],
            "'eta0', which does not change _CountingSGD's training in its "
            "configuration: it acts only with learning_rate in .*optimal",
        ),
        (
            MLPClassifier(solver="adam"),
            {"momentum": Real(0.5, 0.99)},
            ["momentum"],
            "'momentum', which does not change MLPClassifier's.*solver='adam'",
        ),
        (
            _CountingSGD(),
            SGD_SPACE,
            ["nope"],
            "perturb names 'nope', which is not a parameter of param_distributions",
        ),
    ],
    ids=["structural-mlp", "structural-sgd", "inert-eta0", "inert-momentum", "unknown"],
)
def test_parameters_that_cannot_change_mid_training_are_refused_before_any_fit(
    estimator, space, perturb, match
):
    X, y = _data()
    _CountingSGD.n_calls = 0
    search = _search(estimator, space, perturb=perturb)
    with pytest.raises(ValueError, match=match):
        search.fit(X, y)
    assert _CountingSGD.n_calls == 0


def test_auto_perturbs_only_what_acts_in_the_configuration():
    X, y = _data()
    search = _search(SGDClassifier(random_state=0), SGD_SPACE).fit(X, y)  # "optimal"
    assert search.perturb_ == ["alpha"]
    # eta0 is fixed per member: it changes only by copying another member
    results = search.cv_results_
    where = _where(results)
    for r, (s, p) in enumerate(zip(results["step"], results["parent"])):
        if s > 0:
            assert (
                results["params"][r]["eta0"]
                == results["params"][where[(p, s - 1)]]["eta0"]
            )
    structural = {
        "hidden_layer_sizes": [(4,), (8,)],
        "alpha": Real(1e-5, 1e-1, log=True),
    }
    mlp = MLPClassifier(solver="sgd", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = _search(mlp, structural, n_steps=2).fit(X, y)
    assert search.perturb_ == ["alpha"]


# -- the search ---------------------------------------------------------------------
def test_rows_per_member_and_step_and_the_lineage():
    X, y = _data()
    search = _search(population_size=4, n_steps=5).fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 20 and search.n_steps_ == 5
    assert {"member", "step", "parent", "n_resources"} <= set(results)
    assert list(results["step"]) == [s for s in range(5) for _ in range(4)]
    assert list(results["n_resources"]) == [
        2 * (s + 1) for s in range(5) for _ in range(4)
    ]
    assert list(results["parent"][:4]) == [-1] * 4
    schedule = search.best_schedule_
    assert [e["step"] for e in schedule] == [0, 1, 2, 3, 4]
    assert schedule[-1]["row"] == search.best_index_
    where = _where(results)
    for before, after in zip(schedule, schedule[1:]):
        row = after["row"]
        assert where[(results["parent"][row], after["step"] - 1)] == before["row"]
    # the best member of the final population
    last = [where[(m, 4)] for m in range(4)]
    assert search.best_index_ == last[int(np.argmax(results["mean_test_score"][last]))]


def test_exploit_copies_the_fold_models_and_members_continue_their_own(monkeypatch):
    X, y = _data()
    calls = []
    original = _continuation.fit_and_score

    def spy(model, *args, **kwargs):
        before = None if model is None else model.decision_function(X).copy()
        record, out = original(model, *args, **kwargs)
        calls.append((before, out.decision_function(X).copy()))
        return record, out

    monkeypatch.setattr(_continuation, "fit_and_score", spy)
    search = _search(population_size=4, n_steps=4, refit=False).fit(X, y)
    results, n = search.cv_results_, 3
    assert len(calls) == len(results["params"]) * n
    where = _where(results)
    exploits = 0
    for r, (m, s, p) in enumerate(
        zip(results["member"], results["step"], results["parent"])
    ):
        for k in range(n):
            before, _ = calls[r * n + k]
            if s == 0:
                assert before is None
                continue
            source = where[(p, s - 1)]
            # the copy predicts exactly like its source's model of that split
            np.testing.assert_array_equal(before, calls[source * n + k][1])
        exploits += s > 0 and p != m
    assert exploits > 0


def test_replaying_the_best_schedule_on_the_folds_gives_its_cv_score():
    X, y = _data()
    search = _search(population_size=4, n_steps=4).fit(X, y)
    spec = _continuation.continuation_for(search.estimator)
    scores = []
    for train, test in KFold(3).split(X):
        model = replay_schedule(
            search.estimator, search.best_schedule_, X[train], y[train], spec=spec
        )
        scores.append(model.score(X[test], y[test]))
    row = search.best_index_
    splits = [search.cv_results_[f"split{k}_test_score"][row] for k in range(3)]
    se = np.std(splits, ddof=1) / np.sqrt(3)
    assert abs(np.mean(scores) - search.best_score_) <= se
    # and the refit replayed it on all the data
    full = replay_schedule(search.estimator, search.best_schedule_, X, y, spec=spec)
    np.testing.assert_array_equal(full.coef_, search.best_estimator_.coef_)
    assert search.best_estimator_.t_ > 1  # trained by passes, not one fit


def test_same_random_state_same_lineage_for_any_n_jobs():
    X, y = _data()
    runs = [_search(n_jobs=n_jobs, n_steps=5).fit(X, y) for n_jobs in (1, 2)]
    for key in ("params", "member", "parent", "step"):
        assert list(runs[0].cv_results_[key]) == list(runs[1].cv_results_[key])
    np.testing.assert_allclose(
        runs[0].cv_results_["mean_test_score"], runs[1].cv_results_["mean_test_score"]
    )
    assert runs[0].best_schedule_ == runs[1].best_schedule_


def test_members_continue_under_dask(dask_client):  # noqa: F811
    from joblib import parallel_backend

    X, y = _data()
    local = _search(n_steps=4).fit(X, y)
    with parallel_backend("dask"):
        remote = _search(n_steps=4, n_jobs=-1).fit(X, y)
    assert list(remote.cv_results_["parent"]) == list(local.cv_results_["parent"])
    assert remote.cv_results_["params"] == local.cv_results_["params"]
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


def test_pipeline_whose_last_step_trains_by_partial_fit():
    X, y = _data()
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SGDClassifier(**SGD))])
    space = {f"clf__{k}": v for k, v in SGD_SPACE.items()}
    search = _search(pipe, space).fit(X, y)
    assert search.continuation_ == "partial_fit"
    assert search.perturb_ == ["clf__alpha", "clf__eta0"]
    clf = search.best_estimator_.named_steps["clf"]
    assert clf.t_ > 1
    assert search.best_estimator_.named_steps["scale"].n_samples_seen_ == len(X)


def test_warm_start_estimators_grow_by_their_iteration_count():
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = _data()
    est = HistGradientBoostingClassifier(early_stopping=False, random_state=0)
    space = {
        "learning_rate": Real(0.01, 1.0, log=True),
        "max_leaf_nodes": Integer(3, 31),
    }
    search = _search(est, space, step=3, n_steps=3).fit(X, y)
    assert search.continuation_ == "warm_start"
    assert search.best_estimator_.n_iter_ == 9
    assert "param_max_iter" not in search.cv_results_


def test_estimator_without_continuation_fits_from_scratch_at_every_step():
    X, y = toy_data()
    search = _search(QuadraticClassifier(), {"x": Real(0.0, 1.0)}).fit(X, y)
    assert search.continuation_ is None and search.perturb_ == ["x"]
    assert len(search.best_schedule_) == 1
    # a resource parameter counts the training of fits from scratch
    X, y = _data()
    fresh = _search(continuation=False, resource="max_iter").fit(X, y)
    assert fresh.continuation_ is None
    assert list(fresh.cv_results_["param_max_iter"][:4]) == [2] * 4
    assert fresh.best_estimator_.max_iter == 8


@pytest.mark.parametrize(
    "kw, error, match",
    [
        (dict(n_steps=None), ValueError, "n_steps and n_iter"),
        (dict(perturb_factors=(0.8, "x")), ValueError, "perturb_factors"),
        (dict(resource="alpha"), ValueError, "also a searched parameter"),
    ],
)
def test_bad_settings_are_refused_before_any_fit(kw, error, match):
    X, y = _data()
    _CountingSGD.n_calls = 0
    with pytest.raises(error, match=match):
        _search(_CountingSGD(**SGD), **kw).fit(X, y)
    assert _CountingSGD.n_calls == 0


def test_continuation_true_needs_an_estimator_that_trains_on():
    X, y = toy_data()
    with pytest.raises(ValueError, match="continuation=True, but QuadraticClassifier"):
        _search(QuadraticClassifier(), {"x": Real(0.0, 1.0)}, continuation=True).fit(
            X, y
        )
    X, y = _data()
    mlp = MLPClassifier(solver="lbfgs")
    with pytest.raises(ValueError, match="no partial_fit"):
        _search(mlp, {"alpha": Real(1e-5, 1e-1, log=True)}, continuation=True).fit(X, y)


def test_n_iter_cuts_the_last_step_short():
    X, y = _data()
    search = _search(n_steps=None, n_iter=10).fit(X, y)
    assert len(search.cv_results_["params"]) == 10
    assert search.stop_reason_ == "budget" and search.n_steps_ == 3
    # the best of the final population: the partial step's members and
    # the others' previous step
    assert search.best_index_ in range(4, 10)


class _InterruptedSGD(SGDClassifier):
    """An SGDClassifier whose ``interrupt_at``-th pass is a Ctrl-C."""

    n_calls = 0
    interrupt_at = None

    def partial_fit(self, X, y, **kw):
        cls = type(self)
        cls.n_calls += 1
        if cls.interrupt_at is not None and cls.n_calls == cls.interrupt_at:
            raise KeyboardInterrupt
        return super().partial_fit(X, y, **kw)


def test_interrupted_search_resumes_from_its_checkpoint(tmp_path):
    X, y = _data()
    ckpt = str(tmp_path / "pbt.jsonl")
    # one step is 4 members x 3 splits x 2 passes = 24 passes
    _InterruptedSGD.n_calls, _InterruptedSGD.interrupt_at = 0, 24 * 2 + 5
    with pytest.warns(UserWarning, match="interrupted"):
        first = _search(_InterruptedSGD(**SGD), checkpoint=ckpt).fit(X, y)
    assert first.stop_reason_ == "interrupted"
    n_first = len(first.cv_results_["params"])
    assert n_first == 8 and hasattr(first, "best_estimator_")
    _InterruptedSGD.n_calls, _InterruptedSGD.interrupt_at = 0, None
    resumed = _search(_InterruptedSGD(**SGD), checkpoint=ckpt).fit(X, y)
    results = resumed.cv_results_
    assert len(results["params"]) == 16
    assert list(results["restored"]) == [True] * 8 + [False] * 8
    assert results["params"][:8] == first.cv_results_["params"]
    # restored rows are not refitted; the next step trains from scratch to
    # its budget (the models were not kept), which the schedule says
    assert resumed.best_schedule_[0]["step"] == 2
    assert resumed.best_schedule_[0]["n_resources"] == 6


def test_pb2_search_runs_and_explores_with_its_model():
    X, y = _data()
    search = _search(explore="pb2", population_size=4, n_steps=5).fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 20
    assert any(p != m for m, p in zip(results["member"][4:], results["parent"][4:]))


def test_multimetric_refit_by_name():
    X, y = _data()
    search = _search(
        scoring={"acc": "accuracy", "bal": "balanced_accuracy"}, refit="bal"
    )
    search.fit(X, y)
    assert search.refit == "bal"
    assert search.best_score_ == pytest.approx(
        search.cv_results_["mean_test_bal"][search.best_index_]
    )
    assert search.best_schedule_[-1]["row"] == search.best_index_
    no_refit = _search(
        scoring={"acc": "accuracy", "bal": "balanced_accuracy"}, refit=False
    )
    no_refit.fit(X, y)
    assert no_refit.refit is False and not hasattr(no_refit, "best_estimator_")


def _expected_failed(estimator):
    if isinstance(estimator.estimator, Ridge):
        return {
            # as for scikit-learn's HalvingRandomSearchCV: the check expects
            # the DataConversionWarning of a single-output estimator, but
            # Ridge takes a 2-d y as multi-output and does not warn
            "check_supervised_y_2d": "DataConversionWarning not caught",
        }
    return {}


@parametrize_with_checks(
    [
        PopulationBasedSearchCV(
            SGDClassifier(random_state=0),
            {"alpha": Real(1e-4, 1e-1, log=True)},
            population_size=2,
            n_steps=2,
            cv=2,
            error_score="raise",
            random_state=0,
        ),
        PopulationBasedSearchCV(
            Ridge(),
            {"alpha": Real(1e-2, 1e2, log=True)},
            population_size=2,
            n_steps=2,
            cv=2,
            error_score="raise",
            random_state=0,
        ),
    ],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# -- plots ----------------------------------------------------------------------------
@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot

    yield matplotlib.pyplot
    matplotlib.pyplot.close("all")


def test_plot_population_draws_every_row_and_the_exploits(plt):
    from sklearn_hypersearch import plots

    X, y = _data()
    search = _search(population_size=4, n_steps=5).fit(X, y)
    ax = plots.plot_population(search)
    results = search.cv_results_
    dots = ax.collections[2]
    assert len(dots.get_offsets()) == len(results["params"])
    n_copies = sum(
        s > 0 and p != m
        for m, s, p in zip(results["member"], results["step"], results["parent"])
    )
    assert n_copies > 0
    assert len(ax.collections[1].get_segments()) == n_copies  # dashed: exploits
    best = ax.get_lines()[0]
    np.testing.assert_array_equal(best.get_xdata(), [0, 1, 2, 3, 4])
    assert best.get_ydata()[-1] == pytest.approx(search.best_score_)
    # from cv_results_ alone, the same best lineage
    again = plots.plot_population(results)
    np.testing.assert_allclose(again.get_lines()[0].get_ydata(), best.get_ydata())
    with pytest.raises(ValueError, match="member, step and parent"):
        plots.plot_population({"params": [{}], "mean_test_score": [0.0]})


def test_plot_schedule_shows_the_parameters_in_force(plt):
    from sklearn_hypersearch import plots

    X, y = _data()
    search = _search(population_size=4, n_steps=5).fit(X, y)
    axes = plots.plot_schedule(search)
    assert [ax.get_ylabel() for ax in axes] == ["alpha", "eta0"]
    for ax, name in zip(axes, ["alpha", "eta0"]):
        line = ax.get_lines()[0]
        expected = [e["params"][name] for e in search.best_schedule_]
        np.testing.assert_allclose(line.get_ydata(), expected)
    with pytest.raises(ValueError, match="not parameters of the schedule"):
        plots.plot_schedule(search, params=["nope"])


def test_acts_when_names_mutable_parameters_that_the_configured_estimators_use():
    import sklearn.utils

    from sklearn_hypersearch._search._continuation import inert_mutable
    from tests.test_continuation import _CONFIGURED

    estimators = dict(sklearn.utils.all_estimators())
    for name, spec in CONTINUATIONS.items():
        assert {n for n, _ in spec.acts_when} <= set(spec.mutable), name
        # the configurations in which every mutable parameter is tested to act
        assert inert_mutable(estimators[name](**_CONFIGURED[name]), spec) == {}, name
    defaults = inert_mutable(SGDClassifier(), CONTINUATIONS["SGDClassifier"])
    assert set(defaults) == {"eta0", "power_t", "l1_ratio"}
    assert "learning_rate='optimal'" in defaults["eta0"]
    assert set(
        inert_mutable(
            SGDClassifier(penalty=None, learning_rate="constant"),
            CONTINUATIONS["SGDClassifier"],
        )
    ) == {"alpha", "power_t", "l1_ratio"}


def test_a_shuffling_splitter_without_random_state_trains_on_one_set_of_splits():
    # the driver reads the splits once per fit: a member's fold models are
    # continued on the training folds they started on
    X, y = _data()
    search = _search(cv=KFold(3, shuffle=True)).fit(X, y)
    assert search.continuation_ is not None
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
