"""ranker: the learned order of the clauses an answer may cite, on invented documents."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.answer import ranker
from assistant.answer.select import _fit, _terms, rerank
from index.records import Clause, ScoredClause

ROOT = Path(__file__).resolve().parents[2]


def _kb(*clauses: tuple[str, str, tuple[str, ...]]):
    """A knowledge base of one invented document made of ``clauses`` (id, text, headings)."""
    body, made, pos = "", {}, 0
    for cid, text, path in clauses:
        made[cid] = Clause(clause_id=cid, doc_id="水务", path=path, display_path="", text=text,
                           start=pos, end=pos + len(text))
        body += text
        pos += len(text)
    doc = SimpleNamespace(doc_id="水务", title="某县优化用水报装服务的若干措施", text=body, region="某县")
    return SimpleNamespace(clauses=made, documents={"水务": doc}, version="", coverage=None)


KB = _kb(
    ("水务/1", "供水企业应制定用水报装办事指南，公示办理流程、申请材料和收费标准，接受社会监督。",
     ("二、优化服务", "（一）公开办事指南")),
    ("水务/2", "供水企业办理用水报装业务，在2个工作日内办理完成。", ("二、优化服务", "（二）压缩办理时限")),
    ("水务/3", "各乡镇要加强组织领导，明确责任分工。", ("三、保障措施",)),
)
QUESTION = "在某县办用水报装要几个工作日才能办好？"


def _window(*ids: str, dense=(0.80, 0.78, 0.60)) -> list[ScoredClause]:
    return [ScoredClause(KB.clauses[c], 0.03, rank=i, dense_score=d, bm25_score=5.0 - i)
            for i, (c, d) in enumerate(zip(ids, dense), 1)]


def _rows(window):
    terms = _terms(QUESTION, KB)
    fits = [_fit(terms, QUESTION, sc, i, KB) for i, sc in enumerate(window)]
    return ranker.features(QUESTION, window, terms, fits, KB)


def test_features_are_one_row_of_every_named_signal_per_clause():
    rows = _rows(_window("水务/1", "水务/2", "水务/3"))
    assert len(rows) == 3 and all(len(r) == len(ranker.NAMES) for r in rows)
    col = {n: [r[i] for r in rows] for i, n in enumerate(ranker.NAMES)}
    # a time asked: the clause stating one says so, the guide and the boilerplate do not
    assert col["type_states"] == [-1.0, 1.0, -1.0]
    assert col["rank_recip"] == [1.0, 0.5, pytest.approx(1 / 3)]
    assert col["fit_gap"][0] <= 0 and max(col["fit_gap"]) == 0
    assert col["weight_share"][2] < col["weight_share"][1]  # the boilerplate shares no word
    # the answering clause holds every question word its document holds; the guide does not
    assert col["clause_vs_doc"][1] == 0 > col["clause_vs_doc"][0]
    assert col["top_doc"] == [1.0, 1.0, 1.0] and col["doc_in_window"] == [1.0, 1.0, 1.0]


def test_the_shipped_model_ranks_the_answering_clause_above_a_distractor_sharing_its_words():
    model = ranker.Ranker.load(ranker.WEIGHTS)
    # the distractor comes first in the retrieval and shares 用水报装/办理/供水企业
    scores = model.scores(_rows(_window("水务/1", "水务/2", "水务/3")))
    assert scores[1] > scores[0] > scores[2] or scores[1] > max(scores[0], scores[2])


def test_rerank_follows_the_model_when_choosing_what_to_cite_and_the_rules_when_switched_off(
        tmp_path, monkeypatch):
    # a model that only likes the boilerplate's length: the learned order must follow it
    size = len(ranker.NAMES)
    odd = {"features": list(ranker.NAMES), "mean": [0.0] * size, "scale": [1.0] * size,
           "weights": [-10.0 if n == "log_len" else 0.0 for n in ranker.NAMES]}
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(odd), encoding="utf-8")
    monkeypatch.setenv("POLICY_RERANK_WEIGHTS", str(path))
    window = _window("水务/1", "水务/2", "水务/3")
    q = "某县用水报装有哪些规定？"  # no kind of answer asked, which a rule would put first
    assert rerank(q, window, kb=KB, stating=True)[0].clause.clause_id == "水务/3"
    # judging whether the documents speak to the question stays on the rules
    assert rerank(q, window, kb=KB)[0].clause.clause_id != "水务/3"
    monkeypatch.setenv("POLICY_RERANK", "0")
    assert ranker.active() is None
    assert rerank(q, window, kb=KB, stating=True)[0].clause.clause_id != "水务/3"


def test_a_question_giving_its_own_figures_keeps_the_rule_order(tmp_path, monkeypatch):
    size = len(ranker.NAMES)
    odd = {"features": list(ranker.NAMES), "mean": [0.0] * size, "scale": [1.0] * size,
           "weights": [-10.0 if n == "log_len" else 0.0 for n in ranker.NAMES]}
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(odd), encoding="utf-8")
    monkeypatch.setenv("POLICY_RERANK_WEIGHTS", str(path))
    window = _window("水务/1", "水务/2", "水务/3")
    q = "某县3个用水报装项目有哪些规定？"
    assert rerank(q, window, kb=KB, stating=True)[0].clause.clause_id != "水务/3"


def test_the_weights_file_loads_and_a_mismatched_one_is_refused(tmp_path):
    model = ranker.Ranker.load(ranker.WEIGHTS)
    assert model.names == ranker.NAMES and len(model.weights) == len(ranker.NAMES)
    assert all(s > 0 for s in model.scale)
    bad = json.loads(ranker.WEIGHTS.read_text(encoding="utf-8"))
    bad["features"] = bad["features"][:-1]
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="features"):
        ranker.Ranker.load(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="cannot read"):
        ranker.Ranker.load(tmp_path / "missing.json")


def _train_script():
    spec = importlib.util.spec_from_file_location("train_rerank", ROOT / "eval" / "train_rerank.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _invented_groups() -> list[dict]:
    """Windows where the answering clause is the one stating the asked kind, not the first."""
    size = len(ranker.NAMES)
    kind, rank = ranker.NAMES.index("type_states"), ranker.NAMES.index("rank_recip")
    groups = []
    for n in range(6):
        rows = [[0.0] * size for _ in range(4)]
        for i, row in enumerate(rows):
            row[rank] = 1 / (i + 1)
            row[kind] = 1.0 if i == (n % 3) + 1 else -1.0
        groups.append({"id": f"inv-{n}", "rows": rows, "labels": [int(i == (n % 3) + 1) for i in range(4)]})
    groups.append({"id": "inv-none", "rows": [[0.0] * size] * 2, "labels": [0, 0]})  # no answer: left out
    return groups


def test_training_learns_the_signal_and_reproduces_its_weights(tmp_path):
    path = tmp_path / "groups.json"
    path.write_text(json.dumps(_invented_groups()), encoding="utf-8")
    train = _train_script()
    for out in ("a.json", "b.json"):
        assert train.main(["fit", str(path), "--out", str(tmp_path / out)]) == 0
    a = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert a == json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert a["trained_on"] == 6
    model = ranker.Ranker.from_dict(a)
    assert a["weights"][ranker.NAMES.index("type_states")] > 0
    for g in _invented_groups()[:6]:
        scores = model.scores(g["rows"])
        assert g["labels"][scores.index(max(scores))] == 1


def test_the_shipped_weights_are_what_the_training_script_gives_from_the_shipped_groups(tmp_path):
    out = tmp_path / "w.json"
    assert _train_script().main(["fit", str(ROOT / "eval" / "rerank_groups.json"), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(ranker.WEIGHTS.read_text(encoding="utf-8"))


def test_a_sum_asked_is_read_only_from_a_clause_holding_the_subject_the_rules_found(tmp_path, monkeypatch):
    # an invented near-miss: the subject's own clause states no sum; another benefit's does
    kb = _kb(("奖/1", "对新认定的国家级服务型制造示范企业，一次性给予150万元奖励，对省级的给予50万元奖励。",
              ("三、政策措施", "（一）服务型制造")),
             ("奖/2", "支持企业争创专精特新小巨人企业，加强梯度培育，强化跟踪服务。",
              ("二、重点任务", "（三）梯度培育")))
    size = len(ranker.NAMES)
    money = {"features": list(ranker.NAMES), "mean": [0.0] * size, "scale": [1.0] * size,
             "weights": [10.0 if n == "log_len" else 0.0 for n in ranker.NAMES]}  # the longer clause
    path = tmp_path / "money.json"
    path.write_text(json.dumps(money), encoding="utf-8")
    monkeypatch.setenv("POLICY_RERANK_WEIGHTS", str(path))
    window = [ScoredClause(kb.clauses[c], 0.03, rank=i, dense_score=0.8, bm25_score=3.0)
              for i, c in enumerate(("奖/1", "奖/2"), 1)]
    q = "刚评上专精特新小巨人的企业能奖多少？"
    assert rerank(q, window, kb=kb, stating=True)[0].clause.clause_id == "奖/2"
    # asked what it is, not how much: the model's choice stands
    assert rerank("专精特新小巨人企业和示范企业有什么支持？", window, kb=kb, stating=True)[0].clause.clause_id == "奖/1"


def _two_places():
    """A city's own document and its zone's, one clause each, the zone's longer."""
    made = {
        "市/1": Clause(clause_id="市/1", doc_id="市", path=("三、支持政策",), display_path="", start=0, end=25,
                      text="对离岸服务外包业务达到100万美元的企业，给予10万元补助。"),
        "区/1": Clause(clause_id="区/1", doc_id="区", path=("二、支持政策",), display_path="", start=0, end=40,
                      text="对开发区内剥离后新设立的服务外包企业，服务外包业务额达到1000万元的，最高给予20万元补助。"),
    }
    docs = {"市": SimpleNamespace(doc_id="市", title="某市服务外包扶持办法", text=made["市/1"].text, region="某市"),
            "区": SimpleNamespace(doc_id="区", title="某市开发区服务外包扶持办法", text=made["区/1"].text,
                                 region="某市开发区")}
    return SimpleNamespace(clauses=made, documents=docs, version="", coverage=None)


def test_the_learned_order_keeps_the_place_of_the_rules_best_clause(tmp_path, monkeypatch):
    kb = _two_places()
    size = len(ranker.NAMES)
    longer = {"features": list(ranker.NAMES), "mean": [0.0] * size, "scale": [1.0] * size,
              "weights": [10.0 if n == "log_len" else 0.0 for n in ranker.NAMES]}
    path = tmp_path / "longer.json"
    path.write_text(json.dumps(longer), encoding="utf-8")
    monkeypatch.setenv("POLICY_RERANK_WEIGHTS", str(path))
    window = [ScoredClause(kb.clauses[c], 0.03, rank=i, dense_score=0.8, bm25_score=3.0)
              for i, c in enumerate(("市/1", "区/1"), 1)]
    # the city's clause leads the rule order: the zone's, though the model likes it, stays behind
    assert rerank("某市离岸服务外包有什么规定？", window, kb=kb, stating=True)[0].clause.clause_id == "市/1"


def test_a_benefit_named_keeps_a_clause_stating_a_figure_first(tmp_path, monkeypatch):
    kb = _kb(("费/1", "对符合条件的企业，给予一次性补助5万元。", ("一、补助",)),
             ("费/2", "各部门要加强对企业补助资金使用的监督检查，确保资金安全。", ("二、监督",)))
    size = len(ranker.NAMES)
    longer = {"features": list(ranker.NAMES), "mean": [0.0] * size, "scale": [1.0] * size,
              "weights": [10.0 if n == "log_len" else 0.0 for n in ranker.NAMES]}
    path = tmp_path / "longer.json"
    path.write_text(json.dumps(longer), encoding="utf-8")
    monkeypatch.setenv("POLICY_RERANK_WEIGHTS", str(path))
    window = [ScoredClause(kb.clauses[c], 0.03, rank=i, dense_score=0.8, bm25_score=3.0)
              for i, c in enumerate(("费/1", "费/2"), 1)]
    assert rerank("企业有什么补助？", window, kb=kb, stating=True)[0].clause.clause_id == "费/1"
    # no benefit named: the model's choice (the longer clause) stands
    assert rerank("企业资金有什么规定？", window, kb=kb, stating=True)[0].clause.clause_id == "费/2"


def test_the_reranker_settings_live_with_the_others(tmp_path, monkeypatch):
    from index.config import Settings

    monkeypatch.delenv("POLICY_RERANK", raising=False)
    monkeypatch.delenv("POLICY_RERANK_WEIGHTS", raising=False)
    assert Settings().rerank is True and Settings().rerank_weights == ""
    assert ranker.active() is not None  # the shipped weights
    for off in ("0", "off", " No "):
        monkeypatch.setenv("POLICY_RERANK", off)
        assert Settings().rerank is False and ranker.active() is None
    monkeypatch.setenv("POLICY_RERANK", "1")
    size = len(ranker.NAMES)
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"features": list(ranker.NAMES), "mean": [0.0] * size,
                                "scale": [1.0] * size, "weights": [0.5] * size}), encoding="utf-8")
    monkeypatch.setenv("POLICY_RERANK_WEIGHTS", str(path))
    assert Settings().rerank_weights == str(path)
    assert ranker.active().weights == (0.5,) * size
