"""HyperbandSearchCV: successive-halving brackets over a resource."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
import warnings
from collections import defaultdict

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _num_samples

from sklearn_hypersearch._search._base import _BaseHyperSearch
from sklearn_hypersearch._search._continuation import (
    continuation_for,
    final_step,
    trained_along,
)
from sklearn_hypersearch._search._docs import fill_doc
from sklearn_hypersearch._strategies._hyperband import (
    HyperbandStrategy,
    hyperband_schedule,
    schedule_cost,
)

# "auto" min_resources keeps at most this many halvings per bracket, i.e. at
# most 5 brackets, the paper's running example (R = 81, eta = 3).
_AUTO_MAX_HALVINGS = 4


@fill_doc
class HyperbandSearchCV(_BaseHyperSearch):
    """Hyperband search: many cheap evaluations, few expensive ones.

    Hyperband (Li et al., 2018) runs several brackets of successive
    halving. A bracket evaluates many candidates with a small resource
    (training samples, trees, iterations), keeps the best ``1 / factor`` of
    them, evaluates those with ``factor`` times more resource, and so on up
    to ``max_resources``. The brackets differ in how many candidates they
    start with and how small their first resource is, which hedges over how
    early a candidate can be judged. With ``sampler="bohb"`` or ``"gp"``,
    new candidates come from a model of the results so far, fitted on every
    rung with the resource as an input, instead of from the prior: BOHB's
    densities (Falkner et al., 2018) or a Gaussian process.

    Parameters
    ----------
    estimator : estimator object
        An object of that type is instantiated for each candidate.

    param_distributions : dict or list of dicts
        Parameters to search: lists of values, ``(low, high, prior)``
        tuples, ``scipy.stats`` distributions or dimensions (see
        :class:`~sklearn_hypersearch.Space`). The resource must not be
        one of them.

    n_iter : int or None, default=None
        Budget in full-resource evaluations, so that it buys about the
        compute of ``RandomizedSearchCV(n_iter=n_iter)``: whole brackets
        run, in Hyperband's order and cycling into further Hyperband
        iterations, as long as their total resource (the sum over rungs of
        candidates times resource) stays within
        ``n_iter * max_resources_``. A bracket is never cut short. At
        least one bracket runs: if ``n_iter`` is below the cost of the
        first bracket (about ``s_max + 1`` full evaluations), that bracket
        runs alone and a ``UserWarning`` says so. None runs ``n_brackets``
        (with ``max_time`` and ``n_brackets="auto"``: Hyperband iterations
        until the time is up). ``schedule_`` and ``schedule_cost_`` give the
        plan, and ``verbose >= 2`` prints it before the first fit.

    resource : "n_samples" or str, default="n_samples"
        What a candidate's budget buys. ``"n_samples"`` subsamples the
        training part of every CV split (stratified for classifiers); the
        test part stays whole, so that every rung is scored on the same
        data. Any other value names an integer parameter of the estimator
        (``"n_estimators"``, ``"max_iter"``, ``"clf__n_estimators"`` for a
        Pipeline step), set to the budget for each fit. With
        ``continuation``, a promoted candidate trains on from its fitted
        models of the previous rung instead of starting from scratch.

    max_resources : int or "auto", default="auto"
        Resource of the last rung of every bracket: the full budget. "auto"
        is the number of samples for ``resource="n_samples"``, otherwise
        the parameter's value in ``estimator``.

    min_resources : int, "auto" or "smallest", default="auto"
        Fewest resource units a candidate may get. "smallest" is
        ``2 * n_splits`` samples (times the number of classes for a
        classifier) for ``"n_samples"``, and 1 for a parameter. "auto"
        is the larger of "smallest" and ``max_resources / factor**4``, so
        that at most five brackets run. The rungs are
        ``max_resources * factor**-k`` rounded down, so the smallest one,
        ``min_resources_``, may be larger.

    factor : float, default=3
        The paper's ``eta``: each rung keeps the best ``1 / factor`` of its
        candidates and gives them ``factor`` times more resource.

    n_brackets : int or "auto", default="auto"
        Most brackets to run. "auto" runs as many as ``n_iter`` allows, or
        without ``n_iter`` ``s_max + 1`` of them with
        ``s_max = floor(log_factor(max_resources / min_resources))``: one
        Hyperband iteration; with ``max_time`` and no ``n_iter``, it runs
        iteration after iteration until ``max_time`` is spent. More
        brackets repeat the cycle (useful with a
        model-based sampler, which improves as results accumulate); fewer
        keep the most exploratory ones. With ``n_iter`` too, the search
        stops at whichever limit comes first.

    sampler : {"random", "bohb", "tpe", "gp"}, default="random"
        How the first rung of a bracket is drawn: from the prior, or from a
        model fitted on the results of every rung, with the resource as an
        input, that proposes for the full resource; one third of the
        candidates stay random. ``"bohb"`` (``"tpe"`` is an alias): kernel
        densities of the good and the other candidates of each resource
        with enough results, mixed with weights that follow how well each
        resource ranks candidates for the next one; the candidate maximizes
        their ratio. ``"gp"``: a Gaussian process over the parameters and
        the log-resource, whose length scale along the resource, fitted to
        the data, says how far cheap results inform the full one; the
        candidates maximize the expected improvement at the full resource.
        A model pays off once it has results: give it several Hyperband
        iterations (``n_iter``).

    continuation : "auto" or bool, default="auto"
        Whether a promoted candidate continues from its fitted fold models
        of the previous rung, so that a rung costs only the increment: the
        forests, extra trees and bagging (``n_estimators``) and the gradient
        boosting estimators (``n_estimators``, ``max_iter`` of the
        histogram-based ones) grow with ``warm_start``, and with a fixed
        ``random_state`` give the same models as fits from scratch; the
        ``partial_fit`` estimators (``SGD*``, ``MLP*``, ``Perceptron``, with
        ``resource="max_iter"``) train one pass per resource unit, which is
        close to, not the same as, ``fit`` with that ``max_iter``. ``"auto"``
        continues when the estimator (or a Pipeline's last step) is one of
        these and ``resource`` is its iteration count; True requires it
        (a ``ValueError`` otherwise); False always fits from scratch. Only
        the candidates a rung may still promote keep their models.

    adapt_min_resources : bool, default=True
        Whether the search stops starting brackets at a resource that
        misleads. After each rung, Kendall's tau between the scores of the
        candidates at each resource and at the next one is measured
        (``rank_correlations_``); when it is below 0.25 by more than its
        standard error, over at least 10 candidates, the brackets still to
        start follow the schedule of ``min_resources`` set to the next
        resource, within what is left of ``n_iter`` and ``n_brackets``, and
        model-based samplers ignore the results at the misleading
        resources. ``min_resources_adjustments_`` says what was done.

    <search_parameters>

    <lifecycle_parameters>

    Attributes
    ----------
    <search_attributes>

    min_resources_ : int
        Resource of the smallest rung, the first of the first bracket:
        ``max_resources_ / factor**s_max`` rounded down, at least
        ``min_resources``. Later brackets may start higher (see
        ``min_resources_adjustments_``).

    max_resources_ : int
        Resolved ``max_resources``.

    n_brackets_ : int
        Number of brackets in the schedule.

    schedule_ : list of list of (int, int)
        The planned ``(n_candidates, n_resources)`` of every rung, one list
        per bracket in running order: what runs unless a stopping rule
        (``max_time``, ``patience``, ``target_score``) ends the search
        first. On a finite space a bracket starts at most as many
        candidates as the space has points.

    schedule_cost_ : float
        Cost of ``schedule_`` in full-resource evaluations,
        ``sum(n * r) / max_resources_``, each evaluation being ``n_splits``
        fits. At most ``n_iter``, unless the first bracket alone costs
        more. A continued rung costs only its increment, so the compute
        spent is less.

    rank_correlations_ : list of dict
        How well each resource ranked candidates for the next one: per pair
        of consecutive rung resources, ``low``, ``high``, ``tau`` (Kendall's
        tau between the mean test scores of the candidates evaluated with
        both; NaN with fewer than 3) and ``n_pairs``. A rung promotes only
        its best candidates, which lowers tau even where the resources
        agree; a tau near 0 or below says that the smaller resource
        misleads. ``pandas.DataFrame(search.rank_correlations_)`` shows it
        as a table.

    min_resources_adjustments_ : list of dict
        What ``adapt_min_resources`` did, in order: ``bracket`` (the first
        bracket of the new plan), ``budget`` (the misleading resource),
        ``tau`` and ``n_pairs`` (the evidence) and ``min_resources`` (the
        smallest first-rung resource from then on). Empty if nothing was
        changed.

    n_resources_ : list of list of int
        Resource of each rung that ran, one list per bracket.

    n_candidates_ : list of list of int
        Number of candidates of each rung that ran, one list per bracket.
        A candidate whose result with a rung's resource is already known
        (on a finite space, where brackets draw the same points) is not
        evaluated again: its known score takes its place in the rung, so
        ``cv_results_`` holds one row per evaluation, possibly fewer than
        these counts add up to.

    See Also
    --------
    sklearn.model_selection.HalvingRandomSearchCV : One bracket of
        successive halving.
    sklearn.model_selection.RandomizedSearchCV : Every candidate with the
        full resource.

    Notes
    -----
    With ``R = max_resources_ / min_resources_`` and ``eta = factor``,
    bracket ``s`` (``s_max`` down to 0) starts
    ``n = ceil((s_max + 1) / (s + 1) * eta**s)`` candidates with
    ``max_resources_ * eta**-s`` resources; rung ``i`` evaluates
    ``floor(n * eta**-i)`` of them with ``max_resources_ * eta**(i - s)``
    (resources rounded down). Each bracket spends about
    ``(s_max + 1) * max_resources_`` resource units, so one Hyperband
    iteration spends about ``(s_max + 1)**2`` full-resource evaluations
    (times ``n_splits``). For ``R = 81`` and ``eta = 3`` that is 1902 units
    of ``max_resources_ / 81``, the cost of 23.5 full evaluations, for 143
    candidates: ``schedule_cost_`` gives the exact figure, and ``n_iter``
    sets it. Schedules that would start a bracket with more than 100,000
    candidates, or evaluate more than 1,000,000 in all, are refused before
    any fit.

    Brackets run one after the other, the most aggressive first, so that
    a candidate that a cheap bracket finds reaches the full resource early
    and a model-based sampler learns from every finished bracket. A
    bracket starts early only to fill a batch: once the rungs in flight
    hold fewer than ``factor**2`` candidates, the next bracket's first rung
    joins them, which keeps ``n_jobs`` workers busy.

    Candidates at every rung go to ``cv_results_``, with the columns
    ``bracket``, ``rung`` and ``n_resources``; ``best_params_`` is chosen
    only among the candidates evaluated with the largest resource, as
    scikit-learn's halving searches do. For a parameter resource it
    includes the resource itself, so ``best_estimator_`` is refitted with
    the full budget.

    Scores are compared across rungs: the search reads the CV splits once
    per ``fit`` and scores every rung on them, so a splitter that shuffles
    needs no fixed ``random_state``.

    References
    ----------
    .. [1] L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh and
       A. Talwalkar, "Hyperband: A Novel Bandit-Based Approach to
       Hyperparameter Optimization", JMLR 18(185), 2018.
    .. [2] S. Falkner, A. Klein and F. Hutter, "BOHB: Robust and Efficient
       Hyperparameter Optimization at Scale", ICML 2018.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sklearn_hypersearch import HyperbandSearchCV, Integer
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HyperbandSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": [1, 2, 3, 4, 5], "min_samples_leaf": Integer(1, 20)},
    ...     factor=2,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> search.min_resources_, search.max_resources_
    (37, 150)
    >>> search.n_resources_
    [[37, 75, 150], [75, 150], [150]]
    >>> search.n_candidates_
    [[4, 2, 1], [3, 1], [3]]
    >>> round(search.schedule_cost_, 2)
    8.49
    >>> int(search.cv_results_["n_resources"][search.best_index_])
    150
    >>> print(f"{search.best_score_:.2f}")
    0.9...

    ``n_iter`` buys the compute of that many full-resource evaluations, as
    in :class:`~sklearn.model_selection.RandomizedSearchCV`, here two
    Hyperband iterations:

    >>> search = HyperbandSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": [1, 2, 3, 4, 5], "min_samples_leaf": Integer(1, 20)},
    ...     n_iter=17,
    ...     factor=2,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> search.n_brackets_, round(search.schedule_cost_, 2)
    (6, 16.97)
    """

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        # checked by Space.from_user, which names what is wrong
        "param_distributions": "no_validation",
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "resource": [str],
        "max_resources": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "min_resources": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto", "smallest"}),
        ],
        "factor": [Interval(numbers.Real, 1, None, closed="neither")],
        "n_brackets": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "sampler": [StrOptions({"random", "bohb", "tpe", "gp"})],
        "continuation": [StrOptions({"auto"}), "boolean"],
        "adapt_min_resources": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=None,
        resource="n_samples",
        max_resources="auto",
        min_resources="auto",
        factor=3,
        n_brackets="auto",
        sampler="random",
        continuation="auto",
        adapt_min_resources=True,
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
        objectives=None,
        constraints=None,
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
            objectives=objectives,
            constraints=constraints,
        )
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.resource = resource
        self.max_resources = max_resources
        self.min_resources = min_resources
        self.factor = factor
        self.n_brackets = n_brackets
        self.sampler = sampler
        self.continuation = continuation
        self.adapt_min_resources = adapt_min_resources

    # -- checks, before any fit ---------------------------------------------
    def _check_search_inputs(self, X, y, split_params):
        # the driver's fit calls this hook after reading the splits once
        # (every rung is scored on the same ones), before fitting
        self._n_samples_orig = _num_samples(X)
        n_splits = self._checked_cv_orig.get_n_splits(X, y, **split_params)
        space = self._checked_space()
        searched = {n for sub in space.subspaces for n in sub.names}
        if self.resource in searched:
            raise ValueError(
                f"resource={self.resource!r} is also a searched parameter of "
                "param_distributions; remove it from one of them."
            )
        if self.resource == "n_samples":
            default_max = self._n_samples_orig
            smallest = n_splits * 2
            n_classes = self._n_classes(y)
            smallest *= n_classes or 1
        else:
            default_max = _integer_parameter(self.estimator, self.resource)
            smallest = 1
        self.max_resources_ = self._resolve_max(default_max)
        min_resources = self._resolve_min(smallest)
        # the schedule's size is checked here, before anything is allocated
        schedule = hyperband_schedule(
            min_resources,
            self.max_resources_,
            self.factor,
            None if self._repeats() else self._n_brackets(),
            self.n_iter,
        )
        # the rungs start at max_resources_ / factor**s_max, rounded down,
        # which may exceed the min_resources asked for; report what runs
        # (the same schedule follows from it)
        self.min_resources_ = schedule[0][0][1]
        self.n_brackets_ = len(schedule)
        first_cost = schedule_cost(schedule[:1], self.max_resources_)
        if self.n_iter is not None and first_cost > self.n_iter:
            warnings.warn(
                f"n_iter={self.n_iter} is less than the cost of Hyperband's "
                f"first bracket ({first_cost:.3g} full-resource evaluations): "
                "HyperbandSearchCV runs that bracket alone. Raise "
                "min_resources or factor for cheaper brackets.",
                UserWarning,
            )
        if self.resource == "n_samples":
            self._check_enough_samples(
                X, y, split_params, self.min_resources_, n_classes
            )

    def _n_classes(self, y):
        if y is None or not is_classifier(self.estimator):
            return None
        if type_of_target(y) not in ("binary", "multiclass"):
            return None
        return int(np.unique(np.asarray(y)).size)

    def _resolve_max(self, default_max):
        if self.max_resources == "auto":
            if default_max is None:
                raise ValueError(
                    f"max_resources='auto' takes the value of {self.resource!r} "
                    f"in the estimator, which is not an int; set max_resources."
                )
            if default_max < 1:
                raise ValueError(
                    f"max_resources='auto' takes the value of {self.resource!r} "
                    f"in the estimator, but {type(self.estimator).__name__} has "
                    f"{self.resource}={default_max} (for many estimators, "
                    "-1 or 0 means no limit), which is no number of resource "
                    "units: set max_resources to an int >= 1."
                )
            return int(default_max)
        if self.resource == "n_samples" and self.max_resources > self._n_samples_orig:
            raise ValueError(
                f"max_resources={self.max_resources} is greater than the "
                f"number of samples ({self._n_samples_orig})."
            )
        return int(self.max_resources)

    def _resolve_min(self, smallest):
        if self.min_resources == "smallest":
            min_resources = smallest
        elif self.min_resources == "auto":
            # floor, so that max / min >= factor**4: five brackets, not four
            by_halvings = int(self.max_resources_ // self.factor**_AUTO_MAX_HALVINGS)
            min_resources = max(smallest, by_halvings)
            # a small max_resources still gets a single full-resource bracket
            min_resources = min(min_resources, self.max_resources_)
        else:
            min_resources = self.min_resources
        if min_resources > self.max_resources_:
            raise ValueError(
                f"min_resources={min_resources} is greater than "
                f"max_resources={self.max_resources_} (resource="
                f"{self.resource!r}). Lower min_resources or raise max_resources."
            )
        return int(min_resources)

    def _n_brackets(self):
        return None if self.n_brackets == "auto" else self.n_brackets

    def _repeats(self):
        """Whether Hyperband iterations repeat until ``max_time`` is spent."""
        return (
            self.max_time is not None
            and self.n_iter is None
            and self.n_brackets == "auto"
        )

    def _check_enough_samples(self, X, y, split_params, lowest, n_classes):
        needed = max(2, n_classes or 0)
        fraction = lowest / self._n_samples_orig
        for train, _ in self._checked_cv_orig.split(X, y, **split_params):
            train = _as_indices(train)
            n_train = _subsample_size(len(train), fraction)
            if n_train < needed:
                what = f" (one per class of {n_classes})" if n_classes else ""
                raise ValueError(
                    f"resource='n_samples': the smallest rung uses {lowest} of "
                    f"the {self._n_samples_orig} samples, which leaves {n_train} "
                    f"training samples in a CV split of {len(train)}; at least "
                    f"{needed}{what} are needed. Raise min_resources "
                    "or use fewer CV splits."
                )

    # -- the search ---------------------------------------------------------
    def _make_strategy(self, space, random_state):
        # one seed for the subsampling splitters, drawn before the strategy
        # takes the generator, so both are fixed by random_state
        self._subsample_seed = int(random_state.integers(np.iinfo(np.int32).max))
        strategy = HyperbandStrategy(
            space,
            min_resources=self.min_resources_,
            max_resources=self.max_resources_,
            factor=self.factor,
            n_brackets=None if self._repeats() else self._n_brackets(),
            sampler=self.sampler,
            random_state=random_state,
            max_cost=self.n_iter,
            continue_rungs=self._continuation() is not None,
            adapt_min_resources=self.adapt_min_resources,
            repeat=self._repeats(),
        )
        # at verbose=1 the driver prints one line per batch and nothing else
        if isinstance(self.verbose, numbers.Number) and self.verbose >= 2:
            print(self._plan_message(strategy))
        return strategy

    def _plan_message(self, strategy):
        """The schedule and its cost, in words (``verbose >= 2``)."""
        schedule = strategy.schedule
        n_rows = sum(n for rungs in schedule for n, _ in rungs)
        n_new = sum(rungs[0][0] for rungs in schedule)
        n_splits = self._fit_context.n_splits
        what = (
            f"{len(schedule)} brackets"
            if not self._repeats()
            else f"Hyperband iterations of {len(schedule)} brackets until "
            f"max_time={self.max_time}s is spent; the first"
        )
        return (
            f"[{type(self).__name__}] {what}: {n_new} candidates, {n_rows} "
            f"evaluations from {self.min_resources_} to {self.max_resources_} "
            f"{self.resource}, costing {strategy.cost:.4g} full-resource "
            f"evaluations ({strategy.cost * n_splits:.4g} full fits with "
            f"{n_splits} CV splits)"
            + (", less where rungs continue" if strategy.continue_rungs else "")
        )

    def _continuation(self):
        """How a promoted candidate trains on, or None (fits from scratch)."""
        if self.continuation is False:
            return None
        spec = continuation_for(self.estimator)
        _, step = final_step(self.estimator)
        fits = spec is not None and self.resource == trained_along(self.estimator)
        if not fits and self.continuation is True:
            raise ValueError(
                f"continuation=True, but {type(step).__name__} cannot continue "
                f"its training along resource={self.resource!r}: it must be the "
                "iteration count of an estimator that grows with warm_start "
                "(forests, gradient boosting: n_estimators or max_iter) or "
                "trains with partial_fit (SGD, MLP: max_iter). Use "
                "continuation='auto' or False."
            )
        return spec if fits else None

    def _max_candidates(self):
        # n_iter budgets the brackets (in the strategy), not rows: the search
        # ends when the strategy's last bracket does, never inside one
        return None

    def _counts_for_stopping(self, candidate):
        # only full-resource scores may stop the search (target, patience)
        return candidate.budget is None or candidate.budget >= self.max_resources_

    def _evaluation_groups(self, candidates):
        if self.resource != "n_samples":
            # the budget is a parameter: one call keeps every worker busy
            params = [{**c.params, self.resource: c.budget} for c in candidates]
            yield list(range(len(candidates))), params, None
            return
        by_budget = defaultdict(list)
        for i, cand in enumerate(candidates):
            by_budget[cand.budget].append(i)
        for budget in sorted(by_budget):
            indices = by_budget[budget]
            cv = None
            if budget < self._n_samples_orig:
                cv = _SubsampledSplits(
                    self._checked_cv_orig,
                    fraction=budget / self._n_samples_orig,
                    stratify=is_classifier(self.estimator),
                    random_state=self._subsample_seed,
                )
            yield indices, [dict(candidates[i].params) for i in indices], cv

    def _set_search_attributes(self, strategy, results, score_key):
        self.schedule_ = [list(rungs) for rungs in strategy.schedule]
        self.n_brackets_ = len(self.schedule_)
        self.schedule_cost_ = strategy.cost
        done = strategy.rungs_done
        self.n_candidates_ = [[n for n, _ in rungs] for rungs in done]
        self.n_resources_ = [[r for _, r in rungs] for rungs in done]
        self.rank_correlations_ = strategy.rank_correlations
        self.min_resources_adjustments_ = [dict(a) for a in strategy.adjustments]

    @staticmethod
    def _select_best_index(refit, refit_metric, results):
        """Index of the best candidate among those with the largest resource.

        A candidate that shone on a small budget is not the final model;
        a callable ``refit`` still chooses freely.
        """
        if callable(refit):
            return BaseSearchCV._select_best_index(refit, refit_metric, results)
        n_resources = np.asarray(results["n_resources"], dtype=float)
        full = np.flatnonzero(n_resources == np.nanmax(n_resources))
        scores = np.asarray(results[f"mean_test_{refit_metric}"], dtype=float)[full]
        # if every full-resource fit failed, no candidate is better than another
        if np.isnan(scores).all():
            return int(full[0])
        return int(full[np.nanargmax(scores)])


def _integer_parameter(estimator, name):
    """The int value of parameter ``name``, None if it is an unset int.

    Raises ValueError if ``estimator`` has no such parameter, or if it is
    not an integer one.
    """
    params = estimator.get_params(deep=True)
    if name not in params:
        raise ValueError(
            f"resource={name!r} is neither 'n_samples' nor a parameter of "
            f"{type(estimator).__name__}."
        )
    value = params[name]
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    # an unset parameter (max_depth=None) is fine if it is declared to take ints
    owner, _, leaf = name.rpartition("__")
    holder = params[owner] if owner else estimator
    constraints = getattr(holder, "_parameter_constraints", {}).get(leaf, [])
    if value is None and any(
        isinstance(c, Interval) and c.type is numbers.Integral for c in constraints
    ):
        return None
    raise ValueError(
        f"resource={name!r} must be an integer parameter of "
        f"{type(estimator).__name__}, but its value is {value!r}."
    )


def _subsample_size(n, fraction):
    return int(fraction * n)


def _as_indices(part):
    """A split's part as indices; a boolean mask (cv pairs may be) too."""
    part = np.asarray(part)
    return np.flatnonzero(part) if part.dtype == bool else part


class _SubsampledSplits:
    """Splitter that keeps a fraction of the training part of each split.

    The test part stays whole. For a classifier, each class keeps its
    share of the training part (largest remainders, at least one sample
    per class when the size allows). The subsample is drawn from the
    same shuffle at every call and every fraction, so the candidates of a
    rung are compared on the same data.
    """

    def __init__(self, base_cv, fraction, stratify, random_state):
        self.base_cv = base_cv
        self.fraction = fraction
        self.stratify = stratify
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None, **params):
        return self.base_cv.get_n_splits(X, y, groups, **params)

    def __eq__(self, other):
        # equal splitters yield the same splits: the driver retries a
        # failed rung with a later call on equal splits
        return (
            type(other) is type(self)
            and other.base_cv is self.base_cv
            and (other.fraction, other.stratify, other.random_state)
            == (self.fraction, self.stratify, self.random_state)
        )

    __hash__ = None

    def split(self, X, y=None, groups=None, **params):
        rng = np.random.RandomState(self.random_state)
        labels = None
        if self.stratify and y is not None:
            if type_of_target(y) in ("binary", "multiclass"):
                labels = np.unique(np.asarray(y), return_inverse=True)[1]
        for train, test in self.base_cv.split(X, y, groups, **params):
            train = _as_indices(train)
            n_keep = _subsample_size(len(train), self.fraction)
            if labels is None:
                keep = rng.permutation(len(train))[:n_keep]
            else:
                keep = _stratified_take(labels[train], n_keep, rng)
            yield np.sort(train[keep]), test


def _stratified_take(labels, n_keep, rng):
    """Positions of ``n_keep`` labels, each class keeping its share."""
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * n_keep / counts.sum()
    quota = np.floor(exact).astype(int)
    if n_keep >= len(classes):
        # every class is present, so that no fit sees a single class
        quota = np.maximum(quota, 1)
    # hand the remaining slots to the largest remainders (ties: first class)
    short = n_keep - quota.sum()
    if short > 0:
        order = np.argsort(-(exact - quota), kind="stable")
        quota[order[:short]] += 1
    while quota.sum() > n_keep:  # the minimum of one overshot
        quota[np.argmax(quota)] -= 1
    quota = np.minimum(quota, counts)
    out = []
    for c, q in zip(classes, quota):
        members = np.flatnonzero(labels == c)
        out.append(members[rng.permutation(len(members))[:q]])
    return np.concatenate(out)
