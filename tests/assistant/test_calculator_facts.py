"""assistant/calculator_facts.py: user facts → quantities in a rule's unit, levels matched."""
from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.calculator.calculate import calculate
from assistant.calculator.bind import (
    as_quantity,
    bind_facts,
    bound_of,
    fact,
    fact_type,
    match_level,
    needs_of,
)
from index.errors import InputError
from assistant.rules.model import SubsidyRule, Threshold
from assistant.lexicon.numbers import Quantity


@pytest.mark.parametrize("name, value, unit, expected", [
    ("投资额", "800万元", "元", Quantity(Decimal("8000000"), "元")),
    ("投资额", Decimal("8000000"), "元", Quantity(Decimal("8000000"), "元")),
    ("台套数", 20, "台", Quantity(Decimal("20"), "台")),
    ("台套数", "20", "台", Quantity(Decimal("20"), "台")),  # a bare count takes the rule's unit
])
def test_figures_in_the_rules_unit(name, value, unit, expected):
    assert as_quantity(name, value, unit) == expected


@pytest.mark.parametrize("name, value, unit, zh_part", [
    ("投资额", 8.5, "元", "格式有误"),  # floats are refused, never rounded
    ("投资额", "800", "元", "单位"),
    ("增速", "18", "%", "百分比"),
    ("投资额", "100万美元", "元", "不做汇率换算"),
    ("投资额", "很多", "元", "无法识别"),
])
def test_unusable_values_are_input_errors_with_a_chinese_message(name, value, unit, zh_part):
    with pytest.raises(InputError) as info:
        as_quantity(name, value, unit)
    assert zh_part in info.value.zh and name in info.value.zh


def test_absent_fact_is_none_not_zero():
    assert fact({}, "投资额", "元") is None and fact({"投资额": ""}, "投资额", "元") is None
    assert fact({"投资额": "800万元"}, "投资额", "元").value == Decimal("8000000")


def test_levels_match_the_users_wording():
    assert match_level(["国家级", "省级", "市级"], "省级") == "省级"
    assert match_level(["AAAAA", "AAAA", "AAA"], "4A级") == "AAAA"
    assert match_level(["AAAAA", "AAAA", "AAA"], "AA") is None  # no guessing among A grades
    assert match_level(["国家级"], "县级") is None


def _rule(base="设备购置款", thresholds=(), rate="0.1", cap="1000000"):
    """A rule as extract_rules makes it from a sentence nobody has written yet."""
    return SubsidyRule(rule_id="x/1#r1", clause_id="x/1", doc_id="x", kind="rate", start=0, end=0, text="",
                       rate=Decimal(rate), cap=Decimal(cap), base=base, thresholds=tuple(thresholds))


AREA = Threshold("建设面积", ">=", Decimal(500), "平方米")
INVEST = Threshold("投资额", ">=", Decimal(2000000), "元")


def test_fact_types_from_values_and_names():
    assert fact_type("建设面积", Decimal(300)) == "平方米" and fact_type("用地面积", "3亩") == "亩"
    assert fact_type("金额（一年）", Decimal(1)) == "元" and fact_type("服务企业数", Decimal(3)) == "家"
    assert fact_type("进出口额增速", Decimal("0.2")) == "%" and fact_type("级别", "国家级") is None
    assert needs_of(_rule(thresholds=[AREA])) == [("建设面积", "平方米"), ("设备购置款", "元")]


def test_one_unlabelled_sum_fills_the_open_need_and_says_so():
    calc = calculate(_rule(), bind_facts(_rule(), {"金额（去年）": Decimal(3000000)}).facts)
    assert calc.amount_yuan == Decimal(300000)
    b = bind_facts(_rule(), {"金额（去年）": Decimal(3000000)})
    assert b.notes == ["按您提供的300万元作为“设备购置款”计算"] and b.bound == 1


def test_a_figure_another_need_claims_is_not_reused():
    b = bind_facts(_rule(thresholds=[INVEST]), {"投资额": Decimal(8000000)})
    assert b.direct == 1 and b.bound == 0 and "设备购置款" not in b.facts
    assert calculate(_rule(thresholds=[INVEST]), b.facts).missing_facts == ["设备购置款"]


def test_two_candidates_ask_unless_their_words_tell():
    two = {"金额（一期花了）": Decimal(100000), "金额（二期花了）": Decimal(200000)}
    b = bind_facts(_rule(), two)
    assert "设备购置款" not in b.facts and "无法确定" in b.notes[0]
    told = {"金额（买设备花了）": Decimal(100000), "金额（装修花了）": Decimal(200000)}
    b = bind_facts(_rule(), told)
    assert b.facts["设备购置款"] == Decimal(100000)


def test_labelled_figures_bind_only_to_a_related_need_of_the_same_family():
    assert "设备购置款" not in bind_facts(_rule(), {"年销售额": Decimal(9000000)}).facts  # a revenue
    assert "设备购置款" not in bind_facts(_rule(), {"研发费用": Decimal(9000000)}).facts  # nothing shared
    assert bind_facts(_rule(base="投入资金"), {"投资额": Decimal(9000000)}).facts["投入资金"] == Decimal(9000000)


def test_mu_is_never_converted_to_square_metres():
    rule = _rule(thresholds=[AREA])
    b = bind_facts(rule, {"建设面积": "2亩", "设备购置款": Decimal(1000000)})
    assert b.facts["建设面积"] is None and "未做换算" in b.notes[0]
    calc = calculate(rule, b.facts)
    assert calc.missing_facts == ["建设面积"] and calc.amount_yuan is None
    b = bind_facts(rule, {"用地面积": "2亩", "设备购置款": Decimal(1000000)})
    assert "建设面积" not in b.facts and "未做换算" in b.notes[0]


def test_one_quantity_named_twice_in_a_rule_takes_one_figure():
    rule = _rule(base="服务外包总费用", thresholds=[Threshold("总外包费用", ">", Decimal(5000000), "元")])
    b = bind_facts(rule, {"总外包费用": Decimal(6000000)})
    calc = calculate(rule, b.facts)
    assert calc.amount_yuan == Decimal(600000) and b.notes == ["按您提供的600万元（总外包费用）作为“服务外包总费用”计算"]
    at = calculate(rule, bind_facts(rule, {"金额": Decimal(5000000)}).facts)  # 超过 is strict, as written
    assert at.eligible is False and at.amount_yuan == 0


def test_bounds_meet_a_check_only_when_every_value_they_allow_does():
    assert bound_of("超过60天") == (">", Quantity(Decimal(60), "天")) and bound_of("60天") is None
    days = Threshold("现场辅导天数", ">", Decimal(60), "天")
    rule = _rule(thresholds=[days])
    for said, met in (("超过60天", True), ("至少61天", True), ("60天以上", False), ("超过50天", False)):
        b = bind_facts(rule, {"现场辅导天数": said, "设备购置款": Decimal(1000000)})
        assert (b.rule is not None and not b.rule.thresholds) is met, said
        assert (b.facts["现场辅导天数"] is None) is not met, said
