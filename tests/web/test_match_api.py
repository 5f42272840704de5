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


def test_match_report_downloads_as_printable_html_and_markdown(http, kb):
    profile = {"region": "泉州开发区", "activities": ["采购列入数控一代示范项目的产品20台，采购发票总价1000万元"]}
    r = http.post("/api/match/report", params={"format": "html"}, json=profile)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"].startswith("attachment;") and "filename*=UTF-8''" in r.headers["content-disposition"]
    page = r.text
    assert "<h1>政策匹配报告</h1>" in page and "@media print" in page and "泉州开发区" in page
    body = http.post("/api/match", json=profile).json()
    for m in body["matches"]:  # every quote in the report is the exact text of its document
        c = m["citation"]
        assert kb.documents[c["doc_id"]].text[c["start"]:c["end"]] == c["quote"]
        assert " ".join(c["quote"].split()) in page.replace("&quot;", '"')
        assert (c["doc_number"] or "无文号") in page
    md = http.post("/api/match/report", params={"format": "markdown"}, json=profile)
    assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# 政策匹配报告")
    assert "150万元" in md.text
    assert http.post("/api/match/report", params={"format": "pdf"}, json=profile).status_code == 422


def test_cli_writes_the_html_report(settings, kb, tmp_path, capsys):
    from assistant.cli.main import main

    out = tmp_path / "report.html"
    assert main(["match", "--data-dir", str(settings.data_dir), "--as-of", "2026-11-21", "--region", "泉州开发区",
                 "--activity", "采购列入数控一代示范项目的产品20台，采购发票总价1000万元", "--html", "--out", str(out)]) == 0
    assert "report written to" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "150万元" in page
    assert main(["match", "--data-dir", str(settings.data_dir), "--region", "泉州", "--out", str(out)]) == 2
    assert "--out needs" in capsys.readouterr().err
