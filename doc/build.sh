#!/usr/bin/env bash
# Build the documentation: run every example script (each must finish in
# EXAMPLE_TIMEOUT seconds), run the code of the pages with Sphinx's doctest
# builder, then build the HTML site with warnings as errors.
#
# Usage: doc/build.sh [python]   (default: python3 on PATH). The Python needs
# the package and the `doc` extra: python -m pip install -e ".[doc]"
set -euo pipefail
cd "$(dirname "$0")"
python=${1:-python3}
timeout_s=${EXAMPLE_TIMEOUT:-120}
export MPLBACKEND=Agg

rm -rf examples/images
for script in examples/*.py; do
    start=$(date +%s)
    echo "=== $script"
    if [ "$(basename "$script")" = dask_cluster.py ] &&
        ! "$python" -c "import distributed" 2>/dev/null; then
        echo "skipped: dask.distributed is not installed (the dask extra)"
        continue
    fi
    if [ "$(basename "$script")" = ray_cluster.py ] &&
        ! "$python" -c "import ray" 2>/dev/null; then
        echo "skipped: ray is not installed (the ray extra)"
        continue
    fi
    timeout "$timeout_s" "$python" "$script"
    echo "--- $script took $(( $(date +%s) - start )) s"
done

# the code of the narrative pages; the docstrings' examples run in pytest
pages=$(ls ./*.rst user_guide/*.rst)
# shellcheck disable=SC2086
"$python" -m sphinx -W --keep-going -b doctest . _build/doctest $pages
# -q: warnings and errors only (a clean log; -W makes any of them fatal)
"$python" -m sphinx -q -W --keep-going -b html . _build/html
echo "HTML in $(pwd)/_build/html/index.html"
