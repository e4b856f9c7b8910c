"""Build the music kit from scratch in a temporary data home and report speed and data-quality figures.

Usage: python benchmarks/music_kit.py [--profile ci] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="ci", choices=["ci", "small", "full"])
    parser.add_argument("--keep", metavar="DIR", help="use (and keep) this data home instead of a temporary one")
    args = parser.parse_args()
    home = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cbrec-bench-"))
    os.environ["CBREC_DATA_HOME"] = str(home)

    from cbrec_lab.datasets.music_kit import kit as music_kit
    from cbrec_lab.datasets.music_kit.listeners import long_tail_stats

    size = music_kit.SIZES[args.profile]
    start = time.perf_counter()
    folder = music_kit.build_music_kit(args.profile, progress=False)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    music_kit.build_music_kit(args.profile, progress=False)
    reuse_s = time.perf_counter() - start
    audio_s = size.songs * size.clip_seconds
    disk = sum(p.stat().st_size for p in (folder / "audio").glob("*.flac"))
    print(
        f"profile {args.profile}: {size.songs} songs x {size.clip_seconds:.0f} s, {size.users} users, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"build from scratch: {build_s:.1f} s ({audio_s / build_s:.0f} s of audio per second overall)")
    print(f"second call (verify manifest and reuse): {reuse_s:.1f} s")
    print(f"audio on disk: {disk / 1e6:.1f} MB ({disk / audio_s / 1e3:.1f} kB per second of audio)")
    from cbrec_lab.config import get_profile
    from cbrec_lab.datasets.music_kit.arrangement import arrange
    from cbrec_lab.datasets.music_kit.render import render

    songs, _, assignments = music_kit._plan(
        get_profile(args.profile), music_kit.DEFAULT_SEED, folder.parent / "sources", False
    )
    start = time.perf_counter()
    for index, (artist, piece) in enumerate(assignments[::10]):
        render(arrange(piece, artist, size.clip_seconds, np.random.default_rng(index)), size.clip_seconds)
    render_s = time.perf_counter() - start
    rendered = len(assignments[::10]) * size.clip_seconds
    print(f"arrange + render alone, one process: {rendered / render_s:.0f} s of audio per second")
    for name, other in music_kit.SIZES.items():
        seconds = other.songs * other.clip_seconds
        print(
            f"  estimate {name}: {seconds / (audio_s / build_s) / 60:.1f} min, {seconds * disk / audio_s / 1e9:.2f} GB"
        )

    kit = music_kit.load_music_kit(args.profile, progress=False)
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from cbrec_lab.audio import mfcc_statistics

    start = time.perf_counter()
    features = np.stack([mfcc_statistics(kit.load_audio(s)) for s in kit.songs.index])
    print(f"MFCC statistics of {len(features)} clips: {time.perf_counter() - start:.1f} s")
    genre = kit.songs["genre"].to_numpy()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2_000))
    accuracy = cross_val_score(model, features, genre, cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean()
    print(
        f"genre from MFCC statistics (logistic regression, 5-fold): accuracy {accuracy:.3f} "
        f"(chance {1 / len(set(genre)):.3f})"
    )

    z = StandardScaler().fit_transform(features)
    distance = np.linalg.norm(z[:, None] - z[None], axis=-1)
    artist = kit.songs["artist"].to_numpy()
    off = ~np.eye(len(z), dtype=bool)
    same_artist = (artist[:, None] == artist[None]) & off
    same_genre = (genre[:, None] == genre[None]) & (artist[:, None] != artist[None])
    other_genre = genre[:, None] != genre[None]
    print(
        "mean MFCC-statistics distance: same artist "
        f"{distance[same_artist].mean():.2f}, same genre other artist {distance[same_genre].mean():.2f}, "
        f"other genre {distance[other_genre].mean():.2f}"
    )

    stats = long_tail_stats(kit.plays)
    print(
        f"listening: top 1 % of songs get {stats['top1_share']:.1%} of plays, Gini {stats['gini']:.3f}, "
        f"mean count {stats['mean_plays']:.2f}, density {stats['density']:.2%}"
    )

    import implicit
    from sklearn.metrics import silhouette_score
    from threadpoolctl import threadpool_limits

    confidence = kit.plays.astype(np.float32).copy()
    confidence.data = 1 + 40 * np.log1p(confidence.data)  # c = 1 + α log(1 + r/ε), α = 40, ε = 1
    with threadpool_limits(1, "blas"):
        als = implicit.cpu.als.AlternatingLeastSquares(factors=50, regularization=0.1, iterations=15, random_state=0)
        als.fit(confidence, show_progress=False)
    factors = np.asarray(als.item_factors)
    unit = factors / np.linalg.norm(factors, axis=1, keepdims=True)
    cosine = unit @ unit.T
    np.fill_diagonal(cosine, -np.inf)
    neighbour = cosine.argmax(axis=1)
    agreement = (genre[neighbour] == genre).mean()
    silhouette = silhouette_score(unit, genre, metric="cosine")
    print(
        f"WMF (50 factors) song factors: nearest-neighbour genre agreement {agreement:.3f}, "
        f"cosine silhouette by genre {silhouette:.3f}"
    )
    if not args.keep:
        shutil.rmtree(home)


if __name__ == "__main__":
    main()
