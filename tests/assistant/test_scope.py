"""Scope: what the corpus covers is read from the documents; everything else is refused."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.answer.citations import verify
from index.records import Document
from assistant.answer.scope import (
    CHITCHAT,
    NATIONAL_TAX,
    OTHER_REGION,
    check_question,
    on_topic,
    refusal_text,
)
from assistant.lexicon.places import Coverage, regions_in

CASES = [json.loads(line) for line in (Path(__file__).parents[1] / "data" / "answer_cases.jsonl").open(encoding="utf-8")]
REFUSALS = [c for c in CASES if c["kind"] == "refuse"]


def _kb(*regions):
    docs = {f"d{i}": Document(doc_id=f"d{i}", source_path="x", sha256="", title=f"文件{i}", text="", region=r)
            for i, r in enumerate(regions)}
    return SimpleNamespace(documents=docs)


def test_coverage_is_derived_from_the_documents(kb):
    cov = Coverage.from_kb(kb)
    assert cov.resolve("泉州") == {"泉州", "泉州经济技术开发区"}  # the 开发区 belongs to 泉州
    assert cov.resolve("泉州经济技术开发区") == {"泉州经济技术开发区"}
    assert cov.resolve("开发区") == {"泉州经济技术开发区"}  # the only development zone held
    assert cov.resolve("嘉兴") == {"嘉兴"} and cov.resolve("潍坊") == {"潍坊"}
    assert cov.resolve("晋江") == {"泉州", "泉州经济技术开发区"}  # a county of a covered city
    for other in ("上海", "深圳", "杭州", "北京", "广东", "浙江", "福建"):
        assert cov.resolve(other) == set(), other


def test_coverage_follows_a_different_corpus():
    cov = Coverage.from_kb(_kb("四川省广安市", "杭州"))
    assert cov.resolve("广安") == {"四川省广安市"}
    assert cov.resolve("杭州") == {"杭州"}
    assert cov.resolve("泉州") == set()
    assert check_question("泉州的物流平台补多少", cov).reason == OTHER_REGION
    assert check_question("杭州的物流平台补多少", cov).covered


def test_question_checks(kb):
    cov = Coverage.from_kb(kb)
    assert check_question("上海对工业设计中心有什么补贴", cov).reason == OTHER_REGION
    assert check_question("你好！", cov).reason == CHITCHAT
    assert check_question("谢谢", cov).reason == CHITCHAT
    mixed = check_question("泉州和上海的工业设计中心奖励", cov)
    assert mixed.covered and mixed.uncovered == ["上海"] and "泉州" in mixed.regions
    assert check_question("福建泉州的工业设计中心奖励", cov).covered  # province of a covered city
    assert check_question("浙江省工业设计中心奖励多少", cov).reason == OTHER_REGION
    assert regions_in("嘉兴和潍坊分别奖励多少") == ["嘉兴", "潍坊"]


def test_answer_fit_checks():
    from assistant.answer.fit import answer_type_gap, national_subject, tier_gap

    text = "对经认定的国家级、省级、市级服务型制造示范企业(平台、项目),分别给予150万元、50万元、20万元奖励。"
    assert tier_gap("县级示范企业奖多少", text) == ("县级", "国家级、省级、市级")
    assert tier_gap("省级示范企业奖多少", text) is None
    assert tier_gap("2A级物流企业", "首次获评国家“AAAAA”、“AAAA”、“AAA”级物流企业") == ("AA", "AAAAA、AAAA、AAA")
    assert tier_gap("4A级物流企业", "首次获评国家“AAAAA”、“AAAA”、“AAA”级物流企业") is None
    assert answer_type_gap("具体奖励多少钱", "对生产效益稳定的新升规工业企业,给予一定资金奖励。") == "具体金额"
    assert answer_type_gap("奖励多少钱", text) is None
    assert answer_type_gap("优惠期限是几年", "减按15%的税率征收企业所得税") == "期限"
    # "多少天内 / 几个工作日" ask how long as much as "几天" does
    assert answer_type_gap("押金多少天内要退？", "") == "期限"
    assert answer_type_gap("审批要几个工作日？", "") == "期限"
    assert answer_type_gap("审批要几个工作日？", "自受理之日起5个工作日内办结。") is None
    assert national_subject("工信部专精特新小巨人的认定标准") and national_subject("国家对首台套保险补偿的比例")
    assert not national_subject("国家级专精特新小巨人奖多少") and not national_subject("主导制定国家标准有资助吗")
    # a request verb before the national program does not make it local
    assert national_subject("办理国家技术创新示范企业认定要准备什么材料") and national_subject("请问全国统一的研发费用加计扣除比例是多少")
    assert not national_subject("申请国家级示范企业奖励要什么材料")


def test_a_rare_name_the_user_cites_counts_as_on_topic(kb):
    from assistant.answer.fit import rare_phrase

    top = "".join(s.clause.embed_text for s in kb.search("“燎原计划”是干什么的", k=3))
    assert rare_phrase("“燎原计划”是干什么的", top, kb) in ("燎原计划", "燎原计", "原计划")
    assert rare_phrase("推荐一部电影", top, kb) == ""


def test_on_topic_rule():
    assert on_topic(0.75, 0.60, 0.0, False)
    assert not on_topic(0.33, 0.60, 1.7, False)  # 推荐一部电影
    assert on_topic(0.0, 0.70, 3.5, True)  # a colloquial benefit question close in embedding space
    assert not on_topic(0.0, 0.70, 3.5, False)


@pytest.mark.parametrize("case", REFUSALS, ids=[c["id"] for c in REFUSALS])
def test_out_of_scope_questions_are_refused(policy_assistant, kb, case):
    answer = policy_assistant.ask(case["question"])
    assert answer.refused, answer.answer
    assert answer.calculation is None
    for word in case.get("forbid", []):
        assert word not in answer.answer
    if case.get("gap"):
        # the closest clause does not say what was asked: say so, quote what it does say
        assert "没有规定" in answer.answer and answer.citations
        assert all(verify(kb, c) for c in answer.citations)
        return
    assert not answer.citations
    # the refusal lists what the corpus does cover, with validity
    for doc in kb.documents.values():
        assert doc.title in answer.answer
    assert "已失效" in answer.answer


def test_refusal_text_names_the_place_and_invents_nothing(kb, settings):
    cov = Coverage.from_kb(kb)
    text = refusal_text(check_question("深圳的企业评上国家级服务型制造示范奖多少", cov), kb, settings.as_of)
    assert "没有深圳的政策" in text and "万元" not in text
    from assistant.answer.scope import Scope

    tax = refusal_text(Scope(covered=False, reason=NATIONAL_TAX, detail="增值税"), kb, settings.as_of)
    assert "增值税" in tax and "万元" not in tax


def test_a_place_the_clause_itself_names_is_not_a_jurisdiction(policy_assistant):
    answer = policy_assistant.ask("引进台湾设计公司跟我们厂对接搞成了示范项目，有补助吗")
    assert not answer.refused
    assert answer.citations[0].clause_id == "quanzhou-2015-service-manufacturing/4.4"


def test_how_a_comparison_is_asked_is_not_its_topic():
    from assistant.question.terms import content_terms

    terms = content_terms("嘉兴和泉州对省级工业设计中心的奖励分别是多少？两边有区别吗？")
    assert not {"分别", "两边", "区别"} & set(terms)
    assert {"工业", "设计", "中心"} <= set(terms)


def test_still_gives_is_not_a_purpose():
    from assistant.answer.fit import unknown_qualifier

    corpus = "对新认定为国家级制造业单项冠军的企业,市级财政给予最高80万元奖励"
    assert unknown_qualifier("单项冠军复核通过了，市里还给奖励吗？", corpus, set()) == ""
    assert unknown_qualifier("市里给安家补贴吗？", corpus, set()) == "安家"


def test_a_clause_own_end_date_is_read_for_the_measure_asked():
    import datetime as dt

    from assistant.answer.fit import clause_deadline

    text = ("（八）延续降低物流用地租金政策，对仓储用地租金减半收取，执行期限至2022 年6 月30 日；"
            "延续实施货车通行费九折优惠，执行至2027年12月底。")
    assert clause_deadline("仓储用地租金还能减半吗", text) == dt.date(2022, 6, 30)
    assert clause_deadline("货车通行费还打九折吗", text) == dt.date(2027, 12, 31)
    assert clause_deadline("仓储用地租金还能减半吗", "对仓储用地租金减半收取。") is None


def test_everyday_words_for_still_in_force_ask_validity():
    from assistant.answer.fit import asks_validity

    assert asks_validity("那份物流扶持措施现在还管用吗？") and asks_validity("这个办法还算数吗")
    assert not asks_validity("物流扶持措施管用不管用，能补多少？")


def test_a_city_without_documents_reaches_the_province_documents_that_name_it():
    docs = {
        "p": Document(doc_id="p", source_path="x", sha256="", title="省文件", text="全省推进仓储物流。", region="四川"),
        "c": Document(doc_id="c", source_path="x", sha256="", title="市文件",
                      text="转发省方案：对泸州、宜宾市的物流企业给予补助。", region="成都"),
        "o": Document(doc_id="o", source_path="x", sha256="", title="外省文件", text="支持宜宾企业来杭投资。", region="杭州"),
    }
    cov = Coverage.from_kb(SimpleNamespace(documents=docs))
    # 宜宾 has no documents: its province's, and the same province's documents naming it
    assert cov.resolve("宜宾") == {"四川", "成都"}
    assert cov.resolve("绵阳") == {"四川"}  # named nowhere: the province only
    assert cov.resolve("成都") == {"成都"}  # a city with its own documents is not widened
