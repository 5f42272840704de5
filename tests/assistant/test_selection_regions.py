"""Selection against the real index: the named place's own documents first, place names
are not topic words, a validity question cites the dates clause, colloquial "再拿".

The questions here are written for these tests (not taken from eval/questions)."""
from __future__ import annotations

from assistant.answer.select import _terms


def test_place_names_are_not_topic_words(kb):
    from assistant.answer.view import BuildView

    view = BuildView(kb)
    terms = _terms("嘉兴对泉州市的服务型制造示范企业给多少奖励？", view)
    assert "服务型" in terms
    assert not {"嘉兴", "泉州", "泉州市"} & set(terms)
    # a quoted name is one term, whole
    assert "泉州购" in _terms("“泉州购”平台是谁建的？", view)


def test_the_city_named_is_answered_from_its_own_documents(policy_assistant):
    # both the 泉州 city document and the 开发区 document reward B2C+O2O platforms
    answer = policy_assistant.ask("泉州市对B2C+O2O定制平台有什么奖励条件？")
    assert not answer.refused
    first = answer.citations[0]
    assert first.doc_id == "quanzhou-2015-service-manufacturing"
    assert answer.retrieved[0].clause.doc_id == "quanzhou-2015-service-manufacturing"


def test_a_topic_only_the_zone_holds_is_still_answered_from_the_zone(policy_assistant):
    # only the 开发区 document subsidises 众创空间 investment: "泉州" reaches it
    answer = policy_assistant.ask("泉州对企业建众创空间的投入补贴多少比例？")
    assert not answer.refused
    assert answer.citations[0].doc_id == "quanzhou-kfq-smart-manufacturing-quality"
    assert "30%" in answer.answer


def test_a_validity_question_cites_the_clause_stating_the_dates(policy_assistant):
    answer = policy_assistant.ask("嘉兴“两业融合”这个实施方案现在还有效吗？")
    assert not answer.refused
    assert "有效期至2026年12月31日" in answer.citations[0].quote
    assert answer.retrieved[0].clause.clause_id == answer.citations[0].clause_id


def test_colloquial_can_i_get_it_again_is_in_scope(policy_assistant):
    for q in ("嘉兴评上省级示范企业拿了一回，以后还能再拿吗？", "潍坊的企业去年升规拿过一次，今年还能再拿吗？"):
        answer = policy_assistant.ask(q)
        assert not answer.refused, q
        assert answer.citations


def test_a_follow_up_naming_no_place_stays_in_the_conversations_region(policy_assistant):
    sid = policy_assistant.new_session()
    first = policy_assistant.ask("潍坊对企业技术改造买设备有补贴吗？", session_id=sid)
    assert first.citations and first.citations[0].doc_id.startswith("weifang")
    answer = policy_assistant.ask("那这个文件什么时候到期？", session_id=sid)
    assert not answer.refused
    assert {s.clause.doc_id for s in answer.retrieved} == {first.citations[0].doc_id}
    assert "2025年12月31日" in answer.citations[0].quote


def test_a_validity_question_leads_with_the_dates_of_the_best_fitting_document():
    from index.records import Clause, ScoredClause
    from assistant.answer.select import rerank

    def sc(cid, text, rank):
        c = Clause(clause_id=cid, doc_id=cid.split("/")[0], path=(), display_path="", text=text,
                   start=0, end=len(text))
        return ScoredClause(c, 1.0 / rank, rank=rank)

    topic = sc("a/4.4", "建立两业融合试点工作专班，两业融合试点方案由专班统筹推进，开展两业融合发展评估。", 1)
    other = sc("b/end", "本办法自2023年1月1日起施行，有效期至2025年12月31日。", 2)
    filler = [sc(f"a/2.{i}", f"两业融合方案第{i}项任务。", 3 + i) for i in range(4)]
    dates = sc("a/5", "本实施方案自2024年5月20日起正式施行，有效期至2026年12月31日。", 8)
    ranked = rerank("这个两业融合试点方案从哪天开始施行？", [topic, other, *filler, dates])
    # the document is the one the question's words fit (a); the answer is its dates clause
    assert ranked[0].clause.clause_id == "a/5"
    # an ordinary question keeps the best-fitting clause first
    assert rerank("两业融合试点工作专班做什么？", [topic, other, *filler, dates])[0].clause.clause_id == "a/4.4"


def test_each_part_of_a_two_region_question_prefers_the_city_s_own_document(policy_assistant):
    # 泉州's city document and its 开发区's both reward 工业设计中心: "泉州" means the city's
    answer = policy_assistant.ask("省级工业设计中心，泉州和潍坊分别奖励多少？")
    assert not answer.refused
    quanzhou = [c for c in answer.citations if c.doc_id.startswith("quanzhou")]
    assert quanzhou and quanzhou[0].doc_id == "quanzhou-2015-service-manufacturing"


def test_a_document_named_by_year_and_title_words_is_kept_to(policy_assistant, kb):
    from assistant.answer.view import BuildView
    from assistant.lexicon.places import named_documents

    view = BuildView(kb)

    def named(q):
        return named_documents(view, q, None, _terms(q, view))

    assert named("2016年那个创新驱动的方案里讲了什么？") == {"quanzhou-2016-innovation-driven"}
    # a year alone, or title words alone, name no document
    assert named("2016年有什么补助？") == set()
    assert named("创新驱动方案里讲了什么？") == set()
    # both 泉州 documents support 跨境电商; the one named by its year answers, not the zone's
    answer = policy_assistant.ask("泉州2015年发的服务型制造那份文件，对跨境电商企业怎么补助？")
    assert not answer.refused
    assert {c.doc_id for c in answer.citations} == {"quanzhou-2015-service-manufacturing"}
