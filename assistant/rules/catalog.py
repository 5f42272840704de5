"""Every clause's rules: ``extract_rules(clause)`` and ``rules_for(kb)`` (cached on the kb), and the
document's stacking principle that applies to them.

    extract_rules(clause, stacking=None) -> list[SubsidyRule]
    rules_for(kb) -> {clause_id: [SubsidyRule, ...]}
    stacking_principle(document_text) -> str
"""
from __future__ import annotations

import re
import threading
from collections.abc import Mapping
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


def rules_for(kb) -> "Mapping[str, list[SubsidyRule]]":
    """Knowledge base → {clause_id: [rules]} for every clause that grants something.

    Read lazily and cached on the kb object (clauses do not change while it is open): looking
    up one clause (``get``, ``in``, ``[]``) reads that clause only, so a first answer over
    thousands of documents does not wait for every clause's rules; iterating reads them all once.
    """
    cached = getattr(kb, "_subsidy_rules", None)
    if cached is not None:
        return cached
    table = ClauseRules(kb)
    try:
        kb._subsidy_rules = table
    except AttributeError:  # a kb with __slots__: just don't cache
        pass
    return table


class ClauseRules(Mapping):
    """The read-only {clause_id: [rules]} of ``rules_for``: keys are the clauses with rules.

    A part of a split clause is read with the rest of its sentences from the neighbouring parts
    (``whole_sentences``) and keeps the rules it states some of."""

    def __init__(self, kb):
        self._clauses = kb.clauses
        self._documents = kb.documents
        self._stacking: dict[str, str] = {}
        self._read: dict[str, list] = {}
        self._all = False
        self._lock = threading.Lock()
        # a split clause's parts together: (doc, path) → span (a pass over the records, no reading)
        self._groups: dict[tuple, tuple[int, int]] = {}
        for clause in self._clauses.values():
            if getattr(clause, "n_parts", 1) > 1:
                key = (clause.doc_id, clause.path)
                a, b = self._groups.get(key, (clause.start, clause.end))
                self._groups[key] = (min(a, clause.start), max(b, clause.end))

    def _extract(self, clause) -> list:
        doc_id = clause.doc_id
        doc = self._documents.get(doc_id)
        if doc_id not in self._stacking:
            self._stacking[doc_id] = stacking_principle(doc.text) if doc is not None else ""
        span = self._groups.get((doc_id, clause.path))
        read, soft = whole_sentences(clause, doc.text, span) if doc is not None and span else (clause, frozenset())
        rules = extract_rules(read, self._stacking[doc_id], soft)
        if read is not clause:  # only what this part itself states some of
            rules = [r for r in rules if r.start < clause.end and clause.start < r.end]
        return rules

    def _rules(self, clause_id: str) -> list:
        got = self._read.get(clause_id)
        if got is None:
            clause = self._clauses.get(clause_id)
            if clause is None:
                return []
            got = self._extract(clause)
            with self._lock:
                self._read[clause_id] = got
        return got

    def _read_all(self) -> None:
        if not self._all:
            for clause_id in self._clauses:
                self._rules(clause_id)
            self._all = True

    def __getitem__(self, clause_id: str) -> list:
        rules = self._rules(clause_id)
        if not rules:
            raise KeyError(clause_id)
        return rules

    def __contains__(self, clause_id) -> bool:
        return bool(self._rules(clause_id))

    def __iter__(self):
        self._read_all()
        return (cid for cid in self._clauses if self._read.get(cid))

    def __len__(self) -> int:
        self._read_all()
        return sum(1 for cid in self._clauses if self._read.get(cid))
