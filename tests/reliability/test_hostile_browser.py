"""The hostile-input table through the real UI (Gradio in Debian's Chromium, driven by Playwright):
huge figures, lone surrogates and odd unicode, 100k-character input, empty input, HTML/script
injection and control characters, typed into the chat, the search and the calculator.

Every case must end (no hang) in a clear Chinese result or message in the tab itself: not
Gradio's generic error toast ("错误"/"Error"), not a spinner left behind, and no markup
from the input executed or inserted. Screenshots (one per tab and table) go to
artifacts/screenshots/ and are checked to be non-blank with CJK drawn as glyphs, not boxes.
"""
from __future__ import annotations

import re

import pytest

from tests.web.chromium import MARKS, SHOTS, TIMEOUT, open_page

pytestmark = MARKS

XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b id=pa-evil>粗</b>'
# (name, text typed, what the result must show: a regex over the tab's visible text)
HOSTILE = [
    ("huge-figure", "建设物流公共信息平台，投资" + "9" * 30 + "万元，能拿到多少补助？", r"万元"),
    ("figure-too-large", "建设物流公共信息平台，投资" + "7" * 70 + "万元，能拿到多少补助？", r"金额过大"),
    ("lone-surrogate", "物流\ud800公共信息平台补助", r"无法识别的字符"),
    ("odd-unicode", "物流\u202e公共\u200b信息\u0301平台\U0001F600补助多少？", r"[\u4e00-\u9fff]"),
    ("100k-chars", "补助" * 50_000, r"过长"),
    ("empty", "   ", r"请输入"),
    ("html-script", "物流公共信息平台" + XSS + "补助多少？", r"[\u4e00-\u9fff]"),
    ("control-chars", "物流\x00公共\x07信息\x1b[31m平台\x7f补助多少？", r"[\u4e00-\u9fff]"),
]
CALC_FACTS = [  # the calculator's 投资额 field
    ("huge-figure", "9" * 30 + "万元", r"万元"),
    ("figure-too-large", "7" * 70 + "万元", r"金额过大"),
    ("lone-surrogate", "800\ud800万元", r"无法识别"),
    ("100k-chars", "8" * 99_998 + "万元", r"金额过大"),
    ("html-script", "800万元" + XSS, r"无法识别"),
    ("control-chars", "800\x00万\x07元", r"40万元|无法识别"),
]


@pytest.fixture(scope="module")
def page(rel_url):
    with open_page(rel_url, (1280, 1000)) as pg:
        yield pg


def _fill(locator, text: str) -> None:
    """Put ``text`` into a field as typed input would (fill() cannot carry a lone surrogate)."""
    locator.evaluate("""(el, text) => {
        const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;
        setter.call(el, text);
        el.dispatchEvent(new Event('input', {bubbles: true}));
    }""", text)


def _no_harm(page, where: str) -> None:
    """Nothing generic, nothing executed, nothing of the input's markup in the page."""
    toasts = page.locator("[data-testid=toast-body]")
    assert toasts.count() == 0, f"{where}: Gradio error toast: {toasts.all_inner_texts()}"
    assert page.evaluate("window.__pwned") is None, f"{where}: script from the input ran"
    assert page.locator("img[src=x], #pa-evil").count() == 0, f"{where}: markup from the input inserted"


def _glyphs_drawn(page) -> bool:
    """CJK drawn with a real font: '政策' differs from a codepoint no font has (drawn as a box)."""
    return page.evaluate("""() => {
        const draw = (t) => { const c = document.createElement('canvas'); c.width = 80; c.height = 40;
            const x = c.getContext('2d'); x.font = '28px sans-serif'; x.fillText(t, 2, 30);
            return Array.from(x.getImageData(0, 0, 80, 40).data).join(','); };
        return draw('政策') !== draw('\\u{10FFFD}\\u{10FFFC}') && draw('政策') !== draw('');
    }""")


def _shot(page, name: str) -> None:
    from PIL import Image, ImageStat

    path = SHOTS / f"hostile-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    stat = ImageStat.Stat(Image.open(path).convert("L"))
    assert stat.stddev[0] > 5, f"{path.name} is blank"


def _chat_case(page, text: str) -> str:
    """Start a fresh conversation, send ``text``; the finished answer or the status message."""
    page.locator("#pa-clear").click()
    page.locator("#pa-chat-status").get_by_text("已清空对话").wait_for()
    _fill(page.locator("#pa-question textarea"), text)
    page.locator("#pa-send").click()
    page.wait_for_function(
        """() => {
            const status = document.querySelector('#pa-chat-status').innerText.trim();
            return document.querySelector('#pa-chat .pa-mode')  // a finished answer carries it
                || (status && !status.includes('已清空对话'))
                || document.querySelector('[data-testid=toast-body]');
        }""", timeout=TIMEOUT)
    if page.locator("#pa-chat .pa-mode").count():
        return page.locator("#pa-chat .pa-mode").last.locator("xpath=..").inner_text()
    return page.locator("#pa-chat-status").inner_text()


def _result(page, out: str, go: str) -> str:
    """Click ``go``; the text rendered into ``out`` once Gradio's event has finished: its status
    tracker in ``out`` was seen busy and is hidden again, or new content replaced the old."""
    page.locator(out).evaluate("""(el) => {
        el.querySelectorAll('*').forEach(n => n.dataset.stale = '1');
        window.__busy = false;
        if (window.__watch) window.__watch.disconnect();
        window.__watch = new MutationObserver(() => {
            const t = el.querySelector('[data-testid=status-tracker]');
            if (t && !t.classList.contains('hide')) window.__busy = true;
        });
        window.__watch.observe(el, {subtree: true, childList: true, attributes: true});
    }""")
    page.locator(go).click()
    try:
        page.wait_for_function(
            """(out) => {
                const el = document.querySelector(out);
                const t = el.querySelector('[data-testid=status-tracker]');
                const idle = !t || t.classList.contains('hide');
                const fresh = el.querySelector('[class^=pa-]:not([data-stale])');
                return (idle && (window.__busy || fresh)) || document.querySelector('[data-testid=toast-body]');
            }""", arg=out, timeout=TIMEOUT)
    except Exception:
        page.screenshot(path=str(SHOTS / "hostile-timeout.png"), full_page=True)
        raise
    return page.locator(out).inner_text()


@pytest.mark.parametrize("name, text, expect", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_chat_hostile(page, name, text, expect):
    shown = _chat_case(page, text)
    _no_harm(page, f"chat/{name}")
    assert re.search(expect, shown), (name, shown[:300])
    assert not re.fullmatch(r"\s*(错误|Error)\s*", shown)
    if name in ("html-script", "figure-too-large", "100k-chars"):
        _shot(page, f"chat-{name}")


def test_chat_screenshot_renders_cjk(page):
    assert _glyphs_drawn(page)
    _shot(page, "chat")


@pytest.mark.parametrize("name, text, expect", [h for h in HOSTILE if h[0] != "figure-too-large"],
                         ids=[h[0] for h in HOSTILE if h[0] != "figure-too-large"])
def test_search_hostile(page, name, text, expect):
    page.get_by_role("tab", name="条款检索").click()
    _fill(page.locator("#pa-search-q textarea, #pa-search-q input").first, text)
    shown = _result(page, "#pa-search-results", "#pa-search-go")
    _no_harm(page, f"search/{name}")
    expect = {"huge-figure": r"[\u4e00-\u9fff]"}.get(name, expect)
    assert re.search(expect, shown), (name, shown[:300])
    if name == "html-script":
        _shot(page, "search")


def _calc_form(page):
    page.get_by_role("tab", name="补贴计算器").click()
    box = page.locator("#pa-calc-clause input")
    if "物流公共信息平台" not in (box.input_value() or ""):
        box.click()
        box.fill("物流公共信息平台")
        page.get_by_role("option", name=re.compile("物流公共信息平台")).first.click()
        page.locator("#pa-fact-0 textarea, #pa-fact-0 input").first.wait_for()
    for i in range(6):
        field = page.locator(f"#pa-fact-{i}")
        if field.is_visible() and "投资" in field.locator("[data-testid=block-info], label").first.inner_text():
            return field.locator("textarea, input").first
    raise AssertionError("the form does not ask for the investment")


@pytest.mark.parametrize("name, text, expect", CALC_FACTS, ids=[c[0] for c in CALC_FACTS])
def test_calculator_hostile(page, name, text, expect):
    field = _calc_form(page)
    _fill(field, text)
    shown = _result(page, "#pa-calc-result", "#pa-calc-go")
    _no_harm(page, f"calculator/{name}")
    assert re.search(expect, shown), (name, shown[:300])
    if name in ("figure-too-large", "html-script"):
        _shot(page, f"calculator-{name}")
