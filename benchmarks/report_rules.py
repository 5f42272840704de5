"""Rule extraction report: precision / recall against eval/rules_gold.jsonl, plus speed.

    .venv/bin/python benchmarks/report_rules.py [--extra /work/shared/corpus-extra] [--verbose]

Prints the gold counts, precision and recall (overall and per document), every miss
and false positive with the field that differs, the extraction time over the shipped
corpus (median of 5 runs), the calculator's per-call time (median / p95), and — when
--extra is given — how the extractor behaves on unlabelled documents (rules found,
kinds, errors). Numbers only; nothing is asserted here.
"""
from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.calculator.calculate import calculate  # noqa: E402
from assistant.rules.catalog import extract_rules, stacking_principle  # noqa: E402
from assistant.evaluation.rules_gold import load_gold, score  # noqa: E402
from index.ingest.clauses import split_clauses  # noqa: E402
from index.ingest.documents import load_corpus, load_document  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    ap.add_argument("--extra", help="folder of unlabelled documents to run the extractor over")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    docs, bad = load_corpus(args.corpus)
    documents = {d.doc_id: d for d in docs}
    gold = load_gold()
    result = score(documents, gold)
    print(f"gold: {result.gold_rules} rules in {sum(1 for g in gold if g['rules'])} clauses, "
          f"{sum(1 for g in gold if not g['rules'])} no-benefit passages")
    print(f"extracted: {result.extracted} rules; exact: {result.exact}; located (any field may differ): {result.located}")
    print(f"precision {result.precision:.3f}  recall {result.recall:.3f}")
    for doc_id in sorted({g["doc_id"] for g in gold}):
        sub = score(documents, [g for g in gold if g["doc_id"] == doc_id])
        print(f"  {doc_id:<45} gold {sub.gold_rules:>3}  extracted {sub.extracted:>3}  "
              f"P {sub.precision:.3f}  R {sub.recall:.3f}" if sub.extracted or sub.gold_rules else
              f"  {doc_id:<45} gold   0  extracted   0  (no amount-bearing clause)")
    for line in result.misses:
        print("  MISS", line)
    for line in result.false_positives:
        print("  FALSE POSITIVE", line)

    clauses = [(c, stacking_principle(d.text)) for d in docs for c in split_clauses(d)]
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        rules = [r for c, st in clauses for r in extract_rules(c, st)]
        runs.append(time.perf_counter() - t0)
    print(f"extraction over {len(clauses)} clauses: median {statistics.median(runs) * 1000:.1f} ms "
          f"({len(rules)} rules)")
    per_call = []
    for r in rules * 20:
        t0 = time.perf_counter()
        calculate(r, {})
        per_call.append(time.perf_counter() - t0)
    per_call.sort()
    print(f"calculate(): {len(per_call)} calls, p50 {per_call[len(per_call) // 2] * 1e6:.0f} µs, "
          f"p95 {per_call[int(len(per_call) * 0.95)] * 1e6:.0f} µs")

    if args.extra:
        kinds, errors, n_docs, n_rules = collections.Counter(), 0, 0, 0
        t0 = time.perf_counter()
        for path in sorted(Path(args.extra).iterdir()):
            if path.suffix not in (".txt", ".md", ".html", ".htm", ".docx", ".pdf") or path.stem.isupper():
                continue  # MANIFEST / SOURCES / README describe the folder; they are not documents
            try:
                doc = load_document(path, path.parent)
            except Exception:  # unreadable files are the loader's report, not this one's
                continue
            n_docs += 1
            st = stacking_principle(doc.text)
            for c in split_clauses(doc):
                try:
                    rs = extract_rules(c, st)
                except Exception as exc:  # counted and shown: a crash here is a bug to fix
                    errors += 1
                    if args.verbose:
                        print(f"  ERROR {c.clause_id}: {exc!r}")
                    continue
                n_rules += len(rs)
                kinds.update(r.kind for r in rs)
        print(f"extra corpus: {n_docs} documents, {n_rules} rules, {errors} errors, "
              f"{time.perf_counter() - t0:.1f} s; kinds {dict(kinds.most_common())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
