"""The ask/tell contract that every strategy of the package passes.

Each check runs on every entry of the strategy registry
(``sklearn_hypersearch._strategies._registry.STRATEGIES``) and on four
spaces: continuous, mixed (log Real, Integer, Categorical), finite and
small, and two alternative subspaces. A concrete ``BaseStrategy`` subclass
missing from the registry fails ``test_registry_holds_every_strategy``.
"""

import importlib
import inspect
import math
import pkgutil
import zlib

import numpy as np
import pytest

import sklearn_hypersearch
from sklearn_hypersearch import BaseStrategy, Candidate, Categorical, Integer, Real
from sklearn_hypersearch import Space as _Space
from sklearn_hypersearch._strategies._registry import STRATEGIES

SPACES = {
    "continuous": {"x": Real(-2.0, 3.0), "y": Real(0.0, 1.0)},
    "mixed": {
        "lr": Real(1e-4, 1.0, log=True),
        "depth": Integer(1, 12),
        "kind": Categorical(["a", "b", "c"]),
    },
    "finite": {
        "a": Categorical([1, 2, 3]),
        "b": Integer(0, 2),
        "c": Categorical([True, False]),
    },
    "subspaces": [
        {"model": Categorical(["svm"]), "C": Real(1e-2, 1e2, log=True)},
        {
            "model": Categorical(["tree"]),
            "depth": Integer(1, 8),
            "crit": Categorical(["gini", "entropy"]),
        },
    ],
}

# How many candidates each round asks for, as a driver would: whole natural
# batches, and some smaller asks (a budget running out, bounded batches).
ASKS = (None, None, 3, None, 2, None, None, None)
SEED = 0

# Known violations: strict xfails with the precise reason, so that a fix
# shows as XPASS and the entry is removed. Keys: (entry name, space name,
# check). None today.
KNOWN_VIOLATIONS = {}


def _mark_known(request, entry, space_name, check):
    reason = KNOWN_VIOLATIONS.get((entry.name, space_name, check))
    if reason is not None:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


strategies = pytest.mark.parametrize("entry", STRATEGIES, ids=lambda e: e.name)
spaces = pytest.mark.parametrize("space_name", sorted(SPACES))


def objective(candidate):
    """A score that looks random but is a fixed function of the candidate.

    Distinct candidates get distinct scores, so no check depends on how a
    strategy breaks ties.
    """
    text = repr(sorted(candidate.params.items(), key=str)) + repr(candidate.budget)
    return zlib.crc32(text.encode()) / 2**32


def run(strategy, asks=ASKS, score=objective):
    """Ask and tell round by round; return ``(n, batch, scores)`` per round."""
    rounds = []
    for n in asks:
        batch = strategy.ask(n)
        if not batch:
            break
        scores = [score(c) for c in batch]
        strategy.tell(batch, scores)
        rounds.append((n, batch, scores))
    return rounds


def identity(batch):
    return [(repr(sorted(c.params.items(), key=str)), c.budget) for c in batch]


def flat(rounds):
    return [c for _, batch, _ in rounds for c in batch]


def _native(value):
    return value is None or (
        type(value) in (bool, int, float, str) and not isinstance(value, np.generic)
    )


# -- the registry ----------------------------------------------------------
def _package_strategy_classes():
    found = set()
    for info in pkgutil.walk_packages(
        sklearn_hypersearch.__path__, sklearn_hypersearch.__name__ + "."
    ):
        if info.name.endswith(("demo", "plots")):
            continue  # not strategies, and plots needs matplotlib
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, BaseStrategy)
                and obj.__module__.startswith("sklearn_hypersearch.")
                and not inspect.isabstract(obj)
            ):
                found.add(obj)
    return found


def test_registry_holds_every_strategy():
    classes = _package_strategy_classes()
    assert len(classes) >= 5
    registered = {entry.cls for entry in STRATEGIES}
    missing = sorted(c.__name__ for c in classes - registered)
    assert not missing, f"add {missing} to _strategies/_registry.py"
    names = [entry.name for entry in STRATEGIES]
    assert len(names) == len(set(names))


# -- the contract ------------------------------------------------------------
@strategies
@spaces
def test_same_settings_seed_and_history_give_the_same_proposals(
    request, entry, space_name
):
    _mark_known(request, entry, space_name, "same")
    space = SPACES[space_name]
    first = flat(run(entry.make(space, SEED)))
    again = flat(run(entry.make(space, SEED)))
    assert first
    assert identity(first) == identity(again)
    assert [dict(c.tags) for c in first] == [dict(c.tags) for c in again]


@strategies
@spaces
def test_proposals_lie_in_the_space_with_native_values(request, entry, space_name):
    _mark_known(request, entry, space_name, "inside")
    space = _Space(SPACES[space_name])
    for cand in flat(run(entry.make(SPACES[space_name], SEED))):
        assert isinstance(cand, Candidate)
        assert space.contains(cand.params), cand.params
        for name, value in cand.params.items():
            assert _native(value), (name, type(value))
        assert cand.budget is None or type(cand.budget) is int
        for name, value in cand.tags.items():
            assert _native(value), (name, type(value))


@strategies
def test_finite_space_is_never_proposed_twice_and_ends(entry):
    space = _Space(SPACES["finite"])
    strategy = entry.make(SPACES["finite"], SEED)
    rounds = run(strategy, asks=[None] * 200)
    assert len(rounds) < 200, "the strategy did not end"
    assert strategy.ask() == [] and strategy.ask(3) == []
    keys = [(space.key(c.params), c.budget) for c in flat(rounds)]
    assert len(keys) == len(set(keys)), "a candidate was proposed twice"
    if all(budget is None for _, budget in keys):
        # it ends because the space is used up, not before
        assert len(keys) == space.n_values


BAD_SCORES = (np.nan, np.inf, -np.inf)


def _with_failures(candidate):
    """``objective``, but NaN, inf or -inf for about a third of candidates."""
    value = objective(candidate)
    if value < 1 / 3:
        return BAD_SCORES[int(value * 9)]
    return value


@strategies
@spaces
def test_non_finite_scores_are_told_and_rank_last(request, entry, space_name):
    _mark_known(request, entry, space_name, "non_finite")
    strategy = entry.make(SPACES[space_name], SEED)
    rounds = run(strategy, score=_with_failures)
    scores = [s for _, _, batch_scores in rounds for s in batch_scores]
    assert any(not math.isfinite(s) for s in scores)
    best, best_score = strategy.best
    assert math.isfinite(best_score)
    assert best_score == max(s for s in scores if math.isfinite(s))
    assert math.isfinite(_with_failures(best))


@strategies
@spaces
def test_only_failures_so_far_is_no_best_and_no_end(request, entry, space_name):
    _mark_known(request, entry, space_name, "only_failures")
    strategy = entry.make(SPACES[space_name], SEED)
    bad = iter(BAD_SCORES * 100)
    rounds = run(strategy, asks=ASKS[:3], score=lambda c: next(bad))
    assert rounds
    assert strategy.best is None
    more = run(strategy, asks=ASKS[3:])
    if space_name != "finite":  # (which the failures may have used up)
        assert more, "the strategy ended after only failures"
        assert math.isfinite(strategy.best[1])


@strategies
@spaces
def test_telling_a_batch_in_pieces_gives_the_same_state(request, entry, space_name):
    _mark_known(request, entry, space_name, "pieces")
    space = SPACES[space_name]
    whole, pieces = entry.make(space, SEED), entry.make(space, SEED)
    for n in ASKS:
        batch = whole.ask(n)
        assert identity(pieces.ask(n)) == identity(batch)
        if not batch:
            break
        scores = [objective(c) for c in batch]
        whole.tell(batch, scores)
        half = len(batch) // 2
        pieces.tell(batch[:half], scores[:half])
        pieces.tell(batch[half:], scores[half:])


@strategies
@spaces
def test_telling_a_batch_in_another_order_gives_the_same_state(
    request, entry, space_name
):
    _mark_known(request, entry, space_name, "order")
    space = SPACES[space_name]
    forward, backward = entry.make(space, SEED), entry.make(space, SEED)
    for n in ASKS:
        batch = forward.ask(n)
        assert identity(backward.ask(n)) == identity(batch)
        if not batch:
            break
        scores = [objective(c) for c in batch]
        forward.tell(batch, scores)
        backward.tell(batch[::-1], scores[::-1])


def _reconstructed(candidate):
    """An equal candidate that is not the same object (a checkpoint's)."""
    return Candidate(dict(candidate.params), candidate.budget, dict(candidate.tags))


@strategies
@spaces
def test_replaying_a_history_equals_the_uninterrupted_run(request, entry, space_name):
    _mark_known(request, entry, space_name, "replay")
    space = SPACES[space_name]
    uninterrupted = entry.make(space, SEED)
    recorded = run(uninterrupted, asks=ASKS[:4])
    resumed = entry.make(space, SEED)
    for n, batch, scores in recorded:
        assert identity(resumed.ask(n)) == identity(batch)
        resumed.tell([_reconstructed(c) for c in batch], scores)
    for n in ASKS[4:]:
        batch = uninterrupted.ask(n)
        assert identity(resumed.ask(n)) == identity(batch)
        if not batch:
            break
        scores = [objective(c) for c in batch]
        uninterrupted.tell(batch, scores)
        resumed.tell(batch, scores)
