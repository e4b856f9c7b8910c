"""The checkers of lesson 06 accept the right answers and explain the usual mistakes."""

import numpy as np

from cbrec_lab.exercises import evaluate
from cbrec_lab.vision import attractiveness_features, lbp_code

EAST_CCW = ((1, 2), (0, 2), (0, 1), (0, 0), (1, 0), (2, 0), (2, 1), (2, 2))


def _lbp(order=EAST_CCW, strict=False, msb_first=False):
    def lbp(patch):
        patch = np.asarray(patch, dtype=float)
        bits = [(patch[r, c] > patch[1, 1]) if strict else (patch[r, c] >= patch[1, 1]) for r, c in order]
        return sum(int(b) << (7 - i if msb_first else i) for i, b in enumerate(bits))

    return lbp


def test_06_1_lbp():
    assert evaluate("06.1", _lbp()).status == "correct"
    assert evaluate("06.1", lambda patch: lbp_code(patch)).status == "correct"
    assert "≥" in evaluate("06.1", _lbp(strict=True)).message
    assert "reverse" in evaluate("06.1", _lbp(msb_first=True)).message
    nw = ((0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0))
    assert "top-left" in evaluate("06.1", _lbp(order=nw)).message
    clockwise = ((1, 2), (2, 2), (2, 1), (2, 0), (1, 0), (0, 0), (0, 1), (0, 2))
    assert "clockwise" in evaluate("06.1", _lbp(order=clockwise)).message
    assert evaluate("06.1", 75).status == "incorrect"
    assert evaluate("06.1", lambda p: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"


def _colourfulness(image, *, wrap=False, variance=False, scale=255.0, mean_term=True):
    rgb = image if wrap else image.astype(float) * (scale / 255.0)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg = (r - g).astype(float)
    yb = 0.5 * (r + g) - b
    spread = np.hypot(rg.var(), yb.var()) if variance else np.hypot(rg.std(), yb.std())
    return spread + (0.3 * np.hypot(rg.mean(), yb.mean()) if mean_term else 0.0)


def test_06_2_colourfulness():
    assert evaluate("06.2", _colourfulness).status == "correct"
    assert evaluate("06.2", lambda image: attractiveness_features(image)["colourfulness"]).status == "correct"
    assert "wrap-around" in evaluate("06.2", lambda image: _colourfulness(image, wrap=True)).message
    assert "σ²" in evaluate("06.2", lambda image: _colourfulness(image, variance=True)).message
    assert "0–255" in evaluate("06.2", lambda image: _colourfulness(image, scale=1.0)).message
    assert "second term" in evaluate("06.2", lambda image: _colourfulness(image, mean_term=False)).message
    assert "one number" in evaluate("06.2", lambda image: [1, 2]).message
    assert evaluate("06.2", lambda image: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"
