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


def test_holds_walk_agrees_with_the_spread_pattern_it_replaced():
    # the reference: the word's characters in order, at most two Chinese characters between each
    import random
    import re

    from assistant.question.terms import holds

    def reference(text, word):
        if word in text:
            return True
        if len(word) < 3 or not all("\u4e00" <= c <= "\u9fff" for c in word):
            return False
        return re.search(re.escape(word[0]) + "".join(f"[\u4e00-\u9fff]{{0,2}}?{re.escape(c)}" for c in word[1:]),
                         text) is not None

    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice("个体工商户专精特新，a1业化") for _ in range(rng.randint(0, 14)))
        word = "".join(rng.choice("个体户专特新工") for _ in range(rng.randint(2, 4)))
        assert holds(text, word) == reference(text, word), (text, word)
    assert holds("个体工商户", "个体户") and not holds("个体，工商户", "个体户")
