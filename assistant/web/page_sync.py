"""Keeps one open page in step with the live index: the header's document count and every tab's
document/region choices follow a publish or removal without a reload.

    index_version(service) -> str      the live build's name ('' when there is none)
    keep_in_step(page, service, header, header_fn, refreshes, tabs, changed)

The page remembers the build it last filled its choices from (a ``gr.State``). On page load, on
every tab switch, and when the 文件库 tab reports a finished change (``changed``), it compares
that with the live build: if it moved — this page's publish, another operator's, or an
``ingest`` run on the server — the header and every tab's ``Refresh`` run again; otherwise
nothing is touched, so a region or clause the user picked stays picked.
"""
from __future__ import annotations

import gradio as gr

from index.errors import PolicyAssistantError


def index_version(service) -> str:
    try:
        kb = service.kb
        kb.documents  # noqa: B018 - moves to a newer build if CURRENT names one
        return str(kb.version)
    except (PolicyAssistantError, AttributeError):
        return ""


def keep_in_step(page, service, header, header_fn, refreshes, tabs, changed) -> None:
    seen = gr.State("")
    outputs = [seen, header, *(o for r in refreshes for o in r.outputs)]
    skip = [gr.update()] * (len(outputs) - 1)

    def sync(last):
        now = index_version(service)
        if last and now == last:
            return (last, *skip)
        values = []
        for r in refreshes:
            got = r.fn()
            values.extend(got if len(r.outputs) > 1 else [got])
        return (now or "none", header_fn(), *values)

    page.load(sync, inputs=[seen], outputs=outputs)
    tabs.select(sync, inputs=[seen], outputs=outputs)
    changed.change(sync, inputs=[seen], outputs=outputs)
