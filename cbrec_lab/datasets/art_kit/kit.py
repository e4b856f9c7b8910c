"""Building and loading the art kit.

A kit lives in ``<data home>/kits/art/<profile>-seed<seed>-v<KIT_VERSION>/``::

    images/A00001.jpg ...   224×224 RGB JPEG (quality 92)
    items.csv               one row per artwork (metadata, attractiveness features, favourites)
    transactions.csv        purchases: user_id, item_id, timestamp, price (time-ordered)
    card.md                 the data card
    inputs.json, journal.tsv, manifest.json  see :mod:`cbrec_lab.datasets.kit_files`
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...cache import atomic_path, atomic_write_text
from ...config import Profile, get_profile
from ...vision import ATTRACTIVENESS_FEATURES, attractiveness_features
from ..build_costs import announce_build
from ..images import ImageCollection
from ..kit_files import Journal, building, finished, kit_folder, reuse_or_reset, worker_pool, write_manifest
from .market import (
    MARKET_PARAMETERS,
    TAG_WEIGHTS,
    VISUAL_WEIGHTS,
    appeal,
    dominant_colours,
    make_title,
    simulate_purchases,
)
from .painting import FAMILIES, MEDIA, paint
from .styles import FAMILY_SUBJECTS, ArtStyle, make_artists, work_motif

__all__ = [
    "ArtKitSize",
    "SIZES",
    "KIT_VERSION",
    "DEFAULT_SEED",
    "IMAGE_SIZE",
    "build_art_kit",
    "load_art_kit",
    "art_kit_dir",
]

KIT_VERSION = 1
DEFAULT_SEED = 0
IMAGE_SIZE = 224
JPEG_QUALITY = 92
SELLING_START = pd.Timestamp("2016-01-01")
SELLING_DAYS = 730


@dataclass(frozen=True)
class ArtKitSize:
    """How big a profile's art kit is; works per artist are ``1 + Poisson(works_per_artist − 1)``."""

    artists: int
    works_per_artist: float
    customers: int


SIZES = {
    "ci": ArtKitSize(artists=32, works_per_artist=10.5, customers=130),
    "small": ArtKitSize(artists=120, works_per_artist=10.5, customers=500),
    "full": ArtKitSize(artists=573, works_per_artist=10.5, customers=2_378),
}


def art_kit_dir(profile: str | Profile | None = None, seed: int = DEFAULT_SEED, root: Path | None = None) -> Path:
    """Folder of the art kit for a profile and seed."""
    return kit_folder("art", KIT_VERSION, profile, seed, root)


def _paint_work(job: tuple) -> dict:
    """Paint one artwork (atomic JPEG write unless present) and describe it; runs in a worker process."""
    from PIL import Image

    item_id, artist, seed, index, path = job
    rng = np.random.default_rng([seed, 2, index])
    image = paint(
        artist.family, artist.medium, artist.palette, work_motif(artist, rng), artist.texture, rng, IMAGE_SIZE
    )
    if not Path(path).is_file():
        with atomic_path(path) as tmp:
            Image.fromarray(image).save(tmp, format="JPEG", quality=JPEG_QUALITY)
    with Image.open(path) as stored:  # describe what is on disk (after JPEG), as a reader of the kit sees it
        stored_pixels = np.asarray(stored.convert("RGB"))
    colours = dominant_colours(stored_pixels)
    subjects = FAMILY_SUBJECTS[artist.family]
    extra = rng.choice(len(subjects) - 1, size=2, replace=False) + 1
    return {
        "item_id": item_id,
        "title": make_title(artist.family, colours, rng),
        "colours": ";".join(colours),
        "tags": ";".join([subjects[0]] + [subjects[k] for k in sorted(extra)]),
        "price_factor": float(rng.lognormal(0.0, 0.25)),
        **attractiveness_features(stored_pixels),
    }


def _card(profile: Profile, seed: int, items: pd.DataFrame, purchases: pd.DataFrame, artists: list[ArtStyle]) -> str:
    per_customer = purchases.groupby("user_id").size()
    repeat = _repeat_artist_share(items, purchases)
    sizes = "\n".join(
        f"| `{name}` | {s.artists} | ≈ {s.artists * s.works_per_artist:,.0f} | {s.customers:,} |"
        for name, s in SIZES.items()
    )
    visual = "\n".join(f"| `{k}` | {v:+.2f} |" for k, v in VISUAL_WEIGHTS.items())
    tags = "\n".join(f"| `{k}` | {v:+.2f} |" for k, v in TAG_WEIGHTS.items())
    params = "\n".join(
        f"| `{k}` | {v} |" for k, v in MARKET_PARAMETERS.items() if k not in ("VISUAL_WEIGHTS", "TAG_WEIGHTS")
    )
    return f"""# Data card: the cbrec-lab art kit ({profile.name}, seed {seed})

Procedurally painted one-of-a-kind artworks by simulated artists, sold over {SELLING_DAYS} days to simulated
customers, in the manner of the UGallery data of Messina et al. (2019), which is private. Everything here
is generated on your machine; nothing depicts a real artwork.

## Size
{len(items):,} artworks by {len(artists)} artists ({items.groupby("artist").size().mean():.1f} works per artist,
{items.groupby("artist").size().min()}–{items.groupby("artist").size().max()}); {purchases["user_id"].nunique():,}
customers with {len(purchases):,} purchases ({per_customer.mean():.2f} per customer, at most {per_customer.max()});
{items.index.isin(purchases["item_id"]).mean():.0%} of the artworks sold. {IMAGE_SIZE}×{IMAGE_SIZE} JPEG images.

| profile | artists | artworks | customers |
|---|---:|---:|---:|
{sizes}

UGallery for comparison: 573 artists, 6,040 artworks, 2,378 users, 5,336 purchases.

## Artworks
Families: {", ".join(FAMILIES)}. Media: {", ".join(MEDIA)}. Each artist keeps one family, a jittered palette,
a medium, a composition motif and a surface texture (`cbrec_lab.datasets.art_kit.styles`); each work varies
the motif. Metadata: artist, medium, family, palette, dominant colours (named), subject tags, title, price,
upload time, the eight attractiveness features of San Pedro & Siersdorfer (2009) and the favourites count.

## Appeal (favourites)
`favourites ~ Poisson(λ)`, `log λ = {MARKET_PARAMETERS["APPEAL_BASE"]} + Σ β_k z_k + Σ γ_t 1[tag t] + ε`,
`ε ~ N(0, {MARKET_PARAMETERS["APPEAL_NOISE"]}²)`, with `z_k` the standardised attractiveness features.

| visual feature | β |
|---|---:|
{visual}

| tag | γ |
|---|---:|
{tags}

## Customers and purchases
One-of-a-kind inventory: an artwork is on sale from its upload time until it is sold. See
`cbrec_lab.datasets.art_kit.market` for the choice model (taste over families and palettes, medium
preference, artist loyalty, appeal, budget). Share of repeat purchases that go to an artist the customer
already bought from: {repeat:.0%}.

| parameter | value |
|---|---|
{params}

## How it differs from UGallery
- Styles are eight procedural families, far fewer and far more separable than real art; CNN features trained
  on photographs still transfer, which is the lesson's point, but absolute accuracies are higher.
- Behaviour follows the documented model exactly: taste, loyalty and appeal are the only forces. Real buyers
  also follow size, framing, gifts and fashion.
- Licence: generated data, free to use and share.
"""


def _repeat_artist_share(items: pd.DataFrame, purchases: pd.DataFrame) -> float:
    """Among purchases after a customer's first, the share from an artist the customer had bought before."""
    artist = items.loc[purchases["item_id"], "artist"].to_numpy()
    seen: dict[str, set] = {}
    repeats = total = 0
    for user, a in zip(purchases["user_id"], artist, strict=True):
        previous = seen.setdefault(user, set())
        if previous:
            total += 1
            repeats += a in previous
        previous.add(a)
    return repeats / total if total else 0.0


def build_art_kit(
    profile: str | Profile | None = None,
    *,
    seed: int = DEFAULT_SEED,
    root: Path | None = None,
    progress: bool = True,
    workers: int | None = None,
) -> Path:
    """Generate the art kit for a profile (or verify and reuse a finished one) and return its folder.

    Parameters
    ----------
    profile : str, Profile or None
        Sizes: see :data:`SIZES`.
    seed : int
        The same profile and seed give byte-identical files.
    root : Path, optional
        Parent folder of the kits (default ``<data home>/kits/art``).
    progress : bool
        Progress bars.
    workers : int, optional
        Painting processes (default: the number of CPUs, at most 4).
    """
    profile = get_profile(profile)
    folder = art_kit_dir(profile, seed, root)
    if finished(folder, _inputs(profile, seed), _expected_files(_cast(profile, seed)[3])):  # read-only: no lock
        return folder
    with building(folder):
        return _build(profile, seed, folder, progress, workers)


def _inputs(profile: Profile, seed: int) -> dict:
    import PIL

    return {
        "kit": "art",
        "kit_version": KIT_VERSION,
        "profile": profile.name,
        "seed": seed,
        "size": asdict(SIZES[profile.name]),
        "image_size": IMAGE_SIZE,
        "jpeg_quality": JPEG_QUALITY,
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "market": {k: list(v) if isinstance(v, tuple) else v for k, v in MARKET_PARAMETERS.items()},
        "visual_weights": VISUAL_WEIGHTS,
        "tag_weights": TAG_WEIGHTS,
    }


def _cast(profile: Profile, seed: int) -> tuple[np.random.Generator, list[ArtStyle], list[ArtStyle], list[str]]:
    """The artists, the owner of every artwork and the artworks' ids; the generator goes on from there."""
    size = SIZES[profile.name]
    rng = np.random.default_rng([seed, 1])
    artists = make_artists(size.artists, rng)
    counts = 1 + rng.poisson(size.works_per_artist - 1, len(artists))
    owners = [artist for artist, count in zip(artists, counts, strict=True) for _ in range(count)]
    return rng, artists, owners, [f"A{k:05d}" for k in range(1, len(owners) + 1)]


def _expected_files(ids: list[str]) -> list[str]:
    """Every file of a finished kit, relative to its folder (the manifest must list them all)."""
    return ["items.csv", "transactions.csv", "card.md"] + [f"images/{item_id}.jpg" for item_id in ids]


def _build(profile: Profile, seed: int, folder: Path, progress: bool, workers: int | None) -> Path:
    size = SIZES[profile.name]
    inputs = _inputs(profile, seed)
    rng, artists, owners, ids = _cast(profile, seed)
    expected = _expected_files(ids)
    if reuse_or_reset(folder, inputs, expected):
        return folder
    announce_build("art", profile, folder, workers)  # free space; a note before a long build
    from tqdm.auto import tqdm

    jobs = [
        (item_id, artist, seed, k, str(folder / "images" / f"{item_id}.jpg"))
        for k, (item_id, artist) in enumerate(zip(ids, owners, strict=True))
    ]
    (folder / "images").mkdir(parents=True, exist_ok=True)
    journal = Journal(folder)
    rows = []
    with worker_pool(workers) as pool:
        for row in tqdm(
            pool.map(_paint_work, jobs, chunksize=8), total=len(jobs), desc="painting artworks", disable=not progress
        ):
            rows.append(row)
            journal.record(f"images/{row['item_id']}.jpg")  # its digest, for a resumed build to check
    items = pd.DataFrame(rows).set_index("item_id")
    items.insert(1, "artist", [a.name for a in owners])
    items.insert(2, "family", [a.family for a in owners])
    items.insert(3, "medium", [a.medium for a in owners])
    items.insert(4, "palette", [a.palette_name for a in owners])
    items["price"] = np.round(np.array([a.base_price for a in owners]) * items.pop("price_factor").to_numpy(), -1)
    # Artists join over the first half of the period and upload their works over the following year.
    joined = {a.name: rng.uniform(0, SELLING_DAYS / 2) for a in artists}
    days = np.array([joined[a.name] + rng.uniform(0, 365) for a in owners])
    items["upload_time"] = (SELLING_START + pd.to_timedelta(np.round(days * 86_400), unit="s")).astype("datetime64[ns]")
    items["favourites"] = appeal(items[list(ATTRACTIVENESS_FEATURES)], items["tags"], rng)
    items["image_path"] = [f"images/{i}.jpg" for i in items.index]
    purchases = simulate_purchases(
        items, size.customers, SELLING_START, SELLING_START + pd.Timedelta(days=SELLING_DAYS), rng
    )

    columns = [
        "title",
        "artist",
        "family",
        "medium",
        "palette",
        "colours",
        "tags",
        "price",
        "upload_time",
        "favourites",
        *ATTRACTIVENESS_FEATURES,
        "image_path",
    ]
    items = items[columns]
    atomic_write_text(folder / "items.csv", items.to_csv(lineterminator="\n", float_format="%.6g"))
    atomic_write_text(folder / "transactions.csv", purchases.to_csv(index=False, lineterminator="\n"))
    atomic_write_text(folder / "card.md", _card(profile, seed, items, purchases, artists))
    write_manifest(folder, inputs, expected)
    return folder


def load_art_kit(
    profile: str | Profile | None = None, *, seed: int = DEFAULT_SEED, progress: bool = True
) -> ImageCollection:
    """The art kit for a profile, built on first use.

    Returns
    -------
    ImageCollection
        ``items`` (artist, family, medium, palette, named colours and tags as ``;``-separated strings, price,
        upload time, favourites, attractiveness features), ``interactions`` (the purchases: ``user_id``,
        ``item_id``, ``timestamp``, ``price``, time-ordered), images via ``load_image``/``show_grid``, ``card``.
    """
    profile = get_profile(profile)
    folder = build_art_kit(profile, seed=seed, progress=progress)
    items = pd.read_csv(folder / "items.csv", index_col="item_id", parse_dates=["upload_time"], keep_default_na=False)
    purchases = pd.read_csv(
        folder / "transactions.csv", parse_dates=["timestamp"], dtype={"user_id": str, "item_id": str}
    )
    return ImageCollection(
        name=f"art-kit/{profile.name}",
        items=items,
        root=folder,
        interactions=purchases,
        card=(folder / "card.md").read_text(encoding="utf-8"),
    )
