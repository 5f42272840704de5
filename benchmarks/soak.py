"""Soak test: N simulated users × T seconds against a real server on loopback.

    python benchmarks/soak.py [--users 20] [--seconds 60] [--url http://127.0.0.1:PORT]
                              [--data-dir data --corpus corpus --as-of 2026-11-21]

Without --url a `policy-assistant serve` process is started on a free loopback port (and
stopped at the end), and the script waits for /healthz to say "ready". Each user loops:
a question (new session) → two follow-ups on that session → a search → a calculation on a
clause the search returned → /healthz. Prints requests/s, p50/p95 per kind, every non-2xx
or transport error, and (with a local data dir) whether every turn sent was stored.
Exit code 1 when there was any error or lost turn.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
TOPICS = [
    ("建设物流公共信息平台，投资800万元，能拿到多少补助？", ["那如果投资1200万元呢？", "投资600万元呢？"]),
    ("被认定为省级工业设计中心有什么奖励？", ["那国家级的呢？", "嘉兴呢？"]),
    ("企业购买智能制造设备有补助吗？", ["投资2000万元的话能拿多少？", "那泉州呢？"]),
]
SEARCHES = ["物流 补助", "工业设计中心 奖励", "智能制造 示范", "服务型制造", "人才 引进"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.sent_turns: dict[str, int] = defaultdict(int)

    def add(self, kind: str, seconds: float, error: str | None = None):
        with self.lock:
            self.latency[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def call(stats: Stats, client: httpx.Client, kind: str, method: str, path: str, **kw):
    start = time.perf_counter()
    try:
        r = client.request(method, path, **kw)
    except httpx.HTTPError as exc:
        stats.add(kind, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
        return None
    error = None if r.status_code < 400 else f"HTTP {r.status_code} {r.text[:160]}"
    stats.add(kind, time.perf_counter() - start, error)
    return r if error is None else None


def user(url: str, stop: float, stats: Stats, seed: int):
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=120) as c:
        while time.monotonic() < stop:
            question, follow_ups = rng.choice(TOPICS)
            r = call(stats, c, "ask", "POST", "/api/ask", json={"question": question})
            sid = r.json()["session_id"] if r is not None else None
            if sid:
                with stats.lock:
                    stats.sent_turns[sid] += 1
                for q in follow_ups:
                    if call(stats, c, "follow-up", "POST", "/api/ask", json={"question": q, "session_id": sid}):
                        with stats.lock:
                            stats.sent_turns[sid] += 1
            call(stats, c, "search", "GET", "/api/search", params={"q": rng.choice(SEARCHES), "k": 5})
            if CALCULABLE:
                call(stats, c, "calculate", "POST", "/api/calculate",
                     json={"clause_id": rng.choice(CALCULABLE), "facts": {"投资额": "800万元"}})
            call(stats, c, "healthz", "GET", "/healthz")


CALCULABLE: list[str] = []  # clauses whose rules take 投资额 (found before the run starts)


def find_calculable(url: str) -> None:
    with httpx.Client(base_url=url, timeout=120) as c:
        for q in SEARCHES:
            for hit in c.get("/api/search", params={"q": q, "k": 10}).json().get("results", []):
                r = c.post("/api/calculate", json={"clause_id": hit["clause_id"], "facts": {"投资额": "800万元"}})
                if r.status_code == 200 and hit["clause_id"] not in CALCULABLE:
                    CALCULABLE.append(hit["clause_id"])


def wait_ready(url: str, proc, timeout: float = 600) -> float:
    start = time.monotonic()
    with httpx.Client(base_url=url, timeout=30) as c:
        while time.monotonic() - start < timeout:
            if proc is not None and proc.poll() is not None:
                raise SystemExit(f"the server exited: {proc.stdout.read().decode(errors='replace')[-2000:]}")
            try:
                if c.get("/healthz").json().get("status") == "ready":
                    return time.monotonic() - start
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.25)
    raise SystemExit("the server did not become ready")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--url")
    ap.add_argument("--data-dir", default=os.environ.get("POLICY_DATA_DIR", "data"))
    ap.add_argument("--corpus", default=os.environ.get("POLICY_CORPUS_DIR", "corpus"))
    ap.add_argument("--as-of", default="2026-11-21")
    args = ap.parse_args(argv)

    proc = None
    url = args.url
    if not url:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False",
               "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
                                 "--data-dir", args.data_dir, "--corpus", args.corpus, "--as-of", args.as_of],
                                cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        ready = wait_ready(url, proc)
        find_calculable(url)
        print(f"server ready after {ready:.1f}s at {url}; {args.users} users × {args.seconds:g}s; "
              f"{len(CALCULABLE)} calculable clauses")
        stats = Stats()
        stop = time.monotonic() + args.seconds
        start = time.perf_counter()
        threads = [threading.Thread(target=user, args=(url, stop, stats, i)) for i in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=60)

    total = sum(len(v) for v in stats.latency.values())
    print(f"\n{total} requests in {elapsed:.1f}s: {total / elapsed:.1f} req/s, {len(stats.errors)} errors")
    print(f"{'kind':<10} {'n':>6} {'p50 s':>8} {'p95 s':>8} {'max s':>8}")
    every = []
    for kind, values in sorted(stats.latency.items()):
        every += values
        print(f"{kind:<10} {len(values):>6} {pct(values, 50):>8.3f} {pct(values, 95):>8.3f} {max(values):>8.3f}")
    print(f"{'all':<10} {len(every):>6} {pct(every, 50):>8.3f} {pct(every, 95):>8.3f} "
          f"{(max(every) if every else float('nan')):>8.3f}")
    for e in stats.errors[:20]:
        print("  error:", e)
    lost = 0
    sessions = Path(args.data_dir) / "sessions"
    if not args.url and sessions.is_dir():
        for sid, sent in stats.sent_turns.items():
            path = sessions / f"{sid}.json"
            stored = len(json.loads(path.read_text(encoding="utf-8"))["turns"]) if path.exists() else 0
            lost += max(0, sent - stored)
        files = len(list(sessions.glob("*.json")))
        print(f"sessions: {len(stats.sent_turns)} opened, {sum(stats.sent_turns.values())} turns sent, "
              f"{lost} lost; {files} session files on disk")
    return 1 if stats.errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
