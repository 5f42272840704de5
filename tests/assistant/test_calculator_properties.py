"""Properties of the engine over the real rules of the shipped documents (hypothesis):
caps are never exceeded, amounts never fall as the base grows within a tier,
thresholds hold exactly at their boundary as written, unit conversions are exact."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from assistant.calculator.calculate import calculate
from assistant.records import format_wan
from assistant.rules.catalog import extract_rules, stacking_principle
from assistant.lexicon.numbers import format_money, parse_quantity

YUAN = st.decimals(min_value=0, max_value=Decimal("1e11"), places=2, allow_nan=False, allow_infinity=False)
FAST = settings(max_examples=60, deadline=None)


@pytest.fixture(scope="module")
def all_rules(documents):
    from index.ingest.clauses import split_clauses

    return [r for d in documents.values() for c in split_clauses(d)
            for r in extract_rules(c, stacking_principle(d.text))]


def _facts_for(rule, base: Decimal, count: Decimal | None = None) -> dict:
    """Facts that pass every threshold of the rule, plus the base (and tier count)."""
    facts = {rule.base or "计算基数": base}
    for t in rule.thresholds:
        passing = t.value + (1 if t.op == ">" else 0)
        if t.unit == "美元":
            facts[t.fact] = f"{t.value * 2}美元"
        elif not (t.fact in facts and facts[t.fact] >= passing):
            facts[t.fact] = passing
    if rule.tier_fact:
        facts[rule.tier_fact] = count
    return facts


def test_cap_is_never_exceeded(all_rules):
    capped = [r for r in all_rules if r.kind in ("rate", "permille") and r.cap is not None]
    assert len(capped) >= 8

    @FAST
    @given(base=YUAN)
    def check(base):
        for rule in capped:
            facts = _facts_for(rule, base)
            calc = calculate(rule, facts)
            assert calc.amount_yuan is not None
            assert 0 <= calc.amount_yuan <= rule.cap
            assert calc.amount_yuan == min(facts[rule.base or "计算基数"] * rule.rate, rule.cap)

    check()


def test_amount_never_decreases_as_the_base_grows_within_a_tier(all_rules):
    tiered = [r for r in all_rules if r.kind == "tiered"]
    assert len(tiered) >= 4

    @FAST
    @given(a=YUAN, b=YUAN, pick=st.integers(min_value=0, max_value=10))
    def check(a, b, pick):
        lo, hi = sorted((a, b))
        for rule in tiered:
            tier = rule.tiers[pick % len(rule.tiers)]
            x = tier.low if tier.low is not None and tier.low_inclusive else (
                (tier.low or Decimal(0)) + (Decimal(1) if rule.tier_unit == "台" else Decimal("0.0001")))
            f_lo, f_hi = _facts_for(rule, lo, x), _facts_for(rule, hi, x)
            c_lo, c_hi = calculate(rule, f_lo), calculate(rule, f_hi)
            assert c_lo.amount_yuan <= c_hi.amount_yuan
            cap = tier.cap if tier.cap is not None else rule.cap
            if cap is not None:  # another payer's stated share (extra_rate bands) is not under this cap
                other = f_hi[rule.base] * tier.rate if tier.extra_rate else 0
                assert c_hi.amount_yuan <= cap + other

    check()


def test_thresholds_hold_exactly_at_the_boundary_as_written(all_rules):
    gated = [r for r in all_rules if r.thresholds and r.kind in ("fixed", "rate", "per_unit", "permille")]
    assert len(gated) >= 15
    for rule in gated:
        for th in rule.thresholds:
            if th.unit == "美元":
                continue
            facts = _facts_for(rule, Decimal(10) ** 9, None)
            facts.setdefault(rule.per_unit + "数", Decimal(3))
            facts["级别"] = rule.levels[0].name if rule.levels else ""
            facts[th.fact] = th.value
            at = calculate(rule, facts)
            assert at.eligible is (th.op in (">=", "<=")), (rule.rule_id, th)  # 以上/达到 include, 超过 excludes
            below = dict(facts, **{th.fact: th.value - Decimal("0.01") if th.unit != "%" else th.value - Decimal("0.0001")})
            assert calculate(rule, below).eligible is False and calculate(rule, below).amount_yuan == 0


@FAST
@given(wan=st.decimals(min_value=0, max_value=Decimal("1e6"), places=4, allow_nan=False, allow_infinity=False))
def test_unit_conversions_are_exact(wan):
    yuan = wan * 10000

    def f(d):
        return format(d, "f")

    assert parse_quantity(f"{f(wan)}万元").value == yuan
    assert parse_quantity(f"{f(wan)}万").value == yuan
    assert parse_quantity(f"{f(yuan)}元").value == yuan
    assert parse_quantity(f"{f(wan / 10000)}亿元").value == yuan
    assert parse_quantity(format_money(yuan)).value == yuan  # round trip through the display form
    assert parse_quantity(format_wan(yuan)).value == yuan


@FAST
@given(pct=st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False))
def test_rates_are_exact_fractions(pct):
    assert parse_quantity(f"{format(pct, 'f')}%").value * 100 == pct
    assert parse_quantity(f"{format(pct, 'f')}‰").value * 1000 == pct
