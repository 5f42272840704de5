"""index.clauses: counts, named clauses (tests/data/clauses_expected.jsonl), span
round-trip over the shipped corpus and ../shared/corpus-extra, and hard cases."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.records import Document
from index.ingest.clauses import MAX_CHARS, responsible_units, split_clauses
from index.ingest.metadata import cn_to_int, int_to_cn

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTED_DOCS = {k: v for k, v in json.loads((DATA / "documents_expected.json").read_text("utf-8")).items()
                 if not k.startswith("_")}
EXPECTED_CLAUSES = [json.loads(line) for line in (DATA / "clauses_expected.jsonl").read_text("utf-8").splitlines()
                    if line.strip()]
# Page noise that must never reach a clause (a hotline operator would read it out).
NOISE = re.compile(r"您当前的位置|您的位置|首页\s*[>›»]|打印本页|关闭本页|政策解读\s*>>|浏览次数|ICP\s*备|版权所有|"
                   r"(?i:copyright)|扫一扫|网站地图|咨询热线|在线客服|(?:热线|客服|电话)\s*[:：]?\s*1[3-9]\d{9}")


@pytest.fixture(scope="module")
def clauses(documents):
    return {doc_id: split_clauses(doc) for doc_id, doc in documents.items()}


@pytest.fixture(scope="module")
def by_id(clauses):
    return {c.clause_id: c for cs in clauses.values() for c in cs}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED_DOCS))
def test_clause_count_per_document(clauses, doc_id):
    assert len(clauses[doc_id]) == EXPECTED_DOCS[doc_id]["clauses"]


@pytest.mark.parametrize("row", EXPECTED_CLAUSES, ids=[r["clause_id"] for r in EXPECTED_CLAUSES])
def test_named_clause(by_id, row):
    c = by_id[row["clause_id"]]
    assert c.display_path == row["display_path"]
    assert list(c.path) == row["path"]
    assert row["snippet"] in c.text
    assert list(c.responsible_units) == row.get("responsible_units", [])
    assert (c.part, c.n_parts) == (row.get("part", 0), row.get("n_parts", 1))


def _check_invariants(doc: Document, cs) -> None:
    assert cs, doc.doc_id
    ids = [c.clause_id for c in cs]
    assert len(ids) == len(set(ids)), doc.doc_id
    for c in cs:
        assert c.doc_id == doc.doc_id and c.clause_id.startswith(doc.doc_id + "/")
        assert doc.text[c.start:c.end] == c.text, c.clause_id
        assert c.text.strip() == c.text and c.text, c.clause_id
        assert not NOISE.search(c.text), (c.clause_id, NOISE.search(c.text).group(0))
        assert c.path and c.display_path
    starts = [c.start for c in cs]
    # Clauses do not overlap (附则 is emitted last but sits after every other clause).
    spans = sorted((c.start, c.end) for c in cs)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), doc.doc_id
    assert len(starts) == len(set(starts))


def test_span_round_trip_and_no_noise_shipped_corpus(documents, clauses):
    for doc_id, doc in documents.items():
        _check_invariants(doc, clauses[doc_id])


def test_span_round_trip_and_no_noise_extra_corpus(extra_documents):
    docs, bad = extra_documents
    assert not bad
    total = 0
    for doc in docs:
        cs = split_clauses(doc)
        _check_invariants(doc, cs)
        total += len(cs)
    assert total > 5 * len(docs)  # the extras are cut into clauses, not kept whole


def test_ids_are_stable_across_runs(documents, clauses):
    for doc_id, doc in documents.items():
        assert [c.to_dict() for c in split_clauses(doc)] == [c.to_dict() for c in clauses[doc_id]]


def test_long_clauses_are_split_by_sentence_with_the_same_path(documents, clauses):
    parts = [c for cs in clauses.values() for c in cs if c.n_parts > 1]
    assert parts
    for c in parts:
        assert c.text[-1] in "。；;！？!?）)”" or c.part == c.n_parts - 1
        siblings = [o for o in clauses[c.doc_id] if o.clause_id.split("#")[0] == c.clause_id.split("#")[0]]
        assert len(siblings) == c.n_parts and len({o.path for o in siblings}) == 1
        assert c.clause_id.endswith(f"#{c.part + 1}") if c.part else "#" not in c.clause_id
    # No part is much longer than the limit unless it is one long sentence.
    for cs in clauses.values():
        for c in cs:
            if len(c.text) > MAX_CHARS * 1.5:
                assert c.n_parts == 1 and len(re.findall("[。；]", c.text[:-1])) <= 1, c.clause_id


def test_closing_provisions_are_clauses_with_validity(by_id):
    assert "有效期至2026年12月31日" in by_id["jiaxing-2024-two-industries-integration/5"].text
    end = by_id["quanzhou-2015-service-manufacturing/end"]
    assert end.path == ("附则",) and end.text.startswith("原有政策规定与本实施意见有不一致的")
    assert by_id["quanzhou-2015-service-manufacturing/10.6"].text.endswith("营造发展服务型制造的良好氛围。")


def test_kfq_items_run_across_sections(clauses):
    items = [c for c in clauses["quanzhou-kfq-smart-manufacturing-quality"] if c.clause_id.count(".") == 2]
    assert [int(c.clause_id.rsplit(".", 1)[1]) for c in items] == list(range(1, 31))
    assert {c.clause_id.rsplit(".", 1)[0].split("/")[1] for c in items} == {"2.1", "2.2", "2.3"}


def test_2016_inline_headings_found(by_id, documents):
    doc = documents["quanzhou-2016-innovation-driven"]
    assert "制定本方案。\n一、工作目标" in doc.text
    assert by_id["quanzhou-2016-innovation-driven/2.1"].path == ("二、工作重点", "（一）产业创新")


def _doc(text: str, doc_id: str = "t") -> Document:
    return Document(doc_id=doc_id, source_path=f"{doc_id}.txt", sha256="", title="t", text=text)


CASES = [json.loads(line) for line in (DATA / "clause_cases.jsonl").read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hard_cases(case):
    doc = _doc(case["text"])
    cs = split_clauses(doc)
    assert [[c.clause_id, c.display_path] for c in cs] == case["clauses"]
    _check_invariants(doc, cs)
    if "path" in case:
        target = next(c for c in cs if list(c.path) == case["path"])
        assert list(target.responsible_units) == case["units"]
        assert target.text.endswith(")")  # the 责任单位 note is inside the clause span


UNIT_CASES = [json.loads(line) for line in (DATA / "responsible_units.jsonl").read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", UNIT_CASES, ids=[c["text"][:20] for c in UNIT_CASES])
def test_responsible_units_parsing(case):
    assert list(responsible_units(case["text"])) == case["units"]


def test_chinese_numerals():
    assert [cn_to_int(s) for s in ("一", "十", "十一", "二十", "二十三", "一百零一")] == [1, 10, 11, 20, 23, 101]
    assert [int_to_cn(n) for n in (1, 10, 11, 20, 23, 101, 110)] == ["一", "十", "十一", "二十", "二十三", "一百零一", "一百一十"]


# Property: whatever mix of markers, sentences, notes and line breaks a document has,
# every clause is an exact, non-empty, non-overlapping span of the text.
try:
    from hypothesis import given, settings, strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    given = None

if given is not None:
    _PIECES = ["一、", "二、", "三、", "十一、", "（一）", "(二)", "（三）", "1.", "2、", "3．", "12、", "（1）", "(2)",
               "第一条", "第二章", "——", "总体要求", "对企业给予50万元奖励", "。", "；", "，", "：", "\n", "\n\n", " ",
               "(责任单位:市经信委、商务局)", "〔牵头单位：市商务局〕", "本意见自印发之日起实施。", "一、二、三等奖",
               "2.5倍", "嘉兴市人民政府", "2024年4月18日"]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=60))
    def test_any_text_gives_exact_spans(pieces):
        text = "".join(pieces).strip()
        if not text:
            return
        doc = _doc(text)
        cs = split_clauses(doc)
        for c in cs:
            assert doc.text[c.start:c.end] == c.text and c.text and c.text == c.text.strip()
        spans = sorted((c.start, c.end) for c in cs)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
        assert len({c.clause_id for c in cs}) == len(cs)


def test_a_long_clause_is_cut_at_full_stops_before_semicolons():
    from index.ingest.clauses import split_long

    rule = ("对持有职业资格证书在同一机构工作1年以上的护理人员，每月给予50元岗位补贴；工作年限每增加1年，"
            "月补贴增加50元，10年以内的月补贴不超过300元；10年以上的月补贴500元，已享受公益性岗位补贴的人员"
            "不再享受本项岗位补贴，补贴按季度发放到所在机构。")
    text = "甲" * 250 + "。" + rule
    parts = [text[s:e] for s, e in split_long(text, 0, len(text), limit=320)]
    assert parts[-1] == rule  # the rule stays whole, its semicolons are not cut points
    # a single sentence far over the limit is still cut, at its semicolons
    long_rule = "；".join(["第" + "乙" * 150 + "项"] * 4) + "。"
    assert len(split_long(long_rule, 0, len(long_rule), limit=200)) > 1


def test_a_line_wrapped_mid_sentence_is_no_cut_but_a_line_ending_a_sentence_is():
    from index.ingest.clauses import split_long

    first = "丙" * 250 + "。"
    # flowed PDF text: the rule's sentence breaks its line after a bracket, before its amount
    rule = ("本市小微企业（含个体工商户）新招用登记失业人员并签订2年以上劳动合同、按时足额缴纳社会保险费的，"
            "自签订合同当月起，在2年（24个月）\n内按实际招用人数每人每年6000元给予一次性吸纳补贴。")
    text = first + rule
    parts = [text[s:e] for s, e in split_long(text, 0, len(text), limit=260)]
    assert parts[-1] == rule  # the sentence stays whole with its amount
    # a line that ends on a sentence end, and a short line (a title, a list item), still cut
    listed = "丁" * 250 + "；\n" + "戊" * 100 + "\n" + "己" * 200
    assert len(split_long(listed, 0, len(listed), limit=260)) == 2
    short = "庚" * 250 + "\n" + "短标题\n" + "辛" * 200
    assert len(split_long(short, 0, len(short), limit=260)) >= 2
