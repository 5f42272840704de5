"""index/store.py: build, open, incremental re-ingest, bad files, kill safety, server mode.

Real model, real Chroma. One small index (two real documents) is built once for the
module and copied for each test that changes it, so each test embeds only what it changes.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.embedding_counter import CountingEmbedder

from index.config import Settings
from index.errors import ConfigError, IndexNotBuiltError
from index.store.knowledge import KnowledgeBase
from index.ingest.pipeline import build_index

REPO = Path(__file__).resolve().parents[2]
SMALL = ("jiaxing-2024-two-industries-integration.txt", "quanzhou-kfq-smart-manufacturing-quality.txt")
KFQ = "quanzhou-kfq-smart-manufacturing-quality"
JX = "jiaxing-2024-two-industries-integration"


@pytest.fixture(scope="module")
def base(tmp_path_factory, corpus_dir, real_embedder):
    """(corpus folder, data folder) of an index over two real documents."""
    root = tmp_path_factory.mktemp("small")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in SMALL:
        shutil.copy(corpus_dir / name, corpus / name)
    report = build_index(_settings(corpus, root / "data"), progress=False, embedder=real_embedder)
    assert report.status == "built" and report.documents == 2 and not report.bad
    return corpus, root / "data"


@pytest.fixture
def small(base, tmp_path):
    """A private copy of the small corpus and its built index: (settings, corpus folder)."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(base[0], corpus)
    shutil.copytree(base[1], data)
    # the manifest keys sources by absolute path; re-point it at the copy
    settings = _settings(corpus, data)
    _repoint(settings, base[0], corpus)
    return settings, corpus


def _settings(corpus: Path, data: Path, **kw) -> Settings:
    return Settings(data_dir=data, corpus_dir=corpus, as_of_text="2026-11-21", chroma_url="", **kw)


def _repoint(settings, old: Path, new: Path) -> None:
    current = (settings.index_dir / "CURRENT").read_text().strip()
    manifest = settings.index_dir / "builds" / current / "manifest.json"
    manifest.write_text(manifest.read_text("utf-8").replace(str(old.resolve()), str(new.resolve())), "utf-8")


def _current(settings) -> str:
    return (settings.index_dir / "CURRENT").read_text().strip()


def _builds(settings) -> list[str]:
    return sorted(p.name for p in (settings.index_dir / "builds").iterdir())


def test_open_the_session_index(kb, settings):
    assert len(kb.documents) == 5
    assert kb.version == _current(settings)
    assert sum(len(kb.clauses_of(d)) for d in kb.documents) == len(kb.clauses)
    assert kb.clauses_of("no-such-document") == []
    for c in kb.clauses.values():  # quotes stay verifiable after the JSON round trip
        assert kb.documents[c.doc_id].text[c.start:c.end] == c.text
    assert kb.documents["quanzhou-2016-innovation-driven"].incomplete


def test_open_without_an_index_raises(tmp_path):
    with pytest.raises(IndexNotBuiltError, match="policy-assistant ingest"):
        KnowledgeBase.open(_settings(tmp_path, tmp_path / "nothing"))


def test_reingest_of_an_unchanged_corpus_does_nothing(small, real_embedder):
    settings, _ = small
    before, builds = _current(settings), _builds(settings)
    counter = CountingEmbedder(real_embedder)
    report = build_index(settings, progress=False, embedder=counter)
    assert report.status == "unchanged"
    assert counter.texts == 0
    assert _current(settings) == before and _builds(settings) == builds
    assert sorted(report.unchanged) == [JX, KFQ] and report.clauses > 0


def test_changed_file_replaces_its_clauses_and_embeds_only_them(small, real_embedder):
    settings, corpus = small
    path = corpus / f"{KFQ}.txt"
    text = path.read_text("utf-8")
    assert "市区给予100万元补助" in text
    path.write_text(text.replace("市区给予100万元补助", "市区给予120万元补助"), "utf-8")
    before = KnowledgeBase.open(settings)
    counter = CountingEmbedder(real_embedder)
    report = build_index(settings, progress=False, embedder=counter)
    assert report.status == "built" and report.updated == [KFQ] and report.unchanged == [JX]
    assert 1 <= counter.texts == report.embedded < len(before.clauses_of(KFQ))
    kb = KnowledgeBase.open(settings, embedder=real_embedder)
    texts = [c.text for c in kb.clauses_of(KFQ)]
    assert any("市区给予120万元补助" in t for t in texts)
    assert not any("市区给予100万元补助" in t for t in texts)
    assert len(kb.clauses_of(JX)) == len(before.clauses_of(JX))
    changed = next(c for c in kb.clauses_of(KFQ) if "市区给予120万元补助" in c.text)
    for mode in ("dense", "bm25"):  # both sides hold the new text, not the old
        top = kb.search(changed.text, k=1, mode=mode)[0]
        assert top.clause.clause_id == changed.clause_id, mode


def test_removed_file_is_removed(small, real_embedder):
    settings, corpus = small
    (corpus / f"{JX}.txt").unlink()
    counter = CountingEmbedder(real_embedder)
    report = build_index(settings, progress=False, embedder=counter)
    assert report.removed == [JX] and report.documents == 1 and counter.texts == 0
    kb = KnowledgeBase.open(settings, embedder=real_embedder)
    assert set(kb.documents) == {KFQ}
    assert all(h.clause.doc_id == KFQ for h in kb.search("嘉兴两业融合示范企业奖励", k=10))


def test_bad_files_are_reported_by_name_and_the_rest_still_index(small, real_embedder, tmp_path):
    settings, corpus = small
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "notes.xyz").write_text("这不是政策文件", "utf-8")
    (corpus / "short.txt").write_text("通知\n\n见附件。", "utf-8")
    report = build_index(settings, paths=[tmp_path / "missing-folder"], progress=False,
                         embedder=CountingEmbedder(real_embedder))
    bad = {Path(p).name: reason for p, reason in report.bad}
    assert set(bad) == {"empty.txt", "binary.txt", "notes.xyz", "short.txt", "missing-folder"}, bad
    assert all(reason.strip() for reason in bad.values())
    assert report.ok and report.documents == 2
    assert set(KnowledgeBase.open(settings).documents) == {JX, KFQ}
    # the same bad files again: nothing to do, and still reported
    again = build_index(settings, paths=[tmp_path / "missing-folder"], progress=False)
    assert again.status == "unchanged" and len(again.bad) == 5


def test_nothing_indexable_keeps_the_previous_index(small, tmp_path):
    settings, _ = small
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "empty.txt").write_bytes(b"")
    before = _current(settings)
    report = build_index(settings.with_(corpus_dir=junk), progress=False)
    assert report.status == "failed" and not report.ok and report.bad
    assert _current(settings) == before
    assert len(KnowledgeBase.open(settings).documents) == 2


def test_extra_paths_are_indexed_with_the_corpus_and_dropped_when_not_given(small, real_embedder, corpus_dir,
                                                                           tmp_path):
    settings, _ = small
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(corpus_dir / "weifang-five-optimizations-manufacturing.txt", extra)
    shutil.copy(corpus_dir / "weifang-five-optimizations-manufacturing.meta.json", extra)
    report = build_index(settings, paths=[extra], progress=False, embedder=real_embedder)
    assert report.added == ["weifang-five-optimizations-manufacturing"] and report.documents == 3
    report = build_index(settings, progress=False, embedder=real_embedder)
    assert report.removed == ["weifang-five-optimizations-manufacturing"] and report.documents == 2


def test_model_mismatch_is_refused(kb, settings, tmp_path):
    other = settings.with_(embed_model=str(tmp_path))  # a different (local folder) model
    with pytest.raises(ConfigError, match="re-ingest"):
        KnowledgeBase.open(other)


KILLED_BUILD = """
import os, sys, time
from pathlib import Path
from index.config import Settings
from index.ingest.pipeline import build_index

class Stalls:
    # test-only embedder: signals that the new build is being written, then stalls
    def embed_documents(self, texts):
        Path(os.environ["MARKER"]).write_text("embedding")
        time.sleep(600)
    def embed_query(self, text):
        raise AssertionError

build_index(Settings(data_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2]), chroma_url=""),
            progress=False, embedder=Stalls())
"""


def test_kill_during_build_leaves_the_previous_index_usable(small, real_embedder, tmp_path):
    settings, corpus = small
    path = corpus / f"{JX}.txt"
    path.write_text(path.read_text("utf-8").replace("分别给予150万元", "分别给予160万元"), "utf-8")
    before, marker = _current(settings), tmp_path / "marker"
    env = dict(os.environ, MARKER=str(marker), PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(settings.data_dir), str(corpus)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the build never reached the embedding step"
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _current(settings) == before
    partial = [b for b in _builds(settings) if b != before]
    assert len(partial) == 1  # the killed build was mid-way: its folder exists, unfinished
    kb = KnowledgeBase.open(settings, embedder=real_embedder)
    hits = kb.search("嘉兴国家级服务型制造示范企业奖励", k=3)
    assert hits and any("150万元" in h.clause.text for h in hits)

    report = build_index(settings, progress=False, embedder=real_embedder)
    assert report.status == "built" and report.updated == [JX]
    assert partial[0] not in _builds(settings)  # the leftover was cleaned up
    assert any("160万元" in c.text for c in KnowledgeBase.open(settings).clauses_of(JX))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_chroma_server_mode(base, real_embedder, tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma = Path(sys.executable).with_name("chroma")
    port = _free_port()
    log = open(tmp_path / "chroma.log", "wb")
    server = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "srv"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:  # the client connects as it is made
                client = chromadb.HttpClient(host="127.0.0.1", port=port,
                                             settings=ChromaSettings(anonymized_telemetry=False))
                client.heartbeat()
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"chroma server did not start: {(tmp_path / 'chroma.log').read_text()[-500:]}")
                time.sleep(0.3)
        settings = _settings(base[0], tmp_path / "data").with_(chroma_url=f"http://127.0.0.1:{port}")
        report = build_index(settings, progress=False, embedder=real_embedder)
        assert report.status == "built"
        kb = KnowledgeBase.open(settings, embedder=real_embedder)
        assert kb.manifest["collection"] in [c.name for c in client.list_collections()]
        assert not (kb.build_dir / "chroma").exists()  # vectors live on the server
        hits = kb.search("开发区数字化车间补助多少", k=3, mode="dense")
        assert hits and hits[0].clause.doc_id == KFQ
        # an embedded-mode reader must not silently read a server-built index
        with pytest.raises(ConfigError):
            KnowledgeBase.open(settings.with_(chroma_url=""))
        # two more builds: the first one's server collection goes once no reader holds it
        first = kb.manifest["collection"]
        del kb, hits
        import gc

        gc.collect()
        extra = tmp_path / "extra"
        extra.mkdir()
        (extra / "note.txt").write_text("关于支持企业发展的通知\n\n一、对新认定的企业给予10万元奖励。\n", "utf-8")
        for paths in ([extra], None):
            assert build_index(settings, paths=paths, progress=False, embedder=real_embedder).status == "built"
        names = [c.name for c in client.list_collections()]
        assert first not in names and len(names) == 2  # the live build and the one before it
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# -- an open kb follows rebuilds --------------------------------------------------------

OLD_AWARD, QUERY = "市区给予100万元补助", "市级以上科研院所和公共技术服务平台补助多少"


def _award_texts(kb) -> list[str]:
    return [h.clause.text for h in kb.search(QUERY, k=3) if "科研院所" in h.clause.text]


def _rewrite(corpus: Path, amount: str) -> None:
    path = corpus / f"{KFQ}.txt"
    text = path.read_text("utf-8")
    old = OLD_AWARD if OLD_AWARD in text else next(
        f"市区给予{n}万元补助" for n in ("120", "130", "140") if f"市区给予{n}万元补助" in text)
    path.write_text(text.replace(old, f"市区给予{amount}万元补助"), "utf-8")


def test_open_kb_keeps_its_build_through_two_ingests_then_moves_in_place(small, real_embedder, monkeypatch):
    import gc

    from assistant.rules.catalog import rules_for
    from index.store import knowledge as store

    settings, corpus = small
    kb = KnowledgeBase.open(settings, embedder=real_embedder)
    first = kb.version
    assert any(OLD_AWARD in t for t in _award_texts(kb))  # Chroma and BM25 of the first build are open
    old_rules = rules_for(kb)
    monkeypatch.setattr(store, "REFRESH_SECONDS", 3600)  # a reader that has not looked yet
    for amount in ("120", "130"):
        _rewrite(corpus, amount)
        assert build_index(settings, progress=False, embedder=real_embedder).status == "built"
    assert _current(settings) != first and first in _builds(settings)  # held by the open reader
    assert kb.version == first and any(OLD_AWARD in t for t in _award_texts(kb))  # still answers

    monkeypatch.setattr(store, "REFRESH_SECONDS", 1.0)
    kb._checked -= 2  # a second has passed since it last looked
    texts = _award_texts(kb)
    assert kb.version == _current(settings)
    assert any("市区给予130万元补助" in t for t in texts) and not any(OLD_AWARD in t for t in texts)
    assert kb.embedder is real_embedder  # the model object is reused, not reloaded
    assert any("130万元" in c.text for c in kb.clauses_of(KFQ))
    new_rules = rules_for(kb)  # derived from the new build, not the cached old table
    assert new_rules is not old_rules
    assert any("130万元" in r.text for rs in new_rules.values() for r in rs)

    gc.collect()  # the old build has no user left: its reader lock is gone
    _rewrite(corpus, "140")
    assert build_index(settings, progress=False, embedder=real_embedder).status == "built"
    assert first not in _builds(settings) and len(_builds(settings)) == 2  # live + the one before it


def test_searching_while_ingests_run_never_errors(small, real_embedder, monkeypatch):
    import threading

    from index.store import knowledge as store

    settings, corpus = small
    monkeypatch.setattr(store, "REFRESH_SECONDS", 0.0)  # look on every call: the most swaps
    kb = KnowledgeBase.open(settings, embedder=real_embedder)
    errors, answers, stop = [], [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                answers.append(_award_texts(kb))
                assert kb.clauses_of(KFQ) and KFQ in kb.documents
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                errors.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for amount in ("120", "130"):
            _rewrite(corpus, amount)
            assert build_index(settings, progress=False, embedder=real_embedder).status == "built"
    finally:
        stop.set()
        thread.join(timeout=120)
    assert not errors, errors[:3]
    assert answers and all(answers)  # every search, on whichever build, found the clause
    assert any("市区给予130万元补助" in t for t in _award_texts(kb))


# -- leftovers and stable dense retrieval across rebuilds ---------------------------------

def test_an_unchanged_ingest_removes_a_killed_builds_leftovers_but_not_a_held_build(small, real_embedder):
    from index import builds

    settings, _ = small
    live = _current(settings)
    folder = settings.index_dir / "builds"
    killed = folder / "99991231T235959-dead00"  # killed mid-way: vectors written, no manifest
    killed.mkdir()
    (killed / "vectors.npy").write_bytes(b"\0" * 4096)
    (killed / "chroma").mkdir()
    held = folder / "99991231T235958-held00"  # not finished, but a reader has it open
    held.mkdir()
    (held / builds.READERS_LOCK).touch()
    previous = folder / "00000000T000000-prev00"  # an older complete build: the one before live
    shutil.copytree(folder / live, previous)
    reader = builds.hold_build(held)
    assert reader is not None
    try:
        report = build_index(settings, progress=False, embedder=CountingEmbedder(real_embedder))
        assert report.status == "unchanged" and _current(settings) == live
        assert _builds(settings) == sorted([live, held.name, previous.name])
    finally:
        reader.close()
    build_index(settings, progress=False, embedder=real_embedder)
    assert held.name not in _builds(settings)  # let go of: the next ingest takes it
    assert KnowledgeBase.open(settings, embedder=real_embedder).search("数字化车间补助", k=1)


DENSE_QUERIES = ("开发区数字化车间补助多少", "服务型制造示范企业奖励", "首台套装备保险补偿",
                 "企业上云补助标准", "质量提升项目奖励")


def test_dense_ranking_is_identical_across_rebuilds_of_the_same_content(small, real_embedder, tmp_path):
    """Every rebuild gets a new vector index; the dense top-10 (ids and scores) of the same clauses
    must not move. An unrelated document comes and goes between rebuilds."""
    settings, _ = small
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.txt").write_text("关于支持企业发展的通知\n\n一、对新认定的企业给予10万元奖励。\n", "utf-8")

    def rankings():
        kb = KnowledgeBase.open(settings, embedder=real_embedder)
        allowed = {JX, KFQ}  # the clauses every build holds
        return {q: [(cid, round(s, 6)) for cid, s in kb.dense_search(q, 10, allowed)] for q in DENSE_QUERIES}

    first, versions = rankings(), {_current(settings)}
    for paths in ([extra], None, [extra], None):
        report = build_index(settings, paths=paths, progress=False, embedder=real_embedder)
        assert report.status == "built" and report.embedded <= 1
        versions.add(_current(settings))
        assert rankings() == first
    assert len(versions) == 5
    assert all(len(r) == 10 for r in first.values())
