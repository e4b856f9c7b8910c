"""The container every music data set of the course is returned in: the embedded music kit, GTZAN, FMA and
the Taste Profile subset alike.

Plain, documented pieces: a pandas DataFrame of songs, an optional scipy.sparse play-count matrix whose
columns follow the DataFrame's rows, and audio read on demand from files under a root folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..checks import positive_int
from ..exceptions import ParameterError

__all__ = ["MusicCollection", "GTZAN_GENRES", "THESIS_GENRES"]

#: The ten genres of GTZAN (Tzanetakis & Cook 2002), as its folder names spell them; the music kit has them all.
GTZAN_GENRES = ("blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock")
#: The five genres of the thesis's genre-classification experiment.
THESIS_GENRES = ("metal", "classical", "hiphop", "country", "reggae")


@dataclass
class MusicCollection:
    """Songs, their audio and (optionally) who listened to them.

    Attributes
    ----------
    name : str
        Data set name, e.g. ``"music-kit/ci"`` or ``"gtzan"``.
    songs : pandas.DataFrame
        One row per song, indexed by ``song_id`` (str). Columns always present: ``title``, ``artist``,
        ``genre`` (missing values where the source has none) and ``audio_path`` (relative to ``root``; empty
        when the song has no audio). Kits and loaders may add columns (tempo, key, keywords, ...).
    root : pathlib.Path or None
        Folder that ``audio_path`` is relative to.
    plays : scipy.sparse.csr_matrix [shape=(n_users, n_songs)] or None
        Play counts; column ``j`` is the song ``songs.index[j]``.
    user_ids : numpy.ndarray [shape=(n_users,)] or None
        Row ``u`` of ``plays`` is the user ``user_ids[u]``.
    card : str
        The data card (Markdown): sizes, how the data was made or collected, licence, citation.
    """

    name: str
    songs: pd.DataFrame
    root: Path | None = None
    plays: sp.csr_matrix | None = None
    user_ids: np.ndarray | None = None
    card: str = ""
    _positions: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        missing = {"title", "artist", "genre", "audio_path"} - set(self.songs.columns)
        if missing:
            raise ParameterError(f"{self.name}: the songs table lacks the column(s) {sorted(missing)}.")
        if not self.songs.index.is_unique:
            raise ParameterError(f"{self.name}: song ids must be unique.")
        if self.plays is not None:
            self.plays = sp.csr_matrix(self.plays)
            if self.plays.shape[1] != len(self.songs):
                raise ParameterError(
                    f"{self.name}: plays has {self.plays.shape[1]} columns but there are {len(self.songs)} songs."
                )
            if self.user_ids is None or len(self.user_ids) != self.plays.shape[0]:
                raise ParameterError(f"{self.name}: user_ids must name each of the {self.plays.shape[0]} rows.")
        self._positions = {song_id: j for j, song_id in enumerate(self.songs.index)}

    def column(self, song_id: str) -> int:
        """Column of ``plays`` (and row of ``songs``) holding ``song_id``."""
        try:
            return self._positions[song_id]
        except KeyError:
            raise ParameterError(f"{self.name} has no song {song_id!r}.") from None

    def audio_path(self, song_id: str) -> Path:
        """Absolute path of the song's audio file."""
        relative = self.songs["audio_path"].iloc[self.column(song_id)]
        if self.root is None or not isinstance(relative, str) or not relative:
            raise ParameterError(f"{self.name}: song {song_id!r} has no audio.")
        return self.root / relative

    def load_audio(
        self, song_id: str, *, sr: int = 22_050, offset: float = 0.0, duration: float | None = None
    ) -> np.ndarray:
        """The song as mono float32 samples at ``sr`` Hz (resampled with librosa when needed).

        Parameters
        ----------
        song_id : str
        sr : int
            Target sampling rate; 22,050 Hz is what the lessons use.
        offset, duration : float
            Start and length in seconds (``duration=None``: to the end).

        Raises
        ------
        ParameterError
            The file is missing, empty, truncated, not audio, holds non-finite samples, or is longer than
            :data:`cbrec_lab.audio.MAX_AUDIO_SECONDS` without a ``duration`` (:func:`cbrec_lab.audio.load`).
        """
        from ..audio import load

        path = self.audio_path(song_id)
        if not path.is_file():
            raise ParameterError(f"{self.name}: the audio file of {song_id!r} is missing: {path}.")
        return load(path, sr=sr, offset=offset, duration=duration).astype(np.float32, copy=False)

    def play(self, song_id: str, *, sr: int = 22_050, duration: float | None = None):
        """An audio player for a notebook (:class:`cbrec_lab.player.AudioPlayer`, which also plays when the
        notebook is stored and opened untrusted, e.g. in a fresh clone or on Binder)."""
        from ..player import AudioPlayer

        return AudioPlayer(self.load_audio(song_id, sr=sr, duration=duration), rate=sr, normalize=True)

    def export_examples(self, folder: Path | str, *, per_genre: int = 1, sr: int = 22_050) -> list[Path]:
        """Write the first ``per_genre`` songs of every genre as WAV files named ``<genre>-<song_id>.wav``.

        For listening outside a notebook (any audio player) and for handing examples to a class.

        Raises
        ------
        ParameterError
            If ``per_genre`` is not a positive integer (a negative one would slice from the end).
        """
        per_genre = positive_int(per_genre, name="per_genre")  # how many songs per genre
        import soundfile

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for genre, group in self.songs.groupby("genre", sort=True):
            for song_id in group.index[:per_genre]:
                path = folder / f"{genre}-{song_id}.wav"
                soundfile.write(path, self.load_audio(song_id, sr=sr), sr, subtype="PCM_16")
                written.append(path)
        return written

    def __repr__(self) -> str:
        users = f", {self.plays.shape[0]} users, {self.plays.nnz} user–song pairs" if self.plays is not None else ""
        return f"MusicCollection({self.name!r}: {len(self.songs)} songs{users})"
