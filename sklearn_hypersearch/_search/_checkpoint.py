"""Checkpoints: JSON Lines records of evaluated candidates, and warm starts.

A checkpoint is plain text (no pickle), so opening one cannot run code. Its
first line, the header, identifies what its rows depend on (see
:func:`fingerprint`) and the seed of the search; every later line records one
``evaluate_candidates`` call: the candidates the strategy proposed (with the
subspace each belongs to, its budget and tags) and the per-split fit records
scikit-learn returned for them. On resume the rows are restored without
refitting and the strategy is replayed: it proposes the same candidates again
and is told their restored results.

Every line ends with a CRC-32 of the rest of the line, so that a byte
changed by accident is detected; every record is checked against the search
space and the CV splits before it is used. A last line cut short (the
process was killed while writing it) is dropped with a warning; anything
else that does not check out is refused with a ``ValueError`` naming the file
and the line. While a search writes a checkpoint it holds a lock on the file
(``fcntl.flock``; where that is not available, no lock is taken), so that a
second process cannot append to it.

Parameters that JSON cannot hold (estimators or tuples chosen by a
Categorical) are stored as their index among the dimension's choices.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import json
import math
import numbers
import os
import warnings
import zlib

import joblib
import numpy as np
from sklearn.base import clone

from sklearn_hypersearch._space import Categorical
from sklearn_hypersearch._strategies import Candidate

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock
    fcntl = None

FORMAT_VERSION = 2
_CRC_KEY = ',"crc":"'
# per-split keys of the records sklearn's evaluate_candidates returns
_OUT_KEYS = (
    "fit_error",
    "test_scores",
    "train_scores",
    "n_test_samples",
    "fit_time",
    "score_time",
)
# what the fingerprint labels mean in messages
_LABELS = {
    "search": "search class",
    "estimator": "estimator",
    "space": "search space",
    "data": "training data",
    "fit_params": "fit parameters",
    "splits": "CV splits",
    "scoring": "scoring",
    "return_train_score": "return_train_score",
    "error_score": "error_score",
}


# -- what a row depends on ------------------------------------------------------
def stable_hash(value):
    """A hash of ``value`` that does not depend on the process.

    Falls back on cloudpickle (by value) for what pickle cannot hold, such
    as a lambda passed as ``scoring``.
    """
    try:
        return joblib.hash(value)
    except Exception:  # noqa: BLE001 - pickling errors of any kind
        from joblib.externals import cloudpickle

        return joblib.hash(cloudpickle.dumps(value))


def space_description(space):
    """Every dimension of every subspace with all its arguments."""
    return [
        [
            (name, type(dim).__name__, dim._key())
            for name, dim in zip(s.names, s.dimensions)
        ]
        for s in space.subspaces
    ]


def fingerprint(search, space, data, settings):
    """Identity of everything that changes the meaning of a checkpoint's rows.

    Parameters
    ----------
    search : the search estimator
    space : Space
    data : dict
        Hashes of the training data (``"data"``), the fit parameters
        (``"fit_params"``) and the CV splits themselves (``"splits"``).
    settings : dict of str -> object
        The search's parameters that change which candidates it proposes
        (hashed one by one, so that a message can name the one that differs).
    """
    return {
        "search": type(search).__name__,
        "estimator": stable_hash(clone(search.estimator)),
        "space": stable_hash(space_description(space)),
        **data,
        "scoring": stable_hash(search.scoring),
        "return_train_score": bool(search.return_train_score),
        "error_score": stable_hash(search.error_score),
        "settings": {k: stable_hash(v) for k, v in sorted(settings.items())},
    }


# -- parameters <-> JSON ------------------------------------------------------
def _json_native(value):
    return value is None or isinstance(value, (bool, str, numbers.Integral, float))


def encode_params(params, subspace):
    """JSON-safe copy of ``params`` of one subspace.

    Categorical values that JSON cannot hold exactly (estimators, tuples,
    arrays) become ``{"__choice__": index}``.
    """
    dims = dict(zip(subspace.names, subspace.dimensions))
    out = {}
    for name, value in params.items():
        dim = dims.get(name)
        if isinstance(dim, Categorical) and not _json_native(value):
            out[name] = {"__choice__": dim.index(value)}
        elif _json_native(value):
            out[name] = value
        else:
            raise TypeError(
                f"Parameter {name!r} has a value {value!r} that a checkpoint "
                "cannot store."
            )
    return out


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def encode_line(record):
    """One checkpoint line: the JSON record with a CRC-32 of it as last key."""
    text = json.dumps(record, allow_nan=True, separators=(",", ":"))
    crc = zlib.crc32(text.encode("utf-8"))
    return f'{text[:-1]}{_CRC_KEY}{crc:08x}"}}\n'


class _LineError(ValueError):
    pass


def decode_line(line):
    """The record of one line, after checking its CRC (``_LineError``)."""
    text = line.rstrip("\n")
    cut = text.rfind(_CRC_KEY)
    if cut < 0 or not text.endswith('"}'):
        raise _LineError("it has no checksum")
    body = text[:cut] + "}"
    crc = text[cut + len(_CRC_KEY) : -2]
    if f"{zlib.crc32(body.encode('utf-8')):08x}" != crc:
        raise _LineError("its checksum does not match: the line was changed")
    try:
        record = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise _LineError(f"it is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(record, dict):
        raise _LineError("it is not a JSON object")
    return record


# -- the file -------------------------------------------------------------------
class CheckpointFile:
    """An open, locked checkpoint: its header and records, and the appender.

    Opening checks that the file can be written (before any fit), takes the
    lock, reads and checks every line, and drops a last line cut short.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise ValueError(
                f"checkpoint {self.path!r} cannot be opened for writing: {exc}"
            ) from None
        try:
            self._lock()
            self.lines = self._read()
        except BaseException:
            os.close(self._fd)
            raise

    def _lock(self):
        if fcntl is None:  # pragma: no cover
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ValueError(
                f"checkpoint {self.path!r} is in use by another search (its lock "
                "is held): two searches cannot write one checkpoint. Wait for the "
                "other one to finish, or use another path."
            ) from None

    def _read(self):
        """(line number, record) pairs; the header first."""
        with open(self.path, "rb") as f:
            raw = f.read()
        lines = raw.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        records, good = [], 0
        for i, data in enumerate(lines):
            last = i == len(lines) - 1
            complete = not last or raw.endswith(b"\n")
            try:
                text = data.decode("utf-8")
                record = decode_line(text)
            except (UnicodeDecodeError, _LineError) as exc:
                if last and not complete:
                    warnings.warn(
                        f"checkpoint {self.path!r}: ignoring its last line "
                        f"(line {i + 1}), which was cut short (the search was "
                        "killed while writing it).",
                        UserWarning,
                    )
                    os.truncate(self.path, good)
                    break
                reason = (
                    "it is not UTF-8 text"
                    if isinstance(exc, UnicodeDecodeError)
                    else str(exc)
                )
                raise ValueError(
                    f"checkpoint {self.path!r}, line {i + 1}: {reason}; refusing "
                    "to guess what it held. Delete the file to start afresh."
                ) from None
            if not complete:
                # a whole record without its newline: keep it, end the line
                os.write(self._fd, b"\n")
            records.append((i + 1, record))
            good += len(data) + 1
        return records

    def append(self, record):
        """Write one record as one line, then flush it to disk."""
        os.write(self._fd, encode_line(record).encode("utf-8"))
        os.fsync(self._fd)

    def close(self):
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None


class Checkpoint:
    """The checkpoint of one search: restored calls, and writing new ones.

    Parameters
    ----------
    path : str or path-like
    header : dict
        This search's :func:`fingerprint`.
    seed : int
        The seed this search would use. A checkpoint written with another
        seed is refused when ``fixed_seed`` (an int ``random_state``);
        otherwise the checkpoint's seed is used (:attr:`seed`), so that a
        search with ``random_state=None`` resumes its own sequence.
    space : Space
    n_splits : int
    test_sizes : list of int
        Test-set size of each split, to check restored records.
    score_names : list of str or None
        Metric names of dict test scores, None for a single metric.
    return_train_score : bool
    """

    def __init__(
        self,
        path,
        header,
        seed,
        fixed_seed,
        space,
        n_splits,
        test_sizes,
        score_names,
        return_train_score,
    ):
        self.file = CheckpointFile(path)
        self.path = self.file.path
        self.space = space
        self.n_splits = n_splits
        self.test_sizes = list(test_sizes)
        self.score_names = score_names
        self.return_train_score = return_train_score
        self.seed = seed
        self.calls = []  # (candidates, outs, parent rows) restored
        try:
            self._load(header, fixed_seed)
        except BaseException:
            self.file.close()
            raise

    def _load(self, header, fixed_seed):
        records = self.file.lines
        if not records:
            self.file.append(
                {
                    "type": "header",
                    "version": FORMAT_VERSION,
                    "seed": self.seed,
                    "fingerprint": header,
                }
            )
            return
        lineno, first = records[0]
        if first.get("type") != "header":
            self._fail(lineno, "the first line is not a checkpoint header")
        if first.get("version") != FORMAT_VERSION:
            self._fail(
                lineno,
                f"it was written in format {first.get('version')!r}, and this "
                f"version of sklearn-hypersearch reads format {FORMAT_VERSION} "
                "only",
            )
        self._check_header(lineno, first.get("fingerprint"), header)
        seed = first.get("seed")
        if not isinstance(seed, int) or isinstance(seed, bool):
            self._fail(lineno, f"its seed {seed!r} is not an int")
        if fixed_seed and seed != self.seed:  # pragma: no cover - in settings
            self._fail(lineno, "it was written with another random_state")
        self.seed = seed
        seen = {}
        n_rows = 0
        for lineno, record in records[1:]:
            cands, outs, parents = self._check_call(lineno, record, n_rows)
            n_rows += len(cands)
            for cand, parent in zip(cands, parents):
                key = (self.space.key(cand.params), cand.budget, parent)
                if key in seen:
                    self._fail(
                        lineno,
                        f"it records again a candidate of line {seen[key]} "
                        f"({cand.params!r}, budget {cand.budget!r}); a checkpoint "
                        "never holds a candidate twice",
                    )
                seen[key] = lineno
            self.calls.append((cands, outs, parents))

    def _fail(self, lineno, what):
        raise ValueError(
            f"checkpoint {self.path!r}, line {lineno}: {what}. Refusing to "
            "restore anything from it: use another path, or delete the file to "
            "start afresh."
        )

    def _check_header(self, lineno, recorded, header):
        if not isinstance(recorded, dict):
            self._fail(lineno, "its header has no fingerprint")
        for key, label in _LABELS.items():
            if recorded.get(key) != header[key]:
                self._fail(
                    lineno,
                    f"it was written for a different {label}, so its results "
                    "do not mean the same thing for this search",
                )
        theirs, ours = recorded.get("settings"), header["settings"]
        if not isinstance(theirs, dict):
            self._fail(lineno, "its header has no settings")
        for name in sorted(set(theirs) | set(ours)):
            if theirs.get(name) != ours.get(name):
                self._fail(
                    lineno,
                    f"it was written with a different value of {name!r}, which "
                    "changes the candidates the search proposes",
                )

    def _check_call(self, lineno, record, n_rows):
        """Decode and check one call record: (candidates, outs, parent rows).

        ``n_rows`` rows come before this call's; a candidate that continues
        another names that candidate's row, which must be one of them.
        """
        if record.get("type") != "call":
            self._fail(lineno, f"unknown record type {record.get('type')!r}")
        cands, outs = record.get("candidates"), record.get("outs")
        if not isinstance(cands, list) or not cands:
            self._fail(lineno, "its 'candidates' is not a non-empty list")
        if not isinstance(outs, list) or len(outs) != len(cands):
            self._fail(
                lineno, "it does not have one list of split records per candidate"
            )
        decoded, flat, parents = [], [], []
        for j, (cand, splits) in enumerate(zip(cands, outs)):
            decoded.append(self._check_candidate(lineno, j, cand))
            parent = cand.get("continues")
            if parent is not None and not (
                isinstance(parent, int)
                and not isinstance(parent, bool)
                and 0 <= parent < n_rows
            ):
                self._fail(lineno, f"candidate {j} continues an invalid row {parent!r}")
            parents.append(parent)
            if not isinstance(splits, list) or len(splits) != self.n_splits:
                count = len(splits) if isinstance(splits, list) else "no"
                self._fail(
                    lineno,
                    f"candidate {j} has {count} split records, not {self.n_splits}",
                )
            for k, out in enumerate(splits):
                flat.append(self._check_out(lineno, j, k, out))
        return decoded, flat, parents

    def _check_candidate(self, lineno, j, cand):
        where = f"candidate {j}"
        if not isinstance(cand, dict):
            self._fail(lineno, f"{where} is not an object")
        b = cand.get("subspace")
        if (
            not isinstance(b, int)
            or isinstance(b, bool)
            or not (0 <= b < self.space.n_subspaces)
        ):
            self._fail(lineno, f"{where} has no valid subspace index ({b!r})")
        sub = self.space.subspaces[b]
        params = cand.get("params")
        if not isinstance(params, dict):
            self._fail(lineno, f"{where} has no parameters")
        if set(params) != set(sub.names):
            extra = sorted(set(params) - set(sub.names))
            missing = sorted(set(sub.names) - set(params))
            self._fail(
                lineno,
                f"{where}'s parameters do not match subspace {b} of the search "
                f"space (unknown: {extra}, missing: {missing})",
            )
        decoded = {}
        for name, dim in zip(sub.names, sub.dimensions):
            value = params[name]
            if isinstance(value, dict):
                index = value.get("__choice__")
                if not isinstance(dim, Categorical) or not (
                    isinstance(index, int)
                    and not isinstance(index, bool)
                    and 0 <= index < len(dim.choices)
                ):
                    self._fail(lineno, f"{where}: {name!r} holds {value!r}")
                value = dim.choices[index]
            if not dim.contains(value):
                self._fail(lineno, f"{where}: {name}={value!r} is outside {dim!r}")
            decoded[name] = value
        budget = cand.get("budget")
        if budget is not None and (
            not isinstance(budget, int) or isinstance(budget, bool) or budget < 1
        ):
            self._fail(lineno, f"{where} has an invalid budget {budget!r}")
        tags = cand.get("tags", {})
        if not isinstance(tags, dict):
            self._fail(lineno, f"{where} has invalid tags")
        return Candidate(decoded, budget, tags)

    def _check_out(self, lineno, j, k, out):
        where = f"candidate {j}, split {k}"
        if not isinstance(out, dict):
            self._fail(lineno, f"{where} is not an object")
        keys = set(_OUT_KEYS) - (set() if self.return_train_score else {"train_scores"})
        if set(out) != keys:
            self._fail(
                lineno,
                f"{where} has the keys {sorted(out)}, not {sorted(keys)}",
            )
        error = out["fit_error"]
        if error is not None and not isinstance(error, str):
            self._fail(lineno, f"{where} has an invalid fit_error")
        if out["n_test_samples"] != self.test_sizes[k]:
            self._fail(
                lineno,
                f"{where} was scored on {out['n_test_samples']!r} test samples, "
                f"but this split has {self.test_sizes[k]}",
            )
        for key in ("fit_time", "score_time"):
            if not _is_number(out[key]):
                self._fail(lineno, f"{where}: {key} is not a number")
        decoded = dict(out)
        for key in ("test_scores", "train_scores"):
            if key in out:
                decoded[key] = self._check_scores(lineno, where, key, out[key])
        return decoded

    def _check_scores(self, lineno, where, key, scores):
        if isinstance(scores, dict):
            if self.score_names is not None and sorted(scores) != sorted(
                self.score_names
            ):
                self._fail(lineno, f"{where}: {key} has the metrics {sorted(scores)}")
            if not all(_is_number(v) or v is None for v in scores.values()):
                self._fail(lineno, f"{where}: {key} holds a non-number")
            return {k: _nan_if_none(v) for k, v in scores.items()}
        if self.score_names is not None and len(self.score_names) > 1:
            self._fail(lineno, f"{where}: {key} is not one score per metric")
        if not (_is_number(scores) or scores is None):
            self._fail(lineno, f"{where}: {key} is not a number")
        return _nan_if_none(scores)

    def write_call(self, candidates, outs, parents=None):
        """Record one ``evaluate_candidates`` call (``outs``: split records).

        ``parents`` gives, per candidate, the row of the candidate it
        continues (None for a fit from scratch).
        """
        n = self.n_splits
        parents = parents or [None] * len(candidates)
        self.file.append(
            {
                "type": "call",
                "candidates": [
                    {
                        "subspace": self.space.subspace_of(c.params),
                        "params": encode_params(
                            c.params,
                            self.space.subspaces[self.space.subspace_of(c.params)],
                        ),
                        "budget": c.budget,
                        "tags": _jsonable(dict(c.tags)),
                        **({} if p is None else {"continues": int(p)}),
                    }
                    for c, p in zip(candidates, parents)
                ],
                "outs": [
                    [
                        {key: _jsonable(o[key]) for key in _OUT_KEYS if key in o}
                        for o in outs[i * n : (i + 1) * n]
                    ]
                    for i in range(len(candidates))
                ],
            }
        )

    def close(self):
        self.file.close()


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _nan_if_none(value):
    return math.nan if value is None else value


def read_header_seed(path):
    """The seed in a checkpoint's header, or None (no file, no header)."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            line = f.readline()
        record = decode_line(line)
    except (OSError, UnicodeDecodeError, _LineError):
        return None
    seed = record.get("seed") if record.get("type") == "header" else None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


# -- warm starts ----------------------------------------------------------------
def initial_observations(initial_results, space, score_key):
    """(params list, scores) from a ``cv_results_`` dict or a checkpoint path.

    Points outside ``space`` are left out with a warning. Only full-budget
    candidates of a checkpoint are used.
    """
    if isinstance(initial_results, dict):
        params, scores = _from_results(initial_results, score_key, space)
    else:
        params, scores = _from_checkpoint(os.fspath(initial_results), space, score_key)
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


def _from_results(results, score_key, space):
    if "params" not in results:
        raise ValueError(
            "initial_results must be a cv_results_ dict (with a 'params' column "
            f"and a score column) or a checkpoint path; got a dict with the keys "
            f"{sorted(results)!r}."
        )
    key = score_key if score_key in results else "mean_test_score"
    if key not in results:
        raise ValueError(f"initial_results has no {score_key!r} column to learn from.")
    params = list(results["params"])
    scores = np.asarray(results[key], dtype=float).reshape(-1)
    if len(scores) != len(params) or not all(isinstance(p, dict) for p in params):
        raise ValueError(
            f"initial_results: 'params' must be a list of dicts with one "
            f"{key!r} score each; got {len(params)} params and {len(scores)} "
            "scores."
        )
    if "n_resources" in results:
        # a multi-fidelity search's results: its full-resource rows, without
        # the resource parameter (the column whose value is the row's budget)
        budgets = np.asarray(results["n_resources"], dtype=float)
        full = budgets == np.nanmax(budgets)
        names = set(space.names)
        params = [
            {k: v for k, v in p.items() if k in names or v != budget}
            for p, budget in zip(params, budgets)
        ]
        params = [p for p, keep in zip(params, full) if keep]
        scores = scores[full]
    return params, list(scores)


def full_budget_records(path, space):
    """``(params, split records)`` of every full-budget candidate of the
    checkpoint at ``path``, in file order, for warm starts.

    Errors name the file and line; a last line cut short (a killed
    search) ends the file.
    """
    if not os.path.exists(path):
        raise ValueError(f"initial_results: no file at {path!r}.")
    with open(path, "rb") as f:
        for i, data in enumerate(f):
            try:
                record = decode_line(data.decode("utf-8"))
            except (UnicodeDecodeError, _LineError) as exc:
                if data.endswith(b"\n"):
                    raise ValueError(
                        f"initial_results {path!r}, line {i + 1}: {exc}."
                    ) from None
                break  # a last line cut short
            if i == 0 and record.get("version") != FORMAT_VERSION:
                raise ValueError(
                    f"initial_results {path!r}: not a checkpoint of format "
                    f"{FORMAT_VERSION}."
                )
            if record.get("type") != "call":
                continue
            for cand, splits in zip(
                record.get("candidates", []), record.get("outs", [])
            ):
                if cand.get("budget") is None:
                    yield _try_decode(cand, space), splits


def _from_checkpoint(path, space, score_key):
    metric = (
        score_key[len("mean_test_") :] if score_key.startswith("mean_test_") else ""
    )
    params, scores = [], []
    for cand_params, splits in full_budget_records(path, space):
        params.append(cand_params)
        scores.append(_mean_score(splits, metric))
    return params, scores


def _try_decode(cand, space):
    try:
        sub = space.subspaces[cand["subspace"]]
        dims = dict(zip(sub.names, sub.dimensions))
        return {
            name: dims[name].choices[v["__choice__"]] if isinstance(v, dict) else v
            for name, v in cand["params"].items()
        }
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def _mean_score(splits, metric):
    values = []
    for out in splits:
        s = out.get("test_scores")
        s = s.get(metric) if isinstance(s, dict) else s
        values.append(math.nan if s is None else float(s))
    return float(np.mean(values)) if values else math.nan
