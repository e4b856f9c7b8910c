"""Registry of the course kits that ``cbrec-lab data prepare`` builds ahead of class.

A kit is anything a lesson needs on disk before it starts: rendered audio, painted artworks, extracted
features, converted weights. Each kit module registers a :class:`Kit` whose ``prepare`` function builds
(or verifies and reuses) the kit for a profile under the data home and returns where it lives. ``prepare``
must be idempotent: a second call with valid cached files does no work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import Profile, data_home, get_profile
from ..exceptions import ParameterError

__all__ = ["Kit", "register_kit", "kits", "prepare"]


@dataclass(frozen=True)
class Kit:
    """A named, preparable course kit.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"music"``.
    description : str
        One line for listings.
    prepare : callable
        ``prepare(profile: Profile, root: Path, progress: bool) -> Path``; builds the kit under ``root`` (its
        own folder in the data home) and returns the path of what it built.
    """

    name: str
    description: str
    prepare: Callable[[Profile, Path, bool], Path]


_KITS: dict[str, Kit] = {}


def register_kit(kit: Kit) -> Kit:
    """Add a kit to the registry (a second registration under the same name is an error)."""
    if kit.name in _KITS and _KITS[kit.name] is not kit:
        raise ParameterError(f"A kit named {kit.name!r} is already registered.")
    _KITS[kit.name] = kit
    return kit


def kits() -> list[Kit]:
    """Registered kits, in registration order."""
    return list(_KITS.values())


def prepare(
    profile: str | Profile | None = None, names: Iterable[str] | None = None, *, progress: bool = True
) -> dict[str, Path]:
    """Prepare the registered kits (all, or those named) for a profile.

    Returns
    -------
    dict
        ``{kit name: path}``.

    Raises
    ------
    ParameterError
        For a kit name that is not registered.
    """
    profile = get_profile(profile)
    selected = kits()
    if names is not None:
        names = list(names)
        unknown = [n for n in names if n not in _KITS]
        if unknown:
            raise ParameterError(
                f"Unknown kit(s) {', '.join(map(repr, unknown))}. Registered: {', '.join(_KITS) or 'none'}."
            )
        selected = [_KITS[n] for n in names]
    root = data_home() / "kits"
    return {kit.name: kit.prepare(profile, root / kit.name, progress) for kit in selected}
