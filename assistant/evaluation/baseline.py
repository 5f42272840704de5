"""The naive RAG most teams build first, kept as the evaluation's baseline.

raw files → RecursiveCharacterTextSplitter(500, 50) → same embedding model → Chroma (temp dir)
→ top-5 chunks; the top chunk is the answer. No cleaning, no clause structure, no keyword
retrieval, no scope check (it never refuses), no calculator, no conversation memory (a
follow-up is asked on its own). Its "citations" are the chunks, labelled with the metadata the
knowledge base read for the same source file, so the judge can match them like our citations.

Its Chroma folder is cached: ``<cache_dir>/<key>/``, the key a hash of the files' bytes, the
model and the chunking, so a second eval over the same corpus embeds nothing. ``cache_dir``
defaults to ``<workdir>/../baseline`` when a workdir is given (the eval passes its data dir's
``eval/tmp``), else nothing is cached. One entry is kept per cache folder (an eval data dir
serves one corpus); a new corpus replaces it.
"""
from __future__ import annotations

import fcntl
import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from index.records import NOT_STATED, Clause, Document, ScoredClause
from assistant.records import Answer, Citation

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
TOP_K = 5
COLLECTION = "baseline"
CACHE_FORMAT = "1"  # bump when the way chunks are made or stored changes
COMPLETE = "complete"  # written last in a cache entry: an entry without it is rebuilt


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

    def __init__(self, store, workdir: Path, docs: dict[str, Document], cached: bool = False):
        self._store = store
        self._workdir = workdir
        self._docs = docs
        self._cached = cached  # a cache entry outlives this object; a temp dir does not
        self.n_chunks = 0
        self.embedded = 0  # chunks embedded by build (0 when the cache answered)

    @staticmethod
    def cache_key(files: list[tuple[Path, Document]], embedder) -> str:
        """Files' bytes + the model + the chunking → the name of their cache entry."""
        h = hashlib.sha256(f"{CACHE_FORMAT}|{CHUNK_SIZE}|{CHUNK_OVERLAP}|".encode())
        model = getattr(embedder, "model_name", None) or type(embedder).__name__
        h.update(str(model).encode())
        for path, doc in sorted(files, key=lambda f: f[1].doc_id):
            h.update(b"\0" + doc.doc_id.encode() + b"\0" + hashlib.sha256(Path(path).read_bytes()).digest())
        return h.hexdigest()[:16]

    @classmethod
    def build(cls, files: list[tuple[Path, Document]], embedder, workdir: str | Path | None = None,
              cache_dir: str | Path | None = None) -> "NaiveRAG":
        from langchain_chroma import Chroma

        docs = {doc.doc_id: doc for _, doc in files}
        if cache_dir is None and workdir is not None:
            cache_dir = Path(workdir).parent / "baseline"
        if cache_dir is None:
            tmp = Path(tempfile.mkdtemp(prefix="baseline-chroma-", dir=workdir))
            store, n = cls._fill(files, embedder, tmp)
            rag = cls(store, tmp, docs)
            rag.n_chunks = rag.embedded = n
            return rag
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        entry = cache_dir / cls.cache_key(files, embedder)
        with open(cache_dir / ".lock", "w") as lock:  # two evals at once: one builds, one waits
            fcntl.flock(lock, fcntl.LOCK_EX)
            embedded = 0
            if (entry / COMPLETE).is_file():
                n = int((entry / COMPLETE).read_text("utf-8") or 0)
            else:
                shutil.rmtree(entry, ignore_errors=True)  # a run killed while filling it
                store, n = cls._fill(files, embedder, entry)
                del store
                (entry / COMPLETE).write_text(str(n), "utf-8")
                embedded = n
                for other in cache_dir.iterdir():  # one corpus per cache folder: drop the old entry
                    if other.is_dir() and other != entry:
                        shutil.rmtree(other, ignore_errors=True)
        store = Chroma(collection_name=COLLECTION, embedding_function=embedder, persist_directory=str(entry),
                       create_collection_if_not_exists=False)
        rag = cls(store, entry, docs, cached=True)
        rag.n_chunks, rag.embedded = n, embedded
        return rag

    @staticmethod
    def _fill(files, embedder, folder: Path):
        """Chunk the files and write them to a new Chroma store in ``folder`` → (store, chunks)."""
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
        store = Chroma(collection_name=COLLECTION, embedding_function=embedder, persist_directory=str(folder))
        for i in range(0, len(chunks), 256):  # Chroma caps one add; batches keep memory flat
            store.add_documents(chunks[i : i + 256], ids=[f"c{j}" for j in range(i, i + len(chunks[i : i + 256]))])
        return store, len(chunks)

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
        if self._cached:  # the cache entry stays for the next eval
            return
        try:
            self._store.delete_collection()
        finally:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> "NaiveRAG":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
