"""Ingest benchmark (not a test): where a real ingest spends its time, per embedding backend.

    .venv/bin/python benchmarks/bench_ingest.py [--extra ../shared/corpus-extra] [--extra-docs 30]
                                                [--backends torch,onnx-int8] [--max-len 512]

Ingests corpus/ + the first ``--extra-docs`` documents of corpus-extra's dev half into a fresh
folder once per backend, with a timer around each stage: parsing (load, clean, metadata,
clauses), tokenising, the forward pass, the vector file, Chroma, BM25, the rest (manifest, json,
swap). Wall and CPU seconds per stage, clauses/s, and each backend's vectors against torch's
(cosine, mean and min). The machine is shared: compare the rows of one run, not runs.
The int8 ONNX model is made (or found) under the data folder before timing; its build time is
printed apart.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import REPO, rss_mb  # noqa: E402 - sets sys.path and offline env first
from bench_index import dev_subset


class Stages:
    """Wall and CPU seconds per named stage (stages never nest: inner time is subtracted)."""

    def __init__(self):
        self.wall, self.cpu = defaultdict(float), defaultdict(float)
        self._stack: list[list] = []

    def wrap(self, owner, attr: str, name: str):
        inner = getattr(owner, attr)
        stages = self

        def timed(*a, **kw):
            frame = [time.perf_counter(), time.process_time(), 0.0, 0.0]
            stages._stack.append(frame)
            try:
                return inner(*a, **kw)
            finally:
                stages._stack.pop()
                w, c = time.perf_counter() - frame[0], time.process_time() - frame[1]
                stages.wall[name] += w - frame[2]
                stages.cpu[name] += c - frame[3]
                if stages._stack:
                    stages._stack[-1][2] += w
                    stages._stack[-1][3] += c

        setattr(owner, attr, timed)
        return inner


def run(backend: str, sources: Path, workdir: Path, max_len: int, models: Path):
    import numpy as np

    import index.ingest.pipeline as pipeline
    import index.store.embeddings as emb
    from index.config import Settings
    from index.store.keyword import KeywordIndex
    from index.store.onnx_embed import OnnxEmbedder

    settings = Settings(data_dir=workdir / backend, corpus_dir=sources, embed_backend=backend,
                        as_of_text="2026-11-21")
    embedder = emb.get_embedder("m3e-small", backend, models)
    embedder.max_seq_length = max_len
    st = Stages()
    saved = []
    saved.append((pipeline, "parse_sources", st.wrap(pipeline, "parse_sources", "parse")))
    saved.append((pipeline, "write_chroma", st.wrap(pipeline, "write_chroma", "chroma")))
    saved.append((KeywordIndex, "build", st.wrap(KeywordIndex, "build", "bm25")))
    saved.append((np, "save", st.wrap(np, "save", "vectors.npy")))
    saved.append((emb, "encode_texts", st.wrap(emb, "encode_texts", "embed (other)")))
    if isinstance(embedder, OnnxEmbedder):
        saved.append((embedder, "_features", st.wrap(embedder, "_features", "tokenise")))
    else:
        saved.append((embedder, "tokenizer", st.wrap(embedder, "tokenizer", "tokenise")))
        saved.append((embedder, "model", st.wrap(embedder, "model", "forward")))
    try:
        t, c = time.perf_counter(), time.process_time()
        report = pipeline.build_index(settings, progress=False, embedder=embedder)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
    finally:
        for owner, attr, inner in reversed(saved):
            if owner is embedder:
                delattr(owner, attr) if attr == "_features" else setattr(owner, attr, inner)
            else:
                setattr(owner, attr, inner)
        embedder.max_seq_length = 512
    if isinstance(embedder, OnnxEmbedder):  # the forward pass is what encode did besides tokenising
        st.wall["forward"], st.cpu["forward"] = st.wall.pop("embed (other)"), st.cpu.pop("embed (other)")
    st.wall["rest"] = wall - sum(st.wall.values())
    st.cpu["rest"] = cpu - sum(st.cpu.values())
    build = Path(settings.index_dir) / "builds" / report.version
    return report, wall, cpu, st, np.load(build / "vectors.npy")


def main() -> None:
    args = parse_args()
    import numpy as np

    from index.store.embeddings import resolve_model
    from index.store.onnx_embed import export_int8

    models = Path(args.models)
    t = time.perf_counter()
    export_int8(resolve_model("m3e-small"), models, progress=print)
    print(f"int8 ONNX model ready in {time.perf_counter() - t:.1f} s (0 when cached) under {models}")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        tmp = Path(tmp)
        sources = tmp / "sources"
        shutil.copytree(REPO / "corpus", sources)
        dev_subset(Path(args.extra), args.extra_docs, sources / "extra")
        rows, base = [], None
        for backend in args.backends.split(","):
            report, wall, cpu, st, vectors = run(backend, sources, tmp, args.max_len, models)
            if base is None:
                base = vectors
            cos = (vectors * base).sum(1)
            rows.append((backend, report, wall, cpu, st, cos))
            print(f"{backend}: {report.documents} documents, {report.clauses} clauses, {wall:.1f} s wall, "
                  f"{cpu:.1f} s CPU, {report.clauses / wall:.1f} clauses/s; cosine to {args.backends.split(',')[0]} "
                  f"mean {cos.mean():.4f} min {cos.min():.4f}; RSS peak {rss_mb()[1]:.0f} MB")
        names = ["parse", "tokenise", "forward", "vectors.npy", "chroma", "bm25", "rest"]
        print(f"\nstage seconds (wall / CPU), max length {args.max_len}")
        print(f"{'stage':<12}" + "".join(f"{r[0]:>22}" for r in rows))
        for name in names:
            print(f"{name:<12}" + "".join(f"{r[4].wall[name]:>12.2f} / {r[4].cpu[name]:>6.2f}" for r in rows))
        print(f"{'total':<12}" + "".join(f"{r[2]:>12.2f} / {r[3]:>6.2f}" for r in rows))
        print(f"{'clauses/s':<12}" + "".join(f"{r[1].clauses / r[2]:>22.1f}" for r in rows))
        first = rows[0]
        for r in rows[1:]:
            print(f"{r[0]} vs {first[0]}: ×{first[2] / r[2]:.2f} wall, ×{first[3] / r[3]:.2f} CPU")
        del np


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", default=str(REPO.parent / "shared" / "corpus-extra"))
    parser.add_argument("--extra-docs", type=int, default=30)
    parser.add_argument("--backends", default="torch,onnx-int8")
    parser.add_argument("--max-len", type=int, default=512)
    parser.add_argument("--models", default=str(Path(tempfile.gettempdir()) / "policy-bench-models"),
                        help="where the int8 export is cached (default: a temp folder kept between runs)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
