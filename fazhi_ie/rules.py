"""The rule engine: a lexicon tagger and a clause-walking linker.

The tagger marks numbers (VALUE), subject wordings (SUBJECT), look-alike
nouns that are not fact subjects (OTHER), action wordings (ACTION) and time
phrases (TIME). The linker walks each paragraph sentence by sentence and
clause by clause, giving every VALUE the subject, action and time that govern
it; subjects, actions and times carry over the way report prose carries them
(共收到行政复议案件17件,其中受理11件,已办结8件 …).
"""
from __future__ import annotations

import functools
import re
from typing import Sequence

from . import lexicon
from .numbers import find_numbers
from .passages import Sentence
from .spans import Link, Passage, Span

SOURCE = "rules"

_YEAR = r"((?:19|20)[0-9]{2})"
_MONTH = r"(?:[0-9]{1,2}月(?:份|底|末)?(?:[0-9]{1,2}日)?)"
# (pattern, how the year is read): "until" and "range" take their last year
_TIME_PATTERNS = [
    (rf"(?:截至|截止到?|至){_YEAR}年(?:度)?{_MONTH}?(?:底|末)?", "abs"),
    (rf"{_YEAR}年{_MONTH}?(?:至|到|—|-|～|~){_YEAR}年{_MONTH}?(?:底|末)?", "range"),
    (rf"{_YEAR}年(?:度)?{_MONTH}?(?:以来|全年|上半年|下半年|底|末)?", "abs"),
    (r"今年以来|今年|本年度|本年|全年|年内|当年|至今为止|至今|截至目前|目前", 0),
    (r"上一年度|上一年|上年度|上年|去年|前一年", -1),
    (r"前年", -2),
]
_COMPARISON_BEFORE = re.compile(r"(?:较|比|同比|相比|对比|与)$")
_DELTA_BEFORE = re.compile(r"(?:增加|减少|增长|下降|上升|提高|降低|多|少|增|减)了?$")
_COMPARE_WORD = re.compile(r"较|比|同比|环比")
_CONTINUATION = re.compile(r"^[\s　]*(?:其中|另有|另|此外|上述|以上|同时)")
_BREAKDOWN_OPEN = re.compile(r"其中|分别|按.{1,8}分")
_ALL_OF = re.compile(r"均|全部|都|一律|悉数")
_LABEL_STRIP = re.compile(r"^[\s　]*(?:其中|另有|另|包括|涉及|属于|为|共|有|：|:)+|(?:共|为|有|计|达|的|:|：)+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _matchers():
    nouns: dict[str, tuple[str, str | None]] = {}
    for code, entry in lexicon.subjects().items():
        for w in entry["wordings"]:
            nouns[w] = ("SUBJECT", code)
    for code, entry in lexicon.load("distractors").items():
        for w in entry["wordings"]:
            nouns[w] = ("OTHER", code)
    verbs = {w: code for code, entry in lexicon.actions().items() for w in entry["wordings"]}
    times = re.compile("|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(_TIME_PATTERNS)))
    return (nouns, re.compile(_alternation(nouns)), verbs, re.compile(_alternation(verbs)), times)


def _subject_info(code: str) -> dict:
    return lexicon.subjects()[code]


class RuleTagger:
    """Lexicon and pattern tagger. Every wording comes from ``fazhi_ie/lexicon``."""

    name = SOURCE

    def tag(self, text: str, passages: Sequence[Passage]) -> list[list[Span]]:
        return [self.tag_range(text, p.start, p.end) for p in passages]

    def tag_range(self, text: str, start: int, end: int) -> list[Span]:
        nouns, noun_re, verbs, verb_re, time_re = _matchers()
        chunk = text[start:end]
        numbers = list(find_numbers(chunk))
        if not numbers:
            return []    # nothing to count here: skip the lexicon scan
        spans: list[Span] = []
        noun_spans = []
        for m in noun_re.finditer(chunk):
            label, code = nouns[m.group()]
            noun_spans.append(Span(label, start + m.start(), start + m.end(), m.group(), code=code))
        spans += noun_spans
        others = [(s.start, s.end) for s in noun_spans if s.label == "OTHER"]
        for m in verb_re.finditer(chunk):
            s, e = start + m.start(), start + m.end()
            if any(a <= s and e <= b for a, b in others):
                continue   # 审查 inside 审查意见书
            spans.append(Span("ACTION", s, e, m.group(), code=verbs[m.group()]))
        time_ends = []
        for m in time_re.finditer(chunk):
            kind = _TIME_PATTERNS[int(m.lastgroup[1:])][1] if m.lastgroup else None
            s, e = start + m.start(), start + m.end()
            comparison = bool(_COMPARISON_BEFORE.search(chunk[max(0, m.start() - 2):m.start()]))
            if kind in ("abs", "range"):
                years = re.findall(_YEAR, m.group())
                spans.append(Span("TIME", s, e, m.group(), year=int(years[-1]), comparison=comparison))
            else:
                spans.append(Span("TIME", s, e, m.group(), shift=kind, comparison=comparison))
            time_ends.append((s, e))
        for n in numbers:
            s, e = start + n.start, start + n.end
            if any(a <= s < b for a, b in time_ends):
                continue
            spans.append(Span("VALUE", s, e, n.surface, value=n.value, unit=n.unit, qualifier=n.qualifier))
        spans.sort(key=lambda sp: (sp.start, -sp.end))
        return spans


class _State:
    """What carries over from one sentence of a paragraph to the next."""

    def __init__(self, subject: str | None):
        self.subject = subject
        self.time: Span | None = None
        self.action: str | None = None


class RuleLinker:
    """Links every VALUE to its subject, action and time by walking the clauses."""

    name = SOURCE

    def link(self, text: str, passages: Sequence[Passage], spans: Sequence[Sequence[Span]]) -> list[list[Link]]:
        return [self.link_passage(text, p, s) for p, s in zip(passages, spans)]

    def link_passage(self, text: str, passage: Passage, spans: Sequence[Span]) -> list[Link]:
        state = _State(passage.heading_subject)
        links: list[Link] = []
        for sentence in passage.sentences:
            if sentence.repeat:
                continue
            inside = [s for s in spans if sentence.start <= s.start < sentence.end]
            links += self._link_sentence(text, sentence, inside, state)
        return links

    def _link_sentence(self, text: str, sentence: Sentence, spans: list[Span], state: _State) -> list[Link]:
        nouns = [s for s in spans if s.label in ("SUBJECT", "OTHER")]
        continuation = bool(_CONTINUATION.match(sentence.text))
        # a sentence naming nothing, or opening with 其中/另…, continues the previous one
        carried = continuation or not nouns
        subject: Span | str | None = state.subject if carried else None
        time: Span | None = state.time if continuation else None
        last_action = state.action if carried else None
        head_action: str | None = None
        breakdown_mode = False
        breakdown: str | None = None
        links: list[Link] = []
        for cs, ce in sentence.clauses():
            clause = [s for s in spans if cs <= s.start < ce]
            clause_text = text[cs:ce]
            c_nouns = [s for s in clause if s.label in ("SUBJECT", "OTHER")]
            c_actions = [s for s in clause if s.label == "ACTION"]
            c_values = [s for s in clause if s.label == "VALUE"]
            if _BREAKDOWN_OPEN.search(clause_text):
                breakdown_mode = True
            for t in clause:
                if t.label == "TIME" and not t.comparison and (not c_values or t.start < c_values[0].start):
                    time = t
            if not c_values:
                links += self._implied(clause_text, c_actions, links)
                if c_nouns:
                    subject = c_nouns[-1]
                if c_actions:
                    last_action = c_actions[-1].code
                continue
            respectively = _respectively(text, cs, c_actions, c_values)
            for v in c_values:
                owner = self._owner(v, c_nouns, subject)
                if v in respectively:
                    action = action_from_clause = respectively[v]
                else:
                    action, action_from_clause = self._action(v, c_actions)
                if breakdown_mode:
                    breakdown = self._breakdown_label(text, cs, v, clause) or breakdown
                if action is None:
                    action = head_action if (breakdown_mode and head_action) else last_action
                confidence = 0.9 if action_from_clause else 0.75
                if isinstance(owner, Span) and owner.label == "OTHER":
                    subject = owner
                    continue
                code = owner.code if isinstance(owner, Span) else owner
                implied = _implied_subject(action)
                if implied and (code is None or (not isinstance(owner, Span)
                                                 and action not in _subject_info(code)["actions"])):
                    code, owner, confidence = implied, implied, confidence - 0.1
                if code is None:
                    continue
                info = _subject_info(code)
                if action not in info["actions"]:
                    if info.get("bare") and isinstance(owner, Span) and _adjacent(text, owner, v):
                        action, confidence = info["bare"], 0.6
                    else:
                        subject = owner
                        continue
                if self._is_delta(text, cs, v):
                    continue
                subject = owner
                last_action = action
                head_action = head_action or action
                links.append(Link(
                    value=v, subject=code, action=action, time=self._time(v, clause, time),
                    breakdown=breakdown,
                    confidence=confidence if isinstance(owner, Span) else confidence - 0.1,
                    source=SOURCE,
                ))
            if c_nouns and c_nouns[-1].start > c_values[-1].end:
                subject = c_nouns[-1]
        state.subject = subject.code if isinstance(subject, Span) and subject.label == "SUBJECT" else (
            None if isinstance(subject, Span) else subject)
        state.time = time
        state.action = last_action
        return links

    @staticmethod
    def _owner(v: Span, c_nouns: list[Span], inherited) -> Span | str | None:
        """The noun that owns ``v`` in its clause: an agent before it, else the nearest
        noun before it, else the first noun after it, else the inherited subject."""
        before = [n for n in c_nouns if n.end <= v.start]
        for n in before:
            if n.label == "SUBJECT" and _subject_info(n.code).get("agent"):
                return n
        if before:
            return before[-1]
        after = [n for n in c_nouns if n.start >= v.end]
        if after:
            return after[0]
        if isinstance(inherited, Span):
            return inherited if inherited.label == "OTHER" else inherited.code
        return inherited

    @staticmethod
    def _action(v: Span, c_actions: list[Span]) -> tuple[str | None, str | None]:
        before = [a for a in c_actions if a.end <= v.start]
        if before:
            return before[-1].code, before[-1].code
        after = [a for a in c_actions if a.start >= v.end]
        if after:
            return after[0].code, after[0].code
        return None, None

    @staticmethod
    def _time(v: Span, clause: list[Span], governing: Span | None) -> Span | None:
        for t in clause:
            if t.label == "TIME" and t.comparison and t.end <= v.start:
                return t
        return governing

    @staticmethod
    def _breakdown_label(text: str, cs: int, v: Span, clause: list[Span]) -> str | None:
        """The category a part-count is split by: the bare noun phrase before it
        (其中书面案件625件 → 书面案件)."""
        if any(s.label in ("ACTION", "SUBJECT", "OTHER") and s.end <= v.start for s in clause):
            return None
        prev_values = [s.end for s in clause if s.label == "VALUE" and s.end <= v.start]
        start = max([cs] + prev_values)
        label = _LABEL_STRIP.sub("", text[start:v.start].strip("，,、；;：: 　"))
        if 2 <= len(label) <= 15 and _CJK.search(label):
            return label
        return None

    @staticmethod
    def _is_delta(text: str, cs: int, v: Span) -> bool:
        """较上年增加12件: the 12 is a change, not a count."""
        before = text[cs:v.start]
        return bool(_DELTA_BEFORE.search(before)) and bool(_COMPARE_WORD.search(before))

    @staticmethod
    def _implied(clause_text: str, c_actions: list[Span], links: list[Link]) -> list[Link]:
        """…审查通过5份行政规范性文件,均…完成备案 → the 5 was also filed."""
        if not links or not c_actions or not _ALL_OF.search(clause_text):
            return []
        last = links[-1]
        out = []
        for a in c_actions:
            if a.code != last.action and a.code in _subject_info(last.subject)["actions"]:
                out.append(Link(last.value, last.subject, a.code, last.time, last.breakdown,
                                round(last.confidence - 0.1, 2), SOURCE))
                break
        return out


def _adjacent(text: str, noun: Span, value: Span) -> bool:
    """行政复议案件17件 / 17件行政复议案件 / 行政复议案件共17件."""
    if noun.end <= value.start:
        gap = text[noun.end:value.start]
    else:
        gap = text[value.end:noun.start]
    return len(gap) <= 3 and not re.search(r"[，,；;。]", gap)


@functools.cache
def _implied_subject(action: str | None) -> str | None:
    """The subject an action can only belong to (败诉 → admin_litigation, 排查 → dispute)."""
    owners = [code for code, entry in lexicon.subjects().items() if action in entry["actions"]]
    return owners[0] if len(owners) == 1 else None


def _respectively(text: str, cs: int, actions: list[Span], values: list[Span]) -> dict[Span, str]:
    """收到、受理行政复议申请分别为45件、40件: pair the actions and values in order."""
    at = text.find("分别", cs, values[0].start) if values else -1
    if at < 0:
        return {}
    listed = [a for a in actions if a.end <= at]
    if len(listed) < 2 or len(listed) != len(values):
        return {}
    return {v: a.code for v, a in zip(values, listed)}
