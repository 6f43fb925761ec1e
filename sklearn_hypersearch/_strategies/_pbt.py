"""Population-based training: members train on, the weak copy the strong.

Population-based training (PBT, Jaderberg et al., 2017) trains a
population of members side by side. After every step of training each
member is scored; the bottom ``exploit_fraction`` of the members copy the
fitted state of a member of the top ``exploit_fraction`` (*exploit*,
truncation selection) and change the hyperparameters that may change in
the middle of training (*explore*): multiplied by one of
``perturb_factors`` or, with ``resample_probability``, drawn again from the
prior. PB2 (Parker-Holder et al., 2020) explores with a GP bandit instead:
a Gaussian process models the score gained during a step as a function of
the hyperparameters in force and of time, and each copying member takes the
point of highest upper confidence bound, the points already chosen in the
same step counting as observed (GP-BUCB, Desautels et al., 2014).

The strategy knows nothing of models: a candidate of step ``t + 1``
``continues`` a candidate of step ``t`` (its own member's, or the member it
copies), with a budget one ``step`` larger, and the search keeps and copies
the fitted models. Every member's candidates of one step have distinct
parameters, so that a step never evaluates the same thing twice.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers
from collections import deque

import numpy as np

from sklearn_hypersearch._space import Categorical, Integer, Real
from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate
from sklearn_hypersearch._strategies._surrogates import GaussianProcess, _Encoder

_EXPLORE = ("perturb", "pb2")

# Tries of an exploring rule before a member falls back to a fresh draw of
# its perturbable parameters (distinct points are needed on finite spaces).
_TRIES = 20

# PB2's acquisition: the upper confidence bound mean + _KAPPA * std of the
# standardized score gain, maximized over _N_RANDOM points drawn in the
# unit cube of the perturbable parameters and _N_LOCAL points around the
# copied member (its neighbourhood is where the copied state was trained).
_KAPPA = 2.0
_N_RANDOM = 256
_N_LOCAL = 64
_LOCAL_SCALE = 0.1
# Most recent observations the GP conditions on.
_MAX_OBSERVATIONS = 256


def n_exploit(population_size, exploit_fraction):
    """Members of the bottom (and of the top) fraction: at least one, at
    most half of the population, none for a population of one."""
    if population_size < 2:
        return 0
    return min(max(1, int(exploit_fraction * population_size)), population_size // 2)


class PopulationBasedStrategy(BaseStrategy):
    """Population-based training (PBT, and PB2's GP-bandit exploration).

    Each batch is one step of the whole population: candidate ``i`` is
    member ``i``'s next step, with a budget of ``step * (t + 1)`` after
    ``t + 1`` steps. The first step draws the members from the prior. When
    a step's scores are all told, the members of the bottom
    ``exploit_fraction`` copy a member of the top ``exploit_fraction``
    drawn at random (when it scored better): their next candidate
    ``continues`` the copied member's and explores its parameters; the
    others continue their own with the same parameters. Only the
    parameters named in ``perturb`` are explored; the others stay fixed
    for a member and change only by copying another.

    Parameters
    ----------
    space : Space, dict or list of dict
    random_state : int, RandomState instance, Generator or None, default=None
    population_size : int, default=8
        Members trained side by side (at most the number of points of a
        finite space).
    n_steps : int or None, default=10
        Steps of training per member; None proposes steps until the caller
        stops asking.
    step : int, default=1
        Resource units each step adds to a member's budget.
    perturb : collection of str or None, default=None
        Parameters that exploring may change; None means all of them.
    exploit_fraction : float, default=0.25
        Fraction of the population that copies and that is copied
        (truncation selection): ``int(exploit_fraction * population_size)``
        members, at least one and at most half of them.
    explore : {"perturb", "pb2"}, default="perturb"
        ``"perturb"``: each perturbable parameter is drawn again from the
        prior with probability ``resample_probability``, otherwise
        multiplied by one of ``perturb_factors`` (an integer rounded and
        moved by at least one step, a categorical moved to the neighbouring
        choice), within the bounds. ``"pb2"``: a Gaussian process of the
        score gained in a step (PB2) chooses them, at random until it has
        three observations.
    resample_probability : float, default=0.25
        See ``explore="perturb"``.
    perturb_factors : tuple of float, default=(0.8, 1.2)
        See ``explore="perturb"``; one is drawn per parameter.

    Attributes
    ----------
    steps_done : int
        Steps whose every score has been told.

    References
    ----------
    .. [1] M. Jaderberg et al., "Population Based Training of Neural
       Networks", arXiv:1711.09846, 2017.
    .. [2] J. Parker-Holder, V. Nguyen and S. Roberts, "Provably Efficient
       Online Hyperparameter Optimization with Population-Based Bandits",
       NeurIPS 2020.
    .. [3] T. Desautels, A. Krause and J. Burdick, "Parallelizing
       Exploration-Exploitation Tradeoffs in Gaussian Process Bandit
       Optimization", JMLR 15, 2014.

    Examples
    --------
    A black-box use: the "model" is the sum of the learning rates a member
    trained with, so that training on from a good member pays.

    >>> from sklearn_hypersearch import PopulationBasedStrategy, Real
    >>> strategy = PopulationBasedStrategy(
    ...     {"lr": Real(0.01, 1.0, log=True)}, random_state=0,
    ...     population_size=4, n_steps=5,
    ... )
    >>> total = {}
    >>> while batch := strategy.ask():
    ...     for c in batch:
    ...         before = 0.0 if c.continues is None else total[id(c.continues)]
    ...         total[id(c)] = before + c.params["lr"]
    ...     strategy.tell(batch, [total[id(c)] for c in batch])
    >>> strategy.steps_done, len(strategy.history)
    (5, 20)
    >>> sorted({c.tags["step"] for c, _ in strategy.history})
    [0, 1, 2, 3, 4]
    """

    result_tags = ("member", "step", "parent", "n_resources")

    def __init__(
        self,
        space,
        random_state=None,
        *,
        population_size=8,
        n_steps=10,
        step=1,
        perturb=None,
        exploit_fraction=0.25,
        explore="perturb",
        resample_probability=0.25,
        perturb_factors=(0.8, 1.2),
    ):
        super().__init__(space, random_state)
        _check_int("population_size", population_size, 1)
        if n_steps is not None:
            _check_int("n_steps", n_steps, 1)
        _check_int("step", step, 1)
        if not (
            isinstance(exploit_fraction, numbers.Real) and 0 < exploit_fraction <= 0.5
        ):
            raise ValueError(
                f"exploit_fraction must be in (0, 0.5], got {exploit_fraction!r}."
            )
        if explore not in _EXPLORE:
            raise ValueError(f"explore must be one of {_EXPLORE}, got {explore!r}.")
        if not (
            isinstance(resample_probability, numbers.Real)
            and 0 <= resample_probability <= 1
        ):
            raise ValueError(
                f"resample_probability must be in [0, 1], got {resample_probability!r}."
            )
        self.perturb_factors = check_perturb_factors(perturb_factors)
        names = set(self.space.names)
        if perturb is None:
            perturb = names
        elif isinstance(perturb, str):
            raise TypeError(
                f"perturb must be a collection of parameter names, got {perturb!r}."
            )
        perturb = set(perturb)
        unknown = sorted(perturb - names)
        if unknown:
            raise ValueError(
                f"perturb names {unknown!r}, which are not parameters of the "
                f"search space (its parameters: {sorted(names)!r})."
            )
        self.population_size = population_size
        self.n_steps = n_steps
        self.step = step
        self.perturb = frozenset(perturb)
        self.exploit_fraction = exploit_fraction
        self.explore = explore
        self.resample_probability = resample_probability
        n_values = self.space.n_values
        self._size = int(min(population_size, n_values))
        self._t = -1  # the step being evaluated
        self._current = []  # member -> Candidate of step _t
        self._scores = np.empty(0)  # member -> score at step _t (NaN: pending)
        self._pending = {}  # (key, budget) -> member, candidates not yet told
        self._queue = deque()  # candidates of step _t not yet asked
        self._finished = False
        # PB2: one (subspace, unit row, step, score gained) per observation
        self._gains = []
        self._score_of = {}  # (key, budget) -> told score of own candidates
        self._gp_theta = {}  # subspace -> last fitted GP hyperparameters

    @property
    def steps_done(self):
        done = self._t if np.isnan(self._scores).any() else self._t + 1
        return max(done, 0)

    @property
    def n_planned(self):
        """Candidates of ``n_steps`` steps (None without it)."""
        if self.n_steps is None:
            return None
        return self.population_size * self.n_steps

    # -- ask ----------------------------------------------------------------
    def _ask(self, n):
        if self._t < 0:
            self._start()
        out = []
        while self._queue and (n is None or len(out) < n):
            out.append(self._queue.popleft())
        return out

    def _start(self):
        """Step 0: distinct members drawn from the prior."""
        points, keys = [], set()
        finite = math.isfinite(self.space.n_values)
        for _ in range(100):
            if len(points) == self._size:
                break
            for p in self.space.sample(self._size - len(points), self._rng):
                key = self.space.key(p)
                if finite and key in keys:
                    continue
                keys.add(key)
                points.append(p)
        self._open_step(0, [(p, None, -1) for p in points])

    def _open_step(self, t, plan):
        """Make step ``t``'s candidates from ``(params, continues, parent)``."""
        budget = self.step * (t + 1)
        cands = []
        for member, (params, parent_cand, parent) in enumerate(plan):
            tags = {
                "member": member,
                "step": t,
                "parent": parent,
                "n_resources": budget,
            }
            cands.append(
                Candidate(
                    params,
                    budget=budget,
                    tags=tags,
                    continues=parent_cand,
                    keep_state=True,
                )
            )
        self._t = t
        self._current = cands
        self._scores = np.full(len(cands), np.nan)
        self._pending = {self._key(c): i for i, c in enumerate(cands)}
        self._queue = deque(cands)

    def continuable(self):
        """The candidates the rest of the step continues, and those of the
        step already told (the next step continues them)."""
        if self._finished:
            return ()
        out = []
        for i, cand in enumerate(self._current):
            if np.isnan(self._scores[i]):
                if cand.continues is not None:
                    out.append(cand.continues)
            else:
                out.append(cand)
        return out

    # -- tell ---------------------------------------------------------------
    def _tell(self, candidates, scores):
        for cand, score in zip(candidates, scores):
            key = self._key(cand)
            member = self._pending.pop(key, None)
            if member is None:
                continue  # a warm start's point, or told twice
            self._scores[member] = score
            self._score_of[key] = float(score)
            self._record_gain(self._current[member], float(score))
        if self._current and not np.isnan(self._scores).any():
            self._close_step()

    def _record_gain(self, cand, score):
        parent = cand.continues
        if parent is None or not math.isfinite(score):
            return
        before = self._score_of.get(self._key(parent))
        if before is None or not math.isfinite(before):
            return
        j = self.space.subspace_of(cand.params)
        unit = self.space.subspaces[j].to_unit([cand.params])[0]
        self._gains.append((j, unit, cand.tags["step"], score - before))

    def _close_step(self):
        t = self._t
        if self.n_steps is not None and t + 1 >= self.n_steps:
            self._finished = True
            return
        self._open_step(t + 1, self._plan())

    # -- exploit and explore --------------------------------------------------
    def _plan(self):
        """``(params, continues, parent)`` of every member for the next step."""
        cands, scores = self._current, self._scores
        size = len(cands)
        # stable sort of the negated scores: ties keep member order, and
        # failed fits (-inf) come last
        order = np.argsort(-scores, kind="stable")
        k = n_exploit(size, self.exploit_fraction)
        top, bottom = list(order[:k]), set(order[size - k :]) if k else set()
        plan = [None] * size
        claimed = set()
        for i in range(size):
            if i not in bottom:
                plan[i] = (cands[i].params, cands[i], i)
                claimed.add(self.space.key(cands[i].params))
        explorer = None
        for i in sorted(bottom):
            j = int(top[int(self._rng.integers(len(top)))])
            if not scores[j] > scores[i]:
                # nothing better to copy: train on (and stay distinct)
                plan[i] = self._own_or_fresh(i, claimed)
                continue
            if explorer is None:
                explorer = self._pb2_explorer() if self.explore == "pb2" else None
            params = self._explored(cands[j].params, claimed, explorer)
            if params is None:
                plan[i] = self._own_or_fresh(i, claimed)
            else:
                plan[i] = (params, cands[j], j)
                claimed.add(self.space.key(params))
        return plan

    def _own_or_fresh(self, i, claimed):
        """Member ``i`` continues itself, or restarts from a new point when
        another member took its parameters (tiny finite spaces only)."""
        own = self._current[i]
        key = self.space.key(own.params)
        if key not in claimed:
            claimed.add(key)
            return (own.params, own, i)
        for p in self._unclaimed(claimed):
            claimed.add(self.space.key(p))
            return (p, None, -1)
        raise RuntimeError("no free point for a member")  # pragma: no cover

    def _unclaimed(self, claimed):
        for p in self.space.sample(100, self._rng):
            if self.space.key(p) not in claimed:
                yield p
        for p in self.space.grid():
            if self.space.key(p) not in claimed:
                yield p

    def _explored(self, params, claimed, explorer):
        """A new point near ``params`` (same subspace), distinct from
        ``claimed``; None if none is found."""
        j = self.space.subspace_of(params)
        sub = self.space.subspaces[j]
        names = [n for n in sub.names if n in self.perturb]
        if not names:
            return None
        if explorer is not None:
            proposal = explorer(j, params, names, claimed)
            if proposal is not None:
                return proposal
        for attempt in range(2 * _TRIES):
            # after _TRIES perturbations, fresh draws of the same parameters
            resample = 1.0 if attempt >= _TRIES else self.resample_probability
            if explorer is not None:
                resample = 1.0  # PB2 without a model: random search
            new = dict(params)
            for name, dim in zip(sub.names, sub.dimensions):
                if name not in self.perturb:
                    continue
                if self._rng.uniform() < resample:
                    new[name] = dim.sample(1, self._rng)[0]
                else:
                    factor = self.perturb_factors[
                        int(self._rng.integers(len(self.perturb_factors)))
                    ]
                    new[name] = scaled_value(dim, params[name], factor)
            if self.space.key(new) not in claimed and sub.contains(new):
                return new
        return None

    # -- PB2 ----------------------------------------------------------------
    def _pb2_explorer(self):
        """A function choosing PB2's points for this step, or None when
        there are fewer than three observed gains (random exploration)."""
        models = {}
        t_next = self._t + 1

        def explore(j, params, names, claimed):
            if j not in models:
                models[j] = self._fit_gains(j, t_next)
            state = models[j]
            if state is None:
                return None
            gp, encoder, scale = state
            sub = self.space.subspaces[j]
            cols = [sub.names.index(n) for n in names]
            base = sub.to_unit([params])[0]
            n = _N_RANDOM + _N_LOCAL
            units = np.tile(base, (n, 1))
            units[:_N_RANDOM, cols] = self._rng.uniform(size=(_N_RANDOM, len(cols)))
            local = base[cols] + _LOCAL_SCALE * self._rng.normal(
                size=(_N_LOCAL, len(cols))
            )
            units[_N_RANDOM:, cols] = np.clip(local, 0.0, 1.0)
            units = encoder.snap(units)
            Z = np.c_[encoder.encode(units), np.full(n, scale(t_next))]
            mu, sigma = gp.predict(Z)
            for idx in np.argsort(-(mu + _KAPPA * sigma), kind="stable"):
                new = dict(params)
                values = sub.from_unit(units[idx][None, :])[0]
                for name in names:
                    new[name] = values[name]
                if self.space.key(new) in claimed or not sub.contains(new):
                    continue
                # the chosen point counts as observed at its predicted mean,
                # so that the next member of the step looks elsewhere
                models[j] = (
                    gp.with_fantasies(Z[idx : idx + 1], mu[idx : idx + 1]),
                    encoder,
                    scale,
                )
                return new
            return None

        return explore

    def _fit_gains(self, j, t_next):
        rows = [(u, t, g) for (jj, u, t, g) in self._gains if jj == j]
        rows = rows[-_MAX_OBSERVATIONS:]
        if len(rows) < 3:
            return None
        encoder = _Encoder(self.space.subspaces[j])

        def scale(t):
            # time in [0, 1] over the steps so far, with its own length scale
            return t / max(t_next, 1)

        units = encoder.snap(np.array([u for u, _, _ in rows]))
        Z = np.c_[encoder.encode(units), [scale(t) for _, t, _ in rows]]
        y = np.array([g for _, _, g in rows])
        std = y.std()
        y = (y - y.mean()) / (std if std > 0 else 1.0)
        gp = GaussianProcess().fit(Z, y, theta0=self._gp_theta.get(j), rng=self._rng)
        self._gp_theta[j] = gp.theta_
        return gp, encoder, scale


def check_perturb_factors(perturb_factors):
    """``perturb_factors`` as a tuple of positive floats (ValueError if not)."""
    try:
        factors = tuple(float(f) for f in perturb_factors)
    except (TypeError, ValueError):
        factors = ()
    ok = factors and all(
        math.isfinite(f) and f > 0 and not isinstance(f, bool) for f in factors
    )
    if not ok or isinstance(perturb_factors, str):
        raise ValueError(
            "perturb_factors must be a non-empty sequence of positive numbers, got "
            f"{perturb_factors!r}."
        )
    return factors


def scaled_value(dim, value, factor):
    """``value`` multiplied by ``factor``, as a value of ``dim``.

    Integers (and grids of floats) are rounded to the grid and moved by at
    least one step; a categorical moves to the next choice (``factor > 1``)
    or the previous one, turning back at the ends; every value is kept
    within the bounds.
    """
    if factor == 1.0:
        return value
    up = factor > 1.0
    if isinstance(dim, Categorical):
        choices = dim.choices
        if len(choices) < 2:
            return value
        i = dim.index(value) + (1 if up else -1)
        if not 0 <= i < len(choices):
            i = len(choices) - 2 if up else 1
        return choices[i]
    target = value * factor
    # the direction the product moves in (the value's sign matters)
    sign = 1 if target > value or (target == value and up) else -1
    grid = None
    if isinstance(dim, Integer):
        grid = (dim.low, dim.step, dim.n_values)
    elif isinstance(dim, Real) and dim.step is not None:
        grid = (dim.low, dim.step, dim.n_values)
    elif getattr(dim, "is_discrete", False):  # a discrete scipy distribution
        x = int(round(target))
        x = int(value) + sign if x == value else x
        return int(min(max(x, dim.low), dim.high))
    if grid is None:
        return float(min(max(target, dim.low), dim.high))
    low, step, count = grid
    i = round((value - low) / step)
    k = round((target - low) / step)
    if k == i:
        k = i + sign
    k = min(max(k, 0), count - 1)
    x = low + k * step
    if isinstance(dim, Real):
        # snapped as the dimension writes its grid values (0.3, not 0.30...04)
        return dim.from_unit(dim.to_unit([x]))[0]
    return int(min(max(x, dim.low), dim.high))


def _check_int(name, value, low):
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < low
    ):
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
