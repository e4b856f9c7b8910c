"""predict_genre on a user's recording: windows averaged, level removed, short clips refused, non-music flagged."""

import warnings

import numpy as np
import pytest
import soundfile as sf

from cbrec_lab.audio import log_mel_spectrogram
from cbrec_lab.augment import gain, standardise_level
from cbrec_lab.config import import_keras
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.genre import GenrePrediction, NotMusicWarning, music_evidence, predict_genre
from cbrec_lab.train import song_windows

keras = import_keras()

SR = 22_050
FRAMES = 20  # 1 + 19 hops of 512 samples: a clip needs 9,728 samples (0.44 s)
GENRES = ("blues", "classical", "metal")


def _tone(frequencies, seconds=3.0, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    return (0.2 * sum(np.sin(2 * np.pi * f * t) for f in frequencies)).astype(np.float32)


def _speech_like(seconds=6.0, sr=SR, seed=0):
    """Words of 1–3 syllables (120–250 ms of harmonics of a gliding 100–200 Hz pitch shaped by three random
    formants, some followed by a noise burst) separated by 80–350 ms pauses: speech's rhythm, not its words."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    y, position = np.zeros(n), int(0.2 * sr)
    while position < n - sr // 4:
        for _ in range(rng.integers(1, 4)):
            length = int(rng.uniform(0.12, 0.25) * sr)
            if position + length + int(0.04 * sr) >= n:
                break
            t = np.arange(length) / sr
            f0 = rng.uniform(100, 200) * (1 + rng.uniform(-0.25, 0.25) * t / t[-1])
            phase = 2 * np.pi * np.cumsum(f0) / sr
            formants = rng.uniform([300, 900, 2_300], [800, 2_200, 3_000])
            syllable = sum(
                sum(np.exp(-(((k * f0 - f) / 120.0) ** 2)) for f in formants) / k**0.5 * np.sin(k * phase)
                for k in range(1, int(4_000 / f0.max()))
            )
            y[position : position + length] += syllable * np.hanning(length)
            position += length
            if rng.random() < 0.5:
                burst = int(0.04 * sr)
                y[position : position + burst] += 0.3 * rng.standard_normal(burst) * np.hanning(burst)
                position += burst
        position += int(rng.uniform(0.08, 0.35) * sr)
    return (0.3 * y / np.abs(y).max()).astype(np.float32)


@pytest.fixture(scope="module")
def model():
    """A small untrained classifier whose outputs vary with its input (tanh keeps the sign of the dB values)."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((FRAMES, 128))
    x = keras.layers.Conv1D(4, 3, activation="tanh")(keras.layers.Rescaling(0.01)(inputs))
    x = keras.layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, keras.layers.Dense(len(GENRES), activation="softmax")(x))


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotMusicWarning)
        return call()


def test_prediction_is_the_mean_of_the_windows_softmax(model):
    y = _tone([220.0, 330.0], seconds=2.0)
    result = _quiet(lambda: predict_genre(y, model, GENRES))
    windows = song_windows(standardise_level(log_mel_spectrogram(y, sr=SR).T), frames=FRAMES)
    expected = keras.ops.convert_to_numpy(model(windows, training=False))
    assert isinstance(result, GenrePrediction)
    np.testing.assert_allclose(result.window_probabilities, expected, atol=1e-6)
    np.testing.assert_allclose(result.probabilities.to_numpy(), expected.mean(axis=0), atol=1e-6)
    assert list(result.probabilities.index) == list(GENRES)
    assert result.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert result.genre == GENRES[int(expected.mean(axis=0).argmax())]
    assert result.seconds == pytest.approx(2.0, abs=1e-4)
    assert np.ptp(expected, axis=0).max() > 1e-4  # the windows differ, so the mean is a real test
    assert len(result.window_probabilities) == 5  # 87 frames: starts 0, 20, 40, 60 and 67 (aligned to the end)
    assert result.genre in str(result)


def test_level_standardisation_makes_the_prediction_independent_of_the_gain(model):
    y = _tone([220.0, 330.0, 440.0], seconds=2.0)
    quiet, loud = (_quiet(lambda g=g: predict_genre(gain(y, g), model, GENRES)) for g in (-10.0, 10.0))
    np.testing.assert_allclose(quiet.probabilities, loud.probabilities, atol=1e-4)
    raw_quiet, raw_loud = (
        _quiet(lambda g=g: predict_genre(gain(y, g), model, GENRES, standardise=False)) for g in (-10.0, 10.0)
    )
    assert np.abs(raw_quiet.probabilities - raw_loud.probabilities).max() > 1e-3


def test_a_file_path_gives_the_same_prediction_as_its_samples(model, tmp_path):
    y = _tone([261.6, 329.6, 392.0], seconds=1.5)
    path = tmp_path / "my recording.wav"
    sf.write(path, y, SR, subtype="FLOAT")
    from_file = _quiet(lambda: predict_genre(path, model, GENRES))
    np.testing.assert_allclose(from_file.probabilities, _quiet(lambda: predict_genre(y, model, GENRES)).probabilities)
    assert _quiet(lambda: predict_genre(str(path), model, GENRES)).genre == from_file.genre


def test_a_clip_shorter_than_the_window_is_refused_with_the_minimum_length(model):
    with pytest.raises(ParameterError, match=r"lasts 0\.30 s.*20 frames.*at least 0\.44 s"):
        predict_genre(_tone([440.0], seconds=0.3), model, GENRES)
    exact = _tone([440.0], seconds=1.0)[: 19 * 512]  # exactly one window
    assert len(_quiet(lambda: predict_genre(exact, model, GENRES)).window_probabilities) == 1


def test_bad_arguments_are_refused(model):
    y = _tone([440.0], seconds=1.0)
    with pytest.raises(ParameterError, match="3 outputs but 2 genres"):
        predict_genre(y, model, ["a", "b"])
    with pytest.raises(ParameterError, match="a path or a numpy array"):
        predict_genre([0.0] * 20_000, model, GENRES)
    with pytest.raises(ParameterError, match="No audio file"):
        predict_genre("no-such-file.wav", model, GENRES)
    flat = keras.Sequential([keras.Input((128,)), keras.layers.Dense(3, activation="softmax")])
    with pytest.raises(ParameterError, match="log-mel windows of shape"):
        predict_genre(y, flat, GENRES)


@pytest.mark.parametrize("name", ["sine", "chord"])
def test_tones_look_like_music_and_raise_no_warning(model, name):
    y = _tone([440.0] if name == "sine" else [261.6, 329.6, 392.0])
    evidence = music_evidence(y)
    assert evidence["looks_like_music"]
    assert evidence["flatness"] < 0.01 and evidence["pauses"] == 0.0 and evidence["persistence"] > 0.9
    with warnings.catch_warnings():
        warnings.simplefilter("error", NotMusicWarning)
        assert predict_genre(y, model, GENRES).looks_like_music


def test_white_noise_is_flagged_as_noise_like(model):
    y = (0.1 * np.random.default_rng(0).standard_normal(3 * SR)).astype(np.float32)
    evidence = music_evidence(y)
    assert evidence["flatness"] == pytest.approx(0.56, abs=0.05) and not evidence["looks_like_music"]
    with pytest.warns(NotMusicWarning, match="does not look like music"):
        result = predict_genre(y, model, GENRES)
    assert not result.looks_like_music and "grain of salt" in str(result)


def test_a_speech_like_signal_is_flagged_for_its_pauses_without_held_pitch(model):
    y = _speech_like()
    evidence = music_evidence(y)
    assert evidence["flatness"] < 0.3  # harmonic, not noise: the pauses and gliding pitch give it away
    assert evidence["pauses"] > 0.2 and evidence["persistence"] < 0.3 and not evidence["looks_like_music"]
    with pytest.warns(NotMusicWarning):
        predict_genre(y, model, GENRES)
    assert music_evidence(y, thresholds={"pauses": 0.9})["looks_like_music"]  # the thresholds decide
    with warnings.catch_warnings():  # warn=False: no warning even for speech
        warnings.simplefilter("error", NotMusicWarning)
        predict_genre(y, model, GENRES, warn=False)


def test_music_evidence_refuses_unknown_thresholds():
    with pytest.raises(ParameterError, match="unknown thresholds"):
        music_evidence(_tone([440.0]), thresholds={"loudness": 3})
