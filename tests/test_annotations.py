import json

import pytest

from fazhi_ie.annotations import GoldDoc, load_dataset, load_splits, validate_doc
from fazhi_ie.cli import main

from .conftest import ROOT

TEXT = "2021年,共收到行政复议申请7宗,受理6宗。"


def fact(**over):
    f = {"subject": "admin_reconsideration", "action": "received", "value": 7, "unit": "宗",
         "qualifier": "exact", "year": 2021, "period": "2021年", "measure": None, "section": [],
         "breakdown": None, "span": [TEXT.index("7宗"), TEXT.index("7宗") + 2],
         "subject_span": [TEXT.index("行政复议申请"), TEXT.index("行政复议申请") + 6],
         "action_span": [TEXT.index("收到"), TEXT.index("收到") + 2], "time_span": [0, 5]}
    f.update(over)
    return f


def test_valid_record_and_its_entities_and_relations():
    doc = GoldDoc("x", TEXT, None, 2021, [fact()])
    assert validate_doc(doc) == []
    assert [(e["label"], e["text"]) for e in doc.entities()] == [
        ("TIME", "2021年"), ("ACTION", "收到"), ("SUBJECT", "行政复议申请"), ("VALUE", "7宗")]
    assert {r["label"] for r in doc.relations()} == {"VALUE->SUBJECT", "VALUE->ACTION", "VALUE->TIME"}


@pytest.mark.parametrize("bad,message", [
    ({"span": [100, 103]}, "not a span inside the text"),
    ({"value": 8}, "disagrees with span text"),
    ({"unit": "件"}, "unit"),
    ({"subject": "tax_cases"}, "unknown subject"),
    ({"action": "certified"}, "is not one admin_reconsideration takes"),
    ({"qualifier": "roughly"}, "unknown qualifier"),
    ({"action_span": [3, 999]}, "action_span"),
    ({"period": "今年以来"}, "period"),
])
def test_validator_catches(bad, message):
    problems = validate_doc(GoldDoc("x", TEXT, None, 2021, [fact(**bad)]))
    assert any(message in p for p in problems), problems


def test_validate_command_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "text": TEXT, "facts": [fact()]}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "b", "text": TEXT, "facts": [fact(span=[0, 2])]}, ensure_ascii=False)
                   + "\n", encoding="utf-8")
    assert main(["annotations", "validate", str(good)]) == 0
    assert main(["annotations", "validate", str(good), str(bad)]) == 1
    assert "bad.jsonl:1 b:" in capsys.readouterr().out


def test_the_bundled_corpus_is_valid(capsys):
    assert main(["annotations", "validate", str(ROOT / "annotations")]) == 0


def test_splits_are_disjoint_and_load_as_a_datasetdict():
    splits = load_splits(ROOT / "annotations" / "splits.json")
    ids = [d.id for docs in splits.values() for d in docs]
    assert len(ids) == len(set(ids))
    ds = load_dataset(ROOT / "annotations" / "splits.json")
    assert set(ds) == {"train", "dev", "test"}
    assert all(len(ds[s]) > 0 for s in ds)
    row = ds["train"][0]
    assert {"id", "text", "entities", "relations", "facts"} <= set(row)


def test_a_document_in_two_splits_is_an_error(tmp_path):
    rec = json.dumps({"id": "a", "text": TEXT, "facts": []}, ensure_ascii=False) + "\n"
    (tmp_path / "one.jsonl").write_text(rec, encoding="utf-8")
    (tmp_path / "two.jsonl").write_text(rec, encoding="utf-8")
    (tmp_path / "splits.json").write_text(json.dumps({"train": ["one.jsonl"], "test": ["two.jsonl"]}))
    with pytest.raises(ValueError, match="both"):
        load_splits(tmp_path / "splits.json")


def test_agreement_of_an_annotation_with_itself_and_with_a_changed_copy():
    from fazhi_ie.evaluate import agreement
    doc = GoldDoc("x", TEXT, None, 2021, [fact()])
    same = agreement([doc], {"x": [fact()]})
    assert same["facts"]["f1"] == 1.0 and same["fields"]["year"] == 1.0
    other = agreement([doc], {"x": [fact(action="accepted", year=2020)]})
    assert other["facts"]["f1"] == 0.0 and other["spans"]["f1"] == 1.0
    assert other["fields"]["action"] == 0.0 and other["fields"]["subject"] == 1.0


def test_stats_command_prints_every_split(capsys):
    assert main(["annotations", "stats", str(ROOT / "annotations" / "splits.json")]) == 0
    out = capsys.readouterr().out
    assert "| train |" in out and "| test |" in out and "admin_reconsideration" in out
