"""Suggested follow-ups come from the answer itself and each one can be answered."""
from __future__ import annotations

from assistant.calculator.bind import needs_of
from assistant.rules.catalog import rules_for


def _ask_all(policy_assistant, questions):
    sid = policy_assistant.new_session()
    return sid, [policy_assistant.ask(q, session_id=sid) for q in questions]


def test_an_answer_without_an_amount_asks_for_the_figures_its_rule_needs(policy_assistant, kb):
    sid, (ans,) = _ask_all(policy_assistant, ["开发区企业采购数控一代示范项目产品有什么补贴？"])
    assert ans.sections.get("amount") is None and ans.citations
    sugg = ans.sections["suggestions"]
    assert 1 <= len(sugg) <= 3 and all(s["text"] != ans.question for s in sugg)
    fill = [s for s in sugg if s["kind"] == "fill"]
    assert fill, sugg
    rule = next(r for r in rules_for(kb)[ans.citations[0].clause_id]
                if r.start < ans.citations[0].end and ans.citations[0].start < r.end)
    for name, _kind in needs_of(rule):
        assert name + "＿" in fill[0]["text"]  # one blank per figure the calculator reads
    # filled in, the suggestion is answered with an amount on the same clause
    filled = fill[0]["text"]
    for blank, figure in (("＿台", "20台"), ("＿万元", "500万元")):
        filled = filled.replace(blank, figure)
    assert "＿" not in filled
    answer = policy_assistant.ask(filled, session_id=sid)
    assert answer.sections.get("amount") and answer.citations[0].clause_id == ans.citations[0].clause_id


def test_every_suggested_question_is_answered_with_a_citation(policy_assistant):
    for question in ("物流公共信息平台投资了200万元，能补多少？", "泉州的工业设计中心被评为市级，奖励多少？"):
        sid, (ans,) = _ask_all(policy_assistant, [question])
        sent = [s["text"] for s in ans.sections.get("suggestions", []) if s["kind"] == "send"]
        assert sent, ans.sections
        for text in sent:
            follow = policy_assistant.ask(text, session_id=sid)
            assert not follow.refused and follow.citations, (question, text, follow.answer)


def test_a_level_answer_offers_another_level_and_an_ineligible_one_the_region_listing(policy_assistant):
    _, (ans,) = _ask_all(policy_assistant, ["泉州的工业设计中心被评为市级，奖励多少？"])
    assert "如果是国家级呢？" in [s["text"] for s in ans.sections["suggestions"]]  # the largest other level
    _, (ans,) = _ask_all(policy_assistant, ["物流公共信息平台投资了200万元，能补多少？"])
    assert ans.sections["verdict_kind"] == "ineligible"
    broad = [s["text"] for s in ans.sections["suggestions"] if "还有哪些" in s["text"]]
    assert broad
    listing = policy_assistant.ask(broad[0])
    assert listing.sections.get("verdict_kind") == "matches"


def test_a_refusal_citing_nothing_suggests_nothing(policy_assistant):
    ans = policy_assistant.ask("今天天气怎么样？")
    assert ans.refused and not ans.sections.get("suggestions")


def test_every_rule_of_the_corpus_is_suggested_as_a_well_formed_question_that_gets_a_cited_answer(policy_assistant, kb):
    """A rule's follow-up asks about what it is for, never about a bare condition ('每期…超过100人')."""
    import re

    from assistant.chat.suggest import _subject_question

    condition = re.compile(r"\d|超过|达到|不低于|不少于|以上|以下")
    regions = {d.doc_id: d.region for d in kb.documents.values()}
    sessions: dict[str, str] = {}
    asked = 0
    for rules in rules_for(kb).values():
        for rule in rules:
            region = regions.get(rule.doc_id, "")
            text = _subject_question(region, rule)
            if text is None:
                continue
            what = text[len(region) + 1:text.rindex("，能获得多少")]
            assert text.endswith("？") and text.count("？") == 1 and text.startswith(region + "："), text
            assert what and not condition.search(what) and "…" not in what, text
            assert not what.startswith(("且", "和", "的", "、", "及")) and not what.endswith(("且", "和", "的", "、")), text
            sid = sessions.setdefault(region, policy_assistant.new_session())
            follow = policy_assistant.ask(text, session_id=sid)
            assert not follow.refused and follow.citations, (text, follow.answer)
            asked += 1
    assert asked >= 20  # most money rules of the shipped corpus are offered
