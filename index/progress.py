"""The one progress bar of long index jobs (tqdm on stderr, off when not wanted)."""
from __future__ import annotations


def progress_bar(total: int, desc: str, enabled: bool, unit: str = "clause"):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, leave=False)
