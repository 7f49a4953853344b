"""What the rules read: the input made uniform, with a map back to the input.

Scraped reports arrive as HTML pages, in traditional characters, with full-width
digits, zero-width and control characters and mixed line endings. :func:`prepare`
turns any of them into a :class:`PreparedText`:

- ``text``: what the extractor reads. Markup, scripts and styles are dropped (block
  tags become line breaks, table cells ``|``), character references are decoded,
  zero-width and control characters are removed, ``\\r\\n`` and ``\\r`` become ``\\n``,
  full-width digits and letters become ASCII, and a text written in traditional
  characters is read in simplified ones (OpenCC ``t2s``).
- ``display``: the same characters before the last two steps (same length as
  ``text``), i.e. the input's own characters without markup. Evidence quotes it.
- :meth:`PreparedText.to_input` maps a ``[start, end)`` range of ``text`` back to
  the input, so every span a fact reports indexes the string the caller passed in,
  HTML source included.

The map is kept as segments, not one offset per character: a plain text that needs
no change costs one segment, whatever its length.
"""
from __future__ import annotations

import functools
import html
import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from html.parser import HTMLParser

# removed: zero-width characters, soft hyphen, BOM, C0/C1 controls except \t and \n,
# and lone surrogates (no decoder makes them, but a str may hold them)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
_SPECIAL = re.compile(rf"[{_INVISIBLE}]+|\r\n?")
_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     "．": ".", "％": "%", "\u00a0": " "})
_WIDE = re.compile("[" + "".join(re.escape(chr(c)) for c in _WIDTH) + "]")
# a text is read as traditional Chinese when t2s changes at least this share of its
# characters; simplified text changes by a handful (t2s maps e.g. 覆 → 复)
TRADITIONAL_SHARE = 0.01
SAMPLE_CHARS = 5_000

_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|br|table|tr|td|span|script|style|meta|li|h[1-6])\b[^>]*>", re.I)
_BLOCK_TAGS = frozenset(
    "p div br li ul ol tr table tbody thead h1 h2 h3 h4 h5 h6 section article header footer "
    "nav title blockquote pre dd dt dl hr form center".split())
_CELL_TAGS = frozenset(("td", "th"))
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


def looks_like_html(raw: str) -> bool:
    """True when the text carries HTML markup (two or more common tags near its top)."""
    found = 0
    for _ in _HTML_TAG.finditer(raw, 0, 200_000):
        found += 1
        if found >= 2:
            return True
    return False


@dataclass(frozen=True)
class PreparedText:
    text: str
    display: str
    input_length: int
    # segment i covers text[starts[i]:starts[i+1]]; it copies the input from
    # origins[i] on, one character for one, or (where ends[i] >= 0) it is a single
    # character standing for input[origins[i]:ends[i]] (a character reference, a line
    # break made from a tag or \r\n, collapsed white space)
    starts: array
    origins: array
    ends: array

    def to_input(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` in ``text`` → the same range in the input."""
        if end <= start:
            at = self._offset(start)
            return at, at
        return self._offset(start), self._end(end - 1)

    def _offset(self, i: int) -> int:
        if i >= len(self.text):
            return self.input_length
        k = bisect_right(self.starts, i) - 1
        return self.origins[k] + (0 if self.ends[k] >= 0 else i - self.starts[k])

    def _end(self, i: int) -> int:
        k = bisect_right(self.starts, i) - 1
        return self.ends[k] if self.ends[k] >= 0 else self.origins[k] + i - self.starts[k] + 1


class _Builder:
    """Accumulates the read text and its segments."""

    def __init__(self, raw: str) -> None:
        self.raw, self.parts, self.length = raw, [], 0
        self.starts, self.origins, self.ends = array("q"), array("q"), array("q")

    def copy(self, start: int, end: int) -> None:
        """The input's ``[start, end)``, invisible characters dropped, line ends made \\n."""
        at = start
        for m in _SPECIAL.finditer(self.raw, start, end):
            self._verbatim(at, m.start())
            if m.group().startswith("\r"):
                self.one("\n", m.start(), m.end())
            at = m.end()
        self._verbatim(at, end)

    def _verbatim(self, start: int, end: int) -> None:
        if end <= start:
            return
        n = len(self.starts)
        contiguous = (n and self.ends[-1] < 0
                      and self.origins[-1] + (self.length - self.starts[-1]) == start)
        if not contiguous:
            self._segment(start, -1)
        self.parts.append(self.raw[start:end])
        self.length += end - start

    def one(self, char: str, start: int, end: int) -> None:
        """One character standing for the input's ``[start, end)``."""
        self._segment(start, end)
        self.parts.append(char)
        self.length += 1

    def _segment(self, origin: int, end: int) -> None:
        self.starts.append(self.length)
        self.origins.append(origin)
        self.ends.append(end)

    def last_char(self) -> str:
        return self.parts[-1][-1] if self.parts else "\n"

    def build(self) -> PreparedText:
        display = "".join(self.parts)
        text = _read_form(display)
        if not self.starts:
            self._segment(len(self.raw), -1)
        return PreparedText(text, display, len(self.raw), self.starts, self.origins, self.ends)


def _read_form(display: str) -> str:
    text = display.translate(_WIDTH) if _WIDE.search(display) else display
    simplified = _t2s(text)
    if len(simplified) != len(text):          # a phrase rule changed the length: go line by line
        simplified = "".join(_line_t2s(line) for line in text.splitlines(keepends=True))
    if simplified == text:
        return text
    sample = min(len(text), SAMPLE_CHARS)          # the share is measured on the opening
    changed = sum(map(str.__ne__, text[:sample], simplified[:sample]))
    return simplified if changed and changed >= TRADITIONAL_SHARE * sample else text


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    return _converter().convert(text)


def _line_t2s(line: str) -> str:
    out = _t2s(line)
    if len(out) == len(line):
        return out
    return "".join(c if len(s := _t2s(c)) != 1 else s for c in line)


class _HTMLReader(HTMLParser):
    """Walks an HTML page, copying its text into a builder with input offsets."""

    def __init__(self, builder: _Builder) -> None:
        super().__init__(convert_charrefs=False)
        self.b, self.skip = builder, 0
        raw = builder.raw
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _break(self, char: str) -> None:
        start = self._pos()
        end = self.b.raw.find(">", start) + 1 or start + 1
        if char == "\n" and self.b.last_char() == "\n":
            return
        self.b.one(char, start, end)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif not self.skip and tag in _BLOCK_TAGS:
            self._break("\n")
        elif not self.skip and tag in _CELL_TAGS and self.b.last_char() != "\n":
            self._break("|")

    def handle_startendtag(self, tag, attrs):
        if not self.skip and tag in _BLOCK_TAGS:
            self._break("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif not self.skip and tag in _BLOCK_TAGS:
            self._break("\n")

    def handle_data(self, data):
        if self.skip:
            return
        start = self._pos()
        at = start
        for m in _HTML_SPACE.finditer(data):
            self.b.copy(at, start + m.start())
            before, after = self.b.last_char(), data[m.end():m.end() + 1]
            # source line wrapping is not a line break, and between CJK characters it
            # is nothing; elsewhere it is one space
            if before not in "\n|" and (before.isascii() or (after and after.isascii())):
                self.b.one(" ", start + m.start(), start + m.end())
            at = start + m.end()
        self.b.copy(at, start + len(data))

    def _reference(self, raw_ref: str, start: int) -> None:
        if self.skip:
            return
        char = html.unescape(raw_ref)
        if len(char) == 1 and char != raw_ref:
            self.b.one(char, start, start + len(raw_ref))
        else:
            self.b.copy(start, start + len(raw_ref))

    def handle_entityref(self, name):
        start = self._pos()
        semi = self.b.raw.startswith(f"&{name};", start)
        self._reference(f"&{name}{';' if semi else ''}", start)

    def handle_charref(self, name):
        start = self._pos()
        semi = self.b.raw.startswith(f"&#{name};", start)
        self._reference(f"&#{name}{';' if semi else ''}", start)


def prepare(raw: str, *, html_input: bool | None = None) -> PreparedText:
    """The text the extractor reads, with its map back to ``raw``.

    ``html_input=None`` detects markup (:func:`looks_like_html`); ``True``/``False``
    force reading ``raw`` as HTML or as plain text.
    """
    builder = _Builder(raw)
    if html_input is None:
        html_input = looks_like_html(raw)
    if html_input:
        reader = _HTMLReader(builder)
        reader.feed(raw)
        reader.close()
    else:
        builder.copy(0, len(raw))
    return builder.build()
