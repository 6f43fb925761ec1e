"""Checkpoints: JSON Lines records of evaluated batches, and warm starts.

A checkpoint is plain text (no pickle), so opening one cannot run code. Its
first line identifies the search (estimator, space, data, splits, scoring);
every later line is one evaluated batch:

- ``asked``: the candidates the strategy proposed and the scores it was
  told, replayed through ask/tell on resume to rebuild the strategy's state;
- ``rows``: what the batch added to ``cv_results_`` (parameters, per-split
  fit results and tag columns), restored without refitting.

Parameters that JSON cannot hold (estimators chosen by a Categorical) are
stored as their index among the dimension's choices.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import json
import math
import numbers
import os
import warnings

import joblib
import numpy as np
from sklearn.base import clone

from sklearn_hypersearch._space import Categorical
from sklearn_hypersearch._strategies import Candidate

FORMAT_VERSION = 1
# per-split keys of the records sklearn's evaluate_candidates formats
_OUT_KEYS = (
    "fit_error",
    "test_scores",
    "train_scores",
    "n_test_samples",
    "fit_time",
    "score_time",
)


def fingerprint(search, space, data_hash, n_splits):
    """Identity of what a checkpoint's results depend on."""
    return {
        "search": type(search).__name__,
        "estimator": joblib.hash(clone(search.estimator)),
        "space": joblib.hash(repr(space)),
        "data": data_hash,
        "n_splits": int(n_splits),
        "scoring": joblib.hash(search.scoring),
    }


# -- parameters <-> JSON ------------------------------------------------------
def _json_native(value):
    return (
        value is None
        or isinstance(value, (bool, str, numbers.Integral))
        or (isinstance(value, float))
    )


def encode_params(params, space):
    """JSON-safe copy of ``params``; other values become choice indices."""
    dims = {}
    for sub in space.subspaces:
        dims.update(zip(sub.names, sub.dimensions))
    out = {}
    for name, value in params.items():
        if _json_native(value):
            out[name] = value
        elif isinstance(dims.get(name), Categorical):
            out[name] = {"__choice__": dims[name].index(value)}
        else:
            raise TypeError(
                f"Parameter {name!r} has a value {value!r} that a checkpoint "
                "cannot store."
            )
    return out


def decode_params(params, space):
    dims = {}
    for sub in space.subspaces:
        dims.update(zip(sub.names, sub.dimensions))
    return {
        name: dims[name].choices[v["__choice__"]] if isinstance(v, dict) else v
        for name, v in params.items()
    }


def _encode_candidate(cand, space):
    return {
        "params": encode_params(cand.params, space),
        "budget": cand.budget,
        "tags": {k: _jsonable(v) for k, v in cand.tags.items()},
    }


def _decode_candidate(record, space):
    return Candidate(
        decode_params(record["params"], space), record["budget"], record["tags"]
    )


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


# -- writing ------------------------------------------------------------------
class CheckpointWriter:
    """Appends one line per batch; each line is flushed and synced."""

    def __init__(self, path, header):
        self.path = os.fspath(path)
        if not os.path.exists(self.path) or os.path.getsize(self.path) == 0:
            self._append({"type": "header", "version": FORMAT_VERSION, **header})

    def _append(self, record):
        line = json.dumps(record, allow_nan=True, separators=(",", ":"))
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def write_batch(self, space, asked, scores, rows):
        """Record one batch: ``rows`` is (params_list, outs, more_results)."""
        params, outs, more = rows
        self._append(
            {
                "type": "batch",
                "asked": [_encode_candidate(c, space) for c in asked],
                "scores": np.asarray(scores, dtype=float).tolist(),
                "rows": {
                    "params": [encode_params(p, space) for p in params],
                    "outs": [
                        {k: _jsonable(o[k]) for k in _OUT_KEYS if k in o} for o in outs
                    ],
                    "more": {k: _jsonable(list(v)) for k, v in more.items()},
                },
            }
        )


# -- reading ------------------------------------------------------------------
def read_checkpoint(path, header, space):
    """Load the batches of a checkpoint, after checking it matches.

    A last line cut short (the process was killed while writing it) is
    dropped from the file with a warning; a mismatched header or a broken
    line before the last raises ``ValueError``.

    Returns
    -------
    batches : list of dict
        Each with ``asked`` (list of Candidate), ``scores`` and ``rows``
        (params, outs, more) decoded.
    """
    path = os.fspath(path)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return []
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    records, good_bytes = [], 0
    for i, line in enumerate(lines):
        try:
            if not line.endswith("\n"):
                raise ValueError("line not terminated")
            records.append(json.loads(line))
        except ValueError:
            if i != len(lines) - 1:
                raise ValueError(
                    f"checkpoint {path!r}: line {i + 1} is corrupt and is not "
                    "the last one; refusing to guess what it held."
                ) from None
            warnings.warn(
                f"checkpoint {path!r}: ignoring its last line, which was cut "
                "short (the search was killed while writing it).",
                UserWarning,
            )
            with open(path, "r+", encoding="utf-8") as f:
                f.truncate(good_bytes)
            break
        good_bytes += len(line.encode("utf-8"))
    if not records:
        return []
    _check_header(path, records[0], header)
    batches = []
    for rec in records[1:]:
        rows = rec["rows"]
        batches.append(
            {
                "asked": [_decode_candidate(c, space) for c in rec["asked"]],
                "scores": rec["scores"],
                "rows": (
                    [decode_params(p, space) for p in rows["params"]],
                    [_decode_out(o) for o in rows["outs"]],
                    rows["more"],
                ),
            }
        )
    return batches


def _decode_out(out):
    out = dict(out)
    for key in ("test_scores", "train_scores"):
        if isinstance(out.get(key), dict):
            out[key] = {k: _nan_if_none(v) for k, v in out[key].items()}
        elif key in out:
            out[key] = _nan_if_none(out[key])
    return out


def _nan_if_none(value):
    return math.nan if value is None else value


def _check_header(path, record, header):
    if record.get("type") != "header" or record.get("version") != FORMAT_VERSION:
        raise ValueError(f"{path!r} is not a sklearn-hypersearch checkpoint.")
    labels = {
        "search": "search class",
        "estimator": "estimator",
        "space": "search space",
        "data": "training data",
        "n_splits": "number of CV splits",
        "scoring": "scoring",
    }
    for key, label in labels.items():
        if record.get(key) != header[key]:
            raise ValueError(
                f"checkpoint {path!r} was written for a different {label}; "
                "refusing to mix its results with this search. Use another "
                "checkpoint path, or delete the file to start afresh."
            )


# -- warm starts ----------------------------------------------------------------
def initial_observations(initial_results, space, score_key):
    """(params list, scores) from a ``cv_results_`` dict or a checkpoint path.

    Points outside ``space`` are left out with a warning.
    """
    if isinstance(initial_results, dict):
        params = list(initial_results["params"])
        key = score_key if score_key in initial_results else "mean_test_score"
        if key not in initial_results:
            raise ValueError(
                f"initial_results has no {score_key!r} column to learn from."
            )
        scores = list(np.asarray(initial_results[key], dtype=float))
    else:
        path = os.fspath(initial_results)
        if not os.path.exists(path):
            raise ValueError(f"initial_results: no file at {path!r}.")
        params, scores = [], []
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("type") == "batch":
                    for cand, score in zip(rec["asked"], rec["scores"]):
                        if cand.get("budget") is None:
                            params.append(cand["params"])
                            # a told row may carry more than the score
                            scores.append(np.ravel(score)[0])
        params = [_try_decode(p, space) for p in params]
    kept = [
        (p, s) for p, s in zip(params, scores) if p is not None and space.contains(p)
    ]
    if len(kept) < len(params):
        warnings.warn(
            f"initial_results: {len(params) - len(kept)} of {len(params)} "
            "candidates are outside the search space and were left out.",
            UserWarning,
        )
    return [p for p, _ in kept], [s for _, s in kept]


def _try_decode(params, space):
    try:
        return decode_params(params, space)
    except (KeyError, IndexError, TypeError):
        return None
