"""Top-k lists: the one place where scores become recommendation lists.

A recommender gives every user a score for every item; a list is the items sorted by decreasing score, cut
after ``k``. Every list of the course — in the metrics, the pairwise rankers, Spark's factors, the evaluation
protocols — is made here, with the same conventions:

- **Ties** between equal scores are broken by the lower item index, so a list never depends on the sort
  algorithm, the platform or the batch size.
- **Excluded** items (typically the items a user already has) are never listed, whatever their score, even
  ``+inf``; a candidate scoring ``-inf`` is still listed (after every finite score).
- **NaN** scores are refused: a NaN cannot be ranked; replace it (e.g. with ``-inf``) first.
- A user with fewer than ``k`` candidates gets a **shorter list**: :func:`rank_items` returns it as it is,
  :func:`top_k` pads the row with ``-1``.

:func:`rank_items` ranks one user (a 1-D score vector); :func:`top_k` ranks many at once without a loop over
users: a partition finds every row's ``k``-th largest score (``O(n_items)`` per row), the ties at that score
are cut by index, and only the ``k`` chosen items of every row are sorted.

Examples
--------
>>> rank_items(np.array([0.2, 0.9, 0.9, 0.1]), k=3)
array([1, 2, 0])
>>> top_k(np.array([[0.2, 0.9, 0.9, 0.1], [1.0, 0.0, 0.0, 0.0]]), 2, exclude=np.array([[0, 1, 0, 0], [0, 0, 0, 0]]))
array([[2, 0],
       [0, 1]])
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .checks import item_mask, positive_int, score_array, user_item_mask
from .exceptions import ParameterError

__all__ = ["rank_items", "top_k"]

#: Score entries ranked at once by :func:`top_k` (a batch of rows): bounds the dense copy of a sparse
#: exclusion matrix and the temporaries of the partition (about 32 MB of float64).
_BATCH_ENTRIES = 1 << 22


def rank_items(scores, *, k: int | None = None, exclude=None) -> np.ndarray:
    """Indices of one user's top-``k`` items, best first, ties broken by the lower item index.

    Items are sorted by decreasing score; among equal scores the item with the smaller index comes first,
    so the result is the same on every platform. The top ``k`` are found by partition (``O(n)``) and only
    they are sorted (:func:`top_k`).

    Parameters
    ----------
    scores : np.ndarray [shape=(n_items,)]
        Real scores, higher is better. ``±inf`` are allowed; NaN is rejected.
    k : int > 0 or None
        Length of the list; ``None`` ranks every candidate. A ``k`` larger than the number of candidates
        returns all of them.
    exclude : array of int, set of int, or np.ndarray [shape=(n_items,), dtype=bool], optional
        Items never returned (e.g. those the user already has).

    Returns
    -------
    np.ndarray [shape=(min(k, n_candidates),), dtype=int64]

    Raises
    ------
    ParameterError
        Scores not 1-D or containing NaN, ``k`` not a positive integer, exclusion out of range.

    Examples
    --------
    >>> rank_items(np.array([0.2, 0.9, 0.9, 0.1]), k=3)
    array([1, 2, 0])
    >>> rank_items(np.array([0.2, 0.9, 0.9, 0.1]), exclude=[1])
    array([2, 0, 3])
    """
    scores = score_array(scores, ndim=1)
    excluded = item_mask(exclude, scores.size, name="exclude")
    if k is None:
        candidates = np.flatnonzero(~excluded)
        return candidates[np.lexsort((candidates, -scores[candidates]))]
    k = positive_int(k, name="k")
    top, valid = _top_k_rows(scores[None, :], excluded[None, :] if excluded.any() else None, min(k, scores.size))
    return top[0][valid[0]]


def top_k(scores, k: int, *, exclude=None) -> np.ndarray:
    """The top-``k`` items of every row of a score matrix, best first, ties broken by the lower item index.

    Row ``u`` of the result equals ``rank_items(scores[u], k=k, exclude=<row u of exclude>)`` padded with
    ``-1`` to length ``k``; all rows are ranked together, in batches of rows, without a loop over users.

    Parameters
    ----------
    scores : np.ndarray [shape=(n_users, n_items)]
        Dense real scores, higher is better. ``±inf`` are allowed; NaN is rejected (the message names the
        first). For one user pass ``scores[None, :]`` or use :func:`rank_items`.
    k : int > 0
        List length. A ``k`` larger than ``n_items`` is allowed: the places beyond the candidates hold ``-1``.
    exclude : scipy.sparse matrix or np.ndarray [shape=(n_users, n_items)], optional
        Items never listed for that user: the non-zero (``True``) entries, e.g. the training interactions.

    Returns
    -------
    np.ndarray [shape=(n_users, k), dtype=int64]
        Item indices, best first; a row with fewer than ``k`` candidates ends with ``-1``.

    Raises
    ------
    ParameterError
        Scores not a non-empty 2-D real array or containing NaN, ``k`` not a positive integer, an exclusion
        matrix of another shape or holding NaN.

    Examples
    --------
    >>> scores = np.array([[0.5, 0.5, 0.1], [0.3, 0.2, 0.1]])
    >>> top_k(scores, 2)
    array([[0, 1],
           [0, 1]])
    >>> top_k(scores, 4, exclude=np.array([[True, False, False], [False, False, False]]))
    array([[ 1,  2, -1, -1],
           [ 0,  1,  2, -1]])
    """
    scores = score_array(scores, ndim=2)
    k = positive_int(k, name="k")
    n_users, n_items = scores.shape
    excluded = None if exclude is None else user_item_mask(exclude, scores.shape, name="exclude")
    depth = min(k, n_items)
    out = np.full((n_users, k), -1, dtype=np.int64)
    batch = max(1, _BATCH_ENTRIES // n_items)
    for start in range(0, n_users, batch):
        stop = min(start + batch, n_users)
        rows = scores[start:stop]
        nan = np.isnan(rows)
        if nan.any():
            user, item = np.argwhere(nan)[0]
            raise ParameterError(
                f"scores contain NaN (first at user {start + user}, item {item}, {int(nan.sum())} in this batch of "
                f"users {start}–{stop - 1}): a NaN cannot be ranked; replace it (e.g. with -inf) before ranking."
            )
        mask = None
        if excluded is not None:
            mask = excluded[start:stop].toarray() != 0 if sp.issparse(excluded) else excluded[start:stop]
            if not mask.any():
                mask = None
        top, valid = _top_k_rows(rows, mask, depth)
        out[start:stop, :depth] = np.where(valid, top, -1)
    return out


def _top_k_rows(scores: np.ndarray, excluded: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` item indices of every row (``k ≤ n_items``), best first, ties by index, excluded items last.

    Returns ``(top, valid)``, both of shape ``(n_rows, k)``: ``valid`` is False where a row has fewer than
    ``k`` candidates and the position is filled by an excluded item (which must not be listed).
    """
    n_rows, n_items = scores.shape
    keys = scores if excluded is None else np.where(excluded, -np.inf, scores)
    if k < n_items:
        kth = -np.partition(-keys, k - 1, axis=1)[:, k - 1 : k]  # the k-th largest key of every row
        chosen = keys > kth
        tied = keys == kth
        if excluded is not None:
            tied &= ~excluded
        need = k - chosen.sum(axis=1)
        # Rows with more ties at the k-th value than places left keep the tied items of lowest index.
        crowded = np.flatnonzero(tied.sum(axis=1) > need)
        if crowded.size:
            tied[crowded] &= np.cumsum(tied[crowded], axis=1, dtype=np.int32) <= need[crowded, None]
        chosen |= tied
        if excluded is not None:
            short = k - chosen.sum(axis=1)  # > 0 only for rows with fewer than k candidates
            if short.any():
                rows = np.flatnonzero(short)
                chosen[rows] |= excluded[rows] & (
                    np.cumsum(excluded[rows], axis=1, dtype=np.int32) <= short[rows, None]
                )
        columns = np.nonzero(chosen)[1].reshape(n_rows, k)
    else:
        columns = np.broadcast_to(np.arange(n_items), (n_rows, n_items))
    values = np.take_along_axis(keys, columns, axis=1)
    if excluded is None:
        out = np.zeros(columns.shape, dtype=bool)
    else:
        out = np.take_along_axis(excluded, columns, axis=1)
    order = np.lexsort((columns, -values, out), axis=1)  # excluded last, then score down, then index up
    return np.take_along_axis(columns, order, axis=1), ~np.take_along_axis(out, order, axis=1)
