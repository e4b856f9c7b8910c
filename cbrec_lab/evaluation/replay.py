"""The time-ordered replay of a one-of-a-kind inventory: how well a recommender predicts the next artwork a
customer buys (Messina et al. 2019, the UGallery study).

Every artwork is one of a kind: once sold it leaves the inventory, and it cannot be sold before its upload.
Each user's last transaction is the target, everything they bought before it is the profile, and the
candidates are the artworks available at that moment (:func:`replay_cases`, :func:`evaluate_replay`). The
cases split by time into a validation period, for tuning (e.g. hybrid weights), and a later test period
(:meth:`ReplayCases.split_by_time`).

References
----------
1. Messina, P., Dominguez, V., Parra, D., Trattner, C., & Soto, A. (2019). Content-based artwork
   recommendation: integrating painting metadata with neural and manually-engineered visual features.
   *User Modeling and User-Adapted Interaction*, 29(2), 251–290. https://doi.org/10.1007/s11257-018-9206-9
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..checks import fraction, positive_int
from ..exceptions import ParameterError
from ..metrics import evaluate_rankings
from ..ranking import top_k

__all__ = ["REPLAY_METRICS", "ReplayCases", "replay_cases", "top_k_lists", "evaluate_replay"]

#: Metrics reported by :func:`evaluate_replay` unless told otherwise (the columns of Messina et al. 2019).
REPLAY_METRICS = ("ndcg", "recall", "precision", "f1")


@dataclass(frozen=True)
class ReplayCases:
    """The evaluation cases of a time-ordered replay over a one-of-a-kind inventory (see :func:`replay_cases`).

    One case per user, ordered by time (then user id). Matrices have one row per case and one column per item,
    columns in the order of ``item_ids``.

    Attributes
    ----------
    users : np.ndarray [shape=(n_cases,)]
        The user of each case.
    times : np.ndarray [shape=(n_cases,), dtype=datetime64[ns]]
        The time of the case: the user's last transaction.
    profile : scipy.sparse.csr_matrix [shape=(n_cases, n_items), dtype=float64]
        1 for every item the user bought strictly before ``times``.
    targets : scipy.sparse.csr_matrix [shape=(n_cases, n_items), dtype=float64]
        1 for every item the user bought at ``times`` (the relevant items).
    available : np.ndarray [shape=(n_cases, n_items), dtype=bool]
        Items that could be sold at ``times``: uploaded at or before it and not sold strictly before it.
    item_ids : np.ndarray [shape=(n_items,)]
        The item ids of the columns.
    rows : np.ndarray [shape=(n_cases,), dtype=int64]
        Position of each case in the full replay (``arange`` for the full replay; a subset from
        :meth:`subset` or :meth:`split_by_time` keeps its rows there, so ``scores[cases.rows]`` slices a
        score matrix computed on the full replay).
    upload_times, sale_times : np.ndarray [shape=(n_items,), dtype=datetime64[ns]]
        When each item was uploaded and sold (``NaT``: never sold).
    """

    users: np.ndarray
    times: np.ndarray
    profile: sp.csr_matrix
    targets: sp.csr_matrix
    available: np.ndarray
    item_ids: np.ndarray
    rows: np.ndarray
    upload_times: np.ndarray
    sale_times: np.ndarray

    @property
    def n_cases(self) -> int:
        return int(self.users.size)

    @property
    def n_items(self) -> int:
        return int(self.item_ids.size)

    def subset(self, cases) -> ReplayCases:
        """The cases at the given positions (indices or a boolean mask over this object's cases)."""
        index = np.arange(self.n_cases)[np.asarray(cases)]
        return ReplayCases(
            users=self.users[index],
            times=self.times[index],
            profile=self.profile[index],
            targets=self.targets[index],
            available=self.available[index],
            item_ids=self.item_ids,
            rows=self.rows[index],
            upload_times=self.upload_times,
            sale_times=self.sale_times,
        )

    def split_by_time(self, *, validation_fraction: float = 0.3) -> tuple[ReplayCases, ReplayCases]:
        """Split into an earlier **validation** period and a later **test** period.

        The first ``round(validation_fraction · n_cases)`` cases in time order (ties by user id) are the
        validation cases, the others the test cases; every validation case is at or before every test case.
        Tune hyper-parameters (e.g. hybrid weights, :func:`cbrec_lab.evaluation.tune_hybrid_weights`) on the
        validation cases only and report the test cases.

        Raises
        ------
        ParameterError
            A fraction outside ``(0, 1)``, or one that leaves either period empty.
        """
        fraction(validation_fraction, name="validation_fraction")
        n_validation = int(round(validation_fraction * self.n_cases))
        if not 0 < n_validation < self.n_cases:
            raise ParameterError(
                f"validation_fraction={validation_fraction!r} of {self.n_cases} case(s) gives {n_validation} "
                "validation case(s): both periods need at least one case; choose another fraction or more cases."
            )
        order = np.arange(self.n_cases)  # cases are already in time order
        return self.subset(order[:n_validation]), self.subset(order[n_validation:])

    def sold_before(self) -> sp.csr_matrix:
        """Items sold (by anyone) strictly before each case's time: a CSR matrix of ones, ``(n_cases, n_items)``.

        The purchase history the market had seen when the case happened; the input of
        :func:`cbrec_lab.recommend.mpcav_scores`.
        """
        sold = np.flatnonzero(~np.isnat(self.sale_times))
        order = np.argsort(self.sale_times[sold], kind="stable")
        items, sale = sold[order], self.sale_times[sold][order]
        counts = np.searchsorted(sale, self.times, side="left")
        indptr = np.concatenate([[0], np.cumsum(counts)])
        positions = np.arange(indptr[-1]) - np.repeat(indptr[:-1], counts)
        matrix = sp.csr_matrix((np.ones(indptr[-1]), items[positions], indptr), shape=(self.n_cases, self.n_items))
        matrix.sort_indices()
        return matrix


def _datetimes(values, *, name: str) -> np.ndarray:
    try:
        times = pd.to_datetime(pd.Series(values)).to_numpy("datetime64[ns]")
    except (TypeError, ValueError) as error:
        head = pd.Series(values).head(3).tolist()
        raise ParameterError(f"{name} must hold dates/times, got {head!r}: {error}") from None
    if np.isnat(times).any():
        raise ParameterError(
            f"{name} has {int(np.isnat(times).sum())} missing time(s) (NaT); fill or drop those rows first."
        )
    return times


def replay_cases(interactions: pd.DataFrame, items: pd.DataFrame, *, min_profile: int = 1) -> ReplayCases:
    """The cases of a time-ordered replay with a one-of-a-kind inventory (Messina et al. 2019, section 5).

    Every artwork can be sold once; a sold one leaves the inventory and an artwork can only be recommended
    after its upload. For every user with at least ``min_profile`` purchases before their last transaction:

    - the **target** ``T_u`` is the user's last transaction: every item they bought at their last timestamp
      ``t_u``;
    - the **profile** ``P_u`` is every item they bought strictly before ``t_u``;
    - the **available** items at ``t_u`` are ``A(t_u) = {i : upload_i ≤ t_u} \\ {i : sale_i < t_u}``: items
      uploaded at or before ``t_u`` and not sold strictly before it. An item sold exactly at ``t_u`` (the target
      itself) is available; the user's own profile items were sold before ``t_u`` and are not.

    A recommender ranks ``A(t_u)`` for user ``u`` and is scored against ``T_u``
    (:func:`evaluate_replay`).

    Parameters
    ----------
    interactions : pandas.DataFrame
        Purchases with columns ``user_id``, ``item_id`` and ``timestamp``; any row order. Every item is sold at
        most once, never before its upload time.
    items : pandas.DataFrame
        Indexed by unique item ids, with a column ``upload_time``. Its row order is the column order of
        every matrix of the result.
    min_profile : int ≥ 0
        Users with fewer purchases before their last transaction get no case (with the default 1, users whose
        purchases all happened at one time are skipped). 0 keeps every user, with empty profiles for some.

    Returns
    -------
    ReplayCases
        Cases ordered by time, then user id.

    Raises
    ------
    ParameterError
        Missing columns, unknown or duplicate item ids, an item sold twice or before its upload, missing
        times, a negative or non-integer ``min_profile``.

    References
    ----------
    1. Messina, P., Dominguez, V., Parra, D., Trattner, C., & Soto, A. (2019). Content-based artwork
       recommendation: integrating painting metadata with neural and manually-engineered visual features.
       *User Modeling and User-Adapted Interaction*, 29(2), 251–290. https://doi.org/10.1007/s11257-018-9206-9
    """
    min_profile = positive_int(min_profile, name="min_profile", minimum=0)
    if not isinstance(interactions, pd.DataFrame) or not isinstance(items, pd.DataFrame):
        raise ParameterError(
            "replay_cases needs two pandas DataFrames (interactions, items), got "
            f"{type(interactions).__name__} and {type(items).__name__}."
        )
    missing = {"user_id", "item_id", "timestamp"} - set(interactions.columns)
    if missing:
        raise ParameterError(
            f"interactions lacks the column(s) {sorted(missing)}; it has {list(interactions.columns)}."
        )
    if "upload_time" not in items.columns:
        raise ParameterError(f"items lacks the column 'upload_time'; it has {list(items.columns)}.")
    if not items.index.is_unique:
        duplicated = items.index[items.index.duplicated()].unique()[:5].tolist()
        raise ParameterError(f"items must have unique ids (its index); duplicated: {duplicated}.")
    if len(interactions) == 0:
        raise ParameterError("interactions is empty: there is nothing to replay.")

    item_ids = items.index.to_numpy()
    n_items = item_ids.size
    upload = _datetimes(items["upload_time"], name="items['upload_time']")
    columns = items.index.get_indexer(interactions["item_id"])
    if (columns < 0).any():
        unknown = interactions["item_id"].to_numpy()[columns < 0][:5].tolist()
        raise ParameterError(f"interactions refers to item(s) missing from items: {unknown}.")
    times = _datetimes(interactions["timestamp"], name="interactions['timestamp']")
    counts = np.bincount(columns, minlength=n_items)
    if (counts > 1).any():
        twice = item_ids[counts > 1][:5].tolist()
        raise ParameterError(
            f"item(s) {twice} are sold more than once; the replay assumes a one-of-a-kind inventory "
            "(drop the repeated sales, or use a protocol for repeatable items)."
        )
    early = times < upload[columns]
    if early.any():
        bad = interactions["item_id"].to_numpy()[early][:5].tolist()
        raise ParameterError(f"item(s) {bad} are sold before their upload_time; fix the data or the upload times.")
    sale = np.full(n_items, np.datetime64("NaT"), dtype="datetime64[ns]")
    sale[columns] = times

    users_all = interactions["user_id"].to_numpy()
    user_codes, user_labels = pd.factorize(users_all)
    last = pd.Series(times).groupby(user_codes).transform("max").to_numpy()
    is_target = times == last
    n_before = np.bincount(user_codes, weights=~is_target, minlength=user_labels.size).astype(np.int64)
    last_time = pd.Series(times).groupby(user_codes).max().reindex(range(user_labels.size)).to_numpy()
    kept = np.flatnonzero(n_before >= min_profile)
    kept = kept[np.lexsort((np.asarray(user_labels)[kept].astype(str), last_time[kept]))]  # by time, then user id
    row_of_user = np.full(user_labels.size, -1)
    row_of_user[kept] = np.arange(kept.size)
    rows = row_of_user[user_codes]
    in_case = rows >= 0
    n_cases = kept.size

    def matrix(mask: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix(
            (np.ones(int(mask.sum())), (rows[mask], columns[mask])), shape=(n_cases, n_items), dtype=np.float64
        )

    case_times = last_time[kept]
    sale_or_never = np.where(np.isnat(sale), np.datetime64("2262-04-11", "ns"), sale)
    available = (upload[None, :] <= case_times[:, None]) & ~(sale_or_never[None, :] < case_times[:, None])
    return ReplayCases(
        users=np.asarray(user_labels)[kept],
        times=case_times,
        profile=matrix(in_case & ~is_target),
        targets=matrix(in_case & is_target),
        available=available,
        item_ids=item_ids,
        rows=np.arange(n_cases, dtype=np.int64),
        upload_times=upload,
        sale_times=sale,
    )


def _check_replay_scores(scores, cases: ReplayCases) -> np.ndarray:
    if not isinstance(cases, ReplayCases):
        raise ParameterError(f"cases must be the ReplayCases of replay_cases, got {type(cases).__name__}.")
    if sp.issparse(scores):
        raise ParameterError("scores must be a dense numpy array, got a scipy.sparse matrix: use scores.toarray().")
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape != (cases.n_cases, cases.n_items):
        raise ParameterError(
            f"scores must have one row per case and one column per item, shape {(cases.n_cases, cases.n_items)}, "
            f"got shape {scores.shape}; for a subset of cases slice a full score matrix with scores[cases.rows]."
        )
    if np.isnan(scores).any():
        raise ParameterError(
            f"scores contain {int(np.isnan(scores).sum())} NaN value(s): a NaN cannot be ranked; replace it first."
        )
    return scores


def top_k_lists(scores, cases: ReplayCases, k: int) -> np.ndarray:
    """Every case's top-``k`` available items, best first, as item (column) indices.

    Items are sorted by decreasing score, ties broken by the lower item index (:func:`cbrec_lab.ranking.top_k`);
    unavailable items (sold, or not uploaded yet) are never listed. A case with fewer than ``k`` available items
    is padded with ``-1``.

    Parameters
    ----------
    scores : np.ndarray [shape=(n_cases, n_items)]
        Higher is better; NaN is rejected.
    cases : ReplayCases
    k : int > 0

    Returns
    -------
    np.ndarray [shape=(n_cases, k), dtype=int64]
        E.g. ``[[1, 3, -1]]`` for ``k = 3`` and one case where only items 1 and 3 are available and both
        score 0.2 (the tie goes to the lower index).
    """
    scores = _check_replay_scores(scores, cases)
    return top_k(scores, k, exclude=~cases.available)


def evaluate_replay(scores, cases: ReplayCases, *, k=(10, 20), metrics=REPLAY_METRICS) -> pd.DataFrame:
    """Per-case (one case per user) ranking metrics of a score matrix on the replay cases.

    Each case ranks its **available** items only (:func:`replay_cases`): unavailable items — sold before the
    case, or not yet uploaded — are excluded from the lists whatever their scores, so no scorer can recommend
    them. The relevant items are the case's targets. Computed by :func:`cbrec_lab.metrics.evaluate_rankings`
    (ties broken by the lower item index).

    Parameters
    ----------
    scores : np.ndarray [shape=(n_cases, n_items)]
        Higher is better; NaN is rejected. For a subset of the cases, ``full_scores[cases.rows]``.
    cases : ReplayCases
    k : int or sequence of int
        Cut-offs.
    metrics : sequence of str
        From :data:`cbrec_lab.metrics.METRICS`; by default nDCG, recall, precision and F1 (the paper's table).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``user_id`` (one row per case, in case order), columns ``"{metric}@{k}"`` and
        ``n_relevant``; average with :func:`cbrec_lab.metrics.summarise`.
    """
    scores = _check_replay_scores(scores, cases)
    frame = evaluate_rankings(scores, cases.targets, k=k, exclude=~cases.available, metrics=metrics)
    frame.index = pd.Index(cases.users, name="user_id")
    return frame
