"""What a benchmark report says about the code and machine that made it."""

import os
import platform

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _commit():
    import subprocess

    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {out.stdout.strip()}"


def versions():
    import scipy
    import sklearn

    import sklearn_hypersearch

    return (
        f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, "
        f"sklearn-hypersearch {sklearn_hypersearch.__version__} ({_commit()}), "
        f"{os.cpu_count()} CPUs"
    )
