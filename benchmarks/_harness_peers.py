"""Peer searches of the benchmark harness: space adapters and factories.

``METHODS`` maps a method name to ``factory(task, n_iter, seed, n_jobs)``,
which returns an unfitted search (``harness.py``'s docstring lists the
peers and their settings). Peers are imported lazily: a missing package
raises :class:`PeerUnavailable`.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import importlib
import inspect
import math
import sys
import warnings

import numpy as np
from _harness_tasks import SYNTHETIC
from sklearn.exceptions import ConvergenceWarning

from sklearn_hypersearch import Categorical, Distribution, Integer, Real


# ---------------------------------------------------------------------------
# Peer space adapters
# ---------------------------------------------------------------------------
class _LogUniformInt:
    """Integers drawn log-uniformly in [low, high] (scipy has no such dist).

    Only ``rvs`` is needed by ``ParameterSampler``.
    """

    def __init__(self, low, high):
        self.low = low
        self.high = high

    def rvs(self, random_state=None):
        rng = random_state if random_state is not None else np.random
        u = rng.uniform(math.log(self.low - 0.5), math.log(self.high + 0.5))
        return int(min(max(round(math.exp(u)), self.low), self.high))

    def __repr__(self):
        return f"_LogUniformInt({self.low}, {self.high})"


def _dims(space):
    return sorted(space.items())


def to_scipy(space):
    """Space -> ``RandomizedSearchCV`` distributions (scipy.stats or lists)."""
    from scipy import stats

    out = {}
    for name, dim in _dims(space):
        if isinstance(dim, Real):
            out[name] = (
                stats.loguniform(dim.low, dim.high)
                if dim.is_log
                else stats.uniform(dim.low, dim.high - dim.low)
            )
        elif isinstance(dim, Integer):
            out[name] = (
                _LogUniformInt(dim.low, dim.high)
                if dim.is_log
                else stats.randint(dim.low, dim.high + 1)
            )
        elif isinstance(dim, Categorical):
            out[name] = list(dim.choices)
        elif isinstance(dim, Distribution):
            out[name] = dim.dist
        else:
            raise TypeError(f"to_scipy: unsupported dimension {dim!r} for {name!r}.")
    return out


def to_skopt(space):
    """Space -> scikit-optimize dimensions."""
    from skopt import space as sk

    out = {}
    for name, dim in _dims(space):
        prior = "log-uniform" if dim.is_log else "uniform"
        if isinstance(dim, Real):
            out[name] = sk.Real(dim.low, dim.high, prior=prior, name=name)
        elif isinstance(dim, Integer):
            out[name] = sk.Integer(dim.low, dim.high, prior=prior, name=name)
        elif isinstance(dim, Categorical):
            out[name] = sk.Categorical(list(dim.choices), name=name)
        else:
            raise TypeError(f"to_skopt: unsupported dimension {dim!r} for {name!r}.")
    return out


def to_optuna(space):
    """Space -> Optuna distributions."""
    from optuna import distributions as od

    out = {}
    for name, dim in _dims(space):
        if isinstance(dim, Real):
            out[name] = od.FloatDistribution(dim.low, dim.high, log=dim.is_log)
        elif isinstance(dim, Integer):
            out[name] = od.IntDistribution(dim.low, dim.high, log=dim.is_log)
        elif isinstance(dim, Categorical):
            out[name] = od.CategoricalDistribution(list(dim.choices))
        else:
            raise TypeError(f"to_optuna: unsupported dimension {dim!r} for {name!r}.")
    return out


def to_genetic(space):
    """Space -> sklearn-genetic-opt ``Space`` dict.

    sklearn-genetic-opt has no log-scaled integers: those become uniform.
    """
    from sklearn_genetic import space as gs

    out = {}
    for name, dim in _dims(space):
        if isinstance(dim, Real):
            dist = "log-uniform" if dim.is_log else "uniform"
            out[name] = gs.Continuous(dim.low, dim.high, distribution=dist)
        elif isinstance(dim, Integer):
            out[name] = gs.Integer(dim.low, dim.high)
        elif isinstance(dim, Categorical):
            out[name] = gs.Categorical(list(dim.choices))
        else:
            raise TypeError(f"to_genetic: unsupported dimension {dim!r} for {name!r}.")
    return out


# ---------------------------------------------------------------------------
# Budget arithmetic
# ---------------------------------------------------------------------------
def halving_rows(n_candidates, *, factor, min_resources, max_resources):
    """Rows (evaluations) of ``HalvingRandomSearchCV(min_resources="exhaust")``.

    Mirrors scikit-learn's schedule: ``min_resources`` is the "smallest"
    value (2 * n_splits, times n_classes for classifiers).
    """
    n_required = 1 + math.floor(math.log(n_candidates, factor))
    min_res = max(min_resources, max_resources // factor ** (n_required - 1))
    n_possible = 1 + math.floor(math.log(max_resources // min_res, factor))
    rows, n = 0, n_candidates
    for _ in range(min(n_possible, n_required)):
        rows += n
        n = math.ceil(n / factor)
    return rows


def ga_schedule(n_iter, min_population=3):
    """(population_size, generations) for ``GASearchCV`` with <= n_iter fits.

    eaMuPlusLambda evaluates the population once, then lambda = 2 P
    offspring per generation (crossover + mutation probabilities sum to 1,
    so every offspring is new): P * (1 + 2 G) evaluations. Among schedules
    using at least 95 % of the budget (or the fullest, if none does), take
    the population closest to sqrt(2 n_iter).
    """
    options = []
    for gens in range(1, n_iter):
        pop = n_iter // (1 + 2 * gens)
        if pop < min_population:
            break
        options.append((pop * (1 + 2 * gens), pop, gens))
    if not options:
        return max(n_iter, 2), 0
    best_used = max(o[0] for o in options)
    good = [o for o in options if o[0] >= 0.95 * n_iter] or [
        o for o in options if o[0] == best_used
    ]
    target = math.sqrt(2 * n_iter)
    _, pop, gens = min(good, key=lambda o: (abs(o[1] - target), -o[0]))
    return pop, gens


# ---------------------------------------------------------------------------
# Peer factories: factory(task, n_iter, seed, n_jobs) -> unfitted search
# ---------------------------------------------------------------------------
class PeerUnavailable(ImportError):
    """A method's package is not installed or cannot run here."""


def _import(module, method):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise PeerUnavailable(f"{method!r} needs {module!r}: {exc}") from exc


def _random_factory(task, n_iter, seed, n_jobs):
    from sklearn.model_selection import RandomizedSearchCV

    return RandomizedSearchCV(
        task.estimator,
        to_scipy(task.space),
        n_iter=n_iter,
        scoring=task.scoring,
        cv=task.cv,
        random_state=seed,
        n_jobs=n_jobs,
    )


def _halving_factory(task, n_iter, seed, n_jobs):
    from sklearn.base import is_classifier
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV

    factor = 3
    min_res = 2 * task.n_splits
    if is_classifier(task.estimator):
        min_res *= len(np.unique(task.y))
    max_res = len(task.y)
    n_candidates = 1
    while (
        halving_rows(
            n_candidates + 1,
            factor=factor,
            min_resources=min_res,
            max_resources=max_res,
        )
        <= n_iter
    ):
        n_candidates += 1
    return HalvingRandomSearchCV(
        task.estimator,
        to_scipy(task.space),
        n_candidates=n_candidates,
        factor=factor,
        resource="n_samples",
        min_resources="exhaust",
        scoring=task.scoring,
        cv=task.cv,
        random_state=seed,
        n_jobs=n_jobs,
    )


def _skopt_factory(task, n_iter, seed, n_jobs):
    skopt = _import("skopt", "skopt")
    return skopt.BayesSearchCV(
        task.estimator,
        to_skopt(task.space),
        n_iter=n_iter,
        scoring=task.scoring,
        cv=task.cv,
        random_state=seed,
        n_jobs=n_jobs,
        n_points=1,
    )


def _optuna_factory(sampler_name):
    def factory(task, n_iter, seed, n_jobs):
        method = "optuna-" + ("tpe" if sampler_name == "TPESampler" else "gp")
        optuna = _import("optuna", method)
        if sampler_name == "GPSampler":
            _import("torch", method)
        # Optuna >= 4 moved OptunaSearchCV to the optuna-integration package.
        try:
            from optuna_integration import OptunaSearchCV
        except ImportError as exc:
            raise PeerUnavailable(
                f"{method!r} needs optuna-integration[sklearn]: {exc}"
            ) from exc
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = getattr(optuna.samplers, sampler_name)(seed=seed)
        study = optuna.create_study(direction="maximize", sampler=sampler)
        return OptunaSearchCV(
            task.estimator,
            to_optuna(task.space),
            n_trials=n_iter,
            scoring=task.scoring,
            cv=task.cv,
            study=study,
            random_state=seed,
            n_jobs=n_jobs,
            verbose=0,
        )

    return factory


def _ga_factory(task, n_iter, seed, n_jobs):
    gen = _import("sklearn_genetic", "ga")
    population, generations = ga_schedule(n_iter)
    return gen.GASearchCV(
        task.estimator,
        cv=task.cv,
        param_grid=to_genetic(task.space),
        scoring=task.scoring,
        population_size=population,
        generations=generations,
        n_jobs=n_jobs,
        verbose=False,
    )


#: name -> factory(task, n_iter, seed, n_jobs) -> unfitted search.
METHODS = {}
#: The peers' names, in table order.
PEERS = ("random", "halving", "skopt", "optuna-tpe", "optuna-gp", "ga")
_OURS = {
    "bayes": "BayesSearchCV",
    "evolution": "EvolutionSearchCV",
    "hyperband": "HyperbandSearchCV",
    "c2f": "CoarseToFineSearchCV",
}


def register(name, factory):
    """Add or replace a method: ``factory(task, n_iter, seed, n_jobs)``."""
    if not callable(factory):
        raise TypeError(f"register: factory for {name!r} must be callable.")
    METHODS[name] = factory


for _name, _factory in (
    ("random", _random_factory),
    ("halving", _halving_factory),
    ("skopt", _skopt_factory),
    ("optuna-tpe", _optuna_factory("TPESampler")),
    ("optuna-gp", _optuna_factory("GPSampler")),
    ("ga", _ga_factory),
):
    register(_name, _factory)


def _ours_factory(cls):
    """Default factory for one of our classes: space, n_iter, cv, seed.

    The budget is passed as ``n_iter`` when the class takes it; classes with
    other budgets (Hyperband) should ``register`` their own factory.
    """
    params = inspect.signature(cls.__init__).parameters

    def factory(task, n_iter, seed, n_jobs):
        kwargs = {
            getattr(cls, "_space_attr", "param_distributions"): task.space,
            "scoring": task.scoring,
            "cv": task.cv,
            "random_state": seed,
            "n_jobs": n_jobs,
        }
        if "n_iter" not in params:
            raise PeerUnavailable(
                f"{cls.__name__} takes no n_iter: register a factory for it "
                "with harness.register(name, factory)."
            )
        kwargs["n_iter"] = n_iter
        return cls(task.estimator, **kwargs)

    return factory


def _register_ours():
    """Register our search classes exported by sklearn_hypersearch (lazy)."""
    pkg = importlib.import_module("sklearn_hypersearch")
    for name, cls_name in _OURS.items():
        cls = getattr(pkg, cls_name, None)
        if cls is not None and name not in METHODS:
            register(name, _ours_factory(cls))


_register_ours()


def available(method, task=None):
    """None if ``method`` can build a search here, else the reason (str)."""
    _register_ours()
    if method not in METHODS:
        return f"unknown method {method!r}"
    task = task if task is not None else SYNTHETIC["branin"]
    try:
        with _quiet():
            METHODS[method](task, 2, 0, 1)
    except PeerUnavailable as exc:
        return str(exc)
    return None


@contextlib.contextmanager
def _quiet():
    """Silence the peers' chatter (convergence, experimental, deprecation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", module="skopt")
        warnings.filterwarnings("ignore", module="optuna.*")
        warnings.filterwarnings("ignore", message=".*experimental.*")
        yield


@contextlib.contextmanager
def _limit_threads(threads):
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    try:
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(limits=threads):
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(before)
