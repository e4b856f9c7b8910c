"""Tests of cbrec_lab.audio: parity with librosa, the thesis's frame counts, windows, loading, errors and the
MFCC bag-of-words codebook."""

import librosa
import numpy as np
import pytest
import scipy.sparse as sp
import soundfile as sf

from cbrec_lab import audio
from cbrec_lab.audio import (
    HOP_LENGTH,
    N_FFT,
    N_MELS,
    N_MFCC,
    SAMPLE_RATE,
    MfccCodebook,
    fixed_windows,
    load,
    log_mel_spectrogram,
    mel_spectrogram,
    mfcc_with_deltas,
    pad_or_trim,
    random_window,
    validate_audio,
)
from cbrec_lab.exceptions import ParameterError

THREE_SECONDS = 3 * SAMPLE_RATE  # 66,150 samples


@pytest.fixture(scope="module")
def chirp():
    """A 3 s exponential chirp from 110 Hz to 8 kHz at 22,050 Hz, float32."""
    return librosa.chirp(fmin=110, fmax=8_000, sr=SAMPLE_RATE, duration=3.0).astype(np.float32)


def test_constants_are_the_thesis_values():
    assert (SAMPLE_RATE, N_FFT, HOP_LENGTH, N_MELS, N_MFCC) == (22_050, 1_024, 512, 128, 13)
    assert 1000 * HOP_LENGTH / SAMPLE_RATE == pytest.approx(23.2, abs=0.1)  # "≈ 23 ms"


# -- parity with librosa --------------------------------------------------------------------------------------


def test_mel_spectrogram_matches_librosa(chirp):
    ours = mel_spectrogram(chirp, sr=SAMPLE_RATE, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=N_MELS)
    reference = librosa.feature.melspectrogram(y=chirp, sr=SAMPLE_RATE, n_fft=1024, hop_length=512, n_mels=128)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-8)


def test_magnitude_mel_spectrogram_matches_librosa(chirp):
    ours = mel_spectrogram(chirp, power=1.0)
    reference = librosa.feature.melspectrogram(
        y=chirp, sr=SAMPLE_RATE, n_fft=1024, hop_length=512, n_mels=128, power=1.0
    )
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-8)


def test_log_mel_spectrogram_matches_power_to_db(chirp):
    ours = log_mel_spectrogram(chirp)
    mel = librosa.feature.melspectrogram(y=chirp, sr=SAMPLE_RATE, n_fft=1024, hop_length=512, n_mels=128)
    reference = librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=80.0)
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-4)
    assert ours.max() - ours.min() <= 80.0 + 1e-4  # top_db clips the dynamic range


def test_log_mel_formula_by_hand(chirp):
    mel = mel_spectrogram(chirp)
    by_hand = 10 * np.log10(np.maximum(mel, 1e-10)) - 10 * np.log10(2.0)
    ours = log_mel_spectrogram(chirp, ref=2.0, top_db=None)
    np.testing.assert_allclose(ours, by_hand, rtol=1e-5, atol=1e-4)


def test_mfcc_with_deltas_matches_librosa(chirp):
    ours = mfcc_with_deltas(chirp, sr=SAMPLE_RATE, n_mfcc=13, n_fft=1024, hop_length=512, n_mels=128)
    mfcc = librosa.feature.mfcc(y=chirp, sr=SAMPLE_RATE, n_mfcc=13, n_fft=1024, hop_length=512, n_mels=128)
    reference = np.concatenate(
        [mfcc, librosa.feature.delta(mfcc, width=9), librosa.feature.delta(mfcc, width=9, order=2)]
    )
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(ours[:13], mfcc)


def test_silent_audio_gives_the_amin_floor():
    np.testing.assert_allclose(log_mel_spectrogram(np.zeros(4096, dtype=np.float32)), -100.0)


# -- frame counts and the thesis's numbers -------------------------------------------------------------------


@pytest.mark.parametrize("n", [1024, 1025, 1535, 1536, 4096, 22_050, 66_150])
def test_frame_count_is_one_plus_n_over_hop(n):
    y = np.random.default_rng(n).normal(scale=0.1, size=n).astype(np.float32)
    assert mel_spectrogram(y).shape == (128, 1 + n // 512)
    assert log_mel_spectrogram(y, n_mels=40).shape == (40, 1 + n // 512)


def test_three_second_window_has_130_frames(chirp):
    window = random_window(chirp, sr=SAMPLE_RATE, seconds=3.0, rng=0)
    assert window.shape == (66_150,)
    assert 1 + window.size // HOP_LENGTH == 130
    assert mel_spectrogram(window).shape == (128, 130)
    assert log_mel_spectrogram(window).shape == (128, 130)
    assert mfcc_with_deltas(window).shape == (39, 130)


# -- windows ------------------------------------------------------------------------------------------------


def test_fixed_windows_count_contents_and_dropped_partial_window():
    sr = 100
    y = np.arange(1050, dtype=np.float32)  # 10.5 s at 100 Hz
    windows = fixed_windows(y, sr=sr, seconds=3.0)
    assert windows.shape == (3, 300)  # 0–3, 3–6, 6–9 s; the partial 9–10.5 s window is dropped
    np.testing.assert_array_equal(windows, y[:900].reshape(3, 300))
    overlapping = fixed_windows(y, sr=sr, seconds=3.0, hop_seconds=1.5)
    assert overlapping.shape == (1 + (1050 - 300) // 150, 300)
    np.testing.assert_array_equal(overlapping[:, 0], np.arange(0, 751, 150))
    np.testing.assert_array_equal(overlapping[-1], y[750:1050])
    overlapping[0, 0] = -1.0  # a copy, not a view into y
    assert y[0] == 0.0


def test_fixed_windows_exactly_one_window():
    y = np.ones(300, dtype=np.float32)
    assert fixed_windows(y, sr=100, seconds=3.0).shape == (1, 300)


def test_fixed_windows_refuse_a_signal_shorter_than_one_window():
    with pytest.raises(ParameterError, match=r"299 samples.*3\.0 s \(300 samples\)"):
        fixed_windows(np.ones(299, dtype=np.float32), sr=100, seconds=3.0)


def test_random_window_is_deterministic_and_inside_the_signal():
    y = np.arange(10 * SAMPLE_RATE, dtype=np.float32)  # exact in float32 (< 2**24): values are indices
    first = random_window(y, sr=SAMPLE_RATE, seconds=3.0, rng=np.random.default_rng(7))
    again = random_window(y, sr=SAMPLE_RATE, seconds=3.0, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(random_window(y, sr=SAMPLE_RATE, seconds=3.0, rng=7), first)
    rng = np.random.default_rng(0)
    starts = np.array([random_window(y, sr=SAMPLE_RATE, seconds=3.0, rng=rng)[0] for _ in range(200)])
    assert starts.min() >= 0 and starts.max() <= y.size - THREE_SECONDS
    assert len(np.unique(starts)) > 150  # the start varies from draw to draw
    window = random_window(y, sr=SAMPLE_RATE, seconds=3.0, rng=3)
    start = int(window[0])
    np.testing.assert_array_equal(window, y[start : start + THREE_SECONDS])


def test_random_window_pads_a_short_signal():
    y = np.ones(100, dtype=np.float32)
    window = random_window(y, sr=100, seconds=3.0, rng=0)
    assert window.shape == (300,)
    np.testing.assert_array_equal(window[:100], 1.0)
    np.testing.assert_array_equal(window[100:], 0.0)


@pytest.mark.parametrize("rng", [None, -1, 1.5, "seed"])
def test_random_window_needs_an_explicit_rng(rng):
    with pytest.raises(ParameterError, match="rng must be"):
        random_window(np.ones(1000, dtype=np.float32), sr=100, seconds=3.0, rng=rng)


def test_pad_or_trim():
    y = np.arange(1, 6, dtype=np.float32)
    np.testing.assert_array_equal(pad_or_trim(y, n_samples=3), [1, 2, 3])
    np.testing.assert_array_equal(pad_or_trim(y, n_samples=5), y)
    np.testing.assert_array_equal(pad_or_trim(y, n_samples=8), [1, 2, 3, 4, 5, 0, 0, 0])
    assert pad_or_trim(y, n_samples=8).dtype == np.float32
    same = pad_or_trim(y, n_samples=5)
    same[0] = 99.0
    assert y[0] == 1.0  # a new array even when nothing changes
    with pytest.raises(ParameterError, match="n_samples must be a positive integer, got 0"):
        pad_or_trim(y, n_samples=0)


# -- loading ------------------------------------------------------------------------------------------------


def test_load_resamples_a_wav_to_22050(tmp_path):
    path = tmp_path / "tone.wav"
    t = np.arange(16_000) / 8_000  # 2 s at 8 kHz
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), 0.5 * np.sin(2 * np.pi * 440 * t)], axis=1)
    sf.write(path, stereo, 8_000)
    y = load(path)
    assert y.dtype == np.float32 and y.ndim == 1  # mono
    assert y.size == 2 * SAMPLE_RATE
    part = load(path, sr=11_025, offset=0.5, duration=1.0)
    assert part.size == 11_025
    # mono is the mean of the channels: amplitude (1 + 0.5) / 2
    assert np.abs(y[SAMPLE_RATE // 2 : SAMPLE_RATE]).max() == pytest.approx(0.75, abs=0.02)


def test_load_errors(tmp_path):
    with pytest.raises(ParameterError, match="No audio file at"):
        load(tmp_path / "missing.wav")
    path = tmp_path / "short.wav"
    sf.write(path, np.zeros(800), 8_000)  # 0.1 s
    with pytest.raises(ParameterError, match="offset"):
        load(path, offset=-1.0)
    with pytest.raises(ParameterError, match="sr must be a positive integer, got 0"):
        load(path, sr=0)
    with pytest.raises(ParameterError, match=r"offset=5\.0 s lies beyond the end.*0\.100 s"):
        load(path, offset=5.0)


# -- validation ---------------------------------------------------------------------------------------------


def test_validate_audio_returns_float32_mono():
    y = validate_audio(np.linspace(-1, 1, 100), sr=22_050, expected_sr=22_050)
    assert y.dtype == np.float32 and y.shape == (100,)
    already = np.zeros(10, dtype=np.float32)
    assert validate_audio(already) is already


@pytest.mark.parametrize(
    ("bad", "kwargs", "message"),
    [
        (np.zeros(0, dtype=np.float32), {}, r"empty \(0 samples\)"),
        (np.array([0.0, np.nan, 0.1]), {}, "1 non-finite samples.*index 1"),
        (np.array([0.0, 0.1, np.inf]), {}, "non-finite.*index 2"),
        (np.array([0.0, 1e300]), {}, "non-finite"),  # overflows float32
        (np.zeros((2, 1000), dtype=np.float32), {}, r"mono.*shape \(2, 1000\).*to_mono"),
        (np.zeros((1000, 2), dtype=np.float32), {}, r"mono.*shape \(1000, 2\)"),
        (np.zeros(100, dtype=np.float32), {"min_samples": 1024}, "too short: 100 samples.*1024"),
        (np.zeros(100, dtype=np.int16), {}, "int16.*buf_to_float"),
        (np.array(["a", "b"]), {}, "floating-point"),
        (np.zeros(100, dtype=np.float32), {"sr": 8_000, "expected_sr": 22_050}, r"sr=8000 Hz.*22050 Hz.*resample"),
        (np.zeros(100, dtype=np.float32), {"expected_sr": 22_050}, "pass sr="),
        (np.zeros(100, dtype=np.float32), {"sr": -1}, "sr must be a positive integer, got -1"),
        (np.zeros(100, dtype=np.float32), {"min_samples": -3}, "min_samples.*-3"),
    ],
)
def test_validate_audio_refuses(bad, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        validate_audio(bad, **kwargs)


@pytest.mark.parametrize("function", [mel_spectrogram, log_mel_spectrogram, mfcc_with_deltas])
def test_features_refuse_bad_audio(function):
    with pytest.raises(ParameterError, match="empty"):
        function(np.zeros(0, dtype=np.float32))
    with pytest.raises(ParameterError, match="non-finite"):
        function(np.full(8192, np.nan, dtype=np.float32))
    with pytest.raises(ParameterError, match="mono"):
        function(np.zeros((2, 8192), dtype=np.float32))
    with pytest.raises(ParameterError, match="too short: 1000 samples"):
        function(np.zeros(1000, dtype=np.float32))
    with pytest.raises(ParameterError, match="n_fft must be a positive integer, got 0"):
        function(np.zeros(8192, dtype=np.float32), n_fft=0)


def test_mfcc_with_deltas_needs_nine_frames():
    y = np.random.default_rng(0).normal(scale=0.1, size=4096).astype(np.float32)
    assert mfcc_with_deltas(y).shape == (39, 9)
    with pytest.raises(ParameterError, match="too short: 4095 samples.*4096"):
        mfcc_with_deltas(y[:-1])
    with pytest.raises(ParameterError, match="n_mfcc=20 cannot exceed n_mels=16"):
        mfcc_with_deltas(y, n_mfcc=20, n_mels=16)


def test_all_public_names_exist():
    for name in audio.__all__:
        assert hasattr(audio, name), name


# -- the MFCC bag-of-words codebook -------------------------------------------------------------------------


def _clustered_songs(seed=0, n_features=39, frames_per_song=(50, 80, 65, 40, 90, 70)):
    """Songs whose frames come from one of 3 well-separated Gaussian clusters (song i from cluster i % 3)."""
    rng = np.random.default_rng(seed)
    centres = 20.0 * np.eye(3, n_features)
    songs, clusters = [], []
    for i, n in enumerate(frames_per_song):
        cluster = i % 3
        songs.append((centres[cluster] + rng.normal(size=(n, n_features))).T.astype(np.float32))
        clusters.append(cluster)
    return songs, np.array(clusters)


def test_codebook_puts_each_song_in_the_word_of_its_cluster():
    songs, clusters = _clustered_songs()
    codebook = MfccCodebook(n_words=3, seed=0)
    counts = codebook.fit_transform(songs)
    assert sp.issparse(counts) and counts.format == "csr"
    assert counts.shape == (len(songs), 3)
    dense = counts.toarray()
    np.testing.assert_array_equal(dense.sum(axis=1), [s.shape[1] for s in songs])
    words = dense.argmax(axis=1)
    np.testing.assert_array_equal(dense.max(axis=1), dense.sum(axis=1))  # all frames of a song in one word
    # the word ↔ cluster map is a permutation: songs of one cluster share a word, different clusters differ
    assert len(set(zip(clusters, words, strict=True))) == 3 and len(set(words)) == 3
    assert codebook.mean_.shape == (39,) and codebook.scale_.shape == (39,) and codebook.centres_.shape == (3, 39)


def test_codebook_standardises_with_the_mean_and_std_of_all_frames():
    songs, _ = _clustered_songs()
    codebook = MfccCodebook(n_words=3, seed=0).fit(songs)
    frames = np.concatenate([s.T for s in songs])
    np.testing.assert_allclose(codebook.mean_, frames.mean(axis=0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(codebook.scale_, frames.std(axis=0), rtol=1e-5)
    # centres in MFCC units sit near the true cluster centres 20·e_0, 20·e_1, 20·e_2 (in some order)
    centres = codebook.centres_ * codebook.scale_ + codebook.mean_
    order = np.argmax(centres[:, :3], axis=1)
    assert sorted(order) == [0, 1, 2]
    np.testing.assert_allclose(centres[np.argsort(order)], 20.0 * np.eye(3, 39), atol=1.0)


def test_transform_assigns_each_frame_to_its_nearest_centre():
    songs, _ = _clustered_songs(seed=1)
    codebook = MfccCodebook(n_words=5, seed=3).fit(songs)
    counts = codebook.transform(songs).toarray()
    for song, row in zip(songs, counts, strict=True):
        z = (song.T - codebook.mean_) / codebook.scale_
        distances = ((z[:, None, :] - codebook.centres_[None]) ** 2).sum(axis=2)
        np.testing.assert_array_equal(row, np.bincount(distances.argmin(axis=1), minlength=5))


def test_codebook_is_deterministic_with_the_seed():
    songs, _ = _clustered_songs(seed=2)
    first = MfccCodebook(n_words=4, seed=5, max_frames=200, batch_size=64).fit(songs)
    second = MfccCodebook(n_words=4, seed=5, max_frames=200, batch_size=64).fit(songs)
    np.testing.assert_array_equal(first.centres_, second.centres_)
    assert (first.transform(songs) != second.transform(songs)).nnz == 0


def test_codebook_on_real_mfcc_frames(chirp):
    noise = np.random.default_rng(0).normal(scale=0.1, size=THREE_SECONDS).astype(np.float32)
    songs = [mfcc_with_deltas(chirp), mfcc_with_deltas(noise)]
    counts = MfccCodebook(n_words=8, seed=0).fit_transform(songs)
    np.testing.assert_array_equal(counts.sum(axis=1).A1, [130, 130])


def test_codebook_errors():
    songs, _ = _clustered_songs()
    with pytest.raises(ParameterError, match="not fitted yet"):
        MfccCodebook(n_words=3, seed=0).transform(songs)
    with pytest.raises(ParameterError, match="Only 10 frames for n_words=20"):
        MfccCodebook(n_words=20, seed=0).fit([np.ones((39, 10), dtype=np.float32)])
    silent = mfcc_with_deltas(np.zeros(THREE_SECONDS, dtype=np.float32))
    with pytest.raises(ParameterError, match="silent"):
        MfccCodebook(n_words=3, seed=0).fit([silent, silent])
    with pytest.raises(ParameterError, match="empty list"):
        MfccCodebook(n_words=3, seed=0).fit([])
    with pytest.raises(ParameterError, match=r"single array of shape \(39, 50\)"):
        MfccCodebook(n_words=3, seed=0).fit(songs[0])
    with pytest.raises(ParameterError, match=r"Song 1: expected 39 features per frame.*\(13, 80\)"):
        MfccCodebook(n_words=3, seed=0).fit([songs[0], songs[1][:13]])
    with pytest.raises(ParameterError, match="NaN"):
        MfccCodebook(n_words=3, seed=0).fit([np.full((39, 10), np.nan)])
    fitted = MfccCodebook(n_words=3, seed=0).fit(songs)
    with pytest.raises(ParameterError, match=r"expected 39 features.*\(13, 50\)"):
        fitted.transform([songs[0][:13]])
    with pytest.raises(ParameterError, match="n_words must be a positive integer, got 0"):
        MfccCodebook(n_words=0, seed=0)
    with pytest.raises(ParameterError, match="max_frames=2 is smaller than n_words=3"):
        MfccCodebook(n_words=3, seed=0, max_frames=2)
    with pytest.raises(ParameterError, match="seed must be a non-negative integer, got None"):
        MfccCodebook(n_words=3, seed=None)
    with pytest.raises(TypeError):
        MfccCodebook(3, 0)  # keyword-only
