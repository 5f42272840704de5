"""Cold `ask` in a fresh process, question embedded by torch vs m3e-small's fp32 ONNX export.

    python benchmarks/bench_cold_ask.py --data-dir DIR [--runs 5] [--question Q]

DIR holds a built index (torch backend; `policy-assistant ingest --data-dir DIR`). Each run is a new
`python -m assistant.cli ask Q --no-server` process; the two paths alternate (torch, onnx, torch, …)
so drift in the machine's load hits both alike. Prints per run and the medians: wall seconds, CPU
seconds (user + system, from wait4) and peak RSS, whether the two answers are identical, and the
load average before and after. The fp32 export is made once before the first run (not timed).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from common import REPO, run_child

PATHS = {"torch": "0", "onnx-fp32": "1"}


def run_measured(data_dir: str, question: str, query_onnx: str) -> tuple[float, float, float, str]:
    """One cold `ask` → (wall s, CPU s, peak RSS MB, answer text)."""
    env = {**os.environ, "POLICY_QUERY_ONNX": query_onnx, "POLICY_SERVER_URL": "off", "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "assistant.cli", "ask", question, "--no-server", "--data-dir", data_dir,
           "--as-of", "2026-11-21"]
    return run_child(cmd, env)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--question", default="研发设备购置有什么补助？")
    args = ap.parse_args()
    os.chdir(REPO)  # `python -m assistant.cli` imports this tree's modules

    from index.config import Settings
    from index.store.embeddings import resolve_model
    from index.store.onnx_embed import export_fp32

    settings = Settings(data_dir=Path(args.data_dir))
    export_fp32(resolve_model(settings.embed_model), settings.models_dir, progress=print)
    print("load before:", os.getloadavg())
    rows: dict[str, list[tuple[float, float, float]]] = {name: [] for name in PATHS}
    answers: dict[str, set[str]] = {name: set() for name in PATHS}
    for i in range(args.runs):
        for name, flag in PATHS.items():
            wall, cpu, rss, out = run_measured(args.data_dir, args.question, flag)
            rows[name].append((wall, cpu, rss))
            answers[name].add(out)
            print(f"run {i + 1} {name:9s} wall {wall:5.2f} s  CPU {cpu:5.2f} s  RSS {rss:6.0f} MB", flush=True)
    print("load after:", os.getloadavg())
    med = {name: [statistics.median(col) for col in zip(*r)] for name, r in rows.items()}
    for name, (wall, cpu, rss) in med.items():
        print(f"median {name:9s} wall {wall:5.2f} s  CPU {cpu:5.2f} s  RSS {rss:6.0f} MB")
    t, o = med["torch"], med["onnx-fp32"]
    print(f"onnx-fp32 / torch: wall ×{o[0] / t[0]:.2f}, CPU ×{o[1] / t[1]:.2f}, RSS ×{o[2] / t[2]:.2f}")
    same = len(answers["torch"] | answers["onnx-fp32"]) == 1
    print("answers identical across all runs and both paths:", same)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
