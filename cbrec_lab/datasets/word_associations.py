"""Word relatedness that works offline: a small common-sense association network for the keyword images'
keywords, and ConceptNet's ``/related`` service when online.

Hsia et al. built the ground truth of their image→song evaluation from the top-``n`` words that ConceptNet
relates to each keyword. ConceptNet is a web service (or a multi-gigabyte database) that CI and many
classrooms cannot reach, so the course ships its own stand-in:

- :data:`ASSOCIATIONS` — for each of the 30 keywords of :mod:`cbrec_lab.datasets.keyword_images`, the words a
  reader associates with it (synonyms and word forms, parts and wholes, typical settings, colours, feelings,
  ConceptNet-style *RelatedTo*), strongest first. They were written from general knowledge of English, as a
  dictionary of associations, **not** read off the music kit's titles, so the ground truth is independent of
  the network the lesson learns from. Scottish and Irish words of the old tune titles that a dictionary
  relates to a keyword (*glen* → valley, *brae* → hill side) are there as a dictionary would have them.
- :func:`related_words` ranks every word of that network by **random walk with restart** from the keyword
  (personalised PageRank, Tong et al. 2006): the walker follows an association with probability
  ``1 − α`` (edges weighted by rank, ``w = 1 / sqrt(1 + r)`` for the ``r``-th association of a list) and jumps
  back to the keyword with probability ``α``. Direct associations come first, then words associated with
  several of them, so any ``n`` up to the size of the vocabulary (a few hundred words) has an answer — as
  ConceptNet's ranked ``/related`` list has.
- :func:`conceptnet_related` asks ConceptNet itself (``https://api.conceptnet.io/related/c/en/<word>``) when
  the network may be used; it raises at once when ``CBREC_OFFLINE`` is set.

References
----------
1. Speer, R., Chin, J., & Havasi, C. (2017). ConceptNet 5.5: An open multilingual graph of general knowledge.
   *AAAI*, 4444–4451. https://doi.org/10.1609/aaai.v31i1.11164
2. Tong, H., Faloutsos, C., & Pan, J.-Y. (2006). Fast random walk with restart and its applications.
   *ICDM*, 613–622. https://doi.org/10.1109/ICDM.2006.70
3. Hsia, C.-C., Lai, K.-H., Chen, Y., Wang, C.-J., & Tsai, M.-F. Representation learning for image-based music
   recommendation. Poster (National Chengchi University, Academia Sinica, KKBOX).
"""

from __future__ import annotations

import functools
import json

import numpy as np
import scipy.sparse as sp

from ..checks import fraction, positive_int
from ..config import offline
from ..exceptions import CbrecError, ParameterError

__all__ = [
    "ASSOCIATIONS",
    "association_vocabulary",
    "related_words",
    "conceptnet_related",
    "RelatednessUnavailableError",
]


class RelatednessUnavailableError(CbrecError):
    """ConceptNet cannot be reached (offline, or the service failed)."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: For each keyword of the keyword images, associated words, strongest first (see the module docstring).
ASSOCIATIONS: dict[str, tuple[str, ...]] = {
    key: _words(value)
    for key, value in {
        "snow": "snowy winter white cold ice frost flake snowflake christmas december mountain sledge ski "
        "snowman blizzard freeze frozen north january hill pine silent",
        "ocean": "sea seas waves wave shore beach water blue tide sailor ship sail boat island salt deep "
        "storm fish harbour coast bay voyage",
        "sky": "skies blue clouds heaven sun star air bird fly flight wind high rainbow horizon night moon angel",
        "clouds": "cloud cloudy sky rain grey storm mist fog white thunder heaven wind shadow dream",
        "sun": "sunny sunshine bright summer morning light day warm golden sunrise sunset sky gold heat noon "
        "yellow shine",
        "night": "moon moonlight evening dark star stars sleep dream midnight late black owl lamp candle "
        "shadow quiet silent bed lullaby",
        "star": "stars starry night sky moon shine bright heaven light christmas bethlehem twinkle wish planet evening",
        "fire": "fires flame flames burn heat red hot smoke candle light hearth spark ember warm blaze torch war",
        "forest": "woods wood grove groves tree trees pine oak green leaf leaves hunter deer wild fox path bush thorn",
        "rain": "rainy showers shower water cloud clouds storm wet umbrella grey puddle drop drops flood thunder tears",
        "river": "banks bank stream water flow bridge boat mill valley fish shannon brook ford current glen sea",
        "mountain": "hill hills mountains highlands highland peak valley rock climb high snow glen brae braes "
        "cliff ridge height",
        "morning": "dawn sunrise early day breakfast wake sun light dew fresh lark cock bird sunny",
        "summer": "meadow sun warm holiday june july august field flowers harvest hay heat beach green season",
        "flower": "flowers blossom blooming bloom rose lily daisy garden spring petal bouquet bee butterfly "
        "meadow violet",
        "rose": "roses red flower thorn love garden petal blossom bloom pink scent bud beauty bride",
        "dream": "dreams sleep night fairy fairies wish fantasy magic imagine vision hope ghost angel lullaby",
        "love": "heart lovely lover sweetheart darling dear kiss romance marry wedding bride valentine "
        "courting beloved maid fond passion",
        "golden": "gold yellow shine treasure rich crown king sun wealth coin amber ring queen",
        "red": "scarlet crimson blood rose fire cherry ruby wine apple coat flag heart",
        "blue": "sky sea ocean navy azure bell bells sad bonnet eyes water cold",
        "green": "grass leaf leaves tree fields meadow spring ireland emerald shamrock irish hill forest",
        "white": "snow pale ivory milk cloud clouds clean dove lily bride wedding cotton cream",
        "dark": "black night shadow gloom grim deep dim lonely death fear midnight raven coal",
        "coffee": "cup tea drink breakfast morning bean beans cafe mug milk sugar table kitchen",
        "cat": "kitty cats kitten mouse pet fur purr tail tom whiskers milk dog",
        "horse": "horses mare pony ride rider saddle race stable gallop hunt hunter farm colt",
        "house": "home cottage door roof window room hall family garden street town wall kitchen",
        "castle": "castles king queen tower prince princess knight palace fort hall lord court wall",
        "bird": "birds lark blackbird thrush cuckoo wing wings sing song nest feather fly robin sparrow dove",
    }.items()
}


def _check_associations() -> None:
    from .keyword_images import KEYWORDS

    missing = set(KEYWORDS) - set(ASSOCIATIONS)
    if missing:  # a programming error in this file: fail loudly at the first use, not with wrong numbers
        raise CbrecError(f"ASSOCIATIONS lacks the keyword(s) {sorted(missing)}.")


@functools.lru_cache(maxsize=1)
def _graph() -> tuple[tuple[str, ...], dict[str, int], sp.csr_matrix]:
    """The association network: vocabulary, index, and the column-stochastic transition matrix."""
    _check_associations()
    vocabulary = sorted({word for key, words in ASSOCIATIONS.items() for word in (key, *words)})
    index = {word: i for i, word in enumerate(vocabulary)}
    rows, cols, weights = [], [], []
    for key, words in ASSOCIATIONS.items():
        for rank, word in enumerate(words):
            if word == key:
                continue
            w = 1.0 / np.sqrt(1.0 + rank)
            rows += [index[key], index[word]]
            cols += [index[word], index[key]]
            weights += [w, w]
    n = len(vocabulary)
    adjacency = sp.csr_matrix((weights, (rows, cols)), shape=(n, n))  # duplicates (A→B and B→A lists) add up
    strength = np.asarray(adjacency.sum(axis=0)).ravel()
    transition = adjacency @ sp.diags(1.0 / strength)  # column j: where a walker at j goes next
    return tuple(vocabulary), index, transition.tocsr()


def association_vocabulary() -> tuple[str, ...]:
    """Every word of the association network, sorted."""
    return _graph()[0]


def related_words(word: str, n: int, *, restart: float = 0.3, iterations: int = 60) -> list[str]:
    """The ``n`` words most related to a keyword: random walk with restart on :data:`ASSOCIATIONS`.

    The relevance vector :math:`r` solves :math:`r = \\alpha e_w + (1 - \\alpha) P r` (power iteration), with
    :math:`P` the column-stochastic matrix of the undirected, rank-weighted association network and
    :math:`e_w` the indicator of ``word``. Words are ranked by :math:`r` (ties alphabetically); the keyword
    itself comes first, as in ConceptNet's ``/related`` list.

    Parameters
    ----------
    word : str
        A keyword of the network (any of the 30 image keywords, or another word of the vocabulary).
    n : int > 0
        How many words; at most the vocabulary's size.
    restart : float in (0, 1)
        The restart probability :math:`\\alpha` (smaller: the walk reaches further).
    iterations : int > 0
        Power iterations (60 at α = 0.3 leave an error below 0.7⁶⁰ ≈ 10⁻⁹).

    Returns
    -------
    list of str

    Examples
    --------
    >>> related_words("snow", 4)
    ['snow', 'white', 'mountain', 'snowy']

    Raises
    ------
    ParameterError
        For a word outside the network, or a bad ``n``, ``restart`` or ``iterations``.
    """
    vocabulary, index, transition = _graph()
    key = str(word).strip().lower()
    if key not in index:
        raise ParameterError(
            f"{word!r} is not in the association network; it knows the keywords {sorted(ASSOCIATIONS)} and "
            f"{len(vocabulary) - len(ASSOCIATIONS)} associated words."
        )
    n = positive_int(n, name="n")
    if n > len(vocabulary):
        raise ParameterError(f"n must be at most {len(vocabulary)}, the words of the network, got {n}.")
    restart = fraction(restart, name="restart")
    iterations = positive_int(iterations, name="iterations")
    start = np.zeros(len(vocabulary))
    start[index[key]] = 1.0
    relevance = start.copy()
    for _ in range(iterations):
        relevance = restart * start + (1.0 - restart) * (transition @ relevance)
    order = np.lexsort((np.arange(len(vocabulary)), -np.round(relevance, 12)))  # alphabetical among equals
    return [vocabulary[i] for i in order[:n]]


def conceptnet_related(word: str, n: int, *, timeout: float = 10.0) -> list[str]:
    """The ``n`` English words ConceptNet relates most to ``word`` (``/related``, Numberbatch similarity).

    Multi-word terms (``"snow_white"``) are kept with underscores replaced by spaces.

    Raises
    ------
    RelatednessUnavailableError
        At once when ``CBREC_OFFLINE`` is set, or when the service does not answer; use
        :func:`related_words` instead.
    ParameterError
        For an empty word or a bad ``n``.
    """
    term = str(word).strip().lower().replace(" ", "_")
    if not term:
        raise ParameterError("word must be a non-empty string.")
    n = positive_int(n, name="n")
    if n > 1000:
        raise ParameterError(f"n must be at most 1000 related words, got {n}; ask for fewer.")
    if offline():
        raise RelatednessUnavailableError(
            "ConceptNet is a web service and downloads are switched off (CBREC_OFFLINE=1); use the offline "
            "association network (related_words) instead."
        )
    import urllib.error
    import urllib.parse
    import urllib.request

    url = f"https://api.conceptnet.io/related/c/en/{urllib.parse.quote(term)}?filter=/c/en&limit={n}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - a fixed https URL
            payload = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as err:
        raise RelatednessUnavailableError(
            f"ConceptNet did not answer for {word!r} ({type(err).__name__}: {err}); use related_words instead."
        ) from err
    words = []
    for entry in payload.get("related", []):
        parts = str(entry.get("@id", "")).split("/")  # /c/en/<term>[/...]
        if len(parts) > 3 and parts[2] == "en":
            candidate = parts[3].replace("_", " ")
            if candidate not in words:
                words.append(candidate)
    return words[:n]
