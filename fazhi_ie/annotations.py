"""The gold annotation format (annotations/GUIDELINES.md): reading, validating,
entities and relations, and the train/dev/test splits as a ``datasets.DatasetDict``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import lexicon
from .numbers import find_numbers, parse_value
from .schema import QUALIFIERS

MENTION_FIELDS = {"subject_span": "SUBJECT", "action_span": "ACTION", "time_span": "TIME"}
REQUIRED_FACT_FIELDS = ("subject", "action", "value", "unit", "qualifier", "year", "period",
                        "measure", "section", "breakdown", "span")
SPLITS = ("train", "dev", "test")


@dataclass
class GoldDoc:
    id: str
    text: str
    issuer: str | None
    report_year: int | None
    facts: list[dict[str, Any]]
    genre: str | None = None
    origin: str = ""                       # "file:line" it was read from
    extra: dict[str, Any] = field(default_factory=dict)

    def entities(self) -> list[dict[str, Any]]:
        """Character-offset entities (VALUE, SUBJECT, ACTION, TIME), each once, in text order."""
        seen: dict[tuple[int, int, str], dict[str, Any]] = {}
        for f in self.facts:
            spans = [("VALUE", f["span"], None)]
            spans += [(label, f.get(name), f["subject"] if label == "SUBJECT" else
                       f["action"] if label == "ACTION" else None)
                      for name, label in MENTION_FIELDS.items()]
            for label, span, code in spans:
                if span:
                    key = (span[0], span[1], label)
                    seen.setdefault(key, {"start": span[0], "end": span[1], "label": label,
                                          "text": self.text[span[0]:span[1]], "code": code})
        return sorted(seen.values(), key=lambda e: (e["start"], e["end"], e["label"]))

    def relations(self) -> list[dict[str, Any]]:
        """VALUE→SUBJECT / VALUE→ACTION / VALUE→TIME links, as (head span, tail span, label)."""
        out = []
        for f in self.facts:
            for name, label in MENTION_FIELDS.items():
                if f.get(name):
                    out.append({"head": list(f["span"]), "tail": list(f[name]), "label": f"VALUE->{label}"})
        return out


def _read_source(gold_path: Path, source: str) -> str:
    for base in [gold_path.parent, *gold_path.resolve().parents]:
        candidate = base / source
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{gold_path}: source file {source!r} not found")


def load_gold(path: str | Path) -> list[GoldDoc]:
    """Read a gold JSONL file. A record's text is inline (``text``) or in a file named
    by ``source``, relative to the gold file's folder or one of its parents."""
    path = Path(path)
    docs = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not JSON: {exc}") from None
            if "text" in rec:
                text = rec["text"]
            elif "source" in rec:
                text = _read_source(path, rec["source"])
            else:
                raise ValueError(f"{path}:{lineno}: record has neither 'text' nor 'source'")
            known = {"id", "text", "source", "issuer", "report_year", "facts", "genre"}
            docs.append(GoldDoc(rec.get("id", f"{path.stem}:{lineno}"), text, rec.get("issuer"),
                                rec.get("report_year"), rec.get("facts", []), rec.get("genre"),
                                f"{path}:{lineno}", {k: v for k, v in rec.items() if k not in known}))
    return docs


def validate_doc(doc: GoldDoc) -> list[str]:
    """Every problem with one gold record, as messages (empty when it is valid)."""
    problems = []
    subjects, actions = lexicon.subjects(), lexicon.actions()
    n = len(doc.text)

    def span_ok(span, what: str, i: int) -> bool:
        if not (isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span)
                and 0 <= span[0] < span[1] <= n):
            problems.append(f"fact {i}: {what} {span!r} is not a span inside the text (length {n})")
            return False
        return True

    for i, f in enumerate(doc.facts):
        missing = [k for k in REQUIRED_FACT_FIELDS if k not in f]
        if missing:
            problems.append(f"fact {i}: missing fields {missing}")
            continue
        if f["subject"] not in subjects:
            problems.append(f"fact {i}: unknown subject {f['subject']!r}")
        elif f["action"] not in subjects[f["subject"]]["actions"]:
            problems.append(f"fact {i}: action {f['action']!r} is not one {f['subject']} takes")
        if f["action"] not in actions:
            problems.append(f"fact {i}: unknown action {f['action']!r}")
        if f["qualifier"] not in QUALIFIERS:
            problems.append(f"fact {i}: unknown qualifier {f['qualifier']!r}")
        if f["year"] is not None and not isinstance(f["year"], int):
            problems.append(f"fact {i}: year {f['year']!r} is not an int")
        if not isinstance(f["section"], list):
            problems.append(f"fact {i}: section is not a list")
        if span_ok(f["span"], "span", i):
            problems += [f"fact {i}: {p}" for p in _value_disagreements(doc.text[f["span"][0]:f["span"][1]], f)]
        for name in MENTION_FIELDS:
            if f.get(name) is not None:
                span_ok(f[name], name, i)
        if f["period"] is not None and f["period"] not in doc.text:
            problems.append(f"fact {i}: period {f['period']!r} is not in the text")
    keys = [(f.get("subject"), f.get("action"), tuple(f.get("span") or ())) for f in doc.facts]
    if len(keys) != len(set(keys)):
        problems.append("the same (subject, action, span) is annotated twice")
    return problems


def _value_disagreements(surface: str, fact: dict) -> list[str]:
    """Does the number mention say the fact's value, unit and qualifier?"""
    mentions = list(find_numbers(surface))
    if mentions and mentions[0].start == 0:
        m = mentions[0]
        value, qualifier = m.value, m.qualifier
    else:                               # a bare table cell ("75") or an unusual unit
        try:
            value, qualifier = parse_value(surface.rstrip("余多")), None
        except ValueError:
            return [f"span text {surface!r} is not a number mention"]
    out = []
    if float(value) != float(fact["value"]):
        out.append(f"value {fact['value']!r} disagrees with span text {surface!r}")
    if fact["unit"] and not surface.endswith(fact["unit"]):
        out.append(f"unit {fact['unit']!r} disagrees with span text {surface!r}")
    if qualifier == "at_least" and fact["qualifier"] != "at_least":
        out.append(f"span text {surface!r} says at_least, fact says {fact['qualifier']!r}")
    return out


def validate_files(paths: Iterable[str | Path]) -> Iterator[str]:
    """Problems in gold files, as 'file:line id: message' lines; ids must be unique overall."""
    seen: dict[str, str] = {}
    for path in paths:
        for doc in load_gold(path):
            if doc.id in seen:
                yield f"{doc.origin} {doc.id}: id also used at {seen[doc.id]}"
            seen[doc.id] = doc.origin
            for problem in validate_doc(doc):
                yield f"{doc.origin} {doc.id}: {problem}"


def load_splits(splits_file: str | Path) -> dict[str, list[GoldDoc]]:
    """Documents per split, from a ``splits.json`` mapping each split to gold files
    (relative to it). A document id or text in two splits is an error."""
    splits_file = Path(splits_file)
    spec = json.loads(splits_file.read_text(encoding="utf-8"))
    out: dict[str, list[GoldDoc]] = {}
    owner: dict[str, str] = {}
    for split in SPLITS:
        docs = []
        for name in spec.get(split, []):
            for doc in load_gold(splits_file.parent / name):
                for key in (doc.id, doc.text):
                    if key in owner and owner[key] != split:
                        raise ValueError(f"{doc.id} is in both {owner[key]} and {split}")
                    owner[key] = split
                docs.append(doc)
        out[split] = docs
    return out


def to_record(doc: GoldDoc) -> dict[str, Any]:
    """A flat, Arrow-friendly record: text, entities, relations and facts (as JSON)."""
    return {
        "id": doc.id, "text": doc.text, "issuer": doc.issuer, "report_year": doc.report_year,
        "genre": doc.genre, "entities": doc.entities(), "relations": doc.relations(),
        "facts": json.dumps(doc.facts, ensure_ascii=False),
    }


def load_dataset(splits_file: str | Path):
    """The annotated corpus as a ``datasets.DatasetDict`` with train/dev/test splits."""
    try:
        import datasets
    except ImportError as exc:   # pragma: no cover - depends on the install
        raise ImportError("load_dataset needs the 'datasets' package: pip install 'fazhi_ie[train]'") from exc
    splits = load_splits(splits_file)
    return datasets.DatasetDict({
        name: datasets.Dataset.from_list([to_record(d) for d in docs]) for name, docs in splits.items()
    })


def corpus_statistics(splits: dict[str, list[GoldDoc]]) -> str:
    """Markdown tables: documents, facts and entities per split; core (subject, action)
    counts over the whole corpus."""
    from collections import Counter

    core = lexicon.core_subjects()
    lines = ["| split | documents | characters | facts | core facts | VALUE | SUBJECT | ACTION | TIME | relations |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    pairs: Counter = Counter()
    totals: Counter = Counter()
    for name in SPLITS:
        docs = splits.get(name, [])
        labels = Counter(e["label"] for d in docs for e in d.entities())
        row = Counter(documents=len(docs), characters=sum(len(d.text) for d in docs),
                      facts=sum(len(d.facts) for d in docs),
                      core=sum(f["subject"] in core for d in docs for f in d.facts),
                      relations=sum(len(d.relations()) for d in docs), **labels)
        totals.update(row)
        lines.append(f"| {name} | {row['documents']} | {row['characters']} | {row['facts']} | {row['core']} | "
                     f"{row['VALUE']} | {row['SUBJECT']} | {row['ACTION']} | {row['TIME']} | {row['relations']} |")
        pairs.update((f["subject"], f["action"]) for d in docs for f in d.facts if f["subject"] in core)
    lines.append(f"| **all** | {totals['documents']} | {totals['characters']} | {totals['facts']} | {totals['core']} | "
                 f"{totals['VALUE']} | {totals['SUBJECT']} | {totals['ACTION']} | {totals['TIME']} | "
                 f"{totals['relations']} |")
    lines += ["", "| core subject | action: facts (all splits) |", "|---|---|"]
    for subject in sorted(core):
        cells = ", ".join(f"{a} {pairs[(subject, a)]}" for a in lexicon.subjects()[subject]["actions"])
        lines.append(f"| {subject} | {cells} |")
    extended = Counter(f["subject"] for docs in splits.values() for d in docs for f in d.facts
                       if f["subject"] not in core)
    lines += ["", "| extended subject | facts |", "|---|---:|"]
    lines += [f"| {s} | {n} |" for s, n in sorted(extended.items())]
    return "\n".join(lines) + "\n"
