"""Genre styles, arrangement recipes and artists: how a genre varies inside and overlaps with its neighbours.

A genre is not one sound. Each :class:`GenreStyle` holds several :class:`Recipe` s (classical: string quartet,
solo piano, orchestra, choir; hip hop: boom-bap, trap, lo-fi, G-funk; ...), each with its own tempo range, feel,
General MIDI instruments, drum patterns (16 steps per 4/4 bar), comping and bass line, a typical energy, and
production habits (guitar distortion, reverb room, chorus). Instruments are shared between neighbouring genres
(distorted guitars in rock, metal and blues rock; synths in disco, pop, hip hop and dancehall; synth and
finger bass in reggae and hip hop), tempo ranges overlap, and genres with singing give many artists a sung-like
lead (the choir and voice programs). The genre also sets an overlapping distribution of mastering loudness.

An :class:`Artist` draws once: a recipe of the genre, instruments from it, drum kit and pattern, tempo, key,
swing, mix, an energy centre and a studio sound (:func:`.production.draw_sound`); every song of the artist
uses those draws, so tracks by one artist resemble each other more than tracks by others in the genre.

All ten GTZAN genres are defined; the thesis used five of them (metal, classical, hip hop, country, reggae).
General MIDI programs are 0-based (0 = acoustic grand piano); drum kits are presets of bank 128.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..music import GTZAN_GENRES, THESIS_GENRES
from .production import Sound, draw_sound

__all__ = ["Recipe", "GenreStyle", "Artist", "GENRES", "THESIS_GENRES", "VOICES", "make_artists", "recipe_of"]

#: Sung-like General MIDI programs: choir aahs, voice oohs, synth voice, solo voice.
VOICES = (52, 53, 54, 85)


@dataclass(frozen=True)
class Recipe:
    """One way of arranging a genre.

    Attributes
    ----------
    name : str
        E.g. ``"boom-bap"``; the ``recipe`` column of ``songs.csv``.
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
        Drum pattern variants: ``{GM drum note: 16-character step string}``, ``x`` a hit, ``o`` a soft hit,
        ``r`` a roll (three quick hits in the step).
    comp : str
        Harmony treatment: ``power8`` (palm-muted power chords on eighths), ``power`` (sustained power chords),
        ``beats`` (triads on each beat), ``skank`` (short off-beat chords), ``boomchick`` (chords on 2 and 4),
        ``stab`` (one sustained chord per bar and a stab), ``comp7`` (syncopated seventh chords), ``boogie``
        (root–fifth/sixth shuffle figure), ``sustain`` (whole-bar chords), ``chicks`` (muted sixteenth chops),
        ``arpeggio`` (broken chords in eighths), ``strum`` (down-up strummed eighths), ``roll`` (banjo
        rolls in sixteenths).
    bassline : str
        ``eighths``, ``rootfifth``, ``walking``, ``onedrop``, ``sustain``, ``octaves``, ``beats``, ``boogie``,
        ``sub`` (long 808-style notes an octave down).
    melody_register : int
        MIDI pitch the melody's median is moved to (octave steps).
    energy : float
        The recipe's typical energy (0–1): how hard it is played and mastered.
    pad : tuple of int
        Programs of an optional second harmony layer (strings, organ, horns, choir), played with ``pad_comp``.
    pad_comp : str
    drive : float
        Distortion of the harmony stem (dB of drive; 0 for clean).
    room : float
        Typical reverb room size (0–1).
    chorus : float
        Share of the recipe's artists who use a chorus.
    sung : float
        Share of the recipe's artists whose lead is sung-like (:data:`VOICES`).
    lofi : bool
        Always band-limited and noisy (lo-fi hip hop).
    """

    name: str
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
    energy: float
    pad: tuple[int, ...] = ()
    pad_comp: str = "sustain"
    drive: float = 0.0
    room: float = 0.3
    chorus: float = 0.0
    sung: float = 0.0
    lofi: bool = False


@dataclass(frozen=True)
class GenreStyle:
    """A genre: its recipes (drawn with equal probability per artist) and its mastering loudness.

    Attributes
    ----------
    recipes : tuple of Recipe
    loudness : (float, float)
        Mean and standard deviation of the genre's loudness targets in LUFS (they overlap between genres).
    """

    recipes: tuple[Recipe, ...]
    loudness: tuple[float, float]

    @property
    def tempo(self) -> tuple[float, float]:
        """The lowest and highest tempo of the genre's recipes."""
        return min(r.tempo[0] for r in self.recipes), max(r.tempo[1] for r in self.recipes)


KICK, SNARE, RIM, CLAP, HAT, PEDAL_HAT, OPEN_HAT, RIDE, CRASH, TAMB = 36, 38, 37, 39, 42, 44, 46, 51, 49, 54
SHAKER, COWBELL, TIMPANI = 70, 56, 47
BACKBEAT = "....x.......x..."
EIGHTHS = "x.x.x.x.x.x.x.x."
SIXTEENTHS = "xxxxxxxxxxxxxxxx"
ROCK = {KICK: "x.......x.x.....", SNARE: BACKBEAT, HAT: EIGHTHS}
ROCK_RIDE = {KICK: "x.x.....x.x.....", SNARE: BACKBEAT, RIDE: EIGHTHS, CRASH: "x..............."}
SHUFFLE = {KICK: "x.......x.......", SNARE: BACKBEAT, HAT: EIGHTHS}
SHUFFLE_RIDE = {KICK: "x.....x.x.......", SNARE: BACKBEAT, RIDE: EIGHTHS}
FOUR_FLOOR = {KICK: "x...x...x...x...", SNARE: BACKBEAT, HAT: EIGHTHS, OPEN_HAT: "..x...x...x...x."}
FOUR_CLAP = {KICK: "x...x...x...x...", CLAP: BACKBEAT, OPEN_HAT: "..x...x...x...x.", TAMB: SIXTEENTHS}
SWING_RIDE = {RIDE: "x...x.x.x...x.x.", PEDAL_HAT: BACKBEAT, KICK: "o...o...o...o..."}
SWING_RIDE_2 = {RIDE: "x...x.xxx...x.xx", PEDAL_HAT: BACKBEAT, SNARE: "......o.......o."}
BRUSHES = {SNARE: "oooooooooooooooo", PEDAL_HAT: BACKBEAT, KICK: "o.......o......."}
TRAIN = {KICK: "x.......x.......", SNARE: "oooxoooooooxoooo"}
BOOM_BAP = {KICK: "x......x..x.....", SNARE: BACKBEAT, HAT: EIGHTHS}
BOOM_BAP_2 = {KICK: "x.....xx..x..x..", CLAP: BACKBEAT, HAT: SIXTEENTHS}
TRAP = {KICK: "x......x...x....", SNARE: "........x.......", HAT: "x.x.x.rrx.x.xrx."}
TRAP_2 = {KICK: "x..x......x.....", CLAP: "........x.......", HAT: "xxxxrrxxxxxxrrrr", OPEN_HAT: "..............x."}
ONE_DROP = {KICK: "........x.......", RIM: "........x.......", HAT: EIGHTHS}
STEPPERS = {KICK: "x...x...x...x...", RIM: "........x.......", HAT: "..x...x...x...x."}
DEMBOW = {KICK: "x...x...x...x...", SNARE: "...x..x....x..x.", HAT: EIGHTHS}
SKA = {KICK: "x.......x.......", SNARE: BACKBEAT, HAT: "..x...x...x...x.", RIDE: EIGHTHS}
DOUBLE_KICK = {KICK: SIXTEENTHS, SNARE: BACKBEAT, RIDE: EIGHTHS}
THRASH = {KICK: EIGHTHS, SNARE: BACKBEAT, CRASH: "x.......x......."}
DOOM = {KICK: "x.......x.......", SNARE: "........x.......", CRASH: "x...............", RIDE: "x...x...x...x..."}
PUNK = {KICK: EIGHTHS, SNARE: "..x...x...x...x.", HAT: EIGHTHS}
BALLAD = {KICK: "x.......x.......", RIM: BACKBEAT, HAT: EIGHTHS}
POP = {KICK: "x.....x.x.......", SNARE: BACKBEAT, HAT: EIGHTHS}
POP_CLAP = {KICK: "x.......x.x.....", CLAP: BACKBEAT, HAT: EIGHTHS, SHAKER: SIXTEENTHS}
FUNK = {KICK: "x..x..x...x..x..", SNARE: BACKBEAT, HAT: SIXTEENTHS, COWBELL: "x...x...x...x..."}
ORCHESTRA_DRUMS = {TIMPANI: "x.......x.......", CRASH: "x..............."}

# fmt: off
R = Recipe
GENRES: dict[str, GenreStyle] = {
    "blues": GenreStyle(
        (
            R("electric blues", (70, 120), 0.67, 2, (29, 27, 22, 65), (27, 29), (33, 34), (0, 8),
              (SHUFFLE, SHUFFLE_RIDE),
              "boogie", "boogie", 67, 0.6, pad=(16,), drive=8.0, sung=0.5),
            R("delta blues", (64, 110), 0.65, 2, (25, 22, 24), (25, 24), (32,), (40,), (BRUSHES,),
              "strum", "boogie", 65, 0.35, room=0.25, sung=0.6),
            R("jump blues", (110, 170), 0.67, 2, (65, 66, 56), (0, 3), (32, 33), (0, 32), (SWING_RIDE, SHUFFLE),
              "boogie", "walking", 70, 0.65, pad=(61, 57), pad_comp="stab", sung=0.4),
            R("blues rock", (84, 130), 0.6, 2, (29, 30, 22), (29, 30), (34, 33), (0, 16), (ROCK, SHUFFLE),
              "boogie", "eighths", 67, 0.75, drive=12.0, sung=0.4),
        ),
        loudness=(-14.0, 3.0),
    ),
    "classical": GenreStyle(
        (
            R("string quartet", (56, 120), 0.5, 2, (40,), (41, 40), (42,), (), (), "sustain", "sustain", 76, 0.35,
              room=0.5),
            R("solo piano", (56, 130), 0.5, 2, (0, 1), (0,), (0,), (), (), "arpeggio", "sustain", 72, 0.3, room=0.45),
            R("orchestra", (60, 120), 0.5, 2, (40, 73, 68, 56, 60), (48, 49), (43, 42), (48,), (ORCHESTRA_DRUMS,),
              "sustain", "sustain", 72, 0.55, pad=(60, 61, 48), room=0.7),
            R("choir", (50, 96), 0.5, 2, (52,), (52, 53), (52,), (), (), "sustain", "sustain", 70, 0.25, room=0.75),
            R("chamber winds", (70, 140), 0.5, 2, (73, 68, 71, 6), (70, 71, 6), (70, 43), (), (), "arpeggio", "sustain",
              74, 0.35, room=0.4),
        ),
        loudness=(-19.0, 4.0),
    ),
    "country": GenreStyle(
        (
            R("fiddle band", (90, 150), 0.5, 2, (110, 22), (25, 24), (32, 33), (0, 40), (TRAIN, SHUFFLE),
              "boomchick", "rootfifth", 74, 0.55, sung=0.5),
            R("pedal-steel honky-tonk", (70, 124), 0.55, 2, (25, 26, 3), (25, 27), (33,), (0, 8), (SHUFFLE, BALLAD),
              "strum", "rootfifth", 70, 0.5, pad=(3, 16), pad_comp="beats", room=0.35, sung=0.6),
            R("bluegrass", (110, 180), 0.5, 2, (105, 110), (105, 24), (32,), (), (), "roll", "rootfifth", 74, 0.6,
              room=0.2, sung=0.3),
            R("country rock", (100, 144), 0.5, 2, (29, 27, 85), (27, 29), (34, 33), (0, 16), (ROCK, TRAIN),
              "power", "eighths", 68, 0.7, drive=6.0, sung=0.5),
        ),
        loudness=(-12.0, 3.0),
    ),
    "disco": GenreStyle(
        (
            R("string disco", (108, 130), 0.5, 2, (48, 61, 56, 53), (28, 27), (33, 36), (0,), (FOUR_FLOOR, FOUR_CLAP),
              "chicks", "octaves", 76, 0.7, pad=(48, 49), chorus=0.3, sung=0.5),
            R("hi-NRG synth", (116, 138), 0.5, 2, (81, 80, 90, 54), (90, 81), (38, 39), (24, 25),
              (FOUR_FLOOR, FOUR_CLAP),
              "chicks", "octaves", 74, 0.8, chorus=0.6, sung=0.4),
            R("funk disco", (98, 120), 0.55, 4, (65, 61, 4, 85), (28, 27), (36, 33), (0, 8), (FUNK, FOUR_FLOOR),
              "chicks", "beats", 72, 0.65, pad=(61,), pad_comp="stab", sung=0.4),
        ),
        loudness=(-12.0, 3.0),
    ),
    "hiphop": GenreStyle(
        (
            R("boom-bap", (84, 98), 0.6, 4, (0, 11, 4, 65), (4, 5, 0), (33, 32), (0, 8), (BOOM_BAP, BOOM_BAP_2),
              "stab", "onedrop", 72, 0.6, sung=0.2),
            R("trap", (130, 160), 0.5, 4, (80, 81, 54, 88), (88, 89, 90), (38, 39), (25, 24), (TRAP, TRAP_2),
              "sustain", "sub", 74, 0.7, sung=0.3),
            R("lo-fi", (68, 90), 0.6, 4, (4, 11, 0), (4, 5), (32, 33), (8, 40), (BOOM_BAP, BALLAD), "comp7", "onedrop",
              70, 0.3, room=0.45, lofi=True),
            R("g-funk", (86, 100), 0.55, 4, (80, 81, 85), (4, 90), (38, 39), (24, 0), (BOOM_BAP_2, FUNK), "stab",
              "octaves", 74, 0.6, chorus=0.4, sung=0.3),
        ),
        loudness=(-10.5, 3.0),
    ),
    "jazz": GenreStyle(
        (
            R("piano trio", (90, 200), 0.67, 2, (0,), (0,), (32,), (32, 40), (SWING_RIDE, BRUSHES), "comp7", "walking",
              72, 0.4, room=0.35),
            R("big band", (120, 210), 0.67, 2, (56, 65, 61), (0, 26), (32,), (32, 0), (SWING_RIDE, SWING_RIDE_2),
              "comp7", "walking", 72, 0.7, pad=(61, 57, 66), pad_comp="stab", room=0.5),
            R("gypsy guitar", (120, 200), 0.6, 2, (24, 110, 26), (24, 25), (32,), (),
              (), "beats", "rootfifth", 72, 0.55,
              room=0.3),
            R("vocal jazz", (66, 120), 0.65, 2, (53, 85, 65, 73), (4, 26, 0), (32,), (40, 32), (BRUSHES, SWING_RIDE),
              "comp7", "walking", 70, 0.35, room=0.4, sung=0.7),
        ),
        loudness=(-16.0, 3.5),
    ),
    "metal": GenreStyle(
        (
            R("thrash", (150, 200), 0.5, 2, (30, 29), (30,), (34, 33), (16, 0), (THRASH, DOUBLE_KICK), "power8",
              "eighths", 64, 0.9, drive=18.0, sung=0.3),
            R("doom", (56, 90), 0.5, 2, (30, 29, 85), (30,), (34,), (16, 8), (DOOM,), "power", "sustain", 62, 0.7,
              drive=16.0, room=0.55, sung=0.4),
            R("symphonic metal", (110, 170), 0.5, 2, (52, 40, 81, 30), (30, 29), (34, 33), (16, 0),
              (DOUBLE_KICK, ROCK_RIDE),
              "power8", "eighths", 70, 0.85, pad=(48, 52), drive=14.0, room=0.5, sung=0.5),
        ),
        loudness=(-9.5, 3.0),
    ),
    "pop": GenreStyle(
        (
            R("piano ballad", (62, 92), 0.5, 2, (53, 85, 0), (0, 1), (33, 32), (0, 40), (BALLAD,), "arpeggio",
              "sustain", 72, 0.35, pad=(48, 89), room=0.5, sung=0.7),
            R("synth-pop", (100, 128), 0.5, 2, (80, 81, 54, 85), (90, 88, 81), (38, 39), (24, 25, 0), (POP, POP_CLAP),
              "beats", "octaves", 74, 0.7, chorus=0.6, sung=0.6),
            R("guitar pop", (96, 134), 0.5, 2, (85, 53, 27), (27, 25, 29), (33, 34), (0, 8), (POP, ROCK), "strum",
              "beats", 72, 0.6, drive=3.0, sung=0.6),
            R("dance-pop", (114, 130), 0.5, 2, (81, 85, 54), (90, 88), (38,), (24, 25),
              (FOUR_FLOOR, POP_CLAP), "chicks",
              "octaves", 74, 0.8, chorus=0.4, sung=0.6),
        ),
        loudness=(-10.0, 3.0),
    ),
    "reggae": GenreStyle(
        (
            R("roots one-drop", (64, 86), 0.55, 2, (53, 85, 56, 65), (27, 16), (33, 38), (0, 8), (ONE_DROP, STEPPERS),
              "skank", "onedrop", 70, 0.45, pad=(16,), pad_comp="skank", sung=0.6),
            R("dub", (60, 80), 0.55, 2, (16, 4, 56), (27,), (38, 33), (8, 0), (ONE_DROP,), "skank", "onedrop", 68, 0.4,
              room=0.8),
            R("ska", (100, 150), 0.5, 2, (56, 57, 66, 65), (27, 0), (33, 32), (0,), (SKA,), "skank", "walking", 72,
              0.7, pad=(61,), pad_comp="stab", sung=0.3),
            R("dancehall", (88, 104), 0.5, 4, (85, 81, 54), (90, 4), (38, 39), (24, 25), (DEMBOW,), "stab", "sub", 72,
              0.65, sung=0.5),
        ),
        loudness=(-12.5, 3.0),
    ),
    "rock": GenreStyle(
        (
            R("classic rock", (100, 144), 0.5, 2, (29, 85, 53), (29, 30), (34, 33), (0, 8), (ROCK, ROCK_RIDE), "power",
              "eighths", 67, 0.75, pad=(18,), drive=10.0, sung=0.6),
            R("punk", (150, 200), 0.5, 2, (30, 85), (30, 29), (34,), (16, 0), (PUNK,), "power8", "eighths", 66, 0.9,
              drive=14.0, sung=0.6),
            R("blues rock", (84, 130), 0.6, 2, (29, 27, 22), (29, 27), (33, 34), (0, 8), (SHUFFLE, ROCK), "boogie",
              "boogie", 67, 0.7, drive=9.0, sung=0.5),
            R("soft rock", (76, 116), 0.5, 2, (85, 53, 25), (25, 27), (33,), (0, 40), (BALLAD, ROCK), "strum", "beats",
              70, 0.45, pad=(16, 48), sung=0.6),
        ),
        loudness=(-11.0, 3.0),
    ),
}
del R
# fmt: on

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
    """An artist's fixed choices; every song of the artist is arranged and produced with them.

    Attributes
    ----------
    name, genre, recipe : str
        ``recipe`` names one of the genre's :class:`Recipe` s.
    melody_program, harmony_program, bass_program : int
        General MIDI programs.
    pad_program : int or None
        Program of the second harmony layer, None without one.
    drum_kit : int or None
        Bank-128 preset, or None (no drums).
    drum_variant : int
        Which of the recipe's drum patterns the artist plays.
    tempo : float
        Beats per minute (each song varies it by at most ±3 %).
    tonic : int
        Pitch class every song is transposed to (mode kept from the piece).
    swing : float
    octave_shift : int
        Melody register relative to the recipe's, in octaves (−1, 0 or +1).
    mix : tuple of float
        Levels of melody, harmony, bass and drums (0–1).
    energy : float
        The artist's energy centre (0–1); each song varies around it.
    sound : Sound
        The artist's studio sound (:mod:`.production`).
    """

    name: str
    genre: str
    recipe: str
    melody_program: int
    harmony_program: int
    bass_program: int
    pad_program: int | None
    drum_kit: int | None
    drum_variant: int
    tempo: float
    tonic: int
    swing: float
    octave_shift: int
    mix: tuple[float, float, float, float]
    energy: float
    sound: Sound


def recipe_of(artist: Artist) -> Recipe:
    """The :class:`Recipe` an artist plays."""
    return next(r for r in GENRES[artist.genre].recipes if r.name == artist.recipe)


def _name(rng: np.random.Generator, taken: set[str]) -> str:
    while True:
        if rng.random() < 0.5:
            name = f"{_FIRST[rng.integers(len(_FIRST))]} {_LAST[rng.integers(len(_LAST))]}"
        else:
            name = f"The {_BAND_ADJ[rng.integers(len(_BAND_ADJ))]} {_BAND_NOUN[rng.integers(len(_BAND_NOUN))]}"
        if name not in taken:
            taken.add(name)
            return name


def make_artists(genre: str, n: int, rng: np.random.Generator, taken: set[str]) -> list[Artist]:
    """Draw ``n`` artists of a genre. ``taken`` holds names already used (updated in place).

    The genre's recipes are dealt out in turn from a random start (so ``n`` ≥ the number of recipes uses them
    all), then each artist draws instruments, tempo, key, swing, mix, energy and sound from its recipe.
    """
    style = GENRES[genre]
    first = int(rng.integers(len(style.recipes)))
    artists = []
    for k in range(n):
        recipe = style.recipes[(first + k) % len(style.recipes)]
        name = _name(rng, taken)
        swing = recipe.swing if recipe.swing == 0.5 else float(np.clip(recipe.swing + rng.normal(0, 0.03), 0.5, 0.72))
        melody = int(rng.choice(recipe.melody))
        if rng.random() < recipe.sung:
            melody = int(rng.choice(VOICES))
        energy = float(np.clip(recipe.energy + rng.normal(0, 0.1), 0.05, 0.95))
        artists.append(
            Artist(
                name=name,
                genre=genre,
                recipe=recipe.name,
                melody_program=melody,
                harmony_program=int(rng.choice(recipe.harmony)),
                bass_program=int(rng.choice(recipe.bass)),
                pad_program=int(rng.choice(recipe.pad)) if recipe.pad and rng.random() < 0.7 else None,
                drum_kit=int(rng.choice(recipe.drum_kits)) if recipe.drum_kits else None,
                drum_variant=int(rng.integers(len(recipe.drums))) if recipe.drums else 0,
                tempo=float(np.round(rng.uniform(*recipe.tempo), 1)),
                tonic=int(rng.integers(12)),
                swing=swing,
                octave_shift=int(rng.choice((-1, 0, 0, 1))) if genre not in ("metal", "classical") else 0,
                mix=tuple(float(np.round(v, 2)) for v in rng.uniform((0.75, 0.4, 0.55, 0.5), (1.0, 0.8, 0.95, 0.9))),
                energy=energy,
                sound=draw_sound(rng, drive_db=recipe.drive, room=recipe.room, chorus=recipe.chorus, lofi=recipe.lofi),
            )
        )
    return artists
