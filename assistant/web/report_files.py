"""Report files for the UI's download buttons, kept in one folder per server and pruned.

    ReportFiles(keep=8).save(name, content) -> str   the file's path (the name the owner sees)
    ReportFiles.cleanup()                              remove the folder (also at exit)

Gradio serves a download from a path, so a report must be a file; one sub-folder per report
(the owner's file name is the same for every report of a day) under a single folder, of which
only the latest ``keep`` stay, and the folder goes when the server stops: nothing piles up in
the system's temp dir. Gradio's own copies are aged out by ``delete_cache`` in ``build_ui``.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path


class ReportFiles:
    def __init__(self, keep: int = 8, parent: str | None = None):
        if keep < 1:
            raise ValueError(f"keep must be at least 1, got {keep}")
        self.keep, self.parent = keep, parent
        self.root: Path | None = None
        self._count = 0
        self._lock = threading.Lock()

    def save(self, name: str, content: str) -> str:
        with self._lock:
            if self.root is None or not self.root.exists():
                self.root = Path(tempfile.mkdtemp(prefix="pa-reports-", dir=self.parent))
                atexit.register(self.cleanup)
            self._count += 1
            folder = self.root / f"{self._count:06d}"
            folder.mkdir()
            path = folder / Path(name).name
            path.write_text(content, encoding="utf-8")
            for old in sorted(p for p in self.root.iterdir() if p.is_dir())[:-self.keep]:
                shutil.rmtree(old, ignore_errors=True)
            return str(path)

    def cleanup(self) -> None:
        with self._lock:
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None


REPORTS = ReportFiles()
