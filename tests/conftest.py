"""Shared fixtures: the real corpus, the real embedding model, real Chroma in a temp dir.

The knowledge base is built once per test session (session scope) and shared.
Nothing here is faked; only a remote LLM is ever stood in for (tests/llm_standin.py).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Offline, always: no model, data or telemetry is fetched while testing.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
# A developer's own endpoint or data dir must not leak into tests.
for _name in list(os.environ):
    if _name.startswith("POLICY_"):
        del os.environ[_name]

REPO = Path(__file__).resolve().parents[1]


class NetworkBlocked(RuntimeError):
    """Raised when test code tries to reach beyond loopback: the product must run offline."""


def _guard_network():
    """Refuse any connection that is not to this machine (loopback or a Unix socket)."""
    import ipaddress
    import socket

    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                ok = ipaddress.ip_address(host).is_loopback
            except ValueError:
                ok = host in ("localhost",)
            if not ok:
                raise NetworkBlocked(f"test tried to connect to {address!r}; only loopback is allowed")
        return real_connect(self, address)

    socket.socket.connect = connect


_guard_network()
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
AS_OF = "2026-11-21"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    from index.config import Settings

    return Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        corpus_dir=CORPUS,
        as_of_text=AS_OF,
        chroma_url="",
        llm_base_url="",
        llm_model="",
        llm_api_key="",
    )


@pytest.fixture(scope="session")
def documents():
    """doc_id → Document for the shipped corpus."""
    from index.ingest.documents import load_corpus

    docs, bad = load_corpus(CORPUS)
    assert not bad, bad
    return {d.doc_id: d for d in docs}


@pytest.fixture(scope="session")
def extra_documents():
    """(documents, bad files) of ../shared/corpus-extra, loaded once; skips when it is absent."""
    from index.ingest.documents import load_corpus

    if not (SHARED / "corpus-extra").is_dir():
        pytest.skip("../shared/corpus-extra is not present")
    return load_corpus(SHARED / "corpus-extra")


@pytest.fixture(scope="session")
def kb(settings):
    """The real knowledge base over the shipped corpus, built once in a temp dir."""
    from index.store.knowledge import KnowledgeBase
    from index.ingest.pipeline import build_index

    report = build_index(settings, progress=False)
    assert report.ok and not report.bad, report  # a broken corpus must fail loudly here
    return KnowledgeBase.open(settings)


@pytest.fixture(scope="session")
def policy_assistant(kb, settings):
    from assistant.chat.assistant import Assistant

    return Assistant(kb, settings)


# Fixtures that load the real embedding model, build a real index or start a real server: a test
# using any of them (or driving the browser) is `slow`. `make test-fast` runs the rest; `make test`
# and CI run everything.
HEAVY_FIXTURES = {"kb", "policy_assistant", "extra_documents", "live_url", "auth_url", "http", "embedder", "real_embedder"}
# Modules whose tests build their own index with the real model, or run the CLI against the index
# the `kb` fixture built (so they need it built first): slow as a whole.
HEAVY_MODULES = {"test_store.py", "test_embeddings.py", "test_query_vectors.py", "test_vectors.py",
                 "test_cli_index.py", "test_chat.py", "test_eval_ci.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        heavy = HEAVY_FIXTURES & set(getattr(item, "fixturenames", ()))
        if heavy or item.path.name in HEAVY_MODULES or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def real_embedder():
    """The real m3e-small embedder (cached per process by index.store.embeddings)."""
    from index.store.embeddings import get_embedder

    return get_embedder("m3e-small")
