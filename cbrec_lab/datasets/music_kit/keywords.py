"""Keywords from song titles (the image→music lesson links songs to images through them).

Tokenisation: lower-case, Unicode letters only (apostrophes dropped: "O'Neill's" → "oneills"), words of
at least three letters, minus English and German stop words and the names of tune types ("reel", "jig",
"hornpipe", ...) that describe the form rather than the content.
"""

from __future__ import annotations

import re

__all__ = ["title_keywords", "STOP_WORDS"]

STOP_WORDS = frozenset(
    """
    the and for are but not you all any can her was one our out day get has him his how man new now old see
    two way who boy did its let put say she too use with that this from they will your have what when where
    which there their then them than into over also some would could about after again before being below
    between both down during each few further here more most other own same such only very just don should
    off once under until while why yet my mine me we us our ours yours he it is in on at to of by an or as
    be do if no so up
    der die das und ich du er sie es wir ihr ein eine einer eines einem einen dem den des mit von zu zum zur
    auf aus bei nach vor über unter wie was wer wo nun nicht mein meine meinen meinem meiner dein deine sein
    seine uns euch ist sind hat wird auch dich dir mich mir sich noch doch
    reel reels jig jigs hornpipe hornpipes strathspey strathspeys polka waltz march clog set dance air
    quickstep schottische fling version
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+")


def title_keywords(title: str) -> list[str]:
    """Content words of a title, in order, without repeats.

    Examples
    --------
    >>> title_keywords("The Enchanted Valley")
    ['enchanted', 'valley']
    >>> title_keywords("O'Neill's Favourite -- Reel")
    ['oneills', 'favourite']
    """
    words = _WORD.findall(title.lower().replace("'", "").replace("’", ""))
    seen: list[str] = []
    for word in words:
        if len(word) >= 3 and word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen
