import librosa
import numpy as np
import pytest

from cbrec_lab.audio import mfcc_statistics
from cbrec_lab.exceptions import ParameterError


def test_mfcc_statistics_are_mean_and_std_of_librosa_mfccs():
    rng = np.random.default_rng(0)
    y = rng.normal(size=22_050).astype(np.float32)
    stats = mfcc_statistics(y, n_mfcc=13)
    reference = librosa.feature.mfcc(y=y, sr=22_050, n_mfcc=13, n_fft=1_024, hop_length=512)
    assert stats.shape == (26,)
    np.testing.assert_allclose(stats[:13], reference.mean(axis=1), rtol=1e-5)
    np.testing.assert_allclose(stats[13:], reference.std(axis=1), rtol=1e-5)


def test_a_tone_and_noise_differ():
    t = np.arange(22_050) / 22_050
    tone = mfcc_statistics(np.sin(2 * np.pi * 440 * t))
    noise = mfcc_statistics(np.random.default_rng(1).normal(size=22_050))
    assert np.linalg.norm(tone - noise) > 10


@pytest.mark.parametrize("bad", [np.zeros(100), np.zeros((2, 5000))])
def test_bad_audio_is_refused(bad):
    with pytest.raises(ParameterError, match="mono audio"):
        mfcc_statistics(bad)


# --------------------------------------------------------------------------------------------------------------
# Bad audio files: a ParameterError that names the file and what is wrong (issue 18, defect 9)


def _tone_file(path, seconds=1.0, sr=8000, **kwargs):
    import soundfile as sf

    t = np.arange(int(seconds * sr)) / sr
    sf.write(path, (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr, **kwargs)
    return path


def test_load_refuses_an_empty_wav_naming_the_file(tmp_path):
    from cbrec_lab.audio import load

    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(ParameterError, match="empty") as info:
        load(path)
    assert str(path) in str(info.value)


def test_load_refuses_a_text_file_named_wav(tmp_path):
    from cbrec_lab.audio import load

    path = tmp_path / "notes.wav"
    path.write_text("these are lecture notes, not audio\n" * 20)
    with pytest.raises(ParameterError, match="not an audio file") as info:
        load(path)
    assert str(path) in str(info.value) and "ffmpeg" in str(info.value)


@pytest.mark.parametrize("keep", [0.5, 60])  # cut in the middle of the frames, or inside the header
def test_load_refuses_a_truncated_flac(tmp_path, keep):
    from cbrec_lab.audio import load

    whole = _tone_file(tmp_path / "whole.flac", seconds=3.0).read_bytes()
    path = tmp_path / "cut.flac"
    path.write_bytes(whole[: int(len(whole) * keep) if keep < 1 else keep])
    with pytest.raises(ParameterError) as info:
        load(path)
    message = str(info.value)
    assert str(path) in message and ("truncated" in message or "not an audio file" in message)
    assert "download" in message or "ffmpeg" in message


def test_load_refuses_nan_samples_naming_the_file(tmp_path):
    import soundfile as sf

    from cbrec_lab.audio import load

    y = np.zeros(8000, dtype=np.float32)
    y[100] = np.nan
    path = tmp_path / "nan.wav"
    sf.write(path, y, 8000, subtype="FLOAT")
    with pytest.raises(ParameterError, match="non-finite") as info:
        load(path, sr=8000)
    assert str(path) in str(info.value)


def test_load_refuses_a_long_file_unless_a_duration_is_given(tmp_path, monkeypatch):
    from cbrec_lab import audio

    path = _tone_file(tmp_path / "long.flac", seconds=3.0)
    monkeypatch.setattr(audio, "MAX_AUDIO_SECONDS", 2.0)
    with pytest.raises(ParameterError, match="MAX_AUDIO_SECONDS") as info:
        audio.load(path, sr=8000)
    assert str(path) in str(info.value) and "duration=" in str(info.value)
    assert audio.load(path, sr=8000, duration=1.0).shape == (8000,)
    assert audio.load(path, sr=8000, offset=2.5).shape == (4000,)  # only 0.5 s is decoded
    monkeypatch.setattr(audio, "MAX_AUDIO_SECONDS", 10.0)
    assert audio.load(path, sr=8000).shape == (24000,)


def test_load_still_reads_good_files(tmp_path):
    from cbrec_lab.audio import load

    for name, kwargs in {"a.wav": {"subtype": "PCM_16"}, "b.flac": {}, "c.ogg": {"format": "OGG"}}.items():
        y = load(_tone_file(tmp_path / name, seconds=1.0, **kwargs), sr=8000)
        assert y.dtype == np.float32 and abs(len(y) - 8000) <= 1 and np.abs(y).max() > 0.2


def test_log_mel_set_names_the_file_that_failed(tmp_path):
    import pandas as pd

    from cbrec_lab.datasets.music import MusicCollection
    from cbrec_lab.feature_cache import log_mel_set

    _tone_file(tmp_path / "good.wav", seconds=1.0)
    (tmp_path / "bad.wav").write_text("not audio at all\n" * 10)
    songs = pd.DataFrame(
        {"title": ["Good", "Bad"], "artist": ["A", "B"], "genre": ["x", "y"], "audio_path": ["good.wav", "bad.wav"]},
        index=pd.Index(["good", "bad"], name="song_id"),
    )
    collection = MusicCollection(name="bad-files", songs=songs, root=tmp_path)
    with pytest.raises(ParameterError) as info:
        log_mel_set(collection, cache=False)
    message = str(info.value)
    assert str(tmp_path / "bad.wav") in message and "'bad'" in message and "not an audio file" in message
