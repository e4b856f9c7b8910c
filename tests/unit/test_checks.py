"""Argument checks: what each accepts, the type of error for a wrong type and for a wrong range, and messages
that name the argument and say what to do."""

import doctest
import re

import numpy as np
import pytest
import scipy.sparse as sp

from cbrec_lab import checks
from cbrec_lab.checks import (
    ParameterTypeError,
    fraction,
    interactions_to_csr,
    item_indices,
    item_mask,
    positive_int,
    user_item_mask,
)
from cbrec_lab.exceptions import ParameterError


# ------------------------------------------------------------------------------------------- positive_int
@pytest.mark.parametrize("value", [1, 7, np.int32(3), np.int64(10**12), np.uint8(2)])
def test_positive_int_returns_a_python_int(value):
    result = positive_int(value, name="k")
    assert result == value and type(result) is int


@pytest.mark.parametrize("value", [True, False, 2.0, 2.5, "3", None, [1], np.float64(4.0)])
def test_positive_int_refuses_a_wrong_type_with_a_type_error(value):
    with pytest.raises(TypeError, match=f"^k must be a positive integer, got {re.escape(repr(value))} of type") as info:
        positive_int(value, name="k")
    assert isinstance(info.value, ParameterError)  # one except clause catches every refused argument
    assert "pass a whole number" in str(info.value)


def test_a_whole_float_gets_the_conversion_as_its_hint():
    with pytest.raises(ParameterTypeError, match=r"got 3\.0 of type float; pass a whole number \(int\(3\.0\)\)"):
        positive_int(3.0, name="n_factors")


@pytest.mark.parametrize(
    ("value", "minimum", "kind"),
    [(0, 1, "a positive integer"), (-1, 0, "a non-negative integer"), (1, 2, "an integer ≥ 2")],
)
def test_positive_int_refuses_a_value_below_the_minimum_with_a_value_error(value, minimum, kind):
    message = rf"^batch_size must be {kind}, got {value}; pass a whole number ≥ {minimum}\.$"
    with pytest.raises(ValueError, match=message):
        positive_int(value, name="batch_size", minimum=minimum)
    with pytest.raises(ParameterError):
        positive_int(value, name="batch_size", minimum=minimum)
    assert positive_int(minimum, name="batch_size", minimum=minimum) == minimum


def test_positive_int_takes_none_only_when_allowed():
    assert positive_int(None, name="max_items", allow_none=True) is None
    with pytest.raises(ParameterError, match="max_items must be a positive integer or None, got 0"):
        positive_int(0, name="max_items", allow_none=True)
    with pytest.raises(ParameterTypeError, match="max_items must be a positive integer, got None"):
        positive_int(None, name="max_items")


# ----------------------------------------------------------------------------------------------- fraction
@pytest.mark.parametrize("value", [0.2, np.float32(0.5), 1e-9, 0.999])
def test_fraction_inside_the_open_interval(value):
    assert fraction(value, name="test_fraction") == pytest.approx(float(value))
    assert type(fraction(value, name="test_fraction")) is float


@pytest.mark.parametrize("value", [0, 1, 1.0, -0.1, 1.5, float("nan"), float("inf")])
def test_fraction_refuses_the_ends_and_beyond_with_a_value_error(value):
    with pytest.raises(ParameterError, match=r"test_fraction must be a number strictly between 0 and 1, got") as info:
        fraction(value, name="test_fraction")
    assert not isinstance(info.value, TypeError) and "e.g. test_fraction=0.2" in str(info.value)


@pytest.mark.parametrize(
    ("include_zero", "include_one", "interval", "allowed", "refused"),
    [(True, False, "in [0, 1)", 0, 1), (False, True, "in (0, 1]", 1, 0), (True, True, "in [0, 1]", 0, 1.01)],
)
def test_fraction_with_its_ends(include_zero, include_one, interval, allowed, refused):
    assert fraction(allowed, name="cold_fraction", include_zero=include_zero, include_one=include_one) == allowed
    with pytest.raises(ParameterError, match=f"cold_fraction must be a number {re.escape(interval)}"):
        fraction(refused, name="cold_fraction", include_zero=include_zero, include_one=include_one)


@pytest.mark.parametrize("value", [True, "0.2", None, [0.2]])
def test_fraction_refuses_a_wrong_type_with_a_type_error(value):
    message = f"alpha must be a number strictly between 0 and 1, got {re.escape(repr(value))} of type"
    with pytest.raises(TypeError, match=message):
        fraction(value, name="alpha")


# ------------------------------------------------------------------------------------ interactions_to_csr
def test_interactions_to_csr_is_a_canonical_copy():
    source = sp.coo_matrix(([2.0, 3.0, 0.0, 1.0], ([1, 0, 0, 1], [0, 1, 0, 0])), shape=(2, 3))  # (1, 0) twice
    matrix = interactions_to_csr(source)
    assert sp.isspmatrix_csr(matrix) and matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix.toarray(), [[0, 3, 0], [3, 0, 0]])
    assert matrix.nnz == 2 and matrix.has_sorted_indices  # zero dropped, duplicates summed
    dense = np.array([[0, 5], [1, 0]])
    converted = interactions_to_csr(dense, dtype=np.float32)
    converted.data[:] = 9
    np.testing.assert_array_equal(dense, [[0, 5], [1, 0]])  # never shares memory
    assert converted.dtype == np.float32
    assert interactions_to_csr(dense, dtype=None).dtype == dense.dtype  # None keeps the input's dtype


def test_interactions_to_csr_binary_and_shape():
    matrix = interactions_to_csr([[0, 4], [2, 0]], binary=True, dtype=bool, shape=(2, 2))
    np.testing.assert_array_equal(matrix.toarray(), [[False, True], [True, False]])
    with pytest.raises(ParameterError, match=r"exclude must have shape \(3, 2\) \(users × items\), got shape \(2, 2"):
        interactions_to_csr([[0, 4], [2, 0]], name="exclude", shape=(3, 2))


def test_interactions_to_csr_names_the_first_bad_entry():
    plays = np.array([[1.0, 0.0], [0.0, np.nan]])
    with pytest.raises(
        ParameterError, match=r"plays must be finite: 1 entries are not \(NaN or infinite\), the first nan"
    ):
        interactions_to_csr(plays, name="plays")
    with pytest.raises(
        ParameterError, match=r"finite and non-negative: 1 entries .*, the first -2\.0 at user 0, item 1"
    ):
        interactions_to_csr(sp.csr_matrix([[0.0, -2.0], [1.0, 0.0]]), name="plays", non_negative=True)
    with pytest.raises(
        ParameterError, match=r"2 entries are not \(NaN, infinite or negative\), the first inf at user 0"
    ):
        interactions_to_csr([[np.inf, -1.0]], non_negative=True)
    assert interactions_to_csr([[0.0, -2.0]]).nnz == 1  # negative values are fine unless refused


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (np.zeros(3), ParameterError, r"must be a 2-D users × items matrix .*got shape \(3,\)"),
        (np.zeros((0, 3)), ParameterError, r"non-empty users × items matrix, got shape \(0, 3\)"),
        (np.array([["a", "b"]]), ParameterTypeError, r"must hold real numbers or booleans \(.*\), got dtype <U1"),
        (np.array([[1 + 1j]]), ParameterTypeError, "complex128"),
        ([[1, 2], [3]], ParameterError, "must be a users × items matrix, got list"),
    ],
)
def test_interactions_to_csr_refuses_what_is_not_a_matrix(value, error, match):
    with pytest.raises(error, match=match):
        interactions_to_csr(value)


def test_interactions_to_csr_can_require_an_interaction():
    assert interactions_to_csr(np.zeros((2, 2))).nnz == 0
    with pytest.raises(ParameterError, match=r"likes \(shape \(2, 2\)\) has no interaction"):
        interactions_to_csr(np.zeros((2, 2)), name="likes", require_entries=True)


# -------------------------------------------------------------------------------- masks and item indices
def test_user_item_mask_keeps_dense_dense_and_refuses_nan():
    dense = user_item_mask(np.array([[0.0, 2.0]]), (1, 2), name="relevant")
    assert dense.dtype == bool and dense.tolist() == [[False, True]]
    sparse = user_item_mask(sp.csr_matrix([[0.0, 2.0]]), (1, 2), name="relevant")
    assert sp.issparse(sparse) and sparse.nnz == 1
    with pytest.raises(ParameterError, match=r"relevant holds NaN \(1 in total, the first at user 0, item 0\)"):
        user_item_mask(sp.csr_matrix([[np.nan, 1.0]]), (1, 2), name="relevant")
    with pytest.raises(ParameterError, match=r"exclude must have the shape of scores \(2, 2\), got shape \(1, 2\)"):
        user_item_mask(np.zeros((1, 2)), (2, 2), name="exclude")


def test_item_indices_and_item_mask():
    np.testing.assert_array_equal(item_indices([3, 1, 3], name="relevant"), [1, 3])
    np.testing.assert_array_equal(item_indices(np.array([True, False, True]), name="relevant"), [0, 2])
    np.testing.assert_array_equal(item_mask({2}, 3, name="exclude"), [False, False, True])
    assert not item_mask(None, 2, name="exclude").any()
    with pytest.raises(ParameterError, match="only 3 items"):
        item_mask([3], 3, name="exclude")
    with pytest.raises(ParameterError, match="non-negative item indices, got -1"):
        item_indices([-1], name="relevant")
    with pytest.raises(ParameterError, match="integer item indices, got dtype float64"):
        item_indices([0.5], name="relevant")


def test_the_docstring_examples_hold():
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(checks, globs={"np": np, **vars(checks)}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries >= 8
