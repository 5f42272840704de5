"""Index benchmark (not a test): ingest speed, index size, warm search latency, memory.

    .venv/bin/python benchmarks/bench_index.py [--extra ../shared/corpus-extra] [--queries 60]

Phase 1 indexes corpus/ into a fresh temp folder; phase 2 adds the extra documents
(when the folder exists) as an incremental re-ingest of the same index, so the corpus
vectors are reused. Each phase prints: ingest seconds and clauses/s (embedding included,
model load excluded and printed separately), index size on disk, search latency p50/p95
per mode over warm queries, and process RSS. Numbers are from one run on this machine.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from common import REPO, rss_mb  # noqa: E402 - sets sys.path and offline env first


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def queries(n: int) -> list[str]:
    """The retrieval test questions, then short topic queries made from clause headings."""
    qs = [json.loads(line)["question"] for line in
          (REPO / "tests" / "data" / "retrieval_questions.jsonl").read_text("utf-8").splitlines() if line.strip()]
    topics = ["工业设计中心奖励", "物流企业评级奖励", "跨境电商补助", "智能工厂补助", "研发费用加计扣除",
              "知识产权质押融资", "服务外包补助", "单项冠军奖励", "众创空间补助", "首台套补助",
              "电子商务平台交易额奖励", "人才创业贷款", "土地用途变更", "专利奖励", "商业模式创新示范企业",
              "质量品牌建设", "供应链管理平台", "节能环保服务", "检验检测服务", "网络零售品牌奖励",
              "高新技术企业税收优惠", "技术改造补助", "数字化车间认定", "标准制定奖励", "工业互联网平台"]
    out = qs + topics
    while len(out) < n:
        out += [q + "怎么申请" for q in topics]
    return out[:n]


def search_latency(kb, qs: list[str]) -> dict[str, tuple[float, float]]:
    """Warm latency per mode; modes interleave per query so load swings hit all alike."""
    modes = ("hybrid", "dense", "bm25")
    for mode in modes:
        kb.search(qs[0], k=5, mode=mode)  # warm: model, Chroma and BM25 loaded
    times: dict[str, list[float]] = {m: [] for m in modes}
    for q in qs:
        for mode in modes:
            t = time.perf_counter()
            kb.search(q, k=5, mode=mode)
            times[mode].append((time.perf_counter() - t) * 1000)
    return {m: (statistics.median(v), percentile(v, 95)) for m, v in times.items()}


def phase(title: str, settings, paths, embedder) -> None:
    from index.store.knowledge import KnowledgeBase
    from index.ingest.pipeline import build_index

    t = time.perf_counter()
    report = build_index(settings, paths=paths, progress=False, embedder=embedder)
    took = time.perf_counter() - t
    build = settings.index_dir / "builds" / report.version
    print(f"\n== {title}")
    print(f"documents {report.documents}, clauses {report.clauses}, bad files {len(report.bad)}, "
          f"embedded {report.embedded}, reused {report.reused}")
    print(f"ingest {took:.1f} s  ->  {report.clauses / took:.1f} clauses/s overall, "
          f"{report.embedded / took:.1f} newly embedded clauses/s")
    print(f"index size on disk {du_mb(build):.1f} MB (build folder {build.name})")
    t = time.perf_counter()
    again = build_index(settings, paths=paths, progress=False, embedder=embedder)
    print(f"re-ingest unchanged: {again.status} in {time.perf_counter() - t:.2f} s")
    kb = KnowledgeBase.open(settings, embedder=embedder)
    qs = queries(args.queries)
    lat = search_latency(kb, qs)
    for mode, (p50, p95) in lat.items():
        print(f"search {mode:<6} over {len(qs)} warm queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    now, peak = rss_mb()
    print(f"process RSS {now:.0f} MB (peak {peak:.0f} MB)")


def main() -> None:
    from index.config import Settings
    from index.store.embeddings import get_embedder

    extra = Path(args.extra) if args.extra else REPO.parent / "shared" / "corpus-extra"
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        settings = Settings(data_dir=Path(tmp), corpus_dir=REPO / "corpus", chroma_url="", as_of_text="2026-11-21")
        t = time.perf_counter()
        embedder = get_embedder(settings.embed_model)
        embedder.embed_query("预热")
        print(f"model {settings.embed_model} loaded in {time.perf_counter() - t:.1f} s; "
              f"CPUs {os.cpu_count()}, torch threads {__import__('torch').get_num_threads()}")
        phase("corpus/ (5 documents)", settings, None, embedder)
        if extra.is_dir():
            phase(f"corpus/ + {extra.name} (incremental)", settings, [extra], embedder)
        else:
            print(f"\n(no {extra}: extra-documents phase skipped)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", help="folder of extra documents (default ../shared/corpus-extra)")
    parser.add_argument("--queries", type=int, default=60, help="warm queries per mode (>= 50)")
    args = parser.parse_args()
    main()
