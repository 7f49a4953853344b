import csv
import json

from fazhi_ie.cli import main

TEXT = "某县人民政府2021年法治政府建设年度报告\n2021年,共收到行政复议申请7宗,受理6宗,已审结5宗。\n"


def test_extract_folder_to_csv_with_gbk_and_a_broken_file(tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(TEXT, encoding="utf-8")
    (reports / "b.txt").write_bytes(TEXT.encode("gbk"))
    (reports / "c.txt").write_bytes(b"\xff\xfe\x00\x00\xff\xff\xff" * 10 + b"\x00\x01")
    out = tmp_path / "facts.csv"
    assert main(["extract", str(reports), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "c.txt" in err and "skipped" in err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 6
    assert {r["doc_id"].rsplit("/", 1)[-1] for r in rows} == {"a.txt", "b.txt"}
    assert {r["action"] for r in rows} == {"received", "accepted", "concluded"}


def test_extract_refuses_to_overwrite(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "facts.jsonl"
    out.write_text("keep me", encoding="utf-8")
    assert main(["extract", str(src), "-o", str(out), "-q"]) == 2
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main(["extract", str(src), "-o", str(out), "-q", "--force"]) == 0
    [line] = out.read_text(encoding="utf-8").splitlines()
    rec = json.loads(line)
    assert list(rec) == ["id", "issuer", "report_year", "facts"] and len(rec["facts"]) == 3


def test_extract_jsonl_to_stdout(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert main(["extract", str(src), "-q"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["issuer"] == "某县人民政府" and rec["report_year"] == 2021


def test_evaluate_prints_scores(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    fact = {"subject": "admin_reconsideration", "action": "received", "value": 7, "unit": "宗",
            "qualifier": "exact", "year": 2021, "period": "2021年", "measure": None, "section": [],
            "breakdown": None, "span": [TEXT.index("7宗"), TEXT.index("7宗") + 2]}
    gold.write_text(json.dumps({"id": "x", "text": TEXT, "facts": [fact]}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    assert main(["evaluate", str(gold), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["core"]["tp"] == 1 and scores["core"]["fp"] == 2 and scores["core"]["fn"] == 0
    assert scores["accuracy"]["year"] == 1.0


def test_missing_input_is_a_clear_error(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.txt"), "-q"]) == 1
    assert "nope.txt" in capsys.readouterr().err
