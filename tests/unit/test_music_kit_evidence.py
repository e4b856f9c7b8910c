"""The ci music kit behaves like music data: genre is audible, artists are consistent, listening is long-tailed.

Builds the ci kit in the data home on first use (about 30 s on 2 cores), as the notebooks do.
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from cbrec_lab.audio import mfcc_statistics
from cbrec_lab.datasets import GENRES, load_music_kit
from cbrec_lab.datasets.music_kit.listeners import long_tail_stats


@pytest.fixture(scope="module")
def kit():
    return load_music_kit("ci", progress=False)


@pytest.fixture(scope="module")
def features(kit):
    return np.stack([mfcc_statistics(kit.load_audio(s)) for s in kit.songs.index])


def test_the_collection_is_complete_and_consistent(kit):
    songs = kit.songs
    assert len(songs) == 250 and set(songs["genre"]) == set(GENRES)
    assert (songs.groupby("artist").size() == 5).all() and songs["artist"].nunique() == 50
    assert kit.plays.shape == (2_000, 250) and kit.plays.dtype == np.int32
    assert list(kit.user_ids) == sorted(kit.user_ids)
    first = songs.index[0]
    assert kit.load_audio(first).shape == (220_500,)
    assert kit.load_audio(first, sr=16_000, duration=2.0).shape == (32_000,)
    assert kit.play(first, duration=1.0).data  # an IPython audio player with WAV bytes
    assert {"title", "artist", "genre", "tempo", "key", "instruments", "keywords", "source_piece"} <= set(songs.columns)
    assert "## Sources and licences" in kit.card and "## How it differs" in kit.card


def test_genre_is_learnable_from_audio(kit, features):
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2_000))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    accuracy = cross_val_score(model, features, kit.songs["genre"], cv=folds).mean()
    assert accuracy > 0.6, f"MFCC statistics + logistic regression: {accuracy:.2f} (chance 0.10)"


def test_tracks_by_one_artist_sound_alike(kit, features):
    z = StandardScaler().fit_transform(features)
    distance = np.linalg.norm(z[:, None] - z[None], axis=-1)
    artist = kit.songs["artist"].to_numpy()
    genre = kit.songs["genre"].to_numpy()
    off_diagonal = ~np.eye(len(z), dtype=bool)
    same_artist = (artist[:, None] == artist[None]) & off_diagonal
    same_genre_other_artist = (genre[:, None] == genre[None]) & (artist[:, None] != artist[None])
    within, between = distance[same_artist].mean(), distance[same_genre_other_artist].mean()
    assert within < 0.85 * between, f"within artist {within:.2f} vs other artists of the genre {between:.2f}"


def test_listening_is_long_tailed(kit):
    stats = long_tail_stats(kit.plays)
    assert stats["gini"] > 0.5 and stats["top1_share"] > 0.03
    assert np.median(kit.plays.data) <= 2 and kit.plays.data.max() >= 50
