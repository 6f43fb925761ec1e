"""scikit-learn's own ``test_search.py`` against each of our four searches.

The tests of the installed scikit-learn's
``sklearn/model_selection/tests/test_search.py`` that build a
``GridSearchCV`` or a ``RandomizedSearchCV`` run once per search class, with
those names bound to factories of the class (see ``tests/_sklearn_adapter``):
``TestBayesSearchCV::test_grid_search`` is scikit-learn's
``test_grid_search`` run with ``BayesSearchCV``. Tests that scikit-learn's
file has in one version only are collected where they exist.

A test that fails because of a deliberate difference, listed in
``doc/differences.rst``, is an expected failure with that reason and is
strict: when it starts passing, its entry here must go. Bugs of ours found
this way are expected failures too, with a reason that starts with "bug:",
until they are fixed. ``benchmarks/sklearn_search_suite.py`` prints the
table of results per class.

The tests in ``SLOW`` run for the first class only, unless the environment
variable ``SKLEARN_SEARCH_SUITE`` is ``full`` (as the benchmark script sets
it): they take seconds each and exercise the shared driver in the same way
for every class.
"""

import os
import re
from dataclasses import dataclass

import pytest
import sklearn

import sklearn_hypersearch
from tests._sklearn_adapter import load_suite, own_parametrize, uses_searches

B, E, H, C = (
    "BayesSearchCV",
    "EvolutionSearchCV",
    "HyperbandSearchCV",
    "CoarseToFineSearchCV",
)
#: The searches that replace GridSearchCV/RandomizedSearchCV over any space.
#: GradientSearchCV moves continuous parameters only (scikit-learn's tests
#: search discrete grids) and PopulationBasedSearchCV changes parameters
#: during training: neither is a drop-in for a grid, and their own tests
#: cover what they share with the driver (tests/test_common.py).
SEARCHES = [getattr(sklearn_hypersearch, name) for name in (B, E, H, C)]
ALL = frozenset(cls.__name__ for cls in SEARCHES)

#: Slow tests (a process pool started for n_jobs=2: about 5 s per class).
SLOW = {"test_search_with_2d_array"}
FULL = os.environ.get("SKLEARN_SEARCH_SUITE") == "full"

# -- why a test fails: one label per deliberate difference of
# doc/differences.rst (its section ``.. _difference-<label>:``), and bugs.
WHY = {
    "order": "candidates are evaluated in the strategy's order, not in the "
    "grid's: results read by row index, and ties (the first best row wins), "
    "follow that order",
    "sampler": "the same random_state draws other candidates than "
    "scikit-learn's ParameterSampler",
    "columns": "cv_results_ has the search's own columns too (round, "
    "generation, stage, bracket, ...)",
    "duplicates": "a space's choices are distinct: a list that gives a value "
    "twice is refused before any fit, naming the parameter",
    "empty": "an empty space ({}) is refused before any fit",
    "messages": "bad spaces and exhausted cv iterators are refused in our "
    "words (same exception types), before any fit",
    "failures": "failed fits are reported by one FitFailedWarning per batch, "
    "in our words",
    "failed-times": "a batch whose every fit failed has NaN fit and score "
    "times (scikit-learn raises instead of returning them)",
    "names": "parameter names are checked against the estimator's "
    "get_params(deep=True) before any fit",
    "callbacks": "the callback task tree has one task per evaluate_candidates "
    "call (a batch) between the search and its candidate-split evaluations",
    "one-metric": "an adaptive search follows one metric (refit, or the "
    "first): with several metrics it proposes other candidates than a search "
    "of each metric alone",
    "fidelity": "Hyperband evaluates at several resources: n_iter is a "
    "compute budget, cv_results_ has a row per rung, low rungs train on "
    "subsamples",
}


@dataclass(frozen=True)
class Expected:
    """A test-name pattern, the classes that fail it, why.

    In ``pattern``, ``*`` stands for any text (parameter ids). ``strict=False``
    where the outcome depends on scores that differ between scikit-learn
    versions (the test may pass). ``since``: from this scikit-learn version
    on the test is known to exist (checked with 1.6.1 and 1.9.1).
    """

    pattern: str
    classes: frozenset
    why: tuple
    strict: bool = True
    since: str = "1.6"


def _x(pattern, classes, *why, **kwargs):
    return Expected(pattern, frozenset(classes), why, **kwargs)


EXPECTED = [
    _x("test_grid_search", {B, E, C}, "order"),
    _x("test_grid_search", {H}, "fidelity"),
    _x("test_grid_search_pipeline_steps", {B, E, H}, "order"),
    _x("test_grid_search_when_param_grid_includes_range", {B, H}, "order"),
    _x("test_grid_search_bad_param_grid", ALL, "messages"),
    _x("test_refit_callable", {B, E, C}, "order"),
    _x("test_refit_callable_multi_metric", {B, E, C}, "order"),
    _x("test_refit_callable_out_bound[*-2]", {H}, "fidelity"),
    _x("test_unsupervised_grid_search", {H}, "order"),
    _x("test_grid_search_cv_results", ALL, "columns"),
    _x("test_random_search_cv_results", ALL, "columns"),
    _x("test_custom_run_search", ALL, "columns"),
    _x("test_search_default_iid[*]", {B, E}, "order"),
    _x("test_grid_search_cv_results_multimetric", {H}, "one-metric"),
    _x("test_random_search_cv_results_multimetric", {H}, "one-metric", strict=False),
    _x("test_search_cv_sample_weight_equivalence[*]", {H}, "fidelity", since="1.9"),
    _x("test_search_cv_results_rank_tie_breaking", {B, E, H}, "order"),
    _x("test_search_cv_results_none_param", {B, E, H}, "order"),
    _x("test_search_cv_timing", {B}, "failed-times"),
    _x("test_search_cv_timing", {E, H}, "order"),
    _x("test_grid_search_correct_score_results", {B, E, C}, "order"),
    _x("test_grid_search_correct_score_results", {H}, "fidelity"),
    _x("test_grid_search_with_multioutput_data", {H}, "fidelity"),
    _x("test_predict_proba_disabled", ALL, "empty"),
    _x("test_grid_search_failing_classifier", ALL, "failures"),
    _x("test_grid_search_classifier_all_fits_fail", ALL, "duplicates"),
    _x("test_grid_search_cv_splits_consistency", ALL, "duplicates"),
    _x("test_empty_cv_iterator_error", ALL, "messages"),
    _x("test_callable_multimetric_error_failing_clf", ALL, "failures"),
    _x("test_callable_multimetric_clf_all_fits_fail", ALL, "duplicates"),
    _x("test_search_cv_using_minimal_compatible_estimator[*]", ALL, "names"),
    _x("test_search_cv_verbose_3[*]", {H}, "fidelity"),
    _x("test_search_with_2d_array", {B, E, C}, "sampler"),
    _x("test_search_with_2d_array", {H}, "sampler", "fidelity"),
    _x("test_search_callbacks_no_propagation[*]", ALL, "callbacks", since="1.9"),
    _x("test_search_callbacks_propagation[*]", ALL, "callbacks", since="1.9"),
    _x("test_search_callbacks_with_partial_fit_failures", ALL, "failures", since="1.9"),
]


def _matches(pattern, name):
    parts = (re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(".*".join(parts), name) is not None


def expected_failure(cls_name, node_name):
    """The :class:`Expected` entry of a test, or None if it must pass."""
    for entry in EXPECTED:
        if cls_name in entry.classes and _matches(entry.pattern, node_name):
            return entry
    return None


def _reason(entry):
    return "; ".join(WHY[label] for label in entry.why)


#: The executed scikit-learn test module of each class, by class name.
MODULES = {}


def _suite_class(search_cls):
    module, origins = load_suite(search_cls)
    MODULES[search_cls.__name__] = module
    attrs = {"__doc__": f"scikit-learn's test_search.py with {search_cls.__name__}."}
    for name, func in vars(module).items():
        if not (name.startswith("test_") and callable(func)):
            continue
        func.pytestmark = own_parametrize(func, origins)
        if not uses_searches(func, module):
            continue
        if name in SLOW and not FULL and search_cls is not SEARCHES[0]:
            reason = f"slow; run for {SEARCHES[0].__name__} (SKLEARN_SEARCH_SUITE=full)"
            func.pytestmark.append(pytest.mark.skip(reason=reason).mark)
        attrs[name] = staticmethod(func)

    @pytest.fixture(autouse=True)
    def _expected_failures(self, request):
        entry = expected_failure(search_cls.__name__, request.node.name)
        if entry is not None:
            mark = pytest.mark.xfail(reason=_reason(entry), strict=entry.strict)
            request.node.add_marker(mark)

    attrs["_expected_failures"] = _expected_failures
    return type(f"Test{search_cls.__name__}", (), attrs)


for _cls in SEARCHES:
    globals()[f"Test{_cls.__name__}"] = _suite_class(_cls)
del _cls


# -- the table itself ------------------------------------------------------
def _version(text):
    return tuple(int(part) for part in re.findall(r"\d+", text)[:2])


def test_every_expected_failure_names_a_test_of_the_installed_file():
    names = {n for n in vars(MODULES[B]) if n.startswith("test_")}
    installed = _version(sklearn.__version__)
    for entry in EXPECTED:
        base = entry.pattern.split("[")[0]
        if installed >= _version(entry.since):
            assert base in names, f"{entry.pattern}: no such test in scikit-learn"
        assert entry.classes and entry.classes <= ALL, entry
        assert entry.why and all(label in WHY for label in entry.why), entry


def test_every_difference_is_documented():
    path = os.path.join(os.path.dirname(__file__), "..", "doc", "differences.rst")
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    used = {label for entry in EXPECTED for label in entry.why}
    for label in WHY:
        documented = f".. _difference-{label}:" in doc
        if label.startswith("bug-"):
            assert not documented, f"{label} is a bug, not a documented difference"
        else:
            assert documented, f"doc/differences.rst has no section for {label!r}"
            assert label in used, f"{label!r} explains no failure"
