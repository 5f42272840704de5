"""Which retrieved clauses an answer cites: retrieval (+ parts) → [(label, ScoredClause)].

    rerank(question, retrieved, window=8, kb=None) -> list[ScoredClause]
    alternatives(question, retrieved, kb=None, ratio=0.9) -> list[ScoredClause]
    select_clauses(question, retrieved, max_docs=3, kb=None) -> list[ScoredClause]
    choose(question, retrieved, parts=None, kb=None) -> [(region label or "", ScoredClause)]

The best clause (the retrieval order re-ranked by rare shared words, phrase overlap and,
for a money question, a figure), plus the best clause of each *other* document that
matches as well — never a dump of every chunk. One clause per region when the question
names several regions.
"""
from __future__ import annotations

import re

from assistant.citations import _bigrams, has_figure
from assistant.fit import asks_validity, idf
from assistant.records import ScoredClause

_MAX_DOCS = 3
_DATES = re.compile(r"有效期|施行|起实施|之日起")


def _terms(question: str) -> list[str]:
    from assistant.scope import content_terms

    return content_terms(question)


def _overlap(terms: list[str], sc: ScoredClause) -> int:
    text = sc.clause.embed_text
    return sum(1 for t in terms if t in text)


_MONEY_Q = re.compile(r"多少|奖励|补助|补贴|资助|奖补|能拿|能补|给多少|标准|钱")


def _phrase(question: str, sc: ScoredClause) -> float:
    """Share of the question's character bigrams found in the clause."""
    q = _bigrams(question)
    return len(q & _bigrams(sc.clause.embed_text)) / len(q) if q else 0.0


def _fit(terms: list[str], question: str, sc: ScoredClause, rank: int, kb=None) -> float:
    """How well a retrieved clause answers: content words shared (weighted by rarity when
    the kb is known: "未来工厂" outweighs "奖励"), phrase overlap, a figure for a money
    question, and the retrieval rank as the tie-breaker."""
    if kb is not None:
        s = sum(idf(kb, t) for t in terms if t in sc.clause.embed_text)
    else:
        s = _overlap(terms, sc)
    s += 4 * _phrase(question, sc)
    if _MONEY_Q.search(question) and has_figure(sc.clause.text):
        s += 1.5
    if asks_validity(question) and _DATES.search(sc.clause.text):
        s += 4  # "有效到什么时候": the clause that states the dates
    return s - 0.3 * rank


def rerank(question: str, retrieved: list[ScoredClause], window: int = 8, kb=None) -> list[ScoredClause]:
    """The retrieval's first ``window`` clauses re-ordered by ``_fit``, the rest after."""
    terms = _terms(question)
    head = sorted(enumerate(retrieved[:window]), key=lambda p: -_fit(terms, question, p[1], p[0], kb))
    return [sc for _, sc in head] + list(retrieved[window:])


def alternatives(question: str, retrieved: list[ScoredClause], kb=None, ratio: float = 0.9,
                 window: int = 8) -> list[ScoredClause]:
    """Clauses that fit the question nearly as well as the best one (``ratio`` of its fit),
    best first: where an operator looks next when the best clause does not say it."""
    terms = _terms(question)
    scored = [(_fit(terms, question, sc, i, kb), sc) for i, sc in enumerate(retrieved[:window])]
    if not scored:
        return []
    best = max(f for f, _ in scored)
    return [sc for f, sc in sorted(scored, key=lambda p: -p[0]) if best > 0 and f >= ratio * best]


def select_clauses(question: str, retrieved: list[ScoredClause], max_docs: int = _MAX_DOCS,
                   kb=None) -> list[ScoredClause]:
    """The best clause, plus the best clause of each other document that matches the
    question's content words at least as well as it does (not five chunks)."""
    if not retrieved:
        return []
    terms = _terms(question)
    ranked = rerank(question, retrieved, kb=kb)
    top = ranked[0]
    need = max(1, _overlap(terms, top))
    chosen = [top]
    seen = {top.clause.doc_id}
    for sc in ranked[1:]:
        if len(chosen) >= max_docs:
            break
        if sc.clause.doc_id in seen:
            continue
        if (_overlap(terms, sc) >= need and has_figure(sc.clause.text) == has_figure(top.clause.text)
                and _phrase(question, sc) >= 0.85 * _phrase(question, top)):
            chosen.append(sc)
            seen.add(sc.clause.doc_id)
    return chosen


def choose(question: str, retrieved: list[ScoredClause],
           parts: list[tuple[str, list[ScoredClause]]] | None = None, kb=None) -> list[tuple[str, ScoredClause]]:
    """The clauses an answer cites: [(region label or "", clause)] — one per named region
    when ``parts`` is given, else ``select_clauses`` (labelled when several documents)."""
    if parts:
        return [(label, rerank(question, rs, kb=kb)[0]) for label, rs in parts if rs]
    sel = select_clauses(question, retrieved, kb=kb)
    return [("", sel[0])] if len(sel) == 1 else [("", s) for s in sel]
