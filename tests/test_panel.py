import pytest

from fazhi_ie import Document, Fact, panel
from fazhi_ie.frames import facts_frame
from fazhi_ie.panels import PANEL_COLUMNS

RC, LIT = "admin_reconsideration", "admin_litigation"


def fact(subject, action, value, year, at, qualifier="exact", breakdown=None):
    return Fact(subject=subject, action=action, value=value, unit="件", qualifier=qualifier, year=year,
                period=None, measure=None, section=["一、工作情况"], breakdown=breakdown, evidence=f"s{at}",
                span=(at, at + 3), source="rules", confidence=0.9)


REPORT_2021 = Document("甲县人民政府", 2021, [
    fact(RC, "received", 17, 2021, 10),
    fact(RC, "received", 12, 2021, 20, breakdown="书面"),       # a part: not in the panel
    fact(RC, "accepted", 11, 2021, 30),
    fact(RC, "received", 15, 2020, 40),                          # 较上年15件: goes to 2020
    fact(RC, "concluded", 200, 2021, 50, qualifier="at_least"),
    fact("dispute", "resolved", 300, 2021, 60),                  # extended: not by default
    fact(LIT, "received", 18, None, 70),                         # year unknown: left out
], id="a.txt")
REPORT_2020 = Document("甲县人民政府", 2020, [
    fact(RC, "received", 16, 2020, 10),                          # the 2020 report's own figure
    fact(RC, "received", 14, 2020, 90),                          # repeated later, another value
], id="b.txt")
NO_ISSUER = Document(None, 2021, [fact(LIT, "received", 5, 2021, 5)], id="c.txt")
DOCS = [REPORT_2021, REPORT_2020, NO_ISSUER]


def cell(long, issuer, year, indicator):
    rows = long[(long.issuer == issuer) & (long.year == year) & (long.indicator == indicator)]
    assert len(rows) == 1, (issuer, year, indicator)
    return rows.iloc[0]


def test_long_panel_cells():
    long = panel(DOCS)
    assert list(long.columns) == list(PANEL_COLUMNS)
    assert set(zip(long.issuer, long.year, long.indicator)) == {
        ("甲县人民政府", 2021, "admin_reconsideration.received"),
        ("甲县人民政府", 2021, "admin_reconsideration.accepted"),
        ("甲县人民政府", 2021, "admin_reconsideration.concluded"),
        ("甲县人民政府", 2020, "admin_reconsideration.received"),
        ("c.txt", 2021, "admin_litigation.received"),              # no issuer: the document stands alone
    }
    assert cell(long, "甲县人民政府", 2021, "admin_reconsideration.received").value == 17   # the total, not 书面
    # 2020: three readings; the 2020 report's first mention wins, the conflict stays visible
    row = cell(long, "甲县人民政府", 2020, "admin_reconsideration.received")
    assert (row.value, row.doc_id, row.n_mentions, row.n_values) == (16, "b.txt", 3, 3)
    row = cell(long, "甲县人民政府", 2021, "admin_reconsideration.concluded")
    assert (row.value, row.qualifier) == (200, "at_least")
    # sorted by issuer, year, then lexicon order (received before accepted before concluded)
    first = long[long.issuer == "甲县人民政府"]
    assert list(first.indicator) == ["admin_reconsideration.received", "admin_reconsideration.received",
                                     "admin_reconsideration.accepted", "admin_reconsideration.concluded"]


def test_wide_panel_keeps_qualifiers_beside_values():
    wide = panel(DOCS, wide=True)
    assert list(dict.fromkeys(wide.columns.get_level_values(0))) == ["value", "qualifier"]
    assert list(wide.index) == [("c.txt", 2021), ("甲县人民政府", 2020), ("甲县人民政府", 2021)]
    assert wide.loc[("甲县人民政府", 2021), ("value", "admin_reconsideration.received")] == 17
    assert wide.loc[("甲县人民政府", 2021), ("qualifier", "admin_reconsideration.concluded")] == "at_least"
    assert list(wide["value"].columns)[:3] == ["admin_reconsideration.received", "admin_reconsideration.accepted",
                                               "admin_reconsideration.concluded"]


def test_options_and_inputs():
    assert "dispute.resolved" in set(panel(DOCS, subjects="all").indicator)
    assert set(panel(DOCS, subjects=["dispute"]).indicator) == {"dispute.resolved"}
    assert "admin_reconsideration.concluded" not in set(panel(DOCS, exact_only=True).indicator)
    assert panel(facts_frame(DOCS)).equals(panel(DOCS))          # a facts table works the same
    assert panel(REPORT_2020).value.tolist() == [16]
    assert panel([]).empty and list(panel([]).columns) == list(PANEL_COLUMNS)
    with pytest.raises(ValueError, match="unknown subject"):
        panel(DOCS, subjects=["cases"])
    with pytest.raises(TypeError, match="Documents"):
        panel(["text"])
    with pytest.raises(ValueError, match="facts table"):
        panel(facts_frame(DOCS).drop(columns=["breakdown"]))
