"""BayesSearchCV: sequential model-based hyperparameter search."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import inspect
import numbers
import warnings

import numpy as np
from joblib import effective_n_jobs
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from sklearn_hypersearch._search._base import _BaseHyperSearch
from sklearn_hypersearch._search._docs import fill_doc
from sklearn_hypersearch._search._skopt import (
    OWN_PARAMETERS,
    optimizer_results,
    parse_search_spaces,
    translate_optimizer_kwargs,
)
from sklearn_hypersearch._space import Space
from sklearn_hypersearch._strategies._bayes import (
    ACQUISITION_NAMES,
    SKOPT_ACQUISITIONS,
    SKOPT_SURROGATES,
    SURROGATES,
    BayesStrategy,
)
from sklearn_hypersearch._strategies._sequential import SequentialStrategy
from sklearn_hypersearch._utils._validation import check_space_for_estimator


@fill_doc
class BayesSearchCV(_BaseHyperSearch):
    """Bayesian optimization over hyperparameters.

    A surrogate model of the cross-validated score, refitted after every
    batch, proposes each new candidate where an acquisition function says
    the best improvement is to be expected. Most searches need far fewer
    fits than :class:`~sklearn.model_selection.RandomizedSearchCV` for the
    same score. Code written for scikit-optimize's ``BayesSearchCV`` runs
    with only the import changed: its ``search_spaces`` (also with
    ``(space, n_iter)`` entries), ``optimizer_kwargs``,
    ``total_iterations`` and ``optimizer_results_`` are understood (see
    the user guide's page "Moving from scikit-optimize").

    Parameters
    ----------
    estimator : estimator object
        An object of that type is instantiated for each candidate. It must
        implement ``fit`` and either ``score`` or be used with ``scoring``.

    param_distributions : dict or list, default=None
        The space, as in every search of this package: parameter names
        mapped to :class:`~sklearn_hypersearch.Real`,
        :class:`~sklearn_hypersearch.Integer`,
        :class:`~sklearn_hypersearch.Categorical` or what
        :class:`~sklearn_hypersearch.Space` accepts (lists of values,
        ``(low, high, prior)`` tuples, ``scipy.stats`` distributions).

        - A list of dicts gives alternative subspaces (e.g. one per model
          type of a Pipeline step), searched together: each gets its own
          surrogate and the acquisition decides which one to sample, so
          weak alternatives stop receiving fits; ``n_iter`` counts the
          candidates of all of them.
        - A list with ``(dict, n_iter)`` entries (scikit-optimize's form)
          searches its entries one after the other, each with its own
          strategy and budget, as scikit-optimize does; the plain dicts of
          such a list get ``n_iter`` candidates each.

        This is the canonical name; give it or ``search_spaces``, not both.

    search_spaces : dict or list, default=None
        scikit-optimize's name of ``param_distributions``, for code written
        for it (keyword only).

    n_iter : int, default=50
        Number of candidates evaluated (per plain dict of a list that has
        ``(dict, n_iter)`` entries; :attr:`total_iterations` is the total).

    n_initial_points : int, default=10
        Candidates of the initial space-filling (Sobol) design, evaluated
        before the first model is fitted. When the default would leave no
        model-based proposal (``n_iter <= 10``, per entry for a list with
        ``(dict, n_iter)`` entries), half of ``n_iter`` (rounded down) is
        used instead, so that ``n_iter=10`` gives 5 design points and 5
        model-based ones; a value set explicitly is kept, with a warning
        when it leaves no model-based proposal.

    n_points : int or "auto", default=4
        Candidates proposed per round, evaluated in parallel (each on every
        CV split, so a round is ``n_points * n_splits`` fits: 12 with the
        default and ``cv=3``, enough to keep 4 workers busy, 20 with
        ``cv=5``). The candidates of a round are kept apart by the kriging
        believer heuristic. Smaller rounds learn more from each fit (on
        synthetic functions, rounds of 4 instead of 1 cost about as often as
        they gained at 50 and 100 evaluations; see
        ``benchmarks/bench_bayes.py``); larger ones waste fewer workers.
        An int gives the same candidates whatever ``n_jobs`` is;
        ``"auto"`` proposes ``n_jobs`` candidates per round, at the price of
        candidates that depend on ``n_jobs``.

    surrogate : {"auto", "gp", "trees", "tpe", "rf", "gbrt"} or regressor, \
            default="auto"
        Model of the score: Gaussian process (Matern-5/2 kernel with a
        length scale per dimension and a noise term), extremely randomized
        trees, a tree-structured Parzen estimator, scikit-learn's random
        forest, or gradient boosting of quantiles. ``"auto"`` uses the
        Gaussian process unless the space has many (one-hot encoded)
        dimensions, where the trees are used. scikit-optimize's names are
        synonyms: ``"GP"`` is ``"gp"``, ``"ET"`` is ``"trees"`` (32 trees
        here, 100 in scikit-optimize), ``"RF"`` is ``"rf"`` and ``"GBRT"``
        is ``"gbrt"`` (both with scikit-optimize's settings). A scikit-learn
        regressor is used as the model: its ``predict`` gives the mean and,
        where it accepts ``return_std=True``, the uncertainty (see
        :class:`BayesStrategy`).

    acquisition : {"ei", "pi", "lcb", "portfolio"}, default="ei"
        Expected improvement, probability of improvement, confidence bound
        or a GP-Hedge portfolio of the three. scikit-optimize's ``"EI"``,
        ``"PI"``, ``"LCB"`` and ``"gp_hedge"`` are synonyms.

    xi : float, default=0.0
        Improvement margin of ``"ei"`` and ``"pi"``, in standard deviations
        of the scores; larger values explore more.

    kappa : float, default=1.96
        Exploration weight of ``"lcb"``.

    optimizer_kwargs : dict, default=None
        Arguments of scikit-optimize's ``Optimizer``, translated to this
        search's settings:

        - ``base_estimator`` (``"GP"``, ``"RF"``, ``"ET"``, ``"GBRT"``, any
          case, or a regressor) sets ``surrogate``; ``acq_func``
          (``"EI"``, ``"PI"``, ``"LCB"``, ``"gp_hedge"``) sets
          ``acquisition``; ``n_initial_points`` sets ``n_initial_points``;
        - ``acq_func_kwargs``: ``xi`` and ``kappa`` set ``xi`` and
          ``kappa`` (``eta`` only at its default, 1);
        - ``initial_point_generator``: ``"sobol"`` (the default here),
          ``"lhs"`` or ``"random"`` (scikit-optimize's default);
        - ``acq_optimizer``: ``"auto"``, ``"sampling"`` (no gradient
          refinement) or ``"lbfgs"`` (Gaussian process only);
        - ``acq_optimizer_kwargs``: ``n_points`` (random points the
          acquisition is evaluated on, 1024 by default here, not the
          batch size ``n_points`` of this class) and
          ``n_restarts_optimizer`` (starts of the gradient refinement, 5);
        - ``n_jobs``, ``model_queue_size`` and
          ``acq_optimizer_kwargs["n_jobs"]`` are accepted and have no
          effect (they only change how skopt spends its time or memory),
          nor have ``avoid_duplicates=True`` and ``space_constraint=None``.

        Anything else (``"DUMMY"``, ``"EIps"``, ``"halton"``, a
        ``random_state``...) is a :class:`ValueError` saying what to use
        instead. A parameter of this class left at its default yields to
        ``optimizer_kwargs``; set to something else, it must agree with it.

    <search_parameters>

    <lifecycle_parameters>

    Attributes
    ----------
    <search_attributes>

    optimizer_results_ : list of scipy.optimize.OptimizeResult
        One result per subspace (per entry of a list space), shaped as
        scikit-optimize's: ``x_iters`` (lists of values in sorted name
        order), ``func_vals`` (minus the scores: scikit-optimize minimizes;
        ``+inf`` for failed fits), ``x``, ``fun``, and a ``space`` that
        gives ``n_dims``, ``dimension_names`` and ``distance``.
        ``skopt.plots.plot_convergence`` accepts them; the plots that need
        scikit-optimize's models or ``Space`` raise an error pointing to
        :mod:`sklearn_hypersearch.plots`.

    See Also
    --------
    BayesStrategy : The ask/tell strategy behind this search, for black-box
        functions.
    sklearn.model_selection.RandomizedSearchCV : Independent random
        candidates.

    Notes
    -----
    ``cv_results_`` has two extra columns: ``round``, the number of the
    round that proposed each candidate (from 1; a round's candidates are
    evaluated together), and ``proposed_by`` (``"initial"``, ``"random"``
    or the surrogate: ``"gp"``, ``"trees"``, ``"tpe"``, ``"rf"``,
    ``"gbrt"``, ``"regressor"``). A space with ``(dict, n_iter)`` entries
    adds ``phase``, the index of the entry each candidate comes from.

    Scores are treated as noisy and the models fit a noise level, but
    ``best_params_`` is the best observed candidate, as in scikit-learn.
    Failed fits are modelled as the worst score seen, so the search avoids
    where fits fail. The search compares scores across rounds, so ``cv``
    must give the same splits every time (a fixed ``random_state``).

    References
    ----------
    .. [1] J. Snoek, H. Larochelle and R. P. Adams, "Practical Bayesian
       Optimization of Machine Learning Algorithms", NeurIPS 2012.
    .. [2] M. Hoffman, E. Brochu and N. de Freitas, "Portfolio Allocation
       for Bayesian Optimization", UAI 2011.
    .. [3] J. Bergstra, R. Bardenet, Y. Bengio and B. Kegl, "Algorithms for
       Hyper-Parameter Optimization", NeurIPS 2011.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sklearn_hypersearch import BayesSearchCV, Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, log=True)}, n_iter=8,
    ...     n_initial_points=4, random_state=0,
    ... ).fit(X, y)
    >>> print(f"{search.best_score_:.2f}")
    0.99
    >>> search.cv_results_["round"].tolist()  # rounds of n_points=4
    [1, 1, 1, 1, 2, 2, 2, 2]
    >>> search.cv_results_["proposed_by"][3:6].tolist()
    ['initial', 'gp', 'gp']
    """

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        # checked when the space is read, with messages that name them
        "param_distributions": "no_validation",
        "search_spaces": "no_validation",
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_initial_points": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_points": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "surrogate": [
            StrOptions(set(SURROGATES) | set(SKOPT_SURROGATES)),
            HasMethods(["fit", "predict"]),
        ],
        "acquisition": [StrOptions(set(ACQUISITION_NAMES) | set(SKOPT_ACQUISITIONS))],
        "xi": [Interval(numbers.Real, 0, None, closed="left")],
        "kappa": [Interval(numbers.Real, 0, None, closed="left")],
        "optimizer_kwargs": [dict, None],
    }

    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
        search_spaces=None,
        n_iter=50,
        n_initial_points=10,
        n_points=4,
        surrogate="auto",
        acquisition="ei",
        xi=0.0,
        kappa=1.96,
        optimizer_kwargs=None,
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
        self.search_spaces = search_spaces
        self.n_iter = n_iter
        self.n_initial_points = n_initial_points
        self.n_points = n_points
        self.surrogate = surrogate
        self.acquisition = acquisition
        self.xi = xi
        self.kappa = kappa
        self.optimizer_kwargs = optimizer_kwargs

    @property
    def total_iterations(self):
        """Most candidates ``fit`` evaluates: the sum of the entries' budgets.

        ``n_iter`` for a dict or a list of dicts (searched together); for a
        list with ``(dict, n_iter)`` entries, the sum of their budgets, with
        ``n_iter`` for each plain dict (scikit-optimize's property).
        """
        _, _, budgets = self._space_entries()
        return self.n_iter if budgets is None else sum(budgets)

    def _space_entries(self):
        """``(name, subspaces, budgets)`` of the space given by the user."""
        given = [
            name
            for name in ("param_distributions", "search_spaces")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise TypeError(
                f"{type(self).__name__} needs the space as param_distributions "
                "(or as search_spaces, scikit-optimize's name for it): give "
                f"exactly one of them, got {'both' if given else 'neither'}."
            )
        name = given[0]
        subspaces, budgets = parse_search_spaces(getattr(self, name), self.n_iter, name)
        return name, subspaces, budgets

    def _checked_space(self):
        name, subspaces, budgets = self._space_entries()
        # phases keep their subspaces even when two are the same (each is
        # its own scikit-optimize entry); alternatives searched together
        # merge identical ones
        try:
            space = (
                Space(subspaces) if budgets is not None else Space.from_user(subspaces)
            )
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{name}: {exc}") from None
        check_space_for_estimator(space, self.estimator, name)
        return space

    def _max_candidates(self):
        return self.total_iterations

    def _strategy_settings(self):
        """BayesStrategy settings: our parameters with ``optimizer_kwargs``."""
        defaults = inspect.signature(BayesSearchCV.__init__).parameters
        names = OWN_PARAMETERS.values()
        return translate_optimizer_kwargs(
            self.optimizer_kwargs,
            {name: getattr(self, name) for name in names},
            {name: defaults[name].default for name in names},
        )

    def _make_strategy(self, space, random_state):
        settings = self._strategy_settings()
        asked_initial = settings.pop("n_initial_points")
        default_initial = (
            inspect.signature(BayesSearchCV.__init__)
            .parameters["n_initial_points"]
            .default
        )
        n_points = self.n_points
        if n_points == "auto":
            n_points = max(1, effective_n_jobs(self.n_jobs))
        _, _, budgets = self._space_entries()
        if budgets is None:
            return BayesStrategy(
                space,
                random_state,
                n_points=n_points,
                n_initial_points=_initial_points(
                    asked_initial, self.n_iter, default_initial
                ),
                **settings,
            )
        # one strategy per entry, each with its own seed, as scikit-optimize
        # gives each entry its own Optimizer
        seeds = random_state.integers(2**31 - 1, size=len(budgets))
        phases = [
            (
                BayesStrategy(
                    Space(dict(zip(sub.names, sub.dimensions))),
                    int(seed),
                    n_points=n_points,
                    n_initial_points=_initial_points(
                        asked_initial, budget, default_initial
                    ),
                    **settings,
                ),
                budget,
            )
            for sub, seed, budget in zip(space.subspaces, seeds, budgets)
        ]
        return SequentialStrategy(phases)

    def _set_search_attributes(self, strategy, results, score_key):
        self.optimizer_results_ = self._optimizer_results(results, score_key)

    def _optimizer_results(self, results, score_key):
        """scikit-optimize's results of ``results`` (a ``cv_results_`` dict)."""
        return optimizer_results(
            self._checked_space(),
            results["params"],
            results[score_key],
            groups=results.get("phase"),
        )


def _initial_points(n_initial_points, n_iter, default):
    """The initial design's size for a budget of ``n_iter`` candidates.

    ``n_initial_points`` unless it leaves no model-based proposal (issue 19:
    ``n_iter=10`` with the default of 10 design points would be a random
    search, silently). Then the default gives way to half the budget
    (rounded down, at least 1); a value given explicitly is kept, as
    scikit-optimize keeps it, with a warning (the user may mean it, and a
    checkpointed search resumed with a larger ``n_iter`` must keep it).
    """
    if n_initial_points < n_iter or n_iter < 2:
        return n_initial_points
    if n_initial_points == default:
        return n_iter // 2
    warnings.warn(
        f"n_initial_points={n_initial_points} >= n_iter={n_iter}: every "
        "candidate comes from the initial design and none from the model "
        "(a random search); use fewer initial points for model-based "
        "proposals.",
        UserWarning,
        stacklevel=4,
    )
    return n_initial_points
