"""The tier vocabulary shared by every stage that reads levels, grades and prizes.

    ADMIN_LEVELS, ADMIN_LEVEL, GRADE, PRIZE, STANDARDS, FIRSTS   regex sources / tuples
    grade_letters("4A级") -> "AAAA"        norm_level("4A级") -> "AAAA", norm_level("省级") -> "省"

One list, so that what the question reader (facts), the follow-up rewriter (followup), the
fit check (fit), the rule reader (rules_patterns) and the calculator (calculator_facts)
call a level is the same thing. Each stage adds only its own context (a lookahead that
tells a payer '市级财政' from a tier '市级') around these sources.
"""
from __future__ import annotations

import re

from assistant.lexicon.data import mapping, rows, words

ADMIN_LEVELS = words("levels", "admin_level")
ADMIN_LEVEL = "|".join(ADMIN_LEVELS)
# '市级财政给予…' / '省级以上' name a payer or a range, not a tier
NOT_A_TIER = r"(?!财政|政府|部门|人民政府|以上|及以上)"
# 物流企业 grades as people write them: AAAAA, 5A, '5 A'. A lone 'A级' is left out: '国家A级物流企业'
# is the name of the whole rating scheme, not its lowest grade
GRADE = r"A{2,5}|[1-5]\s*A"
PRIZE = r"重大发明专利奖|特等奖|[一二三四五]等奖"
STANDARDS = words("levels", "standard")
FIRSTS = words("levels", "first")

# '获得一、二、三等奖的' lists three prizes under one 等奖
PRIZE_RANKS = r"(?P<ranks>[一二三四五](?:、[一二三四五])+)等奖"
_PRIZE_RANKS_RE = re.compile(PRIZE_RANKS)


def expand_prize_ranks(text: str) -> str:
    """'一、二、三等奖' → '一等奖、二等奖、三等奖'; for matching tiers, never for quoting."""
    return _PRIZE_RANKS_RE.sub(lambda m: "、".join(f"{r}等奖" for r in m.group("ranks").split("、")), text)


# Everyday words → the words policy documents use for the same thing. Used to match a question
# against a document's sentences (never to rewrite what is quoted or shown).
DOCUMENT_WORDS = mapping("document_words")  # data/document_words.tsv


def document_words(question: str) -> str:
    """The question followed by the document words its everyday words stand for."""
    extra = [words for said, words in DOCUMENT_WORDS.items() if said in question]
    return question + ("，" + "，".join(extra) if extra else "")


# A figure said as a bound, and how it is written back for the calculator: '过了1亿' / '突破300家'
# → '超过…' (more than), '至少800万' → '至少…' (at least). One list for the question reader (facts)
# and the calculator's reading of a stated bound (calculator_facts.bound_of).
BOUND_MORE = r"超过了?|超了|(?<![通经])过了|突破了?|破了|多于|大于|高于"
BOUND_AT_LEAST = r"不少于|至少|不低于"


_GRADE_RE = re.compile(rf"^\s*(?:{GRADE})\s*级?\s*$", re.IGNORECASE)


def grade_letters(text: str) -> str:
    """'4A' / '4A级' / 'aaaa' / 'AAAA级' → 'AAAA'; anything else unchanged."""
    t = text.strip().upper().replace("Ａ", "A")
    if not _GRADE_RE.match(t):
        return text
    t = t.replace(" ", "").rstrip("级")
    return "A" * int(t[0]) if t[0].isdigit() else t


def norm_level(text: str) -> str:
    """A level name for comparison: grades as letters, no '级' or quotes ('省级' → '省')."""
    s = text.upper().replace("Ａ", "A")
    s = re.sub(r"([1-5])\s*A", lambda m: "A" * int(m.group(1)), s)
    return s.replace("级", "").replace("“", "").replace("”", "")


__all__ = ["ADMIN_LEVELS", "ADMIN_LEVEL", "BOUND_MORE", "BOUND_AT_LEAST", "NOT_A_TIER", "GRADE", "PRIZE", "PRIZE_RANKS", "STANDARDS", "FIRSTS",
           "DOCUMENT_WORDS", "document_words", "expand_prize_ranks", "grade_letters", "norm_level"]


# --- a clause's own tiers, matched against the user's words ------------------------------------

LEVEL_SERIES = tuple(tuple(e.columns[0].split()) for e in rows("level_series"))
_ARABIC_CN = dict(zip("123456789", "一二三四五六七八九"))


def level_key(text: str) -> str:
    """A tier name as compared with the user's words: grades as letters ('4A' → 'AAAA'), arabic
    digits before 星/级/档/类 as Chinese ('5星' → '五星'), no 级/quotes/spaces ('五星级' → '五星')."""
    s = norm_level(text).replace(" ", "").replace("　", "")
    s = re.sub(r"(?<![\d.])([1-9])(?=[星档类等])", lambda m: _ARABIC_CN[m.group(1)], s)
    return s


def _common_suffix(names: list[str]) -> str:
    out = names[0]
    for n in names[1:]:
        i = 0
        while i < min(len(out), len(n)) and out[-1 - i] == n[-1 - i]:
            i += 1
        out = out[len(out) - i:] if i else ""
    return out


def _grade_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "A" * len(m.group(0))) for m in re.finditer(r"A+", text)]


def match_tier(names: list[str], question: str) -> tuple[str | None, str | None]:
    """(the clause's tier the question names, a tier of the same series the clause lacks).

    Matching is on the clause's own names — exact, then normalised (level_key), then by the
    name's distinctive head ('铜牌服务商' is met by '铜牌') — never against a fixed list:
    match_tier(['五星级', '四星级'], '评上4星了') -> ('四星级', None)
    match_tier(['甲级', '乙级'], '丙级民宿呢')     -> (None, '丙级')
    """
    if not names or not question:
        return None, None
    q = level_key(question)
    q_ji = level_key(question.replace("级", "\0")).replace("\0", "级")  # the same, 级 kept
    keys = [level_key(n) for n in names]
    keys_ji = [level_key(n.replace("级", "\0")).replace("\0", "级") for n in names]
    grades = {g for *_x, g in _grade_spans(q)}
    found = []
    for name, key, kj in zip(names, keys, keys_ji):
        if not key:
            continue
        if set(key) == {"A"}:
            if key in grades:
                found.append((len(key), name))
        elif (len(kj) >= 2 and kj in q_ji) or (len(key) >= 2 and key in q):
            found.append((len(key), name))
    if not found:  # a name listing several that share the amount ('经开区、枣山园区'): any one of them
        for name in names:
            items = [level_key(i) for i in name.split("、")] if "、" in name else []
            if any(len(i) >= 2 and i in q for i in items):
                found.append((max(len(i) for i in items if i in q), name))
    if not found:  # a name with its other name in brackets ('初级（五级）'): either one, 级 kept
        for name in names:
            items = [level_key(i.replace("级", "\0")).replace("\0", "级")
                     for i in re.split(r"[（()）]", name) if i] if re.search(r"[（(]", name) else []
            hits = [i for i in items if len(i) >= 2 and i in q_ji]
            if hits:
                found.append((max(len(i) for i in hits), name))
    if found:
        return max(found)[1], None
    if grades and keys and all(set(k) == {"A"} for k in keys if k):
        return None, max(grades, key=len) + "级"
    # the name's distinctive head: the name less what all the names share at the end
    suffix = _common_suffix(keys) if len(keys) > 1 else ""
    heads = [k[: len(k) - len(suffix)] if suffix and len(k) > len(suffix) else k[:2] for k in keys]
    hits = [(len(h), n) for h, n in zip(heads, names)
            if h and heads.count(h) == 1 and ((suffix and h + suffix[0] in q) or (len(h) >= 2 and h in q))]
    if hits:
        return max(hits)[1], None
    # another member of the series the names belong to, written with the same ending
    ending = suffix or ("级" if all(n.endswith("级") for n in names) else "")
    if ending:
        heads = [k[: len(k) - len(suffix)] if suffix else k for k in keys]
        text = q if suffix else q_ji
        for series in LEVEL_SERIES:
            # a name may carry the list's lead-in ('获得技能大赛金奖、铜奖' → '获得技能大赛金'): its end is the tier
            tiers = [next((x for x in sorted(series, key=len, reverse=True) if h.endswith(x)), None) for h in heads]
            if all(t is not None and (t == h or len(series[0]) == 1) for t, h in zip(tiers, heads)):
                for member in series:
                    if member not in tiers and (m := re.search(re.escape(member + ending), text)):
                        before = text[max(0, m.start() - 1):m.start()]
                        if not any(before == x[-1:] for x in series):  # '十三' is not '三'
                            return None, member + ending + ("级" if suffix and names[0].endswith("级") else "")
    return None, None
