"""Clause vectors: embed (reusing earlier rows) and write them to Chroma.

    vectors_for(texts, prev_dir, prev, target, settings, embedder, progress)
        -> (float32 matrix, text hashes, number embedded now)
    chroma_client(settings, build_dir) -> chromadb client (embedded per build, or HTTP)
    write_chroma(settings, build, version, docs, clauses, vectors)
    drop_collection(settings, build_dir)      server mode: remove a build's collection
    ExactVectors.load(build_dir) -> ExactVectors | None   brute-force cosine over vectors.npy
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from index.config import Settings
from index.errors import ConfigError, IndexBuildError
from index.progress import progress_bar
from index.builds import CHROMA_DIR, CLAUSES, VECTOR_KEYS, VECTORS, read_json


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vectors_for(texts, prev_dir, prev, target, settings, embedder, progress):
    """Index texts → (float32 matrix, text hashes, number embedded now).

    Rows of the previous build are reused by text hash when it used the same model.
    """
    import numpy as np

    cache: dict[str, object] = {}
    if prev and prev.get("model_key") == target["model_key"] and (prev_dir / VECTOR_KEYS).exists():
        for key, row in zip(read_json(prev_dir / VECTOR_KEYS), np.load(prev_dir / VECTORS)):
            cache[key] = row
    keys = [text_hash(t) for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in cache}.items())
    if todo:
        if embedder is None:
            from index.store.embeddings import embedder_for

            embedder = embedder_for(settings)
        from index.store.embeddings import encode_texts

        bar = progress_bar(len(todo), "embedding clauses", progress)
        # longest first, batches of like lengths: a batch pads to its own longest text
        rows = encode_texts(embedder, [t for _, t in todo], progress=bar.update)
        bar.close()
        for (key, _), row in zip(todo, rows):
            cache[key] = row
    dims = {len(cache[k]) for k in keys}
    if len(dims) != 1:
        raise IndexBuildError(f"embedding sizes differ ({sorted(dims)}); re-ingest from scratch")
    return np.vstack([cache[k] for k in keys]).astype(np.float32), keys, len(todo)


def chroma_client(settings: Settings, build_dir: Path):
    """Settings + build folder → an embedded client in ``<build>/chroma`` or an HTTP client."""
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


def close_client(client) -> None:
    """Release a client made by ``chroma_client`` (chromadb keeps one system per path alive)."""
    close = getattr(client, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # noqa: BLE001 - closing is best effort; the data is already written
            pass


def collection_name(version: str) -> str:
    return f"clauses-{version}"


def write_chroma(settings, build, version, docs, clauses, vectors) -> None:
    """Clauses + their vectors → a new cosine collection named after the build."""
    by_id = {d.doc_id: d for d in docs}
    client = None
    try:
        client = chroma_client(settings, build)
        # Chroma writes its HNSW graph to disk every sync_threshold records (default 1000) and
        # replays the rest from its log, in parallel, each time a process opens the collection:
        # the top-30 of the same vector then differed between processes (8,684 clauses: 684
        # replayed). One batch of all the clauses is built and written once, so every reader of
        # a build gets the same results.
        whole = max(len(clauses), 2)
        col = client.create_collection(
            collection_name(version), embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "batch_size": whole, "sync_threshold": whole}})
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
    finally:
        if client is not None:
            close_client(client)


def drop_collection(settings: Settings, build_dir: Path) -> None:
    """Server mode: delete the collection of a build being removed (absent is fine)."""
    client = None
    try:
        client = chroma_client(settings, build_dir)
        client.delete_collection(collection_name(Path(build_dir).name))
    except Exception:  # noqa: BLE001 - the collection may never have been created
        pass
    finally:
        if client is not None:
            close_client(client)


class ExactVectors:
    """A build's clause vectors in memory, searched exhaustively (one matrix-vector product).

    ``search(vector, top_n, allowed_doc_ids)`` → [(clause_id, cosine)], best first, equal scores
    in clause-id order. 8,700 clauses × 512 dims is 17 MB and about a millisecond a question, and
    the result depends only on the vectors and ids — not on a graph built with random levels.
    """

    def __init__(self, ids: list[str], doc_ids: list[str], matrix, owned: bool = False):
        import numpy as np

        self.ids = np.asarray(ids, dtype=object)
        # normalised in place (the same values as ``matrix / norms``) in a copy, or in ``matrix`` itself
        # when the caller hands it over (``owned``: the array np.load just made); at 91,590 clauses a
        # second copy is 188 MB more at the peak
        keep = owned and matrix.dtype == np.float32 and matrix.flags.c_contiguous and matrix.flags.writeable
        matrix = matrix if keep else np.array(matrix, dtype=np.float32, order="C")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        np.divide(matrix, norms, out=matrix)
        self.matrix = matrix
        self.rows_of: dict[str, object] = {}
        for row, doc in enumerate(doc_ids):
            self.rows_of.setdefault(doc, []).append(row)
        self.rows_of = {d: np.asarray(r, dtype=np.int64) for d, r in self.rows_of.items()}
        # rank of each id in sorted order: the tie-break key, as a number
        self._id_rank = np.empty(len(ids), dtype=np.int64)
        self._id_rank[np.argsort(self.ids.astype(str), kind="stable")] = np.arange(len(ids))

    @classmethod
    def load(cls, build_dir: Path, clauses=None) -> "ExactVectors | None":
        """Build folder → its vectors, or None without vectors.npy. Rows follow clauses.json;
        ``clauses`` (Clause records in that order) saves reading it again."""
        import numpy as np

        build_dir = Path(build_dir)
        if not (build_dir / VECTORS).is_file():
            return None
        if clauses is None:
            pairs = [(c["clause_id"], c["doc_id"]) for c in read_json(build_dir / CLAUSES)]
        else:
            pairs = [(c.clause_id, c.doc_id) for c in clauses]
        matrix = np.load(build_dir / VECTORS)
        if matrix.ndim != 2 or len(matrix) != len(pairs):
            return None  # not the rows of these clauses: let Chroma answer
        return cls([i for i, _ in pairs], [d for _, d in pairs], matrix, owned=True)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, vector, top_n: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        import numpy as np

        q = np.asarray(vector, dtype=np.float32).ravel()
        norm = float(np.linalg.norm(q))
        if norm:
            q = q / norm
        if allowed is None:
            rows = None
            scores = self.matrix @ q
        else:
            parts = [self.rows_of[d] for d in sorted(allowed) if d in self.rows_of]
            if not parts:
                return []
            rows = np.sort(np.concatenate(parts))
            scores = self.matrix[rows] @ q
        n = min(top_n, len(scores))
        if n <= 0:
            return []
        if n < len(scores):
            # a margin below the n-th score keeps every tie of the last place in the candidates
            cut = np.partition(scores, len(scores) - n)[len(scores) - n]
            cand = np.flatnonzero(scores >= cut)
        else:
            cand = np.arange(len(scores))
        real = cand if rows is None else rows[cand]
        order = np.lexsort((self._id_rank[real], -scores[cand]))[:n]
        return [(str(self.ids[real[i]]), float(scores[cand[i]])) for i in order]
