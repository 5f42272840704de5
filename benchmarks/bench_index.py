"""Index benchmark (not a test): ingest speed and warm search latency, old path vs new, one run.

    .venv/bin/python benchmarks/bench_index.py [--extra ../shared/corpus-extra] [--extra-docs 30]
                                               [--queries 60]

The machine is shared and absolute times drift, so each figure is printed with the same
figure for the path it replaced, measured in the same process:

* ingest of corpus/ + the first ``--extra-docs`` documents of the ``dev`` half of corpus-extra
  into a fresh folder: before = sentence-transformers through LangChain, clauses in hash order in
  chunks of 64; now = ``index.store.embeddings.encode_texts`` (m3e-small run directly, longest
  first in like-length batches). Wall and CPU seconds, clauses/s, ratio.
* warm search p50/p95 per mode on that index: dense by Chroma's HNSW (before) vs the exact
  cosine over the build's stored vectors (now), queries interleaved.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
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


TOPICS = ["工业设计中心奖励", "物流企业评级奖励", "跨境电商补助", "智能工厂补助", "研发费用加计扣除",
          "知识产权质押融资", "服务外包补助", "单项冠军奖励", "众创空间补助", "首台套补助",
          "电子商务平台交易额奖励", "人才创业贷款", "土地用途变更", "专利奖励", "商业模式创新示范企业",
          "质量品牌建设", "供应链管理平台", "节能环保服务", "检验检测服务", "网络零售品牌奖励",
          "高新技术企业税收优惠", "技术改造补助", "数字化车间认定", "标准制定奖励", "工业互联网平台"]


def queries(n: int) -> list[str]:
    """The retrieval test questions, then short topic queries."""
    import json

    qs = [json.loads(line)["question"] for line in
          (REPO / "tests" / "data" / "retrieval_questions.jsonl").read_text("utf-8").splitlines() if line.strip()]
    out = qs + TOPICS
    while len(out) < n:
        out += [q + "怎么申请" for q in TOPICS]
    return out[:n]


def dev_subset(extra: Path, n: int, into: Path) -> Path | None:
    """The first n files of the dev half of corpus-extra (per its MANIFEST.tsv) copied into a folder."""
    manifest = extra / "MANIFEST.tsv"
    if n <= 0 or not manifest.is_file():
        return None
    with open(manifest, encoding="utf-8") as fh:
        names = [r["file"] for r in csv.DictReader(fh, delimiter="\t") if r.get("half") == "dev"][:n]
    into.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(extra / name, into / name)
    return into


def old_encode(embedder, texts, batch_size=32, max_len=None, progress=None):
    """The ingest loop this replaced: texts in hash order, 64 at a time through embed_documents."""
    import numpy as np

    from index.store.vectors import text_hash

    keyed = sorted((text_hash(t), i) for i, t in enumerate(texts))
    out = [None] * len(texts)
    for i in range(0, len(keyed), 64):
        part = keyed[i:i + 64]
        for (_, j), row in zip(part, embedder.embed_documents([texts[j] for _, j in part])):
            out[j] = np.asarray(row, dtype=np.float32)
        if progress:
            progress(len(part))
    return np.vstack(out)


def ingest(settings, paths, embedder, encoder) -> tuple[object, float, float]:
    import index.store.embeddings as emb
    from index.ingest.pipeline import build_index

    saved = emb.encode_texts
    emb.encode_texts = encoder
    try:
        t, c = time.perf_counter(), time.process_time()
        report = build_index(settings, paths=paths, progress=False, embedder=embedder)
        return report, time.perf_counter() - t, time.process_time() - c
    finally:
        emb.encode_texts = saved


def search_latency(kb, qs: list[str]) -> dict[str, tuple[float, float]]:
    """Warm latency of dense (HNSW / exact) and hybrid (HNSW / exact), interleaved per query."""
    build = kb._build
    exact = build.exact

    def use(kind):
        build._exact = exact if kind == "exact" else False

    cases = [("dense", "hnsw"), ("dense", "exact"), ("hybrid", "hnsw"), ("hybrid", "exact"), ("bm25", "-")]
    for mode, kind in cases:
        use(kind)
        kb.search(qs[0], k=5, mode=mode)  # warm: model, Chroma, vectors and BM25 loaded
    t = time.perf_counter()
    for q in qs:  # every question's vector made once, before timing: both sides then search only
        kb._model.query(q)
    print(f"question embedding: {(time.perf_counter() - t) * 1000 / len(qs):.1f} ms each (then cached)")
    times = {c: [] for c in cases}
    for q in qs:
        for mode, kind in cases:
            use(kind)
            t = time.perf_counter()
            kb.search(q, k=5, mode=mode)
            times[(mode, kind)].append((time.perf_counter() - t) * 1000)
    use("exact")
    return {c: (statistics.median(v), percentile(v, 95)) for c, v in times.items()}


def main() -> None:
    from index.config import Settings
    from index.store.embeddings import _langchain_embedder, encode_texts, get_embedder, resolve_model
    from index.store.knowledge import KnowledgeBase

    extra = Path(args.extra) if args.extra else REPO.parent / "shared" / "corpus-extra"
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        tmp = Path(tmp)
        sub = dev_subset(extra, args.extra_docs, tmp / "extra")
        t = time.perf_counter()
        before = _langchain_embedder(resolve_model("m3e-small"))
        before.embed_query("预热")
        t_before = time.perf_counter() - t
        t = time.perf_counter()
        now = get_embedder("m3e-small")
        now.embed_query("预热")
        t_now = time.perf_counter() - t
        import torch

        print(f"CPUs {os.cpu_count()}, torch threads {torch.get_num_threads()}, load average "
              f"{os.getloadavg()[0]:.1f}; model load: sentence-transformers via LangChain {t_before:.1f} s "
              f"(imports torch), then the direct one {t_now:.1f} s (torch already in)")
        results = {}
        for name, embedder, encoder in (("before", before, old_encode), ("now", now, encode_texts)):
            settings = Settings(data_dir=tmp / name, corpus_dir=REPO / "corpus", chroma_url="",
                                as_of_text="2026-11-21")
            report, wall, cpu = ingest(settings, [sub] if sub else None, embedder, encoder)
            results[name] = (report, wall, cpu, settings)
            print(f"ingest {name:<6}: {report.documents} documents, {report.clauses} clauses in {wall:.1f} s "
                  f"(CPU {cpu:.1f} s) -> {report.clauses / wall:.1f} clauses/s")
        (_, wb, cb, _), (rn, wn, cn, s_now) = results["before"], results["now"]
        print(f"ingest now/before: x{wb / wn:.2f} clauses/s (wall), x{cb / cn:.2f} (CPU)")
        build = s_now.index_dir / "builds" / rn.version
        print(f"index size on disk {du_mb(build):.1f} MB")
        t = time.perf_counter()
        again = ingest(s_now, [sub] if sub else None, now, encode_texts)[0]
        print(f"re-ingest unchanged: {again.status} in {time.perf_counter() - t:.2f} s")
        kb = KnowledgeBase.open(s_now, embedder=now)
        qs = queries(args.queries)
        lat = search_latency(kb, qs)
        for (mode, kind), (p50, p95) in lat.items():
            print(f"search {mode:<6} {kind:<5} over {len(qs)} warm queries: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        for mode in ("dense", "hybrid"):
            (b50, b95), (n50, n95) = lat[(mode, "hnsw")], lat[(mode, "exact")]
            print(f"search {mode} exact/hnsw: p50 x{n50 / b50:.2f}, p95 x{n95 / b95:.2f}")
        cur, peak = rss_mb()
        print(f"process RSS {cur:.0f} MB (peak {peak:.0f} MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", help="corpus-extra folder (default ../shared/corpus-extra)")
    parser.add_argument("--extra-docs", type=int, default=30, help="dev-half documents added to corpus/")
    parser.add_argument("--queries", type=int, default=60, help="warm queries per mode (>= 50)")
    args = parser.parse_args()
    main()
