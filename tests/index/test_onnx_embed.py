"""index/store/onnx_embed.py: the int8 export made here, its vectors, and the backend in the index key."""
from __future__ import annotations

import os
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


@pytest.mark.slow
def test_the_fp32_export_gives_torchs_vectors(onnx_models, real_embedder):
    import numpy as np

    from index.store.onnx_embed import OnnxEmbedder, export_fp32, fp32_path

    folder = embeddings.resolve_model("m3e-small")
    path = export_fp32(folder, onnx_models)
    assert path == fp32_path(folder, onnx_models) and path.is_file()
    assert not list(path.parent.glob("*.*.onnx"))  # no half-written leftovers
    fp32 = OnnxEmbedder(folder, path, questions_only=True)
    for text in TEXTS:
        got = np.asarray(embeddings.embed_query(fp32, text, threads=1))
        want = np.asarray(embeddings.embed_query(real_embedder, text, threads=1))
        assert np.abs(got - want).max() < 1e-5
    batched = embeddings.encode_texts(fp32, TEXTS, batch_size=2)
    assert np.abs(batched - embeddings.encode_texts(real_embedder, TEXTS, batch_size=2)).max() < 1e-5


@pytest.mark.slow
def test_a_torch_build_ranks_clauses_alike_with_either_question_embedder(kb, settings, real_embedder):
    from index.store.embeddings import query_embedder_for
    from index.store.onnx_embed import OnnxEmbedder

    questions = query_embedder_for(settings)
    assert isinstance(questions, OnnxEmbedder)  # the default for a torch build
    exact = kb._live().exact
    assert exact is not None and len(exact) == len(kb.clauses)
    for text in ("示范园区有奖励吗", "研发设备购置补助的比例是多少", "申报材料包括哪些", "人才公寓租金减免"):
        a = exact.search(embeddings.embed_query(questions, text), 20)
        b = exact.search(embeddings.embed_query(real_embedder, text), 20)
        assert [cid for cid, _ in a] == [cid for cid, _ in b]
        assert max(abs(x - y) for (_, x), (_, y) in zip(a, b)) < 1e-5


@pytest.mark.slow
def test_ask_never_imports_torch_when_the_fp32_export_exists(kb, settings):
    from index.store.onnx_embed import export_fp32

    export_fp32(embeddings.resolve_model("m3e-small"), settings.models_dir)
    code = ("import sys; from assistant.cli.main import main;"
            f"rc = main(['ask', '示范园区有奖励吗', '--no-server', '--data-dir', {str(settings.data_dir)!r},"
            " '--as-of', '2026-11-21']);"
            "print('TORCH', 'torch' in sys.modules, rc)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env={**os.environ, "POLICY_SERVER_URL": "off"})
    assert out.stdout.strip().splitlines()[-1] == "TORCH False 0", out.stderr
    assert "building" not in out.stderr  # the export was reused, not made again


@pytest.mark.slow
def test_questions_fall_back_to_torch_when_the_export_cannot_be_made(tmp_path, settings):
    from index.store.embeddings import MeanPoolingEmbedder, query_embedder_for

    blocked = tmp_path / "models"
    blocked.write_text("a file where the models folder should be")
    said = []
    got = query_embedder_for(settings.with_(models_path=blocked), progress=said.append)
    assert isinstance(got, MeanPoolingEmbedder)
    assert said and "embedded with torch" in said[-1]
    assert isinstance(query_embedder_for(settings.with_(query_onnx=False)), MeanPoolingEmbedder)


@pytest.mark.slow
def test_a_damaged_fp32_export_is_made_again(tmp_path, settings):
    from index.store.embeddings import query_embedder_for
    from index.store.onnx_embed import OnnxEmbedder, fp32_path

    models = tmp_path / "models"
    broken = fp32_path(embeddings.resolve_model("m3e-small"), models)
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not an onnx model")
    said = []
    got = query_embedder_for(settings.with_(models_path=models), progress=said.append)
    assert isinstance(got, OnnxEmbedder) and broken.stat().st_size > 1_000_000
    assert any("making it again" in line for line in said)
    assert len(embeddings.embed_query(got, "研发设备补助")) == 512


@pytest.mark.slow
def test_the_question_model_is_prefetched_only_when_its_file_is_made(tmp_path, settings):
    from index.store.embeddings import prefetch_query_embedder, query_embedder_for
    from index.store.onnx_embed import export_fp32

    fresh = settings.with_(models_path=tmp_path / "models")
    assert prefetch_query_embedder(fresh) is None  # nothing made yet: the first export stays in the foreground
    assert not (tmp_path / "models").exists()
    export_fp32(embeddings.resolve_model("m3e-small"), tmp_path / "models")
    thread = prefetch_query_embedder(fresh)
    assert thread is not None
    got = query_embedder_for(fresh)  # waits for the prefetch, does not load a second copy
    thread.join(timeout=60)
    assert query_embedder_for(fresh) is got
    assert prefetch_query_embedder(settings.with_(query_onnx=False)) is None
