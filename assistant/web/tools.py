"""The three tool tabs of the web UI: 条款检索, 补贴计算器, 文件库.

Each ``*_tab(service)`` lays out its components inside the current ``gr.Tab`` and
returns a ``Refresh(fn, outputs)`` that ``build_ui`` runs on page load (choices come
from the knowledge base, which may be built after the server started).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import gradio as gr

from index.errors import PolicyAssistantError
from assistant.web.render import (
    DOCUMENT_HEADERS,
    UI_MAX_CHARS,
    calculation_html,
    citation_card,
    document_detail,
    document_rows,
    esc,
    notice,
    search_results,
)
from assistant.web.service import Service

ALL_REGIONS = "全部地区"
ALL_ISSUERS = "全部发布机构"
MAX_FACTS = 6  # fact fields on the calculator form (rules here need at most a few)
_MODES = [("混合检索（推荐）", "hybrid"), ("语义检索", "dense"), ("关键词检索", "bm25")]


class Refresh(NamedTuple):
    fn: Callable
    outputs: list


def _error_html(exc: PolicyAssistantError) -> str:
    return notice(exc.zh, "error")


# -- 条款检索 ---------------------------------------------------------------
def search_tab(service: Service) -> Refresh:
    gr.Markdown("输入关键词或问题，按地区、发布机构和有效性筛选；每条结果可一键复制引用（文件名、文号、条款）和原文，便于电话答复时照读。")
    with gr.Row():
        query = gr.Textbox(label="检索内容", placeholder="如：工业机器人 补助、物流公共信息平台",
                           scale=4, elem_id="pa-search-q", max_length=UI_MAX_CHARS)
        go = gr.Button("检索", variant="primary", scale=1, elem_id="pa-search-go")
    with gr.Row():
        region = gr.Dropdown([ALL_REGIONS], value=ALL_REGIONS, label="地区", elem_id="pa-region")
        issuer = gr.Dropdown([ALL_ISSUERS], value=ALL_ISSUERS, label="发布机构", elem_id="pa-issuer")
        valid_only = gr.Checkbox(label="仅显示有效文件", value=False, elem_id="pa-valid-only")
        k = gr.Slider(1, 20, value=8, step=1, label="结果条数")
        mode = gr.Radio(_MODES, value="hybrid", label="检索方式")
    out = gr.HTML(elem_id="pa-search-results")

    def run(q, reg, iss, only_valid, n, m):
        try:
            hits = service.search(q, k=int(n), region=None if reg == ALL_REGIONS else reg,
                                  issuer=None if iss == ALL_ISSUERS else iss,
                                  valid_only=bool(only_valid), mode=m)
        except PolicyAssistantError as exc:
            return _error_html(exc)
        return search_results(hits)

    args = dict(inputs=[query, region, issuer, valid_only, k, mode], outputs=[out])
    go.click(run, **args)
    query.submit(run, **args)

    def refresh():
        try:
            regions, issuers = service.regions(), service.issuers()
        except PolicyAssistantError:
            regions, issuers = [], []
        return (gr.update(choices=[ALL_REGIONS, *regions], value=ALL_REGIONS),
                gr.update(choices=[ALL_ISSUERS, *issuers], value=ALL_ISSUERS))

    return Refresh(refresh, [region, issuer])


# -- 补贴计算器 -------------------------------------------------------------
def _fact_hint(name: str, rules: list) -> str:
    levels = [lv.name for r in rules for lv in r.levels]
    if levels and ("级" in name or "类" in name):
        return "可填：" + "、".join(dict.fromkeys(levels))
    if any(w in name for w in ("额", "费", "资", "金", "款", "收入")):
        return "如：300万元 或 3000000元"
    if any(w in name for w in ("率", "增速", "增长")):
        return "如：25%"
    return "填写数值（可带单位）或文字"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + "…"


def calculator_choices(service: Service) -> list[tuple[str, str]]:
    """(label, clause_id) for every clause that grants money, in document order."""
    out = []
    for cid, rules in service.rules().items():
        clause = service.kb.clauses.get(cid)
        doc = service.kb.documents.get(clause.doc_id) if clause else None
        if clause is None or doc is None:
            continue
        head = clause.path[-1] if clause.path else ""
        label = f"{doc.region or _clip(doc.title, 8)}｜{clause.display_path} {_clip(head, 24)}｜{_clip(rules[0].describe(), 40)}"
        out.append((label, cid))
    return out


def needed_facts(service: Service, clause_id: str) -> list[str]:
    """What the calculator asks for: it reports missing facts when given none."""
    names: list[str] = []
    for calc in service.calculate(clause_id, {}):
        names += calc.missing_facts
    for r in service.rules().get(clause_id, []):
        names += [t.fact for t in r.thresholds]
    return list(dict.fromkeys(n for n in names if n))[:MAX_FACTS]


def calculator_tab(service: Service) -> Refresh:
    gr.Markdown("选择一个有补助标准的条款，查看其规则，填写企业情况后计算金额。金额按条款原文精确计算（不做四舍五入估算）。")
    clause = gr.Dropdown([], label="选择条款（可输入关键词筛选）", filterable=True, elem_id="pa-calc-clause")
    rules_view = gr.HTML(elem_id="pa-calc-rules")
    names = gr.State([])
    with gr.Row():
        boxes = [gr.Textbox(visible=False, elem_id=f"pa-fact-{i}", max_length=UI_MAX_CHARS) for i in range(MAX_FACTS)]
    go = gr.Button("计算", variant="primary", elem_id="pa-calc-go")
    result = gr.HTML(elem_id="pa-calc-result")

    def pick(cid):
        hidden = [gr.update(visible=False, value="") for _ in boxes]
        if not cid:
            return ["", [], *hidden, ""]
        try:
            c = service.clause(cid)
            rules = service.rules().get(cid, [])
            facts = needed_facts(service, cid)
            cite = service.citation_for(c)
            card = citation_card(cite, service.kb.documents.get(c.doc_id), c, opened=True) if cite else ""
        except PolicyAssistantError as exc:
            return [_error_html(exc), [], *hidden, ""]
        rule_list = "".join(f"<li>{esc(r.describe())}</li>" for r in rules)
        view = f'<div class="pa-calc"><b>补助规则</b><ul>{rule_list}</ul></div>{card}'
        if not facts:
            view += notice("该条款无需填写情况即可计算，直接点击“计算”。", "info")
        updates = [gr.update(visible=i < len(facts), value="",
                             label=facts[i] if i < len(facts) else "",
                             placeholder=_fact_hint(facts[i], rules) if i < len(facts) else "")
                   for i in range(MAX_FACTS)]
        return [view, facts, *updates, ""]

    def run(cid, fact_names, *values):
        if not cid:
            return notice("请先选择一个条款。", "error")
        facts = {n: v for n, v in zip(fact_names, values) if (v or "").strip()}
        try:
            calcs = service.calculate(cid, facts)
        except PolicyAssistantError as exc:
            return _error_html(exc)
        if not calcs:
            return notice("该条款没有可计算的补助标准。", "warn")
        out = []
        for calc in calcs:
            card = ""
            if calc.citation is not None:
                kb = service.kb
                card = citation_card(calc.citation, kb.documents.get(calc.citation.doc_id),
                                     kb.clauses.get(calc.citation.clause_id))
            out.append(calculation_html(calc, card))
        return "".join(out)

    clause.change(pick, inputs=[clause], outputs=[rules_view, names, *boxes, result])
    go.click(run, inputs=[clause, names, *boxes], outputs=[result])

    def refresh():
        try:
            return gr.update(choices=calculator_choices(service), value=None)
        except PolicyAssistantError:
            return gr.update(choices=[], value=None)

    return Refresh(refresh, [clause])


# -- 文件库 -----------------------------------------------------------------
def library_tab(service: Service) -> Refresh:
    gr.Markdown("已收录的政策文件。点击表格中的一行（或在下拉框中选择）查看该文件的条款结构。有效性按页首所示日期判断。")
    table = gr.Dataframe(headers=DOCUMENT_HEADERS, interactive=False, wrap=True, elem_id="pa-docs",
                         column_widths=["26%", "11%", "12%", "8%", "15%", "6%", "5%", "10%", "7%"])
    pick = gr.Dropdown([], label="打开文件", elem_id="pa-doc-pick")
    detail = gr.HTML(elem_id="pa-doc-detail")
    rows_state = gr.State([])

    def show(doc_id):
        if not doc_id:
            return ""
        try:
            return document_detail(service.document(doc_id))
        except PolicyAssistantError as exc:
            return _error_html(exc)

    def on_select(rows, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not rows or row is None or row >= len(rows):
            return gr.update()
        return gr.update(value=rows[row][-1])

    pick.change(show, inputs=[pick], outputs=[detail])
    table.select(on_select, inputs=[rows_state], outputs=[pick])

    def refresh():
        try:
            docs = service.documents()
        except PolicyAssistantError as exc:
            return [], gr.update(choices=[]), [], _error_html(exc)
        import pandas as pd

        rows = document_rows(docs)
        return (pd.DataFrame(rows, columns=DOCUMENT_HEADERS), gr.update(choices=[(d["title"], d["doc_id"]) for d in docs], value=None),
                rows, "")

    return Refresh(refresh, [table, pick, rows_state, detail])
