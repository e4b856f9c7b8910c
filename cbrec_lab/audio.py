"""Audio features on top of librosa: loading, windows, mel spectrograms, MFCCs and the MFCC bag of words.

The lessons build spectrograms, mel spectrograms and MFCCs step by step; this module holds what the library
itself needs from them. Defaults follow the thesis (Carranza, chapters 2–4): audio at 22,050 Hz, frames of
1,024 samples with a hop of 512 (≈ 23 ms), 128 mel bands, 13 MFCCs with their first and second differences
(39 values per frame), random windows of 3 s (130 frames) and a k-means codebook of 4,000 words whose counts
describe a song (van den Oord et al., 2013).

Conventions
-----------
- Audio is a mono ``float32`` array of shape ``(n,)``; every function checks it with :func:`validate_audio`
  first, and every parameter after the signal is keyword-only (as in librosa).
- Frames are *centred* (librosa's ``center=True`` with zero padding): frame ``t`` is centred on sample
  ``t · hop_length``, so a signal of ``n`` samples has ``n_frames = 1 + n // hop_length`` frames.
- Errors the module raises on purpose are :class:`~cbrec_lab.exceptions.ParameterError`; the message repeats
  the offending value and says what to do.

References
----------
1. van den Oord, A., Dieleman, S., & Schrauwen, B. (2013). Deep content-based music recommendation.
   *NeurIPS 26*, 2643–2651.
2. McFee, B., et al. (2015). librosa: Audio and music signal analysis in Python. *Proc. 14th Python in
   Science Conference*, 18–25. https://doi.org/10.25080/Majora-7b98e3ed-003
3. Tzanetakis, G., & Cook, P. (2002). Musical genre classification of audio signals. *IEEE Transactions on
   Speech and Audio Processing*, 10(5), 293–302. https://doi.org/10.1109/TSA.2002.800560
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .checks import positive_int
from .exceptions import ParameterError

__all__ = [
    "SAMPLE_RATE",
    "N_FFT",
    "HOP_LENGTH",
    "N_MELS",
    "N_MFCC",
    "DELTA_WIDTH",
    "MAX_AUDIO_SECONDS",
    "validate_audio",
    "load",
    "pad_or_trim",
    "fixed_windows",
    "random_window",
    "mel_spectrogram",
    "log_mel_spectrogram",
    "mfcc_with_deltas",
    "mfcc_statistics",
    "MfccCodebook",
]

#: Sampling rate of the thesis, in Hz.
SAMPLE_RATE = 22_050
#: Frame (FFT) length in samples: 1,024 samples ≈ 46 ms at 22,050 Hz.
N_FFT = 1_024
#: Hop between frames in samples: half a frame, ≈ 23 ms at 22,050 Hz.
HOP_LENGTH = 512
#: Number of mel bands.
N_MELS = 128
#: Number of MFCCs (before the Δ and ΔΔ that triple it to 39).
N_MFCC = 13
#: Width (in frames) of the Savitzky–Golay window used for Δ and ΔΔ (librosa's default).
DELTA_WIDTH = 9
#: Longest stretch of a file, in seconds, that :func:`load` decodes when no ``duration`` is given: 10 minutes,
#: longer than any song a lesson needs. Decoding holds the file's samples as float32 (10 min of 44.1 kHz stereo:
#: 212 MB, about twice that at the peak), so a two-hour recording would need several GB.
MAX_AUDIO_SECONDS = 600.0


# ---------------------------------------------------------------------------------------------------------
# validation helpers


def _check_positive_number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ParameterError(f"{name} must be a positive, finite number, got {value!r}.")
    return float(value)


def _window_length(seconds, sr, name: str = "seconds") -> int:
    """``round(seconds · sr)`` samples, at least one."""
    n = int(round(_check_positive_number(name, seconds) * sr))
    if n < 1:
        raise ParameterError(f"{name}={seconds!r} at sr={sr} is shorter than one sample.")
    return n


def _as_generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise ParameterError(
        f"rng must be a numpy.random.Generator or a non-negative integer seed, got {rng!r}; "
        "pass rng=np.random.default_rng(seed) so that the window is reproducible."
    )


def validate_audio(y, *, sr=None, expected_sr=None, min_samples: int = 1) -> np.ndarray:
    """Check that ``y`` is usable mono audio and return it as a ``float32`` array.

    Validators run first in every function of this module, so a bad signal fails with a message that names
    the problem instead of deep inside an FFT.

    Parameters
    ----------
    y : array_like [shape=(n,)]
        Audio samples, real numbers. Multi-channel audio (``(channels, n)``, librosa's layout) is refused:
        mix it down first with ``librosa.to_mono(y)`` or load it with :func:`load`, which returns mono.
    sr : int > 0 or None
        Sampling rate of ``y`` in Hz, if known. Checked to be a positive integer.
    expected_sr : int > 0 or None
        Sampling rate the caller needs. When given, ``sr`` must be given and equal to it; resample with
        ``librosa.resample`` or reload with ``load(path, sr=expected_sr)`` otherwise.
    min_samples : int ≥ 0
        Smallest acceptable length in samples (default 1: empty audio is refused).

    Returns
    -------
    y : np.ndarray [shape=(n,), dtype=float32]
        The same samples as ``float32`` (no copy when ``y`` already is a ``float32`` array).

    Raises
    ------
    ParameterError
        If ``y`` is not floating-point (integer PCM must be scaled to [-1, 1] first), not one-dimensional,
        shorter than ``min_samples``, contains NaN or ±inf (also after the cast to ``float32``), or if
        ``sr``/``expected_sr`` are invalid or disagree.

    Notes
    -----
    Silent (all-zero) audio passes: its spectrograms are well defined (−100 dB everywhere, the ``amin`` floor).
    It is refused where it makes the computation meaningless, as in :meth:`MfccCodebook.fit`.
    """
    if sr is not None:
        sr = positive_int(sr, name="sr")
    if expected_sr is not None:
        expected_sr = positive_int(expected_sr, name="expected_sr")
        if sr is None:
            raise ParameterError(f"expected_sr={expected_sr} was given but the audio's sr was not; pass sr=.")
        if sr != expected_sr:
            raise ParameterError(
                f"Audio sampled at sr={sr} Hz, but {expected_sr} Hz is needed; resample it with "
                f"librosa.resample(y, orig_sr={sr}, target_sr={expected_sr}) or load it with "
                f"load(path, sr={expected_sr})."
            )
    min_samples = positive_int(min_samples, name="min_samples", minimum=0)
    y = np.asarray(y)
    if np.issubdtype(y.dtype, np.integer):
        raise ParameterError(
            f"Audio must hold floating-point samples in [-1, 1], got dtype {y.dtype}; convert integer PCM with "
            "librosa.util.buf_to_float(y, n_bytes=y.itemsize) or read the file with load()."
        )
    if not np.issubdtype(y.dtype, np.floating):
        raise ParameterError(f"Audio must hold real floating-point samples, got dtype {y.dtype}.")
    if y.ndim != 1:
        raise ParameterError(
            f"Audio must be mono with shape (n,), got shape {y.shape}; mix multi-channel audio down with "
            "librosa.to_mono(y) or load it with cbrec_lab.audio.load (which returns mono)."
        )
    if y.size == 0:
        raise ParameterError("Audio is empty (0 samples).")
    if y.size < min_samples:
        duration = f" ({y.size / sr:.3f} s at {sr} Hz)" if sr else ""
        raise ParameterError(
            f"Audio is too short: {y.size} samples{duration}, at least {min_samples} needed; "
            "pad it with pad_or_trim(y, n_samples=...)."
        )
    with np.errstate(over="ignore"):  # values beyond float32's range become ±inf and are reported below
        y = y.astype(np.float32, copy=False)
    finite = np.isfinite(y)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise ParameterError(
            f"Audio contains {bad.size} non-finite samples (NaN or ±inf, or values beyond float32's range), "
            f"the first at index {bad[0]} with value {y[bad[0]]!r}."
        )
    return y


# ---------------------------------------------------------------------------------------------------------
# loading and windows


def load(path, *, sr: int = SAMPLE_RATE, offset: float = 0.0, duration: float | None = None) -> np.ndarray:
    """Read an audio file as mono ``float32`` at ``sr`` Hz (:func:`librosa.load` on a :mod:`soundfile` reader).

    Channels are averaged to mono and the signal is resampled from the file's rate to ``sr`` with librosa's
    default high-quality resampler (``soxr_hq``), so the result has about ``duration_in_s · sr`` samples.

    The file is checked before anything is decoded: its header (:func:`soundfile.info`) must be readable and
    its length at most :data:`MAX_AUDIO_SECONDS` unless ``duration`` bounds what is read. Only files that
    libsndfile opens are read (WAV, FLAC, OGG/Vorbis, Opus, MP3, AIFF, AU, …); librosa's fallback to
    ``audioread`` (deprecated) is not used, so a broken file fails with a clear message instead of
    ``NoBackendError``.

    Parameters
    ----------
    path : str or os.PathLike
        An audio file readable by soundfile (libsndfile ≥ 1.1 also reads MP3).
    sr : int > 0
        Target sampling rate in Hz (default 22,050, the thesis's rate).
    offset : float ≥ 0
        Start reading this many seconds into the file.
    duration : float > 0 or None
        Read at most this many seconds (everything to the end by default, for files up to
        :data:`MAX_AUDIO_SECONDS` long).

    Returns
    -------
    y : np.ndarray [shape=(n,), dtype=float32]

    Raises
    ------
    ParameterError
        If the file does not exist, is empty, is not an audio file libsndfile reads, is truncated or corrupt,
        holds NaN or infinite samples, is longer than :data:`MAX_AUDIO_SECONDS` (from ``offset`` on) while
        ``duration`` is None, if ``offset`` lies beyond the end of the file, or the parameters are invalid.
        The message names the file.
    """
    import librosa
    import soundfile as sf

    sr = positive_int(sr, name="sr")
    if isinstance(offset, bool) or not isinstance(offset, numbers.Real) or not np.isfinite(offset) or offset < 0:
        raise ParameterError(f"offset must be a non-negative number of seconds, got {offset!r}.")
    if duration is not None:
        duration = _check_positive_number("duration", duration)
    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path must be a str or os.PathLike, got {type(path).__name__}.")
    name = os.fspath(path)
    if not os.path.isfile(path):
        raise ParameterError(f"No audio file at {name!r}.")
    if os.path.getsize(path) == 0:
        raise ParameterError(f"{name!r} is empty (0 bytes): copy or download it again.")
    try:
        info = sf.info(name)
    except (sf.SoundFileError, OSError) as error:
        raise ParameterError(
            f"{name!r} is not an audio file libsndfile can read, or its header is damaged ({_reason(error)}). "
            "Check that it is audio (WAV, FLAC, OGG, MP3, …) and complete; convert other formats with "
            "`ffmpeg -i <file> out.wav`."
        ) from None
    length = info.frames / info.samplerate if info.samplerate > 0 else 0.0
    if offset >= length:
        raise ParameterError(f"offset={offset!r} s lies beyond the end of {name!r} ({length:.3f} s).")
    if duration is None and length - offset > MAX_AUDIO_SECONDS:
        raise ParameterError(
            f"{name!r} lasts {length:.0f} s (from offset={offset!r}), more than MAX_AUDIO_SECONDS = "
            f"{MAX_AUDIO_SECONDS:.0f} s; decoding it whole would take about "
            f"{(length - offset) * info.samplerate * info.channels * 4 / 1e6:,.0f} MB. Pass duration= (and offset=) "
            "to read a part of it, or raise cbrec_lab.audio.MAX_AUDIO_SECONDS if you have the memory."
        )
    try:
        with sf.SoundFile(name) as handle:  # a reader object: librosa then never falls back to audioread
            y, _ = librosa.load(handle, sr=sr, mono=True, offset=float(offset), duration=duration, dtype=np.float32)
    except (sf.SoundFileError, OSError) as error:
        raise ParameterError(
            f"Cannot decode {name!r}: it is truncated or corrupt ({_reason(error)}). Download or copy it again, "
            "or re-encode what can be read with `ffmpeg -i <file> out.wav`."
        ) from None
    except librosa.util.exceptions.ParameterError as error:  # non-finite samples, caught by librosa's to_mono
        raise ParameterError(
            f"{name!r} holds non-finite samples (NaN or ±inf): {error}. Repair or re-export the file."
        ) from None
    try:
        return validate_audio(y, sr=sr)
    except ParameterError as error:
        raise ParameterError(f"{name!r}: {error} Repair or re-export the file.") from None


def _reason(error: Exception) -> str:
    """A short description of a soundfile/OS error, with its type when the message is empty."""
    text = str(error).strip().rstrip(":").strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def pad_or_trim(y, *, n_samples: int) -> np.ndarray:
    """Exactly ``n_samples`` samples: ``y`` cut at the end, or zero-padded at the end.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio.
    n_samples : int > 0
        Length of the result.

    Returns
    -------
    y_fixed : np.ndarray [shape=(n_samples,), dtype=float32]
        ``y[:n_samples]`` when ``n ≥ n_samples``, else ``y`` followed by ``n_samples − n`` zeros. A new array
        in both cases.
    """
    y = validate_audio(y)
    n_samples = positive_int(n_samples, name="n_samples")
    if y.size >= n_samples:
        return y[:n_samples].copy()
    return np.pad(y, (0, n_samples - y.size))


def fixed_windows(y, *, sr: int, seconds: float, hop_seconds: float | None = None) -> np.ndarray:
    """Successive windows of ``seconds`` each, ``hop_seconds`` apart; the last, partial window is dropped.

    With ``L = round(seconds · sr)`` and ``H = round(hop_seconds · sr)`` samples, window ``k`` is
    ``y[k·H : k·H + L]`` for ``k = 0 … n_windows − 1`` and ``n_windows = 1 + (n − L) // H``.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio.
    sr : int > 0
        Sampling rate in Hz.
    seconds : float > 0
        Window length in seconds.
    hop_seconds : float > 0 or None
        Distance between window starts in seconds; ``None`` (default) means ``seconds``: adjacent windows
        that do not overlap.

    Returns
    -------
    windows : np.ndarray [shape=(n_windows, L), dtype=float32]
        A new array (not a view into ``y``).

    Raises
    ------
    ParameterError
        If the signal is shorter than one window (use :func:`pad_or_trim` or :func:`random_window`, which
        pads).
    """
    sr = positive_int(sr, name="sr")
    length = _window_length(seconds, sr)
    hop = length if hop_seconds is None else _window_length(hop_seconds, sr, "hop_seconds")
    y = validate_audio(y, sr=sr)
    if y.size < length:
        raise ParameterError(
            f"The signal has {y.size} samples ({y.size / sr:.3f} s), shorter than one window of {seconds!r} s "
            f"({length} samples); pad it with pad_or_trim(y, n_samples={length})."
        )
    return np.lib.stride_tricks.sliding_window_view(y, length)[::hop].copy()


def random_window(y, *, sr: int, seconds: float, rng) -> np.ndarray:
    """One window of ``seconds``, starting at a uniformly random sample (the thesis's 3 s training crops).

    With ``L = round(seconds · sr)``, the start ``s`` is drawn uniformly from ``{0, …, n − L}`` and the
    window is ``y[s : s + L]``. A signal shorter than the window is zero-padded at the end instead (no random
    draw is made then).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio.
    sr : int > 0
        Sampling rate in Hz.
    seconds : float > 0
        Window length in seconds.
    rng : numpy.random.Generator or int
        Source of randomness, or a seed for ``numpy.random.default_rng``. The same seed gives the same window.

    Returns
    -------
    window : np.ndarray [shape=(L,), dtype=float32]
    """
    sr = positive_int(sr, name="sr")
    length = _window_length(seconds, sr)
    rng = _as_generator(rng)
    y = validate_audio(y, sr=sr)
    if y.size <= length:
        return pad_or_trim(y, n_samples=length)
    start = int(rng.integers(0, y.size - length + 1))
    return y[start : start + length].copy()


# ---------------------------------------------------------------------------------------------------------
# spectrograms and MFCCs


def _check_frames(sr, n_fft, hop_length, n_mels) -> tuple[int, int, int, int]:
    return (
        positive_int(sr, name="sr"),
        positive_int(n_fft, name="n_fft"),
        positive_int(hop_length, name="hop_length"),
        positive_int(n_mels, name="n_mels"),
    )


def mel_spectrogram(
    y,
    *,
    sr: int = SAMPLE_RATE,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    power: float = 2.0,
) -> np.ndarray:
    """Mel spectrogram ``M = W · |STFT(y)|^power`` (:func:`librosa.feature.melspectrogram`).

    The STFT uses a Hann window of ``n_fft`` samples, hop ``hop_length`` and centred frames (the signal is
    zero-padded by ``n_fft // 2`` on both sides), so ``n_frames = 1 + n // hop_length``. ``W`` is librosa's
    ``(n_mels, 1 + n_fft // 2)`` mel filter bank (Slaney's mel scale and area normalisation) from 0 Hz to
    ``sr / 2``. With the thesis's values a 3 s window at 22,050 Hz (66,150 samples) gives shape (128, 130).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio of at least ``n_fft`` samples.
    sr : int > 0
        Sampling rate in Hz.
    n_fft : int > 0
        Frame (FFT) length in samples.
    hop_length : int > 0
        Samples between successive frames.
    n_mels : int > 0
        Number of mel bands.
    power : float > 0
        Exponent of the magnitude: 2 for power (default), 1 for magnitude.

    Returns
    -------
    M : np.ndarray [shape=(n_mels, 1 + n // hop_length), dtype=float32]
    """
    import librosa

    sr, n_fft, hop_length, n_mels = _check_frames(sr, n_fft, hop_length, n_mels)
    power = _check_positive_number("power", power)
    y = validate_audio(y, sr=sr, min_samples=n_fft)
    return librosa.feature.melspectrogram(
        y=y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels, power=power, center=True, pad_mode="constant"
    )


def log_mel_spectrogram(
    y,
    *,
    sr: int = SAMPLE_RATE,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    ref: float = 1.0,
    amin: float = 1e-10,
    top_db: float | None = 80.0,
) -> np.ndarray:
    """Mel power spectrogram in decibels, the input of the thesis's CNNs (:func:`librosa.power_to_db`).

    With ``M`` the mel *power* spectrogram of :func:`mel_spectrogram` (``power=2``)::

        D = 10 · log10(max(M, amin)) − 10 · log10(max(ref, amin))
        D = max(D, max(D) − top_db)          (when top_db is not None)

    The defaults are librosa's and those of :func:`librosa.feature.mfcc`: ``ref=1.0`` (absolute decibels),
    ``amin=1e-10`` (a floor of −100 dB) and ``top_db=80`` (at most 80 dB below the loudest value of the
    clip). Silent audio therefore gives −100 dB everywhere.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio of at least ``n_fft`` samples.
    sr, n_fft, hop_length, n_mels : int > 0
        As in :func:`mel_spectrogram`.
    ref : float > 0
        Reference power for 0 dB.
    amin : float > 0
        Smallest power before the logarithm.
    top_db : float ≥ 0 or None
        Dynamic range kept below the maximum; ``None`` keeps all of it.

    Returns
    -------
    D : np.ndarray [shape=(n_mels, 1 + n // hop_length), dtype=float32]
    """
    import librosa

    ref = _check_positive_number("ref", ref)
    amin = _check_positive_number("amin", amin)
    if top_db is not None and (
        isinstance(top_db, bool) or not isinstance(top_db, numbers.Real) or not np.isfinite(top_db) or top_db < 0
    ):
        raise ParameterError(f"top_db must be a non-negative number or None, got {top_db!r}.")
    mel = mel_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels, power=2.0)
    return librosa.power_to_db(mel, ref=ref, amin=amin, top_db=top_db)


def mfcc_with_deltas(
    y=None,
    *,
    log_mel=None,
    sr: int = SAMPLE_RATE,
    n_mfcc: int = N_MFCC,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
) -> np.ndarray:
    """MFCCs stacked with their first and second differences (Δ, ΔΔ): the thesis's 39 values per frame.

    ``C = DCT-II(D)[:n_mfcc]`` (orthonormal DCT over the mel axis of the log-mel spectrogram ``D`` of
    :func:`log_mel_spectrogram`, exactly :func:`librosa.feature.mfcc`), then ``Δ = delta(C)`` and
    ``ΔΔ = delta(C, order=2)`` with :func:`librosa.feature.delta`: a Savitzky–Golay derivative over
    ``DELTA_WIDTH = 9`` frames (≈ 0.2 s at the thesis's hop), with the edges interpolated. The result is
    ``[C; Δ; ΔΔ]``.

    As in librosa, the input is either the audio ``y`` or a precomputed log-mel spectrogram ``log_mel`` (for
    instance from :func:`cbrec_lab.feature_cache.log_mel_set`, transposed back to bands × frames); both give
    the same features.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], optional
        Mono audio of at least ``max(n_fft, (DELTA_WIDTH − 1) · hop_length)`` samples, so that there are at
        least 9 frames for the differences (4,096 samples ≈ 0.19 s with the defaults).
    log_mel : np.ndarray [shape=(n_mels, n_frames)], optional
        The output of :func:`log_mel_spectrogram` instead of ``y``; at least 9 frames.
    sr : int > 0
        Sampling rate in Hz.
    n_mfcc : int > 0
        Number of cepstral coefficients (13 in the thesis).
    n_fft, hop_length, n_mels : int > 0
        As in :func:`mel_spectrogram`.

    Returns
    -------
    features : np.ndarray [shape=(3 · n_mfcc, 1 + n // hop_length), dtype=float32]
        Rows ``0 … n_mfcc−1`` are the MFCCs, then the Δs, then the ΔΔs.
    """
    import librosa

    n_mfcc = positive_int(n_mfcc, name="n_mfcc")
    sr, n_fft, hop_length, n_mels = _check_frames(sr, n_fft, hop_length, n_mels)
    if n_mfcc > n_mels:
        raise ParameterError(f"n_mfcc={n_mfcc} cannot exceed n_mels={n_mels}.")
    if (y is None) == (log_mel is None):
        raise ParameterError("mfcc_with_deltas needs exactly one of y (audio) and log_mel (a log-mel spectrogram).")
    if y is not None:
        y = validate_audio(y, sr=sr, min_samples=max(n_fft, (DELTA_WIDTH - 1) * hop_length))
        log_mel = log_mel_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    else:
        log_mel = np.asarray(log_mel, dtype=np.float32)
        if log_mel.ndim != 2 or log_mel.shape[0] != n_mels or log_mel.shape[1] < DELTA_WIDTH:
            raise ParameterError(
                f"log_mel must have shape ({n_mels}, n_frames ≥ {DELTA_WIDTH}) (bands first), got {log_mel.shape}."
            )
        if not np.isfinite(log_mel).all():
            raise ParameterError("log_mel contains NaN or infinite values.")
    mfcc = librosa.feature.mfcc(S=log_mel, sr=sr, n_mfcc=n_mfcc)
    deltas = librosa.feature.delta(mfcc, width=DELTA_WIDTH, order=1)
    deltas2 = librosa.feature.delta(mfcc, width=DELTA_WIDTH, order=2)
    return np.concatenate([mfcc, deltas, deltas2], axis=0).astype(np.float32, copy=False)


def mfcc_statistics(
    y: np.ndarray, *, sr: int = 22_050, n_mfcc: int = 20, n_fft: int = 1_024, hop_length: int = 512
) -> np.ndarray:
    """Mean and standard deviation over time of each MFCC: a fixed-length summary of a clip.

    The classic "bag of frames" genre baseline (Tzanetakis & Cook 2002): compute ``n_mfcc`` MFCCs per frame
    with :func:`librosa.feature.mfcc`, then summarise each coefficient by its mean and its standard deviation
    over the frames, ``[μ_1 … μ_n, σ_1 … σ_n]``. Order in time is lost, which is the point the lessons make
    about MFCC summaries of long signals.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio.
    sr, n_mfcc, n_fft, hop_length : int
        Sampling rate, number of coefficients, frame length and hop in samples.

    Returns
    -------
    np.ndarray [shape=(2 * n_mfcc,)]
    """
    import librosa

    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1 or y.size < n_fft:
        raise ParameterError(f"mfcc_statistics needs mono audio of at least {n_fft} samples, got shape {y.shape}.")
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop_length)
    return np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)])


# ---------------------------------------------------------------------------------------------------------
# the MFCC bag of words

#: Relative spread below which a feature counts as constant: float round-off, not signal (silent audio gives
#: MFCC deltas of about 1e-6 next to a first coefficient of about 1e3).
_CONSTANT_TOLERANCE = 1e-6

#: Largest number of frame × centre distances held in memory at once by :meth:`MfccCodebook.transform`.
_DISTANCE_BLOCK = 1 << 22


def _frame_matrices(frame_matrices, n_features: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Validate a list of ``(n_features, n_frames)`` matrices; return all frames ``(N, n_features)`` and the
    number of frames of each song."""
    if isinstance(frame_matrices, np.ndarray) and frame_matrices.ndim == 2:
        raise ParameterError(
            f"Expected a list of (n_features, n_frames) matrices, one per song, got a single array of shape "
            f"{frame_matrices.shape}; wrap it in a list."
        )
    matrices = [np.asarray(m) for m in frame_matrices]
    if not matrices:
        raise ParameterError("Expected at least one song's frame matrix, got an empty list.")
    for i, m in enumerate(matrices):
        if m.ndim != 2 or m.shape[1] == 0 or not np.issubdtype(m.dtype, np.number):
            raise ParameterError(
                f"Song {i}: expected a numeric (n_features, n_frames) matrix with at least one frame, such as "
                f"mfcc_with_deltas(y), got shape {m.shape} and dtype {m.dtype}."
            )
    expected = matrices[0].shape[0] if n_features is None else n_features
    wrong = [(i, m.shape) for i, m in enumerate(matrices) if m.shape[0] != expected]
    if wrong:
        i, shape = wrong[0]
        raise ParameterError(f"Song {i}: expected {expected} features per frame, got a matrix of shape {shape}.")
    frames = np.concatenate([m.T for m in matrices], axis=0).astype(np.float32, copy=False)
    if not np.isfinite(frames).all():
        raise ParameterError("Frame matrices contain NaN or ±inf; check the audio with validate_audio first.")
    return frames, np.array([m.shape[1] for m in matrices])


@dataclass(kw_only=True)
class MfccCodebook:
    """Bag-of-words codebook over MFCC frames (van den Oord et al., 2013; thesis, chapter 4).

    Every frame of every song is a vector ``x`` of ``n_features`` values (39: 13 MFCCs, Δ, ΔΔ from
    :func:`mfcc_with_deltas`). :meth:`fit` standardises frames with the mean ``μ`` and standard deviation
    ``σ`` of each feature over all frames, ``z = (x − μ) / σ``, and runs k-means (scikit-learn's
    :class:`~sklearn.cluster.MiniBatchKMeans`, ``n_init=3``) to find ``n_words`` centres ``c_1 … c_K``.
    :meth:`transform` assigns every frame to its nearest centre, ``w(z) = argmin_k ‖z − c_k‖²``, and counts
    the words of each song: ``counts[s, k] = #{frames t of song s : w(z_t) = k}``, a sparse
    ``(n_songs, n_words)`` matrix whose rows sum to the songs' frame counts. The thesis uses 4,000 words.

    Parameters
    ----------
    n_words : int > 0
        Codebook size ``K`` (number of k-means clusters).
    batch_size : int > 0
        Mini-batch size of k-means.
    max_frames : int ≥ n_words or None
        Fit k-means on at most this many frames, drawn without replacement with ``seed`` (all frames when
        ``None``). ``μ`` and ``σ`` always use all frames.
    seed : int ≥ 0
        Seed of the subsample and of k-means; the same seed gives the same codebook.

    Attributes
    ----------
    mean_ : np.ndarray [shape=(n_features,), dtype=float32]
        ``μ``, the mean of each feature over all training frames.
    scale_ : np.ndarray [shape=(n_features,), dtype=float32]
        ``σ``, the standard deviation of each feature; 1 where a feature is constant (as in scikit-learn's
        ``StandardScaler``), that is where ``σ`` is at most ``1e-6`` times the largest ``|x|`` of all frames, so
        that round-off is not blown up into signal.
    centres_ : np.ndarray [shape=(n_words, n_features), dtype=float32]
        The centres ``c_k`` in *standardised* units; ``centres_ * scale_ + mean_`` gives them in MFCC units.
    """

    n_words: int
    batch_size: int = 4096
    max_frames: int | None = None
    seed: int
    mean_: np.ndarray | None = field(default=None, init=False, repr=False)
    scale_: np.ndarray | None = field(default=None, init=False, repr=False)
    centres_: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.n_words = positive_int(self.n_words, name="n_words")
        self.batch_size = positive_int(self.batch_size, name="batch_size")
        if self.max_frames is not None:
            self.max_frames = positive_int(self.max_frames, name="max_frames")
            if self.max_frames < self.n_words:
                raise ParameterError(
                    f"max_frames={self.max_frames} is smaller than n_words={self.n_words}: k-means needs at "
                    "least one frame per word."
                )
        positive_int(self.seed, name="seed", minimum=0)

    def fit(self, frame_matrices) -> MfccCodebook:
        """Learn ``μ``, ``σ`` and the ``n_words`` centres from the frames of a list of songs.

        Parameters
        ----------
        frame_matrices : list of np.ndarray [shape=(n_features, n_frames_s)]
            One matrix per song, frames as columns (the layout of :func:`mfcc_with_deltas`).

        Returns
        -------
        self : MfccCodebook

        Raises
        ------
        ParameterError
            If the matrices are malformed or non-finite, if there are fewer frames than words, or if all
            frames are identical (typically: silent audio), which leaves nothing to cluster.
        """
        from sklearn.cluster import MiniBatchKMeans

        frames, _ = _frame_matrices(frame_matrices)
        if len(frames) < self.n_words:
            raise ParameterError(
                f"Only {len(frames)} frames for n_words={self.n_words}: k-means needs at least one frame per "
                "word; use more (or longer) songs or fewer words."
            )
        mean = frames.mean(axis=0, dtype=np.float64)
        std = frames.std(axis=0, dtype=np.float64)
        varies = std > _CONSTANT_TOLERANCE * np.abs(frames).max()
        if not varies.any():
            raise ParameterError(
                f"All {len(frames)} frames are identical up to round-off (is the audio silent?): there is "
                "nothing to cluster. Leave silent songs out, e.g. those with np.abs(y).max() == 0."
            )
        scale = np.where(varies, std, 1.0)
        if self.max_frames is not None and len(frames) > self.max_frames:
            rng = np.random.default_rng(self.seed)
            frames = frames[np.sort(rng.choice(len(frames), size=self.max_frames, replace=False))]
        standardised = ((frames - mean) / scale).astype(np.float32)
        kmeans = MiniBatchKMeans(
            n_clusters=self.n_words, random_state=self.seed, n_init=3, batch_size=self.batch_size
        ).fit(standardised)
        self.mean_ = mean.astype(np.float32)
        self.scale_ = scale.astype(np.float32)
        self.centres_ = kmeans.cluster_centers_.astype(np.float32)
        return self

    def transform(self, frame_matrices) -> sp.csr_matrix:
        """Word counts per song: each frame goes to its nearest centre, ``argmin_k ‖z − c_k‖²``.

        The argmin is taken over ``½‖c_k‖² − z·c_k``, which differs from ``½‖z − c_k‖²`` only by ``½‖z‖²``,
        computed in blocks of frames so that memory stays bounded; ties go to the lower word index.

        Parameters
        ----------
        frame_matrices : list of np.ndarray [shape=(n_features, n_frames_s)]
            One matrix per song, with the ``n_features`` seen by :meth:`fit`.

        Returns
        -------
        counts : scipy.sparse.csr_matrix [shape=(n_songs, n_words), dtype=int64]
            ``counts[s, k]`` is the number of frames of song ``s`` assigned to word ``k``; row ``s`` sums to
            the number of frames of song ``s``.
        """
        if self.centres_ is None:
            raise ParameterError("This MfccCodebook is not fitted yet: call fit(frame_matrices) first.")
        frames, lengths = _frame_matrices(frame_matrices, n_features=self.centres_.shape[1])
        standardised = (frames - self.mean_) / self.scale_
        centres = self.centres_
        half_norms = 0.5 * np.einsum("kd,kd->k", centres, centres)
        block = max(1, _DISTANCE_BLOCK // self.n_words)
        words = np.concatenate(
            [
                np.argmin(half_norms - standardised[start : start + block] @ centres.T, axis=1)
                for start in range(0, len(standardised), block)
            ]
        )
        songs = np.repeat(np.arange(len(lengths)), lengths)
        counts = sp.coo_matrix(
            (np.ones(len(words), dtype=np.int64), (songs, words)), shape=(len(lengths), self.n_words)
        )
        return counts.tocsr()

    def fit_transform(self, frame_matrices) -> sp.csr_matrix:
        """:meth:`fit` then :meth:`transform` on the same songs."""
        return self.fit(frame_matrices).transform(frame_matrices)
