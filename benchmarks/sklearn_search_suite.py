"""scikit-learn's ``test_search.py`` against our four searches: the table.

Runs ``tests/test_sklearn_search_suite.py`` in full (every test for every
class, ``SKLEARN_SEARCH_SUITE=full``) with pytest in a subprocess, then
prints, for each search class, how many of scikit-learn's tests passed,
failed for a deliberate difference (``doc/differences.rst``), failed for a
known bug of ours, failed unexpectedly or were skipped; then each reason
with the tests it explains. The exit status is pytest's.

Usage::

    python benchmarks/sklearn_search_suite.py            # from the repository root
    python benchmarks/sklearn_search_suite.py -k Bayes   # extra pytest arguments
"""

import collections
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_FILE = os.path.join("tests", "test_sklearn_search_suite.py")
COLUMNS = ("run", "passed", "deliberate", "bugs", "unexpected", "skipped")


def run_pytest(extra_args):
    """Run the suite; return (exit code, junit xml root, wall seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, "junit.xml")
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            TEST_FILE,
            "-q",
            "-p",
            "no:cacheprovider",
            "--tb=line",
            f"--junitxml={xml}",
            *extra_args,
        ]
        env = {**os.environ, "SKLEARN_SEARCH_SUITE": "full"}
        start = time.perf_counter()
        code = subprocess.run(cmd, cwd=ROOT, env=env).returncode
        wall = time.perf_counter() - start
        return code, ET.parse(xml).getroot(), wall


def outcomes(root):
    """Yield (class name, test name, outcome) of every test case."""
    for case in root.iter("testcase"):
        cls = case.get("classname").rsplit(".", 1)[-1]
        if not cls.startswith("Test") or not cls.endswith("SearchCV"):
            continue  # the module's own checks of its table
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
            elif child.tag == "skipped":
                xfail = child.get("type") == "pytest.xfail"
                outcome = "xfailed" if xfail else "skipped"
        yield cls[len("Test") :], case.get("name"), outcome


def main(argv):
    sys.path.insert(0, ROOT)
    import sklearn

    from tests.test_sklearn_search_suite import WHY, expected_failure

    code, root, wall = run_pytest(argv)
    counts = collections.defaultdict(collections.Counter)
    explained = collections.defaultdict(lambda: collections.defaultdict(list))
    unexpected = []
    for cls, name, outcome in outcomes(root):
        entry = expected_failure(cls, name)
        row = counts[cls]
        if outcome == "skipped":
            row["skipped"] += 1
            continue
        row["run"] += 1
        if outcome == "passed":
            row["passed"] += 1
        elif outcome == "xfailed":
            is_bug = any(label.startswith("bug-") for label in entry.why)
            row["bugs" if is_bug else "deliberate"] += 1
            for label in entry.why:
                explained[label][name.split("[")[0]].append(cls)
        else:
            row["unexpected"] += 1
            unexpected.append(f"{cls}::{name}")

    print(f"\nscikit-learn {sklearn.__version__}: its test_search.py against our")
    print(f"searches ({wall:.0f} s wall)\n")
    width = max(len(c) for c in counts) if counts else 10
    print(f"{'search':<{width}}  " + "  ".join(f"{c:>10}" for c in COLUMNS))
    for cls in sorted(counts):
        cells = "  ".join(f"{counts[cls][c]:>10}" for c in COLUMNS)
        print(f"{cls:<{width}}  {cells}")
    print("\n(runs are parametrized cases; an xfail that passes is counted as passed)")
    for label in WHY:
        if label not in explained:
            continue
        print(f"\n{label}: {WHY[label]}")
        for test, classes in sorted(explained[label].items()):
            by_class = collections.Counter(c.replace("SearchCV", "") for c in classes)
            who = ", ".join(f"{c} x{n}" if n > 1 else c for c, n in by_class.items())
            print(f"    {test}: {who}")
    if unexpected:
        print("\nunexpected failures:")
        for name in unexpected:
            print(f"    {name}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
