"""Artists of the art kit: a family, a palette, a medium, a motif and a texture each, kept for all their works.

A work varies its artist's motif a little (counts ±, angles, softness) and is painted with its own seed,
so an artist's works are recognisably theirs but never identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .painting import FAMILIES, MEDIA, PALETTES, jitter_palette

__all__ = ["ArtStyle", "make_artists", "work_motif", "FAMILY_SUBJECTS", "FAMILY_MEDIA"]

#: Subject tags an artwork of a family may carry (the first is always given).
FAMILY_SUBJECTS = {
    "colour_field": ("abstract", "colour field", "meditative", "minimal", "calm"),
    "geometric_grid": ("abstract", "geometric", "modern", "grid", "bold"),
    "drip": ("abstract", "expressionism", "energy", "gestural", "chaos"),
    "pointillist": ("landscape", "impressionism", "nature", "countryside", "light"),
    "wash_landscape": ("landscape", "mountains", "sunset", "nature", "sea"),
    "concentric_circles": ("abstract", "circles", "geometric", "colour", "rhythm"),
    "stripes": ("abstract", "op art", "stripes", "minimal", "rhythm"),
    "cubist": ("abstract", "cubism", "geometric", "still life", "figure"),
}
#: Media an artist of a family may work in, most typical first.
FAMILY_MEDIA = {
    "colour_field": ("oil", "acrylic", "watercolour"),
    "geometric_grid": ("acrylic", "oil", "mixed media"),
    "drip": ("acrylic", "oil", "mixed media", "ink"),
    "pointillist": ("oil", "acrylic", "ink"),
    "wash_landscape": ("watercolour", "photography", "oil", "ink"),
    "concentric_circles": ("acrylic", "watercolour", "mixed media"),
    "stripes": ("acrylic", "photography", "oil"),
    "cubist": ("oil", "mixed media", "ink"),
}
_NAMES_FIRST = (
    "Alma",
    "Bruno",
    "Carmen",
    "Dmitri",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Iris",
    "Jonas",
    "Kira",
    "Luca",
    "Mina",
    "Nils",
    "Olga",
    "Pablo",
    "Rina",
    "Sven",
    "Tomas",
    "Ulla",
    "Vera",
    "Willem",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Amara",
    "Benoit",
    "Chiara",
    "Diego",
    "Esme",
)
_NAMES_LAST = (
    "Abel",
    "Barros",
    "Castell",
    "Duval",
    "Engel",
    "Ferraro",
    "Gallo",
    "Hartmann",
    "Ibarra",
    "Jansen",
    "Kowal",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Pereira",
    "Quint",
    "Rossi",
    "Sato",
    "Torres",
    "Ueda",
    "Varga",
    "Weiss",
    "Yilmaz",
    "Zamora",
    "Aalto",
    "Brandt",
    "Costa",
    "Dahl",
    "Esposito",
)


@dataclass(frozen=True)
class ArtStyle:
    """An artist and the style all their works share."""

    name: str
    family: str
    palette_name: str
    palette: np.ndarray = field(repr=False, compare=False)
    medium: str
    motif: dict = field(compare=False)
    texture: float
    base_price: float


def _base_motif(family: str, rng: np.random.Generator) -> dict:
    return {
        "colour_field": lambda: {"count": int(rng.integers(2, 4)), "softness": float(rng.uniform(0.6, 1.6))},
        "geometric_grid": lambda: {"count": int(rng.integers(4, 10)), "line": float(rng.uniform(0.015, 0.03))},
        "drip": lambda: {"count": int(rng.integers(3, 9)), "brush": float(rng.uniform(0.8, 1.6))},
        "pointillist": lambda: {"dot": int(rng.integers(5, 9))},
        "wash_landscape": lambda: {"count": int(rng.integers(2, 6))},
        "concentric_circles": lambda: {"grid": int(rng.integers(1, 4)), "count": int(rng.integers(3, 7))},
        "stripes": lambda: {
            "angle": float(rng.choice([0.0, np.pi / 2, np.pi / 4, -np.pi / 4])),
            "wavy": bool(rng.random() < 0.4),
            "count": int(rng.integers(6, 15)),
        },
        "cubist": lambda: {"count": int(rng.integers(6, 15)), "line": int(rng.integers(1, 3))},
    }[family]()


def work_motif(style: ArtStyle, rng: np.random.Generator) -> dict:
    """The artist's motif with small per-work variations."""
    motif = dict(style.motif)
    for key, value in motif.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            low = 1 if key in ("grid", "line") else 2
            motif[key] = int(max(low, value + rng.integers(-1, 2)))
        elif key != "angle":
            motif[key] = float(value * rng.uniform(0.85, 1.15))
    return motif


def make_artists(n: int, rng: np.random.Generator) -> list[ArtStyle]:
    """Draw ``n`` artists: family uniformly, a palette, a medium typical of the family, motif, texture, price."""
    artists, taken = [], set()
    for k in range(n):
        while True:
            name = f"{_NAMES_FIRST[rng.integers(len(_NAMES_FIRST))]} {_NAMES_LAST[rng.integers(len(_NAMES_LAST))]}"
            if name not in taken:
                taken.add(name)
                break
        family = FAMILIES[k % len(FAMILIES)] if k < len(FAMILIES) else str(rng.choice(FAMILIES))
        palette_name = str(rng.choice(list(PALETTES)))
        media = FAMILY_MEDIA[family]
        medium = str(rng.choice(media, p=np.array([3.0] + [1.0] * (len(media) - 1)) / (len(media) + 2)))
        artists.append(
            ArtStyle(
                name=name,
                family=family,
                palette_name=palette_name,
                palette=jitter_palette(rng, palette_name),
                medium=medium,
                motif=_base_motif(family, rng),
                texture=float(rng.uniform(0.3, 1.0)),
                base_price=float(np.round(rng.lognormal(np.log(900), 0.6), -1)),
            )
        )
    return artists


assert set(MEDIA) >= {m for media in FAMILY_MEDIA.values() for m in media}
