"""The song–keyword–image network, the alias sampler and the LINE trainer."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chisquare

from cbrec_lab.exceptions import ParameterError
from cbrec_lab.models import (
    AliasTable,
    HeterogeneousNetwork,
    frequent_keywords,
    line_embedding,
    line_sgd_step,
    noise_distribution,
    song_keyword_image_network,
    tfidf_weights,
    train_line,
)


# ------------------------------------------------------------------------------------------------ alias table
def test_alias_table_encodes_exactly_the_normalised_weights():
    weights = np.array([0.5, 3.0, 0.0, 1.5, 7.0, 0.25])
    table = AliasTable(weights)
    np.testing.assert_allclose(table.probabilities, weights / weights.sum(), atol=1e-12)
    assert table.threshold[2] == 0.0 or table.alias[2] != 2  # a zero-weight outcome is never its own draw


def test_alias_sampling_matches_the_edge_weight_distribution():
    # the arcs of a small weighted network: draws must follow w_ij / Σ w (chi-square goodness of fit)
    network = HeterogeneousNetwork(
        names=("a", "b", "c", "d"),
        kinds=np.array(["song", "keyword", "keyword", "image"], dtype=object),
        edges=np.array([[0, 1], [0, 2], [3, 1], [3, 2]]),
        weights=np.array([1.0, 2.0, 4.0, 0.5]),
    )
    _, _, arc_weights = network.arcs()
    table = AliasTable(arc_weights)
    draws = table.sample(200_000, seed=7)
    observed = np.bincount(draws, minlength=len(arc_weights))
    expected = arc_weights / arc_weights.sum() * len(draws)
    assert chisquare(observed, expected).pvalue > 0.01
    # the same test rejects a sampler that ignores the weights: it has the power to fail
    uniform_draws = np.random.default_rng(7).integers(len(arc_weights), size=len(draws))
    uniform = np.bincount(uniform_draws, minlength=len(arc_weights))
    assert chisquare(uniform, expected).pvalue < 1e-6


def test_alias_sampling_is_reproducible_from_its_seed():
    table = AliasTable([1, 2, 3])
    assert np.array_equal(table.sample(50, seed=3), table.sample(50, seed=3))
    assert not np.array_equal(table.sample(50, seed=3), table.sample(50, seed=4))


@pytest.mark.parametrize("weights", [[], [[1.0, 2.0]], [1.0, -1.0], [0.0, 0.0], [1.0, np.nan]])
def test_alias_table_rejects_bad_weights(weights):
    with pytest.raises(ParameterError):
        AliasTable(weights)


# --------------------------------------------------------------------------------------------------- network
def test_frequent_keywords_ranks_by_count_then_alphabetically_and_keeps_the_always_words():
    docs = [["love", "rose"], ["love", "night"], ["rose", "love"], ["cat"], ["night"]]
    assert frequent_keywords(docs, 3) == ["love", "night", "rose"]
    assert frequent_keywords(docs, 2) == ["love", "night"]
    assert frequent_keywords(docs, 2, always=["cat"]) == ["love", "cat"]  # cat kept, ranks stay by count
    assert frequent_keywords(docs, 2, always=["dog"]) == ["love", "night"]  # absent words are not added
    with pytest.raises(ParameterError, match="n_keywords"):
        frequent_keywords(docs, 0)
    with pytest.raises(ParameterError, match="token lists"):
        frequent_keywords("love rose", 2)


def test_tfidf_weights_by_hand():
    docs = [["love", "love", "rose"], ["rose"], ["cat"]]
    document, keyword, weight = tfidf_weights(docs, ["love", "rose"])
    idf_love = np.log(4 / 2) + 1  # N = 3, df = 1
    idf_rose = np.log(4 / 3) + 1  # df = 2
    assert document.tolist() == [0, 0, 1] and keyword.tolist() == [0, 1, 1]
    np.testing.assert_allclose(weight, [2 * idf_love, idf_rose, idf_rose])


def test_network_links_songs_and_images_through_keywords():
    network = song_keyword_image_network(
        ["s1", "s2", "s3"],
        [["love", "rose"], ["jig"], ["rose"]],
        ["i1", "i2"],
        ["rose", ["love"]],
        keywords=["love", "rose"],
    )
    assert network.names == ("s1", "s3", "love", "rose", "i1", "i2")  # s2 has no keyword: left out
    assert network.kinds.tolist() == ["song", "song", "keyword", "keyword", "image", "image"]
    table = network.edge_table()
    assert set(zip(table.source, table.target, strict=True)) == {
        ("s1", "love"),
        ("s1", "rose"),
        ("s3", "rose"),
        ("i1", "rose"),
        ("i2", "love"),
    }
    assert set(table.kind) == {"song–keyword", "image–keyword"}
    weights = network.weight_matrix("song", "keyword")
    assert weights.loc["s1", "love"] == pytest.approx(np.log(4 / 2) + 1)  # df over the 3 songs given
    assert weights.loc["s3", "love"] == 0.0
    # degree: sum of the weights around a vertex
    assert network.degree()[network.index(["rose"])[0]] == pytest.approx(table.weight[table.target == "rose"].sum())


def test_network_bad_inputs():
    with pytest.raises(ParameterError, match="no keyword among"):
        song_keyword_image_network(["s1"], [["love"]], ["i1"], ["snow"], keywords=["love"])
    with pytest.raises(ParameterError, match="aligned"):
        song_keyword_image_network(["s1", "s2"], [["love"]], [], [], keywords=["love"])
    with pytest.raises(ParameterError, match="unique"):
        song_keyword_image_network(["s1", "love"], [["love"], ["love"]], [], [], keywords=["love"])
    with pytest.raises(ParameterError, match="positive"):
        HeterogeneousNetwork(
            names=("a", "b"),
            kinds=np.array(["song", "keyword"], dtype=object),
            edges=np.array([[0, 1]]),
            weights=np.array([0.0]),
        )
    with pytest.raises(ParameterError, match="no vertex"):
        song_keyword_image_network(["s1"], [["love"]], [], [], keywords=["love"]).index(["nope"])


def test_noise_distribution_is_proportional_to_degree_to_the_three_quarters():
    network = HeterogeneousNetwork(
        names=("a", "b", "c"),
        kinds=np.array(["song", "keyword", "image"], dtype=object),
        edges=np.array([[0, 1], [2, 1]]),
        weights=np.array([1.0, 15.0]),
    )
    degree = np.array([1.0, 16.0, 15.0])
    np.testing.assert_allclose(noise_distribution(network), degree**0.75 / (degree**0.75).sum())


# ------------------------------------------------------------------------------------------------------ LINE
def test_one_sgd_step_by_hand():
    vertex = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    context = np.array([[0.0, 0.0], [0.5, 0.0], [0.0, -1.0]])
    rate = 0.1
    loss = line_sgd_step(vertex, context, np.array([0]), np.array([1]), np.array([[2]]), rate)
    sigma = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    u, c_pos, c_neg = np.array([1.0, 0.0]), np.array([0.5, 0.0]), np.array([0.0, -1.0])
    g_pos, g_neg = rate * (1 - sigma(u @ c_pos)), rate * (0 - sigma(u @ c_neg))
    np.testing.assert_allclose(vertex[0], u + g_pos * c_pos + g_neg * c_neg)
    np.testing.assert_allclose(context[1], c_pos + g_pos * u)
    np.testing.assert_allclose(context[2], c_neg + g_neg * u)
    np.testing.assert_allclose(vertex[1:], [[0.0, 1.0], [1.0, 1.0]])  # untouched
    assert loss == pytest.approx(-np.log(sigma(u @ c_pos)) - np.log(sigma(-(u @ c_neg))))


def test_sgd_step_skips_a_negative_equal_to_the_target_and_adds_repeated_updates():
    vertex = np.full((2, 1), 0.5)
    context = np.full((2, 1), 0.5)
    before = context.copy()
    line_sgd_step(vertex, context, np.array([0]), np.array([1]), np.array([[1]]), 0.1)
    g = 0.1 * (1 - 1 / (1 + np.exp(-0.25)))
    np.testing.assert_allclose(context[1], before[1] + g * 0.5)  # only the positive update
    vertex, context = np.full((2, 1), 0.5), np.zeros((2, 1))
    line_sgd_step(vertex, context, np.array([0, 0]), np.array([1, 1]), np.array([[0], [0]]), 0.1)
    np.testing.assert_allclose(context[1], 2 * 0.1 * 0.5 * 0.5)  # σ(0) = ½, two arcs → twice the update


def planted_network(seed=0, size=24, p_in=0.35, p_out=0.02):
    rng = np.random.default_rng(seed)
    community = np.repeat([0, 1], size)
    i, j = np.triu_indices(2 * size, k=1)
    p = np.where(community[i] == community[j], p_in, p_out)
    keep = rng.random(len(i)) < p
    edges = np.column_stack([i[keep], j[keep]])
    network = HeterogeneousNetwork(
        names=tuple(f"v{k}" for k in range(2 * size)),
        kinds=np.array(["keyword"] * (2 * size), dtype=object),
        edges=edges,
        weights=rng.uniform(0.5, 2.0, len(edges)),
    )
    return network, community


@pytest.mark.parametrize("order", [1, 2])
def test_line_separates_two_planted_communities(order):
    network, community = planted_network()
    embedding = train_line(network, order=order, dim=16, samples=60_000, seed=0)
    v = embedding.vectors / np.linalg.norm(embedding.vectors, axis=1, keepdims=True)
    cosine = v @ v.T
    same = community[:, None] == community[None, :]
    np.fill_diagonal(same, False)
    other = community[:, None] != community[None, :]
    assert cosine[same].mean() > cosine[other].mean() + 0.3
    # every vertex is nearer its own community's centroid than the other's
    centroids = np.stack([v[community == c].mean(axis=0) for c in (0, 1)])
    assert ((v @ centroids.T).argmax(axis=1) == community).all()
    assert embedding.history["loss"].iloc[-1] < embedding.history["loss"].iloc[0]
    assert embedding.history["learning_rate"].is_monotonic_decreasing


def test_random_vectors_do_not_separate_the_communities():
    # the check above can fail: an untrained (initial) embedding does not pass it
    network, community = planted_network()
    embedding = train_line(network, order=2, dim=16, samples=1, seed=0)
    v = embedding.vectors / np.linalg.norm(embedding.vectors, axis=1, keepdims=True)
    centroids = np.stack([v[community == c].mean(axis=0) for c in (0, 1)])
    assert ((v @ centroids.T).argmax(axis=1) == community).mean() < 1.0


def test_train_line_is_reproducible_and_concatenation_has_unit_halves():
    network, _ = planted_network(size=8)
    a = train_line(network, order=2, dim=4, samples=2_000, seed=5)
    b = train_line(network, order=2, dim=4, samples=2_000, seed=5)
    assert np.array_equal(a.vectors, b.vectors) and a.context is not None
    first = train_line(network, order=1, dim=3, samples=2_000, seed=5)
    assert first.context is None
    joined = line_embedding(first, a)
    assert joined.shape == (network.n_vertices, 7)
    np.testing.assert_allclose(np.linalg.norm(joined[:, :3], axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(joined[:, 3:], axis=1), 1.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"order": 3}, "order"),
        ({"dim": 0}, "dim"),
        ({"negatives": -1}, "negatives"),
        ({"samples": 1.5}, "samples"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"seed": -2}, "seed"),
        ({"batch_size": True}, "batch_size"),
    ],
)
def test_train_line_bad_arguments(kwargs, match):
    network, _ = planted_network(size=4)
    with pytest.raises(ParameterError, match=match):
        train_line(network, **kwargs)


def test_train_line_needs_a_network_with_edges():
    empty = HeterogeneousNetwork(
        names=("a",),
        kinds=np.array(["song"], dtype=object),
        edges=np.zeros((0, 2), dtype=np.int64),
        weights=np.zeros(0),
    )
    with pytest.raises(ParameterError, match="no edges"):
        train_line(empty)
    with pytest.raises(ParameterError, match="HeterogeneousNetwork"):
        train_line(pd.DataFrame())
