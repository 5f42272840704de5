"""The chat on a phone (390x844) in Chromium: one scroll (the page's, no box inside a box),
the chat at least the screen's height, the input the full width and kept on screen."""
from __future__ import annotations

import time

from tests.web.chromium import DESKTOP, MARKS, PHONE, SHOTS, ask, open_page

pytestmark = MARKS

INNER_SCROLL = """() => Array.from(document.querySelectorAll('#pa-chat, #pa-chat *')).filter(e => {
    const s = getComputedStyle(e).overflowY;
    return (s === 'auto' || s === 'scroll') && e.scrollHeight > e.clientHeight + 1; }).length"""


def test_phone_chat_is_one_scroll_with_a_full_width_input(live_url):
    with open_page(live_url, PHONE) as page:
        box = page.locator("#pa-question textarea")
        chat = page.locator("#pa-chat")
        # the input spans the chat's full width (it was ~170 px beside the buttons)
        assert box.bounding_box()["width"] >= chat.bounding_box()["width"] - 30
        assert chat.bounding_box()["height"] >= PHONE[1] - 340  # the chat fills the screen
        start = time.perf_counter()
        ask(page, "物流公共信息平台投资了800万元，能补多少？", 1)
        print(f"first answer on the phone: {time.perf_counter() - start:.2f} s")
        ask(page, "那如果投资1200万元呢？", 2)
        page.wait_for_timeout(600)  # the smooth scroll to the new question
        assert page.evaluate(INNER_SCROLL) == 0  # no scrolling box inside the page
        assert page.evaluate("document.scrollingElement.scrollHeight") > PHONE[1]  # the page scrolls
        q = page.locator("#pa-chat .pa-q").last.bounding_box()
        verdict = page.locator("#pa-chat .pa-verdict").last.bounding_box()
        # the new question is brought up (as far as the page's end allows), its verdict on screen below it
        assert 0 <= q["y"] < verdict["y"] and verdict["y"] + verdict["height"] <= PHONE[1] - 100
        page.screenshot(path=str(SHOTS / "owner-4-phone-chat.png"))
        page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight / 3)")
        page.wait_for_timeout(300)
        ib = box.bounding_box()
        assert ib["y"] + ib["height"] <= PHONE[1] + 1 and ib["y"] >= 0  # the input stays on screen
        page.screenshot(path=str(SHOTS / "owner-4-phone-chat-scrolled.png"))
        page.screenshot(path=str(SHOTS / "owner-4-phone-chat-full.png"), full_page=True)


def test_desktop_keeps_the_chat_box_beside_the_input(live_url):
    with open_page(live_url, DESKTOP) as page:
        box = page.locator("#pa-question textarea").bounding_box()
        send = page.locator("#pa-send").bounding_box()
        assert send["x"] > box["x"] + box["width"] - 1  # the buttons sit to the right on a wide screen
        page.screenshot(path=str(SHOTS / "owner-4-desktop-chat.png"))
