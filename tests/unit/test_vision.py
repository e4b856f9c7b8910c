import numpy as np
import pytest
from skimage.color import rgb2hsv

from cbrec_lab.exceptions import ParameterError
from cbrec_lab.vision import ATTRACTIVENESS_FEATURES, as_float_rgb, attractiveness_features, luminance


def test_flat_grey_has_no_contrast_saturation_sharpness_or_colour():
    features = attractiveness_features(np.full((8, 8, 3), 0.5))
    assert list(features) == list(ATTRACTIVENESS_FEATURES)
    assert features["brightness"] == pytest.approx(0.5)
    for name in ("contrast", "rgb_contrast", "saturation", "saturation_variation", "sharpness", "colourfulness"):
        assert features[name] == pytest.approx(0.0, abs=1e-12), name


def test_pure_red_by_hand():
    red = np.zeros((6, 6, 3), dtype=np.uint8)
    red[..., 0] = 255
    features = attractiveness_features(red)
    assert features["brightness"] == pytest.approx(0.299)
    assert features["saturation"] == pytest.approx(1.0)
    # rg = 255, yb = 127.5, no spread: C = 0.3 * sqrt(255² + 127.5²)
    assert features["colourfulness"] == pytest.approx(0.3 * np.hypot(255, 127.5))


def test_black_and_white_halves_by_hand():
    image = np.zeros((4, 8, 3))
    image[:, 4:] = 1.0
    features = attractiveness_features(image)
    assert features["brightness"] == pytest.approx(0.5)
    assert features["contrast"] == pytest.approx(0.5)
    assert features["rgb_contrast"] == pytest.approx(np.sqrt(3 * 0.25))
    assert features["sharpness"] > 0 and features["saturation"] == 0


def test_uint8_does_not_wrap_around():
    image = np.zeros((5, 5, 3), dtype=np.uint8)
    image[..., 0], image[..., 1] = 10, 200  # R − G = −190; uint8 arithmetic would give 66
    as_float = attractiveness_features(image.astype(float) / 255)
    as_uint8 = attractiveness_features(image)
    assert as_uint8 == pytest.approx(as_float)
    rg, yb = -190.0, 0.5 * (10 + 200) - 0
    assert as_uint8["colourfulness"] == pytest.approx(0.3 * np.hypot(rg, yb))


def test_saturation_agrees_with_scikit_image():
    rng = np.random.default_rng(0)
    image = rng.random((16, 16, 3))
    hsv = rgb2hsv(image)
    features = attractiveness_features(image)
    assert features["saturation"] == pytest.approx(hsv[..., 1].mean())
    assert features["saturation_variation"] == pytest.approx(hsv[..., 1].std())
    np.testing.assert_allclose(luminance(image), image @ [0.299, 0.587, 0.114])


def test_a_sharper_image_is_sharper():
    rng = np.random.default_rng(1)
    sharp = rng.random((32, 32, 3))
    from scipy import ndimage

    blurred = ndimage.gaussian_filter(sharp, (2, 2, 0))
    assert attractiveness_features(sharp)["sharpness"] > 3 * attractiveness_features(blurred)["sharpness"]


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((8, 8)), "shape"),
        (np.zeros((8, 8, 3), dtype=np.int32), "dtype"),
        (np.full((8, 8, 3), 2.0), r"\[0, 1\]"),
    ],
)
def test_bad_images_are_refused(bad, message):
    with pytest.raises(ParameterError, match=message):
        as_float_rgb(bad)
