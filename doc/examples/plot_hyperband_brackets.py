"""Hyperband's brackets: many candidates on few samples, few on all of them.

HyperbandSearchCV tunes an SVC with the number of training samples as the
resource. Each panel is one bracket; each line follows a candidate through
the rungs it was promoted to, the ones that reached the full data in colour.
"""

from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC

from sklearn_hypersearch import HyperbandSearchCV, Real
from sklearn_hypersearch.plots import plot_hyperband

X, y = load_digits(return_X_y=True)
search = HyperbandSearchCV(
    SVC(),
    {"C": Real(1e-2, 1e3, log=True), "gamma": Real(1e-5, 1e-1, log=True)},
    resource="n_samples",
    min_resources="smallest",
    factor=3,
    cv=StratifiedKFold(3),
    random_state=0,
).fit(X, y)
print("candidates per rung:", search.n_candidates_)
print("samples per rung:   ", search.n_resources_)
print(f"best CV accuracy {search.best_score_:.4f} with {search.best_params_}")

out = Path(__file__).resolve().parent / "images"
out.mkdir(exist_ok=True)
axes = plot_hyperband(search)
axes[0].figure.savefig(out / "plot_hyperband_brackets.png", dpi=100)
