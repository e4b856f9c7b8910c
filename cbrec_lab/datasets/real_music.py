"""Loaders for the real music data sets: GTZAN, FMA-small and the Echo Nest Taste Profile subset.

Each returns a :class:`~cbrec_lab.datasets.music.MusicCollection`, the container the embedded music kit uses,
so a lesson switches between kit and real data with its ``DATASET`` parameter alone. With ``root=None`` the
data set is taken from ``<data home>/datasets/<name>`` through :func:`~cbrec_lab.datasets.remote.fetch`
(which downloads it when online, and otherwise says what to download and where to put it); with a ``root``
the files there are read as they are, without any network access.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..checks import positive_int
from ..exceptions import ParameterError
from .music import GTZAN_GENRES, THESIS_GENRES, MusicCollection
from .real_data import as_names, data_card, resolve_root
from .remote import dataset_dir, get_remote

__all__ = ["load_gtzan", "load_fma_small", "load_taste_profile", "GTZAN_GENRES", "THESIS_GENRES"]

_AUDIO_SUFFIXES = (".wav", ".au")
#: Where GTZAN's genre folders may sit under a data set folder: the original archive, Kaggle's copy (as
#: extracted, with or without its top-level ``Data/``).
_GTZAN_SUBFOLDERS = ("genres", "genres_original", "Data/genres_original")
#: A GTZAN clip's file stem: ``<genre>.<number>``, e.g. ``blues.00000`` or ``hiphop.00042``.
_GTZAN_NAME = re.compile(r"(?P<genre>[A-Za-z][A-Za-z_-]*)\.\d+")
_SONG_COLUMNS = ["title", "artist", "genre", "audio_path"]


# --------------------------------------------------------------------------------------------------------------
# GTZAN


def _gtzan_base(root: Path) -> Path:
    """The folder holding GTZAN's genre folders (or its clips) inside ``root``, in any layout it is shipped in."""
    return next((root / sub for sub in _GTZAN_SUBFOLDERS if (root / sub).is_dir()), root)


def _gtzan_files(base: Path) -> list[Path]:
    """Audio files directly in ``base`` (a flat folder) and one level down (genre folders), sorted."""
    found = (p for pattern in ("*", "*/*") for p in base.glob(pattern))
    return sorted(p for p in found if p.suffix.lower() in _AUDIO_SUFFIXES and p.is_file())


def _gtzan_genres(files: list[Path], base: Path) -> list[str]:
    """The genre of every clip: from its GTZAN file name (``blues.00000``), else from its genre folder.

    A clip whose name says one genre while it lies in the folder of another genre is refused as ambiguous; a
    folder that is not a genre of the collection (e.g. ``data/`` holding every clip) is just a container.
    """
    by_name = [m.group("genre") if (m := _GTZAN_NAME.fullmatch(p.stem)) else None for p in files]
    named = {g.lower() for g in by_name if g}
    genres = []
    for path, name_genre in zip(files, by_name, strict=True):
        folder = path.parent.name if path.parent != base else None
        if name_genre is None and folder is None:
            raise ParameterError(
                f"Cannot tell the genre of {path}: in a flat folder every clip must be named like GTZAN's "
                "<genre>.000NN.wav (e.g. blues.00000.wav). Rename the files, or put them in genres/<genre>/ folders."
            )
        if name_genre is None or folder is None or folder.lower() == name_genre.lower():
            genres.append(name_genre or folder)
        elif folder.lower() in named:
            raise ParameterError(
                f"{path} is named as a {name_genre!r} clip but lies in the {folder!r} genre folder. Move it to the "
                f"folder of its genre, or rename it to {folder}.NNNNN if it belongs to {folder!r}."
            )
        else:
            genres.append(name_genre)
    return genres


def load_gtzan(root: os.PathLike | str | None = None, *, genres: str | Iterable[str] | None = None) -> MusicCollection:
    """The GTZAN genre collection (Tzanetakis & Cook 2002): 1,000 thirty-second clips in 10 genres.

    Parameters
    ----------
    root : path-like or None
        Folder holding GTZAN's clips in one of the layouts it is shipped in: ``genres/<genre>/<genre>.000NN.au``
        (or ``.wav``; the original archive), Kaggle's ``genres_original/<genre>/…`` or
        ``Data/genres_original/<genre>/…``, the genres folder itself, or a flat folder of ``<genre>.000NN.wav``
        files. ``None``: ``<data home>/datasets/gtzan``, in any of these layouts; when no clip is there,
        :func:`~cbrec_lab.datasets.remote.fetch` downloads the original archive (or says how to get it).
    genres : str, iterable of str or None
        Keep only these genres (case-insensitive), e.g. :data:`THESIS_GENRES`. ``None`` keeps all.

    Returns
    -------
    MusicCollection
        ``songs`` [shape=(n_songs, 4)] indexed by ``song_id`` (the file stem, ``"blues.00000"``) and sorted by
        it; ``title`` is the song id, ``artist`` is missing (GTZAN has no artist labels), ``genre`` read from
        the GTZAN file name (``blues.00000`` → ``blues``) or, for other names, from the genre folder;
        ``audio_path`` relative to ``root``. No play counts.

    Raises
    ------
    ParameterError
        If the folder holds no ``.wav``/``.au`` files, a clip's genre cannot be told (a flat folder of files
        not named ``<genre>.000NN``) or is ambiguous (a clip named for one genre in another genre's folder),
        or a requested genre is not present.
    DataUnavailableError
        With ``root=None`` when the data set is not on disk and cannot be downloaded.
    """
    if root is None and _gtzan_files(_gtzan_base(dataset_dir("gtzan"))):
        root = dataset_dir("gtzan")  # placed by hand in any accepted layout: no download marker needed
    root = resolve_root(root, "gtzan")
    base = _gtzan_base(root)
    files = _gtzan_files(base)
    if not files:
        raise ParameterError(
            f"No GTZAN audio found under {root}: expected genres/<genre>/<genre>.000NN.au or .wav files "
            f"(or Kaggle's genres_original/, or a flat folder of <genre>.000NN.wav). {get_remote('gtzan').layout}"
        )
    table = pd.DataFrame(
        {
            "song_id": [p.stem for p in files],
            "genre": _gtzan_genres(files, base),
            "audio_path": [p.relative_to(root).as_posix() for p in files],
            "is_wav": [p.suffix.lower() == ".wav" for p in files],
        }
    )
    # A clip present both as .au and as a converted .wav is kept once, as the .wav.
    table = table.sort_values(["song_id", "is_wav"], ascending=[True, False], kind="stable")
    table = table.drop_duplicates("song_id", keep="first").drop(columns="is_wav")
    if genres is not None:
        wanted = [g.lower() for g in as_names(genres, "genres")]
        present = sorted(table["genre"].unique())
        unknown = sorted(set(wanted) - set(present))
        if unknown:
            raise ParameterError(f"Genre(s) {unknown} are not in {base}. Present genres: {', '.join(present)}.")
        table = table[table["genre"].isin(wanted)]
    songs = table.set_index("song_id")
    songs.insert(0, "title", songs.index.to_numpy(dtype=object))
    songs.insert(1, "artist", pd.Series(np.nan, index=songs.index, dtype=object))
    songs = songs[_SONG_COLUMNS]
    counts = songs["genre"].value_counts().sort_index()
    summary = [
        f"{len(songs)} clips in {len(counts)} genres ({', '.join(f'{g}: {n}' for g, n in counts.items())}), read "
        f"from `{root}`.",
        "Thirty-second excerpts (22,050 Hz, mono, 16 bit) collected in 2000–2001 from CDs, radio and microphone "
        "recordings. No artist labels; some clips repeat or are mislabelled (Sturm 2013), so report results "
        "with that in mind.",
    ]
    return MusicCollection(name="gtzan", songs=songs, root=root, card=data_card("gtzan", summary=summary))


# --------------------------------------------------------------------------------------------------------------
# FMA


_FMA_COLUMNS = {
    ("set", "subset"): "subset",
    ("track", "title"): "title",
    ("artist", "name"): "artist",
    ("track", "genre_top"): "genre",
}
_FMA_OPTIONAL = {("set", "split"): "split", ("track", "duration"): "duration", ("track", "license"): "license"}


def load_fma_small(root: os.PathLike | str | None = None) -> MusicCollection:
    """The ``small`` subset of FMA (Defferrard et al. 2017): 8,000 thirty-second MP3 clips in 8 genres.

    Parameters
    ----------
    root : path-like or None
        Folder holding ``fma_metadata/tracks.csv`` and ``fma_small/NNN/NNNNNN.mp3``. ``None``:
        ``<data home>/datasets/fma_small`` through :func:`~cbrec_lab.datasets.remote.fetch`.

    Returns
    -------
    MusicCollection
        ``songs`` indexed by the six-digit track id (``"000002"``), sorted, with ``title``, ``artist``,
        ``genre`` (the top-level genre), ``audio_path`` (``fma_small/000/000002.mp3``) and, where
        ``tracks.csv`` has them, ``split`` (training/validation/test), ``duration`` (s) and ``license``.
        Only tracks of the small subset whose MP3 file exists are kept. No play counts.

    Raises
    ------
    ParameterError
        If ``tracks.csv`` is missing or lacks a needed column, or no listed small-subset MP3 exists.
    DataUnavailableError
        With ``root=None`` when the data set is not on disk and cannot be downloaded.
    """
    root = resolve_root(root, "fma_small")
    tracks_csv = root / "fma_metadata" / "tracks.csv"
    if not tracks_csv.is_file():
        raise ParameterError(f"{tracks_csv} is missing. Expected layout: {get_remote('fma_small').layout}")
    # tracks.csv has a two-row column header (e.g. ('track', 'title')) and the index name on a third row.
    tracks = pd.read_csv(tracks_csv, index_col=0, header=[0, 1], low_memory=False)
    missing = [column for column in _FMA_COLUMNS if column not in tracks.columns]
    if missing:
        raise ParameterError(
            f"{tracks_csv} lacks the column(s) {missing}; is it the FMA metadata file (fma_metadata.zip)?"
        )
    available = {**_FMA_COLUMNS, **{c: n for c, n in _FMA_OPTIONAL.items() if c in tracks.columns}}
    table = tracks[list(available)].copy()
    table.columns = list(available.values())
    table = table[table["subset"] == "small"].drop(columns="subset")
    track_ids = pd.Index(pd.to_numeric(table.index, errors="coerce"))
    if track_ids.isna().any():
        raise ParameterError(f"{tracks_csv} has non-numeric track ids, e.g. {table.index[track_ids.isna()][0]!r}.")
    ids = pd.Series(track_ids.astype(np.int64), index=table.index).map("{:06d}".format)
    table.index = pd.Index(ids.to_numpy(), name="song_id")
    table["audio_path"] = "fma_small/" + ids.str[:3].to_numpy() + "/" + ids.to_numpy() + ".mp3"
    on_disk = {p.relative_to(root).as_posix() for p in (root / "fma_small").glob("*/*.mp3")}
    table = table[table["audio_path"].isin(on_disk)].sort_index()
    if table.empty:
        raise ParameterError(
            f"None of the small-subset tracks listed in {tracks_csv} has its MP3 under {root / 'fma_small'}. "
            f"Expected layout: {get_remote('fma_small').layout}"
        )
    songs = table[_SONG_COLUMNS + [c for c in table.columns if c not in _SONG_COLUMNS]]
    counts = songs["genre"].value_counts().sort_index()
    summary = [
        f"{len(songs)} clips of the FMA `small` subset in {len(counts)} genres "
        f"({', '.join(f'{g}: {n}' for g, n in counts.items())}), read from `{root}`.",
        "Thirty-second MP3 excerpts of Creative-Commons tracks from the Free Music Archive; `genre` is the "
        "track's top-level genre and `split` the authors' artist-filtered training/validation/test split. "
        "A few clips of the release are truncated: catch decoding errors when reading many files.",
    ]
    return MusicCollection(name="fma_small", songs=songs, root=root, card=data_card("fma_small", summary=summary))


# --------------------------------------------------------------------------------------------------------------
# Taste Profile


def _validated_counts(chunk: pd.DataFrame, first_line: int, path: Path) -> np.ndarray:
    """The ``count`` column of a chunk as int32, or a ParameterError naming the first bad line."""
    counts = pd.to_numeric(chunk["count"], errors="coerce")
    text_ok = chunk["count"].astype(str).str.fullmatch(r"\s*\+?\d+\s*")
    ids_ok = chunk["user"].notna() & chunk["song"].notna() & (chunk["user"] != "") & (chunk["song"] != "")
    bad = ~(text_ok & ids_ok) | counts.isna() | (counts > np.iinfo(np.int32).max)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        row = chunk.iloc[position]
        raise ParameterError(
            f"{path}, line {first_line + position}: expected 'user<TAB>song<TAB>count' with a non-negative integer "
            f"count, got {row['user']!r}, {row['song']!r}, {row['count']!r}. Fix or remove that line."
        )
    return counts.to_numpy(dtype=np.int32)


def _sorted_codes(index: pd.Index, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relabel ``codes`` (positions in ``index``) so that they follow the sorted order of the ids."""
    order = index.argsort()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return index.to_numpy(dtype=object)[order], rank[codes]


def load_taste_profile(
    root: os.PathLike | str | None = None,
    *,
    max_lines: int | None = None,
    min_plays_per_song: int = 1,
    chunk_lines: int = 1_000_000,
) -> MusicCollection:
    """The Echo Nest Taste Profile subset (Million Song Dataset): who played which song how often.

    Parameters
    ----------
    root : path-like or None
        Folder holding ``train_triplets.txt`` (or that file itself). ``None``:
        ``<data home>/datasets/taste_profile`` through :func:`~cbrec_lab.datasets.remote.fetch`.
    max_lines : int or None
        Read only the first ``max_lines`` lines (a quick look at the 48 M-line file).
    min_plays_per_song : int
        Keep songs played at least this often in total (sum of counts over users); users left without any
        play are dropped too.
    chunk_lines : int
        Lines parsed at a time; memory grows with the number of distinct ids and pairs, not with this.

    Returns
    -------
    MusicCollection
        ``plays`` [shape=(n_users, n_songs)], a csr matrix of int32 play counts (repeated user–song lines are
        added up); ``user_ids`` [shape=(n_users,)] and ``songs.index`` are the sorted distinct ids (Echo Nest
        song ids ``SO…``). ``title``, ``artist`` and ``genre`` are missing and ``audio_path`` is empty: the
        Taste Profile has no audio (join with the Million Song Dataset metadata for titles).

    Raises
    ------
    ParameterError
        If the file is missing, a line does not have three tab-separated fields, or a count is not a
        non-negative integer (the message names the line), or an option is not a positive integer.
    DataUnavailableError
        With ``root=None`` when the data set is not on disk and cannot be downloaded.
    """
    max_lines = positive_int(max_lines, name="max_lines", allow_none=True)
    min_plays_per_song = positive_int(min_plays_per_song, name="min_plays_per_song")
    chunk_lines = positive_int(chunk_lines, name="chunk_lines")
    root = resolve_root(root, "taste_profile")
    path = root if root.is_file() else root / "train_triplets.txt"
    if not path.is_file():
        raise ParameterError(f"{path} is missing. Expected layout: {get_remote('taste_profile').layout}")

    users, songs = pd.Index([], dtype=object), pd.Index([], dtype=object)
    user_parts, song_parts, count_parts = [], [], []
    first_line = 1
    try:
        with pd.read_csv(
            path,
            sep="\t",
            header=None,
            names=["user", "song", "count"],
            dtype=str,
            na_filter=False,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=False,
            chunksize=chunk_lines,
            nrows=max_lines,
            engine="c",
        ) as reader:
            for chunk in reader:
                count_parts.append(_validated_counts(chunk, first_line, path))
                new_users = pd.Index(chunk["user"].unique()).difference(users)
                new_songs = pd.Index(chunk["song"].unique()).difference(songs)
                users, songs = users.append(new_users), songs.append(new_songs)
                user_parts.append(users.get_indexer(chunk["user"]).astype(np.int32))
                song_parts.append(songs.get_indexer(chunk["song"]).astype(np.int32))
                first_line += len(chunk)
    except pd.errors.EmptyDataError:
        first_line = 1
    except pd.errors.ParserError as err:
        raise ParameterError(
            f"{path} is not a 'user<TAB>song<TAB>count' file: {str(err).strip()}. Fix or remove the offending line."
        ) from None
    if first_line == 1:
        raise ParameterError(f"{path} is empty: expected 'user<TAB>song<TAB>count' lines.")

    user_ids, rows = _sorted_codes(users, np.concatenate(user_parts))
    song_ids, cols = _sorted_codes(songs, np.concatenate(song_parts))
    plays = sp.csr_matrix(
        (np.concatenate(count_parts), (rows, cols)), shape=(len(user_ids), len(song_ids)), dtype=np.int32
    )
    plays.sum_duplicates()
    plays.eliminate_zeros()
    n_lines = first_line - 1
    song_totals = np.asarray(plays.sum(axis=0, dtype=np.int64)).ravel()
    keep_songs = song_totals >= min_plays_per_song
    if not keep_songs.all():
        plays = plays[:, keep_songs]
        song_ids = song_ids[keep_songs]
        keep_users = np.diff(plays.indptr) > 0
        plays, user_ids = plays[keep_users], user_ids[keep_users]
    if plays.shape[1] == 0:
        raise ParameterError(f"No song of {path} has at least min_plays_per_song={min_plays_per_song} plays; lower it.")
    table = pd.DataFrame(
        {
            "title": pd.Series(np.nan, index=song_ids, dtype=object),
            "artist": pd.Series(np.nan, index=song_ids, dtype=object),
            "genre": pd.Series(np.nan, index=song_ids, dtype=object),
            "audio_path": "",
        },
        index=pd.Index(song_ids, name="song_id"),
    )
    summary = [
        f"{plays.shape[0]:,} users × {plays.shape[1]:,} songs, {plays.nnz:,} user–song pairs and "
        f"{int(plays.sum(dtype=np.int64)):,} plays, from {n_lines:,} lines of `{path}`"
        + (f" (first {max_lines:,} lines only)" if max_lines is not None else "")
        + (f", keeping songs with at least {min_plays_per_song} plays." if min_plays_per_song > 1 else "."),
        "Play counts that The Echo Nest gathered from undisclosed partners' listeners, released as a subset of "
        "the Million Song Dataset (the full file: 48,373,586 lines, 1,019,318 users, 384,546 songs). "
        "No audio and no titles here: song ids are Echo Nest ids.",
    ]
    return MusicCollection(
        name="taste_profile",
        songs=table,
        root=path.parent,
        plays=plays,
        user_ids=np.asarray(user_ids, dtype=object),
        card=data_card("taste_profile", summary=summary),
    )
