"""The user's facts as the calculator needs them: figures in a rule's unit, levels matched.

    fact(facts, name, unit) -> Quantity | None       None when the user did not give it
    as_quantity(name, value, unit) -> Quantity       InputError (with a Chinese message) when unusable
    pick_level(rule, facts) -> Level | None          the rule's level the user's 级别 means
    match_level(names, wanted, items=None)           '4A级' → 'AAAA', '省级' → '省'

Values are Decimal or text with units ("800万元", "18%", "20台"); a float is refused
rather than rounded, and nothing is converted between currencies.
"""
from __future__ import annotations

from decimal import Decimal

from assistant.errors import InputError
from assistant.rules import SubsidyRule
from assistant.rules_facts import lookup
from assistant.rules_units import Quantity, parse_quantity

TEXT_FACTS = ("级别", "学历", "行业", "原级别")


def fact(facts: dict, name: str, unit: str) -> Quantity | None:
    """The user's value for ``name`` as a Quantity in the rule's unit; None when absent."""
    value = lookup(facts, name)
    if value is None or value == "":
        return None
    return as_quantity(name, value, unit)


def as_quantity(name: str, value, unit: str) -> Quantity:
    """A fact value (Decimal / int / '800万元' / '18%') → Quantity; InputError when unusable."""
    if isinstance(value, Quantity):
        q = value
    elif isinstance(value, (Decimal, int)):
        q = Quantity(Decimal(value), unit)
    elif isinstance(value, float):
        raise InputError(f"fact {name} must be Decimal or text, not float", zh=f"{name}的数值格式有误")
    else:
        try:
            q = parse_quantity(str(value))
        except ValueError:
            raise InputError(f"fact {name}={value!r} is not a figure (e.g. 800万元, 18%, 20台)",
                             zh=f"“{name}”的值“{value}”无法识别，请写成如 800万元、18%、20台 的形式") from None
    if unit in ("元", "美元") and q.unit == "":
        raise InputError(f"fact {name}={value!r} needs a unit (e.g. 800万元 or 8000000元)",
                         zh=f"“{name}”需要写明单位，例如 800万元")
    if unit == "%" and q.unit != "%":
        raise InputError(f"fact {name}={value!r} is a percentage; write it with % (e.g. 18%)",
                         zh=f"“{name}”是百分比，请写成如 18% 的形式")
    if not q.unit and unit not in ("元", "美元"):
        q = Quantity(q.value, unit)  # a bare count: 20 → 20台 when the rule counts 台
    if unit and q.unit and unit != q.unit and not (unit in ("元", "美元") and q.unit in ("元", "美元")):
        raise InputError(f"fact {name}={value!r} is in {q.unit or 'no unit'}, the policy counts it in {unit}",
                         zh=f"“{name}”应以{unit}计，收到“{value}”")
    if unit in ("元", "美元") and q.unit in ("元", "美元") and q.unit != unit:
        raise InputError(f"fact {name} is in {q.unit} but the policy counts it in {unit}; no conversion is made",
                         zh=f"“{name}”政策按{unit}计，请以{unit}填写（不做汇率换算）")
    return q


def pick_level(rule: SubsidyRule, facts: dict):
    wanted = facts.get("级别") if facts else None
    if not wanted:
        return None
    return match_level([lv.name for lv in rule.levels], str(wanted), rule.levels)


def _norm_level(s: str) -> str:
    s = s.upper().replace("Ａ", "A")
    for n, a in (("5A", "AAAAA"), ("4A", "AAAA"), ("3A", "AAA"), ("2A", "AA")):
        s = s.replace(n, a)
    s = s.replace("级", "").replace("“", "").replace("”", "")
    return s


def match_level(names: list[str], wanted: str, items=None):
    """The level among ``names`` the user means ('4A级' → 'AAAA', '省级' → '省'); None if none."""
    items = items if items is not None else names
    w = _norm_level(wanted)
    normed = [_norm_level(n) for n in names]
    for n, it in zip(normed, items):
        if n == w:
            return it
    hits = [(len(n), it) for n, it in zip(normed, items)
            if (w in n or n in w) and not (set(n) == {"A"} or set(w) == {"A"})]
    return max(hits, key=lambda h: h[0])[1] if hits else None


__all__ = ["TEXT_FACTS", "as_quantity", "fact", "match_level", "pick_level"]
