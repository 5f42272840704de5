"""`ask` through a running `policy-assistant serve` when it serves this very index.

    server_answer(settings, question, session_id) -> (answer dict, url) | None

A cold `ask` loads the model, the BM25 index and the word lists (seconds on a busy machine); a
server on loopback already has them. The CLI asks ``POLICY_SERVER_URL`` (default
http://127.0.0.1:7860; ``off`` never asks) only when its /healthz says ready, in the same mode
(default / llm), over the same build (version) that this CLI's data dir points at — so the
answer is the one the CLI would give. Anything else (no server, another index, an error) →
None and the CLI answers by itself. Only the standard library is imported here.
"""
from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:7860"
HEALTH_TIMEOUT = 0.5  # s: a server that cannot say it is ready this fast is not worth waiting for
ASK_TIMEOUT = 120.0


def server_url() -> str | None:
    url = os.environ.get("POLICY_SERVER_URL", DEFAULT_URL).strip().rstrip("/")
    return None if url.lower() in ("", "off", "none", "0") else url


def _request(url: str, body: dict | None, timeout: float):
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    auth = os.environ.get("POLICY_WEB_AUTH", "").strip()
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode("utf-8")).decode("ascii"))
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def server_answer(settings, question: str, session_id: str | None = None):
    """The running server's answer as a dict (``Answer.to_dict()``) and its url, or None."""
    from index.builds import current_name

    url = server_url()
    if url is None:
        return None
    try:
        local = current_name(settings.index_dir)
    except (OSError, ValueError):
        return None
    if not local:
        return None
    try:
        health = _request(url + "/healthz", None, HEALTH_TIMEOUT)
    except (OSError, ValueError, urllib.error.URLError):
        return None
    mode = "llm" if settings.llm_enabled else "default"
    if health.get("status") != "ready" or health.get("version") != local or health.get("mode") != mode:
        return None
    try:
        answer = _request(url + "/api/ask", {"question": question, "session_id": session_id,
                                             "as_of": settings.as_of.isoformat()}, ASK_TIMEOUT)
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return (answer, url) if isinstance(answer, dict) and "answer" in answer else None


def answer_from_dict(d: dict):
    """The server's JSON answer → an ``Answer`` with its citations (what ``render`` shows)."""
    from dataclasses import fields

    from assistant.records import Answer, Citation

    names = {f.name for f in fields(Citation)}
    citations = [Citation(**{k: (tuple(v) if k == "path" else v) for k, v in c.items() if k in names})
                 for c in d.get("citations", [])]
    return Answer(question=d.get("question", ""), answer=d.get("answer", ""), citations=citations,
                  refused=bool(d.get("refused")), warnings=list(d.get("warnings", [])),
                  mode=d.get("mode", "default"), session_id=d.get("session_id"),
                  rewritten_question=d.get("rewritten_question"), as_of=d.get("as_of", ""))
