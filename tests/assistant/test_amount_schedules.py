"""A sum that grows with a count, stated across the segments of one sentence, and what the user
says that rules an award out. Every clause here is invented for the test."""
from __future__ import annotations

from decimal import Decimal

from index.records import Clause
from assistant.answer.compose import not_met
from assistant.calculator.select import calculate_for
from assistant.question.facts import extract_facts
from assistant.rules.catalog import extract_rules

SENIORITY = ("对取得技师证书并在同一企业连续工作2年以上的，每月给予80元岗位津贴；服务年限每增加1年，月津贴增加40元"
             "（10年以内的月津贴不超过320元）；10年（含）以上的月津贴600元，已享受人才公寓补贴的，不再享受岗位津贴。")


def _clause(text: str) -> Clause:
    return Clause(clause_id="inv/1", doc_id="inv", path=(), display_path="", text=text, start=0, end=len(text))


def _amount(text: str, question: str):
    calcs = calculate_for(_clause(text), extract_facts(question), None, as_of="2026-11-21", question=question)
    return calcs[0] if calcs else None


def test_a_growing_sum_is_one_rule_with_its_start_step_and_ceiling_and_a_flat_top():
    rules = extract_rules(_clause(SENIORITY))
    assert [r.kind for r in rules] == ["per_unit", "fixed"]
    grow, top = rules
    assert (grow.base_amount, grow.base_count, grow.amount, grow.cap) == (Decimal(80), Decimal(2), Decimal(40), Decimal(320))
    assert grow.count_fact.endswith("年限") and top.amount == Decimal(600)
    # each rule keeps the verbatim sentence it comes from
    assert all(SENIORITY[r.start:r.end] == r.text for r in rules)


def test_the_growing_sum_is_worked_from_the_years_said():
    assert _amount(SENIORITY, "我们有个技师在本厂干了4年，每月津贴多少").amount_yuan == Decimal(160)


def test_the_growing_sum_stops_at_its_ceiling():
    assert _amount(SENIORITY, "技师在本厂工作9年了，每月津贴多少").amount_yuan == Decimal(320)


def test_from_the_top_count_on_the_flat_sum_applies():
    question = "技师在本厂工作11年了，每月津贴多少"
    calcs = calculate_for(_clause(SENIORITY), extract_facts(question), None, as_of="2026-11-21", question=question)
    assert [c.amount_yuan for c in calcs if c.eligible] == [Decimal(600)]


def test_below_the_starting_count_nothing_is_due():
    calc = _amount(SENIORITY, "技师在本厂才工作1年，每月津贴多少")
    assert calc.amount_yuan == Decimal(0) and calc.eligible is False


def test_a_status_the_clause_rules_out_gives_nothing_and_says_why():
    calc = _amount(SENIORITY, "技师干了5年，但他住的是人才公寓，享受着人才公寓补贴，每月津贴还有吗")
    assert calc.amount_yuan == Decimal(0)
    assert "人才公寓补贴" in not_met(calc)


def test_a_post_held_is_read_as_having_it():
    text = "对在岗工作满1年的护工，每月给予100元补贴，已享受公益性岗位补贴的，不再享受本项补贴。"
    calc = _amount(text, "护工干了3年，不过她占的是公益性岗位补贴那个岗，每月能拿多少")
    assert calc.amount_yuan == Decimal(0)


def test_a_duration_in_months_is_read_in_years():
    assert extract_facts("只签了6个月的合同")["服务年限"] == Decimal("0.5")
    assert extract_facts("他在我们这工作了3年")["工作年限"] == Decimal(3)


def test_a_condition_and_its_amount_in_two_parts_of_one_clause_are_one_rule():
    from types import SimpleNamespace

    from assistant.rules.catalog import rules_for

    first = "（五）用工支持。对企业吸纳登记失业人员，与其签订2年以上劳动合同的，自签订合同当月起，在2年"
    second = "内按每人每年6000元给予社保补贴。另行规定的从其规定。"
    doc_text = first + "\n" + second
    path = ("一、总则", "（五）用工支持")
    a = Clause(clause_id="inv/5", doc_id="inv", path=path, display_path="", text=first, start=0,
               end=len(first), part=0, n_parts=2)
    b = Clause(clause_id="inv/5#2", doc_id="inv", path=path, display_path="", text=second,
               start=len(first) + 1, end=len(doc_text), part=1, n_parts=2)
    doc = SimpleNamespace(doc_id="inv", text=doc_text, title="", doc_number="", issuer="", valid_until="",
                          incomplete=False, validity=lambda as_of: "")
    kb = SimpleNamespace(documents={"inv": doc}, clauses={a.clause_id: a, b.clause_id: b})
    table = rules_for(kb)
    for part in (a, b):
        (rule,) = table[part.clause_id]
        assert rule.amount == Decimal(6000) and rule.thresholds[0].value == Decimal(2)
        assert doc_text[rule.start:rule.end] == rule.text
    question = "我们招了个登记失业人员，只签了8个月的合同，社保补贴能拿多少"
    calc = calculate_for(a, extract_facts(question), kb, as_of=None, question=question)[0]
    assert calc.amount_yuan == Decimal(0) and calc.eligible is False
