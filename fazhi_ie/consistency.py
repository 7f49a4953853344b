"""Consistency checks: counts in one report that cannot all be true together.

    >>> from fazhi_ie import check, extract
    >>> doc = extract("2021年共收到行政复议申请7件,受理9件。")
    >>> [w.code for w in check(doc)]
    ['accepted_exceeds_received']

Each check compares the counts of one subject in one year (``fact.year``): a part
cannot exceed its whole (accepted ≤ received; concluded + pending ≤ the year's
caseload; the outcomes upheld + revoked + … ≤ concluded; certified ≤ headcount; the
results of a clean-up ≤ the documents cleaned up …), and the breakdown parts of a
count (其中书面案件…) cannot add up to more than their total. The caseload is the
reported total to handle (共需办理, ``handled``) where there is one, else the cases
accepted (else received) plus the cases carried over from the year before (上年结转:
``pending`` with the previous year): concluded cases include old ones. The rules are
data (:data:`RULES`); the tests check their codes against the lexicon.

Findings are warnings, never corrections: the facts stay as extracted, and a warning
names the facts involved so a reader can look at their evidence. A check raises a
warning only when the numbers certainly disagree: qualified values are read as
bounds (200余 ≥ 200, 不到50 ≤ 50, 约100 within ±10 %); where one count was reported
more than once with different values (different periods or departments), the most
favourable reading is taken; a number read as two facts (调解和解后终止审理35件:
``mediated`` and ``terminated``) is added once; breakdown parts may belong to any of
several totals of their action. Only facts without a ``breakdown`` take part in the
rules between actions.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .schema import Document, Fact

ABOUT_TOLERANCE = 0.1          # 约100 is read as 90 … 110


@dataclass(frozen=True)
class Rule:
    """``sum(part) <= whole`` for one subject and year.

    ``whole`` lists alternatives: the first action that the report gives is the whole.
    ``part`` lists actions whose counts add up; the rule applies when at least
    ``min_parts`` of them are reported. ``subjects`` limits the rule (None: any subject
    that reports both sides). With ``carry_over`` a whole other than ``handled`` is
    raised by the cases pending from the previous year.
    """

    code: str
    whole: tuple[str, ...]
    part: tuple[str, ...]
    subjects: tuple[str, ...] | None = None
    min_parts: int = 1
    carry_over: bool = False


#: Outcomes of concluded cases, each counted once (withdrawn is left out: a withdrawal
#: usually ends as 终止, which is listed).
CASE_OUTCOMES = ("upheld", "revoked", "dismissed", "terminated", "confirmed_illegal", "mediated",
                 "changed", "ordered_to_perform", "ordered_redo")
CASE_SUBJECTS = ("admin_reconsideration", "admin_litigation")
PERSONNEL_SUBJECTS = ("enforcement_personnel", "supervision_personnel")
CASELOAD = ("handled", "accepted", "received")     # the first one reported is the year's caseload

RULES: tuple[Rule, ...] = (
    Rule("accepted_exceeds_received", whole=("received",), part=("accepted",)),
    Rule("rejected_exceeds_received", whole=("received",), part=("rejected",)),
    Rule("accepted_and_rejected_exceed_received", whole=("received",), part=("accepted", "rejected"),
         subjects=CASE_SUBJECTS, min_parts=2),
    Rule("concluded_exceeds_caseload", whole=CASELOAD, part=("concluded",), subjects=CASE_SUBJECTS,
         carry_over=True),
    Rule("concluded_and_pending_exceed_caseload", whole=CASELOAD, part=("concluded", "pending"),
         subjects=CASE_SUBJECTS, min_parts=2, carry_over=True),
    Rule("outcomes_exceed_concluded", whole=("concluded",), part=CASE_OUTCOMES, subjects=CASE_SUBJECTS),
    Rule("corrected_exceeds_concluded", whole=("concluded",), part=("corrected",), subjects=CASE_SUBJECTS),
    Rule("judgements_exceed_concluded", whole=("concluded",), part=("lost", "won"), subjects=("admin_litigation",)),
    Rule("certified_exceeds_headcount", whole=("headcount",), part=("certified",), subjects=PERSONNEL_SUBJECTS),
    Rule("passed_exceeds_examined", whole=("examined",), part=("passed",)),
    Rule("clean_up_results_exceed_cleaned_up", whole=("cleaned_up",),
         part=("repealed", "revised", "invalidated", "retained"), subjects=("normative_document",)),
)
BREAKDOWN_CODE = "parts_exceed_total"


@dataclass(frozen=True)
class ConsistencyWarning:
    """Counts of one report that disagree: a code, a sentence saying how, the facts."""

    code: str
    message: str
    facts: tuple[Fact, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "facts": [f.to_dict() for f in self.facts]}


def check(doc: Document) -> list[ConsistencyWarning]:
    """The consistency warnings of one document, by subject and year in text order."""
    if not isinstance(doc, Document):
        raise TypeError(f"check() takes a fazhi_ie Document, got {type(doc).__name__}")
    groups: dict[tuple[str, int | None], list[Fact]] = defaultdict(list)
    for fact in doc.facts:
        groups[(fact.subject, fact.year)].append(fact)
    warnings: list[ConsistencyWarning] = []
    for (subject, year), facts in groups.items():
        totals = [f for f in facts if f.breakdown is None]
        before = groups.get((subject, year - 1), []) if year is not None else []
        carried = [f for f in before if f.action == "pending" and f.breakdown is None]
        found = [w for rule in RULES if rule.subjects is None or subject in rule.subjects
                 for w in _apply(rule, subject, year, totals, carried)]
        warnings += _not_implied(found) + _breakdowns(subject, year, facts)
    return warnings


def _not_implied(warnings: list[ConsistencyWarning]) -> list[ConsistencyWarning]:
    """Leave out a warning whose facts include all the facts of an earlier one: the
    earlier, smaller disagreement already explains it (accepted > received makes
    accepted + rejected > received)."""
    kept: list[ConsistencyWarning] = []
    for warning in warnings:
        ids = {id(f) for f in warning.facts}
        if not any({id(f) for f in k.facts} <= ids for k in kept):
            kept.append(warning)
    return kept


def _apply(rule: Rule, subject: str, year: int | None, facts: Sequence[Fact],
           carried: Sequence[Fact]) -> list[ConsistencyWarning]:
    by_action = _by_action(facts)
    whole_action = next((a for a in rule.whole if a in by_action), None)
    parts = [a for a in rule.part if a in by_action]
    if whole_action is None or len(parts) < rule.min_parts:
        return []
    whole, whole_name = [by_action[whole_action]], whole_action
    if rule.carry_over and whole_action != "handled" and carried:
        whole, whole_name = whole + [list(carried)], f"{whole_action} + carried over"
    terms = _once_per_mention([by_action[a] for a in parts])
    return _compare(rule.code, subject, year, whole, [t for t in terms if t],
                    whole_name, " + ".join(a for a, t in zip(parts, terms) if t))


def _once_per_mention(terms: list[list[Fact]]) -> list[list[Fact]]:
    """Each term without the facts read from a number an earlier term already holds:
    调解和解后终止审理35件 is ``mediated`` and ``terminated``, but 35 cases once."""
    seen: set[tuple[int, int]] = set()
    out = []
    for readings in terms:
        out.append([f for f in readings if f.span not in seen])
        seen.update(f.span for f in readings)
    return out


def _breakdowns(subject: str, year: int | None, facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    """Parts against their totals, per action. Where one action has several totals (a
    table's 持证 and 新申领 columns are both ``certified``), a part may belong to any of
    them: the largest part must fit in the largest total, and all parts in all totals."""
    out = []
    for action, group in _by_action(facts).items():
        totals = [f for f in group if f.breakdown is None]
        parts = [f for f in group if f.breakdown is not None]
        if not (totals and parts):
            continue
        largest = max(parts, key=lambda p: _bounds(p)[0])
        found = _compare(BREAKDOWN_CODE, subject, year, [totals], [[largest]], action,
                         f"{action} of {largest.breakdown}")
        out += found or _compare(BREAKDOWN_CODE, subject, year, [[t] for t in totals], [[p] for p in parts],
                                 action if len(totals) == 1 else f"{len(totals)} {action} totals",
                                 f"{action} by {' + '.join(p.breakdown for p in parts)}")
    return out


def _compare(code: str, subject: str, year: int | None, whole: list[list[Fact]], parts: list[list[Fact]],
             whole_name: str, part_name: str) -> list[ConsistencyWarning]:
    """A warning when the parts' smallest possible sum exceeds the whole's largest
    possible sum. Each term of either side is a list of readings of one count (the
    same count reported more than once): the most favourable one is taken."""
    whole_high = sum(max(_bounds(f)[1] for f in readings) for readings in whole)
    parts_low = sum(min(_bounds(f)[0] for f in readings) for readings in parts)
    if parts_low <= whole_high:
        return []
    involved = sorted({id(f): f for r in (*whole, *parts) for f in r}.values(), key=lambda f: f.span)
    message = (f"{subject} {year if year is not None else '(year unknown)'}: {part_name} = "
               f"{_show(parts_low)} > {whole_name} = {_show(whole_high)}")
    return [ConsistencyWarning(code, message, tuple(involved))]


def _by_action(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        out[fact.action].append(fact)
    return out


def _bounds(fact: Fact) -> tuple[float, float]:
    """The range of true values a fact allows, from its qualifier."""
    value = float(fact.value)
    if fact.qualifier == "at_least":
        return value, math.inf
    if fact.qualifier == "at_most":
        return 0.0, value
    if fact.qualifier == "about":
        return value * (1 - ABOUT_TOLERANCE), value * (1 + ABOUT_TOLERANCE)
    return value, value


def _show(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
