"""What every benchmark script shares: the repo on sys.path, offline settings, memory readings.

Import it first (``from common import REPO, rss_mb``): it runs from benchmarks/ as the script's
own folder, so no package is needed.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
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


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run ``argv`` as a fresh process (stderr discarded) → (wall s, CPU s, peak RSS MB, stdout).
    CPU and RSS come from os.wait4, so they are the child's own, not cumulative; a non-zero exit
    stops the benchmark."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out_fh:
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, out_fh.fileno(), 1),
                                                               (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        out_fh.seek(0)
        out = out_fh.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[:4])} … failed with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out
