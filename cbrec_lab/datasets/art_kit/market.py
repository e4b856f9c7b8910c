"""The art market of the kit: what each artwork is called, says and costs, how much people like it, who buys it.

Every force here acts through **hidden causes** of the generative program (:mod:`.styles`, :mod:`.painting`)
and the **text** a work carries, never through features measured on its pixels: the pixels are one more
measurement of the same causes (a skilled work is cleaner, an unbalanced one heavier on one side).

**Appeal** (the latent log-rate of favourites, stored as ``appeal``)::

    appeal_i = APPEAL_BASE + Σ_k w_k · z_k(i) + Σ_t γ_t · 1[t ∈ tags_i] + ε_i,   ε_i ~ N(0, APPEAL_NOISE²)
    favourites_i ~ Poisson(exp(appeal_i))

with ``z_k`` the hidden properties standardised over the kit — technique ``skill``, composition ``balance``,
``novelty``, the artist's ``reputation`` and ``log price`` — weighted by :data:`APPEAL_WEIGHTS`, and ``γ_t`` the
weights of the subject tags, :data:`TAG_WEIGHTS`. A work's **description** (:func:`make_description`) is a
noisy report of the same hidden properties (a phrase on technique more likely the higher the skill, on a new
direction the higher the novelty, on exhibitions the higher the reputation), as a gallery's copy would be.

**Style space.** Every style attribute value — style family, palette family, brushwork, marks, composition —
has a fixed vector (:func:`style_vectors`; :data:`STYLE_WEIGHTS` scales each attribute), so a work sits at the
concatenation of its values' vectors. A customer's taste is a point ``θ_c ~ N(0, TASTE_STRENGTH² I)`` in that
space: ``θ_c · s_i`` is how much they like the look of work ``i``.

**Customers and purchases** (one-of-a-kind inventory, like UGallery): artworks arrive at their upload time and
leave when sold. Customer ``c`` has a taste ``θ_c``, a medium preference ``Dirichlet(1)``, an artist loyalty
``ℓ_c ~ Uniform(LOYALTY)`` and a budget ``LogNormal(log BUDGET_MEDIAN, BUDGET_SIGMA)``. They make
``1 + NegBin(PURCHASES_DISPERSION, ·)`` purchases (mean ``PURCHASES_MEAN``), the first at a uniform time in
the selling period and the next ones after ``Exponential(GAP_DAYS)`` days (purchases after the period's end
never happen). At a purchase, among the artworks available *at that moment*, the customer picks artwork
``i`` with probability ∝ ``exp(score)``:

    score = θ_c · s_i + 0.5 · log medium_pref + ℓ_c · 1[artist already bought]
            + APPEAL_SENSITIVITY · z(appeal) − PRICE_PENALTY · max(0, log(price / budget))

(``z(appeal)`` standardised over the kit: the latent appeal, not the favourites count).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...exceptions import ParameterError
from .painting import BRUSHWORKS, COMPOSITIONS, FAMILIES, MARKS, PALETTES

__all__ = [
    "COLOUR_NAMES",
    "dominant_colours",
    "make_title",
    "make_description",
    "appeal",
    "style_vectors",
    "simulate_purchases",
    "APPEAL_WEIGHTS",
    "TAG_WEIGHTS",
    "STYLE_WEIGHTS",
    "MARKET_PARAMETERS",
]

#: Named colours for the metadata (RGB 0–255).
COLOUR_NAMES = {
    "black": (20, 20, 20),
    "white": (245, 245, 240),
    "grey": (128, 128, 128),
    "silver": (192, 192, 192),
    "red": (200, 30, 30),
    "crimson": (150, 20, 40),
    "orange": (240, 130, 30),
    "yellow": (245, 215, 40),
    "gold": (210, 170, 50),
    "olive": (120, 120, 40),
    "green": (50, 150, 60),
    "dark green": (20, 70, 35),
    "teal": (0, 128, 128),
    "turquoise": (60, 210, 220),
    "sky blue": (130, 190, 230),
    "blue": (30, 70, 180),
    "navy": (15, 30, 80),
    "purple": (110, 40, 130),
    "violet": (140, 60, 240),
    "pink": (240, 150, 190),
    "magenta": (230, 20, 150),
    "brown": (110, 70, 35),
    "beige": (230, 215, 180),
    "cream": (250, 240, 215),
}

#: Weight of each standardised hidden property in the appeal (per standard deviation).
APPEAL_WEIGHTS = {"skill": 0.35, "balance": 0.20, "novelty": 0.20, "reputation": 0.35, "log_price": -0.10}
TAG_WEIGHTS = {
    "sunset": 0.40,
    "sea": 0.30,
    "nature": 0.20,
    "calm": 0.15,
    "light": 0.15,
    "bold": 0.10,
    "chaos": -0.20,
    "minimal": -0.10,
    "grid": -0.05,
}
#: Scale of each style attribute in the style space (its values' vectors have unit expected squared norm).
STYLE_WEIGHTS = {"family": 1.0, "brushwork": 0.8, "marks": 0.6, "composition": 0.6, "palette": 0.5}
STYLE_DIMENSIONS = 3
STYLE_SPACE_SEED = 20_200
APPEAL_BASE = 2.3
APPEAL_NOISE = 0.35
TASTE_STRENGTH = 1.5
LOYALTY = (1.0, 3.0)
BUDGET_MEDIAN = 1_200.0
BUDGET_SIGMA = 0.5
PURCHASES_MEAN = 2.2
PURCHASES_DISPERSION = 0.6
GAP_DAYS = 45.0
APPEAL_SENSITIVITY = 0.5
PRICE_PENALTY = 2.0

MARKET_PARAMETERS = {
    name: value for name, value in globals().items() if name.isupper() and isinstance(value, (int, float, tuple))
}
_STYLE_VALUES = {
    "family": FAMILIES,
    "brushwork": BRUSHWORKS,
    "marks": MARKS,
    "composition": COMPOSITIONS,
    "palette": tuple(PALETTES),
}
#: Phrases of the descriptions: (hidden property, phrases when it is high, phrases when it is low).
_DESCRIPTION_PHRASES = {
    "skill": (
        ("Meticulously layered.", "A confident, precise hand.", "Built up with great care over many sessions."),
        ("A quick, loose study.", "Painted in one sitting.", "Rough and unfinished in places."),
    ),
    "novelty": (
        ("A new direction for the artist.", "An experiment that departs from earlier series."),
        ("Part of a long-running series.", "A familiar theme, revisited."),
    ),
    "reputation": (
        ("The artist has exhibited internationally.", "From an award-winning artist.", "Collected widely."),
        ("An emerging artist.", "One of the artist's first works offered for sale."),
    ),
}

_TITLE_WORDS = {
    "colour_field": ("Untitled ({colour})", "No. {n} ({colour} on {colour2})", "{Colour} Field", "Silence in {Colour}"),
    "geometric_grid": (
        "Composition with {Colour} and {Colour2}",
        "Grid No. {n}",
        "Tableau {n}",
        "Construction in {Colour}",
    ),
    "drip": ("Number {n}", "{Colour} Rhythm", "Autumn Tangle", "Convergence {n}", "Lavender Storm"),
    "pointillist": (
        "A {Season} Afternoon at {Place}",
        "The Fields near {Place}",
        "{Season} Light",
        "Morning at {Place}",
    ),
    "wash_landscape": ("{Time} over the {Feature}", "The {Feature} at {Time}", "{Season} {Feature}", "Far {Feature}"),
    "concentric_circles": ("Circles in {Colour}", "Squares with Circles {n}", "{Colour} Orbits", "Targets No. {n}"),
    "stripes": ("{Colour} Current", "Cadence {n}", "Stripes in {Colour} and {Colour2}", "Vibration {n}"),
    "cubist": ("Still Life with {Object}", "Woman with {Object}", "The {Object}", "Facets {n}"),
}
_FILL = {
    "Season": ("Spring", "Summer", "Autumn", "Winter"),
    "Place": ("Arles", "the Harbour", "Saint-Cloud", "the River", "Grande Jatte", "the Orchard"),
    "Time": ("Evening", "Dawn", "Noon", "Dusk", "Night"),
    "Feature": ("Harbour", "Valley", "Hills", "Sea", "Mountains", "Lake", "Coast"),
    "Object": ("Guitar", "Bottle", "Mandolin", "Fruit Bowl", "Newspaper", "Pipe", "Fan"),
}


def dominant_colours(image: np.ndarray, k: int = 3, min_share: float = 0.08) -> list[str]:
    """Names of the most frequent colours: each pixel takes its nearest named colour (RGB distance); the
    ``k`` most frequent names covering at least ``min_share`` of the pixels, most frequent first."""
    pixels = image.reshape(-1, 3)[::7].astype(float)
    names = list(COLOUR_NAMES)
    table = np.array([COLOUR_NAMES[n] for n in names], dtype=float)
    nearest = ((pixels[:, None, :] - table[None]) ** 2).sum(axis=2).argmin(axis=1)
    counts = np.bincount(nearest, minlength=len(names)) / len(pixels)
    order = np.argsort(-counts, kind="stable")
    return [names[i] for i in order[:k] if counts[i] >= min_share] or [names[order[0]]]


def make_title(family: str, colours: list[str], rng: np.random.Generator) -> str:
    """A title in the manner of the family (colours from the artwork's own dominant colours)."""
    template = str(rng.choice(_TITLE_WORDS[family]))
    colour = colours[0]
    colour2 = colours[1] if len(colours) > 1 else colours[0]
    values = {
        "colour": colour,
        "colour2": colour2,
        "Colour": colour.title(),
        "Colour2": colour2.title(),
        "n": int(rng.integers(1, 40)),
    }
    values.update({key: str(rng.choice(options)) for key, options in _FILL.items()})
    return template.format(**values)


def make_description(medium: str, tags: list[str], hidden: dict[str, float], rng: np.random.Generator) -> str:
    """A gallery's copy for a work: medium, subject, and noisy reports of its hidden properties.

    For each of ``skill``, ``novelty`` and ``reputation`` (``hidden``, each standardised: 0 typical, ±1 one
    standard deviation), a phrase is written with probability 0.6; it is a "high" phrase with probability
    ``sigmoid(1.5 · z)`` and a "low" phrase otherwise.
    """
    sentences = [
        f"{medium.capitalize()} on {'paper' if medium in ('watercolour', 'ink') else 'canvas'}.",
        f"A {' and '.join(tags[:2])} piece.",
    ]
    for name, (high, low) in _DESCRIPTION_PHRASES.items():
        if rng.random() < 0.6:
            phrases = high if rng.random() < 1 / (1 + np.exp(-1.5 * hidden[name])) else low
            sentences.append(str(phrases[int(rng.integers(len(phrases)))]))
    return " ".join(sentences)


def _standardise(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return (values - values.mean()) / (values.std() or 1.0)


def appeal(hidden: pd.DataFrame, tags: pd.Series, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Latent appeal and favourites per artwork (see the module docstring).

    Parameters
    ----------
    hidden : pandas.DataFrame
        One row per artwork with the columns of :data:`APPEAL_WEIGHTS` (raw values; standardised here).
    tags : pandas.Series
        ``;``-separated subject tags per artwork.
    rng : numpy.random.Generator

    Returns
    -------
    appeal : numpy.ndarray
        ``log λ_i`` including the noise ``ε_i``.
    favourites : numpy.ndarray of int64
    """
    missing = [name for name in APPEAL_WEIGHTS if name not in hidden.columns]
    if missing:
        raise ParameterError(f"hidden lacks the columns {missing}; appeal needs {list(APPEAL_WEIGHTS)}.")
    causes = sum(weight * _standardise(hidden[name]) for name, weight in APPEAL_WEIGHTS.items())
    text = tags.apply(lambda t: sum(TAG_WEIGHTS.get(tag, 0.0) for tag in t.split(";"))).to_numpy(float)
    log_rate = APPEAL_BASE + causes + text + rng.normal(0, APPEAL_NOISE, len(hidden))
    return log_rate, rng.poisson(np.exp(log_rate)).astype(np.int64)


def style_vectors(items: pd.DataFrame) -> np.ndarray:
    """Each artwork's position in the style space: its values' fixed vectors, scaled by :data:`STYLE_WEIGHTS`.

    Parameters
    ----------
    items : pandas.DataFrame
        With the columns of :data:`STYLE_WEIGHTS` (values from :data:`~.painting.FAMILIES`,
        :data:`~.painting.BRUSHWORKS`, :data:`~.painting.MARKS`, :data:`~.painting.COMPOSITIONS`,
        :data:`~.painting.PALETTES`).

    Returns
    -------
    numpy.ndarray [shape=(len(items), len(STYLE_WEIGHTS) · STYLE_DIMENSIONS)]
        The same value always has the same vector (drawn once from ``STYLE_SPACE_SEED``).
    """
    blocks = []
    for a, (attribute, weight) in enumerate(STYLE_WEIGHTS.items()):
        if attribute not in items.columns:
            raise ParameterError(
                f"items lacks the style column {attribute!r}; the style space needs {list(STYLE_WEIGHTS)}."
            )
        values = _STYLE_VALUES[attribute]
        unknown = sorted(set(items[attribute]) - set(values))
        if unknown:
            raise ParameterError(f"items[{attribute!r}] has unknown values {unknown}; known: {list(values)}.")
        table = np.random.default_rng([STYLE_SPACE_SEED, a]).normal(
            0, 1 / np.sqrt(STYLE_DIMENSIONS), (len(values), STYLE_DIMENSIONS)
        )
        index = pd.Categorical(items[attribute], categories=values).codes
        blocks.append(weight * table[index])
    return np.hstack(blocks)


def simulate_purchases(
    items: pd.DataFrame, n_customers: int, start: pd.Timestamp, end: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    """Replay the market: customers buy one-of-a-kind artworks over time.

    Parameters
    ----------
    items : pandas.DataFrame
        Indexed by item id with ``artist``, ``medium``, ``price``, ``upload_time``, ``appeal`` and the style
        columns of :data:`STYLE_WEIGHTS`.
    n_customers : int
    start, end : pandas.Timestamp
        The selling period.
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        ``user_id``, ``item_id``, ``timestamp``, ``price``; sorted by timestamp. Every artwork is sold at most
        once, never before its upload time.
    """
    style = style_vectors(items)
    media = pd.Categorical(items["medium"]).codes
    artists = pd.Categorical(items["artist"]).codes
    n_m = media.max() + 1
    z_appeal = _standardise(items["appeal"])
    log_price = np.log(items["price"].to_numpy(float))
    upload = items["upload_time"].to_numpy("datetime64[ns]")

    taste = rng.normal(0, TASTE_STRENGTH, (n_customers, style.shape[1]))
    pref_m = rng.dirichlet(np.ones(n_m), n_customers)
    loyalty = rng.uniform(*LOYALTY, n_customers)
    log_budget = np.log(BUDGET_MEDIAN) + rng.normal(0, BUDGET_SIGMA, n_customers)
    p = PURCHASES_DISPERSION / (PURCHASES_DISPERSION + PURCHASES_MEAN - 1)
    n_purchases = 1 + rng.negative_binomial(PURCHASES_DISPERSION, p, n_customers)

    period = (end - start).total_seconds()
    events = []
    for c in range(n_customers):
        t = rng.uniform(0, period)
        for _ in range(n_purchases[c]):
            if t > period:
                break
            events.append((t, c))
            t += rng.exponential(GAP_DAYS * 86_400)
    events.sort()

    sold = np.zeros(len(items), dtype=bool)
    bought_artists: list[set[int]] = [set() for _ in range(n_customers)]
    rows = []
    for t, c in events:
        when = start + pd.Timedelta(seconds=float(t))
        available = np.flatnonzero(~sold & (upload <= when.to_datetime64()))
        if not len(available):
            continue
        score = (
            style[available] @ taste[c]
            + 0.5 * np.log(pref_m[c, media[available]] + 1e-12)
            + loyalty[c] * np.isin(artists[available], list(bought_artists[c]))
            + APPEAL_SENSITIVITY * z_appeal[available]
            - PRICE_PENALTY * np.maximum(0.0, log_price[available] - log_budget[c])
        )
        choice = available[np.argmax(score + rng.gumbel(size=len(available)))]
        sold[choice] = True
        bought_artists[c].add(int(artists[choice]))
        rows.append((f"C{c + 1:05d}", items.index[choice], when.round("s"), float(items["price"].iloc[choice])))
    return pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp", "price"])
