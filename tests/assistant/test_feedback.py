"""👍/👎 records in feedback.jsonl, and `policy-assistant feedback` listing them (English)."""
from __future__ import annotations

import json
import threading

import pytest

from assistant.chat.feedback import FeedbackStore
from assistant.cli.main import main
from index.errors import InputError


def test_records_are_appended_one_line_each_and_read_back(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    assert store.read() == []
    store.add("up", "某市投资100万元能补多少？", verdict="可获补助10万元", session_id="s1", clause_ids=["d/1"])
    store.add("down", "另一个问题？", comment="金额不对，应按上限算")
    lines = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["comment"] == "金额不对，应按上限算"
    assert [r["rating"] for r in store.read()] == ["up", "down"]
    assert [r["question"] for r in store.read(rating="down")] == ["另一个问题？"]
    assert len(store.read(limit=1)) == 1 and store.read(limit=1)[0]["rating"] == "down"


def test_concurrent_writes_never_interleave_and_a_damaged_line_is_skipped(tmp_path):
    path = tmp_path / "feedback.jsonl"
    store = FeedbackStore(path)
    threads = [threading.Thread(target=lambda i=i: store.add("up", f"问题{i}", comment="长" * 900))
               for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with path.open("a", encoding="utf-8") as f:
        f.write('{"rating": "up", "quest')  # a write cut short
    assert sorted(r["question"] for r in store.read()) == sorted(f"问题{i}" for i in range(20))


def test_bad_feedback_is_refused_in_chinese(tmp_path):
    store = FeedbackStore(tmp_path / "f.jsonl")
    for kwargs in ({"rating": "meh", "question": "问"}, {"rating": "up", "question": "  "},
                   {"rating": "up", "question": "问", "comment": "长" * 1001}):
        with pytest.raises(InputError) as err:
            store.add(**kwargs)
        assert err.value.zh
    assert not (tmp_path / "f.jsonl").exists()


def test_cli_lists_feedback_in_english(tmp_path, capsys):
    assert main(["feedback", "--data-dir", str(tmp_path)]) == 0
    assert "no feedback yet" in capsys.readouterr().out
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.add("up", "问题一？", verdict="可获10万元")
    store.add("down", "问题二？", comment="引用的条款不对", clause_ids=["d/2"])
    assert main(["feedback", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 feedback records (1 up, 1 down)" in out and "comment: 引用的条款不对" in out and "DOWN" in out
    assert main(["feedback", "--data-dir", str(tmp_path), "--rating", "down", "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in rows] == ["问题二？"]
    assert main(["feedback", "--data-dir", str(tmp_path), "--limit", "0"]) == 2
    assert "--limit" in capsys.readouterr().err
