"""Pure decoding: tag ids → entity spans, relation scores → links. No torch here."""
from __future__ import annotations

from typing import Sequence


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans [start, end) from BIO tags; an I- without its B- starts a span."""
    spans: list[tuple[int, int, str]] = []
    start, kind = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == kind
        if start is not None and not continues:
            spans.append((start, i, kind))
            start, kind = None, None
        if prefix == "B" or (prefix == "I" and not continues):
            start, kind = i, label
    return spans


def char_span(token_span: tuple[int, int], offsets: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """Character [start, end) of token span [a, b) given per-token character offsets."""
    a, b = token_span
    return offsets[a][0], offsets[b - 1][1]


def best_links(scores: dict[int, float], threshold: float) -> list[tuple[int, float]]:
    """Candidates (index → probability) at or above ``threshold``, best first."""
    return sorted(((i, p) for i, p in scores.items() if p >= threshold), key=lambda ip: -ip[1])
