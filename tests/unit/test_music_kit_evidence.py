"""The ci music kit behaves like music data: genre is audible but not trivially so, no single global statistic
(loudness, bandwidth, tempo) gives it away, artists are consistent, listening is long-tailed.

Builds the ci kit in the data home on first use (under a minute on 2 idle cores), as the notebooks do. Measured
on kit v2 (ci, seeds 0 and 1): MFCC statistics + logistic regression 0.76 / 0.76 (GTZAN baselines ≈ 0.6–0.8),
loudness alone 0.27 / 0.32, loudness + bandwidth + tempo 0.39 / 0.41 (chance 0.10).
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
from cbrec_lab.datasets.music_kit.production import integrated_loudness


@pytest.fixture(scope="module")
def kit():
    return load_music_kit("ci", progress=False)


@pytest.fixture(scope="module")
def features(kit):
    return np.stack([mfcc_statistics(kit.load_audio(s)) for s in kit.songs.index])


@pytest.fixture(scope="module")
def bandwidth(kit):
    """Mean spectral bandwidth of each clip (Hz)."""
    import librosa

    return np.array([librosa.feature.spectral_bandwidth(y=kit.load_audio(s)).mean() for s in kit.songs.index])


def _genre_accuracy(features, genres) -> float:
    """5-fold accuracy of a standardised logistic regression."""
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2_000))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    return float(cross_val_score(model, features, genres, cv=folds).mean())


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
    columns = {"title", "artist", "genre", "recipe", "tempo", "energy", "loudness", "key", "instruments", "keywords"}
    assert columns | {"source_piece", "duration", "audio_path"} <= set(songs.columns)
    assert songs["energy"].between(0, 1).all(), "energy is in [0, 1]"
    recipes = songs.groupby("genre")["recipe"].nunique()
    assert (recipes >= 3).all(), f"at least three recipes per genre in the kit: {recipes.to_dict()}"
    assert "## Sources and licences" in kit.card and "## How it differs" in kit.card


def test_genre_is_learnable_from_audio_but_not_trivially(kit, features):
    accuracy = _genre_accuracy(features, kit.songs["genre"])
    assert accuracy > 0.6, f"MFCC statistics + logistic regression: {accuracy:.2f} (chance 0.10)"
    assert accuracy < 0.9, f"MFCC statistics + logistic regression: {accuracy:.2f}, far above GTZAN's 0.6–0.8"


def test_loudness_is_measured_in_lufs_and_varies_inside_every_genre(kit):
    songs = kit.songs
    for song_id in songs.index[::50]:
        measured = integrated_loudness(kit.load_audio(song_id), 22_050)
        assert measured == pytest.approx(songs.loc[song_id, "loudness"], abs=0.05), f"{song_id}: {measured:.2f} LUFS"
    spread = songs.groupby("genre")["loudness"].agg(["mean", "std", "min", "max"])
    assert (spread["std"] > 0.5).all(), f"every genre's masters vary in loudness:\n{spread}"
    assert spread["mean"].max() - spread["mean"].min() < 15, f"genre loudness centres:\n{spread}"


def test_no_single_global_statistic_identifies_the_genre(kit, features, bandwidth):
    songs, genres = kit.songs, kit.songs["genre"]
    loudness = _genre_accuracy(songs[["loudness"]].to_numpy(), genres)
    assert loudness < 0.45, f"loudness alone identifies the genre: accuracy {loudness:.2f}"
    width = _genre_accuracy(bandwidth[:, None], genres)
    assert width < 0.35, f"spectral bandwidth alone identifies the genre: accuracy {width:.2f}"
    tempo = _genre_accuracy(songs[["tempo"]].to_numpy(), genres)
    assert tempo < 0.45, f"tempo alone identifies the genre: accuracy {tempo:.2f}"
    together = _genre_accuracy(np.column_stack([songs["loudness"], bandwidth, songs["tempo"]]), genres)
    timbre = _genre_accuracy(features, genres)
    assert together < 0.6 and together < timbre - 0.15, (
        f"loudness + bandwidth + tempo {together:.2f}, MFCC {timbre:.2f}"
    )


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
