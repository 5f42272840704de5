"""Follow-ups resolve against the previous turn without an LLM (rules over the state)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.question.followup import ConversationState, is_followup, rewrite

CASES = [json.loads(line) for line in (Path(__file__).parents[1] / "data" / "answer_cases.jsonl").open(encoding="utf-8")]
FOLLOWUPS = [c for c in CASES if c["kind"] == "followup"]
PLACES = ["嘉兴", "泉州", "潍坊", "泉州经济技术开发区"]


@pytest.mark.parametrize("prev, text, expected, kind", [
    ("国家级工业设计中心奖励多少？", "那省级的呢？", "省级工业设计中心奖励多少？", "level"),
    ("国家级工业设计中心奖励多少？", "省里的呢", "省级工业设计中心奖励多少？", "level"),
    ("首次评上5A级物流企业奖励多少", "4A级的呢？", "首次评上AAAA级物流企业奖励多少", "grade"),
    ("首次评上AAAAA级物流企业奖励多少", "那3A呢", "首次评上AAA级物流企业奖励多少", "grade"),
    ("我们投资500万元建物流公共信息平台能补多少", "我们投了600万元呢？", "我们投资600万元建物流公共信息平台能补多少", "figure"),
    ("物流公共信息平台投资了800万能补多少", "如果投资1200万元呢", "物流公共信息平台投资了1200万元能补多少", "figure"),
    ("泉州对省级工业设计中心奖励多少？", "那嘉兴呢？", "嘉兴对省级工业设计中心奖励多少？", "region"),
    ("省级工业设计中心奖励多少？", "那潍坊呢", "潍坊省级工业设计中心奖励多少？", "region"),
    ("工业设计大赛获一等奖奖多少", "二等奖呢", "工业设计大赛获二等奖奖多少", "prize"),
    ("工业设计中心省级奖励多少", "那物流平台呢", "物流平台奖励多少", "topic"),
    # a question of its own about the same subject keeps the subject, not the previous ask
    ("嘉兴排污许可证办下来后，多久之内要投产？", "要是逾期没投产，也没办理变更，会怎么样？",
     "嘉兴排污许可证办下来后，逾期没投产，也没办理变更，会怎么样？", "case"),
])
def test_rewrite_rules(prev, text, expected, kind):
    state = ConversationState(question=prev)
    assert is_followup(text, state)
    assert rewrite(text, state, PLACES) == (expected, kind)


def test_new_questions_are_not_followups():
    state = ConversationState(question="国家级工业设计中心奖励多少？")
    for text in ("怎么做红烧肉", "嘉兴的企业被认定为省级服务型制造示范企业，奖励多少？", "潍坊技改设备补贴比例是多少"):
        assert not is_followup(text, state), text
    assert not is_followup("那省级的呢？", ConversationState())  # nothing to follow


WAREHOUSE = ("对新建1万平方米以上且为3家以上(含)我市电子商务企业进行电子商务配送的标准化仓储设施、快件分拨中心,"
             "按投资额的5%给予补助,最高不超过100万元。")


def test_figures_for_the_topic_clause_continue_it_however_long():
    """A long turn of figures whose other words come from the clause just cited is a follow-up;
    the same figures for a subject the clause does not speak of start a new question."""
    state = ConversationState(question="仓储配送中心建设有补助吗？")
    turn = "我们去年投了2000万，新建了1.5万平方米的仓库，给5家本地电子商务企业做配送，能补多少？"
    assert len(turn) > 30
    assert is_followup(turn, state, WAREHOUSE)
    assert not is_followup("我们投了800万建工业设计中心，能补多少？", state, WAREHOUSE)
    assert not is_followup(turn, state)  # without the clause its words are a new subject
    assert rewrite(turn, state, PLACES)[1] == "figure"


def test_state_round_trips_through_json():
    state = ConversationState(question="q", doc_id="d", clause_id="d/1", doc_ids=["d"], regions=["泉州"],
                              facts={"投资额": "8000000"})
    assert ConversationState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    assert ConversationState.from_dict({"question": "q", "unknown": 1}).question == "q"


@pytest.mark.parametrize("case", FOLLOWUPS, ids=[c["id"] for c in FOLLOWUPS])
def test_followups_in_a_conversation(policy_assistant, case):
    session = policy_assistant.new_session()
    first = policy_assistant.ask(case["turns"][0], session_id=session)
    assert not first.refused and first.rewritten_question is None
    answer = policy_assistant.ask(case["turns"][1], session_id=session)
    assert not answer.refused, answer.answer
    for word in case["rewritten"]:
        assert word in (answer.rewritten_question or ""), answer.rewritten_question
    assert answer.citations[0].clause_id in case["top"], answer.citations[0].clause_id
    for fig in case["figures"]:
        assert fig in answer.answer, answer.answer
    assert answer.session_id == session
    turns = policy_assistant.history(session)
    assert [t["question"] for t in turns] == case["turns"]
    assert turns[1]["rewritten_question"] == answer.rewritten_question


def test_followup_after_a_the_document_does_not_say_answer(policy_assistant):
    """The tier was not in the rule; the next turn asks for one that is."""
    session = policy_assistant.new_session()
    first = policy_assistant.ask("嘉兴对县级服务型制造示范企业奖励多少", session_id=session)
    assert first.refused and "县级" in first.answer and first.citations
    answer = policy_assistant.ask("那省级的呢？", session_id=session)
    assert "省级" in answer.rewritten_question and "嘉兴" in answer.rewritten_question
    assert not answer.refused and "50万元" in answer.answer


def test_figures_in_chinese_numerals_are_figures():
    state = ConversationState(question="泉州对物流公共信息平台有什么补助？")
    assert is_followup("我们平台一共投了一千二百万", state)
    assert rewrite("我们平台一共投了一千二百万", state, PLACES)[1] == "figure"


def test_the_askers_own_case_keeps_the_subject():
    state = ConversationState(question="宁波跨境电商海外仓建设有什么补助？")
    topic = "对企业在境外新建或租用海外仓的，按实际投入给予补助，最高不超过100万元。"
    # a condition of the asker's own, or a yes/no question of its own: added to the subject
    out, kind = rewrite("那我们是租的海外仓呢？", state)
    assert kind == "case" and out.startswith("宁波跨境电商海外仓建设有什么补助") and "租的海外仓" in out
    out, kind = rewrite("个体户也能享受吗？", state)
    assert kind == "case" and "海外仓" in out and "个体户" in out
    # a bare new subject still takes the previous intent
    out, kind = rewrite("那物流园区呢？", state)
    assert kind == "topic" and out.startswith("物流园区")
    # a first-person turn that speaks of the topic continues it; one that does not is new
    assert is_followup("我们只租了200平米的海外仓，需要先备案吗？", state, topic)
    assert not is_followup("我们公司想问问技能人才培训有什么补贴？", state, topic)
