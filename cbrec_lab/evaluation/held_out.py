"""Held-out evaluation of music recommenders: held-out plays and held-out songs, scores to metrics, results tables.

**Held-out plays.** For every user with enough plays, a fraction of the songs they played is hidden; a model
is fitted on the rest and ranks, for each user, every song the user has not played in training; the hidden
songs are the relevant ones (:func:`split_held_out_plays`).

**Held-out songs** (van den Oord et al. 2013, section 5.1). A set of songs is removed from the play matrix;
WMF is fitted on the remaining songs, giving user factors ``x_u`` and the factors of the training songs, which
the audio models learn to predict. For the held-out songs a model predicts factors ``ŷ_i`` from audio alone;
every user ranks the held-out songs by ``x_uᵀ ŷ_i``, and the songs the user actually played are relevant
(:func:`split_held_out_songs`). The paper reports mAP with cut-off 500 and AUC; two reference rows frame them:
random factors, and the "upper bound" — WMF fitted on *all* songs, whose factors for the held-out songs were
learned from the very plays being predicted.

:func:`evaluate_scores` turns a score matrix into per-user metrics and their means; :func:`results_table`
lays the means out like the papers' tables.

References
----------
1. van den Oord, A., Dieleman, S., & Schrauwen, B. (2013). Deep content-based music recommendation.
   *Advances in Neural Information Processing Systems 26* (NIPS 2013).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..checks import fraction, interactions_to_csr
from ..exceptions import ParameterError
from ..metrics import evaluate_rankings, summarise

__all__ = [
    "HeldOutPlays",
    "HeldOutSongs",
    "split_held_out_plays",
    "split_held_out_songs",
    "evaluate_scores",
    "results_table",
]


@dataclass(frozen=True)
class HeldOutPlays:
    """``train`` and ``test`` play matrices of the same shape with disjoint non-zeros (``train + test`` is the
    original matrix)."""

    train: sp.csr_matrix
    test: sp.csr_matrix


@dataclass(frozen=True)
class HeldOutSongs:
    """Column indices of the training and held-out songs, and the two play matrices restricted to them."""

    train_items: np.ndarray
    test_items: np.ndarray
    train: sp.csr_matrix
    test: sp.csr_matrix


def _plays(plays) -> sp.csr_matrix:
    """A play matrix as canonical CSR of its own dtype (one entry per pair, sorted indices), refused when empty
    or when a count is NaN, infinite or negative."""
    return interactions_to_csr(plays, name="plays", dtype=None, non_negative=True, require_entries=True)


def split_held_out_plays(plays, *, test_fraction: float = 0.2, min_plays: int = 5, seed: int = 0) -> HeldOutPlays:
    """Hide ``⌈test_fraction · n_u⌉`` of the songs of every user who played at least ``min_plays`` songs.

    Users with fewer songs keep them all in ``train`` (and have no relevant item, so metrics skip them).

    Raises
    ------
    ParameterError
        An empty matrix, a ``test_fraction`` outside ``(0, 1)``, or play counts that are NaN, infinite or
        negative (the message names the first such entry).
    """
    matrix = _plays(plays)
    share = fraction(test_fraction, name="test_fraction")
    rng = np.random.default_rng(seed)
    keys = rng.random(matrix.nnz)
    counts = np.diff(matrix.indptr)
    users = np.repeat(np.arange(matrix.shape[0]), counts)
    # rank of each play within its user by a random key; the lowest ⌈f·n_u⌉ go to the test set
    order = np.lexsort((keys, users))
    rank = np.empty(matrix.nnz, dtype=np.int64)
    rank[order] = np.arange(matrix.nnz) - np.repeat(matrix.indptr[:-1], counts)
    hidden = np.ceil(share * counts).astype(np.int64)
    is_test = (rank < hidden[users]) & (counts[users] >= min_plays)
    rows, cols = users, matrix.indices
    test = sp.csr_matrix((matrix.data[is_test], (rows[is_test], cols[is_test])), shape=matrix.shape)
    train = sp.csr_matrix((matrix.data[~is_test], (rows[~is_test], cols[~is_test])), shape=matrix.shape)
    return HeldOutPlays(train=train, test=test)


def split_held_out_songs(
    plays, *, test_fraction: float = 0.2, groups: Sequence | None = None, seed: int = 0
) -> HeldOutSongs:
    """Hold out a fraction of the songs (columns), stratified by ``groups`` (e.g. genre) when given."""
    matrix = _plays(plays)
    share = fraction(test_fraction, name="test_fraction")
    n_items = matrix.shape[1]
    rng = np.random.default_rng(seed)
    labels = np.zeros(n_items, dtype=int) if groups is None else pd.factorize(np.asarray(groups))[0]
    if len(labels) != n_items:
        raise ParameterError(f"groups has {len(labels)} labels for {n_items} songs.")
    test = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        take = max(1, int(round(share * len(members))))
        test.extend(rng.choice(members, size=take, replace=False))
    test_items = np.sort(np.array(test))
    train_items = np.setdiff1d(np.arange(n_items), test_items)
    return HeldOutSongs(train_items, test_items, matrix[:, train_items].tocsr(), matrix[:, test_items].tocsr())


def evaluate_scores(
    scores: np.ndarray, relevant, *, exclude=None, k: Sequence[int] = (10, 500), name: str | None = None
) -> tuple[pd.DataFrame, pd.Series]:
    """Rank every user's items by ``scores`` and measure against ``relevant``.

    Returns
    -------
    (per_user, summary) : pandas.DataFrame, pandas.Series
        One row per user (the paired tests of later lessons need them) and the mean over users with at least
        one relevant item (see :func:`cbrec_lab.metrics.summarise`), named ``name``.
    """
    per_user = evaluate_rankings(np.asarray(scores), relevant, k=tuple(k), exclude=exclude)
    summary = summarise(per_user)
    summary.name = name
    return per_user, summary


def results_table(summaries: Mapping[str, pd.Series], columns: Sequence[str]) -> pd.DataFrame:
    """A results table shaped like the papers': one row per model, the chosen metric columns."""
    table = pd.DataFrame({name: summary for name, summary in summaries.items()}).T
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(f"Unknown metric column(s) {missing}; available: {list(table.columns)}.")
    table.index.name = "model"
    return table[list(columns)]
