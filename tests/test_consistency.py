import itertools

import pytest

from fazhi_ie import ConsistencyWarning, Document, Fact, check, extract
from fazhi_ie.consistency import BREAKDOWN_CODE, CASELOAD, RULES
from fazhi_ie.schema import action_codes, subject_codes

RC, LIT, ND, EP = "admin_reconsideration", "admin_litigation", "normative_document", "enforcement_personnel"


MENTIONS = itertools.count(0, 10)


def fact(subject, action, value, qualifier="exact", year=2021, breakdown=None, at=None):
    """A fact at its own number mention (or at ``at``)."""
    at = next(MENTIONS) if at is None else at
    return Fact(subject=subject, action=action, value=value, unit="件", qualifier=qualifier, year=year,
                period=None, measure=None, section=[], breakdown=breakdown, evidence=f"sentence {at}",
                span=(at, at + 2), source="rules", confidence=0.9)


def doc(*facts):
    return Document(issuer="某县人民政府", report_year=2021, facts=list(facts))


# (facts, the warning codes they must give)
DISAGREE = [
    ([fact(RC, "received", 7), fact(RC, "accepted", 9)], ["accepted_exceeds_received"]),
    ([fact(RC, "received", 7), fact(RC, "rejected", 8)], ["rejected_exceeds_received"]),
    ([fact(RC, "received", 7), fact(RC, "accepted", 6), fact(RC, "rejected", 3)],
     ["accepted_and_rejected_exceed_received"]),
    ([fact(RC, "accepted", 11), fact(RC, "concluded", 8), fact(RC, "pending", 5)],
     ["concluded_and_pending_exceed_caseload"]),
    ([fact(LIT, "received", 10), fact(LIT, "concluded", 12)], ["concluded_exceeds_caseload"]),
    ([fact(RC, "concluded", 10), fact(RC, "upheld", 6), fact(RC, "revoked", 5)], ["outcomes_exceed_concluded"]),
    ([fact(LIT, "concluded", 10), fact(LIT, "won", 9), fact(LIT, "lost", 2)], ["judgements_exceed_concluded"]),
    ([fact(EP, "headcount", 300), fact(EP, "certified", 350)], ["certified_exceeds_headcount"]),
    ([fact("supervision_personnel", "examined", 20), fact("supervision_personnel", "passed", 25)],
     ["passed_exceeds_examined"]),
    ([fact(ND, "cleaned_up", 100), fact(ND, "repealed", 60), fact(ND, "revised", 50)],
     ["clean_up_results_exceed_cleaned_up"]),
    ([fact(LIT, "received", 18), fact(LIT, "received", 12, breakdown="书面"), fact(LIT, "received", 7, breakdown="口头")],
     [BREAKDOWN_CODE]),
    ([fact(LIT, "received", 18), fact(LIT, "received", 20, breakdown="市中院")], [BREAKDOWN_CODE]),
    ([fact(EP, "certified", 593), fact(EP, "certified", 56), fact(EP, "certified", 600, breakdown="市级")],
     [BREAKDOWN_CODE]),
    ([fact(EP, "certified", 593), fact(EP, "certified", 56), fact(EP, "certified", 400, breakdown="市级"),
      fact(EP, "certified", 300, breakdown="县级")], [BREAKDOWN_CODE]),
    # a count reported as more than the caseload even at its lowest reading
    ([fact(RC, "received", 100, "at_most"), fact(RC, "accepted", 150, "at_least")], ["accepted_exceeds_received"]),
]

# (facts that fit together, or cannot be shown not to)
AGREE = [
    [fact(RC, "received", 17), fact(RC, "accepted", 11), fact(RC, "concluded", 8), fact(RC, "pending", 3)],
    [fact(RC, "received", 200, "at_least"), fact(RC, "accepted", 210)],          # 200余 may be 210
    [fact(RC, "received", 100, "about"), fact(RC, "accepted", 105)],             # 约100: 90 … 110
    [fact(RC, "received", 7), fact(RC, "accepted", 9, year=2022)],               # different years
    [fact(RC, "received", 7), fact(LIT, "accepted", 9)],                         # different subjects
    [fact(RC, "received", 7), fact(RC, "accepted", 9, breakdown="书面")],         # a part is no total
    # concluded cases include those carried over: the caseload is received + carried over …
    [fact(RC, "received", 172), fact(RC, "pending", 15, year=2020), fact(RC, "concluded", 176)],
    # … or the reported total to handle
    [fact(LIT, "handled", 243), fact(LIT, "received", 205), fact(LIT, "concluded", 196), fact(LIT, "pending", 36)],
    # one count read twice (two departments): the most favourable reading
    [fact(RC, "received", 7, at=0), fact(RC, "received", 12, at=10), fact(RC, "accepted", 9, at=20)],
    # withdrawn is not an outcome of its own (a withdrawal ends as 终止)
    [fact(RC, "concluded", 10), fact(RC, "upheld", 6), fact(RC, "terminated", 4), fact(RC, "withdrawn", 4)],
    [fact(LIT, "received", 18), fact(LIT, "received", 11, breakdown="书面"), fact(LIT, "received", 7, breakdown="口头")],
    # 调解和解后终止审理35件: one number, two outcomes, 35 cases once
    [fact(RC, "concluded", 239), fact(RC, "upheld", 204), fact(RC, "mediated", 35, at=500),
     fact(RC, "terminated", 35, at=500)],
    # a table with two columns of one action (持证 593 and 新申领 56) split by department
    [fact(EP, "certified", 593), fact(EP, "certified", 56), fact(EP, "certified", 400, breakdown="市级"),
     fact(EP, "certified", 40, breakdown="市级"), fact(EP, "certified", 193, breakdown="县级"),
     fact(EP, "certified", 16, breakdown="县级")],
    [],
]


@pytest.mark.parametrize("facts, codes", DISAGREE)
def test_counts_that_disagree_give_warnings(facts, codes):
    warnings = check(doc(*facts))
    assert [w.code for w in warnings] == codes
    involved = {id(f) for w in warnings for f in w.facts}
    assert involved <= {id(f) for f in facts} and len(involved) >= 2
    assert all(isinstance(w, ConsistencyWarning) and w.message for w in warnings)


@pytest.mark.parametrize("facts", AGREE)
def test_counts_that_fit_give_no_warning(facts):
    assert check(doc(*facts)) == []


def test_a_warning_says_what_disagrees_and_changes_nothing():
    d = doc(fact(RC, "received", 7, at=0), fact(RC, "accepted", 9, at=10))
    before = d.to_dict()
    [w] = d.warnings()
    assert w.message == "admin_reconsideration 2021: accepted = 9 > received = 7"
    assert [f.action for f in w.facts] == ["received", "accepted"]
    assert w.to_dict()["facts"][1]["value"] == 9
    assert d.to_dict() == before and list(d.to_dict()) == ["issuer", "report_year", "facts"]


def test_implied_warnings_are_left_out():
    # accepted > received already explains accepted + rejected > received
    d = doc(fact(RC, "received", 7), fact(RC, "accepted", 9), fact(RC, "rejected", 2))
    assert [w.code for w in check(d)] == ["accepted_exceeds_received"]


def test_end_to_end_on_extracted_text():
    d = extract("2021年共收到行政复议申请7件,受理9件。")
    assert [w.code for w in d.warnings()] == ["accepted_exceeds_received"]
    assert extract("2021年度,共收到行政复议案件17件,其中受理案件11件,已办结8件,3件正在办理中。").warnings() == []


def test_check_refuses_what_is_not_a_document():
    with pytest.raises(TypeError, match="Document"):
        check({"facts": []})


def test_rules_use_lexicon_codes():
    for rule in RULES:
        assert set(rule.whole) | set(rule.part) <= set(action_codes()), rule.code
        assert rule.subjects is None or set(rule.subjects) <= set(subject_codes()), rule.code
    assert set(CASELOAD) <= set(action_codes())
    assert len({r.code for r in RULES}) == len(RULES)
