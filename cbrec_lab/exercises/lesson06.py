"""Checkers for lesson 06 (handcrafted image features: LBP and the attractiveness features)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import call_student, exercise

__all__: list[str] = []

#: Row and column of neighbour i of a 3×3 patch, the library's (and scikit-image's) order: counter-clockwise
#: from east — E, NE, N, NW, W, SW, S, SE.
_ORDER = ((1, 2), (0, 2), (0, 1), (0, 0), (1, 0), (2, 0), (2, 1), (2, 2))
#: Clockwise from the top-left corner, the order of many textbooks: NW, N, NE, E, SE, S, SW, W.
_CLOCKWISE_NW = ((0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0))
#: Clockwise from east: E, SE, S, SW, W, NW, N, NE.
_CLOCKWISE_E = ((1, 2), (2, 2), (2, 1), (2, 0), (1, 0), (0, 0), (0, 1), (0, 2))

#: Patches with ties (a neighbour equal to the centre) so that ``>`` and ``>=`` differ.
_PATCHES = (
    [[9, 1, 7], [2, 5, 6], [3, 8, 4]],
    [[50, 80, 120], [50, 100, 100], [200, 10, 100]],
    [[12, 200, 34], [90, 90, 91], [89, 255, 0]],
    [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
)


def _code(patch, order=_ORDER, strict=False, msb_first=False) -> int:
    patch = np.asarray(patch, dtype=float)
    centre = patch[1, 1]
    bits = [(patch[r, c] > centre) if strict else (patch[r, c] >= centre) for r, c in order]
    weights = [2 ** (7 - i) if msb_first else 2**i for i in range(8)]
    return int(sum(int(b) * w for b, w in zip(bits, weights, strict=True)))


@exercise("06.1", "The LBP code of a 3×3 patch")
def check_lbp(answer: Any) -> tuple[bool, str]:
    """lbp(patch) -> Σ_i s_i 2^i with s_i = [g_i ≥ g_c], neighbours counter-clockwise from east."""
    if not callable(answer):
        return False, f"Expected a function lbp(patch) that returns an integer, got {type(answer).__name__}."
    for patch in _PATCHES:
        expected = _code(patch)
        got = call_student(answer, np.array(patch, dtype=np.uint8), call=f"lbp({patch})")
        try:
            value = int(np.asarray(got).item())
        except (TypeError, ValueError):
            return False, f"lbp should return one integer (0–255), got {type(got).__name__} {got!r}."
        if value == expected:
            continue
        if value == _code(patch, strict=True):
            return False, (
                f"For {patch} you compared with > ; the convention is s_i = 1 if g_i ≥ g_c, so a neighbour "
                "equal to the centre counts as 1 (lbp_code and scikit-image do the same)."
            )
        if value == _code(patch, msb_first=True):
            return (
                False,
                "Your bits are in reverse: neighbour 0 (east) is bit 0, the least significant (weight 2⁰ = 1).",
            )
        if value == _code(patch, order=_CLOCKWISE_NW):
            return False, (
                "You numbered the neighbours clockwise from the top-left corner, the order of many textbooks; "
                "here neighbour 0 is east and the numbering goes counter-clockwise (E, NE, N, NW, W, SW, S, SE)."
            )
        if value == _code(patch, order=_CLOCKWISE_E):
            return (
                False,
                "You start east but go clockwise; the library goes counter-clockwise: E, NE, N, NW, W, SW, S, SE.",
            )
        if value == _code(patch) - 256 or value < 0:
            return False, "Codes are unsigned, 0–255: convert the bits with Python integers, not int8."
        return False, f"lbp({patch}) should be {expected}, got {value}."
    return True, "Right: 8 thresholded neighbours, counter-clockwise from east, give the byte Σ s_i 2^i."


def _test_image() -> np.ndarray:
    rng = np.random.default_rng(6)
    image = rng.integers(0, 256, size=(24, 32, 3)).astype(np.uint8)
    image[:, :16, 0] = rng.integers(0, 60, size=(24, 16))  # a blue-green half where R < G often: wrap-around shows
    image[:, :16, 1] = rng.integers(120, 256, size=(24, 16))
    return image


def _colourfulness(rgb: np.ndarray, variance=False, mean_term=True) -> float:
    r, g, b = (rgb[..., k] for k in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    spread = np.hypot(rg.var(), yb.var()) if variance else np.hypot(rg.std(), yb.std())
    return float(spread + (0.3 * np.hypot(rg.mean(), yb.mean()) if mean_term else 0.0))


@exercise("06.2", "Colourfulness (Hasler & Süsstrunk) in floating point")
def check_colourfulness(answer: Any) -> tuple[bool, str]:
    """colourfulness(image) on a uint8 RGB image -> the 0–255-scale colourfulness, computed in floats."""
    if not callable(answer):
        return False, f"Expected a function colourfulness(image), got {type(answer).__name__}."
    image = _test_image()
    value = call_student(answer, image.copy(), call="colourfulness(image)")
    try:
        value = float(np.asarray(value))
    except (TypeError, ValueError):
        return False, f"colourfulness should return one number, got {type(value).__name__} of shape {np.shape(value)}."
    rgb = image.astype(np.float64)
    expected = _colourfulness(rgb)
    if np.isclose(value, expected, rtol=1e-6):
        return True, f"Colourfulness {expected:.1f} on the 0–255 scale (Hasler & Süsstrunk call 59 'highly colourful')."
    r8, g8, b8 = (image[..., k] for k in range(3))
    r, g, b = (rgb[..., k] for k in range(3))
    rg_options = [(r - g, False), ((r8 - g8).astype(float), True)]
    yb_options = [
        (0.5 * (r + g) - b, False),
        (0.5 * (r8 + g8) - b8, True),
        ((r8 // 2 + g8 // 2 - b8).astype(float), True),
    ]
    for rg, rg_wrapped in rg_options:
        for yb, yb_wrapped in yb_options:
            candidate = float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))
            if (rg_wrapped or yb_wrapped) and np.isclose(value, candidate, rtol=1e-6):
                return False, (
                    "uint8 wrap-around: R − G on uint8 arrays gives 256 + R − G when G > R (e.g. 10 − 20 = 246), "
                    "and R + G overflows above 255. Convert first: rgb = image.astype(float)."
                )
    if np.isclose(value, _colourfulness(rgb, variance=True), rtol=1e-6):
        return False, "You used the variances σ² where the formula has the standard deviations σ (np.std, not np.var)."
    if np.isclose(value, _colourfulness(rgb / 255.0), rtol=1e-6):
        return (
            False,
            "That is the colourfulness of the image scaled to [0, 1]; report it on the 0–255 scale (multiply by 255).",
        )
    if np.isclose(value, _colourfulness(rgb, mean_term=False), rtol=1e-6):
        return False, "You forgot the second term, 0.3 · sqrt(μ_rg² + μ_yb²) (how far the average colour is from grey)."
    return False, f"colourfulness(image) should be {expected:.3f}, got {value:.3f}."
