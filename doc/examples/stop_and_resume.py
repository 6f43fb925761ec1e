"""Stop a search early, then resume it from its checkpoint.

The first fit stops after 6 evaluations without improvement (``patience``)
and writes every batch to a JSON Lines checkpoint. Fitting again with the
same checkpoint, estimator, space and data restores those results without
refitting them, then goes on with a larger budget. A third search is
warm-started from the checkpoint of the first.
"""

import tempfile
from pathlib import Path

from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.svm import SVC

from sklearn_hypersearch import BayesSearchCV, CoarseToFineSearchCV, Real

X, y = load_iris(return_X_y=True)
space = {"C": Real(1e-3, 1e3, log=True), "gamma": Real(1e-4, 1e1, log=True)}

with tempfile.TemporaryDirectory() as tmp:
    checkpoint = Path(tmp) / "svc-search.jsonl"

    first = BayesSearchCV(
        SVC(),
        space,
        n_iter=30,
        n_initial_points=5,
        n_points=2,
        cv=3,
        patience=6,
        max_time=600,
        random_state=0,
        checkpoint=checkpoint,
    ).fit(X, y)
    n_first = len(first.cv_results_["params"])
    print(f"first fit: {n_first} candidates, stopped by {first.stop_reason_!r}")

    # the same search, without patience: it continues where the first stopped
    resumed = clone(first).set_params(patience=None).fit(X, y)
    restored = int(sum(resumed.cv_results_["restored"]))
    print(
        f"resumed: {len(resumed.cv_results_['params'])} candidates, {restored} of "
        f"them restored from the checkpoint, stopped by {resumed.stop_reason_!r}"
    )

    # another search that starts from what the first one learned
    warm = CoarseToFineSearchCV(
        SVC(),
        space,
        n_iter=9,
        n_stages=2,
        cv=3,
        random_state=0,
        initial_results=checkpoint,
    ).fit(X, y)
    print(f"warm-started coarse-to-fine: best CV accuracy {warm.best_score_:.4f}")
