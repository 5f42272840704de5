"""Report downloads do not pile up folders in the temp dir."""
from __future__ import annotations

import pytest

from assistant.web.report_files import ReportFiles


def test_only_the_latest_reports_are_kept_and_cleanup_removes_the_folder(tmp_path):
    files = ReportFiles(keep=3, parent=str(tmp_path))
    paths = [files.save("政策匹配报告-2026-01-01.html", f"<p>{i}</p>") for i in range(10)]
    assert len(list(tmp_path.iterdir())) == 1  # one folder per server, not one per report
    root = files.root
    assert len([p for p in root.iterdir()]) == 3
    from pathlib import Path
    assert Path(paths[-1]).read_text(encoding="utf-8") == "<p>9</p>"
    assert Path(paths[-1]).name == "政策匹配报告-2026-01-01.html"  # the name the owner sees
    assert not Path(paths[0]).exists()
    files.cleanup()
    assert not root.exists() and list(tmp_path.iterdir()) == []
    # a save after cleanup starts a fresh folder
    again = files.save("r.md", "x")
    assert Path(again).read_text(encoding="utf-8") == "x"
    files.cleanup()


def test_keep_must_be_positive():
    with pytest.raises(ValueError, match="keep must be at least 1, got 0"):
        ReportFiles(keep=0)
