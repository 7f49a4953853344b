import copy
import json
import xml.dom.minidom

from fazhi_ie.annotations import GoldDoc, load_gold, validate_doc
from fazhi_ie.labelstudio import from_task, label_config, to_task

from .conftest import ROOT

MENTIONS = ("subject_span", "action_span", "time_span")


def _norm(facts):
    return sorted((json.dumps({k: f.get(k) for k in sorted(f)}, ensure_ascii=False) for f in facts))


def test_label_config_is_xml_with_every_code():
    cfg = label_config()
    xml.dom.minidom.parseString(cfg)
    assert 'value="admin_reconsideration"' in cfg and 'value="revoked_cert"' in cfg


def test_round_trip_keeps_every_fact():
    docs = load_gold(ROOT / "annotations" / "train_c1.jsonl")[:8] + load_gold(ROOT / "annotations" / "seeds.jsonl")
    for doc in docs:
        again = from_task(json.loads(json.dumps(to_task(doc))))
        want = [{**{k: f.get(k) for k in f}, **{m: f.get(m) for m in MENTIONS}} for f in doc.facts]
        assert _norm(again.facts) == _norm(want), doc.id
        assert validate_doc(again) == []


def test_a_relabelled_action_region_changes_the_fact():
    text = "2021年共收到行政复议申请7宗。"
    s = text.index("7宗")
    fact = {"subject": "admin_reconsideration", "action": "received", "value": 7, "unit": "宗",
            "qualifier": "exact", "year": 2021, "period": "2021年", "measure": None, "section": [],
            "breakdown": None, "span": [s, s + 2], "subject_span": [text.index("行政复议申请"), s],
            "action_span": [text.index("收到"), text.index("收到") + 2], "time_span": [0, 5]}
    task = to_task(GoldDoc("t", text, None, 2021, [fact]))
    corrected = copy.deepcopy(task)
    for r in corrected["annotations"][0]["result"]:
        if r.get("type") == "labels" and r["value"]["labels"] == ["received"]:
            r["value"]["labels"] = ["accepted"]
    [f] = from_task(corrected).facts
    assert (f["subject"], f["action"], f["value"]) == ("admin_reconsideration", "accepted", 7)


def test_predictions_export_as_pre_annotations():
    from fazhi_ie import extract
    text = "2021年共收到行政复议申请7宗,受理6宗。"
    doc = extract(text)
    gold = GoldDoc("p", text, doc.issuer, doc.report_year, [f.to_dict() for f in doc.facts])
    task = to_task(gold, as_prediction=True)
    assert "predictions" in task and "annotations" not in task
    assert [(f["action"], f["value"]) for f in from_task(task).facts] == [("received", 7), ("accepted", 6)]


def test_cli_export_import_round_trip(tmp_path):
    from fazhi_ie.cli import main
    tasks, back = tmp_path / "tasks.json", tmp_path / "gold.jsonl"
    assert main(["annotations", "export", str(ROOT / "annotations" / "seeds.jsonl"), "-o", str(tasks)]) == 0
    assert main(["annotations", "import", str(tasks), "-o", str(back)]) == 0
    assert main(["annotations", "validate", str(back)]) == 0
    original = load_gold(ROOT / "annotations" / "seeds.jsonl")
    again = load_gold(back)
    assert [len(d.facts) for d in again] == [len(d.facts) for d in original]


def test_cli_pre_annotates_text_files(tmp_path):
    from fazhi_ie.cli import main
    report = tmp_path / "r.txt"
    report.write_text("2021年共收到行政复议申请7宗,受理6宗。", encoding="utf-8")
    tasks = tmp_path / "tasks.json"
    assert main(["annotations", "export", str(report), "--predict", "-o", str(tasks)]) == 0
    [task] = json.loads(tasks.read_text(encoding="utf-8"))
    assert task["predictions"][0]["result"]
