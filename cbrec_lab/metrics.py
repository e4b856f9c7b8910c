"""Ranking metrics: plain per-user functions and a vectorised evaluator over many users.

A recommender gives every user a score for every item; the items are ranked by score and the first ``k`` are
the recommendation list. The metrics compare that list with the user's held-out **relevant** items ``R``.
Write ``rel_i = 1`` when the item at position ``i`` (1-based) of the list is in ``R`` and ``0`` otherwise.

Conventions (the same in the per-user functions and in :func:`evaluate_rankings`)
----------------------------------------------------------------------------------
- **Ties** between equal scores are broken by the lower item index, so a ranking never depends on the sort
  algorithm or the platform (:func:`~cbrec_lab.ranking.rank_items`).
- **Excluded** items (typically the user's training items) are never ranked, never recommended and never
  counted: a relevant item that is also excluded is dropped from ``R``.
- A list **shorter than k** (fewer candidates than ``k``) counts the missing positions as non-relevant:
  precision still divides by ``k``.
- A user with **no relevant items** gets NaN from every metric; :func:`summarise` averages over the other
  users and reports how many were skipped.
- Relevance is **binary**; nDCG uses the gains ``rel_i ∈ {0, 1}`` and the discount ``1 / log2(i + 1)``.
- AP@k divides by ``min(k, |R|)``, the convention of the Million Song Dataset Challenge (McFee et al. 2012)
  that van den Oord et al. (2013) use for their mAP@500.

The evaluator follows Cornac's ranking evaluation: it ranks each user's items once at the largest ``k`` and
reads every metric at every ``k`` off that one list, and it returns per-user values (the paired tests of a
comparison need them), with :func:`summarise` for the means.

**Diversity** of a list needs no relevant items: :func:`distinct_values` counts the distinct labels (artists,
media, colours, visual clusters) among a list's items, :func:`mean_pairwise_distance` is the intra-list
diversity of Ziegler et al. (2005) on feature vectors, and :func:`mean_pairwise_jaccard_distance` the same on
set-valued metadata — the "D@10" columns of the diversity table of Messina et al. (2019). They take every
user's list as one row of a ``(n_users, k)`` index array, shorter lists padded with ``-1``, and return one
value per user (NaN for an empty list, and for a list of fewer than 2 items in the pairwise ones).

References
----------
1. Järvelin, K., & Kekäläinen, J. (2002). Cumulated gain-based evaluation of IR techniques. *ACM TOIS*,
   20(4), 422–446. https://doi.org/10.1145/582415.582418
2. McFee, B., Bertin-Mahieux, T., Ellis, D. P. W., & Lanckriet, G. R. G. (2012). The Million Song Dataset
   Challenge. *WWW '12 Companion*, 909–916. https://doi.org/10.1145/2187980.2188222
3. van den Oord, A., Dieleman, S., & Schrauwen, B. (2013). Deep content-based music recommendation.
   *Advances in Neural Information Processing Systems 26* (NIPS 2013).
4. Hanley, J. A., & McNeil, B. J. (1982). The meaning and use of the area under a receiver operating
   characteristic (ROC) curve. *Radiology*, 143(1), 29–36. https://doi.org/10.1148/radiology.143.1.7063747
5. Salah, A., Truong, Q.-T., & Lauw, H. W. (2020). Cornac: A comparative framework for multimodal recommender
   systems. *JMLR*, 21(95), 1–5.
6. Messina, P., Dominguez, V., Parra, D., Trattner, C., & Soto, A. (2019). Content-based artwork
   recommendation: integrating painting metadata with neural and manually-engineered visual features.
   *User Modeling and User-Adapted Interaction*, 29(2), 251–290. https://doi.org/10.1007/s11257-018-9206-9
7. Ziegler, C.-N., McNee, S. M., Konstan, J. A., & Lausen, G. (2005). Improving recommendation lists
   through topic diversification. *WWW '05*, 22–32. https://doi.org/10.1145/1060745.1060754
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import rankdata

from . import ranking
from .checks import item_indices, item_mask, positive_int, score_array, user_item_mask
from .exceptions import ParameterError

__all__ = [
    "METRICS",
    "precision_at_k",
    "recall_at_k",
    "f1_at_k",
    "hit_rate_at_k",
    "ndcg_at_k",
    "reciprocal_rank",
    "average_precision_at_k",
    "auc",
    "evaluate_rankings",
    "summarise",
    "PAIRWISE_METRICS",
    "distinct_values",
    "mean_pairwise_distance",
    "mean_pairwise_jaccard_distance",
]

#: Metric names understood by :func:`evaluate_rankings`; all but ``"auc"`` are read at every ``k``.
METRICS = ("precision", "recall", "f1", "hit_rate", "ndcg", "mrr", "map", "auc")


# --------------------------------------------------------------------------------------------- validation
def _check_no_nan_rows(batch: np.ndarray, start: int) -> None:
    nan = np.isnan(batch)
    if nan.any():
        user, item = np.argwhere(nan)[0]
        raise ParameterError(
            f"scores contain NaN (first at user {start + user}, item {item}, {int(nan.sum())} in total): "
            "a NaN cannot be ranked; replace it (e.g. with -inf) before evaluating."
        )


def _check_ranked(ranked) -> np.ndarray:
    ranked = np.asarray(ranked)
    if ranked.ndim != 1:
        raise ParameterError(f"ranked must be a 1-D array of item indices, best first, got shape {ranked.shape}.")
    if ranked.size == 0:
        return np.empty(0, dtype=np.int64)
    if not np.issubdtype(ranked.dtype, np.integer):
        raise ParameterError(f"ranked must hold integer item indices, got dtype {ranked.dtype}: {ranked[:10]!r}.")
    unique, counts = np.unique(ranked, return_counts=True)
    if (counts > 1).any():
        raise ParameterError(
            f"ranked lists item(s) {unique[counts > 1][:10].tolist()} more than once; a recommendation list "
            "holds each item at most once."
        )
    return ranked.astype(np.int64, copy=False)


def _hits(ranked, relevant, k: int) -> tuple[np.ndarray, int]:
    """``rel_i`` for the first ``min(k, len(ranked))`` positions, and ``|R|``."""
    ranked = _check_ranked(ranked)
    relevant = item_indices(relevant, name="relevant")
    return np.isin(ranked[:k], relevant), relevant.size


def _discounts(n: int) -> np.ndarray:
    """DCG position discounts ``1 / log2(i + 1)`` for ``i = 1 … n``."""
    return 1.0 / np.log2(np.arange(2, n + 2, dtype=np.float64))


# --------------------------------------------------------------------------------------- per-user metrics
def precision_at_k(ranked, relevant, *, k: int) -> float:
    """Precision at ``k``: the share of the first ``k`` positions that hold a relevant item.

    .. math:: P@k = \\frac{1}{k} \\sum_{i=1}^{k} rel_i

    Parameters
    ----------
    ranked : np.ndarray [shape=(n,), dtype=int]
        The recommendation list, best first (e.g. from :func:`~cbrec_lab.ranking.rank_items`); each item at most once.
    relevant : array of int, set of int, or boolean mask
        The user's relevant items ``R``.
    k : int > 0
        Cut-off. Positions beyond a list shorter than ``k`` count as non-relevant (the divisor stays ``k``).

    Returns
    -------
    float
        In ``[0, 1]``; NaN when ``R`` is empty.

    Examples
    --------
    >>> precision_at_k([3, 1, 4, 0, 2], {1, 2}, k=2)
    0.5
    """
    k = positive_int(k, name="k")
    hits, n_relevant = _hits(ranked, relevant, k)
    return float("nan") if n_relevant == 0 else float(hits.sum() / k)


def recall_at_k(ranked, relevant, *, k: int) -> float:
    """Recall at ``k``: the share of the relevant items found in the first ``k`` positions.

    .. math:: R@k = \\frac{1}{|R|} \\sum_{i=1}^{k} rel_i

    Parameters and conventions as in :func:`precision_at_k`. NaN when ``R`` is empty.

    Examples
    --------
    >>> recall_at_k([3, 1, 4, 0, 2], {1, 2}, k=2)
    0.5
    """
    k = positive_int(k, name="k")
    hits, n_relevant = _hits(ranked, relevant, k)
    return float("nan") if n_relevant == 0 else float(hits.sum() / n_relevant)


def f1_at_k(ranked, relevant, *, k: int) -> float:
    """F1 at ``k``: the harmonic mean of precision and recall at ``k``.

    .. math:: F_1@k = \\frac{2 \\, P@k \\, R@k}{P@k + R@k}, \\qquad 0 \\text{ when } P@k + R@k = 0

    Parameters and conventions as in :func:`precision_at_k`. NaN when ``R`` is empty.
    """
    k = positive_int(k, name="k")
    hits, n_relevant = _hits(ranked, relevant, k)
    if n_relevant == 0:
        return float("nan")
    precision, recall = hits.sum() / k, hits.sum() / n_relevant
    return float(2 * precision * recall / (precision + recall)) if precision + recall > 0 else 0.0


def hit_rate_at_k(ranked, relevant, *, k: int) -> float:
    """Hit rate at ``k``: 1 when at least one relevant item is in the first ``k`` positions, else 0.

    .. math:: HR@k = \\mathbb{1}\\left[\\sum_{i=1}^{k} rel_i > 0\\right]

    Parameters and conventions as in :func:`precision_at_k`. NaN when ``R`` is empty.
    """
    k = positive_int(k, name="k")
    hits, n_relevant = _hits(ranked, relevant, k)
    return float("nan") if n_relevant == 0 else float(hits.any())


def ndcg_at_k(ranked, relevant, *, k: int) -> float:
    """Normalised discounted cumulative gain at ``k`` with binary gains (Järvelin & Kekäläinen 2002).

    .. math::

        DCG@k = \\sum_{i=1}^{k} \\frac{rel_i}{\\log_2(i + 1)}, \\qquad
        IDCG@k = \\sum_{i=1}^{\\min(k, |R|)} \\frac{1}{\\log_2(i + 1)}, \\qquad
        nDCG@k = \\frac{DCG@k}{IDCG@k}

    ``IDCG@k`` is the DCG of an ideal list that puts all relevant items first.

    Parameters and conventions as in :func:`precision_at_k`. In ``[0, 1]``; NaN when ``R`` is empty.

    Examples
    --------
    >>> round(ndcg_at_k([3, 1, 4, 0, 2], {1, 2}, k=5), 6)  # (1/log2 3 + 1/log2 6) / (1 + 1/log2 3)
    0.624051
    """
    k = positive_int(k, name="k")
    hits, n_relevant = _hits(ranked, relevant, k)
    if n_relevant == 0:
        return float("nan")
    discounts = _discounts(min(k, max(hits.size, n_relevant)))
    return float((hits * discounts[: hits.size]).sum() / discounts[: min(k, n_relevant)].sum())


def reciprocal_rank(ranked, relevant, *, k: int | None = None) -> float:
    """Reciprocal rank: ``1 / i`` for the position ``i`` of the first relevant item within the first ``k``.

    .. math:: RR@k = \\frac{1}{\\min\\{i \\le k : rel_i = 1\\}}, \\qquad 0 \\text{ when no } rel_i = 1

    The mean over users is the MRR.

    Parameters
    ----------
    ranked, relevant
        As in :func:`precision_at_k`.
    k : int > 0 or None
        Cut-off; ``None`` searches the whole list.

    Returns
    -------
    float
        In ``[0, 1]``; NaN when ``R`` is empty.

    Examples
    --------
    >>> reciprocal_rank([3, 1, 4, 0, 2], {1, 2})
    0.5
    """
    if k is not None:
        k = positive_int(k, name="k")
    ranked = _check_ranked(ranked)
    hits, n_relevant = _hits(ranked, relevant, ranked.size if k is None else k)
    if n_relevant == 0:
        return float("nan")
    return float(1.0 / (np.argmax(hits) + 1)) if hits.any() else 0.0


def average_precision_at_k(ranked, relevant, *, k: int) -> float:
    """Average precision at ``k``, the Million Song Dataset Challenge convention (McFee et al. 2012).

    .. math:: AP@k = \\frac{1}{\\min(k, |R|)} \\sum_{i=1}^{k} P@i \\cdot rel_i

    The divisor ``min(k, |R|)`` makes a perfect list score 1 even when the user has more than ``k``
    relevant items; the mean over users is the mAP@k of van den Oord et al. (2013) (``k = 500``).

    Parameters and conventions as in :func:`precision_at_k`. In ``[0, 1]``; NaN when ``R`` is empty.

    Examples
    --------
    >>> average_precision_at_k([3, 1, 4, 0, 2], {1, 2}, k=5)  # (1/2 + 2/5) / 2
    0.45
    """
    k = positive_int(k, name="k")
    hits, n_relevant = _hits(ranked, relevant, k)
    if n_relevant == 0:
        return float("nan")
    precisions = np.cumsum(hits) / np.arange(1, hits.size + 1)
    return float((precisions * hits).sum() / min(k, n_relevant))


def auc(scores, relevant, *, exclude=None) -> float:
    """Area under the ROC curve of one user's scores over all non-excluded items.

    The probability that a random relevant item scores higher than a random non-relevant one, ties counting
    one half (Hanley & McNeil 1982). Computed from average ranks (the Mann–Whitney ``U`` statistic): with the
    candidates ranked by increasing score (ties sharing their mean rank ``r_j``), ``n⁺`` relevant and ``n⁻``
    non-relevant candidates,

    .. math:: AUC = \\frac{\\sum_{j \\in R} r_j - n^+ (n^+ + 1) / 2}{n^+ \\, n^-}

    Parameters
    ----------
    scores : np.ndarray [shape=(n_items,)]
        Real scores, higher is better; NaN is rejected.
    relevant : array of int, set of int, or np.ndarray [shape=(n_items,), dtype=bool]
        The user's relevant items. Relevant items that are also excluded are dropped.
    exclude : array of int, set of int, or np.ndarray [shape=(n_items,), dtype=bool], optional
        Items left out of the comparison (e.g. training items).

    Returns
    -------
    float
        In ``[0, 1]`` (0.5 for random scores); NaN when there is no relevant or no non-relevant candidate.

    Examples
    --------
    >>> auc(np.array([0.9, 0.5, 0.5, 0.1]), {0, 1})  # pairs (0,2) (0,3) (1,2) (1,3): (1 + 1 + 1/2 + 1) / 4
    0.875
    """
    scores = score_array(scores, ndim=1)
    excluded = item_mask(exclude, scores.size, name="exclude")
    positive = item_mask(relevant, scores.size, name="relevant")[~excluded]
    n_positive = int(positive.sum())
    n_negative = positive.size - n_positive
    if n_positive == 0 or n_negative == 0:
        return float("nan")
    ranks = rankdata(scores[~excluded])
    return float((ranks[positive].sum() - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative))


# ------------------------------------------------------------------------------------ batch evaluation
def _dense_rows(matrix, start: int, stop: int) -> np.ndarray:
    if sp.issparse(matrix):
        return matrix[start:stop].toarray() != 0
    return matrix[start:stop]


def _check_ks(k) -> tuple[int, ...]:
    ks = (k,) if isinstance(k, Integral) or not isinstance(k, Iterable) else tuple(k)
    if not ks:
        raise ParameterError("k must be a positive integer or a non-empty sequence of them, got an empty sequence.")
    return tuple(dict.fromkeys(positive_int(value, name="k") for value in ks))


def _check_metrics(metrics) -> tuple[str, ...]:
    metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise ParameterError(f"metrics must be a non-empty selection of {METRICS}, got {metrics!r}.")
    return tuple(dict.fromkeys(metrics))


def evaluate_rankings(
    scores,
    relevant,
    *,
    k=(10, 20, 500),
    exclude=None,
    metrics=METRICS,
    batch_users: int = 1024,
) -> pd.DataFrame:
    """Every ranking metric for every user at once, from a users × items score matrix.

    Each user's non-excluded items are ranked once, at the largest ``k``, by :func:`cbrec_lab.ranking.top_k`
    (partition, then a sort of the top with ties broken by the lower item index); every metric at every ``k``
    is read off that one list. Users are processed in batches of ``batch_users`` rows, and the ranking and the
    ranking metrics use array operations over the whole batch (no loop over users). AUC sorts the batch in one
    call and reads each user's average ranks of the relevant items by binary search (a short loop per user).
    Excluded items get the score ``-inf``, never enter a list and are dropped from the relevant items.

    The values equal those of the per-user functions applied to ``rank_items(scores[u], exclude=...)``:
    ``precision@k`` = :func:`precision_at_k`, ``recall@k`` = :func:`recall_at_k`, ``f1@k`` = :func:`f1_at_k`,
    ``hit_rate@k`` = :func:`hit_rate_at_k`, ``ndcg@k`` = :func:`ndcg_at_k`, ``mrr@k`` = :func:`reciprocal_rank`,
    ``map@k`` = :func:`average_precision_at_k` and ``auc`` = :func:`auc` (see them for the formulas).

    Parameters
    ----------
    scores : np.ndarray [shape=(n_users, n_items)]
        Dense real scores, higher is better; NaN is rejected.
    relevant : scipy.sparse matrix or np.ndarray [shape=(n_users, n_items)]
        Held-out relevant items: non-zero entries (booleans, counts) mark them; NaN is refused.
    k : int or sequence of int
        Cut-offs (positive; larger than ``n_items`` is allowed: the list then holds every candidate and
        precision still divides by ``k``).
    exclude : scipy.sparse matrix or np.ndarray [shape=(n_users, n_items)], optional
        Items never recommended nor counted, e.g. the training interactions: non-zero entries mark them.
    metrics : sequence of str
        A selection of :data:`METRICS`: ``"precision"``, ``"recall"``, ``"f1"``, ``"hit_rate"``, ``"ndcg"``,
        ``"mrr"``, ``"map"`` (each at every ``k``) and ``"auc"`` (over all candidates).
    batch_users : int > 0
        Users per batch; memory grows as ``batch_users × n_items`` (about 30 bytes per entry).

    Returns
    -------
    pandas.DataFrame [shape=(n_users, n_metric_columns + 1)]
        Indexed by the user row (``user``), with columns ``"{metric}@{k}"`` (e.g. ``ndcg@20``, ``map@500``)
        in the order of ``metrics`` then ``k``, ``auc``, and ``n_relevant`` (relevant items left after
        exclusion). Users without relevant items have NaN metrics; average with :func:`summarise`.

    Raises
    ------
    ParameterError
        Shapes that differ, NaN scores, NaN in ``relevant`` or ``exclude``, a ``k`` or ``batch_users`` that is
        not a positive integer, an unknown metric.

    Examples
    --------
    >>> scores = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.4]])
    >>> relevant = np.array([[0, 0, 1], [1, 0, 0]])
    >>> frame = evaluate_rankings(scores, relevant, k=1, metrics=("precision", "auc"))
    >>> frame.columns.tolist()
    ['precision@1', 'auc', 'n_relevant']
    >>> frame["auc"].tolist()
    [0.5, 0.0]
    """
    scores = score_array(scores, ndim=2)
    n_users, n_items = scores.shape
    relevant = user_item_mask(relevant, scores.shape, name="relevant")
    exclude = None if exclude is None else user_item_mask(exclude, scores.shape, name="exclude")
    ks = _check_ks(k)
    metrics = _check_metrics(metrics)
    batch_users = positive_int(batch_users, name="batch_users")

    ranking_metrics = [m for m in metrics if m != "auc"]
    columns = {f"{m}@{kk}": np.full(n_users, np.nan) for m in ranking_metrics for kk in ks}
    if "auc" in metrics:
        columns["auc"] = np.full(n_users, np.nan)
    n_relevant_all = np.zeros(n_users, dtype=np.int64)
    depth = min(max(ks), n_items)
    discounts = _discounts(depth)
    ideal = np.concatenate([[0.0], np.cumsum(discounts)])  # ideal[m] = IDCG of m hits

    for start in range(0, n_users, batch_users):
        stop = min(start + batch_users, n_users)
        batch = scores[start:stop]
        _check_no_nan_rows(batch, start)
        positive = _dense_rows(relevant, start, stop)
        excluded = None
        if exclude is not None:
            excluded = _dense_rows(exclude, start, stop)
            positive = positive & ~excluded
            if not excluded.any():
                excluded = None
        n_relevant = positive.sum(axis=1)
        n_relevant_all[start:stop] = n_relevant
        has_relevant = n_relevant > 0

        if ranking_metrics:
            top = ranking.top_k(batch, depth, exclude=excluded)
            valid = top >= 0  # False where a user has fewer than `depth` candidates
            hits = np.take_along_axis(positive, np.maximum(top, 0), axis=1) & valid
            found = np.cumsum(hits, axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                precisions_at_i = found / np.arange(1, depth + 1)
                for kk in ks:
                    cut = min(kk, depth)
                    n_hits = found[:, cut - 1]
                    precision = n_hits / kk
                    recall = n_hits / n_relevant
                    values = {
                        "precision": precision,
                        "recall": recall,
                        "f1": np.where(n_hits > 0, 2 * precision * recall / (precision + recall), 0.0),
                        "hit_rate": (n_hits > 0).astype(np.float64),
                        "ndcg": (hits[:, :cut] * discounts[:cut]).sum(axis=1) / ideal[np.minimum(kk, n_relevant)],
                        "mrr": np.where(n_hits > 0, 1.0 / (np.argmax(hits[:, :cut], axis=1) + 1), 0.0),
                        "map": (precisions_at_i[:, :cut] * hits[:, :cut]).sum(axis=1) / np.minimum(kk, n_relevant),
                    }
                    for m in ranking_metrics:
                        columns[f"{m}@{kk}"][start:stop] = np.where(has_relevant, values[m], np.nan)

        if "auc" in metrics:
            columns["auc"][start:stop] = _batch_auc(batch, positive, excluded, n_relevant)

    frame = pd.DataFrame(columns, index=pd.RangeIndex(n_users, name="user"))
    frame["n_relevant"] = n_relevant_all
    return frame


def _batch_auc(batch: np.ndarray, positive: np.ndarray, excluded: np.ndarray | None, n_relevant) -> np.ndarray:
    """AUC of every row from the average ranks of its relevant items, as :func:`auc` computes them.

    The rows are sorted in one call (excluded items at ``-inf``, below every candidate); the average rank of a
    relevant item scoring ``s`` is ``(#{< s} + #{≤ s} + 1) / 2`` minus the number of excluded items, read off
    the sorted row by binary search. This equals ``rankdata`` but is an order of magnitude faster than
    ``rankdata(..., axis=1)`` on wide rows. A row where a candidate itself scores ``-inf`` (tied with the
    excluded items) goes through :func:`auc`.
    """
    n_rows, n_items = batch.shape
    n_excluded = np.zeros(n_rows, dtype=np.int64) if excluded is None else excluded.sum(axis=1)
    n_negative = n_items - n_excluded - n_relevant
    result = np.full(n_rows, np.nan)
    rows = np.flatnonzero((n_relevant > 0) & (n_negative > 0))
    if rows.size == 0:
        return result
    keys = batch[rows]
    fallback = np.zeros(rows.size, dtype=bool)
    if excluded is not None:
        fallback = (np.isneginf(keys) & ~excluded[rows]).any(axis=1)
        keys = np.where(excluded[rows], -np.inf, keys)
    ordered = np.sort(keys, axis=1)
    for i, row in enumerate(rows):
        if fallback[i]:
            result[row] = auc(batch[row], positive[row], exclude=excluded[row])
            continue
        values = keys[i, positive[row]]
        below = np.searchsorted(ordered[i], values, side="left")
        up_to = np.searchsorted(ordered[i], values, side="right")
        n_pos = n_relevant[row]
        rank_sum = (below + up_to + 1).sum() / 2 - n_pos * n_excluded[row]
        result[row] = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_negative[row])
    return result


def summarise(per_user: pd.DataFrame) -> pd.Series:
    """Mean of every metric over the users that have relevant items, with the number of users skipped.

    Parameters
    ----------
    per_user : pandas.DataFrame
        The result of :func:`evaluate_rankings` (or any frame of per-user metric columns). Users with
        ``n_relevant == 0`` are skipped; without an ``n_relevant`` column, users whose metrics are all NaN.
        A value still NaN for a kept user (AUC when every candidate is relevant) is left out of that
        metric's mean only.

    Returns
    -------
    pandas.Series [dtype=float]
        One mean per metric column, then ``n_users`` (rows of ``per_user``) and ``n_skipped``.

    Examples
    --------
    >>> frame = pd.DataFrame({"ndcg@10": [1.0, 0.5, np.nan], "n_relevant": [2, 1, 0]})
    >>> summarise(frame).to_dict()
    {'ndcg@10': 0.75, 'n_users': 3.0, 'n_skipped': 1.0}
    """
    if not isinstance(per_user, pd.DataFrame):
        raise ParameterError(
            f"summarise needs the per-user DataFrame of evaluate_rankings, got {type(per_user).__name__}."
        )
    metric_columns = [c for c in per_user.columns if c != "n_relevant"]
    values = per_user[metric_columns].astype(np.float64)
    if "n_relevant" in per_user.columns:
        kept = per_user["n_relevant"].to_numpy() > 0
    else:
        kept = values.notna().any(axis=1).to_numpy()
    means = values[kept].mean(axis=0, skipna=True)
    counts = pd.Series({"n_users": float(len(per_user)), "n_skipped": float((~kept).sum())})
    return pd.concat([means, counts]).rename("mean")


# ------------------------------------------------------------------------------------ list diversity
# Diversity of one recommendation list (Messina et al. 2019 [6]; Ziegler et al. 2005 [7]): see the module docstring.

#: Distances understood by :func:`mean_pairwise_distance`.
PAIRWISE_METRICS = ("cosine", "euclidean")

_GATHER_BUDGET = 4_000_000  # float64 entries gathered at once by mean_pairwise_distance (about 32 MB)


def _check_top_k(top_k, n_items: int, *, name: str = "top_k") -> tuple[np.ndarray, np.ndarray]:
    """``top_k`` as an int64 (n_users, k) array and its validity mask (False where padded with -1)."""
    if sp.issparse(top_k):
        raise ParameterError(f"{name} must be a dense (n_users, k) array of item indices, got a scipy.sparse matrix.")
    array = np.asarray(top_k)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ParameterError(
            f"{name} must be a 2-D array of shape (n_users, k) with k ≥ 1 (one list per row, padded with -1), "
            f"got shape {array.shape}; for a single list pass top_k[None, :]."
        )
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ParameterError(f"{name} must hold integer item indices (-1 for padding), got dtype {array.dtype}.")
    array = array.astype(np.int64, copy=False)
    if array.size and (array.min() < -1 or array.max() >= n_items):
        bad = array[(array < -1) | (array >= n_items)]
        raise ParameterError(
            f"{name} holds item index {int(bad[0])}, but there are only {n_items} items (0–{n_items - 1}; "
            "-1 marks padding): the item information must have one entry per item."
        )
    valid = array >= 0
    ordered = np.sort(array, axis=1)
    repeated = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
    if repeated.any():
        user = int(np.flatnonzero(repeated.any(axis=1))[0])
        item = int(ordered[user, 1:][repeated[user]][0])
        raise ParameterError(
            f"{name} lists item {item} more than once in row {user}; a recommendation list holds each item at "
            "most once (pad short lists with -1)."
        )
    return array, valid


def _is_collection(value) -> bool:
    return isinstance(value, (set, frozenset, list, tuple, np.ndarray, pd.Series))


def _is_missing(value) -> bool:
    return not _is_collection(value) and pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _item_value_indicator(labels, *, name: str) -> sp.csr_matrix:
    """A 0/1 items × values CSR matrix from one label per item or one collection of labels per item.

    Missing labels (None, NaN) mark no value; in the set-valued case a missing entry is an empty set.
    """
    if sp.issparse(labels):
        raise ParameterError(
            f"{name} must be one label per item or one set of labels per item, got a scipy.sparse matrix."
        )
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
        raise ParameterError(f"{name} must be a sequence with one entry per item, got {type(labels).__name__}.")
    if isinstance(labels, np.ndarray) and labels.ndim != 1:
        raise ParameterError(
            f"{name} must be 1-D (one label, or one set of labels, per item), got shape {labels.shape}."
        )
    entries = labels.tolist() if isinstance(labels, (np.ndarray, pd.Series, pd.Index)) else list(labels)
    n_items = len(entries)
    if n_items == 0:
        raise ParameterError(f"{name} is empty: it needs one entry per item.")
    set_valued = [_is_collection(entry) for entry in entries]
    if any(set_valued):
        missing = [_is_missing(entry) for entry in entries]
        bad = [i for i, (s, m) in enumerate(zip(set_valued, missing, strict=True)) if not (s or m)]
        if bad:
            raise ParameterError(
                f"{name} mixes sets and single labels: entry {bad[0]} is {entries[bad[0]]!r}. Give every item a "
                "set (or list) of labels, e.g. 'red;blue'.split(';'), and None or an empty set for no label."
            )
        lists = [
            [] if m else [v for v in entry if not _is_missing(v)] for entry, m in zip(entries, missing, strict=True)
        ]
        lengths = np.fromiter((len(values) for values in lists), dtype=np.int64, count=n_items)
        flat = [v for values in lists for v in values]
    else:
        flat = [v for v in entries if not _is_missing(v)]
        lengths = np.fromiter((0 if _is_missing(v) else 1 for v in entries), dtype=np.int64, count=n_items)
    try:
        codes, uniques = pd.factorize(pd.Series(flat, dtype=object), sort=False)
    except TypeError as error:  # unhashable labels
        raise ParameterError(f"{name} labels must be hashable (strings, numbers), got: {error}.") from None
    rows = np.repeat(np.arange(n_items), lengths)
    indicator = sp.csr_matrix(
        (np.ones(codes.size, dtype=np.int64), (rows, codes)), shape=(n_items, max(len(uniques), 1))
    )
    indicator.sum_duplicates()
    indicator.data[:] = 1  # a label repeated in one item's set counts once
    return indicator


def _list_matrix(top_k: np.ndarray, valid: np.ndarray, n_items: int) -> sp.csr_matrix:
    """Users × items 0/1 CSR matrix of the items in every list."""
    users = np.broadcast_to(np.arange(top_k.shape[0])[:, None], top_k.shape)[valid]
    return sp.csr_matrix((np.ones(users.size, dtype=np.int64), (users, top_k[valid])), shape=(top_k.shape[0], n_items))


def distinct_values(top_k, labels) -> np.ndarray:
    """Number of distinct labels among the items of every recommendation list.

    With one label per item ``ℓ(i)`` (artist, medium, visual-cluster id) the diversity of a list ``L`` is
    ``D(L) = |{ℓ(i) : i ∈ L}|``; with a set of labels per item ``S(i)`` (the colours of an artwork) it is the
    size of their union:

    .. math:: D(L) = \\left| \\bigcup_{i \\in L} S(i) \\right|

    These are the "D@10 artist / medium / color / visual cluster" columns of Messina et al. (2019), table
    "Diversidad" [6]. Note that the seed copy of that table reports values up to 18.4 distinct artists per
    list, which a 10-item list cannot reach; whatever the paper's cut-off, this function counts the labels
    of exactly the lists it is given.

    Computed without a loop over users: an items × labels indicator matrix (scipy.sparse) is multiplied by the
    users × items matrix of the lists, and the non-zero entries of every row are counted.

    Parameters
    ----------
    top_k : np.ndarray [shape=(n_users, k), dtype=int]
        Every user's list of item indices (e.g. :func:`cbrec_lab.ranking.top_k`), each item at most once;
        shorter lists are padded with ``-1``, which is ignored wherever it stands.
    labels : sequence [length n_items]
        Either one hashable label per item (strings, numbers), or one collection (set, list, tuple) of labels
        per item — split strings like ``"red;blue"`` first. Missing labels (``None``, NaN; in the set case
        also an empty set) count as no label at all.

    Returns
    -------
    np.ndarray [shape=(n_users,), dtype=float64]
        The count for every list; NaN for an empty list (all padding). A list whose items all lack a label
        scores 0.

    Raises
    ------
    ParameterError
        ``top_k`` not 2-D integer, an index outside ``-1 … n_items - 1``, an item listed twice in one row;
        ``labels`` empty, unhashable, or mixing sets and single labels.

    Examples
    --------
    >>> top_k = np.array([[0, 1, 2], [3, 2, -1]])
    >>> distinct_values(top_k, ["Kahlo", "Kahlo", "Rivera", "Tamayo"])
    array([2., 2.])
    >>> distinct_values(top_k, [{"red"}, {"red", "blue"}, {"green"}, set()])
    array([3., 1.])
    """
    indicator = _item_value_indicator(labels, name="labels")
    top_k, valid = _check_top_k(top_k, indicator.shape[0])
    counts = (_list_matrix(top_k, valid, indicator.shape[0]) @ indicator).tocsr()
    counts.eliminate_zeros()
    result = np.diff(counts.indptr).astype(np.float64)
    result[~valid.any(axis=1)] = np.nan
    return result


def _mean_over_pairs(total: np.ndarray, n_valid: np.ndarray) -> np.ndarray:
    pairs = n_valid * (n_valid - 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, total / np.where(pairs > 0, pairs, 1), np.nan)


def mean_pairwise_distance(top_k, features, *, metric: str = "cosine") -> np.ndarray:
    """Intra-list diversity: the mean distance between the feature vectors of every pair of listed items.

    For a list ``L`` of ``n = |L|`` items with feature vectors ``V_i`` (Ziegler et al. 2005 [7]),

    .. math::

        ILD(L) = \\frac{2}{n (n - 1)} \\sum_{i < j \\in L} d(V_i, V_j), \\qquad
        d_{\\cos}(V_i, V_j) = 1 - \\frac{V_i \\cdot V_j}{\\lVert V_i \\rVert \\, \\lVert V_j \\rVert}, \\qquad
        d_{euc}(V_i, V_j) = \\lVert V_i - V_j \\rVert_2

    With visual embeddings and the cosine distance this is the "D@10 visual pairwise" column of Messina
    et al. (2019) [6].

    A **zero vector** has no direction: its cosine similarity with any vector (another zero vector included)
    is taken as 0, so its cosine distance is 1. The cosine distance is clipped to ``[0, 2]`` against
    rounding. Users are processed in batches (about 32 MB of gathered features at a time); within a batch
    the only loop is over the ``k - 1`` list positions.

    Parameters
    ----------
    top_k : np.ndarray [shape=(n_users, k), dtype=int]
        Lists of item indices, each item at most once, padded with ``-1`` (ignored).
    features : np.ndarray [shape=(n_items, d)]
        Finite real feature vectors, one row per item.
    metric : {"cosine", "euclidean"}
        The distance ``d``.

    Returns
    -------
    np.ndarray [shape=(n_users,), dtype=float64]
        The mean distance of every list; NaN for a list with fewer than 2 items (so every value is NaN when
        ``k = 1``).

    Raises
    ------
    ParameterError
        A bad ``top_k`` (see :func:`distinct_values`), ``features`` not a finite 2-D real array, an unknown
        ``metric``.

    Examples
    --------
    >>> features = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> mean_pairwise_distance(np.array([[0, 1], [0, 2]]), features).round(4)
    array([1.    , 0.2929])
    >>> mean_pairwise_distance(np.array([[0, 1, 2]]), features, metric="euclidean").round(4)  # (√2 + 1 + 1) / 3
    array([1.1381])
    """
    if metric not in PAIRWISE_METRICS:
        raise ParameterError(f"metric must be one of {PAIRWISE_METRICS}, got {metric!r}.")
    if sp.issparse(features):
        raise ParameterError("features must be a dense (n_items, d) array, got a scipy.sparse matrix: use .toarray().")
    features = np.asarray(features)
    if features.ndim != 2 or features.shape[0] == 0 or features.shape[1] == 0:
        raise ParameterError(
            f"features must be a non-empty 2-D array of shape (n_items, d), got shape {features.shape}."
        )
    if not np.issubdtype(features.dtype, np.number) or np.iscomplexobj(features):
        raise ParameterError(f"features must be real numbers, got dtype {features.dtype}.")
    features = features.astype(np.float64, copy=False)
    if not np.isfinite(features).all():
        bad = int(np.flatnonzero(~np.isfinite(features).all(axis=1))[0])
        raise ParameterError(f"features must be finite; item {bad} has NaN or inf: impute or drop it first.")
    top_k, valid = _check_top_k(top_k, features.shape[0])
    n_users, k = top_k.shape
    if metric == "cosine":
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        features = np.divide(features, norms, out=np.zeros_like(features), where=norms > 0)
    total = np.zeros(n_users)
    batch = max(1, _GATHER_BUDGET // (k * features.shape[1]))
    for start in range(0, n_users, batch):
        stop = min(start + batch, n_users)
        vectors = features[np.where(valid[start:stop], top_k[start:stop], 0)]  # (b, k, d); padding masked below
        mask = valid[start:stop]
        for i in range(k - 1):
            rest, ref = vectors[:, i + 1 :, :], vectors[:, i, None, :]
            if metric == "cosine":
                distance = np.clip(1.0 - (rest * ref).sum(axis=2), 0.0, 2.0)
            else:
                distance = np.linalg.norm(rest - ref, axis=2)
            pair = mask[:, i, None] & mask[:, i + 1 :]
            total[start:stop] += np.where(pair, distance, 0.0).sum(axis=1)
    return _mean_over_pairs(total, valid.sum(axis=1))


def mean_pairwise_jaccard_distance(top_k, item_sets) -> np.ndarray:
    """Intra-list diversity on set-valued metadata: the mean Jaccard distance over every pair of listed items.

    For a list ``L`` of ``n = |L|`` items with label sets ``S(i)`` (colours, media, tags),

    .. math::

        D_J(L) = \\frac{2}{n (n - 1)} \\sum_{i < j \\in L}
        \\left(1 - \\frac{|S(i) \\cap S(j)|}{|S(i) \\cup S(j)|}\\right)

    the "D@10 jaccard pairwise" column of Messina et al. (2019) [6] (intra-list diversity with a Jaccard
    distance, Ziegler et al. 2005 [7]). **Two empty sets** are taken as identical: their distance is 0. An
    empty set and a non-empty one are at distance 1. Single labels per item are treated as one-element sets
    (distance 0 for equal labels, 1 otherwise).

    Computed for all pairs at once: intersections are row-wise products of an items × labels sparse
    indicator matrix, gathered for every (list, position i < j) pair.

    Parameters
    ----------
    top_k : np.ndarray [shape=(n_users, k), dtype=int]
        Lists of item indices, each item at most once, padded with ``-1`` (ignored).
    item_sets : sequence [length n_items]
        One collection (set, list, tuple) of hashable labels per item, or one label per item, as in
        :func:`distinct_values`; ``None``/NaN is an empty set.

    Returns
    -------
    np.ndarray [shape=(n_users,), dtype=float64]
        In ``[0, 1]``; NaN for a list with fewer than 2 items (every value when ``k = 1``).

    Raises
    ------
    ParameterError
        As :func:`distinct_values`.

    Examples
    --------
    >>> sets = [{"oil", "canvas"}, {"oil"}, {"paper"}, set(), set()]
    >>> mean_pairwise_jaccard_distance(np.array([[0, 1, 2], [3, 4, -1]]), sets).round(4)  # (1/2 + 1 + 1)/3, 0
    array([0.8333, 0.    ])
    """
    indicator = _item_value_indicator(item_sets, name="item_sets")
    top_k, valid = _check_top_k(top_k, indicator.shape[0])
    n_users, k = top_k.shape
    first, second = np.triu_indices(k, 1)
    pair_valid = valid[:, first] & valid[:, second]  # (n_users, k(k-1)/2)
    users = np.broadcast_to(np.arange(n_users)[:, None], pair_valid.shape)[pair_valid]
    left, right = top_k[:, first][pair_valid], top_k[:, second][pair_valid]
    sizes = np.diff(indicator.indptr)
    intersection = np.asarray(indicator[left].multiply(indicator[right]).sum(axis=1)).ravel()
    union = sizes[left] + sizes[right] - intersection
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.where(union > 0, 1.0 - intersection / np.where(union > 0, union, 1), 0.0)
    total = np.bincount(users, weights=distance, minlength=n_users)
    return _mean_over_pairs(total, valid.sum(axis=1))
