"""Hybrid retrieval: dense (Chroma) + keyword (BM25) candidates fused by reciprocal rank.

    search(kb, query, k=5, mode="hybrid", region=None, issuer=None, valid_only=False, as_of=None)
        -> list[ScoredClause]

``KnowledgeBase.search`` and the LangChain ``HybridRetriever`` (``index.store.retriever``) both
go through ``search`` here, so there is one fusion implementation. Filters are applied before ranking (a filtered
search returns the best clauses among the allowed documents, not a thinned top-k).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from index.errors import InputError
from index.records import EXPIRED, NOT_YET, ScoredClause

MODES = ("hybrid", "dense", "bm25")
CANDIDATES = 30  # per side, before fusion
RRF_K = 60  # the usual RRF constant: damps the weight of the very first ranks
MAX_K = 100


def rrf_fuse(rankings: list[list[tuple[str, float]]], rrf_k: int = RRF_K,
             weights: tuple[float, ...] | None = None) -> list[tuple[str, float]]:
    """Ranked lists of (id, score) → [(id, fused score)], best first.

    fused = Σ weight / (rrf_k + rank) over the lists an id appears in (rank from 1);
    weights default to 1 for every list. Ties break on the id, so results are deterministic.
    """
    weights = weights or (1.0,) * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, (cid, _) in enumerate(ranking, start=1):
            fused[cid] = fused.get(cid, 0.0) + weight / (rrf_k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def allowed_documents(kb, region: str | None = None, issuer: str | None = None,
                      valid_only: bool = False, as_of: dt.date | None = None) -> set[str] | None:
    """Filters → the doc ids they allow, or None when there is no filter.

    region / issuer match when the value is a substring of the document's field
    ("泉州" matches 泉州经济技术开发区; "嘉兴市" matches 嘉兴). valid_only drops documents
    that are 已失效 or 未施行 at ``as_of``; 未注明 documents stay (nothing says they lapsed).
    """
    region, issuer = (region or "").strip(), (issuer or "").strip()
    if not (region or issuer or valid_only):
        return None
    when = as_of or kb.settings.as_of
    keep = set()
    for doc in kb.documents.values():
        if region and not _matches(region, doc.region):
            continue
        if issuer and not _matches(issuer, doc.issuer):
            continue
        if valid_only and doc.validity(when) in (EXPIRED, NOT_YET):
            continue
        keep.add(doc.doc_id)
    return keep


def _matches(value: str, field: str) -> bool:
    if value in field:
        return True
    # "嘉兴市" / "山东省" typed by a user against a region stored as 嘉兴 / 山东
    return len(value) > 2 and value[-1] in "市省县区" and value[:-1] in field


def check_query(query: Any, max_chars: int) -> str:
    """Raise InputError for a non-string, empty or over-long question; return it stripped."""
    if not isinstance(query, str):
        raise InputError(f"question must be text, not {type(query).__name__}", zh="问题必须是文字。")
    text = query.strip()
    if not text:
        raise InputError("question is empty", zh="请输入问题。")
    if len(text) > max_chars:
        raise InputError(f"question is {len(text)} characters; the limit is {max_chars}",
                         zh=f"问题过长（{len(text)}字），请控制在{max_chars}字以内。")
    return text


def search(kb, query: str, k: int = 5, mode: str = "hybrid", region: str | None = None,
           issuer: str | None = None, valid_only: bool = False, as_of: dt.date | None = None
           ) -> list[ScoredClause]:
    """Question → up to k ScoredClause, best first (rank from 1).

    mode: "hybrid" (RRF of the dense and BM25 top-30s; ``score`` is the fused score),
    "dense" (``score`` = cosine similarity) or "bm25" (``score`` = BM25).
    ``dense_score`` / ``bm25_score`` carry each side's score where that side found it.
    Raises InputError for an empty/over-long question, a bad k or an unknown mode.
    """
    text = check_query(query, kb.settings.max_question_chars)
    if mode not in MODES:
        raise InputError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}", zh="检索方式有误。")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InputError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}", zh="返回条数有误。")
    allowed = allowed_documents(kb, region, issuer, valid_only, as_of)
    n = max(CANDIDATES, k)
    dense = kb.dense_search(text, n, allowed) if mode in ("hybrid", "dense") else []
    sparse = kb.keyword_search(text, n, allowed) if mode in ("hybrid", "bm25") else []
    if mode == "hybrid":
        ranked = rrf_fuse([dense, sparse])
    else:
        ranked = dense or sparse
    dense_of, sparse_of = dict(dense), dict(sparse)
    out = []
    for rank, (cid, score) in enumerate(ranked[:k], start=1):
        out.append(ScoredClause(clause=kb.clauses[cid], score=float(score), rank=rank,
                                dense_score=dense_of.get(cid), bm25_score=sparse_of.get(cid)))
    return out
