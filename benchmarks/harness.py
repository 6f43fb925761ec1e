"""Shared benchmark harness: tasks, peer searches, runs and Markdown tables.

Every benchmark script in this folder uses this module, so all searches are
compared on the same tasks, budgets and seeds::

    import harness  # with benchmarks/ on sys.path

    res = [
        harness.run(m, harness.SYNTHETIC["branin"], n_iter=20, seed=s)
        for m in ("random", "skopt")
        for s in range(3)
    ]
    print(harness.table(res, "regret"))

Run it as a script for a quick comparison::

    python benchmarks/harness.py --methods random skopt --tasks branin \\
        --n-iter 20 --seeds 2

Tasks
-----
Synthetic tasks (``SYNTHETIC``) wrap a test function in a tiny estimator
whose hyperparameters are the function's inputs: ``fit`` does nothing and
``score`` returns ``-f(params)`` whatever the data, so every candidate's
``mean_test_score`` is exactly ``-f`` (greater is better) and the simple
regret of a search is ``task.optimum - best_cv_score`` (0 at the optimum).
The data are a dummy 64 x 1 array and the splitter a fixed 2-fold ``KFold``.

Real tasks (``REAL``) use datasets shipped with scikit-learn, a fixed
stratified train/test split (25 % held out, ``random_state=0``) and a fixed
3-fold ``StratifiedKFold``; the seed changes only the search, never the data.

Budgets
-------
``n_iter`` is the number of evaluated candidates: one evaluation is one
cross-validation of one parameter setting (at some budget for multi-fidelity
searches, so a halving search's rows at small budgets count too). Peers are
configured so that they evaluate ``n_iter`` candidates (``GASearchCV``: at
most ``n_iter``), and :func:`run` counts the evaluations actually made.

Peers (benchmark-only extras, imported lazily)
----------------------------------------------
``random``      ``RandomizedSearchCV``, scipy distributions (see
                :func:`to_scipy`).
``halving``     ``HalvingRandomSearchCV(factor=3, resource="n_samples",
                min_resources="exhaust")`` with the largest ``n_candidates``
                whose rows (all rounds) fit in ``n_iter``.
``skopt``       ``skopt.BayesSearchCV`` with its defaults (GP surrogate,
                ``gp_hedge`` acquisition, 10 initial points, ``n_points=1``).
``optuna-tpe``  ``optuna_integration.OptunaSearchCV``, ``n_trials=n_iter``,
                a study with ``TPESampler(seed=seed)`` (defaults otherwise).
``optuna-gp``   the same with ``GPSampler(seed=seed)`` (needs torch).
``ga``          ``sklearn_genetic.GASearchCV`` (eaMuPlusLambda, defaults
                otherwise) with ``population_size`` P and ``generations`` G
                such that P * (1 + 2 G) <= n_iter (see :func:`ga_schedule`);
                it has no ``random_state``: :func:`run` seeds Python's and
                numpy's global generators before every fit.

:func:`run` limits BLAS/OpenMP/torch threads to one in the driver process
(``threads=1``): on this shared 2-core machine oversubscribed BLAS made
scikit-optimize 4x slower, and parallelism should come from ``n_jobs`` only.
:func:`proposal_time` measures one proposal after n observations (the
optimiser's own overhead) for skopt, the Optuna samplers and our strategies.

Our own searches are registered lazily when ``sklearn_hypersearch`` exports
them ("bayes", "evolution", "hyperband", "c2f"); ``register`` overrides that.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import contextlib
import importlib
import inspect
import math
import random
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin, clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from sklearn.svm import SVC

from sklearn_hypersearch import Categorical, Distribution, Integer, Real

__all__ = [
    "METHODS",
    "PEERS",
    "REAL",
    "SYNTHETIC",
    "TASKS",
    "PeerUnavailable",
    "Result",
    "Task",
    "available",
    "best_so_far",
    "proposal_time",
    "ratio_table",
    "register",
    "run",
    "table",
]


# ---------------------------------------------------------------------------
# Test functions (minimised; the estimators below return minus their value)
# ---------------------------------------------------------------------------
def branin(x1, x2):
    """Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887 at three points."""
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
#: Argmin of Hartmann-6 (Surjanovic & Bingham's table, refined by L-BFGS-B).
HARTMANN6_ARGMIN = (
    0.20168951,
    0.15001069,
    0.47687398,
    0.27533243,
    0.31165162,
    0.65730053,
)


def hartmann6(x):
    """Hartmann-6 on [0, 1]^6; minimum -3.322368 at ``HARTMANN6_ARGMIN``."""
    x = np.asarray(x, dtype=float)
    inner = np.sum(_H6_A * (x - _H6_P) ** 2, axis=1)
    return float(-np.dot(_H6_ALPHA, np.exp(-inner)))


def ackley(x):
    """Ackley (a=20, b=0.2, c=2 pi); minimum 0 at the origin."""
    x = np.asarray(x, dtype=float)
    d = x.size
    return float(
        -20 * math.exp(-0.2 * math.sqrt(np.sum(x**2) / d))
        - math.exp(np.sum(np.cos(2 * math.pi * x)) / d)
        + 20
        + math.e
    )


#: Per ``kind``: (offset, x*, i*, j*, w*) of the mixed function.
MIXED_CENTERS = {
    "a": (0.0, 1.3, 7, -3, 16),
    "b": (0.25, -2.0, 15, 4, 64),
    "c": (0.5, 3.0, 2, 0, 4),
}


def mixed(kind, x, i, j, w):
    """Mixed integer/categorical test function; minimum 0.

    The categorical ``kind`` moves the optimum of every other input and adds
    an offset (0, 0.25, 0.5 for "a", "b", "c"); ``x`` is continuous with a
    cosine ripple, ``i`` an integer with a quadratic term, ``j`` an integer
    with an absolute-value (non-smooth) term and ``w`` an integer searched on
    a log scale. The minimum 0 is reached only at kind="a", x=1.3, i=7,
    j=-3, w=16.
    """
    off, xc, ic, jc, wc = MIXED_CENTERS[kind]
    return (
        off
        + (x - xc) ** 2
        + 0.3 * (1 - math.cos(2 * math.pi * (x - xc)))
        + 0.02 * (i - ic) ** 2
        + 0.1 * abs(j - jc)
        + 0.25 * (math.log2(w) - math.log2(wc)) ** 2
    )


# ---------------------------------------------------------------------------
# Synthetic estimators: hyperparameters are the function's inputs
# ---------------------------------------------------------------------------
class _TestFunctionEstimator(RegressorMixin, BaseEstimator):
    """Base of the synthetic estimators: ``score`` is minus a test function.

    A regressor only so that every peer accepts it (sklearn-genetic-opt
    refuses estimators that are neither classifiers nor regressors); the
    data are ignored.
    """

    def fit(self, X, y=None):
        self.is_fitted_ = True
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None, sample_weight=None):
        return -float(self.value())

    def value(self):
        """The test function at the current hyperparameters."""
        raise NotImplementedError


class BraninEstimator(_TestFunctionEstimator):
    def __init__(self, x1=2.5, x2=7.5):
        self.x1 = x1
        self.x2 = x2

    def value(self):
        return branin(self.x1, self.x2)


class Hartmann6Estimator(_TestFunctionEstimator):
    def __init__(self, x1=0.5, x2=0.5, x3=0.5, x4=0.5, x5=0.5, x6=0.5):
        self.x1 = x1
        self.x2 = x2
        self.x3 = x3
        self.x4 = x4
        self.x5 = x5
        self.x6 = x6

    def value(self):
        return hartmann6([self.x1, self.x2, self.x3, self.x4, self.x5, self.x6])


class Ackley5Estimator(_TestFunctionEstimator):
    def __init__(self, x1=7.5, x2=7.5, x3=7.5, x4=7.5, x5=7.5):
        self.x1 = x1
        self.x2 = x2
        self.x3 = x3
        self.x4 = x4
        self.x5 = x5

    def value(self):
        return ackley([self.x1, self.x2, self.x3, self.x4, self.x5])


class MixedEstimator(_TestFunctionEstimator):
    def __init__(self, kind="b", x=0.0, i=10, j=0, w=32):
        self.kind = kind
        self.x = x
        self.i = i
        self.j = j
        self.w = w

    def value(self):
        return mixed(self.kind, self.x, self.i, self.j, self.w)


class ScalerChoice(TransformerMixin, BaseEstimator):
    """A scaler chosen by name, so the choice is a plain string parameter.

    Peers such as Optuna and sklearn-genetic-opt only take str/int/float
    categories, not estimator objects.
    """

    _SCALERS = {
        "standard": StandardScaler,
        "minmax": MinMaxScaler,
        "robust": RobustScaler,
    }

    def __init__(self, kind="standard"):
        self.kind = kind

    def fit(self, X, y=None):
        if self.kind == "none":
            self.scaler_ = None
        elif self.kind in self._SCALERS:
            self.scaler_ = self._SCALERS[self.kind]().fit(X)
        else:
            raise ValueError(f"ScalerChoice: unknown kind {self.kind!r}.")
        return self

    def transform(self, X):
        return X if self.scaler_ is None else self.scaler_.transform(X)


# ---------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------
@dataclass
class Task:
    """One benchmark problem: an estimator, its space, data and splitter.

    ``optimum`` is the best reachable CV score for synthetic tasks (so that
    regret = optimum - best score) and None for real ones.
    """

    name: str
    kind: str
    estimator: object
    space: dict
    X: object
    y: object
    X_test: object
    y_test: object
    cv: object
    scoring: object = None
    optimum: float | None = None
    description: str = ""

    @property
    def n_splits(self):
        return self.cv.get_n_splits(self.X, self.y)


_DUMMY_X = np.zeros((64, 1))
_DUMMY_Y = np.zeros(64)


def _synthetic(name, estimator, space, optimum, description):
    return Task(
        name=name,
        kind="synthetic",
        estimator=estimator,
        space=space,
        X=_DUMMY_X,
        y=_DUMMY_Y,
        X_test=_DUMMY_X,
        y_test=_DUMMY_Y,
        cv=KFold(n_splits=2),
        scoring=None,
        optimum=optimum,
        description=description,
    )


def _make_synthetic():
    return {
        "branin": _synthetic(
            "branin",
            BraninEstimator(),
            {"x1": Real(-5.0, 10.0), "x2": Real(0.0, 15.0)},
            -branin(math.pi, 2.275),
            "Branin, 2 reals; three global minima 0.397887.",
        ),
        "hartmann6": _synthetic(
            "hartmann6",
            Hartmann6Estimator(),
            {f"x{k}": Real(0.0, 1.0) for k in range(1, 7)},
            -hartmann6(HARTMANN6_ARGMIN),
            "Hartmann-6 on [0, 1]^6; minimum -3.322368.",
        ),
        "ackley5": _synthetic(
            "ackley5",
            Ackley5Estimator(),
            # An asymmetric box: the optimum (origin) is neither the centre
            # of the box nor a corner, so centre-first designs get no free win.
            {f"x{k}": Real(-15.0, 30.0) for k in range(1, 6)},
            -ackley(np.zeros(5)),
            "Ackley in 5-d on [-15, 30]^5; minimum 0 at the origin.",
        ),
        "mixed": _synthetic(
            "mixed",
            MixedEstimator(),
            {
                "kind": Categorical(["a", "b", "c"]),
                "x": Real(-5.0, 5.0),
                "i": Integer(0, 20),
                "j": Integer(-10, 10),
                "w": Integer(1, 256, log=True),
            },
            -mixed("a", *MIXED_CENTERS["a"][1:]),
            "Categorical kind (moves every optimum, offsets 0/0.25/0.5), a "
            "real, two integers, a log-integer; minimum 0 at kind='a', "
            "x=1.3, i=7, j=-3, w=16.",
        ),
    }


def _real(name, estimator, space, X, y, scoring, description):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    return Task(
        name=name,
        kind="real",
        estimator=estimator,
        space=space,
        X=X_train,
        y=y_train,
        X_test=X_test,
        y_test=y_test,
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
        scoring=scoring,
        optimum=None,
        description=description,
    )


def _make_real():
    digits = load_digits()
    cancer = load_breast_cancer()
    wine = load_wine()
    return {
        "svc_digits": _real(
            "svc_digits",
            SVC(),
            {"C": Real(1e-2, 1e3, log=True), "gamma": Real(1e-5, 1e0, log=True)},
            digits.data,
            digits.target,
            "accuracy",
            "RBF SVC on digits (1347 train / 450 test), accuracy.",
        ),
        "hgb_breast_cancer": _real(
            "hgb_breast_cancer",
            HistGradientBoostingClassifier(
                max_iter=100, early_stopping=False, random_state=0
            ),
            {
                "learning_rate": Real(1e-3, 1.0, log=True),
                "max_leaf_nodes": Integer(2, 64, log=True),
                "l2_regularization": Real(1e-4, 10.0, log=True),
                "min_samples_leaf": Integer(1, 50),
            },
            cancer.data,
            cancer.target,
            "neg_log_loss",
            "HistGradientBoosting on breast cancer (426 / 143), neg log loss.",
        ),
        "pipeline_choice": _real(
            "pipeline_choice",
            Pipeline(
                [
                    ("scale", ScalerChoice()),
                    ("reduce", PCA()),
                    ("clf", LogisticRegression(max_iter=1000)),
                ]
            ),
            {
                "scale__kind": Categorical(["standard", "minmax", "robust", "none"]),
                "reduce__n_components": Integer(1, 13),
                "clf__C": Real(1e-4, 1e4, log=True),
            },
            wine.data,
            wine.target,
            # Log loss, not accuracy: accuracy saturates at 1.0 on wine.
            "neg_log_loss",
            "Pipeline(scaler choice, PCA, LogisticRegression) on wine "
            "(133 / 45), neg log loss.",
        ),
    }


SYNTHETIC = _make_synthetic()
REAL = _make_real()
TASKS = {**SYNTHETIC, **REAL}


# ---------------------------------------------------------------------------
# Peer space adapters
# ---------------------------------------------------------------------------
class _LogUniformInt:
    """Integers drawn log-uniformly in [low, high] (scipy has no such dist).

    Only ``rvs`` is needed by ``ParameterSampler``.
    """

    def __init__(self, low, high):
        self.low = low
        self.high = high

    def rvs(self, random_state=None):
        rng = random_state if random_state is not None else np.random
        u = rng.uniform(math.log(self.low - 0.5), math.log(self.high + 0.5))
        return int(min(max(round(math.exp(u)), self.low), self.high))

    def __repr__(self):
        return f"_LogUniformInt({self.low}, {self.high})"


def _dims(space):
    return sorted(space.items())


def to_scipy(space):
    """Space -> ``RandomizedSearchCV`` distributions (scipy.stats or lists)."""
    from scipy import stats

    out = {}
    for name, dim in _dims(space):
        if isinstance(dim, Real):
            out[name] = (
                stats.loguniform(dim.low, dim.high)
                if dim.is_log
                else stats.uniform(dim.low, dim.high - dim.low)
            )
        elif isinstance(dim, Integer):
            out[name] = (
                _LogUniformInt(dim.low, dim.high)
                if dim.is_log
                else stats.randint(dim.low, dim.high + 1)
            )
        elif isinstance(dim, Categorical):
            out[name] = list(dim.choices)
        elif isinstance(dim, Distribution):
            out[name] = dim.dist
        else:
            raise TypeError(f"to_scipy: unsupported dimension {dim!r} for {name!r}.")
    return out


def to_skopt(space):
    """Space -> scikit-optimize dimensions."""
    from skopt import space as sk

    out = {}
    for name, dim in _dims(space):
        prior = "log-uniform" if dim.is_log else "uniform"
        if isinstance(dim, Real):
            out[name] = sk.Real(dim.low, dim.high, prior=prior, name=name)
        elif isinstance(dim, Integer):
            out[name] = sk.Integer(dim.low, dim.high, prior=prior, name=name)
        elif isinstance(dim, Categorical):
            out[name] = sk.Categorical(list(dim.choices), name=name)
        else:
            raise TypeError(f"to_skopt: unsupported dimension {dim!r} for {name!r}.")
    return out


def to_optuna(space):
    """Space -> Optuna distributions."""
    from optuna import distributions as od

    out = {}
    for name, dim in _dims(space):
        if isinstance(dim, Real):
            out[name] = od.FloatDistribution(dim.low, dim.high, log=dim.is_log)
        elif isinstance(dim, Integer):
            out[name] = od.IntDistribution(dim.low, dim.high, log=dim.is_log)
        elif isinstance(dim, Categorical):
            out[name] = od.CategoricalDistribution(list(dim.choices))
        else:
            raise TypeError(f"to_optuna: unsupported dimension {dim!r} for {name!r}.")
    return out


def to_genetic(space):
    """Space -> sklearn-genetic-opt ``Space`` dict.

    sklearn-genetic-opt has no log-scaled integers: those become uniform.
    """
    from sklearn_genetic import space as gs

    out = {}
    for name, dim in _dims(space):
        if isinstance(dim, Real):
            dist = "log-uniform" if dim.is_log else "uniform"
            out[name] = gs.Continuous(dim.low, dim.high, distribution=dist)
        elif isinstance(dim, Integer):
            out[name] = gs.Integer(dim.low, dim.high)
        elif isinstance(dim, Categorical):
            out[name] = gs.Categorical(list(dim.choices))
        else:
            raise TypeError(f"to_genetic: unsupported dimension {dim!r} for {name!r}.")
    return out


# ---------------------------------------------------------------------------
# Budget arithmetic
# ---------------------------------------------------------------------------
def halving_rows(n_candidates, *, factor, min_resources, max_resources):
    """Rows (evaluations) of ``HalvingRandomSearchCV(min_resources="exhaust")``.

    Mirrors scikit-learn's schedule: ``min_resources`` is the "smallest"
    value (2 * n_splits, times n_classes for classifiers).
    """
    n_required = 1 + math.floor(math.log(n_candidates, factor))
    min_res = max(min_resources, max_resources // factor ** (n_required - 1))
    n_possible = 1 + math.floor(math.log(max_resources // min_res, factor))
    rows, n = 0, n_candidates
    for _ in range(min(n_possible, n_required)):
        rows += n
        n = math.ceil(n / factor)
    return rows


def ga_schedule(n_iter, min_population=3):
    """(population_size, generations) for ``GASearchCV`` with <= n_iter fits.

    eaMuPlusLambda evaluates the population once, then lambda = 2 P
    offspring per generation (crossover + mutation probabilities sum to 1,
    so every offspring is new): P * (1 + 2 G) evaluations. Among schedules
    using at least 95 % of the budget (or the fullest, if none does), take
    the population closest to sqrt(2 n_iter).
    """
    options = []
    for gens in range(1, n_iter):
        pop = n_iter // (1 + 2 * gens)
        if pop < min_population:
            break
        options.append((pop * (1 + 2 * gens), pop, gens))
    if not options:
        return max(n_iter, 2), 0
    best_used = max(o[0] for o in options)
    good = [o for o in options if o[0] >= 0.95 * n_iter] or [
        o for o in options if o[0] == best_used
    ]
    target = math.sqrt(2 * n_iter)
    _, pop, gens = min(good, key=lambda o: (abs(o[1] - target), -o[0]))
    return pop, gens


# ---------------------------------------------------------------------------
# Peer factories: factory(task, n_iter, seed, n_jobs) -> unfitted search
# ---------------------------------------------------------------------------
class PeerUnavailable(ImportError):
    """A method's package is not installed or cannot run here."""


def _import(module, method):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise PeerUnavailable(f"{method!r} needs {module!r}: {exc}") from exc


def _random_factory(task, n_iter, seed, n_jobs):
    from sklearn.model_selection import RandomizedSearchCV

    return RandomizedSearchCV(
        task.estimator,
        to_scipy(task.space),
        n_iter=n_iter,
        scoring=task.scoring,
        cv=task.cv,
        random_state=seed,
        n_jobs=n_jobs,
    )


def _halving_factory(task, n_iter, seed, n_jobs):
    from sklearn.base import is_classifier
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV

    factor = 3
    min_res = 2 * task.n_splits
    if is_classifier(task.estimator):
        min_res *= len(np.unique(task.y))
    max_res = len(task.y)
    n_candidates = 1
    while (
        halving_rows(
            n_candidates + 1,
            factor=factor,
            min_resources=min_res,
            max_resources=max_res,
        )
        <= n_iter
    ):
        n_candidates += 1
    return HalvingRandomSearchCV(
        task.estimator,
        to_scipy(task.space),
        n_candidates=n_candidates,
        factor=factor,
        resource="n_samples",
        min_resources="exhaust",
        scoring=task.scoring,
        cv=task.cv,
        random_state=seed,
        n_jobs=n_jobs,
    )


def _skopt_factory(task, n_iter, seed, n_jobs):
    skopt = _import("skopt", "skopt")
    return skopt.BayesSearchCV(
        task.estimator,
        to_skopt(task.space),
        n_iter=n_iter,
        scoring=task.scoring,
        cv=task.cv,
        random_state=seed,
        n_jobs=n_jobs,
        n_points=1,
    )


def _optuna_factory(sampler_name):
    def factory(task, n_iter, seed, n_jobs):
        method = "optuna-" + ("tpe" if sampler_name == "TPESampler" else "gp")
        optuna = _import("optuna", method)
        if sampler_name == "GPSampler":
            _import("torch", method)
        # Optuna >= 4 moved OptunaSearchCV to the optuna-integration package.
        try:
            from optuna_integration import OptunaSearchCV
        except ImportError as exc:
            raise PeerUnavailable(
                f"{method!r} needs optuna-integration[sklearn]: {exc}"
            ) from exc
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = getattr(optuna.samplers, sampler_name)(seed=seed)
        study = optuna.create_study(direction="maximize", sampler=sampler)
        return OptunaSearchCV(
            task.estimator,
            to_optuna(task.space),
            n_trials=n_iter,
            scoring=task.scoring,
            cv=task.cv,
            study=study,
            random_state=seed,
            n_jobs=n_jobs,
            verbose=0,
        )

    return factory


def _ga_factory(task, n_iter, seed, n_jobs):
    gen = _import("sklearn_genetic", "ga")
    population, generations = ga_schedule(n_iter)
    return gen.GASearchCV(
        task.estimator,
        cv=task.cv,
        param_grid=to_genetic(task.space),
        scoring=task.scoring,
        population_size=population,
        generations=generations,
        n_jobs=n_jobs,
        verbose=False,
    )


#: name -> factory(task, n_iter, seed, n_jobs) -> unfitted search.
METHODS = {}
#: The peers' names, in table order.
PEERS = ("random", "halving", "skopt", "optuna-tpe", "optuna-gp", "ga")
_OURS = {
    "bayes": "BayesSearchCV",
    "evolution": "EvolutionSearchCV",
    "hyperband": "HyperbandSearchCV",
    "c2f": "CoarseToFineSearchCV",
}


def register(name, factory):
    """Add or replace a method: ``factory(task, n_iter, seed, n_jobs)``."""
    if not callable(factory):
        raise TypeError(f"register: factory for {name!r} must be callable.")
    METHODS[name] = factory


for _name, _factory in (
    ("random", _random_factory),
    ("halving", _halving_factory),
    ("skopt", _skopt_factory),
    ("optuna-tpe", _optuna_factory("TPESampler")),
    ("optuna-gp", _optuna_factory("GPSampler")),
    ("ga", _ga_factory),
):
    register(_name, _factory)


def _ours_factory(cls):
    """Default factory for one of our classes: space, n_iter, cv, seed.

    The budget is passed as ``n_iter`` when the class takes it; classes with
    other budgets (Hyperband) should ``register`` their own factory.
    """
    params = inspect.signature(cls.__init__).parameters

    def factory(task, n_iter, seed, n_jobs):
        kwargs = {
            getattr(cls, "_space_attr", "param_distributions"): task.space,
            "scoring": task.scoring,
            "cv": task.cv,
            "random_state": seed,
            "n_jobs": n_jobs,
        }
        if "n_iter" not in params:
            raise PeerUnavailable(
                f"{cls.__name__} takes no n_iter: register a factory for it "
                "with harness.register(name, factory)."
            )
        kwargs["n_iter"] = n_iter
        return cls(task.estimator, **kwargs)

    return factory


def _register_ours():
    """Register our search classes exported by sklearn_hypersearch (lazy)."""
    pkg = importlib.import_module("sklearn_hypersearch")
    for name, cls_name in _OURS.items():
        cls = getattr(pkg, cls_name, None)
        if cls is not None and name not in METHODS:
            register(name, _ours_factory(cls))


_register_ours()


def available(method, task=None):
    """None if ``method`` can build a search here, else the reason (str)."""
    _register_ours()
    if method not in METHODS:
        return f"unknown method {method!r}"
    task = task if task is not None else SYNTHETIC["branin"]
    try:
        with _quiet():
            METHODS[method](task, 2, 0, 1)
    except PeerUnavailable as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
@dataclass
class Result:
    """One search run. Scores are "greater is better" (the task's scoring).

    ``trace`` holds the refit metric's mean CV score of every evaluation in
    evaluation order; ``fit_time`` the summed fit + score time of all CV
    splits; ``overhead`` is ``wall_time - fit_time - refit_time``, the
    optimiser's own time when ``n_jobs=1``. ``regret`` (synthetic tasks
    only) is ``task.optimum - best_cv_score``.
    """

    method: str
    task: str
    seed: int
    n_evals: int
    best_cv_score: float
    regret: float | None
    test_score: float
    wall_time: float
    fit_time: float
    trace: list = field(repr=False)
    search: object = field(default=None, repr=False)
    n_jobs: int = 1
    overhead: float = math.nan


def _refit_metric(search):
    refit = getattr(search, "refit", True)
    return refit if isinstance(refit, str) else "score"


def _evaluations(search, n_splits):
    """(trace, fit_time) of a fitted search, in evaluation order."""
    if hasattr(search, "study_"):  # OptunaSearchCV
        metric = _refit_metric(search)
        trace, fit_time = [], 0.0
        for trial in sorted(search.trials_, key=lambda t: t.number):
            attrs = trial.user_attrs
            if f"mean_test_{metric}" not in attrs:
                continue  # a trial that did not finish
            trace.append(float(attrs[f"mean_test_{metric}"]))
            fit_time += n_splits * (attrs["mean_fit_time"] + attrs["mean_score_time"])
        return trace, fit_time
    if hasattr(search, "logbook") and "parameters" in search.logbook.chapters:
        # GASearchCV: the logbook repeats cached individuals with their
        # original "index"; keep each real evaluation once.
        seen, trace, fit_time = set(), [], 0.0
        for rec in search.logbook.chapters["parameters"]:
            if rec["index"] in seen:
                continue
            seen.add(rec["index"])
            trace.append(float(rec["score"]))
            fit_time += float(np.sum(rec["fit_time"]) + np.sum(rec["score_time"]))
        return trace, fit_time
    res = search.cv_results_
    metric = _refit_metric(search)
    n_splits = getattr(search, "n_splits_", n_splits)
    trace = [float(s) for s in res[f"mean_test_{metric}"]]
    fit_time = float(
        np.sum((np.asarray(res["mean_fit_time"]) + res["mean_score_time"]) * n_splits)
    )
    return trace, fit_time


@contextlib.contextmanager
def _quiet():
    """Silence the peers' chatter (convergence, experimental, deprecation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", module="skopt")
        warnings.filterwarnings("ignore", module="optuna.*")
        warnings.filterwarnings("ignore", message=".*experimental.*")
        yield


@contextlib.contextmanager
def _limit_threads(threads):
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    try:
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(limits=threads):
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(before)


def run(method, task, n_iter, seed, n_jobs=1, threads=1):
    """Fit ``method``'s search on ``task`` with ``n_iter`` evaluations.

    Parameters
    ----------
    method : str
        A key of ``METHODS``.
    task : Task or str
        A task or a key of ``TASKS``.
    n_iter : int
        Number of evaluated candidates.
    seed : int
        The search's random_state (the data never change with it).
    n_jobs : int, default=1
    threads : int or None, default=1
        BLAS/OpenMP (and torch) threads in this process during the fit;
        None leaves the libraries' defaults. One thread keeps optimisers
        comparable on a shared machine (oversubscribed BLAS made
        scikit-optimize 4x slower here) and leaves parallelism to n_jobs.

    Returns
    -------
    Result
    """
    _register_ours()
    if isinstance(task, str):
        task = TASKS[task]
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; known: {sorted(METHODS)}.")
    with _quiet():
        search = METHODS[method](task, n_iter, seed, n_jobs)
    # (after the factory, which may import torch, so that its threads are
    # limited too)
    with _quiet(), _limit_threads(threads):
        # GASearchCV (DEAP) draws from the global generators; seeding them
        # for every method keeps all runs reproducible.
        random.seed(seed)
        np.random.seed(seed)
        start = time.perf_counter()
        search.fit(task.X, task.y)
        wall_time = time.perf_counter() - start
    trace, fit_time = _evaluations(search, task.n_splits)
    best = float(search.best_score_)
    if task.X_test is task.X:
        test_score = best  # synthetic: the score does not depend on data
    else:
        test_score = float(search.score(task.X_test, task.y_test))
    regret = None if task.optimum is None else float(task.optimum - best)
    refit_time = float(getattr(search, "refit_time_", 0.0) or 0.0)
    return Result(
        method=method,
        task=task.name,
        seed=seed,
        n_evals=len(trace),
        best_cv_score=best,
        regret=regret,
        test_score=test_score,
        wall_time=wall_time,
        fit_time=fit_time,
        trace=trace,
        search=search,
        n_jobs=n_jobs,
        overhead=wall_time - fit_time - refit_time,
    )


def best_so_far(trace, optimum=None):
    """Running best of a trace; as regret when ``optimum`` is given."""
    scores = np.asarray(trace, dtype=float)
    scores = np.where(np.isfinite(scores), scores, -np.inf)
    best = np.maximum.accumulate(scores) if scores.size else scores
    return best if optimum is None else optimum - best


# ---------------------------------------------------------------------------
# Optimiser overhead: time of one proposal after n observations
# ---------------------------------------------------------------------------
def _observations(task, n_observed, seed):
    """n random points of a synthetic task and their scores (-f)."""
    from sklearn_hypersearch import Space

    points = Space(task.space).sample(n_observed, random_state=seed)
    scores = [float(clone(task.estimator).set_params(**p).score(None)) for p in points]
    return points, scores


def _skopt_proposal(task, points, scores, seed):
    from skopt import Optimizer

    dims = to_skopt(task.space)
    names = sorted(dims)
    # BayesSearchCV's defaults: GP, gp_hedge, 10 initial points.
    opt = Optimizer([dims[n] for n in names], random_state=seed)
    xs = [[p[n] for n in names] for p in points]
    ys = [-s for s in scores]  # skopt minimises
    opt.tell(xs[:-1], ys[:-1], fit=False)
    start = time.perf_counter()
    # skopt fits its model and optimises the acquisition inside tell().
    opt.tell(xs[-1], ys[-1])
    opt.ask()
    return time.perf_counter() - start


def _optuna_proposal(sampler_name):
    def proposal(task, points, scores, seed):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        dists = to_optuna(task.space)
        sampler = getattr(optuna.samplers, sampler_name)(seed=seed)
        study = optuna.create_study(direction="maximize", sampler=sampler)
        study.add_trials(
            [
                optuna.trial.create_trial(params=p, distributions=dists, value=s)
                for p, s in zip(points, scores)
            ]
        )
        start = time.perf_counter()
        study.ask(fixed_distributions=dists)
        return time.perf_counter() - start

    return proposal


def _ours_proposal(method):
    def proposal(task, points, scores, seed):
        search = METHODS[method](task, len(points) + 1, seed, 1)
        space = search._checked_space()
        strategy = search._make_strategy(space, np.random.default_rng(seed))
        strategy.tell(points, scores)
        start = time.perf_counter()
        strategy.ask(1)
        return time.perf_counter() - start

    return proposal


_PROPOSERS = {
    "skopt": _skopt_proposal,
    "optuna-tpe": _optuna_proposal("TPESampler"),
    "optuna-gp": _optuna_proposal("GPSampler"),
}


def proposal_time(method, task, n_observed, seed=0, repeats=3, threads=1):
    """Median seconds the optimiser takes to propose one point.

    The optimiser is told ``n_observed`` random points of a synthetic task,
    then asked for one more; only that last step is timed (scikit-optimize:
    its last ``tell``, where it fits the GP and optimises the acquisition,
    plus ``ask``; Optuna: ``study.ask``; ours: ``strategy.ask(1)`` after
    ``strategy.tell``, through the search's ``_make_strategy``). Peers use
    the same settings as their factories.
    """
    _register_ours()
    if isinstance(task, str):
        task = TASKS[task]
    if task.kind != "synthetic":
        raise ValueError(f"proposal_time needs a synthetic task, got {task.name!r}.")
    if method in _PROPOSERS:
        proposer = _PROPOSERS[method]
    elif method in _OURS and method in METHODS:
        proposer = _ours_proposal(method)
    else:
        raise ValueError(f"proposal_time does not support {method!r}.")
    reason = available(method)
    if reason is not None:
        raise PeerUnavailable(reason)
    points, scores = _observations(task, n_observed, seed)
    times = []
    with _quiet(), _limit_threads(threads):
        for rep in range(repeats):
            times.append(proposer(task, points, scores, seed + rep))
    return float(np.median(times))


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------
def _value(result, metric):
    value = metric(result) if callable(metric) else getattr(result, metric)
    return math.nan if value is None else float(value)


def _grid(results, metric):
    """{(method, task): array of metric values}, methods and tasks in order."""
    methods, tasks, cells = [], [], {}
    for r in results:
        if r.method not in methods:
            methods.append(r.method)
        if r.task not in tasks:
            tasks.append(r.task)
        cells.setdefault((r.method, r.task), []).append(_value(r, metric))
    return methods, tasks, {k: np.asarray(v) for k, v in cells.items()}


def _fmt(x):
    if not np.isfinite(x):
        return "nan" if np.isnan(x) else str(x)
    return f"{x:.3g}"


def _median_iqr(values):
    values = values[~np.isnan(values)]
    if values.size == 0:
        return "–"
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return f"{_fmt(med)} [{_fmt(q1)}, {_fmt(q3)}]"


def _markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def table(results, metric):
    """Markdown table: median [25th, 75th percentile] per method x task.

    Parameters
    ----------
    results : list of Result
    metric : str or callable
        A ``Result`` field ("regret", "test_score", "wall_time", ...) or a
        function of a Result. None values (regret of real tasks) are left
        out; an empty cell shows "–".
    """
    methods, tasks, cells = _grid(results, metric)
    rows = [
        [m] + [_median_iqr(cells.get((m, t), np.array([]))) for t in tasks]
        for m in methods
    ]
    return _markdown(["method"] + tasks, rows)


def ratio_table(results, metric, reference="random"):
    """Markdown table of median(metric) / median(metric of ``reference``).

    Useful for wall time or regret against random search; cells are
    "–" where the reference is missing or its median is 0.
    """
    methods, tasks, cells = _grid(results, metric)
    rows = []
    for m in methods:
        row = [m]
        for t in tasks:
            ref = cells.get((reference, t))
            val = cells.get((m, t))
            if ref is None or val is None:
                row.append("–")
                continue
            den, num = np.nanmedian(ref), np.nanmedian(val)
            row.append("–" if den == 0 or np.isnan(den) else f"{num / den:.3g}x")
        rows.append(row)
    return _markdown([f"method (vs {reference})"] + tasks, rows)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(PEERS))
    parser.add_argument("--tasks", nargs="+", default=["branin"])
    parser.add_argument("--n-iter", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args(argv)

    results, skipped = [], {}
    for method in args.methods:
        reason = available(method)
        if reason is not None:
            skipped[method] = reason
            continue
        for name in args.tasks:
            for seed in range(args.seeds):
                results.append(run(method, name, args.n_iter, seed, args.n_jobs))
    synthetic = [r for r in results if r.regret is not None]
    real = [r for r in results if r.regret is None]
    if synthetic:
        print(f"\n## Simple regret at {args.n_iter} evaluations\n")
        print(table(synthetic, "regret"))
    if real:
        print(f"\n## Best CV score at {args.n_iter} evaluations\n")
        print(table(real, "best_cv_score"))
        print("\n## Held-out test score\n")
        print(table(real, "test_score"))
    for metric in ("n_evals", "wall_time", "fit_time", "overhead"):
        print(f"\n## {metric}\n")
        print(table(results, metric))
    print("\n## Wall time relative to random search\n")
    print(ratio_table(results, "wall_time"))
    for method, reason in skipped.items():
        print(f"\nskipped {method}: {reason}")


if __name__ == "__main__":
    main()
