"""Procedural painting: eight families of abstract and landscape compositions, six media, and an artist's hand.

A painting is made in four steps. A **family** painter lays out the composition in the work's palette (float
RGB in [0, 1]); the artist's **composition** habit warps, crops or frames it (:data:`COMPOSITIONS`) and the
work's balance weights one side; the artist's **brushwork** (:data:`BRUSHWORKS`: stroke direction, length and
relief) and recurring **marks** (:data:`MARKS`) are laid over it, and the work's technique skill decides how
clean the execution is (wobbly geometry, smudged edges and muddied colour when low); a **medium** finally
changes the surface: brush texture for oil, flat colour for acrylic, soft edges, pigment pooling and paper for
watercolour, posterised ink on paper, lens blur, vignette and grain for photography, pasted paper and
scribbles for mixed media. Brushwork, marks and composition rearrange and modulate the colours already there,
so they change the colour histogram little and the local structure a lot. Every random choice comes from the
``rng`` passed in, so a painting is a pure function of its seed.

Palettes come in shared **palette families** (:data:`PALETTES`): several artists paint from one family, and a
work draws its own palette from it (:func:`work_palette`: jittered colours; which colour dominates and the
ground vary per work; a novel work may borrow a colour from another family).

Families (after the artists whose work they recall): ``colour_field`` (stacked soft rectangles, Rothko),
``geometric_grid`` (recursive black-line grid with primary cells, Mondrian), ``drip`` (random-walk strokes and
splatter, Pollock), ``pointillist`` (dots sampled from a landscape, Seurat), ``wash_landscape`` (layered
ridges with atmospheric perspective), ``concentric_circles`` (ringed squares, Kandinsky), ``stripes``
(straight or wavy bands, Riley) and ``cubist`` (shaded Voronoi facets, Braque).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

__all__ = [
    "FAMILIES",
    "MEDIA",
    "PALETTES",
    "BRUSHWORKS",
    "MARKS",
    "COMPOSITIONS",
    "Hand",
    "paint",
    "fractal_noise",
    "work_palette",
]

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
#: How an artist lays paint on: the texture laid over the composition (see :func:`_brushwork`).
BRUSHWORKS = ("smooth", "long strokes", "hatching", "dabs", "scumble", "impasto")
#: Small recurring marks an artist scatters over the work (see :func:`_marks`).
MARKS = ("none", "dots", "crosses", "dashes", "rings", "zigzags")
#: Where an artist puts the weight of a picture (see :func:`_compose`).
COMPOSITIONS = ("centred", "left-weighted", "right-weighted", "low horizon", "framed", "close-up")

#: Palette families (RGB in [0, 1]; the last colour is the usual ground); a work draws its palette from one.
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


def work_palette(rng: np.random.Generator, name: str, novelty: float = 0.0) -> np.ndarray:
    """A work's own palette drawn from the palette family ``name``.

    The family's colours are jittered (N(0, 0.06) in RGB) and the body colours reordered, so which colour
    dominates changes from work to work; with probability 0.35 the ground is one of the body colours (a
    coloured ground); with probability ``0.15 + 0.6 · novelty`` one body colour is borrowed from another family.

    Parameters
    ----------
    rng : numpy.random.Generator
    name : str
        A key of :data:`PALETTES`.
    novelty : float in [0, 1]
        How far the work departs from the artist's habits.

    Returns
    -------
    numpy.ndarray [shape=(5, 3)]
        RGB in [0, 1]; the last row is the ground.
    """
    base = np.asarray(PALETTES[name])
    colours = np.clip(base + rng.normal(0, 0.06, base.shape), 0, 1)
    body, ground = colours[:-1][rng.permutation(len(base) - 1)], colours[-1].copy()
    if rng.random() < 0.35:
        k = int(rng.integers(len(body)))
        ground, body[k] = body[k].copy(), ground
    if rng.random() < 0.15 + 0.6 * novelty:
        others = [other for other in PALETTES if other != name]
        borrowed = np.asarray(PALETTES[others[int(rng.integers(len(others)))]])
        body[int(rng.integers(len(body)))] = np.clip(
            borrowed[int(rng.integers(len(borrowed)))] + rng.normal(0, 0.04, 3), 0, 1
        )
    return np.vstack([body, ground[None]])


@dataclass(frozen=True)
class Hand:
    """An artist's hand: what stays the same across their works apart from family, palette family and medium.

    Attributes
    ----------
    brushwork : str
        One of :data:`BRUSHWORKS`.
    angle : float
        Main stroke direction in radians.
    stroke : float
        Stroke length in pixels (at 224 px).
    relief : float
        Strength of the brushwork, 0–1.
    marks : str
        One of :data:`MARKS`.
    mark_count : int
        Marks per work, on average.
    mark_size : int
        Side of a mark in pixels.
    composition : str
        One of :data:`COMPOSITIONS`.
    """

    brushwork: str
    angle: float
    stroke: float
    relief: float
    marks: str
    mark_count: int
    mark_size: int
    composition: str


def _oriented_noise(rng: np.random.Generator, n: int, angle: float, length: float, width: float) -> np.ndarray:
    """White noise low-passed to streaks ``length`` px long and ``width`` px wide along ``angle``; unit variance."""
    ky, kx = np.fft.fftfreq(n)[:, None], np.fft.fftfreq(n)[None, :]
    along = kx * np.cos(angle) + ky * np.sin(angle)
    across = -kx * np.sin(angle) + ky * np.cos(angle)
    response = np.exp(-2 * np.pi**2 * ((along * length) ** 2 + (across * width) ** 2))
    streaks = np.real(np.fft.ifft2(np.fft.fft2(rng.standard_normal((n, n))) * response))
    return streaks / (streaks.std() + 1e-9)


def _warp(image: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Sample ``image`` at the (row, column) coordinates, bilinear, edges repeated."""
    return np.stack(
        [ndimage.map_coordinates(image[..., c], [rows, cols], order=1, mode="nearest") for c in range(3)], axis=-1
    )


def _compose(image: np.ndarray, composition: str, rng: np.random.Generator, ground) -> np.ndarray:
    """The artist's composition habit applied to the family's layout."""
    n = image.shape[0]
    rows, cols = np.mgrid[0:n, 0:n] / (n - 1)
    if composition == "left-weighted":
        return _warp(image, rows * (n - 1), cols**1.7 * (n - 1))
    if composition == "right-weighted":
        return _warp(image, rows * (n - 1), (1 - (1 - cols) ** 1.7) * (n - 1))
    if composition == "low horizon":
        return _warp(image, rows**0.55 * (n - 1), cols * (n - 1))
    if composition == "close-up":
        zoom = rng.uniform(1.6, 2.0)
        y0, x0 = rng.uniform(0, 1 - 1 / zoom, 2) * (n - 1)
        return _warp(image, y0 + rows * (n - 1) / zoom, x0 + cols * (n - 1) / zoom)
    if composition == "framed":
        margin = int(rng.uniform(0.09, 0.13) * n)
        inner = ndimage.zoom(image, ((n - 2 * margin) / n, (n - 2 * margin) / n, 1), order=1)
        framed = np.ones_like(image) * np.asarray(ground)
        size = inner.shape[0]
        framed[margin : margin + size, margin : margin + size] = inner
        line = max(1, n // 110)
        framed[margin - line : margin + size + line, margin - line : margin] *= 0.3
        framed[margin - line : margin + size + line, margin + size : margin + size + line] *= 0.3
        framed[margin - line : margin, margin - line : margin + size + line] *= 0.3
        framed[margin + size : margin + size + line, margin - line : margin + size + line] *= 0.3
        return framed
    return image


def _balance(image: np.ndarray, balance: float, rng: np.random.Generator) -> np.ndarray:
    """An unbalanced work (``balance`` near 0) carries a heavy, darker mass on one side."""
    n = image.shape[0]
    side = (np.arange(n) / (n - 1) - 0.5) * 2 * (1 if rng.random() < 0.5 else -1)
    weight = 1 - 0.5 * (1 - balance) * np.clip(side, 0, 1)
    return image * (weight[None, :, None] if rng.random() < 0.5 else weight[:, None, None])


def _brushwork(image: np.ndarray, hand: Hand, angle: float, rng: np.random.Generator) -> np.ndarray:
    """The artist's strokes over the layout: they modulate and drag the colours already there."""
    n, relief = image.shape[0], hand.relief
    if hand.brushwork == "smooth":
        return ndimage.gaussian_filter(image, (1.2, 1.2, 0))
    if hand.brushwork == "long strokes":
        streaks = _oriented_noise(rng, n, angle, hand.stroke, 1.0)
        return image * (1 + 0.16 * relief * streaks[..., None])
    if hand.brushwork == "hatching":
        rows, cols = np.mgrid[0:n, 0:n]
        period = 3.5 + hand.stroke / 8
        first = np.sin(2 * np.pi * (cols * np.cos(angle) + rows * np.sin(angle)) / period) > 0.55
        second = np.sin(2 * np.pi * (cols * np.cos(angle + np.pi / 2) + rows * np.sin(angle + np.pi / 2)) / period)
        dark = image.mean(axis=2) < 0.5
        lines = first | ((second > 0.55) & dark)
        return image * (1 - 0.45 * relief * lines[..., None])
    if hand.brushwork == "dabs":
        dabs = np.sign(_oriented_noise(rng, n, angle, hand.stroke / 3, hand.stroke / 6))
        return image * (1 + 0.12 * relief * dabs[..., None])
    if hand.brushwork == "scumble":
        mask = _oriented_noise(rng, n, angle, hand.stroke / 2, 1.5) > 0.4
        shift = np.round(np.array([np.sin(angle), np.cos(angle)]) * hand.stroke / 3).astype(int)
        dragged = np.roll(image, tuple(shift), axis=(0, 1))
        return np.where(mask[..., None], (1 - 0.7 * relief) * image + 0.7 * relief * dragged, image)
    # impasto: a height field of thick strokes, lit from the upper left
    height = _oriented_noise(rng, n, angle, hand.stroke, 3.0)
    gy, gx = np.gradient(height)
    shade = -(gx + gy) / np.sqrt(2)
    shade /= shade.std() + 1e-9
    return image * (1 + 0.2 * relief * shade[..., None]) + 0.12 * relief * np.clip(shade - 1.5, 0, None)[..., None]


def _stamp(kind: str, size: int, angle: float) -> np.ndarray:
    """The shape of one mark, a boolean ``size × size`` mask."""
    rows, cols = (np.mgrid[0:size, 0:size] - (size - 1) / 2) / max(size / 2, 1)
    along = cols * np.cos(angle) + rows * np.sin(angle)
    across = -cols * np.sin(angle) + rows * np.cos(angle)
    radius = np.hypot(rows, cols)
    thin = 0.22
    if kind == "dots":
        return radius <= 0.6
    if kind == "crosses":
        return ((np.abs(along) < thin) | (np.abs(across) < thin)) & (radius <= 1)
    if kind == "dashes":
        return (np.abs(across) < thin) & (np.abs(along) <= 1)
    if kind == "rings":
        return (radius <= 0.95) & (radius >= 0.6)
    return (np.abs(across - 0.5 * np.abs((2 * along) % 1 - 0.5) * 2 + 0.25) < thin) & (np.abs(along) <= 1)  # zigzags


def _marks(image: np.ndarray, hand: Hand, angle: float, rng: np.random.Generator) -> np.ndarray:
    """The artist's recurring marks, each in a darkened version of the colour beneath it."""
    if hand.marks == "none":
        return image
    n, size = image.shape[0], hand.mark_size
    stamp = _stamp(hand.marks, size, angle)
    count = rng.poisson(hand.mark_count)
    for y, x in rng.integers(0, n - size, (count, 2)):
        patch = image[y : y + size, x : x + size]
        patch[stamp] = patch[stamp] * 0.3
    return image


def _smooth_field(rng: np.random.Generator, n: int, cells: int = 6) -> np.ndarray:
    """A smooth random displacement field: a ``cells × cells`` normal grid, bilinearly enlarged to ``n × n``."""
    return ndimage.zoom(rng.standard_normal((cells, cells)), n / cells, order=1, mode="nearest", grid_mode=True)[:n, :n]


def _execution(image: np.ndarray, skill: float, rng: np.random.Generator) -> np.ndarray:
    """Low technique skill shows: wobbly geometry, smudged edges and muddied colour."""
    lack = 1 - skill
    if lack <= 0:
        return image
    n = image.shape[0]
    rows, cols = np.mgrid[0:n, 0:n].astype(float)
    wobble = 3.0 * lack
    image = _warp(image, rows + wobble * _smooth_field(rng, n), cols + wobble * _smooth_field(rng, n))
    smudged = ndimage.gaussian_filter(image, (2.5, 2.5, 0))
    image = (1 - 0.6 * lack) * image + 0.6 * lack * smudged
    grey = image.mean(axis=2, keepdims=True)
    return grey + (1 - 0.5 * lack) * (image - grey)


def paint(
    family: str,
    medium: str,
    palette: np.ndarray,
    motif: dict,
    texture: float,
    rng: np.random.Generator,
    size: int = 224,
    *,
    hand: Hand | None = None,
    balance: float = 1.0,
    skill: float = 1.0,
) -> np.ndarray:
    """Paint one artwork.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`.
    medium : str
        One of :data:`MEDIA`.
    palette : numpy.ndarray [shape=(k, 3)]
        RGB colours in [0, 1]; the last one is the ground/paper colour (see :func:`work_palette`).
    motif : dict
        Family parameters (counts, widths, angles) fixed per artist and varied a little per work.
    texture : float
        Strength of the medium's surface texture, 0–1.
    rng : numpy.random.Generator
    size : int
        Side in pixels.
    hand : Hand, optional
        The artist's composition, brushwork and marks; without it the family's layout goes straight to the
        medium.
    balance : float in [0, 1]
        Composition balance of the work: 1 even, 0 a heavy dark mass on one side.
    skill : float in [0, 1]
        Technique skill of the work: 1 clean, 0 wobbly, smudged and muddy.

    Returns
    -------
    numpy.ndarray [shape=(size, size, 3), dtype=uint8]
    """
    image = np.asarray(_PAINTERS[family](rng, [tuple(c) for c in palette], size, motif), dtype=float)
    if hand is not None:
        angle = hand.angle + rng.normal(0, 0.12)
        image = _compose(image, hand.composition, rng, palette[-1])
        image = _balance(image, balance, rng)
        image = _brushwork(np.clip(image, 0, 1), hand, angle, rng)
        image = _marks(np.clip(image, 0, 1), hand, angle, rng)
    image = _execution(np.clip(image, 0, 1), skill, rng)
    image = _medium(np.clip(image, 0, 1), medium, rng, texture)
    return np.round(image * 255).astype(np.uint8)
