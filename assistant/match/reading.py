"""What a matched clause's words say, read against what the profile says.

    names_subject(subject, asked, checked=()) -> bool   the profile names whom the rule is for
                                                        (checked: names of figures checked against it)
    grants(text) -> bool                                the sentence grants something at all

Both lists are data (``data/subject_generic.tsv``, ``data/benefit_words.tsv``): the pieces of a
subject that say nothing about whom it is for (an amount, a level, "认定"), and the words by
which a sentence grants something. Nothing here names a document or a clause.
"""
from __future__ import annotations

import re
from pathlib import Path

from assistant.lexicon.vocab import document_words

_DATA = Path(__file__).with_name("data")


def _lines(name: str) -> tuple[str, ...]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return tuple(w for line in text.splitlines() if (w := line.split("\t")[0].strip()) and not w.startswith("#"))


GENERIC = frozenset(_lines("subject_generic.tsv"))
BENEFIT = _lines("benefit_words.tsv")


_JOINS = "、，,；;和及或与"  # between alternatives of one subject: 'A、B和C'
_FUNCTION = set("的和及或与且为对在经其该")


def telling_grams(text: str, checked=()) -> set[str]:
    """Two-character Chinese pieces of ``text`` that say who or what it is about (not generic,
    not a function word, not part of the name of a figure already checked)."""
    for name in checked:  # '投资额' checked: '企业投资500万元以上' says no more about whom
        for form in (name, re.sub(r"(?:总额|金额|额|数|费用)$", "", name)):
            if len(form) >= 2:
                text = text.replace(form, "|")
    grams = {text[i:i + 2] for i in range(len(text) - 1)
             if all("\u4e00" <= ch <= "\u9fff" for ch in text[i:i + 2])}
    return {g for g in grams if g not in GENERIC and not set(g) & _FUNCTION}


def names_subject(subject: str, asked: str, checked=()) -> bool:
    """The profile's words (everyday words read as the documents' words) name whom the rule is
    for: one telling piece of its subject when a figure of the profile was checked against the
    rule, else at least half the pieces of one of the subject's alternatives ('企业技术中心、
    工程技术研究中心' is named by either). A subject that says nothing particular beyond the
    checked figures is named by any profile."""
    grams = telling_grams(subject, checked)
    if not grams:
        return True
    said = document_words(asked)
    if checked:
        return any(g in said for g in grams)
    for part in re.split(f"[{_JOINS}]", subject):
        pg = telling_grams(part)
        if pg and 2 * sum(g in said for g in pg) >= len(pg):
            return True
    return False


def names_level(name: str, asked: str) -> bool:
    """A level the rule grants for ('省级智能工厂') is the profile's when the profile names what
    it is (not only '省级'); None when the level's name is only a grade."""
    grams = telling_grams(name)
    return None if not grams else any(g in document_words(asked) for g in grams)


def grants(text: str) -> bool:
    return any(w in text for w in BENEFIT)
