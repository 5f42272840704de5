"""Same answers with the fast dense path? An A/B in one process (not a test).

    .venv/bin/python benchmarks/ab_dense_path.py [--data-dir DIR | --corpus-extra DIR]

Chroma's HNSW search is deterministic within a process but, on a large collection, not across
processes (two runs of the same code on corpus + corpus-extra retrieve different top-30s for a
few questions; see docs/readme-parts/70-latency.md). So comparing two separate runs cannot
show that a change leaves answers alone. This script answers every question of
eval/questions/*.jsonl in ONE process with three dense paths, question by question:

    old      the LangChain Chroma wrapper, the model's default torch threads, no cache
    direct   Chroma queried for ids + distances, default threads, vector cache
    fast     what index.store does now: direct + one torch thread for the question

and prints how many answers differ from ``old`` (answer text, refusal, citations, retrieval order,
amounts; scores within 1e-5). ``direct`` isolates the Chroma call and the cache (must be 0);
``fast`` adds the one-thread vectors, which differ from the default ones by float rounding.
"""
from __future__ import annotations

import argparse
import glob
import sys
import tempfile
from pathlib import Path

from common import REPO  # noqa: E402 - sets sys.path and offline env first
from compare_answers import compare_dumps
from profile_answer import open_kb, outcome


def old_dense(build, query, top_n, allowed):
    """index.store.knowledge's dense search before the change (commit ee10269), verbatim in effect."""
    if allowed is not None and not allowed:
        return []
    vector = build.model.get().embed_query(query)
    where = {"doc_id": {"$in": sorted(allowed)}} if allowed is not None else None
    n = min(top_n, len(build.clauses))
    hits = build.vectorstore.similarity_search_by_vector_with_relevance_scores(vector, k=n, filter=where)
    return [(doc.id or doc.metadata["clause_id"], 1.0 - float(dist)) for doc, dist in hits]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--data-dir")
    src.add_argument("--corpus-extra", metavar="DIR")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()

    import index.store.embeddings as embeddings  # noqa: F401 - QueryVectors below
    from assistant.chat.assistant import Assistant
    from assistant.evaluation.questions import load_questions
    from index.store.knowledge import _Build

    kb, settings = open_kb(args)
    new_dense = _Build.dense_search
    questions = load_questions(sorted(glob.glob(str(REPO / "eval" / "questions" / "*.jsonl"))))
    questions = questions[:args.limit] if args.limit else questions

    def variant(name):
        """Patch the store for one variant (the vector cache is emptied between variants)."""
        kb._model.queries = embeddings.QueryVectors()
        kb._model.settings = settings.with_(query_threads=1 if name == "fast" else _default_threads())
        _Build.dense_search = old_dense if name == "old" else new_dense

    names = ("old", "direct", "fast")
    runs: dict[str, list[dict]] = {n: [] for n in names}
    assistants = {n: Assistant(kb, settings.with_(data_dir=Path(tempfile.mkdtemp(prefix=f"ab-{n}-"))))
                  for n in names}
    for i, q in enumerate(questions):
        for name in names:  # interleaved, so every variant sees the same process state
            variant(name)
            a = assistants[name]
            for text in q.turns[:-1]:
                a.ask(text, session_id=f"ab-{i}", as_of=settings.as_of)
            runs[name].append(outcome(q, a.ask(q.turns[-1], session_id=f"ab-{i}", as_of=settings.as_of)))
    _Build.dense_search = new_dense
    print(f"{len(kb.documents)} documents, {len(kb.clauses)} clauses, {len(questions)} questions")
    for name in names[1:]:
        diffs = compare_dumps(runs["old"], runs[name], 1e-5)
        ids = sorted({d.split(":")[0] for d in diffs})
        moved = sum(x[1] != y[1] for a, b in zip(runs["old"], runs[name]) for x, y in zip(a["scores"], b["scores"])
                    if x[1] is not None and y[1] is not None)
        print(f"old vs {name:6}: {len(ids)} question(s) differ" + (f" ({', '.join(ids)})" if ids else "")
              + f"; {moved} dense scores not bit-identical (float rounding of the question vector)")
        for line in diffs:
            print("   ", line)
    return 0


def _default_threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    sys.exit(main())
