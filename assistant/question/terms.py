"""The words of a question that can show its topic: jieba tokens minus the words every policy
question uses, and the names it puts in quotes.

    content_terms(question) -> list[str]
    quoted_names(question) -> list[str]
    holds(text, word) -> bool          the word, or its characters in order a few apart (个体户 in 个体工商户)
    GENERIC: the words too common in policy questions to show a topic
"""
from __future__ import annotations

import re

from assistant.lexicon.data import words

# Words too common in policy questions to show that retrieval found the topic (data/question_generic.tsv)
GENERIC = set(words("question_generic"))
# "怎么处理 / 如何办": the form of a how-question; its verb is not a topic word
HOW_VERB = re.compile(r"(?:怎么|怎样|如何|咋)(?:处理|处置|办|弄|搞|做|管)")

_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,12})[”\"」』]")


def quoted_names(question: str) -> list[str]:
    """Names the question puts in quotes (“泉州购”, “五小”): what it is about, whole."""
    return _QUOTED.findall(question)


def content_terms(question: str) -> list[str]:
    """Question words that could show a topic match (jieba tokens minus generic words)."""
    import jieba

    terms = []
    for t in jieba.lcut(HOW_VERB.sub("，", question)):
        t = t.strip()
        if len(t) >= 2 and t not in GENERIC and not re.fullmatch(r"[\d.]+|[A-Za-z]", t):
            terms.append(t)
    return terms


def holds(text: str, word: str) -> bool:
    """Does ``text`` hold ``word`` — verbatim, or, for a word of three or more characters, its
    characters in the same order with at most two others between each inside one phrase? Users
    shorten a document's names (个体户 for 个体工商户, 专精特新 for 专业化精细化特色化新颖化 is too far
    apart and stays unmatched); a two-character word must be verbatim."""
    if word in text:
        return True
    if len(word) < 3 or not all(_cjk(c) for c in word):
        return False
    # a walk over the text, not a regex: compiling a CJK character class costs milliseconds
    # per new word, and a question brings new words
    i = text.find(word[0])
    while i >= 0:
        if _spread_from(text, word, i, 1):
            return True
        i = text.find(word[0], i + 1)
    return False


def _cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _spread_from(text: str, word: str, i: int, k: int) -> bool:
    """``word[k:]`` follows position ``i`` of ``text``, each character after at most two
    Chinese characters."""
    if k == len(word):
        return True
    for j in range(i + 1, min(i + 4, len(text))):
        if text[j] == word[k] and _spread_from(text, word, j, k + 1):
            return True
        if not _cjk(text[j]):  # a character skipped must be Chinese: one phrase
            return False
    return False
