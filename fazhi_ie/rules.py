"""The rule engine: a lexicon tagger and a clause-walking linker.

The tagger marks numbers (VALUE), subject wordings (SUBJECT; generic heads
such as 文件/案件 with no code), look-alike nouns that are not fact subjects
(OTHER), action wordings (ACTION) and time phrases (TIME). The linker walks
each paragraph sentence by sentence and clause by clause, giving every VALUE
the subject, action and time that govern it; subjects, actions and times carry
over the way report prose carries them (共收到行政复议案件17件,其中受理11件 …).
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import Sequence

from . import lexicon
from .numbers import YEAR_PATTERN, find_numbers, year_value
from .passages import Sentence
from .spans import Link, Passage, Span
from .tables import link_table

SOURCE = "rules"

_YEAR = YEAR_PATTERN
_MONTH = r"(?:[0-9０-９]{1,2}月(?:份|底|末)?(?:[0-9０-９]{1,2}日)?)"
# a time phrase followed by these modifies a noun (2014年以前制定的文件, 2010年以来发布的),
# it does not date a count
_BEFORE_AFTER = re.compile(r"^(?:以前|之前|以后|之后|前|后)")
_MODIFIES_NOUN = re.compile(r"[^，,；;。]{0,6}的")     # used with match(): anchored where it starts
_CLAUSE_OR_STOP = re.compile(r"[，,；;。：:]")
_RATE = re.compile(r"率|%|％|百分点")
_MEASURE_AFTER = re.compile(r"时间|周期|期限|时限|用时|天数|率")     # 审结时间, 办结率: a measure, not a deed
# 2010年以来区政府制发的文件, 2017年结转的4件: the year describes documents or cases
_DESCRIBES = re.compile(r"^(?:[^，,；;。的]{0,20}?(?:制定|制发|印发|发布|出台)|[^，,；;。的]{1,6})的")
# 上年度备案审查中发现的2件: whatever the year, it dates the finding, not the count
_DESCRIBES_FINDING = re.compile(r"^[^，,；;。的]{0,20}?(?:制定|制发|印发|发布|出台|发现)的")
# (pattern, how the year is read): "abs"/"range" take their last year, ints shift the
# report year, "now±n" shift the present (see pipeline._year)
_TIME_PATTERNS = [
    (rf"(?:截至|截止到?|至){_YEAR}年(?:度)?{_MONTH}?(?:底|末)?", "abs"),
    (rf"{_YEAR}年{_MONTH}?(?:至|到|—|-|～|~){_YEAR}年{_MONTH}?(?:底|末)?", "range"),
    (rf"{_YEAR}年(?:度)?{_MONTH}?(?:以来|全年|上半年|下半年|底|末)?", "abs"),
    # counted from the report year
    (r"本年度|本年|全年|年内|当年|至今为止|至今|截至目前|目前", 0),
    (r"上一年度|上一年|上年度|上年|前一年", -1),
    # counted from the present: in a news item, from its dateline
    (r"今年以来|今年", "now0"),
    (r"去年", "now-1"),
    (r"前年", "now-2"),
]
_COMPARISON_BEFORE = re.compile(r"(?:较|比|同比|相比|对比|与)的?$")
_DELTA_BEFORE = re.compile(r"(?:增加|减少|增长|下降|上升|提高|降低|多|少|增|减)(?:出|了)?(?:近|约|超过|逾)?$")
_TIMES_AFTER = re.compile(r"(?:同期)?的?[0-9０-９.．]{1,8}倍")
_COMPARE_WORD = re.compile(r"较|比|同比|环比")
_CONTINUATION = re.compile(r"^[\s　]*(?:其中|另有|另|此外|上述|以上|同时)")
_FROM_VIEW = r"从[^，,。；;]{1,8}看"     # 从制定主体看: opens the parts, like 其中
_PARAGRAPH_GOES_ON = re.compile(rf"[\s　]{{0,8}}(?:其中|上述|以上|{_FROM_VIEW})")
_BREAKDOWN_OPEN = re.compile(rf"其中|分别|按.{{1,8}}分|{_FROM_VIEW}|中[，,：:]?$")
_KINDS_OPEN = re.compile(r"^[\s　]{0,4}涉及")      # 审结90件，涉及行政处罚类40件: the kinds of the count before
_ALL_OF = re.compile(r"(?<!平)均|全部|都|一律|悉数")     # not 平均 (on average)
_AND_THEN = re.compile(r"^[\s　]*(?:并|且|并且|同时|还|再)")
# 拟予修改, 退回修改 (sent back to be revised), 承诺在下次修订时: not done
_PLANNED = re.compile(r"(?:(?:拟|将|计划|准备|预计|待|暂缓|正在|尚在|退回)(?:予以|予|作|进行|被)?|(?:建议|承诺)[^，,；;。]{0,6})$")
_NEGATED = re.compile(r"(?:未|无|没有|不|不予|未予|未出现|未发生|无一)$")
_MODIFIER_AFTER = re.compile(r"^(?:的|前|、|等|和|及|方式)")
# 考试合格286名，已为合格人员办理新申领执法证(手续) — but not 合格181人，核发执法证181件
_CERTIFIED_AFTER = re.compile(r"[，,]?[^。；;，,]{0,40}?(?:申领|办理|核发|领取|取得|换发|颁发)[^。；;，,]{0,8}?"
                              r"(?:执法证|监督证|证件)(?![^。；;，,]*?[0-9０-９一二两三四五六七八九十百千])")
_CARRY_OVER_PARTS = re.compile(r"[（(，,：:]?[ \t]{0,4}(?:其中|含)[^。；;）)]{0,30}?(?:结转|未结)")
# 236件…。其中，… / 从制定主体看，… lists its parts (not 对其中9件)
_PARTS_FOLLOW = re.compile(rf"(?<![对在从将])其中|{_FROM_VIEW}")
_PARTS_OPEN = re.compile(rf"[ \u3000]{{0,4}}(?:其中|{_FROM_VIEW})")
# 撤回申请后终止审理6件 / 撤回申请而终止 / 撤回申请、复议机构终止审理的: both actions
# happened to the same count
_CHAIN = re.compile(r"^(?:后|而|并|后予以|即|后即|、[^，,；;。、\s0-9０-９]{0,8}?|)$")
# 审查后发布的9件: the review is when, the issuing is what happened (not 撤回申请后终止: a chain)
_THEN_VERB = re.compile(r"后(?=[\u4e00-\u9fff]{0,2}(?:发布|印发|出台|制发|实施))")
_THROUGH = re.compile(r"[^，,；;。]{0,2}(?:经|经过|由|在|向|于)[^，,；;。]{0,8}")
_LIST_SPLIT = re.compile(r"[、和及]")
_JOINED = re.compile(r"连同|加上|加之")
_LIST_GAP = re.compile(r"(?:[0-9０-９一二两三四五六七八九十百千万余多]{1,8}[件份个项条宗起]?)?[、或和及]")
_AND_ALSO = re.compile(r"并(?:重新|及时|再|已|予以)?")     # 予以修改并重新报备: both
_REST = re.compile(r"其余|其他(?!类)|另有")      # 其他类27件 is a category, not the rest
_NOTE_OPEN = re.compile(r"[（(]|其中")
_FOUND = re.compile(r"发现")
_FOUND_OPEN = re.compile(r"发现[，,：:]\s{0,4}$")      # 在审查中发现，…3件文件存在问题: the clause is what was found
_OBJECT_OPEN = re.compile(r"(?:^|[，,；;])\s*对[^，,；;。]{0,24}$")     # 对…的67件: an object
# 3件存在问题的文件: a 的 phrase between a count and its noun
_HEAD_OF_COUNT = re.compile(r"(?:[^，,；;。、0-9０-９]{0,12}的)?")
_CATEGORY_AFTER = re.compile(r"[^，,；;。、\s0-9０-９]{0,3}?类|引发|方面的?")     # 政府信息公开类51件
_CATEGORY_OPEN = re.compile(r"(?:涉及|因)$")
_OF_COUNT = re.compile(r"[^，,；;。]{0,4}?的(?=[0-9０-９一二两三四五六七八九十])")
_COUNT_NEXT = re.compile(r"[了]?[0-9０-９一二两三四五六七八九十]")     # 纠正3件: the verb has its own count
_CORRECTED_LATER = re.compile(r"(?:纠正|改正|纠错)(?!意见|建议)")
_LABEL_STRIP = re.compile(r"^[\s　]*(?:对|其中|其余|另有|另|包括|涉及|属于|为|共|有|含|因|：|:)+|(?:引发的?|(?:共|为|有|计|达|的|:|：)+)$")
_PREFIX_NOISE = re.compile(r"[\s　，,；;：:、其中另有共计为达各均已分别的]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_RESPONDENT = re.compile(r"以?([^，,；;。]{2,12}?)(?:作为|为)(?:被告|被申请人)的?(?:案件)?")
_AFTER_DOING = re.compile(r"[\s　]{0,4}经(?:过)?[^，,；;。]{0,6}[，,]\s{0,4}$")
_CLAUSE_STOP_SEMI = re.compile(r"[；;。]")
_COMPARED_EACH = re.compile(r"分别(?:较|比|与|同比)")
_NOTE_CLOSED = re.compile(r"[）)][，,；;]?\s{0,4}$")
_LIST_ITEM = re.compile(r"(?<![ \t　])[ \t　]*(?:[0-9０-９]{1,2}[.、．]|[（(][0-9０-９]{1,2}[)）]|[①-⑩])")
# where a document's title is looked for: its first lines, short, ending like a title
TITLE_CHARS, TITLE_LINES = 800, 8
_TITLE_END = re.compile(r"(?:报告|总结|情况|统计|公示|公告|通报)$")
# a clause may borrow the sentence's action only when this little stands before its number
MAX_BARE_PREFIX = 4


def ends_in(first: str, second: str) -> bool:
    """``first`` is an action that ends in ``second`` (a withdrawal ends in the case's
    termination: ``ends_in`` in actions.yaml)."""
    return second in lexicon.actions()[first].get("ends_in", ())


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def lexicon_matchers():
    """Compiled from the lexicon, once: (noun wording → (label, code), noun regex,
    verb wording → code, verb regex, time regex, gapped verb patterns, gapped look-alike
    noun patterns such as 法院和检察院联合制定的规范性文件)."""
    nouns: dict[str, tuple[str, str | None]] = {}
    for code, entry in lexicon.subjects().items():
        for w in entry["wordings"]:
            nouns[w] = ("SUBJECT", code)
    for code, entry in lexicon.load("distractors").items():
        for w in entry["wordings"]:
            nouns[w] = ("OTHER", code)
    for entry in [*lexicon.subjects().values(), *lexicon.load("distractors").values()]:
        for w in entry.get("generic", ()):
            nouns.setdefault(w, ("SUBJECT", None))
    verbs = {w: code for code, entry in lexicon.actions().items() for w in entry["wordings"]}
    patterns = [(re.compile(p), code) for code, entry in lexicon.actions().items() for p in entry.get("patterns", ())]
    other_patterns = [(re.compile(p), code) for code, entry in lexicon.load("distractors").items()
                      for p in entry.get("patterns", ())]
    times = re.compile("|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(_TIME_PATTERNS)))
    return (nouns, re.compile(_alternation(nouns)), verbs, re.compile(_alternation(verbs)), times, patterns,
            other_patterns)


@functools.cache
def _noun_verbs(code: str | None) -> tuple[str, ...]:
    """Verbs that, opening one of the subject's wordings, are part of the noun (应诉案件34件
    counts cases, it does not say they were handled)."""
    entry = lexicon.subjects().get(code) if code else None
    return tuple(entry.get("verbs_in_noun", ())) if entry else ()


@functools.cache
def _describes_noun(code: str) -> re.Pattern:
    """The nouns the action's wordings describe when written right before them (报备文件,
    转办工单): ``describes`` in actions.yaml."""
    entry = lexicon.actions()[code]
    parts = [_alternation(entry["describes"])] if entry.get("describes") else []
    parts += entry.get("describes_patterns", ())      # 转办法律咨询类工单: a few words before the noun
    return re.compile("|".join(f"(?:{p})" for p in parts) if parts else "(?!)")


@functools.cache
def _not_before(wording: str) -> re.Pattern:
    """What a wording is not an action before (``not_before`` in actions.yaml: 通过 before
    网上 means "through")."""
    words = next((e.get("not_before", ()) for e in lexicon.actions().values() if wording in e["wordings"]), ())
    return re.compile(_alternation(words) if words else "(?!)")


@functools.cache
def _weak_wordings() -> frozenset[str]:
    return frozenset(w for entry in lexicon.actions().values() for w in entry.get("weak", ()))


@functools.cache
def _generic_owners(word: str) -> frozenset[tuple[str, str]]:
    """The nouns a generic head (文件, 案件, 人员) can refer back to, as owners."""
    owners = {("SUBJECT", c) for c, e in lexicon.subjects().items() if word in e.get("generic", ())}
    owners |= {("OTHER", c) for c, e in lexicon.load("distractors").items() if word in e.get("generic", ())}
    return frozenset(owners)


def time_mention(surface: str, start: int, end: int) -> Span | None:
    """A TIME span for a time phrase written ``surface`` (2021年度, 去年, 截至2022年11月),
    or None when it names no year."""
    time_re = lexicon_matchers()[4]
    m = time_re.search(surface)
    if not m:
        return None
    return _time_span(_TIME_PATTERNS[int(m.lastgroup[1:])][1], surface, start, end)


def _time_span(kind: str | int, surface: str, start: int, end: int, comparison: bool = False) -> Span | None:
    """The TIME span of a time phrase of pattern kind ``kind``; None for a year out of range.
    A relative year before now (上年, 去年) is a comparison: it governs only its clause."""
    if kind in ("abs", "range"):
        if surface.endswith("以来"):           # 2019年以来: a running total up to the report year
            return Span("TIME", start, end, surface, shift=0, comparison=comparison)
        year = year_value(re.findall(_YEAR, surface)[-1])
        return Span("TIME", start, end, surface, year=year, comparison=comparison) if year else None
    shift, flags = _relative(kind)
    return Span("TIME", start, end, surface, shift=shift, flags=flags, comparison=comparison or shift < 0)


def _relative(kind: int | str) -> tuple[int, frozenset[str]]:
    """The year shift of a relative time phrase, and whether it counts from the present."""
    if isinstance(kind, str):                 # "now-1": 去年
        return int(kind[3:]), frozenset({"deictic"})
    return kind, frozenset()


@functools.cache
def _issued(code: str) -> re.Pattern:
    """The verbs that issue a look-alike (提出…意见): ``issued_by`` in distractors.yaml."""
    words = lexicon.load("distractors")[code].get("issued_by", ())
    return re.compile(f"(?:{_alternation(words)})了?$" if words else "(?!)")


def _owns(code: str) -> bool:
    """A look-alike that owns the numbers it names (not an actor such as 制定机关)."""
    return lexicon.load("distractors")[code].get("owns") is not False


def _subject_info(code: str) -> dict:
    return lexicon.subjects()[code]


def _takes(subject: str, action: str) -> bool:
    """The subject takes the action, directly or through an alias (受理 documents: received)."""
    info = _subject_info(subject)
    return info.get("aliases", {}).get(action, action) in info["actions"]


@functools.cache
def _implied_subject(action: str | None) -> str | None:
    """The subject an action can only belong to (败诉 → admin_litigation, 排查 → dispute)."""
    owners = [code for code, entry in lexicon.subjects().items() if action in entry["actions"]]
    return owners[0] if len(owners) == 1 else None


class RuleTagger:
    """Lexicon and pattern tagger. Every wording comes from ``fazhi_ie/lexicon``."""

    name = SOURCE

    def tag(self, text: str, passages: Sequence[Passage]) -> list[list[Span]]:
        return [self.tag_range(text, p.start, p.end) for p in passages]

    def tag_range(self, text: str, start: int, end: int) -> list[Span]:
        nouns, noun_re, verbs, verb_re, time_re, verb_patterns, other_patterns = lexicon_matchers()
        chunk = text[start:end]
        numbers = list(find_numbers(chunk))
        if not numbers and "|" not in chunk:
            return []    # nothing to count here: skip the lexicon scan
        spans: list[Span] = []
        for m in noun_re.finditer(chunk):
            label, code = nouns[m.group()]
            spans.append(Span(label, start + m.start(), start + m.end(), m.group(), code=code))
        for pattern, code in other_patterns:       # 省监察委员会制定的规范性文件: not the government's
            for m in pattern.finditer(chunk):
                s, e = start + m.start(), start + m.end()
                spans = [sp for sp in spans if not (s <= sp.start and sp.end <= e)]
                spans.append(Span("OTHER", s, e, m.group(), code=code))
        # 行政处罚类19件, 因行政处罚引发214件: a look-alike naming a category of cases owns nothing
        # (涉及行政处罚的120件 too)
        spans = [sp for sp in spans if not (sp.label == "OTHER" and (
            _CATEGORY_AFTER.match(chunk, sp.end - start) or
            (_CATEGORY_OPEN.search(chunk, max(0, sp.start - start - 2), sp.start - start) and _OF_COUNT.match(chunk, sp.end - start))))]
        spans.sort(key=lambda sp: sp.start)
        # for each character, the start of the noun covering it and whether it is a look-alike
        cover: dict[int, tuple[int, bool]] = {}
        for sp in spans:
            for i in range(sp.start, sp.end):
                cover[i] = (sp.start, sp.label == "OTHER" or sp.text.startswith(_noun_verbs(sp.code)))
        weak = _weak_wordings()
        found = [(m, verbs[m.group()]) for m in verb_re.finditer(chunk)]
        for pattern, code in verb_patterns:
            for m in pattern.finditer(chunk):
                found = [(f, c) for f, c in found if not (m.start() <= f.start() and f.end() <= m.end())]
                found.append((m, code))
        for m, code in sorted(found, key=lambda mc: mc[0].start()):
            s, e = start + m.start(), start + m.end()
            # 审查 inside 审查意见书, 应诉 inside 行政应诉案件 — but 调解 opening 调解案件 stays
            first, last = cover.get(s), cover.get(e - 1)
            if first and first == last and (first[1] or s > first[0]):
                continue
            if _not_before(m.group()).match(chunk, m.end()):
                continue          # 通过网上渠道提交: a preposition, not the action
            flags = set()
            before = chunk[max(0, m.start() - 10):m.start()]
            if _PLANNED.search(before) or _NEGATED.search(before[-4:]):
                flags.add("blocked")
            if _MODIFIER_AFTER.match(chunk[m.end():m.end() + 1]) or _describes_noun(code).match(chunk, m.end()) or \
                    _THEN_VERB.match(chunk, m.end()):
                flags.add("modifier")     # 报送备案的文件, 报备文件, 转办工单, 受理前, 撤销、变更等: describes, does not count
            if m.group() in weak:
                flags.add("weak")
            last = spans[-1] if spans and spans[-1].label == "ACTION" else None
            if last is not None and "blocked" in last.flags and _LIST_GAP.fullmatch(text, last.end, s):
                flags.add("blocked")      # 拟废止、宣布失效47件, 建议废止5件、修改6件: the plan covers the list
            spans.append(Span("ACTION", s, e, m.group(), code=code, flags=frozenset(flags)))
        time_ends = []
        for m in time_re.finditer(chunk):
            kind = _TIME_PATTERNS[int(m.lastgroup[1:])][1]
            s, e = start + m.start(), start + m.end()
            time_ends.append((s, e))
            after = chunk[m.end():m.end() + 24]
            if _BEFORE_AFTER.match(after) or (kind in ("abs", "range") and _DESCRIBES.match(after)) or \
                    _DESCRIBES_FINDING.match(after) or \
                    (m.group().endswith("以来") and _MODIFIES_NOUN.match(after)):
                continue
            # 较上年 / 去年为168件: a comparison governs only its own clause
            comparison = bool(_COMPARISON_BEFORE.search(chunk[max(0, m.start() - 3):m.start()])) or \
                bool(_TIMES_AFTER.match(after))      # 是2023年的1.9倍: a comparison too
            span = _time_span(kind, m.group(), s, e, comparison)
            inside_verb = any(a.label == "ACTION" and a.start < s and e <= a.end for a in spans)
            if span is not None and not inside_verb:      # 结转2019年办理 (not 上年结转): part of the verb
                spans.append(span)
        for n in numbers:
            s, e = start + n.start, start + n.end
            if any(a <= s < b for a, b in time_ends):
                continue
            spans.append(Span("VALUE", s, e, n.surface, value=n.value, unit=n.unit, qualifier=n.qualifier))
        spans.sort(key=lambda sp: (sp.start, -sp.end))
        return spans


# A resolved noun: ("SUBJECT", code) or ("OTHER", code)
Owner = tuple[str, str]


@dataclass
class _Paragraph:
    """What carries over from one sentence of a paragraph to the next."""

    subject: Owner | None
    named: list[Owner]                # nouns named so far, for 文件/案件/人员 to refer back to
    time: Span | None = None
    action: str | None = None
    blocked: bool = False             # the latest count belonged to a look-alike (OTHER)
    head_action: str | None = None    # the action of the latest sentence's first count
    table: bool = False               # a flattened table
    title: list = field(default_factory=list)   # the subject the document's title names


@dataclass
class _Sentence:
    subject: Owner | None              # the latest fact subject
    time: Span | None
    action: str | None
    blocked: bool = False              # the latest owner was a look-alike: bare counts after it are its
    head_action: str | None = None     # the action of the sentence's first count
    breakdown_mode: bool = False       # after 其中 / 分别
    breakdown: str | None = None
    group: list[Link] = field(default_factory=list)   # counts a later 均… clause refers to
    end: int = 0                       # where the sentence ends
    implied: bool = False              # inside a 均…备案 run
    found: bool = False                # the latest count was what a review found (no fact)
    earlier: list = field(default_factory=list)   # the sentence's links before this clause


def _corrected_later(text: str, v: Span, end: int) -> bool:
    """The rest of the sentence (up to a semicolon) says the counted items were corrected
    (…，已全部纠正), with no other number before it says so."""
    m = _CORRECTED_LATER.search(text, v.end, end)
    if not m:
        return False
    between = text[v.end:m.start()]
    if _COUNT_NEXT.match(text, m.end()) or ";" in between or "；" in between:
        return False            # 纠正3件 counts its own; a semicolon starts another matter
    return next(find_numbers(between), None) is None


def _describes(text: str, v: Span, a: Span) -> bool:
    """``a`` stands in a 的 phrase between the count and the noun that ends the count's
    clause (2件制定程序不规范的文件，…): it describes the counted things, it does not say
    what happened to them (unlike 412人通过全省统一的资格考试并申领执法证)."""
    if a.start < v.end or _CLAUSE_OR_STOP.search(text, v.end, a.start):
        return False
    m = _MODIFIES_NOUN.match(text, a.end)
    noun = m and lexicon_matchers()[1].match(text, m.end())
    return bool(noun) and (noun.end() == len(text) or text[noun.end()] in "，,；;。：:")


def _later_verb(text: str, v: Span, end: int, owner: "Owner | None") -> Span | None:
    """The first action named after ``v`` in its sentence, before any other number, past
    the verbs of a 的 phrase describing the count's noun and verbs naming a measure
    (审结时间, 办结率); not one in a later clause that names another subject or a
    look-alike first."""
    nouns, noun_re, verbs, verb_re, *_ = lexicon_matchers()
    pos = v.end
    while (m := verb_re.search(text, pos, end)) is not None:
        if next(find_numbers(text[v.end:m.start()]), None) is not None:
            return None
        breaks = [b.end() for b in _CLAUSE_OR_STOP.finditer(text, v.end, m.start())]
        if breaks and any(nouns[n.group()] != owner and nouns[n.group()][1] is not None
                          for n in noun_re.finditer(text, breaks[-1], m.start())):
            return None
        span = Span("ACTION", m.start(), m.end(), m.group(), code=verbs[m.group()])
        noun = noun_re.match(text, m.start())
        if noun and noun.end() >= m.end() and nouns[noun.group()][0] == "OTHER":
            pass            # 提出修改意见: the verb is inside a look-alike noun
        elif _COUNT_NEXT.match(text, m.end()):
            return None     # 已纠正4件: that verb has its own count
        elif not _describes(text, v, span) and not _MEASURE_AFTER.match(text, m.end()):
            return span
        pos = m.end()
    return None


def _with_carry_over_totals(text: str, links: list[Link]) -> list[Link]:
    """A caseload total whose parts include cases carried over (共有案件143件，其中新收118件，
    上年结转25件) is the cases handled, not received (guideline 12)."""
    out = []
    for link in links:
        if link.action == "received" and _CARRY_OVER_PARTS.match(text, link.value.end) \
                and "handled" in _subject_info(link.subject)["actions"]:
            link = replace(link, action="handled")
        out.append(link)
    return out


def _without_mixed_totals(text: str, passage: Passage, spans: Sequence[Span], links: list[Link]) -> list[Link]:
    """Drop a normative-document total whose 其中 parts mix in other kinds (规章, 法规,
    决议, the courts' documents: distractors marked ``mixes_totals``), as a 人大 filing
    report counts them; its administrative part stays a fact."""
    kinds = {code for code, e in lexicon.load("distractors").items() if e.get("mixes_totals")}
    others = [sp.start for sp in spans if sp.label == "OTHER" and sp.code in kinds]
    if not others:
        return links
    sentences = passage.sentences
    keep = []
    for link in links:
        v = link.value
        i = next((k for k, sen in enumerate(sentences) if sen.start <= v.start < sen.end), None)
        administrative = "行政规范性文件" in text[max(0, v.start - 10):v.start]
        if link.subject == "normative_document" and link.breakdown is None and i is not None \
                and not administrative:
            end = sentences[i].end
            if i + 1 < len(sentences) and _PARTS_OPEN.match(sentences[i + 1].text):
                end = sentences[i + 1].end
            if _PARTS_FOLLOW.search(text, v.end, end) and any(v.end <= o < end for o in others):
                continue
        keep.append(link)
    return keep


def _title_subject(text: str) -> list[Owner]:
    """The one subject a document's title names (万州区司法局2020年行政复议工作总结), as a
    fallback owner for generic heads (案件) under headings that name none."""
    nouns, noun_re, *_ = lexicon_matchers()
    lines = [line.strip() for line in text[:TITLE_CHARS].split("\n") if line.strip()][:TITLE_LINES]
    owners = {nouns[m.group()] for line in lines if len(line) <= 40 and "。" not in line and _TITLE_END.search(line)
              for m in noun_re.finditer(line)}
    owners = {o for o in owners if o[0] == "SUBJECT" and o[1]}
    return list(owners) if len(owners) == 1 else []


def _ends_with_colon(text: str, end: int) -> bool:
    """The text before ``end``, white space aside, ends with a colon (looked at
    backwards from ``end``, so a long report is not copied once per passage)."""
    i = end - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and text[i] in "：:"


class RuleLinker:
    """Links every VALUE to its subject, action and time by walking the clauses."""

    name = SOURCE

    def link(self, text: str, passages: Sequence[Passage], spans: Sequence[Sequence[Span]]) -> list[list[Link]]:
        named: list[Owner] = []     # shared by the passages: 案件 may refer to an earlier paragraph
        out, previous = [], None
        title = _title_subject(text)
        for p, s in zip(passages, spans):
            if p.new_section:
                named.clear()     # a new heading: 案件 cannot mean the last section's cases
            # a list item (1.维持143件) or a line after a colon continues the paragraph before;
            # so does, in the same section, a paragraph right after a table (…尚有58件在审理期限内)
            # or one opening with 其中 / 上述 / 从审结情况看
            follows = previous is not None and (
                _LIST_ITEM.match(text[p.start:p.start + 16]) or _ends_with_colon(text, p.start) or
                (not p.new_section and (previous.table or _PARAGRAPH_GOES_ON.match(text, p.start))))
            links, previous = self._link_passage(text, p, s, named, previous if follows else None, title)
            out.append(_with_carry_over_totals(text, _without_mixed_totals(text, p, s, links)))
        return out

    def link_passage(self, text: str, passage: Passage, spans: Sequence[Span],
                     named: list[Owner] | None = None) -> list[Link]:
        return self._link_passage(text, passage, spans, [] if named is None else named, None)[0]

    def _link_passage(self, text: str, passage: Passage, spans: Sequence[Span], named: list[Owner],
                      previous: "_Paragraph | None", title: list[Owner] = ()) -> tuple[list[Link], "_Paragraph"]:
        heading = ("SUBJECT", passage.heading_subject) if passage.heading_subject else None
        if heading:
            named.append(heading)
        state = _Paragraph(subject=heading, named=named, title=list(title))
        if previous is not None and previous.subject:
            state.subject, state.action = previous.subject, previous.action
        if passage.table:
            links = link_table(text, passage, spans, passage.heading_subject)
            if links:
                state.subject, state.action = ("SUBJECT", links[-1].subject), None
            state.table = True
            return links, state
        links: list[Link] = []
        if not spans:
            return [], state
        spans = sorted(spans, key=lambda sp: sp.start)
        starts = [sp.start for sp in spans]
        for sentence in passage.sentences:
            if sentence.repeat:
                continue
            inside = spans[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]
            links += self._link_sentence(text, sentence, inside, state)
        return links, state

    @staticmethod
    def _resolve(noun: Span, state: _Paragraph, skip_last: int = 0) -> Owner | None:
        if noun.label == "OTHER":
            if not _owns(noun.code):
                return None       # 制定机关: an actor, not what is counted
            return ("OTHER", noun.code)
        if noun.code:
            return ("SUBJECT", noun.code)
        owners = _generic_owners(noun.text)
        named = state.named[:len(state.named) - skip_last]
        return next((o for o in reversed(named) if o in owners), None)

    def _link_sentence(self, text: str, sentence: Sentence, spans: list[Span], state: _Paragraph) -> list[Link]:
        first_value = next((s.start for s in spans if s.label == "VALUE"), sentence.end)
        # (an actor or reference that owns nothing, 制定机关 / 上位法, names nothing)
        named = [s for s in spans if ((s.label == "OTHER" and _owns(s.code)) or (s.label == "SUBJECT" and s.code))
                 and s.start < first_value]
        continuation = bool(_CONTINUATION.match(sentence.text))
        # a sentence naming nothing before its first count, or opening with 其中/另…,
        # continues the previous one
        carried = continuation or not named
        # 。其中，… lists the parts of the sentence before: they take its first count's action
        parts = bool(_PARTS_OPEN.match(sentence.text))
        st = _Sentence(subject=state.subject if carried else None,
                       time=state.time if continuation else None,
                       action=state.action if carried else None,
                       blocked=state.blocked if carried else False,
                       head_action=state.head_action if parts else None, end=sentence.end)
        links: list[Link] = []
        after_semicolon = False
        starts = [sp.start for sp in spans]
        for cs, ce in sentence.clauses():
            clause = spans[bisect_left(starts, cs):bisect_left(starts, ce)]
            clause_text = text[cs:ce]
            values = [s for s in clause if s.label == "VALUE"]
            actions = [s for s in clause if s.label == "ACTION"]
            nouns = []
            for s in clause:
                if s.label in ("SUBJECT", "OTHER"):
                    # 复议维持后作为共同被告的案件: a generic head does not mean what its own
                    # 的 phrase names
                    inside = 0
                    if s.label == "SUBJECT" and not s.code and text[s.start - 1:s.start] == "的":
                        opens = max(text.rfind(ch, cs, s.start) for ch in "（(、：:含")
                        inside = sum(1 for n, _ in nouns if n.code and n.start > opens >= cs)
                    owner = self._resolve(s, state, inside)
                    if owner is None and s.label == "SUBJECT" and not s.code and state.title and \
                            state.title[0] in _generic_owners(s.text) and \
                            any(x.label == "VALUE" and (0 <= s.start - x.end <= 1 or 0 <= x.start - s.end <= 1)
                                for x in clause) and \
                            any(x.label == "ACTION" and "blocked" not in x.flags and _takes(state.title[0][1], x.code)
                                for x in clause):     # (and a verb here the title's subject takes)
                        owner = state.title[0]    # 31件案件 under a heading naming nothing: the title's
                    if owner:
                        nouns.append((s, owner))
                        if s.code:
                            state.named.append(owner)
            first_value = values[0].start if values else ce
            if after_semicolon and any(s.start < first_value and s.code for s, _ in nouns) | \
                    any(a.start < first_value for a in actions):
                st.breakdown_mode, st.head_action, st.breakdown, st.action = False, None, None, None
            elif _NOTE_CLOSED.search(text, max(0, cs - 3), cs) and any(a.start < first_value for a in actions):
                # 1086件（其中涉疫情类纠纷312件），调解成功1047件: the note's parts are over
                st.breakdown_mode, st.breakdown = False, None
            semicolon_before = after_semicolon
            after_semicolon = clause_text.rstrip().endswith((";", "；"))
            if _BREAKDOWN_OPEN.search(clause_text) or (links and _KINDS_OPEN.search(clause_text)):
                st.breakdown_mode = True
                if links and _PARTS_FOLLOW.search(clause_text) and not any(
                        a.label == "ACTION" and a.start >= cs and a.code == links[-1].action for a in spans):
                    # 受理81件，其中涉及…的37件 / 调解成功1829件，其中婚姻家庭纠纷612件: the
                    # parts of the count just before — unless the parts name its verb again
                    # (排查2887件，化解2836件，其中书面案件625件，化解606件: the first's parts)
                    st.head_action = links[-1].action
            for t in clause:
                if t.label == "TIME" and not t.comparison and t.start < first_value:
                    st.time = t
            if not values:
                all_of = _ALL_OF.search(clause_text)
                other_subject = all_of is not None and any(
                    o and o[0] == "SUBJECT" and st.group and o[1] != st.group[-1].subject
                    and n.start < cs + all_of.start() for n, o in nouns)
                if not other_subject:         # 诉讼案件均已审结 speaks of other cases
                    # (a clause naming nothing goes on with a 均 run: 均经审核，在规定时限内报…备案)
                    links += self._implied(clause_text, cs, actions, st, goes_on=not nouns and not semicolon_before)
                for _, o in nouns:     # 法律顾问全程参与…法律服务，: the agent, then a look-alike
                    self._set_owner(st, o)
                usable = [a for a in actions if "blocked" not in a.flags]
                if usable and not _AFTER_DOING.match(clause_text):     # (经清理，: when, not what)
                    st.action = usable[-1].code
                continue
            st.implied = False
            st.earlier = links
            links += self._link_values(text, cs, clause, values, actions, nouns, st)
            trailing = [o for n, o in nouns if n.start > values[-1].end and o[0] == "SUBJECT"]
            if trailing:
                self._set_owner(st, trailing[-1])
        state.subject, state.time, state.action, state.blocked = st.subject, st.time, st.action, st.blocked
        state.head_action = st.head_action
        if state.head_action is None:
            # 共接收报备文件75件。其中：…印发的行政规范性文件41件: a total that is no fact
            # (a mixed one) still gives its parts their verb
            first_value = next((s.start for s in spans if s.label == "VALUE"), sentence.end)
            verb = next((s for s in spans if s.label == "ACTION" and s.end <= first_value
                         and not s.flags & {"modifier", "blocked"}), None)
            state.head_action = verb.code if verb is not None else None
        return links

    @staticmethod
    def _set_owner(st: _Sentence, owner: Owner) -> None:
        if owner[0] == "SUBJECT":
            st.subject, st.blocked = owner, False
        else:
            st.blocked = True

    def _link_values(self, text, cs, clause, values, actions, nouns, st: _Sentence) -> list[Link]:
        links = []
        respectively = _respectively(text, cs, actions, values)
        if not respectively and _COMPARED_EACH.search(text, cs, values[0].start) and len(st.earlier) >= len(values):
            # 撤销41件、变更6件，分别较去年同期的39件、4件: the earlier counts' actions, in order
            respectively = {v: l.action for v, l in zip(values, st.earlier[-len(values):])}
            if len({l.subject for l in st.earlier[-len(values):]}) == 1:
                st.subject = ("SUBJECT", st.earlier[-1].subject)
        labels = {} if respectively else _respective_labels(text, cs, clause, values)
        for i, v in enumerate(values):
            # what follows a number, up to the next number, may still be about it
            next_value = values[i + 1].start if i + 1 < len(values) else None
            limit = len(text) if next_value is None else next_value
            nouns_v = [(n, o) for n, o in nouns if n.end <= v.start or n.start < limit]
            actions_v = [a for a in actions if a.end <= v.start or a.start < limit]
            if next_value is not None and not _CLAUSE_OR_STOP.search(text, v.end, next_value) and \
                    any(a.end <= v.start for a in actions_v):
                # 聘请的44名法律顾问全年参与…办理210余件: the verbs before the next count are its own
                actions_v = [a for a in actions_v if a.end <= v.start]
            owner, own_clause = self._owner(v, nouns_v, st.subject, actions_v, next_value, text)
            kind = self._kind_of(text, v, owner, nouns_v, actions_v, st)
            if kind:
                owner = st.subject     # 办结511件，其中刑事案件217件: a kind of the cases counted
                labels = {**labels, v: kind}
            if own_clause and owner and (owner[0] == "SUBJECT" or any(n.end <= v.start for n, o in nouns if o == owner)):
                self._set_owner(st, owner)
            chosen = None
            if v in respectively:
                action, confidence = respectively[v], 0.85
            else:
                candidates = self._actions(text, v, actions_v)
                first = candidates[0] if candidates else None
                if first is not None and "blocked" in first.flags and (
                        first.start >= v.end or v.start - first.end <= 2):
                    continue          # 拟修改3件, 均未败诉 (not 不合格人员的…9张)
                after_v = [a for a in candidates if a.start >= v.end and "modifier" not in a.flags]
                if after_v and "blocked" in max(after_v, key=lambda a: a.start).flags and \
                        not any(a.end <= v.start and not a.flags & {"modifier", "weak"} for a in candidates):
                    continue          # 另1件因上位法修订暂缓发布: what it comes to is a plan
                fits = [a for a in candidates if owner and owner[0] == "SUBJECT"
                        and _takes(owner[1], a.code) and "blocked" not in a.flags]
                chosen = fits[0] if fits else (candidates[0] if candidates else None)
                if chosen is not None and chosen.code == "enacted" and "modifier" in chosen.flags \
                        and st.breakdown_mode and st.head_action \
                        and any(chosen.end <= n.start and n.end <= v.start for n, _ in nouns_v):
                    chosen = None     # 其中:…制定的行政规范性文件54件 — parts of the head count
                # (制定的规范性文件中有4件: a modifier does not end what 发现 governs)
                since = chosen.end if chosen is not None and chosen.end <= v.start \
                    and "modifier" not in chosen.flags else cs
                if _FOUND.search(text, since, v.start) or (since == cs and _FOUND_OPEN.search(text, max(0, cs - 8), cs)):
                    # 经审查，发现存在问题的文件5件: what the review found is not its count,
                    # but 对发现的12件问题文件…已全部纠正 says what became of them
                    later = [a for a in actions_v if a.start >= v.end and "blocked" not in a.flags
                             and not _COUNT_NEXT.match(text, a.end) and not _describes(text, v, a)]
                    if not later and not _corrected_later(text, v, st.end):
                        st.found = True       # …的规范性文件17件，其中…9件: its parts are found too
                        continue
                    chosen = later[0] if later else None
                action, confidence = (chosen.code, 0.9) if chosen else (None, 0.75)
                if chosen is not None and self._all_of_after(text, v, chosen, owner, nouns_v):
                    # 7名监督人员全部持有监督证: the bare count (headcount), and the 均 verb
                    # is a second action on it (see _second_action)
                    chosen, action = None, _subject_info(owner[1])["bare"]
            label = labels.get(v) or (self._breakdown_label(text, cs, v, clause) if st.breakdown_mode else None)
            if label:
                st.breakdown = label
            describing = None
            if chosen is not None and ("modifier" in chosen.flags or _describes(text, v, chosen)):
                # 对报送备案的45件文件，逐件进行了审查 / 2件制定程序不规范的文件，已督促纠正: a verb
                # describing the documents is their action only when no other verb governs them
                describing, chosen, action = chosen, None, None
            if action is None and _corrected_later(text, v, st.end):
                action = "corrected"      # 对存在问题的17件提出审查意见，制定机关已全部纠正
            if action is None and _OBJECT_OPEN.search(text[cs:v.start]):
                # 对案情重大复杂的67件复议案件，组织了听证审理: the object of a later verb
                later = _later_verb(text, v, st.end, owner)
                if later is not None and (describing is None or owner is None or owner[0] != "SUBJECT"
                                          or _takes(owner[1], later.code)):
                    chosen, action = later, later.code
                elif describing is None:
                    continue
            if action is None and describing is not None:
                chosen, action = describing, describing.code
            if action is None:
                if not own_clause and st.blocked:
                    continue      # 行政处罚案件120件,简易程序40件: still the look-alike's
                if st.found and st.breakdown_mode:
                    continue      # the parts of what a review found
                rest = _REST.search(text, cs, v.start)
                if rest and text[rest.start() - 1:rest.start()] != "、":
                    continue      # 其余14件告知…: the rest, with some other fate (not …类27件、其他60件)
                if label or self._bare_prefix(text, cs, v, clause) or \
                        any(s.end <= v.start and v.start - s.end <= 2 and s.code for s, _ in nouns_v):
                    action = st.head_action if (st.breakdown_mode and st.head_action) else st.action
            elif chosen is not None and "blocked" not in chosen.flags:
                st.action = action
            if owner is None or owner[0] == "OTHER":
                # (not after a look-alike: 查处违法案件213件，…移送司法机关4件)
                implied = _implied_subject(action) if owner is None and not st.blocked else None
                if implied is None:
                    continue
                owner, confidence = ("SUBJECT", implied), confidence - 0.1
            code = owner[1]
            info = _subject_info(code)
            if chosen is not None and action == chosen.code and self._outcome_list(text, chosen, actions_v):
                action = "corrected"    # 撤销、变更、确认违法和责令履行19件: the corrections in total
            action = info.get("aliases", {}).get(action, action)
            if action not in info["actions"]:
                implied = _implied_subject(action)
                if implied and not own_clause:
                    code, owner, info = implied, ("SUBJECT", implied), _subject_info(implied)
                elif info.get("bare") and self._adjacent_noun(text, v, nouns_v, code):
                    action, confidence = info["bare"], 0.6
                else:
                    if action is None and own_clause and self._adjacent_noun(text, v, nouns_v, code) \
                            and not self._is_delta(text, cs, v):
                        # 作出重大行政决策8项，均经合法性审查: no verb of its own, but a 均 clause
                        # after it may give it one (see _implied)
                        st.group = [Link(value=v, subject=code, action=None, time=self._time(v, clause, st.time),
                                         breakdown=None, confidence=0.75, source=SOURCE)]
                    continue
            if "units" in info and v.unit not in info["units"]:
                continue              # 培训3期: sessions, not people
            if self._is_delta(text, cs, v):
                continue
            self._set_owner(st, owner)
            st.action = action
            st.head_action = st.head_action or action
            link = Link(value=v, subject=code, action=action, time=self._time(v, clause, st.time),
                        breakdown=st.breakdown if st.breakdown_mode else None,
                        confidence=round(confidence if own_clause else confidence - 0.1, 3), source=SOURCE)
            if st.group and ((st.group[-1].subject, st.group[-1].action) != (code, action)
                             or (chosen is not None and max(cs, st.group[-1].value.end) <= chosen.start
                                 and chosen.end <= v.start)):
                # (审核3件，审查…7件，均予以备案: 均 speaks of the 7, which has its own verb; but
                # 作出重大行政决策7项，出台规范性文件9件，均经审核: of both)
                st.group = [l for l in st.group if l.action is None
                            and not _CLAUSE_STOP_SEMI.search(text, l.value.end, v.start)]
            st.group.append(link)
            links.append(link)
            extra = self._second_action(text, v, chosen, action, actions_v)
            if extra and extra.code in info["actions"] and extra.code != action:
                links.append(Link(v, code, extra.code, link.time, link.breakdown,
                                  round(link.confidence - 0.1, 3), SOURCE))
            elif action == "passed" and _CERTIFIED_AFTER.match(text, v.end):
                # those who passed were certified (no count of their own for it)
                links.append(Link(v, code, "certified", link.time, link.breakdown,
                                  round(link.confidence - 0.1, 3), SOURCE))
            elif action == "certified" and "passed" in info["actions"] and any(
                    a.code == "passed" and "modifier" in a.flags and text[a.end:v.start] == "的" for a in actions_v):
                # 通过考试的498名已全部申领执法证: the same pair, the other way round
                links.append(Link(v, code, "passed", link.time, link.breakdown,
                                  round(link.confidence - 0.1, 3), SOURCE))
        return links

    @staticmethod
    def _kind_of(text: str, v: Span, owner: Owner | None, nouns: list[tuple[Span, Owner]],
                 actions: list[Span], st: _Sentence) -> str | None:
        """Among the parts (其中…), a look-alike right before the count whose wording ends
        in a head the counted subject shares (刑事案件 under 法律援助案件) names a kind of
        them: its wording, as the part's breakdown."""
        if not (st.breakdown_mode and owner and owner[0] == "OTHER" and st.subject and st.subject[0] == "SUBJECT"):
            return None
        if lexicon.load("distractors")[owner[1]].get("mixes_totals"):
            return None     # 监察委员会规范性文件1件: another kind of document, not a part
        noun = next((n for n, o in nouns if o == owner and 0 <= v.start - n.end <= 1), None)
        if noun is None or any(a.end <= v.start and a.start >= noun.start - 8 for a in actions):
            return None
        # (heads both share: 案件 of 法律援助 and of 刑事/民事 cases, not 民转刑案件 of events)
        heads = set(_subject_info(st.subject[1]).get("generic", ())) & \
            set(lexicon.load("distractors")[owner[1]].get("generic", ()))
        return noun.text if any(noun.text.endswith(h) and noun.text != h for h in heads) else None

    def _all_of_after(self, text: str, v: Span, chosen: Span, owner: Owner | None,
                      nouns: list[tuple[Span, Owner]]) -> bool:
        """The chosen verb follows the count after 均/全部, with only the count's noun
        between them (8名执法监督人员均持有执法监督证): the people are counted (headcount)
        and the verb says what all of them did besides."""
        if chosen.start < v.end or owner is None or owner[0] != "SUBJECT":
            return False
        if _subject_info(owner[1]).get("bare") != "headcount":
            return False
        all_of = rf"[^，,；;。]{{0,2}}(?:{_ALL_OF.pattern})[^，,；;。]{{0,2}}"
        noun = next((n for n, o in nouns if o == owner and v.end <= n.start <= v.end + 2 and n.end <= chosen.start), None)
        if noun is not None:
            return bool(re.fullmatch(all_of, text[noun.end:chosen.start]))
        # 行政执法监督人员15名均参加了培训: the noun right before the count
        noun = next((n for n, o in nouns if o == owner and 0 <= v.start - n.end <= 1), None)
        return noun is not None and bool(re.fullmatch(all_of, text[v.end:chosen.start]))

    @staticmethod
    def _outcome_list(text: str, chosen: Span, actions: list[Span]) -> bool:
        """``chosen`` ends a list (、/和/及/或) of two or more corrective outcomes."""
        covers = set(lexicon.actions()["corrected"]["covers"])
        listed, end = [chosen], chosen.start
        for a in reversed([a for a in actions if a.end <= chosen.start]):
            if text[a.end:end] not in ("、", "和", "及", "或", "以及"):
                break
            listed.append(a)
            end = a.start
        return len(listed) >= 2 and all(a.code in covers for a in listed) and len({a.code for a in listed}) >= 2

    def _second_action(self, text: str, v: Span, chosen: Span | None, action: str,
                       actions: list[Span]) -> Span | None:
        """A second action the same count takes: a chained one (撤回申请后终止审理), the filing
        a review implies (审查…报送备案的文件362件), or a 均 verb after it (10件均报送…备案)."""
        extra = self._chained(text, chosen, actions) if chosen else None
        implied = lexicon.actions()[chosen.code].get("implies", {}).get(chosen.text) if chosen else None
        if extra is None and implied:
            return Span("ACTION", chosen.start, chosen.end, chosen.text, code=implied)
        if chosen is not None and action == "reviewed" and extra is None:
            # 审查…报送备案的文件362件 (but not 对报备的29件文件，逐件开展了审查: there the
            # filing only describes the documents)
            extra = next((a for a in actions if "modifier" in a.flags and a.code == "filed"
                          and chosen.end <= a.start and a.end <= v.start), None)
        if extra is None:
            extra = next((a for a in actions if a.start >= v.end and a is not chosen
                          and "blocked" not in a.flags and _ALL_OF.search(text[v.end:a.start])), None)
        return extra

    @staticmethod
    def _chained(text: str, chosen: Span, actions: list[Span]) -> Span | None:
        """撤回申请后终止审理6件: the action joined to the chosen one by 后/而/并."""
        prev = [a for a in actions if a.end <= chosen.start and "blocked" not in a.flags]
        if prev:
            gap = text[prev[-1].end:chosen.start]
            if _AND_ALSO.fullmatch(gap) or (_CHAIN.match(gap) and ends_in(prev[-1].code, chosen.code)):
                return prev[-1]
        nxt = [a for a in actions if a.start >= chosen.end and "blocked" not in a.flags]
        if nxt:
            gap = text[chosen.end:nxt[0].start]
            if _AND_ALSO.fullmatch(gap) or (_CHAIN.match(gap) and ends_in(chosen.code, nxt[0].code)):
                return nxt[0]
        return None

    @staticmethod
    def _owner(v: Span, nouns: list[tuple[Span, Owner]], inherited: Owner | None,
               actions: list[Span], next_value: int | None, text: str = "") -> tuple[Owner | None, bool]:
        """The noun that owns ``v`` in its clause — an agent before it, else the nearest
        noun before it, else the first noun after it (a named one before a generic
        one) — or the inherited subject. An inherited agent (法律顾问) keeps a clause
        that opens with its verb (…,参与处理行政复议案件35件). The flag says whether
        the owner was named in the clause."""
        if inherited and inherited[0] == "SUBJECT" and _subject_info(inherited[1]).get("agent") and \
                not any(o[0] == "SUBJECT" and _subject_info(o[1]).get("agent") for _, o in nouns):
            # (unless the clause names an agent of its own: 聘请的44名政府法律顾问)
            first = min([n.start for n, _ in nouns] + [a.start for a in actions] + [v.start])
            if any(a.start == first for a in actions):
                return inherited, False
        def verb_between(a: int, b: int) -> bool:
            """A verb some way after the noun, right before the number (修改意见后由市政府发布29件),
            not its own verb (规章草案审查) nor one inside its phrase (申请办理材料120件)."""
            return any(a <= x.start and x.end <= b and x.start - a >= 3 and b - x.end <= 1 for x in actions)

        # a look-alike followed by a verb before the number was that verb's object
        # (提出修改意见后由市政府发布29件), not the owner of the number
        before = [(s, o) for s, o in nouns if s.end <= v.start
                  and not (o[0] == "OTHER" and verb_between(s.end, v.start))]
        for s, o in before:
            if o[0] == "SUBJECT" and _subject_info(o[1]).get("agent"):
                return o, True
        if before and before[-1][1][0] == "OTHER" and text and "的" in text[before[-1][0].end:v.start]:
            # 提请常务会议审议的17项重大行政决策事项: the look-alike is in the 的 phrase, the
            # count's own noun follows it
            own = next((o for s, o in nouns if s.code and s.label == "SUBJECT" and 0 <= s.start - v.end <= 1), None)
            if own:
                return own, True
        if before:
            return before[-1][1], True
        # a noun after the number belongs to it, unless it heads the next number
        # (7个分局…现有执法人员146名)
        after = [(s, o) for s, o in nouns if s.start >= v.end
                 and not (next_value is not None and 0 <= next_value - s.end <= 3)
                 # 对存在问题的17件提出审查意见: opinions issued about the count, not its owner;
                 # 14件经区政府常务会议审议: a meeting the count went through
                 and not (o[0] == "OTHER" and text and (_issued(o[1]).search(text[max(v.end, s.start - 6):s.start])
                                                        or _THROUGH.fullmatch(text, v.end, s.start)))]
        if after and text and after[0][0].label == "SUBJECT" and \
                _HEAD_OF_COUNT.fullmatch(text, v.end, after[0][0].start) and \
                (after[0][0].code or not any(s.label == "SUBJECT" and s.code for s, _ in after[1:])):
            return after[0][1], True    # 3件存在问题的文件(发出纠错建议): the count's own noun
        if after:
            named = [o for s, o in after if s.code or s.label == "OTHER"]
            return (named or [after[0][1]])[0], True
        return inherited, False

    @staticmethod
    def _actions(text: str, v: Span, actions: list[Span]) -> list[Span]:
        """The actions that may govern ``v``, best first: the nearest full verb before
        it (a 共有 yields to a verb after the number), the verbs after it, then
        modifiers (报送备案的…)."""
        before = [a for a in actions if a.end <= v.start][::-1]
        # a verb after the number governs it, but not one inside what opens a note or
        # the parts (29件（其中撤销11件…）)
        note = _NOTE_OPEN.search(text, v.end, v.end + 40)
        after = [a for a in actions if a.start >= v.end and (note is None or a.start < note.start())]
        # 未取得执法证件的46名 / 16名未取得执法证的人员: a negated verb in a 的-phrase only
        # describes the noun
        before = [a for a in before if not ("blocked" in a.flags and "的" in text[a.end:v.start])]
        # (43名年审不合格人员: a negated verb right before a noun describes it too)
        after = [a for a in after if not ("blocked" in a.flags and (_MODIFIES_NOUN.match(text, a.end)
                                                                    or lexicon_matchers()[1].match(text, a.end)))]
        main_before = [a for a in before if "modifier" not in a.flags]
        main_after = [a for a in after if "modifier" not in a.flags and not _describes(text, v, a)]
        # 受理案件连同上年结转的14件: the verb before 连同 speaks of the other half
        joined = _JOINED.search(text, main_before[0].end, v.start) if main_before else None
        if joined and any(joined.end() <= a.start and "modifier" in a.flags for a in before):
            main_before = [a for a in main_before if a.start >= joined.end()]
        # 审结4件，1件正在审理中: a verb right after the count beats one that governs an
        # earlier count
        if main_before and main_after and len(text[v.end:main_after[0].start].strip()) <= 1 \
                and next(find_numbers(text[main_before[0].end:v.start]), None) is not None:
            main_before = []
        if main_before and "weak" in main_before[0].flags and main_after:
            ordered = main_after + main_before[1:] + main_before[:1]
        else:
            ordered = main_before + main_after
        rest = [a for a in before + after if a not in ordered]
        return ordered + [a for a in main_after if a not in ordered] + rest

    @staticmethod
    def _adjacent_noun(text: str, v: Span, nouns: list[tuple[Span, Owner]], code: str) -> bool:
        """行政复议案件17件 / 17件行政复议案件 / 行政复议案件共17件."""
        for s, o in nouns:
            if o != ("SUBJECT", code):
                continue
            gap = text[s.end:v.start] if s.end <= v.start else text[v.end:s.start]
            if len(gap) <= 3 and not re.search(r"[，,；;。]", gap):
                return True
        return False

    @staticmethod
    def _bare_prefix(text: str, cs: int, v: Span, clause: list[Span]) -> bool:
        """Only a noun or a few particles before the number (监督证12人, 较上年的27件):
        the clause may borrow the sentence's action."""
        prefix = text[cs:v.start]
        for s in clause:
            if s.label in ("SUBJECT", "OTHER", "TIME") and s.end <= v.start:
                prefix = prefix.replace(s.text, "")
        return len(_PREFIX_NOISE.sub("", prefix)) <= MAX_BARE_PREFIX

    @staticmethod
    def _time(v: Span, clause: list[Span], governing: Span | None) -> Span | None:
        """The nearest time phrase before the count inside its clause when it is a
        comparison (较上年的41件) or follows the governing one (上年结转47件、今年新收345件);
        else the time governing the clause."""
        before = [t for t in clause if t.label == "TIME" and t.end <= v.start]
        if before and (before[-1].comparison or governing is None or before[-1].start > governing.start):
            return before[-1]
        return governing

    @staticmethod
    def _breakdown_label(text: str, cs: int, v: Span, clause: list[Span]) -> str | None:
        """The category a part-count is split by: the bare noun phrase before it
        (其中书面案件625件 → 书面案件)."""
        prev_values = [s.end for s in clause if s.label == "VALUE" and s.end <= v.start]
        start = max([cs] + prev_values)
        # (婚姻家庭纠纷612件: a subject's bare head ending the label names a kind of it)
        if any(s.label in ("ACTION", "OTHER") or (s.label == "SUBJECT" and s.code and not (
                0 <= v.start - s.end <= 1 and len(s.text) <= 2 and _CJK.search(text, start, s.start)))
               for s in clause if start <= s.start and s.end <= v.start):
            return None
        label = _LABEL_STRIP.sub("", text[start:v.start].strip("，,、；;：: 　（("))
        respondent = _RESPONDENT.fullmatch(label)     # 以县政府为被告的19件: by respondent, 县政府
        label = respondent.group(1) if respondent else label
        if 2 <= len(label) <= 15 and _CJK.search(label) and not _COMPARE_WORD.search(label):
            return label
        return None

    @staticmethod
    def _is_delta(text: str, cs: int, v: Span) -> bool:
        """较上年增加12件: the 12 is a change, not a count."""
        before = text[cs:v.start]
        return bool(_DELTA_BEFORE.search(before)) and bool(_COMPARE_WORD.search(before))

    @staticmethod
    def _implied(clause_text: str, cs: int, actions: list[Span], st: _Sentence, goes_on: bool = False) -> list[Link]:
        """…审查通过5份行政规范性文件,均…完成备案 → the 5 was also filed; 并报…备案 continues."""

        def text_between(a: Span, b: Span) -> str:
            return clause_text[a.end - cs:b.start - cs]

        if not st.group or not actions:
            return []
        goes_on = goes_on and not _ALL_OF.search(clause_text)
        if not (_ALL_OF.search(clause_text) or (st.implied and (goes_on or _AND_THEN.match(clause_text)))) \
                or _REST.search(clause_text):
            return []    # 其余均予以维持 speaks of other cases
        st.implied = True
        out = []
        subject = st.group[-1].subject
        done = {(l.value, l.action) for l in st.group}
        # (均依法妥善办理 says they were dealt with: no count of its own)
        # (a clause going on with no 均 of its own: not one giving a rate, 备案审查通过率100%)
        fitting = [a for a in actions if "blocked" not in a.flags and a.code in _subject_info(subject)["actions"]
                   and not (goes_on and ("modifier" in a.flags or _RATE.search(clause_text)))
                   and not _MEASURE_AFTER.match(clause_text, a.end - cs)]     # 备案审查率均列全省前列
        fitting = [a for a in fitting
                   if a.code != st.group[-1].action and lexicon.actions()[a.code].get("implied_by_all", True)]
        # 制发后均报备, 均在发布后15日内报备: a time, not a deed — unless no other verb is
        # (均经司法局合法性审核后印发)
        fitting = [a for a in fitting if not clause_text.startswith("后", a.end - cs)] or fitting
        chosen = fitting[:1]
        for a in fitting[1:]:       # 全部经过合法性审核并报备: the 并-joined verb too
            if re.fullmatch(r"并[^，,；;。]*", text_between(chosen[-1], a)):
                chosen.append(a)
        # 14件，其中区政府文件5件、部门文件9件，均经审核: the total (its parts are in it)
        group = [l for l in st.group if l.breakdown is None] or st.group
        for a in chosen:
            for l in group:
                if (l.value, a.code) not in done and a.code in _subject_info(l.subject)["actions"]:
                    done.add((l.value, a.code))
                    out.append(Link(l.value, l.subject, a.code, l.time, l.breakdown,
                                    round(l.confidence - 0.1, 3), SOURCE))
        return out


def _respective_labels(text: str, cs: int, clause: list[Span], values: list[Span]) -> dict[Span, str]:
    """其中区城管局、区市场监管局分别为412名、236名: pair the listed parts with the values
    (as breakdowns), when nothing but names stands before 分别."""
    at = text.find("分别", cs, values[0].start) if values else -1
    if at < 0 or any(s.label in ("ACTION", "VALUE") and s.start < at for s in clause):
        return {}
    head = _LABEL_STRIP.sub("", text[cs:at].strip("，,、；;：: 　"))
    labels = [x.strip() for x in _LIST_SPLIT.split(head)]
    if len(labels) < 2 or len(labels) != len(values) or not all(2 <= len(x) <= 15 for x in labels):
        return {}
    return dict(zip(values, labels))


def _respectively(text: str, cs: int, actions: list[Span], values: list[Span]) -> dict[Span, str]:
    """收到、受理行政复议申请分别为45件、40件: pair the actions and values in order."""
    at = text.find("分别", cs, values[0].start) if values else -1
    if at < 0:
        return {}
    listed = [a for a in actions if a.end <= at and "blocked" not in a.flags]
    if len(listed) < 2 or len(listed) != len(values):
        return {}
    return {v: a.code for v, a in zip(values, listed)}
