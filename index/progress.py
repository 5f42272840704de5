"""Progress of long index jobs: the one progress bar (tqdm on stderr, off when not wanted) and
the named stages of an ingest, logged as they start so an operator (or a test that kills the
build at a chosen moment) can see where a build is.

    progress_bar(total, desc, enabled, unit) -> tqdm
    stage(name)        log "ingest stage: <name>" on the ``index.ingest`` logger (INFO)

Stages, in order: parse (read and split the sources), embed (vectors for new text),
write (vectors, Chroma, BM25 into the new build folder), swap (manifest, make it live, remove
builds nobody needs). An unchanged corpus logs parse, then ``unchanged``.
"""
from __future__ import annotations

import logging

STAGES = ("parse", "embed", "write", "swap")
log = logging.getLogger("index.ingest")


def progress_bar(total: int, desc: str, enabled: bool, unit: str = "clause"):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, leave=False)


def stage(name: str) -> None:
    log.info("ingest stage: %s", name)
