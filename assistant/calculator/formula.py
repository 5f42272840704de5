"""A ``formula`` rule worked out: the product of its factors, each the clause's own value or the
user's figure, a bounded figure taken no higher than its bound.

    factor_values(rule, question) -> {factor name: Decimal}   the user's figures for the factors
    formula(rule, facts, calc, money)                         the calculator's handler

The user's figures are placed on the clause's own factor names: a figure whose words name a
factor (or several: '两个系数都按1') goes to it; a duration in hours goes to a factor of time;
the rest by the most two-character pieces the words before the figure share with a name.
"""
from __future__ import annotations

import re
from decimal import Decimal

from assistant.calculator.bind import fact as _fact
from assistant.lexicon.numbers import NUM, normalize, plain, to_decimal

_FIGURE = re.compile(rf"(?P<n>{NUM})\s*(?P<u>千瓦时|千瓦|兆瓦|kWh|kW|个小时|小时|分钟|[\u4e00-\u9fff]{{0,2}})")
_CUT = re.compile(r"[，,。；;？?！!、]")
_TIME = re.compile(r"(?:时间|时长|小时数)$")
_ALL = re.compile(r"都|均|全|一律|各")


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _needs(rule) -> list[str]:
    names = [n for n, v in rule.factors if v is None]
    return names + [b for _a, b in rule.bounded_by if b not in names]


def factor_values(rule, question: str) -> dict:
    """The figures of ``question`` placed on the factors (and bounds) the formula needs."""
    needs = _needs(rule)
    figures = []  # (label before the figure, value, unit)
    last = 0
    for m in _FIGURE.finditer(question or ""):
        label = _CUT.split(question[last:m.start()])[-1]
        last = m.end()
        if re.match(r"年|月|日|号", m.group("u")) or (len(m.group("n")) == 4 and m.group("u").startswith("年")):
            continue  # a date, not a figure of the formula
        figures.append((label, to_decimal(m.group("n")), m.group("u")))
    out: dict[str, Decimal] = {}
    used: set[int] = set()
    for i, (label, value, _u) in enumerate(figures):  # named outright, alone or several at once
        named = [n for n in needs if n in label and n not in out]
        if not named and _ALL.search(label):  # '两个系数都按1': every factor of that kind
            named = [n for n in needs if n not in out and len(n) > 2 and n[-2:] in label]
        for n in named:
            out[n] = value
        if named:
            used.add(i)
    for i, (label, value, unit) in enumerate(figures):  # a duration goes to the factor of time
        if i not in used and "时" in unit and unit != "千瓦时":
            timed = [n for n in needs if n not in out and _TIME.search(n)]
            if len(timed) == 1:
                out[timed[0]] = value
                used.add(i)
    pairs = sorted(((len(_grams(n) & _grams(label)), n, i) for n in needs if n not in out
                    for i, (label, _v, _u) in enumerate(figures) if i not in used), reverse=True)
    for score, n, i in pairs:  # the rest: the closest words, each figure once
        if score and n not in out and i not in used:
            out[n] = figures[i][1]
            used.add(i)
    return out


def formula(rule, facts, calc, money):
    values = []
    for name, fixed in rule.factors:
        if fixed is not None:
            values.append((name, fixed))
            continue
        q = _fact(facts, name, "")
        if q is None:
            calc.missing_facts.append(name)
            continue
        values.append((name, _bounded(rule, name, q.value, facts, calc)))
    if calc.missing_facts:
        calc.steps.append(f"{rule.benefit or '金额'} = " + " × ".join(n for n, _v in rule.factors))
        return
    amount = Decimal(1)
    for _n, v in values:
        amount *= v
    amount = normalize(amount)
    calc.steps.append(f"{rule.benefit or '金额'} = " + " × ".join(f"{n}{plain(v)}" for n, v in values)
                      + f" = {money(amount)}")
    calc.amount_yuan = amount
    calc.summary = f"可获{_word(rule.benefit)}{money(amount)}"
    calc.eligible = True


def _bounded(rule, name: str, value: Decimal, facts, calc) -> Decimal:
    """'实际转移电量若大于申报转移电量，按申报转移电量计算': the smaller of the figure and its bound."""
    for a, b in rule.bounded_by:
        if len(_grams(a) & _grams(name)) < 2:
            continue
        bound = _fact(facts, b, "")
        if bound is not None and value > bound.value:
            calc.steps.append(f"{a}{plain(value)}大于{b}{plain(bound.value)}，按{b}计算")
            return bound.value
    return value


def _word(what: str) -> str:
    m = re.search(r"补贴|奖励|补助|补偿|费用", what or "")
    return m.group(0) if m else "金额"
