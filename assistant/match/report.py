"""A match result as a Chinese report an owner can take to the 申报 office (Markdown).

    to_markdown(result) -> str;  groups(matches) -> [(topic title, matches)]
    profile_rows(profile) -> [(label, value)];  citation_line(citation dict) -> str
    keep_verified(kb, result) -> result   (every quote checked against its document again)

The report holds the enterprise's profile, the clauses grouped by topic (best first), each
with its citation line (文号 and validity included), quote, condition status, amount and
formula; clauses of expired documents come in their own section. ``report_html`` renders the
same parts as a printable page.
"""
from __future__ import annotations

from assistant.match.match import STATUS_ZH, Match, MatchResult
from index.records import EXPIRED, NOT_STATED

MARK = {"met": "✓", "not_met": "✗", "unknown": "？"}
NOTE = ("说明：金额由计算器按原文标准计算；“？”为尚需确认的条件，“✗”为按所填情况不满足的条件。"
        "同一事项能否叠加享受以文件规定为准（如“就高不重复”）。申报以主管部门最新通知为准。")


def validity_tag(citation: dict) -> str:
    """【有效，有效期至…】/【已失效，有效期至…，仅供参考】/【未注明有效期】."""
    validity = citation.get("validity") or NOT_STATED
    until = f"，有效期至{citation['valid_until']}" if citation.get("valid_until") else ""
    if validity == EXPIRED:
        return f"【已失效{until}，仅供参考】"
    if validity == NOT_STATED:
        return "【未注明有效期】"
    return f"【{validity}{until}】"


def citation_line(citation: dict) -> str:
    """《标题》（文号）发布机构 · 条款【有效性】: the line copied from the UI and printed in the
    report; a document without a 文号 says so, so the gap is not taken for a slip."""
    number = citation.get("doc_number") or "无文号"
    return (f"《{citation.get('title', '')}》（{number}）{citation.get('issuer') or ''} · "
            f"{citation.get('display_path', '')}{validity_tag(citation)}")


def amount_text(m: Match) -> str:
    if m.status == "met" and m.amount_yuan is not None:
        return f"预计可获 {m.to_dict()['amount_wan']}"
    if m.status == "not_met":
        return "按所填情况不符合条件"
    if m.potential_yuan is not None:
        return "金额待确认"
    # a rule with no sum paid out (a tax deduction, a loan ceiling) or a clause with no rule at all
    return "非直接发放资金的优惠，见测算" if m.conditions or m.formula else "政策支持（原文未规定金额）"


def groups(matches: list[Match]) -> list[tuple[str, list[Match]]]:
    """Matches grouped by region and topic (the clause's headings), groups in the order of
    their best match, matches in rank order inside."""
    out: dict[str, list[Match]] = {}
    for m in matches:
        out.setdefault(f"{m.region} · {m.topic}" if m.region else m.topic, []).append(m)
    return list(out.items())


def profile_rows(p) -> list[tuple[str, str]]:
    rows = [("所在地区", p.region), ("行业", p.industry), ("规模", p.size),
            ("年营业收入", f"{p.revenue_wan}万元" if p.revenue_wan is not None else ""),
            ("营业收入增速", f"{p.revenue_growth_pct}%" if p.revenue_growth_pct is not None else ""),
            ("投资额", f"{p.investment_wan}万元" if p.investment_wan is not None else ""),
            ("已获认定/资质", "；".join(p.levels_held)), ("做了或打算做的事", "；".join(p.activities)),
            ("问题", p.question)]
    return [(k, v) for k, v in rows if v]


def keep_verified(kb, result: MatchResult) -> MatchResult:
    """Drop a match whose quote is not the exact span of its document (the last check before
    a report is printed)."""
    from assistant.answer.citations import verify

    result.matches = [m for m in result.matches if verify(kb, m.citation)]
    result.expired = [m for m in result.expired if verify(kb, m.citation)]
    return result


def _item(n: int, m: Match) -> list[str]:
    c = m.citation.to_dict()
    out = [f"{n}. **{STATUS_ZH[m.status]} · {amount_text(m)}**", f"   - 依据：{citation_line(c)}",
           f"   - 原文：“{' '.join(m.citation.quote.split())}”"]
    if m.summary:
        out.append(f"   - 测算：{m.summary}")
    if m.formula:
        out.append(f"   - 算法：{'；'.join(m.formula)}")
    for cond in m.conditions:
        out.append(f"   - {MARK[cond.status]} {STATUS_ZH[cond.status]}：{cond.text}")
    return out


def _section(title: str, matches: list[Match]) -> list[str]:
    lines = ["", f"## {title}（{len(matches)}项）"]
    n = 0
    for topic, items in groups(matches):
        lines += ["", f"### {topic}", ""]
        for m in items:
            n += 1
            lines += _item(n, m)
    return lines


def to_markdown(result: MatchResult) -> str:
    lines = ["# 政策匹配报告", "", f"- 判断日期（按此日期判断文件是否有效）：{result.as_of}"]
    if result.regions:
        lines.append(f"- 适用地区（按文件所属地区）：{'、'.join(result.regions)}")
    rows = profile_rows(result.profile)
    if rows:
        lines += ["", "## 企业情况", ""] + [f"- {k}：{v}" for k, v in rows]
    if result.note:
        lines += ["", result.note]
    settled = [m for m in result.matches if m.status == "met" and m.amount_yuan]
    if result.matches:
        lines += ["", f"共 {len(result.matches)} 项可能适用，其中 {len(settled)} 项按所填情况可确定金额。"]
    if result.ask:
        lines += ["", f"**补充以下信息可确定更多金额：{'、'.join(result.ask)}**"]
    if result.matches:
        lines += _section("可能适用的政策（现行有效或未注明有效期），按主题", result.matches)
    if result.expired:
        lines += _section("已失效文件中的条款（仅供参考，请向主管部门确认有无接续政策）", result.expired)
    lines += ["", NOTE]
    return "\n".join(lines) + "\n"
