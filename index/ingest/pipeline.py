"""Ingest: sources → a new live build, written beside the old one and swapped in when complete.

    build_index(settings, paths=None, progress=True, embedder=None) -> IngestReport

A crash or kill at any moment leaves the previous index usable; leftovers are removed
by the next build. The index mirrors the union of ``settings.corpus_dir`` and ``paths``.
Unchanged sources are not re-parsed, and clause vectors are reused by content hash, so
only new or changed text is embedded. After the swap the previous build is kept (and any
build an open reader still holds), so a running server can finish on it and move over.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.config import Settings
from index import builds
from index.progress import stage
from index.builds import BM25_DIR, CLAUSES, DOCS, MANIFEST, READERS_LOCK, VECTOR_KEYS, VECTORS
from index.ingest.sources import discover, parse_sources, target
from index.records import index_text
from index.store.vectors import collection_name, drop_collection, vectors_for, write_chroma


@dataclass
class IngestReport:
    """What a build did. ``status``: built | unchanged | failed (nothing could be indexed)."""

    status: str = "built"
    version: str = ""
    documents: int = 0
    clauses: int = 0
    added: list[str] = field(default_factory=list)  # doc ids
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)  # "doc_id: warning"
    embedded: int = 0  # clause texts embedded by this run
    reused: int = 0  # clause vectors carried over from the previous build
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("built", "unchanged") and self.documents > 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["bad"] = [{"path": p, "reason": r} for p, r in self.bad]
        return d


def build_index(settings: Settings, paths=None, progress: bool = True, embedder=None) -> IngestReport:
    """Sources (corpus_dir + paths) → a new live build, or nothing when nothing changed.

    Bad files are reported (name + reason) and skipped; ``status == "failed"`` means
    nothing could be indexed and the previous index (if any) stays live.
    ``embedder`` overrides the configured model (tests count or slow its calls).
    """
    started = time.perf_counter()
    root = Path(settings.index_dir)
    (root / "builds").mkdir(parents=True, exist_ok=True)
    with builds.build_lock(root):
        stage("parse")
        prev_dir = builds.current_dir(root)
        prev = builds.read_json(prev_dir / MANIFEST) if prev_dir else None
        found, bad = discover(settings.corpus_dir, paths)
        want = target(settings)
        fingerprints = {str(f): fp for f, _, fp, _ in found}
        if prev and all(prev.get(k) == v for k, v in want.items()) and fingerprints == {
            p: e["fingerprint"] for p, e in prev["sources"].items()
        }:
            # nothing to build, but a killed build's folder (or an old one nobody reads) still goes
            stage("unchanged")
            builds.clean_builds(root, keep=[prev_dir, builds.previous_dir(root, prev_dir)], drop=_dropper(settings))
            report = IngestReport(status="unchanged", version=prev["version"], **prev["counts"])
            report.unchanged = sorted(e["doc_id"] for e in prev["sources"].values() if e["doc_id"])
            report.bad = bad + [(e["shown"], e["bad"]) for e in prev["sources"].values() if e["bad"]]
            report.warnings = list(prev.get("warnings", []))
            report.seconds = time.perf_counter() - started
            return report
        builds.clean_builds(root, keep=[prev_dir], drop=_dropper(settings))  # free the space of killed builds first
        report = IngestReport(bad=bad)
        docs, sources = parse_sources(found, prev, prev_dir, want, report, progress)
        report.documents = len(docs)
        if not docs:
            report.status = "failed"
            report.seconds = time.perf_counter() - started
            return report
        version = builds.new_version()
        build = root / "builds" / version
        build.mkdir()
        (build / READERS_LOCK).touch()
        clauses = [c for _, cs in docs for c in cs]
        builds.write_json(build / DOCS, [d.to_dict(with_text=True) for d, _ in docs])
        builds.write_json(build / CLAUSES, [c.to_dict() for c in clauses])
        by_id = {d.doc_id: d for d, _ in docs}
        texts = [index_text(by_id[c.doc_id], c) for c in clauses]
        stage("embed")
        vectors, keys, embedded = vectors_for(texts, prev_dir, prev, want, settings, embedder, progress)
        import numpy as np

        stage("write")
        np.save(build / VECTORS, vectors)
        builds.write_json(build / VECTOR_KEYS, keys)
        write_chroma(settings, build, version, [d for d, _ in docs], clauses, vectors)
        from index.store.keyword import KeywordIndex

        KeywordIndex.build([c.clause_id for c in clauses], texts).save(build / BM25_DIR)
        report.status, report.version = "built", version
        report.clauses, report.embedded, report.reused = len(clauses), embedded, len(clauses) - embedded
        stage("swap")
        manifest = dict(want, version=version, collection=collection_name(version), dim=int(vectors.shape[1]),
                        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                        sources=sources, warnings=report.warnings,
                        counts={"documents": report.documents, "clauses": report.clauses})
        builds.write_json(build / MANIFEST, manifest)  # written last: a build without it is incomplete
        builds.fsync_dir(build)
        builds.swap_current(root, version)
        # keep the build that was live until now: readers that have not refreshed still use it
        builds.clean_builds(root, keep=[build, prev_dir], drop=_dropper(settings))
        report.seconds = time.perf_counter() - started
        return report


__all__ = ["IngestReport", "build_index"]


def _dropper(settings: Settings):
    """What else a removed build frees: its collection on a Chroma server (embedded Chroma lives
    inside the build folder)."""
    if not settings.chroma_url:
        return None
    return lambda folder: drop_collection(settings, folder)
