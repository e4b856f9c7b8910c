"""Scorers and hybrid of the UGallery study (cbrec_lab.recommend); the recommender classes in test_recommender."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import cbrec_lab.recommend as recommend
from cbrec_lab.evaluation import replay_cases
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.recommend import (
    attribute_matrix,
    content_scores,
    favourite_artist_scores,
    hybrid_scores,
    most_popular_scores,
    mpcav_scores,
    normalise_scores,
    pmpcav_scores,
    random_scores,
)

R = 1 / np.sqrt(2)


# ------------------------------------------------------------------------------------------ content scores
FEATURES = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
PROFILE = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0]])


def test_content_scores_by_hand():
    # cos: items 0 and 1 are orthogonal, item 2 is at 45° to both
    np.testing.assert_allclose(content_scores(PROFILE, FEATURES, aggregation="max"), [[1, 0, R], [1, 1, R], [0, 0, 0]])
    np.testing.assert_allclose(
        content_scores(PROFILE, FEATURES, aggregation="average"), [[1, 0, R], [0.5, 0.5, R], [0, 0, 0]]
    )
    np.testing.assert_allclose(
        content_scores(PROFILE, FEATURES, aggregation="top_k", k=1), [[1, 0, R], [1, 1, R], [0, 0, 0]]
    )
    np.testing.assert_allclose(
        content_scores(sp.csr_matrix(PROFILE), FEATURES, aggregation="top_k", k=2),
        [[1, 0, R], [0.5, 0.5, R], [0, 0, 0]],
    )


def test_content_scores_of_a_zero_feature_row_are_zero_not_nan():
    features = np.array([[1.0, 0.0], [0.0, 0.0], [2.0, 0.0]])
    for aggregation in ("max", "average", "top_k"):
        scores = content_scores([[1, 1, 0]], features, aggregation=aggregation, k=2)
        assert np.isfinite(scores).all()
    np.testing.assert_allclose(content_scores([[0, 1, 0]], features), [[0, 0, 0]])
    np.testing.assert_allclose(content_scores([[1, 1, 0]], features, aggregation="average"), [[0.5, 0, 0.5]])


def loop_reference(profile, features, aggregation, k):
    unit = features / np.where(
        np.linalg.norm(features, axis=1, keepdims=True) > 0, np.linalg.norm(features, axis=1, keepdims=True), 1
    )
    out = np.zeros(profile.shape)
    for u in range(profile.shape[0]):
        members = np.flatnonzero(profile[u])
        if members.size == 0:
            continue
        for i in range(profile.shape[1]):
            sims = np.sort([unit[i] @ unit[j] for j in members])[::-1]
            if aggregation == "max":
                out[u, i] = sims[0]
            elif aggregation == "average":
                out[u, i] = sims.mean()
            else:
                out[u, i] = sims[: min(k, sims.size)].mean()
    return out


@pytest.mark.parametrize("chunk", [None, 50])
def test_content_scores_match_a_per_user_loop(monkeypatch, chunk):
    if chunk is not None:
        monkeypatch.setattr(recommend, "_CHUNK_ELEMENTS", chunk)  # forces one case per chunk
    rng = np.random.default_rng(7)
    features = rng.normal(size=(25, 4))
    features[3] = 0.0
    profile = rng.random((12, 25)) < np.linspace(0, 0.5, 12)[:, None]  # from empty to about 12 items
    profile[5, :] = False
    for aggregation, k in [("max", 3), ("average", 3), ("top_k", 1), ("top_k", 2), ("top_k", 4), ("top_k", 30)]:
        np.testing.assert_allclose(
            content_scores(sp.csr_matrix(profile), features, aggregation=aggregation, k=k),
            loop_reference(profile, features, aggregation, k),
            atol=1e-12,
            err_msg=f"{aggregation}, k={k}",
        )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: content_scores(PROFILE, FEATURES, aggregation="median"), "aggregation.*'median'"),
        (lambda: content_scores(PROFILE, FEATURES, aggregation="top_k", k=0), "k must be a positive integer.*0"),
        (lambda: content_scores(PROFILE, FEATURES, k=True), "k must be a positive integer.*True"),
        (lambda: content_scores(PROFILE, FEATURES[:2]), "features has 2 row.*3 item"),
        (lambda: content_scores(PROFILE, np.array([[1.0, np.nan]] * 3)), "NaN or infinite.*row"),
        (lambda: content_scores(PROFILE[0], FEATURES), r"2-D.*\(3,\)"),
        (lambda: pmpcav_scores(PROFILE, ["a", "b"]), "attribute_values has 2 row.*3 item"),
        (lambda: favourite_artist_scores(PROFILE, pd.DataFrame({"a": [1, 2, 3]})), "one artist name per item"),
        (lambda: pmpcav_scores(PROFILE, {"a": ["x"] * 3, "b": ["y"] * 2}), "lengths"),
        (lambda: random_scores(0, 3), "n_cases.*0"),
        (lambda: random_scores(2, 3, seed=-1), "seed must be a non-negative integer, got -1"),
        (lambda: random_scores(2, 3, seed=1.0), r"seed must be a non-negative integer, got 1\.0 of type float"),
        (lambda: most_popular_scores([1.0, np.nan], 2), "NaN"),
    ],
)
def test_scorers_reject_bad_inputs(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


# --------------------------------------------------------------------------------- attribute-based scores
def test_attribute_matrix_handles_sets_missing_values_and_several_attributes():
    matrix, labels = attribute_matrix(["red;blue", "blue", None, " red ; red"])
    assert labels == ["red", "blue"]
    np.testing.assert_array_equal(matrix.toarray(), [[1, 1], [0, 1], [0, 0], [1, 0]])
    matrix, labels = attribute_matrix(pd.DataFrame({"medium": ["oil", "ink"], "tags": ["oil;sea", ""]}))
    assert labels == ["medium=oil", "medium=ink", "tags=oil", "tags=sea"]
    np.testing.assert_array_equal(matrix.toarray(), [[1, 0, 1, 1], [0, 1, 0, 0]])
    _, labels = attribute_matrix(["Ann;Bo", "Cy"], sep=None)
    assert labels == ["Ann;Bo", "Cy"]


def test_favourite_artist_scores_by_hand():
    profile = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0]])
    artists = pd.Series(["Ann", "Ann", "Bo", "Ann", "Cy", "Bo"])
    np.testing.assert_allclose(
        favourite_artist_scores(profile, artists),
        [[2 / 3, 2 / 3, 1 / 3, 2 / 3, 0, 1 / 3], [0] * 6, [0, 0, 0, 0, 1, 0]],
    )


def test_pmpcav_scores_by_hand_single_set_valued_and_all():
    profile = sp.csr_matrix(np.array([[1, 1, 0, 0, 0], [0, 0, 0, 1, 0]]))
    medium = ["oil", "oil", "ink", "oil", "ink"]
    colours = ["red;blue", "blue", "blue;green", "green", "red"]
    np.testing.assert_allclose(pmpcav_scores(profile, medium), [[1, 1, 0, 1, 0], [1, 1, 0, 1, 0]])
    # user 0 bought {red, blue} and {blue}: red once, blue twice, green never
    expected_colours = np.array([[3, 2, 2, 0, 1], [0, 0, 1, 1, 0]]) / np.array([[2], [1]])
    np.testing.assert_allclose(pmpcav_scores(profile, colours), expected_colours)
    both = pmpcav_scores(profile, pd.DataFrame({"medium": medium, "colours": colours}))
    np.testing.assert_allclose(both, expected_colours + [[1, 1, 0, 1, 0], [1, 1, 0, 1, 0]])
    # a tag named like a medium belongs to another attribute and does not match it
    crossed = pmpcav_scores(profile, {"medium": medium, "tags": ["ink", "", "", "", ""]})
    np.testing.assert_allclose(crossed, [[1.5, 1, 0, 1, 0], [1, 1, 0, 1, 0]])


def test_mpcav_scores_count_the_market_history_before_each_case():
    interactions = pd.DataFrame(
        {
            "user_id": ["A", "B", "C", "A", "B"],
            "item_id": ["I0", "I1", "I2", "I3", "I4"],
            "timestamp": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-05"]),
        }
    )
    items = pd.DataFrame(
        {
            "upload_time": pd.to_datetime(["2019-12-01"] * 7),
            "medium": ["oil", "ink", "ink", "oil", "ink", "oil", "ink"],
        },
        index=[f"I{i}" for i in range(7)],
    )
    cases = replay_cases(interactions, items)
    assert cases.users.tolist() == ["A", "B"]
    history = cases.sold_before()
    # A's case (day 4): I0 oil, I1 ink, I2 ink sold before; B's case (day 5): also I3 oil
    scores = mpcav_scores(history, items["medium"])
    np.testing.assert_allclose(scores[0], np.where(items["medium"] == "ink", 2 / 3, 1 / 3))
    np.testing.assert_allclose(scores[1], np.full(7, 0.5))
    # the personalised version only looks at the user's own purchases
    np.testing.assert_allclose(
        pmpcav_scores(cases.profile, items["medium"])[1], (items["medium"] == "ink").to_numpy(float)
    )


def test_baselines():
    np.testing.assert_array_equal(random_scores(3, 4, seed=1), random_scores(3, 4, seed=1))
    assert not np.array_equal(random_scores(3, 4, seed=1), random_scores(3, 4, seed=2))
    np.testing.assert_array_equal(most_popular_scores(pd.Series([3, 0, 5]), 2), [[3, 0, 5], [3, 0, 5]])


# ------------------------------------------------------------------------------------------------ hybrid
def test_normalise_scores_minmax_over_available_items():
    scores = np.array([[2.0, 4.0, 3.0, 100.0], [1.0, 1.0, 1.0, 1.0], [5.0, -np.inf, 7.0, 6.0]])
    available = np.array([[1, 1, 1, 0], [1, 1, 1, 1], [1, 0, 1, 1]], dtype=bool)
    np.testing.assert_allclose(normalise_scores(scores, available), [[0, 1, 0.5, 0], [0, 0, 0, 0], [0, 0, 1, 0.5]])
    np.testing.assert_allclose(normalise_scores(np.array([[1.0, 3.0]]), method="zscore"), [[-1.0, 1.0]])
    with pytest.raises(ParameterError, match="finite on the available items.*nan"):
        normalise_scores(np.array([[np.nan, 1.0]]))
    with pytest.raises(ParameterError, match="method.*'rank'"):
        normalise_scores(scores, available, method="rank")
    with pytest.raises(ParameterError, match=r"available.*\(3, 4\).*\(2, 4\)"):
        normalise_scores(scores, available[:2])


def test_hybrid_scores_weight_the_normalised_scores():
    score_dict = {"fa": np.array([[0.0, 2.0, 1.0]]), "cnn": np.array([[0.9, 0.1, 0.5]])}
    np.testing.assert_allclose(hybrid_scores(score_dict, {"fa": 0.5, "cnn": 0.5}), [[0.5, 0.5, 0.5]])
    np.testing.assert_allclose(hybrid_scores(score_dict, {"fa": 1.0}), [[0.0, 1.0, 0.5]])
    available = np.array([[True, False, True]])
    np.testing.assert_allclose(
        hybrid_scores(score_dict, {"fa": 0.25, "cnn": 0.75}, available=available), [[0.75, 0.0, 0.25]]
    )


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"fa": -0.5, "cnn": 1.0}, "'fa'.*non-negative.*-0.5"),
        ({"fa": 0.0, "cnn": 0}, "at least one weight must be positive"),
        ({"hvf": 1.0}, r"\['hvf'\].*not among"),
        ({"fa": float("nan")}, "'fa'.*nan"),
    ],
)
def test_hybrid_scores_reject_bad_weights(weights, match):
    score_dict = {"fa": np.zeros((1, 3)), "cnn": np.ones((1, 3))}
    with pytest.raises(ParameterError, match=match):
        hybrid_scores(score_dict, weights)


def test_hybrid_scores_reject_mismatched_shapes():
    with pytest.raises(ParameterError, match="same shape"):
        hybrid_scores({"a": np.zeros((1, 3)), "b": np.zeros((1, 4))}, {"a": 1.0})


def test_recommend_does_not_import_the_evaluation_package():
    import subprocess
    import sys

    code = "import sys, cbrec_lab.recommend; print('cbrec_lab.evaluation' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
