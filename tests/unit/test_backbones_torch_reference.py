"""The torch-free reader and the Keras port against PyTorch itself (skipped where torch is not installed).

- ``torch.load`` of the shipped weights gives exactly the arrays :func:`read_torch_state_dict` gives;
- files that ``torch.save`` writes in the legacy format, with views, offsets and several dtypes, read back
  exactly;
- a forward pass written here with ``torch.nn.functional`` straight from the state dict (TensorFlow-"SAME"
  padding by ``F.pad``, ``F.conv2d`` with ``groups`` for the depthwise convolutions, ``F.batch_norm`` with
  ε = 1e-3, ReLU6) gives the Keras model's logits on real photos.
"""

import math

import numpy as np
import pytest
import skimage.data

from cbrec_lab.backbones import (
    WEIGHTS_SHA256,
    efficientnet_lite0,
    efficientnet_lite0_state_dict,
    prepare_images,
    read_torch_state_dict,
    weights_path,
)
from cbrec_lab.backbones.efficientnet import _LITE0_STAGES

torch = pytest.importorskip("torch")
F = torch.nn.functional


def test_reader_agrees_with_torch_load():
    ours = read_torch_state_dict(weights_path(), sha256=WEIGHTS_SHA256)
    theirs = torch.load(weights_path(), map_location="cpu", weights_only=True)
    assert list(ours) == list(theirs)
    for name, tensor in theirs.items():
        assert ours[name].dtype == tensor.numpy().dtype, name
        np.testing.assert_array_equal(ours[name], tensor.numpy(), err_msg=name)


def test_reader_agrees_with_torch_save_legacy(tmp_path):
    generator = torch.Generator().manual_seed(0)
    base = torch.randn(6, 5, generator=generator)
    state = {
        "transposed": base.t(),  # non-contiguous
        "slice": base[2:5, 1:4],  # offset into a shared storage, non-contiguous
        "row": base[3],
        "double": torch.randn(3, 2, generator=generator, dtype=torch.float64),
        "half": torch.randn(4, generator=generator).half(),
        "long": torch.tensor([1, -2, 3 << 40]),
        "bool": torch.tensor([True, False, True]),
        "byte": torch.arange(7, dtype=torch.uint8),
        "scalar": torch.tensor(2.5),
        "conv": torch.randn(2, 3, 3, 3, generator=generator).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
    }
    path = tmp_path / "legacy.pth"
    torch.save(state, path, _use_new_zipfile_serialization=False)
    arrays = read_torch_state_dict(path)
    assert list(arrays) == list(state)
    for name, tensor in state.items():
        np.testing.assert_array_equal(arrays[name], tensor.numpy(), err_msg=name)
        assert arrays[name].dtype == tensor.numpy().dtype


def _tf_same_pad(x, kernel, stride):
    """TensorFlow's "SAME": ceil(n / stride) outputs, the odd pixel of padding at the bottom/right."""
    pads = []
    for n in (x.shape[3], x.shape[2]):  # F.pad lists the last axis first
        total = max((math.ceil(n / stride) - 1) * stride + kernel - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


def _torch_forward(state, x):
    """EfficientNet-Lite0 with torch.nn.functional, NCHW, from the PyTorch state dict."""
    t = {k: torch.from_numpy(np.array(v)) for k, v in state.items()}

    def bn(x, prefix):
        mean, var, gamma, beta = (t[f"{prefix}.{n}"] for n in ("running_mean", "running_var", "weight", "bias"))
        return F.batch_norm(x, mean, var, gamma, beta, training=False, eps=1e-3)

    def relu6(x):
        return F.hardtanh(x, 0.0, 6.0)

    x = relu6(bn(F.conv2d(_tf_same_pad(x, 3, 2), t["_conv_stem.weight"], stride=2), "_bn0"))
    index = 0
    for repeats, kernel, stride, expand, _, _ in _LITE0_STAGES:
        for repeat in range(repeats):
            p = f"_blocks.{index}."
            s = stride if repeat == 0 else 1
            inputs = x
            if expand != 1:
                x = relu6(bn(F.conv2d(x, t[p + "_expand_conv.weight"]), p + "_bn0"))
            w = t[p + "_depthwise_conv.weight"]
            x = relu6(bn(F.conv2d(_tf_same_pad(x, kernel, s), w, stride=s, groups=w.shape[0]), p + "_bn1"))
            x = bn(F.conv2d(x, t[p + "_project_conv.weight"]), p + "_bn2")
            if s == 1 and inputs.shape[1] == x.shape[1]:
                x = x + inputs
            index += 1
    x = relu6(bn(F.conv2d(x, t["_conv_head.weight"]), "_bn1"))
    return F.linear(x.mean(dim=(2, 3)), t["_fc.weight"], t["_fc.bias"])


def test_keras_port_matches_a_torch_forward_pass():
    images = prepare_images([skimage.data.coffee(), skimage.data.chelsea(), skimage.data.rocket()])
    keras_logits = np.asarray(efficientnet_lite0(classifier_activation=None).predict_on_batch(images))
    normalised = torch.from_numpy(((images - 127.0) / 128.0).transpose(0, 3, 1, 2).copy())
    with torch.no_grad():
        torch_logits = _torch_forward(efficientnet_lite0_state_dict(), normalised).numpy()
    assert np.abs(torch_logits).max() > 5  # real, confident logits, not a degenerate output
    np.testing.assert_allclose(keras_logits, torch_logits, atol=1e-3)
    np.testing.assert_array_equal(keras_logits.argmax(axis=1), torch_logits.argmax(axis=1))
