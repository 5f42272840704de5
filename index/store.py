"""The index on disk: build it (incrementally, safely) and open it as a KnowledgeBase.

    build_index(settings, paths=None, progress=True, embedder=None) -> IngestReport
    KnowledgeBase.open(settings, embedder=None, client=None) -> KnowledgeBase

Layout under ``settings.index_dir``::

    CURRENT                      name of the live build (swapped with os.replace)
    builds/<version>/            manifest.json, documents.json, clauses.json,
                                 vectors.npy (rows follow clauses.json), bm25/, chroma/

A build is written beside the live one and becomes live only when complete, so a crash
or kill at any moment leaves the previous index usable; leftovers are removed by the next
build. The index mirrors the union of ``settings.corpus_dir`` and ``paths``. Unchanged
sources (same bytes, same sidecar, same parser code, same model) are not re-parsed, and
clause vectors are reused by content hash, so only new or changed text is embedded.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from assistant.config import Settings
from assistant.errors import ConfigError, IndexBuildError, IndexNotBuiltError
from assistant.records import Clause, Document
from index.embeddings import model_key

__all__ = ["IngestReport", "KnowledgeBase", "build_index"]

FORMAT = 1
MANIFEST, DOCS, CLAUSES = "manifest.json", "documents.json", "clauses.json"
VECTORS, VECTOR_KEYS = "vectors.npy", "vector_keys.json"  # rows follow clauses.json; keys = text hashes
BM25_DIR, CHROMA_DIR, CURRENT = "bm25", "chroma", "CURRENT"
EMBED_BATCH = 64
# The code that turns a file into Document + clauses; when it changes, sources are re-parsed.
PIPELINE_MODULES = ("index.loaders", "index.cleaning", "index.metadata", "index.documents", "index.clauses",
                    "assistant.records")


@dataclass
class IngestReport:
    """What a build did. ``status``: built | unchanged | failed (nothing could be indexed)."""

    status: str = "built"
    version: str = ""
    documents: int = 0
    clauses: int = 0
    added: list[str] = field(default_factory=list)  # doc ids
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)  # "doc_id: warning"
    embedded: int = 0  # clause texts embedded by this run
    reused: int = 0  # clause vectors carried over from the previous build
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("built", "unchanged") and self.documents > 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["bad"] = [{"path": p, "reason": r} for p, r in self.bad]
        return d


def build_index(settings: Settings, paths=None, progress: bool = True, embedder=None) -> IngestReport:
    """Sources (corpus_dir + paths) → a new live build, or nothing when nothing changed.

    Bad files are reported (name + reason) and skipped; ``status == "failed"`` means
    nothing could be indexed and the previous index (if any) stays live.
    ``embedder`` overrides the configured model (tests count or slow its calls).
    """
    started = time.perf_counter()
    root = Path(settings.index_dir)
    (root / "builds").mkdir(parents=True, exist_ok=True)
    with _build_lock(root):
        prev_dir = _current_dir(root)
        prev = _read_json(prev_dir / MANIFEST) if prev_dir else None
        found, bad = _discover(settings.corpus_dir, paths)
        target = _target(settings)
        fingerprints = {str(f): fp for f, _, fp, _ in found}
        if prev and all(prev.get(k) == v for k, v in target.items()) and fingerprints == {
            p: e["fingerprint"] for p, e in prev["sources"].items()
        }:
            report = IngestReport(status="unchanged", version=prev["version"], **prev["counts"])
            report.unchanged = sorted(e["doc_id"] for e in prev["sources"].values() if e["doc_id"])
            report.bad = bad + [(e["shown"], e["bad"]) for e in prev["sources"].values() if e["bad"]]
            report.warnings = list(prev.get("warnings", []))
            report.seconds = time.perf_counter() - started
            return report
        _clean_stale(root, keep=prev_dir, settings=settings)
        report = IngestReport(bad=bad)
        docs, sources = _parse(found, prev, prev_dir, target, report, progress)
        report.documents = len(docs)
        if not docs:
            report.status = "failed"
            report.seconds = time.perf_counter() - started
            return report
        version = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        build = root / "builds" / version
        build.mkdir()
        clauses = [c for _, cs in docs for c in cs]
        _write_json(build / DOCS, [d.to_dict(with_text=True) for d, _ in docs])
        _write_json(build / CLAUSES, [c.to_dict() for c in clauses])
        by_id = {d.doc_id: d for d, _ in docs}
        texts = [index_text(by_id[c.doc_id], c) for c in clauses]
        vectors, keys, embedded = _vectors_for(texts, prev_dir, prev, target, settings, embedder, progress)
        import numpy as np

        np.save(build / VECTORS, vectors)
        _write_json(build / VECTOR_KEYS, keys)
        _write_chroma(settings, build, version, [d for d, _ in docs], clauses, vectors)
        from index.keyword import KeywordIndex

        KeywordIndex.build([c.clause_id for c in clauses], texts).save(build / BM25_DIR)
        report.status, report.version = "built", version
        report.clauses, report.embedded, report.reused = len(clauses), embedded, len(clauses) - embedded
        manifest = dict(target, version=version, collection=_collection_name(version), dim=int(vectors.shape[1]),
                        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                        sources=sources, warnings=report.warnings,
                        counts={"documents": report.documents, "clauses": report.clauses})
        _write_json(build / MANIFEST, manifest)  # written last: a build without it is incomplete
        _fsync_dir(build)
        _swap_current(root, version)
        report.seconds = time.perf_counter() - started
        return report


class KnowledgeBase:
    """An opened build: documents, clauses, and the dense + keyword indexes behind ``search``.

    Heavy parts (embedding model, Chroma client, BM25 arrays) load on first use, so
    opening is cheap and ``mode="bm25"`` never loads the model.
    """

    def __init__(self, settings: Settings, build_dir: Path, manifest: dict, documents: dict[str, Document],
                 clauses: dict[str, Clause], embedder=None, client=None):
        self.settings = settings
        self.build_dir = Path(build_dir)
        self.manifest = manifest
        self.version: str = manifest["version"]
        self.documents = documents
        self.clauses = clauses
        self._by_doc: dict[str, list[Clause]] = {}
        for c in clauses.values():
            self._by_doc.setdefault(c.doc_id, []).append(c)
        self._embedder, self._client = embedder, client
        self._keyword = self._vectorstore = None
        self._lock = threading.RLock()

    @classmethod
    def open(cls, settings: Settings, embedder=None, client=None) -> "KnowledgeBase":
        """The live build under ``settings.index_dir`` → KnowledgeBase.

        Raises IndexNotBuiltError when there is none, ConfigError when it was built with
        another embedding model or for another Chroma target.
        """
        root = Path(settings.index_dir)
        build = _current_dir(root)
        if build is None:
            raise IndexNotBuiltError(f"no index under {root}; run: policy-assistant ingest")
        manifest = _read_json(build / MANIFEST)
        want = model_key(settings.embed_model)
        if manifest.get("model_key") != want:
            raise ConfigError(
                f"the index at {root} was built with embedding model {manifest.get('model')!r}, "
                f"but the configured model is {settings.embed_model!r}; re-ingest with "
                f"`policy-assistant ingest --embed-model {settings.embed_model}` (or use the old model)",
                zh="知识库由其他向量模型构建，请重新运行 policy-assistant ingest。",
            )
        if manifest.get("chroma_url", "") != (settings.chroma_url or "") and client is None:
            raise ConfigError(
                f"the index at {root} was built for Chroma at {manifest.get('chroma_url') or 'embedded'!r}, "
                f"not {settings.chroma_url or 'embedded'!r}; re-ingest with the current setting",
                zh="知识库的向量库位置与当前配置不一致，请重新运行 policy-assistant ingest。",
            )
        docs, clauses = _load_records(build)
        return cls(settings, build, manifest, docs, clauses, embedder=embedder, client=client)

    def clauses_of(self, doc_id: str) -> list[Clause]:
        """A document's clauses in document order ([] for an unknown id)."""
        return list(self._by_doc.get(doc_id, []))

    def search(self, query: str, k: int = 5, mode: str = "hybrid", region: str | None = None,
               issuer: str | None = None, valid_only: bool = False, as_of=None):
        """Question → ranked ScoredClause list (see index.retrieve.search for the contract)."""
        from index.retrieve import search

        return search(self, query, k=k, mode=mode, region=region, issuer=issuer,
                      valid_only=valid_only, as_of=as_of)

    # -- the two sides of retrieval, used by index.retrieve ---------------------------

    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from index.embeddings import get_embedder

                self._embedder = get_embedder(self.settings.embed_model)
            return self._embedder

    @property
    def keyword(self):
        with self._lock:
            if self._keyword is None:
                from index.keyword import KeywordIndex

                self._keyword = KeywordIndex.load(self.build_dir / BM25_DIR)
            return self._keyword

    @property
    def vectorstore(self):
        """The LangChain ``Chroma`` wrapper over this build's collection."""
        with self._lock:
            if self._vectorstore is None:
                from langchain_chroma import Chroma

                client = self._client or _chroma_client(self.settings, self.build_dir)
                self._vectorstore = Chroma(client=client, collection_name=self.manifest["collection"],
                                           embedding_function=self.embedder,
                                           create_collection_if_not_exists=False)
            return self._vectorstore

    def dense_search(self, query: str, top_n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        """Query → up to top_n (clause_id, cosine similarity) within documents ``allowed``."""
        if allowed is not None and not allowed:
            return []
        vector = self.embedder.embed_query(query)
        if len(vector) != self.manifest["dim"]:
            raise ConfigError(
                f"embedder gives {len(vector)}-dim vectors but the index holds {self.manifest['dim']}-dim; "
                "re-ingest with the current model",
                zh="向量模型与知识库不一致，请重新运行 policy-assistant ingest。",
            )
        where = {"doc_id": {"$in": sorted(allowed)}} if allowed is not None else None
        n = min(top_n, len(self.clauses))
        hits = self.vectorstore.similarity_search_by_vector_with_relevance_scores(vector, k=n, filter=where)
        # the collection uses cosine distance; report similarity
        return [(doc.id or doc.metadata["clause_id"], 1.0 - float(dist)) for doc, dist in hits]

    def keyword_search(self, query: str, top_n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        """Query → up to top_n (clause_id, BM25 score) within documents ``allowed``."""
        ids = None
        if allowed is not None:
            ids = {c.clause_id for d in allowed for c in self._by_doc.get(d, [])}
        return self.keyword.search(query, top_n=top_n, allowed=ids)


# -- building blocks ------------------------------------------------------------------


def _discover(corpus_dir, paths) -> tuple[list[tuple[Path, Path, str, str]], list[tuple[str, str]]]:
    """corpus_dir + paths → ([(file, its root, fingerprint, shown name)], [(path, reason)]).

    Folders contribute ``corpus_files(folder)``; single files are taken as given.
    A file reached twice is indexed once.
    """
    from index.documents import corpus_files

    found, bad, seen = [], [], set()
    for given in [corpus_dir, *(paths or [])]:
        given = Path(given)
        if given.is_dir():
            pairs = [(f, given) for f in corpus_files(given)]
        elif given.is_file():
            pairs = [(given, given.parent)]
        else:
            bad.append((str(given), "no such file or folder"))
            continue
        for f, root in pairs:
            key = Path(f).resolve()
            if key in seen:
                continue
            seen.add(key)
            try:
                found.append((key, Path(root).resolve(), _fingerprint(key), str(f)))
            except OSError as exc:
                bad.append((str(f), f"cannot read: {exc.strerror or exc}"))
    return found, bad


def _fingerprint(path: Path) -> str:
    """sha256 of the file and of its metadata sidecar, if any (a sidecar edit changes the document)."""
    h = hashlib.sha256(path.read_bytes())
    for sidecar in (path.with_name(path.stem + ".meta.json"), path.with_name(path.name + ".meta.json")):
        if sidecar.is_file():
            h.update(b"\0" + sidecar.read_bytes())
    return h.hexdigest()


def _target(settings: Settings) -> dict:
    """What a build depends on besides its sources: a change in any of these rebuilds."""
    return {"format": FORMAT, "model": settings.embed_model, "model_key": model_key(settings.embed_model),
            "pipeline": _pipeline_hash(), "chroma_url": settings.chroma_url or ""}


@functools.lru_cache(maxsize=1)
def _pipeline_hash() -> str:
    """Hash of the parsing code this process runs (read once: the code imported is the code used)."""
    import importlib

    h = hashlib.sha256()
    for name in PIPELINE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def _parse(found, prev, prev_dir, target, report: IngestReport, progress):
    """Files → ([(Document, clauses)], manifest sources); fills the report's change lists.

    A file whose fingerprint and parser are unchanged is taken from the previous build.
    """
    from assistant.errors import DocumentError
    from index.clauses import split_clauses
    from index.documents import load_document

    reuse = bool(prev) and prev.get("pipeline") == target["pipeline"] and prev.get("format") == FORMAT
    prev_sources = prev["sources"] if prev else {}
    prev_docs, prev_clauses = _load_records(prev_dir) if prev else ({}, {})
    prev_by_doc: dict[str, list[Clause]] = {}
    for c in prev_clauses.values():
        prev_by_doc.setdefault(c.doc_id, []).append(c)
    prev_fp = {e["doc_id"]: e["fingerprint"] for e in prev_sources.values() if e["doc_id"]}
    docs, sources, seen = [], {}, {}
    bar = _bar(len(found), "reading documents", progress, unit="file")
    for path, root, fp, shown in found:
        bar.update(1)
        old = prev_sources.get(str(path))
        reason = None
        if reuse and old and old["fingerprint"] == fp and old["doc_id"] in prev_docs:
            doc, clauses = prev_docs[old["doc_id"]], prev_by_doc.get(old["doc_id"], [])
        else:
            try:
                doc = load_document(path, root)
                clauses = split_clauses(doc)
                if not clauses:
                    reason = "no clauses found (no recognisable policy text)"
            except DocumentError as exc:
                reason = exc.reason
            except Exception as exc:  # noqa: BLE001 - one odd file must not stop the others
                reason = f"could not be parsed ({type(exc).__name__}: {exc})"
        if reason is None and doc.doc_id in seen:
            reason = f"duplicate document id {doc.doc_id!r} (already taken by {seen[doc.doc_id]})"
        if reason is not None:
            report.bad.append((shown, reason))
            sources[str(path)] = {"fingerprint": fp, "doc_id": None, "bad": reason, "shown": shown}
            continue
        seen[doc.doc_id] = shown
        sources[str(path)] = {"fingerprint": fp, "doc_id": doc.doc_id, "bad": None, "shown": shown}
        docs.append((doc, clauses))
        report.warnings.extend(f"{doc.doc_id}: {w}" for w in doc.warnings)
        if doc.doc_id not in prev_fp:
            report.added.append(doc.doc_id)
        elif prev_fp[doc.doc_id] == fp and reuse:
            report.unchanged.append(doc.doc_id)
        else:
            report.updated.append(doc.doc_id)
    bar.close()
    report.removed = sorted({e["doc_id"] for e in prev_sources.values() if e["doc_id"]} - set(seen))
    return docs, sources


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()



def index_text(doc: Document, clause: Clause) -> str:
    """What is embedded and BM25-indexed for a clause: the document title (which names the
    region and issuer, so "嘉兴…" questions find 嘉兴 clauses), then the heading chain and text."""
    head = doc.title if not doc.region or doc.region in doc.title else f"{doc.title}（{doc.region}）"
    return head + "\n" + clause.embed_text


def _vectors_for(texts, prev_dir, prev, target, settings, embedder, progress):
    """Index texts → (float32 matrix, text hashes, number embedded now).

    Rows of the previous build are reused by text hash when it used the same model.
    """
    import numpy as np

    cache: dict[str, object] = {}
    if prev and prev.get("model_key") == target["model_key"] and (prev_dir / VECTOR_KEYS).exists():
        for key, row in zip(_read_json(prev_dir / VECTOR_KEYS), np.load(prev_dir / VECTORS)):
            cache[key] = row
    keys = [_text_hash(t) for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in cache}.items())
    if todo:
        if embedder is None:
            from index.embeddings import get_embedder

            embedder = get_embedder(settings.embed_model)
        bar = _bar(len(todo), "embedding clauses", progress)
        for i in range(0, len(todo), EMBED_BATCH):
            batch = todo[i:i + EMBED_BATCH]
            for (key, _), vec in zip(batch, embedder.embed_documents([t for _, t in batch])):
                cache[key] = np.asarray(vec, dtype=np.float32)
            bar.update(len(batch))
        bar.close()
    dims = {len(cache[k]) for k in keys}
    if len(dims) != 1:
        raise IndexBuildError(f"embedding sizes differ ({sorted(dims)}); re-ingest from scratch")
    return np.vstack([cache[k] for k in keys]).astype(np.float32), keys, len(todo)


def _chroma_client(settings: Settings, build_dir: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url if "://" in settings.chroma_url else "http://" + settings.chroma_url)
        if not url.hostname:
            raise ConfigError(f"chroma url {settings.chroma_url!r} is not of the form http://host:port")
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            return chromadb.HttpClient(host=url.hostname, port=port, ssl=url.scheme == "https",
                                       settings=chroma_settings)
        except ValueError as exc:  # chromadb's way of saying the server is unreachable
            raise ConfigError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}",
                              zh="无法连接向量数据库服务，请检查 POLICY_CHROMA_URL。") from exc
    return chromadb.PersistentClient(path=str(Path(build_dir) / CHROMA_DIR), settings=chroma_settings)


def _collection_name(version: str) -> str:
    return f"clauses-{version}"


def _write_chroma(settings, build, version, docs, clauses, vectors) -> None:
    by_id = {d.doc_id: d for d in docs}
    try:
        client = _chroma_client(settings, build)
        col = client.create_collection(_collection_name(version), configuration={"hnsw": {"space": "cosine"}},
                                       embedding_function=None)
        step = min(client.get_max_batch_size(), 1000)
        for i in range(0, len(clauses), step):
            part = clauses[i:i + step]
            col.add(
                ids=[c.clause_id for c in part],
                embeddings=vectors[i:i + step],
                documents=[c.text for c in part],
                metadatas=[{"clause_id": c.clause_id, "doc_id": c.doc_id, "display_path": c.display_path,
                            "region": by_id[c.doc_id].region, "issuer": by_id[c.doc_id].issuer} for c in part],
            )
    except ConfigError:
        raise
    except Exception as exc:  # a server that went away, a full disk: the old index stays live
        raise IndexBuildError(f"writing vectors to Chroma failed: {exc}") from exc


def _clean_stale(root: Path, keep: Path | None, settings: Settings) -> None:
    """Remove build folders (and their server collections) left by killed or superseded builds."""
    for folder in sorted((root / "builds").iterdir()):
        if keep is not None and folder.resolve() == keep.resolve():
            continue
        if settings.chroma_url:
            try:
                _chroma_client(settings, folder).delete_collection(_collection_name(folder.name))
            except Exception:  # noqa: BLE001 - the collection may never have been created
                pass
        shutil.rmtree(folder, ignore_errors=True)
    for tmp in root.glob(f"{CURRENT}.*.tmp"):  # a pointer swap cut short by a kill
        tmp.unlink(missing_ok=True)


def _load_records(build: Path) -> tuple[dict[str, Document], dict[str, Clause]]:
    # keep only known fields, so an index written before a record gained/lost a field still opens
    doc_fields = {f.name for f in fields(Document)}
    clause_fields = {f.name for f in fields(Clause)}
    docs = {d["doc_id"]: Document(**{k: v for k, v in d.items() if k in doc_fields})
            for d in _read_json(build / DOCS)}
    clauses = {d["clause_id"]: Clause.from_dict({k: v for k, v in d.items() if k in clause_fields})
               for d in _read_json(build / CLAUSES)}
    return docs, clauses


def _current_dir(root: Path) -> Path | None:
    """The live build folder, or None when there is no complete build."""
    try:
        name = (root / CURRENT).read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    build = root / "builds" / name
    return build if name and (build / MANIFEST).exists() else None


def _swap_current(root: Path, version: str) -> None:
    tmp = root / f"{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(version + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / CURRENT)  # atomic: readers see the old or the new build, never half
    _fsync_dir(root)


@contextmanager
def _build_lock(root: Path):
    """One build at a time per index folder (a second ingest waits)."""
    with open(root / ".build.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _bar(total: int, desc: str, enabled: bool, unit: str = "clause"):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, leave=False)


def _read_json(path: Path):
    return json.loads(Path(path).read_text("utf-8"))


def _write_json(path: Path, data) -> None:
    tmp = Path(str(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
