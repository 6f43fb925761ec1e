"""Parameter and attribute text shared by the search classes' docstrings.

Each public class writes ``<search_parameters>``, ``<lifecycle_parameters>``
and ``<search_attributes>`` where the shared text belongs; :func:`fill_doc`
substitutes it so the wording is written once.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import textwrap

_SEARCH_PARAMETERS = """\
scoring : str, callable, list, tuple or dict, default=None
    Strategy to evaluate the performance of the cross-validated model on
    the test set, as in :class:`~sklearn.model_selection.GridSearchCV`.
    With several metrics, the search optimizes the one named by
    ``refit`` (the first one in sorted order if ``refit`` is not a name).

n_jobs : int, default=None
    Number of jobs to run in parallel. ``None`` means 1 unless in a
    :obj:`joblib.parallel_backend` context; ``-1`` means all processors.

refit : bool, str, or callable, default=True
    Refit an estimator using the best found parameters on the whole
    dataset, as in :class:`~sklearn.model_selection.GridSearchCV`.

cv : int, cross-validation generator or an iterable, default=None
    Cross-validation splitting strategy, as in
    :class:`~sklearn.model_selection.GridSearchCV`. The search compares
    scores across rounds, so a randomized splitter should have a fixed
    ``random_state``.

verbose : int, default=0
    ``>= 1`` prints one line per evaluated batch (candidates done, best
    score, elapsed time); higher values add scikit-learn's own messages.

pre_dispatch : int or str, default='2*n_jobs'
    Controls the number of jobs dispatched during parallel execution.

random_state : int, RandomState instance or None, default=None
    Seed of every random choice of the search. Pass an int for
    reproducible candidates, whatever ``n_jobs`` is.

error_score : 'raise' or numeric, default=np.nan
    Score given to a fit that fails. With 'raise' the error is raised.
    Otherwise the search records the failure (each candidate is fitted
    once) and goes on, even when every fit of a batch fails; one
    ``FitFailedWarning`` per batch quotes the estimator's errors. A search
    whose first candidates all fail with the same error, whatever their
    parameters, raises it early.

return_train_score : bool, default=False
    Include training scores in ``cv_results_``.

objectives : dict of str -> {"max", "min"}, default=None
    Search for the Pareto front of several objectives instead of the best
    score: each name is a metric of ``scoring`` (``"score"`` for a
    single-metric ``scoring``, which its string also names) or a built-in
    measure, ``"fit_time"``, ``"score_time"``, ``"predict_time"`` (seconds
    per sample of ``predict`` on the test fold) or ``"model_size"`` (bytes
    of the fitted fold model, pickled); the last two are scorers merged into
    ``scoring`` while the search runs, so they are ``cv_results_`` columns
    and checkpoints store them. The strategy learns the vector of the
    objectives. With ``refit=True`` the model refitted is the front's knee
    point (:func:`~sklearn_hypersearch.knee_point`); other choosers are
    :func:`~sklearn_hypersearch.cheapest_within` and
    :func:`~sklearn_hypersearch.epsilon_constraint`. ``patience`` then
    counts the candidates since the front last changed, and
    ``target_score`` and ``min_improvement`` cannot be used. None searches
    for the best refit metric.

constraints : dict of str -> (str, float), default=None
    Bounds that make a candidate infeasible, such as
    ``{"predict_time": ("<=", 1e-5), "score": (">=", 0.9)}``; names as in
    ``objectives``, which they need. Infeasible candidates rank after
    feasible ones, ordered by their violation: the excess over each bound,
    relative to the bound, summed over the constraints."""

_LIFECYCLE_PARAMETERS = """\
max_time : float, default=None
    Wall-clock budget in seconds. No new ``evaluate_candidates`` call starts
    once it is spent (a large batch is cut short between its calls of about
    64 fits); the running call finishes, so the limit is soft.

patience : int, default=None
    Stop when the best score has not improved by more than
    ``min_improvement`` during the last ``patience`` evaluated candidates.

min_improvement : float, default=0.0
    Smallest gain of the best score that resets ``patience``.

target_score : float, default=None
    Stop as soon as a candidate reaches this score.

checkpoint : str or path-like, default=None
    JSON Lines file to which every ``evaluate_candidates`` call is appended
    (flushed to disk, with a checksum per line). Fitting again with the same
    file, estimator, space, data and settings resumes the search without
    refitting what it holds; a file written for anything else is refused.
    The search locks the file while it runs.

initial_results : dict, str or path-like, default=None
    Earlier results (a ``cv_results_`` dict or a checkpoint file) told to
    the strategy before the search starts, so that it starts informed."""

_SEARCH_ATTRIBUTES = """\
cv_results_ : dict of numpy (masked) ndarrays
    Scores, times and parameters of every evaluated candidate, in the
    format of :class:`~sklearn.model_selection.GridSearchCV`, with extra
    columns telling where each candidate came from.

best_estimator_ : estimator
    Estimator refitted on the whole data with the best parameters. Only
    available with ``refit`` set.

best_score_ : float
    Mean cross-validated score of the best candidate.

best_params_ : dict
    Parameter setting that gave the best results.

best_index_ : int
    Index of the best candidate in ``cv_results_``.

scorer_ : function or a dict
    Scorer function(s) used on the held out data.

n_splits_ : int
    The number of cross-validation splits.

refit_time_ : float
    Seconds used to refit the best model on the whole dataset.

multimetric_ : bool
    Whether or not the scorers compute several metrics.

n_batches_ : int
    Number of ``evaluate_candidates`` calls the search made.

stop_reason_ : str
    Why the search ended: ``"budget"``, ``"exhausted"``, ``"max_time"``,
    ``"patience"``, ``"target_score"``, ``"callback"`` (a ``fit(callback=...)``
    callable returned True) or ``"interrupted"``.

pareto_front_ : ndarray of int
    With ``objectives``: the rows of ``cv_results_`` on the Pareto front
    (feasible, not dominated by any other; of the largest resource for a
    multi-fidelity search). ``cv_results_`` then has the columns
    ``pareto_rank`` (1 is the front; feasible candidates first),
    ``crowding_distance`` and, with ``constraints``,
    ``constraint_violation`` (0 means feasible).

hypervolume_ : float
    With ``objectives``: the hypervolume of the front, every objective
    mapped to ``[0, 1]`` over the front (its worst value there to 0, its
    best to 1), against the reference point 10 % of the front's range
    beyond its worst values.

hypervolume_history_ : ndarray of shape (n_candidates,)
    With ``objectives``: the hypervolume of the front of the first ``i + 1``
    rows, in the same normalisation.

hypervolume_reference_ : dict of str -> float
    With ``objectives``: the reference point in the objectives' own units."""

_BLOCKS = {
    "<search_parameters>": _SEARCH_PARAMETERS,
    "<lifecycle_parameters>": _LIFECYCLE_PARAMETERS,
    "<search_attributes>": _SEARCH_ATTRIBUTES,
}


def fill_doc(cls):
    """Class decorator: replace the shared-text markers in ``cls.__doc__``."""
    doc = cls.__doc__
    for marker, text in _BLOCKS.items():
        for line in doc.splitlines():
            if line.strip() == marker:
                indent = line[: len(line) - len(line.lstrip())]
                doc = doc.replace(line, textwrap.indent(text, indent))
    cls.__doc__ = doc
    return cls
