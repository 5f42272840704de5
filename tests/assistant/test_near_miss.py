"""Near-misses by subject, read from the documents' own sentences: a sum asked for a thing no
money sentence of the asked region names is refused, saying what the documents do grant; a thing
they grant money for — however the user shortens or splits its name — is not. Every document
here is invented for the test."""
from __future__ import annotations

from types import SimpleNamespace

from index.records import Clause, ScoredClause
from assistant.answer.near_miss import lead_excerpt, missing_subject, subjects
from assistant.answer.scope import NO_MONEY, Scope, asks_stacking, check_retrieval, refusal_text


def _doc(doc_id, region, title, texts):
    clauses = {f"{doc_id}/{i}": Clause(clause_id=f"{doc_id}/{i}", doc_id=doc_id, path=(f"（{i}）",), display_path="",
                                       text=t, start=0, end=len(t)) for i, t in enumerate(texts, 1)}
    doc = SimpleNamespace(doc_id=doc_id, region=region, title=title, text="\n".join(texts), issuer="",
                          doc_number="", valid_until=None, incomplete=False, validity=lambda d: "有效")
    return doc, clauses


def _kb(*docs):
    documents, clauses = {}, {}
    for doc, cl in docs:
        documents[doc.doc_id] = doc
        clauses.update(cl)
    text = "\n".join(d.text for d in documents.values())
    return SimpleNamespace(documents=documents, clauses=clauses, version="", corpus_text=text, coverage=None)


RIVERTOWN = _doc("rt", "河口", "河口市促进服务业发展的若干措施", [
    "（一）支持工业设计发展。对新认定的国家级、省级工业设计中心，分别给予100万元、30万元一次性奖励。",
    "（二）鼓励企业上云。引导企业使用工业互联网平台开展数字化改造，营造良好氛围。",
    "（三）支持物流公共信息服务平台建设。按项目实际投资的20%给予补助，最高不超过200万元。",
])
HILLCITY = _doc("hc", "山城", "山城市数字经济发展措施", [
    "对新入选省级工业互联网平台的企业，给予50万元奖励。",
])
KB = _kb(RIVERTOWN, HILLCITY)


def test_a_sum_asked_for_a_thing_the_region_grants_nothing_for_is_named():
    lead = KB.clauses["rt/1"]
    # 河口 speaks of 工业互联网平台 only as an encouragement; only 山城 pays for it
    assert missing_subject("河口对新入选省级工业互联网平台的企业奖励多少？", lead, KB, {"河口"}) == "工业互联网平台"
    # asked of 山城, whose document pays for it, it is no near-miss
    assert missing_subject("山城对省级工业互联网平台奖励多少？", HILLCITY[1]["hc/1"], KB, {"山城"}) == ""


def test_a_thing_the_lead_clause_names_is_no_near_miss():
    lead = KB.clauses["rt/1"]
    assert missing_subject("河口对省级工业设计中心奖励多少？", lead, KB, {"河口"}) == ""


def test_a_name_split_or_shortened_by_the_user_is_found_in_the_documents_sentences():
    lead = KB.clauses["rt/1"]  # the retrieval led with another clause: the region still pays for it
    assert missing_subject("河口建物流公共信息平台能补多少？", lead, KB, {"河口"}) == ""


def test_the_users_own_figures_are_not_what_a_sum_is_asked_for():
    # '设备发票总价' names the user's fact, followed by its figure
    assert all("发票" not in "".join(s) for s in subjects("买了生产线，设备发票总价800万，能补多少？"))


def test_a_name_no_document_uses_is_left_to_the_on_topic_check():
    lead = KB.clauses["rt/1"]
    assert missing_subject("河口对直播带货基地奖励多少？", lead, KB, {"河口"}) == ""


def test_asking_whether_is_not_asking_a_sum():
    lead = KB.clauses["rt/1"]
    assert missing_subject("河口对工业互联网平台有没有奖励？", lead, KB, {"河口"}) == ""


def test_the_refusal_says_what_the_documents_grant_instead(settings):
    lead = KB.clauses["rt/1"]
    retrieved = [ScoredClause(lead, 0.05, rank=1, dense_score=0.86, bm25_score=8.0)]
    question = "河口对新入选省级工业互联网平台的企业奖励多少？"
    scope = check_retrieval(question, retrieved, KB, Scope(regions={"河口": {"河口"}}))
    assert not scope.covered and scope.reason == NO_MONEY and scope.detail == "工业互联网平台"
    text = refusal_text(scope, KB, settings.as_of)
    assert "工业互联网平台" in text and lead_excerpt(lead) in text and "河口市促进服务业发展的若干措施" in text
    assert lead_excerpt(lead) in lead.text  # verbatim


def test_whether_benefits_combine_is_a_rule_not_a_sum():
    assert asks_stacking("一个项目同时符合两项补贴，能不能都拿？")
    assert asks_stacking("市里和区里的奖励可以叠加吗")
    assert not asks_stacking("省级工业设计中心奖励多少？")


def test_a_qualifier_between_nouns_is_part_of_the_thing_asked():
    flowers = _kb(_doc("fl", "河口", "河口市花卉产业措施", [
        "（一）财政补助政策。对完成花卉苗木基地建设任务的企业一次性奖励300万元。",
        "（二）鼓励花卉苗木企业拓展国际市场，支持参加境外展会。"]),
                  _doc("ex", "山城", "山城市外贸措施", ["对年出口额超过1000万美元的企业，给予10万元奖励。"]))
    lead = flowers.clauses["fl/1"]
    assert ("花卉苗木", "出口") in subjects("河口对花卉苗木出口企业奖励多少钱？")
    # the documents pay for the base, not for exporting: a near-miss
    assert missing_subject("河口对花卉苗木出口企业奖励多少钱？", lead, flowers, {"河口"}) == "花卉苗木出口"
    assert missing_subject("河口对花卉苗木基地奖励多少钱？", lead, flowers, {"河口"}) == ""


CARE = _doc("care", "河口", "河口市促进养老服务业发展的实施意见", [
    "（五）建立养老服务就业补贴制度。对在养老机构从事护理工作满5年的高校毕业生，给予一次性养老服务就业补贴3万元。",
])
KB_CARE = _kb(CARE, HILLCITY)


def test_names_describing_the_asker_are_not_the_benefit_asked_for():
    lead = KB_CARE.clauses["care/1"]
    # '职业本科毕业生' says who was hired; the benefit asked is named in its own phrase
    question = "河口我们敬老院招了两个职业本科毕业生做护理，满5年了，一次性养老服务就业补贴能拿多少？"
    assert missing_subject(question, lead, KB_CARE, {"河口"}) == ""
    # without a benefit named, the same description is what is asked about, and it is missing
    assert missing_subject("河口对职业本科毕业生工业互联网平台奖多少？", lead, KB_CARE, {"河口"}) != ""


def test_a_place_name_is_never_part_of_the_thing_asked():
    runs = ["".join(r) for r in subjects("义乌县小商品产业完成了目标任务，市里奖励多少？")]
    assert "小商品产业" in runs and all("义乌" not in r for r in runs)


def test_a_name_describing_what_the_asker_holds_beside_the_award_the_lead_names_is_no_near_miss():
    awards = _doc("aw", "河口", "河口市质量奖评选办法", [
        "第二条本办法所称企业，包括在本市登记的医疗器械制造企业。",
        "第十条对获得河口市质量金奖、质量提名奖的企业，分别给予40万元、10万元的奖励。",
    ])
    kb = _kb(awards, HILLCITY)
    lead = kb.clauses["aw/2"]
    # '医疗器械' says what the asker's product is; the award asked (质量金奖) is the lead's own
    assert missing_subject("我们是做医疗器械的，去年得了河口市质量金奖，总共奖多少？", lead, kb, {"河口"}) == ""
