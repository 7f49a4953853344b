import io
import json

import pytest

from fazhi_ie import Document, Extractor
from fazhi_ie.annotations import load_gold
from fazhi_ie.cli import main
from fazhi_ie.frames import arrow_schema, facts_frame, read_documents, read_facts
from fazhi_ie.io import FactWriter, format_for, iter_files, read_text, write_facts
from fazhi_ie.schema import FRAME_COLUMNS, FRAME_TYPES

pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def corpus_docs(root):
    ex = Extractor(backend="rules")
    return [ex(read_text(p), id=p.name) for p in iter_files([root / "corpus"])]


def test_every_column_has_one_documented_type():
    assert list(FRAME_TYPES) == list(FRAME_COLUMNS)
    assert set(FRAME_TYPES.values()) <= {"string", "int", "float"}
    assert arrow_schema().names == list(FRAME_COLUMNS)
    assert [str(t) for t in arrow_schema().types][:3] == ["string", "string", "int64"]


def test_cli_writes_parquet_csv_and_jsonl_with_the_same_rows(root, tmp_path, capsys):
    tables = {}
    for suffix in ("parquet", "csv", "jsonl"):
        out = tmp_path / f"facts.{suffix}"
        assert main(["extract", str(root / "corpus"), "-o", str(out), "-q"]) == 0
        tables[suffix] = read_facts(out)
    assert pq.read_schema(tmp_path / "facts.parquet").equals(arrow_schema())
    assert len(tables["parquet"]) > 40
    assert tables["parquet"].equals(tables["csv"]) and tables["parquet"].equals(tables["jsonl"])
    assert str(tables["parquet"]["year"].dtype) == "Int64" and tables["parquet"]["value"].dtype == "float64"


def test_parquet_matches_the_documents(corpus_docs, tmp_path):
    out = write_facts(corpus_docs, tmp_path / "facts.parquet")
    table = pq.read_table(out).to_pylist()
    rows = [row for doc in corpus_docs for row in doc.rows()]
    assert [(r["doc_id"], r["subject"], r["action"], r["value"], r["span"]) for r in table] == \
           [(r["doc_id"], r["subject"], r["action"], r["value"], r["span"]) for r in rows]
    assert read_facts(out).equals(facts_frame(corpus_docs))
    with pytest.raises(FileExistsError):
        write_facts(corpus_docs, out)


def test_parquet_row_groups_and_an_empty_output(corpus_docs, tmp_path):
    buffer = io.BytesIO()
    with FactWriter(buffer, "parquet", row_group_size=10) as writer:
        for doc in corpus_docs:
            writer.write(doc)
    meta = pq.ParquetFile(io.BytesIO(buffer.getvalue())).metadata
    assert meta.num_rows == sum(len(d) for d in corpus_docs) and meta.num_row_groups > 1
    empty = write_facts([Document(facts=[])], tmp_path / "none.parquet")
    assert pq.read_table(empty).num_rows == 0 and pq.read_schema(empty).equals(arrow_schema())


def test_formats_by_name():
    assert [format_for(n) for n in ("a.parquet", "a.csv", "a.jsonl", "a.json")] == ["parquet", "csv", "jsonl", "jsonl"]
    with pytest.raises(ValueError, match="parquet"):
        format_for("facts.xlsx")
    with pytest.raises(ValueError, match="parquet"):
        FactWriter(io.StringIO(), "xlsx")


def test_jsonl_reads_back_as_documents(corpus_docs, tmp_path):
    out = write_facts(corpus_docs, tmp_path / "facts.jsonl")
    again = read_documents(out)
    assert [d.id for d in again] == [d.id for d in corpus_docs]
    assert [d.to_dict() for d in again] == [d.to_dict() for d in corpus_docs]


def test_cli_lists_consistency_warnings(tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text("某县人民政府2021年法治政府建设年度报告\n2021年共收到行政复议申请7件,受理9件。\n",
                                   encoding="utf-8")
    (reports / "b.txt").write_text("2021年共收到行政复议申请7件,受理6件。\n", encoding="utf-8")
    assert main(["extract", str(reports), "-o", str(tmp_path / "f.csv"), "--warnings"]) == 0
    err = capsys.readouterr().err
    assert "a.txt: accepted_exceeds_received: admin_reconsideration 2021: accepted = 9 > received = 7" in err
    assert "b.txt:" not in err and "1 consistency warning\n" in err
    assert main(["extract", str(reports), "-o", str(tmp_path / "g.csv")]) == 0
    err = capsys.readouterr().err
    assert "accepted_exceeds_received" not in err and "1 consistency warning (--warnings lists them)" in err


def test_from_dict_round_trips_every_gold_documents_extraction(root):
    ex = Extractor(backend="rules")
    n_docs = n_facts = 0
    for path in sorted((root / "annotations").glob("*.jsonl")):
        for gold in load_gold(path):
            doc = ex(gold.text, report_year=gold.report_year, id=gold.id)
            record = doc.to_dict()
            assert list(record) == ["issuer", "report_year", "facts"]
            again = Document.from_dict(json.loads(json.dumps(record, ensure_ascii=False)), id=doc.id)
            assert again == doc, gold.id
            assert again.to_dict() == record
            n_docs, n_facts = n_docs + 1, n_facts + len(doc)
    assert n_docs > 100 and n_facts > 1000
