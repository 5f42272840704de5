"""The typed records of answering: a verified ``Citation``, a ``Calculation`` and the ``Answer``.

retrieval (index/) → selection → calculation → composition → chat → web / cli / api

A ``Citation`` carries everything needed to find its text again (title, 文号, issuer, clause path,
span). Money is ``Decimal`` everywhere; nothing here holds a float amount. The documents and
clauses themselves are ``index.records``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from index.records import NOT_STATED, ScoredClause

@dataclass
class Citation:
    """A verified quote: ``quote == document.text[start:end]`` was checked in code."""

    doc_id: str
    title: str
    doc_number: str
    issuer: str
    clause_id: str
    display_path: str
    path: tuple[str, ...]
    quote: str
    start: int
    end: int
    validity: str = NOT_STATED
    valid_until: str = ""
    incomplete: bool = False

    @property
    def line(self) -> str:
        """The line a hotline operator reads out: 《标题》（文号）发布机构 · 二、（四）."""
        num = f"（{self.doc_number}）" if self.doc_number else ""
        return f"《{self.title}》{num}{self.issuer} · {self.display_path}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = list(self.path)
        d["line"] = self.line
        return d


@dataclass
class Calculation:
    """The calculator's result. ``amount_yuan`` is None when facts are missing or
    the benefit is not a sum of money (a tax rate, say)."""

    clause_id: str
    rule_id: str
    amount_yuan: Decimal | None
    steps: list[str] = field(default_factory=list)  # in Chinese, one step a line
    checks: list[str] = field(default_factory=list)  # eligibility checks with outcome
    missing_facts: list[str] = field(default_factory=list)
    eligible: bool | None = None
    citation: Citation | None = None
    summary: str = ""  # one Chinese sentence: 可获补助40万元

    @property
    def amount_wan(self) -> Decimal | None:
        from assistant.lexicon.numbers import in_wan

        return None if self.amount_yuan is None else in_wan(self.amount_yuan)

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause_id": self.clause_id,
            "rule_id": self.rule_id,
            "amount_yuan": None if self.amount_yuan is None else str(self.amount_yuan),
            "amount_wan": None if self.amount_yuan is None else format_wan(self.amount_yuan),
            "steps": list(self.steps),
            "checks": list(self.checks),
            "missing_facts": list(self.missing_facts),
            "eligible": self.eligible,
            "citation": self.citation.to_dict() if self.citation else None,
            "summary": self.summary,
        }


@dataclass
class Answer:
    """What every front end shows: Chinese text plus the structured data behind it."""

    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    calculation: Calculation | None = None
    calculations: list[Calculation] = field(default_factory=list)
    refused: bool = False
    warnings: list[str] = field(default_factory=list)
    mode: str = "default"  # default | llm | llm-fallback
    session_id: str | None = None
    rewritten_question: str | None = None  # the standalone question after follow-up rewriting
    retrieved: list[ScoredClause] = field(default_factory=list)
    as_of: str = ""
    # the owner-first parts (verdict, carried facts, amount card, other rules): answer/compose
    sections: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "calculation": self.calculation.to_dict() if self.calculation else None,
            "calculations": [c.to_dict() for c in self.calculations],
            "refused": self.refused,
            "warnings": list(self.warnings),
            "mode": self.mode,
            "session_id": self.session_id,
            "rewritten_question": self.rewritten_question,
            "retrieved": [
                {"clause_id": s.clause.clause_id, "score": s.score, "rank": s.rank}
                for s in self.retrieved
            ],
            "as_of": self.as_of,
            "sections": dict(self.sections),
        }


def format_wan(amount_yuan: Decimal) -> str:
    """Decimal 元 → '40万元' / '2.5万元' / '0.3万元' (exact, trailing zeros dropped)."""
    from assistant.lexicon.numbers import in_wan, plain

    return f"{plain(in_wan(amount_yuan))}万元"  # exact at any size (the default context keeps 28 digits)

