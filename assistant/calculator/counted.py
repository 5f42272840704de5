"""Several tiers of one award, each with its own count in the question, asked as a total.

    counted_total(rules, question, calcs) -> Calculation | None

'对新认定的A级、B级基地，分别给予200万元、100万元' asked as '新认定了1个A级、2个B级，一共补多少'
(or two sentences of one clause, '对评为B级的…奖励200万元；对评为A级的…奖励500万元'): each tier
the question names — in the clause's own tier names, matched by lexicon/vocab.match_tier — gets
the count said beside it, and the sum of tier amount × count is one calculation. The question
must say a count for every tier it names, and either name two tiers or count more than one (one
tier counted in people is left to the per-person reading).
"""
from __future__ import annotations

import re
from decimal import Decimal
from os.path import commonprefix

from assistant.lexicon.numbers import cn_to_decimal, format_money
from assistant.lexicon.vocab import match_tier
from assistant.calculator.categories import PIECES
from assistant.calculator.summed import summed
from assistant.records import Calculation
from assistant.rules.model import SubsidyRule

_NUM = r"(\d+|[一二两三四五六七八九十]+)"
_UNIT = r"(?:个|项|家|件|座|所|名)"
# '1个国家级…' (the count before the tier) or '…金奖1项' (after it)
_COUNT = re.compile(rf"{_NUM}\s*{_UNIT}")
_PEOPLE = re.compile(rf"{_NUM}\s*(?:个|名|位)?\s*(?:人|职工|员工|工人|学员|毕业生)|{_NUM}\s*名")


def _count(piece: str) -> Decimal | None:
    found = _COUNT.findall(piece)
    if len(found) != 1:  # none, or two counts in one piece: not a count of one tier
        return None
    raw = found[0]
    try:
        return Decimal(raw) if raw.isdigit() else cn_to_decimal(raw)
    except (ValueError, ArithmeticError):
        return None


def _tiers(rules: list[SubsidyRule]) -> list[tuple[str, SubsidyRule, Decimal]]:
    """(tier name, its rule, its sum): a rule's own levels, or — for fixed awards of one clause
    whose subjects differ only in one part ('评为省级…园区' / '评为国家级…园区') — that part."""
    out = []
    for r in rules:
        if r.kind == "fixed" and r.levels and not r.up_to:
            out += [(lv.name, r, lv.amount) for lv in r.levels if lv.amount is not None]
    if out:
        return out
    fixed = [r for r in rules if r.kind == "fixed" and r.amount is not None and not r.levels and r.subject
             and not r.up_to]
    if len(fixed) < 2:
        return []
    subjects = [r.subject for r in fixed]
    head = len(commonprefix(subjects))
    tail = len(commonprefix([s[::-1] for s in subjects]))
    while tail and any(len(s) - tail - head < 2 for s in subjects):  # '省' + '级…园区' → '省级'
        tail -= 1
    parts = [s[head:len(s) - tail] for s in subjects]
    if head + tail < 2 or any(not p or len(p) > 6 for p in parts) or len(set(parts)) < len(parts):
        return []
    return [(p, r, r.amount) for p, r in zip(parts, fixed)]


def _named_tier(names: list[str], piece: str) -> str | None:
    """The tier ``piece`` names: by lexicon/vocab.match_tier (normalised, 4A/AAAA…), else by a
    two-character part of the name no other tier has ('省专利金奖' meets '本省专利金奖' by 金奖)."""
    tier, _lacking = match_tier(names, piece)
    if tier in names:
        return tier
    hits = []
    for name in names:
        others = "\0".join(n for n in names if n != name)
        own = {name[i:i + 2] for i in range(len(name) - 1)} - {others[i:i + 2] for i in range(len(others) - 1)}
        n = sum(g in piece for g in own)
        if n:
            hits.append((n, name))
    hits.sort(reverse=True)
    return hits[0][1] if hits and (len(hits) == 1 or hits[0][0] > hits[1][0]) else None


def counted_total(rules: list[SubsidyRule], question: str, calcs: list[Calculation]) -> Calculation | None:
    """The sum over the tiers the question counts; None unless every tier it names has a count and
    it names two tiers or counts more than one."""
    tiers = _tiers(rules)
    if len(tiers) < 2 or not question:
        return None
    names = [name for name, _r, _a in tiers]
    counted: dict[str, Decimal] = {}
    for piece in PIECES.split(question):
        tier = _named_tier(names, piece)
        if tier is None:
            continue
        n = _count(piece)
        if n is None or n <= 0 or tier in counted:
            return None  # a tier named without its own count: left to the rules one by one
        counted[tier] = n
    if not counted or len(counted) < 2 and (max(counted.values()) <= 1 or _PEOPLE.search(question)):
        return None  # one tier counted in people is the per-person reading's (calculate.py) to work out
    steps, total = [], Decimal(0)
    first = None
    for name, rule, amount in tiers:
        if name not in counted:
            continue
        n = counted[name]
        first = first or rule
        part = amount * n
        total += part
        steps.append(f"{name}：{format_money(amount)} × {n} = {format_money(part)}")
    steps.append(f"合计：{format_money(total)}")
    return summed(first, total, steps, calcs, f"合计可获{first.benefit or '补助'}{format_money(total)}",
                  subject_checks=False, eligible=True)
