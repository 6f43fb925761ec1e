"""Multi-fidelity peers of the Hyperband benchmark that are no scikit-learn
searches: DEHB (``dehb`` on PyPI) and hpbandster's BOHB.

Both minimize a black-box function of a configuration and a budget. Here
that function cross-validates the task's estimator with the task's splits
(the same as every other method's), the budget set as the resource (for
``n_samples``: the training part of each split subsampled, the test part
whole, as ``HyperbandSearchCV`` does), and returns minus the mean CV score;
the cost is the sum of fit and score times over the splits, the compute
measure of the whole benchmark. Every evaluation is logged in order, so
that their anytime curves are measured like those of the searches.

Each fits from scratch at every budget: neither continues a model.
hpbandster-sklearn's wrapper (``HpBandSterSearchCV``, version 2.0.2) does
not import with scikit-learn >= 1.4 (it imports ``_check_fit_params``,
which scikit-learn removed, and calls its private ``_fit_and_score`` with
the pre-1.4 positional arguments), so hpbandster's BOHB runs with a worker
written here, configured as the wrapper configures it (``eta=3``, the
task's budget range, ``n_iterations`` brackets) but without the wrapper's
``warm_start``, which continues the fold models of whichever configuration
the worker fitted last.
"""

import contextlib
import logging
import math
import tempfile
import time

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import cross_validate

from sklearn_hypersearch import Categorical, Integer, Real
from sklearn_hypersearch._search._hyperband import _SubsampledSplits


class Unavailable(ImportError):
    """A peer's package is not installed here."""


def _require(module, peer):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Unavailable(f"{peer} needs the {module!r} package: {exc}") from exc


def peer_versions():
    """``name version`` of each peer package that imports."""
    from importlib import metadata

    out = []
    for dist in ("dehb", "hpbandster", "ConfigSpace"):
        try:
            out.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist} not installed")
    return ", ".join(out)


def configspace(space, seed):
    """Our dimensions as a ``ConfigSpace.ConfigurationSpace``."""
    CS = _require("ConfigSpace", "DEHB and hpbandster")
    cs = CS.ConfigurationSpace(seed=seed)
    for name, dim in sorted(space.items()):
        if isinstance(dim, Real):
            hp = CS.UniformFloatHyperparameter(name, dim.low, dim.high, log=dim.is_log)
        elif isinstance(dim, Integer):
            hp = CS.UniformIntegerHyperparameter(
                name, dim.low, dim.high, log=dim.is_log
            )
        elif isinstance(dim, Categorical):
            hp = CS.CategoricalHyperparameter(name, list(dim.choices))
        else:
            raise TypeError(f"configspace: unsupported dimension {dim!r} for {name!r}")
        cs.add(hp)
    return cs


def _native(config):
    """A configuration's values as plain Python ones."""
    out = {}
    for k, v in dict(config).items():
        out[k] = v.item() if isinstance(v, np.generic) else v
    return out


class CVObjective:
    """Cross-validation of a task's estimator at a budget, logged.

    ``log`` holds one dict per evaluation, in order: ``params``, ``budget``,
    ``score`` (mean CV score), ``compute`` (fit + score seconds summed over
    the splits).
    """

    def __init__(self, task, seed):
        self.task = task
        self.seed = seed
        self.log = []

    def __call__(self, params, budget):
        task = self.task
        X, _, y, _ = task.data
        budget = int(round(budget))
        est = task.estimator_for(self.seed).set_params(**params)
        cv = task.cv
        if task.resource == "n_samples":
            if budget < len(X):
                cv = _SubsampledSplits(
                    task.cv,
                    fraction=budget / len(X),
                    stratify=is_classifier(est),
                    random_state=self.seed,
                )
        else:
            est.set_params(**{task.resource: budget})
        out = cross_validate(est, X, y, cv=cv, error_score=np.nan)
        score = float(np.mean(out["test_score"]))
        compute = float(np.sum(out["fit_time"]) + np.sum(out["score_time"]))
        self.log.append(
            dict(params=dict(params), budget=budget, score=score, compute=compute)
        )
        return score, compute


def run_dehb(task, seed, n_brackets):
    """DEHB with its defaults (``eta=3``, ``rand1_bin``, mutation 0.5,
    crossover 0.5) over the task's budget range, for ``n_brackets``
    brackets; returns the evaluation log."""
    dehb = _require("dehb", "DEHB")
    objective = CVObjective(task, seed)

    def f(config, fidelity, **kwargs):
        score, compute = objective(_native(config), fidelity)
        fitness = -score if math.isfinite(score) else math.inf
        return {"fitness": fitness, "cost": compute}

    with tempfile.TemporaryDirectory() as out:
        opt = dehb.DEHB(
            f=f,
            cs=configspace(task.space, seed),
            min_fidelity=task.min_resources,
            max_fidelity=task.max_resources,
            eta=3,
            n_workers=1,
            output_path=out,
            seed=seed,
            save_freq="end",
        )
        with contextlib.suppress(ImportError, ValueError):
            from loguru import logger

            logger.remove()  # and the handler DEHB added (history warnings)
        opt.run(brackets=n_brackets)
    return objective.log


def run_hpbandster(task, seed, n_brackets):
    """hpbandster's BOHB with its defaults over the task's budget range,
    ``n_iterations=n_brackets``; returns the evaluation log."""
    _require("hpbandster", "hpbandster's BOHB")
    import hpbandster.core.nameserver as hpns
    import Pyro4
    from hpbandster.core.worker import Worker
    from hpbandster.optimizers import BOHB

    # ConfigSpace >= 1 gives categorical values as numpy strings, which
    # Pyro4's default serializer refuses; everything stays in this process
    Pyro4.config.SERIALIZER = "pickle"
    Pyro4.config.SERIALIZERS_ACCEPTED.add("pickle")
    for name in ("hpbandster", "Pyro4"):
        logging.getLogger(name).setLevel(logging.ERROR)
    objective = CVObjective(task, seed)

    class _Worker(Worker):
        def compute(self, config, budget, **kwargs):
            score, _ = objective(_native(config), budget)
            loss = -score if math.isfinite(score) else math.inf
            return {"loss": loss, "info": {}}

    # hpbandster draws its random configurations from numpy's global state
    np.random.seed(seed)
    run_id = f"hb{seed}_{time.time_ns()}"
    ns = hpns.NameServer(run_id=run_id, host="127.0.0.1", port=None)
    host, port = ns.start()
    try:
        worker = _Worker(nameserver=host, nameserver_port=port, run_id=run_id)
        worker.run(background=True)
        opt = BOHB(
            configspace=configspace(task.space, seed),
            run_id=run_id,
            nameserver=host,
            nameserver_port=port,
            min_budget=task.min_resources,
            max_budget=task.max_resources,
            eta=3,
        )
        try:
            opt.run(n_iterations=n_brackets)
        finally:
            opt.shutdown(shutdown_workers=True)
    finally:
        ns.shutdown()
    return objective.log
