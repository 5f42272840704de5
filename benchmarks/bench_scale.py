"""Scale benchmark (not a test): ingest time, warm answer p50/p95 and RSS as the corpus grows,
embedded Chroma and a Chroma server (``chroma run`` on loopback) side by side.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 5,265,1000,2600] [--server-sizes 5,265,1000]
        [--extra ../shared/corpus-extra] [--seed-build DIR] [--vector-cache FILE] [--server-reuse]
        [--questions 60] [--out results.json]

Corpora: 5 = corpus/; 265 = corpus/ + all of corpus-extra; above that, synthetic copies of the
*dev* half of corpus-extra, each copy with a new file name (so a new document id) and its city
name replaced by an invented one (甲东市, 乙东市, …), until the size is reached.

Embedding 86,000 clauses does not fit in a session on this 2-core machine, so vectors are
**reused**: ``--seed-build`` is a build folder of corpus + corpus-extra (vectors.npy +
vector_keys.json); a clause of a copy gets the vector of the same clause with its original city
name. Clauses not found there are embedded for real. The ingest column is therefore "ingest
without embedding" (parse, BM25, Chroma, files — measured), and the "+ embed" column adds
clauses ÷ the embedding rate measured on the clauses embedded for real in this run (or
``--embed-rate`` clauses/s, e.g. from bench_ingest.py) — an extrapolation, labelled as such.
Latency and RSS are measured for real: each size is ingested in one process and answered in a
fresh one (as a server started after the ingest), whose RSS after the questions is reported.

``--vector-cache FILE`` keeps the vectors of the clauses embedded for real (by their text's hash)
across runs, so a second run embeds nothing it embedded before. ``--server-reuse``: the Chroma
server row of a size starts from a copy of its embedded row's build (without its embedded Chroma
files), so its ingest is what a re-ingest after switching to a server costs — documents and
vectors reused by ``build_index`` as on any incremental ingest, Chroma (now the server), BM25 and
the files written anew; the table marks such rows "re-ingest".
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, rss_mb  # noqa: E402 - sets sys.path and offline env first

STEMS = "甲乙丙丁戊己庚辛壬癸"
SIDES = "东西南北中"


def fake_city(k: int) -> str:
    """The k-th invented city name (k ≥ 1): 甲东, 乙东, …, 癸东, 甲西, …"""
    k -= 1
    return STEMS[k % 10] + SIDES[(k // 10) % 5] + "".join(STEMS[int(d)] for d in str(k // 50)) * (k >= 50)


def city_of(region: str) -> str:
    """'四川省广安市' → '广安', '江苏(汇编分组)' → '江苏': the place name a document repeats."""
    if "(" in (region or ""):
        return region.split("(")[0].strip()
    region = re.sub(r"^.*?(?:省|自治区)", "", region or "")
    m = re.match(r"([\u4e00-\u9fff]{2,3}?)(?:市|州|县|区)", region)
    return m.group(1) if m else ""


def make_corpus(size: int, extra: Path, into: Path) -> dict[str, str]:
    """A folder of ``size`` documents; returns {invented city: original city} for the copies."""
    into.mkdir(parents=True, exist_ok=True)
    for f in (REPO / "corpus").iterdir():
        if f.is_file():
            shutil.copy(f, into / f.name)
    if size <= 5:
        return {}
    with open(extra / "MANIFEST.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for r in rows:
        shutil.copy(extra / r["file"], into / r["file"])
    dev = [r for r in rows if r["half"] == "dev" and city_of(r["region"])]
    names: dict[str, str] = {}
    fakes: dict[tuple[int, str], str] = {}  # (copy, city) → its own invented name
    n, k = 5 + len(rows), 0
    while n < size:
        k += 1
        for r in dev:
            if n >= size:
                break
            city = city_of(r["region"])
            fake = fakes.setdefault((k, city), fake_city(len(fakes) + 1))
            names[fake] = city
            text = (extra / r["file"]).read_text(encoding="utf-8").replace(city, fake)
            (into / f"{Path(r['file']).stem}-copy{k}.txt").write_text(text, encoding="utf-8")
            n += 1
    return names


class ReuseEmbedder:
    """Vectors of a seed build looked up by the text with invented city names put back; the
    rest embedded by ``real`` (counted, timed)."""

    def __init__(self, seed: Path | None, names: dict[str, str], real_factory, cache: Path | None = None):
        import numpy as np

        self.rows = {}
        if seed is not None:
            keys = json.loads((seed / "vector_keys.json").read_text())
            self.rows = dict(zip(keys, np.load(seed / "vectors.npy")))
        self.cache_path, self.cached, self.new = cache, {}, {}
        if cache is not None and cache.is_file():
            with np.load(cache) as saved:
                self.cached = dict(zip(saved["keys"].tolist(), saved["vectors"]))
        self.undo = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True))) if names else None
        self.names, self.real_factory = names, real_factory
        self.embedded, self.embed_seconds = 0, 0.0

    def embed_documents(self, texts):
        import numpy as np

        from index.store.embeddings import encode_texts
        from index.store.vectors import text_hash

        out, todo = [], []
        for i, t in enumerate(texts):
            original = self.undo.sub(lambda m: self.names[m.group(0)], t) if self.undo else t
            row = self.rows.get(text_hash(original))
            if row is None:
                row = self.cached.get(text_hash(t))  # embedded for real by an earlier run
            out.append(row)
            if row is None:
                todo.append(i)
        if todo:
            t0 = time.perf_counter()
            rows = encode_texts(self.real_factory(), [texts[i] for i in todo])
            self.embed_seconds += time.perf_counter() - t0
            self.embedded += len(todo)
            for i, row in zip(todo, rows):
                out[i] = row
                self.new[text_hash(texts[i])] = np.asarray(row, dtype=np.float32)
        return [np.asarray(r, dtype=np.float32).tolist() for r in out]

    def save_cache(self) -> None:
        """Add this run's real embeddings to the cache file (written beside, renamed into place)."""
        import numpy as np

        if self.cache_path is None or not self.new:
            return
        rows = {**self.cached, **self.new}
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_name(self.cache_path.name + f".{os.getpid()}.tmp.npz")
        np.savez(tmp, keys=np.array(list(rows), dtype=str), vectors=np.vstack(list(rows.values())))
        os.replace(tmp, self.cache_path)

    def embed_query(self, text):
        from index.store.embeddings import embed_query

        return embed_query(self.real_factory(), text)


def one(args) -> dict:
    """Child process, one stage: ``ingest`` (build the index, report its time and peak RSS) or
    ``answer`` (a fresh process, as a server started after the ingest: open the index, answer
    questions, report latency and the RSS of the answering process)."""
    from index.config import Settings

    names = json.loads(Path(args.names).read_text()) if args.names else {}
    settings = Settings(data_dir=Path(args.data), corpus_dir=Path(args.corpus), as_of_text="2026-11-21",
                        chroma_url=args.chroma_url or "", llm_base_url="", llm_model="",
                        models_path=Path(args.models) if args.models else None)
    if args.stage == "ingest":
        from index.ingest.pipeline import build_index
        from index.store.embeddings import embedder_for

        seed = Path(args.seed_build) if args.seed_build else None
        embedder = ReuseEmbedder(seed, names, lambda: embedder_for(settings),
                                 Path(args.vector_cache) if args.vector_cache else None)
        t = time.perf_counter()
        report = build_index(settings, progress=False, embedder=embedder)
        took = time.perf_counter() - t
        embedder.save_cache()
        return {"documents": report.documents, "clauses": report.clauses, "ingest_s": took,
                "embedded": embedder.embedded, "embed_s": embedder.embed_seconds, "ingest_peak_mb": rss_mb()[1],
                "reused_docs": len(report.unchanged), "reused_vectors": report.reused}
    from assistant.chat.assistant import Assistant
    from index.store.knowledge import KnowledgeBase
    from bench_answer import pct, questions

    kb = KnowledgeBase.open(settings)  # the default path: questions by the fp32 ONNX export
    assistant = Assistant(kb, settings.with_(data_dir=Path(args.data) / "sessions-bench"))
    t = time.perf_counter()
    assistant.ask("物流公共信息平台投资了800万，能补助多少？")
    warm = time.perf_counter() - t
    qs = questions(kb, args.questions)
    times = []
    for q in qs:
        t = time.perf_counter()
        assistant.ask(q)
        times.append(time.perf_counter() - t)
    return {"first_answer_s": warm, "p50_ms": pct(times, .5) * 1000, "p95_ms": pct(times, .95) * 1000,
            "questions": len(qs), "rss_mb": rss_mb()[0], "peak_mb": rss_mb()[1], "load": os.getloadavg()[0],
            "torch_loaded": "torch" in sys.modules}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    port = _free_port()
    log = open(path.with_suffix(".log"), "wb")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("chroma")), "run", "--path", str(path),
                             "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while True:
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False)).heartbeat()
            return proc, f"http://127.0.0.1:{port}"
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma server did not start (log {path.with_suffix('.log')})")
            time.sleep(0.5)


def server_rss_mb(proc) -> float:
    try:
        for line in open(f"/proc/{proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> None:
    args = parse_args()
    if args.one:
        print(json.dumps(one(args)))
        return
    if args.table:  # print the table of an earlier --out again (e.g. with another --embed-rate)
        print_table(json.loads(Path(args.table).read_text()), args.embed_rate)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    server_sizes = {int(s) for s in args.server_sizes.split(",") if s}
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-", dir=args.workdir))
    from index.store.embeddings import resolve_model
    from index.store.onnx_embed import export_fp32

    models = tmp / "models"  # the question model, made once here, not in a timed first answer
    export_fp32(resolve_model("m3e-small"), models)
    results, server = [], None
    try:
        for size in sizes:
            corpus = tmp / f"corpus-{size}"
            names = make_corpus(size, Path(args.extra), corpus)
            (tmp / f"names-{size}.json").write_text(json.dumps(names, ensure_ascii=False))
            for mode in ("embedded", "server"):
                if mode == "server" and size not in server_sizes:
                    continue
                url = ""
                if mode == "server":
                    if server is None:
                        server = start_server(tmp / "chroma-server")
                    url = server[1]
                cmd = [sys.executable, __file__, "--one", "--data", str(tmp / f"data-{size}-{mode}"),
                       "--corpus", str(corpus), "--names", str(tmp / f"names-{size}.json"),
                       "--questions", str(args.questions), "--models", str(models)]
                if url:
                    cmd += ["--chroma-url", url]
                if args.seed_build:
                    cmd += ["--seed-build", args.seed_build]
                if args.vector_cache:
                    cmd += ["--vector-cache", str(Path(args.vector_cache).resolve())]
                reuse = mode == "server" and args.server_reuse and (tmp / f"data-{size}-embedded").is_dir()
                if reuse:  # start from the embedded row's build, minus its embedded Chroma files
                    shutil.copytree(tmp / f"data-{size}-embedded" / "index", tmp / f"data-{size}-server" / "index",
                                    ignore=shutil.ignore_patterns("chroma"))
                row = {}
                for stage in ("ingest", "answer"):  # answered in a fresh process, as after a restart
                    out = subprocess.run(cmd + ["--stage", stage], capture_output=True, text=True)
                    if out.returncode:
                        print(f"{size} {mode} {stage}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
                        break
                    row.update(json.loads(out.stdout.strip().splitlines()[-1]))
                if "rss_mb" not in row:
                    continue
                row["mode"] = mode
                row["reingest"] = reuse
                if mode == "server":
                    row["server_rss_mb"] = server_rss_mb(server[0])
                results.append(row)
                print_row(row, args.embed_rate, results, flush=True)
                if not args.keep and not (mode == "embedded" and args.server_reuse and size in server_sizes):
                    shutil.rmtree(tmp / f"data-{size}-{mode}", ignore_errors=True)
            if not args.keep:
                shutil.rmtree(tmp / f"data-{size}-embedded", ignore_errors=True)
            if not args.keep:
                shutil.rmtree(corpus, ignore_errors=True)
    finally:
        if server is not None:
            server[0].terminate()
            server[0].wait(timeout=30)
        if args.keep:
            print(f"kept the corpora and data dirs under {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    print_table(results, args.embed_rate)


def rate_of(results, given):
    if given:
        return given, "given"
    done = [(r["embedded"], r["embed_s"]) for r in results if r["embedded"] >= 50]
    if done:
        return sum(n for n, _ in done) / sum(s for _, s in done), "measured here"
    return None, ""


def print_row(row, given, results, flush=False):
    print(f"{row['documents']:>5} docs {row['clauses']:>6} clauses {row['mode']:<8} "
          f"{'re-ingest' if row.get('reingest') else 'ingest'} {row['ingest_s']:.0f} s "
          f"(embedded {row['embedded']} in {row['embed_s']:.0f} s) p50 {row['p50_ms']:.0f} ms p95 {row['p95_ms']:.0f} ms "
          f"RSS {row['rss_mb']:.0f} MB (ingest peak {row.get('ingest_peak_mb', float('nan')):.0f} MB) "
          f"load {row['load']:.1f}", flush=flush)


def print_table(results, given) -> None:
    rate, how = rate_of(results, given)
    print(f"\n| documents | clauses | Chroma | ingest without embedding, s | + embedding all clauses, s "
          f"(extrapolated at {rate or float('nan'):.1f} clauses/s, {how}) | first answer, s | answer p50 / p95, ms "
          "| RSS, MB | server RSS, MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        own = r["ingest_s"] - r["embed_s"]
        full = own + r["clauses"] / rate if rate else float("nan")
        mode = r["mode"] + (" (re-ingest of the embedded build)" if r.get("reingest") else "")
        print(f"| {r['documents']} | {r['clauses']} | {mode} | {own:.0f} | {full:.0f} | {r['first_answer_s']:.1f} "
              f"| {r['p50_ms']:.0f} / {r['p95_ms']:.0f} | {r['rss_mb']:.0f} | {r.get('server_rss_mb', float('nan')):.0f} |")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,265,1000,2600")
    parser.add_argument("--server-sizes", default="5,265,1000,2600")
    parser.add_argument("--extra", default=str(REPO.parent / "shared" / "corpus-extra"))
    parser.add_argument("--seed-build", help="a build folder of corpus + corpus-extra whose vectors are reused")
    parser.add_argument("--embed-rate", type=float, help="clauses/s to extrapolate the embedding time with")
    parser.add_argument("--vector-cache", help="a .npz of vectors embedded for real by earlier runs (kept up to date)")
    parser.add_argument("--server-reuse", action="store_true",
                        help="the server row of a size re-ingests a copy of its embedded row's build")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--workdir", help="where the corpora and indexes are made (default: temp)")
    parser.add_argument("--out", help="write the rows as JSON here")
    parser.add_argument("--table", metavar="JSON", help="only print the table of an earlier --out")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and indexes (for a memory profile)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    for name in ("--data", "--corpus", "--names", "--chroma-url", "--stage", "--models"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    main()
