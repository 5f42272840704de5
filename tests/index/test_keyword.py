"""index/keyword.py: jieba tokens, BM25 ranking, persistence."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index.store.keyword import KeywordIndex, expand_query, tokenize

REPO = Path(__file__).resolve().parents[2]

TEXTS = {
    "a/1": "购买工业机器人的企业，按设备投资额的10%给予补助，最高不超过200万元。",
    "a/2": "扶持物流公共信息平台建设，对投资500万元以上的平台给予一次性奖励50万元。",
    "b/1": "加强组织领导，营造良好发展氛围。",
}


@pytest.mark.parametrize("text, kept, dropped", [
    ("投资500万元以上的，补助多少？", ["投资", "500", "万元", "以上", "补助"], ["的", "，", "？", "多少"]),
    ("增长20%，按10％计", ["增长", "按", "计"], ["，"]),
    ("《泉州市》（2015）", ["泉州", "泉州市", "2015"], ["《", "》", "（", "）"]),
])
def test_tokenize_keeps_words_numbers_units_and_drops_punctuation(text, kept, dropped):
    toks = tokenize(text)
    assert all(k in toks for k in kept), toks
    assert not any(d in toks for d in dropped), toks


def test_percent_survives_tokenisation():
    # rates are asked about ("增长20%"); the sign must not be dropped as punctuation
    assert any("%" in t for t in tokenize("营业收入增长20%以上"))


def test_colloquial_words_are_expanded_to_policy_words():
    assert "补助" in expand_query(tokenize("有补贴吗"))
    assert "有效期" in expand_query(tokenize("这个文件什么时候到期"))


def test_bm25_ranks_the_matching_clause_first_and_filters(tmp_path):
    idx = KeywordIndex.build(list(TEXTS), list(TEXTS.values()))
    hits = idx.search("买机器人有补贴吗")
    assert hits[0][0] == "a/1"
    assert idx.search("物流平台", allowed={"b/1"}) == []
    assert idx.search("，。？") == []
    assert idx.search("完全无关的火星话题") == []


def test_save_and_load_give_the_same_scores(tmp_path):
    idx = KeywordIndex.build(list(TEXTS), list(TEXTS.values()))
    idx.save(tmp_path / "bm25")
    again = KeywordIndex.load(tmp_path / "bm25")
    assert again.ids == idx.ids
    assert again.scores("物流信息平台投资") == pytest.approx(idx.scores("物流信息平台投资"))


def test_loading_without_bm25s_scores_as_bm25s_does(tmp_path, monkeypatch):
    """The saved index is read with numpy alone (no scipy at a cold start); its scores equal
    bm25s's own loader's, repeated and unknown words included; a layout it does not know falls
    back to bm25s."""
    import bm25s

    from index.store.keyword import _SavedScores

    idx = KeywordIndex.build(list(TEXTS), list(TEXTS.values()))
    idx.save(tmp_path / "bm25")
    again = KeywordIndex.load(tmp_path / "bm25")
    assert isinstance(again._model, _SavedScores)
    reference = bm25s.BM25.load(str(tmp_path / "bm25"), show_progress=False, verbosity=0)
    for query in ("物流信息平台投资", "补贴 补贴 机器人", "火星 物流"):
        tokens = tokenize(query)
        assert list(again._model.get_scores(tokens)) == pytest.approx(list(reference.get_scores(tokens)))
    import index.store.keyword as keyword

    def unknown_layout(folder):
        raise ValueError("a layout this reader does not know")

    monkeypatch.setattr(keyword, "_SavedScores", unknown_layout)
    fallback = KeywordIndex.load(tmp_path / "bm25")
    assert isinstance(fallback._model, bm25s.BM25)
    assert fallback.scores("物流信息平台投资") == pytest.approx(idx.scores("物流信息平台投资"))


def test_empty_index_answers_nothing(tmp_path):
    idx = KeywordIndex.build([], [])
    idx.save(tmp_path / "e")
    assert KeywordIndex.load(tmp_path / "e").search("补助") == []


def test_jieba_initialisation_is_silent():
    code = "from index.store.keyword import tokenize; print(len(tokenize('泉州市工业设计中心奖励')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stderr == ""
    assert int(out.stdout) > 0


def test_everyday_words_find_the_official_terms_only_where_the_documents_lack_them(monkeypatch):
    from index.store.keyword import everyday_terms

    # invented clauses: the documents say 用电报装, the caller says 接电
    idx = KeywordIndex.build(["电/1", "电/2"], ["供电企业办理低压用电报装，压缩办理时限。",
                                               "各部门要加强组织领导，明确分工。"])
    monkeypatch.setenv("POLICY_EVERYDAY_TERMS", "0")
    assert "电/1" not in idx.scores("厂里要接电怎么弄")
    monkeypatch.setenv("POLICY_EVERYDAY_TERMS", "1")
    assert max(idx.scores("厂里要接电怎么弄").items(), key=lambda kv: kv[1])[0] == "电/1"
    # every row of the data file is a phrase with at least one official search token
    assert all(phrase and official for phrase, official in everyday_terms())
    # a documents' own word is searched as written: no translation added
    own = KeywordIndex.build(["户/1", "户/2"], ["个体户 可以 申请 补助。", "个体工商户 登记 流程。"])
    assert "工商户" not in expand_query(tokenize("个体户能申请吗"), "个体户能申请吗", own._model.vocab_dict)
    assert "工商户" in expand_query(tokenize("个体户能申请吗"), "个体户能申请吗", {})
