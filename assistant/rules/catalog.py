"""Every clause's rules: ``extract_rules(clause)`` and ``rules_for(kb)`` (cached on the kb), and the
document's stacking principle that applies to them.

    extract_rules(clause, stacking=None) -> list[SubsidyRule]
    rules_for(kb) -> {clause_id: [SubsidyRule, ...]}
    stacking_principle(document_text) -> str
"""
from __future__ import annotations

import re

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


def rules_for(kb) -> dict[str, list[SubsidyRule]]:
    """Knowledge base → {clause_id: [rules]} for every clause that grants something.

    Cached on the kb object, since clauses do not change while it is open.
    """
    cached = getattr(kb, "_subsidy_rules", None)
    if cached is not None:
        return cached
    out: dict[str, list[SubsidyRule]] = {}
    stacking = {doc_id: stacking_principle(doc.text) for doc_id, doc in kb.documents.items()}
    for clause_id, clause in kb.clauses.items():
        rules = extract_rules(clause, stacking.get(clause.doc_id, ""))
        if rules:
            out[clause_id] = rules
    try:
        kb._subsidy_rules = out
    except AttributeError:  # a kb with __slots__: just don't cache
        pass
    return out
