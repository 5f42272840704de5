"""POST /api/match on the real server (loopback)."""
from __future__ import annotations


def test_match_api_returns_matches_with_conditions_and_markdown(http):
    r = http.post("/api/match", json={"region": "嘉兴", "industry": "工业设计",
                                      "levels_held": ["省级工业设计中心"], "format": "markdown"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["regions"] == ["嘉兴"] and body["matches"]
    first = body["matches"][0]
    assert first["citation"]["quote"] and first["status"] in ("met", "unknown", "not_met")
    assert all(c["status"] in ("met", "not_met", "unknown") for m in body["matches"] for c in m["conditions"])
    assert body["markdown"].startswith("# 政策匹配报告")


def test_match_api_bad_input_is_a_clear_error(http):
    r = http.post("/api/match", json={"revenue_wan": -5})
    assert r.status_code == 422 and "message_zh" in r.json()
    r = http.post("/api/match", json={"levels_held": "省级"})
    assert r.status_code == 422
