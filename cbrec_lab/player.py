"""An audio player for notebooks that plays in untrusted notebooks too (a fresh clone, Binder).

``IPython.display.Audio`` writes ``<audio><source src="data:audio/wav;base64,..."></audio>``. JupyterLab
renders the HTML of an untrusted notebook (every notebook it has not executed or been told to trust) through
its sanitizer, which keeps only ``type`` on ``<source>``: the stored player shows, but has nothing to play.
The sanitizer keeps ``src`` on ``<audio>`` itself (data URIs included), so :class:`AudioPlayer` writes the
sound there. Everything else, the WAV encoding and ``normalize`` included, is IPython's.
"""

from __future__ import annotations

from html import escape

from IPython.display import Audio

__all__ = ["AudioPlayer"]


class AudioPlayer(Audio):
    """``IPython.display.Audio`` with the sound on the ``<audio>`` element, so that a stored player plays in
    untrusted notebooks.

    Takes the same arguments as :class:`IPython.display.Audio` (``data`` with ``rate``, ``filename`` or
    ``url``; ``normalize``, ``autoplay``, ``element_id``).

    Examples
    --------
    >>> import numpy as np
    >>> player = AudioPlayer(np.zeros(800), rate=8000, normalize=False)
    >>> player._repr_html_().startswith('<audio controls="controls" src="data:audio/wav;base64,')
    True
    """

    def _repr_html_(self) -> str:
        attributes = ['controls="controls"', f'src="{escape(self.src_attr(), quote=True)}"']
        attributes += [a for a in (self.autoplay_attr(), self.element_id_attr()) if a]
        return f"<audio {' '.join(attributes)}>Your browser does not support the audio element.</audio>"
