"""The calculator form (``calculator.form``): every fact a rule reads has a field whose hint
gives the right unit and an example taken from the rule's own wording, and a form filled as
the hints say always ends in an amount or a stated reason — swept over every rule of every
document in corpus/ and ../shared/corpus-extra (rules are read from clauses; no model)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.calculator.bind import as_quantity, needs_of
from assistant.calculator.form import FormField, example_facts, form_fields
from assistant.calculator.select import calculate_clause
from assistant.rules.catalog import extract_rules, rules_for
from index.config import parse_as_of
from index.errors import InputError
from index.ingest.clauses import split_clauses


def _rules(text: str):
    clause = SimpleNamespace(clause_id="invented/1", doc_id="invented", text=text, start=0, end=len(text),
                             path=("1",), display_path="1")
    return extract_rules(clause)


def _field(fields: list[FormField], word: str) -> FormField:
    return next(f for f in fields if word in f.name)


# -- invented clauses: hints and examples from the rule's own words ----------------------------

def test_a_growth_rate_field_asks_for_a_percentage_with_an_example_that_meets_the_condition():
    fields = form_fields(_rules("对年营业收入增速超过15%的企业，给予一次性奖励20万元。"))
    growth = _field(fields, "增速")
    assert growth.kind == "percent" and growth.unit == "%"
    assert growth.example == "20%" and "万元" not in growth.hint
    assert "超过15%" in growth.hint


def test_a_rate_base_with_a_cap_is_exemplified_by_the_base_at_which_the_cap_is_reached():
    fields = form_fields(_rules("对企业新建展示中心的，按投资额的4%给予补助，最高不超过20万元。"))
    base = _field(fields, "投资")
    assert base.kind == "money" and base.example == "500万元"
    assert "单位：万元或元" in base.hint and "按它的4%计算" in base.hint


def test_a_threshold_and_a_tier_each_get_their_own_unit():
    fields = form_fields(_rules("企业当年购置设备达到10台以上的，按采购发票总价的8%给予补助，最高不超过80万元。"))
    count = next(f for f in fields if f.unit == "台")
    assert count.kind == "count" and count.example == "10台"
    money = next(f for f in fields if f.kind == "money")
    assert money.example == "1000万元"  # 80万元 ÷ 8%


def test_levels_are_a_choice_and_a_clause_that_needs_nothing_has_no_field():
    fields = form_fields(_rules("对新认定的国家级、省级技术中心，分别给予50万元、20万元奖励。"))
    assert [f.name for f in fields] == ["级别"]
    assert fields[0].kind == "choice" and set(fields[0].choices) >= {"国家级", "省级"}
    assert form_fields(_rules("对新评为示范企业的，一次性奖励10万元。")) == []


def test_a_dollar_figure_is_asked_in_dollars():
    fields = form_fields(_rules("对当年实际使用外资超过500万美元的项目，给予一次性奖励30万元。"))
    dollars = next(f for f in fields if f.kind == "money")
    assert dollars.unit == "美元" and dollars.example.endswith("美元") and "不做汇率换算" in dollars.hint


# -- the sweep ----------------------------------------------------------------------------------

def _kb(documents):
    clauses = {c.clause_id: c for d in documents for c in split_clauses(d)}
    return SimpleNamespace(documents={d.doc_id: d for d in documents}, clauses=clauses,
                           settings=SimpleNamespace(as_of=parse_as_of("2026-11-21")))


def dead_ends(kb) -> tuple[int, list[str]]:
    """(rules swept, problems): a fact the calculator reads with no field, an example it refuses
    or reads in another unit, or a form filled with every example that still ends in '还需要'.
    Problems name clause ids and the kind of problem only (no document text)."""
    problems: list[str] = []
    swept = 0
    for cid, rules in rules_for(kb).items():
        swept += len(rules)
        fields = form_fields(rules)
        named = {n: f for f in fields for n in (f.name, *f.also)}
        for rule in rules:
            lacking = [n for n, _k in needs_of(rule) if n not in named]
            if rule.levels and "级别" not in named:
                lacking.append("级别")
            if lacking:
                problems.append(f"{cid}: {len(lacking)} fact(s) without a field")
        for f in fields:
            if f.kind == "choice":
                continue
            try:
                q = as_quantity(f.name, f.example, f.unit if f.kind != "count" else "")
            except InputError:
                problems.append(f"{cid}: an example the calculator refuses")
                continue
            if f.kind == "percent" and q.unit != "%" or f.kind == "money" and q.unit != f.unit:
                problems.append(f"{cid}: an example in the wrong unit")
        asked = {m for c in calculate_clause(kb, cid, {}) for m in c.missing_facts}
        if asked - set(named):
            problems.append(f"{cid}: the calculator asks for a fact with no field")
        try:
            calcs = calculate_clause(kb, cid, example_facts(fields))
        except InputError:
            problems.append(f"{cid}: the filled form is refused")
            continue
        for c in calcs:
            if c.missing_facts:
                problems.append(f"{cid}: still asks for {len(c.missing_facts)} fact(s) when every field is filled")
            elif c.amount_yuan is None and not c.summary:
                problems.append(f"{cid}: neither an amount nor a reason")
    return swept, problems


def test_every_rule_of_the_shipped_corpus_can_be_finished_from_the_form(documents):
    swept, problems = dead_ends(_kb(list(documents.values())))
    assert swept > 50
    assert problems == []


def test_every_rule_of_corpus_extra_can_be_finished_from_the_form(extra_documents):
    docs, _bad = extra_documents
    swept, problems = dead_ends(_kb(docs))
    print(f"corpus-extra: {swept} rules swept, {len(problems)} dead ends")
    assert swept > 300
    assert problems == []


@pytest.mark.parametrize("text", [
    "对年研发投入达到100万元以上、且3%以上的企业，给予10万元奖励。",  # a condition that names nothing
])
def test_a_condition_without_a_name_still_gets_a_field(text):
    rules = _rules(text)
    fields = form_fields(rules)
    assert all(f.name for f in fields)
    assert {th.fact for r in rules for th in r.thresholds} <= {n for f in fields for n in (f.name, *f.also)}


def test_the_llm_tool_says_in_which_unit_to_ask_for_a_missing_fact(documents):
    from assistant.calculator.tool import make_calculate_tool

    kb = _kb(list(documents.values()))
    cid = next(cid for cid, rules in rules_for(kb).items()
               if any(f.kind == "percent" for f in form_fields(rules)))
    out = make_calculate_tool(kb, "2026-11-21").invoke({"clause_id": cid, "facts": {}})
    asked = {a["fact"]: a["hint"] for a in out["ask"]}
    percent = [f for f in form_fields(rules_for(kb)[cid]) if f.kind == "percent" and f.name in asked]
    assert percent and all(asked[f.name].startswith("百分比，如：") for f in percent)
