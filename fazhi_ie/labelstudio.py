"""Round trip with Label Studio, so annotations can be corrected by hand.

Export: each document becomes a task; each fact's number is a VALUE region whose
per-region text box holds the fact's remaining fields as JSON; its subject,
action and time mentions are regions labelled with their codes (SUBJECT regions
carry the subject code, ACTION regions the action code, TIME regions ``TIME``),
joined to the VALUE by relations. Gold is exported as annotations, extractor
output as predictions (pre-annotations).

Import: relations decide each fact's subject and action (a VALUE related to two
ACTION regions is two facts: 审查通过…均备案); the JSON box supplies the rest.
"""
from __future__ import annotations

import json
from typing import Any, Iterable
from xml.sax.saxutils import quoteattr

from . import lexicon
from .annotations import GoldDoc

FROM_LABEL, FROM_TEXT = "label", "fact"
TO_NAME = "text"
# fields stored in the per-region box (the rest are the region offsets and relations)
BOX_FIELDS = ("subject", "action", "value", "unit", "qualifier", "year", "period", "measure", "section", "breakdown")
MENTION_FIELDS = ("subject_span", "action_span", "time_span")


def label_config() -> str:
    """The Label Studio labeling config (XML), with every code from the lexicon."""
    labels = ["VALUE", "TIME", *lexicon.subjects(), *lexicon.actions()]
    inner = "\n".join(f"    <Label value={quoteattr(v)}/>" for v in labels)
    return (
        "<View>\n"
        f'  <Relations>\n    <Relation value="subject"/>\n    <Relation value="action"/>\n'
        f'    <Relation value="time"/>\n  </Relations>\n'
        f'  <Labels name="{FROM_LABEL}" toName="{TO_NAME}">\n{inner}\n  </Labels>\n'
        f'  <Text name="{TO_NAME}" value="$text"/>\n'
        f'  <TextArea name="{FROM_TEXT}" toName="{TO_NAME}" perRegion="true" editable="true" '
        f'placeholder="fact fields as JSON"/>\n'
        "</View>\n"
    )


def _region(rid: str, text: str, start: int, end: int, label: str) -> dict[str, Any]:
    return {"id": rid, "from_name": FROM_LABEL, "to_name": TO_NAME, "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def to_task(doc: GoldDoc, as_prediction: bool = False, model_version: str = "fazhi_ie") -> dict[str, Any]:
    """One Label Studio task for a document."""
    results: list[dict[str, Any]] = []
    ids: dict[tuple[int, int, str], str] = {}

    def region(start: int, end: int, label: str) -> str:
        key = (start, end, label)
        if key not in ids:
            ids[key] = f"r{len(ids)}"
            results.append(_region(ids[key], doc.text, start, end, label))
        return ids[key]

    boxes: dict[str, list[dict[str, Any]]] = {}
    relations = set()
    for f in doc.facts:
        vid = region(*f["span"], "VALUE")
        boxes.setdefault(vid, []).append({k: f.get(k) for k in BOX_FIELDS + MENTION_FIELDS})
        for name, label, kind in (("subject_span", f["subject"], "subject"),
                                  ("action_span", f["action"], "action"), ("time_span", "TIME", "time")):
            if f.get(name):
                relations.add((vid, region(*f[name], label), kind))
    for vid, facts in boxes.items():
        s, e = next((k[0], k[1]) for k, v in ids.items() if v == vid)
        results.append({"id": vid, "from_name": FROM_TEXT, "to_name": TO_NAME, "type": "textarea",
                        "value": {"start": s, "end": e, "text": [json.dumps(facts, ensure_ascii=False)]}})
    for vid, other, kind in sorted(relations):
        results.append({"type": "relation", "from_id": vid, "to_id": other, "direction": "right", "labels": [kind]})
    key = "predictions" if as_prediction else "annotations"
    entry: dict[str, Any] = {"result": results}
    if as_prediction:
        entry["model_version"] = model_version
    return {"data": {"text": doc.text, "id": doc.id, "issuer": doc.issuer, "report_year": doc.report_year,
                     "genre": doc.genre}, key: [entry]}


def from_task(task: dict[str, Any]) -> GoldDoc:
    """A gold document from a task: its latest annotation, else its first prediction."""
    data = task["data"]
    entries = task.get("annotations") or task.get("predictions") or [{"result": []}]
    results = entries[-1]["result"]
    regions = {r["id"]: r for r in results if r.get("type") == "labels"}
    boxes: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        if r.get("type") == "textarea" and r.get("value", {}).get("text"):
            boxes[r["id"]] = json.loads(r["value"]["text"][0])
    links: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for r in results:
        if r.get("type") == "relation" and r["from_id"] in regions and r["to_id"] in regions:
            target = regions[r["to_id"]]
            kind = {"VALUE": None, "TIME": "time"}.get(target["value"]["labels"][0])
            label = target["value"]["labels"][0]
            if kind is None and label in lexicon.subjects():
                kind = "subject"
            elif kind is None and label in lexicon.actions():
                kind = "action"
            if kind:
                links.setdefault(r["from_id"], {}).setdefault(kind, []).append(target)
    facts = []
    for rid, reg in regions.items():
        if reg["value"]["labels"][0] != "VALUE":
            continue
        facts += _facts_of_value(reg, boxes.get(rid, []), links.get(rid, {}))
    facts.sort(key=lambda f: (f["span"][0], f["span"][1]))
    return GoldDoc(str(data.get("id")), data["text"], data.get("issuer"), data.get("report_year"), facts,
                   data.get("genre"))


def _offsets(region: dict[str, Any] | None) -> list[int] | None:
    return [region["value"]["start"], region["value"]["end"]] if region else None


def _facts_of_value(value: dict[str, Any], box: list[dict[str, Any]],
                    rel: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The facts one VALUE region makes. Each box entry is a fact; its subject and action
    are read from the regions at its mention offsets (so relabelling a region changes
    them), and it is dropped when the annotator removed its action relation. A related
    ACTION region no entry points at adds a fact."""
    span = _offsets(value)
    related = {kind: {tuple(_offsets(r)): r for r in regions} for kind, regions in rel.items()}
    time = next(iter(related.get("time", {}).values()), None)
    facts, used_actions = [], set()
    for entry in box:
        fact = {k: entry.get(k) for k in BOX_FIELDS + MENTION_FIELDS}
        act = related.get("action", {}).get(tuple(entry.get("action_span") or ()))
        if entry.get("action_span") and act is None:
            continue                       # its action relation was removed
        subj = related.get("subject", {}).get(tuple(entry.get("subject_span") or ()))
        if act:
            fact["action"] = act["value"]["labels"][0]
            used_actions.add(tuple(entry["action_span"]))
        if subj:
            fact["subject"] = subj["value"]["labels"][0]
        fact.update(span=span, section=fact["section"] or [], time_span=_offsets(time))
        facts.append(fact)
    subjects = list(related.get("subject", {}).values())
    for offsets, act in related.get("action", {}).items():
        if offsets in used_actions:
            continue
        base = box[0] if box else {}
        fact = {k: base.get(k) for k in BOX_FIELDS}
        fact.update(action=act["value"]["labels"][0], span=span, section=fact["section"] or [],
                    subject=subjects[0]["value"]["labels"][0] if subjects else fact["subject"],
                    subject_span=_offsets(subjects[0]) if subjects else None,
                    action_span=list(offsets), time_span=_offsets(time))
        facts.append(fact)
    return facts


def to_tasks(docs: Iterable[GoldDoc], as_prediction: bool = False) -> list[dict[str, Any]]:
    return [to_task(d, as_prediction) for d in docs]


def from_tasks(tasks: Iterable[dict[str, Any]]) -> list[GoldDoc]:
    return [from_task(t) for t in tasks]


def gold_record(doc: GoldDoc) -> dict[str, Any]:
    """A gold JSONL record (annotations/GUIDELINES.md) for a document."""
    return {"id": doc.id, "text": doc.text, "issuer": doc.issuer, "report_year": doc.report_year,
            "genre": doc.genre, "facts": doc.facts}
