"""Audio augmentation for training, and per-clip level standardisation of log-mel spectrograms.

A network learns whatever separates its training classes most easily. When every genre of a data set is
recorded at its own level, *loudness* is such a cue, and a genre CNN can reach perfect accuracy by reading
the average decibel value of its input — a **shortcut** that fails on any recording played louder or softer.
Two remedies, both here:

* **Standardise the level** of each clip: subtract the clip's mean log-mel value (:func:`standardise_level`,
  :func:`level_standardised` for a whole :class:`~cbrec_lab.feature_cache.SpectrogramSet`). A gain of
  ``g`` dB adds ``g`` to every log-mel value, so the standardised input does not depend on the level at all.
* **Augment**: train on copies of the audio changed in ways that must not change the label — gain, an
  equaliser bump or cut, band limiting, additive noise at a given signal-to-noise ratio, a time shift, a
  pitch shift (:class:`Augmentation` draws and applies them; each transform is also a function of its own).

Everything is plain numpy/scipy/librosa and deterministic: the random transforms take a
:class:`numpy.random.Generator`, and the same generator state gives the same output.

References
----------
1. Bristow-Johnson, R. *Cookbook formulae for audio EQ biquad filter coefficients* (the "Audio EQ
   Cookbook"), peaking EQ section; W3C Audio EQ Cookbook note, 2021.
2. Schlüter, J., & Grill, T. (2015). Exploring data augmentation for improved singing voice detection with
   neural networks. *ISMIR*, 121–126.
3. Geirhos, R., et al. (2020). Shortcut learning in deep neural networks. *Nature Machine Intelligence*, 2,
   665–673. https://doi.org/10.1038/s42256-020-00257-z
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .audio import HOP_LENGTH, N_FFT, N_MELS, SAMPLE_RATE, log_mel_spectrogram, validate_audio
from .checks import positive_int
from .exceptions import ParameterError
from .feature_cache import SpectrogramSet

__all__ = [
    "gain",
    "equalise",
    "band_limit",
    "add_noise",
    "time_shift",
    "pitch_shift",
    "Augmentation",
    "standardise_level",
    "LevelStandardisedSet",
    "level_standardised",
    "spectrogram_set",
]


def _number(name: str, value, *, minimum: float | None = None, strict: bool = False) -> float:
    """``value`` as a finite float (refusing bools and strings), at least ``minimum`` (or above it if strict)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ParameterError(f"{name} must be a finite number, got {value!r}.")
    value = float(value)
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise ParameterError(f"{name} must be {'>' if strict else '≥'} {minimum}, got {value!r}.")
    return value


def _generator(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}; pass np.random.default_rng(seed) "
            "so that the augmentation is reproducible."
        )
    return rng


def _power(y: np.ndarray) -> float:
    """Mean power ``P = (1/n) Σ y_i²`` in float64."""
    return float(np.mean(np.square(y, dtype=np.float64)))


# --------------------------------------------------------------------------------------------------------------
# single transforms


def gain(y, db: float) -> np.ndarray:
    """Scale the signal by ``db`` decibels: ``y' = 10^(db/20) · y``.

    The RMS changes by exactly ``db`` dB, ``20·log10(rms(y') / rms(y)) = db``, and every value of a log-mel
    spectrogram (power in dB) moves by ``db`` (up to the ``amin`` floor and float rounding). Samples are not
    clipped: ``|y'|`` may exceed 1.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio.
    db : float
        Gain in dB (negative: quieter).

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float32]
    """
    y = validate_audio(y)
    return (y * np.float32(10.0 ** (_number("db", db) / 20.0))).astype(np.float32)


def equalise(y, *, sr: int, centre_hz: float, gain_db: float, q: float = 1.0) -> np.ndarray:
    """A peaking equaliser: boost or cut ``gain_db`` dB around ``centre_hz`` (the Audio EQ Cookbook's biquad).

    With ``A = 10^(gain_db/40)``, ``ω₀ = 2π·centre_hz/sr`` and ``α = sin(ω₀)/(2q)``, the filter is::

        H(z) = (b₀ + b₁z⁻¹ + b₂z⁻²) / (a₀ + a₁z⁻¹ + a₂z⁻²)
        b₀ = 1 + α·A,  b₁ = −2cos ω₀,  b₂ = 1 − α·A,  a₀ = 1 + α/A,  a₁ = −2cos ω₀,  a₂ = 1 − α/A

    so ``|H(e^{iω₀})| = A² = 10^(gain_db/20)`` (exactly ``gain_db`` dB at the centre) and ``|H| = 1`` at 0 Hz
    and at the Nyquist frequency; ``q`` sets the width (larger: narrower). The filter is causal
    (:func:`scipy.signal.lfilter`), as a mixing desk's.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
    sr : int > 0
        Sampling rate in Hz.
    centre_hz : float
        Centre frequency, in (0, sr/2).
    gain_db : float
        Boost (> 0) or cut (< 0) at the centre.
    q : float > 0
        Quality factor.

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float32]
    """
    from scipy.signal import lfilter

    sr = positive_int(sr, name="sr")
    y = validate_audio(y, sr=sr)
    centre_hz = _number("centre_hz", centre_hz, minimum=0.0, strict=True)
    if centre_hz >= sr / 2:
        raise ParameterError(f"centre_hz must lie below the Nyquist frequency {sr / 2:g} Hz, got {centre_hz!r}.")
    amplitude = 10.0 ** (_number("gain_db", gain_db) / 40.0)
    omega = 2.0 * np.pi * centre_hz / sr
    alpha = np.sin(omega) / (2.0 * _number("q", q, minimum=0.0, strict=True))
    b = np.array([1.0 + alpha * amplitude, -2.0 * np.cos(omega), 1.0 - alpha * amplitude])
    a = np.array([1.0 + alpha / amplitude, -2.0 * np.cos(omega), 1.0 - alpha / amplitude])
    return lfilter(b / a[0], a / a[0], y.astype(np.float64)).astype(np.float32)


def band_limit(y, *, sr: int, low_hz: float | None = None, high_hz: float | None = None, order: int = 4):
    """Keep the band ``[low_hz, high_hz]``: Butterworth high-pass and/or low-pass filters of ``order``.

    A Butterworth filter of order ``N`` and cut-off ``f_c`` has ``|H(f)|² = 1 / (1 + (f/f_c)^(2N))``
    (low-pass; ``(f_c/f)`` for high-pass): −3 dB at the cut-off and ``6N`` dB per octave beyond it. Telephone
    speech is about 300–3,400 Hz, an AM radio 100–5,000 Hz, an old record or a cheap phone loses the lows.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
    sr : int > 0
    low_hz, high_hz : float or None
        Cut-offs in Hz, ``0 < low_hz < high_hz < sr/2``; None leaves that side open (at least one is needed).
    order : int > 0

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float32]
    """
    from scipy.signal import butter, sosfilt

    sr = positive_int(sr, name="sr")
    y = validate_audio(y, sr=sr)
    order = positive_int(order, name="order")
    if low_hz is None and high_hz is None:
        raise ParameterError("band_limit needs low_hz, high_hz or both.")
    nyquist = sr / 2
    for name, value in (("low_hz", low_hz), ("high_hz", high_hz)):
        if value is not None and not 0 < _number(name, value) < nyquist:
            raise ParameterError(f"{name} must lie in (0, {nyquist:g}) Hz for sr={sr}, got {value!r}.")
    if low_hz is not None and high_hz is not None and not low_hz < high_hz:
        raise ParameterError(f"low_hz must be below high_hz, got {low_hz!r} and {high_hz!r}.")
    out = y.astype(np.float64)
    if low_hz is not None:
        out = sosfilt(butter(order, low_hz, btype="highpass", fs=sr, output="sos"), out)
    if high_hz is not None:
        out = sosfilt(butter(order, high_hz, btype="lowpass", fs=sr, output="sos"), out)
    return out.astype(np.float32)


def add_noise(y, *, snr_db: float, rng, colour: str = "white") -> np.ndarray:
    """Add Gaussian noise at a signal-to-noise ratio of exactly ``snr_db`` dB.

    A noise ``e`` is drawn (white: i.i.d. ``N(0, 1)``; pink: white noise whose spectrum is scaled by
    ``1/√f``, so its power falls 3 dB per octave) and scaled so that its mean power is
    ``P_noise = P_signal · 10^(−snr_db/10)``, with ``P = (1/n) Σ y_i²``. The *realised* noise is scaled, so
    ``10·log10(P_signal / P_noise) = snr_db`` holds exactly (up to float32 rounding), not only on average.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio, not silent (the SNR of silence is undefined).
    snr_db : float
        Signal-to-noise ratio in dB (0: as much noise as signal; 40: barely audible noise).
    rng : numpy.random.Generator
    colour : {"white", "pink"}

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float32]
        ``y + e``.
    """
    y = validate_audio(y)
    rng = _generator(rng)
    snr_db = _number("snr_db", snr_db)
    signal = _power(y)
    if signal == 0.0:
        raise ParameterError("add_noise needs a signal with some power: the SNR of silence is undefined.")
    if colour == "white":
        noise = rng.standard_normal(len(y))
    elif colour == "pink":
        spectrum = np.fft.rfft(rng.standard_normal(len(y)))
        frequencies = np.arange(len(spectrum), dtype=np.float64)
        frequencies[0] = 1.0  # keep the (random) DC term's scale; the mean is removed below
        noise = np.fft.irfft(spectrum / np.sqrt(frequencies), n=len(y))
        noise -= noise.mean()
    else:
        raise ParameterError(f"colour must be 'white' or 'pink', got {colour!r}.")
    noise *= np.sqrt(signal * 10.0 ** (-snr_db / 10.0) / _power(noise))
    return (y.astype(np.float64) + noise).astype(np.float32)


def time_shift(y, samples: int, *, mode: str = "roll") -> np.ndarray:
    """Move the signal ``samples`` samples later (negative: earlier).

    ``mode="roll"``: circular, ``y'[i] = y[(i − samples) mod n]`` (:func:`numpy.roll`): what leaves at one
    end comes back at the other, so nothing is lost. ``mode="pad"``: the signal moves and the gap is filled
    with zeros, ``y'[i] = y[i − samples]`` where ``0 ≤ i − samples < n``, else 0 (what leaves is lost).
    The length ``n`` is kept in both modes.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
    samples : int
        Shift in samples (``round(seconds · sr)`` for a shift in seconds).
    mode : {"roll", "pad"}

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float32]
    """
    y = validate_audio(y)
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral):
        raise ParameterError(f"samples must be an integer, got {samples!r}.")
    samples = int(samples)
    if mode == "roll":
        return np.roll(y, samples)
    if mode != "pad":
        raise ParameterError(f"mode must be 'roll' or 'pad', got {mode!r}.")
    out = np.zeros_like(y)
    if abs(samples) < len(y):
        if samples >= 0:
            out[samples:] = y[: len(y) - samples]
        else:
            out[:samples] = y[-samples:]
    return out


def pitch_shift(y, *, sr: int, semitones: float) -> np.ndarray:
    """Transpose by ``semitones`` without changing the duration (:func:`librosa.effects.pitch_shift`).

    Every frequency is multiplied by ``2^(semitones/12)`` (a sine at 440 Hz shifted by +12 semitones sounds at
    880 Hz): librosa stretches time by that ratio with a phase vocoder, then resamples back to the original
    length. Large shifts (beyond a few semitones) leave audible phasing artefacts.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
    sr : int > 0
    semitones : float
        Shift in (equal-tempered) semitones, fractional allowed.

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float32]
    """
    import librosa

    sr = positive_int(sr, name="sr")
    y = validate_audio(y, sr=sr)
    semitones = _number("semitones", semitones)
    if semitones == 0.0:
        return y.copy()
    return librosa.effects.pitch_shift(y, sr=sr, n_steps=semitones, bins_per_octave=12).astype(np.float32)


# --------------------------------------------------------------------------------------------------------------
# a random chain


def _range(name: str, value) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a (low, high) pair of numbers, got {value!r}.") from None
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ParameterError(f"{name} must be a finite (low, high) pair with low ≤ high, got {value!r}.")
    return low, high


@dataclass(frozen=True)
class Augmentation:
    """A random chain of label-preserving changes: EQ, band limit, pitch shift, time shift, noise, gain.

    Each step is applied with its probability; its parameter is drawn uniformly from its range (the EQ's
    centre frequency log-uniformly). :meth:`draw` takes **all** random numbers in a fixed order, whether a step
    is applied or not, so one generator state always gives the same chain and changing one probability does
    not change the other steps' draws. :meth:`apply` then runs the drawn chain in this order: EQ → band limit
    → pitch shift → time shift (roll) → noise → gain (the noise is part of the recording, so the final gain
    scales it too).

    Parameters
    ----------
    gain_db : (float, float)
        Range of the gain in dB (applied with ``p_gain``).
    eq_gain_db, eq_centre_hz, eq_q : (float, float), (float, float), float
        Peaking EQ (:func:`equalise`): range of its gain, range of its centre frequency, its quality factor.
    low_cut_hz, high_cut_hz : (float, float)
        Band limit (:func:`band_limit`): ranges of the high-pass and low-pass cut-offs.
    semitones : (float, float)
        Range of the pitch shift (:func:`pitch_shift`).
    shift_fraction : float
        The time shift is uniform in ``±shift_fraction · n`` samples (circular, :func:`time_shift`).
    snr_db : (float, float)
        Range of the SNR of added white noise (:func:`add_noise`).
    p_gain, p_eq, p_band, p_pitch, p_shift, p_noise : float in [0, 1]
        Probability of each step.
    """

    gain_db: tuple[float, float] = (-10.0, 10.0)
    eq_gain_db: tuple[float, float] = (-9.0, 9.0)
    eq_centre_hz: tuple[float, float] = (100.0, 8_000.0)
    eq_q: float = 1.0
    low_cut_hz: tuple[float, float] = (60.0, 300.0)
    high_cut_hz: tuple[float, float] = (3_000.0, 9_000.0)
    semitones: tuple[float, float] = (-2.0, 2.0)
    shift_fraction: float = 0.5
    snr_db: tuple[float, float] = (10.0, 40.0)
    p_gain: float = 1.0
    p_eq: float = 0.5
    p_band: float = 0.2
    p_pitch: float = 0.3
    p_shift: float = 0.5
    p_noise: float = 0.3

    def __post_init__(self) -> None:
        for name in ("gain_db", "eq_gain_db", "eq_centre_hz", "low_cut_hz", "high_cut_hz", "semitones", "snr_db"):
            object.__setattr__(self, name, _range(name, getattr(self, name)))
        for name in ("p_gain", "p_eq", "p_band", "p_pitch", "p_shift", "p_noise", "shift_fraction"):
            value = _number(name, getattr(self, name), minimum=0.0)
            if value > 1:
                raise ParameterError(f"{name} must lie in [0, 1], got {value!r}.")
        _number("eq_q", self.eq_q, minimum=0.0, strict=True)
        if self.eq_centre_hz[0] <= 0 or self.low_cut_hz[0] <= 0:
            raise ParameterError("eq_centre_hz and low_cut_hz must be positive frequencies.")
        if self.low_cut_hz[1] >= self.high_cut_hz[0]:
            raise ParameterError(
                f"low_cut_hz {self.low_cut_hz} must lie below high_cut_hz {self.high_cut_hz} (they form a band)."
            )

    def draw(self, rng, *, n_samples: int) -> dict:
        """One random chain: ``{step: parameter or None}`` (None: the step is skipped).

        Parameters
        ----------
        rng : numpy.random.Generator
        n_samples : int
            Length of the signal it will be applied to (for the time shift).

        Returns
        -------
        dict
            Keys ``eq`` ((centre_hz, gain_db)), ``band`` ((low_hz, high_hz)), ``semitones``, ``shift``
            (samples), ``snr_db``, ``gain_db``.
        """
        rng = _generator(rng)
        n_samples = positive_int(n_samples, name="n_samples")
        u = rng.random(6)  # whether each step happens
        centre = float(np.exp(rng.uniform(*np.log(self.eq_centre_hz))))
        eq_gain = float(rng.uniform(*self.eq_gain_db))
        band = (float(rng.uniform(*self.low_cut_hz)), float(rng.uniform(*self.high_cut_hz)))
        semitones = float(rng.uniform(*self.semitones))
        reach = int(self.shift_fraction * n_samples)
        shift = int(rng.integers(-reach, reach + 1))
        snr = float(rng.uniform(*self.snr_db))
        level = float(rng.uniform(*self.gain_db))
        chosen = u < np.array([self.p_eq, self.p_band, self.p_pitch, self.p_shift, self.p_noise, self.p_gain])
        values = [(centre, eq_gain), band, semitones, shift, snr, level]
        keys = ["eq", "band", "semitones", "shift", "snr_db", "gain_db"]
        return {key: value if on else None for key, value, on in zip(keys, values, chosen, strict=True)}

    def apply(self, y, *, sr: int, chain: dict, rng=None) -> np.ndarray:
        """Run a chain from :meth:`draw` on ``y``; ``rng`` draws the noise (needed when ``snr_db`` is set)."""
        y = validate_audio(y, sr=sr)
        if chain["eq"] is not None:
            centre, eq_gain = chain["eq"]
            y = equalise(y, sr=sr, centre_hz=min(centre, 0.45 * sr), gain_db=eq_gain, q=self.eq_q)
        if chain["band"] is not None:
            low, high = chain["band"]
            y = band_limit(y, sr=sr, low_hz=low, high_hz=min(high, 0.45 * sr))
        if chain["semitones"] is not None:
            y = pitch_shift(y, sr=sr, semitones=chain["semitones"])
        if chain["shift"] is not None:
            y = time_shift(y, chain["shift"])
        if chain["snr_db"] is not None and _power(y) > 0:
            y = add_noise(y, snr_db=chain["snr_db"], rng=_generator(rng))
        if chain["gain_db"] is not None:
            y = gain(y, chain["gain_db"])
        return y

    def __call__(self, y, *, sr: int, rng) -> np.ndarray:
        """Draw a chain with ``rng`` and apply it: ``apply(y, sr=sr, chain=draw(rng, n_samples=len(y)), rng=rng)``."""
        y = validate_audio(y, sr=sr)
        return self.apply(y, sr=sr, chain=self.draw(rng, n_samples=len(y)), rng=rng)


# --------------------------------------------------------------------------------------------------------------
# level standardisation of log-mel spectrograms


def standardise_level(log_mel, *, axis=None, scale: bool = False) -> np.ndarray:
    """Remove a clip's level from its log-mel spectrogram: ``x̃ = x − mean(x)`` (and ``/ std(x)`` if ``scale``).

    A gain of ``g`` dB adds ``g`` to every value of a log-mel spectrogram in dB, so ``x̃`` is the same for the
    clip played at any level: a network that reads ``x̃`` cannot use loudness as a cue. Per-band
    standardisation with statistics of the whole training set (the ``normalization`` of
    :mod:`cbrec_lab.models.audio`) does not do this — it shifts every clip by the same amount, so a louder
    clip stays louder. With ``scale=True`` the clip's spread is also divided out (a constant clip is only
    centred), which removes the dynamic range as well; that is not needed for level invariance.

    Parameters
    ----------
    log_mel : array_like
        Log-mel values in dB, e.g. one clip ``(frames, n_mels)`` or a batch ``(clips, frames, n_mels)``.
    axis : int or tuple of int, optional
        Axes that make up one clip (default: all, i.e. ``log_mel`` is one clip); ``axis=(1, 2)`` standardises
        each clip of a batch on its own.
    scale : bool
        Also divide by the clip's standard deviation.

    Returns
    -------
    np.ndarray [dtype=float32]
        Same shape as ``log_mel``, mean 0 over ``axis``.
    """
    x = np.asarray(log_mel, dtype=np.float64)
    if x.size == 0:
        raise ParameterError("standardise_level needs a non-empty spectrogram.")
    if not np.isfinite(x).all():
        raise ParameterError("standardise_level needs finite values (log-mel in dB, with a floor such as amin).")
    centred = x - x.mean(axis=axis, keepdims=True)
    if scale:
        spread = centred.std(axis=axis, keepdims=True)
        centred = centred / np.where(spread > 0, spread, 1.0)
    return centred.astype(np.float32)


@dataclass(frozen=True)
class LevelStandardisedSet(SpectrogramSet):
    """A :class:`~cbrec_lab.feature_cache.SpectrogramSet` whose songs come out level-standardised.

    ``view[i]`` is :func:`standardise_level` of song ``i`` (its mean over all its frames and bands removed),
    computed when read, so a memory-mapped cache stays on disk and nothing is copied. Everything that reads a
    set — :class:`cbrec_lab.train.SpectrogramWindows`, :func:`cbrec_lab.train.predict_songs`,
    :meth:`band_statistics` — then sees standardised songs. Make one with :func:`level_standardised`.
    """

    scale: bool = False

    def __getitem__(self, i: int) -> np.ndarray:
        return standardise_level(super().__getitem__(i), scale=self.scale)


def level_standardised(spectrograms: SpectrogramSet, *, scale: bool = False) -> LevelStandardisedSet:
    """A view of ``spectrograms`` in which every song is level-standardised (:class:`LevelStandardisedSet`).

    Parameters
    ----------
    spectrograms : SpectrogramSet
        Log-mel spectrograms in dB (e.g. from :func:`cbrec_lab.feature_cache.log_mel_set`).
    scale : bool
        Also divide each song by its standard deviation (:func:`standardise_level`).

    Returns
    -------
    LevelStandardisedSet
    """
    if not isinstance(spectrograms, SpectrogramSet):
        raise ParameterError(f"spectrograms must be a SpectrogramSet, got {type(spectrograms).__name__}.")
    if isinstance(spectrograms, LevelStandardisedSet):
        raise ParameterError("these spectrograms are already level-standardised.")
    return LevelStandardisedSet(
        spectrograms.data,
        spectrograms.offsets,
        spectrograms.song_ids,
        spectrograms.sr,
        spectrograms.hop_length,
        scale=bool(scale),
    )


def spectrogram_set(
    waveforms,
    song_ids,
    *,
    sr: int = SAMPLE_RATE,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
) -> SpectrogramSet:
    """Log-mel spectrograms (time first) of waveforms held in memory, e.g. augmented or re-levelled clips.

    The same features as :func:`cbrec_lab.feature_cache.log_mel_set` (:func:`cbrec_lab.audio.log_mel_spectrogram`
    with the same parameters), without a cache: for a few clips changed on the fly.

    Parameters
    ----------
    waveforms : sequence of np.ndarray
        Mono audio at ``sr`` Hz, each at least ``n_fft`` samples long.
    song_ids : sequence of str
        One name per waveform.
    sr, n_fft, hop_length, n_mels : int
        As in :func:`cbrec_lab.audio.log_mel_spectrogram`.

    Returns
    -------
    SpectrogramSet
    """
    waveforms, song_ids = list(waveforms), tuple(str(s) for s in song_ids)
    if not waveforms or len(waveforms) != len(song_ids):
        raise ParameterError(f"give one song id per waveform (got {len(waveforms)} waveforms, {len(song_ids)} ids).")
    spectrograms = [
        log_mel_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels).T for y in waveforms
    ]
    return SpectrogramSet.stack(spectrograms, song_ids, sr, hop_length)
