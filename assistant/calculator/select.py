"""Choosing and running the rules of a clause for a user's facts.

    calculate_for(clause, facts, kb, as_of=None) -> list[Calculation]
    calculate_clause(kb, clause_id, facts, as_of=None) -> list[Calculation]

``calculate_for`` keeps the rules the facts speak to (the level the user named, the
figure the user gave), drops the ones the facts contradict (another level, another
degree), runs ``calculator.calculate`` on each with a verified citation of the
granting sentence, and applies the document's stacking principle ("就高不重复":
the highest amount is taken, and the answer says so). ``calculate_clause`` is the
CLI/API entry: facts arrive as strings ("800万元") and bad input is an InputError.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from assistant.calculator.calculate import OWED_STEP, calculate, period_amounts
from assistant.calculator.bind import fact
from assistant.calculator.formula import factor_values
from assistant.calculator.added import added_total
from assistant.calculator.chained import chained_bases
from assistant.calculator.categories import category_core, per_category_total
from assistant.calculator.counted import counted_total
from assistant.calculator.bind import TEXT_FACTS, as_quantity, bind_facts, match_level, parse_text
from index.errors import InputError
from assistant.errors import QuoteMismatchError
from index.records import EXPIRED, NOT_YET
from assistant.records import Calculation, Citation
from assistant.rules.model import SubsidyRule
from assistant.rules.catalog import extract_rules, rules_for, stacking_principle
from assistant.question.facts import YEARLY
from assistant.lexicon.numbers import cn_to_decimal, exact_money, format_money, format_quantity
from assistant.lexicon.vocab import document_words, match_tier

DEGREES = ("博士", "硕士", "本科")


@exact_money  # the sums over years too: exact, or 金额过大
def calculate_for(clause, facts: dict | None, kb, as_of=None, question: str | None = None) -> list[Calculation]:
    """A retrieved clause + the user's facts → calculations of its applicable rules.

    Most relevant first: rules that use a fact the user gave come before rules that
    need none; rules contradicted by the facts (a different 级别 or 学历) are left out.
    When the facts speak to some rules, only those are returned; ties are broken by
    how much of the rule's subject the ``question`` (if given) mentions. Empty list
    when the clause grants no amount.
    """
    facts = dict(facts or {})
    if payer := asked_payer(question or ""):
        facts.setdefault("出资方", payer)
    rules = _rules_of(kb, clause)
    facts, chained = chained_bases(rules, facts)  # a share of a share the clause itself grants
    scored, lacking = [], []
    for rule in rules:
        if rule.kind == "exempt" and not asks_exempted(rule, question or ""):
            continue  # an exemption answers only a question about that sum by those it names
        rule_facts = _person_days(rule, _tier_facts(rule, facts, question or ""), question or "")
        if rule.kind == "formula":  # the user's figures placed on the formula's own factor names
            rule_facts = {**factor_values(rule, question or ""), **rule_facts}
        if _contradicted(rule, rule_facts):
            if rule.levels and rule_facts.get("级别"):
                lacking.append((rule, rule_facts))
            continue
        binding = bind_facts(rule, rule_facts)
        scored.append((_relevance(rule, rule_facts, binding) + _names_sum(rule, question or ""), rule, binding))
    scored = _named_award(scored, question or "")
    if lacking and not any(r.levels for _s, r, _b in scored):
        # the user named a tier the clause does not list: say so, never answer with another rule
        scored = [(1, rule, bind_facts(rule, f)) for rule, f in lacking] + \
                 [s for s in scored if s[0] > 0]
    if any(score > 0 for score, _r, _b in scored):
        scored = [s for s in scored if s[0] > 0]
    if (way := _asked_bound(question or "")) and any(r.kind == "limit" for _s, r, _b in scored):
        # '最少能预付多少' asks for the floor of a sum bounded both ways, '最多' for its ceiling
        kept = [s for s in scored if s[1].kind != "limit" or s[1].at_least == (way == "min")]
        scored = kept or scored
    # stable: document order within the same relevance and subject overlap
    asked = document_words(question or "")  # '批发零售' also meets a rule for '批零贸易类企业'
    fit = {id(r): (s, _overlap(r.subject, asked)) for s, r, _b in scored}
    scored.sort(key=lambda s: (-fit[id(s[1])][0], -fit[id(s[1])][1]))
    # 就高不重复 chooses among rules the user fits equally well: a 零售 firm's revenue also meets
    # the figure of the 生产性服务业 rule, but that rule is not about it
    best_fit = fit[id(scored[0][1])] if scored else None
    equal = {r.rule_id for _s, r, _b in scored if fit[id(r)] == best_fit}
    as_of_date = _as_of(kb, as_of)
    calcs, weights = [], []
    for score, rule, binding in scored:
        calc = calculate(binding.rule or rule, binding.facts, _citation(kb, clause, rule, as_of_date))
        _conditional_amount(binding.rule or rule, binding.facts, calc)
        _year_by_year(binding.rule or rule, binding.facts, calc)
        _over_years(binding.rule or rule, question or "", calc, binding.facts)
        _per_head(rule, binding.facts, question or "", clause.text, calc)
        calc.steps[:0] = [n for n in binding.notes if n.startswith("按您提供")] + \
            ([chained[rule.rule_id]] if rule.rule_id in chained else [])
        at = next((i for i, c in enumerate(calc.checks) if not c.startswith("适用对象")), len(calc.checks))
        calc.checks[at:at] = binding.checks
        calc.checks.extend(n for n in binding.notes if not n.startswith("按您提供"))
        if score == 0 and calc.amount_yuan and rule.subject:
            # nothing the user said was checked: the amount holds only for whoever the clause names
            calc.eligible = None
            calc.summary = f"如属于“{rule.subject}”，{calc.summary}"
        _denied(rule, question or "", calc)
        _ruled_out(rule, question or "", calc)
        _validity_note(kb, rule, calc, as_of_date)
        calcs.append(calc)
        weights.append((score, binding.direct))
    calcs = _not_met_stands(calcs, weights)
    if question:  # the form and the CLI name the rule themselves; a question may name none
        _unnamed_category(rules, question, calcs)
        _unlisted_tier(rules, question, calcs)
    calcs = _apply_stacking(rules, calcs, equal)
    total = (per_category_total(rules, question or "", calcs) or added_total(rules, question or "", calcs)
             or counted_total(rules, question or "", calcs))
    return [total] + calcs if total is not None else calcs


def _not_met_stands(calcs: list[Calculation], weights: list[tuple[int, int]]) -> list[Calculation]:
    """The rule the question speaks to most is ruled out by the user's own figures ('费率2%' against
    '不超过1.5%'): that is the answer. A rule ranked lower that took none of the user's figures by
    name (a sum placed on it by its unit alone) is not offered in its place."""
    if len(calcs) < 2 or calcs[0].eligible is not False:
        return calcs
    top = weights[0][0]
    return [c for c, (score, direct) in zip(calcs, weights) if c is calcs[0] or score >= top or direct > 0]


def calculate_clause(kb, clause_id: str, facts: dict | None, as_of=None) -> list[Calculation]:
    """Clause id + facts as strings ({'投资额': '800万元', '级别': '国家级'}) → calculations.

    Unknown clause id, a clause without an amount, or a fact that is not a figure
    raises InputError with an English message and a Chinese ``zh``.
    """
    if not isinstance(clause_id, str) or not clause_id.strip():
        raise InputError("clause id is empty", zh="请提供条款编号")
    clause = kb.clauses.get(clause_id.strip())
    if clause is None:
        raise InputError(f"unknown clause id {clause_id!r} (see `policy-assistant rules` for clauses with amounts)",
                         zh=f"未找到条款“{clause_id}”，请先查看可计算的条款列表")
    if not _rules_of(kb, clause):
        raise InputError(f"clause {clause_id} grants no amount that can be calculated",
                         zh=f"条款“{clause_id}”没有可计算的金额")
    return calculate_for(clause, parse_facts(facts or {}), kb, as_of)


def parse_facts(facts: dict) -> dict:
    """{'投资额': '800万元', '级别': '国家级'} → checked values; InputError names the bad one."""
    if not isinstance(facts, dict):
        raise InputError("facts must be a mapping of name to value", zh="事实数据格式有误")
    out = {}
    for key, value in facts.items():
        key = str(key).strip()
        if not key:
            raise InputError("a fact has an empty name", zh="有一项事实缺少名称")
        if value is None or str(value).strip() == "":
            raise InputError(f"fact {key} has no value", zh=f"“{key}”没有填写数值")
        if key in TEXT_FACTS:
            out[key] = str(value).strip()
            continue
        if isinstance(value, str):
            as_quantity(key, value.strip(), "")  # raises InputError on anything but a figure
            out[key] = value.strip()
        elif isinstance(value, (int, Decimal)):
            out[key] = Decimal(value)
        else:
            raise InputError(f"fact {key}={value!r} must be text such as 800万元",
                             zh=f"“{key}”的值格式有误，请写成如 800万元 的形式")
    return out


# --- helpers ------------------------------------------------------------------------------

def _rules_of(kb, clause) -> list[SubsidyRule]:
    try:
        by_clause = rules_for(kb)
    except AttributeError:  # a bare object without .clauses: read the clause directly
        by_clause = {}
    if clause.clause_id in by_clause:
        return by_clause[clause.clause_id]
    doc = getattr(kb, "documents", {}).get(clause.doc_id) if kb is not None else None
    return extract_rules(clause, stacking_principle(doc.text) if doc else "")


_ASK_MIN = re.compile(r"最少|至少|最低|起码|不低于|下限")
_ASK_MAX = re.compile(r"最多|至多|最高|顶多|不超过|上限|封顶")


def _asked_bound(question: str) -> str:
    """'最少能拿多少' → 'min', '最多收多少' → 'max', '' when the question asks neither (or both)."""
    lo, hi = bool(_ASK_MIN.search(question)), bool(_ASK_MAX.search(question))
    return "min" if lo and not hi else "max" if hi and not lo else ""


def _tier_facts(rule: SubsidyRule, facts: dict, question: str) -> dict:
    """The facts as they bear on one rule: a tier the question names in the rule's own words
    ('评上4星了' for 五星级、四星级) is its 级别; a tier of the same series the rule lacks ('三星级')
    too, so that the rule says it grants nothing for it."""
    if not rule.levels or not question:
        return facts
    names = [lv.name for lv in rule.levels]
    level = facts.get("级别")
    if level and match_level(names, str(level)) is not None:
        return facts
    named, lacking = match_tier(names, question)
    if named or lacking:
        return {**facts, "级别": named or lacking}
    return facts


_DAYS = re.compile(r"(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?:个)?(?:工作)?天")


def _person_days(rule: SubsidyRule, facts: dict, question: str) -> dict:
    """'50元/天/人' counts person-days: the people and the days the question gives, multiplied
    (the step says so); asked for as one figure otherwise."""
    if rule.per_unit != "人天" or rule.count_fact in facts:
        return facts
    people = next((v for k, v in facts.items() if k.endswith("人数") or k.endswith("人员数")), None)
    days = _DAYS.search(question)
    if not isinstance(people, Decimal) or days is None:
        return facts
    n = Decimal(days.group("n")) if days.group("n").isdigit() else cn_to_decimal(days.group("n"))
    return {**facts, rule.count_fact: people * n}


def _contradicted(rule: SubsidyRule, facts: dict) -> bool:
    level = facts.get("级别")
    if level and rule.levels and match_level([lv.name for lv in rule.levels], str(level)) is None:
        return True
    degree = str(facts.get("学历") or "")
    mentioned = [d for d in DEGREES if d in rule.subject]
    if degree and mentioned and not any(d in degree for d in mentioned):
        return True
    return False


# '按3%那档能补多少': the rate the user quotes names the rule asked about
_QUOTED_RATE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*[%％‰]\s*(?:的)?(?:那[个项笔])?(?:补助|补贴|奖励|资助|奖补|贴息|比例)")


def _quoted_rate(rule: SubsidyRule, question: str) -> int:
    rates = {rule.rate} | {lv.rate for lv in rule.levels} | {t.rate for t in rule.tiers}
    rates.discard(None)
    for m in _QUOTED_RATE.finditer(question):
        per = Decimal(1000) if question[m.end("num"):m.end("num") + 2].strip().startswith("‰") else Decimal(100)
        if Decimal(m.group("num")) / per in rates:
            return 2
    return 0


def _names_sum(rule: SubsidyRule, question: str) -> int:
    """A rule that fixes a named sum ('预付款', '预留') or a price deduction, asked by that name: it,
    rather than another rule of the clause that would take the same figure; a rule whose rate the
    question quotes."""
    if quoted := _quoted_rate(rule, question):
        return quoted
    if rule.kind == "share" and rule.benefit and rule.benefit in question:
        return 3
    if rule.kind == "deduction" and re.search(r"扣除|评审", question):
        return 3
    return 0


# '两年的扩产奖励合计多少': the award asked for, named by the figure it rewards
_AWARD_NAMED = re.compile(r"(?P<what>[\u4e00-\u9fff]{2})(?:奖励|补助|补贴|奖补|资助|奖金)")
_NOT_A_NAME = re.compile(r"[的了个些这那么多少能可是有都该此项笔份]")


def _named_award(scored: list, question: str) -> list:
    """The question names its award by what it rewards ('增速奖励', '租金补贴'): among the rules the
    facts speak to, the ones whose own figures or subject carry that word come first (one point,
    a tie-break), when some but not all of them do."""
    words = {m.group("what") for m in _AWARD_NAMED.finditer(question) if not _NOT_A_NAME.search(m.group("what"))}
    if not words or len(scored) < 2:
        return scored

    def named(rule: SubsidyRule) -> bool:
        own = " ".join([rule.subject, rule.tier_fact, rule.base, rule.benefit]
                       + [th.fact for th in rule.thresholds])
        return any(w in own for w in words)

    hits = [named(r) for s, r, _b in scored if s > 0]
    if not any(hits) or all(hits):
        return scored
    return [(s + 1, r, b) if s > 0 and named(r) else (s, r, b) for s, r, b in scored]


_IF_CHARGED = re.compile(r"(?:如果|若|要是|假如|万一|假设)[^，,。？?]{0,12}(?:收|交|缴)")
_ASKS_SHARE = re.compile(r"百分之几|几成|几折|多少比例|比例是多少|百分比")
_GENERIC_GRAMS = {"企业", "单位", "机构", "项目", "符合", "条件", "相关", "对于"}


def asks_exempted(rule: SubsidyRule, question: str) -> bool:
    """The question asks about the sum an exemption names ('保证金') and, when the exemption is for
    some only ('中小微企业'), names them in the rule's own words."""
    what = rule.benefit
    if not what or not rule.subject or not (what in question or (len(what) >= 5 and what[-3:] in question)):
        return False
    if _IF_CHARGED.search(question) or _ASKS_SHARE.search(question):
        return False  # '如果必须收，最多收多少' asks about the case it is charged; '减免百分之几' a rate
    grams = {rule.subject[i:i + 2] for i in range(len(rule.subject) - 1)} - _GENERIC_GRAMS
    grams -= {what[i:i + 2] for i in range(len(what) - 1)}  # '投标人' and '投标保证金' share no telling word
    return any(g in question for g in grams if not set(g) & set("的、和及或等“”\"《》"))


def _relevance(rule: SubsidyRule, facts: dict, binding) -> int:
    """A figure met by name counts twice one placed by unit type alone."""
    score = 2 * binding.direct + binding.bound
    if rule.kind == "exempt":
        score += 4  # kept only when the question names the exempted and the sum: it is the answer
    if rule.levels and facts.get("级别"):
        score += 2
    if rule.kind == "upgrade" and facts.get("原级别"):
        score += 3  # the user told of a step up from a grade already held: the upgrade award
    degree = str(facts.get("学历") or "")
    if degree and any(d in rule.subject for d in DEGREES if d in degree):
        score += 2
    return score


def _conditional_amount(rule: SubsidyRule, facts: dict, calc: Calculation) -> None:
    """Only eligibility conditions are unknown ('服务20家以上中小企业' was not mentioned) but every
    figure the amount depends on is given: state the amount on that condition, still asking for it."""
    if calc.amount_yuan is not None or calc.eligible is False or not calc.missing_facts:
        return
    open_ = [th for th in rule.thresholds if th.fact in calc.missing_facts]
    if {th.fact for th in open_} != set(calc.missing_facts):
        return
    ifmet = calculate(replace(rule, thresholds=tuple(th for th in rule.thresholds if th not in open_)), facts)
    if ifmet.amount_yuan is None or ifmet.eligible is False or ifmet.missing_facts:
        return
    conditions = "、".join(th.describe() for th in open_)
    calc.amount_yuan = ifmet.amount_yuan
    calc.steps = [f"以下按满足“{conditions}”计算"] + ifmet.steps
    calc.eligible = None
    calc.summary = f"如满足“{conditions}”，{ifmet.summary}"


# '区里这部分给多少' / '省里那部分能拿多少': one payer's share of a band two payers share
_SHARE_ASK = re.compile(r"(?P<p>国家|中央|省|市|区|县)(?:上|里|级|区|财政)?"
                        r"(?:这一块|这块|那一块|那块|这部分|那部分|的部分|部分|出的|给的|补的|出多少|给多少|补多少)")
_EXCEPT = re.compile(r"除了?|除去|不算|刨去|扣除")
_BEFORE_OK = set("那其只光单就问算这中的了去除，,。？?！!、 ")
# '那区里自己给多少？' / '本级能补多少': the issuing government's own share (本级)
_OWN_ASK = re.compile(r"(?:这边|本级|本地|当地)(?:这一块|这块|这部分|部分)?(?:能|可以)?(?:给|出|补|奖|拿)多少")


def asked_payer(question: str) -> str:
    """The payer level a question asks about ('市区这一块' → '市'); '' when none. A payer word that
    ends a place name ('泉州市补多少') is the place, not a share."""
    for m in _SHARE_ASK.finditer(question):
        before = question[m.start() - 1] if m.start() else ""
        if not before or before in _BEFORE_OK or not ("\u4e00" <= before <= "\u9fff"):
            # '省级那份之外，区里还给多少': the share asked is the one not named
            return ("非" if _EXCEPT.search(question[max(0, m.start() - 3):m.start()]) else "") + m.group("p")
    return "本级" if _OWN_ASK.search(question) else ""


def _year_by_year(rule: SubsidyRule, facts: dict, calc: Calculation) -> None:
    """'连续奖励三年' and one figure a year ('增速分别是12%、17%、21%'): each year judged on its own,
    the years that qualify added up (at most the years the document allows)."""
    th = next((t for t in rule.thresholds if isinstance(facts.get(t.fact + YEARLY), str)), None)
    if not rule.max_repeats or th is None or calc.eligible is False and not calc.missing_facts:
        return
    try:
        values = [parse_text(v) for v in facts[th.fact + YEARLY].split("、")]
    except ValueError:
        return
    once = replace(rule, max_repeats=None)
    steps, total, met = [], Decimal(0), 0
    for year, q in enumerate(values[:rule.max_repeats], 1):
        c = calculate(once, {**facts, th.fact: q.value})
        ok = bool(c.eligible) and c.amount_yuan is not None
        if c.amount_yuan is None and c.eligible is not False:
            return  # another figure is missing: leave the single-year calculation as it is
        total += c.amount_yuan if ok else 0
        met += ok
        steps.append(f"第{year}年：{th.fact}{format_quantity(q)}，{'✓ 符合' if ok else '✗ 不符合'}“{th.describe()}”，"
                     f"{format_money(c.amount_yuan if ok else Decimal(0))}")
    if len(values) > rule.max_repeats:
        steps.append(f"文件规定最多连续{rule.max_repeats}年，只计前{rule.max_repeats}年")
    if met < min(len(values), rule.max_repeats):
        steps.append("文件写的是“连续”奖励：中间某年未达标是否中断后续奖励，请向主管部门确认")
    steps.append(f"合计：{met}年，共{format_money(total)}")
    calc.steps = steps
    calc.amount_yuan = total
    calc.eligible = total > 0
    calc.missing_facts = [m for m in calc.missing_facts if m != th.fact]
    calc.checks = [c for c in calc.checks if c.startswith("适用对象") or th.fact not in c]
    calc.summary = f"{met}年合计可获{rule.benefit or '奖励'}{format_money(total)}"


# '还没评上示范物流园区' / '不是高新技术企业': the user says they lack what the rule requires
_DENIAL = re.compile(r"(?:没有?被?|未被?|不是|并非|不属于|还不是|尚未被?)(?:认定为?|评为|评定为|列为|纳入|获得|取得|通过)?"
                     r"(?P<x>[\u4e00-\u9fff]{3,20})")


def _common_run(a: str, b: str) -> int:
    """Length of the longest run of characters ``a`` and ``b`` share."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _negated_alike(said: str, subject: str) -> bool:
    """The subject itself is negative where the user's words are ('未预留份额…的采购项目' and
    '没有预留给…'): the user meets it, not denies it."""
    for i in range(len(said) - 1):
        at = subject.find(said[i:i + 2])
        if at > 0 and re.search(r"(?:未|没有|没|不|非|无)$", subject[:at]):
            return True
    return False


def _denied(rule: SubsidyRule, question: str, calc: Calculation) -> None:
    """The question denies the rule's qualification ('没被认定为X' for a rule '对认定为X…的'): nothing
    is due, and the answer says which requirement is not met."""
    if not rule.subject or calc.amount_yuan is None:
        return
    for m in _DENIAL.finditer(question):
        said = m.group("x")
        if _common_run(said, rule.subject) >= 4 and not _negated_alike(said, rule.subject):
            calc.eligible = False
            calc.amount_yuan = Decimal(0)
            calc.checks.append(f"✗ 您说明“{m.group(0)}”，而该项支持的对象是“{rule.subject}”")
            calc.summary = f"不符合条件，可获金额为0：该项支持限于“{rule.subject}”"
            return


# '我们已经拿了市级的同类补助' / '之前享受过…': an award the user already has
# '已经拿了X' / '之前享受过X'; and a post or status held ('她占的是X', '属于X'), which the clause's
# '已享受X的，不再享受' rules out as well
_HAS_ALREADY = re.compile(r"(?:(?:已经|已|之前|此前|去年)(?:拿|领|获|享受|得|申请|评|入选)[了过到得]*"
                          r"|(?:占|占用|属于|安排在|在)(?:的是|了|着)?|享受着|正在享受)(?P<y>[^，,。？?！!]{2,24})")


def _ruled_out(rule: SubsidyRule, question: str, calc: Calculation) -> None:
    """The clause says an award the user already has rules this one out ('已享受X的，不再享受'):
    nothing is due, and the answer says why — never another rule's amount."""
    if not rule.ruled_out_by:
        return
    grams = {rule.ruled_out_by[i:i + 2] for i in range(len(rule.ruled_out_by) - 1)} - _GENERIC_GRAMS
    for m in _HAS_ALREADY.finditer(question):
        said = m.group("y")
        if sum(g in said for g in grams if not set(g) & set("的、和及或等")) >= 2:
            calc.eligible = False
            calc.amount_yuan = Decimal(0)
            calc.checks.append(f"✗ 您说明“{m.group(0)}”，而原文规定已享受“{rule.ruled_out_by}”的不再享受")
            calc.summary = f"不符合条件，可获金额为0：已享受“{rule.ruled_out_by}”的不再享受"
            return


_TOTAL_ASK = re.compile(r"一共|总共|合计|加起来|累计|总计|共能|共可|(?:\d{1,2}|[一二两三四五六七八九十])\s*(?:个)?年(?:里|内|中|下来|之内)")
_YEARS_ASK = re.compile(r"(?P<n>\d{1,2}|[一二两三四五六七八九十])\s*(?:个)?年")


def _over_years(rule: SubsidyRule, question: str, calc: Calculation, facts: dict | None = None) -> None:
    """'三年一共奖多少' for an award paid each year ('每年…，连续奖励3年'): the yearly amount times
    the years asked, at most the years the document allows."""
    if not rule.max_repeats or calc.amount_yuan is None or not calc.eligible or not _TOTAL_ASK.search(question):
        return
    if calc.steps and calc.steps[-1].startswith("合计："):
        return  # already added up year by year
    if any(x.startswith(OWED_STEP) for x in calc.steps):
        return  # the tax the user owes is one year's: other years are capped by their own tax
    m = _YEARS_ASK.search(question)
    years = (int(m.group("n")) if m.group("n").isdigit() else int(cn_to_decimal(m.group("n")))) if m else rule.max_repeats
    years = min(years, rule.max_repeats)
    base = fact(facts or {}, rule.base, rule.currency) if rule.periods and rule.base else None
    if base is not None:  # a rate that changes over the years: each year's own amount
        amounts = period_amounts(rule, base.value)
        total = sum(amounts[:years], Decimal(0))
        if years < len(amounts):
            calc.steps.append(f"前{years}年合计：{format_money(total)}")
        calc.amount_yuan = total
        calc.summary = f"{years}年合计可获{rule.benefit or '补助'}{format_money(total)}"
        return
    total = calc.amount_yuan * years
    calc.steps.append(f"{format_money(calc.amount_yuan)} × {years}年 = {format_money(total)}"
                      + (f"（文件规定最多连续{rule.max_repeats}年）" if years == rule.max_repeats else ""))
    calc.amount_yuan = total
    calc.summary = f"{years}年合计可获{rule.benefit or '奖励'}{format_money(total)}"


# a clause whose benefit goes to a person ('参保职工取得…证书的…申请补贴'): its amount is per head
_FOR_PERSONS = re.compile(r"职工|劳动者|人员|每人|个人")


def _per_head(rule: SubsidyRule, facts: dict, question: str, clause_text: str, calc: Calculation) -> None:
    """'两个工人…一共能领多少' of a per-person amount (a level's 补贴 for a certificate a worker holds):
    the amount times the people named. Only for a fixed amount with no condition of its own, in a
    clause whose benefit goes to persons, asked as a total."""
    people = facts.get("人数")
    if (rule.kind != "fixed" or rule.thresholds or not calc.amount_yuan or calc.eligible is False
            or not isinstance(people, Decimal) or people <= 1 or not _TOTAL_ASK.search(question)
            or not _FOR_PERSONS.search(clause_text) or re.search(r"每(?:家|户|个企业|单位)", rule.text)):
        return
    total = calc.amount_yuan * people
    calc.steps.append(f"每人{format_money(calc.amount_yuan)} × {plain_count(people)}人 = {format_money(total)}")
    calc.amount_yuan = total
    calc.summary = f"{plain_count(people)}人合计可获{rule.benefit or '补贴'}{format_money(total)}"


def _unnamed_category(rules: list[SubsidyRule], question: str, calcs: list[Calculation]) -> None:
    """'按照焊工每人1000元、高级焊工每人2000元' asked about a category the list lacks ('中级工') or
    none at all: no category's amount is given as the answer — the standards are listed and the
    category asked for, never another category's sum."""
    heads = [r for r in rules if r.kind == "per_unit" and r.amount is not None and category_core(r.subject)]
    groups: dict[int, list[SubsidyRule]] = {}
    for r in heads:
        groups.setdefault(r.start, []).append(r)
    for same in groups.values():
        cores = [category_core(r.subject) for r in same]
        if len(same) < 2 or len(set(cores)) < len(cores) or any(c in question for c in cores):
            continue
        listing = "；".join(f"{c}每{r.per_unit}{format_money(r.amount)}" for c, r in zip(cores, same))
        ids = {r.rule_id for r in same}
        for c in calcs:
            if c.rule_id in ids and c.eligible is not False:
                c.amount_yuan, c.eligible = None, None
                c.missing_facts = list(dict.fromkeys(c.missing_facts + ["级别"]))
                c.steps = [f"按级别分别规定：{listing}"]
                c.summary = f"本条款按级别分别规定（{listing}），请说明属于哪一级别；未列出的级别不适用本条标准"


def _unlisted_tier(rules: list[SubsidyRule], question: str, calcs: list[Calculation]) -> None:
    """'金奖给予5万元，铜奖给予2万元' (each tier its own rule) asked about 银奖: the clause grants
    nothing for a tier it does not list — said so, never another tier's sum."""
    plain = [r for r in rules if not r.levels and r.subject and r.amount is not None and r.kind in ("fixed", "per_unit")]
    if len(plain) < 2:
        return
    named, lacking = match_tier([r.subject for r in plain], question)
    if named or not lacking:
        return
    listed = "、".join(r.subject for r in plain)
    ids = {r.rule_id for r in plain}
    for c in calcs:
        if c.rule_id in ids and c.eligible is not False:
            c.amount_yuan, c.eligible, c.missing_facts = Decimal(0), False, []
            c.checks.append(f"✗ 原文只对“{listed}”分别规定了标准，未列“{lacking}”")
            c.steps = ["本条款未列您所说的级别，不能按其他级别的标准计算"]
            c.summary = f"不符合条件，可获金额为0：本条款只规定“{listed}”，未列“{lacking}”"


def plain_count(n: Decimal) -> str:
    return format(n.normalize(), "f")


def _overlap(subject: str, question: str) -> int:
    """How many two-character pieces of the rule's subject the question contains."""
    if not subject or not question:
        return 0
    grams = {subject[i:i + 2] for i in range(len(subject) - 1)}
    return sum(1 for g in grams if g in question and not g[0] in "的、和及或等")


def _as_of(kb, as_of):
    from index.config import parse_as_of

    if as_of is not None:
        return parse_as_of(as_of)
    settings = getattr(kb, "settings", None)
    return settings.as_of if settings is not None else parse_as_of(None)


def _citation(kb, clause, rule: SubsidyRule, as_of) -> Citation | None:
    if kb is None or not hasattr(kb, "documents"):
        return None
    try:
        from assistant.answer.citations import make_citation
    except ImportError:  # pragma: no cover - citations ship with the answer module
        return None
    try:
        # a rule read across a split clause's parts (rules/catalog.whole_sentences) is quoted within this part
        return make_citation(kb, clause, max(rule.start, clause.start), min(rule.end, clause.end), as_of)
    except QuoteMismatchError:
        return None  # never shown unverified; the calculation stands without a quote


def _validity_note(kb, rule: SubsidyRule, calc: Calculation, as_of) -> None:
    doc = getattr(kb, "documents", {}).get(rule.doc_id) if kb is not None else None
    if doc is None:
        return
    state = doc.validity(as_of)
    if state == EXPIRED:
        calc.checks.append(f"⚠ 该文件有效期至{doc.valid_until}，按{as_of.isoformat()}判断已失效，以上金额仅供参考")
    elif state == NOT_YET:
        calc.checks.append(f"⚠ 该文件自{doc.valid_from}起施行，按{as_of.isoformat()}判断尚未施行")


def _apply_stacking(rules: list[SubsidyRule], calcs: list[Calculation], among: set[str]) -> list[Calculation]:
    principle = next((r.stacking for r in rules if r.stacking), "")
    cash = {r.rule_id for r in rules if r.kind not in ("tax_deduction", "tax_rate", "loan")} & among
    paid = [c for c in calcs if c.amount_yuan and c.eligible and c.rule_id in cash]
    if not principle or len(paid) < 2:
        return calcs
    best = max(paid, key=lambda c: c.amount_yuan)
    for c in paid:
        if c is best:
            c.checks.append(f"文件规定同一事项满足多个奖补政策的按“{principle}”原则实施：以上各项如属同一事项，"
                            f"只取最高一项{format_money(c.amount_yuan)}")
        else:
            c.checks.append(f"如与最高一项（{format_money(best.amount_yuan)}）属同一事项，按“{principle}”原则不重复享受")
    return [best] + [c for c in calcs if c is not best]
