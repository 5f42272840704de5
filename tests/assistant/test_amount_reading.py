"""Amounts read from a clause's own wording: a per-person standard without a head count, a rate
charged on a sum (费率/利率) as a share of that sum, a base the condition gates, a base the document
takes a part out of. Every clause here is invented for the test."""
from __future__ import annotations

from decimal import Decimal

from index.records import Clause
from assistant.calculator.select import calculate_for
from assistant.question.facts import extract_facts
from assistant.rules.catalog import extract_rules


def _clause(text: str) -> Clause:
    return Clause(clause_id="inv/1", doc_id="inv", path=(), display_path="", text=text, start=0, end=len(text))


def _calcs(text: str, question: str):
    return calculate_for(_clause(text), extract_facts(question), None, as_of="2026-11-21", question=question)


def _ask(text: str, question: str):
    calcs = _calcs(text, question)
    return calcs[0] if calcs else None


def test_a_per_person_standard_without_a_count_is_the_standard_for_one():
    text = "对取得证书的，按照初级工每人800元、中级工每人1200元的标准给予企业培训补贴。"
    calc = _ask(text, "员工考了中级工证书，企业能补多少")
    assert calc.amount_yuan == Decimal("1200")
    assert any("按1人计算" in s for s in calc.steps)


def test_a_per_person_standard_is_multiplied_by_the_count_given():
    text = "对取得证书的，按照每人800元的标准给予企业培训补贴。"
    assert _ask(text, "我们有5人取得证书，能补多少").amount_yuan == Decimal("4000")


def test_a_fee_rate_as_base_is_a_share_of_the_sum_it_is_charged_on():
    text = ("对单笔担保金额500万元以下的业务，本级财政给予合作担保机构年化担保费率1%的担保费补贴。")
    rule = extract_rules(_clause(text))[0]
    assert rule.base == "担保金额" and rule.rate == Decimal("0.01")
    assert _ask(text, "我们担保了一笔300万的业务，能补多少").amount_yuan == Decimal("30000")
    assert _ask(text, "我们担保了一笔800万的业务，能补多少").amount_yuan == Decimal(0)


def test_an_interest_rate_as_base_is_a_share_of_the_loan():
    text = "对符合条件的小微企业，按贷款利率的50%给予贴息。"
    assert extract_rules(_clause(text))[0].base == "贷款金额"


def test_the_sum_a_condition_gates_is_the_base_of_its_rate():
    text = "对单户担保金额800万元以下的小额贷款担保业务，按业务发生额的1%给予补助。"
    calc = _ask(text, "我们新做了一笔500万元的担保，补助多少")
    assert calc.amount_yuan == Decimal("50000")
    assert any("业务发生额" in s for s in calc.steps)


def test_two_sums_given_are_not_guessed_into_the_base():
    text = "对单户担保金额800万元以下的小额贷款担保业务，按业务发生额的1%给予补助。"
    calc = _ask(text, "我们新做了一笔担保500万，另一笔300万，能补多少")
    assert calc.amount_yuan != Decimal("50000")


def test_a_part_the_document_takes_out_of_the_base_is_taken_out():
    text = "工程预付款不得低于合同价款（扣除暂列金额）的20%。"
    rule = extract_rules(_clause(text))[0]
    assert rule.base == "合同价款" and rule.base_less == "暂列金额"
    calc = _ask(text, "合同价款1000万元，暂列金额有100万元，预付款最少付多少")
    assert calc.amount_yuan == Decimal("1800000")
    plain = _ask(text, "合同价款1000万，预付款最少付多少")
    assert plain.amount_yuan == Decimal("2000000")
    assert any("暂列金额" in c for c in plain.checks)


def test_a_fee_cut_by_a_share_is_worked_out_both_ways():
    text = "合作担保机构的担保费率最高减免40%，再担保机构免收再担保费。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "deduction" and rule.base == "担保费" and rule.rate_up_to
    calc = _ask(text, "一笔担保原来担保费5万，最多能少收多少")
    assert calc.amount_yuan == Decimal("20000")


def test_a_discount_in_zhe_is_the_share_still_paid():
    text = "对进出本港的冷链运输车辆，给予港口作业费八折优惠。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "deduction" and rule.base == "港口作业费" and rule.rate == Decimal("0.2")
    assert _ask(text, "一次作业费原本1000元，打折后还要付多少").amount_yuan == Decimal("800")
    assert _ask(text, "一次作业费原本1000元，能省多少").amount_yuan == Decimal("200")


def test_discount_share_reads_every_spelling():
    from assistant.lexicon.numbers import discount_share

    assert [discount_share(x) for x in ("五折", "八五折", "7.5折", "95折", "9折")] == \
        [Decimal("0.5"), Decimal("0.85"), Decimal("0.75"), Decimal("0.95"), Decimal("0.9")]


def test_a_deduction_ceiling_is_no_more_than_the_tax_owed():
    text = ("从事个体经营的，在3年内按每户每年12000元为限额依次扣减其当年实际应缴纳的增值税和个人所得税。")
    owed = _ask(text, "我们当年实际应缴的税一共只有7000元，能扣多少")
    assert owed.amount_yuan == Decimal("7000")
    assert _ask(text, "我们当年实际应缴的税有2万元，能扣多少").amount_yuan == Decimal("12000")
    assert _ask(text, "开了个体户，能扣多少").amount_yuan == Decimal("12000")


def test_a_yearly_rate_that_changes_over_the_years():
    text = "对入驻园区的企业，前两年每年按80%、后三年每年按40%的房租补贴，每年最高不超过20万元。"
    rule = extract_rules(_clause(text))[0]
    assert rule.periods == ((2, Decimal("0.8")), (3, Decimal("0.4"))) and rule.base == "房租"
    first = _ask(text, "我们年房租10万，能补多少")
    assert first.amount_yuan == Decimal("80000")
    assert _ask(text, "我们年房租10万，5年一共能补多少").amount_yuan == Decimal("280000")
    assert _ask(text, "我们年房租10万，前三年一共能补多少").amount_yuan == Decimal("200000")
    capped = _ask(text, "我们年房租30万，5年一共能补多少")  # 24万 a year is capped at 20万
    assert capped.amount_yuan == Decimal("200000") * 2 + Decimal("120000") * 3


def test_full_and_half_are_rates_of_a_period():
    text = "对新引进的企业，前三年全额、后两年减半补助租金。"
    rule = extract_rules(_clause(text))[0]
    assert rule.periods == ((3, Decimal(1)), (2, Decimal("0.5")))


def test_a_reduced_levy_rate_is_the_tax_on_the_sales():
    text = "小规模纳税人适用3%征收率的应税收入，减按2%征收率征收增值税。"
    rule = extract_rules(_clause(text))[0]
    assert rule.kind == "share" and rule.rate == Decimal("0.02")
    assert _ask(text, "我们这个季度应税收入60万元，要交多少增值税").amount_yuan == Decimal("12000")


def test_a_fraction_rate_is_multiplied_exactly_and_rounded_to_the_fen_only_when_it_must():
    text = "对灵活就业并缴纳社会保险费的，给予社会保险补贴，补贴标准按其实际缴费的1/3执行。"
    rule = extract_rules(_clause(text))[0]
    assert rule.rate_fraction == (1, 3) and rule.base == "实际缴费"
    assert _ask(text, "我一年交社保6000元，能补多少").amount_yuan == Decimal("2000")
    odd = _ask(text, "我一年交社保1000元，能补多少")
    assert odd.amount_yuan == Decimal("333.33") and any("四舍五入" in s for s in odd.steps)


def test_fractions_in_words_and_figures():
    from assistant.lexicon.numbers import read_fraction

    assert read_fraction("2/3") == (2, 3) and read_fraction("三分之二") == (2, 3)
    assert read_fraction("十分之一") == (1, 10)


def test_a_tax_on_one_part_of_the_base():
    text = ("对小型微利企业年应纳税所得额不超过50万元的部分，减按10%计入应纳税所得额，按20%的税率缴纳企业所得税；"
            "对年应纳税所得额超过50万元但不超过 200万元的部分，减按40%计入应纳税所得额，按20%的税率缴纳企业所得税。")
    rules = [r for r in extract_rules(_clause(text)) if r.kind == "share"]
    assert [(r.part_over, r.part_upto, r.rate) for r in rules] == [
        (None, Decimal("500000"), Decimal("0.02")), (Decimal("500000"), Decimal("2000000"), Decimal("0.08"))]
    calcs = {c.rule_id: c.amount_yuan for c in _calcs(text, "年应纳税所得额160万元，其中50万元以上那块该缴多少企业所得税")}
    assert Decimal("88000") in calcs.values()  # (160万 − 50万) × 40% × 20%


SHIFT = ("1.奖励计算。错峰奖励金额=实际转移电量×奖励单价×时段系数。奖励单价为0.5元/千瓦时，时段系数见附表。"
         "企业实际转移电量若大于申报转移电量，按申报转移电量计算。")


def test_a_formula_is_read_with_its_own_names_and_fixed_values():
    rule = next(r for r in extract_rules(_clause(SHIFT)) if r.kind == "formula")
    assert rule.factors == (("实际转移电量", None), ("奖励单价", Decimal("0.5")), ("时段系数", None))
    assert rule.bounded_by == (("实际转移电量", "申报转移电量"),)
    assert [r.kind for r in extract_rules(_clause(SHIFT))] == ["formula"]  # 0.5元 is no award of its own


def test_a_formula_takes_the_user_figures_by_their_words():
    calc = _ask(SHIFT, "我们申报转移电量1000千瓦时，实际转移了800千瓦时，时段系数按1.5，能奖多少")
    assert calc.amount_yuan == Decimal("600")  # 800 × 0.5 × 1.5
    over = _ask(SHIFT, "我们申报转移电量1000千瓦时，实际转移了1200千瓦时，时段系数按1，能奖多少")
    assert over.amount_yuan == Decimal("500")  # bounded by the 1000 declared


def test_a_formula_asks_for_what_the_user_did_not_say():
    calc = _ask(SHIFT, "错峰奖励怎么算")
    assert calc.amount_yuan is None and set(calc.missing_facts) >= {"实际转移电量", "时段系数"}


BOND = ("投标保证金不得超过招标项目估算价的2%，最高不超过80万元；对信用评价为A级的中小微企业免收投标保证金。")


def test_an_exemption_for_a_kind_of_bidder_is_zero_with_the_clause():
    rules = extract_rules(_clause(BOND))
    assert [r.kind for r in rules] == ["limit", "exempt"]
    calc = _ask(BOND, "我们是A级的小微企业，这个项目估算价1200万元，投标保证金要交多少")
    assert calc.amount_yuan == Decimal(0) and calc.rule_id.endswith("#r2")


def test_an_exemption_does_not_answer_for_others():
    calc = _ask(BOND, "这个项目估算价1000万元，投标保证金最多交多少")
    assert calc.amount_yuan == Decimal("200000")
    assert all(c.kind != "exempt" or c for c in extract_rules(_clause(BOND)))
    assert all(not c.rule_id.endswith("#r2") for c in _calcs(BOND, "投标保证金最多交多少"))


SHOP = ("对新开设的品牌首店，给予一次性奖励30万元；已享受省级首店奖励的，不再享受本条奖励。")


def test_an_award_ruled_out_by_an_earlier_one_is_zero():
    rule = extract_rules(_clause(SHOP))[0]
    assert rule.ruled_out_by == "省级首店奖励"
    calc = _ask(SHOP, "我们新开的首店已经拿了省级首店奖励，这里还能奖多少")
    assert calc.amount_yuan == Decimal(0) and calc.eligible is False and "不再享受" in calc.summary


def test_an_award_not_ruled_out_keeps_its_amount():
    assert _ask(SHOP, "我们新开了一家品牌首店，能奖多少").amount_yuan == Decimal("300000")
    assert _ask(SHOP, "我们已经拿了市里的开业补贴，首店还能奖多少").amount_yuan == Decimal("300000")


def test_an_exemption_across_a_line_break_reads_who_before_it():
    text = ("推行差异化缴纳投标保证金；\n未列入失信名单的小微企业投标人（具体见《办法（2020）》附表）\n免缴投标保证金。")
    rule = next(r for r in extract_rules(_clause(text)) if r.kind == "exempt")
    assert rule.subject == "未列入失信名单的小微企业投标人"
    assert _ask(text, "我们是小微企业，投标保证金要交吗").amount_yuan == Decimal(0)
    assert not _calcs(text, "如果项目必须收，投标保证金交多少")
    assert not _calcs(text, "小微企业的投标保证金减免比例是多少")


def test_an_encouraged_or_optional_waiver_is_no_exemption():
    for text in ("推行采购人免收投标保证金。", "招标人可以减少或者免收投标保证金。", "提供咨询服务、免收服务费。"):
        assert not [r for r in extract_rules(_clause(text)) if r.kind == "exempt"], text


LISTING = "对首次在区域股权市场挂牌的，最高奖励50万元，进入精选层的最高再奖励80万元。"


def test_an_award_added_on_top_is_summed_when_both_are_named_as_a_total():
    calc = _ask(LISTING, "我们首次在区域股权市场挂牌，后来又进了精选层，加起来最多奖多少")
    assert calc.amount_yuan == Decimal("1300000")
    rules = extract_rules(_clause(LISTING))
    assert rules[1].subject == "进入精选层"


def test_one_stage_alone_is_its_own_amount():
    assert _ask(LISTING, "我们首次在区域股权市场挂牌，能奖多少").amount_yuan == Decimal("500000")


def test_a_plain_head_count_meets_a_head_count_condition():
    text = "对吸纳3人以上就业困难人员就业的个体户，一次性给予5000元创业补贴。"
    assert _ask(text, "我开了个小店，招了2个就业困难人员，能补多少").amount_yuan == Decimal(0)
    assert _ask(text, "我开了个小店，招了4个就业困难人员，能补多少").amount_yuan == Decimal("5000")


HIRING = ("新招用人员占在职职工比例达到20%的（在职职工超过200人的占比达到10%的），"
          "可申请最高额度不超过200万元的创业担保贷款。")


def test_a_bracketed_alternative_bar_is_one_threshold_not_three():
    (rule,) = extract_rules(_clause(HIRING))
    (th,) = rule.thresholds
    assert th.value == Decimal("0.2") and th.when.value == Decimal(200) and th.alt.value == Decimal("0.1")


def test_the_alternative_bar_applies_to_whoever_meets_its_condition():
    assert _ask(HIRING, "我们在职职工250人，新招人员占在职职工比例12%，能贷多少").amount_yuan == Decimal("2000000")
    assert _ask(HIRING, "我们在职职工150人，新招人员占在职职工比例12%，能贷多少").amount_yuan == Decimal(0)
    unknown = _ask(HIRING, "新招人员占在职职工比例12%，能贷多少")
    assert unknown.amount_yuan != Decimal(0) and any("职工" in m for m in unknown.missing_facts)


PLANT = "建设多层标准厂房的，从第三层起按建筑面积每平方米80元给予一次性补助，最高不超过200万元。"


def test_an_amount_per_square_metre_takes_the_area_from_the_floor_named():
    rule = extract_rules(_clause(PLANT))[0]
    assert rule.kind == "per_unit" and rule.per_unit == "平方米" and rule.from_floor == 3
    calc = _ask(PLANT, "我们建了5层，每层2000平米，能补多少")  # floors 3–5: 6000平方米 × 80元
    assert calc.amount_yuan == Decimal("480000")
    assert _ask(PLANT, "我们盖了10层，每层5000平方米，补多少").amount_yuan == Decimal("2000000")


def test_an_area_without_floors_is_taken_as_given_and_said():
    calc = _ask(PLANT, "我们厂房建筑面积1万平方米，补多少")
    assert calc.amount_yuan == Decimal("800000") and any("层数" in c for c in calc.checks)


def test_floors_times_the_area_of_each():
    assert extract_facts("建了6层，每层3000平方米")["建设面积"] == Decimal("18000")


GRADES = "对取得证书的，按照焊工（四级）每人1500元、高级焊工（三级）每人2500元的标准给予企业补贴。"


def test_a_category_the_list_lacks_is_never_answered_with_another_category():
    for question in ("员工考下中级工证书，企业能补多少", "员工考了证书，能补多少"):
        calcs = _calcs(GRADES, question)
        assert calcs and all(c.amount_yuan is None for c in calcs)
        assert "级别" in calcs[0].missing_facts and "焊工每人1500元" in calcs[0].summary


def test_a_category_named_gets_its_own_standard():
    assert _ask(GRADES, "员工考下高级焊工证书，企业能补多少").amount_yuan == Decimal("2500")
    assert _ask(GRADES, "员工考下焊工证书，企业能补多少").amount_yuan == Decimal("1500")
