"""Amounts from bases of more than 28 significant digits (Python's default Decimal precision):
exact, or a clear "金额过大" / "too large" message — never rounded silently, never
decimal.InvalidOperation — in the calculator, through the API and through the CLI.
(The browser side is in test_hostile_browser.py.)"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from assistant.lexicon.numbers import (
    MONEY_DIGITS,
    exact_amounts,
    format_money,
    parse_quantity,
    plain,
)
from index.errors import FigureTooLargeError

BASE_WAN = "1234567890123456789012345678901.23"  # 33 significant digits, in 万元
TOO_BIG = "7" * (MONEY_DIGITS + 5)  # × 万 × a rate: more digits than any amount is kept to


def test_exact_amounts_keeps_every_digit_or_says_too_large():
    base = parse_quantity(BASE_WAN + "万元").value
    with exact_amounts():
        product = base * Decimal("0.05")
    # exact fractions as the referee (1234…901.23万元 = digits × 100 元)
    assert Fraction(product) == Fraction(int(BASE_WAN.replace(".", "")) * 100 * 5, 100)
    assert Decimal(plain(product)) == product
    with pytest.raises(FigureTooLargeError) as err, exact_amounts():
        parse_quantity(TOO_BIG + "万元").value * Decimal("0.05")
    assert "金额过大" in err.value.zh and "too large" in str(err.value)


def test_a_rounded_result_is_refused_not_shown():
    with pytest.raises(FigureTooLargeError), exact_amounts():
        Decimal(10) ** MONEY_DIGITS + 1  # needs MONEY_DIGITS + 1 digits


def _rate_clause(kb):
    return next(c for c in kb.clauses.values() if "物流公共信息平台" in c.text and "%" in c.text)


def _expected_step(rate_percent: int) -> str:
    exact = Decimal(BASE_WAN) * rate_percent / 100  # in 万元; Decimal default context would round here
    return f"{BASE_WAN}万元 × {rate_percent}% = {exact}万元"


@pytest.mark.slow
def test_calculator_product_of_a_33_digit_base_is_exact(kb):
    from assistant.calculator.select import calculate_clause

    with exact_amounts():  # the referee itself computed without rounding
        want = _expected_step(5)
    calcs = calculate_clause(kb, _rate_clause(kb).clause_id, {"投资额": BASE_WAN + "万元"})
    steps = [s for c in calcs for s in c.steps]
    assert any(want in s for s in steps), steps
    with pytest.raises(FigureTooLargeError):
        calculate_clause(kb, _rate_clause(kb).clause_id, {"投资额": TOO_BIG + "万元"})


@pytest.mark.slow
def test_api_calculate_and_ask_exact_or_jin_e_guo_da(client, kb):
    from tests.sse import stream_events

    clause = _rate_clause(kb).clause_id
    r = client.post("/api/calculate", json={"clause_id": clause, "facts": {"投资额": BASE_WAN + "万元"}})
    assert r.status_code == 200, r.text[:300]
    with exact_amounts():
        want = _expected_step(5)
    assert want in r.text

    r = client.post("/api/calculate", json={"clause_id": clause, "facts": {"投资额": TOO_BIG + "万元"}})
    assert r.status_code == 400 and "金额过大" in r.json()["message_zh"], r.text[:300]

    question = f"建设物流公共信息平台，投资{TOO_BIG}万元，能拿到多少补助？"
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code in (200, 400), r.text[:300]
    text = r.json().get("message_zh") or r.json().get("answer")
    assert "金额过大" in text, text[:300]
    resp, events = stream_events(client, {"question": question})
    assert resp.status_code == 200 and events
    assert "金额过大" in str(events[-1][1]), events[-1]


@pytest.mark.slow
def test_cli_exact_or_one_line_too_large(kb, settings, capsys):
    from assistant.cli.main import main

    common = ["--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir), "--as-of", "2026-11-21"]
    clause = _rate_clause(kb).clause_id
    assert main(["calc", clause, "--fact", f"投资额={BASE_WAN}万元"] + common) == 0
    with exact_amounts():
        assert _expected_step(5) in capsys.readouterr().out
    for argv in (["calc", clause, "--fact", f"投资额={TOO_BIG}万元"],
                 ["ask", f"建设物流公共信息平台，投资{TOO_BIG}万元，能拿到多少补助？"]):
        code = main(argv + common)
        out = capsys.readouterr()
        assert code == 2 and "error: a figure is too large" in out.err, (argv, code, out)
        assert "Traceback" not in out.err and "InvalidOperation" not in out.err


def test_format_money_of_a_33_digit_amount_is_exact():
    yuan = parse_quantity(BASE_WAN + "万元").value
    assert parse_quantity(format_money(yuan)).value == yuan


def test_amounts_in_wan_are_exact_at_any_size():
    from assistant.records import Calculation, format_wan

    yuan = parse_quantity(BASE_WAN + "万元").value
    assert format_wan(yuan) == BASE_WAN + "万元"
    assert format_wan(Decimal("400000")) == "40万元" and format_wan(Decimal("3000")) == "0.3万元"
    calc = Calculation(clause_id="x", rule_id="r1", amount_yuan=yuan)
    assert calc.amount_wan == Decimal(BASE_WAN)
