"""Checkers for lesson 07 (CNN deep features: convolution arithmetic, few-shot classification)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import call_student, exercise

__all__: list[str] = []

#: (input side W, input depth D, filters K, filter side F, stride S, padding P) of the lecture's AlexNet layers
#: (grouped layers are given per group: the depth a filter sees), then layers whose sizes do not divide evenly.
_LAYERS = (
    (227, 3, 96, 11, 4, 0),
    (27, 48, 128, 5, 1, 2),
    (13, 128, 192, 3, 1, 1),
    (224, 3, 64, 7, 2, 3),
    (224, 3, 96, 11, 4, 0),
    (32, 16, 8, 1, 1, 0),
    (225, 3, 16, 4, 2, 0),
)


def _conv(W: int, D: int, K: int, F: int, S: int, P: int) -> tuple[int, int]:
    return (W - F + 2 * P) // S + 1, K * (F * F * D + 1)


@exercise("07.1", "Output size and parameters of a convolutional layer")
def check_conv_layer(answer: Any) -> tuple[bool, str]:
    """conv_layer(W, D, K, F, S, P) -> ((W − F + 2P) // S + 1, K·(F·F·D + 1))."""
    if not callable(answer):
        return False, f"Expected a function conv_layer(W, D, K, F, S, P), got {type(answer).__name__}."
    for W, D, K, F, S, P in _LAYERS:
        call = f"conv_layer(W={W}, D={D}, K={K}, F={F}, S={S}, P={P})"
        got = call_student(answer, W, D, K, F, S, P, call=call)
        try:
            size, params = (int(v) for v in got)
        except (TypeError, ValueError):
            return False, f"{call} should return two integers (output side, parameters), got {got!r}."
        expected_size, expected_params = _conv(W, D, K, F, S, P)
        if size != expected_size:
            exact = (W - F + 2 * P) / S + 1
            if size == round(exact) or size == int(np.ceil(exact)):
                return False, (
                    f"{call}: (W − F + 2P)/S + 1 = {exact:g} is not a whole number; frameworks drop the "
                    f"incomplete last position (floor), giving {expected_size}. Use integer division //."
                )
            if size == (W - F + P) // S + 1:
                return False, f"{call}: the padding is added on both sides of the image: + 2P, not + P."
            return False, f"{call}: the output side should be (W − F + 2P) // S + 1 = {expected_size}, got {size}."
        if params != expected_params:
            if params == K * F * F * D:
                return False, f"{call}: each filter also has one bias: K·(F·F·D + 1) = {expected_params}, got {params}."
            if params == K * (F * F + 1):
                return False, (
                    f"{call}: a filter spans the whole depth of its input, F×F×D weights, not F×F "
                    f"(expected {expected_params})."
                )
            if params == K * (F * F * D + 1) * (expected_size**2):
                return False, (
                    f"{call}: the filter's weights are shared over all positions (parameter sharing), so "
                    "the output size does not enter the count."
                )
            return False, f"{call}: the parameters should be K·(F·F·D + 1) = {expected_params}, got {params}."
    return True, (
        "Right: AlexNet's first layer maps 227×227×3 to 55×55×96 with 34,944 parameters — and a 224-pixel "
        "input would not divide evenly ((224 − 11)/4 + 1 = 54.25), the puzzle of the paper's figure."
    )


def _reference_ncm(train_x, train_y, test_x) -> np.ndarray:
    unit = train_x / np.linalg.norm(train_x, axis=1, keepdims=True)
    classes = np.unique(train_y)
    means = np.stack([unit[train_y == c].mean(axis=0) for c in classes])
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    test_unit = test_x / np.linalg.norm(test_x, axis=1, keepdims=True)
    return classes[np.argmax(test_unit @ means.T, axis=1)]


def _euclidean_ncm(train_x, train_y, test_x) -> np.ndarray:
    classes = np.unique(train_y)
    means = np.stack([train_x[train_y == c].mean(axis=0) for c in classes])
    distances = ((test_x[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    return classes[np.argmin(distances, axis=1)]


def _ncm_case(seed: int):
    """Three classes whose directions separate them but whose vector lengths vary wildly, so that a Euclidean
    nearest mean on raw vectors goes wrong where the cosine rule is right."""
    rng = np.random.default_rng(seed)
    directions = np.eye(3, 6) + 0.05 * rng.normal(size=(3, 6))
    labels = np.array(["chair", "lamp", "sofa"])
    train_y = np.repeat(labels, [1, 2, 3])
    scale = rng.choice([0.2, 5.0], size=(len(train_y), 1))
    train_x = np.abs(directions[np.searchsorted(labels, train_y)] * scale + 0.02 * rng.normal(size=(len(train_y), 6)))
    test_y = rng.choice(labels, size=12)
    test_x = np.abs(
        directions[np.searchsorted(labels, test_y)] * rng.choice([0.1, 8.0], size=(12, 1))
        + 0.02 * rng.normal(size=(12, 6))
    )
    return train_x, train_y, test_x, test_y


@exercise("07.2", "Few-shot classification by the nearest class mean")
def check_nearest_class_mean(answer: Any) -> tuple[bool, str]:
    """nearest_class_mean(train_x, train_y, test_x) -> one predicted label per test row, by cosine similarity to
    the re-normalised mean of each class's L2-normalised training vectors."""
    if not callable(answer):
        return False, (
            "Expected a function nearest_class_mean(train_x, train_y, test_x) returning one label per "
            f"test row, got {type(answer).__name__}."
        )
    for seed in (0, 1, 2):
        train_x, train_y, test_x, _ = _ncm_case(seed)
        call = f"nearest_class_mean(train_x {train_x.shape}, train_y {train_y.shape}, test_x {test_x.shape})"
        got = np.asarray(call_student(answer, train_x.copy(), train_y.copy(), test_x.copy(), call=call))
        expected = _reference_ncm(train_x, train_y, test_x)
        if got.shape != expected.shape:
            return False, f"{call} should return {len(expected)} labels (one per test row), got shape {got.shape}."
        if not np.issubdtype(got.dtype, np.str_) and not got.dtype == object:
            return (
                False,
                f"Return the class labels themselves (e.g. 'chair'), not their positions; got dtype {got.dtype}.",
            )
        if np.array_equal(got.astype(str), expected):
            continue
        if np.array_equal(got.astype(str), _euclidean_ncm(train_x, train_y, test_x)):
            return False, (
                "You compared raw vectors by Euclidean distance; their lengths vary (a bright photo has "
                "larger activations) — normalise each vector to unit length and compare directions by "
                "cosine similarity."
            )
        wrong = int((got.astype(str) != expected).sum())
        return False, f"{wrong} of {len(expected)} predictions differ from the nearest class mean by cosine similarity."
    return True, "Right: one mean per class, compared by direction — it works from a single example per class."
