"""Assertions shared by the property and hostile-input tests."""

INVISIBLE = "\u200b\ufeff"


def assert_spans_quote_evidence(text: str, doc) -> None:
    """Every fact's span lies inside ``text``, and the characters it covers (invisible
    and control characters aside) are quoted by the fact's evidence."""
    for f in doc.facts:
        s, e = f.span
        assert 0 <= s < e <= len(text)
        visible = "".join(c for c in text[s:e] if c.isprintable() and c not in INVISIBLE)
        assert visible in f.evidence.replace("\r", "")
