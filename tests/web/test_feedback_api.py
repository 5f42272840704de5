"""POST/GET /api/feedback on the real server (loopback); the CLI reads what the API wrote."""
from __future__ import annotations

from assistant.cli.main import main


def test_feedback_round_trip_through_api_and_cli(http, settings, capsys):
    r = http.post("/api/feedback", json={"rating": "down", "question": "某问题？", "verdict": "可获10万元",
                                         "comment": "金额应为20万元", "session_id": "abc", "clause_ids": ["d/1"]})
    assert r.status_code == 200, r.text
    assert r.json()["saved"] is True and r.json()["message_zh"]
    listed = http.get("/api/feedback", params={"rating": "down"}).json()
    assert any(f["comment"] == "金额应为20万元" and f["session_id"] == "abc" for f in listed["feedback"])
    assert main(["feedback", "--data-dir", str(settings.data_dir), "--rating", "down"]) == 0
    assert "comment: 金额应为20万元" in capsys.readouterr().out


def test_feedback_bad_input_is_a_clear_error(http):
    r = http.post("/api/feedback", json={"rating": "meh", "question": "问"})
    assert r.status_code == 422 and "message_zh" in r.json()
    r = http.post("/api/feedback", json={"rating": "up", "question": ""})
    assert r.status_code == 422
    r = http.post("/api/feedback", json={"rating": "up", "question": "问", "comment": "长" * 1001})
    assert r.status_code == 422
