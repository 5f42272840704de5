"""The web UI in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright) against the live server over the real index. Screenshots go to
artifacts/screenshots/ for a person to look at (CJK must render as text, not boxes)."""
from __future__ import annotations

import re

import pytest

from tests.web.chromium import MARKS, SHOTS, TIMEOUT, ask, open_page

pytestmark = MARKS


@pytest.fixture(scope="module")
def page(live_url):
    outside: list[str] = []

    def note_outside(request):
        if not request.url.startswith((live_url, "data:", "blob:")):
            outside.append(request.url)

    with open_page(live_url, (1280, 1000), on_request=note_outside) as pg:
        pg.outside_requests = outside
        yield pg


def test_ui_loads_offline_in_chinese(page):
    header = page.locator("#pa-header").inner_text()
    assert "政策助手" in header and "当前模式：内置答复" in header
    for tab in ("政策问答", "条款检索", "补贴计算器", "文件库"):
        assert page.get_by_role("tab", name=tab).is_visible()
    assert page.outside_requests == [], "the UI must not reach beyond the server"


def test_chat_answer_citation_card_and_follow_up(page, kb):
    message = ask(page, "我们公司建设物流公共信息平台，投资800万元，能拿到多少补助？", 1)
    assert "40万元" in message.inner_text()
    card = message.locator("details.pa-card").first
    card.locator("summary").click()
    assert card.get_attribute("open") is not None
    mark = card.locator("mark").first.inner_text().replace("\n", "")
    clause = next(c for c in kb.clauses.values() if "物流公共信息平台建设" in "".join(c.path) + c.text)
    doc_text = kb.documents[clause.doc_id].text.replace("\n", "")
    assert mark and mark in doc_text
    assert re.search("有效|已失效|未注明", card.locator(".pa-badge").inner_text())
    # one card per clause: its citation line shown once, all its quotes listed and highlighted
    lines = [c.inner_text() for c in message.locator("details.pa-card .pa-line").all()]
    assert len(lines) == len(set(lines)) == message.locator("details.pa-card").count()
    quotes = [q.inner_text().strip("“”") for q in card.locator(".pa-quote").all()]
    marks = "".join(m.inner_text() for m in card.locator("mark").all()).replace("\n", "")
    assert quotes  # quotes inside a longer quote of the clause are not listed twice
    for quote in quotes:
        assert quote.replace(" ", "") in marks.replace(" ", "") and quote.replace(" ", "") in \
            doc_text.replace(" ", "")
    page.screenshot(path=str(SHOTS / "1-chat-answer.png"), full_page=True)
    page.locator("#pa-chat .pa-q").last.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "1-chat-question.png"), full_page=True)

    follow = ask(page, "那如果投资1200万元呢？", 2)
    assert "50万元" in follow.inner_text()  # 5% of 1200万 is 60万, capped at 50万
    assert follow.locator("details.pa-card").count() >= 1
    page.screenshot(path=str(SHOTS / "2-chat-follow-up.png"), full_page=True)

    page.locator("#pa-clear").click()
    page.locator("#pa-chat-status").get_by_text("已清空对话").wait_for()
    assert page.locator("#pa-chat .pa-answer").count() == 0


def test_chat_escapes_markup_in_questions(page):
    evil = '物流公共信息平台<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>补助多少？'
    message = ask(page, evil, 1)
    user = page.locator("#pa-chat .pa-q").last
    assert "<img src=x" in user.inner_text() and "<script>" in user.inner_text()
    assert page.locator("#pa-chat img[src=x], #pa-chat script").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert message.inner_text().strip()
    page.locator("#pa-clear").click()


def test_chat_empty_question_says_so_and_keeps_nothing_lost(page):
    page.locator("#pa-question textarea").fill("   ")
    page.locator("#pa-send").click()
    page.locator("#pa-chat-status").get_by_text("请输入问题").wait_for()


def test_search_with_region_filter_and_copy(page, kb):
    page.get_by_role("tab", name="条款检索").click()
    page.locator("#pa-search-q textarea, #pa-search-q input").first.fill("物流公共信息平台 补助")
    clause = next(c for c in kb.clauses.values() if "物流公共信息平台建设" in "".join(c.path) + c.text)
    region = kb.documents[clause.doc_id].region
    page.locator("#pa-region input").click()
    page.get_by_role("option", name=region, exact=True).click()
    page.locator("#pa-search-go").click()
    hits = page.locator("#pa-search-results .pa-hit")
    hits.first.wait_for()
    ids = [h.get_attribute("data-clause") for h in hits.all()]
    assert ids[0] == clause.clause_id
    shown = page.locator("#pa-search-results").inner_text()
    assert clause.clause_id not in shown and "相关度" not in shown  # no internal ids or raw scores
    assert all(kb.documents[kb.clauses[i].doc_id].region == region for i in ids)
    button = hits.first.locator(".pa-copy").last  # 仅复制引用
    button.click()
    page.wait_for_function("document.querySelector('#pa-search-results .pa-done') !== null")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("《") and clause.display_path in copied
    validity = hits.first.locator(".pa-badge").inner_text()
    assert f"【{validity}" in copied or (validity == "未注明" and "【未注明有效期】" in copied)  # never as if in force
    page.screenshot(path=str(SHOTS / "3-search.png"), full_page=True)


def test_calculator_gives_the_amount_with_steps_and_citation(page, kb):
    page.get_by_role("tab", name="补贴计算器").click()
    box = page.locator("#pa-calc-clause input")
    box.click()
    box.fill("物流公共信息平台")
    page.get_by_role("option", name=re.compile("物流公共信息平台")).first.click()
    page.locator("#pa-calc-rules li").first.wait_for()
    page.locator("#pa-fact-0 textarea, #pa-fact-0 input").first.wait_for()
    filled = []
    for i in range(6):  # the form shows one field per fact the clause's rules need
        field = page.locator(f"#pa-fact-{i}")
        if not field.is_visible():
            continue
        label = field.locator("[data-testid=block-info], label").first.inner_text()
        if "投资" in label:
            field.locator("textarea, input").first.fill("800万元")
            filled.append(label)
    assert filled, "the form asks for the investment"
    page.locator("#pa-calc-go").click()
    result = page.locator("#pa-calc-result")
    result.locator(".pa-amount").first.wait_for()
    assert any("40万元" in a for a in result.locator(".pa-amount").all_inner_texts())
    assert result.locator("ol li").count() >= 1
    assert result.locator("details.pa-card").count() >= 1
    page.screenshot(path=str(SHOTS / "4-calculator.png"), full_page=True)


def test_library_lists_documents_and_opens_a_clause_tree(page, kb, settings):
    page.get_by_role("tab", name="文件库").click()
    table = page.locator("#pa-docs")
    table.locator("[data-testid=cell-0-0]").wait_for()
    assert table.locator("[data-testid$='-0'][role=gridcell]").count() == len(kb.documents)
    table.locator("[data-testid=cell-0-0]").click()
    detail = page.locator("#pa-doc-detail")
    detail.locator("h3").wait_for()
    title = detail.locator("h3").inner_text()
    doc = next(d for d in kb.documents.values() if d.title == title)
    assert detail.locator(".pa-leaf").count() == len(kb.clauses_of(doc.doc_id))
    assert doc.validity(settings.as_of) in detail.locator(".pa-badge").first.inner_text()
    page.screenshot(path=str(SHOTS / "5-library.png"), full_page=True)


def test_owner_first_verdict_enter_sends_and_reload_keeps_the_conversation(page, live_url):
    page.get_by_role("tab", name="政策问答").click()
    page.locator("#pa-clear").click()
    page.locator("#pa-chat-status").get_by_text("已清空对话").wait_for()
    box = page.locator("#pa-question textarea")
    box.fill("物流公共信息平台投资了200万元，能补多少？")
    box.press("Enter")  # Enter sends
    page.locator("#pa-chat .pa-mode").first.wait_for()
    verdict = page.locator("#pa-chat .pa-verdict").first.inner_text()
    assert verdict.startswith("不符合：需") and "您为200万元" in verdict
    assert page.locator("#pa-chat .pa-amount").count() == 0  # no 0万元 banner for an ineligible case
    page.screenshot(path=str(SHOTS / "6-verdict-ineligible.png"), full_page=True)
    page.reload()
    page.locator("#pa-question textarea").wait_for()
    page.locator("#pa-chat .pa-q").first.wait_for()
    assert "200万元" in page.locator("#pa-chat .pa-q").first.inner_text()
    # a follow-up after the reload continues the same session
    box = page.locator("#pa-question textarea")
    box.fill("那投资900万元呢？")
    box.press("Enter")
    page.locator("#pa-chat .pa-mode").first.wait_for()
    verdict = page.locator("#pa-chat .pa-verdict").last.inner_text()
    assert verdict.startswith("可获") and "45万元" in verdict, verdict  # 5% of 900万, under the cap
    assert "45万元" in page.locator("#pa-chat .pa-amount").last.inner_text()
    page.screenshot(path=str(SHOTS / "7-reload-follow-up.png"), full_page=True)
    page.locator("#pa-clear").click()


def test_match_tab_lists_clauses_with_amount_and_conditions(page, kb):
    page.get_by_role("tab", name="政策匹配").click()
    page.locator("#pa-m-region textarea, #pa-m-region input").first.fill("泉州开发区")
    page.locator("#pa-m-acts textarea").fill("采购列入数控一代示范项目的产品20台，采购发票总价1000万元")
    page.locator("#pa-m-go").click()
    page.locator("#pa-m-results .pa-match").first.wait_for()
    first = page.locator("#pa-m-results .pa-match").first
    assert "可获150万元" in first.inner_text() and "符合" in first.inner_text()
    report = page.locator("#pa-m-report textarea").input_value()
    assert report.startswith("# 政策匹配报告") and "150万元" in report
    page.screenshot(path=str(SHOTS / "8-match.png"), full_page=True)
    page.get_by_role("tab", name="政策问答").click()


def test_every_tab_is_visible_on_a_phone(page, live_url):
    ctx = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        phone = ctx.new_page()
        phone.set_default_timeout(TIMEOUT)
        phone.goto(live_url + "/")
        phone.locator("#pa-question textarea").wait_for()
        for tab in ("政策问答", "政策匹配", "条款检索", "补贴计算器", "文件库"):
            assert phone.get_by_role("tab", name=tab).is_visible(), tab
        phone.screenshot(path=str(SHOTS / "9-phone-tabs.png"))
    finally:
        ctx.close()
