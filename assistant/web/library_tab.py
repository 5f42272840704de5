"""The 文件库 tab: the indexed documents (a table on wide screens, cards on phones), one
document's clause tree on demand, and — on a server started with --auth — documents managed
here: upload → parse preview → publish with a progress bar → remove, with the change log."""
from __future__ import annotations

import time
from pathlib import Path

import gradio as gr

from index.errors import PolicyAssistantError
from assistant.web.documents_render import (LIBRARY_CSS, changes_html, document_cards, interrupted_html, preview_html,
                                            progress_html)
from assistant.web.render import DOCUMENT_HEADERS, document_detail, document_rows, notice
from assistant.web.service import Service
from assistant.web.tools import Refresh

UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".docx", ".pdf"]
POLL_SECONDS = 0.5


def _error_html(exc: PolicyAssistantError) -> str:
    return notice(exc.zh, "error")


def _user(request: gr.Request | None) -> str:
    return (getattr(request, "username", None) or "") if request is not None else ""


def library_tab(service: Service, changed: gr.State | None = None) -> Refresh:
    """``changed`` is set to the job id when a publish or removal ends (``page_sync`` listens)."""
    gr.HTML(LIBRARY_CSS, padding=False)
    gr.Markdown("已收录的政策文件。点击表格中的一行（或在“打开文件”中选择）查看该文件的条款结构；手机上文件以卡片列出。有效性按页首所示日期判断。")
    table = gr.Dataframe(headers=DOCUMENT_HEADERS, interactive=False, wrap=True, elem_id="pa-docs",
                         column_widths=["26%", "11%", "12%", "8%", "15%", "6%", "5%", "10%", "7%"])
    pick = gr.Dropdown([], label="打开文件", elem_id="pa-doc-pick")
    detail = gr.HTML(elem_id="pa-doc-detail")
    cards = gr.HTML(elem_id="pa-doc-cards")
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

    def listing():
        try:
            docs = service.documents()
        except PolicyAssistantError as exc:
            return [], gr.update(choices=[]), [], _error_html(exc), ""
        import pandas as pd

        rows = document_rows(docs)
        return (pd.DataFrame(rows, columns=DOCUMENT_HEADERS),
                gr.update(choices=[(d["title"], d["doc_id"]) for d in docs], value=None),
                rows, "", document_cards(docs))

    outputs = [table, pick, rows_state, detail, cards]
    library = getattr(service, "document_library", None)
    if library is None or not library.enabled:
        gr.HTML(notice("上传、发布和删除文件需要登录：请用 --auth（或环境变量 POLICY_WEB_AUTH）启动服务。", "info"),
                elem_id="pa-doc-manage-off")
        return Refresh(listing, outputs)
    log, pending, retry = _manage(service, library, listing, outputs, pick,
                                  changed if changed is not None else gr.State(""))

    def refresh():
        return (*listing(), changes_html(library.changes(20)), *_pending(library))

    return Refresh(refresh, [*outputs, log, pending, retry])


def _pending(library) -> tuple:
    """The notice of changes a server stop cut short, and whether 重新发布 has a kept upload to publish."""
    jobs = library.interrupted()
    return interrupted_html(jobs), gr.update(visible=any(j["retry"] for j in jobs))


def _manage(service: Service, library, listing, outputs, pick, changed):
    """The upload / publish / remove controls; returns the change log, the notice of changes a
    server stop cut short, and the button that publishes such a kept upload again."""
    with gr.Accordion("管理文件：上传、预览、发布、删除", open=True, elem_id="pa-doc-manage"):
        pending = gr.HTML(elem_id="pa-doc-interrupted")
        retry = gr.Button("重新发布", visible=False, elem_id="pa-doc-retry")
        gr.Markdown("上传后先查看解析结果（标题、文号、发布机构、地区、有效期、条款结构和提示），确认无误再发布。"
                    "发布时系统照常回答问题，完成后新文件即可检索和引用。")
        upload = gr.File(label="上传文件（txt、md、html、docx、pdf）", file_types=UPLOAD_TYPES, type="filepath",
                         elem_id="pa-doc-upload")
        preview = gr.HTML(elem_id="pa-doc-preview")
        upload_id = gr.State("")
        with gr.Row():
            publish = gr.Button("发布", variant="primary", interactive=False, elem_id="pa-doc-publish")
            remove = gr.Button("删除“打开文件”中所选的文件", variant="stop", elem_id="pa-doc-remove")
        origin = gr.HTML(elem_id="pa-doc-origin")
        progress = gr.HTML(elem_id="pa-doc-progress")
        gr.Markdown("**变更记录**（最近 20 条）")
        log = gr.HTML(elem_id="pa-doc-log")

    def on_upload(path, request: gr.Request):
        if not path:
            return "", "", gr.update(interactive=False), ""
        try:
            p = library.preview(Path(path).name, Path(path).read_bytes(), _user(request))
        except (PolicyAssistantError, OSError) as exc:
            return notice(getattr(exc, "zh", f"无法读取上传的文件：{exc}"), "error"), "", gr.update(interactive=False), ""
        return preview_html(p), p["upload_id"] if p["publishable"] else "", gr.update(interactive=p["publishable"]), ""

    def follow(job):
        """Yield the progress bar until the job ends, then the refreshed lists and log."""
        keep = [gr.update()] * len(outputs)
        while job.state not in ("done", "failed"):
            yield progress_html(job.to_dict()), gr.update(interactive=False), *keep, gr.update(), gr.update()
            time.sleep(POLL_SECONDS)
        yield (progress_html(job.to_dict()), gr.update(interactive=False), *listing(),
               changes_html(library.changes(20)), f"{job.job_id}:{job.state}")

    def only(message):
        """``message`` in the progress area, every other output left as it is."""
        return message, gr.update(), *[gr.update()] * len(outputs), gr.update(), gr.update()

    def run(begin):
        """Start a job with ``begin()`` (publish or remove) and follow it; a refusal changes nothing."""
        try:
            job = begin()
        except PolicyAssistantError as exc:
            yield only(_error_html(exc))
            return
        yield from follow(job)

    def on_publish(uid, request: gr.Request):
        yield from run(lambda: library.publish(uid, _user(request)))

    def on_remove(doc_id, request: gr.Request):
        if not doc_id:
            yield only(notice("请先在“打开文件”中选择要删除的文件。", "error"))
            return
        yield from run(lambda: library.remove(doc_id, _user(request)))

    def on_retry(request: gr.Request):
        kept = [j for j in library.interrupted() if j["retry"]]
        if not kept:
            yield only(notice("没有可重新发布的中断任务。", "info"))
            return
        yield from run(lambda: library.publish(kept[0]["upload_id"], _user(request)))

    def on_pick(doc_id):
        if not doc_id:
            return "", gr.update(interactive=True)
        kind, where, why = library.origin(doc_id)
        if kind == "corpus":
            return notice(why, "info"), gr.update(interactive=False)
        note = f"这是在网页上发布的文件（{where}），可以删除。" if kind == "managed" else ""
        return (notice(note, "info") if note else ""), gr.update(interactive=kind == "managed")

    pick.change(on_pick, inputs=[pick], outputs=[origin, remove])
    upload.upload(on_upload, inputs=[upload], outputs=[preview, upload_id, publish, progress])
    upload.clear(lambda: ("", "", gr.update(interactive=False), ""), outputs=[preview, upload_id, publish, progress])
    io = [progress, publish, *outputs, log, changed]
    publish.click(on_publish, inputs=[upload_id], outputs=io)
    retry.click(on_retry, outputs=io).then(lambda: _pending(library), outputs=[pending, retry])
    remove.click(on_remove, inputs=[pick], outputs=io,
                 js="(d) => (d && confirm('确定删除该文件？删除后将不能检索和引用。')) ? d : null")
    return log, pending, retry
