"""Genre of a user's own recording with a trained genre CNN, and a warning when it does not sound like music.

:func:`predict_genre` takes an audio file (or a waveform) and a network trained as in lesson 05, computes
the same log-mel spectrogram as the training data (:func:`cbrec_lab.audio.log_mel_spectrogram`), cuts it
into the network's windows, averages the windows' softmax outputs and returns the genres' probabilities.
A softmax always sums to one, so a genre classifier names a genre for *anything* — speech, a dog, a
fridge — often with high confidence. Before predicting, :func:`music_evidence` therefore measures a few
simple properties of the signal and :func:`predict_genre` warns (:class:`NotMusicWarning`) when they look
unlike music. The heuristic is described there, with its limits.

References
----------
1. Scheirer, E., & Slaney, M. (1997). Construction and evaluation of a robust multifeature speech/music
   discriminator. *ICASSP*, 1331–1334. https://doi.org/10.1109/ICASSP.1997.596192
2. Johnston, J. D. (1988). Transform coding of audio signals using perceptual noise criteria. *IEEE Journal
   on Selected Areas in Communications*, 6(2), 314–323 (spectral flatness).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .audio import HOP_LENGTH, N_FFT, SAMPLE_RATE, load, log_mel_spectrogram, validate_audio
from .augment import standardise_level
from .checks import positive_int
from .exceptions import ParameterError
from .train import predict_batches, song_windows

__all__ = ["NotMusicWarning", "MUSIC_THRESHOLDS", "music_evidence", "GenrePrediction", "predict_genre"]

#: Thresholds of :func:`music_evidence` (see there): spectral flatness above which a clip is noise-like,
#: share of quiet frames above which it is "mostly pauses", chroma persistence below which no pitch is held.
MUSIC_THRESHOLDS = {"flatness": 0.3, "pauses": 0.2, "persistence": 0.3}


class NotMusicWarning(UserWarning):
    """The input of :func:`predict_genre` does not look like music; its genre probabilities mean little."""


def music_evidence(y, *, sr: int = SAMPLE_RATE, thresholds: dict | None = None) -> pd.Series:
    """Three statistics that separate sustained, pitched sound from noise and from speech-like sound.

    From the power spectrogram ``S`` (1,024-sample frames, hop 512) and the frames' level
    ``L_t = 10·log10 Σ_f S_ft`` (dB):

    * **flatness**: the median over active frames of the spectral flatness, the geometric over the arithmetic
      mean of the frame's power spectrum (Johnston 1988; :func:`librosa.feature.spectral_flatness`): 1 for
      white noise's flat spectrum in the limit (about 0.56 with these frames), near 0 for a few strong
      partials. Noise-like when above ``thresholds["flatness"]`` (0.3).
    * **pauses**: the share of frames more than 30 dB below the clip's loud frames (95th percentile of
      ``L_t``). Speech, birdsong and barking come in bursts separated by pauses; most music sounds without
      interruption. Above ``thresholds["pauses"]`` (0.2) the clip is "mostly pauses".
    * **persistence**: the median over active frames of the correlation between the chroma vector (12 pitch
      classes, :func:`librosa.feature.chroma_stft`) at ``t`` and at ``t + 0.25 s``: held notes and chords
      keep their pitch classes for a beat, speech glides through pitches. Below ``thresholds["persistence"]``
      (0.3) no pitch is held.

    The clip **looks like music** unless it is noise-like, or it is mostly pauses *and* holds no pitch
    (the speech/music cues of Scheirer & Slaney 1997, reduced to two). This is a heuristic, calibrated on
    synthetic signals (sines, chords, white noise, a synthetic speech-like signal of gliding harmonic
    syllables and pauses) and on the music kit — not validated on real recordings. Expect misses (speech over
    a music bed, continuous sung vowels, a drone) and false alarms (solo percussion, very sparse or very noisy
    music, a noise-rock wall of sound).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio of at least 1,024 samples (one frame).
    sr : int > 0
    thresholds : dict, optional
        Override some of :data:`MUSIC_THRESHOLDS`.

    Returns
    -------
    pandas.Series
        ``flatness``, ``pauses``, ``persistence`` (floats) and ``looks_like_music`` (bool).
    """
    import librosa

    sr = positive_int(sr, name="sr")
    y = validate_audio(y, sr=sr, min_samples=N_FFT)
    limits = dict(MUSIC_THRESHOLDS)
    unknown = set(thresholds or {}) - set(limits)
    if unknown:
        raise ParameterError(f"unknown thresholds {sorted(unknown)}; the thresholds are {sorted(limits)}.")
    limits.update(thresholds or {})
    power = np.abs(librosa.stft(y.astype(np.float64), n_fft=N_FFT, hop_length=HOP_LENGTH)) ** 2
    level = 10.0 * np.log10(power.sum(axis=0) + 1e-20)
    active = level > np.percentile(level, 95) - 30.0
    if np.max(np.abs(y)) == 0.0:
        active[:] = False
    flatness = librosa.feature.spectral_flatness(S=power, power=1.0)[0]
    chroma = librosa.feature.chroma_stft(S=power, sr=sr, n_fft=N_FFT, hop_length=HOP_LENGTH)
    lag = max(1, round(0.25 * sr / HOP_LENGTH))
    a, b = chroma[:, :-lag], chroma[:, lag:]
    a, b = a - a.mean(axis=0), b - b.mean(axis=0)
    norms = np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    both = active[:-lag] & active[lag:] & (norms > 0)
    correlation = (a * b).sum(axis=0)[both] / norms[both]
    evidence = {
        "flatness": float(np.median(flatness[active])) if active.any() else 1.0,
        "pauses": float(1.0 - active.mean()),
        "persistence": float(np.median(correlation)) if correlation.size else 0.0,
    }
    noise_like = evidence["flatness"] > limits["flatness"]
    speech_like = evidence["pauses"] > limits["pauses"] and evidence["persistence"] < limits["persistence"]
    return pd.Series({**evidence, "looks_like_music": bool(not noise_like and not speech_like)}, dtype=object)


@dataclass(frozen=True)
class GenrePrediction:
    """What :func:`predict_genre` returns.

    Attributes
    ----------
    genre : str
        The most probable genre.
    probabilities : pandas.Series
        The genres' probabilities averaged over the windows, in the model's order (sum 1).
    window_probabilities : np.ndarray [shape=(n_windows, n_genres)]
        Every window's softmax output.
    seconds : float
        Length of the clip.
    evidence : pandas.Series
        :func:`music_evidence` of the clip (``looks_like_music`` among it).
    """

    genre: str
    probabilities: pd.Series
    window_probabilities: np.ndarray
    seconds: float
    evidence: pd.Series

    @property
    def looks_like_music(self) -> bool:
        return bool(self.evidence["looks_like_music"])

    def __str__(self) -> str:
        ranked = self.probabilities.sort_values(ascending=False)
        shares = ", ".join(f"{g} {p:.0%}" for g, p in ranked.head(3).items())
        note = "" if self.looks_like_music else " (does not look like music: take it with a grain of salt)"
        return f"{self.genre} ({shares}; {len(self.window_probabilities)} windows of a {self.seconds:.1f} s clip){note}"


def _window_shape(model) -> tuple[int, int]:
    shape = getattr(model, "input_shape", None)
    if not isinstance(shape, tuple) or len(shape) != 3 or shape[1] is None or shape[2] is None:
        raise ParameterError(
            f"model must take log-mel windows of shape (batch, frames, n_mels), e.g. genre_cnn(); its input shape "
            f"is {shape!r}."
        )
    return int(shape[1]), int(shape[2])


def predict_genre(
    path_or_waveform,
    model,
    genres,
    *,
    sr: int = SAMPLE_RATE,
    standardise: bool = True,
    hop: int | None = None,
    batch_size: int = 16,
    warn: bool = True,
) -> GenrePrediction:
    """The genre of a recording: the average of a genre CNN's softmax outputs over the clip's windows.

    The clip is loaded at ``sr`` Hz (mono, :func:`cbrec_lab.audio.load`), turned into the training
    features (log-mel in dB, 1,024-sample frames, hop 512, ``n_mels`` from the model), level-standardised if
    the model was trained that way (:func:`cbrec_lab.augment.standardise_level` over the whole clip), and cut
    into successive windows of the model's length (:func:`cbrec_lab.train.song_windows`; one more window is
    aligned to the end). The prediction is the mean of the windows' probabilities, ``p̄_k = (1/W) Σ_w p_wk``.

    Parameters
    ----------
    path_or_waveform : str, os.PathLike or np.ndarray
        An audio file (WAV, FLAC, OGG, MP3, … read by libsndfile) or mono samples already at ``sr`` Hz.
    model : keras.Model
        A trained genre classifier with input ``(frames, n_mels)`` and a softmax output (e.g. lesson 05's).
    genres : sequence of str
        The genre of each output, in the model's order.
    sr : int
        Sampling rate of the features the model was trained on (22,050 Hz in the course).
    standardise : bool
        Remove the clip's level before predicting; must match the training (True for a model trained on
        :func:`cbrec_lab.augment.level_standardised` spectrograms, False for one trained on raw log-mel).
    hop : int, optional
        Frames between window starts (default: the window length, no overlap).
    batch_size : int
    warn : bool
        Emit :class:`NotMusicWarning` when :func:`music_evidence` says the clip does not look like music.

    Returns
    -------
    GenrePrediction

    Raises
    ------
    ParameterError
        If the clip is shorter than one window of the model (the message gives the minimum length in
        seconds), cannot be read, or ``genres`` does not match the model's outputs.

    Warns
    -----
    NotMusicWarning
        When the clip does not look like music (noise-like, or speech-like pauses without held pitches).
    """
    sr = positive_int(sr, name="sr")
    frames, n_mels = _window_shape(model)
    genres = [str(g) for g in genres]
    n_outputs = model.output_shape[-1]
    if len(genres) != n_outputs:
        raise ParameterError(f"the model has {n_outputs} outputs but {len(genres)} genres were given: {genres}.")
    if isinstance(path_or_waveform, (str, os.PathLike)):
        y = load(path_or_waveform, sr=sr)
    elif isinstance(path_or_waveform, np.ndarray):
        y = validate_audio(path_or_waveform, sr=sr)
    else:
        raise ParameterError(
            f"path_or_waveform must be a path or a numpy array of samples, got {type(path_or_waveform).__name__}."
        )
    needed = (frames - 1) * HOP_LENGTH  # log-mel frames of n samples: 1 + n // hop
    if len(y) < max(needed, N_FFT):
        raise ParameterError(
            f"the clip lasts {len(y) / sr:.2f} s, shorter than the model's window of {frames} frames: give at least "
            f"{max(needed, N_FFT) / sr:.2f} s of audio at {sr} Hz (longer clips are averaged over several windows)."
        )
    evidence = music_evidence(y, sr=sr)
    if warn and not evidence["looks_like_music"]:
        warnings.warn(
            f"this clip does not look like music (spectral flatness {evidence['flatness']:.2f}, "
            f"{evidence['pauses']:.0%} pauses, pitch persistence {evidence['persistence']:.2f}; see "
            "cbrec_lab.genre.music_evidence): a genre classifier names a genre for any sound, so the "
            "probabilities below say little.",
            NotMusicWarning,
            stacklevel=2,
        )
    spectrogram = log_mel_spectrogram(y, sr=sr, n_mels=n_mels).T  # (frames, n_mels)
    if standardise:
        spectrogram = standardise_level(spectrogram)
    windows = song_windows(spectrogram, frames=frames, hop=hop)
    outputs = predict_batches(model, windows, positive_int(batch_size, name="batch_size")).astype(np.float64)
    probabilities = pd.Series(outputs.mean(axis=0), index=pd.Index(genres, name="genre"), name="probability")
    return GenrePrediction(
        genre=str(probabilities.idxmax()),
        probabilities=probabilities,
        window_probabilities=outputs,
        seconds=len(y) / sr,
        evidence=evidence,
    )
