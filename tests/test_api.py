import json
import subprocess
import sys

import pytest

from fazhi_ie import Document, Extractor, ModelNotAvailableError, extract, lexicon
from fazhi_ie.schema import FACT_COLUMNS, FRAME_COLUMNS, action_codes, subject_codes

TEXT = "2021年度,共收到行政复议案件17件,其中受理案件11件,已办结8件,3件正在办理中。"


@pytest.mark.parametrize("text", ["", "   ", "\n\t\u3000\n"])
def test_empty_text_gives_empty_document(text):
    doc = extract(text)
    assert isinstance(doc, Document) and doc.facts == []


@pytest.mark.parametrize("bad", [None, b"bytes", 42, ["list"]])
def test_non_str_raises_type_error(bad):
    with pytest.raises(TypeError, match="str"):
        extract(bad)


def test_unknown_backend():
    with pytest.raises(ValueError, match="backend"):
        extract(TEXT, backend="magic")


def test_model_backend_without_a_model_is_a_clear_error(monkeypatch):
    from fazhi_ie import Extractor

    monkeypatch.setattr("fazhi_ie.model.load.has_shipped_model", lambda: False)
    with pytest.raises(ModelNotAvailableError, match="no trained model"):
        Extractor(backend="model")
    assert Extractor(backend="auto").tagger.__class__.__name__ == "RuleTagger"   # auto falls back to the rules


def test_to_dict_is_the_contract_shape():
    d = extract(TEXT, report_year=2021).to_dict()
    assert list(d) == ["issuer", "report_year", "facts"]
    assert list(d["facts"][0]) == list(FACT_COLUMNS)
    assert list(FACT_COLUMNS) == ["subject", "action", "value", "unit", "qualifier", "year", "period",
                                  "measure", "section", "breakdown", "evidence", "span", "source", "confidence"]
    json.dumps(d, ensure_ascii=False)   # JSON-serialisable
    assert d["facts"][0]["span"] == [TEXT.index("17件"), TEXT.index("17件") + 3]


def test_from_dict_round_trips():
    doc = extract(TEXT, report_year=2021)
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again.to_dict() == doc.to_dict()


def test_to_frame():
    frame = extract(TEXT, report_year=2021).to_frame()
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert frame["value"].tolist() == [17, 11, 8, 3]


def test_pipe_keeps_order_and_ids():
    ex = Extractor(backend="rules")
    texts = [TEXT, "", "2020年共收到行政诉讼案件16宗。"]
    docs = list(ex.pipe(texts))
    assert [len(d.facts) for d in docs] == [4, 0, 1]
    pairs = list(ex.pipe(zip(texts, ["a", "b", "c"]), as_tuples=True))
    assert [ctx for _, ctx in pairs] == ["a", "b", "c"]
    assert [d.id for d, _ in pairs] == ["a", "b", "c"]
    assert ex(TEXT).to_dict() == docs[0].to_dict()


def test_deterministic():
    assert extract(TEXT).to_dict() == extract(TEXT).to_dict()


def test_codes_come_from_the_lexicon():
    assert set(subject_codes()) >= {"admin_reconsideration", "admin_litigation", "normative_document",
                                     "enforcement_personnel", "supervision_personnel"}
    assert lexicon.core_subjects() == {"admin_reconsideration", "admin_litigation", "normative_document",
                                       "enforcement_personnel", "supervision_personnel"}
    actions = set(action_codes())
    for code, entry in lexicon.subjects().items():
        assert set(entry["actions"]) <= actions, code
        assert entry.get("bare") in (None, *entry["actions"])
    # the model gate names each subject once, and only subjects
    assert set(lexicon.load("model_gate")) == set(subject_codes())


def test_lexicon_rejects_duplicate_keys():
    import yaml
    with pytest.raises(lexicon.LexiconError):
        yaml.load("a: 1\na: 2\n", Loader=lexicon._UniqueKeyLoader)


def test_import_is_light():
    code = "import sys, fazhi_ie; print(sorted(m for m in ('torch','transformers','spacy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_readme_lists_exactly_the_lexicon_subjects(root):
    import re
    readme = (root / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `subject`"))
    assert set(re.findall(r"`([a-z_]+)`", row)) - {"subject"} == set(subject_codes())
