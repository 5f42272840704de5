"""rules_for(kb): one clause's rules are read when that clause is looked up, not every clause's
(a first answer over thousands of documents must not wait for all of them); iterating reads
them all once, and the table is the one an eager read gives. Invented clauses."""
from __future__ import annotations

from types import SimpleNamespace

from index.records import Clause
from assistant.rules import catalog


def _kb(n: int):
    doc_text = "某市关于支持企业发展的若干措施。同一事项按“就高不重复”原则执行。"
    clauses = {}
    for i in range(n):
        text = (f"对新建第{i}号仓储设施的企业，按投资额的5%给予补助，最高不超过{10 + i}万元。" if i % 2 == 0
                else f"第{i}条：加强组织领导，明确责任分工。")
        clauses[f"inv/{i}"] = Clause(clause_id=f"inv/{i}", doc_id="inv", path=(), display_path="", text=text,
                                     start=0, end=len(text))
    return SimpleNamespace(clauses=clauses, documents={"inv": SimpleNamespace(text=doc_text)})


def test_a_lookup_reads_only_the_clause_asked(monkeypatch):
    read = []
    real = catalog.extract_rules
    monkeypatch.setattr(catalog, "extract_rules", lambda clause, *rest: read.append(clause.clause_id)
                        or real(clause, *rest))
    kb = _kb(40)
    table = catalog.rules_for(kb)
    assert table.get("inv/4") and "inv/4" in table and "inv/5" not in table
    assert table.get("inv/5", []) == [] and table.get("no/such", []) == []
    assert sorted(set(read)) == ["inv/4", "inv/5"]  # nothing else was read
    assert catalog.rules_for(kb) is table  # cached on the kb
    assert table["inv/4"][0].stacking == "就高不重复"  # the document's principle still applies


def test_iterating_gives_the_eager_table():
    kb = _kb(12)
    table = catalog.rules_for(kb)
    eager = {cid: catalog.extract_rules(c, "就高不重复") for cid, c in kb.clauses.items()}
    eager = {cid: rs for cid, rs in eager.items() if rs}
    assert list(table) == list(eager) and len(table) == len(eager) == 6
    assert {cid: [r.to_dict() for r in rs] for cid, rs in table.items()} == \
        {cid: [r.to_dict() for r in rs] for cid, rs in eager.items()}
