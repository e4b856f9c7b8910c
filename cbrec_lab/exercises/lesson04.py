"""Checkers for lesson 04 (mel-spectrogram CNNs that predict latent factors)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import call_student, exercise

__all__: list[str] = []


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def _mcos(y_true: np.ndarray, y_pred: np.ndarray, numerator: str = "S") -> float:
    s = _cosines(y_true, y_pred)
    top = np.diag(s) if numerator == "S" else np.diag(s) + 1
    return float(np.mean(top / (s + 1).sum(axis=0)))


@exercise("04.1", "MCOS, the thesis's algorithm")
def check_mcos(answer: Any) -> tuple[bool, str]:
    """mcos(y_true, y_pred) -> mean_k S[k,k] / Σ_i (S[i,k] + 1), S[i,j] = cos(y_true[i], y_pred[j])."""
    if not callable(answer):
        return False, f"Expected a function mcos(y_true, y_pred), got {type(answer).__name__}."
    rng = np.random.default_rng(4)
    y_true, y_pred = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    expected = _mcos(y_true, y_pred)
    value = call_student(answer, y_true, y_pred, call="mcos(y_true, y_pred)")
    try:
        value = float(np.asarray(value))
    except (TypeError, ValueError):
        return False, f"mcos should return one number, got {type(value).__name__} of shape {np.shape(value)}."
    if np.isclose(value, expected, rtol=1e-6, atol=1e-9):
        return (
            True,
            f"MCOS = {expected:.4f} for this batch: each prediction is rewarded for matching its own song "
            "and penalised for matching the others.",
        )
    if np.isclose(value, _mcos(y_true, y_pred, "S2"), rtol=1e-6):
        return False, "You used S2 = S + 1 in the numerator too; the thesis divides S[k, k] (not S2[k, k])."
    s = _cosines(y_true, y_pred)
    if np.isclose(value, float(np.mean(np.diag(s) / (s + 1).sum(axis=1))), rtol=1e-6):
        return (
            False,
            "You summed S2 over a row; the thesis sums column k, Σ_i S2[i, k] (all true vectors against prediction k).",
        )
    if np.isclose(value, float(np.mean(np.diag(s))), rtol=1e-6):
        return False, "That is the mean cosine (the COS metric); MCOS divides each S[k, k] by the column sum of S + 1."
    if np.isclose(value, float(np.mean(np.diag(s) / s.sum(axis=0))), rtol=1e-6):
        return False, "Add 1 to S before the column sum (S2 = S + 1), so the denominator is positive."
    return (
        False,
        "Not quite. Normalise the rows, S = true_unit @ pred_unit.T, then mean of diag(S) / (S + 1).sum(axis=0).",
    )


@exercise("04.2", "How many features reach the dense layer")
def check_flatten_size(answer: Any) -> tuple[bool, str]:
    """flatten_size(frames, kernel, pool, filters) -> ⌊(frames − kernel + 1) / pool⌋ · filters."""
    if not callable(answer):
        return False, f"Expected a function flatten_size(frames, kernel, pool, filters), got {type(answer).__name__}."
    cases = [(130, 3, 4, 128), (20, 5, 4, 1), (388, 3, 3, 64), (599, 5, 2, 1)]
    for frames, kernel, pool, filters in cases:
        expected = (frames - kernel + 1) // pool * filters
        got = call_student(answer, frames, kernel, pool, filters, call=f"flatten_size{(frames, kernel, pool, filters)}")
        if got == expected:
            continue
        if got == (frames - kernel) // pool * filters:
            return (
                False,
                f"For {frames} frames and a kernel of {kernel}, a 'valid' convolution leaves "
                f"frames − kernel + 1 = {frames - kernel + 1} positions (you forgot the + 1).",
            )
        if got == -(-(frames - kernel + 1) // pool) * filters:
            return False, "Max-pooling drops an incomplete last group: use floor division, not ceil."
        if got == frames // pool * filters:
            return (
                False,
                f"The convolution itself shortens the sequence first: {frames} − {kernel} + 1 positions, then pooling.",
            )
        return False, f"flatten_size{(frames, kernel, pool, filters)} should be {expected}, got {got!r}."
    return True, "⌊(130 − 3 + 1) / 4⌋ · 128 = 4,096 features enter the thesis CNN's dense layer."
