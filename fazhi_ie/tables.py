"""Tables flattened to text: ``单位 | 收案 | 结案`` over rows ``区政府 | 75件 | 16件``.

The header row says what each column counts (a subject, an action, or a year);
each data row's first cell names the part it counts (a breakdown), except total
rows (合计). A column that names no subject takes the subject the text just
before the table names.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Sequence

from .numbers import find_numbers, parse_value
from .spans import Link, Passage, Span

SOURCE = "rules"
CELL_SPLIT = re.compile(r"[|｜]")
TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|全市|全县|全区|全旗|全省|总数|合计数)$")
_BARE_NUMBER = re.compile(r"^\s*([0-9０-９][0-9０-９,，]*)\s*$")
_YEAR_CELL = re.compile(r"((?:19|20)[0-9]{2})年")
# how far before the table to look for the subject it is about
CONTEXT_CHARS = 200
# a two-cell line is a table row only when it is short and has no clause punctuation
MAX_PAIR_CHARS = 40
# 审结情况如下 / 办理结果如下: over rows of outcomes, the verb names the total
_OUTCOME_INTRO = re.compile(r"(?:情况|结果|方式)")
_CLAUSE_MARK = re.compile(r"[。，；;：:！？!?]|,(?![0-9]{3})")     # not the comma of 1,041


def is_table_line(line: str) -> bool:
    """Three cells or more; or two short cells with no clause punctuation
    (维持 | 148: a table of a label and a count)."""
    cells = CELL_SPLIT.split(line)
    if len(cells) >= 3:
        return True
    return len(cells) == 2 and all(c.strip() for c in cells) and len(line) <= MAX_PAIR_CHARS \
        and not _CLAUSE_MARK.search(line)


def _cells(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    out, pos = [], start
    for part in CELL_SPLIT.split(text[start:end]):
        s = pos + (len(part) - len(part.lstrip()))
        e = pos + len(part.rstrip())
        out.append((s, e, text[s:e]))
        pos += len(part) + 1
    return out


def _describe(cell: tuple[int, int, str], spans: Sequence[Span], starts: list[int]) -> dict:
    """What a header cell (or a row label) says: subject, action, year. ``spans`` are
    sorted by start, ``starts`` their starts."""
    s, e, body = cell
    inside = [sp for sp in spans[bisect_left(starts, s):bisect_left(starts, e)] if sp.end <= e]
    subject = next((sp.code for sp in inside if sp.label == "SUBJECT" and sp.code), None)
    other = any(sp.label == "OTHER" for sp in inside)
    actions = [sp.code for sp in inside if sp.label == "ACTION"][::-1]     # 参加资格考试: the last names it
    year = _YEAR_CELL.search(body)
    return {"subject": subject, "other": other, "actions": actions, "year": int(year.group(1)) if year else None}


def _cell_value(text: str, cell: tuple[int, int, str]) -> Span | None:
    s, e, body = cell
    for n in find_numbers(body):
        return Span("VALUE", s + n.start, s + n.end, n.surface, value=n.value, unit=n.unit, qualifier=n.qualifier)
    m = _BARE_NUMBER.match(body)
    if m:
        try:
            value = parse_value(m.group(1))
        except ValueError:
            return None
        vs = s + m.start(1)
        return Span("VALUE", vs, vs + len(m.group(1)), m.group(1), value=value, unit=None, qualifier="exact")
    return None


def _context_subject(text: str, start: int, heading_subject: str | None) -> str | None:
    from .rules import lexicon_matchers   # the same lexicon matcher the tagger uses

    nouns, noun_re, *_ = lexicon_matchers()
    last = None
    for m in noun_re.finditer(text, max(0, start - CONTEXT_CHARS), start):
        label, code = nouns[m.group()]
        if label == "SUBJECT" and code:
            last = code
    return last or heading_subject


def _intro_actions(text: str, start: int, outcomes: bool = False) -> list[str]:
    """The actions that name the counted things in the clause introducing the table
    (受理案件按管理领域分类如下： — a verb right before the noun), last first; none when
    the line before is not an introduction (…情况如下 names no action of the cells).
    Over a table whose rows are outcomes, a verb before 情况 (审结情况如下) names what
    its total row counts."""
    from .rules import lexicon_matchers

    line_start = text.rfind("\n", 0, max(0, start - 1)) + 1
    line = text[line_start:start].strip()
    if not (line.endswith(("：", ":")) or "如下" in line):
        return []
    clause = re.split(r"[。，,；;]", line)[-1]
    nouns, noun_re, verbs, verb_re, *_ = lexicon_matchers()
    return [verbs[m.group()] for m in verb_re.finditer(clause)
            if noun_re.match(clause, m.end()) or (outcomes and _OUTCOME_INTRO.match(clause, m.end()))][::-1]


def link_table(text: str, passage: Passage, spans: Sequence[Span], heading_subject: str | None) -> list[Link]:
    from . import lexicon
    from .rules import ends_in

    rows = [_cells(text, s.start, s.end) for s in passage.sentences if is_table_line(s.text)]
    if len(rows) < 2:
        return []
    spans = sorted(spans, key=lambda sp: sp.start)
    starts = [sp.start for sp in spans]
    header = [_describe(c, spans, starts) for c in rows[0]]
    if any(_cell_value(text, c) for c in rows[0][1:]):
        # 维持 | 148 on the first line: no header, every line is data
        header = [{"subject": None, "other": False, "actions": [], "year": None}] * max(map(len, rows))
        rows = [[]] + rows
    context = _context_subject(text, passage.start, heading_subject)
    intro = _intro_actions(text, passage.start)
    covers = set(lexicon.actions()["corrected"]["covers"])
    # rows that name actions (维持 | 148, 驳回 | 39): the table lists outcomes
    row_infos = [_describe(row[0], spans, starts) for row in rows[1:]]
    outcome_rows = any(info["actions"] for info in row_infos)
    outcome_intro = _intro_actions(text, passage.start, outcomes=True) if outcome_rows else []
    links = []
    carried = None      # a row naming a subject (收到复议申请) speaks for the rows below it
    for row, row_info in zip(rows[1:], row_infos):
        label = row[0][2].strip()
        carried = row_info["subject"] or carried
        for j, cell in enumerate(row[1:], start=1):
            if j >= len(header):
                break
            col = header[j]
            if col["other"] or row_info["other"]:
                continue
            v = _cell_value(text, cell)
            if v is None:
                continue
            subject = col["subject"] or carried or context
            if subject is None:
                continue
            info = lexicon.subjects()[subject]
            named = col["actions"] or row_info["actions"]
            action = next((a for a in named if a in info["actions"]), named[0] if named else None)
            if len(set(named)) >= 2 and set(named) <= covers and "corrected" in info["actions"]:
                action = "corrected"      # 撤销、变更、确认违法（件） | 8: the corrections in total
            if action is None and TOTAL_ROW.match(label):
                action = next((a for a in outcome_intro if a in info["actions"]), None)
            if action is None:
                action = next((a for a in intro if a in info["actions"]), info.get("bare"))
            if action not in info["actions"]:
                continue
            if "units" in info and v.unit is not None and v.unit not in info["units"]:
                continue
            year = col["year"]
            time = Span("TIME", cell[0], cell[0], rows[0][j][2], year=year) if year else None
            by_row = not (row_info["actions"] or row_info["subject"] or TOTAL_ROW.match(label))
            links.append(Link(value=v, subject=subject, action=action, time=time,
                              breakdown=label if by_row else None, confidence=0.7, source=SOURCE))
            # 终止（申请人撤回申请） | 61: a withdrawal that ended the cases, both actions
            links += [Link(value=v, subject=subject, action=a, time=time, breakdown=links[-1].breakdown,
                           confidence=0.6, source=SOURCE)
                      for a in named if a != action and a in info["actions"]
                      and (ends_in(a, action) or ends_in(action, a))]
    return links
