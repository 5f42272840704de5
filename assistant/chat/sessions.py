"""Conversation sessions as JSON files: session id → {turns, state}.

    SessionStore(directory).new() -> id
    .load(id) -> dict        {"id", "created", "turns": [...], "state": {...}}
    .save(session)           atomic (write a temp file beside, then os.replace)
    .clear(id)
    .prune(now=None) -> int  delete sessions untouched for longer than the TTL

One file per session under ``settings.sessions_dir`` so separate CLI processes
(``ask --session ID``) continue one conversation. Ids are checked before they
touch the file system. Every /api/ask call may open a session, so stale ones are
pruned: ``new`` runs ``prune`` at most once every PRUNE_EVERY seconds (per store), and
a session keeps only its last MAX_TURNS turns.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import threading
import time
import uuid
from pathlib import Path

from index.errors import InputError

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TURNS = 50  # older turns are dropped; the follow-up state keeps what matters
PRUNE_EVERY = 3600.0  # seconds between opportunistic prunes
_STALE_TMP = 3600.0  # a temp file this old is left over from a crashed write


class SessionStore:
    """``ttl_days``: a session file not written for this long is deleted by ``prune``
    (None or <= 0: never)."""

    def __init__(self, directory: Path, ttl_days: float | None = None):
        self.directory = Path(directory)
        self.ttl_days = ttl_days
        self._lock = threading.Lock()
        self._pruned: float | None = None  # monotonic time of the last prune

    def _path(self, session_id: str) -> Path:
        if not isinstance(session_id, str) or not _ID.match(session_id):
            raise InputError(f"invalid session id {session_id!r} (letters, digits, - and _ only)",
                             zh="会话编号无效：只能包含字母、数字、- 和 _。")
        return self.directory / f"{session_id}.json"

    def new(self) -> str:
        now = time.monotonic()
        if self._pruned is None or now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            self.prune()
        session_id = uuid.uuid4().hex[:16]
        self.save(self._empty(session_id))
        return session_id

    def prune(self, now: float | None = None) -> int:
        """Delete session files (and damaged or left-over temp files) not written for
        longer than the TTL; returns how many were deleted. ``now``: epoch seconds."""
        if not self.ttl_days or self.ttl_days <= 0 or not self.directory.is_dir():
            return 0
        now = time.time() if now is None else now
        cutoff = now - self.ttl_days * 86400
        removed = 0
        for path in self.directory.iterdir():
            stale = cutoff
            if path.suffix == ".tmp":
                stale = max(cutoff, now - _STALE_TMP)
            elif path.suffix not in (".json", ".damaged"):
                continue
            try:
                if path.stat().st_mtime < stale:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # another process pruned or saved it just now
                continue
        return removed

    @staticmethod
    def _empty(session_id: str) -> dict:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        return {"id": session_id, "created": now, "turns": [], "state": {}}

    def load(self, session_id: str) -> dict:
        """The stored session, or a fresh one under that id (a CLI user may name one)."""
        path = self._path(session_id)
        if not path.exists():
            return self._empty(session_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A damaged file must not block the user: start over, keep the bad file aside.
            path.replace(path.with_suffix(".damaged"))
            return self._empty(session_id)
        data.setdefault("turns", [])
        data.setdefault("state", {})
        return data

    def save(self, session: dict) -> None:
        path = self._path(session["id"])
        session["turns"] = session.get("turns", [])[-MAX_TURNS:]
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{session['id']}.", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(session, f, ensure_ascii=False, indent=1)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def clear(self, session_id: str) -> None:
        self._path(session_id).unlink(missing_ok=True)

    def exists(self, session_id: str) -> bool:
        return self._path(session_id).exists()
