"""Tasks of the Hyperband benchmark: an estimator, a space and a resource.

Every task has fixed data (a generated set, 20 % held out for the final
score), a fixed 3-fold splitter and a resource with its range. The seed of
a run sets the estimator's ``random_state`` and the search's, the same for
every method.

Kinds (the issue's two): ``proportional`` resources (trees, boosting
iterations, epochs) where a small budget costs about its share of a full
fit, and where our Hyperband continues promoted candidates; ``n_samples``,
where a subsample may cost more than its share (SVC costs grow faster than
the number of samples, so a subsample is cheap there; see the docs for
when it is not).
"""

from dataclasses import dataclass, field

from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import (
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sklearn_hypersearch import Categorical, Integer, Real


@dataclass
class Task:
    name: str
    kind: str  # "proportional" or "n_samples"
    estimator: object
    space: dict
    resource: str
    min_resources: int
    max_resources: int
    data: tuple  # X_train, X_test, y_train, y_test
    cv: object = field(default_factory=lambda: StratifiedKFold(3))
    seed_param: str = "random_state"  # the estimator's seed parameter
    description: str = ""

    def estimator_for(self, seed):
        """The task's estimator with the run's seed."""
        from sklearn.base import clone

        return clone(self.estimator).set_params(**{self.seed_param: seed})

    def full(self, params):
        """``params`` with the full resource (for a refit)."""
        if self.resource == "n_samples":
            return dict(params)
        return {**params, self.resource: self.max_resources}


def _classification(n_rows, seed, **kw):
    X, y = make_classification(n_samples=n_rows, n_features=20, random_state=seed, **kw)
    return train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)


_HARDER = dict(n_informative=10, n_redundant=4, flip_y=0.03, class_sep=0.8)

HGB_SPACE = {
    "learning_rate": Real(0.01, 1.0, log=True),
    "max_leaf_nodes": Integer(4, 128, log=True),
    "min_samples_leaf": Integer(1, 100, log=True),
    "l2_regularization": Real(1e-6, 10.0, log=True),
    "max_features": Real(0.2, 1.0),
}


def make_tasks(quick=False):
    """The five tasks; ``quick``: small data and a full budget of 9 units.

    Sizes are chosen so that ``RandomizedSearchCV(n_iter=81)`` costs about
    half a minute to a minute of compute per task and seed, so that ten
    seeds of every method fit in a few hours of one core.
    """
    R = 9 if quick else 81
    small = 0.1 if quick else 1.0

    def rows(n):
        return int(n * small)

    tasks = [
        Task(
            name="hgb_iter",
            kind="proportional",
            estimator=HistGradientBoostingClassifier(max_iter=R, early_stopping=False),
            space=HGB_SPACE,
            resource="max_iter",
            min_resources=1,
            max_resources=R,
            data=_classification(rows(1200), 0, **_HARDER),
            description="HistGradientBoostingClassifier, boosting iterations",
        ),
        Task(
            name="rf_trees",
            kind="proportional",
            estimator=RandomForestClassifier(n_estimators=R),
            space={
                "max_features": Real(0.05, 1.0),
                "min_samples_leaf": Integer(1, 50, log=True),
                "max_depth": Integer(2, 30),
                "criterion": Categorical(["gini", "entropy"]),
            },
            resource="n_estimators",
            min_resources=1,
            max_resources=R,
            data=_classification(rows(400), 1, n_informative=8, flip_y=0.05),
            description="RandomForestClassifier, trees",
        ),
        Task(
            name="mlp_epochs",
            kind="proportional",
            estimator=Pipeline(
                [
                    ("scale", StandardScaler()),
                    (
                        "mlp",
                        MLPClassifier(
                            hidden_layer_sizes=(32,), max_iter=R, n_iter_no_change=R
                        ),
                    ),
                ]
            ),
            space={
                "mlp__alpha": Real(1e-6, 1.0, log=True),
                "mlp__learning_rate_init": Real(1e-4, 0.3, log=True),
                "mlp__batch_size": Integer(16, 512, log=True),
                "mlp__beta_1": Real(0.5, 0.99),
            },
            resource="mlp__max_iter",
            min_resources=1,
            max_resources=R,
            data=_classification(rows(600), 2, n_informative=12, flip_y=0.02),
            seed_param="mlp__random_state",
            description="MLPClassifier (32 units) after scaling, epochs",
        ),
        Task(
            name="svc_samples",
            kind="n_samples",
            estimator=SVC(),
            space={"C": Real(1e-2, 1e3, log=True), "gamma": Real(1e-4, 10.0, log=True)},
            resource="n_samples",
            min_resources=0,  # set from the data below
            max_resources=0,
            data=_classification(rows(2000), 0, **_HARDER),
            description="SVC (RBF kernel), training samples",
        ),
        Task(
            name="gbr_trees",
            kind="proportional",
            estimator=GradientBoostingRegressor(n_estimators=R),
            space={
                "learning_rate": Real(0.01, 1.0, log=True),
                "max_depth": Integer(2, 8),
                "min_samples_leaf": Integer(1, 50, log=True),
                "subsample": Real(0.5, 1.0),
                "max_features": Real(0.2, 1.0),
            },
            resource="n_estimators",
            min_resources=1,
            max_resources=R,
            data=train_test_split(
                *make_friedman1(
                    n_samples=rows(1000), n_features=10, noise=1.0, random_state=0
                ),
                test_size=0.2,
                random_state=0,
            ),
            cv=KFold(3),
            description="GradientBoostingRegressor (R^2), trees: a slow fit",
        ),
    ]
    for task in tasks:
        if task.resource == "n_samples":
            # from every training sample of the data given to fit (the CV
            # splits' training parts are subsampled in proportion) down to
            # 1/R of them, as for the other resources
            task.max_resources = len(task.data[0])
            task.min_resources = task.max_resources // R
    return tasks
