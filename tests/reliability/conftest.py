"""A real server (FastAPI + Gradio, uvicorn on loopback) for the reliability tests."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def rel_url(settings, policy_assistant):
    from assistant.web.api import create_app
    from tests.web.conftest import serve

    with serve(create_app(settings, assistant=policy_assistant)) as url:
        yield url


@pytest.fixture(scope="module")
def client(rel_url):
    import httpx

    with httpx.Client(base_url=rel_url, timeout=120) as c:
        yield c
