"""The 补贴计算器 tab: pick a clause that grants money, fill in the facts its rules need,
get the calculator's exact amount (or what is still missing)."""
from __future__ import annotations

import gradio as gr

from index.errors import PolicyAssistantError
from assistant.calculator.form import FormField, form_fields
from assistant.web.render import UI_MAX_CHARS, calculation_html, citation_card, esc, notice
from assistant.web.service import Service
from assistant.web.tools import Refresh

MAX_FACTS = 8  # figure fields (a clause of the corpus and corpus-extra needs at most 7)
MAX_CHOICES = 2  # 级别 and 学历


def _error_html(exc: PolicyAssistantError) -> str:
    return notice(exc.zh, "error")


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


def form_for(service: Service, clause_id: str) -> list[FormField]:
    """The fields of the clause's form: every fact its rules read, each with its unit and an
    example from the rule's own wording (``calculator.form``)."""
    return form_fields(service.rules().get(clause_id, []))


def _label(f: FormField) -> str:
    unit = {"元": "万元或元", "美元": "万美元或美元", "%": "%"}.get(f.unit, f.unit)
    return f"{f.name}（{unit}）" if unit else f.name


def calculator_tab(service: Service) -> Refresh:
    gr.Markdown("选择一个有补助标准的条款，查看其规则，填写企业情况后计算金额。金额按条款原文精确计算（不做四舍五入估算）。"
                "每一栏的提示写明单位和按原文举的例子；留空的项目会在结果中说明还需要什么。")
    clause = gr.Dropdown([], label="选择条款（可输入关键词筛选）", filterable=True, elem_id="pa-calc-clause")
    rules_view = gr.HTML(elem_id="pa-calc-rules")
    names = gr.State([])
    with gr.Row():
        picks = [gr.Dropdown([], visible=False, allow_custom_value=True, elem_id=f"pa-choice-{i}")
                 for i in range(MAX_CHOICES)]
    with gr.Row():
        boxes = [gr.Textbox(visible=False, elem_id=f"pa-fact-{i}", max_length=UI_MAX_CHARS) for i in range(MAX_FACTS)]
    go = gr.Button("计算", variant="primary", elem_id="pa-calc-go")
    result = gr.HTML(elem_id="pa-calc-result")

    def pick(cid):
        hidden = [gr.update(visible=False, value=None) for _ in picks] + \
                 [gr.update(visible=False, value="") for _ in boxes]
        if not cid:
            return ["", [], *hidden, ""]
        try:
            c = service.clause(cid)
            rules = service.rules().get(cid, [])
            fields = form_for(service, cid)
            cite = service.citation_for(c)
            card = citation_card(cite, service.kb.documents.get(c.doc_id), c, opened=True) if cite else ""
        except PolicyAssistantError as exc:
            return [_error_html(exc), [], *hidden, ""]
        rule_list = "".join(f"<li>{esc(r.describe())}</li>" for r in rules)
        view = f'<div class="pa-calc"><b>补助规则</b><ul>{rule_list}</ul></div>{card}'
        choices = [f for f in fields if f.kind == "choice"][:MAX_CHOICES]
        figures = [f for f in fields if f.kind != "choice"][:MAX_FACTS]
        if not fields:
            view += notice("该条款无需填写情况即可计算，直接点击“计算”。", "info")
        updates = [gr.update(visible=i < len(choices), value=None,
                             label=choices[i].name if i < len(choices) else "",
                             choices=list(choices[i].choices) if i < len(choices) else [],
                             info=choices[i].hint if i < len(choices) else None)
                   for i in range(MAX_CHOICES)]
        updates += [gr.update(visible=i < len(figures), value="",
                              label=_label(figures[i]) if i < len(figures) else "",
                              placeholder=figures[i].hint if i < len(figures) else "",
                              info=figures[i].hint if i < len(figures) else None)
                    for i in range(MAX_FACTS)]
        order = [f.name for f in choices] + [""] * (MAX_CHOICES - len(choices)) + [f.name for f in figures]
        return [view, order, *updates, ""]

    def run(cid, fact_names, *values):
        if not cid:
            return notice("请先选择一个条款。", "error")
        facts = {n: v for n, v in zip(fact_names, values) if n and (v or "").strip()}
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
        missing = [m for calc in calcs for m in calc.missing_facts]
        if missing:
            out.insert(0, notice("请在上方填写：" + "、".join(dict.fromkeys(missing)) + "，再点击“计算”。", "info"))
        return "".join(out)

    clause.change(pick, inputs=[clause], outputs=[rules_view, names, *picks, *boxes, result])
    go.click(run, inputs=[clause, names, *picks, *boxes], outputs=[result])

    def refresh():
        try:
            return gr.update(choices=calculator_choices(service), value=None)
        except PolicyAssistantError:
            return gr.update(choices=[], value=None)

    return Refresh(refresh, [clause])
