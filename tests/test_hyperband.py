"""Tests of Hyperband: the schedule, the strategy and HyperbandSearchCV."""

import contextlib
import math
import signal
import warnings

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_hypersearch import (
    Categorical,
    HyperbandSearchCV,
    HyperbandStrategy,
    Integer,
    Real,
    Space,
)
from sklearn_hypersearch._search._hyperband import _SubsampledSplits
from sklearn_hypersearch._strategies._hyperband import (
    hyperband_schedule,
    schedule_cost,
)
from sklearn_hypersearch._strategies._surrogates import DensityRatio, _Encoder


# -- helpers -----------------------------------------------------------------
class BudgetClassifier(ClassifierMixin, BaseEstimator):
    """Score is a known function of ``x`` and of the resource.

    ``score = -(x - 0.3)**2 + cheap_bonus * (n_estimators < 27)``: with a
    bonus, small budgets look better than they are. Every fit appends
    ``(x, n_estimators, n_train, class counts)`` to ``fit_log`` and every
    score appends the test size to ``score_log``.
    """

    fit_log = []
    score_log = []

    def __init__(self, x=0.0, n_estimators=27, cheap_bonus=0.0):
        self.x = x
        self.n_estimators = n_estimators
        self.cheap_bonus = cheap_bonus

    def fit(self, X, y):
        self.classes_, counts = np.unique(y, return_counts=True)
        type(self).fit_log.append((self.x, self.n_estimators, len(X), counts))
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        type(self).score_log.append(len(X))
        bonus = self.cheap_bonus if self.n_estimators < 27 else 0.0
        return -((self.x - 0.3) ** 2) + bonus


@pytest.fixture(autouse=True)
def _clear_logs():
    BudgetClassifier.fit_log.clear()
    BudgetClassifier.score_log.clear()


def data(n_samples=300, weights=(0.7, 0.3), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    y = (rng.uniform(size=n_samples) < weights[1]).astype(int)
    return X, y


SPACE = {"x": Real(0.0, 1.0)}


def paper_schedule(r_min, r_max, eta):
    """Algorithm 1 of Li et al. (2018), written as directly as possible."""
    R = r_max / r_min
    s_max = 0
    while eta ** (s_max + 1) <= R * (1 + 1e-12):
        s_max += 1
    B = (s_max + 1) * R
    out = []
    for s in range(s_max, -1, -1):
        n = math.ceil(B / R / (s + 1) * eta**s - 1e-9)
        r = R * eta**-s
        # the paper's resources are real numbers; integer ones round down
        out.append(
            [
                (math.floor(n * eta**-i + 1e-9), math.floor(r * eta**i * r_min + 1e-9))
                for i in range(s + 1)
            ]
        )
    return out


# -- the schedule ------------------------------------------------------------
def test_schedule_is_table_1_of_the_paper():
    # Li et al. (2018), Table 1: R = 81, eta = 3
    assert hyperband_schedule(1, 81, 3) == [
        [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
        [(34, 3), (11, 9), (3, 27), (1, 81)],
        [(15, 9), (5, 27), (1, 81)],
        [(8, 27), (2, 81)],
        [(5, 81)],
    ]


@pytest.mark.parametrize(
    "r_min, r_max, eta",
    [
        (1, 81, 3),
        (1, 27, 3),
        (2, 100, 3),
        (1, 16, 2),
        (10, 1000, 4),
        (3, 3, 3),
        (1, 243, 3),
        (5, 200, 2.5),
        (40, 20000, 3),
    ],
)
def test_schedule_follows_the_formulas(r_min, r_max, eta):
    schedule = hyperband_schedule(r_min, r_max, eta)
    expected = paper_schedule(r_min, r_max, eta)
    assert [[n for n, _ in b] for b in schedule] == [
        [n for n, _ in b] for b in expected
    ]
    for got, want in zip(schedule, expected):
        for (_, r_got), (_, r_want) in zip(got, want):
            assert r_got == max(r_min, r_want)
    s_max = len(schedule) - 1
    assert s_max == math.floor(math.log(r_max / r_min) / math.log(eta) + 1e-9)
    for rungs in schedule:
        assert rungs[-1][1] == r_max  # every bracket ends at the full resource
        ns = [n for n, _ in rungs]
        rs = [r for _, r in rungs]
        assert ns == sorted(ns, reverse=True) and ns[-1] >= 1
        assert rs == sorted(rs) and rs[0] >= r_min


def test_schedule_n_brackets_cycles_and_truncates():
    full = hyperband_schedule(1, 27, 3)
    assert hyperband_schedule(1, 27, 3, n_brackets=2) == full[:2]
    assert hyperband_schedule(1, 27, 3, n_brackets=6) == full + full[:2]


@pytest.mark.parametrize(
    "args, match",
    [
        ((0, 9, 3), "min_resources"),
        ((10, 9, 3), "must not exceed"),
        ((1, 9, 1), "factor"),
        ((1, 9.5, 3), "max_resources"),
    ],
)
def test_schedule_rejects_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        hyperband_schedule(*args)


# -- the strategy ------------------------------------------------------------
def run_strategy(strategy, objective):
    batches = []
    while batch := strategy.ask():
        batches.append(batch)
        strategy.tell(batch, [objective(c) for c in batch])
    return batches


def test_strategy_walks_the_schedule_and_promotes_the_best():
    strategy = HyperbandStrategy(SPACE, 1, 27, random_state=0)
    batches = run_strategy(strategy, lambda c: -abs(c.params["x"] - 0.3))
    told = [c for batch in batches for c in batch]
    schedule = hyperband_schedule(1, 27, 3)
    for b, rungs in enumerate(schedule):
        for i, (n_i, r_i) in enumerate(rungs):
            rung = [c for c in told if c.tags["bracket"] == b and c.tags["rung"] == i]
            assert len(rung) == n_i
            assert all(c.budget == r_i == c.tags["n_resources"] for c in rung)
            if i:
                previous = [
                    c.params["x"]
                    for c in told
                    if c.tags["bracket"] == b and c.tags["rung"] == i - 1
                ]
                best = sorted(previous, key=lambda x: abs(x - 0.3))[:n_i]
                assert sorted(c.params["x"] for c in rung) == sorted(best)
    assert strategy.ask() == []


def test_strategy_small_asks_split_rungs_without_losing_candidates():
    whole = HyperbandStrategy(SPACE, 1, 9, random_state=3)
    split = HyperbandStrategy(SPACE, 1, 9, random_state=3)
    objective = lambda c: -c.params["x"]  # noqa: E731
    expected = [c for b in run_strategy(whole, objective) for c in b]
    got = []
    while batch := split.ask(4):
        assert len(batch) <= 4
        got.extend(batch)
        split.tell(batch, [objective(c) for c in batch])
    assert got == expected


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_strategy_failed_scores_are_not_promoted(bad):
    strategy = HyperbandStrategy(SPACE, 1, 3, random_state=0)
    first = strategy.ask()
    # a failure (NaN, or an infinity) for everything but x < 0.5
    strategy.tell(first, [1.0 if c.params["x"] < 0.5 else bad for c in first])
    second = strategy.ask()
    assert second and all(c.params["x"] < 0.5 for c in second)


def test_strategy_is_deterministic_and_seed_dependent():
    def params(seed, sampler):
        s = HyperbandStrategy(SPACE, 1, 27, sampler=sampler, random_state=seed)
        return [c.params for b in run_strategy(s, lambda c: -c.params["x"]) for c in b]

    for sampler in ("random", "bohb"):
        assert params(0, sampler) == params(0, sampler)
        assert params(0, sampler) != params(1, sampler)


def test_strategy_finite_space_has_no_duplicates_in_a_rung():
    space = {"a": [1, 2, 3], "b": ["u", "v"]}
    for sampler in ("random", "bohb"):
        strategy = HyperbandStrategy(space, 1, 27, sampler=sampler, random_state=0)
        batches = run_strategy(strategy, lambda c: float(c.params["a"]))
        told = [c for b in batches for c in b]
        for b in {c.tags["bracket"] for c in told}:
            first = [
                tuple(sorted(c.params.items()))
                for c in told
                if c.tags["bracket"] == b and c.tags["rung"] == 0
            ]
            assert len(first) == len(set(first)) <= 6
        assert all(isinstance(c.params["a"], int) for c in told)


@pytest.mark.parametrize("sampler", ["random", "bohb"])
def test_brackets_start_in_order_when_the_batch_runs_short(sampler):
    # schedule(1, 27, 3): bracket 0 has rungs of 27, 9, 3, 1 candidates,
    # bracket 1 of 12, 4, 1, bracket 2 of 6, 2 and bracket 3 of 4. The next
    # bracket joins a batch whose rungs hold fewer than 3**2 = 9 candidates.
    strategy = HyperbandStrategy(SPACE, 1, 27, sampler=sampler, random_state=0)
    batches = run_strategy(strategy, lambda c: -c.params["x"])
    rungs = [sorted({(c.tags["bracket"], c.tags["rung"]) for c in b}) for b in batches]
    assert rungs == [
        [(0, 0)],
        [(0, 1)],
        [(0, 2), (1, 0)],
        [(0, 3), (1, 1), (2, 0)],
        [(1, 2), (2, 1), (3, 0)],
    ]


def test_bohb_concentrates_on_the_optimum():
    # later brackets draw from a model of the earlier ones: their first
    # rungs must be closer to the optimum than random draws are
    def first_rung_distance(sampler):
        distances = []
        for seed in range(3):
            s = HyperbandStrategy(
                {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)},
                1,
                81,
                sampler=sampler,
                random_state=seed,
            )
            objective = lambda c: -np.hypot(c.params["x"] - 0.8, c.params["y"] - 0.2)  # noqa: E731
            told = [c for b in run_strategy(s, objective) for c in b]
            distances += [
                -objective(c)
                for c in told
                if c.tags["rung"] == 0 and c.tags["bracket"] >= 2
            ]
        return np.median(distances)

    assert first_rung_distance("bohb") < 0.6 * first_rung_distance("random")


@pytest.mark.parametrize("seed", range(3))
def test_density_ratio_proposes_near_the_good_points(seed):
    rng = np.random.default_rng(seed)
    space = Space({"x": Real(0.0, 1.0), "y": Real(0.0, 1.0), "c": ["a", "b", "c"]})
    sub = space.subspaces[0]
    enc = _Encoder(sub)
    units = enc.snap(rng.uniform(size=(100, 3)))
    xy = [sub.names.index("x"), sub.names.index("y")]
    c = sub.names.index("c")
    good_c = sub.to_unit([{"x": 0.0, "y": 0.0, "c": "b"}])[0, c]
    centre = np.array([0.2, 0.7])
    distance = np.linalg.norm(units[:, xy] - centre, axis=1)
    scores = -distance - 0.3 * (units[:, c] != good_c)  # "b" is best
    scores[:5] = np.nan  # failed fits count as the worst
    model = DensityRatio(enc, units, scores, 0.15)
    points = np.array([model.argmax(64, rng) for _ in range(30)])
    assert np.all((0 <= points) & (points <= 1))
    proposed = np.linalg.norm(points[:, xy] - centre, axis=1)
    assert np.median(proposed) < 0.7 * np.median(distance)
    assert np.mean(points[:, c] == good_c) > 0.8


# -- HyperbandSearchCV: n_samples --------------------------------------------
def test_n_samples_resource_subsamples_training_folds_stratified():
    X, y = data(300, weights=(0.7, 0.3))
    cv = StratifiedKFold(3)
    search = HyperbandSearchCV(
        BudgetClassifier(),
        SPACE,
        cv=cv,
        min_resources=30,
        random_state=0,
        refit=False,
    ).fit(X, y)
    schedule = hyperband_schedule(30, 300, 3)
    # the smallest rung is 300 / 3**2 rounded down, not the 30 asked for
    assert search.max_resources_ == 300 and search.min_resources_ == 33
    assert schedule[0][0][1] == 33 and hyperband_schedule(33, 300, 3) == schedule
    assert search.n_resources_ == [[r for _, r in b] for b in schedule]
    assert search.n_candidates_ == [[n for n, _ in b] for b in schedule]
    res = search.cv_results_
    for col in ("bracket", "rung", "n_resources"):
        assert len(res[col]) == len(res["params"])
    fold_train = 200
    expected_sizes = {int(r / 300 * fold_train) for b in schedule for _, r in b}
    sizes = {n for _, _, n, _ in BudgetClassifier.fit_log}
    assert sizes == expected_sizes
    share = y.mean()
    for _, _, n, counts in BudgetClassifier.fit_log:
        # each class keeps its share of the subsample (largest remainders)
        assert abs(counts[1] - share * n) <= 1
    # test folds stay whole
    assert set(BudgetClassifier.score_log) == {100}
    # the splits are fixed: a rung's candidates see the same subsample
    split = _SubsampledSplits(cv, 0.3, True, random_state=5)
    first = [tr.tolist() for tr, _ in split.split(X, y)]
    assert first == [tr.tolist() for tr, _ in split.split(X, y)]


def test_best_is_chosen_among_full_resource_candidates():
    X, y = data(120)
    search = HyperbandSearchCV(
        BudgetClassifier(cheap_bonus=1.0),
        SPACE,
        resource="n_estimators",
        max_resources=27,
        cv=2,
        random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    full = res["n_resources"] == 27
    assert np.nanmax(res["mean_test_score"][~full]) > np.nanmax(
        res["mean_test_score"][full]
    )
    assert res["n_resources"][search.best_index_] == 27
    assert search.best_score_ == np.nanmax(res["mean_test_score"][full])
    assert search.best_params_["n_estimators"] == 27
    assert search.best_estimator_.n_estimators == 27
    assert search.best_params_["x"] == pytest.approx(
        min(np.asarray(res["param_x"])[full], key=lambda x: abs(x - 0.3))
    )


def test_parameter_resource_sets_the_budget_on_each_fit():
    X, y = data(60)
    search = HyperbandSearchCV(
        BudgetClassifier(),
        SPACE,
        resource="n_estimators",
        cv=2,
        random_state=0,
        min_resources="smallest",
        refit=False,
    ).fit(X, y)
    # max_resources="auto" takes the estimator's value
    assert search.max_resources_ == 27 and search.min_resources_ == 1
    schedule = hyperband_schedule(1, 27, 3)
    assert search.n_resources_ == [[r for _, r in b] for b in schedule]
    fitted = sorted({n for _, n, _, _ in BudgetClassifier.fit_log})
    assert fitted == [1, 3, 9, 27]
    # the whole training folds are used whatever the budget
    assert {n for _, _, n, _ in BudgetClassifier.fit_log} == {30}
    assert list(search.cv_results_["param_n_estimators"]) == list(
        search.cv_results_["n_resources"]
    )


def test_parameter_resource_of_a_pipeline_step():
    X, y = data(60)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", BudgetClassifier())])
    search = HyperbandSearchCV(
        pipe,
        {"clf__x": Real(0.0, 1.0)},
        resource="clf__n_estimators",
        max_resources=9,
        min_resources=1,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert sorted({n for _, n, _, _ in BudgetClassifier.fit_log}) == [1, 3, 9]
    assert search.best_params_["clf__n_estimators"] == 9
    assert search.best_estimator_.named_steps["clf"].n_estimators == 9
    assert abs(search.best_params_["clf__x"] - 0.3) < 0.2


def test_unset_integer_parameter_needs_max_resources():
    X, y = data(80)
    with pytest.raises(ValueError, match="set max_resources"):
        HyperbandSearchCV(
            DecisionTreeClassifier(),
            {"min_samples_leaf": [1, 5]},
            resource="max_depth",
            cv=2,
        ).fit(X, y)
    search = HyperbandSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"min_samples_leaf": [1, 5]},
        resource="max_depth",
        max_resources=4,
        min_resources=1,
        factor=2,
        cv=2,
        random_state=0,
    ).fit(X, y)
    # with two points, later brackets meet candidates of earlier ones at the
    # same budget: they are never fitted twice, so count the resources only
    assert sorted(set(search.cv_results_["n_resources"].tolist())) == [1, 2, 4]


def test_bohb_sampler_runs_and_is_reproducible_for_any_n_jobs():
    X, y = data(60)

    def params(n_jobs, seed=0):
        search = HyperbandSearchCV(
            BudgetClassifier(),
            SPACE,
            resource="n_estimators",
            sampler="bohb",
            max_resources=9,
            cv=2,
            random_state=seed,
            n_jobs=n_jobs,
            refit=False,
        )
        # threads: the same parallel code path without process start-up
        with parallel_backend("threading"):
            return search.fit(X, y).cv_results_["params"]

    assert params(1) == params(2)
    assert params(1) != params(1, seed=1)


def test_multimetric_refit_uses_the_named_metric_at_full_resource():
    X, y = data(60)
    search = HyperbandSearchCV(
        BudgetClassifier(cheap_bonus=1.0),
        SPACE,
        resource="n_estimators",
        scoring={"a": lambda est, X, y: est.score(X, y), "b": lambda est, X, y: -est.x},
        refit="b",
        cv=2,
        random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    full = np.flatnonzero(res["n_resources"] == 27)
    assert search.best_index_ == full[np.argmax(res["mean_test_b"][full])]


# -- errors, before any fit --------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, cv, match",
    [
        (dict(resource="cheap_bonus"), 2, "must be an integer parameter"),
        (dict(resource="n_trees"), 2, "neither 'n_samples' nor a parameter"),
        (dict(resource="x"), 2, "also a searched parameter"),
        (dict(resource="n_estimators", min_resources=30), 2, "greater than max"),
        (dict(min_resources=200, max_resources=100), 2, "greater than max"),
        (dict(max_resources=1000), 2, "greater than the number of samples"),
        (dict(min_resources=2, factor=2), 2, "leaves 1 training samples"),
        (dict(min_resources=1), 2, "one per class of 2"),
        (dict(factor=1), 2, "factor"),
        (dict(sampler="grid"), 2, "sampler"),
        (dict(min_resources=0), 2, "min_resources"),
    ],
)
def test_bad_resources_are_refused_before_any_fit(kwargs, cv, match):
    X, y = data(100)
    with pytest.raises((ValueError, TypeError), match=match):
        HyperbandSearchCV(BudgetClassifier(), SPACE, cv=cv, **kwargs).fit(X, y)
    assert BudgetClassifier.fit_log == []


def test_shuffling_splitter_with_fixed_seed_is_accepted():
    X, y = data(100)
    search = HyperbandSearchCV(
        BudgetClassifier(),
        SPACE,
        cv=KFold(2, shuffle=True, random_state=0),
        random_state=0,
    ).fit(X, y)
    assert search.n_candidates_


# -- scikit-learn's estimator checks -----------------------------------------
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
        HyperbandSearchCV(
            Ridge(),
            {"alpha": [0.1, 1.0]},
            cv=2,
            error_score="raise",
            random_state=0,
        ),
        HyperbandSearchCV(
            GaussianNB(),
            {"var_smoothing": [1e-9, 1e-6]},
            cv=2,
            error_score="raise",
            random_state=0,
        ),
    ],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_auto_min_resources_gives_five_brackets():
    X, y = data(60)
    search = HyperbandSearchCV(
        BudgetClassifier(n_estimators=100),
        SPACE,
        resource="n_estimators",
        cv=2,
        random_state=0,
        refit=False,
    ).fit(X, y)
    # 100 // 3**4 = 1: max / min >= 81, so s_max = 4
    assert search.min_resources_ == 1 and search.max_resources_ == 100
    assert search.n_brackets_ == 5 and len(search.n_candidates_) == 5
    assert [rungs[-1] for rungs in search.n_resources_] == [100] * 5


def test_subsampled_splits_compare_equal_when_they_split_alike():
    # the driver retries a rung whose fits all failed with a later call on
    # equal splits: equal splitters must give the same splits
    X, y = data(120)
    base = StratifiedKFold(3)
    a = _SubsampledSplits(base, 0.5, stratify=True, random_state=0)
    b = _SubsampledSplits(base, 0.5, stratify=True, random_state=0)
    assert a == b
    for (tr_a, te_a), (tr_b, te_b) in zip(a.split(X, y), b.split(X, y)):
        assert np.array_equal(tr_a, tr_b) and np.array_equal(te_a, te_b)
    assert a != _SubsampledSplits(base, 0.25, stratify=True, random_state=0)
    assert a != _SubsampledSplits(base, 0.5, stratify=True, random_state=1)
    assert a != _SubsampledSplits(StratifiedKFold(3), 0.5, True, random_state=0)


# -- schedule sizes: refused by arithmetic, before anything is allocated ------
@contextlib.contextmanager
def _deadline(seconds):
    """Fail instead of hanging (or allocating gigabytes) for long."""

    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        # 3**18 candidates in the first bracket: 8.7 GiB of candidates
        ((1, 10**9, 3), {}, r"about 3.87e\+08 candidates .* 100,000 a bracket"),
        # s_max = 16 million: the loop over brackets never ended
        ((30, 150, 1.0000001), {}, r"16,094,380 rungs .* 1,000,000 candidates"),
        ((1, 1, 3), {"n_brackets": 10**9}, r"more than 1,000,000 candidates in all"),
        ((1, 81, 3), {"max_cost": 10**9}, r"more than 1,000,000 candidates in all"),
        ((1, 10, 1.0001), {}, r"more than 1,000,000 candidates in all"),
    ],
)
def test_absurd_schedules_are_refused_quickly(args, kwargs, match):
    with _deadline(10):
        with pytest.raises(ValueError, match=match) as info:
            hyperband_schedule(*args, **kwargs)
        assert "min_resources" in str(info.value) and "factor" in str(info.value)
        with pytest.raises(ValueError, match=match):
            HyperbandStrategy(SPACE, *args, **kwargs, random_state=0)


def test_large_but_sane_schedules_are_built():
    schedule = hyperband_schedule(1, 2**16, 2)
    assert schedule[0][0] == (2**16, 1) and len(schedule) == 17


def test_absurd_search_is_refused_before_any_fit():
    X, y = data(60)
    search = HyperbandSearchCV(
        BudgetClassifier(),
        SPACE,
        resource="n_estimators",
        min_resources=1,
        max_resources=10**9,
        cv=2,
    )
    with _deadline(10), pytest.raises(ValueError, match="max_resources=1000000000"):
        search.fit(X, y)
    assert BudgetClassifier.fit_log == []


# -- n_iter: a budget in full-resource evaluations ---------------------------
@pytest.mark.parametrize(
    "r_min, r_max, eta", [(1, 81, 3), (1, 27, 3), (2, 100, 3), (5, 200, 2.5)]
)
@pytest.mark.parametrize("max_cost", [1, 4.5, 10, 23.5, 60, 200])
def test_max_cost_takes_whole_brackets_in_order_within_the_budget(
    r_min, r_max, eta, max_cost
):
    one_iteration = hyperband_schedule(r_min, r_max, eta)
    schedule = hyperband_schedule(r_min, r_max, eta, max_cost=max_cost)
    n = len(schedule)
    assert n >= 1
    # Hyperband's order, cycling into further iterations
    assert schedule == [one_iteration[k % len(one_iteration)] for k in range(n)]
    cost = schedule_cost(schedule, r_max)
    assert cost <= max_cost or n == 1
    # the next bracket would have exceeded the budget
    following = one_iteration[n % len(one_iteration)]
    assert cost + schedule_cost([following], r_max) > max_cost
    # n_brackets and max_cost together: whichever comes first
    assert hyperband_schedule(r_min, r_max, eta, 2, max_cost) == schedule[:2]


def _budget_search(**kwargs):
    params = dict(
        param_distributions=SPACE,
        resource="n_estimators",
        max_resources=27,
        cv=2,
        random_state=0,
    )
    params.update(kwargs)
    return HyperbandSearchCV(BudgetClassifier(), **params)


@pytest.mark.parametrize("n_iter", [12, 20, 50])
def test_n_iter_spends_at_most_that_many_full_resource_evaluations(n_iter):
    X, y = data(60)
    search = _budget_search(n_iter=n_iter, refit=False).fit(X, y)
    min_r = search.min_resources_
    assert search.schedule_ == hyperband_schedule(min_r, 27, 3, max_cost=n_iter)
    assert search.n_brackets_ == len(search.schedule_)
    res = search.cv_results_
    # what was spent, read from cv_results_: the plan, within the budget
    spent = sum(res["n_resources"]) / 27
    assert spent == pytest.approx(search.schedule_cost_)
    assert search.schedule_cost_ <= n_iter
    # more rows than n_iter (cheap ones): the driver did not cut a bracket
    assert len(res["params"]) > n_iter
    assert search.n_candidates_ == [[n for n, _ in b] for b in search.schedule_]
    assert search.stop_reason_ == "budget"
    # the cost of ``n_iter`` candidates of RandomizedSearchCV: about as many
    # fits' worth of resource, never more
    assert 0.6 * n_iter < search.schedule_cost_ <= n_iter


def test_n_iter_below_the_first_bracket_runs_it_alone_and_warns():
    X, y = data(60)
    first_cost = schedule_cost(hyperband_schedule(1, 27, 3)[:1], 27)
    with pytest.warns(UserWarning, match=r"n_iter=2 is less than the cost"):
        search = _budget_search(n_iter=2, min_resources=1).fit(X, y)
    assert search.n_brackets_ == 1
    assert search.schedule_cost_ == pytest.approx(first_cost)


def test_n_iter_none_keeps_one_iteration_and_n_brackets():
    X, y = data(60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        search = _budget_search(min_resources=1).fit(X, y)
    assert search.schedule_ == hyperband_schedule(1, 27, 3)
    search = _budget_search(min_resources=1, n_brackets=6).fit(X, y)
    assert search.schedule_ == hyperband_schedule(1, 27, 3, n_brackets=6)
    # n_iter and n_brackets: whichever limit comes first
    search = _budget_search(min_resources=1, n_brackets=2, n_iter=100).fit(X, y)
    assert search.n_brackets_ == 2


def test_the_call_every_search_class_accepts():
    X, y = data(90)
    search = HyperbandSearchCV(
        DecisionTreeClassifier(random_state=0),
        param_distributions={"max_depth": Integer(1, 6), "criterion": ["gini"]},
        n_iter=20,
        scoring="accuracy",
        cv=3,
        n_jobs=1,
        random_state=0,
    ).fit(X, y)
    assert search.schedule_cost_ <= 20
    assert search.best_params_


# -- errors and resources that say what runs ----------------------------------
def _mask_pairs(n_samples, n_splits=3):
    pairs = []
    for k in range(n_splits):
        test = np.zeros(n_samples, dtype=bool)
        test[k::n_splits] = True
        pairs.append((~test, test))
    return pairs


def test_boolean_mask_cv_pairs_work_like_index_pairs():
    X, y = data(120)
    masks = _mask_pairs(len(y))
    indices = [(np.flatnonzero(tr), np.flatnonzero(te)) for tr, te in masks]
    runs = [
        HyperbandSearchCV(
            BudgetClassifier(), SPACE, cv=cv, min_resources=30, random_state=0
        ).fit(X, y)
        for cv in (masks, indices)
    ]
    assert runs[0].cv_results_["params"] == runs[1].cv_results_["params"]
    assert runs[0].n_candidates_ == runs[1].n_candidates_
    sizes = [n for _, _, n, _ in BudgetClassifier.fit_log]
    half = len(sizes) // 2
    assert sizes[:half] == sizes[half:]  # the same subsamples


def test_unlimited_max_iter_says_what_is_wrong_before_any_fit():
    X, y = data(60)
    search = HyperbandSearchCV(
        SVC(), {"C": Real(0.1, 10.0, log=True)}, resource="max_iter", cv=2
    )
    with pytest.raises(ValueError, match=r"SVC has max_iter=-1 .*set max_resources"):
        search.fit(X, y)
    with pytest.raises(ValueError, match=r"n_estimators=0 .*set max_resources"):
        HyperbandSearchCV(
            BudgetClassifier(n_estimators=0), SPACE, resource="n_estimators", cv=2
        ).fit(X, y)
    assert BudgetClassifier.fit_log == []


def test_min_resources_reports_the_smallest_rung_that_runs():
    X, y = data(60)
    search = _budget_search(
        min_resources=4, max_resources=100, refit=False, random_state=0
    ).fit(X, y)
    # 100 / 3**2 = 11.1: the rungs are 11, 33 and 100 resource units
    assert search.min_resources_ == 11
    assert search.n_resources_[0] == [11, 33, 100]
    assert min(search.cv_results_["n_resources"]) == 11
    assert min(n for _, n, _, _ in BudgetClassifier.fit_log) == 11
    assert hyperband_schedule(11, 100, 3) == search.schedule_


def test_exhausted_cv_iterator_is_refused_clearly():
    X, y = data(60)
    search = HyperbandSearchCV(
        BudgetClassifier(), SPACE, cv=iter([]), min_resources="smallest"
    )
    with pytest.raises(ValueError, match="(?i)split") as info:
        search.fit(X, y)
    assert "min_resources" not in str(info.value)
    assert BudgetClassifier.fit_log == []


# -- finite spaces: no evaluation repeated ------------------------------------
def test_finite_space_never_evaluates_a_candidate_twice_at_one_resource():
    X, y = data(60)
    space = {"x": Categorical([0.1, 0.3, 0.5]), "cheap_bonus": [0.0, 0.5]}
    search = _budget_search(
        param_distributions=space, min_resources=1, n_brackets=8, refit=False
    )
    search.fit(X, y)
    fits = [(x, n) for x, n, _, _ in BudgetClassifier.fit_log]
    assert len(fits) == 2 * len(search.cv_results_["params"])  # cv=2
    res = search.cv_results_
    evaluated = [
        (tuple(sorted(p.items())), r) for p, r in zip(res["params"], res["n_resources"])
    ]
    assert len(evaluated) == len(set(evaluated))
    # every planned rung ran, known results taking the place of repeats
    assert search.n_candidates_ == [[n for n, _ in b] for b in search.schedule_]
    assert len(evaluated) < sum(n for b in search.schedule_ for n, _ in b)
    assert search.best_params_["x"] == 0.3
