"""index/builds.py: the live pointer, reader locks and cleanup (plain folders, no model)."""
from __future__ import annotations

from pathlib import Path

from index.config import Settings
from index import builds


def _fake_build(root: Path, name: str, complete: bool = True) -> Path:
    folder = root / "builds" / name
    folder.mkdir(parents=True)
    (folder / builds.READERS_LOCK).touch()
    if complete:
        (folder / builds.MANIFEST).write_text("{}", "utf-8")
    return folder


def _settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path, chroma_url="")


def test_swap_and_current(tmp_path):
    root = tmp_path / "index"
    assert builds.current_dir(root) is None and builds.current_name(root) == ""
    a = _fake_build(root, "a")
    _fake_build(root, "half", complete=False)
    builds.swap_current(root, "half")
    assert builds.current_dir(root) is None  # a pointer to an unfinished build is no build
    builds.swap_current(root, "a")
    assert builds.current_dir(root) == a and not list(root.glob("CURRENT.*.tmp"))


def test_cleanup_keeps_what_is_kept_or_held_and_removes_the_rest(tmp_path):
    root = tmp_path / "index"
    old, held, prev, live = (_fake_build(root, n) for n in ("1-old", "2-held", "3-prev", "4-live"))
    killed = _fake_build(root, "5-killed", complete=False)
    (killed / builds.READERS_LOCK).unlink()  # killed before the lock file was made
    (root / "CURRENT.123.tmp").write_text("x")
    reader = builds.hold_build(held)
    assert reader is not None
    removed = builds.clean_builds(root, keep=[live, prev])
    assert sorted(removed) == ["1-old", "5-killed"]
    assert sorted(p.name for p in (root / "builds").iterdir()) == ["2-held", "3-prev", "4-live"]
    assert not (root / "CURRENT.123.tmp").exists()
    reader.close()  # the reader moved on: the next cleanup takes its build
    assert builds.clean_builds(root, keep=[live, prev]) == ["2-held"]


def test_two_readers_share_a_build_and_a_removed_build_cannot_be_held(tmp_path):
    root = tmp_path / "index"
    build = _fake_build(root, "a")
    first, second = builds.hold_build(build), builds.hold_build(build)
    assert first is not None and second is not None  # shared locks
    first.close()
    assert builds.clean_builds(root, keep=[]) == []  # one still reads
    second.close()
    assert builds.clean_builds(root, keep=[]) == ["a"]
    assert builds.hold_build(build) is None


def test_previous_build_is_the_newest_complete_one_before_the_live_one(tmp_path):
    root = tmp_path / "index"
    _fake_build(root, "1-old")
    prev = _fake_build(root, "2-prev")
    _fake_build(root, "3-killed", complete=False)
    live = _fake_build(root, "4-live")
    _fake_build(root, "5-after", complete=True)  # finished but never swapped in: not "before"
    assert builds.previous_dir(root, live) == prev
    assert builds.previous_dir(root, prev).name == "1-old"
    assert builds.previous_dir(root, root / "builds" / "1-old") is None
    assert builds.previous_dir(root, None) is None


def test_records_are_read_back_alike_from_the_compact_copy_and_it_follows_the_json(tmp_path):
    from dataclasses import fields

    from index.records import Clause, Document

    folder = _fake_build(tmp_path, "b1")
    doc = Document(doc_id="d1", source_path="d1.txt", sha256="0" * 64, title="某市扶持办法", text="第一条 给予补助。",
                   region="某市", dates={"印发": "2024-01-02"}, warnings=["篇幅"])
    clause = Clause(clause_id="d1/1", doc_id="d1", path=("第一条",), display_path="第一条", text="给予补助。",
                    start=4, end=9, responsible_units=("市财政局",))
    builds.write_json(folder / builds.DOCS, [{**doc.__dict__}])
    builds.write_json(folder / builds.CLAUSES, [clause.to_dict()])

    first = builds.load_records(folder)  # from the JSON; writes the compact copy
    assert (folder / builds.RECORDS).is_file()
    second = builds.load_records(folder)
    for a, b, kind in ((first[0]["d1"], second[0]["d1"], Document), (first[1]["d1/1"], second[1]["d1/1"], Clause)):
        for f in fields(kind):
            assert getattr(a, f.name) == getattr(b, f.name) and type(getattr(a, f.name)) is type(getattr(b, f.name))

    # the JSON rewritten (a repaired build): the stale copy is not used
    builds.write_json(folder / builds.CLAUSES, [{**clause.to_dict(), "text": "给予奖励。"}])
    assert builds.load_records(folder)[1]["d1/1"].text == "给予奖励。"
    # a damaged copy is ignored
    (folder / builds.RECORDS).write_bytes(b"\x00garbage")
    assert builds.load_records(folder)[1]["d1/1"].text == "给予奖励。"
