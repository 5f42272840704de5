"""The records of the index layer: a policy ``Document``, its ``Clause`` s and a retrieved
``ScoredClause``, plus the validity words a document is judged by.

documents → clauses → index → retrieval

Both layers import these; ``assistant/records.py`` holds what only answering needs (Citation,
Calculation, Answer).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
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




def index_text(doc: Document, clause: Clause) -> str:
    """What is embedded and BM25-indexed for a clause: the document title (which names the
    region and issuer, so "嘉兴…" questions find 嘉兴 clauses), then the heading chain and text."""
    head = doc.title if not doc.region or doc.region in doc.title else f"{doc.title}（{doc.region}）"
    return head + "\n" + clause.embed_text


def _parse_date(s: str) -> _dt.date:
    parts = [int(p) for p in s.split("-")]
    if len(parts) == 1:
        return _dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        # a month only: the document runs to the end of that month
        nxt = _dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return nxt - _dt.timedelta(days=1)
    return _dt.date(*parts)
