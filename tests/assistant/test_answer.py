"""The default answerer over the real knowledge base: questions in users' own words
(tests/data/answer_cases.jsonl) → correct top citation, key figure, validity, parts."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.answer.compose import compose, validity_line
from assistant.answer.select import select_clauses
from assistant.answer.citations import verify

CASES = [json.loads(line) for line in (Path(__file__).parents[1] / "data" / "answer_cases.jsonl").open(encoding="utf-8")]
ANSWERS = [c for c in CASES if c["kind"] == "answer"]
REGIONS = [c for c in CASES if c["kind"] == "regions"]


def _check_common(answer, case, kb):
    assert not answer.refused, answer.answer
    for fig in case.get("figures", []):
        assert fig in answer.answer, (fig, answer.answer)
    for w in case.get("warnings", []):
        assert any(w in x for x in answer.warnings), (w, answer.warnings)
    for t in case.get("text", []):
        assert t in answer.answer, (t, answer.answer)
    assert answer.citations and all(verify(kb, c) for c in answer.citations)


@pytest.mark.parametrize("case", ANSWERS, ids=[c["id"] for c in ANSWERS])
def test_answers_cite_the_right_clause_with_the_key_figure(policy_assistant, kb, case):
    answer = policy_assistant.ask(case["question"])
    _check_common(answer, case, kb)
    assert answer.citations[0].clause_id in case["top"], (answer.citations[0].clause_id, answer.answer)
    assert answer.retrieved, "the retrieval used must travel with the answer (hit@k)"
    first = answer.answer.splitlines()[0]  # the verdict, alone on the first line
    assert first and "依据：" not in first and "原文：" not in first
    assert "依据：《" in answer.answer and "原文：“" in answer.answer and "有效性：" in answer.answer


def test_the_doc_numbers_of_the_five_documents_are_shown_when_they_exist(policy_assistant):
    answer = policy_assistant.ask("嘉兴的企业被认定为省级服务型制造示范企业，奖励多少？")
    assert "（嘉政发〔2024〕14号）" in answer.answer
    assert answer.citations[0].doc_number == "嘉政发〔2024〕14号"
    assert answer.citations[0].validity == "有效"


@pytest.mark.parametrize("case", REGIONS, ids=[c["id"] for c in REGIONS])
def test_one_part_per_region(policy_assistant, kb, case):
    answer = policy_assistant.ask(case["question"])
    _check_common(answer, case, kb)
    cited = {c.doc_id for c in answer.citations}
    for doc in case["docs"]:
        assert doc in cited, (doc, cited)


def test_two_regions_keep_their_own_figures(policy_assistant):
    answer = policy_assistant.ask("嘉兴和潍坊分别对省级服务型制造示范企业奖励多少？")
    jx, wf = answer.answer.index("【嘉兴】"), answer.answer.index("【潍坊】")
    jx_part, wf_part = (answer.answer[jx:wf], answer.answer[wf:]) if jx < wf else (answer.answer[jx:], answer.answer[wf:jx])
    assert "150万元、50万元、20万元" in jx_part and "嘉政发〔2024〕14号" in jx_part
    assert "50万元、20万元" in wf_part and "2025年12月31日" in wf_part and "嘉政发" not in wf_part
    # the conclusion says which document each figure comes from
    head = answer.answer.split("\n\n")[0]
    assert "嘉兴（《嘉兴市" in head and "潍坊（《潍坊市" in head


def test_several_documents_say_where_each_figure_comes_from(policy_assistant):
    answer = policy_assistant.ask("工业设计中心被认定为国家级能奖多少")
    docs = {c.doc_id for c in answer.citations}
    assert {"quanzhou-2015-service-manufacturing", "quanzhou-kfq-smart-manufacturing-quality"} <= docs
    head = answer.answer.split("\n\n")[0]
    assert "分别有规定" in head and head.count("· ") == len(docs)
    assert len(answer.citations) <= 8  # the chosen clauses, not a dump of every chunk


def test_expired_document_is_said_plainly(policy_assistant):
    answer = policy_assistant.ask("潍坊新入选国家级智能制造示范工厂奖励多少", as_of="2026-11-21")
    assert "已失效" in answer.answer and "2025年12月31日" in answer.answer
    assert answer.citations[0].validity == "已失效"
    # the same question judged while the document was in force carries no expiry warning
    earlier = policy_assistant.ask("潍坊新入选国家级智能制造示范工厂奖励多少", as_of="2025-06-01")
    assert not any("失效" in w for w in earlier.warnings)
    assert earlier.citations[0].validity == "有效"


def test_validity_lines(kb):
    jx = kb.documents["jiaxing-2024-two-industries-integration"]
    assert "有效期至2026年12月31日" in validity_line(jx, dt.date(2026, 11, 21))
    assert "已失效" in validity_line(jx, dt.date(2027, 1, 5))
    kfq = kb.documents["quanzhou-kfq-smart-manufacturing-quality"]
    assert "未注明有效期" in validity_line(kfq, dt.date(2026, 11, 21))


def test_document_rule_just_higher_not_repeated_is_a_condition(policy_assistant):
    answer = policy_assistant.ask("嘉兴年主营业务收入首次超过1亿元的物流企业有奖励吗")
    assert "就高不重复" in answer.answer
    rule = [c for c in answer.citations if "就高不重复" in c.quote]
    assert rule and rule[0].display_path.startswith("五")


def test_selection_keeps_to_matching_clauses(kb):
    retrieved = kb.search("物流公共信息平台投资补助", k=8)
    chosen = select_clauses("物流公共信息平台投资补助", retrieved)
    assert 1 <= len(chosen) <= 3
    assert chosen[0].clause.clause_id == "quanzhou-2015-service-manufacturing/2.4"


def test_amounts_only_from_the_calculator(policy_assistant):
    answer = policy_assistant.ask("物流公共信息平台投资了800万，能补助多少？")
    assert answer.calculation is not None and answer.calculation.amount_yuan == Decimal("400000")
    assert answer.answer.startswith("可获补助40万元")
    assert answer.sections["verdict_kind"] == "amount" and answer.sections["amount"]["amount_yuan"] == "400000"
    assert "800万元 × 5% = 40万元" in answer.answer


def test_compose_without_retrieval_is_an_honest_non_answer(kb, settings):
    answer = compose(kb, "随便问问", [], settings.as_of)
    assert not answer.citations and "无法" in answer.answer
