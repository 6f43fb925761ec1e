"""Evolutionary hyperparameter search."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from sklearn_hypersearch._search._base import _BaseHyperSearch
from sklearn_hypersearch._search._docs import fill_doc
from sklearn_hypersearch._strategies._evolution import (
    EvolutionStrategy,
    default_n_elite,
    default_tournament_size,
)

# Generations run by n_generations="auto" when n_iter is None.
_DEFAULT_GENERATIONS = 10


@fill_doc
class EvolutionSearchCV(_BaseHyperSearch):
    """Evolutionary search over hyperparameters.

    A generational genetic algorithm (:class:`EvolutionStrategy`) evolves a
    population of parameter settings. The first generation is a
    space-filling design; each later one is bred from the best settings
    found so far by tournament selection, crossover suited to each
    dimension (SBX for real and integer parameters, uniform exchange for
    categorical ones) and mutation that respects log scales, integer steps
    and categorical choices, with a step size that adapts from generation
    to generation. The ``n_elite`` best settings survive unchanged without
    being refitted, and no setting is ever evaluated twice.

    A list of dicts searches alternative subspaces (e.g. one per estimator
    of a Pipeline step): individuals keep their branch, recombine only with
    individuals of the same branch and sometimes mutate into another one.

    Each generation is sent to ``evaluate_candidates`` in one call, so
    ``n_jobs`` workers stay busy for a whole generation.

    Parameters
    ----------
    estimator : estimator object
        An object of that type is instantiated for each candidate. It must
        provide a ``score`` function, or ``scoring`` must be passed.

    param_distributions : dict or list of dicts
        Dictionary with parameter names (``str``) as keys and the values to
        search as values: lists or tuples of choices, ``(low, high, prior)``
        tuples, ``scipy.stats`` distributions, or
        :class:`~sklearn_hypersearch.Real`, :class:`~sklearn_hypersearch.Integer`
        and :class:`~sklearn_hypersearch.Categorical` dimensions. A list of
        dicts gives alternative subspaces.

    population_size : int, default=10
        Individuals per generation, at least 2. The first generation
        evaluates ``population_size`` candidates, every later one
        ``population_size - n_elite``.

    n_generations : int, "auto" or None, default="auto"
        Most generations, including the initial design. "auto" is 10
        generations when ``n_iter`` is None and no limit otherwise, so that
        ``n_iter`` alone sets the budget, as in the other searches. None
        runs until ``n_iter`` or another stopping rule ends the search.

    n_iter : int or None, default=None
        Most candidates to evaluate in total (elites, which are not refitted,
        do not count); the last generation is cut short when the budget runs
        out. With ``n_generations`` too, the search stops at whichever
        limit comes first; ``n_generations=None`` needs ``n_iter``.

    n_elite : int or None, default=None
        Best individuals that survive each generation unchanged (and are not
        refitted). Must be smaller than ``population_size``. None means 40%
        of ``population_size`` rounded down, at least 1: 4 for the default
        population of 10, 1 for a population of 2 to 4.

    tournament_size : int or None, default=None
        Individuals compared in each parent-selection tournament; larger
        values select harder. At most ``population_size``. None means
        ``min(3, population_size)``.

    crossover_rate : float, default=0.9
        Probability that a child recombines two parents rather than copying
        one.

    mutation_rate : float or None, default=None
        Probability that each parameter of a child mutates. None means one
        over the number of parameters of the child's subspace.

    mutation_scale : float, default=0.2
        Initial standard deviation of the Gaussian mutation of real and
        integer parameters, as a fraction of their (log-scaled) range. It
        grows when more than a fifth of a generation's children beat their
        parents and shrinks otherwise.

    branch_rate : float, default=0.1
        Probability that a child moves to another subspace, when
        ``param_distributions`` is a list of dicts.

    init : {"sobol", "lhs", "random"}, default="sobol"
        Design of the first generation: scrambled Sobol', Latin hypercube or
        independent random draws.

    <search_parameters>

    <lifecycle_parameters>

    Attributes
    ----------
    <search_attributes>

    history_ : dict of lists
        One entry per generation: ``"generation"``, ``"n_candidates"``
        (candidates evaluated in it), ``"best"``, ``"mean"`` and ``"std"``
        of their finite scores (NaN if none), and ``"best_so_far"``. Scores
        are those of the refit metric.

    See Also
    --------
    EvolutionStrategy : The ask/tell strategy, for black-box use.
    sklearn.model_selection.RandomizedSearchCV : Independent random draws.

    Notes
    -----
    ``cv_results_`` has three extra columns: ``generation`` (0 for the
    initial design), ``individual`` (a running number of the proposals;
    equal to the row index unless some rows come from ``initial_results``
    or from batches whose every fit failed) and ``parents`` (the
    ``individual`` numbers of the parents joined by commas, ``""`` for
    designed or fresh random points).

    Without ``n_iter``, the search evaluates ``population_size +
    (n_generations - 1) * (population_size - n_elite)`` candidates (fewer if
    a finite space runs out of new points): 64 with the defaults. With
    ``n_iter``, it evaluates ``n_iter`` candidates, like
    :class:`~sklearn.model_selection.RandomizedSearchCV` with the same
    ``n_iter``.

    ``patience`` counts evaluated candidates, not generations: a
    generation after the first evaluates ``population_size - n_elite``
    candidates, so ``patience=k * (population_size - n_elite)`` stops the
    search after about ``k`` generations without improvement. The rule is
    checked between generations.

    Only the driver process draws random numbers, so the candidates depend
    on ``random_state`` alone, whatever ``n_jobs`` is.

    References
    ----------
    .. [1] K. Deb and R. B. Agrawal, "Simulated binary crossover for
       continuous search space", Complex Systems 9, 1995.
    .. [2] I. Rechenberg, "Evolutionsstrategie", Frommann-Holzboog, 1973
       (the one-fifth success rule).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sklearn_hypersearch import EvolutionSearchCV, Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = EvolutionSearchCV(
    ...     SVC(),
    ...     {"C": Real(1e-2, 1e2, log=True), "kernel": ["linear", "rbf"]},
    ...     population_size=6,
    ...     n_generations=3,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> len(search.cv_results_["params"])  # 6 + 2 * (6 - n_elite), n_elite=2
    14
    >>> search.history_["generation"]
    [0, 1, 2]
    >>> print(f"{search.best_score_:.2f}")
    0.98
    """

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        # checked by Space.from_user, which names what is wrong
        "param_distributions": "no_validation",
        "population_size": [Interval(numbers.Integral, 2, None, closed="left")],
        "n_generations": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_elite": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "tournament_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "crossover_rate": [Interval(numbers.Real, 0, 1, closed="both")],
        "mutation_rate": [Interval(numbers.Real, 0, 1, closed="both"), None],
        "mutation_scale": [Interval(numbers.Real, 0, 1, closed="right")],
        "branch_rate": [Interval(numbers.Real, 0, 1, closed="both")],
        "init": [StrOptions({"sobol", "lhs", "random"})],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        population_size=10,
        n_generations="auto",
        n_iter=None,
        n_elite=None,
        tournament_size=None,
        crossover_rate=0.9,
        mutation_rate=None,
        mutation_scale=0.2,
        branch_rate=0.1,
        init="sobol",
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
            objectives=objectives,
            constraints=constraints,
        )
        self.param_distributions = param_distributions
        self.population_size = population_size
        self.n_generations = n_generations
        self.n_iter = n_iter
        self.n_elite = n_elite
        self.tournament_size = tournament_size
        self.crossover_rate = crossover_rate
        self.mutation_rate = mutation_rate
        self.mutation_scale = mutation_scale
        self.branch_rate = branch_rate
        self.init = init

    def _checked_space(self):
        # cross-parameter checks, before the space and before any fit
        if self.n_generations is None and self.n_iter is None:
            raise ValueError(
                "At least one of n_generations and n_iter must be set, got "
                "n_generations=None and n_iter=None."
            )
        if self.n_elite is not None and self.n_elite >= self.population_size:
            raise ValueError(
                "n_elite must be smaller than population_size, got "
                f"n_elite={self.n_elite} and "
                f"population_size={self.population_size}."
            )
        if (
            self.tournament_size is not None
            and self.tournament_size > self.population_size
        ):
            raise ValueError(
                "tournament_size must be at most population_size, got "
                f"tournament_size={self.tournament_size} and "
                f"population_size={self.population_size}."
            )
        return super()._checked_space()

    def _n_elite(self):
        if self.n_elite is None:
            return default_n_elite(self.population_size)
        return self.n_elite

    def _max_generations(self):
        if self.n_generations == "auto":
            return _DEFAULT_GENERATIONS if self.n_iter is None else None
        return self.n_generations

    def _make_strategy(self, space, random_state):
        tournament_size = self.tournament_size
        if tournament_size is None:
            tournament_size = default_tournament_size(self.population_size)
        return EvolutionStrategy(
            space,
            random_state,
            population_size=self.population_size,
            n_elite=self._n_elite(),
            tournament_size=tournament_size,
            crossover_rate=self.crossover_rate,
            mutation_rate=self.mutation_rate,
            mutation_scale=self.mutation_scale,
            branch_rate=self.branch_rate,
            init=self.init,
            max_generations=self._max_generations(),
        )

    def _set_search_attributes(self, strategy, results, score_key):
        self.history_ = _generation_history(results, score_key)


def _generation_history(results, score_key):
    """Per-generation statistics of the refit metric, from ``cv_results_``."""
    # rows without a generation (told by initial_results) hold None
    generations = np.array(
        [np.nan if g is None else float(g) for g in results["generation"]]
    )
    scores = np.asarray(results[score_key], dtype=float)
    history = {
        key: []
        for key in ("generation", "n_candidates", "best", "mean", "std", "best_so_far")
    }
    best_so_far = -np.inf
    for gen in np.unique(generations[np.isfinite(generations)]):
        gen_scores = scores[generations == gen]
        finite = gen_scores[np.isfinite(gen_scores)]
        history["generation"].append(int(gen))
        history["n_candidates"].append(int(gen_scores.size))
        if finite.size:
            best_so_far = max(best_so_far, float(finite.max()))
        history["best"].append(float(finite.max()) if finite.size else np.nan)
        history["mean"].append(float(finite.mean()) if finite.size else np.nan)
        history["std"].append(float(finite.std()) if finite.size else np.nan)
        history["best_so_far"].append(
            best_so_far if np.isfinite(best_so_far) else np.nan
        )
    return history
