"""Throughput of the artwork-recommendation evaluation: the one-of-a-kind replay of cbrec_lab.evaluation, the
scorers of cbrec_lab.recommend, and the vectorised ranking metrics of cbrec_lab.metrics.

Usage: python benchmarks/evaluation.py [--profile small] [--users 10000] [--candidates 5000] [--k 20]
                                       [--repeats 3]

Part 1 replays the art kit of ``--profile``: building the cases, scoring every case with each method of lesson
08 (the CNN features are random stand-ins of the backbone's 1,280 dimensions, so that no image is decoded and
no network runs — their *cost* is that of the real ones), evaluating each score matrix, and cutting top-10
lists. Part 2 evaluates a random score matrix of ``--users`` × ``--candidates`` at cut-off ``--k`` with every
ranking metric, with and without an exclusion mask, and times the single-user functions for comparison.
Best of ``--repeats`` runs for every figure, so that other work on a shared machine disturbs less.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import scipy.sparse as sp


def best_time(function, repeats: int) -> tuple[float, object]:
    """Smallest wall-clock time of ``repeats`` calls of ``function()`` (seconds), and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="small", choices=["ci", "small", "full"])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=5_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from cbrec_lab import recommend as rec
    from cbrec_lab.datasets import load_art_kit
    from cbrec_lab.evaluation import evaluate_replay, replay_cases, top_k_lists
    from cbrec_lab.metrics import evaluate_rankings, ndcg_at_k, recall_at_k
    from cbrec_lab.ranking import rank_items

    print(f"{os.cpu_count()} CPUs; {platform.processor() or platform.machine()}; best of {args.repeats}")
    kit = load_art_kit(args.profile, progress=False)
    items, purchases = kit.items, kit.interactions
    seconds, cases = best_time(lambda: replay_cases(purchases, items), args.repeats)
    print(
        f"\n1. replay of the art kit ({args.profile}): {len(items):,} artworks, {len(purchases):,} purchases → "
        f"{cases.n_cases} cases"
    )
    print(f"  {'replay_cases':<44} {1000 * seconds:9.1f} ms")
    rng = np.random.default_rng(0)
    cnn = rng.normal(size=(len(items), 1280)).astype(np.float32)
    scorers = {
        "random_scores": lambda: rec.random_scores(cases.n_cases, cases.n_items, seed=0),
        "mpcav_scores (medium)": lambda: rec.mpcav_scores(cases.sold_before(), items["medium"]),
        "pmpcav_scores (medium, colours, tags)": lambda: rec.pmpcav_scores(
            cases.profile, items[["medium", "colours", "tags"]]
        ),
        "favourite_artist_scores": lambda: rec.favourite_artist_scores(cases.profile, items["artist"]),
        "content_scores (1,280-d, max)": lambda: rec.content_scores(cases.profile, cnn, aggregation="max"),
        "content_scores (1,280-d, average)": lambda: rec.content_scores(cases.profile, cnn, aggregation="average"),
        "content_scores (1,280-d, top_k)": lambda: rec.content_scores(cases.profile, cnn, aggregation="top_k"),
    }
    total = seconds
    scores = None
    for name, scorer in scorers.items():
        seconds, scores = best_time(scorer, args.repeats)
        total += seconds
        print(f"  {name:<44} {1000 * seconds:9.1f} ms")
    seconds, _ = best_time(lambda: evaluate_replay(scores, cases, k=(10, 20)), args.repeats)
    total += seconds * len(scorers)
    print(f"  {'evaluate_replay (4 metrics @10, @20)':<44} {1000 * seconds:9.1f} ms per method")
    seconds, _ = best_time(lambda: top_k_lists(scores, cases, 10), args.repeats)
    print(f"  {'top_k_lists (k = 10)':<44} {1000 * seconds:9.1f} ms per method")
    print(f"  whole replay, {len(scorers)} methods scored and evaluated: {total:.2f} s")

    n_users, n_items, k = args.users, args.candidates, args.k
    print(f"\n2. vectorised metrics: {n_users:,} users × {n_items:,} candidates, k = {k}")
    scores = rng.random((n_users, n_items), dtype=np.float32)
    relevant = sp.random(n_users, n_items, density=5 / n_items, format="csr", random_state=1, dtype=np.float32)
    relevant.data[:] = 1
    excluded = sp.random(n_users, n_items, density=20 / n_items, format="csr", random_state=2, dtype=np.float32)
    excluded.data[:] = 1
    metrics = ("precision", "recall", "f1", "hit_rate", "ndcg", "mrr", "map")
    for label, exclude in (("no exclusion", None), ("20 excluded items per user", excluded)):

        def run(exclude=exclude):
            return evaluate_rankings(scores, relevant, k=k, exclude=exclude, metrics=metrics)

        seconds, _ = best_time(run, args.repeats)
        print(f"  evaluate_rankings, 7 metrics, {label:<27} {seconds:7.2f} s  ({n_users / seconds:,.0f} users/s)")
    seconds, _ = best_time(lambda: evaluate_rankings(scores, relevant, metrics=("auc",)), args.repeats)
    print(f"  evaluate_rankings, AUC over all candidates{'':<15} {seconds:7.2f} s  ({n_users / seconds:,.0f} users/s)")
    sample = 500

    def per_user() -> None:
        for u in range(sample):
            ranked = rank_items(scores[u], k=k)
            truth = relevant[u].indices
            recall_at_k(ranked, truth, k=k), ndcg_at_k(ranked, truth, k=k)

    seconds, _ = best_time(per_user, args.repeats)
    print(
        f"  per-user functions (rank + recall + nDCG), {sample} users{'':<7} {seconds:7.2f} s  "
        f"({sample / seconds:,.0f} users/s)"
    )


if __name__ == "__main__":
    main()
