"""The knowledge base as a LangChain retriever (kept apart from ``retrieve`` so answering a
question never imports LangChain: about a second of a cold CLI start).

    HybridRetriever(kb=kb, k=5, ...).invoke(query) -> list[langchain Document]
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.store.retrieve import search


class HybridRetriever(BaseRetriever):
    """LangChain retriever over a KnowledgeBase: question → clause Documents with scores.

    Each Document's ``page_content`` is the clause text; ``metadata`` has clause_id, doc_id,
    display_path, title, doc_number, issuer, rank, score, dense_score, bm25_score.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kb: Any
    k: int = 5
    mode: str = "hybrid"
    region: str | None = None
    issuer: str | None = None
    valid_only: bool = False
    as_of: dt.date | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[LCDocument]:
        hits = search(self.kb, query, k=self.k, mode=self.mode, region=self.region, issuer=self.issuer,
                      valid_only=self.valid_only, as_of=self.as_of)
        docs = []
        for hit in hits:
            c = hit.clause
            d = self.kb.documents[c.doc_id]
            docs.append(LCDocument(
                id=c.clause_id,
                page_content=c.text,
                metadata={"clause_id": c.clause_id, "doc_id": c.doc_id, "display_path": c.display_path,
                          "title": d.title, "doc_number": d.doc_number, "issuer": d.issuer,
                          "rank": hit.rank, "score": hit.score, "dense_score": hit.dense_score,
                          "bm25_score": hit.bm25_score},
            ))
        return docs
