"""Near-misses: a benefit whose purpose no document names, a rare name only other places'
documents hold, how-question verbs and time words that are not topic words, validity asked
as "还能按这个文件…吗". The questions are written for these tests (not from any eval set)."""
from __future__ import annotations

from assistant.answer.fit import asks_validity, unknown_qualifier
from assistant.question.terms import GENERIC as _GENERIC
from assistant.question.terms import content_terms


def test_a_benefit_purpose_the_corpus_never_names_is_found():
    corpus = "对实施技术改造新增设备的企业给予补贴；对物流企业给予奖励。"
    assert unknown_qualifier("泉州给多少搬迁补贴？", corpus, _GENERIC) == "搬迁"
    # an abbreviation of the documents' own words is their word (技改 = 技术改造)
    assert unknown_qualifier("技改补贴能拿多少", corpus, _GENERIC) == ""
    assert unknown_qualifier("物流补贴有多少", corpus, _GENERIC) == ""
    # "额外 / 多少" qualify the amount, they do not name a purpose
    assert unknown_qualifier("还有额外奖励吗", corpus, _GENERIC) == ""
    assert unknown_qualifier("能拿多少补贴", corpus, _GENERIC) == ""


def test_how_verbs_and_time_words_are_not_topic_words():
    terms = content_terms("开发区对质量不合格的产品怎么处理？")
    assert "处理" not in terms and "质量" in terms
    terms = content_terms("前年泉州搞的物流项目当时给了多少？")
    assert not {"前年", "当时"} & set(terms)
    assert "物流" in terms


def test_validity_asked_as_still_by_this_document():
    assert asks_validity("我们去年的项目还能按这个文件申请补贴吗？")
    assert asks_validity("这个奖励还可以照原来的政策拿吗")
    assert not asks_validity("今年新买的设备能补多少？")


def test_a_name_only_another_region_holds_is_refused(policy_assistant):
    # 独角兽 companies are rewarded by 潍坊's document only (a name of 3+ characters)
    answer = policy_assistant.ask("嘉兴对新认定的独角兽企业奖励多少钱？")
    assert answer.refused
    assert not answer.citations
    # the place whose document names it is answered
    answer = policy_assistant.ask("潍坊对新认定的独角兽企业有奖励吗？")
    assert not answer.refused
    assert answer.citations[0].doc_id == "weifang-five-optimizations-manufacturing"


def test_a_benefit_of_a_kind_no_document_grants_is_refused(policy_assistant):
    answer = policy_assistant.ask("泉州对企业搬迁给多少搬迁补贴？")
    assert answer.refused and not answer.citations
    # the same shape of question about a benefit the documents do grant is answered
    answer = policy_assistant.ask("泉州对物流公共信息平台给多少投资补助？")
    assert not answer.refused
    assert "5%" in answer.answer


def test_a_validity_question_naming_the_document_leads_with_its_dates(policy_assistant):
    answer = policy_assistant.ask("潍坊的智能化改造补贴，我们现在还能按这个文件申请吗？")
    assert not answer.refused
    assert "2025年12月31日" in answer.answer.split("\n")[0]
    assert "有效期" in answer.citations[0].quote


def test_an_unquoted_short_name_one_clause_holds_is_answered_from_it(policy_assistant):
    # the document writes “五新” in quotes; jieba reads the question's 哪五新 as one word
    answer = policy_assistant.ask("五新推广说的是哪五新")
    assert not answer.refused
    assert "“五新”" in answer.citations[0].quote or "五新" in answer.citations[0].quote
