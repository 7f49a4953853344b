"""The model backend: tags a report's passages and links their counts in one pass.

``ModelEngine`` implements both the Tagger and the Linker protocol: ``tag`` runs the
network over the passages that hold a count candidate (batched by length, in
inference mode) and keeps the relation scores; ``link`` turns them into links.
Long passages are cut into overlapping windows, never truncated.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .. import lexicon
from ..numbers import find_numbers
from ..rules import _implied_subject, time_mention
from ..spans import Link, Passage, Span
from .align import CONTEXT_CHARS, Window, length_batches, passage_windows, with_context
from .decode import best_links, bio_spans, char_span
from .heads import distance_bucket
from .labels import RELATIONS, split_type
from .load import cached_model, shipped_model_dir

SOURCE = "model"


class ModelEngine:
    name = SOURCE

    def __init__(self, model_dir: str | Path | None = None, threshold: float = 0.5,
                 batch_tokens: int = 4096, context_chars: int = CONTEXT_CHARS, int8: bool = False) -> None:
        self.model_dir = str(model_dir or shipped_model_dir())
        self.model, self.tokenizer, self.config = cached_model(self.model_dir, int8)
        self.threshold = threshold
        self.batch_tokens = batch_tokens
        self.context_chars = context_chars
        self.max_len = int(self.config.get("max_len", 256))
        self.special = self.config.get("special_ids", {"cls": 0, "sep": 2, "pad": 1})
        self._links: dict[tuple[int, int], list[Link]] = {}

    # -- Tagger -----------------------------------------------------------
    def tag(self, text: str, passages: Sequence[Passage]) -> list[list[Span]]:
        todo = [i for i, p in enumerate(passages) if next(find_numbers(text[p.start:p.end]), None)]
        windows: list[tuple[int, Window]] = []
        for i in todo:
            p = passages[i]
            span = (with_context(text, p.start, p.end, self.context_chars) if self.config.get("context")
                    else (p.start, p.end))
            windows += [(i, w) for w in passage_windows(self.tokenizer, text, [span], i, self.max_len,
                                                         cls=self.special["cls"], sep=self.special["sep"])]
        results = self._run(windows)
        spans: list[list[Span]] = [[] for _ in passages]
        self._links = {}
        seen: set[tuple[int, str]] = set()     # overlapping windows read a count twice
        for (i, w), (entities, links) in zip(windows, results):
            p = passages[i]
            for ent in entities:
                spans[i].append(self._entity_span(text, ent))
            for link in self._to_links(text, entities, links):
                if not p.start <= link.value.start < p.end:
                    continue          # a count in the context line belongs to its own passage
                if (link.value.start, link.action) in seen:
                    continue
                seen.add((link.value.start, link.action))
                self._links.setdefault((p.start, p.end), []).append(link)
        return spans

    # -- Linker -----------------------------------------------------------
    def link(self, text: str, passages: Sequence[Passage], spans: Sequence[Sequence[Span]]) -> list[list[Link]]:
        return [self._links.get((p.start, p.end), []) for p in passages]

    # -- internals ----------------------------------------------------------
    def _run(self, windows: list[tuple[int, Window]]):
        """Entities and relation scores per window, in input order."""
        import torch

        tags = self.config["tags"]
        out: list = [None] * len(windows)
        batch: list[int] = []

        def flush() -> None:
            if not batch:
                return
            width = max(len(windows[k][1].input_ids) for k in batch)
            ids = torch.full((len(batch), width), self.special["pad"], dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, k in enumerate(batch):
                w = windows[k][1]
                ids[r, :len(w.input_ids)] = torch.tensor(w.input_ids)
                mask[r, :len(w.input_ids)] = 1
            with torch.inference_mode():
                hidden = self.model.encode(ids, mask)
                probs = self.model.tag_logits(hidden).softmax(-1)
                conf, best = probs.max(-1)
                per_window = []
                pairs = []
                for r, k in enumerate(batch):
                    w = windows[k][1]
                    n = len(w.input_ids)
                    labels = [tags[t] for t in best[r, 1:n - 1].tolist()]
                    ents = [(a + 1, b + 1, kind, float(conf[r, a + 1:b + 1].mean()))
                            for a, b, kind in bio_spans(labels)]
                    per_window.append(ents)
                    for vi, (va, vb, vk, _) in enumerate(ents):
                        if vk != "VALUE":
                            continue
                        for mi, (ma, mb, mk, _) in enumerate(ents):
                            label, _ = split_type(mk)
                            if label in ("SUBJECT", "ACTION", "TIME"):
                                rel = RELATIONS.index({"SUBJECT": "subject", "ACTION": "action",
                                                       "TIME": "time"}[label])
                                pairs.append((r, vi, mi, [r, va, vb, ma, mb, rel, distance_bucket(va, ma)]))
                scores = []
                if pairs:
                    logits = self.model.relation_logits(hidden, torch.tensor([p[3] for p in pairs]))
                    scores = logits.sigmoid().tolist()
            for r, k in enumerate(batch):
                w = windows[k][1]
                ents = [(*char_span((a, b), w.offsets), kind, c) for a, b, kind, c in per_window[r]]
                rel = {}
                for (pr, vi, mi, _), sc in zip(pairs, scores):
                    if pr == r:
                        rel[(vi, mi)] = sc
                out[k] = (ents, rel)
            batch.clear()

        for group in length_batches([len(w.input_ids) for _, w in windows], self.batch_tokens):
            batch[:] = group
            flush()
        return out

    @staticmethod
    def _entity_span(text: str, ent) -> Span:
        start, end, kind, conf = ent
        label, code = split_type(kind)
        return Span(label, start, end, text[start:end], code=code)

    def _to_links(self, text: str, entities, rel) -> list[Link]:
        links = []
        subjects = lexicon.subjects()
        for vi, (vs, ve, kind, vconf) in enumerate(entities):
            if kind != "VALUE":
                continue
            number = next(find_numbers(text[vs:min(len(text), ve + 2)]), None)
            if number is None:
                continue
            value = Span("VALUE", vs + number.start, vs + number.end, number.surface, value=number.value,
                         unit=number.unit, qualifier=number.qualifier)
            by_type: dict[str, dict[int, float]] = {"SUBJECT": {}, "ACTION": {}, "TIME": {}}
            for mi, (_, _, mk, _) in enumerate(entities):
                label, _ = split_type(mk)
                if (vi, mi) in rel and label in by_type:
                    by_type[label][mi] = rel[(vi, mi)]
            subj = best_links(by_type["SUBJECT"], self.threshold)
            acts = best_links(by_type["ACTION"], self.threshold)
            tim = best_links(by_type["TIME"], self.threshold)
            subject = split_type(entities[subj[0][0]][2])[1] if subj else None
            p_subject = subj[0][1] if subj else 1.0
            actions = [(split_type(entities[mi][2])[1], p) for mi, p in acts]
            if subject is None and actions:
                subject = _implied_subject(actions[0][0])
            if subject is None:
                continue
            info = subjects[subject]
            if not actions and info.get("bare"):
                actions = [(info["bare"], 0.6)]
            time = None
            if tim:
                ts, te, _, _ = entities[tim[0][0]]
                time = time_mention(text[ts:te], ts, te)
            if "units" in info and value.unit not in info["units"]:
                continue
            for action, p_action in actions:
                if action not in info["actions"]:
                    continue
                conf = round(min(vconf, p_subject, p_action), 3)
                links.append(Link(value, subject, action, time, None, conf, SOURCE))
        return links
