"""question/terms.holds: a question's word found in a clause, verbatim or shortened."""
from __future__ import annotations

from assistant.question.terms import holds


def test_a_shortened_name_is_held_by_its_full_form():
    assert holds("个体工商户变更经营者的，可以直接申请变更登记", "个体户")
    assert holds("对新设立的外商投资企业给予奖励", "外资企业")


def test_two_character_words_and_words_across_phrases_must_be_verbatim():
    assert not holds("个体工商户", "体户")
    # the characters in order, but in two phrases, are not the word
    assert not holds("个体经营，工商登记，住户", "个体户")
    assert not holds("个人独资企业", "个体户")
