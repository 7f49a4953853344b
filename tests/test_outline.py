import pytest

from fazhi_ie.outline import find_issuer, find_report_year, heading_title, parse_outline

HEADINGS = [
    ("一、2021年度法治政府建设情况", "cn_dun", "一、", "2021年度法治政府建设情况"),
    ("  一、2020年主要工作及成效", "cn_dun", "一、", "2020年主要工作及成效"),
    ("(八)化解社会矛盾纠纷成效明显。2021年,共收到…", "cn_paren", "(八)", "化解社会矛盾纠纷成效明显"),
    ("（三）加强规范性文件管理", "cn_paren", "（三）", "加强规范性文件管理"),
    ("1.深化政府机构改革。按照国家统一部署,深化改革。", "num_dot", "1.", "深化政府机构改革"),
    ("12、推进严格规范公正文明执法", "num_dot", "12、", "推进严格规范公正文明执法"),
    ("(2)行政复议", "num_paren", "(2)", "行政复议"),
    ("【行政复议】全年收到行政复议申请56件。", "bracket", "【行政复议】", "行政复议"),
]


@pytest.mark.parametrize("line,style,ordinal,title", HEADINGS)
def test_heading_lines(line, style, ordinal, title):
    headings = parse_outline(line).headings
    assert headings, line
    h = headings[0]
    assert (h.style, h.ordinal, h.title) == (style, ordinal, title)


NOT_HEADINGS = [
    "2021年,共收到行政复议案件17件。",
    "1.5万件案件已办结。",
    "全区共办理12件。",
    "通过“一是一、二是二”的作风推进工作",     # 一是 mid-sentence, not a clause
    "1.维持143件;",                            # a numbered list item of counts
    "(2)撤销行政行为12件。",
    "【字号 大 中 小】【打印本页】【关闭】",          # a scraped page's toolbar
]


@pytest.mark.parametrize("line", NOT_HEADINGS)
def test_not_headings(line):
    assert parse_outline(line).headings == []


def test_clause_titles_and_scope():
    text = ("一、主要工作\n"
            "(一)化解矛盾纠纷。一是加强行政复议工作。2021年收到申请17件。二是开展规范性文件清理工作,共废止3件。\n"
            "2021年另有应诉案件5件。\n")
    outline = parse_outline(text)
    labels = [h.label for h in outline.headings]
    assert labels == ["一、主要工作", "(一)化解矛盾纠纷", "一是加强行政复议工作", "二是开展规范性文件清理工作"]
    at_17 = [h.title for h in outline.path_at(text.index("17件"))]
    assert at_17 == ["主要工作", "化解矛盾纠纷", "加强行政复议工作"]
    at_3 = outline.path_at(text.index("3件"))[-1]
    assert at_3.title == "开展规范性文件清理工作"
    # the clause ends with its paragraph: the next line falls back to (一)
    assert outline.path_at(text.index("5件"))[-1].title == "化解矛盾纠纷"


def test_heading_title_long_sentence_cut_at_clause():
    assert heading_title("开展了规范性文件清理工作,截至2020年12月,共计废止文件183件。", own_line=False) == \
        "开展了规范性文件清理工作"


@pytest.mark.parametrize("text,issuer,year", [
    ("红旗区人民政府2021年度法治政府建设工作报告\n2021年,在…", "红旗区人民政府", 2021),
    ("今天是:\n始兴县人民政府2020年法治政府建设年度报告\n", "始兴县人民政府", 2020),
    ("2022年,杭锦旗人民政府坚持以新时代中国特色社会主义思想为指导", "杭锦旗人民政府", 2022),
    ("市司法局关于2019年度法治政府建设情况的报告", "市司法局", 2019),
    ("没有年份也没有机关的一段文字。", None, None),
])
def test_issuer_and_report_year(text, issuer, year):
    assert find_issuer(text) == issuer
    assert find_report_year(text) == year


@pytest.mark.parametrize("text,year", [
    ("某县人民政府关于二〇一六年度法治政府建设工作情况的报告\n（2017年2月20日）\n", 2016),
    ("政府工作报告\n——2022年1月6日在某区第十一届人民代表大会第一次会议上\n", 2021),
    ("某市人大常委会关于规范性文件备案审查工作情况的报告\n（2017年12月20日）\n", 2017),
    ("九江年鉴（2022）·政治·法治建设\n【概况】全年组织开展活动320余场。", 2021),
    ("(二)规范性文件清理\n对1979年至2018年底制定的文件进行梳理,结果已于2019年9月公布。", 2019),
    ("2013年以来,共接收报备文件104件。2017年1月至11月,收到文件27件。", 2017),
    ("截至2025年6月底,市政府共接收行政复议申请146件。", 2025),
    ("上半年行政复议收案量增长\n发布时间：2024-07-19　来源：某地零距离\n会议通报,今年上半年…", 2024),
    ("莆田：2024年行政机关败诉率降至新低\n来源：湄洲日报　2025-01-23 09:41　作者：记者 某某\n去年我市…", 2024),
    ("某市去年行政复议案件创新高\n2023-02-10 来源：某某日报\n本报讯 去年全市…", 2022),
])
def test_report_year_from_the_opening(text, year):
    assert find_report_year(text) == year
