"""Handcrafted image features: loading, LBP texture histograms, the attractiveness features of San Pedro &
Siersdorfer (2009), local ORB descriptors with a bag of visual words, and colour histograms.

These are the "feature engineering" baselines the lessons compare deep (CNN) features against; the deep
features themselves live in :mod:`cbrec_lab.backbones`.

Dtype policy: every feature function accepts RGB images as ``uint8`` (0–255) or floats in [0, 1] and converts
them to ``float64`` in [0, 1] first (:func:`as_float_rgb`), so no computation wraps around in 8-bit arithmetic.
Functions that work on grey levels (LBP, entropy, ORB) use the BT.601 luma rounded to 8 bits,
``round(255 · (0.299 R + 0.587 G + 0.114 B))``. :func:`load_image` turns image files of any common depth into
``uint8`` RGB. Colourfulness is reported on the 0–255 scale of Hasler & Süsstrunk's paper so that its values
compare with theirs.

References
----------
1. San Pedro, J., & Siersdorfer, S. (2009). Ranking and classifying attractiveness of photos in
   folksonomies. *WWW*, 771–780. https://doi.org/10.1145/1526709.1526813
2. Hasler, D., & Süsstrunk, S. (2003). Measuring colourfulness in natural images. *Proc. SPIE 5007, Human
   Vision and Electronic Imaging VIII*, 87–95. https://doi.org/10.1117/12.477378
3. Peli, E. (1990). Contrast in complex images. *JOSA A*, 7(10), 2032–2040 (RMS contrast).
   https://doi.org/10.1364/JOSAA.7.002032
4. Ojala, T., Pietikäinen, M., & Harwood, D. (1996). A comparative study of texture measures with
   classification based on featured distributions. *Pattern Recognition*, 29(1), 51–59 (the 3×3 LBP).
   https://doi.org/10.1016/0031-3203(95)00067-4
5. Ojala, T., Pietikäinen, M., & Mäenpää, T. (2002). Multiresolution gray-scale and rotation invariant
   texture classification with local binary patterns. *IEEE TPAMI*, 24(7), 971–987.
   https://doi.org/10.1109/TPAMI.2002.1017623
6. Huang, K.-Q., Wang, Q., & Wu, Z.-Y. (2006). Natural color image enhancement and evaluation algorithm based
   on human visual system. *Computer Vision and Image Understanding*, 103(1), 52–63.
   https://doi.org/10.1016/j.cviu.2006.02.007
7. Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical Journal*, 27(3),
   379–423. https://doi.org/10.1002/j.1538-7305.1948.tb01338.x
8. Rublee, E., Rabaud, V., Konolige, K., & Bradski, G. (2011). ORB: An efficient alternative to SIFT or SURF.
   *ICCV*, 2564–2571. https://doi.org/10.1109/ICCV.2011.6126544
9. Sivic, J., & Zisserman, A. (2003). Video Google: A text retrieval approach to object matching in videos.
   *ICCV*, 1470–1477 (visual words). https://doi.org/10.1109/ICCV.2003.1238663
10. Sculley, D. (2010). Web-scale k-means clustering. *WWW*, 1177–1178 (mini-batch k-means).
    https://doi.org/10.1145/1772690.1772862
11. Swain, M. J., & Ballard, D. H. (1991). Color indexing. *International Journal of Computer Vision*, 7(1),
    11–32 (colour histograms). https://doi.org/10.1007/BF00130487
"""

from __future__ import annotations

import io
import math
import numbers
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import ndimage

from .checks import positive_int
from .exceptions import CbrecError, ParameterError

__all__ = [
    "ImageFileError",
    "MIN_IMAGE_SIDE",
    "MAX_IMAGE_PIXELS",
    "load_image",
    "as_float_rgb",
    "luminance",
    "rgb_to_hsl",
    "lbp_code",
    "lbp_codes",
    "lbp_histogram",
    "lbp_n_bins",
    "naturalness",
    "NATURALNESS_CLASSES",
    "entropy",
    "attractiveness_features",
    "attractiveness_table",
    "ATTRACTIVENESS_FEATURES",
    "ALL_ATTRACTIVENESS_FEATURES",
    "orb_descriptors",
    "VisualVocabulary",
    "good_matches",
    "colour_histogram",
]

#: The eight colour, contrast and sharpness features of San Pedro & Siersdorfer (2009), in order. These are
#: the columns the art kit stores in its items table (and weighs in its appeal model); the tuple is kept at
#: eight so that adding features here does not change the kit's data.
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

#: Names of everything :func:`attractiveness_features` and :func:`attractiveness_table` return, in order:
#: :data:`ATTRACTIVENESS_FEATURES`, then naturalness (Huang et al. 2006, as in San Pedro & Siersdorfer's
#: table) and the grey-level entropy.
ALL_ATTRACTIVENESS_FEATURES = ATTRACTIVENESS_FEATURES + ("naturalness", "entropy")

#: :func:`load_image` refuses images with a side shorter than this (in pixels).
MIN_IMAGE_SIDE = 8
#: :func:`load_image` refuses images with more pixels than this (50 megapixels: an 8,660 × 5,773 photo; a
#: decoded RGB image of that size takes 150 MB as uint8 and 1.2 GB as the float64 the features work on).
MAX_IMAGE_PIXELS = 50_000_000

_LUMA = np.array([0.299, 0.587, 0.114])


class ImageFileError(CbrecError, OSError):
    """An image file is missing, unreadable, corrupt, or holds samples :func:`load_image` cannot convert."""


# --------------------------------------------------------------------------------------------------------------
# Validation helpers


def _check_choice(name: str, value, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


# --------------------------------------------------------------------------------------------------------------
# Loading


#: Formats :func:`load_image` reads, with the signatures their files start with. Pillow reads the header (the
#: size is checked against :data:`MAX_IMAGE_PIXELS` before any pixel is decoded) and OpenCV decodes; the
#: signature check makes sure both see the same format. Formats Pillow cannot size without decoding (Radiance
#: ``.hdr``, OpenEXR, …; OpenCV has no header-only API) are refused: they hold floating-point samples, which
#: :func:`load_image` does not convert anyway.
_SIGNATURES = {
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPEG": (b"\xff\xd8\xff",),
    "MPO": (b"\xff\xd8\xff",),  # multi-picture JPEG from cameras: OpenCV reads the first picture
    "TIFF": (b"II*\x00", b"MM\x00*"),
    "BMP": (b"BM",),
    "WEBP": (b"RIFF",),
    "PPM": (b"P1", b"P2", b"P3", b"P4", b"P5", b"P6"),
    "JPEG2000": (b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51"),
    "GIF": (b"GIF87a", b"GIF89a"),
}


def _header(data: bytes, path) -> tuple[tuple[int, int], int]:
    """``((width, height), EXIF orientation)`` from the file header via Pillow, without decoding the pixels.

    Raises ImageFileError when Pillow cannot read the header, or the format is not one of :data:`_SIGNATURES`
    (or the file does not start with its signature); ParameterError when the size is out of bounds.
    """
    from PIL import Image, UnidentifiedImageError

    name = os.fspath(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower
            with Image.open(io.BytesIO(data)) as image:
                fmt, (width, height) = image.format, image.size
                try:
                    orientation = int(image.getexif().get(0x0112, 1) or 1)
                except Exception:  # noqa: BLE001 - a damaged EXIF block only loses the orientation
                    orientation = 1
    except Image.DecompressionBombError as error:
        raise ParameterError(
            f"{name}: {error} That is more than MAX_IMAGE_PIXELS = {MAX_IMAGE_PIXELS:,}; shrink it first."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageFileError(
            f"{name!r}: cannot decode it: its header cannot be read ({type(error).__name__}: {error}), so it is "
            "corrupt, not an image, or in a format whose size cannot be checked before decoding (e.g. Radiance "
            ".hdr, OpenEXR). Save it as PNG or JPEG."
        ) from None
    signatures = _SIGNATURES.get(fmt)
    if signatures is None or not data.startswith(signatures) or (fmt == "WEBP" and data[8:12] != b"WEBP"):
        raise ImageFileError(
            f"{name!r}: cannot decode it: a {fmt} image is not among the formats load_image reads "
            f"({', '.join(sorted(_SIGNATURES))}), or its first bytes do not match that format. Save it as PNG or JPEG."
        )
    _check_pixels(width, height, path)
    return (width, height), orientation


def _check_pixels(width: int, height: int, path) -> None:
    if width * height > MAX_IMAGE_PIXELS:
        raise ParameterError(
            f"{os.fspath(path)}: the image has {width * height:,} pixels ({width} × {height}), more than "
            f"MAX_IMAGE_PIXELS = {MAX_IMAGE_PIXELS:,}; shrink it first (e.g. with an image editor or Pillow)."
        )
    if min(width, height) < MIN_IMAGE_SIDE:
        raise ParameterError(
            f"{os.fspath(path)}: the image is {width} × {height} pixels; at least "
            f"{MIN_IMAGE_SIDE} × {MIN_IMAGE_SIDE} are needed for the features of this module."
        )


def _apply_orientation(image: np.ndarray, orientation: int) -> np.ndarray:
    """Turn the stored pixels upright as the EXIF orientation tag (0x0112) says, like Pillow's
    ``ImageOps.exif_transpose``: 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise,
    7 transverse, 8 rotate 90° counter-clockwise; 1 and unknown values leave the image as it is."""
    if orientation == 2:
        image = image[:, ::-1]
    elif orientation == 3:
        image = image[::-1, ::-1]
    elif orientation == 4:
        image = image[::-1]
    elif orientation == 5:
        image = image.swapaxes(0, 1)
    elif orientation == 6:
        image = np.rot90(image, -1)
    elif orientation == 7:
        image = image.swapaxes(0, 1)[::-1, ::-1]
    elif orientation == 8:
        image = np.rot90(image, 1)
    return np.ascontiguousarray(image)


def _decoded_to_rgb8(image: np.ndarray, alpha: str, path) -> np.ndarray:
    """OpenCV's decoded array (grey, BGR or BGRA; 8 or 16 bits) → uint8 RGB of shape (h, w, 3)."""
    if image.dtype == np.uint8:
        top = 255.0
    elif image.dtype == np.uint16:
        top = 65535.0
    else:
        raise ImageFileError(
            f"{os.fspath(path)}: samples of type {image.dtype} (a floating-point or signed HDR/TIFF image?) are not "
            "supported; save it as 8- or 16-bit PNG or JPEG."
        )
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3:
        raise ImageFileError(f"{os.fspath(path)}: decoded to an array of shape {image.shape}, not an image.")
    channels = image.shape[2]
    if channels not in (1, 2, 3, 4):
        raise ImageFileError(f"{os.fspath(path)}: {channels} channels; expected grey, grey + alpha, RGB or RGBA.")
    colour = image[:, :, :1] if channels <= 2 else image[:, :, 2::-1]  # BGR → RGB
    composite = channels in (2, 4) and alpha == "white"
    if composite:
        a = image[:, :, -1:].astype(np.float64) / top
        values = colour.astype(np.float64) * a + top * (1.0 - a)
        rgb = np.clip(np.rint(values * (255.0 / top)), 0, 255).astype(np.uint8)
    elif image.dtype == np.uint16:
        rgb = np.rint(colour.astype(np.float64) / 257.0).astype(np.uint8)  # 65,535 / 257 = 255
    else:
        rgb = colour
    return np.ascontiguousarray(np.broadcast_to(rgb, rgb.shape[:2] + (3,)))


def load_image(path, *, size: int | None = None, alpha: str = "white") -> np.ndarray:
    """Read an image file into a ``uint8`` RGB array of shape ``(height, width, 3)``.

    The file is decoded by OpenCV with ``IMREAD_UNCHANGED`` (through ``cv2.imdecode`` on the file's bytes,
    which also works for non-ASCII paths on Windows), so its depth and channels are kept and converted here:

    - **grey** images are repeated into the three channels;
    - **16-bit** images are scaled to 8 bits, ``round(v / 257)`` (65,535 → 255);
    - **alpha**: see ``alpha`` below;
    - channel order is turned from OpenCV's BGR into RGB;
    - the EXIF orientation tag is applied (read with Pillow from the header), so phone photos come out
      upright — ``IMREAD_UNCHANGED`` alone would ignore it.

    Parameters
    ----------
    path : str or os.PathLike
        An image file in a format that Pillow can size from its header and OpenCV decodes: PNG, JPEG, TIFF,
        BMP, WebP, GIF, PPM/PGM/PBM, JPEG 2000. Other formats (Radiance ``.hdr``, OpenEXR, …) are refused,
        because their size could only be known by decoding them, which may take gigabytes.
    size : int >= 8, optional
        Resize so that the **longer** side is ``size`` pixels, keeping the aspect ratio (the shorter side is
        rounded); area averaging when shrinking, bicubic when enlarging (OpenCV). None keeps the file's size.
    alpha : {"white", "drop"}
        What to do with a transparency channel. ``"white"`` (default) composites the image on a white
        background, ``c' = α c + (1 − α) · 255`` with ``α`` in [0, 1], which is what a viewer shows on a white
        page (transparent pixels of product photos often store black). ``"drop"`` ignores the alpha channel
        and keeps the stored colours, as :func:`cbrec_lab.backbones.prepare_images` does for arrays.

    Returns
    -------
    np.ndarray [shape=(height, width, 3), dtype=uint8]

    Raises
    ------
    ImageFileError
        If the file does not exist, is empty, is truncated or corrupt, is not an image, is in a format not listed
        under ``path``, or holds samples other than 8- or 16-bit unsigned integers.
    ParameterError
        If the image has a side shorter than :data:`MIN_IMAGE_SIDE` (8) pixels or more than
        :data:`MAX_IMAGE_PIXELS` (50 million) pixels — checked from the header, before anything is decoded —
        if the resized image would have a side shorter than 8 pixels, or for bad arguments.
    """
    import cv2

    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path must be a str or os.PathLike, got {type(path).__name__}.")
    if size is not None:
        size = positive_int(size, name="size", minimum=MIN_IMAGE_SIDE)
    _check_choice("alpha", alpha, ("white", "drop"))
    if not os.path.exists(path):
        raise ImageFileError(f"No such image file: {os.fspath(path)!r}.")
    if os.path.isdir(path):
        raise ImageFileError(f"{os.fspath(path)!r} is a directory, not an image file.")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ImageFileError(f"Cannot read {os.fspath(path)!r}: {error}.") from error
    if not data:
        raise ImageFileError(f"{os.fspath(path)!r} is empty (0 bytes).")
    _, orientation = _header(data, path)  # size checked before anything is decoded
    try:
        decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    except cv2.error as error:
        raise ImageFileError(f"OpenCV cannot decode {os.fspath(path)!r}: {error}") from error
    if decoded is None or decoded.size == 0:
        raise ImageFileError(
            f"OpenCV cannot decode {os.fspath(path)!r}: the file is truncated or corrupt; copy or download it again, "
            "or save it as PNG or JPEG."
        )
    _check_pixels(decoded.shape[1], decoded.shape[0], path)
    image = _apply_orientation(_decoded_to_rgb8(decoded, alpha, path), orientation)
    if size is not None:
        height, width = image.shape[:2]
        scale = size / max(height, width)
        new_h, new_w = max(1, round(height * scale)), max(1, round(width * scale))
        if min(new_h, new_w) < MIN_IMAGE_SIDE:
            raise ParameterError(
                f"{os.fspath(path)}: resizing the {width} × {height} image to a longer side of {size} gives "
                f"{new_w} × {new_h}, below {MIN_IMAGE_SIDE} pixels on a side; pass a larger size."
            )
        if (new_h, new_w) != (height, width):
            interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
            image = cv2.resize(image, (new_w, new_h), interpolation=interpolation)
    return image


# --------------------------------------------------------------------------------------------------------------
# Pixels


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
        if not np.isfinite(image).all() or image.min() < 0 or image.max() > 1:
            raise ParameterError(
                f"Float images must lie in [0, 1], got values in [{image.min():.3g}, {image.max():.3g}]; "
                "divide 0–255 images by 255 or pass them as uint8."
            )
        return image.astype(np.float64)
    raise ParameterError(f"Unsupported image dtype {image.dtype}: pass uint8 (0–255) or floats in [0, 1].")


def luminance(image) -> np.ndarray:
    """ITU-R BT.601 luma ``Y = 0.299 R + 0.587 G + 0.114 B`` in [0, 1], shape ``(h, w)``."""
    return as_float_rgb(image) @ _LUMA


def _grey_levels(image) -> np.ndarray:
    """The luma rounded to 8 bits, ``round(255 Y)``, as uint8 of shape (h, w)."""
    return np.rint(np.clip(luminance(image), 0.0, 1.0) * 255.0).astype(np.uint8)


def _high_low(r: np.ndarray, g: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel ``max(R, G, B)`` and ``min(R, G, B)``, elementwise (several times faster than ``max(axis=2)``,
    a reduction over an axis of length 3)."""
    return np.maximum(np.maximum(r, g), b), np.minimum(np.minimum(r, g), b)


def _saturation(rgb: np.ndarray) -> np.ndarray:
    """HSV saturation ``S = (max − min) / max`` (0 where max = 0)."""
    high, low = _high_low(rgb[..., 0], rgb[..., 1], rgb[..., 2])
    return np.divide(high - low, high, out=np.zeros_like(high), where=high > 0)


def rgb_to_hsl(image) -> np.ndarray:
    """Hue, saturation and lightness of every pixel (the HSL double cone, as in Python's ``colorsys``).

    With ``M = max(R, G, B)``, ``m = min(R, G, B)`` and ``C = M − m``:

    - lightness ``L = (M + m) / 2``;
    - saturation ``S = C / (1 − |2L − 1|)``, that is ``C / (M + m)`` for ``L ≤ ½`` and ``C / (2 − M − m)``
      above (0 for greys, where ``C = 0``);
    - hue in degrees, ``H = 60° · ((G − B)/C mod 6)`` if ``M = R``, ``60° · ((B − R)/C + 2)`` if ``M = G``,
      ``60° · ((R − G)/C + 4)`` if ``M = B`` (0 for greys).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1].

    Returns
    -------
    np.ndarray [shape=(h, w, 3), dtype=float64]
        ``H`` in [0, 360), ``S`` and ``L`` in [0, 1], in that order along the last axis.
    """
    return np.stack(_hsl_planes(as_float_rgb(image)), axis=-1)


def _hsl_planes(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hue in degrees, saturation, lightness) as three (h, w) arrays; see :func:`rgb_to_hsl`."""
    r, g, b = np.ascontiguousarray(np.moveaxis(rgb, -1, 0))  # contiguous planes: faster elementwise maths
    high, low = _high_low(r, g, b)
    chroma = high - low
    total = high + low
    lightness = total / 2
    coloured = chroma > 0
    denominator = np.where(lightness <= 0.5, total, 2.0 - total)
    saturation = np.divide(chroma, denominator, out=np.zeros_like(chroma), where=coloured)
    safe = np.where(coloured, chroma, 1.0)
    hue = np.where(
        high == r, np.mod((g - b) / safe, 6.0), np.where(high == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0)
    )
    hue = np.where(coloured, 60.0 * hue, 0.0) % 360.0
    return hue, np.clip(saturation, 0.0, 1.0, out=saturation), lightness


# --------------------------------------------------------------------------------------------------------------
# Local binary patterns

#: Row and column of the 8 neighbours of the centre (1, 1) of a 3×3 patch in scikit-image's order:
#: counter-clockwise from east, neighbour ``i`` at angle ``2πi/8`` — E, NE, N, NW, W, SW, S, SE.
_LBP_NEIGHBOURS = ((1, 2), (0, 2), (0, 1), (0, 0), (1, 0), (2, 0), (2, 1), (2, 2))

_LBP_METHODS = ("nri_uniform", "uniform", "default", "ror")


def lbp_code(patch, *, sampling: str = "square") -> int:
    """The basic local binary pattern of the centre of a 3×3 patch, a number from 0 to 255.

    Each of the 8 neighbours ``g_i`` is compared with the centre ``g_c`` (thresholding), and the results are
    read as the bits of one byte (Ojala et al. 1996)::

        s_i = 1 if g_i ≥ g_c else 0,        LBP = Σ_{i=0}^{7} s_i · 2^i

    The neighbours are numbered counter-clockwise starting east, the order scikit-image uses (neighbour ``i``
    at angle ``2πi/8``, rows growing downwards)::

        3 2 1        NW  N  NE
        4 c 0   =    W   c  E
        5 6 7        SW  S  SE

    so that bit 0 is the east neighbour ``patch[1, 2]`` and bit 7 the south-east one ``patch[2, 2]``.

    Parameters
    ----------
    patch : array_like [shape=(3, 3)]
        Grey levels (any real numbers; uint8 in practice).
    sampling : {"square", "circle"}
        ``"square"`` (default): the 8 pixels around the centre, the original operator of Ojala et al. (1996).
        ``"circle"``: the 8 points on the circle of radius 1 around the centre (Ojala et al. 2002), which
        :func:`lbp_histogram` and ``skimage.feature.local_binary_pattern(P=8, R=1)`` use. The four axis points
        are pixels; each diagonal point lies at ``(±√½, ±√½)`` from the centre and its grey level is
        interpolated bilinearly from the 2×2 pixels around it — for the north-east point
        ``(1 − d)² g_c + d(1 − d) (g_N + g_E) + d² g_NE`` with ``d = 0.70711`` (the offset rounded to 5
        decimals as scikit-image does), computed in scikit-image's order of operations so that the codes agree
        bit for bit. The two samplings differ only in the four diagonal bits.

    Returns
    -------
    int
        The code, ``0 ≤ LBP ≤ 255``.

    Examples
    --------
    >>> lbp_code([[9, 1, 7], [2, 5, 6], [3, 8, 4]])  # E=6≥5, NE=7≥5, NW=9≥5, S=8≥5: bits 0, 1, 3, 6
    75
    """
    _check_choice("sampling", sampling, ("square", "circle"))
    patch = np.asarray(patch)
    if patch.shape != (3, 3) or not (np.issubdtype(patch.dtype, np.integer) or np.issubdtype(patch.dtype, np.floating)):
        raise ParameterError(
            f"patch must be a 3×3 array of grey levels, got shape {patch.shape} and dtype {patch.dtype}."
        )
    patch = patch.astype(np.float64)
    if not np.isfinite(patch).all():
        raise ParameterError("patch contains NaN or ±inf.")
    centre = patch[1, 1]
    code = 0
    for i, (row, col) in enumerate(_LBP_NEIGHBOURS):
        if sampling == "square":
            value = patch[row, col]
        else:  # scikit-image's sampling point and bilinear interpolation (mode "constant" never triggers here)
            r = 1.0 + float(np.round(-np.sin(2 * np.pi * i / 8), 5))
            c = 1.0 + float(np.round(np.cos(2 * np.pi * i / 8), 5))
            r0, c0, r1, c1 = math.floor(r), math.floor(c), math.ceil(r), math.ceil(c)
            dr, dc = r - r0, c - c0
            top = (1 - dc) * patch[r0, c0] + dc * patch[r0, c1]
            bottom = (1 - dc) * patch[r1, c0] + dc * patch[r1, c1]
            value = (1 - dr) * top + dr * bottom
        code |= int(value - centre >= 0) << i
    return code


def lbp_n_bins(P: int = 8, method: str = "nri_uniform") -> int:
    """Number of distinct codes (histogram bins) of an LBP method with ``P`` neighbours.

    ``"nri_uniform"``: ``P(P − 1) + 3`` (59 for P = 8); ``"uniform"``: ``P + 2`` (10); ``"default"`` and
    ``"ror"``: ``2^P`` (256; ``"ror"`` uses only the codes that are smallest among their rotations, 36 of them for
    P = 8, but keeps their numeric values). ``P`` is 1–32, at most 16 for ``"default"`` and ``"ror"``. See
    :func:`lbp_histogram`.
    """
    P, method = _check_lbp(P, method)
    return {"nri_uniform": P * (P - 1) + 3, "uniform": P + 2}.get(method, 2**P)


def _check_lbp(P, method) -> tuple[int, str]:
    method = _check_choice("method", method, _LBP_METHODS)
    P, most = positive_int(P, name="P"), 32 if method in ("nri_uniform", "uniform") else 16
    if P > most:
        hint = "; use method='uniform' or 'nri_uniform' for more sampling points" if most == 16 else ""
        raise ParameterError(f"P must be at most {most} for method={method!r}, got {P}{hint}.")
    return P, method


def _lbp_arguments(image, P, R, method) -> tuple[np.ndarray, int, float, str, int]:
    P, method = _check_lbp(P, method)
    if isinstance(R, bool) or not isinstance(R, numbers.Real) or not math.isfinite(R) or R <= 0:
        raise ParameterError(f"R must be a positive, finite number of pixels, got {R!r}.")
    grey = _grey_levels(image)
    border = math.ceil(R)
    if min(grey.shape) <= 2 * border:
        raise ParameterError(
            f"The image ({grey.shape[1]} × {grey.shape[0]}) has no pixel whose circle of radius R={R} lies inside "
            f"it; it needs more than {2 * border} pixels on each side."
        )
    return grey, P, float(R), method, border


def lbp_codes(image, *, P: int = 8, R: float = 1, method: str = "nri_uniform") -> np.ndarray:
    """The LBP code of every pixel whose circle of neighbours lies inside the image.

    Computed by ``skimage.feature.local_binary_pattern(grey, P, R, method)`` on the 8-bit luma (see the module
    docstring) — :func:`lbp_code` with ``sampling="circle"`` spells out its ``"default"`` code for P = 8, R = 1.
    scikit-image reads neighbours outside the image as 0 (black), which gives the outermost ``⌈R⌉`` rows and
    columns artificial codes, so they are left out.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1].
    P : int
        Number of neighbours, equally spaced on the circle (1–32; at most 16 for ``"default"`` and ``"ror"``).
    R : float > 0
        Radius of the circle in pixels.
    method : {"nri_uniform", "uniform", "default", "ror"}
        See :func:`lbp_histogram`.

    Returns
    -------
    np.ndarray [shape=(h − 2⌈R⌉, w − 2⌈R⌉), dtype=int64]
        Codes in ``0 … lbp_n_bins(P, method) − 1``.
    """
    from skimage.feature import local_binary_pattern

    grey, P, R, method, border = _lbp_arguments(image, P, R, method)
    codes = local_binary_pattern(grey, P, R, method=method)
    return codes[border:-border, border:-border].astype(np.int64)


def lbp_histogram(image, *, P: int = 8, R: float = 1, method: str = "nri_uniform") -> np.ndarray:
    """Normalised histogram of local binary patterns, the texture descriptor of the lesson (59 bins by default).

    Step by step, for ``P = 8`` neighbours on a circle of radius ``R = 1`` (Ojala, Pietikäinen & Mäenpää 2002):

    1. Convert the image to grey levels (8-bit luma).
    2. For every pixel ``c``, take the 8 points ``g_0 … g_7`` at angles ``2πi/8`` on the circle of radius
       ``R`` around it (E, NE, N, NW, W, SW, S, SE; points between pixels are interpolated bilinearly).
    3. Threshold them against the centre: ``s_i = 1 if g_i ≥ g_c else 0``. This makes the code invariant to
       any monotonic change of the grey levels (brightness, contrast).
    4. Call the circular bit string **uniform** if it has at most 2 transitions 0→1 or 1→0 going once around:
       ``U = Σ_i |s_i − s_{i−1}| ≤ 2``, e.g. ``00011100`` (2) but not ``01010000`` (4). Uniform patterns are
       edges, corners, spots and flat areas; they make up most of the patterns of natural textures.
       (scikit-image counts the ``P − 1`` transitions without wrapping around; as the circular count is
       always even, "at most 2" selects the same patterns either way.)
    5. Number the uniform patterns (``"nri_uniform"``, not rotation-invariant): ``00000000`` is 0,
       ``11111111`` is ``P(P − 1) + 1`` = 57, and a run of ``k`` ones (1 ≤ k ≤ P − 1) starting at any of the
       ``P`` positions is ``1 + (k − 1) P + rotation`` — 8 × 7 = 56 codes. That makes **58 uniform
       patterns**; all non-uniform patterns share **one extra bin**, ``P(P − 1) + 2`` = 58. Hence
       ``P(P − 1) + 3`` = **59 bins** for P = 8 (scikit-image's numbering).
    6. Count the codes over the image (leaving out the ``⌈R⌉``-pixel border, see :func:`lbp_codes`) and divide
       by the number of pixels counted, so that the histogram sums to 1 whatever the image size.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1]; larger than ``2⌈R⌉`` pixels on each side.
    P : int
        Number of neighbours (1–32; at most 16 for ``"default"`` and ``"ror"``).
    R : float > 0
        Radius in pixels.
    method : {"nri_uniform", "uniform", "default", "ror"}
        ``"nri_uniform"`` (default): the 59 bins above. ``"uniform"``: rotation-invariant uniform patterns,
        ``LBP^{riu2}`` of Ojala et al. (2002), the number of ones of a uniform pattern (0 … P) plus one bin for
        the rest: ``P + 2`` bins. ``"default"``: the raw code ``Σ s_i 2^i``, ``2^P`` bins. ``"ror"``: the raw
        code rotated to its smallest value (rotation-invariant), ``2^P`` bins, most of them always empty.

    Returns
    -------
    np.ndarray [shape=(lbp_n_bins(P, method),), dtype=float64]
        Non-negative, sums to 1.
    """
    codes = lbp_codes(image, P=P, R=R, method=method)
    counts = np.bincount(codes.ravel(), minlength=lbp_n_bins(P, method))
    return counts / codes.size


# --------------------------------------------------------------------------------------------------------------
# Naturalness and entropy

#: The three pixel classes of Huang et al. (2006): hue range in degrees (inclusive), and the mean and spread
#: of the Gaussian that scores the class's average HSL saturation.
NATURALNESS_CLASSES = {
    "skin": {"hue": (25.0, 70.0), "mean": 0.76, "spread": 0.52},
    "grass": {"hue": (95.0, 135.0), "mean": 0.81, "spread": 0.53},
    "sky": {"hue": (185.0, 260.0), "mean": 0.43, "spread": 0.22},
}


def naturalness(image) -> float:
    """Colour naturalness index (CNI) of Huang, Wang & Wu (2006), the naturalness of San Pedro & Siersdorfer.

    How close the saturation of skin-, grass- and sky-coloured areas is to what people judge natural:

    1. Convert to HSL (:func:`rgb_to_hsl`; ``L`` and ``S`` in [0, 1], hue in degrees).
    2. Keep pixels with ``0.2 ≤ L ≤ 0.8`` (20–80 on the paper's 0–100 scale) and ``S > 0.1``: too dark, too
       light or nearly grey pixels carry no reliable hue.
    3. Classify the kept pixels by hue: **skin** ``25° ≤ H ≤ 70°``, **grass** ``95° ≤ H ≤ 135°``, **sky**
       ``185° ≤ H ≤ 260°``. Kept pixels of other hues are *unclassified* and, like the masked pixels, left
       out of everything below.
    4. For each class ``k`` with ``n_k > 0`` pixels, average their saturation, ``S_k``, and score it:

       ``N_skin = exp(−½ ((S_skin − 0.76) / 0.52)²)``,
       ``N_grass = exp(−½ ((S_grass − 0.81) / 0.53)²)``,
       ``N_sky = exp(−½ ((S_sky − 0.43) / 0.22)²)``.

    5. ``naturalness = Σ_k ω_k N_k`` with ``ω_k = n_k / (n_skin + n_grass + n_sky)``, the share of class ``k``
       among the classified pixels (an empty class has weight 0).

    The constants (hue ranges, thresholds, means and spreads) are those of Huang et al. (2006) as used by San
    Pedro & Siersdorfer (2009); public re-implementations of the index agree on all of them. The weights'
    denominator is the number of *classified* pixels, as in most of those re-implementations (dividing by all
    pixels kept in step 2 instead would lower the index of images with many unclassified colours, and the
    weights would no longer sum to 1).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1].

    Returns
    -------
    float
        In [0, 1]; 1 when every class present has exactly its natural saturation. **0.0 when no pixel is
        classified** (e.g. a grey, black, white or purely red image), by convention.
    """
    hue, saturation, lightness = _hsl_planes(as_float_rgb(image))
    kept = (lightness >= 0.2) & (lightness <= 0.8) & (saturation > 0.1)
    hue, saturation = hue[kept], saturation[kept]
    total, weighted = 0, 0.0
    for cls in NATURALNESS_CLASSES.values():
        low, high = cls["hue"]
        members = saturation[(hue >= low) & (hue <= high)]
        if members.size:
            total += members.size
            weighted += members.size * math.exp(-0.5 * ((members.mean() - cls["mean"]) / cls["spread"]) ** 2)
    return weighted / total if total else 0.0


def entropy(image) -> float:
    """Shannon entropy, in bits, of the grey-level histogram.

    ``H = −Σ_i p_i log₂ p_i`` over the 256 levels of the 8-bit luma (``round(255 Y)``), ``p_i`` the share of
    pixels at level ``i`` (empty levels contribute 0). 0 for a flat image, 1 for two equally large areas of
    different grey, 8 when all 256 levels are equally frequent.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1].

    Returns
    -------
    float
        In [0, 8].
    """
    counts = np.bincount(_grey_levels(image).ravel(), minlength=256)
    p = counts[counts > 0] / counts.sum()
    return float(np.sum(p * np.log2(1.0 / p)))


# --------------------------------------------------------------------------------------------------------------
# Attractiveness


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
      ``yb = (R + G)/2 − B``, ``C = sqrt(σ_rg² + σ_yb²) + 0.3 · sqrt(μ_rg² + μ_yb²)``;
    - naturalness (Huang et al. 2006), :func:`naturalness`;
    - entropy of the grey levels in bits, :func:`entropy`.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1].

    Returns
    -------
    dict
        ``{name: value}`` for each name in :data:`ALL_ATTRACTIVENESS_FEATURES`, in that order (the first eight
        are :data:`ATTRACTIVENESS_FEATURES`).
    """
    rgb = as_float_rgb(image)
    y = rgb @ _LUMA
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
        "naturalness": naturalness(rgb),
        "entropy": entropy(rgb),
    }


def attractiveness_table(images, *, progress: bool = False) -> pd.DataFrame:
    """:func:`attractiveness_features` of many images as a table, one row per image.

    Parameters
    ----------
    images : sequence of np.ndarray, mapping of label to np.ndarray, or np.ndarray [shape=(n, h, w, 3)]
        The images (uint8, or float in [0, 1]). A mapping (e.g. ``{item_id: image}``) gives the row labels;
        otherwise rows are numbered 0 … n − 1.
    progress : bool
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame [shape=(n, 10)]
        Columns :data:`ALL_ATTRACTIVENESS_FEATURES`, float64.
    """
    from tqdm.auto import tqdm

    if isinstance(images, Mapping):
        labels, items = list(images.keys()), list(images.values())
    elif isinstance(images, np.ndarray):
        if images.ndim != 4:
            raise ParameterError(
                f"An array of images must have shape (n, height, width, 3), got {images.shape}; wrap a single "
                "image in a list."
            )
        labels, items = None, list(images)
    elif isinstance(images, Sequence) and not isinstance(images, (str, bytes)):
        labels, items = None, list(images)
    else:
        raise ParameterError(f"images must be a list, a mapping or a 4-D array of images, got {type(images).__name__}.")
    rows = []
    for i, image in enumerate(tqdm(items, desc="attractiveness features", disable=not progress)):
        try:
            rows.append(attractiveness_features(image))
        except ParameterError as error:
            raise ParameterError(f"image {labels[i] if labels else i!r}: {error}") from error
    return pd.DataFrame(rows, index=labels, columns=list(ALL_ATTRACTIVENESS_FEATURES), dtype=np.float64)


# --------------------------------------------------------------------------------------------------------------
# Local descriptors and the bag of visual words


def orb_descriptors(image, *, n_features: int = 500) -> np.ndarray:
    """ORB descriptors of the keypoints of an image (Rublee et al. 2011), computed by OpenCV.

    ORB finds corners with FAST on an 8-level image pyramid (scale factor 1.2), keeps the ``n_features`` with
    the strongest Harris response, gives each an orientation from the intensity centroid of its patch and
    describes it by 256 binary intensity comparisons inside the rotated 31×31 patch (steered BRIEF), packed
    into 32 bytes. Comparing two descriptors means counting differing bits (Hamming distance). OpenCV's
    defaults are used otherwise (FAST threshold 20, edge threshold 31), so keypoints lie at least 31 pixels
    from the border and images smaller than about 64 × 64 pixels give none. The grey image is the 8-bit luma.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1].
    n_features : int > 0
        At most this many keypoints. OpenCV keeps every keypoint tied with the weakest one it retains, which on
        synthetic images with many equal responses can exceed ``n_features``; the strongest ``n_features`` are
        then kept here (ties in OpenCV's order), so the bound always holds.

    Returns
    -------
    np.ndarray [shape=(n, 32), dtype=uint8]
        One packed 256-bit descriptor per keypoint in OpenCV's order, ``n ≤ n_features``; shape ``(0, 32)`` when
        the image has no keypoints (e.g. a flat image).
    """
    import cv2

    n_features = positive_int(n_features, name="n_features")
    grey = _grey_levels(image)
    orb = cv2.ORB_create(nfeatures=n_features)
    keypoints, descriptors = orb.detectAndCompute(grey, None)
    if descriptors is None or len(descriptors) == 0:
        return np.zeros((0, 32), dtype=np.uint8)
    if len(descriptors) > n_features:
        responses = np.array([keypoint.response for keypoint in keypoints])
        descriptors = descriptors[np.sort(np.argsort(-responses, kind="stable")[:n_features])]
    return np.ascontiguousarray(descriptors, dtype=np.uint8)


_DISTANCE_BLOCK = 4_000_000  # descriptors × words per block when assigning words (bounded memory)


@dataclass(kw_only=True)
class VisualVocabulary:
    """Bag of visual words over local descriptors (Sivic & Zisserman 2003), the image analogue of
    :class:`cbrec_lab.audio.MfccCodebook`.

    Every image gives a set of descriptors (e.g. :func:`orb_descriptors`). :meth:`fit` pools the descriptors of
    the training images and runs k-means (scikit-learn's :class:`~sklearn.cluster.MiniBatchKMeans`,
    ``n_init=3``) to find ``n_words`` centres ``c_1 … c_K``, the visual words. Binary descriptors (ORB's 32
    bytes) are first unpacked into 256 values of 0 or 1, so that the squared Euclidean distance between two of
    them is their Hamming distance and k-means can average them. :meth:`transform` assigns every descriptor to
    its nearest word, ``w(x) = argmin_k ‖x − c_k‖²``, and describes each image by the share of its
    descriptors per word: ``h[i, k] = #{x in image i : w(x) = k} / n_i``, an L1-normalised histogram.

    Parameters
    ----------
    n_words : int > 0
        Vocabulary size ``K``.
    seed : int ≥ 0
        Seed of the subsample and of k-means; the same seed gives the same vocabulary.
    binary : bool
        True (default): descriptors are packed bit strings (uint8 rows, as ORB, BRIEF or AKAZE give) and are
        unpacked to 0/1 values (8 per byte). False: real-valued descriptors (e.g. SIFT's 128 floats) used
        as they are.
    batch_size : int > 0
        Mini-batch size of k-means.
    max_descriptors : int ≥ n_words or None
        Fit k-means on at most this many descriptors, drawn without replacement with ``seed`` (all when
        ``None``).

    Attributes
    ----------
    centres_ : np.ndarray [shape=(n_words, n_dims), dtype=float32]
        The words, in unpacked units (values in [0, 1] for binary descriptors: the share of descriptors of
        the word with each bit set).
    n_features_in_ : int
        Columns of the descriptors seen by :meth:`fit` (32 for ORB; ``n_dims`` is 8 times that when binary).
    """

    n_words: int
    seed: int
    binary: bool = True
    batch_size: int = 1024
    max_descriptors: int | None = None
    centres_: np.ndarray | None = field(default=None, init=False, repr=False)
    n_features_in_: int | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.n_words = positive_int(self.n_words, name="n_words")
        self.batch_size = positive_int(self.batch_size, name="batch_size")
        self.seed = positive_int(self.seed, name="seed", minimum=0)
        if not isinstance(self.binary, bool):
            raise ParameterError(f"binary must be True or False, got {self.binary!r}.")
        if self.max_descriptors is not None:
            self.max_descriptors = positive_int(self.max_descriptors, name="max_descriptors")
            if self.max_descriptors < self.n_words:
                raise ParameterError(
                    f"max_descriptors={self.max_descriptors} is smaller than n_words={self.n_words}: k-means needs "
                    "at least one descriptor per word."
                )

    def _stack(self, descriptor_arrays, n_features: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Validate the per-image arrays; return (all descriptors as stored, as float32 vectors, count per image)."""
        if isinstance(descriptor_arrays, np.ndarray) or not isinstance(descriptor_arrays, Sequence):
            raise ParameterError(
                "Pass a list with one (n_i, n_features) descriptor array per image, e.g. "
                f"[orb_descriptors(image) for image in images]; got {type(descriptor_arrays).__name__}."
            )
        if len(descriptor_arrays) == 0:
            raise ParameterError("No images given (an empty list of descriptor arrays).")
        arrays = []
        for i, d in enumerate(descriptor_arrays):
            d = np.asarray(d) if d is not None else None
            if d is None or d.ndim != 2:
                raise ParameterError(
                    f"Image {i}: expected a 2-D (n_descriptors, n_features) array, got "
                    f"{'None' if d is None else f'shape {d.shape}'}; an image without descriptors is an array of "
                    "shape (0, n_features), as orb_descriptors returns."
                )
            if self.binary and d.dtype != np.uint8:
                raise ParameterError(
                    f"Image {i}: binary descriptors must be packed uint8 bytes (as ORB gives), got dtype {d.dtype}; "
                    "use VisualVocabulary(binary=False) for real-valued descriptors such as SIFT."
                )
            if not self.binary and not (np.issubdtype(d.dtype, np.integer) or np.issubdtype(d.dtype, np.floating)):
                raise ParameterError(f"Image {i}: descriptors must be numeric, got dtype {d.dtype}.")
            arrays.append(d)
        expected = arrays[0].shape[1] if n_features is None else n_features
        if expected == 0:
            raise ParameterError(
                "Descriptors have 0 columns; expected (n_descriptors, n_features) with n_features ≥ 1."
            )
        for i, d in enumerate(arrays):
            if d.shape[1] != expected:
                raise ParameterError(
                    f"Image {i}: descriptors have {d.shape[1]} columns, expected {expected} "
                    f"({'as seen by fit' if n_features is not None else 'as in image 0'})."
                )
        counts = np.array([len(d) for d in arrays], dtype=np.int64)
        stacked = np.ascontiguousarray(np.concatenate(arrays, axis=0))
        if self.binary:
            vectors = np.unpackbits(stacked, axis=1).astype(np.float32)
        else:
            vectors = stacked.astype(np.float32)
            if not np.isfinite(vectors).all():
                raise ParameterError("Descriptors contain NaN or ±inf.")
        return stacked, vectors, counts

    def fit(self, descriptor_arrays) -> VisualVocabulary:
        """Learn the ``n_words`` visual words from the descriptors of a list of images.

        Parameters
        ----------
        descriptor_arrays : list of np.ndarray [shape=(n_i, n_features)]
            One array per image; images without descriptors (``n_i = 0``) are allowed and contribute nothing.

        Returns
        -------
        self : VisualVocabulary

        Raises
        ------
        ParameterError
            If the arrays are malformed, or there are fewer distinct descriptors than words (k-means would
            leave words empty).
        """
        from sklearn.cluster import MiniBatchKMeans

        stacked, vectors, _ = self._stack(descriptor_arrays)
        rows = stacked.view(np.dtype((np.void, stacked.dtype.itemsize * stacked.shape[1]))) if len(stacked) else stacked
        distinct = len(np.unique(rows)) if len(stacked) else 0
        if distinct < self.n_words:
            raise ParameterError(
                f"Only {distinct} distinct descriptors (of {len(vectors)}) for n_words={self.n_words}: k-means needs "
                "at least one per word; use more (or larger, more textured) images or fewer words."
            )
        if self.max_descriptors is not None and len(vectors) > self.max_descriptors:
            rng = np.random.default_rng(self.seed)
            vectors = vectors[np.sort(rng.choice(len(vectors), size=self.max_descriptors, replace=False))]
        kmeans = MiniBatchKMeans(
            n_clusters=self.n_words, random_state=self.seed, n_init=3, batch_size=self.batch_size
        ).fit(vectors)
        self.centres_ = kmeans.cluster_centers_.astype(np.float32)
        self.n_features_in_ = int(np.asarray(descriptor_arrays[0]).shape[1])
        return self

    def _words(self, vectors: np.ndarray) -> np.ndarray:
        centres = self.centres_
        half_norms = 0.5 * np.einsum("kd,kd->k", centres, centres)
        block = max(1, _DISTANCE_BLOCK // self.n_words)
        if not len(vectors):
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(
            [
                np.argmin(half_norms - vectors[start : start + block] @ centres.T, axis=1)
                for start in range(0, len(vectors), block)
            ]
        ).astype(np.int64)

    def _check_fitted(self) -> None:
        if self.centres_ is None:
            raise ParameterError("This VisualVocabulary is not fitted yet: call fit(descriptor_arrays) first.")

    def assign(self, descriptors) -> np.ndarray:
        """The word of each descriptor of one image, ``argmin_k ‖x − c_k‖²`` (ties go to the lower index).

        The argmin is taken over ``½‖c_k‖² − x·c_k``, which differs from ``½‖x − c_k‖²`` only by ``½‖x‖²``.

        Parameters
        ----------
        descriptors : np.ndarray [shape=(n, n_features)]

        Returns
        -------
        np.ndarray [shape=(n,), dtype=int64]
        """
        self._check_fitted()
        _, vectors, _ = self._stack([descriptors], n_features=self.n_features_in_)
        return self._words(vectors)

    def transform(self, descriptor_arrays) -> np.ndarray:
        """Bag-of-visual-words histograms, one L1-normalised row per image.

        Parameters
        ----------
        descriptor_arrays : list of np.ndarray [shape=(n_i, n_features)]
            One array per image, with the ``n_features`` seen by :meth:`fit`.

        Returns
        -------
        np.ndarray [shape=(n_images, n_words), dtype=float64]
            ``h[i, k]`` is the share of image ``i``'s descriptors assigned to word ``k``; rows sum to 1, except
            that an image without descriptors gets a row of zeros (it has no visual words; a cosine similarity
            with it is then undefined and should be treated as 0).
        """
        self._check_fitted()
        _, vectors, counts = self._stack(descriptor_arrays, n_features=self.n_features_in_)
        words = self._words(vectors)
        images = np.repeat(np.arange(len(counts)), counts)
        histogram = np.zeros((len(counts), self.n_words))
        np.add.at(histogram, (images, words), 1.0)
        return np.divide(histogram, counts[:, None], out=histogram, where=counts[:, None] > 0)

    def fit_transform(self, descriptor_arrays) -> np.ndarray:
        """:meth:`fit` then :meth:`transform` on the same images."""
        return self.fit(descriptor_arrays).transform(descriptor_arrays)


def _packed_descriptors(descriptors, name: str) -> np.ndarray:
    d = np.asarray(descriptors)
    if d.ndim != 2 or d.dtype != np.uint8:
        raise ParameterError(
            f"{name} must be packed binary descriptors, a uint8 array of shape (n, n_bytes) as orb_descriptors "
            f"returns; got dtype {d.dtype} and shape {d.shape}."
        )
    return d


def good_matches(query, candidate, *, ratio: float = 0.75) -> int:
    """Number of a query's binary descriptors that find a distinctive match among a candidate's (Lowe's ratio test).

    For every query descriptor ``q`` the two nearest candidate descriptors ``c₁, c₂`` by Hamming distance are
    found (OpenCV's brute-force matcher); ``q`` counts as matched when ``d(q, c₁) < ratio · d(q, c₂)``, i.e.
    when its best match is clearly better than the second best — a patch seen in both images (a shared logo),
    not a generic corner that resembles many others. The count is the classic score of local-descriptor
    retrieval (Lowe 2004, section 7.1); unlike a bag of visual words it compares descriptors directly, at a
    cost that grows with the product of the two descriptor counts.

    Parameters
    ----------
    query, candidate : np.ndarray [shape=(n, n_bytes), dtype=uint8]
        Packed binary descriptors, e.g. from :func:`orb_descriptors`, with the same ``n_bytes``.
    ratio : float in (0, 1]
        Lowe's threshold (0.75 here, 0.8 in the paper); smaller is stricter.

    Returns
    -------
    int
        Between 0 and ``len(query)``; 0 when either image has fewer than two descriptors.

    References
    ----------
    Lowe, D. G. (2004). Distinctive image features from scale-invariant keypoints. *IJCV*, 60(2), 91–110.
    https://doi.org/10.1023/B:VISI.0000029664.99615.94
    """
    import cv2

    query = _packed_descriptors(query, "query")
    candidate = _packed_descriptors(candidate, "candidate")
    if query.shape[1] != candidate.shape[1]:
        raise ParameterError(
            f"query descriptors have {query.shape[1]} bytes and candidate descriptors {candidate.shape[1]}; "
            "compare descriptors of the same kind."
        )
    if not (isinstance(ratio, numbers.Real) and 0 < ratio <= 1):
        raise ParameterError(f"ratio must be in (0, 1], got {ratio!r}.")
    if len(query) == 0 or len(candidate) < 2:
        return 0
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(query, candidate, k=2)
    return sum(1 for pair in pairs if len(pair) == 2 and pair[0].distance < ratio * pair[1].distance)


# --------------------------------------------------------------------------------------------------------------
# Colour histogram


def colour_histogram(image, *, bins: int = 8) -> np.ndarray:
    """Joint RGB colour histogram (Swain & Ballard 1991), the simplest global image descriptor.

    Each channel value ``x`` in [0, 1] falls into bin ``q(x) = min(⌊x · bins⌋, bins − 1)`` (for uint8 images
    with ``bins = 8``: 32 levels per bin), and pixel ``(R, G, B)`` into the joint bin
    ``(q(R) · bins + q(G)) · bins + q(B)``; the counts are divided by the number of pixels.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3)]
        uint8, or float in [0, 1].
    bins : int
        Bins per channel, 1–64.

    Returns
    -------
    np.ndarray [shape=(bins³,), dtype=float64]
        Non-negative, sums to 1 (512 values for ``bins = 8``).
    """
    bins = positive_int(bins, name="bins")
    if bins > 64:
        raise ParameterError(f"bins must be at most 64 per channel (64³ histogram values), got {bins}.")
    rgb = as_float_rgb(image)
    q = np.minimum((rgb * bins).astype(np.int64), bins - 1)
    index = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
    return np.bincount(index.ravel(), minlength=bins**3) / index.size
