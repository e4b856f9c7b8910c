"""Production: how a rendered arrangement becomes a record (mix, effects, master, medium).

Real recordings of one genre differ in studio, engineer, era and medium far more than MIDI renderings do, and
the level, bandwidth and noise of a recording say little about its genre. The kit models this in two layers,
both processed with Spotify's ``pedalboard`` (deterministic DSP) and measured with ``pyloudnorm``:

**The artist's sound** (:class:`Sound`, drawn once per artist by :func:`draw_sound`): a high-pass filter, a
three-band EQ (low shelf, mid peak, high shelf), bus compression, a reverb room, an optional chorus, tape
saturation, distortion on the guitar stem where the recipe has it, a mastering loudness centre and a medium:
an *old* recording (about one artist in five) is quieter, more often band-limited and noisier. None of these
draws depends on the genre except the distortion, the reverb room and the chorus, which follow the recipe
(:mod:`.styles`) with wide spreads.

**The song's master** (:class:`Master`, drawn per song by :func:`draw_master`): small EQ and reverb changes
around the artist's sound, and a loudness target in LUFS. Targets come from overlapping per-genre
distributions (:data:`.styles.GENRES` ``loudness``), shifted by the artist's mastering centre, the song's
energy (louder for intense songs) and the medium; some songs get a noise floor (hiss, sometimes mains hum)
and some are band-limited (resampled through a lower rate).

:func:`produce` applies the chain: stems (the distorted guitar stem, the rest) → EQ → compression →
chorus → reverb → saturation → loudness normalisation to the target (ITU-R BS.1770 integrated loudness,
``pyloudnorm``) → band limit → noise floor → a look-ahead peak limiter at −1 dBFS (:func:`limit`), raised
and limited again (up to ``PUSHES`` times) when limiting left it below its target, as a mastering engineer
pushing a loud master would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Sound", "Master", "draw_sound", "draw_master", "produce", "limit", "integrated_loudness", "LOUDNESS_RANGE"]

#: Loudness targets are clipped to this range (LUFS).
LOUDNESS_RANGE = (-30.0, -7.0)
OLD_MEDIUM_SHARE = 0.2
CEILING_DB = -1.0
#: The limiter's look-ahead and gain smoothing (seconds).
LIMITER_WINDOW = 0.005
#: How many times a master the limiter made quieter than its target is raised and limited again.
PUSHES = 3
#: Distortion (dB of drive) on the mix bus that counts as tape saturation rather than a guitar effect.
SATURATION_DB = (2.0, 7.0)


@dataclass(frozen=True)
class Sound:
    """An artist's studio and engineer: the effect settings every song of the artist shares.

    Attributes
    ----------
    highpass_hz : float
    low_shelf_db, mid_db, high_shelf_db : float
        EQ gains at 150 Hz, ``mid_hz`` and 6 kHz.
    mid_hz : float
    compressor_threshold_db, compressor_ratio : float
    room, wet : float
        Reverb room size and wet level (0–1).
    chorus : bool
    saturation_db : float
        Tape saturation on the mix bus (0 for none).
    drive_db : float
        Distortion on the guitar stem (0 for none).
    loudness_offset : float
        The artist's mastering centre relative to the genre's (LU).
    old : bool
        An old recording: quieter, more often band-limited and noisy.
    noise_share, bandlimit_share : float
        Probability that a song of the artist has a noise floor / is band-limited.
    """

    highpass_hz: float
    low_shelf_db: float
    mid_db: float
    mid_hz: float
    high_shelf_db: float
    compressor_threshold_db: float
    compressor_ratio: float
    room: float
    wet: float
    chorus: bool
    saturation_db: float
    drive_db: float
    loudness_offset: float
    old: bool
    noise_share: float
    bandlimit_share: float


@dataclass(frozen=True)
class Master:
    """One song's master: the loudness target and the song's deviations from the artist's sound.

    Attributes
    ----------
    loudness : float
        Target integrated loudness (LUFS) before the limiter.
    eq_jitter_db : (float, float, float)
        Added to the artist's low, mid and high EQ gains.
    wet : float
        Reverb wet level of this song.
    noise_db : float or None
        Level of the noise floor relative to the target loudness (dB, negative), None for none.
    hum_hz : float or None
        Mains hum (50 or 60 Hz with harmonics) added to the noise floor, None for none.
    bandlimit_hz : float or None
        The recording is resampled through this rate (its bandwidth is half of it), None for full band.
    """

    loudness: float
    eq_jitter_db: tuple[float, float, float]
    wet: float
    noise_db: float | None
    hum_hz: float | None
    bandlimit_hz: float | None


def draw_sound(rng: np.random.Generator, *, drive_db: float, room: float, chorus: float, lofi: bool) -> Sound:
    """Draw an artist's sound.

    Parameters
    ----------
    rng : numpy.random.Generator
    drive_db : float
        The recipe's guitar distortion (0 for clean recipes); the artist's is within ±30 % of it.
    room : float
        The recipe's typical reverb room size (0–1); the artist's is drawn around it (sd 0.2).
    chorus : float
        Probability that the artist uses a chorus.
    lofi : bool
        The recipe is lo-fi by definition: always noisy and band-limited.
    """
    old = bool(rng.random() < OLD_MEDIUM_SHARE)
    return Sound(
        highpass_hz=float(rng.uniform(20, 70)),
        low_shelf_db=float(rng.normal(0, 2.5)),
        mid_db=float(rng.normal(0, 2.0)),
        mid_hz=float(np.exp(rng.uniform(np.log(400), np.log(3_000)))),
        high_shelf_db=float(rng.normal(-1.0 if old else 0.0, 3.0)),
        compressor_threshold_db=float(rng.uniform(-30, -10)),
        compressor_ratio=float(rng.uniform(1.2, 5.0)),
        room=float(np.clip(rng.normal(room, 0.2), 0.05, 0.95)),
        wet=float(rng.uniform(0.05, 0.3)),
        chorus=bool(rng.random() < chorus),
        saturation_db=float(rng.uniform(*SATURATION_DB)) if rng.random() < 0.3 else 0.0,
        drive_db=float(drive_db * rng.uniform(0.7, 1.3)),
        loudness_offset=float(rng.normal(-3.0 if old else 0.0, 2.0)),
        old=old,
        noise_share=1.0 if lofi else (0.6 if old else 0.12),
        bandlimit_share=1.0 if lofi else (0.6 if old else 0.1),
    )


def draw_master(sound: Sound, genre_loudness: tuple[float, float], energy: float, rng: np.random.Generator) -> Master:
    """Draw a song's master.

    Parameters
    ----------
    sound : Sound
        The artist's.
    genre_loudness : (float, float)
        Mean and standard deviation of the genre's loudness targets (LUFS).
    energy : float
        The song's energy (0–1): each 0.1 above 0.5 adds 0.6 LU.
    rng : numpy.random.Generator
    """
    mean, sd = genre_loudness
    target = mean + sound.loudness_offset + 6.0 * (energy - 0.5) + rng.normal(0.0, 0.6 * sd)
    noisy = rng.random() < sound.noise_share
    limited = rng.random() < sound.bandlimit_share
    return Master(
        loudness=float(np.clip(target, *LOUDNESS_RANGE)),
        eq_jitter_db=tuple(float(v) for v in rng.normal(0.0, 1.0, 3)),
        wet=float(np.clip(sound.wet + rng.normal(0.0, 0.04), 0.0, 0.5)),
        noise_db=float(rng.uniform(-55, -30)) if noisy else None,
        hum_hz=float(rng.choice((50.0, 60.0))) if noisy and rng.random() < 0.3 else None,
        bandlimit_hz=float(rng.uniform(7_000, 16_000)) if limited else None,
    )


def integrated_loudness(audio: np.ndarray, sr: int) -> float:
    """Integrated loudness of mono audio in LUFS (ITU-R BS.1770-4, ``pyloudnorm``); −inf for silence."""
    import pyloudnorm

    return float(pyloudnorm.Meter(sr).integrated_loudness(np.asarray(audio, dtype=np.float64)))


def limit(audio: np.ndarray, sr: int, ceiling_db: float = CEILING_DB) -> np.ndarray:
    """A look-ahead brick-wall limiter: no sample exceeds ``ceiling_db`` dBFS, and quieter passages are untouched.

    The gain each sample needs (``min(1, ceiling / |x|)``) is min-filtered over ±``LIMITER_WINDOW`` and then
    averaged over the same window, so the smoothed gain never exceeds what any sample needs (every average
    is over values at most the sample's own requirement) and changes within about 10 ms.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(audio), 1e-12))
    radius = max(1, int(LIMITER_WINDOW * sr))
    gain = uniform_filter1d(minimum_filter1d(need, 2 * radius + 1, mode="nearest"), 2 * radius + 1, mode="nearest")
    return np.clip(audio * gain, -ceiling, ceiling).astype(np.float32)


def _noise(n: int, sr: int, master: Master, rng: np.random.Generator) -> np.ndarray:
    """A noise floor of unit RMS: hiss (white noise through a random low-pass), optionally with mains hum."""
    from pedalboard import LowpassFilter

    hiss = rng.normal(0.0, 1.0, n).astype(np.float32)
    hiss = LowpassFilter(cutoff_frequency_hz=float(rng.uniform(3_000, 10_000)))(hiss, sr)
    if master.hum_hz is not None:
        t = np.arange(n) / sr
        hum = sum(np.sin(2 * np.pi * master.hum_hz * k * t) / k for k in (1, 2, 3))
        hiss = hiss / (np.sqrt(np.mean(hiss**2)) + 1e-12) + 2.0 * hum.astype(np.float32)
    return hiss / (np.sqrt(np.mean(hiss**2)) + 1e-12)


def produce(
    stems: list[tuple[np.ndarray, bool]], sound: Sound, master: Master, sr: int, rng: np.random.Generator
) -> np.ndarray:
    """Mix and master the rendered stems into a record.

    Parameters
    ----------
    stems : list of (numpy.ndarray, bool)
        Mono float32 stems of equal length, each with whether it gets the artist's guitar distortion.
    sound, master : Sound, Master
    sr : int
    rng : numpy.random.Generator
        The noise floor's randomness.

    Returns
    -------
    numpy.ndarray [shape=(n,), dtype=float32]
        Within ±1, at the target loudness unless the limiter or the noise floor moved it.
    """
    from pedalboard import (
        Chorus,
        Compressor,
        Distortion,
        Gain,
        HighpassFilter,
        HighShelfFilter,
        LowShelfFilter,
        PeakFilter,
        Pedalboard,
        Resample,
        Reverb,
    )

    mix = np.zeros_like(stems[0][0])
    for audio, distorted in stems:
        if distorted and sound.drive_db > 0:
            audio = Pedalboard([Distortion(drive_db=sound.drive_db), Gain(-sound.drive_db * 0.7)])(audio, sr)
        mix = mix + audio
    low, mid, high = (
        a + b for a, b in zip((sound.low_shelf_db, sound.mid_db, sound.high_shelf_db), master.eq_jitter_db, strict=True)
    )
    chain = [
        HighpassFilter(cutoff_frequency_hz=sound.highpass_hz),
        LowShelfFilter(cutoff_frequency_hz=150.0, gain_db=low),
        PeakFilter(cutoff_frequency_hz=sound.mid_hz, gain_db=mid, q=1.0),
        HighShelfFilter(cutoff_frequency_hz=6_000.0, gain_db=high),
        Compressor(threshold_db=sound.compressor_threshold_db, ratio=sound.compressor_ratio, attack_ms=10.0),
    ]
    if sound.chorus:
        chain.append(Chorus(rate_hz=0.8, depth=0.25, mix=0.4))
    chain.append(Reverb(room_size=sound.room, wet_level=master.wet, dry_level=1.0 - master.wet / 2, width=0.0))
    if sound.saturation_db > 0:
        chain.append(Distortion(drive_db=sound.saturation_db))
    peak = float(np.abs(mix).max())
    mix = Pedalboard(chain)(mix / peak if peak > 0 else mix, sr)
    loudness = integrated_loudness(mix, sr)
    if np.isfinite(loudness):
        mix = mix * np.float32(10 ** ((master.loudness - loudness) / 20))
    if master.bandlimit_hz is not None:
        mix = Resample(target_sample_rate=master.bandlimit_hz)(mix, sr)
    if master.noise_db is not None:
        rms = 10 ** ((master.loudness + master.noise_db) / 20)  # LUFS ≈ dBFS RMS for broadband noise
        mix = mix + np.float32(rms) * _noise(len(mix), sr, master, rng)
    mix = limit(mix, sr)
    for _ in range(PUSHES):  # push a limited master towards its target
        loudness = integrated_loudness(mix, sr)
        if not np.isfinite(loudness) or loudness > master.loudness - 0.5:
            break
        mix = limit(mix * np.float32(10 ** ((master.loudness - loudness) / 20)), sr)
    return mix
