"""The embedded music kit: real compositions arranged into ten genres by simulated artists, rendered to audio,
mixed and mastered, and played by simulated listeners. See :mod:`.kit` for the files, :mod:`.styles` for the
genres and their recipes, :mod:`.arrangement`, :mod:`.render` and :mod:`.production` for the audio, and
:mod:`.listeners` for the play counts.

Importing this package registers the kit with ``cbrec-lab data prepare``; music21 and the synthesiser are
only imported when a kit is built.
"""

from ..registry import Kit, register_kit
from .kit import DEFAULT_SEED, SIZES, build_music_kit, kit_dir, load_music_kit
from .styles import GENRES, THESIS_GENRES

__all__ = [
    "GENRES",
    "THESIS_GENRES",
    "SIZES",
    "DEFAULT_SEED",
    "build_music_kit",
    "kit_dir",
    "load_music_kit",
    "MUSIC_KIT",
]

MUSIC_KIT = register_kit(
    Kit(
        name="music",
        description="real compositions arranged into 10 genres, rendered to audio; simulated listeners",
        prepare=lambda profile, root, progress: build_music_kit(profile, root=root, progress=progress),
    )
)
