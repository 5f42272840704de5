"""`policy-assistant calc | rules` and the LangChain tool, over the real knowledge base."""
from __future__ import annotations

import json

import pytest

from assistant.cli.main import main

CLAUSE = "quanzhou-2015-service-manufacturing/2.4"


@pytest.fixture
def argv(kb, settings):
    def make(*args):
        return [*args, "--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir),
                "--as-of", "2026-11-21"]
    return make


def test_calc_prints_steps_and_a_verbatim_citation(argv, capsys, kb):
    assert main(argv("calc", CLAUSE, "--fact", "投资额=800万元")) == 0
    out = capsys.readouterr().out
    assert "800万元 × 5% = 40万元" in out and "可获补助40万元" in out
    assert "泉政文〔2015〕95号" in out
    quote = out.split("原文：“", 1)[1].split("”\n", 1)[0]
    assert quote in kb.documents["quanzhou-2015-service-manufacturing"].text


def test_calc_json(argv, capsys):
    assert main(argv("calc", "jiaxing-2024-two-industries-integration/3.1", "--fact", "级别=国家级", "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    first = data["calculations"][0]
    assert first["amount_yuan"] == "1500000" and first["amount_wan"] == "150万元"
    assert any("就高不重复" in c for c in first["checks"])
    assert first["citation"]["quote"]


def test_calc_names_missing_facts(argv, capsys):
    assert main(argv("calc", CLAUSE)) == 0
    assert "缺少：投资额" in capsys.readouterr().out


@pytest.mark.parametrize("args, needle", [
    (("calc", "nope/1.1"), "unknown clause id"),
    (("calc", CLAUSE, "--fact", "投资额800万元"), "NAME=VALUE"),
    (("calc", CLAUSE, "--fact", "投资额=很多"), "not a figure"),
    (("calc", CLAUSE, "--fact", "投资额=800"), "needs a unit"),
    (("rules", "nope/1.1"), "unknown clause id"),
])
def test_bad_input_is_one_clean_english_line(argv, capsys, args, needle):
    assert main(argv(*args)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and needle in err and "Traceback" not in err


def test_rules_lists_plain_chinese_with_quotes(argv, capsys, kb):
    assert main(argv("rules", "quanzhou-kfq-smart-manufacturing-quality/2.1.11")) == 0
    out = capsys.readouterr().out
    assert "[tiered]" in out and "台套数≤10台" in out and "最高300万元" in out
    assert main(argv("rules", "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) >= 40 and all(r["text"] for rs in data.values() for r in rs)


def test_langchain_tool(kb):
    from assistant.calculator.tool import make_calculate_tool

    tool = make_calculate_tool(kb, "2026-11-21")
    assert tool.name == "calculate_subsidy"
    result = tool.invoke({"clause_id": CLAUSE, "facts": {"投资额": "1200万元"}})
    assert result["calculations"][0]["amount_wan"] == "50万元"
    assert "超过上限50万元" in "".join(result["calculations"][0]["steps"])
    bad = tool.invoke({"clause_id": "nope/1", "facts": {}})
    assert "error" in bad and "未找到条款" in bad["error"]
