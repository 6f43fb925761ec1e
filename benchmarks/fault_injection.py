"""Kill and interrupt searches at random moments, resume them, count the damage.

For each search class, a child process runs a search with a checkpoint and
a probe estimator that logs every fit it completes. The parent sends the
child SIGKILL (a crash) or SIGINT (a Ctrl-C) at a random moment of the run,
then runs the same search again in a new process, which resumes from the
checkpoint and finishes. It prints, per class and signal:

- ``lost``: fits that completed before the signal but are not in the
  checkpoint (they must be redone); at most the fits of the
  ``evaluate_candidates`` call in flight (``call``, the largest call);
- ``twice``: candidate-split fits made more than once over both processes,
  beyond those lost (the refit is not counted);
- ``dup rows``: rows of the final ``cv_results_`` that repeat a candidate;
- ``differ``: runs whose final candidates or scores differ from an
  uninterrupted run.

Targets: ``twice``, ``dup rows`` and ``differ`` all 0; ``lost`` at most
``call``.

Usage::

    python benchmarks/fault_injection.py            # 20 runs per class and signal
    python benchmarks/fault_injection.py --quick    # 3 runs each (CI)
"""

import argparse
import os
import pickle
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLASSES = (
    "BayesSearchCV",
    "EvolutionSearchCV",
    "HyperbandSearchCV",
    "CoarseToFineSearchCV",
)


def _settings(name):
    """Constructor arguments: budgets that make several batches and large
    batches split into several calls."""
    from sklearn_hypersearch import Real

    space = {"x": Real(0.0, 1.0), "z": Real(1e-3, 1.0, log=True)}
    common = dict(cv=3, random_state=0)
    if name == "BayesSearchCV":
        return space, dict(n_iter=30, n_initial_points=8, **common)
    if name == "EvolutionSearchCV":
        return space, dict(population_size=40, n_elite=4, n_generations=3, **common)
    if name == "HyperbandSearchCV":
        return space, dict(
            resource="n_units", min_resources=1, max_resources=27, factor=3, **common
        )
    return space, dict(n_iter=60, n_stages=3, top_k=2, **common)


from sklearn.base import BaseEstimator  # noqa: E402


class Probe(BaseEstimator):
    """Scores ``-(x - 0.3)**2 - (log10 z + 1)**2``; every fit sleeps a little
    and appends ``key split`` to ``log`` when it completes."""

    def __init__(self, x=0.0, z=1.0, n_units=27, sleep=0.004, log=None):
        self.x, self.z, self.n_units, self.sleep, self.log = x, z, n_units, sleep, log

    def fit(self, X, y):
        time.sleep(self.sleep)
        if self.log is not None:
            # X[:, 0] holds the sample index: the fold is the block of 30
            # samples missing from the training data (-1: the refit)
            missing = {0, 1, 2} - set((X[:, 0] // 30).astype(int).tolist())
            fold = 30 * missing.pop() if missing else -1
            line = f"{self.x!r} {self.z!r} {self.n_units} {fold}\n"
            fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            os.write(fd, line.encode())
            os.close(fd)
        return self

    def score(self, X, y):
        return -((self.x - 0.3) ** 2) - (np.log10(self.z) + 1) ** 2 - 1.0 / self.n_units


def _data():
    # 90 samples whose first column is their index; 3 folds of 30
    X = np.column_stack([np.arange(90.0), np.zeros(90)])
    y = np.arange(90) % 2
    return X, y


def _search(name, log, ckpt):
    import sklearn_hypersearch

    space, kw = _settings(name)
    cls = getattr(sklearn_hypersearch, name)
    from sklearn.model_selection import KFold

    kw["cv"] = KFold(3)
    return cls(Probe(log=log), space, checkpoint=ckpt, **kw)


def child(name, log, ckpt, out):
    import warnings

    warnings.simplefilter("ignore")
    X, y = _data()
    search = _search(name, log, ckpt).fit(X, y)
    with open(out, "wb") as f:
        pickle.dump(
            {
                "params": search.cv_results_["params"],
                "scores": np.asarray(search.cv_results_["mean_test_score"]),
                "stop": search.stop_reason_,
            },
            f,
        )


def _run_child(name, log, ckpt, out, kill_after=None, sig=None):
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        name,
        log,
        ckpt or "",
        out,
    ]
    env = {**os.environ, "PYTHONPATH": ROOT, "OMP_NUM_THREADS": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_default_sigint,
    )
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(sig)
    _, err = proc.communicate()
    if kill_after is None and proc.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{err.decode()}")
    return time.perf_counter() - start, proc.returncode


def _default_sigint():
    # a process started in the background of a shell ignores SIGINT, and so
    # would its children: Python then never raises KeyboardInterrupt
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _log(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [tuple(line.split()) for line in f if line.strip()]


def _checkpoint_fits(path):
    """(x, z, n_units, fold) of every fit a checkpoint holds."""
    import json

    fits = []
    if not os.path.exists(path):
        return fits
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("type") != "call":
                continue
            for cand in rec["candidates"]:
                p = cand["params"]
                units = cand.get("budget") or 27
                for fold in (0, 30, 60):
                    fits.append((repr(p["x"]), repr(p["z"]), str(units), str(fold)))
    return fits


def trial(name, sig, reference, duration, rng, tmp):
    log = os.path.join(tmp, "fits.log")
    ckpt = os.path.join(tmp, "search.jsonl")
    out = os.path.join(tmp, "out.pkl")
    for path in (log, ckpt, out):
        if os.path.exists(path):
            os.remove(path)
    when = rng.uniform(0.3, 0.95) * duration
    _run_child(name, log, ckpt, out, kill_after=when, sig=sig)
    before = [f for f in _log(log) if f[3] != "-1"]
    in_checkpoint = Counter(_checkpoint_fits(ckpt))
    lost = sum((Counter(before) - in_checkpoint).values())
    _run_child(name, log, ckpt, out)
    every = Counter(f for f in _log(log) if f[3] != "-1")
    # a fit made twice because it was lost is the price of "lost", not a bug
    twice = sum(n - 1 for n in every.values() if n > 1) - lost
    with open(out, "rb") as f:
        final = pickle.load(f)
    keys = [tuple(sorted(p.items())) for p in final["params"]]
    dups = len(keys) - len(set(keys))
    differ = final["params"] != reference["params"] or not np.allclose(
        final["scores"], reference["scores"], equal_nan=True
    )
    return lost, max(twice, 0), dups, int(differ)


def _largest_call(name):
    from sklearn_hypersearch._search._base import _CALL_FITS

    # per call at most _CALL_FITS // n_splits candidates
    return (_CALL_FITS // 3) * 3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="3 runs each")
    parser.add_argument("--classes", nargs="*", default=list(CLASSES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", nargs=4, metavar=("CLASS", "LOG", "CKPT", "OUT"))
    args = parser.parse_args(argv)
    if args.child:
        name, log, ckpt, out = args.child
        child(name, log, ckpt or None, out)
        return
    runs = 3 if args.quick else args.runs
    rng = random.Random(args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.classes:
            ref_out = os.path.join(tmp, "ref.pkl")
            duration, _ = _run_child(name, os.devnull, "", ref_out)
            with open(ref_out, "rb") as f:
                reference = pickle.load(f)
            for sig_name, sig in (
                ("SIGKILL", signal.SIGKILL),
                ("SIGINT", signal.SIGINT),
            ):
                results = [
                    trial(name, sig, reference, duration, rng, tmp) for _ in range(runs)
                ]
                lost, twice, dups, differ = (np.array(c) for c in zip(*results))
                rows.append(
                    (
                        name,
                        sig_name,
                        runs,
                        len(reference["params"]),
                        int(lost.sum()),
                        int(lost.max()),
                        _largest_call(name),
                        int(twice.sum()),
                        int(dups.sum()),
                        int(differ.sum()),
                    )
                )
                print(f"{name} {sig_name}: done", file=sys.stderr, flush=True)
    print(
        "| class | signal | runs | candidates | lost (sum) | lost (max) | call "
        "(fits) | twice | dup rows | differ |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row) + " |")
    bad = [r for r in rows if r[7] or r[8] or r[9] or r[5] > r[6]]
    if bad:
        sys.exit("FAILED: " + ", ".join(f"{r[0]} {r[1]}" for r in bad))


if __name__ == "__main__":
    main()
