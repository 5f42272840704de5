"""A sum that grows with a count, read across the segments of one sentence.

    schedule(sentence) -> (start, end, [spec, ...]) | None

'满2年以上的，每月给予80元；服务年限每增加1年，月补贴增加40元（8年以内的月补贴不超过320元）；
8年（含）以上的月补贴600元' states one award in three pieces: the sum at the starting count,
the step for each further unit, the ceiling of the growing band and a flat sum from a higher
count on. Read piece by piece, each figure looks like an award of its own (80元, 40元, 320元,
600元); read together they are one ``per_unit`` rule with ``base_amount``/``base_count`` and a
``cap`` (valid below the top count) and one ``fixed`` rule for the top count and beyond.
The fact counted is the one the starting condition names, in the document's own words.
"""
from __future__ import annotations

import re

from assistant.lexicon.numbers import CN_NUM, NUM, cn_to_decimal, to_decimal
from assistant.rules.fact_names import threshold_name
from assistant.rules.model import Threshold
from assistant.rules.patterns import MONEY, benefit_word, read_money, read_subject

_N = rf"(?:{NUM}|{CN_NUM})"
_UNIT = r"(?:年|个月|月|人|名|个|家|项|次)"
# the sum at the starting count: '工作满2年以上的，每月给予80元' ('…以上的持证护工，' names whom)
_START = re.compile(
    rf"(?P<noun>[^，,；;。]{{0,40}}?)满?(?P<n>{_N})\s*(?P<u>{_UNIT})(?:及)?以上(?:的[\u4e00-\u9fff]{{0,10}}?)?[，,]\s*"
    rf"(?:每月|每年|每人|每户)?(?:给予|奖励|补助|补贴|发放)?(?P<m>{MONEY})")
# the step: '服务年限每增加1年，月补贴增加40元' (the growing sum named again before its step)
_STEP = re.compile(
    rf"每(?:增加|多|延长)(?P<k>1|一)\s*(?P<u>{_UNIT})[，,]?\s*[\u4e00-\u9fff]{{0,10}}?(?:增加|提高|增发|上调)(?P<m>{MONEY})")
# the ceiling of the growing band: '（8年以内的月补贴不超过320元）'
_CAP = re.compile(
    rf"(?P<n>{_N})\s*(?P<u>{_UNIT})以内的?[\u4e00-\u9fff]{{0,10}}?(?:不超过|不高于|最高|最多)(?P<m>{MONEY})")
# a flat sum from a higher count on: '8年（含）以上的月补贴600元'
_TOP = re.compile(
    rf"(?P<n>{_N})\s*(?P<u>{_UNIT})\s*(?P<incl>[（(]含[)）])?(?:及)?以上的?[\u4e00-\u9fff]{{0,10}}?(?P<m>{MONEY})")


def _num(text: str):
    return to_decimal(text) if re.match(r"\d", text) else cn_to_decimal(text)


def schedule(sent: str):
    """One sentence → (start, end, specs) of the growing sum it states, or None."""
    start = _START.search(sent)
    if not start:
        return None
    step = _STEP.search(sent, start.end())
    if not step or step.group("u") != start.group("u") or re.search(r"[。]", sent[start.end():step.start()]):
        return None
    unit = start.group("u")
    noun = re.split(r"[，,、；;]|对|的", start.group("noun"))[-1]
    fact = threshold_name(noun, "年" if unit == "年" else "人" if unit in ("人", "名") else "个")
    base_count = _num(start.group("n"))
    base, currency = read_money(start.group("m"))
    stepped, _cur = read_money(step.group("m"))
    end = step.end()
    cap = None
    if (c := _CAP.match(sent, _skip(sent, end))) and c.group("u") == unit:
        cap = c
        end = c.end()
    top = _TOP.search(sent, end)
    if top is not None and (top.group("u") != unit or re.search(r"[。]", sent[end:top.start()])
                            or _num(top.group("n")) <= base_count):
        top = None
    gate = Threshold(fact=fact, op=">=", value=base_count, unit=unit if unit != "个月" else "月",
                     text=f"{start.group('n')}{unit}以上")
    thresholds = [gate]
    if top is not None:
        top_n = _num(top.group("n"))
        # '8年（含）以上' starts the flat sum at 8: the growing band ends below it
        thresholds.append(Threshold(fact=fact, op="<", value=top_n, unit=gate.unit,
                                    text=f"不满{top.group('n')}{unit}"))
    subject = read_subject(sent, start.start("n")) or start.group("noun").strip("，, ")
    benefit = benefit_word(sent, start.end()) or "补贴"
    specs = [dict(kind="per_unit", amount=stepped, currency=currency, per_unit=unit, count_of=fact,
                  base_amount=base, base_count=base_count, thresholds=tuple(thresholds),
                  cap=read_money(cap.group("m"))[0] if cap else None, subject=subject, benefit=benefit)]
    if top is not None:
        amount, _c = read_money(top.group("m"))
        specs.append(dict(kind="fixed", amount=amount, currency=currency, benefit=benefit, subject=subject,
                          thresholds=(Threshold(fact=fact, op=">=", value=_num(top.group("n")), unit=gate.unit,
                                                text=f"{top.group('n')}{unit}{top.group('incl') or ''}以上"),)))
        end = top.end()
    return start.start(), end, specs


def _skip(sent: str, at: int) -> int:
    """Past the punctuation after the step ('…增加40元（8年以内…'), to where a ceiling may start."""
    while at < len(sent) and sent[at] in "（(，, ":
        at += 1
    return at
