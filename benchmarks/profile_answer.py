"""Where an answer's time goes (not a test): per-stage latency of the default answerer.

    .venv/bin/python benchmarks/profile_answer.py [--data-dir DIR | --corpus-extra DIR]
        [--limit N] [--dump answers.json] [--cprofile N]

Opens an index (reused from --data-dir, or the eval's own index of corpus/ [+ DIR], built
incrementally as ``policy-assistant eval`` does), warms the assistant with one question, then
plays every question of eval/questions/*.jsonl the way the eval runner does (earlier turns of a
conversation set it up, only the last turn is timed). Each stage's time is *exclusive* (a stage
called inside another is not counted twice); "other" is what no stage claims. Prints, per stage,
the total over the run, its share, and per-question p50/p95; then the answers' p50/p95.

``--dump`` writes every question's outcome (answer text, refused, citations with spans, the
retrieval order, calculated amounts) so two code states can be compared question by question
(``benchmarks/compare_answers.py``). ``--cprofile N`` also prints cProfile's top N functions.
The stage timers wrap functions in this process only; nothing in the product is changed.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import REPO, rss_mb  # noqa: E402 - sets sys.path and offline env first


class StageTimer:
    """Exclusive wall time per stage: a wrapped call's time minus its wrapped callees'."""

    def __init__(self):
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list] = []  # [stage, time spent in wrapped children]

    def wrap(self, owner, name: str, stage: str) -> None:
        original = getattr(owner, name)
        timer = self

        def timed(*args, **kwargs):
            timer._stack.append([stage, 0.0])
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                _, children = timer._stack.pop()
                timer.totals[stage] += spent - children
                timer.calls[stage] += 1
                if timer._stack:
                    timer._stack[-1][1] += spent

        timed.__wrapped__ = original
        setattr(owner, name, timed)

    def take(self) -> dict[str, float]:
        """Stage totals since the last take (seconds), then reset."""
        out = dict(self.totals)
        self.totals.clear()
        return out


def install(timer: StageTimer) -> None:
    """Wrap the pipeline's stages where the answer path looks them up (module attributes)."""
    import langchain_chroma
    from chromadb.api.models.Collection import Collection
    from langchain_huggingface import HuggingFaceEmbeddings

    import assistant.answer.compose as answer
    import assistant.calculator.select as calc_select
    import assistant.chat.assistant as chat
    import assistant.answer.citations as citations
    import assistant.answer.fit as fit
    import assistant.answer.scope as scope
    import assistant.answer.select as selection
    import index.store.retrieve as retrieve
    from index.store.keyword import KeywordIndex

    from index.store.embeddings import MeanPoolingEmbedder
    from index.store.vectors import ExactVectors

    timer.wrap(HuggingFaceEmbeddings, "embed_query", "query embedding")
    timer.wrap(MeanPoolingEmbedder, "embed_query", "query embedding")
    timer.wrap(ExactVectors, "search", "exact dense search")
    timer.wrap(langchain_chroma.Chroma, "similarity_search_by_vector_with_relevance_scores", "chroma query")
    timer.wrap(Collection, "query", "chroma query")
    timer.wrap(KeywordIndex, "search", "bm25")
    timer.wrap(retrieve, "rrf_fuse", "fusion")
    timer.wrap(retrieve, "allowed_documents", "filters")
    timer.wrap(retrieve, "search", "search (rest)")
    timer.wrap(scope, "check_question", "scope/region checks")
    timer.wrap(scope, "check_retrieval", "scope/region checks")
    timer.wrap(chat.Assistant, "_subject_places", "scope/region checks")
    timer.wrap(chat.Assistant, "_standalone", "follow-up rewrite")
    timer.wrap(chat, "retrieve", "selection")
    timer.wrap(chat, "choose", "selection")
    timer.wrap(chat, "final_ranking", "selection")
    timer.wrap(selection, "rerank", "selection")
    timer.wrap(fit, "clause_count", "clause scans (fit)")  # idf / rare-phrase: a scan of every clause per new word
    timer.wrap(chat, "extract_facts", "facts")
    timer.wrap(chat, "calculate_for", "rules + calculator")
    timer.wrap(calc_select, "rules_for", "rules + calculator")
    timer.wrap(citations, "make_citation", "citation verification")
    timer.wrap(answer, "make_citation", "citation verification")
    timer.wrap(answer, "keep_verified", "citation verification")
    timer.wrap(chat, "compose", "answer composition")
    timer.wrap(scope, "refusal_text", "answer composition")
    timer.wrap(chat.Assistant, "_remember", "session save")
    timer.wrap(chat.Assistant, "snapshot", "build view")


def outcome(q, answer) -> dict:
    """What the answer to one question was, in a comparable form."""
    return {
        "id": q.id,
        "refused": answer.refused,
        "answer": answer.answer,
        "citations": [[c.clause_id, c.start, c.end, c.quote] for c in answer.citations],
        "retrieved": [s.clause.clause_id for s in answer.retrieved],
        "scores": [[s.score, s.dense_score, s.bm25_score] for s in answer.retrieved],
        "amounts": [None if c.amount_yuan is None else str(c.amount_yuan) for c in answer.calculations],
        "warnings": list(answer.warnings),
    }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def open_kb(args):
    from assistant.cli.evaluate import open_kb as eval_kb
    from index.config import Settings
    from index.store.knowledge import KnowledgeBase

    base = dict(corpus_dir=REPO / "corpus", as_of_text="2026-11-21", chroma_url="", llm_base_url="", llm_model="")
    if args.data_dir:
        settings = Settings(data_dir=Path(args.data_dir).resolve(), **base)
        return KnowledgeBase.open(settings), settings
    settings = Settings(data_dir=(REPO / "data").resolve(), **base)
    extra = Path(args.corpus_extra).resolve() if args.corpus_extra else None
    return eval_kb(settings, extra, progress=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--data-dir", help="answer from the index in this data dir (its index/ folder)")
    src.add_argument("--corpus-extra", metavar="DIR", help="the eval's index of corpus/ + DIR (as eval does)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N questions")
    ap.add_argument("--dump", metavar="PATH", help="write every question's outcome here (JSON)")
    ap.add_argument("--cprofile", type=int, default=0, metavar="N", help="also print cProfile's top N")
    args = ap.parse_args()

    from assistant.chat.assistant import Assistant
    from assistant.evaluation.questions import load_questions

    t0 = time.perf_counter()
    kb, settings = open_kb(args)
    scratch = Path(tempfile.mkdtemp(prefix="profile-sessions-"))
    assistant = Assistant(kb, settings.with_(data_dir=scratch))
    questions = load_questions(sorted(glob.glob(str(REPO / "eval" / "questions" / "*.jsonl"))))
    if args.limit:
        questions = questions[:args.limit]

    def ask(text, session):
        return assistant.ask(text, session_id=session, as_of=settings.as_of)

    assistant.ask("物流公共信息平台投资了800万，能补助多少？")  # warm: model, indexes, rule table
    print(f"{len(kb.documents)} documents, {len(kb.clauses)} clauses; open + warm-up "
          f"{time.perf_counter() - t0:.1f}s; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

    timer = StageTimer()
    install(timer)
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
    per_stage: dict[str, list[float]] = defaultdict(list)
    totals, outcomes = [], []
    for i, q in enumerate(questions):
        session = f"profile-{i}"  # a fresh conversation per question, as in the eval
        for text in q.turns[:-1]:  # set-up turns: not timed
            ask(text, session)
        timer.take()
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        answer = ask(q.turns[-1], session)
        ms = (time.perf_counter() - start) * 1000
        if profiler:
            profiler.disable()
        stages = timer.take()
        totals.append(ms)
        stages["other"] = max(0.0, ms / 1000 - sum(stages.values()))
        for name in set(per_stage) | set(stages):
            per_stage[name].append(stages.get(name, 0.0) * 1000)
        outcomes.append(outcome(q, answer))

    grand = sum(totals)
    print(f"\n{len(totals)} questions, default answerer; exclusive time per stage:")
    print(f"{'stage':24} {'total ms':>9} {'share':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for name, values in sorted(per_stage.items(), key=lambda kv: -sum(kv[1])):
        print(f"{name:24} {sum(values):9.0f} {sum(values) / grand:6.1%} {pct(values, .5):7.1f} "
              f"{pct(values, .95):7.1f} {max(values):7.1f}")
    print(f"answer latency: p50 {pct(totals, .5):.0f} ms | p95 {pct(totals, .95):.0f} ms | "
          f"mean {statistics.mean(totals):.0f} ms | max {max(totals):.0f} ms")
    print(f"refused {sum(o['refused'] for o in outcomes)}/{len(outcomes)}; RSS {rss_mb()[0]:.0f} MB; "
          f"load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    if args.dump:
        Path(args.dump).write_text(json.dumps(outcomes, ensure_ascii=False, indent=0), encoding="utf-8")
        print(f"outcomes: {args.dump}")
    if profiler:
        import pstats

        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
