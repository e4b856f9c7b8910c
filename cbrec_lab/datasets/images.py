"""The container every image data set of the course is returned in: the art kit, the keyword images,
Tradesy/Amazon image feedback and WikiArt alike.

Plain pieces: a pandas DataFrame of items, an optional DataFrame of user–item interactions with timestamps,
optional precomputed feature matrices aligned with the items, and images read on demand from files.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import ParameterError

__all__ = ["ImageCollection"]


def _target_size(size) -> tuple[int, int]:
    """``size`` (an int for a square, or ``(width, height)``) as a pair of positive ints, or a ParameterError."""
    pair = (size, size) if isinstance(size, numbers.Integral) and not isinstance(size, bool) else size
    if (
        isinstance(pair, (tuple, list))
        and len(pair) == 2
        and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0 for v in pair)
    ):
        return int(pair[0]), int(pair[1])
    raise ParameterError(
        f"size must be a positive integer (a square) or a (width, height) pair of positive integers, got {size!r}."
    )


@dataclass
class ImageCollection:
    """Items with images, and (optionally) who interacted with them and when.

    Attributes
    ----------
    name : str
        E.g. ``"art-kit/ci"``, ``"keyword-images"``, ``"tradesy"``.
    items : pandas.DataFrame
        One row per item, indexed by ``item_id`` (str). Always has ``title`` and ``image_path`` (relative to
        ``root``; empty when the item has no image file, e.g. a feature-only data set). Data sets add their own
        columns (artist, medium, colours, tags, price, upload_time, keyword, ...).
    root : pathlib.Path or None
        Folder that ``image_path`` is relative to.
    interactions : pandas.DataFrame or None
        One row per event with columns ``user_id`` (str), ``item_id`` (str) and ``timestamp``
        (``datetime64[ns]``), sorted by timestamp; data sets may add columns (price paid, rating, ...).
    features : dict of str to numpy.ndarray
        Precomputed features, each of shape ``(n_items, d)`` with rows in the order of ``items`` (e.g. the
        4,096-d CNN features distributed with Tradesy for VBPR).
    card : str
        The data card (Markdown).
    """

    name: str
    items: pd.DataFrame
    root: Path | None = None
    interactions: pd.DataFrame | None = None
    features: dict[str, np.ndarray] = field(default_factory=dict)
    card: str = ""
    _positions: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        missing = {"title", "image_path"} - set(self.items.columns)
        if missing:
            raise ParameterError(f"{self.name}: the items table lacks the column(s) {sorted(missing)}.")
        if not self.items.index.is_unique:
            raise ParameterError(f"{self.name}: item ids must be unique.")
        self._positions = {item_id: k for k, item_id in enumerate(self.items.index)}
        for key, matrix in self.features.items():
            if matrix.ndim != 2 or matrix.shape[0] != len(self.items):
                raise ParameterError(
                    f"{self.name}: features[{key!r}] has shape {matrix.shape}; expected ({len(self.items)}, d)."
                )
        if self.interactions is not None:
            missing = {"user_id", "item_id", "timestamp"} - set(self.interactions.columns)
            if missing:
                raise ParameterError(f"{self.name}: interactions lack the column(s) {sorted(missing)}.")
            unknown = ~self.interactions["item_id"].isin(self.items.index)
            if unknown.any():
                example = self.interactions.loc[unknown, "item_id"].iloc[0]
                raise ParameterError(
                    f"{self.name}: {int(unknown.sum())} interactions name unknown items, e.g. {example!r}."
                )

    def position(self, item_id: str) -> int:
        """Row of ``items`` (and of every feature matrix) holding ``item_id``."""
        try:
            return self._positions[item_id]
        except KeyError:
            raise ParameterError(f"{self.name} has no item {item_id!r}.") from None

    def image_path(self, item_id: str) -> Path:
        """Absolute path of the item's image file."""
        relative = self.items["image_path"].iloc[self.position(item_id)]
        if self.root is None or not isinstance(relative, str) or not relative:
            raise ParameterError(f"{self.name}: item {item_id!r} has no image file.")
        return self.root / relative

    def load_image(self, item_id: str, *, size: int | tuple[int, int] | None = None) -> np.ndarray:
        """The item's image as an RGB ``uint8`` array of shape ``(height, width, 3)``.

        The file is read by :func:`cbrec_lab.vision.load_image` (with ``alpha="drop"``: a transparency channel
        is ignored), so it gets the same checks: the pixel limit is enforced from the header before anything is
        decoded, and truncated, corrupt or non-image files fail with :class:`~cbrec_lab.vision.ImageFileError`.

        Parameters
        ----------
        item_id : str
        size : int or (width, height), optional
            Resize to this size (an int means a square) with area averaging (Pillow's ``BOX`` filter when
            shrinking, bicubic when enlarging). Sides must be positive integers and the result at most
            :data:`~cbrec_lab.vision.MAX_IMAGE_PIXELS` pixels.

        Raises
        ------
        ParameterError
            For an unknown item, an item without an image file, a missing file, an image outside the size
            limits of :func:`~cbrec_lab.vision.load_image`, or a bad ``size``.
        ImageFileError
            For a file that is empty, truncated, corrupt, not an image, or in an unsupported format.
        """
        from PIL import Image

        from ..vision import MAX_IMAGE_PIXELS, load_image

        target = None if size is None else _target_size(size)
        path = self.image_path(item_id)
        if not path.is_file():
            raise ParameterError(f"{self.name}: the image of {item_id!r} is missing: {path}.")
        if target is not None and target[0] * target[1] > MAX_IMAGE_PIXELS:
            raise ParameterError(
                f"size={size!r} asks for {target[0] * target[1]:,} pixels, more than MAX_IMAGE_PIXELS = "
                f"{MAX_IMAGE_PIXELS:,}; pass a smaller size."
            )
        image = load_image(path, alpha="drop")
        if target is None or target == (image.shape[1], image.shape[0]):
            return image
        shrinking = target[0] <= image.shape[1] and target[1] <= image.shape[0]
        resized = Image.fromarray(image).resize(target, Image.Resampling.BOX if shrinking else Image.Resampling.BICUBIC)
        return np.asarray(resized, dtype=np.uint8)

    def show_grid(self, item_ids, *, ncols: int = 6, size: int = 160, labels=None, title: str | None = None):
        """A matplotlib figure with the items' images in a grid, each captioned by its label (default: title).

        Parameters
        ----------
        item_ids : sequence of str
        ncols : int
            Images per row.
        size : int
            Pixels per image side in the figure.
        labels : sequence of str, optional
            One caption per image.
        title : str, optional
            Figure title.
        """
        import matplotlib.pyplot as plt

        item_ids = list(item_ids)
        if not item_ids:
            raise ParameterError("show_grid needs at least one item id.")
        labels = list(labels) if labels is not None else [str(self.items.loc[i, "title"]) for i in item_ids]
        if len(labels) != len(item_ids):
            raise ParameterError(
                f"show_grid got {len(labels)} labels for {len(item_ids)} item ids: pass one label per item, "
                "or none for the items' titles."
            )
        nrows = -(-len(item_ids) // ncols)
        inches = size / 80
        fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * inches, nrows * (inches + 0.3)), dpi=80, squeeze=False)
        for ax in axes.flat:
            ax.axis("off")
        for ax, item_id, label in zip(axes.flat[: len(item_ids)], item_ids, labels, strict=True):
            ax.imshow(self.load_image(item_id, size=size))
            limit = max(12, size // 6)
            ax.set_title(label if len(label) <= limit else label[: limit - 1] + "…", fontsize=8)
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        return fig

    def __repr__(self) -> str:
        extra = f", {len(self.interactions)} interactions" if self.interactions is not None else ""
        feats = f", features {sorted(self.features)}" if self.features else ""
        return f"ImageCollection({self.name!r}: {len(self.items)} items{extra}{feats})"
