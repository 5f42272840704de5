"""Evaluation scoring on hand-built answers (exact metric values), the question-set format and its
validation, the shipped question sets themselves, and the report writer. No index is needed."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.errors import QuestionSetError
from assistant.evaluation.report import render_markdown, summary_table, write_report
from assistant.evaluation.judge import Judge, evaluate, summarize
from assistant.evaluation.questions import load_questions, norm, parse_question
from assistant.records import Answer, Calculation, Citation
from index.records import Clause, Document, ScoredClause

REPO = Path(__file__).resolve().parents[2]
QUESTION_FILES = sorted((REPO / "eval" / "questions").glob("*.jsonl"))
CI_IDS = REPO / "eval" / "ci_subset.txt"

DOCS = {
    "qz": Document(doc_id="qz", source_path="qz.txt", sha256="", title="泉州市关于发展服务型制造的实施意见",
                   text="", issuer="泉州市人民政府", doc_number="泉政文〔2015〕95号"),
    "jx": Document(doc_id="jx", source_path="jx.txt", sha256="", title="嘉兴市两业融合实施方案",
                   text="", issuer="嘉兴市人民政府", doc_number="嘉政发〔2024〕14号"),
}
CLAUSES = {
    "qz/2.4": Clause("qz/2.4", "qz", ("二、",), "二、（四）", "按平台投资额的5%给予补助，最高不超过50万元。", 0, 10),
    "qz/4.1": Clause("qz/4.1", "qz", ("四、",), "四、（一）", "对国家级、省级、市级的工业设计中心，分别给予50万元。", 20, 40),
    "jx/3.1": Clause("jx/3.1", "jx", ("三、",), "三、（一）", "国家级、省级、市级工业设计企业，分别给予150万元。", 0, 20),
}


def cit(clause_id: str, quote: str | None = None) -> Citation:
    c, d = CLAUSES[clause_id], DOCS[CLAUSES[clause_id].doc_id]
    return Citation(doc_id=d.doc_id, title=d.title, doc_number=d.doc_number, issuer=d.issuer, clause_id=c.clause_id,
                    display_path=c.display_path, path=c.path, quote=quote or c.text, start=c.start, end=c.end)


def ret(*ids: str) -> list[ScoredClause]:
    return [ScoredClause(clause=CLAUSES[i], score=1.0 / n, rank=n) for n, i in enumerate(ids, 1)]


def q(**kw):
    base = {"id": "x", "category": "lookup", "question": "问", "answerable": True,
            "expected_doc": ["泉政文〔2015〕95号"], "expected_clause": "按平台投资额的 5％给予补助"}
    base.update(kw)
    return parse_question({k: v for k, v in base.items() if v is not None})


def test_norm_is_nfkc_without_whitespace():
    assert norm("按平台投资额的 5％\n给予（补助）") == "按平台投资额的5%给予(补助)"


def test_clause_hit_rank_citations_amount_and_mentions():
    judge = Judge(DOCS, CLAUSES)
    question = q(expected_amount_yuan=Decimal("400000"), must_mention=["40万元", "5 %"])
    calc = Calculation(clause_id="qz/2.4", rule_id="r", amount_yuan=Decimal("400000.00"))
    answer = Answer(question="问", answer="可获补助40万元（按5%）", citations=[cit("qz/4.1"), cit("qz/2.4", "最高")],
                    calculation=calc, retrieved=ret("qz/4.1", "jx/3.1", "qz/2.4"))
    o = judge.score(question, answer, 12.0)
    assert o.hit_rank == 3
    # the second citation's quote lacks the snippet, but its clause holds it: still the expected clause
    assert (o.citation_ok, o.citation_first_ok, o.amount_ok, o.mention_ok) == (True, False, True, True)
    assert o.failed_checks() == ["retrieval@1", "citation_first"]


def test_wrong_document_with_same_text_is_no_hit():
    judge = Judge(DOCS, CLAUSES)
    question = q(expected_doc=["嘉兴"], expected_clause="按平台投资额的5%")
    o = judge.score(question, Answer(question="问", answer="", citations=[cit("qz/2.4")], retrieved=ret("qz/2.4")), 1)
    assert (o.hit_rank, o.citation_ok) == (None, False)


def test_docs_all_needs_every_document():
    judge = Judge(DOCS, CLAUSES)
    question = q(expected_doc=["泉政文", "嘉兴"], expected_docs_all=True, expected_clause="国家级、省级、市级")
    both = Answer(question="问", answer="", citations=[cit("jx/3.1"), cit("qz/4.1")],
                  retrieved=ret("qz/2.4", "jx/3.1", "qz/4.1"))
    o = judge.score(question, both, 1)
    # covered by rank 3 with two documents: one position beyond the best possible (2)
    assert (o.hit_rank, o.citation_ok, o.citation_first_ok) == (2, True, True)
    top2 = Answer(question="问", answer="", citations=[], retrieved=ret("jx/3.1", "qz/4.1", "qz/2.4"))
    assert judge.score(question, top2, 1).hit_rank == 1
    one = Answer(question="问", answer="", citations=[cit("qz/4.1")], retrieved=ret("qz/4.1"))
    o = judge.score(question, one, 1)
    assert (o.hit_rank, o.citation_ok, o.citation_first_ok) == (None, False, True)


def test_docs_all_rank_is_never_below_one_when_one_clause_matches_several_strings():
    judge = Judge(DOCS, CLAUSES)
    # both strings name the same document, so the top clause alone covers them
    question = q(expected_doc=["泉政文", "泉州市人民政府"], expected_docs_all=True, expected_clause="国家级、省级、市级")
    o = judge.score(question, Answer(question="问", answer="", citations=[cit("qz/4.1")],
                                     retrieved=ret("qz/4.1", "jx/3.1")), 1)
    assert o.hit_rank == 1
    assert "retrieval@1" not in o.failed_checks() and "retrieval@all" not in o.failed_checks()


def test_summary_exact_values():
    judge = Judge(DOCS, CLAUSES)
    calc = Calculation(clause_id="qz/2.4", rule_id="r", amount_yuan=Decimal("400000"))
    outcomes = [
        # hit at rank 1, right amount, latency 10
        judge.score(q(id="a", category="calc", expected_amount_yuan=400000),
                    Answer(question="", answer="", citations=[cit("qz/2.4")], calculation=calc,
                           retrieved=ret("qz/2.4")), 10.0),
        # hit at rank 2, amount missing, cited wrong clause, latency 30
        judge.score(q(id="b", category="calc", expected_amount_yuan=500000),
                    Answer(question="", answer="", citations=[cit("qz/4.1")], retrieved=ret("qz/4.1", "qz/2.4")), 30.0),
        # answerable but refused: no hit
        judge.score(q(id="c", must_mention=["50万元"]),
                    Answer(question="", answer="不在范围", refused=True), 20.0),
        # unanswerable: one refused, one answered
        judge.score(q(id="d", category="unanswerable", answerable=False, expected_doc=None, expected_clause=None),
                    Answer(question="", answer="", refused=True), 40.0),
        judge.score(q(id="e", category="unanswerable", answerable=False, expected_doc=None, expected_clause=None),
                    Answer(question="", answer="乱答"), 50.0),
    ]
    m = summarize(outcomes)
    assert m == {
        "n": 5, "hit_at_1": 0.3333, "hit_at_3": 0.6667, "hit_at_5": 0.6667, "mrr": 0.5,
        "citation_accuracy": 0.3333, "citation_first_accuracy": 0.3333, "amount_exact": 0.5,
        "must_mention_rate": 0.0, "refusal_accuracy": 0.5, "false_refusal_rate": 0.3333,
        "latency_p50_ms": 30.0, "latency_p95_ms": 50.0,
    }
    assert summarize([])["hit_at_1"] is None and summarize([])["n"] == 0


def test_evaluate_plays_turns_in_one_session_and_records_errors():
    seen = []

    def ask_turn(text, session):
        seen.append((text, session))
        if text == "炸":
            raise RuntimeError("boom")
        return Answer(question=text, answer="", citations=[cit("qz/2.4")], retrieved=ret("qz/2.4"))

    questions = [parse_question({"id": "f", "category": "followup", "turns": ["一", "二"], "answerable": True,
                                 "expected_doc": ["泉州"], "expected_clause": "投资额的5%"}),
                 q(id="g", question="炸")]
    rep = evaluate(questions, ask_turn, Judge(DOCS, CLAUSES), mode="default", as_of="2026-11-21", progress=False)
    assert [t for t, _ in seen] == ["一", "二", "炸"] and seen[0][1] == seen[1][1] != seen[2][1]
    assert rep["overall"]["hit_at_1"] == 0.5 and set(rep["by_category"]) == {"followup", "lookup"}
    (fail,) = rep["failures"]
    assert fail["id"] == "g" and "error" in fail["failed"] and "boom" in fail["got"]["error"]
    assert fail["expected"]["clause"] == "按平台投资额的 5％给予补助"


@pytest.mark.parametrize("line, message", [
    ("{not json", "not valid JSON"),
    ('{"id": "a", "category": "x", "answerable": true, "expected_doc": ["泉州"], "expected_clause": "y"}',
     "exactly one of 'question'"),
    ('{"id": "a", "category": "x", "question": "q", "answerable": "yes"}', "'answerable' must be true or false"),
    ('{"id": "a", "category": "x", "question": "q", "answerable": true}', "needs 'expected_doc'"),
    ('{"id": "a", "category": "x", "question": "q", "answerable": false, "expected_amount_yuan": 5}', "unanswerable"),
    ('{"id": "a", "category": "x", "question": "q", "answerable": true, "expected_doc": ["d"], '
     '"expected_clause": "c", "expected_amount_yuan": "40万"}', "non-negative number"),
    ('{"id": "a", "category": "x", "question": "q", "answerable": false, "expectd_doc": []}', "unknown field"),
])
def test_bad_line_names_file_and_line(tmp_path, line, message):
    good = '{"id": "ok", "category": "chat", "question": "你好", "answerable": false}'
    f = tmp_path / "set.jsonl"
    f.write_text(good + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(QuestionSetError) as err:
        load_questions([f])
    assert f"{f}:3:" in str(err.value) and message in str(err.value)
    assert "第3行" in err.value.zh


def test_duplicate_ids_and_unknown_subset_ids_are_errors(tmp_path):
    line = '{"id": "ok", "category": "chat", "question": "你好", "answerable": false}\n'
    f = tmp_path / "a.jsonl"
    f.write_text(line, encoding="utf-8")
    with pytest.raises(QuestionSetError, match="already used"):
        load_questions([f, f])
    with pytest.raises(QuestionSetError, match="unknown question id"):
        load_questions([f], ids=["ok", "nope"])
    assert load_questions([f], ids=["ok"])[0].source == f"{f}:1"


def test_amounts_are_exact_decimals(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text('{"id": "a", "category": "calc", "question": "q", "answerable": true, "expected_doc": ["d"], '
                 '"expected_clause": "c", "expected_amount_yuan": 1234.1}\n', encoding="utf-8")
    assert load_questions([f])[0].expected_amount_yuan == Decimal("1234.1")


def test_shipped_question_sets_cover_what_the_issue_asks(documents):
    questions = load_questions(QUESTION_FILES)
    cats = {}
    for x in questions:
        cats.setdefault(x.category, []).append(x)
    assert len(questions) >= 150
    assert len(cats["unanswerable"]) >= 25
    assert {"lookup", "calc", "multi", "followup", "expiry"} <= set(cats)
    assert all(len(x.turns) >= 2 for x in cats["followup"]) and all(x.expected_docs_all for x in cats["multi"])
    # every expected snippet really is in a document the question's expected_doc names
    def holds(want: str, snippet: str) -> bool:
        return any(norm(snippet) in norm(d.text) for d in documents.values()
                   if any(norm(want) in norm(f) for f in (d.title, d.doc_number, d.issuer) if f))

    for x in questions:
        if x.answerable:
            found = [holds(w, x.expected_clause) for w in x.expected_doc]
            assert all(found) if x.expected_docs_all else any(found), (x.id, x.expected_clause)
    # every document is asked about
    for d in documents.values():
        assert any(x.answerable and any(norm(w) in norm(d.title + d.doc_number + d.issuer) for w in x.expected_doc)
                   for x in questions), d.doc_id


def test_ci_subset_ids_exist_and_span_categories():
    from assistant.cli.evaluate import read_ids

    ids = read_ids(CI_IDS)
    subset = load_questions(QUESTION_FILES, ids=ids)
    assert len(subset) == len(ids) and 30 <= len(ids) <= 40
    assert {x.category for x in subset} == {x.category for x in load_questions(QUESTION_FILES)}


def _run(mode, hit, corpus="corpus"):
    m = {k: None for k in ("hit_at_3", "hit_at_5", "mrr", "citation_first_accuracy", "must_mention_rate")}
    m.update(n=2, hit_at_1=hit, citation_accuracy=0.5, amount_exact=1.0, refusal_accuracy=1.0,
             false_refusal_rate=0.0, latency_p50_ms=12.3, latency_p95_ms=40.0)
    fail = {"id": "a|1", "category": "lookup", "question": "问题", "failed": ["citation"],
            "expected": {"answerable": True, "doc": ["泉州"], "clause": "片段", "amount_yuan": "400000"},
            "got": {"refused": False, "retrieved": ["qz/2.4"], "citations": [], "amount_yuan": None}}
    return {"mode": mode, "as_of": "2026-11-21", "corpus": corpus, "overall": m,
            "by_category": {"lookup": m}, "failures": [fail]}


def test_report_markdown_chart_and_summary(tmp_path):
    runs = [_run("default", 0.9), _run("baseline", 0.4), _run("default", 0.8, "corpus+extra")]
    text = summary_table(runs)
    assert "hit@1" in text and "default +extra" in text and "0.900" in text
    md, png = write_report(runs, tmp_path / "r" / "report.md", question_files=["eval/questions/a.jsonl"])
    body = md.read_text(encoding="utf-8")
    assert "| hit@1 | 0.900 | 0.400 | 0.800 |" in body
    assert "![modes compared](chart.png)" in body and "a\\|1" in body and "片段; 400000元" in body
    assert png == tmp_path / "r" / "chart.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| lookup | 2 |" in render_markdown(runs)


def test_json_keys_are_the_documented_ones():
    from assistant.evaluation.judge import METRIC_KEYS, report

    rep = report([], "default", "2026-11-21")
    assert set(rep) == {"mode", "as_of", "overall", "by_category", "failures"}
    assert tuple(rep["overall"]) == METRIC_KEYS
    json.dumps(rep)


def test_cli_rerenders_earlier_runs_without_asking_anything(tmp_path, capsys):
    from assistant.cli.main import main

    saved = tmp_path / "runs.json"
    saved.write_text(json.dumps({"runs": [_run("default", 0.9), _run("bm25", 0.5)]}), encoding="utf-8")
    single = tmp_path / "one.json"
    single.write_text(json.dumps(_run("baseline", 0.3, "corpus+extra")), encoding="utf-8")
    md = tmp_path / "out" / "report.md"
    code = main(["eval", str(QUESTION_FILES[0]), "--include-runs", str(saved), "--include-runs", str(single),
                 "--report", str(md), "--data-dir", str(tmp_path / "d")])
    assert code == 0
    assert "| hit@1 | 0.900 | 0.500 | 0.300 |" in md.read_text(encoding="utf-8")
    assert "baseline +extra" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
    assert main(["eval", str(QUESTION_FILES[0]), "--include-runs", str(tmp_path / "bad.json")]) == 2
    assert "not an eval JSON report" in capsys.readouterr().err
