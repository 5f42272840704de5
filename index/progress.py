"""Progress of long index jobs: the one progress bar (tqdm on stderr, off when not wanted) and
the named stages of an ingest, logged as they start so an operator (or a test that kills the
build at a chosen moment) can see where a build is.

    progress_bar(total, desc, enabled, unit) -> tqdm
    stage(name)        log "ingest stage: <name>" on the ``index.ingest`` logger (INFO)
    reporting_to(fn)   while the block runs, every bar of the calling thread also calls
                       ``fn(desc, done, total)`` (the web UI's progress bar for a publish)

Stages, in order: parse (read and split the sources), embed (vectors for new text),
write (vectors, Chroma, BM25 into the new build folder), swap (manifest, make it live, remove
builds nobody needs). An unchanged corpus logs parse, then ``unchanged``.
"""
from __future__ import annotations

import contextlib
import logging
import threading

STAGES = ("parse", "embed", "write", "swap")
log = logging.getLogger("index.ingest")
_local = threading.local()


@contextlib.contextmanager
def reporting_to(fn):
    """While the block runs, bars opened in this thread also call ``fn(desc, done, total)``."""
    _local.fn = fn
    try:
        yield
    finally:
        _local.fn = None


def progress_bar(total: int, desc: str, enabled: bool, unit: str = "clause"):
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit=unit, disable=not enabled, leave=False)
    fn = getattr(_local, "fn", None)
    if fn is not None:
        update, done = bar.update, [0]

        def reported(n=1):
            update(n)
            done[0] += n  # a disabled tqdm does not count
            fn(desc, done[0], total)

        bar.update = reported
        fn(desc, 0, total)
    return bar


def stage(name: str) -> None:
    log.info("ingest stage: %s", name)
