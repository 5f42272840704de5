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

from assistant.lexicon.data import mapping, words

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
