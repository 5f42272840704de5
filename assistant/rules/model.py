"""Subsidy rules: the structured form of a clause that grants money or a tax benefit.

    SubsidyRule, Threshold, Level, Tier   the records; reading them is rules/extract.py,
    rules/catalog.py gives every clause's rules.

A ``SubsidyRule`` keeps the exact sentence that grants it (``start``/``end`` index into
``Document.text``, so ``doc.text[rule.start:rule.end] == rule.text``). Amounts are
``Decimal`` 元 (or 美元, kept as a currency and never converted); rates are fractions
(5% → Decimal("0.05"), 8‰ → Decimal("0.008")).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from assistant.lexicon.numbers import format_money, format_quantity, format_rate, plain, Quantity

KINDS = ("fixed", "rate", "per_unit", "tiered", "permille", "upgrade", "tax_deduction",
         "tax_rate", "loan", "limit", "deduction", "share", "formula", "exempt")
# deduction: '对小微企业报价给予20%的扣除，用扣除后的价格参加评审' — a share taken off the user's
#   figure (``rate``; ``levels`` hold a category's own rate: 工程项目为5%)
# share: '预付款比例提高到50%' / '预留比例提高至40%' — a sum fixed as a share of a base
# exempt: '对中小微企业免收投标保证金' — nothing is paid of the sum named (``benefit``) by whom
#   ``subject`` names ('' when by everyone)
# formula: '补贴金额=实际响应负荷量×响应时间×补偿基准价格' — a product of figures the clause names,
#   some fixed by the clause itself ('奖励单价为0.5元/千瓦时'), the rest the user's

# '每场/每届/每期/每批/每次给予…': counted occurrences; whatever the word, the user's count of them
# ('办了3场', '两届') is one fact
EVENT_UNITS = ("场", "届", "期", "批", "次")
EVENT_COUNT = "场次数"

AREA_UNITS = ("平方米", "亩")  # '每平方米100元': the amount is multiplied by an area

OP_TEXT = {">=": "达到", ">": "超过", "<=": "不超过", "<": "低于"}


@dataclass(frozen=True)
class Threshold:
    """A condition that gates a rule: ``fact op value`` ('年交易额 > 2亿元')."""

    fact: str
    op: str  # ">=" (以上/达到/不低于), ">" (超过), "<=" (以内/不超过), "<"
    value: Decimal
    unit: str  # 元 | 美元 | % | 家 | 平方米 | 天 | 人 | 次 | 台 …
    text: str = ""  # as written: "超过2亿元"
    # '占比达到20%（职工超过200人的占比达到10%）': for whoever meets ``when``, the bar is ``alt`` instead
    when: "Threshold | None" = None
    alt: "Threshold | None" = None

    def holds(self, actual: Decimal) -> bool:
        return {">=": actual >= self.value, ">": actual > self.value,
                "<=": actual <= self.value, "<": actual < self.value}[self.op]

    def describe(self) -> str:
        own = f"{self.fact}{OP_TEXT[self.op]}{format_quantity(Quantity(self.value, self.unit))}"
        if self.when is not None and self.alt is not None:
            own += (f"（{self.when.describe()}的，{OP_TEXT[self.alt.op]}"
                    f"{format_quantity(Quantity(self.alt.value, self.alt.unit))}）")
        return own


@dataclass(frozen=True)
class Level:
    """One named level of a 分别给予 list: 国家级 → 50万元; or a level-specific rate."""

    name: str
    amount: Decimal | None = None
    rate: Decimal | None = None


@dataclass(frozen=True)
class Tier:
    """One band of a tiered rule; bounds apply to the rule's ``tier_fact``."""

    low: Decimal | None = None
    low_inclusive: bool = True
    high: Decimal | None = None
    high_inclusive: bool = True
    rate: Decimal | None = None
    amount: Decimal | None = None
    # '除省上…5%予以补助外，市区再给予5%': ``rate`` is the other payer's share (stated, uncapped
    # here), ``extra_rate`` this document's own share, to which the band's cap applies
    extra_rate: Decimal | None = None
    cap: Decimal | None = None
    label: str = ""
    payer: str = ""  # who pays ``rate`` when two shares are stated ('省上'), as written
    extra_payer: str = ""  # who pays ``extra_rate`` ('市区')

    def contains(self, x: Decimal) -> bool:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            return False
        if self.high is not None and (x > self.high or (x == self.high and not self.high_inclusive)):
            return False
        return True

    def describe(self, unit: str) -> str:
        def q(v):
            return format_quantity(Quantity(v, unit))

        parts = []
        if self.low is not None:
            parts.append(f"{'≥' if self.low_inclusive else '>'}{q(self.low)}")
        if self.high is not None:
            parts.append(f"{'≤' if self.high_inclusive else '<'}{q(self.high)}")
        return "且".join(parts) or "任意"


@dataclass(frozen=True)
class SubsidyRule:
    """One benefit granted by one sentence of a clause."""

    rule_id: str  # "<clause_id>#r1"
    clause_id: str
    doc_id: str
    kind: str  # one of KINDS
    start: int  # span of the granting sentence in Document.text
    end: int
    text: str  # == Document.text[start:end]
    amount: Decimal | None = None  # fixed / per-unit / upgrade step / loan amount
    up_to: bool = False  # "最高给予50万元": the amount is a ceiling, not a promise
    at_least: bool = False  # "不少于20万元"
    levels: tuple[Level, ...] = ()
    rate: Decimal | None = None
    rate_up_to: bool = False  # "不高于设备购置款的10%"
    raised: bool = False  # '按个人贷款总额度的10%提高贷款额度': the base raised by the rate, base × (1 + rate)
    # '按其缴费额的1/3': the rate as written when it is a fraction (numerator, denominator); ``rate``
    # then holds it rounded for display only, and the calculator multiplies by the fraction itself
    rate_fraction: tuple[int, int] | None = None
    cap: Decimal | None = None
    base: str = ""  # what the rate applies to: 投资额, 辅导费用 …
    base_less: str = ""  # what the document takes out of the base: '合同价款（扣除暂列金额）' → 暂列金额
    per_unit: str = ""  # the counted thing: 服务项目
    # '达到5个的给予2万元，5个以上的每增加一个给予5000元': the sum at the threshold count, and that
    # count; ``amount`` is then the step for each unit beyond it
    base_amount: Decimal | None = None
    base_count: Decimal | None = None
    # '工作满2年以上的…每增加1年…': the figure the count is (the starting condition's own name),
    # when it is not simply the counted unit ('服务年限' rather than '年数')
    count_of: str = ""
    tiers: tuple[Tier, ...] = ()
    tier_fact: str = ""  # what the tiers are bands of: 台套数, 进出口额增速 …
    tier_unit: str = ""
    thresholds: tuple[Threshold, ...] = ()
    currency: str = "元"
    max_repeats: int | None = None  # 连续奖励三年 → 3
    # '前2年每年80%、后3年每年40%的租金补助': (years, rate) in order; ``rate`` is the first period's
    periods: tuple[tuple[int, Decimal], ...] = ()
    # '应纳税所得额超过200万元但不超过500万元的部分': the share applies to that part of the base only
    part_over: Decimal | None = None
    part_upto: Decimal | None = None
    # '从第二层起按建筑面积每平方米100元': the floor the counted area starts from
    from_floor: int | None = None
    # '已享受市级同类补助的，不再享受本条补助' → '市级同类补助': an award that rules this one out
    ruled_out_by: str = ""
    # formula: the factors in order, each with the value the clause fixes for it (None: the user's)
    factors: tuple[tuple[str, Decimal | None], ...] = ()
    # '实际转移电量若大于申报转移电量，按申报转移电量计算': (the figure, the figure that bounds it from above)
    bounded_by: tuple[tuple[str, str], ...] = ()
    stacking: str = ""  # the document's principle, e.g. 就高不重复
    subject: str = ""  # who qualifies, as written (short)
    benefit: str = ""  # 奖励 / 补助 / 补贴 / 贷款 / 加计扣除 …
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def conv(v):
            if isinstance(v, Decimal):
                return str(v)
            if isinstance(v, dict):
                return {k: conv(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [conv(x) for x in v]
            return v

        return conv(asdict(self))

    @property
    def count_fact(self) -> str:
        """The fact a per-unit amount is multiplied by: 场次数 for events, 面积 for 每平方米/每亩,
        else the unit counted ('人数', '辆数'); a figure the clause names itself when it says one."""
        if self.count_of:
            return self.count_of
        if self.per_unit in EVENT_UNITS:
            return EVENT_COUNT
        return "面积" if self.per_unit in AREA_UNITS else self.per_unit + "数"

    @property
    def needs_base(self) -> bool:
        return self.kind in ("rate", "permille", "tax_deduction", "limit") or (
            self.kind == "tiered" and any(t.rate is not None for t in self.tiers))

    def part_words(self) -> str:
        """'超过200万元不超过500万元的部分' (or '' when the share applies to the whole base)."""
        over = f"超过{format_money(self.part_over, self.currency)}" if self.part_over is not None else ""
        upto = f"不超过{format_money(self.part_upto, self.currency)}" if self.part_upto is not None else ""
        return f"{over}{upto}的部分" if over or upto else ""

    def describe(self) -> str:
        """The rule in plain Chinese, one line (for `policy-assistant rules`)."""
        money = lambda v: format_money(v, self.currency)  # noqa: E731
        head = f"{self.subject}：" if self.subject else ""
        cond = "；".join(t.describe() for t in self.thresholds)
        cond = f"（条件：{cond}）" if cond else ""
        cap = f"，最高{money(self.cap)}" if self.cap is not None else ""
        k = self.kind
        if self.levels:
            parts = "、".join(
                f"{lv.name}{money(lv.amount) if lv.amount is not None else format_rate(lv.rate)}"
                for lv in self.levels)
            body = f"按级别{'最高' if self.up_to else ''}给予：{parts}"
            if lv_base := (self.base if any(lv.rate for lv in self.levels) else ""):
                body += f"（按{lv_base}的比例）"
        elif k == "exempt":
            body = f"免收{self.benefit}（应交0元）"
        elif k == "formula":
            body = f"{self.benefit or '金额'} = " + " × ".join(
                n if v is None else f"{n}（{plain(v)}）" for n, v in self.factors)
        elif self.periods:
            parts = "、".join(f"{'前' if i == 0 else '再'}{n}年每年{format_rate(r)}" for i, (n, r) in enumerate(self.periods))
            body = f"按{self.base or '计算基数'}：{parts}给予{self.benefit or '补助'}"
        elif k in ("rate", "permille"):
            shown = f"{self.rate_fraction[0]}/{self.rate_fraction[1]}" if self.rate_fraction else format_rate(self.rate)
            body = (f"按{'不高于' if self.rate_up_to else ''}{self.base or '计算基数'}的"
                    f"{shown}{'提高' if self.raised else '给予'}{self.benefit or '补助'}")
        elif k == "per_unit" and self.base_amount is not None and self.base_count is not None:
            unit = self.thresholds[0].unit if self.thresholds else ""
            body = (f"达到{format_quantity(Quantity(self.base_count, unit))}{money(self.base_amount)}，"
                    f"每多1{unit or '个'}加{money(self.amount)}")
        elif k == "per_unit":
            each = "每个" if len(self.per_unit) > 1 and self.per_unit not in AREA_UNITS + ("人天",) else "每"
            body = f"{each}{self.per_unit}{'最高' if self.up_to else '不低于' if self.at_least else ''}{money(self.amount)}"
        elif k == "tiered":
            bands = "；".join(
                f"{self.tier_fact}{t.describe(self.tier_unit)}："
                + (money(t.amount) if t.amount is not None else
                   f"{self.base}的{format_rate(t.rate)}"
                   + (f"+{format_rate(t.extra_rate)}" if t.extra_rate else ""))
                + (f"（最高{money(t.cap)}）" if t.cap is not None else "")
                for t in self.tiers)
            body = f"分档：{bands}"
        elif k == "limit":
            bound = "不低于" if self.at_least else "不超过"
            body = f"{self.benefit}{bound}{self.base or '计算基数'}的{format_rate(self.rate)}"
        elif k in ("deduction", "share"):
            verb = {"deduction": f"{self.benefit or '扣除'}{'最高' if self.rate_up_to else ''}", "share": "的"}[k]
            body = f"{self.base or '计算基数'}{self.part_words()}{verb}{format_rate(self.rate)}"
            if k == "share" and self.benefit:
                body = f"{self.benefit}为{body}"
        elif k == "upgrade":
            body = f"每晋升一个等级奖励{money(self.amount)}"
        elif k == "tax_deduction":
            body = f"{self.base}按{format_rate(self.rate)}{self.benefit or '加计扣除'}"
        elif k == "tax_rate":
            body = f"减按{format_rate(self.rate)}的税率征收企业所得税"
        elif k == "loan":
            body = f"{'最高' if self.up_to else ''}{money(self.amount)}的{self.benefit or '贷款'}"
        else:
            pre = "最高" if self.up_to else ("不少于" if self.at_least else "")
            body = f"{pre}{money(self.amount)}{self.benefit}"
        if self.base_less and self.base:
            body = body.replace(self.base, f"{self.base}（扣除{self.base_less}）", 1)
        extra = ""
        if self.max_repeats:
            extra += f"，最多连续{self.max_repeats}年"
        if self.stacking:
            extra += f"；同一事项适用“{self.stacking}”"
        return f"{head}{body}{cap}{cond}{extra}"
