"""The question side of dense search: one-thread query embedding, the question-vector cache,
and Chroma queried for ids + distances only — all giving the results the plain path gives."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from index.store import embeddings
from index.store.embeddings import QueryVectors, embed_query, torch_threads

QUESTIONS = ["物流公共信息平台投资了800万，能补助多少？", "首台套装备有什么奖励", "泉州开发区引进人才有补贴吗"]


class Counting:
    """The real embedder, counting the questions it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def embed_query(self, text):
        self.calls += 1
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def model():
    return embeddings.get_embedder("m3e-small")


def test_torch_threads_applies_to_the_block_and_is_restored(model):
    import torch

    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_torch_threads_is_per_thread_so_other_requests_keep_theirs(model):
    import torch

    before = torch.get_num_threads()
    seen = {}
    inside, done = threading.Event(), threading.Event()

    def worker():
        with torch_threads(1):
            seen["worker"] = torch.get_num_threads()
            inside.set()
            done.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    seen["main"] = torch.get_num_threads()  # while the worker is inside its block
    done.set()
    t.join()
    assert seen == {"worker": 1, "main": before}


def test_one_thread_gives_the_same_vector_up_to_float_rounding(model):
    for q in QUESTIONS:
        default = np.array(model.embed_query(q))
        single = np.array(embed_query(model, q, threads=1))
        assert single.shape == (512,)
        assert np.abs(default - single).max() < 1e-5


def test_a_repeated_question_is_embedded_once(model):
    counting = Counting(model)
    cache = QueryVectors(size=8)
    first = cache.get(counting, QUESTIONS[0])
    again = cache.get(counting, QUESTIONS[0])
    assert counting.calls == 1 and (cache.hits, cache.misses) == (1, 1)
    assert again == first
    again.append(0.0)  # a caller changing its copy does not change the cached vector
    assert cache.get(counting, QUESTIONS[0]) == first


def test_the_least_recently_used_question_is_dropped_first(model):
    counting = Counting(model)
    cache = QueryVectors(size=2)
    cache.get(counting, QUESTIONS[0])
    cache.get(counting, QUESTIONS[1])
    cache.get(counting, QUESTIONS[0])  # now the most recent
    cache.get(counting, QUESTIONS[2])  # drops QUESTIONS[1]
    assert counting.calls == 3
    cache.get(counting, QUESTIONS[0])
    assert counting.calls == 3
    cache.get(counting, QUESTIONS[1])
    assert counting.calls == 4


def test_another_embedder_never_reuses_a_vector(model):
    a, b = Counting(model), Counting(model)
    cache = QueryVectors()
    cache.get(a, QUESTIONS[0])
    cache.get(b, QUESTIONS[0])
    assert (a.calls, b.calls) == (1, 1)


def test_concurrent_questions_get_their_own_vectors(model):
    cache = QueryVectors()
    expected = {q: np.array(model.embed_query(q)) for q in QUESTIONS}
    got: dict[str, list] = {}

    def ask(q):
        got[q] = cache.get(model, q)

    threads = [threading.Thread(target=ask, args=(q,)) for q in QUESTIONS * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for q in QUESTIONS:
        assert np.abs(np.array(got[q]) - expected[q]).max() < 1e-5


@pytest.mark.parametrize("filtered", [False, True])
def test_dense_search_matches_the_langchain_chroma_path(kb, filtered):
    """ids + distances straight from the collection = what LangChain's Chroma wrapper returns."""
    allowed = {sorted(kb.documents)[0], sorted(kb.documents)[-1]} if filtered else None
    where = {"doc_id": {"$in": sorted(allowed)}} if allowed else None
    for q in QUESTIONS:
        ours = kb.dense_search(q, 30, allowed)
        vector = embed_query(kb.embedder, q)
        theirs = kb.vectorstore.similarity_search_by_vector_with_relevance_scores(vector, k=30, filter=where)
        assert [cid for cid, _ in ours] == [d.id for d, _ in theirs]
        assert np.allclose([s for _, s in ours], [1.0 - d for _, d in theirs], atol=1e-6)
        assert all(kb.clauses[cid].doc_id in allowed for cid, _ in ours) if allowed else len(ours) == 30


def test_a_second_search_of_the_same_question_reuses_its_vector(kb):
    queries = kb._model.queries
    q = "技术改造项目设备投资补助比例是多少（缓存测试）"
    kb.search(q, k=3)
    hits = queries.hits
    again = kb.search(q, k=3)
    assert queries.hits == hits + 1
    assert again and [s.clause.clause_id for s in again] == [s.clause.clause_id for s in kb.search(q, k=3)]


class ThreadsSeen:
    """The real embedder, noting how many torch threads each question was embedded on."""

    def __init__(self, inner):
        self.inner, self.threads = inner, []

    def embed_query(self, text):
        import torch

        self.threads.append(torch.get_num_threads())
        return self.inner.embed_query(text)


@pytest.mark.parametrize("threads", [1, 2])
def test_a_kb_embeds_questions_on_the_configured_threads(kb, settings, threads):
    import torch

    from index.store.knowledge import KnowledgeBase

    seen = ThreadsSeen(kb.embedder)
    other = KnowledgeBase.open(settings.with_(query_threads=threads), embedder=seen)
    before = torch.get_num_threads()
    assert other.search("工业机器人购置补助", k=3)
    assert seen.threads == [threads]
    assert torch.get_num_threads() == before


def test_query_threads_come_from_the_environment(monkeypatch):
    from index.config import Settings

    assert Settings().query_threads == 2
    monkeypatch.setenv("POLICY_QUERY_THREADS", "1")
    assert Settings().query_threads == 1
