"""Label vocabularies of the model, built from the lexicon (the one source of codes)."""
from __future__ import annotations

import functools

from .. import lexicon

RELATIONS = ("subject", "action", "time")
MENTION_LABEL = {"subject": "SUBJECT", "action": "ACTION", "time": "TIME"}


@functools.cache
def entity_types() -> tuple[str, ...]:
    """VALUE, TIME, SUBJECT:<code> for every subject, ACTION:<code> for every action."""
    return ("VALUE", "TIME", *(f"SUBJECT:{c}" for c in lexicon.subjects()),
            *(f"ACTION:{c}" for c in lexicon.actions()))


@functools.cache
def bio_tags() -> tuple[str, ...]:
    return ("O", *(f"{p}-{t}" for t in entity_types() for p in "BI"))


def entity_type(label: str, code: str | None) -> str:
    """The model's entity type for a gold entity (label VALUE/TIME/SUBJECT/ACTION + code)."""
    return f"{label}:{code}" if label in ("SUBJECT", "ACTION") else label


def split_type(etype: str) -> tuple[str, str | None]:
    """'SUBJECT:admin_litigation' → ('SUBJECT', 'admin_litigation'); 'VALUE' → ('VALUE', None)."""
    label, _, code = etype.partition(":")
    return label, code or None
