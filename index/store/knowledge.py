"""The index on disk opened as a KnowledgeBase that follows rebuilds.

    KnowledgeBase.open(settings, embedder=None, client=None) -> KnowledgeBase
    kb.refresh(force=False) -> bool       reopen in place when CURRENT names a new build

An open KnowledgeBase checks ``CURRENT`` (one small file read, at most once every
``REFRESH_SECONDS``) when its documents, clauses or search are used, and moves to a new
build in place: records and indexes are reopened, the embedding model object is kept.
Each search runs on one build from start to end. While a build is open it holds a shared
lock on its folder, so ingest never deletes it from under a reader (see index.builds).
"""
from __future__ import annotations

import logging
import threading
import time
import weakref
from pathlib import Path

from index.config import Settings
from index.errors import ConfigError, IndexNotBuiltError
from index.records import Clause, Document
from index import builds
from index.builds import BM25_DIR, MANIFEST
from index.store.embeddings import model_key


log = logging.getLogger(__name__)
REFRESH_SECONDS = 1.0  # how stale a reader may be; a check costs one small file read


class _Model:
    """The embedding model, loaded on first use and shared by every build a kb opens, with the
    vectors of recent questions (``query``)."""

    def __init__(self, settings: Settings, embedder=None):
        from index.store.embeddings import QueryVectors

        self.settings, self.embedder, self.lock = settings, embedder, threading.Lock()
        self.given = embedder is not None  # a given embedder embeds the questions too
        self.questions = None  # otherwise query_embedder_for's, made on the first question
        self.queries = QueryVectors()

    def get(self):
        with self.lock:
            if self.embedder is None:
                from index.store.embeddings import embedder_for

                self.embedder = embedder_for(self.settings)
            return self.embedder

    def for_questions(self):
        """What embeds questions: the embedder given to the kb, else ``query_embedder_for`` (on the
        torch backend m3e-small's fp32 ONNX export, so answering never loads torch)."""
        with self.lock:
            if self.given:
                return self.embedder
            if self.questions is None:
                from index.store.embeddings import query_embedder_for

                self.questions = query_embedder_for(self.settings)
            return self.questions

    def query(self, text: str) -> list[float]:
        """Question → its vector (cached; on settings.query_threads threads, default 1)."""
        return self.queries.get(self.for_questions(), text, getattr(self.settings, "query_threads", None))


def _release(resources: dict) -> None:
    from index.store.vectors import close_client

    if resources.get("client") is not None:
        close_client(resources["client"])
    if resources.get("hold") is not None:
        resources["hold"].close()  # drops the reader lock: cleanup may remove the folder now


class _Build:
    """One opened build folder: its records and lazily loaded indexes. Never changes.

    What ``index.retrieve.search`` needs of a kb: settings, documents, clauses,
    dense_search, keyword_search. Its Chroma client and reader lock are released when
    the last user lets go of it.
    """

    def __init__(self, settings: Settings, build_dir: Path, manifest: dict, documents: dict[str, Document],
                 clauses: dict[str, Clause], model: _Model, client=None, hold=None):
        self.settings, self.build_dir, self.manifest = settings, Path(build_dir), manifest
        self.version: str = manifest["version"]
        self.documents, self.clauses = documents, clauses
        self.by_doc: dict[str, list[Clause]] = {}
        for c in clauses.values():
            self.by_doc.setdefault(c.doc_id, []).append(c)
        self.model, self.client = model, client
        self._keyword = self._vectorstore = self._collection = self._exact = None
        self._lock = threading.RLock()
        self._resources = {"hold": hold, "client": None}
        weakref.finalize(self, _release, self._resources)

    @property
    def keyword(self):
        with self._lock:
            if self._keyword is None:
                from index.store.keyword import KeywordIndex

                self._keyword = KeywordIndex.load(self.build_dir / BM25_DIR)
            return self._keyword

    def _chroma(self):
        """The Chroma client of this build (opened on first use; ours is closed with the build)."""
        with self._lock:
            if self.client is not None:
                return self.client
            if self._resources["client"] is None:
                from index.store.vectors import chroma_client

                self._resources["client"] = chroma_client(self.settings, self.build_dir)
            return self._resources["client"]

    @property
    def vectorstore(self):
        with self._lock:
            if self._vectorstore is None:
                from langchain_chroma import Chroma

                self._vectorstore = Chroma(client=self._chroma(), collection_name=self.manifest["collection"],
                                           embedding_function=self.model.get(),
                                           create_collection_if_not_exists=False)
            return self._vectorstore

    @property
    def collection(self):
        """The build's Chroma collection, queried directly by ``dense_search``."""
        with self._lock:
            if self._collection is None:
                self._collection = self._chroma().get_collection(self.manifest["collection"])
            return self._collection

    @property
    def exact(self):
        """The build's clause vectors for an exact search (``ExactVectors``), or None when the
        build has no ``vectors.npy`` (then Chroma's HNSW answers)."""
        with self._lock:
            if self._exact is None:
                from index.store.vectors import ExactVectors

                self._exact = ExactVectors.load(self.build_dir, list(self.clauses.values())) or False
            return self._exact or None

    def dense_search(self, query: str, top_n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        """Query → up to top_n (clause_id, cosine similarity) within documents ``allowed``.

        Exact: the cosine to every stored clause vector, ties broken by clause id, so the same
        content gives the same ranking in every build and process (Chroma's HNSW graph is built
        with random levels and differed between rebuilds of identical vectors). Chroma answers
        only for a build without stored vectors.
        """
        if allowed is not None and not allowed:
            return []
        vector = self.model.query(query)
        if len(vector) != self.manifest["dim"]:
            raise ConfigError(
                f"embedder gives {len(vector)}-dim vectors but the index holds {self.manifest['dim']}-dim; "
                "re-ingest with the current model",
                zh="向量模型与知识库不一致，请重新运行 policy-assistant ingest。",
            )
        exact = self.exact
        if exact is not None:
            return exact.search(vector, top_n, allowed)
        return self.hnsw_search(vector, top_n, allowed)

    def hnsw_search(self, vector, top_n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        """Query vector → Chroma's approximate top_n (clause_id, cosine similarity)."""
        ids = None
        if allowed is not None:
            # the allowed documents' clause ids: Chroma finds these faster than it evaluates a
            # doc_id metadata filter (3.7 vs 5.9 ms on corpus+extra), with the same result
            ids = sorted(c.clause_id for d in allowed for c in self.by_doc.get(d, []))
            if not ids:
                return []
        n = min(top_n, len(self.clauses))
        # ids and distances only: the clauses' text and metadata are in memory already, and
        # fetching them from Chroma's SQLite cost 3-4x the search itself
        res = self.collection.query(query_embeddings=[vector], n_results=n, ids=ids, include=["distances"])
        # the collection uses cosine distance; report similarity
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0])]

    def keyword_search(self, query: str, top_n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        """Query → up to top_n (clause_id, BM25 score) within documents ``allowed``."""
        ids = None
        if allowed is not None:
            ids = {c.clause_id for d in allowed for c in self.by_doc.get(d, [])}
        return self.keyword.search(query, top_n=top_n, allowed=ids)


def _open_build(settings: Settings, model: _Model, client=None) -> _Build:
    """The live build under ``settings.index_dir`` → _Build (locked for reading).

    Raises IndexNotBuiltError when there is none, ConfigError when it was built with
    another embedding model or for another Chroma target.
    """
    root = Path(settings.index_dir)
    for _ in range(3):  # a build may be swapped out between reading CURRENT and locking it
        build = builds.current_dir(root)
        if build is None:
            raise IndexNotBuiltError(f"no index under {root}; run: policy-assistant ingest")
        hold = builds.hold_build(build)
        try:
            manifest = builds.read_json(build / MANIFEST)
        except FileNotFoundError:
            if hold is not None:
                hold.close()
            continue
        _check_manifest(settings, root, manifest, client)
        docs, clauses = builds.load_records(build)
        return _Build(settings, build, manifest, docs, clauses, model, client=client, hold=hold)
    raise IndexNotBuiltError(f"the index under {root} keeps changing while it is opened; try again")


def _check_manifest(settings: Settings, root: Path, manifest: dict, client) -> None:
    want = model_key(settings.embed_model, settings.embed_backend)
    if manifest.get("model_key") != want:
        raise ConfigError(
            f"the index at {root} was built with embedding model {manifest.get('model_key')!r}, "
            f"but the configured model is {want!r}; re-ingest with `policy-assistant ingest "
            f"--embed-model {settings.embed_model} --embed-backend {settings.embed_backend}` "
            "(or set POLICY_EMBED_MODEL / POLICY_EMBED_BACKEND back to what the index was built with)",
            zh="知识库由其他向量模型构建，请重新运行 policy-assistant ingest。",
        )
    if manifest.get("chroma_url", "") != (settings.chroma_url or "") and client is None:
        raise ConfigError(
            f"the index at {root} was built for Chroma at {manifest.get('chroma_url') or 'embedded'!r}, "
            f"not {settings.chroma_url or 'embedded'!r}; re-ingest with the current setting",
            zh="知识库的向量库位置与当前配置不一致，请重新运行 policy-assistant ingest。",
        )


class KnowledgeBase:
    """The live build: documents, clauses, and the dense + keyword indexes behind ``search``.

    Heavy parts (embedding model, Chroma client, BM25 arrays) load on first use, so
    opening is cheap and ``mode="bm25"`` never loads the model. Reading ``documents``,
    ``clauses``, ``clauses_of`` or ``search`` first calls ``refresh()``; anything other
    modules cached on this object (e.g. rules_for's table) is dropped when it moves to a
    new build, since it was derived from the old one.
    """

    _OWN = frozenset({"settings", "_client", "_model", "_build", "_lock", "_checked"})

    def __init__(self, settings: Settings, build_dir: Path, manifest: dict, documents: dict[str, Document],
                 clauses: dict[str, Clause], embedder=None, client=None, hold=None):
        self.settings = settings
        self._client = client
        self._model = _Model(settings, embedder)
        self._build = _Build(settings, build_dir, manifest, documents, clauses, self._model, client, hold)
        self._lock = threading.RLock()
        self._checked = time.monotonic()

    @classmethod
    def open(cls, settings: Settings, embedder=None, client=None) -> "KnowledgeBase":
        """The live build under ``settings.index_dir`` → KnowledgeBase.

        Raises IndexNotBuiltError when there is none, ConfigError when it was built with
        another embedding model or for another Chroma target.
        """
        from index.store.jieba_dict import install

        install(settings.models_dir)  # jieba reads its dictionary per character from a cache
        kb = cls.__new__(cls)
        kb.settings, kb._client, kb._model = settings, client, _Model(settings, embedder)
        kb._build = _open_build(settings, kb._model, client)
        kb._lock, kb._checked = threading.RLock(), time.monotonic()
        return kb

    def refresh(self, force: bool = False) -> bool:
        """Move to the build CURRENT names, if it is another one; True when it moved.

        Checks at most once every REFRESH_SECONDS unless ``force``. A new build that cannot
        be opened (half-removed folder, other model) is logged and the current one kept.
        """
        now = time.monotonic()
        if not force and now - self._checked < REFRESH_SECONDS:
            return False
        with self._lock:
            self._checked = now
            name = builds.current_name(Path(self.settings.index_dir))
            if not name or name == self._build.version:
                return False
            try:
                new = _open_build(self.settings, self._model, self._client)
            except (IndexNotBuiltError, ConfigError, OSError, ValueError) as exc:
                log.warning("index build %s not opened, still serving %s: %s", name, self._build.version, exc)
                return False
            for attr in [a for a in vars(self) if a not in self._OWN]:
                delattr(self, attr)  # caches derived from the old build
            self._build = new
            log.info("index moved to build %s", new.version)
            return True

    def _live(self) -> _Build:
        self.refresh()
        return self._build

    # -- what callers read --------------------------------------------------------------

    @property
    def documents(self) -> dict[str, Document]:
        return self._live().documents

    @property
    def clauses(self) -> dict[str, Clause]:
        return self._live().clauses

    @property
    def version(self) -> str:
        return self._build.version

    @property
    def manifest(self) -> dict:
        return self._build.manifest

    @property
    def build_dir(self) -> Path:
        return self._build.build_dir

    def clauses_of(self, doc_id: str) -> list[Clause]:
        """A document's clauses in document order ([] for an unknown id)."""
        return list(self._live().by_doc.get(doc_id, []))

    def search(self, query: str, k: int = 5, mode: str = "hybrid", region: str | None = None,
               issuer: str | None = None, valid_only: bool = False, as_of=None):
        """Question → ranked ScoredClause list (see index.retrieve.search for the contract)."""
        from index.store.retrieve import search

        build = self._live()
        try:
            return search(build, query, k=k, mode=mode, region=region, issuer=issuer,
                          valid_only=valid_only, as_of=as_of)
        except Exception:
            # a build removed under an unlocked reader (read-only index folder): retry on the new one
            if not self.refresh(force=True):
                raise
            return search(self._build, query, k=k, mode=mode, region=region, issuer=issuer,
                          valid_only=valid_only, as_of=as_of)

    # -- the two sides of retrieval, used by index.retrieve ---------------------------

    @property
    def embedder(self):
        """The model that embeds documents (an upload's clauses); loads it on first use."""
        return self._model.get()

    @property
    def model_loaded(self) -> bool:
        """True when questions can be embedded without loading anything (the question embedder
        — on the torch backend the fp32 ONNX export — or a given embedder is in memory)."""
        return self._model.given or self._model.questions is not None

    @property
    def keyword(self):
        return self._build.keyword

    @property
    def vectorstore(self):
        """The LangChain ``Chroma`` wrapper over the open build's collection."""
        return self._build.vectorstore

    def dense_search(self, query: str, top_n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        return self._build.dense_search(query, top_n, allowed)

    def keyword_search(self, query: str, top_n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        return self._build.keyword_search(query, top_n, allowed)
