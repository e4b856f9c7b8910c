"""Audio features as a Spark job, written to Parquet, and the single-process path they must equal.

:func:`extract_features_spark` maps the single-file extraction of :mod:`cbrec_lab.audio`
(:func:`extract_file_features`) over audio files, a few files per Spark task, and writes Parquet; the result is
identical to :func:`extract_features`, the single-process path. :func:`read_features` and
:func:`feature_seconds` read the matrices and the per-file worker times back.

Spark's Python workers import this module to run :func:`extract_file_features`: it imports pyspark only inside
the functions that drive the job.
"""

from __future__ import annotations

import functools
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np

from ..audio import HOP_LENGTH, N_FFT, N_MELS, N_MFCC, SAMPLE_RATE, load, log_mel_spectrogram, mfcc_with_deltas
from ..checks import positive_int
from ..exceptions import ParameterError
from .session import session_or_local

__all__ = [
    "FEATURE_KINDS",
    "extract_file_features",
    "extract_features",
    "extract_features_spark",
    "read_features",
    "feature_seconds",
]

#: Feature kinds of :func:`extract_file_features`.
FEATURE_KINDS = ("mel", "mfcc")


def _feature_params(kind, sr, n_fft, hop_length, n_mels, n_mfcc) -> dict:
    if kind not in FEATURE_KINDS:
        raise ParameterError(f"kind must be one of {FEATURE_KINDS}, got {kind!r}.")
    params = {"sr": sr, "n_fft": n_fft, "hop_length": hop_length, "n_mels": n_mels}
    for name, value in params.items():
        positive_int(value, name=name)
    if kind == "mfcc":
        params["n_mfcc"] = positive_int(n_mfcc, name="n_mfcc")
    return {"kind": kind, **params}


def extract_file_features(
    path,
    *,
    kind: str = "mel",
    sr: int = SAMPLE_RATE,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    n_mfcc: int = N_MFCC,
) -> np.ndarray:
    """Features of one audio file: what every Spark task of :func:`extract_features_spark` computes.

    The file is read as mono at ``sr`` Hz (:func:`cbrec_lab.audio.load`), then

    - ``kind="mel"``: the log-mel spectrogram ``D = 10 log10(max(M, 10⁻¹⁰))``, floored 80 dB below its
      maximum (:func:`cbrec_lab.audio.log_mel_spectrogram`), shape ``(n_mels, n_frames)``;
    - ``kind="mfcc"``: the MFCCs with their Δ and ΔΔ (:func:`cbrec_lab.audio.mfcc_with_deltas`), shape
      ``(3 · n_mfcc, n_frames)``;

    with ``n_frames = 1 + n_samples // hop_length``.

    Returns
    -------
    np.ndarray [shape=(n_features, n_frames), dtype=float32]
    """
    params = _feature_params(kind, sr, n_fft, hop_length, n_mels, n_mfcc)
    return _extract(os.fspath(path), params)


def _extract(path: str, params: dict) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    params = dict(params)
    kind = params.pop("kind")
    # One BLAS thread everywhere: the bits of a matrix product can depend on the number of threads, and the
    # Spark workers run one per core, so this keeps the single-process and the Spark results identical.
    with threadpool_limits(1, "blas"):
        y = load(path, sr=params["sr"])
        if kind == "mel":
            features = log_mel_spectrogram(y, **params)
        else:
            features = mfcc_with_deltas(y, **params)
    return np.ascontiguousarray(features, dtype=np.float32)


def _check_paths(audio_paths) -> list[str]:
    if isinstance(audio_paths, (str, os.PathLike)):
        raise ParameterError("audio_paths must be a sequence of paths, got a single path; wrap it in a list.")
    paths = [os.path.abspath(os.fspath(p)) for p in audio_paths]
    if not paths:
        raise ParameterError("audio_paths is empty: give at least one audio file.")
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        raise ParameterError(f"{len(missing)} audio file(s) not found, e.g. {missing[:3]}.")
    return paths


def extract_features(
    audio_paths,
    *,
    kind: str = "mel",
    sr: int = SAMPLE_RATE,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    n_mfcc: int = N_MFCC,
) -> list[np.ndarray]:
    """The single-process path: :func:`extract_file_features` of every file, in order.

    Returns
    -------
    list of np.ndarray [shape=(n_features, n_frames), dtype=float32]
    """
    params = _feature_params(kind, sr, n_fft, hop_length, n_mels, n_mfcc)
    return [_extract(path, params) for path in _check_paths(audio_paths)]


def _feature_partition(partition, params: dict):
    """The per-partition function of the Spark job (module level, so that workers import it from cbrec_lab)."""
    for index, path in partition:
        started = time.perf_counter()
        try:
            features = _extract(path, params)
        except Exception as err:  # noqa: BLE001 - reported per file on the driver, with the file's name
            yield (index, path, None, None, time.perf_counter() - started, f"{type(err).__name__}: {err}")
        else:
            yield (
                index,
                path,
                list(features.shape),
                features.astype("<f4").tobytes(),
                time.perf_counter() - started,
                None,
            )


def _feature_schema():
    from pyspark.sql.types import (
        ArrayType,
        BinaryType,
        DoubleType,
        IntegerType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    return StructType(
        [
            StructField("index", LongType(), False),
            StructField("path", StringType(), False),
            StructField("shape", ArrayType(IntegerType(), False), True),
            StructField("values", BinaryType(), True),
            StructField("seconds", DoubleType(), False),
            StructField("error", StringType(), True),
        ]
    )


def extract_features_spark(
    audio_paths,
    *,
    output,
    kind: str = "mel",
    sr: int = SAMPLE_RATE,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    n_mfcc: int = N_MFCC,
    overwrite: bool = False,
    partitions: int | None = None,
    session=None,
) -> Path:
    """Extract features of many audio files as a Spark job and write them to a Parquet folder.

    The paths are split into ``partitions`` contiguous slices, one Spark task each; a task runs
    :func:`extract_file_features` on its files in a Python worker (which imports :mod:`cbrec_lab`) and emits one row
    ``(index, path, shape, values)``: the file's position in ``audio_paths``, its absolute path, the feature
    matrix's shape ``[n_features, n_frames]`` and its values as little-endian float32 bytes in row-major order
    (a Parquet ``binary`` column: ``numpy.frombuffer(values, "<f4").reshape(shape)``; bytes travel from the
    Python workers to the JVM far faster than lists of floats) and ``seconds``, the time the worker spent on
    the file (:func:`feature_seconds`: the compute rate without Spark's start-up and scheduling). The rows are
    written to ``output`` as Parquet (tasks beyond the parallelism are merged into one file per core first),
    first into a temporary folder next to it that is renamed on success, so a failed job never leaves a
    half-written result. Read them back with :func:`read_features`.

    Parameters
    ----------
    audio_paths : sequence of str or os.PathLike
        Audio files; they must be readable by the workers (on a cluster: a shared file system).
    output : str or os.PathLike
        The Parquet folder to create.
    kind, sr, n_fft, hop_length, n_mels, n_mfcc
        As in :func:`extract_file_features`.
    overwrite : bool
        Replace an existing ``output``; otherwise an existing one is an error.
    partitions : int > 0, optional
        Spark tasks. Default ``min(n_files, 4 × parallelism)``: several tasks per core balance the load and
        keep a retried task small, without paying a task's scheduling cost for every one of a million files.
    session : pyspark.sql.SparkSession, optional
        Default :func:`cbrec_lab.spark.local_session`.

    Returns
    -------
    pathlib.Path
        ``output``.

    Raises
    ------
    ParameterError
        Missing files, bad parameters, ``output`` exists (without ``overwrite``), or a file failed in a worker
        (the message names the files and the errors; nothing is written).
    """
    params = _feature_params(kind, sr, n_fft, hop_length, n_mels, n_mfcc)
    paths = _check_paths(audio_paths)
    if partitions is not None:
        partitions = positive_int(partitions, name="partitions")
    output = Path(output).resolve()
    if output.exists() and not overwrite:
        raise ParameterError(f"{output} exists; pass overwrite=True to replace it.")
    session = session_or_local(session)
    staging = output.with_name(f".{output.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        parallelism = session.sparkContext.defaultParallelism
        tasks = min(len(paths), 4 * parallelism) if partitions is None else min(len(paths), partitions)
        rdd = session.sparkContext.parallelize(list(enumerate(paths)), tasks).mapPartitions(
            functools.partial(_feature_partition, params=params)
        )
        frame = session.createDataFrame(rdd, _feature_schema())
        # one task per file computes; a few tasks write (a Parquet file per task would cost more than the work)
        if tasks > parallelism:
            frame = frame.repartition(parallelism)
        frame.write.parquet(staging.as_uri())
        failed = session.read.parquet(staging.as_uri()).where("error IS NOT NULL").select("path", "error").collect()
        if failed:
            listed = "; ".join(f"{row[0]}: {row[1]}" for row in failed[:3])
            raise ParameterError(f"Feature extraction failed for {len(failed)} file(s): {listed}.")
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return output


def feature_seconds(output, *, session=None) -> np.ndarray:
    """Seconds each file took in its Spark worker (loading and extraction), in the order of the input.

    Parameters
    ----------
    output : str or os.PathLike
        A Parquet folder written by :func:`extract_features_spark`.
    session : pyspark.sql.SparkSession, optional
        Default :func:`cbrec_lab.spark.local_session`.

    Returns
    -------
    np.ndarray [shape=(n_files,), dtype=float64]
    """
    output = _parquet_folder(output)
    session = session_or_local(session)
    rows = session.read.parquet(output.resolve().as_uri()).select("index", "seconds").collect()
    rows.sort(key=lambda row: row[0])
    return np.array([row[1] for row in rows], dtype=np.float64)


def _parquet_folder(output) -> Path:
    output = Path(output)
    if not output.is_dir():
        raise ParameterError(f"No Parquet folder at {output}: run extract_features_spark(..., output=...) first.")
    return output


def read_features(output, audio_paths=None, *, session=None) -> list[np.ndarray]:
    """Feature matrices written by :func:`extract_features_spark`, in the order of the input.

    Parameters
    ----------
    output : str or os.PathLike
        The Parquet folder.
    audio_paths : sequence of str or os.PathLike, optional
        Return the features of these files, in this order (each must be in ``output``); by default every file
        in the order given to :func:`extract_features_spark`.
    session : pyspark.sql.SparkSession, optional
        Default :func:`cbrec_lab.spark.local_session`.

    Returns
    -------
    list of np.ndarray [shape=(n_features, n_frames), dtype=float32]
    """
    output = _parquet_folder(output)
    session = session_or_local(session)
    rows = session.read.parquet(output.resolve().as_uri()).select("index", "path", "shape", "values").collect()
    rows.sort(key=lambda row: row[0])
    by_path = {row[1]: row for row in rows}
    if audio_paths is not None:
        if isinstance(audio_paths, (str, os.PathLike)):
            raise ParameterError("audio_paths must be a sequence of paths, got a single path; wrap it in a list.")
        wanted = [os.path.abspath(os.fspath(p)) for p in audio_paths]
        missing = [p for p in wanted if p not in by_path]
        if missing:
            raise ParameterError(f"{len(missing)} file(s) are not in {output}, e.g. {missing[:3]}.")
        rows = [by_path[p] for p in wanted]
    return [np.frombuffer(row[3], dtype="<f4").astype(np.float32).reshape(row[2]) for row in rows]
