"""The reading vocabulary of rule extraction: regular expressions for Chinese amount
language and the helpers that read one piece of a segment (level names, tiers,
thresholds, caps, the subject a benefit is for).

Used by rules_extract.py; kept apart so each file stays readable. Everything here is
general wording of policy documents (分别给予…, 最高不超过…, …以上, 超过…), never a
particular sentence.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from assistant.rules.model import Threshold, Tier
from assistant.rules.fact_names import base_name, threshold_name
from assistant.lexicon.numbers import CN_NUM, FRACTION, NUM, parse_quantity, to_decimal
from assistant.lexicon.vocab import ADMIN_LEVEL, FIRSTS, GRADE, PRIZE, PRIZE_RANKS, STANDARDS

CUR = r"(?:美元|元)"
MONEY = rf"(?:{NUM})\s*(?:万|亿)?{CUR}"
MONEY_LIST = rf"(?:最高)?{MONEY}(?:\s*[、和及]\s*(?:最高)?{MONEY})+"
PCT = rf"(?:{NUM})\s*[%％‰]"
COUNT_UNIT = r"(?:平方米|台（套）|台\(套\)|台|套|家|个|人|天|次|项|年)"
QTY = rf"(?:{NUM}|{CN_NUM})\s*(?:万|亿)?(?:{CUR}|[%％‰]|{COUNT_UNIT})"
GRANT = re.compile(r"给予|予以|奖励|奖补|补助|补贴|资助|扶持|补偿|贷款|抵扣|扣减|加计扣除|摊销|税率|资金支持|返还|退还")
GRANT_NO_LOAN = re.compile(r"给予|予以|奖励|奖补|补助|补贴|资助|扶持|补偿|抵扣|扣减|加计扣除|摊销|税率|资金支持|返还|退还")
CMP = r"首次超过|首次突破|超过|突破|达到|不低于|高于|低于|不足|达"
UPTO = re.compile(r"(最高|最多|不超过|不高于)")
CAP_RE = re.compile(rf"(?:最高|最多|不超过|不高于|限额)[^，,；;。\d]{{0,8}}?(?P<m>{MONEY})")
# '返还其当年实缴培训费用的40%': a refund is a rate of the base it names, like 按/给予
RATE_RE = re.compile(
    rf"(?:按照?|给予|返还|退还)(?P<up>(?:最高)?(?:不超过|不高于))?(?:其|该)?(?:(?:现行|当地|当年|上年度?|本市|全市|本地)的)?"
    rf"(?P<base>(?!{NUM}\s*[%％‰])[^，,。；;按照的]{{1,30}}?)的?(?P<up2>不超过|不高于)?"
    rf"(?P<rates>{PCT}(?:\s*[、和]\s*{PCT})*|{FRACTION}(?![\d/]))(?:的比例)?")
RATE_PLAIN_RE = re.compile(rf"(?:给予|按照?)(?P<rates>{PCT})(?:比例)?(?:的(?P<benefit>[\u4e00-\u9fff]{{2,8}}))?")
TAX_RATE_RE = re.compile(rf"(?:减按|按)(?P<rate>{PCT})的?税率")
# "研发投入5%、最高50万元" / "投资补助30%，单体补助不超过100万元": a rate written without 按, tied to a cap
RATE_CAP_RE = re.compile(
    rf"(?P<base>[^，,。；;、\d按]{{2,20}}?)的?(?P<rates>{PCT})"
    rf"(?=、?(?:最高|单体|单户|单个|每家)|[，,](?:单体|单户|单个|每家)?[^，,。；;]{{0,6}}?(?:最高|不超过))")
# "按每人1500元标准" / "按1000元／人的标准": an amount per head (or per item) without a count cap
# "给予5万元至30万元奖励" / "3万—10万元": a range; the upper end is the most one can get
MONEY_RANGE_RE = re.compile(rf"(?P<lo>{NUM})\s*(?:万|亿)?元?\s*(?:至|到|—|－|-|～|~)\s*(?P<m>{MONEY})")
# '按照最高不超过500元/人的标准'; '按照不超过50元/天/人': a sum per person and day (u3 the second unit)
PER_HEAD_RE = re.compile(
    rf"按照?(?:最高)?(?:不超过|不高于|最高)?(?:每(?P<u1>人|户|家|个|件|台|辆|项|名))?(?P<m>{MONEY})"
    rf"(?:\s*[／/](?P<u2>人|户|家|个|件|台|辆|项|名|天)(?:\s*[／/](?P<u3>人|天|户|家))?(?![／/]))?的?(?:标准)?")
LIST_SEP = re.compile(r"\s*[、和及]\s*|”“|\"\"")
LEVEL_TOKEN = re.compile(
    rf"{PRIZE}|{PRIZE_RANKS}|{'|'.join(STANDARDS)}"
    rf"|(?:{ADMIN_LEVEL})(?!财政)|(?<![A-Za-z])(?:{GRADE})(?![A-Za-z])级?|{'|'.join(FIRSTS)}"
    r"|国家(?=[、和及与])|(?<=[、和及与])省(?!级)(?=[\u4e00-\u9fff])")
VERB_PREFIX = re.compile(
    r"^(?:并|且)?(?:经)?(?:新|首次|成功)?(?:入选|认定为?|获评|获得|获批|成为|被认定为|被授予|评定为|评为|创建为|通过)?(?:为)?")
RANGE_RE = re.compile(
    rf"(?:(?P<a>{NUM})\s*[～~\-—至到]\s*(?P<b>{NUM})|(?P<c>{NUM}))\s*(?P<u>{COUNT_UNIT})"
    rf"(?P<sfx>以内|以下|以上)?")
THRESH_RE = re.compile(
    rf"(?P<cmp>{CMP})?(?P<incl0>\s*[(（]含[)）]\s*)?(?P<q>{QTY})(?P<sfx>及以上|以上|及以下|以下|以内)?(?P<incl>\s*[(（]含[)）])?")
# '连续奖励三年' / '在3年（36个月）内按每户每年…为限额': a yearly benefit for at most n years
REPEAT_RE = re.compile(rf"连续(?:奖励|支持|补助|给予)?(?P<n>\d+|{CN_NUM})\s*年|在\s*(?P<n2>\d+|{CN_NUM})\s*年(?:[（(][^）)]*[）)])?\s*内")
UPGRADE_RE = re.compile(rf"每晋升一个等级(?:奖励|给予)(?P<m>{MONEY})")
PER_UNIT_RE = re.compile(
    rf"每(?P<verb>[\u4e00-\u9fff]{{0,3}}?)(?:一|1)?\s*(?P<cl>个|台（套）|台|套|项|件|人)(?P<unit>[\u4e00-\u9fff]{{0,8}}?)"
    rf"(?:奖励|给予|补助|补贴)(?P<m>{MONEY})")
# '5家以上的每增加一家给予2000元': a step for each unit beyond a threshold count (rules/extract.py
# joins it with the sum granted at the threshold)
STEP_RE = re.compile(
    rf"每增加(?:一|1)\s*(?P<cl>个|家|户|名|人|项|件|台|套|辆|座)[\u4e00-\u9fff]{{0,8}}?"
    rf"(?:奖励|给予|补助|补贴|奖补)(?P<m>{MONEY})")
# '报价给予20%(工程项目为5%)的扣除' / '给予小微企业10%-20%的价格扣除' / '价格扣除比例由10%提高至20%'
PCT_SPAN = rf"(?P<r1>{PCT})(?:\s*[－\-—至到~～]\s*(?P<r2>{PCT}))?"
DEDUCT_RE = re.compile(
    rf"{PCT_SPAN}\s*(?:[（(](?P<alt>[\u4e00-\u9fff]{{2,8}}?)为(?P<altr>{PCT})[）)])?的?(?:价格)?扣除(?!比例)"
    rf"|扣除比例(?:由{PCT})?(?:提高|提升|调整|上调)(?:至|到|为){PCT_SPAN.replace('r1', 'q1').replace('r2', 'q2')}")
# '担保费率最高减免40%' / '作业费减半' is not read here; '给予港口作业费八折优惠': a share taken off a
# sum the document names (the fee), not a price in a tender
REDUCE_RE = re.compile(
    rf"(?P<noun>[\u4e00-\u9fffA-Za-z]{{2,10}}?)(?P<up>最高|最多)?(?:减免|减收|减征|下浮|优惠)(?P<r>{PCT})")
# '按50%的税额幅度减征资源税…' / '按照顶格50%幅度减征' / '按照50%幅度减免…“六税两费”' / '在国家规定减免幅度内
# 按照50%顶格执行': the taxes named are cut by that share of what is owed
TAX_CUT_RE = re.compile(
    rf"按照?(?:顶格)?(?P<r>{PCT})(?:的税额)?(?:幅度)?(?:顶格)?(?:减征|减免|执行)")
DISCOUNT_RE = re.compile(
    r"(?P<noun>[\u4e00-\u9fffA-Za-z]{2,10}?)(?P<d>[一二三四五六七八九]{1,2}|\d(?:\.\d)?|\d{2})折(?:优惠|收取|计收)")
# '适用3%征收率的应税收入，减按2%征收率征收增值税': the tax is that share of the sales
LEVY_RE = re.compile(
    rf"(?P<base>[\u4e00-\u9fff]{{2,10}})[，,]\s*(?:减按|按)(?P<r>{PCT})的?征收率(?:征收|计征|缴纳)(?P<tax>[\u4e00-\u9fff]{{1,6}}税)")
# '前2年每年80%、后3年每年40%的租金补助' / '前三年全额、后两年减半补助租金': a yearly rate that changes
PERIOD_RATE = rf"(?:{PCT}|全额|减半)"


def _period(i: int) -> str:
    return (rf"(?:前|后|再|第[^年，,]{{1,6}}?至)(?P<n{i}>\d+|{CN_NUM})\s*年(?:内)?(?:每年)?(?:按|给予)?(?:其)?"
            rf"(?P<r{i}>{PERIOD_RATE})")


_PSEP = r"\s*[、，,；;]\s*"
PERIODS_RE = re.compile(
    _period(1) + _PSEP + _period(2) + rf"(?:{_PSEP}{_period(3)})?"
    + r"(?:的)?(?P<noun>[\u4e00-\u9fff]{0,6}?)(?P<benefit>补助|补贴|奖励|返还|奖补)(?P<noun2>[\u4e00-\u9fff]{0,4})")
# '年应纳税所得额超过200万元但不超过500万元的部分，减按40%计入应纳税所得额，按25%的税率缴纳企业所得税'
# (read on the segment without line breaks): the tax on that part of the base
PART_TAX_RE = re.compile(
    rf"(?:超过(?P<lo>{MONEY})(?:但|且|、)?)?(?:不超过(?P<hi>{MONEY}))?的部分[，,]?减按(?P<inc>{PCT})计入"
    rf"(?P<base>[\u4e00-\u9fff]{{2,8}}?)[，,]?(?:再)?按(?P<rate>{PCT})的?税率(?:缴纳|征收|计征)(?P<tax>[\u4e00-\u9fff]{{1,6}}税)")
# '对中小微企业免收投标保证金' / '不再收取招标文件费': a sum the subject does not pay
EXEMPT_RE = re.compile(
    r"(?:免收|免于收取|免予收取|免缴|免交|免于缴纳|不收取|不再收取|一律免收)(?P<what>[\u4e00-\u9fff]{2,10}?(?:保证金|费用|费|金))(?=[，,。；;、）)和及等]|$)")
# '已享受市级同类补助的，不再享受本条补助' / '获得过…奖励的企业不再重复奖励': an earlier award rules it out
RULED_OUT_RE = re.compile(
    r"(?:已经?|此前已|曾)(?:享受|获得|获|取得|申领|领取)(?:过)?(?P<x>[^，,。；;]{2,30}?)(?:的|后)[^，,。；;]{0,12}?[，,]?\s*"
    r"(?:不再|不得再|不能再|不予|不重复)(?:享受|给予|申请|支持|奖励|补助|补贴|重复)")
# '中小微企业合同预付款比例提高到50%' / '面向中小微企业预留比例提高至40%': a share set by the document
SHARE_RE = re.compile(
    rf"(?P<noun>[\u4e00-\u9fff]{{2,6}}?)比例(?:由{PCT})?(?:提高|提升|调整|上调)(?:至|到|为)(?P<r>{PCT})(?!\s*[－\-—至到~～]\s*{NUM})")
# "每场给予5万元的补助" / "每届奖励10万元": an amount per event; the count of events multiplies it
PER_EVENT_RE = re.compile(
    rf"每(?P<unit>场|届|期|批|次)(?:活动)?(?:给予|奖励|补助|补贴)(?P<up>最高|不超过)?(?P<m>{MONEY})")
# '投标保证金不得超过采购项目预算金额的0.5%' / '预付款比例不低于合同金额的40%': a sum the document
# bounds as a share of another (a deposit, an advance, a fee) — not a grant, but a figure one can work out
LIMIT_OP = r"(?P<op>最高不得超过|最高不超过|不得超过|不超过|不得高于|不高于|不得低于|不低于|不少于)"
LIMIT_RE = re.compile(
    rf"(?P<noun>[\u4e00-\u9fff（）()]{{0,16}}?)(?:原则上|一般)?{LIMIT_OP}(?:其|该)?"
    rf"(?P<base>(?!{NUM})[^，,。；;、的\d%％]{{2,20}}?)的(?P<rate>{PCT})(?!\s*[、和及至到\-—～~]\s*{NUM})")
# '给予每辆最高不超过2万元' / '每户补助3000元': an amount per counted thing (vehicles, households, heads)
MEASURE_WORDS = r"辆|户|名|人|件|张|座|艘|架|吨|头|株|棵|平方米|亩"
PER_MEASURE_RE = re.compile(
    rf"每(?P<unit>{MEASURE_WORDS})(?:每年|每月)?(?:给予|奖励|补助|补贴|奖补)?(?P<up>最高不超过|最高不高于|最高|不超过|不高于)?"
    rf"(?P<low>不低于|不少于)?(?P<m>{MONEY})"
    rf"(?P<lim>为限额|的限额)?")
BENEFIT_WORD = re.compile(r"启动资金补助|风险补偿|资金扶持|资金补助|资金支持|一次性奖励|奖励|补助|补贴|资助|扶持|贷款")


def read_money(text: str):
    q = parse_quantity(re.sub(r"^最高", "", text.strip()))
    return q.value, q.unit


def read_rate(text: str) -> Decimal:
    return parse_quantity(text.strip()).value


def parts(text: str, seps: str):
    """Yield (start, end) of the pieces of text split after each separator character."""
    start = 0
    for i, ch in enumerate(text):
        if ch in seps:
            yield start, i
            start = i + 1
    if start < len(text):
        yield start, len(text)


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \u3000\t\r\n，,":
        s += 1
    while e > s and text[e - 1] in " \u3000\t\r\n，,":
        e -= 1
    return s, e


def clause_before(seg: str, pos: int) -> str:
    return re.split(r"[，,；;]", seg[:pos])[-1]


def read_subject(seg: str, pos: int, floor: int = 0) -> str:
    """The '对…的' phrase that names who qualifies, nearest before pos (short)."""
    head = seg[floor:pos]
    starts = [m.end() for m in re.finditer(r"(?:^|[，,；;、])对", head)]
    if starts:
        subj = head[starts[-1]:]
    elif floor:
        subj = re.split(r"[，,、]", head.strip("，,、"))[-1]
    elif re.search(r"[，,]", head):
        # no '对…': the opening clause says who or what it is for ('支持…开展“大学生工业设计坊”，每场…')
        subj = re.sub(r"^\s*\d+[、.．]\s*", "", re.split(r"[，,]", head)[0])
        if len(subj) < 4 or re.search(r"\d\s*(?:万|亿)?元", subj) or re.match(r"(?:自|从)?\s*\d{4}\s*年", subj):
            return ""  # an amount, or the period a measure runs ('自2023年1月1日至…'), names no one
    else:
        return ""
    subj = re.split(r"[，,]", subj)[0]
    subj = re.split(r"的?(?:一次性|每家|每个|分别|市区|最高|最多|再|另行|另)*(?:给予|奖励|补助|按)", subj)[0]
    subj = re.sub(r"的$", "", subj.strip())
    return subj if len(subj) <= 40 else subj[:39] + "…"


_NOT_CATEGORY = re.compile(r"给予|奖励|补助|补贴|资助|标准|最高|不超过|每年|分别|[按的对在]$|年内|^[\d ]+$")


def category_before(seg: str, pos: int) -> str:
    """The named category a per-head amount is for, written right before it ('按照技师（2级）每人
    3500元、高级技师（1级）每人5000元' → 技师（2级）/ 高级技师（1级）); '' when none is named."""
    piece = re.split(r"[、，,；;：:。]", seg[max(0, pos - 20):pos])[-1]
    name = re.sub(r"^(?:按照|按|对于|对)", "", re.sub(r"\s+", "", piece))
    if not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,14}", name) or _NOT_CATEGORY.search(name):
        return ""
    return name


def benefit_word(seg: str, pos: int) -> str:
    m = BENEFIT_WORD.search(seg, pos, min(len(seg), pos + 16))
    return m.group(0).replace("一次性", "") if m else ""


def base_before(seg: str, pos: int) -> str:
    """'…等研发费用，按照100%比例加计扣除' → the noun phrase ending before the rate."""
    head = re.split(r"[，,]", seg[:pos].rstrip("，, "))
    cand = head[-1] if head[-1].strip() else (head[-2] if len(head) > 1 else "")
    if not cand.strip() and len(head) > 1:
        cand = head[-2]
    cand = re.split(r"等|的", cand)[-1]
    return cand.strip()


def cap_after(seg: str, pos: int, free):
    end = seg.find("；", pos)
    for m in CAP_RE.finditer(seg, pos, len(seg) if end < 0 else end):
        if free(m):
            v, cur = read_money(m.group("m"))
            return (v, cur), (m.start(), m.end())
    return None


def is_threshold_pct(seg: str, m) -> bool:
    return ends_with_cmp(seg[:m.start()]) or seg[m.end():m.end() + 3].startswith(("以上", "及以上"))


def ends_with_cmp(text: str) -> bool:
    """'…超过' / '…达到' end a comparison; '不超过' / '不高于' end a cap, not a threshold."""
    if text.endswith(("不超过", "不高于", "最高")):
        return False
    return bool(re.search(rf"(?:{CMP})$", text))


def is_threshold_money(seg: str, m) -> bool:
    before = seg[max(0, m.start() - 4):m.start()]
    after = seg[m.end():m.end() + 3]
    if re.search(r"(?:不|最高|最多)(?:超过|高于)$", before):
        return False
    return bool(re.search(rf"(?:{CMP})$", before)) or after.startswith(("以上", "以内", "以下", "及以上", "及以下"))


def level_names(prefix: str, n: int) -> list[str]:
    """The n level names listed before an amount list (国家级、省级、市级 / AAAAA… / 一、二、三等奖)."""
    starts = [m.start() for m in re.finditer(r"(?:^|[，,；;])对", prefix)]
    scope = prefix[starts[-1]:] if starts else prefix
    # runs of level words joined by list separators ('国家级、省级和市级'); a gap of other words
    # ('…称号的市级…') starts a new run, so a later unrelated 市级 is not taken for a level
    runs: list[list[str]] = []
    last_end = None
    for m in LEVEL_TOKEN.finditer(scope):
        names = [f"{r}等奖" for r in m.group("ranks").split("、")] if m.group("ranks") else [m.group(0)]
        gap = scope[last_end:m.start()] if last_end is not None else None
        if gap is not None and re.match(r"^(?:[、和及与“”\"\s]+[^，,；;。、的]{0,6}|[“”\"\s级]*)$", gap):
            runs[-1] += names
        else:
            runs.append(names)
        last_end = m.end()
    fitting = [r for r in runs if len(r) >= n]
    if fitting:
        return fitting[-1][-n:]
    for piece in reversed(re.split(r"[，,]", prefix)):
        piece = piece[piece.find("对") + 1:] if "对" in piece else piece
        piece = re.sub(r"(分别|每个|每家|每项)?(给予|奖励)?$", "", piece)
        for part in reversed(piece.split("的")):
            for sep in (LIST_SEP, re.compile(r"\s*和\s*"), re.compile(r"\s*、\s*")):
                items = [i for i in sep.split(part) if i.strip()]
                if len(items) == n:
                    items = [re.sub(r"[“”\"]", "", i).strip() for i in items]
                    return [VERB_PREFIX.sub("", i) or i for i in items]
    return []


# '除省上对每台（套）按…5%予以补助外，市区再给予5%的补助': the two payers of a two-share band
PAYER_FIRST_RE = re.compile(r"除(?P<p>[\u4e00-\u9fff]{1,4}?)(?:财政)?(?:对|按|给予)")
PAYER_SECOND_RE = re.compile(r"[，,外](?P<p>[\u4e00-\u9fff]{1,4}?)(?:财政)?(?:再|另行|另|还)(?:给予|按|补助)")


def _payer(seg: str, pattern) -> str:
    m = pattern.search(seg)
    return m.group("p") if m else ""


def quantity_tiers(sent: str):
    """Bands by quantity across ；-segments: '10台（套）以内…20%；11～50台（套）…15%…'."""
    bands = []
    for gs, ge in parts(sent, "；;"):
        seg = sent[gs:ge]
        r = RANGE_RE.search(seg)
        rates = [m for m in re.finditer(PCT, seg) if not is_threshold_pct(seg, m)]
        if not r or not rates or (r.group("c") and not r.group("sfx")):
            continue
        bands.append((gs, ge, seg, r, rates))
    if len(bands) < 2 or len({b[3].group("u") for b in bands}) != 1:
        return None
    tiers, base = [], ""
    for _gs, _ge, seg, r, rates in bands:
        if r.group("a"):
            low, high = to_decimal(r.group("a")), to_decimal(r.group("b"))
        elif r.group("sfx") == "以上":
            low, high = to_decimal(r.group("c")), None
        else:
            low, high = None, to_decimal(r.group("c"))
        if not base and (bm := RATE_RE.search(seg)):
            base = base_name(bm.group("base"))
        cap = CAP_RE.search(seg)
        two = len(rates) > 1
        tiers.append(Tier(low=low, high=high, rate=read_rate(rates[0].group(0)),
                          extra_rate=read_rate(rates[1].group(0)) if two else None,
                          cap=read_money(cap.group("m"))[0] if cap else None,
                          payer=_payer(seg, PAYER_FIRST_RE) if two else "",
                          extra_payer=_payer(seg, PAYER_SECOND_RE) if two else ""))
    unit = parse_quantity("1" + bands[0][3].group("u")).unit
    noun = re.split(r"[，,、]", bands[0][2][:bands[0][3].start()])[-1]
    spec = dict(kind="tiered", tiers=tuple(tiers), base=base, tier_unit=unit,
                tier_fact=threshold_name(noun, unit), subject=read_subject(sent, bands[0][0] + bands[0][3].start()),
                benefit="补贴")
    return bands[0][0], bands[-1][1], spec


def list_tiers(seg: str):
    """'超过1亿元、5000万元、2000万元的…分别给予50万元、20万元、10万元' → bands by that figure."""
    lm = re.search(rf"(?P<noun>[^，,；;对且]*?)(?P<cmp>{CMP})(?P<vals>{QTY}(?:\s*、\s*{QTY})+)(?P<sfx>以上)?", seg)
    if not lm:
        return None
    vals = [parse_quantity(v) for v in re.findall(QTY, lm.group("vals"))]
    rest = seg[lm.end():]
    money = re.search(MONEY_LIST, rest)
    rates = re.search(rf"{PCT}(?:\s*、\s*{PCT})+", rest)
    n = len(vals)
    if money and len(re.findall(MONEY, money.group(0))) == n:
        payouts, key = [read_money(x)[0] for x in re.findall(MONEY, money.group(0))], "amount"
        end = lm.end() + money.end()
    elif rates and len(re.findall(PCT, rates.group(0))) == n:
        payouts, key = [read_rate(x) for x in re.findall(PCT, rates.group(0))], "rate"
        end = lm.end() + rates.end()
    else:
        return None
    inclusive = lm.group("cmp") not in ("超过", "首次超过", "突破", "首次突破", "高于")
    pairs = sorted(zip([v.value for v in vals], payouts))
    tiers = []
    for i, (low, pay) in enumerate(pairs):
        high = pairs[i + 1][0] if i + 1 < len(pairs) else None
        tiers.append(Tier(low=low, low_inclusive=inclusive, high=high, high_inclusive=not inclusive, **{key: pay}))
    spec = dict(kind="tiered", tiers=tuple(tiers), tier_fact=threshold_name(lm.group("noun"), vals[0].unit),
                tier_unit=vals[0].unit,
                subject=re.split(r"[，,]", seg[lm.end():])[0].lstrip("的") or read_subject(seg, lm.end()),
                benefit=benefit_word(seg, end) or "奖励")
    if key == "rate":
        bm = RATE_RE.search(seg, lm.end())
        spec["base"] = base_name(bm.group("base")) if bm else ""
        if cap := CAP_RE.search(seg, end):
            spec["cap"] = read_money(cap.group("m"))[0]
            end = cap.end()
    return (lm.start("cmp"), end), spec


def read_thresholds(seg: str, free) -> list[tuple[int, Threshold]]:
    out: list[tuple[int, Threshold]] = []
    prev_name = ""
    for m in THRESH_RE.finditer(seg):
        if not free(m) or not (m.group("cmp") or m.group("sfx")):
            continue
        before = seg[:m.start()]
        upper = _condition_ceiling(seg, m)
        if not upper and (re.search(r"(不得|不|给予|奖励|补助)$", before) or (m.group("cmp") == "达" and before.endswith("到"))):
            continue
        if upper:
            before = before[:-1]
        q = parse_quantity(re.sub(r"\s", "", m.group("q")))
        cmp_, sfx = m.group("cmp") or "", m.group("sfx") or ""
        either = re.search(r"(?:达到|等于)或$", before)  # '达到或超过400万元': at least
        if either:
            before = before[:either.start()]
        if either:
            op = ">="
        elif upper:
            op = "<="
        elif cmp_ in ("超过", "首次超过", "突破", "首次突破", "高于"):
            op = ">"
        elif cmp_ in ("低于", "不足"):
            op = "<"
        elif sfx in ("以内", "以下", "及以下") and not cmp_:
            op = "<="
        else:
            op = ">="
        noun = re.sub(r"^将", "", re.split(r"[，,、；;]|且|并|对|的|为", before)[-1])
        if not noun.strip() or re.search(r"(达成|签订|提供|开展|拥有|有)$", noun):  # '为20家以上中小企业提供…': the counted thing follows
            noun = re.split(r"[，,；;、]|且|提供|进行|开展|的|面向|比例|\d", seg[m.end():].lstrip("的"))[0]
        name = threshold_name(noun, q.unit, prev_name)
        prev_name = name
        out.append((m.start(), Threshold(fact=name, op=op, value=q.value, unit=q.unit,
                                         text=("不" if upper else "") + m.group(0).strip())))
    return _alternatives(seg, out)


def _condition_ceiling(seg: str, m) -> bool:
    """'平均年化担保费率不超过（含）1.5%的小微企业…业务，按…给予补助': '不超过' before the grant and
    followed by '的' bounds what qualifies from above — a condition, not the benefit's cap."""
    if m.group("cmp") not in ("超过", "高于") or not seg[:m.start()].endswith("不"):
        return False
    if not re.match(r"\s*(?:[(（]含[)）])?\s*的", seg[m.end():]):
        return False
    return not GRANT.search(seg[:m.start()])


def _alternatives(seg: str, found: list[tuple[int, Threshold]]) -> list[tuple[int, Threshold]]:
    """'占在职职工比例达到20%的（职工超过200人的占比达到10%的）': the bracket gives, for whoever meets its
    first condition, another bar for the same figure — one threshold with an alternative, not three
    conditions that all must hold."""
    out = list(found)
    i = 0
    while i + 2 < len(out):
        (p0, th), (p1, when), (p2, alt) = out[i], out[i + 1], out[i + 2]
        opened = seg.rfind("（", 0, p1), seg.rfind("(", 0, p1)
        start = max(opened)
        close = min((x for x in (seg.find("）", p2), seg.find(")", p2)) if x >= 0), default=-1)
        if (start > p0 and close > p2 and not re.search(r"[）)]", seg[start:p1]) and alt.unit == th.unit
                and when.unit != th.unit):
            when = replace(when, fact=re.sub(r"^[（(]", "", when.fact))
            out[i] = (p0, replace(th, when=when, alt=replace(alt, fact=th.fact)))
            del out[i + 1:i + 3]
        i += 1
    return out
