"""The all-items / cold-start split of VBPR (He & McAuley 2016, §5.3) and its AUC."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from cbrec_lab.evaluation import FeedbackSplit, auc_per_user, mean_auc, split_all_items_and_cold_start
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.metrics import auc


def random_feedback(n_users=60, n_items=40, density=0.2, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.random((n_users, n_items)) < density).astype(np.float32)
    x[:, 0] = 0.0  # an item nobody liked
    return x


def test_hand_made_split():
    # 3 users × 6 items; item 5 has no feedback
    x = np.array([[1, 1, 1, 0, 0, 0], [0, 1, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0]])
    split = split_all_items_and_cold_start(sp.csr_matrix(x), cold_fraction=0.0, seed=0)
    assert split.cold_items.size == 0 and (split.test_cold == -1).all()
    assert split.test_all[2] == -1  # a single positive stays in training
    assert split.test_all[0] in (0, 1, 2) and split.test_all[1] in (1, 3)
    train = split.train.toarray()
    expected = x.copy()
    expected[0, split.test_all[0]] = expected[1, split.test_all[1]] = 0
    np.testing.assert_array_equal(train, expected)
    np.testing.assert_array_equal(split.positives.toarray(), x)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_test_item_in_training_and_cold_items_have_no_training_feedback(seed):
    x = random_feedback(seed=seed)
    split = split_all_items_and_cold_start(x, cold_fraction=0.25, cold_training=None, seed=seed)
    assert split.cold_training is None and "no training feedback" in repr(split)
    assert split.cold_items.size == 10 and np.all(np.diff(split.cold_items) > 0)
    train = split.train.toarray()
    assert train[:, split.cold_items].sum() == 0
    assert (train <= x).all()  # training pairs are positives
    cold = split.is_cold
    for u in range(x.shape[0]):
        warm = np.flatnonzero(x[u] * ~cold)
        cold_pos = np.flatnonzero(x[u] * cold)
        if warm.size >= 2:
            i = split.test_all[u]
            assert i in warm and train[u, i] == 0
            assert train[u].sum() == warm.size - 1
        else:
            assert split.test_all[u] == -1 and train[u].sum() == warm.size
        if cold_pos.size:
            assert split.test_cold[u] in cold_pos and train[u, split.test_cold[u]] == 0
        else:
            assert split.test_cold[u] == -1


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_a_cold_item_keeps_exactly_k_training_pairs_and_the_rest_are_its_test_cases(k):
    # 6 users × 4 items, every pair positive: the one cold item keeps k of its 6 pairs, the other 6 − k users test it
    x = np.ones((6, 4))
    split = split_all_items_and_cold_start(x, cold_fraction=0.25, cold_training=(k, k), seed=k)
    assert split.cold_training == (k, k) and split.cold_items.size == 1
    (cold,) = split.cold_items
    train = split.train.toarray()
    kept = np.flatnonzero(train[:, cold])
    assert kept.size == k
    np.testing.assert_array_equal(np.flatnonzero(split.test_cold >= 0), np.setdiff1d(np.arange(6), kept))
    assert (split.test_cold[split.test_cold >= 0] == cold).all()
    assert (split.test_cold[kept] == -1).all()  # a kept pair is training data, never a test case
    warm = np.flatnonzero(np.arange(4) != cold)
    assert (train[:, warm].sum(axis=1) == 2).all()  # 3 warm positives, one held out for "all items"
    assert train.sum() == 6 * 2 + k
    exclude = split.exclude("cold").toarray()
    assert (exclude[train > 0] == 1).all()  # every training positive, kept cold pairs included, is excluded
    assert f"{k} training interactions each" in repr(split)


@pytest.mark.parametrize("n_users, expected_kept", [(1, 0), (2, 1), (3, 2), (5, 4)])
def test_a_cold_item_keeps_at_most_all_but_one_of_its_positives(n_users, expected_kept):
    x = np.ones((n_users, 4))
    split = split_all_items_and_cold_start(x, cold_fraction=0.25, cold_training=(4, 4), seed=0)
    (cold,) = split.cold_items
    assert split.train[:, cold].sum() == expected_kept
    assert (split.test_cold >= 0).sum() == n_users - expected_kept


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_papers_cold_start_keeps_one_to_four_training_pairs_and_leaks_none_into_test(seed):
    x = random_feedback(seed=seed)
    x[:5, 1] = 0
    x[0, 1] = 1  # item 1: one positive
    split = split_all_items_and_cold_start(x, cold_fraction=0.5, seed=seed)  # default cold_training=(1, 4)
    assert split.cold_training == (1, 4) and "1–4 training interactions each" in repr(split)
    train = split.train.toarray()
    assert (train <= x).all()
    per_item = x.sum(axis=0)
    kept = train[:, split.cold_items].sum(axis=0)
    for item, count in zip(split.cold_items, kept, strict=True):
        if per_item[item] <= 1:
            assert count == 0
        else:
            assert 1 <= count <= min(4, per_item[item] - 1)
    assert len(set(kept[per_item[split.cold_items] > 5].tolist())) > 1  # k is drawn per item
    cold = split.is_cold
    for u in range(x.shape[0]):
        test_cases = np.flatnonzero(x[u] * cold * (train[u] == 0))
        if test_cases.size:
            assert split.test_cold[u] in test_cases
        else:
            assert split.test_cold[u] == -1
        warm = np.flatnonzero(x[u] * ~cold)
        assert train[u, warm].sum() == warm.size - (warm.size >= 2)
    exclude = split.exclude("cold").toarray()
    np.testing.assert_array_equal(exclude, x - split.relevant("cold").toarray())


def test_the_zero_feedback_variant_draws_the_same_cold_items_and_users_as_the_default():
    x = random_feedback(seed=7)
    none = split_all_items_and_cold_start(x, cold_fraction=0.2, cold_training=None, seed=3)
    paper = split_all_items_and_cold_start(x, cold_fraction=0.2, seed=3)
    np.testing.assert_array_equal(none.cold_items, paper.cold_items)
    assert none.train[:, none.cold_items].nnz == 0 < paper.train[:, paper.cold_items].nnz
    np.testing.assert_array_equal(none.test_all >= 0, paper.test_all >= 0)


def test_same_seed_same_split_other_seed_other_split():
    x = random_feedback()
    a = split_all_items_and_cold_start(x, cold_fraction=0.2, seed=5)
    b = split_all_items_and_cold_start(x, cold_fraction=0.2, seed=5)
    c = split_all_items_and_cold_start(x, cold_fraction=0.2, seed=6)
    np.testing.assert_array_equal(a.cold_items, b.cold_items)
    np.testing.assert_array_equal(a.test_all, b.test_all)
    np.testing.assert_array_equal(a.test_cold, b.test_cold)
    assert (a.train != b.train).nnz == 0
    assert not np.array_equal(a.cold_items, c.cold_items) or not np.array_equal(a.test_all, c.test_all)


def test_table_input_with_a_catalogue_order():
    table = pd.DataFrame(
        {"user_id": ["u1", "u1", "u1", "u2", "u2", "u2"], "item_id": ["b", "c", "c", "a", "b", "d"]}
    )  # ("u1", "c") twice: one positive
    split = split_all_items_and_cold_start(table, cold_fraction=0.0, seed=0, item_ids=["a", "b", "c", "d", "e"])
    assert split.shape == (2, 5)
    assert list(split.user_ids) == ["u1", "u2"] and list(split.item_ids) == ["a", "b", "c", "d", "e"]
    assert split.positives.nnz == 5 and split.positives.toarray()[:, 4].sum() == 0
    assert split.train.nnz == 3
    with pytest.raises(ParameterError, match="outside"):
        split_all_items_and_cold_start(table, item_ids=["a", "b"])


def test_mean_auc_is_the_papers_auc():
    x = random_feedback(n_users=30, n_items=25, density=0.3, seed=3)
    split = split_all_items_and_cold_start(x, cold_fraction=0.2, seed=0)
    scores = np.random.default_rng(1).normal(size=x.shape)
    for setting, test in (("all", split.test_all), ("cold", split.test_cold)):
        users = np.flatnonzero(test >= 0)
        by_hand = []
        for u in users:
            i = test[u]
            negatives = np.flatnonzero(x[u] == 0)  # every item that is not a positive of u, warm or cold
            x_ui, x_uj = scores[u, i], scores[u, negatives]
            by_hand.append(np.mean((x_ui > x_uj) + 0.5 * (x_ui == x_uj)))
            other_positives = np.flatnonzero(x[u] * (np.arange(25) != i))
            assert by_hand[-1] == pytest.approx(auc(scores[u], [i], exclude=other_positives))
        per_user = auc_per_user(scores, split, setting)
        np.testing.assert_array_equal(per_user.index, users)
        np.testing.assert_allclose(per_user.to_numpy(), by_hand)
        assert mean_auc(scores, split, setting) == pytest.approx(np.mean(by_hand))
    assert mean_auc(x.astype(float), split, "all") == 1.0  # scoring the positives first
    assert mean_auc(np.zeros(x.shape), split, "cold") == 0.5  # all ties


def test_no_cold_test_user_gives_nan():
    split = split_all_items_and_cold_start(np.eye(5) + np.eye(5, k=1), cold_fraction=0.0)
    assert np.isnan(mean_auc(np.zeros((5, 5)), split, "cold"))
    assert isinstance(split, FeedbackSplit) and "5 users" in repr(split)


@pytest.mark.parametrize(
    "interactions, kwargs, message",
    [
        (np.ones((3, 4)), {"cold_fraction": 1.0}, "cold_fraction"),
        (np.ones((3, 4)), {"cold_fraction": -0.1}, "cold_fraction"),
        (np.ones((3, 4)), {"seed": -1}, "seed"),
        (np.ones((3, 4)), {"cold_training": (4, 1)}, "low ≤ high"),
        (np.ones((3, 4)), {"cold_training": (1,)}, "pair"),
        (np.ones((3, 4)), {"cold_training": "14"}, "pair"),
        (np.ones((3, 4)), {"cold_training": (-1, 4)}, r"cold_training\[0\]"),
        (np.ones((3, 4)), {"cold_training": (1, 2.5)}, r"cold_training\[1\]"),
        (np.ones((3, 4)), {"seed": 1.5}, "seed"),
        (np.zeros((3, 4)), {}, "no positive"),
        (np.ones(4), {}, "users × items"),
        (np.ones((3, 4)), {"item_ids": [1, 2, 3, 4]}, "only for a user_id"),
        (pd.DataFrame({"user": [1], "item_id": [2]}), {}, "user_id"),
        (np.array([[1.0, np.nan]]), {}, "NaN"),
    ],
)
def test_bad_input_is_refused(interactions, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        split_all_items_and_cold_start(interactions, **kwargs)


def test_bad_scores_or_setting_are_refused():
    split = split_all_items_and_cold_start(np.ones((3, 4)), cold_fraction=0.25)
    with pytest.raises(ParameterError, match="setting"):
        mean_auc(np.zeros((3, 4)), split, "warm")
    with pytest.raises(ParameterError, match="shape"):
        mean_auc(np.zeros((3, 5)), split, "all")
    with pytest.raises(ParameterError, match="FeedbackSplit"):
        mean_auc(np.zeros((3, 4)), {"train": None}, "all")


def test_a_scorer_called_on_user_batches_gives_the_same_auc():
    x = random_feedback(n_users=30, n_items=25, density=0.3, seed=4)
    split = split_all_items_and_cold_start(x, cold_fraction=0.2, seed=1)
    scores = np.random.default_rng(2).normal(size=x.shape)
    calls = []

    def scorer(users):
        calls.append(np.asarray(users).copy())
        return scores[users]

    for setting in ("all", "cold"):
        calls.clear()
        expected = auc_per_user(scores, split, setting)
        got = auc_per_user(scorer, split, setting, batch_users=7)
        pd.testing.assert_series_equal(got, expected)
        assert max(len(c) for c in calls) <= 7
        np.testing.assert_array_equal(np.concatenate(calls), split.test_users(setting))  # test users only
        assert mean_auc(scorer, split, setting, batch_users=4) == pytest.approx(mean_auc(scores, split, setting))


def test_a_scorer_of_the_wrong_shape_or_a_bad_batch_size_is_refused():
    split = split_all_items_and_cold_start(np.ones((3, 4)), cold_fraction=0.25)
    with pytest.raises(ParameterError, match=r"scores\(users\) must return shape"):
        mean_auc(lambda users: np.zeros((len(users), 3)), split, "all")
    with pytest.raises(ParameterError, match="batch_users"):
        mean_auc(np.zeros((3, 4)), split, "all", batch_users=0)
