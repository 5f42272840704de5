"""Figures and levels read from a user's question and conversation.

    extract_facts("我们投了800万，买了20台，国家级", previous=None)
        -> {"投资额": Decimal("8000000"), "台套数": Decimal("20"), "级别": "国家级"}

Money is ``Decimal`` 元 ("800万" means 800万元; "1.5亿", "八百万" work), rates are
fractions ("增长18%" → 增速 = Decimal("0.18")), counts are ``Decimal``; 美元 amounts
stay strings with their currency ("100万美元") because nothing is ever converted.
Levels (国家级, 4A级 → AAAA, 一等奖, 国家标准) go to 级别, degrees (博士) to 学历.
Areas: 平方米 / 平米 / ㎡ / 万平方米 are Decimal 平方米 ("1.5万平米" → 15000); 亩 stays text
("20亩"), never converted. A sum spent on something ("升级花了50万") or with no telling word
is kept as "金额（<the words before it>）" ("金额（升级花了）") so the
calculator can place it on the one fact a rule still needs (calculator_facts.bind_facts).
Later turns update earlier facts: pass the previous dict as ``previous``.
"""
from __future__ import annotations

import re
from decimal import Decimal

from assistant.rules.model import EVENT_COUNT, EVENT_UNITS
from assistant.lexicon.numbers import CN_NUM, NUM, cn_to_decimal, normalize, parse_quantity, plain
from assistant.lexicon.vocab import (
    ADMIN_LEVEL,
    BOUND_AT_LEAST,
    BOUND_MORE,
    FIRSTS,
    GRADE,
    PRIZE,
    STANDARDS,
    grade_letters,
)

_NUMBER = rf"(?:{NUM}|{CN_NUM})"
_MONEY = rf"(?P<num>{_NUMBER})\s*个?\s*(?P<unit>千万|百万|万美元|亿美元|美元|万元|亿元|万|亿|元|块钱|块)(?![次台套家个人天场届项件条])"
# Keyword in the words before a sum of money → the fact it is (first match wins).
MONEY_KEYS = (
    ("发票", "采购发票总价"), ("担保", "担保责任余额"), ("辅导", "辅导费用"), ("研发升级", "研发升级费用"),
    ("研发", "研发费用"), ("设备", "设备购置款"), ("开发费", "开发费用"), ("无形资产", "无形资产成本"),
    ("销售价", "销售价格"), ("售价", "销售价格"), ("外包总费用", "服务外包总费用"), ("承接", "服务外包总费用"),
    ("离岸", "离岸服务外包业务额"), ("外包业务", "服务外包业务额"), ("外包费", "总外包费用"),
    ("物流费", "年国际物流费用"), ("合同", "年服务合同总金额"), ("网上", "网上销售总额"), ("线上", "网上销售总额"),
    ("交易额", "年交易额"), ("营业收入", "年主营业务收入"), ("营收", "年主营业务收入"), ("主营", "年主营业务收入"),
    ("销售额", "年销售额"), ("卖了", "年销售额"), ("投入", "投入资金"), ("投资", "投资额"), ("投了", "投资额"),
)
AREA_RE = re.compile(rf"(?P<num>{NUM}|{CN_NUM})\s*(?P<wan>万)?\s*(?P<unit>平方米|平米|㎡|平方|亩|平(?![台均衡安稳价常时方]))")
# Spent on something: '升级花了50万' → 升级费用 (the thing is in the words before the verb).
SPENT_RE = re.compile(r"(?:花了|花费了?|用了|支出了?|开支了?)(?:大概|大约|约|共|一共|总共)?\s*$")
# A sum said about the subsidy itself ('能补50万吗', '最高100万') is not the user's figure.
BENEFIT_BEFORE = re.compile(r"补贴|补助|奖励|资助|奖|补|拿|最高|上限|封顶|不超过|给予|给|领")
BENEFIT_AFTER = re.compile(r"^(?:元|的)?(?:补贴|补助|奖励|奖金|资助|吗|么|嘛|封顶)")
_FILLER_END = re.compile(r"(?:一共|总共|合计|共|大概|大约|约|是|为|有|了|达到|达|在|就)+$")
_FILLER_START = re.compile(r"^(?:我们|我司|我|公司|企业|今年|去年|这次|那|然后|而且|另外|其中)+")
LEVEL_RE = re.compile(
    rf"{PRIZE}|{'|'.join(STANDARDS)}|(?<![A-Za-z])(?P<a>{GRADE})(?![A-Za-z])级?|{ADMIN_LEVEL}|{'|'.join(FIRSTS)}")
DEGREE_RE = re.compile(r"博士|硕士|本科")
# '后面三年增长分别为16%、21%、30%': one figure a year, for an award repeated year by year
GROWTH_LIST_RE = re.compile(
    rf"(?P<noun>[\u4e00-\u9fff]{{0,8}}?)(?:增长|增速|增幅|同比增长|增长率)(?:分别|依次)(?:是|为|达到|达)?\s*"
    rf"(?P<nums>{NUM}\s*[%％](?:\s*[、，,和及]\s*{NUM}\s*[%％])+)")
YEARLY = "（逐年）"  # suffix of a fact holding one value per year, as text: '12%、17%、21%'
# '增长18%', and as people say it: '又涨了二十个点', '增速20个百分点'
# '每年增速都超过15%': a bound, kept as said ('超过15%') so a check can be judged from it
GROWTH_RE = re.compile(rf"(?P<noun>[\u4e00-\u9fff]{{0,8}}?)(?:增长|增速|增幅|同比增长|增长率|涨|上涨)(?:了|为|是|达到|达)?"
                       rf"(?:都|均|也|每年都|每年均)?(?P<bound>{BOUND_MORE}|{BOUND_AT_LEAST})?\s*"
                       rf"(?:(?P<num>{NUM})\s*[%％]|(?P<pts>{NUM})\s*个?(?:百分)?点|(?P<cpts>{CN_NUM})\s*(?:个|个百分|百分)点)")
SHARE_RE = re.compile(rf"(?P<noun>[\u4e00-\u9fff]{{2,10}}?)(?:占[\u4e00-\u9fff]{{0,10}}?)?(?:占比|比重|比例)(?:为|是|达到|达)?\s*(?P<num>{NUM})\s*[%％]")
# '担保费率是1.8%' / '利率为4.5%': a rate the user states is the figure of that name
RATE_FACT_RE = re.compile(rf"(?P<noun>[\u4e00-\u9fff]{{0,10}}?率)(?:是|为|有|在|只有|达到|达|都是)?\s*(?P<num>{NUM})\s*[%％]")
COUNT_RE = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<mul>万|亿)?\s*(?P<unit>台（套）|台\(套\)|台套|台|套|家|个月|个|人|天|平方米|㎡|次|场|届|期|批|年(?![度份])|辆|户|名|艘|架|座)")
# counted things a rule pays per piece of ('每辆', '每户'): the count is '<unit>数'
MEASURE_COUNTS = ("辆", "户", "名", "艘", "架", "座")
# '招了7个就业困难人员' counts people even when said with 个
# and with a relative clause between ('招了7个毕业两年内、已参保的人'), not across a comma
_PEOPLE_AFTER = re.compile(r"^(?:[\u4e00-\u9fff]{0,8}?|[^，,。；;？?！!]{0,24}?的[\u4e00-\u9fff]{0,4}?)"
                           r"(?:人员|员工|工人|职工|毕业生|技师|学生|人才|士兵|劳动者|护理员|农民工|学徒|见习生|人)")


# what a price-deduction question asks: the price one is judged at ('评审价按多少算', '用多少钱去参加
#评审'), not the amount taken off; and the kind of purchase (货物 / 服务 / 工程), since a document may
# give 工程 its own rate
ASKED = "所求"
REVIEW_PRICE = "评审价"
PURCHASE_KIND = "采购类别"
_FLOORS = re.compile(r"(?P<n>\d+|[一二两三四五六七八九十]+)\s*层[^。；;？?]{0,6}?每层\s*$")
PAID_AFTER = "减免后"  # asked what is still paid after a cut ('打折后还要付多少')
_ASKS_PAID_AFTER = re.compile(r"(?:实际|还|现在|优惠后|减免后|打折后)[^，,。？?、]{0,4}(?:交|缴|付)[^，,。？?、]{0,3}多少")
_ASKS_REVIEW_PRICE = re.compile(r"评审价|参加评审|评审时按|评审按|按多少(?:价格|钱)?算")
_PURCHASE_KIND = re.compile(r"工程|货物|服务")


def extract_facts(text: str, previous: dict | None = None) -> dict:
    """Question text (+ facts from earlier turns) → {fact name: Decimal | str}."""
    facts = dict(previous or {})
    if not text:
        return facts
    found: dict = {}
    used: list[tuple[int, int]] = []

    for m in GROWTH_LIST_RE.finditer(text):
        key = _growth_key(m.group("noun"))
        values = re.findall(rf"{NUM}\s*[%％]", m.group("nums"))
        found[key] = Decimal(values[0].rstrip("%％ ").replace(",", "")) / 100
        found[key + YEARLY] = "、".join(v.replace(" ", "").replace("％", "%") for v in values)
        used.append(m.span())

    for m in GROWTH_RE.finditer(text):
        if any(a <= m.start() < b for a, b in used):
            continue
        key = _growth_key(m.group("noun"))
        # '涨了一点' is 'a little', so a Chinese numeral needs 个 or 百分 before 点
        value = (Decimal(m.group("num").replace(",", "")) if m.group("num")
                 else Decimal(m.group("pts")) if m.group("pts") else cn_to_decimal(m.group("cpts")))
        found[key] = value / 100
        if bound := m.group("bound"):
            found[key] = f"{'至少' if re.fullmatch(BOUND_AT_LEAST, bound) else '超过'}{plain(value)}%"
        used.append(m.span())

    for m in SHARE_RE.finditer(text):  # '网上销售额占比60%' → 网上销售额占比 = 0.6
        noun = re.sub(r"^(?:我们|我|公司|企业|的)+", "", m.group("noun"))
        found[f"{noun}占比"] = Decimal(m.group("num").replace(",", "")) / 100
        used.append(m.span())

    for m in RATE_FACT_RE.finditer(text):
        if any(a <= m.start() < b for a, b in used):
            continue
        noun = _FILLER_START.sub("", re.sub(r"^(?:但|而|且|可|那|其)?(?:是|的)?", "", m.group("noun")))
        if len(noun) < 2 or noun in ("增长率",):
            continue
        found[noun] = Decimal(m.group("num").replace(",", "")) / 100
        used.append(m.span())

    for m in AREA_RE.finditer(text):  # before money: the 万 of '1.5万平方米' is not 万元
        num = m.group("num").replace(",", "")
        n = normalize((Decimal(num) if num[0].isdigit() else cn_to_decimal(num)) * (10000 if m.group("wan") else 1))
        around = text[max(0, m.start() - 8):m.end() + 8]
        key = ("用地面积" if re.search("占地|用地|土地", around)
               else "新建面积" if re.search("新建|仓储|仓库", around) else "建设面积")
        if (floors := _FLOORS.search(text[max(0, m.start() - 16):m.start()])) and m.group("unit") != "亩":
            # '盖了5层，每层2000平米': the area of all floors
            count = floors.group("n")
            n = normalize(n * (Decimal(count) if count.isdigit() else cn_to_decimal(count)))
            found.setdefault("层数", Decimal(count) if count.isdigit() else cn_to_decimal(count))
        found[key] = f"{plain(n)}亩" if m.group("unit") == "亩" else n
        used.append(m.span())

    for m in re.finditer(_MONEY, text):
        if any(a <= m.start() < b for a, b in used):
            continue
        try:
            q = parse_quantity(m.group(0).replace("个", ""))  # '12个亿'
        except ValueError:
            continue
        if m.group("unit").startswith("块") and not re.search(r"[\d十百千万亿]", m.group("num")):
            continue  # '这一块' / '两块' are parts, not money
        key = _money_key(text, m.start(), m.end())
        if key is None:
            continue
        if key in found and key.startswith("金额"):
            key = f"{key}{sum(k.startswith('金额') for k in found) + 1}"
        found[key] = m.group(0).replace(" ", "") if q.unit == "美元" else q.value
        if q.unit == "元" and (bound := BOUND_BEFORE.search(text[max(0, m.start() - 4):m.start()])):
            # '营收头一回超过2亿': more than 1亿, kept as said so a tier can be judged from it
            found[key] = f"{'至少' if bound.group('ge') else '超过'}{plain(q.value)}元"
        used.append(m.span())

    for m in COUNT_RE.finditer(text):
        if any(a <= m.start() < b for a, b in used):
            continue
        unit = m.group("unit")
        if unit in EVENT_UNITS and (text[max(0, m.start() - 1):m.start()] == "第"
                                    or unit in ("期", "批") and not m.group("num")[0].isdigit()):
            continue  # '第一次' is an order and '一期工程' a phase, not a count of events
        if m.group("num") == "一" and unit in ("家", "个") and re.match(r"[\u4e00-\u9fff]", text[m.end():m.end() + 1]):
            continue  # '一家软件企业' / '一个项目' names the subject; it counts nothing
        try:
            n = parse_quantity(m.group("num") + "个").value if not re.match(r"\d", m.group("num")) else Decimal(m.group("num"))
            n *= {"万": 10000, "亿": 100000000}.get(m.group("mul") or "", 1)
        except ValueError:
            continue
        around = text[max(0, m.start() - 8):m.end() + 8]
        key = _count_key(unit, around, text[m.end():m.end() + 30])
        if unit == "年" and n >= 100:
            key = None
        if unit == "个月" and key:  # a duration in months, as the years a rule counts in
            n, unit = normalize((n / 12).quantize(Decimal("0.01"))), "年"
        if key:
            # '超过60天' / '60天以上' is a bound, not the figure: kept as said, for the checks to judge
            bound = BOUND_BEFORE.search(text[max(0, m.start() - 4):m.start()])
            pre = ("至少" if bound.group("ge") else "超过") if bound else ""
            post = "以上" if text[m.end():m.end() + 2] == "以上" else ""
            found[key] = f"{pre}{plain(n)}{unit}{post}" if pre or post else n
            used.append(m.span())

    levels = [m for m in LEVEL_RE.finditer(text)]
    if levels:
        m = levels[-1]  # the last one named is the one the user settled on
        level = m.group(0)
        if m.group("a"):
            level = grade_letters(m.group("a"))
        found["级别"] = level
        found.update(_upgrade(text, levels))
    if dm := DEGREE_RE.search(text):
        found["学历"] = dm.group(0)
    if _ASKS_REVIEW_PRICE.search(text):
        found[ASKED] = REVIEW_PRICE
    elif _ASKS_PAID_AFTER.search(text):
        found[ASKED] = PAID_AFTER
    if "采购" in text and (pk := _PURCHASE_KIND.search(text)):
        found[PURCHASE_KIND] = pk.group(0)
    if re.search(r"不含税", text) and "采购发票总价" in found:
        found.setdefault("采购发票口径", "不含税")
    facts.update(found)
    return facts


# a figure said as a bound: '过了1亿', '突破5000万', '至少800万'; never after a negation ('没过过10个亿')
BOUND_BEFORE = re.compile(rf"(?<![没未不])(?:{BOUND_MORE}|(?P<ge>{BOUND_AT_LEAST}))$")
UPGRADE_RE = re.compile(r"升到|升为|升级为|升级到|升级成|晋升为|晋升到|晋级|升至|提升到|提升为|变成")


def _upgrade(text: str, levels: list) -> dict:
    """'前年评为AA级…这回评成了AAAA级': the grade before, the grade now and how many steps up."""
    grades = [(m, grade_letters(m.group("a"))) for m in levels if m.group("a")]
    if len(grades) < 2:
        return {}
    (first, low), (last, high) = grades[0], grades[-1]
    if len(high) <= len(low) or not UPGRADE_RE.search(text[first.end():last.start()]):
        return {}
    return {"原级别": low, "晋升等级数": Decimal(len(high) - len(low))}


def _growth_key(noun: str) -> str:
    return "进出口额增速" if "进出口" in noun else ("年主营业务收入增速" if re.search("营业|营收|收入", noun) else "增速")


# a sum said as already received ('拿到了省级补助', '获得国家奖励'), never one asked about ('能拿到…')
RECEIVED_RE = re.compile(r"(?<![能可会想要])(?:拿到了?|获得了?|得到了?|收到了?|已获|获批了?|争取到了?)"
                         r"(?P<what>[\u4e00-\u9fff]{0,8}?(?:补助|奖励|补贴|资助|资金))(?:资金)?(?:了|共|是|为)?\s*$")


def _money_key(text: str, start: int, end: int) -> str | None:
    """The fact a sum of money is, from the words around it; None when it is about the subsidy."""
    before = re.split(r"[，,。；;？?！!]", text[max(0, start - 12):start])[-1]
    after = text[end:end + 8]
    if got := RECEIVED_RE.search(before):
        # '拿到省级补助200万': a sum already received is a figure a share may be taken of
        return f"金额（{got.group('what')}）"
    spent = SPENT_RE.search(before)
    words = before[:spent.start()] if spent else before
    key = next((k for word, k in MONEY_KEYS if word in words), None)
    if key is None and spent:  # what it was spent on tells where it may go, not what it is
        thing = _FILLER_START.sub("", re.sub(r"[^\u4e00-\u9fff]", "", words))[-4:]
        return f"金额（{thing}{spent.group(0).strip()}）"
    if key is None and not BENEFIT_BEFORE.search(before[-4:]):
        key = next((k for word, k in MONEY_KEYS if word in re.split(r"[，,。；;？?！!]", after)[0]), None)
    if key is not None:
        return key
    if BENEFIT_BEFORE.search(before[-4:]) or BENEFIT_AFTER.search(after):
        return None
    context = _FILLER_END.sub("", _FILLER_START.sub("", re.sub(r"[^\u4e00-\u9fff]", "", before)))[-6:]
    return f"金额（{context}）" if context else "金额"


def _count_key(unit: str, around: str, after: str) -> str | None:
    if unit in ("台（套）", "台(套)", "台套", "台", "套"):
        return "台套数"
    if unit in ("平方米", "㎡"):
        return "新建面积" if re.search("新建|仓储|仓库", around) else "建设面积"
    if unit == "家":
        return "服务企业数" if "服务" in around else ("电子商务企业数" if "电商" in around or "电子商务" in around else "企业数")
    if unit == "人":
        return "培训人员数" if "培训" in around else "人数"
    if unit in MEASURE_COUNTS:
        return "人数" if unit == "名" else f"{unit}数"
    if unit == "天":
        return "现场辅导天数" if "辅导" in around else None
    if unit == "个":
        if "等级" in after[:6] or "级" in after[:2]:
            return "晋升等级数"
        if "服务项目" in around or "项目" in after[:6] or ("项目" in around and not _PEOPLE_AFTER.match(after)):
            return "服务项目数"  # '新引进落户项目12个' names the counted thing before the count
        return "人数" if _PEOPLE_AFTER.match(after) else None
    if unit in ("年", "个月"):  # '签了一年合同' / '服务期2年'; calendar years (2023年) are not durations
        if re.search(r"合同|协议|服务|辅导", around):
            return "服务年限"
        if re.search(r"工作|干了|干满|做满|待了|待满|任职|从业|工龄|在岗|上班|做了", around):
            return "工作年限"  # how long a person has worked: the figure a seniority step counts
        return "运行年限" if re.search(r"运行|运营|经营", around) else None
    if unit == "次" and "解析" in around:
        return "标识解析总量"
    if unit in EVENT_UNITS:  # '办了3场' / '两届': what a '每场给予…' rule counts
        return EVENT_COUNT
    return None


def parse_fact_value(name: str, value: str):
    """One CLI/API fact string → Decimal 元 / fraction / count, or the text for 级别/学历."""
    if name in ("级别", "学历", "行业"):
        return value.strip()
    q = parse_quantity(value.strip())
    return value.strip() if q.unit == "美元" else q.value
