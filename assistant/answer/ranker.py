"""A learned order for the clauses an answer may cite: (question, window of retrieved clauses,
rule fits) → scores.

    features(question, window, terms, fits, kb) -> list[list[float]]   one row per clause
    Ranker.load(path) -> Ranker;  ranker.scores(rows) -> list[float]
    fit(groups, l2=..., steps=...) -> dict                             the weights file's content
    active() -> Ranker | None                                          the shipped model, unless off

The rule-based order (``select._fit``: rare shared words, phrase overlap, a figure for a money
question, the retrieval rank) is one feature among signals that hold for any document: the
dense and BM25 scores and their gap to the window's best, the share of the question's word
weight the clause holds against the share its whole document holds, the headings' share, the
title's share, the kind of answer asked (a sum, a share, a time) and whether the clause states
one, whether a bound asked (上限, 最多) is stated, the clause's length and place in its document.
None names a document or a topic, so the weights learned on the development half apply to
documents nobody has read.

The model is linear over standardised features, trained listwise: for each question the
softmax over its window, the log-probability of the clauses that answer it maximised, with an
L2 penalty, by plain gradient descent from zero (deterministic). Its weights are a small JSON
file (``data/rerank.json``); ``POLICY_RERANK=0`` keeps the rule order, ``POLICY_RERANK_WEIGHTS``
names another weights file (cross-validation).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answer.citations import bigrams, has_figure
from assistant.answer.fit import answer_type_gap, asks_validity, compounds, idf, states_duration
from assistant.question.terms import holds
from index import config

WEIGHTS = Path(__file__).with_name("data") / "rerank.json"

NAMES = (
    "fit_gap", "fit", "rank_recip", "dense_gap", "dense_missing", "bm25_share", "bm25_missing",
    "weight_share", "doc_share", "clause_vs_doc", "heading_share", "title_share", "spread_share",
    "phrase", "chars", "money_figure", "type_states", "type_missing", "dates", "log_len",
    "position", "part", "top_doc", "doc_in_window", "compound", "bound",
)

_MONEY_Q = re.compile(r"多少|奖励|补助|补贴|资助|奖补|能拿|能补|给多少|标准|钱")
_SHARE_Q = re.compile(r"百分之几|百分之多少|几成|几个点|比例是多少|比例多少")
_DATES = re.compile(r"有效期|施行|起实施|之日起")
# a bound asked ('上限是多少', '最多收几个点') and a bound stated ('不超过', '最高', '以内')
_BOUND_Q = re.compile(r"上限|下限|最高|最多|最低|最少|封顶|至少|不超过|最长")
_BOUND = re.compile(r"不超过|不高于|不得超过|不得高于|最高|最多|上限|封顶|以内|不低于|不少于|最低|至少|下限")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BARE = re.compile(r"[\s，。、；：“”（）()《》,.;:!?！？\"'0-9]")  # what ``citations.bigrams`` drops


@lru_cache(maxsize=8192)
def _holds(body: str, term: str) -> bool:
    """``term in body`` for a whole document's text, remembered: the same documents come back."""
    return term in body


def _asked(question: str) -> str | None:
    """The kind of answer asked: 具体金额 / 具体比例 / 期限, or None."""
    return "具体比例" if _SHARE_Q.search(question) else answer_type_gap(question, "")


def _states(asked: str, question: str, text: str) -> bool:
    if asked == "期限":
        return states_duration(text) or answer_type_gap(question, text) is None
    return answer_type_gap(question, text) is None if asked != "具体比例" else \
        answer_type_gap("比例多少", text) is None


def features(question: str, window: list, terms: list[str], fits: list[float], kb) -> list[list[float]]:
    """One row of ``NAMES`` per clause of ``window`` (ScoredClause, retrieval order); ``fits``
    are the rule fits of the same clauses, ``terms`` the question's content words."""
    if not window:
        return []
    weights = {t: (idf(kb, t) if kb is not None else 1.0) for t in terms}
    total = sum(weights.values()) or 1.0
    best_fit = max(fits)
    dense = [s.dense_score for s in window if s.dense_score is not None]
    best_dense = max(dense, default=0.0)
    bm25 = [s.bm25_score for s in window if s.bm25_score is not None]
    best_bm25 = max(bm25, default=0.0) or 1.0
    asked = _asked(question)
    money = bool(_MONEY_Q.search(question))
    validity = asks_validity(question)
    bound = bool(_BOUND_Q.search(question))
    q_bigrams = bigrams(question)
    q_chars = set(_CJK.findall(question))
    joined = compounds(question, terms)
    top_doc = window[0].clause.doc_id
    docs = [s.clause.doc_id for s in window]
    doc_share: dict[str, float] = {}
    rows = []
    for i, (sc, f) in enumerate(zip(window, fits)):
        clause = sc.clause
        text, embed = clause.text, clause.embed_text
        doc = kb.documents.get(clause.doc_id) if kb is not None else None
        share = sum(w for t, w in weights.items() if t in embed) / total
        if clause.doc_id not in doc_share:
            body = doc.text if doc is not None else embed
            doc_share[clause.doc_id] = sum(w for t, w in weights.items() if _holds(body, t)) / total
        heads = " ".join(clause.path)
        title = doc.title if doc is not None else ""
        spread = sum(w for t, w in weights.items() if t not in embed and holds(text, t)) / total
        kind = 0.0 if asked is None else (1.0 if _states(asked, question, text) else -1.0)
        bare = _BARE.sub("", embed)  # the form ``bigrams`` pairs characters in
        rows.append([
            f - best_fit,
            f / 10.0,
            1.0 / (i + 1),
            (sc.dense_score - best_dense) if sc.dense_score is not None else -0.2,
            float(sc.dense_score is None),
            (sc.bm25_score or 0.0) / best_bm25,
            float(sc.bm25_score is None),
            share,
            doc_share[clause.doc_id],
            share - doc_share[clause.doc_id],
            sum(w for t, w in weights.items() if t in heads) / total,
            sum(w for t, w in weights.items() if t in title) / total,
            spread,
            # a pair is among the text's pairs exactly when it occurs in it: no set built per clause
            sum(1 for b in q_bigrams if b in bare) / len(q_bigrams) if q_bigrams else 0.0,
            sum(1 for c in q_chars if c in embed) / len(q_chars) if q_chars else 0.0,
            float(money and has_figure(text)),
            kind,
            float(asked is not None and kind < 0),
            float(validity and bool(_DATES.search(text))),
            math.log1p(len(text)) / 6.0,
            (clause.start / max(len(doc.text), 1)) if doc is not None else 0.0,
            float(clause.part > 0),
            float(clause.doc_id == top_doc),
            docs.count(clause.doc_id) / len(docs),
            float(any(c in embed for c in joined)),
            (1.0 if _BOUND.search(text) else -1.0) if bound else 0.0,
        ])
    return rows


@dataclass(frozen=True)
class Ranker:
    """A linear scorer over standardised features: score = Σ w·(x − mean)/scale."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]

    @classmethod
    def from_dict(cls, d: dict) -> "Ranker":
        names = tuple(d["features"])
        if names != NAMES:
            raise ValueError(f"weights file features {names} do not match this code's {NAMES}")
        n = len(names)
        for key in ("mean", "scale", "weights"):
            if len(d[key]) != n:
                raise ValueError(f"weights file: {key} has {len(d[key])} values, expected {n}")
        return cls(names, tuple(d["mean"]), tuple(d["scale"]), tuple(d["weights"]))

    @classmethod
    def load(cls, path: str | Path) -> "Ranker":
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, KeyError, TypeError, json.JSONDecodeError) as e:
            raise ValueError(f"cannot read reranker weights {path}: {e}") from e

    def scores(self, rows: list[list[float]]) -> list[float]:
        return [sum(w * (x - m) / s for w, x, m, s in zip(self.weights, row, self.mean, self.scale))
                for row in rows]


_ACTIVE: dict[str, Ranker | None] = {}


def active() -> Ranker | None:
    """The model to order cited clauses with, or None for the rule order (``POLICY_RERANK=0``,
    or no weights file). Loaded once per weights path."""
    if not config.rerank_enabled():
        return None
    path = config.rerank_weights() or str(WEIGHTS)
    if path not in _ACTIVE:
        _ACTIVE[path] = Ranker.load(path) if Path(path).is_file() else None
    return _ACTIVE[path]


# When set to a list, ``select.rerank`` appends (question, window clause ids, feature rows) for
# each choice of what to cite: how the training script sees the windows the pipeline sees.
RECORDER: list | None = None


def fit(groups: list[dict], l2: float = 0.3, steps: int = 1500, rate: float = 0.5) -> dict:
    """Groups [{"rows": [[feature…]…], "labels": [0/1…]}] (each with at least one 1 and one 0)
    → the weights file's content. Listwise softmax, L2, full-batch gradient descent from zero:
    the same groups give the same weights."""
    import numpy as np

    groups = [g for g in groups if 0 < sum(g["labels"]) < len(g["labels"])]
    if not groups:
        raise ValueError("no group has both a clause that answers and one that does not")
    allrows = np.array([r for g in groups for r in g["rows"]], dtype=np.float64)
    mean = allrows.mean(axis=0)
    scale = allrows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    xs = [(np.array(g["rows"], dtype=np.float64) - mean) / scale for g in groups]
    ys = [np.array(g["labels"], dtype=np.float64) for g in groups]
    w = np.zeros(allrows.shape[1])
    for _ in range(steps):
        grad = l2 * w
        for x, y in zip(xs, ys):
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y / (p * y).sum()  # the posterior over the answering clauses
            grad -= (q - p) @ x / len(xs)
        w -= rate * grad
    r = lambda v: [round(float(a), 6) for a in v]  # noqa: E731 — a short file, exact on reload
    return {"features": list(NAMES), "mean": r(mean), "scale": r(scale), "weights": r(w),
            "trained_on": len(groups), "l2": l2, "steps": steps}
