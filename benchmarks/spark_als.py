"""Spark's ALS against implicit's on one machine: fit time, seconds per iteration, top-10 overlaps.

Usage: .venv/bin/python benchmarks/spark_als.py [--users 20000] [--items 5000] [--per-user 50] [--cores 2]

Plays come from planted low-rank tastes plus popularity (the generator of tests/unit/test_spark.py), weakly
regularised (implicit λ = 0.1, Spark regParam = λ / mean n_u), 50 factors, the log confidence of lesson 02.
Prints both libraries' fit times for two seeds, the per-iteration cost (from fits of 1 and 4 iterations)
and the mean overlap of the top-10 lists (training items excluded) between two seeds of each library and
between the libraries. Needs pyspark and a Java 17+ runtime.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit"))
from test_spark import _planted_tastes  # noqa: E402  (the planted-tastes generator of the unit tests)

from cbrec_lab import spark as S  # noqa: E402
from cbrec_lab.cf import WMF  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--per-user", type=int, default=50)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--lam", type=float, default=0.1)
    args = parser.parse_args()
    ok, reason = S.spark_available()
    if not ok:
        sys.exit(f"Spark cannot start: {reason}")
    plays = _planted_tastes(n_users=args.users, n_items=args.items, rank=8, per_user=args.per_user, seed=0)
    print(
        f"{plays.shape[0]:,} users × {plays.shape[1]:,} items, {plays.nnz:,} plays "
        f"({plays.nnz / np.prod(plays.shape):.1%} dense); Spark local[{args.cores}]"
    )
    tic = time.perf_counter()
    session = S.local_session(cores=args.cores, driver_memory="1g")
    print(f"Spark session started in {time.perf_counter() - tic:.1f} s")
    common = dict(alpha=40.0, epsilon=1.0, confidence="log")
    reg = S.spark_regularization(args.lam, plays)
    fits = {}
    for seed in (0, 1):
        tic = time.perf_counter()
        model = WMF(n_factors=50, regularization=args.lam, iterations=10, seed=seed, **common).fit(plays)
        print(f"implicit, seed {seed}: 10 iterations in {time.perf_counter() - tic:.1f} s")
        fits["implicit", seed] = (model.user_factors_, model.item_factors_)
        fitted = S.spark_als(
            plays, n_factors=50, regularization=reg, iterations=10, seed=seed, session=session, **common
        )
        print(f"Spark ALS, seed {seed}: 10 iterations in {fitted.seconds:.1f} s (ALS.fit)")
        fits["Spark", seed] = (fitted.user_factors_, fitted.item_factors_)
    for name in ("implicit", "Spark"):
        times = []
        for iterations in (1, 4):
            if name == "implicit":
                tic = time.perf_counter()
                WMF(n_factors=50, regularization=args.lam, iterations=iterations, seed=0, **common).fit(plays)
                times.append(time.perf_counter() - tic)
            else:
                fitted = S.spark_als(
                    plays, n_factors=50, regularization=reg, iterations=iterations, seed=0, session=session, **common
                )
                times.append(fitted.seconds)
        print(f"{name}: {(times[1] - times[0]) / 3:.3f} s per iteration")
    users = np.arange(0, plays.shape[0], 10)
    top = {key: S.recommend_top_k(x, y, k=10, exclude=plays, users=users) for key, (x, y) in fits.items()}

    def overlap(a, b):
        return np.mean([len(np.intersect1d(p, q)) / 10 for p, q in zip(top[a], top[b], strict=True)])

    print(
        f"top-10 overlap: implicit seeds {overlap(('implicit', 0), ('implicit', 1)):.3f}, Spark seeds "
        f"{overlap(('Spark', 0), ('Spark', 1)):.3f}, Spark vs implicit {overlap(('Spark', 0), ('implicit', 0)):.3f}"
    )
    S.stop_session(session)


if __name__ == "__main__":
    main()
