"""The art market of the kit: what each artwork is called and costs, how much people like it, who buys it and when.

**Appeal** (the observable popularity signal, "favourites"): ``favourites_i ~ Poisson(λ_i)`` with

    log λ_i = APPEAL_BASE + Σ_k β_k · z_k(i) + Σ_t γ_t · 1[t ∈ tags_i] + ε_i,   ε_i ~ N(0, APPEAL_NOISE²)

where ``z_k`` are the artwork's attractiveness features (:func:`cbrec_lab.vision.attractiveness_features`)
standardised over the kit, with weights :data:`VISUAL_WEIGHTS`, and ``γ_t`` the weights of its subject
tags, :data:`TAG_WEIGHTS`. Some features get weight 0 on purpose: a ranking lesson should find that they do
not help.

**Customers and purchases** (one-of-a-kind inventory, like UGallery): artworks arrive at their upload time and
leave when sold. Customer ``c`` has a taste over families ``Dirichlet(TASTE_CONCENTRATION)`` and over
palettes ``Dirichlet(TASTE_CONCENTRATION)``, a medium preference ``Dirichlet(1)``, an artist loyalty
``ℓ_c ~ Uniform(LOYALTY)`` and a budget ``LogNormal(log BUDGET_MEDIAN, BUDGET_SIGMA)``. They make
``1 + NegBin(PURCHASES_DISPERSION, ·)`` purchases (mean ``PURCHASES_MEAN``), the first at a uniform time in
the selling period and the next ones after ``Exponential(GAP_DAYS)`` days (purchases after the period's end
never happen). At a purchase, among the artworks available *at that moment*, the customer picks artwork
``i`` with probability ∝ ``exp(score)``:

    score = log taste_family + log taste_palette + 0.5 · log medium_pref + ℓ_c · 1[artist already bought]
            + APPEAL_SENSITIVITY · z(log favourites) − PRICE_PENALTY · max(0, log(price / budget))
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "COLOUR_NAMES",
    "dominant_colours",
    "make_title",
    "appeal",
    "simulate_purchases",
    "VISUAL_WEIGHTS",
    "TAG_WEIGHTS",
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

VISUAL_WEIGHTS = {
    "brightness": 0.10,
    "contrast": 0.20,
    "rgb_contrast": 0.0,
    "saturation": 0.35,
    "saturation_variation": 0.0,
    "sharpness": 0.25,
    "sharpness_variation": 0.0,
    "colourfulness": 0.30,
}
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
APPEAL_BASE = 2.3
APPEAL_NOISE = 0.35
TASTE_CONCENTRATION = 0.5
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


def appeal(features: pd.DataFrame, tags: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """Favourites per artwork from the appeal model (see the module docstring)."""
    z = (features - features.mean()) / features.std(ddof=0).replace(0, 1)
    visual = sum(weight * z[name] for name, weight in VISUAL_WEIGHTS.items())
    text = tags.apply(lambda t: sum(TAG_WEIGHTS.get(tag, 0.0) for tag in t.split(";")))
    log_rate = APPEAL_BASE + visual + text + rng.normal(0, APPEAL_NOISE, len(features))
    return rng.poisson(np.exp(log_rate)).astype(np.int64)


def simulate_purchases(
    items: pd.DataFrame, n_customers: int, start: pd.Timestamp, end: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    """Replay the market: customers buy one-of-a-kind artworks over time.

    Parameters
    ----------
    items : pandas.DataFrame
        Indexed by item id with ``artist``, ``family``, ``palette``, ``medium``, ``price``, ``upload_time``
        and ``favourites``.
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
    families = pd.Categorical(items["family"]).codes
    palettes = pd.Categorical(items["palette"]).codes
    media = pd.Categorical(items["medium"]).codes
    artists = pd.Categorical(items["artist"]).codes
    n_f, n_p, n_m = families.max() + 1, palettes.max() + 1, media.max() + 1
    log_fav = np.log1p(items["favourites"].to_numpy(float))
    z_appeal = (log_fav - log_fav.mean()) / (log_fav.std() + 1e-9)
    log_price = np.log(items["price"].to_numpy(float))
    upload = items["upload_time"].to_numpy("datetime64[ns]")

    taste_f = rng.dirichlet(np.full(n_f, TASTE_CONCENTRATION), n_customers)
    taste_p = rng.dirichlet(np.full(n_p, TASTE_CONCENTRATION), n_customers)
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
            np.log(taste_f[c, families[available]] + 1e-12)
            + np.log(taste_p[c, palettes[available]] + 1e-12)
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
