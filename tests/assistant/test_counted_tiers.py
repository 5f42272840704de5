"""Several tiers of one award counted in the question and asked as a total: each tier the question
names — in the clause's own tier names — times the count said beside it, summed; a tier named
without a count leaves the rules to answer one by one. Invented clauses."""
from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_amount_shapes import _calcs  # noqa: E402

LISTED = "对新认定的国家级、省级文化创意街区，分别给予300万元、80万元补助。"
TWO_SENTENCES = ("对评定为省级智慧农场的，县财政一次性奖励30万元；"
                 "对评定为国家级智慧农场的，县财政一次性奖励120万元。")
AWARDS = "对获得本市质量金奖、质量提名奖的企业，分别给予40万元、10万元的奖励。"


def test_a_listed_series_counted_in_the_question_is_summed():
    calc = _calcs(LISTED, "今年区里新认定了2个国家级、3个省级文化创意街区，一共补助多少？")[0]
    assert calc.amount_yuan == Decimal("8400000")
    assert any("× 2" in s for s in calc.steps) and any("× 3" in s for s in calc.steps)


def test_tiers_of_two_sentences_differing_in_one_part_are_summed():
    calc = _calcs(TWO_SENTENCES, "我们镇一家评上省级智慧农场、一家评上国家级智慧农场，县里一共奖多少？")[0]
    assert calc.amount_yuan == Decimal("1500000")


def test_a_tier_named_by_its_own_part_of_the_name_is_met():
    # '市质量金奖' is not written as the clause's '本市质量金奖', but 金奖 is that tier's alone
    calc = _calcs(AWARDS, "公司拿过市质量金奖1项、质量提名奖2项，奖励合计多少？")[0]
    assert calc.amount_yuan == Decimal("600000")


def test_one_tier_counted_more_than_once_is_multiplied():
    calc = _calcs(LISTED, "新认定了3个省级文化创意街区，一共能补多少？")[0]
    assert calc.amount_yuan == Decimal("2400000")


def test_a_tier_named_without_a_count_is_left_to_the_rules_one_by_one():
    calc = _calcs(LISTED, "我们有2个省级街区，今年新认定的国家级文化创意街区补多少？")[0]
    assert calc.amount_yuan == Decimal("3000000")


def test_one_tier_once_is_the_rule_itself():
    calc = _calcs(LISTED, "新认定国家级文化创意街区补多少？")[0]
    assert calc.amount_yuan == Decimal("3000000") and not any("合计" in s for s in calc.steps)
