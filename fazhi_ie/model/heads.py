"""The network: an XLM-R encoder, a BIO tagging head and a span-pair relation head."""
from __future__ import annotations

import torch
from torch import nn

from .labels import RELATIONS

DISTANCE_BUCKETS = (-64, -32, -16, -8, -4, -2, 0, 2, 4, 8, 16, 32, 64)


def distance_bucket(value_start: int, mention_start: int) -> int:
    d = mention_start - value_start
    return sum(d > b for b in DISTANCE_BUCKETS)


class FactModel(nn.Module):
    """Encoder + token classifier (entities) + relation scorer (VALUE → mention)."""

    def __init__(self, encoder: nn.Module, n_tags: int, hidden: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.tagger = nn.Linear(hidden, n_tags)
        self.rel_type = nn.Embedding(len(RELATIONS), 32)
        self.distance = nn.Embedding(len(DISTANCE_BUCKETS) + 1, 32)
        self.relation = nn.Sequential(nn.Linear(3 * hidden + 64, hidden), nn.GELU(), nn.Linear(hidden, 1))

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def tag_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.tagger(self.dropout(hidden))

    def relation_logits(self, hidden: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
        """``pairs``: (N, 7) long tensor of (batch, v_start, v_end, m_start, m_end, relation, bucket)."""
        if pairs.numel() == 0:
            return hidden.new_zeros(0)
        v = _span_mean(hidden, pairs[:, 0], pairs[:, 1], pairs[:, 2])
        m = _span_mean(hidden, pairs[:, 0], pairs[:, 3], pairs[:, 4])
        feats = torch.cat([v, m, v * m, self.rel_type(pairs[:, 5]), self.distance(pairs[:, 6])], dim=-1)
        return self.relation(self.dropout(feats)).squeeze(-1)


def _span_mean(hidden: torch.Tensor, batch: torch.Tensor, start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """Mean of the token states in [start, end) of row ``batch``, by prefix sums."""
    prefix = torch.nn.functional.pad(hidden.cumsum(1), (0, 0, 1, 0))   # (B, T+1, H), prefix[:, 0] = 0
    total = prefix[batch, end] - prefix[batch, start]
    return total / (end - start).clamp(min=1)[:, None].to(hidden.dtype)
