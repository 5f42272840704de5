"""index/store/onnx_embed.py: the int8 export made here, its vectors, and the backend in the index key."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import ConfigError
from index.store import embeddings

REPO = Path(__file__).resolve().parents[2]
TEXTS = ["对新认定的市级示范园区给予一次性奖励20万元。",
         "企业购置研发设备，按设备购置额的10%给予补助，最高100万元。\n第二款 申报材料包括营业执照复印件。",
         "加强组织领导，营造良好氛围", "补贴"]


def test_the_backend_is_part_of_the_model_key():
    assert embeddings.model_key("m3e-small") == "m3e-small"  # torch keys stay as they were
    assert embeddings.model_key("m3e-small", "torch") == "m3e-small"
    assert embeddings.model_key("m3e-small", "onnx-int8") == "m3e-small#onnx-int8"
    with pytest.raises(ConfigError, match="not one of torch, onnx-int8"):
        embeddings.model_key("m3e-small", "tensorrt")


@pytest.fixture(scope="module")
def onnx_models(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.mark.slow
def test_int8_vectors_are_close_to_fp32_and_the_export_is_cached(onnx_models):
    import numpy as np

    from index.store.onnx_embed import export_int8

    folder = embeddings.resolve_model("m3e-small")
    path = export_int8(folder, onnx_models)
    mtime = path.stat().st_mtime_ns
    assert export_int8(folder, onnx_models) == path and path.stat().st_mtime_ns == mtime  # not made again
    assert sorted(p.name for p in path.parent.iterdir()) == ["model-int8.onnx"]  # no leftovers
    int8 = embeddings.get_embedder("m3e-small", "onnx-int8", onnx_models)
    fp32 = embeddings.get_embedder("m3e-small")
    got = embeddings.encode_texts(int8, TEXTS, batch_size=2)
    want = embeddings.encode_texts(fp32, TEXTS, batch_size=2)
    assert got.shape == want.shape == (4, 512)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    assert (got * want).sum(1).min() > 0.97
    # activations are quantised per batch (one scale over the batch, padding included), so a text
    # alone and in a batch differ a little; batches are formed deterministically at ingest
    q = np.asarray(embeddings.embed_query(int8, TEXTS[0], threads=1))
    assert 0.99 < float(q @ got[0]) <= 1.0001
    assert np.array_equal(embeddings.encode_texts(int8, TEXTS, batch_size=2), got)  # same batches, same rows
    # semantics survive: the reward clause is nearer a reward question than the filler is
    ask = np.asarray(int8.embed_query("示范园区有奖励吗"))
    assert ask @ got[0] > ask @ got[2]


@pytest.mark.slow
def test_questions_never_import_torch_on_the_int8_backend(onnx_models):
    from index.store.onnx_embed import export_int8

    export_int8(embeddings.resolve_model("m3e-small"), onnx_models)
    code = ("import sys; from index.store import embeddings as e;"
            f"m = e.get_embedder('m3e-small', 'onnx-int8', {str(onnx_models)!r});"
            "v = e.embed_query(m, '研发设备补助');"
            "print(len(v), 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["512", "False"]


@pytest.mark.slow
def test_an_index_built_on_one_backend_is_not_queried_with_the_other(kb, settings):
    from index.store.knowledge import KnowledgeBase

    with pytest.raises(ConfigError, match="m3e-small#onnx-int8") as err:
        KnowledgeBase.open(settings.with_(embed_backend="onnx-int8"))
    assert "--embed-backend" in str(err.value) and err.value.zh
