"""Build the music kit from scratch in a temporary data home and report speed and data-quality figures; with
``--evidence``, build one kit per seed and print the evidence of issue 20 with 95 % intervals over the seeds.

Usage: python benchmarks/music_kit.py [--profile ci] [--keep DIR]
       python benchmarks/music_kit.py --evidence [--profile ci] [--seeds 0 1 2] [--record FILE] [--compare FILE]

The evidence, per kit seed (each kit built in a private temporary data home): genre accuracy from MFCC statistics
(``cbrec_lab.audio.mfcc_statistics``, standardised logistic regression, 5-fold stratified); the integrated loudness
of every clip in LUFS (ITU-R BS.1770 with ``pyloudnorm``, on the mono clip at the file's sampling rate), per genre,
and the accuracy of a classifier that sees the loudness alone, or the clip's mean log-mel level alone (the level
the lessons' CNNs see); and how purely the item factors of ``cbrec_lab.cf.WMF`` (lesson 02's hyper-parameters)
group by genre: nearest-neighbour genre agreement, 5-NN accuracy (5-fold) and the share of the factors' variance
that genre explains.
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

#: Lesson 02's WMF: the thesis's 50 factors, logarithmic confidence with α = 40 and ε = 1, λ = 20.
WMF_SETTINGS = {"n_factors": 50, "regularization": 20.0, "alpha": 40.0, "epsilon": 1.0}
FOLDS = 5


def cross_validated_accuracy(model, features: np.ndarray, labels: np.ndarray) -> float:
    """Mean accuracy over stratified 5-fold cross-validation (shuffled with the analysis seed)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=ANALYSIS_SEED)
    return float(cross_val_score(model, features, labels, cv=folds).mean())


def logistic_regression():
    """Standardised multinomial logistic regression, the genre baseline of the lessons."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=3_000))


def integrated_loudness(kit, song_id: str) -> float:
    """ITU-R BS.1770 integrated loudness (LUFS) of the clip, mono, at the file's own sampling rate."""
    import pyloudnorm
    import soundfile

    rate = soundfile.info(str(kit.audio_path(song_id))).samplerate
    return float(pyloudnorm.Meter(rate).integrated_loudness(kit.load_audio(song_id, sr=rate).astype(np.float64)))


def factor_genre_purity(factors: np.ndarray, genre: np.ndarray) -> dict[str, float]:
    """How purely item factors group by genre: 1-NN agreement, 5-NN accuracy (5-fold), variance explained."""
    from sklearn.neighbors import KNeighborsClassifier

    unit = factors / np.maximum(np.linalg.norm(factors, axis=1, keepdims=True), 1e-12)
    cosine = unit @ unit.T
    np.fill_diagonal(cosine, -np.inf)
    centred = factors - factors.mean(axis=0)
    between = sum(
        (genre == g).sum() * np.sum((factors[genre == g].mean(axis=0) - factors.mean(axis=0)) ** 2)
        for g in np.unique(genre)
    )
    knn = KNeighborsClassifier(5, metric="cosine", algorithm="brute")
    return {
        "WMF factors: nearest-neighbour genre agreement": float((genre[cosine.argmax(axis=1)] == genre).mean()),
        "WMF factors: 5-NN genre accuracy (5-fold)": cross_validated_accuracy(knn, factors, genre),
        "WMF factors: variance explained by genre": float(between / np.sum(centred**2)),
    }


def evidence(profile: str, seed: int) -> tuple[dict, float]:
    """Build the music kit of ``profile`` and ``seed`` in the current data home; its figures and build time."""
    from cbrec_lab.audio import log_mel_spectrogram, mfcc_statistics
    from cbrec_lab.cf import WMF
    from cbrec_lab.datasets.music_kit import load_music_kit

    start = time.perf_counter()
    kit = load_music_kit(profile, seed=seed, progress=False)
    build_s = time.perf_counter() - start
    songs = kit.songs
    genre = songs["genre"].to_numpy(str)
    mfcc, level = [], []
    for song in songs.index:
        audio = kit.load_audio(song)
        mfcc.append(mfcc_statistics(audio))
        level.append(float(log_mel_spectrogram(audio).mean()))  # what the lessons' CNNs see, in dB
    mfcc, level = np.stack(mfcc), np.array(level)
    lufs = np.array([integrated_loudness(kit, song) for song in songs.index])
    figures = {
        "genres": len(np.unique(genre)),
        "songs": len(songs),
        "genre accuracy, MFCC statistics + logistic regression": cross_validated_accuracy(
            logistic_regression(), mfcc, genre
        ),
        "chance (largest genre)": float(songs["genre"].value_counts(normalize=True).max()),
    }
    finite = np.isfinite(lufs)  # a silent clip has no integrated loudness (-inf)
    figures["genre accuracy, loudness (LUFS) alone"] = cross_validated_accuracy(
        logistic_regression(), lufs[finite, None], genre[finite]
    )
    figures["silent clips (no loudness)"] = int((~finite).sum())
    genre_means = {g: float(lufs[finite & (genre == g)].mean()) for g in sorted(np.unique(genre))}
    figures["loudness LUFS, range of the genre means"] = max(genre_means.values()) - min(genre_means.values())
    deviations = np.concatenate([lufs[finite & (genre == g)] - m for g, m in genre_means.items()])
    figures["loudness LUFS, SD within genres (pooled)"] = float(np.sqrt(np.mean(deviations**2)))
    figures.update({f"loudness LUFS: {g}": m for g, m in genre_means.items()})
    level_means = [level[genre == g].mean() for g in genre_means]
    figures["mean log-mel level dB, range of the genre means"] = float(max(level_means) - min(level_means))
    figures["genre accuracy, mean log-mel level alone"] = cross_validated_accuracy(
        logistic_regression(), level[:, None], genre
    )
    model = WMF(**WMF_SETTINGS, seed=ANALYSIS_SEED).fit(kit.plays)
    figures.update(factor_genre_purity(np.asarray(model.item_factors_, dtype=np.float64), genre))
    return figures, build_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="ci", choices=["ci", "small", "full"])
    parser.add_argument("--keep", metavar="DIR", help="use (and keep) this data home instead of a temporary one")
    add_arguments(parser)
    args = parser.parse_args()
    if args.evidence or args.recorded:
        from cbrec_lab.datasets.music_kit.kit import KIT_VERSION

        run(args, "music", KIT_VERSION, evidence)
        return
    speed_and_quality(args)


def speed_and_quality(args: argparse.Namespace) -> None:
    """The build-speed and data-quality report of the default mode."""
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
