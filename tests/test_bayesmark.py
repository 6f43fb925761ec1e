"""Fast tests of the Bayesmark benchmark (benchmarks/bayesmark.py).

The benchmark is not part of the package; these tests check its problem
definitions (spaces convert and sample inside Bayesmark's bounds, the
objective is deterministic and the same whether a search's ``fit`` or an
ask/tell loop computes it) and its normalised score on hand-computed
examples. Peers are not needed.
"""

import ast
import itertools
import math
import pathlib
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, logit
from sklearn.base import clone
from sklearn.linear_model import Lasso, Ridge
from sklearn.model_selection import ParameterSampler

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))
import _bayesmark_peers as peers  # noqa: E402
import _bayesmark_problems as bp  # noqa: E402
import _bayesmark_score as score  # noqa: E402
import bayesmark  # noqa: E402
import harness  # noqa: E402

import sklearn_hypersearch  # noqa: E402
from sklearn_hypersearch import Distribution, Space  # noqa: E402

ALL = sorted(bp.PROBLEMS)


def test_problem_set_is_bayesmarks_without_boston():
    # 9 models x (4 classification datasets x 2 metrics + diabetes x 2)
    assert len(bp.PROBLEMS) == 9 * (4 * 2 + 1 * 2)
    assert not any("boston" in name for name in bp.PROBLEMS)
    for problem in bp.PROBLEMS.values():
        assert problem.is_classification == (problem.metric in ("nll", "acc"))
        assert problem.name == f"{problem.model}_{problem.dataset}_{problem.metric}"


def _check_inside(param, value):
    if param.kind == "bool":
        assert isinstance(value, bool)
        return
    if param.kind == "int":
        assert isinstance(value, int) and not isinstance(value, bool)
    else:
        assert isinstance(value, float)
    assert param.low <= value <= param.high, (param, value)


@pytest.mark.parametrize("name", ALL)
def test_space_converts_and_samples_inside_bounds(name):
    problem = bp.PROBLEMS[name]
    params = {p.name: p for p in problem.params}
    space = problem.space()
    assert sorted(space) == sorted(params)
    estimator = problem.estimator()
    # our sampler, and RandomizedSearchCV's through the harness adapter
    ours = Space(space).sample(30, random_state=0)
    theirs = list(ParameterSampler(harness.to_scipy(space), 30, random_state=0))
    for point in ours + theirs:
        point = peers._native_dict(point)
        assert sorted(point) == sorted(params)
        for key, value in point.items():
            _check_inside(params[key], value)
        clone(estimator).set_params(**point)  # names the estimator knows


def test_logit_warp_is_uniform_in_logit_space():
    dim = bp.Param("x", "real", "logit", 0.01, 0.99).dimension()
    assert isinstance(dim, Distribution)
    lo, hi = logit(0.01), logit(0.99)
    unit = np.array([0.0, 0.25, 0.5, 1.0])
    values = np.array(dim.from_unit(unit))
    assert values == pytest.approx(expit(lo + unit * (hi - lo)), abs=1e-9)
    assert dim.to_unit(values) == pytest.approx(unit, abs=1e-9)
    # a peer's value in logit coordinates maps back to the same value
    param = bp.Param("x", "real", "logit", 0.01, 0.49)
    assert peers._from_warped(param, logit(0.3)) == pytest.approx(0.3)
    assert peers._from_warped(param, 50.0) == 0.49  # clipped to the bounds


_TREE_POINT = {
    "max_depth": 5,
    "max_features": 0.5,
    "min_samples_split": 0.05,
    "min_samples_leaf": 0.02,
    "min_weight_fraction_leaf": 0.02,
    "min_impurity_decrease": 0.0,
}


@pytest.mark.parametrize(
    "name, point",
    [
        # settings where the model's own randomness matters (feature
        # subsets, bootstrap, Platt scaling's internal CV)
        ("RF_iris_nll", _TREE_POINT),
        ("DT_wine_nll", _TREE_POINT),
        ("SVM_iris_nll", {"C": 10.0, "gamma": 5e-4, "tol": 1e-3}),
        ("lasso_diabetes_mae", None),
    ],
)
def test_objective_of_a_fixed_setting_is_deterministic(name, point):
    problem = bp.PROBLEMS[name]
    if point is None:
        point = Space(problem.space()).sample(1, random_state=3)[0]
    first = problem.loss(point)
    assert math.isfinite(first)
    assert problem.loss(point) == first
    # and does not depend on an earlier call's state (a fresh Problem)
    fresh = bp.Problem(problem.model, problem.dataset, problem.metric)
    assert fresh.loss(point) == first


def test_search_fit_and_ask_tell_objective_agree():
    """A search's CV (fit path) computes exactly Problem.loss (ask/tell)."""
    problem = bp.PROBLEMS["kNN_wine_nll"]
    result = peers.run_method("random", problem, budget=4, batch=2, seed=0)
    assert len(result["losses"]) == 4
    for params, loss in zip(result["params"], result["losses"]):
        assert problem.loss(params) == loss


def test_failed_evaluation_is_an_infinite_loss():
    problem = bp.PROBLEMS["kNN_iris_acc"]
    assert problem.loss({"n_neighbors": 10_000, "p": 2}) == math.inf


def test_split_and_folds_are_bayesmarks():
    problem = bp.PROBLEMS["kNN_iris_acc"]
    X, X_test, y, y_test = problem.data
    assert (len(X), len(X_test)) == (120, 30)  # 80 / 20 of 150
    assert problem.cv.get_n_splits() == 5
    assert type(problem.cv).__name__ == "StratifiedKFold"
    assert type(bp.PROBLEMS["kNN_diabetes_mse"].cv).__name__ == "KFold"


@pytest.mark.parametrize(
    "cls, base", [(bp.NormalizedLasso, Lasso), (bp.NormalizedRidge, Ridge)]
)
def test_normalize_is_the_removed_scikit_learn_option(cls, base):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)) * [1.0, 10.0, 100.0] + 5.0
    y = X @ [1.0, 0.1, 0.01] + rng.normal(size=40)
    # normalize=True: fit on centred columns of unit L2 norm
    Xc = X - X.mean(axis=0)
    Xn = Xc / np.sqrt((Xc**2).sum(axis=0))
    ref = base(alpha=0.01).fit(Xn, y)
    got = cls(alpha=0.01, normalize=True).fit(X, y)
    expected = ref.predict((X - X.mean(axis=0)) / np.sqrt((Xc**2).sum(axis=0)))
    assert got.predict(X) == pytest.approx(expected, rel=1e-6)
    # ignored without an intercept, as it was
    plain = base(alpha=0.01, fit_intercept=False).fit(X, y)
    same = cls(alpha=0.01, fit_intercept=False, normalize=True).fit(X, y)
    assert same.predict(X) == pytest.approx(plain.predict(X))


def test_expected_min_matches_brute_force():
    x = np.random.default_rng(0).normal(size=7)
    for m in range(1, 8):
        brute = np.mean([min(c) for c in itertools.combinations(x, m)])
        assert score.expected_min(x, m) == pytest.approx(brute)
    # by hand: the minimum of 2 of {1, 2, 3, 4} is 1, 1, 1, 2, 2, 3
    assert score.expected_min([4, 2, 3, 1], 2) == pytest.approx(10 / 6)
    with pytest.raises(ValueError, match="m <= len"):
        score.expected_min([1, 2], 3)


def _run(method, seed, losses, budget=2, batch=1, problem="p"):
    return {
        "problem": problem,
        "method": method,
        "seed": seed,
        "budget": budget,
        "batch": batch,
        "losses": losses,
        "params": [{} for _ in losses],
        "wall_time": 1.0,
        "opt_time": 0.1,
        "test_loss": None,
    }


def test_normalised_score_on_a_hand_computed_example():
    runs = [
        _run("random", 0, [4.0, 2.0]),
        _run("random", 1, [3.0, 1.5]),
        _run("bayes", 0, [0.5, None]),  # None: a failed evaluation
    ]
    base = score.baseline(runs)
    # best known: 0.5; clip: Bayesmark's median of the random evaluations
    # {4, 2, 3, 1.5}, the 2nd smallest (not the mean 2.625 nor 2.5)
    assert (base.opt, base.clip) == (0.5, 2.0)
    # 0 at the best known value, 1 at the median random evaluation
    assert score.normalised(runs[2], base, [1, 2]) == pytest.approx([0.0, 0.0])
    assert base.scale([0.5, 1.5, 2.0, 10.0, math.inf]) == pytest.approx(
        [0.0, 2 / 3, 1.0, 1.0, 1.0]
    )
    # random seed 0: best so far 4 then 2, both clipped to 2: score 1
    assert score.normalised(runs[0], base, [1, 2]) == pytest.approx([1.0, 1.0])
    # random's expected score: evaluations clipped to {2, 2, 2, 1.5};
    # one draw: mean 1.875 -> 11 / 12; two draws: the minimum of each of
    # the 6 pairs is 1.5 (3 times) or 2 (3 times): 1.75 -> 5 / 6
    expected = base.random_expected([1, 2])
    assert expected == pytest.approx([11 / 12, 5 / 6])


def test_normalised_score_needs_random_search():
    with pytest.raises(ValueError, match="random"):
        score.baseline([_run("bayes", 0, [1.0, 2.0])])


def test_summary_counts_wins_and_losses_against_random():
    results = []
    for problem in ("p", "q"):
        for seed, losses in enumerate([[3.0, 2.0], [4.0, 2.5], [2.0, 3.0]]):
            results.append(_run("random", seed, losses, problem=problem))
            results.append(_run("bayes", seed, [1.0, 5.0], problem=problem))
    rows, means, problems, *_ = bayesmark.summarise(results, ["bayes", "random"])
    assert problems == ["p", "q"]
    assert rows["bayes"]["mean"] == 0.0  # reached the best known every time
    assert rows["bayes"]["wins"] == 2 and rows["random"]["wins"] == 0
    assert (rows["bayes"]["better"], rows["bayes"]["worse"]) == (2, 0)
    # the ratio to random search's expected score is 0 for a perfect method
    assert rows["bayes"]["vs_random"] == 0.0
    text = bayesmark.report(results, ["bayes", "random"], ["--test"])
    assert "Development run" in text  # seeds below 100 are development seeds


def test_problem_names_select_by_pattern():
    assert bp.problem_names(["DT_iris_*"]) == ["DT_iris_nll", "DT_iris_acc"]
    assert len(bp.problem_names(None)) == 90
    with pytest.raises(ValueError, match="matches no problem"):
        bp.problem_names(["DT_boston_*"])


def test_the_package_never_imports_the_benchmark():
    package = pathlib.Path(sklearn_hypersearch.__file__).parent
    bench = {p.stem for p in BENCH.glob("*.py")}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in bench, (path, name)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--budget", "0"], "--budget must be >= 1"),
        (["--budget", "4", "--batch", "8"], "--batch .8. must be <= --budget"),
        (["--methods", "nope"], "--methods: unknown"),
        (["--problems", "XX_*"], "--problems: 'XX_\\*' matches no problem"),
        (["--load", "a", "--save", "b"], "--load only reports"),
    ],
)
def test_command_line_rejects_bad_input_before_running(argv, message, capsys):
    with pytest.raises(SystemExit):
        bayesmark.main(["--quick", *argv])
    assert re.search(message, capsys.readouterr().err)
