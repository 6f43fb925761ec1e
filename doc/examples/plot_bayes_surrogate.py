"""Where BayesSearchCV looked, and what its model of the score says.

A Bayesian search of an SVC's ``C``, ``gamma`` and ``kernel``; the first
figure shows the score of every evaluated candidate against each parameter
(log axes for the log-scaled ones), the second the partial dependence of
the score on each parameter according to a Gaussian process fitted to the
evaluations.
"""

from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC

from sklearn_hypersearch import BayesSearchCV, Categorical, Real
from sklearn_hypersearch.plots import plot_evaluations, plot_partial_dependence

X, y = load_digits(return_X_y=True)
X, y = X[:600], y[:600]
space = {
    "C": Real(1e-2, 1e3, log=True),
    "gamma": Real(1e-5, 1e-1, log=True),
    "kernel": Categorical(["rbf", "sigmoid"]),
}
search = BayesSearchCV(
    SVC(), space, n_iter=25, n_initial_points=8, cv=StratifiedKFold(3), random_state=0
).fit(X, y)
print(f"best CV accuracy {search.best_score_:.4f} with {search.best_params_}")

out = Path(__file__).resolve().parent / "images"
out.mkdir(exist_ok=True)
axes = plot_evaluations(search)
axes[0].figure.savefig(out / "plot_bayes_surrogate_evaluations.png", dpi=100)
axes = plot_partial_dependence(search)
axes[0].figure.savefig(out / "plot_bayes_surrogate.png", dpi=100)
