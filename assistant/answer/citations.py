"""Verified citations: a clause (or a sub-span of it) → ``Citation`` whose quote was
compared to the source text in code.

    make_citation(kb, clause, start=None, end=None, as_of=None) -> Citation
    verify(kb, citation) -> bool
    keep_verified(kb, citations) -> (verified, warnings)
    in_reference_order(citations) -> citations;  reference_numbers(citations) -> {clause_id: n}

Every path that shows a citation to a user goes through ``make_citation`` (at
creation) and ``keep_verified`` (just before display): a quote that does not equal
``kb.documents[doc_id].text[start:end]`` is dropped and flagged, never shown.
Reference numbers: ``[n]`` in an answer (LLM mode), the n-th line of the CLI's
citation list and the web's n-th citation card all mean ``citations[n-1]`` after
``in_reference_order``: each clause's first quote, clauses in order of first appearance;
a clause's further quotes come after them. ``key_span`` picks the sentence of a clause that carries the figure a question is
about, so an answer can quote one sentence instead of a whole clause.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Callable, Iterable

from assistant.errors import QuoteMismatchError
from assistant.records import Citation
from index.records import Clause
from assistant.rules.patterns import RANGE_RE  # the rule reader's own band syntax ('51～100台（套）')
from assistant.lexicon.vocab import document_words

# Sentence ends in policy prose; the delimiter stays with its sentence.
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_FIGURE = re.compile(r"\d[\d.,，]*\s*(?:万元|亿元|元|万美元|%|‰|倍)|[一二三四五六七八九十百千]+万元")
_NOTE = re.compile(r"^[（(]\s*(?:责任单位|牵头单位)[:：].*[)）]?$")
_UNIT = re.compile(r"\d\s*(平方米|平米|亩|万美元|万元|亿元|万|亿|台|套|人|家|%)")
_UNIT_ALIASES = {"平米": "平方米", "万": "万元", "亿": "亿元"}
WHOLE_CLAUSE_CHARS = 200  # a clause this short is quoted whole: its sentences qualify each other
_DROP_WARNING = "有一处引用与原文核对不一致，已隐去（{cid}）。"


def make_citation(kb, clause: Clause, start: int | None = None, end: int | None = None,
                  as_of: dt.date | None = None) -> Citation:
    """Clause (+ optional document-coordinate sub-span) → verified ``Citation``.

    The span must lie inside the clause and its text must equal both the document
    text and the clause text at that place; otherwise ``QuoteMismatchError``.
    """
    doc = kb.documents.get(clause.doc_id)
    if doc is None:
        raise QuoteMismatchError(f"{clause.clause_id}: document {clause.doc_id!r} is not in the knowledge base")
    s = clause.start if start is None else int(start)
    e = clause.end if end is None else int(end)
    if not (clause.start <= s < e <= clause.end):
        raise QuoteMismatchError(
            f"{clause.clause_id}: span {s}:{e} is outside the clause {clause.start}:{clause.end}")
    quote = doc.text[s:e]
    if quote != clause.text[s - clause.start:e - clause.start]:
        raise QuoteMismatchError(f"{clause.clause_id}: clause text differs from the document at {s}:{e}")
    validity = doc.validity(as_of) if as_of else ""
    citation = Citation(
        doc_id=doc.doc_id, title=doc.title, doc_number=doc.doc_number, issuer=doc.issuer,
        clause_id=clause.clause_id, display_path=clause.display_path, path=tuple(clause.path),
        quote=quote, start=s, end=e, valid_until=doc.valid_until, incomplete=doc.incomplete,
        **({"validity": validity} if validity else {}),
    )
    if not verify(kb, citation):
        raise QuoteMismatchError(f"{clause.clause_id}: quote does not match the source span {s}:{e}")
    return citation


def verify(kb, citation: Citation) -> bool:
    """True when the quote is non-blank and equals the document text at its span."""
    doc = kb.documents.get(citation.doc_id)
    if doc is None or not citation.quote.strip():
        return False
    if not (0 <= citation.start < citation.end <= len(doc.text)):
        return False
    return doc.text[citation.start:citation.end] == citation.quote


def keep_verified(kb, citations: Iterable[Citation]) -> tuple[list[Citation], list[str]]:
    """The display gate: verified citations (deduplicated) and one warning per dropped one."""
    kept: list[Citation] = []
    warnings: list[str] = []
    seen: set[tuple[str, int, int]] = set()
    for c in citations:
        if not verify(kb, c):
            warnings.append(_DROP_WARNING.format(cid=c.clause_id))
            continue
        key = (c.doc_id, c.start, c.end)
        if key not in seen:
            seen.add(key)
            kept.append(c)
    return kept, warnings


def in_reference_order(citations: Iterable[Citation]) -> list[Citation]:
    """The first citation of every clause (in order of first appearance), then the
    remaining ones in their order: so reference [n] is ``citations[n-1]``."""
    citations = list(citations)
    seen: set[str] = set()
    first, rest = [], []
    for c in citations:
        (rest if c.clause_id in seen else first).append(c)
        seen.add(c.clause_id)
    return first + rest


def reference_numbers(citations: Iterable[Citation]) -> dict[str, int]:
    """clause_id → its reference number (1-based, order of first appearance)."""
    out: dict[str, int] = {}
    for c in citations:
        out.setdefault(c.clause_id, len(out) + 1)
    return out


def sentence_spans(clause: Clause) -> list[tuple[int, int]]:
    """Document-coordinate spans of the clause's sentences, outer whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    text = clause.text
    for m in _SENTENCE_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        if _NOTE.match(piece.strip()):  # "（责任单位：…）" is not part of the benefit
            continue
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if e - trail - (s + lead) >= 2:
            out.append((clause.start + s + lead, clause.start + e - trail))
    return out or [(clause.start, clause.end)]


def has_figure(text: str) -> bool:
    return bool(_FIGURE.search(text))


def bigrams(text: str) -> set[str]:
    chars = re.sub(r"[\s，。、；：“”（）()《》,.;:!?！？\"'0-9]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


_COUNT = re.compile(r"(\d+)\s*(台|套|家|人|个|项|天)")


def _in_band(counts: list[tuple[Decimal, str]], text: str) -> bool:
    """The sentence states a band ('51～100台（套）', '10台（套）以内') holding a count the user gave."""
    for m in RANGE_RE.finditer(text):
        unit = m.group("u")[0]
        for n, u in counts:
            if u != unit:
                continue
            if m.group("a") and Decimal(m.group("a")) <= n <= Decimal(m.group("b")):
                return True
            if m.group("c") and m.group("sfx") in ("以内", "以下") and n <= Decimal(m.group("c")):
                return True
            if m.group("c") and m.group("sfx") == "以上" and n >= Decimal(m.group("c")):
                return True
    return False


def key_span(clause: Clause, question: str, prefer: Iterable[str] = (),
             keep: Callable[[str], bool] | None = None) -> tuple[int, int]:
    """The span (document coordinates) of the sentence that best answers ``question``:
    most character-bigram overlap with it, a figure preferred, ``prefer`` words
    (e.g. 省级, AAAA) weighted. Short clauses are quoted whole. ``keep`` (sentence text →
    bool) limits the choice to sentences that say what kind of thing was asked (a time
    limit, an amount) when any does: a long clause's one sentence with "5个工作日内" is
    the answer, not the sentence that shares most words with the question."""
    spans = sentence_spans(clause)
    if len(spans) == 1 or (spans[-1][1] - spans[0][0]) <= WHOLE_CLAUSE_CHARS:
        return spans[0][0], spans[-1][1]
    qgrams = bigrams(document_words(question))
    prefer = [p for p in prefer if p]
    # the units of the user's own figures ("400平米", "500万") point at the sentence
    # whose thresholds they are measured against
    units = {_UNIT_ALIASES.get(u, u) for u in _UNIT.findall(question)}
    counts = [(Decimal(n), u) for n, u in _COUNT.findall(question)]

    texts = {sp: clause.text[sp[0] - clause.start:sp[1] - clause.start] for sp in spans}
    # a question word every sentence of the clause repeats tells them apart less than one only a
    # single sentence has ('联席会议' throughout vs '办公室设在' once)
    df: dict[str, int] = {}
    for t in texts.values():
        for g in qgrams & bigrams(t):
            df[g] = df.get(g, 0) + 1

    def score(span: tuple[int, int]) -> float:
        text = texts[span]
        s = sum(1 / df[g] for g in qgrams & bigrams(text))
        s += 3 if has_figure(text) else 0
        s += sum(4 for p in prefer if p in text)
        s += sum(2 for u in units if u in text)
        s += 50 * _in_band(counts, text)  # the band the user is in decides: the sentence that applies
        return s

    pool = [sp for sp in spans if keep(texts[sp])] if keep is not None else spans
    best = max(pool or spans, key=score)
    i = spans.index(best)
    # A very short sentence ("（四）扶持物流公共信息平台建设。") reads better with its successor.
    if best[1] - best[0] < 20 and i + 1 < len(spans):
        best = (best[0], spans[i + 1][1])
    return best


def quote_text(kb, citation: Citation) -> str:
    """The verified quote, or raise: for code that prints a quote outside an Answer."""
    if not verify(kb, citation):
        raise QuoteMismatchError(f"{citation.clause_id}: quote does not match its source")
    return citation.quote
