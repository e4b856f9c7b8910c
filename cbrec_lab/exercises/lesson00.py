"""Checkers for lesson 00 (welcome): warm-up exercises on a small play-count matrix."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .core import exercise

__all__: list[str] = []


def as_number(answer: Any) -> float | None:
    """The answer as a float, or None if it is not a single real number (array of one element accepted)."""
    if isinstance(answer, bool):
        return None
    try:
        array = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None
    if array.size != 1 or not np.isfinite(array).all():
        return None
    return float(array.reshape(()))


def _play_matrix(plays: Any) -> np.ndarray:
    matrix = np.asarray(plays, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"the checker needs the 2-D play-count matrix as `plays=`, got shape {matrix.shape}")
    return matrix


@exercise("00.1", "Density of a play-count matrix")
def check_density(answer: Any, *, plays: Any) -> tuple[bool, str]:
    """Density = (number of user–song pairs with at least one play) / (users × songs)."""
    matrix = _play_matrix(plays)
    nonzero = int(np.count_nonzero(matrix))
    density = nonzero / matrix.size
    value = as_number(answer)
    if value is None:
        return False, f"Expected a single number between 0 and 1, got {type(answer).__name__} {answer!r}."
    if math.isclose(value, density, rel_tol=1e-6, abs_tol=1e-9):
        return True, (
            f"{nonzero} of the {matrix.size} user–song pairs have plays: density {density:.3f}. Real listening "
            "data is far sparser (the Taste Profile subset is about 0.01 % dense)."
        )
    if math.isclose(value, nonzero):
        return False, "That is the number of non-zero entries; divide it by the number of cells (users × songs)."
    if math.isclose(value, 100 * density, rel_tol=1e-6):
        return False, "That looks like a percentage; give the fraction between 0 and 1."
    if math.isclose(value, 1 - density, rel_tol=1e-6, abs_tol=1e-9):
        return False, "That is the sparsity (the fraction of zeros); density is the fraction of non-zeros."
    if math.isclose(value, matrix.sum() / matrix.size, rel_tol=1e-6):
        return False, "That is the mean play count; count the cells with plays > 0 instead of adding the plays."
    return False, "Not quite. Count the cells with at least one play (np.count_nonzero) and divide by plays.size."


@exercise("00.2", "Cosine similarity of two songs' listener vectors")
def check_song_cosine(answer: Any, *, plays: Any, song_a: int = 0, song_b: int = 1) -> tuple[bool, str]:
    """cos(a, b) = a·b / (‖a‖ ‖b‖) with a, b the play-count columns of the two songs."""
    matrix = _play_matrix(plays)
    a, b = matrix[:, song_a], matrix[:, song_b]
    dot = float(a @ b)
    cosine = dot / (np.linalg.norm(a) * np.linalg.norm(b))
    value = as_number(answer)
    if value is None:
        return False, f"Expected a single number, got {type(answer).__name__} {answer!r}."
    if math.isclose(value, cosine, rel_tol=1e-6, abs_tol=1e-9):
        return True, f"cos = {cosine:.3f}: the two songs share much of their audience."
    if math.isclose(value, dot, rel_tol=1e-6):
        return False, "That is the dot product a·b; divide it by the product of the two vectors' norms."
    binary_a, binary_b = (a > 0).astype(float), (b > 0).astype(float)
    binary = float(binary_a @ binary_b / (np.linalg.norm(binary_a) * np.linalg.norm(binary_b)))
    if math.isclose(value, binary, rel_tol=1e-6):
        return False, "You used who listened (0/1), not how much; use the play counts themselves."
    rows = matrix[song_a], matrix[song_b]
    row_cosine = float(rows[0] @ rows[1] / (np.linalg.norm(rows[0]) * np.linalg.norm(rows[1])))
    if math.isclose(value, row_cosine, rel_tol=1e-6):
        return False, "You compared two users (rows); songs are the columns: plays[:, 0] and plays[:, 1]."
    if not -1 - 1e-9 <= value <= 1 + 1e-9:
        return False, "A cosine lies between -1 and 1: did you forget to divide by the norms?"
    return False, "Not quite. Take the two columns, their dot product, and divide by both norms."
