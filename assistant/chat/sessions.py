"""Conversation sessions as JSON files: session id → {turns, state}.

    SessionStore(directory).new() -> id
    .load(id) -> dict        {"id", "created", "turns": [...], "state": {...}}
    .record(session, state, turn) -> bool   locked read-modify-write of one turn
    .save(session)           atomic (write a temp file beside, then os.replace)
    .clear(id)
    .prune(now=None) -> int  delete sessions untouched for longer than the TTL, and the
                             oldest beyond the cap of ``max_sessions`` files
    .writable() -> str | None   why the store cannot write (None when it can)

One file per session under ``settings.sessions_dir`` so separate CLI processes
(``ask --session ID``) continue one conversation. Ids are checked before they
touch the file system.

Growth is bounded (chosen over "write nothing on a first turn", because a follow-up needs
the first turn's state on disk): every /api/ask may open a session, so ``new`` prunes at most
once every PRUNE_EVERY seconds or every PRUNE_EVERY_NEW sessions, deleting sessions past the
TTL and then the least recently written beyond ``max_sessions`` (env POLICY_MAX_SESSIONS,
default 5000); a session keeps only its last MAX_TURNS turns.

Concurrency: ``record`` re-reads the file under a per-session lock (a thread lock, plus an
``fcntl`` lock across processes), appends the turn, sets the state and writes it back, so
20 follow-ups sent at once on one session keep all their turns.

Damage: a file that is not JSON, or JSON of the wrong shape (not an object, ``turns`` not a
list of objects, ``state`` not an object with fields of the right types), is moved aside to
``<id>.damaged`` and the conversation starts over; the fresh session carries NOTICE under
the key ``"notice"`` so the user is told that the earlier history was lost.

A disk that cannot be written (full, read-only) never stops an answer: ``new`` still returns
an id and ``record`` returns False (the caller says the turn was not saved).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from pathlib import Path

from assistant.question.followup import ConversationState
from index.config import env_number
from index.errors import InputError

try:  # cross-process locking where the platform has it
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

log = logging.getLogger("policy_assistant.sessions")

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TURNS = 50  # older turns are dropped; the follow-up state keeps what matters
PRUNE_EVERY = 3600.0  # seconds between opportunistic prunes
PRUNE_EVERY_NEW = 200  # … or after this many new sessions
DEFAULT_MAX_SESSIONS = 5000
_STALE_TMP = 3600.0  # a temp file this old is left over from a crashed write
NOTICE = "之前的对话记录已损坏，已重新开始。"
NOT_SAVED = "本次对话未能保存（服务器存储暂不可写），追问时可能无法联系上文。"


def _max_sessions() -> int:
    return max(1, int(env_number("POLICY_MAX_SESSIONS", DEFAULT_MAX_SESSIONS, "sessions")))


_STATE_TYPES = {f.name: type(f.default if f.default is not dataclasses.MISSING else f.default_factory())
                for f in dataclasses.fields(ConversationState)}


def shape_problem(data) -> str | None:
    """Why ``data`` is not a usable session (None when it is)."""
    if not isinstance(data, dict):
        return f"a session must be a JSON object, not {type(data).__name__}"
    turns = data.get("turns", [])
    if not isinstance(turns, list) or not all(isinstance(t, dict) for t in turns):
        return "turns must be a list of objects"
    state = data.get("state", {})
    if not isinstance(state, dict):
        return "state must be an object"
    for name, kind in _STATE_TYPES.items():
        if name not in state or state[name] is None:
            continue
        value = state[name]
        if not isinstance(value, kind):
            return f"state.{name} must be {kind.__name__}"
        if kind is list and not all(isinstance(v, str) for v in value):
            return f"state.{name} must hold text"
        if kind is dict and not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            return f"state.{name} must map text to text"
    return None


class SessionStore:
    """``ttl_days``: a session file not written for this long is deleted by ``prune``
    (None or <= 0: never). ``max_sessions``: the most session files kept (None: env/default)."""

    _locks = tuple(threading.Lock() for _ in range(256))  # striped by session: bounded memory

    def __init__(self, directory: Path, ttl_days: float | None = None, max_sessions: int | None = None):
        self.directory = Path(directory)
        self.ttl_days = ttl_days
        self.max_sessions = max_sessions or _max_sessions()
        self._lock = threading.Lock()
        self._pruned: float | None = None  # monotonic time of the last prune
        self._new_since_prune = 0

    def _path(self, session_id: str) -> Path:
        if not isinstance(session_id, str) or not _ID.match(session_id):
            raise InputError(f"invalid session id {session_id!r} (letters, digits, - and _ only)",
                             zh="会话编号无效：只能包含字母、数字、- 和 _。")
        return self.directory / f"{session_id}.json"

    # -- creating and pruning ------------------------------------------------------
    def new(self) -> str:
        now = time.monotonic()
        self._new_since_prune += 1
        if self._pruned is None or now - self._pruned >= PRUNE_EVERY or self._new_since_prune >= PRUNE_EVERY_NEW:
            self._pruned, self._new_since_prune = now, 0
            try:
                self.prune()
            except OSError as exc:
                log.warning("cannot prune sessions in %s: %s", self.directory, exc)
        session_id = uuid.uuid4().hex[:16]
        try:
            self.save(self._empty(session_id))
        except OSError as exc:  # the answer goes on; record() says the turn was not saved
            log.warning("cannot write session %s: %s", session_id, exc)
        return session_id

    def prune(self, now: float | None = None) -> int:
        """Delete session files (and damaged or left-over temp files) not written for
        longer than the TTL, then the least recently written sessions beyond
        ``max_sessions``; returns how many were deleted. ``now``: epoch seconds."""
        if not self.directory.is_dir():
            return 0
        now = time.time() if now is None else now
        ttl = self.ttl_days if self.ttl_days and self.ttl_days > 0 else None
        cutoff = now - ttl * 86400 if ttl else float("-inf")
        removed = 0
        kept: list[tuple[float, Path]] = []
        for path in self.directory.iterdir():
            stale = cutoff
            if path.suffix == ".tmp":
                stale = max(cutoff, now - _STALE_TMP)
            elif path.suffix not in (".json", ".damaged"):
                continue
            try:
                mtime = path.stat().st_mtime
                if mtime < stale:
                    path.unlink()
                    removed += 1
                elif path.suffix == ".json":
                    kept.append((mtime, path))
            except FileNotFoundError:  # another process pruned or saved it just now
                continue
        if len(kept) > self.max_sessions:
            kept.sort()
            for _, path in kept[:len(kept) - self.max_sessions]:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        return removed

    @staticmethod
    def _empty(session_id: str) -> dict:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        return {"id": session_id, "created": now, "turns": [], "state": {}}

    # -- reading -------------------------------------------------------------------
    def load(self, session_id: str) -> dict:
        """The stored session, or a fresh one under that id (a CLI user may name one).
        A damaged file is moved aside and the fresh session carries ``"notice"``."""
        path = self._path(session_id)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self._empty(session_id)
        except (OSError, ValueError) as exc:
            return self._set_aside(path, session_id, f"unreadable ({exc})")
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            return self._set_aside(path, session_id, f"not JSON ({exc})")
        problem = shape_problem(data)
        if problem:
            return self._set_aside(path, session_id, problem)
        data["id"] = session_id
        data.setdefault("turns", [])
        data["state"] = {k: v for k, v in (data.get("state") or {}).items() if v is not None}
        return data

    def _set_aside(self, path: Path, session_id: str, why: str) -> dict:
        # A damaged file must not block the user: start over, keep the bad file aside, say so.
        log.warning("session %s is damaged (%s); moved aside", session_id, why)
        with contextlib.suppress(OSError):
            path.replace(path.with_suffix(".damaged"))
        fresh = self._empty(session_id)
        fresh["notice"] = NOTICE
        return fresh

    # -- writing -------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, session_id: str):
        """Holds the session's lock (threads of this process, and other processes)."""
        self._path(session_id)  # checks the id
        lock = SessionStore._locks[hash(f"{self.directory}/{session_id}") % len(SessionStore._locks)]
        with lock:
            handle = None
            if fcntl is not None:
                try:
                    self.directory.mkdir(parents=True, exist_ok=True)
                    handle = open(self.directory / ".lock", "a")
                    fcntl.flock(handle, fcntl.LOCK_EX)
                except OSError:
                    handle = None  # a read-only dir: the write fails anyway, the thread lock holds
            try:
                yield
            finally:
                if handle is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()

    def record(self, session: dict, state: dict, turn: dict) -> bool:
        """Append ``turn`` and set ``state`` on the stored session, re-read under its lock
        (turns written meanwhile by concurrent requests are kept). ``session`` is updated
        in place. False when the disk refused the write (the answer still stands)."""
        sid = session["id"]
        try:
            with self.locked(sid):
                current = self.load(sid)
                current.pop("notice", None)
                current["turns"].append(turn)
                current["state"] = state
                self.save(current)
        except OSError as exc:
            log.warning("cannot save session %s: %s", sid, exc)
            session["state"] = state
            session["turns"] = [*session.get("turns", []), turn][-MAX_TURNS:]
            return False
        session.update(current)
        return True

    def save(self, session: dict) -> None:
        path = self._path(session["id"])
        session["turns"] = session.get("turns", [])[-MAX_TURNS:]
        data = {k: v for k, v in session.items() if k != "notice"}
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{session['id']}.", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(data, f, ensure_ascii=False, indent=1)
                    f.flush()
                    os.fsync(f.fileno())  # the turn survives a power loss, not only a killed process
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def clear(self, session_id: str) -> None:
        self._path(session_id).unlink(missing_ok=True)

    def exists(self, session_id: str) -> bool:
        return self._path(session_id).exists()

    def writable(self) -> str | None:
        """None when a session can be written here; otherwise why not (for /healthz)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".probe.", suffix=".tmp", dir=self.directory)
            try:
                os.write(fd, b"{}" * 512)
                os.fsync(fd)
            finally:
                os.close(fd)
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            return f"sessions folder {self.directory} is not writable: {exc.strerror or exc}"
        return None
