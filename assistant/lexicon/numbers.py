"""Exact Chinese quantities: '50万元', '2亿元', '100万美元', '5%', '8‰', '八百万', '1.5亿'.

Shared by rule extraction, fact reading and the calculator so that every figure is
read and written the same way. Everything is ``Decimal``; nothing is ever a float.

    parse_quantity("2亿元")   -> Quantity(Decimal("200000000"), "元")
    parse_quantity("8‰")      -> Quantity(Decimal("0.008"), "%")   (rates are fractions)
    format_money(Decimal("400000")) -> "40万元"
    exact_amounts() / @exact_money   Decimal arithmetic that is exact or raises
                                     FigureTooLargeError ("金额过大"), never rounds
"""
from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, Inexact, InvalidOperation, Overflow, localcontext

from index.errors import FigureTooLargeError

WAN = Decimal(10000)
YI = Decimal(100000000)

# Arabic number, optionally with thousands separators: 1,000 / 2.5 / 300
NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Chinese numerals as users type them: 八百万, 一千五百万, 两亿, 十五
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10000, "亿": 100000000}
CN_NUM = r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?(?:[万亿][零〇一二两三四五六七八九十百千]*)*"

MONEY_UNITS = ("亿美元", "万美元", "美元", "亿元", "万元", "元")
COUNT_UNITS = ("平方米", "台（套）", "台(套)", "台套", "台", "套", "家", "个", "人", "天", "次",
               "项", "场", "期", "年", "件")


@dataclass(frozen=True)
class Quantity:
    """A figure with its unit. Money is in 元 (or 美元); rates are fractions with unit '%'."""

    value: Decimal
    unit: str  # 元 | 美元 | % | 平方米 | 台 | 家 | … | "" (bare number)

    @property
    def is_money(self) -> bool:
        return self.unit in ("元", "美元")


def to_decimal(text: str) -> Decimal:
    """'1,000.5' → Decimal('1000.5'); raises ValueError on anything else."""
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None


def cn_to_decimal(text: str) -> Decimal:
    """Chinese numerals → Decimal: '八百万' → 8000000, '一千五百' → 1500, '十五' → 15,
    '一点五亿' → 150000000."""
    if m := re.fullmatch(r"(.+?)点([零〇一二三四五六七八九]+)([万亿]*)", text or ""):
        digits = "".join(str(CN_DIGITS[c]) for c in m.group(2))
        value = cn_to_decimal(m.group(1)) + Decimal("0." + digits)
        for big in m.group(3):
            value *= CN_BIG[big]
        return value
    total = Decimal(0)  # completed 万/亿 sections
    section = 0  # current section below 万
    digit = None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL:
            section += (1 if digit is None else digit) * CN_SMALL[ch]
            digit = None
        elif ch in CN_BIG:
            section += digit or 0
            total = (total + section) * CN_BIG[ch] if ch == "亿" else total + section * CN_BIG[ch]
            section, digit = 0, None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + (digit or 0)


_QTY_RE = re.compile(
    rf"^\s*(?P<num>{NUM}|{CN_NUM})\s*(?P<mult>千万|百万|万|亿)?\s*(?P<unit>[%％‰]|"
    + "|".join(re.escape(u) for u in MONEY_UNITS + COUNT_UNITS)
    + r"|块钱?|块|元)?\s*$"
)


def parse_quantity(text: str, default_unit: str = "") -> Quantity:
    """'800万元' / '800万' / '八百万' / '1.5亿' / '18%' / '8‰' / '20台' / '100万美元' → Quantity.

    A bare 万/亿 means 万元/亿元 (that is how people write money). Raises ValueError
    with the offending text when it is not a quantity.
    """
    m = _QTY_RE.match(text or "")
    if not m:
        raise ValueError(f"not a quantity: {text!r}")
    # as many digits as the text can hold, plus the 亿×万 shift: a long figure stays exact
    with localcontext(prec=max(28, len(text) + 24)):
        return _quantity(m, default_unit)


def _quantity(m: re.Match, default_unit: str) -> Quantity:
    num = m.group("num")
    value = to_decimal(num) if re.match(r"\d", num) else cn_to_decimal(num)
    mult = m.group("mult")
    unit = m.group("unit") or ""
    # '八百万' parses the 万 inside the numeral; a separate multiplier only follows digits
    if mult:
        value *= {"千万": Decimal(10**7), "百万": Decimal(10**6), "万": WAN, "亿": YI}[mult]
    if unit in ("%", "％"):
        return Quantity(value / 100, "%")
    if unit == "‰":
        return Quantity(value / 1000, "%")
    if unit.endswith("美元"):
        value *= {"亿美元": YI, "万美元": WAN}.get(unit, Decimal(1))
        return Quantity(value, "美元")
    if unit in ("亿元", "万元", "元", "块", "块钱"):
        value *= {"亿元": YI, "万元": WAN}.get(unit, Decimal(1))
        return Quantity(value, "元")
    if unit in ("台（套）", "台(套)", "台套", "套"):
        unit = "台"
    if not unit and (mult or re.search("[万亿]", num)) and default_unit == "":
        unit = "元"  # '800万' / '八百万' alone: money in everyday writing; '二十' stays a count
    return Quantity(value, unit or default_unit)


def _exact(d: Decimal):
    """A decimal context precise enough to divide ``d`` by 1亿 or round it to a whole
    number without rounding or raising: a 30-digit figure is still exact (the default
    context keeps 28 digits and raises InvalidOperation on quantize beyond that)."""
    t = d.as_tuple()
    exponent = t.exponent if isinstance(t.exponent, int) else 0
    return localcontext(prec=max(28, len(t.digits) + abs(exponent) + 12))


def normalize(d: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (exact at any size)."""
    d = Decimal(d)
    if not d.is_finite():
        return d
    with _exact(d):
        n = d.normalize()
        return n.quantize(Decimal(1)) if n == n.to_integral() else n


def in_wan(yuan: Decimal) -> Decimal:
    """元 → 万元, exact at any size (trailing zeros dropped)."""
    yuan = Decimal(yuan)
    with _exact(yuan):
        return normalize(yuan / WAN)


def plain(d: Decimal) -> str:
    """Decimal → '40' / '2.5' (never '4E+1')."""
    text = format(normalize(d), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(amount: Decimal, currency: str = "元") -> str:
    """Decimal 元 → '40万元', '2.5万元', '5000元', '2亿元'; 美元 likewise ('100万美元').
    Below 1万 the amount is written in 元, as the documents do ('每人1500元').
    Exact at any size: a figure of 30 digits is written out, never rounded or refused."""
    amount = Decimal(amount)
    unit = "美元" if currency == "美元" else "元"
    if not amount.is_finite():
        return f"{amount}{unit}"
    with _exact(amount):
        if amount != 0 and abs(amount) >= YI and (amount % (YI / 100)) == 0:
            return f"{plain(amount / YI)}亿{unit}"
        if amount != 0 and abs(amount) >= WAN:
            return f"{plain(amount / WAN)}万{unit}"
    return f"{plain(amount)}{unit}"


MONEY_DIGITS = 60  # significant digits of every amount the calculator computes


@contextmanager
def exact_amounts():
    """Decimal arithmetic held to MONEY_DIGITS significant digits with rounding trapped: a result
    is exact, or FigureTooLargeError says the figure is too large. (Python's default context keeps
    28 digits and rounds silently: 30-digit 万元 × 5% came out with its last digits changed.)"""
    with localcontext(prec=MONEY_DIGITS) as ctx:
        ctx.traps[Inexact] = ctx.traps[Overflow] = True
        try:
            yield ctx
        except (Inexact, Overflow):
            raise FigureTooLargeError(
                f"a figure is too large to compute exactly (amounts are kept to {MONEY_DIGITS} "
                "significant digits); check the figures given",
                f"金额过大：数字超出可精确计算的范围（最多{MONEY_DIGITS}位有效数字），请核对输入的数字。") from None


def exact_money(fn):
    """Decorator: ``fn`` computes amounts inside exact_amounts()."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        with exact_amounts():
            return fn(*args, **kwargs)
    return wrapped


def format_rate(rate: Decimal) -> str:
    """Fraction → '5%' / '8‰' (permille when that is how such a small rate is written)."""
    rate = Decimal(rate)
    if rate < Decimal("0.01") and (rate * 1000) == (rate * 1000).to_integral():
        return f"{plain(rate * 1000)}‰"
    return f"{plain(rate * 100)}%"


def format_quantity(q: Quantity) -> str:
    if q.unit in ("元", "美元"):
        return format_money(q.value, q.unit)
    if q.unit == "%":
        return format_rate(q.value)
    if q.value >= WAN and q.value % WAN == 0 and q.unit in ("次", "平方米"):
        return f"{plain(q.value / WAN)}万{q.unit}"
    return f"{plain(q.value)}{q.unit}"


def discount_share(text: str) -> Decimal:
    """'五折' → 0.5, '八五折' → 0.85, '7.5折' → 0.75, '95折' → 0.95: the share one still pays."""
    core = re.sub(r"折$", "", (text or "").strip())
    if re.fullmatch(r"\d+(?:\.\d+)?", core):
        value = Decimal(core)
        return value / 10 if value < 10 else value / 100
    if re.fullmatch(r"[一二三四五六七八九]{1,2}", core):
        digits = [CN_DIGITS[c] for c in core]
        return Decimal(digits[0]) / 10 + (Decimal(digits[1]) / 100 if len(digits) == 2 else 0)
    raise ValueError(f"not a discount: {text!r}")


FRACTION = r"(?:\d+\s*/\s*\d+|[一二两三四五六七八九十]+分之[一二两三四五六七八九十]+)"


def read_fraction(text: str) -> tuple[int, int]:
    """'2/3' → (2, 3); '三分之二' → (2, 3) (numerator, denominator)."""
    text = re.sub(r"\s", "", text or "")
    if m := re.fullmatch(r"(\d+)/(\d+)", text):
        num, den = int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(.+)分之(.+)", text):
        num, den = int(cn_to_decimal(m.group(2))), int(cn_to_decimal(m.group(1)))
    else:
        raise ValueError(f"not a fraction: {text!r}")
    if den == 0 or num > den:
        raise ValueError(f"not a share: {text!r}")
    return num, den


def times_fraction(value: Decimal, num: int, den: int) -> tuple[Decimal, bool]:
    """value × num/den in 元: exact when it divides out, else rounded half-up to the fen
    (the bool says whether it was rounded)."""
    with localcontext(prec=MONEY_DIGITS + 10) as ctx:
        ctx.traps[Inexact] = False
        exact = Decimal(value) * num / den
        fen = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return (normalize(exact), False) if exact == fen else (normalize(fen), True)


def fraction_shown(num: int, den: int) -> Decimal:
    """num/den to four decimals, for display only (never computed with): 2/3 → 0.6667."""
    with localcontext(prec=28) as ctx:
        ctx.traps[Inexact] = False
        return (Decimal(num) / den).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

