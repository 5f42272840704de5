"""`kill -9` of the server under load: after a restart every session file still reads
(atomic writes) and holds every turn that was answered with a 200 before the kill, the index
is whole (the live build complete, no temp file), the server says ready again and answers
follow-ups on old sessions."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from assistant.chat.sessions import MAX_TURNS, shape_problem
from tests.reliability.index_state import leftovers
from tests.web.conftest import free_port

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def _start(settings, port):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO),
           "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
                             "--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir),
                             "--as-of", "2026-11-21"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _ready(url, proc, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            if httpx.get(url + "/healthz", timeout=10).json()["status"] == "ready":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    raise AssertionError("not ready")


def test_kill_9_under_load_loses_no_session_file(settings, kb):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(settings, port)
    sids: list[str] = []
    answered: dict[str, int] = {}  # session id -> turns answered with a 200
    stop = threading.Event()

    def load():
        with httpx.Client(base_url=url, timeout=60) as c:
            sid = None
            while not stop.is_set():
                try:
                    body = {"question": "建设物流公共信息平台，投资800万元，能拿到多少补助？" if sid is None
                            else "那如果投资1200万元呢？", **({"session_id": sid} if sid else {})}
                    r = c.post("/api/ask", json=body)
                    if r.status_code == 200:
                        if sid is None:
                            sid = r.json()["session_id"]
                            sids.append(sid)
                        answered[sid] = answered.get(sid, 0) + 1
                except httpx.HTTPError:
                    return

    try:
        _ready(url, proc)
        threads = [threading.Thread(target=load) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(6)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        assert sids and sum(answered.values()) > len(sids)  # follow-ups were answered before the kill
        for sid in sids:
            path = settings.sessions_dir / f"{sid}.json"
            assert path.exists()
            stored = json.loads(path.read_text(encoding="utf-8"))
            assert shape_problem(stored) is None
            assert len(stored["turns"]) >= min(answered[sid], MAX_TURNS), (sid, answered[sid])  # none lost
        assert leftovers(settings) == []  # the server never leaves the index half-written
        proc = _start(settings, port)
        _ready(url, proc)
        r = httpx.post(url + "/api/ask", json={"question": "那如果投资600万元呢？", "session_id": sids[0]}, timeout=120)
        assert r.status_code == 200 and r.json()["rewritten_question"], r.text[:300]
    finally:
        stop.set()
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
