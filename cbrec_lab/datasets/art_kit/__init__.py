"""The embedded art kit: procedurally painted one-of-a-kind artworks by simulated artists, favourites and
purchases driven by hidden causes (style, skill, balance, novelty, reputation, price) and by the works' text,
never by features measured on the pixels, and simulated customers buying over time. See :mod:`.painting` and
:mod:`.styles` for the images, :mod:`.market` for appeal and purchases, :mod:`.likes` for repeatable likes,
:mod:`.kit` for the files and the data card.

Importing this package registers the kit with ``cbrec-lab data prepare``.
"""

from ..registry import Kit, register_kit
from .kit import DEFAULT_SEED, SIZES, art_kit_dir, build_art_kit, load_art_kit
from .painting import FAMILIES, MEDIA

__all__ = ["FAMILIES", "MEDIA", "SIZES", "DEFAULT_SEED", "art_kit_dir", "build_art_kit", "load_art_kit", "ART_KIT"]

ART_KIT = register_kit(
    Kit(
        name="art",
        description="procedurally painted one-of-a-kind artworks, appeal signal, customers buying over time",
        prepare=lambda profile, root, progress: build_art_kit(profile, root=root, progress=progress),
    )
)
