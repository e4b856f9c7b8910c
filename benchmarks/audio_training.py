"""Throughput of the audio pipeline: log-mel features (with and without the cache), CNN training on random
3 s windows, and prediction.

Usage: python benchmarks/audio_training.py [--profile ci] [--epochs 3] [--batch-size 32] [--paper-widths]

The music kit comes from the usual data home (built on first use); the feature cache is written to a
temporary data home and deleted at the end, so the figures for a cold and a warm cache are real ones and
nothing is left behind. Targets are random 50-dimensional vectors (throughput does not depend on them).
Training figures are taken after one warm-up epoch (graph tracing), on the model compiled by
``cbrec_lab.train.fit``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from unittest import mock

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="ci", choices=["ci", "small"])
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs after the warm-up epoch")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--songs", type=int, default=50, help="songs for the feature extraction without cache")
    parser.add_argument("--windows-per-song", type=int, default=4, help="random windows drawn per song and epoch")
    parser.add_argument(
        "--paper-widths",
        action="store_true",
        help="also train deep_cnn at the paper's widths (8.4 M parameters; slow on a CPU)",
    )
    args = parser.parse_args()

    from cbrec_lab.config import import_keras
    from cbrec_lab.datasets import load_music_kit
    from cbrec_lab.feature_cache import log_mel_set
    from cbrec_lab.models.audio import deep_cnn, thesis_cnn
    from cbrec_lab.train import (
        SpectrogramWindows,
        apply_policy,
        fit,
        predict_songs,
        song_windows,
        training_policy,
        window_frames,
    )

    keras = import_keras()
    policy = apply_policy(training_policy())
    kit = load_music_kit(args.profile, progress=False)
    n_songs = len(kit.songs)
    rows: list[tuple[str, str]] = []

    # (a) features ------------------------------------------------------------------------------------------
    subset = list(kit.songs.index[: args.songs])
    audio_seconds = sum(len(kit.load_audio(s)) for s in subset) / 22_050  # also warms librosa (numba) up
    log_mel_set(kit, songs=subset[:1], cache=False)
    started = time.perf_counter()
    log_mel_set(kit, songs=subset, cache=False)
    no_cache = time.perf_counter() - started
    rows.append(
        (
            f"log-mel, no cache ({len(subset)} songs, {audio_seconds:.0f} s of audio)",
            f"{no_cache:.2f} s · {audio_seconds / no_cache:,.0f} s of audio/s",
        )
    )

    # the kit is loaded already; only the feature cache goes to a temporary data home, removed afterwards
    with (
        tempfile.TemporaryDirectory(prefix="cbrec-bench-features-") as features_home,
        mock.patch.dict(os.environ, {"CBREC_DATA_HOME": features_home}),
    ):
        started = time.perf_counter()
        log_mel_set(kit)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        spectrograms = log_mel_set(kit)
        warm = time.perf_counter() - started
        total_seconds = spectrograms.n_frames.sum() / spectrograms.frames_per_second()
        size = spectrograms.data.nbytes
        rows.append(
            (
                f"log-mel, cold cache (all {n_songs} songs: compute, write, hash)",
                f"{cold:.2f} s · {total_seconds / cold:,.0f} s of audio/s",
            )
        )
        rows.append(
            (
                f"log-mel, warm cache ({size / 1e6:.0f} MB, SHA-256 check + memory map)",
                f"{warm:.3f} s · {total_seconds / warm:,.0f} s of audio/s",
            )
        )

        # (b) training ------------------------------------------------------------------------------------
        frames = window_frames(3)
        rng = np.random.default_rng(0)
        targets = rng.normal(size=(n_songs, 50)).astype(np.float32)
        songs = np.tile(np.arange(n_songs), args.windows_per_song)
        models = {
            "thesis CNN": lambda: thesis_cnn(frames=frames),
            "deep CNN (64, 64, 128; dense 256)": lambda: deep_cnn(
                frames=frames, filters=(64, 64, 128), dense_units=256
            ),
        }
        if args.paper_widths:
            models["deep CNN (paper widths)"] = lambda: deep_cnn(frames=frames)
        for name, build in models.items():
            keras.utils.set_random_seed(0)
            model = build()
            windows = SpectrogramWindows(spectrograms, songs, targets[songs], frames=frames, batch_size=args.batch_size)
            fit(model, windows, loss="mse", epochs=1, policy=policy)  # warm-up: compile and trace
            started = time.perf_counter()
            model.fit(windows, epochs=args.epochs, verbose=0)
            per_epoch = (time.perf_counter() - started) / args.epochs
            rows.append(
                (
                    f"train {name}, {model.count_params():,} params, {len(songs)} windows/epoch",
                    f"{per_epoch:.2f} s/epoch · {len(songs) / per_epoch:,.0f} windows/s",
                )
            )

            # (c) prediction: every song, the average over its successive 3 s windows ---------------------
            predict_songs(model, spectrograms, [0], frames=frames, batch_size=64)  # warm-up
            started = time.perf_counter()
            predict_songs(model, spectrograms, np.arange(n_songs), frames=frames, batch_size=64)
            seconds = time.perf_counter() - started
            n_windows = sum(len(song_windows(spectrograms[i], frames=frames)) for i in range(n_songs))
            rows.append(
                (
                    f"predict {name} ({n_windows} windows, how='average')",
                    f"{seconds:.2f} s · {n_windows / seconds:,.0f} windows/s",
                )
            )

    print(
        f"profile {args.profile}: {n_songs} songs, {os.cpu_count()} CPUs, batch size {args.batch_size}, "
        f"{args.epochs} timed epochs after 1 warm-up"
    )
    print(policy)
    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  result")
    print(f"{'-' * width}  {'-' * 40}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
