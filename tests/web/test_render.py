"""HTML rendering for the UI: every text is escaped; the highlighted span is the quote."""
from __future__ import annotations

import dataclasses
import html
import re

from assistant.answer.citations import make_citation
from assistant.records import Answer
from assistant.web.message import answer_message
from assistant.web.render import (
    by_clause,
    citation_card,
    clause_card,
    document_detail,
    search_results,
    user_message,
)
from assistant.web.service import clause_tree

EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&'


def _no_markup_from(text_html: str):
    assert "<script" not in text_html and "<img" not in text_html
    assert "&lt;script&gt;" in text_html


def test_user_question_is_escaped_and_kept_on_one_html_block():
    out = user_message(EVIL + "\n第二行\n\n[链接](javascript:alert(3))")
    _no_markup_from(out)
    assert "\n" not in out  # one HTML block: the chat's Markdown cannot get at it
    assert out.count("<br>") == 3


def test_citation_card_highlights_exactly_the_quote(kb, settings):
    clause = max(kb.clauses.values(), key=lambda c: len(c.text))
    start, end = clause.start + 5, clause.start + 25
    c = make_citation(kb, clause, start, end, as_of=settings.as_of)
    doc = kb.documents[clause.doc_id]
    card = citation_card(c, doc, clause)
    marked = re.search(r'<mark class="pa-mark">(.*?)</mark>', card, re.S).group(1)
    assert html.unescape(marked.replace("<br>", "\n")) == doc.text[start:end]
    assert c.validity in card and c.line.split("·")[0][:10] in card


MARK = re.compile(r'<mark class="pa-mark">(.*?)</mark>', re.S)


def _marked(card: str) -> list[str]:
    return [html.unescape(m.replace("<br>", "\n")) for m in MARK.findall(card)]


def test_clause_card_highlights_every_span_merging_overlaps(kb, settings):
    clause = max(kb.clauses.values(), key=lambda c: len(c.text))
    s = clause.start
    spans = [(s + 40, s + 60), (s + 2, s + 10), (s + 4, s + 9), (s + 8, s + 15), (s + 15, s + 20)]
    cites = [make_citation(kb, clause, a, b, as_of=settings.as_of) for a, b in spans]
    doc = kb.documents[clause.doc_id]
    card = clause_card(cites, doc, clause, number=2)
    # overlapping/touching spans become one mark; separate ones stay separate, in text order
    assert _marked(card) == [doc.text[s + 2:s + 20], doc.text[s + 40:s + 60]]
    assert card.count(html.escape(cites[0].line)) == 1 and "[2]" in card
    assert card.count('<li class="pa-quote">') == 4  # a quote inside another quote is not listed twice
    assert html.unescape(re.sub(r"<[^>]+>", "", card.split('<div class="pa-clause-text">')[1])) \
        .replace("\n", "") == doc.text[clause.start:clause.end].replace("\n", "")


def test_one_card_per_clause_for_an_answer_quoting_several_sentences(policy_assistant, settings):
    from assistant.web.ui import render_answer
    from assistant.web.service import Service

    service = Service(settings, assistant=policy_assistant)
    answer = service.ask("我们公司建设物流公共信息平台，投资800万元，能拿到多少补助？")
    out = render_answer(service, answer)
    kb = service.kb
    clause_ids = list(dict.fromkeys(c.clause_id for c in answer.citations))
    assert len(answer.citations) > len(clause_ids)  # several quotes of one clause: the case at hand
    cards = re.findall(r'<details class="pa-card".*?</details>', out, re.S)
    assert len(cards) == len(clause_ids)
    for n, (card, (num, group)) in enumerate(zip(cards, by_clause(answer.citations)), 1):
        assert num == n and f"[{n}]" in card and group[0].clause_id == clause_ids[n - 1]
        assert "".join(cards).count(html.escape(group[0].line)) == 1  # once among the cards, not per quote
        doc = kb.documents[group[0].doc_id]
        marks = _marked(card)
        assert marks and all(m in doc.text for m in marks)
        for c in group:
            assert c.quote == doc.text[c.start:c.end]
            assert any(c.quote in m for m in marks)  # every quoted span is highlighted
            quote = " ".join(c.quote.split())
            listed = [html.unescape(q) for q in re.findall(r'<li class="pa-quote">“(.*?)”</li>', card, re.S)]
            assert any(quote in q for q in listed)  # and listed under the card's header


def test_document_and_model_text_are_escaped_everywhere(kb, settings):
    clause = next(iter(kb.clauses.values()))
    real = kb.documents[clause.doc_id]
    c = make_citation(kb, clause, as_of=settings.as_of)
    evil_c = dataclasses.replace(c, title=EVIL, issuer=EVIL, doc_number=EVIL)
    evil_doc = dataclasses.replace(real, title=EVIL, region=EVIL, dates={"印发": EVIL})
    _no_markup_from(citation_card(evil_c, evil_doc, clause))
    answer = Answer(question=EVIL, answer=EVIL + "\n结论", warnings=[EVIL], mode=EVIL)
    _no_markup_from(answer_message(answer, []))
    hit = {"rank": 1, "score": 0.5, "clause_id": EVIL, "text": EVIL, "line": EVIL,
           "citation": {"validity": EVIL}}
    html_out = search_results([hit])
    _no_markup_from(html_out)
    assert 'data-copy="&lt;script&gt;' in html_out  # the copy payload is an escaped attribute
    d = {"title": EVIL, "doc_number": EVIL, "issuer": EVIL, "validity": "有效", "clause_count": 1,
         "warnings": [EVIL], "tree": [{"heading": EVIL, "items": [{"display_path": EVIL, "text": EVIL}]}]}
    _no_markup_from(document_detail(d))


def test_clause_tree_keeps_document_order_and_every_clause(kb):
    for doc_id in kb.documents:
        clauses = kb.clauses_of(doc_id)

        def walk(nodes):
            for it in nodes:
                yield from walk(it["items"]) if "items" in it else [it["clause_id"]]

        assert list(walk(clause_tree(clauses))) == [c.clause_id for c in clauses]


def test_header_explains_a_missing_index(tmp_path, settings):
    from assistant.web.ui import header_html
    from assistant.web.service import Service

    out = header_html(Service(settings.with_(data_dir=tmp_path)))
    assert "知识库尚未建立" in out and "policy-assistant ingest" in out


def test_owner_first_message_leads_with_the_verdict_and_one_amount_card():
    from assistant.web.render import match_html

    sections = {"verdict": "已失效，仅供参考：按原标准最多可获补贴80万元（某市 · 二、）", "verdict_kind": "expired",
                "carried": ["12000平方米（建设面积）"], "expired": ["某文件"],
                "amount": {"amount_wan": "80万元", "amount_yuan": "800000", "formula": ["800万元 × 10% = 80万元"],
                           "expired": True}}
    answer = Answer(question="q", answer="全文", sections=sections, warnings=["《某文件》已于2025年12月31日失效。"])
    out = answer_message(answer, [])
    assert out.index("pa-verdict") < out.index("pa-amount") < out.index("pa-full")
    assert out.count('class="pa-amount"') == 1 and "pa-ref-only" in out and "仅供参考" in out
    assert "沿用上文：12000平方米" in out
    assert "已于2025年12月31日失效" not in out  # said once, by the verdict and the badge
    evil = {"note": EVIL, "regions": [EVIL], "ask": [EVIL], "expired": [], "matches": [{
        "status": "met", "amount_wan": EVIL, "validity": EVIL, "formula": [EVIL], "conditions": [
            {"status": "unknown", "status_zh": "待确认", "text": EVIL}],
        "citation": {"line": EVIL, "quote": EVIL}}]}
    _no_markup_from(match_html(evil))
