"""Extraction on an existing engine: Hugging Face ``datasets`` on one machine, Spark on
a cluster. Both run the same function on a batch of texts, so the recipes are short:

    # one machine, two processes
    ds = datasets.Dataset.from_pandas(texts_frame(["corpus/"]))
    facts = extract_dataset(ds, num_proc=2)            # a Dataset of fact rows

    # a cluster (or local[2])
    sdf = spark_texts(spark, "corpus/*.txt")            # or spark.createDataFrame(texts_frame(["corpus/"]))
    facts = extract_spark(sdf)                          # = sdf.mapInPandas(spark_batches, spark_schema())

Input: a table with a ``text`` column (str), optionally ``id`` (carried into ``doc_id``)
and ``report_year`` (int, the caller's report year). Output: one row per fact with the
columns of ``schema.FRAME_COLUMNS``, typed as ``schema.FRAME_TYPES`` (the Parquet
schema). Each worker process builds its extractor once (``default_extractor``); on a
cluster, fazhi_ie must be installed on every worker.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .frames import facts_frame
from .pipeline import default_extractor
from .schema import FRAME_COLUMNS, FRAME_TYPES, Document

SPARK_TYPES = {"string": "string", "int": "bigint", "float": "double"}
DATASETS_TYPES = {"string": "string", "int": "int64", "float": "float64"}


def texts_frame(paths: Iterable[str | Path]):
    """A pandas table ``id, text`` of the report files under ``paths`` (files or folders)."""
    import pandas as pd

    from .io import iter_files, read_text

    files = list(iter_files(paths))
    return pd.DataFrame({"id": [str(p) for p in files], "text": [read_text(p) for p in files]},
                        columns=["id", "text"])


def extract_texts(texts: Sequence[str], ids: Sequence[Any] | None = None,
                  report_years: Sequence[Any] | None = None, *, backend: str = "rules") -> list[Document]:
    """Documents for a batch of texts, in order (the function every engine calls)."""
    extractor = default_extractor(backend)
    ids = ids if ids is not None else [None] * len(texts)
    years = report_years if report_years is not None else [None] * len(texts)
    if not len(ids) == len(years) == len(texts):
        raise ValueError("texts, ids and report_years must have the same length")
    return [extractor(text, report_year=_year(year), id=None if _missing(doc_id) else str(doc_id))
            for text, doc_id, year in zip(texts, ids, years)]


def facts_from_pandas(batch, *, backend: str = "rules"):
    """A typed facts table for a pandas batch with ``text`` (and optional ``id``,
    ``report_year``) columns."""
    if "text" not in batch.columns:
        raise ValueError(f"the batch needs a 'text' column, has {list(batch.columns)}")
    ids = batch["id"].tolist() if "id" in batch.columns else None
    years = batch["report_year"].tolist() if "report_year" in batch.columns else None
    return facts_frame(extract_texts(batch["text"].tolist(), ids, years, backend=backend))


def facts_from_batch(batch: dict[str, list], *, backend: str = "rules") -> dict[str, list]:
    """``datasets.map(batched=True)`` function: a batch of texts → a batch of fact rows
    (usually a different number of rows, so map with ``remove_columns``)."""
    if "text" not in batch:
        raise ValueError(f"the batch needs a 'text' column, has {list(batch)}")
    docs = extract_texts(batch["text"], batch.get("id"), batch.get("report_year"), backend=backend)
    rows = [row for doc in docs for row in doc.rows()]
    return {column: [_cell(row[column], column) for row in rows] for column in FRAME_COLUMNS}


def datasets_features():
    """The ``datasets.Features`` of the fact rows."""
    import datasets

    return datasets.Features({c: datasets.Value(DATASETS_TYPES[FRAME_TYPES[c]]) for c in FRAME_COLUMNS})


def extract_dataset(dataset, *, num_proc: int | None = None, batch_size: int = 8, backend: str = "rules"):
    """A ``datasets.Dataset`` of fact rows from a Dataset of texts, ``num_proc`` processes."""
    return dataset.map(facts_from_batch, batched=True, batch_size=batch_size, num_proc=num_proc,
                       remove_columns=dataset.column_names, features=datasets_features(),
                       fn_kwargs={"backend": backend}, desc="fazhi_ie")


def spark_schema() -> str:
    """The Spark DDL schema of the fact rows (for ``mapInPandas``)."""
    return ", ".join(f"{c} {SPARK_TYPES[FRAME_TYPES[c]]}" for c in FRAME_COLUMNS)


def spark_batches(batches: Iterator, backend: str = "rules") -> Iterator:
    """``mapInPandas`` function: pandas batches of texts → pandas batches of fact rows."""
    for batch in batches:
        yield facts_from_pandas(batch, backend=backend)


def spark_texts(spark, paths: str | list[str]):
    """A Spark DataFrame ``id, text`` of whole UTF-8 text files (one row per file, the
    file's path as id), read by Spark itself so the files need not fit on the driver.
    GB18030/GBK or HTML files: read them with :func:`texts_frame` instead."""
    from pyspark.sql import functions as F

    files = spark.read.text(paths, wholetext=True)
    return files.select(F.col("_metadata.file_path").alias("id"), F.col("value").alias("text"))


def extract_spark(df, *, backend: str = "rules"):
    """A Spark DataFrame of fact rows from a Spark DataFrame of texts."""
    import functools

    return df.mapInPandas(functools.partial(spark_batches, backend=backend), schema=spark_schema())


def _missing(x: Any) -> bool:
    """None, NaN or pandas' NA."""
    import pandas as pd

    return x is None or (pd.api.types.is_scalar(x) and bool(pd.isna(x)))


def _year(x: Any) -> int | None:
    return None if _missing(x) else int(x)


def _cell(value: Any, column: str) -> Any:
    """A row value as the column's type (value is a float in tables)."""
    if value is None or FRAME_TYPES[column] != "float":
        return value
    return float(value)
