"""Every clause's rules: ``extract_rules(clause)`` and ``rules_for(kb)`` (cached on the kb), and the
document's stacking principle that applies to them.

    extract_rules(clause, stacking=None) -> list[SubsidyRule]
    rules_for(kb) -> {clause_id: [SubsidyRule, ...]}
    stacking_principle(document_text) -> str
"""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.rules.extract import extract
from assistant.rules.model import SubsidyRule


def extract_rules(clause, stacking: str | None = None, soft_breaks: frozenset = frozenset()) -> list:
    """Clause → the SubsidyRules its sentences grant (empty for clauses without a benefit).

    Pattern-based and general: amounts, rates, caps, tiers, levels and thresholds are
    read from the wording, never from a list of known sentences. ``stacking`` is the
    document's stacking principle when the caller knows it (``rules_for`` finds it).
    """
    return extract(clause, stacking or "", soft_breaks)


def stacking_principle(text: str) -> str:
    """The document's stacking principle as written ('就高不重复'), or ''."""
    m = re.search(r"[“\"]?(就高不重复|从高不重复|就高不叠加|不重复享受|不叠加享受)[”\"]?", text)
    return m.group(1) if m else ""


_SENTENCE_END = "。！？!?"  # a line break where a clause was cut into parts may fall inside a sentence
_REACH = 300  # at most this far into the neighbouring part


def whole_sentences(clause, doc_text: str, group: tuple[int, int]):
    """A part of a split clause that begins or ends inside a sentence, widened to the whole sentence
    (within the clause it was split from): a condition in one part and its amount in the next are
    one rule. Document coordinates stay true (``doc_text[start:end] == text``). Returns the clause
    to read and the offsets of the line breaks at the cuts, which end no sentence."""
    start, end = clause.start, clause.end
    low, high = group
    if start > low and doc_text[:start].rstrip()[-1:] not in _SENTENCE_END:
        head = doc_text[max(low, start - _REACH):start]
        cut = max(head.rfind(ch) for ch in _SENTENCE_END)
        if cut >= 0 or start - _REACH <= low:
            start = start - len(head) + cut + 1
    if end < high and clause.text.rstrip()[-1:] not in _SENTENCE_END:
        tail = doc_text[end:min(high, end + _REACH)]
        cuts = [i for i in (tail.find(ch) for ch in _SENTENCE_END) if i >= 0]
        if cuts or end + _REACH >= high:
            end = end + (min(cuts) + 1 if cuts else len(tail))
    if (start, end) == (clause.start, clause.end):
        return clause, frozenset()
    # the line breaks at the cuts end no sentence
    soft = frozenset(i - start for i in range(start, end) if doc_text[i] == "\n"
                     and any(abs(i - cut) <= 1 for cut in (clause.start, clause.end)))
    return replace(clause, text=doc_text[start:end], start=start, end=end), soft


def rules_for(kb) -> dict[str, list[SubsidyRule]]:
    """Knowledge base → {clause_id: [rules]} for every clause that grants something.

    Cached on the kb object, since clauses do not change while it is open.
    """
    cached = getattr(kb, "_subsidy_rules", None)
    if cached is not None:
        return cached
    out: dict[str, list[SubsidyRule]] = {}
    stacking = {doc_id: stacking_principle(doc.text) for doc_id, doc in kb.documents.items()}
    groups: dict[tuple, tuple[int, int]] = {}  # a split clause's parts together: (doc, path) → span
    for clause in kb.clauses.values():
        if getattr(clause, "n_parts", 1) > 1:
            key = (clause.doc_id, clause.path)
            a, b = groups.get(key, (clause.start, clause.end))
            groups[key] = (min(a, clause.start), max(b, clause.end))
    for clause_id, clause in kb.clauses.items():
        doc = kb.documents.get(clause.doc_id)
        span = groups.get((clause.doc_id, clause.path))
        read, soft = whole_sentences(clause, doc.text, span) if doc is not None and span else (clause, frozenset())
        rules = extract_rules(read, stacking.get(clause.doc_id, ""), soft)
        if read is not clause:  # only what this part itself states some of
            rules = [r for r in rules if r.start < clause.end and clause.start < r.end]
        if rules:
            out[clause_id] = rules
    try:
        kb._subsidy_rules = out
    except AttributeError:  # a kb with __slots__: just don't cache
        pass
    return out
