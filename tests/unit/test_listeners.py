"""Simulated listeners of the music kit: audible and inaudible tastes, long-tailed listening, deterministic draws.

The songs table is synthetic (the shape of the ci kit: 10 genres × 5 artists × 5 songs, 2,000 users), so these
tests do not need the audio.
"""

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.stats import spearmanr
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier

from cbrec_lab.cf import WMF
from cbrec_lab.datasets.music_kit.listeners import (
    MIN_SONGS,
    MODEL_PARAMETERS,
    SCENE_NAMES,
    inaudible_attributes,
    long_tail_stats,
    simulate_plays,
    to_triplets,
)
from cbrec_lab.exceptions import ParameterError

GENRE_TEMPI = {
    "blues": (78, 112),
    "classical": (60, 96),
    "country": (100, 140),
    "disco": (110, 128),
    "hiphop": (82, 96),
    "jazz": (110, 176),
    "metal": (130, 184),
    "pop": (96, 124),
    "reggae": (70, 90),
    "rock": (100, 150),
}
USERS = 2_000


def catalogue(artists_per_genre: int = 5, songs_per_artist: int = 5, seed: int = 0) -> pd.DataFrame:
    """A songs table with the columns the listener model reads: three recipes per genre, one shared by two genres."""
    rng = np.random.default_rng(seed)
    rows = []
    for index, (genre, (low, high)) in enumerate(GENRE_TEMPI.items()):
        for a in range(artists_per_genre):
            recipe = [f"{genre}-a", f"{genre}-b", f"band-{index // 2}"][rng.integers(3)]
            level = 0.2 + 0.6 * (high - 60) / 130 + rng.normal(0, 0.1)
            for _ in range(songs_per_artist):
                rows.append(
                    {
                        "genre": genre,
                        "artist": f"{genre} artist {a}",
                        "recipe": recipe,
                        "tempo": rng.uniform(low, high),
                        "energy": float(np.clip(level + rng.normal(0, 0.1), 0, 1)),
                    }
                )
    return pd.DataFrame(rows, index=[f"S{i:05d}" for i in range(len(rows))])


@pytest.fixture(scope="module")
def songs():
    return catalogue()


@pytest.fixture(scope="module")
def hidden(songs):
    return inaudible_attributes(songs, np.random.default_rng(7))


@pytest.fixture(scope="module")
def plays(songs):
    return simulate_plays(songs, USERS, np.random.default_rng(7))


def artist_lift(plays: sp.csr_matrix, artist_codes: np.ndarray) -> np.ndarray:
    """``P(A and B) / (P(A) P(B))`` over users, for every pair of artists: co-listening beyond popularity."""
    membership = sp.csr_matrix((np.ones(len(artist_codes)), (np.arange(len(artist_codes)), artist_codes)))
    listens = ((plays > 0).astype(float) @ membership > 0).astype(float)
    both = (listens.T @ listens).toarray()
    listeners = np.maximum(np.diag(both), 1)
    return both * plays.shape[0] / np.outer(listeners, listeners)


def test_plays_are_deterministic_with_the_documented_shape(songs, plays, hidden):
    again = simulate_plays(songs, USERS, np.random.default_rng(7))
    assert (plays != again).nnz == 0, "the same generator seed must give the same plays"
    rng = np.random.default_rng(7)
    drawn = inaudible_attributes(songs, rng)
    two_step = simulate_plays(songs, USERS, rng, attributes=drawn)
    assert (plays != two_step).nnz == 0, "attributes drawn first and passed in must give the same plays"
    pd.testing.assert_frame_equal(drawn, hidden)
    assert isinstance(plays, sp.csr_matrix) and plays.has_sorted_indices
    assert plays.shape == (USERS, len(songs)) and plays.dtype == np.int32 and plays.data.min() >= 1
    assert np.asarray((plays > 0).sum(axis=1)).min() >= MIN_SONGS, f"every user plays at least {MIN_SONGS} songs"
    assert np.asarray((plays > 0).sum(axis=0)).min() >= 1, "every song has at least one listener"
    triplets = to_triplets(plays, np.array([f"U{u}" for u in range(USERS)]), songs.index.to_numpy())
    assert len(triplets) == plays.nnz and triplets["play_count"].sum() == plays.sum()


def test_inaudible_attributes_are_per_artist_and_documented(songs, hidden):
    assert list(hidden.columns) == ["artist_popularity", "song_popularity", "artist_loyalty", "year", "scene"]
    assert hidden.index.equals(songs.index)
    per_artist = hidden.join(songs["artist"]).groupby("artist")
    for column in ("artist_popularity", "artist_loyalty", "year", "scene"):
        assert (per_artist[column].nunique() == 1).all(), f"{column} is an attribute of the artist"
    assert set(hidden["scene"]) <= set(SCENE_NAMES) and hidden["scene"].nunique() >= 4
    assert hidden["artist_loyalty"].between(0, 1).all() and hidden["year"].between(1950, 2020).all()
    scenes_per_genre = hidden.join(songs["genre"]).groupby("genre")["scene"].nunique()
    assert scenes_per_genre.mean() >= 2, "scenes cut across genres"
    assert {"W_GENRE", "W_SCENE", "W_ERA", "POP_TASTE_MEAN"} <= set(MODEL_PARAMETERS)
    assert json.loads(json.dumps(MODEL_PARAMETERS)) == MODEL_PARAMETERS, "the kit compares its inputs through JSON"


def test_listening_is_long_tailed(plays):
    stats = long_tail_stats(plays)
    assert stats["gini"] > 0.5 and stats["top1_share"] > 0.03, f"not long-tailed enough: {stats}"
    assert np.median(plays.data) <= 2 and plays.data.max() >= 50, "most counts are small, a few are in the hundreds"


def test_listeners_cross_genres_but_favour_some(songs, plays):
    genre = pd.Categorical(songs["genre"]).codes
    per_user = np.stack([np.bincount(genre[plays[u].indices], minlength=10) for u in range(500)])
    top_share = (per_user.max(axis=1) / per_user.sum(axis=1)).mean()
    assert 0.25 < top_share < 0.8, f"mean share of a user's favourite genre {top_share:.2f} (uniform 0.1, one genre 1)"
    assert ((per_user > 0).sum(axis=1) >= 3).mean() > 0.5, "most users listen to three genres or more"


def test_same_scene_artists_are_co_listened_beyond_genre(songs, plays, hidden):
    artist = pd.Categorical(songs["artist"], categories=pd.unique(songs["artist"])).codes
    first = np.unique(artist, return_index=True)[1]
    scene, genre = hidden["scene"].to_numpy()[first], songs["genre"].to_numpy()[first]
    year = hidden["year"].to_numpy()[first]
    lift = artist_lift(plays, artist)
    other_genre = genre[:, None] != genre[None]
    same_scene = (scene[:, None] == scene[None]) & other_genre
    other_scene = (scene[:, None] != scene[None]) & other_genre
    ratio = lift[same_scene].mean() / lift[other_scene].mean()
    assert ratio > 1.15, f"artists of one scene and different genres: {ratio:.2f}× the co-listening lift of other pairs"
    close = (np.abs(year[:, None] - year[None]) <= 8) & other_scene
    far = (np.abs(year[:, None] - year[None]) >= 25) & other_scene
    era_ratio = lift[close].mean() / lift[far].mean()
    assert era_ratio > 1.5, f"artists of one era (other genre and scene): {era_ratio:.2f}× the lift of distant eras"


def test_fans_of_loyal_artists_play_them_more(songs, plays, hidden):
    listeners = np.asarray((plays > 0).sum(axis=0)).ravel()
    per_pair = np.asarray(plays.sum(axis=0)).ravel() / listeners
    rho = spearmanr(hidden["artist_loyalty"], per_pair).statistic
    assert rho > 0.1, f"Spearman ρ of artist loyalty with plays per listener {rho:.2f}"


def test_wmf_factors_are_not_a_pure_genre_code(songs, plays):
    factors = WMF(n_factors=32, regularization=20.0, iterations=8, seed=0, use_gpu=False).fit(plays).item_factors_
    folds = GroupKFold(5)  # songs of unseen artists: factors must not merely recognise the artist
    accuracy = cross_val_score(
        KNeighborsClassifier(5, metric="cosine"), factors, songs["genre"], cv=folds, groups=songs["artist"]
    ).mean()
    assert 0.2 < accuracy < 0.85, f"genre of unseen artists from WMF item factors (5-NN): {accuracy:.2f}, chance 0.10"


def test_bad_songs_tables_are_refused(songs):
    with pytest.raises(ParameterError, match="missing \\['recipe'\\]"):
        simulate_plays(songs.drop(columns="recipe"), 10, np.random.default_rng(0))
    with pytest.raises(ParameterError, match="energy"):
        simulate_plays(songs.assign(energy=2.0), 10, np.random.default_rng(0))
    with pytest.raises(ParameterError, match="n_users"):
        simulate_plays(songs, 0, np.random.default_rng(0))
