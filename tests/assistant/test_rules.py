"""Rule extraction: the gold file (eval/rules_gold.jsonl), verbatim spans, and
sentences the extractor has never seen (the parsing is general, not keyed to the
shipped documents)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from index.records import Clause
from assistant.rules.catalog import extract_rules, rules_for, stacking_principle
from assistant.evaluation.rules_gold import load_gold, score


def _clause(text: str, clause_id: str = "unseen/1") -> Clause:
    return Clause(clause_id=clause_id, doc_id="unseen", path=(), display_path="", text=text,
                  start=0, end=len(text))


def test_gold_file_is_extracted_exactly(documents):
    result = score(documents, load_gold(Path(__file__).resolve().parents[2] / "eval" / "rules_gold.jsonl"))
    assert result.gold_rules >= 80
    report = "\n".join(result.misses + result.false_positives)
    assert result.recall == 1.0, report
    assert result.precision == 1.0, report


def test_spans_are_verbatim_and_ids_stable(documents):
    from index.ingest.clauses import split_clauses

    for doc in documents.values():
        for clause in split_clauses(doc):
            rules = extract_rules(clause)
            assert [r.rule_id for r in rules] == [f"{clause.clause_id}#r{i}" for i in range(1, len(rules) + 1)]
            for r in rules:
                assert doc.text[r.start:r.end] == r.text and r.text.strip() == r.text
                assert clause.start <= r.start < r.end <= clause.end
                assert r.describe()


def test_stacking_principle_is_read_from_the_document(documents):
    assert stacking_principle(documents["jiaxing-2024-two-industries-integration"].text) == "就高不重复"
    assert stacking_principle(documents["quanzhou-2015-service-manufacturing"].text) == ""


def test_rules_for_the_knowledge_base(kb):
    by_clause = rules_for(kb)
    assert "quanzhou-2015-service-manufacturing/2.4" in by_clause
    assert all(r.stacking == "就高不重复" for cid, rs in by_clause.items() for r in rs
               if cid.startswith("jiaxing-2024"))
    assert rules_for(kb) is by_clause  # cached


# Sentences written for this test, in the documents' style but with other figures and words.
UNSEEN = [
    ("对年销售额超过5000万元的企业，一次性给予30万元奖励。",
     dict(kind="fixed", amount=Decimal(300000), thresholds=[("年销售额", ">", Decimal(50000000))])),
    ("对企业投资1000万元以上的技改项目，按设备投资额的8%给予补助，最高不超过200万元。",
     dict(kind="rate", rate=Decimal("0.08"), cap=Decimal(2000000), base="投资额",
          thresholds=[("投资额", ">=", Decimal(10000000))])),
    ("对获评国家级、省级专精特新企业的，分别给予60万元、30万元奖励。",
     dict(kind="fixed", levels=[("国家级", Decimal(600000)), ("省级", Decimal(300000))])),
    ("对注册并发行基金的企业，按照发行额2‰给予奖励，最高不超过300万元。",
     dict(kind="permille", rate=Decimal("0.002"), cap=Decimal(3000000), base="发行额")),
    ("对新认定的高新技术企业，减按15%的税率征收企业所得税。", dict(kind="tax_rate", rate=Decimal("0.15"))),
    ("对营业收入首次突破100亿元、50亿元的企业，分别一次性给予200万元、100万元奖励。",
     dict(kind="tiered", tier_fact="营业收入")),
    ("每引进一个项目奖励3万元，最高限额30万元。",
     dict(kind="per_unit", amount=Decimal(30000), cap=Decimal(300000), per_unit="项目")),
    ("对获得一、二、三等奖的作品，分别给予8万元、5万元、2万元奖励。",
     dict(kind="fixed", levels=[("一等奖", Decimal(80000)), ("二等奖", Decimal(50000)), ("三等奖", Decimal(20000))])),
    ("对年出口额达到500万美元以上的企业，给予10万元奖励。",
     dict(kind="fixed", amount=Decimal(100000), thresholds=[("年出口额", ">=", Decimal(5000000))])),
    ("对购置设备50万元以上的企业，给予8万元至40万元奖励。",
     dict(kind="fixed", amount=Decimal(400000), up_to=True)),
    ("对吸纳就业的企业，按每人2000元标准发放一次性补助。",
     dict(kind="per_unit", amount=Decimal(2000), per_unit="人")),
    ("胜诉的，给予原告诉讼费的40%资助，每件最高资助5万元。",
     dict(kind="rate", rate=Decimal("0.4"), cap=Decimal(50000), base="原告诉讼费")),
    ("给予企业上一年度研发投入6%、最高80万元的一次性奖励。",
     dict(kind="rate", rate=Decimal("0.06"), cap=Decimal(800000))),
    ("对首次获批国家级、省级示范称号的市级重点企业，一次性给予40万元、15万元奖励。",
     dict(kind="fixed", levels=[("国家级", Decimal(400000)), ("省级", Decimal(150000))])),
    ("允许生产性服务业纳税人按照当期可抵扣进项税额加计5%抵减应纳税额。",
     dict(kind="tax_deduction", rate=Decimal("0.05"), base="当期可抵扣进项税额", benefit="加计抵减应纳税额")),
    ("对取得职业资格的人员给予补贴，初级工800元、中级工1200元、高级工2000元。",
     dict(kind="fixed", levels=[("初级工", Decimal(800)), ("中级工", Decimal(1200)), ("高级工", Decimal(2000))])),
]


def test_each_award_in_a_segment_names_its_own_subject():
    rules = extract_rules(_clause("对市级示范基地给予一次性资助30万元,县级示范站给予一次性资助10万元。"))
    assert [(r.subject, r.amount) for r in rules] == [("市级示范基地", Decimal(300000)),
                                                      ("县级示范站", Decimal(100000))]


@pytest.mark.parametrize("text, want", UNSEEN, ids=[t[:12] for t, _w in UNSEEN])
def test_unseen_sentences(text, want):
    rules = extract_rules(_clause(text))
    assert len(rules) == 1, [r.describe() for r in rules]
    r = rules[0]
    for key, value in want.items():
        if key == "levels":
            assert [(lv.name, lv.amount) for lv in r.levels] == value
        elif key == "thresholds":
            assert [(t.fact, t.op, t.value) for t in r.thresholds] == value
        else:
            assert getattr(r, key) == value, (key, r.describe())


@pytest.mark.parametrize("text", [
    "设立产业发展专项资金5000万元，着重用于重点项目的扶持。",
    "到2025年，全市规上工业增加值达到1000亿元以上，培育企业100家。",
    "对生产效益稳定的企业，给予一定资金奖励。",
    "进一步落实企业研发费用加计扣除政策和高新技术企业税收优惠政策。",
    "推动金融机构投放贷款50亿元，支持小微企业发展。",
    "市财政每年出资2000万元设立创业扶持基金，用于创业补贴。",
    "",
])
def test_text_without_a_benefit_yields_no_rule(text):
    assert extract_rules(_clause(text)) == []


def test_usd_threshold_keeps_its_currency():
    r = extract_rules(_clause("对当年离岸外包业务达到100万美元的企业，每家给予20万元补助。"))[0]
    assert r.currency == "元" and r.thresholds[0].unit == "美元" and r.thresholds[0].value == Decimal(1000000)
