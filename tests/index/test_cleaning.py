"""index.cleaning: noise out, policy text kept verbatim, wraps joined, truncation flagged."""
from __future__ import annotations

import re

import pytest

from index.ingest.cleaning import clean_text, noise_kind, should_join

NOISE_LINES = [
    "您当前的位置:首页>政务公开>政府信息公开专栏>规划计划方案意见",
    "您的位置: 首页 > 奖励政策",
    "首页",
    "> 政务公开 > 行政规范性文件 > 市政府",
    "【打印本页】 【关闭本页】",
    "政策解读>>",
    "图文解读>>",
    "发布日期:2024-07-18 09:26浏览次数:",
    "全国咨询热线",
    "15915898572",
    "微信咨询 13800138000",
    "400-123-4567",
    "欢迎访问专精特新认定网,如有专精特新认定需求,欢迎联系我们在线客服:15915898572",
    "专精特新ad2",
    "Copyright © 2022-2023 潮盛企业管理咨询中心 版权所有备案号:粤ICP备2022013427号网站地图",
    "扫一扫咨询微信客服",
    "嘉政发〔2024〕14号.doc",
    "作者:",
    "信息来源:",
    "索引号: 002546445/2024-467442 文号: 嘉政发〔2024〕14号",
    "文章属性",
    "• 【制定机关】泉州市人民政府办公室 • 【公布日期】2016.06",
    "【字体：大 中 小】",
    "分享到：",
    "上一篇：关于开展2023年度示范企业认定的通知",
    "打印 | 关闭",
    "发布时间：2024-04-24 来源：市政府办公室",
]
POLICY_LINES = [
    "(四)扶持物流公共信息平台建设。对企业投资500万元以上的物流公共信息平台,按平台投资额的5%给予补助。",
    "(责任单位:市经信委、商务局,各县(市、区)人民政府,泉州开发区、泉州台商投资区管委会)",
    "本实施方案自2024年5月20日起正式施行,有效期至2026年12月31日。",
    "嘉兴市人民政府",
    "2024年4月18日",
    "一、总体要求",
    "安徽省政府采购网（http://www.ccgp-anhui.gov.cn/）是省财政厅指定的政府采购信息发布媒体。",
    "100 200 300 400",  # a table row of figures is not a phone number
    "广安区18001080720前锋区1300760540",
    "联系电话：0595-22500000",  # the document's own contact line
    "持续完善“12345 政务服务热线”建设和管理，建立健全企业诉求快速响应机制，为市",  # policy text, PDF-wrapped
    "生成综合许可凭证证面二维码。",
    "厅市场处联系人：邵思茗，0571-81050843；“建筑市场监管系统”技术支持：",
    "主办单位：市商务局",
]


@pytest.mark.parametrize("line", NOISE_LINES)
def test_noise_lines_are_recognised(line):
    assert noise_kind(line)


@pytest.mark.parametrize("line", POLICY_LINES)
def test_policy_lines_are_kept(line):
    assert not noise_kind(line)
    assert line in clean_text(line).text


def test_bare_phone_number_dropped_only_next_to_page_noise():
    assert clean_text("全国咨询热线\n15915898572\n正文第一句。").text == "正文第一句。"
    assert clean_text("联系人：张宇\n\n15836536054\n\n正文第一句。").text == "联系人：张宇\n\n15836536054\n\n正文第一句。"


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def test_cleaning_only_drops_and_rejoins_never_rewrites(corpus_dir):
    """Without whitespace, the cleaned text is the raw text with pieces left out:
    no character inside the policy text is changed, added or reordered."""
    for path in sorted(corpus_dir.glob("*.txt")):
        raw = path.read_text("utf-8")
        cleaned = clean_text(raw).text
        assert _is_subsequence(_squash(cleaned), _squash(raw)), path.name
        assert len(_squash(cleaned)) > 0.85 * len(_squash(raw)), path.name


def test_corpus_noise_removed(corpus_dir):
    weifang = clean_text((corpus_dir / "weifang-five-optimizations-manufacturing.txt").read_text("utf-8"))
    assert "15915898572" not in weifang.text and "ICP" not in weifang.text and "扫一扫" not in weifang.text
    assert weifang.text.rstrip().endswith("本意见自印发之日起实施,有效期至2025年12月31日。")
    kinds = {k for k, _ in weifang.removed}
    assert {"ad", "phone-bare", "copyright", "scan", "breadcrumb"} <= kinds
    jiaxing = clean_text((corpus_dir / "jiaxing-2024-two-industries-integration.txt").read_text("utf-8")).text
    for junk in ("政策解读", "【打印本页】", "嘉政发〔2024〕14号.doc", "作者:", "浏览次数", "索引号"):
        assert junk not in jiaxing
    assert "按照“就高不重复”原则实施" in jiaxing


def test_truncation_flag_and_notice_removed(corpus_dir):
    res = clean_text((corpus_dir / "quanzhou-2016-innovation-driven.txt").read_text("utf-8"))
    assert res.incomplete
    assert "因篇幅" not in res.text and "点此查看" not in res.text
    assert res.text.endswith("责任单位:市创新发展联席会议成员单位。")
    assert not clean_text((corpus_dir / "jiaxing-2024-two-industries-integration.txt").read_text("utf-8")).incomplete
    assert clean_text("正文第一段。\n（由于篇幅太长，省略部分内容…）\n").incomplete


def test_hard_wrapped_lines_are_joined_but_never_into_a_heading(corpus_dir):
    text = clean_text((corpus_dir / "quanzhou-2016-innovation-driven.txt").read_text("utf-8")).text
    assert "突出人才强市战略,经济总量保持全省首位" in text  # was "…经济\n总量…"
    assert "泉州市人民政府办公室关于印发泉州市实施创新驱动发展战略工作方案的通知" in text
    assert "\n泉政办〔2016〕87号\n" in text  # a 文号 line is not glued to its neighbours
    # inline headings after a sentence get their own line; headings are never glued to the line before
    assert "制定本方案。\n一、工作目标\n" in text
    assert "\n二、工作重点\n(一)产业创新\n" in text
    assert not re.search(r"[。；] +(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|责任单位)", text)


@pytest.mark.parametrize(("prev", "line", "join"), [
    ("把创新驱动战略融入制度创新,经济", "总量保持全省首位。", True),
    ("应按照必要和精", "简的原则，", True),
    ("规上工业全员劳动生产率25万元/人/年,", "(二)技术创新", False),
    ("制定本方案。 一、工作目标", "把创新驱动摆在发展全局的核心位置", False),
    ("1．优化现有的企业开办、注销、全程电子化等系统，实现一个端口统一对外，形成企", "业准入、变更、注销等多场景应用。", True),
    ("发展战略工作方案的通知", "泉州市人民政府办公室关于印发…的通知", False),
    ("泉政办〔2016〕87号", "各县(市、区)人民政府:", False),
    ("嘉兴市人民政府", "2024年4月18日", False),
    ("各单位:", "现印发给你们。", False),
    ("(责任单位:市科技局)", "2.完善机制。", False),
    ("（一）", "强化责任落实。", True),  # a bare marker: its title is on the next line
])
def test_should_join(prev, line, join):
    assert should_join(prev, line) is join


def test_whitespace_normalised_and_bom_dropped():
    res = clean_text("\ufeff　　一、总则\r\n\r\n\r\n　　对企业给予　奖励。  \r\n")
    assert res.text == "一、总则\n\n对企业给予 奖励。"


def test_scraped_page_tail_removed_inline():
    raw = "本政策自2022年6月1日施行，有效期为2年。相关附件：解读.mp3(/gasrmzfw/c104243/17333/4yrPtnlQ.mp3)二维码开始扫一扫在手机打开当前页用来校验该浏览器是否支持HTML5"
    assert clean_text(raw).text == "本政策自2022年6月1日施行，有效期为2年。"


def test_page_break_in_mid_sentence_is_joined_but_paragraphs_stay():
    raw = ("采购人和采购代理机构在编制政府采购文件时，应按照必要和精\n\n简的原则设置资格条件。\n\n"
           "二、其他\n\n嘉兴市人民政府\n\n2024年4月18日\n\n附件\n\n重点任务清单")
    text = clean_text(raw).text
    assert "应按照必要和精简的原则设置资格条件。" in text
    assert text.endswith("\n\n二、其他\n\n嘉兴市人民政府\n\n2024年4月18日\n\n附件\n\n重点任务清单")


try:
    from hypothesis import given, settings, strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    given = None

if given is not None:
    _PIECES = ["一、总体要求", "(一)", "1.", "对企业给予50万元奖励", "。", "，", "：", "\n", "\n\n", " ", "\u3000", "\r\n",
               "首页 > 政务公开", "【打印本页】", "15915898572", "因篇幅问题不能全部显示", "嘉政发〔2024〕14号",
               "嘉政发〔2024〕14号.doc", "(责任单位:市经信委)", "——", "经济", "总量", "Copyright ©", "abc", "\ufeff"]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=50))
    def test_any_text_is_only_cut_never_rewritten(pieces):
        raw = "".join(pieces)
        res = clean_text(raw)
        assert _is_subsequence(_squash(res.text), _squash(raw.replace("\ufeff", "")))
        assert res.text == res.text.strip() and "\n\n\n" not in res.text and "\r" not in res.text
