"""Reading report files (UTF-8, GB18030/GBK, Big5, UTF-16; text or HTML) and writing facts."""
from __future__ import annotations

import csv
import json
import os
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

from .schema import FRAME_COLUMNS, Document

TEXT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
# tried in this order when the bytes are not UTF-8; charset-normalizer picks among them
# (GB18030 alone would also "decode" Big5 bytes, into nonsense)
LEGACY_ENCODINGS = ("gb18030", "big5", "utf_16")


class UnreadableFileError(ValueError):
    """A file is not text in any supported encoding."""


def read_text(path: str | Path) -> str:
    """Read a report: UTF-8 (with or without BOM), else GB18030/GBK, Big5 or UTF-16 as
    detected by charset-normalizer. Binary files are refused."""
    data = Path(path).read_bytes()
    text = _decode(data, path)
    if _junk_share(text) > MAX_JUNK_SHARE:
        raise UnreadableFileError(f"{path}: binary file, not text")
    return text


# a decoded file with more than this share of control, unassigned or private-use
# characters is binary data, not a report
MAX_JUNK_SHARE = 0.05


def _decode(data: bytes, path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFileError(f"{path}: binary file, not text") from None
    if b"\x00" in data[:4096]:
        raise UnreadableFileError(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise UnreadableFileError(f"{path}: not decodable as UTF-8, {', '.join(LEGACY_ENCODINGS)}")
    return str(best)


def _junk_share(text: str, sample: int = 20_000) -> float:
    head = text[:sample]
    if not head:
        return 0.0
    junk = sum(1 for c in head if c not in "\t\n\r" and unicodedata.category(c) in ("Cc", "Cn", "Co", "Cs")
               or c == "\ufffd")
    return junk / len(head)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the text files inside folders named (sorted, recursive)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES)
        else:
            yield p


def document_record(doc: Document) -> dict:
    """One JSONL line: the document id, then the contract's fields, in a stable order."""
    return {"id": doc.id, **doc.to_dict()}


@contextmanager
def atomic_output(path: str | Path, force: bool = False, binary: bool = False) -> Iterator[IO]:
    """Open ``path`` for writing (UTF-8 text, or bytes with ``binary``) through a
    temporary file renamed into place on success. Refuses to replace an existing file
    unless ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; pass --force to overwrite it")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


OUTPUT_FORMATS = ("jsonl", "csv", "parquet")
BINARY_FORMATS = ("parquet",)      # written to a file opened in bytes mode


class FactWriter:
    """Writes documents as JSONL (one document per line), or as CSV or Parquet (one fact
    per row, the columns of ``FRAME_COLUMNS``, typed as in ``FRAME_TYPES`` for Parquet).

    Parquet rows are buffered into row groups of ``row_group_size``; call :meth:`close`
    (or use the writer as a context manager) to write the last group and the footer.
    """

    def __init__(self, fh: IO, fmt: str, *, row_group_size: int = 50_000) -> None:
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(f"output format must be one of {OUTPUT_FORMATS}, got {fmt!r}")
        self.fh, self.fmt, self.row_group_size = fh, fmt, row_group_size
        if fmt == "csv":
            self._csv = csv.DictWriter(fh, fieldnames=list(FRAME_COLUMNS))
            self._csv.writeheader()
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            from .frames import arrow_schema

            self._schema = arrow_schema()
            self._parquet = pq.ParquetWriter(fh, self._schema)
            self._rows: list[dict] = []

    def write(self, doc: Document) -> None:
        if self.fmt == "jsonl":
            self.fh.write(json.dumps(document_record(doc), ensure_ascii=False) + "\n")
        elif self.fmt == "csv":
            for row in doc.rows():
                self._csv.writerow(row)
        else:
            self._rows.extend(doc.rows())
            if len(self._rows) >= self.row_group_size:
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._rows:
            self._parquet.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def close(self) -> None:
        """Finish the output (Parquet: last row group and footer); the file stays open."""
        if self.fmt == "parquet" and self._parquet is not None:
            self._flush()
            self._parquet.close()
            self._parquet = None

    def __enter__(self) -> "FactWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_facts(docs: Iterable[Document], path: str | Path, *, force: bool = False) -> Path:
    """Write documents to ``path`` in the format its suffix names (.jsonl, .csv, .parquet),
    as ``fazhi-ie extract -o`` does."""
    fmt = format_for(path)
    with atomic_output(path, force=force, binary=fmt in BINARY_FORMATS) as fh, FactWriter(fh, fmt) as writer:
        for doc in docs:
            writer.write(doc)
    return Path(path)


def format_for(path: str | Path) -> str:
    """The output format a file name asks for: jsonl, csv or parquet."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise ValueError(f"cannot tell the output format of {path}: use .jsonl, .csv or .parquet")
