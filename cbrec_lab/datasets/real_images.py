"""Loaders for the real image data sets: Tradesy and Amazon Clothing (VBPR's feedback with CNN features) and
the WikiArt paintings.

Each returns an :class:`~cbrec_lab.datasets.images.ImageCollection`, the container the embedded art kit uses,
so a lesson switches between kit and real data with its ``DATASET`` parameter alone. With ``root=None`` the
data set is taken from ``<data home>/datasets/<name>`` through :func:`~cbrec_lab.datasets.remote.fetch`
(which says what to download and where to put it when the files are not there); with a ``root`` the files
there are read as they are, without any network access.

The two feedback sets come with the image features He & McAuley (2016) used for VBPR: one binary file of
fixed-size records, a 10-character ASCII item id followed by ``d`` little-endian float32 values (``d = 4096``,
the fc7 layer of a Caffe AlexNet). The file is memory-mapped with a structured numpy dtype and only the
records that are kept are copied into memory.
"""

from __future__ import annotations

import ast
import csv
import gzip
import json
import os
import zlib
from collections.abc import Iterable, Sequence
from numbers import Real
from pathlib import Path

import numpy as np
import pandas as pd

from ..checks import positive_int
from ..exceptions import ParameterError
from .images import ImageCollection
from .real_data import as_names, data_card, resolve_root
from .remote import get_remote

__all__ = ["load_tradesy", "load_amazon_clothing", "load_wikiart", "TRADESY_LISTS", "read_feature_records"]

#: The four lists of a Tradesy user record. VBPR uses ``bought`` and ``want`` ('thumbs-up') as positive feedback.
TRADESY_LISTS = ("bought", "want", "selling", "sold")

_ID_BYTES = 10
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


# --------------------------------------------------------------------------------------------------------------
# The binary feature files


def _record_dtype(feature_dim: int) -> np.dtype:
    """One record of a VBPR feature file: ``S10`` id, then ``feature_dim`` little-endian float32 values."""
    return np.dtype([("id", f"S{_ID_BYTES}"), ("f", "<f4", (feature_dim,))])


def read_feature_records(
    path: os.PathLike | str, *, feature_dim: int = 4096, max_items: int | None = None
) -> tuple[np.ndarray, np.memmap]:
    """Memory-map a binary image-feature file as distributed with Tradesy and the Amazon data for VBPR.

    The file is a plain sequence of records without header: a 10-byte ASCII item id (padded with spaces or
    NUL bytes when shorter) followed by ``feature_dim`` little-endian float32 values, i.e.
    ``10 + 4 * feature_dim`` bytes per record (16,394 for the 4,096-d AlexNet features of He & McAuley 2016).

    Parameters
    ----------
    path : path-like
        The ``.b`` file.
    feature_dim : int
        Values per record.
    max_items : int or None
        Map only the first ``max_items`` records.

    Returns
    -------
    ids : numpy.ndarray of str [shape=(n_records,)]
        The item ids with the padding stripped.
    records : numpy.memmap [shape=(n_records,)]
        The records, fields ``"id"`` and ``"f"`` (``records["f"][k]`` has shape ``(feature_dim,)``); nothing is
        read until indexed.

    Raises
    ------
    ParameterError
        If the file is missing or empty, its size is not a whole number of records (wrong ``feature_dim`` or a
        truncated download), or an id is empty or not ASCII.
    """
    path = Path(path)
    feature_dim = positive_int(feature_dim, name="feature_dim")
    max_items = positive_int(max_items, name="max_items", allow_none=True)
    if not path.is_file():
        raise ParameterError(f"The feature file {path} is missing.")
    record = _record_dtype(feature_dim)
    size = path.stat().st_size
    if size == 0 or size % record.itemsize:
        raise ParameterError(
            f"{path} has {size:,} bytes, which is not a whole number of {record.itemsize:,}-byte records (a "
            f"{_ID_BYTES}-character item id then feature_dim={feature_dim:,} little-endian float32 values). Check "
            "feature_dim, or download the file again if it was cut short."
        )
    n_records = size // record.itemsize
    if max_items is not None:
        n_records = min(n_records, max_items)
    records = np.memmap(path, dtype=record, mode="r", shape=(n_records,))
    raw = np.array(records["id"])
    try:
        ids = np.char.strip(np.char.decode(raw, "ascii"))
    except UnicodeDecodeError:
        raise ParameterError(
            f"{path} has a record whose id is not ASCII: is it a VBPR feature file with feature_dim={feature_dim}?"
        ) from None
    empty = np.flatnonzero(np.char.str_len(ids) == 0)
    if empty.size:
        raise ParameterError(
            f"{path}: record {int(empty[0])} has an empty item id: is it a VBPR feature file with "
            f"feature_dim={feature_dim}?"
        )
    return ids, records


def _select_features(records: np.memmap, positions: np.ndarray) -> np.ndarray:
    """Copy the feature rows at ``positions`` into a native float32 array of shape ``(len(positions), d)``."""
    return np.asarray(records["f"][positions], dtype=np.float32)


def _first_occurrences(ids: np.ndarray) -> np.ndarray:
    """Positions of the first record of each distinct id, in file order."""
    return np.flatnonzero(~pd.Index(ids).duplicated(keep="first"))


def _feature_items(ids: np.ndarray) -> pd.DataFrame:
    """Items table of a feature-only data set: the id as title, no image file."""
    index = pd.Index(ids, name="item_id", dtype=object)
    return pd.DataFrame({"title": index.to_numpy(dtype=object), "image_path": ""}, index=index)


def _feature_file(root: Path, filename: str, name: str) -> Path:
    path = root / filename
    if not path.is_file():
        raise ParameterError(f"{path} is missing. Expected layout: {get_remote(name).layout}")
    return path


# --------------------------------------------------------------------------------------------------------------
# Tradesy


def _parse_user_record(line: str, path: Path, number: int) -> dict:
    """A Tradesy user record from one line: JSON, or the Python literal the original file uses."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        try:
            record = ast.literal_eval(line)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            record = None
    if not isinstance(record, dict) or "uid" not in record or not isinstance(record.get("lists"), dict):
        raise ParameterError(
            f"{path}, line {number}: expected a user record like {{'uid': '2', 'lists': {{'bought': [...], "
            f"'want': [...], ...}}}}, got {line[:80]!r}. Fix or remove that line."
        )
    return record


def _read_tradesy_feedback(path: Path, lists: Sequence[str]) -> pd.DataFrame:
    """(user, item, list) rows of the selected lists, in file order."""
    users: list[str] = []
    items: list[str] = []
    kinds: list[str] = []
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                line = line.strip()
                if not line:
                    continue
                record = _parse_user_record(line, path, number)
                uid = str(record["uid"])
                for kind in lists:
                    ids = record["lists"].get(kind) or []
                    if not isinstance(ids, list):
                        raise ParameterError(
                            f"{path}, line {number}: the {kind!r} list of user {uid!r} is {ids!r}, not a list of "
                            "item ids. Fix or remove that line."
                        )
                    items.extend(map(str, ids))
                    users.extend([uid] * len(ids))
                    kinds.extend([kind] * len(ids))
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as err:
        raise ParameterError(f"{path} cannot be read as UTF-8 text lines ({err}); download it again.") from None
    return pd.DataFrame({"user_id": users, "item_id": items, "feedback": kinds}, dtype=object)


def load_tradesy(
    root: os.PathLike | str | None = None,
    *,
    feedback: str | Iterable[str] = ("bought", "want"),
    max_items: int | None = None,
    feature_dim: int = 4096,
) -> ImageCollection:
    """Tradesy second-hand fashion feedback with CNN image features, as used for VBPR (He & McAuley 2016).

    Parameters
    ----------
    root : path-like or None
        Folder holding ``tradesy.json.gz`` (or an uncompressed ``tradesy.json``) and
        ``image_features_tradesy.b``. ``None``: ``<data home>/datasets/tradesy`` through
        :func:`~cbrec_lab.datasets.remote.fetch`.
    feedback : str or iterable of str
        Which lists of each user record count as interactions, among :data:`TRADESY_LISTS`. The default,
        purchases and 'thumbs-up' (``bought``, ``want``), is the positive feedback of the VBPR paper.
    max_items : int or None
        Keep only the items of the first ``max_items`` records of the feature file (a quick look).
    feature_dim : int
        Float32 values per record of the feature file.

    Returns
    -------
    ImageCollection
        ``items`` [shape=(n_items, 2)]: the items that have features, in the order of the feature file (the
        first record wins for a repeated id), indexed by ``item_id`` with ``title`` = the id and an empty
        ``image_path`` (no image files are distributed). ``features["cnn"]`` [shape=(n_items, feature_dim)],
        float32, rows aligned with ``items``. ``interactions``: ``user_id``, ``item_id``, ``timestamp``,
        ``feedback`` (the list the pair came from), one row per distinct user–item pair (a pair in several
        lists is kept once, under the first list of ``feedback``), restricted to items with features.
        **Tradesy has no timestamps**: ``timestamp`` is ``1970-01-01`` (``pd.Timestamp(0)``) on every row, so
        there is no time order; rows are in the order of the user file.

    Raises
    ------
    ParameterError
        If a file is missing, a line is not a user record (the message names it), the feature file is not a
        whole number of ``10 + 4 * feature_dim``-byte records, or an option is invalid.
    DataUnavailableError
        With ``root=None`` when the data set is not on disk and cannot be downloaded.

    References
    ----------
    R. He and J. McAuley, "VBPR: Visual Bayesian Personalized Ranking from Implicit Feedback", AAAI 2016.
    """
    lists = list(dict.fromkeys(as_names(feedback, "feedback")))
    unknown = [kind for kind in lists if kind not in TRADESY_LISTS]
    if unknown:
        raise ParameterError(
            f"Unknown Tradesy feedback list(s) {unknown}. Choose among {', '.join(TRADESY_LISTS)} (VBPR uses "
            "'bought' and 'want')."
        )
    feature_dim = positive_int(feature_dim, name="feature_dim")
    max_items = positive_int(max_items, name="max_items", allow_none=True)
    root = resolve_root(root, "tradesy")
    users_path = next((root / n for n in ("tradesy.json.gz", "tradesy.json") if (root / n).is_file()), None)
    if users_path is None:
        raise ParameterError(f"{root / 'tradesy.json.gz'} is missing. Expected layout: {get_remote('tradesy').layout}")
    features_path = _feature_file(root, "image_features_tradesy.b", "tradesy")

    ids, records = read_feature_records(features_path, feature_dim=feature_dim, max_items=max_items)
    keep = _first_occurrences(ids)
    items = _feature_items(ids[keep])
    features = _select_features(records, keep)

    pairs = _read_tradesy_feedback(users_path, lists)
    n_events = len(pairs)
    rank = pairs["feedback"].map({kind: k for k, kind in enumerate(lists)})
    pairs = pairs.loc[rank.sort_values(kind="stable").index]
    pairs = pairs.drop_duplicates(["user_id", "item_id"], keep="first").sort_index()
    n_pairs = len(pairs)
    pairs = pairs[pairs["item_id"].isin(items.index)].reset_index(drop=True)
    pairs.insert(2, "timestamp", pd.Series(pd.Timestamp(0), index=pairs.index).astype("datetime64[ns]"))

    summary = [
        f"{len(items):,} items with {feature_dim:,}-d CNN features (from `{features_path.name}`"
        + (f", first {max_items:,} records" if max_items is not None else "")
        + f") and {len(pairs):,} interactions of {pairs['user_id'].nunique():,} users from the lists "
        f"{', '.join(lists)} of `{users_path.name}`: {n_events:,} listed, {n_pairs:,} distinct user–item pairs, "
        f"{n_pairs - len(pairs):,} of them dropped because the item has no features.",
        "Tradesy.com was a US marketplace for second-hand fashion. The features are the 4,096-d fc7 activations "
        "of a Caffe AlexNet on each listing's photo; the photos themselves are not distributed. **There are no "
        "timestamps**: every interaction carries 1970-01-01 as a placeholder, so split by user or at random, "
        "never by time.",
    ]
    return ImageCollection(
        name="tradesy",
        items=items,
        root=root,
        interactions=pairs,
        features={"cnn": features},
        card=data_card("tradesy", summary=summary),
    )


# --------------------------------------------------------------------------------------------------------------
# Amazon Clothing, Shoes and Jewelry

_AMAZON_RATINGS = "ratings_Clothing_Shoes_and_Jewelry.csv"
_AMAZON_FEATURES = "image_features_Clothing_Shoes_and_Jewelry.b"


def _read_ratings(path: Path) -> pd.DataFrame:
    """``user,item,rating,timestamp`` lines (no header) as typed columns; bad lines are named."""
    try:
        table = pd.read_csv(
            path,
            header=None,
            names=["user", "item", "rating", "timestamp"],
            dtype=str,
            na_filter=False,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise ParameterError(f"{path} is empty: expected 'user,item,rating,timestamp' lines.") from None
    except pd.errors.ParserError as err:
        raise ParameterError(
            f"{path} is not a 'user,item,rating,timestamp' file: {str(err).strip()}. Fix or remove the offending line."
        ) from None
    if table.empty:
        raise ParameterError(f"{path} is empty: expected 'user,item,rating,timestamp' lines.")
    rating = pd.to_numeric(table["rating"], errors="coerce")
    seconds = pd.to_numeric(table["timestamp"].where(table["timestamp"].str.fullmatch(r"\s*\d+\s*"), None))
    ids_ok = table["user"].ne("") & table["item"].ne("") & table["user"].notna() & table["item"].notna()
    bad = ~ids_ok | rating.isna() | seconds.isna()
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        row = table.iloc[position]
        raise ParameterError(
            f"{path}, line {position + 1}: expected 'user,item,rating,timestamp' with a numeric rating and unix "
            f"seconds, got {row['user']!r}, {row['item']!r}, {row['rating']!r}, {row['timestamp']!r}. Fix or "
            "remove that line."
        )
    return pd.DataFrame(
        {
            "user_id": table["user"].astype(object),
            "item_id": table["item"].astype(object),
            "timestamp": pd.to_datetime(seconds.astype(np.int64), unit="s").astype("datetime64[ns]"),
            "rating": rating.astype(np.float32),
        }
    )


def load_amazon_clothing(root: os.PathLike | str | None = None, *, min_rating: float | None = None) -> ImageCollection:
    """Amazon "Clothing, Shoes and Jewelry" ratings with CNN image features (McAuley et al. 2015), the
    category VBPR is evaluated on (He & McAuley 2016).

    Parameters
    ----------
    root : path-like or None
        Folder holding ``ratings_Clothing_Shoes_and_Jewelry.csv`` and
        ``image_features_Clothing_Shoes_and_Jewelry.b``. ``None``: ``<data home>/datasets/amazon_clothing``
        through :func:`~cbrec_lab.datasets.remote.fetch`.
    min_rating : float or None
        Keep only ratings of at least this many stars (e.g. 4 to treat good ratings as positive feedback).
        ``None`` keeps all (VBPR treats every review as positive feedback).

    Returns
    -------
    ImageCollection
        ``items`` [shape=(n_items, 2)]: the products that are rated (after ``min_rating``) **and** have
        features, in the order of the feature file (the first record wins for a repeated ASIN), indexed by
        ``item_id`` (the ASIN) with ``title`` = the ASIN and an empty ``image_path``. Products with features
        but no rating are left out: the full feature file holds more than a million products.
        ``features["cnn"]`` [shape=(n_items, 4096)], float32, aligned with ``items``. ``interactions``:
        ``user_id``, ``item_id``, ``timestamp`` (from the unix seconds, ``datetime64[ns]``) and ``rating``
        (float32 stars), sorted by timestamp (ties keep the file order), ratings of items without features
        and exact duplicate lines removed.

    Raises
    ------
    ParameterError
        If a file is missing, a line is not ``user,item,rating,timestamp`` (the message names it), the feature
        file is not a whole number of 16,394-byte records, ``min_rating`` is not a number, or no rated item
        has features.
    DataUnavailableError
        With ``root=None`` when the data set is not on disk and cannot be downloaded.

    References
    ----------
    J. McAuley, C. Targett, Q. Shi and A. van den Hengel, "Image-based Recommendations on Styles and
    Substitutes", SIGIR 2015. R. He and J. McAuley, "VBPR: Visual Bayesian Personalized Ranking from Implicit
    Feedback", AAAI 2016.
    """
    if min_rating is not None and (
        isinstance(min_rating, bool) or not isinstance(min_rating, Real) or not np.isfinite(min_rating)
    ):
        raise ParameterError(f"min_rating must be a number of stars (e.g. 4) or None, got {min_rating!r}.")
    root = resolve_root(root, "amazon_clothing")
    ratings_path = _feature_file(root, _AMAZON_RATINGS, "amazon_clothing")
    features_path = _feature_file(root, _AMAZON_FEATURES, "amazon_clothing")

    ratings = _read_ratings(ratings_path)
    n_lines = len(ratings)
    ratings = ratings.drop_duplicates()
    if min_rating is not None:
        ratings = ratings[ratings["rating"] >= min_rating]
        if ratings.empty:
            raise ParameterError(f"No rating in {ratings_path} is at least min_rating={min_rating}; lower it.")
    ids, records = read_feature_records(features_path, feature_dim=4096)
    keep = _first_occurrences(ids)
    keep = keep[pd.Index(ids[keep]).isin(ratings["item_id"].unique())]
    if keep.size == 0:
        raise ParameterError(
            f"None of the {ratings['item_id'].nunique():,} rated items of {ratings_path} has a record in "
            f"{features_path}: are they files of the same category?"
        )
    items = _feature_items(ids[keep])
    features = _select_features(records, keep)
    n_rated = len(ratings)
    interactions = ratings[ratings["item_id"].isin(items.index)]
    interactions = interactions.sort_values("timestamp", kind="stable").reset_index(drop=True)

    summary = [
        f"{len(items):,} products with 4,096-d CNN features and {len(interactions):,} ratings by "
        f"{interactions['user_id'].nunique():,} users, from {n_lines:,} lines of `{ratings_path.name}`"
        + (f" (ratings of at least {min_rating} stars)" if min_rating is not None else "")
        + f"; {n_rated - len(interactions):,} ratings dropped because the product has no features. "
        f"{interactions['timestamp'].min():%Y-%m-%d} to {interactions['timestamp'].max():%Y-%m-%d}.",
        "Amazon product reviews (2014 release, ratings only), category Clothing, Shoes and Jewelry. The features "
        "are the 4,096-d fc7 activations of a Caffe AlexNet on each product's main photo; the photos are not "
        "included. Review times have a resolution of one day.",
    ]
    return ImageCollection(
        name="amazon_clothing",
        items=items,
        root=root,
        interactions=interactions,
        features={"cnn": features},
        card=data_card("amazon_clothing", summary=summary),
    )


# --------------------------------------------------------------------------------------------------------------
# WikiArt

# '<title words>[-<year>][-<copy number>...]': the year is the last 4-digit token from 1000 to 2099; copy
# numbers after it (e.g. '-1', '-12') are dropped.
_YEAR_PATTERN = r"^(?P<words>.*?)(?:^|-)(?P<year>1\d{3}|20\d{2})(?:-\d{1,3})*$"


def _humanise(words: pd.Series) -> pd.Series:
    """'the-artist-s-garden' → "The artist's garden" (file-name words to a readable title)."""
    text = words.str.replace(r"-s(?=-|$)", "'s", regex=True).str.replace(r"[-_]+", " ", regex=True).str.strip()
    return text.str.slice(0, 1).str.upper() + text.str.slice(1)


def _parse_artwork_names(stems: pd.Series) -> pd.DataFrame:
    """Artist, title and year from WikiArt file stems ``<artist-name>_<title-words>[-<year>]``."""
    parts = stems.str.extract(r"^(?P<artist>[^_]+)_(?P<work>.+)$")
    work = parts["work"].fillna(stems).str.replace(r"(?:\(\d+\))+$", "", regex=True)
    dated = work.str.extract(_YEAR_PATTERN)
    words = dated["words"].where(dated["year"].notna() & dated["words"].ne(""), work)
    title = _humanise(words).astype(object)
    title = title.where(title.ne(""), stems.astype(object))
    artist = parts["artist"].str.replace("-", " ").str.title().astype(object)
    return pd.DataFrame(
        {"title": title, "artist": artist, "year": pd.to_numeric(dated["year"]).astype("Int64")}, index=stems.index
    )


def _find_list(folders: Sequence[Path], stem: str, suffixes: Sequence[str]) -> Path | None:
    """The first existing ``<folder>/<stem><suffix>``."""
    return next((f / (stem + s) for f in folders for s in suffixes if (f / (stem + s)).is_file()), None)


def _read_class_names(path: Path) -> dict[int, str]:
    """``<index> <name>`` lines → {index: name}."""
    names = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        index, _, name = line.strip().partition(" ")
        if not index.isdigit() or not name.strip():
            raise ParameterError(f"{path}, line {number}: expected '<index> <name>', got {line!r}.")
        names[int(index)] = name.strip()
    return names


def _read_genres(folders: Sequence[Path]) -> pd.Series:
    """Genre name by image path ``<Style>/<file>`` from the ArtGAN genre lists (empty when there are none)."""
    splits = [p for p in (_find_list(folders, f"genre_{s}", (".csv", "")) for s in ("train", "val")) if p is not None]
    if not splits:
        return pd.Series(dtype=object)
    class_file = _find_list(folders, "genre_class", (".txt", ""))
    if class_file is None:
        raise ParameterError(
            f"{splits[0]} lists genres by index, but genre_class.txt (the '<index> <name>' list) is missing next "
            f"to it. Expected layout: {get_remote('wikiart').layout}"
        )
    classes = _read_class_names(class_file)
    parts = []
    for path in splits:
        lines = pd.Series(path.read_text(encoding="utf-8").splitlines(), dtype=object)
        lines = lines[lines.str.strip().ne("")]
        fields = lines.str.rpartition(",")
        labels = pd.to_numeric(fields[2].str.strip(), errors="coerce")
        genre = labels.map(classes)
        bad = fields[1].ne(",") | genre.isna()
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise ParameterError(
                f"{path}, line {int(lines.index[position]) + 1}: expected '<Style>/<file>.jpg,<genre index>' with "
                f"an index listed in {class_file.name}, got {lines.iloc[position]!r}."
            )
        parts.append(pd.Series(genre.to_numpy(dtype=object), index=fields[0].str.strip().to_numpy(dtype=object)))
    genres = pd.concat(parts)
    genres = genres[~genres.index.duplicated(keep="first")]
    return genres.str.replace("_", " ").astype(object)


def load_wikiart(
    root: os.PathLike | str | None = None,
    *,
    styles: str | Iterable[str] | None = None,
    max_per_style: int | None = None,
) -> ImageCollection:
    """WikiArt paintings as refined for ArtGAN (Tan et al. 2016): images with artist, style, genre and year.

    Parameters
    ----------
    root : path-like or None
        Folder holding ``wikiart/<Style>/<artist-name>_<title-words>[-<year>].jpg`` and, optionally,
        ``wikiart_csv/`` with ``genre_class.txt`` and ``genre_train.csv``/``genre_val.csv`` (the lists may
        also lie directly in ``root``; the ``wikiart`` folder itself is accepted as ``root`` too). ``None``:
        ``<data home>/datasets/wikiart`` through :func:`~cbrec_lab.datasets.remote.fetch`.
    styles : str, iterable of str or None
        Keep only these style folders (case-insensitive, e.g. ``"Impressionism"``). ``None`` keeps all.
    max_per_style : int or None
        Keep at most this many paintings per style: the first ones in file-name order.

    Returns
    -------
    ImageCollection
        ``items`` [shape=(n_items, 6)] indexed by ``item_id`` = ``<Style>/<file stem>`` (the same painting may
        be filed under two styles) and sorted by it, with ``title`` (from the file name: words after the first
        ``_``, without the year and copy numbers such as ``(1)``), ``artist`` (the part before the first ``_``,
        title-cased: ``"Vincent Van Gogh"``), ``style`` (the folder), ``genre`` (from the ArtGAN genre lists,
        missing for paintings they do not list), ``year`` (nullable integer, when the name ends in a year) and
        ``image_path`` (``wikiart/<Style>/<file>.jpg``, relative to ``root``). No interactions, no features.

    Raises
    ------
    ParameterError
        If no images are found in style folders, a requested style is not present (the message lists those
        that are), a genre list is malformed (the message names the line), or ``max_per_style`` is not a
        positive integer.
    DataUnavailableError
        With ``root=None`` when the data set is not on disk and cannot be downloaded.

    References
    ----------
    W. R. Tan, C. S. Chan, H. E. Aguirre and K. Tanaka, "Ceci n'est pas une pipe: A deep convolutional network
    for fine-art paintings classification", ICIP 2016.
    """
    max_per_style = positive_int(max_per_style, name="max_per_style", allow_none=True)
    wanted = None if styles is None else as_names(styles, "styles")
    root = resolve_root(root, "wikiart")
    base = root / "wikiart" if (root / "wikiart").is_dir() else root
    files = sorted(p for p in base.glob("*/*") if p.suffix.lower() in _IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise ParameterError(
            f"No WikiArt images found under {base}: expected <Style>/<artist>_<title>.jpg files. "
            f"{get_remote('wikiart').layout}"
        )
    table = pd.DataFrame(
        {
            "listed": [f"{p.parent.name}/{p.name}" for p in files],
            "item_id": [f"{p.parent.name}/{p.stem}" for p in files],
            "stem": [p.stem for p in files],
            "style": [p.parent.name for p in files],
            "image_path": [p.relative_to(root).as_posix() for p in files],
        },
        dtype=object,
    ).drop_duplicates("item_id", keep="first")
    if wanted is not None:
        present = sorted(table["style"].unique())
        by_lower = {style.lower(): style for style in present}
        unknown = [style for style in wanted if style.lower() not in by_lower]
        if unknown:
            raise ParameterError(f"Style(s) {unknown} are not in {base}. Present styles: {', '.join(present)}.")
        table = table[table["style"].isin([by_lower[style.lower()] for style in wanted])]
    if max_per_style is not None:
        table = table.groupby("style", sort=False).head(max_per_style)

    names = _parse_artwork_names(table["stem"])
    genres = _read_genres([root / "wikiart_csv", root, base])
    items = pd.DataFrame(
        {
            "title": names["title"],
            "artist": names["artist"],
            "style": table["style"],
            "genre": table["listed"].map(genres).astype(object),
            "year": names["year"],
            "image_path": table["image_path"],
        }
    )
    items.index = pd.Index(table["item_id"].to_numpy(dtype=object), name="item_id")

    counts = items["style"].value_counts().sort_index()
    summary = [
        f"{len(items):,} paintings by {items['artist'].nunique():,} artists in {len(counts)} styles "
        f"({', '.join(f'{s}: {n:,}' for s, n in counts.items())}), read from `{base}`"
        + (f", at most {max_per_style:,} per style" if max_per_style is not None else "")
        + f"; {int(items['genre'].notna().sum()):,} have a genre from the ArtGAN lists and "
        f"{int(items['year'].notna().sum()):,} a year in their file name.",
        "Paintings collected from WikiArt.org; titles, artists and years are parsed from the file names "
        "(lower-case, without accents or punctuation), so treat them as approximate. No user feedback.",
    ]
    return ImageCollection(name="wikiart", items=items, root=root, card=data_card("wikiart", summary=summary))
