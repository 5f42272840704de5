"""Versioned build folders under ``settings.index_dir``: the live pointer, locks, cleanup.

    current_dir(root) -> Path | None          the live, complete build (or None)
    swap_current(root, version)               make a finished build live, atomically
    build_lock(root)                          one writer at a time (context manager)
    hold_build(build) -> file | None          a reader's shared lock on one build
    clean_builds(root, keep, drop=None)       remove builds nobody needs any more
    previous_dir(root, current) -> Path | None  the newest complete build older than ``current``
    load_records(build) -> (documents, clauses)

Layout::

    CURRENT                      name of the live build (swapped with os.replace)
    builds/<version>/            manifest.json, documents.json, clauses.json, vectors.npy,
                                 vector_keys.json, bm25/, chroma/, .readers.lock,
                                 records.marshal (a compact copy of the two record files)

A build folder is removed only when it is not kept (the new and the previous live
build are) and no open reader holds its ``.readers.lock``: a server that has not yet
moved to a new build keeps reading the one it opened.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from index.records import Clause, Document

FORMAT = 1
MANIFEST, DOCS, CLAUSES = "manifest.json", "documents.json", "clauses.json"
VECTORS, VECTOR_KEYS = "vectors.npy", "vector_keys.json"  # rows follow clauses.json; keys = text hashes
BM25_DIR, CHROMA_DIR, CURRENT = "bm25", "chroma", "CURRENT"
READERS_LOCK = ".readers.lock"


def new_version() -> str:
    """A sortable, unique build name (UTC time + random suffix)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def current_name(root: Path) -> str:
    """The name written in CURRENT ('' when there is none)."""
    try:
        return (Path(root) / CURRENT).read_text("utf-8").strip()
    except FileNotFoundError:
        return ""


def current_dir(root: Path) -> Path | None:
    """The live build folder, or None when there is no complete build."""
    name = current_name(root)
    build = Path(root) / "builds" / name
    return build if name and (build / MANIFEST).exists() else None


def swap_current(root: Path, version: str) -> None:
    tmp = Path(root) / f"{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(version + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, Path(root) / CURRENT)  # atomic: readers see the old or the new build, never half
    fsync_dir(root)


@contextmanager
def build_lock(root: Path):
    """One build at a time per index folder (a second ingest waits)."""
    with open(Path(root) / ".build.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def hold_build(build: Path):
    """Build folder → open file holding a shared lock on it (None when it cannot be taken).

    The lock lasts until the file is closed (or garbage-collected); cleanup skips a build
    while any reader holds it. A read-only index folder just goes without.
    """
    try:
        fh = open(Path(build) / READERS_LOCK, "a")
    except OSError:
        return None
    try:
        fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:  # a cleaner holds it exclusively: the folder is on its way out
        fh.close()
        return None
    return fh


def _in_use(folder: Path):
    """Folder → (in use by a reader?, exclusive handle to keep while deleting)."""
    try:
        fh = open(folder / READERS_LOCK, "r")
    except OSError:  # no lock file: a killed build, or one written before readers locked
        return False, None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return True, None
    return False, fh


def clean_builds(root: Path, keep, drop=None) -> list[str]:
    """Remove build folders (and their server collections) that are neither kept nor read.

    ``keep``: folders to leave whatever happens (the live build, the one before it). ``drop(folder)``,
    when given, removes what a build holds outside its folder (a Chroma server's collection).
    Also removes pointer files left by a swap cut short. Returns the removed names.
    """
    keep = {Path(k).resolve() for k in keep if k is not None}
    removed = []
    for folder in sorted((Path(root) / "builds").iterdir()):
        if folder.resolve() in keep:
            continue
        busy, handle = _in_use(folder)
        if busy:
            continue
        try:
            if drop is not None:
                drop(folder)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
        finally:
            if handle is not None:
                handle.close()
    for tmp in Path(root).glob(f"{CURRENT}.*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


def previous_dir(root: Path, current: Path | None) -> Path | None:
    """The build that was live before ``current``: the newest complete build whose (time-sorted)
    name is older. Kept by cleanup, as the build a server that has not refreshed may still read."""
    if current is None:
        return None
    older = [f for f in (Path(root) / "builds").iterdir()
             if f.name < Path(current).name and (f / MANIFEST).exists()]
    return max(older, key=lambda f: f.name) if older else None


def load_records(build: Path) -> tuple[dict[str, Document], dict[str, Clause]]:
    """Build folder → ({doc_id: Document}, {clause_id: Clause}).

    Read from ``records.marshal`` when it matches the build's JSON files and today's record
    fields (a third of the time: at 265 documents 0.09 vs 0.24 s, most of it JSON parsing),
    else from the JSON files, after which that compact copy is written for the next process."""
    build = Path(build)
    cached = _read_compact(build)
    if cached is not None:
        return cached
    # keep only known fields, so an index written before a record gained/lost a field still opens
    doc_fields = {f.name for f in fields(Document)}
    clause_fields = {f.name for f in fields(Clause)}
    docs = {d["doc_id"]: Document(**{k: v for k, v in d.items() if k in doc_fields})
            for d in read_json(build / DOCS)}
    clauses = {d["clause_id"]: Clause.from_dict({k: v for k, v in d.items() if k in clause_fields})
               for d in read_json(build / CLAUSES)}
    _write_compact(build, docs, clauses)
    return docs, clauses


RECORDS = "records.marshal"  # a cache of documents.json + clauses.json, made by the first reader
_RECORDS_FORMAT = 1


def _records_key(build: Path) -> tuple:
    """What the compact copy must match: its format, the record fields, the JSON files' size and time."""
    stats = [os.stat(build / name) for name in (DOCS, CLAUSES)]
    return (_RECORDS_FORMAT, tuple(f.name for f in fields(Document)), tuple(f.name for f in fields(Clause)),
            tuple((st.st_size, st.st_mtime_ns) for st in stats))


def _read_compact(build: Path):
    import marshal

    try:
        key, docs, clauses = marshal.loads((build / RECORDS).read_bytes())  # load(fh) reads piecemeal: ×2
        if key != _records_key(build):
            return None
        return ({row[0]: Document(*row) for row in docs}, {row[0]: Clause(*row) for row in clauses})
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write_compact(build: Path, docs: dict[str, Document], clauses: dict[str, Clause]) -> None:
    """Write ``records.marshal`` (beside, renamed into place); a read-only build just goes without."""
    import marshal

    doc_names = [f.name for f in fields(Document)]
    clause_names = [f.name for f in fields(Clause)]
    tmp = build / f"{RECORDS}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp"
    try:
        rows = (_records_key(build), [tuple(getattr(d, n) for n in doc_names) for d in docs.values()],
                [tuple(getattr(c, n) for n in clause_names) for c in clauses.values()])
        tmp.write_bytes(marshal.dumps(rows))
        os.replace(tmp, build / RECORDS)
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True) if tmp.parent.is_dir() else None


def read_json(path: Path):
    return json.loads(Path(path).read_text("utf-8"))


def write_json(path: Path, data) -> None:
    tmp = Path(str(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
