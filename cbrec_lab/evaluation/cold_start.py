"""Cold-start evaluation, the split of VBPR (He & McAuley 2016, §5.3): one held-out item per user, in the "all
items" and the "cold start" settings, and the paper's per-user AUC.

:func:`split_all_items_and_cold_start` turns implicit feedback (a users × items matrix or a ``user_id`` /
``item_id`` table) into:

- **cold items**: a random ``cold_fraction`` of the catalogue. The paper's cold-start items are those with fewer
  than five training interactions; here each cold item keeps ``k`` of its ``n`` positive pairs in training, ``k``
  drawn uniformly from ``cold_training = (1, 4)`` and capped at ``n − 1`` (so that at least one pair is left to
  test; ``k = 0`` for an item with at most one positive), and the rest of its feedback leaves training.
  ``cold_training=None`` is the harder variant in which cold items have no training feedback at all;
- **all items** test: for every user with at least two positives on warm items, one of them drawn at random is
  held out; the user's other warm positives, and the cold pairs kept in training, are the training data;
- **cold start** test: for every user with a positive on a cold item that was not kept in training, one of
  those drawn at random is the test item — an item with fewer than five training interactions (none with
  ``cold_training=None``).

Cold items are drawn at random rather than taken from the held-out items that happen to have few training
interactions: on a small catalogue (a few hundred items liked by a few hundred users) only a handful of test
items have fewer than five training positives, too few to measure anything, while a random tenth of the
catalogue gives a cold test case to most users. The cold-start setting holds only the drawn cold items; a warm
item with few positives of its own is tested in the "all items" setting.

There is no validation item (the paper keeps one; add it with a second split of ``train`` if needed).

The paper's AUC, per user ``u`` with test item ``i``::

    AUC(u) = 1/|E(u)| · Σ_{(i, j) ∈ E(u)} δ(x̂_ui > x̂_uj),   E(u) = {(i, j) : j not a positive of u}
    AUC = 1/|U| · Σ_{u ∈ U} AUC(u)

where ``j`` runs over every catalogue item (warm and cold) that is not a positive of ``u`` (training, test or
any other held-out positive), ties count one half, and ``U`` are the users with a test item in the setting.
:func:`mean_auc` computes it with :func:`cbrec_lab.metrics.evaluate_rankings` (``metrics=("auc",)``), the
same code as ``benchmarks/vbpr_vs_cornac.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..checks import fraction, interactions_to_csr, positive_int
from ..exceptions import ParameterError
from ..metrics import evaluate_rankings

__all__ = ["FeedbackSplit", "SETTINGS", "split_all_items_and_cold_start", "mean_auc", "auc_per_user"]

#: The two evaluation settings of the paper.
SETTINGS = ("all", "cold")


@dataclass(frozen=True)
class FeedbackSplit:
    """One held-out item per user for the "all items" and the "cold start" settings.

    Attributes
    ----------
    train : scipy.sparse.csr_matrix [shape=(n_users, n_items), dtype=float32]
        Training positives (1.0): the warm items' positives without the all-items test items, and the few
        positive pairs each cold item keeps (``cold_training``).
    positives : scipy.sparse.csr_matrix [shape=(n_users, n_items), dtype=float32]
        Every positive pair (training, test and the other held-out cold positives).
    test_all, test_cold : np.ndarray [shape=(n_users,), dtype=int64]
        The test item of each user in each setting, ``-1`` for users without one.
    cold_items : np.ndarray [dtype=int64]
        Sorted indices of the cold items (``cold_training`` training interactions each, at most ``n − 1``).
    user_ids, item_ids : np.ndarray
        The ids of the rows and columns (the table's ids, or ``0..n-1`` for a matrix input).
    cold_fraction : float
    cold_training : tuple of (int, int) or None
        The range of training interactions each cold item keeps (``None``: none).
    seed : int
    """

    train: sp.csr_matrix
    positives: sp.csr_matrix
    test_all: np.ndarray
    test_cold: np.ndarray
    cold_items: np.ndarray
    user_ids: np.ndarray
    item_ids: np.ndarray
    cold_fraction: float
    cold_training: tuple[int, int] | None
    seed: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.train.shape

    @property
    def is_cold(self) -> np.ndarray:
        """Boolean mask of the cold items, shape ``(n_items,)``."""
        mask = np.zeros(self.shape[1], dtype=bool)
        mask[self.cold_items] = True
        return mask

    def test(self, setting: str) -> np.ndarray:
        """``test_all`` or ``test_cold`` (``setting`` "all" or "cold")."""
        return self.test_all if _setting(setting) == "all" else self.test_cold

    def test_users(self, setting: str) -> np.ndarray:
        """Indices of the users with a test item in ``setting``."""
        return np.flatnonzero(self.test(setting) >= 0)

    def relevant(self, setting: str) -> sp.csr_matrix:
        """The test items as a users × items matrix (one entry per test user)."""
        test = self.test(setting)
        users = np.flatnonzero(test >= 0)
        return sp.csr_matrix((np.ones(users.size, dtype=np.float32), (users, test[users])), shape=self.shape)

    def exclude(self, setting: str) -> sp.csr_matrix:
        """Every positive of each user except its test item: the items left out of the AUC's comparisons."""
        relevant = self.relevant(setting)
        exclude = (self.positives - self.positives.multiply(relevant)).tocsr()
        exclude.eliminate_zeros()
        return exclude

    def __repr__(self) -> str:
        if self.cold_training is None:
            kept = "no training feedback"
        else:
            low, high = self.cold_training
            kept = f"{low}–{high} training interactions each" if low != high else f"{low} training interactions each"
        return (
            f"FeedbackSplit({self.shape[0]:,} users × {self.shape[1]:,} items, {self.positives.nnz:,} positives, "
            f"{self.train.nnz:,} for training; {self.cold_items.size:,} cold items ({kept}); "
            f"{(self.test_all >= 0).sum():,} all-items and {(self.test_cold >= 0).sum():,} cold-start test "
            f"users; seed {self.seed})"
        )


def _setting(setting) -> str:
    if setting not in SETTINGS:
        raise ParameterError(f"setting must be one of {SETTINGS}, got {setting!r}.")
    return setting


def _positive_matrix(interactions, user_ids, item_ids):
    """(binary csr, user ids, item ids) from a sparse/dense matrix or a user_id/item_id table."""
    if isinstance(interactions, pd.DataFrame):
        missing = [c for c in ("user_id", "item_id") if c not in interactions.columns]
        if missing:
            raise ParameterError(f"interactions lacks the columns {missing}: a table needs user_id and item_id.")
        if interactions[["user_id", "item_id"]].isna().any().any():
            raise ParameterError("interactions has missing user_id or item_id values.")
        users = pd.Index(pd.unique(interactions["user_id"]) if user_ids is None else user_ids)
        items = pd.Index(pd.unique(interactions["item_id"]) if item_ids is None else item_ids)
        for name, index in (("user_ids", users), ("item_ids", items)):
            if not index.is_unique:
                raise ParameterError(f"{name} must not repeat an id.")
        rows, cols = users.get_indexer(interactions["user_id"]), items.get_indexer(interactions["item_id"])
        if (rows < 0).any() or (cols < 0).any():
            unknown = interactions.loc[(rows < 0) | (cols < 0), ["user_id", "item_id"]].iloc[0].tolist()
            raise ParameterError(f"interactions has a (user_id, item_id) outside user_ids / item_ids: {unknown}.")
        matrix = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(len(users), len(items)))
        matrix.sum_duplicates()  # a table's repeated (user, item) pairs count once
        matrix.data[:] = 1.0
        user_array, item_array = users.to_numpy(), items.to_numpy()
    else:
        if user_ids is not None or item_ids is not None:
            raise ParameterError("user_ids and item_ids are only for a user_id / item_id table, not for a matrix.")
        matrix = interactions_to_csr(interactions, dtype=np.float32, binary=True)  # canonical, 0/1
        user_array, item_array = np.arange(matrix.shape[0]), np.arange(matrix.shape[1])
    if matrix.nnz == 0:
        raise ParameterError(f"interactions (shape {matrix.shape}) has no positive entry.")
    return matrix, user_array, item_array


def _cold_training(value) -> tuple[int, int] | None:
    """``cold_training`` as ``(low, high)`` with ``0 ≤ low ≤ high``, or ``None``."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ParameterError(
            f"cold_training must be a pair (low, high) of training interactions per cold item, e.g. (1, 4), "
            f"or None, got {value!r}."
        )
    low = positive_int(value[0], name="cold_training[0]", minimum=0)
    high = positive_int(value[1], name="cold_training[1]", minimum=0)
    if low > high:
        raise ParameterError(f"cold_training must have low ≤ high, got {value!r}.")
    return low, high


def _kept_cold_pairs(positives: sp.csr_matrix, cold: np.ndarray, cold_training, rng) -> sp.csr_matrix:
    """The (user, cold item) positive pairs that stay in training: ``min(k, n − 1)`` per cold item."""
    n_users, n_items = positives.shape
    columns = positives.tocsc()
    rows, cols = [], []
    low, high = cold_training
    for item in np.flatnonzero(cold):
        users = columns.indices[columns.indptr[item] : columns.indptr[item + 1]]
        k = min(int(rng.integers(low, high + 1)), users.size - 1) if users.size > 1 else 0
        rows.append(np.sort(rng.choice(users, size=k, replace=False)) if k else np.zeros(0, dtype=np.int64))
        cols.append(np.full(k, item, dtype=np.int64))
    rows = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    return sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n_users, n_items))


def split_all_items_and_cold_start(
    interactions,
    *,
    cold_fraction: float = 0.1,
    cold_training: tuple[int, int] | None = (1, 4),
    seed: int = 0,
    user_ids=None,
    item_ids=None,
) -> FeedbackSplit:
    """Split implicit feedback as He & McAuley (2016) §5.3: cold items, one test item per user per setting.

    Parameters
    ----------
    interactions : scipy.sparse matrix, array_like [shape=(n_users, n_items)], or pandas.DataFrame
        Non-zero entries are the positives; or a table with ``user_id`` and ``item_id`` (duplicate pairs
        count once).
    cold_fraction : float in [0, 1)
        Share of the catalogue's items (``round(cold_fraction · n_items)``) made cold, drawn at random. Items of
        the catalogue without any feedback can be drawn too (as in the benchmark); they give no test case.
    cold_training : (int, int) with 0 ≤ low ≤ high, or None
        How many of its positive pairs a cold item keeps in training: ``k`` drawn uniformly from
        ``low..high`` per cold item, at most ``n − 1`` of its ``n`` positives (the pairs drawn at random). The
        default ``(1, 4)`` is the paper's cold start (fewer than five training interactions); ``None`` removes
        all their feedback from training (zero-feedback cold start, a harder variant).
    seed : int ≥ 0
        Seeds the cold items, the kept cold pairs and the test items: the same input and seed give the same
        split, and the same cold items whatever ``cold_training``.
    user_ids, item_ids : sequence, optional
        Table input only: the order of the rows and columns, e.g. ``item_ids=kit.items.index`` so that the
        columns match the rows of the item features (catalogue items without feedback included). Default: the
        order of first appearance in the table.

    Returns
    -------
    FeedbackSplit

    Raises
    ------
    ParameterError
        A bad ``cold_fraction``, ``cold_training`` or ``seed``, an input that is neither a matrix nor a
        user_id / item_id table, no positive entry, ids outside ``user_ids``/``item_ids``.

    Examples
    --------
    >>> x = np.ones((3, 10))
    >>> split = split_all_items_and_cold_start(x, cold_fraction=0.2, cold_training=None, seed=0)
    >>> split.cold_items.size, split.train[:, split.cold_items].nnz, len(split.test_users("all"))
    (2, 0, 3)
    >>> split = split_all_items_and_cold_start(x, cold_fraction=0.2, cold_training=(2, 2), seed=0)
    >>> split.train[:, split.cold_items].sum(axis=0).tolist()  # 2 training pairs each, 1 left to test
    [[2.0, 2.0]]
    """
    cold_fraction = fraction(cold_fraction, name="cold_fraction", include_zero=True)
    cold_training = _cold_training(cold_training)
    seed = positive_int(seed, name="seed", minimum=0)
    positives, users, items = _positive_matrix(interactions, user_ids, item_ids)
    n_users, n_items = positives.shape
    rng = np.random.default_rng(seed)
    cold = np.zeros(n_items, dtype=bool)
    cold[rng.choice(n_items, size=int(round(cold_fraction * n_items)), replace=False)] = True
    kept = sp.csr_matrix((n_users, n_items), dtype=np.float32)
    if cold_training is not None:
        kept = _kept_cold_pairs(positives, cold, cold_training, rng)

    test_all = np.full(n_users, -1, dtype=np.int64)
    test_cold = np.full(n_users, -1, dtype=np.int64)
    train_rows, train_cols = [], []
    for u in range(n_users):
        row = positives.indices[positives.indptr[u] : positives.indptr[u + 1]]
        kept_row = kept.indices[kept.indptr[u] : kept.indptr[u + 1]]
        warm, cold_row = row[~cold[row]], row[cold[row]]
        cold_row = cold_row[~np.isin(cold_row, kept_row)]
        if cold_row.size:
            test_cold[u] = rng.choice(cold_row)
        if warm.size >= 2:
            test_all[u] = rng.choice(warm)
            warm = warm[warm != test_all[u]]
        train_rows.append(np.full(warm.size + kept_row.size, u, dtype=np.int64))
        train_cols.append(np.concatenate([warm, kept_row]).astype(np.int64))
    rows, cols = np.concatenate(train_rows), np.concatenate(train_cols)
    train = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n_users, n_items))
    return FeedbackSplit(
        train=train,
        positives=positives.astype(np.float32),
        test_all=test_all,
        test_cold=test_cold,
        cold_items=np.flatnonzero(cold).astype(np.int64),
        user_ids=np.asarray(users),
        item_ids=np.asarray(items),
        cold_fraction=cold_fraction,
        cold_training=cold_training,
        seed=seed,
    )


def auc_per_user(scores, split: FeedbackSplit, setting: str, *, batch_users: int = 1024) -> pd.Series:
    """``AUC(u)`` of every user with a test item in ``setting`` (see the module docstring), indexed by user row.

    Parameters
    ----------
    scores : np.ndarray [shape=(n_users, n_items)] or callable
        ``x̂_ui`` for every user and item of the split, higher is better; or a function
        ``scores(users) -> np.ndarray [shape=(len(users), n_items)]`` of user row indices (e.g. a fitted model's
        ``score``), called on batches of ``batch_users`` test users, so that memory stays proportional to the
        batch on catalogues too big for a full users × items matrix.
    split : FeedbackSplit
    setting : "all" or "cold"
    batch_users : int > 0
        Users scored and ranked at a time.
    """
    if not isinstance(split, FeedbackSplit):
        raise ParameterError(f"split must be a FeedbackSplit, got {type(split).__name__}.")
    setting = _setting(setting)
    batch_users = positive_int(batch_users, name="batch_users")
    if not callable(scores):
        scores = np.asarray(scores)
        if scores.shape != split.shape:
            raise ParameterError(f"scores must have the split's shape {split.shape}, got {scores.shape}.")
    users = split.test_users(setting)
    if users.size == 0:
        return pd.Series([], dtype=float, name="auc", index=pd.Index([], dtype=np.int64, name="user"))
    relevant, exclude = split.relevant(setting), split.exclude(setting)
    values = []
    for start in range(0, users.size, batch_users):
        batch = users[start : start + batch_users]
        block = np.asarray(scores(batch)) if callable(scores) else scores[batch]
        if block.shape != (batch.size, split.shape[1]):
            raise ParameterError(
                f"scores(users) must return shape (len(users), n_items) = ({batch.size}, "
                f"{split.shape[1]}), got {block.shape}."
            )
        frame = evaluate_rankings(
            block, relevant[batch], k=1, exclude=exclude[batch], metrics=("auc",), batch_users=batch_users
        )
        values.append(frame["auc"].to_numpy())
    return pd.Series(np.concatenate(values), index=pd.Index(users, name="user"), name="auc")


def mean_auc(scores, split: FeedbackSplit, setting: str, *, batch_users: int = 1024) -> float:
    """The paper's AUC: the mean of :func:`auc_per_user` over the test users of ``setting`` (NaN if none).

    Parameters
    ----------
    scores : np.ndarray [shape=(n_users, n_items)] or callable ``scores(users)``
        As for :func:`auc_per_user`.
    split : FeedbackSplit
    setting : "all" or "cold"
    batch_users : int > 0

    Examples
    --------
    >>> x = np.eye(4, dtype=int) + np.eye(4, k=1, dtype=int)
    >>> split = split_all_items_and_cold_start(x, cold_fraction=0.0, seed=0)
    >>> mean_auc(np.zeros(x.shape), split, "all")  # every comparison a tie
    0.5
    """
    values = auc_per_user(scores, split, setting, batch_users=batch_users)
    return float(values.mean()) if values.size else float("nan")
