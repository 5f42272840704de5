"""The deterministic subsidy calculator: a rule and a user's facts → an exact amount.

    calculate(rule, facts, citation=None) -> Calculation
    (which rules of a clause apply: calculator/select.py; facts → quantities and levels: calculator/bind.py)

Plain arithmetic over ``Decimal``; no language model does any of it. Every step is
written out in Chinese, every eligibility check states its outcome, and a missing fact
is named instead of guessed.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import re

from assistant.calculator.bind import TEXT_FACTS, fact_type
from assistant.calculator.bind import fact as _fact
from assistant.calculator.bind import pick_level as _pick_level
from assistant.calculator.formula import formula
from assistant.calculator.tiers import capped, tiered
from assistant.records import Calculation, Citation
from assistant.rules.model import AREA_UNITS, EVENT_UNITS, SubsidyRule
from assistant.question.facts import ASKED, PAID_AFTER, PURCHASE_KIND, REVIEW_PRICE
from assistant.lexicon.numbers import Quantity, exact_money, format_money, format_quantity, format_rate, normalize, plain, times_fraction


@exact_money  # exact, or 金额过大; never rounded
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
    for given in rule.thresholds:
        th = _bar_for(given, facts, calc)
        q = _fact(facts, th.fact, th.unit)
        if q is None:
            calc.missing_facts.append(th.fact)
            calc.checks.append(f"？需要{th.fact}：条件为{th.describe()}")
            continue
        ok = th.holds(q.value)
        if not ok and th is not given.alt and given.alt is not None and given.alt.holds(q.value) \
                and _fact(facts, given.when.fact, given.when.unit) is None:
            calc.missing_facts.append(given.when.fact)  # it meets the other bar: whether that bar is theirs decides
            continue
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
    if rule.max_repeats and calc.amount_yuan and not rule.periods and not any(x.startswith(OWED_STEP) for x in calc.steps):
        calc.steps.append(f"每年{money(calc.amount_yuan)}，最多连续{rule.max_repeats}年，"
                          f"合计最多{money(calc.amount_yuan * rule.max_repeats)}")
    calc.missing_facts = list(dict.fromkeys(calc.missing_facts))
    return calc


def _bar_for(th, facts, calc):
    """A threshold with an alternative bar ('（职工超过200人的占比达到10%）'): the alternative when the
    user meets its condition, the threshold's own bar when not; unknown → the own bar, and said."""
    if th.when is None or th.alt is None:
        return th
    w = _fact(facts, th.when.fact, th.when.unit)
    if w is not None and th.when.holds(w.value):
        calc.checks.append(f"✓ {th.when.fact}{format_quantity(w)}，适用“{th.alt.describe()}”")
        return th.alt
    if w is None:
        calc.checks.append(f"？如{th.when.describe()}，条件为{th.alt.describe()}")
    return replace(th, when=None, alt=None)


# --- per kind -----------------------------------------------------------------------------

def _fixed(rule, facts, calc, money):
    amount = rule.amount
    if rule.levels:
        level = _pick_level(rule, facts)
        listing = "；".join(f"{lv.name}{money(lv.amount)}" for lv in rule.levels if lv.amount is not None)
        if level is None and facts and facts.get("级别"):
            _level_not_listed(calc, facts["级别"], listing, "给予奖励")
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


def _level_not_listed(calc, named: str, listing: str, what: str) -> None:
    """The user named a level the clause does not list: amount 0, said so — never another level's."""
    calc.eligible = False
    calc.amount_yuan = Decimal(0)
    calc.checks.append(f"✗ 级别“{named}”不在本条款所列级别内（{listing}）")
    calc.summary = f"本条款不对“{named}”{what}，可获金额为0"


def _level_rate(rule, facts, calc, money):
    """The rate of the level the user named (a rule with one rate a level); None when it cannot be
    chosen: the level is missing (asked for) or not among the rule's (amount 0, said so)."""
    listing = "；".join(f"{lv.name}{format_rate(lv.rate)}" for lv in rule.levels if lv.rate is not None)
    level = _pick_level(rule, facts)
    if level is None and facts and facts.get("级别"):
        _level_not_listed(calc, facts["级别"], listing, "规定比例")
        return None
    if level is None or level.rate is None:
        calc.missing_facts.append("级别")
        calc.steps.append(f"按级别：{listing}")
        return None
    calc.checks.append(f"✓ 级别：{level.name}（{format_rate(level.rate)}）")
    return level.rate


def _rate_of_level(rule, facts, calc, money):
    """A rule with one rate a level → the same rule at the user's level's rate; None when the level
    cannot be chosen (``_level_rate`` says why). A rule with one rate is returned as it is."""
    if not (rule.levels and any(lv.rate is not None for lv in rule.levels)):
        return rule
    rate = _level_rate(rule, facts, calc, money)
    return None if rate is None else replace(rule, rate=rate, levels=())


def _base_or_ask(rule, facts, calc, default: str, how):
    """The user's figure for the rule's base (named by the rule, else ``default``) as ``(name,
    quantity)``; when it is missing, the name goes to ``missing_facts`` and ``how(name)`` — how the
    base would count — to the steps, and the quantity is None."""
    name = rule.base or default
    base = _fact(facts, name, rule.currency)
    if base is None:
        calc.missing_facts.append(name)
        calc.steps.append(how(name))
    elif rule.base_less:
        # '合同价款（扣除暂列金额）': the part named is taken out first, when the user gave it
        less = _fact(facts, rule.base_less, rule.currency)
        money = lambda v: format_money(v, rule.currency)  # noqa: E731
        if less is None:
            calc.checks.append(f"？原文{name}应扣除{rule.base_less}；您未提供{rule.base_less}，以下按未扣除计算")
        else:
            net = normalize(base.value - less.value)
            calc.steps.append(f"{name}扣除{rule.base_less}：{money(base.value)} − {money(less.value)} = {money(net)}")
            base = Quantity(net, base.unit)
    return name, base


def _rate(rule, facts, calc, money):
    rule = _rate_of_level(rule, facts, calc, money)
    if rule is None:
        return
    cap = f"，最高{money(rule.cap)}" if rule.cap is not None else ""
    _, base = _base_or_ask(rule, facts, calc, "计算基数",
                           lambda n: f"按{n}的{'不高于' if rule.rate_up_to else ''}{format_rate(rule.rate)}计算{cap}")
    if base is None:
        return
    if rule.periods:
        _by_period(rule, base.value, calc, money)
        return
    if rule.rate_fraction:  # '按其缴费额的1/3': the fraction itself, to the fen
        num, den = rule.rate_fraction
        raw, rounded = times_fraction(base.value, num, den)
        calc.steps.append(f"{money(base.value)} × {num}/{den} = {money(raw)}{'（按分四舍五入）' if rounded else ''}")
    elif rule.raised:  # '按X的10%提高额度': X and the share on top of it
        raw = normalize(base.value * (1 + rule.rate))
        calc.steps.append(f"{money(base.value)} × (1 + {format_rate(rule.rate)}) = {money(raw)}")
    else:
        raw = normalize(base.value * rule.rate)
        calc.steps.append(f"{money(base.value)} × {format_rate(rule.rate)} = {money(raw)}")
    amount = capped(raw, rule.cap, money, calc)
    calc.amount_yuan = amount
    word = rule.benefit or "补助"
    if rule.rate_up_to:
        calc.steps.append(f"比例为“不高于{format_rate(rule.rate)}”，最多可获{word}{money(amount)}")
        calc.summary = f"最多可获{word}{money(amount)}"
    else:
        calc.steps.append(f"可获{word}{money(amount)}")
        calc.summary = f"可获{word}{money(amount)}"


_ONE_BY_DEFAULT = ("户", "人", "名")


def period_amounts(rule, base: Decimal) -> list[Decimal]:
    """'前2年每年80%、后3年每年40%': the amount of each year in turn (each year's cap applied)."""
    out = []
    for years, rate in rule.periods:
        raw = normalize(base * rate)
        out += [min(raw, rule.cap) if rule.cap is not None else raw] * years
    return out


def _by_period(rule, base: Decimal, calc, money):
    """A yearly rate that changes over the years: each period's yearly sum; the first year's is the
    amount, the sum over all years is stated (and taken when the question asks for the total)."""
    word = rule.benefit or "补助"
    done = 0
    for i, (years, rate) in enumerate(rule.periods):
        raw = normalize(base * rate)
        capped_note = f"，超过上限{money(rule.cap)}按上限计" if rule.cap is not None and raw > rule.cap else ""
        span = f"第{done + 1}年" if years == 1 else f"第{done + 1}—{done + years}年"
        calc.steps.append(f"{span}：每年{money(base)} × {format_rate(rate)} = {money(raw)}{capped_note}")
        done += years
    amounts = period_amounts(rule, base)
    total = sum(amounts, Decimal(0))
    calc.steps.append(f"{len(amounts)}年合计：{money(total)}")
    calc.amount_yuan = amounts[0]
    calc.summary = f"第1年可获{word}{money(amounts[0])}，{len(amounts)}年合计{money(total)}"


def _from_floor(rule, facts, area: Quantity, calc) -> Quantity:
    """'从第二层起按建筑面积每平方米…': the floors below are not counted. With the user's floors
    (层数, the area being all floors alike) the area from that floor up; without, the area as given
    and a note."""
    floors = _fact(facts, "层数", "")
    if floors is None or floors.value < 1:
        calc.checks.append(f"？原文从第{rule.from_floor}层起计面积；您未说明层数，以下按您提供的面积计算")
        return area
    kept = max(floors.value - rule.from_floor + 1, Decimal(0))
    value = normalize(area.value * kept / floors.value)
    calc.steps.append(f"从第{rule.from_floor}层起计：{format_quantity(area)} × {plain(kept)}/{plain(floors.value)}层"
                      f" = {format_quantity(Quantity(value, area.unit))}")
    return Quantity(value, area.unit)


def _per_unit(rule, facts, calc, money):
    name = rule.count_fact
    n = _fact(facts, name, "")
    if n is None and (rule.per_unit in EVENT_UNITS or rule.per_unit in _ONE_BY_DEFAULT):
        # '每场给予5万元': one event unless the user says how many; '每户…': the applicant's own
        # household (个体户); '每人…': the standard for one person. The step says so
        n = Quantity(Decimal(1), "")
        calc.steps.append(f"按1{rule.per_unit}计算（多{rule.per_unit}按{rule.per_unit}数累计）")
    if n is None:
        calc.missing_facts.append(name)
        cap = f"，最高{money(rule.cap)}" if rule.cap is not None else ""
        calc.steps.append(f"每{rule.per_unit}{money(rule.amount)}{cap}")
        return
    if rule.per_unit in AREA_UNITS and not n.unit:
        n = Quantity(n.value, rule.per_unit)
    if rule.from_floor:
        n = _from_floor(rule, facts, n, calc)
    if rule.base_amount is not None and rule.base_count is not None:
        # '达到5个的给予2万元，5个以上的每增加一个给予5000元': the base sum, then a step per unit beyond
        extra = max(n.value - rule.base_count, Decimal(0))
        unit = rule.thresholds[-1].unit if rule.thresholds else "个"
        raw = normalize(rule.base_amount + rule.amount * extra)
        calc.steps.append(f"达到{format_quantity(Quantity(rule.base_count, unit))}：{money(rule.base_amount)}")
        calc.steps.append(f"超出{format_quantity(Quantity(extra, unit))} × {money(rule.amount)} = "
                          f"{money(normalize(rule.amount * extra))}")
        calc.steps.append(f"{money(rule.base_amount)} + {money(normalize(rule.amount * extra))} = {money(raw)}")
    else:
        raw = normalize(rule.amount * n.value)
        counter = "个" if len(rule.per_unit) > 1 and rule.per_unit not in AREA_UNITS + ("人天",) else ""
        count = f"{format_quantity(n)}{counter}{rule.per_unit}"
        calc.steps.append(f"{money(rule.amount)} × {count} = {money(raw)}"
                          + ("（按每单位最高标准计）" if rule.up_to else "（按每单位不低于的标准计）" if rule.at_least else ""))
    amount = capped(raw, rule.cap, money, calc)
    if (owed := _owed(rule, facts)) is not None and owed.value < amount:
        # '以每户每年12000元为限额依次扣减其当年实际应缴纳的…税': no more than the tax the user owes
        calc.steps.append(f"{OWED_STEP}：您提供的应缴税额{money(owed.value)}低于限额{money(amount)}，"
                          f"可扣减{money(owed.value)}")
        if rule.max_repeats:
            calc.steps.append(f"其后各年同样以当年实际应缴税额为限，每年最多{money(amount)}，最多连续{rule.max_repeats}年")
        calc.amount_yuan = owed.value
        calc.summary = f"可扣减{money(owed.value)}（以实际应缴税额为限）"
        return
    calc.amount_yuan = amount
    # '每场给予最高20万元': a ceiling per event, not a promise; '每人不低于5000元': a floor
    most = "最高" if rule.up_to else ""
    floor = "不少于" if rule.at_least else ""
    calc.steps.append(f"{most}可获{rule.benefit or '奖励'}{floor}{money(amount)}")
    calc.summary = f"{most}可获{rule.benefit or '奖励'}{floor}{money(amount)}"


OWED_STEP = "扣减以实际应缴税额为限"
_LIMIT_DEDUCTION = re.compile(r"为限额[^。；;]{0,8}(?:扣减|抵扣|抵减|扣除)")


def _owed(rule, facts) -> Quantity | None:
    """The tax the user owes, when the rule's amount is a ceiling on deducting it ('按每户每年12000元
    为限额依次扣减其当年实际应缴纳的增值税…') and the user gave exactly one sum of money."""
    if not _LIMIT_DEDUCTION.search(rule.text) or not facts:
        return None
    sums = [k for k, v in facts.items() if k not in TEXT_FACTS and v not in (None, "") and fact_type(k, v) == rule.currency]
    return _fact(facts, sums[0], rule.currency) if len(sums) == 1 else None


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


def _limit(rule, facts, calc, money):
    """A sum the document bounds as a share of another: the bound itself, capped when a cap is given."""
    rule = _rate_of_level(rule, facts, calc, money)
    if rule is None:
        return
    bound = "不低于" if rule.at_least else "不超过"
    _, base = _base_or_ask(rule, facts, calc, "计算基数",
                           lambda n: f"{rule.benefit}{bound}{n}的{format_rate(rule.rate)}")
    if base is None:
        return
    raw = normalize(base.value * rule.rate)
    calc.steps.append(f"{money(base.value)} × {format_rate(rule.rate)} = {money(raw)}")
    amount = raw if rule.at_least else capped(raw, rule.cap, money, calc)
    calc.amount_yuan = amount
    if rule.at_least:
        calc.summary = f"{rule.benefit}不低于{money(amount)}"
    else:
        calc.summary = f"{rule.benefit}最多为{money(amount)}"
    calc.steps.append(calc.summary)
    calc.eligible = True


def _deduction(rule, facts, calc, money):
    """A share taken off the user's figure ('报价给予20%的扣除，用扣除后的价格参加评审'): both the
    amount taken off and what is left are worked out; ``求`` = 评审价 asks for the latter."""
    rate, how = rule.rate, ""
    kind = str(facts.get(PURCHASE_KIND) or "")
    for lv in rule.levels:  # '(工程项目为5%)': the category's own rate
        if kind and (kind in lv.name or lv.name in kind):
            rate, how = lv.rate, f"（{lv.name}）"
    if rule.rate_up_to:
        how += f"（按最高比例{format_rate(rate)}计）"
    _, base = _base_or_ask(rule, facts, calc, "报价", lambda n: f"{n}扣除{format_rate(rate)}{how}后参加评审")
    if base is None:
        return
    off = normalize(base.value * rate)
    left = normalize(base.value - off)
    if rule.benefit != "价格扣除":  # '担保费率最高减免40%', '港口作业费八折优惠': a cut of a fee
        most = "最多" if rule.rate_up_to else ""
        calc.steps.append(f"减免额：{money(base.value)} × {format_rate(rate)}{how} = {money(off)}")
        calc.steps.append(f"减免后：{money(base.value)} − {money(off)} = {money(left)}")
        if str(facts.get(ASKED) or "") in (PAID_AFTER, REVIEW_PRICE):
            calc.amount_yuan = left
            calc.summary = f"{rule.base or '费用'}减免后{'最少' if most else ''}为{money(left)}（{most}减免{money(off)}）"
        else:
            calc.amount_yuan = off
            calc.summary = f"{rule.base or '费用'}{most}可减免{money(off)}，减免后为{money(left)}"
        calc.steps.append(calc.summary)
        return
    calc.steps.append(f"扣除额：{money(base.value)} × {format_rate(rate)}{how} = {money(off)}")
    calc.steps.append(f"评审价：{money(base.value)} − {money(off)} = {money(left)}")
    if str(facts.get(ASKED) or "") == REVIEW_PRICE:
        calc.amount_yuan = left
        calc.summary = f"按{money(left)}参加评审（扣除{money(off)}）"
    else:
        calc.amount_yuan = off
        calc.summary = f"价格扣除{money(off)}，按{money(left)}参加评审"
    calc.steps.append(calc.summary)


def _exempt(rule, facts, calc, money):
    """'对中小微企业免收投标保证金': the sum named is not paid at all."""
    who = f"“{rule.subject}”" if rule.subject else "符合条件的"
    calc.steps.append(f"原文规定对{who}免收{rule.benefit}")
    calc.amount_yuan = Decimal(0)
    calc.summary = f"免收{rule.benefit}，应交0元"
    calc.eligible = True


def _share(rule, facts, calc, money):
    """A sum the document fixes as a share of a base ('预付款比例提高到50%')."""
    part = rule.part_words()
    _, base = _base_or_ask(rule, facts, calc, "计算基数",
                           lambda n: f"{rule.benefit}为{n}{part}的{format_rate(rule.rate)}")
    if base is None:
        return
    value = base.value
    if part:  # '超过200万元但不超过500万元的部分': only that part of the base
        top = value if rule.part_upto is None else min(value, rule.part_upto)
        value = max(normalize(top - (rule.part_over or 0)), Decimal(0))
        calc.steps.append(f"{part.removesuffix('的部分')}的部分：{money(value)}")
    how = f"（{rule.notes[0]}）" if rule.notes else ""
    amount = normalize(value * rule.rate)
    calc.steps.append(f"{money(value)} × {format_rate(rule.rate)}{how} = {money(amount)}")
    calc.amount_yuan = amount
    calc.summary = f"{rule.benefit}为{money(amount)}"
    calc.steps.append(calc.summary)


_KINDS = {"exempt": _exempt, "formula": formula, "deduction": _deduction, "share": _share, "limit": _limit, "fixed": _fixed, "rate": _rate, "permille": _rate, "per_unit": _per_unit, "tiered": tiered,
          "upgrade": _upgrade, "tax_deduction": _tax_deduction, "tax_rate": _tax_rate, "loan": _loan}
