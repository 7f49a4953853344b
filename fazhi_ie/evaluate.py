"""Fact-level scoring against gold annotations (see annotations/GUIDELINES.md).

A predicted fact matches a gold fact when subject, action and value agree and
their spans overlap (or, for gold without a span, on subject, action and value
alone); matching is one-to-one. On matched pairs the year, measure and
breakdown are scored as accuracies.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from . import lexicon
from .annotations import GoldDoc, load_gold  # noqa: F401  (load_gold re-exported for callers)
from .schema import Document

_PUNCT = re.compile(r"[\s,，、;；:：。“”\"'‘’《》()（）]")


def _same_measure(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return a == b
    a, b = _PUNCT.sub("", a), _PUNCT.sub("", b)
    return a == b or a.startswith(b) or b.startswith(a)


def _overlap(a, b) -> bool:
    if not a or not b:
        return True
    return a[0] < b[1] and b[0] < a[1]


def match(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of (gold, predicted) facts that agree on subject, action, value and span."""
    pairs, used = [], set()
    for g in gold:
        for i, p in enumerate(pred):
            if i in used:
                continue
            if (g["subject"], g["action"]) == (p["subject"], p["action"]) and \
                    float(g["value"]) == float(p["value"]) and _overlap(g.get("span"), p.get("span")):
                pairs.append((g, p))
                used.add(i)
                break
    return pairs


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Score:
    overall: Counts = field(default_factory=Counts)
    core: Counts = field(default_factory=Counts)
    extended: Counts = field(default_factory=Counts)
    by_subject: dict[str, Counts] = field(default_factory=dict)
    by_action: dict[str, Counts] = field(default_factory=dict)
    field_hits: Counter = field(default_factory=Counter)
    field_total: Counter = field(default_factory=Counter)
    misses: list[tuple[str, str, dict]] = field(default_factory=list)   # (doc id, "fn"/"fp", fact)

    def accuracy(self, name: str) -> float:
        total = self.field_total[name]
        return self.field_hits[name] / total if total else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(), "core": self.core.as_dict(), "extended": self.extended.as_dict(),
            "by_subject": {k: v.as_dict() for k, v in sorted(self.by_subject.items())},
            "by_action": {k: v.as_dict() for k, v in sorted(self.by_action.items())},
            "accuracy": {name: round(self.accuracy(name), 4) for name in sorted(self.field_total)},
        }


def score(gold_docs: Iterable[GoldDoc], predicted: Iterable[Document]) -> Score:
    """Score predicted documents against gold documents (same order)."""
    core = lexicon.core_subjects()
    result = Score()
    for gd, pd in zip(gold_docs, predicted, strict=True):
        gold = gd.facts
        pred = [f.to_dict() for f in pd.facts]
        pairs = match(gold, pred)
        matched_g = {id(g) for g, _ in pairs}
        matched_p = {id(p) for _, p in pairs}

        def add(fact: dict, kind: str) -> None:
            buckets = [result.overall, result.core if fact["subject"] in core else result.extended,
                       result.by_subject.setdefault(fact["subject"], Counts()),
                       result.by_action.setdefault(fact["action"], Counts())]
            for b in buckets:
                setattr(b, kind, getattr(b, kind) + 1)

        for g, p in pairs:
            add(g, "tp")
            scope = "core" if g["subject"] in core else "extended"
            for name, ok in (("year", g.get("year") == p.get("year")),
                             ("measure", _same_measure(g.get("measure"), p.get("measure"))),
                             ("breakdown", (g.get("breakdown") is None) == (p.get("breakdown") is None)),
                             ("qualifier", g.get("qualifier", "exact") == p.get("qualifier"))):
                for key in (name, f"{name}[{scope}]"):
                    result.field_total[key] += 1
                    result.field_hits[key] += ok
        for g in gold:
            if id(g) not in matched_g:
                add(g, "fn")
                result.misses.append((gd.id, "fn", g))
        for p in pred:
            if id(p) not in matched_p:
                add(p, "fp")
                result.misses.append((gd.id, "fp", p))
    return result


def format_score(result: Score, show_misses: bool = False) -> str:
    """A plain-text report: overall/core/extended P/R/F1, per subject, per action, field accuracies."""
    lines = [f"{'':28}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>5}{'fn':>5}"]

    def row(name: str, c: Counts) -> str:
        return f"{name:28}{c.precision:7.3f}{c.recall:7.3f}{c.f1:7.3f}{c.tp:6d}{c.fp:5d}{c.fn:5d}"

    lines += [row("ALL", result.overall), row("CORE", result.core), row("EXTENDED", result.extended), ""]
    lines += ["by subject"] + [row("  " + k, v) for k, v in sorted(result.by_subject.items())] + [""]
    lines += ["by action"] + [row("  " + k, v) for k, v in sorted(result.by_action.items())] + [""]
    lines += ["accuracy on matched facts"]
    lines += [f"  {name:26}{result.accuracy(name):7.3f}  (n={result.field_total[name]})"
              for name in sorted(result.field_total)]
    if show_misses:
        lines += ["", "misses"]
        for doc_id, kind, f in result.misses:
            lines.append(f"  {kind} {doc_id} {f['subject']}/{f['action']} {f['value']} span={f.get('span')}")
    return "\n".join(lines)


AGREEMENT_FIELDS = ("subject", "action", "value", "unit", "qualifier", "year", "period", "measure", "breakdown")


def agreement(first: Iterable[GoldDoc], second: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Inter-annotator agreement: ``second`` maps document ids to another annotator's
    facts. Reports fact-level F1 (subject, action, value and span all agreeing), span
    F1 (which numbers are facts at all), and per-field agreement on facts paired by
    overlapping span (same action first)."""
    facts, spans = Counts(), Counts()
    hits: Counter = Counter()
    pairs_total = 0
    for doc in first:
        a, b = doc.facts, second.get(doc.id, [])
        exact = match(a, b)
        facts.tp += len(exact)
        facts.fn += len(a) - len(exact)
        facts.fp += len(b) - len(exact)
        a_spans = {tuple(f["span"]) for f in a}
        b_spans = {tuple(f["span"]) for f in b}
        common = {s for s in a_spans if any(_overlap(s, t) for t in b_spans)}
        spans.tp += len(common)
        spans.fn += len(a_spans) - len(common)
        spans.fp += len({t for t in b_spans if not any(_overlap(s, t) for s in a_spans)})
        used: set[int] = set()
        for f in a:
            cands = [(i, g) for i, g in enumerate(b) if i not in used and _overlap(f["span"], g["span"])]
            if not cands:
                continue
            i, g = next(((i, g) for i, g in cands if g["action"] == f["action"]), cands[0])
            used.add(i)
            pairs_total += 1
            for name in AGREEMENT_FIELDS:
                same = _same_measure(f.get(name), g.get(name)) if name == "measure" else f.get(name) == g.get(name)
                hits[name] += same
    return {
        "facts": facts.as_dict(), "spans": spans.as_dict(), "paired_facts": pairs_total,
        "fields": {name: round(hits[name] / pairs_total, 4) if pairs_total else None for name in AGREEMENT_FIELDS},
    }
