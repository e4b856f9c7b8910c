"""Build the art kit from scratch for the ci and small profiles in a temporary data home; report build times
and the evidence that the kit behaves like art-market data. With ``--evidence``, build one kit per seed and
print the evidence of issue 20 with 95 % intervals over the seeds.

Usage: python benchmarks/art_kit.py [--profiles ci small] [--keep DIR]
       python benchmarks/art_kit.py --evidence [--profile ci] [--seeds 0 1 2] [--record FILE] [--compare FILE]

The evidence, per kit seed (each kit built in a private temporary data home): same-artist precision@5 (cosine,
as lesson 07) of colour histograms and of EfficientNet-Lite0 deep features (``cbrec_lab.backbones.deep_features``,
the offline backbone of lessons 07–08), and the same for the style family and the medium where the kit has those
columns; Kendall's τ-b of each attractiveness feature (``cbrec_lab.vision.attractiveness_table``, computed from
the pixels) with the favourites over the whole catalogue; and, under VBPR's cold-start split (lesson 10's: likes
of 600/2,000/10,000 users on ci/small/full, 10 % cold items, ``split_all_items_and_cold_start``), the training
interactions of the cold items.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from kit_evidence import ANALYSIS_SEED, add_arguments, run

NEIGHBOURS = 5  # lesson 07's precision@5
COLD_FRACTION = 0.1  # lesson 10's share of cold items
LIKE_USERS = {"ci": 600, "small": 2_000, "full": 10_000}  # lesson 10's simulated users per profile


def precision_at_k(features: np.ndarray, labels: np.ndarray, k: int = NEIGHBOURS) -> float:
    """Share of each item's k nearest other items (cosine; ties by the lower index) that share its label."""
    x = np.asarray(features, dtype=np.float64)
    unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    distance = 1.0 - unit @ unit.T
    np.fill_diagonal(distance, np.inf)
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :k]
    return float((labels[nearest] == labels[:, None]).mean())


def kit_likes(kit, profile: str):
    """The likes VBPR learns from: the kit's own table if it ships one, else simulated as in lesson 10."""
    likes = getattr(kit, "likes", None)
    if likes is not None:
        return likes
    from cbrec_lab.datasets.art_kit.likes import simulate_likes

    return simulate_likes(kit.items, LIKE_USERS[profile], seed=ANALYSIS_SEED)


def cold_start_counts(kit, profile: str) -> dict[str, float]:
    """Training interactions of the cold and warm items under lesson 10's cold-start split."""
    import inspect

    from cbrec_lab.evaluation import split_all_items_and_cold_start

    # lesson 10's protocol, stated explicitly where the split knows it (v2: 1-4 training likes per cold item);
    # the v1 split had no such parameter and removed every training like of a cold item
    protocol = (
        {"cold_training": (1, 4)}
        if "cold_training" in inspect.signature(split_all_items_and_cold_start).parameters
        else {}
    )
    split = split_all_items_and_cold_start(
        kit_likes(kit, profile), cold_fraction=COLD_FRACTION, seed=ANALYSIS_SEED, item_ids=kit.items.index, **protocol
    )
    per_item = np.asarray((split.train > 0).sum(axis=0)).ravel()
    cold = per_item[split.is_cold]
    return {
        "cold items": int(cold.size),
        "cold items: mean training count": float(cold.mean()),
        "cold items: share with 0 training interactions": float(np.mean(cold == 0)),
        "cold items: share with 1–4 training interactions": float(np.mean((cold >= 1) & (cold <= 4))),
        "cold items: max training count": int(cold.max()),
        "warm items: mean training count": float(per_item[~split.is_cold].mean()),
    }


def kit_evidence(profile: str, seed: int) -> tuple[dict, float]:
    """Build the art kit of ``profile`` and ``seed`` in the current data home; its figures and build time."""
    from scipy.stats import kendalltau

    from cbrec_lab.backbones import deep_features
    from cbrec_lab.datasets.art_kit import load_art_kit
    from cbrec_lab.vision import ALL_ATTRACTIVENESS_FEATURES, attractiveness_table, colour_histogram, load_image

    start = time.perf_counter()
    kit = load_art_kit(profile, seed=seed, progress=False)
    build_s = time.perf_counter() - start
    items = kit.items
    images = [load_image(kit.root / path) for path in items["image_path"]]
    descriptors = {
        "colour histogram": np.array([colour_histogram(image) for image in images]),
        "deep (Lite0)": deep_features(images, batch_size=16),
    }
    figures = {"artworks": len(items), "artists": int(items["artist"].nunique())}
    for label in ("artist", "family", "medium"):
        if label in items:
            for name, features in descriptors.items():
                figures[f"same {label} P@5: {name}"] = precision_at_k(features, items[label].to_numpy(object))
    attractiveness = attractiveness_table(images)
    for feature in ALL_ATTRACTIVENESS_FEATURES:
        figures[f"Kendall τ-b with favourites: {feature}"] = float(
            kendalltau(attractiveness[feature], items["favourites"]).statistic
        )
    figures["Kendall τ-b with favourites: largest |τ|"] = max(
        abs(figures[f"Kendall τ-b with favourites: {feature}"]) for feature in ALL_ATTRACTIVENESS_FEATURES
    )
    figures.update(cold_start_counts(kit, profile))
    return figures, build_s


def evidence(profile: str) -> None:
    from scipy.stats import kendalltau
    from skimage.feature import local_binary_pattern
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from cbrec_lab.datasets.art_kit import load_art_kit
    from cbrec_lab.vision import ATTRACTIVENESS_FEATURES, luminance

    try:  # a private helper of the kit: the figure is left out where the kit no longer has it
        from cbrec_lab.datasets.art_kit.kit import _repeat_artist_share
    except ImportError:
        _repeat_artist_share = None

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
        f"{'n/a' if _repeat_artist_share is None else f'{_repeat_artist_share(items, purchases):.1%}'}; "
        f"{items.index.isin(purchases['item_id']).mean():.0%} sold"
    )
    taus = {f: kendalltau(items[f], items["favourites"]).statistic for f in ATTRACTIVENESS_FEATURES if f in items}
    print("  Kendall tau with favourites: " + ", ".join(f"{k} {v:+.3f}" for k, v in taus.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", nargs="+", default=["ci", "small"], choices=["ci", "small", "full"])
    parser.add_argument("--profile", default="ci", choices=["ci", "small", "full"], help="the evidence's profile")
    parser.add_argument("--keep", metavar="DIR", help="use (and keep) this data home instead of a temporary one")
    add_arguments(parser)
    args = parser.parse_args()
    if args.evidence or args.recorded:
        from cbrec_lab.datasets.art_kit.kit import KIT_VERSION

        run(args, "art", KIT_VERSION, kit_evidence)
        return
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
