"""List diversity (Messina et al. 2019; Ziegler et al. 2005): hand-computed lists, padding, a per-pair Python
loop on random data, and bad input."""

import doctest
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from cbrec_lab import metrics
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.metrics import distinct_values, mean_pairwise_distance, mean_pairwise_jaccard_distance

# Four artworks with known vectors and metadata.
VECTORS = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.0]])
ARTISTS = ["Kahlo", "Kahlo", "Rivera", "Tamayo"]
COLOURS = [{"red", "blue"}, {"red"}, {"green"}, set()]


def test_distinct_values_single_labels_by_hand():
    top_k = np.array([[0, 1, 2], [0, 1, -1], [3, -1, -1], [-1, -1, -1]])
    result = distinct_values(top_k, ARTISTS)
    np.testing.assert_array_equal(result[:3], [2.0, 1.0, 1.0])
    assert math.isnan(result[3])  # empty list


def test_distinct_values_sets_count_the_union():
    top_k = np.array([[0, 1, 2], [0, 1, -1], [3, 1, -1], [-1, 3, -1]])
    # {red, blue} ∪ {red} ∪ {green} = 3; {red, blue} ∪ {red} = 2; ∅ ∪ {red} = 1; ∅ = 0
    np.testing.assert_array_equal(distinct_values(top_k, COLOURS), [3.0, 2.0, 1.0, 0.0])


def test_distinct_values_accepts_arrays_series_and_missing_labels():
    top_k = np.array([[0, 1, 2, 3]])
    assert distinct_values(top_k, np.array([5, 5, 7, 9]))[0] == 3
    assert distinct_values(top_k, pd.Series(["a", None, "b", np.nan]))[0] == 2  # missing labels are no label
    # Lists, tuples and None in the set-valued case; a label repeated within one item counts once.
    assert distinct_values(top_k, [["x", "x"], ("y",), None, []])[0] == 2


def test_padding_anywhere_is_ignored():
    padded = np.array([[-1, 0, -1, 2]])
    compact = np.array([[0, 2]])
    assert distinct_values(padded, ARTISTS)[0] == distinct_values(compact, ARTISTS)[0]
    assert mean_pairwise_distance(padded, VECTORS)[0] == pytest.approx(mean_pairwise_distance(compact, VECTORS)[0])
    assert mean_pairwise_jaccard_distance(padded, COLOURS)[0] == pytest.approx(
        mean_pairwise_jaccard_distance(compact, COLOURS)[0]
    )


def test_mean_pairwise_cosine_by_hand():
    top_k = np.array([[0, 1, 2, 3], [0, 3, -1, -1]])
    s = 1 / math.sqrt(2)
    # pairs: (0,1) 1, (0,2) 1-s, (0,3) 2, (1,2) 1-s, (1,3) 1, (2,3) 1+s  →  sum = 7 - s
    expected = [(7 - s) / 6, 2.0]
    np.testing.assert_allclose(mean_pairwise_distance(top_k, VECTORS), expected, rtol=1e-12)


def test_mean_pairwise_euclidean_by_hand():
    top_k = np.array([[0, 1, 2, 3]])
    # (0,1) √2, (0,2) 1, (0,3) 2, (1,2) 1, (1,3) √2, (2,3) √5
    expected = (2 * math.sqrt(2) + 1 + 2 + 1 + math.sqrt(5)) / 6
    assert mean_pairwise_distance(top_k, VECTORS, metric="euclidean")[0] == pytest.approx(expected, rel=1e-12)


def test_cosine_is_scale_invariant_and_zero_vectors_are_at_distance_one():
    features = np.array([[1.0, 2.0], [3.0, 6.0], [0.0, 0.0], [0.0, 0.0]])
    result = mean_pairwise_distance(np.array([[0, 1], [0, 2], [2, 3]]), features)
    np.testing.assert_allclose(result, [0.0, 1.0, 1.0], atol=1e-12)


def test_mean_pairwise_jaccard_by_hand():
    sets = [{"oil", "canvas"}, {"oil"}, {"oil", "paper"}, set(), set()]
    top_k = np.array([[0, 1, 2], [3, 4, -1], [0, 3, -1]])
    # (0,1) 1 - 1/2; (0,2) 1 - 1/3; (1,2) 1 - 1/2  →  (1/2 + 2/3 + 1/2) / 3; two empty sets 0; empty vs {..} 1
    np.testing.assert_allclose(
        mean_pairwise_jaccard_distance(top_k, sets), [(0.5 + 2 / 3 + 0.5) / 3, 0.0, 1.0], rtol=1e-12
    )


def test_jaccard_on_single_labels_is_the_share_of_unequal_pairs():
    top_k = np.array([[0, 1, 2, 3]])
    # Kahlo, Kahlo, Rivera, Tamayo: 5 of the 6 pairs differ
    assert mean_pairwise_jaccard_distance(top_k, ARTISTS)[0] == pytest.approx(5 / 6)


def test_pairwise_metrics_are_nan_below_two_items():
    one = np.array([[2], [0]])
    assert np.isnan(mean_pairwise_distance(one, VECTORS)).all()
    assert np.isnan(mean_pairwise_jaccard_distance(one, COLOURS)).all()
    padded = np.array([[1, -1, -1], [-1, -1, -1]])
    assert np.isnan(mean_pairwise_distance(padded, VECTORS, metric="euclidean")).all()
    assert np.isnan(mean_pairwise_jaccard_distance(padded, COLOURS)).all()
    np.testing.assert_array_equal(distinct_values(one, ARTISTS), [1.0, 1.0])


def _random_lists(rng, n_users, n_items, k):
    top_k = np.argsort(rng.random((n_users, n_items)), axis=1)[:, :k]
    top_k[rng.random((n_users, k)) < 0.2] = -1  # scattered padding
    return top_k


def test_all_three_equal_a_per_pair_python_loop_on_random_data():
    rng = np.random.default_rng(7)
    n_users, n_items, k = 60, 40, 8
    top_k = _random_lists(rng, n_users, n_items, k)
    features = rng.normal(size=(n_items, 5))
    features[3] = 0.0  # a zero vector
    vocabulary = list("abcdefg")
    sets = [set(rng.choice(vocabulary, size=rng.integers(0, 4), replace=False).tolist()) for _ in range(n_items)]
    labels = rng.integers(0, 6, size=n_items)

    def cosine(u, v):
        nu, nv = np.linalg.norm(u), np.linalg.norm(v)
        return 1.0 if nu == 0 or nv == 0 else 1.0 - float(u @ v) / (nu * nv)

    def jaccard(a, b):
        return 0.0 if not (a | b) else 1.0 - len(a & b) / len(a | b)

    def loop(items, distance):
        pairs = list(itertools.combinations(items, 2))
        return np.nan if not pairs else sum(distance(i, j) for i, j in pairs) / len(pairs)

    expected = {"cos": [], "euc": [], "jac": [], "labels": [], "sets": []}
    for row in top_k:
        items = [int(i) for i in row if i >= 0]
        expected["cos"].append(loop(items, lambda i, j: cosine(features[i], features[j])))
        expected["euc"].append(loop(items, lambda i, j: float(np.linalg.norm(features[i] - features[j]))))
        expected["jac"].append(loop(items, lambda i, j: jaccard(sets[i], sets[j])))
        expected["labels"].append(len({labels[i] for i in items}) if items else np.nan)
        expected["sets"].append(len(set().union(*(sets[i] for i in items))) if items else np.nan)

    np.testing.assert_allclose(mean_pairwise_distance(top_k, features), expected["cos"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mean_pairwise_distance(top_k, features, metric="euclidean"), expected["euc"], rtol=1e-12)
    np.testing.assert_allclose(mean_pairwise_jaccard_distance(top_k, sets), expected["jac"], rtol=1e-12)
    np.testing.assert_array_equal(distinct_values(top_k, labels), expected["labels"])
    np.testing.assert_array_equal(distinct_values(top_k, sets), expected["sets"])


def test_batches_over_users_give_the_same_values(monkeypatch):
    rng = np.random.default_rng(3)
    top_k = _random_lists(rng, 25, 30, 6)
    features = rng.normal(size=(30, 4))
    whole = mean_pairwise_distance(top_k, features)
    monkeypatch.setattr(metrics, "_GATHER_BUDGET", 6 * 4 * 3)  # 3 users per batch
    np.testing.assert_array_equal(mean_pairwise_distance(top_k, features), whole)


@pytest.mark.parametrize(
    ("top_k", "match"),
    [
        (np.array([0, 1, 2]), "2-D array of shape"),
        (np.zeros((2, 0), dtype=int), "2-D array of shape"),
        (np.array([[0.0, 1.0]]), "integer item indices"),
        (np.array([[0, 4]]), "item index 4, but there are only 4 items"),
        (np.array([[0, -2]]), "item index -2"),
        (np.array([[1, 2, 1]]), "lists item 1 more than once in row 0"),
    ],
)
def test_bad_top_k_is_rejected_with_a_clear_message(top_k, match):
    for call in (
        lambda: distinct_values(top_k, ARTISTS),
        lambda: mean_pairwise_distance(top_k, VECTORS),
        lambda: mean_pairwise_jaccard_distance(top_k, COLOURS),
    ):
        with pytest.raises(ParameterError, match=match):
            call()


def test_bad_item_information_is_rejected():
    top_k = np.array([[0, 1]])
    with pytest.raises(ParameterError, match="metric must be one of"):
        mean_pairwise_distance(top_k, VECTORS, metric="manhattan")
    with pytest.raises(ParameterError, match="2-D array of shape"):
        mean_pairwise_distance(top_k, np.ones(4))
    with pytest.raises(ParameterError, match="item 1 has NaN"):
        mean_pairwise_distance(top_k, np.array([[1.0, 0.0], [np.nan, 1.0]]))
    with pytest.raises(ParameterError, match="mixes sets and single labels"):
        distinct_values(top_k, [{"a"}, "b"])
    with pytest.raises(ParameterError, match="is empty"):
        mean_pairwise_jaccard_distance(top_k, [])
    with pytest.raises(ParameterError, match="one entry per item"):
        distinct_values(top_k, "ab")
    with pytest.raises(ParameterError, match="hashable"):
        distinct_values(top_k, [{"a"}, [["nested"]]])


def test_docstring_examples():
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner()
    for function in (distinct_values, mean_pairwise_distance, mean_pairwise_jaccard_distance):
        for test in finder.find(function, globs={"np": np, **vars(metrics)}):
            runner.run(test)
    assert runner.failures == 0 and runner.tries >= 5
