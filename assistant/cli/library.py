"""`policy-assistant ingest | docs | search` — build the index, list documents, search clauses.

Handlers take (args, settings) and return an exit code; heavy imports stay inside them
so that ``policy-assistant --help`` is instant. Errors are raised as library errors and
printed in English by assistant.cli.
"""
from __future__ import annotations

import json
import sys


def register(sub, parents) -> None:
    p = sub.add_parser("ingest", parents=parents, help="build or update the index from corpus/ (+ PATHs)",
                       description="Index the corpus folder plus any PATHs (files or folders). The index "
                                   "mirrors exactly these sources: files no longer given are removed.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="extra files or folders to index with the corpus")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print each stage (parse, embed, write, swap) on stderr as it starts")
    p.set_defaults(handler=ingest)

    p = sub.add_parser("docs", parents=parents, help="list indexed documents with metadata and validity")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(handler=docs)

    p = sub.add_parser("search", parents=parents, help="show the clauses that best match a question")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5, help="how many clauses (default 5)")
    p.add_argument("--region", help="only documents whose region contains this, e.g. 嘉兴")
    p.add_argument("--issuer", help="only documents whose issuer contains this")
    p.add_argument("--valid-only", action="store_true", help="drop documents expired at --as-of")
    p.add_argument("--mode", choices=("hybrid", "dense", "bm25"), default="hybrid")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=search)


def ingest(args, settings) -> int:
    from pathlib import Path

    from index.ingest.pipeline import build_index

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:  # a typo must not silently drop documents from the index
        print(f"error: no such file or folder: {', '.join(missing)}; nothing was indexed", file=sys.stderr)
        return 2
    if not args.paths and not Path(settings.corpus_dir).is_dir():
        print(f"error: corpus folder {settings.corpus_dir} does not exist (set --corpus or POLICY_CORPUS_DIR); "
              "nothing was indexed", file=sys.stderr)
        return 2

    from assistant.web.documents import managed_dir

    # documents published from the web UI / API stay in the index
    managed = [str(managed_dir(settings))] if managed_dir(settings).is_dir() else []
    if args.verbose:
        _log_stages()
    report = build_index(settings, paths=[*args.paths, *managed],
                         progress=not args.no_progress and sys.stderr.isatty())
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0 if report.ok else 1
    if report.status == "unchanged":
        print(f"index unchanged (build {report.version}): {report.documents} documents, {report.clauses} clauses")
    elif report.status == "built":
        print(f"index built (build {report.version}) in {report.seconds:.1f}s: "
              f"{report.documents} documents, {report.clauses} clauses "
              f"({report.embedded} embedded, {report.reused} reused)")
        for label, ids in (("added", report.added), ("updated", report.updated),
                           ("removed", report.removed), ("unchanged", report.unchanged)):
            print(f"  {label:<9} {len(ids):>4}" + (f"  {_brief(ids)}" if ids else ""))
    else:
        print(f"nothing could be indexed from {settings.corpus_dir}"
              + (f" + {', '.join(args.paths)}" if args.paths else "")
              + "; the previous index (if any) is unchanged", file=sys.stderr)
    if report.bad:
        print(f"skipped {len(report.bad)} bad file(s):")
        for path, reason in report.bad:
            print(f"  {path}: {reason}")
    if report.warnings:
        print(f"warnings ({len(report.warnings)}):")
        for w in report.warnings:
            print(f"  {w}")
    return 0 if report.ok else 1


def _log_stages() -> None:
    import logging
    import time

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d %(message)s", "%H:%M:%S"))
    handler.converter = time.gmtime
    log = logging.getLogger("index.ingest")
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def docs(args, settings) -> int:
    from index.store.knowledge import KnowledgeBase

    kb = KnowledgeBase.open(settings)
    as_of = settings.as_of
    rows = []
    for d in kb.documents.values():
        rows.append({**d.to_dict(), "validity": d.validity(as_of), "as_of": as_of.isoformat(),
                     "clauses": len(kb.clauses_of(d.doc_id))})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{len(rows)} documents, {len(kb.clauses)} clauses (validity at {as_of.isoformat()})")
    for r in rows:
        dates = ", ".join(f"{k} {v}" for k, v in r["dates"].items()) or "-"
        until = f", 有效期至 {r['valid_until']}" if r["valid_until"] else ""
        print(f"\n{r['doc_id']}  《{r['title']}》")
        print(f"  文号 {r['doc_number'] or '-'} | {r['issuer'] or '-'} | {r['region'] or '-'} | {r['clauses']} clauses")
        print(f"  {dates}{until} | {r['validity']}" + (" | 原文不完整" if r["incomplete"] else ""))
        for w in r["warnings"]:
            print(f"  warning: {w}")
    return 0


def search(args, settings) -> int:
    from index.store.knowledge import KnowledgeBase

    kb = KnowledgeBase.open(settings)
    hits = kb.search(args.question, k=args.k, mode=args.mode, region=args.region, issuer=args.issuer,
                     valid_only=args.valid_only, as_of=settings.as_of)
    as_of = settings.as_of
    results = []
    for h in hits:
        d = kb.documents[h.clause.doc_id]
        if d.text[h.clause.start:h.clause.end] != h.clause.text:
            # never show a quote that is not verbatim in its document
            print(f"warning: clause {h.clause.clause_id} does not match its document span; hidden "
                  "(re-ingest to repair)", file=sys.stderr)
            continue
        results.append({"rank": h.rank, "clause_id": h.clause.clause_id, "citation": citation_line(d, h.clause),
                        "validity": d.validity(as_of), "score": h.score, "dense_score": h.dense_score,
                        "bm25_score": h.bm25_score, "text": h.clause.text})
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("no matching clauses" + (" (check the --region/--issuer filters)" if args.region or args.issuer else ""))
        for note in _unknown_filters(kb, args):
            print(note)
        return 0
    for r in results:
        print(f"{r['rank']}. {r['citation']}  [{r['validity']}]")
        print(f"   score {r['score']:.4f} (dense {_num(r['dense_score'])}, bm25 {_num(r['bm25_score'])})  {r['clause_id']}")
        print("   " + r["text"].replace("\n", "\n   "))
        print()
    return 0


def _unknown_filters(kb, args) -> list[str]:
    """A --region / --issuer no indexed document has, said so with the values that exist."""
    from index.store.retrieve import allowed_documents

    notes = []
    for key, what in (("region", "region"), ("issuer", "issuer")):
        value = (getattr(args, key) or "").strip()
        if value and not allowed_documents(kb, **{key: value}):
            known = sorted({getattr(d, key) for d in kb.documents.values() if getattr(d, key)})
            notes.append(f"no indexed document has the {what} {value!r}; known: {', '.join(known) or '-'}")
    return notes


def citation_line(doc, clause) -> str:
    """《标题》（文号）发布机构 · 二、（四） — the same line a Citation shows."""
    from assistant.records import Citation

    return Citation(doc_id=doc.doc_id, title=doc.title, doc_number=doc.doc_number, issuer=doc.issuer,
                    clause_id=clause.clause_id, display_path=clause.display_path, path=clause.path,
                    quote=clause.text, start=clause.start, end=clause.end).line


def _num(x) -> str:
    return "-" if x is None else f"{x:.4f}"


def _brief(ids: list[str], limit: int = 6) -> str:
    return ", ".join(ids[:limit]) + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")
