"""Amount shapes read from a clause's own wording (third owner pass): a growth said as a bound, a
rate the user states against a ceiling the clause sets as a condition, the award the question
names, a line break kept inside a sentence, a tax cut by a share, a per-head floor, a rate of a
base named with its qualifier. Every clause and question here is invented for the test."""
from __future__ import annotations

from decimal import Decimal

from index.records import Clause
from assistant.calculator.select import calculate_for
from assistant.question.facts import extract_facts
from assistant.rules.catalog import extract_rules
from assistant.rules.fact_names import lookup_key


def _clause(text: str) -> Clause:
    return Clause(clause_id="inv/1", doc_id="inv", path=(), display_path="", text=text, start=0, end=len(text))


def _calcs(text: str, question: str):
    return calculate_for(_clause(text), extract_facts(question), None, as_of="2026-11-21", question=question)


# --- a growth said as a bound, and the award the question names ---------------------------

TWO_AWARDS = ("对年销售收入首次超过2亿元、1亿元的软件企业，分别给予60万元、30万元奖励；"
              "自获奖次年起，对年销售收入增速超过12%的企业，给予8万元奖励，连续奖励三年。")


def test_a_growth_said_as_a_bound_is_kept_as_the_bound():
    assert extract_facts("近几年增速都超过12%")["增速"] == "超过12%"
    assert extract_facts("增速均不低于20%")["增速"] == "至少20%"
    assert extract_facts("营收增长18%")["年主营业务收入增速"] == Decimal("0.18")


def test_a_rate_is_never_answered_with_a_sum_of_a_longer_name():
    facts = {"增速": "超过12%", "年销售收入": Decimal("200000000")}
    assert lookup_key(facts, "年销售收入增速") == "增速"
    assert lookup_key(facts, "年销售收入") == "年销售收入"


def test_the_award_the_question_names_is_the_one_worked_out():
    calcs = _calcs(TWO_AWARDS, "我们是做软件的，头一回年销售收入过1亿元领过奖，此后三年增速都超过12%，按增速的奖励合计多少")
    assert calcs[0].amount_yuan == Decimal("240000")
    assert any("增速" in c and "符合" in c for c in calcs[0].checks)


def test_without_naming_it_the_revenue_award_still_answers_a_revenue_question():
    calcs = _calcs(TWO_AWARDS, "软件企业年销售收入首次超过2亿元，奖励多少")
    assert calcs[0].amount_yuan == Decimal("600000")


# --- a ceiling set as a condition, and the rate the user states ---------------------------

FEE = ("对本省政府性融资担保机构新增的单户担保金额800万元以下、平均年化担保费率不超过（含）1%的小微企业"
       "融资担保业务，按业务发生额的1%给予补助。对再担保机构的代偿损失，给予40%的分担补偿。")


def test_a_ceiling_before_the_grant_is_a_condition_not_a_cap():
    rule = extract_rules(_clause(FEE))[0]
    fee = [th for th in rule.thresholds if th.unit == "%"]
    assert fee and fee[0].op == "<=" and fee[0].value == Decimal("0.01") and fee[0].fact == "平均年化担保费率"
    assert rule.cap is None


def test_a_rate_the_user_states_is_a_figure_of_that_name():
    assert extract_facts("平均年化担保费率是1.2%")["平均年化担保费率"] == Decimal("0.012")
    assert extract_facts("贷款利率为4.5%")["贷款利率"] == Decimal("0.045")


def test_a_rate_above_the_ceiling_rules_the_grant_out_and_no_other_rule_replaces_it():
    calcs = _calcs(FEE, "担保公司今年新增担保600万，不过平均年化担保费率是1.2%，按1%给的那笔补助有没有")
    assert calcs[0].amount_yuan == Decimal(0) and calcs[0].eligible is False
    assert all(c.amount_yuan in (None, Decimal(0)) for c in calcs)


def test_a_rate_within_the_ceiling_is_paid():
    calcs = _calcs(FEE, "担保公司今年新增担保600万，平均年化担保费率0.8%，补助是多少")
    assert calcs[0].amount_yuan == Decimal("60000")


# --- a sentence wrapped across lines; years of work said as 干满 -------------------------

def test_a_line_break_inside_a_sentence_does_not_cut_its_subject_from_its_amount():
    text = ("企业招用退役军人，与其签订1 年以上期限劳动合同并依法缴纳社会保险的，自签订劳动合同当月起，在3 年（36 个月）\n"
            "内按实际招用人数予以定额依次扣减增值税和个人所得税，定额标准为每人每年6000 元。")
    rule = extract_rules(_clause(text))[0]
    assert "退役军人" in rule.subject and rule.amount == Decimal("6000") and rule.max_repeats == 3
    calc = _calcs(text, "公司录用了3名退役军人，劳动合同两年，一年可以少交多少税")[0]
    assert calc.amount_yuan == Decimal("18000")


def test_a_heading_on_its_own_line_still_ends_the_line():
    text = "一、对新建项目，按投资额的5%给予补助，\n（二）对技改项目给予10万元奖励。"
    rules = extract_rules(_clause(text))
    assert len(rules) == 2


def test_years_worked_said_as_gan_man_count_for_a_seniority_step():
    text = ("对在同一机构工作1年以上的持证护工，每月给予80元岗位补贴；工作年限每增加1年，月岗位补贴增加80元"
            "（8年以内的月补贴不超过400元）。")
    calc = _calcs(text, "我们有个持证护工干满3年了，岗位补贴每月多少")[0]
    assert calc.amount_yuan == Decimal("240")


# --- a tax cut by a share; a per-head floor; a rate of a qualified base -------------------

def test_a_tax_cut_by_a_share_is_worked_out_on_the_tax_owed():
    for text in ("对本县小规模纳税人按50%的税额幅度减征房产税、城镇土地使用税和印花税。",
                 "在国家规定减免幅度内按照顶格50%幅度减征房产税和印花税。",
                 "继续执行“六税两费”减免政策，在国家规定减免幅度内按照50%顶格执行。"):
        rule = extract_rules(_clause(text))[0]
        assert rule.kind == "deduction" and rule.rate == Decimal("0.5")
        calc = _calcs(text, "我们房产税一年要交6万，能减多少")[0]
        assert calc.amount_yuan == Decimal("30000")


def test_a_share_without_a_tax_named_is_not_read_as_a_tax_cut():
    rules = extract_rules(_clause("对园区企业按照50%幅度减免物业管理服务。"))
    assert not any(r.benefit == "减征" for r in rules)


def test_a_per_head_floor_is_a_floor():
    text = "对开展学徒制培训的企业，按照每人每年不低于3000 元的标准给予补贴。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "per_unit" and rule.at_least and rule.amount == Decimal("3000")
    calc = _calcs(text, "我们培训了10个学徒，每年至少能补多少")[0]
    assert calc.amount_yuan == Decimal("30000") and "不少于" in calc.summary


def test_a_rate_of_a_base_named_with_its_qualifier():
    text = "组织青年参加见习，按现行的全市最低工资标准的80%给予见习补贴。"
    rule = extract_rules(_clause(text))[0]
    assert rule.rate == Decimal("0.8") and "最低工资标准" in rule.base
    calc = _calcs(text, "全市最低工资标准是2000元，见习补贴每月多少")[0]
    assert calc.amount_yuan == Decimal("1600")


# --- an expired document: its term is cited ------------------------------------------------

def test_an_expired_documents_answer_cites_the_sentence_that_states_its_term():
    import datetime as dt

    from assistant.answer.compose import compose
    from index.records import Document, ScoredClause

    texts = ["一、对首次在新三板挂牌的企业，给予50万元补助。",
             "二、本政策自2021年3月1日施行，有效期为2年。"]
    full, clauses, pos = "", [], 0
    for i, t in enumerate(texts, 1):
        clauses.append(Clause(clause_id=f"inv/{i}", doc_id="inv", path=(str(i),), display_path=f"{i}、",
                              text=t, start=pos, end=pos + len(t)))
        full += t + "\n"
        pos = len(full)
    doc = Document(doc_id="inv", source_path="inv.txt", sha256="0", title="某市挂牌补助办法", text=full,
                   region="某市", valid_from="2021-03-01", valid_until="2023-02-28")
    by_id = {c.clause_id: c for c in clauses}

    class KB:
        documents = {"inv": doc}
        clauses = by_id

        def clauses_of(self, doc_id):
            return list(by_id.values())

    answer = compose(KB(), "新三板挂牌补助多少？", [ScoredClause(clauses[0], 1.0, rank=1)], dt.date(2026, 11, 21))
    quotes = [c.quote for c in answer.citations]
    assert any("有效期为2年" in q for q in quotes)
    assert "失效依据" in answer.answer
    assert all(doc.text[c.start:c.end] == c.quote for c in answer.citations)


# --- '及以下', a loan one may apply for, a sum named twice ------------------------------------

def test_ji_yi_xia_bounds_from_above_and_a_sum_named_twice_is_the_base():
    text = "对开展单户融资担保金额500万元及以下的融资担保业务，财政部门按照其年化融资担保额的1%给予担保公司业务奖补。"
    rule = extract_rules(_clause(text))[0]
    assert rule.base == "年化融资担保额"
    assert rule.thresholds[0].op == "<=" and rule.thresholds[0].value == Decimal("5000000")
    assert _calcs(text, "我们做了一笔300万的担保业务，奖补多少")[0].amount_yuan == Decimal("30000")
    assert _calcs(text, "我们做了一笔800万的担保业务，奖补多少")[0].amount_yuan == Decimal(0)


def test_a_loan_one_may_apply_for_is_a_loan_ceiling():
    text = "招用高校毕业生达到职工总数15%以上的小微企业，可申请不超过300万元的创业担保贷款，并享受财政贴息。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "loan" and rule.amount == Decimal("3000000") and rule.up_to


# --- the base of a rate: a floor, the sum the 对-phrase names, a fee named after a cut --------

def test_a_rate_floor_is_a_floor_on_its_base():
    text = "各级要按照不低于上年度征收额10%的比例，将保障金用于补贴。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "limit" and rule.at_least and rule.base == "征收额"
    assert _calcs(text, "上年度征收额1000万，至少用多少")[0].amount_yuan == Decimal("1000000")


def test_a_plain_rate_shares_the_loss_the_dui_phrase_names():
    text = "对纳入再担保授信范围的小微企业融资担保业务实际代偿损失，给予40%的分担补偿。"
    rule = extract_rules(_clause(text))[0]
    assert rule.base == "实际代偿损失"
    assert _calcs(text, "我们代偿损失了200万，能分担多少")[0].amount_yuan == Decimal("800000")


def test_a_cut_names_the_fee_after_it():
    text = "研究院对民营小微企业送检的仪器设备减免20%的检验检测费。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "deduction" and rule.base == "检验检测费"
    assert _calcs(text, "我们送检的检验检测费是5万，能减多少")[0].amount_yuan == Decimal("10000")


def test_an_according_to_the_rules_prefix_is_not_part_of_the_base():
    text = "财政部门按规定对其年度担保平均余额的1‰给予最高不超过300万元的补贴。"
    assert extract_rules(_clause(text))[0].base == "担保平均余额"  # 年度 is dropped as ever


# --- a level named with its other name in brackets; sums per person (and day) written with '/' ---

def test_a_level_named_with_its_other_name_in_brackets_is_met_by_either():
    text = "对取得职业资格证书的，给予技能提升补贴，补贴标准为：初级（五级）800元、中级（四级）1200元、高级（三级）1800元。"
    assert _calcs(text, "我考了中级工证书，能补多少")[0].amount_yuan == Decimal("1200")
    assert _calcs(text, "我拿了三级证书，能补多少")[0].amount_yuan == Decimal("1800")


def test_a_sum_per_person_written_with_a_slash_after_a_ceiling_is_per_person():
    text = "由就业创业补助资金按照最高不超过600元/人的标准给予支持。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "per_unit" and rule.per_unit == "人" and rule.up_to
    assert _calcs(text, "我们有10人参加，能补多少")[0].amount_yuan == Decimal("6000")


def test_a_sum_per_person_and_day_multiplies_both():
    text = "对组织开展培训的机构，补贴标准按照不超过60元/天/人的标准确定。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "per_unit" and rule.per_unit == "人天"
    assert _calcs(text, "我们培训了20人，培训了5天，能补多少")[0].amount_yuan == Decimal("6000")
    assert _calcs(text, "我们培训了20人，能补多少")[0].amount_yuan is None  # the days are asked for


def test_the_period_a_measure_runs_names_no_one():
    text = "自2023年1月1日至2024年12月31日，继续按照50%幅度减免小型微利企业的房产税和印花税。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "deduction" and not rule.subject.startswith("自")
