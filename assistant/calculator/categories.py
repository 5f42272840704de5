"""Several named categories of one per-head list, each with its own count in the question.

    per_category_total(rules, question, calcs) -> Calculation | None

'按照技师（2级）每人3500元、高级技师（1级）每人5000元' asked as '4个人拿到技师证、3个人拿到高级技师证':
each category the question names gets the count said next to it, each is worked out by its own
rule, and the sum is one calculation. The categories are the rules' own words (the subject read
before each '每人', rules/patterns.category_before), never a fixed list.
"""
from __future__ import annotations

import re
from decimal import Decimal

from assistant.lexicon.numbers import cn_to_decimal, format_money
from assistant.calculator.summed import summed
from assistant.records import Calculation
from assistant.rules.model import SubsidyRule

PIECES = re.compile(r"[、，,；;。？?！!]|和|及|另外|还有")
_COUNT = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*(?:个|名|位)?(?:人|户|家)|(\d+|[一二两三四五六七八九十]+)\s*(?:个|名|位)")


def category_core(subject: str) -> str:
    """The category's name without its bracketed grade or conditions: '高级技师（1级）（…）' → 高级技师."""
    m = re.match(r"[\u4e00-\u9fffA-Za-z0-9]{2,12}", subject)
    return m.group() if m else ""


def _count(piece: str) -> Decimal | None:
    m = _COUNT.search(piece)
    if not m:
        return None
    raw = m.group(1) or m.group(2)
    try:
        return Decimal(raw) if raw.isdigit() else cn_to_decimal(raw)
    except (ValueError, ArithmeticError):
        return None


def per_category_total(rules: list[SubsidyRule], question: str, calcs: list[Calculation]) -> Calculation | None:
    """One calculation summing two or more per-head rules of a clause whose categories the
    question names, each with its own count; None when the question does not do that."""
    heads = [r for r in rules if r.kind == "per_unit" and r.amount is not None and category_core(r.subject)]
    if len(heads) < 2 or len({category_core(r.subject) for r in heads}) < len(heads):
        return None
    cores = sorted(((category_core(r.subject), r) for r in heads), key=lambda p: -len(p[0]))
    counts: dict[str, tuple[SubsidyRule, Decimal]] = {}
    for piece in PIECES.split(question or ""):
        # the longest category named in the piece ('高级技师' before the '技师' inside it)
        hit = next(((c, r) for c, r in cores if c in piece), None)
        n = _count(piece) if hit else None
        if hit and n is not None and n > 0 and hit[0] not in counts:
            counts[hit[0]] = (hit[1], n)
    if len(counts) < 2:
        return None
    steps, total, parts = [], Decimal(0), []
    for core, (rule, n) in counts.items():
        amount = rule.amount * n
        if rule.cap is not None and amount > rule.cap:
            amount = rule.cap
        steps.append(f"{core}：{format_money(rule.amount)} × {n}{rule.per_unit} = {format_money(amount)}")
        parts.append(format_money(amount))
        total += amount
    steps.append(f"合计：{' + '.join(parts)} = {format_money(total)}")
    first = next(iter(counts.values()))[0]
    return summed(first, total, steps, calcs, f"可获{first.benefit or '补助'}{format_money(total)}")
