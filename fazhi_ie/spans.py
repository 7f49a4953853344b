"""What taggers and linkers exchange: labelled spans and links.

The rule engine and the model implement the same two protocols, so a backend
is a choice of objects, not a branch in the pipeline.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from .passages import Sentence

@dataclass(frozen=True)
class Span:
    """A labelled stretch of text: VALUE, SUBJECT, ACTION, TIME, or OTHER (a counted
    thing that is not a fact subject — 行政处罚, 合同, 干部 — which owns its numbers and
    stops inheritance)."""

    label: str
    start: int
    end: int
    text: str
    code: str | None = None          # subject / action code
    value: int | float | None = None  # VALUE: the number
    unit: str | None = None           # VALUE: the measure word
    qualifier: str | None = None      # VALUE: exact / at_least / about / at_most
    year: int | None = None           # TIME: an absolute year
    shift: int | None = None          # TIME: relative to the report year (0, -1 …)
    comparison: bool = False          # TIME: 较上年 / 同比 — governs only its own clause
    # ACTION: "modifier" (报送备案的 — describes the noun, not the count), "blocked"
    # (拟修改, 未败诉 — planned or negated), "weak" (共有 — yields to a later verb);
    # TIME: "deictic" (今年, 去年 — counted from the present, i.e. a news item's dateline)
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Link:
    """A VALUE with what it counts: subject, action, time, breakdown."""

    value: Span
    subject: str
    action: str
    time: Span | None
    breakdown: str | None
    confidence: float
    source: str


@dataclass(frozen=True)
class Passage:
    """A paragraph of the report: offsets into the whole text, its sentences (scraped
    repeats flagged across the whole report), and the subject its heading names
    (if it names exactly one)."""

    start: int
    end: int
    sentences: tuple[Sentence, ...]
    heading_subject: str | None = None
    table: bool = False      # lines of a flattened table (cells split by |)
    new_section: bool = False  # the first passage under its heading: 案件 no longer refers back


class Tagger(Protocol):
    name: str

    def tag(self, text: str, passages: Sequence[Passage]) -> list[list[Span]]:
        """Entity spans for each passage (absolute offsets into ``text``)."""


class Linker(Protocol):
    name: str

    def link(self, text: str, passages: Sequence[Passage], spans: Sequence[Sequence[Span]]) -> list[list[Link]]:
        """Links for each passage's VALUE spans."""
