"""`policy-assistant doc-log` — the document changes made from the web UI / API (who, when, what).

    policy-assistant doc-log [--limit N] [--json]

Reads DATA_DIR/documents.log.jsonl (written by ``assistant.web.documents``), newest first.
"""
from __future__ import annotations

import json

_ACTIONS = {"upload": "upload (preview)", "publish": "publish", "remove": "remove",
            "publish_failed": "publish FAILED", "remove_failed": "remove FAILED"}


def register(sub, parents) -> None:
    p = sub.add_parser("doc-log", parents=parents, help="list document uploads, publications and removals",
                       description="The change log of documents managed from the web UI or POST/DELETE "
                                   "/api/documents: time (UTC), user, action, document; newest first.")
    p.add_argument("--limit", type=int, default=50, help="at most this many entries (default 50)")
    p.add_argument("--json", action="store_true", help="print JSON lines")
    p.set_defaults(handler=doc_log)


def doc_log(args, settings) -> int:
    from assistant.web.documents import read_changes

    entries = read_changes(settings, max(1, args.limit))
    if args.json:
        for e in entries:
            print(json.dumps(e, ensure_ascii=False))
        return 0
    if not entries:
        print("no document changes logged")
        return 0
    for e in entries:
        what = e.get("title") or e.get("filename") or ""
        extra = f"  ({e['error']})" if e.get("error") else ""
        print(f"{e.get('time', '')}  {e.get('user') or '-':<12} {_ACTIONS.get(e.get('action'), e.get('action')):<16} "
              f"{e.get('doc_id', '')}  {what}{extra}")
    return 0
