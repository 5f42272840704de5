"""Sessions under damage, concurrency and a disk that refuses writes."""
from __future__ import annotations

import json
import threading

import pytest

from assistant.chat.sessions import NOT_SAVED, NOTICE, SessionStore, shape_problem


@pytest.mark.parametrize("content", [
    "null", "[]", '"text"', "42",
    '{"turns": "not a list", "state": {}}',
    '{"turns": [1, 2], "state": {}}',
    '{"turns": [], "state": []}',
    '{"turns": [], "state": {"doc_ids": "a"}}',
    '{"turns": [], "state": {"facts": {"投资额": 5}}}',
    '{"turns": [], "state": {"question": 7}}',
    "[" * 50_000,
    "{not json",
])
def test_a_wrong_shaped_session_is_moved_aside_and_the_user_told(tmp_path, content):
    store = SessionStore(tmp_path)
    (tmp_path / "abc.json").write_text(content, encoding="utf-8")
    session = store.load("abc")
    assert session["turns"] == [] and session["state"] == {} and session["notice"] == NOTICE
    assert not (tmp_path / "abc.json").exists()
    assert (tmp_path / "abc.damaged").read_text(encoding="utf-8") == content
    assert store.record(session, {"question": "q"}, {"question": "q"})
    stored = json.loads((tmp_path / "abc.json").read_text(encoding="utf-8"))
    assert "notice" not in stored and len(stored["turns"]) == 1


def test_a_good_session_has_no_shape_problem(tmp_path):
    good = {"turns": [{"question": "x"}], "state": {"question": "x", "doc_ids": ["a"], "facts": {"k": "1"},
                                                     "unknown_field": 3}}
    assert shape_problem(good) is None


def test_concurrent_records_on_one_session_keep_every_turn(tmp_path):
    store = SessionStore(tmp_path)
    sid = store.new()
    stale = store.load(sid)  # every thread starts from the same (empty) read, as requests do
    barrier = threading.Barrier(20)

    def one(i):
        barrier.wait()
        store.record(dict(stale, turns=list(stale["turns"])), {"question": str(i)}, {"question": str(i)})

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    turns = store.load(sid)["turns"]
    assert sorted(int(t["question"]) for t in turns) == list(range(20))


def test_the_number_of_session_files_is_capped(tmp_path):
    import os

    store = SessionStore(tmp_path, ttl_days=30, max_sessions=10)
    ids = [store.new() for _ in range(25)]
    for i, sid in enumerate(ids):  # distinct write times, oldest first
        os.utime(tmp_path / f"{sid}.json", (1_000_000 + i, 1_000_000 + i))
    store.prune(now=1_000_100)
    left = {p.stem for p in tmp_path.glob("*.json")}
    assert left == set(ids[-10:])


def test_a_store_that_cannot_write_still_gives_ids_and_says_so(tmp_path):
    blocked = tmp_path / "sessions"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    store = SessionStore(blocked)
    sid = store.new()  # no exception: the answer goes on
    session = store.load(sid)
    assert store.record(session, {"question": "q"}, {"question": "q"}) is False
    assert session["turns"] == [{"question": "q"}]
    assert "not writable" in store.writable()
    assert SessionStore(tmp_path / "fine").writable() is None
    assert NOT_SAVED
