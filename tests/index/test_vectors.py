"""index/vectors.py: a build's Chroma collection is written whole, so every process reads one graph.

Chroma writes its HNSW graph to disk every ``sync_threshold`` records and replays the rest from
its log, in parallel, whenever a process opens the collection. On corpus + corpus-extra (8,684
clauses, 684 replayed) the same query vector got different top-30s in different processes
(docs/readme-parts/70-latency.md). write_chroma has the graph written with every record.
"""
from __future__ import annotations

import sqlite3

import numpy as np

from index.config import Settings
from index.records import Clause, Document
from index.builds import CHROMA_DIR
from index.store.vectors import chroma_client, close_client, collection_name, write_chroma

N, DIM = 1300, 32  # more than Chroma's default sync threshold (1000), not a multiple of it


def test_every_record_is_in_the_written_graph_and_found(tmp_path):
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    doc = Document(doc_id="d", source_path="d.txt", sha256="", title="t", text="x" * N)
    clauses = [Clause(clause_id=f"d/{i}", doc_id="d", path=(), display_path="", text="x", start=i, end=i + 1)
               for i in range(N)]
    build = tmp_path / "build"
    build.mkdir()
    settings = Settings(data_dir=tmp_path, chroma_url="")
    write_chroma(settings, build, "v1", [doc], clauses, vectors)

    db = sqlite3.connect(f"file:{build / CHROMA_DIR / 'chroma.sqlite3'}?mode=ro", uri=True)
    (last,) = db.execute("SELECT max(seq_id) FROM embeddings_queue").fetchone()
    synced = [seq for (seq,) in db.execute("SELECT seq_id FROM max_seq_id")]
    db.close()
    # the metadata and the vector segment have both taken in the last record: nothing to replay
    assert last == N and synced == [N, N]

    client = chroma_client(settings, build)
    try:
        col = client.get_collection(collection_name("v1"))
        for i in (0, N // 2, N - 1):
            hit = col.query(query_embeddings=[vectors[i]], n_results=1, include=["distances"])
            assert hit["ids"][0] == [f"d/{i}"] and abs(hit["distances"][0][0]) < 1e-5
    finally:
        close_client(client)
