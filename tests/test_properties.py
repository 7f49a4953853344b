"""Properties of extract() on arbitrary text (hypothesis)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi_ie import extract

from .checks import assert_spans_quote_evidence

PASSAGE = "2021年度,共收到行政复议申请17件,其中受理11件,已办结8件。"
# report-like alphabet: digits, numerals, units, subject and action words, punctuation, noise
ALPHABET = st.sampled_from(list("0123456789０１２一二两三十百千万余多约件宗起份人名次个项年月日号"
                                "行政复议诉讼应规范性文件执法证监督人员收到受理办结审结备案审查废止"
                                "其中共均另去今截至，,。；;：:、|\n （）()〔〕“”《》 abc%"))
TEXTS = st.text(alphabet=ALPHABET, max_size=400)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_no_crash_spans_inside_and_deterministic(text):
    doc = extract(text, report_year=2021, backend="rules")
    assert_spans_quote_evidence(text, doc)
    assert extract(text, report_year=2021, backend="rules").to_dict() == doc.to_dict()


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("天气很好我们今天去公园散步看花听鸟唱歌")), max_size=200))
def test_unrelated_text_appended_leaves_the_facts(noise):
    base = [(f.subject, f.action, f.value) for f in extract(PASSAGE, report_year=2021).facts]
    more = [(f.subject, f.action, f.value) for f in extract(PASSAGE + "\n" + noise, report_year=2021).facts]
    assert more == base


def test_repeating_the_passage_keeps_one_copy_of_each_fact():
    once = [(f.subject, f.action, f.value) for f in extract(PASSAGE, report_year=2021).facts]
    thrice = [(f.subject, f.action, f.value) for f in extract("\n".join([PASSAGE] * 3), report_year=2021).facts]
    assert thrice == once
