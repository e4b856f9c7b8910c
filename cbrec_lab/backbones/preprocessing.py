"""The preprocessing each pretrained network was trained with, as the first layer of its Keras model.

Every backbone takes RGB images as floats in 0–255; :class:`ImageNetPreprocessing` turns them into what its
network expects, inside the model, so no ``preprocess_input`` call is ever forgotten or doubled, and a saved
model loads back with its preprocessing (the layer is registered as ``cbrec_lab>ImageNetPreprocessing``).
"""

from __future__ import annotations

import numpy as np

from ..config import import_keras
from ..exceptions import ParameterError

keras = import_keras()
ops = keras.ops

__all__ = ["ImageNetPreprocessing"]


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
