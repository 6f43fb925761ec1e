"""PopulationBasedSearchCV: population-based training (PBT and PB2)."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
import time
import warnings

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_method_params, indexable

from sklearn_hypersearch._search._base import _BaseHyperSearch, _score_key
from sklearn_hypersearch._search._continuation import (
    continuation_for,
    final_step,
    inert_mutable,
    train_further,
    trained_along,
)
from sklearn_hypersearch._search._docs import fill_doc
from sklearn_hypersearch._search._hyperband import _integer_parameter
from sklearn_hypersearch._strategies._pbt import (
    PopulationBasedStrategy,
    check_perturb_factors,
)

# Steps run by n_steps="auto" when n_iter is None.
_DEFAULT_STEPS = 10


@fill_doc
class PopulationBasedSearchCV(_BaseHyperSearch):
    """Population-based training: members train on, the weak copy the strong.

    Population-based training (PBT, Jaderberg et al., 2017) trains
    ``population_size`` members side by side, each with its own
    hyperparameters. Every ``step`` (passes of ``partial_fit``, or trees or
    iterations grown with ``warm_start``) each member is scored by
    cross-validation; the bottom quarter of the members (``exploit_fraction``)
    then copy the fitted models of a member of the top quarter (*exploit*)
    and change its hyperparameters (*explore*) before they train on. A
    member's hyperparameters thus follow a *schedule*: a learning rate
    that is large early and small late, say. With ``explore="pb2"`` a
    Gaussian-process bandit chooses the new hyperparameters (PB2,
    Parker-Holder et al., 2020), which needs far fewer members.

    Only the hyperparameters that can change in the middle of training are
    explored (``perturb``); the others (``hidden_layer_sizes``, ``loss``,
    ...) are fixed for a member and change only when it copies another.

    Parameters
    ----------
    estimator : estimator object
        The estimator to train, or a Pipeline whose last step is. It trains
        on from its fitted state when it (or the last step) is one that
        scikit-learn lets continue: ``SGD*``, ``Perceptron`` and ``MLP*``
        (passes of ``partial_fit``), ``HistGradientBoosting*`` (``max_iter``)
        and the ``GradientBoosting*``, forests, extra trees and bagging
        estimators (``n_estimators``, with ``warm_start``). Any other
        estimator is fitted from scratch at every step (see
        ``continuation``).

    param_distributions : dict or list of dicts
        Parameters to search: lists of values, ``(low, high, prior)``
        tuples, ``scipy.stats`` distributions or dimensions (see
        :class:`~sklearn_hypersearch.Space`). The first step draws the
        members from them; exploring stays inside them.

    population_size : int, default=8
        Members trained side by side (at most the number of points of a
        finite space).

    n_steps : int, "auto" or None, default="auto"
        Steps of training per member. "auto" is 10 when ``n_iter`` is None
        and no limit otherwise. None runs until ``n_iter`` ends the search.

    n_iter : int or None, default=None
        Most evaluations in total, an evaluation being one member's step
        (``n_splits`` fits): ``population_size * n_steps`` without a limit.
        The last step is cut short when the budget runs out. The total
        training is ``n_iter * step`` resource units per CV split.

    step : int, default=1
        Resource units of training between two evaluations of a member:
        passes over the training data for ``partial_fit`` estimators,
        iterations or estimators added with ``warm_start``.

    resource : "auto", str or None, default="auto"
        The parameter that counts a member's training. "auto" is the one
        of the estimator's continuation (``max_iter`` for ``partial_fit``
        estimators, where it counts passes; ``max_iter`` or
        ``n_estimators`` for ``warm_start`` ones; ``"clf__max_iter"`` for a
        Pipeline's last step). For an estimator fitted from scratch at every
        step, an integer parameter set to the member's total budget at each
        fit, or None (every step fits the same; only the hyperparameters
        evolve). It must not be searched.

    perturb : "auto" or list of str, default="auto"
        Searched parameters that exploring may change. "auto" is every
        searched parameter that can change in the middle of the
        estimator's training (and acts in its configuration: SGD's
        ``eta0`` does not with ``learning_rate="optimal"``); for an
        estimator fitted from scratch at every step, every searched
        parameter. A parameter that cannot change mid-training is refused
        with a ``ValueError`` that names it, before any fit.

    exploit_fraction : float, default=0.25
        Truncation selection: the ``int(exploit_fraction *
        population_size)`` worst members (at least one, at most half of the
        population) each copy one of as many best members, drawn at random,
        when it scored better.

    explore : {"perturb", "pb2"}, default="perturb"
        How a copying member changes the perturbable parameters.
        ``"perturb"``: each is drawn again from the space with probability
        ``resample_probability``, otherwise multiplied by one of
        ``perturb_factors`` (integers are rounded and move by at least one,
        categoricals move to a neighbouring choice), within the space.
        ``"pb2"``: a Gaussian process models the score a member gains in a
        step from its parameters and the time; each copying member takes
        the point of highest upper confidence bound, those already chosen
        in the step counting as observed (PB2). Until it has three
        observations, PB2 draws at random.

    resample_probability : float, default=0.25
        See ``explore``.

    perturb_factors : tuple of float, default=(0.8, 1.2)
        See ``explore``.

    continuation : "auto" or bool, default="auto"
        Whether members train on from their fitted fold models. "auto"
        continues when the estimator can (see ``estimator``) and
        ``resource`` is its iteration count; True requires it (a
        ``ValueError`` otherwise); False fits every step from scratch, with
        ``resource`` set to the member's total budget.

    <search_parameters>

    <lifecycle_parameters>

    Attributes
    ----------
    <search_attributes>

    best_schedule_ : list of dict
        How the best model was trained, one entry per step from the
        oldest: ``"step"``, ``"member"`` (whose model it was during that
        step: the lineage), ``"row"`` (its row of ``cv_results_``),
        ``"n_resources"`` (its training at the end of the step) and
        ``"params"`` (the parameters in force during the step). The refit
        replays it on the whole data. It starts where the model started
        from scratch: with ``continuation`` at step 0 (or later, where the
        fit it continued had failed or a resumed search had no model to
        continue), otherwise at the best row.

    n_steps_ : int
        Steps the search ran (the last may be cut short by ``n_iter``).

    continuation_ : str or None
        How members trained on: ``"partial_fit"``, ``"warm_start"``, or
        None for fits from scratch at every step.

    perturb_ : list of str
        The parameters exploring changed.

    See Also
    --------
    PopulationBasedStrategy : The ask/tell strategy, for black-box use.
    HyperbandSearchCV : Early stopping of many candidates over a resource.

    Notes
    -----
    ``cv_results_`` has a row per member and step, with the columns
    ``member``, ``step``, ``parent`` (the member whose fitted models the
    row continued: the member itself, another one it copied, or -1 for a
    start from scratch) and ``n_resources`` (the member's training so
    far); ``params`` holds the parameters in force during the step.
    ``best_index_`` is the best member of the final population (each
    member's last step), as PBT returns; a callable ``refit`` chooses
    freely.

    Members are compared across steps and continue their fold models, so
    the CV splits must be the same at every step: a splitter that shuffles
    must have an integer ``random_state``. Every member is one fitted model
    per split, scored by the mean over the splits; copying a member copies
    all of them. The fitted models travel with the tasks to the joblib
    workers and back (loky, dask, ray), and only those the next step
    continues are kept.

    ``partial_fit`` estimators keep their learning-rate schedule across
    steps (``fit`` with ``warm_start`` would restart it), and an MLP's
    optimiser takes a changed ``learning_rate_init``. Resuming from a
    ``checkpoint`` restores the rows but not the fitted models: the
    members' next step trains from scratch up to its budget.

    The refit replays ``best_schedule_`` on the whole data instead of
    fitting ``best_params_`` at once (``best_params_`` are the parameters
    of the last step only).

    References
    ----------
    .. [1] M. Jaderberg et al., "Population Based Training of Neural
       Networks", arXiv:1711.09846, 2017.
    .. [2] J. Parker-Holder, V. Nguyen and S. Roberts, "Provably Efficient
       Online Hyperparameter Optimization with Population-Based Bandits",
       NeurIPS 2020.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sklearn_hypersearch import PopulationBasedSearchCV, Real
    >>> X, y = load_digits(return_X_y=True)
    >>> search = PopulationBasedSearchCV(
    ...     SGDClassifier(learning_rate="invscaling", random_state=0),
    ...     {"alpha": Real(1e-6, 1e-1, log=True), "eta0": Real(1e-4, 1e-1, log=True)},
    ...     population_size=4,
    ...     n_steps=5,
    ...     step=2,
    ...     cv=3,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> len(search.cv_results_["params"])  # 4 members x 5 steps
    20
    >>> search.continuation_, search.perturb_
    ('partial_fit', ['alpha', 'eta0'])
    >>> [entry["n_resources"] for entry in search.best_schedule_]
    [2, 4, 6, 8, 10]
    >>> print(f"{search.best_score_:.2f}")
    0.9...
    """

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        # checked by Space.from_user, which names what is wrong
        "param_distributions": "no_validation",
        "population_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_steps": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "step": [Interval(numbers.Integral, 1, None, closed="left")],
        "resource": [str, None],
        "perturb": [StrOptions({"auto"}), list, tuple, set, frozenset],
        "exploit_fraction": [Interval(numbers.Real, 0, 0.5, closed="right")],
        "explore": [StrOptions({"perturb", "pb2"})],
        "resample_probability": [Interval(numbers.Real, 0, 1, closed="both")],
        # checked in fit, with what is wrong
        "perturb_factors": "no_validation",
        "continuation": [StrOptions({"auto"}), "boolean"],
    }

    _budget_params = ("n_iter", "n_steps")

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        population_size=8,
        n_steps="auto",
        n_iter=None,
        step=1,
        resource="auto",
        perturb="auto",
        exploit_fraction=0.25,
        explore="perturb",
        resample_probability=0.25,
        perturb_factors=(0.8, 1.2),
        continuation="auto",
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
            estimator,
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
        self.population_size = population_size
        self.n_steps = n_steps
        self.n_iter = n_iter
        self.step = step
        self.resource = resource
        self.perturb = perturb
        self.exploit_fraction = exploit_fraction
        self.explore = explore
        self.resample_probability = resample_probability
        self.perturb_factors = perturb_factors
        self.continuation = continuation

    # -- checks, before any fit ---------------------------------------------
    def _check_search_inputs(self, X, y, split_params):
        # the driver's fit calls this hook after resolving cv, before fitting
        space = self._checked_space()
        if self.n_steps is None and self.n_iter is None:
            raise ValueError(
                "At least one of n_steps and n_iter must be set, got "
                "n_steps=None and n_iter=None."
            )
        check_perturb_factors(self.perturb_factors)
        searched = sorted({n for sub in space.subspaces for n in sub.names})
        self._spec = self._resolve_continuation()
        self._resource = self._resolve_resource(searched)
        self._perturb_names = self._resolve_perturb(searched)

    def _resolve_continuation(self):
        """The estimator's Continuation, or None for fits from scratch."""
        if self.continuation is False:
            return None
        spec = continuation_for(self.estimator)
        _, step = final_step(self.estimator)
        along = trained_along(self.estimator)
        why = None
        if spec is None:
            why = "it is not one that scikit-learn lets train on"
        elif spec.method == "partial_fit" and not hasattr(step, "partial_fit"):
            why = "it has no partial_fit in this configuration"
        elif self.resource not in ("auto", along):
            why = f"it trains on along {along!r}, not resource={self.resource!r}"
        if why is None:
            return spec
        if self.continuation is True:
            raise ValueError(
                f"continuation=True, but {type(step).__name__} cannot continue "
                f"its training: {why}. Use continuation='auto' or False to fit "
                "every step from scratch."
            )
        return None

    def _resolve_resource(self, searched):
        """The parameter set to a member's budget in fits from scratch."""
        if self._spec is not None:
            return None  # the continuation trains by the budget itself
        name = self.resource
        if name == "auto":
            name = trained_along(self.estimator)
        if name is None:
            return None
        if name in searched:
            raise ValueError(
                f"resource={name!r} is also a searched parameter of "
                "param_distributions; remove it from one of them."
            )
        _integer_parameter(self.estimator, name)
        return name

    def _resolve_perturb(self, searched):
        """The searched parameters exploring may change, checked."""
        spec = self._spec
        prefix, step = final_step(self.estimator)
        inert = {}
        if spec is None:
            allowed = set(searched)
        else:
            inert = {
                prefix + k: v for k, v in inert_mutable(self.estimator, spec).items()
            }
            allowed = {prefix + m for m in spec.mutable} - set(inert)
        if isinstance(self.perturb, str):  # "auto"
            names = [n for n in searched if n in allowed]
            if not names and searched:
                warnings.warn(
                    f"None of the searched parameters {searched!r} can change in "
                    f"the middle of {type(step).__name__}'s training, so members "
                    "never copy each other: the search is a random search of "
                    "population_size points trained n_steps steps. Search a "
                    f"parameter among {sorted(allowed)!r} to perturb it.",
                    UserWarning,
                )
            return names
        names = list(self.perturb)
        for name in names:
            if not isinstance(name, str):
                raise TypeError(
                    f"perturb must hold parameter names, got {name!r} in "
                    f"{self.perturb!r}."
                )
            if name not in searched:
                raise ValueError(
                    f"perturb names {name!r}, which is not a parameter of "
                    f"param_distributions (its parameters: {searched!r})."
                )
            if name in inert:
                raise ValueError(
                    f"perturb names {name!r}, which does not change "
                    f"{type(step).__name__}'s training in its configuration: "
                    f"{inert[name]}. Remove it from perturb (or search it "
                    "without perturbing it)."
                )
            if name not in allowed:
                raise ValueError(
                    f"perturb names {name!r}, which cannot change in the middle "
                    f"of {type(step).__name__}'s training ({spec.method}): only "
                    f"{sorted(allowed)!r} can. Remove it from perturb: a "
                    "searched parameter that is not perturbed stays fixed for a "
                    "member and changes only when the member copies another."
                )
        return sorted(set(names))

    # -- the search ---------------------------------------------------------
    def _max_steps(self):
        if self.n_steps == "auto":
            return _DEFAULT_STEPS if self.n_iter is None else None
        return self.n_steps

    def _make_strategy(self, space, random_state):
        return PopulationBasedStrategy(
            space,
            random_state,
            population_size=self.population_size,
            n_steps=self._max_steps(),
            step=self.step,
            perturb=self._perturb_names,
            exploit_fraction=self.exploit_fraction,
            explore=self.explore,
            resample_probability=self.resample_probability,
            perturb_factors=self.perturb_factors,
        )

    def _continuation(self):
        return self._spec

    def _evaluation_groups(self, candidates):
        if self._resource is None:
            yield from super()._evaluation_groups(candidates)
            return
        # a fit from scratch trains the member's whole budget
        params = [{**c.params, self._resource: c.budget} for c in candidates]
        yield list(range(len(candidates))), params, None

    @staticmethod
    def _select_best_index(refit, refit_metric, results):
        """The best member of the final population (each member's last row).

        A callable ``refit`` still chooses freely.
        """
        if callable(refit):
            return BaseSearchCV._select_best_index(refit, refit_metric, results)
        scores = np.asarray(results[f"mean_test_{refit_metric}"], dtype=float)
        last = {}
        for row, (member, step) in enumerate(zip(results["member"], results["step"])):
            if member is None:
                continue  # a row told by initial_results
            if member not in last or step >= last[member][0]:
                last[member] = (step, row)
        rows = sorted(row for _, row in last.values()) or list(range(len(scores)))
        finals = scores[rows]
        if np.isnan(finals).all():
            return int(rows[0])
        return int(rows[int(np.nanargmax(finals))])

    def _set_search_attributes(self, strategy, results, score_key):
        self.n_steps_ = (
            int(max((s for s in results["step"] if s is not None), default=-1)) + 1
        )
        self.continuation_ = None if self._spec is None else self._spec.method
        self.perturb_ = list(self._perturb_names)
        # Stopgap until the driver has a refit hook: scikit-learn's
        # BaseSearchCV.fit refits best_params_ from scratch once _run_search
        # returns; a PBT model is its schedule, so the refit is left to
        # self.fit (refit is restored there, whatever happens).
        if self.refit is not False:
            self._user_refit = self.refit
            self.refit = False

    def fit(self, X, y=None, *, callback=None, **params):
        """Run population-based training and refit the best schedule.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target relative to X; None for unsupervised learning.
        callback : callable, list of callables or None, default=None
            Called after every step, as in the other searches (see
            :meth:`BayesSearchCV.fit <sklearn_hypersearch.BayesSearchCV.fit>`).
        **params : dict of str -> object
            Parameters passed to the ``fit`` (and ``partial_fit``) method of
            the estimator, the scorer and the CV splitter.

        Returns
        -------
        self : object
            Instance of fitted estimator.
        """
        swapped = False
        # as scikit-learn's fit does; the driver's own tasks index X
        # directly, and some sparse formats (DIA, COO) cannot be indexed
        X, y = indexable(X, y)
        try:
            super().fit(X, y, callback=callback, **params)
        finally:
            if "_user_refit" in self.__dict__:
                self.refit = self.__dict__.pop("_user_refit")
                swapped = True
        if hasattr(self, "cv_results_"):
            if swapped:
                self._choose_best()
            if hasattr(self, "best_index_"):
                self.best_schedule_ = self._schedule(self.best_index_)
            if swapped and self.refit:
                self._refit_schedule(X, y, params)
        return self

    def _choose_best(self):
        """``best_index_``, ``best_score_`` and ``best_params_``, as
        scikit-learn's ``BaseSearchCV.fit`` sets them."""
        results = self.cv_results_
        _, refit_metric = self._get_scorers()
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(
                {k[len("mean_test_") :] for k in results if k.startswith("mean_test_")}
            )
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(
                self.refit, refit_metric, results
            )
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][
                    self.best_index_
                ]
            self.best_params_ = results["params"][self.best_index_]

    def _schedule(self, row):
        """The rows that trained ``row``'s model, from its start from scratch."""
        results = self.cv_results_
        members, steps, parents = results["member"], results["step"], results["parent"]
        if members[row] is None:
            return []
        where = {
            (m, s): r for r, (m, s) in enumerate(zip(members, steps)) if m is not None
        }
        scores = np.asarray(results[_score_key(self.refit, results)], dtype=float)
        restored = results.get("restored")
        chain = [row]
        while self._spec is not None:
            r = chain[-1]
            parent = where.get((parents[r], steps[r] - 1)) if parents[r] >= 0 else None
            if parent is None or not math.isfinite(scores[parent]):
                break  # a start from scratch (the parent's fit failed)
            if restored is not None and restored[parent] and not restored[r]:
                break  # resumed: the restored parent's models were not kept
            chain.append(parent)
        return [
            {
                "step": int(steps[r]),
                "member": int(members[r]),
                "row": int(r),
                "n_resources": int(results["n_resources"][r]),
                "params": dict(results["params"][r]),
            }
            for r in reversed(chain)
        ]

    def _refit_schedule(self, X, y, params):
        """``best_estimator_``: the best schedule replayed on all the data."""
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        fit_params = self._get_routed_params_for_fit(params).estimator.fit
        start = time.time()
        self.best_estimator_ = replay_schedule(
            self.estimator,
            self.best_schedule_,
            X,
            y,
            spec=self._spec,
            resource=self._resource,
            fit_params=fit_params,
        )
        self.refit_time_ = time.time() - start
        if hasattr(self.best_estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.best_estimator_.feature_names_in_


def replay_schedule(estimator, schedule, X, y, *, spec, resource=None, fit_params=None):
    """Train a clone of ``estimator`` as ``schedule`` says, on ``(X, y)``.

    Each entry continues the model with its parameters up to its
    ``n_resources``, as the search's continuations did; without ``spec``
    (fits from scratch) only the last entry counts, with ``resource`` set
    to its budget.
    """
    fit_params = fit_params or {}
    if spec is None:
        last = schedule[-1]
        params = clone(last["params"], safe=False)
        if resource is not None:
            params[resource] = last["n_resources"]
        model = clone(estimator).set_params(**params)
        return (
            model.fit(X, y, **fit_params)
            if y is not None
            else model.fit(X, **fit_params)
        )
    classes = (
        np.unique(np.asarray(y)) if y is not None and is_classifier(estimator) else None
    )
    model, done = None, 0
    for entry in schedule:
        units = entry["n_resources"]
        # partial_fit trains by passes, warm_start up to a total
        further = units - done if spec.method == "partial_fit" else units
        model = train_further(
            model,
            estimator,
            entry["params"],
            further,
            X,
            y,
            spec=spec,
            fit_params=fit_params,
            classes=classes,
        )
        done = units
    return model
