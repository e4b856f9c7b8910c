"""Images as loaded → the batches every backbone takes: float32 RGB in 0–255, short side resized, centre crop.

One input convention for every backbone: **RGB images as float values in 0–255** (what an image file holds), of
the backbone's input size. :func:`prepare_images` converts images as loaded (uint8, uint16, bool, or floats in
[0, 1] as everywhere in :mod:`cbrec_lab.vision`; greyscale is repeated into three channels and an alpha channel
dropped) by the dtype policy of :func:`as_rgb_255`, resizes the short side to the input size and crops the
centre. :func:`image_list` and :func:`as_rgb_255` check a collection and one image before any work starts;
:mod:`cbrec_lab.finetune` uses them too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..checks import positive_int
from ..exceptions import ParameterError

__all__ = ["PREPROCESSING_VERSION", "prepare_images", "image_list", "as_rgb_255"]

#: Bumped whenever :func:`prepare_images` changes what the network sees; cached features are then ignored.
PREPROCESSING_VERSION = 1


def as_rgb_255(image, index: int) -> np.ndarray:
    """One image as float32 RGB in 0–255 with shape ``(h, w, 3)``: the dtype policy of :func:`prepare_images`.

    uint8 is taken as is, uint16 divided by 257, bool mapped to 0/255, floats in [0, 1] multiplied by 255; a
    greyscale image (``(h, w)`` or ``(h, w, 1)``) is repeated into three channels and an alpha channel dropped
    without compositing.

    Parameters
    ----------
    image : np.ndarray
        One image as loaded.
    index : int
        Its position in the collection, named in the error messages.

    Returns
    -------
    np.ndarray [shape=(h, w, 3), dtype=float32]

    Raises
    ------
    ParameterError
        For a shape that is not an image, an empty image, floats outside [0, 1] or an unsupported dtype.
    """
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
    raise ParameterError(f"{where} has dtype {image.dtype}: pass uint8 (0–255), uint16 (0–65535) or floats in [0, 1].")


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


def image_list(images) -> list:
    """A collection of images as a list: a list or tuple of arrays, or the images of an ``(n, h, w, c)`` batch.

    Raises
    ------
    ParameterError
        For a single image (a 2-D or 3-D array: wrap it in a list), an empty collection, or anything that is
        neither a sequence of arrays nor a 4-D array.
    """
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
    size = positive_int(size, name="size", minimum=8)
    items = image_list(images)
    return np.stack([_resize_centre_crop(as_rgb_255(image, i), size) for i, image in enumerate(items)])
