"""Scaling out with Apache Spark (lesson 12): WMF with Spark's ALS, and audio features as a Spark job.

Everything here runs Spark in **local mode** — one JVM on this machine, ``cores`` worker threads, no cluster,
no network — which is how a course machine, Binder or CI can show the programming model. The same code runs on
a cluster by passing a session built for it.

**WMF on Spark.** ``pyspark.ml.recommendation.ALS(implicitPrefs=True)`` is the weighted matrix factorisation of
Hu, Koren & Volinsky (2008) that lesson 02 fits with ``implicit`` (:class:`cbrec_lab.cf.WMF`). The two
objectives, with preferences ``p_ui = 1(r_ui > 0)``, user factors ``x_u``, item factors ``y_i``, ``n_u`` the
number of items user ``u`` played and ``m_i`` the number of users who played item ``i``:

    lesson 02 (``implicit``):  Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)
    Spark ``ALS``:             Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ_S (Σ_u n_u ‖x_u‖² + Σ_i m_i ‖y_i‖²)

Spark's confidence is ``c_ui = 1 + α · |s_ui|`` of the rating ``s_ui`` it is given (Hu et al.'s linear form).
:func:`spark_als` gives it ``s_ui = r_ui`` for ``confidence="linear"`` and ``s_ui = log(1 + r_ui / ε)`` for
``confidence="log"``, so both confidence forms of :func:`cbrec_lab.confidence` are reproduced *exactly*
(``implicit`` itself, given raw ``α · r_ui``, would use ``c_ui = α · r_ui``; lesson 02 passes it ``c_ui``).
Only the regularisation differs: Spark multiplies ``regParam`` by each user's and item's number of
interactions, the "weighted-λ-regularisation" of ALS-WR (Zhou et al. 2008), where lesson 02 uses one fixed
``λ``. No ``λ_S`` makes the two identical; ``λ_S ≈ λ / mean(n_u)`` makes them alike for a typical user.

Two consequences a student meets: Spark's ``recommendForUserSubset`` ranks *every* item, the user's training
items included, so rankings are made here from ``U Vᵀ`` with the seen items excluded (:func:`recommend_top_k`);
and two fits — two libraries or two seeds of one — give top-10 lists that overlap only partly, so agreement is
judged on held-out ranking metrics, not on lists.

**Play counts on Spark.** :func:`read_triplets` reads Taste-Profile triplets (the 48 M-line
``train_triplets.txt``, or the music kit's ``plays.tsv``) in parallel partitions, :func:`index_triplets`
gives the users and songs integer ids in sorted order (the rows and columns :mod:`cbrec_lab.datasets` builds),
and :func:`spark_als` fits such a Spark DataFrame without collecting it; :func:`collect_plays` brings a small
one to the driver as a CSR matrix.

**Features on Spark.** :func:`extract_features_spark` maps the single-file extraction of :mod:`cbrec_lab.audio`
(:func:`extract_file_features`) over audio files, a few files per Spark task, and writes Parquet; the result is
identical to :func:`extract_features`, the single-process path.

Setup needs ``pyspark`` (the ``spark`` extra: ``pip install -c constraints.txt -e ".[spark]"`` in a checkout)
and a Java 17+ runtime; :func:`spark_available` says whether both are there, and why not. :func:`stop_session`
ends the JVM so that a notebook gets its memory back.

References
----------
1. Hu, Y., Koren, Y., & Volinsky, C. (2008). Collaborative filtering for implicit feedback datasets. *ICDM*,
   263–272. https://doi.org/10.1109/ICDM.2008.22
2. Zhou, Y., Wilkinson, D., Schreiber, R., & Pan, R. (2008). Large-scale parallel collaborative filtering for
   the Netflix Prize. *AAIM 2008*, LNCS 5034, 337–348. https://doi.org/10.1007/978-3-540-68880-8_32
3. Zaharia, M., et al. (2016). Apache Spark: a unified engine for big data processing. *Communications of
   the ACM*, 59(11), 56–65. https://doi.org/10.1145/2934664
4. Meng, X., et al. (2016). MLlib: Machine learning in Apache Spark. *JMLR*, 17(34), 1–7.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import numbers
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from .audio import HOP_LENGTH, N_FFT, N_MELS, N_MFCC, SAMPLE_RATE, load, log_mel_spectrogram, mfcc_with_deltas
from .exceptions import CbrecError, ParameterError

__all__ = [
    "MIN_JAVA",
    "SparkUnavailableError",
    "java_runtime",
    "spark_available",
    "local_session",
    "stop_session",
    "driver_log",
    "IndexedTriplets",
    "read_triplets",
    "index_triplets",
    "collect_plays",
    "SparkFactors",
    "spark_als",
    "spark_regularization",
    "recommend_top_k",
    "FEATURE_KINDS",
    "extract_file_features",
    "extract_features",
    "extract_features_spark",
    "read_features",
    "feature_seconds",
]

#: Oldest Java major version Spark 4 runs on.
MIN_JAVA = 17

#: Feature kinds of :func:`extract_file_features`.
FEATURE_KINDS = ("mel", "mfcc")

#: Log4j 2 configuration of the local sessions: errors only, on stderr (Spark's default logs INFO/WARN lines
#: that would fill a notebook's output).
LOG4J2_PROPERTIES = """\
# Written by cbrec_lab.spark: Spark in a notebook logs errors only.
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
# The shells' loggers: configured here, so Spark does not print "Setting default log level to WARN".
logger.python.name = org.apache.spark.api.python.PythonGatewayServer
logger.python.level = error
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
"""

#: Largest size of the driver log before it is rotated (one old copy is kept).
_LOG_BYTES = 5 << 20

INSTALL_HINT = (
    "Install the Spark extra (`pip install -c constraints.txt -e \".[spark]\"` in a checkout, `pip install "
    "\"cbrec-lab[spark]\"` elsewhere) and a Java "
    f"{MIN_JAVA}+ runtime (e.g. `apt-get install openjdk-17-jre-headless`, `conda install openjdk=17`, or "
    "https://adoptium.net), then point JAVA_HOME at it or put `java` on the PATH."
)


class SparkUnavailableError(CbrecError, RuntimeError):
    """Spark cannot start here: pyspark or a Java runtime is missing (the message says how to install them)."""


# ------------------------------------------------------------------------------------------------- runtime
def java_runtime() -> tuple[str | None, int | None, str]:
    """The Java runtime Spark would start: ``$JAVA_HOME/bin/java`` if JAVA_HOME is set, else ``java`` on PATH.

    Returns
    -------
    (executable, major, description) : str or None, int or None, str
        The path of ``java``, its major version (``17`` for "17.0.15", ``8`` for "1.8.0_392") and a one-line
        description (the version, or why none was found).
    """
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        executable = Path(java_home) / "bin" / ("java.exe" if os.name == "nt" else "java")
        if not executable.is_file():
            return None, None, f"JAVA_HOME={java_home} has no bin/java"
        executable = str(executable)
    else:
        executable = shutil.which("java")
        if executable is None:
            return None, None, "no Java runtime: JAVA_HOME is not set and `java` is not on the PATH"
    try:
        result = subprocess.run(
            [executable, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return executable, None, f"{executable} -version failed: {err}"
    text = result.stderr + result.stdout
    match = re.search(r'version "(\d+)(?:\.(\d+))?[^"]*"', text)
    if result.returncode != 0 or match is None:
        first = text.strip().splitlines()[0] if text.strip() else f"exit status {result.returncode}"
        return executable, None, f"{executable} -version did not report a version ({first})"
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_392" is Java 8
        major = int(match.group(2))
    return executable, major, f"Java {match.group(0)[9:-1]} at {executable}"


def spark_available() -> tuple[bool, str]:
    """Whether a local Spark session can start: pyspark importable and a Java ≥ 17 runtime found.

    Returns
    -------
    (ok, reason) : bool, str
        ``reason`` names the pyspark and Java versions when ``ok``, and what is missing (with how to install
        it) otherwise. Nothing is started.

    Examples
    --------
    >>> ok, reason = spark_available()
    >>> if not ok:
    ...     print("Skipping the Spark cells:", reason)  # doctest: +SKIP
    """
    if importlib.util.find_spec("pyspark") is None:
        return False, f"pyspark is not installed. {INSTALL_HINT}"
    from importlib.metadata import PackageNotFoundError, version

    try:
        pyspark_version = version("pyspark")
    except PackageNotFoundError:
        pyspark_version = "unknown version"
    executable, major, description = java_runtime()
    if major is None:
        return False, f"pyspark {pyspark_version} is installed but {description}. {INSTALL_HINT}"
    if major < MIN_JAVA:
        return False, f"pyspark {pyspark_version} needs Java {MIN_JAVA}+, found {description}. {INSTALL_HINT}"
    return True, f"pyspark {pyspark_version}, {description}"


def _require_spark() -> None:
    ok, reason = spark_available()
    if not ok:
        raise SparkUnavailableError(f"Spark cannot start: {reason}")


def _spark_home_dir() -> Path:
    """``<data home>/spark``: the log configuration and the SQL warehouse of the local sessions."""
    from .config import data_home

    try:
        folder = data_home() / "spark"
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, CbrecError):
        import tempfile

        folder = Path(tempfile.gettempdir()) / f"cbrec-lab-spark-{os.getuid() if hasattr(os, 'getuid') else 0}"
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _log4j2_file(folder: Path) -> Path:
    path = folder / "log4j2.properties"
    if not path.is_file() or path.read_text(encoding="utf-8") != LOG4J2_PROPERTIES:
        from .cache import atomic_write_text

        atomic_write_text(path, LOG4J2_PROPERTIES)
    return path


def _check_memory(value) -> str:
    if not isinstance(value, str) or re.fullmatch(r"\d+[kmgt]", value.strip().lower()) is None:
        raise ParameterError(f"driver_memory must be a JVM size such as '1g' or '512m', got {value!r}.")
    return value.strip().lower()


def _positive_int(value, *, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ParameterError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def _session_conf(*, cores: int, driver_memory: str, app_name: str, folder: Path) -> dict[str, str]:
    """The configuration of :func:`local_session` (kept apart so that it can be read and tested)."""
    log4j = _log4j2_file(folder).resolve().as_uri()
    package_root = str(Path(__file__).resolve().parent.parent)
    # the serial collector: on one or two cores it is faster than G1 for Spark's small local jobs and keeps
    # the JVM ≈ 200 MB smaller (measured: 654 MB against 862 MB resident after ALS fits and a feature job)
    java_options = f"-Dlog4j2.configurationFile={log4j} -Dlog4j.configurationFile={log4j} -XX:+UseSerialGC"
    return {
        "spark.master": f"local[{cores}]",
        "spark.app.name": app_name,
        # offline and local: bind to the loopback interface, never look up the host's name on a network
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        # no web UI, no progress bars in cell outputs, quiet logs
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.extraJavaOptions": java_options,
        # bounded memory: the driver JVM is the whole of local mode; read before the JVM starts
        "spark.driver.memory": driver_memory,
        # small data: a few partitions, not Spark's default of 200 shuffle partitions
        "spark.default.parallelism": str(cores),
        "spark.sql.shuffle.partitions": str(cores),
        "spark.sql.warehouse.dir": (folder / "warehouse").resolve().as_uri(),
        "spark.sql.session.timeZone": "UTC",
        # Python workers end after their task instead of idling for a minute with what they imported (librosa
        # alone is ≈ 200 MB per worker): memory is bounded by the running tasks
        "spark.python.worker.reuse": "false",
        # Python workers: one BLAS thread each (Spark runs `cores` of them), and cbrec_lab importable
        "spark.executorEnv.OMP_NUM_THREADS": "1",
        "spark.executorEnv.OPENBLAS_NUM_THREADS": "1",
        "spark.executorEnv.MKL_NUM_THREADS": "1",
        "spark.executorEnv.PYTHONPATH": package_root,
    }


def local_session(*, cores: int = 2, driver_memory: str = "1g", app_name: str = "cbrec-lab"):
    """A Spark session in local mode that works offline: no UI, quiet logs, bounded memory.

    The session runs Spark's driver and ``cores`` executor threads in one JVM on this machine. Its settings:
    the driver host and bind address are the loopback interface (``127.0.0.1``), so nothing depends on the
    machine's name or network; the web UI and the console progress bars are off; Log4j 2 logs errors only
    (a configuration file written under the data home, ``<data home>/spark/log4j2.properties``), and what the
    JVM and the Python workers print goes to :func:`driver_log` instead of the notebook; the JVM heap
    is ``driver_memory`` (it is set before the JVM starts, which is the only time it can be); shuffles use
    ``cores`` partitions; the JVM uses the serial garbage collector (smaller and, on a few cores, faster);
    the Python workers run this interpreter (``PYSPARK_PYTHON`` unless already set) with one BLAS thread
    each, can import :mod:`cbrec_lab`, and end with their task (``spark.python.worker.reuse=false``), so
    that what a task imported does not stay in memory.

    Idempotent: if a session is already active it is returned unchanged (its settings cannot change while
    its JVM runs; end it with :func:`stop_session` to start one with other settings). After
    ``session.stop()`` alone the JVM lives on and a new session reuses it, with the old JVM's memory.

    Parameters
    ----------
    cores : int > 0
        Worker threads (``local[cores]``); 2 on the ci profile and on Binder.
    driver_memory : str
        JVM heap, e.g. ``"1g"`` or ``"512m"``. Binder gives a notebook 2 GB in all.
    app_name : str
        Name of the application.

    Returns
    -------
    pyspark.sql.SparkSession

    Raises
    ------
    SparkUnavailableError
        pyspark is not installed or no Java 17+ runtime is found (the message says how to install them).
    ParameterError
        ``cores`` not a positive integer, ``driver_memory`` not a JVM size.
    """
    cores = _positive_int(cores, name="cores")
    driver_memory = _check_memory(driver_memory)
    if not isinstance(app_name, str) or not app_name.strip():
        raise ParameterError(f"app_name must be a non-empty string, got {app_name!r}.")
    if importlib.util.find_spec("pyspark") is not None:
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            return active
    _require_spark()
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession
    if SparkContext._active_spark_context is None:
        folder = _spark_home_dir()
        conf = SparkConf().setAll(
            _session_conf(cores=cores, driver_memory=driver_memory, app_name=app_name, folder=folder).items()
        )
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter, not `python3`
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no "hostname resolves to a loopback address"
        if SparkContext._gateway is not None:  # a stopped session's JVM is still running: reuse it
            with _pandas_version_warning_ignored():
                SparkContext(conf=conf)
            return _quiet(SparkSession.builder.getOrCreate())
        log_path = _driver_log(folder)
        with open(log_path, "ab") as log:  # start the JVM, its output going to the driver log
            try:
                gateway = launch_gateway(conf, popen_kwargs={"stdout": log, "stderr": log})
            except Exception as err:  # noqa: BLE001 - re-raised with the JVM's own words
                log.flush()
                tail = log_path.read_bytes()[-3000:].decode("utf-8", "replace")
                raise SparkUnavailableError(
                    f"The Spark JVM did not start ({type(err).__name__}: {err}). The end of its log, {log_path}:\n"
                    f"{tail}\nCheck that driver_memory={driver_memory!r} fits in this machine's memory. {INSTALL_HINT}"
                ) from err
        with _pandas_version_warning_ignored():
            SparkContext(conf=conf, gateway=gateway)
    return _quiet(SparkSession.builder.getOrCreate())


def _quiet(session):
    session.sparkContext.setLogLevel("ERROR")
    return session


def stop_session(session=None, *, timeout: float = 30.0) -> bool:
    """Stop the Spark session and end its JVM, so that the JVM's memory is given back.

    ``session.stop()`` stops Spark but keeps the JVM that pyspark started, heap and all, until Python exits;
    in a notebook that then trains a network, that memory is better returned. The JVM of a local session
    ends when its standard input closes, which is what this function does after stopping the session.

    Parameters
    ----------
    session : pyspark.sql.SparkSession, optional
        Default the active session, if any.
    timeout : float > 0
        Seconds to wait for the JVM to exit.

    Returns
    -------
    bool
        True if a JVM was ended, False if there was none (nothing to stop, or a JVM this process did not
        start, which is left alone).
    """
    if importlib.util.find_spec("pyspark") is None:
        return False
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession() if session is None else session
    if session is not None:
        session.stop()
    gateway = SparkContext._gateway
    proc = getattr(gateway, "proc", None)
    if gateway is None or proc is None:
        return False
    with contextlib.suppress(Exception):  # the connections may already be closed
        gateway.shutdown()
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        proc.wait(timeout=timeout)
    SparkContext._gateway = None
    SparkContext._jvm = None
    return True


@contextlib.contextmanager
def _pandas_version_warning_ignored():
    """Silence pyspark's FutureWarning about pandas ≥ 3 (nothing here converts pandas objects), only here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        yield


def driver_log() -> Path:
    """The file that the JVM of :func:`local_session` writes its console output to (Spark's errors, and the
    Python workers' tracebacks): ``<data home>/spark/driver.log``."""
    return _spark_home_dir() / "driver.log"


def _driver_log(folder: Path) -> Path:
    """The driver log, rotated (one old copy, ``driver.log.1``) when it has grown past ``_LOG_BYTES``."""
    path = folder / "driver.log"
    try:
        if path.stat().st_size > _LOG_BYTES:
            os.replace(path, folder / "driver.log.1")
    except OSError:
        pass  # no log yet (or another process just rotated it)
    return path


def _session(session):
    return local_session() if session is None else session


# ---------------------------------------------------------------------------------------------- triplets
class IndexedTriplets(NamedTuple):
    """Play triplets with integer ids, from :func:`index_triplets`.

    Attributes
    ----------
    plays : pyspark.sql.DataFrame
        Columns ``user`` (int), ``item`` (int) and ``count`` (long): the input of :func:`spark_als`.
    user_ids : np.ndarray [shape=(n_users,), dtype=object]
        ``user_ids[u]`` is the string id of user ``u``; sorted, as :func:`cbrec_lab.datasets.load_taste_profile`
        and the music kit sort them, so the integer ids are the rows of their play matrices.
    song_ids : np.ndarray [shape=(n_songs,), dtype=object]
        ``song_ids[i]`` is the string id of song ``i``; sorted.
    """

    plays: object
    user_ids: np.ndarray
    song_ids: np.ndarray


def read_triplets(path, *, session=None, partitions: int | None = None):
    """Read Taste-Profile triplets (``user<TAB>song<TAB>count``, no header) as a Spark DataFrame.

    The Echo Nest Taste Profile subset's ``train_triplets.txt`` (48,373,586 lines, ≈ 2.9 GB) and the music
    kit's ``plays.tsv`` share this format. Spark splits the file into partitions of at most
    ``spark.sql.files.maxPartitionBytes`` (128 MB by default: ≈ 23 for the Taste Profile) and parses them in
    parallel, so the whole file never has to fit in the driver's memory. A line that does not parse makes the
    first action fail (``mode="FAILFAST"``) instead of silently becoming nulls.

    Parameters
    ----------
    path : str or os.PathLike
        The triplets file (local, or any URI Spark reads, e.g. ``hdfs://`` or ``s3a://`` on a cluster).
    session : pyspark.sql.SparkSession, optional
        Default :func:`local_session`.
    partitions : int > 0, optional
        Repartition to this many partitions after reading (e.g. 2–4 per core of the cluster).

    Returns
    -------
    pyspark.sql.DataFrame
        Columns ``user`` (string), ``song`` (string), ``count`` (long). Lazy: nothing is read until an action.
    """
    if partitions is not None:
        partitions = _positive_int(partitions, name="partitions")
    text = os.fspath(path)
    if "://" not in text:
        local = Path(text)
        if not local.is_file():
            raise ParameterError(f"No triplets file at {local}: expected 'user<TAB>song<TAB>count' lines.")
        text = local.resolve().as_uri()
    session = _session(session)
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    schema = StructType([StructField("user", StringType(), False), StructField("song", StringType(), False),
                         StructField("count", LongType(), False)])
    frame = session.read.csv(text, sep="\t", schema=schema, header=False, mode="FAILFAST")
    return frame if partitions is None else frame.repartition(partitions)


def index_triplets(triplets) -> IndexedTriplets:
    """Replace the string ids of :func:`read_triplets` by integers 0, 1, … in sorted order of the ids.

    Uses ``pyspark.ml.feature.StringIndexer`` with ``stringOrderType="alphabetAsc"`` (one pass over the data
    to collect the distinct ids, then a join-free mapping), so user ``u`` and song ``i`` are the row and
    column of the play matrix that :mod:`cbrec_lab.datasets` builds from the same file. Repeated
    (user, song) lines stay separate rows; :func:`spark_als` sums them.

    Parameters
    ----------
    triplets : pyspark.sql.DataFrame
        Columns ``user``, ``song`` (strings) and ``count``.

    Returns
    -------
    IndexedTriplets
    """
    if not _is_spark_frame(triplets):
        raise ParameterError(f"triplets must be a Spark DataFrame from read_triplets, got {type(triplets).__name__}.")
    missing = {"user", "song", "count"} - set(triplets.columns)
    if missing:
        raise ParameterError(f"triplets needs the columns 'user', 'song' and 'count'; missing {sorted(missing)}.")
    from pyspark.ml.feature import StringIndexer
    from pyspark.sql import functions as F

    indexer = StringIndexer(inputCols=["user", "song"], outputCols=["user_index", "song_index"],
                            stringOrderType="alphabetAsc", handleInvalid="error")
    model = indexer.fit(triplets)
    plays = model.transform(triplets).select(
        F.col("user_index").cast("int").alias("user"), F.col("song_index").cast("int").alias("item"), "count"
    )
    user_ids, song_ids = (np.asarray(labels, dtype=object) for labels in model.labelsArray)
    return IndexedTriplets(plays, user_ids, song_ids)


def collect_plays(indexed: IndexedTriplets) -> sp.csr_matrix:
    """The play matrix of :func:`index_triplets` on the driver, as users × songs CSR (repeated pairs summed).

    For data that fits on one machine (the kit, a sample of the Taste Profile): every row travels to the
    driver.

    Returns
    -------
    scipy.sparse.csr_matrix [shape=(len(user_ids), len(song_ids)), dtype=int64]
    """
    rows = indexed.plays.select("user", "item", "count").collect()
    data = np.array([tuple(row) for row in rows], dtype=np.int64).reshape(-1, 3)
    shape = (len(indexed.user_ids), len(indexed.song_ids))
    matrix = sp.csr_matrix((data[:, 2], (data[:, 0], data[:, 1])), shape=shape)
    matrix.sum_duplicates()
    return matrix


# --------------------------------------------------------------------------------------------------- ALS
@dataclass(frozen=True)
class SparkFactors:
    """User and item factors from :func:`spark_als`, rows aligned with the integer ids of the input.

    Attributes
    ----------
    user_factors : np.ndarray [shape=(n_users, factors), dtype=float32]
        Row ``u`` is user ``u``; users without any play get zeros (they score 0 for every item).
    item_factors : np.ndarray [shape=(n_items, factors), dtype=float32]
        Row ``i`` is item ``i``; items nobody played get zeros.
    model : pyspark.ml.recommendation.ALSModel
        The fitted Spark model (``recommendForUserSubset``, ``transform``); it lives in the session's JVM.
    seconds : float
        Wall time of ``ALS.fit`` (building the input DataFrame and collecting the factors not included).
    """

    user_factors: np.ndarray
    item_factors: np.ndarray
    model: object = field(default=None, repr=False, compare=False)
    seconds: float = float("nan")

    def scores(self) -> np.ndarray:
        """Predicted preferences ``x_uᵀ y_i`` of every user for every item, shape (n_users, n_items)."""
        return self.user_factors @ self.item_factors.T


def _triplets(plays, shape) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    """``(users, items, counts, shape)`` of the non-zero plays, duplicates summed."""
    if sp.issparse(plays):
        if plays.ndim != 2:
            raise ParameterError(f"plays must be a users × items matrix, got shape {plays.shape}.")
        matrix = sp.csr_matrix(plays, dtype=np.float64, copy=True)
        if shape is not None and tuple(shape) != matrix.shape:
            raise ParameterError(f"shape={shape!r} differs from the shape of plays {matrix.shape}.")
        shape = matrix.shape
    elif type(plays).__name__ == "DataFrame" and type(plays).__module__.startswith("pandas"):
        # (pandas is not imported at module level: Spark's Python workers import this module, lean)
        missing = {"user", "item", "count"} - set(plays.columns)
        if missing:
            raise ParameterError(
                f"plays as a DataFrame needs the columns 'user', 'item' and 'count'; missing {sorted(missing)} "
                f"(got {list(plays.columns)})."
            )
        columns = {}
        for name in ("user", "item"):
            values = plays[name].to_numpy()
            if not np.issubdtype(values.dtype, np.integer):
                raise ParameterError(
                    f"plays[{name!r}] must hold integer ids (rows/columns of the play matrix), got dtype "
                    f"{values.dtype}; map string ids to integers first, e.g. with pandas.factorize."
                )
            if values.size and values.min() < 0:
                raise ParameterError(f"plays[{name!r}] must hold non-negative ids, got {int(values.min())}.")
            columns[name] = values.astype(np.int64)
        counts = plays["count"].to_numpy()
        if not np.issubdtype(counts.dtype, np.number) or np.iscomplexobj(counts):
            raise ParameterError(f"plays['count'] must be numeric, got dtype {counts.dtype}.")
        needed = tuple(int(columns[n].max()) + 1 if columns[n].size else 0 for n in ("user", "item"))
        if shape is None:
            shape = needed
        else:
            shape = tuple(int(s) for s in shape)
            if len(shape) != 2 or shape[0] < needed[0] or shape[1] < needed[1]:
                raise ParameterError(f"shape={shape!r} is too small for ids up to {needed[0] - 1}, {needed[1] - 1}.")
        matrix = sp.csr_matrix((counts.astype(np.float64), (columns["user"], columns["item"])), shape=shape)
    else:
        raise ParameterError(
            "plays must be a scipy.sparse users × items matrix or a pandas DataFrame with integer columns "
            f"'user', 'item' and a 'count' column, got {type(plays).__name__}."
        )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    if matrix.nnz == 0:
        raise ParameterError(f"plays has no non-zero play count (shape {matrix.shape}).")
    if not np.isfinite(matrix.data).all() or matrix.data.min() < 0:
        raise ParameterError("Play counts must be finite and non-negative.")
    if max(matrix.shape) > np.iinfo(np.int32).max:
        raise ParameterError(f"Spark's ALS needs ids below 2**31, got a matrix of shape {matrix.shape}.")
    coo = matrix.tocoo()
    return coo.row.astype(np.int32), coo.col.astype(np.int32), coo.data, matrix.shape


def _ratings_frame(session, users, items, ratings, *, partitions: int):
    """A Spark DataFrame (user int, item int, rating float) built in the Python workers from numpy chunks.

    Shipping a few numpy arrays and expanding them into rows in the workers avoids pickling one Python tuple
    per play on the driver (and needs no pyarrow).
    """
    from pyspark.sql.types import FloatType, IntegerType, StructField, StructType

    schema = StructType(
        [StructField("user", IntegerType(), False), StructField("item", IntegerType(), False),
         StructField("rating", FloatType(), False)]
    )
    chunks = [
        (users[part], items[part], ratings[part].astype(np.float32))
        for part in np.array_split(np.arange(users.size), partitions)
    ]

    def rows(chunk):  # nested, so that it is shipped by value: the workers need numpy only
        return zip(chunk[0].tolist(), chunk[1].tolist(), chunk[2].tolist())

    rdd = session.sparkContext.parallelize(chunks, len(chunks)).flatMap(rows)
    return session.createDataFrame(rdd, schema)


def _is_spark_frame(value) -> bool:
    if importlib.util.find_spec("pyspark") is None:
        return False
    from pyspark.sql import DataFrame

    return isinstance(value, DataFrame)


def _spark_ratings(plays, *, confidence: str, epsilon: float, shape):
    """``(frame, shape)``: a Spark DataFrame of (user, item, count) as ALS ratings, checked and summed in Spark."""
    from pyspark.sql import functions as F

    missing = {"user", "item", "count"} - set(plays.columns)
    if missing:
        raise ParameterError(
            f"plays as a Spark DataFrame needs the columns 'user', 'item' and 'count'; missing {sorted(missing)} "
            f"(got {plays.columns}); index string ids with index_triplets first."
        )
    summed = plays.groupBy("user", "item").agg(F.sum("count").alias("count")).where(F.col("count") != 0)
    stats = summed.agg(F.count("*"), F.min("user"), F.min("item"), F.max("user"), F.max("item"),
                       F.min("count")).first()
    n, min_user, min_item, max_user, max_item, min_count = stats
    if not n:
        raise ParameterError("plays has no non-zero play count.")
    if min_user < 0 or min_item < 0 or min_count < 0:
        raise ParameterError("plays must hold non-negative integer ids and non-negative counts.")
    needed = (int(max_user) + 1, int(max_item) + 1)
    if shape is None:
        shape = needed
    elif len(shape) != 2 or shape[0] < needed[0] or shape[1] < needed[1]:
        raise ParameterError(f"shape={shape!r} is too small for ids up to {needed[0] - 1}, {needed[1] - 1}.")
    rating = F.col("count") if confidence == "linear" else F.log1p(F.col("count") / F.lit(epsilon))
    frame = summed.select(F.col("user").cast("int"), F.col("item").cast("int"), rating.cast("float").alias("rating"))
    return frame, tuple(int(v) for v in shape)


def _collect_factors(frame, n_rows: int, factors: int) -> np.ndarray:
    out = np.zeros((n_rows, factors), dtype=np.float32)
    rows = frame.select("id", "features").collect()
    if rows:
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        out[ids] = np.asarray([row[1] for row in rows], dtype=np.float32)
    return out


def spark_als(
    plays,
    *,
    factors: int = 50,
    alpha: float = 40.0,
    reg: float = 0.01,
    iterations: int = 15,
    seed: int = 0,
    confidence: str = "linear",
    epsilon: float = 1.0,
    shape: tuple[int, int] | None = None,
    blocks: int | None = None,
    session=None,
) -> SparkFactors:
    """WMF of a play-count matrix with Spark's ALS (``pyspark.ml.recommendation.ALS``, ``implicitPrefs=True``).

    Spark minimises (Hu, Koren & Volinsky 2008, with the ALS-WR regularisation of Zhou et al. 2008)

    .. math::

        \\sum_{u,i} c_{ui} (p_{ui} - x_u^T y_i)^2
        + \\lambda_S \\Big( \\sum_u n_u \\lVert x_u \\rVert^2 + \\sum_i m_i \\lVert y_i \\rVert^2 \\Big),
        \\qquad c_{ui} = 1 + \\alpha \\, s_{ui}, \\quad p_{ui} = 1(s_{ui} > 0)

    over all user–item pairs (``s_ui = 0``, hence ``c_ui = 1`` and ``p_ui = 0``, where nothing was played),
    where ``n_u`` is the number of items user ``u`` played and ``m_i`` the number of users who played ``i``.
    Lesson 02 (:class:`cbrec_lab.cf.WMF`, through ``implicit``) minimises the same sum with a fixed penalty
    ``λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)``.

    Parameter map (Spark ← this function ← lesson 02):

    ============================  ==============================  =======================================
    Spark ``ALS``                 here                            :class:`cbrec_lab.cf.WMF`
    ============================  ==============================  =======================================
    ``rank``                      ``factors``                     ``factors``
    ``alpha``                     ``alpha``                       ``alpha``
    rating ``s_ui``               ``r_ui`` (``"linear"``) or      ``confidence="linear"``: c = 1 + α r;
                                  ``log(1 + r_ui/ε)`` (``"log"``)  ``"log"``: c = 1 + α log(1 + r/ε)
    ``regParam`` = ``λ_S``        ``reg``                         ``regularization`` = ``λ`` (not scaled;
                                                                  ``λ ≈ λ_S · mean n_u`` for alike fits)
    ``maxIter``                   ``iterations``                  ``iterations`` (one sweep = users, items)
    ``seed``                      ``seed``                        ``seed`` (different generators: the same
                                                                  number gives different factors)
    ============================  ==============================  =======================================

    Spark solves each least-squares problem exactly (Cholesky); ``implicit`` uses three conjugate-gradient
    steps per problem (Takács et al. 2011). Spark's ``recommendForUserSubset`` does not exclude the items a
    user has played; rank with :func:`recommend_top_k` instead.

    Parameters
    ----------
    plays : scipy.sparse matrix [shape=(n_users, n_items)], pandas.DataFrame or pyspark.sql.DataFrame
        Play counts ``r_ui ≥ 0`` (zeros are unobserved), or a DataFrame with integer columns ``user`` and
        ``item`` (rows and columns of the play matrix) and a ``count`` column; duplicate pairs are summed.
        A Spark DataFrame (e.g. from :func:`index_triplets`) stays in Spark — the way to fit the 48 M
        Taste Profile triplets on a cluster — and its own session is used; only the factors are collected.
    factors : int > 0
        Latent dimension (Spark's ``rank``).
    alpha : float > 0
        Confidence scale ``α``.
    reg : float ≥ 0
        Spark's ``regParam`` ``λ_S``, multiplied by each user's and item's number of plays.
    iterations : int > 0
        ALS sweeps (Spark's ``maxIter``).
    seed : int ≥ 0
        Spark's initialisation seed.
    confidence : {"linear", "log"}
        Confidence form, as in :func:`cbrec_lab.cf.confidence`.
    epsilon : float > 0
        ``ε`` of the logarithmic form.
    shape : (int, int), optional
        ``(n_users, n_items)`` for a DataFrame whose largest ids are not the last user/item.
    blocks : int > 0, optional
        Spark's ``numUserBlocks`` and ``numItemBlocks``; default the session's parallelism.
    session : pyspark.sql.SparkSession, optional
        Default :func:`local_session`.

    Returns
    -------
    SparkFactors
        ``user_factors`` and ``item_factors``, float32 arrays whose row ``u`` / ``i`` belongs to user ``u`` /
        item ``i`` of ``plays`` (users and items without plays get zero rows), the fitted ``model`` and the
        fit's wall time in ``seconds``.

    Raises
    ------
    ParameterError
        Bad parameters or plays (negative or non-finite counts, no plays, non-integer ids).
    SparkUnavailableError
        No session given and Spark cannot start.
    """
    factors = _positive_int(factors, name="factors")
    iterations = _positive_int(iterations, name="iterations")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}.")
    for name, value, strict in (("alpha", alpha, True), ("reg", reg, False), ("epsilon", epsilon, True)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or (
            value <= 0 if strict else value < 0
        ):
            kind = "positive" if strict else "non-negative"
            raise ParameterError(f"{name} must be a {kind} finite number, got {value!r}.")
    if confidence not in ("linear", "log"):
        raise ParameterError(f"confidence must be 'linear' or 'log', got {confidence!r}.")
    if blocks is not None:
        blocks = _positive_int(blocks, name="blocks")
    if _is_spark_frame(plays):
        session = plays.sparkSession
        frame, shape = _spark_ratings(plays, confidence=confidence, epsilon=float(epsilon), shape=shape)
    else:
        users, items, counts, shape = _triplets(plays, shape)
        ratings = counts if confidence == "linear" else np.log1p(counts / float(epsilon))
        session = _session(session)
        frame = _ratings_frame(session, users, items, ratings, partitions=session.sparkContext.defaultParallelism)
    with _pandas_version_warning_ignored():
        from pyspark.ml.recommendation import ALS

    blocks = session.sparkContext.defaultParallelism if blocks is None else blocks
    als = ALS(
        rank=factors,
        maxIter=iterations,
        regParam=float(reg),
        alpha=float(alpha),
        implicitPrefs=True,
        nonnegative=False,
        userCol="user",
        itemCol="item",
        ratingCol="rating",
        numUserBlocks=blocks,
        numItemBlocks=blocks,
        seed=int(seed),
    )
    started = time.perf_counter()
    model = als.fit(frame)
    seconds = time.perf_counter() - started
    return SparkFactors(
        _collect_factors(model.userFactors, shape[0], factors),
        _collect_factors(model.itemFactors, shape[1], factors),
        model=model,
        seconds=seconds,
    )


def spark_regularization(lam: float, plays) -> float:
    """Spark's ``regParam`` that penalises a user with the mean number of items as lesson 02's ``λ`` does.

    Spark's penalty of user ``u`` is ``λ_S · n_u ‖x_u‖²`` (``n_u``: the items ``u`` played), lesson 02's is
    ``λ ‖x_u‖²``; equal for ``n_u = n̄`` when

    .. math:: \\lambda_S = \\lambda / \\bar n, \\qquad \\bar n = \\operatorname{mean}_{u:\\, n_u > 0} n_u .

    Users without plays are not part of Spark's problem and are left out of the mean. Heavier users are then
    penalised more than in lesson 02 and lighter ones less: no ``λ_S`` makes the objectives identical.

    Parameters
    ----------
    lam : float ≥ 0
        Lesson 02's ``λ`` (:class:`cbrec_lab.cf.WMF` ``regularization``).
    plays : scipy.sparse matrix [shape=(n_users, n_items)]
        The training plays.

    Returns
    -------
    float

    Examples
    --------
    >>> spark_regularization(20.0, sp.csr_matrix([[1, 0, 2], [0, 0, 0], [1, 1, 1]]))
    8.0
    """
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not np.isfinite(lam) or lam < 0:
        raise ParameterError(f"lam must be a non-negative finite number, got {lam!r}.")
    matrix = sp.csr_matrix(plays)
    matrix.eliminate_zeros()
    per_user = np.diff(matrix.indptr)
    if not per_user.any():
        raise ParameterError(f"plays has no non-zero play count (shape {matrix.shape}).")
    return float(lam / per_user[per_user > 0].mean())


def recommend_top_k(user_factors, item_factors, *, k: int = 10, exclude=None, users=None, batch_users: int = 1024):
    """Top-``k`` items of every user by ``x_uᵀ y_i``, with the items in ``exclude`` (e.g. training plays) left out.

    The scores ``U Vᵀ`` are ranked in batches of users with the ranking of :mod:`cbrec_lab.metrics`
    (:func:`cbrec_lab.metrics.rank_items`: ties broken by the lower item index, excluded items never listed),
    so lists from Spark's factors and from ``implicit``'s are made the same way. Unlike Spark's
    ``recommendForUserSubset``, which ranks every item, a user's training items are not recommended.

    Parameters
    ----------
    user_factors : np.ndarray [shape=(n_users, factors)]
    item_factors : np.ndarray [shape=(n_items, factors)]
    k : int > 0
        List length.
    exclude : scipy.sparse matrix or np.ndarray [shape=(n_users, n_items)], optional
        Non-zero entries are never recommended to that user.
    users : array of int, optional
        Rows of ``user_factors`` (and of ``exclude``) to rank for; all by default.
    batch_users : int > 0
        Users scored at once (memory ``≈ batch_users × n_items × 9`` bytes).

    Returns
    -------
    np.ndarray [shape=(len(users), k), dtype=int64]
        Item indices, best first; a user with fewer than ``k`` candidates has ``-1`` in the missing places.

    Examples
    --------
    >>> U = np.array([[1.0], [-1.0]]); V = np.array([[0.1], [0.3], [0.2]])
    >>> recommend_top_k(U, V, k=2, exclude=np.array([[0, 1, 0], [0, 0, 0]]))
    array([[2, 0],
           [0, 2]])
    """
    from .metrics import _top_k

    user_factors = np.asarray(user_factors)
    item_factors = np.asarray(item_factors)
    if user_factors.ndim != 2 or item_factors.ndim != 2 or user_factors.shape[1] != item_factors.shape[1]:
        raise ParameterError(
            "user_factors and item_factors must be 2-D with the same number of columns, got shapes "
            f"{user_factors.shape} and {item_factors.shape}."
        )
    k = _positive_int(k, name="k")
    batch_users = _positive_int(batch_users, name="batch_users")
    n_users, n_items = user_factors.shape[0], item_factors.shape[0]
    rows = np.arange(n_users) if users is None else np.asarray(users)
    if rows.ndim != 1 or (rows.size and (not np.issubdtype(rows.dtype, np.integer) or rows.min() < 0
                                         or rows.max() >= n_users)):
        raise ParameterError(f"users must be a 1-D array of user rows in 0–{n_users - 1}, got {users!r}.")
    if exclude is not None:
        if sp.issparse(exclude):
            exclude = sp.csr_matrix(exclude)
        else:
            exclude = np.asarray(exclude)
        if exclude.shape != (n_users, n_items):
            raise ParameterError(f"exclude must have shape (n_users, n_items) = {(n_users, n_items)}, got {exclude.shape}.")
    depth = min(k, n_items)
    out = np.full((rows.size, k), -1, dtype=np.int64)
    for start in range(0, rows.size, batch_users):
        batch = rows[start : start + batch_users]
        scores = (user_factors[batch] @ item_factors.T).astype(np.float64)
        if not np.isfinite(scores).all():
            raise ParameterError("The factors give non-finite scores (NaN or inf); check the fit.")
        excluded = None
        if exclude is not None:
            excluded = exclude[batch].toarray() != 0 if sp.issparse(exclude) else exclude[batch] != 0
        top, valid = _top_k(scores, excluded, depth)
        out[start : start + batch.size, :depth] = np.where(valid, top, -1)
    return out


# ---------------------------------------------------------------------------------------------- features
def _feature_params(kind, sr, n_fft, hop_length, n_mels, n_mfcc) -> dict:
    if kind not in FEATURE_KINDS:
        raise ParameterError(f"kind must be one of {FEATURE_KINDS}, got {kind!r}.")
    params = {"sr": sr, "n_fft": n_fft, "hop_length": hop_length, "n_mels": n_mels}
    for name, value in params.items():
        _positive_int(value, name=name)
    if kind == "mfcc":
        params["n_mfcc"] = _positive_int(n_mfcc, name="n_mfcc")
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
            yield (index, path, list(features.shape), features.astype("<f4").tobytes(), time.perf_counter() - started,
                   None)


def _feature_schema():
    from pyspark.sql.types import (ArrayType, BinaryType, DoubleType, IntegerType, LongType, StringType, StructField,
                                   StructType)

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
    written to ``output`` as Parquet (tasks beyond the parallelism are merged into one file per core first), first into a temporary folder next to it that is renamed on success, so a
    failed job never leaves a half-written result. Read them back with :func:`read_features`.

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
        Default :func:`local_session`.

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
        partitions = _positive_int(partitions, name="partitions")
    output = Path(output).resolve()
    if output.exists() and not overwrite:
        raise ParameterError(f"{output} exists; pass overwrite=True to replace it.")
    session = _session(session)
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
        Default :func:`local_session`.

    Returns
    -------
    np.ndarray [shape=(n_files,), dtype=float64]
    """
    output = _parquet_folder(output)
    session = _session(session)
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
        Default :func:`local_session`.

    Returns
    -------
    list of np.ndarray [shape=(n_features, n_frames), dtype=float32]
    """
    output = _parquet_folder(output)
    session = _session(session)
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
