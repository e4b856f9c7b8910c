"""Scaling out with Apache Spark (lesson 12): WMF with Spark's ALS, and audio features as a Spark job.

Everything here runs Spark in **local mode** — one JVM on this machine, ``cores`` worker threads, no cluster,
no network — which is how a course machine, Binder or CI can show the programming model. The same code runs on
a cluster by passing a session built for it. One concern per module, every public name re-exported here:

- :mod:`cbrec_lab.spark.session` — the Java check (:func:`java_runtime`, :func:`spark_available`), the offline
  local session (:func:`local_session`: loopback, no UI, quiet logs in :func:`driver_log`, bounded memory) and
  :func:`stop_session`, which ends the JVM so that a notebook gets its memory back.
- :mod:`cbrec_lab.spark.triplets` — Taste-Profile triplets read (:func:`read_triplets`) and indexed
  (:func:`index_triplets`) by Spark, small ones collected as a CSR matrix (:func:`collect_plays`).
- :mod:`cbrec_lab.spark.als` — WMF with Spark's ALS (:func:`spark_als`), the parameter map to lesson 02's
  :class:`cbrec_lab.cf.WMF` (:func:`spark_regularization`) and top-k lists from its factors with the seen
  items excluded (:func:`recommend_top_k`).
- :mod:`cbrec_lab.spark.features` — audio features as a Spark job written to Parquet
  (:func:`extract_features_spark`), identical to the single-process path (:func:`extract_features`).

Setup needs ``pyspark`` (the ``spark`` extra: ``pip install -c constraints.txt -e ".[spark]"`` in a checkout)
and a Java 17+ runtime; :func:`spark_available` says whether both are there, and why not. Importing this
package does not import pyspark: the functions import it when they run.

References
----------
1. Zaharia, M., et al. (2016). Apache Spark: a unified engine for big data processing. *Communications of
   the ACM*, 59(11), 56–65. https://doi.org/10.1145/2934664
"""

from .als import SparkFactors, recommend_top_k, spark_als, spark_regularization
from .features import (
    FEATURE_KINDS,
    extract_features,
    extract_features_spark,
    extract_file_features,
    feature_seconds,
    read_features,
)
from .session import (
    INSTALL_HINT,
    MIN_JAVA,
    SparkUnavailableError,
    driver_log,
    java_runtime,
    local_session,
    spark_available,
    stop_session,
)
from .triplets import IndexedTriplets, collect_plays, index_triplets, read_triplets

__all__ = [
    "MIN_JAVA",
    "INSTALL_HINT",
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
