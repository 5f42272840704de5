"""Names of the facts a rule needs, shared by extraction, fact reading and the calculator.

A rule says what it needs in the document's words ("平台投资额", "年度担保责任余额",
"每期培训人员 … 人"); these helpers turn that into a short fact name ("投资额",
"担保责任余额", "培训人员数") so that a user's "投资800万元" meets the rule's need.

    base_name("其辅导费用")                 -> "辅导费用"
    threshold_name("企业投资", "元")         -> "投资额"
    lookup(facts, "年主营业务收入增速")       -> the value the user gave for 增速, or None
"""
from __future__ import annotations

import re

# The bases rates are applied to, as the documents name them (longest first when matching).
CANONICAL = (
    "服务外包总费用", "采购发票总价", "担保责任余额", "研发升级费用", "设备购置款", "无形资产成本",
    "辅导费用", "研发费用", "投入资金", "开发费用", "销售价格", "投资额",
)
# Short everyday words → the canonical name (a user says 投资, the rule says 投资额).
ALIASES = {
    "投资": "投资额", "投资总额": "投资额", "项目投资": "投资额", "投入": "投入资金",
    "发票总价": "采购发票总价", "采购金额": "采购发票总价", "担保余额": "担保责任余额",
    "研发投入": "研发费用", "台数": "台套数", "套数": "台套数", "购买数量": "台套数",
    "设备款": "设备购置款", "设备投资": "设备购置款", "辅导费": "辅导费用",
}
_LEADING = re.compile(r"^(?:单家企业|单个企业|企业|其|该|我市|市内|区内|每期|每年|年度|当年|实际|接受|开展)+")
# Metric names documents put after their subject ('…电子商务平台年交易额'): the metric is the fact.
METRICS = ("网上年销售总额", "网上销售总额", "年主营业务收入增速", "年主营业务收入", "年服务营业收入",
           "年服务合同总金额", "年国际物流费用", "进出口额增速", "年交易额", "年销售额", "营业收入")
# a fee or interest rate named as a rate's base ('年化担保费率', '贷款利率'): the sum it is charged on
_CHARGED_RATE = re.compile(r"(?P<what>[\u4e00-\u9fff]{2})?费?(?:费率|利率)(?:标准)?$")
_MONEY_END = ("额", "费用", "价", "款", "收入", "金额", "资金", "投入", "成本", "余额", "总额")


def base_name(text: str) -> str:
    """'平台投资额' / '其辅导费用' / '采购发票总价（不含税）' → canonical base name."""
    text = re.sub(r"[（(][^）)]*[）)]", "", text or "").strip()
    text = re.sub(r"^\d[\d年月日至到\-—～~]*(?:期间|内)?", "", text)  # a leading date range is not the base ('年化…' is)
    text = re.sub(r"^(?:有关|相关)?规定(?:对|给予)?(?:其|该)?", "", text)  # '按规定对其…余额的1‰'
    text = re.sub(r"^(?:企业)?(?:上一?年度|当年|年度)", "", text)
    text = re.sub(r"加计$", "", text)
    if m := _CHARGED_RATE.search(text):
        # '给予…年化担保费率1%的担保费补贴': a rate charged on a sum is a share of that sum
        return (m.group("what") or "业务") + "金额"
    for name in CANONICAL:
        if name in text:
            return name
    if text in ALIASES:
        return ALIASES[text]
    return re.sub(r"^(?:其|该)", "", text)


def threshold_name(noun: str, unit: str, previous: str = "") -> str:
    """The fact a comparison is about: ('年交易额', '元') → '年交易额';
    ('服务企业', '家') → '服务企业数'; ('占主营业务收入比例', '%', '年服务营业收入') → '年服务营业收入占比'."""
    noun = re.sub(r"[（(][^）)]*[）)]", "", noun or "").strip(" “”\"：:")
    noun = re.sub(r"(首次|累计)$", "", noun)
    m = re.match(r"^(.*?)占.*(?:比重|比例)$", noun)
    if m:
        return (m.group(1) or previous.replace("占比", "")) + "占比"
    canon = base_name(noun) if any(c in noun for c in CANONICAL) else ""
    if canon:
        return canon
    for metric in METRICS:
        if noun.endswith(metric):
            return metric
    stripped = _LEADING.sub("", noun) or noun
    if stripped in ALIASES:
        return ALIASES[stripped]
    if unit in ("元", "美元"):
        return stripped if stripped.endswith(_MONEY_END) else stripped + "额"
    if unit in ("台",):
        return "台套数"
    if unit in ("家", "个", "人", "项"):
        return stripped if stripped.endswith("数") else stripped + "数"
    if unit == "天":
        return stripped + "天数"
    if unit == "年":
        return stripped + "年限"
    if unit == "平方米":
        return stripped if "面积" in stripped else noun + "面积"
    # nothing names the figure ('…，且3%以上的'): a plain name of its kind, so that it can be asked for
    return stripped or {"%": "比例", "元": "金额", "美元": "金额"}.get(unit, "数量")


def lookup(facts: dict, name: str):
    """The user's value for the fact ``name``: exact key, alias, then the closest key that
    one contains the other ('增速' answers '年销售额增长率'). None when absent."""
    key = lookup_key(facts, name)
    return None if key is None else facts[key]


def lookup_key(facts: dict, name: str) -> str | None:
    """The key of ``facts`` that ``lookup`` reads for ``name`` (None when absent)."""
    if not facts:
        return None
    if name in facts:
        return name
    for key in facts:
        if ALIASES.get(key) == name or ALIASES.get(name) == key:
            return key
    best = None
    wanted = name_type(name)
    for key in facts:
        if not isinstance(key, str) or key in ("级别", "学历") or len(key) < 2:
            continue
        if wanted and name_type(re.sub(r"[（(][^）)]*[）)]$", "", key)) not in (None, wanted):
            continue  # '年销售额' (a sum) is not what '年销售额增长率' (a rate) asks for
        if key in name or name in key:
            score = min(len(key), len(name))
            if best is None or score > best[0]:
                best = (score, key)
    return best[1] if best else None


# --- unit types: what kind of quantity a fact is, so a figure can only fill a need of its kind ---

UNIT_TYPES = {"元": "元", "美元": "美元", "%": "%", "平方米": "平方米", "亩": "亩", "台": "台", "套": "台",
              "家": "家", "人": "人", "天": "天", "年": "年", "次": "次", "个": "个", "项": "个", "件": "个",
              "场": "场", "期": "期"}
_NAME_TYPES = (  # name endings → unit type, for figures stored as bare Decimal
    (("增速", "占比", "增长率", "增幅", "比例", "比重", "率"), "%"), (("面积",), "平方米"),
    (("天数",), "天"), (("年限",), "年"), (("台套数", "台数", "套数"), "台"), (("企业数", "家数"), "家"),
    (("人员数", "人数"), "人"), (("次数", "总量"), "次"), (("数",), "个"),
)
# Money falls in families; a figure labelled for one family (a cost) never fills another (a revenue).
MONEY_FAMILIES = (
    ("余额", ("余额", "担保", "贷款")),
    ("收入", ("收入", "营收", "营业", "销售", "交易", "业务额", "合同", "产值", "出口", "卖")),
    ("支出", ("投资", "投入", "费", "款", "价", "成本", "资金", "花", "用了", "支出", "购", "开发")),
)


def unit_type(unit: str, name: str = "") -> str | None:
    """A rule's unit ('元', '台', '' …) → its unit type; a bare count takes the type its name implies."""
    return UNIT_TYPES.get(unit) or (name_type(name) if name else None)


def name_type(name: str) -> str | None:
    """'建设面积' → '平方米', '服务企业数' → '家', '投资额' → '元'; None when the name says nothing."""
    if name.startswith("金额"):
        return "元"
    for endings, kind in _NAME_TYPES:
        if name.endswith(endings):
            return kind
    if name in CANONICAL or name in METRICS or name.endswith(_MONEY_END + ("费",)):
        return "元"
    return None


def money_family(name: str) -> str | None:
    """'研发升级费用' → '支出', '年主营业务收入' → '收入', '金额（一年）' → None (unlabelled)."""
    for family, words in MONEY_FAMILIES:
        if any(w in name for w in words):
            return family
    return None
