"""The layers depend in one direction: space <- strategies <- search."""

import ast
import pathlib

import pytest

import sklearn_hypersearch

PACKAGE = pathlib.Path(sklearn_hypersearch.__file__).parent

# what each layer may not import (prefix match on module names)
FORBIDDEN = {
    "_space": (
        "sklearn_hypersearch._strategies",
        "sklearn_hypersearch._search",
        "sklearn.model_selection",
        "sklearn.metrics",
    ),
    "_strategies": (
        "sklearn_hypersearch._search",
        "sklearn.model_selection",
        "sklearn.metrics",
        "sklearn.pipeline",
        "joblib",
    ),
}


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_upwards(layer):
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files
    bad = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in _imports(path)
        if name.startswith(FORBIDDEN[layer])
    ]
    assert not bad, bad


def test_public_names_are_exported_and_private_modules_hidden():
    assert "__version__" in sklearn_hypersearch.__all__
    for name in sklearn_hypersearch.__all__:
        assert hasattr(sklearn_hypersearch, name), name
    for path in PACKAGE.iterdir():
        if path.suffix == ".py" and path.stem not in ("__init__", "demo", "plots"):
            assert path.stem.startswith("_"), f"{path.name} should be private"
