"""Does the chosen clause answer what was asked?  (question, key sentence) → gap or None.

    tier_gap(question, text) -> (asked, offered) | None   a level / A-grade / prize the text does not list
    answer_type_gap(question, text) -> str | None          an amount / ratio / duration the text does not state
    national_subject(question) -> bool                     the question is about a national rule
    idf(kb, term) -> float                                 rarity of a word among the clauses
    rare_phrase(question, text, kb) -> str                 a rare 3+-character run both share

A hotline operator who finds "国家级、省级、市级" in the rule does not read out the 市级
figure when asked about 县级, and does not invent an amount where the rule says
"给予一定资金奖励": such questions get a plain "the document does not say" with the
clause quoted. Classes and patterns are about the question's *form*, not its topic.
"""
from __future__ import annotations

import bisect
import math
import re

from assistant.lexicon.data import rows
from assistant.lexicon.vocab import ADMIN_LEVEL, GRADE, NOT_A_TIER, expand_prize_ranks, grade_letters

# "市级财政给予…" names who pays, not a tier of the benefit
_LEVEL = re.compile(rf"(?:{ADMIN_LEVEL}){NOT_A_TIER}")
_GRADE = re.compile(rf"(?<![A-Za-z])(?:{GRADE})(?![A-Za-z])")
_PRIZE = re.compile(r"[一二三]等奖|优秀奖|金奖|银奖|铜奖|重大发明专利奖")
_CLASSES = {"级别": _LEVEL, "等级": _GRADE, "奖项": _PRIZE}

_ASKS = {
    # '给多少亩' / '能拿多少天' ask for a quantity of something else, not money
    "具体金额": (re.compile(r"(?:多少钱|奖励?多少|补[助贴]?多少|奖多少|给多少|金额|多少万|资助多少|能拿多少|能贷多少|贷多少|补偿多少)"
                        r"(?!\s*(?:亩|平方米|平米|天|个|人|年|月|小时|家|台|套|吨|千瓦|度))"),
             re.compile(r"\d[\d.]*\s*(?:万元|亿元|元|万美元)|[一二三四五六七八九十百千]+万元|"
                        r"\d[\d.]*\s*[%‰][^，。；,;]{0,8}?(?:补贴|补助|奖励|资助|补偿|贴息|激励|奖补)|"
                        # '不超过合同金额的2.5%', '合同总价（扣除暂列金额）的10%', '余额增量的2%': a sum
                        # bounded as a share of another is worked out from it
                        r"(?:额|价|款|费|金|量|入|值)(?:[（(][^（()）]{0,20}[)）])?的\s*\d[\d.]*\s*[%％‰]")),
    "具体比例": (re.compile(r"比例|百分之几|几成|税率|费率"), re.compile(r"\d[\d.]*\s*[%‰]|[一二三四五六七八九十]成|倍")),
    # '前几年评上的' / '后面几年' say when, they do not ask how long
    "期限": (re.compile(r"(?<![前后这近头那面去来])几年(?!前)|多少年|多久|期限|多长时间|几个月|几天|多少天|多少个?工作日|几个工作日|哪年|何时|什么时候"),
           # '3 个工作日'、'1.5 小时'、'当日办结'、'即时办理': the time a service takes, as documents write it
           re.compile(r"(?<![\d.])\d{1,3}(?:\.\d+)?\s*(?:个)?\s*(?:工作日|自然日|年|个月|月|日|天|小时|分钟|周)|"
                      r"[一二三四五六七八九十两半]+\s*(?:个)?\s*(?:工作日|年|个月|天|小时|周)|年限|期限|时限|至\d{4}|日起|"
                      r"每[年月季周日天]|一[年月季周]一|[年月季]度|定期|当[日天]|即时|即办|立即|随到随办|实时")),
}
_VALIDITY = re.compile(r"有效|失效|过期|截止|到期|施行|实施.*(?:时候|日期|哪天)|什么时候.*(?:结束|开始)|"
                       # everyday words for 'still in force' ("那份措施现在还管用吗")
                       r"还(?:管用|算数|作数|生效|适用吗|作准)|"
                       # "现在还能申请吗" / "这份文件眼下还作数吗": whether it still applies now
                       r"(?:现在|今年|目前|如今)还(?:能|可以)(?:申请|照着?|按着?|依照?|享受|用)|"
                       # "这个文件现在还能用来申请吗": whether the document itself still applies
                       r"还(?:能|可以)(?:再)?(?:按|依|照)(?:照|据)?(?:这个|这份|该|原来的?)?(?:文件|政策|规定|意见|方案)")
_NATIONAL = re.compile(r"^(?:申请|办理|请问|想问|咨询|问一下)?(?:国家|全国|中央)(?!级|标准|等级|[A“\"])|工信部|工业和信息化部|国务院|财政部|科技部|商务部|"
                       r"税务总局|国家发改委|国家发展改革委|人社部")


def _tiers(pattern, text: str) -> list[str]:
    """Tier words of one class in order of appearance, normalised (5A → AAAAA)."""
    found = [m.group() for m in pattern.finditer(expand_prize_ranks(text) if pattern is _PRIZE else text)]
    if pattern is _GRADE:
        found = [grade_letters(g) for g in found]
    return list(dict.fromkeys(found))


def tier_gap(question: str, text: str) -> tuple[str, str] | None:
    """(asked, offered) when the question names a tier of a class the text enumerates
    but not that one — 县级 against "国家级、省级、市级", 2A against AAAAA/AAAA/AAA."""
    for pattern in _CLASSES.values():
        asked = _tiers(pattern, question)
        offered = _tiers(pattern, text)
        # a list may drop the 级 of one item ('国家、省级和市级'): that item is offered too
        asked = [a for a in asked if not _listed(a.rstrip("级"), text)] if len(asked) else asked
        if asked and offered and not set(asked) & set(offered):
            return "、".join(asked), "、".join(offered)
    return None


def _listed(core: str, text: str) -> bool:
    """'国家' written as one item of a list ('国家、省级…', '…和国家') in the text."""
    if len(core) < 2 or re.search(r"[A-Za-z0-9]", core):  # grades are compared as letters, whole
        return False
    return bool(re.search(rf"{re.escape(core)}(?=[、，,和及与])|(?<=[、和及与]){re.escape(core)}", text))


def asks_validity(question: str) -> bool:
    """"还有效吗", "有效到什么时候", "什么时候截止": answered from the document's dates."""
    return bool(_VALIDITY.search(question))


# a time a service takes ('3个工作日内办结', '1.5小时', '当日'), not a date or a deadline year
_DURATION = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d+)?\s*(?:个)?\s*(?:工作日|自然日|个月|天|小时|分钟|周)|"
                       r"[一二三四五六七八九十两半]+\s*(?:个)?\s*(?:工作日|个月|天|小时|周)|当[日天]|即时|即办|随到随办")


CONTRASTS = tuple(tuple(e.columns[0].split()) for e in rows("contrasts"))  # data/contrasts.tsv


def contrast_gap(question: str, text: str) -> tuple[str, str] | None:
    """(asked, offered) when the question names one alternative of a kind ('燃油') and the text
    only another ('新能源'): the clause is about something else, however close it reads."""
    for members in CONTRASTS:
        asked = [w for w in members if w in question]
        offered = [w for w in members if w in text]
        if asked and offered and not set(asked) & set(offered):
            return "、".join(asked), "、".join(offered)
    return None


def states_duration(text: str) -> bool:
    """The text says how long something takes (not merely a date or a year)."""
    return bool(_DURATION.search(text))


def answer_type_gap(question: str, text: str) -> str | None:
    """The kind of answer asked for ("具体金额", "具体比例", "期限") when the text states none."""
    for name, (asks, states) in _ASKS.items():
        if name == "期限" and asks_validity(question):
            continue  # the validity line answers it from the document's dates
        if asks.search(question) and not states.search(text):
            return name
    return None


def national_subject(question: str) -> bool:
    """"国家对…", "工信部…的认定标准": a national rule, which no local document sets."""
    return bool(_NATIONAL.search(question.strip()))


_DF: dict[object, tuple[int, dict[str, int], "_Joined"]] = {}
_SEP = "\x00"  # never in a question (chat strips control characters) nor in a term


class _Joined:
    """Every clause's index text in one string, separated by _SEP, with each clause's start:
    a term is found by str.find over the whole corpus (C speed) instead of one ``in`` per clause."""

    def __init__(self, kb):
        texts = [c.embed_text for c in kb.clauses.values()]
        self.texts = texts
        self.text = _SEP.join(texts)
        self.starts, pos = [], 0
        for t in texts:
            self.starts.append(pos)
            pos += len(t) + 1
        self._by_char = None
        self._calls = 0

    def count(self, term: str) -> int:
        """Number of clauses whose text contains ``term`` (each clause counted once)."""
        if not term or _SEP in term:
            return 0 if term else len(self.starts)
        self._calls += 1
        if self._by_char is None and self._calls > 16:
            by_char = {}
            for i, t in enumerate(self.texts):
                for ch in set(t):
                    by_char.setdefault(ch, []).append(i)
            self._by_char = by_char
        if self._by_char is not None:
            rows = min((self._by_char.get(ch, ()) for ch in set(term)), key=len)
            texts = self.texts
            return sum(1 for i in rows if term in texts[i])
        n, i, text, starts = 0, 0, self.text, self.starts
        while True:
            i = text.find(term, i)
            if i < 0:
                return n
            n += 1
            k = bisect.bisect_right(starts, i)  # the clause after the one holding this hit
            if k >= len(starts):
                return n
            i = starts[k]


def _df_table(kb) -> tuple[int, dict[str, int], "_Joined | None"]:
    """(clause count, term → clause count, joined texts) of kb's build, cached per ``kb.version``
    (a re-ingest changes it); a kb without a version is not cached (ids are reused)."""
    version = getattr(kb, "version", "")
    if not version:
        return len(kb.clauses), {}, None
    if version not in _DF:
        if len(_DF) >= 4:
            _DF.clear()
        _DF[version] = (len(kb.clauses), {}, _Joined(kb))
    return _DF[version]


def clause_count(kb, term: str) -> int:
    """In how many clauses' index text ``term`` occurs (cached per build)."""
    _, cache, joined = _df_table(kb)
    if term not in cache:
        if joined is None:
            cache[term] = sum(1 for c in kb.clauses.values() if term in c.embed_text)
        else:
            cache[term] = joined.count(term)
    return cache[term]


def rare_phrase(question: str, text: str, kb, max_clauses: int = 3, shortest: int = 3) -> str:
    """A run of 3+ characters of the question that occurs in ``text`` and in at most
    ``max_clauses`` clauses — a name the user cites ("市长杯", "泉州购"), not a common word."""
    q = re.sub(r"[\s\d，。？！、；：“”\"'（）()《》,.?!;:]", "|", question)
    for n in range(5, shortest - 1, -1):
        for piece in q.split("|"):
            for i in range(len(piece) - n + 1):
                gram = piece[i:i + n]
                if gram in text and clause_count(kb, gram) <= max_clauses:
                    return gram
    return ""


def idf(kb, term: str) -> float:
    """log((N+1)/(df+1)) over the clauses' index text; unknown words score like rare ones
    but a word in no clause cannot show a match anyway."""
    df = clause_count(kb, term)
    return math.log((_df_table(kb)[0] + 1) / (df + 1))


# A benefit or share named by what it is for: "安家补贴", "研发人员占比"
_QUALIFIED = re.compile(r"(补贴|补助|奖励|资助|奖金|补偿|贴息|占比|比例|比重)")


# 'still / again / also + give / get' before a benefit word qualify the asking, not the purpose
_AUXILIARY = {"还给", "再给", "又给", "也给", "另给", "多给", "还有", "还能", "能给", "会给", "可给", "再拿", "还拿",
              "能拿", "还发", "再发", "照给", "另外"}


def unknown_qualifier(question: str, corpus_text: str, generic: set[str]) -> str:
    """The word that names a benefit's purpose ("安家" in 安家补贴) when the corpus never
    uses it, not even abbreviated (技改 ⊂ 技术改造 counts as used): the documents grant
    nothing of that kind, so a clause about another benefit is no answer."""
    import jieba.posseg

    ends, pos = {}, 0
    for w in jieba.posseg.cut(question):
        pos += len(w.word)
        ends[pos] = (w.word, w.flag)
    for m in _QUALIFIED.finditer(question):
        word, flag = ends.get(m.start(), ("", ""))
        # a noun or verb names a purpose; "额外 / 其他 / 更多" only qualify the amount
        if (len(word) < 2 or word in generic or word in _AUXILIARY or flag[:1] not in ("n", "v", "j", "l")
                or not re.fullmatch(r"[\u4e00-\u9fff]+", word)):
            continue
        if not re.search(".?".join(map(re.escape, word)), corpus_text):
            return word
    return ""


def absent_name(question: str, kb, region_text: str, skip: list[str], max_clauses: int = 3) -> str:
    """A rare name of the question (a run of 3+ characters found in at most ``max_clauses``
    clauses: "专精特新") that the corpus holds only in documents of *other* regions than the
    ones asked about, none of whose two-character pieces the named place's documents use:
    they do not speak of it."""
    import jieba

    q = question
    for s in skip:
        q = q.replace(s, "|" * len(s))
    q = re.sub(r"[\s\d，。？！、；：“”\"'（）()《》,.?!;:]", "|", q)
    # whole words of two or more characters only: "被评为" / "占比要" hold a function word
    short = set()
    bounds = {0}
    for word, start, end in jieba.tokenize(question):
        bounds.add(end)
        if len(word) < 2:
            short.update(range(start, end))
    for n in (5, 4, 3):
        for i in sorted(bounds):
            gram = q[i:i + n]
            if len(gram) < n or "|" in gram or (i + n) not in bounds or short & set(range(i, i + n)):
                continue
            # not even one two-character piece in the place's documents: a name foreign
            # to them, not a phrasing of theirs ("年营业收入" vs 年主营业务收入)
            if (1 <= clause_count(kb, gram) <= max_clauses
                    and not any(gram[j:j + 2] in region_text for j in range(n - 1))):
                return gram
    return ""


def compounds(question: str, terms: list[str]) -> list[str]:
    """Runs of adjacent content words of 4+ characters, whole ("工业设计中心" from
    工业/设计/中心)."""
    out, i = [], 0
    while i < len(terms):
        run, j = terms[i], i + 1
        while j < len(terms) and run + terms[j] in question:
            run, j = run + terms[j], j + 1
        if j - i >= 2 and len(run) >= 4:
            out.append(run)
        i = j
    return out


# a measure's own end date inside a clause ('执行期限至2023年4月30日', '政策执行至2024年9月30日')
_CLAUSE_END = re.compile(r"(?:执行期限|执行期|实施期限|有效期|执行|实施|延续|延长)(?:期限)?(?:截)?至\s*(\d{4})\s*年\s*(\d{1,2})\s*月"
                         r"(?:\s*(\d{1,2})\s*日|底|末)?")


def clause_deadline(question: str, text: str):
    """The end date a clause sets for the measure asked about (None when it sets none): of
    the clause's sentence parts that carry an end date, the one sharing most characters
    with the question — '延续1%的失业保险费率，执行期限至…；延续工伤保险浮动费率，执行期限至…'."""
    import calendar
    import datetime as dt

    best, best_score = None, 0
    for part in re.split(r"[；;。]", text):
        m = _CLAUSE_END.search(part)
        if not m:
            continue
        score = len({part[i:i + 2] for i in range(len(part) - 1)} & {question[i:i + 2] for i in range(len(question) - 1)})
        if score > best_score:
            y, mo = int(m.group(1)), int(m.group(2))
            if not 1 <= mo <= 12:
                continue
            day = int(m.group(3)) if m.group(3) else calendar.monthrange(y, mo)[1]
            try:
                best, best_score = dt.date(y, mo, day), score
            except ValueError:
                continue
    return best
