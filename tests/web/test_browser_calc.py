"""The 补贴计算器 tab in a real Chromium: a clause whose rules need several facts (a band and a
rate base) shows one field per fact, each hint with its unit, and a form filled as the hints say
gives an amount, never '还需要提供'."""
from __future__ import annotations

import re

import pytest

from assistant.calculator.form import form_fields
from assistant.rules.catalog import rules_for
from tests.web.chromium import MARKS, SHOTS, open_page

pytestmark = MARKS


@pytest.fixture(scope="module")
def page(live_url):
    with open_page(live_url, (1280, 1000)) as pg:
        yield pg


def _banded_clause(kb):
    """A clause with a tiered rule whose band pays a rate of a second figure: the case where
    the old form asked only for the band figure and then wanted the base."""
    for cid, rules in rules_for(kb).items():
        if any(r.kind == "tiered" and r.needs_base for r in rules):
            fields = [f for f in form_fields(rules) if f.kind != "choice"]
            if len(fields) >= 2:
                return kb.clauses[cid], fields
    pytest.skip("no clause with a banded rate in this corpus")


def test_a_banded_rate_clause_asks_every_fact_and_gives_an_amount(page, kb):
    clause, fields = _banded_clause(kb)
    page.get_by_role("tab", name="补贴计算器").click()
    box = page.locator("#pa-calc-clause input")
    box.click()
    box.fill(clause.display_path)
    page.get_by_role("option", name=re.compile(re.escape(clause.display_path))).first.click()
    page.locator("#pa-calc-rules li").first.wait_for()
    page.locator("#pa-fact-0 textarea, #pa-fact-0 input").first.wait_for()
    shown = {}
    for i in range(8):
        field = page.locator(f"#pa-fact-{i}")
        if not field.is_visible():
            continue
        label = field.locator("[data-testid=block-info], label").first.inner_text()
        entry = field.locator("textarea, input").first
        shown[label] = entry.get_attribute("placeholder") or ""
        f = next(f for f in fields if label == f.name or label.startswith(f.name + "（"))
        entry.fill(f.example)
    assert len(shown) == len(fields), shown
    for f in fields:
        hint = next(h for label, h in shown.items() if label == f.name or label.startswith(f.name + "（"))
        assert ("万元" in hint) == (f.kind == "money" and f.unit == "元"), hint
        assert f"如：{f.example}" in hint
    page.locator("#pa-calc-go").click()
    result = page.locator("#pa-calc-result")
    result.locator(".pa-calc, .pa-amount, .pa-warn, .pa-info").first.wait_for()
    text = result.inner_text()
    assert "还需要" not in text and "请在上方填写" not in text, text
    assert result.locator(".pa-amount").count() >= 1
    page.screenshot(path=str(SHOTS / "calc-every-fact.png"), full_page=True)
