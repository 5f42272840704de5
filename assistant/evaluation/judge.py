"""Evaluation: question sets (JSONL) → per-question outcomes → metrics, overall and per category.

    load_questions(paths) -> list[Question]          validates every line (eval_questions.py)
    Judge(documents, clauses).score(q, answer, ms)    -> Outcome (what passed, what came back)
    summarize(outcomes) -> dict                       the stable metric keys (see README / eval/README.md)
    evaluate(questions, ask, judge, mode=..., as_of=...) -> report dict

The system under test is any ``ask(question) -> Answer`` callable, so the same scoring serves
our pipeline in every mode and the naive baseline. All text matching is done after NFKC
normalisation with all whitespace removed. Amounts are compared as ``Decimal``, exactly.
"""
from __future__ import annotations

import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping

from assistant.evaluation.questions import Question, norm
from assistant.records import Answer, Citation
from index.records import Clause, Document

METRIC_KEYS = (
    "n", "hit_at_1", "hit_at_3", "hit_at_5", "mrr", "citation_accuracy", "citation_first_accuracy",
    "amount_exact", "must_mention_rate", "refusal_accuracy", "false_refusal_rate",
    "latency_p50_ms", "latency_p95_ms",
)
@dataclass
class Outcome:
    """How one question went. Checks are None when they do not apply to the question."""

    question: Question
    refused: bool
    latency_ms: float
    hit_rank: int | None = None  # 1-based rank of the first retrieved clause that matches
    citation_ok: bool | None = None
    citation_first_ok: bool | None = None
    amount_ok: bool | None = None
    mention_ok: bool | None = None
    got: dict[str, Any] = field(default_factory=dict)

    def failed_checks(self) -> list[str]:
        q, bad = self.question, []
        if not q.answerable:
            return [] if self.refused else ["not_refused"]
        if self.refused:
            bad.append("false_refusal")
        if self.hit_rank != 1:
            bad.append("retrieval@1" if self.hit_rank else "retrieval@all")
        if self.citation_ok is False:
            bad.append("citation")
        elif self.citation_first_ok is False:
            bad.append("citation_first")
        if self.amount_ok is False:
            bad.append("amount")
        if self.mention_ok is False:
            bad.append("must_mention")
        if "error" in self.got:
            bad.append("error")
        return bad


class Judge:
    """Scores answers against questions, with the documents (for title/文号/issuer) and the clauses
    (a citation's clause text; a citation whose clause is unknown is judged by its quote)."""

    def __init__(self, documents: Mapping[str, Document], clauses: Mapping[str, Clause] | None = None):
        # a document is named by its title, 文号 or issuer — or by its id (the file stem), which
        # question sets over large corpora use since titles there repeat
        self._docs = {
            doc_id: tuple(norm(f) for f in (d.title, d.doc_number, d.issuer, doc_id) if f)
            for doc_id, d in documents.items()
        }
        self._clauses = clauses or {}

    def _doc_keys(self, doc_id: str, cit: Citation | None = None) -> tuple[str, ...]:
        if cit is not None:
            return tuple(norm(f) for f in (cit.title, cit.doc_number, cit.issuer, cit.doc_id) if f)
        return self._docs.get(doc_id, ())

    @staticmethod
    def _matches(keys: tuple[str, ...], wanted: str) -> bool:
        w = norm(wanted)
        return any(w in k for k in keys)

    def _hits(self, q: Question, items: list[tuple[tuple[str, ...], str]]) -> list[set[int]]:
        """For each expected_doc string: positions of items that match it and hold the snippet."""
        snippet = norm(q.expected_clause)
        return [
            {i for i, (keys, text) in enumerate(items) if self._matches(keys, want) and snippet in norm(text)}
            for want in q.expected_doc
        ]

    def _first_hit(self, q: Question, items: list[tuple[tuple[str, ...], str]]) -> int | None:
        per_doc = self._hits(q, items)
        if q.expected_docs_all:
            # every expected document must be covered. m documents need m clauses, so the rank
            # counts from there: rank 1 = the top m clauses cover all m documents.
            # (never below 1: one clause may match several of the expected strings)
            return None if not all(per_doc) else max(1, max(min(s) for s in per_doc) + 1 - (len(per_doc) - 1))
        found = set().union(*per_doc)
        return min(found) + 1 if found else None

    def score(self, q: Question, answer: Answer | None, latency_ms: float, error: str = "") -> Outcome:
        """One answer (None when asking raised ``error``) → Outcome."""
        if answer is None:
            answer = Answer(question=q.text, answer="")
        out = Outcome(question=q, refused=answer.refused, latency_ms=latency_ms)
        out.got = _got(answer)
        if error:
            out.got["error"] = error
        if not q.answerable:
            return out
        retrieved = [(self._doc_keys(s.clause.doc_id), s.clause.text) for s in answer.retrieved]
        out.hit_rank = self._first_hit(q, retrieved)
        cited = [
            (self._doc_keys(c.doc_id, c), self._clauses[c.clause_id].text if c.clause_id in self._clauses else c.quote)
            for c in answer.citations
        ]
        per_doc = self._hits(q, cited)
        out.citation_ok = all(per_doc) if q.expected_docs_all else bool(set().union(*per_doc))
        out.citation_first_ok = any(0 in s for s in per_doc)
        if q.expected_amount_yuan is not None:
            calc = answer.calculation
            got = None if calc is None else calc.amount_yuan
            out.amount_ok = got is not None and Decimal(got) == q.expected_amount_yuan
        if q.must_mention:
            text = norm(answer.answer)
            out.mention_ok = all(norm(m) in text for m in q.must_mention)
        return out


def _got(answer: Answer) -> dict[str, Any]:
    calc = answer.calculation
    return {
        "refused": answer.refused,
        "answer": answer.answer[:200],
        "retrieved": [s.clause.clause_id for s in answer.retrieved[:5]],
        "citations": [c.clause_id for c in answer.citations],
        "amount_yuan": None if calc is None or calc.amount_yuan is None else str(calc.amount_yuan),
    }


def _rate(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def _percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil without floats drifting
    return round(ordered[int(rank) - 1], 1)


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """Outcomes → the metric object (keys in METRIC_KEYS). Rates in [0, 1]; None when no question
    is eligible for a metric."""
    ans = [o for o in outcomes if o.question.answerable]
    ranked = [o.hit_rank for o in ans]
    return {
        "n": len(outcomes),
        "hit_at_1": _rate([r is not None and r <= 1 for r in ranked]),
        "hit_at_3": _rate([r is not None and r <= 3 for r in ranked]),
        "hit_at_5": _rate([r is not None and r <= 5 for r in ranked]),
        "mrr": round(sum(1 / r for r in ranked if r) / len(ranked), 4) if ranked else None,
        "citation_accuracy": _rate([bool(o.citation_ok) for o in ans]),
        "citation_first_accuracy": _rate([bool(o.citation_first_ok) for o in ans]),
        "amount_exact": _rate([o.amount_ok for o in outcomes if o.amount_ok is not None]),
        "must_mention_rate": _rate([o.mention_ok for o in outcomes if o.mention_ok is not None]),
        "refusal_accuracy": _rate([o.refused for o in outcomes if not o.question.answerable]),
        "false_refusal_rate": _rate([o.refused for o in ans]),
        "latency_p50_ms": _percentile([o.latency_ms for o in outcomes], 50),
        "latency_p95_ms": _percentile([o.latency_ms for o in outcomes], 95),
    }


def _expected(q: Question) -> dict[str, Any]:
    exp: dict[str, Any] = {"answerable": q.answerable}
    if q.answerable:
        exp.update(doc=list(q.expected_doc), clause=q.expected_clause)
        if q.expected_docs_all:
            exp["docs_all"] = True
    if q.expected_amount_yuan is not None:
        exp["amount_yuan"] = str(q.expected_amount_yuan)
    if q.must_mention:
        exp["must_mention"] = list(q.must_mention)
    return exp


def report(outcomes: list[Outcome], mode: str, as_of: str, **extra: Any) -> dict[str, Any]:
    """Outcomes → the JSON report: mode, as_of, overall, by_category, failures (+ extra keys)."""
    cats: dict[str, list[Outcome]] = {}
    for o in outcomes:
        cats.setdefault(o.question.category, []).append(o)
    failures = []
    for o in outcomes:
        bad = o.failed_checks()
        if bad:
            q = o.question
            failures.append({
                "id": q.id, "category": q.category, "question": " → ".join(q.turns),
                "failed": bad, "expected": _expected(q), "got": o.got,
            })
    return {
        "mode": mode, "as_of": as_of, **extra,
        "overall": summarize(outcomes),
        "by_category": {c: summarize(v) for c, v in sorted(cats.items())},
        "failures": failures,
    }


AskTurn = Callable[[str, str], Answer]  # (text, session_id) -> Answer


def ask_question(ask_turn: AskTurn, q: Question) -> tuple[Answer, float]:
    """Plays a question's turns in one fresh session; returns the last turn's Answer and its time in
    ms (earlier turns only set up the conversation, so they are not timed)."""
    session = f"eval-{re.sub(r'[^A-Za-z0-9_-]', '_', q.id)}-{uuid.uuid4().hex[:8]}"
    for text in q.turns[:-1]:
        ask_turn(text, session)
    start = time.perf_counter()
    answer = ask_turn(q.turns[-1], session)
    return answer, (time.perf_counter() - start) * 1000


def evaluate(
    questions: list[Question],
    ask_turn: AskTurn,
    judge: Judge,
    mode: str,
    as_of: str,
    progress: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """Ask every question, score it, return the report (see ``report``). A question whose asking
    raises is scored as a failure with the error recorded, so one bad answer does not end a long
    run; the error is in the report, not hidden."""
    from tqdm import tqdm

    outcomes = []
    for q in tqdm(questions, desc=f"eval {mode}", unit="q", file=sys.stderr, disable=not progress):
        try:
            answer, ms = ask_question(ask_turn, q)
            outcomes.append(judge.score(q, answer, ms))
        except Exception as exc:  # noqa: BLE001 - recorded in the report's failures
            outcomes.append(judge.score(q, None, 0.0, error=f"{type(exc).__name__}: {exc}"))
    return report(outcomes, mode, as_of, **extra)
