"""Rendering arranged songs to audio with a General MIDI SoundFont.

The SoundFont is ``TimGM6mb.sf2`` (Tim Brechbill, GPL-2.0), which ships inside the ``pretty_midi`` wheel;
the synthesiser is TinySoundFont through the ``tinysoundfont`` package. ``tinysoundfont`` declares a
dependency on ``pyaudio`` for live playback only, and ``pyaudio`` does not build without PortAudio's system
headers, so the course installs ``tinysoundfont`` with ``--no-deps`` (see the README) and never plays live.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ...exceptions import CbrecError
from .arrangement import DRUMS, Arrangement

__all__ = ["soundfont_path", "render", "SYNTH_INSTALL_HINT"]

SYNTH_INSTALL_HINT = (
    "The music kit renders audio with tinysoundfont. Install it without its live-playback dependency: "
    "`pip install --no-deps tinysoundfont` (`make setup` does this)."
)
PEAK = 0.9
FADE_SECONDS = 0.05


def soundfont_path() -> Path:
    """Path of the General MIDI SoundFont ``TimGM6mb.sf2`` inside the installed ``pretty_midi`` package."""
    import pretty_midi

    path = Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"
    if not path.is_file():
        raise CbrecError(f"pretty_midi is installed without its SoundFont ({path}); reinstall pretty_midi.")
    return path


def _tinysoundfont():
    try:
        import tinysoundfont
    except ImportError as err:
        raise CbrecError(SYNTH_INSTALL_HINT) from err
    return tinysoundfont


@lru_cache(maxsize=1)
def preset_names() -> dict[int, str]:
    """General MIDI program number → instrument name as the SoundFont calls it."""
    synth = _tinysoundfont().Synth(samplerate=22_050)
    sfid = synth.sfload(str(soundfont_path()))
    return {p: synth.sfpreset_name(sfid, 0, p) or f"program {p}" for p in range(128)}


def render(
    arrangement: Arrangement,
    seconds: float,
    sr: int = 22_050,
    *,
    channels: set[int] | None = None,
    peak: float | None = PEAK,
) -> np.ndarray:
    """Synthesise an arrangement (or some of its channels, a stem) as mono float32 samples.

    Parameters
    ----------
    arrangement : Arrangement
    seconds : float
        Length of the output; notes still sounding are cut with a 50 ms fade-out.
    sr : int
        Sampling rate.
    channels : set of int, optional
        Only the notes of these MIDI channels (default: all); stems rendered this way add up to the whole.
    peak : float or None
        Peak level the output is normalised to; None keeps the synthesiser's level (for stems that are
        mixed later).

    Returns
    -------
    numpy.ndarray [shape=(round(seconds * sr),)]
        The stereo output of the synthesiser averaged to mono, peak-normalised to ``peak`` (0.9 by default).
    """
    tsf = _tinysoundfont()
    synth = tsf.Synth(samplerate=sr, gain=-3)
    sfid = synth.sfload(str(soundfont_path()))
    for channel, program in arrangement.programs.items():
        synth.program_select(channel, sfid, 0, program)
    if arrangement.drum_kit is not None:
        synth.program_select(DRUMS, sfid, 128, arrangement.drum_kit, is_drums=True)
    for channel, volume in arrangement.volumes.items():
        synth.control_change(channel, 7, volume)

    notes = arrangement.notes
    if channels is not None:
        notes = notes[np.isin(notes[:, 2], sorted(channels))]
    starts = np.round(notes[:, 0] * sr).astype(np.int64)
    ends = np.round(notes[:, 1] * sr).astype(np.int64)
    # events: sample, kind (0 = note off first, then 1 = note on), channel, pitch, velocity
    events = np.concatenate(
        [
            np.column_stack([ends, np.zeros(len(notes)), notes[:, 2], notes[:, 3], np.zeros(len(notes))]),
            np.column_stack([starts, np.ones(len(notes)), notes[:, 2], notes[:, 3], notes[:, 4]]),
        ]
    ).astype(np.int64)
    events = events[np.lexsort((events[:, 1], events[:, 0]))]
    total = int(round(seconds * sr))
    out = np.zeros(total, dtype=np.float32)
    done = 0
    for sample, kind, channel, pitch, velocity in events:
        sample = min(int(sample), total)
        if sample > done:
            stereo = np.frombuffer(synth.generate(sample - done), dtype=np.float32)
            out[done:sample] = 0.5 * (stereo[0::2] + stereo[1::2])
            done = sample
        pitch = int(np.clip(pitch, 0, 127))
        if kind:
            synth.noteon(int(channel), pitch, int(np.clip(velocity, 1, 127)))
        else:
            synth.noteoff(int(channel), pitch)
    if done < total:
        stereo = np.frombuffer(synth.generate(total - done), dtype=np.float32)
        out[done:] = 0.5 * (stereo[0::2] + stereo[1::2])
    fade = min(total, int(FADE_SECONDS * sr))
    out[total - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    top = float(np.abs(out).max())
    return out * np.float32(peak / top) if peak is not None and top > 0 else out
