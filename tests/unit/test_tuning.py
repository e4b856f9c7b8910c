"""Hybrid weights tuned on the validation period of a replay (cbrec_lab.evaluation.tuning)."""

import numpy as np
import pandas as pd
import pytest

from cbrec_lab.evaluation import replay_cases, tune_hybrid_weights
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.recommend import random_scores


@pytest.fixture(scope="module")
def kit_cases():
    from cbrec_lab.datasets import load_art_kit

    kit = load_art_kit("ci", progress=False)
    cases = replay_cases(kit.interactions, kit.items)
    return cases.split_by_time(validation_fraction=0.5)


def test_tuning_picks_the_obviously_best_component(kit_cases):
    validation, _ = kit_cases
    shape = (validation.n_cases, validation.n_items)
    targets = validation.targets.toarray()
    score_dict = {"noise": random_scores(*shape, seed=0), "oracle": targets, "anti": -targets}
    tuning = tune_hybrid_weights(score_dict, validation, k=20)
    assert tuning.weights == {"noise": 0.0, "oracle": 1.0, "anti": 0.0}
    assert tuning.score == pytest.approx(1.0) and tuning.metric == "ndcg@20"
    table = tuning.table
    assert list(table.columns) == ["noise", "oracle", "anti", "ndcg@20"]
    np.testing.assert_allclose(table[["noise", "oracle", "anti"]].sum(axis=1), 1.0)
    assert not table[["noise", "oracle", "anti"]].round(12).duplicated().any()
    assert len(table) == 91  # the distinct directions of {0, .25, .5, .75, 1}³ without 0 (125 − 1 − 33 repeats)
    # anti alone is the worst
    assert table.loc[(table["anti"] == 1.0), "ndcg@20"].item() == table["ndcg@20"].min()


def test_tuning_breaks_ties_by_grid_order_and_is_deterministic(kit_cases):
    validation, _ = kit_cases
    targets = validation.targets.toarray()
    tuning = tune_hybrid_weights({"a": targets, "b": targets}, validation, grid=(0, 1), metric="recall", k=10)
    assert tuning.weights == {"a": 0.0, "b": 1.0}, "(0, 1) comes before (1, 0) and (0.5, 0.5) in grid order"
    assert tuning.table["recall@10"].tolist() == [1.0, 1.0, 1.0]
    again = tune_hybrid_weights({"a": targets, "b": targets}, validation, grid=(0, 1), metric="recall", k=10)
    pd.testing.assert_frame_equal(tuning.table, again.table)


def test_tuning_rejects_bad_inputs(kit_cases):
    validation, test = kit_cases
    good = {"a": np.zeros((validation.n_cases, validation.n_items))}
    with pytest.raises(ParameterError, match=r"one row per validation case.*scores\[cases_validation.rows\]"):
        tune_hybrid_weights({"a": np.zeros((test.n_cases + 1, test.n_items))}, validation)
    with pytest.raises(ParameterError, match=r"grid.*-0.5"):
        tune_hybrid_weights(good, validation, grid=(-0.5, 1))
    with pytest.raises(ParameterError, match="grid"):
        tune_hybrid_weights(good, validation, grid=(0, 0))
    with pytest.raises(ParameterError, match="metric.*'hits'"):
        tune_hybrid_weights(good, validation, metric="hits")
    with pytest.raises(ParameterError, match="k must be a positive integer.*0"):
        tune_hybrid_weights(good, validation, k=0)
    with pytest.raises(ParameterError, match="ReplayCases"):
        tune_hybrid_weights(good, validation.available)
    with pytest.raises(ParameterError, match="non-empty mapping"):
        tune_hybrid_weights({}, validation)
