"""BayesSearchCV: sequential model-based hyperparameter search."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers

import numpy as np
from joblib import effective_n_jobs
from sklearn.utils._param_validation import Interval, StrOptions

from sklearn_hypersearch._search._base import _BaseHyperSearch
from sklearn_hypersearch._search._docs import fill_doc
from sklearn_hypersearch._strategies._bayes import (
    ACQUISITION_NAMES,
    SURROGATES,
    BayesStrategy,
)


@fill_doc
class BayesSearchCV(_BaseHyperSearch):
    """Bayesian optimization over hyperparameters.

    A surrogate model of the cross-validated score, refitted after every
    batch, proposes each new candidate where an acquisition function says
    the best improvement is to be expected. Most searches need far fewer
    fits than :class:`~sklearn.model_selection.RandomizedSearchCV` for the
    same score. The interface follows scikit-optimize's ``BayesSearchCV``:
    only the import changes.

    Parameters
    ----------
    estimator : estimator object
        An object of that type is instantiated for each candidate. It must
        implement ``fit`` and either ``score`` or be used with ``scoring``.

    search_spaces : dict or list of dict
        Parameter names mapped to :class:`~sklearn_hypersearch.Real`,
        :class:`~sklearn_hypersearch.Integer`,
        :class:`~sklearn_hypersearch.Categorical` or what
        :class:`~sklearn_hypersearch.Space` accepts (lists of values,
        ``(low, high, prior)`` tuples, ``scipy.stats`` distributions). A
        list of dicts gives alternative subspaces (e.g. one per model type
        of a Pipeline step); each gets its own surrogate and the
        acquisition decides which one to sample, so weak alternatives stop
        receiving fits.

    n_iter : int, default=50
        Number of candidates evaluated.

    n_initial_points : int, default=10
        Candidates of the initial space-filling (Sobol) design, evaluated
        before the first model is fitted.

    n_points : int or "auto", default=1
        Candidates proposed per round, evaluated in parallel (each on every
        CV split, so one candidate already gives ``n_splits`` parallel
        fits). The candidates of a round are kept apart by the kriging
        believer heuristic. ``"auto"`` proposes ``n_jobs`` candidates per
        round so that every worker is busy, at the price of candidates that
        depend on ``n_jobs``; an int gives the same candidates whatever
        ``n_jobs`` is. Smaller rounds learn more from each fit.

    surrogate : {"auto", "gp", "trees", "tpe"}, default="auto"
        Model of the score: Gaussian process (Matern-5/2 kernel with a
        length scale per dimension and a noise term), extremely randomized
        trees, or a tree-structured Parzen estimator. ``"auto"`` uses the
        Gaussian process unless the space has many (one-hot encoded)
        dimensions, where the trees are used.

    acquisition : {"ei", "pi", "lcb", "portfolio"}, default="ei"
        Expected improvement, probability of improvement, confidence bound
        or a GP-Hedge portfolio of the three.

    xi : float, default=0.0
        Improvement margin of ``"ei"`` and ``"pi"``, in standard deviations
        of the scores; larger values explore more.

    kappa : float, default=1.96
        Exploration weight of ``"lcb"``.

    <search_parameters>

    <lifecycle_parameters>

    Attributes
    ----------
    <search_attributes>

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
    evaluated together), and ``proposed_by`` (``"initial"``, ``"random"``,
    ``"gp"``, ``"trees"`` or ``"tpe"``).

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
    >>> search.cv_results_["round"][3:6].tolist()
    [4, 5, 6]
    >>> search.cv_results_["proposed_by"][3:6].tolist()
    ['initial', 'gp', 'gp']
    """

    _space_attr = "search_spaces"

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        "search_spaces": [dict, list],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_initial_points": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_points": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "surrogate": [StrOptions(set(SURROGATES))],
        "acquisition": [StrOptions(set(ACQUISITION_NAMES))],
        "xi": [Interval(numbers.Real, 0, None, closed="left")],
        "kappa": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        estimator,
        search_spaces,
        *,
        n_iter=50,
        n_initial_points=10,
        n_points=1,
        surrogate="auto",
        acquisition="ei",
        xi=0.0,
        kappa=1.96,
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
        self.search_spaces = search_spaces
        self.n_iter = n_iter
        self.n_initial_points = n_initial_points
        self.n_points = n_points
        self.surrogate = surrogate
        self.acquisition = acquisition
        self.xi = xi
        self.kappa = kappa

    def _make_strategy(self, space, random_state):
        n_points = self.n_points
        if n_points == "auto":
            n_points = max(1, effective_n_jobs(self.n_jobs))
        return BayesStrategy(
            space,
            random_state,
            n_initial_points=self.n_initial_points,
            n_points=n_points,
            surrogate=self.surrogate,
            acquisition=self.acquisition,
            xi=self.xi,
            kappa=self.kappa,
        )
