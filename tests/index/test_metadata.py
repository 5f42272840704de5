"""index.metadata: field rules on small texts (the five shipped documents are
checked field by field in test_documents.py against tests/data/documents_expected.json)."""
from __future__ import annotations

import pytest

from index.ingest.metadata import apply_sidecar, find_doc_number, find_region, parse_date, read_metadata


@pytest.mark.parametrize(("raw", "iso"), [
    ("2015-08-26", "2015-08-26"), ("2019.10.29", "2019-10-29"), ("2016.06", "2016-06"),
    ("2024年4月18日", "2024-04-18"), ("2023 年6 月15 日", "2023-06-15"), ("2024- 04- 24", "2024-04-24"),
    ("二〇二四年四月十八日", "2024-04-18"), ("二〇一九年十二月三十一日", "2019-12-31"),
])
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize(("text", "number"), [
    ("泉政办〔2016〕87号\n各县人民政府：", "泉政办〔2016〕87号"),
    ("（皖政办秘〔2021〕82号）\n各市人民政府：", "皖政办秘〔2021〕82号"),
    ("皖财购〔2023〕615 号\n省直各部门：", "皖财购〔2023〕615号"),
    ("京经信发[2022]87号\n各区：", "京经信发[2022]87号"),
    ("上海市人民政府令第19号\n《管理办法》已经通过。", "上海市人民政府令第19号"),
    ("为贯彻落实《福建省人民政府关于印发行动计划的通知》(闽政〔2016〕2号),现印发。", ""),
    ("根据《意见》（中办发〔2019〕56号）有关规定，结合实际，制定本政策。", ""),
])
def test_doc_number_variants_and_citations_skipped(text, number):
    assert find_doc_number(text, text) == number


@pytest.mark.parametrize(("name", "region"), [
    ("泉州市人民政府办公室", "泉州"), ("泉州经济技术开发区管理委员会", "泉州经济技术开发区"),
    ("嘉兴市人民政府", "嘉兴"), ("安徽省人民政府办公厅", "安徽"), ("广西壮族自治区人民政府", "广西"),
    ("市政府办公室", ""), ("", ""),
])
def test_region(name, region):
    assert find_region(name) == region


def test_labelled_complete_issuer_wins_relative_label_does_not():
    full = "发布机构: 泉州市人民政府办公室 文号: 泉政文〔2015〕95号\n\n泉州市人民政府关于发展服务型制造的实施意见\n\n各县：\n"
    assert read_metadata(full)["issuer"] == "泉州市人民政府办公室"
    relative = "发布单位: 市政府办公室 有效性: 有效\n嘉兴市人民政府关于印发嘉兴市两业融合实施方案的通知\n各县：\n"
    meta = read_metadata(relative)
    assert meta["issuer"] == "嘉兴市人民政府" and meta["validity_note"] == "有效"
    assert meta["title"] == "嘉兴市两业融合实施方案" and meta["region"] == "嘉兴"


def test_validity_dates_from_the_text():
    text = ("某市人民政府关于支持工业发展的若干政策\n各县：\n一、奖励。\n"
            "本政策自2024年5月20日起正式施行，有效期至2026年12月31日。")
    meta = read_metadata(text)
    assert (meta["valid_from"], meta["valid_until"]) == ("2024-05-20", "2026-12-31")
    assert meta["dates"]["施行"] == "2024-05-20"
    counted = read_metadata("某市人民政府关于支持工业发展的若干政策\n各县：\n本政策自2022年6月1日起施行，有效期为2年。")
    assert counted["valid_until"] == "2024-05-31"
    from_issue = read_metadata("发文日期(印发): 2015-08-26\n某市人民政府关于X的实施意见\n各县：\n本意见自下发之日起实施。")
    assert from_issue["valid_from"] == "2015-08-26" and from_issue["dates"] == {"印发": "2015-08-26"}


def test_repost_page_date_is_not_the_policy_date():
    official = "嘉兴市人民政府关于X的通知\n发布日期: 2024- 04- 24 19: 00 信息来源: 市政府办公室 浏览次数:\n各县：\n"
    assert read_metadata(official)["dates"] == {"发布": "2024-04-24"}
    repost = "全国咨询热线\n15915898572\n某网:潍坊市人民政府 关于推进X的实施意见\n发布日期:2024-07-18 09:26浏览次数:\n各县：\n"
    meta = read_metadata(repost)
    assert meta["dates"] == {"网页": "2024-07-18"}
    assert meta["title"] == "潍坊市人民政府关于推进X的实施意见" and meta["issuer"] == "潍坊市人民政府"


def test_article_attribute_block():
    text = ("文章属性\n• 【制定机关】泉州市人民政府办公室 • 【公布日期】2016.06\n• 【字 号】泉政办〔2016〕87号 • "
            "【施行日期】2016.06\n• 【效力等级】地方规范性文件 • 【时效性】现行有效\n正文\n各县：\n")
    meta = read_metadata(text)
    assert meta["issuer"] == "泉州市人民政府办公室" and meta["doc_number"] == "泉政办〔2016〕87号"
    assert meta["dates"] == {"公布": "2016-06", "施行": "2016-06"} and meta["validity_note"] == "现行有效"


def test_cover_notice_title_gives_the_policy_title():
    text = ("X开发区管理委员会印发关于\n进一步推动智能制造的实施意见的通知\n\n区直各部门：\n现印发给你们。\n"
            "X开发区管理委员会关于进一步推动智能制造的实施意见\n\n为贯彻落实，特提出如下意见：\n")
    assert read_metadata(text)["title"] == "X开发区管理委员会关于进一步推动智能制造的实施意见"


def test_attachment_file_name_gives_the_number():
    text = "某市人民政府关于X的通知\n各县：\n正文。\n某政发〔2024〕14号.doc\n"
    assert read_metadata(text)["doc_number"] == "某政发〔2024〕14号"


def test_sidecar_rules():
    meta = {"title": "读到的标题", "issuer": "", "doc_number": "", "region": "嘉兴", "dates": {"成文": "2024-04-18"},
            "valid_from": "", "valid_until": "", "validity_note": ""}
    out = apply_sidecar(dict(meta, dates=dict(meta["dates"])), {
        "title": "边车标题", "issuer": "嘉兴市人民政府", "region": "别处", "dates": {"成文": "2000-01-01", "施行": "2024-05-20"},
        "note": "for people"})
    assert out["title"] == "读到的标题" and out["region"] == "嘉兴"  # the text wins
    assert out["issuer"] == "嘉兴市人民政府"  # the gap is filled
    assert out["dates"] == {"成文": "2024-04-18", "施行": "2024-05-20"} and "note" not in out
    forced = apply_sidecar(dict(meta, dates={}), {"title": "边车标题", "override": ["title"]})
    assert forced["title"] == "边车标题"


@pytest.mark.parametrize(("closing", "valid_from", "valid_until"), [
    ("本政策自2022年6月1日施行，有效期为2年。", "2022-06-01", "2024-05-31"),
    ("本办法从2020年10月12日起施行，有效期5年。", "2020-10-12", "2025-10-11"),
    ("本政策自印发之日起实施，执行期限至2023 年12 月31 日。", "", "2023-12-31"),
    ("相关措施有效期截至2023 年12 月31 日。", "", "2023-12-31"),
    ("对2024年1月1日起实施的项目给予补助。本措施自2024年3月1日起施行。", "2024-03-01", ""),
])
def test_validity_phrasings(closing, valid_from, valid_until):
    meta = read_metadata("某市人民政府关于支持工业发展的若干政策\n各县：\n" + closing)
    assert (meta["valid_from"], meta["valid_until"]) == (valid_from, valid_until)


@pytest.mark.parametrize(("closing", "valid_until"), [
    # a trial period counted from the start date, the number in words
    ("本细则自2021年3月15日起施行，试行期两年。", "2023-03-14"),
    ("本方案自2022年7月1日起实施，有效期三年。", "2025-06-30"),
    # '执行至' / '执行期限为A至B' about the document itself
    ("本措施自2023年2月1日起施行，执行至2024年6月30日。", "2024-06-30"),
    ("本政策执行期限为2023年1月1日至2025年12月31日。", "2025-12-31"),
])
def test_validity_from_any_wording(closing, valid_until):
    meta = read_metadata("某市人民政府关于支持商贸发展的若干措施\n各县：\n一、总则\n" + closing)
    assert meta["valid_until"] == valid_until


@pytest.mark.parametrize(("closing", "valid_from", "valid_until"), [
    # a colon after the period word, a start and end with the verb after them
    ("本办法自2022年2月1日起施行，有效期：2022年2月1日至2024年1月31日。", "2022-02-01", "2024-01-31"),
    ("本办法自2022年2月1日起至2024年1月31日施行。", "2022-02-01", "2024-01-31"),
    ("本措施有效期自2022年2月1日起至2024年1月31日止。", "2022-02-01", "2024-01-31"),
    # '暂定' / '施行期限' / a trial without 期 / started as a trial
    ("本办法自2022年2月1日起施行，有效期暂定3年。", "2022-02-01", "2025-01-31"),
    ("本办法自2022年2月1日起施行，施行期限为3年。", "2022-02-01", "2025-01-31"),
    ("本细则自2022年2月1日起试行，试行二年。", "2022-02-01", "2024-01-31"),
    # the end of a year, '至…止', '…废止'
    ("本意见自2022年2月1日起施行，有效期至2024年底。", "2022-02-01", "2024-12-31"),
    ("本办法自2022年2月1日起施行，至2024年6月30日止。", "2022-02-01", "2024-06-30"),
    ("本办法自2022年2月1日起施行，2024年6月30日废止。", "2022-02-01", "2024-06-30"),
])
def test_validity_from_more_wordings(closing, valid_from, valid_until):
    meta = read_metadata("某市人民政府关于支持制造业发展的若干措施\n各县：\n一、总则\n" + closing)
    assert (meta["valid_from"], meta["valid_until"]) == (valid_from, valid_until)


def test_a_measures_own_period_dates_neither_start_nor_end_the_document():
    body = ("某市人民政府关于降低企业成本的若干措施\n各县：\n一、对企业给予奖励。\n"
            "二、自2023年5月1日至2023年8月31日，对小微企业减免检测费用。\n"
            "三、检测费用下浮10%，实施期限为2023年5月1日至2023年8月31日。\n"
            + "四、优化办事流程，压减审批时限，提升政务服务水平。\n" * 40
            + "五、自2023年5月1日至2023年8月31日，对个体工商户免收检定费。\n本措施自印发之日起施行。\n")
    meta = read_metadata(body)
    assert (meta["valid_from"], meta["valid_until"]) == ("", "")


def test_one_measures_end_date_is_not_the_documents():
    body = ("某市人民政府关于降低企业成本的若干措施\n各县：\n"
            "一、延续实施阶段性降低失业保险费率政策，执行期限至2023年4月30日。\n"
            + "二、优化办事流程，压减审批时限，提升政务服务水平。\n" * 40)
    assert read_metadata(body)["valid_until"] == ""
    # the document's own closing sentence outranks a measure's date
    closing = body + "本措施自2023年3月1日起施行，有效期2年。"
    assert read_metadata(closing)["valid_until"] == "2025-02-28"


@pytest.mark.parametrize(("name", "region"), [
    ("阿坝藏族羌族自治州人民政府办公室", "阿坝"), ("延边朝鲜族自治州人民政府", "延边"),
])
def test_an_autonomous_prefecture_is_named_without_its_peoples(name, region):
    assert find_region(name) == region


@pytest.mark.parametrize(("head", "title", "number", "region"), [
    # the sender of the first line, when no issuer line was found
    ("河北省商务厅等部门关于印发《若干措施》的通知\n", "关于降低外贸企业成本的若干措施", "", "河北"),
    # a province named inside the title
    ("关于印发方案的通知\n", "关于推动浙江省县域商业体系建设的实施意见", "", "浙江"),
    # only the document number's abbreviation tells the province
    ("各有关单位：\n", "关于进一步规范涉企收费的若干措施", "湘财发〔2023〕8号", "湖南"),
    ("各有关单位：\n", "关于进一步规范涉企收费的若干措施", "", ""),
])
def test_region_when_the_issuer_names_none(head, title, number, region):
    from index.ingest.metadata import region_fallback
    assert region_fallback("", title, number, head) == region
