"""Embedding throughput side by side on the same clauses: backend, max length, batch size, processes.

    python benchmarks/bench_embed_sweep.py --build DIR [--n 320] [--configs ...] [--models DIR]

DIR is a build folder (``<data>/index/builds/<version>``) of corpus/ (+ corpus-extra): its clauses'
index texts (what ingest embeds: ``index.records.index_text``) are the input; of corpus-extra only
documents of the *dev* half (MANIFEST.tsv) are used. N clauses are taken evenly over the length
order, so the sample has the corpus's length mix. Every configuration embeds the same N texts
through ``index.store.embeddings.encode_texts`` (longest first, batches of like length) and reports
clauses/s (wall), clauses per CPU-second, and the cosine to the torch fp32 vectors at 512 tokens
(mean / min; the reference is run first). Processes × threads: the texts are split in P
interleaved shares, each embedded by its own process with T onnxruntime threads
(``SessionOptions.intra_op_num_threads``); wall is the slowest process, from the parent.

A configuration is ``backend:max_len:batch:procs:threads``, e.g. ``onnx-int8:384:16:2:1``.
Also prints the FLOPs per clause (2 × parameters-in-matmuls × tokens + attention) so a rate can be
compared with what the cores can do. One run, this machine; the load average is printed.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, rss_mb  # noqa: F401 - sets sys.path and offline env first

DEFAULT = ("torch:512:16:1:2,onnx-int8:512:16:1:2,onnx-int8:384:16:1:2,onnx-int8:256:16:1:2,"
           "onnx-int8:512:8:1:2,onnx-int8:512:32:1:2,onnx-int8:512:16:2:1")


def sample_texts(build: Path, extra: Path, n: int) -> list[str]:
    from index.builds import load_records
    from index.records import index_text

    dev = set()
    manifest = extra / "MANIFEST.tsv"
    if manifest.is_file():
        with open(manifest, encoding="utf-8") as fh:
            dev = {r["file"] for r in csv.DictReader(fh, delimiter="\t") if r.get("half") == "dev"}
    documents, clauses = load_records(build)
    keep = {d.doc_id for d in documents.values()
            if "/" not in d.source_path.strip("/") or Path(d.source_path).name in dev}
    texts = sorted((index_text(documents[c.doc_id], c) for c in clauses.values() if c.doc_id in keep), key=len)
    if len(texts) <= n:
        return texts
    step = len(texts) / n
    return [texts[int(i * step)] for i in range(n)]


def embedder(backend: str, models: Path, threads: int):
    from index.store import embeddings as emb

    e = emb.get_embedder("m3e-small", backend, models)
    if backend == "onnx-int8":
        e._sessions.clear()
        e._session(threads)
    else:
        import torch

        torch.set_num_threads(threads)
    return e


def run_one(backend: str, max_len: int, batch: int, threads: int, texts: list[str], models: Path):
    """→ (vectors, wall s, CPU s) in this process."""
    from index.store import embeddings as emb

    e = embedder(backend, models, threads)
    if backend == "onnx-int8":  # encode() asks for the session of `threads` (0 = all cores by default)
        inner = e.encode
        e.encode = lambda ts, batch_size=16, threads=threads: inner(ts, batch_size=batch_size, threads=threads)
    emb.encode_texts(e, texts[:4], batch_size=batch, max_len=max_len)  # warm: session, allocator
    t, c = time.perf_counter(), time.process_time()
    vectors = emb.encode_texts(e, texts, batch_size=batch, max_len=max_len)
    return vectors, time.perf_counter() - t, time.process_time() - c


def child(args) -> None:
    texts = json.loads(Path(args.texts).read_text("utf-8"))
    share = texts[args.part::args.parts]
    import numpy as np

    vectors, wall, cpu = run_one(args.backend, args.max_len, args.batch, args.threads, share, Path(args.models))
    np.save(args.out, vectors)
    print(json.dumps({"wall": wall, "cpu": cpu}))


def run_config(config: str, texts_file: Path, texts: list[str], models: Path, tmp: Path):
    import subprocess

    import numpy as np

    backend, max_len, batch, procs, threads = config.split(":")
    max_len, batch, procs, threads = int(max_len), int(batch), int(procs), int(threads)
    cmds = []
    for part in range(procs):
        out = tmp / f"{config.replace(':', '_')}-{part}.npy"
        cmds.append((out, [sys.executable, __file__, "--child", "--texts", str(texts_file), "--backend", backend,
                           "--max-len", str(max_len), "--batch", str(batch), "--threads", str(threads),
                           "--part", str(part), "--parts", str(procs), "--models", str(models),
                           "--out", str(out)]))
    # each child loads its model and warms before timing; the wall is the slowest child's timed part
    procs_ = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _, cmd in cmds]
    outs = [p.communicate()[0] for p in procs_]
    stats = [json.loads(o.strip().splitlines()[-1]) for o in outs]
    wall, cpu = max(s["wall"] for s in stats), sum(s["cpu"] for s in stats)
    vectors = np.zeros((len(texts), 512), dtype=np.float32)
    for part, (out, _) in enumerate(cmds):
        vectors[part::procs] = np.load(out)
    return vectors, wall, cpu


def flops_per_clause(texts: list[str], max_len: int) -> float:
    """Forward-pass FLOPs of m3e-small (BERT, 6 layers, hidden 512, FFN 2048) per clause, mean,
    counting each text at its own token length (batches of like length pad little)."""
    from tokenizers import Tokenizer

    from index.store.embeddings import resolve_model

    folder = Path(resolve_model("m3e-small"))
    cfg = json.loads((folder / "config.json").read_text("utf-8"))
    h, f, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    total = 0.0
    for enc in tok.encode_batch(texts):
        n = min(len(enc.ids), max_len)
        per_layer = 2 * n * (4 * h * h + 2 * h * f) + 2 * 2 * n * n * h  # projections + FFN, QKᵀ and AV
        total += layers * per_layer
    return total / len(texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build")
    ap.add_argument("--extra", default=str(REPO.parent / "shared" / "corpus-extra"))
    ap.add_argument("--n", type=int, default=320)
    ap.add_argument("--configs", default=DEFAULT)
    ap.add_argument("--models", default=str(Path(tempfile.gettempdir()) / "policy-bench-models"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--texts", "--backend", "--out"):
        ap.add_argument(name, help=argparse.SUPPRESS)
    for name in ("--max-len", "--batch", "--threads", "--part", "--parts"):
        ap.add_argument(name, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    import numpy as np

    from index.store.embeddings import resolve_model
    from index.store.onnx_embed import export_int8

    models = Path(args.models)
    export_int8(resolve_model("m3e-small"), models, progress=print)
    texts = sample_texts(Path(args.build), Path(args.extra), args.n)
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(resolve_model("m3e-small")) / "tokenizer.json"))
    lengths = sorted(len(e.ids) for e in tok.encode_batch(texts))
    print(f"{len(texts)} clauses; tokens p50 {lengths[len(lengths) // 2]} p90 {lengths[int(len(lengths) * .9)]} "
          f"max {lengths[-1]}; over 384: {sum(n > 384 for n in lengths)}, over 256: {sum(n > 256 for n in lengths)}")
    for n in (512, 384, 256):
        print(f"forward FLOPs per clause at max {n}: {flops_per_clause(texts, n) / 1e9:.2f} GFLOP")
    print("load before:", " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        tmp = Path(tmp)
        texts_file = tmp / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
        ref = None
        for config in args.configs.split(","):
            vectors, wall, cpu = run_config(config, texts_file, texts, models, tmp)
            if ref is None:
                ref = vectors
            cos = (vectors * ref).sum(1)
            print(f"{config:<24} {len(texts) / wall:6.1f} clauses/s  {len(texts) / cpu:6.1f} per CPU-s  "
                  f"wall {wall:6.1f} s  CPU {cpu:6.1f} s  cosine to {args.configs.split(',')[0]} "
                  f"mean {cos.mean():.4f} min {cos.min():.4f}  load {os.getloadavg()[0]:.2f}", flush=True)
    print("load after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    del np


if __name__ == "__main__":
    main()
