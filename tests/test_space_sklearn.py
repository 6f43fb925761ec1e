"""A space written for RandomizedSearchCV means the same in every search."""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import ParameterSampler
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline

from sklearn_hypersearch import Categorical, Space
from sklearn_hypersearch._space import as_dimension
from tests._helpers import QuadraticClassifier, toy_data
from tests.test_common import DISCRETE_SEARCHES, SEARCHES, make


def _as_choice(value):
    # ParameterSampler hands out the rows of a 2-d array as 1-d arrays; the
    # space layer gives them as tuples of native values
    return tuple(value.tolist()) if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize(
    "value",
    [
        [1, 2, 3],
        ("l1", "l2"),
        ((1, 1), (1, 2)),
        (0.1, 0.5, 1.0),
        range(2, 6),
        np.array([0.25, 0.5]),
        np.array([[1, 1], [1, 2], [2, 2]]),
        [None, "balanced"],
    ],
    ids=repr,
)
def test_sequences_give_the_choices_parameter_sampler_draws(value):
    # a distribution next to it makes ParameterSampler draw with
    # replacement, indexing the sequence as it does for every non-grid space
    sampler = ParameterSampler(
        {"x": value, "u": stats.uniform()}, n_iter=300, random_state=0
    )
    drawn = {_as_choice(p["x"]) for p in sampler}
    dim = as_dimension(value, "x")
    assert isinstance(dim, Categorical)
    assert set(dim.choices) == drawn
    assert len(dim.choices) == len(value)


def test_tuple_of_two_numbers_is_two_choices_with_a_warning():
    with pytest.warns(UserWarning, match="'alpha'.*two choices") as record:
        dim = as_dimension((0.1, 10.0), "alpha")
    assert dim == Categorical([0.1, 10.0])
    message = str(record[0].message)
    # it says how to write either meaning
    assert "Real(0.1, 10.0)" in message and "(0.1, 10.0, 'uniform')" in message
    assert "[0.1, 10.0]" in message
    with pytest.warns(UserWarning, match="Integer\\(1, 100\\)"):
        assert as_dimension((1, 100), "n") == Categorical([1, 100])


def test_misspelled_prior_is_read_as_choices_with_a_warning():
    with pytest.warns(UserWarning, match="'k'.*'log_uniform' is not a prior"):
        dim = as_dimension((1e-3, 1.0, "log_uniform"), "k")
    assert dim == Categorical([1e-3, 1.0, "log_uniform"])


@pytest.mark.parametrize(
    "value",
    [
        [0.1, 10.0],
        ("l1", "l2"),
        ((1, 1), (1, 2)),
        (1, 2, 3),
        (True, False),
        (1e-6, 1e6, "log-uniform"),
        np.array([0.1, 10.0]),
    ],
    ids=repr,
)
def test_unambiguous_forms_do_not_warn(value):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        as_dimension(value, "x")


def test_two_dimensional_array_rows_are_native_tuples():
    dim = as_dimension(np.array([[1, 1], [1, 2]], dtype=np.int64), "x")
    assert dim.choices == [(1, 1), (1, 2)]
    assert all(type(v) is int for row in dim.choices for v in row)
    # a 3-d array: each choice is a 2-d row, as nested tuples
    cube = as_dimension(np.arange(8).reshape(2, 2, 2), "x")
    assert cube.choices == [((0, 1), (2, 3)), ((4, 5), (6, 7))]


def _documents(n=40):
    words = ["one", "two", "three", "four", "five", "six"]
    rng = np.random.default_rng(0)
    docs = [" ".join(rng.choice(words, size=4)) for _ in range(n)]
    y = [int("one" in d) for d in docs]
    return docs, y


@pytest.mark.parametrize("cls", DISCRETE_SEARCHES, ids=lambda c: c.__name__)
def test_search_with_tuples_of_tuples(cls):
    # scikit-learn's test_search_with_2d_array, for every search class
    space = {"vect__ngram_range": ((1, 1), (1, 2)), "vect__norm": ("l1", "l2")}
    pipe = Pipeline([("vect", TfidfVectorizer()), ("clf", ComplementNB())])
    docs, y = _documents()
    search = make(cls, pipe, space).fit(docs, y)
    ranges = [p["vect__ngram_range"] for p in search.cv_results_["params"]]
    assert ranges and set(ranges) <= {(1, 1), (1, 2)}
    assert all(type(r) is tuple for r in ranges)
    assert {p["vect__norm"] for p in search.cv_results_["params"]} <= {"l1", "l2"}


@pytest.mark.parametrize("cls", DISCRETE_SEARCHES, ids=lambda c: c.__name__)
def test_two_numbers_tuple_means_two_values_in_every_search(cls):
    X, y = toy_data()
    search = make(cls, QuadraticClassifier(), {"x": (0.1, 0.9)})
    with pytest.warns(UserWarning, match="'x'.*two choices"):
        search.fit(X, y)
    assert {p["x"] for p in search.cv_results_["params"]} <= {0.1, 0.9}


@pytest.mark.parametrize(
    "value, error, match",
    [
        ((v for v in [0.1, 0.2]), TypeError, "'x'.*generator.*read only once"),
        (iter([0.1, 0.2]), TypeError, "'x'.*read only once"),
        (stats.norm(0, -1), ValueError, "'x'.*invalid arguments"),
        ({0.1, 0.2}, TypeError, "'x'.*set"),
    ],
    ids=["generator", "iterator", "invalid-scipy", "set"],
)
@pytest.mark.parametrize("cls", SEARCHES, ids=lambda c: c.__name__)
def test_bad_spaces_are_refused_before_any_fit(cls, value, error, match):
    X, y = toy_data()
    QuadraticClassifier.fit_log = []
    search = make(cls, QuadraticClassifier(log_fits=True), {"x": value})
    with pytest.raises(error, match=match):
        search.fit(X, y)
    assert QuadraticClassifier.fit_log == []


@pytest.mark.parametrize("cls", DISCRETE_SEARCHES, ids=lambda c: c.__name__)
def test_identical_subspaces_are_merged_with_a_warning(cls):
    X, y = toy_data()
    once = {"x": [0.1, 0.3, 0.5], "flag": [True, False]}
    search = make(cls, QuadraticClassifier(), [once, {"x": [0.1, 0.3, 0.5]}, once])
    with pytest.warns(UserWarning, match="Subspaces 0 and 2.*identical"):
        search.fit(X, y)
    # the same search as with the subspaces written once
    expected = make(cls, QuadraticClassifier(), [once, {"x": [0.1, 0.3, 0.5]}])
    expected.fit(X, y)
    assert search.cv_results_["params"] == expected.cv_results_["params"]


def test_from_user_merges_but_the_constructor_keeps_every_subspace():
    dup = [{"a": [1, 2]}, {"b": [3]}, {"a": [1, 2]}]
    with pytest.warns(UserWarning, match="Subspaces 0 and 2"):
        merged = Space.from_user(dup)
    assert merged.n_subspaces == 2
    assert Space(dup).n_subspaces == 3
    with pytest.warns(UserWarning, match="Subspaces 0 and 2"):
        assert Space.from_user(Space(dup)) == merged
