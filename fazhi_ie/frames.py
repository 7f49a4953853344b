"""Facts as a table: one row per fact, the columns of ``schema.FRAME_COLUMNS`` typed by
``schema.FRAME_TYPES``, the same in ``Document.to_frame()``, CSV, Parquet and Spark.

pandas and pyarrow are imported inside the functions.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from .schema import FRAME_COLUMNS, FRAME_TYPES, Document

# pandas dtype of each FRAME_TYPES type: nullable, so a missing year stays missing
PANDAS_DTYPES = {"string": "object", "int": "Int64", "float": "float64"}


def arrow_schema():
    """The ``pyarrow.Schema`` of a facts table (Parquet output)."""
    import pyarrow as pa

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64()}
    return pa.schema([pa.field(c, types[FRAME_TYPES[c]], nullable=True) for c in FRAME_COLUMNS])


def typed_frame(frame):
    """``frame`` with exactly the FRAME_COLUMNS, in order, each of its FRAME_TYPES dtype
    (strings as Python ``str`` or None, ints as nullable ``Int64``)."""
    missing = [c for c in FRAME_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"not a facts table: columns {missing} are missing")
    frame = frame.loc[:, list(FRAME_COLUMNS)].copy()
    for column in FRAME_COLUMNS:
        kind = FRAME_TYPES[column]
        if kind == "string":
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        elif kind == "int":
            frame[column] = frame[column].astype("Float64").astype("Int64")
        else:
            frame[column] = frame[column].astype("float64")
    return frame


def facts_frame(docs: Iterable[Document]):
    """One typed table of the facts of many documents."""
    import pandas as pd

    rows = [row for doc in docs for row in doc.rows()]
    return typed_frame(pd.DataFrame(rows, columns=list(FRAME_COLUMNS)))


def read_facts(path: str | Path):
    """A facts table from a file ``fazhi-ie extract`` wrote (.jsonl, .csv or .parquet)."""
    import pandas as pd

    from .io import format_for

    fmt = format_for(path)
    if fmt == "parquet":
        return typed_frame(pd.read_parquet(path))
    if fmt == "csv":
        dtypes = {c: ("string" if FRAME_TYPES[c] == "string" else PANDAS_DTYPES[FRAME_TYPES[c]])
                  for c in FRAME_COLUMNS}
        return typed_frame(pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""]))
    return facts_frame(read_documents(path))


def read_documents(path: str | Path) -> list[Document]:
    """The documents of a JSONL file ``fazhi-ie extract`` wrote (one per line, with ``id``)."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record: dict[str, Any] = json.loads(line)
                docs.append(Document.from_dict(record, id=record.get("id")))
    return docs
