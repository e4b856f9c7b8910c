"""Checkers for lesson 11 (image-based music recommendation: the alias table, LINE's update, hit rate@10)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import call_student, exercise

__all__: list[str] = []


def _implied(threshold, alias) -> np.ndarray:
    """The distribution an alias table draws from: p_j = (q_j + Σ_{i: a_i = j} (1 − q_i)) / n."""
    p = np.asarray(threshold, float).copy()
    np.add.at(p, np.asarray(alias, int), 1.0 - np.asarray(threshold, float))
    return p / len(p)


@exercise("11.1", "Edge sampling with an alias table")
def check_alias_table(answer: Any) -> tuple[bool, str]:
    """alias_table(weights) -> (threshold, alias): Vose's construction."""
    if not callable(answer):
        return False, f"Expected a function alias_table(weights), got {type(answer).__name__}."
    cases = [
        np.array([1.0, 3.0]),
        np.array([0.5, 3.0, 0.0, 1.5, 7.0, 0.25]),
        np.array([2.0, 2.0, 2.0]),
        np.arange(1.0, 11.0),
    ]
    for weights in cases:
        call = f"alias_table({weights.tolist()})"
        got = call_student(answer, weights.copy(), call=call)
        if not isinstance(got, tuple) or len(got) != 2:
            return False, f"{call} should return a pair (threshold, alias), got {type(got).__name__}."
        threshold, alias = (np.asarray(x) for x in got)
        n = len(weights)
        if threshold.shape != (n,) or alias.shape != (n,):
            return False, (
                f"{call}: threshold and alias need one entry per outcome ({n}), got {threshold.shape}, {alias.shape}."
            )
        if not np.issubdtype(alias.dtype, np.integer) or alias.min() < 0 or alias.max() >= n:
            return False, f"{call}: alias must hold outcome indices in [0, {n})."
        if (threshold < -1e-12).any() or (threshold > 1 + 1e-12).any():
            return False, (
                f"{call}: a threshold is a probability (the column keeps its own outcome when u < q_i); "
                f"got values in [{threshold.min():.3f}, {threshold.max():.3f}]."
            )
        expected = weights / weights.sum()
        implied = _implied(threshold, alias)
        if np.allclose(implied, expected, atol=1e-9):
            continue
        if np.allclose(threshold, expected):
            return False, (
                f"{call}: the thresholds are the plain probabilities. Scale them by n first "
                f"(q_i = n·w_i/Σw), so that the average column holds exactly 1."
            )
        return False, (
            f"{call}: your table draws outcome j with probability {np.round(implied, 3).tolist()}, "
            f"but the weights ask for {np.round(expected, 3).tolist()}. When a small column s borrows "
            "from a large column g, g loses 1 − q_s."
        )
    return True, (
        "Right: every column is settled once, so building the table is O(n) and each draw O(1) — "
        "which is why LINE can sample its edges by weight at no cost per step."
    )


@exercise("11.2", "LINE's update for one arc")
def check_line_step(answer: Any) -> tuple[bool, str]:
    """line_step(u, context_target, context_negatives, rate) -> (u, context_target, context_negatives)."""
    if not callable(answer):
        return False, (
            f"Expected a function line_step(u, context_target, context_negatives, rate), got {type(answer).__name__}."
        )
    from ..models.network_embedding import line_sgd_step  # here: cbrec_lab.models imports Keras

    rng = np.random.default_rng(11)
    for k, d in ((1, 2), (3, 4), (5, 8)):
        u = rng.normal(0, 0.8, d)
        ctx = rng.normal(0, 0.8, (1 + k, d))
        rate = 0.1
        vertex, context = u[None, :].copy(), ctx.copy()
        line_sgd_step(vertex, context, np.array([0]), np.array([0]), np.arange(1, k + 1)[None, :], rate)
        call = f"line_step(u, context_target, context_negatives, rate={rate}) with K = {k}, d = {d}"
        got = call_student(answer, u.copy(), ctx[0].copy(), ctx[1:].copy(), rate, call=call)
        if not isinstance(got, tuple) or len(got) != 3:
            return False, f"{call} should return three arrays (u, context_target, context_negatives)."
        new_u, new_target, new_negatives = (np.asarray(x, float) for x in got)
        if new_u.shape != (d,) or new_target.shape != (d,) or new_negatives.shape != (k, d):
            return False, f"{call}: shapes must stay ({d},), ({d},) and ({k}, {d})."
        right_target = np.allclose(new_target, context[0])
        if np.allclose(new_u, vertex[0]) and right_target and np.allclose(new_negatives, context[1:]):
            continue
        sigma = 1 / (1 + np.exp(-(ctx @ u)))
        g = rate * (np.r_[1.0, np.zeros(k)] - sigma)
        if np.allclose(new_u, u - g @ ctx) or np.allclose(new_target, ctx[0] - g[0] * u):
            return False, (
                f"{call}: a sign is flipped — g_c = ρ(y_c − σ(u′_c·u)) is added: it is gradient *ascent* on log σ."
            )
        late = ctx[0] + g[0] * vertex[0]
        if np.allclose(new_u, vertex[0]) and np.allclose(new_target, late):
            return False, (
                f"{call}: the context vectors must move with the *old* u; you updated u first and used the "
                "new one (keep a copy, or compute every g before changing anything)."
            )
        if np.allclose(new_u, vertex[0]) and np.allclose(new_target, context[0]):
            return False, (
                f"{call}: u and the target are right, but the negatives should move by g_n·u with g_n = −ρσ(u′_n·u)."
            )
        return False, (
            f"{call}: expected u → {np.round(vertex[0], 4).tolist()}, got {np.round(new_u, 4).tolist()}. "
            "Compute g_c = ρ(y_c − σ(u′_c·u)) for the target (y = 1) and each negative (y = 0)."
        )
    return True, (
        "Right — that is the whole of LINE's learning: one logistic regression per sampled arc, which "
        "cbrec_lab.models.line_sgd_step runs on a mini-batch of arcs at once."
    )


def _hit_rate(lists, relevant) -> float:
    relevant = np.asarray(relevant, bool)
    hits = relevant[np.arange(len(lists))[:, None], np.asarray(lists)].any(axis=1)
    has = relevant.any(axis=1)
    return float(hits[has].mean())


@exercise("11.3", "Hit rate@10")
def check_hit_rate(answer: Any) -> tuple[bool, str]:
    """hit_rate(lists, relevant) -> share of queries (with relevant songs) whose list holds one."""
    if not callable(answer):
        return False, f"Expected a function hit_rate(lists, relevant), got {type(answer).__name__}."
    relevant = np.zeros((4, 8), dtype=bool)
    relevant[0, [1, 5]] = True
    relevant[1, 7] = True
    relevant[3, [0, 2, 3]] = True  # query 2 has no relevant song
    lists = np.array([[5, 1, 0], [2, 3, 4], [0, 1, 2], [6, 3, 4]])
    call = "hit_rate(lists, relevant) on 4 queries"
    got = call_student(answer, lists.copy(), relevant.copy(), call=call)
    try:
        got = float(got)
    except (TypeError, ValueError):
        return False, f"{call} should return one number, got {type(got).__name__}."
    expected = _hit_rate(lists, relevant)  # 2 of the 3 queries with relevant songs: 2/3
    if np.isclose(got, expected):
        return True, "Right: a list counts once, however many relevant songs it holds."
    if np.isclose(got, 0.5):
        return False, f"{call}: query 2 has no relevant song at all — leave it out, it cannot be hit or missed."
    precision = np.mean([relevant[q, lists[q]].mean() for q in (0, 1, 3)])
    if np.isclose(got, precision) or np.isclose(got, relevant[np.arange(4)[:, None], lists].mean()):
        return False, (
            f"{call}: that is precision (the share of relevant songs in a list); hit rate asks whether there is any."
        )
    return False, f"{call} should be {expected:.4f}, got {got:.4f}."
