import pickle
import subprocess
import sys
from importlib.metadata import entry_points

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from fazhi_ie import Extractor, Fact
from fazhi_ie.segmenter import blank_zh, find_pkuseg_model
from fazhi_ie.spacy_pipe import FactsComponent, displacy_colors, displacy_options

TEXT = ("2021年度,共收到行政复议案件17件,其中受理案件11件,已办结8件,3件正在办理中。"
        "2021年度,红旗区共审查通过5份行政规范性文件,均向市司法局及区人大完成备案。")
RULES = Extractor(backend="rules")


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh")
    nlp.add_pipe("fazhi_ie", config={"backend": "rules"})
    return nlp


def test_facts_and_entities_on_character_tokens(nlp):
    doc = nlp(TEXT)
    expected = RULES(TEXT).facts
    assert doc._.facts == expected and all(isinstance(f, Fact) for f in doc._.facts)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("17件", "admin_reconsideration.received"), ("11件", "admin_reconsideration.accepted"),
        ("8件", "admin_reconsideration.concluded"), ("3件", "admin_reconsideration.pending"),
        ("5份", "normative_document.reviewed")]
    for ent in doc.ents:                       # character tokens: entities are the exact spans
        assert any((ent.start_char, ent.end_char) == f.span for f in ent._.facts)
    # 5份 carries two facts: one entity, both facts on it and in the span group
    assert [(f.action, f.value) for f in doc.ents[-1]._.facts] == [("reviewed", 5), ("filed", 5)]
    group = doc.spans["fazhi_facts"]
    assert [s.label_ for s in group][-2:] == ["normative_document.reviewed", "normative_document.filed"]
    assert len(group) == len(expected)
    assert doc._.fazhi_document.to_dict() == RULES(TEXT).to_dict()


def test_pipe_with_two_processes_keeps_order_and_facts(nlp):
    texts = [TEXT, "", "2020年共收到行政诉讼案件16宗。", TEXT[:40]]
    single = [[(f.subject, f.action, f.value) for f in d._.facts] for d in nlp.pipe(texts)]
    docs = list(nlp.pipe(texts, n_process=2, batch_size=1))
    assert [d.text for d in docs] == texts
    assert [[(f.subject, f.action, f.value) for f in d._.facts] for d in docs] == single
    assert [len(d.ents) for d in docs] == [5, 0, 1, 4]


def test_annotations_survive_docbin(nlp):
    data = DocBin(docs=[nlp(TEXT)], store_user_data=True).to_bytes()
    [doc] = DocBin().from_bytes(data).get_docs(nlp.vocab)
    assert doc._.facts == RULES(TEXT).facts
    assert doc.ents[0].label_ == "admin_reconsideration.received"


def test_registered_through_the_entry_point_in_a_fresh_interpreter():
    assert "fazhi_ie" in {ep.name for ep in entry_points(group="spacy_factories")}
    code = ("import spacy, sys; nlp = spacy.blank('zh'); nlp.add_pipe('fazhi_ie', config={'backend': 'rules'}); "
            "print([e.label_ for e in nlp('共收到行政复议案件17件').ents])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['admin_reconsideration.received']"


def test_entities_expand_to_word_tokens():
    nlp = spacy.blank("zh")
    component = FactsComponent(nlp, backend="rules")
    text = "共收到行政复议案件17件,其中受理案件11件。"
    # a segmenter that glued the number to its neighbours, and put two numbers in one token
    doc = Doc(nlp.vocab, words=["共收到", "行政复议", "案件", "17件,其中", "受理案件11件。"], spaces=[False] * 5)
    assert doc.text == text
    component(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("17件,其中", "admin_reconsideration.received"),
                                                      ("受理案件11件。", "admin_reconsideration.accepted")]
    glued = Doc(nlp.vocab, words=["共收到行政复议案件", "17件,其中受理案件11件", "。"], spaces=[False] * 3)
    component(glued)
    assert [e.text for e in glued.ents] == ["17件,其中受理案件11件"]    # one entity for the word
    assert len(glued._.facts) == 2 and len(glued.spans["fazhi_facts"]) == 2   # no fact lost


def test_bad_input_gives_clear_errors(nlp):
    with pytest.raises(ValueError, match="Chinese"):
        spacy.blank("en").add_pipe("fazhi_ie")
    with pytest.raises(ValueError, match="backend"):
        spacy.blank("zh").add_pipe("fazhi_ie", config={"backend": "magic"})
    with pytest.raises(ValueError):
        nlp(42)                                   # spaCy refuses anything but text or a Doc
    with pytest.raises(TypeError, match="Doc"):
        nlp.get_pipe("fazhi_ie")("共收到行政复议案件17件")
    with pytest.raises(TypeError, match="Language"):
        FactsComponent("zh")


def test_config_and_saved_pipelines(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("fazhi_ie", config={"backend": "rules", "report_year": 2019, "spans_key": "facts"})
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    doc = again("今年共收到行政复议案件5件。")
    assert again.pipe_names == ["fazhi_ie"] and doc._.facts[0].year == 2019 and len(doc.spans["facts"]) == 1
    with pytest.raises(Exception, match="report_year"):
        spacy.blank("zh").add_pipe("fazhi_ie", config={"report_year": "2019年"})


def test_component_pickles_for_spawned_workers(nlp):
    again = pickle.loads(pickle.dumps(nlp.get_pipe("fazhi_ie")))
    doc = spacy.blank("zh")(TEXT)
    assert again(doc)._.facts == RULES(TEXT).facts


def test_displacy_colours_every_label_and_renders(nlp):
    colors = displacy_colors()
    doc = nlp(TEXT)
    assert {e.label_ for e in doc.ents} <= set(colors)
    assert colors["admin_reconsideration.received"] == colors["admin_reconsideration.concluded"]
    assert colors["admin_reconsideration.received"] != colors["normative_document.reviewed"]
    html = spacy.displacy.render(doc, style="ent", options=displacy_options())
    assert "admin_reconsideration.received" in html and colors["admin_reconsideration.received"] in html
    html = spacy.displacy.render(doc, style="span", options=displacy_options("fazhi_facts"))
    assert "normative_document.filed" in html


def test_blank_zh_without_a_model_uses_characters(tmp_path, monkeypatch):
    monkeypatch.setenv("FAZHI_IE_PKUSEG_MODEL", str(tmp_path / "none"))
    assert find_pkuseg_model() is None
    assert [t.text for t in blank_zh()("行政复议")] == ["行", "政", "复", "议"]
    with pytest.raises(FileNotFoundError, match="training.pkuseg_model"):
        blank_zh(segmenter="pkuseg")
    with pytest.raises(FileNotFoundError, match="not a converted pkuseg model"):
        blank_zh(tmp_path)
    with pytest.raises(ValueError, match="segmenter"):
        blank_zh(segmenter="jieba")


PKUSEG_MODEL = find_pkuseg_model()


@pytest.mark.slow
@pytest.mark.skipif(PKUSEG_MODEL is None, reason="no converted pkuseg model (make one with "
                    "`python -m training.pkuseg_model`, or set FAZHI_IE_PKUSEG_MODEL)")
def test_word_tokens_through_pkuseg_without_unpickling(monkeypatch, nlp):
    import pickle as pickle_module

    import spacy_pkuseg

    def refuse(*args, **kwargs):
        raise AssertionError("a pickle was loaded")

    monkeypatch.setattr(pickle_module, "load", refuse)
    monkeypatch.setattr(pickle_module, "loads", refuse)
    monkeypatch.setattr(spacy_pkuseg.pkl, "load", refuse)
    words = blank_zh()
    assert words.tokenizer.segmenter == "pkuseg"
    monkeypatch.undo()
    words.add_pipe("fazhi_ie", config={"backend": "rules"})
    doc = words(TEXT)
    assert doc.text == TEXT
    assert any(len(t) > 1 and not t.like_num for t in doc)        # words, not characters
    assert "行政" in {t.text for t in doc} or "复议" in {t.text for t in doc}
    assert doc._.facts == RULES(TEXT).facts
    labels = [e.label_ for e in doc.ents]
    assert labels == [e.label_ for e in nlp(TEXT).ents]
    for ent in doc.ents:                          # token-aligned and covering their facts
        assert ent.start_char == doc[ent.start].idx and ent.end_char == doc[ent.end - 1].idx + len(doc[ent.end - 1])
        assert all(ent.start_char <= f.span[0] and f.span[1] <= ent.end_char for f in ent._.facts)
        assert ent._.facts
