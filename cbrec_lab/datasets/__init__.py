"""Course data: the embedded kits (generated offline, cached under the data home) and real data sets.

Kits register themselves in :mod:`cbrec_lab.datasets.registry` so that ``cbrec-lab data prepare`` can build
every one of them for a profile ahead of class.
"""

from .art_kit import load_art_kit
from .images import ImageCollection
from .keyword_images import KEYWORDS, load_keyword_images
from .music import GTZAN_GENRES, THESIS_GENRES, MusicCollection
from .music_kit import GENRES, load_music_kit
from .real_images import load_amazon_clothing, load_tradesy, load_wikiart
from .real_music import load_fma_small, load_gtzan, load_taste_profile
from .registry import Kit, kits, prepare, register_kit
from .remote import check_dataset

__all__ = [
    "Kit",
    "kits",
    "prepare",
    "register_kit",
    "MusicCollection",
    "ImageCollection",
    "GENRES",
    "GTZAN_GENRES",
    "THESIS_GENRES",
    "KEYWORDS",
    "load_music_kit",
    "load_art_kit",
    "load_keyword_images",
    "load_gtzan",
    "load_fma_small",
    "load_taste_profile",
    "load_tradesy",
    "load_amazon_clothing",
    "load_wikiart",
    "check_dataset",
]
