"""`policy-assistant feedback` — the 👍/👎 users left on answers (``<data dir>/feedback.jsonl``)."""
from __future__ import annotations

import json


def register(sub, parents) -> None:
    p = sub.add_parser("feedback", parents=parents, help="list the feedback users gave on answers",
                       description="List the thumbs up/down (and comments) left on answers in the web UI "
                                   "or through POST /api/feedback, oldest first.")
    p.add_argument("--rating", choices=["up", "down"], help="only this rating")
    p.add_argument("--limit", type=int, default=None, help="only the last N records")
    p.add_argument("--json", action="store_true", help="print JSON lines")
    p.set_defaults(handler=run)


def run(args, settings) -> int:
    from assistant.chat.feedback import FeedbackStore, feedback_path
    from index.errors import InputError

    if args.limit is not None and args.limit < 1:
        raise InputError("--limit must be at least 1")
    path = feedback_path(settings)
    records = FeedbackStore(path).read(rating=args.rating, limit=args.limit)
    if args.json:
        for r in records:
            print(json.dumps(r, ensure_ascii=False))
        return 0
    if not records:
        print(f"no feedback yet ({path})")
        return 0
    up = sum(r.get("rating") == "up" for r in records)
    print(f"{len(records)} feedback records ({up} up, {len(records) - up} down) in {path}")
    for r in records:
        mark = "UP  " if r.get("rating") == "up" else "DOWN"
        print(f"{r.get('time', '')}  {mark}  Q: {r.get('question', '')}")
        if r.get("verdict"):
            print(f"    answer: {r['verdict']}")
        if r.get("comment"):
            print(f"    comment: {r['comment']}")
        if r.get("clause_ids"):
            print(f"    clauses: {', '.join(r['clause_ids'])}")
    return 0
