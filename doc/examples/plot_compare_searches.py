"""Compare the four searches and RandomizedSearchCV on one budget.

Every search tunes the same SVC on (a part of) the digits dataset with 20
candidates and the same 3-fold cross-validation; the figure shows the best
score found so far against evaluations and against fit time.
"""

from pathlib import Path

import matplotlib.pyplot as plt
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold
from sklearn.svm import SVC

from sklearn_hypersearch import (
    BayesSearchCV,
    CoarseToFineSearchCV,
    EvolutionSearchCV,
    HyperbandSearchCV,
)
from sklearn_hypersearch.plots import plot_convergence

X, y = load_digits(return_X_y=True)
X, y = X[:600], y[:600]
space = {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1)}
common = dict(cv=StratifiedKFold(3), random_state=0)

searches = [
    RandomizedSearchCV(SVC(), space, n_iter=20, **common),
    BayesSearchCV(SVC(), space, n_iter=20, n_initial_points=8, **common),
    EvolutionSearchCV(SVC(), space, population_size=6, n_iter=20, **common),
    CoarseToFineSearchCV(SVC(), space, n_iter=20, n_stages=3, **common),
    HyperbandSearchCV(SVC(), space, factor=3, min_resources="smallest", **common),
]
for search in searches:
    search.fit(X, y)
    n_evals = len(search.cv_results_["params"])
    print(
        f"{type(search).__name__:<22} {n_evals:3d} evaluations, "
        f"best CV accuracy {search.best_score_:.4f}"
    )

fig, (left, right) = plt.subplots(
    1, 2, figsize=(8, 3.4), sharey=True, layout="constrained"
)
plot_convergence(*searches, ax=left)
plot_convergence(*searches, ax=right, x="time")
right.set_ylabel("")
left.get_legend().remove()  # one legend, where the lines leave room for it
out = Path(__file__).resolve().parent / "images"
out.mkdir(exist_ok=True)
fig.savefig(out / "plot_compare_searches.png", dpi=100)
