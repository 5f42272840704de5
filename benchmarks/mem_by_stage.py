"""What the answering process holds, stage by stage (not a test).

    python benchmarks/mem_by_stage.py --data-dir DIR [--questions 20] [--tracemalloc]

Opens the index in DIR as ``policy-assistant ask`` / ``serve`` do and loads its parts one at a
time, printing the RSS after each and its growth: imports, records (documents + clauses), the
BM25 index, the clause vectors (exact search), the question embedder, jieba's dictionary, the
first answer (rules, calculators, part-of-speech tables), then N more answers. With
``--tracemalloc`` the Python-heap size of each stage is printed too (slower; numpy buffers and
onnxruntime's native memory are outside it, so the RSS column is the one to add up).
"""
from __future__ import annotations

import argparse
import gc
import os
import time
from pathlib import Path

from common import rss_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--tracemalloc", action="store_true")
    args = ap.parse_args()
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    rows = []
    last = [rss_mb()[0], 0.0]

    def mark(name: str, started: float) -> None:
        gc.collect()
        now = rss_mb()[0]
        heap = 0.0
        if args.tracemalloc:
            import tracemalloc

            heap = tracemalloc.get_traced_memory()[0] / 2**20
        rows.append((name, now, now - last[0], heap - last[1], time.perf_counter() - started))
        last[:] = [now, heap]

    t = time.perf_counter()
    from assistant.chat.assistant import Assistant
    from index.config import Settings
    from index.store.knowledge import KnowledgeBase

    mark("imports", t)
    settings = Settings(data_dir=Path(args.data_dir), as_of_text="2026-11-21", llm_base_url="", llm_model="")
    t = time.perf_counter()
    kb = KnowledgeBase.open(settings)
    kb.clauses  # noqa: B018 - loads the records
    mark(f"records ({len(kb.documents)} documents, {len(kb.clauses)} clauses)", t)
    t = time.perf_counter()
    build = kb._live()
    keyword = build.keyword
    mark(f"BM25 index ({len(keyword.ids)} clauses)", t)
    t = time.perf_counter()
    build.exact  # noqa: B018
    mark("clause vectors (exact search)", t)
    t = time.perf_counter()
    build.model.for_questions()
    mark("question embedder", t)
    t = time.perf_counter()
    from index.store.keyword import tokenize

    tokenize("研发设备补助")
    mark("jieba dictionary", t)
    t = time.perf_counter()
    assistant = Assistant(kb, settings.with_(data_dir=Path(args.data_dir) / "sessions-mem"))
    assistant.ask("物流公共信息平台投资了800万，能补助多少？")
    mark("first answer (rules, calculators, ...)", t)
    from bench_answer import questions

    t = time.perf_counter()
    for q in questions(kb, args.questions):
        assistant.ask(q)
    mark(f"{args.questions} more answers", t)
    print(f"{'stage':<48} {'RSS MB':>8} {'+MB':>8} {'+heap MB':>9} {'s':>6}")
    for name, now, grow, heap, secs in rows:
        print(f"{name:<48} {now:8.0f} {grow:8.0f} {heap:9.0f} {secs:6.1f}")
    print(f"peak RSS {rss_mb()[1]:.0f} MB; load {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
