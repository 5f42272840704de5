"""Worked examples (tests/data/calc_examples.jsonl), written by reading the documents:
every amount-bearing clause has at least one, including cap, threshold and tier
boundaries. Engine examples need no index: clauses come from index.documents +
index.clauses; the few examples that go through rule selection use the real kb."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.calculator.calculate import calculate
from assistant.calculator.select import calculate_clause, calculate_for
from assistant.calculator.select import parse_facts
from index.errors import InputError
from assistant.question.facts import extract_facts
from assistant.rules.catalog import extract_rules, stacking_principle
from assistant.evaluation.rules_gold import load_gold
from assistant.lexicon.numbers import parse_quantity

DATA = Path(__file__).resolve().parents[1] / "data" / "calc_examples.jsonl"
EXAMPLES = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def corpus_rules(documents):
    from index.ingest.clauses import split_clauses

    out = {}
    for doc_id, doc in documents.items():
        st = stacking_principle(doc.text)
        clauses = split_clauses(doc)
        out[doc_id] = (doc, clauses, [r for c in clauses for r in extract_rules(c, st)])
    return out


def _near(text: str, snippet: str, anchor: int | None) -> int:
    hits = [i for i in range(len(text)) if text.startswith(snippet, i)]
    assert hits, f"snippet not in document: {snippet!r}"
    return hits[0] if anchor is None else min(hits, key=lambda h: abs(h - anchor))


def _rule(corpus_rules, ex):
    doc, _clauses, rules = corpus_rules[ex["doc_id"]]
    anchor = _near(doc.text, ex["clause_snippet"], None) if ex.get("clause_snippet") else None
    at = _near(doc.text, ex["rule_snippet"], anchor)
    found = [r for r in rules if r.start <= at and at + len(ex["rule_snippet"]) <= r.end
             and r.kind == ex.get("kind", r.kind)]
    if len(found) > 1:  # rules granted by one sentence: the snippet names whose rule it is
        found = [r for r in found if r.subject and r.subject in ex["rule_snippet"]]
    assert len(found) == 1, f"{ex['rule_snippet']!r}: {len(found)} rules cover it (give 'kind')"
    return found[0]


def _clause(corpus_rules, ex):
    doc, clauses, _rules = corpus_rules[ex["doc_id"]]
    at = _near(doc.text, ex["clause_snippet"], None)
    return next(c for c in clauses if c.start <= at < c.end)


def _check(calc, ex):
    text = "\n".join(calc.steps + calc.checks + [calc.summary])
    want = ex["amount"]
    if want is None:
        assert calc.amount_yuan is None, text
    else:
        assert calc.amount_yuan == parse_quantity(want).value, text
        assert isinstance(calc.amount_yuan, Decimal)
    if "eligible" in ex:
        assert calc.eligible is ex["eligible"], text
    if "missing" in ex:
        assert calc.missing_facts == ex["missing"], text
    for fragment in ex["text"]:
        assert fragment in text, f"{fragment!r} not in:\n{text}"


RULE_EXAMPLES = [e for e in EXAMPLES if e.get("via", "rule") == "rule"]
SELECT_EXAMPLES = [e for e in EXAMPLES if e.get("via") == "calculate_for"]


@pytest.mark.parametrize("ex", RULE_EXAMPLES, ids=[f"{e['doc_id'][:8]}:{e['rule_snippet'][:14]}:{i}"
                                                   for i, e in enumerate(RULE_EXAMPLES)])
def test_worked_example(corpus_rules, ex):
    rule = _rule(corpus_rules, ex)
    _check(calculate(rule, parse_facts(ex["facts"])), ex)


@pytest.mark.parametrize("ex", SELECT_EXAMPLES, ids=[e.get("note", "")[:30] for e in SELECT_EXAMPLES])
def test_worked_example_through_selection(kb, corpus_rules, ex):
    """With 'question', the facts are read from it (extract_facts) as in chat."""
    clause = kb.clauses[_clause(corpus_rules, ex).clause_id]
    facts = extract_facts(ex["question"]) if "question" in ex else parse_facts(ex["facts"])
    calcs = calculate_for(clause, facts, kb, "2026-11-21", question=ex.get("question"))
    assert calcs
    _check(calcs[0], ex)
    c = calcs[0].citation
    assert c is not None and kb.documents[c.doc_id].text[c.start:c.end] == c.quote


def test_every_amount_bearing_clause_has_an_example(corpus_rules):
    """Each gold clause with rules is exercised by at least one worked example."""
    covered = set()
    for ex in EXAMPLES:
        if ex.get("rule_snippet"):
            covered.add(_rule(corpus_rules, ex).clause_id)
        else:
            covered.add(_clause(corpus_rules, ex).clause_id)
    for entry in load_gold(DATA.parents[2] / "eval" / "rules_gold.jsonl"):
        if not entry["rules"]:
            continue
        doc, _c, rules = corpus_rules[entry["doc_id"]]
        at = doc.text.find(entry["snippet"])
        clause_ids = {r.clause_id for r in rules if r.start <= at < r.end} or {
            c.clause_id for c in _c if c.start <= at < c.end}
        assert clause_ids & covered, f"no worked example for {entry['doc_id']} {entry['snippet']!r}"


def test_calculate_is_deterministic_and_exact(corpus_rules):
    ex = RULE_EXAMPLES[0]
    rule = _rule(corpus_rules, ex)
    a = calculate(rule, parse_facts(ex["facts"])).to_dict()
    b = calculate(rule, parse_facts(ex["facts"])).to_dict()
    assert a == b
    assert a["amount_wan"] == "50万元" and a["amount_yuan"] == "500000"


@pytest.mark.parametrize("facts", [{"投资额": "八百万"}, {"投资额": "800万"}, {"投资额": Decimal(8000000)},
                                   {"投资额": "8,000,000元"}])
def test_money_facts_in_any_common_spelling(corpus_rules, facts):
    rule = _rule(corpus_rules, {"doc_id": "quanzhou-2015-service-manufacturing",
                                "rule_snippet": "按平台投资额的5%给予补助"})
    assert calculate(rule, parse_facts(facts)).amount_yuan == Decimal(400000)


@pytest.mark.parametrize("facts, needle", [
    ({"投资额": "很多"}, "投资额"),
    ({"投资额": "800"}, "单位"),
    ({"投资额": ""}, "投资额"),
    ({"投资额": 3.5}, "投资额"),
])
def test_bad_facts_are_clear_input_errors(corpus_rules, facts, needle):
    rule = _rule(corpus_rules, {"doc_id": "quanzhou-2015-service-manufacturing",
                                "rule_snippet": "按平台投资额的5%给予补助"})
    with pytest.raises(InputError) as err:
        calculate(rule, parse_facts(facts))
    assert needle in err.value.zh


def test_usd_threshold_is_never_converted(corpus_rules):
    rule = _rule(corpus_rules, {"doc_id": "quanzhou-2015-service-manufacturing",
                                "rule_snippet": "离岸服务外包业务达到100万美元"})
    with pytest.raises(InputError) as err:
        calculate(rule, parse_facts({"离岸服务外包业务额": "800万元"}))
    assert "美元" in err.value.zh


@pytest.mark.parametrize("facts, needle", [
    ({"年主营业务收入增速": "18"}, "百分比"),
    ({"年主营业务收入增速": "18万元"}, "百分比"),
])
def test_facts_in_the_wrong_unit_are_refused(corpus_rules, facts, needle):
    rule = _rule(corpus_rules, {"doc_id": "jiaxing-2024-two-industries-integration",
                                "rule_snippet": "增速超过15%的企业,给予10万元奖励"})
    with pytest.raises(InputError) as err:
        calculate(rule, parse_facts(facts))
    assert needle in err.value.zh


def test_calculate_clause_errors(kb):
    with pytest.raises(InputError):
        calculate_clause(kb, "no-such-doc/9.9", {})
    with pytest.raises(InputError):
        calculate_clause(kb, "", {})
    with pytest.raises(InputError):
        calculate_clause(kb, "quanzhou-2015-service-manufacturing/2.4", {"投资额": "abc"})
    calcs = calculate_clause(kb, "quanzhou-2015-service-manufacturing/2.4", {"投资额": "800万元"})
    assert calcs[0].amount_yuan == Decimal(400000)
    assert "800万元 × 5% = 40万元" in calcs[0].steps[0]


def test_selection_drops_contradicted_levels(kb):
    clause = kb.clauses["quanzhou-kfq-smart-manufacturing-quality/2.1.7"]
    calcs = calculate_for(clause, {"级别": "一等奖"}, kb, "2026-11-21")
    assert [c.amount_yuan for c in calcs] == [Decimal(150000)]
    none_given = calculate_for(clause, {}, kb, "2026-11-21")
    assert len(none_given) == 2 and all(c.missing_facts == ["级别"] for c in none_given)


def test_question_breaks_ties_between_rules_of_one_clause(kb):
    clause = kb.clauses["jiaxing-2024-two-industries-integration/3.1"]
    calcs = calculate_for(clause, {"级别": "国家级"}, kb, "2026-11-21", question="我们是国家级工业设计中心，奖励多少？")
    assert calcs[0].rule_id.endswith("#r2") and calcs[0].amount_yuan == Decimal(1500000)
    calcs = calculate_for(clause, {"级别": "国家级"}, kb, "2026-11-21", question="国家级服务型制造示范企业奖多少")
    assert calcs[0].rule_id.endswith("#r1")


def test_amounts_nothing_was_checked_for_are_conditional(kb):
    """Without facts, a fixed award is only said to apply to whoever the clause names."""
    calcs = calculate_for(kb.clauses["quanzhou-2015-service-manufacturing/2.4"], {}, kb, "2026-11-21")
    assert calcs[0].missing_facts == ["投资额"] and calcs[0].amount_yuan is None
    assert calcs[1].eligible is None and calcs[1].summary.startswith("如属于“入选省经信委物流公共信息示范平台”")


@pytest.mark.parametrize("question, payer", [
    ("采购60台，不含税4000万，市区这一块补多少？", "市"),
    ("省里那部分能拿多少", "省"),
    ("市里出多少？", "市"),
    ("泉州市补多少？", ""),  # a place name, not a share
    ("开发区补多少？", ""),
    ("一共能补多少？", ""),
    ("那开发区这边给多少？", "本级"),  # the issuing government's own share
    ("本级能补多少", "本级"),
    ("除了省里那部分，开发区再补多少？", "非省"),  # every share but the one named
    ("不算市区这一块，省上给多少", "非市"),
])
def test_asked_payer(question, payer):
    from assistant.calculator.select import asked_payer

    assert asked_payer(question) == payer
