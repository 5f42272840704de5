"""The HTTP API through a real uvicorn server on loopback (httpx), over the real index."""
from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.sse import stream_events
from tests.web.conftest import AUTH

LOGISTICS_Q = "我们公司建设物流公共信息平台，投资800万元，能拿到多少补助？"


def _logistics_clause(kb):
    return next(c for c in kb.clauses.values() if "物流公共信息平台建设" in "".join(c.path) + c.text)


def _assert_verbatim(kb, citation: dict):
    doc = kb.documents[citation["doc_id"]]
    assert citation["quote"], citation
    assert doc.text[citation["start"]:citation["end"]] == citation["quote"]


def _amounts(answer: dict) -> set[Decimal]:
    calcs = answer["calculations"] or ([answer["calculation"]] if answer["calculation"] else [])
    return {Decimal(c["amount_yuan"]) for c in calcs if c["amount_yuan"] is not None}


# -- status and docs ----------------------------------------------------------
def test_healthz_reports_the_loaded_index(http, kb):
    body = http.get("/healthz").json()
    assert body["index_loaded"] is True
    assert body["documents"] == len(kb.documents) and body["clauses"] == len(kb.clauses)
    assert body["mode"] == "default"


def test_openapi_lists_every_endpoint_and_docs_need_no_cdn(http):
    paths = http.get("/openapi.json").json()["paths"]
    for p in ("/api/ask", "/api/ask/stream", "/api/search", "/api/calculate", "/api/documents", "/api/documents/{doc_id}"):
        assert p in paths
    page = http.get("/docs").text
    assert "swagger" in page.lower() and "cdn.jsdelivr" not in page


# -- ask ------------------------------------------------------------------------
def test_ask_answers_with_verbatim_citations_and_an_exact_amount(http, kb):
    r = http.post("/api/ask", json={"question": LOGISTICS_Q})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert not answer["refused"] and answer["session_id"]
    assert answer["citations"]
    for c in answer["citations"]:
        _assert_verbatim(kb, c)
    assert _logistics_clause(kb).clause_id in {c["clause_id"] for c in answer["citations"]}
    # 5% of 8,000,000 = 400,000, under the 50万 cap
    assert Decimal("400000") in _amounts(answer)


def test_follow_up_uses_the_session(http, kb):
    first = http.post("/api/ask", json={"question": LOGISTICS_Q}).json()
    sid = first["session_id"]
    r = http.post("/api/ask", json={"question": "那如果投资1200万元呢？", "session_id": sid})
    assert r.status_code == 200, r.text
    follow = r.json()
    assert follow["session_id"] == sid
    assert _logistics_clause(kb).clause_id in {c["clause_id"] for c in follow["citations"]}
    # 5% of 12,000,000 = 600,000, capped at 500,000 by the clause
    assert Decimal("500000") in _amounts(follow)


def test_script_in_a_question_comes_back_as_inert_json(http):
    q = "物流公共信息平台<script>alert(1)</script>有什么补助？"
    r = http.post("/api/ask", json={"question": q})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.json()["question"] == q  # data, returned as data; the UI escapes it (test_browser)


@pytest.mark.parametrize("body, status, zh", [
    ({"question": ""}, 400, "请输入问题"),
    ({"question": "   \n "}, 400, "请输入问题"),
    ({"question": 123}, 422, "请求格式有误"),
    ({"question": ["物流"]}, 422, "请求格式有误"),
    ({}, 422, "请求格式有误"),
    ({"question": "物流补助", "surprise": 1}, 422, "请求格式有误"),
    ({"question": "物流补助", "as_of": "2026-13-45"}, 400, "YYYY-MM-DD"),
])
def test_ask_rejects_bad_input_clearly(http, body, status, zh):
    r = http.post("/api/ask", json=body)
    assert r.status_code == status, r.text
    err = r.json()
    assert err["error"] and zh in err["message_zh"]


def test_ask_rejects_an_over_long_question(http, settings):
    r = http.post("/api/ask", json={"question": "物" * (settings.max_question_chars + 1)})
    assert r.status_code == 413
    assert str(settings.max_question_chars) in r.json()["error"]
    assert str(settings.max_question_chars) in r.json()["message_zh"]


def test_ask_rejects_a_body_that_is_not_json(http):
    r = http.post("/api/ask", content=b"question=hi", headers={"content-type": "application/json"})
    # malformed (not JSON at all) is 400; well-formed JSON of the wrong shape is 422
    assert r.status_code == 400 and "JSON" in r.json()["message_zh"]


# -- search ---------------------------------------------------------------------
def test_search_filters_by_region_and_returns_citation_lines(http, kb):
    region = kb.documents[_logistics_clause(kb).doc_id].region
    r = http.get("/api/search", params={"q": "物流公共信息平台 补助", "k": 5, "region": region})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert 0 < len(results) <= 5
    assert results[0]["clause_id"] == _logistics_clause(kb).clause_id
    for hit in results:
        assert kb.documents[kb.clauses[hit["clause_id"]].doc_id].region == region
        assert hit["text"] == kb.clauses[hit["clause_id"]].text
        assert hit["line"].startswith("《") and hit["citation"]["display_path"] in hit["line"]
        _assert_verbatim(kb, hit["citation"])
    scores = [h["score"] for h in results]
    assert scores == sorted(scores, reverse=True)


def test_search_valid_only_drops_expired_documents(http, kb, settings):
    expired = {d.doc_id for d in kb.documents.values() if d.validity(settings.as_of) == "已失效"}
    assert expired, "the shipped corpus has an expired document"
    r = http.get("/api/search", params={"q": "制造业 奖励", "k": 20, "valid_only": "true"})
    assert r.status_code == 200
    assert all(kb.clauses[h["clause_id"]].doc_id not in expired for h in r.json()["results"])


@pytest.mark.parametrize("params, status", [
    ({"q": ""}, 400), ({"q": "物流", "k": 0}, 422), ({"q": "物流", "k": "many"}, 422),
    ({"q": "物流", "mode": "magic"}, 422), ({"q": "物流", "valid_only": "perhaps"}, 422),
])
def test_search_rejects_bad_parameters(http, params, status):
    r = http.get("/api/search", params=params)
    assert r.status_code == status, r.text
    assert r.json()["message_zh"]
    if not params["q"]:
        assert r.json()["message_zh"] == "请输入检索内容。"


# -- calculate ------------------------------------------------------------------
def test_calculate_reports_missing_facts_then_the_exact_amount(http, kb):
    cid = _logistics_clause(kb).clause_id
    first = http.post("/api/calculate", json={"clause_id": cid, "facts": {}})
    assert first.status_code == 200, first.text
    missing = {m for c in first.json()["calculations"] for m in c["missing_facts"]}
    assert missing, "without facts the calculator says what it needs"
    facts = {m: ("800万元" if any(w in m for w in ("额", "资")) else "是") for m in missing}
    r = http.post("/api/calculate", json={"clause_id": cid, "facts": facts})
    assert r.status_code == 200, r.text
    calcs = r.json()["calculations"]
    assert Decimal("400000") in {Decimal(c["amount_yuan"]) for c in calcs if c["amount_yuan"]}
    for c in calcs:
        if c["citation"]:
            _assert_verbatim(kb, c["citation"])


def test_calculate_unknown_clause_is_404_and_floats_are_refused(http, kb):
    r = http.post("/api/calculate", json={"clause_id": "no-such-doc/9.9", "facts": {}})
    assert r.status_code == 404 and "未找到" in r.json()["message_zh"]
    cid = _logistics_clause(kb).clause_id
    r = http.post("/api/calculate", json={"clause_id": cid, "facts": {"投资额": 8000000.5}})
    assert r.status_code == 422  # a JSON float would not be an exact amount
    r = http.post("/api/calculate", json={"clause_id": cid, "facts": "800万"})
    assert r.status_code == 422


# -- documents --------------------------------------------------------------------
def test_documents_list_validity_and_clause_counts(http, kb, settings):
    body = http.get("/api/documents").json()
    assert body["count"] == len(kb.documents)
    for d in body["documents"]:
        doc = kb.documents[d["doc_id"]]
        assert d["validity"] == doc.validity(settings.as_of)
        assert d["clause_count"] == len(kb.clauses_of(doc.doc_id))
        assert "text" not in d
    # judged at another date, an expired document was valid back then
    expired = [d for d in body["documents"] if d["validity"] == "已失效"]
    assert expired
    earlier = http.get("/api/documents", params={"as_of": "2025-01-01"}).json()["documents"]
    assert {d["doc_id"]: d["validity"] for d in earlier}[expired[0]["doc_id"]] == "有效"


def test_document_detail_has_the_whole_clause_tree(http, kb):
    doc_id = _logistics_clause(kb).doc_id
    d = http.get(f"/api/documents/{doc_id}").json()
    assert [c["clause_id"] for c in d["clauses"]] == [c.clause_id for c in kb.clauses_of(doc_id)]

    def ids(nodes):
        for it in nodes:
            yield from ids(it["items"]) if "items" in it else [it["clause_id"]]

    assert list(ids(d["tree"])) == [c.clause_id for c in kb.clauses_of(doc_id)]
    r = http.get("/api/documents/no-such-doc")
    assert r.status_code == 404 and r.json()["error"]


# -- auth ---------------------------------------------------------------------------
def test_auth_off_by_default(http):
    assert http.get("/api/documents").status_code == 200


def test_auth_protects_api_and_ui_but_not_health(auth_url):
    with httpx.Client(base_url=auth_url, timeout=60) as c:
        r = c.get("/api/documents")
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
        assert "登录" in r.json()["message_zh"]
        assert c.get("/api/documents", auth=("staff", "wrong")).status_code == 401
        assert c.get("/openapi.json").status_code == 401
        assert c.get("/api/documents", auth=AUTH).status_code == 200
        assert c.get("/healthz").status_code == 200
        # the Gradio app behind its login: its config is refused without a session
        assert c.get("/config").status_code in (401, 403)
        login = c.post("/login", data={"username": AUTH[0], "password": AUTH[1]})
        assert login.status_code == 200
        assert c.get("/config").status_code == 200


def test_a_server_without_an_index_says_how_to_build_it(tmp_path, settings):
    from assistant.web.api import create_app
    from tests.web.conftest import serve

    empty = settings.with_(data_dir=tmp_path)
    with serve(create_app(empty, ui=False)) as url, httpx.Client(base_url=url, timeout=60) as c:
        health = c.get("/healthz").json()
        assert health["index_loaded"] is False and "ingest" in health["message_zh"]
        r = c.post("/api/ask", json={"question": "物流平台有补助吗？"})
        assert r.status_code == 503 and "ingest" in r.json()["message_zh"]
        assert c.get("/api/documents").status_code == 503


def test_llm_mode_is_reported_and_an_endpoint_failure_falls_back(kb, settings):
    """LLM mode through the API, the remote model stood in for by a loopback server."""
    from assistant.web.api import create_app
    from assistant.chat.assistant import Assistant
    from tests.llm_standin import StandInLLM
    from tests.web.conftest import serve

    clause = _logistics_clause(kb)
    quote = clause.text[clause.text.index("按平台投资额"):clause.text.index("给予补助") + 4]
    with StandInLLM() as llm:
        llm_settings = settings.with_(llm_base_url=llm.base_url, llm_model="standin", llm_timeout=20.0)
        app = create_app(llm_settings, assistant=Assistant(kb, llm_settings), ui=False)
        with serve(app) as url, httpx.Client(base_url=url, timeout=120) as c:
            assert c.get("/healthz").json()["mode"] == "llm"
            for _ in range(3):  # a reply per call the answerer may make (tool round-trips)
                llm.enqueue(f"泉州对物流公共信息平台“{quote}”。[{clause.clause_id}]")
            r = c.post("/api/ask", json={"question": "泉州对物流公共信息平台有什么补助？"})
            assert r.status_code == 200, r.text
            answer = r.json()
            assert answer["mode"] == "llm" and quote in answer["answer"]
            for cit in answer["citations"]:
                _assert_verbatim(kb, cit)
            llm.replies.clear()
            for _ in range(3):
                llm.enqueue(status=500)
            r = c.post("/api/ask", json={"question": "泉州对物流公共信息平台有什么补助？"})
            assert r.status_code == 200
            assert r.json()["mode"] == "llm-fallback" and r.json()["citations"]


def test_ask_stream_sends_chunks_then_the_answer(http, kb):
    r, events = stream_events(http, {"question": LOGISTICS_Q})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    kinds = [e for e, _ in events]
    assert kinds[-1] == "answer" and kinds.count("chunk") >= 1 and "error" not in kinds
    answer = events[-1][1]
    assert "".join(d for e, d in events if e == "chunk").strip() == answer["answer"].strip()
    assert Decimal("400000") in _amounts(answer)
    for c in answer["citations"]:
        _assert_verbatim(kb, c)
    bad = http.post("/api/ask/stream", json={"question": " "})
    assert bad.status_code == 400 and bad.json()["message_zh"]
