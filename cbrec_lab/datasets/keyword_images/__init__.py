"""The keyword images kit: pictures of keywords (snow, ocean, sky, flower, ...) for the image→music lesson.
See :mod:`.painting` for the keywords, their sources and painters, and :mod:`.kit` for the files.

Importing this package registers the kit with ``cbrec-lab data prepare``.
"""

from ..registry import Kit, register_kit
from .kit import build_keyword_images, kit_dir, load_keyword_images, save_keyword_grid
from .painting import ALIASES, KEYWORDS, SIGNATURES, SIZES, match_keyword, paint_keyword_image

__all__ = [
    "ALIASES",
    "KEYWORDS",
    "SIGNATURES",
    "SIZES",
    "match_keyword",
    "paint_keyword_image",
    "kit_dir",
    "build_keyword_images",
    "load_keyword_images",
    "save_keyword_grid",
    "KEYWORD_IMAGES_KIT",
]

KEYWORD_IMAGES_KIT = register_kit(
    Kit(
        name="keyword-images",
        description="images of 30 keywords (snow, ocean, sky, flower, ...): wheel photos and procedural scenes",
        prepare=lambda profile, root, progress: build_keyword_images(profile, root=root, progress=progress),
    )
)
