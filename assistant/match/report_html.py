"""A match result as a printable Chinese HTML page (``to_html``): the same parts as the
Markdown report (``report.py``), laid out for A4 with print CSS; the browser's 打印 →
“另存为 PDF” makes the PDF. One self-contained file: no script, font or style is fetched."""
from __future__ import annotations

import html

from assistant.match.match import STATUS_ZH, Match, MatchResult
from assistant.match.report import MARK, NOTE, amount_text, citation_line, groups, profile_rows

CSS = """
body {font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
      color:#111827; max-width: 860px; margin: 24px auto; padding: 0 16px; line-height: 1.6; font-size: 14px;}
h1 {font-size: 24px; margin: 0 0 4px 0;} h2 {font-size: 18px; border-bottom: 2px solid #1d4ed8; padding-bottom: 2px;
   margin-top: 24px;} h3 {font-size: 15px; color: #1e3a8a; margin: 16px 0 6px 0;}
.meta {color:#4b5563; font-size: 13px;}
table.profile {border-collapse: collapse; margin: 6px 0;} table.profile td {border: 1px solid #d1d5db; padding: 3px 8px;}
table.profile td:first-child {background:#f3f4f6; white-space: nowrap;}
.item {border: 1px solid #d1d5db; border-radius: 6px; padding: 8px 12px; margin: 8px 0; page-break-inside: avoid;
       break-inside: avoid;}
.head {font-weight: 700;} .met .head {color:#b91c1c;} .not_met {opacity: .8;} .not_met .head {color:#92400e;}
.line {font-weight: 600; margin: 4px 0;} .quote {color:#374151; font-size: 13px; margin: 4px 0;}
.badge {display:inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; color: #fff; margin-right: 6px;}
.b-有效 {background:#16a34a;} .b-已失效 {background:#dc2626;} .b-未注明 {background:#6b7280;} .b-未施行 {background:#d97706;}
ul.conds {margin: 4px 0; padding-left: 18px;} .c-met {color:#166534;} .c-not_met {color:#b91c1c;} .c-unknown {color:#92400e;}
.ask {background:#eff6ff; border-left: 4px solid #1d4ed8; padding: 6px 10px;}
.expired .item {background:#f9fafb;}
.note {color:#4b5563; font-size: 12px; margin-top: 24px;}
.print {position: fixed; top: 12px; right: 12px; padding: 6px 14px; font-size: 14px; cursor: pointer;
        border: 1px solid #1d4ed8; background: #1d4ed8; color: #fff; border-radius: 6px;}
@page {size: A4; margin: 16mm 14mm;}
@media print {
  .print {display: none;}
  body {margin: 0; max-width: none; font-size: 12px;}
  a {color: inherit; text-decoration: none;}
  h2 {page-break-after: avoid; break-after: avoid;} h3 {page-break-after: avoid; break-after: avoid;}
}
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _item(n: int, m: Match) -> str:
    c = m.citation.to_dict()
    conds = "".join(f'<li class="c-{_e(x.status)}">{MARK[x.status]} {_e(STATUS_ZH[x.status])}：{_e(x.text)}</li>'
                    for x in m.conditions)
    parts = [f'<div class="item {_e(m.status)}">',
             f'<div class="head">{n}. <span class="badge b-{_e(m.validity)}">{_e(m.validity)}</span>'
             f'{_e(STATUS_ZH[m.status])} · {_e(amount_text(m))}</div>',
             f'<div class="line">依据：{_e(citation_line(c))}</div>',
             f'<div class="quote">原文：“{_e(" ".join(m.citation.quote.split()))}”</div>']
    if m.summary:
        parts.append(f"<div>测算：{_e(m.summary)}</div>")
    if m.formula:
        parts.append(f"<div>算法：{_e('；'.join(m.formula))}</div>")
    if conds:
        parts.append(f'<ul class="conds">{conds}</ul>')
    parts.append("</div>")
    return "".join(parts)


def _section(title: str, matches: list[Match], cls: str = "") -> str:
    out = [f'<section class="{cls}"><h2>{_e(title)}（{len(matches)}项）</h2>']
    n = 0
    for topic, items in groups(matches):
        out.append(f"<h3>{_e(topic)}</h3>")
        for m in items:
            n += 1
            out.append(_item(n, m))
    out.append("</section>")
    return "".join(out)


def to_html(result: MatchResult) -> str:
    """The whole report as one HTML document (UTF-8), ready to open, print or save as PDF."""
    body = ['<button class="print" onclick="window.print()">打印 / 另存为PDF</button>',
            "<h1>政策匹配报告</h1>",
            f'<div class="meta">判断日期（按此日期判断文件是否有效）：{_e(result.as_of)}'
            + (f"　适用地区：{_e('、'.join(result.regions))}" if result.regions else "") + "</div>"]
    rows = profile_rows(result.profile)
    if rows:
        body.append("<h2>企业情况</h2><table class=\"profile\">"
                    + "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows) + "</table>")
    if result.note:
        body.append(f"<p>{_e(result.note)}</p>")
    settled = [m for m in result.matches if m.status == "met" and m.amount_yuan]
    if result.matches:
        body.append(f"<p>共 {len(result.matches)} 项可能适用，其中 {len(settled)} 项按所填情况可确定金额。</p>")
    if result.ask:
        body.append(f'<p class="ask">补充以下信息可确定更多金额：{_e("、".join(result.ask))}</p>')
    if result.matches:
        body.append(_section("可能适用的政策（现行有效或未注明有效期），按主题", result.matches))
    if result.expired:
        body.append(_section("已失效文件中的条款（仅供参考，请向主管部门确认有无接续政策）", result.expired, "expired"))
    body.append(f'<p class="note">{_e(NOTE)}</p>')
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>政策匹配报告 {_e(result.as_of)}</title><style>{CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")
