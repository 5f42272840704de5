"""assistant/evaluation/baseline.py: the naive baseline's index is built once per corpus and cached.

Real model, real Chroma in a temp dir. A second build over the same files embeds nothing and
answers the same; a changed file makes a new entry and the old one goes.
"""
from __future__ import annotations

import shutil
from pathlib import Path


from tests.embedding_counter import CountingEmbedder

from assistant.evaluation.baseline import NaiveRAG, source_files
from index.ingest.documents import load_corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TWO = ("jiaxing-2024-two-industries-integration.txt", "quanzhou-kfq-smart-manufacturing-quality.txt")


def _files(corpus: Path):
    docs, bad = load_corpus(corpus)
    assert not bad
    return source_files({d.doc_id: d for d in docs}, [corpus])


def test_a_second_build_over_the_same_files_embeds_nothing(real_embedder, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in TWO:
        shutil.copy(CORPUS / name, corpus / name)
    workdir = tmp_path / "eval" / "tmp"
    workdir.mkdir(parents=True)
    question = "数字化车间认定后给予多少补助"

    first = CountingEmbedder(real_embedder)
    with NaiveRAG.build(_files(corpus), first, workdir=workdir) as rag:
        assert first.texts == rag.n_chunks == rag.embedded > 0
        before = [c.clause_id for c in rag.ask(question).citations]
    entries = [p.name for p in (tmp_path / "eval" / "baseline").iterdir() if p.is_dir()]
    assert len(entries) == 1  # closing a cached baseline keeps its entry

    again = CountingEmbedder(real_embedder)
    with NaiveRAG.build(_files(corpus), again, workdir=workdir) as rag:
        assert again.texts == 0 and rag.embedded == 0 and rag.n_chunks == first.texts
        assert [c.clause_id for c in rag.ask(question).citations] == before

    path = corpus / TWO[0]
    path.write_text(path.read_text("utf-8") + "\n附：本办法由市经信局负责解释。\n", "utf-8")
    changed = CountingEmbedder(real_embedder)
    with NaiveRAG.build(_files(corpus), changed, workdir=workdir) as rag:
        assert changed.texts == rag.n_chunks > 0  # another corpus: built again
    now = [p.name for p in (tmp_path / "eval" / "baseline").iterdir() if p.is_dir()]
    assert len(now) == 1 and now != entries  # the old corpus's entry is gone


def test_without_a_workdir_nothing_is_cached(real_embedder, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    counter = CountingEmbedder(real_embedder)
    files = [f for f in _files(CORPUS) if f[0].name == TWO[1]]
    rag = NaiveRAG.build(files, counter)
    folder = rag._workdir
    assert folder.is_dir() and counter.texts == rag.n_chunks > 0
    rag.close()
    assert not folder.exists()
