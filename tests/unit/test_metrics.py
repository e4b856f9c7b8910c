"""Ranking metrics: hand-computed values, deterministic ties, exclusion, AUC against scikit-learn, and the
vectorised evaluator against a per-user loop of the scalar functions."""

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.metrics import roc_auc_score

from cbrec_lab.exceptions import ParameterError
from cbrec_lab.metrics import (
    METRICS,
    auc,
    average_precision_at_k,
    evaluate_rankings,
    f1_at_k,
    hit_rate_at_k,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    summarise,
)
from cbrec_lab.ranking import rank_items

# ranked = [3, 1, 4, 0, 2], relevant = {1, 2}: hits at positions 2 (item 1) and 5 (item 2), rel = [0, 1, 0, 0, 1].
RANKED = np.array([3, 1, 4, 0, 2])
RELEVANT = {1, 2}
LOG3, LOG6 = math.log2(3), math.log2(6)

HAND = [
    # P@1 = 0/1; P@2 = 1/2; P@5 = 2/5
    (precision_at_k, 1, 0.0),
    (precision_at_k, 2, 0.5),
    (precision_at_k, 5, 0.4),
    # R@1 = 0/2; R@2 = 1/2; R@5 = 2/2
    (recall_at_k, 1, 0.0),
    (recall_at_k, 2, 0.5),
    (recall_at_k, 5, 1.0),
    # F1@1 = 0 (P + R = 0); F1@2 = 2·½·½/(½+½) = ½; F1@5 = 2·(2/5)·1/(2/5 + 1) = 4/7
    (f1_at_k, 1, 0.0),
    (f1_at_k, 2, 0.5),
    (f1_at_k, 5, 4 / 7),
    # HR@1 = 0 (item 3 is not relevant); HR@2 = 1
    (hit_rate_at_k, 1, 0.0),
    (hit_rate_at_k, 2, 1.0),
    # nDCG@1 = 0; nDCG@2 = (1/log2 3) / (1 + 1/log2 3); nDCG@5 = (1/log2 3 + 1/log2 6) / (1 + 1/log2 3)
    (ndcg_at_k, 1, 0.0),
    (ndcg_at_k, 2, (1 / LOG3) / (1 + 1 / LOG3)),
    (ndcg_at_k, 5, (1 / LOG3 + 1 / LOG6) / (1 + 1 / LOG3)),
    # RR@1 = 0 (no hit in the first position); RR@2 = RR@5 = 1/2
    (reciprocal_rank, 1, 0.0),
    (reciprocal_rank, 2, 0.5),
    (reciprocal_rank, 5, 0.5),
    # AP@1 = 0 / min(1, 2); AP@2 = (P@2 = 1/2) / min(2, 2) = 1/4; AP@5 = (P@2 + P@5) / 2 = (1/2 + 2/5) / 2 = 0.45
    (average_precision_at_k, 1, 0.0),
    (average_precision_at_k, 2, 0.25),
    (average_precision_at_k, 5, 0.45),
]


@pytest.mark.parametrize("metric, k, expected", HAND, ids=[f"{m.__name__}@{k}" for m, k, _ in HAND])
def test_metrics_of_a_small_list_by_hand(metric, k, expected):
    assert metric(RANKED, RELEVANT, k=k) == pytest.approx(expected, abs=1e-15)
    # relevant given as a list, an array or a boolean mask gives the same value
    for relevant in ([2, 1], np.array([1, 2, 2]), np.array([False, True, True, False, False])):
        assert metric(list(RANKED), relevant, k=k) == pytest.approx(expected, abs=1e-15)


def test_reciprocal_rank_without_k_searches_the_whole_list():
    assert reciprocal_rank(RANKED, RELEVANT) == 0.5  # first hit, item 1, at position 2
    assert reciprocal_rank(RANKED, {2}) == 0.2  # item 2 at position 5
    assert reciprocal_rank(RANKED, {7}) == 0.0  # never recommended


@pytest.mark.parametrize(
    "metric", [precision_at_k, recall_at_k, f1_at_k, hit_rate_at_k, ndcg_at_k, reciprocal_rank, average_precision_at_k]
)
@pytest.mark.parametrize("relevant", [set(), [], np.array([], dtype=int), np.zeros(5, dtype=bool)])
def test_no_relevant_items_gives_nan(metric, relevant):
    assert math.isnan(metric(RANKED, relevant, k=3))


def test_list_shorter_than_k_counts_missing_positions_as_non_relevant():
    # ranked = [1, 5], relevant = {1, 2}, k = 4: rel = [1, 0, (0), (0)]
    ranked, relevant = [1, 5], {1, 2}
    assert precision_at_k(ranked, relevant, k=4) == 0.25  # 1 hit / k = 4, not / 2
    assert recall_at_k(ranked, relevant, k=4) == 0.5  # 1 / |R| = 2
    assert f1_at_k(ranked, relevant, k=4) == pytest.approx(1 / 3)  # 2·¼·½ / (¼ + ½)
    assert hit_rate_at_k(ranked, relevant, k=4) == 1.0
    assert ndcg_at_k(ranked, relevant, k=4) == pytest.approx(1 / (1 + 1 / LOG3))  # IDCG over min(4, 2) = 2 hits
    assert reciprocal_rank(ranked, relevant, k=4) == 1.0
    assert average_precision_at_k(ranked, relevant, k=4) == 0.5  # P@1 / min(4, 2)
    # an empty list: every metric is 0 for a user with relevant items
    assert precision_at_k([], relevant, k=3) == ndcg_at_k([], relevant, k=3) == reciprocal_rank([], relevant) == 0.0


def test_more_relevant_items_than_k_still_allows_a_perfect_score():
    # ranked = [0, 1, 2], relevant = {0, …, 4}, k = 3: AP = (1 + 1 + 1) / min(3, 5) = 1, nDCG = IDCG / IDCG = 1
    ranked, relevant = [0, 1, 2], {0, 1, 2, 3, 4}
    assert average_precision_at_k(ranked, relevant, k=3) == 1.0
    assert ndcg_at_k(ranked, relevant, k=3) == pytest.approx(1.0)
    assert recall_at_k(ranked, relevant, k=3) == 0.6


# ------------------------------------------------------------------------------------------------- AUC
def test_auc_by_hand_with_ties_counting_one_half():
    scores = np.array([0.9, 0.5, 0.5, 0.1])
    # relevant {0, 1}, pairs (relevant, other): (0,2) won, (0,3) won, (1,2) tie = ½, (1,3) won → 3.5 / 4
    assert auc(scores, {0, 1}) == 0.875
    # relevant {1}: (1,0) lost, (1,2) tie, (1,3) won → 1.5 / 3
    assert auc(scores, [1]) == 0.5
    # relevant {1}, item 0 excluded: (1,2) tie, (1,3) won → 1.5 / 2
    assert auc(scores, [1], exclude=[0]) == 0.75
    assert auc(scores, np.array([False, True, False, False]), exclude=np.array([True, False, False, False])) == 0.75
    assert auc(np.ones(6), [0, 3]) == 0.5  # every pair tied
    assert auc(scores, {0}) == 1.0 and auc(scores, {3}) == 0.0


def test_auc_is_nan_without_relevant_or_without_non_relevant_candidates():
    scores = np.array([0.9, 0.5, 0.1])
    assert math.isnan(auc(scores, set()))
    assert math.isnan(auc(scores, [0, 1, 2]))
    assert math.isnan(auc(scores, [0, 1], exclude=[2]))  # no non-relevant candidate left
    assert math.isnan(auc(scores, [0], exclude=[0]))  # the only relevant item is excluded


def test_auc_matches_scikit_learn_on_random_data():
    rng = np.random.default_rng(1)
    for _ in range(30):
        n = int(rng.integers(5, 200))
        scores = np.round(rng.normal(size=n), 1)  # with ties
        labels = rng.random(n) < rng.uniform(0.05, 0.5)
        labels[0], labels[1] = True, False
        assert auc(scores, labels) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
        keep = rng.random(n) < 0.7
        keep[:2] = True
        assert auc(scores, labels, exclude=~keep) == pytest.approx(roc_auc_score(labels[keep], scores[keep]), abs=1e-12)


# ------------------------------------------------------------------------------------------- evaluator
SCALAR = {
    "precision": precision_at_k,
    "recall": recall_at_k,
    "f1": f1_at_k,
    "hit_rate": hit_rate_at_k,
    "ndcg": ndcg_at_k,
    "mrr": reciprocal_rank,
    "map": average_precision_at_k,
}


def _random_problem(seed, n_users=41, n_items=23):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.normal(size=(n_users, n_items)), 1)  # ties within rows
    relevant = rng.random((n_users, n_items)) < 0.15
    exclude = rng.random((n_users, n_items)) < 0.2
    relevant[0] = False  # no relevant items at all
    relevant[1] = exclude[1]  # relevant items only among the excluded ones
    relevant[1, 0] = exclude[1, 0] = True
    exclude[2] = True  # nothing can be recommended
    relevant[3], exclude[3] = ~exclude[3], exclude[3]  # every candidate relevant: AUC NaN, the rest defined
    scores[4, :5] = -np.inf  # candidates at -inf next to excluded items
    exclude[4, :3] = True
    relevant[4, 3] = True
    scores[5] = 0.0  # one big tie
    return scores, relevant, exclude


def _loop(scores, relevant, exclude, ks):
    """The per-user reference: rank every candidate with rank_items (full sort) and call the scalar functions."""
    rows = []
    for u in range(scores.shape[0]):
        excluded = np.zeros(scores.shape[1], dtype=bool) if exclude is None else exclude[u]
        ranked = rank_items(scores[u], exclude=excluded)
        positive = np.flatnonzero(relevant[u] & ~excluded)
        row = {f"{name}@{k}": function(ranked, positive, k=k) for name, function in SCALAR.items() for k in ks}
        row["auc"] = auc(scores[u], positive, exclude=excluded)
        row["n_relevant"] = positive.size
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_evaluator_equals_a_loop_of_the_scalar_functions(seed):
    scores, relevant, exclude = _random_problem(seed)
    ks = (1, 5, 10, 50)  # 50 > n_items = 23
    frame = evaluate_rankings(scores, sp.csr_matrix(relevant), k=ks, exclude=sp.csr_matrix(exclude), batch_users=8)
    expected = _loop(scores, relevant, exclude, ks)
    assert list(frame.columns) == [f"{m}@{k}" for m in METRICS[:-1] for k in ks] + ["auc", "n_relevant"]
    assert frame.index.name == "user" and len(frame) == scores.shape[0]
    for column in frame.columns:
        np.testing.assert_allclose(frame[column], expected[column], rtol=0, atol=1e-12, err_msg=column)
    # the planted cases behave as documented
    assert frame.loc[[0, 1, 2], "n_relevant"].eq(0).all()
    assert frame.loc[[0, 1, 2]].drop(columns="n_relevant").isna().all().all()
    assert math.isnan(frame.loc[3, "auc"]) and frame.loc[3, "precision@1"] == 1.0
    # NaN exactly for the users left without relevant items (and AUC for user 3)
    without = frame["n_relevant"].eq(0)
    assert frame.drop(columns=["n_relevant", "auc"]).isna().eq(without, axis=0).all().all()
    assert frame["auc"].isna().eq(without | (frame.index == 3)).all()


def test_evaluator_without_exclusion_and_with_dense_inputs():
    scores, relevant, exclude = _random_problem(3)
    ks = (3, 23, 30)
    no_exclusion = evaluate_rankings(scores, relevant.astype(int), k=ks, batch_users=1000)
    expected = _loop(scores, relevant, None, ks)
    for column in expected.columns:
        np.testing.assert_allclose(no_exclusion[column], expected[column], rtol=0, atol=1e-12, err_msg=column)
    dense = evaluate_rankings(scores, relevant, k=ks, exclude=exclude, batch_users=5)
    sparse = evaluate_rankings(scores, sp.csr_matrix(relevant), k=ks, exclude=sp.coo_matrix(exclude))
    pd.testing.assert_frame_equal(dense, sparse)


def test_evaluator_metric_selection_and_a_single_k():
    scores, relevant, _ = _random_problem(4)
    frame = evaluate_rankings(scores, relevant, k=7, metrics=("ndcg", "auc"))
    assert list(frame.columns) == ["ndcg@7", "auc", "n_relevant"]
    frame = evaluate_rankings(scores, relevant, k=[20, 5, 20], metrics="map")
    assert list(frame.columns) == ["map@20", "map@5", "n_relevant"]


def test_evaluator_on_a_tiny_case_by_hand():
    # user 0: scores [0.9, 0.1, 0.5], item 2 relevant → list [0, 2, 1]: P@1 = 0, RR = 1/2, AP@3 = (1/2)/1,
    #         AUC: item 2 beats item 1, loses to item 0 → 1/2
    # user 1: scores [0.2, 0.8, 0.4], item 1 excluded, item 0 relevant → list [2, 0]: P@3 = 1/3 (k divides),
    #         nDCG@3 = (1/log2 3) / 1, AUC: item 0 loses to item 2 → 0
    scores = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.4]])
    relevant = np.array([[0, 0, 1], [1, 0, 0]])
    exclude = np.array([[0, 0, 0], [0, 1, 0]])
    frame = evaluate_rankings(scores, relevant, k=(1, 3), exclude=exclude)
    assert frame["precision@1"].tolist() == [0.0, 0.0]
    assert frame["precision@3"].tolist() == pytest.approx([1 / 3, 1 / 3])
    assert frame["mrr@3"].tolist() == [0.5, 0.5]
    assert frame["map@3"].tolist() == [0.5, 0.5]
    assert frame["ndcg@3"].tolist() == pytest.approx([1 / LOG3, 1 / LOG3])
    assert frame["auc"].tolist() == [0.5, 0.0]


def test_summarise_skips_users_without_relevant_items():
    scores, relevant, exclude = _random_problem(5)
    frame = evaluate_rankings(scores, relevant, k=(5, 10), exclude=exclude)
    summary = summarise(frame)
    kept = frame[frame["n_relevant"] > 0]
    assert summary["n_users"] == len(frame) == 41
    assert summary["n_skipped"] == frame["n_relevant"].eq(0).sum() >= 3  # users 0, 1, 2 and any random ones
    assert summary["ndcg@10"] == pytest.approx(kept["ndcg@10"].mean())
    assert summary["auc"] == pytest.approx(np.nanmean(kept["auc"]))  # user 3 has no non-relevant candidate
    assert "n_relevant" not in summary.index and not summary.isna().any()
    # without n_relevant, all-NaN rows are the skipped ones
    assert summarise(frame.drop(columns="n_relevant"))["n_skipped"] == summary["n_skipped"]


# ------------------------------------------------------------------------------------------ bad inputs
@pytest.mark.parametrize("k", [0, -1, 2.5, True, "5"])
def test_bad_k_is_rejected_with_its_value(k):
    with pytest.raises(ParameterError, match=f"positive integer, got {k!r}"):
        precision_at_k(RANKED, RELEVANT, k=k)
    with pytest.raises(ParameterError, match="positive integer"):
        rank_items(np.zeros(3), k=k)
    with pytest.raises(ParameterError, match="positive integer"):
        evaluate_rankings(np.zeros((2, 3)), np.eye(2, 3), k=(5, k))


def test_nan_scores_are_rejected():
    with pytest.raises(ParameterError, match=r"NaN at item\(s\) \[1\]"):
        rank_items(np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ParameterError, match="NaN"):
        auc(np.array([0.0, np.nan, 1.0]), [0])
    scores = np.zeros((5, 3))
    scores[3, 2] = np.nan
    with pytest.raises(ParameterError, match="first at user 3, item 2"):
        evaluate_rankings(scores, np.eye(5, 3), batch_users=2)


def test_shape_mismatches_are_rejected():
    scores = np.zeros((4, 3))
    with pytest.raises(ParameterError, match=r"relevant must have the shape of scores \(4, 3\), got shape \(4, 2\)"):
        evaluate_rankings(scores, sp.csr_matrix((4, 2)))
    with pytest.raises(ParameterError, match=r"exclude must have the shape of scores \(4, 3\), got shape \(3, 3\)"):
        evaluate_rankings(scores, np.eye(4, 3), exclude=np.zeros((3, 3)))
    with pytest.raises(ParameterError, match=r"shape \(n_users, n_items\), got shape \(3,\)"):
        evaluate_rankings(np.zeros(3), np.zeros(3))
    with pytest.raises(ParameterError, match="toarray"):
        evaluate_rankings(sp.csr_matrix(scores), np.eye(4, 3))
    with pytest.raises(ParameterError, match=r"shape \(n_items,\), got shape \(2, 2\)"):
        rank_items(np.zeros((2, 2)))
    with pytest.raises(ParameterError, match=r"shape \(3,\), got shape \(4,\)"):
        rank_items(np.zeros(3), exclude=np.zeros(4, dtype=bool))
    with pytest.raises(ParameterError, match="item index 5, but there are only 3 items"):
        auc(np.zeros(3), [5])


def test_other_bad_inputs_are_rejected():
    with pytest.raises(ParameterError, match=r"item\(s\) \[1\] more than once"):
        precision_at_k([1, 2, 1], {1}, k=3)
    with pytest.raises(ParameterError, match="integer item indices, got dtype float64"):
        recall_at_k(np.array([0.5, 1.0]), {1}, k=2)
    with pytest.raises(ParameterError, match="non-negative item indices, got -1"):
        ndcg_at_k([0, 1], [-1], k=2)
    with pytest.raises(ParameterError, match="'precision@10'"):
        evaluate_rankings(np.zeros((2, 3)), np.eye(2, 3), metrics=("precision@10",))
    with pytest.raises(ParameterError, match="batch_users must be a positive integer, got 0"):
        evaluate_rankings(np.zeros((2, 3)), np.eye(2, 3), batch_users=0)
    with pytest.raises(ParameterError, match="got ndarray"):
        summarise(np.zeros((2, 2)))


@pytest.mark.parametrize("sparse", [False, True])
def test_nan_in_relevant_is_refused_not_counted_as_relevant(sparse):
    scores = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.4]])
    relevant = np.array([[0.0, np.nan, 1.0], [1.0, 0.0, 0.0]])
    with pytest.raises(ParameterError, match="relevant holds NaN") as info:
        evaluate_rankings(scores, sp.csr_matrix(relevant) if sparse else relevant, k=1)
    assert "user 0, item 1" in str(info.value) and "0 or 1" in str(info.value)
