"""Procedural painting: eight families of abstract and landscape compositions, six media.

A painting is made in two steps. A **family** painter lays out the composition in the artist's palette
(float RGB in [0, 1]); a **medium** then changes the surface: brush texture for oil, flat colour for acrylic,
soft edges, pigment pooling and paper for watercolour, posterised ink on paper, lens blur, vignette and grain
for photography, pasted paper and scribbles for mixed media. Every random choice comes from the ``rng``
passed in, so a painting is a pure function of its seed.

Families (after the artists whose work they recall): ``colour_field`` (stacked soft rectangles, Rothko),
``geometric_grid`` (recursive black-line grid with primary cells, Mondrian), ``drip`` (random-walk strokes and
splatter, Pollock), ``pointillist`` (dots sampled from a landscape, Seurat), ``wash_landscape`` (layered
ridges with atmospheric perspective), ``concentric_circles`` (ringed squares, Kandinsky), ``stripes``
(straight or wavy bands, Riley) and ``cubist`` (shaded Voronoi facets, Braque).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

__all__ = ["FAMILIES", "MEDIA", "PALETTES", "paint", "fractal_noise", "jitter_palette"]

FAMILIES = (
    "colour_field",
    "geometric_grid",
    "drip",
    "pointillist",
    "wash_landscape",
    "concentric_circles",
    "stripes",
    "cubist",
)
MEDIA = ("oil", "acrylic", "watercolour", "ink", "photography", "mixed media")

#: Base palettes (RGB in [0, 1]); an artist jitters one of them.
PALETTES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "earth": ((0.80, 0.60, 0.25), (0.63, 0.32, 0.18), (0.39, 0.26, 0.13), (0.52, 0.50, 0.22), (0.94, 0.89, 0.76)),
    "ocean": ((0.05, 0.12, 0.32), (0.00, 0.48, 0.52), (0.50, 0.75, 0.90), (0.90, 0.85, 0.70), (0.97, 0.97, 0.95)),
    "primaries": ((0.85, 0.10, 0.10), (0.98, 0.84, 0.10), (0.10, 0.22, 0.70), (0.06, 0.06, 0.06), (0.96, 0.95, 0.92)),
    "pastel": ((0.97, 0.75, 0.80), (0.70, 0.92, 0.80), (0.80, 0.75, 0.95), (1.00, 0.85, 0.70), (0.98, 0.95, 0.72)),
    "neon": ((1.00, 0.05, 0.60), (0.00, 0.88, 1.00), (0.62, 1.00, 0.05), (1.00, 0.50, 0.00), (0.45, 0.00, 0.95)),
    "sunset": ((0.78, 0.10, 0.20), (1.00, 0.50, 0.12), (1.00, 0.80, 0.22), (0.38, 0.10, 0.40), (0.98, 0.70, 0.62)),
    "forest": ((0.08, 0.25, 0.12), (0.35, 0.48, 0.20), (0.55, 0.68, 0.35), (0.36, 0.25, 0.15), (0.85, 0.88, 0.82)),
    "mono": ((0.12, 0.12, 0.13), (0.45, 0.45, 0.46), (0.75, 0.75, 0.76), (0.97, 0.96, 0.94), (0.80, 0.15, 0.12)),
}


def fractal_noise(
    rng: np.random.Generator, shape: tuple[int, int], octaves: int = 5, persistence: float = 0.55, base: int = 4
) -> np.ndarray:
    """Sum of upsampled random grids (value noise), scaled to zero mean and unit standard deviation."""
    h, w = shape
    total = np.zeros(shape)
    amplitude = 1.0
    for octave in range(octaves):
        cells = base * 2**octave
        grid = rng.standard_normal((cells + 1, cells + 1))
        total += amplitude * ndimage.zoom(grid, (h / (cells + 1), w / (cells + 1)), order=3)[:h, :w]
        amplitude *= persistence
    return (total - total.mean()) / (total.std() + 1e-9)


def _canvas(colour, n: int) -> np.ndarray:
    return np.ones((n, n, 3)) * np.asarray(colour)


def _blend(image: np.ndarray, mask: np.ndarray, colour) -> np.ndarray:
    mask = np.clip(mask, 0, 1)[..., None]
    return image * (1 - mask) + mask * np.asarray(colour)


def _colour_field(rng, palette, n, motif):
    image = _canvas(palette[0], n)
    yy, xx = np.mgrid[0:n, 0:n] / n
    k = motif["count"]
    heights = rng.dirichlet(np.ones(k) * 4) * (1 - 0.1 * (k + 1))
    top = 0.06
    for i in range(k):
        y0, y1 = top, top + heights[i]
        x0, x1 = 0.07 + rng.uniform(0, 0.03), 0.93 - rng.uniform(0, 0.03)
        mask = ((yy > y0) & (yy < y1) & (xx > x0) & (xx < x1)).astype(float)
        mask = ndimage.gaussian_filter(mask, n * 0.012 * motif["softness"])
        shade = palette[1 + i % (len(palette) - 1)]
        image = _blend(image, mask * (0.9 + 0.1 * fractal_noise(rng, (n, n), 3)), shade)
        top = y1 + 0.06
    return image


def _geometric_grid(rng, palette, n, motif):
    image = _canvas(palette[-1], n)
    cells = [(0, 0, n, n)]
    for _ in range(motif["count"] + 3):
        index = int(rng.integers(len(cells)))
        y, x, h, w = cells.pop(index)
        if max(h, w) < n // 6:
            cells.append((y, x, h, w))
            continue
        if h > w:
            cut = int(rng.uniform(0.3, 0.7) * h)
            cells += [(y, x, cut, w), (y + cut, x, h - cut, w)]
        else:
            cut = int(rng.uniform(0.3, 0.7) * w)
            cells += [(y, x, h, cut), (y, x + cut, h, w - cut)]
    line = max(2, int(n * motif["line"]))
    for y, x, h, w in cells:
        if rng.random() < 0.4:
            image[y : y + h, x : x + w] = palette[int(rng.integers(len(palette) - 1))]
    for y, x, h, w in cells:
        image[y : y + line, x : x + w] = 0.05
        image[y : y + h, x : x + line] = 0.05
    image[-line:, :] = 0.05
    image[:, -line:] = 0.05
    return image


def _drip(rng, palette, n, motif):
    image = _canvas(palette[-1], n)
    for _ in range(motif["count"] * 12):
        colour = palette[int(rng.integers(len(palette) - 1))]
        steps = int(rng.integers(30, 160))
        angle = np.cumsum(rng.normal(0, 0.35, steps)) + rng.uniform(0, 2 * np.pi)
        xy = np.cumsum(np.column_stack([np.cos(angle), np.sin(angle)]) * rng.uniform(1, 3), axis=0) + rng.uniform(
            0, n, 2
        )
        mask = np.zeros((n, n))
        ij = np.clip(xy.astype(int), 0, n - 1)
        mask[ij[:, 1], ij[:, 0]] = 1
        mask = ndimage.gaussian_filter(mask, rng.uniform(0.6, 1.6) * motif["brush"]) * 6
        image = _blend(image, mask, colour)
    splatter = rng.random((n, n)) < 0.002 * motif["count"]
    image = _blend(image, ndimage.gaussian_filter(splatter.astype(float), 0.8) * 5, palette[0])
    return image


def _landscape(rng, palette, n, ridges):
    """A sky gradient over ``ridges`` layered hills, far ones paler (atmospheric perspective)."""
    yy = np.linspace(0, 1, n)[:, None, None]
    sky_top, sky_bottom = np.asarray(palette[2]), np.asarray(palette[-1])
    image = np.broadcast_to(sky_top * (1 - yy) + sky_bottom * yy, (n, n, 3)).copy()
    if rng.random() < 0.6:
        cy, cx, r = rng.uniform(0.15, 0.35) * n, rng.uniform(0.2, 0.8) * n, rng.uniform(0.05, 0.1) * n
        Y, X = np.mgrid[0:n, 0:n]
        image = _blend(
            image, ndimage.gaussian_filter(((Y - cy) ** 2 + (X - cx) ** 2 < r * r).astype(float), 2), palette[3]
        )
    Y = np.mgrid[0:n, 0:n][0]
    for k in range(ridges):
        depth = (k + 1) / ridges
        profile = fractal_noise(rng, (1, n), octaves=4, base=3)[0]
        horizon = (0.35 + 0.5 * depth + 0.06 * profile) * n
        mask = (Y > horizon[None, :]).astype(float)
        colour = np.asarray(palette[k % 2]) * (0.55 + 0.45 * depth) + np.asarray(palette[-1]) * (0.45 - 0.45 * depth)
        image = _blend(image, ndimage.gaussian_filter(mask, 0.8), colour)
    return image


def _pointillist(rng, palette, n, motif):
    scene = _landscape(rng, palette, n, 3)
    image = _canvas(palette[-1], n)
    step = motif["dot"]
    ys, xs = np.mgrid[step // 2 : n : step, step // 2 : n : step]
    ys = np.clip(ys + rng.integers(-1, 2, ys.shape), 0, n - 1).ravel()
    xs = np.clip(xs + rng.integers(-1, 2, xs.shape), 0, n - 1).ravel()
    colours = np.clip(scene[ys, xs] + rng.normal(0, 0.08, (len(ys), 3)), 0, 1)
    labels = np.zeros((n, n), dtype=int)
    radius = step * 0.55
    Y, X = np.mgrid[-int(radius) - 1 : int(radius) + 2, -int(radius) - 1 : int(radius) + 2]
    disk = (Y**2 + X**2) <= radius**2
    for k in rng.permutation(len(ys)):
        y0, x0 = ys[k] - disk.shape[0] // 2, xs[k] - disk.shape[1] // 2
        sy, sx = slice(max(y0, 0), min(y0 + disk.shape[0], n)), slice(max(x0, 0), min(x0 + disk.shape[1], n))
        window = disk[sy.start - y0 : sy.stop - y0, sx.start - x0 : sx.stop - x0]
        labels[sy, sx][window] = k + 1
    painted = labels > 0
    image[painted] = colours[labels[painted] - 1]
    return image


def _wash_landscape(rng, palette, n, motif):
    return _landscape(rng, palette, n, motif["count"])


def _concentric_circles(rng, palette, n, motif):
    cells = motif["grid"]
    size = n // cells
    image = _canvas(palette[-1], n)
    Y, X = np.mgrid[0:size, 0:size]
    for i in range(cells):
        for j in range(cells):
            block = _canvas(palette[int(rng.integers(len(palette)))], size)
            cy, cx = size / 2 + rng.normal(0, size * 0.05, 2)
            distance = np.hypot(Y - cy, X - cx)
            for ring in range(motif["count"], 0, -1):
                radius = ring / motif["count"] * size * 0.45
                mask = ndimage.gaussian_filter((distance < radius).astype(float), 0.7)
                block = _blend(block, mask, palette[int(rng.integers(len(palette)))])
            image[i * size : (i + 1) * size, j * size : (j + 1) * size] = block
    return image


def _stripes(rng, palette, n, motif):
    Y, X = np.mgrid[0:n, 0:n] / n
    angle = motif["angle"] + rng.normal(0, 0.05)
    coordinate = X * np.cos(angle) + Y * np.sin(angle)
    if motif["wavy"]:
        coordinate = coordinate + 0.04 * np.sin(
            2 * np.pi * (Y * np.cos(angle) - X * np.sin(angle)) * rng.uniform(1.5, 3.5)
        )
    widths = rng.uniform(0.3, 1.0, 64)
    edges = np.cumsum(widths / widths.sum() * motif["count"] / 8 * 2.5) - 0.6
    band = np.searchsorted(edges, coordinate)
    order = rng.permutation(len(palette))
    colours = np.asarray(palette)[order][band % len(palette)]
    return ndimage.gaussian_filter(colours, (0.6, 0.6, 0))


def _cubist(rng, palette, n, motif):
    points = rng.uniform(0, n, (motif["count"] * 4, 2))
    Y, X = np.mgrid[0:n, 0:n]
    distance = (Y[..., None] - points[:, 0]) ** 2 + (X[..., None] - points[:, 1]) ** 2
    nearest = distance.argmin(axis=-1)
    base = np.asarray(palette)[rng.integers(len(palette), size=len(points))]
    direction = rng.normal(size=(len(points), 2))
    shade = ((Y - points[nearest, 0]) * direction[nearest, 0] + (X - points[nearest, 1]) * direction[nearest, 1]) / n
    image = base[nearest] * (1 + 1.2 * shade[..., None])
    edges = (
        np.abs(np.diff(nearest, axis=0, prepend=nearest[:1])) + np.abs(np.diff(nearest, axis=1, prepend=nearest[:, :1]))
    ) > 0
    image[ndimage.binary_dilation(edges, iterations=motif["line"])] *= 0.25
    return image


_PAINTERS = {
    "colour_field": _colour_field,
    "geometric_grid": _geometric_grid,
    "drip": _drip,
    "pointillist": _pointillist,
    "wash_landscape": _wash_landscape,
    "concentric_circles": _concentric_circles,
    "stripes": _stripes,
    "cubist": _cubist,
}


def _medium(image: np.ndarray, medium: str, rng: np.random.Generator, texture: float) -> np.ndarray:
    n = image.shape[0]
    if medium == "oil":
        strokes = ndimage.gaussian_filter(rng.standard_normal((n, n)), (0.6, 4.0 + 4 * texture))
        strokes /= strokes.std() + 1e-9
        image = image * (1 + 0.07 * texture * strokes[..., None])
        grey = image.mean(axis=2, keepdims=True)
        image = grey + 1.12 * (image - grey)
    elif medium == "acrylic":
        image = image + 0.015 * rng.standard_normal((n, n, 1))
    elif medium == "watercolour":
        soft = ndimage.gaussian_filter(image, (1.6, 1.6, 0))
        edges = np.hypot(*np.gradient(soft.mean(axis=2)))
        paper = 1 + 0.03 * fractal_noise(rng, (n, n), 4, base=16)[..., None]
        image = (0.72 * soft + 0.28) * paper - 1.5 * edges[..., None]
    elif medium == "ink":
        grey = image @ np.array([0.299, 0.587, 0.114])
        levels = np.round(np.clip(grey, 0, 1) * 3) / 3
        ink = np.array([0.08, 0.09, 0.16])
        paper = np.array([0.95, 0.92, 0.84]) * (1 + 0.02 * fractal_noise(rng, (n, n), 4, base=16)[..., None])
        image = paper * levels[..., None] + ink * (1 - levels[..., None])
    elif medium == "photography":
        image = ndimage.gaussian_filter(image, (1.0, 1.0, 0))
        Y, X = np.mgrid[0:n, 0:n] / n - 0.5
        image = image * (1 - 0.55 * (X**2 + Y**2))[..., None]
        image = image + 0.025 * rng.standard_normal(image.shape)
        image = 0.5 + 1.1 * (image - 0.5)
    elif medium == "mixed media":
        for _ in range(int(rng.integers(2, 5))):
            y, x = rng.integers(0, n * 3 // 4, 2)
            h, w = rng.integers(n // 6, n // 2, 2)
            tint = rng.uniform(0.75, 1.0, 3)
            patch = image[y : y + h, x : x + w]
            image[y : y + h, x : x + w] = 0.5 * patch + 0.5 * tint * (
                1 + 0.05 * rng.standard_normal(patch.shape[:2] + (1,))
            )
        for _ in range(int(rng.integers(3, 7))):
            t = np.linspace(0, 1, 200)
            path = rng.uniform(0, n, 2) + np.column_stack(
                [np.cumsum(rng.normal(0, 3, 200)), np.cumsum(rng.normal(0, 3, 200))]
            )
            ij = np.clip(path.astype(int), 0, n - 1)
            image[ij[:, 1], ij[:, 0]] = 0.1 * (1 - t[:, None] * 0)
    return np.clip(image, 0, 1)


def jitter_palette(rng: np.random.Generator, name: str) -> np.ndarray:
    """An artist's own version of a base palette: colours shifted a little in RGB and reordered."""
    base = np.asarray(PALETTES[name])
    colours = np.clip(base + rng.normal(0, 0.05, base.shape), 0, 1)
    order = np.concatenate([rng.permutation(len(base) - 1), [len(base) - 1]])  # the last (ground) stays last
    return colours[order]


def paint(
    family: str,
    medium: str,
    palette: np.ndarray,
    motif: dict,
    texture: float,
    rng: np.random.Generator,
    size: int = 224,
) -> np.ndarray:
    """Paint one artwork.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`.
    medium : str
        One of :data:`MEDIA`.
    palette : numpy.ndarray [shape=(k, 3)]
        RGB colours in [0, 1]; the last one is the ground/paper colour.
    motif : dict
        Family parameters (counts, widths, angles) fixed per artist and varied a little per work.
    texture : float
        Strength of the medium's surface texture, 0–1.
    rng : numpy.random.Generator
    size : int
        Side in pixels.

    Returns
    -------
    numpy.ndarray [shape=(size, size, 3), dtype=uint8]
    """
    image = _PAINTERS[family](rng, [tuple(c) for c in palette], size, motif)
    image = _medium(np.asarray(image, dtype=float), medium, rng, texture)
    return np.round(image * 255).astype(np.uint8)
