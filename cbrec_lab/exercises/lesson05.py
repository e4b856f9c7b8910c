"""Checkers for lesson 05 (genre classification with a CNN, and transfer to latent factors)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .core import call_student, exercise
from .lesson00 import as_number

__all__: list[str] = []


def _probabilities(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """Softmax outputs of ``n`` songs over ``k`` genres, with the true class often *not* the most probable one."""
    logits = rng.normal(scale=1.5, size=(n, k))
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


@exercise("05.1", "Categorical cross-entropy by hand")
def check_cross_entropy(answer: Any) -> tuple[bool, str]:
    """cross_entropy(probabilities, labels) = mean over songs of −ln p(true genre)."""
    if not callable(answer):
        return False, f"Expected a function cross_entropy(probabilities, labels), got {type(answer).__name__}."
    rng = np.random.default_rng(5)
    n, k = 12, 5
    probabilities = _probabilities(rng, n, k)
    labels = rng.integers(0, k, size=n)
    labels[:3] = probabilities[:3].argmin(axis=1)  # some songs where the model is badly wrong
    rows = np.arange(n)
    picked = probabilities[rows, labels]
    expected = -np.mean(np.log(picked))
    value = as_number(
        call_student(answer, probabilities.copy(), labels.copy(), call="cross_entropy(probabilities, labels)")
    )
    if value is None:
        return False, "Return one number: the loss averaged over the songs (a float, not an array)."
    if math.isclose(value, expected, rel_tol=1e-6):
        return True, (
            f"L = −(1/N) Σ ln p(true genre) = {expected:.4f}. A perfect model gives 0; a uniform guess over "
            f"{k} genres gives ln {k} = {math.log(k):.3f}, the value to expect at the start of training."
        )
    wrong = {
        "sign": np.mean(np.log(picked)),
        "argmax": -np.mean(np.log(probabilities.max(axis=1))),
        "sum": -np.sum(np.log(picked)),
        "log10": -np.mean(np.log10(picked)),
        "log2": -np.mean(np.log2(picked)),
        "all classes": -np.mean(np.log(probabilities)),
        "one-hot mean": -np.mean(np.eye(k)[labels] * np.log(probabilities)),
        "no log": -np.mean(picked),
        "broadcast": -np.mean(np.log(probabilities[:, labels])),
    }
    hints = {
        "sign": "Your value is negative: the loss is −ln p, and ln p ≤ 0, so put a minus sign in front.",
        "argmax": "You took the probability of the *predicted* genre (the largest one); the loss uses the "
        "probability the model gives to the *true* genre, probabilities[i, labels[i]].",
        "sum": "You summed over the songs; the loss is the mean (divide by the number of songs).",
        "log10": "That is log base 10; cross-entropy uses the natural logarithm (np.log).",
        "log2": "That is log base 2 (bits); Keras and the formula use the natural logarithm (np.log).",
        "all classes": "You averaged −ln p over every genre; only the true genre's probability counts.",
        "one-hot mean": "With one-hot targets, sum −y·ln p over the genres first, then average over the songs "
        "only (you divided by songs × genres).",
        "no log": "Take the logarithm: the loss is −ln p(true genre), not −p.",
        "broadcast": "probabilities[:, labels] picks a whole column per label (an N × N array); index rows and "
        "columns together: probabilities[np.arange(N), labels].",
    }
    for mistake, wrong_value in wrong.items():
        if math.isclose(value, wrong_value, rel_tol=1e-6):
            return False, hints[mistake]
    return False, "Not quite. For every song take p = probabilities[i, labels[i]], then return the mean of −np.log(p)."


@exercise("05.2", "Per-genre precision and recall from a confusion matrix")
def check_precision_recall(answer: Any) -> tuple[bool, str]:
    """precision_recall(confusion) -> (precision, recall); rows are true genres, columns predicted ones."""
    if not callable(answer):
        return False, f"Expected a function precision_recall(confusion), got {type(answer).__name__}."
    confusion = np.array(
        [
            [9, 1, 0, 0, 0],
            [0, 7, 0, 3, 0],
            [0, 0, 5, 0, 5],
            [1, 2, 0, 7, 0],
            [0, 0, 4, 0, 6],
        ]
    )  # rows: true genre, columns: predicted genre; asymmetric on purpose
    diagonal = np.diag(confusion).astype(float)
    precision, recall = diagonal / confusion.sum(axis=0), diagonal / confusion.sum(axis=1)
    result = call_student(answer, confusion.copy(), call="precision_recall(confusion)")
    try:
        got_precision, got_recall = (np.asarray(v, dtype=float) for v in result)
    except (TypeError, ValueError):
        return False, f"Return two arrays, (precision, recall), one value per genre; got {type(result).__name__}."
    n = len(confusion)
    if got_precision.shape != (n,) or got_recall.shape != (n,):
        return False, (
            f"Expected one precision and one recall per genre, shapes ({n},) and ({n},); got "
            f"{got_precision.shape} and {got_recall.shape}."
        )
    close = lambda a, b: np.allclose(a, b, rtol=1e-9, atol=1e-12)  # noqa: E731
    if close(got_precision, precision) and close(got_recall, recall):
        return True, (
            "Precision of genre k: of the songs predicted k, the share that are k (column k). Recall: of the songs "
            "that are k, the share predicted k (row k)."
        )
    if close(got_precision, recall) and close(got_recall, precision):
        return False, (
            "Rows and columns are swapped: rows are the *true* genres, so a row sum counts the songs of a genre "
            "(recall's denominator) and a column sum counts the predictions of a genre (precision's)."
        )
    accuracy = diagonal.sum() / confusion.sum()
    if close(got_precision, np.full(n, accuracy)) or close(got_recall, np.full(n, accuracy)):
        return (
            False,
            "That is the overall accuracy for every genre; divide each diagonal entry by its own column or row sum.",
        )
    if close(got_precision, diagonal / confusion.sum()) or close(got_recall, diagonal / confusion.sum()):
        return (
            False,
            "You divided by the total number of songs; precision divides by a column sum, recall by a row sum.",
        )
    if close(got_precision, precision) and not close(got_recall, recall):
        return False, "Precision is right; recall divides the diagonal by the row sums (axis=1)."
    if close(got_recall, recall) and not close(got_precision, precision):
        return False, "Recall is right; precision divides the diagonal by the column sums (axis=0)."
    return (
        False,
        "Not quite. Take the diagonal (np.diag); precision divides it by the column sums, recall by the row sums.",
    )
