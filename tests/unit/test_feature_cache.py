"""The log-mel feature cache: values, layout, reuse from a memory map, integrity checks and cache keys, on a
tiny collection of three short files written by the test."""

import errno
import json
import os
import shutil

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from cbrec_lab import feature_cache
from cbrec_lab.audio import log_mel_spectrogram
from cbrec_lab.cache import sha256_file
from cbrec_lab.datasets.music import MusicCollection
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.feature_cache import FeatureCacheError, SpectrogramSet, log_mel_set

SR = 22_050
SECONDS = {"a": 1.0, "b": 1.5, "c": 2.0}  # different lengths: 44, 65 and 87 frames (1 + n // 512)


def _signal(song: str, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    rng = np.random.default_rng(ord(song))
    tone = 0.5 * np.sin(2 * np.pi * (220 * (1 + ord(song) - ord("a"))) * t)
    return (tone + 0.05 * rng.normal(size=t.size)).astype(np.float32)


def _write(root, song: str, seconds: float) -> None:
    sf.write(root / f"{song}.wav", _signal(song, seconds), SR, subtype="FLOAT")


@pytest.fixture
def tiny(tmp_path):
    root = tmp_path / "audio"
    root.mkdir()
    for song, seconds in SECONDS.items():
        _write(root, song, seconds)
    songs = pd.DataFrame(
        {
            "title": ["A", "B", "C"],
            "artist": ["x", "y", "z"],
            "genre": ["rock", "jazz", "pop"],
            "audio_path": [f"{s}.wav" for s in SECONDS],
        },
        index=pd.Index(list(SECONDS), name="song_id"),
    )
    return MusicCollection(name="tiny", songs=songs, root=root)


def _expected(collection, song: str) -> np.ndarray:
    return log_mel_spectrogram(collection.load_audio(song)).T


def _cache_files(home):
    return sorted(p.name for p in (home / "features" / "tiny").glob("log-mel-*.npy"))


def test_values_are_the_transposed_log_mel_spectrograms(tiny, data_home):
    spectrograms = log_mel_set(tiny)
    assert spectrograms.song_ids == ("a", "b", "c") and len(spectrograms) == 3
    assert spectrograms.data.dtype == np.float32 and spectrograms.n_mels == 128
    expected_frames = [1 + int(s * SR) // 512 for s in SECONDS.values()]
    np.testing.assert_array_equal(spectrograms.n_frames, expected_frames)
    np.testing.assert_array_equal(spectrograms.offsets, np.concatenate([[0], np.cumsum(expected_frames)]))
    for i, song in enumerate(SECONDS):
        np.testing.assert_allclose(spectrograms[i], _expected(tiny, song), rtol=0, atol=1e-5)
    assert spectrograms.frames_per_second() == pytest.approx(SR / 512)


def test_second_call_reads_the_memory_mapped_cache_without_recomputing(tiny, data_home, monkeypatch):
    first = log_mel_set(tiny)
    assert _cache_files(data_home) and len(_cache_files(data_home)) == 1

    def boom(*args, **kwargs):
        raise AssertionError("recomputed although the cache is valid")

    monkeypatch.setattr(feature_cache, "_compute", boom)
    second = log_mel_set(tiny)
    assert isinstance(second.data, np.memmap) and not second.data.flags.writeable
    np.testing.assert_array_equal(np.asarray(second.data), np.asarray(first.data))
    np.testing.assert_array_equal(second.offsets, first.offsets)
    assert second.song_ids == first.song_ids


def test_a_corrupted_cache_file_is_reported(tiny, data_home):
    log_mel_set(tiny)
    (path,) = (data_home / "features" / "tiny").glob("log-mel-*.npy")
    raw = bytearray(path.read_bytes())
    raw[-20:] = bytes(b ^ 0xFF for b in raw[-20:])  # flip the bytes of the last stored values
    path.write_bytes(bytes(raw))
    with pytest.raises(FeatureCacheError, match=r"SHA-256.*delete it and its \.json to recompute") as info:
        log_mel_set(tiny)
    assert path.name in str(info.value)


def test_deleting_a_corrupted_file_as_advised_recomputes(tiny, data_home):
    first = np.asarray(log_mel_set(tiny).data).copy()
    (path,) = (data_home / "features" / "tiny").glob("log-mel-*.npy")
    path.write_bytes(path.read_bytes()[:-8])  # truncated
    with pytest.raises(FeatureCacheError):
        log_mel_set(tiny)
    path.unlink()
    path.with_suffix(".json").unlink()
    np.testing.assert_array_equal(np.asarray(log_mel_set(tiny).data), first)


def test_manifest_records_inputs_offsets_and_digest(tiny, data_home):
    log_mel_set(tiny)
    (manifest_path,) = (data_home / "features" / "tiny").glob("log-mel-*.json")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["inputs"]["collection"] == "tiny" and manifest["inputs"]["n_songs"] == 3
    assert manifest["inputs"]["n_mels"] == 128 and manifest["inputs"]["hop_length"] == 512
    assert manifest["sha256"] == sha256_file(manifest_path.with_suffix(".npy"))
    assert manifest["offsets"][-1] == sum(1 + int(s * SR) // 512 for s in SECONDS.values())


def test_a_changed_audio_file_gives_a_new_cache_entry(tiny, data_home):
    before = log_mel_set(tiny)
    _write(tiny.root, "b", 2.5)  # the same song, rewritten longer: a different size
    after = log_mel_set(tiny)
    assert len(_cache_files(data_home)) == 2
    assert after.n_frames[1] == 1 + int(2.5 * SR) // 512 != before.n_frames[1]
    np.testing.assert_allclose(after[1], _expected(tiny, "b"), rtol=0, atol=1e-5)
    np.testing.assert_array_equal(after[0], before[0])


def test_songs_selects_a_subset_in_the_given_order(tiny, data_home):
    subset = log_mel_set(tiny, songs=["c", "a"])
    assert subset.song_ids == ("c", "a")
    np.testing.assert_allclose(subset[0], _expected(tiny, "c"), rtol=0, atol=1e-5)
    np.testing.assert_allclose(subset[1], _expected(tiny, "a"), rtol=0, atol=1e-5)
    log_mel_set(tiny, songs=["a", "c"])
    assert len(_cache_files(data_home)) == 2, "another order is another cache entry"


def test_feature_parameters_change_the_result_and_the_key(tiny, data_home):
    small = log_mel_set(tiny, n_mels=32, songs=["a"])
    assert small.n_mels == 32
    np.testing.assert_allclose(small[0], log_mel_spectrogram(tiny.load_audio("a"), n_mels=32).T, rtol=0, atol=1e-5)
    log_mel_set(tiny, songs=["a"])
    assert len(_cache_files(data_home)) == 2


def test_without_cache_nothing_is_written(tiny, data_home):
    spectrograms = log_mel_set(tiny, cache=False)
    assert not isinstance(spectrograms.data, np.memmap)
    np.testing.assert_allclose(spectrograms[2], _expected(tiny, "c"), rtol=0, atol=1e-5)
    assert not data_home.exists() or not any(data_home.rglob("*"))


def test_without_cache_an_unusable_data_home_does_not_matter(tiny, tmp_path, monkeypatch):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("CBREC_DATA_HOME", str(not_a_folder))
    assert log_mel_set(tiny, cache=False, songs=["a"]).n_frames[0] == 44
    with pytest.raises(ParameterError, match="not a directory"):
        log_mel_set(tiny, songs=["a"])


def test_unknown_song_and_empty_selection_are_refused(tiny, data_home):
    with pytest.raises(ParameterError, match="tiny has no song 'zzz'"):
        log_mel_set(tiny, songs=["a", "zzz"])
    with pytest.raises(ParameterError, match="at least one song"):
        log_mel_set(tiny, songs=[])
    assert not (data_home / "features").exists()


def test_band_statistics_are_mean_and_variance_over_all_frames(tiny, data_home):
    spectrograms = log_mel_set(tiny)
    frames = np.asarray(spectrograms.data, dtype=np.float64)
    mean, variance = spectrograms.band_statistics()
    assert mean.shape == variance.shape == (128,)
    np.testing.assert_allclose(mean, frames.mean(axis=0), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(variance, frames.var(axis=0), rtol=1e-4, atol=1e-3)
    mean_c, variance_c = spectrograms.band_statistics([2])
    np.testing.assert_allclose(mean_c, frames[spectrograms.offsets[2] :].mean(axis=0), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(variance_c, frames[spectrograms.offsets[2] :].var(axis=0), rtol=1e-4, atol=1e-3)
    with pytest.raises(ParameterError, match="at least one song"):
        spectrograms.band_statistics([])


def test_spectrogram_set_layout():
    data = np.arange(12, dtype=np.float32).reshape(6, 2)
    s = SpectrogramSet(data, np.array([0, 1, 4, 6]), ("x", "y", "z"))
    np.testing.assert_array_equal(s[1], data[1:4])
    np.testing.assert_array_equal(s.n_frames, [1, 3, 2])
    assert s.n_mels == 2 and len(s) == 3


@pytest.mark.parametrize(
    ("data", "offsets", "message"),
    [
        (np.zeros(6, np.float32), [0, 2, 6], "must be \\(frames, n_mels\\)"),
        (np.zeros((6, 2), np.float32), [1, 2, 6], "must start at 0"),
        (np.zeros((6, 2), np.float32), [0, 6], "one entry more than song_ids"),
        (np.zeros((6, 2), np.float32), [0, 4, 4], "increase strictly"),
        (np.zeros((6, 2), np.float32), [0, 4, 2], "increase strictly"),
        (np.zeros((6, 2), np.float32), [0, 2, 5], "end at the number of frames"),
    ],
)
def test_spectrogram_set_refuses_bad_offsets(data, offsets, message):
    with pytest.raises(ParameterError, match=message):
        SpectrogramSet(data, np.array(offsets), ("x", "y"))


# --------------------------------------------------------------------------------------------------------------
# A shared, read-only data home; keys that follow the audio files themselves.


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES], ids=["read-only mount", "owned by someone else"])
def test_a_valid_cache_is_read_from_a_data_home_it_cannot_write(tiny, data_home, read_only, monkeypatch, code):
    first = log_mel_set(tiny)
    read_only(data_home, code)

    def boom(*args, **kwargs):
        raise AssertionError("recomputed although the shared cache is valid")

    monkeypatch.setattr(feature_cache, "_compute", boom)
    again = log_mel_set(tiny)
    assert isinstance(again.data, np.memmap)
    np.testing.assert_array_equal(np.asarray(again.data), np.asarray(first.data))


def test_an_unwritable_data_home_computes_in_memory_with_a_one_line_note(tiny, data_home, read_only):
    read_only(data_home)
    with pytest.warns(UserWarning, match=r"not writable.*computing .* in memory") as notes:
        spectrograms = log_mel_set(tiny)
    assert len(notes) == 1 and "\n" not in str(notes[0].message) and str(data_home) in str(notes[0].message)
    assert not isinstance(spectrograms.data, np.memmap)
    np.testing.assert_allclose(spectrograms[2], _expected(tiny, "c"), rtol=0, atol=1e-5)


def _replace_keeping_size(path, song: str, seconds: float) -> None:
    """Other audio of the same length (so the same file size) written over ``path`` a second later."""
    before = path.stat()
    sf.write(path, _signal(song, seconds), SR, subtype="FLOAT")
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))


def test_a_clip_replaced_by_other_audio_of_the_same_size_is_recomputed(tiny, data_home):
    before = np.array(log_mel_set(tiny)[0])
    _replace_keeping_size(tiny.audio_path("a"), "b", SECONDS["a"])
    after = log_mel_set(tiny)
    np.testing.assert_allclose(after[0], _expected(tiny, "a"), rtol=0, atol=1e-5)
    assert not np.allclose(after[0], before), "the old spectrogram came back from the cache"


def test_two_folders_loaded_under_one_name_do_not_share_a_cache(tiny, data_home, tmp_path):
    other_root = tmp_path / "elsewhere"
    shutil.copytree(tiny.root, other_root)  # copy2 keeps sizes and modification times
    stamp = (tiny.root / "a.wav").stat()
    sf.write(other_root / "a.wav", _signal("c", SECONDS["a"]), SR, subtype="FLOAT")
    os.utime(other_root / "a.wav", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # same name, size and time
    other = MusicCollection(name="tiny", songs=tiny.songs, root=other_root)
    log_mel_set(tiny)
    np.testing.assert_allclose(log_mel_set(other)[0], _expected(other, "a"), rtol=0, atol=1e-5)
