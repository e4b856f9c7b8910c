"""The registry of ImageNet backbones and :func:`get_backbone`: the offline port, or Keras Applications online.

:data:`BACKBONES` describes every backbone (input size, preprocessing, feature layer and its dimension, published
accuracy, whether its weights work offline); :func:`get_backbone` builds one as a Keras model that takes 0–255
RGB images, its preprocessing as the first layer. ``"efficientnet_lite0"`` is the offline port of
:mod:`cbrec_lab.backbones.efficientnet`; the others are Keras Applications whose weights Keras downloads at first
use.

References
----------
1. Keras Applications, https://keras.io/api/applications/ (table of top-1 accuracies and parameter counts
   of the Keras ImageNet weights, quoted for ResNet50, VGG19, InceptionV3 and EfficientNetB0).
2. He, K., Zhang, X., Ren, S., & Sun, J. (2016). Deep residual learning for image recognition. *CVPR*.
   https://doi.org/10.1109/CVPR.2016.90
3. Simonyan, K., & Zisserman, A. (2015). Very deep convolutional networks for large-scale image
   recognition. *ICLR*. https://arxiv.org/abs/1409.1556
4. Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., & Wojna, Z. (2016). Rethinking the Inception
   architecture for computer vision. *CVPR*. https://doi.org/10.1109/CVPR.2016.308
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import import_keras, offline
from ..exceptions import CbrecError, ParameterError
from .efficientnet import efficientnet_lite0
from .preprocessing import ImageNetPreprocessing

__all__ = ["BACKBONES", "BackboneInfo", "BackboneUnavailableError", "OFFLINE_BACKBONE", "backbone_info", "get_backbone"]


class BackboneUnavailableError(CbrecError):
    """A backbone's weights cannot be had now (offline, or the download failed)."""


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
        Name of the layer whose output :func:`cbrec_lab.backbones.deep_features` returns.
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

#: Every backbone :func:`get_backbone` and :func:`cbrec_lab.backbones.deep_features` know, by name.
BACKBONES: dict[str, BackboneInfo] = {
    "efficientnet_lite0": BackboneInfo(
        "efficientnet_lite0",
        224,
        "lite",
        "avg_pool",
        1280,
        4.7,
        75.1,
        "EfficientNet-Lite README, tensorflow/tpu repository, models/official/efficientnet/lite (2020)",
        True,
        None,
        "Tan & Le (2019), EfficientNet, ICML; Lite variants: Liu (2020), TensorFlow Blog",
    ),
    "resnet50": BackboneInfo(
        "resnet50",
        224,
        "caffe",
        "avg_pool",
        2048,
        25.6,
        74.9,
        _KERAS_TABLE,
        False,
        "ResNet50",
        "He et al. (2016), Deep residual learning for image recognition, CVPR",
    ),
    "vgg19": BackboneInfo(
        "vgg19",
        224,
        "caffe",
        "fc2",
        4096,
        143.7,
        71.3,
        _KERAS_TABLE,
        False,
        "VGG19",
        "Simonyan & Zisserman (2015), Very deep convolutional networks, ICLR (Keras 'fc1' is fc6, 'fc2' is fc7)",
    ),
    "inceptionv3": BackboneInfo(
        "inceptionv3",
        299,
        "tf",
        "avg_pool",
        2048,
        23.9,
        77.9,
        _KERAS_TABLE,
        False,
        "InceptionV3",
        "Szegedy et al. (2016), Rethinking the Inception architecture, CVPR",
    ),
    "efficientnetb0": BackboneInfo(
        "efficientnetb0",
        224,
        "none",
        "avg_pool",
        1280,
        5.3,
        77.1,
        _KERAS_TABLE,
        False,
        "EfficientNetB0",
        "Tan & Le (2019), EfficientNet, ICML",
    ),
}

#: The backbone whose weights ship in a package and so work without a network.
OFFLINE_BACKBONE = "efficientnet_lite0"


def backbone_info(name: str) -> BackboneInfo:
    """The registry's entry for ``name`` (case and surrounding spaces ignored).

    Raises
    ------
    ParameterError
        For a name that is not a key of :data:`BACKBONES`; the message lists them.
    """
    if not isinstance(name, str) or name.strip().lower() not in BACKBONES:
        raise ParameterError(f"Unknown backbone {name!r}. Choose one of {', '.join(map(repr, BACKBONES))}.")
    return BACKBONES[name.strip().lower()]


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
    info = backbone_info(name)
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
    keras = import_keras()
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
