"""Scope: what the corpus covers is read from the documents; everything else is refused."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.records import Document
from assistant.scope import (CHITCHAT, NATIONAL_TAX, OTHER_REGION, Coverage, check_question, on_topic,
                             refusal_text, regions_in)

CASES = [json.loads(line) for line in (Path(__file__).parents[1] / "data" / "answer_cases.jsonl").open(encoding="utf-8")]
REFUSALS = [c for c in CASES if c["kind"] == "refuse"]


def _kb(*regions):
    docs = {f"d{i}": Document(doc_id=f"d{i}", source_path="x", sha256="", title=f"文件{i}", text="", region=r)
            for i, r in enumerate(regions)}
    return SimpleNamespace(documents=docs)


def test_coverage_is_derived_from_the_documents(kb):
    cov = Coverage.from_kb(kb)
    assert cov.resolve("泉州") == {"泉州", "泉州经济技术开发区"}  # the 开发区 belongs to 泉州
    assert cov.resolve("泉州经济技术开发区") == {"泉州经济技术开发区"}
    assert cov.resolve("开发区") == {"泉州经济技术开发区"}  # the only development zone held
    assert cov.resolve("嘉兴") == {"嘉兴"} and cov.resolve("潍坊") == {"潍坊"}
    assert cov.resolve("晋江") == {"泉州", "泉州经济技术开发区"}  # a county of a covered city
    for other in ("上海", "深圳", "杭州", "北京", "广东", "浙江", "福建"):
        assert cov.resolve(other) == set(), other


def test_coverage_follows_a_different_corpus():
    cov = Coverage.from_kb(_kb("四川省广安市", "杭州"))
    assert cov.resolve("广安") == {"四川省广安市"}
    assert cov.resolve("杭州") == {"杭州"}
    assert cov.resolve("泉州") == set()
    assert check_question("泉州的物流平台补多少", cov).reason == OTHER_REGION
    assert check_question("杭州的物流平台补多少", cov).covered


def test_question_checks(kb):
    cov = Coverage.from_kb(kb)
    assert check_question("上海对工业设计中心有什么补贴", cov).reason == OTHER_REGION
    assert check_question("你好！", cov).reason == CHITCHAT
    assert check_question("谢谢", cov).reason == CHITCHAT
    mixed = check_question("泉州和上海的工业设计中心奖励", cov)
    assert mixed.covered and mixed.uncovered == ["上海"] and "泉州" in mixed.regions
    assert check_question("福建泉州的工业设计中心奖励", cov).covered  # province of a covered city
    assert check_question("浙江省工业设计中心奖励多少", cov).reason == OTHER_REGION
    assert regions_in("嘉兴和潍坊分别奖励多少") == ["嘉兴", "潍坊"]


def test_on_topic_rule():
    assert on_topic(0.75, 0.60, 0.0, False)
    assert not on_topic(0.33, 0.60, 1.7, False)  # 推荐一部电影
    assert on_topic(0.0, 0.70, 3.5, True)  # a colloquial benefit question close in embedding space
    assert not on_topic(0.0, 0.70, 3.5, False)


@pytest.mark.parametrize("case", REFUSALS, ids=[c["id"] for c in REFUSALS])
def test_out_of_scope_questions_are_refused(policy_assistant, kb, case):
    answer = policy_assistant.ask(case["question"])
    assert answer.refused, answer.answer
    assert not answer.citations and answer.calculation is None
    for word in case.get("forbid", []):
        assert word not in answer.answer
    # the refusal lists what the corpus does cover, with validity
    for doc in kb.documents.values():
        assert doc.title in answer.answer
    assert "已失效" in answer.answer


def test_refusal_text_names_the_place_and_invents_nothing(kb, settings):
    cov = Coverage.from_kb(kb)
    text = refusal_text(check_question("深圳的企业评上国家级服务型制造示范奖多少", cov), kb, settings.as_of)
    assert "没有深圳的政策" in text and "万元" not in text
    from assistant.scope import Scope

    tax = refusal_text(Scope(covered=False, reason=NATIONAL_TAX, detail="增值税"), kb, settings.as_of)
    assert "增值税" in tax and "万元" not in tax


def test_a_place_the_clause_itself_names_is_not_a_jurisdiction(policy_assistant):
    answer = policy_assistant.ask("引进台湾设计公司跟我们厂对接搞成了示范项目，有补助吗")
    assert not answer.refused
    assert answer.citations[0].clause_id == "quanzhou-2015-service-manufacturing/4.4"
