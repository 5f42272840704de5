"""Bands and caps for the calculator: which band a figure falls in, and what a band pays.

    tiered(rule, facts, calc, money)     a tiered rule: the band of the user's figure (or of a bound
                                          such as '过了1亿' when one band holds all it allows), then
                                          the band's amount or rate × base, capped; two payers' shares
    asked_share(payer, tier) -> 'own' | 'other' | None    whose share a question asks for
    capped(raw, cap, money, calc)        a cap applied, and said
"""
from __future__ import annotations

from decimal import Decimal

from assistant.calculator.bind import bound_of
from assistant.calculator.bind import fact as _fact
from assistant.rules.fact_names import lookup
from assistant.lexicon.numbers import format_quantity, format_rate, normalize


def capped(raw: Decimal, cap, money, calc):
    if cap is not None and raw > cap:
        calc.steps.append(f"超过上限{money(cap)}，按上限计")
        return cap
    if cap is not None:
        calc.steps.append(f"未超过上限{money(cap)}")
    return raw


def _bound_tier(rule, facts):
    """A figure said as a bound ('过了1亿') → the one band holding every value it allows, else None."""
    b = bound_of(lookup(facts, rule.tier_fact))
    if b is None:
        return None
    op, q = b
    fits = [t for t in rule.tiers if t.high is None and t.low is not None
            and (t.low < q.value or (t.low == q.value and (op == ">" or t.low_inclusive)))]
    return (op, q, fits[0]) if len(fits) == 1 else None


def tiered(rule, facts, calc, money):
    x = _fact(facts, rule.tier_fact, rule.tier_unit)
    bound = _bound_tier(rule, facts)
    bands = "；".join(f"{t.describe(rule.tier_unit)}→"
                      + (money(t.amount) if t.amount is not None else format_rate(t.rate)
                         + (f"+{format_rate(t.extra_rate)}" if t.extra_rate else ""))
                      for t in rule.tiers)
    if x is None:
        calc.missing_facts.append(rule.tier_fact)
        calc.steps.append(f"按{rule.tier_fact}分档：{bands}")
        return
    tier = bound[2] if bound else next((t for t in rule.tiers if t.contains(x.value)), None)
    if tier is None:
        calc.eligible = False
        calc.amount_yuan = Decimal(0)
        calc.checks.append(f"✗ {rule.tier_fact}{format_quantity(x)}不在任何档次内（{bands}）")
        calc.steps.append("不在政策规定的档次内，不能获得此项支持")
        calc.summary = f"{rule.tier_fact}{format_quantity(x)}不在政策规定的档次内，可获金额为0"
        return
    said = f"{'超过' if bound and bound[0] == '>' else '至少' if bound else ''}{format_quantity(x)}"
    calc.checks.append(f"✓ {rule.tier_fact}{said}，属于“{tier.describe(rule.tier_unit)}”档")
    if tier.amount is not None:
        amount = tier.amount
        calc.steps.append(f"该档给予{money(amount)}")
    else:
        name = rule.base or "计算基数"
        base = _fact(facts, name, rule.currency)
        if base is None:
            calc.missing_facts.append(name)
            extra = f"+{format_rate(tier.extra_rate)}" if tier.extra_rate else ""
            cap = tier.cap if tier.cap is not None else rule.cap
            calc.steps.append(f"该档按{name}的{format_rate(tier.rate)}{extra}计算"
                              + (f"（最高{money(cap)}）" if cap is not None else ""))
            return
        raw = normalize(base.value * tier.rate)
        cap = tier.cap if tier.cap is not None else rule.cap
        if tier.extra_rate:
            # '除省上…5%予以补助外，市区再给予5%的补助，…最高不超过500万元': the first share is
            # another payer's (stated, not capped here); the cap belongs to this document's own share
            own = normalize(base.value * tier.extra_rate)
            other_name = f"{tier.payer}补助" if tier.payer else "其他层级财政"
            own_name = f"{tier.extra_payer}补助" if tier.extra_payer else "本文件补助"
            asked = asked_share(facts.get("出资方"), tier)
            if asked != "own":
                calc.steps.append(f"{other_name}：{money(base.value)} × {format_rate(tier.rate)} = {money(raw)}")
            if asked == "other":
                calc.steps.append(f"只计{tier.payer}部分（{tier.extra_payer or '本级'}另按{format_rate(tier.extra_rate)}补助，未计入）")
                amount = raw
            else:
                calc.steps.append(f"{own_name}：{money(base.value)} × {format_rate(tier.extra_rate)} = {money(own)}")
                own = capped(own, cap, money, calc)
                if asked == "own":
                    calc.steps.append(f"只计{tier.extra_payer}部分（{tier.payer or '其他层级'}另按{format_rate(tier.rate)}补助，未计入）")
                    amount = own
                else:
                    amount = raw + own
                    calc.steps.append(f"合计：{money(raw)} + {money(own)} = {money(amount)}")
        else:
            calc.steps.append(f"{money(base.value)} × {format_rate(tier.rate)} = {money(raw)}")
            amount = capped(raw, cap, money, calc)
    calc.amount_yuan = amount
    share = ""
    if tier.amount is None and tier.extra_rate:
        asked = asked_share(facts.get("出资方"), tier)
        share = {"own": tier.extra_payer, "other": tier.payer}.get(asked) or ""
    calc.steps.append(f"{share + '部分' if share else ''}可获{rule.benefit or '补助'}{money(amount)}")
    calc.summary = f"{share + '部分' if share else ''}可获{rule.benefit or '补助'}{money(amount)}"


def asked_share(payer: str | None, tier) -> str | None:
    """'市' asked of a band paid by 省上 + 市区 → 'own' (市区's share), '省' → 'other', else None (both)."""
    if not payer:
        return None
    if payer.startswith("非") and tier.extra_rate:  # every share but the one named
        named = asked_share(payer[1:], tier)
        return {"other": "own", "own": "other"}.get(named or "")
    if payer == "本级" and tier.extra_rate:
        return "own"  # the document's own government: the share it adds ('市区再给予5%')
    if tier.extra_payer and tier.extra_payer.startswith(payer):
        return "own"
    if tier.payer and tier.payer.startswith(payer):
        return "other"
    return None
