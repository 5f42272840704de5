"""Chromium pages for the browser tests (Debian's /usr/bin/chromium driven by Playwright):
``MARKS`` for a browser test file's ``pytestmark``, ``launch(playwright)`` for a browser with the fixed
flags, ``open_page(url, size)`` as a context manager, ``ask(page, question, n)``. Screenshots go to
artifacts/screenshots/ for a person to look at."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
TIMEOUT = 120_000  # ms
DESKTOP = (1366, 900)
PHONE = (390, 844)
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian chromium at /usr/bin/chromium (make system-deps installs it)"),
]


def needs_chromium(test):
    """``MARKS`` on one test, for a file whose other tests run without a browser."""
    for mark in MARKS:
        test = mark(test)
    return test


def launch(playwright):
    """A headless Chromium from /usr/bin/chromium (never a downloaded browser), offline flags set."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


@contextlib.contextmanager
def open_page(url: str, size: tuple[int, int] = DESKTOP, on_request=None):
    """The chat page at ``url`` in a fresh browser, ready to type in; ``on_request(request)``, when
    given, sees every request the page makes from the first one on."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN",
                                          permissions=["clipboard-read", "clipboard-write"])
            context.set_default_timeout(TIMEOUT)
            page = context.new_page()
            if on_request is not None:
                page.on("request", on_request)
            page.goto(url + "/")
            page.locator("#pa-question textarea").wait_for()
            yield page
        finally:
            browser.close()


def log_in(page, url: str, auth: tuple[str, str]) -> None:
    """Open ``url``, pass its login form as ``auth`` (user, password), return once the chat is ready."""
    page.goto(url + "/")
    page.locator("input[type=password]").wait_for()
    page.locator("input[type=text]").first.fill(auth[0])
    page.locator("input[type=password]").fill(auth[1])
    page.keyboard.press("Enter")
    page.locator("#pa-question textarea").wait_for()


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
