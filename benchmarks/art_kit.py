"""Build the art kit from scratch for the ci and small profiles in a temporary data home; report build times
and the evidence that the kit behaves like art-market data.

Usage: python benchmarks/art_kit.py [--profiles ci small] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np


def evidence(profile: str) -> None:
    from scipy.stats import kendalltau
    from skimage.feature import local_binary_pattern
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from cbrec_lab.datasets.art_kit import load_art_kit
    from cbrec_lab.datasets.art_kit.kit import _repeat_artist_share
    from cbrec_lab.vision import ATTRACTIVENESS_FEATURES, luminance

    kit = load_art_kit(profile, progress=False)
    items = kit.items
    colour, texture = [], []
    for item in items.index:
        image = kit.load_image(item)
        hist, _ = np.histogramdd(image.reshape(-1, 3) // 32, bins=(8, 8, 8), range=((0, 8),) * 3)
        codes = local_binary_pattern((luminance(image) * 255).astype(np.uint8), 8, 1, "nri_uniform")
        lbp, _ = np.histogram(codes, bins=59, range=(0, 59))
        colour.append(hist.ravel() / hist.sum())
        texture.append(lbp / lbp.sum())
    both = np.hstack([colour, texture])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    n_artists = items["artist"].nunique()
    artist = cross_val_score(KNeighborsClassifier(1), both, items["artist"], cv=folds).mean()
    print(f"  artist from colour histogram + LBP, 1-NN: {artist:.3f} (chance {1 / n_artists:.3f})")
    medium = cross_val_score(KNeighborsClassifier(1), both, items["medium"], cv=folds).mean()
    logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3_000))
    unseen = cross_val_score(
        logistic, np.array(texture), items["medium"], cv=GroupKFold(5), groups=items["artist"]
    ).mean()
    majority = items["medium"].value_counts(normalize=True).max()
    print(
        f"  medium, 1-NN: {medium:.3f}; medium of unseen artists from LBP (logistic regression): {unseen:.3f} "
        f"(majority {majority:.3f})"
    )
    purchases = kit.interactions
    per_customer = purchases.groupby("user_id").size()
    print(
        f"  purchases: {len(purchases)} by {len(per_customer)} customers ({per_customer.mean():.2f} each, max "
        f"{per_customer.max()}, {np.mean(per_customer == 1):.0%} bought once); repeat-artist share "
        f"{_repeat_artist_share(items, purchases):.1%}; {items.index.isin(purchases['item_id']).mean():.0%} sold"
    )
    taus = {f: kendalltau(items[f], items["favourites"]).statistic for f in ATTRACTIVENESS_FEATURES}
    print("  Kendall tau with favourites: " + ", ".join(f"{k} {v:+.3f}" for k, v in taus.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", nargs="+", default=["ci", "small"], choices=["ci", "small", "full"])
    parser.add_argument("--keep", metavar="DIR", help="use (and keep) this data home instead of a temporary one")
    args = parser.parse_args()
    home = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cbrec-bench-"))
    os.environ["CBREC_DATA_HOME"] = str(home)
    from cbrec_lab.datasets.art_kit import build_art_kit

    for profile in args.profiles:
        start = time.perf_counter()
        folder = build_art_kit(profile, progress=False)
        elapsed = time.perf_counter() - start
        n = len(list((folder / "images").glob("*.jpg")))
        disk = sum(p.stat().st_size for p in (folder / "images").glob("*.jpg"))
        print(
            f"profile {profile}: {n} artworks built in {elapsed:.1f} s ({n / elapsed:.1f} per second, "
            f"{os.cpu_count()} CPUs), {disk / 1e6:.1f} MB of images"
        )
        evidence(profile)
    if not args.keep:
        shutil.rmtree(home)


if __name__ == "__main__":
    main()
