"""Bayesmark's tuning problems, written from its published definitions.

Bayesmark (github uber/bayesmark, the benchmark of the NeurIPS 2020
black-box optimisation challenge) tunes scikit-learn models on datasets
that ship with scikit-learn. A problem is a (model, dataset, metric)
triple; its objective is the mean 5-fold cross-validated loss of one
hyperparameter setting on a fixed 80 % training split. The facts used here
come from these files of that repository (commit 8c420e9):

- ``bayesmark/sklearn_funcs.py``: the models, their fixed settings, the
  searched hyperparameters with their types, ranges and warps, the
  80/20 ``train_test_split(shuffle=True, random_state=0)``, 5-fold
  ``cross_val_score`` and the four metrics;
- ``bayesmark/data.py`` and ``bayesmark/constants.py``: the datasets and
  which metrics go with classification and regression;
- ``bayesmark/space.py`` and ``bayesmark/random_search.py``: what the
  warps mean (random search draws uniformly in the warped space:
  ``log``, ``logit`` or linear) and that a bool is a uniform choice.

Differences from Bayesmark, all forced by scikit-learn versions or by the
need for a deterministic objective:

- The ``boston`` dataset is left out: scikit-learn removed it (1.2), so
  there are 90 problems instead of 108 (9 models x (4 classification
  datasets x 2 metrics + diabetes x 2 metrics)).
- Bayesmark left ``random_state`` unset, so its trees, forests, MLPs,
  AdaBoost and SVM (Platt scaling) gave a different loss at every call of
  the same setting. Here every model has ``random_state=0``: the objective
  is a deterministic function, the same for every method and seed.
- ``lasso``/``linear`` classifiers: Bayesmark used ``LogisticRegression(
  solver="liblinear", multi_class="ovr")`` with an L1 / L2 penalty.
  Recent scikit-learn removed ``multi_class`` and liblinear's multiclass
  support, so the model is ``OneVsRestClassifier`` around the binary
  liblinear model, which computes the same one-vs-rest model; the
  searched names get the ``estimator__`` prefix.
- ``lasso``/``linear`` regressors searched ``normalize`` (removed from
  scikit-learn in 1.2): :class:`NormalizedLasso` and
  :class:`NormalizedRidge` reimplement it (centre, divide each column by
  its L2 norm when ``fit_intercept`` is true, ignored otherwise).
- ``AdaBoostClassifier`` uses the SAMME algorithm (the only one left in
  scikit-learn 1.9; Bayesmark's default at the time was SAMME.R).
- Integers: Bayesmark's random search rounds a uniform draw on
  ``[low, high]``, which gives both bounds half the probability of the
  others; our :class:`~sklearn_hypersearch.Integer` gives every integer
  the same probability (the reference random search here uses it too).
- A failed fit scores NaN (scikit-learn's ``error_score``); the scoring
  treats it as an infinitely bad loss, as Bayesmark did (it set ``inf``).

A logit-warped real has no native dimension in our package nor in the
peers: it is :func:`logit_uniform`, a ``scipy.stats`` distribution uniform
in ``logit(value)``, for our searches and ``RandomizedSearchCV`` (which
then draws exactly like Bayesmark's random search), and a plain real in
logit coordinates, mapped back with ``expit``, for ask/tell peers (see
``_bayesmark_peers.py``).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import inspect
import math
import warnings
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import stats
from scipy.special import expit, logit
from sklearn import datasets
from sklearn.base import clone
from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    cross_validate,
    train_test_split,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from sklearn_hypersearch import Categorical, Distribution, Integer, Real

__all__ = [
    "CV_SPLITS",
    "DATASETS",
    "METRICS",
    "MODELS",
    "PROBLEMS",
    "NormalizedLasso",
    "NormalizedRidge",
    "Param",
    "Problem",
    "logit_uniform",
    "problem_names",
]

#: Folds of the cross-validation (Bayesmark: ``CV_SPLITS = 5``).
CV_SPLITS = 5
#: Share of the data held out for the generalisation loss.
TEST_SIZE = 0.2
#: Seed of the train/test split (Bayesmark's ``shuffle_seed`` default).
SPLIT_SEED = 0


# ---------------------------------------------------------------------------
# Logit-uniform reals
# ---------------------------------------------------------------------------
class _LogitUniformGen(stats.rv_continuous):
    """Uniform in ``logit(x)`` on ``[a, b]`` with ``0 < a < b < 1``."""

    def _argcheck(self, a, b):
        return (a > 0) & (a < b) & (b < 1)

    def _get_support(self, a, b):
        return a, b

    def _pdf(self, x, a, b):
        return 1.0 / ((logit(b) - logit(a)) * x * (1.0 - x))

    def _cdf(self, x, a, b):
        return (logit(x) - logit(a)) / (logit(b) - logit(a))

    def _ppf(self, q, a, b):
        return expit(logit(a) + q * (logit(b) - logit(a)))


#: ``logit_uniform(a, b)``: a frozen distribution uniform in logit space.
logit_uniform = _LogitUniformGen(name="logit_uniform")


# ---------------------------------------------------------------------------
# Regressors with the ``normalize`` option scikit-learn removed in 1.2
# ---------------------------------------------------------------------------
class _NormalizeMixin:
    """Old ``normalize=True``: centre X, divide columns by their L2 norm.

    As scikit-learn < 1.2 did, only when ``fit_intercept`` is true; the
    coefficients are mapped back to the original columns, so ``predict``
    works on raw data.
    """

    def fit(self, X, y, sample_weight=None):
        if not (self.normalize and self.fit_intercept):
            return super().fit(X, y, sample_weight=sample_weight)
        X = np.asarray(X, dtype=float)
        offset = X.mean(axis=0)
        scale = np.sqrt(((X - offset) ** 2).sum(axis=0))
        scale[scale == 0] = 1.0
        super().fit((X - offset) / scale, y, sample_weight=sample_weight)
        self.coef_ = self.coef_ / scale
        self.intercept_ = self.intercept_ - np.dot(offset, self.coef_.T)
        return self


class NormalizedLasso(_NormalizeMixin, Lasso):
    """``Lasso`` with scikit-learn < 1.2's ``normalize`` parameter."""

    _parameter_constraints = {**Lasso._parameter_constraints, "normalize": ["boolean"]}

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        normalize=False,
        max_iter=1000,
        tol=1e-4,
        positive=False,
        random_state=None,
    ):
        super().__init__(
            alpha=alpha,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            positive=positive,
            random_state=random_state,
        )
        self.normalize = normalize


class NormalizedRidge(_NormalizeMixin, Ridge):
    """``Ridge`` with scikit-learn < 1.2's ``normalize`` parameter."""

    _parameter_constraints = {**Ridge._parameter_constraints, "normalize": ["boolean"]}

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        normalize=False,
        max_iter=None,
        tol=1e-4,
        solver="auto",
        random_state=None,
    ):
        super().__init__(
            alpha=alpha,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            solver=solver,
            random_state=random_state,
        )
        self.normalize = normalize


# ---------------------------------------------------------------------------
# Search spaces (bayesmark/sklearn_funcs.py: knn_cfg, svm_cfg, ...)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One searched hyperparameter as Bayesmark defines it.

    ``kind`` is "real", "int" or "bool"; ``warp`` is "linear", "log" or
    "logit" (None for bools); ``low`` and ``high`` are inclusive.
    """

    name: str
    kind: str
    warp: str | None = None
    low: float | None = None
    high: float | None = None

    def dimension(self):
        """The parameter as one of our dimensions."""
        if self.kind == "bool":
            return Categorical([False, True])
        if self.kind == "int":
            return Integer(int(self.low), int(self.high), log=self.warp == "log")
        if self.warp == "logit":
            return Distribution(logit_uniform(self.low, self.high))
        return Real(float(self.low), float(self.high), log=self.warp == "log")


def _real(name, warp, low, high):
    return Param(name, "real", warp, low, high)


def _int(name, warp, low, high):
    return Param(name, "int", warp, low, high)


_KNN = (_int("n_neighbors", "linear", 1, 25), _int("p", "linear", 1, 4))
_SVM = (
    _real("C", "log", 1.0, 1e3),
    _real("gamma", "log", 1e-4, 1e-3),
    _real("tol", "log", 1e-5, 1e-1),
)
_TREE = (
    _int("max_depth", "linear", 1, 15),
    _real("max_features", "logit", 0.01, 0.99),
    _real("min_samples_split", "logit", 0.01, 0.99),
    _real("min_samples_leaf", "logit", 0.01, 0.49),
    _real("min_weight_fraction_leaf", "logit", 0.01, 0.49),
    _real("min_impurity_decrease", "linear", 0.0, 0.5),
)
_MLP_COMMON = (
    _int("hidden_layer_sizes", "linear", 50, 200),
    _real("alpha", "log", 1e-5, 1e1),
    _int("batch_size", "linear", 10, 250),
    _real("learning_rate_init", "log", 1e-5, 1e-1),
    _real("tol", "log", 1e-5, 1e-1),
    _real("validation_fraction", "logit", 0.1, 0.9),
)
_MLP_ADAM = _MLP_COMMON + (
    _real("beta_1", "logit", 0.5, 0.99),
    _real("beta_2", "logit", 0.9, 1.0 - 1e-6),
    _real("epsilon", "log", 1e-9, 1e-6),
)
_MLP_SGD = _MLP_COMMON + (
    _real("power_t", "logit", 0.1, 0.9),
    _real("momentum", "logit", 0.001, 0.999),
)
_ADA = (
    _int("n_estimators", "linear", 10, 100),
    _real("learning_rate", "log", 1e-4, 1e1),
)
_LOGISTIC = (
    _real("estimator__C", "log", 1e-2, 1e2),
    _real("estimator__intercept_scaling", "log", 1e-2, 1e2),
)
_LASSO_REG = (
    _real("alpha", "log", 1e-2, 1e2),
    Param("fit_intercept", "bool"),
    Param("normalize", "bool"),
    _int("max_iter", "log", 10, 5000),
    _real("tol", "log", 1e-5, 1e-1),
    Param("positive", "bool"),
)
_RIDGE_REG = (
    _real("alpha", "log", 1e-2, 1e2),
    Param("fit_intercept", "bool"),
    Param("normalize", "bool"),
    _int("max_iter", "log", 10, 5000),
    _real("tol", "log", 1e-4, 1e-1),
)


def _has_param(cls, name):
    return name in inspect.signature(cls).parameters


def _logistic(l1):
    """Bayesmark's liblinear one-vs-rest logistic regression (L1 or L2)."""
    if inspect.signature(LogisticRegression).parameters["penalty"].default == (
        "deprecated"
    ):  # scikit-learn >= 1.8 spells the penalty with l1_ratio
        penalty = {"l1_ratio": 1.0 if l1 else 0.0}
    else:
        penalty = {"penalty": "l1" if l1 else "l2"}
    return OneVsRestClassifier(
        LogisticRegression(
            solver="liblinear", fit_intercept=True, random_state=0, **penalty
        )
    )


def _ada_classifier():
    extra = (
        {"algorithm": "SAMME"} if _has_param(AdaBoostClassifier, "algorithm") else {}
    )
    return AdaBoostClassifier(random_state=0, **extra)


def _mlp_sgd(cls, **extra):
    return cls(
        solver="sgd",
        early_stopping=True,
        learning_rate="invscaling",
        nesterovs_momentum=True,
        random_state=0,
        **extra,
    )


#: model name -> (classifier factory, regressor factory, clf space, reg space)
MODELS = {
    "DT": (
        lambda: DecisionTreeClassifier(max_leaf_nodes=None, random_state=0),
        lambda: DecisionTreeRegressor(max_leaf_nodes=None, random_state=0),
        _TREE,
        _TREE,
    ),
    "MLP-adam": (
        lambda: MLPClassifier(solver="adam", early_stopping=True, random_state=0),
        lambda: MLPRegressor(solver="adam", early_stopping=True, random_state=0),
        _MLP_ADAM,
        _MLP_ADAM,
    ),
    "MLP-sgd": (
        lambda: _mlp_sgd(MLPClassifier),
        # Bayesmark: "regression crashes often with relu"
        lambda: _mlp_sgd(MLPRegressor, activation="tanh"),
        _MLP_SGD,
        _MLP_SGD,
    ),
    "RF": (
        lambda: RandomForestClassifier(
            n_estimators=10, max_leaf_nodes=None, random_state=0
        ),
        lambda: RandomForestRegressor(
            n_estimators=10, max_leaf_nodes=None, random_state=0
        ),
        _TREE,
        _TREE,
    ),
    "SVM": (
        lambda: SVC(kernel="rbf", probability=True, random_state=0),
        lambda: SVR(kernel="rbf"),
        _SVM,
        _SVM,
    ),
    "ada": (
        _ada_classifier,
        lambda: AdaBoostRegressor(random_state=0),
        _ADA,
        _ADA,
    ),
    "kNN": (KNeighborsClassifier, KNeighborsRegressor, _KNN, _KNN),
    "lasso": (
        lambda: _logistic(l1=True),
        lambda: NormalizedLasso(random_state=0),
        _LOGISTIC,
        _LASSO_REG,
    ),
    "linear": (
        lambda: _logistic(l1=False),
        lambda: NormalizedRidge(solver="auto", random_state=0),
        _LOGISTIC,
        _RIDGE_REG,
    ),
}

#: dataset -> (loader, is classification); boston is gone from scikit-learn.
DATASETS = {
    "breast": (datasets.load_breast_cancer, True),
    "digits": (datasets.load_digits, True),
    "iris": (datasets.load_iris, True),
    "wine": (datasets.load_wine, True),
    "diabetes": (datasets.load_diabetes, False),
}

#: metric -> (scikit-learn scorer, for classification)
METRICS = {
    "nll": ("neg_log_loss", True),
    "acc": ("accuracy", True),
    "mae": ("neg_mean_absolute_error", False),
    "mse": ("neg_mean_squared_error", False),
}


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One Bayesmark problem: a model tuned on a dataset for a metric.

    The loss of a setting is minus the mean of the scorer (a loss for
    all four metrics: log loss, 1 - accuracy up to a constant, MAE, MSE)
    over the 5 folds of ``cv`` on the training split, as in Bayesmark's
    ``SklearnModel.evaluate``.
    """

    model: str
    dataset: str
    metric: str

    @property
    def name(self):
        return f"{self.model}_{self.dataset}_{self.metric}"

    @property
    def is_classification(self):
        return DATASETS[self.dataset][1]

    @property
    def params(self):
        """The searched :class:`Param` s."""
        _, _, clf_space, reg_space = MODELS[self.model]
        return clf_space if self.is_classification else reg_space

    @property
    def scoring(self):
        return METRICS[self.metric][0]

    def estimator(self):
        """A fresh estimator with the model's fixed settings."""
        clf, reg, _, _ = MODELS[self.model]
        return (clf if self.is_classification else reg)()

    def space(self):
        """The search space in our dimensions (a dict, sorted by name)."""
        return {p.name: p.dimension() for p in sorted(self.params, key=_name)}

    @property
    def cv(self):
        """The folds of ``cross_val_score(cv=5)``: unshuffled, stratified
        for classifiers."""
        if self.is_classification:
            return StratifiedKFold(n_splits=CV_SPLITS)
        return KFold(n_splits=CV_SPLITS)

    @cached_property
    def data(self):
        """(X_train, X_test, y_train, y_test), Bayesmark's 80/20 split."""
        loader, _ = DATASETS[self.dataset]
        X, y = loader(return_X_y=True)
        X = np.asarray(X, dtype=float)
        return train_test_split(
            X, y, test_size=TEST_SIZE, random_state=SPLIT_SEED, shuffle=True
        )

    def loss(self, params):
        """Mean CV loss of ``params`` (inf if a fit or a score fails)."""
        X, _, y, _ = self.data
        est = clone(self.estimator()).set_params(**params)
        with warnings.catch_warnings():
            # Bayesmark ignores UserWarnings: searches try odd settings.
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", FutureWarning)
            scores = cross_validate(
                est, X, y, cv=self.cv, scoring=self.scoring, error_score=np.nan
            )["test_score"]
        return score_to_loss(float(np.mean(scores)))

    def test_loss(self, params):
        """Held-out loss of ``params`` fitted on the whole training split."""
        from sklearn.metrics import get_scorer

        X, X_test, y, y_test = self.data
        est = clone(self.estimator()).set_params(**params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                est.fit(X, y)
                score = get_scorer(self.scoring)(est, X_test, y_test)
            except (ValueError, FloatingPointError, ArithmeticError):
                return math.inf
        return score_to_loss(float(score))


def _name(param):
    return param.name


def score_to_loss(score):
    """Minus a "greater is better" score; NaN and -inf become +inf."""
    if score is None or not math.isfinite(score):
        return math.inf
    return -float(score)


def _all_problems():
    out = {}
    for model in MODELS:
        for dataset, (_, is_clf) in DATASETS.items():
            for metric, (_, metric_clf) in METRICS.items():
                if is_clf == metric_clf:
                    problem = Problem(model, dataset, metric)
                    out[problem.name] = problem
    return out


#: Every problem by name ("DT_breast_nll", ...): 90 of them.
PROBLEMS = _all_problems()


def problem_names(patterns=None):
    """Problem names matching any of ``patterns`` (fnmatch), in order.

    ``None`` selects all. A pattern that matches nothing raises
    ``ValueError`` naming it.
    """
    import fnmatch

    if not patterns:
        return list(PROBLEMS)
    out = []
    for pattern in patterns:
        hits = [n for n in PROBLEMS if fnmatch.fnmatchcase(n, pattern)]
        if not hits:
            raise ValueError(
                f"--problems: {pattern!r} matches no problem; names look like "
                f"'DT_breast_nll' (model_dataset_metric)."
            )
        out += [h for h in hits if h not in out]
    return out
