"""m3e-small as an int8 ONNX model, made here from the shipped weights (nothing is downloaded).

    export_int8(folder, cache_dir) -> Path     the quantised model, built once and cached
    export_fp32(folder, cache_dir) -> Path     the same graph unquantised: torch's vectors without torch
    OnnxEmbedder(folder, model_path)           encode / embed_documents / embed_query, no torch

The export traces the same BERT forward pass the torch backend runs (``embeddings._plain_bert``)
with mean pooling and the L2 norm inside the graph, so onnxruntime hands back finished vectors.
``onnxruntime.quantization.quantize_dynamic`` then stores the weights of every MatMul as int8
(activations are quantised per batch at run time, with one scale for the whole batch: a text's
vector moves a little with its batch partners — cosine ≥ 0.99 here — while the same batches give
the same rows). Torch is needed to build the file, not to
use it: a knowledge base on this backend embeds questions with onnxruntime + tokenizers only.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

OPSET = 17
FORMAT = 2  # bump when the exported graph changes: the cache key changes with it


def model_id(folder: str) -> str:
    """The weights + config + this file's format → a short id (the cache folder's name)."""
    h = hashlib.sha256(f"onnx-int8/{FORMAT}/{OPSET}".encode())
    for name in ("config.json", "pytorch_model.bin", "tokenizer.json"):
        path = Path(folder) / name
        st = path.stat()
        h.update(f"{name}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:16]


def export_int8(folder: str, cache_dir: Path, progress=None) -> Path:
    """A plain BERT folder → ``<cache_dir>/<id>/model-int8.onnx`` (made on first use, then reused).

    Written beside and renamed into place, so a killed export never leaves a half file behind.
    Raises ValueError for a model the plain BERT forward pass does not cover.
    """
    return _export(folder, cache_dir, "int8", progress)


def export_fp32(folder: str, cache_dir: Path, progress=None) -> Path:
    """A plain BERT folder → ``<cache_dir>/<id>/model-fp32.onnx``: the torch forward pass traced,
    not quantised, so onnxruntime gives the torch backend's vectors (within ~1e-6) without torch.
    A knowledge base on the torch backend embeds its questions with it (``query_embedder_for``)."""
    return _export(folder, cache_dir, "fp32", progress)


def fp32_path(folder: str, cache_dir: Path) -> Path:
    """Where ``export_fp32`` puts (or has put) the fp32 model."""
    return Path(cache_dir) / model_id(folder) / "model-fp32.onnx"


def _export(folder: str, cache_dir: Path, kind: str, progress=None) -> Path:
    target = Path(cache_dir) / model_id(folder) / f"model-{kind}.onnx"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _export_lock:
        if target.is_file():
            return target
        if progress:
            what = "int8" if kind == "int8" else "fp32 (question)"
            progress(f"building the {what} ONNX model once under {target.parent} "
                     f"({'about a minute' if kind == 'int8' else 'about 10 s'})")
        fp32 = target.with_name(f"trace-fp32.{os.getpid()}.onnx")
        tmp = target.with_name(f"model-{kind}.{os.getpid()}.onnx")
        try:
            _export_fp32(folder, fp32)
            if kind == "fp32":
                os.replace(fp32, target)
                return target
            from onnxruntime.quantization import QuantType, quantize_dynamic

            # per-tensor scales, MatMul weights only: per_channel=True gave cosine 0.73 to fp32 here, and
            # quantising the embedding tables (Gather) too lowered it from 0.990 to 0.989
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=False,
                             op_types_to_quantize=["MatMul"])
            os.replace(tmp, target)
        finally:
            for leftover in (fp32, tmp, fp32.with_name(fp32.name + ".data")):
                leftover.unlink(missing_ok=True)
            for extra in target.parent.glob("*-inferred.onnx"):
                extra.unlink(missing_ok=True)
    return target


_export_lock = threading.Lock()


def _export_fp32(folder: str, path: Path) -> None:
    """Trace the torch forward pass (+ mean pooling + L2 norm) into an fp32 ONNX file."""
    import torch

    from index.store.embeddings import _plain_bert

    plain = _plain_bert(folder)
    if plain is None:
        raise ValueError(f"{folder} is not a plain BERT folder; the onnx-int8 backend covers m3e-small-like models")
    _, forward, _ = plain

    class Pooled(torch.nn.Module):
        def forward(self, input_ids, attention_mask):
            hidden = forward({"input_ids": input_ids, "token_type_ids": torch.zeros_like(input_ids),
                              "attention_mask": attention_mask})
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    ids = torch.tensor([[101, 2769, 812, 102], [101, 2769, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    with torch.inference_mode():
        torch.onnx.export(Pooled(), (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
                          output_names=["vector"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "length"},
                                        "attention_mask": {0: "batch", 1: "length"}, "vector": {0: "batch"}})
    _constants_to_initializers(path)


def _constants_to_initializers(path: Path) -> None:
    """The weights are traced as Constant nodes (the forward pass holds them in a closure, not as
    parameters); the quantiser only rewrites MatMuls whose weight is an initializer, so move every
    tensor constant larger than a scalar into the initializers."""
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    keep = []
    for node in graph.node:
        value = node.attribute[0].t if (node.op_type == "Constant" and len(node.attribute) == 1
                                        and node.attribute[0].name == "value") else None
        if value is not None and len(value.dims) >= 2:
            value.name = node.output[0]
            graph.initializer.append(value)
        else:
            keep.append(node)
    del graph.node[:]
    graph.node.extend(keep)
    onnx.save(model, str(path))


class OnnxEmbedder:
    """The int8 model → normalised vectors; the same interface as ``MeanPoolingEmbedder``
    (``encode``, ``embed_documents``, ``embed_query``, ``max_seq_length``).

    Two onnxruntime sessions over one file: batches of clauses use every core, a single question
    uses ``query_threads`` (settings.query_threads; idle threads sleep, so 2 are not slower on busy cores).
    """

    def __init__(self, folder: str, model_path: Path, query_threads: int = 1, questions_only: bool = False):
        from tokenizers import Tokenizer

        self.model_name = folder
        self.model_path = Path(model_path)
        config = json.loads((Path(folder) / "config.json").read_text("utf-8"))
        self.max_seq_length = int(config.get("max_position_embeddings", 512))
        try:
            limit = json.loads((Path(folder) / "tokenizer_config.json").read_text("utf-8")).get("model_max_length")
            self.max_seq_length = min(self.max_seq_length, int(limit))
        except (OSError, ValueError, TypeError):
            pass
        self._pad = int(config.get("pad_token_id", 0) or 0)
        self._tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        self._tok_lock = threading.Lock()  # the tokenizer's truncation setting is shared state
        self._query_threads = query_threads
        self._sessions: dict[int, object] = {}
        # load now (a broken file fails here, not at the first question); a question embedder only
        # ever needs its one-question session (each session costs ~0.2 s to make)
        self._session(query_threads if questions_only else 0)

    def _session(self, threads: int):
        session = self._sessions.get(threads)
        if session is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = threads  # 0 = one per core
            options.inter_op_num_threads = 1
            # idle threads sleep instead of spinning: on shared cores spinning cost 25-30 % more CPU
            # per clause for the same wall time (benchmarks/bench_ingest.py)
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])
            self._sessions[threads] = session
        return session

    def _features(self, batch: list[str]):
        import numpy as np

        with self._tok_lock:
            self._tok.enable_truncation(max_length=self.max_seq_length)
            self._tok.enable_padding(pad_id=self._pad, pad_token=self._tok.id_to_token(self._pad) or "[PAD]")
            encs = self._tok.encode_batch(batch)
        return {"input_ids": np.array([e.ids for e in encs], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64)}

    def encode(self, texts: list[str], batch_size: int = 16, threads: int = 0):
        """Texts → float32 matrix of unit vectors, in the order given."""
        import numpy as np

        session = self._session(threads)
        out = []
        for i in range(0, len(texts), batch_size):
            batch = [t.replace("\n", " ") for t in texts[i:i + batch_size]]
            out.append(session.run(["vector"], self._features(batch))[0])
        return np.vstack(out).astype(np.float32) if out else np.zeros((0, 0), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], threads=self._query_threads)[0].tolist()
