"""Audio features on top of librosa.

The lessons build spectrograms, mel spectrograms and MFCCs step by step; this module holds what the library
itself needs from them. Defaults follow the thesis: 22,050 Hz, frames of 1,024 samples with a hop of 512.
"""

from __future__ import annotations

import numpy as np

from .exceptions import ParameterError

__all__ = ["mfcc_statistics"]


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
