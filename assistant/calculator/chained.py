"""A share of a share: '省级按国家补助的50%给予奖励，市级按省级奖励的40%再给予配套'.

    chained_bases(rules, facts) -> (facts with the bases worked out, {rule_id: step})

A rate whose base is the sum another rule of the same clause grants (the base names that rule's
subject and benefit: 省级奖励 ← '省级…奖励') takes that rule's amount, worked by the calculator from
the user's own figures, as its base. The step says how the base was worked out.
"""
from __future__ import annotations

from assistant.calculator.bind import bind_facts
from assistant.rules.fact_names import lookup
from assistant.calculator.calculate import calculate
from decimal import Decimal

from assistant.lexicon.numbers import format_money, normalize, plain
from assistant.rules.model import SubsidyRule


def _source(rule: SubsidyRule, rules: list[SubsidyRule]) -> SubsidyRule | None:
    return next((o for o in rules if o is not rule and o.kind == "rate" and len(o.subject) >= 2
                 and o.subject in rule.base and o.benefit[:2] and o.benefit[:2] in rule.base), None)


def chained_bases(rules: list[SubsidyRule], facts: dict) -> tuple[dict, dict[str, str]]:
    out, steps = dict(facts), {}
    for rule in rules:
        if rule.kind != "rate" or not rule.base or lookup(out, rule.base) is not None:
            continue
        if (total := _per_head_total(rule, rules, out)) is not None:
            out[rule.base], steps[rule.rule_id] = total
            continue
        src = _source(rule, rules)
        if src is None or _source(src, rules) is not None:  # one link only: no loops
            continue
        binding = bind_facts(src, out)
        calc = calculate(binding.rule or src, binding.facts)
        if calc.amount_yuan is None or calc.eligible is False or not calc.amount_yuan:
            continue
        out[rule.base] = calc.amount_yuan
        steps[rule.rule_id] = (f"“{rule.base}”按本条款计算：{'；'.join(s for s in calc.steps if s and not s.startswith('可获'))}"
                               f" → {format_money(calc.amount_yuan, src.currency)}")
    return out, steps


def _per_head_total(rule: SubsidyRule, rules: list[SubsidyRule], facts: dict):
    """'按符合条件个人贷款总额度的10%…': a total of what each person may get is the head count the
    user gives times the sum the clause grants one person (a rule of the same clause whose benefit
    the base names) → (total, step), or None."""
    if "总额" not in rule.base or "个人" not in rule.base:
        return None
    heads = lookup(facts, "人数")
    one = next((o for o in rules if o is not rule and o.kind in ("loan", "fixed") and o.amount is not None
                and not o.levels and o.benefit[-2:] and o.benefit[-2:] in rule.base), None)
    if one is None or heads is None:
        return None
    try:
        n = Decimal(str(heads))
    except ArithmeticError:
        return None
    total = normalize(n * one.amount)
    return total, (f"“{rule.base}”= {plain(n)}人 × 每人{format_money(one.amount, one.currency)}"
                   f" = {format_money(total, one.currency)}")
