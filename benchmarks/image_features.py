"""Throughput of the image features of cbrec_lab.vision and of the deep features of cbrec_lab.backbones on the
art kit's images.

Usage: python benchmarks/image_features.py [--profile ci|small] [--deep-images 64] [--batch-size 32]
                                           [--words 100] [--repeats 3]

Handcrafted features run over every image of the kit (best of ``--repeats`` passes, so that other work on a
shared machine disturbs less); deep features (EfficientNet-Lite0, offline) over the first ``--deep-images``
images. The deep-feature cache goes to a temporary data home (``CBREC_DATA_HOME``) that is deleted at the end,
so the real cache is untouched; the kit itself comes from the usual data home (built there on first use).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np


def best_time(function, repeats: int) -> float:
    """Smallest wall-clock time of ``repeats`` calls of ``function()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def report(name: str, n: int, seconds: float, note: str = "") -> None:
    print(f"  {name:<46} {n / seconds:>9,.1f} images/s  ({1000 * seconds / n:7.2f} ms/image){note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="ci", choices=["ci", "small", "full"])
    parser.add_argument("--deep-images", type=int, default=64, help="images for the deep features (default 64)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size of deep_features (default 32)")
    parser.add_argument("--words", type=int, default=100, help="visual words of the ORB vocabulary (default 100)")
    parser.add_argument("--repeats", type=int, default=3, help="passes per handcrafted feature; best is shown")
    args = parser.parse_args()

    from cbrec_lab import vision
    from cbrec_lab.datasets import load_art_kit

    kit = load_art_kit(args.profile, progress=False)
    ids = list(kit.items.index)
    paths = [kit.root / p for p in kit.items["image_path"]]
    n = len(ids)
    print(
        f"art kit {args.profile}: {n} images of {kit.load_image(ids[0]).shape[1]}×{kit.load_image(ids[0]).shape[0]} "
        f"pixels; {os.cpu_count()} CPUs; {platform.processor() or platform.machine()}"
    )

    print("loading (JPEG → uint8 RGB)")
    report("ImageCollection.load_image (Pillow)", n, best_time(lambda: [kit.load_image(i) for i in ids], args.repeats))
    report("vision.load_image (OpenCV)", n, best_time(lambda: [vision.load_image(p) for p in paths], args.repeats))
    images = [kit.load_image(i) for i in ids]

    print("handcrafted features (images in memory)")
    handcrafted = {
        "lbp_histogram (59 bins, P=8, R=1)": vision.lbp_histogram,
        "attractiveness_features (all 10)": vision.attractiveness_features,
        "  of which naturalness": vision.naturalness,
        "  of which entropy": vision.entropy,
        "colour_histogram (8³ = 512 bins)": vision.colour_histogram,
        "orb_descriptors (n_features=500)": vision.orb_descriptors,
    }
    for name, function in handcrafted.items():
        report(name, n, best_time(lambda f=function: [f(image) for image in images], args.repeats))

    descriptors = [vision.orb_descriptors(image) for image in images]
    counts = np.array([len(d) for d in descriptors])
    print(f"  ORB: {counts.sum():,} descriptors, {counts.mean():.0f} per image ({counts.min()}–{counts.max()})")
    vocabulary = vision.VisualVocabulary(n_words=args.words, seed=0)
    start = time.perf_counter()
    vocabulary.fit(descriptors)
    fit_seconds = time.perf_counter() - start
    print(f"  VisualVocabulary.fit, {args.words} words, all descriptors: {fit_seconds:.2f} s")
    transform = best_time(lambda: vocabulary.transform(descriptors), args.repeats)
    report(f"VisualVocabulary.transform ({args.words} words)", n, transform)
    orb_bovw = best_time(lambda: vocabulary.transform([vision.orb_descriptors(image) for image in images]), 1)
    report("ORB + BoVW histogram of a new image", n, orb_bovw)

    print(
        f"deep features: efficientnet_lite0 (offline weights), {args.deep_images} images, batch size {args.batch_size}"
    )
    from cbrec_lab.backbones import deep_features

    subset = images[: args.deep_images]
    start = time.perf_counter()
    deep_features(subset[:1], backbone="efficientnet_lite0", batch_size=args.batch_size)
    print(f"  first call (builds the network, ports the weights, 1 image): {time.perf_counter() - start:.2f} s")
    seconds = best_time(lambda: deep_features(subset, backbone="efficientnet_lite0", batch_size=args.batch_size), 2)
    report("deep_features, no cache (best of 2)", len(subset), seconds)

    with (
        tempfile.TemporaryDirectory(prefix="cbrec-bench-features-") as folder,
        mock.patch.dict(os.environ, {"CBREC_DATA_HOME": folder}),
    ):
        home = Path(folder)
        start = time.perf_counter()
        cold = deep_features(subset, batch_size=args.batch_size, cache_key="benchmark")
        cold_seconds = time.perf_counter() - start
        hit_seconds = best_time(lambda: deep_features(subset, batch_size=args.batch_size, cache_key="benchmark"), 5)
        warm = deep_features(subset, batch_size=args.batch_size, cache_key="benchmark")
        assert np.array_equal(cold, warm)
        size = sum(p.stat().st_size for p in (home / "features" / "deep").glob("*.npy"))
        report("deep_features, cold cache (compute + write)", len(subset), cold_seconds)
        report(
            "deep_features, cache hit (best of 5)",
            len(subset),
            hit_seconds,
            f"  {1000 * hit_seconds:.1f} ms in all, {size / 1e3:.0f} kB file",
        )


if __name__ == "__main__":
    main()
