"""The 补贴计算器 tab: pick a clause that grants money, fill in the facts its rules need,
get the calculator's exact amount (or what is still missing)."""
from __future__ import annotations

import gradio as gr

from index.errors import PolicyAssistantError
from assistant.web.render import calculation_html, citation_card, esc, notice
from assistant.web.service import Service
from assistant.web.tools import Refresh

MAX_FACTS = 6  # fact fields on the calculator form (rules here need at most a few)


def _error_html(exc: PolicyAssistantError) -> str:
    return notice(exc.zh, "error")


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
        boxes = [gr.Textbox(visible=False, elem_id=f"pa-fact-{i}") for i in range(MAX_FACTS)]
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
