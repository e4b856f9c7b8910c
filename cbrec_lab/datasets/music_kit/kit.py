"""Building, verifying and loading the music kit.

A kit lives in ``<data home>/kits/music/<profile>-seed<seed>-v<KIT_VERSION>/``::

    audio/S00001.flac ...   22,050 Hz mono 16-bit FLAC clips
    songs.csv               one row per song (metadata)
    plays.tsv               Taste-Profile triplets: user<TAB>song<TAB>play_count (no header)
    card.md                 the data card
    inputs.json             what the kit is made from (written first; a kit made from other inputs is cleared)
    journal.tsv             the SHA-256 of each clip, recorded as it is written (for resuming)
    manifest.json           inputs (profile, seed, versions) and the SHA-256 of every file, written last

Causal order of the generation: genre → artist (recipe, instruments, tempo, key, energy centre, studio sound)
→ song (piece, tempo and energy around the artist's, arrangement, master) → audio; the listeners
(:mod:`.listeners`) then choose songs by audible attributes (genre, recipe, tempo, energy) and inaudible ones.

Generation is deterministic (same profile and seed → byte-identical files, checked through the manifest),
every file is written atomically, and an interrupted generation resumes: finished audio clips are kept when
they still match the digest recorded when they were written, and only the others are rendered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ...cache import atomic_path, atomic_write_text, sha256_file
from ...config import Profile, get_profile
from ..build_costs import announce_build
from ..kit_files import (
    Journal,
    KitIntegrityError,
    building,
    finished,
    kit_folder,
    reuse_or_reset,
    worker_pool,
    write_manifest,
)
from ..music import MusicCollection
from .arrangement import DRUMS, HARMONY, MELODY, arrange
from .keywords import song_keywords
from .listeners import MODEL_PARAMETERS, long_tail_stats, simulate_plays, to_triplets
from .production import LOUDNESS_RANGE, OLD_MEDIUM_SHARE, draw_master, integrated_loudness, produce
from .render import preset_names, render, soundfont_path
from .sources import COLLECTIONS, load_pieces
from .styles import GENRES, Artist, make_artists

__all__ = [
    "KitSize",
    "SIZES",
    "KIT_VERSION",
    "DEFAULT_SEED",
    "SAMPLE_RATE",
    "build_music_kit",
    "load_music_kit",
    "kit_dir",
    "KitIntegrityError",
]

KIT_VERSION = 2
DEFAULT_SEED = 0
SAMPLE_RATE = 22_050


@dataclass(frozen=True)
class KitSize:
    """How big a profile's kit is."""

    artists_per_genre: int
    songs_per_artist: int
    users: int
    clip_seconds: float

    @property
    def songs(self) -> int:
        return len(GENRES) * self.artists_per_genre * self.songs_per_artist


SIZES = {
    "ci": KitSize(artists_per_genre=5, songs_per_artist=5, users=2_000, clip_seconds=10.0),
    "small": KitSize(artists_per_genre=10, songs_per_artist=10, users=8_000, clip_seconds=15.0),
    "full": KitSize(artists_per_genre=50, songs_per_artist=10, users=20_000, clip_seconds=30.0),
}

#: FLAC of this kit's music takes about this many bytes per second of audio (measured on the ci kit).
FLAC_BYTES_PER_SECOND = 32_000
#: Distorted guitars: a lead on one of these programs joins the harmony in the distorted stem.
GUITAR_PROGRAMS = frozenset({27, 29, 30})


def kit_dir(profile: str | Profile | None = None, seed: int = DEFAULT_SEED, root: Path | None = None) -> Path:
    """Folder of the kit for a profile and seed."""
    return kit_folder("music", KIT_VERSION, profile, seed, root)


def _inputs(profile: Profile, seed: int) -> dict:
    from importlib.metadata import version

    return {
        "kit": "music",
        "kit_version": KIT_VERSION,
        "profile": profile.name,
        "seed": seed,
        "size": asdict(SIZES[profile.name]),
        "sample_rate": SAMPLE_RATE,
        "music21": version("music21"),  # read from metadata: importing music21 in Jupyter turns on retina figures
        "tinysoundfont": version("tinysoundfont"),
        "pedalboard": version("pedalboard"),
        "pyloudnorm": version("pyloudnorm"),
        "soundfont_sha256": sha256_file(soundfont_path()),
        "listener_model": MODEL_PARAMETERS,
    }


def _plan(profile: Profile, seed: int, cache_dir: Path, progress: bool) -> tuple[pd.DataFrame, list[Artist], list]:
    """Decide every song: its piece, artist and id (no audio yet)."""
    size = SIZES[profile.name]
    rng = np.random.default_rng([seed, 1])
    per_genre = size.artists_per_genre * size.songs_per_artist
    n_folk = per_genre * (len(GENRES) - 1)
    folk_per_collection = -(-n_folk // 2)
    folk = load_pieces("oneills1850", folk_per_collection, cache_dir, progress=progress)
    folk += load_pieces("ryansMammoth", folk_per_collection, cache_dir, progress=progress)
    chorales = load_pieces("bach", per_genre, cache_dir, progress=progress)
    folk = [folk[i] for i in rng.permutation(len(folk))]
    chorales = [chorales[i] for i in rng.permutation(len(chorales))]

    taken: set[str] = set()
    artists: list[Artist] = []
    assignments = []
    folk_next = 0
    for genre in GENRES:
        genre_artists = make_artists(genre, size.artists_per_genre, rng, taken)
        artists += genre_artists
        for k in range(per_genre):
            if genre == "classical" and k < len(chorales):
                piece = chorales[k]
            else:
                piece = folk[folk_next % len(folk)]
                folk_next += 1
            assignments.append((genre_artists[k // size.songs_per_artist], piece))
    rows = []
    for index, (artist, piece) in enumerate(assignments, start=1):
        rows.append(
            {
                "song_id": f"S{index:05d}",
                "title": piece.title,
                "artist": artist.name,
                "genre": artist.genre,
                "source_piece": piece.source_id,
                "collection": piece.collection,
                "recipe": artist.recipe,
                "keywords": " ".join(
                    song_keywords(piece.title, artist.genre, artist.recipe, np.random.default_rng([seed, 3, index]))
                ),
                "audio_path": f"audio/S{index:05d}.flac",
            }
        )
    return pd.DataFrame(rows).set_index("song_id"), artists, assignments


def _render_song(job: tuple) -> tuple[str, float, str, float, float]:
    """Arrange, render, mix and master one song to its FLAC file (atomic); runs in a worker process.

    Returns id, tempo, key, energy and the integrated loudness (LUFS) of the file as written.
    """
    import soundfile

    song_id, index, piece, artist, seconds, seed, path = job
    arrangement = arrange(piece, artist, seconds, np.random.default_rng([seed, 2, index]))
    if not Path(path).is_file():  # a resumed build keeps the clips the journal has checked
        master_rng = np.random.default_rng([seed, 4, index])
        master = draw_master(artist.sound, GENRES[artist.genre].loudness, arrangement.energy, master_rng)
        distorted = {HARMONY} | ({MELODY} if artist.melody_program in GUITAR_PROGRAMS else set())
        if artist.sound.drive_db > 0:
            rest = set(arrangement.programs) - distorted | {DRUMS}
            stems = [
                (render(arrangement, seconds, SAMPLE_RATE, channels=distorted, peak=None), True),
                (render(arrangement, seconds, SAMPLE_RATE, channels=rest, peak=None), False),
            ]
        else:
            stems = [(render(arrangement, seconds, SAMPLE_RATE, peak=None), False)]
        audio = produce(stems, artist.sound, master, SAMPLE_RATE, master_rng)
        with atomic_path(path) as tmp:
            soundfile.write(tmp, audio, SAMPLE_RATE, subtype="PCM_16", format="FLAC")
    audio, _ = soundfile.read(path, dtype="float32")  # measured as written (16 bits), resumed or not
    loudness = integrated_loudness(audio, SAMPLE_RATE)
    return song_id, arrangement.tempo, arrangement.key, arrangement.energy, round(loudness, 2)


def _instruments(artist: Artist, names: dict[int, str]) -> str:
    """The ``instruments`` column: lead; harmony; [pad;] bass[; drum kit]."""
    programs = [artist.melody_program, artist.harmony_program]
    programs += [artist.pad_program] if artist.pad_program is not None else []
    parts = [names[p] for p in programs + [artist.bass_program]]
    return "; ".join(parts + ([f"drum kit {artist.drum_kit}"] if artist.drum_kit is not None else []))


def _card(profile: Profile, seed: int, songs: pd.DataFrame, plays, stats: dict, disk_bytes: int) -> str:
    size = SIZES[profile.name]
    licences = "\n".join(f"- `{name}`: {text}" for name, text in COLLECTIONS.items())
    genre_counts = ", ".join(f"{g} {n}" for g, n in songs["genre"].value_counts().sort_index().items())
    params = "\n".join(f"| `{k}` | {v} |" for k, v in MODEL_PARAMETERS.items())
    other_sizes = "\n".join(
        f"| `{name}` | {s.songs:,} | {len(GENRES) * s.artists_per_genre} | {s.users:,} | {s.clip_seconds:.0f} s | "
        f"≈ {s.songs * s.clip_seconds * FLAC_BYTES_PER_SECOND / 1e6:,.0f} MB |"
        for name, s in SIZES.items()
    )
    by_genre = songs.groupby("genre")
    genre_rows = "\n".join(
        f"| {genre} | {', '.join(r.name for r in style.recipes)} | {style.loudness[0]:.1f} ± {style.loudness[1]:.1f} | "
        f"{by_genre['loudness'].mean()[genre]:.1f} ± {by_genre['loudness'].std()[genre]:.1f} | "
        f"{style.tempo[0]:.0f}–{style.tempo[1]:.0f} | {by_genre['energy'].mean()[genre]:.2f} |"
        for genre, style in GENRES.items()
        if genre in by_genre.groups
    )
    return f"""# Data card: the cbrec-lab music kit ({profile.name}, seed {seed})

Simulated listening over real music. Real compositions from the music21 corpus are arranged into the ten
GTZAN genres by fictional artists, each with a recipe (an arrangement style of the genre), instruments and a
studio sound, rendered to audio with a General MIDI SoundFont, mixed and mastered with `pedalboard`, and
played by simulated listeners. The titles are the compositions' real titles; artists and listeners are
invented.

## Size
{len(songs):,} songs ({genre_counts}) by {songs["artist"].nunique()} artists ({size.songs_per_artist} songs
each), {plays.shape[0]:,} users, {plays.nnz:,} user–song pairs, {int(plays.sum()):,} plays;
{size.clip_seconds:.0f}-second clips, 22,050 Hz mono, 16-bit FLAC: {disk_bytes / 1e6:.1f} MB on disk.

| profile | songs | artists | users | clip | audio on disk |
|---|---:|---:|---:|---:|---:|
{other_sizes}

## Columns of `songs.csv`
`title`, `artist`, `genre`, `recipe` (the artist's arrangement recipe), `tempo` (bpm), `energy` (0–1, the
song's intensity: velocities and mastering loudness follow it), `loudness` (integrated loudness of the clip
in LUFS, ITU-R BS.1770, measured with `pyloudnorm`), `key`, `instruments` (lead; harmony; [pad;] bass[;
drum kit]), `source_piece`, `collection`, `keywords` (title words and lyric-like tags), `duration`,
`audio_path`.

## The causal model
genre → artist → song → audio → plays:

1. **Genre → artist.** Each genre has three to five recipes (`cbrec_lab.datasets.music_kit.styles`), dealt
   out to its artists in turn. A recipe fixes a tempo range, feel (swing), the instruments artists choose
   from, drum patterns, comping and bass line, a typical energy and production habits. Instruments are
   shared between neighbouring genres (distorted guitars in rock, metal, blues rock and country rock; synths
   in disco, pop, hip hop and dancehall; synth and finger basses in reggae and hip hop), tempo ranges
   overlap, and in genres with singing many artists have a sung-like lead (choir and voice programs). The
   artist draws instruments, tempo, key, swing, mix, an energy centre and a studio sound.
2. **Artist → song.** Each song is one piece (`source_piece`) at the artist's tempo (±3 %), with an energy
   drawn around the artist's (sd 0.08) that sets the velocities.
3. **Song → audio.** Arrangement (`arrangement`): transposed to the artist's key, melody on the lead
   instrument, one diatonic chord per bar estimated from the melody (real four-part harmony for the Bach
   chorales of the classical genre), the recipe's comping, optional pad layer, bass line and drums, swing
   and humanisation. Rendered with TinySoundFont and `TimGM6mb.sf2` (Tim Brechbill, GPL-2.0, shipped in
   `pretty_midi`), in two stems when the guitars are distorted.
4. **Production** (`production`, Spotify's `pedalboard`): distortion on the guitar stem where the recipe
   has it; per artist a high-pass, a three-band EQ, bus compression, an optional chorus, a reverb room and
   optional tape saturation, with small EQ and reverb changes per song; then the master is normalised to a
   per-song loudness target and limited at −1 dBFS. Targets are drawn from overlapping per-genre
   distributions, shifted by the artist's mastering habit (sd 2 LU), the song's energy (±3 LU) and the
   medium: about {OLD_MEDIUM_SHARE:.0%} of artists have an *old* recording medium (3 LU quieter, most
   songs band-limited and with a noise floor); other songs are band-limited (resampled through 7–16 kHz) or
   get hiss and mains hum now and then, lo-fi hip hop always. Targets are clipped to
   {LOUDNESS_RANGE[0]:.0f}…{LOUDNESS_RANGE[1]:.0f} LUFS. No single global statistic (level, bandwidth,
   tempo) identifies a genre: each is one cause among several.
5. **Audio → plays.** See below: listeners choose by audible attributes (genre, recipe, tempo, energy) and
   by inaudible ones.

| genre | recipes | genre's loudness centre (LUFS) | loudness measured | tempo range | mean energy |
|---|---|---:|---:|---:|---:|
{genre_rows}

## Listening statistics
- share of plays going to the top 1 % of songs: {stats["top1_share"]:.1%}
- Gini index of song popularity: {stats["gini"]:.3f}
- mean play count of a user–song pair: {stats["mean_plays"]:.2f}; density: {stats["density"]:.2%}

## How the listening is made
See `cbrec_lab.datasets.music_kit.listeners` for the model and its parameters:

| parameter | value |
|---|---|
{params}

## Sources and licences
{licences}
- SoundFont: TimGM6mb.sf2, GPL-2.0. The kit (audio, tables) is generated on your machine and may be
  shared under the same terms as its sources.

## How it differs from the real data sets
- Songs are MIDI renderings of folk tunes and chorales with a simulated production; GTZAN and the MSD
  previews are real recordings with real voices, lyrics, song structure (intros, breaks, solos) and far more
  sounds. The sung-like leads are vowel samples, not singing.
- A recipe is a small set of instruments and patterns; real genres have many more sub-styles, and real
  artists change their sound between records.
- Listening is simulated with documented weights (above), not observed.
- Sizes are far smaller than the Taste Profile subset (1 M users, 384 k songs, 48 M triplets).
"""


def build_music_kit(
    profile: str | Profile | None = None,
    *,
    seed: int = DEFAULT_SEED,
    root: Path | None = None,
    progress: bool = True,
    workers: int | None = None,
) -> Path:
    """Generate the music kit for a profile (or verify and reuse a finished one) and return its folder.

    Parameters
    ----------
    profile : str, Profile or None
        Sizes: see :data:`SIZES`.
    seed : int
        The same profile and seed give byte-identical files.
    root : Path, optional
        Parent folder of the kits (default ``<data home>/kits/music``).
    progress : bool
        Progress bars.
    workers : int, optional
        Processes for parsing and rendering (default: the number of CPUs, at most 4).

    Raises
    ------
    KitIntegrityError
        When a finished kit's file no longer matches its manifest.
    """
    profile = get_profile(profile)
    folder = kit_dir(profile, seed, root)
    if finished(folder, _inputs(profile, seed), _expected_files(profile)):  # read-only check: no lock needed
        return folder
    with building(folder):
        return _build(profile, seed, folder, progress, workers)


def _expected_files(profile: Profile) -> list[str]:
    """Every file of a finished kit, relative to its folder (the manifest must list them all)."""
    audio = [f"audio/S{index:05d}.flac" for index in range(1, SIZES[profile.name].songs + 1)]
    return ["songs.csv", "plays.tsv", "card.md"] + audio


def _build(profile: Profile, seed: int, folder: Path, progress: bool, workers: int | None) -> Path:
    inputs = _inputs(profile, seed)
    expected = _expected_files(profile)
    if reuse_or_reset(folder, inputs, expected):
        return folder
    announce_build("music", profile, folder, workers)  # free space; a note before a long build
    from tqdm.auto import tqdm

    cache_dir = folder.parent / "sources"
    songs, artists, assignments = _plan(profile, seed, cache_dir, progress)
    size = SIZES[profile.name]
    jobs = [
        (song_id, index, piece, artist, size.clip_seconds, seed, str(folder / songs.loc[song_id, "audio_path"]))
        for index, (song_id, (artist, piece)) in enumerate(zip(songs.index, assignments, strict=True))
    ]
    (folder / "audio").mkdir(parents=True, exist_ok=True)
    journal = Journal(folder)
    details = {}
    with worker_pool(workers) as pool:
        for song_id, tempo, key, energy, loudness in tqdm(
            pool.map(_render_song, jobs, chunksize=4), total=len(jobs), desc="rendering songs", disable=not progress
        ):
            details[song_id] = (tempo, key, energy, loudness)
            journal.record(songs.loc[song_id, "audio_path"])  # its digest, for a resumed build to check
    names = preset_names()
    by_name = {a.name: a for a in artists}
    songs["tempo"] = [details[s][0] for s in songs.index]
    songs["key"] = [details[s][1] for s in songs.index]
    songs["energy"] = [details[s][2] for s in songs.index]
    songs["loudness"] = [details[s][3] for s in songs.index]
    songs["instruments"] = [_instruments(by_name[a], names) for a in songs["artist"]]
    songs["duration"] = size.clip_seconds
    songs = songs[
        [
            "title",
            "artist",
            "genre",
            "recipe",
            "tempo",
            "energy",
            "loudness",
            "key",
            "instruments",
            "source_piece",
            "collection",
            "keywords",
            "duration",
            "audio_path",
        ]
    ]

    plays = simulate_plays(songs, size.users, np.random.default_rng([seed, 3]))
    user_ids = np.array([f"U{u:06d}" for u in range(1, size.users + 1)])
    triplets = to_triplets(plays, user_ids, songs.index.to_numpy())

    atomic_write_text(folder / "songs.csv", songs.to_csv(lineterminator="\n"))
    atomic_write_text(folder / "plays.tsv", triplets.to_csv(sep="\t", header=False, index=False, lineterminator="\n"))
    disk = sum(p.stat().st_size for p in (folder / "audio").glob("*.flac"))
    atomic_write_text(folder / "card.md", _card(profile, seed, songs, plays, long_tail_stats(plays), disk))
    write_manifest(folder, inputs, expected)
    return folder


def load_music_kit(
    profile: str | Profile | None = None, *, seed: int = DEFAULT_SEED, progress: bool = True
) -> MusicCollection:
    """The music kit for a profile, built on first use.

    Returns
    -------
    MusicCollection
        ``songs`` (metadata: real titles, keys such as "E minor", GM instrument names, title keywords), ``plays``
        (users × songs CSR play counts with ``user_ids``), audio via ``load_audio``/``play``, and ``card``.
    """
    profile = get_profile(profile)
    folder = build_music_kit(profile, seed=seed, progress=progress)
    songs = pd.read_csv(folder / "songs.csv", index_col="song_id", keep_default_na=False)
    triplets = pd.read_csv(
        folder / "plays.tsv",
        sep="\t",
        names=["user", "song", "play_count"],
        dtype={"user": str, "song": str, "play_count": np.int32},
    )
    user_ids = np.array(sorted(triplets["user"].unique()))
    rows = np.searchsorted(user_ids, triplets["user"].to_numpy())
    cols = pd.Index(songs.index).get_indexer(triplets["song"])
    plays = sp.csr_matrix((triplets["play_count"].to_numpy(), (rows, cols)), shape=(len(user_ids), len(songs)))
    return MusicCollection(
        name=f"music-kit/{profile.name}",
        songs=songs,
        root=folder,
        plays=plays,
        user_ids=user_ids,
        card=(folder / "card.md").read_text(encoding="utf-8"),
    )
