"""Reading report files (UTF-8 or GB18030/GBK) and writing facts (JSONL, CSV)."""
from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

from .schema import FRAME_COLUMNS, Document

TEXT_SUFFIXES = (".txt", ".text", ".md")
ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFileError(ValueError):
    """A file is not text in any supported encoding."""


def read_text(path: str | Path) -> str:
    """Read a report, trying UTF-8 (with or without BOM), then GB18030 (a superset of GBK)."""
    data = Path(path).read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(f"{path}: binary file, not text")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(f"{path}: not decodable as {' or '.join(ENCODINGS)}")


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
def atomic_output(path: str | Path, force: bool = False) -> Iterator[IO[str]]:
    """Open ``path`` for writing through a temporary file renamed into place on success.
    Refuses to replace an existing file unless ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; pass --force to overwrite it")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class FactWriter:
    """Writes documents as JSONL (one document per line) or CSV (one fact per row)."""

    def __init__(self, fh: IO[str], fmt: str) -> None:
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"output format must be jsonl or csv, got {fmt!r}")
        self.fh, self.fmt = fh, fmt
        if fmt == "csv":
            self._csv = csv.DictWriter(fh, fieldnames=list(FRAME_COLUMNS))
            self._csv.writeheader()

    def write(self, doc: Document) -> None:
        if self.fmt == "jsonl":
            self.fh.write(json.dumps(document_record(doc), ensure_ascii=False) + "\n")
        else:
            for row in doc.rows():
                self._csv.writerow(row)


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    raise ValueError(f"cannot tell the output format of {path}: use .jsonl or .csv")
