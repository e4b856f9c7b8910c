"""The time-ordered replay of a one-of-a-kind inventory (cbrec_lab.evaluation.replay_cases and friends)."""

import numpy as np
import pandas as pd
import pytest

from cbrec_lab.evaluation import ReplayCases, evaluate_replay, replay_cases, top_k_lists
from cbrec_lab.exceptions import ParameterError

DAY = pd.Timestamp("2020-01-01")


def day(n):
    return DAY + pd.Timedelta(days=n)


@pytest.fixture
def market():
    """9 artworks, 3 customers.

    - A buys I0 on day 2 and I1 on day 10 (target I1, profile {I0}).
    - B buys I2 on day 3, I3 on day 6, then I4 and I5 together on day 15 (targets {I4, I5}, profile {I2, I3}).
    - C buys only I6, on day 8 (no profile: skipped unless min_profile=0).
    I4 is uploaded on day 12 (after A's case), I7 on day 20 (after every case); I7 and I8 are never sold.
    """
    uploads = [0, 0, 0, 5, 12, 1, 0, 20, 0]
    items = pd.DataFrame(
        {"upload_time": [day(u) for u in uploads], "artist": list("xxyyzzxyz")},
        index=pd.Index([f"I{i}" for i in range(9)], name="item_id"),
    )
    rows = [
        ("A", "I0", 2),
        ("B", "I2", 3),
        ("B", "I3", 6),
        ("C", "I6", 8),
        ("A", "I1", 10),
        ("B", "I4", 15),
        ("B", "I5", 15),
    ]
    interactions = pd.DataFrame(
        {"user_id": [r[0] for r in rows], "item_id": [r[1] for r in rows], "timestamp": [day(r[2]) for r in rows]}
    )
    return interactions, items


def as_sets(matrix):
    dense = matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)
    return [set(np.flatnonzero(row).tolist()) for row in dense]


def test_cases_profile_targets_and_available_are_exact(market):
    cases = replay_cases(*market)
    assert isinstance(cases, ReplayCases)
    assert cases.users.tolist() == ["A", "B"], "C has a single purchase: skipped with min_profile=1"
    np.testing.assert_array_equal(cases.times, np.array([day(10), day(15)], dtype="datetime64[ns]"))
    assert as_sets(cases.profile) == [{0}, {2, 3}]
    assert as_sets(cases.targets) == [{1}, {4, 5}]
    # A at day 10: I4 not uploaded yet, I7 neither; I0 I2 I3 I6 sold before; I1 sold exactly then (the target).
    # B at day 15: I0 I1 I2 I3 I6 sold before, I7 not uploaded; I4 and I5 are the targets.
    assert as_sets(cases.available) == [{1, 5, 8}, {4, 5, 8}]
    assert cases.item_ids.tolist() == [f"I{i}" for i in range(9)]
    assert cases.rows.tolist() == [0, 1]
    assert cases.profile.shape == cases.targets.shape == cases.available.shape == (2, 9)


def test_own_profile_is_never_available_and_targets_always_are(market):
    cases = replay_cases(*market)
    assert not (cases.profile.toarray().astype(bool) & cases.available).any()
    assert (cases.available[cases.targets.toarray().astype(bool)]).all()


def test_min_profile_controls_which_users_get_a_case(market):
    everyone = replay_cases(*market, min_profile=0)
    assert everyone.users.tolist() == ["C", "A", "B"], "ordered by time"
    assert as_sets(everyone.profile)[0] == set() and as_sets(everyone.targets)[0] == {6}
    # C at day 8: I0 I2 I3 sold before; I4 and I7 not uploaded
    assert as_sets(everyone.available)[0] == {1, 5, 6, 8}
    assert replay_cases(*market, min_profile=2).users.tolist() == ["B"]
    assert replay_cases(*market, min_profile=3).n_cases == 0


def test_cases_do_not_depend_on_the_row_order_of_interactions(market):
    interactions, items = market
    shuffled = interactions.sample(frac=1.0, random_state=3)
    a, b = replay_cases(interactions, items), replay_cases(shuffled, items)
    assert a.users.tolist() == b.users.tolist()
    assert (a.profile != b.profile).nnz == 0 and (a.targets != b.targets).nnz == 0
    np.testing.assert_array_equal(a.available, b.available)


def test_sold_before_lists_the_market_history(market):
    cases = replay_cases(*market, min_profile=0)
    assert as_sets(cases.sold_before()) == [{0, 2, 3}, {0, 2, 3, 6}, {0, 1, 2, 3, 6}]


def test_a_sold_item_is_never_recommended(market):
    cases = replay_cases(*market)
    scores = np.zeros((2, 9))
    scores[:, [0, 2, 3, 6]] = 100.0  # sold before both cases
    lists = top_k_lists(scores, cases, 5)
    assert lists.tolist() == [[1, 5, 8, -1, -1], [4, 5, 8, -1, -1]]


def test_an_item_is_not_recommended_before_its_upload(market):
    cases = replay_cases(*market)
    scores = np.zeros((2, 9))
    scores[:, 4] = 5.0  # uploaded on day 12: after A's case, before B's
    scores[:, 7] = 9.0  # uploaded on day 20: after both
    lists = top_k_lists(scores, cases, 2)
    assert lists.tolist() == [[1, 5], [4, 5]]


def test_ties_are_broken_by_the_lower_item_index(market):
    cases = replay_cases(*market)
    scores = np.zeros((2, 9))
    scores[1, [8, 5]] = 1.0  # 5 and 8 tie above 4
    assert top_k_lists(scores, cases, 3).tolist() == [[1, 5, 8], [5, 8, 4]]
    assert top_k_lists(-scores, cases, 1).tolist() == [[1], [4]]


def test_evaluate_replay_hand_computed(market):
    cases = replay_cases(*market)
    scores = np.zeros((2, 9))
    scores[0] = [9, 1, 9, 9, 9, 3, 9, 9, 0]  # A ranks 5, 1, 8: the target at position 2
    scores[1] = [9, 9, 9, 9, 1, 0, 9, 9, 2]  # B ranks 8, 4, 5: targets at positions 2 and 3
    frame = evaluate_replay(scores, cases, k=(1, 2, 10), metrics=("recall", "precision", "ndcg"))
    assert frame.index.tolist() == ["A", "B"]
    np.testing.assert_allclose(frame["recall@1"], [0.0, 0.0])
    np.testing.assert_allclose(frame["recall@2"], [1.0, 0.5])
    np.testing.assert_allclose(frame["precision@2"], [0.5, 0.5])
    np.testing.assert_allclose(frame["precision@10"], [0.1, 0.2])
    ideal_b = 1 + 1 / np.log2(3)
    np.testing.assert_allclose(frame["ndcg@10"], [1 / np.log2(3), (1 / np.log2(3) + 1 / np.log2(4)) / ideal_b])
    assert frame["n_relevant"].tolist() == [1, 2]


def test_split_by_time_puts_the_earlier_cases_in_validation(market):
    cases = replay_cases(*market, min_profile=0)
    validation, test = cases.split_by_time(validation_fraction=0.34)
    assert validation.users.tolist() == ["C"] and test.users.tolist() == ["A", "B"]
    assert validation.times.max() <= test.times.min()
    assert validation.rows.tolist() == [0] and test.rows.tolist() == [1, 2]
    assert as_sets(test.targets) == [{1}, {4, 5}]
    np.testing.assert_array_equal(test.available, cases.available[1:])
    # a score matrix of the full replay is sliced with .rows
    scores = np.arange(27.0).reshape(3, 9)
    np.testing.assert_array_equal(top_k_lists(scores[test.rows], test, 2), top_k_lists(scores, cases, 2)[1:])
    validation, test = cases.split_by_time(validation_fraction=0.5)
    assert validation.users.tolist() == ["C", "A"] and test.users.tolist() == ["B"]


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.2, 0.1, 0.9, True])
def test_split_by_time_rejects_fractions_leaving_a_period_empty(market, fraction):
    cases = replay_cases(*market, min_profile=0)
    with pytest.raises(ParameterError, match="validation"):
        cases.split_by_time(validation_fraction=fraction)


def test_replay_rejects_bad_inputs(market):
    interactions, items = market
    with pytest.raises(ParameterError, match=r"I0.*sold more than once"):
        replay_cases(pd.concat([interactions, interactions.iloc[[0]].assign(user_id="D")]), items)
    early = interactions.copy()
    early.loc[early["item_id"] == "I4", "timestamp"] = day(11)
    with pytest.raises(ParameterError, match=r"I4.*before their upload_time"):
        replay_cases(early, items)
    with pytest.raises(ParameterError, match="missing from items.*Z9"):
        replay_cases(interactions.assign(item_id=["Z9"] + interactions["item_id"].tolist()[1:]), items)
    with pytest.raises(ParameterError, match="timestamp"):
        replay_cases(interactions.drop(columns="timestamp"), items)
    with pytest.raises(ParameterError, match="upload_time"):
        replay_cases(interactions, items.drop(columns="upload_time"))
    with pytest.raises(ParameterError, match="min_profile.*-1"):
        replay_cases(interactions, items, min_profile=-1)
    cases = replay_cases(interactions, items)
    with pytest.raises(ParameterError, match=r"shape \(2, 9\).*\(2, 8\)"):
        evaluate_replay(np.zeros((2, 8)), cases)
    with pytest.raises(ParameterError, match="NaN"):
        top_k_lists(np.full((2, 9), np.nan), cases, 3)
    with pytest.raises(ParameterError, match="k must be a positive integer.*0"):
        top_k_lists(np.zeros((2, 9)), cases, 0)


@pytest.fixture(scope="module")
def art_kit():
    from cbrec_lab.datasets import load_art_kit

    return load_art_kit("ci", progress=False)


def test_art_kit_replay(art_kit):
    interactions, items = art_kit.interactions, art_kit.items
    cases = replay_cases(interactions, items)
    transactions = interactions.groupby("user_id")["timestamp"].nunique()
    assert cases.n_cases == int((transactions >= 2).sum()) > 0
    assert set(cases.users) == set(transactions.index[transactions >= 2])
    assert np.all(np.diff(cases.times.astype(np.int64)) >= 0), "cases in time order"
    assert cases.targets.sum() + cases.profile.sum() == interactions["user_id"].isin(cases.users).sum()
    # scores that push every sold or not-yet-uploaded item to the top still recommend available items only
    rng = np.random.default_rng(0)
    for scores in (rng.random((cases.n_cases, cases.n_items)), (~cases.available).astype(float)):
        lists = top_k_lists(scores, cases, 20)
        listed = lists >= 0
        assert cases.available[np.nonzero(listed)[0], lists[listed]].all()
        assert (listed.sum(axis=1) == np.minimum(20, cases.available.sum(axis=1))).all()
    frame = evaluate_replay(rng.random((cases.n_cases, cases.n_items)), cases)
    assert (frame["n_relevant"] >= 1).all(), "every target is available at its case"
