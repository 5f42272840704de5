"""The user's facts as the calculator needs them: figures in a rule's unit, levels matched.

    fact(facts, name, unit) -> Quantity | None       None when the user did not give it
    as_quantity(name, value, unit) -> Quantity       InputError (with a Chinese message) when unusable
    pick_level(rule, facts) -> Level | None          the rule's level the user's 级别 means
    match_level(names, wanted, items=None)           '4A级' → 'AAAA', '省级' → '省'
    bind_facts(rule, facts) -> Binding               the user's figures placed on the facts the rule needs
    needs_of(rule), need_groups(rule)                what a rule reads (grouped: one figure, several names)

Values are Decimal or text with units ("800万元", "18%", "20台"); a float is refused
rather than rounded, and nothing is converted between currencies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from index.errors import InputError
from assistant.rules.model import AREA_UNITS, EVENT_COUNT, EVENT_UNITS, SubsidyRule
from assistant.rules.fact_names import lookup, lookup_key, money_family, name_type, unit_type
from assistant.lexicon.numbers import NUM, Quantity, format_quantity, parse_quantity
from assistant.lexicon.vocab import BOUND_AT_LEAST, BOUND_MORE
from assistant.lexicon.vocab import norm_level as _norm_level

TEXT_FACTS = ("级别", "学历", "行业", "原级别", "出资方", "所求", "采购类别")


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
            q = parse_text(str(value))
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


_AREA = re.compile(rf"^\s*(?P<num>{NUM})\s*(?P<wan>万)?\s*(?P<unit>平方米|平米|㎡|平方|亩)\s*$")


# A figure the user gives as a bound ('超过60天', '60天以上'): its number, and a check that
# holds for every value it allows ('超过60天' meets '超过60天') is met without knowing the value.
_BOUND = re.compile(rf"^\s*(?P<pre>{BOUND_MORE}|{BOUND_AT_LEAST})?(?P<q>[^超多大不至过突破高]+?)(?P<post>以上)?\s*$")


def bound_of(value) -> tuple[str, Quantity] | None:
    """'超过60天' → ('>', 60天); '60天以上' / '至少60天' → ('>=', 60天); a plain figure → None."""
    m = _BOUND.match(value) if isinstance(value, str) else None
    if not m or not (m.group("pre") or m.group("post")):
        return None
    try:
        q = parse_text(m.group("q"))
    except ValueError:
        return None
    return (">" if m.group("pre") and re.fullmatch(BOUND_MORE, m.group("pre")) else ">="), q


def _bound_meets(op: str, v: Decimal, th) -> bool:
    """Every x with ``x op v`` satisfies the threshold (lower bounds only; anything else is open)."""
    if th.op == ">=":
        return v >= th.value
    if th.op == ">":
        return v > th.value or (v == th.value and op == ">")
    return False


def parse_text(text: str) -> Quantity:
    """parse_quantity plus the everyday area units: '1.5万平米' → 15000平方米, '20亩' stays 20亩
    (亩 and 平方米 are never converted: a policy that wants one is not given the other)."""
    text = _BOUND.sub(lambda b: b.group("q"), text or "")
    m = _AREA.match(text)
    if not m:
        return parse_quantity(text)
    value = Decimal(m.group("num").replace(",", "")) * (10000 if m.group("wan") else 1)
    return Quantity(value, "亩" if m.group("unit") == "亩" else "平方米")


def fact_type(name: str, value) -> str | None:
    """The unit type of one user fact: from the unit written in its value, else from its name."""
    if isinstance(value, str):
        try:
            q = parse_text(value)
        except ValueError:
            return None
        if q.unit:
            return unit_type(q.unit)
    if name in TEXT_FACTS or value is None or isinstance(value, float):
        return None
    return name_type(name)


def pick_level(rule: SubsidyRule, facts: dict):
    wanted = facts.get("级别") if facts else None
    if not wanted:
        return None
    return match_level([lv.name for lv in rule.levels], str(wanted), rule.levels)


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


# --- binding: the user's figures placed on the facts a rule needs ------------------------------

@dataclass
class Binding:
    """``facts`` for one rule: the user's facts plus figures bound to the rule's own fact names
    (None masks a fact the user gave in another unit); ``notes`` say each assumption in Chinese;
    ``direct``/``bound`` count the needs the user's words met as named / by binding."""

    facts: dict
    notes: list[str] = field(default_factory=list)
    direct: int = 0
    bound: int = 0
    rule: SubsidyRule | None = None  # the rule less the checks a stated bound already meets
    checks: list[str] = field(default_factory=list)


_PEOPLE = "人数"  # the question's head count with nothing telling whom: like 金额, it fills a need of its type
_GENERIC = set("额费用金资总年数量的其该增速率比占")
_OTHER_UNIT = {"平方米": "亩", "亩": "平方米", "元": "美元", "美元": "元"}


def needs_of(rule: SubsidyRule) -> list[tuple[str, str | None]]:
    """(fact name, unit type) of every figure ``calculate`` reads for ``rule``, in reading order."""
    out = [(th.fact, unit_type(th.unit, th.fact)) for th in rule.thresholds]
    out += [(th.when.fact, unit_type(th.when.unit, th.when.fact)) for th in rule.thresholds if th.when is not None]
    rated = rule.kind in ("rate", "permille", "limit", "deduction", "share") or (rule.kind == "tiered" and any(t.rate is not None for t in rule.tiers))
    if rule.kind == "tiered":
        out.append((rule.tier_fact, unit_type(rule.tier_unit, rule.tier_fact)))
    if rated:
        out.append((rule.base or "计算基数", unit_type(rule.currency)))
    if rated and rule.base_less:
        out.append((rule.base_less, unit_type(rule.currency)))
    if rule.kind == "tax_deduction":
        out.append((rule.base or "研发费用", "元"))
    if rule.kind == "per_unit" and rule.per_unit in EVENT_UNITS:
        out.append((EVENT_COUNT, name_type(EVENT_COUNT)))
    elif rule.kind == "per_unit":
        out.append((rule.count_fact, unit_type(rule.per_unit) if rule.per_unit in AREA_UNITS
                    else name_type(rule.count_fact) or "个"))
    if rule.kind == "upgrade":
        out.append(("晋升等级数", "个"))
    if rule.kind == "formula":
        out += [(n, None) for n, v in rule.factors if v is None] + [(b, None) for _a, b in rule.bounded_by]
    return list(dict.fromkeys(out))


def need_groups(rule: SubsidyRule) -> list[tuple[list[str], str | None]]:
    """``needs_of`` with the names of one figure together ([names], unit type): a figure given
    for the first name fills the others (``bind_facts``)."""
    return _groups(needs_of(rule))


def _core(name: str) -> str:
    return re.sub(r"^(?:项目|企业|总)+|(?:总额|金额|额)$", "", name)


def _same(a: str, b: str) -> bool:
    """One quantity named twice in a sentence ('总外包费用' … '服务外包总费用'; '项目投资' as a
    condition and '项目总投资' as the base: '投资' is the core of both)."""
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and set(short) <= set(long_):
        return True
    ca, cb = sorted((_core(a), _core(b)), key=len)
    return len(ca) >= 2 and ca in cb and ca == _core(short)


def _groups(needs):
    groups: list[tuple[list[str], str | None]] = []
    for name, kind in needs:
        for names, k in groups:
            if k == kind and any(_same(name, n) for n in names):
                names.append(name)
                break
        else:
            groups.append(([name], kind))
    return groups


def _overlap(names: list[str], key: str) -> int:
    return max(len((set(n) - _GENERIC) & set(key)) for n in names)


def _named_in(text: str, key: str) -> bool:
    """The rule's own sentence names what the user's figure is ('…新增设备投资额20%' and a figure
    said of 设备): a two-character piece of the figure's name, not a generic one, is in it."""
    pieces = {key[i:i + 2] for i in range(len(key) - 1)}
    return any(not (set(p) & _GENERIC) and p in text for p in pieces)


def _shown(key: str, value, kind) -> str:
    try:
        text = format_quantity(as_quantity(key, value, kind or ""))
    except InputError:
        text = str(value)
    return text if key.startswith("金额") else f"{text}（{key}）"


def bind_facts(rule: SubsidyRule, facts: dict | None) -> Binding:
    """Place the user's figures on the facts ``rule`` needs.

    A need met by name (``lookup``) keeps that figure when its unit type agrees; a figure of
    another unit (20亩 for a need in 平方米, 元 for 美元) is not used and a note says so. A need
    left open takes the one figure of its unit type that no other need of the rule claims
    (money only within one family: a cost never becomes a revenue); among several, the one
    whose words share the most characters with the need's name, else none and a note asks.
    """
    facts = dict(facts or {})
    out = Binding(dict(facts))
    groups = _groups(needs_of(rule))
    claimed: set[str] = set()
    open_groups = []
    for names, kind in groups:
        key = next((k for k in (lookup_key(facts, n) for n in names) if k is not None), None)
        if key is not None and kind and fact_type(key, facts[key]) not in (kind, None):
            exact = key in names
            for n in names:
                out.facts[n] = None  # masks the figure for this need only
            if exact:
                out.notes.append(f"您提供的“{key}”为{facts[key]}，政策按{kind}计，未做换算，请按{kind}提供")
            key = None
            if not exact:
                open_groups.append((names, kind))
            continue
        if key is None:
            open_groups.append((names, kind))
            continue
        claimed.add(key)
        out.direct += 1
        for n in names:
            if lookup(facts, n) is None:
                out.bound += 1
                out.facts[n] = facts[key]
                out.notes.append(f"按您提供的{_shown(key, facts[key], kind)}作为“{n}”计算")
    for names, kind in open_groups:
        if kind is None:
            continue
        # a limit is a share of whatever sum the document names (a contract, an estimate): any family
        family = money_family(names[0]) if kind in ("元", "美元") and rule.kind != "limit" else None
        # an unlabelled figure ('金额（一年）') may fill any need of its type; a labelled one only a
        # need whose name shares a telling character with its label ('投资额' → '投入资金')
        cands = [k for k, v in facts.items()
                 if k not in claimed and v not in (None, "") and fact_type(k, v) == kind
                 and (family is None or money_family(k) in (None, family))
                 and (k.startswith("金额") or k == _PEOPLE or _overlap(names, k) > 0 or _named_in(rule.text, k))]
        if not cands:
            other = [k for k, v in facts.items() if _OTHER_UNIT.get(kind) and fact_type(k, v) == _OTHER_UNIT[kind]]
            if other:
                out.notes.append(f"您提供的{'、'.join(f'{k}{facts[k]}' for k in other)}与政策所用单位（{kind}）不同，"
                                 f"未做换算，请按{kind}提供“{names[0]}”")
        if len(cands) > 1:
            scores = {k: _overlap(names, k) for k in cands}
            top = max(scores.values())
            best = [k for k in cands if scores[k] == top]
            if top == 0 or len(best) > 1:
                shown = "、".join(_shown(k, facts[k], kind) for k in cands)
                out.notes.append(f"您提供了多个可能是“{names[0]}”的数据（{shown}），无法确定用哪一个，请说明")
                continue
            cands = best
        if not cands:
            continue
        key = cands[0]
        claimed.add(key)
        out.bound += len(names)  # a rule whose several names the figure fills uses more of what was said
        for n in names:
            out.facts[n] = facts[key]
            out.notes.append(f"按您提供的{_shown(key, facts[key], kind)}作为“{n}”计算")
    _gated_base(rule, facts, out)
    _bounds(rule, out)
    return out


def _gated_base(rule: SubsidyRule, facts: dict, out: Binding) -> None:
    """'单户担保金额800万元以下的…担保业务，按业务发生额的1%给予补助': the one sum the user gave
    passed the rule's condition and the rate's base is still open — the sum the condition gates is
    the sum the rate is paid on, so it fills the base too (a note says so). Only when the user gave
    exactly one sum of money, so no other figure could be meant."""
    if rule.kind not in ("rate", "permille") or rule.levels:
        return
    base = rule.base or "计算基数"
    if lookup(out.facts, base) is not None:
        return
    money = [k for k, v in facts.items() if v not in (None, "") and fact_type(k, v) == unit_type(rule.currency)]
    gated = {th.fact for th in rule.thresholds if th.unit == rule.currency}
    if len(money) != 1 or not gated or not any(lookup_key(out.facts, g) is not None for g in gated):
        return
    key = money[0]
    if not any(out.facts.get(g) == facts[key] for g in gated) and lookup_key(facts, next(iter(gated))) != key:
        return
    if not _base_is_gated(rule, base):
        return  # '投资500万元以上的项目，按设备购置款的10%': the base is another sum than the one gated
    out.facts[base] = facts[key]
    out.bound += 1
    out.notes.append(f"按您提供的{_shown(key, facts[key], unit_type(rule.currency))}作为“{base}”计算"
                     f"（即符合条件的这笔业务的金额）")


def _base_is_gated(rule: SubsidyRule, base: str) -> bool:
    """The rate's base names the thing the condition qualifies: '单户担保金额800万元以下…的担保业务，
    按业务发生额…' — the base's head word (业务) is said between the condition and the base; or the
    two are one sum named twice (they share a run of four characters)."""
    at = rule.text.find(base)
    head = base[:2]
    for th in rule.thresholds:
        if th.unit == rule.currency and _shares_name(th.fact, base):
            return True  # '单户融资担保金额…以下的业务，按其年化融资担保额的1%': one sum named twice
        end = rule.text.find(th.text) + len(th.text) if th.text and th.text in rule.text else -1
        if 0 <= end <= at and head in rule.text[end:at]:
            return True
    return False


def _shares_name(a: str, b: str) -> bool:
    """Two names of one sum share a run of four characters ('融资担保')."""
    return any(a[i:i + 4] in b for i in range(len(a) - 3))


def _bounds(rule: SubsidyRule, out: Binding) -> None:
    """Checks on figures the user stated as a bound: met for sure → done; otherwise ask."""
    others = {n for n, _k in needs_of(replace(rule, thresholds=()))}
    met = []
    for th in rule.thresholds:
        value = lookup(out.facts, th.fact)
        bound = bound_of(value)
        if bound is None or th.fact in others or (th.unit and bound[1].unit not in ("", th.unit)):
            continue
        if _bound_meets(bound[0], bound[1].value, th):
            met.append(th)
            out.checks.append(f"✓ {th.fact}：您说明“{value}”，符合条件“{th.describe()}”")
        else:
            out.facts[th.fact] = None
            out.notes.append(f"您说明{th.fact}“{value}”，无法判断是否符合“{th.describe()}”，请提供具体数值")
    if met:
        out.rule = replace(rule, thresholds=tuple(th for th in rule.thresholds if th not in met))


__all__ = ["TEXT_FACTS", "Binding", "as_quantity", "bind_facts", "bound_of", "fact", "fact_type", "match_level",
           "need_groups", "needs_of", "parse_text", "pick_level"]
