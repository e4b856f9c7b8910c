"""What the kit evidence benchmarks share: kits built per seed in private data homes, 95 % t-intervals over the
seeds, recorded JSON files, and one table that sets a recorded run beside the current one.

``music_kit.py --evidence`` and ``art_kit.py --evidence`` each define a ``measure(profile, seed)`` that builds one
kit and returns ``{metric name: value}``; :func:`run` does everything else. A record holds, per seed, every
figure and the build and measurement times, and the summary (mean, 95 % t-interval, n) of each figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

#: Seed of everything the evidence does after the kit is built (splits, folds, WMF, simulated likes): the lessons'.
ANALYSIS_SEED = 42
REPOSITORY = Path(__file__).resolve().parent.parent
RECORD_FORMAT = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The evidence options that both kit benchmarks share."""
    group = parser.add_argument_group("evidence (kits v1 vs v2)")
    group.add_argument("--evidence", action="store_true", help="build one kit per seed and print the evidence")
    group.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2], help="kit seeds (default: 0 1 2)")
    group.add_argument("--record", metavar="FILE", help="write the figures of this run to a JSON file")
    group.add_argument("--compare", metavar="FILE", help="print a recorded run (e.g. v1) beside this one")
    group.add_argument(
        "--recorded", metavar="FILE", help="instead of building kits, show this recorded run (with --compare: both)"
    )
    group.add_argument("--label", help="name of this run in tables and records (default: v<KIT_VERSION>)")


def t_interval(values, confidence: float = 0.95) -> dict:
    """Mean and two-sided t-interval of the finite values; ``low``/``high`` are None when fewer than two."""
    from scipy import stats

    finite = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    n = len(finite)
    if n == 0:
        return {"mean": None, "low": None, "high": None, "n": 0}
    mean = float(finite.mean())
    if n < 2:
        return {"mean": mean, "low": None, "high": None, "n": 1}
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * finite.std(ddof=1) / math.sqrt(n))
    return {"mean": mean, "low": mean - half, "high": mean + half, "n": n}


def source_tree(kit_version: int) -> dict:
    """Which ``cbrec_lab`` was imported: printed in full, recorded without machine paths."""
    import cbrec_lab

    package = Path(cbrec_lab.__file__).resolve().parent
    return {
        "package": str(package),
        "this_repository": package.parent == REPOSITORY,
        "kit_version": kit_version,
        "library_version": getattr(cbrec_lab, "__version__", None),
    }


@contextmanager
def private_data_home(kit: str, seed: int):
    """A temporary ``CBREC_DATA_HOME`` for one kit and seed, removed afterwards (the previous value restored)."""
    previous = os.environ.get("CBREC_DATA_HOME")
    home = Path(tempfile.mkdtemp(prefix=f"cbrec-evidence-{kit}-seed{seed}-"))
    os.environ["CBREC_DATA_HOME"] = str(home)
    try:
        yield home
    finally:
        if previous is None:
            os.environ.pop("CBREC_DATA_HOME", None)
        else:
            os.environ["CBREC_DATA_HOME"] = previous
        shutil.rmtree(home, ignore_errors=True)


def _clean(value):
    """JSON-safe: numpy scalars as Python numbers, NaN and infinities as None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished children (the kit builds' workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_seeds(kit: str, profile: str, seeds: list[int], measure: Callable[[str, int], tuple[dict, float]]) -> dict:
    """Run ``measure(profile, seed) -> (figures, build seconds)`` per seed in a private data home."""
    per_seed = {}
    for seed in seeds:
        start, cpu = time.perf_counter(), _cpu_seconds()
        with private_data_home(kit, seed):
            figures, build_s = measure(profile, seed)
        total_s, cpu_s = time.perf_counter() - start, _cpu_seconds() - cpu
        per_seed[str(seed)] = {"figures": figures, "build_s": build_s, "total_s": total_s, "cpu_s": cpu_s}
        print(
            f"  seed {seed}: kit built in {build_s:.1f} s, evidence in {total_s - build_s:.1f} s "
            f"(wall clock; {cpu_s:.0f} s of CPU in all)",
            flush=True,
        )
    return per_seed


def summarise(per_seed: dict) -> dict:
    """``{metric: t_interval over seeds}`` in the order of the first seed's figures."""
    names = list(next(iter(per_seed.values()))["figures"])
    for run in per_seed.values():
        names += [name for name in run["figures"] if name not in names]
    return {name: t_interval([run["figures"].get(name) for run in per_seed.values()]) for name in names}


def _cell(summary: dict | None, digits: int) -> str:
    if not summary or summary["mean"] is None:
        return "–"
    if float(summary["mean"]).is_integer() and summary["low"] == summary["high"]:
        return f"{summary['mean']:.0f}"  # a count that is the same for every seed
    if summary["low"] is None:
        return f"{summary['mean']:.{digits}f} (n = 1)"
    return f"{summary['mean']:.{digits}f} [{summary['low']:.{digits}f}, {summary['high']:.{digits}f}]"


#: Figures that count things (printed with one decimal, like levels in LUFS or dB).
COUNTS = ("genres", "songs", "artworks", "artists", "cold items", "silent clips (no loudness)")


def _digits(name: str) -> int:
    """Decimals of a figure: levels in LUFS or dB and counts with one, shares, accuracies and τ with three."""
    levels = name.startswith(("loudness LUFS", "mean log-mel level dB"))
    return 1 if levels or name in COUNTS or "count" in name else 3


def print_table(runs: list[dict]) -> None:
    """One row per metric, one column per run: mean [95 % t-interval]; n and the run's label in the header."""
    names: list[str] = []
    for run in runs:
        names += [name for name in run["summary"] if name not in names]
    headers = [f"{run['label']} (KIT_VERSION {run['source']['kit_version']}, n = {len(run['seeds'])})" for run in runs]
    width = max(len(name) for name in names) + 2
    columns = [[_cell(run["summary"].get(name), _digits(name)) for name in names] for run in runs]
    widths = [max(len(header), *(len(c) for c in column)) + 2 for header, column in zip(headers, columns, strict=True)]
    print("metric".ljust(width) + "".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row, name in enumerate(names):
        print(name.ljust(width) + "".join(column[row].ljust(w) for column, w in zip(columns, widths, strict=True)))
    print("cells: mean over kit seeds [95 % t-interval over seeds, t with n − 1 degrees of freedom]")
    for run in runs:
        times = [seed["build_s"] for seed in run["per_seed"].values()]
        totals = [seed["total_s"] for seed in run["per_seed"].values()]
        cpu = [seed["cpu_s"] for seed in run["per_seed"].values() if seed.get("cpu_s") is not None]
        print(
            f"{run['label']}: profile {run['profile']}, seeds {' '.join(map(str, run['seeds']))}, kit builds "
            f"{min(times):.0f}–{max(times):.0f} s, per seed in all {min(totals):.0f}–{max(totals):.0f} s"
            + (f" ({min(cpu):.0f}–{max(cpu):.0f} s of CPU)" if cpu else "")
            + f", {run['machine']['cpus']} CPUs, recorded {run['recorded']}"
        )


def read_record(path: str, kit: str) -> dict:
    """A record written by :func:`run`, checked to be of this kit."""
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    if record.get("kit") != kit or record.get("format") != RECORD_FORMAT:
        raise SystemExit(f"{path} is not a {kit}-kit evidence record (format {RECORD_FORMAT}).")
    return record


def run(
    args: argparse.Namespace, kit: str, kit_version: int, measure: Callable[[str, int], tuple[dict, float]]
) -> None:
    """Measure (or read) a run, print it beside ``--compare``'s, and write ``--record``."""
    runs = [read_record(args.compare, kit)] if args.compare else []
    if args.recorded:
        current = read_record(args.recorded, kit)
    else:
        source = source_tree(kit_version)
        label = args.label or f"v{kit_version}"
        print(
            f"{kit} kit evidence ({label}): cbrec_lab from {source['package']} (KIT_VERSION {kit_version}), profile "
            f"{args.profile}, seeds {' '.join(map(str, args.seeds))}, {os.cpu_count()} CPUs",
            flush=True,
        )
        start = time.perf_counter()
        per_seed = measure_seeds(kit, args.profile, args.seeds, measure)
        current = _clean(
            {
                "format": RECORD_FORMAT,
                "kit": kit,
                "label": label,
                "profile": args.profile,
                "seeds": args.seeds,
                "analysis_seed": ANALYSIS_SEED,
                "source": {k: v for k, v in source.items() if k != "package"},
                "recorded": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "elapsed_s": time.perf_counter() - start,
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": sys.platform},
                "per_seed": per_seed,
                "summary": summarise(per_seed),
            }
        )
        if args.record:
            Path(args.record).parent.mkdir(parents=True, exist_ok=True)
            Path(args.record).write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"recorded to {args.record}")
    print_table([*runs, current])
