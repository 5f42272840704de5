"""Health that tells the truth, and sessions that keep every turn, on the real server."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from assistant.chat.sessions import NOT_SAVED, NOTICE
from tests.web.conftest import free_port, serve

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
TOPIC = "建设物流公共信息平台，投资800万元，能拿到多少补助？"
FOLLOW_UPS = [f"那如果投资{600 + 50 * i}万元呢？" for i in range(20)]


def test_twenty_concurrent_follow_ups_on_one_session_keep_all_21_turns(client, settings):
    first = client.post("/api/ask", json={"question": TOPIC}).json()
    sid = first["session_id"]
    barrier = threading.Barrier(len(FOLLOW_UPS))
    statuses = []

    def follow(q):
        with httpx.Client(base_url=str(client.base_url), timeout=300) as c:
            barrier.wait()
            statuses.append(c.post("/api/ask", json={"question": q, "session_id": sid}).status_code)

    threads = [threading.Thread(target=follow, args=(q,)) for q in FOLLOW_UPS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * len(FOLLOW_UPS)
    stored = json.loads((settings.sessions_dir / f"{sid}.json").read_text(encoding="utf-8"))
    assert len(stored["turns"]) == 1 + len(FOLLOW_UPS)
    assert {t["question"] for t in stored["turns"][1:]} == set(FOLLOW_UPS)


@pytest.mark.parametrize("content", ["null", '{"turns": "x", "state": {}}', '{"turns": [], "state": {"facts": [1]}}'])
def test_a_damaged_session_is_answered_with_a_visible_note(client, settings, content):
    sid = client.post("/api/ask", json={"question": TOPIC}).json()["session_id"]
    (settings.sessions_dir / f"{sid}.json").write_text(content, encoding="utf-8")
    r = client.post("/api/ask", json={"question": "那如果投资1200万元呢？", "session_id": sid})
    assert r.status_code == 200, r.text[:300]
    assert NOTICE in r.json()["warnings"]
    assert (settings.sessions_dir / f"{sid}.damaged").exists()
    again = client.post("/api/ask", json={"question": TOPIC, "session_id": sid}).json()
    assert NOTICE not in again["warnings"]  # said once


def test_an_unwritable_data_dir_still_answers_and_health_says_why(kb, settings, tmp_path):
    from assistant.chat.assistant import Assistant
    from assistant.web.api import create_app

    (tmp_path / "index").symlink_to(settings.index_dir, target_is_directory=True)
    (tmp_path / "sessions").write_text("a file where the sessions folder should be", encoding="utf-8")
    blocked = settings.with_(data_dir=tmp_path)
    app = create_app(blocked, assistant=Assistant(kb, blocked), ui=False)
    with serve(app) as url, httpx.Client(base_url=url, timeout=120) as c:
        h = c.get("/healthz")
        assert h.status_code == 200 and h.json()["status"] == "degraded"
        assert any(r.startswith("disk:") for r in h.json()["reasons"]) and "不可写" in h.json()["message_zh"]
        r = c.post("/api/ask", json={"question": TOPIC})
        assert r.status_code == 200, r.text[:300]
        assert r.json()["citations"] and NOT_SAVED in r.json()["warnings"]
        s = c.get("/api/search", params={"q": "物流 补助"})
        assert s.status_code == 200 and s.json()["count"] > 0


def test_server_says_starting_then_ready_with_the_model_loaded(settings, kb):
    """A real `serve` process: /healthz is 503 "starting" while it warms up, then 200 "ready"
    with the model loaded; the first answer after ready is timed (printed, not asserted)."""
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO),
           "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
                             "--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir),
                             "--as-of", "2026-11-21"], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    h = c.get("/healthz")
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stdout.read().decode(errors="replace")[-3000:]
                    time.sleep(0.2)
                    continue
                seen.append((h.status_code, h.json()["status"]))
                if h.json()["status"] == "ready":
                    break
                time.sleep(0.2)
            assert seen and seen[-1] == (200, "ready"), seen
            assert h.json()["model_loaded"] and h.json()["index_loaded"]
            assert all(s == (503, "starting") for s in seen[:-1]), seen
            start = time.perf_counter()
            r = c.post("/api/ask", json={"question": TOPIC})
            first = time.perf_counter() - start
            start = time.perf_counter()
            c.post("/api/ask", json={"question": "嘉兴对省级工业设计中心奖励多少？"})
            second = time.perf_counter() - start
            assert r.status_code == 200
            print(f"\nhealth sequence {seen[0]}…{seen[-1]} ({len(seen)} polls); "
                  f"first answer after ready {first:.2f}s, next {second:.2f}s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
