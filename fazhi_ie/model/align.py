"""Text → token windows with character offsets; gold entities → BIO tags and relation pairs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from .labels import MENTION_LABEL, RELATIONS, bio_tags, entity_type

# token ids of the XLM-R vocabulary layout (the pruned e5 tokenizer keeps them);
# other tokenizers give theirs through special_ids()
CLS, PAD, SEP = 0, 1, 2


def special_ids(tokenizer) -> dict[str, int]:
    """The ids of the sequence start, end and padding tokens of a ``tokenizers.Tokenizer``."""
    def first(*names: str) -> int | None:
        return next((i for i in map(tokenizer.token_to_id, names) if i is not None), None)

    ids = {"cls": first("<s>", "[CLS]"), "sep": first("</s>", "[SEP]"), "pad": first("<pad>", "[PAD]")}
    return {k: (v if v is not None else default) for (k, v), default in zip(ids.items(), (CLS, SEP, PAD))}


@dataclass
class Window:
    """One model input: a stretch of a passage, ≤ max_len tokens with <s> … </s>."""

    doc: int
    input_ids: list[int]
    offsets: list[tuple[int, int]]          # absolute character offsets; (-1, -1) for <s>, </s>
    tags: list[int] = field(default_factory=list)                 # gold BIO ids (training)
    entities: list[tuple[int, int, str]] = field(default_factory=list)   # token [a, b), type
    relations: list[tuple[int, int, int, float]] = field(default_factory=list)  # (value, mention, rel, label)


def passage_windows(tokenizer, text: str, ranges: Iterable[tuple[int, int]], doc: int,
                    max_len: int = 256, stride: int = 64, cls: int = CLS, sep: int = SEP) -> list[Window]:
    """Tokenize each [start, end) range of ``text`` and cut it into windows of at most
    ``max_len`` tokens (with <s>, </s>), overlapping by ``stride`` tokens."""
    windows = []
    body = max_len - 2
    stride = min(stride, body // 2)       # windows always advance
    for start, end in ranges:
        enc = tokenizer.encode(text[start:end], add_special_tokens=False)
        ids = list(enc.ids)
        offs = [(start + a, start + b) for a, b in enc.offsets]
        if not ids:
            continue
        pos = 0
        while True:
            chunk = slice(pos, pos + body)
            windows.append(Window(doc, [cls, *ids[chunk], sep], [(-1, -1), *offs[chunk], (-1, -1)]))
            if pos + body >= len(ids):
                break
            pos += body - stride
    return windows


# how much of the preceding line a window carries as context (headings, inherited subjects)
CONTEXT_CHARS = 160


def with_context(text: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> tuple[int, int]:
    """[start, end) extended back by at most ``limit`` characters, not past the
    start of the previous line, so that a window sees the heading or sentence it
    continues (a paragraph: the end of the line before; a sentence inside a paragraph:
    the words before it)."""
    prev_end = text.rfind("\n", 0, start)
    if prev_end <= 0:
        return max(0, start - limit) if prev_end < 0 else start, end
    prev_start = text.rfind("\n", 0, prev_end) + 1
    return max(prev_start, prev_end - limit, start - limit), end


def length_batches(lengths: list[int], batch_tokens: int) -> list[list[int]]:
    """Indices grouped shortest first so that no group pads past ``batch_tokens`` tokens
    (a single longer item makes a group of its own)."""
    groups: list[list[int]] = []
    cur: list[int] = []
    width = 0
    for k in sorted(range(len(lengths)), key=lengths.__getitem__):
        if cur and (len(cur) + 1) * max(width, lengths[k]) > batch_tokens:
            groups.append(cur)
            cur, width = [], 0
        cur.append(k)
        width = max(width, lengths[k])
    if cur:
        groups.append(cur)
    return groups


def _token_span(w: Window, start: int, end: int) -> tuple[int, int] | None:
    toks = [i for i, (a, b) in enumerate(w.offsets) if a >= 0 and a < end and start < b]
    return (toks[0], toks[-1] + 1) if toks else None


def label_window(w: Window, entities: Sequence[dict[str, Any]], facts: Sequence[dict[str, Any]]) -> None:
    """Fill a window's gold BIO tags, entities and relation pairs from a gold document."""
    tag_id = {t: i for i, t in enumerate(bio_tags())}
    w.tags = [0] * len(w.input_ids)
    first, last = w.offsets[1][0], w.offsets[-2][1]
    index: dict[tuple[int, int, str], int] = {}
    for e in entities:
        if e["start"] < first or e["end"] > last:
            continue
        span = _token_span(w, e["start"], e["end"])
        if span is None or any(w.tags[i] for i in range(*span)):
            continue
        etype = entity_type(e["label"], e.get("code"))
        w.tags[span[0]] = tag_id[f"B-{etype}"]
        for i in range(span[0] + 1, span[1]):
            w.tags[i] = tag_id[f"I-{etype}"]
        index[(e["start"], e["end"], e["label"])] = len(w.entities)
        w.entities.append((span[0], span[1], etype))
    pairs: dict[tuple[int, int, int], float] = {}
    for f in facts:
        v = index.get((f["span"][0], f["span"][1], "VALUE"))
        if v is None:
            continue
        for r, rel in enumerate(RELATIONS):
            label = MENTION_LABEL[rel]
            gold = f.get(f"{rel}_span")
            for (s, e, lab), m in index.items():
                if lab != label:
                    continue
                positive = gold is not None and (s, e) == tuple(gold)
                key = (v, m, r)
                pairs[key] = max(pairs.get(key, 0.0), 1.0 if positive else 0.0)
    w.relations = [(v, m, r, y) for (v, m, r), y in pairs.items()]
