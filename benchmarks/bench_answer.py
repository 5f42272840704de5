"""Answer benchmark (not a test): warm answer latency of the default (no-LLM) answerer,
process RSS, and the numbers behind the on-topic calibration in assistant/scope.py.

    .venv/bin/python benchmarks/bench_answer.py [--n 120] [--data-dir DIR | --corpus-extra DIR]

Builds (or reuses, with --data-dir) an index of corpus/ in a temp folder — or, with
--corpus-extra, uses the eval's index of corpus/ + DIR under data/eval/ (built incrementally,
as ``policy-assistant eval --corpus-extra`` does; the first build embeds every clause) — warms the
assistant with one question, then answers N questions — the single-turn questions of
eval/questions/*.jsonl and tests/data/answer_cases.jsonl, topped up with questions
generated from clause headings — and prints p50/p95/mean/max latency per answer, the
share refused, and RSS. ``--calibrate`` prints dense/BM25/shared-word figures for the
in-scope and off-topic questions of tests/data/answer_cases.jsonl. One run, this machine.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, rss_mb  # noqa: E402 - sets sys.path and offline env first


def questions(kb, n: int) -> list[str]:
    out: list[str] = []
    for path in sorted((REPO / "eval" / "questions").glob("*.jsonl")) + [REPO / "tests/data/answer_cases.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line).get("question")
                if q:
                    out.append(q)
    for clause in kb.clauses.values():  # top up with heading-based questions
        head = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*", "", clause.path[-1] if clause.path else "")
        if 2 <= len(head) <= 20:
            out.append(f"{head}有什么扶持政策？")
    return out[:n]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def calibrate(kb) -> None:
    from assistant.answer.scope import _BENEFIT
    from assistant.question.terms import content_terms
    from assistant.lexicon.places import regions_in

    cases = [json.loads(x) for x in (REPO / "tests/data/answer_cases.jsonl").read_text(encoding="utf-8").splitlines() if x]
    print(f"{'kind':8} {'dense':>6} {'bm25':>6} {'shared':>6} benefit question")
    for c in cases:
        if "question" not in c:
            continue
        r = kb.search(c["question"], k=8)
        top = "".join(s.clause.embed_text for s in r[:3])
        terms = [t for t in content_terms(c["question"]) if t not in regions_in(c["question"])]
        shared = sum(t in top for t in terms) / len(terms) if terms else 0.0
        dense = max((s.dense_score for s in r if s.dense_score is not None), default=0.0)
        bm25 = max((s.bm25_score for s in r if s.bm25_score is not None), default=0.0)
        print(f"{c['kind']:8} {dense:6.3f} {bm25:6.2f} {shared:6.2f} {bool(_BENEFIT.search(c['question'])):d}       {c['question']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=120, help="questions to answer (default 120)")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--data-dir", help="reuse an index here instead of building one in a temp folder")
    src.add_argument("--corpus-extra", metavar="DIR", help="answer over corpus/ + DIR (the eval's index)")
    ap.add_argument("--calibrate", action="store_true", help="print the on-topic calibration figures")
    args = ap.parse_args()

    from assistant.chat.assistant import Assistant
    from index.config import Settings
    from index.store.knowledge import KnowledgeBase
    from index.ingest.pipeline import build_index

    t0 = time.perf_counter()
    if args.corpus_extra:
        from assistant.cli.evaluate import open_kb

        settings = Settings(data_dir=(REPO / "data").resolve(), corpus_dir=REPO / "corpus", as_of_text="2026-11-21",
                            chroma_url="", llm_base_url="", llm_model="")
        kb, settings = open_kb(settings, Path(args.corpus_extra).resolve(), progress=False)
        settings = settings.with_(data_dir=Path(tempfile.mkdtemp(prefix="bench-answer-sessions-")))
    else:
        data = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="bench-answer-"))
        settings = Settings(data_dir=data, corpus_dir=REPO / "corpus", as_of_text="2026-11-21", chroma_url="",
                            llm_base_url="", llm_model="")
        if not (data / "index" / "CURRENT").exists():
            build_index(settings, progress=False)
        kb = KnowledgeBase.open(settings)
    assistant = Assistant(kb, settings)
    assistant.ask("物流公共信息平台投资了800万，能补助多少？")  # warm: model, index, calculator
    print(f"index + warm-up: {time.perf_counter() - t0:.1f}s ({len(kb.documents)} documents, {len(kb.clauses)} "
          f"clauses); RSS after warm-up {rss_mb()[0]:.0f} MB")
    if args.calibrate:
        calibrate(kb)
        return 0

    qs = questions(kb, args.n)
    times, refused = [], 0
    for q in qs:
        t = time.perf_counter()
        answer = assistant.ask(q)
        times.append(time.perf_counter() - t)
        refused += answer.refused
    cur, peak = rss_mb()
    print(f"default answerer, warm, {len(qs)} questions (mode {assistant.mode}):")
    print(f"  latency p50 {pct(times, .5) * 1000:.0f} ms | p95 {pct(times, .95) * 1000:.0f} ms | "
          f"mean {statistics.mean(times) * 1000:.0f} ms | max {max(times) * 1000:.0f} ms")
    print(f"  refused {refused}/{len(qs)}")
    print(f"  RSS {cur:.0f} MB (peak {peak:.0f} MB)")
    print(f"  load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
