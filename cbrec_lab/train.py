"""Training loops for the course's networks: window pipelines, the device policy and a ``fit`` helper.

Nothing here is specific to one backend: the pipeline is a :class:`keras.utils.PyDataset` (numpy batches,
accepted by the TensorFlow, JAX and PyTorch backends alike) and training goes through ``model.fit``. What
changes with the hardware is decided once, by :func:`training_policy`:

* on a GPU: mixed precision (``mixed_float16``: float16 activations, float32 weights; the output layers of
  :mod:`cbrec_lab.models` stay float32) and XLA/jit compilation;
* on a CPU: float32 and no jit (XLA compiles slowly and gains little there).

So a notebook calls ``apply_policy(training_policy())`` before building its models, and the same cells run
on a laptop, on CI and on Colab's GPU.

The pipeline follows the thesis: every epoch each song contributes one *random* window (3 s = 130 frames of
its log-mel spectrogram; a new position every epoch, so the network sees many views of each song), batched
and shuffled with a seed; prediction can use one window, the centre window or the average over successive
windows (the thesis's future work, section 7.2).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .checks import positive_int
from .config import backend_devices, data_home, import_keras
from .exceptions import ParameterError
from .feature_cache import SpectrogramSet

keras = import_keras()

__all__ = [
    "TrainingPolicy",
    "training_policy",
    "apply_policy",
    "window_frames",
    "SpectrogramWindows",
    "song_windows",
    "predict_batches",
    "predict_songs",
    "fit",
]


# --------------------------------------------------------------------------------------------------------------
# device policy


@dataclass(frozen=True)
class TrainingPolicy:
    """How to train on the hardware at hand.

    Attributes
    ----------
    backend : str
        Keras backend (``tensorflow``, ``jax`` or ``torch``).
    devices : tuple of str
        Devices the backend sees.
    gpu : bool
        True when the backend sees a GPU.
    mixed_precision : bool
        Train with ``mixed_float16`` (GPU only).
    jit : bool
        Compile the training step with XLA/jit (GPU only).
    """

    backend: str
    devices: tuple[str, ...]
    gpu: bool
    mixed_precision: bool
    jit: bool

    def __str__(self) -> str:
        where = "GPU" if self.gpu else "CPU"
        return (
            f"training on {where} with Keras/{self.backend} ({', '.join(self.devices) or 'no device listed'}); "
            f"mixed precision {'on' if self.mixed_precision else 'off'}, jit {'on' if self.jit else 'off'}"
        )


def training_policy(*, mixed_precision: bool | None = None, jit: bool | None = None) -> TrainingPolicy:
    """The policy for this machine: mixed precision and jit on a GPU, neither on a CPU.

    Parameters
    ----------
    mixed_precision, jit : bool, optional
        Force a choice (e.g. ``mixed_precision=False`` on an old GPU without fast float16).
    """
    backend = keras.backend.backend()
    devices = tuple(backend_devices(backend))
    gpu = any("gpu" in d.lower() or "cuda" in d.lower() for d in devices)
    return TrainingPolicy(
        backend=backend,
        devices=devices,
        gpu=gpu,
        mixed_precision=gpu if mixed_precision is None else bool(mixed_precision),
        jit=gpu if jit is None else bool(jit),
    )


def apply_policy(policy: TrainingPolicy) -> TrainingPolicy:
    """Set Keras's global dtype policy from ``policy`` (call before building models) and return it."""
    keras.mixed_precision.set_dtype_policy("mixed_float16" if policy.mixed_precision else "float32")
    return policy


# --------------------------------------------------------------------------------------------------------------
# windows


def window_frames(seconds: float, *, sr: int = 22_050, hop_length: int = 512) -> int:
    """Frames in a window of ``seconds``: ``1 + ⌊seconds·sr / hop⌋`` (centred frames), e.g. 3 s → 130, 9 s → 388."""
    if not seconds > 0:
        raise ParameterError(f"seconds must be positive, got {seconds!r}.")
    return 1 + int(seconds * sr) // hop_length


def _window(spectrogram: np.ndarray, start: int, frames: int) -> np.ndarray:
    """``frames`` frames from ``start``; a song shorter than the window is padded with its quietest value."""
    window = np.asarray(spectrogram[start : start + frames], dtype=np.float32)
    if len(window) < frames:
        fill = float(np.min(spectrogram))
        window = np.concatenate([window, np.full((frames - len(window), spectrogram.shape[1]), fill, np.float32)])
    return window


def song_windows(spectrogram: np.ndarray, *, frames: int, hop: int | None = None) -> np.ndarray:
    """Successive windows of one song, shape (n_windows, frames, n_mels), starting every ``hop`` frames.

    When the hops do not end exactly at the song's end, one more window aligned to the end is added, so the
    whole song is covered (a 431-frame song in 130-frame windows: starts 0, 130, 260 and 301). A song shorter
    than one window gives a single padded window.
    """
    hop = frames if hop is None else int(hop)
    if hop <= 0:
        raise ParameterError(f"hop must be a positive number of frames, got {hop!r}.")
    last = max(len(spectrogram) - frames, 0)
    starts = list(range(0, last + 1, hop))
    if starts[-1] != last:
        starts.append(last)
    return np.stack([_window(spectrogram, s, frames) for s in starts])


class SpectrogramWindows(keras.utils.PyDataset):
    """Batches of random spectrogram windows, a new window position for every song in every epoch.

    Parameters
    ----------
    spectrograms : SpectrogramSet
        The songs' log-mel spectrograms (time first).
    songs : array-like of int
        Positions in ``spectrograms`` of the songs to draw from.
    targets : np.ndarray [shape=(len(songs), ...)], optional
        What to predict for each song (latent factors, one-hot genres, packed WPE targets); None yields
        inputs only.
    frames : int
        Window length in frames (130 for 3 s).
    batch_size : int
    shuffle : bool
        Shuffle the songs every epoch.
    random_windows : bool
        Random window positions (training); False takes every song's centre window (evaluation).
    seed : int
        Epoch ``e`` uses ``numpy.random.default_rng([seed, e])``: the same seed gives the same batches.
    workers, use_multiprocessing, max_queue_size
        Passed to :class:`keras.utils.PyDataset`: with ``workers > 1`` batches are prepared ahead in
        background threads (or processes), which keeps a GPU fed.
    """

    def __init__(
        self,
        spectrograms: SpectrogramSet,
        songs,
        targets=None,
        *,
        frames: int,
        batch_size: int = 32,
        shuffle: bool = True,
        random_windows: bool = True,
        seed: int = 0,
        workers: int = 1,
        use_multiprocessing: bool = False,
        max_queue_size: int = 10,
    ):
        super().__init__(workers=workers, use_multiprocessing=use_multiprocessing, max_queue_size=max_queue_size)
        self.spectrograms = spectrograms
        self.songs = np.asarray(songs, dtype=np.int64)
        if self.songs.ndim != 1 or len(self.songs) == 0:
            raise ParameterError("songs must be a non-empty 1-D array of positions.")
        if self.songs.min() < 0 or self.songs.max() >= len(spectrograms):
            raise ParameterError(f"song positions must lie in [0, {len(spectrograms)}).")
        self.targets = None if targets is None else np.asarray(targets, dtype=np.float32)
        if self.targets is not None and len(self.targets) != len(self.songs):
            raise ParameterError(f"{len(self.targets)} targets for {len(self.songs)} songs: give one per song.")
        self.frames = positive_int(frames, name="frames")
        self.batch_size = positive_int(batch_size, name="batch_size")
        self.shuffle, self.random_windows, self.seed = shuffle, random_windows, seed
        self.epoch = 0
        self._arrange()

    def _arrange(self) -> None:
        rng = np.random.default_rng([self.seed, self.epoch])
        self.order = rng.permutation(len(self.songs)) if self.shuffle else np.arange(len(self.songs))
        room = np.maximum(self.spectrograms.n_frames[self.songs] - self.frames, 0)
        if self.random_windows:
            self.starts = rng.integers(0, room + 1)
        else:
            self.starts = room // 2

    def __len__(self) -> int:
        return math.ceil(len(self.songs) / self.batch_size)

    def __getitem__(self, index: int):
        chosen = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        x = np.stack([_window(self.spectrograms[self.songs[k]], self.starts[k], self.frames) for k in chosen])
        return x if self.targets is None else (x, self.targets[chosen])

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._arrange()


def predict_batches(model, x: np.ndarray, batch_size: int) -> np.ndarray:
    """The model's outputs for ``x``, batch by batch, called directly (not ``model.predict``): prediction on
    arrays of changing sizes would make TensorFlow trace ``predict`` again, with a warning, for every model
    and every new shape."""
    outputs = [
        keras.ops.convert_to_numpy(model(x[i : i + batch_size], training=False)) for i in range(0, len(x), batch_size)
    ]
    return np.concatenate(outputs).astype(np.float32, copy=False)


def predict_songs(
    model,
    spectrograms: SpectrogramSet,
    songs,
    *,
    frames: int,
    how: str = "average",
    hop: int | None = None,
    seed: int = 0,
    batch_size: int = 64,
) -> np.ndarray:
    """One prediction per song from its windows.

    Parameters
    ----------
    how : {"random", "centre", "average"}
        One random window (the thesis's setting), the centre window, or the mean of the predictions over the
        song's successive windows (thesis, future work 7.2: "take the 10 windows of 3 s and average the
        predicted latent vectors").
    hop : int, optional
        Hop between successive windows for ``how="average"`` (default: ``frames``, no overlap).

    Returns
    -------
    np.ndarray [shape=(len(songs), n_outputs)]
    """
    songs = np.asarray(songs, dtype=np.int64)
    if how in ("random", "centre"):
        windows = SpectrogramWindows(
            spectrograms,
            songs,
            frames=frames,
            batch_size=batch_size,
            shuffle=False,
            random_windows=how == "random",
            seed=seed,
        )
        x = np.concatenate([windows[b] for b in range(len(windows))])
        return predict_batches(model, x, batch_size)
    if how != "average":
        raise ParameterError(f"how must be 'random', 'centre' or 'average', got {how!r}.")
    per_song = [song_windows(spectrograms[int(i)], frames=frames, hop=hop) for i in songs]
    counts = np.array([len(w) for w in per_song])
    predictions = predict_batches(model, np.concatenate(per_song), batch_size)
    song_of_window = np.repeat(np.arange(len(songs)), counts)
    sums = np.zeros((len(songs), predictions.shape[1]), np.float64)
    np.add.at(sums, song_of_window, predictions)
    return (sums / counts[:, None]).astype(np.float32)


# --------------------------------------------------------------------------------------------------------------
# fit


class _ProgressLines(keras.callbacks.Callback):
    """One short line every ``every`` epochs: readable in a notebook, a log or CI output."""

    def __init__(self, every: int, epochs: int):
        super().__init__()
        self.every, self.epochs = every, epochs
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0 or epoch + 1 == self.epochs:
            values = " · ".join(f"{k} {v:.4g}" for k, v in (logs or {}).items() if k != "learning_rate")
            print(f"epoch {epoch + 1:>3}/{self.epochs} · {values} · {time.perf_counter() - self.started:.1f} s")


def fit(
    model,
    train,
    *,
    loss,
    epochs: int,
    validation=None,
    optimizer=None,
    metrics=None,
    policy: TrainingPolicy | None = None,
    patience: int | None = None,
    monitor: str = "val_loss",
    checkpoint: str | None = None,
    seed: int = 0,
    progress: int = 0,
) -> pd.DataFrame:
    """Compile and train ``model``; return the history as a DataFrame (one row per epoch).

    Parameters
    ----------
    model : keras.Model
    train : keras.utils.PyDataset or tuple of arrays
        Training batches (e.g. :class:`SpectrogramWindows`).
    loss : str or keras.losses.Loss
    epochs : int
        Most epochs to train.
    validation : keras.utils.PyDataset or tuple, optional
        Evaluated after every epoch (``val_*`` columns); needed for early stopping on ``val_loss``.
    optimizer : keras.optimizers.Optimizer, optional
        Default Adam with learning rate 1e-3.
    metrics : list, optional
    policy : TrainingPolicy, optional
        Default :func:`training_policy` (jit on GPU only).
    patience : int, optional
        Stop after ``patience`` epochs without improvement of ``monitor`` and restore the best weights.
    checkpoint : str, optional
        Save the best weights to ``<data home>/checkpoints/<checkpoint>.weights.h5`` after each improvement.
    seed : int
        Seeds Keras's random generators before training (dropout, and anything built inside ``fit``). Initial
        weights are drawn when the model is *built*: call ``keras.utils.set_random_seed(seed)`` before the
        builder too, and the same seed gives the same trained model on a CPU.
    progress : int
        Print the device policy, then a line every ``progress`` epochs (0: silent).

    Returns
    -------
    pandas.DataFrame
        Columns ``loss``, ``val_loss`` and the metrics, indexed by epoch (from 1); ``attrs`` holds
        ``seconds`` (training wall time), ``best_epoch`` and ``checkpoint`` (path or None).
    """
    epochs = positive_int(epochs, name="epochs")
    if patience is not None and monitor.startswith("val_") and validation is None:
        raise ParameterError(f"early stopping on {monitor!r} needs validation data.")
    policy = training_policy() if policy is None else policy
    keras.utils.set_random_seed(seed)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3) if optimizer is None else optimizer,
        loss=loss,
        metrics=metrics,
        jit_compile=policy.jit,
    )
    callbacks = []
    if patience is not None:
        callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=True))
    path = None
    if checkpoint is not None:
        path = data_home() / "checkpoints" / f"{checkpoint}.weights.h5"
        path.parent.mkdir(parents=True, exist_ok=True)
        callbacks.append(
            keras.callbacks.ModelCheckpoint(
                str(path),
                monitor=monitor if validation is not None else "loss",
                save_best_only=True,
                save_weights_only=True,
            )
        )
    if progress:
        print(policy)
        callbacks.append(_ProgressLines(int(progress), int(epochs)))
    x, y = (train, None) if not isinstance(train, tuple) else train
    started = time.perf_counter()
    history = model.fit(x, y, epochs=int(epochs), validation_data=validation, callbacks=callbacks, verbose=0)
    seconds = time.perf_counter() - started
    table = pd.DataFrame(history.history)
    table.index = pd.RangeIndex(1, len(table) + 1, name="epoch")
    watched = monitor if monitor in table else "loss"
    table.attrs.update(seconds=seconds, best_epoch=int(table[watched].idxmin()), checkpoint=path)
    return table
