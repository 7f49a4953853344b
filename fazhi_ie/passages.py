"""Sentences and clauses with their offsets, and scraped repeats marked once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

_SENTENCE = re.compile(r"[^。！？!?\n\r]+[。！？!?]*")
_CLAUSE_BREAK = re.compile(r"[，；;：:]|,(?![0-9]{3}(?![0-9]))")   # not the comma of 1,376
_SOFT_BREAK = re.compile(r"[、，；;：:,\s|]")
_SPACE = re.compile(r"\s+")
# a sentence at least this long, seen before verbatim, is a scraped repeat
MIN_REPEAT_CHARS = 16
# Report sentences and clauses are short; text without punctuation (tables, junk) is
# cut into pieces of at most these lengths so that linking stays linear in the input.
MAX_SENTENCE_CHARS = 1000
MAX_CLAUSE_CHARS = 200


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut [start, end) into pieces of at most ``limit`` characters, at a soft break
    (、，space) where there is one."""
    out = []
    while end - start > limit:
        cut = start + limit
        breaks = [m.end() for m in _SOFT_BREAK.finditer(text, start + limit // 2, cut)]
        cut = breaks[-1] if breaks else cut
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int      # index of the line it stands on
    repeat: bool        # an earlier sentence had exactly this text

    def clauses(self) -> list[tuple[int, int]]:
        """(start, end) offsets of the comma/semicolon/colon-separated clauses."""
        bounds, pos = [], 0
        for m in _CLAUSE_BREAK.finditer(self.text):
            bounds.append((pos, m.end()))
            pos = m.end()
        if pos < len(self.text):
            bounds.append((pos, len(self.text)))
        return [(self.start + a, self.start + b)
                for s, e in bounds for a, b in _pieces(self.text, s, e, MAX_CLAUSE_CHARS)]


def split_sentences(text: str) -> Iterator[Sentence]:
    """Sentences of ``text`` in order; repeats of an earlier sentence are flagged."""
    seen: set[str] = set()
    paragraph, last_end = 0, 0
    for m in _SENTENCE.finditer(text):
        paragraph += text.count("\n", last_end, m.start())
        last_end = m.start()
        for start, end in _pieces(text, m.start(), m.end(), MAX_SENTENCE_CHARS):
            body = text[start:end]
            if not body.strip():
                continue
            key = _SPACE.sub("", body)
            repeat = len(key) >= MIN_REPEAT_CHARS and key in seen
            seen.add(key)
            yield Sentence(start, end, body, paragraph, repeat)
