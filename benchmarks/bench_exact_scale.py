"""Exact dense search cost as the corpus grows (not a test; no model needed).

    .venv/bin/python benchmarks/bench_exact_scale.py [--queries 200]

The exact search is one matrix-vector product over every clause vector, so its cost grows
linearly with the number of clauses. This times ``ExactVectors.search`` (top 30, no filter and
a filter to 1/10 of the documents) on random unit vectors of m3e-small's size (512) at the
clause counts of 5, 265, 1,000 and 2,600 documents (~33 clauses a document, as corpus +
corpus-extra has), and prints the memory the matrix takes.
"""
from __future__ import annotations

import argparse
import statistics
import time

from common import rss_mb  # noqa: E402 - sets sys.path first


def main() -> None:
    import numpy as np

    from index.store.vectors import ExactVectors

    rng = np.random.default_rng(0)
    print(f"{'documents':>9} {'clauses':>8} {'matrix MB':>9} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'filtered p50':>12} {'RSS MB':>7}")
    for docs in (5, 265, 1000, 2600):
        n = docs * 33
        matrix = rng.standard_normal((n, 512)).astype(np.float32)
        doc_ids = [f"d{i % docs}" for i in range(n)]
        exact = ExactVectors([f"d{i % docs}/c{i}" for i in range(n)], doc_ids, matrix)
        del matrix
        allowed = {f"d{i}" for i in range(0, docs, 10)}
        qs = rng.standard_normal((args.queries, 512)).astype(np.float32)
        exact.search(qs[0], 30)
        full, filtered = [], []
        for q in qs:
            t = time.perf_counter()
            exact.search(q, 30)
            full.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            exact.search(q, 30, allowed)
            filtered.append((time.perf_counter() - t) * 1000)
        full.sort()
        print(f"{docs:>9} {n:>8} {exact.matrix.nbytes / 2**20:>9.0f} {statistics.median(full):>7.2f} "
              f"{full[int(len(full) * 0.95) - 1]:>7.2f} {statistics.median(filtered):>12.2f} {rss_mb()[0]:>7.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    main()
