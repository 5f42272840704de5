"""The answer in Chromium at desktop and phone sizes: [n] markers open their card, 复制回答,
suggested follow-ups that send (or fill the box), 👍/👎 with a comment into feedback.jsonl."""
from __future__ import annotations

import json

import pytest

from tests.web.chromium import DESKTOP, MARKS, PHONE, SHOTS, answer_n, ask, in_view, open_page

pytestmark = MARKS


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_markers_copy_suggestions_and_feedback(live_url, settings, size):
    tag = "desktop" if size == DESKTOP else "phone"
    with open_page(live_url, size) as page:
        msg = ask(page, "物流公共信息平台投资了200万元，能补多少？", 1)
        verdict = msg.locator(".pa-verdict")
        assert verdict.inner_text().startswith("不符合")
        mark = verdict.locator(".pa-refmark").first
        n = mark.inner_text().strip()
        assert n == "[1]"
        card = msg.locator("details.pa-card").filter(has=page.locator(".pa-ref", has_text=n))
        assert card.count() == 1 and card.get_attribute("open") is None
        page.evaluate("window.scrollTo(0, 0)")
        mark.click()
        page.wait_for_function("document.querySelector('#pa-chat .pa-msg details.pa-card').open")
        page.wait_for_timeout(800)  # the smooth scroll
        assert in_view(page, card.locator("summary"))
        assert card.locator(".pa-line").inner_text() in msg.locator(".pa-answer").text_content()  # collapsed
        page.screenshot(path=str(SHOTS / f"owner-1-marker-opens-card-{tag}.png"))

        msg.locator(".pa-copy-answer").click()
        page.wait_for_function("document.querySelector('#pa-chat .pa-copy-answer.pa-done') !== null")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("结论：不符合") and "依据：" in copied
        line = card.locator(".pa-line").inner_text()
        badge = card.locator(".pa-badge").inner_text()
        assert line.split(" · ")[0].split("》")[0] in copied and f"【{badge}" in copied.replace("【未注明有效期", "【未注明")

        chips = msg.locator(".pa-sugg")
        assert 2 <= chips.count() <= 3
        page.screenshot(path=str(SHOTS / f"owner-1-suggestions-{tag}.png"), full_page=True)
        send = msg.locator(".pa-sugg-send").first
        asked = send.inner_text().strip()
        send.click()
        second = answer_n(page, 2)
        assert asked in page.locator("#pa-chat .pa-q").last.inner_text()
        assert second.locator(".pa-verdict, .pa-answer").first.inner_text().strip()

        msg.locator(".pa-fb-down").click()
        msg.locator(".pa-fb-form textarea").fill("希望说明门槛怎么算")
        msg.locator(".pa-fb-send").click()
        msg.locator(".pa-fb-done").wait_for()
        records = [json.loads(x) for x in (settings.data_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()]
        mine = [r for r in records if r["comment"] == "希望说明门槛怎么算" and r["question"].startswith("物流公共信息平台")]
        assert mine and mine[-1]["rating"] == "down" and mine[-1]["verdict"].startswith("不符合") and mine[-1]["session_id"]
        page.screenshot(path=str(SHOTS / f"owner-1-feedback-{tag}.png"), full_page=True)


def test_a_fill_in_suggestion_goes_into_the_box_with_the_blank_selected(live_url):
    with open_page(live_url, DESKTOP) as page:
        msg = ask(page, "开发区企业采购数控一代示范项目产品有什么补贴？", 1)
        fill = msg.locator(".pa-sugg-fill").first
        text = fill.inner_text().strip()
        fill.click()
        box = page.locator("#pa-question textarea")
        assert box.input_value() == text and "＿" in text
        selected = page.evaluate("(() => { const t = document.querySelector('#pa-question textarea');"
                                 " return t.value.slice(t.selectionStart, t.selectionEnd); })()")
        assert selected == "＿"
        assert page.locator("#pa-chat .pa-msg").count() == 1  # nothing sent yet
