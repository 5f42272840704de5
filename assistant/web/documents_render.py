"""HTML of the 文件库 tab's own parts (everything escaped): the documents as cards (phones),
an upload's parse preview, a publish's progress bar, the change log.

    document_cards(docs) -> str       one card a document (title, validity, 文号, issuer, region, dates)
    preview_html(preview) -> str      metadata, validity, warnings, the clause tree
    progress_html(job) -> str         a bar, the phase and the percent
    changes_html(entries) -> str      who changed what, when
    interrupted_html(jobs) -> str     changes a server stop cut short, and how to finish them
    LIBRARY_CSS                       the cards on phones, the table on wider screens
"""
from __future__ import annotations

import datetime as dt

from assistant.web.render import badge, esc, notice

# Under 640 px the 9-column table gives way to cards; the cards stay hidden on wider screens.
LIBRARY_CSS = """<style>
#pa-doc-cards {display:none;}
.pa-dcard {border:1px solid #d1d5db; border-radius:10px; padding:10px 12px; margin:8px 0; background:#fff;}
.pa-dcard h4 {margin:0 0 6px 0; font-size:15px; line-height:1.5;}
.pa-dcard dl {display:grid; grid-template-columns:auto 1fr; gap:2px 10px; margin:6px 0 0 0; font-size:13px;}
.pa-dcard dt {color:#6b7280;} .pa-dcard dd {margin:0; color:#111827; overflow-wrap:anywhere;}
.pa-progress {height:14px; border-radius:7px; background:#e5e7eb; overflow:hidden; margin:6px 0;}
.pa-progress > div {height:100%; background:#2563eb; transition:width .3s;}
.pa-progress-label {font-size:13px; color:#374151;}
.pa-preview-meta {display:grid; grid-template-columns:auto 1fr; gap:2px 12px; font-size:14px; margin:6px 0;}
.pa-preview-meta dt {color:#6b7280;} .pa-preview-meta dd {margin:0;}
.pa-log {font-size:13px; border-collapse:collapse; width:100%;}
.pa-log td, .pa-log th {border-bottom:1px solid #e5e7eb; padding:3px 6px; text-align:left;}
@media (max-width: 640px) {
  #pa-docs {display:none !important;}
  #pa-doc-cards {display:block;}
}
</style>"""

_ACTIONS = {"upload": "上传预览", "publish": "发布", "remove": "删除", "publish_failed": "发布失败",
            "remove_failed": "删除失败", "publish_interrupted": "发布中断（服务重启）",
            "remove_interrupted": "删除中断（服务重启）", "uploads_expired": "清除过期上传"}


def _dates(d: dict) -> str:
    dates = "；".join(f"{k} {v}" for k, v in (d.get("dates") or {}).items())
    if d.get("valid_until"):
        dates = (dates + "；" if dates else "") + f"有效期至 {d['valid_until']}"
    return dates or "未注明"


def document_cards(docs: list[dict]) -> str:
    if not docs:
        return '<div class="pa-empty">尚未收录任何文件。</div>'
    cards = []
    for d in docs:
        rows = [("文号", d.get("doc_number") or "未注明"), ("发布机构", d.get("issuer") or "未注明"),
                ("地区", d.get("region") or "未注明"), ("日期", _dates(d)), ("条款数", d.get("clause_count"))]
        if d.get("warnings"):
            rows.append(("提示", "；".join(d["warnings"])))
        dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
        cards.append(f'<div class="pa-dcard" data-doc-id="{esc(d["doc_id"])}"><h4>{esc(d["title"])}</h4>'
                     f'{badge(d.get("validity", ""))}<dl>{dl}</dl></div>')
    return ('<div class="pa-count">共 ' + str(len(docs)) + ' 份文件；在上方“打开文件”中选择可查看条款。</div>'
            + "".join(cards))


def preview_html(p: dict) -> str:
    """The parse result of an upload, as ingest will index it."""
    warns = "".join(notice(w, "warn") for w in p.get("warnings") or [])
    if "title" not in p:
        return (f'<div class="pa-preview"><h3>{esc(p.get("filename", ""))}</h3>{warns}'
                + notice("该文件无法解析，不能发布。", "error") + "</div>")
    meta = [("标题", p["title"]), ("文号", p.get("doc_number") or "未注明"), ("发布机构", p.get("issuer") or "未注明"),
            ("地区", p.get("region") or "未注明"), ("日期", _dates(p)),
            ("有效性", f'{p.get("validity", "")}（按 {p.get("as_of", "")} 判断）'),
            ("条款数", p.get("clause_count", 0)), ("文件编号", p.get("doc_id", ""))]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in meta)
    groups: dict[str, list[dict]] = {}
    for c in p.get("clauses") or []:
        groups.setdefault(c["path"][0] if c["path"] else "", []).append(c)
    tree = []
    for head, items in groups.items():
        leaves = "".join(f'<div class="pa-leaf"><span class="pa-cid">{esc(c["display_path"])}</span> '
                         f'<span class="pa-clause-text">{esc(c["text"])}{"…" if c["chars"] > len(c["text"]) else ""}'
                         f'</span></div>' for c in items)
        tree.append(f'<details class="pa-node" open><summary>{esc(head)}（{len(items)}）</summary>{leaves}</details>')
    keep = p.get("keep_note", "")
    verdict = (notice(f"解析结果如上，确认无误后点击“发布”。{keep}", "info") if p.get("publishable")
               else notice("该文件不能发布（见上方提示）。", "error"))
    return (f'<div class="pa-preview"><div class="pa-doc-head"><h3>{esc(p["title"])}</h3>'
            f'{badge(p.get("validity", ""))}</div><dl class="pa-preview-meta">{dl}</dl>{warns}'
            f'<div class="pa-cards-title">条款结构</div>{"".join(tree)}{verdict}</div>')


def progress_html(job: dict) -> str:
    pct = int(job.get("percent", 0))
    what = "发布" if job.get("action") == "publish" else "删除"
    detail = f'（{job["done"]}/{job["total"]}）' if job.get("total") and job.get("state") == "running" else ""
    label = job.get("message_zh") or f'{what}中：{job.get("phase", "")}{detail}'
    kind = {"done": "info", "failed": "error", "interrupted": "error"}.get(job.get("state", ""), "")
    bar = (f'<div class="pa-progress" role="progressbar" aria-valuenow="{pct}" aria-valuemin="0" '
           f'aria-valuemax="100"><div style="width:{pct}%"></div></div>')
    text = notice(label, kind) if kind else f'<div class="pa-progress-label">{esc(label)} {pct}%</div>'
    return f'<div class="pa-job" data-state="{esc(job.get("state", ""))}">{bar}{text}</div>'


def _uploads(e: dict) -> str:
    ids = e.get("upload_ids") or []
    return f"{len(ids)} 个未发布的上传（超过 {e.get('keep_hours', '')} 小时）" if ids else ""


def interrupted_html(jobs: list[dict]) -> str:
    """'' when nothing is pending; otherwise one line a cut-short change and what to do next."""
    if not jobs:
        return ""
    lines = []
    for j in jobs:
        when = dt.datetime.fromtimestamp(j.get("ended") or 0, dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
        name = j.get("filename") or j.get("doc_id") or "文件"
        who = f"，操作人 {j['user']}" if j.get("user") else ""
        if j.get("action") == "publish":
            todo = "上传的文件已保留，点击下方“重新发布”即可完成" if j.get("retry") else "请重新上传该文件并发布"
            lines.append(f"发布“{name}”未完成（服务于 {when} UTC 前后停止或重启{who}）：{todo}。")
        else:
            lines.append(f"删除“{name}”未完成（服务于 {when} UTC 前后停止或重启{who}）：请重新删除。")
    body = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return (f'<div class="pa-error" role="alert" id="pa-doc-interrupted-list"><b>有 {len(jobs)} 项文件变更因服务重启而中断</b>'
            f'，当前知识库仍是上一次完整的版本（不含这些变更）。<ul>{body}</ul></div>')


def changes_html(entries: list[dict]) -> str:
    if not entries:
        return '<div class="pa-empty">暂无变更记录。</div>'
    rows = "".join(
        f'<tr><td>{esc(e.get("time", ""))}</td><td>{esc(e.get("user") or "—")}</td>'
        f'<td>{esc(_ACTIONS.get(e.get("action", ""), e.get("action", "")))}</td>'
        f'<td>{esc(e.get("title") or e.get("doc_id") or _uploads(e))}</td></tr>' for e in entries)
    return ('<table class="pa-log"><thead><tr><th>时间（UTC）</th><th>操作人</th><th>操作</th><th>文件</th>'
            f'</tr></thead><tbody>{rows}</tbody></table>')
