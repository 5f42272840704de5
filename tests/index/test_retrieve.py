"""index/retrieve.py over the real session index: hybrid quality, filters, modes, the retriever."""
from __future__ import annotations

import datetime as dt
import json
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from index.errors import InputError
from index.store.retrieve import rrf_fuse
from index.store.retriever import HybridRetriever

QUESTIONS = [json.loads(line) for line in
             (Path(__file__).resolve().parents[1] / "data" / "retrieval_questions.jsonl").read_text("utf-8").splitlines()
             if line.strip()]


def _hit(scored, expected) -> bool:
    return any(scored.clause.doc_id == e["doc_id"] and e["snippet"] in scored.clause.text for e in expected)


def test_question_set_is_well_formed(kb):
    assert len(QUESTIONS) >= 15
    assert {e["doc_id"] for q in QUESTIONS for e in q["expected"]} == set(kb.documents)
    for q in QUESTIONS:  # each expectation names a real clause; questions are not clause text
        for e in q["expected"]:
            clause = next((c for c in kb.clauses_of(e["doc_id"]) if e["snippet"] in c.text), None)
            assert clause is not None, e
            m = SequenceMatcher(None, q["question"], clause.text, autojunk=False)
            common = m.find_longest_match(0, len(q["question"]), 0, len(clause.text)).size
            assert common < 12, (q["question"], "copies clause text")  # a programme name, not a sentence


@pytest.mark.parametrize("q", QUESTIONS, ids=[q["question"][:12] for q in QUESTIONS])
def test_users_question_finds_its_clause_in_the_top_3(kb, q):
    hits = kb.search(q["question"], k=3)
    assert any(_hit(h, q["expected"]) for h in hits), [h.clause.clause_id for h in hits]


def test_hit_rates_per_mode(kb, capsys):
    """Not a threshold per mode: records hit@1/hit@3 so regressions show in the log."""
    rates = {}
    for mode in ("hybrid", "dense", "bm25"):
        h1 = h3 = 0
        for q in QUESTIONS:
            hits = kb.search(q["question"], k=3, mode=mode)
            h1 += bool(hits) and _hit(hits[0], q["expected"])
            h3 += any(_hit(h, q["expected"]) for h in hits)
        rates[mode] = (h1, h3)
    with capsys.disabled():
        print("\nretrieval hit@1/hit@3 of", len(QUESTIONS), rates)
    assert rates["hybrid"][1] == len(QUESTIONS)
    assert rates["hybrid"][1] >= max(rates["dense"][1], rates["bm25"][1])


def test_rrf_fusion_orders_by_summed_reciprocal_ranks():
    fused = dict(rrf_fuse([[("a", 0.9), ("b", 0.8)], [("b", 12.0), ("c", 3.0)]], rrf_k=60))
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["a"] == pytest.approx(1 / 61)
    assert list(dict(rrf_fuse([[("a", 1)], [("b", 1)]]))) == ["a", "b"]  # ties break on id


def test_scores_ranks_and_per_side_evidence(kb):
    hits = kb.search("工业设计中心奖励", k=5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.dense_score is not None or h.bm25_score is not None for h in hits)
    dense = kb.search("工业设计中心奖励", k=3, mode="dense")
    assert all(h.score == h.dense_score and h.bm25_score is None and 0 < h.score <= 1.0001 for h in dense)
    bm25 = kb.search("工业设计中心奖励", k=3, mode="bm25")
    assert all(h.score == h.bm25_score and h.dense_score is None and h.score > 0 for h in bm25)


def test_region_and_issuer_filters(kb):
    assert {h.clause.doc_id for h in kb.search("工业设计奖励", k=10, region="嘉兴")} == {
        "jiaxing-2024-two-industries-integration"}
    assert {h.clause.doc_id for h in kb.search("工业设计奖励", k=10, region="嘉兴市")} == {
        "jiaxing-2024-two-industries-integration"}
    by_issuer = {h.clause.doc_id for h in kb.search("工业设计奖励", k=10, issuer="管理委员会")}
    assert by_issuer == {"quanzhou-kfq-smart-manufacturing-quality"}
    quanzhou = {h.clause.doc_id for h in kb.search("工业设计奖励", k=20, region="泉州")}
    assert quanzhou and all(d.startswith("quanzhou") for d in quanzhou)
    assert kb.search("工业设计奖励", region="上海") == []


def test_valid_only_follows_the_as_of_date(kb):
    late = {h.clause.doc_id for h in kb.search("单项冠军企业奖励", k=30, valid_only=True,
                                               as_of=dt.date(2026, 11, 21))}
    assert "weifang-five-optimizations-manufacturing" not in late  # expired 2025-12-31
    early = kb.search("单项冠军企业奖励", k=3, valid_only=True, as_of=dt.date(2025, 6, 1))
    assert early[0].clause.doc_id == "weifang-five-optimizations-manufacturing"


@pytest.mark.parametrize("bad", [dict(query=""), dict(query="  \n "), dict(query=None), dict(query="补助" * 3000),
                                 dict(query="补助", k=0), dict(query="补助", k="5"), dict(query="补助", mode="fuzzy")])
def test_bad_input_is_an_input_error_with_a_chinese_message(kb, bad):
    with pytest.raises(InputError) as err:
        kb.search(**bad)
    assert err.value.zh and str(err.value)


def test_hybrid_retriever_is_a_langchain_retriever_over_the_same_search(kb):
    retriever = HybridRetriever(kb=kb, k=3, region="泉州")
    docs = retriever.invoke("物流公共信息平台补助")
    hits = kb.search("物流公共信息平台补助", k=3, region="泉州")
    assert [d.metadata["clause_id"] for d in docs] == [h.clause.clause_id for h in hits]
    top = docs[0]
    assert top.page_content == kb.clauses[top.metadata["clause_id"]].text
    assert set(top.metadata) >= {"clause_id", "doc_id", "display_path", "score", "dense_score", "bm25_score"}
    assert top.metadata["score"] == pytest.approx(hits[0].score)
    assert HybridRetriever(kb=kb, k=2, mode="bm25").invoke("工业设计")


def test_rrf_weights_scale_each_list():
    fused = dict(rrf_fuse([[("a", 0.9)], [("b", 3.0)]], rrf_k=60, weights=(1.0, 2.0)))
    assert fused["a"] == pytest.approx(1 / 61) and fused["b"] == pytest.approx(2 / 61)
    # without weights every list counts once
    assert dict(rrf_fuse([[("a", 0.9)], [("b", 3.0)]], rrf_k=60))["b"] == pytest.approx(1 / 61)
