"""A generational evolutionary strategy over mixed and conditional spaces.

Every operator works on the unit cube of a :class:`Subspace`: the dimensions
own the maps to and from ``[0, 1]``, so log scales, integer rounding and
categorical cells are never re-coded here.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import numbers

import numpy as np

from sklearn_hypersearch._space._dimensions import Categorical, Integer
from sklearn_hypersearch._strategies._base import BaseStrategy, Candidate
from sklearn_hypersearch._strategies._multiobjective import (
    nsga2_select,
    pareto_fitness,
)

# Bounds of the adaptive mutation step, in unit-cube coordinates.
_MIN_SCALE = 0.01
_MAX_SCALE = 0.5
# Success rate the step size aims for (Rechenberg's one-fifth rule) and the
# speed of its adaptation.
_TARGET_SUCCESS = 0.2
_ADAPT_RATE = 1.0
# Mutation attempts before a child that repeats a known candidate is replaced
# by a fresh draw from the space.
_MAX_ATTEMPTS = 20
# Finite spaces up to this size are enumerated to find unseen points once
# random draws keep hitting known ones.
_MAX_ENUMERATE = 100_000
# Default share of elites (4 of the default population of 10) and the
# default tournament size (capped at the population size).
_ELITE_SHARE = 0.4
_TOURNAMENT_SIZE = 3


def default_n_elite(population_size):
    """``n_elite=None``: 40% of the population, rounded down, in [1, size - 1]."""
    return min(population_size - 1, max(1, int(_ELITE_SHARE * population_size)))


def default_tournament_size(population_size):
    """``tournament_size=None``: ``min(3, population_size)``."""
    return min(_TOURNAMENT_SIZE, population_size)


class _Individual:
    """A point of one subspace: unit genome, native params and its score."""

    __slots__ = (
        "sub",
        "unit",
        "params",
        "key",
        "score",
        "ident",
        "parents",
        "gen",
        "vec",
        "viol",
    )

    def __init__(self, sub, unit, params, key, ident, parents=(), gen=None):
        self.sub = sub
        self.gen = gen
        self.unit = unit
        self.params = params
        self.key = key
        self.score = None
        self.ident = ident
        self.parents = parents
        self.vec = None  # score vector (multi-objective), maximized
        self.viol = 0.0  # its constraint violation


def _check_int(value, name, low, high=None):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {value!r}.")
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {bound}, got {value!r}.")


def _check_fraction(value, name, allow_none=False, open_low=False):
    if value is None and allow_none:
        return
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a float, got {value!r}.")
    if not (0 < value <= 1 if open_low else 0 <= value <= 1):
        interval = "(0, 1]" if open_low else "[0, 1]"
        raise ValueError(f"{name} must be in {interval}, got {value!r}.")


class EvolutionStrategy(BaseStrategy):
    """Generational genetic algorithm with elitism, on the unit cube.

    The first generation is a space-filling design of ``population_size``
    points. Each later generation breeds ``population_size - n_elite``
    children from the current population:

    1. two parents are chosen by tournaments of ``tournament_size``; the
       second one comes from the same subspace as the first (a conditional
       space's branches do not share their genes);
    2. with probability ``crossover_rate`` they are recombined: simulated
       binary crossover (SBX) for real and integer genes, uniform crossover
       for categorical ones; otherwise the child copies the first parent;
    3. each gene mutates with probability ``mutation_rate``: a Gaussian step
       of the adaptive scale in unit coordinates for real and integer genes
       (an integer gene always moves by at least one step), another choice
       for a categorical gene; with several subspaces, a child moves to
       another branch with probability ``branch_rate``, keeping the genes
       both branches share.

    The next population is the ``n_elite`` best individuals seen in the
    current population and its children, which survive unchanged and are
    not evaluated again, plus the best remaining children (then parents).
    The mutation scale follows a one-fifth success rule: it grows when more
    than a fifth of a generation's children beat their best parent, and
    shrinks otherwise.

    No candidate is proposed twice: a child equal to an evaluated or already
    proposed candidate is mutated again, then replaced by a fresh draw.
    On a finite space the strategy finishes once every point was proposed.

    Parameters
    ----------
    space : Space, dict or list of dict
        What to search (anything :class:`~sklearn_hypersearch.Space` accepts).
    random_state : int, RandomState instance, Generator or None, default=None
    population_size : int, default=10
        Individuals in a generation; at least 2.
    n_elite : int or None, default=None
        Best individuals that survive each generation unchanged; at most
        ``population_size - 1``. None means 40% of ``population_size``
        rounded down, at least 1 (4 for the default population of 10, 1
        for a population of 2 to 4).
    tournament_size : int or None, default=None
        Individuals drawn for each selection tournament; at most
        ``population_size``. None means ``min(3, population_size)``.
    crossover_rate : float, default=0.9
        Probability that a child recombines two parents.
    mutation_rate : float or None, default=None
        Probability that each gene mutates; None means ``1 / n_dims`` of the
        child's subspace (at least one gene changes on average).
    mutation_scale : float, default=0.2
        Initial standard deviation of Gaussian mutations, as a fraction of
        each dimension's unit interval; it then adapts.
    branch_rate : float, default=0.1
        Probability that a child switches to another subspace (only used
        when the space has several).
    init : {"sobol", "lhs", "random"}, default="sobol"
        Design of the first generation.
    max_generations : int or None, default=None
        The strategy finishes after this many generations.

    Attributes
    ----------
    n_elite, tournament_size : int
        The values used (``None`` resolved).
    generation : int
        Index of the last generation proposed (-1 before the first ask).
    population : list of (Candidate, float)
        The current parents (evaluated individuals), best first.
    mutation_scale_ : float
        Current mutation standard deviation in unit coordinates.
    history : list of (Candidate, float)
        Every told candidate and its score.

    Notes
    -----
    Candidates carry the tags ``generation`` (0 for the initial design),
    ``individual`` (a running number of the proposals of this strategy) and
    ``parents`` (the ``individual`` numbers of the parents joined by
    commas, ``""`` for designed or fresh random points).

    **Several objectives.** Told score vectors (and constraint violations),
    the strategy runs NSGA-II's selection (Deb et al. 2002): the next
    population is the ``population_size`` best of the current population and
    its children by non-dominated sorting with constraint domination
    (feasible first, then smaller violation), the last front that fits
    being cut by crowding distance; tournaments compare Pareto rank, then
    crowding distance. ``n_elite`` then only sets how many children a
    generation breeds (``population_size - n_elite``). A child counts as a
    success of the one-fifth rule when it dominates one of its parents. The
    scores of :attr:`population` are then the Pareto fitness of each
    individual within the population (``-rank`` plus a crowding term below
    0.5, see
    :func:`~sklearn_hypersearch._strategies._multiobjective.pareto_fitness`).

    References
    ----------
    .. [1] K. Deb, A. Pratap, S. Agarwal and T. Meyarivan, "A fast and elitist
       multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evol. Comput.
       6(2), 2002.

    Examples
    --------
    >>> from sklearn_hypersearch import EvolutionStrategy, Real
    >>> strategy = EvolutionStrategy(
    ...     {"x": Real(-5.0, 5.0)}, population_size=8, random_state=0
    ... )
    >>> for _ in range(6):
    ...     generation = strategy.ask()
    ...     strategy.tell(generation, [-c.params["x"] ** 2 for c in generation])
    >>> best, score = strategy.best
    >>> abs(best.params["x"]) < 0.1
    True
    >>> sorted(best.tags)
    ['generation', 'individual', 'parents']
    """

    result_tags = ("generation", "individual", "parents")
    handles_vectors = True

    def __init__(
        self,
        space,
        random_state=None,
        *,
        population_size=10,
        n_elite=None,
        tournament_size=None,
        crossover_rate=0.9,
        mutation_rate=None,
        mutation_scale=0.2,
        branch_rate=0.1,
        init="sobol",
        max_generations=None,
    ):
        super().__init__(space, random_state)
        _check_int(population_size, "population_size", 2)
        if n_elite is None:
            n_elite = default_n_elite(population_size)
        if tournament_size is None:
            tournament_size = default_tournament_size(population_size)
        _check_int(n_elite, "n_elite", 0)
        if n_elite >= population_size:
            raise ValueError(
                f"n_elite must be smaller than population_size, got "
                f"n_elite={n_elite} and population_size={population_size}."
            )
        _check_int(tournament_size, "tournament_size", 1)
        if tournament_size > population_size:
            raise ValueError(
                f"tournament_size must be at most population_size, got "
                f"tournament_size={tournament_size} and "
                f"population_size={population_size}."
            )
        _check_fraction(crossover_rate, "crossover_rate")
        _check_fraction(mutation_rate, "mutation_rate", allow_none=True)
        _check_fraction(mutation_scale, "mutation_scale", open_low=True)
        _check_fraction(branch_rate, "branch_rate")
        if init not in ("sobol", "lhs", "random"):
            raise ValueError(f"init must be 'sobol', 'lhs' or 'random', got {init!r}.")
        if max_generations is not None:
            _check_int(max_generations, "max_generations", 1)
        self.population_size = population_size
        self.n_elite = n_elite
        self.tournament_size = tournament_size
        self.crossover_rate = crossover_rate
        self.mutation_rate = mutation_rate
        self.branch_rate = branch_rate
        self.init = init
        self.max_generations = max_generations
        self.mutation_scale_ = float(mutation_scale)
        self.generation = -1
        self._population = []  # evaluated parents
        self._offspring = []  # individuals told since the last generation
        self._queue = []  # proposed, not yet asked
        self._waiting = {}  # asked, not yet told: key -> individual
        self._proposed = set()  # keys of every proposal
        self._n_proposed = 0
        self._finite = math.isfinite(self.space.n_values)

    # -- public views -------------------------------------------------------
    @property
    def n_planned(self):
        """Candidates of ``max_generations`` generations (None without it)."""
        if self.max_generations is None:
            return None
        return self.population_size + (self.max_generations - 1) * (
            self.population_size - self.n_elite
        )

    @property
    def population(self):
        """The current parents as ``(Candidate, score)``, best first."""
        return [(self._candidate(ind), ind.score) for ind in self._population]

    # -- ask / tell -----------------------------------------------------------
    def _ask(self, n):
        if not self._queue:
            if self._exhausted():
                return []
            self._next_generation()
        n = len(self._queue) if n is None else min(n, len(self._queue))
        batch, self._queue = self._queue[:n], self._queue[n:]
        for ind in batch:
            self._waiting[ind.key] = ind
        return [self._candidate(ind) for ind in batch]

    def _tell(self, candidates, scores):
        for cand, score in zip(candidates, scores):
            ind = self._told_individual(cand)
            if ind is not None:
                ind.score = float(score)
                self._offspring.append(ind)

    def _tell_vectors(self, candidates, Y, violation):
        for cand, row, viol in zip(candidates, Y, violation):
            ind = self._told_individual(cand)
            if ind is not None:
                ind.vec = np.asarray(row, dtype=float)
                ind.viol = float(viol)
                self._offspring.append(ind)

    def _told_individual(self, cand):
        """The individual of a told candidate (None outside the space)."""
        key = self.space.key(cand.params)
        ind = self._waiting.pop(key, None)
        if ind is None:
            # A result this strategy did not propose (warm start,
            # resumed checkpoint): it joins the pool of the next
            # selection like a child without parents.
            if not self.space.contains(cand.params):
                return None
            sub = self.space.subspace_of(cand.params)
            unit = self.space.subspaces[sub].to_unit([cand.params])[0]
            ind = _Individual(sub, unit, dict(cand.params), key, ident=None)
            self._proposed.add(key)
        return ind

    def _exhausted(self):
        if self.max_generations is not None and (
            self.generation + 1 >= self.max_generations
        ):
            return True
        return self._finite and len(self._proposed) >= self.space.n_values

    # -- generations ----------------------------------------------------------
    def _next_generation(self):
        """Select the new parents, then breed the next generation's queue."""
        self._select_survivors()
        self.generation += 1
        if not self._population:
            self._queue = self._initial_design()
        else:
            n_children = self.population_size - min(self.n_elite, len(self._population))
            self._queue = self._breed(n_children)

    def _select_survivors(self):
        """Elitist generational replacement; adapts the mutation scale."""
        children = self._offspring
        self._offspring = []
        if not children:
            return
        if self._n_objectives is not None:
            self._select_nsga2(children)
            return
        self._adapt_scale(children)
        pool = _sorted(self._population + children)
        elites = pool[: self.n_elite]
        elite_ids = {id(ind) for ind in elites}
        # children first, then the remaining parents, each best first
        rest = [c for c in _sorted(children) if id(c) not in elite_ids] + [
            p for p in _sorted(self._population) if id(p) not in elite_ids
        ]
        self._population = _sorted(elites + rest[: self.population_size - len(elites)])

    def _select_nsga2(self, children):
        """NSGA-II's (mu + lambda) selection on score vectors."""
        self._adapt_scale(children, success=_dominates)
        pool = self._population + children
        Y = np.array([ind.vec for ind in pool])
        v = np.array([ind.viol for ind in pool])
        keep = nsga2_select(Y, self.population_size, v)
        fitness = pareto_fitness(Y[keep], v[keep])
        survivors = [pool[i] for i in keep]
        for ind, f in zip(survivors, fitness):
            # a failed fit stays last in every tournament
            ind.score = float(f) if np.isfinite(ind.vec).all() else -np.inf
        self._population = _sorted(survivors)

    def _adapt_scale(self, children, success=None):
        by_ident = {p.ident: p for p in self._population if p.ident is not None}
        outcomes = []
        for child in children:
            parents = [by_ident[i] for i in child.parents if i in by_ident]
            if not parents:
                continue
            if success is None:
                outcomes.append(child.score > max(p.score for p in parents))
            else:
                outcomes.append(any(success(child, p) for p in parents))
        if outcomes:
            rate = float(np.mean(outcomes))
            factor = math.exp(_ADAPT_RATE * (rate - _TARGET_SUCCESS))
            self.mutation_scale_ = float(
                np.clip(self.mutation_scale_ * factor, _MIN_SCALE, _MAX_SCALE)
            )

    def _initial_design(self):
        out = []
        for sub, unit in self.space.sample_unit(
            self.population_size, self._rng, self.init
        ):
            for row in unit:
                ind = self._make(sub, row, ())
                out.append(ind if ind is not None else self._fresh())
        return [ind for ind in out if ind is not None]

    def _breed(self, n_children):
        out = []
        for _ in range(n_children):
            child = self._child()
            if child is None:
                child = self._fresh()
            if child is None:  # a finite space is used up
                break
            out.append(child)
        return out

    def _child(self):
        """Select, recombine and mutate until the child is a new point."""
        first = self._tournament(self._population)
        mates = [p for p in self._population if p.sub == first.sub and p is not first]
        second = self._tournament(mates) if mates else None
        for _ in range(_MAX_ATTEMPTS):
            sub, unit, parents = first.sub, first.unit.copy(), (first.ident,)
            if second is not None and self._rng.uniform() < self.crossover_rate:
                unit = self._crossover(sub, first.unit, second.unit)
                parents = (first.ident, second.ident)
            if self.space.n_subspaces > 1 and self._rng.uniform() < self.branch_rate:
                sub, unit = self._switch_branch(sub, unit)
            unit = self._mutate(sub, unit)
            child = self._make(sub, unit, tuple(p for p in parents if p is not None))
            if child is not None:
                return child
        return None

    # -- operators on the unit cube ----------------------------------------
    def _tournament(self, pool):
        size = min(self.tournament_size, len(pool))
        drawn = self._rng.choice(len(pool), size=size, replace=False)
        # ties keep the first drawn; -inf (failed) loses to any finite score
        return max((pool[i] for i in drawn), key=lambda ind: ind.score)

    def _crossover(self, sub, a, b, eta=2.0):
        """SBX for ordered genes, uniform exchange for categorical ones."""
        dims = self.space.subspaces[sub].dimensions
        child = a.copy()
        for j, dim in enumerate(dims):
            take_other = self._rng.uniform() < 0.5
            if isinstance(dim, Categorical):
                if take_other:
                    child[j] = b[j]
                continue
            u = self._rng.uniform()
            # simulated binary crossover: the spread factor beta has a
            # polynomial density around 1, so children stay near parents
            if u <= 0.5:
                beta = (2 * u) ** (1 / (eta + 1))
            else:
                beta = (1 / (2 * (1 - u))) ** (1 / (eta + 1))
            sign = 1 if take_other else -1
            value = 0.5 * ((1 + sign * beta) * a[j] + (1 - sign * beta) * b[j])
            child[j] = _reflect(value)
        return child

    def _mutate(self, sub, unit):
        subspace = self.space.subspaces[sub]
        dims = subspace.dimensions
        rate = self.mutation_rate
        if rate is None:
            rate = 1.0 / len(dims)
        mask = self._rng.uniform(size=len(dims)) < rate
        if not mask.any():
            # a copy must change somewhere, or it repeats its parent
            mask[self._rng.integers(len(dims))] = True
        out = unit.copy()
        for j in np.flatnonzero(mask):
            out[j] = self._mutate_gene(dims[j], unit[j])
        return out

    def _mutate_gene(self, dim, u):
        if isinstance(dim, Categorical):
            k = len(dim.choices)
            if k == 1:
                return u
            current = dim.index(dim.from_unit([u])[0])
            other = int(self._rng.integers(k - 1))
            other += other >= current
            # the choice's own cell (cells follow the prior weights)
            return float(dim.to_unit([dim.choices[other]])[0])
        step = self._rng.normal(scale=self.mutation_scale_)
        new = _reflect(u + step)
        if isinstance(dim, Integer):
            old_value = dim.from_unit([u])[0]
            value = dim.from_unit([new])[0]
            if value == old_value:
                # too small a step to reach the next value: take one step
                # of the dimension in the step's direction (inward at a bound)
                value = old_value + (dim.step if step >= 0 else -dim.step)
                if not dim.low <= value <= dim.high:
                    value = 2 * old_value - value
                new = float(dim.to_unit([value])[0])
        return new

    def _switch_branch(self, sub, unit):
        """Move a child to another subspace, keeping the genes they share."""
        others = [i for i in range(self.space.n_subspaces) if i != sub]
        target = others[int(self._rng.integers(len(others)))]
        source = self.space.subspaces[sub]
        dest = self.space.subspaces[target]
        shared = dict(zip(source.names, zip(source.dimensions, unit)))
        new = self._rng.uniform(size=dest.n_dims)
        for j, (name, dim) in enumerate(zip(dest.names, dest.dimensions)):
            if name in shared and shared[name][0] == dim:
                new[j] = shared[name][1]
        return target, new

    # -- bookkeeping --------------------------------------------------------
    def _make(self, sub, unit, parents):
        """An individual for ``unit``, or None if that point is known."""
        subspace = self.space.subspaces[sub]
        params = subspace.from_unit(unit[None, :])[0]
        key = self.space.key(params)
        if key in self._proposed or (key, None) in self._seen:
            return None
        self._proposed.add(key)
        # the genome is snapped to the point it encodes (integer and
        # categorical cells), so identical params have identical genomes
        snapped = subspace.to_unit([params])[0]
        ind = _Individual(
            sub, snapped, params, key, self._n_proposed, parents, self.generation
        )
        self._n_proposed += 1
        return ind

    def _fresh(self):
        """A random unseen point, or None when a finite space is used up."""
        for _ in range(_MAX_ATTEMPTS):
            for sub, unit in self.space.sample_unit(1, self._rng, "random"):
                ind = self._make(sub, unit[0], ())
                if ind is not None:
                    return ind
        if not self._finite or self.space.n_values > _MAX_ENUMERATE:
            return None
        unseen = [
            (i, p)
            for i, s in enumerate(self.space.subspaces)
            for p in s.grid()
            if self.space.key(p) not in self._proposed
        ]
        if not unseen:
            return None
        sub, params = unseen[int(self._rng.integers(len(unseen)))]
        return self._make(sub, self.space.subspaces[sub].to_unit([params])[0], ())

    def _candidate(self, ind):
        parents = ",".join(str(p) for p in ind.parents)
        tags = {"generation": ind.gen, "individual": ind.ident}
        tags["parents"] = parents
        return Candidate(dict(ind.params), tags=tags)


def _dominates(a, b):
    """Whether individual ``a`` constraint-dominates ``b`` (score vectors)."""
    if a.viol != b.viol and (a.viol > 0 or b.viol > 0):
        return a.viol < b.viol
    return bool((a.vec >= b.vec).all() and (a.vec > b.vec).any())


def _sorted(individuals):
    """Best first; the sort is stable so ties keep their order."""
    return sorted(individuals, key=lambda ind: -ind.score)


def _reflect(value):
    """Fold a coordinate back into ``[0, 1]`` by mirroring at the bounds."""
    value = abs(float(value)) % 2.0
    return 2.0 - value if value > 1.0 else value
