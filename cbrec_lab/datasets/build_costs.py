"""What building each embedded kit costs (disk, time), checked and announced before a build starts.

The one table of kit sizes and build times in the code, :data:`BUILD_COSTS` (the README's kit tables repeat
it). Music (kit v2): 77 MB measured at ``ci``, 0.46 GB at ``small``; its ``ci`` time is estimated from the
build's CPU time (about 65 s with the score parsing, on 2 worker processes); art and keyword images: measured
on finished ``ci`` kits and scaled by the number of files. Times are on 2 CPU cores, measured at ``ci``,
estimates above.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Profile, display_path, free_disk_mb, get_profile
from ..exceptions import DataHomeError
from .workers import usable_cpus

__all__ = ["BuildCost", "BUILD_COSTS", "estimated_disk_mb", "check_free_space", "announce_build"]


@dataclass(frozen=True)
class BuildCost:
    """Size and build time of one kit at one profile.

    Attributes
    ----------
    disk_mb : float
        MB (10⁶ bytes) on disk when finished.
    seconds : float
        Build time on 2 CPU cores.
    parallel : bool
        Whether the build uses worker processes (its time then scales with the usable CPUs).
    """

    disk_mb: float
    seconds: float
    parallel: bool = True


BUILD_COSTS: dict[str, dict[str, BuildCost]] = {
    "music": {
        "ci": BuildCost(disk_mb=77, seconds=45),
        "small": BuildCost(disk_mb=460, seconds=240),
        "full": BuildCost(disk_mb=4_400, seconds=2_400),
    },
    "art": {
        "ci": BuildCost(disk_mb=7, seconds=30),
        "small": BuildCost(disk_mb=26, seconds=90),
        "full": BuildCost(disk_mb=120, seconds=450),
    },
    "keyword-images": {
        "ci": BuildCost(disk_mb=5, seconds=5, parallel=False),
        "small": BuildCost(disk_mb=14, seconds=15, parallel=False),
        "full": BuildCost(disk_mb=46, seconds=50, parallel=False),
    },
}

#: Builds expected to take at least this long on 2 cores print a note first (the ``ci`` kits take seconds and
#: stay silent, so that a notebook's output is the same whether its kit was built before or during the run).
ANNOUNCE_FROM_SECONDS = 60


def estimated_disk_mb(kinds, profile: str | Profile | None = None) -> float:
    """MB that the kits named ``kinds`` (e.g. ``["music", "art"]``) take at ``profile``; unknown kinds count 0."""
    profile = get_profile(profile)
    return sum(BUILD_COSTS[k][profile.name].disk_mb for k in kinds if k in BUILD_COSTS)


def check_free_space(kind: str, profile: str | Profile | None, folder: Path) -> None:
    """Raise :class:`DataHomeError` (``disk full: N MB needed at <folder>``) when the disk lacks room for the kit.

    What an interrupted build already wrote into ``folder`` is subtracted from the kit's size.
    """
    profile = get_profile(profile)
    cost = BUILD_COSTS.get(kind, {}).get(profile.name)
    if cost is None:
        return
    done = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6 if folder.is_dir() else 0.0
    needed = max(0.0, cost.disk_mb - done)
    free = free_disk_mb(folder)
    if free < needed:
        raise DataHomeError(
            f"disk full: {needed:,.0f} MB needed at {folder} for the {kind} kit ({profile.name}), {free:,.0f} MB "
            "free. Free some space, or set CBREC_DATA_HOME to a folder on a disk with room, and run again."
        )


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _size(mb: float) -> str:
    return f"{mb:,.0f} MB" if mb < 1_000 else f"{mb / 1_000:.1f} GB"


def announce_build(kind: str, profile: str | Profile | None, folder: Path, workers: int | None = None) -> None:
    """Check the free space, then print one line before a long build: what, where, how long, how big.

    For example ``Building the music kit (small) in ~/.cache/cbrec-lab/kits/music/small-seed0-v2: about
    4 min on 2 cores, 460 MB; later loads take seconds.`` Printed even without progress bars (notebooks
    load kits with ``progress=False``), only for builds of a minute or more on 2 cores. The time is scaled
    to the worker processes this build uses (``workers``, default :func:`~.workers.usable_cpus`, at most 4).

    Raises
    ------
    DataHomeError
        When the disk lacks room (see :func:`check_free_space`).
    """
    profile = get_profile(profile)
    check_free_space(kind, profile, folder)
    cost = BUILD_COSTS.get(kind, {}).get(profile.name)
    if cost is None or cost.seconds < ANNOUNCE_FROM_SECONDS:
        return
    cores = (workers or min(4, usable_cpus())) if cost.parallel else 2
    seconds = cost.seconds * 2 / cores if cost.parallel else cost.seconds
    on = f"{cores} core{'s' if cores > 1 else ''}" if cost.parallel else "one core"
    print(
        f"Building the {kind} kit ({profile.name}) in {display_path(folder)}: about {_duration(seconds)} on {on}, "
        f"{_size(cost.disk_mb)}; later loads take seconds.",
        flush=True,
    )
