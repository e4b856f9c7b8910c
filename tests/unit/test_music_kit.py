"""The music kit: recipes, arrangement, rendering, production, determinism and the kit's files."""

import json

import numpy as np
import pandas as pd
import pytest

from cbrec_lab.datasets.music_kit import kit as kit_module
from cbrec_lab.datasets.music_kit.arrangement import DRUMS, HARMONY, MELODY, PAD, _swing, arrange, bar_chords
from cbrec_lab.datasets.music_kit.keywords import title_keywords
from cbrec_lab.datasets.music_kit.listeners import long_tail_stats, to_triplets
from cbrec_lab.datasets.music_kit.production import draw_master, integrated_loudness, limit, produce
from cbrec_lab.datasets.music_kit.render import render
from cbrec_lab.datasets.music_kit.sources import Piece
from cbrec_lab.datasets.music_kit.styles import GENRES, THESIS_GENRES, VOICES, make_artists, recipe_of

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


def _programs(genre: str) -> set[int]:
    return {p for r in GENRES[genre].recipes for p in r.melody + r.harmony + r.bass + r.pad}


def test_genres_vary_inside_and_overlap_with_their_neighbours():
    for genre, style in GENRES.items():
        names = [r.name for r in style.recipes]
        assert len(names) >= 3 and len(set(names)) == len(names), f"{genre}: at least three distinct recipes"
        for recipe in style.recipes:
            assert bool(recipe.drum_kits) == bool(recipe.drums), f"{genre}/{recipe.name}: drum kits and patterns"
            assert recipe.tempo[0] < recipe.tempo[1] and 0 <= recipe.energy <= 1
    assert any(not r.drum_kits for r in GENRES["classical"].recipes), "classical has recipes without drums"
    assert {29, 30} & _programs("rock") & _programs("metal") & _programs("blues"), "distorted guitars are shared"
    assert {80, 81, 90} & _programs("disco") & _programs("pop"), "synths are shared by disco and pop"
    assert {38, 33} & _programs("reggae") & _programs("hiphop"), "bass sounds are shared by reggae and hip hop"
    for genre in ("blues", "country", "disco", "pop", "reggae", "rock", "metal", "jazz"):
        assert any(r.sung > 0 for r in GENRES[genre].recipes), f"{genre} has sung-like leads"
    for genre, style in GENRES.items():
        low, high = style.tempo
        overlapping = [g for g, o in GENRES.items() if g != genre and o.tempo[0] < high - 10 and low + 10 < o.tempo[1]]
        assert len(overlapping) >= 6, f"{genre}'s tempo range {style.tempo} overlaps only {overlapping}"


def test_loudness_distributions_of_the_genres_overlap():
    for genre, style in GENRES.items():
        mean, sd = style.loudness
        near = [g for g, o in GENRES.items() if g != genre and abs(o.loudness[0] - mean) < 1.5 * max(sd, o.loudness[1])]
        assert len(near) >= 2, f"{genre}'s loudness target {style.loudness} overlaps only {near}"


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
    assert {a.recipe for a in artists} == {r.name for r in GENRES["metal"].recipes}, "recipes are dealt in turn"
    for a in artists:
        recipe = recipe_of(a)
        assert recipe.tempo[0] <= a.tempo <= recipe.tempo[1]
        assert a.melody_program in recipe.melody + VOICES and a.drum_kit in recipe.drum_kits
        assert a.sound.drive_db > 0, "metal guitars are distorted"
    sung = [a for a in make_artists("pop", 40, rng, taken) if a.melody_program in VOICES]
    assert 10 <= len(sung) <= 35, f"{len(sung)} of 40 pop artists have a sung-like lead"


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
    quartet = next(a for a in make_artists("classical", 5, rng, set()) if a.recipe == "string quartet")
    assert not (arrange(SCALE, quartet, 8.0, np.random.default_rng(2)).notes[:, 2] == DRUMS).any()


def test_energy_sets_the_velocities_and_pads_get_their_channel():
    import dataclasses

    artist = next(a for a in make_artists("disco", 3, np.random.default_rng(5), set()) if a.recipe == "string disco")
    artist = dataclasses.replace(artist, pad_program=48)
    soft = arrange(SCALE, dataclasses.replace(artist, energy=0.2), 6.0, np.random.default_rng(0))
    hard = arrange(SCALE, dataclasses.replace(artist, energy=0.9), 6.0, np.random.default_rng(0))
    assert 0 <= soft.energy < 0.5 < hard.energy <= 1
    assert hard.notes[:, 4].mean() > soft.notes[:, 4].mean() + 20, "intense songs are played harder"
    assert hard.programs[PAD] == 48 and (hard.notes[:, 2] == PAD).any()


def test_render_is_deterministic_and_normalised():
    artist = make_artists("reggae", 1, np.random.default_rng(3), set())[0]
    song = arrange(SCALE, artist, 3.0, np.random.default_rng(4))
    a, b = render(song, 3.0), render(song, 3.0)
    assert a.shape == (66_150,) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert np.abs(a).max() == pytest.approx(0.9, rel=1e-5)
    assert np.abs(a[-10:]).max() < 0.01, "faded out"
    whole = render(song, 3.0, peak=None)
    lead = render(song, 3.0, channels={MELODY, HARMONY}, peak=None)
    rest = render(song, 3.0, channels=set(song.programs) - {MELODY, HARMONY} | {DRUMS}, peak=None)
    error = np.linalg.norm(lead + rest - whole) / np.linalg.norm(whole)
    assert error < 0.05, f"stems add up to the whole song (relative error {error:.3f}: the synthesiser's blocks differ)"


def test_the_limiter_holds_the_ceiling_and_leaves_quiet_passages_alone():
    sr = 22_050
    t = np.arange(sr) / sr
    audio = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    audio[sr // 2 : sr // 2 + 50] = 3.0  # a loud click
    out = limit(audio, sr, -1.0)
    assert np.abs(out).max() <= 10 ** (-1 / 20) + 1e-6
    np.testing.assert_allclose(out[: sr // 4], audio[: sr // 4], err_msg="far from the click nothing changes")


def _produced(genre: str, energy: float, seed: int) -> tuple[np.ndarray, object]:
    artist = make_artists(genre, 1, np.random.default_rng(seed), set())[0]
    song = arrange(SCALE, artist, 4.0, np.random.default_rng(seed))
    master = draw_master(artist.sound, GENRES[genre].loudness, energy, np.random.default_rng(seed))
    stems = [(render(song, 4.0, peak=None), False)]
    return produce(stems, artist.sound, master, 22_050, np.random.default_rng(seed)), master


def test_masters_reach_their_loudness_target_within_the_ceiling():
    for genre, seed in (("classical", 0), ("jazz", 1), ("reggae", 2), ("pop", 3)):
        audio, master = _produced(genre, 0.4, seed)
        assert audio.dtype == np.float32 and np.abs(audio).max() <= 10 ** (-1 / 20) + 1e-6
        loudness = integrated_loudness(audio, 22_050)
        if master.loudness < -12:  # loud targets may be held back by the limiter
            assert loudness == pytest.approx(master.loudness, abs=1.0), f"{genre}: {loudness:.1f} LUFS"
    again, _ = _produced("pop", 0.4, 3)
    np.testing.assert_array_equal(audio, again, err_msg="production is deterministic")


def test_band_limited_masters_lose_their_top_octaves():
    from cbrec_lab.datasets.music_kit.production import Master

    artist = make_artists("disco", 1, np.random.default_rng(0), set())[0]
    song = arrange(SCALE, artist, 4.0, np.random.default_rng(0))
    stems = [(render(song, 4.0, peak=None), False)]
    full = Master(-14.0, (0.0, 0.0, 0.0), 0.1, None, None, None)
    narrow = Master(-14.0, (0.0, 0.0, 0.0), 0.1, None, None, 8_000.0)
    spectra = [
        np.abs(np.fft.rfft(produce(stems, artist.sound, m, 22_050, np.random.default_rng(0)))) for m in (full, narrow)
    ]
    freqs = np.fft.rfftfreq(4 * 22_050, 1 / 22_050)
    top = freqs > 4_500
    assert (spectra[1][top] ** 2).sum() < 0.01 * (spectra[0][top] ** 2).sum(), "nothing above half the rate"


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


def test_triplets_keep_every_pair():
    import scipy.sparse as sp

    plays = sp.csr_matrix(np.array([[0, 2, 0], [5, 0, 1]], dtype=np.int32))
    triplets = to_triplets(plays, np.array(["u1", "u2"]), np.array(["s1", "s2", "s3"]))
    assert triplets.values.tolist() == [["u1", "s2", 2], ["u2", "s1", 5], ["u2", "s3", 1]]


@pytest.fixture
def tiny_sizes(monkeypatch):
    monkeypatch.setitem(kit_module.SIZES, "ci", kit_module.KitSize(1, 1, 40, 2.0))


def test_tiny_kit_is_deterministic_resumable_and_checked(tiny_sizes, tmp_path):
    first = kit_module.build_music_kit("ci", root=tmp_path / "a", progress=False)
    second = kit_module.build_music_kit("ci", root=tmp_path / "b", progress=False)
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest == json.loads((second / "manifest.json").read_text()), "same seed → byte-identical files"
    assert len([f for f in manifest["files"] if f.startswith("audio/")]) == 10
    songs = pd.read_csv(first / "songs.csv", index_col="song_id", keep_default_na=False)
    assert {"recipe", "energy", "loudness", "tempo", "instruments", "keywords"} <= set(songs.columns)
    assert songs["energy"].between(0, 1).all() and songs["loudness"].between(-40, -6).all()
    assert "## The causal model" in (first / "card.md").read_text()

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
