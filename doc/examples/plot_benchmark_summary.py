"""The home page's figure: median regret on the synthetic functions.

Reads the "Simple regret" table of ``benchmarks/RESULTS.md`` (written by
``python benchmarks/report.py``: every method gets the same 50 evaluations
and seeds) and draws one panel: for each function, each method's median
regret divided by random search's, on a log scale (lower is better).
"""

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
LABELS = {
    "random": "RandomizedSearchCV",
    "skopt": "scikit-optimize BayesSearchCV",
    "optuna-tpe": "Optuna TPE",
    "optuna-gp": "Optuna GP",
    "bayes": "our BayesSearchCV",
}


def simple_regret_table(text):
    """``(functions, {method: medians})`` of the table after the heading."""
    block = text.split("### Simple regret", 1)[1].split("\n\n", 2)[1]
    rows = [line.strip().strip("|").split("|") for line in block.splitlines()]
    functions = [cell.strip() for cell in rows[0][1:]]
    medians = {}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row]
        medians[cells[0]] = [float(re.match(r"\S+", c).group()) for c in cells[1:]]
    return functions, medians


functions, medians = simple_regret_table(RESULTS.read_text(encoding="utf-8"))
random = np.array(medians["random"])
fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
width = 0.8 / len(LABELS)
x = np.arange(len(functions))
for i, (key, label) in enumerate(LABELS.items()):
    ratio = np.array(medians[key]) / random
    bold = key == "bayes"
    ax.bar(
        x + (i - (len(LABELS) - 1) / 2) * width,
        ratio,
        width,
        label=label,
        color="C3" if bold else f"C{i if i < 3 else i + 1}",
        edgecolor="black" if bold else "none",
    )
ax.set_yscale("log")
ax.set_xticks(x, functions)
ax.set_ylabel("median regret / random search's\n(log scale, lower is better)")
ax.set_title("50 evaluations, 5 seeds (benchmarks/RESULTS.md)")
fig.legend(loc="outside right center", fontsize=8)
ax.grid(axis="y", alpha=0.3)
out = Path(__file__).parent / "images" / "plot_benchmark_summary.png"
out.parent.mkdir(exist_ok=True)
fig.savefig(out, dpi=110)
for name, values in medians.items():
    print(f"{name:<12}", " ".join(f"{v:.3g}" for v in values))
