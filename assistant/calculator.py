"""The deterministic subsidy calculator: a rule and a user's facts → an exact amount.

    calculate(rule, facts, citation=None) -> Calculation
    calculate_for(clause, facts, kb, as_of=None) -> list[Calculation]   (calculator_select.py)
    calculate_clause(kb, clause_id, facts, as_of=None) -> list[Calculation]
    (facts → quantities and levels: calculator_facts.py)

Plain arithmetic over ``Decimal``; no language model does any of it. Every step is
written out in Chinese, every eligibility check states its outcome, and a missing fact
is named instead of guessed.
"""
from __future__ import annotations

from decimal import Decimal

from assistant.calculator_facts import TEXT_FACTS, as_quantity, match_level  # noqa: F401 - re-exported
from assistant.calculator_facts import fact as _fact
from assistant.calculator_facts import bound_of
from assistant.calculator_facts import pick_level as _pick_level
from assistant.records import Calculation, Citation
from assistant.rules import EVENT_COUNT, EVENT_UNITS, SubsidyRule
from assistant.rules_facts import lookup
from assistant.rules_units import Quantity, format_money, format_quantity, format_rate, normalize


def calculate(rule: SubsidyRule, facts: dict, citation: Citation | None = None) -> Calculation:
    """Compute what one subsidy rule grants for the given facts.

    Input: ``rule`` (a SubsidyRule from a policy clause) and ``facts``: a dict of the
    applicant's figures, values as Decimal (元 for money, fractions for rates: 18% →
    0.18, plain counts) or strings with units ("800万元", "18%", "20台"), and text
    facts such as 级别 ("国家级", "AAAA", "一等奖") or 学历 ("博士").
    Output: a Calculation with ``amount_yuan`` (Decimal 元; None when a fact is missing
    or the benefit has no amount, e.g. a tax rate; for a tax deduction it is the deduction
    from taxable income, for a loan the loan ceiling — the summary names which), Chinese ``steps``
    ("800万元 × 5% = 40万元；未超过上限50万元；可获补助40万元"), eligibility ``checks``
    (a threshold not met → amount 0 and why), ``missing_facts`` (what to ask for) and
    a one-sentence ``summary``. Caps are never exceeded; thresholds are applied exactly
    as written (以上/达到 → ≥, 超过 → >).
    """
    calc = Calculation(clause_id=rule.clause_id, rule_id=rule.rule_id, amount_yuan=None,
                       citation=citation)
    money = lambda v: format_money(v, rule.currency)  # noqa: E731
    if rule.subject:
        calc.checks.append(f"适用对象：{rule.subject}")

    eligible = True
    for th in rule.thresholds:
        q = _fact(facts, th.fact, th.unit)
        if q is None:
            calc.missing_facts.append(th.fact)
            calc.checks.append(f"？需要{th.fact}：条件为{th.describe()}")
            continue
        ok = th.holds(q.value)
        mark = "✓" if ok else "✗"
        verdict = "符合" if ok else "不符合"
        calc.checks.append(f"{mark} {th.fact}{format_quantity(q)}，{verdict}条件“{th.describe()}”")
        eligible &= ok
    if not eligible:
        calc.eligible = False
        calc.amount_yuan = Decimal(0)
        calc.steps.append("未达到该条款的门槛条件，不能获得此项支持")
        calc.summary = "不符合条件，可获金额为0：" + "；".join(c for c in calc.checks if c.startswith("✗"))
        return calc

    handler = _KINDS.get(rule.kind, _fixed)
    handler(rule, facts, calc, money)
    if calc.eligible is False:  # the facts rule it out (another level, outside every tier)
        pass
    elif calc.missing_facts:
        calc.amount_yuan = None if rule.kind not in ("tax_rate",) else calc.amount_yuan
        calc.eligible = None
        need = "、".join(dict.fromkeys(calc.missing_facts))
        calc.summary = (f"还需要提供：{need}；如符合条件，{calc.summary}" if calc.summary
                        else f"还需要提供：{need}，才能算出金额")
    elif calc.eligible is None:
        calc.eligible = True
    if rule.max_repeats and calc.amount_yuan:
        calc.steps.append(f"每年{money(calc.amount_yuan)}，最多连续{rule.max_repeats}年，"
                          f"合计最多{money(calc.amount_yuan * rule.max_repeats)}")
    calc.missing_facts = list(dict.fromkeys(calc.missing_facts))
    return calc


# --- per kind -----------------------------------------------------------------------------

def _fixed(rule, facts, calc, money):
    amount = rule.amount
    if rule.levels:
        level = _pick_level(rule, facts)
        listing = "；".join(f"{lv.name}{money(lv.amount)}" for lv in rule.levels if lv.amount is not None)
        if level is None and facts and facts.get("级别"):
            calc.eligible = False
            calc.amount_yuan = Decimal(0)
            calc.checks.append(f"✗ 级别“{facts['级别']}”不在本条款所列级别内（{listing}）")
            calc.summary = f"本条款不对“{facts['级别']}”给予奖励，可获金额为0"
            return
        if level is None:
            calc.missing_facts.append("级别")
            calc.steps.append(f"按级别{'最高' if rule.up_to else ''}给予：{listing}")
            return
        calc.checks.append(f"✓ 级别：{level.name}")
        amount = level.amount
    calc.amount_yuan = amount
    if rule.up_to:
        calc.steps.append(f"最高给予{money(amount)}（具体金额以认定结果为准）")
        calc.summary = f"最高可获{rule.benefit or '支持'}{money(amount)}"
    elif rule.at_least:
        calc.steps.append(f"给予不少于{money(amount)}（具体金额以认定结果为准）")
        calc.summary = f"可获不少于{money(amount)}的{rule.benefit or '支持'}"
    else:
        calc.steps.append(f"{'每年' if rule.max_repeats else '一次性'}给予{money(amount)}")
        calc.summary = f"可获{rule.benefit or '奖励'}{money(amount)}"


def _capped(raw: Decimal, cap, money, calc):
    if cap is not None and raw > cap:
        calc.steps.append(f"超过上限{money(cap)}，按上限计")
        return cap
    if cap is not None:
        calc.steps.append(f"未超过上限{money(cap)}")
    return raw


def _rate(rule, facts, calc, money):
    name = rule.base or "计算基数"
    base = _fact(facts, name, rule.currency)
    if base is None:
        calc.missing_facts.append(name)
        cap = f"，最高{money(rule.cap)}" if rule.cap is not None else ""
        calc.steps.append(f"按{name}的{'不高于' if rule.rate_up_to else ''}{format_rate(rule.rate)}计算{cap}")
        return
    raw = normalize(base.value * rule.rate)
    calc.steps.append(f"{money(base.value)} × {format_rate(rule.rate)} = {money(raw)}")
    amount = _capped(raw, rule.cap, money, calc)
    calc.amount_yuan = amount
    word = rule.benefit or "补助"
    if rule.rate_up_to:
        calc.steps.append(f"比例为“不高于{format_rate(rule.rate)}”，最多可获{word}{money(amount)}")
        calc.summary = f"最多可获{word}{money(amount)}"
    else:
        calc.steps.append(f"可获{word}{money(amount)}")
        calc.summary = f"可获{word}{money(amount)}"


def _per_unit(rule, facts, calc, money):
    name = EVENT_COUNT if rule.per_unit in EVENT_UNITS else rule.per_unit + "数"
    n = _fact(facts, name, "")
    if n is None and rule.per_unit in EVENT_UNITS:
        # '每场给予5万元': one event unless the user says how many; the step says so
        n = Quantity(Decimal(1), "")
        calc.steps.append(f"按1{rule.per_unit}计算（多{rule.per_unit}按{rule.per_unit}数累计）")
    if n is None:
        calc.missing_facts.append(name)
        cap = f"，最高{money(rule.cap)}" if rule.cap is not None else ""
        calc.steps.append(f"每{rule.per_unit}{money(rule.amount)}{cap}")
        return
    raw = normalize(rule.amount * n.value)
    count = f"{format_quantity(n)}{'个' if len(rule.per_unit) > 1 else ''}{rule.per_unit}"
    calc.steps.append(f"{money(rule.amount)} × {count} = {money(raw)}"
                      + ("（按每单位最高标准计）" if rule.up_to else ""))
    amount = _capped(raw, rule.cap, money, calc)
    calc.amount_yuan = amount
    most = "最高" if rule.up_to else ""  # '每场给予最高20万元': a ceiling per event, not a promise
    calc.steps.append(f"{most}可获{rule.benefit or '奖励'}{money(amount)}")
    calc.summary = f"{most}可获{rule.benefit or '奖励'}{money(amount)}"


def _bound_tier(rule, facts):
    """A figure said as a bound ('过了1亿') → the one band holding every value it allows, else None."""
    b = bound_of(lookup(facts, rule.tier_fact))
    if b is None:
        return None
    op, q = b
    fits = [t for t in rule.tiers if t.high is None and t.low is not None
            and (t.low < q.value or (t.low == q.value and (op == ">" or t.low_inclusive)))]
    return (op, q, fits[0]) if len(fits) == 1 else None


def _tiered(rule, facts, calc, money):
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
                own = _capped(own, cap, money, calc)
                if asked == "own":
                    calc.steps.append(f"只计{tier.extra_payer}部分（{tier.payer or '其他层级'}另按{format_rate(tier.rate)}补助，未计入）")
                    amount = own
                else:
                    amount = raw + own
                    calc.steps.append(f"合计：{money(raw)} + {money(own)} = {money(amount)}")
        else:
            calc.steps.append(f"{money(base.value)} × {format_rate(tier.rate)} = {money(raw)}")
            amount = _capped(raw, cap, money, calc)
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
    if payer == "本级" and tier.extra_rate:
        return "own"  # the document's own government: the share it adds ('市区再给予5%')
    if tier.extra_payer and tier.extra_payer.startswith(payer):
        return "own"
    if tier.payer and tier.payer.startswith(payer):
        return "other"
    return None


def _upgrade(rule, facts, calc, money):
    n = _fact(facts, "晋升等级数", "")
    if n is None:
        calc.missing_facts.append("晋升等级数")
        calc.steps.append(f"首次获评之后，每晋升一个等级奖励{money(rule.amount)}")
        return
    amount = normalize(rule.amount * n.value)
    calc.amount_yuan = amount
    calc.steps.append(f"{money(rule.amount)} × 晋升{format_quantity(n)}个等级 = {money(amount)}")
    calc.summary = f"晋升奖励{money(amount)}"


def _tax_deduction(rule, facts, calc, money):
    name = rule.base or "研发费用"
    word = rule.benefit or "加计扣除"
    reduces = "应纳税额" if "抵减应纳税额" in word else "应纳税所得额"
    calc.steps.append(f"{name}按{format_rate(rule.rate)}{word}，减少的是{reduces}，不是直接发放的资金")
    base = _fact(facts, name, "元")
    if base is None:
        calc.missing_facts.append(name)
        return
    ded = normalize(base.value * rule.rate)
    label = "加计抵减额" if reduces == "应纳税额" else f"{word}额"
    calc.steps.append(f"{label} = {money(base.value)} × {format_rate(rule.rate)} = {money(ded)}")
    calc.amount_yuan = ded  # an amount of taxable income, not cash: the summary says so
    calc.summary = (f"{word}额为{money(ded)}（减少的是{reduces}；实际少缴的税额取决于企业自身情况，这里不做推算）"
                    if reduces == "应纳税所得额" else f"可{word}{money(ded)}（直接抵减应纳税额，不是直接发放的资金）")
    calc.eligible = True


def _tax_rate(rule, facts, calc, money):
    calc.steps.append(f"企业所得税减按{format_rate(rule.rate)}的税率征收（法定税率为25%）")
    calc.summary = f"符合条件的企业减按{format_rate(rule.rate)}的税率缴纳企业所得税；应纳税额取决于企业自身的应纳税所得额，这里不做推算"
    calc.eligible = True


def _loan(rule, facts, calc, money):
    calc.steps.append(f"{'最高' if rule.up_to else ''}可申请{money(rule.amount)}的{rule.benefit or '贷款'}（是贷款，需要归还，不是补助）")
    calc.amount_yuan = rule.amount  # the loan ceiling; the summary says it is a loan
    calc.summary = f"可申请{'最高' if rule.up_to else ''}{money(rule.amount)}的{rule.benefit or '贷款'}（需归还，不是补助）"
    calc.eligible = True


_KINDS = {"fixed": _fixed, "rate": _rate, "permille": _rate, "per_unit": _per_unit, "tiered": _tiered,
          "upgrade": _upgrade, "tax_deduction": _tax_deduction, "tax_rate": _tax_rate, "loan": _loan}


def calculate_for(clause, facts, kb, as_of=None, question=None):
    """Clause + facts → the calculations of its applicable rules (see calculator_select)."""
    from assistant.calculator_select import calculate_for as _cf

    return _cf(clause, facts, kb, as_of, question)


def calculate_clause(kb, clause_id: str, facts: dict, as_of=None):
    """For the CLI/API: clause id + facts as strings ('800万元') → calculations."""
    from assistant.calculator_select import calculate_clause as _cc

    return _cc(kb, clause_id, facts, as_of)
