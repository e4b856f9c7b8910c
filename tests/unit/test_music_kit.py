"""The music kit: arrangement, rendering, listeners, determinism and the evidence that it behaves like music
data (genre audible, artists consistent, listening long-tailed)."""

import json

import numpy as np
import pytest

from cbrec_lab.datasets.music_kit import kit as kit_module
from cbrec_lab.datasets.music_kit.arrangement import DRUMS, _swing, arrange, bar_chords
from cbrec_lab.datasets.music_kit.keywords import title_keywords
from cbrec_lab.datasets.music_kit.listeners import long_tail_stats, simulate_plays, to_triplets
from cbrec_lab.datasets.music_kit.render import render
from cbrec_lab.datasets.music_kit.sources import Piece
from cbrec_lab.datasets.music_kit.styles import GENRES, THESIS_GENRES, make_artists

SCALE = Piece(
    "test#1",
    "test",
    "Morning Star",
    0,
    "major",
    4.0,
    melody=tuple(
        (float(i), 1.0, p) for i, p in enumerate([60, 64, 67, 64, 65, 69, 72, 69, 67, 71, 74, 71, 60, 64, 67, 72])
    ),
)


def test_all_ten_gtzan_genres_including_the_thesis_five():
    assert set(GENRES) == {"blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"}
    assert set(THESIS_GENRES) <= set(GENRES)
    assert not GENRES["classical"].drum_kits and all(GENRES[g].drums for g in GENRES if g != "classical")


def test_bar_chords_pick_the_covering_triad():
    # bar 1: C E G E -> C major; bar 2: F A C A -> F major; bar 3: G B D B -> G major
    assert bar_chords(list(SCALE.melody), 0, "major", 4.0, 4) == [(0, "maj"), (5, "maj"), (7, "maj"), (0, "maj")]
    a_minor = [(0.0, 1.0, 57), (1.0, 1.0, 60), (2.0, 2.0, 64)]
    assert bar_chords(a_minor, 9, "minor", 4.0, 1) == [(9, "min")]


def test_swing_moves_only_off_beats():
    onsets = np.array([0.0, 0.5, 1.0, 1.5, 1.25])
    np.testing.assert_allclose(_swing(onsets, 0.67, 2), [0.0, 0.67, 1.0, 1.67, 1.25])
    np.testing.assert_allclose(_swing(np.array([0.25, 0.5]), 0.6, 4), [0.3, 0.5])


def test_artists_are_consistent_and_distinct():
    rng = np.random.default_rng(0)
    taken = set()
    artists = make_artists("metal", 6, rng, taken)
    assert len({a.name for a in artists}) == 6 == len(taken)
    for a in artists:
        style = GENRES["metal"]
        assert style.tempo[0] <= a.tempo <= style.tempo[1] and a.melody_program in style.melody
        assert a.drum_kit in style.drum_kits


def test_arrangement_fills_the_clip_in_the_artists_key_and_tempo():
    rng = np.random.default_rng(1)
    metal = make_artists("metal", 1, rng, set())[0]
    song = arrange(SCALE, metal, 8.0, np.random.default_rng(2))
    notes = song.notes
    assert np.all(np.diff(notes[:, 0]) >= 0) and notes[:, 0].min() >= 0 and notes[:, 1].max() <= 8.0
    assert notes[:, 0].max() > 7.0, "the piece is looped to fill the clip"
    assert (notes[:, 2] == DRUMS).any() and song.key.endswith("major")
    assert abs(song.tempo / metal.tempo - 1) <= 0.03
    assert song.key.split()[0] == ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"][metal.tonic]
    classical = make_artists("classical", 1, rng, set())[0]
    assert not (arrange(SCALE, classical, 8.0, np.random.default_rng(2)).notes[:, 2] == DRUMS).any()


def test_render_is_deterministic_and_normalised():
    artist = make_artists("reggae", 1, np.random.default_rng(3), set())[0]
    song = arrange(SCALE, artist, 3.0, np.random.default_rng(4))
    a, b = render(song, 3.0), render(song, 3.0)
    assert a.shape == (66_150,) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert np.abs(a).max() == pytest.approx(0.9, rel=1e-5)
    assert np.abs(a[-10:]).max() < 0.01, "faded out"


def test_keywords_drop_stop_words_and_tune_types():
    assert title_keywords("The Rocky Road to Dublin -- Jig") == ["rocky", "road", "dublin"]
    assert title_keywords("Ach bleib bei uns, Herr Jesu Christ") == ["ach", "bleib", "herr", "jesu", "christ"]


def test_long_tail_stats_by_hand():
    import scipy.sparse as sp

    plays = sp.csr_matrix(np.array([[0, 0, 0, 3], [0, 0, 0, 1]]))
    stats = long_tail_stats(plays)
    # totals sorted (0, 0, 0, 4): G = (-3*0 - 1*0 + 1*0 + 3*4) / (4 * 4) = 0.75; the top song has all plays
    assert stats["gini"] == pytest.approx(0.75) and stats["top1_share"] == 1.0
    assert stats["mean_plays"] == 2.0 and stats["density"] == 0.25


def test_simulated_listening_is_taste_driven_and_heavy_tailed():
    genres, artists = np.repeat(np.arange(10), 50), np.repeat(np.arange(100), 5)
    plays = simulate_plays(genres, artists, 3_000, np.random.default_rng(0))
    again = simulate_plays(genres, artists, 3_000, np.random.default_rng(0))
    assert (plays != again).nnz == 0
    assert plays.shape == (3_000, 500) and plays.dtype == np.int32 and plays.data.min() >= 1
    assert np.asarray((plays > 0).sum(axis=1)).min() >= 5
    assert np.asarray((plays > 0).sum(axis=0)).min() >= 1, "every song has a listener"
    per_user_genres = [np.bincount(genres[plays[u].indices], minlength=10) for u in range(300)]
    top_genre_share = np.mean([g.max() / g.sum() for g in per_user_genres])
    assert top_genre_share > 0.5, "users concentrate on their favourite genre (uniform would be 0.1)"
    stats = long_tail_stats(plays)
    assert stats["gini"] > 0.6 and np.percentile(plays.data, 50) <= 2 and plays.data.max() >= 50
    triplets = to_triplets(plays, np.array([f"u{i}" for i in range(3_000)]), np.array([f"s{j}" for j in range(500)]))
    assert len(triplets) == plays.nnz and triplets["play_count"].sum() == plays.sum()


@pytest.fixture
def tiny_sizes(monkeypatch):
    monkeypatch.setitem(kit_module.SIZES, "ci", kit_module.KitSize(1, 1, 40, 2.0))


def test_tiny_kit_is_deterministic_resumable_and_checked(tiny_sizes, tmp_path):
    first = kit_module.build_music_kit("ci", root=tmp_path / "a", progress=False)
    second = kit_module.build_music_kit("ci", root=tmp_path / "b", progress=False)
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest == json.loads((second / "manifest.json").read_text()), "same seed → byte-identical files"
    assert len([f for f in manifest["files"] if f.startswith("audio/")]) == 10

    clip = first / "audio" / "S00003.flac"
    digest = manifest["files"]["audio/S00003.flac"]
    clip.unlink()
    (first / "manifest.json").unlink()  # as if interrupted before the end
    kit_module.build_music_kit("ci", root=tmp_path / "a", progress=False)
    assert json.loads((first / "manifest.json").read_text())["files"]["audio/S00003.flac"] == digest

    clip.write_bytes(b"corrupted")
    with pytest.raises(kit_module.KitIntegrityError, match="does not match"):
        kit_module.build_music_kit("ci", root=tmp_path / "a", progress=False)

    other_seed = kit_module.build_music_kit("ci", seed=1, root=tmp_path / "a", progress=False)
    assert (
        json.loads((other_seed / "manifest.json").read_text())["files"]["plays.tsv"] != manifest["files"]["plays.tsv"]
    )
