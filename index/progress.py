"""The one progress bar of long index jobs (tqdm on stderr, off when not wanted).

``reporting_to(fn)`` additionally sends every bar of the calling thread to ``fn(desc, done,
total)`` while the block runs: the web UI's progress bar for a publish follows the build.
"""
from __future__ import annotations

import contextlib
import threading

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
