"""👍/👎 on an answer, with an optional comment: one JSON line each in ``<data dir>/feedback.jsonl``.

    FeedbackStore(path).add(rating, question, ...) -> dict     (the record written)
    FeedbackStore(path).read(rating=None, limit=None) -> list[dict]   (newest last)

One ``write`` of one line under a lock with O_APPEND, so concurrent requests never
interleave; a damaged line (a disk that filled up mid-write) is skipped on reading, the rest
is kept. Bad input raises ``InputError`` with a Chinese message.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path

from index.errors import InputError

RATINGS = {"up": "👍", "down": "👎"}
MAX_COMMENT = 1000
MAX_TEXT = 4000
_LOCK = threading.Lock()


def feedback_path(settings) -> Path:
    return Path(settings.data_dir) / "feedback.jsonl"


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = Path(path)

    def add(self, rating: str, question: str, verdict: str = "", comment: str = "", session_id: str = "",
            clause_ids: list[str] | None = None, mode: str = "", as_of: str = "") -> dict:
        """Append one record; returns it. ``rating`` is "up" or "down"."""
        if rating not in RATINGS:
            raise InputError(f"rating must be 'up' or 'down', not {rating!r}", zh="评价只能是 👍 或 👎。")
        question = (question or "").strip()
        if not question:
            raise InputError("question is empty", zh="请说明评价的是哪个问题的回答。")
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise InputError(f"comment is {len(comment)} characters; the limit is {MAX_COMMENT}",
                             zh=f"意见过长（{len(comment)}字），请控制在{MAX_COMMENT}字以内。")
        record = {
            "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "rating": rating, "comment": comment, "question": question[:MAX_TEXT],
            "verdict": (verdict or "")[:MAX_TEXT], "session_id": session_id or "",
            "clause_ids": [str(c) for c in (clause_ids or [])][:20], "mode": mode or "", "as_of": as_of or "",
        }
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _LOCK:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        return record

    def read(self, rating: str | None = None, limit: int | None = None) -> list[dict]:
        """The records (oldest first), optionally only one rating and only the last ``limit``."""
        if not self.path.exists():
            return []
        out = []
        for raw in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and (rating is None or rec.get("rating") == rating):
                out.append(rec)
        return out[-limit:] if limit else out
