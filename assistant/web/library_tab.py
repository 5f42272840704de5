"""The 文件库 tab: the indexed documents as a table, one document's clause tree on demand."""
from __future__ import annotations

import gradio as gr

from index.errors import PolicyAssistantError
from assistant.web.render import DOCUMENT_HEADERS, document_detail, document_rows, notice
from assistant.web.service import Service
from assistant.web.tools import Refresh


def _error_html(exc: PolicyAssistantError) -> str:
    return notice(exc.zh, "error")


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
