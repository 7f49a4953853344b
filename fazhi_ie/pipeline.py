"""The extraction flow: outline → passages → tag → link → resolve → facts."""
from __future__ import annotations

import functools
import re
from itertools import groupby
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from . import lexicon
from .numbers import YEAR_PATTERN, find_numbers, year_value
from .outline import Heading, Outline, find_issuer, find_publication_year, find_report_year, parse_outline
from .passages import Sentence, split_sentences
from .rules import RuleLinker, RuleTagger, lexicon_matchers
from .schema import Document, Fact
from .spans import Link, Linker, Passage, Span, Tagger
from .tables import is_table_line
from .text_input import PreparedText, prepare

BACKENDS = ("auto", "rules", "model")
_YEAR_IN_HEADING = re.compile(YEAR_PATTERN + "年")
# a passage with none of these cannot hold a count
_HAS_NUMBER = re.compile(r"[0-9０-９一二两三四五六七八九十百千万]")


class ModelNotAvailableError(RuntimeError):
    """``backend="model"`` was asked for but no trained model is installed or given."""


# auto: the model's facts are added only for numbers the rules did not read, in sentences
# where the rules read nothing, at or above this confidence. With the shipped model, 0.8
# and 0.9 add no error on the dev split and 0.6 does; 0.9 keeps a margin because the
# shipped model was trained on the dev split (benchmarks/RESULTS.md, "Model").
AUTO_THRESHOLD = 0.9


# auto: how much of the text before a sentence the model sees with it (a clause or two,
# enough for an inherited subject); the model trains on up to align.CONTEXT_CHARS
AUTO_CONTEXT_CHARS = 60


class AutoEngine:
    """Rules and model together: the rules' reading of every number they read; the
    model's facts where the rules read nothing and the model is very sure. The model
    reads only the sentences the rules left unread that hold a count candidate and a
    hint of some subject (``lexicon/model_gate.yaml``), each once, neighbours
    together, so most of a report never reaches it. Every link keeps its source."""

    name = "auto"

    def __init__(self, model) -> None:
        self.rule_tagger, self.rule_linker, self.model = RuleTagger(), RuleLinker(), model

    def tag(self, text: str, passages: Sequence[Passage]) -> list[list[Span]]:
        return self.rule_tagger.tag(text, passages)

    def link(self, text: str, passages: Sequence[Passage], spans) -> list[list[Link]]:
        by_rules = self.rule_linker.link(text, passages, spans)
        chosen = list(_model_passages(text, passages, by_rules))
        by_model: list[list[Link]] = [[] for _ in passages]
        if chosen:
            sentences = [c for _, c in chosen]
            self.model.tag(text, sentences)
            for (i, _), links in zip(chosen, self.model.link(text, sentences, [])):
                by_model[i].extend(links)
        return [_combine(p, r, m) for p, r, m in zip(passages, by_rules, by_model)]


def _model_passages(text: str, passages: Sequence[Passage],
                    by_rules: Sequence[list[Link]]) -> Iterator[tuple[int, Passage]]:
    """(passage index, stretch) for the model to read: runs of neighbouring sentences
    the rules read nothing in that hold a count candidate and a subject hint. A
    sentence met before in the text (a repeated passage) is skipped."""
    seen: set[str] = set()
    for i, (p, links) in enumerate(zip(passages, by_rules)):
        wanted = set(_unread_sentences(text, p, links))
        run: list[Sentence] = []
        for s in p.sentences + (None,):
            said = s is not None and text[s.start:s.end]
            if s is not None and s in wanted and said not in seen:
                run.append(s)
            elif run:
                yield i, Passage(run[0].start, run[-1].end, tuple(run), p.heading_subject, p.table)
                run = []
            if said:
                seen.add(said)


def _read_sentences(passage: Passage, links: list[Link]) -> set[Sentence | None]:
    """The sentences of the passage that hold a count of ``links``."""
    return {_sentence_of(passage.sentences, l.value.start) for l in links}


def _unread_sentences(text: str, passage: Passage, rule_links: list[Link]) -> list[Sentence]:
    """The passage's sentences the rules read nothing in that hold a count candidate
    and a subject hint."""
    busy = _read_sentences(passage, rule_links)
    return [s for s in passage.sentences if s not in busy and _subject_hint().search(text, s.start, s.end)
            and next(find_numbers(text[s.start:s.end]), None)]


@functools.cache
def _subject_hint() -> re.Pattern:
    hints = {h for entry in lexicon.load("model_gate").values() for h in entry}
    return re.compile("|".join(sorted(hints)))


def _combine(passage: Passage, rules: list[Link], model: list[Link]) -> list[Link]:
    read = {(l.value.start, l.value.end) for l in rules}
    busy = _read_sentences(passage, rules)
    extra = [l for l in model if (l.value.start, l.value.end) not in read
             and l.confidence >= AUTO_THRESHOLD and _sentence_of(passage.sentences, l.value.start) not in busy]
    return sorted(rules + extra, key=lambda l: (l.value.start, l.value.end))


def _backend_objects(backend: str, model_dir: str | Path | None) -> tuple[Tagger, Linker]:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "rules":
        return RuleTagger(), RuleLinker()
    from .model.load import has_shipped_model

    if model_dir is None and not has_shipped_model():
        if backend == "model":
            raise ModelNotAvailableError(
                "no trained model ships with this install of fazhi_ie and none was given "
                "(model_dir=...); use backend='rules' or 'auto'")
        return RuleTagger(), RuleLinker()        # auto without a model: the rules
    from .model.engine import ModelEngine

    if backend == "model":
        engine = ModelEngine(model_dir)
        return engine, engine
    return (AutoEngine(ModelEngine(model_dir, context_chars=AUTO_CONTEXT_CHARS)),) * 2


class Extractor:
    """Reusable extractor: build once, call on many reports.

    >>> ex = Extractor(backend="rules")
    >>> doc = ex("2021年度,共收到行政复议案件17件,其中受理案件11件。")
    >>> [(f.action, f.value) for f in doc.facts]
    [('received', 17), ('accepted', 11)]
    """

    def __init__(self, backend: str = "auto", model_dir: str | Path | None = None) -> None:
        self.backend = backend
        self.tagger, self.linker = _backend_objects(backend, model_dir)

    def __call__(self, text: str, *, report_year: int | None = None, id: str | None = None) -> Document:
        return self.extract(text, report_year=report_year, id=id)

    def pipe(self, texts: Iterable[Any], *, as_tuples: bool = False,
             report_year: int | None = None) -> Iterator[Any]:
        """Extract from many texts, yielding in input order.

        With ``as_tuples=True`` items are ``(text, context)`` pairs and ``(Document,
        context)`` pairs come back; a context that is a str becomes the Document id.
        """
        for item in texts:
            if as_tuples:
                text, context = item
                doc_id = context if isinstance(context, str) else None
                yield self.extract(text, report_year=report_year, id=doc_id), context
            else:
                yield self.extract(item, report_year=report_year)

    def extract(self, text: str, *, report_year: int | None = None, id: str | None = None,
                html: bool | None = None) -> Document:
        """The count facts of one report.

        ``text`` may be plain text or an HTML page (``html=None`` detects markup;
        True/False force it); traditional characters, full-width digits and invisible
        characters are read too. Spans index ``text`` as given; evidence quotes it
        without markup (see :mod:`fazhi_ie.text_input`).
        """
        if not isinstance(text, str):
            raise TypeError(f"extract() takes the report text as str, got {type(text).__name__}")
        if report_year is not None and not isinstance(report_year, int):
            raise TypeError(f"report_year must be an int or None, got {type(report_year).__name__}")
        prepared = prepare(text, html_input=html)
        read = prepared.text
        if not read.strip():
            return Document(issuer=None, report_year=report_year, facts=[], id=id)
        year = report_year if report_year is not None else find_report_year(read)
        # 今年/去年 count from a news item's dateline, else from the report year
        now = find_publication_year(read) or year
        outline = parse_outline(read)
        facts = []
        for passages in _blocks(_passages(read, outline)):
            spans = self.tagger.tag(read, passages)
            links = self.linker.link(read, passages, spans)
            for passage, passage_links in zip(passages, links):
                for link in passage_links:
                    fact = _resolve(prepared, link, passage, outline, year, now)
                    if fact is not None:
                        facts.append(fact)
        return Document(issuer=find_issuer(read), report_year=year, facts=_dedupe(facts), id=id)


def _passages(text: str, outline: Outline) -> Iterator[Passage]:
    """One passage per paragraph that could hold a count; the lines of a flattened
    table make one passage together."""
    paragraphs = (tuple(g) for _, g in groupby(split_sentences(text), key=lambda s: s.paragraph))
    section = None
    for is_table, group in groupby(paragraphs, key=lambda p: all(is_table_line(s.text) for s in p)):
        chunks = [sum(group, ())] if is_table else group
        for sentences in chunks:
            start, end = sentences[0].start, sentences[-1].end
            if not _HAS_NUMBER.search(text, start, end):
                continue
            path = outline.path_at(start)
            here = path[-1].start if path else None
            yield Passage(start, end, sentences, _heading_subject(outline, start), table=is_table,
                          new_section=here != section)
            section = here


# a report is tagged and linked in blocks of passages of about this many characters, so
# memory stays bounded on huge inputs; an ordinary report (up to ~100k chars) is one block
BLOCK_CHARS = 400_000


def _blocks(passages: Iterable[Passage]) -> Iterator[list[Passage]]:
    block, size = [], 0
    for p in passages:
        block.append(p)
        size += p.end - p.start
        if size >= BLOCK_CHARS:
            yield block
            block, size = [], 0
    if block:
        yield block


def _heading_subject(outline: Outline, start: int) -> str | None:
    """The subject named by the innermost heading on an earlier line, if it names one."""
    earlier = [h for h in outline.path_at(start) if h.start < start]
    if not earlier:
        return None
    nouns, noun_re, *_ = lexicon_matchers()
    codes = {nouns[m.group()] for m in noun_re.finditer(earlier[-1].title)}
    if len(codes) == 1:
        label, code = codes.pop()
        return code if label == "SUBJECT" else None
    return None


@functools.cache
def _plan_re() -> re.Pattern:
    return re.compile("|".join(map(re.escape, lexicon.load("headings")["plan_words"])))


def _resolve(prepared: PreparedText, link: Link, passage: Passage, outline: Outline,
             report_year: int | None, now: int | None) -> Fact | None:
    value = link.value
    path: list[Heading] = outline.path_at(value.start)
    if any(_plan_re().search(h.title) for h in path):
        return None
    year, period = _year(link, path, report_year, now)
    sentence = _sentence_of(passage.sentences, value.start)
    quoted = (sentence.start, sentence.end) if sentence else (value.start, value.end)
    return Fact(
        subject=link.subject,
        action=link.action,
        value=value.value,
        unit=value.unit,
        qualifier=value.qualifier or "exact",
        year=year,
        period=period,
        measure=path[-1].title if path else None,
        section=[h.label for h in path],
        breakdown=link.breakdown,
        evidence=prepared.display[quoted[0]:quoted[1]].strip(),
        span=prepared.to_input(value.start, value.end),
        source=link.source,
        confidence=round(link.confidence, 3),
    )


def _year(link: Link, path: list[Heading], report_year: int | None,
          now: int | None) -> tuple[int | None, str | None]:
    """The year a count refers to: its own time phrase (今年/去年 count from ``now``,
    全年/上年度 from the report year), else the innermost heading's year, else the
    report year."""
    t = link.time
    if t is not None:
        if t.year is not None:
            return t.year, t.text
        base = now if "deictic" in t.flags else report_year
        return (base + t.shift if base is not None else None), t.text
    for h in reversed(path):
        m = _YEAR_IN_HEADING.search(h.label)
        if m and year_value(m.group(1)):
            return year_value(m.group(1)), None
    return report_year, None


def _sentence_of(sentences: tuple[Sentence, ...], offset: int) -> Sentence | None:
    for s in sentences:
        if s.start <= offset < s.end:
            return s
    return None


def _dedupe(facts: list[Fact]) -> list[Fact]:
    """Each fact once, at its first mention: a summary restated in detail, or the same
    count reached twice, gives one fact."""
    spans, counts, out = set(), {}, []
    for f in sorted(facts, key=lambda f: f.span):
        count = (f.subject, f.action, f.value, f.year, f.breakdown)
        if (f.subject, f.action, f.span) in spans or counts.get(count, f.evidence) != f.evidence:
            continue      # the same mention twice, or a count restated in another sentence
        spans.add((f.subject, f.action, f.span))
        counts.setdefault(count, f.evidence)
        out.append(f)
    return out


@functools.cache
def default_extractor(backend: str = "auto") -> Extractor:
    return Extractor(backend=backend)


def extract(text: str, *, report_year: int | None = None, backend: str = "auto",
            html: bool | None = None) -> Document:
    """Extract the count facts of one report. See the README for the output fields."""
    return default_extractor(backend).extract(text, report_year=report_year, html=html)
