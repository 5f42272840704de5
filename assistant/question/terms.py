"""The words of a question that can show its topic: jieba tokens minus the words every policy
question uses, and the names it puts in quotes.

    content_terms(question) -> list[str]
    quoted_names(question) -> list[str]
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
