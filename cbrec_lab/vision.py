"""Image features: the visual attractiveness features of San Pedro & Siersdorfer (2009).

Dtype policy: every function accepts RGB images as ``uint8`` (0–255) or floats in [0, 1] and converts them
to ``float64`` in [0, 1] first (:func:`as_float_rgb`), so no computation wraps around in 8-bit arithmetic.
Colourfulness is reported on the 0–255 scale of Hasler & Süsstrunk's paper so that its values compare with
theirs.

References
----------
1. San Pedro, J., & Siersdorfer, S. (2009). Ranking and classifying attractiveness of photos in
   folksonomies. *WWW*, 771–780. https://doi.org/10.1145/1526709.1526813
2. Hasler, D., & Süsstrunk, S. (2003). Measuring colourfulness in natural images. *Proc. SPIE 5007, Human
   Vision and Electronic Imaging VIII*, 87–95. https://doi.org/10.1117/12.477378
3. Peli, E. (1990). Contrast in complex images. *JOSA A*, 7(10), 2032–2040 (RMS contrast).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from .exceptions import ParameterError

__all__ = ["as_float_rgb", "luminance", "attractiveness_features", "ATTRACTIVENESS_FEATURES"]

#: Names of the features returned by :func:`attractiveness_features`, in order.
ATTRACTIVENESS_FEATURES = (
    "brightness",
    "contrast",
    "rgb_contrast",
    "saturation",
    "saturation_variation",
    "sharpness",
    "sharpness_variation",
    "colourfulness",
)


def as_float_rgb(image) -> np.ndarray:
    """An RGB image as float64 in [0, 1] with shape ``(h, w, 3)``.

    ``uint8`` input is divided by 255; float input must already lie in [0, 1]. A fourth (alpha) channel is
    dropped.

    Raises
    ------
    ParameterError
        For a shape other than ``(h, w, 3|4)``, an integer type other than uint8, or floats outside [0, 1].
    """
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] not in (3, 4) or min(image.shape[:2]) < 3:
        raise ParameterError(f"Expected an RGB image of shape (height, width, 3), got shape {image.shape}.")
    image = image[..., :3]
    if image.dtype == np.uint8:
        return image.astype(np.float64) / 255.0
    if np.issubdtype(image.dtype, np.floating):
        if image.min() < 0 or image.max() > 1:
            raise ParameterError(
                f"Float images must lie in [0, 1], got values in [{image.min():.3g}, {image.max():.3g}]; "
                "divide 0–255 images by 255 or pass them as uint8."
            )
        return image.astype(np.float64)
    raise ParameterError(f"Unsupported image dtype {image.dtype}: pass uint8 (0–255) or floats in [0, 1].")


def luminance(image) -> np.ndarray:
    """ITU-R BT.601 luma ``Y = 0.299 R + 0.587 G + 0.114 B`` in [0, 1], shape ``(h, w)``."""
    return as_float_rgb(image) @ np.array([0.299, 0.587, 0.114])


def _saturation(rgb: np.ndarray) -> np.ndarray:
    """HSV saturation ``S = (max − min) / max`` (0 where max = 0)."""
    high, low = rgb.max(axis=2), rgb.min(axis=2)
    return np.divide(high - low, high, out=np.zeros_like(high), where=high > 0)


def attractiveness_features(image) -> dict[str, float]:
    """The visual attractiveness features of San Pedro & Siersdorfer (2009), section 4.2.

    With ``Y`` the luma in [0, 1], ``N`` the number of pixels and ``S`` the HSV saturation:

    - brightness ``= mean(Y)``;
    - contrast (RMS) ``= sqrt(1/N Σ (Y − mean Y)²)``;
    - RGB contrast ``= sqrt(1/N Σ ‖(R, G, B) − mean(R, G, B)‖²)``, the RMS contrast in RGB space;
    - saturation ``= mean(S)`` and saturation variation ``= std(S)``;
    - sharpness ``= mean(|∇²Y| / μ)`` and sharpness variation ``= std(|∇²Y| / μ)``, the Laplacian
      normalised by the local mean luma ``μ`` over a 3×3 window (plus 1/255, so black areas do not divide
      by zero);
    - colourfulness (Hasler & Süsstrunk 2003) on the 0–255 scale: with ``rg = R − G`` and
      ``yb = (R + G)/2 − B``, ``C = sqrt(σ_rg² + σ_yb²) + 0.3 · sqrt(μ_rg² + μ_yb²)``.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1].

    Returns
    -------
    dict
        ``{name: value}`` for each name in :data:`ATTRACTIVENESS_FEATURES`.

    Notes
    -----
    Naturalness (Huang et al.) and entropy, the other features of the paper's table, are computed by the
    lesson on handcrafted features.
    """
    rgb = as_float_rgb(image)
    y = rgb @ np.array([0.299, 0.587, 0.114])
    saturation = _saturation(rgb)
    laplacian = np.abs(ndimage.laplace(y, mode="reflect"))
    local_mean = ndimage.uniform_filter(y, size=3, mode="reflect") + 1 / 255
    sharp = laplacian / local_mean
    r, g, b = (rgb[..., k] * 255.0 for k in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return {
        "brightness": float(y.mean()),
        "contrast": float(y.std()),
        "rgb_contrast": float(np.sqrt(((rgb - rgb.mean(axis=(0, 1))) ** 2).sum(axis=2).mean())),
        "saturation": float(saturation.mean()),
        "saturation_variation": float(saturation.std()),
        "sharpness": float(sharp.mean()),
        "sharpness_variation": float(sharp.std()),
        "colourfulness": float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())),
    }
