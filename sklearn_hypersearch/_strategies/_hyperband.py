"""Hyperband: successive-halving brackets, with random or model-based sampling.

The bracket schedule is pure arithmetic (:func:`hyperband_schedule`), kept
apart from the strategy so that it can be tested against the formulas of
Li et al. (2018). :class:`HyperbandStrategy` walks that schedule through the
ask/tell protocol; its sampler is random, BOHB's density model (Falkner et
al., 2018) or a Gaussian process, both fitted on the results of every
budget with the budget as an input (``_multifidelity``). It measures how
well each budget ranks candidates for the next one and can stop starting
brackets at a budget that misleads.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
from collections import defaultdict, deque

import numpy as np

from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate
from sklearn_hypersearch._strategies._multifidelity import (
    BudgetDensityRatio,
    BudgetGP,
    chain_weights,
    misleads,
    one_blas_thread,
    rank_correlations,
)
from sklearn_hypersearch._strategies._surrogates import _Encoder

# Guards floor/ceil of float powers and logarithms against round-off, e.g.
# log(243) / log(3) = 4.999999999999999.
_TOL = 1e-9

_SAMPLERS = ("random", "bohb", "tpe", "gp")


def _floor(x):
    return int(math.floor(x + _TOL))


def _ceil(x):
    return int(math.ceil(x - _TOL))


# Schedules beyond these sizes are refused before anything is built. A rung
# is drawn at once, and a candidate takes about 1.6 kB (measured on a
# two-dimensional space): 10**5 candidates are 160 MB and seconds of
# sampling; 10**6 evaluations make a cv_results_ of gigabytes.
MAX_BRACKET_CANDIDATES = 100_000
MAX_SCHEDULE_CANDIDATES = 1_000_000


def hyperband_schedule(
    min_resources, max_resources, factor=3, n_brackets=None, max_cost=None
):
    """The bracket schedule of Hyperband (Li et al., 2018, Algorithm 1).

    With ``R = max_resources / min_resources`` and ``eta = factor``:
    ``s_max = floor(log_eta(R))``; bracket ``s`` (from ``s_max`` down to 0)
    starts ``n = ceil((s_max + 1) / (s + 1) * eta**s)`` candidates and has
    ``s + 1`` rungs; rung ``i`` evaluates ``n_i = floor(n * eta**-i)``
    candidates with ``r_i = floor(max_resources * eta**(i - s))`` resources,
    and the best ``n_{i+1}`` of them are promoted. Every bracket ends at
    ``max_resources``. Resources are rounded down, as in scikit-learn's
    halving searches, so the smallest rung ``r_0`` of the first bracket is
    at least ``min_resources`` and ``hyperband_schedule(r_0,
    max_resources, factor)`` is the same schedule. A bracket costs about
    ``s_max + 1`` full-resource evaluations, so one run of all brackets
    costs about ``(s_max + 1)**2``.

    Parameters
    ----------
    min_resources : int
        Fewest resource units a candidate may get (``r_min``), >= 1.
    max_resources : int
        Resource units of the last rung of every bracket (``R * r_min``).
    factor : float, default=3
        The paper's ``eta`` (> 1): a rung keeps the top ``1 / factor``.
    n_brackets : int or None, default=None
        Most brackets to run; they repeat the cycle ``s = s_max, ..., 0``.
        None runs ``s_max + 1`` (one Hyperband iteration) without
        ``max_cost``, and as many as ``max_cost`` allows with it.
    max_cost : float or None, default=None
        Budget in full-resource evaluations: brackets are taken in running
        order while their total resource, ``sum(n_i * r_i)``, stays within
        ``max_cost * max_resources``. The first bracket is always taken,
        even when it alone costs more.

    Returns
    -------
    schedule : list of list of (int, int)
        One list per bracket, in running order, of ``(n_candidates,
        n_resources)`` per rung.

    Raises
    ------
    ValueError
        If an argument is invalid, or if the schedule would start a bracket
        with more than 100,000 candidates or evaluate more than 1,000,000
        candidates in all (counting each rung): both are checked by
        arithmetic before any list is built.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._hyperband import hyperband_schedule
    >>> for bracket in hyperband_schedule(1, 9, factor=3):
    ...     print(bracket)
    [(9, 1), (3, 3), (1, 9)]
    [(5, 3), (1, 9)]
    [(3, 9)]
    >>> # a budget of 6 full-resource evaluations: brackets of cost 3 and 2.67
    >>> [len(b) for b in hyperband_schedule(1, 9, factor=3, max_cost=6)]
    [3, 2]
    """
    _check_schedule_args(min_resources, max_resources, factor, n_brackets, max_cost)
    min_resources, max_resources = int(min_resources), int(max_resources)
    s_max = _s_max(min_resources, max_resources, factor)
    where_args = (min_resources, max_resources, factor)
    where = (
        f"Hyperband with min_resources={min_resources}, "
        f"max_resources={max_resources} and factor={factor}"
    )
    if s_max + 1 > MAX_SCHEDULE_CANDIDATES:
        raise ValueError(
            f"{where} has {s_max + 1:,} rungs in its first bracket (s_max = "
            "floor(log_factor(max_resources / min_resources))), so it would "
            f"evaluate more than {MAX_SCHEDULE_CANDIDATES:,} candidates. Raise "
            "factor or min_resources, or lower max_resources."
        )
    log_first = s_max * math.log(factor)
    if log_first > math.log(MAX_BRACKET_CANDIDATES) + _TOL:
        raise ValueError(
            f"{where} starts its first bracket with about "
            f"{math.exp(min(log_first, 700)):.3g} candidates (factor**{s_max}), "
            f"more than the {MAX_BRACKET_CANDIDATES:,} a bracket may start "
            "with. Raise min_resources or factor, or lower max_resources."
        )
    n_cycle = s_max + 1
    if n_brackets is None and max_cost is None:
        n_brackets = n_cycle
    budget = math.inf if max_cost is None else max_cost * max_resources * (1 + _TOL)
    limit = math.inf if n_brackets is None else n_brackets
    cycle = []  # the brackets of one iteration, built as they are reached
    count = rows = units = 0  # brackets, evaluations and resource so far
    while count < limit and rows <= MAX_SCHEDULE_CANDIDATES:
        if count and count % n_cycle == 0:
            # a whole iteration is known: skip the ones that fit, by division
            cycle_units = sum(n * r for b in cycle for n, r in b)
            fits = []
            if limit < math.inf:
                fits.append((limit - count) // n_cycle)
            if budget < math.inf:
                fits.append(int((budget - units) // cycle_units))
            skip = max(0, min(fits))
            count += skip * n_cycle
            rows += skip * sum(n for b in cycle for n, _ in b)
            units += skip * cycle_units
            if count >= limit or rows > MAX_SCHEDULE_CANDIDATES:
                break
        k = count % n_cycle
        if k == len(cycle):
            cycle.append(_bracket(s_max - k, s_max, *where_args))
        cost = sum(n * r for n, r in cycle[k])
        if count and units + cost > budget:
            break  # the first bracket always runs
        count += 1
        rows += sum(n for n, _ in cycle[k])
        units += cost
    if rows > MAX_SCHEDULE_CANDIDATES:
        raise ValueError(
            f"{where} would evaluate more than {MAX_SCHEDULE_CANDIDATES:,} "
            f"candidates in all (counting each rung) over its brackets "
            f"(n_brackets={n_brackets}, max_cost={max_cost}). Run fewer "
            "brackets (a smaller n_brackets or max_cost, n_iter in "
            "HyperbandSearchCV), raise min_resources or factor, or lower "
            "max_resources."
        )
    return [list(cycle[k % n_cycle]) for k in range(count)]


def _s_max(min_resources, max_resources, factor):
    return _floor(math.log(max_resources / min_resources) / math.log(factor))


def _bracket(s, s_max, min_resources, max_resources, factor):
    """The ``(n_candidates, n_resources)`` rungs of bracket ``s``."""
    n = _ceil((s_max + 1) / (s + 1) * factor**s)
    if n > MAX_BRACKET_CANDIDATES:
        raise ValueError(
            f"Hyperband with min_resources={min_resources}, max_resources="
            f"{max_resources} and factor={factor} starts a bracket with {n:,} "
            f"candidates, more than the {MAX_BRACKET_CANDIDATES:,} a bracket "
            "may start with. Raise min_resources or factor, or lower "
            "max_resources."
        )
    rungs = []
    for i in range(s + 1):
        n_i = max(1, _floor(n * factor**-i))
        # rounded down: the bracket s_max starts at >= min_resources, and
        # that start gives the same s_max (round-to-nearest could not)
        r_i = _floor(max_resources * factor ** (i - s))
        r_i = max(min_resources, min(max_resources, r_i))
        rungs.append((n_i, r_i))
    return rungs


def schedule_cost(schedule, max_resources):
    """Cost of a schedule in full-resource evaluations: ``sum(n * r) / max``.

    Examples
    --------
    >>> from sklearn_hypersearch._strategies._hyperband import (
    ...     hyperband_schedule, schedule_cost)
    >>> round(schedule_cost(hyperband_schedule(1, 81), 81), 2)
    23.48
    """
    return sum(n * r for rungs in schedule for n, r in rungs) / max_resources


def _check_schedule_args(min_resources, max_resources, factor, n_brackets, max_cost):
    for name, value in (
        ("min_resources", min_resources),
        ("max_resources", max_resources),
    ):
        if (
            not isinstance(value, numbers.Integral)
            or isinstance(value, bool)
            or value < 1
        ):
            raise ValueError(f"{name} must be an int >= 1, got {value!r}.")
    if min_resources > max_resources:
        raise ValueError(
            f"min_resources={min_resources} must not exceed "
            f"max_resources={max_resources}."
        )
    if (
        not isinstance(factor, numbers.Real)
        or isinstance(factor, bool)
        or not factor > 1
        or not math.isfinite(factor)
    ):
        raise ValueError(f"factor must be a finite number > 1, got {factor!r}.")
    if n_brackets is not None and (
        not isinstance(n_brackets, numbers.Integral)
        or isinstance(n_brackets, bool)
        or n_brackets < 1
    ):
        raise ValueError(f"n_brackets must be an int >= 1 or None, got {n_brackets!r}.")
    if max_cost is not None and (
        not isinstance(max_cost, numbers.Real)
        or isinstance(max_cost, bool)
        or not 0 < max_cost < math.inf
    ):
        raise ValueError(
            f"max_cost must be a finite number > 0 or None, got {max_cost!r}."
        )


class HyperbandStrategy(BaseStrategy):
    """Hyperband over a search space, as an ask/tell strategy.

    Each :class:`Candidate` carries its ``budget`` (resource units) and the
    tags ``bracket`` (running order, from 0), ``rung`` (from 0) and
    ``n_resources`` (the budget again, for ``cv_results_``). ``ask(None)``
    returns whole rungs: every rung that is ready (the previous rung of
    its bracket is told). Brackets start one after the other, the most
    aggressive first, as in the paper: a good candidate found by a cheap
    bracket reaches the full resource early, and a model-based sampler
    draws each bracket from the results of the previous ones. So that
    parallel workers stay busy, the next bracket starts as soon as the
    rungs out hold fewer than ``factor**2`` candidates, so its first rung
    shares a batch with the small last rungs of the previous one. While
    rungs are out and none is ready, ``ask`` returns an empty list: tell
    the results of a rung to get the next one.

    No ``(params, budget)`` pair is proposed twice: when a rung holds a
    candidate whose result at that resource is already known (an earlier
    bracket evaluated it, which happens on finite spaces, or it was told
    as a warm start), the known score takes its place in the rung and it
    is not asked again. Told candidates are matched to rungs by their
    parameters and budget, so the order of :meth:`tell` calls within a
    batch does not matter.

    Parameters
    ----------
    space : Space, dict or list of dict
    min_resources : int
        Fewest resource units given to a candidate.
    max_resources : int
        Resource units of the last rung of every bracket.
    factor : float, default=3
        A rung promotes its best ``1 / factor``.
    n_brackets : int or None, default=None
        Most brackets to run (see :func:`hyperband_schedule`); None runs one
        Hyperband iteration, ``s_max + 1`` brackets, or as many as
        ``max_cost`` allows if it is set.
    sampler : {"random", "bohb", "tpe", "gp"}, default="random"
        How the first rung of a bracket is drawn; a ``random_fraction`` of
        the candidates, and all of them before a model has data, are drawn
        at random. The models are fitted on the results of every budget
        and propose for the full one (see
        :mod:`~sklearn_hypersearch._strategies._multifidelity`).
        ``"bohb"`` (``"tpe"`` is an alias): BOHB's kernel densities of the
        good and the other candidates, one pair per budget with at least
        ``n_dims + 3`` results, mixed with weights that follow the rank
        correlations between budgets; the proposal maximizes their ratio
        among ``n_proposals`` draws from the good mixture. ``"gp"``: a
        Gaussian process over the space and the log-budget, whose length
        scale along the budget says how far cheap results inform the full
        budget; the proposals maximize the expected improvement at the full
        budget.
    random_fraction : float, default=1/3
        Share of random candidates with a model-based sampler.
    top_fraction : float, default=0.15
        Share of a budget's observations that its good density is fitted on.
    n_proposals : int, default=64
        Points drawn from the good density per ``"bohb"`` candidate.
    random_state : int, RandomState instance, Generator or None, default=None
    max_cost : float or None, default=None
        Budget in full-resource evaluations (units of ``max_resources``):
        whole brackets run, in order and cycling into further Hyperband
        iterations, while their total resource stays within
        ``max_cost * max_resources``; the first bracket always runs, even
        if it alone costs more.
    continue_rungs : bool, default=False
        Whether a promoted candidate ``continues`` its candidate of the
        previous rung (whose models every rung but the last keeps).
    adapt_min_resources : bool, default=False
        Whether to stop starting brackets at a budget that misleads: once a
        budget's ranking of the candidates it promoted disagrees with the
        next budget's (Kendall's tau plus its standard error below 0.25,
        over at least 10 candidates), the brackets still to start follow
        the schedule of a larger ``min_resources``, the next budget, within
        what is left of ``n_brackets`` and ``max_cost``; model-based
        samplers then ignore the results at the misleading budgets.
    repeat : bool, default=False
        Cycle through Hyperband iterations without end (for a search bounded
        by time): the schedule grows by one iteration whenever every planned
        bracket has started. Needs ``n_brackets=None`` and ``max_cost=None``.

    Attributes
    ----------
    schedule : list of list of (int, int)
        Planned ``(n_candidates, n_resources)`` of each rung of each bracket;
        on a finite space, the first rung of a bracket is capped at the
        number of points of the space. Brackets not yet started change when
        ``adapt_min_resources`` raises the smallest budget, and the schedule
        grows with ``repeat``.
    cost : float
        The planned schedule's cost in full-resource evaluations,
        ``sum(n * r) / max_resources``; an upper bound where known results
        are reused.
    rungs_done : list of list of (int, int)
        ``(n_candidates, n_resources)`` of every rung whose results are all
        in (told or known), one list per started bracket.
    rank_correlations : list of dict
        Kendall's tau between the scores at each budget and at the next one,
        over the candidates scored at both (``low``, ``high``, ``tau``,
        ``n_pairs``).
    adjustments : list of dict
        What ``adapt_min_resources`` did, in order: ``bracket`` (the first
        bracket started under the change), ``budget`` (the misleading one),
        ``tau`` and ``n_pairs`` (the evidence) and ``min_resources`` (the
        smallest budget from then on).

    Examples
    --------
    >>> from sklearn_hypersearch import Real
    >>> from sklearn_hypersearch._strategies._hyperband import HyperbandStrategy
    >>> strategy = HyperbandStrategy(
    ...     {"x": Real(-5.0, 5.0)}, min_resources=1, max_resources=9, random_state=0
    ... )
    >>> strategy.schedule
    [[(9, 1), (3, 3), (1, 9)], [(5, 3), (1, 9)], [(3, 9)]]
    >>> round(strategy.cost, 2)
    8.67
    >>> while batch := strategy.ask():
    ...     # a noisy objective whose noise shrinks with the budget
    ...     strategy.tell(batch, [-c.params["x"] ** 2 - 1 / c.budget for c in batch])
    >>> best, score = strategy.best
    >>> best.budget, best.tags["bracket"], best.tags["rung"]
    (9, ...)
    """

    result_tags = ("bracket", "rung", "n_resources")

    def __init__(
        self,
        space,
        min_resources,
        max_resources,
        factor=3,
        n_brackets=None,
        sampler="random",
        random_fraction=1 / 3,
        top_fraction=0.15,
        n_proposals=64,
        random_state=None,
        max_cost=None,
        continue_rungs=False,
        adapt_min_resources=False,
        repeat=False,
    ):
        super().__init__(space, random_state)
        if sampler not in _SAMPLERS:
            raise ValueError(f"sampler must be one of {_SAMPLERS}, got {sampler!r}.")
        if not 0 <= random_fraction <= 1:
            raise ValueError(
                f"random_fraction must be in [0, 1], got {random_fraction!r}."
            )
        if not 0 < top_fraction < 1:
            raise ValueError(f"top_fraction must be in (0, 1), got {top_fraction!r}.")
        if repeat and (n_brackets is not None or max_cost is not None):
            raise ValueError(
                "repeat=True cycles without end: it needs n_brackets=None and "
                f"max_cost=None, got n_brackets={n_brackets!r} and "
                f"max_cost={max_cost!r}."
            )
        self.min_resources = min_resources
        self.max_resources = max_resources
        self.factor = factor
        self.n_brackets = n_brackets
        self.sampler = sampler
        self.random_fraction = random_fraction
        self.top_fraction = top_fraction
        self.n_proposals = n_proposals
        self.max_cost = max_cost
        self.continue_rungs = bool(continue_rungs)
        self.adapt_min_resources = bool(adapt_min_resources)
        self.repeat = bool(repeat)
        self.schedule = self._capped(
            hyperband_schedule(
                min_resources, max_resources, factor, n_brackets, max_cost
            )
        )
        # every budget of the schedule's grid, smallest first
        self._levels = sorted({r for rungs in self.schedule for _, r in rungs})
        self._min_start = self.schedule[0][0][1]  # smallest first-rung budget
        self._n_planned = len(self.schedule)  # brackets of the plan at start
        self.adjustments = []
        # per bracket: index of the next rung to ask, and the rung being
        # evaluated: its candidates and their scores (NaN until told)
        self._next_rung = []
        self._rung_cands = []
        self._rung_scores = []
        self._done = []  # (n, r) of the closed rungs
        self._grow_state()
        # (key, budget) -> score of every told result, and -> the rung
        # slots (bracket, slot) waiting for a result asked but not told
        self._known = {}
        self._waiting = {}
        # key -> {budget: score}, for the rank correlations between budgets
        self._by_point = defaultdict(dict)
        self._queue = deque()  # asked rungs not yet handed out (ask(n) with small n)
        self._last_params = {}  # bracket -> params of its last closed rung
        # bracket -> per slot of the open (then last closed) rung, the
        # candidate evaluated there (None: its score was known), which a
        # promoted candidate continues with continue_rungs
        self._evaluated = {}
        self._last_cands = {}
        # observations for the models: subspace index -> lists of unit rows,
        # point keys, budgets and scores
        self._obs = defaultdict(lambda: ([], [], [], []))
        # subspace index -> (observations told, model or None): a model
        # changes only when results are told, not per point
        self._models = {}
        self._theta = {}  # subspace index -> the GP's last hyperparameters
        # a batch smaller than this takes in the next bracket's first rung
        self._min_batch = math.ceil(factor**2)

    @property
    def cost(self):
        return schedule_cost(self.schedule, self.max_resources)

    @property
    def n_planned(self):
        """Candidates the schedule evaluates (rows of all its rungs)."""
        return sum(n for rungs in self.schedule for n, _ in rungs)

    @property
    def rungs_done(self):
        return [list(rungs) for rungs in self._done if rungs]

    @property
    def rank_correlations(self):
        return rank_correlations(self._by_point, self._levels)

    def _grow_state(self):
        """Per-bracket state for brackets added to the schedule."""
        for _ in range(len(self.schedule) - len(self._next_rung)):
            self._next_rung.append(0)
            self._rung_cands.append(None)
            self._rung_scores.append(None)
            self._done.append([])

    def _capped(self, schedule):
        n_values = self.space.n_values
        if math.isinf(n_values):
            return schedule
        out = []
        for rungs in schedule:
            n0 = min(rungs[0][0], n_values)
            out.append(
                [
                    (max(1, min(n, _floor(n0 * self.factor**-i))), r)
                    for i, (n, r) in enumerate(rungs)
                ]
            )
        return out

    # -- the plan -----------------------------------------------------------
    @property
    def _n_started(self):
        # brackets start in the order of the schedule: a prefix has started
        return sum(1 for i in self._next_rung if i > 0)

    def _replan(self):
        """Plan the brackets not yet started from the smallest budget now in
        force, within what is left of ``n_brackets`` and ``max_cost``."""
        started = self.schedule[: self._n_started]
        if self.repeat:
            n_left, cost_left = None, None
        else:
            limit = self._n_planned if self.n_brackets is None else self.n_brackets
            n_left = limit - len(started)
            cost_left = None
            if self.max_cost is not None:
                cost_left = self.max_cost - schedule_cost(started, self.max_resources)
        tail = []
        if n_left is None or n_left > 0:
            tail = self._iteration(n_left, cost_left)
        del self.schedule[len(started) :]
        self.schedule.extend(tail)
        for state in (self._next_rung, self._rung_cands, self._rung_scores, self._done):
            del state[len(started) :]
        self._grow_state()

    def _iteration(self, n_left=None, cost_left=None):
        """Brackets from the smallest budget in force: one iteration, or as
        many as ``n_left`` and ``cost_left`` allow (none may overspend)."""
        if self.max_cost is None or cost_left is None:
            plan = hyperband_schedule(
                self._min_start, self.max_resources, self.factor, n_left
            )
        else:
            if cost_left <= 0:
                return []
            plan = hyperband_schedule(
                self._min_start, self.max_resources, self.factor, n_left, cost_left
            )
            # the first bracket of a plan always runs; here it must fit too
            if schedule_cost(plan[:1], self.max_resources) > cost_left * (1 + _TOL):
                return []
        return self._capped(plan)

    def _check_fidelity(self):
        """Raise the smallest first-rung budget past a misleading budget."""
        if not self.adapt_min_resources:
            return
        for c in self.rank_correlations:
            low = c["low"]
            if low < self._min_start or low >= self.max_resources:
                continue
            if misleads(c["tau"], c["n_pairs"]):
                self._min_start = c["high"]
                self._replan()
                self.adjustments.append(
                    {
                        "bracket": self._n_started,
                        "budget": low,
                        "tau": c["tau"],
                        "n_pairs": c["n_pairs"],
                        "min_resources": self._min_start,
                    }
                )

    def _misleading_below(self):
        """Budgets the models leave out: those below the smallest budget
        that ``adapt_min_resources`` keeps."""
        if not self.adjustments:
            return -math.inf
        return max(a["budget"] for a in self.adjustments)

    # -- ask ----------------------------------------------------------------
    def _ask(self, n):
        if not self._queue:
            with one_blas_thread():
                self._queue.extend(self._next_batch())
        out = []
        while self._queue and (n is None or len(out) < n):
            out.append(self._queue.popleft())
        return out

    def _next_batch(self):
        """The ready rungs of the running brackets, and maybe new brackets.

        Brackets start in the order of the schedule, the most aggressive
        first. The next one starts only when the rungs being evaluated or
        handed out hold fewer than ``factor**2`` candidates: the cheap
        brackets finish (and a model learns from them) before the costly
        ones run, while the small last rungs of a bracket share a batch
        with the first rungs of the next one, which keeps workers busy.
        """
        in_flight = sum(
            int(np.isnan(s).sum())
            for c, s in zip(self._rung_cands, self._rung_scores)
            if c is not None
        )
        out = []
        b = 0
        grown_at = None  # len(out) when the schedule last grew
        while True:
            if b == len(self.schedule):
                if not (self.repeat and self._n_started == len(self.schedule)):
                    break
                if grown_at == len(out):
                    break  # a whole iteration was known already (finite space)
                grown_at = len(out)
                self.schedule.extend(self._iteration())  # one more iteration
                self._grow_state()
            rungs = self.schedule[b]
            while self._next_rung[b] < len(rungs) and self._rung_cands[b] is None:
                if self._next_rung[b] == 0 and in_flight + len(out) >= self._min_batch:
                    return out  # this bracket and the later ones wait
                out.extend(self._open_rung(b))
                if not np.isnan(self._rung_scores[b]).any():
                    self._close_rung(b)  # every result was known: go on
                rungs = self.schedule[b]
            b += 1
        return out

    @property
    def _model_based(self):
        return self.sampler != "random"

    def _open_rung(self, b):
        """Open bracket ``b``'s next rung; return the candidates to evaluate.

        A candidate whose result at this resource is known (an earlier
        bracket evaluated it, or it was told) is not evaluated again: its
        slot takes the known score, or waits for the result when another
        rung has it out.
        """
        i = self._next_rung[b]
        n_i, r_i = self.schedule[b][i]
        if i == 0:
            params = self._sample(n_i)
            parents = [None] * len(params)
        else:
            params, parents = self._promoted(b, n_i)
        tags = {"bracket": b, "rung": i, "n_resources": r_i}
        # with continue_rungs, a promoted candidate trains on from its fitted
        # models of the previous rung, and every rung but the last keeps them
        keep = self.continue_rungs and i < len(self.schedule[b]) - 1
        cands = [
            Candidate(
                p,
                budget=r_i,
                tags=tags,
                continues=parent if self.continue_rungs else None,
                keep_state=keep,
            )
            for p, parent in zip(params, parents)
        ]
        scores = np.full(len(cands), np.nan)
        new, evaluated = [], [None] * len(cands)
        for slot, cand in enumerate(cands):
            key = (self.space.key(cand.params), r_i)
            if key in self._known:
                scores[slot] = self._known[key]
                continue
            if key not in self._waiting:
                new.append(cand)
                evaluated[slot] = cand
            self._waiting.setdefault(key, []).append((b, slot))
        self._evaluated[b] = evaluated
        self._rung_cands[b] = cands
        self._rung_scores[b] = scores
        self._next_rung[b] = i + 1
        return new

    def _promoted(self, b, k):
        """The best ``k`` candidates of bracket ``b``'s last rung: their
        parameters and the candidates evaluated in their slots (or None)."""
        order = self._promotion_order(b, k)
        self._rung_scores[b] = None
        last = self._last_cands.pop(b, None) or [None] * len(self._last_params[b])
        return [dict(self._last_params[b][j]) for j in order], [last[j] for j in order]

    def _promotion_order(self, b, k):
        # stable sort on the negated score: ties keep the order asked, and
        # failed fits (-inf) go last
        return np.argsort(-self._rung_scores[b], kind="stable")[:k]

    def continuable(self):
        """The evaluated candidates of open rungs, and those that the last
        closed rung of each bracket will promote (with ``continue_rungs``)."""
        if not self.continue_rungs:
            return ()
        out = []
        for b, rungs in enumerate(self.schedule):
            if self._rung_cands[b] is not None:  # a rung being evaluated
                out.extend(c for c in self._evaluated.get(b, ()) if c is not None)
            elif b in self._last_cands and self._next_rung[b] < len(rungs):
                k = rungs[self._next_rung[b]][0]
                last = self._last_cands[b]
                out.extend(
                    last[j] for j in self._promotion_order(b, k) if last[j] is not None
                )
        return out

    # -- tell ---------------------------------------------------------------
    def _tell(self, candidates, scores):
        for cand, score in zip(candidates, scores):
            budget = self.max_resources if cand.budget is None else cand.budget
            point = self.space.key(cand.params)
            self._observe(cand, point, budget, score)
            self._known[(point, budget)] = float(score)
            self._by_point[point][budget] = float(score)
            # the rungs waiting for it, whoever asked it (warm starts too)
            for b, slot in self._waiting.pop((point, budget), ()):
                self._rung_scores[b][slot] = score
        for b, scores_b in enumerate(self._rung_scores):
            if self._rung_cands[b] is not None and not np.isnan(scores_b).any():
                self._close_rung(b)

    def _close_rung(self, b):
        cands = self._rung_cands[b]
        self._last_params[b] = [c.params for c in cands]
        self._last_cands[b] = self._evaluated.pop(b, [None] * len(cands))
        self._rung_cands[b] = None
        self._done[b].append((len(cands), cands[0].budget if cands else None))
        self._check_fidelity()

    def _observe(self, cand, point, budget, score):
        if not self._model_based:
            return
        try:
            j = self.space.subspace_of(cand.params)
        except ValueError:
            return  # a warm-start point outside the space teaches nothing
        unit = self.space.subspaces[j].to_unit([cand.params])[0]
        for column, value in zip(self._obs[j], (unit, point, budget, float(score))):
            column.append(value)

    # -- sampling -----------------------------------------------------------
    def _sample(self, n):
        """``n`` new points for a first rung, distinct on a finite space."""
        finite = math.isfinite(self.space.n_values)
        out, keys = [], set()
        for attempt in range(100):
            if len(out) == n:
                break
            # the model may keep proposing the same few points of a small
            # finite space: after a few rounds, fill the rung at random
            if self._model_based and attempt < 3:
                params = self._model_points(n - len(out))
            else:
                params = self.space.sample(n - len(out), self._rng)
            for p in params:
                key = self.space.key(p)
                if finite and key in keys:
                    continue
                keys.add(key)
                out.append(p)
        return out

    def _model_points(self, n):
        """``n`` points: a ``random_fraction`` at random, the rest from the
        model of a subspace drawn as random sampling draws it."""
        at_random = self._rng.uniform(size=n) < self.random_fraction
        # as random sampling does: each subspace equally likely
        subspace = self._rng.integers(self.space.n_subspaces, size=n)
        out = [None] * n
        randoms = np.flatnonzero(at_random)
        for i, p in zip(randoms, self.space.sample(len(randoms), self._rng)):
            out[i] = p
        for j in range(self.space.n_subspaces):
            slots = np.flatnonzero(~at_random & (subspace == j))
            if len(slots):
                sub = self.space.subspaces[j]
                for i, p in zip(slots, sub.from_unit(self._propose(j, len(slots)))):
                    out[i] = p
        return out

    def _propose(self, j, k):
        """``k`` unit rows of subspace ``j`` from its model (random without)."""
        sub = self.space.subspaces[j]
        model = self._model(j)
        if model is None:
            return self._rng.uniform(size=(k, sub.n_dims))
        if isinstance(model, BudgetGP):
            return model.propose(k, self._rng)
        return np.array([model.argmax(self.n_proposals, self._rng) for _ in range(k)])

    def _model(self, j):
        """Subspace ``j``'s model, refitted only after new results."""
        units, points, budgets, scores = self._obs[j]
        cached = self._models.get(j)
        if cached is not None and cached[0] == len(scores):
            return cached[1]
        keep = [i for i, b in enumerate(budgets) if b > self._misleading_below()]
        encoder = _Encoder(self.space.subspaces[j])
        min_points = self.space.subspaces[j].n_dims + 3
        model = None
        if self.sampler == "gp":
            if len(keep) >= min_points:
                model = BudgetGP(encoder).fit(
                    [units[i] for i in keep],
                    [points[i] for i in keep],
                    [budgets[i] for i in keep],
                    [scores[i] for i in keep],
                    self._levels[0],
                    self.max_resources,
                    self._rng,
                    self._theta.get(j),
                )
                self._theta[j] = model.theta_
        else:
            per_budget = defaultdict(lambda: ([], []))
            for i in keep:
                per_budget[budgets[i]][0].append(units[i])
                per_budget[budgets[i]][1].append(scores[i])
            weights = chain_weights(self._levels, self.rank_correlations)
            per_budget = {
                b: (np.array(u), np.array(s)) for b, (u, s) in per_budget.items()
            }
            ratio = BudgetDensityRatio(
                encoder, per_budget, weights, self.top_fraction, min_points
            )
            model = None if ratio.empty else ratio
        self._models[j] = (len(scores), model)
        return model
