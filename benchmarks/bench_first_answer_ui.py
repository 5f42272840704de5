"""The first answer in the web UI after /healthz says ready: how long an owner waits.

    python benchmarks/bench_first_answer_ui.py --data-dir DIR [--question Q] [--phone]

Starts `policy-assistant serve` on a free loopback port (its own process, as in production),
polls /healthz until "ready", opens the page in Chromium (Debian's /usr/bin/chromium), asks
one question and times send-click → the finished answer on screen; then a second question.
Prints the seconds; asserts nothing (a benchmark, not a test).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from common import REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(url: str) -> dict:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
            return json.loads(r.read())
    except Exception as exc:  # noqa: BLE001 - not up yet
        body = getattr(exc, "read", None)
        try:
            return json.loads(body()) if body else {"status": "down"}
        except Exception:  # noqa: BLE001
            return {"status": "down"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--question", default="物流公共信息平台投资了800万元，能补多少？")
    ap.add_argument("--second", default="那如果投资1200万元呢？")
    ap.add_argument("--phone", action="store_true", help="390x844 instead of 1366x900")
    ap.add_argument("--settle", type=float, default=0.0,
                    help="seconds between the page showing and the click (an owner reading and typing)")
    args = ap.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    t0 = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port), "--data-dir",
                               args.data_dir, "--as-of", "2026-11-21"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while health(url).get("status") != "ready":
            if server.poll() is not None:
                raise SystemExit("the server stopped")
            time.sleep(0.2)
        ready = time.perf_counter() - t0
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--headless", "--disable-gpu",
                                              "--disable-background-networking"])
            size = {"width": 390, "height": 844} if args.phone else {"width": 1366, "height": 900}
            page = browser.new_page(viewport=size, locale="zh-CN")
            page.set_default_timeout(120_000)
            t1 = time.perf_counter()
            page.goto(url + "/")
            page.locator("#pa-question textarea").wait_for()
            loaded = time.perf_counter() - t1
            page.wait_for_timeout(args.settle * 1000)
            times = []
            for n, q in enumerate((args.question, args.second), 1):
                page.locator("#pa-question textarea").fill(q)
                start = time.perf_counter()
                page.locator("#pa-send").click()
                page.locator("#pa-chat .pa-msg .pa-mode").nth(n - 1).wait_for()
                times.append(time.perf_counter() - start)
            verdict = page.locator("#pa-chat .pa-verdict").first.inner_text()
            browser.close()
        print(f"server start → /healthz ready: {ready:.1f} s")
        print(f"page load (textarea visible): {loaded:.2f} s")
        print(f"first answer in the UI (send click → answer shown, {args.settle:g} s after the page showed): "
              f"{times[0]:.2f} s   [{verdict[:30]}]")
        print(f"second answer (follow-up): {times[1]:.2f} s")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
