"""The keyword images kit: pictures of keywords (snow, ocean, sky, flower, ...) for the image→music lesson.

Hsia et al. relate an input image to songs through keywords: the image is matched to keywords, the keywords
to songs whose titles or tags contain them. This kit provides images for keywords chosen to overlap with the
words in the music kit's song titles (real Irish and Scottish tune titles and Bach chorales: *love*, *green*,
*morning*, *night*, *river*, *rose*, ...) and with the keywords on the paper's poster (*snow*, *ocean*, *sky*,
*clouds*, *flower*, *coffee*, ...).

Where a real photo that ships inside an installed wheel fits a keyword it is used (scikit-image's
``skimage/data`` folder and scikit-learn's ``sklearn/datasets/images`` folder; no download), cut into several
distinct images by deterministic crops, flips and small colour jitter. The other keywords are painted with
numpy: fractal noise for texture, soft-edged shapes, and a composition varied per image by a seeded
generator, each with a visual signature a person recognises (see :data:`SIGNATURES`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ...exceptions import ParameterError

__all__ = [
    "KEYWORDS",
    "SIGNATURES",
    "ALIASES",
    "SIZES",
    "IMAGE_SIZE",
    "KIT_VERSION",
    "DEFAULT_SEED",
    "PHOTOS",
    "RECIPES",
    "match_keyword",
    "paint_keyword_image",
]

KIT_VERSION = 1
DEFAULT_SEED = 0
IMAGE_SIZE = 224

#: Images per keyword for each profile.
SIZES = {"ci": 4, "small": 12, "full": 40}

#: One line per keyword: what its images look like.
SIGNATURES: dict[str, str] = {
    "snow": "soft white flakes falling over a blue-grey sky and snow-covered ground; bright, nearly colourless",
    "ocean": "a horizon over layered blue waves with white foam crests; blue dominates",
    "sky": "a blue gradient sky with a few soft fractal clouds; blue dominates",
    "clouds": "heavy white and grey fractal clouds with shaded undersides filling a blue sky",
    "sun": "a bright sun disc with a glow and rays in a warm orange-yellow sky over dark hills",
    "night": "a dark blue sky with stars, a crescent moon and black hills (or a night launch photo)",
    "star": "the Hubble deep field: countless stars and galaxies on black (photo crops)",
    "fire": "turbulent flames rising from the bottom, black to red to orange to yellow; red dominates",
    "forest": "layers of conifer silhouettes, pale and misty far away, dark green near; green dominates",
    "rain": "a grey-blue overcast sky with diagonal rain streaks over a dark wet ground",
    "river": "a winding blue river band through green grassy banks, widening towards the viewer",
    "mountain": "layered mountain ridges with atmospheric perspective and snow on the far peaks",
    "morning": "a dawn gradient, purple to pink to orange, a low sun on the horizon, misty fields",
    "summer": "a bright blue sky over a green meadow dotted with flowers, a sun in the corner",
    "flower": "an orange dahlia and its petals (photo crops)",
    "rose": "red roses, spiralling petals with dark folds, among dark green leaves",
    "dream": "soft blurred pastel blobs and bokeh circles with sparkles",
    "love": "red and pink heart shapes on a soft pink ground",
    "golden": "gold and amber shapes with a metallic shimmer on a warm ground",
    "red": "an abstract composition of crimson, scarlet and maroon shapes",
    "blue": "an abstract composition of navy, cobalt and azure shapes",
    "green": "green grass (tinted photo) or an abstract composition of emerald, lime and olive shapes",
    "white": "an abstract composition of white, ivory and pale grey shapes; bright and colourless",
    "dark": "near-black shapes in charcoal and deep navy; the darkest keyword",
    "coffee": "an espresso cup on a red saucer on a wooden table (photo crops)",
    "cat": "Chelsea the tabby cat's face (photo crops)",
    "horse": "a black horse silhouette (clip art) standing in a procedural field under the sky",
    "house": "houses with brick walls (photo texture), a pitched roof, windows and a door",
    "castle": "a palace on a wooded hill (photo crops) or grey stone towers with battlements",
    "bird": "a flock of gull silhouettes in the sky, or a robin perched on a branch",
}

#: The keywords, in a fixed order.
KEYWORDS: tuple[str, ...] = tuple(SIGNATURES)

#: Title words (and other words) that mean one of :data:`KEYWORDS`.
ALIASES: dict[str, str] = {
    "snowy": "snow",
    "sea": "ocean",
    "seas": "ocean",
    "shore": "ocean",
    "waves": "ocean",
    "ocean": "ocean",
    "skies": "sky",
    "cloud": "clouds",
    "cloudy": "clouds",
    "sunny": "sun",
    "sunshine": "sun",
    "bright": "sun",
    "moon": "night",
    "moonlight": "night",
    "evening": "night",
    "stars": "star",
    "starry": "star",
    "fires": "fire",
    "flame": "fire",
    "woods": "forest",
    "wood": "forest",
    "grove": "forest",
    "groves": "forest",
    "rainy": "rain",
    "showers": "rain",
    "banks": "river",
    "stream": "river",
    "hill": "mountain",
    "hills": "mountain",
    "mountains": "mountain",
    "highlands": "mountain",
    "dawn": "morning",
    "sunrise": "morning",
    "meadow": "summer",
    "flowers": "flower",
    "blossom": "flower",
    "roses": "rose",
    "dreams": "dream",
    "fairy": "dream",
    "fairies": "dream",
    "heart": "love",
    "lovely": "love",
    "lover": "love",
    "gold": "golden",
    "black": "dark",
    "cup": "coffee",
    "tea": "coffee",
    "kitty": "cat",
    "cats": "cat",
    "horses": "horse",
    "mare": "horse",
    "pony": "horse",
    "cottage": "house",
    "castles": "castle",
    "birds": "bird",
    "lark": "bird",
    "blackbird": "bird",
    "thrush": "bird",
    "cuckoo": "bird",
}


def match_keyword(word: str) -> str | None:
    """The image keyword a word stands for (itself, an alias, or ``None``).

    Examples
    --------
    >>> match_keyword("Hills"), match_keyword("rose"), match_keyword("jig")
    ('mountain', 'rose', None)
    """
    word = str(word).strip().lower()
    if word in SIGNATURES:
        return word
    return ALIASES.get(word)


# --------------------------------------------------------------------------------------------------------------
# Real photos shipped in installed wheels


@dataclass(frozen=True)
class Photo:
    """A photo file inside an installed package."""

    package: str
    relative: str
    licence: str

    @property
    def name(self) -> str:
        return Path(self.relative).name

    @property
    def path(self) -> Path:
        import importlib.util

        spec = importlib.util.find_spec(self.package)  # where the package is, without importing it
        if spec is None or not spec.submodule_search_locations:
            raise ParameterError(f"{self.package} is not installed; it holds the sample photo {self.name}.")
        return Path(list(spec.submodule_search_locations)[0]) / self.relative

    @property
    def source(self) -> str:
        return f"photo: {self.package} {self.name}"


PHOTOS: dict[str, Photo] = {
    "coffee": Photo("skimage", "data/coffee.png", "CC0 (Rachel Michetti, courtesy of Pikolo Espresso Bar)"),
    "chelsea": Photo("skimage", "data/chelsea.png", "CC0 (Stefan van der Walt)"),
    "rocket": Photo("skimage", "data/rocket.jpg", "public domain (SpaceX, DSCOVR launch)"),
    "hubble": Photo("skimage", "data/hubble_deep_field.jpg", "public domain (NASA, Hubble eXtreme Deep Field)"),
    "grass": Photo("skimage", "data/grass.png", "CC0 (linolafett, DeviantArt)"),
    "brick": Photo("skimage", "data/brick.png", "CC0 (CC0Textures, Bricks25)"),
    "horse": Photo("skimage", "data/horse.png", "CC0 (Andreas Preuss (marauder), openclipart)"),
    "flower": Photo("sklearn", "datasets/images/flower.jpg", "CC BY 2.0 (vultilion, Flickr 6056698931)"),
    "china": Photo("sklearn", "datasets/images/china.jpg", "CC BY 2.0 (danielbuechele, Flickr 6061409035)"),
}
PROCEDURAL_LICENCE = "MIT, as cbrec_lab (painted by cbrec_lab; no third-party content)"


@cache
def _photo_array(key: str) -> np.ndarray:
    """The photo as float32 in [0, 1]: (H, W, 3) for colour photos, (H, W) for greyscale ones, (H, W) alpha
    coverage for the horse silhouette."""
    from PIL import Image

    photo = PHOTOS[key]
    path = photo.path
    if not path.is_file():
        raise ParameterError(
            f"The sample photo {path} is missing from the installed {photo.package}. Reinstall it "
            f"(`pip install --force-reinstall {'scikit-image' if photo.package == 'skimage' else 'scikit-learn'}`)."
        )
    with Image.open(path) as image:
        if key == "horse":
            rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255
            return rgba[..., 3] * (1 - rgba[..., :3].mean(axis=2))  # silhouette coverage
        mode = "L" if image.mode in ("L", "I", "I;16") else "RGB"
        return np.asarray(image.convert(mode), dtype=np.float32) / 255


def _resize(array: np.ndarray, size: int | tuple[int, int]) -> np.ndarray:
    """Resize a float image in [0, 1] with Pillow (Lanczos), per channel in float precision."""
    from PIL import Image

    width, height = (size, size) if isinstance(size, int) else size
    if array.ndim == 2:
        channel = Image.fromarray(array.astype(np.float32), mode="F")
        return np.asarray(channel.resize((width, height), Image.Resampling.LANCZOS))
    return np.stack([_resize(array[..., c], (width, height)) for c in range(array.shape[2])], axis=2)


def _photo_crop(
    rng: np.random.Generator, key: str, scale: tuple[float, float], *, box=None, flip: bool = True
) -> np.ndarray:
    """A square crop of a photo (side a fraction ``scale`` of the short side, inside ``box`` = fractions
    (top, left, bottom, right) of the photo), maybe flipped, resized to the image size."""
    photo = _photo_array(key)
    height, width = photo.shape[:2]
    top, left, bottom, right = box or (0.0, 0.0, 1.0, 1.0)
    y0, x0, y1, x1 = int(top * height), int(left * width), int(bottom * height), int(right * width)
    side = int(rng.uniform(*scale) * min(y1 - y0, x1 - x0))
    y = y0 + int(rng.integers(0, y1 - y0 - side + 1))
    x = x0 + int(rng.integers(0, x1 - x0 - side + 1))
    crop = photo[y : y + side, x : x + side]
    if flip and rng.random() < 0.5:
        crop = crop[:, ::-1]
    return _resize(np.ascontiguousarray(crop), IMAGE_SIZE)


def _jitter(rng: np.random.Generator, image: np.ndarray, amount: float = 0.06) -> np.ndarray:
    """Small brightness, contrast and per-channel colour changes."""
    gains = rng.uniform(1 - amount / 2, 1 + amount / 2, 3) * rng.uniform(1 - amount, 1 + amount)
    contrast = rng.uniform(1 - amount, 1 + amount)
    mean = image.mean()
    return np.clip((image - mean) * contrast + mean, 0, 1) * gains


# --------------------------------------------------------------------------------------------------------------
# Painting helpers (float32 RGB in [0, 1], 224 × 224)

S = IMAGE_SIZE
_Y, _X = np.mgrid[0:S, 0:S].astype(np.float32) / (S - 1)


def _rgb(*values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


@cache
def _spline_matrix(cells: int) -> np.ndarray:
    """``(S, cells + 3)`` weights that sample a uniform cubic B-spline through ``cells + 3`` knots at S points."""
    t = (np.arange(S, dtype=np.float64) + 0.5) / S * cells
    i = np.floor(t).astype(int)
    f = t - i
    weights = np.stack([(1 - f) ** 3, 3 * f**3 - 6 * f**2 + 4, -3 * f**3 + 3 * f**2 + 3 * f + 1, f**3], axis=1) / 6
    matrix = np.zeros((S, cells + 3))
    for k in range(4):
        matrix[np.arange(S), i + k] = weights[:, k]
    return matrix.astype(np.float32)


def _noise(
    rng: np.random.Generator,
    *,
    octaves: int = 5,
    base: int = 3,
    persistence: float = 0.55,
    stretch: tuple[float, float] = (1.0, 1.0),
) -> np.ndarray:
    """Fractal noise in [0, 1]: a sum of smoothly upsampled random grids (cubic B-splines), each octave twice as
    fine and ``persistence`` times as strong. ``stretch`` (vertical, horizontal) > 1 makes features longer in
    that direction."""
    total = np.zeros((S, S), dtype=np.float32)
    amplitude = 1.0
    for octave in range(octaves):
        cells = base * 2**octave
        ny, nx = max(1, int(round(cells / stretch[0]))), max(1, int(round(cells / stretch[1])))
        grid = rng.standard_normal((ny + 3, nx + 3)).astype(np.float32)
        total += amplitude * (_spline_matrix(ny) @ grid @ _spline_matrix(nx).T)
        amplitude *= persistence
    total -= total.min()
    return total / max(float(total.max()), 1e-6)


def _noise1d(
    rng: np.random.Generator, n: int = S, *, octaves: int = 6, base: int = 3, persistence: float = 0.5
) -> np.ndarray:
    """Fractal noise along one axis, in [-1, 1] (ridge lines, flame heights, river meanders)."""
    t = np.linspace(0, 1, n, dtype=np.float32)
    total = np.zeros(n, dtype=np.float32)
    amplitude = 1.0
    for octave in range(octaves):
        cells = base * 2**octave
        knots = rng.standard_normal(cells + 1).astype(np.float32)
        total += amplitude * np.interp(t * cells, np.arange(cells + 1), knots)
        amplitude *= persistence
    return total / max(float(np.abs(total).max()), 1e-6)


def _vgradient(*stops) -> np.ndarray:
    """A vertical gradient through (position, colour) stops, top = 0."""
    positions = np.array([p for p, _ in stops], dtype=np.float32)
    colours = np.array([c for _, c in stops], dtype=np.float32)
    y = _Y[:, :1]
    out = np.stack([np.interp(y, positions, colours[:, c]) for c in range(3)], axis=2)
    return np.broadcast_to(out, (S, S, 3)).astype(np.float32).copy()


def _blend(image: np.ndarray, colour, alpha: np.ndarray) -> np.ndarray:
    """Paint ``colour`` (RGB, or an image) over ``image`` with coverage ``alpha`` (H, W)."""
    alpha = np.clip(alpha, 0, 1)[..., None]
    return image * (1 - alpha) + np.asarray(colour, dtype=np.float32) * alpha


def _soft(distance: np.ndarray, width: float = 1.5 / S) -> np.ndarray:
    """Coverage from a signed distance (negative inside) with an edge ``width`` wide."""
    return np.clip(0.5 - distance / width, 0, 1)


def _smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0, 1)
    return t * t * (3 - 2 * t)


def _dots(rng: np.random.Generator, count: int, sigma: float, *, region=(0.0, 1.0), weights=None) -> np.ndarray:
    """Soft round dots (stars, flakes, sparks) at random places: points splatted then Gaussian-blurred, peak 1."""
    from scipy.ndimage import gaussian_filter

    canvas = np.zeros((S, S), dtype=np.float32)
    ys = rng.integers(int(region[0] * (S - 1)), int(region[1] * (S - 1)) + 1, count)
    xs = rng.integers(0, S, count)
    np.add.at(canvas, (ys, xs), weights if weights is not None else 1.0)
    if sigma > 0:
        canvas = gaussian_filter(canvas, sigma) * (2 * np.pi * sigma**2)
    return np.clip(canvas, 0, 1)


def _ridge(
    rng: np.random.Generator, base: float, amplitude: float, *, octaves: int = 6, persistence: float = 0.5
) -> np.ndarray:
    """A skyline height per column (fraction of the image from the top)."""
    return base - amplitude * _noise1d(rng, octaves=octaves, persistence=persistence)


def _below(line: np.ndarray) -> np.ndarray:
    """Soft coverage of the region below a per-column line."""
    return _soft(line[None, :] - _Y)


def _disc(cy: float, cx: float, radius: float) -> np.ndarray:
    return _soft(np.hypot(_Y - cy, _X - cx) - radius)


def _day_sky(rng: np.random.Generator) -> np.ndarray:
    top = _rgb(0.18, 0.42, 0.82) * rng.uniform(0.9, 1.1)
    return _vgradient((0.0, top), (1.0, _rgb(0.68, 0.82, 0.96)))


def _clouds(
    rng: np.random.Generator, image: np.ndarray, coverage: float, *, shade: float = 0.25, region: float = 1.0
) -> np.ndarray:
    """Soft fractal clouds covering about ``coverage`` of the image, shaded darker at their undersides."""
    n = _noise(rng, octaves=6, base=2, persistence=0.55, stretch=(0.6, 1.0))
    threshold = np.quantile(n, 1 - coverage)
    alpha = _smoothstep(threshold, threshold + 0.12, n) * (1 - _smoothstep(region - 0.15, region, _Y))
    lower = np.roll(n, -6, axis=0)  # the noise a little further down: thinner there means an underside
    underside = np.clip((n - lower) * 6, 0, 1)
    tone = 1.0 - shade * underside - 0.12 * shade * (1 - n)
    colour = np.stack([tone * 0.97, tone * 0.97, tone], axis=2)
    return image * (1 - alpha[..., None]) + colour * alpha[..., None]


def _grass(rng: np.random.Generator, light, dark) -> np.ndarray:
    n = 0.6 * _noise(rng, octaves=6, base=6, persistence=0.7, stretch=(3.0, 0.5)) + 0.4 * _noise(rng, octaves=3, base=3)
    return np.asarray(dark, np.float32) + (np.asarray(light, np.float32) - np.asarray(dark, np.float32)) * n[..., None]


# --------------------------------------------------------------------------------------------------------------
# Painters: (rng) -> float image; photo painters also say which photo they used


Painted = tuple[np.ndarray, str, str]  # image, source, licence


def _procedural(image: np.ndarray) -> Painted:
    return image, "procedural", PROCEDURAL_LICENCE


def _photo(image: np.ndarray, key: str, how: str = "") -> Painted:
    photo = PHOTOS[key]
    return image, photo.source + (f" ({how})" if how else ""), photo.licence


def paint_snow(rng):
    sky = _vgradient((0.0, _rgb(0.56, 0.62, 0.72)), (0.7, _rgb(0.80, 0.84, 0.90)), (1.0, _rgb(0.88, 0.90, 0.94)))
    sky = sky * (0.92 + 0.08 * _noise(rng, octaves=3, base=2)[..., None])
    ground_line = _ridge(rng, rng.uniform(0.62, 0.78), 0.06, octaves=3)
    far_trees = _ridge(rng, ground_line.mean() - 0.02, 0.05, octaves=7, persistence=0.8)
    image = _blend(sky, _rgb(0.62, 0.66, 0.74), _below(far_trees) * rng.uniform(0.5, 0.9))
    snow_ground = _rgb(0.93, 0.95, 0.98)[None, None] * (0.93 + 0.07 * _noise(rng, octaves=4, base=4)[..., None])
    image = _blend(image, snow_ground, _below(ground_line))
    for count, sigma, strength in (
        (rng.integers(250, 500), 0.7, 1.0),
        (rng.integers(60, 140), 1.6, 0.9),
        (rng.integers(8, 25), 3.2, 0.8),
    ):
        image = _blend(image, _rgb(1.0, 1.0, 1.0), strength * _dots(rng, int(count), sigma))
    return _procedural(image)


def paint_ocean(rng):
    horizon = rng.uniform(0.28, 0.48)
    image = _vgradient((0.0, _rgb(0.35, 0.6, 0.92)), (horizon, _rgb(0.75, 0.86, 0.97)), (1.0, _rgb(0.75, 0.86, 0.97)))
    image = _clouds(rng, image, rng.uniform(0.05, 0.25), region=horizon)
    depth = np.clip((_Y - horizon) / (1 - horizon), 0, 1)
    sea = _vgradient((0.0, _rgb(0.1, 0.35, 0.6)), (horizon, _rgb(0.15, 0.42, 0.66)), (1.0, _rgb(0.02, 0.18, 0.42)))
    # waves: horizontal crests that get larger (lower frequency) towards the viewer
    perspective = 1.0 / (depth + 0.06)
    wobble = _noise(rng, octaves=4, base=3, stretch=(0.4, 3.0))
    phase = perspective * rng.uniform(1.6, 2.4) + 2.5 * wobble + _X * rng.uniform(-1, 1)
    wave = 0.5 + 0.5 * np.sin(2 * np.pi * phase)
    sea = sea * (0.8 + 0.35 * wave[..., None])
    foam_noise = _noise(rng, octaves=5, base=6, stretch=(0.5, 2.0))
    foam = _smoothstep(0.82, 0.97, wave) * _smoothstep(0.45, 0.75, foam_noise) * (0.3 + 0.7 * depth)
    sea = _blend(sea, _rgb(0.95, 0.97, 1.0), foam)
    return _procedural(_blend(image, sea, _soft(horizon - _Y)))


def paint_sky(rng):
    image = _day_sky(rng)
    return _procedural(_clouds(rng, image, rng.uniform(0.08, 0.3), shade=0.15))


def paint_clouds(rng):
    image = _day_sky(rng) * rng.uniform(0.85, 1.0)
    image = _clouds(rng, image, rng.uniform(0.55, 0.8), shade=rng.uniform(0.35, 0.55))
    return _procedural(image)


def paint_sun(rng):
    cy, cx = rng.uniform(0.2, 0.45), rng.uniform(0.25, 0.75)
    image = _vgradient((0.0, _rgb(0.95, 0.55, 0.18)), (0.6, _rgb(1.0, 0.78, 0.35)), (1.0, _rgb(1.0, 0.85, 0.5)))
    d = np.hypot(_Y - cy, _X - cx)
    theta = np.arctan2(_Y - cy, _X - cx)
    rays = (0.5 + 0.5 * np.cos(theta * rng.integers(10, 18) + rng.uniform(0, 6.3))) ** 3
    radius = rng.uniform(0.08, 0.13)
    glow = np.exp(-(d - radius).clip(0) / 0.12)
    image = image + (0.35 * glow + 0.35 * rays * np.exp(-(d - radius).clip(0) / 0.3))[..., None] * _rgb(1.0, 0.8, 0.4)
    image = _blend(image, _rgb(1.0, 0.98, 0.85), _disc(cy, cx, radius))
    hills = _ridge(rng, rng.uniform(0.8, 0.9), 0.06, octaves=4)
    image = _blend(np.clip(image, 0, 1), _rgb(0.35, 0.18, 0.08), _below(hills))
    return _procedural(image)


def paint_night(rng):
    image = _vgradient((0.0, _rgb(0.01, 0.02, 0.07)), (1.0, _rgb(0.05, 0.09, 0.22)))
    small_stars = _dots(rng, int(rng.integers(150, 300)), 0.5, weights=rng.uniform(0.3, 1.0, 1))
    stars = small_stars + _dots(rng, int(rng.integers(10, 30)), 1.0)
    image = _blend(image, _rgb(1.0, 1.0, 0.92), np.clip(stars, 0, 1))
    cy, cx, radius = rng.uniform(0.15, 0.35), rng.uniform(0.2, 0.8), rng.uniform(0.06, 0.1)
    offset = radius * rng.uniform(0.35, 0.6)
    crescent = _disc(cy, cx, radius) * (1 - _disc(cy - offset * 0.4, cx + offset * rng.choice([-1, 1]), radius))
    glow = np.exp(-np.hypot(_Y - cy, _X - cx) / 0.12) * 0.15
    image = image + glow[..., None] * _rgb(0.6, 0.7, 1.0)
    image = _blend(image, _rgb(0.98, 0.95, 0.78), crescent)
    hills = _ridge(rng, rng.uniform(0.75, 0.88), 0.08, octaves=6, persistence=0.6)
    image = _blend(image, _rgb(0.0, 0.01, 0.02), _below(hills))
    return _procedural(np.clip(image, 0, 1))


def paint_night_rocket(rng):
    image = _photo_crop(rng, "rocket", (0.55, 1.0), flip=False)
    return _photo(_jitter(rng, image) * 0.8, "rocket", "night launch")


def paint_star(rng):
    return _photo(_jitter(rng, _photo_crop(rng, "hubble", (0.25, 0.7))), "hubble")


def paint_fire(rng):
    heat_base = 0.55 + 0.35 * _noise1d(rng, octaves=4)  # flame height per column
    turbulence = _noise(rng, octaves=6, base=3, persistence=0.6, stretch=(2.5, 0.6))
    height = 1 - _Y  # 0 at the bottom
    rise = (heat_base[None, :] - height) / heat_base[None, :]
    intensity = np.clip(1.2 * rise + 0.9 * (turbulence - 0.5) + 0.15, 0, 1)
    intensity = intensity ** rng.uniform(0.9, 1.3)
    r = np.clip(3.0 * intensity, 0, 1)
    g = np.clip(2.2 * intensity - 0.75, 0, 1) * 0.92
    b = np.clip(3.0 * intensity - 2.3, 0, 1) * 0.6
    image = np.stack([r, g, b], axis=2) + _rgb(0.06, 0.01, 0.0)
    sparks = _dots(rng, int(rng.integers(15, 40)), 0.8, region=(0.0, 0.5))
    image = _blend(image, _rgb(1.0, 0.7, 0.2), sparks)
    return _procedural(np.clip(image, 0, 1))


def _conifers(rng, base: float, count: int, height: tuple[float, float], width: float) -> np.ndarray:
    """Skyline (per column) of a row of conifers standing on ``base``."""
    x0 = np.sort(rng.uniform(-0.05, 1.05, count)).astype(np.float32)
    apex = base - rng.uniform(*height, count).astype(np.float32)
    slope = (base - apex) / (width * rng.uniform(0.7, 1.3, count).astype(np.float32))
    dx = np.abs(_X[0][None, :] - x0[:, None])
    teeth = 0.012 * ((dx * 60) % 1.0) * (dx < 0.3)  # branch tiers: a sawtooth along the flanks
    skyline = apex[:, None] + slope[:, None] * dx + teeth * slope[:, None] * 0.3
    return np.minimum(skyline.min(axis=0), base)


def paint_forest(rng):
    image = _vgradient((0.0, _rgb(0.78, 0.84, 0.78)), (1.0, _rgb(0.62, 0.72, 0.6)))
    layers = int(rng.integers(4, 6))
    far, near = _rgb(0.55, 0.66, 0.56), _rgb(0.04, 0.16, 0.06)
    for k in range(layers):
        t = k / (layers - 1)
        base = 0.45 + 0.55 * t + 0.05
        count = int(rng.integers(14, 24) - 6 * t)
        line = _conifers(rng, base, count, (0.18 + 0.2 * t, 0.3 + 0.35 * t), 0.06 + 0.05 * t)
        colour = far + (near - far) * t
        shade = colour[None, None] * (0.85 + 0.3 * _noise(rng, octaves=4, base=8)[..., None])
        image = _blend(image, shade, _below(line))
    return _procedural(image)


def paint_rain(rng):
    image = _vgradient((0.0, _rgb(0.32, 0.36, 0.42)), (0.65, _rgb(0.55, 0.6, 0.66)), (1.0, _rgb(0.2, 0.23, 0.27)))
    clouds = _noise(rng, octaves=5, base=2, stretch=(0.5, 1.5))
    image = image * (0.8 + 0.3 * clouds[..., None] * (1 - _Y[..., None]))
    ground = _ridge(rng, rng.uniform(0.72, 0.85), 0.03, octaves=3)
    wet = _vgradient((0.0, _rgb(0.16, 0.19, 0.23)), (1.0, _rgb(0.08, 0.1, 0.13)))
    wet = wet + 0.12 * (_noise(rng, octaves=4, base=6, stretch=(0.3, 3.0)) ** 3)[..., None]
    image = _blend(image, wet, _below(ground))
    from scipy.ndimage import gaussian_filter

    # streaks: sample points along a slanted segment from every drop and splat them
    n, length = int(rng.integers(350, 650)), rng.uniform(0.06, 0.12)
    angle = rng.uniform(0.25, 0.45) * rng.choice([-1, 1])
    y0, x0, strength = rng.uniform(-0.1, 1.0, n), rng.uniform(-0.1, 1.1, n), rng.uniform(0.3, 1.0, n)
    t = np.linspace(0, 1, int(length * S * 1.5))[None, :]
    ys = ((y0[:, None] + t * length * np.cos(angle)) * (S - 1)).round().astype(int).ravel()
    xs = ((x0[:, None] + t * length * np.sin(angle)) * (S - 1)).round().astype(int).ravel()
    inside = (ys >= 0) & (ys < S) & (xs >= 0) & (xs < S)
    streaks = np.zeros((S, S), dtype=np.float32)
    np.maximum.at(streaks, (ys[inside], xs[inside]), np.repeat(strength, t.size)[inside])
    streaks = np.clip(gaussian_filter(streaks, 0.5) * 1.6, 0, 1) * 0.5
    return _procedural(_blend(image, _rgb(0.85, 0.9, 0.95), streaks))


def paint_river(rng):
    horizon = rng.uniform(0.12, 0.3)
    image = _vgradient((0.0, _rgb(0.45, 0.65, 0.9)), (horizon, _rgb(0.78, 0.87, 0.95)), (1.0, _rgb(0.78, 0.87, 0.95)))
    hills = _ridge(rng, horizon + 0.02, 0.05, octaves=4)
    image = _blend(image, _rgb(0.4, 0.55, 0.45), _below(hills))
    mottle = 0.6 * _noise(rng, octaves=6, base=4, persistence=0.65, stretch=(0.5, 2.0)) + 0.4 * _noise(rng, octaves=3)
    banks = _rgb(0.12, 0.35, 0.08) + (_rgb(0.5, 0.75, 0.28) - _rgb(0.12, 0.35, 0.08)) * mottle[..., None]
    banks = banks * (0.75 + 0.25 * np.clip((_Y[..., None] - horizon) / (1 - horizon), 0, 1))
    image = _blend(image, banks, _soft(horizon + 0.03 - _Y))
    depth = np.clip((_Y - horizon) / (1 - horizon), 0, 1)
    meander = 0.5 + 0.22 * _noise1d(rng, octaves=3, base=2)[:, None] * depth + rng.uniform(-0.1, 0.1)
    half_width = (0.02 + 0.17 * depth**1.3) * rng.uniform(0.8, 1.2)
    distance = np.abs(_X - meander) - half_width
    water = _vgradient((0.0, _rgb(0.5, 0.7, 0.9)), (1.0, _rgb(0.12, 0.35, 0.62)))
    ripples = _noise(rng, octaves=5, base=4, stretch=(0.3, 3.0))
    water = water * (0.85 + 0.3 * ripples[..., None])
    mask = _Y > horizon + 0.02
    image = _blend(image, _rgb(0.6, 0.55, 0.38), _soft(distance - 0.012 * (0.3 + depth)) * mask)  # muddy edge
    image = _blend(image, water, _soft(distance) * mask)
    return _procedural(image)


def paint_mountain(rng):
    image = _vgradient((0.0, _rgb(0.42, 0.6, 0.86)), (0.6, _rgb(0.82, 0.88, 0.95)), (1.0, _rgb(0.85, 0.9, 0.95)))
    layers = int(rng.integers(4, 6))
    far, near = _rgb(0.62, 0.7, 0.82), _rgb(0.12, 0.2, 0.2)
    for k in range(layers):
        t = k / (layers - 1)
        line = _ridge(rng, 0.42 + 0.42 * t, 0.22 - 0.1 * t, octaves=7, persistence=0.5)
        colour = far + (near - far) * t
        layer = colour[None, None] * (0.9 + 0.2 * _noise(rng, octaves=5, base=4)[..., None])
        if k == 0:
            snowline = line.min() + rng.uniform(0.06, 0.1)
            caps = _smoothstep(snowline + 0.01, snowline - 0.02, _Y + 0.02 * _noise(rng, octaves=4, base=8))
            layer = _blend(layer, _rgb(0.97, 0.98, 1.0), caps)
        image = _blend(image, layer, _below(line))
    return _procedural(image)


def paint_morning(rng):
    horizon = rng.uniform(0.58, 0.72)
    image = _vgradient(
        (0.0, _rgb(0.25, 0.22, 0.5)),
        (horizon * 0.5, _rgb(0.85, 0.5, 0.6)),
        (horizon, _rgb(1.0, 0.78, 0.45)),
        (1.0, _rgb(1.0, 0.78, 0.45)),
    )
    cx, radius = rng.uniform(0.25, 0.75), rng.uniform(0.07, 0.11)
    d = np.hypot(_Y - horizon, _X - cx)
    image = image + (0.5 * np.exp(-d / 0.15))[..., None] * _rgb(1.0, 0.75, 0.4)
    image = _blend(image, _rgb(1.0, 0.92, 0.7), _disc(horizon, cx, radius))
    fields = _vgradient((0.0, _rgb(0.3, 0.25, 0.3)), (1.0, _rgb(0.1, 0.1, 0.12)))
    image = _blend(np.clip(image, 0, 1), fields, _below(_ridge(rng, horizon, 0.015, octaves=3)))
    for k in range(int(rng.integers(2, 4))):
        band = horizon + 0.05 + 0.08 * k + 0.03 * _noise(rng, octaves=3, base=2)
        mist = np.exp(-(((_Y - band) / 0.03) ** 2)) * 0.35
        image = _blend(image, _rgb(0.95, 0.75, 0.7), mist)
    return _procedural(image)


def paint_summer(rng):
    horizon = rng.uniform(0.45, 0.6)
    image = _clouds(rng, _day_sky(rng), rng.uniform(0.05, 0.15), shade=0.1, region=horizon)
    cy, cx = rng.uniform(0.08, 0.2), rng.choice([rng.uniform(0.05, 0.25), rng.uniform(0.75, 0.95)])
    glow = np.exp(-np.hypot(_Y - cy, _X - cx) / 0.1)
    image = _blend(image + 0.3 * glow[..., None], _rgb(1.0, 0.98, 0.8), _disc(cy, cx, 0.07))
    meadow = _grass(rng, _rgb(0.55, 0.82, 0.25), _rgb(0.2, 0.5, 0.1))
    image = _blend(np.clip(image, 0, 1), meadow, _below(_ridge(rng, horizon, 0.04, octaves=3)))
    for colour in (_rgb(1.0, 0.9, 0.2), _rgb(1.0, 1.0, 1.0), _rgb(0.9, 0.2, 0.3)):
        flowers = _dots(rng, int(rng.integers(40, 90)), 0.9, region=(horizon + 0.1, 1.0))
        image = _blend(image, colour, flowers)
    return _procedural(image)


def paint_flower(rng):
    return _photo(_jitter(rng, _photo_crop(rng, "flower", (0.45, 0.9), box=(0.1, 0.2, 1.0, 0.8))), "flower")


def paint_rose(rng):
    leaves = _grass(rng, _rgb(0.2, 0.42, 0.15), _rgb(0.02, 0.1, 0.03))
    image = leaves * (0.6 + 0.4 * _noise(rng, octaves=3, base=3)[..., None])
    count = int(rng.integers(1, 4))
    sizes = sorted(rng.uniform(0.16, 0.32, count))
    for radius in sizes:
        cy, cx = rng.uniform(radius, 1 - radius), rng.uniform(radius, 1 - radius)
        r = np.hypot(_Y - cy, _X - cx) / radius
        theta = np.arctan2(_Y - cy, _X - cx)
        petals = int(rng.integers(5, 8))
        outline = 1.0 + 0.1 * np.cos(petals * theta + rng.uniform(0, 6.3))
        spiral = (r * 3.2 - theta / (2 * np.pi) + 0.15 * np.sin(petals * theta)) % 1.0  # petal folds
        folds = _smoothstep(0.0, 0.25, spiral) * _smoothstep(1.0, 0.75, spiral)
        base = _rgb(0.78, 0.04, 0.1) * rng.uniform(0.85, 1.1)
        shade = (0.35 + 0.65 * folds) * (1.05 - 0.35 * r)
        rose = base[None, None] * shade[..., None] + (_rgb(0.25, 0.05, 0.08) * (1 - folds[..., None]) * 0.2)
        image = _blend(image, np.clip(rose, 0, 1), _soft((r - outline) * radius))
    return _procedural(image)


def paint_dream(rng):
    from scipy.ndimage import gaussian_filter

    pastels = np.array(
        [[1.0, 0.75, 0.85], [0.8, 0.72, 1.0], [0.7, 0.85, 1.0], [0.75, 1.0, 0.88], [1.0, 0.92, 0.75]], dtype=np.float32
    )
    order = rng.permutation(len(pastels))
    image = _vgradient((0.0, pastels[order[0]]), (1.0, pastels[order[1]]))
    for _ in range(int(rng.integers(6, 12))):
        blob = np.exp(-((np.hypot(_Y - rng.uniform(0, 1), _X - rng.uniform(0, 1)) / rng.uniform(0.1, 0.3)) ** 2))
        image = _blend(image, pastels[rng.integers(len(pastels))], 0.7 * blob)
    bokeh = np.zeros((S, S), dtype=np.float32)
    for _ in range(int(rng.integers(8, 18))):
        radius = rng.uniform(0.02, 0.07)
        d = np.hypot(_Y - rng.uniform(0, 1), _X - rng.uniform(0, 1)) - radius
        bokeh = np.maximum(bokeh, _soft(d, 0.01) * (0.35 + 0.3 * _smoothstep(-0.015, 0.0, d)))
    image = _blend(image, _rgb(1.0, 1.0, 1.0), gaussian_filter(bokeh, 1.5) * 0.8)
    sparkles = _dots(rng, int(rng.integers(20, 50)), 0.7)
    return _procedural(_blend(image, _rgb(1.0, 1.0, 1.0), sparkles))


def _heart(cy: float, cx: float, size: float, tilt: float = 0.0) -> np.ndarray:
    """Soft coverage of a heart shape, ``(x²+y²−1)³ − x²y³ ≤ 0``, centred at (cy, cx), ``size`` its
    half-width."""
    from scipy.ndimage import gaussian_filter

    u, v = (_X - cx) / size * 1.15, -(_Y - cy) / size * 1.15 + 0.1
    u, v = u * np.cos(tilt) - v * np.sin(tilt), u * np.sin(tilt) + v * np.cos(tilt)
    f = (u**2 + v**2 - 1) ** 3 - u**2 * v**3
    return gaussian_filter((f <= 0).astype(np.float32), 0.7)


def paint_love(rng):
    background = _vgradient((0.0, _rgb(1.0, 0.82, 0.86)), (1.0, _rgb(0.98, 0.68, 0.76)))
    image = background * (0.95 + 0.05 * _noise(rng, octaves=3, base=3)[..., None])
    reds = [_rgb(0.85, 0.06, 0.18), _rgb(0.95, 0.3, 0.45), _rgb(0.7, 0.02, 0.1), _rgb(1.0, 0.45, 0.6)]
    for _ in range(int(rng.integers(5, 12))):
        size = rng.uniform(0.04, 0.1)
        image = _blend(
            image,
            reds[rng.integers(len(reds))],
            _heart(rng.uniform(0, 1), rng.uniform(0, 1), size, rng.uniform(-0.5, 0.5)),
        )
    cy, cx, size = rng.uniform(0.42, 0.58), rng.uniform(0.4, 0.6), rng.uniform(0.22, 0.32)
    shine = np.exp(-np.hypot(_Y - (cy - size * 0.3), _X - (cx - size * 0.4)) / (size * 0.4)) * 0.35
    big = _rgb(0.86, 0.05, 0.15)[None, None] + shine[..., None]
    return _procedural(np.clip(_blend(image, big, _heart(cy, cx, size, rng.uniform(-0.25, 0.25))), 0, 1))


def _palette_scene(rng, palette: np.ndarray, *, shimmer: float = 0.0, texture: float = 0.12) -> np.ndarray:
    """An abstract colour-field composition of soft circles, bands and rotated rectangles in a palette."""
    pick = lambda: palette[rng.integers(len(palette))]  # noqa: E731
    image = _vgradient((0.0, pick()), (1.0, pick()))
    for _ in range(int(rng.integers(6, 11))):
        kind = rng.integers(3)
        cy, cx = rng.uniform(0, 1), rng.uniform(0, 1)
        if kind == 0:
            d = np.hypot(_Y - cy, _X - cx) - rng.uniform(0.08, 0.3)
        elif kind == 1:
            angle = rng.uniform(0, np.pi)
            d = np.abs((_X - cx) * np.cos(angle) + (_Y - cy) * np.sin(angle)) - rng.uniform(0.03, 0.12)
        else:
            angle = rng.uniform(0, np.pi)
            u = (_X - cx) * np.cos(angle) + (_Y - cy) * np.sin(angle)
            v = -(_X - cx) * np.sin(angle) + (_Y - cy) * np.cos(angle)
            d = np.maximum(np.abs(u) - rng.uniform(0.08, 0.3), np.abs(v) - rng.uniform(0.06, 0.2))
        shadow = _soft(d - 0.01, 0.05) * 0.25
        image = image * (1 - shadow[..., None])
        colour = pick()[None, None] * (1 - texture + 2 * texture * _noise(rng, octaves=4, base=4)[..., None])
        if shimmer:
            bands = 0.5 + 0.5 * np.sin(2 * np.pi * (3 * _noise(rng, octaves=3, base=2) + 2 * (_X + _Y)))
            colour = colour * (1 - shimmer + 2 * shimmer * bands[..., None])
        image = _blend(image, colour, _soft(d, 0.004))
    return np.clip(image, 0, 1)


_PALETTES = {
    "golden": np.array(
        [[0.85, 0.65, 0.13], [1.0, 0.84, 0.3], [0.72, 0.5, 0.1], [0.95, 0.75, 0.35], [0.55, 0.38, 0.08]]
    ),
    "red": np.array([[0.86, 0.08, 0.12], [0.6, 0.02, 0.05], [1.0, 0.25, 0.2], [0.45, 0.0, 0.04], [0.9, 0.35, 0.3]]),
    "blue": np.array([[0.05, 0.12, 0.45], [0.1, 0.3, 0.8], [0.3, 0.55, 0.95], [0.02, 0.06, 0.25], [0.5, 0.7, 1.0]]),
    "green": np.array([[0.1, 0.55, 0.25], [0.45, 0.8, 0.2], [0.3, 0.4, 0.1], [0.05, 0.3, 0.12], [0.55, 0.85, 0.5]]),
    "white": np.array([[1.0, 1.0, 1.0], [0.96, 0.95, 0.9], [0.88, 0.89, 0.9], [0.93, 0.93, 0.95], [0.8, 0.8, 0.8]]),
    "dark": np.array(
        [[0.02, 0.02, 0.03], [0.1, 0.1, 0.11], [0.04, 0.05, 0.12], [0.16, 0.15, 0.16], [0.07, 0.06, 0.06]]
    ),
}


def _palette_painter(name: str, *, shimmer: float = 0.0, texture: float = 0.12):
    def paint(rng):
        return _procedural(_palette_scene(rng, _PALETTES[name].astype(np.float32), shimmer=shimmer, texture=texture))

    paint.__name__ = f"paint_{name}"
    return paint


def paint_green_grass(rng):
    grey = _photo_crop(rng, "grass", (0.35, 0.8))
    dark, light = _rgb(0.05, 0.22, 0.03) * rng.uniform(0.8, 1.2), _rgb(0.55, 0.88, 0.3) * rng.uniform(0.9, 1.1)
    return _photo(np.clip(dark + (light - dark) * grey[..., None], 0, 1), "grass", "tinted green")


def paint_coffee(rng):
    return _photo(_jitter(rng, _photo_crop(rng, "coffee", (0.6, 1.0))), "coffee")


def paint_cat(rng):
    return _photo(_jitter(rng, _photo_crop(rng, "chelsea", (0.6, 1.0), box=(0.0, 0.25, 1.0, 1.0))), "chelsea")


def paint_horse(rng):
    horizon = rng.uniform(0.55, 0.7)
    if rng.random() < 0.5:
        sky = _clouds(rng, _day_sky(rng), rng.uniform(0.1, 0.3), region=horizon)
        field = _grass(rng, _rgb(0.5, 0.75, 0.25), _rgb(0.2, 0.45, 0.1))
    else:
        sky = _vgradient((0.0, _rgb(0.45, 0.35, 0.6)), (horizon, _rgb(1.0, 0.7, 0.4)), (1.0, _rgb(1.0, 0.7, 0.4)))
        field = _grass(rng, _rgb(0.75, 0.6, 0.25), _rgb(0.35, 0.25, 0.08))
    image = _blend(sky, field, _below(_ridge(rng, horizon, 0.03, octaves=3)))
    silhouette = _photo_array("horse")
    width = int(S * rng.uniform(0.6, 0.9))
    height = int(width * silhouette.shape[0] / silhouette.shape[1])
    mask = np.clip(_resize(silhouette, (width, height)), 0, 1)
    if rng.random() < 0.5:
        mask = mask[:, ::-1]
    top = min(S - height, int((horizon + rng.uniform(0.0, 0.15)) * S) - int(0.85 * height))
    left = int(rng.integers(0, S - width + 1))
    coverage = np.zeros((S, S), dtype=np.float32)
    coverage[max(top, 0) : top + height, left : left + width] = mask[max(-top, 0) :]
    coat = [_rgb(0.05, 0.04, 0.03), _rgb(0.3, 0.15, 0.06), _rgb(0.45, 0.25, 0.1)][rng.integers(3)]
    return _photo(_blend(image, coat, coverage), "horse", "silhouette in a procedural field")


def paint_house(rng):
    horizon = rng.uniform(0.7, 0.8)
    image = _clouds(rng, _day_sky(rng), rng.uniform(0.05, 0.25))
    image = _blend(image, _grass(rng, _rgb(0.45, 0.7, 0.25), _rgb(0.15, 0.4, 0.1)), _soft(horizon - _Y))
    bricks = _photo_crop(rng, "brick", (0.8, 1.0), flip=False).T  # the photo's courses run vertically
    mortar = _rgb(0.85, 0.82, 0.75)
    brick_colour = [_rgb(0.65, 0.25, 0.15), _rgb(0.75, 0.45, 0.3), _rgb(0.55, 0.3, 0.25)][rng.integers(3)]
    wall = brick_colour * (0.6 + 0.8 * bricks[..., None])
    wall = _blend(wall, mortar, _smoothstep(0.0, 0.05, bricks - np.quantile(bricks, 0.8)))
    half = rng.uniform(0.25, 0.36)
    cx = rng.uniform(0.5 - (0.48 - half), 0.5 + (0.48 - half))
    left, right, bottom = cx - half, cx + half, horizon + 0.05
    top = bottom - rng.uniform(0.3, 0.42)
    body = np.maximum(np.maximum(left - _X, _X - right), np.maximum(top - _Y, _Y - bottom))
    image = _blend(image, np.clip(wall, 0, 1), _soft(body))
    roof_top = top - rng.uniform(0.15, 0.25)
    overhang = 0.04
    roof = np.maximum(_Y - top, roof_top + (top - roof_top) * np.abs(_X - cx) / (half + overhang) - _Y)
    roof_colour = [_rgb(0.35, 0.12, 0.1), _rgb(0.25, 0.27, 0.3), _rgb(0.45, 0.3, 0.2)][rng.integers(3)]
    image = _blend(image, roof_colour * (0.85 + 0.3 * _noise(rng, octaves=3, base=8)[..., None]), _soft(roof))
    glass = [_rgb(0.55, 0.75, 0.9), _rgb(1.0, 0.85, 0.45)][rng.integers(2)]
    door_x = cx + rng.uniform(-0.4, 0.4) * half
    door = np.maximum(np.abs(_X - door_x) - 0.045, np.maximum(bottom - 0.16 - _Y, _Y - bottom))
    image = _blend(image, _rgb(0.3, 0.18, 0.1), _soft(door))
    for wx in (cx - half * 0.6, cx + half * 0.6):
        if abs(wx - door_x) < 0.12:
            continue
        for wy in (top + 0.1, bottom - 0.1):
            frame = np.maximum(np.abs(_X - wx) - 0.055, np.abs(_Y - wy) - 0.05)
            image = _blend(image, _rgb(0.95, 0.95, 0.92), _soft(frame))
            image = _blend(image, glass, _soft(frame + 0.012))
            bars = np.minimum(np.abs(_X - wx), np.abs(_Y - wy)) - 0.004
            image = _blend(image, _rgb(0.95, 0.95, 0.92), _soft(bars) * _soft(frame))
    return _photo(image, "brick", "wall texture of a procedural house")


def paint_castle_photo(rng):
    return _photo(_jitter(rng, _photo_crop(rng, "china", (0.55, 0.95), box=(0.0, 0.0, 1.0, 0.7))), "china")


def paint_castle(rng):
    image = _clouds(rng, _day_sky(rng), rng.uniform(0.1, 0.35))
    hill = _ridge(rng, rng.uniform(0.72, 0.82), 0.06, octaves=3)
    image = _blend(image, _grass(rng, _rgb(0.4, 0.6, 0.25), _rgb(0.12, 0.3, 0.08)), _below(hill))
    stone = _rgb(0.55, 0.53, 0.5) * rng.uniform(0.85, 1.1)
    texture = 0.8 + 0.3 * _noise(rng, octaves=5, base=10)[..., None]
    cx, half = rng.uniform(0.4, 0.6), rng.uniform(0.25, 0.35)
    wall_top, base = rng.uniform(0.45, 0.55), hill.mean() + 0.05
    merlon = ((_X - cx) * S / rng.uniform(10, 16)) % 1.0 < 0.5
    wall = np.maximum(np.abs(_X - cx) - half, np.maximum(np.where(merlon, wall_top - 0.03, wall_top) - _Y, _Y - base))
    image = _blend(image, stone * texture, _soft(wall))
    for tx in (cx - half, cx + half, cx + rng.uniform(-0.08, 0.08)):
        tw = rng.uniform(0.05, 0.08)
        ttop = wall_top - rng.uniform(0.12, 0.28)
        tmerlon = ((_X - tx) * S / 8) % 1.0 < 0.5
        tower = np.maximum(np.abs(_X - tx) - tw, np.maximum(np.where(tmerlon, ttop - 0.03, ttop) - _Y, _Y - base))
        image = _blend(image, stone * 0.9 * texture, _soft(tower))
        slit = np.maximum(np.abs(_X - tx) - 0.008, np.abs(_Y - (ttop + 0.08)) - 0.025)
        image = _blend(image, _rgb(0.1, 0.1, 0.12), _soft(slit))
    gate = np.maximum(np.abs(_X - cx) - 0.05, np.maximum(base - 0.13 - _Y, _Y - base))
    gate = np.minimum(gate, np.hypot(_X - cx, _Y - (base - 0.13)) - 0.05)
    gate = np.maximum(gate, _Y - base)
    return _procedural(_blend(image, _rgb(0.15, 0.1, 0.08), _soft(gate)))


def paint_bird(rng):
    if rng.random() < 0.5:  # a flock of gulls
        image = _clouds(
            rng,
            _day_sky(rng)
            if rng.random() < 0.5
            else _vgradient((0.0, _rgb(0.5, 0.45, 0.7)), (1.0, _rgb(1.0, 0.75, 0.5))),
            rng.uniform(0.05, 0.2),
        )
        coverage = np.zeros((S, S), dtype=np.float32)
        for _ in range(int(rng.integers(5, 14))):
            size = rng.uniform(0.03, 0.08)
            by, bx = rng.uniform(0.1, 0.85), rng.uniform(0.1, 0.9)
            u = (_X - bx) / size
            curve = by - size * 0.55 * np.abs(u) ** 0.6 * (1 - 0.35 * np.abs(u) ** 2)
            stroke = np.abs(_Y - curve) - size * 0.13 * (1.1 - np.abs(u))
            coverage = np.maximum(coverage, _soft(stroke) * (np.abs(u) < 1))
        return _procedural(_blend(image, _rgb(0.08, 0.08, 0.1), coverage))
    # a robin on a branch
    image = _vgradient((0.0, _rgb(0.75, 0.85, 0.9)), (1.0, _rgb(0.85, 0.9, 0.8)))
    image = image * (0.9 + 0.1 * _noise(rng, octaves=3, base=2)[..., None])
    by, bx, size = rng.uniform(0.45, 0.6), rng.uniform(0.35, 0.65), rng.uniform(0.14, 0.2)
    facing = rng.choice([-1, 1])
    branch_y = by + size * 0.95 + 0.03 * np.sin(_X * 4 + rng.uniform(0, 6))
    image = _blend(image, _rgb(0.3, 0.2, 0.12), _soft(np.abs(_Y - branch_y) - 0.02))
    brown, breast = _rgb(0.45, 0.32, 0.2), _rgb(0.9, 0.35, 0.1)
    body = np.hypot((_X - bx) / 1.25, _Y - by) - size * 0.75
    head = np.hypot(_X - (bx + facing * size * 0.75), _Y - (by - size * 0.55)) - size * 0.42
    tail = np.maximum(
        np.abs(_Y - (by + size * 0.1) - facing * 0.6 * (_X - bx + facing * size * 1.1)) - size * 0.12,
        np.abs(_X - (bx - facing * size * 1.2)) - size * 0.35,
    )
    image = _blend(image, brown, _soft(np.minimum(np.minimum(body, head), tail)))
    front = np.hypot(_X - (bx + facing * size * 0.55), _Y - (by - size * 0.05)) - size * 0.55
    image = _blend(image, breast, _soft(np.maximum(front, np.minimum(body, head))))
    eye = np.hypot(_X - (bx + facing * size * 0.9), _Y - (by - size * 0.62)) - size * 0.07
    beak_x = bx + facing * size * 1.17
    beak = np.maximum(
        np.abs(_Y - (by - size * 0.5)) - size * 0.08 * (1 - facing * (_X - beak_x) / (size * 0.25)),
        np.abs(_X - beak_x - facing * size * 0.1) - size * 0.12,
    )
    image = _blend(image, _rgb(0.05, 0.05, 0.05), _soft(np.minimum(eye, beak)))
    legs = np.maximum(
        np.minimum(np.abs(_X - bx + 0.02), np.abs(_X - bx - 0.02)) - 0.005,
        np.maximum(by + size * 0.6 - _Y, _Y - branch_y),
    )
    return _procedural(_blend(image, _rgb(0.2, 0.15, 0.1), _soft(legs)))


#: Per keyword, the painters its images cycle through (image k uses painter k mod n).
RECIPES: dict[str, tuple[Callable[[np.random.Generator], Painted], ...]] = {
    "snow": (paint_snow,),
    "ocean": (paint_ocean,),
    "sky": (paint_sky,),
    "clouds": (paint_clouds,),
    "sun": (paint_sun,),
    "night": (paint_night, paint_night, paint_night, paint_night_rocket),
    "star": (paint_star,),
    "fire": (paint_fire,),
    "forest": (paint_forest,),
    "rain": (paint_rain,),
    "river": (paint_river,),
    "mountain": (paint_mountain,),
    "morning": (paint_morning,),
    "summer": (paint_summer,),
    "flower": (paint_flower,),
    "rose": (paint_rose,),
    "dream": (paint_dream,),
    "love": (paint_love,),
    "golden": (_palette_painter("golden", shimmer=0.25),),
    "red": (_palette_painter("red"),),
    "blue": (_palette_painter("blue"),),
    "green": (paint_green_grass, _palette_painter("green")),
    "white": (_palette_painter("white", texture=0.04),),
    "dark": (_palette_painter("dark", texture=0.2),),
    "coffee": (paint_coffee,),
    "cat": (paint_cat,),
    "horse": (paint_horse,),
    "house": (paint_house,),
    "castle": (paint_castle_photo, paint_castle),
    "bird": (paint_bird,),
}
assert set(RECIPES) == set(SIGNATURES)


def _image_rng(seed: int, keyword: str, index: int) -> np.random.Generator:
    """The generator of one image: from the seed, the keyword's name (not its position) and the image's number,
    so that a profile's images are the first images of every larger profile."""
    return np.random.default_rng([seed, zlib.crc32(keyword.encode()), index])


def paint_keyword_image(keyword: str, index: int = 0, *, seed: int = DEFAULT_SEED) -> tuple[np.ndarray, str, str]:
    """Paint one image of a keyword.

    Parameters
    ----------
    keyword : str
        One of :data:`KEYWORDS`.
    index : int
        Which image of the keyword (0, 1, ...); the recipe cycles through the keyword's painters.
    seed : int
        The same keyword, index and seed give the same image.

    Returns
    -------
    image : numpy.ndarray
        ``(224, 224, 3)`` ``uint8`` RGB.
    source : str
        ``"procedural"`` or ``"photo: <package> <file>"`` (with how it was used).
    licence : str

    Raises
    ------
    ParameterError
        For an unknown keyword or a negative index.
    """
    if keyword not in RECIPES:
        raise ParameterError(f"Unknown keyword {keyword!r}. Choose one of: {', '.join(KEYWORDS)}.")
    if not isinstance(index, (int, np.integer)) or index < 0:
        raise ParameterError(f"index must be a non-negative integer, got {index!r}.")
    from threadpoolctl import threadpool_limits

    painters = RECIPES[keyword]
    with threadpool_limits(limits=1, user_api="blas"):  # tiny matrix products: threads only cost time
        image, source, licence = painters[index % len(painters)](_image_rng(seed, keyword, int(index)))
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8), source, licence
