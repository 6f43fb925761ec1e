"""The driver shared by every search class: ask -> evaluate -> tell."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import copy
import dataclasses
import math
import numbers
import os
import time
import warnings
from abc import abstractmethod

import numpy as np
import sklearn
from scipy.stats import rankdata
from sklearn.base import is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import check_cv
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils import check_random_state, metadata_routing
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import indexable

from sklearn_hypersearch._search._checkpoint import (
    Checkpoint,
    fingerprint,
    initial_observations,
    read_header_seed,
    stable_hash,
)
from sklearn_hypersearch._search._objectives import check_objectives
from sklearn_hypersearch._search._results import (
    FailFast,
    FailureLog,
    Recorder,
    check_error_structure,
    failed_records,
    is_all_failed,
)
from sklearn_hypersearch._space import Space
from sklearn_hypersearch._strategies import finite_scores
from sklearn_hypersearch._utils._validation import check_space_for_estimator

# Most fits in one evaluate_candidates call: a batch (a rung, a generation, a
# stage) is split into calls of about this many fits, so that an interrupt or
# a kill loses at most one call. The split depends on the batch and the
# number of splits only, never on n_jobs, so candidates stay the same.
_CALL_FITS = 64

#: (major, minor) of the installed scikit-learn
_SKLEARN_VERSION = tuple(int(p) for p in sklearn.__version__.split(".")[:2])

# Parameters that change neither the candidates nor the rows of a checkpoint.
_LIFECYCLE = frozenset(
    {
        "estimator",
        "param_distributions",
        "search_spaces",
        "scoring",
        "refit",
        "n_jobs",
        "verbose",
        "pre_dispatch",
        "random_state",
        "error_score",
        "return_train_score",
        "max_time",
        "patience",
        "min_improvement",
        "target_score",
        "checkpoint",
        "initial_results",
    }
)


class _BaseHyperSearch(BaseSearchCV):
    """Base class of the search estimators: drives a strategy.

    Subclasses choose the strategy (:meth:`_make_strategy`), name the
    parameter holding the space (``_space_attr``) and the budget
    (:meth:`_max_candidates`). The loop, failure handling, progress and
    callbacks live here once.
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "random_state": ["random_state"],
        "max_time": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "patience": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_improvement": [Interval(numbers.Real, 0, None, closed="left")],
        # an Interval refuses NaN and infinities
        "target_score": [Interval(numbers.Real, None, None, closed="neither"), None],
        "checkpoint": [str, os.PathLike, None],
        "initial_results": [dict, str, os.PathLike, None],
        # checked by check_objectives, which names what is wrong
        "objectives": [dict, None],
        "constraints": [dict, None],
    }

    @abstractmethod
    def __init__(
        self,
        estimator,
        *,
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
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.random_state = random_state
        self.max_time = max_time
        self.patience = patience
        self.min_improvement = min_improvement
        self.target_score = target_score
        self.checkpoint = checkpoint
        self.initial_results = initial_results
        self.objectives = objectives
        self.constraints = constraints

    # fit(callback=...) is the search's own, not metadata to route (without
    # this, scikit-learn would make a public set_fit_request(callback=...))
    __metadata_request__fit = {"callback": metadata_routing.UNUSED}

    #: Name of the constructor parameter that holds the search space.
    _space_attr = "param_distributions"

    #: Parameters that only bound how long the search runs: a checkpoint
    #: written with other values resumes (every other parameter that can
    #: change the candidates must be the same).
    _budget_params = ("n_iter",)

    @abstractmethod
    def _make_strategy(self, space, random_state):
        """Return the strategy that searches ``space``.

        Called once per ``fit``, after the space is validated and before any
        fit starts. ``random_state`` is a ``numpy.random.Generator`` derived
        from the estimator's ``random_state``.
        """

    def _max_candidates(self):
        """Most candidates to evaluate, or None to run until the strategy ends."""
        return getattr(self, "n_iter", None)

    def _counts_for_stopping(self, candidate):
        """Whether ``candidate``'s score may stop the search early.

        Multi-fidelity searches count only full-budget scores, so that a
        lucky low-budget score never meets ``target_score`` or resets
        ``patience``.
        """
        return True

    def _evaluation_groups(self, candidates):
        """Split a batch into ``evaluate_candidates`` calls.

        Yields ``(indices, params_list, cv)`` triples; ``cv=None`` uses the
        search's ``cv``. Multi-fidelity searches override this to turn
        budgets into parameters or subsampling splitters.
        """
        yield list(range(len(candidates))), [dict(c.params) for c in candidates], None

    # -- the loop ---------------------------------------------------------
    def fit(self, X, y=None, *, callback=None, **params):
        """Run fit with all sets of parameters the strategy proposes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            Training vectors.
        y : array-like of shape (n_samples, n_output) or (n_samples,), default=None
            Target relative to X for classification or regression; None for
            unsupervised learning.
        callback : callable, list of callables or None, default=None
            Called after every batch with the search's results so far as
            scikit-optimize's ``OptimizeResult`` (``x_iters``, ``func_vals``
            as minus the scores, ``x``, ``fun``; of the subspace the batch's
            last candidate belongs to), so that scikit-optimize's callbacks
            (``DeadlineStopper``, ``DeltaYStopper``, ``VerboseCallback``,
            ...) and plain functions work. If any callback returns True the
            search stops (``stop_reason_ == "callback"``); unlike
            scikit-optimize, it stops the whole search, not only the current
            ``(space, n_iter)`` entry. Multi-fidelity searches pass
            full-budget candidates only.
        **params : dict of str -> object
            Parameters passed to the ``fit`` method of the estimator, the
            scorer, and the CV splitter, as in
            :meth:`sklearn.model_selection.GridSearchCV.fit`.

        Returns
        -------
        self : object
            Instance of fitted estimator.
        """
        # What needs the data is checked here, before any fit, the same way
        # on every supported scikit-learn (only 1.9+ sets _checked_cv_orig
        # and n_splits_ before _run_search).
        self._validate_params()
        objectives = check_objectives(self)
        callbacks = _check_callbacks(callback)
        user_cv, user_scoring, user_refit = self.cv, self.scoring, self.refit
        try:
            if objectives is not None:
                # the cost measures are scorers, computed in the workers;
                # refit chooses from the front
                self.scoring = objectives.scoring(user_scoring, self.estimator)
                if user_refit is True:
                    from sklearn_hypersearch._search._choosers import knee_point

                    columns = dict(zip(objectives.columns, objectives.directions))
                    self.refit = knee_point(columns)
            return self._fit(X, y, params, callbacks, objectives, user_cv, user_refit)
        finally:
            self.cv, self.scoring, self.refit = user_cv, user_scoring, user_refit
            self.__dict__.pop("_fit_context", None)

    def _fit(self, X, y, params, callbacks, objectives, user_cv, user_refit):
        """``fit`` once ``scoring`` and ``refit`` hold what the run needs."""
        # scoring and refit first, as scikit-learn's fit checks them
        self._get_scorers()
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        split_params = self._get_routed_params_for_fit(params).splitter.split
        n_splits = cv.get_n_splits(X, y, **split_params)
        if not isinstance(n_splits, numbers.Integral) or n_splits < 1:
            raise ValueError(
                f"cv={self.cv!r} yields no train/test split (an exhausted "
                "iterator?); the search needs at least one."
            )
        # The splits are read once: every batch is scored on the same ones,
        # whatever the splitter (one that can be iterated only once, or that
        # shuffles without a fixed random_state).
        splits = [
            (np.asarray(train), np.asarray(test))
            for train, test in cv.split(X, y, **split_params)
        ]
        if len(splits) != n_splits:
            # scikit-learn's words for it (their tense changed in 1.8)
            verb = "returned" if _SKLEARN_VERSION < (1, 8) else "return"
            raise ValueError(
                f"cv.split and cv.get_n_splits {verb} inconsistent results. "
                f"Expected {n_splits} splits, got {len(splits)}"
            )
        self._checked_cv_orig = _FixedSplits(splits)
        self._check_search_inputs(X, y, split_params)
        self._fit_context = _FitContext(self, X, y, params, split_params, n_splits)
        self._fit_context.callbacks = callbacks
        self._fit_context.objectives = objectives
        self._fit_context.user_refit = user_refit
        if cv is not user_cv and not hasattr(user_cv, "split"):
            # an iterable of splits was read once: scikit-learn must reuse it
            # (a generator would be empty the second time)
            self.cv = cv
        return super().fit(X, y, **params)

    def _check_search_inputs(self, X, y, split_params):
        """Validate what depends on the data; called by ``fit`` before any fit.

        ``self._checked_cv_orig`` holds the resolved splitter.
        """

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        # scikit-learn >= 1.9 resolved cv again before calling this: every
        # hook of the run sees the splits read once in fit
        self._checked_cv_orig = self._fit_context.cv
        space = self._checked_space()
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        run = _SearchRun(self, space, evaluate_candidates, int(seed), callback_ctx)
        try:
            run.prepare()
            run.loop()
        finally:
            run.close()
        self.n_batches_ = run.n_calls
        self.stop_reason_ = run.stop_reason
        self._set_search_attributes(run.strategy, run.recorder.results, run.score_key)
        objectives = self._fit_context.objectives
        if objectives is not None:
            for name, value in objectives.attributes(run.recorder.results).items():
                setattr(self, name, value)

    def _continuation(self):
        """How this search continues fitted models, or None (fresh fits).

        A search whose strategy's candidates ``continue`` earlier ones returns
        a :class:`~sklearn_hypersearch._search._continuation.Continuation`;
        its candidates are then trained by the driver's own tasks, which keep
        the fitted fold models the strategy asks for.
        """
        return None

    def _told_values(self, results, rows, score_key):
        """What the strategy is told about the rows ``rows`` of ``results``.

        ``results`` is the ``cv_results_``-formatted dict, ``rows`` an int
        array of row indices and ``score_key`` the column the search
        maximizes. The default is that column's values, shape
        ``(len(rows),)``; a search whose strategy learns more than one number
        per candidate (score vectors, hypergradients) returns an array of
        shape ``(len(rows), k)`` built from other columns.
        """
        objectives = self._objectives()
        if objectives is not None:
            return objectives.values(results)[rows]
        return np.asarray(results[score_key], dtype=float)[rows]

    def _told_violation(self, results, rows):
        """The constraint violation of ``rows`` told with score vectors, or
        None (no constraints: every candidate is feasible)."""
        objectives = self._objectives()
        if objectives is None or not objectives.constraints:
            return None
        return objectives.violation(results)[rows]

    def _objectives(self):
        """The running fit's :class:`Objectives` (None: one score)."""
        context = getattr(self, "_fit_context", None)
        return None if context is None else context.objectives

    def _set_search_attributes(self, strategy, results, score_key):
        """Set the class's own fitted attributes once the loop has ended.

        ``results`` is the ``cv_results_``-formatted dict and ``score_key``
        the column the strategy maximized.
        """

    def __getstate__(self):
        # sklearn sends the search to joblib workers (``caller=self``): what
        # the running fit keeps (the data, the loop) stays in this process.
        state = dict(super().__getstate__())  # a copy: it may be __dict__ itself
        state.pop("_fit_context", None)
        return state

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        # rows recorded by the driver (failed calls) get the metrics' shape
        check_error_structure(self, out)
        # scikit-learn formats every row again at every call; its param_*
        # columns cost O(rows) masked-array assignments, which made the
        # overhead per candidate grow with the number of candidates. The
        # same columns are built here from plain arrays.
        results = super()._format_results(
            [{}] * len(candidate_params), n_splits, out, more_results
        )
        results.update(_param_columns(candidate_params))
        own = set(more_results or ())
        objectives = self._objectives()
        if objectives is not None:
            # Pareto rank, crowding distance (and violation) go last
            columns = set(results)
            results = objectives.annotate(results)
            own |= set(results) - columns
        results["params"] = candidate_params
        for key in [k for k in results if k.startswith("mean_train_")]:
            # scikit-optimize ranks training scores too; scikit-learn does not
            results["rank_" + key[len("mean_") :]] = _rank(results[key])
        # scikit-learn's columns first, the search's own (provenance) after
        return {
            **{k: v for k, v in results.items() if k not in own},
            **{k: v for k, v in results.items() if k in own},
        }

    def _checked_space(self):
        """The user's space as a Space, checked against the estimator."""
        try:
            space = Space.from_user(getattr(self, self._space_attr))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{self._space_attr}: {exc}") from None
        check_space_for_estimator(space, self.estimator, self._space_attr)
        return space


def _param_columns(candidate_params):
    """The ``param_*`` masked arrays of ``cv_results_``, as scikit-learn
    builds them (same dtype rule, masked where a row lacks the parameter)."""
    n = len(candidate_params)
    columns = {}
    for i, params in enumerate(candidate_params):
        for name, value in params.items():
            columns.setdefault(f"param_{name}", {})[i] = value
    out = {}
    for key, column in columns.items():
        try:
            arr = np.array(list(column.values()))
        except ValueError:  # sequences of different lengths
            dtype = np.dtype(object)
        else:
            dtype = arr.dtype if arr.dtype.kind != "U" and arr.ndim == 1 else object
        data = np.empty(n, dtype=dtype)
        mask = np.ones(n, dtype=bool)
        for i, value in column.items():
            data[i] = value
            mask[i] = False
        out[key] = np.ma.MaskedArray(data, mask=mask)
    return out


def _strategy_rng(search, seed):
    """The strategy's generator: the seed mixed with the search class's name.

    With one ``random_state``, two search classes would otherwise start from
    the same design points (every Sobol design would be the same), and their
    convergence curves lie on top of each other.
    """
    import zlib

    salt = zlib.crc32(type(search).__name__.encode("utf-8"))
    return np.random.default_rng([int(seed), salt])


def _vector_layer(search, space, strategy, seed):
    """``strategy`` (one score per candidate) taught score vectors.

    The layer rebuilds the strategy through the search's own
    ``_make_strategy`` (ParEGO), or scores each rung of a multi-fidelity
    strategy by Pareto fitness (see ``VectorLayer``).
    """
    from sklearn_hypersearch._strategies._multiobjective import VectorLayer

    first = [strategy]

    def factory(rng):
        # the strategy made for the search is the first one used
        return first.pop() if first else search._make_strategy(space, rng)

    rng = np.random.default_rng([int(seed), 1])
    return VectorLayer(space, factory, random_state=rng)


def _check_callbacks(callback):
    """``callback`` as a list of callables (TypeError otherwise)."""
    if callback is None:
        return []
    callbacks = list(callback) if isinstance(callback, (list, tuple)) else [callback]
    for cb in callbacks:
        if not callable(cb):
            raise TypeError(
                "callback must be a callable or a list of callables, got "
                f"{type(cb).__name__}: {cb!r}."
            )
    return callbacks


def _rank(means):
    """Ranks as scikit-learn gives test scores: 1 is best, NaN ranks last."""
    means = np.asarray(means, dtype=float)
    if np.isnan(means).all():
        return np.ones(len(means), dtype=np.int32)
    means = np.where(np.isnan(means), np.nanmin(means) - 1, means)
    return rankdata(-means, method="min").astype(np.int32)


def _count(indices):
    indices = np.asarray(indices)
    return int(indices.sum()) if indices.dtype == bool else len(indices)


class _FixedSplits:
    """The splits of one ``fit``, read once, as a splitter."""

    def __init__(self, splits):
        self.splits = splits

    def get_n_splits(self, X=None, y=None, groups=None, **params):
        return len(self.splits)

    def split(self, X=None, y=None, groups=None, **params):
        yield from self.splits

    def __repr__(self):
        return f"_FixedSplits({len(self.splits)} splits)"


class _FitContext:
    """What one ``fit`` call knows about its data, for the loop to use.

    It lives on the search only while ``fit`` runs and never travels to the
    joblib workers (see ``__getstate__``).
    """

    def __init__(self, search, X, y, fit_params, split_params, n_splits):
        # as scikit-learn's fit sees them (a sparse matrix that can be indexed)
        self.X, self.y = indexable(X, y)
        self.fit_params = fit_params
        self.split_params = split_params
        self.n_splits = int(n_splits)
        self.cv = search._checked_cv_orig
        self._sizes = {}
        # every class of y, for partial_fit of classifiers on a fold
        self.classes = (
            np.unique(np.asarray(y))
            if y is not None and is_classifier(search.estimator)
            else None
        )

    def test_sizes(self, cv=None):
        """Test-set size of each split of ``cv`` (None: the search's)."""
        cv = self.cv if cv is None else cv
        if id(cv) not in self._sizes:
            self._sizes[id(cv)] = (
                cv,
                [
                    _count(test)
                    for _, test in cv.split(self.X, self.y, **self.split_params)
                ],
            )
        return self._sizes[id(cv)][1]

    def hashes(self):
        """What a checkpoint's rows depend on besides the search's settings."""
        splits = [
            (np.asarray(train), np.asarray(test))
            for train, test in self.cv.split(self.X, self.y, **self.split_params)
        ]
        return {
            "data": stable_hash((self.X, self.y)),
            "fit_params": stable_hash(self.fit_params),
            "splits": stable_hash(splits),
        }


class _SearchRun:
    """State of one ``_run_search`` call (so the estimator keeps none).

    Every candidate the strategy proposes becomes exactly one row of
    ``cv_results_``: evaluated once, in calls of bounded size; recorded by
    the driver when scikit-learn refuses a call in which every fit failed;
    or restored from a checkpoint, in which case the replayed strategy is
    told the restored result instead of fitting it again.
    """

    def __init__(self, search, space, evaluate_candidates, seed, callback_ctx):
        self.search = search
        self.space = space
        self.context = search._fit_context
        self.n_splits = self.context.n_splits
        self.evaluate_candidates = evaluate_candidates
        self.recorder = Recorder(search, evaluate_candidates, self.n_splits)
        self.seed = seed
        self.callback_ctx = callback_ctx
        self.strategy = None
        self.tag_names = []
        self.budget = search._max_candidates()
        self.n_done = 0
        self.n_calls = 0
        self.checkpoint = None
        # (key, budget) of restored rows not yet proposed again -> row
        self.cache = {}
        self.restored = {}  # row -> Candidate, for restored rows
        self.rows_of = {}  # (key, budget) -> row, every row
        self.fail_fast = FailFast(space)
        # continuation of fitted models: how, and what is kept
        self.continuation = search._continuation()
        self.states = {}  # key -> fitted model of each split
        self.row_candidates = []  # the Candidate of each row
        self.told_keys = set()  # points told by initial_results
        self.n_reported = 0  # batches reported (verbose)
        self.stopper = _Stopper(
            budget=self.budget,
            max_time=search.max_time,
            patience=search.patience,
            min_improvement=search.min_improvement,
            target_score=search.target_score,
        )
        self.stop_reason = None

    @property
    def score_key(self):
        objectives = self.context.objectives
        if objectives is not None:
            return objectives.score_key(self.context.user_refit, self.recorder.results)
        return _score_key(self.search.refit, self.recorder.results)

    def _key(self, candidate):
        """A candidate's identity: its point, budget and what it continues."""
        chain = []
        while candidate is not None:  # a loop, and flat: lineages may be long
            chain.append((self.space.key(candidate.params), candidate.budget))
            candidate = candidate.continues
        return tuple(chain)

    # -- warm starts and checkpoints ----------------------------------------
    def prepare(self):
        """Make the strategy; tell earlier results; restore a checkpoint."""
        search = self.search
        fixed_seed = isinstance(search.random_state, numbers.Integral)
        if search.checkpoint is not None and not fixed_seed:
            # random_state=None: resume the sequence the checkpoint started
            recorded = read_header_seed(search.checkpoint)
            if recorded is not None:
                self.seed = recorded
        self.strategy = search._make_strategy(
            self.space, _strategy_rng(search, self.seed)
        )
        objectives = self.context.objectives
        if objectives is not None and not self.strategy.handles_vectors:
            self.strategy = _vector_layer(search, self.space, self.strategy, self.seed)
        self.tag_names = sorted(getattr(self.strategy, "result_tags", ()))
        if search.checkpoint is not None:
            self.tag_names = sorted({*self.tag_names, "restored"})
        told = None
        if search.initial_results is not None:
            if objectives is not None:
                told = objectives.initial_told(search.initial_results, self.space)
            else:
                told = initial_observations(
                    search.initial_results, self.space, _score_key(search.refit, None)
                )
            if told[0]:
                self.strategy.tell(*told)
                self.told_keys = {self.space.key(p) for p in told[0]}
        if search.checkpoint is None:
            return
        header = fingerprint(
            search, self.space, self.context.hashes(), self._settings(told)
        )
        self.checkpoint = Checkpoint(
            search.checkpoint,
            header,
            seed=self.seed,
            fixed_seed=fixed_seed,
            space=self.space,
            n_splits=self.n_splits,
            test_sizes=self.context.test_sizes(),
            score_names=_score_names(search.scoring),
            return_train_score=search.return_train_score,
        )
        self._restore(self.checkpoint.calls)

    def _settings(self, told):
        """The search's parameters that change which candidates it proposes."""
        search = self.search
        skip = _LIFECYCLE | {search._space_attr, *search._budget_params}
        settings = {
            k: v for k, v in search.get_params(deep=False).items() if k not in skip
        }
        if isinstance(search.random_state, numbers.Integral):
            settings["random_state"] = int(search.random_state)
        # the metric maximized (refit=True and refit="score" are the same)
        settings["maximizes"] = _score_key(search.refit, None)
        if told is not None:
            settings["initial_results"] = told
        return settings

    def _restore(self, calls):
        """Rows of a checkpoint join cv_results_; their keys wait for replay."""
        params, outs = [], []
        more = {name: [] for name in self.tag_names}
        start = self.recorder.n_rows
        for candidates, call_outs, parents in calls:
            candidates = [
                c if p is None else dataclasses.replace(c, continues=self.restored[p])
                for c, p in zip(candidates, parents)
            ]
            for cand, row_params in zip(candidates, self._row_params(candidates)):
                row = start + len(params)
                self.cache[self._key(cand)] = row
                self.restored[row] = cand
                params.append(row_params)
                for name in self.tag_names:
                    more[name].append(
                        True if name == "restored" else cand.tags.get(name)
                    )
            outs.extend(call_outs)
        if params:
            with _quiet_sklearn():
                self.recorder.record(params, outs, more)
            self.row_candidates.extend(self.restored[r] for r in sorted(self.restored))
        self.rows_of.update(self.cache)

    def _row_params(self, candidates):
        """The parameters each candidate's row holds (resources included)."""
        out = [None] * len(candidates)
        for indices, params, _ in self.search._evaluation_groups(candidates):
            for i, p in zip(indices, params):
                out[i] = p
        return out

    def close(self):
        if self.checkpoint is not None:
            self.checkpoint.close()

    # -- the loop -------------------------------------------------------------
    def loop(self):
        search_ctx = None
        if self.callback_ctx is not None:
            search_ctx = self.callback_ctx.subcontext(
                task_name="search", max_subtasks=None, sequential_subtasks=True
            ).call_on_fit_task_begin(estimator=self.search)
        try:
            self.stop_reason = self._run_batches(search_ctx)
        except KeyboardInterrupt:
            if self.recorder.results is None:
                raise
            warnings.warn(
                f"{type(self.search).__name__} interrupted after "
                f"{self.recorder.n_rows} candidates; keeping their results "
                "(interrupt again to abort the refit).",
                UserWarning,
            )
            self.stop_reason = "interrupted"
        finally:
            if search_ctx is not None:
                search_ctx.call_on_fit_task_end(estimator=self.search)
        if self.recorder.results is None:
            raise ValueError(
                f"{type(self.search).__name__} evaluated no candidate: the "
                "strategy proposed none."
            )
        self._check_some_fit_succeeded()
        self._warn_non_finite()

    def _run_batches(self, search_ctx):
        """Ask, evaluate and tell until a stopping rule fires; return it."""
        idle = 0
        while True:
            reason = self.stopper.reason(self.n_done)
            if reason is not None:
                return reason
            remaining = None if self.budget is None else self.budget - self.n_done
            batch = self.strategy.ask(remaining)
            if not batch:
                return self._ended()
            rows, complete, n_new, n_served = self._evaluate(batch, search_ctx)
            if not complete:
                return "max_time"
            rows = np.asarray(rows, dtype=int)
            self._tell(batch, rows)
            self._drop_states()
            scores = self._stopping_scores(rows)
            self._update_stopper(batch, scores)
            self._forget_stale_cache(n_new)
            if n_new:  # a batch served from the cache or checkpoint is silent
                self._report()
            if self._callbacks_stop():
                return "callback"
            # a strategy that proposes only what it was told would never end
            idle = 0 if n_new or n_served else idle + 1
            if idle >= 3:
                return self._ended()

    def _ended(self):
        """Why a strategy with nothing more to propose ended: ``"exhausted"``
        if it proposed every point of a finite space, else ``"budget"`` (its
        schedule, generations, stages or phases are done)."""
        n_values = self.space.n_values
        if math.isfinite(n_values):
            seen = {self.space.key(c.params) for c in self.row_candidates}
            seen |= self.told_keys
            if len(seen) >= n_values:
                return "exhausted"
        return "budget"

    def _evaluate(self, batch, search_ctx):
        """Rows of a batch's candidates: restored, known or newly evaluated.

        Returns ``(rows, complete, n_new, n_served)``: ``complete`` is False
        when ``max_time`` ran out between two calls of the batch; ``n_new``
        candidates were evaluated and ``n_served`` restored.
        """
        rows = [None] * len(batch)
        n_served = 0
        pending, same = [], {}
        for i, cand in enumerate(batch):
            key = self._key(cand)
            if key in self.cache:
                rows[i] = self.cache.pop(key)
                self.n_done += 1
                n_served += 1
            elif key in self.rows_of:
                rows[i] = self.rows_of[key]  # proposed again: never refitted
            elif key in same:
                same[key].append(i)
            else:
                same[key] = [i]
                pending.append(i)
        failures = FailureLog()
        complete = True
        todo = [batch[i] for i in pending]
        for indices, params, cv in self.search._evaluation_groups(todo):
            for chunk in _chunks(len(indices), self.n_splits):
                if self.n_done and self.stopper.out_of_time():
                    complete = False
                    break
                idx = [indices[j] for j in chunk]
                call = self._call if self.continuation is None else self._call_own
                new = call(
                    [todo[j] for j in idx],
                    [params[j] for j in chunk],
                    cv,
                    search_ctx,
                    failures,
                )
                for j, row in zip(idx, new):
                    for i in same[self._key(todo[j])]:
                        rows[i] = row
                self.n_done += len(idx)
            if not complete:
                break
        if failures.n_failed:
            what = "a batch" if len(batch) > 1 else "a candidate"
            warnings.warn(failures.message(what), FitFailedWarning)
        return rows, complete, len(pending), n_served

    def _call(self, candidates, params, cv, search_ctx, failures):
        """One ``evaluate_candidates`` call; returns the rows it added."""
        more = {
            name: [
                c.tags.get(name, False if name == "restored" else None)
                for c in candidates
            ]
            for name in self.tag_names
        }
        # always the search's own fixed splits (scikit-learn's default would
        # read the user's splitter again)
        kwargs = {"more_results": more, "cv": self.context.cv if cv is None else cv}
        batch_ctx = None
        if search_ctx is not None:
            batch_ctx = search_ctx.subcontext(
                task_name="batch",
                max_subtasks=len(params) * self.n_splits,
                sequential_subtasks=False,
            ).call_on_fit_task_begin(estimator=self.search)
            kwargs["callback_ctx"] = batch_ctx
        start = self.recorder.n_rows
        try:
            with _quiet_sklearn():
                try:
                    with _quiet_verbose(self.search):
                        self.evaluate_candidates(params, **kwargs)
                except ValueError as exc:
                    if self.search.error_score == "raise" or not is_all_failed(exc):
                        raise
                    # scikit-learn refuses to record a call whose every fit
                    # failed: record it here, so it is never fitted again
                    records = failed_records(
                        self.search, len(params), self.context.test_sizes(cv), exc
                    )
                    self.recorder.record(params, records, more)
        finally:
            if batch_ctx is not None:
                batch_ctx.call_on_fit_task_end(estimator=self.search)
            self.n_calls += 1
        return self._after_call(
            candidates, range(start, self.recorder.n_rows), failures
        )

    def _after_call(self, candidates, rows, failures):
        """Bookkeeping of a call's new rows: keys, checkpoint, failures."""
        outs = self.recorder.outs_of(rows)
        for cand, row in zip(candidates, rows):
            self.rows_of[self._key(cand)] = row
        self.row_candidates.extend(candidates)
        if self.checkpoint is not None:
            parents = [
                None if c.continues is None else self.rows_of[self._key(c.continues)]
                for c in candidates
            ]
            self.checkpoint.write_call(candidates, outs, parents)
        failures.add(outs, self.n_splits)
        self.fail_fast.add(candidates, outs, self.n_splits)
        self.fail_fast.check(type(self.search).__name__)
        return list(rows)

    def _call_own(self, candidates, params, cv, search_ctx, failures):
        """Evaluate candidates with the driver's own tasks; returns their rows.

        Used when the search continues fitted models: a candidate that
        ``continues`` another starts each split from that candidate's fitted
        model of the same split (copied), and the models of candidates that
        ``keep_state`` are kept. Rows are recorded as scikit-learn's
        ``evaluate_candidates`` would record them.
        """
        from joblib import Parallel, delayed

        from sklearn_hypersearch._search._continuation import fit_and_score

        search, ctx, spec = self.search, self.context, self.continuation
        cv = ctx.cv if cv is None else cv
        splits = list(cv.split(ctx.X, ctx.y, **ctx.split_params))
        routed = search._get_routed_params_for_fit(ctx.fit_params)
        scorers, _ = search._get_scorers()
        resource = getattr(search, "resource", None)
        tasks = []
        for cand, row_params in zip(candidates, params):
            parent = cand.continues
            states = None if parent is None else self.states.get(self._key(parent))
            # the resource is the training the task does, not a parameter
            cand_params = {k: v for k, v in row_params.items() if k != resource}
            for k, (train, test) in enumerate(splits):
                # a copy: a state may be continued by several candidates
                model = None if states is None else copy.deepcopy(states[k])
                units = cand.budget
                if model is not None and spec.method == "partial_fit":
                    units = cand.budget - parent.budget
                tasks.append((model, cand_params, units, train, test))
        out = Parallel(n_jobs=search.n_jobs, pre_dispatch=search.pre_dispatch)(
            delayed(fit_and_score)(
                model,
                search.estimator,
                cand_params,
                units,
                ctx.X,
                ctx.y,
                train=train,
                test=test,
                scorer=scorers,
                fit_params=routed.estimator.fit,
                score_params=routed.scorer.score,
                spec=spec,
                classes=ctx.classes,
                return_train_score=search.return_train_score,
                error_score=search.error_score,
            )
            for model, cand_params, units, train, test in tasks
        )
        more = {
            name: [
                c.tags.get(name, False if name == "restored" else None)
                for c in candidates
            ]
            for name in self.tag_names
        }
        start = self.recorder.n_rows
        with _quiet_sklearn():
            self.recorder.record(list(params), [r for r, _ in out], more)
        self.n_calls += 1
        n = self.n_splits
        for i, cand in enumerate(candidates):
            models = [m for _, m in out[i * n : (i + 1) * n]]
            if cand.keep_state and all(m is not None for m in models):
                self.states[self._key(cand)] = models
        return self._after_call(
            candidates, range(start, self.recorder.n_rows), failures
        )

    def _drop_states(self):
        """Keep only the fitted models the strategy may still continue."""
        if not self.states:
            return
        keep = {self._key(c) for c in self.strategy.continuable()}
        for key in [k for k in self.states if k not in keep]:
            del self.states[key]

    def _forget_stale_cache(self, n_new):
        """Restored rows the replayed strategy did not propose again.

        A replay proposes the checkpoint's candidates again in order, so once
        a batch needed new fits, restored rows still waiting will not come:
        the search proposes other candidates than the run that wrote the
        checkpoint (a different machine's floating point, a changed budget
        parameter). They stay in ``cv_results_``, count towards the budget,
        are told to the strategy, and are never evaluated again.
        """
        if not (n_new and self.cache):
            return
        rows = sorted(self.cache.values())
        self.cache.clear()
        warnings.warn(
            f"checkpoint {self.checkpoint.path!r}: the resumed search did not "
            f"propose {len(rows)} of the restored candidates again (its "
            "proposals differ from the run that wrote the file); they stay in "
            "cv_results_, are told to the strategy and are not refitted.",
            UserWarning,
        )
        self._tell([self.restored[r] for r in rows], np.asarray(rows))
        self.n_done += len(rows)

    def _tell(self, candidates, rows):
        """Tell the strategy the results of ``rows`` (score vectors with
        their constraint violation for a multi-objective search)."""
        results = self.recorder.results
        values = self.search._told_values(results, rows, self.score_key)
        violation = self.search._told_violation(results, rows)
        if violation is None:
            self.strategy.tell(candidates, values)
        else:
            self.strategy.tell(candidates, values, violation)

    def _stopping_scores(self, rows):
        """What the stopping rules see of ``rows``: the score column, or with
        objectives the number of rows so far that changed the front."""
        results = self.recorder.results
        objectives = self.context.objectives
        if objectives is not None:
            return objectives.stopping_scores(results, rows)
        return np.asarray(results[self.score_key], dtype=float)[rows]

    def _callbacks_stop(self):
        """Call the ``fit(callback=...)`` callables; True if one says stop."""
        callbacks = self.context.callbacks
        if not callbacks:
            return False
        from sklearn_hypersearch._search._skopt import optimizer_results

        results = self.recorder.results
        rows = [
            r
            for r, c in enumerate(self.row_candidates)
            if self.search._counts_for_stopping(c)
        ]
        if not rows:
            return False
        scores = np.asarray(results[self.score_key], dtype=float)[rows]
        groups = results.get("phase")
        groups = None if groups is None else np.asarray(groups)[rows]
        per_subspace = optimizer_results(
            self.space, [self.row_candidates[r].params for r in rows], scores, groups
        )
        last = rows[-1]
        b = (
            int(groups[-1])
            if groups is not None
            else self.space.subspace_of(self.row_candidates[last].params)
        )
        decisions = [cb(per_subspace[b]) for cb in callbacks]
        return any(bool(d) for d in decisions)

    def _warn_non_finite(self):
        """scikit-learn's warning about non-finite scores, once per search.

        It is silenced per call (a batch's failed fits have their own
        warning); a scorer that gives NaN on fits that succeeded still says
        so, as in scikit-learn, once for the test and once for the training
        scores.
        """
        results = self.recorder.results
        outs = self.recorder.outs
        n = self.n_splits
        fitted = np.array(
            [
                all(o.get("fit_error") is None for o in outs[i * n : (i + 1) * n])
                for i in range(self.recorder.n_rows)
            ],
            dtype=bool,
        )
        for which in ("test", "train"):
            keys = [k for k in results if k.startswith(f"mean_{which}_")]
            means = [np.asarray(results[k], dtype=float) for k in keys]
            if any((~np.isfinite(m) & fitted).any() for m in means):
                warnings.warn(
                    f"One or more of the {which} scores are non-finite: "
                    f"{means[0] if len(means) == 1 else dict(zip(keys, means))}",
                    UserWarning,
                )

    def _check_some_fit_succeeded(self):
        outs = self.recorder.outs
        if outs and all(o.get("fit_error") is not None for o in outs):
            log = FailureLog()
            log.add(outs, self.n_splits)
            raise ValueError(
                f"All the {len(outs)} fits failed: no candidate of "
                f"{type(self.search).__name__} could be fitted. "
                f"{log.message('the search')}"
            )

    def _update_stopper(self, candidates, scores):
        keep = [self.search._counts_for_stopping(c) for c in candidates]
        self.stopper.update([s for s, k in zip(scores, keep) if k])

    def _report(self):
        """One line per batch (``verbose >= 1``): candidates done of the
        total, the best score so far with its metric, time and ETA."""
        verbose = self.search.verbose
        if not verbose or not isinstance(verbose, numbers.Number):
            return
        self.n_reported += 1
        total = self.budget
        if total is None:
            total = getattr(self.strategy, "n_planned", None)
        results = self.recorder.results
        scores = np.asarray(results[self.score_key], dtype=float)
        counted = [
            r
            for r, c in enumerate(self.row_candidates)
            if self.search._counts_for_stopping(c) and np.isfinite(scores[r])
        ]
        metric = _metric_name(self.search.scoring, self.score_key)
        best = f"{scores[counted].max():.5g}" if counted else "none yet"
        elapsed = time.perf_counter() - self.stopper.start
        done = f"{self.n_done}/{total}" if total else f"{self.n_done}"
        eta = ""
        if total and 0 < self.n_done < total:
            eta = f", about {elapsed / self.n_done * (total - self.n_done):.0f} s left"
        print(
            f"[{type(self.search).__name__}] batch {self.n_reported}: {done} "
            f"candidates, best {metric} {best}, {elapsed:.1f} s{eta}",
            flush=True,
        )


def _chunks(n, n_splits):
    """Ranges of about ``_CALL_FITS // n_splits`` candidates covering ``n``."""
    per_call = max(1, _CALL_FITS // max(n_splits, 1))
    n_calls = max(1, math.ceil(n / per_call))
    size = math.ceil(n / n_calls) if n else 0
    return [range(i, min(i + size, n)) for i in range(0, n, size)] if n else []


def _score_names(scoring):
    """Metric names of dict test scores; None for one (or an unknown) metric."""
    if isinstance(scoring, dict):
        return sorted(scoring)
    if isinstance(scoring, (list, tuple, set, frozenset)):
        return sorted(scoring)
    return None


class _quiet_verbose:
    """At ``verbose=1``, the driver's line per batch replaces scikit-learn's
    "Fitting k folds for each of n candidates" per call (higher levels keep
    scikit-learn's messages)."""

    def __init__(self, search):
        self.search = search

    def __enter__(self):
        self.verbose = self.search.verbose
        if self.verbose == 1:
            self.search.verbose = 0

    def __exit__(self, *exc):
        self.search.verbose = self.verbose


def _metric_name(scoring, score_key):
    """The metric a ``mean_test_*`` column holds, as the user named it."""
    name = score_key[len("mean_test_") :]
    if name == "score" and isinstance(scoring, str):
        return scoring
    return name


class _quiet_sklearn(warnings.catch_warnings):
    """Silence scikit-learn's per-call failure warnings (the driver reports
    them once per batch, with the estimator's errors)."""

    def __enter__(self):
        out = super().__enter__()
        warnings.filterwarnings("ignore", category=FitFailedWarning)
        warnings.filterwarnings(
            "ignore", message="One or more of the .* scores are non-finite"
        )
        return out


def _score_key(refit, results):
    """The ``cv_results_`` column a strategy maximizes.

    ``results`` may be None (before the first batch): the column is then
    named from ``refit`` alone.
    """
    if results is not None and "mean_test_score" in results:
        return "mean_test_score"
    if isinstance(refit, str) and (results is None or f"mean_test_{refit}" in results):
        return f"mean_test_{refit}"
    if results is None:
        return "mean_test_score"
    # multi-metric without a named refit metric: follow the first metric
    return sorted(k for k in results if k.startswith("mean_test_"))[0]


class _Stopper:
    """The stopping rules, checked before each batch.

    ``reason`` returns the first rule that fires, or None. Scores are
    the refit metric's mean test scores; non-finite ones never improve.
    """

    def __init__(self, budget, max_time, patience, min_improvement, target_score):
        self.budget = budget
        self.max_time = max_time
        self.patience = patience
        self.min_improvement = min_improvement
        self.target_score = target_score
        self.start = time.perf_counter()
        self.best = -np.inf
        self.n_seen = 0
        self.last_improvement = 0

    def update(self, scores):
        for score in finite_scores(scores):
            self.n_seen += 1
            if score > self.best + self.min_improvement or (
                np.isinf(self.best) and np.isfinite(score)
            ):
                self.last_improvement = self.n_seen
            self.best = max(self.best, score)

    def reason(self, n_done):
        if self.budget is not None and n_done >= self.budget:
            return "budget"
        if n_done == 0:
            # the first batch always runs, so a search has something to report
            return None
        if self.target_score is not None and self.best >= self.target_score:
            return "target_score"
        if self.patience is not None and (
            self.n_seen - self.last_improvement >= self.patience
        ):
            return "patience"
        if self.out_of_time():
            return "max_time"
        return None

    def out_of_time(self):
        return self.max_time is not None and (
            time.perf_counter() - self.start >= self.max_time
        )
