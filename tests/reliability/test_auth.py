"""Login: every Gradio route behind it (heartbeat, reset, cancel …), failed logins slowed
down and locked out per client, the password kept out of `ps`."""
from __future__ import annotations

import time

import httpx
import pytest

from assistant.web.api import LoginThrottle
from tests.web.chromium import TIMEOUT, launch, log_in, needs_chromium
from tests.web.conftest import AUTH, serve


def test_throttle_delays_then_locks_out_and_forgets_on_success():
    t = LoginThrottle(max_failures=3, window=60, lockout=30, delay=0.5, max_delay=2)
    assert t.failed("a", now=0) == 0.5 and t.failed("a", now=1) == 1.0
    assert t.locked_for("a", now=1) == 0
    t.failed("a", now=2)  # the third failure within the window
    assert t.locked_for("a", now=3) == pytest.approx(29)
    assert t.locked_for("b", now=3) == 0  # per client
    assert t.locked_for("a", now=40) == 0  # the lockout ends
    t.failed("c", now=0)
    t.succeeded("c")
    assert t.failed("c", now=1) == 0.5  # a success cleared the count


@pytest.fixture(scope="module")
def guarded(settings, policy_assistant):
    from assistant.web.api import create_app

    throttle = LoginThrottle(max_failures=5, window=60, lockout=3, delay=0.01, max_delay=0.05)
    with serve(create_app(settings, assistant=policy_assistant, auth=AUTH, login_throttle=throttle)) as url:
        yield url


@pytest.mark.slow
def test_every_gradio_route_but_the_login_page_needs_the_login(guarded):
    with httpx.Client(base_url=guarded, timeout=30) as c:
        assert c.get("/").status_code == 200  # the login page
        assert c.get("/healthz").status_code == 200
        for method, path in [("GET", "/gradio_api/heartbeat/abc123"), ("POST", "/gradio_api/reset"),
                             ("POST", "/gradio_api/cancel"), ("GET", "/gradio_api/info"),
                             ("POST", "/gradio_api/queue/join"), ("GET", "/gradio_api/queue/data?session_hash=x"),
                             ("POST", "/gradio_api/upload"), ("GET", "/gradio_api/startup-events"),
                             ("GET", "/api/documents"), ("GET", "/docs"), ("GET", "/openapi.json")]:
            r = c.request(method, path, json={} if method == "POST" else None)
            assert r.status_code == 401, (method, path, r.status_code)
            assert "登录" in r.json()["message_zh"]
        login = c.post("/login", data={"username": AUTH[0], "password": AUTH[1]})
        assert login.status_code == 200
        assert c.get("/gradio_api/info").status_code == 200  # the login cookie opens the UI routes
        assert c.post("/gradio_api/reset", json={"event_id": "x"}).status_code != 401
        with c.stream("GET", "/gradio_api/heartbeat/abc123") as r:
            assert r.status_code == 200


@pytest.mark.slow
def test_failed_logins_lock_the_client_out_for_a_while(guarded):
    with httpx.Client(base_url=guarded, timeout=30) as c:
        codes = [c.get("/api/documents", auth=("staff", f"guess{i}")).status_code for i in range(8)]
        assert codes[:4] == [401] * 4 and set(codes[5:]) == {429}, codes
        r = c.get("/api/documents", auth=AUTH)  # even the right password, while locked
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "登录失败次数过多" in r.json()["message_zh"]
        assert c.post("/login", data={"username": AUTH[0], "password": AUTH[1]}).status_code == 429
        time.sleep(3.2)
        assert c.get("/api/documents", auth=AUTH).status_code == 200
        form = [c.post("/login", data={"username": "staff", "password": f"x{i}"}).status_code for i in range(7)]
        assert form[:4] == [400] * 4 and form[-1] == 429, form
        time.sleep(3.2)


def test_serve_help_recommends_the_environment_and_auth_flag_warns(capsys, tmp_path):
    import socket

    from assistant.cli.main import main

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "POLICY_WEB_AUTH" in out and "ps" in out
    with socket.socket() as busy:  # stops before serving: the warning comes first
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["serve", "--auth", "staff:pw", "--port", str(busy.getsockname()[1]),
                     "--data-dir", str(tmp_path)]) == 2
    assert "visible to other users in `ps`" in capsys.readouterr().err


@needs_chromium
def test_the_login_page_works_in_a_browser_behind_the_guard(settings, policy_assistant):
    """The open routes are exactly enough: a browser gets the login form, logs in, and asks."""
    from playwright.sync_api import sync_playwright

    from assistant.web.api import create_app

    with serve(create_app(settings, assistant=policy_assistant, auth=AUTH)) as url, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(locale="zh-CN").new_page()
        page.set_default_timeout(TIMEOUT)
        refused = []
        page.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)
        log_in(page, url, AUTH)
        page.locator("#pa-question textarea").fill("建设物流公共信息平台，投资800万元，能拿到多少补助？")
        page.locator("#pa-send").click()
        page.locator("#pa-chat .pa-mode").first.wait_for()
        assert "万元" in page.locator("#pa-chat").inner_text()
        browser.close()
