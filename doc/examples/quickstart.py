"""The ten-line example of the README: tune an SVC with BayesSearchCV."""

# fmt: off
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from sklearn_hypersearch import BayesSearchCV

X, y = load_digits(return_X_y=True)
search = BayesSearchCV(
    SVC(), {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1)},
    n_iter=30, cv=3, n_jobs=-1, random_state=0,
).fit(X, y)
print(search.best_score_, search.best_params_)
