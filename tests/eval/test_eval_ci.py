"""The CI-sized subset (eval/ci_subset.txt) asked for real: the session knowledge base (real
model, real Chroma), the real Assistant, the real baseline. Floors sit just under what the system
achieved when they were set (see README.md, evaluation section), so a regression fails CI; raise
them when the system gets better, never lower them to make a change pass."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli.evaluate import read_ids
from assistant.evaluation.judge import Judge, evaluate
from assistant.evaluation.questions import load_questions

REPO = Path(__file__).resolve().parents[2]
FILES = sorted((REPO / "eval" / "questions").glob("*.jsonl"))
AS_OF = "2026-11-21"

# metric → lowest acceptable value on the CI subset (default mode)
FLOORS = {  # raised 2026-11-22 03:25 UTC at 79113b5; measured then: hit@1 1.0, hit@5 1.0, citation 1.0,
    # amounts 1.0, must-mention 1.0, refusal 0.8 (un-near-05, a near-miss, is still answered)
    "hit_at_1": 0.94,
    "hit_at_5": 0.97,
    "citation_accuracy": 0.94,
    "amount_exact": 1.0,  # every amount exact: the calculator is deterministic
    "must_mention_rate": 0.94,
    "refusal_accuracy": 0.79,
}
# metric → highest acceptable value
CEILINGS = {"false_refusal_rate": 0.05}


@pytest.fixture(scope="module")
def questions():
    return load_questions(FILES, ids=read_ids(REPO / "eval" / "ci_subset.txt"))


@pytest.fixture(scope="module")
def default_report(policy_assistant, kb, questions):
    def ask(text, session):
        return policy_assistant.ask(text, session_id=session, as_of=AS_OF)

    return evaluate(questions, ask, Judge(kb.documents, kb.clauses), mode="default", as_of=AS_OF, progress=False)


@pytest.fixture(scope="module")
def baseline_report(kb, settings, questions, tmp_path_factory):
    from assistant.evaluation.baseline import NaiveRAG, source_files
    from index.store.embeddings import get_embedder

    files = source_files(kb.documents, [settings.corpus_dir])
    assert len(files) == len(kb.documents)
    with NaiveRAG.build(files, get_embedder(settings.embed_model), workdir=tmp_path_factory.mktemp("bl")) as rag:
        return evaluate(questions, lambda text, session: rag.ask(text), Judge(kb.documents, kb.clauses),
                        mode="baseline", as_of=AS_OF, progress=False)


def _failing(report, check):
    return [f["id"] for f in report["failures"] if any(c.startswith(check) for c in f["failed"])]


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_default_mode_stays_above_floor(default_report, metric):
    value = default_report["overall"][metric]
    assert value is not None and value >= FLOORS[metric], (
        f"{metric}={value} < {FLOORS[metric]}; failures: {[(f['id'], f['failed']) for f in default_report['failures']]}")


@pytest.mark.parametrize("metric", sorted(CEILINGS))
def test_default_mode_stays_below_ceiling(default_report, metric):
    value = default_report["overall"][metric]
    assert value is not None and value <= CEILINGS[metric], (metric, value, _failing(default_report, "false_refusal"))


def test_default_is_ahead_of_the_naive_baseline(default_report, baseline_report):
    d, b = default_report["overall"], baseline_report["overall"]
    for metric in ("hit_at_1", "mrr", "citation_first_accuracy", "refusal_accuracy"):
        assert d[metric] > b[metric], (metric, d[metric], b[metric])
    # the baseline never refuses and computes nothing, by construction
    assert b["refusal_accuracy"] == 0.0 and b["amount_exact"] == 0.0


def test_every_category_is_measured(default_report, questions):
    assert set(default_report["by_category"]) == {q.category for q in questions}
    assert default_report["overall"]["n"] == len(questions)


def test_single_retriever_modes_run_through_the_cli_runner(kb, settings, questions, monkeypatch):
    from assistant.cli import evaluate as cli_eval

    monkeypatch.setattr(cli_eval, "open_kb", lambda s, extra, progress: (kb, s))
    few = [q for q in questions if q.category in ("lookup", "unanswerable")][:4]
    runs = cli_eval.run_all(few, settings, ["dense", "bm25"], None, False, progress=False)
    assert [r["mode"] for r in runs] == ["dense", "bm25"]
    assert all(r["overall"]["n"] == 4 and r["corpus"] == "corpus" for r in runs)


def test_bad_question_file_is_a_clean_cli_error(tmp_path, capsys):
    from assistant.cli.main import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "category": "x", "question": "q"}\n', encoding="utf-8")
    assert main(["eval", str(bad), "--data-dir", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1:" in err and "answerable" in err


def test_forced_mode_kb_uses_one_retriever_only(kb):
    from assistant.cli.evaluate import ForcedModeKB

    for mode, other in (("dense", "bm25_score"), ("bm25", "dense_score")):
        hits = ForcedModeKB(kb, mode).search("物流公共信息平台补助", k=5)  # the caller's mode is ignored
        assert hits and all(getattr(h, other) is None for h in hits), mode
    assert ForcedModeKB(kb, "bm25").documents is kb.documents


def test_the_assistant_really_answers_from_one_retriever(kb, settings, tmp_path):
    from assistant.chat.assistant import Assistant
    from assistant.cli.evaluate import ForcedModeKB

    question = "泉州对物流公共信息平台建设有什么补助？"
    for mode, other in (("dense", "bm25_score"), ("bm25", "dense_score")):
        answer = Assistant(ForcedModeKB(kb, mode), settings.with_(data_dir=tmp_path / mode)).ask(question)
        assert answer.retrieved and all(getattr(s, other) is None for s in answer.retrieved), mode
