"""Chromium pages for the browser tests (Debian's /usr/bin/chromium driven by Playwright):
``open_page(url, width, height)`` as a context manager, ``ask(page, question, n)``. Screenshots
go to artifacts/screenshots/ for a person to look at."""
from __future__ import annotations

import contextlib
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
TIMEOUT = 120_000  # ms
DESKTOP = (1366, 900)
PHONE = (390, 844)


@contextlib.contextmanager
def open_page(url: str, size: tuple[int, int] = DESKTOP):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"])
        try:
            context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN",
                                          permissions=["clipboard-read", "clipboard-write"])
            context.set_default_timeout(TIMEOUT)
            page = context.new_page()
            page.goto(url + "/")
            page.locator("#pa-question textarea").wait_for()
            yield page
        finally:
            browser.close()


def ask(page, question: str, n_answers: int):
    """Type, send, wait for the n-th finished answer; returns its message element."""
    page.locator("#pa-question textarea").fill(question)
    page.locator("#pa-send").click()
    return answer_n(page, n_answers)


def answer_n(page, n: int):
    page.locator("#pa-chat .pa-msg .pa-mode").nth(n - 1).wait_for()
    return page.locator("#pa-chat .pa-msg").nth(n - 1)


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    vh = page.evaluate("window.innerHeight")
    return box is not None and box["y"] < vh and box["y"] + box["height"] > 0
