"""The calculator as a LangChain tool for the LLM mode.

    make_calculate_tool(kb, as_of=None) -> StructuredTool named ``calculate_subsidy``

The tool wraps ``calculator.calculate_clause``: the model passes a clause id and the
applicant's figures as strings; it gets back the calculator's own amounts, steps,
checks and missing facts (never an amount of its own making), and for each missing fact
the form's field (unit and an example from the rule's wording, ``calculator.form``) so the
model asks in the right unit. Bad input comes back as ``{"error": ...}`` so the model can
ask the user instead of failing the turn.
"""
from __future__ import annotations

from assistant.calculator.form import form_fields
from assistant.calculator.select import calculate_clause
from assistant.rules.catalog import rules_for
from index.errors import InputError

TOOL_NAME = "calculate_subsidy"
DESCRIPTION = (
    "精确计算某一政策条款可获得的补助/奖励金额（确定性计算，金额以此为准）。"
    "参数 clause_id：检索到的条款编号，例如 quanzhou-2015-service-manufacturing/2.4；"
    "facts：申请人的数据，名称→带单位的文字，例如 {\"投资额\": \"800万元\", \"级别\": \"国家级\", "
    "\"台套数\": \"20台\", \"采购发票总价\": \"2500万元\", \"增速\": \"18%\", \"学历\": \"博士\"}。"
    "返回每条规则的金额（amount_wan）、计算步骤、条件核对和仍缺少的数据（missing_facts）；"
    "ask 列出缺少的每项数据的单位和示例，按它向用户提问。"
)


def make_calculate_tool(kb, as_of=None):
    """A LangChain tool bound to this knowledge base and as-of date."""
    from langchain_core.tools import StructuredTool

    def calculate_subsidy(clause_id: str, facts: dict[str, str]) -> dict:
        try:
            calcs = calculate_clause(kb, clause_id, {str(k): str(v) for k, v in (facts or {}).items()}, as_of)
        except InputError as exc:
            return {"clause_id": clause_id, "error": exc.zh, "detail": str(exc)}
        out = {"clause_id": clause_id, "calculations": [c.to_dict() for c in calcs]}
        missing = {m for c in calcs for m in c.missing_facts}
        if missing:
            fields = form_fields(rules_for(kb).get(clause_id.strip(), []))
            out["ask"] = [{"fact": f.name, "hint": f.hint} for f in fields
                          if missing & {f.name, *f.also}]
        return out

    return StructuredTool.from_function(func=calculate_subsidy, name=TOOL_NAME, description=DESCRIPTION)


# The name the LLM module looks for.
make_calc_tool = make_calculate_tool
