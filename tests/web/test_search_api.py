"""GET /api/search: the relevance cutoff, the highlighted sentence, filters (real server)."""
from __future__ import annotations

from assistant.web.service import NO_MATCH_ZH, RELEVANT_DENSE, RELEVANT_OVERLAP, _bigrams


def test_an_irrelevant_query_gets_no_hits_and_says_so(http):
    for q in ("红烧肉怎么做才好吃", "周末去哪里看电影", "qwerty asdf"):
        body = http.get("/api/search", params={"q": q}).json()
        assert body["count"] == 0 and body["message_zh"] == NO_MATCH_ZH, (q, body)


def test_every_hit_passes_the_cutoff_and_highlights_the_sentence_most_like_the_query(http):
    q = "物流公共信息平台 投资 补助"
    body = http.get("/api/search", params={"q": q, "k": 8}).json()
    assert body["count"] >= 1 and "message_zh" not in body
    for hit in body["results"]:
        shared = len(_bigrams(q) & _bigrams(hit["text"] + "".join(hit["path"]))) / len(_bigrams(q))
        assert (hit["dense_score"] or 0) >= RELEVANT_DENSE or shared >= RELEVANT_OVERLAP
    top = body["results"][0]
    s, e = top["highlight"]
    sentence = top["text"][s:e]
    assert "物流公共信息平台" in sentence
    others = [x for x in top["text"].replace("；", "。").split("。") if x and x not in sentence]
    assert all(len(_bigrams(q) & _bigrams(x)) <= len(_bigrams(q) & _bigrams(sentence)) for x in others)


def test_valid_only_leaves_expired_documents_out(http):
    q = "技术改造 新增设备 补贴"
    everything = http.get("/api/search", params={"q": q, "k": 20}).json()["results"]
    assert any(h["citation"]["validity"] == "已失效" for h in everything)
    valid = http.get("/api/search", params={"q": q, "k": 20, "valid_only": True}).json()["results"]
    assert valid and all(h["citation"]["validity"] != "已失效" for h in valid)
