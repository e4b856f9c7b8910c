"""Real data sets that are downloaded rather than generated: a registry and a safe fetcher.

Each :class:`RemoteDataset` lists its archives (every one with a primary URL and mirrors, SHA-256 and size),
its licence, citation and the folder layout its loader expects. :func:`fetch` makes the data set available
under ``<data home>/datasets/<name>``:

* if the folder is complete (a marker written after a verified download, or the expected files placed there
  by hand), it is returned at once, without touching the network;
* offline (``CBREC_OFFLINE=1`` or no route to the hosts) it raises :class:`DataUnavailableError` with
  instructions: which files to download, from where, their size and SHA-256, and where to put the
  extracted data so that the loader finds it next time;
* online it downloads each archive (trying the mirrors in order), streams it to a temporary file in the same
  folder, checks size and SHA-256, extracts it into a temporary folder and moves that into place with
  :func:`os.replace`, so an interrupted download never leaves a half-filled data set behind.

Safety limits of a download (each can be changed per call of :func:`fetch`):

* **one fetch per data set at a time**: the download and extraction run under an exclusive lock,
  ``<data home>/.locks/dataset-<name>.lock``; a second fetch of the same data set (another notebook, another
  process) waits, then finds the finished folder and downloads nothing. Under the lock, partial downloads
  (``.part``) and extraction folders left by a killed run are known to be stale and are removed.
* **a deadline per download**: ``deadline_s``, by default 10 minutes plus one second per 256 KiB of the
  archive (about 1 h 30 for GTZAN's 1.2 GB), so a mirror that sends a trickle of bytes cannot hang a class.
* **a cap on the extracted size**: the sizes of an archive's members are added up before anything is
  extracted; above ``max_extracted_bytes`` (by default 20 times the archive's size, at least 1 GiB; media
  barely compress, so more means a damaged or hostile archive) or above the free disk space nothing is
  extracted.
* a damaged archive (unreadable zip/tar/gzip) raises :class:`DataUnavailableError` naming the file and
  saying to delete it and fetch again.

An archive whose SHA-256 is not yet recorded in the registry (``sha256=""``) is never downloaded
automatically: the message asks the user to verify the file by hand and place it.

:func:`check_dataset` checks a notebook's ``DATASET`` parameter against the names its lesson supports.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import tarfile
import time
import urllib.request
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from ..cache import atomic_write_text, exclusive_lock, sha256_file
from ..config import data_home, free_disk_mb, network_reachable, offline
from ..exceptions import CbrecError, ParameterError

__all__ = [
    "DataUnavailableError",
    "RemoteFile",
    "RemoteDataset",
    "REMOTE_DATASETS",
    "get_remote",
    "dataset_dir",
    "is_available",
    "fetch",
    "check_dataset",
    "MARKER_NAME",
]

#: Name of the file written into a data set's folder after a verified download and extraction.
MARKER_NAME = ".cbrec-lab-complete.json"

_CHUNK_BYTES = 1 << 20
_TIMEOUT_S = 30.0  # longest wait for any single network operation (connect, one read)
#: Default deadline of one download: this many seconds plus one per ``_MIN_RATE_BYTES_S`` bytes expected.
_DEADLINE_BASE_S = 600.0
_MIN_RATE_BYTES_S = 256 * 1024
#: Default cap on an archive's extracted size: this many times the archive's size, at least the floor.
_EXTRACT_RATIO = 20
_EXTRACT_FLOOR_BYTES = 1 << 30
_USER_AGENT = "cbrec-lab (course data fetcher; urllib)"


class DataUnavailableError(CbrecError):
    """A real data set is not on disk and cannot be downloaded now (offline, unreachable, unverified or a
    failed download). The message says what to download, from where, and where to put it."""


# --------------------------------------------------------------------------------------------------------------
# Registry


@dataclass(frozen=True)
class RemoteFile:
    """One downloadable archive (or plain file) of a data set.

    Parameters
    ----------
    filename : str
        Name the file is saved under, e.g. ``"genres.tar.gz"``. ``.zip``, ``.tar.gz``/``.tgz`` and ``.tar``
        are extracted; any other file is copied into the data set's folder as it is.
    urls : tuple of str
        Primary URL first, then mirrors; tried in this order.
    sha256 : str
        Hex SHA-256 of the file. Empty when it has not been verified yet: such a file is never downloaded
        automatically, the user is asked to check it by hand and place it.
    size_bytes : int
        Exact size in bytes; 0 when unknown (then only the SHA-256 is checked).
    sha1 : str
        Hex SHA-1 as published by the data set's authors, when they publish only that (shown to the user).
    approx_size : str
        Human-readable size as published (e.g. ``"7.2 GiB"``), shown when ``size_bytes`` is unknown.
    """

    filename: str
    urls: tuple[str, ...]
    sha256: str
    size_bytes: int
    sha1: str = ""
    approx_size: str = ""

    @property
    def verified(self) -> bool:
        """Whether the registry records a SHA-256, i.e. whether the file may be downloaded automatically."""
        return bool(self.sha256)


@dataclass(frozen=True)
class RemoteDataset:
    """A real data set: its archives, terms and the folder layout its loader reads.

    Parameters
    ----------
    name : str
        Registry key and folder name under ``<data home>/datasets``.
    title : str
        Human-readable name.
    files : tuple of RemoteFile
        Archives to download and extract into the data set's folder.
    licence : str
        Terms of use, as published.
    citation : str
        The reference to cite.
    homepage : str
        Where the data set is described.
    layout : str
        What the extracted folder must look like (shown in the instructions).
    expected : tuple of str
        Glob patterns relative to the folder, each of which must match at least one file for data placed by
        hand (without the download marker) to count as present.
    """

    name: str
    title: str
    files: tuple[RemoteFile, ...]
    licence: str
    citation: str
    homepage: str
    layout: str
    expected: tuple[str, ...] = ()


# GTZAN: size and SHA-256 of genres.tar.gz as recorded by TensorFlow Datasets (audio/gtzan/checksums.tsv) and
# torchaudio (datasets/gtzan.py) for the historical opihi.cs.uvic.ca URL. The web.archive.org snapshot is a
# best-effort mirror: it is used only if its bytes match that SHA-256.
_GTZAN = RemoteDataset(
    name="gtzan",
    title="GTZAN genre collection",
    files=(
        RemoteFile(
            "genres.tar.gz",
            (
                "http://opihi.cs.uvic.ca/sound/genres.tar.gz",
                "https://web.archive.org/web/20220328223413id_/http://opihi.cs.uvic.ca/sound/genres.tar.gz",
            ),
            sha256="24347e0223d2ba798e0a558c4c172d9d4a19c00bb7963fe055d183dadb4ef2c6",
            size_bytes=1_225_571_541,
            approx_size="1.2 GB",
        ),
    ),
    licence=(
        "No licence was published. The 30-second excerpts were collected in 2000–2001 from CDs, radio and "
        "microphone recordings; the recordings remain their owners' copyright. Use for research and teaching."
    ),
    citation=(
        'G. Tzanetakis and P. Cook, "Musical genre classification of audio signals", IEEE Transactions on '
        "Speech and Audio Processing 10(5), 293–302, 2002."
    ),
    homepage="http://marsyas.info/downloads/datasets.html (no longer online)",
    layout=(
        "genres/<genre>/<genre>.000NN.au (or .wav): 10 genre folders (blues, classical, country, disco, hiphop, "
        "jazz, metal, pop, reggae, rock) of 100 thirty-second clips each. Copies that are not direct downloads "
        "(they need a login): Kaggle 'andradaolteanu/gtzan-dataset-music-genre-classification' (WAV files in "
        "genres_original/, also inside its Data/ folder) and Hugging Face 'marsyas/gtzan'. load_gtzan also reads "
        "genres_original/ and a flat folder of <genre>.000NN.wav files."
    ),
    expected=("genres/*/*.*",),
)

# FMA: the authors publish SHA-1 checksums only (github.com/mdeff/fma, README). The SHA-256 and exact sizes
# must be filled in here once a download has been verified against those SHA-1s; until then fetch() refuses
# to download automatically and asks the user to verify and place the files by hand.
_FMA_BASE = "https://os.unil.cloud.switch.ch/fma/"
_FMA_SMALL = RemoteDataset(
    name="fma_small",
    title="FMA: A Dataset for Music Analysis (fma_small subset and metadata)",
    files=(
        RemoteFile(
            "fma_metadata.zip",
            (_FMA_BASE + "fma_metadata.zip",),
            sha256="",
            size_bytes=0,
            sha1="f0df49ffe5f2a6008d7dc83c6915b31835dfe733",
            approx_size="342 MiB",
        ),
        RemoteFile(
            "fma_small.zip",
            (_FMA_BASE + "fma_small.zip",),
            sha256="",
            size_bytes=0,
            sha1="ade154f733639d52e35e32f5593efe5be76c6d70",
            approx_size="7.2 GiB",
        ),
    ),
    licence=(
        "Metadata: CC BY 4.0. Audio: each track under the Creative Commons licence its artist chose (listed in "
        "tracks.csv, column ('track', 'license'))."
    ),
    citation=(
        'M. Defferrard, K. Benzi, P. Vandergheynst and X. Bresson, "FMA: A Dataset for Music Analysis", '
        "18th International Society for Music Information Retrieval Conference (ISMIR), 2017."
    ),
    homepage="https://github.com/mdeff/fma",
    layout=(
        "fma_small/NNN/NNNNNN.mp3 (8,000 clips of 30 s in 156 folders named by the first three digits of the "
        "six-digit track id) and fma_metadata/tracks.csv, fma_metadata/genres.csv."
    ),
    expected=("fma_metadata/tracks.csv", "fma_metadata/genres.csv", "fma_small/*/*.mp3"),
)

# Taste Profile subset: neither SHA-256 nor exact size is published; fill them in once verified.
_TASTE_PROFILE = RemoteDataset(
    name="taste_profile",
    title="The Echo Nest Taste Profile Subset (Million Song Dataset)",
    files=(
        RemoteFile(
            "train_triplets.txt.zip",
            (
                "http://millionsongdataset.com/sites/default/files/challenge/train_triplets.txt.zip",
                "http://labrosa.ee.columbia.edu/millionsong/sites/default/files/challenge/train_triplets.txt.zip",
            ),
            sha256="",
            size_bytes=0,
        ),
    ),
    licence=(
        "Released by The Echo Nest and LabROSA with the Million Song Dataset for research; see the terms on the "
        "homepage before redistributing."
    ),
    citation=(
        'T. Bertin-Mahieux, D. P. W. Ellis, B. Whitman and P. Lamere, "The Million Song Dataset", 12th '
        "International Society for Music Information Retrieval Conference (ISMIR), 2011."
    ),
    homepage="http://millionsongdataset.com/tasteprofile/",
    layout=(
        "train_triplets.txt: one line per (user, song) pair, 'user<TAB>song<TAB>count' "
        "(48,373,586 lines, 1,019,318 users, 384,546 songs)."
    ),
    expected=("train_triplets.txt",),
)

# Tradesy (He & McAuley, VBPR): the two files as the McAuley lab serves them. No SHA-256 or exact size is
# published; fill them in once a download has been verified. (Cornac's copies on static.preferred.ai are
# converted files -- a user,item CSV and a pickled feature dict -- not mirrors of these.)
_TRADESY_BASE = "jmcauley.ucsd.edu/data/tradesy/"
_TRADESY = RemoteDataset(
    name="tradesy",
    title="Tradesy user feedback with CNN image features (VBPR)",
    files=(
        RemoteFile(
            "tradesy.json.gz",
            ("https://" + _TRADESY_BASE + "tradesy.json.gz", "http://" + _TRADESY_BASE + "tradesy.json.gz"),
            sha256="",
            size_bytes=0,
        ),
        RemoteFile(
            "image_features_tradesy.b",
            (
                "https://" + _TRADESY_BASE + "image_features_tradesy.b",
                "http://" + _TRADESY_BASE + "image_features_tradesy.b",
            ),
            sha256="",
            size_bytes=0,
            approx_size="several GB: 16,394 bytes per item (the paper's 166,526 items alone make 2.7 GB)",
        ),
    ),
    licence=(
        "No licence published. Distributed by Julian McAuley's lab (UC San Diego) for academic research; cite "
        "the paper below. The listings and their images belong to Tradesy and its users."
    ),
    citation=(
        'R. He and J. McAuley, "VBPR: Visual Bayesian Personalized Ranking from Implicit Feedback", '
        "Proceedings of the 30th AAAI Conference on Artificial Intelligence (AAAI), 144–150, 2016."
    ),
    homepage="https://cseweb.ucsd.edu/~jmcauley/datasets.html#bartering_data",
    layout=(
        "tradesy.json.gz (one user per line, a Python-literal dict such as {'uid': '2', 'lists': {'bought': "
        "[...], 'want': [...], 'selling': [...], 'sold': [...]}} listing item ids) and image_features_tradesy.b "
        "(records of a 10-character ASCII item id followed by 4,096 little-endian float32 values: AlexNet "
        "features, 16,394 bytes per record, no header). Both files directly in the folder, not extracted."
    ),
    expected=("tradesy.json*", "image_features_tradesy.b"),
)

# Amazon "Clothing, Shoes and Jewelry" (2014 release, McAuley et al. 2015), the category VBPR evaluates on.
# SNAP serves the files over plain HTTP; the McAuley-lab copy of the ratings is a mirror with the same path
# scheme. Neither SHA-256 nor exact sizes are published.
_AMAZON_SNAP = "http://snap.stanford.edu/data/amazon/productGraph/"
_AMAZON_CLOTHING = RemoteDataset(
    name="amazon_clothing",
    title="Amazon Clothing, Shoes and Jewelry ratings with CNN image features (2014 release)",
    files=(
        RemoteFile(
            "ratings_Clothing_Shoes_and_Jewelry.csv",
            (
                _AMAZON_SNAP + "categoryFiles/ratings_Clothing_Shoes_and_Jewelry.csv",
                "https://mcauleylab.ucsd.edu/public_datasets/data/amazon/categoryFiles/"
                "ratings_Clothing_Shoes_and_Jewelry.csv",
            ),
            sha256="",
            size_bytes=0,
            approx_size="a few hundred MB (millions of 'user,item,rating,timestamp' lines)",
        ),
        RemoteFile(
            "image_features_Clothing_Shoes_and_Jewelry.b",
            (_AMAZON_SNAP + "image_features/categoryFiles/image_features_Clothing_Shoes_and_Jewelry.b",),
            sha256="",
            size_bytes=0,
            approx_size="tens of GB: 16,394 bytes per product, over a million products",
        ),
    ),
    licence=(
        "No licence published. Distributed by Julian McAuley's lab (UC San Diego) for academic research; cite "
        "the papers below. Reviews and product images belong to Amazon and its users."
    ),
    citation=(
        'J. McAuley, C. Targett, Q. Shi and A. van den Hengel, "Image-based Recommendations on Styles and '
        'Substitutes", SIGIR 2015; R. He and J. McAuley, "VBPR: Visual Bayesian Personalized Ranking from '
        'Implicit Feedback", AAAI 2016.'
    ),
    homepage="https://cseweb.ucsd.edu/~jmcauley/datasets/amazon/links.html (the 2014 release)",
    layout=(
        "ratings_Clothing_Shoes_and_Jewelry.csv (no header; lines 'user,item,rating,timestamp' with the "
        "reviewer id, the product's ASIN, a 1–5 star rating and unix seconds) and "
        "image_features_Clothing_Shoes_and_Jewelry.b (records of a 10-character ASIN followed by 4,096 "
        "little-endian float32 values, 16,394 bytes per record, no header), both directly in the folder."
    ),
    expected=("ratings_Clothing_Shoes_and_Jewelry.csv", "image_features_Clothing_Shoes_and_Jewelry.b"),
)

# WikiArt as refined by Tan et al. for ArtGAN / ICIP 2016 (github.com/cs-chan/ArtGAN, 'WikiArt Dataset'). The
# images come as one ~25 GB zip (university server; a Google Drive copy needs a browser), the class lists and
# splits as a small zip. No checksums are published.
_ICIP2017 = "http://web.fsktm.um.edu.my/~cschan/source/ICIP2017/"
_WIKIART = RemoteDataset(
    name="wikiart",
    title="WikiArt paintings by style, artist and genre (ArtGAN refined release)",
    files=(
        RemoteFile(
            "wikiart.zip",
            (
                _ICIP2017 + "wikiart.zip",
                "http://www.cs-chan.com/source/ICIP2017/wikiart.zip",
                "https://drive.google.com/file/d/182-pFiKvXPB25DbTfAYjJ6gDE-ZCRXz0/view",
            ),
            sha256="",
            size_bytes=0,
            approx_size="25.4 GB",
        ),
        RemoteFile(
            "wikiart_csv.zip",
            (
                _ICIP2017 + "wikiart_csv.zip",
                "https://github.com/cs-chan/ArtGAN/tree/master/WikiArt%20Dataset",
            ),
            sha256="",
            size_bytes=0,
            approx_size="a few MB",
        ),
    ),
    licence=(
        "For non-commercial research purposes only; the images were obtained from WikiArt.org and belong to "
        "their owners (WikiArt.org terms of use apply: https://www.wikiart.org/en/terms-of-use)."
    ),
    citation=(
        "W. R. Tan, C. S. Chan, H. E. Aguirre and K. Tanaka, \"Ceci n'est pas une pipe: A deep convolutional "
        'network for fine-art paintings classification", IEEE International Conference on Image Processing '
        "(ICIP), 3703–3707, 2016."
    ),
    homepage="https://github.com/cs-chan/ArtGAN/tree/master/WikiArt%20Dataset",
    layout=(
        "wikiart/<Style>/<artist-name>_<title-words>[-<year>].jpg (about 81,000 paintings in 27 style folders, "
        "e.g. wikiart/Impressionism/claude-monet_water-lilies-1906.jpg) and wikiart_csv/ with "
        "{artist,genre,style}_class.txt ('<index> <name>' lines) and {artist,genre,style}_{train,val}.csv "
        "('<Style>/<file>.jpg,<index>' lines). The Google Drive copy of wikiart.zip opens in a browser only; the "
        "GitHub folder holds the same lists, one sub-folder per task: put them all into wikiart_csv/."
    ),
    expected=("wikiart/*/*.jpg", "wikiart_csv/genre_*.csv"),
)

#: Registered real data sets by name.
REMOTE_DATASETS: dict[str, RemoteDataset] = {
    d.name: d for d in (_GTZAN, _FMA_SMALL, _TASTE_PROFILE, _TRADESY, _AMAZON_CLOTHING, _WIKIART)
}


def get_remote(name: str) -> RemoteDataset:
    """The registry entry of a real data set.

    Parameters
    ----------
    name : str
        A key of :data:`REMOTE_DATASETS`, e.g. ``"gtzan"``.

    Raises
    ------
    ParameterError
        If no data set of that name is registered.
    """
    try:
        return REMOTE_DATASETS[name]
    except (KeyError, TypeError):
        raise ParameterError(
            f"Unknown data set {name!r}. Registered data sets: {', '.join(map(repr, REMOTE_DATASETS))}."
        ) from None


def dataset_dir(name: str) -> Path:
    """Folder a real data set lives in: ``<data home>/datasets/<name>`` (not created here)."""
    return data_home() / "datasets" / name


def check_dataset(name, allowed: Iterable[str]) -> str:
    """Check a notebook's ``DATASET`` parameter against the data sets its lesson supports.

    Called right after a lesson's parameters cell, so that a typo stops the notebook at once instead of
    silently running on the kit or failing deep inside a loader.

    Parameters
    ----------
    name : str
        The value of ``DATASET``.
    allowed : iterable of str
        The names the lesson supports, e.g. ``("kit", "gtzan")``.

    Returns
    -------
    str
        ``name``, unchanged.

    Raises
    ------
    ParameterError
        If ``name`` is not one of ``allowed`` (the message lists them), or ``allowed`` is empty.

    Examples
    --------
    >>> check_dataset("gtzan", ("kit", "gtzan"))
    'gtzan'
    """
    choices = tuple(allowed)
    if not choices:
        raise ParameterError("check_dataset needs at least one allowed data set name.")
    if not isinstance(name, str) or name not in choices:
        raise ParameterError(
            f"DATASET={name!r} is not one of {', '.join(map(repr, choices))}; set one of them in the parameters "
            "cell (names are lower case) and run the notebook again."
        )
    return name


# --------------------------------------------------------------------------------------------------------------
# Presence


def _marker_valid(dataset: RemoteDataset, folder: Path) -> bool:
    """Whether ``folder`` holds a download marker matching the registry's checksums."""
    marker = folder / MARKER_NAME
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    wanted = {f.filename: f.sha256 for f in dataset.files}
    return isinstance(recorded, dict) and recorded.get("files") == wanted and all(wanted.values())


def _placed_by_hand(dataset: RemoteDataset, folder: Path) -> bool:
    """Whether every expected pattern matches at least one file in ``folder``."""
    if not dataset.expected or not folder.is_dir():
        return False
    return all(next(folder.glob(pattern), None) is not None for pattern in dataset.expected)


def is_available(name: str) -> bool:
    """Whether :func:`fetch` would return the data set's folder without downloading anything."""
    dataset = get_remote(name)
    folder = dataset_dir(name)
    return _marker_valid(dataset, folder) or _placed_by_hand(dataset, folder)


# --------------------------------------------------------------------------------------------------------------
# Instructions


def _format_size(n_bytes: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit} ({n_bytes:,} bytes)"
    return f"{n_bytes} bytes"


def _instructions(dataset: RemoteDataset, reason: str) -> str:
    """The message of a :class:`DataUnavailableError`: why, what to download, where to put it."""
    folder = dataset_dir(dataset.name)
    lines = [f"{dataset.title} ({dataset.name!r}) is not available: {reason}", "", "Download by hand:"]
    for remote in dataset.files:
        lines.append(f"  * {remote.filename}")
        lines.append(f"      URL:      {remote.urls[0]}")
        lines += [f"      mirror:   {url}" for url in remote.urls[1:]]
        if remote.size_bytes:
            lines.append(f"      size:     {_format_size(remote.size_bytes)}")
        elif remote.approx_size:
            lines.append(f"      size:     about {remote.approx_size} (exact size not recorded)")
        if remote.sha256:
            lines.append(f"      SHA-256:  {remote.sha256}  (check with `sha256sum {remote.filename}`)")
        else:
            published = ""
            if remote.sha1:
                published = f"; the authors publish SHA-1 {remote.sha1} (`sha1sum {remote.filename}`)"
            lines.append(
                f"      SHA-256:  not recorded in cbrec_lab yet: verify the file manually{published}, "
                "then extract and place it as below"
            )
    lines += [
        "",
        f"Extract the archive(s) into {folder}",
        f"so that it contains: {dataset.layout}",
        f"(Set CBREC_DATA_HOME to use another data home; the loader looks in <data home>/datasets/{dataset.name}.)",
        "",
        f"Homepage: {dataset.homepage}",
        f"Licence: {dataset.licence}",
        f"Cite: {dataset.citation}",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------
# Download and extraction


def _hosts_reachable(dataset: RemoteDataset) -> bool:
    """Whether a TCP connection opens to at least one host serving the data set's files."""
    seen = set()
    for remote in dataset.files:
        for url in remote.urls:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            if parts.hostname and (parts.hostname, port) not in seen:
                seen.add((parts.hostname, port))
                if network_reachable(parts.hostname, port):
                    return True
    return False


def _default_deadline_s(n_bytes: int) -> float:
    """Seconds one download may take: ``_DEADLINE_BASE_S`` plus one per ``_MIN_RATE_BYTES_S`` bytes expected."""
    return _DEADLINE_BASE_S + n_bytes / _MIN_RATE_BYTES_S


def _stream(url: str, target: Path, remote: RemoteFile, *, progress: bool, deadline_s: float | None) -> None:
    """Copy ``url`` into ``target`` as the bytes arrive, stopping early if it grows past the expected size or
    runs past its deadline (``None``: the default for the expected size, see :func:`_default_deadline_s`)."""
    from tqdm.auto import tqdm

    started = time.monotonic()
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    timeout = _TIMEOUT_S if deadline_s is None else min(_TIMEOUT_S, deadline_s)
    with urllib.request.urlopen(request, timeout=timeout) as response, open(target, "wb") as out:
        total = remote.size_bytes or int(response.headers.get("Content-Length") or 0) or None
        budget = _default_deadline_s(total or 0) if deadline_s is None else deadline_s
        with tqdm(
            total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=remote.filename, disable=not progress
        ) as bar:
            written = 0
            # read1 returns what has arrived (up to a chunk), so the deadline is checked even on a trickle
            while chunk := response.read1(_CHUNK_BYTES):
                written += len(chunk)
                if remote.size_bytes and written > remote.size_bytes:
                    raise ValueError(f"the server sent more than the expected {remote.size_bytes:,} bytes")
                out.write(chunk)
                bar.update(len(chunk))
                if time.monotonic() - started > budget:
                    expected = f" of {total:,}" if total else ""
                    raise TimeoutError(
                        f"gave up at the deadline of {budget:.0f} s with only {written:,}{expected} bytes received "
                        "(a slow or stalled mirror); try again later or on another network, pass a longer "
                        "deadline_s to fetch(), or download the file by hand as below"
                    )


def _download(
    remote: RemoteFile, folder: Path, *, progress: bool, deadline_s: float | None = None
) -> tuple[Path | None, list[str]]:
    """Download ``remote`` into ``folder`` trying each URL; return the verified file or ``None`` and the
    reason each URL failed. Nothing but a verified file is left behind."""
    failures: list[str] = []
    final = folder / remote.filename
    for url in remote.urls:
        part = folder / f".{remote.filename}.{uuid.uuid4().hex[:8]}.part"
        try:
            _stream(url, part, remote, progress=progress, deadline_s=deadline_s)
            size = part.stat().st_size
            if remote.size_bytes and size != remote.size_bytes:
                raise ValueError(f"size mismatch: expected {remote.size_bytes:,} bytes, got {size:,}")
            digest = sha256_file(part)
            if digest != remote.sha256:
                raise ValueError(f"SHA-256 mismatch: expected {remote.sha256}, got {digest} ({size:,} bytes)")
            os.replace(part, final)
            return final, failures
        except (OSError, http.client.HTTPException, ValueError) as err:  # URLError, TimeoutError are OSErrors
            failures.append(f"{url}: {err}")
        finally:
            part.unlink(missing_ok=True)
    return None, failures


def _check_member(name: str, archive: Path) -> None:
    """Refuse archive members that would land outside the extraction folder."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise DataUnavailableError(
            f"The archive {archive.name} contains the unsafe path {name!r} (absolute or with '..'); it was not "
            "extracted. Delete the download and report the mirror."
        )


def _default_max_extracted_bytes(archive: Path) -> int:
    """The default cap on an archive's extracted size: ``_EXTRACT_RATIO`` × its size, at least the floor."""
    return max(_EXTRACT_RATIO * archive.stat().st_size, _EXTRACT_FLOOR_BYTES)


def _check_extracted_size(archive: Path, total: int, into: Path, max_bytes: int | None) -> None:
    """Refuse an archive whose members add up to more than the cap or than the free disk space."""
    if max_bytes is None:
        limit = _default_max_extracted_bytes(archive)
        why = f"the default cap of {_EXTRACT_RATIO}× the archive's size, at least {_format_size(_EXTRACT_FLOOR_BYTES)}"
    else:
        limit, why = max_bytes, "the cap given as max_extracted_bytes"
    if total > limit:
        raise DataUnavailableError(
            f"The archive {archive} would extract to {total:,} bytes, more than {limit:,} bytes ({why}); nothing "
            "was extracted. If you trust the file, pass a larger max_extracted_bytes to fetch(); otherwise "
            "delete it and report the mirror."
        )
    free = int(free_disk_mb(into) * 1e6)
    if total > free:
        raise DataUnavailableError(
            f"The archive {archive} extracts to {_format_size(total)} but only {_format_size(free)} is free on "
            f"the disk of {into}; free some space or set CBREC_DATA_HOME to a larger disk, then fetch again."
        )


def _extract(archive: Path, into: Path, *, max_bytes: int | None = None) -> None:
    """Extract a zip or tar archive (or copy a plain file) into ``into``.

    Member paths are checked (nothing may land outside ``into``) and member sizes added up (see
    :func:`_check_extracted_size`) before anything is written. An unreadable archive raises
    :class:`DataUnavailableError` naming it.
    """
    name = archive.name.lower()
    try:
        if name.endswith(".zip"):
            with zipfile.ZipFile(archive) as bundle:
                members = bundle.infolist()
                for member in members:
                    _check_member(member.filename, archive)
                _check_extracted_size(archive, sum(m.file_size for m in members), into, max_bytes)
                bundle.extractall(into)
        elif name.endswith((".tar.gz", ".tgz", ".tar")):
            with tarfile.open(archive) as bundle:
                members = bundle.getmembers()
                for member in members:
                    _check_member(member.name, archive)
                _check_extracted_size(archive, sum(m.size for m in members if m.isfile()), into, max_bytes)
                bundle.extractall(into, filter="data")
        else:
            shutil.copy2(archive, into / archive.name)
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise DataUnavailableError(
            f"The archive {archive} is damaged and could not be extracted ({type(err).__name__}: {err}). "
            "Delete it and fetch again to download a fresh copy; if the new copy is damaged too, download the "
            "file by hand from another mirror."
        ) from None


def fetch(
    name: str,
    *,
    progress: bool = True,
    keep_archives: bool = False,
    deadline_s: float | None = None,
    max_extracted_bytes: int | None = None,
) -> Path:
    """Make a real data set available on disk and return its folder.

    Parameters
    ----------
    name : str
        A key of :data:`REMOTE_DATASETS` (``"gtzan"``, ``"fma_small"``, ``"taste_profile"``).
    progress : bool
        Show a download progress bar (tqdm).
    keep_archives : bool
        Keep the downloaded archives in ``<data home>/datasets/.downloads/<name>`` after extraction (by
        default they are deleted once their contents are in place; the marker keeps their SHA-256).
    deadline_s : float or None
        Longest time one download (one URL) may take, in seconds; ``None``: 10 minutes plus one second per
        256 KiB of the archive. A mirror past its deadline counts as failed and the next one is tried.
    max_extracted_bytes : int or None
        Largest total size of an archive's members; ``None``: 20 times the archive's size, at least 1 GiB.
        Checked before anything is extracted.

    Returns
    -------
    pathlib.Path
        ``<data home>/datasets/<name>``, laid out as the entry's ``layout`` says.

    Raises
    ------
    DataUnavailableError
        Offline (``CBREC_OFFLINE=1``), none of the hosts reachable, an archive whose SHA-256 is not recorded
        yet, every URL of an archive failing or running past its deadline (the reasons are listed), a folder
        that exists but is incomplete, an archive larger than the cap or the free disk space, or a damaged
        archive. The message says what to download, from where, its size and SHA-256, and where to put it.
    ParameterError
        If ``name`` is not registered, or ``deadline_s`` / ``max_extracted_bytes`` is not positive.

    Notes
    -----
    Downloading and extracting run under an exclusive lock per data set (``<data home>/.locks``): a second
    fetch of the same data set waits for the first and then returns its folder. Under that lock any partial
    download or extraction folder of the data set is a leftover of a killed run and is removed first.
    """
    dataset = get_remote(name)
    if deadline_s is not None and (
        isinstance(deadline_s, bool) or not isinstance(deadline_s, (int, float)) or not 0 < deadline_s < float("inf")
    ):
        raise ParameterError(f"deadline_s must be a positive number of seconds or None, got {deadline_s!r}.")
    if max_extracted_bytes is not None and (
        isinstance(max_extracted_bytes, bool) or not isinstance(max_extracted_bytes, int) or max_extracted_bytes <= 0
    ):
        raise ParameterError(f"max_extracted_bytes must be a positive integer or None, got {max_extracted_bytes!r}.")
    folder = dataset_dir(name)
    if _marker_valid(dataset, folder) or _placed_by_hand(dataset, folder):
        return folder
    if offline():
        raise DataUnavailableError(_instructions(dataset, "downloads are switched off (CBREC_OFFLINE=1)."))
    unverified = [f.filename for f in dataset.files if not f.verified]
    if unverified:
        raise DataUnavailableError(
            _instructions(
                dataset,
                f"no SHA-256 is recorded for {', '.join(unverified)}, so it is not downloaded automatically.",
            )
        )
    with exclusive_lock(data_home() / ".locks" / f"dataset-{name}.lock"):
        if _marker_valid(dataset, folder) or _placed_by_hand(dataset, folder):
            return folder  # another fetch finished it while this one waited for the lock
        _remove_stale(folder.parent, name)
        return _fetch_locked(
            dataset,
            folder,
            progress=progress,
            keep_archives=keep_archives,
            deadline_s=deadline_s,
            max_extracted_bytes=max_extracted_bytes,
        )


def _remove_stale(datasets: Path, name: str) -> None:
    """Remove the partial downloads and extraction folders of ``name`` that a killed fetch left behind.

    Only called under the data set's lock, when no other fetch of it can be running: every such file is stale.
    (Where :func:`~cbrec_lab.cache.exclusive_lock` cannot lock, on Windows, concurrent fetches of one data set
    are not supported, as for the kits.)
    """
    for part in (datasets / ".downloads" / name).glob(".*.part"):
        part.unlink(missing_ok=True)
    staging = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp")
    if datasets.is_dir():
        for entry in datasets.iterdir():
            if staging.fullmatch(entry.name) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)


def _fetch_locked(
    dataset: RemoteDataset,
    folder: Path,
    *,
    progress: bool,
    keep_archives: bool,
    deadline_s: float | None,
    max_extracted_bytes: int | None,
) -> Path:
    """The download and extraction of :func:`fetch`, run while holding the data set's lock."""
    name = dataset.name
    if folder.exists():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        else:
            raise DataUnavailableError(
                _instructions(
                    dataset,
                    f"{folder} exists but is incomplete (no download marker and not the expected layout). Complete "
                    "it by hand as below, or delete it and fetch again.",
                )
            )
    if not _hosts_reachable(dataset):
        raise DataUnavailableError(_instructions(dataset, "none of its download hosts can be reached."))

    downloads = folder.parent / ".downloads" / name
    downloads.mkdir(parents=True, exist_ok=True)
    archives = [
        _verified_archive(dataset, remote, downloads, progress=progress, deadline_s=deadline_s)
        for remote in dataset.files
    ]
    staging = folder.parent / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        staging.mkdir()
        for archive in archives:
            _extract(archive, staging, max_bytes=max_extracted_bytes)
        record = {"dataset": name, "files": {f.filename: f.sha256 for f in dataset.files}}
        atomic_write_text(staging / MARKER_NAME, json.dumps(record, indent=2))
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not keep_archives:
        for archive in archives:
            archive.unlink(missing_ok=True)
        _prune(downloads)
    return folder


def _prune(downloads: Path) -> None:
    """Remove the download folder of a data set, and ``.downloads`` itself, when they are empty."""
    for empty in (downloads, downloads.parent):
        if empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()


def _verified_archive(
    dataset: RemoteDataset, remote: RemoteFile, downloads: Path, *, progress: bool, deadline_s: float | None = None
) -> Path:
    """A verified copy of ``remote`` in ``downloads``: reused if a previous run left one, else downloaded.

    Verified archives are kept when a later step fails, so that fetching again does not download them twice;
    a failed download leaves nothing behind.
    """
    archive = downloads / remote.filename
    if archive.is_file() and sha256_file(archive) == remote.sha256:
        return archive
    archive, failures = _download(remote, downloads, progress=progress, deadline_s=deadline_s)
    if archive is None:
        _prune(downloads)
        raise DataUnavailableError(
            _instructions(dataset, f"downloading {remote.filename} failed from every URL:\n  " + "\n  ".join(failures))
        )
    return archive
