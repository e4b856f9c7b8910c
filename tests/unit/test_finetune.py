"""Fine-tuning the offline backbone on item labels: the split of the backbone, shallow and deep fine-tuning on
cached features/activations, what deep fine-tuning may and may not change, embeddings, and bad input.

Small on purpose: 24 generated 224-px images, a few epochs; the backbone is built once per module for the
split tests (about a second), and once more for the test that trains part of it.
"""

import numpy as np
import pandas as pd
import pytest

from cbrec_lab.backbones import efficientnet_lite0
from cbrec_lab.config import import_keras
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.finetune import FineTuned, backbone_activations, fine_tune, split_backbone, split_points

keras = import_keras()


def _planted_images(n: int = 24, seed: int = 0):
    """Images whose dominant colour (red or blue) and brightness (dark or light) are the planted labels."""
    rng = np.random.default_rng(seed)
    images, colour, light = [], [], []
    for i in range(n):
        red, bright = i % 2 == 0, (i // 2) % 2 == 0
        base = np.array([200, 40, 30] if red else [30, 50, 200], dtype=np.float32)
        image = np.empty((224, 224, 3), np.float32)
        image[:] = base
        for _ in range(4):  # a few small patches of other colours, so no two images are alike
            top, left = rng.integers(0, 180, size=2)
            image[top : top + 40, left : left + 40] = rng.uniform(0, 255, size=3)
        image += rng.normal(0, 12, size=image.shape)
        image *= 1.0 if bright else 0.35
        images.append(np.clip(image, 0, 255).astype(np.uint8))
        colour.append("red" if red else "blue")
        light.append("light" if bright else "dark")
    return images, {"colour": np.array(colour), "brightness": np.array(light)}


@pytest.fixture(scope="module")
def backbone():
    return efficientnet_lite0(include_top=False, pooling="avg")


@pytest.fixture(scope="module")
def planted():
    return _planted_images()


@pytest.fixture(scope="module")
def features(planted):
    return backbone_activations(planted[0], at=None)


def test_split_points_are_the_block_boundaries(backbone):
    points = split_points(backbone)
    assert points[0] == "stem" and points[-1] == "top"
    assert {"block5c", "block6a", "block6d", "block7a"} <= set(points)
    assert not any("_" in p for p in points)


@pytest.mark.parametrize("at, shape", [("block6a", (14, 14, 112)), ("block7a", (7, 7, 192)), ("top_conv", (7, 7, 320))])
def test_upper_of_lower_equals_the_whole_backbone(backbone, at, shape):
    lower, upper = split_backbone(backbone, at)
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 255, size=(2, 224, 224, 3)).astype(np.float32)
    cut = keras.ops.convert_to_numpy(lower(x, training=False))
    assert cut.shape == (2, *shape)
    whole = keras.ops.convert_to_numpy(backbone(x, training=False))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(upper(cut, training=False)), whole, rtol=1e-5, atol=1e-5)
    # The parts share the backbone's layers (training the upper part trains the backbone).
    assert upper.get_layer("top_conv") is backbone.get_layer("top_conv")
    assert not {layer.name for layer in lower.layers} & {layer.name for layer in upper.layers[1:]}


def test_split_inside_a_residual_block_is_refused_with_advice(backbone):
    with pytest.raises(ParameterError, match=r"'block5c_add'.*residual.*'block6a'"):
        split_backbone(backbone, "block5c_add")
    with pytest.raises(ParameterError, match=r"no block or layer named 'block9z'.*'block7a'"):
        split_backbone(backbone, "block9z")
    with pytest.raises(ParameterError, match="no layer"):
        split_backbone(backbone, "preprocessing")
    with pytest.raises(ParameterError, match="functional"):
        split_backbone("efficientnet_lite0", "block6a")


def test_shallow_fine_tuning_learns_planted_labels_from_cached_features(planted, features):
    images, labels = planted
    assert features.shape == (24, 1280)
    tuned = fine_tune(features, labels, mode="shallow", epochs=8, batch_size=6, validation_fraction=0.25, seed=3)
    assert isinstance(tuned, FineTuned)
    assert tuned.train_accuracy["colour"] >= 0.9 and tuned.train_accuracy["brightness"] >= 0.9
    assert set(tuned.validation_accuracy) == {"colour", "brightness"}
    assert len(tuned.validation_index) == 6 and len(tuned.train_index) == 18  # 3 per colour held out
    assert {"loss", "colour_accuracy", "val_brightness_loss"} <= set(tuned.history.columns)
    assert len(tuned.history) == 8
    assert list(tuned.classes["colour"]) == ["blue", "red"]
    embeddings = tuned.embed_activations(features)
    assert embeddings.shape == (24, 1280) and embeddings.dtype == np.float32
    # From images, the same embeddings (the frozen backbone, then the new dense layer).
    np.testing.assert_allclose(tuned.embed(images[:2]), embeddings[:2], rtol=1e-4, atol=1e-4)
    predicted = tuned.predict_labels(features)
    assert list(predicted.columns) == ["colour", "brightness"]
    assert (predicted["colour"].to_numpy() == labels["colour"]).mean() >= 0.85


def test_fine_tuning_is_deterministic_for_a_seed(planted, features):
    labels = {"colour": pd.Series(planted[1]["colour"])}
    a = fine_tune(features, labels, epochs=2, hidden_units=64, seed=7).embed_activations(features)
    b = fine_tune(features, labels, epochs=2, hidden_units=64, seed=7).embed_activations(features)
    assert a.shape == (24, 64)
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_deep_fine_tuning_trains_only_the_upper_part_and_keeps_batchnorm_statistics(planted):
    images, labels = planted
    images = images[:12]
    labels = {"colour": labels["colour"][:12]}
    model = efficientnet_lite0(include_top=False, pooling="avg")
    before = {layer.name: [w.copy() for w in layer.get_weights()] for layer in model.layers}
    lower_names = {layer.name for layer in split_backbone(model, "block7a")[0].layers}
    tuned = fine_tune(
        images,
        labels,
        mode="deep",
        unfreeze_from="block7a",
        epochs=2,
        batch_size=4,
        learning_rate=1e-2,
        validation_fraction=0,
        backbone=model,
    )
    changed = set()
    for layer in model.layers:
        after = layer.get_weights()
        same = all(np.array_equal(b, a) for b, a in zip(before[layer.name], after, strict=True))
        if isinstance(layer, keras.layers.BatchNormalization):
            assert same, f"{layer.name}: batch-norm weights or moving statistics changed"
        elif layer.name in lower_names:
            assert same, f"{layer.name} is in the frozen lower part but changed"
        elif not same:
            changed.add(layer.name)
    assert {"block7a_expand_conv", "block7a_dwconv", "top_conv"} <= changed
    assert tuned.unfreeze_from == "block7a" and tuned.input_shape == (7, 7, 192)
    assert np.isnan(tuned.validation_accuracy["colour"])
    acts = tuned.activations(images)
    embeddings = tuned.embed_activations(acts)
    assert embeddings.shape == (12, 1280)
    # The backbone itself was fine-tuned in place: its pooled output is now the embedding.
    x = np.stack(images).astype(np.float32)
    pooled = keras.ops.convert_to_numpy(model(x[:2], training=False))
    np.testing.assert_allclose(pooled, embeddings[:2], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(tuned.embed(images[:2]), embeddings[:2], rtol=1e-4, atol=1e-4)


def test_bad_input_is_refused_with_the_bad_value(backbone, features, planted):
    labels = planted[1]
    with pytest.raises(ParameterError, match="'shalow'"):
        fine_tune(features, labels, mode="shalow")
    with pytest.raises(ParameterError, match=r"'colour' has 23 values for 24 items"):
        fine_tune(features, {"colour": labels["colour"][:23]})
    with pytest.raises(ParameterError, match="unfreeze_from='block6a' is for mode='deep'"):
        fine_tune(features, labels, unfreeze_from="block6a")
    with pytest.raises(ParameterError, match="'block6z'"):
        fine_tune(features, labels, mode="deep", unfreeze_from="block6z", backbone=backbone)
    with pytest.raises(ParameterError, match=r"activations at 'block7a'.*\(n, 7, 7, 192\)"):
        fine_tune(features, labels, mode="deep", unfreeze_from="block7a", backbone=backbone)
    with pytest.raises(ParameterError, match="missing for 1 of 24"):
        fine_tune(features, {"colour": [None, *labels["colour"][1:]]})
    with pytest.raises(ParameterError, match="single class"):
        fine_tune(features, {"colour": ["red"] * 24})
    with pytest.raises(ParameterError, match="hidden_units=0"):
        fine_tune(features, labels, hidden_units=0)
    with pytest.raises(ParameterError, match="validation_fraction"):
        fine_tune(features, labels, validation_fraction=1.0)
    with pytest.raises(ParameterError, match="'float64'"):
        backbone_activations(planted[0][:1], dtype="float64")
