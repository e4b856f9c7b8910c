"""Losses for regressing a song's WMF latent factors from its audio.

van den Oord, Dieleman & Schrauwen (2013) train a network to predict, from a song's audio, the item factors
``y_i ∈ ℝ^d`` that weighted matrix factorisation (:class:`cbrec_lab.cf.WMF`) learnt from the play counts, and
compare two objectives: the mean squared error to the factors and the *weighted prediction error* (WPE), the
WMF objective itself with the user factors held fixed. The course thesis, section 4.2.1, also trains with a
cosine loss (COS), which ignores the length of the prediction, and proposes a modified, batch-contrastive
cosine (MCOS) that does not reward predicting one common direction for every song.

==========  ==========================  =====================================================================
name        class                       ``y_true`` of one song
==========  ==========================  =====================================================================
``"mse"``   keras MeanSquaredError      the WMF item factors ``y_i`` (length ``d``)
``"cos"``   :class:`CosineLoss`         the WMF item factors ``y_i``
``"mcos"``  :class:`MCOSLoss`           the WMF item factors ``y_i``
``"wpe"``   :class:`WPELoss`            the packed quadratic form of :func:`wpe_targets` (``d² + d + 1``)
``"bpr"``   :class:`BPRLoss`            ignored; ``y_pred`` is the score difference ``x̂_ui − x̂_uj`` of a
                                        (user, positive, negative) triplet (VBPR and BPR-MF, lesson 10)
==========  ==========================  =====================================================================

The losses use only ``keras.ops``, so they run under the TensorFlow, JAX and PyTorch backends, and compute
in float32 whatever the prediction dtype (mixed-precision float16 outputs are cast first). They are
registered with Keras's serialisation under the package ``"cbrec_lab"``, so a saved model that uses one of
them loads again once this module is imported.

:func:`direction_spread` measures what the choice between COS and MCOS does to the predictions: how spread out
their directions are (0 when every song gets the same direction, a collapse).

References
----------
1. van den Oord, A., Dieleman, S., & Schrauwen, B. (2013). Deep content-based music recommendation.
   *Advances in Neural Information Processing Systems 26* (NIPS 2013).
2. Hu, Y., Koren, Y., & Volinsky, C. (2008). Collaborative filtering for implicit feedback datasets. *ICDM*.
   https://doi.org/10.1109/ICDM.2008.22
3. The course thesis, "Recomendación de música basada en contenido con deep learning", section 4.2.1
   (the MCOS loss).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .checks import positive_int
from .config import import_keras
from .exceptions import ParameterError

keras = import_keras()
ops = keras.ops

__all__ = [
    "EPSILON",
    "CosineLoss",
    "MCOSLoss",
    "direction_spread",
    "WPELoss",
    "wpe_targets",
    "BPRLoss",
    "bpr_loss",
    "LOSSES",
    "get",
]

#: Floor of a vector's norm when it is normalised, and guard added to the MCOS denominator.
EPSILON = 1e-7


def _unit(x):
    """``x / max(‖x‖, ε)`` along the last axis: zero vectors stay zero, and the gradient stays finite."""
    squared = ops.sum(ops.square(x), axis=-1, keepdims=True)
    return x / ops.sqrt(ops.maximum(squared, EPSILON**2))


def _float32(*tensors):
    return tuple(ops.cast(t, "float32") for t in tensors)


@keras.saving.register_keras_serializable(package="cbrec_lab")
class CosineLoss(keras.losses.Loss):
    """Cosine distance between the true and the predicted factor vectors (COS).

    Formula::

        loss_i = 1 − ⟨y_true_i, y_pred_i⟩ / (max(‖y_true_i‖, ε) · max(‖y_pred_i‖, ε))
        ε = EPSILON = 1e-7

    computed per sample and averaged over the batch by Keras's default ``"sum_over_batch_size"`` reduction.
    The value lies in ``[0, 2]``; a zero vector has cosine 0 with everything (loss 1) instead of NaN. It
    equals ``1 + keras.losses.CosineSimilarity()`` (which returns ``−cos``), shifted so that a perfect
    prediction scores 0.

    The loss ignores the length of the prediction. Its weakness is that the best *constant* prediction —
    the mean direction of the targets — already reaches a mean cosine of ``‖Σ_i ŷ_i‖ / n`` (``ŷ`` the unit
    targets), which is large when the factors share a dominant direction, so a network can settle on
    predicting nearly the same vector for every song; :class:`MCOSLoss` removes that incentive.

    Parameters
    ----------
    name : str
        Name of the loss in logs.
    reduction : str
        Keras reduction over the batch.
    dtype : str or None
        Keras dtype policy of the loss; the computation itself is float32.
    """

    def __init__(self, name: str = "cosine_loss", reduction: str = "sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = _float32(y_true, y_pred)
        return 1.0 - ops.sum(_unit(y_true) * _unit(y_pred), axis=-1)


@keras.saving.register_keras_serializable(package="cbrec_lab")
class MCOSLoss(keras.losses.Loss):
    """Modified cosine of the course thesis (MCOS): a cosine that competes against the rest of the batch.

    For a batch of ``n`` songs, prediction ``k`` is compared with *every* true vector of the batch, and its
    cosine to its own target is divided by the sum of all those (shifted) cosines:

    Formula::

        S[i, j] = cos(y_true_i, y_pred_j)                       (n × n)
        S2      = S + 1                                          (entries in [0, 2])
        M[k]    = N[k, k] / (Σ_i S2[i, k] + ε),   N = S (thesis) or S2,   ε = EPSILON = 1e-7
        metric  = (1/n) Σ_k M[k]                                 (to be maximised)
        loss    = −metric

    ``call`` returns the per-sample vector ``−M`` (shape ``(n,)``), so Keras's default
    ``"sum_over_batch_size"`` reduction yields ``−metric``. Cosines use the same ε-guarded normalisation as
    :class:`CosineLoss`.

    **Numerators.** The thesis writes ``S[k, k]``: then ``M[k]`` can be negative, and large in magnitude (down
    to ``−1/ε``) when prediction ``k`` points away from every target of the batch, because the denominator
    then tends to 0. With ``S2[k, k]``
    the numerator is one of the non-negative terms of the denominator, so ``M[k] ∈ [0, 1]`` is the share of
    prediction ``k``'s total similarity to the batch that goes to its own target.

    **Why it counters collapse.** Write ``t̂_i`` for the unit targets and ``m = ‖Σ_i t̂_i‖ ∈ [0, n]``
    (``m = n`` when all targets point the same way, ``m = √n`` for mutually orthogonal ones). Plain COS
    rewards a constant prediction along the mean direction with a mean cosine of ``m / n``. Under MCOS:

    - *Collapse* (every prediction along one direction ``v``). With numerator S2 the metric is exactly
      ``1/n`` whatever ``v`` (up to ε): a shared direction gains nothing. With numerator S it is
      ``(s/n) / (n + s)`` with ``s = Σ_i cos(t_i, v) ≤ m``, hence at most ``m / (n (n + m)) ≤ 1/(2n)``;
      for orthogonal targets at most ``1 / (n√n + n)``.
    - *Perfect prediction* (``y_pred_k ∝ y_true_k``). With numerator S2 the metric is at least
      ``2n / (n² + m²) ≥ 1/n`` — exactly ``2/(n + 1)`` for orthogonal targets, and close to it for
      independent isotropic random 50-dimensional targets — and with numerator S at least ``n / (n² + m²)``
      (``1/(n + 1)`` for orthogonal targets), which is never below the best collapsed value
      ``m / (n (n + m))``.

    In both variants a perfect prediction beats any collapsed one unless all targets of the batch point the
    same way (``m = n``), where the two coincide.

    Parameters
    ----------
    numerator : {"S", "S2"}
        ``"S"``: the cosine ``S[k, k]``, as written in the thesis. ``"S2"``: the shifted cosine ``S2[k, k]``.
    name, reduction, dtype
        As for :class:`CosineLoss`.

    Notes
    -----
    The value is a property of the batch, not of a sample: it depends on which songs share the batch and on
    the batch size (the scale is about ``1/n``), so values from batches of different sizes — including a
    smaller last batch — are not directly comparable. With ``n = 1`` the S2 variant is the constant ``−1``
    (up to ε) and gives no gradient. Sample weights, if given, weight the terms ``M[k]`` of the mean.
    """

    NUMERATORS = ("S", "S2")

    def __init__(
        self, numerator: str = "S", name: str = "mcos_loss", reduction: str = "sum_over_batch_size", dtype=None
    ):
        if numerator not in self.NUMERATORS:
            raise ParameterError(f"MCOS numerator must be one of {self.NUMERATORS}, got {numerator!r}.")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.numerator = numerator

    def call(self, y_true, y_pred):
        y_true, y_pred = _float32(y_true, y_pred)
        t, p = _unit(y_true), _unit(y_pred)
        cosines = ops.matmul(t, ops.transpose(p))  # S[i, j] = cos(t_i, p_j)
        own = ops.sum(t * p, axis=-1)  # S[k, k]
        if self.numerator == "S2":
            own = own + 1.0
        return -own / (ops.sum(cosines + 1.0, axis=0) + EPSILON)

    def get_config(self):
        return {**super().get_config(), "numerator": self.numerator}


def direction_spread(vectors) -> float:
    """How spread out the directions of some vectors are: ``1 − ‖(1/n) Σ_i v_i / ‖v_i‖‖``.

    The diagnostic of the collapse that :class:`CosineLoss` invites and :class:`MCOSLoss` counters: it lives
    next to the two losses, because it measures the effect of choosing between them (lesson 04 compares the
    spread of the predicted latent factors with that of the true WMF factors).

    The mean of the unit vectors has length 1 when every vector points the same way (a *collapse*: cosine
    similarity then ranks every item the same for everyone) and length near 0 when directions are spread
    evenly, so the spread runs from 0 (collapsed) to 1. Computed in numpy (float64), not in ``keras.ops``: it
    is read off predictions after training, never differentiated.

    Parameters
    ----------
    vectors : array-like [shape=(n, d)]
        At least one non-zero row; zero rows are not allowed (they have no direction).

    Returns
    -------
    float in [0, 1]

    Raises
    ------
    ParameterError
        Not a finite 2-D array with at least one row, or a zero row.

    Examples
    --------
    >>> direction_spread([[1.0, 0.0], [2.0, 0.0]])
    0.0
    >>> round(direction_spread([[1.0, 0.0], [-1.0, 0.0]]), 6)
    1.0
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or len(vectors) == 0 or not np.isfinite(vectors).all():
        raise ParameterError(f"direction_spread needs a finite (n, d) array with n ≥ 1, got shape {vectors.shape}.")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    if np.any(norms == 0):
        rows = np.flatnonzero(norms[:, 0] == 0)
        raise ParameterError(
            f"direction_spread: zero vectors have no direction (rows {rows[:10].tolist()}); drop or replace them first."
        )
    return float(1.0 - np.linalg.norm((vectors / norms).mean(axis=0)))


@keras.saving.register_keras_serializable(package="cbrec_lab")
class WPELoss(keras.losses.Loss):
    """Weighted prediction error: the WMF objective of one song with the user factors held fixed.

    van den Oord et al. (2013, §3) score a predicted factor vector ``y`` of song ``i`` by how well it
    reconstructs the song's weighted preferences given the user factors ``X`` (rows ``x_u``) of a trained WMF:

    Formula::

        WPE_i(y) = Σ_u c_ui (p_ui − x_uᵀ y)²  =  yᵀ A_i y − 2 b_iᵀ y + k_i
        A_i = Σ_u c_ui x_u x_uᵀ,   b_i = Σ_u c_ui p_ui x_u,   k_i = Σ_u c_ui p_ui²
        loss_i = WPE_i(y_pred_i) / scale

    with ``p_ui = 1(r_ui > 0)``, ``c_ui = 1 + α log(1 + r_ui/ε)`` on the observed pairs and ``c_ui = 1``,
    ``p_ui = 0`` elsewhere. The quadratic form needs no loop over users during training: ``y_true`` holds,
    for each song, the packed vector ``[A_i.ravel(), b_i, k_i]`` of length ``d² + d + 1`` built by
    :func:`wpe_targets`, and the loss unpacks it.

    ``A_i`` is positive semi-definite (all ``c_ui > 0``) and positive definite when ``X`` has full column
    rank, so ``WPE_i`` is convex with gradient ``2 (A_i y − b_i) / scale``. Its minimiser ``y = A_i⁻¹ b_i`` is
    exactly the ALS update of item ``i`` without the regularisation term (``(A_i + λI)⁻¹ b_i`` with it), i.e.
    the best factors any prediction can reach for fixed user factors.

    Parameters
    ----------
    factors : int
        Latent dimension ``d`` (the length of ``y_pred``).
    scale : float
        Positive divisor of the error. Passing ``n_users`` turns the sum over users into a per-user mean,
        which keeps the loss and its gradients in a sane range whatever the number of users.
    name, reduction, dtype
        As for :class:`CosineLoss`.

    Notes
    -----
    The value is computed in float32 from ``yᵀAy``, ``2bᵀy`` and ``k``, which can nearly cancel;
    the gradient does not involve ``k`` and does not suffer from that cancellation.
    """

    def __init__(
        self,
        factors: int,
        scale: float = 1.0,
        name: str = "wpe_loss",
        reduction: str = "sum_over_batch_size",
        dtype=None,
    ):
        factors = positive_int(factors, name="factors")
        if isinstance(scale, bool) or not isinstance(scale, (int, float, np.number)) or not 0 < scale < np.inf:
            raise ParameterError(f"WPE scale must be a positive finite number (e.g. n_users), got {scale!r}.")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.factors = factors
        self.scale = float(scale)

    def call(self, y_true, y_pred):
        d = self.factors
        width = d * d + d + 1
        if y_true.shape[-1] is not None and y_true.shape[-1] != width:
            raise ParameterError(
                f"WPE targets for factors={d} must have d² + d + 1 = {width} columns (see wpe_targets), "
                f"got shape {tuple(y_true.shape)}."
            )
        if y_pred.shape[-1] is not None and y_pred.shape[-1] != d:
            raise ParameterError(f"WPE predictions must have factors={d} columns, got shape {tuple(y_pred.shape)}.")
        y_true, y = _float32(y_true, y_pred)
        a = ops.reshape(y_true[:, : d * d], (-1, d, d))
        b = y_true[:, d * d : d * d + d]
        k = y_true[:, -1]
        quadratic = ops.einsum("ni,nij,nj->n", y, a, y)
        return (quadratic - 2.0 * ops.sum(b * y, axis=-1) + k) / self.scale

    def get_config(self):
        return {**super().get_config(), "factors": self.factors, "scale": self.scale}


def wpe_targets(user_factors, confidence, *, max_elements: int = 50_000_000) -> np.ndarray:
    """Pack the WPE quadratic form of every item: the ``y_true`` of :class:`WPELoss`.

    Parameters
    ----------
    user_factors : array_like [shape=(n_users, d)]
        The fixed user factors ``X`` of a trained WMF (``WMF.user_factors_``).
    confidence : scipy.sparse matrix or array_like [shape=(n_users, n_items)]
        Confidences ``c_ui ≥ 1`` of the observed pairs, as returned by :func:`cbrec_lab.cf.confidence` with
        the WMF's ``alpha`` and ``epsilon``; absent (zero) entries mean ``c_ui = 1``, ``p_ui = 0``.
    max_elements : int, keyword-only
        Bound on the size of the block of user outer products ``x_u x_uᵀ`` held at once (users are processed
        in chunks of ``max(1, max_elements // d²)``); it does not change the result.

    Returns
    -------
    numpy.ndarray [shape=(n_items, d*d + d + 1), dtype=float32]
        Row ``i`` is ``[A_i.ravel(), b_i, k_i]`` with

        - ``A_i = XᵀX + Σ_{u observed} (c_ui − 1) x_u x_uᵀ``
        - ``b_i = Σ_{u observed} c_ui x_u``
        - ``k_i = Σ_{u observed} c_ui``

    Notes
    -----
    Computed in float64 with sparse products — no Python loop over single users or items, only over chunks
    of users — and stored as float32. The result and the float64 accumulator of the ``A_i`` take about
    ``12 · n_items · d²`` bytes.
    """
    x = np.asarray(user_factors, dtype=np.float64)
    if x.ndim != 2 or 0 in x.shape:
        raise ParameterError(f"user_factors must be a non-empty 2-D (n_users, d) array, got shape {x.shape}.")
    if not np.isfinite(x).all():
        raise ParameterError("user_factors must be finite (found NaN or infinity).")
    max_elements = positive_int(max_elements, name="max_elements")
    if not sp.issparse(confidence):
        confidence = np.asarray(confidence)
        if confidence.ndim != 2:
            raise ParameterError(f"confidence must be a 2-D (n_users, n_items) matrix, got shape {confidence.shape}.")
    c = sp.csr_matrix(confidence, dtype=np.float64, copy=True)
    if c.shape[0] != x.shape[0]:
        raise ParameterError(
            f"confidence has {c.shape[0]} users (rows) but user_factors has {x.shape[0]}; "
            "both must be indexed by the same users."
        )
    c.eliminate_zeros()
    if c.nnz and (not np.isfinite(c.data).all() or c.data.min() < 1):
        raise ParameterError(
            "confidence values of observed pairs must be finite and ≥ 1 (c_ui = 1 + α log(1 + r/ε)); "
            "build them with cbrec_lab.cf.confidence."
        )
    n_users, d = x.shape
    extra = c.copy()
    extra.data -= 1.0  # c_ui − 1: what an observed pair adds to the XᵀX shared by all items
    a = np.broadcast_to((x.T @ x).ravel(), (c.shape[1], d * d)).copy()
    rows = max(1, max_elements // (d * d))
    for start in range(0, n_users, rows):  # chunks of users bound the outer-product block
        block = x[start : start + rows]
        outer = (block[:, :, None] * block[:, None, :]).reshape(len(block), d * d)
        a += extra[start : start + rows].T @ outer
    packed = np.empty((c.shape[1], d * d + d + 1), dtype=np.float32)
    packed[:, : d * d] = a
    packed[:, d * d : d * d + d] = c.T @ x
    packed[:, -1] = np.asarray(c.sum(axis=0)).ravel()
    return packed


def bpr_loss(y_true, y_pred):
    """Per-triplet BPR loss ``−ln σ(x̂_uij) = softplus(−x̂_uij)`` of score differences ``y_pred``.

    ``y_true`` is ignored (it only carries the batch size through ``model.fit``). ``softplus`` is evaluated
    stably by every backend (no ``exp`` overflow for large differences). Returns a float32 tensor of the
    shape of ``y_pred``.
    """
    del y_true
    return ops.softplus(-ops.cast(y_pred, "float32"))


@keras.saving.register_keras_serializable(package="cbrec_lab")
class BPRLoss(keras.losses.Loss):
    """Bayesian personalised ranking loss (Rendle et al. 2009): the negated BPR-OPT likelihood term.

    Formula::

        loss_b = −ln σ(x̂_uij) = ln(1 + exp(−x̂_uij)) = softplus(−x̂_uij),   x̂_uij = x̂_ui − x̂_uj

    where ``y_pred`` holds the differences ``x̂_uij`` of a batch of triplets (user ``u``, positive ``i``,
    sampled negative ``j``), as returned by the models of :mod:`cbrec_lab.models.pairwise`; ``y_true`` is a
    dummy and is ignored. Keras's default ``"sum_over_batch_size"`` reduction gives the batch mean. The
    ``−λ‖Θ‖²`` part of BPR-OPT is not in the loss: the ranking models add it themselves.

    Parameters
    ----------
    name, reduction, dtype
        As for :class:`CosineLoss`.
    """

    def __init__(self, name: str = "bpr_loss", reduction: str = "sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        return bpr_loss(y_true, y_pred)


#: The losses by name, as accepted by :func:`get`.
LOSSES = {"mse": keras.losses.MeanSquaredError, "cos": CosineLoss, "mcos": MCOSLoss, "wpe": WPELoss, "bpr": BPRLoss}


def get(name: str, **kwargs) -> keras.losses.Loss:
    """Instantiate a loss by name.

    Parameters
    ----------
    name : {"mse", "cos", "mcos", "wpe"}
        Key of :data:`LOSSES` (case-insensitive).
    **kwargs
        Passed to the loss's constructor, e.g. ``get("mcos", numerator="S2")`` or
        ``get("wpe", factors=50, scale=n_users)``.

    Returns
    -------
    keras.losses.Loss
    """
    key = name.lower() if isinstance(name, str) else None
    if key not in LOSSES:
        raise ParameterError(f"Unknown loss {name!r}; valid names are {', '.join(map(repr, LOSSES))}.")
    return LOSSES[key](**kwargs)
