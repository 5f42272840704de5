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


# -- exact search over a build's stored vectors ------------------------------------------

def _exact(ids, docs, matrix):
    from index.store.vectors import ExactVectors

    return ExactVectors(ids, docs, np.asarray(matrix, dtype=np.float32))


def test_exact_search_ranks_every_vector_by_cosine():
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((500, 16)).astype(np.float32) * rng.uniform(0.5, 3, (500, 1)).astype(np.float32)
    ids = [f"doc{i % 7}/c{i:03d}" for i in range(500)]
    exact = _exact(ids, [i.split("/")[0] for i in ids], matrix)
    q = rng.standard_normal(16)
    cos = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)) @ (q / np.linalg.norm(q))
    want = [ids[i] for i in np.argsort(-cos)[:20]]
    got = exact.search(q, 20)
    assert [cid for cid, _ in got] == want
    assert np.allclose([s for _, s in got], np.sort(cos)[::-1][:20], atol=1e-5)
    assert len(exact.search(q, 10_000)) == 500  # more asked than held: all of them


def test_exact_search_filters_by_document_and_breaks_ties_by_id():
    # four clauses with the same vector: equal scores come back in clause-id order, whatever
    # the order of the rows
    matrix = [[1, 0], [1, 0], [0, 1], [1, 0], [1, 0]]
    ids = ["b/2", "a/9", "c/1", "b/1", "a/1"]
    exact = _exact(ids, [i.split("/")[0] for i in ids], matrix)
    assert [cid for cid, _ in exact.search([2, 0], 4)] == ["a/1", "a/9", "b/1", "b/2"]
    assert [cid for cid, _ in exact.search([2, 0], 2)] == ["a/1", "a/9"]
    assert [cid for cid, _ in exact.search([1, 0], 5, allowed={"b", "c"})] == ["b/1", "b/2", "c/1"]
    assert exact.search([1, 0], 5, allowed={"nobody"}) == []


def test_exact_vectors_load_from_a_build_and_refuse_rows_of_other_clauses(tmp_path):
    from index.builds import CLAUSES, VECTORS, write_json
    from index.store.vectors import ExactVectors

    rows = [{"clause_id": f"d/{i}", "doc_id": "d"} for i in range(3)]
    write_json(tmp_path / CLAUSES, rows)
    assert ExactVectors.load(tmp_path) is None  # no vectors.npy: Chroma answers
    np.save(tmp_path / VECTORS, np.eye(3, dtype=np.float32))
    assert [cid for cid, _ in ExactVectors.load(tmp_path).search([0, 1, 0], 1)] == ["d/1"]
    np.save(tmp_path / VECTORS, np.eye(4, dtype=np.float32))
    assert ExactVectors.load(tmp_path) is None


def test_loaded_vectors_are_normalised_in_place_and_a_given_matrix_is_left_alone(tmp_path):
    import json

    from index.builds import CLAUSES, VECTORS
    from index.store.vectors import ExactVectors

    rng = np.random.default_rng(5)
    matrix = rng.standard_normal((40, 8)).astype(np.float32) * 3
    np.save(tmp_path / VECTORS, matrix)
    (tmp_path / CLAUSES).write_text(json.dumps([{"clause_id": f"d/{i}", "doc_id": "d"} for i in range(40)]))
    loaded = ExactVectors.load(tmp_path)
    want = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    assert loaded.matrix.dtype == np.float32 and np.array_equal(loaded.matrix, want)  # bit for bit
    before = matrix.copy()
    given = ExactVectors([f"d/{i}" for i in range(40)], ["d"] * 40, matrix)
    assert np.array_equal(matrix, before) and np.array_equal(given.matrix, want)
