"""Audio augmentation and level standardisation: each transform against the value it must give by hand."""

import numpy as np
import pytest

from cbrec_lab.audio import log_mel_spectrogram
from cbrec_lab.augment import (
    Augmentation,
    LevelStandardisedSet,
    add_noise,
    band_limit,
    equalise,
    gain,
    level_standardised,
    pitch_shift,
    spectrogram_set,
    standardise_level,
    time_shift,
)
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.feature_cache import SpectrogramSet

SR = 22_050


def _sine(frequency, seconds=1.0, sr=SR, amplitude=0.5):
    t = np.arange(int(seconds * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def _rms_db(y):
    return 10 * np.log10(np.mean(np.square(y, dtype=np.float64)))


def _peak_hz(y, sr=SR):
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return np.fft.rfftfreq(len(y), 1 / sr)[np.argmax(spectrum)]


def _steady_gain_db(filtered, original):
    """Level change in dB after the filter's start-up (the second half of the signal)."""
    half = len(original) // 2
    return _rms_db(filtered[half:]) - _rms_db(original[half:])


# ------------------------------------------------------------------------------------------------- gain


@pytest.mark.parametrize("db", [-10.0, -3.0, 0.0, 6.0, 10.0])
def test_gain_changes_the_rms_by_exactly_its_decibels(db):
    y = np.random.default_rng(0).uniform(-0.5, 0.5, 4_000).astype(np.float32)
    out = gain(y, db)
    assert out.dtype == np.float32
    assert _rms_db(out) - _rms_db(y) == pytest.approx(db, abs=1e-4)
    np.testing.assert_allclose(out, y * 10 ** (db / 20), rtol=1e-6)


def test_gain_shifts_every_log_mel_value_by_its_decibels():
    y = _sine(440.0) + _sine(1_000.0, amplitude=0.1)
    shifted = log_mel_spectrogram(gain(y, -7.0)) - log_mel_spectrogram(y)
    np.testing.assert_allclose(shifted, -7.0, atol=1e-3)


@pytest.mark.parametrize("db", [float("nan"), float("inf"), True, "6"])
def test_gain_refuses_what_is_not_a_finite_number(db):
    with pytest.raises(ParameterError, match="db must be a finite number"):
        gain(_sine(440.0), db)


# ------------------------------------------------------------------------------------------------- filters


def test_peaking_eq_gives_its_gain_at_the_centre_and_none_far_from_it():
    boosted = equalise(_sine(1_000.0, seconds=2.0), sr=SR, centre_hz=1_000.0, gain_db=6.0, q=2.0)
    assert _steady_gain_db(boosted, _sine(1_000.0, seconds=2.0)) == pytest.approx(6.0, abs=0.05)
    far = _sine(60.0, seconds=2.0)
    assert _steady_gain_db(equalise(far, sr=SR, centre_hz=5_000.0, gain_db=-12.0, q=2.0), far) == pytest.approx(
        0.0, abs=0.05
    )


def test_peaking_eq_with_zero_gain_is_the_identity():
    y = _sine(440.0)
    np.testing.assert_allclose(equalise(y, sr=SR, centre_hz=440.0, gain_db=0.0), y, atol=1e-6)


def test_peaking_eq_refuses_a_centre_above_nyquist():
    with pytest.raises(ParameterError, match="below the Nyquist frequency 11025 Hz"):
        equalise(_sine(440.0), sr=SR, centre_hz=12_000.0, gain_db=3.0)


def test_band_limit_is_minus_3_db_at_the_cut_off_and_keeps_the_pass_band():
    at_cut = _sine(2_000.0, seconds=2.0)
    assert _steady_gain_db(band_limit(at_cut, sr=SR, high_hz=2_000.0), at_cut) == pytest.approx(-3.01, abs=0.05)
    passed = _sine(1_000.0, seconds=2.0)
    assert _steady_gain_db(band_limit(passed, sr=SR, low_hz=100.0, high_hz=8_000.0), passed) == pytest.approx(
        0.0, abs=0.05
    )
    stopped = _sine(50.0, seconds=2.0)
    assert _steady_gain_db(band_limit(stopped, sr=SR, low_hz=400.0, order=4), stopped) < -60  # 6·4 dB/octave × 3


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [(None, None, "needs low_hz, high_hz or both"), (500.0, 200.0, "below high_hz"), (None, 20_000.0, "high_hz")],
)
def test_band_limit_refuses_bad_bands(low, high, message):
    with pytest.raises(ParameterError, match=message):
        band_limit(_sine(440.0), sr=SR, low_hz=low, high_hz=high)


# ------------------------------------------------------------------------------------------------- noise


@pytest.mark.parametrize("colour", ["white", "pink"])
@pytest.mark.parametrize("snr_db", [0.0, 10.0, 30.0])
def test_noise_is_added_at_the_requested_snr(snr_db, colour):
    y = _sine(440.0)
    out = add_noise(y, snr_db=snr_db, rng=np.random.default_rng(1), colour=colour)
    noise = out.astype(np.float64) - y
    assert _rms_db(y) - _rms_db(noise) == pytest.approx(snr_db, abs=1e-3)


def test_pink_noise_falls_3_db_per_octave_and_white_noise_is_flat():
    def octave_drop(colour):
        noise = add_noise(_sine(440.0, seconds=4.0), snr_db=-60.0, rng=np.random.default_rng(2), colour=colour)
        power = np.abs(np.fft.rfft(noise)) ** 2
        f = np.fft.rfftfreq(len(noise), 1 / SR)
        return 10 * np.log10(power[(f > 2_000) & (f < 2_400)].mean() / power[(f > 4_000) & (f < 4_800)].mean())

    assert octave_drop("pink") == pytest.approx(3.0, abs=0.5)
    assert octave_drop("white") == pytest.approx(0.0, abs=0.5)


def test_noise_is_reproducible_from_the_generator_and_refuses_silence_and_seeds():
    y = _sine(440.0)
    first = add_noise(y, snr_db=10.0, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(first, add_noise(y, snr_db=10.0, rng=np.random.default_rng(3)))
    assert not np.array_equal(first, add_noise(y, snr_db=10.0, rng=np.random.default_rng(4)))
    with pytest.raises(ParameterError, match="SNR of silence is undefined"):
        add_noise(np.zeros(100, np.float32), snr_db=10.0, rng=np.random.default_rng(0))
    with pytest.raises(ParameterError, match="numpy.random.Generator"):
        add_noise(y, snr_db=10.0, rng=3)
    with pytest.raises(ParameterError, match="'white' or 'pink'"):
        add_noise(y, snr_db=10.0, rng=np.random.default_rng(0), colour="brown")


# ------------------------------------------------------------------------------------------------- time shift


def test_time_shift_rolls_or_pads_as_documented():
    y = np.arange(1, 6, dtype=np.float32)  # 1 2 3 4 5
    np.testing.assert_array_equal(time_shift(y, 2), [4, 5, 1, 2, 3])
    np.testing.assert_array_equal(time_shift(y, -1), [2, 3, 4, 5, 1])
    np.testing.assert_array_equal(time_shift(y, 2, mode="pad"), [0, 0, 1, 2, 3])
    np.testing.assert_array_equal(time_shift(y, -2, mode="pad"), [3, 4, 5, 0, 0])
    np.testing.assert_array_equal(time_shift(y, 7, mode="pad"), [0, 0, 0, 0, 0])
    np.testing.assert_array_equal(time_shift(y, 0, mode="pad"), y)


@pytest.mark.parametrize(("samples", "mode", "message"), [(1.5, "roll", "integer"), (1, "wrap", "'roll' or 'pad'")])
def test_time_shift_refuses_bad_arguments(samples, mode, message):
    with pytest.raises(ParameterError, match=message):
        time_shift(np.ones(4, np.float32), samples, mode=mode)


# ------------------------------------------------------------------------------------------------- pitch shift


@pytest.mark.parametrize("semitones", [-5.0, 2.0, 7.0, 12.0])
def test_pitch_shift_moves_a_sines_peak_by_two_to_the_semitones_over_twelve(semitones):
    y = _sine(440.0, seconds=2.0)
    out = pitch_shift(y, sr=SR, semitones=semitones)
    assert len(out) == len(y)
    assert _peak_hz(out) == pytest.approx(440.0 * 2 ** (semitones / 12), rel=0.01)


def test_pitch_shift_by_zero_returns_a_copy():
    y = _sine(440.0)
    out = pitch_shift(y, sr=SR, semitones=0)
    np.testing.assert_array_equal(out, y)
    assert out is not y


# ------------------------------------------------------------------------------------------------- random chain


def test_augmentation_is_deterministic_given_the_generator():
    y = _sine(440.0, seconds=1.0) + _sine(660.0, seconds=1.0, amplitude=0.2)
    policy = Augmentation(p_eq=1, p_band=1, p_pitch=1, p_shift=1, p_noise=1)
    first = policy(y, sr=SR, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(first, policy(y, sr=SR, rng=np.random.default_rng(5)))
    assert not np.array_equal(first, policy(y, sr=SR, rng=np.random.default_rng(6)))
    assert first.shape == y.shape and first.dtype == np.float32


def test_augmentation_draws_the_same_parameters_whatever_the_probabilities():
    always = Augmentation(p_eq=1, p_band=1, p_pitch=1, p_shift=1, p_noise=1, p_gain=1).draw(
        np.random.default_rng(7), n_samples=1_000
    )
    never = Augmentation(p_eq=0, p_band=0, p_pitch=0, p_shift=0, p_noise=0, p_gain=1).draw(
        np.random.default_rng(7), n_samples=1_000
    )
    assert never["gain_db"] == always["gain_db"]
    assert all(never[k] is None for k in ("eq", "band", "semitones", "shift", "snr_db"))
    assert -10 <= always["gain_db"] <= 10 and 10 <= always["snr_db"] <= 40 and abs(always["shift"]) <= 500
    low, high = always["band"]
    assert 60 <= low <= 300 and 3_000 <= high <= 9_000


def test_a_gain_only_chain_is_the_gain_function():
    y = _sine(440.0)
    policy = Augmentation(p_eq=0, p_band=0, p_pitch=0, p_shift=0, p_noise=0)
    chain = policy.draw(np.random.default_rng(8), n_samples=len(y))
    np.testing.assert_array_equal(policy.apply(y, sr=SR, chain=chain), gain(y, chain["gain_db"]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p_noise": 1.5}, "p_noise must lie in"),
        ({"gain_db": (5, -5)}, "low ≤ high"),
        ({"gain_db": 3}, "pair of numbers"),
        ({"low_cut_hz": (100, 4_000)}, "must lie below high_cut_hz"),
    ],
)
def test_augmentation_refuses_bad_settings(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        Augmentation(**kwargs)


# ------------------------------------------------------------------------------------------------- level


def test_standardise_level_removes_any_constant_offset():
    x = np.random.default_rng(0).normal(-40, 8, (30, 5))
    np.testing.assert_allclose(standardise_level(x + 17.0), standardise_level(x), atol=1e-4)
    assert standardise_level(x).mean() == pytest.approx(0.0, abs=1e-5)
    np.testing.assert_allclose(standardise_level([[1.0, 3.0], [5.0, 7.0]]), [[-3, -1], [1, 3]])
    np.testing.assert_allclose(
        standardise_level([[1.0, 3.0], [5.0, 7.0]], scale=True), np.array([[-3, -1], [1, 3]]) / 5**0.5
    )


def test_standardise_level_per_clip_of_a_batch():
    batch = np.stack([np.full((4, 3), 10.0), np.full((4, 3), -20.0)])
    batch[0, 0, 0] = 14.0
    out = standardise_level(batch, axis=(1, 2))
    np.testing.assert_allclose(out.mean(axis=(1, 2)), [0, 0], atol=1e-6)
    np.testing.assert_allclose(out[1], 0.0)
    np.testing.assert_allclose(standardise_level(np.full((3, 2), 5.0), scale=True), 0.0)  # a constant clip


def test_standardise_level_refuses_empty_and_non_finite_input():
    with pytest.raises(ParameterError, match="non-empty"):
        standardise_level(np.zeros((0, 3)))
    with pytest.raises(ParameterError, match="finite"):
        standardise_level(np.array([0.0, -np.inf]))


def _two_songs() -> SpectrogramSet:
    data = np.concatenate([np.full((4, 2), -30.0), np.arange(6, dtype=np.float64).reshape(3, 2)]).astype(np.float32)
    return SpectrogramSet(data, np.array([0, 4, 7]), ("a", "b"))


def test_level_standardised_view_standardises_each_song_without_copying():
    raw = _two_songs()
    view = level_standardised(raw)
    assert isinstance(view, LevelStandardisedSet) and view.data is raw.data
    assert len(view) == 2 and view.song_ids == raw.song_ids
    np.testing.assert_array_equal(view.n_frames, [4, 3])
    np.testing.assert_allclose(view[0], 0.0)
    np.testing.assert_allclose(view[1], np.arange(6).reshape(3, 2) - 2.5)
    mean, variance = view.band_statistics()
    np.testing.assert_allclose(mean, [(0 * 4 - 2.5 - 0.5 + 1.5) / 7, (0 * 4 - 1.5 + 0.5 + 2.5) / 7], atol=1e-6)
    assert variance.shape == (2,)
    with pytest.raises(ParameterError, match="already level-standardised"):
        level_standardised(view)
    with pytest.raises(ParameterError, match="must be a SpectrogramSet"):
        level_standardised(raw.data)


def test_spectrogram_set_of_waveforms_matches_log_mel_and_a_relevelled_copy_standardises_alike():
    y = _sine(440.0) + _sine(3_000.0, amplitude=0.05)
    louder = gain(y, 9.0)
    specs = spectrogram_set([y, louder], ["quiet", "loud"])
    np.testing.assert_allclose(specs[0], log_mel_spectrogram(y).T, atol=1e-5)
    assert specs.song_ids == ("quiet", "loud")
    view = level_standardised(specs)
    np.testing.assert_allclose(view[1], view[0], atol=1e-3)
    with pytest.raises(ParameterError, match="one song id per waveform"):
        spectrogram_set([y], ["a", "b"])
