"""Document management without a server: stored file names, the change log and `doc-log`."""
from __future__ import annotations

import json

from assistant.cli.main import main
from assistant.web.documents import LOG_NAME, read_changes, safe_filename


def test_upload_names_lose_folders_and_odd_characters():
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_filename("C:\\Users\\x\\某市促进制造业发展若干措施.DOCX") == "某市促进制造业发展若干措施.docx"
    assert safe_filename("政策 (修订版)；2026.pdf") == "政策_修订版_2026.pdf"
    assert safe_filename(".pdf") == "document.pdf"


def test_the_change_log_is_listed_newest_first_and_a_damaged_line_is_skipped(tmp_path, capsys):
    entries = [{"time": "2026-12-01T09:00:00+00:00", "user": "editor", "action": "publish", "doc_id": "a",
                "title": "某市关于支持仓储发展的若干措施"},
               {"time": "2026-12-02T09:00:00+00:00", "user": "clerk", "action": "remove", "doc_id": "a"}]
    lines = [json.dumps(entries[0], ensure_ascii=False), "{not json", json.dumps(entries[1], ensure_ascii=False)]
    (tmp_path / LOG_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")

    class S:
        data_dir = tmp_path

    assert [e["action"] for e in read_changes(S)] == ["remove", "publish"]
    assert main(["doc-log", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[1:3] == ["clerk", "remove"] and "某市关于支持仓储发展的若干措施" in out[1]
    assert main(["doc-log", "--data-dir", str(tmp_path / "empty")]) == 0
    assert "no document changes" in capsys.readouterr().out


class _Service:
    """Enough of ``Service`` for the library's own bookkeeping (no index open)."""

    def __init__(self, data_dir):
        import datetime as dt

        self.settings = type("S", (), {"data_dir": data_dir, "index_dir": data_dir / "index"})()
        self._day = dt.date(2026, 11, 21)

    def as_of(self):
        return self._day

    @property
    def kb(self):
        from index.errors import IndexNotBuiltError

        raise IndexNotBuiltError("no index")


DOC = "某市关于支持仓储发展的若干措施\n\n一、对新建仓库的，给予10万元补助。\n\n二、对新认定的示范企业，给予5万元奖励。\n"


def test_unpublished_uploads_are_swept_after_the_keep_limit_and_the_preview_says_so(tmp_path, monkeypatch):
    import os
    import time

    import pytest

    from assistant.web.documents import DocumentLibrary, _staging_dir
    from index.errors import ConfigError, InputError

    monkeypatch.setenv("POLICY_UPLOAD_KEEP_HOURS", "2")
    lib = DocumentLibrary(_Service(tmp_path), enabled=True)
    old = lib.preview("仓储.txt", DOC.encode(), "editor")
    assert old["publishable"] and "2 小时" in old["keep_note"] and old["keep_hours"] == 2
    new = lib.preview("仓储二.txt", DOC.encode(), "editor")
    three_hours_ago = time.time() - 3 * 3600
    os.utime(_staging_dir(lib.settings) / old["upload_id"], (three_hours_ago, three_hours_ago))

    DocumentLibrary(_Service(tmp_path), enabled=True)  # a restart sweeps
    left = {p.name for p in _staging_dir(lib.settings).iterdir()}
    assert left == {new["upload_id"]}
    with pytest.raises(InputError) as err:
        lib.publish(old["upload_id"], "editor")
    assert "重新上传" in err.value.zh
    expired = [e for e in read_changes(lib.settings) if e["action"] == "uploads_expired"]
    assert expired and expired[0]["upload_ids"] == [old["upload_id"]]

    monkeypatch.setenv("POLICY_UPLOAD_KEEP_HOURS", "0")
    with pytest.raises(ConfigError):
        lib.sweep_uploads()
    monkeypatch.setenv("POLICY_UPLOAD_KEEP_HOURS", "72")
    assert "3 天" in lib.preview("仓储三.txt", DOC.encode(), "editor")["keep_note"]


def test_a_replacement_cut_short_by_a_stop_is_rolled_back_and_reported_interrupted(tmp_path):
    import json

    from assistant.web.documents import (
        DocumentLibrary,
        Job,
        _jobs_dir,
        _staging_dir,
        managed_dir,
    )

    settings = _Service(tmp_path).settings
    # the state a stop leaves: the old version moved to the job's backup, the new one copied in,
    # the job file saying running
    staged = _staging_dir(settings) / "abc123"
    staged.mkdir(parents=True)
    (staged / "仓储.txt").write_text(DOC + "三、新增条款。\n", encoding="utf-8")
    (staged / "preview.json").write_text(json.dumps({"filename": "仓储.txt", "sha256": "x", "doc_id": "仓储"}),
                                         encoding="utf-8")
    managed_dir(settings).mkdir(parents=True)
    (managed_dir(settings) / "仓储.txt").write_text(DOC + "三、新增条款。\n", encoding="utf-8")
    job = Job("job1", "publish", "仓储", "editor", state="running", phase="向量化新条款", upload_id="abc123")
    (_jobs_dir(settings) / "job1").mkdir(parents=True)
    (_jobs_dir(settings) / "job1" / "仓储.md").write_text(DOC, encoding="utf-8")  # the old version
    (_jobs_dir(settings) / "job1.json").write_text(json.dumps(job.__dict__), encoding="utf-8")

    lib = DocumentLibrary(_Service(tmp_path), enabled=False)  # a restart, with or without a login
    got = lib.job("job1")
    assert got.state == "interrupted" and "重新发布" in got.message_zh
    assert sorted(p.name for p in managed_dir(settings).iterdir()) == ["仓储.md"]  # the old version back
    assert (managed_dir(settings) / "仓储.md").read_text(encoding="utf-8") == DOC
    assert json.loads((_jobs_dir(settings) / "job1.json").read_text(encoding="utf-8"))["state"] == "interrupted"
    assert (staged / "仓储.txt").is_file()  # the upload is kept for the retry
    assert read_changes(settings)[0]["action"] == "publish_interrupted"
    assert DocumentLibrary(_Service(tmp_path), enabled=False).job("job1").state == "interrupted"  # once only
    assert [e["action"] for e in read_changes(settings)].count("publish_interrupted") == 1


def test_a_cut_short_publish_stays_listed_until_finished_or_past_the_keep_time(tmp_path, monkeypatch):
    import json
    import time

    from assistant.web.documents import DocumentLibrary, Job, _jobs_dir, _staging_dir
    from assistant.web.documents_render import interrupted_html

    settings = _Service(tmp_path).settings
    staged = _staging_dir(settings) / "up1"
    staged.mkdir(parents=True)
    (staged / "冷链.txt").write_text(DOC, encoding="utf-8")
    (staged / "preview.json").write_text(json.dumps({"filename": "冷链.txt", "sha256": "x", "doc_id": "冷链"}),
                                         encoding="utf-8")
    _jobs_dir(settings).mkdir(parents=True)
    cut = Job("j1", "publish", "冷链", "editor", state="running", phase="向量化新条款", upload_id="up1")
    (_jobs_dir(settings) / "j1.json").write_text(json.dumps(cut.__dict__), encoding="utf-8")
    gone = Job("j2", "remove", "旧文件", "editor", state="running", phase="写入索引")
    (_jobs_dir(settings) / "j2.json").write_text(json.dumps(gone.__dict__), encoding="utf-8")

    lib = DocumentLibrary(_Service(tmp_path), enabled=True)  # the restart marks both interrupted
    pending = {j["job_id"]: j for j in lib.interrupted()}
    assert set(pending) == {"j1", "j2"}
    assert pending["j1"]["filename"] == "冷链.txt" and pending["j1"]["retry"] is True
    assert pending["j2"]["retry"] is False  # a removal has no kept upload: it is done again by hand
    html = interrupted_html(list(pending.values()))
    assert "2 项" in html and "冷链.txt" in html and "重新发布" in html and "旧文件" in html
    assert interrupted_html([]) == ""

    # a later publish of the same upload that ended done finishes it; the removal stays listed
    done = Job("j3", "publish", "冷链", "editor", state="done", upload_id="up1", started=time.time() + 1)
    lib._jobs["j3"] = done
    assert [j["job_id"] for j in lib.interrupted()] == ["j2"]

    # past the upload keep-time the notice is no longer shown
    monkeypatch.setenv("POLICY_UPLOAD_KEEP_HOURS", "1")
    assert lib.interrupted(now=time.time() + 2 * 3600) == []
