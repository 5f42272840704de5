"""Sources of a build: find the files, fingerprint them, parse the changed ones.

    discover(corpus_dir, paths) -> ([(file, root, fingerprint, shown name)], [(path, reason)])
    target(settings) -> dict          what a build depends on besides its sources
    parse_sources(found, prev, prev_dir, target, report, progress)
        -> ([(Document, clauses)], manifest "sources" entries)

Unchanged sources (same bytes, same sidecar, same parser code) are taken from the
previous build instead of being parsed again.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from index.config import Settings
from index.records import Clause
from index.progress import progress_bar
from index.builds import FORMAT, load_records
from index.store.embeddings import model_key

# The code that turns a file into Document + clauses; when it changes, sources are re-parsed.
PIPELINE_MODULES = ("index.ingest.loaders", "index.ingest.cleaning", "index.ingest.metadata",
                    "index.ingest.documents", "index.ingest.clauses", "index.ingest.headings", "index.records")


def discover(corpus_dir, paths) -> tuple[list[tuple[Path, Path, str, str]], list[tuple[str, str]]]:
    """corpus_dir + paths → ([(file, its root, fingerprint, shown name)], [(path, reason)]).

    Folders contribute ``corpus_files(folder)``; single files are taken as given.
    A file reached twice is indexed once.
    """
    from index.ingest.documents import corpus_files

    found, bad, seen = [], [], set()
    for given in [corpus_dir, *(paths or [])]:
        given = Path(given)
        if given.is_dir():
            pairs = [(f, given) for f in corpus_files(given)]
        elif given.is_file():
            pairs = [(given, given.parent)]
        else:
            bad.append((str(given), "no such file or folder"))
            continue
        for f, root in pairs:
            key = Path(f).resolve()
            if key in seen:
                continue
            seen.add(key)
            try:
                found.append((key, Path(root).resolve(), fingerprint(key), str(f)))
            except OSError as exc:
                bad.append((str(f), f"cannot read: {exc.strerror or exc}"))
    return found, bad


def fingerprint(path: Path) -> str:
    """sha256 of the file and of its metadata sidecar, if any (a sidecar edit changes the document)."""
    h = hashlib.sha256(path.read_bytes())
    for sidecar in (path.with_name(path.stem + ".meta.json"), path.with_name(path.name + ".meta.json")):
        if sidecar.is_file():
            h.update(b"\0" + sidecar.read_bytes())
    return h.hexdigest()


def target(settings: Settings) -> dict:
    """What a build depends on besides its sources: a change in any of these rebuilds."""
    return {"format": FORMAT, "model": settings.embed_model, "model_key": model_key(settings.embed_model, settings.embed_backend),
            "pipeline": pipeline_hash(), "chroma_url": settings.chroma_url or ""}


@functools.lru_cache(maxsize=1)
def pipeline_hash() -> str:
    """Hash of the parsing code this process runs (read once: the code imported is the code used)."""
    import importlib

    h = hashlib.sha256()
    for name in PIPELINE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def parse_sources(found, prev, prev_dir, target, report, progress):
    """Files → ([(Document, clauses)], manifest sources); fills the report's change lists.

    A file whose fingerprint and parser are unchanged is taken from the previous build.
    """
    from index.errors import DocumentError
    from index.ingest.clauses import split_clauses
    from index.ingest.documents import load_document

    reuse = bool(prev) and prev.get("pipeline") == target["pipeline"] and prev.get("format") == FORMAT
    prev_sources = prev["sources"] if prev else {}
    prev_docs, prev_clauses = load_records(prev_dir) if prev else ({}, {})
    prev_by_doc: dict[str, list[Clause]] = {}
    for c in prev_clauses.values():
        prev_by_doc.setdefault(c.doc_id, []).append(c)
    prev_fp = {e["doc_id"]: e["fingerprint"] for e in prev_sources.values() if e["doc_id"]}
    docs, sources, seen = [], {}, {}
    bar = progress_bar(len(found), "reading documents", progress, unit="file")
    for path, root, fp, shown in found:
        bar.update(1)
        old = prev_sources.get(str(path))
        reason = None
        if reuse and old and old["fingerprint"] == fp and old["doc_id"] in prev_docs:
            doc, clauses = prev_docs[old["doc_id"]], prev_by_doc.get(old["doc_id"], [])
        else:
            try:
                doc = load_document(path, root)
                clauses = split_clauses(doc)
                if not clauses:
                    reason = "no clauses found (no recognisable policy text)"
            except DocumentError as exc:
                reason = exc.reason
            except Exception as exc:  # noqa: BLE001 - one odd file must not stop the others
                reason = f"could not be parsed ({type(exc).__name__}: {exc})"
        if reason is None and doc.doc_id in seen:
            reason = f"duplicate document id {doc.doc_id!r} (already taken by {seen[doc.doc_id]})"
        if reason is not None:
            report.bad.append((shown, reason))
            sources[str(path)] = {"fingerprint": fp, "doc_id": None, "bad": reason, "shown": shown}
            continue
        seen[doc.doc_id] = shown
        sources[str(path)] = {"fingerprint": fp, "doc_id": doc.doc_id, "bad": None, "shown": shown}
        docs.append((doc, clauses))
        report.warnings.extend(f"{doc.doc_id}: {w}" for w in doc.warnings)
        if doc.doc_id not in prev_fp:
            report.added.append(doc.doc_id)
        elif prev_fp[doc.doc_id] == fp and reuse:
            report.unchanged.append(doc.doc_id)
        else:
            report.updated.append(doc.doc_id)
    bar.close()
    report.removed = sorted({e["doc_id"] for e in prev_sources.values() if e["doc_id"]} - set(seen))
    return docs, sources
