"""Cold `ask` with and without the question model's background prefetch (not a test).

    python benchmarks/ab_prefetch.py --data-dir DIR [--runs 5]

Each run is a fresh process (`--no-server`), the two variants interleaved; "off" replaces
``index.store.embeddings.prefetch_query_embedder`` by a no-op in that process only. Prints the
medians of wall, CPU (wait4) and peak RSS, and the load average before and after.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys

from common import REPO, run_child

CODE = ("import sys; import index.store.embeddings as e;"
        "sys.argv[1] == 'off' and setattr(e, 'prefetch_query_embedder', lambda s: None);"
        "from assistant.cli.main import main;"
        "main(['ask', sys.argv[3], '--no-server', '--data-dir', sys.argv[2], '--as-of', '2026-11-21'])")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--question", default="研发设备购置有什么补助？")
    args = ap.parse_args()
    os.chdir(REPO)
    env = {**os.environ, "POLICY_SERVER_URL": "off"}
    rows: dict[str, list[tuple[float, float, float]]] = {"on": [], "off": []}
    print("load before", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for _ in range(args.runs):
        for mode in rows:
            wall, cpu, rss, _ = run_child([sys.executable, "-c", CODE, mode, args.data_dir, args.question], env)
            rows[mode].append((wall, cpu, rss))
    for mode, r in rows.items():
        wall, cpu, rss = (statistics.median(col) for col in zip(*r))
        print(f"prefetch {mode:3s}: wall {wall:.2f} s  CPU {cpu:.2f} s  RSS {rss:.0f} MB  "
              f"(walls {', '.join(f'{x[0]:.2f}' for x in r)})")
    print("load after", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
