"""Sums a document sets rather than grants: a price deduction or a cut of a fee, a share of a base
(an advance payment, a reduced levy, the tax on one part of a base), an exemption from a sum, and a
yearly rate that changes over the years. Each reader takes one segment and returns
``(spec, span)`` pairs for rules/extract.py; every name comes from the segment's own words.

    shares(seg, free), exemptions(seg, free), periods(seg, free)
    exempted(before) -> who an exemption spares;  base_less(seg, base);  stated_base(text, noun)
"""
from __future__ import annotations

import re
from decimal import Decimal

from assistant.lexicon.numbers import cn_to_decimal, discount_share
from assistant.rules.fact_names import base_name
from assistant.rules.model import Level
from assistant.rules.patterns import (
    DEDUCT_RE,
    DISCOUNT_RE,
    EXEMPT_RE,
    LEVY_RE,
    PART_TAX_RE,
    PCT,
    PERIODS_RE,
    REDUCE_RE,
    SHARE_RE,
    TAX_CUT_RE,
    cap_after,
    read_money,
    read_rate,
    read_subject,
)


def shares(seg: str, free) -> list[tuple[dict, tuple[int, int]]]:
    """'对…小微企业报价给予20%(工程项目为5%)的扣除' → a deduction off the user's 报价 (the top of a
    range '10%-20%' when one is given, marked as a ceiling; a category's own rate as a level);
    '预付款比例提高到50%' → a share of the base the clause states for that sum ('预付款比例一般不低于
    合同金额30%' → 合同金额), else of the figure the user gives."""
    out = []
    for m in DEDUCT_RE.finditer(seg):
        if not free(m):
            continue
        lo, hi = (m.group("r1"), m.group("r2")) if m.group("r1") else (m.group("q1"), m.group("q2"))
        rate = read_rate(hi or lo)
        levels = (Level(m.group("alt"), rate=read_rate(m.group("altr"))),) if m.group("alt") else ()
        out.append((dict(kind="deduction", rate=rate, rate_up_to=bool(hi), base="报价", levels=levels,
                         benefit="价格扣除", subject=read_subject(seg, m.start())), m.span()))
    for m, off, up in _reductions(seg):
        if not free(m) or any(a <= m.start() < b for _s, (a, b) in out):
            continue
        noun = re.sub(r"^(?:给予|对|其|实行|实施|享受)+", "", re.split(r"的|给予", m.group("noun"))[-1])
        if fee := _FEE_AFTER.match(seg, m.end()):  # '…仪器设备减免30%的检验检测费': the fee named after
            noun = fee.group("fee")
        noun = re.sub(r"费率$", "费", noun)  # a fee rate cut by a share cuts the fee by that share
        out.append((dict(kind="deduction", rate=off, rate_up_to=up, base=base_name(noun), benefit="减免",
                         subject=read_subject(seg, m.start())), m.span()))
    for m in TAX_CUT_RE.finditer(seg):
        if not free(m) or any(a <= m.start() < b for _s, (a, b) in out) or not _CUTS_TAX.search(seg):
            continue
        out.append((dict(kind="deduction", rate=read_rate(m.group("r")), base="应纳税额", benefit="减征",
                         subject=read_subject(seg, m.start())), m.span()))
    flat = re.sub(r"\s+", "", seg)
    for m in PART_TAX_RE.finditer(flat):  # positions are of the flat text: nothing is taken
        if not (m.group("lo") or m.group("hi")):
            continue
        inc, rate = read_rate(m.group("inc")), read_rate(m.group("rate"))
        out.append((dict(kind="share", rate=inc * rate, base=base_name(m.group("base")), benefit="应缴" + m.group("tax"),
                         part_over=read_money(m.group("lo"))[0] if m.group("lo") else None,
                         part_upto=read_money(m.group("hi"))[0] if m.group("hi") else None,
                         notes=(f"减按{m.group('inc')}计入{m.group('base')}，按{m.group('rate')}的税率",),
                         subject=read_subject(flat, m.start())), (len(seg), len(seg))))
    for m in LEVY_RE.finditer(seg):
        if not free(m) or any(a <= m.start() < b for _s, (a, b) in out):
            continue
        base = re.split(r"的", m.group("base"))[-1]
        out.append((dict(kind="share", rate=read_rate(m.group("r")), base=base_name(base), benefit="应缴" + m.group("tax"),
                         subject=read_subject(seg, m.start())), m.span()))
    for m in SHARE_RE.finditer(seg):
        if not free(m) or "扣除" in m.group("noun") or any(a <= m.start() < b for _s, (a, b) in out):
            continue
        # '中小微企业合同预付款' → 预付款: the sum, without who it is for
        noun = re.split(r"企业|单位|合同|的|将|对|把", m.group("noun"))[-1] or m.group("noun")
        base = stated_base(seg[:m.start()], noun)
        out.append((dict(kind="share", rate=read_rate(m.group("r")), base=base, benefit=noun,
                         subject=read_subject(seg, m.start())), m.span()))
    return out


# '招标人可以减少或者免收…' (a choice of the one who charges), '提供风险分担、免收…' (a list of what an
# actor does), '实行…并免收' (a measure): none names a party spared the sum
_NOT_PARTY = re.compile(r"可以|(?:^|[^不])可$|或者|减少|实行|落实|试行|评选|表扬|[、并或和及]$")
_ENCOURAGED = re.compile(r"推行|推进|鼓励|倡导|推广|探索|引导|支持|逐步|全面")
LOOK_BACK = "\0"  # marks an exemption whose subject is read from the text before its segment


def exempted(before: str) -> str:
    """Who an exemption spares, from the words right before it ('…，再担保机构免收再担保费' →
    再担保机构); '' when none, or when the words encourage a measure ('推行采购人免收…')."""
    who = re.split(r"[，,；;。]", before)[-1]
    who = re.sub(r"\s", "", who)
    while (bare := re.sub(r"[（(][^（()）]*[）)]", "", who)) != who:  # asides, nested ones too
        who = bare
    who = re.sub(r"^(?:并|且|同时|对于|对)+|(?:的|一律|均|可|予以|给予)+$", "", who)
    if _ENCOURAGED.search(who) or _NOT_PARTY.search(who) or not 2 <= len(who) <= 80:
        return ""
    return who


def _years(text: str) -> int:
    return int(text) if text.isdigit() else int(cn_to_decimal(text))


def _period_rate(text: str):
    return {"全额": Decimal(1), "减半": Decimal("0.5")}.get(text) or read_rate(text)


_FEE_AFTER = re.compile(r"的(?P<fee>[\u4e00-\u9fff]{2,10}?费用?)(?=[，,。；;、）)]|$)")
_CUTS_TAX = re.compile(r"税|两费|附加")  # what a '按50%幅度减征' cuts is a tax the sentence names


def _reductions(seg: str):
    """(match, share taken off, is a ceiling) of '…费率最高减免40%' and '…作业费八折优惠'."""
    for m in REDUCE_RE.finditer(seg):
        yield m, read_rate(m.group("r")), bool(m.group("up"))
    for m in DISCOUNT_RE.finditer(seg):
        yield m, 1 - discount_share(m.group("d")), False


def base_less(seg: str, base: str) -> str:
    """'合同价款（扣除暂列金额）的10%' → 暂列金额: the part the base is taken without."""
    if not base:
        return ""
    m = re.search(rf"{re.escape(base)}\s*[（(](?:扣除|扣减|不含|剔除|减去)(?P<x>[\u4e00-\u9fff]{{2,12}}?)后?[）)]", seg)
    return base_name(m.group("x")) if m else ""


def stated_base(text: str, noun: str) -> str:
    """The base a sum's share is stated against in ``text`` ('预付款比例一般不低于合同金额30%' → 合同金额)."""
    stated = re.search(rf"{re.escape(noun)}比例[^。；;，,]{{0,6}}?(?:不低于|不超过|不得低于|不得超过|为)(?P<base>[\u4e00-\u9fff]{{2,8}}?)的?{PCT}", text)
    return base_name(stated.group("base")) if stated else ""


def exemptions(seg: str, free) -> list[tuple[dict, list[tuple[int, int]]]]:
    """'对中小微企业免收投标保证金' → an ``exempt`` spec: that sum is 0 for them (who: ``exempted``)."""
    out = []
    for m in EXEMPT_RE.finditer(seg):
        if not free(m):
            continue
        spec = dict(kind="exempt", amount=Decimal(0), benefit=m.group("what"), subject=exempted(seg[:m.start()]))
        if not spec["subject"] and not seg[:m.start()].strip():
            spec["subject"] = LOOK_BACK  # the line breaks before it: who is at the end of the text before
        if spec["subject"]:
            out.append((spec, [m.span()]))
    return out


def periods(seg: str, free) -> list[tuple[dict, list[tuple[int, int]]]]:
    """'前2年每年80%、后3年每年40%的租金补助' → a rate that changes over the years (``periods``)."""
    out = []
    for m in PERIODS_RE.finditer(seg):
        if not free(m):
            continue
        spans = [m.span()]
        years = tuple((_years(m.group(f"n{i}")), _period_rate(m.group(f"r{i}"))) for i in (1, 2, 3) if m.group(f"n{i}"))
        noun = re.split(r"的|标准|给予|按", m.group("noun"))[-1] or m.group("noun2")
        spec = dict(kind="rate", rate=years[0][1], periods=years, base=base_name(noun) if noun else "",
                    max_repeats=sum(n for n, _r in years), benefit=(noun or "") + m.group("benefit"),
                    subject=read_subject(seg, m.start()))
        if cap := cap_after(seg, m.end(), lambda c: free(c) and not (c.start() < m.end() and m.start() < c.end())):
            spans.append(cap[1])
            spec["cap"], spec["currency"] = cap[0]
        out.append((spec, spans))
    return out
