"""Continuing fitted models: more training for a candidate, not a new fit.

The driver's one mechanism for the rungs of a multi-fidelity search (a
promoted candidate trains from its fitted fold models of the previous rung)
and for population-based training (a member trains on, possibly from the
state it copied from another member). A :class:`Continuation` says how an
estimator trains more (``warm_start`` with a larger iteration count, or
passes of ``partial_fit``) and which of its parameters may change in the
middle of training; :func:`fit_and_score` is the task that the driver runs
in the joblib workers for one candidate and one split: the fitted state
travels with the task and comes back with its result, so it works the same
under every joblib backend (loky, dask, ray).

The registry :data:`CONTINUATIONS` records, per scikit-learn estimator,
facts read from scikit-learn's source and checked by the tests:

- ``HistGradientBoosting*`` (``max_iter``), ``GradientBoosting*``, forests,
  extra trees and bagging (``n_estimators``) grow with ``warm_start`` up to
  the *total* count given; with a fixed ``random_state`` the result equals a
  model fitted at once (forests draw the seeds of the trees they already
  have before the new ones);
- ``MLP*`` and ``SGD*`` (and ``Perceptron``) train
  by passes of ``partial_fit``; ``fit`` with ``warm_start`` would restart
  their learning-rate schedules. After its first pass an MLP keeps its own
  learning rate in its optimiser and ignores a changed
  ``learning_rate_init``: :func:`_apply_mutable` sets it there too. Some
  mutable parameters act only in some configurations: SGD's ``eta0`` and
  ``power_t`` need a ``learning_rate`` schedule that reads them (not the
  default ``"optimal"``), ``l1_ratio`` the elastic-net penalty, and
  ``Perceptron``'s ``alpha`` a penalty.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
import time
from dataclasses import dataclass, field
from traceback import format_exc

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection._validation import _score
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _check_method_params


@dataclass(frozen=True)
class Continuation:
    """How one estimator class trains more.

    Attributes
    ----------
    method : {"warm_start", "partial_fit"}
        ``"warm_start"``: set ``warm_start=True`` and a larger ``resource``,
        then ``fit``. ``"partial_fit"``: call ``partial_fit`` once per unit
        of budget (one pass over the training fold).
    resource : str or None
        The iteration-count parameter (``"max_iter"``, ``"n_estimators"``)
        for ``"warm_start"``; it holds the *total* count.
    mutable : tuple of str
        Parameters that may change between two continuations and really
        change the training that follows (tested one by one).
    acts_when : tuple of (str, tuple) pairs
        Mutable parameters that act only in some configurations: ``(name,
        ((other, values), ...))`` means that ``name`` changes the training
        only when one of the ``other`` parameters has one of its
        ``values`` (SGD's ``eta0`` needs a ``learning_rate`` schedule that
        reads it). Read by :func:`inert_mutable`.
    """

    method: str
    resource: str | None = None
    mutable: tuple = field(default_factory=tuple)
    acts_when: tuple = field(default_factory=tuple)


_TREES = ("max_depth", "min_samples_leaf", "max_features", "min_samples_split")
_HGB = Continuation(
    "warm_start",
    "max_iter",
    (
        "learning_rate",
        "l2_regularization",
        "max_leaf_nodes",
        "max_depth",
        "min_samples_leaf",
    ),
)
_GB = Continuation("warm_start", "n_estimators", ("learning_rate", *_TREES))
_FOREST = Continuation("warm_start", "n_estimators", _TREES)
_BAGGING = Continuation("warm_start", "n_estimators", ("max_samples", "max_features"))
_MLP = Continuation(
    "partial_fit",
    None,
    ("alpha", "learning_rate_init", "momentum"),
    # adam keeps no momentum parameter (beta_1 plays that part)
    (("momentum", (("solver", ("sgd",)),)),),
)
_PENALTIES = ("l2", "l1", "elasticnet")
_SGD = Continuation(
    "partial_fit",
    None,
    ("alpha", "eta0", "l1_ratio", "power_t"),
    (
        # alpha scales the penalty, and the step size of "optimal"
        ("alpha", (("penalty", _PENALTIES), ("learning_rate", ("optimal",)))),
        # eta0 is the step size of every schedule but "optimal" (the C of
        # scikit-learn 1.9's passive-aggressive "pa1"/"pa2")
        (
            "eta0",
            (("learning_rate", ("constant", "invscaling", "adaptive", "pa1", "pa2")),),
        ),
        ("l1_ratio", (("penalty", ("elasticnet",)),)),
        ("power_t", (("learning_rate", ("invscaling",)),)),
    ),
)

CONTINUATIONS = {
    "HistGradientBoostingClassifier": _HGB,
    "HistGradientBoostingRegressor": _HGB,
    "GradientBoostingClassifier": _GB,
    "GradientBoostingRegressor": _GB,
    "RandomForestClassifier": _FOREST,
    "RandomForestRegressor": _FOREST,
    "ExtraTreesClassifier": _FOREST,
    "ExtraTreesRegressor": _FOREST,
    "BaggingClassifier": _BAGGING,
    "BaggingRegressor": _BAGGING,
    "MLPClassifier": _MLP,
    "MLPRegressor": _MLP,
    "SGDClassifier": _SGD,
    "SGDRegressor": _SGD,
    "Perceptron": Continuation(
        "partial_fit", None, ("alpha", "eta0"), (("alpha", (("penalty", _PENALTIES),)),)
    ),
}


def final_step(estimator):
    """``(prefix, step)``: the estimator that trains, and the prefix of its
    parameters (``"clf__"`` for the last step of a Pipeline)."""
    prefix = ""
    while hasattr(estimator, "steps"):
        name, estimator = estimator.steps[-1]
        prefix += f"{name}__"
    return prefix, estimator


def continuation_for(estimator):
    """The :class:`Continuation` of an estimator (a Pipeline's last step), or
    None when it is not registered (subclasses inherit their base's)."""
    _, step = final_step(estimator)
    for cls in type(step).__mro__:
        if cls.__name__ in CONTINUATIONS:
            return CONTINUATIONS[cls.__name__]
    return None


def inert_mutable(estimator, spec):
    """The mutable parameters of ``spec`` that ``estimator`` ignores.

    Returns a dict ``{name: reason}`` for those whose :attr:`Continuation.acts_when`
    conditions all fail in the estimator's configuration (a Pipeline's last
    step is read).
    """
    _, step = final_step(estimator)
    values = step.get_params(deep=False)
    out = {}
    for name, conditions in spec.acts_when:
        if any(values.get(other) in allowed for other, allowed in conditions):
            continue
        needs = " or ".join(
            f"{other} in {list(allowed)!r}" for other, allowed in conditions
        )
        now = ", ".join(f"{other}={values.get(other)!r}" for other, _ in conditions)
        out[name] = f"it acts only with {needs}, and {type(step).__name__} has {now}"
    return out


def _apply_mutable(model, params, prefix):
    """Set parameters on a fitted model so that training goes on with them.

    An MLP's optimiser copies ``learning_rate_init`` (and ``momentum``) when
    the first pass creates it, and ignores the parameters afterwards.
    """
    model.set_params(**params)
    _, step = final_step(model)
    optimizer = getattr(step, "_optimizer", None)
    if optimizer is None:
        return
    for name in ("learning_rate_init", "momentum"):
        key = prefix + name
        if key in params and hasattr(optimizer, name):
            setattr(optimizer, name, params[key])
            if name == "learning_rate_init" and hasattr(optimizer, "learning_rate"):
                optimizer.learning_rate = params[key]


def fit_and_score(
    model,
    base_estimator,
    params,
    units,
    X,
    y,
    *,
    train,
    test,
    scorer,
    fit_params,
    score_params,
    spec,
    classes,
    return_train_score,
    error_score,
):
    """Train a candidate on one split (further, if ``model`` is given), score it.

    Parameters
    ----------
    model : estimator or None
        The fitted model to continue; None starts from ``clone(base_estimator)``.
    params : dict
        The candidate's parameters (the resource excluded).
    units : int
        Training to do now: passes of ``partial_fit``, or for ``warm_start``
        the new *total* of the resource.

    Returns
    -------
    record : dict
        The fit record scikit-learn's ``_fit_and_score`` returns (fit_error,
        test_scores, train_scores, n_test_samples, fit_time, score_time); the
        fit time is that of this continuation only.
    model : estimator or None
        The fitted model (None if the fit failed).
    """
    fit_params = _check_method_params(X, params=fit_params or {}, indices=train)
    score_test = _check_method_params(X, params=score_params or {}, indices=test)
    score_train = _check_method_params(X, params=score_params or {}, indices=train)
    start = time.time()
    try:
        X_train, y_train = _safe_split(base_estimator, X, y, train)
        X_test, y_test = _safe_split(base_estimator, X, y, test, train)
        model = train_further(
            model,
            base_estimator,
            params,
            units,
            X_train,
            y_train,
            spec=spec,
            fit_params=fit_params,
            classes=classes,
        )
    except Exception:
        if error_score == "raise":
            raise
        record = {
            "fit_error": format_exc(),
            "test_scores": _error_scores(scorer, error_score),
            "n_test_samples": _n(test),
            "fit_time": time.time() - start,
            "score_time": 0.0,
        }
        if return_train_score:
            record["train_scores"] = _error_scores(scorer, error_score)
        return record, None
    fit_time = time.time() - start
    record = {
        "fit_error": None,
        "test_scores": _score(model, X_test, y_test, scorer, score_test, error_score),
        "n_test_samples": _n(test),
        "fit_time": fit_time,
    }
    record["score_time"] = time.time() - start - fit_time
    if return_train_score:
        record["train_scores"] = _score(
            model, X_train, y_train, scorer, score_train, error_score
        )
    return record, model


def train_further(
    model, base_estimator, params, units, X, y, *, spec, fit_params, classes
):
    """``model`` with ``params`` in force, trained ``units`` further on ``(X, y)``.

    ``model`` None starts from ``clone(base_estimator)``; otherwise its
    mutable parameters are set to ``params``. ``units`` is a number of
    ``partial_fit`` passes, or for ``warm_start`` the new *total* of
    ``spec.resource``. Returns the trained model.
    """
    prefix, _ = final_step(base_estimator)
    params = clone(params, safe=False)
    if model is None:
        model = clone(base_estimator).set_params(**params)
    else:
        _apply_mutable(model, params, prefix)
    if spec.method == "warm_start":
        model.set_params(
            **{prefix + "warm_start": True, prefix + spec.resource: int(units)}
        )
        model.fit(X, y, **fit_params)
    else:
        _partial_fit(model, X, y, fit_params, int(units), classes)
    return model


def trained_along(estimator):
    """The parameter that counts an estimator's training (``"max_iter"``,
    ``"clf__n_estimators"`` for a Pipeline's last step), or None when its
    class has no :class:`Continuation`."""
    spec = continuation_for(estimator)
    if spec is None:
        return None
    prefix, _ = final_step(estimator)
    return prefix + (spec.resource or "max_iter")


def _partial_fit(model, X, y, fit_params, n_passes, classes):
    """``n_passes`` passes of ``partial_fit`` of a model or a Pipeline.

    The steps before a Pipeline's last are fitted on the first pass and
    then only transform.
    """
    steps = model.steps if hasattr(model, "steps") else [("", model)]
    Xt = X
    for _, step in steps[:-1]:
        if step is None or step == "passthrough":
            continue
        fitted = getattr(step, "n_features_in_", None) is not None
        Xt = step.transform(Xt) if fitted else step.fit_transform(Xt, y)
    final = steps[-1][1]
    kw = dict(fit_params)
    if is_classifier(final) and not hasattr(final, "classes_"):
        kw["classes"] = classes
    for _ in range(n_passes):
        final.partial_fit(Xt, y, **kw)
        kw.pop("classes", None)


def _error_scores(scorer, error_score):
    names = getattr(scorer, "_scorers", None)
    if isinstance(names, dict):
        return {name: error_score for name in names}
    return error_score


def _n(indices):
    indices = np.asarray(indices)
    return int(indices.sum()) if indices.dtype == bool else len(indices)


def check_units(units, name="units"):
    if not isinstance(units, numbers.Integral) or units < 1:
        raise ValueError(f"{name} must be a positive int, got {units!r}.")
