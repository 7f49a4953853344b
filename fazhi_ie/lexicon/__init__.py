"""The Chinese wordings of every code, loaded from the YAML files beside this module.

One loader, cached; it fails on a duplicate key or on a wording claimed by two
codes, so every code list has a single source of truth.
"""
from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


class LexiconError(ValueError):
    """A lexicon file is malformed (duplicate key, wording claimed twice…)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise LexiconError(f"duplicate key {key!r} at {key_node.start_mark}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@functools.cache
def load(name: str) -> Any:
    """Load ``fazhi_ie/lexicon/<name>.yaml`` (cached)."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    if name in ("subjects", "actions", "distractors"):
        _check_wordings_unique(name, data)
    return data


def _check_wordings_unique(name: str, data: dict) -> None:
    owner: dict[str, str] = {}
    for code, entry in data.items():
        for wording in entry["wordings"]:
            if wording in owner:
                raise LexiconError(f"{name}: wording {wording!r} claimed by {owner[wording]!r} and {code!r}")
            owner[wording] = code


def subjects() -> dict[str, dict]:
    return load("subjects")


def actions() -> dict[str, dict]:
    return load("actions")


def core_subjects() -> frozenset[str]:
    return frozenset(code for code, entry in subjects().items() if entry.get("core"))
