"""Pairwise ranking from implicit feedback: BPR-MF (Rendle et al. 2009) and VBPR (He & McAuley 2016).

Both models are :class:`cbrec_lab.recommender.Recommender` s (``fit``, ``score``, ``recommend``) that score user
``u`` and item ``i`` as

.. math::

    \\hat{x}_{ui} = \\beta_i + \\gamma_u^T \\gamma_i + \\theta_u^T (E f_i) + \\beta'^T f_i

where ``f_i`` is the item's fixed content feature vector (``d`` values, e.g. a CNN's penultimate layer),
``γ_u, γ_i ∈ ℝ^K`` are latent factors, ``θ_u ∈ ℝ^K′`` is the user's taste in the *visual space* ``E f_i``
(``E`` is ``K′ × d``, shared by all items) and ``β′ ∈ ℝ^d`` a global visual bias. BPR-MF is the model
without the two visual terms; VBPR with ``K = 0`` is a "visual-only" variant.

Training maximises BPR-OPT over triplets ``(u, i, j)``, ``i`` a positive item of ``u`` and ``j`` an item
that is not::

    Σ_(u,i,j) ln σ(x̂_ui − x̂_uj) − λ_Θ ‖Θ‖²

**How the regulariser is applied.** Training minimises, per batch ``B`` of triplets, the mean of the
paper's per-triplet SGD objective::

    (1/|B|) Σ_(u,i,j)∈B [ softplus(−x̂_uij) + λ (‖γ_u‖² + ‖γ_i‖² + ‖γ_j‖² + ‖θ_u‖² + β_i² + β_j²) ]
        + λ_E (‖E‖²_F + ‖β′‖²)

i.e. only the rows of ``γ, θ, β`` that the triplet uses are penalised (as in the paper's stochastic gradient
descent, where each update shrinks the parameters it touches), with ``λ = regularization``; the shared ``E`` and
``β′`` are penalised once per batch with the separate, smaller ``λ_E = visual_regularization``. The loss part is
:class:`cbrec_lab.losses.BPRLoss`; the penalty is added by the model with ``add_loss`` in training mode only,
so the ``loss`` column of a training history includes it and ``val_loss`` does not.

**Cold start.** An item without training positives is still drawn as a negative ``j`` (every item not
positive for the user is a candidate negative), so BPR-MF pushes its bias and factors down and ranks such
items below the warm ones, and among themselves essentially at random (by what is left of their random
initial factors). VBPR scores them through their features (``θ_u^T E f_i + β′^T f_i``), which is what makes
it useful for new items; :meth:`VBPR.score` also scores items that were not in the catalogue at all, from
their features alone (``β_i = 0, γ_i = 0``).

The models use Keras 3 layers and ``keras.ops`` only, so they run under the TensorFlow, JAX and PyTorch
backends. They compute in float32 whatever the global dtype policy (mixed precision included). Triplets are
sampled with numpy (:func:`sample_triplets`) and fed by a :class:`keras.utils.PyDataset`
(:class:`BPRTriplets`); item features stay in a non-trainable weight of the model and are gathered inside
the training step, so memory per step is proportional to the batch.

Features enter the scores linearly, so their scale matters: very large raw CNN activations may call for a
smaller learning rate or for standardising/L2-normalising the features before ``fit``.

References
----------
1. Rendle, S., Freudenthaler, C., Gantner, Z., & Schmidt-Thieme, L. (2009). BPR: Bayesian personalized
   ranking from implicit feedback. *UAI*.
2. He, R., & McAuley, J. (2016). VBPR: Visual Bayesian personalized ranking from implicit feedback. *AAAI*.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..checks import interactions_to_csr, positive_int
from ..config import import_keras
from ..exceptions import ParameterError
from ..losses import BPRLoss
from ..recommender import Recommender
from ..train import fit as train_fit

keras = import_keras()
ops = keras.ops

__all__ = ["sample_triplets", "BPRTriplets", "RankingNet", "ranking_model", "BPRMF", "VBPR"]


# --------------------------------------------------------------------------------------------------------------
# input checks


def _rate(name: str, value, *, positive: bool = False) -> float:
    ok = not isinstance(value, bool) and isinstance(value, (int, float, np.number)) and np.isfinite(value)
    if not ok or value < 0 or (positive and value == 0):
        kind = "a positive" if positive else "a non-negative"
        raise ParameterError(f"{name} must be {kind} finite number, got {value!r}.")
    return float(value)


def _positives(interactions, *, name: str = "interactions", shape=None) -> sp.csr_matrix:
    """A users × items matrix as a boolean CSR with sorted indices (non-zero entries are positives)."""
    return interactions_to_csr(interactions, name=name, shape=shape, binary=True, dtype=bool)


def _keys(matrix: sp.csr_matrix) -> np.ndarray:
    """``u · n_items + i`` of every stored pair, sorted (CSR with sorted indices is in row-major order)."""
    users = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    return users * matrix.shape[1] + matrix.indices.astype(np.int64)


def _contains(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    at = np.searchsorted(sorted_keys, queries)
    return sorted_keys[np.minimum(at, len(sorted_keys) - 1)] == queries


# --------------------------------------------------------------------------------------------------------------
# triplets


def sample_triplets(interactions, n: int | None = None, *, exclude=None, seed=0):
    """Draw BPR training triplets ``(u, i, j)``: ``(u, i)`` a positive pair, ``j`` not positive for ``u``.

    ``(u, i)`` is drawn uniformly from the positive pairs (with replacement) and ``j`` uniformly from all
    items; every ``j`` that is a positive of ``u`` (or in ``exclude``) is drawn again, all rejected draws at
    once, by binary search in the sorted keys ``u · n_items + j``. The few draws still rejected after 64
    rounds (users with nearly every item positive) take ``j`` uniformly from the user's allowed items.

    Parameters
    ----------
    interactions : scipy.sparse matrix or array_like [shape=(n_users, n_items)]
        Implicit feedback: non-zero entries are the positive pairs.
    n : int, optional
        Number of triplets (default: the number of positive pairs, one epoch).
    exclude : scipy.sparse matrix or array_like [shape=(n_users, n_items)], optional
        More pairs never drawn as negatives (e.g. the training positives when sampling validation
        triplets).
    seed : int, sequence of int or numpy.random.Generator

    Returns
    -------
    (u, i, j) : tuple of numpy.ndarray [shape=(n,), dtype=int32]

    Raises
    ------
    ParameterError
        No positive pairs, a user with positives but no allowed negative, a negative ``n``.
    """
    positives = _positives(interactions)
    n_users, n_items = positives.shape
    if positives.nnz == 0:
        raise ParameterError("interactions has no positive (non-zero) entry: there is nothing to rank.")
    n = positives.nnz if n is None else positive_int(n, name="n", minimum=0)
    forbidden = (
        positives
        if exclude is None
        else _positives(positives + _positives(exclude, name="exclude", shape=positives.shape))
    )
    per_user = np.diff(forbidden.indptr)
    full = np.flatnonzero((per_user >= n_items) & (np.diff(positives.indptr) > 0))
    if full.size:
        raise ParameterError(
            f"user {int(full[0])} (and {full.size - 1} more) has every item as positive or excluded, so no "
            "negative item can be sampled; drop such users from the interactions."
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    keys = _keys(forbidden)
    pair_users = np.repeat(np.arange(n_users, dtype=np.int64), np.diff(positives.indptr))
    pick = rng.integers(0, positives.nnz, size=n)
    u = pair_users[pick]
    i = positives.indices[pick].astype(np.int64)
    j = rng.integers(0, n_items, size=n)
    bad = np.flatnonzero(_contains(keys, u * n_items + j))
    for _ in range(64):
        if bad.size == 0:
            break
        j[bad] = rng.integers(0, n_items, size=bad.size)
        bad = bad[_contains(keys, u[bad] * n_items + j[bad])]
    for t in bad:  # rare: users with very few allowed items
        taken = forbidden.indices[forbidden.indptr[u[t]] : forbidden.indptr[u[t] + 1]]
        allowed = np.setdiff1d(np.arange(n_items), taken)
        j[t] = allowed[rng.integers(0, allowed.size)]
    return u.astype(np.int32), i.astype(np.int32), j.astype(np.int32)


class BPRTriplets(keras.utils.PyDataset):
    """Batches of BPR triplets ``((u, i, j), dummy)`` for ``model.fit``, new triplets every epoch.

    Every epoch draws as many triplets as there are positive pairs, with :func:`sample_triplets` and the
    generator ``numpy.random.default_rng([seed, epoch])``: the same seed gives the same batches.

    Parameters
    ----------
    interactions : scipy.sparse matrix or array_like [shape=(n_users, n_items)]
        Positive pairs (non-zero entries).
    batch_size : int
    exclude : matrix, optional
        Pairs never drawn as negatives besides the positives (see :func:`sample_triplets`).
    seed : int
    resample : bool
        Draw new triplets at the end of every epoch (training); False keeps the first epoch's triplets
        (a fixed validation set).
    workers, use_multiprocessing, max_queue_size
        Passed to :class:`keras.utils.PyDataset`.
    """

    def __init__(
        self,
        interactions,
        *,
        batch_size: int = 256,
        exclude=None,
        seed: int = 0,
        resample: bool = True,
        workers: int = 1,
        use_multiprocessing: bool = False,
        max_queue_size: int = 10,
    ):
        super().__init__(workers=workers, use_multiprocessing=use_multiprocessing, max_queue_size=max_queue_size)
        self.positives = _positives(interactions)
        if self.positives.nnz == 0:
            raise ParameterError("interactions has no positive (non-zero) entry: there is nothing to rank.")
        self.exclude = None if exclude is None else _positives(exclude, name="exclude", shape=self.positives.shape)
        self.batch_size = positive_int(batch_size, name="batch_size")
        self.seed, self.resample = seed, bool(resample)
        self.epoch = 0
        self._arrange()

    def _arrange(self) -> None:
        self.u, self.i, self.j = sample_triplets(
            self.positives, exclude=self.exclude, seed=np.random.default_rng([self.seed, self.epoch])
        )

    def __len__(self) -> int:
        return math.ceil(len(self.u) / self.batch_size)

    def __getitem__(self, index: int):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        u, i, j = self.u[part], self.i[part], self.j[part]
        return (u, i, j), np.zeros(len(u), dtype=np.float32)

    def on_epoch_end(self) -> None:
        if self.resample:
            self.epoch += 1
            self._arrange()


# --------------------------------------------------------------------------------------------------------------
# the Keras model


class RankingNet(keras.Model):
    """The BPR-MF / VBPR scorer as a Keras model (build it with :func:`ranking_model`).

    Called on a batch of triplets ``(u, i, j)`` (integer arrays of equal length) it returns
    ``x̂_ui − x̂_uj`` (float32, shape ``(batch,)``), to be trained with :class:`cbrec_lab.losses.BPRLoss`;
    in training mode it also adds the batch's regularisation penalty with ``add_loss`` (module docstring).
    :meth:`score_items` scores every item for a batch of users.

    Weights: ``item_bias`` (β, zeros), ``user_factors``/``item_factors`` (γ, when ``K > 0``), and with
    features ``user_visual`` (θ, when ``K′ > 0``), ``visual_embedding`` (E stored as ``d × K′``),
    ``visual_bias`` (β′, zeros) and the non-trainable ``item_features`` (F, ``n_items × d``).
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        *,
        n_factors: int,
        n_visual_factors: int = 0,
        item_features=None,
        regularization: float = 0.01,
        visual_regularization: float = 1e-4,
        init_scale: float = 0.1,
        name: str = "ranking_net",
    ):
        super().__init__(name=name, dtype="float32")
        self.n_users = positive_int(n_users, name="n_users")
        self.n_items = positive_int(n_items, name="n_items")
        self.n_factors = positive_int(n_factors, name="n_factors", minimum=0)
        self.n_visual_factors = positive_int(n_visual_factors, name="n_visual_factors", minimum=0)
        self.regularization = _rate("regularization", regularization)
        self.visual_regularization = _rate("visual_regularization", visual_regularization)
        init_scale = _rate("init_scale", init_scale)
        normal = lambda: keras.initializers.RandomNormal(stddev=init_scale)  # noqa: E731

        def weight(shape, weight_name, initializer="zeros", trainable=True):
            return self.add_weight(
                shape=shape, initializer=initializer, dtype="float32", trainable=trainable, name=weight_name
            )

        self.item_bias = weight((self.n_items,), "item_bias")
        self.user_factors = self.item_factors = None
        if self.n_factors:
            self.user_factors = weight((self.n_users, self.n_factors), "user_factors", normal())
            self.item_factors = weight((self.n_items, self.n_factors), "item_factors", normal())
        self.visual = item_features is not None
        self.user_visual = self.visual_embedding = self.visual_bias = self.item_features = None
        if self.visual:
            features = np.asarray(item_features, dtype=np.float32)
            if features.ndim != 2 or features.shape[0] != self.n_items or features.shape[1] == 0:
                raise ParameterError(
                    f"item_features must be an (n_items, d) = ({self.n_items}, d) array with d ≥ 1, one row per "
                    f"item, got shape {features.shape}."
                )
            if not np.isfinite(features).all():
                raise ParameterError("item_features must be finite (found NaN or infinity).")
            d = features.shape[1]
            self.n_features = d
            self.item_features = weight((self.n_items, d), "item_features", trainable=False)
            self.item_features.assign(features)
            self.visual_bias = weight((d,), "visual_bias")
            if self.n_visual_factors:
                self.user_visual = weight((self.n_users, self.n_visual_factors), "user_visual", normal())
                self.visual_embedding = weight(
                    (d, self.n_visual_factors),
                    "visual_embedding",
                    keras.initializers.RandomNormal(stddev=init_scale / math.sqrt(d)),
                )
        elif self.n_visual_factors:
            raise ParameterError(
                f"n_visual_factors={self.n_visual_factors} needs item_features; pass the items' feature "
                "matrix or set n_visual_factors=0 (BPR-MF)."
            )
        self.built = True

    # ---------------------------------------------------------------------------------- training

    def _forward(self, u, i, j):
        """``(x̂_ui − x̂_uj, per-batch penalty)`` for integer index tensors ``u, i, j``."""
        u, i, j = (ops.cast(ops.reshape(t, (-1,)), "int32") for t in (u, i, j))
        b_i, b_j = ops.take(self.item_bias, i, axis=0), ops.take(self.item_bias, j, axis=0)
        diff = b_i - b_j
        rows = ops.square(b_i) + ops.square(b_j)
        if self.n_factors:
            g_u = ops.take(self.user_factors, u, axis=0)
            g_i = ops.take(self.item_factors, i, axis=0)
            g_j = ops.take(self.item_factors, j, axis=0)
            diff = diff + ops.sum(g_u * (g_i - g_j), axis=-1)
            rows = rows + ops.sum(ops.square(g_u) + ops.square(g_i) + ops.square(g_j), axis=-1)
        penalty = self.regularization * ops.mean(rows)
        if self.visual:
            f_diff = ops.take(self.item_features, i, axis=0) - ops.take(self.item_features, j, axis=0)
            diff = diff + ops.squeeze(ops.matmul(f_diff, ops.expand_dims(self.visual_bias, -1)), -1)
            shared = ops.sum(ops.square(self.visual_bias))
            if self.n_visual_factors:
                t_u = ops.take(self.user_visual, u, axis=0)
                diff = diff + ops.sum(t_u * ops.matmul(f_diff, self.visual_embedding), axis=-1)
                penalty = penalty + self.regularization * ops.mean(ops.sum(ops.square(t_u), axis=-1))
                shared = shared + ops.sum(ops.square(self.visual_embedding))
            penalty = penalty + self.visual_regularization * shared
        return diff, penalty

    def call(self, inputs, training=False):
        u, i, j = inputs
        diff, penalty = self._forward(u, i, j)
        if training:
            self.add_loss(penalty)
        return diff

    def objective(self, triplets):
        """The training objective of one batch: ``mean softplus(−x̂_uij)`` plus the penalty (a scalar tensor)."""
        diff, penalty = self._forward(*triplets)
        return ops.mean(ops.softplus(-diff)) + penalty

    # ---------------------------------------------------------------------------------- inference

    def item_terms(self):
        """Item-side terms for scoring: ``(β + F β′, [Γ | F E])``, shapes ``(n_items,)`` and ``(n_items, K + K′)``.

        ``[Γ | F E]`` is None when ``K = K′ = 0``.
        """
        bias = ops.convert_to_tensor(self.item_bias)
        factors = []
        if self.n_factors:
            factors.append(ops.convert_to_tensor(self.item_factors))
        if self.visual:
            bias = bias + ops.squeeze(ops.matmul(self.item_features, ops.expand_dims(self.visual_bias, -1)), -1)
            if self.n_visual_factors:
                factors.append(ops.matmul(self.item_features, self.visual_embedding))
        return bias, (ops.concatenate(factors, axis=-1) if factors else None)

    def user_terms(self, users):
        """``[γ_u | θ_u]`` of the given user indices, shape ``(len(users), K + K′)``; None when ``K = K′ = 0``."""
        users = ops.cast(ops.convert_to_tensor(np.asarray(users).reshape(-1)), "int32")
        parts = []
        if self.n_factors:
            parts.append(ops.take(self.user_factors, users, axis=0))
        if self.visual and self.n_visual_factors:
            parts.append(ops.take(self.user_visual, users, axis=0))
        return ops.concatenate(parts, axis=-1) if parts else None

    def score_items(self, users, *, batch_size: int = 1024, item_terms=None) -> np.ndarray:
        """``x̂_ui`` of every item for each of ``users``, shape ``(len(users), n_items)``, float32 numpy.

        The item-side terms are computed once per call (or taken from ``item_terms``, as returned by
        :meth:`item_terms`); each chunk of ``batch_size`` users is then one matrix product.
        """
        users = np.asarray(users, dtype=np.int64).reshape(-1)
        if users.size and (users.min() < 0 or users.max() >= self.n_users):
            raise ParameterError(
                f"users must be indices in [0, {self.n_users}), got values from {users.min()} to {users.max()}."
            )
        bias, factors = self.item_terms() if item_terms is None else item_terms
        bias = ops.convert_to_tensor(bias)
        n_items = int(bias.shape[0])
        batch_size = positive_int(batch_size, name="batch_size")
        out = np.empty((users.size, n_items), dtype=np.float32)
        for start in range(0, users.size, batch_size):
            chunk = users[start : start + batch_size]
            scores = ops.broadcast_to(ops.expand_dims(bias, 0), (chunk.size, n_items))
            if factors is not None:
                scores = scores + ops.matmul(self.user_terms(chunk), ops.transpose(factors))
            out[start : start + chunk.size] = ops.convert_to_numpy(scores)
        return out


def ranking_model(
    n_users: int,
    n_items: int,
    *,
    n_factors: int = 20,
    n_visual_factors: int = 0,
    item_features=None,
    regularization: float = 0.01,
    visual_regularization: float = 1e-4,
    name: str = "ranking_net",
) -> RankingNet:
    """Build a BPR-MF (``item_features=None``) or VBPR :class:`RankingNet`.

    Initial weights come from Keras's random generators: call ``keras.utils.set_random_seed`` first for
    reproducible models. γ and θ start from N(0, 0.1²), E from N(0, 0.01/d), β and β′ from zero.

    Parameters
    ----------
    n_users, n_items : int
    n_factors : int ≥ 0
        ``K``, latent factors per user and item (0: no ``γ`` terms).
    n_visual_factors : int ≥ 0
        ``K′``, the dimension of the visual space ``E f_i`` (needs ``item_features``; 0 keeps only β′).
    item_features : array_like [shape=(n_items, d)], optional
        The items' fixed content features ``f_i``.
    regularization, visual_regularization : float ≥ 0
        ``λ`` (γ, θ, β) and ``λ_E`` (E, β′); see the module docstring for how they are applied per batch.
    """
    return RankingNet(
        n_users,
        n_items,
        n_factors=n_factors,
        n_visual_factors=n_visual_factors,
        item_features=item_features,
        regularization=regularization,
        visual_regularization=visual_regularization,
        name=name,
    )


# --------------------------------------------------------------------------------------------------------------
# estimators


class _PairwiseRanker(Recommender):
    """Shared fit / score of :class:`BPRMF` and :class:`VBPR` (``recommend`` comes from the base class)."""

    _visual = False

    def __init__(
        self,
        n_factors: int,
        n_visual_factors: int,
        *,
        regularization: float,
        visual_regularization: float,
        learning_rate: float,
        epochs: int,
        batch_size: int,
        seed: int,
    ):
        self.n_factors = positive_int(n_factors, name="n_factors", minimum=0)
        self.n_visual_factors = positive_int(n_visual_factors, name="n_visual_factors", minimum=0)
        self.regularization = _rate("regularization", regularization)
        self.visual_regularization = _rate("visual_regularization", visual_regularization)
        self.learning_rate = _rate("learning_rate", learning_rate, positive=True)
        self.epochs = positive_int(epochs, name="epochs")
        self.batch_size = positive_int(batch_size, name="batch_size")
        self.seed = int(seed)
        self.model_: RankingNet | None = None
        self.history_: pd.DataFrame | None = None
        self.seen_: sp.csr_matrix | None = None

    def __repr__(self) -> str:
        visual = f", n_visual_factors={self.n_visual_factors}" if self._visual else ""
        visual_regularization = f", visual_regularization={self.visual_regularization}" if self._visual else ""
        return (
            f"{type(self).__name__}(n_factors={self.n_factors}{visual}, regularization={self.regularization}"
            f"{visual_regularization}, learning_rate={self.learning_rate}, epochs={self.epochs}, "
            f"batch_size={self.batch_size}, seed={self.seed})"
        )

    def _fit(self, interactions, item_features, *, n_users, n_items, validation, patience, progress, policy):
        shape = None
        if n_users is not None or n_items is not None:
            base = interactions.shape if sp.issparse(interactions) else np.shape(interactions)
            shape = (
                base[0] if n_users is None else positive_int(n_users, name="n_users"),
                base[1] if n_items is None else positive_int(n_items, name="n_items"),
            )
        positives = _positives(interactions, shape=shape)
        if positives.nnz == 0:
            raise ParameterError(
                f"interactions (shape {positives.shape}) has no positive entry: fit needs implicit feedback "
                "with at least one non-zero (user, item) pair."
            )
        n_users, n_items = positives.shape
        if self._visual:
            if item_features is None:
                raise ParameterError("VBPR needs item_features, an (n_items, d) array; use BPRMF without features.")
            shape_f = np.shape(item_features)
            if len(shape_f) != 2 or shape_f[0] != n_items:
                raise ParameterError(
                    f"item_features must have one row per item: shape ({n_items}, d) for interactions of shape "
                    f"{positives.shape}, got {shape_f}."
                )
        val = None
        if validation is not None:
            held_out = _positives(validation, name="validation", shape=positives.shape)
            if held_out.nnz:
                val = BPRTriplets(
                    held_out, batch_size=self.batch_size, exclude=positives, seed=self.seed + 1, resample=False
                )
        train = BPRTriplets(positives, batch_size=self.batch_size, seed=self.seed)
        keras.utils.set_random_seed(self.seed)
        model = ranking_model(
            n_users,
            n_items,
            n_factors=self.n_factors,
            n_visual_factors=self.n_visual_factors,
            item_features=item_features,
            regularization=self.regularization,
            visual_regularization=self.visual_regularization,
            name=type(self).__name__.lower(),
        )
        self.history_ = train_fit(
            model,
            train,
            loss=BPRLoss(),
            epochs=self.epochs,
            validation=val,
            optimizer=keras.optimizers.Adam(self.learning_rate),
            policy=policy,
            patience=patience,
            seed=self.seed,
            progress=progress,
        )
        self.model_, self.seen_ = model, positives
        return self

    def _score(self, users: np.ndarray, items: np.ndarray, *, batch_size: int = 1024) -> np.ndarray:
        model = self.model_
        if items.size == self.n_items and np.array_equal(items, np.arange(self.n_items)):
            return model.score_items(users, batch_size=batch_size)
        bias, factors = model.item_terms()
        taken = ops.convert_to_tensor(items.astype(np.int32))
        bias = ops.take(bias, taken, axis=0)
        factors = None if factors is None else ops.take(factors, taken, axis=0)
        return model.score_items(users, batch_size=batch_size, item_terms=(bias, factors))

    def score(self, users=None, items=None, *, batch_size: int = 1024) -> np.ndarray:
        """``x̂_ui`` of ``items`` (default all) for ``users`` (default all), shape ``(len(users), len(items))``,
        float32; see :meth:`cbrec_lab.recommender.Recommender.score`. ``batch_size`` users are scored at a time."""
        return self._score(self._users(users), self._items(items), batch_size=batch_size)


class BPRMF(_PairwiseRanker):
    """Matrix factorisation trained with BPR (Rendle et al. 2009): ``x̂_ui = β_i + γ_uᵀγ_i``.

    A :class:`cbrec_lab.recommender.Recommender`: ``fit(interactions)``, ``score(users, items)``,
    ``recommend(users, k)``.

    Parameters
    ----------
    n_factors : int ≥ 0
        ``K`` (0 leaves only the item biases: a learnt popularity ranking).
    regularization : float ≥ 0
        ``λ`` on the rows of γ and β used by each triplet (see :mod:`cbrec_lab.models.pairwise`).
    learning_rate : float > 0
        Of the Adam optimiser (the papers use plain SGD).
    epochs, batch_size : int > 0
        An epoch is as many sampled triplets as there are positive pairs.
    seed : int
        Seeds the initial weights, the triplets and Keras's generators: the same seed gives the same model
        on a CPU.

    Attributes
    ----------
    model_ : RankingNet
    history_ : pandas.DataFrame
        From :func:`cbrec_lab.train.fit` (``loss`` includes the penalty, ``val_loss`` does not).
    seen_ : scipy.sparse.csr_matrix [dtype=bool]
        The training positives, left out by :meth:`recommend` by default.

    Notes
    -----
    Items without training positives keep the random initial factors that their role as sampled negatives
    has shrunk: BPR-MF has nothing to rank them by (cold start), unlike :class:`VBPR`.
    """

    def __init__(
        self,
        n_factors: int = 20,
        *,
        regularization: float = 0.01,
        learning_rate: float = 0.01,
        epochs: int = 20,
        batch_size: int = 256,
        seed: int = 0,
    ):
        super().__init__(
            n_factors,
            0,
            regularization=regularization,
            visual_regularization=0.0,
            learning_rate=learning_rate,
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
        )

    def fit(
        self, interactions, *, n_users=None, n_items=None, validation=None, patience=None, progress=0, policy=None
    ) -> BPRMF:
        """Train on implicit feedback.

        Parameters
        ----------
        interactions : scipy.sparse matrix or array_like [shape=(n_users, n_items)]
            Non-zero entries are the positive pairs.
        n_users, n_items : int, optional
            Checked against the shape of ``interactions``.
        validation : matrix [shape=(n_users, n_items)], optional
            Held-out positives: fixed validation triplets (negatives avoid training and validation pairs)
            give the ``val_loss`` column.
        patience : int, optional
            Early stopping on ``val_loss`` (needs ``validation``).
        progress : int
            Print a line every ``progress`` epochs (0: silent).
        policy : cbrec_lab.train.TrainingPolicy, optional
            Default :func:`cbrec_lab.train.training_policy`.

        Returns
        -------
        self
        """
        return self._fit(
            interactions,
            None,
            n_users=n_users,
            n_items=n_items,
            validation=validation,
            patience=patience,
            progress=progress,
            policy=policy,
        )


class VBPR(_PairwiseRanker):
    """Visual BPR (He & McAuley 2016): ``x̂_ui = β_i + γ_uᵀγ_i + θ_uᵀ(E f_i) + β′ᵀf_i``.

    A :class:`cbrec_lab.recommender.Recommender`: ``fit(interactions, item_features)``, ``score(users, items)``,
    ``recommend(users, k)``.

    Parameters
    ----------
    n_factors : int ≥ 0
        ``K``, the non-visual factors (0: the visual-only variant).
    n_visual_factors : int ≥ 0
        ``K′``, the dimension of the visual space ``E f_i`` (0 keeps only the visual bias β′).
    regularization : float ≥ 0
        ``λ`` on the rows of γ, θ and β used by each triplet.
    visual_regularization : float ≥ 0
        ``λ_E`` on E and β′, once per batch.
    learning_rate, epochs, batch_size, seed
        As for :class:`BPRMF`.

    Attributes
    ----------
    model_, history_, seen_
        As for :class:`BPRMF`.

    Notes
    -----
    Items without training positives are ranked by their features (cold start): their β_i and γ_i only
    shrink, while ``θ_uᵀE f_i + β′ᵀf_i`` carries what the model learnt from the other items. ``score`` can
    also score items outside the catalogue from their features (``new_item_features``).
    """

    _visual = True

    def __init__(
        self,
        n_factors: int = 20,
        n_visual_factors: int = 20,
        *,
        regularization: float = 0.01,
        visual_regularization: float = 1e-4,
        learning_rate: float = 0.01,
        epochs: int = 20,
        batch_size: int = 256,
        seed: int = 0,
    ):
        super().__init__(
            n_factors,
            n_visual_factors,
            regularization=regularization,
            visual_regularization=visual_regularization,
            learning_rate=learning_rate,
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
        )

    def fit(
        self,
        interactions,
        item_features,
        *,
        n_users=None,
        n_items=None,
        validation=None,
        patience=None,
        progress=0,
        policy=None,
    ) -> VBPR:
        """Train on implicit feedback and the items' features (shape ``(n_items, d)``); else as :meth:`BPRMF.fit`."""
        return self._fit(
            interactions,
            item_features,
            n_users=n_users,
            n_items=n_items,
            validation=validation,
            patience=patience,
            progress=progress,
            policy=policy,
        )

    def score(self, users=None, items=None, *, new_item_features=None, batch_size: int = 1024) -> np.ndarray:
        """``x̂_ui`` for ``users`` (default all): of catalogue ``items`` (default all), shape
        ``(len(users), len(items))``, or, with ``new_item_features`` (shape ``(m, d)``, instead of ``items``), of
        ``m`` items outside the catalogue scored from their features alone (``β_i = 0``, ``γ_i = 0``), shape
        ``(len(users), m)``."""
        if new_item_features is None:
            return super().score(users, items, batch_size=batch_size)
        if items is not None:
            raise ParameterError(
                "give either items (catalogue columns) or new_item_features (items outside the catalogue), not both."
            )
        users = self._users(users)
        model = self.model_
        features = np.asarray(new_item_features, dtype=np.float32)
        if features.ndim != 2 or features.shape[1] != model.n_features:
            raise ParameterError(
                f"new_item_features must be an (m, d) array with d = {model.n_features} as in training, got "
                f"shape {features.shape}."
            )
        bias = ops.squeeze(ops.matmul(features, ops.expand_dims(model.visual_bias, -1)), -1)
        factors = []
        if model.n_factors:
            factors.append(ops.zeros((features.shape[0], model.n_factors), dtype="float32"))
        if model.n_visual_factors:
            factors.append(ops.matmul(features, model.visual_embedding))
        factors = ops.concatenate(factors, axis=-1) if factors else None
        return model.score_items(users, batch_size=batch_size, item_terms=(bias, factors))
