"""Embedding benchmark (not a test): where ingest's forward-pass time goes, variants side by side.

    .venv/bin/python benchmarks/bench_embed.py [--build DIR] [--limit 400]

Reads the clause texts of an existing build (default: the index of corpus/ under ./data, or
--build), keeping only the shipped corpus and the ``dev`` half of corpus-extra, then prints the
tokenised length distribution and clauses/s of each way to embed them, as a ratio to the
current path ("hash order, batches of 64 through LangChain") measured in the same run, with
the cosine of each variant's vectors to the current ones.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from common import REPO  # noqa: E402 - sets sys.path and offline env first


def dev_texts(build: Path, manifest_tsv: Path | None, limit: int) -> list[str]:
    from index.builds import load_records
    from index.records import index_text

    docs, clauses = load_records(build)
    sealed = set()
    if manifest_tsv and manifest_tsv.is_file():
        with open(manifest_tsv, encoding="utf-8") as fh:
            sealed = {row["file"] for row in csv.DictReader(fh, delimiter="\t") if row.get("half") == "sealed"}
    texts = [index_text(docs[c.doc_id], c) for c in clauses.values()
             if Path(docs[c.doc_id].source_path).name not in sealed]
    # every k-th clause, so a limit keeps the mix of documents and lengths
    step = max(1, len(texts) // limit) if limit else 1
    return texts[::step][:limit] if limit else texts


def main() -> None:
    import numpy as np

    from index.store.embeddings import _langchain_embedder, encode_texts, get_embedder, resolve_model
    from index.store.vectors import text_hash

    build = Path(args.build)
    texts = dev_texts(build, Path(args.manifest), args.limit)
    emb = _langchain_embedder(resolve_model("m3e-small"))  # the path ingest used before
    direct = get_embedder("m3e-small")  # m3e-small's BERT run directly (torch + tokenizers)
    model = emb._client
    tok = model.tokenizer
    t = time.perf_counter()
    lengths = [len(x) for x in tok([s.replace("\n", " ") for s in texts], add_special_tokens=True)["input_ids"]]
    tok_s = time.perf_counter() - t
    q = statistics.quantiles(lengths, n=100)
    print(f"{len(texts)} clauses from {build}; model max_seq_length {model.max_seq_length}")
    print(f"tokens: median {statistics.median(lengths):.0f}, p90 {q[89]:.0f}, p99 {q[98]:.0f}, max {max(lengths)}; "
          f"> 256: {sum(n > 256 for n in lengths)}, > 512: {sum(n > 512 for n in lengths)}; "
          f"tokenising all took {tok_s:.2f} s")

    def current():
        keys = [text_hash(s) for s in texts]
        todo = sorted(zip(keys, texts))
        out = {}
        for i in range(0, len(todo), 64):
            part = todo[i:i + 64]
            for (k, _), v in zip(part, emb.embed_documents([s for _, s in part])):
                out[k] = v
        return np.asarray([out[k] for k in keys], dtype=np.float32)

    variants = [("before: hash order, 64s via LangChain, batch 32", current),
                ("sentence-transformers, length-sorted, batch 32", lambda: encode_texts(emb, texts)),
                ("direct BERT, length-sorted, batch 32", lambda: encode_texts(direct, texts)),
                ("direct BERT, length-sorted, batch 16", lambda: encode_texts(direct, texts, batch_size=16))]
    # the machine is shared: variants run interleaved, each `--rounds` times, and the best wall
    # time and the CPU time of that run are kept
    best: dict[str, tuple[float, float]] = {}
    vecs_of = {}
    for _ in range(args.rounds):
        for name, fn in variants:
            t, c = time.perf_counter(), time.process_time()
            vecs_of[name] = fn()
            took, cpu = time.perf_counter() - t, time.process_time() - c
            if name not in best or took < best[name][0]:
                best[name] = (took, cpu)
    ref = vecs_of[variants[0][0]]
    base_wall, base_cpu = best[variants[0][0]]
    print(f"torch threads {__import__('torch').get_num_threads()}; best of {args.rounds} interleaved rounds")
    for name, _ in variants:
        took, cpu = best[name]
        cos = (vecs_of[name] * ref).sum(axis=1)
        print(f"{name:<50} {len(texts) / took:6.1f} clauses/s  x{base_wall / took:.2f} wall, x{base_cpu / cpu:.2f} cpu"
              f"   cos to current: mean {cos.mean():.4f}, min {cos.min():.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="/work/data-eval/eval/extra-9b2538c2ed/index/builds/20261203T104328-b658ee")
    parser.add_argument("--manifest", default=str(REPO.parent / "shared" / "corpus-extra" / "MANIFEST.tsv"))
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    main()
