"""The 条款检索 tab of the web UI (补贴计算器 and 文件库 are in ``calc_tab`` and ``library_tab``).

Each ``*_tab(service)`` (here and in those modules) lays out its components inside the current ``gr.Tab`` and
returns a ``Refresh(fn, outputs)`` that ``build_ui`` runs on page load (choices come
from the knowledge base, which may be built after the server started).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import gradio as gr

from index.errors import PolicyAssistantError
from assistant.web.render import UI_MAX_CHARS, notice, search_results
from assistant.web.service import Service

ALL_REGIONS = "全部地区"
ALL_ISSUERS = "全部发布机构"
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

    def rerun(q, *rest):
        # a filter changed: search again at once, unless nothing has been typed yet
        return run(q, *rest) if (q or "").strip() else gr.update()

    for control in (region, issuer, valid_only, mode):
        control.change(rerun, **args)
    k.release(rerun, **args)  # a slider: once let go, not at every step

    def refresh():
        try:
            regions, issuers = service.regions(), service.issuers()
        except PolicyAssistantError:
            regions, issuers = [], []
        return (gr.update(choices=[ALL_REGIONS, *regions], value=ALL_REGIONS),
                gr.update(choices=[ALL_ISSUERS, *issuers], value=ALL_ISSUERS))

    return Refresh(refresh, [region, issuer])
