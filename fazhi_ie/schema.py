"""The output records: ``Fact`` and ``Document``, in the JSON shape of the contract."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterable

from . import lexicon

QUALIFIERS = ("exact", "at_least", "about", "at_most")


def subject_codes() -> tuple[str, ...]:
    """Every subject code, read from ``lexicon/subjects.yaml``."""
    return tuple(lexicon.subjects())


def action_codes() -> tuple[str, ...]:
    """Every action code, read from ``lexicon/actions.yaml``."""
    return tuple(lexicon.actions())


@dataclass
class Fact:
    """One count fact: a number, what it counts and what happened to it."""

    subject: str
    action: str
    value: int | float
    unit: str | None
    qualifier: str
    year: int | None
    period: str | None
    measure: str | None
    section: list[str]
    breakdown: str | None
    evidence: str
    span: tuple[int, int]
    source: str
    confidence: float

    @property
    def is_core(self) -> bool:
        return self.subject in lexicon.core_subjects()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = list(self.span)
        d["section"] = list(self.section)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Fact":
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown fact fields: {sorted(unknown)}")
        kwargs = dict(d)
        kwargs["span"] = tuple(d["span"])
        kwargs["section"] = list(d.get("section") or [])
        return cls(**kwargs)


# Column order of to_frame() / CSV / Parquet output: the Document fields, then the Fact fields.
FACT_COLUMNS = tuple(f.name for f in fields(Fact))
FRAME_COLUMNS = ("doc_id", "issuer", "report_year") + FACT_COLUMNS
# The type of each table column (Parquet, Spark, read_facts): "string", "int" (64-bit,
# nullable) or "float" (64-bit). ``value`` is a float in tables (integral values exact
# up to 2**53); ``section`` is the heading path joined with " > " and ``span`` is
# "start:end", as in to_frame() and CSV.
FRAME_TYPES: dict[str, str] = {
    **{column: "string" for column in FRAME_COLUMNS},
    "report_year": "int", "year": "int", "value": "float", "confidence": "float",
}


@dataclass
class Document:
    """The record ``extract()`` returns for one report."""

    issuer: str | None = None
    report_year: int | None = None
    facts: list[Fact] = field(default_factory=list)
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape: issuer, report_year, facts."""
        return {
            "issuer": self.issuer,
            "report_year": self.report_year,
            "facts": [f.to_dict() for f in self.facts],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], id: str | None = None) -> "Document":
        return cls(
            issuer=d.get("issuer"),
            report_year=d.get("report_year"),
            facts=[Fact.from_dict(f) for f in d.get("facts", [])],
            id=id,
        )

    def rows(self) -> Iterable[dict[str, Any]]:
        """One flat dict per fact (section joined with ' > '), for tables."""
        for fact in self.facts:
            row = {"doc_id": self.id, "issuer": self.issuer, "report_year": self.report_year}
            row.update(fact.to_dict())
            row["section"] = " > ".join(fact.section)
            row["span"] = f"{fact.span[0]}:{fact.span[1]}"
            yield row

    def to_frame(self):
        """A pandas DataFrame, one row per fact, columns in ``FRAME_COLUMNS`` order."""
        import pandas as pd

        return pd.DataFrame(list(self.rows()), columns=list(FRAME_COLUMNS))

    def warnings(self) -> list:
        """Counts of this document that disagree (see :func:`fazhi_ie.consistency.check`);
        not part of ``to_dict()``."""
        from .consistency import check

        return check(self)

    def __len__(self) -> int:
        return len(self.facts)
