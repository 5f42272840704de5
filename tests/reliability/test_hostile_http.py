"""Hostile input through HTTP against the real server: every error is the documented JSON
shape ({error, message_zh}) with a 4xx/5xx status that says what went wrong, never a
text/plain 500, a {"detail": …} body or an empty 200 stream."""
from __future__ import annotations


import pytest

from tests.sse import stream_events

pytestmark = pytest.mark.slow

PLATFORM_Q = "建设物流公共信息平台，投资{}万元，能拿到多少补助？"


def _error_shape(r, status):
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    body = r.json()
    assert set(body) >= {"error", "message_zh"} and "detail" not in body or isinstance(body.get("detail"), list)
    assert body["error"] and body["message_zh"]
    return body


def _events(client, body):
    r, events = stream_events(client, body)
    return r.status_code, events


@pytest.mark.parametrize("digits", [26, 30, 45])
def test_a_huge_figure_is_answered_not_a_500(client, kb, digits):
    q = PLATFORM_Q.format("9" * digits)
    r = client.post("/api/ask", json={"question": q})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["citations"]
    status, events = _events(client, {"question": q})
    assert status == 200 and events, "a stream is never an empty 200"
    assert events[-1][0] in ("answer", "error")
    clause = next(c for c in kb.clauses.values() if "物流公共信息平台" in c.text)
    r = client.post("/api/calculate", json={"clause_id": clause.clause_id,
                                            "facts": {"投资额": "9" * digits + "万元"}})
    assert r.status_code in (200, 400), r.text[:300]
    if r.status_code == 400:
        _error_shape(r, 400)


def test_wrong_methods_are_405_with_allow(client):
    for method, path, allowed in [("DELETE", "/api/ask", "POST"), ("GET", "/api/ask", "POST"),
                                  ("PUT", "/api/calculate", "POST"), ("POST", "/api/search", "GET"),
                                  ("DELETE", "/api/documents", "GET")]:
        r = client.request(method, path)
        body = _error_shape(r, 405)
        assert allowed in r.headers["allow"] and "方法" in body["message_zh"]


def test_unknown_api_path_is_a_json_404(client):
    _error_shape(client.get("/api/nothing-here"), 404)


@pytest.mark.parametrize("raw, status", [
    (b'{"question": "\xff\xfe\xfa"}', 400),                       # invalid UTF-8
    (b"[" * 100_000 + b"]" * 100_000, 400),                         # deep nesting
    (b'{"question": "' + b"1" * 10 + b'", "session_id": ' + b"9" * 5000 + b"}", 400),  # huge int
    (b'{"question": ', 400),                                         # truncated
    ('{"question": "\\ud800 物流"}'.encode(), 400),                         # lone surrogate
])
def test_bodies_that_are_not_usable_json_get_the_error_shape(client, raw, status):
    r = client.post("/api/ask", content=raw, headers={"content-type": "application/json"})
    body = _error_shape(r, status)
    assert any(ch >= "\u4e00" for ch in body["message_zh"])


def test_huge_integer_fact_is_refused_clearly(client, kb):
    clause = next(iter(kb.clauses))
    raw = ('{"clause_id": "%s", "facts": {"投资额": %s}}' % (clause, "9" * 5000)).encode()
    _error_shape(client.post("/api/calculate", content=raw, headers={"content-type": "application/json"}), 400)


def test_body_size_limit_before_parsing(client):
    from assistant.web.api import MAX_BODY_BYTES

    big = b'{"question": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}'
    body = _error_shape(client.post("/api/ask", content=big,
                                    headers={"content-type": "application/json"}), 413)
    assert str(MAX_BODY_BYTES // 1024) in body["error"]

    def chunks():  # no Content-Length: the body itself is counted as it arrives
        for _ in range(MAX_BODY_BYTES // 65536 + 4):
            yield b" " * 65536

    _error_shape(client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"}), 413)


def test_a_lone_surrogate_in_a_question_gets_a_chinese_message(client):
    r = client.post("/api/ask", content=b'{"question": "\\udc80\\udc81"}',
                    headers={"content-type": "application/json"})
    body = _error_shape(r, 400)
    assert "无法识别" in body["message_zh"] or "字符" in body["message_zh"]
    r = client.get("/api/search", params={"q": "物流"}, headers={})
    assert r.status_code == 200


def test_search_garbage_and_unknown_filters_give_no_hits_and_say_why(client, rel_url):
    import httpx as _httpx

    # raw bytes that are not UTF-8 in the query string arrive as U+FFFD
    r = _httpx.get(rel_url + "/api/search?q=%FF%FE%FD", timeout=60)
    assert r.status_code == 200 and r.json()["count"] == 0 and "可识别" in r.json()["message_zh"]
    r = client.get("/api/search", params={"q": "补助", "region": "火星"})
    assert r.json()["count"] == 0 and "火星" in r.json()["message_zh"] and "已收录" in r.json()["message_zh"]
    r = client.get("/api/search", params={"q": "补助", "issuer": "不存在的委员会"})
    assert r.json()["count"] == 0 and "发文机关" in r.json()["message_zh"]
    assert "message_zh" not in client.get("/api/search", params={"q": "物流 补助"}).json()


def test_k_has_one_limit_in_cli_and_api(client):
    from index.store.retrieve import MAX_K

    assert client.get("/api/search", params={"q": "补助", "k": MAX_K}).status_code == 200
    _error_shape(client.get("/api/search", params={"q": "补助", "k": MAX_K + 1}), 422)
