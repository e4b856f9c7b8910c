"""Top-k lists (cbrec_lab.ranking): hand-computed lists, ties by the lower index, exclusions as indices, masks
and sparse matrices, short rows padded with -1, batches, and refused input."""

import doctest

import numpy as np
import pytest
import scipy.sparse as sp

from cbrec_lab import ranking
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.ranking import rank_items, top_k

SCORES = np.array(
    [
        [0.2, 0.9, 0.9, 0.1, 0.5],  # ties 1 = 2 at the top
        [0.0, 0.0, 0.0, 0.0, 0.0],  # all tied: index order
        [-np.inf, 1.0, np.inf, 0.3, 0.3],
    ]
)


def test_top_k_by_hand():
    np.testing.assert_array_equal(top_k(SCORES, 3), [[1, 2, 4], [0, 1, 2], [2, 1, 3]])
    np.testing.assert_array_equal(top_k(SCORES, 1), [[1], [0], [2]])
    np.testing.assert_array_equal(top_k(SCORES, 5), [[1, 2, 4, 0, 3], [0, 1, 2, 3, 4], [2, 1, 3, 4, 0]])
    assert top_k(SCORES, 2).dtype == np.int64


def test_ties_at_the_cut_keep_the_lower_index():
    scores = np.array([[1.0, 3.0, 2.0, 2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(top_k(scores, 3), [[1, 2, 3]])
    np.testing.assert_array_equal(top_k(scores[:, ::-1].copy(), 3), [[4, 0, 1]])


def test_exclusions_as_a_mask_or_a_sparse_matrix_are_never_listed():
    exclude = np.zeros(SCORES.shape, dtype=bool)
    exclude[0, [1, 2]] = True  # the two best
    exclude[2, 2] = True  # +inf excluded all the same
    expected = [[4, 0, 3], [0, 1, 2], [1, 3, 4]]
    np.testing.assert_array_equal(top_k(SCORES, 3, exclude=exclude), expected)
    np.testing.assert_array_equal(top_k(SCORES, 3, exclude=sp.csr_matrix(exclude)), expected)
    np.testing.assert_array_equal(top_k(SCORES, 3, exclude=exclude.astype(float) * 4), expected)  # counts


def test_rows_with_fewer_candidates_than_k_end_with_minus_one():
    exclude = np.array([[1, 1, 1, 0, 1], [0, 0, 0, 0, 0], [1, 0, 1, 0, 1]])
    np.testing.assert_array_equal(top_k(SCORES, 3, exclude=exclude), [[3, -1, -1], [0, 1, 2], [1, 3, -1]])
    np.testing.assert_array_equal(top_k(SCORES[1:2], 7), [[0, 1, 2, 3, 4, -1, -1]])  # k > n_items
    np.testing.assert_array_equal(top_k(np.zeros((1, 2)), 2, exclude=np.ones((1, 2))), [[-1, -1]])


def test_a_minus_inf_candidate_is_listed_and_an_excluded_item_is_not():
    scores = np.array([[-np.inf, 0.0, -np.inf]])
    np.testing.assert_array_equal(top_k(scores, 3, exclude=[[True, False, False]]), [[1, 2, -1]])


def test_top_k_equals_rank_items_row_by_row_and_does_not_depend_on_batches(monkeypatch):
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 5, size=(40, 23)).astype(float)  # many ties
    exclude = sp.random(40, 23, density=0.3, random_state=2, format="csr")
    for k in (1, 4, 23, 30):
        result = top_k(scores, k, exclude=exclude)
        for user in range(40):
            ranked = rank_items(scores[user], k=k, exclude=exclude[user].indices)
            np.testing.assert_array_equal(result[user, : ranked.size], ranked)
            assert (result[user, ranked.size :] == -1).all()
    whole = top_k(scores, 5, exclude=exclude)
    monkeypatch.setattr(ranking, "_BATCH_ENTRIES", 50)  # two users per batch
    np.testing.assert_array_equal(top_k(scores, 5, exclude=exclude), whole)


def test_rank_items_breaks_ties_by_the_lower_index():
    scores = np.array([0.5, 0.9, 0.5, 0.9, 0.1])
    # 0.9 ties between items 1 and 3 → 1 first; 0.5 ties between 0 and 2 → 0 first
    np.testing.assert_array_equal(rank_items(scores), [1, 3, 0, 2, 4])
    np.testing.assert_array_equal(rank_items(scores, k=3), [1, 3, 0])
    np.testing.assert_array_equal(rank_items(scores, k=1), [1])
    np.testing.assert_array_equal(rank_items(np.zeros(10), k=4), [0, 1, 2, 3])
    np.testing.assert_array_equal(rank_items(np.zeros(10)), np.arange(10))
    assert rank_items(scores, k=3).dtype == np.int64


def test_rank_items_excludes_items_given_as_indices_or_a_mask():
    scores = np.array([0.5, 0.9, 0.5, 0.9, 0.1])
    np.testing.assert_array_equal(rank_items(scores, exclude=[1]), [3, 0, 2, 4])
    np.testing.assert_array_equal(rank_items(scores, k=2, exclude={1, 3}), [0, 2])
    np.testing.assert_array_equal(rank_items(scores, k=2, exclude=scores > 0.6), [0, 2])
    np.testing.assert_array_equal(rank_items(scores, k=10, exclude=[0, 4]), [1, 3, 2])  # k > candidates
    assert rank_items(scores, k=3, exclude=np.ones(5, dtype=bool)).size == 0
    assert rank_items(scores, exclude=np.ones(5, dtype=bool)).size == 0
    # an excluded item never comes back, even when it would tie with a candidate at -inf
    np.testing.assert_array_equal(rank_items(np.array([-np.inf, 0.0, -np.inf]), k=3, exclude=[0]), [1, 2])


def test_rank_items_agrees_with_a_full_lexicographic_sort():
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(1, 40))
        scores = rng.integers(0, 4, size=n).astype(float)  # many ties
        exclude = rng.random(n) < 0.3
        candidates = np.flatnonzero(~exclude)
        reference = candidates[np.lexsort((candidates, -scores[candidates]))]
        np.testing.assert_array_equal(rank_items(scores, exclude=exclude), reference)
        for k in (1, 2, 5, n, n + 3):
            np.testing.assert_array_equal(rank_items(scores, k=k, exclude=exclude), reference[:k])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: top_k(np.zeros(3), 2), ParameterError, r"shape \(n_users, n_items\), got shape \(3,\)"),
        (lambda: top_k(np.zeros((2, 0)), 2), ParameterError, "non-empty"),
        (lambda: top_k(sp.csr_matrix(np.eye(2)), 1), ParameterError, "dense numpy array"),
        (lambda: top_k(np.array([[0.0, 1.0], [np.nan, 0.0]]), 1), ParameterError, "NaN .first at user 1, item 0"),
        (lambda: top_k(np.zeros((2, 2)), 0), ParameterError, "k must be a positive integer, got 0"),
        (lambda: top_k(np.zeros((2, 2)), True), TypeError, "k must be a positive integer, got True"),
        (lambda: top_k(np.zeros((2, 2)), 2.0), TypeError, "k must be a positive integer, got 2.0"),
        (lambda: top_k(np.zeros((2, 2)), 1, exclude=np.zeros((2, 3))), ParameterError, "exclude must have the shape"),
        (lambda: top_k(np.zeros((1, 2)), 1, exclude=[[np.nan, 0]]), ParameterError, "exclude holds NaN"),
        (lambda: rank_items(np.array([0.0, np.nan])), ParameterError, r"NaN at item\(s\) \[1\]"),
        (lambda: rank_items(np.zeros(3), k=-1), ParameterError, "k must be a positive integer, got -1"),
        (lambda: rank_items(np.zeros(3), exclude=[3]), ParameterError, "only 3 items"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_the_docstring_examples_hold():
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner()
    for test in finder.find(ranking, globs={"np": np, **vars(ranking)}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries >= 6
