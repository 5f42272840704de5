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

from assistant.rules.extract import extract
from assistant.rules.model import SubsidyRule


def extract_rules(clause, stacking: str | None = None) -> list:
    """Clause → the SubsidyRules its sentences grant (empty for clauses without a benefit).

    Pattern-based and general: amounts, rates, caps, tiers, levels and thresholds are
    read from the wording, never from a list of known sentences. ``stacking`` is the
    document's stacking principle when the caller knows it (``rules_for`` finds it).
    """
    return extract(clause, stacking or "")


def stacking_principle(text: str) -> str:
    """The document's stacking principle as written ('就高不重复'), or ''."""
    m = re.search(r"[“\"]?(就高不重复|从高不重复|就高不叠加|不重复享受|不叠加享受)[”\"]?", text)
    return m.group(1) if m else ""


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
    """The read-only {clause_id: [rules]} of ``rules_for``: keys are the clauses with rules."""

    def __init__(self, kb):
        self._clauses = kb.clauses
        self._documents = kb.documents
        self._stacking: dict[str, str] = {}
        self._read: dict[str, list] = {}
        self._all = False
        self._lock = threading.Lock()

    def _rules(self, clause_id: str) -> list:
        got = self._read.get(clause_id)
        if got is None:
            clause = self._clauses.get(clause_id)
            if clause is None:
                return []
            doc_id = clause.doc_id
            if doc_id not in self._stacking:
                doc = self._documents.get(doc_id)
                self._stacking[doc_id] = stacking_principle(doc.text) if doc is not None else ""
            got = extract_rules(clause, self._stacking[doc_id])
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
