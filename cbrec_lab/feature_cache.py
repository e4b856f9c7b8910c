"""Log-mel spectrograms of whole collections, computed once and cached under the data home.

A mel spectrogram of a 30 s clip takes seconds on a laptop (the thesis measured ≈ 4 s, "5 hours for 5,000
songs"), while a training epoch only needs a 3 s window of each song. So the spectrograms of every song are
computed once, stored end to end in one ``.npy`` file (frames × mel bands, time first), and training samples
its windows from that file — memory-mapped, so a collection larger than memory streams from disk.

The cache follows the house rules: the file is written atomically (temporary name, then rename) with a JSON
manifest holding the inputs (collection, song ids, feature parameters, versions, and for every audio file its
resolved path, size and modification time in nanoseconds) and the file's SHA-256, which is checked on every
load; different inputs give a different file, never a mixed one. Path, size and ``mtime_ns`` stand in for the
audio's content (hashing every clip on every load would cost more than reading the cache): a clip replaced by
other audio, even of the same size, or another folder loaded under the same collection name gives a new entry;
copying a folder without keeping modification times (``cp -r`` rather than ``cp -a``) recomputes once.

A valid cache is read without writing anything, so a shared, read-only data home works; when the cache is
missing and its folder cannot be written, the spectrograms are computed in memory with a one-line
:class:`~cbrec_lab.cache.CacheWarning`. The deep features of :mod:`cbrec_lab.backbones` are cached the same way:
both go through :func:`cbrec_lab.cache.cached_array`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from .audio import HOP_LENGTH, N_FFT, N_MELS, SAMPLE_RATE, load, log_mel_spectrogram
from .cache import FeatureCacheError, cached_array, inputs_digest
from .config import data_home
from .exceptions import ParameterError

__all__ = ["SpectrogramSet", "FeatureCacheError", "log_mel_set"]

#: Bumped whenever the stored features change meaning; old caches are then ignored.
FEATURE_VERSION = 1


@dataclass(frozen=True)
class SpectrogramSet:
    """Log-mel spectrograms of several songs, stored end to end (time first).

    Attributes
    ----------
    data : np.ndarray [shape=(total_frames, n_mels), dtype=float32]
        All songs' frames, one after the other (a read-only memory map when loaded from the cache).
    offsets : np.ndarray [shape=(n_songs + 1,), dtype=int64]
        Song ``i`` is ``data[offsets[i]:offsets[i + 1]]``.
    song_ids : tuple of str
        The songs, in the order of ``offsets``.
    sr, hop_length : int
        Sampling rate and hop (so ``frames / (sr / hop_length)`` is seconds).
    """

    data: np.ndarray
    offsets: np.ndarray
    song_ids: tuple[str, ...]
    sr: int = SAMPLE_RATE
    hop_length: int = HOP_LENGTH

    def __post_init__(self) -> None:
        if self.data.ndim != 2:
            raise ParameterError(f"data must be (frames, n_mels), got shape {self.data.shape}.")
        offsets = np.asarray(self.offsets)
        if offsets.ndim != 1 or len(offsets) != len(self.song_ids) + 1 or offsets[0] != 0:
            raise ParameterError("offsets must start at 0 and have one entry more than song_ids.")
        if np.any(np.diff(offsets) <= 0) or offsets[-1] != len(self.data):
            raise ParameterError("offsets must increase strictly and end at the number of frames.")

    @classmethod
    def stack(cls, spectrograms, song_ids, sr: int = SAMPLE_RATE, hop_length: int = HOP_LENGTH) -> SpectrogramSet:
        """One set from per-song spectrograms (each ``(frames, n_mels)``, time first), in ``song_ids`` order."""
        offsets = np.concatenate([[0], np.cumsum([len(s) for s in spectrograms])]).astype(np.int64)
        data = np.concatenate(spectrograms).astype(np.float32, copy=False)
        return cls(data, offsets, tuple(song_ids), sr, hop_length)

    def __len__(self) -> int:
        return len(self.song_ids)

    def __getitem__(self, i: int) -> np.ndarray:
        """The spectrogram of song ``i``: shape (its frames, n_mels)."""
        return self.data[self.offsets[i] : self.offsets[i + 1]]

    @property
    def n_mels(self) -> int:
        return self.data.shape[1]

    @property
    def n_frames(self) -> np.ndarray:
        """Frames of every song."""
        return np.diff(self.offsets)

    def frames_per_second(self) -> float:
        return self.sr / self.hop_length

    def band_statistics(self, songs=None) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of every mel band over all frames of ``songs`` (default: all songs).

        Computed song by song in float64, so a memory-mapped set is never loaded whole.
        """
        songs = range(len(self)) if songs is None else songs
        total = np.zeros(self.n_mels)
        squares = np.zeros(self.n_mels)
        count = 0
        for i in songs:
            frames = np.asarray(self[int(i)], dtype=np.float64)
            total += frames.sum(axis=0)
            squares += (frames**2).sum(axis=0)
            count += len(frames)
        if count == 0:
            raise ParameterError("band_statistics needs at least one song.")
        mean = total / count
        return mean.astype(np.float32), np.maximum(squares / count - mean**2, 0.0).astype(np.float32)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "collection"


def _audio_stamp(path: Path) -> list:
    """What stands in for a file's content in the key: its resolved path, size and modification time (ns)."""
    path = Path(path).resolve()
    status = path.stat()
    return [str(path), status.st_size, status.st_mtime_ns]


def _inputs(collection, song_ids, *, sr, n_fft, hop_length, n_mels) -> dict:
    stamps = [_audio_stamp(collection.audio_path(s)) for s in song_ids]
    return {
        "feature": "log-mel",
        "feature_version": FEATURE_VERSION,
        "collection": collection.name,
        "songs": hashlib.sha256(json.dumps([list(song_ids), stamps]).encode()).hexdigest(),
        "n_songs": len(song_ids),
        "sr": sr,
        "n_fft": n_fft,
        "hop_length": hop_length,
        "n_mels": n_mels,
        "librosa": version("librosa"),
    }


def log_mel_set(
    collection,
    *,
    songs=None,
    sr: int = SAMPLE_RATE,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    cache: bool = True,
    progress: bool = False,
) -> SpectrogramSet:
    """Log-mel spectrograms (dB) of a collection's songs, from the cache when it is valid.

    Each song is loaded at ``sr`` and transformed by :func:`cbrec_lab.audio.log_mel_spectrogram` (frames of
    ``n_fft`` samples, hop ``hop_length``, ``n_mels`` bands, ``10·log10`` with an 80 dB range) and stored
    transposed, time first, ready for a 1-D convolution over time.

    Parameters
    ----------
    collection : cbrec_lab.datasets.MusicCollection
        Songs with audio.
    songs : sequence of str, optional
        Song ids to compute, in this order (default: every song of the collection).
    sr, n_fft, hop_length, n_mels : int
        Feature parameters (the thesis's defaults).
    cache : bool
        Read and write ``<data home>/features/<collection>/log-mel-<key>.npy``; False computes in memory.
        The key covers the feature parameters, the song ids and each audio file's resolved path, size and
        modification time. A valid cache is only read (a read-only data home works); a missing one that
        cannot be written is computed in memory with a one-line :class:`~cbrec_lab.cache.CacheWarning`.
    progress : bool
        Show a progress bar while computing.

    Returns
    -------
    SpectrogramSet
    """
    song_ids = tuple(collection.songs.index if songs is None else songs)
    if not song_ids:
        raise ParameterError("log_mel_set needs at least one song.")
    for song_id in song_ids:
        collection.column(song_id)  # a clear error for an unknown id
    if not cache:  # without the cache the data home is never touched (it may be unset, read-only or invalid)
        return _in_memory(collection, song_ids, sr, n_fft, hop_length, n_mels, progress)
    inputs = _inputs(collection, song_ids, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    data_path = data_home() / "features" / _slug(collection.name) / f"log-mel-{inputs_digest(inputs)}.npy"

    def compute() -> tuple[np.ndarray, dict]:
        spectrograms = _in_memory(collection, song_ids, sr, n_fft, hop_length, n_mels, progress)
        return spectrograms.data, {"offsets": spectrograms.offsets.tolist()}

    data, fields = cached_array(data_path, inputs, compute, what="log-mel spectrograms", mmap=True)
    return SpectrogramSet(data, np.asarray(fields["offsets"], dtype=np.int64), song_ids, sr, hop_length)


def _in_memory(collection, song_ids, sr, n_fft, hop_length, n_mels, progress) -> SpectrogramSet:
    spectrograms = _compute(collection, song_ids, sr, n_fft, hop_length, n_mels, progress)
    return SpectrogramSet.stack(spectrograms, song_ids, sr, hop_length)


def _compute(collection, song_ids, sr, n_fft, hop_length, n_mels, progress) -> list[np.ndarray]:
    """The songs' log-mel spectrograms, time first; a file that cannot be read fails with its song and path.

    Each file is read with :func:`cbrec_lab.audio.load`, which checks it before decoding (empty, not audio,
    truncated, non-finite samples, longer than ``MAX_AUDIO_SECONDS``).
    """
    from tqdm.auto import tqdm

    spectrograms = []
    for s in tqdm(song_ids, desc="log-mel spectrograms", disable=not progress):
        path = collection.audio_path(s)
        try:
            y = load(path, sr=sr)
        except ParameterError as error:
            raise ParameterError(
                f"log_mel_set({collection.name!r}): song {s!r} ({path}) cannot be used: {error} "
                "Fix or replace that file, or leave the song out with songs=."
            ) from None
        mel = log_mel_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
        spectrograms.append(np.ascontiguousarray(mel.T, dtype=np.float32))
    return spectrograms
