"""The driver shared by every search class: ask -> evaluate -> tell."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
import os
import time
import warnings
from abc import abstractmethod

import joblib
import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import check_cv
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from sklearn_hypersearch._search._checkpoint import (
    CheckpointWriter,
    fingerprint,
    initial_observations,
    read_checkpoint,
)
from sklearn_hypersearch._space import Space
from sklearn_hypersearch._space._space import _as_generator
from sklearn_hypersearch._strategies import finite_scores
from sklearn_hypersearch._utils._validation import check_space_for_estimator

# The message sklearn's evaluate_candidates raises when every fit of one call
# failed, whatever error_score says (sklearn.model_selection._validation).
_ALL_FAILED = "fits failed."


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
        "target_score": [numbers.Real, None],
        "checkpoint": [str, os.PathLike, None],
        "initial_results": [dict, str, os.PathLike, None],
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

    #: Name of the constructor parameter that holds the search space.
    _space_attr = "param_distributions"

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
    def fit(self, X, y=None, **params):
        """Run fit with all sets of parameters the strategy proposes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            Training vectors.
        y : array-like of shape (n_samples, n_output) or (n_samples,), default=None
            Target relative to X for classification or regression; None for
            unsupervised learning.
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
        self._checked_cv_orig = check_cv(
            self.cv, y, classifier=is_classifier(self.estimator)
        )
        split_params = self._get_routed_params_for_fit(params).splitter.split
        self._check_search_inputs(X, y, split_params)
        # A checkpoint is tied to the data: keep a hash of it, never the data.
        self._data_hash = None if self.checkpoint is None else joblib.hash((X, y))
        self._n_splits = self._checked_cv_orig.get_n_splits(X, y, **split_params)
        try:
            return super().fit(X, y, **params)
        finally:
            del self._data_hash, self._n_splits

    def _check_search_inputs(self, X, y, split_params):
        """Validate what depends on the data; called by ``fit`` before any fit.

        ``self._checked_cv_orig`` holds the resolved splitter.
        """

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        space = self._checked_space()
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)

        def make_strategy():
            return self._make_strategy(space, _as_generator(seed))

        run = _SearchRun(self, space, evaluate_candidates, make_strategy, callback_ctx)
        # evaluate_candidates formats results through self._format_results,
        # the one place where restored rows can join cv_results_.
        self._active_run = run
        try:
            run.prepare()
            run.loop()
        finally:
            del self._active_run
        self.n_batches_ = run.n_batches
        self.stop_reason_ = run.stop_reason
        self._set_search_attributes(run.strategy, run.results, run._score_key())

    def _told_values(self, results, rows, score_key):
        """What the strategy is told about the rows ``rows`` of ``results``.

        ``results`` is the ``cv_results_``-formatted dict, ``rows`` an int
        array of row indices and ``score_key`` the column the search
        maximizes. The default is that column's values, shape
        ``(len(rows),)``; a search whose strategy learns more than one number
        per candidate (score vectors, hypergradients) returns an array of
        shape ``(len(rows), k)`` built from other columns.
        """
        return np.asarray(results[score_key], dtype=float)[rows]

    def _set_search_attributes(self, strategy, results, score_key):
        """Set the class's own fitted attributes once the loop has ended.

        ``results`` is the ``cv_results_``-formatted dict and ``score_key``
        the column the strategy maximized.
        """

    def __getstate__(self):
        # sklearn sends the search to joblib workers (``caller=self``): the
        # running loop holds the evaluate_candidates closure, which stays here.
        state = dict(super().__getstate__())  # a copy: it may be __dict__ itself
        state.pop("_active_run", None)
        return state

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        run = getattr(self, "_active_run", None)
        if run is not None:
            run.on_format(candidate_params, n_splits, out, more_results)
        return super()._format_results(candidate_params, n_splits, out, more_results)

    def _checked_space(self):
        """The user's space as a Space, checked against the estimator."""
        space = Space.from_user(getattr(self, self._space_attr))
        check_space_for_estimator(space, self.estimator, self._space_attr)
        return space


class _SearchRun:
    """State of one ``_run_search`` call (so the estimator keeps none)."""

    def __init__(self, search, space, evaluate_candidates, make_strategy, callback_ctx):
        self.search = search
        self.space = space
        self.evaluate_candidates = evaluate_candidates
        self.make_strategy = make_strategy
        self.strategy = make_strategy()
        self.callback_ctx = callback_ctx
        self.budget = search._max_candidates()
        self.n_done = 0
        self.n_batches = 0
        self.start = time.perf_counter()
        self.results = None
        # (params, tags, cv) of evaluate_candidates calls in which every fit
        # failed: sklearn raised instead of recording them; they are retried
        # with the next call on the same splits, so they reach cv_results_.
        self.pending_failed = []
        self.tag_names = sorted(getattr(self.strategy, "result_tags", ()))
        self.writer = None
        # rows restored from a checkpoint, waiting to join cv_results_
        self.restored = None
        self.restored_injected = False
        self._last_call_params = []
        # rows added to cv_results_ since the last checkpoint line
        self.new_rows = ([], [], {})
        if search.checkpoint is not None:
            self.tag_names = sorted({*self.tag_names, "restored"})
        self.stopper = _Stopper(
            budget=self.budget,
            max_time=search.max_time,
            patience=search.patience,
            min_improvement=search.min_improvement,
            target_score=search.target_score,
        )
        self.stop_reason = None

    def loop(self):
        search_ctx = None
        if self.callback_ctx is not None:
            search_ctx = self.callback_ctx.subcontext(
                task_name="search", max_subtasks=None, sequential_subtasks=True
            ).call_on_fit_task_begin(estimator=self.search)
        try:
            self.stop_reason = self._run_batches(search_ctx)
        except KeyboardInterrupt:
            if self.results is None:
                raise
            warnings.warn(
                f"{type(self.search).__name__} interrupted after "
                f"{self.n_done} candidates; keeping their results (interrupt "
                "again to abort the refit).",
                UserWarning,
            )
            self.stop_reason = "interrupted"
        finally:
            if search_ctx is not None:
                search_ctx.call_on_fit_task_end(estimator=self.search)
        if self.results is None:
            raise ValueError(
                f"{type(self.search).__name__} evaluated no candidate: the "
                "strategy proposed none."
            )

    def _run_batches(self, search_ctx):
        """Ask, evaluate and tell until a stopping rule fires; return it."""
        reason = None
        while reason is None:
            reason = self.stopper.reason(self.n_done)
            if reason is not None:
                break
            remaining = None if self.budget is None else self.budget - self.n_done
            batch = self.strategy.ask(remaining)
            if not batch:
                reason = "exhausted"
                break
            scores = self._evaluate(batch, search_ctx)
            self.strategy.tell(batch, scores)
            self.n_done += len(batch)
            self._update_stopper(batch, scores)
            if self.writer is not None:
                self.writer.write_batch(self.space, batch, scores, self.new_rows)
            self.new_rows = ([], [], {})
            self._report()
        self._flush_failed(search_ctx)
        if self.results is None and self.restored is not None:
            self._reevaluate_last_restored(search_ctx)
        return reason

    # -- warm starts and checkpoints ----------------------------------------
    def prepare(self):
        """Tell earlier results, and replay a checkpoint, before the loop."""
        search = self.search
        if search.initial_results is not None:
            params, scores = initial_observations(
                search.initial_results, self.space, _score_key(search.refit, None)
            )
            if params:
                self.strategy.tell(params, scores)
        if search.checkpoint is None:
            return
        header = fingerprint(search, self.space, search._data_hash, search._n_splits)
        batches = read_checkpoint(search.checkpoint, header, self.space)
        if batches:
            self._replay(batches)
        self.writer = CheckpointWriter(search.checkpoint, header)

    def _replay(self, batches):
        """Rebuild the strategy's state by asking and telling the batches.

        With the same settings and seed the strategy proposes exactly the
        recorded batches again, so a resumed search continues as the
        uninterrupted one would have. Otherwise it starts afresh and is told
        every recorded result (informed, but not identical).
        """
        for batch in batches:
            remaining = None if self.budget is None else self.budget - self.n_done
            asked = self.strategy.ask(remaining)
            keys = [(self.space.key(c.params), c.budget) for c in asked]
            recorded = [(self.space.key(c.params), c.budget) for c in batch["asked"]]
            if keys != recorded:
                warnings.warn(
                    "The checkpoint's batches differ from what this search "
                    "proposes now (different settings or random_state); its "
                    "results are told to a fresh strategy instead of replayed.",
                    UserWarning,
                )
                self.strategy = self.make_strategy()
                self.n_done = 0
                self.stopper.reset()
                every = [c for b in batches for c in b["asked"]]
                scores = [s for b in batches for s in b["scores"]]
                self.strategy.tell(every, scores)
                self._update_stopper(every, scores)
                self.n_done = len(every)
                break
            self.strategy.tell(batch["asked"], batch["scores"])
            self._update_stopper(batch["asked"], batch["scores"])
            self.n_done += len(asked)
        params, outs, more = [], [], {name: [] for name in self.tag_names}
        for batch in batches:
            p, o, m = batch["rows"]
            params += p
            outs += o
            for name in self.tag_names:
                values = m.get(name, [None] * len(p))
                more[name] += [True] * len(p) if name == "restored" else values
        self.restored = (params, outs, more)

    def _update_stopper(self, candidates, scores):
        keep = [self.search._counts_for_stopping(c) for c in candidates]
        # told rows may hold more than the score (gradients): stop on the score
        scores = [np.ravel(s)[0] for s in scores]
        self.stopper.update([s for s, k in zip(scores, keep) if k])

    def on_format(self, candidate_params, n_splits, out, more_results):
        """Called as each evaluate_candidates call formats its results.

        Inserts restored rows (once) at the front of sklearn's accumulated
        lists, and keeps this call's new rows for the checkpoint.
        """
        n_new = len(self._last_call_params)
        if self.writer is not None:
            params, outs, more = self.new_rows
            params += self._last_call_params
            outs += out[len(out) - n_new * n_splits :]
            for name in self.tag_names:
                more.setdefault(name, []).extend(more_results[name][-n_new:])
        if self.restored is not None and not self.restored_injected:
            r_params, r_outs, r_more = self.restored
            candidate_params[:0] = r_params
            out[:0] = r_outs
            for name in self.tag_names:
                more_results[name][:0] = r_more[name]
            self.restored_injected = True

    def _reevaluate_last_restored(self, search_ctx):
        """A resumed search with nothing left to do still needs one call.

        scikit-learn builds cv_results_ only inside evaluate_candidates, so
        the last restored batch is evaluated again to carry the others.
        """
        params, outs, more = self.restored
        n_splits = self.search._n_splits
        keep = len(params) - 1
        last_params = params[keep:]
        last_tags = [{name: more[name][keep] for name in self.tag_names}]
        self.restored = (
            params[:keep],
            outs[: keep * n_splits],
            {name: more[name][:keep] for name in self.tag_names},
        )
        self._call(last_params, last_tags, None, search_ctx, retry=False)

    def _evaluate(self, batch, search_ctx):
        """Evaluate a batch; return its refit-metric mean test scores."""
        scores = None  # (n,) or (n, k): the shape _told_values gives
        for indices, params, cv in self.search._evaluation_groups(batch):
            tags = [batch[i].tags for i in indices]
            try:
                out = self._call(params, tags, cv, search_ctx, retry=True)
            except ValueError as exc:
                if self.search.error_score == "raise" or _ALL_FAILED not in str(exc):
                    raise
                self.pending_failed.append((params, tags, cv))
                self._warn_failed(len(params), exc)
                continue
            out = np.asarray(out, dtype=float)
            if scores is None:
                scores = np.full((len(batch),) + out.shape[1:], np.nan)
            scores[indices] = out
        return np.full(len(batch), np.nan) if scores is None else scores

    def _call(self, params, tags, cv, search_ctx, retry):
        """One ``evaluate_candidates`` call; returns the scores of ``params``."""
        retried_params, retried_tags = [], []
        retried, others = self._pending_on(cv) if retry else ([], None)
        for p, t, _ in retried:
            retried_params += p
            retried_tags += t
        all_params = retried_params + list(params)
        more = {
            name: [
                t.get(name, False if name == "restored" else None)
                for t in retried_tags + list(tags)
            ]
            for name in self.tag_names
        }
        kwargs = {"more_results": more}
        if cv is not None:
            kwargs["cv"] = cv
        batch_ctx = None
        if search_ctx is not None:
            n_splits = self.search._n_splits
            batch_ctx = search_ctx.subcontext(
                task_name="batch",
                max_subtasks=len(all_params) * n_splits,
                sequential_subtasks=False,
            ).call_on_fit_task_begin(estimator=self.search)
            kwargs["callback_ctx"] = batch_ctx
        self._last_call_params = all_params
        try:
            self.results = self.evaluate_candidates(all_params, **kwargs)
        finally:
            if batch_ctx is not None:
                batch_ctx.call_on_fit_task_end(estimator=self.search)
            self.n_batches += 1
        if retried:
            self.pending_failed = others
        if not params:
            return []
        n = len(self.results["params"])
        return self.search._told_values(
            self.results, np.arange(n - len(params), n), self._score_key()
        )

    def _flush_failed(self, search_ctx):
        """Retry the failed-only batches that no later batch could carry."""
        while self.pending_failed:
            cv = self.pending_failed[0][2]
            lost, others = self._pending_on(cv)
            n_lost = sum(len(params) for params, _, _ in lost)
            try:
                self._call([], [], cv, search_ctx, retry=True)
            except ValueError as exc:
                if _ALL_FAILED not in str(exc) or self.results is None:
                    raise
                self.pending_failed = others
                warnings.warn(
                    f"{n_lost} candidate(s) of the search failed to fit on "
                    "every split, and no later call on the same splits could "
                    "carry them: scikit-learn cannot record a call in which "
                    "every fit failed, so they are missing from cv_results_. "
                    "Set error_score='raise' to see the error.",
                    FitFailedWarning,
                )

    def _pending_on(self, cv):
        """Failed groups to retry on the splits of ``cv``, and the others."""
        same, others = [], []
        for entry in self.pending_failed:
            (same if _same_splits(entry[2], cv) else others).append(entry)
        return same, others

    def _warn_failed(self, n, exc):
        first_line = str(exc).strip().splitlines()[0]
        warnings.warn(
            f"Every fit of {n} candidate(s) failed ({first_line}); the search "
            "goes on and scores them as failures.",
            FitFailedWarning,
        )

    def _score_key(self):
        return _score_key(self.search.refit, self.results)

    def _report(self):
        verbose = self.search.verbose
        if not verbose or not isinstance(verbose, numbers.Number):
            return
        best = self.strategy.best
        best_txt = f"{best[1]:.5g}" if best is not None else "nan"
        budget = "" if self.budget is None else f"/{self.budget}"
        print(
            f"[{type(self.search).__name__}] batch {self.n_batches}: "
            f"{self.n_done}{budget} candidates, best score {best_txt}, "
            f"{time.perf_counter() - self.start:.1f}s"
        )


def _same_splits(cv_a, cv_b):
    """Whether two group splitters (None: the search's own) split alike."""
    if cv_a is None or cv_b is None:
        return cv_a is cv_b
    return cv_a is cv_b or cv_a == cv_b


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
        self.reset()

    def reset(self):
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
        if self.max_time is not None and (
            time.perf_counter() - self.start >= self.max_time
        ):
            return "max_time"
        return None
