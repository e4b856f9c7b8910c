"""Building and loading the keyword images kit.

A kit lives in ``<data home>/kits/keyword-images/<profile>-seed<seed>-v<KIT_VERSION>/``::

    images/<keyword>/<keyword>-001.png ...   224×224 RGB PNG
    items.csv                                one row per image: title, keyword, source, licence, image_path
    card.md                                  the data card
    inputs.json                              what the kit is made from (written first; other inputs → cleared)
    journal.tsv                              the SHA-256 of each image, recorded as it is written (for resuming)
    manifest.json                            inputs and the SHA-256 of every file, written last

Generation is deterministic (same profile and seed → byte-identical files), every file is written atomically,
an interrupted build resumes, and every load verifies the files against the manifest.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...cache import atomic_path, atomic_write_text, sha256_file
from ...config import Profile, get_profile
from ...exceptions import ParameterError
from ..build_costs import announce_build
from ..images import ImageCollection
from ..kit_files import Journal, KitIntegrityError, building, finished, kit_folder, reuse_or_reset, write_manifest
from .painting import (
    DEFAULT_SEED,
    IMAGE_SIZE,
    KEYWORDS,
    KIT_VERSION,
    PHOTOS,
    PROCEDURAL_LICENCE,
    SIGNATURES,
    SIZES,
    paint_keyword_image,
)

__all__ = ["kit_dir", "build_keyword_images", "load_keyword_images", "save_keyword_grid", "KitIntegrityError"]


def kit_dir(profile: str | Profile | None = None, seed: int = DEFAULT_SEED, root: Path | None = None) -> Path:
    """Folder of the kit for a profile and seed."""
    return kit_folder("keyword-images", KIT_VERSION, profile, seed, root)


def _inputs(profile: Profile, seed: int) -> dict:
    import PIL
    import scipy

    return {
        "kit": "keyword-images",
        "kit_version": KIT_VERSION,
        "profile": profile.name,
        "seed": seed,
        "images_per_keyword": SIZES[profile.name],
        "image_size": IMAGE_SIZE,
        "keywords": list(KEYWORDS),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pillow": PIL.__version__,
        "photos_sha256": {key: sha256_file(photo.path) for key, photo in PHOTOS.items()},
    }


def _write_png(path: Path, image: np.ndarray) -> None:
    from PIL import Image

    with atomic_path(path) as tmp:
        Image.fromarray(image, mode="RGB").save(tmp, format="PNG")


def _card(profile: Profile, seed: int, items: pd.DataFrame) -> str:
    n = SIZES[profile.name]
    sizes = "\n".join(f"| `{name}` | {k} | {k * len(KEYWORDS):,} |" for name, k in SIZES.items())
    rows = []
    for keyword in KEYWORDS:
        group = items[items["keyword"] == keyword]
        counts = group.groupby(["source", "licence"], sort=True).size()
        sources = "; ".join(f"{source} ×{count} — {licence}" for (source, licence), count in counts.items())
        rows.append(f"| {keyword} | {SIGNATURES[keyword]} | {sources} |")
    photos = "\n".join(f"- `{p.package}/{p.relative}`: {p.licence}" for p in PHOTOS.values())
    return f"""# Data card: the cbrec-lab keyword images ({profile.name}, seed {seed})

Images of {len(KEYWORDS)} keywords for the image→music lesson (Hsia et al.: an image is related to songs
through keywords). The keywords overlap with the words of the music kit's song titles (aliases such as
*hills → mountain*, *groves → forest*, *cup → coffee* are in `ALIASES`) and with the keywords of the paper's
poster (snow, ocean, sky, clouds, flower, coffee, ...).

## Size
{len(items):,} images, {n} per keyword, {IMAGE_SIZE}×{IMAGE_SIZE} RGB PNG.

| profile | images per keyword | images |
|---|---:|---:|
{sizes}

## Keywords, what their images show, sources and licences

| keyword | visual signature | sources (images) — licence |
|---|---|---|
{chr(10).join(rows)}

## Sources and licences
Real photos are read from files that ship inside the installed scikit-image and scikit-learn wheels (no
download); several images are cut from each by deterministic square crops, mirror flips and a few percent of
brightness, contrast and colour jitter, resized to {IMAGE_SIZE}×{IMAGE_SIZE} with Lanczos filtering.

{photos}
- procedural images: {PROCEDURAL_LICENCE}. Painted with numpy and scipy from fractal noise (sums of
  upsampled random grids) and soft-edged shapes; the composition of each image is drawn from a generator
  seeded by (seed, keyword, image number).

CC BY 2.0 images must be attributed as above when shared.

## How these images differ from the poster's crawled images
- Hsia et al. crawled photos from the web by keyword: real scenes of great variety, several concepts per
  image, noisy labels (a "snow" photo may show a skier), and copyright that forbids redistribution. Here
  each image shows exactly one keyword, labels are exact, and every image may be redistributed.
- The procedural images are simpler and more regular than photos: each keyword has a strong colour and
  layout signature (blue for sky and ocean, red-orange for fire, green for forest), so colour histograms
  already separate many keywords; deep features are needed far less than on real photos. Keywords with a
  single source photo (coffee, cat, flower, star) are crops of one picture: little variety, easy to match.
- Scale: {len(KEYWORDS)} keywords × {n} images here; the paper used many more keywords and images.
"""


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}.")
    return int(seed)


def build_keyword_images(
    profile: str | Profile | None = None,
    *,
    seed: int = DEFAULT_SEED,
    root: Path | None = None,
    progress: bool = True,
) -> Path:
    """Generate the keyword images kit for a profile (or verify and reuse a finished one) and return its folder.

    Parameters
    ----------
    profile : str, Profile or None
        Images per keyword: see :data:`SIZES`.
    seed : int
        The same profile and seed give byte-identical files.
    root : Path, optional
        Parent folder of the kits (default ``<data home>/kits/keyword-images``).
    progress : bool
        A progress bar.

    Raises
    ------
    ParameterError
        For an unknown profile or a bad seed.
    KitIntegrityError
        When a finished kit's file no longer matches its manifest.
    """
    profile = get_profile(profile)
    seed = _check_seed(seed)
    folder = kit_dir(profile, seed, root)
    if finished(folder, _inputs(profile, seed), _expected_files(profile)):  # read-only check: no lock needed
        return folder
    with building(folder):
        return _build(profile, seed, folder, progress)


def _expected_files(profile: Profile) -> list[str]:
    """Every file of a finished kit, relative to its folder (the manifest must list them all)."""
    per_keyword = range(1, SIZES[profile.name] + 1)
    return ["items.csv", "card.md"] + [f"images/{word}/{word}-{k:03d}.png" for word in KEYWORDS for k in per_keyword]


def _build(profile: Profile, seed: int, folder: Path, progress: bool) -> Path:
    inputs = _inputs(profile, seed)
    expected = _expected_files(profile)
    if reuse_or_reset(folder, inputs, expected):
        return folder
    announce_build("keyword-images", profile, folder)  # free space; a note before a long build
    journal = Journal(folder)
    from tqdm.auto import tqdm

    jobs = [(keyword, k) for keyword in KEYWORDS for k in range(SIZES[profile.name])]
    rows = []
    for keyword, k in tqdm(jobs, desc="painting keyword images", disable=not progress):
        item_id = f"{keyword}-{k + 1:03d}"
        relative = f"images/{keyword}/{item_id}.png"
        image, source, licence = paint_keyword_image(keyword, k, seed=seed)  # cheap; also gives the source
        if not (folder / relative).is_file():  # resume: files kept by reuse_or_reset match the journal
            _write_png(folder / relative, image)
            journal.record(relative)
        rows.append(
            {
                "item_id": item_id,
                "title": f"{keyword} {k + 1}",
                "keyword": keyword,
                "source": source,
                "licence": licence,
                "image_path": relative,
            }
        )
    items = pd.DataFrame(rows).set_index("item_id")
    atomic_write_text(folder / "items.csv", items.to_csv(lineterminator="\n"))
    atomic_write_text(folder / "card.md", _card(profile, seed, items))
    write_manifest(folder, inputs, expected)
    return folder


def load_keyword_images(
    profile: str | Profile | None = None, *, seed: int = DEFAULT_SEED, progress: bool = True
) -> ImageCollection:
    """The keyword images kit for a profile, built on first use and verified against its manifest.

    Returns
    -------
    ImageCollection
        ``items`` indexed by item id (``"snow-001"``, ...) with ``title``, ``keyword``, ``source``
        (``"procedural"`` or ``"photo: <package> <file> ..."``), ``licence`` and ``image_path``; ``card``.

    Raises
    ------
    KitIntegrityError
        When a file of the kit no longer matches its manifest.
    """
    profile = get_profile(profile)
    folder = build_keyword_images(profile, seed=seed, progress=progress)
    return _collection(profile, folder)


def _collection(profile: Profile, folder: Path) -> ImageCollection:
    items = pd.read_csv(folder / "items.csv", index_col="item_id", dtype=str, keep_default_na=False)
    return ImageCollection(
        name=f"keyword-images/{profile.name}",
        items=items,
        root=folder,
        card=(folder / "card.md").read_text(encoding="utf-8"),
    )


def save_keyword_grid(collection: ImageCollection, path: Path | str, *, per_keyword: int = 4, size: int = 96) -> Path:
    """Save a PNG contact sheet: one row per keyword, its first ``per_keyword`` images, labelled.

    Parameters
    ----------
    collection : ImageCollection
        A keyword images collection (``items`` has a ``keyword`` column).
    path : Path or str
        Where to write the PNG (atomically).
    per_keyword : int
        Images per row.
    size : int
        Pixels per image side.

    Returns
    -------
    Path
    """
    from PIL import Image, ImageDraw

    if "keyword" not in collection.items.columns:
        raise ParameterError(f"{collection.name} has no 'keyword' column: not a keyword images collection.")
    if per_keyword < 1 or size < 8:
        raise ParameterError(f"per_keyword must be ≥ 1 and size ≥ 8, got {per_keyword} and {size}.")
    keywords = list(dict.fromkeys(collection.items["keyword"]))
    label = 80
    sheet = Image.new("RGB", (label + per_keyword * (size + 2), len(keywords) * (size + 2)), "white")
    draw = ImageDraw.Draw(sheet)
    for row, keyword in enumerate(keywords):
        ids = collection.items.index[collection.items["keyword"] == keyword][:per_keyword]
        draw.text((4, row * (size + 2) + size // 2 - 5), keyword, fill="black")
        for col, item_id in enumerate(ids):
            tile = Image.fromarray(collection.load_image(item_id, size=size))
            sheet.paste(tile, (label + col * (size + 2), row * (size + 2)))
    path = Path(path)
    with atomic_path(path) as tmp:
        sheet.save(tmp, format="PNG")
    return path
