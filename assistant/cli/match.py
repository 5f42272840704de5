"""`policy-assistant match` — 政策匹配 from the command line, and its evaluation.

    policy-assistant match --region 泉州开发区 --industry 机械装备 --activity "采购数控一代产品30台，发票2400万元"
    policy-assistant match --profile profile.json [--json | --markdown | --html] [--out FILE]
    policy-assistant match --eval eval/matching/profiles.jsonl [--json-out PATH]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def register(sub, parents) -> None:
    p = sub.add_parser("match", parents=parents, help="list the policies an enterprise profile may get (政策匹配)",
                       description="Match an enterprise profile (every field optional) against the clauses of its "
                                   "region: per-condition status, calculator amounts where the profile settles them, "
                                   "expired documents apart. --eval scores the matcher on a profiles file.")
    p.add_argument("--profile", metavar="FILE|JSON", help="profile as a JSON file or a JSON object")
    p.add_argument("--region")
    p.add_argument("--industry")
    p.add_argument("--size", help="小微 | 中型 | 大型")
    p.add_argument("--revenue-wan", help="annual revenue in 万元")
    p.add_argument("--growth-pct", help="revenue growth in percent")
    p.add_argument("--investment-wan", help="investment in 万元")
    p.add_argument("--level", action="append", default=[], help="a level or certification held (repeatable)")
    p.add_argument("--activity", action="append", default=[], help="something done or planned (repeatable)")
    p.add_argument("--question", help="the owner's question in their own words")
    p.add_argument("--limit", type=int, default=12, help="at most this many clauses per group (default 12)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--markdown", action="store_true", help="print the Markdown report")
    out.add_argument("--html", action="store_true", help="print the report as a printable HTML page "
                                                          "(open it in a browser; Print → Save as PDF)")
    p.add_argument("--out", metavar="PATH", help="with --markdown/--html/--json: write to this file instead of stdout")
    p.add_argument("--eval", metavar="PROFILES.jsonl", help="evaluate: precision/recall of clauses, exact amounts")
    p.add_argument("--json-out", metavar="PATH", help="with --eval: write the full report here")
    p.set_defaults(handler=run)


def _profile(args) -> dict:
    from index.errors import InputError

    d: dict = {}
    if args.profile:
        text = args.profile.strip()
        try:
            d = json.loads(text if text.startswith("{") else Path(text).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"--profile: cannot read a JSON object ({exc})") from None
        if not isinstance(d, dict):
            raise InputError("--profile must be a JSON object")
    for key, value in (("region", args.region), ("industry", args.industry), ("size", args.size),
                       ("revenue_wan", args.revenue_wan), ("revenue_growth_pct", args.growth_pct),
                       ("investment_wan", args.investment_wan), ("question", args.question)):
        if value not in (None, ""):
            d[key] = value
    if args.level:
        d["levels_held"] = list(d.get("levels_held") or []) + args.level
    if args.activity:
        d["activities"] = list(d.get("activities") or []) + args.activity
    return d


def run(args, settings) -> int:
    from index.errors import InputError
    from index.store.knowledge import KnowledgeBase

    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    kb = KnowledgeBase.open(settings)
    if args.eval:
        from assistant.evaluation.matching import evaluate_matching, load_profiles

        try:
            rows = load_profiles(Path(args.eval))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"--eval: cannot read {args.eval} ({exc})") from None
        report = evaluate_matching(kb, rows, settings.as_of, limit=args.limit)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        summary = {k: v for k, v in report.items() if k != "per_profile"}
        print(json.dumps(summary, ensure_ascii=False, indent=1) if args.json else
              "\n".join(f"{k}: {v}" for k, v in summary.items()))
        return 0
    from assistant.match.match import STATUS_ZH, match_profile
    from assistant.match.report import to_markdown

    profile = _profile(args)
    if not profile:
        raise InputError("give a profile: --profile, or at least one of --region/--industry/--activity/--question")
    from assistant.match.report import keep_verified
    from assistant.match.report_html import to_html

    result = keep_verified(kb, match_profile(kb, profile, settings.as_of, limit=args.limit))
    text = (json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n" if args.json
            else to_markdown(result) if args.markdown else to_html(result) if args.html else None)
    if args.out and text is None:
        raise InputError("--out needs --markdown, --html or --json")
    if text is not None and args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"--out: cannot write {args.out} ({exc.strerror or exc})") from None
        print(f"report written to {args.out}")
    elif text is not None:
        sys.stdout.write(text)
    else:
        if result.note:
            print(result.note)
        for group, items in (("in force", result.matches), ("EXPIRED (reference only)", result.expired)):
            if items:
                print(f"== {group}")
            for m in items:
                amount = m.to_dict()["amount_wan"] or "-"
                print(f"[{STATUS_ZH[m.status]}] {amount}  {m.citation.line}")
                print(f"    “{' '.join(m.citation.quote.split())[:120]}”")
        if result.ask:
            print("to settle more: " + "、".join(result.ask))
    return 0
