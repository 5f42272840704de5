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
