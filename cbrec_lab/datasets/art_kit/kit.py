"""Building and loading the art kit.

A kit lives in ``<data home>/kits/art/<profile>-seed<seed>-v<KIT_VERSION>/``::

    images/A00001.jpg ...   224×224 RGB JPEG (quality 92)
    items.csv               one row per artwork (metadata, text, favourites, the hidden causes)
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
from ..build_costs import announce_build
from ..images import ImageCollection
from ..kit_files import Journal, building, finished, kit_folder, reuse_or_reset, worker_pool, write_manifest
from .market import (
    APPEAL_WEIGHTS,
    MARKET_PARAMETERS,
    STYLE_WEIGHTS,
    TAG_WEIGHTS,
    appeal,
    dominant_colours,
    make_description,
    make_title,
    simulate_purchases,
)
from .painting import BRUSHWORKS, COMPOSITIONS, FAMILIES, MARKS, MEDIA, paint, work_palette
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

KIT_VERSION = 2
DEFAULT_SEED = 0
IMAGE_SIZE = 224
JPEG_QUALITY = 92
SELLING_START = pd.Timestamp("2016-01-01")
SELLING_DAYS = 730
#: A work's technique skill is its artist's plus N(0, WORK_SKILL_SPREAD²), clipped to [0, 1].
WORK_SKILL_SPREAD = 0.1
#: Composition balance and novelty of a work: Beta(a, b).
BALANCE_BETA = (3.0, 2.0)
NOVELTY_BETA = (1.5, 4.0)
# Population means and standard deviations of skill (artists' Beta(4, 2)) and novelty (Beta(1.5, 4)).
SKILL_MEAN, SKILL_SD = 2 / 3, float(np.sqrt(8 / (36 * 7)))
NOVELTY_MEAN, NOVELTY_SD = 1.5 / 5.5, float(np.sqrt(6 / (5.5**2 * 6.5)))


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
    skill = float(np.clip(artist.skill + rng.normal(0, WORK_SKILL_SPREAD), 0, 1))
    balance, novelty = float(rng.beta(*BALANCE_BETA)), float(rng.beta(*NOVELTY_BETA))
    image = paint(
        artist.family,
        artist.medium,
        work_palette(rng, artist.palette_name, novelty),
        work_motif(artist, rng, novelty),
        artist.texture,
        rng,
        IMAGE_SIZE,
        hand=artist.hand,
        balance=balance,
        skill=skill,
    )
    if not Path(path).is_file():
        with atomic_path(path) as tmp:
            Image.fromarray(image).save(tmp, format="JPEG", quality=JPEG_QUALITY)
    with Image.open(path) as stored:  # describe what is on disk (after JPEG), as a reader of the kit sees it
        stored_pixels = np.asarray(stored.convert("RGB"))
    colours = dominant_colours(stored_pixels)
    subjects = FAMILY_SUBJECTS[artist.family]
    extra = rng.choice(len(subjects) - 1, size=2, replace=False) + 1
    tags = [subjects[0]] + [subjects[k] for k in sorted(extra)]
    reports = {  # the hidden properties on a population scale, for the description's noisy reports
        "skill": (skill - SKILL_MEAN) / SKILL_SD,
        "novelty": (novelty - NOVELTY_MEAN) / NOVELTY_SD,
        "reputation": artist.reputation,
    }
    return {
        "item_id": item_id,
        "title": make_title(artist.family, colours, rng),
        "colours": ";".join(colours),
        "tags": ";".join(tags),
        "description": make_description(artist.medium, tags, reports, rng),
        "price_factor": float(rng.lognormal(0.0, 0.25)),
        "skill": skill,
        "balance": balance,
        "novelty": novelty,
    }


def _card(profile: Profile, seed: int, items: pd.DataFrame, purchases: pd.DataFrame, artists: list[ArtStyle]) -> str:
    per_customer = purchases.groupby("user_id").size()
    repeat = _repeat_artist_share(items, purchases)
    sizes = "\n".join(
        f"| `{name}` | {s.artists} | ≈ {s.artists * s.works_per_artist:,.0f} | {s.customers:,} |"
        for name, s in SIZES.items()
    )
    weights = "\n".join(f"| `{k}` | {v:+.2f} |" for k, v in APPEAL_WEIGHTS.items())
    tags = "\n".join(f"| `{k}` | {v:+.2f} |" for k, v in TAG_WEIGHTS.items())
    style = ", ".join(f"{k} {v}" for k, v in STYLE_WEIGHTS.items())
    params = "\n".join(f"| `{k}` | {v} |" for k, v in MARKET_PARAMETERS.items())
    per_palette = pd.Series([a.palette_name for a in artists]).value_counts()
    return f"""# Data card: the cbrec-lab art kit ({profile.name}, seed {seed}, version {KIT_VERSION})

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

## The causal model
Hidden causes come first; the pixels, the text and the behaviour are all downstream of them. No feature
computed from the pixels (colour, attractiveness, texture, deep features) enters any choice: those are
measurements, and a lesson that compares them compares how well each measures the hidden causes.

- **Artist** (`cbrec_lab.datasets.art_kit.styles`): a style family, a palette family shared with other artists
  ({per_palette.min()}–{per_palette.max()} artists per palette family here), a medium, a hand — composition habit
  ({", ".join(COMPOSITIONS)}), brushwork with its own stroke direction and length ({", ".join(BRUSHWORKS)}) and
  recurring marks ({", ".join(MARKS)}) — and two hidden qualities: technique skill `Beta(4, 2)` and reputation
  `N(0, 1)`. Base price `LogNormal(log 900 + 0.3 · reputation + 0.8 · (skill − 2/3), 0.45)`.
- **Work**: skill = artist's + `N(0, {WORK_SKILL_SPREAD}²)`, composition balance `Beta{BALANCE_BETA}`, novelty
  `Beta{NOVELTY_BETA}`; its own palette drawn from the family (which colour dominates and the ground vary; a
  novel work borrows colours from another family); the motif varied more the more novel the work; price =
  base price × `LogNormal(0, 0.25)`; subject tags from the family; a title; a description that reports skill,
  novelty and reputation noisily (a "high" phrase with probability `sigmoid(1.5 z)`).
- **Pixels** (`cbrec_lab.datasets.art_kit.painting`): family layout → composition → balance (an unbalanced work
  is darker on one side) → brushwork and marks → execution (low skill: wobble, smudge, muddy colour) → medium.

## Artworks
Families: {", ".join(FAMILIES)}. Media: {", ".join(MEDIA)}. Metadata: artist, style family, medium, palette
family, brushwork, marks, composition, dominant colours (named, measured on the pixels), subject tags, title,
description, price, upload time, favourites, and the hidden causes `skill`, `balance`, `novelty` and `appeal`
(ground truth for checks; a real catalogue would not have them).

## Appeal (favourites)
`favourites ~ Poisson(exp(appeal))`, `appeal = {MARKET_PARAMETERS["APPEAL_BASE"]} + Σ w_k z_k + Σ γ_t 1[tag t] + ε`,
`ε ~ N(0, {MARKET_PARAMETERS["APPEAL_NOISE"]}²)`, with `z_k` the hidden properties standardised over the kit
(reputation is the artist's; price enters as its logarithm).

| hidden property | w |
|---|---:|
{weights}

| tag | γ |
|---|---:|
{tags}

## Customers and purchases
One-of-a-kind inventory: an artwork is on sale from its upload time until it is sold. A customer has a taste
`θ ~ N(0, {MARKET_PARAMETERS["TASTE_STRENGTH"]}² I)` in the style space (each value of style family, brushwork,
marks, composition and palette family has a fixed 3-d vector, scaled per attribute: {style}), a medium
preference, an artist loyalty and a budget, and picks among the available works by
`θ · s + 0.5 log medium pref + loyalty · 1[artist bought before] + {MARKET_PARAMETERS["APPEAL_SENSITIVITY"]} z(appeal)
− {MARKET_PARAMETERS["PRICE_PENALTY"]} max(0, log(price / budget))` plus Gumbel noise
(`cbrec_lab.datasets.art_kit.market`). Share of repeat purchases that go to an artist the customer already
bought from: {repeat:.0%}.

| parameter | value |
|---|---|
{params}

## How it differs from UGallery
- Styles are eight procedural families with six brushworks, six kinds of marks and six compositions, far
  fewer than real art; CNN features trained on photographs still transfer, which is the lesson's point.
- Behaviour follows the documented model exactly: taste, loyalty, appeal, medium and budget are the only
  forces. Real buyers also follow size, framing, gifts and fashion.
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
        "appeal_weights": APPEAL_WEIGHTS,
        "tag_weights": TAG_WEIGHTS,
        "style_weights": STYLE_WEIGHTS,
        "works": {
            "skill_spread": WORK_SKILL_SPREAD,
            "balance_beta": list(BALANCE_BETA),
            "novelty_beta": list(NOVELTY_BETA),
        },
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
    items.insert(5, "brushwork", [a.hand.brushwork for a in owners])
    items.insert(6, "marks", [a.hand.marks for a in owners])
    items.insert(7, "composition", [a.hand.composition for a in owners])
    items["price"] = np.round(np.array([a.base_price for a in owners]) * items.pop("price_factor").to_numpy(), -1)
    # Artists join over the first half of the period and upload their works over the following year.
    joined = {a.name: rng.uniform(0, SELLING_DAYS / 2) for a in artists}
    days = np.array([joined[a.name] + rng.uniform(0, 365) for a in owners])
    items["upload_time"] = (SELLING_START + pd.to_timedelta(np.round(days * 86_400), unit="s")).astype("datetime64[ns]")
    hidden = items[["skill", "balance", "novelty"]].assign(
        reputation=[a.reputation for a in owners], log_price=np.log(items["price"].to_numpy(float))
    )
    items["appeal"], items["favourites"] = appeal(hidden, items["tags"], rng)
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
        "brushwork",
        "marks",
        "composition",
        "colours",
        "tags",
        "description",
        "price",
        "upload_time",
        "favourites",
        "skill",
        "balance",
        "novelty",
        "appeal",
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
        ``items`` (artist, family, medium, palette family, brushwork, marks, composition, named colours and
        tags as ``;``-separated strings, description, price, upload time, favourites, and the hidden causes
        ``skill``, ``balance``, ``novelty``, ``appeal``), ``interactions`` (the purchases: ``user_id``,
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
