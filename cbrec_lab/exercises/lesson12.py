"""Checkers for lesson 12 (scaling out: Spark's confidence and regularisation, the linear scaling rule)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..spark import spark_regularization
from .core import call_student, exercise

__all__: list[str] = []


def _as_float_array(value, call: str) -> tuple[np.ndarray | None, str]:
    try:
        return np.asarray(value, dtype=float), ""
    except (TypeError, ValueError):
        return None, f"{call} should return numbers (an array like r), got {type(value).__name__}."


@exercise("12.1", "Lesson 02's confidence through Spark's ALS")
def check_spark_rating(answer: Any) -> tuple[bool, str]:
    """spark_rating(r, epsilon) -> the rating s to give Spark so that 1 + α·s = 1 + α·log(1 + r/ε)."""
    if not callable(answer):
        return False, f"Expected a function spark_rating(r, epsilon), got {type(answer).__name__}."
    alpha = 40.0  # lesson 02's α, for the diagnosis only: the right answer does not depend on it
    for r, epsilon in ((np.array([1.0, 3.0, 10.0, 707.0]), 1.0), (np.array([1.0, 2.0, 50.0]), 0.5)):
        call = f"spark_rating({r.tolist()}, epsilon={epsilon})"
        got, problem = _as_float_array(call_student(answer, r.copy(), epsilon, call=call), call)
        if got is None:
            return False, problem
        expected = np.log1p(r / epsilon)
        if got.shape == expected.shape and np.allclose(got, expected):
            continue
        if got.shape != expected.shape:
            return False, f"{call} should return one rating per count (shape {expected.shape}), got shape {got.shape}."
        if np.allclose(got, 1 + alpha * expected) or np.allclose(got, 1 + expected):
            return False, (
                f"{call}: Spark computes c = 1 + α·s itself; give it s, not the confidence (the 1 + and "
                "the α would be counted twice)."
            )
        if np.allclose(got, alpha * expected):
            return False, f"{call}: Spark multiplies by α itself (its alpha parameter); leave α out of s."
        if np.allclose(got, np.log(r / epsilon)):
            return False, f"{call}: log(1 + r/ε), not log(r/ε) — a single play would get s = 0, i.e. no confidence."
        return False, f"{call} should be {np.round(expected, 4).tolist()}, got {np.round(got, 4).tolist()}."
    return True, (
        "Right: Spark's linear confidence 1 + α·s with s = log(1 + r/ε) is exactly lesson 02's "
        "logarithmic confidence — only the regularisation differs."
    )


@exercise("12.2", "Lesson 02's λ in Spark's units")
def check_spark_reg(answer: Any) -> tuple[bool, str]:
    """spark_reg(lam, train) -> λ_S such that λ_S · n_u = λ for a user with the mean number of items."""
    if not callable(answer):
        return False, f"Expected a function spark_reg(lam, train), got {type(answer).__name__}."
    counts = np.array([[3, 0, 1, 0, 7], [0, 0, 0, 0, 0], [1, 1, 1, 1, 0], [0, 2, 0, 0, 0], [5, 0, 0, 9, 1]], float)
    cases = [(20.0, sp.csr_matrix(counts)), (5.0, sp.csr_matrix(np.eye(4) * 3))]
    for lam, train in cases:
        call = f"spark_reg({lam}, train)"
        got = call_student(answer, lam, train.copy(), call=call)
        try:
            got = float(got)
        except (TypeError, ValueError):
            return False, f"{call} should return one number, got {type(got).__name__}."
        expected = spark_regularization(lam, train)
        if np.isclose(got, expected):
            continue
        per_user = np.diff(train.indptr)
        plays_per_user = np.asarray(train.sum(axis=1)).ravel()
        if np.isclose(got, lam / per_user.mean()):
            return False, (
                f"{call}: average n_u over the users who played something — a user without plays is "
                "not in Spark's problem at all (the second user of the test matrix)."
            )
        if np.isclose(got, lam / plays_per_user[plays_per_user > 0].mean()):
            return False, (
                f"{call}: n_u is the number of *items* the user played (non-zeros of the row), not the "
                "sum of their play counts."
            )
        if np.isclose(got, lam * per_user[per_user > 0].mean()):
            return False, f"{call}: Spark multiplies regParam by n_u, so divide λ by the mean n_u."
        return False, f"{call} should be {expected:.4f}, got {got:.4f}."
    return True, (
        "Right: with λ_S = λ / mean n_u a typical user is penalised as in lesson 02; heavier users more, "
        "lighter users less — no single λ_S makes the two objectives identical."
    )


def _scaled(per_replica_batch: int, replicas: int, base_lr: float, base_batch: int) -> tuple[int, float]:
    global_batch = per_replica_batch * replicas
    return global_batch, base_lr * global_batch / base_batch


@exercise("12.3", "Data parallelism: global batch and the linear scaling rule")
def check_data_parallel(answer: Any) -> tuple[bool, str]:
    """data_parallel(per_replica_batch, replicas, base_lr, base_batch) -> (global_batch, learning_rate)."""
    if not callable(answer):
        return False, (
            f"Expected a function data_parallel(per_replica_batch, replicas, base_lr, base_batch), got "
            f"{type(answer).__name__}."
        )
    for args in ((32, 8, 1e-3, 32), (16, 4, 1e-3, 32), (64, 1, 3e-4, 256)):
        call = f"data_parallel{args}"
        got = call_student(answer, *args, call=call)
        try:
            global_batch, lr = got
            global_batch, lr = float(global_batch), float(lr)
        except (TypeError, ValueError):
            return False, f"{call} should return two numbers (global_batch, learning_rate), got {got!r}."
        expected_batch, expected_lr = _scaled(*args)
        per_replica, replicas, base_lr, base_batch = args
        if global_batch != expected_batch:
            if global_batch == per_replica:
                return False, (
                    f"{call}: every replica takes its own {per_replica} windows, so one synchronous step "
                    f"sees {per_replica} × {replicas} of them."
                )
            return False, f"{call}: the global batch should be {expected_batch}, got {global_batch:g}."
        if np.isclose(lr, expected_lr):
            continue
        if np.isclose(lr, base_lr):
            return False, (
                f"{call}: a {replicas}× larger batch averages gradients over more windows; with the same "
                "learning rate each epoch makes far fewer, equally long steps. Scale it (Goyal et al.)."
            )
        if np.isclose(lr, base_lr * replicas):
            return False, (
                f"{call}: scale by global_batch / base_batch — here {expected_batch}/{base_batch}, not by "
                f"the number of replicas alone."
            )
        return False, f"{call}: the learning rate should be {expected_lr:.3g}, got {lr:.3g}."
    return True, (
        "Right: N replicas with batch b make one step of batch N·b; the linear scaling rule keeps the "
        "step per window the same (warm up the learning rate for very large batches)."
    )
