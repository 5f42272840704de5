"""Clause text → SubsidyRule records, by reading Chinese amount language.

    extract(clause, stacking) -> list[SubsidyRule]

The clause is cut into sentences (。) and segments (；); each segment is read for the
forms policy documents use: tiers by quantity ("10台（套）以内…20%；11～50台（套）…15%"),
tiers by threshold lists ("增速达到15%、20%以上的，按照…70%、100%"), rates with a
base and a cap, permille, tax deductions and rates, per-unit awards with a cap,
amount lists aligned to the levels named before them, upgrades, loans and fixed
amounts; the remaining comparisons ("投资500万元以上", "超过2亿元") become thresholds.
Every rule keeps the verbatim span of its segment.
"""
from __future__ import annotations

import re

from assistant.rules.model import AREA_UNITS, Level, SubsidyRule
from assistant.rules.fact_names import base_name
from assistant.rules.formula import read_formula
from assistant.rules.steps import schedule
from assistant.rules.sums import LOOK_BACK, base_less, exemptions, exempted, periods, shares, stated_base
from assistant.rules.patterns import (
    GRANT,
    EXEMPT_RE,
    RULED_OUT_RE,
    STEP_RE,
    GRANT_NO_LOAN,
    LIMIT_RE,
    MONEY,
    MONEY_LIST,
    MONEY_RANGE_RE,
    PCT,
    PER_EVENT_RE,
    PER_HEAD_RE,
    PER_MEASURE_RE,
    PER_UNIT_RE,
    category_before,
    RATE_CAP_RE,
    RATE_PLAIN_RE,
    RATE_RE,
    REPEAT_RE,
    TAX_RATE_RE,
    UPGRADE_RE,
    UPTO,
    benefit_word,
    cap_after,
    clause_before,
    ends_with_cmp,
    is_threshold_money,
    is_threshold_pct,
    level_names,
    list_tiers,
    read_money,
    parts,
    quantity_tiers,
    read_rate,
    read_subject,
    read_thresholds,
    trim,
    base_before,
)
from assistant.lexicon.numbers import FRACTION, cn_to_decimal, fraction_shown, read_fraction
from index.ingest.cleaning import HEADING_START


def extract(clause, stacking: str = "", soft_breaks: frozenset = frozenset()) -> list[SubsidyRule]:
    """``soft_breaks``: offsets of line breaks in ``clause.text`` that do not end a sentence (where
    a split clause's parts were cut inside one, see rules/catalog.whole_sentences)."""
    text = clause.text
    specs: list[tuple[int, int, dict]] = []
    for ss, se in _sentences(text, soft_breaks):
        ss, se = trim(text, ss, se)
        sent = text[ss:se]
        if not GRANT.search(sent):
            for gs, ge in parts(sent, "；;"):
                gs, ge = trim(sent, gs, ge)
                seg = sent[gs:ge]
                # without a grant word only bounds are read: '不低于…1.5%、1.0%和0.8%' a level each
                found = [sp for sp in _segment(seg) if sp.get("kind") in ("limit", "deduction", "share", "exempt")] \
                    if re.search(PCT, seg) or EXEMPT_RE.search(seg) else []
                for spec in found or _limits(seg, lambda m: True):
                    specs.append((ss + gs, ss + ge, spec))
            continue
        tiered = quantity_tiers(sent)
        if tiered:
            ts, te, spec = tiered
            specs.append((ss + ts, ss + te, spec))
            sent_rest = [(a, b) for a, b in parts(sent, "；;") if b <= ts or a >= te]
        else:
            sent_rest = list(parts(sent, "；;"))
        for gs, ge in sent_rest:
            gs, ge = trim(sent, gs, ge)
            seg = sent[gs:ge]
            if GRANT.search(seg):
                for spec in _segment(seg):
                    specs.append((ss + gs, ss + ge, spec))
    specs = _schedules(text, specs)
    if formula := read_formula(text):
        # the clause's amount is its formula: what else its sentences seem to grant ('奖励单价为
        # 0.5元/千瓦时' read as 0.5元) are the formula's own parts
        fs, fe, fspec = formula
        names = [n for n, _v in fspec["factors"]]
        specs = [(s, e, sp) for s, e, sp in specs
                 if not (s < fe and fs < e) and not any(n in re.sub(r"\s", "", text[s:e]) for n in names)]
        specs.append(formula)
        specs.sort(key=lambda x: x[0])
    for s, e, spec in specs:
        if spec.get("subject") == LOOK_BACK:
            spec["subject"] = exempted(text[:s])
    specs = [x for x in specs if not (x[2].get("kind") == "exempt" and not x[2].get("subject"))]
    if out_by := RULED_OUT_RE.search(text):
        for _s, _e, spec in specs:
            spec.setdefault("ruled_out_by", re.sub(r"\s", "", out_by.group("x")))
    rules = []
    for s, e, spec in specs:  # a share whose base an earlier sentence of the clause states
        if spec.get("kind") == "share" and not spec.get("base"):
            spec["base"] = stated_base(text[:s], spec["benefit"])
    for s, e, spec in specs:
        if less := base_less(text[s:e], spec.get("base", "")):
            spec["base_less"] = less
    for i, (s, e, spec) in enumerate(specs, 1):
        rules.append(SubsidyRule(
            rule_id=f"{clause.clause_id}#r{i}", clause_id=clause.clause_id, doc_id=clause.doc_id,
            start=clause.start + s, end=clause.start + e, text=text[s:e], stacking=stacking, **spec))
    return rules


# --- one segment -------------------------------------------------------------------------

def _segment(seg: str) -> list[dict]:
    used: list[tuple[int, int]] = []
    out: list[tuple[int, dict]] = []  # (position of the benefit, spec)

    def free(m) -> bool:
        return not any(m.start() < b and a < m.end() for a, b in used)

    def take(a: int, b: int):
        used.append((a, b))

    repeats = None
    if m := REPEAT_RE.search(seg):
        n = m.group("n") or m.group("n2")
        repeats = int(n) if n.isdigit() else int(cn_to_decimal(n))
        take(m.start(), m.end())

    for spec, (a, b) in shares(seg, free):  # a price deduction, a share the document sets
        take(a, b)
        out.append((a, spec))

    for spec, spans in exemptions(seg, free) + periods(seg, free):  # '免收投标保证金'; '前3年每年100%…'
        for a, b in spans:
            take(a, b)
        out.append((spans[0][0], spec))

    # tax rate ("减按15%的税率")
    for m in TAX_RATE_RE.finditer(seg):
        take(m.start(), m.end())
        out.append((m.start(), dict(kind="tax_rate", rate=read_rate(m.group("rate")), benefit="企业所得税税率",
                                    subject=read_subject(seg, m.start()))))

    # threshold list + benefit list of the same length → tiers ("超过1亿元、5000万元…分别给予50万元、20万元…")
    tiers = list_tiers(seg)
    if tiers:
        (a, b), spec = tiers
        take(a, b)
        out.append((a, spec))

    def is_tax(m) -> bool:  # the tax words follow the rate; before it they are a condition
        return bool(re.search(r"加计扣除|应纳税所得额|税前摊销|抵减应纳税额", seg[m.start():]))

    floor = 0
    n_rates = len(RATE_RE.findall(seg))
    for m in list(RATE_RE.finditer(seg)) + list(RATE_PLAIN_RE.finditer(seg)):
        if not free(m):
            continue
        fraction = None
        if re.fullmatch(FRACTION, m.group("rates")):  # '按其缴费额的1/3'
            try:
                fraction = read_fraction(m.group("rates"))
            except ValueError:
                continue
        rates = [read_rate(x) for x in re.findall(PCT, m.group("rates"))] if fraction is None else \
            [fraction_shown(*fraction)]
        if len(rates) > 1 and not is_threshold_pct(seg, m) and \
                (names := level_names(seg[:m.start()], len(rates))) and m.groupdict().get("base"):
            # '对获得国家、省级和市级…的，分别按不低于工程结算造价1.5%、1.0%和0.8%': one rate a level
            take(m.start(), m.end())
            base = m.group("base")
            floor = bool(re.match(r"不低于|不少于", base))
            base = re.sub(r"^(?:不低于|不少于|不超过|不高于|最高)+", "", base)
            spec = dict(kind="limit" if floor else "rate", base=base_name(base), rate=rates[0],
                        levels=tuple(Level(n, rate=r) for n, r in zip(names, rates)),
                        rate_up_to=bool(m.groupdict().get("up") or m.groupdict().get("up2")) and not floor,
                        at_least=floor, subject=read_subject(seg, m.start()),
                        benefit=benefit_word(seg, m.end()) or (re.search(r"计取([\u4e00-\u9fff]{2,6})", seg[m.end():]) or
                                                                re.search(r"()", "")).group(1) or "补助")
            out.append((m.start(), spec))
            continue
        if len(rates) != 1 or is_threshold_pct(seg, m) or re.match(r"\s*计入", seg[m.end():]):
            continue  # '减按25%计入应纳税所得额' scales the taxable income; it is not a deduction rate
        take(m.start(), m.end())
        base = m.groupdict().get("base") or (base_before(seg, m.start()) if is_tax(m) and seg[m.start()] == "按" else "")
        floor_rate = bool(re.match(r"不低于|不少于", base or ""))  # '按照不低于上年度征收额15%的比例': a floor
        base = re.sub(r"^(?:不低于|不少于)", "", base or "") or _loss_before(seg, m.start())
        spec = dict(rate=rates[0], rate_fraction=fraction, base=base_name(base) if base else "",
                    rate_up_to=bool(m.groupdict().get("up") or m.groupdict().get("up2")),
                    subject=read_subject(seg, m.start(), floor) if n_rates < 2 else
                    re.sub(r"的$", "", re.split(r"[，,、对]", seg[floor:m.start()])[-1]))
        floor = m.end()
        if is_tax(m):
            spec.update(kind="tax_deduction",
                        benefit="加计扣除" if "加计扣除" in seg else ("税前摊销" if "摊销" in seg[m.end():] else
                                                                  "加计抵减应纳税额" if "抵减应纳税额" in seg[m.end():]
                                                                  else "抵扣应纳税所得额"))
        elif floor_rate:
            spec.update(kind="limit", at_least=True, rate_up_to=False,
                        benefit=benefit_word(seg, m.end()) or m.groupdict().get("benefit") or "金额")
        else:
            spec.update(kind="permille" if "‰" in m.group("rates") else "rate",
                        benefit=benefit_word(seg, m.end()) or m.groupdict().get("benefit") or "补助")
            if raise_to := re.match(r"(?:的比例)?\s*(?:提高|上浮|上调)(?P<what>[\u4e00-\u9fff]{2,8}?)(?:[，,；;。]|$)",
                                    seg[m.end():]):
                spec.update(raised=True, benefit=raise_to.group("what"))  # the base raised by the rate
            cap = cap_after(seg, m.end(), free)
            if cap:  # left unconsumed: two rates before one cap share it
                spec["cap"], spec["currency"] = cap[0]
        out.append((m.start(), spec))

    if not any(sp.get("kind") in ("rate", "permille", "tax_deduction") for _p, sp in out):
        for m in RATE_CAP_RE.finditer(seg):
            if not free(m) or is_threshold_pct(seg, m) or GRANT.search(m.group("base")) is None and \
                    not GRANT.search(seg[:m.start()]):
                continue
            take(m.start(), m.end())
            base = re.sub(r"^(?:给予|对|其)+|(?:补助|奖励|补贴|奖补)$", "", m.group("base"))
            spec = dict(kind="rate", rate=read_rate(m.group("rates")), base=base_name(base),
                        subject=read_subject(seg, m.start()), benefit=benefit_word(seg, m.end()) or "补助")
            cap = cap_after(seg, m.end(), free)
            if cap:
                spec["cap"], spec["currency"] = cap[0]
            out.append((m.start(), spec))

    for m in PER_HEAD_RE.finditer(seg):
        unit = m.group("u1") or m.group("u2")
        if not free(m) or not unit:
            continue
        take(m.start(), m.end())
        v, cur = read_money(m.group("m"))
        if m.group("u3"):  # '50元/天/人': counted in person-days, which the user is asked for as one figure
            unit = "人天" if {unit, m.group("u3")} == {"人", "天"} else unit + m.group("u3")
        spec = dict(kind="per_unit", amount=v, currency=cur, per_unit=unit, up_to=bool(UPTO.search(m.group(0))),
                    benefit=benefit_word(seg, m.end()) or "补助", subject=read_subject(seg, m.start()))
        if cap := cap_after(seg, m.end(), free):
            take(*cap[1])
            spec["cap"] = cap[0][0]
        out.append((m.start(), spec))

    if m := UPGRADE_RE.search(seg):
        take(m.start(), m.end())
        v, cur = read_money(m.group("m"))
        out.append((m.start(), dict(kind="upgrade", amount=v, currency=cur, benefit="奖励",
                                    subject=read_subject(seg, m.start()))))

    for m in STEP_RE.finditer(seg):  # joined with the threshold's sum by _stepped
        if not free(m):
            continue
        take(m.start(), m.end())
        v, cur = read_money(m.group("m"))
        spec = dict(kind="per_unit", amount=v, currency=cur, per_unit="增加" + m.group("cl"),
                    benefit=benefit_word(seg, m.start()) or "奖励", subject=read_subject(seg, m.start()))
        if cap := cap_after(seg, m.end(), free):
            take(*cap[1])
            spec["cap"] = cap[0][0]
        out.append((m.start(), spec))

    for m in PER_UNIT_RE.finditer(seg):
        cap = cap_after(seg, m.end(), free)
        if not free(m) or not cap:
            continue
        take(m.start(), m.end())
        take(*cap[1])
        v, cur = read_money(m.group("m"))
        out.append((m.start(), dict(kind="per_unit", amount=v, currency=cur, per_unit=m.group("unit") or (m.group("verb") + m.group("cl")),
                                    cap=cap[0][0], benefit=benefit_word(seg, m.start()) or "奖励",
                                    subject=read_subject(seg, m.start()))))

    for m in PER_EVENT_RE.finditer(seg):  # no cap needed: the events are counted, not the enterprise
        if not free(m):
            continue
        take(m.start(), m.end())
        v, cur = read_money(m.group("m"))
        spec = dict(kind="per_unit", amount=v, currency=cur, per_unit=m.group("unit"), up_to=bool(m.group("up")),
                    benefit=benefit_word(seg, m.end()) or "补助", subject=read_subject(seg, m.start()))
        if cap := cap_after(seg, m.end(), free):
            take(*cap[1])
            spec["cap"] = cap[0][0]
        out.append((m.start(), spec))

    for m in PER_MEASURE_RE.finditer(seg):  # '给予每辆最高不超过2万元的运营奖补': the count multiplies it
        if not free(m):
            continue
        take(m.start(), m.end())
        v, cur = read_money(m.group("m"))
        deduct = re.search(r"扣减|抵扣|减免", seg[m.end():m.end() + 12])
        subject = read_subject(seg, m.start())
        if category := category_before(seg, m.start()):  # one amount of several categories' list
            subject = f"{category}（{subject}）" if subject and category not in subject else category
        floor = re.search(r"从第(?P<n>\d+|[一二两三四五六七八九十]+)层(?:起|开始)", seg[:m.start()])
        spec = dict(kind="per_unit", amount=v, currency=cur, per_unit=m.group("unit"),
                    from_floor=_floor_no(floor.group("n")) if floor and m.group("unit") in AREA_UNITS else None,
                    up_to=bool(m.group("up") or m.group("lim")), at_least=bool(m.group("low")),
                    benefit=("扣减" if deduct else benefit_word(seg, m.end()) or "补助"), subject=subject)
        if cap := cap_after(seg, m.end(), free):
            take(*cap[1])
            spec["cap"] = cap[0][0]
        out.append((m.start(), spec))

    for m in re.finditer(MONEY_LIST, seg):
        if not free(m) or ends_with_cmp(seg[:m.start()]):
            continue
        take(m.start(), m.end())
        amounts = [read_money(x) for x in re.findall(rf"(?:最高)?{MONEY}", m.group(0))]
        names = level_names(seg[:m.start()], len(amounts))
        pre = clause_before(seg, m.start())
        up_to = bool(UPTO.search(pre) or m.group(0).startswith("最高"))
        spec = dict(kind="fixed", up_to=up_to, currency=amounts[0][1], subject=read_subject(seg, m.start()),
                    benefit=benefit_word(seg, m.end()) or "奖励",
                    levels=tuple(Level(n, a) for n, (a, _c) in zip(names, amounts)) if names else ())
        if not names:  # amounts we cannot pin to levels: keep them, marked, never guessed
            spec["levels"] = tuple(Level(f"第{i}档", a) for i, (a, _c) in enumerate(amounts, 1))
        out.append((m.start(), spec))

    for m in MONEY_RANGE_RE.finditer(seg):
        if not free(m) or not GRANT.search(seg[m.end():m.end() + 20] + seg[max(0, m.start() - 6):m.start()]):
            continue
        take(m.start(), m.end())
        v, cur = read_money(m.group("m"))
        post = re.split(r"[，,；;]", seg[m.end():], maxsplit=1)[0]
        loan = "贷款" in post
        out.append((m.start(), dict(kind="loan" if loan else "fixed", amount=v, currency=cur, up_to=True,
                                    benefit=(re.search(r"[\u4e00-\u9fff]*贷款", post).group(0).split("的")[-1]
                                             if loan else benefit_word(seg, m.end()) or "奖励"),
                                    subject=read_subject(seg, m.start()), notes=(m.group(0),))))

    inline = _inline_levels(seg, free)
    if inline:
        (a, b), spec = inline
        take(a, b)
        out.append((a, spec))

    has_rate = any(s.get("kind") in ("rate", "permille", "per_unit") for _p, s in out)
    last_end = 0
    for m in re.finditer(MONEY, seg):
        if not free(m) or is_threshold_money(seg, m):
            continue
        pre = clause_before(seg, m.start())
        post = re.split(r"[，,；;]", seg[m.end():], maxsplit=1)[0]
        post_grant = GRANT.search(post)
        if post_grant and post_grant.group(0) == "贷款" and not re.search(r"提供|给予|发放|最高|申请|申领", pre):
            post_grant = None  # '投放贷款110亿元' is a lending target, not a loan offered to the applicant
        if not (GRANT_NO_LOAN.search(seg[:m.start()]) or post_grant) or re.search(r"设立|安排|筹集|投放|出资", pre):
            continue
        take(m.start(), m.end())
        v, cur = read_money(m.group(0))
        capword = re.search(r"(最高|最多|不超过|不高于|限额)[^，,；;。]{0,6}$", pre)
        if capword and has_rate:
            continue  # a cap of a rate handled above
        # a second award in the same segment ('…给予30万元,工作站给予10万元') names its own subject
        subject = (read_subject(seg, m.start(), last_end) if last_end else "") or read_subject(seg, m.start())
        last_end = m.end()
        spec = dict(amount=v, currency=cur, subject=subject,
                    up_to=bool(UPTO.search(pre)), at_least=pre.endswith("不少于"))
        if "贷款" in post:
            spec.update(kind="loan", benefit=re.search(r"[\u4e00-\u9fff]*贷款", post).group(0).split("的")[-1])
        else:
            spec.update(kind="fixed", benefit=benefit_word(seg, m.end()) or benefit_word(pre, 0) or "奖励")
        out.append((m.start(), spec))

    if not any(sp.get("kind") in ("rate", "permille", "tax_deduction", "tiered") for _p, sp in out):
        for spec in _limits(seg, free):
            out.append((0, spec))
    if not out:
        return []
    out.sort(key=lambda x: x[0])
    thresholds = read_thresholds(seg, free)
    result = []
    prev_pos = 0
    for pos, spec in out:
        spec.setdefault("thresholds", tuple(t for p, t in thresholds if p < pos))
        money_gate = [t for t in spec["thresholds"] if t.unit in ("元", "美元")]
        if spec.get("kind") == "share" and not spec.get("base") and money_gate:
            spec["base"] = money_gate[-1].fact  # '达到400万元的工程采购项目…预留比例40%': the figure gated is the base
        if repeats and pos >= prev_pos:
            spec.setdefault("max_repeats", repeats)
        result.append(spec)
        prev_pos = pos
    return _stepped(result)


# '对…实际代偿损失，给予50%的分担补偿': a rate without 按 shares the sum the 对-phrase names
_LOSS_BEFORE = re.compile(r"对[^，,；;]{0,40}?(?P<noun>[\u4e00-\u9fff]{0,4}(?:损失|费用|投资额|投资|成本|支出|保费|利息))[，,]\s*$")


def _loss_before(seg: str, at: int) -> str:
    """The sum a plain rate ('给予50%的…') is a share of, named at the end of the 对-phrase before it."""
    m = _LOSS_BEFORE.search(seg[:at])
    return m.group("noun") if m and seg[at:at + 2] == "给予" else ""


def _sentences(text: str, soft_breaks: frozenset):
    """The spans parts(text, '。\\n') gives, joined across the line breaks that end no sentence."""
    out: list[list[int]] = []
    for s, e in parts(text, "。\n"):
        if out and (out[-1][1] in soft_breaks or _wrapped(text, out[-1][0], out[-1][1], s)):
            out[-1][1] = e
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


_HEAD = re.compile(rf"\s*(?:{HEADING_START})")


def _wrapped(text: str, s: int, e: int, nxt: int) -> bool:
    """A line break kept in mid-sentence (a PDF wrap after '（36个月）' that cleaning could not tell
    from a heading's end): the sentence before it is long, has a comma and ends in no sentence mark,
    and the next line starts no heading."""
    if e >= len(text) or text[e] != "\n":
        return False
    line = text[s:e].rstrip()
    if len(line) < 20 or not line or line[-1] in "。；;！？!?：:" or not re.search(r"[，,]", line):
        return False
    return not _HEAD.match(text, nxt)


def _schedules(text: str, specs: list) -> list:
    """A sum that grows with a count, stated across the segments of one sentence (rules/steps.py),
    replaces what those segments seemed to grant one by one."""
    for ss, se in parts(text, "。\n"):
        found = schedule(text[ss:se])
        if not found:
            continue
        a, b, new = found
        a, b = ss + a, ss + b
        kept = [x for x in specs if not (x[0] < b and a < x[1] and x[2].get("kind") in ("fixed", "per_unit"))]
        seg_of = [x for x in specs if x[0] < b and a < x[1]]
        s0 = min([x[0] for x in seg_of] + [a])
        e0 = max([x[1] for x in seg_of] + [b])
        specs = sorted(kept + [(s0, e0, spec) for spec in new], key=lambda x: x[0])
    return specs


def _floor_no(text: str) -> int:
    return int(text) if text.isdigit() else int(cn_to_decimal(text))


def _stepped(specs: list[dict]) -> list[dict]:
    """'达到5个的，给予2万元，5个以上的每增加一个给予5000元，…最高不超过10万元' is one rule: the
    sum at the threshold count plus a step for each unit beyond it, capped. A fixed amount gated
    by a count threshold, followed by a per-unit amount counted from the same figure ('每增加'),
    become one ``per_unit`` rule with ``base_amount``/``base_count``."""
    out: list[dict] = []
    for spec in specs:
        prev = out[-1] if out else None
        gate = [t for t in (prev or {}).get("thresholds", ()) if t.op in (">=", ">") and t.unit not in ("元", "美元", "%")]
        if (spec.get("kind") == "per_unit" and "增加" in spec.get("per_unit", "") and prev
                and prev.get("kind") == "fixed" and prev.get("amount") is not None and gate):
            th = gate[-1]
            merged = dict(spec, per_unit=re.sub(r"数$", "", th.fact), base_amount=prev["amount"],
                          base_count=th.value + (1 if th.op == ">" else 0), thresholds=prev["thresholds"],
                          subject=prev.get("subject") or spec.get("subject", ""))
            out[-1] = merged
            continue
        out.append(spec)
    return out


_NAME_BEFORE = re.compile(r"(?:^|[、，,：:；;])(?P<name>[\u4e00-\u9fff（）()“”]{2,14}?)(?:资助|补助|奖励|补贴|给予)?$")


_NAME_FILLER_HEAD = re.compile(r"^(?:其中|对|给予|凡|另外|另)+")
_NAME_FILLER_TAIL = re.compile(r"(?:每年|每个|每家|每项|每次|一次性|分别|各|均|给予|奖励|补助|资助|补贴)+$")


def _level_name(seg: str, name: str, m) -> str:
    """A level named right before its amount, as the document names it: fillers dropped
    ('其中区市县每年各' → '区市县'), and a list of names sharing the amount kept whole
    ('广安经开区、枣山园区、协兴园区每年各' → '广安经开区、枣山园区、协兴园区')."""
    start = seg.rfind(name, 0, m.start())
    name = _NAME_FILLER_TAIL.sub("", _NAME_FILLER_HEAD.sub("", re.sub(r"[“”]", "", name))) or name
    items = [name]
    head = seg[:start]
    while head.endswith("、"):
        prev = re.search(r"(?:^|[，,；;：:、])([\u4e00-\u9fff（）()]{2,12})、$", head)
        if not prev or re.search(r"\d|元|给予|奖励|补助", prev.group(1)):
            break
        items.insert(0, _NAME_FILLER_HEAD.sub("", prev.group(1)))
        head = head[:prev.start(1)]
    return "、".join(items)


def _inline_levels(seg: str, free):
    """'一般项目20万元、重大项目50万元、特别重大项目100万元' → levels named right before each amount."""
    group: list[tuple[str, object]] = []
    best = None
    prev_end = None
    for m in re.finditer(MONEY, seg):
        head = seg[(prev_end if prev_end is not None else 0):m.start()]
        nm = _NAME_BEFORE.search(head)
        joined = bool(group) and nm is not None and re.match(r"^(?:及以上)?[、，,；;]", head)
        if nm is not None and re.search(r"给予|一次性|奖励|补助|资助|补贴|最高|不超过", nm.group("name")):
            nm, joined = None, False  # a clause with its own verb is a separate award, not a level name
        if not free(m) or (is_threshold_money(seg, m) and not joined) or nm is None:
            group, prev_end = [], m.end()
            continue
        name = re.sub(r"^(?:或|和|及|并|参照|按照|对)+", "", nm.group("name"))
        group = (group if joined else []) + [(name, m)]
        prev_end = m.end()
        if len(group) >= 2 and GRANT.search(seg[:group[0][1].start()] + seg[m.end():m.end() + 12]):
            best = list(group)
    if not best:
        return None
    names = [_level_name(seg, n, m) for n, m in best]
    amounts = [read_money(m.group(0)) for _n, m in best]
    spec = dict(kind="fixed", currency=amounts[0][1], levels=tuple(Level(n, a) for n, (a, _c) in zip(names, amounts)),
                subject=read_subject(seg, best[0][1].start()), benefit=benefit_word(seg, best[-1][1].end()) or "奖励",
                up_to=bool(re.search(r"最高|不超过", seg[:best[0][1].start()].split("，")[-1])))
    return (best[0][1].start() - len(best[0][0]), best[-1][1].end()), spec


_PAYS = re.compile(r"(?:收取|缴纳|交纳|提交|支付|预留|约定)(?P<n>[\u4e00-\u9fff]{2,8}?)(?:的|，|,|$)")


def _limits(seg: str, free) -> list[dict]:
    """'投标保证金不超过招标项目估算价的1%，且最高不得超过50万元' → a limit: the sum named (投标保证金)
    is at most (or, with 不低于, at least) the rate of the base (招标项目估算价), within a cap."""
    out = []
    noun_prev = ""
    for m in LIMIT_RE.finditer(seg):
        if not free(m):
            continue
        noun = re.split(r"[，,；;的对]|且|并", m.group("noun"))[-1]
        noun = re.sub(r"^(?:最高|最低|其|该|且|并|对)+|(?:比例|比率|标准)$", "", noun)
        if len(noun) < 2 and noun_prev:
            noun = noun_prev
        elif len(noun) < 2 or re.fullmatch(r"缴纳|收取|交纳|提交|支付", noun):
            pays = list(_PAYS.finditer(seg[:m.start()]))
            noun = re.sub(r"(?:比例|比率|标准)$", "", pays[-1].group("n")) if pays else noun_prev
        if not noun:
            continue
        noun_prev = noun
        floor = m.group("op") in ("不得低于", "不低于", "不少于")
        spec = dict(kind="limit", rate=read_rate(m.group("rate")), base=base_name(m.group("base")),
                    rate_up_to=not floor, at_least=floor, benefit=noun, subject=read_subject(seg, m.start()))
        if not floor and (cap := cap_after(seg, m.end(), free)):
            spec["cap"], spec["currency"] = cap[0]
        out.append(spec)
    return out
