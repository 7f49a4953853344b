"""Scraped and messy input: HTML, traditional characters, full-width digits, invisible
and control characters, mixed line endings, junk. The facts must be those of the clean
text, and every span must index the input exactly as given."""
import html
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_ie import extract
from fazhi_ie.text_input import looks_like_html, prepare

from .checks import assert_spans_quote_evidence

PLAIN = ("某县人民政府2021年法治政府建设年度报告\n"
         "一、加强行政复议工作\n"
         "2021年,共收到行政复议申请17件,其中依法受理11件,已审结9件。"
         "全年行政机关负责人出庭应诉23次。\n"
         "二、规范性文件管理\n"
         "审查规范性文件12件,报备8件。\n")


def readings(doc):
    return [(f.subject, f.action, f.value, f.unit, f.year, f.measure, f.breakdown) for f in doc.facts]


def test_plain_reference_has_facts():
    assert len(extract(PLAIN, backend="rules").facts) >= 5


def as_html(text: str) -> str:
    body = "".join(f"<p>\n  {html.escape(line).replace(',', '&#44;')}\n</p>" for line in text.splitlines())
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>政务公开</title>"
            "<style>p { margin: 0 }</style>"
            "<script>var junk = '<p>行政复议案件999件</p>';</script></head>"
            f"<body><div class='nav'>首页 &gt; 政务公开 &gt; 法治政府</div>{body}"
            "<div class='footer'>版权所有 &copy; 2022</div></body></html>")


def test_html_page_gives_the_facts_of_its_text_with_spans_into_the_source():
    page = as_html(PLAIN)
    doc = extract(page, backend="rules")
    assert readings(doc) == readings(extract(PLAIN, backend="rules"))
    for f in doc.facts:
        s, e = f.span
        mention = html.unescape(page[s:e])
        assert mention.startswith(str(f.value)) and mention in f.evidence
        assert "<" not in f.evidence
    assert 999 not in [f.value for f in doc.facts]          # script content is not text


def test_html_table_cells_become_a_flattened_table():
    page = ("<html><body><p>2022年行政复议案件办理情况如下：</p><table>"
            "<tr><th>项目</th><th>数量</th></tr>"
            "<tr><td>收到行政复议申请</td><td>35件</td></tr>"
            "<tr><td>受理</td><td>30件</td></tr></table></body></html>")
    read = prepare(page).text
    assert "项目|数量" in read and "受理|30件" in read


def test_html_detection_is_conservative():
    assert looks_like_html(as_html(PLAIN))
    assert not looks_like_html(PLAIN)
    assert not looks_like_html("收到行政复议申请<17>件,a<b 且 c>d")
    # forced either way
    assert prepare("<p>x</p>", html_input=False).text == "<p>x</p>"
    assert prepare("共<b>17</b>件", html_input=True).text == "共17件"


def test_traditional_characters_read_as_simplified_spans_and_evidence_in_the_original():
    traditional = PLAIN.translate(str.maketrans("复议审结应诉规范报备县个",
                                                "複議審結應訴規範報備縣個"))
    doc = extract(traditional, backend="rules")
    assert readings(doc) == readings(extract(PLAIN, backend="rules"))
    for f in doc.facts:
        assert traditional[f.span[0]:f.span[1]] in f.evidence
        assert f.evidence in traditional


def test_simplified_text_is_not_converted():
    text = "实现行政执法监督全覆盖,收到行政复议申请5件。"
    assert prepare(text).text == text          # t2s alone would turn 覆 into 复


@pytest.mark.parametrize("digits", ["１７", "17"])
def test_full_width_digits(digits):
    text = f"2021年共收到行政复议申请{digits}件。"
    [fact] = extract(text, backend="rules").facts
    assert fact.value == 17 and text[fact.span[0]:fact.span[1]] == f"{digits}件"


def test_invisible_characters_inside_words_and_numbers():
    text = "2021年共收到行政\u200b复议申请1\u200d7\ufeff件,其中受理\x0711件。"
    doc = extract(text, backend="rules")
    assert [(f.action, f.value) for f in doc.facts] == [("received", 17), ("accepted", 11)]
    s, e = doc.facts[0].span
    assert text[s:e] == "1\u200d7\ufeff件"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(newline):
    text = PLAIN.replace("\n", newline)
    doc = extract(text, backend="rules")
    assert readings(doc) == readings(extract(PLAIN, backend="rules"))
    for f in doc.facts:
        assert text[f.span[0]:f.span[1]] in f.evidence


def test_binary_junk_and_mojibake_are_read_without_error():
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(20_000))
    for text in (junk.decode("latin-1"), junk.decode("utf-8", "replace"),
                 PLAIN.encode("gb18030").decode("latin-1"), "\x00" * 1000 + PLAIN):
        doc = extract(text, backend="rules")
        for f in doc.facts:
            assert 0 <= f.span[0] < f.span[1] <= len(text)


def test_a_very_long_line():
    text = "收到行政复议申请17件," * 20_000
    doc = extract(text, report_year=2021, backend="rules")
    assert doc.facts and all(f.value == 17 for f in doc.facts)


MESSY = st.text(alphabet=st.sampled_from(
    list("收到行政复议申請案件17１７件其中受理,，。\n\r\u200b\ufeff\x00\x07<>/&;#pdivbr amp nbsp 　")),
    max_size=300)


@settings(max_examples=200, deadline=None)
@given(MESSY, st.sampled_from([None, True, False]))
def test_prepare_maps_every_range_back_inside_the_input(raw, as_html_input):
    p = prepare(raw, html_input=as_html_input)
    assert len(p.text) == len(p.display)
    last = 0
    for i in range(len(p.text)):
        s, e = p.to_input(i, i + 1)
        assert last <= s < e <= len(raw)
        last = s
    assert p.to_input(len(p.text), len(p.text)) == (len(raw), len(raw))


@settings(max_examples=100, deadline=None)
@given(MESSY)
def test_extract_on_messy_text_keeps_spans_on_their_evidence(raw):
    assert_spans_quote_evidence(raw, extract(raw, report_year=2021, backend="rules"))


@pytest.mark.parametrize("encoding,text", [
    ("gbk", PLAIN), ("gb18030", PLAIN), ("utf-16", PLAIN), ("utf-8-sig", PLAIN),
    ("big5", __import__("opencc").OpenCC("s2t").convert(PLAIN)),
])
def test_files_in_legacy_encodings_are_read(tmp_path, encoding, text):
    from fazhi_ie.io import read_text

    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    assert read_text(path) == text


def test_binary_file_is_refused_with_its_name(tmp_path):
    from fazhi_ie.io import UnreadableFileError, read_text

    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02" * 100)
    with pytest.raises(UnreadableFileError, match="scan.pdf"):
        read_text(path)


def test_lone_surrogates_and_astral_characters():
    text = "2021年共收到行政复议申请\ud83d17件,\U0002a6e7其中受理\udc0011件。"
    doc = extract(text, backend="rules")
    assert [(f.action, f.value) for f in doc.facts] == [("received", 17), ("accepted", 11)]
