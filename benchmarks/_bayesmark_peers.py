"""The methods of the Bayesmark benchmark and how each one is run.

Every method gets the same budget (``budget`` evaluations) and batch size
(``batch``) on the same objective: Bayesmark's 5-fold CV loss of a
setting, :meth:`~_bayesmark_problems.Problem.loss`.

Searches with a ``fit`` run through it (the CV of ``BaseSearchCV`` with the
problem's folds and scorer is the same computation as ``Problem.loss``;
``tests/test_bayesmark.py`` checks it):

``bayes``       ``BayesSearchCV`` with its defaults and ``n_points=batch``.
``evolution``   ``EvolutionSearchCV(population_size=batch + 4, n_elite=4,
                n_generations=None, n_iter=budget)``: after the first
                generation each one evaluates ``batch`` new children, so it
                gets no more rounds of feedback than the others.
``c2f``         ``CoarseToFineSearchCV(n_iter=budget)``, defaults otherwise
                (4 stages, so fewer rounds than the others).
``random``      ``RandomizedSearchCV(n_iter=budget)``; logit reals are
                drawn from :func:`~_bayesmark_problems.logit_uniform`, as
                Bayesmark's random search draws them.

``HyperbandSearchCV`` is left out: its evaluations are at partial budgets
(fewer samples or iterations), and Bayesmark's budget counts full
evaluations only, so no setting of it spends a comparable budget.

Ask/tell peers (benchmark-only extras, imported lazily) run their loop
around ``Problem.loss``: ask ``batch`` settings, evaluate them, tell the
losses. A logit-warped real is searched as a plain real in logit
coordinates and mapped back with ``expit``, since none of them has a
logit scale; log scales, integers and bools are native.

``optuna-tpe``  ``TPESampler(seed=seed, constant_liar=True)`` (Optuna's
                advice for batches: penalise settings still being
                evaluated); failed evaluations are told as NaN (FAIL).
``optuna-gp``   ``GPSampler(seed=seed)``, which itself accounts for the
                running trials of a batch (needs torch).
``skopt``       scikit-optimize's ``Optimizer`` with its defaults (GP,
                ``gp_hedge``, 10 initial points), ``ask(n_points=batch)``
                (constant liar); failed evaluations are not told, as in
                Bayesmark's own scikit-optimize wrapper.
``hebo``        ``HEBO(space, scramble_seed=seed)`` with its defaults,
                ``suggest(n_suggestions=batch)``; a failed evaluation is
                told the worst finite loss seen (HEBO's GP cannot take
                inf). HEBO pins ``numpy<1.25`` but runs on numpy 2 here
                when installed with ``pip install --no-deps hebo
                pymoo==0.6.0 gpytorch linear_operator jaxtyping
                disjoint-set`` plus pymoo's own dependencies; its GPy and
                catboost extras are not needed by its default GP.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import importlib
import io
import math
import random
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.special import expit, logit
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from _bayesmark_problems import PROBLEMS, score_to_loss  # noqa: E402

__all__ = [
    "ASK_TELL",
    "FIT",
    "METHODS",
    "PeerUnavailable",
    "available",
    "peer_versions",
    "run_method",
]

PeerUnavailable = harness.PeerUnavailable


def _import(module, method):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise PeerUnavailable(f"{method!r} needs {module!r}: {exc}") from exc


def _native(value):
    return value.item() if isinstance(value, np.generic) else value


def _native_dict(params):
    return {k: _native(v) for k, v in sorted(params.items())}


# ---------------------------------------------------------------------------
# Searches run through their own fit
# ---------------------------------------------------------------------------
def _common(problem, seed):
    return {
        "scoring": problem.scoring,
        "cv": problem.cv,
        "refit": False,
        "n_jobs": 1,
        "random_state": seed,
        "error_score": np.nan,
    }


def _bayes(problem, budget, batch, seed):
    from sklearn_hypersearch import BayesSearchCV

    return BayesSearchCV(
        problem.estimator(),
        problem.space(),
        n_iter=budget,
        n_points=batch,
        **_common(problem, seed),
    )


def _evolution(problem, budget, batch, seed):
    from sklearn_hypersearch import EvolutionSearchCV

    return EvolutionSearchCV(
        problem.estimator(),
        problem.space(),
        population_size=batch + 4,
        n_elite=4,
        n_generations=None,
        n_iter=budget,
        **_common(problem, seed),
    )


def _c2f(problem, budget, batch, seed):
    from sklearn_hypersearch import CoarseToFineSearchCV

    return CoarseToFineSearchCV(
        problem.estimator(), problem.space(), n_iter=budget, **_common(problem, seed)
    )


def _random(problem, budget, batch, seed):
    from sklearn.model_selection import RandomizedSearchCV

    return RandomizedSearchCV(
        problem.estimator(),
        harness.to_scipy(problem.space()),
        n_iter=budget,
        **_common(problem, seed),
    )


#: method -> factory(problem, budget, batch, seed) -> unfitted search
FIT = {
    "bayes": _bayes,
    "evolution": _evolution,
    "c2f": _c2f,
    "random": _random,
}


def _run_fit(factory, problem, budget, batch, seed):
    search = factory(problem, budget, batch, seed)
    X, _, y, _ = problem.data
    start = time.perf_counter()
    search.fit(X, y)
    wall = time.perf_counter() - start
    res = search.cv_results_
    losses = [score_to_loss(float(s)) for s in res["mean_test_score"]]
    params = [_native_dict(p) for p in res["params"]]
    n_splits = search.n_splits_
    eval_time = float(
        np.sum((np.asarray(res["mean_fit_time"]) + res["mean_score_time"]) * n_splits)
    )
    return losses, params, wall, wall - eval_time


# ---------------------------------------------------------------------------
# Ask/tell peers: a loop around Problem.loss
# ---------------------------------------------------------------------------
def _from_warped(param, value):
    """A peer's value (logit coordinates for logit reals) -> a native value."""
    value = _native(value)
    if param.kind == "bool":
        return bool(value)
    if param.kind == "int":
        return int(min(max(round(value), param.low), param.high))
    if param.warp == "logit":
        value = expit(value)
    return float(min(max(value, param.low), param.high))


def _logit_bounds(param):
    return float(logit(param.low)), float(logit(param.high))


class _AskTell:
    """Base of the peer loops: ``ask(n) -> list of dicts``, ``tell(losses)``.

    Values in the dicts are the peer's own; :meth:`decode` maps them to
    the estimator's parameters.
    """

    def __init__(self, problem, seed):
        self.params = {p.name: p for p in problem.params}
        self.seed = seed

    def decode(self, raw):
        return {k: _from_warped(self.params[k], v) for k, v in sorted(raw.items())}


class _Optuna(_AskTell):
    def __init__(self, problem, seed, sampler):
        super().__init__(problem, seed)
        optuna = _import("optuna", "optuna")
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        od = optuna.distributions
        self.dists = {}
        for p in self.params.values():
            if p.kind == "bool":
                self.dists[p.name] = od.CategoricalDistribution([False, True])
            elif p.kind == "int":
                self.dists[p.name] = od.IntDistribution(
                    int(p.low), int(p.high), log=p.warp == "log"
                )
            elif p.warp == "logit":
                self.dists[p.name] = od.FloatDistribution(*_logit_bounds(p))
            else:
                self.dists[p.name] = od.FloatDistribution(
                    float(p.low), float(p.high), log=p.warp == "log"
                )
        self.study = optuna.create_study(direction="minimize", sampler=sampler)
        self.pending = []

    def ask(self, n):
        self.pending = [
            self.study.ask(fixed_distributions=self.dists) for _ in range(n)
        ]
        return [dict(t.params) for t in self.pending]

    def tell(self, losses):
        for trial, loss in zip(self.pending, losses):
            self.study.tell(trial, loss if math.isfinite(loss) else float("nan"))


def _optuna_tpe(problem, seed):
    optuna = _import("optuna", "optuna-tpe")
    return _Optuna(
        problem, seed, optuna.samplers.TPESampler(seed=seed, constant_liar=True)
    )


def _optuna_gp(problem, seed):
    optuna = _import("optuna", "optuna-gp")
    _import("torch", "optuna-gp")
    return _Optuna(problem, seed, optuna.samplers.GPSampler(seed=seed))


class _Skopt(_AskTell):
    def __init__(self, problem, seed):
        super().__init__(problem, seed)
        skopt = _import("skopt", "skopt")
        sk = skopt.space
        self.names = sorted(self.params)
        dims = []
        for name in self.names:
            p = self.params[name]
            if p.kind == "bool":
                dims.append(sk.Categorical([False, True], name=name))
            elif p.kind == "int":
                prior = "log-uniform" if p.warp == "log" else "uniform"
                dims.append(sk.Integer(int(p.low), int(p.high), prior=prior, name=name))
            elif p.warp == "logit":
                dims.append(sk.Real(*_logit_bounds(p), name=name))
            else:
                prior = "log-uniform" if p.warp == "log" else "uniform"
                dims.append(
                    sk.Real(float(p.low), float(p.high), prior=prior, name=name)
                )
        self.opt = skopt.Optimizer(dims, random_state=seed)
        self.pending = []

    def ask(self, n):
        self.pending = self.opt.ask(n_points=n)
        return [dict(zip(self.names, x)) for x in self.pending]

    def tell(self, losses):
        xs = [x for x, y in zip(self.pending, losses) if math.isfinite(y)]
        ys = [float(y) for y in losses if math.isfinite(y)]
        if xs:
            self.opt.tell(xs, ys)


class _Hebo(_AskTell):
    def __init__(self, problem, seed):
        super().__init__(problem, seed)
        _import("hebo", "hebo")
        from hebo.design_space.design_space import DesignSpace
        from hebo.optimizers.hebo import HEBO

        torch = _import("torch", "hebo")
        torch.manual_seed(seed)
        spec = []
        for name in sorted(self.params):
            p = self.params[name]
            if p.kind == "bool":
                spec.append({"name": name, "type": "bool"})
            elif p.kind == "int":
                kind = "pow_int" if p.warp == "log" else "int"
                spec.append(
                    {"name": name, "type": kind, "lb": int(p.low), "ub": int(p.high)}
                )
            elif p.warp == "logit":
                lb, ub = _logit_bounds(p)
                spec.append({"name": name, "type": "num", "lb": lb, "ub": ub})
            else:
                kind = "pow" if p.warp == "log" else "num"
                spec.append({"name": name, "type": kind, "lb": p.low, "ub": p.high})
        self.opt = HEBO(DesignSpace().parse(spec), scramble_seed=seed)
        self.pending = None
        self.worst = None

    def ask(self, n):
        # HEBO prints its GP jitter retries on stdout.
        with contextlib.redirect_stdout(io.StringIO()):
            self.pending = self.opt.suggest(n_suggestions=n)
        return [dict(row) for _, row in self.pending.iterrows()]

    def tell(self, losses):
        finite = [y for y in losses if math.isfinite(y)]
        if finite:
            self.worst = max(finite + ([self.worst] if self.worst is not None else []))
        fill = self.worst if self.worst is not None else 1e10
        y = np.array([[y if math.isfinite(y) else fill] for y in losses], dtype=float)
        with contextlib.redirect_stdout(io.StringIO()):
            self.opt.observe(self.pending, y)


#: method -> factory(problem, seed) -> ask/tell loop
ASK_TELL = {
    "optuna-tpe": _optuna_tpe,
    "optuna-gp": _optuna_gp,
    "skopt": _Skopt,
    "hebo": _Hebo,
}


def _run_ask_tell(factory, problem, budget, batch, seed):
    loop = factory(problem, seed)
    losses, params, opt_time = [], [], 0.0
    start = time.perf_counter()
    while len(losses) < budget:
        n = min(batch, budget - len(losses))
        t0 = time.perf_counter()
        raw = loop.ask(n)
        opt_time += time.perf_counter() - t0
        batch_params = [loop.decode(r) for r in raw]
        batch_losses = [problem.loss(p) for p in batch_params]
        t0 = time.perf_counter()
        loop.tell(batch_losses)
        opt_time += time.perf_counter() - t0
        losses += batch_losses
        params += batch_params
    return losses, params, time.perf_counter() - start, opt_time


METHODS = (*FIT, *ASK_TELL)


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.filterwarnings("ignore", module="optuna.*")
        warnings.filterwarnings("ignore", module="skopt.*")
        warnings.filterwarnings("ignore", module="hebo.*")
        yield


def run_method(method, problem, budget, batch, seed):
    """Run ``method`` on ``problem``; a dict ready to be saved as JSON.

    Keys: problem, method, seed, budget, batch, ``losses`` and ``params``
    of every evaluation in order (a failed evaluation's loss is None),
    ``wall_time``, ``opt_time`` (the optimiser's own time: wall time less
    the CV fits for fit-based searches, ask + tell for the peers) and
    ``test_loss``, the held-out loss of the setting with the best CV loss.
    """
    if isinstance(problem, str):
        problem = PROBLEMS[problem]
    if method not in METHODS:
        raise ValueError(f"--methods: unknown method {method!r}; known: {METHODS}.")
    # Peers that draw from the global generators (HEBO) get seeded ones.
    random.seed(seed)
    np.random.seed(seed)
    with _quiet():
        if method in FIT:
            out = _run_fit(FIT[method], problem, budget, batch, seed)
        else:
            out = _run_ask_tell(ASK_TELL[method], problem, budget, batch, seed)
        losses, params, wall, opt_time = out
        best = int(np.argmin(losses)) if losses else None
        test = problem.test_loss(params[best]) if best is not None else math.inf
    return {
        "problem": problem.name,
        "method": method,
        "seed": seed,
        "budget": budget,
        "batch": batch,
        "losses": [y if math.isfinite(y) else None for y in losses],
        "params": params,
        "wall_time": wall,
        "opt_time": opt_time,
        "test_loss": test if math.isfinite(test) else None,
    }


def available(method):
    """None if ``method`` can run here, else the reason (str)."""
    if method in FIT:
        return None
    problem = PROBLEMS["kNN_iris_acc"]
    try:
        with _quiet():
            ASK_TELL[method](problem, 0)
    except PeerUnavailable as exc:
        return str(exc)
    return None


_DISTRIBUTIONS = {
    "optuna-tpe": "optuna",
    "optuna-gp": "optuna",
    "skopt": "scikit-optimize",
    "hebo": "HEBO",
}


def peer_versions(methods):
    """``{distribution: version}`` of the packages behind ``methods``."""
    from importlib.metadata import PackageNotFoundError, version

    names = {"scikit-learn"}
    for m in methods:
        if m in _DISTRIBUTIONS:
            names.add(_DISTRIBUTIONS[m])
    if "optuna-gp" in methods or "hebo" in methods:
        names.add("torch")
    out = {}
    for name in sorted(names):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out
