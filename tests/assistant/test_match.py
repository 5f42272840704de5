"""政策匹配 over the real knowledge base: regions from document metadata, per-condition status,
calculator amounts only where the profile settles them, expired documents apart."""
from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.answer.citations import verify
from assistant.match.match import MET, NOT_MET, match_profile
from assistant.match.profile import Profile
from assistant.match.report import to_markdown
from index.errors import InputError
from index.records import EXPIRED


def test_an_activity_with_its_figures_gets_the_calculator_amount(kb, settings):
    res = match_profile(kb, {"region": "泉州开发区", "industry": "包装机械",
                             "activities": ["采购列入数控一代示范项目的产品20台，采购发票总价1000万元"]},
                        settings.as_of)
    assert "泉州经济技术开发区" in res.regions and "泉州" in res.regions  # a zone's firm is also its city's
    hit = next(m for m in res.matches if "11～50台（套）" in kb.clauses[m.clause_id].text and m.status == MET)
    assert hit.amount_yuan == Decimal("1500000"), hit.to_dict()  # 11-50 band: 1000万 × 15%
    assert hit.formula and all(c.status != NOT_MET for c in hit.conditions)
    # a purchase invoice is never read as another kind of spending to settle another rule
    assert not any(m.status == MET and "研发费用" in " ".join(m.formula) for m in res.matches)
    for m in res.matches + res.expired:
        assert verify(kb, m.citation)
        assert kb.documents[m.doc_id].region in res.regions


def test_a_county_reaches_its_city_not_the_zone_inside_it(kb, settings):
    res = match_profile(kb, {"region": "泉州市石狮市", "industry": "服装"}, settings.as_of)
    assert res.regions == ["泉州"]
    assert all(kb.documents[m.doc_id].region == "泉州" for m in res.matches)


def test_a_threshold_not_met_is_marked_with_amount_zero(kb, settings):
    res = match_profile(kb, {"region": "泉州", "activities": ["投资200万元建设物流公共信息平台，已投入使用"]},
                        settings.as_of)
    failed = [m for m in res.matches if m.status == NOT_MET]
    assert failed and failed[0].amount_yuan == 0
    assert any(c.status == NOT_MET and "200万元" in c.text for c in failed[0].conditions)
    assert res.matches[0].status != NOT_MET  # what it can get comes first


def test_expired_documents_are_listed_apart(kb, settings):
    res = match_profile(kb, {"region": "潍坊", "activities": ["2025年新认定为省级服务型制造示范企业"]},
                        settings.as_of)
    assert res.expired and all(m.expired for m in res.expired)
    assert all(kb.documents[m.doc_id].validity(settings.as_of) != EXPIRED for m in res.matches)
    assert "已失效" in to_markdown(res)


def test_a_region_without_documents_gets_nothing_and_says_so(kb, settings):
    res = match_profile(kb, {"region": "成都", "industry": "软件"}, settings.as_of)
    assert not res.matches and not res.expired and "成都" in res.note


def test_bad_profiles_get_a_clear_message():
    with pytest.raises(InputError) as err:
        Profile.from_dict({"revenue_wan": "很多"})
    assert "revenue_wan" in str(err.value) and err.value.zh
    with pytest.raises(InputError):
        Profile.from_dict({"employees": 30})


def test_a_broad_chat_question_lists_matches_instead_of_refusing(policy_assistant):
    answer = policy_assistant.ask("我们是嘉兴的一家小厂，有哪些补贴可以申请？")
    assert not answer.refused and answer.citations
    assert answer.sections["verdict_kind"] == "matches"
    assert all(kb_region == "嘉兴" for kb_region in {m["region"] for m in answer.sections["matches"]})
    nowhere = policy_assistant.ask("小微企业有哪些扶持？")
    assert "地区" in nowhere.answer.splitlines()[0] and not nowhere.citations


def test_cli_match_json_markdown_eval_and_bad_input(kb, settings, capsys, tmp_path):
    import json

    from assistant.cli.main import main

    common = ["--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir), "--as-of", "2026-11-21"]
    assert main(["match", "--region", "嘉兴", "--level", "市级服务型制造示范企业", "--json", *common]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["regions"] == ["嘉兴"] and data["matches"]
    assert main(["match", "--region", "潍坊", "--activity", "新认定为省级服务型制造示范企业", "--markdown", *common]) == 0
    assert capsys.readouterr().out.startswith("# 政策匹配报告")
    profiles = tmp_path / "p.jsonl"
    profiles.write_text(json.dumps({"id": "x", "profile": {"region": "成都"}, "expected": [],
                                    "not_expected": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["match", "--eval", str(profiles), "--json", *common]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["profiles"] == 1 and report["uncovered_profiles_empty"] == "1/1"
    assert main(["match", *common]) == 2
    assert "error: give a profile" in capsys.readouterr().err
    assert main(["match", "--revenue-wan", "abc", *common]) == 2
    assert "revenue_wan" in capsys.readouterr().err


def test_a_listing_question_with_a_subject_is_not_broad(kb):
    from assistant.answer.scope import _corpus_text
    from assistant.lexicon.places import Coverage
    from assistant.match.broad import is_broad

    corpus, cov = _corpus_text(kb), Coverage.from_kb(kb)
    assert is_broad("我们在潍坊开了个小作坊，有哪些奖励能拿？", corpus, cov)
    assert not is_broad("潍坊对技术改造新增设备有哪些补贴？", corpus, cov)
    assert not is_broad("技术改造新增设备补多少？", corpus, cov)


def test_a_purchase_figure_is_never_the_base_of_an_unrelated_rule(kb, settings):
    """Every calculation step of every match places a figure only on a base the profile's words
    name; a rule whose base it is not asks for its own figure instead."""
    from assistant.match.guard import placed, speaks_of

    for region in sorted({d.region for d in kb.documents.values() if d.region}):
        res = match_profile(kb, {"region": region, "activities": ["换了一批新机床，设备发票900万元"]}, settings.as_of)
        for m in res.matches + res.expired:
            for step in m.formula:
                assert not ("研发" in step and "900万元" in step), (region, m.to_dict())
            calc_steps = type("C", (), {"steps": m.formula})()
            assert all(speaks_of(need, key, m.because) for key, need in placed(calc_steps)), m.to_dict()
