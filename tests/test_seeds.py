"""End to end on the four bundled real reports against their hand annotations."""
import pytest

from fazhi_ie import extract
from fazhi_ie.evaluate import _same_measure, load_gold, match, score

from .conftest import ROOT

GOLD = load_gold(ROOT / "annotations" / "seeds.jsonl")


@pytest.fixture(scope="module")
def predicted():
    return [extract(d.text, backend="rules") for d in GOLD]


def test_core_f1_floor(predicted):
    result = score(GOLD, predicted)
    misses = [m for m in result.misses if m[2]["subject"] in
              {"admin_reconsideration", "admin_litigation", "normative_document",
               "enforcement_personnel", "supervision_personnel"}]
    assert result.core.f1 >= 0.97, misses
    assert result.accuracy("year[core]") >= 0.95
    assert result.accuracy("measure[core]") >= 0.95


@pytest.mark.parametrize("i", range(len(GOLD)), ids=[d.id for d in GOLD])
def test_every_field_of_matched_facts(i, predicted):
    gold, doc = GOLD[i], predicted[i]
    assert doc.issuer == gold.issuer or gold.id.startswith("001")   # 001 never names its issuer
    assert doc.report_year == gold.report_year
    for g, p in match(gold.facts, [f.to_dict() for f in doc.facts]):
        for name in ("unit", "qualifier", "year"):
            assert g[name] == p[name], (name, g, p)
        assert p["span"] == g["span"]
        assert _same_measure(g["measure"], p["measure"]), (g["measure"], p["measure"])
        assert len(p["section"]) == len(g["section"]), (g["section"], p["section"])
        assert p["source"] == "rules" and 0 < p["confidence"] <= 1
        assert gold.text[p["span"][0]:p["span"][1]] in p["evidence"]


def test_planning_document_has_no_core_facts(predicted):
    [plan] = [doc for d, doc in zip(GOLD, predicted) if d.id.startswith("001")]
    assert [f for f in plan.facts if f.is_core] == []


def test_repeated_passage_counted_once(predicted):
    doc = predicted[0]
    keys = [(f.subject, f.action, f.value) for f in doc.facts]
    assert keys.count(("admin_reconsideration", "received", 17)) == 1
