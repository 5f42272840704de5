"""The calculator's form: every fact the rules of a clause read, as a field with a correct hint.

    form_fields(rules) -> list[FormField]     one field per fact (级别 first), in reading order
    example_facts(fields) -> {name: example}  every field filled with its own example

A field's unit comes from the rule (the threshold's unit, the base's currency, the counted
thing), and its example from the rule's own wording: a figure that meets the condition as
written ('超过2亿元' → 3亿元), the base at which the cap is reached ('5%，最高50万元' →
1000万元), a figure inside a band of a tiered rule. A percentage field never shows a money
example, and a field that a figure of another rule of the clause already fills
('项目投资' as a condition, '项目总投资' as the base) is asked once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.calculator.bind import need_groups
from assistant.lexicon.numbers import Quantity, format_money, format_quantity, format_rate, normalize
from assistant.rules.model import EVENT_COUNT, OP_TEXT, SubsidyRule

DEGREES = ("博士", "硕士", "本科")  # the same degrees calculator/select tells rules apart by
LEVEL = "级别"
DEGREE = "学历"
_MONEY = ("元", "美元")
_DEFAULT_COUNT = Decimal(3)


@dataclass
class FormField:
    """One box of the calculator form. ``kind``: money | percent | count | choice."""

    name: str  # the fact name the calculator reads ('投资额', '级别')
    kind: str
    unit: str = ""  # 元 | 美元 | % | 台 | 家 | 人 | … ('' for a choice)
    example: str = ""  # a value the calculator accepts, from the rule's own wording
    choices: tuple[str, ...] = ()  # the levels (or degrees) the clause lists
    uses: list[str] = field(default_factory=list)  # what the rules do with it, in Chinese
    also: tuple[str, ...] = ()  # other names of the same figure in the clause's rules

    @property
    def hint(self) -> str:
        """The placeholder: unit, example, and what the figure is for."""
        if self.kind == "choice":
            return "可选：" + "、".join(self.choices)
        unit = {"元": "单位：万元或元", "美元": "单位：万美元或美元（不做汇率换算）",
                "%": "百分比"}.get(self.unit, f"单位：{self.unit}" if self.unit else "填写数值")
        conds = [u.removeprefix("条件：") for u in dict.fromkeys(self.uses) if u.startswith("条件：")]
        rest = [u for u in dict.fromkeys(self.uses) if not u.startswith("条件：")]
        said = ([f"条件：{'或'.join(conds)}"] if conds else []) + rest
        uses = f"（{'；'.join(said)}）" if said else ""
        return f"{unit}，如：{self.example}{uses}"


def form_fields(rules: list[SubsidyRule]) -> list[FormField]:
    """The rules of one clause → the fields that let the calculator finish every one of them.

    Covers everything ``calculate`` can ask for (``needs_of`` plus the level a 分别给予 list
    is chosen by); 学历 is offered when the rules tell degrees apart. Empty for a clause
    whose rules need nothing (a fixed amount, a loan, a tax rate).
    """
    fields: list[FormField] = []
    levels = [lv.name for r in rules for lv in r.levels]
    if levels:
        fields.append(FormField(LEVEL, "choice", choices=tuple(dict.fromkeys(levels)), example=levels[0]))
    degrees = [d for d in DEGREES if any(d in r.subject for r in rules)]
    if len(degrees) > 1:
        fields.append(FormField(DEGREE, "choice", choices=tuple(degrees), example=degrees[0]))
    by_name: dict[str, FormField] = {}
    for rule in rules:
        for names, kind in need_groups(rule):
            f = next((by_name[n] for n in names if n in by_name), None)
            if f is None:
                f = _new_field(rule, names[0], kind)
                fields.append(f)
            f.also = tuple(dict.fromkeys(n for n in (*f.also, *names) if n != f.name))
            for n in names:
                by_name.setdefault(n, f)
                f.uses += _uses(rule, n)
    for f in fields:
        if f.kind != "choice":
            f.example = _example(rules, f)
    return fields


def example_facts(fields: list[FormField]) -> dict[str, str]:
    """{name: example} for every field: what a user who follows the hints types."""
    return {f.name: f.example for f in fields}


# --- building one field ---------------------------------------------------------------------

def _new_field(rule: SubsidyRule, name: str, kind: str | None) -> FormField:
    unit = _unit(rule, name, kind)
    if unit in _MONEY:
        return FormField(name, "money", unit)
    if unit == "%":
        return FormField(name, "percent", "%")
    return FormField(name, "count", unit)


def _unit(rule: SubsidyRule, name: str, kind: str | None) -> str:
    """The unit the user is asked to write: the rule's own where it states one."""
    for th in rule.thresholds:
        if th.fact == name and th.unit:
            return th.unit
    if rule.kind == "tiered" and name == rule.tier_fact and rule.tier_unit:
        return rule.tier_unit
    if kind in _MONEY:
        return rule.currency if rule.currency in _MONEY else kind
    if rule.kind == "per_unit" and len(rule.per_unit) == 1 and kind and kind != "个":
        return rule.per_unit  # '每家…' counts 家
    return kind or ""


def _uses(rule: SubsidyRule, name: str) -> list[str]:
    out = [f"条件：{OP_TEXT[th.op]}{format_quantity(Quantity(th.value, th.unit))}"
           for th in rule.thresholds if th.fact == name]
    if rule.kind == "tiered" and name == rule.tier_fact:
        out.append("按它分档")
    if rule.needs_base and name == (rule.base or "计算基数"):
        out.append(f"按它的{format_rate(rule.rate)}计算" if rule.rate is not None else "按它的比例计算")
    if rule.kind == "per_unit" and name in (rule.count_fact, EVENT_COUNT):
        out.append(f"每{rule.per_unit}{format_money(rule.amount, rule.currency)}")
    return out


# --- examples from the rule's own wording -----------------------------------------------------

def _example(rules: list[SubsidyRule], f: FormField) -> str:
    names = {f.name, *f.also}
    conds = [th for r in rules for th in r.thresholds if th.fact in names]
    value = _meeting(conds)
    if value is None:
        value = next((v for r in rules if (v := _from_rule(r, names)) is not None), None)
    if value is None:
        value = {"money": Decimal(5_000_000), "percent": Decimal("0.2")}.get(f.kind, _DEFAULT_COUNT)
    return _write(value, f)


def _meeting(conds) -> Decimal | None:
    """A figure that meets every condition on the fact ('超过2亿元' → 3亿元; '以上' → the figure)."""
    if not conds:
        return None
    lows = [th for th in conds if th.op in (">=", ">")]
    highs = [th for th in conds if th.op in ("<=", "<")]
    value = None
    if lows:
        top = max(lows, key=lambda th: (th.value, th.op == ">"))
        value = top.value if top.op == ">=" else _above(top.value, top.unit)
    ceiling = min(highs, key=lambda th: th.value) if highs else None
    if ceiling is not None:
        fits = value is not None and ceiling.holds(value)
        if not fits:
            value = ceiling.value if ceiling.op == "<=" else ceiling.value / 2
            if lows and not all(th.holds(value) for th in lows):
                value = (max(th.value for th in lows) + ceiling.value) / 2
    return value


def _above(v: Decimal, unit: str) -> Decimal:
    if unit == "%":
        return v + Decimal("0.05")
    if unit in _MONEY:
        return v * Decimal("1.5") if v else Decimal(10_000)
    return Decimal(max(int(v) + 1, math.ceil(v * Decimal("1.5"))))


def _from_rule(rule: SubsidyRule, names: set[str]) -> Decimal | None:
    """The base at which the cap is reached; a figure inside a band; the count the cap allows."""
    if rule.kind == "tiered" and rule.tier_fact in names:
        return _in_band(rule)
    rate = rule.rate or max((lv.rate for lv in rule.levels if lv.rate is not None), default=None)
    if rule.needs_base and (rule.base or "计算基数") in names and rate and rule.cap:
        return _round_up(rule.cap / rate)
    if rule.kind == "tiered" and (rule.base or "计算基数") in names:
        band = next((t for t in rule.tiers if t.rate and (t.cap or rule.cap)), None)
        if band is not None:
            return _round_up((band.cap or rule.cap) / band.rate)
    if rule.kind == "per_unit" and rule.cap and rule.amount:
        return Decimal(max(1, int(rule.cap / rule.amount)))
    return None


def _round_up(v: Decimal) -> Decimal:
    """A quotient as a figure someone would type: two significant digits, rounded up (so the cap
    it was worked out from is still reached): 85.714…万 → 86万."""
    v = normalize(v)
    if v <= 0 or len(v.as_tuple().digits) <= 3 and v == v.to_integral():
        return v
    step = Decimal(10) ** (v.adjusted() - 1)
    return normalize((v / step).to_integral_value(rounding="ROUND_CEILING") * step)


def _in_band(rule: SubsidyRule) -> Decimal | None:
    for t in rule.tiers:
        if t.low is not None:
            value = t.low if t.low_inclusive else _above(t.low, rule.tier_unit)
        elif t.high is not None:
            value = t.high if t.high_inclusive else t.high / 2
        else:
            continue
        if t.contains(value):
            return value
        if t.low is not None and t.high is not None:
            return (t.low + t.high) / 2
    return None


def _write(value: Decimal, f: FormField) -> str:
    if f.kind == "money":
        return format_money(normalize(value), f.unit)
    if f.kind == "percent":
        return format_rate(normalize(value)).replace("‰", "‰")
    return format_quantity(Quantity(normalize(value), f.unit))
