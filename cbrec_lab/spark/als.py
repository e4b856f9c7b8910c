"""WMF with Spark's ALS, the parameter map to lesson 02, and top-k lists from its factors.

``pyspark.ml.recommendation.ALS(implicitPrefs=True)`` is the weighted matrix factorisation of Hu, Koren &
Volinsky (2008) that lesson 02 fits with ``implicit`` (:class:`cbrec_lab.cf.WMF`). The two objectives, with
preferences ``p_ui = 1(r_ui > 0)``, user factors ``x_u``, item factors ``y_i``, ``n_u`` the number of items
user ``u`` played and ``m_i`` the number of users who played item ``i``:

    lesson 02 (``implicit``):  Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)
    Spark ``ALS``:             Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ_S (Σ_u n_u ‖x_u‖² + Σ_i m_i ‖y_i‖²)

Spark's confidence is ``c_ui = 1 + α · |s_ui|`` of the rating ``s_ui`` it is given (Hu et al.'s linear form).
:func:`spark_als` gives it ``s_ui = r_ui`` for ``confidence="linear"`` and ``s_ui = log(1 + r_ui / ε)`` for
``confidence="log"``, so both confidence forms of :func:`cbrec_lab.confidence` are reproduced *exactly*
(``implicit`` itself, given raw ``α · r_ui``, would use ``c_ui = α · r_ui``; lesson 02 passes it ``c_ui``).
Only the regularisation differs: Spark multiplies ``regParam`` by each user's and item's number of
interactions, the "weighted-λ-regularisation" of ALS-WR (Zhou et al. 2008), where lesson 02 uses one fixed
``λ``. No ``λ_S`` makes the two identical; ``λ_S ≈ λ / mean(n_u)`` makes them alike for a typical user
(:func:`spark_regularization`).

Two consequences a student meets: Spark's ``recommendForUserSubset`` ranks *every* item, the user's training
items included, so rankings are made here from ``U Vᵀ`` with the seen items excluded (:func:`recommend_top_k`);
and two fits — two libraries or two seeds of one — give top-10 lists that overlap only partly, so agreement is
judged on held-out ranking metrics, not on lists.

References
----------
1. Hu, Y., Koren, Y., & Volinsky, C. (2008). Collaborative filtering for implicit feedback datasets. *ICDM*,
   263–272. https://doi.org/10.1109/ICDM.2008.22
2. Zhou, Y., Wilkinson, D., Schreiber, R., & Pan, R. (2008). Large-scale parallel collaborative filtering for
   the Netflix Prize. *AAIM 2008*, LNCS 5034, 337–348. https://doi.org/10.1007/978-3-540-68880-8_32
3. Meng, X., et al. (2016). MLlib: Machine learning in Apache Spark. *JMLR*, 17(34), 1–7.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..checks import positive_int
from ..exceptions import ParameterError
from ..ranking import top_k
from ..recommender import Recommender
from .session import is_spark_frame, pandas_warning_ignored, session_or_local

__all__ = ["SparkFactors", "spark_als", "spark_regularization", "recommend_top_k"]


@dataclass(frozen=True, eq=False)
class SparkFactors(Recommender):
    """User and item factors from :func:`spark_als`, a :class:`cbrec_lab.recommender.Recommender`.

    ``score(users, items)`` and ``recommend(users, k, exclude_seen=True)`` work as for every recommender of the
    course; ``spark_als`` plays the part of ``fit``. Rows are aligned with the integer ids of the input.

    Attributes
    ----------
    user_factors_ : np.ndarray [shape=(n_users, n_factors), dtype=float32]
        Row ``u`` is user ``u``; users without any play get zeros (they score 0 for every item).
    item_factors_ : np.ndarray [shape=(n_items, n_factors), dtype=float32]
        Row ``i`` is item ``i``; items nobody played get zeros.
    model : pyspark.ml.recommendation.ALSModel
        The fitted Spark model (``recommendForUserSubset``, ``transform``); it lives in the session's JVM.
    seconds : float
        Wall time of ``ALS.fit`` (building the input DataFrame and collecting the factors not included).
    seen_ : scipy.sparse.csr_matrix [shape=(n_users, n_items), dtype=bool] or None
        The user–item pairs with plays, for ``recommend(exclude_seen=True)``; None for a fit from a Spark
        DataFrame, whose plays stay in Spark (then ``recommend`` needs ``exclude_seen=False``, or rank with
        :func:`recommend_top_k` and an ``exclude`` matrix).
    """

    user_factors_: np.ndarray
    item_factors_: np.ndarray
    model: object = field(default=None, repr=False)
    seconds: float = float("nan")
    seen_: sp.csr_matrix | None = field(default=None, repr=False)

    def fit(self, interactions, *args, **kwargs):
        """Not used: :func:`spark_als` fits and returns a ``SparkFactors``."""
        raise ParameterError("SparkFactors are fitted by cbrec_lab.spark.spark_als(plays, ...), not by fit().")

    @property
    def n_users(self) -> int:
        """Rows of the play matrix (of ``user_factors_``)."""
        return self.user_factors_.shape[0]

    @property
    def n_items(self) -> int:
        """Columns of the play matrix (of ``item_factors_``)."""
        return self.item_factors_.shape[0]

    def _score(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Predicted preferences ``x_uᵀ y_i``."""
        return self.user_factors_[users] @ self.item_factors_[items].T

    def recommend(self, users=None, k: int = 10, *, exclude_seen: bool = True) -> np.ndarray:
        """Top-``k`` items per user, as :meth:`cbrec_lab.recommender.Recommender.recommend`."""
        if exclude_seen and self.seen_ is None:
            raise ParameterError(
                "These factors were fitted from a Spark DataFrame, whose plays stay in Spark, so the items each "
                "user played are not known here: call recommend(..., exclude_seen=False), or rank with "
                "recommend_top_k(user_factors_, item_factors_, exclude=<users × items matrix of plays>)."
            )
        return super().recommend(users, k, exclude_seen=exclude_seen)


def _triplets(plays, shape) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    """``(users, items, counts, shape)`` of the non-zero plays, duplicates summed."""
    if sp.issparse(plays):
        if plays.ndim != 2:
            raise ParameterError(f"plays must be a users × items matrix, got shape {plays.shape}.")
        matrix = sp.csr_matrix(plays, dtype=np.float64, copy=True)
        if shape is not None and tuple(shape) != matrix.shape:
            raise ParameterError(f"shape={shape!r} differs from the shape of plays {matrix.shape}.")
        shape = matrix.shape
    elif type(plays).__name__ == "DataFrame" and type(plays).__module__.startswith("pandas"):
        # (pandas is not imported at module level: Spark's Python workers import this module, lean)
        missing = {"user", "item", "count"} - set(plays.columns)
        if missing:
            raise ParameterError(
                f"plays as a DataFrame needs the columns 'user', 'item' and 'count'; missing {sorted(missing)} "
                f"(got {list(plays.columns)})."
            )
        columns = {}
        for name in ("user", "item"):
            values = plays[name].to_numpy()
            if not np.issubdtype(values.dtype, np.integer):
                raise ParameterError(
                    f"plays[{name!r}] must hold integer ids (rows/columns of the play matrix), got dtype "
                    f"{values.dtype}; map string ids to integers first, e.g. with pandas.factorize."
                )
            if values.size and values.min() < 0:
                raise ParameterError(f"plays[{name!r}] must hold non-negative ids, got {int(values.min())}.")
            columns[name] = values.astype(np.int64)
        counts = plays["count"].to_numpy()
        if not np.issubdtype(counts.dtype, np.number) or np.iscomplexobj(counts):
            raise ParameterError(f"plays['count'] must be numeric, got dtype {counts.dtype}.")
        needed = tuple(int(columns[n].max()) + 1 if columns[n].size else 0 for n in ("user", "item"))
        if shape is None:
            shape = needed
        else:
            shape = tuple(int(s) for s in shape)
            if len(shape) != 2 or shape[0] < needed[0] or shape[1] < needed[1]:
                raise ParameterError(f"shape={shape!r} is too small for ids up to {needed[0] - 1}, {needed[1] - 1}.")
        matrix = sp.csr_matrix((counts.astype(np.float64), (columns["user"], columns["item"])), shape=shape)
    else:
        raise ParameterError(
            "plays must be a scipy.sparse users × items matrix or a pandas DataFrame with integer columns "
            f"'user', 'item' and a 'count' column, got {type(plays).__name__}."
        )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    if matrix.nnz == 0:
        raise ParameterError(f"plays has no non-zero play count (shape {matrix.shape}).")
    if not np.isfinite(matrix.data).all() or matrix.data.min() < 0:
        raise ParameterError("Play counts must be finite and non-negative.")
    if max(matrix.shape) > np.iinfo(np.int32).max:
        raise ParameterError(f"Spark's ALS needs ids below 2**31, got a matrix of shape {matrix.shape}.")
    coo = matrix.tocoo()
    return coo.row.astype(np.int32), coo.col.astype(np.int32), coo.data, matrix.shape


def _ratings_frame(session, users, items, ratings, *, partitions: int):
    """A Spark DataFrame (user int, item int, rating float) built in the Python workers from numpy chunks.

    Shipping a few numpy arrays and expanding them into rows in the workers avoids pickling one Python tuple
    per play on the driver (and needs no pyarrow).
    """
    from pyspark.sql.types import FloatType, IntegerType, StructField, StructType

    schema = StructType(
        [
            StructField("user", IntegerType(), False),
            StructField("item", IntegerType(), False),
            StructField("rating", FloatType(), False),
        ]
    )
    chunks = [
        (users[part], items[part], ratings[part].astype(np.float32))
        for part in np.array_split(np.arange(users.size), partitions)
    ]

    def rows(chunk):  # nested, so that it is shipped by value: the workers need numpy only
        return zip(chunk[0].tolist(), chunk[1].tolist(), chunk[2].tolist(), strict=True)

    rdd = session.sparkContext.parallelize(chunks, len(chunks)).flatMap(rows)
    return session.createDataFrame(rdd, schema)


def _spark_ratings(plays, *, confidence: str, epsilon: float, shape):
    """``(frame, shape)``: a Spark DataFrame of (user, item, count) as ALS ratings, checked and summed in Spark."""
    from pyspark.sql import functions as F

    missing = {"user", "item", "count"} - set(plays.columns)
    if missing:
        raise ParameterError(
            f"plays as a Spark DataFrame needs the columns 'user', 'item' and 'count'; missing {sorted(missing)} "
            f"(got {plays.columns}); index string ids with index_triplets first."
        )
    summed = plays.groupBy("user", "item").agg(F.sum("count").alias("count")).where(F.col("count") != 0)
    stats = summed.agg(F.count("*"), F.min("user"), F.min("item"), F.max("user"), F.max("item"), F.min("count")).first()
    n, min_user, min_item, max_user, max_item, min_count = stats
    if not n:
        raise ParameterError("plays has no non-zero play count.")
    if min_user < 0 or min_item < 0 or min_count < 0:
        raise ParameterError("plays must hold non-negative integer ids and non-negative counts.")
    needed = (int(max_user) + 1, int(max_item) + 1)
    if shape is None:
        shape = needed
    elif len(shape) != 2 or shape[0] < needed[0] or shape[1] < needed[1]:
        raise ParameterError(f"shape={shape!r} is too small for ids up to {needed[0] - 1}, {needed[1] - 1}.")
    rating = F.col("count") if confidence == "linear" else F.log1p(F.col("count") / F.lit(epsilon))
    frame = summed.select(F.col("user").cast("int"), F.col("item").cast("int"), rating.cast("float").alias("rating"))
    return frame, tuple(int(v) for v in shape)


def _collect_factors(frame, n_rows: int, factors: int) -> np.ndarray:
    out = np.zeros((n_rows, factors), dtype=np.float32)
    rows = frame.select("id", "features").collect()
    if rows:
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        out[ids] = np.asarray([row[1] for row in rows], dtype=np.float32)
    return out


def spark_als(
    plays,
    *,
    n_factors: int = 50,
    alpha: float = 40.0,
    regularization: float = 0.01,
    iterations: int = 15,
    seed: int = 0,
    confidence: str = "linear",
    epsilon: float = 1.0,
    shape: tuple[int, int] | None = None,
    blocks: int | None = None,
    session=None,
) -> SparkFactors:
    """WMF of a play-count matrix with Spark's ALS (``pyspark.ml.recommendation.ALS``, ``implicitPrefs=True``).

    Spark minimises (Hu, Koren & Volinsky 2008, with the ALS-WR regularisation of Zhou et al. 2008)

    .. math::

        \\sum_{u,i} c_{ui} (p_{ui} - x_u^T y_i)^2
        + \\lambda_S \\Big( \\sum_u n_u \\lVert x_u \\rVert^2 + \\sum_i m_i \\lVert y_i \\rVert^2 \\Big),
        \\qquad c_{ui} = 1 + \\alpha \\, s_{ui}, \\quad p_{ui} = 1(s_{ui} > 0)

    over all user–item pairs (``s_ui = 0``, hence ``c_ui = 1`` and ``p_ui = 0``, where nothing was played),
    where ``n_u`` is the number of items user ``u`` played and ``m_i`` the number of users who played ``i``.
    Lesson 02 (:class:`cbrec_lab.cf.WMF`, through ``implicit``) minimises the same sum with a fixed penalty
    ``λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)``.

    Parameter map (Spark ← this function ← lesson 02):

    ============================  ==============================  =======================================
    Spark ``ALS``                 here                            :class:`cbrec_lab.cf.WMF`
    ============================  ==============================  =======================================
    ``rank``                      ``n_factors``                   ``n_factors``
    ``alpha``                     ``alpha``                       ``alpha``
    rating ``s_ui``               ``r_ui`` (``"linear"``) or      ``confidence="linear"``: c = 1 + α r;
                                  ``log(1 + r_ui/ε)`` (``"log"``)  ``"log"``: c = 1 + α log(1 + r/ε)
    ``regParam`` = ``λ_S``        ``regularization``              ``regularization`` = ``λ`` (not scaled;
                                                                  ``λ ≈ λ_S · mean n_u`` for alike fits)
    ``maxIter``                   ``iterations``                  ``iterations`` (one sweep = users, items)
    ``seed``                      ``seed``                        ``seed`` (different generators: the same
                                                                  number gives different factors)
    ============================  ==============================  =======================================

    Spark solves each least-squares problem exactly (Cholesky); ``implicit`` uses three conjugate-gradient
    steps per problem (Takács et al. 2011). Spark's ``recommendForUserSubset`` does not exclude the items a
    user has played; rank with :func:`recommend_top_k` instead.

    Parameters
    ----------
    plays : scipy.sparse matrix [shape=(n_users, n_items)], pandas.DataFrame or pyspark.sql.DataFrame
        Play counts ``r_ui ≥ 0`` (zeros are unobserved), or a DataFrame with integer columns ``user`` and
        ``item`` (rows and columns of the play matrix) and a ``count`` column; duplicate pairs are summed.
        A Spark DataFrame (e.g. from :func:`cbrec_lab.spark.index_triplets`) stays in Spark — the way to fit the 48 M
        Taste Profile triplets on a cluster — and its own session is used; only the factors are collected.
    n_factors : int > 0
        Latent dimension (Spark's ``rank``).
    alpha : float > 0
        Confidence scale ``α``.
    regularization : float ≥ 0
        Spark's ``regParam`` ``λ_S``, multiplied by each user's and item's number of plays.
    iterations : int > 0
        ALS sweeps (Spark's ``maxIter``).
    seed : int ≥ 0
        Spark's initialisation seed.
    confidence : {"linear", "log"}
        Confidence form, as in :func:`cbrec_lab.cf.confidence`.
    epsilon : float > 0
        ``ε`` of the logarithmic form.
    shape : (int, int), optional
        ``(n_users, n_items)`` for a DataFrame whose largest ids are not the last user/item.
    blocks : int > 0, optional
        Spark's ``numUserBlocks`` and ``numItemBlocks``; default the session's parallelism.
    session : pyspark.sql.SparkSession, optional
        Default :func:`cbrec_lab.spark.local_session`.

    Returns
    -------
    SparkFactors
        A recommender (``score``, ``recommend``) with ``user_factors_`` and ``item_factors_``, float32 arrays
        whose row ``u`` / ``i`` belongs to user ``u`` / item ``i`` of ``plays`` (users and items without plays get
        zero rows), the pairs played in ``seen_``, the fitted ``model`` and the fit's wall time in ``seconds``.

    Raises
    ------
    ParameterError
        Bad parameters or plays (negative or non-finite counts, no plays, non-integer ids).
    SparkUnavailableError
        No session given and Spark cannot start.
    """
    n_factors = positive_int(n_factors, name="n_factors")
    iterations = positive_int(iterations, name="iterations")
    seed = positive_int(seed, name="seed", minimum=0)
    for name, value, strict in (
        ("alpha", alpha, True),
        ("regularization", regularization, False),
        ("epsilon", epsilon, True),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not np.isfinite(value)
            or (value <= 0 if strict else value < 0)
        ):
            kind = "positive" if strict else "non-negative"
            raise ParameterError(f"{name} must be a {kind} finite number, got {value!r}.")
    if confidence not in ("linear", "log"):
        raise ParameterError(f"confidence must be 'linear' or 'log', got {confidence!r}.")
    if blocks is not None:
        blocks = positive_int(blocks, name="blocks")
    if is_spark_frame(plays):
        session = plays.sparkSession
        frame, shape = _spark_ratings(plays, confidence=confidence, epsilon=float(epsilon), shape=shape)
        seen = None  # the plays stay in Spark
    else:
        users, items, counts, shape = _triplets(plays, shape)
        seen = sp.csr_matrix((np.ones(users.size, dtype=bool), (users, items)), shape=shape)
        ratings = counts if confidence == "linear" else np.log1p(counts / float(epsilon))
        session = session_or_local(session)
        frame = _ratings_frame(session, users, items, ratings, partitions=session.sparkContext.defaultParallelism)
    with pandas_warning_ignored():
        from pyspark.ml.recommendation import ALS

    blocks = session.sparkContext.defaultParallelism if blocks is None else blocks
    als = ALS(
        rank=n_factors,
        maxIter=iterations,
        regParam=float(regularization),
        alpha=float(alpha),
        implicitPrefs=True,
        nonnegative=False,
        userCol="user",
        itemCol="item",
        ratingCol="rating",
        numUserBlocks=blocks,
        numItemBlocks=blocks,
        seed=int(seed),
    )
    started = time.perf_counter()
    model = als.fit(frame)
    seconds = time.perf_counter() - started
    return SparkFactors(
        _collect_factors(model.userFactors, shape[0], n_factors),
        _collect_factors(model.itemFactors, shape[1], n_factors),
        model=model,
        seconds=seconds,
        seen_=seen,
    )


def spark_regularization(lam: float, plays) -> float:
    """Spark's ``regParam`` that penalises a user with the mean number of items as lesson 02's ``λ`` does.

    Spark's penalty of user ``u`` is ``λ_S · n_u ‖x_u‖²`` (``n_u``: the items ``u`` played), lesson 02's is
    ``λ ‖x_u‖²``; equal for ``n_u = n̄`` when

    .. math:: \\lambda_S = \\lambda / \\bar n, \\qquad \\bar n = \\operatorname{mean}_{u:\\, n_u > 0} n_u .

    Users without plays are not part of Spark's problem and are left out of the mean. Heavier users are then
    penalised more than in lesson 02 and lighter ones less: no ``λ_S`` makes the objectives identical.

    Parameters
    ----------
    lam : float ≥ 0
        Lesson 02's ``λ`` (:class:`cbrec_lab.cf.WMF` ``regularization``).
    plays : scipy.sparse matrix [shape=(n_users, n_items)]
        The training plays.

    Returns
    -------
    float

    Examples
    --------
    >>> spark_regularization(20.0, sp.csr_matrix([[1, 0, 2], [0, 0, 0], [1, 1, 1]]))
    8.0
    """
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not np.isfinite(lam) or lam < 0:
        raise ParameterError(f"lam must be a non-negative finite number, got {lam!r}.")
    matrix = sp.csr_matrix(plays)
    matrix.eliminate_zeros()
    per_user = np.diff(matrix.indptr)
    if not per_user.any():
        raise ParameterError(f"plays has no non-zero play count (shape {matrix.shape}).")
    return float(lam / per_user[per_user > 0].mean())


def recommend_top_k(user_factors, item_factors, *, k: int = 10, exclude=None, users=None, batch_users: int = 1024):
    """Top-``k`` items of every user by ``x_uᵀ y_i``, with the items in ``exclude`` (e.g. training plays) left out.

    The scores ``U Vᵀ`` are ranked in batches of users by :func:`cbrec_lab.ranking.top_k` (ties broken by the
    lower item index, excluded items never listed), the ranking every list of the course goes through, so lists
    from Spark's factors and from ``implicit``'s are made the same way. Unlike Spark's
    ``recommendForUserSubset``, which ranks every item, a user's training items are not recommended.

    Parameters
    ----------
    user_factors : np.ndarray [shape=(n_users, factors)]
    item_factors : np.ndarray [shape=(n_items, factors)]
    k : int > 0
        List length.
    exclude : scipy.sparse matrix or np.ndarray [shape=(n_users, n_items)], optional
        Non-zero entries are never recommended to that user.
    users : array of int, optional
        Rows of ``user_factors`` (and of ``exclude``) to rank for; all by default.
    batch_users : int > 0
        Users scored at once (memory ``≈ batch_users × n_items × 9`` bytes).

    Returns
    -------
    np.ndarray [shape=(len(users), k), dtype=int64]
        Item indices, best first; a user with fewer than ``k`` candidates has ``-1`` in the missing places.

    Examples
    --------
    >>> U = np.array([[1.0], [-1.0]]); V = np.array([[0.1], [0.3], [0.2]])
    >>> recommend_top_k(U, V, k=2, exclude=np.array([[0, 1, 0], [0, 0, 0]]))
    array([[2, 0],
           [0, 2]])
    """
    user_factors = np.asarray(user_factors)
    item_factors = np.asarray(item_factors)
    if user_factors.ndim != 2 or item_factors.ndim != 2 or user_factors.shape[1] != item_factors.shape[1]:
        raise ParameterError(
            "user_factors and item_factors must be 2-D with the same number of columns, got shapes "
            f"{user_factors.shape} and {item_factors.shape}."
        )
    k = positive_int(k, name="k")
    batch_users = positive_int(batch_users, name="batch_users")
    n_users, n_items = user_factors.shape[0], item_factors.shape[0]
    rows = np.arange(n_users) if users is None else np.asarray(users)
    if rows.ndim != 1 or (
        rows.size and (not np.issubdtype(rows.dtype, np.integer) or rows.min() < 0 or rows.max() >= n_users)
    ):
        raise ParameterError(f"users must be a 1-D array of user rows in 0–{n_users - 1}, got {users!r}.")
    if exclude is not None:
        if sp.issparse(exclude):
            exclude = sp.csr_matrix(exclude)
        else:
            exclude = np.asarray(exclude)
        if exclude.shape != (n_users, n_items):
            raise ParameterError(
                f"exclude must have shape (n_users, n_items) = {(n_users, n_items)}, got {exclude.shape}."
            )
    out = np.full((rows.size, k), -1, dtype=np.int64)
    for start in range(0, rows.size, batch_users):
        batch = rows[start : start + batch_users]
        scores = (user_factors[batch] @ item_factors.T).astype(np.float64)
        if not np.isfinite(scores).all():
            raise ParameterError("The factors give non-finite scores (NaN or inf); check the fit.")
        out[start : start + batch.size] = top_k(scores, k, exclude=None if exclude is None else exclude[batch])
    return out
