"""Checkers for lesson 01 (audio representations: sampling, STFT frames, the mel scale)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .core import StudentError, call_student, exercise
from .lesson00 import as_number

__all__: list[str] = []


def _mel(f: float | np.ndarray) -> float | np.ndarray:
    """The mel scale of the lecture (O'Shaughnessy's form, librosa's ``htk=True``)."""
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=float) / 700.0)


@exercise("01.1", "The mel value of 1,000 Hz")
def check_mel_of_1000(answer: Any) -> tuple[bool, str]:
    """Mel(1000) = 2595 · log10(1 + 1000/700) ≈ 1000."""
    expected = float(_mel(1000.0))
    value = as_number(answer)
    if value is None:
        return False, f"Expected one number, got {type(answer).__name__} {answer!r}."
    if math.isclose(value, expected, rel_tol=1e-4):
        return True, (
            f"Mel(1000 Hz) = {expected:.1f}: the scale is built so that 1,000 Hz is 1,000 mel; above it, equal "
            "steps in mel are ever wider steps in Hz."
        )
    if math.isclose(value, 2595.0 * math.log(1 + 1000 / 700), rel_tol=1e-4):
        return False, "That is the natural logarithm; the formula with 2595 uses log base 10 (np.log10)."
    if math.isclose(value, 2595.0 * math.log10(1000 / 700), rel_tol=1e-4):
        return False, "You forgot the 1 +: Mel(f) = 2595 · log10(1 + f/700), so that 0 Hz is 0 mel."
    if math.isclose(value, 15.0, rel_tol=1e-3):
        return False, (
            "That is librosa's default Slaney mel scale (linear below 1 kHz, 15 'mel' at 1,000 Hz); this exercise "
            "uses the lecture's formula 2595 · log10(1 + f/700) (librosa.hz_to_mel(f, htk=True))."
        )
    return False, "Not quite. Compute 2595 * np.log10(1 + 1000 / 700)."


@exercise("01.2", "Frames of a 3-second window")
def check_n_frames(
    answer: Any, *, n_samples: int = 66_150, hop_length: int = 512, n_fft: int = 1_024
) -> tuple[bool, str]:
    """Centred frames: one frame centred on every sample t · hop, so 1 + n // hop frames."""
    expected = 1 + n_samples // hop_length
    value = as_number(answer)
    if value is None:
        return False, f"Expected one whole number of frames, got {type(answer).__name__} {answer!r}."
    if value == expected:
        return True, (
            f"1 + {n_samples:,} // {hop_length} = {expected}: frame t is centred on sample t · {hop_length}, "
            f"from t = 0 to the last centre that fits, {expected - 1} · {hop_length}."
        )
    if value == n_samples // hop_length:
        return False, "Almost: count the frame centred on sample 0 too (the + 1)."
    if not float(value).is_integer() and math.isclose(value, n_samples / hop_length, rel_tol=1e-9):
        return False, "Frames are whole: use integer division (//), and count the frame at sample 0."
    if value == 1 + (n_samples - n_fft) // hop_length:
        return False, (
            "That counts frames that fit entirely inside the signal (center=False). The lesson's frames are centred: "
            f"the signal is padded by n_fft // 2 = {n_fft // 2} samples on each side, so the frame length drops "
            "out and only the hop matters."
        )
    if value in (n_samples // n_fft, 1 + n_samples // n_fft):
        return False, f"Successive frames start a hop ({hop_length} samples) apart, not a frame length ({n_fft})."
    return False, f"Not quite. With centred frames there is one frame every hop: 1 + n_samples // {hop_length}."


@exercise("01.3", "A vectorised hz_to_mel")
def check_hz_to_mel(answer: Any) -> tuple[bool, str]:
    """hz_to_mel(f) = 2595 · log10(1 + f/700), for a number and elementwise for an array."""
    if not callable(answer):
        return False, f"Expected a function hz_to_mel(f), got {type(answer).__name__}."
    freqs = np.array([0.0, 100.0, 440.0, 1_000.0, 4_000.0, 11_025.0])
    expected = _mel(freqs)
    scalar = as_number(call_student(answer, 1_000.0, call="hz_to_mel(1000.0)"))
    if scalar is None:
        return False, "hz_to_mel(1000.0) should return one number."
    if math.isclose(scalar, 2595.0 * math.log(1 + 1000 / 700), rel_tol=1e-4):
        return False, "That is the natural logarithm; use log base 10 (np.log10)."
    if math.isclose(scalar, 2595.0 * math.log10(1000 / 700), rel_tol=1e-4):
        return False, "You forgot the 1 +: 2595 · log10(1 + f/700)."
    if not math.isclose(scalar, float(_mel(1_000.0)), rel_tol=1e-6):
        return False, f"hz_to_mel(1000.0) returned {scalar:.6g}; expected {float(_mel(1_000.0)):.6g}."
    try:
        got = call_student(answer, freqs, call="hz_to_mel(array)")
    except StudentError as err:
        return False, (
            f"It works for one number but {err}. Use numpy functions (np.log10) instead of math.log10 so that "
            "it works elementwise on arrays."
        )
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False, "hz_to_mel(array) should return an array of numbers, one mel value per frequency."
    if got.shape != freqs.shape:
        return (
            False,
            f"hz_to_mel of an array of shape {freqs.shape} returned shape {got.shape}: one value per frequency.",
        )
    if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
        return True, (
            "Vectorised: one numpy expression converts a whole frequency axis, "
            "e.g. hz_to_mel(librosa.fft_frequencies())."
        )
    return False, "Right for 1,000 Hz but not for every frequency in an array: check the formula for all f."
