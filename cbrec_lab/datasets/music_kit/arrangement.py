"""The arrangement engine: a piece + an artist → the notes of a song in the artist's genre.

Steps (all in quarter notes until the last one):

1. transpose the piece to the artist's key and move the melody to the genre's register;
2. estimate one chord per bar: among the key's six diatonic triads, the one covering most of the bar's
   note durations (notes on the beat count double; the tonic, subdominant and dominant get a small bonus);
   chorales keep their real lower voices instead;
3. loop the piece until the clip is full;
4. play the recipe's comping pattern, bass line, optional pad layer and the artist's drum pattern over the
   chords, at velocities set by the song's energy (drawn around the artist's);
5. apply swing (off-beat eighths or sixteenths moved later), convert to seconds at the artist's tempo, and
   humanise timing and velocity a little (never for classical).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .sources import Piece
from .styles import Artist, recipe_of

__all__ = ["Arrangement", "arrange", "bar_chords", "KEY_NAMES", "MELODY", "HARMONY", "BASS", "PAD", "DRUMS"]

KEY_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MELODY, HARMONY, BASS, PAD, DRUMS = 0, 1, 2, 3, 9
#: Song energy 0 → 1 moves the base velocity from VELOCITY[0] to VELOCITY[1].
VELOCITY = (50, 110)
_DEGREES = {
    "major": ((0, "maj", 0.3), (2, "min", 0.0), (4, "min", 0.0), (5, "maj", 0.15), (7, "maj", 0.15), (9, "min", 0.0)),
    "minor": ((0, "min", 0.3), (3, "maj", 0.0), (5, "min", 0.15), (7, "maj", 0.15), (8, "maj", 0.0), (10, "maj", 0.0)),
}
_TRIAD = {"maj": (0, 4, 7), "min": (0, 3, 7)}


@dataclass(frozen=True)
class Arrangement:
    """A song ready to render.

    Attributes
    ----------
    notes : numpy.ndarray [shape=(n, 5)]
        Columns: start (s), end (s), MIDI channel, pitch, velocity; sorted by start.
    programs : dict
        ``{channel: General MIDI program}`` for the melodic channels.
    drum_kit : int or None
    volumes : dict
        ``{channel: CC7 volume 0–127}`` (the artist's mix).
    tempo : float
        Beats per minute.
    key : str
        E.g. ``"E minor"``.
    energy : float
        The song's energy (0–1): the intensity it is played with (velocities) and mastered with.
    """

    notes: np.ndarray
    programs: dict[int, int]
    drum_kit: int | None
    volumes: dict[int, int]
    tempo: float
    key: str
    energy: float = 0.5


def bar_chords(
    notes: list[tuple[float, float, int]], tonic: int, mode: str, bar: float, n_bars: int
) -> list[tuple[int, str]]:
    """One diatonic triad ``(root pitch class, "maj"|"min")`` per bar that best covers the bar's notes."""
    weights = np.zeros((n_bars, 12))
    for onset, duration, pitch in notes:
        index = int(onset // bar)
        if index < n_bars:
            on_beat = abs(onset - round(onset)) < 1e-6
            weights[index, pitch % 12] += duration * (2.0 if on_beat else 1.0)
    chords = []
    for row in weights:
        total = row.sum() or 1.0
        best = max(
            _DEGREES[mode],
            key=lambda d: row[[(tonic + d[0] + i) % 12 for i in _TRIAD[d[1]]]].sum() / total + d[2],
        )
        chords.append(((tonic + best[0]) % 12, best[1]))
    return chords


def _near(pitch_class: int, low: int) -> int:
    """The lowest pitch with this pitch class at or above ``low``."""
    return low + (pitch_class - low) % 12


def _comp(style: str, root: int, quality: str, bar: float, dominant: bool) -> list[tuple[float, float, list[int]]]:
    """Harmony hits of one bar: (onset in the bar, duration, pitches), all in quarter notes."""
    low = _near(root, 48)
    triad = [low + i for i in _TRIAD[quality]]
    power = [_near(root, 40), _near(root, 40) + 7, _near(root, 40) + 12]
    steps = int(round(bar * 4))
    hits: list[tuple[float, float, list[int]]] = []
    if style == "power8":
        hits = [(s / 4, 0.35, power) for s in range(0, steps, 2)]
    elif style == "power":
        hits = [(s / 4, min(2.0, bar - s / 4) * 0.95, power) for s in range(0, steps, 8)]
    elif style == "beats":
        hits = [(s / 4, 0.9, triad) for s in range(0, steps, 4)]
    elif style == "skank":
        hits = [(s / 4, 0.3, [p + 12 for p in triad]) for s in range(4, steps, 8)]
    elif style == "boomchick":
        hits = [(s / 4, 0.5, triad) for s in range(4, steps, 8)]
    elif style == "stab":
        hits = [(0.0, bar * 0.95, triad)] + ([(2.5, 0.25, [p + 12 for p in triad])] if bar > 2.5 else [])
    elif style == "comp7":
        seventh = triad + [low + (10 if dominant or quality == "min" else 11)]
        hits = [(s / 4, 0.4, seventh) for s in (3, 10) if s < steps]
    elif style == "boogie":
        for s in range(0, steps, 2):
            top = 7 if (s // 4) % 2 == 0 else 9
            hits.append((s / 4, 0.45, [power[0], power[0] + top]))
    elif style == "sustain":
        hits = [(0.0, bar * 0.98, triad)]
    elif style == "chicks":
        hits = [(s / 4, 0.15, [p + 12 for p in triad]) for s in range(1, steps, 2)]
    elif style == "arpeggio":
        broken = [triad[0] - 12, triad[2] - 12, triad[1], triad[2], triad[0] + 12, triad[2], triad[1], triad[2] - 12]
        hits = [(s / 4, 0.6, [broken[(s // 2) % 8]]) for s in range(0, steps, 2)]
    elif style == "strum":
        hits = [(s / 4, 0.45 if s % 4 == 0 else 0.2, triad if s % 4 == 0 else triad[1:]) for s in range(0, steps, 2)]
    elif style == "roll":
        roll = [triad[0], triad[1], triad[2] + 12, triad[0], triad[2], triad[2] + 12, triad[1], triad[2] + 12]
        hits = [(s / 4, 0.3, [roll[s % 8]]) for s in range(steps)]
    return hits


def _bassline(style: str, root: int, quality: str, next_root: int, bar: float) -> list[tuple[float, float, int]]:
    """Bass notes of one bar: (onset, duration, pitch) in quarter notes."""
    r = _near(root, 33)
    third = r + _TRIAD[quality][1]
    beats = int(bar)
    if style == "eighths":
        return [(k / 2, 0.45, r) for k in range(int(bar * 2))]
    if style == "rootfifth":
        return [(0.0, 0.9, r)] + ([(bar / 2, 0.9, r + 7 if r + 7 <= 45 else r - 5)] if bar >= 2 else [])
    if style == "walking":
        target = _near(next_root, 33)
        line = [r, third, r + 7, target + (1 if target < r + 7 else -1)]
        return [(float(k), 0.9, line[k % 4]) for k in range(beats)]
    if style == "onedrop":
        return [(0.0, 1.25, r), (1.5, 0.5, r + 7), (2.5, 1.0, r)][: 1 + (bar > 1.5) + (bar > 2.5)]
    if style == "sustain":
        return [(0.0, bar * 0.95, r)]
    if style == "octaves":
        return [(k / 2, 0.4, r + 12 * (k % 2)) for k in range(int(bar * 2))]
    if style == "beats":
        return [(float(k), 0.9, r) for k in range(beats)]
    if style == "boogie":
        line = [r, third, r + 7, r + 9]
        return [(float(k), 0.9, line[k % 4]) for k in range(beats)]
    if style == "sub":
        return [(o, d, r - 12) for o, d in ((0.0, 1.6), (1.75, 0.6), (2.5, 1.4)) if o < bar]
    raise ValueError(f"unknown bass line {style!r}")


def _swing(onsets: np.ndarray, amount: float, unit: int) -> np.ndarray:
    """Move off-beat eighths (unit 2) or sixteenths (unit 4) from the middle of their pair to ``amount``."""
    pair = 2.0 / unit
    position = np.mod(onsets, pair) / pair
    offbeat = np.isclose(position, 0.5)
    return np.where(offbeat, onsets - 0.5 * pair + amount * pair, onsets)


def arrange(piece: Piece, artist: Artist, clip_seconds: float, rng: np.random.Generator) -> Arrangement:
    """Arrange ``piece`` in ``artist``'s genre and sound, filling ``clip_seconds``.

    Parameters
    ----------
    piece : Piece
    artist : Artist
    clip_seconds : float
        Length of the song; the piece is looped as needed.
    rng : numpy.random.Generator
        Song-specific randomness (tempo variation within ±3 %, energy around the artist's, humanisation).

    Returns
    -------
    Arrangement
    """
    style = recipe_of(artist)
    tempo = artist.tempo * (1 + rng.uniform(-0.03, 0.03))
    energy = float(np.clip(artist.energy + rng.normal(0.0, 0.08), 0.0, 1.0))
    velocity = int(round(VELOCITY[0] + (VELOCITY[1] - VELOCITY[0]) * energy))
    drum_velocity = {"x": min(127, velocity + 14), "o": int(0.55 * velocity), "r": int(0.7 * velocity)}
    seconds_per_quarter = 60.0 / tempo
    shift = (artist.tonic - piece.tonic) % 12
    shift = shift - 12 if shift > 6 else shift
    bar = piece.bar_quarters
    length = math.ceil(piece.length_quarters / bar - 1e-9) * bar
    quarters_needed = clip_seconds / seconds_per_quarter + bar
    repeats = max(1, math.ceil(quarters_needed / length))
    n_bars = int(round(length / bar))

    melody = [(o, d, p + shift) for o, d, p in piece.melody]
    median = float(np.median([p for _, _, p in melody]))
    register = style.melody_register + 12 * artist.octave_shift
    melody = [(o, d, p + 12 * round((register - median) / 12)) for o, d, p in melody]
    voices = [[(o, d, p + shift) for o, d, p in voice] for voice in piece.voices]
    everything = melody + [n for v in voices for n in v]
    tonic = (piece.tonic + shift) % 12
    chords = bar_chords(everything, tonic, piece.mode, bar, n_bars)

    rows: list[tuple[float, float, int, int, int]] = []  # onset q, duration q, channel, pitch, velocity
    for r in range(repeats):
        offset = r * length
        for o, d, p in melody:
            accent = 8 if abs((o / bar) - round(o / bar)) < 1e-6 else 0
            rows.append((offset + o, d, MELODY, p, velocity + accent))
        if voices:  # chorales: the real alto and tenor as harmony, the real bass as bass
            for voice in voices[:-1]:
                rows += [(offset + o, d, HARMONY, p, velocity - 10) for o, d, p in voice]
            rows += [(offset + o, d, BASS, p - 12 if p > 52 else p, velocity - 6) for o, d, p in voices[-1]]
        for b, (root, quality) in enumerate(chords):
            start = offset + b * bar
            dominant = root == (tonic + 7) % 12
            if artist.pad_program is not None:
                for o, d, pitches in _comp(style.pad_comp, root, quality, bar, dominant):
                    rows += [(start + o, d, PAD, p + 12, velocity - 18) for p in pitches]
            if not voices:
                for o, d, pitches in _comp(style.comp, root, quality, bar, dominant):
                    rows += [(start + o, d, HARMONY, p, velocity - 12) for p in pitches]
                next_root = chords[(b + 1) % len(chords)][0]
                rows += [
                    (start + o, d, BASS, p, velocity)
                    for o, d, p in _bassline(style.bassline, root, quality, next_root, bar)
                ]
            if artist.drum_kit is not None:
                pattern = style.drums[artist.drum_variant]
                for drum, steps in pattern.items():
                    for s in range(int(round(bar * 4))):
                        hit = steps[s % 16]
                        if hit == "r":  # a roll: three hits in the sixteenth
                            rows += [(start + s / 4 + j / 12, 0.08, DRUMS, drum, drum_velocity["r"]) for j in range(3)]
                        elif hit != ".":
                            rows.append((start + s / 4, 0.25, DRUMS, drum, drum_velocity[hit]))

    table = np.array(rows, dtype=float)
    onsets = _swing(table[:, 0], artist.swing, style.swing_unit) if artist.swing > 0.5 else table[:, 0]
    start = onsets * seconds_per_quarter
    end = start + np.maximum(table[:, 1] * seconds_per_quarter * 0.97, 0.03)
    velocities = table[:, 4]
    if artist.genre != "classical":
        start = start + rng.normal(0.0, 0.006, len(start)).clip(-0.015, 0.015)
        velocities = velocities + rng.integers(-6, 7, len(velocities))
    start = np.maximum(start, 0.0)
    keep = start < clip_seconds
    notes = np.column_stack(
        [start, np.minimum(end, clip_seconds), table[:, 2], table[:, 3], np.clip(velocities, 1, 127)]
    )[keep]
    notes = notes[np.lexsort((notes[:, 2], notes[:, 0]))]
    level = lambda x: int(round(127 * x))  # noqa: E731
    programs = {MELODY: artist.melody_program, HARMONY: artist.harmony_program, BASS: artist.bass_program}
    volumes = {
        MELODY: level(artist.mix[0]),
        HARMONY: level(artist.mix[1]),
        BASS: level(artist.mix[2]),
        DRUMS: level(artist.mix[3]),
    }
    if artist.pad_program is not None:
        programs[PAD] = artist.pad_program
        volumes[PAD] = level(0.8 * artist.mix[1])
    return Arrangement(
        notes=notes,
        programs=programs,
        drum_kit=artist.drum_kit,
        volumes=volumes,
        tempo=round(tempo, 1),
        key=f"{KEY_NAMES[tonic]} {piece.mode}",
        energy=round(energy, 3),
    )
