"""The match report (Markdown and printable HTML) from invented records: profile, topics,
verified-style citation lines with 文号 and validity, condition marks, expired apart, escaping."""
from __future__ import annotations

from decimal import Decimal

from assistant.match.match import Condition, Match, MatchResult
from assistant.match.profile import Profile
from assistant.match.report import citation_line, groups, to_markdown
from assistant.match.report_html import to_html
from assistant.records import Citation

EVIL = '<script>alert(1)</script>'


def _match(cid: str, topic: str, status: str, amount=None, validity="有效", number="某政〔2030〕1号", quote="给予补助"):
    c = Citation(doc_id=cid.split("/")[0], title="某市扶持办法", doc_number=number, issuer="某市人民政府",
                 clause_id=cid, display_path="二、（一）", path=("二、", "（一）"), quote=quote, start=0, end=4,
                 validity=validity, valid_until="2031-12-31" if validity == "有效" else "2020-12-31")
    return Match(clause_id=cid, doc_id=c.doc_id, region="某市", topic=topic, citation=c, validity=validity,
                 expired=validity == "已失效", status=status, amount_yuan=amount, summary="可获补助10万元" if amount else "",
                 formula=["100万元 × 10% = 10万元"] if amount else [],
                 conditions=[Condition("投资额100万元，达到50万元", "met"), Condition("是否首次认定", "unknown")],
                 potential_yuan=Decimal(100000))


def _result() -> MatchResult:
    return MatchResult(
        profile=Profile(region="某市", industry="机械", investment_wan=Decimal(100), activities=["投资100万元建设平台"]),
        as_of="2030-06-01", regions=["某市"], ask=["台套数"],
        matches=[_match("d/1", "二、产业 / （一）平台", "met", Decimal(100000)), _match("d/2", "三、人才", "unknown"),
                 _match("d/3", "二、产业 / （一）平台", "not_met", Decimal(0))],
        expired=[_match("e/1", "一、旧政策", "met", Decimal(50000), validity="已失效", number="")])


def test_groups_keep_rank_order_inside_and_by_best_member():
    r = _result()
    assert [(t, [m.clause_id for m in ms]) for t, ms in groups(r.matches)] == [
        ("某市 · 二、产业 / （一）平台", ["d/1", "d/3"]), ("某市 · 三、人才", ["d/2"])]


def test_markdown_report_has_profile_topics_lines_and_expired_apart():
    md = to_markdown(_result())
    assert md.startswith("# 政策匹配报告") and "- 投资额：100万元" in md and "- 所在地区：某市" in md
    assert md.index("### 某市 · 二、产业 / （一）平台") < md.index("### 某市 · 三、人才") < md.index("已失效文件中的条款")
    assert "依据：《某市扶持办法》（某政〔2030〕1号）某市人民政府 · 二、（一）【有效，有效期至2031-12-31】" in md
    expired = md[md.index("已失效文件中的条款"):]
    assert "（无文号）" in expired and "【已失效，有效期至2020-12-31，仅供参考】" in expired
    assert "✓ 符合：投资额100万元" in md and "？ 待确认：是否首次认定" in md and "符合 · 预计可获 10万元" in md
    assert "补充以下信息可确定更多金额：台套数" in md


def test_html_report_is_printable_self_contained_and_escaped():
    r = _result()
    r.profile.question = EVIL
    r.matches[0].citation.quote = EVIL
    page = to_html(r)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "@media print" in page and "@page" in page and "window.print()" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page  # nothing fetched
    assert citation_line(r.matches[0].citation.to_dict()).replace("（", "（") in page.replace("&quot;", '"')
    assert page.index("可能适用的政策") < page.index("已失效文件中的条款")
