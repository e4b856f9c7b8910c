"""Predictions and penultimate-layer features of the backbones, the features optionally cached under the data home.

:func:`predict_top_k` names the most probable ImageNet classes of images; :func:`deep_features` extracts the
registry's feature layer in batches — the descriptor a content-based image recommender uses (He & McAuley's
VBPR [1] uses the 4,096-d fc7 layer of a Caffe reference network). With a ``cache_key`` the features are
stored by :func:`cbrec_lab.cache.cached_array` (an ``.npy`` file, a JSON manifest of the inputs and its
SHA-256), the same protocol as the log-mel spectrograms of :mod:`cbrec_lab.feature_cache`.

References
----------
1. He, R., & McAuley, J. (2016). VBPR: Visual Bayesian personalized ranking from implicit feedback. *AAAI*.
   https://arxiv.org/abs/1510.01784
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
from pathlib import Path

import numpy as np

from ..cache import cached_array, inputs_digest
from ..checks import positive_int
from ..config import data_home
from ..exceptions import ParameterError
from ..ranking import top_k
from . import images as _images
from . import weights as _weights
from .images import as_rgb_255, image_list, prepare_images
from .labels import imagenet_labels
from .registry import BackboneInfo, backbone_info, get_backbone

__all__ = ["predict_top_k", "deep_features", "deep_feature_cache_path"]


def predict_top_k(model, images, *, k: int = 5, batch_size: int = 32) -> list[list[tuple[str, float]]]:
    """The ``k`` most probable ImageNet classes of each image.

    Parameters
    ----------
    model : keras.Model
        An ImageNet classifier with probabilities as output (``efficientnet_lite0()`` or
        ``get_backbone(name, include_top=True)``), taking 0–255 RGB squares.
    images : sequence of np.ndarray or np.ndarray [shape=(n, h, w[, c])]
        As for :func:`~cbrec_lab.backbones.prepare_images`; they are resized to the model's input size.
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
    if positive_int(k, name="k") > 1000:
        raise ParameterError(f"k must be an integer in 1..1000 (there are 1,000 classes), got {k!r}.")
    size = _model_input_size(model)
    probabilities = _predict(model, image_list(images), size, batch_size, progress=False)
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
    return [
        [(labels[i], float(row[i])) for i in order]
        for row, order in zip(probabilities, top_k(probabilities, k), strict=True)
    ]


def _model_input_size(model) -> int:
    shape = tuple(model.input_shape)
    if len(shape) != 4 or shape[1] is None or shape[1] != shape[2] or shape[3] != 3:
        raise ParameterError(f"Expected a model with square RGB input (n, s, s, 3), got input shape {shape}.")
    return int(shape[1])


def _predict(model, items: list, size: int, batch_size: int, *, progress: bool) -> np.ndarray:
    batch_size = positive_int(batch_size, name="batch_size")
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
            _weights.WEIGHTS_SHA256 if info.offline else f"keras-applications {importlib.metadata.version('keras')}"
        ),
        "preprocessing_version": _images.PREPROCESSING_VERSION,
        "input_size": info.input_size,
        "images_sha256": [_image_digest(image) for image in items],
    }


def _cache_path(info: BackboneInfo, cache_key: str, inputs: dict) -> Path:
    if not isinstance(cache_key, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", cache_key):
        raise ParameterError(
            "cache_key must be 1–64 letters, digits, '.', '_' or '-' (starting with a letter or digit), "
            f"got {cache_key!r}."
        )
    return data_home() / "features" / "deep" / f"{info.name}-{cache_key}-{inputs_digest(inputs)}.npy"


def deep_feature_cache_path(images, *, backbone: str = "efficientnet_lite0", cache_key: str) -> Path:
    """Where :func:`deep_features` caches the features of these images: ``<data home>/features/deep/…``.

    The file name is ``<backbone>-<cache_key>-<digest>.npy`` where the digest covers the backbone, its weights'
    SHA-256, :data:`~cbrec_lab.backbones.PREPROCESSING_VERSION` and the SHA-256 of every image's pixels, so
    changing any of them gives another file; its manifest is the same path with the suffix ``.json``.
    """
    info = backbone_info(backbone)
    items = image_list(images)
    return _cache_path(info, cache_key, _cache_inputs(info, items))


def deep_features(
    images,
    *,
    backbone: str = "efficientnet_lite0",
    batch_size: int = 32,
    cache_key: str | None = None,
    progress: bool = False,
) -> np.ndarray:
    """Penultimate-layer ImageNet features of images, extracted in batches and optionally cached.

    Every image goes through :func:`~cbrec_lab.backbones.prepare_images` (dtype policy, short side resized to
    the backbone's input size, centre crop) and the backbone of :func:`~cbrec_lab.backbones.get_backbone` without
    its classifier; the features are the output of the registry's ``feature_layer`` — the global average of the
    last convolutional feature map for EfficientNet, ResNet and Inception, fc7 (``fc2``) for VGG19, the
    descriptor VBPR uses.

    Parameters
    ----------
    images : sequence of np.ndarray or np.ndarray [shape=(n, h, w[, c])]
        Images of any sizes (uint8, uint16, bool, or floats in [0, 1]; greyscale or RGB(A)).
    backbone : str
        A key of :data:`~cbrec_lab.backbones.BACKBONES`; ``"efficientnet_lite0"`` (default) works offline.
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
    info = backbone_info(backbone)
    items = image_list(images)
    batch_size = positive_int(batch_size, name="batch_size")
    for i, image in enumerate(items):  # bad images fail before any model is built or anything is computed
        as_rgb_255(image, i)
    if cache_key is None:
        return _predict(_feature_model(info.name), items, info.input_size, batch_size, progress=progress)
    inputs = _cache_inputs(info, items)

    def compute() -> tuple[np.ndarray, dict]:
        return _predict(_feature_model(info.name), items, info.input_size, batch_size, progress=progress), {}

    features, _ = cached_array(_cache_path(info, cache_key, inputs), inputs, compute, what="deep features")
    return features
