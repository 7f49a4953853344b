"""The outline of a report: headings → section paths; issuer and report year.

``parse_outline(text)`` returns the headings with their offsets;
``Outline.path_at(offset)`` gives the heading path that governs a character.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from . import lexicon
from .numbers import YEAR_PATTERN, year_value


@dataclass(frozen=True)
class Heading:
    style: str        # a key of line_styles, or "clause"
    ordinal: str      # 一、 / (八) / 一是 / 【行政复议】
    title: str        # the heading text without its ordinal (the "measure")
    start: int        # offset of the ordinal
    end: int          # end of the region the heading governs

    @property
    def label(self) -> str:
        """The heading as a section element: ordinal and title (a 【…】 heading as written)."""
        return self.ordinal if self.style == "bracket" else self.ordinal + self.title


@functools.cache
def _patterns():
    data = lexicon.load("headings")
    line = {name: re.compile(rf"(?<![ \t\u3000\xa0])[ \t\u3000\xa0]*({pat})") for name, pat in data["line_styles"].items()}
    clause = re.compile(rf"(?:^|(?<=[。；;：:！!？?]))(?<![ \t\u3000])[ \t\u3000]*({data['clause_style']})")
    return line, clause, data["max_title_chars"]


_SENTENCE_END = re.compile(r"[。！？!?]")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
_DIGIT = re.compile(r"[0-9０-９]")
# a number with a count unit: a line whose title holds one is a list item, not a heading
_COUNT = re.compile(r"(?<![0-9０-９])[0-9０-９]+(?:[.．][0-9０-９]+)?[万亿]?[余多]?(?:件|宗|起|份|人|名|次|个|项|条|家)")


def heading_title(body: str, own_line: bool) -> str:
    """The title of a heading whose text (after the ordinal) is ``body``."""
    _, _, max_chars = _patterns()
    body = body.strip()
    if own_line:
        return body.rstrip("。.;；")
    m = _SENTENCE_END.search(body)
    first = body[: m.start()] if m else body
    if len(first) <= max_chars and not _DIGIT.search(first):
        return first.strip()
    m = _CLAUSE_END.search(body)
    return (body[: m.start()] if m else body).strip()


def _is_own_line(body: str) -> bool:
    """A heading that is its whole line: short, one sentence, no count, no 标题：正文."""
    _, _, max_chars = _patterns()
    stripped = body.strip().rstrip("。.")
    return (len(stripped) <= max_chars + 10 and not _SENTENCE_END.search(stripped)
            and not _COUNT.search(stripped) and not re.search(r"[：:]", stripped))


@dataclass
class Outline:
    headings: list[Heading]

    def __post_init__(self) -> None:
        self._starts = [h.start for h in self.headings]
        # headings nest: each one's parent is the innermost earlier heading still open
        self._parent: list[int] = []
        stack: list[int] = []
        for i, h in enumerate(self.headings):
            while stack and self.headings[stack[-1]].end <= h.start:
                stack.pop()
            self._parent.append(stack[-1] if stack else -1)
            stack.append(i)

    def path_at(self, offset: int) -> list[Heading]:
        """Headings governing ``offset``, outermost first."""
        i = bisect.bisect_right(self._starts, offset) - 1
        while i >= 0 and self.headings[i].end <= offset:
            i = self._parent[i]
        path = []
        while i >= 0:
            path.append(self.headings[i])
            i = self._parent[i]
        return path[::-1]


_ONLY_BRACKETS = re.compile(r"(?:[ \t\u3000\xa0]*【[^】\n]{0,24}】)+[ \t\u3000\xa0]*")


def _lines(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line.rstrip("\r\n")
        pos += len(line)


def parse_outline(text: str) -> Outline:
    """Find headings (一、 (一) 1. (1) 【…】 and 一是 clauses) and the regions they govern."""
    line_styles, clause_re, _ = _patterns()
    headings: list[Heading] = []
    depth: list[str] = []          # styles in the order they first nested
    open_: list[list] = []         # [style, ordinal, title, start] per open heading
    ends: dict[int, int] = {}

    def close_from(level: int, at: int) -> None:
        for item in open_[level:]:
            ends[id(item)] = at
        del open_[level:]

    records: list[list] = []
    for line_start, line in _lines(text):
        if not line.strip():
            continue
        for name, pat in line_styles.items():
            m = pat.match(line)
            if not m:
                continue
            body = line[m.end():]
            if not body.strip() or (name == "bracket" and _ONLY_BRACKETS.fullmatch(body)):
                break      # (【打印】【关闭】: a page's toolbar, not a heading)
            if name in depth:
                level = depth.index(name)
                close_from(level, line_start)
                depth[:] = depth[: level + 1]
            else:
                close_from(len(open_), line_start)
                depth.append(name)
                level = len(depth) - 1
                # a style first seen below fewer open headings than its depth: keep depth in sync
                if level > len(open_):
                    depth[:] = depth[: len(open_)] + [name]
            if name == "bracket":
                title = m.group(1)[1:-1].strip()
            else:
                title = heading_title(body, _is_own_line(body))
                if _COUNT.search(title):
                    break      # a list item (1.维持143件;), not a heading
            item = [name, m.group(1), title, line_start + m.start(1)]
            open_.append(item)
            records.append(item)
            break
        # ordinal clauses inside this line
        clauses = [c for c in clause_re.finditer(line)]
        for i, c in enumerate(clauses):
            end = line_start + (clauses[i + 1].start(1) if i + 1 < len(clauses) else len(line))
            body = line[c.end(1):]
            item = ["clause", c.group(1), heading_title(body, False), line_start + c.start(1)]
            records.append(item)
            ends[id(item)] = end
    close_from(0, len(text))
    for item in records:
        headings.append(Heading(item[0], item[1], item[2], item[3], ends[id(item)]))
    headings.sort(key=lambda h: h.start)
    return Outline(headings)


_TITLE_YEAR = re.compile(YEAR_PATTERN + r"年度?[^\n。]{0,40}?(?:报告|总结|情况|工作要点|公告|年报)")
_ANY_YEAR = re.compile(YEAR_PATTERN + r"年")
_ISSUER = re.compile(
    r"([\u4e00-\u9fff]{1,12}?(?:省|自治区|市|区|县|旗|州|盟|镇|乡|街道)(?:人民政府|政府|办事处)"
    r"|[\u4e00-\u9fff]{2,14}?(?:局|委员会|厅|办公室|人大常委会))"
)
_HEAD_CHARS = 600


def find_report_year(text: str) -> int | None:
    """The year the report covers, from its opening, in this order: a report title (or
    one quoted in the opening); a news item's headline year, else its dateline (the year
    before when the headline says 去年); a yearbook's volume (九江年鉴（2022） covers
    2021); the date the report is dated (a date in January–March dates a report on the
    year before); the first year named; a page's date. Years that only describe
    documents or spans (2013年以来, 1979年至2018年) never name it."""
    head = text[:_HEAD_CHARS]
    for m in _TITLE_YEAR.finditer(head):
        year = year_value(m.group(1))
        if year and not _NOT_REPORT_YEAR.match(head, m.end(1)):
            return year
    published = find_publication_year(text)
    headline = head.lstrip().split("\n", 1)[0]
    if published:
        named = _years(headline)
        if named:
            return named[0]
        return published - 1 if "去年" in headline else published
    yearbook = _YEARBOOK.search(head)
    if yearbook and (volume := year_value(yearbook.group(1))):
        return volume - 1
    dated = _DATED.search(head)
    if dated and (year := year_value(dated.group(1))):
        return year - (1 if int(dated.group(2)) <= 3 else 0)
    named = _years(head)
    if named:
        return named[0]
    page_date = _DATELINE.search(head)
    return year_value(page_date.group(1)) if page_date else None


def _years(text: str) -> list[int]:
    """The years named in ``text``, in order, except in ranges and 以来 phrases."""
    out = []
    for m in _ANY_YEAR.finditer(text):
        year = year_value(m.group(1))
        range_end = _RANGE_END.search(text, max(0, m.start() - 2), m.start())    # 1979年至2018年
        if year and not _NOT_REPORT_YEAR.match(text, m.end(1)) and not range_end:
            out.append(year)
    return out


_YEARBOOK = re.compile(r"年鉴[（(]" + YEAR_PATTERN + r"[)）]")
_RANGE_END = re.compile(r"[年月底日][至到—\-～]$")
# a date on a line of its own or after a dash: （2017年2月20日）, ——2022年1月6日在…会议上
_DATED = re.compile(r"(?:^|\n)[ \t\u3000（(—\-]{0,8}" + YEAR_PATTERN + r"年(1[0-2]|0?[1-9])月(?:[0-9]{1,2})日")


# 2013年以来, 1979年至2018年, 2014年以前: the year describes documents or a span
_NOT_REPORT_YEAR = re.compile(r"年(?:度)?(?:以来|以前|之前|至|到|—|-|～)")


# a news item: its relative years (今年, 去年) count from its dateline, not from the
# year its report covers (an article of 2017-03 on the 2016 report says 去年 for 2016)
_NEWS_MARK = re.compile(r"本报讯|[报网台]讯|记者|通讯员|来源[:：]\s*\S{0,12}(?:日报|晚报|新闻|报社|网)")
_DATELINE = re.compile(r"(?<![0-9])(20[0-9]{2})[-/.](?:1[0-2]|0?[1-9])[-/.](?:3[01]|[12][0-9]|0?[1-9])(?![0-9])")


def find_publication_year(text: str) -> int | None:
    """The year a news item was published, from the dateline in its opening; None when
    the text is not news or carries no dateline."""
    head = text[:_HEAD_CHARS]
    if not _NEWS_MARK.search(head):
        return None
    m = _DATELINE.search(head)
    return year_value(m.group(1)) if m else None


def find_issuer(text: str) -> str | None:
    """The reporting government: the name before the year in the title, else the first
    government named in the opening."""
    head = text[:_HEAD_CHARS]
    title = re.search(_ISSUER.pattern + r"(?:关于)?" + YEAR_PATTERN + "年", head)
    if title:
        return title.group(1)
    m = _ISSUER.search(head)
    return m.group(1) if m else None
