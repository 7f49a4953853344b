import pytest

from fazhi_ie.numbers import find_numbers, parse_value

PARSE = [
    ("17", 17), ("１７", 17), ("31.5万", 315000), ("1.126亿", 112600000), ("十三", 13), ("两", 2),
    ("二十", 20), ("一百零五", 105), ("三万五千", 35000), ("十", 10), ("1,234", 1234), ("3.5", 3.5),
    ("二〇二一", 2021), ("5万", 50000), ("一千二百", 1200),
]


@pytest.mark.parametrize("surface,value", PARSE)
def test_parse_value(surface, value):
    assert parse_value(surface) == value


@pytest.mark.parametrize("surface", ["", "  ", "abc", "件", "十三件"])
def test_parse_value_rejects(surface):
    with pytest.raises(ValueError):
        parse_value(surface)


# text -> (surface, value, unit, qualifier) of every count mention
FIND = [
    ("共收到行政复议案件17件", [("17件", 17, "件", "exact")]),
    ("办件量31.5万件", [("31.5万件", 315000, "件", "exact")]),
    ("累计200余次", [("200余次", 200, "次", "at_least")]),
    ("人数达3.2万余人", [("3.2万余人", 32000, "人", "at_least")]),
    ("听取专题汇报两次,召开推进会十三次", [("两次", 2, "次", "exact"), ("十三次", 13, "次", "exact")]),
    ("办理二十余件", [("二十余件", 20, "件", "at_least")]),
    ("约200件", [("200件", 200, "件", "about")]),
    ("100人左右", [("100人", 100, "人", "about")]),
    ("超过500人", [("500人", 500, "人", "at_least")]),
    ("300人以上", [("300人", 300, "人", "at_least")]),
    ("不到10件", [("10件", 10, "件", "at_most")]),
    ("９０００余家(次)", [("９０００余家", 9000, "家", "at_least")]),
    ("受理１２件", [("１２件", 12, "件", "exact")]),
    ("新增1,234名", [("1,234名", 1234, "名", "exact")]),
]


@pytest.mark.parametrize("text,expected", FIND)
def test_find_numbers(text, expected):
    got = [(n.surface, n.value, n.unit, n.qualifier) for n in find_numbers(text)]
    assert got == expected
    for n in find_numbers(text):
        assert text[n.start:n.end] == n.surface


MUST_NOT_EXTRACT = [
    "2021年", "二〇二一年", "〔2021〕9号", "红法政办〔2021〕3号", "增强“四个意识”", "做到“两个维护”",
    "一是加强领导", "第一批", "第3次会议", "12345热线", "调成率98%", "12月底", "6月份", "投入20多万元",
    "涉及标的额1.126亿", "最多跑一次", "一件事一次办", "20个工作日内", "“十四五”规划", "三项制度",
    "压缩比达90%", "提高3个百分点",
]


@pytest.mark.parametrize("text", MUST_NOT_EXTRACT)
def test_not_a_count(text):
    assert list(find_numbers(text)) == []
