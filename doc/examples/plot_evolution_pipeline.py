"""Evolving a Pipeline whose classifier is itself a choice.

EvolutionSearchCV searches two alternative subspaces at once, an SVC and a
k-nearest-neighbours classifier behind the same scaler; individuals keep
their branch and sometimes move to the other one. The figure shows the
scores of each generation.
"""

from pathlib import Path

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sklearn_hypersearch import EvolutionSearchCV, Integer, Real
from sklearn_hypersearch.plots import plot_evolution

X, y = load_breast_cancer(return_X_y=True)
pipe = Pipeline([("scale", StandardScaler()), ("clf", SVC())])
space = [
    {
        "clf": [SVC()],
        "clf__C": Real(1e-2, 1e3, log=True),
        "clf__gamma": Real(1e-4, 1e0, log=True),
    },
    {
        "clf": [KNeighborsClassifier()],
        "clf__n_neighbors": Integer(1, 50),
        "clf__weights": ["uniform", "distance"],
    },
]
search = EvolutionSearchCV(
    pipe,
    space,
    population_size=8,
    n_elite=2,
    n_generations=6,
    cv=StratifiedKFold(3),
    random_state=0,
).fit(X, y)
print(f"{len(search.cv_results_['params'])} candidates in {search.n_batches_} batches")
print(f"best CV accuracy {search.best_score_:.4f} with {search.best_params_}")
for gen, best, mean in zip(
    search.history_["generation"], search.history_["best"], search.history_["mean"]
):
    print(f"generation {gen}: best {best:.4f}, mean {mean:.4f}")

out = Path(__file__).resolve().parent / "images"
out.mkdir(exist_ok=True)
ax = plot_evolution(search)
ax.set_title("EvolutionSearchCV on breast cancer: SVC or k-NN")
ax.figure.savefig(out / "plot_evolution_pipeline.png", dpi=100)
