"""Behaviour of the rule linker on wordings beyond the contract's hard cases.

Each row: text, report year, the (subject, action, value) facts expected in order.
"""
import pytest

from fazhi_ie import extract

CASES = [
    # a modifier (报送备案的) is not the main verb
    ("全年共收到各区政府报送备案的行政规范性文件87件。", 2020,
     [("normative_document", "received", 87)]),
    # planned actions are not counts
    ("开展规范性文件清理,共清理文件120件,拟修改4件,拟废止6件。", 2021,
     [("normative_document", "cleaned_up", 120)]),
    # negated outcome: 均未败诉 is no count of lost cases
    ("全年以区政府为被告的行政诉讼案件9件,均未败诉。", 2022,
     [("admin_litigation", "received", 9)]),
    # a generic head (文件) refers back to the subject named before; opinions are not documents
    ("审查规范性文件30件,提出修改意见52条,制定机关已对7件文件进行修改。", 2019,
     [("normative_document", "reviewed", 30), ("normative_document", "revised", 7)]),
    # personnel are counted in people, not in training sessions
    ("组织行政执法人员培训4期,培训执法人员560人次。", 2020,
     [("enforcement_personnel", "trained", 560)]),
    # an existential 共有 yields to the verb after the number
    ("去年全市共有410人新领取行政执法证。", 2021,
     [("enforcement_personnel", "certified", 410)]),
    # certificates in 个, revoked
    ("因岗位调整注销行政执法证23个,暂扣执法证2个。", 2022,
     [("enforcement_personnel", "revoked_cert", 23), ("enforcement_personnel", "revoked_cert", 2)]),
    # 分别 pairs actions and values in order
    ("全年收到、受理、审结行政复议申请分别为64件、58件、55件。", 2018,
     [("admin_reconsideration", "received", 64), ("admin_reconsideration", "accepted", 58),
      ("admin_reconsideration", "concluded", 55)]),
    # a new subject after a semicolon does not borrow the previous action
    ("行政复议案件12件,其中撤回申请2件;以县政府为被告的行政诉讼案件8件。", 2021,
     [("admin_reconsideration", "received", 12), ("admin_reconsideration", "withdrawn", 2),
      ("admin_litigation", "received", 8)]),
    # an action only one subject has implies it
    ("全年行政机关负责人出庭应诉31次,败诉3件。", 2023,
     [("admin_litigation", "appeared", 31), ("admin_litigation", "lost", 3)]),
    # cases carried over from last year are pending
    ("新收行政复议案件205件,上年结转14件,审结198件。", 2020,
     [("admin_reconsideration", "received", 205), ("admin_reconsideration", "pending", 14),
      ("admin_reconsideration", "concluded", 198)]),
    # a legal adviser keeps the clauses that open with its verbs; the contracts it
    # reviews are not facts (guideline: 合同审查 never is)
    ("政府法律顾问审查合同协议40份,参与处理行政复议和行政诉讼案件18件。", 2022,
     [("legal_advisor", "handled", 18)]),
    # implied counts run through 并…
    ("全年出台规范性文件6件,均经合法性审核,并报市政府备案。", 2020,
     [("normative_document", "enacted", 6), ("normative_document", "reviewed", 6),
      ("normative_document", "filed", 6)]),
    # stock of certified personnel and headcount
    ("全县现有行政执法人员958名,其中持行政执法证人员902名。", 2019,
     [("enforcement_personnel", "headcount", 958), ("enforcement_personnel", "certified", 902)]),
    # 免罚 cases and fines are not facts
    ("办理“首违不罚”案件120件,罚没款45万元。", 2023, []),
    # full-width digits, Chinese numerals
    ("全年共收到行政复议申请１２件,受理十件。", 2016,
     [("admin_reconsideration", "received", 12), ("admin_reconsideration", "accepted", 10)]),
]


@pytest.mark.parametrize("text,year,expected", CASES, ids=[c[0][:16] for c in CASES])
def test_rule_cases(text, year, expected):
    got = [(f.subject, f.action, f.value) for f in extract(text, report_year=year, backend="rules").facts]
    assert got == expected


def test_flattened_table_by_unit():
    text = ("二、行政执法人员情况\n全市行政执法人员及证件情况如下:\n"
            "单位 | 执法人员 | 持执法证 | 持监督证\n"
            "市直部门 | 2100名 | 2050名 | 80名\n"
            "合计 | 3300名 | 3210名 | 121名\n")
    facts = extract(text, report_year=2020).facts
    got = [(f.subject, f.action, f.value, f.breakdown) for f in facts]
    assert got == [
        ("enforcement_personnel", "headcount", 2100, "市直部门"),
        ("enforcement_personnel", "certified", 2050, "市直部门"),
        ("supervision_personnel", "certified", 80, "市直部门"),
        ("enforcement_personnel", "headcount", 3300, None),
        ("enforcement_personnel", "certified", 3210, None),
        ("supervision_personnel", "certified", 121, None),
    ]
    for f in facts:
        assert text[f.span[0]:f.span[1]].startswith(str(f.value))


def test_flattened_table_with_action_columns_and_bare_cells():
    text = ("全市行政复议案件办理情况:\n"
            "单位 | 收案 | 结案\n"
            "市本级 | 75 | 70\n"
            "县区 | 120 | 112\n")
    got = [(f.subject, f.action, f.value, f.breakdown, f.unit)
           for f in extract(text, report_year=2021).facts]
    assert got == [
        ("admin_reconsideration", "received", 75, "市本级", None),
        ("admin_reconsideration", "concluded", 70, "市本级", None),
        ("admin_reconsideration", "received", 120, "县区", None),
        ("admin_reconsideration", "concluded", 112, "县区", None),
    ]


def test_time_that_modifies_a_noun_does_not_date_the_count():
    [f] = extract("对2014年以前制定的规范性文件进行清理,共清理102件。", report_year=2016).facts
    assert (f.action, f.value, f.year) == ("cleaned_up", 102, 2016)


def test_last_year_scoped_to_its_clause():
    text = "2024年共收到行政诉讼案件142件,去年为168件,行政机关负责人出庭应诉136次。"
    got = [(f.value, f.year) for f in extract(text, report_year=2024).facts]
    assert got == [(142, 2024), (168, 2023), (136, 2024)]


@pytest.mark.parametrize("text", [
    "对2010年以来区政府及区政府办公室制发的行政规范性文件开展清理,共清理63件。",
    "新收行政复议申请58件,加上2017年结转的4件,共需办理62件。",
])
def test_years_that_describe_documents_or_cases_do_not_date_the_count(text):
    facts = extract(text, report_year=2018).facts
    assert facts and all(f.year == 2018 for f in facts)


def facts_of(text, year=None):
    return [(f.subject, f.action, f.value, f.year) for f in extract(text, report_year=year, backend="rules").facts]


def test_news_counts_relative_years_from_its_dateline():
    news = ("某市去年行政复议案件数量创新高\n2023-02-10 09:00　来源：某某日报\n"
            "本报讯 记者从市司法局获悉，去年全市共收到行政复议申请812件，今年1月新收65件。")
    assert facts_of(news) == [("admin_reconsideration", "received", 812, 2022),
                              ("admin_reconsideration", "received", 65, 2023)]
    assert extract(news, backend="rules").report_year == 2022


def test_report_year_is_not_a_since_year():
    text = "2013年以来，共接收报备的行政规范性文件104件。\n2017年1月至11月，收到规范性文件27件。"
    assert extract(text, backend="rules").report_year == 2017


def test_carried_over_and_new_cases_take_their_own_years():
    text = "2022年共办理行政复议案件392件，其中上年结转47件、今年新收345件。"
    assert facts_of(text, 2022) == [("admin_reconsideration", "handled", 392, 2022),
                                    ("admin_reconsideration", "pending", 47, 2021),
                                    ("admin_reconsideration", "received", 345, 2022)]


def test_a_running_total_since_a_year_dates_to_the_report_year():
    assert facts_of("2019年以来累计办理行政复议案件1200件。", 2024) == [
        ("admin_reconsideration", "handled", 1200, 2024)]


def test_a_list_of_corrective_outcomes_is_their_total():
    text = "受理行政复议案件189件，作出复议决定164件，其中撤销、变更、确认违法和责令履行19件。"
    assert ("admin_reconsideration", "corrected", 19, 2016) in facts_of(text, 2016)


def test_npc_mixed_filing_total_is_not_a_fact_but_the_government_part_is():
    text = ("2019年，常委会共接收报送备案的规范性文件236件。其中，地方性法规、单行条例78件，"
            "省人民政府规章9件，省人民政府及其办公厅制定的行政规范性文件54件，"
            "省监察委员会制定的规范性文件2件，省高级人民法院、省人民检察院联合制定的规范性文件6件。")
    assert facts_of(text, 2019) == [("normative_document", "received", 54, 2019)]
    plain = "收到报送备案的规范性文件45件，其中区政府规范性文件30件、部门规范性文件15件。"
    assert [f[2] for f in facts_of(plain, 2019)] == [45, 30, 15]


def test_a_total_with_carried_over_parts_is_handled():
    text = "2022年，区政府共有行政应诉案件143件，其中新收一审案件118件，上年结转25件。"
    assert facts_of(text, 2022)[0] == ("admin_litigation", "handled", 143, 2022)


def test_those_who_passed_are_certified_unless_the_certificates_are_counted():
    passed = "组织行政执法资格考试，参考318名，考试合格286名，已为合格人员办理新申领执法证手续。"
    assert [f[1] for f in facts_of(passed, 2022)] == ["examined", "passed", "certified"]
    counted = "组织行政执法资格考试，参考189人，合格181人，为合格人员核发执法证181件。"
    assert [(f[1], f[2]) for f in facts_of(counted, 2022)] == [("examined", 189), ("passed", 181), ("certified", 181)]


@pytest.mark.parametrize("text,expected", [
    # the ways before 等方式 are not the action; the parts in the note are their own facts
    ("全年审结行政复议案件150件，以撤销、变更、确认违法等方式纠错的29件（其中撤销11件、变更4件）。",
     [("concluded", 150), ("corrected", 29), ("revoked", 11), ("changed", 4)]),
    # 应诉案件N件 names the cases
    ("市政府本级应诉案件78件，均由分管副市长出庭应诉。", [("received", 78), ("appeared", 78)]),
    # 应考 is like 报名; 实考 sat the exam; 及格 passed
    ("组织执法人员资格考试，应考98人，实考96人，及格91人。", [("examined", 96), ("passed", 91)]),
    # what a review found is not the review's count
    ("全年审查规范性文件40件，经审查，发现与上位法不一致的规范性文件5件。", [("reviewed", 40)]),
    # the rest of the sentence says the problem documents were corrected
    ("接收报送备案的规范性文件26件，对审查中发现问题的3件，督促制定机关自行纠正。",
     [("received", 26), ("corrected", 3)]),
    ("经审查予以备案89件，责令限期改正7件。", [("filed", 89), ("corrected", 7)]),
    # …but not across a semicolon
    ("收到行政复议申请1027件，其中因执法行为引发的846件；以撤销、变更等方式纠错98件。",
     [("received", 1027), ("received", 846), ("corrected", 98)]),
    # 备案审查 files and reviews
    ("办理区级部门、镇街行政规范性文件备案审查41件。", [("reviewed", 41), ("filed", 41)]),
    # a later verb with its own count says nothing of the found ones; 正在修改 is not done
    ("审查规范性文件40件，发现明显不适当的4件，已督促制定机关纠正3件，另1件正在修改中。",
     [("reviewed", 40), ("corrected", 3)]),
    # 其他60件 closing an enumeration is a category
    ("受理行政复议案件191件，其中涉及土地征收类63件、劳动和社会保障类27件、其他60件。",
     [("accepted", 191), ("accepted", 63), ("accepted", 27), ("accepted", 60)]),
    # 制发后均报…备案: the issuing is when, the filing is what happened to the count
    ("审核以市政府名义制发的规范性文件23件，制发后均报省政府备案。", [("reviewed", 23), ("filed", 23)]),
    # 受理 documents filed with the office is receiving them, though 受理 is not a document action
    ("受理各镇街和部门报送备案的规范性文件17件。", [("received", 17)]),
    # a look-alike naming a category of cases (行政处罚类, 因行政处罚引发) owns nothing
    ("全市行政机关发生行政诉讼案件763件，其中因行政处罚引发214件、因行政强制引发58件。",
     [("received", 763), ("received", 214), ("received", 58)]),
    # cases carried into a named next year are pending in the report year
    ("全年终止审理18件。另结转2019年办理11件。", [("terminated", 18), ("pending", 11)]),
    # 对…的67件复议案件，…组织了听证审理: the object of the later verb
    ("全年收到行政复议申请300件。对案情重大复杂的67件复议案件，市行政复议局组织了听证审理。",
     [("received", 300), ("heard", 67)]),
    # a note inside parentheses does not make its total a carry-over total
    ("全年共需办理行政复议案件119件，其中新收行政复议申请113件（含当面提交申请8件），上年结转6件。",
     [("handled", 119), ("received", 113), ("received", 8), ("pending", 6)]),
    # a verb right after the count wins; 诉讼案件均已审结 speaks of other cases
    ("截至年底，复议案件已审结4件，1件正在审理中；诉讼案件均已审结。", [("concluded", 4), ("pending", 1)]),
    # 建议…废止5件 is a proposal
    ("共审查规范性文件42件，建议市政府废止5件，市政府已废止3件。", [("reviewed", 42), ("repealed", 3)]),
    # 其他类 is a category of the total, not "the rest"
    ("行政诉讼案件137件，其中涉及房屋征收类89件、土地类21件、其他类27件。",
     [("received", 137), ("received", 89), ("received", 21), ("received", 27)]),
])
def test_wordings_found_on_the_third_dev_round(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2019)] == expected


def test_a_table_takes_the_action_its_introduction_gives_the_counted_things():
    text = ("2023年，市政府共受理行政复议案件214件。受理案件按管理领域分类如下：\n"
            "案件类型 | 数量 | 占比\n自然资源 | 58件 | 27.1%\n公安 | 49件 | 22.9%\n")
    assert [(f[1], f[2]) for f in facts_of(text, 2023)] == [("accepted", 214), ("accepted", 58), ("accepted", 49)]
    exam = ("全县执法人员资格考试情况如下：\n单位 | 执法人员 | 参加资格考试 | 考试合格\n"
            "县市场监管局 | 58 | 9 | 8\n县自然资源局 | 34 | 4 | 4\n")
    assert [(f[1], f[2]) for f in facts_of(exam, 2019)] == [
        ("headcount", 58), ("examined", 9), ("passed", 8), ("headcount", 34), ("examined", 4), ("passed", 4)]
    overview = ("全区行政执法人员及持证情况如下表：\n单位 | 执法人员（人） | 持证人员（人）\n"
                "城管局 | 412 | 400\n市场监管局 | 236 | 230\n")
    assert [(f[1], f[2]) for f in facts_of(overview, 2023)] == [
        ("headcount", 412), ("certified", 400), ("headcount", 236), ("certified", 230)]


@pytest.mark.parametrize("text,expected", [
    # 平均 (on average) is not 均 (all): no implied second action
    ("已审结复议案件40件，另有6件正在审理，平均办案时长29天。", [("concluded", 40), ("pending", 6)]),
    # a withdrawal ends the case even with the body that ends it named in between
    ("全年审结行政复议案件52件，其中维持30件，申请人撤回申请、复议机关终止审理的9件。",
     [("concluded", 52), ("upheld", 30), ("terminated", 9), ("withdrawn", 9)]),
    # …but a withdrawal 结案 is only the withdrawal
    ("收到行政复议申请20件，另有3件以申请人撤回申请结案。", [("received", 20), ("withdrawn", 3)]),
    # a paragraph opening with 从…看 goes on with the paragraph before
    ("全年共审结一审行政诉讼案件300件。\n从结案方式看，判决驳回原告诉讼请求的有120件，原告撤诉的有80件。",
     [("concluded", 300), ("dismissed", 120), ("withdrawn", 80)]),
])
def test_wordings_found_on_dev_c(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2022)] == expected


def test_a_two_column_table_of_outcomes_and_the_paragraph_after_it():
    text = ("二、案件审理\n本年度共收到行政复议申请210件。审结情况如下：\n结果 | 数量\n维持 | 96\n撤销 | 12\n"
            "终止（撤回申请） | 20\n合计 | 128\n截至年底，尚有15件正在审理。")
    assert [(f[1], f[2]) for f in facts_of(text, 2022)] == [
        ("received", 210), ("upheld", 96), ("revoked", 12), ("withdrawn", 20), ("terminated", 20),
        ("concluded", 128), ("pending", 15)]


@pytest.mark.parametrize("text,expected", [
    # 拟予废止 is a plan
    ("清理规范性文件60件，继续有效50件，另有3件拟予废止。", [("cleaned_up", 60), ("retained", 50)]),
    # people counted, then what all of them hold
    ("县司法局5名执法监督人员均持有执法监督证。", [("headcount", 5), ("certified", 5)]),
    # certificates issued (发放)
    ("全年新发放省行政执法证230件。", [("certified", 230)]),
    # those who passed and took their certificates, however long the exam's name
    ("年内有15名新任执法监督人员通过省司法厅统一组织的执法监督资格考试并领取执法监督证。",
     [("passed", 15), ("certified", 15)]),
    # enforcement bodies and case teams are institutions
    ("一、行政执法人员管理\n全县共有行政执法主体58个，其中乡镇12个。", []),
    ("县复议局设3个办案组，全年办理行政复议案件210件。", [("handled", 210)]),
    # case files sampled are reviewed; a verb inside another noun phrase of the list does
    # not make that phrase the verb's object
    ("全年抽查行政执法案卷320卷、信息公开申请办理材料50件。", [("reviewed", 320)]),
    # a verb describing the documents (制定程序不规范的) yields to the verb that governs them
    ("收到报备的规范性文件20件。对审查中发现的4件制定程序不规范的文件，已督促制定机关予以纠正。",
     [("received", 20), ("corrected", 4)]),
    # 审结时间 names a measure, not what happened to the 8 cases
    ("收到行政复议申请90件。对案情复杂的8件复议案件，平均审结时间为35天。", [("received", 90)]),
    # 上位法规定 holds no 法规; the found documents were corrected
    ("收到报备的规范性文件20件。审查中发现3件存在与上位法规定不一致的问题，制定机关已全部纠正。",
     [("received", 20), ("corrected", 3)]),
    # 对…报备的N件文件，…审查: reviewed (the filing describes the documents)
    ("收到报备的规范性文件20件。对区政府报备的20件规范性文件，逐件进行了审查。",
     [("received", 20), ("reviewed", 20)]),
])
def test_wordings_found_on_dev_c_second_batch(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2022)] == expected


@pytest.mark.parametrize("text,expected", [
    # 其中 right after a count lists that count's parts…
    ("收到行政复议申请96件，受理81件，其中涉及土地征收的37件。",
     [("received", 96), ("accepted", 81), ("accepted", 37)]),
    ("调解矛盾纠纷1900件，调解成功1800件，其中婚姻纠纷600件，防止民转刑案件7件。",
     [("handled", 1900), ("resolved", 1800), ("resolved", 600)]),
    # a look-alike naming a category, a few characters before 类
    ("共收到行政复议申请300件，其中涉及政府信息公开类40件、其他类60件。",
     [("received", 300), ("received", 40), ("received", 60)]),
    # the count's own noun after a 的 phrase, not the opinions a later verb sends
    ("收到报备的规范性文件30件，对4件存在问题的文件发出纠错建议，制定机关已全部纠正。",
     [("received", 30), ("corrected", 4)]),
    # 不予备案 is no filing; 报备范围 is no verb
    ("收到报送备案的规范性文件42件，经审查予以备案40件，2件超出报备范围的文件不予备案。",
     [("received", 42), ("filed", 40)]),
    # sent back to be revised, promised for the next revision: not revised
    ("收到报备的规范性文件19件，予以备案17件，退回修改2件。", [("received", 19), ("filed", 17)]),
    ("审查规范性文件20件，制定机关已修改2件，其余1件承诺在下次修订时一并纠正。", [("reviewed", 20), ("revised", 2)]),
    # after a look-alike, an action does not imply its only subject (移送 → hotline)
    ("立案查处违法案件213件，结案198件，移送司法机关4件。", []),
    # 执法队员 are enforcement personnel
    ("街道现有在编执法队员38名，均持有行政执法证。", [("headcount", 38), ("certified", 38)]),
    # 新发执法证件
    ("组织行政执法人员资格考试，新考试合格人员120名，新发执法证件115件。", [("passed", 120), ("certified", 115)]),
    # a plan covers the list it opens
    ("清理规范性文件235件，拟废止、宣布失效47件。", [("cleaned_up", 235)]),
    # 均 speaks of the last count when each count has its own verb
    ("审核规范性文件3件，审查各部门报送备案的规范性文件7件，均予以备案。",
     [("reviewed", 3), ("reviewed", 7), ("filed", 7)]),
    # …and of the total, not its parts; 审核后印发: the review is the deed
    ("新制定规范性文件14件，其中区政府文件5件、部门文件9件，均经司法局合法性审核后印发。",
     [("enacted", 14), ("reviewed", 14), ("enacted", 5), ("enacted", 9)]),
    # a generic head does not mean the subject named in its own 的 phrase
    ("以区政府为被告的行政诉讼案件30件（含复议维持后作为共同被告的案件10件），审结25件。",
     [("received", 30), ("received", 10), ("concluded", 25)]),
    # 公平竞争原则 is a principle, not a kind of document mixed into the total
    ("审查规范性文件30件，督促制定机关纠正规范性文件2件，其中违反公平竞争原则1件。",
     [("reviewed", 30), ("corrected", 2), ("corrected", 1)]),
])
def test_wordings_found_on_dev_j_and_dev_k(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2022)] == expected


def test_auxiliary_staff_are_the_people_a_later_人员_means():
    text = "全县现有行政执法人员1200名。各单位另有协管员、辅助执法人员等共计300人，今年集中培训3期，参训人员280人次。"
    assert [(f[0], f[1], f[2]) for f in facts_of(text, 2022)] == [
        ("enforcement_personnel", "headcount", 1200),
        ("enforcement_auxiliary", "headcount", 300), ("enforcement_auxiliary", "trained", 280)]


def test_a_table_row_naming_a_subject_speaks_for_the_rows_below_it():
    text = ("近两年情况如下：\n项目 | 2021年 | 2022年\n收到复议申请（件） | 40 | 50\n受理（件） | 35 | 45\n"
            "撤销、变更（件） | 3 | 4\n一审行政诉讼案件（件） | 20 | 25\n审结（件） | 18 | 22\n")
    assert [(f[0], f[1], f[2], f[3]) for f in facts_of(text, 2022)] == [
        ("admin_reconsideration", "received", 40, 2021), ("admin_reconsideration", "received", 50, 2022),
        ("admin_reconsideration", "accepted", 35, 2021), ("admin_reconsideration", "accepted", 45, 2022),
        ("admin_reconsideration", "corrected", 3, 2021), ("admin_reconsideration", "corrected", 4, 2022),
        ("admin_litigation", "received", 20, 2021), ("admin_litigation", "received", 25, 2022),
        ("admin_litigation", "concluded", 18, 2021), ("admin_litigation", "concluded", 22, 2022)]


@pytest.mark.parametrize("text,expected", [
    ("各调委会排查矛盾纠纷3000件，成功调处2950件。", [("screened", 3000), ("resolved", 2950)]),
    # 审核备案 reviews and files; 制定部门 is an actor, the rest of the sentence corrects
    ("对各部门报送的规范性文件审核备案40件，对其中2件要求制定部门自行纠正。",
     [("reviewed", 40), ("filed", 40), ("corrected", 2)]),
    # 登记 documents is filing them; 不动产登记 is not
    ("登记市直部门规范性文件120件，完成不动产登记业务5万件。", [("filed", 120)]),
    # the parts of what a review found are found too
    ("审查规范性文件30件，经审查，发现存在问题的规范性文件12件，其中区政府文件5件。", [("reviewed", 30)]),
    # 予以修改并重新报备: both
    ("收到报备的规范性文件20件。区政府已对上述3件文件予以修改并重新报备。",
     [("received", 20), ("revised", 3), ("filed", 3)]),
    # what the count comes to is a plan (暂缓发布), whatever verb its reason holds
    ("审核规范性文件5件，经审核后印发4件，另1件因上位法修订暂缓发布。", [("reviewed", 5), ("enacted", 4)]),
    # a proposal covers the whole list
    ("审查规范性文件50件，建议市政府废止5件、修改6件，市政府已废止5件、修订4件。",
     [("reviewed", 50), ("repealed", 5), ("revised", 4)]),
    # opinions issued about a count do not own it
    ("收到报送备案的规范性文件300件，经审查，对存在问题的17件提出审查意见，制定机关已全部纠正。",
     [("received", 300), ("corrected", 17)]),
    # a total whose parts include cases not yet concluded last year is handled
    ("全区行政机关全年应诉案件88件，其中新收74件，上年度未结案件14件。",
     [("handled", 88), ("received", 74), ("pending", 14)]),
    ("全年共审理行政复议案件300件。", [("handled", 300)]),
    # 通过网上渠道: through, not passed
    ("全年收到行政复议申请1000件；其中，通过网上渠道提交申请420件。", [("received", 1000), ("received", 420)]),
    # 均依法妥善办理 adds no count
    ("新收行政复议申请100件，同比增长10%，均依法妥善办理。", [("received", 100)]),
    # the verb before 连同 speaks of the other half
    ("受理行政复议案件210件。受理案件连同上年结转的14件，全年共需办理224件。",
     [("accepted", 210), ("pending", 14), ("handled", 224)]),
    # 16个领域 are fields, not counts; 涉及 lists parts by category
    ("全年共收到行政复议申请386件，涉及房屋征收、市场监管等16个领域。", [("received", 386)]),
    ("全年审结行政复议案件90件，涉及行政处罚类40件、行政强制类10件。",
     [("concluded", 90), ("concluded", 40), ("concluded", 10)]),
])
def test_wordings_found_on_the_older_dev_files(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2022)] == expected


@pytest.mark.parametrize("text,expected", [
    # a total that is no fact (a mixed one) still gives its parts their verb
    ("常委会共接收报备文件75件。其中：市政府规章3件，市政府及其办公厅印发的行政规范性文件41件。", [("received", 41)]),
    # 转办 tickets: transferred; 转办工单 names the tickets another verb counts
    ("全区12345热线转办涉企诉求工单1.58万件，办结率98%。接收12345热线转办工单1206件，按时办结1198件。",
     [("transferred", 15800), ("received", 1206), ("concluded", 1198)]),
    # the verbs before the next count (no comma between) are its own
    ("市司法局聘请的44名政府法律顾问全年参与行政复议、行政诉讼案件办理210余件。", [("headcount", 44), ("handled", 210)]),
    # a clause after 发现， is what was found
    ("收到报备的规范性文件30件。在审查中发现，区政府办公室印发的《某某办法》等3件行政规范性文件存在问题。",
     [("received", 30)]),
    ("全市新聘政府法律顾问57名。", [("headcount", 57)]),
    # a clause naming nothing goes on with a 均 run, but not one giving a rate
    ("全年出台行政规范性文件6件，均经法律顾问室合法性审核，在规定时限内报省政府备案，备案审查通过率100%。",
     [("enacted", 6), ("reviewed", 6), ("filed", 6)]),
    # 案件 under a heading naming nothing: the subject of the document's title
    ("县2020年行政复议工作总结\n一、基本情况\n全年收到行政复议申请80件。\n二、创新审理方式\n对案情复杂的12件案件实行公开开庭审理。",
     [("received", 80), ("heard", 12)]),
    # …only with a verb the title's subject takes (评查案件30件 are no reconsideration cases)
    ("县2022年行政复议工作情况报告\n一、收案情况\n全年收到行政复议申请88件。\n二、办案质量\n全年组织案件评查2次，评查案件30件。",
     [("received", 88)]),
])
def test_wordings_found_on_the_older_dev_files_second_batch(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2020)] == expected


@pytest.mark.parametrize("text,expected", [
    # a meeting the count went through (经…常务会议审议) does not own it
    ("区司法局对区政府拟出台的行政规范性文件开展合法性审核16件，其中14件经区政府常务会议审议通过后印发，均报市政府和区人大常委会备案。",
     [("reviewed", 16), ("enacted", 14), ("filed", 14)]),
    # 均 before a rate (备案审查率) implies nothing
    ("接收报送备案的规范性文件96件，经审查予以备案89件，责令限期改正7件，备案审查率、纠错率均列全省前列。",
     [("received", 96), ("filed", 89), ("corrected", 7)]),
    # 审查后发布的: the review is when, the issuing is what happened
    ("全年经区政府法制办审查后发布的规范性文件共9件，全部报市政府备案。", [("enacted", 9), ("filed", 9)]),
])
def test_wordings_found_on_the_older_dev_files_third_batch(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2020)] == expected


def test_parts_listed_before_分别_are_the_breakdowns_of_their_values():
    text = "截至年底，全区具有行政执法资格的人员1087名，其中区城管局、区市场监管局、区生态环境分局分别为412名、236名、88名。"
    got = [(f.action, f.value, f.breakdown) for f in extract(text, report_year=2019, backend="rules").facts]
    assert got == [("certified", 1087, None), ("certified", 412, "区城管局"), ("certified", 236, "区市场监管局"),
                   ("certified", 88, "区生态环境分局")]


def test_a_look_alike_among_the_parts_names_a_kind_of_the_cases_counted():
    text = "区法律援助中心全年受理法律援助案件536件，办结511件，其中刑事案件217件、民事案件294件。"
    got = [(f.action, f.value, f.breakdown) for f in extract(text, report_year=2021, backend="rules").facts]
    assert got == [("accepted", 536, None), ("concluded", 511, None), ("concluded", 217, "刑事案件"),
                   ("concluded", 294, "民事案件")]


def test_documents_of_the_people_s_congress_office_are_not_the_government_s():
    text = "区人大常委会作出的决议、决定及常委会办公室印发的规范性文件共11件，已按规定全部报送市人大常委会备案。"
    assert facts_of(text, 2018) == []


@pytest.mark.parametrize("text,expected", [
    # the last verb after a count with only 另有 before it is a plan
    ("全年共审查区政府规范性文件7件，审查后印发6件，另有1件因制定依据已调整暂缓印发。", [("reviewed", 7), ("enacted", 6)]),
    # 年审不合格人员: a negated verb right before a noun describes it
    ("全区1903名执法人员通过年审，对43名年审不合格人员暂扣执法证件。", [("certified", 1903), ("revoked_cert", 43)]),
    # case files sampled from a list of departments
    ("抽查区城管执法局、区市场监管局等12个部门行政处罚案卷180卷。", [("reviewed", 180)]),
    # sitting in on a hearing is an event
    ("市政府主要负责同志带头旁听行政诉讼庭审一次。", []),
    # an agent named in a clause with no count goes on into the next clauses
    ("区政府法律顾问全程参与疫情防控法律服务，全年审查涉疫合同协议57份，协助办理行政复议、行政诉讼案件28件。",
     [("handled", 28)]),
    ("镇执法大队现有在编执法人员23名，均持有行政执法证件，另聘用协管员40名。",
     [("headcount", 23), ("certified", 23), ("headcount", 40)]),
])
def test_wordings_found_on_the_train_files(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2020)] == expected


def test_parts_by_kind_and_their_labels():
    text = "调解成功1829件，其中婚姻家庭纠纷612件、邻里纠纷448件。收到行政复议申请300件，其中涉及行政处罚的120件。"
    got = [(f.action, f.value, f.breakdown) for f in extract(text, report_year=2021, backend="rules").facts]
    assert got == [("resolved", 1829, None), ("resolved", 612, "婚姻家庭纠纷"), ("resolved", 448, "邻里纠纷"),
                   ("received", 300, None), ("received", 120, "行政处罚")]
    # 涉及 opens kinds only after a count: 涉及文件212件 is the count itself
    text = "对现行有效的行政规范性文件进行全面清理，涉及文件212件，决定废止14件。"
    assert [(f.action, f.value, f.breakdown) for f in extract(text, report_year=2024, backend="rules").facts] == [
        ("cleaned_up", 212, None), ("repealed", 14, None)]


def test_对其中_is_no_label_and_a_finding_s_year_is_not_the_count_s():
    [f] = extract("对20件规范性文件开展后评估，对其中3件作出修订。", report_year=2022, backend="rules").facts
    assert (f.action, f.value, f.breakdown) == ("revised", 3, None)
    text = "收到报备的规范性文件20件。对上年度备案审查中发现的2件制定程序不规范的文件，已督促有关部门予以纠正。"
    assert [(f.action, f.value, f.year) for f in extract(text, report_year=2025, backend="rules").facts] == [
        ("received", 20, 2025), ("corrected", 2, 2025)]


def test_certificates_checked_are_certified_and_全年审核_is_no_annual_check():
    assert [(f[1], f[2]) for f in facts_of("全年审验执法证件2100个。", 2023)] == [("certified", 2100)]
    assert [(f[1], f[2]) for f in facts_of("全年审核区政府行政规范性文件9件。", 2023)] == [("reviewed", 9)]


def test_labels_of_parts_in_a_note_by_respondent_and_the_rest():
    text = "全年共调解各类矛盾纠纷1086件（其中涉疫情类纠纷312件），调解成功1047件。"
    assert [(f.action, f.value, f.breakdown) for f in extract(text, report_year=2022, backend="rules").facts] == [
        ("handled", 1086, None), ("handled", 312, "涉疫情类纠纷"), ("resolved", 1047, None)]
    text = "全县行政机关参加行政诉讼应诉案件44件，其中以县政府为被告的19件。"
    assert [(f.value, f.breakdown) for f in extract(text, report_year=2017, backend="rules").facts] == [
        (44, None), (19, "县政府")]


def test_a_year_compared_by_times_governs_only_its_clause():
    text = "全市共接收行政复议申请2138件，是2023年的1.9倍；依法受理1967件。"
    assert [(f.value, f.year) for f in extract(text, report_year=2024, backend="rules").facts] == [(2138, 2024), (1967, 2024)]


def test_a_table_without_a_header_line():
    text = "全年审结行政复议案件120件，审结情况如下：\n维持 | 80件\n撤销 | 10件\n驳回 | 30件\n"
    assert [(f[1], f[2]) for f in facts_of(text, 2021)] == [
        ("concluded", 120), ("upheld", 80), ("revoked", 10), ("dismissed", 30)]


@pytest.mark.parametrize("text,expected", [
    # 经清理，: when it happened, not what happened to the next count
    ("经清理，全市确认行政执法主体312个，公告行政执法人员8437名。", [("headcount", 8437)]),
    # 转办…类工单 names the tickets another verb counts
    ("接听、办理12345热线转办法律咨询类工单724件，已办结719件。", [("handled", 724), ("concluded", 719)]),
])
def test_adverbial_clauses_and_described_tickets(text, expected):
    assert [(f[1], f[2]) for f in facts_of(text, 2020)] == expected


def test_a_count_with_no_verb_of_its_own_takes_the_verb_of_a_均_clause():
    text = "全年县政府作出重大行政决策8项，均经过公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。"
    assert [(f[0], f[1], f[2]) for f in facts_of(text, 2017)] == [("major_decision", "reviewed", 8)]


def test_均_speaks_of_a_count_with_no_verb_and_the_one_listed_after_it():
    text = "一年来，区政府作出重大行政决策7项，出台行政规范性文件9件，均经区司法局合法性审核。"
    assert [(f[0], f[1], f[2]) for f in facts_of(text, 2023)] == [
        ("major_decision", "reviewed", 7), ("normative_document", "enacted", 9), ("normative_document", "reviewed", 9)]


def test_those_who_passed_and_took_their_certificates_the_other_way_round():
    text = "组织540名新增执法人员参加省统一行政执法资格考试，通过考试的498名已全部申领行政执法证。"
    assert [(f[1], f[2]) for f in facts_of(text, 2021)] == [("examined", 540), ("certified", 498), ("passed", 498)]


def test_counts_compared_each_to_last_year_take_the_earlier_actions_in_order():
    text = "全市审结行政复议案件640件，其中撤销41件、变更6件，分别较去年同期的39件、4件有所增加。"
    assert [(f[1], f[2], f[3]) for f in facts_of(text, 2018)] == [
        ("concluded", 640, 2018), ("revoked", 41, 2018), ("changed", 6, 2018), ("revoked", 39, 2017), ("changed", 4, 2017)]


def test_part_labels_drop_因_引发_and_含():
    text = "收到行政复议申请1027件，其中因执法行为引发的846件。"
    assert [(f.value, f.breakdown) for f in extract(text, report_year=2021, backend="rules").facts] == [
        (1027, None), (846, "执法行为")]
    text = "全年共需办理行政复议案件119件，其中新收行政复议申请113件（含当面提交申请8件）。"
    assert [(f.value, f.breakdown) for f in extract(text, report_year=2021, backend="rules").facts] == [
        (119, None), (113, None), (8, "当面提交申请")]


def test_a_look_alike_in_the_的_phrase_before_a_count_does_not_own_it():
    text = "全年提请区政府常务会议审议的17项重大行政决策事项全部经过合法性审查。"
    assert [(f[0], f[1], f[2]) for f in facts_of(text, 2021)] == [("major_decision", "reviewed", 17)]


def test_审议_reviews_decisions_but_审议通过_adopts():
    assert [(f[0], f[1], f[2]) for f in facts_of("市政府常务会议审议重大行政决策事项14项。", 2019)] == [
        ("major_decision", "reviewed", 14)]
    text = "审核规范性文件16件，其中14件经区政府常务会议审议通过后印发。"
    assert [(f[1], f[2]) for f in facts_of(text, 2024)] == [("reviewed", 16), ("enacted", 14)]
