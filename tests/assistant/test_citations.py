"""Citations are verified against the source text; a corrupted one is never shown."""
from __future__ import annotations

import dataclasses
import re

import pytest

from assistant.answer.compose import compose
from assistant.answer.citations import key_span, keep_verified, make_citation, sentence_spans, verify
from assistant.errors import QuoteMismatchError
from index.records import ScoredClause

PLATFORM = "quanzhou-2015-service-manufacturing/2.4"


def test_whole_clause_and_sub_span_round_trip(kb, settings):
    clause = kb.clauses[PLATFORM]
    doc = kb.documents[clause.doc_id]
    whole = make_citation(kb, clause, as_of=settings.as_of)
    assert whole.quote == doc.text[whole.start:whole.end] == clause.text
    assert whole.title == doc.title and whole.doc_number == "泉政文〔2015〕95号"
    assert whole.line.startswith("《泉州市人民政府关于发展服务型制造专项行动计划的实施意见》（泉政文〔2015〕95号）")
    # the one sentence with the figure, as a sub-span
    s, e = key_span(clause, "投资800万元的物流平台补多少")
    part = make_citation(kb, clause, s, e)
    assert "5%" in part.quote and part.quote == doc.text[s:e] and verify(kb, part)


def test_span_outside_the_clause_is_refused(kb):
    clause = kb.clauses[PLATFORM]
    with pytest.raises(QuoteMismatchError):
        make_citation(kb, clause, clause.start - 5, clause.end)
    with pytest.raises(QuoteMismatchError):
        make_citation(kb, clause, clause.start, clause.end + 1)


def test_corrupted_citations_are_dropped_and_flagged(kb):
    good = make_citation(kb, kb.clauses[PLATFORM])
    altered = dataclasses.replace(good, quote=good.quote.replace("5%", "15%"))
    shifted = dataclasses.replace(good, start=good.start + 1, end=good.end + 1)
    unknown = dataclasses.replace(good, doc_id="no-such-doc")
    for bad in (altered, shifted, unknown):
        assert not verify(kb, bad)
    kept, warnings = keep_verified(kb, [altered, good, shifted, unknown, good])
    assert kept == [good]  # the good one once, the corrupted ones gone
    assert len(warnings) == 3 and all("已隐去" in w for w in warnings)


def test_forged_clause_text_never_reaches_the_answer(kb, settings):
    """A clause whose text no longer matches its document (stale index, tampering)."""
    real = kb.clauses[PLATFORM]
    forged = dataclasses.replace(real, text=real.text.replace("50万元", "500万元"))
    answer = compose(kb, "物流公共信息平台补助标准", [ScoredClause(forged, 1.0, rank=1)], settings.as_of)
    assert "500万元" not in answer.answer.replace("投资500万元", "")
    assert not answer.citations
    assert any("未通过原文核对" in w for w in answer.warnings)


def test_sentence_spans_skip_responsibility_notes(kb):
    clause = kb.clauses["quanzhou-kfq-smart-manufacturing-quality/2.2.16"]
    doc = kb.documents[clause.doc_id]
    for s, e in sentence_spans(clause):
        assert "责任单位" not in doc.text[s:e]


def _generated_questions(kb) -> list[str]:
    """Questions built from every clause's headings and opening words, in several
    paraphrase templates (a few hundred in all)."""
    templates = ("{t}有什么扶持政策？", "我们想了解{t}，能拿多少补助？", "{r}关于{t}是怎么规定的")
    out = []
    for i, clause in enumerate(kb.clauses.values()):
        head = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*", "", clause.path[-1] if clause.path else "")
        words = re.split(r"[。，,；;：:]", re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*", "", clause.text))[0]
        topic = (head if 2 <= len(head) <= 20 else words[:16]).strip() or words[:16]
        region = kb.documents[clause.doc_id].region
        out.append(templates[i % 3].format(t=topic, r=region))
        if i % 3 != 2:
            out.append(templates[(i + 1) % 3].format(t=words[:14], r=region))
    return out


def test_every_citation_over_generated_questions_round_trips(kb, policy_assistant):
    questions = _generated_questions(kb)
    assert len(questions) >= 280
    shown = 0
    for q in questions:
        answer = policy_assistant.ask(q)
        for c in answer.citations:
            doc = kb.documents[c.doc_id]
            assert doc.text[c.start:c.end] == c.quote, (q, c.clause_id)
            assert kb.clauses[c.clause_id].start <= c.start < c.end <= kb.clauses[c.clause_id].end
            shown += 1
        # every quoted basis line in the text is a verbatim span of a cited document
        cited_text = "".join(kb.documents[c.doc_id].text for c in answer.citations)
        for line in answer.answer.splitlines():
            m = re.fullmatch(r"原文：“(.*)”", line.strip())
            if m:
                assert m.group(1) in cited_text, (q, line)
        if answer.refused and "最接近的条款原文" not in answer.answer:
            assert not answer.citations  # a refusal quotes nothing, unless it shows the nearest clause
    assert shown >= len(questions)  # most questions are answered with at least one citation


def _long_clause(clause_id: str, display_path: str, sentences: list[str], filler: str):
    """An invented clause: ``sentences`` then ``filler``, long enough to be quoted by sentence."""
    from index.records import Clause

    text = "".join(sentences) + filler
    assert len(text) > 200  # long enough to be quoted by sentence
    return Clause(clause_id=clause_id, doc_id=clause_id.split("/")[0], path=(display_path.strip("（）、"),),
                  display_path=display_path, text=text, start=0, end=len(text))


def test_the_sentence_quoted_is_the_one_that_answers_not_the_one_that_repeats_the_topic():
    """Words every sentence of a clause repeats ('联席会议', '统筹协调创新发展') weigh less than
    the words only one sentence has ('办公室设在')."""
    sentences = ["联席会议统筹协调全市创新发展工作，研究解决重大问题，督促各项任务落实到位，形成工作合力。",
                 "联席会议办公室设在市商务局，负责日常联络和信息报送，承担会议组织与材料准备等具体事务。",
                 "联席会议每季度统筹协调一次创新发展重大事项，必要时可临时召开专题会议，会议纪要印发各成员单位。"]
    clause = _long_clause("x/1", "一、", sentences,
                          "成员单位按职责分工抓好落实，定期报送工作进展情况，确保各项政策措施落地见效。" * 2)
    s, e = key_span(clause, "统筹协调创新发展的联席会议，它的办公室设在哪？")
    assert clause.text[s:e] == sentences[1]


def test_a_count_the_user_gave_picks_the_sentence_of_its_band(kb):
    clause = next(c for c in kb.clauses.values() if "购买数量为51～100台（套）" in c.text)
    doc = kb.documents[clause.doc_id]
    for count, band in (("8台", "10台（套）以内"), ("30台", "11～50台（套）"), ("75台", "51～100台（套）")):
        s, e = key_span(clause, f"一次采购{count}数控一代示范产品补多少")
        assert band in doc.text[s:e], (count, doc.text[s:e])


def test_a_time_question_quotes_the_sentence_that_states_the_time_limit():
    from assistant.answer.compose import answer_span

    sentences = ["（七）优化仓储设施审批服务，推行联审联办、并联审批、帮办代办等便利举措，减少申请材料。",
                 "对仓储设施审批全面实行网上申报，申请人资料齐全的，在4个工作日内办结审批手续。",
                 "各县区要建立审批服务台账，加强对仓储设施审批服务工作的跟踪督办和考核评价。"]
    clause = _long_clause("y/7", "（七）", sentences,
                          "相关部门按职责分工抓好落实，定期报送工作进展情况，确保各项便利举措落地见效。" * 3)
    s, e = answer_span(clause, "仓储设施审批服务要多久能办下来？")
    assert clause.text[s:e] == sentences[1]
    # not a time question: the sentence sharing most words, as before
    s, e = answer_span(clause, "仓储设施审批服务有哪些便利举措？")
    assert clause.text[s:e] == sentences[0]


def test_a_share_of_a_named_base_states_an_amount():
    from assistant.answer.fit import answer_type_gap

    assert answer_type_gap("工程款最少要先付多少钱", "预付款不得低于合同价（扣除预留金额）的20%。") is None
    assert answer_type_gap("能拿多少奖励资金", "按其新增贷款余额增量的1.5%给予激励。") is None
    assert answer_type_gap("能拿多少奖励资金", "按其新增贷款规模给予适当激励。") == "具体金额"


def test_a_how_long_question_is_answered_by_the_next_clause_of_the_document_that_states_it():
    """The best-matching clause says nothing of time; the document's clause ranked next states
    '3个工作日内': that clause answers, and leads, instead of a "not stated" reply."""
    import datetime as dt

    from index.records import Clause, Document

    texts = ["一、规范仓储设施用地审批，统一仓储设施用地审批材料清单，推动仓储设施用地审批信息公开。",
             "二、上述事项在3个工作日内办结。"]
    full, clauses, pos = "", [], 0
    for i, t in enumerate(texts, 1):
        clauses.append(Clause(clause_id=f"inv/{i}", doc_id="inv", path=(str(i),), display_path=f"{i}、",
                              text=t, start=pos, end=pos + len(t)))
        full += t + "\n"
        pos = len(full)
    doc = Document(doc_id="inv", source_path="inv.txt", sha256="0", title="某市仓储设施审批办法", text=full, region="某市")

    by_id = {c.clause_id: c for c in clauses}

    class KB:
        documents = {"inv": doc}

        def __init__(self):
            self.clauses = by_id

        def clauses_of(self, doc_id):
            return list(by_id.values())

    retrieved = [ScoredClause(clause=c, score=1.0 - i / 10, rank=i + 1) for i, c in enumerate(clauses)]
    answer = compose(KB(), "仓储设施用地审批要几天？", retrieved, dt.date(2026, 11, 21))
    assert not answer.refused and "3个工作日内" in answer.answer
    assert answer.citations[0].clause_id == "inv/2" and answer.retrieved[0].clause.clause_id == "inv/2"
