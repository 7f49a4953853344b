"""The researcher's panel: issuer × year × indicator, one value per cell.

    >>> from fazhi_ie import panel
    >>> long = panel(docs)                 # doctest: +SKIP  (Documents, or a facts table)
    >>> wide = panel(docs, wide=True)      # doctest: +SKIP
    >>> wide["value"]["admin_reconsideration.received"]   # doctest: +SKIP

Choices, so that a cell means one thing:

* **Indicator** = ``subject.action`` (``admin_reconsideration.received``), the entity
  labels of the spaCy component.
* **Core facts only** by default (``subjects="core"``; ``"all"`` or a list of subject
  codes for others), and **no breakdown parts**: a cell is the total, never 其中书面案件.
* **Year** = the year the count refers to (``fact.year``), not the report's year: a
  2021 report's 去年 figure goes to 2020. Facts whose year is unknown are left out.
* **Issuer** = the document's issuer; a document without one stands for itself
  (its ``doc_id``), so nothing is pooled by accident.
* **One reading per cell**: when several facts fall into one cell (two reports give the
  2020 figure, or one report repeats a count for another period), the cell takes the
  fact from the report closest to that year (the 2020 report for 2020; of two equally
  close, the later), and within it the first mention in the text (the summary sentence
  comes first). ``n_mentions`` and ``n_values`` show how many facts and distinct values
  competed, so conflicts stay visible.
* **Qualified values stay visible**: ``qualifier`` is a column (``at_least`` for 200余),
  and in the wide form a second block of columns beside ``value``. ``exact_only=True``
  leaves qualified values out of the cells instead.
"""
from __future__ import annotations

from typing import Iterable

from . import lexicon
from .schema import Document, action_codes, subject_codes

PANEL_COLUMNS = ("issuer", "year", "indicator", "subject", "action", "value", "qualifier", "unit",
                 "n_mentions", "n_values", "doc_id", "report_year", "evidence")
KEYS = ["issuer", "year", "indicator"]


def panel(data, *, subjects: str | Iterable[str] = "core", exact_only: bool = False, wide: bool = False):
    """The issuer × year × indicator table of ``data`` (a Document, Documents, or a facts
    table from ``to_frame()`` / :func:`fazhi_ie.frames.read_facts`).

    Long form (default): one row per cell, columns ``PANEL_COLUMNS``, sorted by issuer,
    year and indicator (lexicon order). ``wide=True``: rows (issuer, year), column
    blocks ``"value"`` and ``"qualifier"``, one column per indicator.
    """
    import pandas as pd

    frame = _facts_table(data)
    frame = frame[frame["breakdown"].isna() & frame["subject"].isin(_subjects(subjects)) & frame["year"].notna()]
    if exact_only:
        frame = frame[frame["qualifier"] == "exact"]
    frame = frame.assign(
        issuer=frame["issuer"].fillna(frame["doc_id"]).fillna("(unknown)"),
        indicator=frame["subject"] + "." + frame["action"],
        _near=(frame["report_year"] - frame["year"]).abs().fillna(10**6),
        _later=-frame["report_year"].fillna(-(10**6)),
        _start=frame["span"].map(lambda s: int(str(s).split(":")[0])),
    )
    frame = frame.sort_values(KEYS + ["_near", "_later", "doc_id", "_start"], kind="stable")
    groups = frame.groupby(KEYS, sort=False)
    cells = groups.head(1).set_index(KEYS)
    cells["n_mentions"] = groups.size()
    cells["n_values"] = groups["value"].nunique()
    long = cells.reset_index().loc[:, list(PANEL_COLUMNS)]
    long = long.astype({"year": "int64", "n_mentions": "int64", "n_values": "int64"})
    long = long.iloc[_lexicon_order(long)].reset_index(drop=True)
    if not wide:
        return long
    table = long.pivot(index=["issuer", "year"], columns="indicator", values=["value", "qualifier"])
    order = sorted(set(long["indicator"]), key=_indicator_rank)
    return table.reindex(columns=pd.MultiIndex.from_product([["value", "qualifier"], order]))


def _facts_table(data):
    import pandas as pd

    from .frames import facts_frame, typed_frame

    if isinstance(data, pd.DataFrame):
        return typed_frame(data)
    if isinstance(data, Document):
        return facts_frame([data])
    docs = list(data)
    bad = next((d for d in docs if not isinstance(d, Document)), None)
    if bad is not None:
        raise TypeError(f"panel() takes Documents or a facts DataFrame, got {type(bad).__name__}")
    return facts_frame(docs)


def _subjects(subjects: str | Iterable[str]) -> set[str]:
    if subjects == "core":
        return set(lexicon.core_subjects())
    if subjects == "all":
        return set(subject_codes())
    chosen = {subjects} if isinstance(subjects, str) else set(subjects)
    unknown = chosen - set(subject_codes())
    if unknown:
        raise ValueError(f"unknown subject codes {sorted(unknown)}; use 'core', 'all' or codes from the lexicon")
    return chosen


def _indicator_rank(indicator: str) -> tuple[int, int]:
    """Subject, then action, in lexicon order (unknown codes last)."""
    subject, _, action = indicator.partition(".")
    subjects, actions = subject_codes(), action_codes()
    return (subjects.index(subject) if subject in subjects else len(subjects),
            actions.index(action) if action in actions else len(actions))


def _lexicon_order(long) -> list[int]:
    """Row positions sorted by issuer, year, then indicator in lexicon order."""
    keys = [(row.issuer, row.year, _indicator_rank(row.indicator)) for row in long.itertuples()]
    return sorted(range(len(keys)), key=keys.__getitem__)
