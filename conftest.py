"""pytest configuration for the tests and the doctests of the package."""

import importlib.util

if importlib.util.find_spec("matplotlib") is None:
    # The examples of sklearn_hypersearch.plots need the optional `plots`
    # extra; tests/test_plots.py checks the error raised without it.
    collect_ignore = ["sklearn_hypersearch/plots.py", "sklearn_hypersearch/_plots"]
else:
    import matplotlib

    # Draw off-screen: tests and doctests must not open windows. Only
    # tests choose a backend, never the library.
    matplotlib.use("Agg")

# The tests fit tiny models: one BLAS/OpenMP thread each is fastest, and on a
# loaded machine more threads than cores made L-BFGS-B fits ~15x slower.
# Searches with n_jobs > 1 still run their fits in parallel processes.
# Limits apply only to libraries already loaded, so load them first.
import scipy.linalg  # noqa: E402, F401
import scipy.optimize  # noqa: E402, F401
import sklearn.linear_model  # noqa: E402, F401
from threadpoolctl import threadpool_limits  # noqa: E402

threadpool_limits(limits=1)
