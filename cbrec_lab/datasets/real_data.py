"""What every loader of a real data set shares: where its files are, its data card, names given as arguments.

The loaders of :mod:`~cbrec_lab.datasets.real_music` and :mod:`~cbrec_lab.datasets.real_images` read data sets
registered in :mod:`~cbrec_lab.datasets.remote`. Each takes ``root=None`` (the data set under
``<data home>/datasets/<name>``, fetched when online) or a folder of the user's (:func:`resolve_root`),
describes what it loaded in a Markdown card with the registry's source, licence and citation
(:func:`data_card`), and accepts one name or a list of names for its selections (:func:`as_names`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..exceptions import ParameterError
from .remote import fetch, get_remote

__all__ = ["resolve_root", "data_card", "as_names"]


def resolve_root(root: os.PathLike | str | None, name: str) -> Path:
    """``root`` as a Path (which must exist), or the fetched folder of data set ``name`` when ``None``.

    Parameters
    ----------
    root : path-like or None
        A folder the data set was extracted into, read as it is (no network access); ``None`` for
        ``<data home>/datasets/<name>`` through :func:`~cbrec_lab.datasets.remote.fetch`.
    name : str
        The registry name of the data set (e.g. ``"gtzan"``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        ``root`` does not exist.
    """
    if root is None:
        return fetch(name)
    path = Path(root).expanduser()
    if not path.exists():
        raise ParameterError(
            f"The {name} folder {path} does not exist. Pass the folder the data was extracted into, or root=None "
            f"to use <data home>/datasets/{name}."
        )
    return path


def data_card(name: str, *, summary: list[str]) -> str:
    """Markdown data card: what the collection holds (``summary``, one paragraph per entry), then source,
    licence and citation from the registry entry of data set ``name``."""
    entry = get_remote(name)
    lines = [f"# {entry.title}", "", *summary, ""]
    lines += [f"- **Source**: {entry.homepage}", f"- **Licence**: {entry.licence}", f"- **Cite**: {entry.citation}"]
    return "\n".join(lines)


def as_names(values: str | Iterable[str], what: str) -> list[str]:
    """One name or a non-empty collection of names as a list of names (``what`` names the argument).

    Raises
    ------
    ParameterError
        An empty collection, or one holding something other than strings.

    Examples
    --------
    >>> as_names("rock", "genres"), as_names(("rock", "jazz"), "genres")
    (['rock'], ['rock', 'jazz'])
    """
    if isinstance(values, str):
        return [values]
    names = list(values)
    if not names or not all(isinstance(v, str) for v in names):
        raise ParameterError(f"{what} must be a name or a non-empty list of names, got {values!r}.")
    return names
