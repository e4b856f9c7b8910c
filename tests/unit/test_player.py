"""The notebook audio player keeps its sound where JupyterLab's sanitizer leaves it (untrusted notebooks)."""

import base64
import io
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile

from cbrec_lab.datasets import MusicCollection
from cbrec_lab.player import AudioPlayer


class _Elements(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _sound_of(html):
    """The samples a browser would play, and the tags, as JupyterLab 4 keeps them in an untrusted notebook:
    ``<audio>`` keeps ``src``, ``<source>`` keeps only ``type``."""
    elements = _Elements(html).elements
    assert [tag for tag, _ in elements] == ["audio"], "one <audio> element, no <source> (whose src is stripped)"
    attrs = elements[0][1]
    assert "controls" in attrs
    prefix = "data:audio/wav;base64,"
    assert attrs["src"].startswith(prefix)
    return soundfile.read(io.BytesIO(base64.b64decode(attrs["src"][len(prefix) :])))


def test_the_sound_is_on_the_audio_element_itself():
    tone = np.sin(2 * np.pi * 440 * np.arange(8000) / 8000).astype(np.float32)
    samples, rate = _sound_of(AudioPlayer(tone, rate=8000)._repr_html_())
    assert rate == 8000 and samples.shape == (8000,)
    assert np.corrcoef(samples, tone)[0, 1] > 0.999


def test_music_collection_play_uses_the_player(tmp_path):
    soundfile.write(tmp_path / "a.wav", np.linspace(-0.5, 0.5, 2205, dtype=np.float32), 22_050)
    songs = pd.DataFrame(
        {"title": ["A"], "artist": ["x"], "genre": ["pop"], "audio_path": ["a.wav"]},
        index=pd.Index(["s1"], name="song_id"),
    )
    player = MusicCollection(name="tiny", songs=songs, root=tmp_path).play("s1", sr=11_025)
    assert isinstance(player, AudioPlayer)
    samples, rate = _sound_of(player._repr_html_())
    assert rate == 11_025 and abs(len(samples) - 1102) <= 1


COURSE = sorted((Path(__file__).resolve().parents[2] / "course").glob("[0-9][0-9]_*.ipynb"))


def test_the_stored_players_of_the_course_play_untrusted():
    """Every stored ``<audio>`` output carries its sound on the element (``AudioPlayer`` or ``kit.play``), not
    in a ``<source>`` that JupyterLab strips from untrusted notebooks."""
    import nbformat

    stripped = []
    for path in COURSE:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            htmls = [output.get("data", {}).get("text/html", "") for output in cell.get("outputs", [])]
            if any("<audio" in html and "<source" in html for html in htmls):
                stripped.append(f"{path.name}, cell {index}: {cell.source.splitlines()[-1].strip()[:80]}")
    assert not stripped, (
        "these players play only in trusted notebooks; use cbrec_lab.player.AudioPlayer instead of "
        "IPython.display.Audio and re-execute the notebook:\n" + "\n".join(stripped)
    )
