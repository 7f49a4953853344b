"""One test per hard case of the contract (README, "Hard cases")."""
from fazhi_ie import extract


def facts(text, **kw):
    return [(f.subject, f.action, f.value) for f in extract(text, backend="rules", **kw).facts]


def test_inherited_subject():
    text = "2021年度,共收到行政复议案件17件,其中受理案件11件,已办结8件,3件正在办理中。"
    assert facts(text) == [
        ("admin_reconsideration", "received", 17), ("admin_reconsideration", "accepted", 11),
        ("admin_reconsideration", "concluded", 8), ("admin_reconsideration", "pending", 3),
    ]


def test_inherited_subject_into_qizhong_sentence():
    text = "2022年共受理行政复议案件13起,结案11起,未办结2起。其中维持6起,撤销3起,驳回1起,终止1起。"
    got = facts(text)
    assert ("admin_reconsideration", "upheld", 6) in got
    assert ("admin_reconsideration", "terminated", 1) in got
    assert all(f.breakdown is None for f in extract(text).facts)   # outcomes are actions


def test_implied_count():
    text = "2021年度,红旗区共审查通过5份行政规范性文件,均向市司法局及区人大完成备案。"
    assert facts(text) == [("normative_document", "reviewed", 5), ("normative_document", "filed", 5)]


def test_chinese_numerals_and_magnitudes():
    text = "全年共收到行政复议申请十三件,办结十件;全市受理矛盾纠纷1.2万件。"
    got = facts(text)
    assert ("admin_reconsideration", "received", 13) in got
    assert ("admin_reconsideration", "concluded", 10) in got


def test_approximation():
    doc = extract("全年共审查行政规范性文件200余件。", report_year=2020)
    [f] = doc.facts
    assert (f.value, f.qualifier, f.unit) == (200, "at_least", "件")


def test_year_resolution():
    text = "今年以来,共收到行政复议申请45件。去年收到行政复议申请38件。截至2022年11月,共受理行政复议案件40件。"
    doc = extract(text, report_year=2022)
    got = [(f.action, f.value, f.year, f.period) for f in doc.facts]
    assert got == [("received", 45, 2022, "今年以来"), ("received", 38, 2021, "去年"),
                   ("accepted", 40, 2022, "截至2022年11月")]


def test_year_from_heading():
    text = "一、2021年度法治政府建设情况\n共收到行政复议案件17件。\n"
    [f] = extract(text, report_year=2022).facts
    assert f.year == 2021 and f.period is None


def test_comparison_carries_its_own_year():
    text = "2023年全市共收到行政复议申请312件,较上一年度285件有所增加。"
    doc = extract(text, report_year=2023)
    got = [(f.value, f.year) for f in doc.facts]
    assert got == [(312, 2023), (285, 2022)]


def test_delta_is_not_a_count():
    text = "2023年共收到行政复议申请312件,较上年增加27件。"
    assert facts(text, report_year=2023) == [("admin_reconsideration", "received", 312)]


def test_legal_adviser_is_not_the_caseload():
    text = "2021年,政府法律顾问参与诉讼案件、行政复议案件、提供法律意见等累计200余次。"
    assert facts(text) == [("legal_advisor", "handled", 200)]


def test_hotline_tickets_are_not_cases():
    text = "截至2022年11月份,全旗共接到有效诉求工单5104件,已办理4567件,正在办理537件。"
    got = facts(text)
    assert got and all(s == "hotline" for s, _, _ in got)


def test_fair_competition_review_is_not_normative_document_review():
    text = ("四是公平竞争审查开展情况。对规章、规范性文件和其他政策措施的文件进行梳理,"
            "经审查2021年至2022年11月全旗各级各部门各类文件661份,未发现妨碍公平竞争的政策性文件。")
    assert facts(text) == []


def test_other_numbers_are_not_facts():
    text = ("全年办理行政处罚案件1234件,罚没款56万元;审查合同87份,涉法文件45件;"
            "受理政府信息公开申请120件;组织领导干部培训8次;开展普法活动300余场次;召开常务会议12次。")
    assert facts(text) == []


def test_repeated_passage_yields_each_fact_once():
    passage = "(八)化解社会矛盾纠纷。一是加强行政复议工作。2021年度,共收到行政复议案件17件,其中受理案件11件。\n"
    once = facts(passage)
    assert facts(passage + "二、其他\n" + passage) == once and len(once) == 2


def test_breakdown_by_category():
    text = "全区共排查各类矛盾纠纷2887件,化解2836件,其中书面案件625件,化解606件;口头案件2262件,化解2230件。"
    got = [(f.action, f.value, f.breakdown) for f in extract(text).facts]
    assert got == [("screened", 2887, None), ("resolved", 2836, None), ("screened", 625, "书面案件"),
                   ("resolved", 606, "书面案件"), ("screened", 2262, "口头案件"), ("resolved", 2230, "口头案件")]


def test_personnel_and_certificates():
    text = "2021年全区新申领执法证335人,监督证12人。"
    assert facts(text) == [("enforcement_personnel", "certified", 335), ("supervision_personnel", "certified", 12)]


def test_dates_document_numbers_ordinals_are_not_facts():
    text = ("按照《通知》(红法政办〔2021〕9号)要求,分别于6月、9月、12月组织测试,"
            "增强“四个意识”、坚定“四个自信”、做到“两个维护”,一是加强领导,第一批事项。")
    assert facts(text) == []


def test_measure_and_section():
    text = ("一、2021年度法治政府建设情况\n"
            "(八)化解社会矛盾纠纷成效明显。一是加强行政复议和应诉工作。2021年度,共收到行政复议案件17件。\n")
    [f] = extract(text).facts
    assert f.measure == "加强行政复议和应诉工作"
    assert f.section == ["一、2021年度法治政府建设情况", "(八)化解社会矛盾纠纷成效明显", "一是加强行政复议和应诉工作"]
    assert text[f.span[0]:f.span[1]] == "17件"
    assert "17件" in f.evidence
