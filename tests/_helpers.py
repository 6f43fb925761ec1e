"""Estimators and a minimal search class shared by the tests."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from sklearn_hypersearch import RandomStrategy
from sklearn_hypersearch._search._base import _BaseHyperSearch


class RandomSearch(_BaseHyperSearch):
    """The shared driver with the random strategy: the thinnest search."""

    _parameter_constraints: dict = {
        **_BaseHyperSearch._parameter_constraints,
        # checked by Space.from_user, which names what is wrong
        "param_distributions": "no_validation",
        "n_iter": [int],
        "batch_size": [int],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=10,
        batch_size=4,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        max_time=None,
        patience=None,
        min_improvement=0.0,
        target_score=None,
        checkpoint=None,
        initial_results=None,
        objectives=None,
        constraints=None,
    ):
        super().__init__(
            estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            random_state=random_state,
            error_score=error_score,
            return_train_score=return_train_score,
            max_time=max_time,
            patience=patience,
            min_improvement=min_improvement,
            target_score=target_score,
            checkpoint=checkpoint,
            initial_results=initial_results,
            objectives=objectives,
            constraints=constraints,
        )
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.batch_size = batch_size

    def _make_strategy(self, space, random_state):
        return _BatchedRandom(space, random_state, batch_size=self.batch_size)


class _BatchedRandom(RandomStrategy):
    """Random strategy that never returns more than its batch size."""

    def _ask(self, n):
        n = self.batch_size if n is None else min(n, self.batch_size)
        return super()._ask(n)


class QuadraticClassifier(ClassifierMixin, BaseEstimator):
    """Predicts the majority class; its score is a known function of ``x``.

    ``score`` returns ``-(x - 0.3) ** 2`` (plus ``0.1`` if ``flag``), so
    search tests know the optimum exactly. Fitting fails when ``x > fail_above``.
    Every call to fit is appended to the class-level ``fit_log`` when
    ``log_fits`` is True (tests that count fits reset it).
    """

    fit_log = []

    def __init__(self, x=0.0, flag=False, fail_above=np.inf, log_fits=False):
        self.x = x
        self.flag = flag
        self.fail_above = fail_above
        self.log_fits = log_fits

    def fit(self, X, y):
        if self.log_fits:
            type(self).fit_log.append(self.x)
        if self.x > self.fail_above:
            raise ValueError(f"x={self.x} is above fail_above={self.fail_above}")
        self.classes_ = np.unique(y)
        self.majority_ = self.classes_[0]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)

    def score(self, X, y, sample_weight=None):
        return -((self.x - 0.3) ** 2) + (0.1 if self.flag else 0.0)


def toy_data(n_samples=40, random_state=0):
    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n_samples, 3))
    y = (X[:, 0] > 0).astype(int)
    return X, y


class LoggingClassifier(QuadraticClassifier):
    """Appends ``x`` to ``log_path`` at every fit.

    If the environment variable ``HS_KILL_AFTER`` is set, the process kills
    itself with SIGKILL once the log holds that many lines: a crash in the
    middle of a batch, without any chance to clean up.
    """

    def __init__(self, x=0.0, flag=False, log_path=None):
        super().__init__(x=x, flag=flag)
        self.log_path = log_path

    def fit(self, X, y):
        import os
        import signal

        with open(self.log_path, "a") as f:
            f.write(f"{self.x!r}\n")
        kill_after = os.environ.get("HS_KILL_AFTER")
        if kill_after is not None:
            with open(self.log_path) as f:
                if sum(1 for _ in f) >= int(kill_after):
                    os.kill(os.getpid(), signal.SIGKILL)
        return super().fit(X, y)
