"""assistant/calculator_facts.py: user facts → quantities in a rule's unit, levels matched."""
from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.calculator_facts import as_quantity, fact, match_level
from assistant.errors import InputError
from assistant.rules_units import Quantity


@pytest.mark.parametrize("name, value, unit, expected", [
    ("投资额", "800万元", "元", Quantity(Decimal("8000000"), "元")),
    ("投资额", Decimal("8000000"), "元", Quantity(Decimal("8000000"), "元")),
    ("台套数", 20, "台", Quantity(Decimal("20"), "台")),
    ("台套数", "20", "台", Quantity(Decimal("20"), "台")),  # a bare count takes the rule's unit
])
def test_figures_in_the_rules_unit(name, value, unit, expected):
    assert as_quantity(name, value, unit) == expected


@pytest.mark.parametrize("name, value, unit, zh_part", [
    ("投资额", 8.5, "元", "格式有误"),  # floats are refused, never rounded
    ("投资额", "800", "元", "单位"),
    ("增速", "18", "%", "百分比"),
    ("投资额", "100万美元", "元", "不做汇率换算"),
    ("投资额", "很多", "元", "无法识别"),
])
def test_unusable_values_are_input_errors_with_a_chinese_message(name, value, unit, zh_part):
    with pytest.raises(InputError) as info:
        as_quantity(name, value, unit)
    assert zh_part in info.value.zh and name in info.value.zh


def test_absent_fact_is_none_not_zero():
    assert fact({}, "投资额", "元") is None and fact({"投资额": ""}, "投资额", "元") is None
    assert fact({"投资额": "800万元"}, "投资额", "元").value == Decimal("8000000")


def test_levels_match_the_users_wording():
    assert match_level(["国家级", "省级", "市级"], "省级") == "省级"
    assert match_level(["AAAAA", "AAAA", "AAA"], "4A级") == "AAAA"
    assert match_level(["AAAAA", "AAAA", "AAA"], "AA") is None  # no guessing among A grades
    assert match_level(["国家级"], "县级") is None
