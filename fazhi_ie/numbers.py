"""Numbers in running text: Arabic, full-width and Chinese numerals, 万/亿, 余/多.

``parse_value(surface)`` parses one numeral string; ``find_numbers(text)`` finds
every count mention (a number with a count unit) and returns offsets into the
unmodified text. All numeral knowledge lives in ``lexicon/numerals.yaml``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator

from . import lexicon

# Full-width digits and dot fold 1:1 onto ASCII, so offsets never shift.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


# a four-digit year, ASCII, full-width or in Chinese digits (二〇一六); checked by year_value
YEAR_PATTERN = r"([12１２][0-9０-９]{3}|[一二][〇零○一二三四五六七八九]{3})"
_CHINESE_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")


def year_value(surface: str) -> int | None:
    """'2021', '２０２１' or '二〇二一' → 2021; None outside 1949–2099."""
    year = int(surface.translate(_FULLWIDTH).translate(_CHINESE_DIGITS))
    return year if 1949 <= year <= 2099 else None


@dataclass(frozen=True)
class NumberMention:
    start: int          # offset of the first numeral character
    end: int            # offset after the unit
    value: int | float
    unit: str | None
    qualifier: str      # exact | at_least | about | at_most
    surface: str


@functools.cache
def _data() -> dict:
    return lexicon.load("numerals")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _patterns() -> dict[str, re.Pattern]:
    d = _data()
    cn_chars = "".join(d["digits"]) + "".join(d["small_units"]) + "".join(d["magnitudes"])
    arabic = r"[0-9０-９]+(?:,[0-9]{3}(?![0-9]))*(?:[.．][0-9０-９]+)?"
    mag = "".join(d["magnitudes"])
    inner = "".join(d["qualifiers"]["inner"])
    number = rf"(?:{arabic}(?:[{mag}](?![{cn_chars}]))?|[{cn_chars}]+)"
    units = _alt(list(d["count_units"]) + list(d["non_count_units"]))
    prefix = _alt(d["qualifiers"]["prefix"])
    suffix = _alt(d["qualifiers"]["suffix"])
    mention = (
        rf"(?P<prefix>{prefix})?"
        rf"(?P<num>{number})(?P<inner>[{inner}])?(?P<mag>[{mag}])?(?P<inner2>[{inner}])?"
        rf"(?P<unit>{units})?(?P<suffix>{suffix})?"
    )
    return {
        "organisation": re.compile(rf"[^，,；;。、\s0-9０-９]{{0,8}}?(?:{_alt(d['organisations'])})"),
        "mention": re.compile(mention),
        "arabic": re.compile(rf"^{arabic}$"),
        "slogans": re.compile(_alt(d["slogans"])),
    }


def _parse_chinese(s: str) -> int:
    d = _data()
    digits, small, mags = d["digits"], d["small_units"], d["magnitudes"]
    total, section, current = 0, 0, None
    for ch in s:
        if ch in digits:
            if current is not None:   # a digit string such as 二〇二一: positional
                current = current * 10 + digits[ch]
            else:
                current = digits[ch]
        elif ch in small:
            section += (1 if current is None else current) * small[ch]
            current = None
        elif ch in mags:
            section += current or 0
            if section == 0:
                section = 1
            total = (total + section) * mags[ch] if mags[ch] > 10000 else total + section * mags[ch]
            section, current = 0, None
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + section + (current or 0)


def parse_value(surface: str) -> int | float:
    """Parse a numeral string: '17', '１７', '31.5万', '十三', '两', '1.126亿', '二十'.

    Raises ValueError for anything that is not a number.
    """
    if not isinstance(surface, str) or not surface.strip():
        raise ValueError(f"not a number: {surface!r}")
    s = surface.strip().translate(_FULLWIDTH).replace(",", "")
    mags = _data()["magnitudes"]
    factor = 1
    if s[-1] in mags and s[:-1] and _patterns()["arabic"].match(s[:-1]):
        factor, s = mags[s[-1]], s[:-1]
    if _patterns()["arabic"].match(s):
        value = float(s) * factor if "." in s else int(s) * factor
    else:
        value = _parse_chinese(s) * factor
    if isinstance(value, float):
        value = round(value, 6)
        if value.is_integer():
            value = int(value)
    return value


# a numeral right after these is an ordinal, a document number or part of a longer number
_NOT_BEFORE = frozenset("第〔[［0123456789０１２３４５６７８９.．")


def find_numbers(text: str) -> Iterator[NumberMention]:
    """Yield every count mention in ``text``: a number followed by a count unit.

    Years, dates, document numbers, money, percentages, ordinals (第一, 一是) and
    slogans (四个意识) are skipped.
    """
    d = _data()
    pats = _patterns()
    count_units = set(d["count_units"])
    quals = d["qualifiers"]
    slogan_spans = [m.span() for m in pats["slogans"].finditer(text)]
    for m in pats["mention"].finditer(text):
        unit = m.group("unit")
        if unit not in count_units:
            continue
        num = m.group("num")
        start = m.start("num")
        if start > 0 and text[start - 1] in _NOT_BEFORE:
            continue
        if num == "一" and start > 0 and text[start - 1] in d["one_not_after"]:
            continue          # 统一部署, 进一步
        if unit == "个" and pats["organisation"].match(text, m.end("unit")):
            continue          # 26个执法部门: organisations, not counts
        if any(s <= start < e for s, e in slogan_spans):
            continue
        try:
            base = parse_value(num + (m.group("mag") or ""))
        except ValueError:
            continue
        qualifier = "exact"
        if m.group("inner") or m.group("inner2"):
            qualifier = "at_least"
        elif m.group("prefix") and m.group("prefix") in quals["prefix"]:
            qualifier = quals["prefix"][m.group("prefix")]
        elif m.group("suffix"):
            qualifier = quals["suffix"][m.group("suffix")]
        end = m.end("unit")
        yield NumberMention(start, end, base, unit, qualifier, text[start:end])
