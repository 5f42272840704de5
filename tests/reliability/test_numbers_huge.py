"""Figures far beyond any real budget are still written exactly and never raise
(a 26-digit 万元 figure used to raise decimal.InvalidOperation → HTTP 500)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.lexicon.numbers import format_money, normalize, parse_quantity, plain


@pytest.mark.parametrize("digits", [26, 27, 29, 30, 40, 60])
def test_huge_money_is_written_exactly(digits):
    yuan = Decimal(str(int("7" * digits) * 10000))  # built with int: exact at any size
    text = format_money(yuan)
    assert parse_quantity(text).value == yuan  # round trip: nothing rounded away
    assert parse_quantity("7" * digits + "万元").value == yuan


@pytest.mark.parametrize("value", ["1" * 35 + "00000000", "123456789012345678901234567890.5",
                                   "-" + "9" * 31, "0.000000000000000000000000000000001"])
def test_normalize_and_plain_never_raise_and_keep_the_value(value):
    d = Decimal(value)
    assert normalize(d) == d
    assert Decimal(plain(d)) == d
    assert "E" not in plain(d)
