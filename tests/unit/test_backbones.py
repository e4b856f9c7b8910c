"""The offline ImageNet backbone: safe reading of the weights, the port to Keras, its predictions on real
photos that ship with scikit-image and matplotlib, image preparation, deep features and their cache, and the
online backbones' offline error.

The classifier is built once per module (a few seconds); everything else runs on tiny arrays.
"""

import io
import json
import os
import pickle
import sys
import types

import matplotlib.image as mpimg
import numpy as np
import pytest
import skimage.data
from matplotlib import cbook

from cbrec_lab.backbones import (
    BACKBONES,
    WEIGHTS_SHA256,
    BackboneUnavailableError,
    ImageNetPreprocessing,
    UnsafePickleError,
    WeightsError,
    deep_feature_cache_path,
    deep_features,
    efficientnet_lite0,
    efficientnet_lite0_state_dict,
    get_backbone,
    imagenet_labels,
    predict_top_k,
    prepare_images,
    read_torch_state_dict,
    same_padding,
    torch_kernel_to_keras,
    weights_path,
)
from cbrec_lab.backbones import features as feature_module
from cbrec_lab.backbones import images as image_module
from cbrec_lab.backbones import weights as weights_module
from cbrec_lab.config import import_keras
from cbrec_lab.exceptions import CbrecError, ParameterError
from cbrec_lab.feature_cache import FeatureCacheError

keras = import_keras()

#: Real photos available offline, and what a working ImageNet classifier must see in them.
PHOTOS = {
    "coffee": lambda: skimage.data.coffee(),
    "chelsea": lambda: skimage.data.chelsea(),
    "rocket": lambda: skimage.data.rocket(),
    "astronaut": lambda: skimage.data.astronaut(),
    "grace_hopper": lambda: mpimg.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)),
}


@pytest.fixture(scope="module")
def classifier():
    return efficientnet_lite0()


@pytest.fixture(scope="module")
def photos():
    return {name: load() for name, load in PHOTOS.items()}


@pytest.fixture(scope="module")
def top5(classifier, photos):
    return dict(zip(photos, predict_top_k(classifier, list(photos.values()), k=5), strict=True))


# ------------------------------------------------------------------------------------------------------------
# Reading the weights


def test_weights_are_read_verified_and_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # any `import torch` would now fail
    state = read_torch_state_dict(weights_path(), sha256=WEIGHTS_SHA256)
    assert len(state) == 296
    assert sum(v.size for k, v in state.items() if not k.endswith("num_batches_tracked")) == 4_694_024
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3) and state["_conv_stem.weight"].dtype == np.float32
    assert state["_blocks.1._depthwise_conv.weight"].shape == (96, 1, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280) and state["_fc.bias"].shape == (1000,)
    assert state["_bn0.num_batches_tracked"].shape == () and state["_bn0.num_batches_tracked"].dtype == np.int64
    assert all(v.flags.c_contiguous for v in state.values())
    assert all(np.isfinite(v).all() for v in state.values())
    assert (state["_bn1.running_var"] > 0).all()


def test_altered_weights_file_is_refused_by_its_sha256(tmp_path):
    data = bytearray(weights_path().read_bytes())
    data[-100] ^= 0xFF  # a flipped byte inside the fc bias: still a well-formed file
    altered = tmp_path / "altered.pth"
    altered.write_bytes(bytes(data))
    with pytest.raises(WeightsError, match="SHA-256"):
        read_torch_state_dict(altered, sha256=WEIGHTS_SHA256)
    assert read_torch_state_dict(altered)["_fc.bias"].shape == (1000,)  # without a digest it reads


class _Evil:
    """Pickles as a call of ``os.system``, as a malicious weights file would."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _legacy_header() -> list[bytes]:
    return [
        pickle.dumps(weights_module._LEGACY_MAGIC, protocol=2),
        pickle.dumps(weights_module._LEGACY_PROTOCOL, protocol=2),
        pickle.dumps({"protocol_version": 1001, "little_endian": True, "type_sizes": {"int": 4}}, protocol=2),
    ]


@pytest.mark.parametrize("position", [0, 2, 3, 4])
def test_restricted_unpickler_refuses_os_system_without_running_it(tmp_path, position):
    marker = tmp_path / "pwned"
    pickles = _legacy_header() + [pickle.dumps({}, protocol=2), pickle.dumps([], protocol=2)]
    pickles[position] = pickle.dumps(_Evil(marker), protocol=2)
    assert b"system" in pickles[position]
    path = tmp_path / "evil.pth"
    path.write_bytes(b"".join(pickles))
    with pytest.raises(UnsafePickleError, match=r"refused and nothing was executed") as caught:
        read_torch_state_dict(path)
    assert "system" in str(caught.value)
    assert isinstance(caught.value, pickle.UnpicklingError) and isinstance(caught.value, CbrecError)
    assert not marker.exists()


@pytest.mark.parametrize(
    "global_name", [("builtins", "eval"), ("torch", "load"), ("torch._utils", "_rebuild_parameter")]
)
def test_restricted_unpickler_allows_only_the_state_dict_names(global_name):
    module, name = global_name
    stream = pickle.dumps(None, protocol=2)
    unpickler = weights_module._RestrictedUnpickler(io.BytesIO(stream))
    with pytest.raises(UnsafePickleError, match=rf"{module}\.{name}"):
        unpickler.find_class(module, name)
    assert unpickler.find_class("torch", "FloatStorage").dtype == np.float32
    assert unpickler.find_class("torch._utils", "_rebuild_tensor_v2") is weights_module._rebuild_tensor_v2


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda data: data[: len(data) // 2], "truncated|not a readable|storage"),
        (lambda data: b"PK\x03\x04" + data, "zip format"),
        (lambda data: pickle.dumps(12345, protocol=2) + data[15:], "magic number"),
        (lambda data: data + b"\x00", "unexpected bytes"),
    ],
)
def test_malformed_weights_files_raise_clear_errors(tmp_path, mangle, message):
    path = tmp_path / "bad.pth"
    path.write_bytes(mangle(weights_path().read_bytes()))
    with pytest.raises(WeightsError, match=message):
        read_torch_state_dict(path)
    with pytest.raises(WeightsError, match="No weights file"):
        read_torch_state_dict(tmp_path / "missing.pth")


def _fake_torch_modules(monkeypatch):
    """Stand-ins named like torch's globals, so that the standard pickler writes a legacy file without torch."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):  # never called: only its name is written
        raise AssertionError

    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    for name in ("FloatStorage", "LongStorage", "DoubleStorage"):
        cls = type(name, (), {"__module__": "torch"})
        setattr(torch, name, cls)
    torch._utils = utils
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch, utils


def test_legacy_format_with_offsets_strides_and_shared_storages(tmp_path, monkeypatch):
    """A hand-written legacy file: two tensors share a storage, one is a transposed (non-contiguous) view."""
    import collections
    import struct

    torch, utils = _fake_torch_modules(monkeypatch)
    storage_a = np.arange(10, dtype="<f4")  # key "0": a 2×3 transposed view at offset 2, and a 0-d scalar
    storage_b = np.array([7, -1], dtype="<i8")  # key "1"

    class Tensor:
        def __init__(self, storage, key, numel, offset, size, stride):
            self.args = (Storage(storage, key, numel), offset, size, stride, False, collections.OrderedDict())

        def __reduce__(self):
            return (utils._rebuild_tensor_v2, self.args)

    class Storage:
        def __init__(self, kind, key, numel):
            self.id = ("storage", kind, key, "cpu", numel, None)

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return obj.id if isinstance(obj, Storage) else None

    state = collections.OrderedDict(
        transposed=Tensor(torch.FloatStorage, "0", 10, 2, (2, 3), (1, 2)),
        scalar=Tensor(torch.FloatStorage, "0", 10, 9, (), ()),
        counts=Tensor(torch.LongStorage, "1", 2, 0, (2,), (1,)),
        empty=Tensor(torch.FloatStorage, "0", 10, 0, (0, 4), (4, 1)),
    )
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(state)
    parts = _legacy_header() + [buffer.getvalue(), pickle.dumps(["0", "1"], protocol=2)]
    for storage in (storage_a, storage_b):
        parts += [struct.pack("<q", storage.size), storage.tobytes()]
    path = tmp_path / "tiny.pth"
    path.write_bytes(b"".join(parts))
    monkeypatch.delitem(sys.modules, "torch")  # reading needs none of the stand-ins
    monkeypatch.delitem(sys.modules, "torch._utils")

    arrays = read_torch_state_dict(path)
    assert list(arrays) == ["transposed", "scalar", "counts", "empty"]
    np.testing.assert_array_equal(arrays["transposed"], np.array([[2, 4, 6], [3, 5, 7]], dtype=np.float32))
    assert arrays["transposed"].flags.c_contiguous
    assert arrays["scalar"].shape == () and arrays["scalar"] == 9.0
    np.testing.assert_array_equal(arrays["counts"], [7, -1])
    assert arrays["counts"].dtype == np.int64 and arrays["empty"].shape == (0, 4)

    # A tensor that reaches beyond its storage is refused, not read out of bounds.
    state["transposed"] = Tensor(torch.FloatStorage, "0", 10, 6, (2, 3), (1, 2))
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(state)
    parts[3] = buffer.getvalue()
    path.write_bytes(b"".join(parts))
    with pytest.raises(WeightsError, match="beyond its storage"):
        read_torch_state_dict(path)


# ------------------------------------------------------------------------------------------------------------
# Layout and padding of the port


def _torch_conv2d(x, w, stride, pad, groups=1):
    """PyTorch's Conv2d semantics in numpy: NCHW input, (out, in/groups, kh, kw) kernel, cross-correlation."""
    (top, bottom), (left, right) = pad
    x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    n, c, h, wd = x.shape
    out_c, in_per_group, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, out_c, oh, ow))
    per_group = out_c // groups
    for o in range(out_c):
        g = o // per_group
        for i in range(oh):
            for j in range(ow):
                rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
                patch = x[:, g * in_per_group : (g + 1) * in_per_group, rows, cols]
                out[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3))
    return out


@pytest.mark.parametrize("size, kernel, stride", [(7, 3, 1), (8, 3, 2), (8, 5, 2), (9, 3, 2)])
@pytest.mark.parametrize("depthwise", [False, True])
def test_ported_kernels_reproduce_pytorch_convolutions(size, kernel, stride, depthwise):
    rng = np.random.default_rng(size * 10 + kernel + stride)
    channels, out_channels = 3, (3 if depthwise else 4)
    x = rng.normal(size=(2, channels, size, size)).astype(np.float32)
    w = rng.normal(size=(out_channels, 1 if depthwise else channels, kernel, kernel)).astype(np.float32)
    pad = same_padding(size, kernel=kernel, stride=stride)
    expected = _torch_conv2d(x, w, stride, (pad, pad), groups=channels if depthwise else 1)

    inputs = keras.Input((size, size, channels))
    padded = keras.layers.ZeroPadding2D((pad, pad))(inputs)
    if depthwise:
        layer = keras.layers.DepthwiseConv2D(kernel, strides=stride, padding="valid", use_bias=False)
    else:
        layer = keras.layers.Conv2D(out_channels, kernel, strides=stride, padding="valid", use_bias=False)
    model = keras.Model(inputs, layer(padded))
    layer.set_weights([torch_kernel_to_keras(w, depthwise=depthwise)])
    got = np.asarray(model.predict_on_batch(x.transpose(0, 2, 3, 1))).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    if stride == 2 and pad[0] != pad[1]:  # PyTorch's symmetric padding=k//2 would give other numbers
        symmetric = _torch_conv2d(x, w, stride, ((kernel // 2,) * 2,) * 2, groups=channels if depthwise else 1)
        assert not np.allclose(symmetric, expected, atol=1e-3)


def test_same_padding_is_tensorflows():
    assert same_padding(224, kernel=3, stride=2) == (0, 1)
    assert same_padding(112, kernel=3, stride=2) == (0, 1)
    assert same_padding(56, kernel=5, stride=2) == (1, 2)
    assert same_padding(14, kernel=5, stride=2) == (1, 2)
    assert same_padding(225, kernel=3, stride=2) == (1, 1)
    assert same_padding(28, kernel=5, stride=1) == (2, 2)
    assert same_padding(7, kernel=1, stride=1) == (0, 0)
    with pytest.raises(ParameterError, match="stride"):
        same_padding(7, kernel=3, stride=0)
    with pytest.raises(ParameterError, match=r"\(channels, 1, kh, kw\)"):
        torch_kernel_to_keras(np.zeros((4, 2, 3, 3)), depthwise=True)
    with pytest.raises(ParameterError, match="4 axes"):
        torch_kernel_to_keras(np.zeros((4, 3, 3)))


def test_first_layer_matches_a_numpy_reimplementation(classifier, photos):
    """Stem by hand: (x − 127)/128, TF-"SAME" pad, 3×3 stride-2 convolution, batch norm (ε = 1e-3), ReLU6."""
    state = efficientnet_lite0_state_dict()
    x = prepare_images([photos["coffee"]])[:, :32, :32]  # a corner is enough: the stem is local
    normalised = ((x - 127.0) / 128.0).transpose(0, 3, 1, 2).astype(np.float64)
    conv = _torch_conv2d(normalised, state["_conv_stem.weight"].astype(np.float64), 2, ((0, 1), (0, 1)))
    scale = state["_bn0.weight"] / np.sqrt(state["_bn0.running_var"] + 1e-3)
    bn = (conv - state["_bn0.running_mean"][:, None, None]) * scale[:, None, None] + state["_bn0.bias"][:, None, None]
    expected = np.clip(bn, 0, 6).transpose(0, 2, 3, 1)
    stem = keras.Model(classifier.inputs, classifier.get_layer("stem_activation").output)
    full = np.pad(x, ((0, 0), (0, 192), (0, 192), (0, 0)))  # the model's input is 224×224
    got = np.asarray(stem.predict_on_batch(full))[:, :15, :15]  # away from the zero-filled border
    np.testing.assert_allclose(got, expected[:, :15, :15], atol=1e-4)


# ------------------------------------------------------------------------------------------------------------
# The model


def test_model_structure(classifier):
    assert classifier.count_params() == 4_694_024  # every array of the state dict but num_batches_tracked
    assert classifier.input_shape == (None, 224, 224, 3) and classifier.output_shape == (None, 1000)
    assert classifier.layers[1].name == "preprocessing" and classifier.layers[1].mode == "lite"
    assert classifier.get_layer("avg_pool").output.shape[-1] == 1280
    assert classifier.get_layer("stem_bn").epsilon == 1e-3
    assert not any("se_" in layer.name for layer in classifier.layers)  # Lite: no squeeze-and-excitation
    assert len({layer.name[:7] for layer in classifier.layers if layer.name.startswith("block")}) == 16
    assert sum(layer.name.endswith("_add") for layer in classifier.layers) == 9
    trunk = efficientnet_lite0(include_top=False, pooling=None)
    assert trunk.output_shape == (None, 7, 7, 1280)
    with pytest.raises(ParameterError, match="pooling='avg'"):
        efficientnet_lite0(include_top=True, pooling="max")
    with pytest.raises(ParameterError, match="pooling"):
        efficientnet_lite0(include_top=False, pooling="mean")


@pytest.mark.parametrize(
    "photo, top1, in_top5",
    [
        ("coffee", {"espresso"}, {"espresso", "cup", "coffee mug"}),
        ("chelsea", {"tabby", "tiger cat", "Egyptian cat"}, {"tabby", "tiger cat", "Egyptian cat"}),
        ("rocket", {"missile", "projectile", "space shuttle"}, {"missile", "projectile", "space shuttle"}),
        ("grace_hopper", {"military uniform"}, {"military uniform"}),
    ],
)
def test_predictions_on_real_photos(top5, photo, top1, in_top5):
    names = [name for name, _ in top5[photo]]
    probabilities = [p for _, p in top5[photo]]
    assert names[0] in top1, top5[photo]
    assert in_top5 <= set(names), top5[photo]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1 + 1e-6


def test_confident_where_the_photo_is_clear(top5):
    assert top5["coffee"][0][1] > 0.8  # an espresso cup seen from above
    cats = sum(p for name, p in top5["chelsea"] if name in {"tabby", "tiger cat", "Egyptian cat"})
    assert cats > 0.8
    assert len(top5["astronaut"]) == 5  # no ImageNet class for an astronaut: nothing asserted about it


def test_predictions_do_not_depend_on_the_dtype(classifier, photos):
    coffee = photos["coffee"]
    as_float = coffee.astype(np.float64) / 255.0
    as_uint16 = coffee.astype(np.uint16) * 257
    with_alpha = np.dstack([coffee, np.full(coffee.shape[:2], 17, np.uint8)])
    results = predict_top_k(classifier, [coffee, as_float, as_uint16, with_alpha], k=3)
    for other in results[1:]:
        assert [n for n, _ in other] == [n for n, _ in results[0]]
        np.testing.assert_allclose([p for _, p in other], [p for _, p in results[0]], atol=1e-4)


def test_predict_top_k_rejects_what_it_cannot_use(classifier, photos):
    with pytest.raises(ParameterError, match="k must be"):
        predict_top_k(classifier, [photos["coffee"]], k=0)
    with pytest.raises(ParameterError, match="wrap a single image in a list"):
        predict_top_k(classifier, photos["coffee"])
    trunk = keras.Model(classifier.inputs, classifier.get_layer("avg_pool").output)
    with pytest.raises(ParameterError, match="1,000-class"):
        predict_top_k(trunk, [photos["coffee"]])


# Keras's saver converts variables with np.array(x, copy=False), which numpy 2 warns about.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
def test_saved_model_loads_back_with_its_preprocessing(tmp_path, classifier, photos):
    path = tmp_path / "lite0.keras"
    classifier.save(path)
    loaded = keras.saving.load_model(path)
    x = prepare_images([photos["chelsea"]])
    np.testing.assert_allclose(loaded.predict_on_batch(x), classifier.predict_on_batch(x), atol=1e-6)


def test_preprocessing_modes():
    x = np.array([[[[0.0, 127.0, 255.0]]]], dtype=np.float32)
    out = {mode: np.asarray(ImageNetPreprocessing(mode)(x))[0, 0, 0] for mode in ImageNetPreprocessing.MODES}
    np.testing.assert_allclose(out["lite"], [-127 / 128, 0.0, 1.0])
    np.testing.assert_allclose(out["caffe"], [255 - 103.939, 127 - 116.779, 0 - 123.68], rtol=1e-6)
    np.testing.assert_allclose(out["tf"], [-1.0, 127 / 127.5 - 1, 1.0], rtol=1e-6)
    torch_style = (np.array([0, 127, 255]) / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    np.testing.assert_allclose(out["torch"], torch_style, rtol=1e-5)
    np.testing.assert_array_equal(out["none"], x[0, 0, 0])
    assert ImageNetPreprocessing.from_config(ImageNetPreprocessing("caffe").get_config()).mode == "caffe"
    with pytest.raises(ParameterError, match="'bgr'"):
        ImageNetPreprocessing("bgr")


# ------------------------------------------------------------------------------------------------------------
# Labels and the registry


def test_imagenet_labels_offline():
    labels = imagenet_labels()
    assert len(labels) == 1000 and labels[0] == "tench" and labels[999] == "toilet tissue"
    assert labels[281:286] == ["tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"]
    assert labels[967] == "espresso" and labels[652] == "military uniform"
    assert labels.count("crane") == 2
    wnids = imagenet_labels(style="wnid")
    assert wnids == sorted(wnids) and len(set(wnids)) == 1000 and wnids[0] == "n01440764"
    assert imagenet_labels(style="synset")[281] == "tabby, tabby cat"
    with pytest.raises(ParameterError, match="style"):
        imagenet_labels(style="long")


def test_registry_entries():
    assert set(BACKBONES) == {"efficientnet_lite0", "resnet50", "vgg19", "inceptionv3", "efficientnetb0"}
    assert [name for name, info in BACKBONES.items() if info.offline] == ["efficientnet_lite0"]
    assert BACKBONES["vgg19"].feature_layer == "fc2" and BACKBONES["vgg19"].feature_dim == 4096
    assert BACKBONES["inceptionv3"].input_size == 299
    assert BACKBONES["efficientnet_lite0"].top1 == 75.1 and BACKBONES["resnet50"].top1 == 74.9
    for info in BACKBONES.values():
        assert info.preprocessing in ImageNetPreprocessing.MODES and info.top1_source


@pytest.mark.parametrize("name", ["resnet50", "vgg19", "inceptionv3", "efficientnetb0"])
def test_online_backbones_say_which_backbone_works_offline(monkeypatch, name):
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    with pytest.raises(BackboneUnavailableError, match=r"CBREC_OFFLINE=1.*'efficientnet_lite0'"):
        get_backbone(name)
    with pytest.raises(BackboneUnavailableError, match="efficientnet_lite0"):
        deep_features([np.zeros((8, 8, 3), np.uint8)], backbone=name)
    with pytest.raises(ParameterError, match="Unknown backbone 'alexnet'"):
        get_backbone("alexnet")


def test_online_backbone_is_wrapped_with_its_preprocessing_and_feature_layer(monkeypatch):
    """A stand-in for keras.applications.VGG19 (no download): the wrapper cuts at fc2 (fc7) and adds caffe mode."""
    calls = []

    def fake_vgg19(*, weights, include_top, input_shape, **kwargs):
        calls.append((weights, include_top))
        inputs = keras.Input(input_shape)
        x = keras.layers.GlobalAveragePooling2D()(inputs)
        x = keras.layers.Dense(8, name="fc1")(x)
        x = keras.layers.Dense(4, name="fc2")(x)
        return keras.Model(inputs, keras.layers.Dense(1000, activation="softmax", name="predictions")(x), name="vgg19")

    monkeypatch.delenv("CBREC_OFFLINE", raising=False)
    monkeypatch.setattr(keras.applications, "VGG19", fake_vgg19)
    features = get_backbone("vgg19")
    assert calls == [("imagenet", True)]
    assert features.input_shape == (None, 224, 224, 3) and features.output_shape == (None, 4)
    assert features.layers[1].mode == "caffe"
    assert get_backbone("vgg19", include_top=True).output_shape == (None, 1000)

    def failed_download(**kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- [Errno -3]")

    monkeypatch.setattr(keras.applications, "ResNet50", failed_download)
    with pytest.raises(BackboneUnavailableError, match=r"URL fetch failure.*'efficientnet_lite0'"):
        get_backbone("resnet50")


# ------------------------------------------------------------------------------------------------------------
# Image preparation


def test_prepare_images_resizes_the_short_side_and_crops_the_centre():
    wide = np.zeros((100, 300, 3), np.uint8)
    wide[:, 100:200] = 200  # the central third: all that survives the crop
    out = prepare_images([wide], size=50)
    assert out.shape == (1, 50, 50, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, 2:-2], 200.0, atol=1e-3)
    tall = np.zeros((40, 20), np.uint8)
    tall[10:30] = 255
    out = prepare_images([tall], size=64)  # enlarged (bicubic) and greyscale repeated into RGB
    assert out.shape == (1, 64, 64, 3) and out.min() >= 0 and out.max() <= 255
    np.testing.assert_allclose(out[..., 0], out[..., 2], atol=1e-3)
    assert out[0, 32, 32, 0] == pytest.approx(255, abs=1)


def test_prepare_images_dtype_policy():
    rgb = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    grey = rgb[..., 0]
    rgba = np.dstack([rgb, np.zeros_like(grey)])  # a transparent alpha channel: dropped, not composited
    images = [rgb, rgb.astype(np.uint16) * 257, rgb / 255.0, rgba, grey, grey[..., None], grey > 127]
    batches = prepare_images(images, size=16)
    for k in range(1, 4):
        np.testing.assert_allclose(batches[k], batches[0], atol=1e-3)
    np.testing.assert_array_equal(batches[4], np.repeat(grey[..., None], 3, axis=-1))
    np.testing.assert_array_equal(batches[5], batches[4])
    assert set(np.unique(batches[6])) == {0.0, 255.0}
    assert prepare_images(np.stack([rgb, rgb]), size=16).shape == (2, 16, 16, 3)


@pytest.mark.parametrize(
    "image, message",
    [
        (np.zeros((8, 8, 2), np.uint8), r"shape \(8, 8, 2\)"),
        (np.zeros(8, np.uint8), r"shape \(8,\)"),
        (np.zeros((8, 8, 3), np.int32), "dtype int32"),
        (np.full((8, 8, 3), 2.0), r"\[0, 1\].*uint8"),
        (np.full((8, 8, 3), np.nan), r"\[0, 1\]"),
        (np.zeros((0, 8, 3), np.uint8), "empty"),
    ],
)
def test_bad_images_are_rejected_with_clear_messages(image, message):
    with pytest.raises(ParameterError, match=message):
        prepare_images([np.zeros((8, 8, 3), np.uint8), image], size=8)
    with pytest.raises(ParameterError, match="image 1"):
        deep_features([np.zeros((8, 8, 3), np.uint8), image])


def test_bad_collections_are_rejected():
    with pytest.raises(ParameterError, match="No images"):
        prepare_images([])
    with pytest.raises(ParameterError, match="list of arrays"):
        prepare_images("photo.jpg")
    with pytest.raises(ParameterError, match=r"shape \(2, 2, 2, 2, 2\)"):
        prepare_images(np.zeros((2, 2, 2, 2, 2)))
    with pytest.raises(ParameterError, match="size"):
        prepare_images([np.zeros((8, 8, 3), np.uint8)], size=0)


# ------------------------------------------------------------------------------------------------------------
# Deep features and their cache


def test_deep_features_are_the_classifiers_penultimate_layer(classifier, photos):
    images = [photos["coffee"], photos["chelsea"], photos["rocket"]]
    features = deep_features(images, batch_size=2)
    assert features.shape == (3, 1280) and features.dtype == np.float32
    assert (features >= 0).all() and (features <= 6).all()  # averages of ReLU6 activations
    dense = classifier.get_layer("predictions")
    kernel, bias = (np.asarray(w) for w in dense.weights)
    logits = features @ kernel + bias
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax, classifier.predict_on_batch(prepare_images(images)), atol=1e-5)
    np.testing.assert_allclose(deep_features(images, batch_size=32), features, atol=1e-5)


def test_deep_features_cache_hit_and_invalidation(data_home, photos, monkeypatch):
    images = [photos["coffee"][::4, ::4], photos["chelsea"][::4, ::4]]
    path = deep_feature_cache_path(images, cache_key="sample")
    assert not data_home.exists() or not path.exists()
    first = deep_features(images, cache_key="sample")
    assert path.is_file() and path.parent == data_home / "features" / "deep"
    assert path.name.startswith("efficientnet_lite0-sample-")
    manifest = json.loads(path.with_suffix(".json").read_text())
    assert manifest["inputs"]["weights_sha256"] == WEIGHTS_SHA256
    assert manifest["inputs"]["preprocessing_version"] == image_module.PREPROCESSING_VERSION
    assert len(manifest["inputs"]["images_sha256"]) == 2 and manifest["shape"] == [2, 1280]

    def no_model(*args, **kwargs):
        raise AssertionError("the cache should have been used")

    predict = feature_module._predict
    monkeypatch.setattr(feature_module, "_predict", no_model)
    np.testing.assert_array_equal(deep_features(images, cache_key="sample"), first)

    changed = [images[0].copy(), images[1]]
    changed[0][0, 0, 0] ^= 1  # one pixel of one image
    assert deep_feature_cache_path(changed, cache_key="sample") != path
    with pytest.raises(AssertionError, match="cache should have been used"):
        deep_features(changed, cache_key="sample")
    version, digest = image_module.PREPROCESSING_VERSION, weights_module.WEIGHTS_SHA256
    monkeypatch.setattr(image_module, "PREPROCESSING_VERSION", version + 1)
    assert deep_feature_cache_path(images, cache_key="sample") != path
    monkeypatch.setattr(image_module, "PREPROCESSING_VERSION", version)
    monkeypatch.setattr(weights_module, "WEIGHTS_SHA256", "0" * 64)  # other weights, e.g. a new wheel
    assert deep_feature_cache_path(images, cache_key="sample") != path
    monkeypatch.setattr(weights_module, "WEIGHTS_SHA256", digest)
    assert deep_feature_cache_path(images, cache_key="sample") == path
    monkeypatch.setattr(feature_module, "_predict", predict)

    np.save(path, first + 1)  # altered behind the manifest's back
    with pytest.raises(FeatureCacheError, match="SHA-256"):
        deep_features(images, cache_key="sample")


def test_deep_features_without_a_cache_key_never_touch_the_data_home(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("CBREC_DATA_HOME", str(not_a_folder))
    features = deep_features([np.full((30, 40), 0.5)])
    assert features.shape == (1, 1280)
    with pytest.raises(ParameterError, match="cache_key"):
        deep_features([np.zeros((8, 8, 3), np.uint8)], cache_key="../escape")
    with pytest.raises(ParameterError, match="batch_size"):
        deep_features([np.zeros((8, 8, 3), np.uint8)], batch_size=0)
