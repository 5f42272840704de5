"""The 文件库 tab in a real Chromium: on a phone (390×844) the documents are cards that fit the
screen (no sideways scrolling), the 9-column table is hidden; on a desktop it is the table."""
from __future__ import annotations

import pytest

from tests.web.chromium import MARKS, SHOTS, TIMEOUT, launch

pytestmark = MARKS


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def _library(browser, url: str, width: int, height: int):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url + "/")
    page.locator("#pa-question textarea").wait_for()
    page.get_by_role("tab", name="文件库").click()
    page.locator("#pa-doc-cards .pa-dcard").first.wait_for(state="attached")
    return ctx, page


def test_library_is_cards_on_a_phone(browser, live_url, kb, settings):
    ctx, page = _library(browser, live_url, 390, 844)
    try:
        cards = page.locator("#pa-doc-cards .pa-dcard")
        assert cards.count() == len(kb.documents)
        assert cards.first.is_visible() and not page.locator("#pa-docs").is_visible()
        # every card within the screen, and the page does not scroll sideways
        for i in range(cards.count()):
            box = cards.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (i, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        first = cards.first.inner_text()
        doc = next(d for d in kb.documents.values() if d.title in first)
        assert doc.validity(settings.as_of) in first and "条款数" in first
        assert (doc.doc_number or "未注明") in first
        cards.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "library-phone-cards.png"))
        # the cards come after the document picker: choosing one still opens its clause tree
        page.locator("#pa-doc-pick input").click()
        page.get_by_role("option", name=doc.title).click()
        page.locator("#pa-doc-detail h3").wait_for()
        assert page.locator("#pa-doc-detail h3").inner_text() == doc.title
    finally:
        ctx.close()


def test_library_is_a_table_on_a_desktop(browser, live_url, kb):
    ctx, page = _library(browser, live_url, 1366, 900)
    try:
        page.locator("#pa-docs [data-testid=cell-0-0]").wait_for()
        assert page.locator("#pa-docs").is_visible()
        assert not page.locator("#pa-doc-cards .pa-dcard").first.is_visible()
        # a server without a login offers no upload, and says how to get one
        assert "--auth" in page.locator("#pa-doc-manage-off").inner_text()
        assert page.locator("#pa-doc-upload").count() == 0
        page.screenshot(path=str(SHOTS / "library-desktop-table.png"))
    finally:
        ctx.close()
