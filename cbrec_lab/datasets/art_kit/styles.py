"""Artists of the art kit: a style family, a palette family, a medium, a hand and a standing, kept for all works.

An artist's **hand** (:class:`~.painting.Hand`: composition habit, brushwork with its stroke direction and
length, recurring marks) is what a trained eye, or a network, recognises; the **palette family** is shared
with other artists and a work draws its own palette from it, so colours alone do not name the artist. Two
hidden qualities stay with the artist: technique ``skill`` (a work's skill varies around it) and
``reputation`` (it raises prices and favourites and is visible in no pixel). A work varies its artist's motif
a little (counts ±, angles, softness), more when it is novel, and is painted with its own seed, so an
artist's works are recognisably theirs but never identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .painting import BRUSHWORKS, COMPOSITIONS, FAMILIES, MARKS, MEDIA, PALETTES, Hand

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
    """An artist: the style all their works share and two hidden qualities.

    Attributes
    ----------
    name : str
    family : str
        Style family (:data:`~.painting.FAMILIES`).
    palette_name : str
        Palette family (:data:`~.painting.PALETTES`), shared with other artists.
    medium : str
    motif : dict
        Family parameters, varied a little per work.
    texture : float
        Strength of the medium's surface texture, 0–1.
    hand : Hand
        Composition, brushwork and marks.
    skill : float
        Mean technique skill in [0, 1] (hidden).
    reputation : float
        Standing in the market, standard normal (hidden).
    base_price : float
        Typical price of a work in dollars; rises with reputation and skill.
    """

    name: str
    family: str
    palette_name: str
    medium: str
    motif: dict = field(compare=False)
    texture: float
    hand: Hand
    skill: float
    reputation: float
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


def work_motif(style: ArtStyle, rng: np.random.Generator, novelty: float = 0.0) -> dict:
    """The artist's motif with per-work variations, wider for a novel work (``novelty`` in [0, 1])."""
    motif = dict(style.motif)
    spread = 1 + 3 * novelty
    for key, value in motif.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            low = 1 if key in ("grid", "line") else 2
            step = int(np.ceil(spread))
            motif[key] = int(max(low, value + rng.integers(-step, step + 1)))
        elif key != "angle":
            motif[key] = float(value * np.exp(rng.normal(0, 0.08 * spread)))
    return motif


def _hand(rng: np.random.Generator) -> Hand:
    return Hand(
        brushwork=str(rng.choice(BRUSHWORKS)),
        angle=float(rng.uniform(0, np.pi)),
        stroke=float(rng.uniform(8, 28)),
        relief=float(rng.uniform(0.5, 1.0)),
        marks=str(rng.choice(MARKS)),
        mark_count=int(rng.integers(8, 40)),
        mark_size=int(rng.integers(5, 12)),
        composition=str(rng.choice(COMPOSITIONS)),
    )


def make_artists(n: int, rng: np.random.Generator) -> list[ArtStyle]:
    """Draw ``n`` artists.

    The first eight take the eight families in turn, the others one uniformly; the palette family is uniform
    (so several artists share one), the medium one typical of the family (the first three times as likely),
    the hand's parts uniform, ``skill ~ Beta(4, 2)``, ``reputation ~ N(0, 1)`` and
    ``base_price = round(LogNormal(log 900 + 0.3 · reputation + 0.8 · (skill − 2/3), 0.45), −1)``.
    """
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
        motif, texture, hand = _base_motif(family, rng), float(rng.uniform(0.3, 1.0)), _hand(rng)
        skill, reputation = float(rng.beta(4, 2)), float(rng.standard_normal())
        price = rng.lognormal(np.log(900) + 0.3 * reputation + 0.8 * (skill - 2 / 3), 0.45)
        artists.append(
            ArtStyle(
                name=name,
                family=family,
                palette_name=palette_name,
                medium=medium,
                motif=motif,
                texture=texture,
                hand=hand,
                skill=skill,
                reputation=reputation,
                base_price=float(np.round(price, -1)),
            )
        )
    return artists


assert set(MEDIA) >= {m for media in FAMILY_MEDIA.values() for m in media}
