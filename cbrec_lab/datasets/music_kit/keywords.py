"""Keywords of songs: the words of their titles and lyric-like tags (the image→music lesson links songs to
images through them).

Tokenisation (:func:`title_keywords`): lower-case, Unicode letters only (apostrophes dropped: "O'Neill's" →
"oneills"), words of at least three letters, minus English and German stop words and the names of tune types
("reel", "jig", "hornpipe", ...) that describe the form rather than the content.

Tags (:func:`song_keywords`): the kit has no lyrics, so each song also carries the words that listeners'
tags and playlist names would give it. Their generative model:

1. each song has one or two hidden **themes** (winter, sea, night, love, road, ...): drawn from its genre's
   theme preferences (which overlap: jazz and blues both like *night* and *rain*), with a strong pull towards
   the themes whose words its title already holds (a title with *shore* gets sea tags most of the time);
2. each theme emits one to three of its words, the typical ones more often (a playlist named "winter evening
   by the fire" tags *winter*, *evening*, *fire*); the theme vocabularies share words (*night* is in the
   night, party and city themes);
3. one or two **mood** words from the genre's moods (moods are shared between genres: *mellow* jazz and
   *mellow* reggae), the genre's own tag or a neighbouring one (*rock* for metal, *soul* for disco), up to
   two tags that say nothing of the content (*favourites*, *eighties*, *cover*), and, for half of the songs,
   the words of the arrangement recipe's name (*string quartet*, *pedal steel*).

Words come in a draw order that the random generator alone decides; tokenisation then drops stop words and
repeats, so tags never add a word the title already has.
"""

from __future__ import annotations

import re

import numpy as np

from ...exceptions import ParameterError, ParameterTypeError

__all__ = [
    "title_keywords",
    "song_keywords",
    "STOP_WORDS",
    "THEMES",
    "GENRE_THEMES",
    "GENRE_MOODS",
    "GENRE_TAGS",
    "GENERAL_TAGS",
]

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


def _vocab(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Hidden topics of songs, each with the words its tags and playlist names use (most typical first).
THEMES: dict[str, tuple[str, ...]] = {
    name: _vocab(words)
    for name, words in {
        "winter": "winter snow cold frost ice white december christmas fireside frozen blizzard",
        "sea": "ocean sea waves shore sailor harbour tide island voyage beach blue",
        "night": "night midnight moon stars late dark evening lullaby sleep owl",
        "morning": "morning sunrise dawn coffee breakfast early wake fresh sunny",
        "summer": "summer sun sunshine beach holiday warm heat golden meadow",
        "rain": "rain rainy grey clouds storm umbrella thunder tears window",
        "love": "love heart romance kiss darling sweetheart wedding rose valentine",
        "forest": "forest woods trees green pine hiking wild leaves river",
        "mountain": "mountain hills highlands valley peak snow climb rock",
        "road": "road highway travel drive train journey wanderer horizon",
        "home": "home house kitchen family porch hearth cottage garden",
        "fire": "fire flame burn rage power loud blaze smoke red",
        "dream": "dream dreams sleep fantasy clouds sky float stars magic",
        "country": "horse farm field meadow barn harvest fence cowboy",
        "legend": "castle king knight legend epic battle sword tower queen",
        "spring": "spring flower flowers rose blossom garden bloom bird green",
        "city": "city street lights urban neon night downtown crowd",
        "party": "party dancing dancefloor weekend friday night club lights",
        "sky": "sky clouds bird birds flight wind blue sun heaven",
        "coffee": "coffee cafe cup morning study focus rainy",
        "cats": "cat cats kitten purr cozy home",
        "gold": "golden gold oldies vintage classic retro treasure",
    }.items()
}

_THEME_INDEX = {name: i for i, name in enumerate(THEMES)}

#: Each genre's preference over :data:`THEMES` (weights; themes not listed get weight 0.2).
GENRE_THEMES: dict[str, dict[str, float]] = {
    "blues": {"rain": 3, "night": 3, "road": 3, "love": 2, "home": 1, "coffee": 1, "gold": 1},
    "classical": {"morning": 2, "dream": 2, "legend": 3, "winter": 2, "forest": 2, "spring": 2, "sky": 1},
    "country": {"road": 3, "country": 3, "home": 3, "love": 2, "summer": 1, "mountain": 2, "forest": 1},
    "disco": {"party": 3, "night": 2, "love": 2, "summer": 2, "city": 2, "gold": 2},
    "hiphop": {"city": 3, "night": 2, "party": 2, "fire": 2, "road": 1, "coffee": 1, "rain": 1},
    "jazz": {"night": 3, "coffee": 2, "rain": 2, "love": 2, "city": 2, "winter": 1, "gold": 1},
    "metal": {"fire": 3, "legend": 3, "night": 2, "winter": 1, "mountain": 1, "road": 1},
    "pop": {"love": 3, "summer": 2, "dream": 2, "party": 2, "sky": 1, "spring": 1, "city": 1},
    "reggae": {"summer": 3, "sea": 3, "love": 2, "party": 1, "sky": 1, "home": 1, "fire": 1},
    "rock": {"road": 3, "fire": 2, "night": 2, "love": 2, "city": 1, "summer": 1, "rain": 1},
}

#: Mood words per genre (shared between genres, as listeners' tags are).
GENRE_MOODS: dict[str, tuple[str, ...]] = {
    "blues": _vocab("sad soulful melancholy slow mellow smoky"),
    "classical": _vocab("calm peaceful elegant relaxing focus study majestic"),
    "country": _vocab("nostalgic warm happy heartfelt easy mellow"),
    "disco": _vocab("upbeat groovy happy energetic funky"),
    "hiphop": _vocab("chill groovy energetic confident workout"),
    "jazz": _vocab("mellow smooth relaxing smoky elegant chill"),
    "metal": _vocab("heavy aggressive energetic workout intense"),
    "pop": _vocab("happy upbeat catchy romantic energetic"),
    "reggae": _vocab("chill relaxing happy mellow sunny"),
    "rock": _vocab("energetic loud intense nostalgic upbeat"),
}

#: Tags that say nothing of a song's content: eras, and the words of playlist names and listeners' habits.
GENERAL_TAGS: tuple[str, ...] = _vocab(
    "favourites favorites playlist mix vibes essentials throwback sixties seventies eighties nineties live cover "
    "remix acoustic instrumental underrated beautiful awesome"
)

#: Genre tags: the genre's own names first, then neighbours' (a metal song tagged *rock*, a disco song *soul*).
GENRE_TAGS: dict[str, tuple[str, ...]] = {
    "blues": _vocab("blues soul rock"),
    "classical": _vocab("classical instrumental orchestral"),
    "country": _vocab("country folk americana acoustic"),
    "disco": _vocab("disco funk soul pop"),
    "hiphop": _vocab("hiphop rap beats"),
    "jazz": _vocab("jazz swing soul"),
    "metal": _vocab("metal rock heavy"),
    "pop": _vocab("pop dance hits"),
    "reggae": _vocab("reggae dub island"),
    "rock": _vocab("rock indie classic"),
}


def _stem(word: str) -> str:
    """A crude singular, only to match title words with theme words (*hills* and *hill*)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


_STEM_THEMES: dict[str, frozenset[str]] = {}
for _name, _words in THEMES.items():
    for _word in _words:
        _STEM_THEMES[_stem(_word)] = _STEM_THEMES.get(_stem(_word), frozenset()) | {_name}


def _title_theme_boost(title_words: list[str]) -> np.ndarray:
    """Per theme of :data:`THEMES`: how many of the title's words the theme uses (singular and plural alike)."""
    boost = np.zeros(len(THEMES))
    for word in title_words:
        for theme in _STEM_THEMES.get(_stem(word), ()):
            boost[_THEME_INDEX[theme]] += 1.0
    return boost


def song_keywords(title: str, genre: str, recipe: str, rng: np.random.Generator) -> list[str]:
    """A song's keywords: its title's content words, then lyric-like tags (themes, moods, genre, recipe).

    The tag model is described in the module docstring. The result is deterministic given ``rng``'s
    state, tokenised as :func:`title_keywords` does (no stop words, no repeats), and starts with
    ``title_keywords(title)``.

    Parameters
    ----------
    title : str
        The song's title.
    genre : str
        One of the kit's genres (:data:`GENRE_THEMES`' keys).
    recipe : str
        The arrangement recipe's name (e.g. ``"string_quartet"``); its words become tags.
    rng : numpy.random.Generator
        The song's own generator (e.g. ``np.random.default_rng([seed, 3, index])``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> words = song_keywords("The Shamrock Shore", "reggae", "roots_one_drop", np.random.default_rng(0))
    >>> words[:2]
    ['shamrock', 'shore']
    >>> words == song_keywords("The Shamrock Shore", "reggae", "roots_one_drop", np.random.default_rng(0))
    True
    """
    if genre not in GENRE_THEMES:
        raise ParameterError(f"unknown genre {genre!r}; song keywords know the genres {sorted(GENRE_THEMES)}.")
    if not isinstance(rng, np.random.Generator):
        raise ParameterTypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}.")
    own = title_keywords(title)
    names = list(THEMES)
    preference = np.array([GENRE_THEMES[genre].get(name, 0.2) for name in names], dtype=np.float64)
    weights = preference + 20.0 * _title_theme_boost(own)
    n_themes = 1 + int(rng.random() < 0.4)
    themes = rng.choice(len(names), size=n_themes, replace=False, p=weights / weights.sum())
    tags: list[str] = []
    for theme in themes:
        vocabulary = THEMES[names[theme]]
        rank_weights = 1.0 / np.sqrt(1.0 + np.arange(len(vocabulary)))  # typical words more often
        size = int(rng.integers(1, 4))
        picks = rng.choice(len(vocabulary), size=size, replace=False, p=rank_weights / rank_weights.sum())
        tags += [vocabulary[i] for i in picks]
    moods = GENRE_MOODS[genre]
    tags += [moods[i] for i in rng.choice(len(moods), size=int(rng.integers(1, 3)), replace=False)]
    genre_tags = GENRE_TAGS[genre]
    tags.append(genre_tags[0] if rng.random() < 0.7 else genre_tags[int(rng.integers(1, len(genre_tags)))])
    tags += [GENERAL_TAGS[i] for i in rng.choice(len(GENERAL_TAGS), size=int(rng.integers(0, 3)), replace=False)]
    if rng.random() < 0.5:
        tags += title_keywords(recipe.replace("_", " "))
    return title_keywords(" ".join([*own, *tags]))
