"""GradientSearchCV: follow the hypergradient of the cross-validated score."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
from traceback import format_exc

import numpy as np
from sklearn.base import clone
from sklearn.metrics._scorer import _MultimetricScorer
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metadata_routing import get_routing_for_object

from sklearn_hypersearch._search._base import _BaseHyperSearch
from sklearn_hypersearch._search._docs import fill_doc
from sklearn_hypersearch._search._hypergradients import BACKENDS, backend_for
from sklearn_hypersearch._space._dimensions import Distribution, Real
from sklearn_hypersearch._strategies._gradient import GradientStrategy

#: prefix of the metrics that carry a fold's hypergradient in cv_results_
GRADIENT_PREFIX = "hypergradient_"


@fill_doc
class GradientSearchCV(_BaseHyperSearch):
    """Gradient-based search over continuous hyperparameters.

    Follows the slope of the cross-validated score with respect to the
    continuous hyperparameters, with a projected L-BFGS optimiser in the
    space's unit coordinates (so on the log scale for log dimensions; the
    bounds are respected). Each evaluation is a full cross-validation of one
    candidate and one row of ``cv_results_``; ``n_iter`` bounds their number.

    With ``gradient="exact"`` every fold model also returns the exact
    derivative of its validation score, computed from the fitted model and
    its training fold (see Notes), so one evaluation gives the score and the
    whole gradient whatever the number of hyperparameters. With
    ``gradient="finite_difference"`` the gradient of any estimator is
    estimated from ``2 d`` more evaluations around each accepted point: a
    *local refinement*, best started from the results of a global search
    through ``initial_results``.

    Integer and categorical dimensions are not searched: they keep the
    values of the start point, which is the best point of
    ``initial_results`` if given, else a random draw from
    ``param_distributions``.

    Parameters
    ----------
    estimator : estimator object
        The model whose hyperparameters are tuned, or a
        :class:`~sklearn.pipeline.Pipeline` whose last step is that model
        (preprocessing is fitted on each training fold as usual).

    param_distributions : dict or list of dict
        Parameter names mapped to :class:`~sklearn_hypersearch.Real` (or what
        :class:`~sklearn_hypersearch.Space` accepts). The optimiser moves the
        continuous ones; a ``log=True`` dimension is searched on the log
        scale. A list of dicts gives alternative subspaces: the search stays
        in the start point's one.

    n_iter : int, default=20
        Most candidates evaluated. The search ends earlier when the optimiser
        has converged.

    gradient : {"exact", "finite_difference"}, default="exact"
        Where the gradient comes from. ``"exact"`` needs an estimator with a
        hypergradient back-end (``Ridge``, ``RidgeClassifier``,
        ``KernelRidge``, ``LogisticRegression``, ``PoissonRegressor``,
        ``GammaRegressor``, ``TweedieRegressor``, ``Lasso``, ``ElasticNet``,
        or a Pipeline ending in one) and a smooth ``scoring``; anything else
        is refused with a ``ValueError`` before any fit.
        ``"finite_difference"`` works with any estimator and scoring.

    fd_step : float, default=0.02
        Half-width, in unit coordinates, of the central differences of
        ``gradient="finite_difference"``. Larger steps smooth a noisy score.

    tol : float, default=1e-10
        The search ends when a step improves the score by less than ``tol``
        times its magnitude and the projected gradient is negligible, or when
        the line search finds no better point.

    <search_parameters>

    <lifecycle_parameters>

    Attributes
    ----------
    <search_attributes>

    start_params_ : dict
        Where the optimiser started.

    n_iterations_ : int
        Accepted optimiser steps.

    converged_ : bool
        Whether the optimiser stopped by itself before ``n_iter`` candidates.

    See Also
    --------
    BayesSearchCV : A global search to run before a local refinement.
    sklearn.linear_model.RidgeCV : Leave-one-out ridge on a grid of alphas.

    Notes
    -----
    ``cv_results_`` has, for each differentiated parameter ``name``, the
    columns ``mean_test_hypergradient_<name>`` and ``split<k>_...`` with the
    derivative of the validation score with respect to the parameter's
    value; with ``gradient="finite_difference"`` the columns ``iteration``
    and ``role`` tell which candidates are line-search points and which are
    finite-difference points.

    The exact back-ends differentiate the training solution: ridge-type
    models through their linear solve (Golub, Heath and Wahba 1979), L2
    logistic regression and the GLM regressors by implicit differentiation
    of the optimality conditions with conjugate gradients on Hessian-vector
    products (Pedregosa 2016), Lasso and ElasticNet on the active set
    (Bertrand et al. 2020, 2022). The gradient is that of the fitted model,
    so an iterative solver's ``tol`` limits its accuracy. Smooth scorings are
    ``neg_mean_squared_error``, ``neg_root_mean_squared_error``, ``r2``,
    ``neg_log_loss``, ``neg_brier_score`` (binary),
    ``neg_mean_poisson_deviance`` and ``neg_mean_gamma_deviance``. For
    ``RidgeClassifier``, which has no ``predict_proba``, the search
    differentiates RidgeClassifierCV's criterion, the squared error of
    ``decision_function`` on the +-1 class encoding, when
    ``scoring="neg_mean_squared_error"``.

    References
    ----------
    .. [1] Golub, Heath and Wahba (1979). Generalized cross-validation as a
       method for choosing a good ridge parameter. Technometrics 21(2).
    .. [2] Pedregosa (2016). Hyperparameter optimization with approximate
       gradient. ICML.
    .. [3] Bertrand et al. (2020). Implicit differentiation of Lasso-type
       models for hyperparameter optimization. ICML; JMLR 23 (2022).
    .. [4] Byrd, Lu, Nocedal and Zhu (1995). A limited memory algorithm for
       bound constrained optimization. SIAM J. Sci. Comput. 16(5).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_hypersearch import GradientSearchCV, Real
    >>> X, y = load_diabetes(return_X_y=True)
    >>> search = GradientSearchCV(
    ...     Ridge(),
    ...     {"alpha": Real(1e-4, 1e2, log=True)},
    ...     scoring="neg_mean_squared_error",
    ...     n_iter=25,
    ...     cv=5,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> print(f"{search.best_params_['alpha']:.3f}")
    0.0...
    >>> search.converged_
    True
    """

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        # checked by Space.from_user, which names what is wrong
        "param_distributions": "no_validation",
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "gradient": [StrOptions({"exact", "finite_difference", "surrogate"})],
        "fd_step": [Interval(numbers.Real, 0, 0.5, closed="neither")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=20,
        gradient="exact",
        fd_step=0.02,
        tol=1e-10,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        max_time=None,
        patience=None,
        min_improvement=0.0,
        target_score=None,
        checkpoint=None,
        initial_results=None,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            random_state=random_state,
            error_score=error_score,
            return_train_score=return_train_score,
            max_time=max_time,
            patience=patience,
            min_improvement=min_improvement,
            target_score=target_score,
            checkpoint=checkpoint,
            initial_results=initial_results,
        )
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.gradient = gradient
        self.fd_step = fd_step
        self.tol = tol

    def fit(self, X, y=None, *, callback=None, **params):
        """Run the search; see :meth:`BayesSearchCV.fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        callback : callable, list of callables or None, default=None
            Called after every batch, as in :meth:`BayesSearchCV.fit`.
        **params : dict of str -> object
            Parameters passed to the estimator's ``fit``, the scorer and the
            CV splitter.

        Returns
        -------
        self : object
            Instance of fitted estimator.
        """
        self._validate_params()
        if self.gradient != "exact":
            return super().fit(X, y, callback=callback, **params)
        space = self._checked_space()
        user_scorers, refit_metric = super()._get_scorers()
        plan = _ExactPlan.build(self.estimator, space, user_scorers, self.refit)
        plan.check_fit_params(params)
        estimator = self.estimator
        # The fold models must keep what their hypergradient needs (their
        # training fold): scikit-learn clones self.estimator for every fit,
        # so the search fits a probe wrapping it, and restores it after.
        self.estimator = _FoldProbe(estimator, plan.sample_weight_key)
        self._fold_scorers = (
            _HypergradientScorer(plan, user_scorers, self.error_score == "raise"),
            refit_metric,
        )
        try:
            super().fit(X, y, callback=callback, **params)
        finally:
            self.estimator = estimator
            del self._fold_scorers
        self._restore_user_view(user_scorers, refit_metric)
        return self

    def _get_scorers(self):
        fold_scorers = getattr(self, "_fold_scorers", None)
        return fold_scorers if fold_scorers is not None else super()._get_scorers()

    def _restore_user_view(self, user_scorers, refit_metric):
        """What the probe changed, seen from outside: back to the user's."""
        multimetric = isinstance(user_scorers, _MultimetricScorer)
        self.multimetric_ = multimetric
        self.scorer_ = user_scorers._scorers if multimetric else user_scorers
        if not self.refit and not multimetric:
            # scikit-learn sets these without refit for a single metric only,
            # and the gradient metrics made the fold scores multi-metric
            self.best_index_ = self._select_best_index(
                self.refit, refit_metric, self.cv_results_
            )
            self.best_score_ = self.cv_results_[f"mean_test_{refit_metric}"][
                self.best_index_
            ]
            self.best_params_ = self.cv_results_["params"][self.best_index_]
        for key in [k for k in self.cv_results_ if k.startswith("rank_test_")]:
            if key[len("rank_test_") :].startswith(GRADIENT_PREFIX):
                del self.cv_results_[key]
        if hasattr(self, "best_estimator_"):
            self.best_estimator_ = self.best_estimator_.estimator
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_

    def _checked_space(self):
        space = super()._checked_space()
        for i, sub in enumerate(space.subspaces):
            if not any(d.is_continuous for d in sub.dimensions):
                where = f" (subspace {i})" if space.n_subspaces > 1 else ""
                raise ValueError(
                    f"param_distributions{where} has no continuous dimension: "
                    "GradientSearchCV moves Real parameters only (integer and "
                    "categorical ones keep the start point's values)."
                )
        return space

    def _make_strategy(self, space, random_state):
        return GradientStrategy(
            space,
            gradient="told" if self.gradient == "exact" else self.gradient,
            fd_step=self.fd_step,
            tol=self.tol,
            random_state=random_state,
        )

    def _told_values(self, results, rows, score_key):
        scores = super()._told_values(results, rows, score_key)
        if self.gradient != "exact":
            return scores
        space = self._checked_space()
        names = space.names
        out = np.full((len(rows), 1 + len(names)), np.nan)
        out[:, 0] = scores
        for i, row in enumerate(rows):
            params = results["params"][row]
            sub = space.subspaces[space.subspace_of(params)]
            for name, dim in zip(sub.names, sub.dimensions):
                key = f"mean_test_{GRADIENT_PREFIX}{name}"
                if dim.is_continuous and key in results:
                    value = float(np.asarray(results[key])[row])
                    scale = _value_per_unit(dim, params[name])
                    out[i, 1 + names.index(name)] = value * scale
        return out

    def _set_search_attributes(self, strategy, results, score_key):
        self.start_params_ = dict(strategy.start) if strategy.start else None
        self.n_iterations_ = strategy.n_iterations
        self.converged_ = strategy.converged


def _value_per_unit(dim, value):
    """``d value / d u`` of a continuous dimension at ``value``.

    The inverse of the map in :mod:`sklearn_hypersearch._space._dimensions`:
    linear ``Real``: ``high - low``; log ``Real``: ``value * log(high / low)``;
    ``Distribution``: ``1 / pdf(value)`` (the unit coordinate is the cdf).
    """
    if isinstance(dim, Real):
        if dim.is_log:
            return value * (np.log(dim.high) - np.log(dim.low))
        return dim.high - dim.low
    if isinstance(dim, Distribution):
        return 1.0 / float(dim.dist.pdf(value))
    raise TypeError(f"{dim!r} is not continuous.")


class _ExactPlan:
    """What the exact hypergradient of a search needs, checked before any fit."""

    def __init__(self, backend, final, prefix, names, criterion, refit_name):
        self.backend = backend
        self.final = final
        self.prefix = prefix
        self.names = names  # searched names the back-end differentiates
        self.criterion = criterion
        self.refit_name = refit_name
        self.sample_weight_key = f"{prefix}sample_weight"

    @classmethod
    def build(cls, estimator, space, scorers, refit):
        if isinstance(estimator, Pipeline):
            step_name, final = estimator.steps[-1]
            prefix = f"{step_name}__"
        else:
            final, prefix = estimator, ""
        backend = backend_for(final)
        if backend is None:
            served = sorted(c.__name__ for b in BACKENDS for c in b.classes)
            raise ValueError(
                "GradientSearchCV(gradient='exact') has no hypergradient "
                f"back-end for {type(final).__name__}; it has one for "
                f"{served} (or a Pipeline ending in one). Use "
                "gradient='finite_difference' for a model-agnostic local "
                "refinement, e.g. after BayesSearchCV."
            )
        names = []
        for sub in space.subspaces:
            for name, dim in zip(sub.names, sub.dimensions):
                if not dim.is_continuous:
                    continue
                short = name[len(prefix) :] if name.startswith(prefix) else None
                if short is None or "__" in short or short not in backend.params:
                    raise ValueError(
                        f"GradientSearchCV(gradient='exact') cannot differentiate "
                        f"the score with respect to {name!r}: the back-end of "
                        f"{type(final).__name__} differentiates "
                        f"{[prefix + p for p in backend.params]}. Hold {name!r} "
                        "fixed, or use gradient='finite_difference'."
                    )
                if name not in names:
                    names.append(name)
        backend.check(final, [n[len(prefix) :] for n in names])
        if isinstance(scorers, _MultimetricScorer):
            refit_name = (
                refit if isinstance(refit, str) else sorted(scorers._scorers)[0]
            )
            scorer = scorers._scorers[refit_name]
        else:
            refit_name, scorer = "score", scorers
        criterion = backend.criterion(scorer, final)
        return cls(backend, final, prefix, names, criterion, refit_name)

    def check_fit_params(self, params):
        if self.backend.sample_weight:
            return
        if params.get(self.sample_weight_key) is not None:
            raise ValueError(
                "GradientSearchCV(gradient='exact') does not support "
                f"sample_weight for {type(self.final).__name__}; use "
                "gradient='finite_difference'."
            )

    def fold_gradient(self, probe, X_val, y_val):
        """``{name: d score / d value}`` of one fitted fold model."""
        model = probe.estimator
        X, y, sw = probe.train_
        if isinstance(model, Pipeline):
            head = model[:-1]
            X, X_val = head.transform(X), head.transform(X_val)
            model = model[-1]
        short = [n[len(self.prefix) :] for n in self.names]
        _, grads = self.backend.gradient(
            model, X, y, sw, X_val, y_val, short, self.criterion
        )
        return {n: grads[s] for n, s in zip(self.names, short)}


class _FoldProbe:
    """A fold's estimator that keeps a reference to its training fold.

    It passes parameters, tags and metadata routing through to the wrapped
    estimator, so to scikit-learn's CV loop it is that estimator; the
    search's scorer reads the training fold back to compute the
    hypergradient on the validation fold. Only the search builds probes,
    and it unwraps the refitted one.
    """

    def __init__(self, estimator, sample_weight_key="sample_weight"):
        self.estimator = estimator
        self.sample_weight_key = sample_weight_key
        self.train_ = None

    def __sklearn_clone__(self):
        return _FoldProbe(clone(self.estimator), self.sample_weight_key)

    def __sklearn_tags__(self):
        return self.estimator.__sklearn_tags__()

    def get_params(self, deep=True):
        return self.estimator.get_params(deep=deep)

    def set_params(self, **params):
        self.estimator.set_params(**params)
        return self

    def get_metadata_routing(self):
        return get_routing_for_object(self.estimator)

    def fit(self, X, y=None, **fit_params):
        self.estimator.fit(X, y, **fit_params)
        self.train_ = (X, y, fit_params.get(self.sample_weight_key))
        return self


class _HypergradientScorer(_MultimetricScorer):
    """The user's scorer(s), plus one metric per differentiated parameter."""

    def __init__(self, plan, user_scorers, raise_exc):
        self.plan = plan
        self.user_scorers = user_scorers
        self.user_multimetric = isinstance(user_scorers, _MultimetricScorer)
        metrics = (
            dict(user_scorers._scorers)
            if self.user_multimetric
            else {"score": user_scorers}
        )
        # the gradient metrics are computed by __call__; these stand-ins
        # answer scikit-learn's questions about the metrics (names, weights)
        grads = {GRADIENT_PREFIX + n: _GradientMetric() for n in plan.names}
        super().__init__(scorers={**metrics, **grads}, raise_exc=raise_exc)

    def __call__(self, probe, X, y=None, **kwargs):
        scores = self.user_scorers(probe.estimator, X, y, **kwargs)
        scores = dict(scores) if self.user_multimetric else {"score": scores}
        # on the training fold too (return_train_score): the derivative of
        # the training score, a defined number rather than a NaN column
        try:
            grads = self.plan.fold_gradient(probe, X, y)
        except Exception:
            if self._raise_exc:
                raise
            grads = dict.fromkeys(self.plan.names, format_exc())
        scores.update({GRADIENT_PREFIX + n: _scalar(v) for n, v in grads.items()})
        return scores


class _GradientMetric:
    """Stand-in for one hypergradient metric inside _HypergradientScorer."""

    def _accept_sample_weight(self):
        return True


def _scalar(value):
    if isinstance(value, str):
        return value
    return float(np.sum(value))
