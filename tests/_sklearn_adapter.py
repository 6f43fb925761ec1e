"""scikit-learn's own search tests, run against the searches of this package.

:func:`load_suite` executes the test module that ships with the installed
scikit-learn (``sklearn/model_selection/tests/test_search.py``) in a fresh
namespace in which ``GridSearchCV`` and ``RandomizedSearchCV`` are factories
that build one of our searches with the same arguments. Nothing outside that
namespace changes: the module's ``from sklearn.model_selection import ...``
goes through an ``__import__`` of its own that hands it the factories, so
the module-level code (parametrize lists that build searches, helper
functions) already sees them, and scikit-learn itself is untouched.

The factories map scikit-learn's arguments:

- ``GridSearchCV(estimator, param_grid, ...)``: the grid's lists become
  choices (what a list means in our spaces too) and ``n_iter`` is the number
  of grid points, so that a search that draws without repeats, as ours do
  on finite spaces, evaluates every point (in its own order);
- ``RandomizedSearchCV(estimator, param_distributions, n_iter=10, ...)``:
  the same arguments.

Every other keyword goes through unchanged, and the search class's own
parameters keep their defaults. Where a test gives no ``random_state``, the
factories give ``random_state=0``, so that every run of the suite gives the
same candidates. The objects built are instances of the search class
itself: ``clone``, ``set_params`` and ``get_params`` work as for any of our
searches.
"""

import ast
import builtins
import importlib.util
import inspect
import sys
import types
import warnings

import pytest
from sklearn.model_selection import ParameterGrid
from sklearn.model_selection._search import BaseSearchCV

TEST_MODULE = "sklearn.model_selection.tests.test_search"

#: The names the test module imports from ``sklearn.model_selection`` that
#: the adapter replaces.
REPLACED = ("GridSearchCV", "RandomizedSearchCV")


def grid_size(param_grid):
    """Number of points of a scikit-learn grid (a dict or a list of dicts)."""
    return len(ParameterGrid(param_grid))


def make_factories(search_cls):
    """``GridSearchCV`` and ``RandomizedSearchCV`` stand-ins building ``search_cls``.

    Returns a dict name -> factory. The factories record which of the two
    built an instance in ``origins`` (a dict ``id(instance) -> name``, also
    returned under the key ``"origins"``), so that parametrized tests get
    readable ids.
    """
    origins = {}

    def build(origin, estimator, space, kwargs):
        params = {"random_state": 0, **kwargs}
        search = search_cls(estimator, param_distributions=space, **params)
        origins[id(search)] = origin
        return search

    def GridSearchCV(estimator, param_grid, **kwargs):
        # an invalid grid goes through unchanged: our space reports it at fit
        try:
            n_iter = grid_size(param_grid)
        except (TypeError, ValueError):
            n_iter = 1
        kwargs.setdefault("n_iter", max(n_iter, 1))
        return build("grid", estimator, param_grid, kwargs)

    def RandomizedSearchCV(estimator, param_distributions, *, n_iter=10, **kwargs):
        return build(
            "random", estimator, param_distributions, {"n_iter": n_iter, **kwargs}
        )

    return {
        "GridSearchCV": GridSearchCV,
        "RandomizedSearchCV": RandomizedSearchCV,
        "origins": origins,
    }


class _ModelSelection(types.ModuleType):
    """``sklearn.model_selection`` as the test module sees it."""

    def __init__(self, real, replaced):
        super().__init__(real.__name__)
        self._real = real
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(self._real, name)


def _importer(replaced):
    """An ``__import__`` that hands ``replaced`` to ``from sklearn.model_selection
    import ...`` and imports everything else as usual."""

    def __import__(name, globals=None, locals=None, fromlist=(), level=0):
        module = builtins.__import__(name, globals, locals, fromlist, level)
        if level == 0 and name == "sklearn.model_selection" and fromlist:
            return _ModelSelection(module, replaced)
        return module

    return __import__


def load_suite(search_cls):
    """Execute scikit-learn's ``test_search`` with the factories of ``search_cls``.

    Returns ``(module, origins)``: the executed module, whose test functions
    call our search wherever scikit-learn's tests call ``GridSearchCV`` or
    ``RandomizedSearchCV``, and the dict that names the factory behind each
    instance built (see :func:`make_factories`).
    """
    spec = importlib.util.find_spec(TEST_MODULE)
    with open(spec.origin, encoding="utf-8") as f:
        source = f.read()
    factories = make_factories(search_cls)
    origins = factories.pop("origins")
    # importable by its name, so that pickle finds the module's classes
    # (MockClassifier...) by reference, as it would in scikit-learn's run
    name = f"_sklearn_test_search_{search_cls.__name__}"
    module = sys.modules[name] = types.ModuleType(name)
    module.__file__ = spec.origin
    module.__dict__["__builtins__"] = {
        **vars(builtins),
        "__import__": _importer(factories),
    }
    with warnings.catch_warnings():
        # marks registered by scikit-learn's conftest (thread_unsafe)
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        exec(_compile(source, spec.origin), module.__dict__)
    return module, origins


def _compile(source, path):
    """The module's code, with pytest's assertion rewriting (as pytest does
    for a test file it imports), so that failures show the values."""
    # pytest's own function (private, stable since pytest 3): the module is
    # not imported through pytest's import hook, which would rewrite it
    from _pytest.assertion.rewrite import rewrite_asserts

    tree = ast.parse(source, filename=path)
    rewrite_asserts(tree, source.encode(), module_path=path)
    return compile(tree, path, "exec", dont_inherit=True)


def _code_names(code):
    """Every global name ``code`` and the functions nested in it read."""
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _code_names(const)
    return names


def uses_searches(func, module):
    """Whether the test ``func`` builds one of the replaced searches.

    True if its code (or a module-level helper it calls) names
    ``GridSearchCV`` or ``RandomizedSearchCV``, or if a parametrize list of
    it holds an instance or a factory of the adapter.
    """
    seen, todo = set(), [func.__code__]
    while todo:
        code = todo.pop()
        for name in _code_names(code) - seen:
            seen.add(name)
            helper = module.__dict__.get(name)
            if inspect.isfunction(helper) and helper.__module__ == module.__name__:
                todo.append(helper.__code__)
    if seen & set(REPLACED):
        return True
    return any(
        _is_adapted(value, module)
        for mark in getattr(func, "pytestmark", [])
        if mark.name == "parametrize"
        for values in mark.args[1]
        for value in _flat(values)
    )


def _flat(values):
    values = getattr(values, "values", values)  # pytest.param
    return values if isinstance(values, (tuple, list)) else (values,)


def _is_adapted(value, module):
    return any(value is module.__dict__[name] for name in REPLACED) or (
        type(value).__module__.startswith("sklearn_hypersearch")
    )


def _is_sklearn_search(value):
    """A search class or instance of scikit-learn (not one of ours)."""
    cls = value if isinstance(value, type) else type(value)
    return cls.__module__.startswith("sklearn.") and issubclass(cls, BaseSearchCV)


def own_parametrize(func, origins):
    """``func``'s marks, its parametrize marks without the cases of
    scikit-learn's own searches (``HalvingGridSearchCV`` and the like, which
    scikit-learn tests) and with ids that name the factory (``grid`` or
    ``random``) behind each of our searches."""

    def idfn(value):
        if isinstance(value, types.FunctionType) and value.__name__ in REPLACED:
            return "grid" if value.__name__ == "GridSearchCV" else "random"
        return origins.get(id(value))

    marks = []
    for mark in getattr(func, "pytestmark", []):
        if mark.name != "parametrize":
            marks.append(mark)
            continue
        names, values = mark.args[0], list(mark.args[1])
        keep = [
            i
            for i, v in enumerate(values)
            if not any(_is_sklearn_search(x) for x in _flat(v))
        ]
        kwargs = dict(mark.kwargs)
        ids = kwargs.get("ids")
        if ids is None:
            kwargs["ids"] = idfn
        elif not callable(ids):
            kwargs["ids"] = [ids[i] for i in keep]
        marks.append(
            pytest.mark.parametrize(names, [values[i] for i in keep], **kwargs).mark
        )
    return marks
