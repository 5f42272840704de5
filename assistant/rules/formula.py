"""A clause that states its amount as a formula: '错峰奖励金额=实际转移电量×奖励单价×时段系数。
奖励单价为0.5元/千瓦时…企业实际转移电量若大于申报转移电量，按申报转移电量计算。'

    read_formula(text) -> (start, end, spec) | None

Every name is the clause's own: the factors are what the formula multiplies, a factor the clause
fixes ('X为0.5元/千瓦时') keeps that value, and a figure the clause bounds by another ('A若大于B，按B
计算') is recorded so the calculator takes the smaller. Only products are read; any other formula
is left to the quote.
"""
from __future__ import annotations

import re

from assistant.lexicon.numbers import NUM, to_decimal

_NAME = r"[\u4e00-\u9fffA-Za-z（）()]{2,16}"
FORMULA_RE = re.compile(rf"(?P<what>{_NAME}?)[=＝](?P<terms>{_NAME}(?:[×*xX✕]{_NAME})+)")
_BOUND_RE = re.compile(rf"(?P<a>{_NAME}?)(?:若|如|如果)?(?:大于|超过|高于)(?P<b>{_NAME}?)的?[，,]\s*(?:按|以)(?P=b)(?:计算|计|为准)")


def read_formula(text: str):
    """The clause's formula as a ``formula`` spec with the span of its sentence, or None."""
    flat, where = _flatten(text)
    m = FORMULA_RE.search(flat)
    if not m:
        return None
    what = re.split(r"[。；;，,：:]", m.group("what"))[-1]
    names = [t for t in re.split(r"[×*xX✕]", m.group("terms")) if t]
    if len(names) < 2 or not re.search(r"金额|补贴|奖励|补助|费用|价格|额$", what):
        return None
    factors = []
    for name in names:
        fixed = re.search(rf"{re.escape(name)}(?:为|是|按)(?P<v>{NUM})\s*(?:元|万元)?(?:[／/][\u4e00-\u9fff]{{1,4}})?", flat)
        factors.append((name, to_decimal(fixed.group("v")) * (10000 if "万元" in fixed.group(0) else 1) if fixed else None))
    bounds = tuple((re.sub(r"^(?:用户|企业|单位|其)", "", b.group("a")), b.group("b")) for b in _BOUND_RE.finditer(flat))
    start = where[m.start()]
    end = where[m.end() - 1] + 1
    spec = dict(kind="formula", factors=tuple(factors), bounded_by=bounds, benefit=what,
                subject="")
    return start, end, spec


def _flatten(text: str) -> tuple[str, list[int]]:
    """The text without whitespace (documents break lines inside words) and, for each kept
    character, its index in ``text``."""
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in keep), keep
