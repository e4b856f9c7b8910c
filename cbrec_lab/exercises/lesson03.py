"""Checkers for lesson 03 (MFCC bag of words → latent factors)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..metrics import average_precision_at_k
from .core import call_student, exercise
from .lesson00 import as_number

__all__: list[str] = []


@exercise("03.1", "Assign frames to code words")
def check_assign(answer: Any) -> tuple[bool, str]:
    """nearest_word(frames, centres) -> index of the nearest centre (Euclidean) for every frame."""
    if not callable(answer):
        return False, f"Expected a function nearest_word(frames, centres), got {type(answer).__name__}."
    rng = np.random.default_rng(0)
    frames, centres = rng.normal(size=(200, 5)), rng.normal(size=(7, 5))
    expected = ((frames[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
    got = np.asarray(call_student(answer, frames, centres))
    if got.shape != expected.shape:
        return False, f"Expected one word per frame, shape {expected.shape}; yours has shape {got.shape}."
    if np.array_equal(got, expected):
        return True, "Each frame becomes the index of its nearest centre; counting them gives the bag of words."
    if np.array_equal(got, ((frames[:, None, :] - centres[None]) ** 2).sum(axis=2).argmax(axis=1)):
        return False, "That is the farthest centre: use argmin of the distances."
    if np.array_equal(got, (frames @ centres.T).argmax(axis=1)):
        return False, "The largest dot product is not the nearest centre unless all centres have the same norm."
    return False, "Not quite. Compute the squared distance of every frame to every centre and take argmin over centres."


@exercise("03.2", "Average precision by hand")
def check_average_precision(answer: Any, *, ranked, relevant, k: int) -> tuple[bool, str]:
    """AP@k = Σ_{i≤k} P@i · rel_i / min(k, |relevant|)."""
    expected = average_precision_at_k(np.asarray(ranked), np.asarray(sorted(relevant)), k=k)
    value = as_number(answer)
    if value is None:
        return False, f"Expected one number, got {answer!r}."
    if math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12):
        return True, f"AP@{k} = {expected:.4f}; mAP averages it over users."
    hits = [i + 1 for i, item in enumerate(list(ranked)[:k]) if item in set(relevant)]
    precisions = [(n + 1) / position for n, position in enumerate(hits)]
    if precisions and math.isclose(value, float(np.mean(precisions)), rel_tol=1e-9):
        return (
            False,
            f"You divided by the number of hits ({len(hits)}); divide by min(k, |relevant|) = {min(k, len(relevant))}.",
        )
    if math.isclose(value, len(hits) / k, rel_tol=1e-9):
        return False, "That is precision@k; AP averages the precision at the position of each relevant item."
    return (
        False,
        "Not quite. At every position i ≤ k holding a relevant item, take P@i; "
        "add them and divide by min(k, |relevant|).",
    )
