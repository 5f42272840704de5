"""One tier vocabulary for every stage: the question reader, the follow-up rewriter, the fit
check, the rule reader and the calculator agree on what a level or grade is."""
from __future__ import annotations

import pytest

from assistant.calculator.bind import match_level
from assistant.question.facts import extract_facts
from assistant.answer.fit import tier_gap
from assistant.question.followup import ConversationState, rewrite
from assistant.lexicon.vocab import grade_letters, norm_level


@pytest.mark.parametrize("written, letters", [
    ("5A", "AAAAA"), ("4A级", "AAAA"), ("3 A", "AAA"), ("aaaa", "AAAA"), ("AA级", "AA"), ("1A", "A"),
    ("A级", "A级"),  # the scheme (国家A级物流企业), not a grade
    ("国家级", "国家级"),  # not a grade: unchanged
])
def test_grade_letters(written, letters):
    assert grade_letters(written) == letters


@pytest.mark.parametrize("said", ["4A", "4A级", "AAAA级", "4 A"])
def test_every_stage_reads_a_grade_the_same_way(said):
    # the question reader, the follow-up rewriter and the calculator's level match agree
    assert extract_facts(f"我们评上了{said}物流企业")["级别"] == "AAAA"
    out, kind = rewrite(f"那{said}的呢？", ConversationState(question="首次评上5A级物流企业奖励多少"))
    assert (out, kind) == ("首次评上AAAA级物流企业奖励多少", "grade")
    assert match_level(["AAAAA", "AAAA", "AAA"], said) == "AAAA"
    assert norm_level(said) == "AAAA"


def test_a_grade_not_offered_is_a_gap_everywhere():
    text = "首次评为AAAAA、AAAA、AAA级物流企业的，分别给予50万元、30万元、10万元奖励"
    assert tier_gap("我们是2A级物流企业，奖励多少？", text) == ("AA", "AAAAA、AAAA、AAA")
    assert match_level(["AAAAA", "AAAA", "AAA"], "2A") is None


def test_a_payer_is_not_a_level():
    # '市级财政' names who pays; '市级' alone is a tier
    assert tier_gap("县级示范企业奖励多少？", "对国家级、省级、市级示范企业分别给予…") is not None
    assert tier_gap("县级示范企业奖励多少？", "由市级财政给予补助") is None


def test_the_rating_scheme_is_not_a_grade():
    assert "级别" not in extract_facts("物流企业评上国家A级之后再升级，还有奖励吗？")
    assert tier_gap("评上国家A级物流企业之后还有奖励吗？", "首次评为AAAAA、AAAA、AAA级物流企业的…") is None


def test_a_prize_list_under_one_word_names_every_prize():
    text = "获得一、二、三等奖的项目,分别给予30万元、20万元、10万元的奖励"
    assert tier_gap("拿了一等奖，奖多少？", text) is None
    assert tier_gap("拿了三等奖，奖多少？", text) is None
    assert tier_gap("拿了三等奖，奖多少？", "获得一、二等奖的项目,分别给予30万元、20万元的奖励") is not None


def test_everyday_words_find_the_documents_words():
    from assistant.lexicon.vocab import document_words

    assert "营业收入" in document_words("营收涨了还有奖励吗")
    assert document_words("物流平台补多少") == "物流平台补多少"  # nothing to add


def test_the_sentence_quoted_follows_everyday_words(kb):
    from assistant.answer.citations import key_span

    clause = next(c for c in kb.clauses.values() if "连续奖励三年" in c.text)
    s, e = key_span(clause, "拿过营收首次过亿的奖，之后营收一直在涨，还能再拿吗")
    assert "连续奖励三年" in kb.documents[clause.doc_id].text[s:e]
