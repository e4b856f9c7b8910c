"""Checkers for lesson 10 (VBPR: parameter count, the BPR loss, per-user AUC)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import call_student, exercise

__all__: list[str] = []


def _vbpr_parameters(n_users: int, n_items: int, k: int, k_visual: int, d: int) -> int:
    return n_items + (n_users + n_items) * k + n_users * k_visual + k_visual * d + d


@exercise("10.1", "Counting VBPR's parameters")
def check_vbpr_parameters(answer: Any) -> tuple[bool, str]:
    """vbpr_parameters(n_users, n_items, K, K_visual, d) -> number of learnt parameters of VBPR."""
    if not callable(answer):
        return False, (
            f"Expected a function vbpr_parameters(n_users, n_items, K, K_visual, d), got {type(answer).__name__}."
        )
    for args in ((1_000, 500, 10, 10, 1280), (3, 4, 2, 1, 5), (20_000, 100_000, 10, 10, 4096)):
        call = f"vbpr_parameters{args}"
        got = call_student(answer, *args, call=call)
        expected = _vbpr_parameters(*args)
        if isinstance(got, (int, np.integer, float, np.floating)) and got == expected:
            continue
        n_users, n_items, k, k_visual, d = args
        if got == expected - d:
            return False, f"{call}: you forgot the global visual bias β′ (d = {d} values)."
        if got == expected - n_items:
            return False, f"{call}: you forgot the item biases β_i (one per item)."
        if got == expected + n_items * k_visual:
            return False, (
                f"{call}: items have no θ_i — their visual factors are E·f_i, computed from the "
                "features by the shared E, which is what lets VBPR score a new item."
            )
        if got == expected + n_users:
            return False, f"{call}: there is no user bias — it would cancel in x̂_ui − x̂_uj."
        return False, f"{call} should be {expected:,}, got {got!r}."
    return True, (
        "Right: β_i, γ_u, γ_i and θ_u grow with the users and items; E and β′ are shared, which is why "
        "VBPR costs only K′·d + d more than BPR-MF per visual dimension of the items."
    )


def _bpr_loss(x_ui, x_uj) -> float:
    return float(np.mean(np.logaddexp(0.0, -(np.asarray(x_ui, float) - np.asarray(x_uj, float)))))


@exercise("10.2", "The BPR loss, numerically safe")
def check_bpr_loss(answer: Any) -> tuple[bool, str]:
    """bpr_loss(x_ui, x_uj) -> mean over triplets of −ln σ(x̂_ui − x̂_uj), finite for any differences."""
    if not callable(answer):
        return False, f"Expected a function bpr_loss(x_ui, x_uj), got {type(answer).__name__}."
    cases = [
        (np.array([2.0, 0.5, -1.0]), np.array([0.0, 0.5, 1.0])),
        (np.array([3.0]), np.array([1.0])),
        (np.array([800.0, -800.0, 0.0]), np.array([0.0, 0.0, 0.0])),
    ]
    for x_ui, x_uj in cases:
        call = f"bpr_loss({x_ui.tolist()}, {x_uj.tolist()})"
        with np.errstate(all="ignore"):
            got = call_student(answer, x_ui.copy(), x_uj.copy(), call=call)
        try:
            got = float(got)
        except (TypeError, ValueError):
            return False, f"{call} should return one number, got {type(got).__name__}."
        expected = _bpr_loss(x_ui, x_uj)
        if np.isclose(got, expected, rtol=1e-6):
            continue
        if not np.isfinite(got):
            return False, (
                f"{call} gave {got}: 1 / (1 + exp(800)) overflows. Write −ln σ(x) as softplus(−x) = "
                "np.logaddexp(0, −x), which is exact for any x."
            )
        if np.isclose(got, -expected, rtol=1e-6):
            return False, f"{call}: the loss is −ln σ(x̂_uij), a positive number (BPR-OPT maximises +ln σ)."
        if np.isclose(got, _bpr_loss(x_uj, x_ui), rtol=1e-6):
            return False, f"{call}: x̂_uij = x̂_ui − x̂_uj (positive minus negative), not the other way round."
        if np.isclose(got, len(x_ui) * expected, rtol=1e-6) and len(x_ui) > 1:
            return False, f"{call}: average over the triplets, don't sum them."
        return False, f"{call} should be {expected:.6f}, got {got:.6f}."
    return True, "Right, and finite for any scores: softplus(−x) never overflows."


def _user_auc(scores, test_item, positives) -> float:
    scores = np.asarray(scores, float)
    negatives = np.setdiff1d(np.arange(len(scores)), np.append(np.asarray(positives, int), test_item))
    difference = scores[test_item] - scores[negatives]
    return float(np.mean((difference > 0) + 0.5 * (difference == 0)))


@exercise("10.3", "One user's AUC")
def check_user_auc(answer: Any) -> tuple[bool, str]:
    """user_auc(scores, test_item, positives) -> share of non-positive items ranked below the test item."""
    if not callable(answer):
        return False, f"Expected a function user_auc(scores, test_item, positives), got {type(answer).__name__}."
    scores = np.array([0.9, 0.1, 0.5, 0.5, 0.3, 2.0, 0.5])
    cases = [(scores, 2, [5]), (scores, 0, [1, 6]), (np.array([1.0, 2.0, 3.0, 4.0]), 3, [])]
    for s, test_item, positives in cases:
        call = f"user_auc({s.tolist()}, {test_item}, {positives})"
        got = call_student(answer, s.copy(), test_item, list(positives), call=call)
        try:
            got = float(got)
        except (TypeError, ValueError):
            return False, f"{call} should return one number, got {type(got).__name__}."
        expected = _user_auc(s, test_item, positives)
        if np.isclose(got, expected):
            continue
        others = np.setdiff1d(np.arange(len(s)), [test_item])
        with_positives = float(np.mean((s[test_item] > s[others]) + 0.5 * (s[test_item] == s[others])))
        if positives and np.isclose(got, with_positives):
            return False, (
                f"{call}: leave out the user's other positives {positives} — they are not negatives "
                "(E(u) pairs the test item with items the user never interacted with)."
            )
        negatives = np.setdiff1d(others, positives)
        strict = float(np.mean(s[test_item] > s[negatives]))
        if np.isclose(got, strict) or np.isclose(got, float(np.mean(s[test_item] >= s[negatives]))):
            return False, f"{call}: a tie counts one half (item 3 and item 6 score exactly as item 2)."
        return False, f"{call} should be {expected:.4f}, got {got:.4f}."
    return True, "Right: the share of the user's negative items that the model ranks below the held-out item."
