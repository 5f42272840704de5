"""Live servers for the web tests: the real app (FastAPI + Gradio) under uvicorn on
127.0.0.1:<free port>, in a thread, over the session knowledge base and assistant."""
from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

AUTH = ("staff", "hotline-2026")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(app):
    """Run ``app`` with uvicorn on loopback until the block ends; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_url(settings, policy_assistant):
    from assistant.web.api import create_app

    with serve(create_app(settings, assistant=policy_assistant)) as url:
        yield url


@pytest.fixture(scope="session")
def auth_url(settings, policy_assistant):
    from assistant.web.api import create_app

    with serve(create_app(settings, assistant=policy_assistant, auth=AUTH)) as url:
        yield url


@pytest.fixture(scope="session")
def http(live_url):
    import httpx

    with httpx.Client(base_url=live_url, timeout=120) as client:
        yield client
