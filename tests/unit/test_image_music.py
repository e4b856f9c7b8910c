"""The three-stage image→music recommender, its baselines, the keyword ground truth and hit rate@10."""

import numpy as np
import pandas as pd
import pytest

from cbrec_lab import image_music as im
from cbrec_lab.exceptions import ParameterError


def test_nearest_images_by_euclidean_distance_with_exclusion_and_ties():
    images = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [3.0, 3.0]])
    queries = np.array([[0.1, 0.0], [0.5, 0.5]])
    assert im.nearest_images(queries, images, k=2).tolist() == [[0, 1], [0, 1]]  # second: 0, 1, 2 tie → low index
    assert im.nearest_images(queries, images, k=3, exclude=np.array([0, -1])).tolist() == [[1, 2, 3], [0, 1, 2]]
    leave_one_out = im.nearest_images(images, images, k=1, exclude=np.arange(4))
    assert leave_one_out.ravel().tolist() == [1, 0, 0, 1]


def test_nearest_images_bad_inputs():
    with pytest.raises(ParameterError, match="same backbone"):
        im.nearest_images(np.zeros((1, 3)), np.zeros((2, 2)))
    with pytest.raises(ParameterError, match="only 1 can be retrieved"):
        im.nearest_images(np.zeros((1, 2)), np.zeros((2, 2)), k=2, exclude=np.array([0]))
    with pytest.raises(ParameterError, match="NaN"):
        im.nearest_images(np.full((1, 2), np.nan), np.zeros((2, 2)))
    with pytest.raises(ParameterError, match="exclude"):
        im.nearest_images(np.zeros((2, 2)), np.zeros((3, 2)), exclude=np.array([0]))


def test_three_stage_lists_take_two_new_songs_per_retrieved_image():
    # 2 images × 5 songs; image 0 likes songs 0 > 1 > 2, image 1 likes songs 1 > 0 > 4
    scores = np.array([[5.0, 4.0, 3.0, 0.0, 0.0], [4.0, 5.0, 0.0, 1.0, 3.0]])
    retrieved = np.array([[0, 1], [1, 0]])
    lists = im.three_stage_lists(retrieved, scores, per_image=2)
    # query 0: image 0 → 0, 1; image 1 would take 1, 0 again → takes its next best new songs 4, 3
    assert lists.tolist() == [[0, 1, 4, 3], [1, 0, 2, 3]]


def test_three_stage_ties_go_to_the_tie_break_then_the_lower_index():
    scores = np.array([[1.0, 0.0, 0.0, 0.0]])
    lists = im.three_stage_lists(np.array([[0]]), scores, per_image=3)
    assert lists.tolist() == [[0, 1, 2]]
    lists = im.three_stage_lists(np.array([[0]]), scores, per_image=3, tie_break=np.array([0.0, 1.0, 5.0, 9.0]))
    assert lists.tolist() == [[0, 3, 2]]


def test_three_stage_bad_inputs():
    with pytest.raises(ParameterError, match="outside"):
        im.three_stage_lists(np.array([[2]]), np.zeros((2, 3)))
    with pytest.raises(ParameterError, match="only 3 songs"):
        im.three_stage_lists(np.array([[0, 1]]), np.zeros((2, 3)), per_image=2)
    with pytest.raises(ParameterError, match="integer"):
        im.three_stage_lists(np.array([[0.0]]), np.zeros((2, 3)))
    with pytest.raises(ParameterError, match="tie_break"):
        im.three_stage_lists(np.array([[0]]), np.zeros((2, 3)), tie_break=[1, 2])


def test_embedding_and_keyword_match_scores():
    scores = im.embedding_scores(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [0.0, 1.0]]))
    np.testing.assert_allclose(scores, [[-5.0, -1.0]])
    weights = pd.DataFrame({"love": [1.5, 0.0, 2.0], "rose": [0.0, 1.0, 0.0]}, index=["s1", "s2", "s3"])
    np.testing.assert_allclose(im.keyword_match_scores(["rose", "love"], weights), [[0, 1, 0], [1.5, 0, 2]])
    with pytest.raises(ParameterError, match="snow"):
        im.keyword_match_scores(["snow"], weights)


def test_popular_list_is_the_same_for_every_query():
    lists = im.popular_list(np.array([3, 9, 9, 1]), 2, k=3)
    assert lists.tolist() == [[1, 2, 0], [1, 2, 0]]
    with pytest.raises(ParameterError, match="at least k"):
        im.popular_list(np.array([1, 2]), 1, k=3)


def test_song_tokens_and_word_forms():
    assert im.song_tokens(["blue hills"], normalise={"hills": "mountain"}.get) == [["blue", "mountain"]]
    assert im.song_tokens(["blue hills"]) == [["blue", "hills"]]
    assert im.word_forms("roses") >= {"roses", "rose"} and im.word_forms("berries") >= {"berry"}
    assert im.word_forms("glass") == {"glass"}
    with pytest.raises(ParameterError):
        im.song_tokens([None])


def test_keyword_ground_truth_matches_related_words_and_their_singulars():
    song_words = [["roses", "red"], ["night"], ["dark", "hills"], []]
    related = {"rose": ["rose", "red"], "mountain": ["mountain", "hill"], "night": ["night", "dark"]}
    truth = im.keyword_ground_truth(["rose", "mountain", "night"], song_words, related, exclude_query=False)
    assert truth.tolist() == [[True, False, False, False], [False, False, True, False], [False, True, True, False]]
    with pytest.raises(ParameterError, match="snow"):
        im.keyword_ground_truth(["snow"], song_words, related)
    with pytest.raises(ParameterError, match="stands_for"):
        im.keyword_ground_truth(["rose"], song_words, related, stands_for="rose")


def test_keyword_ground_truth_leaves_out_the_songs_with_the_query_keyword():
    song_words = [["snow", "winter"], ["snowy", "cold"], ["winter", "cold"], ["frost"], ["snows"], ["sea"]]
    related = {"snow": ["snow", "winter", "cold", "frost"], "ocean": ["ocean", "sea", "winter"]}
    poster = im.keyword_ground_truth(["snow", "ocean"], song_words, related, exclude_query=False)
    assert poster.tolist() == [[True, True, True, True, True, False], [True, False, True, False, False, True]]
    # default: the keyword is not a related word, and a song holding it (or its plural) is never relevant
    truth = im.keyword_ground_truth(["snow", "ocean"], song_words, related)
    assert truth.tolist() == [[False, True, True, True, False, False], [True, False, True, False, False, True]]
    # a word that stands for the keyword (an alias) excludes its song too
    aliases = {"snowy": "snow", "sea": "ocean"}.get
    truth = im.keyword_ground_truth(["snow", "ocean"], song_words, related, stands_for=aliases)
    assert truth.tolist() == [[False, False, True, True, False, False], [True, False, True, False, False, False]]
    # a method that recommends only the songs with the query's keyword (keyword matching) scores 1.0 with the
    # poster's ground truth and 0.0 once those songs are left out: the hit rate no longer credits the keyword
    lists = np.array([[0, 4], [5, 5]])
    assert np.nanmean(im.hit_rates(lists, poster)) == 1.0
    assert np.nanmean(im.hit_rates(lists, truth)) == 0.0
    # a method that reaches a related song without the keyword still scores
    assert im.hit_rates(np.array([[0, 2], [5, 2]]), truth).tolist() == [1.0, 1.0]


def test_hit_rates_and_the_table_by_hand():
    relevant = np.array([[True, False, False, False], [False, False, False, True], [False, False, False, False]])
    lists = np.array([[1, 0], [1, 2], [0, 1]])
    hits = im.hit_rates(lists, relevant)
    assert hits[:2].tolist() == [1.0, 0.0] and np.isnan(hits[2])
    table = im.hit_rate_table({"A": lists, "B": np.array([[1, 2], [3, 0], [0, 1]])}, {5: relevant})
    assert table.loc[5, "A"] == 0.5 and table.loc[5, "B"] == 0.5  # the query without relevant songs is skipped
    assert table.index.name == "n"
    with pytest.raises(ParameterError, match="song indices"):
        im.hit_rates(np.array([[4]]), relevant[:1])
    with pytest.raises(ParameterError, match="one row per query"):
        im.hit_rates(lists[:2], relevant)


def test_end_to_end_an_image_gets_the_songs_of_its_keyword():
    from cbrec_lab.models import line_embedding, song_keyword_image_network, train_line

    rng = np.random.default_rng(0)
    song_ids = [f"s{i}" for i in range(12)]
    song_words = [["snow", "winter"]] * 3 + [["snow"]] * 3 + [["sea", "shore"]] * 3 + [["sea"]] * 3
    image_ids = [f"i{i}" for i in range(8)]
    image_keywords = ["snow"] * 4 + ["sea"] * 4
    network = song_keyword_image_network(
        song_ids, song_words, image_ids, image_keywords, keywords=["snow", "winter", "sea", "shore"]
    )
    first = train_line(network, order=1, dim=8, samples=40_000, seed=1)
    second = train_line(network, order=2, dim=8, samples=40_000, seed=2)
    vectors = line_embedding(first, second)
    songs, images = network.vertices("song"), network.vertices("image")
    # descriptors: two visual clusters; the queries are new images near each cluster
    descriptors = np.r_[rng.normal(0, 0.1, (4, 5)), rng.normal(3, 0.1, (4, 5))]
    queries = np.r_[rng.normal(0, 0.1, (1, 5)), rng.normal(3, 0.1, (1, 5))]
    retrieved = im.nearest_images(queries, descriptors, k=2)
    assert (retrieved[0] < 4).all() and (retrieved[1] >= 4).all()
    lists = im.three_stage_lists(retrieved, im.embedding_scores(vectors[images], vectors[songs]), per_image=2)
    assert set(lists[0]) <= set(range(6)) and set(lists[1]) <= set(range(6, 12))
    related = {"snow": ["snow", "winter"], "sea": ["sea"]}
    relevant = im.keyword_ground_truth(["snow", "sea"], song_words, related, exclude_query=False)
    assert im.hit_rates(lists, relevant).tolist() == [1.0, 1.0]
    # every snow song contains "snow", every sea song "sea": nothing is left to find beyond the keyword
    beyond = im.keyword_ground_truth(["snow", "sea"], song_words, related)
    assert not beyond.any() and np.isnan(im.hit_rates(lists, beyond)).all()
