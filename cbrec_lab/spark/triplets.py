"""Taste-Profile play triplets read and indexed by Spark.

:func:`read_triplets` reads Taste-Profile triplets (the 48 M-line ``train_triplets.txt``, or the music kit's
``plays.tsv``) in parallel partitions, :func:`index_triplets` gives the users and songs integer ids in sorted
order (the rows and columns :mod:`cbrec_lab.datasets` builds), and :func:`cbrec_lab.spark.spark_als` fits such
a Spark DataFrame without collecting it; :func:`collect_plays` brings a small one to the driver as a CSR
matrix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from ..checks import positive_int
from ..exceptions import ParameterError
from .session import is_spark_frame, session_or_local

__all__ = ["IndexedTriplets", "read_triplets", "index_triplets", "collect_plays"]


class IndexedTriplets(NamedTuple):
    """Play triplets with integer ids, from :func:`index_triplets`.

    Attributes
    ----------
    plays : pyspark.sql.DataFrame
        Columns ``user`` (int), ``item`` (int) and ``count`` (long): the input of :func:`cbrec_lab.spark.spark_als`.
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
        Default :func:`cbrec_lab.spark.local_session`.
    partitions : int > 0, optional
        Repartition to this many partitions after reading (e.g. 2–4 per core of the cluster).

    Returns
    -------
    pyspark.sql.DataFrame
        Columns ``user`` (string), ``song`` (string), ``count`` (long). Lazy: nothing is read until an action.
    """
    if partitions is not None:
        partitions = positive_int(partitions, name="partitions")
    text = os.fspath(path)
    if "://" not in text:
        local = Path(text)
        if not local.is_file():
            raise ParameterError(f"No triplets file at {local}: expected 'user<TAB>song<TAB>count' lines.")
        text = local.resolve().as_uri()
    session = session_or_local(session)
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    schema = StructType(
        [
            StructField("user", StringType(), False),
            StructField("song", StringType(), False),
            StructField("count", LongType(), False),
        ]
    )
    frame = session.read.csv(text, sep="\t", schema=schema, header=False, mode="FAILFAST")
    return frame if partitions is None else frame.repartition(partitions)


def index_triplets(triplets) -> IndexedTriplets:
    """Replace the string ids of :func:`read_triplets` by integers 0, 1, … in sorted order of the ids.

    Uses ``pyspark.ml.feature.StringIndexer`` with ``stringOrderType="alphabetAsc"`` (one pass over the data
    to collect the distinct ids, then a join-free mapping), so user ``u`` and song ``i`` are the row and
    column of the play matrix that :mod:`cbrec_lab.datasets` builds from the same file. Repeated
    (user, song) lines stay separate rows; :func:`cbrec_lab.spark.spark_als` sums them.

    Parameters
    ----------
    triplets : pyspark.sql.DataFrame
        Columns ``user``, ``song`` (strings) and ``count``.

    Returns
    -------
    IndexedTriplets
    """
    if not is_spark_frame(triplets):
        raise ParameterError(f"triplets must be a Spark DataFrame from read_triplets, got {type(triplets).__name__}.")
    missing = {"user", "song", "count"} - set(triplets.columns)
    if missing:
        raise ParameterError(f"triplets needs the columns 'user', 'song' and 'count'; missing {sorted(missing)}.")
    from pyspark.ml.feature import StringIndexer
    from pyspark.sql import functions as F

    indexer = StringIndexer(
        inputCols=["user", "song"],
        outputCols=["user_index", "song_index"],
        stringOrderType="alphabetAsc",
        handleInvalid="error",
    )
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
