"""What every benchmark script shares: the repo on sys.path, offline settings, memory readings.

Import it first (``from common import REPO, rss_mb``): it runs from benchmarks/ as the script's
own folder, so no package is needed.
"""
from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
# Offline, as in production: nothing is fetched while measuring.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB; current falls back to the peak without /proc."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, peak
    except OSError:
        return peak, peak
