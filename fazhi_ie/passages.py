"""Sentences and clauses with their offsets, and scraped repeats marked once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

_SENTENCE = re.compile(r"[^。！？!?\n\r]+[。！？!?]*")
_CLAUSE_BREAK = re.compile(r"[，；;：:]|,(?![0-9]{3}(?![0-9]))")   # not the comma of 1,376
_SPACE = re.compile(r"\s+")
# a sentence at least this long, seen before verbatim, is a scraped repeat
MIN_REPEAT_CHARS = 16


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int      # index of the line it stands on
    repeat: bool        # an earlier sentence had exactly this text

    def clauses(self) -> list[tuple[int, int]]:
        """(start, end) offsets of the comma/semicolon/colon-separated clauses."""
        out, pos = [], 0
        for m in _CLAUSE_BREAK.finditer(self.text):
            out.append((self.start + pos, self.start + m.end()))
            pos = m.end()
        if pos < len(self.text):
            out.append((self.start + pos, self.end))
        return out


def split_sentences(text: str) -> Iterator[Sentence]:
    """Sentences of ``text`` in order; repeats of an earlier sentence are flagged."""
    seen: set[str] = set()
    paragraph, last_end = 0, 0
    for m in _SENTENCE.finditer(text):
        paragraph += text.count("\n", last_end, m.start())
        last_end = m.start()
        body = m.group()
        if not body.strip():
            continue
        key = _SPACE.sub("", body)
        repeat = len(key) >= MIN_REPEAT_CHARS and key in seen
        seen.add(key)
        yield Sentence(m.start(), m.end(), body, paragraph, repeat)
