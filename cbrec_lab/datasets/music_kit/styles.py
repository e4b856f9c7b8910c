"""Genre styles and artists: what makes a metal song sound like metal and one artist sound like themselves.

A :class:`GenreStyle` fixes a genre's tempo range and feel, the General MIDI instruments its artists choose
from, the drum patterns (16 steps per 4/4 bar), and how harmony and bass are played. An :class:`Artist`
draws once from its genre's choices (instruments, drum kit, tempo, key, swing, mix), and every song of the
artist uses those draws, so tracks by one artist resemble each other more than tracks by others in the genre.

All ten GTZAN genres are defined; the thesis used five of them (metal, classical, hip hop, country, reggae).
General MIDI programs are 0-based (0 = acoustic grand piano); drum kits are presets of bank 128.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..music import GTZAN_GENRES, THESIS_GENRES

__all__ = ["GenreStyle", "Artist", "GENRES", "THESIS_GENRES", "make_artists"]


@dataclass(frozen=True)
class GenreStyle:
    """How a genre is arranged.

    Attributes
    ----------
    tempo : (float, float)
        Tempo range in beats per minute; an artist draws one tempo from it.
    swing : float
        Position of the off-beat within a beat as a fraction of the beat (0.5 = straight, 0.67 = triplet
        swing), applied to eighths (``swing_unit=2``) or sixteenths (``swing_unit=4``).
    melody, harmony, bass : tuple of int
        General MIDI programs the artists choose from.
    drum_kits : tuple of int
        Drum kit presets (bank 128); empty for no drums.
    drums : tuple of dict
        Drum pattern variants: ``{GM drum note: 16-character step string}``, ``x`` a hit, ``o`` a soft hit.
    comp : str
        Harmony treatment: ``power8`` (palm-muted power chords on eighths), ``power`` (sustained power chords),
        ``beats`` (triads on each beat), ``skank`` (short off-beat chords), ``boomchick`` (chords on 2 and 4),
        ``stab`` (one sustained chord per bar and a stab), ``comp7`` (syncopated seventh chords), ``boogie``
        (root–fifth/sixth shuffle figure), ``sustain`` (whole-bar chords), ``chicks`` (muted sixteenth chops).
    bassline : str
        ``eighths``, ``rootfifth``, ``walking``, ``onedrop``, ``sustain``, ``octaves``, ``beats``, ``boogie``.
    melody_register : int
        MIDI pitch the melody's median is moved to (octave steps), per genre.
    velocity : int
        Base MIDI velocity (dynamics).
    """

    tempo: tuple[float, float]
    swing: float
    swing_unit: int
    melody: tuple[int, ...]
    harmony: tuple[int, ...]
    bass: tuple[int, ...]
    drum_kits: tuple[int, ...]
    drums: tuple[dict[int, str], ...]
    comp: str
    bassline: str
    melody_register: int
    velocity: int


KICK, SNARE, RIM, CLAP, HAT, PEDAL_HAT, OPEN_HAT, RIDE, CRASH, TAMB = 36, 38, 37, 39, 42, 44, 46, 51, 49, 54
BACKBEAT = "....x.......x..."

GENRES: dict[str, GenreStyle] = {
    "blues": GenreStyle(
        (78, 112),
        0.67,
        2,
        (22, 26, 27, 65),
        (27, 26, 4),
        (32, 33),
        (0, 8),
        (
            {KICK: "x.......x.......", SNARE: BACKBEAT, HAT: "x.x.x.x.x.x.x.x."},
            {KICK: "x.....x.x.......", SNARE: BACKBEAT, RIDE: "x.x.x.x.x.x.x.x."},
        ),
        "boogie",
        "boogie",
        67,
        84,
    ),
    "classical": GenreStyle(
        (60, 96),
        0.5,
        2,
        (40, 73, 68, 0),
        (48, 49, 0, 19),
        (42, 43),
        (),
        (),
        "sustain",
        "sustain",
        72,
        72,
    ),
    "country": GenreStyle(
        (100, 140),
        0.5,
        2,
        (110, 105, 25, 22),
        (25, 24),
        (32, 33),
        (40, 0),
        (
            {KICK: "x.......x.......", SNARE: "oooxoooooooxoooo"},
            {KICK: "x.......x.......", SNARE: BACKBEAT, HAT: "x.x.x.x.x.x.x.x."},
        ),
        "boomchick",
        "rootfifth",
        74,
        82,
    ),
    "disco": GenreStyle(
        (110, 128),
        0.5,
        2,
        (81, 80, 61, 56),
        (48, 28),
        (38, 33),
        (0, 24),
        (
            {KICK: "x...x...x...x...", SNARE: BACKBEAT, HAT: "x.x.x.x.x.x.x.x.", OPEN_HAT: "..x...x...x...x."},
            {KICK: "x...x...x...x...", CLAP: BACKBEAT, OPEN_HAT: "..x...x...x...x.", TAMB: "xxxxxxxxxxxxxxxx"},
        ),
        "chicks",
        "octaves",
        76,
        96,
    ),
    "hiphop": GenreStyle(
        (82, 96),
        0.6,
        4,
        (11, 73, 4, 10),
        (4, 5, 89),
        (38, 39, 33),
        (25, 24, 8),
        (
            {KICK: "x......x..x.....", SNARE: BACKBEAT, HAT: "x.x.x.x.x.x.x.x."},
            {KICK: "x.....xx..x..x..", CLAP: BACKBEAT, HAT: "xxxxxxxxxxxxxxxx"},
        ),
        "stab",
        "sustain",
        72,
        92,
    ),
    "jazz": GenreStyle(
        (110, 176),
        0.67,
        2,
        (65, 66, 56, 11),
        (0, 4, 26),
        (32,),
        (32, 40),
        (
            {RIDE: "x...x.x.x...x.x.", PEDAL_HAT: BACKBEAT, KICK: "o...o...o...o..."},
            {RIDE: "x...x.xxx...x.xx", PEDAL_HAT: BACKBEAT, SNARE: "......o.......o."},
        ),
        "comp7",
        "walking",
        70,
        76,
    ),
    "metal": GenreStyle(
        (130, 184),
        0.5,
        2,
        (30, 29),
        (30,),
        (34, 33),
        (16, 0),
        (
            {KICK: "x.x.x.x.x.x.x.x.", SNARE: BACKBEAT, CRASH: "x.......x......."},
            {KICK: "xxxxxxxxxxxxxxxx", SNARE: BACKBEAT, RIDE: "x.x.x.x.x.x.x.x."},
        ),
        "power8",
        "eighths",
        64,
        112,
    ),
    "pop": GenreStyle(
        (96, 124),
        0.5,
        2,
        (80, 54, 0, 81),
        (0, 88, 4),
        (33, 38),
        (0, 24),
        (
            {KICK: "x.....x.x.......", SNARE: BACKBEAT, HAT: "x.x.x.x.x.x.x.x."},
            {KICK: "x.......x.x.....", CLAP: BACKBEAT, HAT: "x.x.x.x.x.x.x.x."},
        ),
        "beats",
        "beats",
        72,
        90,
    ),
    "reggae": GenreStyle(
        (66, 84),
        0.55,
        2,
        (56, 65, 16, 21),
        (27, 16),
        (33, 38),
        (0, 8),
        (
            {KICK: "........x.......", RIM: "........x.......", HAT: "x.x.x.x.x.x.x.x."},
            {KICK: "x...x...x...x...", RIM: "........x.......", HAT: "..x...x...x...x."},
        ),
        "skank",
        "onedrop",
        70,
        86,
    ),
    "rock": GenreStyle(
        (108, 148),
        0.5,
        2,
        (29, 30, 27),
        (29, 30),
        (34, 33),
        (0, 8, 16),
        (
            {KICK: "x.......x.x.....", SNARE: BACKBEAT, HAT: "x.x.x.x.x.x.x.x.", CRASH: "x..............."},
            {KICK: "x.x.....x.x.....", SNARE: BACKBEAT, RIDE: "x.x.x.x.x.x.x.x."},
        ),
        "power",
        "eighths",
        67,
        100,
    ),
}

if tuple(GENRES) != GTZAN_GENRES:  # pragma: no cover - a guard for whoever edits the table above
    raise RuntimeError("the kit's genres must be GTZAN's, in GTZAN's order")

_FIRST = (
    "Ada",
    "Bram",
    "Cleo",
    "Dara",
    "Eli",
    "Fenna",
    "Gus",
    "Hana",
    "Ines",
    "Jory",
    "Kit",
    "Lena",
    "Milo",
    "Nora",
    "Otto",
    "Pia",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Uma",
    "Vik",
    "Wren",
    "Yara",
    "Zeno",
)
_LAST = (
    "Ashdown",
    "Birch",
    "Calloway",
    "Dunmore",
    "Everly",
    "Fairweather",
    "Greaves",
    "Holloway",
    "Ivers",
    "Juniper",
    "Kettering",
    "Lark",
    "Marlowe",
    "Northcott",
    "Oakes",
    "Penrose",
    "Quill",
    "Redfern",
    "Sterling",
    "Thorne",
    "Underwood",
    "Vane",
    "Whitlock",
    "Yardley",
    "Zell",
)
_BAND_ADJ = (
    "Copper",
    "Hollow",
    "Velvet",
    "Iron",
    "Silver",
    "Crimson",
    "Quiet",
    "Electric",
    "Wild",
    "Golden",
    "Broken",
    "Midnight",
    "Northern",
    "Paper",
    "Stone",
    "Blue",
    "Amber",
    "Lonesome",
    "Neon",
    "Rusty",
)
_BAND_NOUN = (
    "Lanterns",
    "Pines",
    "Ravens",
    "Harbours",
    "Engines",
    "Comets",
    "Rivers",
    "Foxes",
    "Bells",
    "Wolves",
    "Kings",
    "Tides",
    "Orchards",
    "Shadows",
    "Sparrows",
    "Drifters",
    "Owls",
    "Anchors",
)


@dataclass(frozen=True)
class Artist:
    """An artist's fixed choices; every song of the artist is arranged with them.

    Attributes
    ----------
    name, genre : str
    melody_program, harmony_program, bass_program : int
        General MIDI programs.
    drum_kit : int or None
        Bank-128 preset, or None (classical).
    drum_variant : int
        Which of the genre's drum patterns the artist plays.
    tempo : float
        Beats per minute (each song varies it by at most ±3 %).
    tonic : int
        Pitch class every song is transposed to (mode kept from the piece).
    swing : float
    octave_shift : int
        Melody register relative to the genre's, in octaves (−1, 0 or +1).
    mix : tuple of float
        Levels of melody, harmony, bass and drums (0–1).
    """

    name: str
    genre: str
    melody_program: int
    harmony_program: int
    bass_program: int
    drum_kit: int | None
    drum_variant: int
    tempo: float
    tonic: int
    swing: float
    octave_shift: int
    mix: tuple[float, float, float, float]


def make_artists(genre: str, n: int, rng: np.random.Generator, taken: set[str]) -> list[Artist]:
    """Draw ``n`` artists of a genre. ``taken`` holds names already used (updated in place)."""
    style = GENRES[genre]
    artists = []
    for _ in range(n):
        while True:
            if rng.random() < 0.5:
                name = f"{_FIRST[rng.integers(len(_FIRST))]} {_LAST[rng.integers(len(_LAST))]}"
            else:
                name = f"The {_BAND_ADJ[rng.integers(len(_BAND_ADJ))]} {_BAND_NOUN[rng.integers(len(_BAND_NOUN))]}"
            if name not in taken:
                taken.add(name)
                break
        swing = style.swing if style.swing == 0.5 else float(np.clip(style.swing + rng.normal(0, 0.03), 0.5, 0.72))
        artists.append(
            Artist(
                name=name,
                genre=genre,
                melody_program=int(rng.choice(style.melody)),
                harmony_program=int(rng.choice(style.harmony)),
                bass_program=int(rng.choice(style.bass)),
                drum_kit=int(rng.choice(style.drum_kits)) if style.drum_kits else None,
                drum_variant=int(rng.integers(len(style.drums))) if style.drums else 0,
                tempo=float(np.round(rng.uniform(*style.tempo), 1)),
                tonic=int(rng.integers(12)),
                swing=swing,
                octave_shift=int(rng.choice((-1, 0, 0, 1))) if genre not in ("metal", "classical") else 0,
                mix=tuple(float(np.round(v, 2)) for v in rng.uniform((0.8, 0.45, 0.6, 0.55), (1.0, 0.75, 0.9, 0.85))),
            )
        )
    return artists
