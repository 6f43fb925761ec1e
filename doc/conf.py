"""Sphinx configuration of the sklearn-hypersearch documentation.

Build it with ``doc/build.sh`` (runs the examples, then ``sphinx-build -W``).
A plain ``sphinx-build -W -b html doc doc/_build/html`` works too: it runs
the examples whose figures are missing.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent
ROOT = DOC.parent
# document the checkout, even if another copy of the package is installed
sys.path.insert(0, str(ROOT))

import sklearn_hypersearch  # noqa: E402

# -- project ------------------------------------------------------------------
project = "sklearn-hypersearch"
author = "The sklearn-hypersearch developers"
copyright = "2026, The sklearn-hypersearch developers"
release = sklearn_hypersearch.__version__
version = re.sub(r"\.dev\d*$", "", release)

# -- extensions -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
templates_path = ["_templates"]
exclude_patterns = ["_build", "examples/images", "README.md"]

autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# the doctest builder (build.sh runs it) uses the same flags as pytest
doctest_default_flags = (
    __import__("doctest").ELLIPSIS | __import__("doctest").NORMALIZE_WHITESPACE
)
doctest_global_setup = "import matplotlib\nmatplotlib.use('Agg')"

# benchmarks/RESULTS.md is written by the benchmark report, not for Sphinx:
# its heading levels and links to files outside the site are fine as they are.
suppress_warnings = ["myst.header", "myst.xref_missing"]

# -- HTML ---------------------------------------------------------------------------
try:
    import pydata_sphinx_theme  # noqa: F401

    html_theme = "pydata_sphinx_theme"
    html_theme_options = {"navigation_depth": 2, "show_toc_level": 2}
except ImportError:
    html_theme = "alabaster"
html_title = f"sklearn-hypersearch {release}"
html_static_path = []


# -- generated content -------------------------------------------------------------
def _run_missing_examples():
    """Run each ``examples/plot_*.py`` whose figure does not exist yet."""
    images = DOC / "examples" / "images"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    for script in sorted((DOC / "examples").glob("plot_*.py")):
        if not (images / f"{script.stem}.png").exists():
            print(f"running {script.name} (its figure is missing)")
            subprocess.run([sys.executable, str(script)], check=True, env=env)


# benchmark reports that benchmarks/ writes, shown in "Choosing a search"
_REPORTS = {
    "RESULTS.md": ("Benchmark results", "benchmarks/report.py"),
    "HYPERBAND.md": ("Hyperband benchmark", "benchmarks/bench_hyperband.py --out"),
}


def _benchmark_results():
    """Copy the benchmark reports and their figures into the site.

    The copy keeps the files' relative paths, so that their images show.
    Until a report exists, a placeholder page says how to make it.
    """
    target = DOC / "benchmark_results"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for image in (ROOT / "benchmarks").rglob("*"):
        if image.suffix.lower() in (".png", ".svg", ".jpg") and image.is_file():
            dest = target / image.relative_to(ROOT / "benchmarks")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(image, dest)
    for name, (title, maker) in _REPORTS.items():
        source = ROOT / "benchmarks" / name
        if source.exists():
            shutil.copy(source, target / name)
        else:
            (target / name).write_text(
                f"# {title}\n\n"
                f"`benchmarks/{name}` has not been generated in this checkout "
                f"yet. `{maker}` writes it; rebuild the documentation "
                "afterwards to show it here.\n"
            )


def _check_api_reference():
    """Fail the build if a public name is missing from api.rst."""
    text = (DOC / "api.rst").read_text()
    listed = set(re.findall(r"^\s{3}(\w[\w.]*)\s*$", text, flags=re.M))
    missing = [
        name
        for name in sklearn_hypersearch.__all__
        if not name.startswith("_") and name not in listed
    ]
    if missing:
        raise RuntimeError(
            f"doc/api.rst does not list {missing}, which sklearn_hypersearch "
            "exports in __all__: add them to an autosummary block."
        )


_run_missing_examples()
_benchmark_results()
_check_api_reference()
