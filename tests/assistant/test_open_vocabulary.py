"""Rules read with their own vocabulary: a clause's tiers matched however the user writes them,
a tier the clause lacks answered as such, and sums a document bounds as a share of another
(deposits, advance payments) worked out. Every clause here is invented for the test."""
from __future__ import annotations

from decimal import Decimal

import pytest

from index.records import Clause
from assistant.calculator.select import calculate_for
from assistant.lexicon.vocab import match_tier
from assistant.question.facts import extract_facts
from assistant.rules.catalog import extract_rules


def _clause(text: str) -> Clause:
    return Clause(clause_id="inv/1", doc_id="inv", path=(), display_path="", text=text, start=0, end=len(text))


def _ask(text: str, question: str):
    calcs = calculate_for(_clause(text), extract_facts(question), None, as_of="2026-11-21", question=question)
    return calcs[0] if calcs else None


@pytest.mark.parametrize("names, question, named, lacking", [
    (["五星级", "四星级"], "评上4星了", "四星级", None),
    (["五星级", "四星级"], "我们是五星级的", "五星级", None),
    (["五星级", "四星级"], "三星级饭店呢", None, "三星级"),
    (["甲级", "乙级"], "评了乙级", "乙级", None),
    (["甲级", "乙级"], "丙级的有吗", None, "丙级"),
    (["AAAAA级", "AAAA级"], "4a的", "AAAA级", None),
    (["5A级", "4A级"], "国家AAAAA级", "5A级", None),
    (["AAAAA级", "AAAA级"], "3A的呢", None, "AAA级"),
    (["金牌", "银牌", "铜牌服务机构"], "拿了铜牌", "铜牌服务机构", None),
    (["国家级", "省级"], "县级的呢", None, "县级"),
    (["一等奖", "二等奖"], "获了三等奖", None, "三等奖"),
    (["国家级", "省级"], "广东省的企业", None, None),  # a province's name is not the tier 省级
])
def test_tiers_are_matched_on_the_clause_own_names(names, question, named, lacking):
    assert match_tier(names, question) == (named, lacking)


HOTELS = ("对新评定为五星级、四星级的旅游饭店，分别给予150万元、40万元一次性奖励；"
          "对首次纳入统计的住宿企业，给予3万元奖励。")


def test_a_named_tier_gets_its_own_amount():
    assert _ask(HOTELS, "酒店评上了四星级，能奖多少").amount_yuan == Decimal("400000")
    assert _ask(HOTELS, "我们是5星级饭店，奖励多少").amount_yuan == Decimal("1500000")


def test_a_tier_the_clause_lacks_is_said_not_answered_with_another_rule():
    calc = _ask(HOTELS, "三星级饭店能奖多少")
    assert calc.amount_yuan == Decimal(0) and calc.eligible is False
    assert "三星级" in calc.summary


def test_a_lettered_grade_in_a_list_is_its_own_tier():
    text = "对新评为国家5A级、4A级旅游景区的，分别奖励300万元、80万元。"
    assert _ask(text, "景区评上AAAA级了").amount_yuan == Decimal("800000")
    assert _ask(text, "4A景区奖多少").amount_yuan == Decimal("800000")


def test_named_categories_not_in_any_list():
    text = "对评为金牌、银牌、铜牌的家政服务机构，分别给予20万元、10万元、5万元奖励。"
    assert _ask(text, "我们拿了银牌，奖多少").amount_yuan == Decimal("100000")


def test_a_deposit_bounded_by_a_share_of_the_estimate_with_a_cap():
    text = "投标保证金不超过招标项目估算价的2%，且最高不得超过80万元。"
    (rule,) = extract_rules(_clause(text))
    assert rule.kind == "limit" and rule.rate == Decimal("0.02") and rule.cap == Decimal("800000")
    assert _ask(text, "项目估算价1000万，投标保证金最多交多少").amount_yuan == Decimal("200000")
    assert _ask(text, "估算价9000万，投标保证金最多多少").amount_yuan == Decimal("800000")


def test_a_sum_bounded_both_ways_answers_the_bound_asked():
    text = "对中小企业合同预付款比例原则上不低于合同金额的30％，不高于合同金额的60%；"
    assert _ask(text, "合同200万，预付款最少能拿多少").amount_yuan == Decimal("600000")
    assert _ask(text, "合同200万，预付款最多能给多少").amount_yuan == Decimal("1200000")


def test_the_bounded_sum_is_named_from_the_sentence():
    text = "政府采购工程项目收取履约保证金的，最高缴纳比例不得超过合同金额的3%。"
    (rule,) = extract_rules(_clause(text))
    assert rule.benefit == "履约保证金" and rule.base == "合同金额"
    assert _ask(text, "合同400万，履约保证金最多收多少").amount_yuan == Decimal("120000")


def test_an_amount_per_counted_thing_multiplies_by_the_users_count():
    text = "对认定为绿色货运配送企业且新能源配送车辆符合条件的，给予每辆最高不超过3万元的运营奖补。"
    calc = _ask(text, "我们是认定的绿色货运配送企业，有4辆新能源配送车，最多拿多少")
    assert calc.amount_yuan == Decimal("120000")


def test_heads_counted_with_any_measure_word():
    text = "对吸纳就业困难人员的企业，按每人2000元的标准给予一次性吸纳就业补贴。"
    assert _ask(text, "我们招了7个就业困难人员，补贴多少").amount_yuan == Decimal("14000")
    assert _ask(text, "招了3名困难人员").amount_yuan == Decimal("6000")


def test_one_rate_a_level_named_in_the_clause():
    text = "对获得国家、省级和市级优质工程奖项的，分别按不低于工程结算造价1.2%、0.9%和0.5%的标准计取优质优价费用。"
    (rule,) = extract_rules(_clause(text))
    assert [lv.rate for lv in rule.levels] == [Decimal("0.012"), Decimal("0.009"), Decimal("0.005")]
    assert _ask(text, "拿了省级优质工程奖，结算造价6000万，至少计取多少").amount_yuan == Decimal("540000")
    lacking = _ask(text, "县级优质工程奖，结算造价6000万")
    assert lacking.amount_yuan == Decimal(0) and lacking.eligible is False


@pytest.mark.parametrize("question, text", [
    ("开办企业要几天？", "企业开办全程压缩至1个工作日内办结"),
    ("报装要多久？", "低压小微企业接电时间压缩至1.5 小时"),
    ("补证要多长时间？", "收到申请后当日完成纠正"),
])
def test_a_duration_written_as_documents_write_it_answers_how_long(question, text):
    from assistant.answer.fit import answer_type_gap
    assert answer_type_gap(question, text) is None


def test_a_quantity_that_is_not_money_is_not_an_amount_question():
    from assistant.answer.fit import answer_type_gap
    assert answer_type_gap("配套用地最多能给多少亩？", "配套设施用地不超过15亩") is None
    assert answer_type_gap("能补多少钱？", "给予一定支持") == "具体金额"


def test_a_level_written_without_its_ji_in_a_list_is_offered():
    from assistant.answer.fit import tier_gap
    text = "对获得国家、省级和市级奖项的，分别给予奖励"
    assert tier_gap("我们拿的是国家级", text) is None
    assert tier_gap("县级的呢", text)[0] == "县级"


def test_a_how_long_question_prefers_the_clause_that_states_a_time():
    from assistant.answer.select import rerank
    from index.records import ScoredClause
    vague = Clause(clause_id="inv/1", doc_id="inv", path=(), display_path="", start=0, end=30,
                   text="持续优化不动产登记办理流程，推进登记服务便利化，提升群众满意度。")
    timed = Clause(clause_id="inv/2", doc_id="inv", path=(), display_path="", start=30, end=60,
                   text="不动产登记一般件压缩至3个工作日内办结。")
    ranked = rerank("办不动产登记要几天？", [ScoredClause(vague, 0.9, rank=1), ScoredClause(timed, 0.8, rank=2)])
    assert ranked[0].clause.clause_id == "inv/2"


def test_places_resolve_up_the_hierarchy_to_the_nearest_covered_place():
    from assistant.lexicon.places import Coverage, CITIES
    cov = Coverage(keys={"青海": {"青海"}, "泉州": {"泉州"}, "云港": {"云港"}})
    assert CITIES.get("格尔木")  # a county-level city the gazetteer knows
    assert cov.resolve("格尔木") == {"青海"}  # a city of a covered province: the province's documents
    assert cov.resolve("晋江") == {"泉州"}  # a county-level city of a covered city
    assert cov.resolve("连云港") == {"云港"}  # a covered region written inside the mention
    assert cov.resolve("拉萨") == set()  # nothing of its province is held


def test_a_year_is_not_how_long_something_takes():
    from assistant.answer.fit import states_duration
    assert states_duration("压缩至3个工作日内办结") and states_duration("当日办结")
    assert not states_duration("至2020年，全区60%的企业实现数字化")


YEARLY = ("市财政对全面完成年度目标任务的县区（园区）每年予以奖励（连续奖励3年），其中县区每年各奖励80万元，"
          "高新区、临港园区、滨湖园区每年各奖励40万元。")


def test_a_list_of_names_sharing_an_amount_is_one_tier_named_by_any_of_them():
    (rule,) = extract_rules(_clause(YEARLY))
    assert [lv.name for lv in rule.levels] == ["县区", "高新区、临港园区、滨湖园区"]
    assert _ask(YEARLY, "临港园区每年奖多少").amount_yuan == Decimal("400000")


def test_a_yearly_award_added_up_over_the_years_asked_within_the_years_allowed():
    assert _ask(YEARLY, "临港园区三年都完成任务，一共奖多少").amount_yuan == Decimal("1200000")
    assert _ask(YEARLY, "县区五年加起来奖多少").amount_yuan == Decimal("2400000")  # at most 3 years
    assert _ask(YEARLY, "县区每年奖多少").amount_yuan == Decimal("800000")


def test_a_question_that_denies_the_rules_qualification_gets_nothing():
    text = "对认定为城市绿色货运配送企业且企业新能源配送车辆符合相关条件的，给予每辆最高不超过3万元的运营奖补。"
    denied = _ask(text, "我们有3辆新能源配送车，但没被认定为城市绿色货运配送企业，能拿多少")
    assert denied.amount_yuan == Decimal(0) and denied.eligible is False
    assert _ask(text, "我们是认定的城市绿色货运配送企业，有3辆新能源配送车，能拿多少").amount_yuan == Decimal("90000")


def test_a_figure_the_rules_own_sentence_names_fills_its_base():
    # the user speaks of 设备 ('新增设备投资800万' → a 设备 cost); the rule's base, as written, is
    # '项目新增设备投资额': its own words say that figure is the base
    text = "对经认定的首台（套）产品产业化项目，按不超过项目新增设备投资额15%的比例，给予最高300万元奖补。"
    assert _ask(text, "首台套产品产业化，新增设备投资800万，最多补多少").amount_yuan == Decimal("1200000")


def test_a_condition_and_a_base_on_the_same_investment_take_one_figure():
    text = "对示范应用项目，且项目投资不低于1000万元的，按不超过项目总投资10%的比例，给予最高150万元奖补。"
    assert _ask(text, "示范应用项目总投资1200万，能拿多少").amount_yuan == Decimal("1200000")
    assert _ask(text, "示范应用项目总投资800万，能拿多少").amount_yuan == Decimal(0)


def test_a_per_household_yearly_limit_over_the_years_the_document_allows():
    text = ("重点群体人员从事个体经营的，自办理个体工商户登记当月起，在3年（36个月）内按每户每年12000元为限额"
            "依次扣减其当年实际应缴纳的增值税、个人所得税。")
    (rule,) = extract_rules(_clause(text))
    assert (rule.kind, rule.per_unit, rule.amount, rule.max_repeats, rule.up_to) == ("per_unit", "户", Decimal("12000"), 3, True)
    assert _ask(text, "我开了个体户，每年最多扣多少").amount_yuan == Decimal("12000")
    assert _ask(text, "我开了个体户，三年加起来最多能少交多少税").amount_yuan == Decimal("36000")


def test_a_clause_for_another_alternative_of_the_kind_asked_is_a_near_miss():
    from assistant.answer.fit import contrast_gap
    text = "对新能源物流车辆，给予每辆最高1万元的运营补贴。"
    assert contrast_gap("柴油货车有没有运营补贴？", text) == ("柴油", "新能源")
    assert contrast_gap("新能源物流车每辆补多少？", text) is None
    assert contrast_gap("物流车每辆补多少？", text) is None  # no alternative named: the clause may answer


def test_the_contrast_refusal_names_both_alternatives():
    import datetime as dt
    from assistant.answer.scope import CONTRAST, Scope, refusal_text

    class _Empty:
        documents: dict = {}

    text = refusal_text(Scope(covered=False, reason=CONTRAST, detail="柴油|新能源"), _Empty(), dt.date(2026, 11, 21))
    assert "柴油" in text and "新能源" in text


PER_HEAD_LIST = ("对取得职业资格证书的，按照中级工每人1000元、高级工每人2000元、"
                 "特级高级工每人4000元的标准，给予企业培训补贴。")


def test_each_category_of_a_per_head_list_is_its_own_rule():
    rules = extract_rules(_clause(PER_HEAD_LIST))
    assert [r.subject.split("（")[0] for r in rules] == ["中级工", "高级工", "特级高级工"]
    assert [r.amount for r in rules] == [Decimal(1000), Decimal(2000), Decimal(4000)]


def test_counts_per_category_are_summed_from_the_clause_own_names():
    calc = _ask(PER_HEAD_LIST, "今年有3个人考了中级工、2个人考了特级高级工，能补多少？")
    assert calc.amount_yuan == Decimal(3 * 1000 + 2 * 4000)
    assert "合计" in calc.steps[-1]
    # one category with its count: that category's own rule, not a sum
    one = _ask(PER_HEAD_LIST, "有5个人考了高级工，能补多少？")
    assert one.amount_yuan == Decimal(5 * 2000)


STEPS = ("孵化载体当年新增入驻企业达到10家的，给予3万元奖补，10家以上的每增加一家给予2000元奖补，"
         "每个载体每年奖补总额最高不超过8万元。")


def test_a_sum_at_a_threshold_count_plus_a_step_for_each_unit_beyond_it():
    rules = extract_rules(_clause(STEPS))
    assert len(rules) == 1 and rules[0].base_amount == Decimal("30000") and rules[0].base_count == Decimal("10")
    assert _ask(STEPS, "今年新增入驻企业14家，能拿多少").amount_yuan == Decimal("38000")
    capped = _ask(STEPS, "今年新增入驻企业40家，能拿多少")
    assert capped.amount_yuan == Decimal("80000") and any("上限" in s for s in capped.steps)
    assert _ask(STEPS, "今年新增入驻企业9家，能拿多少").amount_yuan == Decimal(0)


def test_a_refund_is_a_rate_of_the_base_it_names():
    text = "对当年未裁员的参保单位，返还其上年度工伤保险缴费总额的40%。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "rate" and rule.rate == Decimal("0.4") and "缴费总额" in rule.base
    assert _ask(text, "上年度工伤保险缴费总额30万元，能返还多少").amount_yuan == Decimal("120000")


DEDUCT = "对符合条件的小型企业报价给予15%(工程类项目为4%)的扣除，用扣除后的价格参加评审。"


def test_a_price_deduction_gives_the_amount_off_or_the_price_judged():
    assert _ask(DEDUCT, "报价300万元，能扣除多少").amount_yuan == Decimal("450000")
    judged = _ask(DEDUCT, "报价300万元，评审价按多少算")
    assert judged.amount_yuan == Decimal("2550000") and any("−" in s for s in judged.steps)
    # the category's own rate, when the user names that kind of purchase
    assert _ask(DEDUCT, "工程类采购，报价300万元，能扣除多少").amount_yuan == Decimal("120000")


def test_a_range_of_deduction_rates_is_worked_at_its_top_and_says_so():
    text = "给予小型企业8%-12%的价格扣除优惠。"
    calc = _ask(text, "报价100万元，按最高比例评审价是多少")
    assert calc.amount_yuan == Decimal("880000") and any("最高比例" in s for s in calc.steps)


def test_a_share_raised_to_a_rate_takes_the_base_the_clause_states():
    text = "约定预付款的，预付款比例一般不低于合同金额20%。小型企业合同预付款比例提高到40%。"
    rules = [r for r in extract_rules(_clause(text)) if r.kind == "share"]
    assert rules and rules[0].base == "合同金额" and rules[0].rate == Decimal("0.4")
    assert _ask(text, "合同金额200万元，我们是小型企业，预付款是多少").amount_yuan == Decimal("800000")


def test_a_share_of_a_gated_figure_takes_that_figure_as_its_base():
    text = "将达到或超过500万元的工程采购项目面向小型企业预留比例提高至30%。"
    rule = [r for r in extract_rules(_clause(text)) if r.kind == "share"][0]
    assert rule.thresholds[0].op == ">=" and rule.base == rule.thresholds[0].fact
    assert _ask(text, "一个1000万元的工程采购项目，要预留多少").amount_yuan == Decimal("3000000")
    assert _ask(text, "一个400万元的工程采购项目，要预留多少").amount_yuan == Decimal(0)


CERTS = ("参保职工取得职业技能等级证书的，可申请技能提升补贴。补贴标准为：初级800元、中级1200元、高级1800元。")


def test_a_per_person_amount_asked_as_a_total_is_times_the_people_named():
    calc = _ask(CERTS, "三名职工都拿到中级证书，一共能领多少")
    assert calc.amount_yuan == Decimal("3600") and any("× 3人" in s for s in calc.steps)
    # asked for one, or not as a total: the amount itself
    assert _ask(CERTS, "拿到中级证书能领多少").amount_yuan == Decimal("1200")


def test_a_per_enterprise_amount_is_not_multiplied_by_heads():
    text = "企业吸纳参保人员就业的，每家给予一次性奖励2万元。"
    assert _ask(text, "我们吸纳了5名人员，一共能拿多少").amount_yuan == Decimal("20000")
