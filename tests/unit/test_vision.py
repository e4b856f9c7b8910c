import colorsys
import io

import cv2
import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageOps
from skimage.color import rgb2hsv
from skimage.feature import local_binary_pattern

from cbrec_lab import vision
from cbrec_lab.exceptions import CbrecError, ParameterError
from cbrec_lab.vision import (
    ALL_ATTRACTIVENESS_FEATURES,
    ATTRACTIVENESS_FEATURES,
    ImageFileError,
    VisualVocabulary,
    as_float_rgb,
    attractiveness_features,
    attractiveness_table,
    colour_histogram,
    entropy,
    good_matches,
    lbp_code,
    lbp_codes,
    lbp_histogram,
    lbp_n_bins,
    load_image,
    luminance,
    naturalness,
    orb_descriptors,
    rgb_to_hsl,
)


def hsl_image(hue_degrees, saturation, lightness, shape=(8, 8)):
    """A flat float image of one HSL colour, made with the standard library's colorsys (independent of ours)."""
    rgb = colorsys.hls_to_rgb(hue_degrees / 360, lightness, saturation)
    return np.broadcast_to(np.array(rgb), shape + (3,)).copy()


def grey_image(values):
    """An RGB uint8 image whose three channels all equal ``values`` (so the luma is exactly ``values``)."""
    values = np.asarray(values, dtype=np.uint8)
    return np.stack([values] * 3, axis=-1)


def checkerboard(size=256, square=16):
    board = ((np.indices((size, size)) // square).sum(axis=0) % 2 * 255).astype(np.uint8)
    return grey_image(board)


# --------------------------------------------------------------------------------------------------------------
# Attractiveness features


def test_flat_grey_has_no_contrast_saturation_sharpness_or_colour():
    features = attractiveness_features(np.full((8, 8, 3), 0.5))
    assert list(features) == list(ALL_ATTRACTIVENESS_FEATURES)
    assert features["brightness"] == pytest.approx(0.5)
    for name in (
        "contrast",
        "rgb_contrast",
        "saturation",
        "saturation_variation",
        "sharpness",
        "colourfulness",
        "naturalness",
        "entropy",
    ):
        assert features[name] == pytest.approx(0.0, abs=1e-12), name


def test_feature_lists_keep_the_art_kits_eight_first():
    assert len(ATTRACTIVENESS_FEATURES) == 8  # the columns the art kit stores: adding features must not change them
    assert ALL_ATTRACTIVENESS_FEATURES == ATTRACTIVENESS_FEATURES + ("naturalness", "entropy")


def test_pure_red_by_hand():
    red = np.zeros((6, 6, 3), dtype=np.uint8)
    red[..., 0] = 255
    features = attractiveness_features(red)
    assert features["brightness"] == pytest.approx(0.299)
    assert features["saturation"] == pytest.approx(1.0)
    # rg = 255, yb = 127.5, no spread: C = 0.3 * sqrt(255² + 127.5²)
    assert features["colourfulness"] == pytest.approx(0.3 * np.hypot(255, 127.5))
    assert features["naturalness"] == 0.0  # hue 0° is in none of skin, grass, sky
    assert features["entropy"] == 0.0


def test_black_and_white_halves_by_hand():
    image = np.zeros((4, 8, 3))
    image[:, 4:] = 1.0
    features = attractiveness_features(image)
    assert features["brightness"] == pytest.approx(0.5)
    assert features["contrast"] == pytest.approx(0.5)
    assert features["rgb_contrast"] == pytest.approx(np.sqrt(3 * 0.25))
    assert features["sharpness"] > 0 and features["saturation"] == 0
    assert features["entropy"] == pytest.approx(1.0)


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
        (np.full((8, 8, 3), np.nan), r"\[0, 1\]"),
    ],
)
def test_bad_images_are_refused(bad, message):
    with pytest.raises(ParameterError, match=message):
        as_float_rgb(bad)


def test_attractiveness_table_has_one_row_per_image():
    rng = np.random.default_rng(2)
    images = {"a": rng.random((10, 12, 3)), "b": (rng.random((9, 9, 3)) * 255).astype(np.uint8)}
    table = attractiveness_table(images)
    assert list(table.index) == ["a", "b"] and list(table.columns) == list(ALL_ATTRACTIVENESS_FEATURES)
    assert table.loc["b"].to_dict() == pytest.approx(attractiveness_features(images["b"]))
    numbered = attractiveness_table(list(images.values()))
    assert list(numbered.index) == [0, 1]
    np.testing.assert_array_equal(numbered.to_numpy(), table.to_numpy())
    assert isinstance(table, pd.DataFrame) and (table.dtypes == np.float64).all()
    with pytest.raises(ParameterError, match="image 'b'"):
        attractiveness_table({"a": images["a"], "b": np.zeros((4, 4))})
    with pytest.raises(ParameterError, match="wrap a single image"):
        attractiveness_table(images["a"])


# --------------------------------------------------------------------------------------------------------------
# HSL, naturalness, entropy


def test_rgb_to_hsl_agrees_with_colorsys():
    rng = np.random.default_rng(3)
    image = rng.random((6, 7, 3))
    image[0, 0] = 0.4  # a grey pixel: hue and saturation 0
    image[0, 1] = (1.0, 0.2, 0.2)  # hue near 0°/360°
    hsl = rgb_to_hsl(image)
    for (i, j), _ in np.ndenumerate(image[..., 0]):
        h, lightness, s = colorsys.rgb_to_hls(*image[i, j])
        assert hsl[i, j] == pytest.approx([h * 360 % 360, s, lightness], abs=1e-12)
    assert hsl[0, 0].tolist() == [0.0, 0.0, pytest.approx(0.4)]


def test_naturalness_is_one_at_the_natural_saturations():
    assert naturalness(hsl_image(40, 0.76, 0.5)) == pytest.approx(1.0)  # skin hue, S = 0.76
    assert naturalness(hsl_image(110, 0.81, 0.5)) == pytest.approx(1.0)  # grass hue, S = 0.81
    assert naturalness(hsl_image(220, 0.43, 0.6)) == pytest.approx(1.0)  # sky hue, S = 0.43


def test_naturalness_of_images_without_classified_pixels_is_zero():
    assert naturalness(np.full((8, 8, 3), 0.5)) == 0.0  # grey: S = 0, nothing kept
    assert naturalness(hsl_image(40, 0.76, 0.1)) == 0.0  # skin hue but too dark (L < 0.2)
    assert naturalness(hsl_image(300, 0.7, 0.5)) == 0.0  # kept, but magenta is no class


def test_naturalness_half_skin_half_sky_by_hand():
    image = hsl_image(40, 0.5, 0.5)
    image[:, 4:] = hsl_image(220, 0.6, 0.5)[:, 4:]
    skin = np.exp(-0.5 * ((0.5 - 0.76) / 0.52) ** 2)
    sky = np.exp(-0.5 * ((0.6 - 0.43) / 0.22) ** 2)
    assert naturalness(image) == pytest.approx(0.5 * skin + 0.5 * sky)
    three_quarters_sky = image.copy()
    three_quarters_sky[:, 2:4] = three_quarters_sky[:, 4:6]
    assert naturalness(three_quarters_sky) == pytest.approx(0.25 * skin + 0.75 * sky)


def test_naturalness_leaves_masked_and_unclassified_pixels_out_of_the_weights():
    skin = hsl_image(40, 0.76, 0.5)
    with_black = skin.copy()
    with_black[:, :4] = 0.0  # masked (L = 0)
    with_magenta = skin.copy()
    with_magenta[:, :4] = hsl_image(300, 0.7, 0.5)[:, :4]  # kept but unclassified
    assert naturalness(with_black) == pytest.approx(1.0)
    assert naturalness(with_magenta) == pytest.approx(1.0)  # 0.5 if they counted in the denominator


def test_entropy_by_hand():
    assert entropy(grey_image(np.full((8, 8), 77))) == 0.0
    halves = np.full((8, 8), 10)
    halves[:, 4:] = 200
    assert entropy(grey_image(halves)) == pytest.approx(1.0)
    quarters = np.repeat(np.array([0, 50, 100, 150]), 16).reshape(8, 8)
    assert entropy(grey_image(quarters)) == pytest.approx(2.0)
    every_level = np.arange(256).reshape(16, 16)
    assert entropy(grey_image(every_level)) == pytest.approx(8.0)
    assert entropy(grey_image(every_level).astype(float) / 255) == pytest.approx(8.0)


# --------------------------------------------------------------------------------------------------------------
# Local binary patterns


def test_lbp_code_of_a_hand_made_patch():
    # Centre 5; neighbours counter-clockwise from east, s_i = [g_i ≥ 5], LBP = Σ s_i 2^i:
    #   i:  0=E  1=NE  2=N  3=NW  4=W  5=SW  6=S  7=SE
    #   g:   6    7     1    9     2    3     8    4
    #   s:   1    1     0    1     0    0     1    0    → 1 + 2 + 8 + 64 = 75
    patch = [[9, 1, 7], [2, 5, 6], [3, 8, 4]]
    assert lbp_code(patch) == 75
    assert lbp_code(np.full((3, 3), 4)) == 255  # ties count as 1
    assert lbp_code([[0, 0, 0], [0, 1, 0], [0, 0, 0]]) == 0
    assert lbp_code([[0, 0, 0], [0, 0, 1], [0, 0, 0]]) == 255  # all ≥ centre 0


def test_square_and_circle_sampling_differ_on_the_diagonals_by_hand():
    # NE corner 6 ≥ centre 5, but on the circle the NE point is (1 − d)²·5 + d(1 − d)·(N + E) + d²·6
    # = 0.0858·5 + 0.2071·(0 + 0) + 0.5·6 = 3.43 < 5 (d = 0.70711). The other diagonals are ≥ 5 either way
    # (e.g. NW: 0.0858·5 + 0.2071·(0 + 9) + 0.5·9 = 6.79).
    patch = [[9, 0, 6], [9, 5, 0], [9, 9, 9]]
    assert lbp_code(patch) == 0b11111010  # E 0, NE 1, N 0, NW W SW S SE 1: 250
    assert lbp_code(patch, sampling="circle") == 0b11111000  # only the NE bit differs: 248


def test_lbp_code_agrees_with_scikit_image_on_random_patches():
    rng = np.random.default_rng(4)
    for _ in range(300):
        patch = rng.integers(0, 256 if rng.random() < 0.5 else 3, size=(3, 3)).astype(np.uint8)  # also many ties
        on_circle = int(local_binary_pattern(patch, 8, 1, method="default")[1, 1])
        assert lbp_code(patch, sampling="circle") == on_circle
        # scikit-image's axis points (R = 1) and corner points (R = √2, where the diagonals hit the corners)
        corners = int(local_binary_pattern(patch, 8, np.sqrt(2), method="default")[1, 1])
        assert lbp_code(patch) == (on_circle & 0b01010101) | (corners & 0b10101010)


def test_lbp_code_rejects_bad_patches():
    with pytest.raises(ParameterError, match="3×3"):
        lbp_code(np.zeros((4, 4)))
    with pytest.raises(ParameterError, match="sampling"):
        lbp_code(np.zeros((3, 3)), sampling="disc")


def test_lbp_histogram_equals_scikit_images_nri_uniform_histogram():
    rng = np.random.default_rng(5)
    image = (rng.random((20, 24, 3)) * 255).astype(np.uint8)
    histogram = lbp_histogram(image)
    grey = np.rint((image / 255) @ [0.299, 0.587, 0.114] * 255).astype(np.uint8)
    codes = local_binary_pattern(grey, 8, 1, method="nri_uniform")[1:-1, 1:-1].astype(int)
    expected = np.bincount(codes.ravel(), minlength=59) / codes.size
    assert histogram.shape == (59,) and lbp_n_bins() == 59
    np.testing.assert_allclose(histogram, expected)
    assert histogram.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(lbp_codes(image), codes)


def test_lbp_histogram_of_a_flat_image_is_all_ones_pattern():
    # every interior pixel sees 8 equal neighbours: 11111111, uniform code P(P − 1) + 1 = 57; the border,
    # whose outside neighbours scikit-image reads as 0, is left out (it would add other codes)
    histogram = lbp_histogram(grey_image(np.full((10, 10), 120)))
    assert histogram[57] == 1.0 and histogram.sum() == 1.0


def test_lbp_histogram_other_methods_and_radii():
    rng = np.random.default_rng(6)
    image = rng.random((30, 30, 3))
    assert lbp_histogram(image, method="uniform").shape == (10,)
    assert lbp_histogram(image, method="default").shape == (256,)
    assert lbp_histogram(image, P=16, R=2).shape == (16 * 15 + 3,)
    assert lbp_codes(image, P=16, R=2).shape == (26, 26)
    assert lbp_histogram(image, method="uniform", R=1.5).sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "var"}, "method"),
        ({"P": 0}, "P must"),
        ({"P": 20, "method": "default"}, "P must be at most 16 for method='default', got 20"),
        ({"P": 33}, "P must be at most 32"),
        ({"P": 8.0}, "P must be a positive integer, got 8.0 of type float"),
        ({"R": 0}, "R must"),
        ({"R": float("nan")}, "R must"),
        ({"R": 5}, "more than 10 pixels"),
    ],
)
def test_lbp_histogram_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        lbp_histogram(np.zeros((10, 10, 3)), **kwargs)


# --------------------------------------------------------------------------------------------------------------
# Loading files


def write(path, bgr):
    assert cv2.imwrite(str(path), bgr)
    return path


def test_load_image_colour_png_comes_back_as_rgb(tmp_path):
    bgr = np.zeros((10, 12, 3), dtype=np.uint8)
    bgr[..., 2] = 255  # red in OpenCV's BGR order
    bgr[0, 0] = (1, 2, 3)
    image = load_image(write(tmp_path / "red.png", bgr))
    assert image.dtype == np.uint8 and image.shape == (10, 12, 3)
    assert image[5, 5].tolist() == [255, 0, 0] and image[0, 0].tolist() == [3, 2, 1]


def test_load_image_grey_png(tmp_path):
    grey = np.arange(100, dtype=np.uint8).reshape(10, 10)
    image = load_image(write(tmp_path / "grey.png", grey))
    assert image.shape == (10, 10, 3)
    for channel in range(3):
        np.testing.assert_array_equal(image[..., channel], grey)


def test_load_image_rgba_png_composited_on_white_or_dropped(tmp_path):
    bgra = np.zeros((8, 8, 4), dtype=np.uint8)
    bgra[..., 2] = 200  # red 200 ...
    bgra[:, :4, 3] = 255  # ... opaque on the left
    bgra[:, 4:, 3] = 0  # transparent on the right
    bgra[0, 0, 3] = 51  # α = 0.2 → 0.2·200 + 0.8·255 = 244 red, 0.8·255 = 204 green and blue
    path = write(tmp_path / "rgba.png", bgra)
    white = load_image(path)
    assert white[1, 1].tolist() == [200, 0, 0]
    assert white[1, 6].tolist() == [255, 255, 255]
    assert white[0, 0].tolist() == [244, 204, 204]
    dropped = load_image(path, alpha="drop")
    assert dropped.shape == (8, 8, 3) and dropped[1, 6].tolist() == [200, 0, 0]
    with pytest.raises(ParameterError, match="alpha"):
        load_image(path, alpha="black")


def test_load_image_16_bit_png_is_scaled_to_8_bits(tmp_path):
    grey16 = (np.arange(64, dtype=np.uint16).reshape(8, 8) * 257 * 4).astype(np.uint16)  # 257·k → k
    grey16[0, 0] = 65535
    grey16[0, 1] = 257 * 10 + 100  # 10.39 → 10
    image = load_image(write(tmp_path / "deep.png", grey16))
    assert image.dtype == np.uint8
    expected = np.arange(64).reshape(8, 8) * 4
    expected[0, 0], expected[0, 1] = 255, 10
    np.testing.assert_array_equal(image[..., 1], expected)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_load_image_applies_the_exif_orientation_like_pillow(tmp_path, orientation):
    rng = np.random.default_rng(orientation)
    pixels = rng.integers(0, 256, size=(9, 14, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "oriented.png"
    Image.fromarray(pixels).save(path, exif=exif)
    with Image.open(path) as stored:
        upright = np.asarray(ImageOps.exif_transpose(stored).convert("RGB"))
    np.testing.assert_array_equal(load_image(path), upright)


def test_load_image_resizes_the_longer_side(tmp_path):
    path = write(tmp_path / "wide.png", np.zeros((20, 40, 3), dtype=np.uint8))
    assert load_image(path, size=16).shape == (8, 16, 3)
    assert load_image(path, size=80).shape == (40, 80, 3)
    with pytest.raises(ParameterError, match="below 8 pixels"):
        load_image(write(tmp_path / "strip.png", np.zeros((8, 40, 3), dtype=np.uint8)), size=20)
    with pytest.raises(ParameterError, match="size must"):
        load_image(path, size=4)


def test_load_image_refuses_missing_empty_corrupt_and_tiny_files(tmp_path):
    with pytest.raises(ImageFileError, match="No such image file"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(ImageFileError, match="directory"):
        load_image(tmp_path)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageFileError, match="empty"):
        load_image(tmp_path / "empty.png")
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(ImageFileError, match="cannot decode"):
        load_image(tmp_path / "corrupt.png")
    (tmp_path / "notes.jpg").write_text("not an image")
    with pytest.raises(ImageFileError, match="cannot decode"):
        load_image(tmp_path / "notes.jpg")
    with pytest.raises(ParameterError, match="at least 8 × 8"):
        load_image(write(tmp_path / "tiny.png", np.zeros((5, 20, 3), dtype=np.uint8)))
    assert issubclass(ImageFileError, CbrecError) and issubclass(ImageFileError, OSError)


def test_load_image_refuses_too_many_pixels_before_decoding(tmp_path, monkeypatch):
    path = write(tmp_path / "big.png", np.zeros((30, 40, 3), dtype=np.uint8))
    monkeypatch.setattr(vision, "MAX_IMAGE_PIXELS", 1_000)
    decoded = []
    monkeypatch.setattr(cv2, "imdecode", lambda *args: decoded.append(args))
    with pytest.raises(ParameterError, match="1,200 pixels"):
        load_image(path)
    assert decoded == []  # the header was enough


# Issue 18, defect 6: the pixel limit holds before any decode, for every format.

HUGE_HDR = b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 40000 +X 40000\n" + bytes(64)


def _no_decoding(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the file was handed to OpenCV's decoder")

    monkeypatch.setattr(cv2, "imdecode", refuse)
    monkeypatch.setattr(cv2, "imread", refuse)


def test_load_image_refuses_a_huge_radiance_hdr_without_decoding_it(tmp_path, monkeypatch):
    import time

    path = tmp_path / "sky.hdr"
    path.write_bytes(HUGE_HDR)
    _no_decoding(monkeypatch)
    start = time.perf_counter()
    with pytest.raises(ImageFileError) as info:
        load_image(path)
    assert time.perf_counter() - start < 0.5
    message = str(info.value)
    assert str(path) in message and "PNG or JPEG" in message


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_load_image_refuses_a_truncated_file(tmp_path, fmt):
    rng = np.random.default_rng(0)
    path = tmp_path / f"cut.{fmt.lower()}"
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(buffer, fmt)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ImageFileError, match="cannot decode") as info:
        load_image(path)
    assert str(path) in str(info.value) and "corrupt" in str(info.value)


def test_load_image_refuses_a_text_file_named_jpg_naming_it(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("a text file, not a picture\n" * 5)
    with pytest.raises(ImageFileError, match="cannot decode") as info:
        load_image(path)
    assert str(path) in str(info.value) and "PNG or JPEG" in str(info.value)


def test_load_image_refuses_a_file_whose_start_contradicts_its_format(tmp_path, monkeypatch):
    """A file is decoded only when OpenCV will see the same format as Pillow, whose header gave the size."""
    path = write(tmp_path / "ok.png", np.zeros((30, 40, 3), dtype=np.uint8))
    monkeypatch.setattr(vision, "_SIGNATURES", {**vision._SIGNATURES, "PNG": (b"not-png",)})
    _no_decoding(monkeypatch)
    with pytest.raises(ImageFileError, match="PNG"):
        load_image(path)


# --------------------------------------------------------------------------------------------------------------
# ORB and the bag of visual words


def test_orb_finds_descriptors_on_a_checkerboard_and_none_on_a_flat_image():
    descriptors = orb_descriptors(checkerboard())
    assert descriptors.dtype == np.uint8 and descriptors.ndim == 2 and descriptors.shape[1] == 32
    assert 50 <= len(descriptors) <= 500
    assert len(orb_descriptors(checkerboard(), n_features=20)) <= 20
    flat = orb_descriptors(np.full((128, 128, 3), 0.5))
    assert flat.shape == (0, 32) and flat.dtype == np.uint8
    with pytest.raises(ParameterError, match="n_features"):
        orb_descriptors(checkerboard(), n_features=0)


def test_good_matches_counts_distinctive_matches_by_lowe_ratio():
    rng = np.random.default_rng(3)
    candidate = rng.integers(0, 256, size=(50, 32), dtype=np.uint8)
    # The first 10 query descriptors copy candidate rows (distance 0 < 0.75 × second best): all match.
    # The other 20 are fresh random bit strings, nearly equidistant from every candidate row: none matches.
    query = np.vstack([candidate[:10], rng.integers(0, 256, size=(20, 32), dtype=np.uint8)])
    assert good_matches(query, candidate) == 10
    # A copy that is also duplicated in the candidate set is not distinctive: the two best are both at 0.
    assert good_matches(candidate[:1], np.vstack([candidate, candidate[:1]])) == 0
    # A hand-made case: one query, candidates at Hamming distance 1 and 8 → ratio 1/8 passes, 1/1 does not.
    q = np.zeros((1, 1), np.uint8)
    assert good_matches(q, np.array([[0b1], [0xFF]], np.uint8)) == 1
    assert good_matches(q, np.array([[0b1], [0b10]], np.uint8)) == 0
    assert good_matches(query, candidate[:1]) == 0 and good_matches(query[:0], candidate) == 0
    with pytest.raises(ParameterError, match="uint8"):
        good_matches(query.astype(np.float32), candidate)
    with pytest.raises(ParameterError, match="bytes"):
        good_matches(query[:, :16], candidate)
    with pytest.raises(ParameterError, match="ratio"):
        good_matches(query, candidate, ratio=1.5)


def random_descriptor_sets(seed, sizes=(40, 0, 25, 60)):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, size=(n, 32), dtype=np.uint8) for n in sizes]


def test_visual_vocabulary_gives_l1_histograms_and_zero_rows_for_images_without_descriptors():
    sets = random_descriptor_sets(7)
    vocabulary = VisualVocabulary(n_words=6, seed=0).fit(sets)
    assert vocabulary.centres_.shape == (6, 256) and vocabulary.n_features_in_ == 32
    histograms = vocabulary.transform(sets)
    assert histograms.shape == (4, 6)
    np.testing.assert_allclose(histograms.sum(axis=1), [1, 0, 1, 1])
    assert (histograms[1] == 0).all()
    # the words are the nearest centres in the unpacked 0/1 space, counted per image
    bits = np.unpackbits(sets[2], axis=1).astype(float)
    nearest = ((bits[:, None, :] - vocabulary.centres_[None]) ** 2).sum(axis=2).argmin(axis=1)
    np.testing.assert_array_equal(vocabulary.assign(sets[2]), nearest)
    np.testing.assert_allclose(histograms[2], np.bincount(nearest, minlength=6) / 25)
    np.testing.assert_array_equal(vocabulary.fit_transform(sets), histograms)


def test_visual_vocabulary_is_deterministic_given_the_seed():
    sets = random_descriptor_sets(8)
    first = VisualVocabulary(n_words=5, seed=3).fit(sets).centres_
    again = VisualVocabulary(n_words=5, seed=3).fit(sets).centres_
    other = VisualVocabulary(n_words=5, seed=4).fit(sets).centres_
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    subsampled = VisualVocabulary(n_words=5, seed=3, max_descriptors=50).fit(sets).centres_
    subsampled_again = VisualVocabulary(n_words=5, seed=3, max_descriptors=50).fit(sets).centres_
    np.testing.assert_array_equal(subsampled, subsampled_again)


def test_visual_vocabulary_on_orb_descriptors_of_images():
    rng = np.random.default_rng(9)
    images = [checkerboard(), checkerboard(square=24), (rng.random((128, 128, 3)) * 255).astype(np.uint8)]
    descriptors = [orb_descriptors(image, n_features=100) for image in images]
    descriptors.append(orb_descriptors(np.zeros((64, 64, 3))))  # no keypoints
    histograms = VisualVocabulary(n_words=8, seed=0).fit_transform(descriptors)
    assert histograms.shape == (4, 8)
    np.testing.assert_allclose(histograms.sum(axis=1), [1, 1, 1, 0])


def test_visual_vocabulary_with_real_valued_descriptors():
    rng = np.random.default_rng(10)
    sets = [rng.normal(size=(30, 128)).astype(np.float32), rng.normal(size=(20, 128))]
    vocabulary = VisualVocabulary(n_words=4, seed=0, binary=False).fit(sets)
    assert vocabulary.centres_.shape == (4, 128)
    np.testing.assert_allclose(vocabulary.transform(sets).sum(axis=1), 1)


def test_visual_vocabulary_rejects_bad_input():
    sets = random_descriptor_sets(11)
    with pytest.raises(ParameterError, match="not fitted"):
        VisualVocabulary(n_words=3, seed=0).transform(sets)
    with pytest.raises(ParameterError, match="distinct descriptors"):
        VisualVocabulary(n_words=3, seed=0).fit([np.zeros((50, 32), dtype=np.uint8)])
    with pytest.raises(ParameterError, match="one .* descriptor array per image"):
        VisualVocabulary(n_words=3, seed=0).fit(sets[0])
    with pytest.raises(ParameterError, match="packed uint8"):
        VisualVocabulary(n_words=3, seed=0).fit([np.zeros((50, 32))])
    with pytest.raises(ParameterError, match="expected 32"):
        VisualVocabulary(n_words=3, seed=0).fit(sets).transform([np.zeros((5, 16), dtype=np.uint8)])
    with pytest.raises(ParameterError, match="2-D"):
        VisualVocabulary(n_words=3, seed=0).fit([None])
    with pytest.raises(ParameterError, match="n_words"):
        VisualVocabulary(n_words=0, seed=0)
    with pytest.raises(ParameterError, match="seed"):
        VisualVocabulary(n_words=3, seed=-1)
    with pytest.raises(ParameterError, match="max_descriptors"):
        VisualVocabulary(n_words=10, seed=0, max_descriptors=5)


# --------------------------------------------------------------------------------------------------------------
# Colour histogram


def test_colour_histogram_of_pure_red_is_one_bin():
    red = np.zeros((6, 6, 3), dtype=np.uint8)
    red[..., 0] = 255
    histogram = colour_histogram(red)
    assert histogram.shape == (512,)
    assert histogram[7 * 64] == 1.0 and histogram.sum() == 1.0  # (R bin 7, G bin 0, B bin 0)
    np.testing.assert_array_equal(colour_histogram(red.astype(float) / 255), histogram)


def test_colour_histogram_by_hand():
    # bins=4: q(x) = min(⌊4 x / 255⌋, 3) for uint8, joint bin (q(R)·4 + q(G))·4 + q(B)
    image = np.zeros((4, 4, 3), dtype=np.uint8)  # 14 black pixels stay in bin 0
    image[0, 0] = (31, 32, 255)  # q = (0, 0, 3) → 3
    image[0, 1] = (64, 0, 0)  # q = (1, 0, 0) → 16
    expected = np.zeros(64)
    expected[[0, 3, 16]] = [14 / 16, 1 / 16, 1 / 16]
    np.testing.assert_allclose(colour_histogram(image, bins=4), expected)
    with pytest.raises(ParameterError, match="bins"):
        colour_histogram(image, bins=0)
    with pytest.raises(ParameterError, match="bins must be at most 64"):
        colour_histogram(image, bins=65)
