"""Cold `ask` of two source trees, interleaved (not a test): what a change did to a fresh process.

    python benchmarks/ab_cold_ask.py --data-dir DIR --before TREE [--after TREE] [--runs 5] [--question Q]

TREE is a checkout of the code (``git archive COMMIT | tar -x -C TREE``; --after defaults to this
tree). Each run is ``python -m assistant.cli ask Q --no-server`` started in that tree, so its own
modules are imported; the two alternate (before, after, before, …) so drift in the machine's load
hits both alike. One untimed run of each first (caches a tree makes once, the page cache). Prints
per run and the medians: wall seconds, CPU seconds (user + system, wait4) and peak RSS, whether all
answers are identical, and the load average before and after.
"""
from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys

from common import REPO, run_child


def run(tree: str, data_dir: str, question: str) -> tuple[float, float, float, str]:
    cmd = (f"cd {shlex.quote(tree)} && exec {shlex.quote(sys.executable)} -m assistant.cli ask {shlex.quote(question)}"
           f" --no-server --data-dir {shlex.quote(data_dir)} --as-of 2026-11-21")
    return run_child(["/bin/sh", "-c", cmd], {**os.environ, "POLICY_SERVER_URL": "off"})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--before", required=True, help="the tree of the code before the change")
    ap.add_argument("--after", default=str(REPO), help="the tree after (default: this one)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--question", default="研发设备购置有什么补助？")
    args = ap.parse_args()
    trees = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    for tree in trees.values():
        run(tree, args.data_dir, args.question)
    print("load before:", " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    rows: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
    answers: set[str] = set()
    for i in range(args.runs):
        for name, tree in trees.items():
            wall, cpu, rss, out = run(tree, args.data_dir, args.question)
            rows[name].append((wall, cpu, rss))
            answers.add(out)
            print(f"run {i + 1} {name:6s} wall {wall:5.2f} s  CPU {cpu:5.2f} s  RSS {rss:6.0f} MB", flush=True)
    print("load after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    med = {name: [statistics.median(col) for col in zip(*r)] for name, r in rows.items()}
    for name, (wall, cpu, rss) in med.items():
        print(f"median {name:6s} wall {wall:5.2f} s  CPU {cpu:5.2f} s  RSS {rss:6.0f} MB")
    b, a = med["before"], med["after"]
    print(f"after / before: wall ×{a[0] / b[0]:.2f}, CPU ×{a[1] / b[1]:.2f}, RSS ×{a[2] / b[2]:.2f}")
    print(f"answers identical in all {2 * args.runs} runs: {len(answers) == 1}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
