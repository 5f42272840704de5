"""KeywordIndex.search selects its top-n in numpy: the same ranking as sorting every scored
clause in Python (score, then id for ties), with and without an allowed set."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from index.store.keyword import KeywordIndex

REPO = Path(__file__).resolve().parents[2]


def reference(index: KeywordIndex, query: str, top_n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
    """The plain definition: every clause with a positive score, filtered, sorted, cut."""
    hits = index.scores(query)
    if allowed is not None:
        hits = {cid: s for cid, s in hits.items() if cid in allowed}
    return sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]


def eval_questions(limit: int = 80) -> list[str]:
    out = []
    for path in sorted((REPO / "eval" / "questions").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line) if line.strip() else {}
            out.extend([obj["question"]] if "question" in obj else obj.get("turns", []))
    return out[:limit]


def test_ties_at_the_cut_are_broken_by_id():
    # identical texts score identically: which of them make the top 3 is decided by id
    ids = ["d/5", "d/1", "d/4", "d/2", "d/3", "e/1"]
    texts = ["购买工业机器人给予补助"] * 5 + ["营造良好发展氛围"]
    index = KeywordIndex.build(ids, texts)
    got = index.search("机器人补助", top_n=3)
    assert [cid for cid, _ in got] == ["d/1", "d/2", "d/3"]
    assert got == reference(index, "机器人补助", 3, None)
    assert index.search("机器人补助", top_n=3, allowed={"d/5", "d/4", "e/1"}) == reference(
        index, "机器人补助", 3, {"d/5", "d/4", "e/1"})


def test_no_match_and_empty_allowed_give_nothing():
    index = KeywordIndex.build(["a/1"], ["购买工业机器人给予补助"])
    assert index.search("天气怎么样") == []
    assert index.search("机器人", allowed=set()) == []
    assert index.search("机器人", allowed={"not/an-id"}) == []


@pytest.mark.parametrize("top_n", [1, 5, 30, 1000])
def test_search_equals_the_plain_definition_on_the_corpus(kb, top_n):
    index = kb.keyword
    rng = random.Random(top_n)
    doc_ids = sorted(kb.documents)
    for q in eval_questions():
        assert index.search(q, top_n=top_n) == reference(index, q, top_n, None), q
        docs = rng.sample(doc_ids, rng.randint(1, 2))
        allowed = {c.clause_id for d in docs for c in kb.clauses_of(d)}
        assert index.search(q, top_n=top_n, allowed=allowed) == reference(index, q, top_n, allowed), q
