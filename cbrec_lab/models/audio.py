"""Convolutional networks on log-mel spectrograms (input shape ``(frames, n_mels)``, time first).

All convolutions run **over time only** (``Conv1D`` with the mel bands as channels): each filter spans all
128 bands and a few frames, so it is a *frequency* (timbre) filter in the thesis's terms — it sees the whole
spectrum of a short moment, and the layers above combine moments. Square 2-D filters would also learn
local time–frequency shapes; the thesis chose timbre because instruments define its genres (section 4.2.1,
"Filter shapes", after Pons et al.).

Every builder can standardise its input with per-band ``(mean, variance)`` from the training spectrograms
(a :class:`keras.layers.Normalization` layer, saved with the model), and keeps its output layer in float32
so that mixed-precision training (see :mod:`cbrec_lab.train`) stays numerically safe.

References
----------
1. Carranza, the course thesis, sections 4.2.1 (latent-factor CNN) and 5 (genre CNN).
2. van den Oord, A., Dieleman, S., & Schrauwen, B. (2013). Deep content-based music recommendation.
   *NeurIPS 26*, 2643–2651.
3. Pons, J., Lidy, T., & Serra, X. (2016). Experimenting with musically motivated convolutional neural
   networks. *CBMI*. https://doi.org/10.1109/CBMI.2016.7500246
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..checks import positive_int
from ..config import import_keras
from ..exceptions import ParameterError

keras = import_keras()

__all__ = ["thesis_cnn", "deep_cnn", "genre_cnn", "transfer_trunk", "GlobalL2Pooling1D"]


def _input(frames: int, n_mels: int, normalization):
    frames, n_mels = positive_int(frames, name="frames"), positive_int(n_mels, name="n_mels")
    inputs = keras.Input(shape=(frames, n_mels), name="log_mel")
    if normalization is None:
        return inputs, inputs
    mean, variance = (np.asarray(v, dtype=np.float32) for v in normalization)
    if mean.shape != (n_mels,) or variance.shape != (n_mels,):
        raise ParameterError(
            f"normalization must be (mean, variance) with one value per mel band ({n_mels}), "
            f"got shapes {mean.shape} and {variance.shape}."
        )
    return inputs, keras.layers.Normalization(axis=-1, mean=mean, variance=variance, name="standardise")(inputs)


def _long_enough(x, width: int, layer: str, frames: int) -> None:
    """Refuse, with a clear message, a window too short to reach ``layer`` (of ``width`` frames)."""
    if x.shape[1] is not None and x.shape[1] < width:
        raise ParameterError(
            f"a window of {frames} frames is too short for this network: {x.shape[1]} frames reach {layer}, "
            f"which needs at least {width}; use longer windows (frames=) or smaller kernels and pools."
        )


@keras.saving.register_keras_serializable(package="cbrec_lab")
class GlobalL2Pooling1D(keras.layers.Layer):
    """The L2 norm of every feature over time: ``sqrt(Σ_t x_tc² + 1e-7)``, shape (batch, time, c) → (batch, c)."""

    def call(self, x):
        return keras.ops.sqrt(keras.ops.sum(keras.ops.square(x), axis=1) + 1e-7)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


def thesis_cnn(
    *,
    frames: int = 130,
    n_mels: int = 128,
    n_outputs: int = 50,
    filters: int = 128,
    kernel_size: int = 3,
    pool_size: int = 4,
    dense_units: int = 128,
    normalization=None,
    name: str = "thesis_cnn",
):
    """The thesis's latent-factor CNN: Conv1D(128 filters × 3 frames, ReLU) → max-pool 4 → Dense 128 (ReLU)
    → Dense 50 (linear), on 3 s windows (130 frames × 128 mel bands).

    Parameters
    ----------
    frames, n_mels : int
        Input window (time frames, mel bands).
    n_outputs : int
        Outputs: the WMF factor dimension (50 in the thesis).
    filters, kernel_size, pool_size, dense_units : int
        The thesis's 128, 3, 4 and 128.
    normalization : tuple of np.ndarray, optional
        Per-band ``(mean, variance)`` to standardise the input.

    Returns
    -------
    keras.Model
    """
    inputs, x = _input(frames, n_mels, normalization)
    filters, kernel_size = positive_int(filters, name="filters"), positive_int(kernel_size, name="kernel_size")
    pool_size, dense_units = positive_int(pool_size, name="pool_size"), positive_int(dense_units, name="dense_units")
    n_outputs = positive_int(n_outputs, name="n_outputs")
    _long_enough(x, kernel_size, "conv", frames)
    x = keras.layers.Conv1D(filters, kernel_size, activation="relu", name="conv")(x)
    _long_enough(x, pool_size, "pool", frames)
    x = keras.layers.MaxPooling1D(pool_size, name="pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(dense_units, activation="relu", name="dense")(x)
    outputs = keras.layers.Dense(n_outputs, dtype="float32", name="factors")(x)
    return keras.Model(inputs, outputs, name=name)


def deep_cnn(
    *,
    frames: int = 130,
    n_mels: int = 128,
    n_outputs: int = 50,
    filters: Sequence[int] = (256, 256, 512),
    kernel_size: int = 4,
    pool_sizes: Sequence[int] = (4, 2),
    dense_units: int = 2048,
    dropout: float = 0.5,
    normalization=None,
    name: str = "deep_cnn",
):
    """A deeper network in the style of van den Oord et al. (2013): convolutions over time separated by
    max-pooling, then *global temporal pooling* (mean, max and L2 norm of every feature over the remaining
    frames, concatenated), two dense layers and the factor output.

    The global pooling makes the output independent of the window length, so the same network predicts from
    3 s or 30 s. Defaults are the paper's widths (256, 256, 512 filters of 4 frames, pools of 4 and 2, two
    dense layers of 2,048); on a CPU use narrower ones (e.g. ``filters=(64, 64, 128), dense_units=256``).

    Parameters
    ----------
    filters : sequence of int
        Filters of each convolutional layer; a max-pooling follows every layer but the last.
    pool_sizes : sequence of int
        One pool size per gap between convolutional layers (``len(filters) - 1``).
    dropout : float
        Dropout rate before each dense layer.

    Returns
    -------
    keras.Model
    """
    filters = [positive_int(f, name="filters") for f in filters]
    pool_sizes = [positive_int(p, name="pool_sizes") for p in pool_sizes]
    kernel_size = positive_int(kernel_size, name="kernel_size")
    dense_units, n_outputs = positive_int(dense_units, name="dense_units"), positive_int(n_outputs, name="n_outputs")
    if len(pool_sizes) != len(filters) - 1:
        raise ParameterError(f"give one pool size per gap between the {len(filters)} conv layers, got {pool_sizes}.")
    if not 0 <= dropout < 1:
        raise ParameterError(f"dropout must lie in [0, 1), got {dropout!r}.")
    inputs, x = _input(frames, n_mels, normalization)
    for k, width in enumerate(filters):
        _long_enough(x, kernel_size, f"conv{k + 1}", frames)
        x = keras.layers.Conv1D(width, kernel_size, activation="relu", name=f"conv{k + 1}")(x)
        if k < len(pool_sizes):
            _long_enough(x, pool_sizes[k], f"pool{k + 1}", frames)
            x = keras.layers.MaxPooling1D(pool_sizes[k], name=f"pool{k + 1}")(x)
    mean = keras.layers.GlobalAveragePooling1D(name="mean_over_time")(x)
    peak = keras.layers.GlobalMaxPooling1D(name="max_over_time")(x)
    l2 = GlobalL2Pooling1D(name="l2_over_time")(x)
    x = keras.layers.Concatenate(name="temporal_pooling")([mean, peak, l2])
    for k in range(2):
        x = keras.layers.Dropout(dropout, name=f"dropout{k + 1}")(x)
        x = keras.layers.Dense(dense_units, activation="relu", name=f"dense{k + 1}")(x)
    outputs = keras.layers.Dense(n_outputs, dtype="float32", name="factors")(x)
    return keras.Model(inputs, outputs, name=name)


def genre_cnn(
    *,
    frames: int = 388,
    n_mels: int = 128,
    n_classes: int = 5,
    filters: int = 128,
    kernel_size: int = 3,
    pool_size: int = 3,
    dropout: float = 0.25,
    dense_units: int = 128,
    normalization=None,
    name: str = "genre_cnn",
):
    """The thesis's genre classifier (section 5.1): two Conv1D layers of 128 filters, each followed by
    max-pooling 3 and dropout, Dense 128 (ReLU), dropout, and a softmax over the genres; 9 s windows
    (388 frames × 128 mel bands). The layers up to ``drop2`` form the *trunk* that
    :func:`transfer_trunk` reuses.

    Parameters
    ----------
    n_classes : int
        Genres (5 in the thesis).
    dropout : float
        Dropout rate (the thesis does not state it; 0.25 here).

    Returns
    -------
    keras.Model
    """
    if not 0 <= dropout < 1:
        raise ParameterError(f"dropout must lie in [0, 1), got {dropout!r}.")
    inputs, x = _input(frames, n_mels, normalization)
    filters, kernel_size = positive_int(filters, name="filters"), positive_int(kernel_size, name="kernel_size")
    pool_size, dense_units = positive_int(pool_size, name="pool_size"), positive_int(dense_units, name="dense_units")
    n_classes = positive_int(n_classes, name="n_classes")
    for k in (1, 2):
        _long_enough(x, kernel_size, f"conv{k}", frames)
        x = keras.layers.Conv1D(filters, kernel_size, activation="relu", name=f"conv{k}")(x)
        _long_enough(x, pool_size, f"pool{k}", frames)
        x = keras.layers.MaxPooling1D(pool_size, name=f"pool{k}")(x)
        x = keras.layers.Dropout(dropout, name=f"drop{k}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(dense_units, activation="relu", name="dense")(x)
    x = keras.layers.Dropout(dropout, name="drop3")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", dtype="float32", name="genre")(x)
    return keras.Model(inputs, outputs, name=name)


def transfer_trunk(
    source,
    *,
    up_to: str = "drop2",
    frames: int = 130,
    n_outputs: int = 50,
    dense_units: int = 128,
    freeze: bool = False,
    name: str = "transferred",
):
    """A new network made of a *copy* of ``source``'s layers up to ``up_to`` (with their trained weights)
    and a fresh head: Flatten → Dense ``dense_units`` (ReLU) → Dense ``n_outputs`` (linear).

    Convolution weights do not depend on the window length, so a trunk trained on 9 s genre windows can
    read 3 s windows (``frames``). The copy leaves ``source`` untouched when the new network is trained.
    Used for the thesis's future work 7.4: genre features as a starting point for latent-factor prediction.

    Parameters
    ----------
    source : keras.Model
        A trained model whose first layer is its input (e.g. :func:`genre_cnn`).
    up_to : str
        Name of the last layer of ``source`` to copy.
    freeze : bool
        Keep the copied layers' weights fixed (train the head only).

    Returns
    -------
    keras.Model
    """
    names = [layer.name for layer in source.layers]
    if up_to not in names:
        raise ParameterError(f"{source.name} has no layer {up_to!r}; its layers are {names}.")
    n_mels = source.input_shape[-1]
    frames, dense_units = positive_int(frames, name="frames"), positive_int(dense_units, name="dense_units")
    n_outputs = positive_int(n_outputs, name="n_outputs")
    inputs = keras.Input(shape=(frames, n_mels), name="log_mel")
    x = inputs
    for layer in source.layers[1 : names.index(up_to) + 1]:
        config = layer.get_config()
        width = config.get("kernel_size", config.get("pool_size"))
        if width is not None:
            _long_enough(x, int(np.prod(width)), layer.name, frames)
        copy = layer.__class__.from_config(config)
        x = copy(x)
        copy.set_weights(layer.get_weights())
        copy.trainable = not freeze
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(dense_units, activation="relu", name="dense")(x)
    outputs = keras.layers.Dense(n_outputs, dtype="float32", name="factors")(x)
    return keras.Model(inputs, outputs, name=name)
