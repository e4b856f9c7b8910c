"""Checkers for lesson 09 (fine-tuning for recommendation: the multi-task loss, what to freeze)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import call_student, exercise

__all__: list[str] = []

# Two heads (artist with 3 classes, medium with 2) on four items; the probabilities are softmax outputs.
_PROBABILITIES = {
    "artist": np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.25, 0.25, 0.5], [0.6, 0.3, 0.1]]),
    "medium": np.array([[0.9, 0.1], [0.4, 0.6], [0.5, 0.5], [0.2, 0.8]]),
}
_TARGETS = {"artist": np.array([0, 1, 2, 1]), "medium": np.array([0, 1, 0, 1])}


def _cross_entropy(p: np.ndarray, y: np.ndarray) -> float:
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))


def _multitask(probabilities: dict, targets: dict) -> float:
    return sum(_cross_entropy(probabilities[t], targets[t]) for t in targets)


@exercise("09.1", "The multi-task loss")
def check_multitask_loss(answer: Any) -> tuple[bool, str]:
    """multitask_loss(probabilities, targets) -> Σ_t −mean_i log p_t[i, y_t,i]."""
    if not callable(answer):
        return False, f"Expected a function multitask_loss(probabilities, targets), got {type(answer).__name__}."
    cases = [(_PROBABILITIES, _TARGETS), ({"artist": _PROBABILITIES["artist"]}, {"artist": _TARGETS["artist"]})]
    for probabilities, targets in cases:
        call = f"multitask_loss(probabilities, targets) with heads {sorted(targets)}"
        copies = ({k: v.copy() for k, v in probabilities.items()}, {k: v.copy() for k, v in targets.items()})
        got = call_student(answer, *copies, call=call)
        try:
            got = float(got)
        except (TypeError, ValueError):
            return False, f"{call} should return one number, got {type(got).__name__}."
        expected = _multitask(probabilities, targets)
        if np.isclose(got, expected, rtol=1e-6):
            continue
        per_head = [_cross_entropy(probabilities[t], targets[t]) for t in targets]
        if np.isclose(got, np.mean(per_head)):
            return False, (
                f"{call}: you averaged the heads' losses; del Rio et al. (and fine_tune) *sum* them, "
                f"each head with weight 1 — expected {expected:.4f}."
            )
        if np.isclose(got, -expected):
            return False, f"{call}: the cross-entropy is −log p of the true class (a positive number)."
        n = len(next(iter(targets.values())))
        if np.isclose(got, n * expected):
            return False, f"{call}: average over the items (divide by {n}), don't sum them."
        max_based = sum(float(-np.mean(np.log(probabilities[t].max(axis=1)))) for t in targets)
        if np.isclose(got, max_based):
            return False, (
                f"{call}: take the probability of the *true* class, p[i, y_i], not the largest probability of each row."
            )
        return False, f"{call} should be {expected:.4f}, got {got:.4f}."
    return True, (
        "Right: one cross-entropy per head, averaged over the items, summed over the heads — the head "
        "that is further from its labels pulls harder on the shared layers."
    )


def _toy_model():
    from ..config import import_keras

    keras = import_keras()
    inputs = keras.Input((8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, name="stem_conv")(inputs)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.Conv2D(4, 3, name="block1_conv")(x)
    x = keras.layers.BatchNormalization(name="block1_bn")(x)
    x = keras.layers.Conv2D(6, 3, name="block2_conv")(x)
    x = keras.layers.BatchNormalization(name="block2_bn")(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = keras.layers.Dense(3, name="head")(x)
    return keras, keras.Model(inputs, outputs, name="toy")


@exercise("09.2", "What to freeze")
def check_freeze_for_fine_tuning(answer: Any) -> tuple[bool, str]:
    """freeze_for_fine_tuning(model, first_trainable) -> layers before it frozen, after it trainable, BN frozen."""
    if not callable(answer):
        return False, (
            f"Expected a function freeze_for_fine_tuning(model, first_trainable), got {type(answer).__name__}."
        )
    keras, model = _toy_model()
    call = 'freeze_for_fine_tuning(model, "block1_conv")'
    returned = call_student(answer, model, "block1_conv", call=call)
    if returned is not None and returned is not model:
        return False, f"{call}: change the given model's layers in place (and return it, or nothing)."
    flags = {layer.name: bool(layer.trainable) for layer in model.layers}
    expected = {
        "image": False,
        "stem_conv": False,
        "stem_bn": False,
        "block1_conv": True,
        "block1_bn": False,
        "block2_conv": True,
        "block2_bn": False,
        "pool": True,
        "head": True,
    }
    wrong = sorted(name for name, flag in expected.items() if name != "image" and flags.get(name) != flag)
    if not wrong:
        return True, (
            "Right: the general lower layers keep their ImageNet weights, the specific upper ones are "
            "re-trained, and every batch-normalisation layer keeps ImageNet's statistics."
        )
    if flags.get("block1_bn") or flags.get("block2_bn"):
        return False, (
            "The batch-normalisation layers after the cut must stay frozen (trainable = False): batches "
            "of a few dozen artworks would give noisy statistics, and in Keras 3 a frozen BN layer also "
            "normalises with ImageNet's moving averages while training."
        )
    if not flags.get("block1_conv"):
        return False, f"{call}: the layer named first_trainable is the first one that is trained, not the last frozen."
    if flags.get("stem_conv"):
        return False, f"{call}: the layers before first_trainable (stem_conv) stay frozen."
    return False, f"{call}: these layers have the wrong trainable flag: {', '.join(wrong)}."
