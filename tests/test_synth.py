from fazhi_ie.annotations import GoldDoc, validate_doc
from training.synth import chinese_numeral, generate


def test_chinese_numerals():
    assert [chinese_numeral(n) for n in (2, 10, 13, 20, 105, 1200, 30005)] == \
        ["两", "十", "十三", "二十", "一百零五", "一千二百", "三万零五"]


def test_synthetic_passages_are_valid_gold_and_deterministic():
    records = generate(300, seed=7)
    assert records == generate(300, seed=7)
    n_facts = 0
    for rec in records:
        doc = GoldDoc(rec["id"], rec["text"], rec["issuer"], rec["report_year"], rec["facts"])
        assert validate_doc(doc) == [], (rec["text"], validate_doc(doc))
        n_facts += len(rec["facts"])
    assert n_facts > 300
