"""Benchmark tasks: synthetic test functions wrapped as estimators, real tasks.

Part of the benchmark harness (``harness.py`` re-exports everything public
here; see its docstring for how the tasks are used).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from sklearn.svm import SVC

from sklearn_hypersearch import Categorical, Integer, Real


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


def rosenbrock(x):
    """Rosenbrock's valley in any dimension; minimum 0 at (1, ..., 1).

    The domain used here, [-5, 10]^d, is Surjanovic & Bingham's (Virtual
    Library of Simulation Experiments); the optimum lies in a long, curved,
    flat-bottomed valley, hard to follow for a model-based search.
    """
    x = np.asarray(x, dtype=float)
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


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


class Rosenbrock5Estimator(_TestFunctionEstimator):
    def __init__(self, x1=2.5, x2=2.5, x3=2.5, x4=2.5, x5=2.5):
        self.x1 = x1
        self.x2 = x2
        self.x3 = x3
        self.x4 = x4
        self.x5 = x5

    def value(self):
        return rosenbrock([self.x1, self.x2, self.x3, self.x4, self.x5])


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
        "rosenbrock5": _synthetic(
            "rosenbrock5",
            Rosenbrock5Estimator(),
            {f"x{k}": Real(-5.0, 10.0) for k in range(1, 6)},
            -rosenbrock(np.ones(5)),
            "Rosenbrock in 5-d on [-5, 10]^5; minimum 0 at (1, ..., 1).",
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
