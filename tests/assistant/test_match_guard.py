"""A profile's figure binds to a rule's base only when it is what the rule's words name."""
from __future__ import annotations

from assistant.match.guard import foreign, placed, speaks_of
from assistant.records import Calculation


def test_a_figure_named_for_one_thing_does_not_fill_a_base_named_for_another():
    # an invoice for machines is not research spending, a total revenue is not an outsourcing sum
    assert not speaks_of("研发费用", "采购发票总价", "去年换了一批机床，机床发票700万元")
    assert not speaks_of("服务外包业务额", "年主营业务收入", "做五金的小厂有什么奖励")
    assert not speaks_of("年服务合同总金额", "年主营业务收入", "做五金的小厂有什么奖励")


def test_a_figure_whose_words_name_the_base_binds():
    assert speaks_of("设备购置款", "采购发票总价", "换了新设备，设备发票700万元")
    assert speaks_of("投资额", "投资额", "")
    assert speaks_of("研发费用", "金额（研发一年花了）", "研发一年花了300万")
    assert speaks_of("网上销售总额", "", "我们网店一年卖900万")  # an unlabelled figure in the owner's words
    assert not speaks_of("研发费用", "", "换了新设备花了900万")


def test_foreign_names_the_keys_to_drop_and_ask_for():
    calc = Calculation(rule_id="r", clause_id="c", amount_yuan=None, steps=[
        "按您提供的700万元（采购发票总价）作为“研发费用”计算", "加计扣除额 = 700万元 × 100% = 700万元"])
    assert placed(calc) == [("采购发票总价", "研发费用")]
    assert foreign(calc, {"采购发票总价": 1}, "换了一批机床") == {"采购发票总价"}
    unlabelled = Calculation(rule_id="r", clause_id="c", amount_yuan=None, steps=["按您提供的700万元作为“研发费用”计算"])
    assert foreign(unlabelled, {"金额（换机床花了）": 1, "级别": "省级"}, "换机床花了700万") == {"金额（换机床花了）"}
