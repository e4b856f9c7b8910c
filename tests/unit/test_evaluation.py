import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from cbrec_lab.evaluation import evaluate_scores, results_table, split_held_out_plays, split_held_out_songs
from cbrec_lab.exceptions import ParameterError


@pytest.fixture
def plays():
    matrix = sp.random(60, 40, density=0.3, random_state=0, format="csr")
    matrix.data = np.ceil(matrix.data * 5)
    return matrix


def test_held_out_plays_partition_each_users_songs(plays):
    split = split_held_out_plays(plays, test_fraction=0.25, min_plays=5, seed=1)
    assert (split.train + split.test != plays).nnz == 0, "nothing lost, nothing added"
    assert split.train.multiply(split.test).nnz == 0, "disjoint"
    per_user = np.diff(plays.indptr)
    hidden = np.diff(split.test.indptr)
    expected = np.where(per_user >= 5, np.ceil(0.25 * per_user), 0)
    np.testing.assert_array_equal(hidden, expected)
    again = split_held_out_plays(plays, test_fraction=0.25, min_plays=5, seed=1)
    assert (again.test != split.test).nnz == 0


def test_held_out_songs_are_stratified_and_disjoint(plays):
    groups = np.repeat(["a", "b", "c", "d"], 10)
    split = split_held_out_songs(plays, test_fraction=0.2, groups=groups, seed=0)
    assert len(np.intersect1d(split.train_items, split.test_items)) == 0
    assert len(split.train_items) + len(split.test_items) == 40
    assert pd.Series(groups[split.test_items]).value_counts().to_dict() == {"a": 2, "b": 2, "c": 2, "d": 2}
    assert (split.test != plays[:, split.test_items]).nnz == 0


def test_a_perfect_scorer_beats_a_random_one(plays):
    split = split_held_out_plays(plays, seed=2)
    oracle = split.test.toarray().astype(float)
    noise = np.random.default_rng(0).random(plays.shape)
    _, best = evaluate_scores(oracle + 1e-3 * noise, split.test, exclude=split.train, k=(10,), name="oracle")
    _, rand = evaluate_scores(noise, split.test, exclude=split.train, k=(10,), name="random")
    assert best["auc"] == pytest.approx(1.0) and best["ndcg@10"] == pytest.approx(1.0)
    assert 0.35 < rand["auc"] < 0.65
    table = results_table({"oracle": best, "random": rand}, ["ndcg@10", "auc"])
    assert list(table.index) == ["oracle", "random"] and table.index.name == "model"
    with pytest.raises(ParameterError, match="Unknown metric"):
        results_table({"oracle": best}, ["ndcg@99"])


@pytest.mark.parametrize("fraction", [0, 1, 1.5])
def test_bad_fractions(plays, fraction):
    with pytest.raises(ParameterError, match="strictly between 0 and 1"):
        split_held_out_plays(plays, test_fraction=fraction)


@pytest.mark.parametrize("bad, shown", [(np.nan, "nan"), (-3.0, "-3"), (np.inf, "inf")])
def test_held_out_plays_refuse_non_finite_or_negative_counts(plays, bad, shown):
    broken = plays.copy()
    broken.data[7] = bad
    with pytest.raises(ParameterError, match="finite and non-negative") as info:
        split_held_out_plays(broken)
    message = str(info.value)
    assert shown in message and "user" in message and "item" in message
