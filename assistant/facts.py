"""Figures and levels read from a user's question and conversation.

    extract_facts("我们投了800万，买了20台，国家级", previous=None)
        -> {"投资额": Decimal("8000000"), "台套数": Decimal("20"), "级别": "国家级"}

Money is ``Decimal`` 元 ("800万" means 800万元; "1.5亿", "八百万" work), rates are
fractions ("增长18%" → 增速 = Decimal("0.18")), counts are ``Decimal``; 美元 amounts
stay strings with their currency ("100万美元") because nothing is ever converted.
Levels (国家级, 4A级 → AAAA, 一等奖, 国家标准) go to 级别, degrees (博士) to 学历.
Later turns update earlier facts: pass the previous dict as ``previous``.
"""
from __future__ import annotations

import re
from decimal import Decimal

from assistant.rules_units import CN_NUM, NUM, parse_quantity

_NUMBER = rf"(?:{NUM}|{CN_NUM})"
_MONEY = rf"(?P<num>{_NUMBER})\s*(?P<unit>千万|百万|万美元|亿美元|美元|万元|亿元|万|亿|元|块钱|块)"
# Keyword in the words before a sum of money → the fact it is (first match wins).
MONEY_KEYS = (
    ("发票", "采购发票总价"), ("担保", "担保责任余额"), ("辅导", "辅导费用"), ("研发升级", "研发升级费用"),
    ("研发", "研发费用"), ("设备", "设备购置款"), ("开发费", "开发费用"), ("无形资产", "无形资产成本"),
    ("销售价", "销售价格"), ("售价", "销售价格"), ("外包总费用", "服务外包总费用"), ("承接", "服务外包总费用"),
    ("离岸", "离岸服务外包业务额"), ("外包业务", "服务外包业务额"), ("外包费", "总外包费用"),
    ("物流费", "年国际物流费用"), ("合同", "年服务合同总金额"), ("网上", "网上销售总额"), ("线上", "网上销售总额"),
    ("交易额", "年交易额"), ("营业收入", "年主营业务收入"), ("营收", "年主营业务收入"), ("主营", "年主营业务收入"),
    ("销售额", "年销售额"), ("卖了", "年销售额"), ("投入", "投入资金"), ("投资", "投资额"), ("投了", "投资额"),
    ("花了", "投资额"),
)
LEVEL_RE = re.compile(
    r"重大发明专利奖|特等奖|[一二三四五]等奖|国际标准|国家标准|行业标准|地方标准"
    r"|(?P<a>A{2,5}|[2-5]\s*A)级?|国家级|省级|市级|县级|区级|国内首台|省内首台")
DEGREE_RE = re.compile(r"博士|硕士|本科")
GROWTH_RE = re.compile(rf"(?P<noun>[\u4e00-\u9fff]{{0,8}}?)(?:增长|增速|增幅|同比增长|增长率)(?:了|为|是|达到|达)?\s*(?P<num>{NUM})\s*[%％]")
SHARE_RE = re.compile(rf"(?P<noun>[\u4e00-\u9fff]{{2,10}}?)(?:占[\u4e00-\u9fff]{{0,10}}?)?(?:占比|比重|比例)(?:为|是|达到|达)?\s*(?P<num>{NUM})\s*[%％]")
COUNT_RE = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>台（套）|台\(套\)|台套|台|套|家|个|人|天|平方米|㎡|次|年(?![度份]))")


def extract_facts(text: str, previous: dict | None = None) -> dict:
    """Question text (+ facts from earlier turns) → {fact name: Decimal | str}."""
    facts = dict(previous or {})
    if not text:
        return facts
    found: dict = {}
    used: list[tuple[int, int]] = []

    for m in GROWTH_RE.finditer(text):
        noun = m.group("noun")
        key = "进出口额增速" if "进出口" in noun else ("年主营业务收入增速" if re.search("营业|营收|收入", noun) else "增速")
        found[key] = Decimal(m.group("num").replace(",", "")) / 100
        used.append(m.span())

    for m in SHARE_RE.finditer(text):  # '网上销售额占比60%' → 网上销售额占比 = 0.6
        noun = re.sub(r"^(?:我们|我|公司|企业|的)+", "", m.group("noun"))
        found[f"{noun}占比"] = Decimal(m.group("num").replace(",", "")) / 100
        used.append(m.span())

    for m in re.finditer(_MONEY, text):
        if any(a <= m.start() < b for a, b in used):
            continue
        try:
            q = parse_quantity(m.group(0))
        except ValueError:
            continue
        before = text[max(0, m.start() - 12):m.start()]
        before = re.split(r"[，,。；;？?！!]", before)[-1]
        key = next((k for word, k in MONEY_KEYS if word in before), None)
        if key is None:
            after = text[m.end():m.end() + 8]
            key = next((k for word, k in MONEY_KEYS if word in after), None)
        if key is None:
            continue
        found[key] = m.group(0).replace(" ", "") if q.unit == "美元" else q.value
        used.append(m.span())

    for m in COUNT_RE.finditer(text):
        if any(a <= m.start() < b for a, b in used):
            continue
        unit = m.group("unit")
        try:
            n = parse_quantity(m.group("num") + "个").value if not re.match(r"\d", m.group("num")) else Decimal(m.group("num"))
        except ValueError:
            continue
        around = text[max(0, m.start() - 8):m.end() + 8]
        key = _count_key(unit, around, text[m.end():m.end() + 6])
        if unit == "年" and n >= 100:
            key = None
        if key:
            found[key] = n
            used.append(m.span())

    levels = [m for m in LEVEL_RE.finditer(text)]
    if levels:
        m = levels[-1]  # the last one named is the one the user settled on
        level = m.group(0)
        if m.group("a"):
            a = m.group("a").replace(" ", "")
            level = "A" * int(a[0]) if a[0].isdigit() else a
        found["级别"] = level
    if dm := DEGREE_RE.search(text):
        found["学历"] = dm.group(0)
    if re.search(r"不含税", text) and "采购发票总价" in found:
        found.setdefault("采购发票口径", "不含税")
    facts.update(found)
    return facts


def _count_key(unit: str, around: str, after: str) -> str | None:
    if unit in ("台（套）", "台(套)", "台套", "台", "套"):
        return "台套数"
    if unit in ("平方米", "㎡"):
        return "新建面积" if re.search("新建|仓储|仓库", around) else "建设面积"
    if unit == "家":
        return "服务企业数" if "服务" in around else ("电子商务企业数" if "电商" in around or "电子商务" in around else "企业数")
    if unit == "人":
        return "培训人员数" if "培训" in around else None
    if unit == "天":
        return "现场辅导天数" if "辅导" in around else None
    if unit == "个":
        if "等级" in after or "级" in after[:2]:
            return "晋升等级数"
        if "服务项目" in around or "项目" in after:
            return "服务项目数"
        return None
    if unit == "年":  # '签了一年合同' / '服务期2年'; calendar years (2023年) are not durations
        if re.search(r"合同|协议|服务|辅导", around):
            return "服务年限"
        return "运行年限" if re.search(r"运行|运营|经营", around) else None
    if unit == "次":
        return "标识解析总量" if "解析" in around else None
    return None


def parse_fact_value(name: str, value: str):
    """One CLI/API fact string → Decimal 元 / fraction / count, or the text for 级别/学历."""
    if name in ("级别", "学历", "行业"):
        return value.strip()
    q = parse_quantity(value.strip())
    return value.strip() if q.unit == "美元" else q.value
