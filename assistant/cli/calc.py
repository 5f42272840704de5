"""`policy-assistant calc | rules` — the subsidy calculator from the command line.

    policy-assistant calc CLAUSE_ID --fact 投资额=800万元 [--fact 级别=国家级 …] [--json]
    policy-assistant rules [CLAUSE_ID] [--json]

Handlers take (args, settings) and return an exit code; the knowledge base is opened
inside them so ``--help`` stays instant. Bad input raises InputError, which the CLI
root prints as one English line.
"""
from __future__ import annotations

import json
import re


def register(sub, parents) -> None:
    p = sub.add_parser("calc", parents=parents, help="compute the subsidy a clause grants for your figures",
                       description="Exact, step-by-step calculation for one clause. Facts are NAME=VALUE "
                                   "with units, e.g. --fact 投资额=800万元 --fact 级别=国家级 --fact 台套数=20台.")
    p.add_argument("clause_id", help="clause id, e.g. quanzhou-2015-service-manufacturing/2.4 (see `rules`)")
    p.add_argument("--fact", action="append", default=[], metavar="NAME=VALUE",
                   help="one of your figures (repeatable): 投资额=800万元, 增速=18%%, 级别=AAAA, 学历=博士")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=calc)

    p = sub.add_parser("rules", parents=parents, help="list the subsidy rules extracted from the clauses",
                       description="The structured rules (amounts, rates, caps, tiers, thresholds) read from "
                                   "every clause that grants money or a tax benefit, in plain Chinese.")
    p.add_argument("clause_id", nargs="?", help="only this clause")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=rules)


def parse_fact_args(items: list[str]) -> dict[str, str]:
    """['投资额=800万元'] → {'投资额': '800万元'}; InputError on anything without NAME=VALUE."""
    from index.errors import InputError

    facts: dict[str, str] = {}
    for item in items:
        parts = re.split(r"\s*[=＝:：]\s*", item.strip(), maxsplit=1)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise InputError(f"--fact expects NAME=VALUE (e.g. 投资额=800万元), got {item!r}",
                             zh=f"事实格式应为 名称=数值，例如 投资额=800万元（收到“{item}”）")
        facts[parts[0]] = parts[1]
    return facts


def calc(args, settings) -> int:
    from assistant.calculator.select import calculate_clause
    from index.store.knowledge import KnowledgeBase

    facts = parse_fact_args(args.fact)
    kb = KnowledgeBase.open(settings)
    calcs = calculate_clause(kb, args.clause_id, facts, settings.as_of)
    if args.json:
        print(json.dumps({"clause_id": args.clause_id, "facts": facts,
                          "calculations": [c.to_dict() for c in calcs]}, ensure_ascii=False, indent=2))
        return 0
    for c in calcs:
        print(f"[{c.rule_id}] {c.summary}")
        for step in c.steps:
            print(f"  计算：{step}")
        for check in c.checks:
            print(f"  核对：{check}")
        if c.missing_facts:
            print("  缺少：" + "、".join(c.missing_facts) + "（用 --fact 名称=数值 补充）")
        if c.citation:
            print(f"  出处：{c.citation.line}")
            print(f"  原文：“{c.citation.quote}”")
        print()
    return 0


def rules(args, settings) -> int:
    from index.errors import InputError
    from assistant.rules.catalog import rules_for
    from index.store.knowledge import KnowledgeBase

    kb = KnowledgeBase.open(settings)
    by_clause = rules_for(kb)
    if args.clause_id:
        if args.clause_id not in kb.clauses:
            raise InputError(f"unknown clause id {args.clause_id!r}", zh=f"未找到条款“{args.clause_id}”")
        by_clause = {args.clause_id: by_clause.get(args.clause_id, [])}
    if args.json:
        print(json.dumps({cid: [r.to_dict() for r in rs] for cid, rs in by_clause.items()},
                         ensure_ascii=False, indent=2))
        return 0
    for cid, rs in by_clause.items():
        clause = kb.clauses[cid]
        doc = kb.documents.get(clause.doc_id)
        num = f"（{doc.doc_number}）" if doc and doc.doc_number else ""
        print(f"{cid}  《{doc.title if doc else clause.doc_id}》{num} · {clause.display_path}")
        if not rs:
            print("  （该条款没有可计算的金额）")
        for r in rs:
            print(f"  {r.rule_id.split('#')[-1]} [{r.kind}] {r.describe()}")
            if doc is not None and doc.text[r.start:r.end] == r.text:  # only a verified quote is shown
                print(f"     原文：“{r.text}”")
    return 0
