"""A match result as a Chinese report an owner can take to the 申报 office (Markdown)."""
from __future__ import annotations

from assistant.match.match import STATUS_ZH, Match, MatchResult

_MARK = {"met": "✓", "not_met": "✗", "unknown": "？"}


def _item(n: int, m: Match) -> list[str]:
    c = m.citation
    amount = (f"预计可获 {m.to_dict()['amount_wan']}" if m.status == "met" and m.amount_yuan is not None
              else "不符合条件" if m.status == "not_met" else "金额待确认")
    out = [f"{n}. 【{amount}】{c.line}（{m.validity}）", f"   - 原文：“{' '.join(c.quote.split())}”"]
    if m.summary:
        out.append(f"   - 测算：{m.summary}")
    if m.formula:
        out.append(f"   - 算法：{'；'.join(m.formula)}")
    for cond in m.conditions:
        out.append(f"   - {_MARK[cond.status]} {STATUS_ZH[cond.status]}：{cond.text}")
    return out


def to_markdown(result: MatchResult) -> str:
    p = result.profile
    lines = ["# 政策匹配报告", "", f"- 判断日期：{result.as_of}"]
    who = "，".join(x for x in [p.region, p.size, p.industry] if x)
    if who:
        lines.append(f"- 企业：{who}")
    if result.regions:
        lines.append(f"- 适用地区（按文件所属地区）：{'、'.join(result.regions)}")
    if result.note:
        lines += ["", result.note]
    if result.ask:
        lines += ["", f"**补充以下信息可确定更多金额：{'、'.join(result.ask)}**"]
    if result.matches:
        lines += ["", "## 可能适用的政策（现行或未注明有效期）", ""]
        for i, m in enumerate(result.matches, 1):
            lines += _item(i, m)
    if result.expired:
        lines += ["", "## 已失效文件中的条款（仅供参考，请向主管部门确认有无接续政策）", ""]
        for i, m in enumerate(result.expired, 1):
            lines += _item(i, m)
    lines += ["", "说明：金额由计算器按原文标准计算；“？”为尚需确认的条件。申报以主管部门最新通知为准。"]
    return "\n".join(lines) + "\n"
