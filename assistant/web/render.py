"""HTML for the web UI: records → escaped HTML strings (no Gradio here, so it is testable).

Every piece of text that came from a user, a document or a model goes through ``esc``;
the only markup is ours. Chat messages are emitted as one HTML block with no blank
lines, so the chat's Markdown renderer leaves them alone (no Markdown links or
emphasis can be smuggled in through a question or a document).
"""
from __future__ import annotations

import html
import re
from typing import Any, Iterable

from index.records import EXPIRED, NOT_STATED, NOT_YET, VALID
from assistant.records import Calculation, Citation, format_wan
# the line a user copies (and the report prints): 文号 and validity included
from assistant.match.report import citation_line as copy_line, validity_tag  # noqa: F401

_BADGE_CLASS = {VALID: "valid", EXPIRED: "expired", NOT_YET: "notyet", NOT_STATED: "unknown"}
_MODE_ZH = {"default": "内置答复", "llm": "大模型", "llm-fallback": "大模型不可用，已改用内置答复"}


_SURROGATE = re.compile("[\ud800-\udfff]")
# what one text box takes (the browser stops there): far over any question's limit, so a pasted
# wall of text still gets the clear "过长" message, and the request stays under the UI's body limit
UI_MAX_CHARS = 100_000


def shown(text: str) -> str:
    """Text safe to send to the browser: a lone surrogate (half a UTF-16 pair, which cannot be
    encoded and would end Gradio's event stream) becomes U+FFFD, so the user sees where it was."""
    return _SURROGATE.sub("\ufffd", text)


def esc(text: Any) -> str:
    return html.escape(shown("" if text is None else str(text)), quote=True)


def lines(text: Any) -> str:
    """Escaped text with line breaks kept as <br> (and no raw newline left)."""
    return "<br>".join(esc(part) for part in str(text or "").replace("\r", "").split("\n"))


def badge(validity: str) -> str:
    cls = _BADGE_CLASS.get(validity, "unknown")
    return f'<span class="pa-badge pa-{cls}">{esc(validity or NOT_STATED)}</span>'


def mode_label(mode: str) -> str:
    return _MODE_ZH.get(mode, mode)


def user_message(question: str) -> str:
    return f'<div class="pa-q">{lines(question)}</div>'


def highlighted(doc_text: str, lo: int, hi: int, start: int, end: int) -> str:
    """doc_text[lo:hi] with [start:end] wrapped in <mark>; every part escaped."""
    return highlighted_spans(doc_text, lo, hi, [(start, end)])


def highlighted_spans(doc_text: str, lo: int, hi: int, spans: Iterable[tuple[int, int]]) -> str:
    """doc_text[lo:hi] with every span wrapped in <mark> (overlapping or touching spans
    become one mark, so no mark is nested); every part escaped."""
    merged: list[list[int]] = []
    for start, end in sorted((max(lo, s), min(hi, e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], lo
    for start, end in merged:
        out.append(lines(doc_text[pos:start]) + '<mark class="pa-mark">' + lines(doc_text[start:end]) + "</mark>")
        pos = end
    out.append(lines(doc_text[pos:hi]))
    return "".join(out)


def by_clause(citations: Iterable[Citation]) -> list[tuple[int, list[Citation]]]:
    """Citations grouped per clause as (reference number, its citations), in order of
    first appearance: the same [n] as an answer's text and the CLI (assistant/citations.py)."""
    from assistant.answer.citations import reference_numbers

    citations = list(citations)
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.clause_id, []).append(c)
    return [(n, groups[cid]) for cid, n in reference_numbers(citations).items()]


def shown_quotes(citations: Iterable[Citation]) -> list[str]:
    """The distinct quotes of one clause; a quote inside another one (the reward part of
    its sentence) adds nothing to read, though it is still highlighted."""
    quotes = list(dict.fromkeys(" ".join(c.quote.split()) for c in citations))
    return [q for q in quotes if not any(q != other and q in other for other in quotes)]


def citation_card(c: Citation, doc=None, clause=None, opened: bool = False) -> str:
    """A card for a single citation (see ``clause_card``)."""
    return clause_card([c], doc, clause, opened=opened)


def clause_card(citations: list[Citation], doc=None, clause=None, opened: bool = False,
                number: int | None = None) -> str:
    """One <details> card per clause: badge and citation line once, every quote listed
    under it; open it for the whole clause with every quoted span highlighted and the
    document's metadata. ``citations`` all name the same clause."""
    c = citations[0]
    if doc is not None and clause is not None:
        lo = min([clause.start] + [x.start for x in citations])
        hi = max([clause.end] + [x.end for x in citations])
        body = highlighted_spans(doc.text, lo, hi, [(x.start, x.end) for x in citations])
    else:
        body = "<br>".join('<mark class="pa-mark">' + lines(x.quote) + "</mark>" for x in citations)
    meta = [("文件", f"《{c.title}》"), ("文号", c.doc_number or "无"), ("发布机构", c.issuer or "未注明"),
            ("条款", c.display_path)]
    if doc is not None and doc.region:
        meta.append(("地区", doc.region))
    if c.valid_until:
        meta.append(("有效期至", c.valid_until))
    if doc is not None and doc.dates:
        meta.append(("日期", "；".join(f"{k} {v}" for k, v in doc.dates.items())))
    meta_html = "".join(f"<span><b>{esc(k)}</b>{esc(v)}</span>" for k, v in meta)
    warn = '<div class="pa-warn">注意：原文不完整，部分内容缺失。</div>' if any(x.incomplete for x in citations) else ""
    num = f'<span class="pa-ref">[{esc(number)}]</span>' if number is not None else ""
    quotes = "".join(f'<li class="pa-quote">“{esc(q)}”</li>' for q in shown_quotes(citations))
    return (f'<details class="pa-card"{" open" if opened else ""}>'
            f'<summary>{num}{badge(c.validity)}<span class="pa-line">{esc(c.line)}</span>'
            f'<ul class="pa-quotes">{quotes}</ul></summary>'
            f'<div class="pa-meta">{meta_html}</div>{warn}'
            f'<div class="pa-clause-text">{body}</div></details>')


def citation_cards(citations: Iterable[Citation], kb) -> list[str]:
    """An answer's citations → one numbered card per clause."""
    return [clause_card(group, kb.documents.get(group[0].doc_id), kb.clauses.get(group[0].clause_id),
                        number=n)
            for n, group in by_clause(citations)]


def calculation_html(calc: Calculation, card: str = "", compact: bool = False) -> str:
    """The amount banner; ``compact`` (in chat, where the answer text already walks
    through the steps) leaves the steps and checks out."""
    if calc.amount_yuan is not None:
        amount = f'<div class="pa-amount">{esc(format_wan(calc.amount_yuan))}' \
                 f'<small>（{esc(calc.amount_yuan)} 元）</small></div>'
    else:
        amount = '<div class="pa-amount pa-none">暂无法算出金额</div>'
    parts = ['<div class="pa-calc">', amount]
    if calc.summary:
        parts.append(f'<div class="pa-summary">{esc(calc.summary)}</div>')
    if calc.eligible is False:
        parts.append('<div class="pa-warn">按所填情况，不符合该条款的条件。</div>')
    if calc.missing_facts:
        parts.append(f'<div class="pa-warn">还需要填写：{esc("、".join(calc.missing_facts))}</div>')
    if calc.steps and not compact:
        parts.append("<div><b>计算步骤</b><ol>" + "".join(f"<li>{esc(s)}</li>" for s in calc.steps)
                     + "</ol></div>")
    if calc.checks and not compact:
        parts.append("<div><b>条件核对</b><ul>" + "".join(f"<li>{esc(s)}</li>" for s in calc.checks)
                     + "</ul></div>")
    parts.append(card)
    parts.append("</div>")
    return "".join(parts)


def amount_card(amount: dict) -> str:
    """The one amount card of an answer: the sum and the calculator's formula; an expired
    document's amount is grey and marked 仅供参考."""
    cls = "pa-calc pa-ref-only" if amount.get("expired") else "pa-calc"
    tag = '<span class="pa-badge pa-expired">已失效 仅供参考</span>' if amount.get("expired") else ""
    steps = "".join(f"<li>{esc(x)}</li>" for x in amount.get("formula") or [])
    return (f'<div class="{cls}">{tag}<div class="pa-amount">{esc(amount.get("amount_wan"))}'
            f'<small>（{esc(amount.get("amount_yuan"))} 元）</small></div>'
            f'<details class="pa-formula"><summary>计算公式</summary><ol>{steps}</ol></details></div>')


def match_html(result: dict) -> str:
    """A 政策匹配 result (``MatchResult.to_dict()``) → cards grouped in force / expired."""
    out = []
    if result.get("note"):
        out.append(f'<div class="pa-info">{esc(result["note"])}</div>')
    if result.get("regions"):
        out.append(f'<div class="pa-count">适用地区：{esc("、".join(result["regions"]))}</div>')
    if result.get("ask"):
        out.append(f'<div class="pa-verdict pa-v-info">补充以下信息可以算出更多金额：{esc("、".join(result["ask"]))}</div>')
    mark = {"met": "✓", "not_met": "✗", "unknown": "？"}
    for title, items in (("可能适用的政策", result.get("matches") or []),
                         ("已失效文件中的条款（仅供参考）", result.get("expired") or [])):
        if not items:
            continue
        out.append(f'<h3 class="pa-group">{esc(title)}（{len(items)}）</h3>')
        for m in items:
            c = m["citation"]
            amount = (f'可获{m["amount_wan"]}' if m["status"] == "met" and m.get("amount_wan")
                      else "不符合条件" if m["status"] == "not_met" else "金额待确认")
            conds = "".join(f'<li class="pa-c-{esc(x["status"])}">{mark[x["status"]]} {esc(x["status_zh"])}：'
                            f'{esc(x["text"])}</li>' for x in m["conditions"])
            formula = "；".join(m.get("formula") or [])
            out.append(f'<div class="pa-hit pa-match pa-s-{esc(m["status"])}">'
                       f'<div class="pa-hit-head">{badge(m["validity"])}<b>{esc(amount)}</b></div>'
                       f'<div class="pa-line">{esc(c["line"])}</div>'
                       f'<div class="pa-clause-text">“{esc(" ".join(c["quote"].split()))}”</div>'
                       + (f'<div class="pa-summary">算法：{esc(formula)}</div>' if formula else "")
                       + (f'<ul class="pa-conds">{conds}</ul>' if conds else "") + "</div>")
    if not out:
        out.append('<div class="pa-empty">没有找到可能适用的条款。</div>')
    return "".join(out)


def search_results(hits: list[dict]) -> str:
    """Ranked clauses for hotline staff, each with one-click copy of line + text. The copied
    line carries the 文号 and the document's validity (an expired clause never copies as if in
    force); the sentence most like the query is highlighted; no internal ids or raw scores."""
    if not hits:
        return '<div class="pa-empty">无相关条款。请换个说法或放宽筛选条件。</div>'
    out = [f'<div class="pa-count">共 {len(hits)} 条结果</div>']
    for i, h in enumerate(hits, 1):
        c = h["citation"]
        validity = c.get("validity", "")
        line = copy_line(c) if c.get("title") else f'{h["line"]}{validity_tag(c)}'
        copy_all = f'{line}\n{h["text"]}'
        text = h["text"]
        span = h.get("highlight") or []
        body = highlighted_spans(text, 0, len(text), [tuple(span)]) if len(span) == 2 else lines(text)
        out.append(
            f'<div class="pa-hit" data-clause="{esc(h["clause_id"])}">'
            f'<div class="pa-hit-head"><span class="pa-rank">{i}.</span>{badge(validity)}</div>'
            f'<div class="pa-line">{esc(h["line"])}</div>'
            f'<div class="pa-clause-text">{body}</div>'
            f'<div class="pa-actions"><button type="button" class="pa-copy" data-copy="{esc(copy_all)}">复制引用和原文</button>'
            f'<button type="button" class="pa-copy" data-copy="{esc(line)}">仅复制引用</button></div>'
            "</div>")
    return "".join(out)


def document_rows(docs: list[dict]) -> list[list[str]]:
    rows = []
    for d in docs:
        dates = "；".join(f"{k} {v}" for k, v in (d.get("dates") or {}).items())
        if d.get("valid_until"):
            dates = (dates + "；" if dates else "") + f"有效期至 {d['valid_until']}"
        rows.append([d["title"], d.get("doc_number") or "—", d.get("issuer") or "—",
                     d.get("region") or "—", dates or "—", d["validity"], str(d["clause_count"]),
                     "；".join(d.get("warnings") or []) + ("；原文不完整" if d.get("incomplete") else "")
                     or "—", d["doc_id"]])
    return rows


DOCUMENT_HEADERS = ["标题", "文号", "发布机构", "地区", "日期", "有效性", "条款数", "提示", "编号"]


def _tree_items(items: list[dict], depth: int = 0) -> str:
    out = []
    for it in items:
        if "items" in it:  # a heading with clauses (and sub-headings) under it
            opened = " open" if depth == 0 else ""
            out.append(f'<details class="pa-node"{opened}><summary>{esc(it["heading"])}</summary>'
                       f'{_tree_items(it["items"], depth + 1)}</details>')
        else:
            out.append(f'<div class="pa-leaf"><span class="pa-cid">{esc(it["display_path"])}</span>'
                       f'<div class="pa-clause-text">{lines(it["text"])}</div></div>')
    return "".join(out)


def document_detail(d: dict) -> str:
    warn = "".join(f'<div class="pa-warn">{esc(w)}</div>' for w in d.get("warnings") or [])
    if d.get("incomplete"):
        warn += '<div class="pa-warn">原文不完整（来源注明“因篇幅问题不能全部显示”）。</div>'
    head = (f'<div class="pa-doc-head"><h3>{esc(d["title"])}</h3>{badge(d["validity"])}'
            f'<span>{esc(d.get("doc_number") or "无文号")}</span><span>{esc(d.get("issuer") or "")}</span>'
            f'<span>共 {esc(d["clause_count"])} 条</span></div>')
    return f'<div class="pa-doc">{head}{warn}{_tree_items(d["tree"])}</div>'


def notice(text: str, kind: str = "warn") -> str:
    return f'<div class="pa-{esc(kind)}">{esc(text)}</div>'
