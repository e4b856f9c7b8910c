"""A Spark session in local mode that works offline, and the Java runtime it needs.

Everything in :mod:`cbrec_lab.spark` runs Spark in **local mode** — one JVM on this machine, ``cores`` worker
threads, no cluster, no network — which is how a course machine, Binder or CI can show the programming model.
The same code runs on a cluster by passing a session built for it.

Setup needs ``pyspark`` (the ``spark`` extra: ``pip install -c constraints.txt -e ".[spark]"`` in a checkout)
and a Java 17+ runtime; :func:`spark_available` says whether both are there, and why not, without starting
anything. :func:`local_session` starts (or returns) the session: loopback only, no UI, quiet logs written to
:func:`driver_log`, bounded memory. :func:`stop_session` ends the JVM so that a notebook gets its memory back.

The other modules of the package share three helpers from here: :func:`session_or_local` (the default of
every ``session=``), :func:`is_spark_frame` and :func:`pandas_warning_ignored`. pyspark is imported inside the
functions only: importing this module (and :mod:`cbrec_lab.spark`) works without it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from ..checks import positive_int
from ..exceptions import CbrecError, ParameterError

__all__ = [
    "MIN_JAVA",
    "INSTALL_HINT",
    "SparkUnavailableError",
    "java_runtime",
    "spark_available",
    "local_session",
    "stop_session",
    "driver_log",
]

#: Oldest Java major version Spark 4 runs on.
MIN_JAVA = 17

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
    'Install the Spark extra (`pip install -c constraints.txt -e ".[spark]"` in a checkout, `pip install '
    '"cbrec-lab[spark]"` elsewhere) and a Java '
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
        result = subprocess.run([executable, "-version"], capture_output=True, text=True, timeout=30, check=False)
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
    from ..config import data_home

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
        from ..cache import atomic_write_text

        atomic_write_text(path, LOG4J2_PROPERTIES)
    return path


def _check_memory(value) -> str:
    if not isinstance(value, str) or re.fullmatch(r"\d+[kmgt]", value.strip().lower()) is None:
        raise ParameterError(f"driver_memory must be a JVM size such as '1g' or '512m', got {value!r}.")
    return value.strip().lower()


def _session_conf(*, cores: int, driver_memory: str, app_name: str, folder: Path) -> dict[str, str]:
    """The configuration of :func:`local_session` (kept apart so that it can be read and tested)."""
    log4j = _log4j2_file(folder).resolve().as_uri()
    package_root = str(Path(__file__).resolve().parents[2])  # the folder that holds cbrec_lab/
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
    cores = positive_int(cores, name="cores")
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
            with pandas_warning_ignored():
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
        with pandas_warning_ignored():
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
def pandas_warning_ignored():
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


def session_or_local(session):
    """``session``, or :func:`local_session` with its defaults when it is None (the ``session=`` of every job)."""
    return local_session() if session is None else session


def is_spark_frame(value) -> bool:
    """Whether ``value`` is a ``pyspark.sql.DataFrame`` (False, without importing pyspark, when it is absent)."""
    if importlib.util.find_spec("pyspark") is None:
        return False
    from pyspark.sql import DataFrame

    return isinstance(value, DataFrame)
