"""The minor items of the reliability issue, through the CLI: one k limit for CLI and API, an
unknown region/issuer or level said so (not an empty result with no word)."""
from __future__ import annotations

import pytest

from assistant.cli.main import main

pytestmark = pytest.mark.slow


def _common(settings):
    return ["--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir), "--as-of", "2026-11-21"]


def test_k_limit_is_the_same_in_cli_and_api(kb, settings, capsys):
    from assistant.web.service import MAX_K as API_MAX_K
    from index.store.retrieve import MAX_K

    assert API_MAX_K == MAX_K
    assert main(["search", "补助", "--k", str(MAX_K), "--json"] + _common(settings)) == 0
    capsys.readouterr()
    for k in (0, MAX_K + 1):
        assert main(["search", "补助", "--k", str(k)] + _common(settings)) == 2
        assert f"from 1 to {MAX_K}" in capsys.readouterr().err


def test_unknown_region_and_issuer_are_named_with_the_known_ones(kb, settings, capsys):
    assert main(["search", "补助", "--region", "不存在的地方", "--issuer", "不存在的委员会"] + _common(settings)) == 0
    out = capsys.readouterr().out
    region = next(d.region for d in kb.documents.values() if d.region)
    assert "no indexed document has the region '不存在的地方'" in out and region in out
    assert "no indexed document has the issuer '不存在的委员会'" in out


def test_a_level_the_clause_does_not_list_gives_zero_and_says_why(kb, settings, capsys):
    from assistant.calculator.select import calculate_clause

    # a clause whose rule pays by level (国家级/省级/市级 …), found by its own words
    cid = next(c.clause_id for c in kb.clauses.values()
               if "国家级、省级、市级" in c.text and "分别给予" in c.text)
    calcs = calculate_clause(kb, cid, {"级别": "乡镇级"})
    assert calcs and calcs[0].amount_yuan == 0 and any("乡镇级" in x and "不在本条款所列级别" in x
                                                       for x in calcs[0].checks)
    assert main(["calc", cid, "--fact", "级别=乡镇级"] + _common(settings)) == 0
    assert "不在本条款所列级别" in capsys.readouterr().out
