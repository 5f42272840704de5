"""Choose the BM25 weight of the hybrid fusion on a dev half of a question set, report on the other half.

    python benchmarks/tune_fusion.py eval/questions/*.jsonl [--data-dir data]

Questions are split by a stable hash of their id (crc32 even → dev, odd → held out), so the
weight is never chosen on the questions it is reported on. Single-turn answerable questions
only; hit@1 is judged as the eval harness judges it (document + clause snippet).
"""
from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.config import Settings  # noqa: E402
from assistant.evaluation.judge import Judge  # noqa: E402
from assistant.evaluation.questions import load_questions
from index.store.retrieve import CANDIDATES, rrf_fuse  # noqa: E402
from index.store.knowledge import KnowledgeBase  # noqa: E402

WEIGHTS = (0.5, 1.0, 1.5, 2.0, 3.0, 5.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()
    settings = Settings().with_(data_dir=Path(args.data_dir) if args.data_dir else None)
    kb = KnowledgeBase.open(settings)
    judge = Judge(kb.documents, kb.clauses)
    qs = [q for q in load_questions(args.files) if q.answerable and len(q.turns) == 1 and not q.expected_docs_all]
    rows = []
    for q in qs:
        dense = kb.dense_search(q.text, CANDIDATES, None)
        sparse = kb.keyword_search(q.text, CANDIDATES, None)
        rows.append((q, dense, sparse))
    halves = {"dev": [r for r in rows if zlib.crc32(r[0].id.encode()) % 2 == 0],
              "held-out": [r for r in rows if zlib.crc32(r[0].id.encode()) % 2 == 1]}

    def hit1(rows, w):
        n = 0
        for q, dense, sparse in rows:
            fused = rrf_fuse([dense, sparse], weights=(1.0, w))
            items = [(judge._doc_keys(kb.clauses[c].doc_id), kb.clauses[c].text) for c, _ in fused[:5]]
            n += judge._first_hit(q, items) == 1
        return n / len(rows)

    print(f"questions: dev {len(halves['dev'])}, held-out {len(halves['held-out'])}")
    print("bm25 weight | dev hit@1 | held-out hit@1")
    for w in WEIGHTS:
        print(f"{w:>11} | {hit1(halves['dev'], w):.3f}     | {hit1(halves['held-out'], w):.3f}")


if __name__ == "__main__":
    main()
