"""Train the clause reranker (assistant/answer/ranker.py) on a question set's question → clause pairs.

    collect QUESTIONS… --data-dir D [--corpus DIR] [--corpus-extra DIR] --out groups.json
        runs the deterministic pipeline (rule order) over the cached eval index and records, for
        the last turn of every answerable question, each window the answer chose its citation
        from: the feature rows and which clauses hold the expected clause (expected_doc + snippet)
    fit groups.json --out weights.json [--ids-prefix xa1-] [--exclude-prefix xa2-]
        the listwise model over those groups; the same groups give the same weights

Train on the development set only (eval/questions-extra). The shipped weights are
``fit eval/rerank_groups.json --out assistant/answer/data/rerank.json``.
Run from the repository root:  python -m eval.train_rerank … or python eval/train_rerank.py …
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def collect(paths: list[str], data_dir: Path, corpus: Path, extra: Path | None, as_of: str) -> list[dict]:
    from assistant.answer import ranker
    from assistant.chat.assistant import Assistant
    from assistant.cli.evaluate import open_kb
    from assistant.evaluation.judge import Judge
    from assistant.evaluation.questions import load_questions, norm
    from index.config import Settings

    os.environ["POLICY_RERANK"] = "0"  # the windows as the rule order sees them
    settings = Settings().with_(data_dir=data_dir, corpus_dir=corpus, llm_base_url="", llm_model="", as_of_text=as_of)
    kb, s = open_kb(settings, extra, progress=False)
    judge = Judge(kb.documents, kb.clauses)
    assistant = Assistant(kb, s.with_(data_dir=Path(tempfile.mkdtemp(prefix="rerank-"))))
    groups = []
    for q in load_questions(paths):
        if not q.answerable or not q.expected_clause:
            continue
        session = assistant.new_session() if len(q.turns) > 1 else None
        for turn in q.turns[:-1]:
            assistant.ask(turn, session_id=session, as_of=settings.as_of)
        ranker.RECORDER = []
        try:
            assistant.ask(q.text, session_id=session, as_of=settings.as_of)
            seen = ranker.RECORDER
        finally:
            ranker.RECORDER = None
        snippet = norm(q.expected_clause)
        for n, (_, ids, rows) in enumerate(seen):
            labels = [int(any(judge._matches(judge._doc_keys(kb.clauses[c].doc_id), want)
                              for want in q.expected_doc) and snippet in norm(kb.clauses[c].text))
                      for c in ids]
            groups.append({"id": q.id, "call": n, "clauses": ids, "rows": rows, "labels": labels})
    return groups


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("questions", nargs="+")
    c.add_argument("--data-dir", required=True, type=Path)
    c.add_argument("--corpus", type=Path, default=Path("corpus"))
    c.add_argument("--corpus-extra", type=Path)
    c.add_argument("--as-of", default="2026-11-21")
    c.add_argument("--out", required=True, type=Path)
    f = sub.add_parser("fit")
    f.add_argument("groups", type=Path)
    f.add_argument("--out", required=True, type=Path)
    f.add_argument("--ids-prefix", default="", help="train only on question ids starting with this")
    f.add_argument("--exclude-prefix", default="", help="leave out question ids starting with this")
    args = p.parse_args(argv)
    if args.cmd == "collect":
        groups = collect(args.questions, args.data_dir, args.corpus, args.corpus_extra, args.as_of)
        args.out.write_text(json.dumps(groups, ensure_ascii=False) + "\n", encoding="utf-8")
        usable = sum(1 for g in groups if 0 < sum(g["labels"]) < len(g["labels"]))
        print(f"{len(groups)} windows, {usable} with an answering clause and a distractor -> {args.out}")
        return 0
    from assistant.answer.ranker import fit

    groups = json.loads(args.groups.read_text(encoding="utf-8"))
    groups = [g for g in groups if g["id"].startswith(args.ids_prefix)
              and not (args.exclude_prefix and g["id"].startswith(args.exclude_prefix))]
    weights = fit(groups)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    print(f"trained on {weights['trained_on']} windows -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
