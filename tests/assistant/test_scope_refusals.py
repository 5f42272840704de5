"""Refusals after retrieval, against the real index: money asked of a clause that grants
none, a benefit question none of whose words the clauses found use, every tax named.

The questions here are written for these tests (not taken from eval/questions)."""
from __future__ import annotations

from assistant.answer.view import BuildView
from assistant.answer.scope import NATIONAL_TAX, NO_MONEY, WEAK, check_question, check_retrieval, refusal_text
from assistant.answer.select import retrieve


def _check(kb, question):
    view = BuildView(kb)
    scope = check_question(question, view.coverage, view.corpus_text)
    retrieved, _, _ = retrieve(view, question, scope.regions, set(), "", k=8)
    return check_retrieval(question, retrieved, view, scope)


def test_money_asked_of_a_clause_that_grants_none_is_refused(kb, settings):
    # 嘉兴's 个性化定制 clause promotes the practice; it grants no subsidy
    scope = _check(kb, "嘉兴推广大规模个性化定制有补贴吗？")
    assert not scope.covered and scope.reason == NO_MONEY
    text = refusal_text(scope, BuildView(kb), settings.as_of)
    assert "没有找到对此给予补助" in text and "嘉兴" in text  # the listing of what is covered


def test_money_asked_of_a_clause_that_grants_it_is_answered(kb):
    for q in ("嘉兴对省级服务型制造示范企业奖励多少？", "潍坊企业技改买新设备有补贴吗？"):
        assert _check(kb, q).covered, q


def test_a_validity_question_is_not_a_money_question(policy_assistant):
    sid = policy_assistant.new_session()
    policy_assistant.ask("潍坊对企业技术改造买设备有补贴吗？", session_id=sid)
    # rewritten with the previous intent ("…补贴吗"), but it asks for the dates
    answer = policy_assistant.ask("那这个文件什么时候到期？", session_id=sid)
    assert not answer.refused and "2025年12月31日" in answer.answer


def test_a_benefit_question_needs_one_of_its_words_in_the_clauses_found(kb):
    from types import SimpleNamespace

    from index.records import Clause, ScoredClause

    clause = Clause(clause_id="d/1", doc_id="d", path=(), display_path="", text="政府性融资担保费率降至1.5%以下。",
                    start=0, end=17)
    near = [ScoredClause(clause, 0.03, rank=1, dense_score=0.80, bm25_score=2.0)]
    fake = SimpleNamespace(documents={}, clauses={"d/1": clause}, version="", corpus_text="众创空间")
    scope = check_question("某市的众创空间补贴标准是多少？", SimpleNamespace(keys={}, mention_spans=lambda q: []), "")
    # close in embedding space, asks a benefit, shares none of 众创/空间: not on topic
    assert check_retrieval("某市的众创空间补贴标准是多少？", near, fake, scope).reason == WEAK


def test_every_tax_a_question_names_must_be_in_the_corpus(kb):
    # 加计扣除 is in the corpus; a 起征点 is not, so this is a national tax rule
    scope = _check(kb, "研发费用加计扣除的起征点是多少？")
    assert not scope.covered and scope.reason == NATIONAL_TAX
    assert _check(kb, "嘉兴企业研发费用加计扣除比例是多少？").covered


def test_a_quoted_name_found_in_the_clauses_is_on_topic():
    from types import SimpleNamespace

    from index.records import Clause, ScoredClause
    from assistant.answer.scope import Scope
    from assistant.question.terms import quoted_names

    assert quoted_names("“泉州购”和\"三小\"是什么？") == ["泉州购", "三小"]
    text = "广泛开展“三小”活动，提升一线员工技能。"
    clause = Clause(clause_id="d/1", doc_id="d", path=(), display_path="", text=text, start=0, end=len(text))
    weak = [ScoredClause(clause, 0.03, rank=1, dense_score=0.60, bm25_score=3.0)]
    fake = SimpleNamespace(documents={}, clauses={"d/1": clause}, version="", corpus_text=text)
    # quoted, the user cites it
    assert check_retrieval("园区说的“三小”具体指哪三样？", weak, fake, Scope()).covered
    # unquoted, a two-character name still shows the topic when only one clause holds it ...
    assert check_retrieval("园区说的三小具体指哪三样？", weak, fake, Scope()).covered
    # ... not when it is a common piece of several clauses
    other = Clause(clause_id="d/2", doc_id="d", path=(), display_path="", text="三小企业", start=0, end=4)
    common = SimpleNamespace(documents={}, clauses={"d/1": clause, "d/2": other}, version="",
                             corpus_text=text + "三小企业")
    assert not check_retrieval("园区说的三小具体指哪三样？", weak, common, Scope()).covered


def test_a_turn_naming_no_place_searches_the_conversations_regions(kb):
    view = BuildView(kb)
    topic = {"jiaxing-2024-two-industries-integration"}
    for kind in ("", "topic"):  # also a turn the follow-up rules do not recognise
        retrieved, _, _ = retrieve(view, "营业收入增速要达到多少？", {}, topic, kind, k=8)
        assert retrieved and {s.clause.doc_id for s in retrieved} == topic
    retrieved, _, _ = retrieve(view, "营业收入增速要达到多少？", {}, set(), "", k=8)
    assert len({s.clause.doc_id for s in retrieved}) > 1  # no conversation: the whole corpus


def test_a_national_tax_figure_asked_with_no_place_is_refused_from_local_documents(kb):
    # the shipped documents are all local: a rate asked with no place named is the national
    # figure, which none of them states, even where a clause restates the benefit for its own firms
    scope = _check(kb, "现在研发费用加计扣除的比例是多少？")
    assert not scope.covered and scope.reason == NATIONAL_TAX
    # the same benefit asked of a place, or for the user's own figure, is answered from its clause
    assert _check(kb, "嘉兴研发费用加计扣除的比例是多少？").covered


def test_a_national_issuer_is_told_from_a_provincial_branch():
    from types import SimpleNamespace

    from assistant.answer.scope import _nationally_stated

    def docs(*issuers):
        return SimpleNamespace(documents={str(i): SimpleNamespace(issuer=x, text="某税的加计扣除比例为100%")
                                          for i, x in enumerate(issuers)})

    assert not _nationally_stated(["加计扣除"], docs("国家税务总局某某省税务局", "某市人民政府"))
    assert _nationally_stated(["加计扣除"], docs("财政部 国家税务总局"))
