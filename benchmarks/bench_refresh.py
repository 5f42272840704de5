"""Rebuild-following benchmark (not a test): what an open KnowledgeBase pays to follow ingests.

    .venv/bin/python benchmarks/bench_refresh.py [--rebuilds 6] [--searches 40]

Builds corpus/ into a temp folder, opens a KnowledgeBase, then repeatedly changes one
amount in one document, re-ingests, and lets the open kb move to the new build. Prints:
the cost of the refresh check (throttled, and a forced read of CURRENT with no change),
the time to reopen a new build in place, the first search after a move (loads the new
build's BM25 and Chroma) against warm searches, the builds left on disk, and process RSS
after each move (chromadb clients of old builds are closed, so it should stay flat).
Numbers are from one run on this machine.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import REPO, rss_mb  # noqa: E402 - sets sys.path and offline env first


def ms(xs) -> str:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
    return f"p50 {statistics.median(xs) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms (n={len(xs)})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rebuilds", type=int, default=6)
    ap.add_argument("--searches", type=int, default=40)
    args = ap.parse_args()

    import gc

    from index.config import Settings
    from index.store import knowledge as store
    from index.store.embeddings import get_embedder
    from index.store.knowledge import KnowledgeBase
    from index.ingest.pipeline import build_index

    tmp = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
    try:
        corpus = tmp / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        settings = Settings(data_dir=tmp / "data", corpus_dir=corpus, as_of_text="2026-11-21", chroma_url="")
        embedder = get_embedder(settings.embed_model)
        build_index(settings, progress=False, embedder=embedder)
        kb = KnowledgeBase.open(settings, embedder=embedder)
        query = "市级以上科研院所和公共技术服务平台补助多少"
        kb.search(query, k=5)

        n = 20000
        t = time.perf_counter()
        for _ in range(n):
            kb.refresh()
        throttled = (time.perf_counter() - t) / n
        forced = []
        for _ in range(200):
            t = time.perf_counter()
            kb.refresh(force=True)
            forced.append(time.perf_counter() - t)
        print(f"refresh check, throttled: {throttled * 1e6:.2f} µs/call")
        print(f"refresh check, forced, no new build: {ms(forced)}")

        old = "市区给予100万元补助"
        doc = next(p for p in sorted(corpus.glob("*.txt")) if old in p.read_text("utf-8"))
        text = doc.read_text("utf-8")
        reopen, first, warm, ingest = [], [], [], []
        for i in range(args.rebuilds):
            doc.write_text(text.replace(old, f"市区给予{101 + i}万元补助"), "utf-8")
            t = time.perf_counter()
            build_index(settings, progress=False, embedder=embedder)
            ingest.append(time.perf_counter() - t)
            t = time.perf_counter()
            moved = kb.refresh(force=True)
            reopen.append(time.perf_counter() - t)
            assert moved and kb.version == (settings.index_dir / "CURRENT").read_text().strip()
            t = time.perf_counter()
            hits = kb.search(query, k=5)
            first.append(time.perf_counter() - t)
            assert any(f"{101 + i}万元" in h.clause.text for h in hits)
            for _ in range(args.searches // args.rebuilds or 1):
                t = time.perf_counter()
                kb.search(query, k=5)
                warm.append(time.perf_counter() - t)
            gc.collect()
            builds = len(list((settings.index_dir / "builds").iterdir()))
            print(f"rebuild {i + 1}: builds on disk {builds}, RSS {rss_mb()[0]:.0f} MB")
        print(f"incremental ingest (one clause changed): {ms(ingest)}")
        print(f"reopen a new build in place (refresh that moves): {ms(reopen)}")
        print(f"first search after a move: {ms(first)}")
        print(f"warm search: {ms(warm)}")
        print(f"REFRESH_SECONDS = {store.REFRESH_SECONDS}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
