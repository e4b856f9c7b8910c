"""Checkers for lesson 02 (WMF latent factors from play counts)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .core import call_student, exercise
from .lesson00 import as_number

__all__: list[str] = []


@exercise("02.1", "Confidence of three plays")
def check_confidence(answer: Any, *, alpha: float, epsilon: float, plays: int = 3) -> tuple[bool, str]:
    """c = 1 + α log(1 + r/ε) with the natural logarithm."""
    expected = 1 + alpha * math.log(1 + plays / epsilon)
    value = as_number(answer)
    if value is None:
        return False, f"Expected one number, got {type(answer).__name__} {answer!r}."
    if math.isclose(value, expected, rel_tol=1e-6):
        return True, f"c = 1 + {alpha:g}·ln(1 + {plays}/{epsilon:g}) = {expected:.2f}."
    if math.isclose(value, alpha * math.log(1 + plays / epsilon), rel_tol=1e-6):
        return False, "Almost: add the 1 in front, so that unplayed songs keep confidence 1: c = 1 + α·log(1 + r/ε)."
    if math.isclose(value, 1 + alpha * math.log10(1 + plays / epsilon), rel_tol=1e-6):
        return False, "That is log base 10; the formula uses the natural logarithm (np.log)."
    if math.isclose(value, 1 + alpha * plays, rel_tol=1e-6):
        return False, "That is the linear confidence 1 + α·r; this exercise asks for the logarithmic one."
    return False, "Not quite. Compute 1 + alpha * np.log(1 + r / epsilon) with r = 3."


@exercise("02.2", "The ALS update of one user")
def check_als_update(answer: Any) -> tuple[bool, str]:
    """x_u = (Yᵀ C_u Y + λ I)⁻¹ Yᵀ C_u p_u."""
    if not callable(answer):
        return False, f"Expected a function als_user_update(Y, c, p, lam), got {type(answer).__name__}."
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(30, 4))
    c = 1 + rng.integers(0, 5, 30) * 10.0
    p = (c > 1).astype(float)
    lam = 0.5
    expected = np.linalg.solve(Y.T @ (c[:, None] * Y) + lam * np.eye(4), Y.T @ (c * p))
    got = np.asarray(call_student(answer, Y, c, p, lam), dtype=float)
    if got.shape != expected.shape:
        return False, f"x_u should have one entry per factor, shape {expected.shape}; yours has shape {got.shape}."
    if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
        return True, "That is the closed-form minimiser of the user's weighted squared error plus λ‖x_u‖²."
    if np.allclose(got, np.linalg.solve(Y.T @ (c[:, None] * Y), Y.T @ (c * p)), rtol=1e-6):
        return False, "You forgot the regularisation: add lam * np.eye(k) to YᵀC_uY."
    if np.allclose(got, np.linalg.solve(Y.T @ Y + lam * np.eye(4), Y.T @ p), rtol=1e-6):
        return False, "That is unweighted ridge regression: multiply by the confidences c on both sides."
    return False, "Not quite. Build A = Yᵀ diag(c) Y + λI and b = Yᵀ diag(c) p, then solve A x = b."


@exercise("02.3", "The most popular songs")
def check_most_popular(answer: Any, *, plays, n: int = 10) -> tuple[bool, str]:
    """The n songs with the most listeners (users with at least one play), most popular first."""
    import scipy.sparse as sp

    matrix = sp.csr_matrix(plays)
    listeners = np.asarray((matrix > 0).sum(axis=0)).ravel()
    expected = np.lexsort((np.arange(len(listeners)), -listeners))[:n]
    try:
        got = np.asarray(answer, dtype=int).ravel()
    except (TypeError, ValueError):
        return False, f"Expected {n} song column indices, got {answer!r}."
    if len(got) != n:
        return False, f"Expected {n} songs, got {len(got)}."
    if np.array_equal(got, expected):
        return True, "These ten songs are what a popularity baseline recommends to everybody."
    if set(got) == set(expected):
        return False, "The right songs, in the wrong order: most listeners first (ties: lower index first)."
    totals = np.asarray(matrix.sum(axis=0)).ravel()
    if set(got) == set(np.argsort(-totals, kind="stable")[:n]):
        return False, "You ranked by total plays; this exercise counts listeners: (plays > 0).sum(axis=0)."
    return False, "Not quite. Count listeners per song with (plays > 0).sum(axis=0) and take the 10 largest."
