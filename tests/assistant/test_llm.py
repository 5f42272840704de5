"""LLM mode against a stand-in OpenAI-compatible server on loopback (tests/llm_standin.py):
citations and amounts are verified after generation; endpoint failures fall back."""
from __future__ import annotations

import pytest

from assistant.chat.assistant import Assistant
from assistant.answer.llm import check_text
from assistant.records import Answer
from tests.llm_standin import StandInLLM

PLATFORM = "quanzhou-2015-service-manufacturing/2.4"
QUESTION = "物流公共信息平台投资了800万，能补助多少？"


@pytest.fixture()
def standin():
    with StandInLLM() as server:
        yield server


@pytest.fixture()
def llm_assistant(kb, settings, standin):
    s = settings.with_(llm_base_url=standin.base_url, llm_model="standin-model", llm_timeout=2.0)
    return Assistant(kb, s)


def test_mode_is_configured_from_settings(llm_assistant, policy_assistant):
    assert llm_assistant.mode == "llm" and policy_assistant.mode == "default"
    assert "standin-model" in llm_assistant.llm.label


def test_good_reply_with_a_valid_citation(llm_assistant, standin):
    standin.enqueue(f"可以申请补助。[{PLATFORM}]\n"
                    f"依据原文：“按平台投资额的5%给予补助,最高不超过50万元”[{PLATFORM}]。\n")
    answer = llm_assistant.ask(QUESTION)
    assert answer.mode == "llm" and not answer.warnings, answer.warnings
    assert PLATFORM in {s.clause.clause_id for s in answer.retrieved}
    assert [c.clause_id for c in answer.citations] == [PLATFORM, PLATFORM]
    assert answer.citations[1].quote == "按平台投资额的5%给予补助,最高不超过50万元"
    assert "依据：《泉州市人民政府关于发展服务型制造专项行动计划的实施意见》" in answer.answer
    request = standin.requests[0]
    assert request["model"] == "standin-model" and request["stream"] is True
    prompt = request["messages"][1]["content"]
    assert f"条款编号：{PLATFORM}" in prompt and "判断日期：2026-11-21" in prompt
    assert any(t["function"]["name"] == "calculate_subsidy" for t in request.get("tools", []))


def test_citing_a_clause_that_was_not_retrieved_is_caught(llm_assistant, standin):
    standin.enqueue(f"可以申请补助。[{PLATFORM}]\n另据规定可再获奖励。[weifang-five-optimizations-manufacturing/9.9]\n")
    answer = llm_assistant.ask(QUESTION)
    assert "9.9" not in answer.answer.split("提示：")[0] and "另据规定" not in answer.answer
    assert any("未检索到的条款编号" in w for w in answer.warnings)
    assert all(c.clause_id == PLATFORM for c in answer.citations)


def test_a_quote_not_in_the_clause_is_caught(llm_assistant, standin):
    standin.enqueue(f"可以申请。[{PLATFORM}]\n原文写明：“按平台投资额的10%给予补助,最高不超过80万元”[{PLATFORM}]。\n")
    answer = llm_assistant.ask(QUESTION)
    assert "80万元" not in answer.answer.split("提示：")[0]
    assert any("与所引条款原文不符" in w for w in answer.warnings)
    assert all(c.quote in answer.answer or c.quote for c in answer.citations)


def test_an_amount_of_its_own_is_caught(llm_assistant, standin):
    standin.enqueue(f"可以申请补助。[{PLATFORM}]\n按我的计算您可获得45万元。[{PLATFORM}]\n")
    answer = llm_assistant.ask(QUESTION)
    assert "45万元" not in answer.answer.split("提示：")[0]
    assert any("未经计算器核算" in w and "45万元" in w for w in answer.warnings)


def test_amounts_from_the_calculator_tool_pass(llm_assistant, standin):
    standin.enqueue(tool_calls=[{"name": "calculate_subsidy",
                                 "arguments": {"clause_id": PLATFORM, "facts": {"投资额": "800万元"}}}])
    standin.enqueue(f"经计算器核算，可获补助40万元。[{PLATFORM}]\n")
    answer = llm_assistant.ask(QUESTION)
    assert "可获补助40万元" in answer.answer and not answer.warnings, answer.warnings
    tool_messages = [m for m in standin.requests[1]["messages"] if m["role"] == "tool"]
    assert tool_messages and "40万元" in tool_messages[0]["content"]


def test_streaming_shows_only_verified_lines(llm_assistant, standin):
    standin.enqueue(f"可以申请补助。[{PLATFORM}]\n您可获得45万元。\n")
    items = list(llm_assistant.stream(QUESTION))
    chunks, final = [i for i in items if isinstance(i, str)], items[-1]
    assert isinstance(final, Answer) and final.mode == "llm"
    assert chunks and not any("45万元" in c for c in chunks)


@pytest.mark.parametrize("failure", [{"status": 500}, {"delay": 4.0, "content": "太慢了"}], ids=["error", "timeout"])
def test_endpoint_failure_falls_back_with_a_visible_note(llm_assistant, standin, failure):
    standin.enqueue(**failure)
    answer = llm_assistant.ask(QUESTION)
    assert answer.mode == "llm-fallback"
    assert answer.answer.startswith("（大模型服务暂不可用，以下为内置答复）")
    assert "可获补助40万元" in answer.answer and answer.citations[0].clause_id == PLATFORM


def test_unreachable_endpoint_falls_back(kb, settings):
    dead = Assistant(kb, settings.with_(llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_timeout=1.0))
    answer = dead.ask(QUESTION)
    assert answer.mode == "llm-fallback" and answer.citations


def test_history_aware_rewriting_through_the_llm(llm_assistant, standin):
    session = llm_assistant.new_session()
    standin.enqueue("嘉兴对国家级工业设计企业（中心）奖励150万元。[jiaxing-2024-two-industries-integration/3.1]\n")
    llm_assistant.ask("嘉兴对国家级工业设计中心奖励多少", session_id=session)
    standin.enqueue("嘉兴对省级工业设计中心奖励多少？")  # the condensing call
    standin.enqueue("经认定的省级工业设计企业（中心）有奖励。[jiaxing-2024-two-industries-integration/3.1]\n")
    answer = llm_assistant.ask("那省级的呢？", session_id=session)
    assert answer.rewritten_question == "嘉兴对省级工业设计中心奖励多少？"
    condense = standin.requests[1]
    assert "那省级的呢" in condense["messages"][-1]["content"] and "国家级工业设计中心" in condense["messages"][-1]["content"]


def test_check_text_unit():
    class C:  # a clause stand-in: check_text only reads .text
        text = "对经认定的国家级、省级、市级工业设计企业(中心、研究院),分别给予150万元、50万元、20万元奖励。"

    clauses = {"jx/3.1": C()}
    text, warnings, cited = check_text("省级奖励见原文：“分别给予150万元、50万元、20万元奖励”[1]。", clauses, set())
    assert text and not warnings and cited == [("jx/3.1", "分别给予150万元、50万元、20万元奖励")]
    text, warnings, _ = check_text("详见第[7]条。", clauses, set())
    assert not text and warnings


def test_clause_marks_are_shown_as_reference_numbers(llm_assistant, standin, policy_assistant):
    """[clause_id] → [n], where n is the clause's place in Answer.citations (its card)."""
    other = next(s.clause for s in policy_assistant.ask(QUESTION).retrieved if s.clause.clause_id != PLATFORM)
    piece = other.text.strip()[:12]
    standin.enqueue(f"可以申请补助。[{PLATFORM}]\n另见原文：“{piece}”[{other.clause_id}]。\n"
                    f"依据原文：“按平台投资额的5%给予补助,最高不超过50万元”[{PLATFORM}][{PLATFORM}]。\n")
    items = list(llm_assistant.stream(QUESTION))
    answer, streamed = items[-1], "".join(i for i in items if isinstance(i, str))
    assert [c.clause_id for c in answer.citations] == [PLATFORM, other.clause_id, PLATFORM]
    assert answer.citations[2].quote == "按平台投资额的5%给予补助,最高不超过50万元"
    for text in (answer.answer, streamed):
        assert "[" + PLATFORM not in text and "[" + other.clause_id not in text
        assert "可以申请补助[1]。" in text and f"“{piece}”[2]。" in text
        assert "50万元”[1]。" in text  # a repeated mark is shown once
