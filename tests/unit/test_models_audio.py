"""The spectrogram CNNs: sizes worked out by hand, outputs, standardisation, argument checks, transfer of a
trunk, the L2 pooling layer and saving."""

import numpy as np
import pytest

from cbrec_lab.config import import_keras
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.models.audio import GlobalL2Pooling1D, deep_cnn, genre_cnn, thesis_cnn, transfer_trunk

keras = import_keras()


def _x(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def _predict(model, x):
    return keras.ops.convert_to_numpy(model(x, training=False))


# --------------------------------------------------------------------------------------------------------------
# sizes


def test_thesis_cnn_parameters_by_hand():
    model = thesis_cnn()
    conv = 3 * 128 * 128 + 128  # 3 frames × 128 bands × 128 filters, + biases
    frames_after_pool = (130 - 2) // 4  # a valid convolution of width 3 leaves 128 frames; pool 4 → 32
    assert frames_after_pool == 32
    flat = frames_after_pool * 128  # 4,096
    dense = flat * 128 + 128
    out = 128 * 50 + 50
    assert conv + dense + out == 580_146
    assert model.count_params() == conv + dense + out
    assert model.get_layer("flatten").output.shape[1:] == (4096,)
    assert model.output_shape == (None, 50)
    assert model.input_shape == (None, 130, 128)


def test_genre_cnn_parameters_by_hand():
    model = genre_cnn()
    conv1 = 3 * 128 * 128 + 128
    conv2 = 3 * 128 * 128 + 128
    frames = 388 - 2  # conv1: 386
    frames //= 3  # pool1: 128
    frames -= 2  # conv2: 126
    frames //= 3  # pool2: 42
    assert frames == 42
    dense = frames * 128 * 128 + 128  # flatten 42 × 128 = 5,376 inputs
    out = 128 * 5 + 5
    assert model.count_params() == conv1 + conv2 + dense + out == 787_461
    assert model.get_layer("flatten").output.shape[1:] == (42 * 128,)
    assert model.output_shape == (None, 5)


def test_deep_cnn_parameters_by_hand_and_independent_of_window_length():
    conv1 = 4 * 128 * 256 + 256
    conv2 = 4 * 256 * 256 + 256
    conv3 = 4 * 256 * 512 + 512
    pooled = 3 * 512  # mean, max and L2 norm of the 512 features over time
    dense1 = pooled * 2048 + 2048
    dense2 = 2048 * 2048 + 2048
    out = 2048 * 50 + 50
    expected = conv1 + conv2 + conv3 + dense1 + dense2 + out
    assert expected == 8_365_106  # the paper's widths: about 8.4 M parameters
    short, long = deep_cnn(), deep_cnn(frames=260)
    assert short.count_params() == long.count_params() == expected
    assert long.input_shape == (None, 260, 128) and long.output_shape == (None, 50)
    # 130 frames: conv 127 → pool 31 → conv 28 → pool 14 → conv 11 frames reach the global pooling
    assert short.get_layer("conv3").output.shape[1] == 11
    assert long.get_layer("conv3").output.shape[1] == (((260 - 3) // 4 - 3) // 2) - 3


def test_output_shapes_and_genre_probabilities():
    keras.utils.set_random_seed(0)  # fixed initial weights: the sign check below does not depend on the draw
    thesis = thesis_cnn(frames=20, n_mels=8, filters=4, dense_units=8, n_outputs=3)
    deep = deep_cnn(frames=80, n_mels=8, filters=(4, 4, 8), dense_units=8, n_outputs=6)
    genre = genre_cnn(frames=40, n_mels=8, filters=4, dense_units=8, n_classes=4)
    assert _predict(thesis, _x((5, 20, 8))).shape == (5, 3)
    assert _predict(deep, _x((5, 80, 8))).shape == (5, 6)
    probabilities = _predict(genre, 10 * _x((5, 40, 8)))
    assert probabilities.shape == (5, 4) and (probabilities >= 0).all()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    linear = _predict(thesis, 10 * _x((50, 20, 8), seed=1))
    assert (linear < 0).any(), "the factor output is linear, not a softmax or a ReLU"


def test_normalization_standardises_every_band():
    mean = np.linspace(-30, 10, 8).astype(np.float32)
    variance = np.linspace(1, 50, 8).astype(np.float32)
    for model in (
        thesis_cnn(frames=20, n_mels=8, filters=4, dense_units=8, normalization=(mean, variance)),
        deep_cnn(frames=20, n_mels=8, filters=(4, 4), pool_sizes=(2,), dense_units=8, normalization=(mean, variance)),
        genre_cnn(frames=20, n_mels=8, filters=4, dense_units=8, normalization=(mean, variance)),
    ):
        assert model.layers[1].name == "standardise"
        first = keras.Model(model.input, model.get_layer("standardise").output)
        x = 20 * _x((3, 20, 8)) - 10
        np.testing.assert_allclose(_predict(first, x), (x - mean) / np.sqrt(variance), rtol=1e-5, atol=1e-5)
    assert "standardise" not in [layer.name for layer in thesis_cnn().layers]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: thesis_cnn(filters=0), "filters must be a positive integer, got 0"),
        (lambda: thesis_cnn(frames=2.5), "frames must be a positive integer"),
        (lambda: thesis_cnn(n_outputs=True), "n_outputs must be a positive integer"),
        (lambda: thesis_cnn(n_mels=8, normalization=(np.zeros(8), np.ones(7))), r"one value per mel band \(8\)"),
        (lambda: thesis_cnn(normalization=(np.zeros((1, 128)), np.ones(128))), "shapes"),
        (lambda: deep_cnn(filters=(8, 8, 8), pool_sizes=(2,)), "one pool size per gap"),
        (lambda: deep_cnn(filters=(8, 0)), "filters must be a positive integer"),
        (lambda: deep_cnn(pool_sizes=(4, -2)), "pool_sizes must be a positive integer"),
        (lambda: deep_cnn(dropout=1.0), r"dropout must lie in \[0, 1\)"),
        (lambda: genre_cnn(dropout=-0.1), r"dropout must lie in \[0, 1\)"),
        (lambda: genre_cnn(kernel_size=0), "kernel_size must be a positive integer"),
        (lambda: genre_cnn(n_classes=0), "n_classes must be a positive integer"),
    ],
)
def test_bad_arguments_are_refused(build, message):
    with pytest.raises(ParameterError, match=message):
        build()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: thesis_cnn(frames=2),
            "a window of 2 frames is too short for this network: 2 frames reach conv, which needs at least 3",
        ),
        (lambda: thesis_cnn(frames=5), "5 frames is too short .* 3 frames reach pool, which needs at least 4"),
        # 40 frames: conv 37 → pool 9 → conv 6 → pool 3, too short for the third convolution of width 4
        (
            lambda: deep_cnn(frames=40, filters=(4, 4, 8)),
            "40 frames is too short .* 3 frames reach conv3, which needs at least 4",
        ),
        (lambda: genre_cnn(frames=12), "12 frames is too short .* 1 frames reach pool2, which needs at least 3"),
        (
            lambda: transfer_trunk(genre_cnn(frames=40, n_mels=8, filters=4), frames=10),
            "10 frames is too short .* 2 frames reach conv2",
        ),
    ],
)
def test_windows_too_short_for_the_network_are_refused(build, message):
    with pytest.raises(ParameterError, match=message):
        build()
    thesis_cnn(frames=6)  # 6 frames: conv → 4 → pool → 1, just long enough


# --------------------------------------------------------------------------------------------------------------
# transfer


def _small_genre(**kwargs):
    keras.utils.set_random_seed(0)
    return genre_cnn(frames=40, n_mels=8, filters=4, dense_units=8, n_classes=3, **kwargs)


def _conv_weights(model):
    return [w.copy() for name in ("conv1", "conv2") for w in model.get_layer(name).get_weights()]


def test_transfer_trunk_copies_weights_and_leaves_the_source_alone():
    source = _small_genre()
    source_weights = _conv_weights(source)
    new = transfer_trunk(source, frames=20, n_outputs=5, dense_units=6)
    assert [layer.name for layer in new.layers] == [
        "log_mel",
        "conv1",
        "pool1",
        "drop1",
        "conv2",
        "pool2",
        "drop2",
        "flatten",
        "dense",
        "factors",
    ]
    assert new.input_shape == (None, 20, 8) and new.output_shape == (None, 5)
    for a, b in zip(source_weights, _conv_weights(new), strict=True):
        np.testing.assert_array_equal(a, b)
    assert new.get_layer("conv1") is not source.get_layer("conv1")

    new.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    new.train_on_batch(_x((4, 20, 8)), _x((4, 5), seed=1))
    for a, b in zip(source_weights, _conv_weights(source), strict=True):
        np.testing.assert_array_equal(a, b)  # the source is untouched
    assert not np.array_equal(_conv_weights(new)[0], source_weights[0]), "the copy itself was trained"


def test_frozen_trunk_trains_the_head_only():
    source = _small_genre()
    new = transfer_trunk(source, frames=20, freeze=True)
    assert not new.get_layer("conv1").trainable and not new.get_layer("conv2").trainable
    assert new.get_layer("dense").trainable and new.get_layer("factors").trainable
    head = new.get_layer("dense").count_params() + new.get_layer("factors").count_params()
    assert sum(int(np.prod(w.shape)) for w in new.trainable_weights) == head
    before_head = new.get_layer("dense").get_weights()[0].copy()
    new.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    new.train_on_batch(_x((4, 20, 8)), _x((4, 50), seed=1))
    for a, b in zip(_conv_weights(source), _conv_weights(new), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(before_head, new.get_layer("dense").get_weights()[0])


def test_transfer_computes_the_same_trunk_features_and_keeps_the_standardisation():
    mean, variance = np.linspace(-5, 5, 8).astype(np.float32), np.linspace(1, 4, 8).astype(np.float32)
    source = _small_genre(normalization=(mean, variance))
    new = transfer_trunk(source, frames=20, up_to="conv2")
    assert [layer.name for layer in new.layers][:3] == ["log_mel", "standardise", "conv1"]
    x = 3 * _x((2, 20, 8)) + 1
    trunk_source = keras.Model(source.input, source.get_layer("conv1").output)
    trunk_new = keras.Model(new.input, new.get_layer("conv1").output)
    long = np.concatenate([x, x], axis=1)  # 40 frames; the first 18 outputs only see the first 20 frames
    np.testing.assert_allclose(_predict(trunk_new, x), _predict(trunk_source, long)[:, :18], rtol=1e-5, atol=1e-5)


def test_transfer_refuses_an_unknown_layer():
    with pytest.raises(ParameterError, match=r"genre_cnn has no layer 'conv9'; its layers are \['log_mel'"):
        transfer_trunk(_small_genre(), up_to="conv9")


# --------------------------------------------------------------------------------------------------------------
# the L2 pooling layer and saving


def test_global_l2_pooling_matches_numpy():
    x = _x((3, 7, 5))
    pooled = keras.ops.convert_to_numpy(GlobalL2Pooling1D()(x))
    np.testing.assert_allclose(pooled, np.sqrt((x.astype(np.float64) ** 2).sum(axis=1) + 1e-7), rtol=1e-6)
    zeros = keras.ops.convert_to_numpy(GlobalL2Pooling1D()(np.zeros((1, 4, 2), np.float32)))
    np.testing.assert_allclose(zeros, np.sqrt(1e-7), rtol=1e-5)
    assert GlobalL2Pooling1D().compute_output_shape((None, 7, 5)) == (None, 5)


@pytest.mark.parametrize("builder", ["thesis", "deep", "genre"])
def test_models_save_and_load_with_identical_predictions(builder, tmp_path):
    mean, variance = np.linspace(-1, 1, 8).astype(np.float32), np.full(8, 2.0, np.float32)
    keras.utils.set_random_seed(1)
    model = {
        "thesis": lambda: thesis_cnn(frames=20, n_mels=8, filters=4, dense_units=8, normalization=(mean, variance)),
        "deep": lambda: deep_cnn(
            frames=20, n_mels=8, filters=(4, 4), pool_sizes=(2,), dense_units=8, normalization=(mean, variance)
        ),
        "genre": lambda: genre_cnn(frames=20, n_mels=8, filters=4, dense_units=8, n_classes=3),
    }[builder]()
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.count_params() == model.count_params()
    if builder == "deep":
        assert isinstance(loaded.get_layer("l2_over_time"), GlobalL2Pooling1D)
    x = _x((4, 20, 8), seed=2)
    np.testing.assert_array_equal(_predict(loaded, x), _predict(model, x))
