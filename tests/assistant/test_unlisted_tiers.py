"""A tier the question names that the clause does not list is granted nothing by that clause — said
so, never answered with another tier's sum. Every clause here is invented for the test."""
from __future__ import annotations

from decimal import Decimal

import pytest

from index.records import Clause
from assistant.calculator.select import calculate_for
from assistant.question.facts import extract_facts

LIST = "对在全省职业技能大赛中获得金奖、铜奖的企业职工，分别给予所在企业5万元、2万元奖励。"
EACH = "对获得省级以上技能竞赛金奖的给予5万元奖励，铜奖给予2万元奖励。"


def _calcs(text: str, question: str):
    clause = Clause(clause_id="inv/1", doc_id="inv", path=(), display_path="", text=text, start=0, end=len(text))
    return calculate_for(clause, extract_facts(question), None, as_of="2026-11-21", question=question)


@pytest.mark.parametrize("text", [LIST, EACH])
def test_a_tier_the_clause_lacks_gets_nothing_and_is_named(text):
    calcs = _calcs(text, "我们员工拿了银奖，企业能奖多少")
    assert calcs and all(c.amount_yuan in (None, Decimal(0)) and c.eligible is False for c in calcs)
    assert any("银奖" in c.summary or any("银奖" in x for x in c.checks) for c in calcs)


@pytest.mark.parametrize("text", [LIST, EACH])
def test_a_tier_the_clause_lists_gets_its_own_sum(text):
    calcs = _calcs(text, "我们员工拿了铜奖，企业能奖多少")
    assert calcs[0].amount_yuan == Decimal(20000)


def test_a_share_of_a_share_the_clause_grants_takes_the_first_share_as_its_base():
    text = "对获得国家专项资金支持的项目，省级按国家补助的50%给予奖励，市级按省级奖励的40%再给予配套。"
    calcs = {c.rule_id: c for c in _calcs(text, "我们项目拿到国家补助300万元，市里配套多少")}
    assert calcs["inv/1#r1"].amount_yuan == Decimal(1500000)
    assert calcs["inv/1#r2"].amount_yuan == Decimal(600000)
    assert any("省级奖励" in s for s in calcs["inv/1#r2"].steps)


def test_a_sum_already_received_is_the_base_of_a_matching_share():
    text = "对获得省级专项资金支持的项目，市级财政按省级补助资金的40%再给予配套支持。"
    calc = _calcs(text, "我们项目拿到了省级补助150万元，市里配套多少")[0]
    assert calc.amount_yuan == Decimal(600000)
    # a sum asked about is not the user's figure
    assert not any(k.startswith("金额") for k in extract_facts("能拿到补助200万吗"))


PARTNERS = ("对自主创业的城乡劳动者，可申请最高额度不超过15万元的创业担保贷款；合伙创业的，可根据合伙创业人数，"
            "按照不超过符合条件个人贷款总额度的20%提高贷款额度，总额度不超过200万元。")


def test_a_sum_raised_by_a_share_of_several_peoples_ceilings():
    calc = next(c for c in _calcs(PARTNERS, "我们4个人合伙创业，每人都符合条件，总共最多能贷多少") if c.rule_id == "inv/1#r2")
    assert calc.amount_yuan == Decimal(720000)  # 4 × 15万, raised by 20%
    assert _calcs(PARTNERS, "我们12个人合伙创业，每人都符合条件，总共最多能贷多少")[0].amount_yuan == Decimal(2000000)
