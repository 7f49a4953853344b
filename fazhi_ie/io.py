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
