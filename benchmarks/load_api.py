"""Load on POST /api/ask: N concurrent sessions for a bounded time, on loopback.

Starts ``policy-assistant serve`` in a subprocess (over an index built into a temp
data dir, or --data-dir with a built index), or targets --url. Each virtual user
plays conversations from eval/questions/followup.jsonl (a question, then follow-ups
in the same session) and starts a new session after each. Prints throughput,
p50/p95 latency, errors and the server's resident memory (from /proc, when the
server is our subprocess). Not a test: nothing here asserts a time.

    .venv/bin/python benchmarks/load_api.py --sessions 4 --seconds 60
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
FALLBACK = [["泉州对企业建物流公共信息平台有什么支持？", "我们投资了800万，能补多少？"],
            ["开发区买智能制造生产线有补贴吗？", "我们买了20台，发票总价600万，能补多少？"],
            ["嘉兴对国家级服务型制造示范企业奖励多少？"]]


def conversations() -> list[list[str]]:
    path = REPO / "eval" / "questions" / "followup.jsonl"
    if not path.exists():
        return FALLBACK
    out = [json.loads(line)["turns"] for line in path.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    return [t for t in out if t] or FALLBACK


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path | None) -> tuple[subprocess.Popen, str, Path | None]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False",
               ANONYMIZED_TELEMETRY="False")
    for k in [k for k in env if k.startswith("POLICY_LLM")]:
        env.pop(k)  # the default (no-LLM) answerer: nothing remote in the loop
    tmp = None
    if data_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="load-api-"))
        data_dir = tmp
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant.cli.main", "ingest", "--data-dir", str(data_dir)],
                       cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"index built in {time.perf_counter() - t0:.1f} s ({data_dir})")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli.main", "serve", "--port", str(port),
                             "--data-dir", str(data_dir)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
        try:
            if httpx.get(url + "/healthz", timeout=2).json().get("index_loaded"):
                return proc, url, tmp
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("server did not become ready")


def user(url: str, convs: list[list[str]], stop: float, seed: int, out: list, errors: list) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=300) as client:
        while time.monotonic() < stop:
            sid = None
            for q in rng.choice(convs):
                if time.monotonic() >= stop:
                    return
                t0 = time.perf_counter()
                try:
                    r = client.post("/api/ask", json={"question": q, "session_id": sid})
                    ok = r.status_code == 200
                    if ok:
                        sid = r.json()["session_id"]
                    else:
                        errors.append(f"{r.status_code}: {r.text[:120]}")
                except httpx.HTTPError as exc:
                    ok = False
                    errors.append(repr(exc)[:120])
                if ok:
                    out.append(time.perf_counter() - t0)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=4, help="concurrent virtual users (default 4)")
    ap.add_argument("--seconds", type=float, default=60, help="how long to send load (default 60)")
    ap.add_argument("--url", help="an already running server (then RSS is not measured)")
    ap.add_argument("--data-dir", type=Path, help="a data dir with a built index (default: build one in a temp dir)")
    args = ap.parse_args(argv)

    proc, tmp = None, None
    url = args.url
    if not url:
        proc, url, tmp = start_server(args.data_dir)
    try:
        pid = proc.pid if proc else None
        rss_idle = rss_mb(pid) if pid else None
        t0 = time.perf_counter()
        httpx.post(url + "/api/ask", json={"question": FALLBACK[0][0]}, timeout=300).raise_for_status()
        cold = time.perf_counter() - t0
        peak = [rss_mb(pid) or 0.0] if pid else [0.0]
        stop_sampling = threading.Event()

        def sample():
            while not stop_sampling.wait(0.5):
                peak[0] = max(peak[0], rss_mb(pid) or 0.0)

        if pid:
            threading.Thread(target=sample, daemon=True).start()
        latencies: list[float] = []
        errors: list[str] = []
        convs = conversations()
        start = time.monotonic()
        stop = start + args.seconds
        threads = [threading.Thread(target=user, args=(url, convs, stop, i, latencies, errors))
                   for i in range(args.sessions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        stop_sampling.set()

        print(f"sessions={args.sessions} duration={elapsed:.1f}s cpu_count={os.cpu_count()}")
        print(f"first request (warm-up): {cold:.2f} s")
        n = len(latencies)
        print(f"requests ok={n} errors={len(errors)} throughput={n / elapsed:.2f} req/s")
        if n:
            print(f"latency p50={pct(latencies, 50):.3f}s p95={pct(latencies, 95):.3f}s "
                  f"mean={statistics.mean(latencies):.3f}s max={max(latencies):.3f}s")
        for e in errors[:5]:
            print("  error:", e)
        if pid:
            print(f"server RSS: idle {rss_idle:.0f} MB, after load {rss_mb(pid):.0f} MB, peak {peak[0]:.0f} MB")
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
