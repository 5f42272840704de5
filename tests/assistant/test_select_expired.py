"""select.expired_term_first: 'can I still …?' about an expired document is answered by the clause
stating its term, on an invented document."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from assistant.answer.select import expired_term_first
from index.records import EXPIRED, VALID, Clause, ScoredClause


def _kb(state: str):
    texts = [("养老/1", "对新建的社区养老服务站，给予一次性建设补助。"),
             ("养老/2", "本办法自2021年3月1日起施行，有效期3年。")]
    clauses, pos = {}, 0
    for cid, text in texts:
        clauses[cid] = Clause(clause_id=cid, doc_id="养老", path=("一",), display_path="", text=text,
                              start=pos, end=pos + len(text))
        pos += len(text)
    doc = SimpleNamespace(doc_id="养老", region="某市", validity=lambda day: state)
    return SimpleNamespace(clauses=clauses, documents={"养老": doc})


DAY = dt.date(2026, 1, 1)


def _chosen(kb):
    return [("", ScoredClause(kb.clauses["养老/1"], 0.5, rank=1))]


def test_an_expired_document_answers_a_still_question_with_its_term():
    kb = _kb(EXPIRED)
    for q in ("某市那个养老站补助现在还能申请吗？", "社区养老站建设补助还可以拿不？", "这个办法还能不能用"):
        got = expired_term_first(q, _chosen(kb), kb, DAY)
        assert [sc.clause.clause_id for _, sc in got] == ["养老/2"], q


def test_other_questions_and_documents_in_force_keep_the_clause_chosen():
    expired, in_force = _kb(EXPIRED), _kb(VALID)
    still = "某市养老站补助现在还能申请吗？"
    assert expired_term_first(still, _chosen(in_force), in_force, DAY) == _chosen(in_force)
    # not asking whether it still applies; or giving figures of its own (a sum to work out)
    for q in ("某市养老站补助多少？", "我们建了2个养老站，还能拿多少补助？"):
        assert expired_term_first(q, _chosen(expired), expired, DAY) == _chosen(expired), q
