"""CoarseToFineSearchCV: a coarse sweep, then finer searches in the best regions."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from sklearn_hypersearch._search._base import _BaseHyperSearch
from sklearn_hypersearch._search._docs import fill_doc
from sklearn_hypersearch._strategies._coarse_to_fine import (
    CoarseToFineStrategy,
    auto_n_stages,
    stage_budgets,
)


@fill_doc
class CoarseToFineSearchCV(_BaseHyperSearch):
    """Coarse space-filling search, then finer searches around the best regions.

    The way many practitioners tune by hand, as one estimator: stage 0
    evaluates a space-filling design (Sobol or Latin hypercube) over the
    whole space; each later stage takes the ``top_k`` best distinct
    candidates found so far, builds a smaller space around each of them and
    samples or grids it. All candidates of a stage are evaluated in one
    ``evaluate_candidates`` call, so with ``n_jobs > 1`` a stage runs in
    parallel. :attr:`stage_spaces_` shows where each stage zoomed.

    The budget split is fixed before the search starts: stage 0 gets
    ``max(top_k, round(coarse_fraction * n_iter))`` candidates and the rest
    is split evenly over the later stages (earlier stages take the
    remainder). The search never evaluates more than ``n_iter`` candidates,
    and evaluates fewer only when a finite space has no new point left.

    Parameters
    ----------
    estimator : estimator object
        An object of that type is instantiated for each candidate. It must
        implement ``fit`` and either ``score`` or take a ``scoring``.

    param_distributions : dict or list of dicts
        Dictionary with parameter names (``str``) as keys and the values to
        search: lists or tuples of choices, ``(low, high, prior)`` tuples,
        ``scipy.stats`` distributions or
        :class:`~sklearn_hypersearch.Real` /
        :class:`~sklearn_hypersearch.Integer` /
        :class:`~sklearn_hypersearch.Categorical` dimensions. A list of dicts
        gives alternative subspaces (e.g. one per estimator of a Pipeline
        step).

    n_iter : int, default=10
        Total number of candidates evaluated over all stages.

    n_stages : int or "auto", default="auto"
        Number of stages, including the coarse stage 0. ``n_stages=1`` is a
        plain space-filling search. "auto" is 4 stages, or as many as
        ``n_iter`` allows when it is too small to give stage 0 ``top_k``
        candidates and every later stage one (1 stage for ``n_iter <= 2``
        with the default ``top_k=2``). An explicit ``n_stages`` that
        ``n_iter`` cannot fill is a ``ValueError`` before any fit.

    top_k : int, default=2
        Number of regions refined by each later stage.

    shrink : float, default=0.5
        Factor in ``(0, 1)`` by which each stage narrows the regions: in stage
        ``s`` a numeric dimension is narrowed to a window of width
        ``shrink ** s`` of its range (on the log scale for log dimensions)
        around the region's centre, clipped to the original bounds, and a
        categorical dimension keeps the ``ceil(n_choices * shrink ** s)``
        choices with the best scores so far, plus the centre's.

    fine : {"random", "grid"}, default="random"
        How later stages fill a region: ``"random"`` draws a Latin hypercube
        sample of it; ``"grid"`` evaluates a regular grid of the region, the
        points closest to its centre first, completed by random draws if
        the grid is smaller than the region's share of the budget.

    design : {"sobol", "lhs", "random"}, default="sobol"
        Design of stage 0: scrambled Sobol sequence, Latin hypercube or
        independent uniform draws.

    coarse_fraction : float, default=0.4
        Share of ``n_iter`` spent in stage 0, in ``(0, 1)``.

    cluster : bool, default=True
        Make the regions of a stage distinct: a candidate lying inside an
        already chosen region is skipped in favour of the next best one.
        With False the ``top_k`` best candidates are the centres even when
        they are neighbours.

    <search_parameters>

    <lifecycle_parameters>

    Attributes
    ----------
    <search_attributes>

    stage_spaces_ : list of :class:`~sklearn_hypersearch.Space`
        The space searched by each stage. ``stage_spaces_[0]`` is the whole
        space; a later stage's space has one subspace per region, made of
        narrowed :class:`~sklearn_hypersearch.Real`,
        :class:`~sklearn_hypersearch.Integer` and
        :class:`~sklearn_hypersearch.Categorical` dimensions. The
        ``cv_results_`` columns ``stage`` and ``region`` give, for each
        candidate, the stage and the index of the subspace of
        ``stage_spaces_[stage]`` it was drawn from.

    stage_budgets_ : list of int
        Candidates planned for each stage; they sum to ``n_iter``.

    See Also
    --------
    sklearn.model_selection.RandomizedSearchCV : Random search.
    sklearn.model_selection.GridSearchCV : Exhaustive grid search.

    Notes
    -----
    When a region has fewer new points than its share of the budget (an
    integer window narrower than one step, a categorical-only region whose
    pruned grid is spent) it is widened until it has enough, so no candidate
    is evaluated twice; on a space with only categorical dimensions the
    later stages are grids pruned to the choices that did well.

    A ``scipy.stats`` distribution other than ``uniform``, ``loguniform``
    and ``randint`` is narrowed to a uniform ``Real`` (``Integer`` if
    discrete) between the quantiles of the window.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_hypersearch import CoarseToFineSearchCV, Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = CoarseToFineSearchCV(
    ...     LogisticRegression(max_iter=500),
    ...     {"C": Real(1e-3, 1e2, log=True)},
    ...     n_iter=12,
    ...     n_stages=3,
    ...     top_k=2,
    ...     cv=3,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> search.stage_budgets_
    [5, 4, 3]
    >>> search.stage_spaces_[1]
    Space([{'C': Real(..., ..., log=True)}, {'C': Real(..., ..., log=True)}])
    >>> search.cv_results_["stage"].tolist()
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]
    >>> print(f"{search.best_score_:.2f}")
    0.98
    """

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        # checked by Space.from_user, which names what is wrong
        "param_distributions": "no_validation",
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_stages": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "top_k": [Interval(numbers.Integral, 1, None, closed="left")],
        "shrink": [Interval(numbers.Real, 0, 1, closed="neither")],
        "fine": [StrOptions({"random", "grid"})],
        "design": [StrOptions({"sobol", "lhs", "random"})],
        "coarse_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "cluster": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=10,
        n_stages="auto",
        top_k=2,
        shrink=0.5,
        fine="random",
        design="sobol",
        coarse_fraction=0.4,
        cluster=True,
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
        self.n_stages = n_stages
        self.top_k = top_k
        self.shrink = shrink
        self.fine = fine
        self.design = design
        self.coarse_fraction = coarse_fraction
        self.cluster = cluster

    def _checked_space(self):
        space = super()._checked_space()
        # "n_iter too small for the stages" is raised here, before any fit
        n_stages = self.n_stages
        if n_stages == "auto":
            n_stages = auto_n_stages(self.n_iter, self.top_k, self.coarse_fraction)
        stage_budgets(self.n_iter, n_stages, self.top_k, self.coarse_fraction)
        return space

    def _strategy_settings(self):
        return dict(
            n_iter=self.n_iter,
            n_stages=self.n_stages,
            top_k=self.top_k,
            shrink=self.shrink,
            fine=self.fine,
            design=self.design,
            coarse_fraction=self.coarse_fraction,
            cluster=self.cluster,
        )

    def _make_strategy(self, space, random_state):
        return CoarseToFineStrategy(
            space, random_state=random_state, **self._strategy_settings()
        )

    def _set_search_attributes(self, strategy, results, score_key):
        self.stage_spaces_ = list(strategy.stage_spaces)
        self.stage_budgets_ = list(strategy.stage_budgets)
