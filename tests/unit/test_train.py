"""The training helpers: window batches, successive windows, song predictions, fit and the device policy.

The hand-made spectrogram set stores, in every frame, the song (band 0: ``song + 1``) and the frame's
position in its song (band 1: ``t + 1``), so every window can be checked exactly: its song, its start, and
that it is a contiguous slice.
"""

import numpy as np
import pandas as pd
import pytest

from cbrec_lab.config import import_keras
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.feature_cache import SpectrogramSet
from cbrec_lab.models.audio import genre_cnn, thesis_cnn
from cbrec_lab.train import (
    SpectrogramWindows,
    apply_policy,
    fit,
    predict_songs,
    song_windows,
    training_policy,
    window_frames,
)

keras = import_keras()

LENGTHS = [50, 30, 8, 40, 25]  # song 2 is shorter than the 10-frame windows used below
FRAMES = 10


def _encoded_set(lengths=LENGTHS) -> SpectrogramSet:
    parts = []
    for song, n in enumerate(lengths):
        t = np.arange(n, dtype=np.float32)
        parts.append(np.stack([np.full(n, song + 1.0), t + 1, 2 * t, np.full(n, -song - 1.0)], axis=1))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return SpectrogramSet(
        np.concatenate(parts).astype(np.float32), offsets, tuple(f"s{i}" for i in range(len(lengths)))
    )


def _decode(window: np.ndarray) -> tuple[int, int]:
    """(song, start) of a window, after checking that it is a contiguous slice of that song."""
    song = int(window[0, 0]) - 1
    start = int(window[0, 1]) - 1
    n = LENGTHS[song]
    valid = min(FRAMES, n - start)
    np.testing.assert_array_equal(window[:valid, 0], song + 1)
    np.testing.assert_array_equal(window[:valid, 1], np.arange(start, start + valid) + 1)
    np.testing.assert_array_equal(window[:valid, 2], 2 * np.arange(start, start + valid))
    return song, start


def _all_windows(windows: SpectrogramWindows):
    batches = [windows[b] for b in range(len(windows))]
    x = np.concatenate([b[0] if isinstance(b, tuple) else b for b in batches])
    return batches, x


# --------------------------------------------------------------------------------------------------------------
# windows


def test_window_frames_of_the_thesis():
    assert window_frames(3) == 130
    assert window_frames(9) == 388
    assert window_frames(1, sr=16_000, hop_length=160) == 101
    with pytest.raises(ParameterError, match="seconds must be positive"):
        window_frames(0)


def test_batches_are_contiguous_windows_of_the_right_songs():
    spectrograms = _encoded_set()
    windows = SpectrogramWindows(spectrograms, [0, 1, 2, 3, 4], frames=FRAMES, batch_size=2, seed=3)
    assert len(windows) == 3
    batches, x = _all_windows(windows)
    assert [b.shape for b in batches] == [(2, FRAMES, 4), (2, FRAMES, 4), (1, FRAMES, 4)]
    assert all(b.dtype == np.float32 for b in batches)
    decoded = [_decode(w) for w in x]
    assert sorted(song for song, _ in decoded) == [0, 1, 2, 3, 4], "every song once per epoch"
    for song, start in decoded:
        assert 0 <= start <= max(LENGTHS[song] - FRAMES, 0)


def test_a_short_song_is_padded_with_its_minimum():
    spectrograms = _encoded_set()
    (window,) = SpectrogramWindows(spectrograms, [2], frames=FRAMES)[0]
    song = spectrograms[2]
    np.testing.assert_array_equal(window[:8], song)
    np.testing.assert_array_equal(window[8:], np.full((2, 4), song.min()))
    assert song.min() == -3.0


def test_same_seed_same_batches_and_new_positions_every_epoch():
    spectrograms = _encoded_set()
    a = SpectrogramWindows(spectrograms, [0, 1, 3, 4], frames=FRAMES, batch_size=4, seed=11)
    b = SpectrogramWindows(spectrograms, [0, 1, 3, 4], frames=FRAMES, batch_size=4, seed=11)
    np.testing.assert_array_equal(a[0], b[0])
    first = {song: start for song, start in map(_decode, a[0])}
    a.on_epoch_end()
    b.on_epoch_end()
    np.testing.assert_array_equal(a[0], b[0])
    second = {song: start for song, start in map(_decode, a[0])}
    assert first.keys() == second.keys() and first != second
    other = SpectrogramWindows(spectrograms, [0, 1, 3, 4], frames=FRAMES, batch_size=4, seed=12)
    assert not np.array_equal(
        other[0], SpectrogramWindows(spectrograms, [0, 1, 3, 4], frames=FRAMES, batch_size=4, seed=11)[0]
    )


def test_starts_cover_the_song_over_epochs():
    windows = SpectrogramWindows(_encoded_set(), [1], frames=FRAMES, seed=0)
    starts = set()
    for _ in range(200):
        starts.add(_decode(windows[0][0])[1])
        windows.on_epoch_end()
    assert starts == set(range(LENGTHS[1] - FRAMES + 1)), "uniform over every possible start"


def test_shuffle_false_keeps_the_order_and_centre_windows():
    songs = [4, 0, 3, 2]
    windows = SpectrogramWindows(
        _encoded_set(), songs, frames=FRAMES, batch_size=3, shuffle=False, random_windows=False
    )
    _, x = _all_windows(windows)
    decoded = [_decode(w) for w in x]
    assert [song for song, _ in decoded] == songs
    assert [start for _, start in decoded] == [(LENGTHS[s] - FRAMES) // 2 if LENGTHS[s] > FRAMES else 0 for s in songs]
    windows.on_epoch_end()
    np.testing.assert_array_equal(_all_windows(windows)[1], x)  # centre windows do not move


def test_targets_follow_their_songs_through_the_shuffle():
    songs = [3, 1, 0, 4, 2]
    targets = np.array([[10.0 * s, s] for s in songs])
    windows = SpectrogramWindows(_encoded_set(), songs, targets, frames=FRAMES, batch_size=2, seed=5)
    for _ in range(3):
        for b in range(len(windows)):
            x, y = windows[b]
            assert y.dtype == np.float32 and y.shape == (len(x), 2)
            np.testing.assert_array_equal(y[:, 1], x[:, 0, 0] - 1)
        windows.on_epoch_end()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"songs": [0, 5]}, r"song positions must lie in \[0, 5\)"),
        ({"songs": [-1, 2]}, "song positions must lie"),
        ({"songs": []}, "non-empty"),
        ({"songs": [[0, 1]]}, "1-D"),
        ({"targets": np.zeros((3, 2))}, "3 targets for 2 songs"),
        ({"frames": 0}, "frames must be a positive integer, got 0"),
        ({"frames": 2.5}, "frames must be a positive integer, got 2.5 of type float"),
        ({"batch_size": -1}, "batch_size must be a positive integer, got -1"),
    ],
)
def test_bad_window_arguments_are_refused(kwargs, message):
    arguments = {"songs": [0, 1], "frames": FRAMES, **kwargs}
    with pytest.raises(ParameterError, match=message):
        SpectrogramWindows(_encoded_set(), **arguments)


def test_song_windows_count_and_hop():
    spectrograms = _encoded_set()
    song = spectrograms[0]  # 50 frames
    windows = song_windows(song, frames=FRAMES)
    assert windows.shape == (5, FRAMES, 4)
    assert [_decode(w)[1] for w in windows] == [0, 10, 20, 30, 40]
    overlapping = song_windows(song, frames=FRAMES, hop=7)
    assert [_decode(w)[1] for w in overlapping] == [0, 7, 14, 21, 28, 35, 40]
    overlapping_end = song_windows(song, frames=FRAMES, hop=15)
    assert [_decode(w)[1] for w in overlapping_end] == [0, 15, 30, 40], "a last window aligned to the song's end"
    assert [_decode(w)[1] for w in song_windows(spectrograms[4], frames=FRAMES)] == [0, 10, 15], (
        "25 frames: 0, 10, then the end"
    )
    (short,) = song_windows(spectrograms[2], frames=FRAMES)
    np.testing.assert_array_equal(short[8:], spectrograms[2].min())
    with pytest.raises(ParameterError, match="hop must be a positive"):
        song_windows(song, frames=FRAMES, hop=0)


# --------------------------------------------------------------------------------------------------------------
# prediction


def _mean_model():
    """Output = the mean of the input window over time (one value per band)."""
    return keras.Sequential([keras.Input((FRAMES, 4)), keras.layers.GlobalAveragePooling1D()])


def test_predict_songs_average_centre_and_random():
    spectrograms = _encoded_set()
    model = _mean_model()
    songs = [0, 4, 2]

    average = predict_songs(model, spectrograms, songs, frames=FRAMES, how="average", batch_size=4)
    assert average.shape == (3, 4) and average.dtype == np.float32
    song4 = np.mean([spectrograms[4][s : s + FRAMES].mean(axis=0) for s in (0, 10, 15)], axis=0)  # 25 frames
    expected = [
        spectrograms[0][:50].mean(axis=0),
        song4,
        np.concatenate([spectrograms[2], np.full((2, 4), spectrograms[2].min())]).mean(axis=0),
    ]
    np.testing.assert_allclose(average, expected, rtol=1e-6, atol=1e-5)

    hopped = predict_songs(model, spectrograms, [0], frames=FRAMES, how="average", hop=7)
    by_hand = np.mean([spectrograms[0][s : s + FRAMES].mean(axis=0) for s in (0, 7, 14, 21, 28, 35, 40)], axis=0)
    np.testing.assert_allclose(hopped[0], by_hand, rtol=1e-6, atol=1e-5)

    centre = predict_songs(model, spectrograms, songs, frames=FRAMES, how="centre")
    np.testing.assert_allclose(centre[0], spectrograms[0][20:30].mean(axis=0), rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(centre[1], spectrograms[4][7:17].mean(axis=0), rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(centre[2], expected[2], rtol=1e-6, atol=1e-5)

    random = predict_songs(model, spectrograms, songs, frames=FRAMES, how="random", seed=4)
    x = SpectrogramWindows(spectrograms, songs, frames=FRAMES, shuffle=False, seed=4)[0]
    np.testing.assert_allclose(random, x.mean(axis=1), rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(
        random, predict_songs(model, spectrograms, songs, frames=FRAMES, how="random", seed=4)
    )

    with pytest.raises(ParameterError, match="how must be 'random', 'centre' or 'average'"):
        predict_songs(model, spectrograms, songs, frames=FRAMES, how="median")


# --------------------------------------------------------------------------------------------------------------
# fit

N_MELS = 8
FIT_FRAMES = 20


def _learnable(n_songs=24, seed=0):
    """Songs whose class raises two mel bands; the target is the class, one-hot."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(25, 50, n_songs)
    classes = np.arange(n_songs) % 3
    parts = []
    for n, c in zip(lengths, classes, strict=True):
        song = rng.normal(size=(n, N_MELS)).astype(np.float32)
        song[:, 2 * c : 2 * c + 2] += 2.0
        parts.append(song)
    spectrograms = SpectrogramSet(
        np.concatenate(parts), np.concatenate([[0], np.cumsum(lengths)]), tuple(map(str, range(n_songs)))
    )
    return spectrograms, np.eye(3, dtype=np.float32)[classes]


def _small_cnn(seed=0):
    keras.utils.set_random_seed(seed)
    return thesis_cnn(frames=FIT_FRAMES, n_mels=N_MELS, filters=4, dense_units=8, n_outputs=3)


def _pipelines(spectrograms, targets):
    train = SpectrogramWindows(spectrograms, np.arange(18), targets[:18], frames=FIT_FRAMES, batch_size=6, seed=1)
    validation = SpectrogramWindows(
        spectrograms,
        np.arange(18, 24),
        targets[18:],
        frames=FIT_FRAMES,
        batch_size=6,
        shuffle=False,
        random_windows=False,
    )
    return train, validation


def test_fit_learns_and_reports_a_history(data_home):
    spectrograms, targets = _learnable()
    train, validation = _pipelines(spectrograms, targets)
    model = _small_cnn()
    history = fit(
        model,
        train,
        loss="mse",
        epochs=12,
        validation=validation,
        optimizer=keras.optimizers.Adam(3e-2),
        checkpoint="x",
    )
    assert isinstance(history, pd.DataFrame) and list(history.columns) == ["loss", "val_loss"]
    assert list(history.index) == list(range(1, 13)) and history.index.name == "epoch"
    assert history["loss"].iloc[-1] < 0.5 * history["loss"].iloc[0]
    assert history["val_loss"].min() < 0.5 * history["val_loss"].iloc[0]
    assert history.attrs["seconds"] > 0
    assert history.attrs["best_epoch"] == history["val_loss"].idxmin()

    path = data_home / "checkpoints" / "x.weights.h5"
    assert history.attrs["checkpoint"] == path and path.is_file()
    best = _small_cnn(seed=99)
    best.load_weights(path)
    best.compile(loss="mse")
    assert best.evaluate(validation, verbose=0) == pytest.approx(history["val_loss"].min(), rel=1e-5)

    predictions = predict_songs(model, spectrograms, np.arange(18, 24), frames=FIT_FRAMES, how="average")
    assert (predictions.argmax(axis=1) == targets[18:].argmax(axis=1)).mean() >= 5 / 6


def test_early_stopping_stops_on_a_plateau_and_restores_the_best_weights(data_home):
    spectrograms, targets = _learnable()
    train, validation = _pipelines(spectrograms, targets)
    frozen = _small_cnn()
    before = [w.copy() for w in frozen.get_weights()]
    history = fit(
        frozen, train, loss="mse", epochs=10, validation=validation, optimizer=keras.optimizers.SGD(0.0), patience=2
    )
    assert len(history) == 3, "no improvement after epoch 1: stops after two more"
    assert history["val_loss"].nunique() == 1
    for a, b in zip(before, frozen.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)

    train, validation = _pipelines(spectrograms, targets)
    model = _small_cnn()
    history = fit(
        model, train, loss="mse", epochs=6, validation=validation, optimizer=keras.optimizers.Adam(3e-2), patience=2
    )
    assert model.evaluate(validation, verbose=0) == pytest.approx(history["val_loss"].min(), rel=1e-5)
    assert history.attrs["best_epoch"] == history["val_loss"].idxmin()


def test_same_seed_same_weights(data_home):
    spectrograms, targets = _learnable()
    weights = []
    for _ in range(2):
        train, _ = _pipelines(spectrograms, targets)
        model = _small_cnn(seed=7)
        fit(model, train, loss="mse", epochs=2, seed=7)
        weights.append(model.get_weights())
    for a, b in zip(*weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-7)
    train, _ = _pipelines(spectrograms, targets)
    other = _small_cnn(seed=8)
    fit(other, train, loss="mse", epochs=2, seed=8)
    assert not np.allclose(other.get_weights()[0], weights[0][0])


def test_fit_refuses_bad_arguments(data_home):
    spectrograms, targets = _learnable()
    train, _ = _pipelines(spectrograms, targets)
    with pytest.raises(ParameterError, match="early stopping on 'val_loss' needs validation data"):
        fit(_small_cnn(), train, loss="mse", epochs=3, patience=2)
    with pytest.raises(ParameterError, match="epochs must be a positive integer, got 0"):
        fit(_small_cnn(), train, loss="mse", epochs=0)
    with pytest.raises(TypeError, match="epochs must be a positive integer, got 3.0 of type float"):
        fit(_small_cnn(), train, loss="mse", epochs=3.0)


def test_fit_accepts_arrays_and_prints_progress(data_home, capsys):
    spectrograms, targets = _learnable()
    x = SpectrogramWindows(spectrograms, np.arange(24), frames=FIT_FRAMES, batch_size=24, shuffle=False)[0]
    history = fit(_small_cnn(), (x, targets), loss="mse", epochs=4, progress=2)
    assert len(history) == 4 and history.attrs["checkpoint"] is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == str(training_policy()), "the device policy first"
    assert [line.split(" · ")[0] for line in lines[1:]] == ["epoch   2/4", "epoch   4/4"]
    assert all("loss" in line and line.endswith(" s") for line in lines[1:])
    fit(_small_cnn(), (x, targets), loss="mse", epochs=1)
    assert capsys.readouterr().out == "", "silent by default"


# --------------------------------------------------------------------------------------------------------------
# device policy


def test_training_policy_follows_the_hardware():
    import tensorflow as tf

    gpu = bool(tf.config.list_physical_devices("GPU"))
    policy = training_policy()
    assert policy.backend == "tensorflow"
    assert policy.gpu is gpu and policy.mixed_precision is gpu and policy.jit is gpu
    assert ("on GPU" if gpu else "on CPU") in str(policy) and "mixed precision" in str(policy)
    forced = training_policy(mixed_precision=True, jit=False)
    assert forced.mixed_precision is True and forced.jit is False and forced.gpu is gpu


def test_mixed_precision_policy_keeps_outputs_in_float32():
    try:
        policy = apply_policy(training_policy(mixed_precision=True))
        assert policy.mixed_precision
        assert keras.mixed_precision.dtype_policy().name == "mixed_float16"
        for model in (
            thesis_cnn(frames=FIT_FRAMES, n_mels=N_MELS, filters=4, dense_units=8, n_outputs=3),
            genre_cnn(frames=40, n_mels=N_MELS, filters=4, dense_units=8, n_classes=3),
        ):
            assert model.get_layer("conv" if model.name == "thesis_cnn" else "conv1").compute_dtype == "float16"
            assert model.layers[-1].compute_dtype == "float32"
            x = np.random.default_rng(0).normal(size=(2, *model.input_shape[1:])).astype(np.float32)
            assert keras.ops.convert_to_numpy(model(x)).dtype == np.float32
        apply_policy(training_policy(mixed_precision=False))
        assert keras.mixed_precision.dtype_policy().name == "float32"
    finally:
        keras.mixed_precision.set_dtype_policy("float32")
