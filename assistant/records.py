"""The typed records that travel through the flow, defined once.

documents → clauses → index → retrieve → answer / calculate → chat → web / cli / api

Every stage imports its input and output types from here. A ``Citation`` carries
everything needed to find its text again (title, 文号, issuer, clause path, span).
Money is ``Decimal`` everywhere; nothing here holds a float amount.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

VALID = "有效"
EXPIRED = "已失效"
NOT_STATED = "未注明"
NOT_YET = "未施行"


@dataclass
class Document:
    """A cleaned policy document with the metadata read from its text (or sidecar).

    ``text`` is the cleaned text; every clause's span indexes into it.
    Dates are ISO strings (YYYY-MM-DD, or YYYY-MM when only a month is known).
    """

    doc_id: str
    source_path: str  # path relative to the corpus folder
    sha256: str  # of the source file's bytes
    title: str
    text: str
    issuer: str = ""
    doc_number: str = ""  # 文号, e.g. 泉政文〔2015〕95号; "" when the document has none
    region: str = ""  # 泉州 / 泉州经济技术开发区 / 嘉兴 / 潍坊 …
    dates: dict[str, str] = field(default_factory=dict)  # 成文/印发/发布/施行 → ISO date
    valid_from: str = ""
    valid_until: str = ""  # 有效期至 …, ISO
    validity_note: str = ""  # as written: 现行有效 / 有效 …
    incomplete: bool = False  # the source says it was cut ("因篇幅问题不能全部显示")
    warnings: list[str] = field(default_factory=list)

    def validity(self, as_of: _dt.date) -> str:
        """有效 / 已失效 / 未施行 / 未注明 at ``as_of``."""
        if self.valid_until and _parse_date(self.valid_until) < as_of:
            return EXPIRED
        if self.valid_from and _parse_date(self.valid_from) > as_of:
            return NOT_YET
        # A start date alone says nothing about how long a policy runs: only an end
        # date or a stated status (现行有效 / 有效) makes it 有效; 失效/废止 notes expire it.
        if self.validity_note and any(w in self.validity_note for w in ("失效", "废止", "已废")):
            return EXPIRED
        if self.valid_until or self.validity_note:
            return VALID
        return NOT_STATED

    def to_dict(self, with_text: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if not with_text:
            d.pop("text")
        return d


@dataclass(frozen=True)
class Clause:
    """One retrieval unit: a leaf clause (or one sentence-split part of a long one).

    Invariant: ``document.text[start:end] == text``.
    """

    clause_id: str  # stable: "<doc_id>/<path key>[#part]", e.g. "qz-2015/2.4"
    doc_id: str
    path: tuple[str, ...]  # full headings, e.g. ("二、大力推进服务平台建设", "（四）扶持物流公共信息平台建设")
    display_path: str  # short, e.g. "二、（四）" or "二、（一）第11项"
    text: str
    start: int
    end: int
    responsible_units: tuple[str, ...] = ()
    part: int = 0  # index of this part when a long clause was split by sentence
    n_parts: int = 1

    @cached_property  # read millions of times per eval run (fit, selection); the clause never changes
    def embed_text(self) -> str:
        """What is embedded and keyword-indexed: the heading chain, then the text."""
        return " › ".join(self.path) + "\n" + self.text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = list(self.path)
        d["responsible_units"] = list(self.responsible_units)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Clause":
        d = dict(d)
        d["path"] = tuple(d.get("path", ()))
        d["responsible_units"] = tuple(d.get("responsible_units", ()))
        return cls(**d)


@dataclass
class ScoredClause:
    """A retrieved clause with its fused score and the per-retriever evidence."""

    clause: Clause
    score: float
    rank: int = 0
    dense_score: float | None = None
    bm25_score: float | None = None


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
        return None if self.amount_yuan is None else self.amount_yuan / Decimal(10000)

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
        }


def format_wan(amount_yuan: Decimal) -> str:
    """Decimal 元 → '40万元' / '2.5万元' / '0.3万元' (exact, trailing zeros dropped)."""
    wan = (Decimal(amount_yuan) / Decimal(10000)).normalize()
    text = format(wan, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万元"


def _parse_date(s: str) -> _dt.date:
    parts = [int(p) for p in s.split("-")]
    if len(parts) == 1:
        return _dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        # a month only: the document runs to the end of that month
        nxt = _dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return nxt - _dt.timedelta(days=1)
    return _dt.date(*parts)
