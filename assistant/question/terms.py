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


_SPREAD: dict[str, re.Pattern] = {}


def holds(text: str, word: str) -> bool:
    """Does ``text`` hold ``word`` — verbatim, or, for a word of three or more characters, its
    characters in the same order with at most two others between each inside one phrase? Users
    shorten a document's names (个体户 for 个体工商户, 专精特新 for 专业化精细化特色化新颖化 is too far
    apart and stays unmatched); a two-character word must be verbatim."""
    if word in text:
        return True
    if len(word) < 3 or not all("\u4e00" <= c <= "\u9fff" for c in word):
        return False
    pattern = _SPREAD.get(word)
    if pattern is None:
        pattern = _SPREAD[word] = re.compile(
            re.escape(word[0]) + "".join(f"[\u4e00-\u9fff]{{0,2}}?{re.escape(c)}" for c in word[1:]))
    return pattern.search(text) is not None
