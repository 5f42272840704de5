"""The naive RAG most teams build first, kept as the evaluation's baseline.

raw files → RecursiveCharacterTextSplitter(500, 50) → same embedding model → Chroma (temp dir)
→ top-5 chunks; the top chunk is the answer. No cleaning, no clause structure, no keyword
retrieval, no scope check (it never refuses), no calculator, no conversation memory (a
follow-up is asked on its own). Its "citations" are the chunks, labelled with the metadata the
knowledge base read for the same source file, so the judge can match them like our citations.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from index.records import NOT_STATED, Clause, Document, ScoredClause
from assistant.records import Answer, Citation

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
TOP_K = 5


def source_files(documents: Mapping[str, Document], roots: Iterable[Path]) -> list[tuple[Path, Document]]:
    """The source file of every indexed document (looked up under each root), so the baseline sees
    exactly the documents our index holds."""
    roots = [Path(r) for r in roots]
    found = []
    for doc in documents.values():
        for root in roots:
            path = root / doc.source_path
            if path.is_file():
                found.append((path, doc))
                break
    return found


class NaiveRAG:
    """``NaiveRAG.build(files, embedder)`` → ``.ask(question) -> Answer``; ``.close()`` removes the
    temp Chroma dir (also a context manager)."""

    def __init__(self, store, workdir: Path, docs: dict[str, Document]):
        self._store = store
        self._workdir = workdir
        self._docs = docs
        self.n_chunks = 0

    @classmethod
    def build(cls, files: list[tuple[Path, Document]], embedder, workdir: str | Path | None = None) -> "NaiveRAG":
        from langchain_chroma import Chroma
        from langchain_core.documents import Document as LCDocument
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from index.ingest.loaders import read_text

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        raw = [
            LCDocument(page_content=read_text(path), metadata={"doc_id": doc.doc_id})
            for path, doc in files
        ]
        chunks = splitter.split_documents(raw)
        tmp = Path(tempfile.mkdtemp(prefix="baseline-chroma-", dir=workdir))
        store = Chroma(collection_name="baseline", embedding_function=embedder, persist_directory=str(tmp))
        for i in range(0, len(chunks), 256):  # Chroma caps one add; batches keep memory flat
            store.add_documents(chunks[i : i + 256], ids=[f"c{j}" for j in range(i, i + len(chunks[i : i + 256]))])
        rag = cls(store, tmp, {doc.doc_id: doc for _, doc in files})
        rag.n_chunks = len(chunks)
        return rag

    def ask(self, question: str, as_of: str = "") -> Answer:
        """Top-5 chunks by similarity; the first one is the whole answer."""
        hits = self._store.similarity_search_with_score(question, k=TOP_K)
        citations, retrieved = [], []
        for rank, (chunk, distance) in enumerate(hits, 1):
            doc = self._docs[chunk.metadata["doc_id"]]
            start = int(chunk.metadata.get("start_index", -1))
            cid = f"baseline/{doc.doc_id}@{start}"
            text = chunk.page_content
            citations.append(Citation(
                doc_id=doc.doc_id, title=doc.title, doc_number=doc.doc_number, issuer=doc.issuer,
                clause_id=cid, display_path="", path=(), quote=text, start=start,
                end=start + len(text), validity=NOT_STATED,
            ))
            clause = Clause(clause_id=cid, doc_id=doc.doc_id, path=(), display_path="", text=text,
                            start=start, end=start + len(text))
            retrieved.append(ScoredClause(clause=clause, score=-float(distance), rank=rank))
        return Answer(
            question=question, answer=hits[0][0].page_content if hits else "",
            citations=citations, retrieved=retrieved, mode="baseline", as_of=as_of,
        )

    def close(self) -> None:
        try:
            self._store.delete_collection()
        finally:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> "NaiveRAG":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
