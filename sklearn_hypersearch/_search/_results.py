"""Rows of ``cv_results_`` that no fit of this run returned, and fit failures.

scikit-learn's ``evaluate_candidates`` builds ``cv_results_`` from what its own
fits return, and raises instead of recording a call in which every fit
failed. The driver also has rows to add that no fit of this run produced:
rows restored from a checkpoint, and those failed calls (recorded once,
never fitted again). :class:`Recorder` appends them to the lists that
``evaluate_candidates`` accumulates and formats the results again, exactly
as a call of ``evaluate_candidates`` does.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import re
from collections import Counter

import numpy as np
import sklearn
from sklearn.model_selection._validation import _insert_error_scores

# The free variables of the evaluate_candidates closure that BaseSearchCV.fit
# hands to _run_search (the same names in scikit-learn 1.6 to 1.9).
_ACCUMULATORS = ("all_candidate_params", "all_out", "all_more_results", "results")

# What scikit-learn's evaluate_candidates raises when every fit of one call
# failed (sklearn.model_selection._validation._warn_or_raise_about_fit_failures)
_ALL_FAILED = re.compile(r"All the (\d+) fits failed\.")
_FAILURE_BLOCK = re.compile(
    r"-{80}\n(\d+) fits failed with the following error:\n(.*?)(?=\n-{80}\n|\Z)",
    re.S,
)


class Recorder:
    """Adds rows to the results that ``evaluate_candidates`` accumulates.

    Parameters
    ----------
    search : BaseSearchCV
        The search being fitted (its ``_format_results`` formats the rows).
    evaluate_candidates : callable
        The function :meth:`BaseSearchCV.fit` passed to ``_run_search``.
    n_splits : int
    """

    def __init__(self, search, evaluate_candidates, n_splits):
        code = getattr(evaluate_candidates, "__code__", None)
        cells = dict(zip(code.co_freevars, evaluate_candidates.__closure__ or ()))
        missing = [name for name in _ACCUMULATORS if name not in cells]
        if code is None or missing:
            raise RuntimeError(
                f"scikit-learn {sklearn.__version__}'s evaluate_candidates does not "
                f"keep {missing}: this version of sklearn-hypersearch cannot record "
                "restored or failed rows with it."
            )
        self.search = search
        self.n_splits = n_splits
        self._cells = cells

    @property
    def params(self):
        """Parameters of every row so far (scikit-learn's own list)."""
        return self._cells["all_candidate_params"].cell_contents

    @property
    def outs(self):
        """Per-split fit records of every row so far, row after row."""
        return self._cells["all_out"].cell_contents

    @property
    def results(self):
        """The formatted results; None before the first row."""
        return self._cells["results"].cell_contents or None

    @property
    def n_rows(self):
        return len(self.params)

    def record(self, params, outs, more):
        """Append rows, as an ``evaluate_candidates`` call would.

        Parameters
        ----------
        params : list of dict
        outs : list of dict
            ``len(params) * n_splits`` fit records, candidate after candidate.
        more : dict of str -> list
            One value per row for every ``more_results`` column.
        """
        if len(outs) != len(params) * self.n_splits:
            raise ValueError(
                f"{len(params)} rows need {len(params) * self.n_splits} fit "
                f"records, got {len(outs)}."
            )
        self.params.extend(params)
        self.outs.extend(outs)
        accumulated = self._cells["all_more_results"].cell_contents
        for key, values in more.items():
            accumulated[key].extend(values)
        self._cells["results"].cell_contents = self.search._format_results(
            self.params, self.n_splits, self.outs, accumulated
        )

    def outs_of(self, rows):
        """The fit records of ``rows`` (a range of row indices)."""
        return self.outs[rows.start * self.n_splits : rows.stop * self.n_splits]


def check_error_structure(search, outs):
    """Give every failed record the score structure of the others.

    A callable ``scoring`` may return a dict: the failed records (a plain
    ``error_score``) then need one entry per metric, as scikit-learn's
    ``_insert_error_scores`` does for the records of one call.
    """
    if callable(search.scoring):
        _insert_error_scores(outs, search.error_score)


def is_all_failed(exc):
    """Whether ``exc`` is scikit-learn's "every fit of this call failed"."""
    return isinstance(exc, ValueError) and bool(_ALL_FAILED.search(str(exc)))


def failed_records(search, n_candidates, test_sizes, exc):
    """The fit records of a call in which every fit failed.

    scikit-learn raised ``exc`` instead of returning them. The records carry
    the estimator's errors, the ``error_score`` and the split sizes; the fit
    times are unknown (NaN). scikit-learn's message lists each distinct
    error with its count, in the order the fits first raised it: the errors
    are given to the fits in that order (exact when each candidate raised one
    error on all its splits, the common case).
    """
    blocks = [(int(n), text.strip()) for n, text in _FAILURE_BLOCK.findall(str(exc))]
    n_fits = n_candidates * len(test_sizes)
    errors = [text for n, text in blocks for _ in range(n)]
    if len(errors) != n_fits:
        errors = [str(exc).strip()] * n_fits
    scores = _error_scores(search)
    records = []
    for i in range(n_candidates):
        for k, size in enumerate(test_sizes):
            record = {
                "fit_error": errors[i * len(test_sizes) + k],
                "test_scores": _copy(scores),
                "n_test_samples": int(size),
                "fit_time": math.nan,
                "score_time": math.nan,
            }
            if search.return_train_score:
                record["train_scores"] = _copy(scores)
            records.append(record)
    return records


def _error_scores(search):
    """``error_score`` in the shape of the search's test scores."""
    scoring, value = search.scoring, search.error_score
    if isinstance(scoring, dict):
        return {name: value for name in scoring}
    if isinstance(scoring, (list, tuple, set, frozenset)):
        return {name: value for name in scoring}
    # a str, None or a callable: a float (check_error_structure turns it
    # into a dict once a callable's records show its metrics)
    return value


def _copy(scores):
    return dict(scores) if isinstance(scores, dict) else scores


def last_line(error):
    """The exception line of a formatted traceback (its last non-empty line)."""
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def error_kind(error):
    """An exception line with its numbers masked: the same error, whatever
    parameter values it quotes (``x=0.3 is too large`` ~ ``x=0.7 is too
    large``)."""
    return _NUMBER.sub("#", last_line(error))


class FailureLog:
    """Fit failures of one batch, reported in one warning.

    ``add`` takes the fit records of each call; :meth:`message` summarises
    them with the estimator's own exception lines, most frequent first.
    """

    def __init__(self):
        self.n_fits = 0
        self.n_failed = 0
        self.n_candidates_failed = 0
        self.errors = Counter()

    def add(self, outs, n_splits):
        for start in range(0, len(outs), n_splits):
            records = outs[start : start + n_splits]
            failed = [r for r in records if r.get("fit_error") is not None]
            self.n_fits += len(records)
            self.n_failed += len(failed)
            self.n_candidates_failed += len(failed) == len(records)
            self.errors.update(last_line(r["fit_error"]) for r in failed)

    def message(self, what):
        errors = "; ".join(
            f"{text!r} ({n} fit{'s' if n > 1 else ''})"
            for text, n in self.errors.most_common(3)
        )
        more = len(self.errors) - 3
        if more > 0:
            errors += f"; and {more} other error{'s' if more > 1 else ''}"
        return (
            f"{self.n_failed} of the {self.n_fits} fits of {what} failed "
            f"({self.n_candidates_failed} candidate(s) on every split); they are "
            f"scored with error_score. The estimator raised: {errors}. "
            "Set error_score='raise' to see the traceback."
        )


class FailFast:
    """Stops a search whose fits cannot succeed, before it spends its budget.

    While no fit of the search has succeeded, the candidates that failed on
    every split are kept. Once there are ``min_candidates`` of them, all
    with the same error (numbers in the message aside: they often quote the
    parameters), and no parameter explains the failure (no
    dimension that the failed candidates share one value or a narrow range
    of, no single subspace or resource), :meth:`check` raises: the error does
    not depend on where the search looks. A search in which only some
    regions of the space fail goes on.
    """

    def __init__(self, space, min_candidates=5, min_spread=0.5):
        self.space = space
        self.min_candidates = min_candidates
        self.min_spread = min_spread
        self.active = True
        self.failed = []  # (candidate, error line)

    def add(self, candidates, outs, n_splits):
        if not self.active:
            return
        for i, cand in enumerate(candidates):
            records = outs[i * n_splits : (i + 1) * n_splits]
            errors = [r.get("fit_error") for r in records]
            if any(e is None for e in errors):
                self.active = False
                self.failed = []
                return
            self.failed.append((cand, error_kind(errors[0]), errors[0]))

    def check(self, search_name):
        if not self.active or len(self.failed) < self.min_candidates:
            return
        lines = {line for _, line, _ in self.failed}
        if len(lines) != 1 or self._explained([c for c, _, _ in self.failed]):
            return
        n = len(self.failed)
        raise ValueError(
            f"{search_name}: every fit of the first {n} candidates failed with "
            "the same error, although their parameters differ widely, so the "
            "search stops instead of spending its budget on fits that cannot "
            f"succeed. The estimator raised:\n{self.failed[0][2]}"
        )

    def _explained(self, candidates):
        """Whether one parameter value (or region) could explain the failures."""
        budgets = {c.budget for c in candidates}
        if len(budgets) == 1 and None not in budgets:
            return True
        subs = [self.space.subspace_of(c.params) for c in candidates]
        if self.space.n_subspaces > 1 and len(set(subs)) == 1:
            return True
        for b in set(subs):
            sub = self.space.subspaces[b]
            members = [c.params for c, s in zip(candidates, subs) if s == b]
            for name, dim in zip(sub.names, sub.dimensions):
                if dim.n_values <= 1:
                    continue
                unit = np.asarray(dim.to_unit([p[name] for p in members]), float)
                if dim.is_continuous or dim.n_values > 8:
                    if unit.max() - unit.min() < self.min_spread:
                        return True
                elif len(np.unique(unit)) == 1:
                    return True
        return False
