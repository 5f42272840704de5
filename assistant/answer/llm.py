"""Optional LLM mode over any OpenAI-compatible endpoint (langchain-openai), verified.

    LLMAnswerer.from_settings(settings)        POLICY_LLM_BASE_URL / _MODEL / _API_KEY / _TIMEOUT
    .stream(kb, question, retrieved, as_of, calculations=(), facts=None)
        -> yields verified text lines, returns the Answer (mode "llm")
    .condense(turns, question) -> standalone question (history-aware rewriting)
    check_text(text, clauses, allowed_amounts) -> (clean text, warnings, cited ids)
    number_marks(text, numbers) -> text with [clause_id] shown as [n]

The model sees numbered clauses with their clause ids and must cite as [clause_id] and
quote in “…”. Each line it writes is checked before it is shown: a cited id that was
not retrieved, a quote not verbatim in the cited clause, or an amount the calculator
did not produce removes the sentence and adds a warning. Amounts come from the
``calculate_subsidy`` tool (assistant/calc_tool.py) when that tool is present. Any
endpoint error or timeout raises ``LLMError``; the Assistant then falls back to the
default answerer with a visible note. The user sees the clause marks as reference
numbers [1], [2] … (``citations.reference_numbers``: [n] is ``Answer.citations[n-1]``,
the n-th citation card); streamed lines number clauses as they first appear, the same
order the final citations take.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Iterator

from assistant.answer.compose import validity_line
from assistant.answer.citations import (
    in_reference_order,
    keep_verified,
    key_span,
    make_citation,
    reference_numbers,
)
from assistant.errors import LLMError, QuoteMismatchError
from assistant.records import Answer, Calculation, format_wan
from index.records import ScoredClause

SYSTEM = """你是企业政策咨询热线的答复助手。只能依据用户消息中列出的编号条款回答，不得使用条款以外的知识。
规则：
1. 每句事实陈述的句末用方括号标注所依据的条款编号，例如 [qz-2015/2.4]；只能使用列出的条款编号。
2. 引用原文时放在中文引号“”内，引号内文字必须逐字摘自所标注的条款，不得改写。
3. 不要自己计算或写出任何金额数字（原文引号内的除外）；需要测算金额时调用 calculate_subsidy 工具，只写工具返回的金额。
4. 如果条款已失效（见“有效性”），必须明确告知。
5. 条款不足以回答时，直接说明“已收录的政策文件未涉及”，不要编造。
6. 用简洁的中文，先给一句结论，再给依据和需满足的条件。"""

CONDENSE = """根据下面的对话历史，把用户最后的追问改写成一个不依赖上下文、完整独立的问题（保留地区、级别、金额等条件）。只输出改写后的问题本身。

对话历史：
{history}

追问：{question}"""

_ID = re.compile(r"\[([A-Za-z0-9_.\-]+/[A-Za-z0-9_.#\-]+)\]")
_QUOTE = re.compile(r"“([^”]{2,})”")
_AMOUNT = re.compile(r"\d[\d,，]*(?:\.\d+)?\s*(?:万元|亿元|万美元|元|万)")
_SENTENCE = re.compile(r"[^。！？!?\n]*[。！？!?]?")
MAX_TOOL_ROUNDS = 3


def _norm_amount(text: str) -> str:
    return re.sub(r"[\s,，]", "", text)


def allowed_amounts(calculations) -> set[str]:
    """Amount spellings the calculator produced (万元 and 元 forms)."""
    out: set[str] = set()
    for c in calculations:
        if c is None or c.amount_yuan is None:
            continue
        wan = format_wan(c.amount_yuan)
        out.add(wan)
        out.add(wan.replace("万元", "万"))
        out.add(f"{c.amount_yuan.normalize():f}元")
    return {_norm_amount(a) for a in out}


def check_text(text: str, clauses: dict, allowed: set[str]) -> tuple[str, list[str], list[tuple[str, str]]]:
    """LLM text → (text with unverifiable sentences removed, warnings, [(clause_id, quote)]).

    ``clauses``: clause_id → Clause of the retrieved set. A sentence survives only when
    every [id] it cites was retrieved, every “quote” is verbatim in a clause it cites,
    and every amount outside quotes is one the calculator produced."""
    kept: list[str] = []
    warnings: list[str] = []
    cited: list[tuple[str, str]] = []
    # "…。[id]" cites the sentence before the mark: move the mark inside it.
    text = re.sub(r"([。！？!?])((?:\s*\[[^\[\]]+\])+)", r"\2\1", text)
    order = list(clauses)
    # "[2]" (the clause's number in the prompt) means the same as its clause id.
    text = re.sub(r"\[(\d{1,2})\]", lambda m: f"[{order[int(m.group(1)) - 1]}]"
                  if 0 < int(m.group(1)) <= len(order) else f"[missing/{m.group(1)}]", text)
    for m in _SENTENCE.finditer(text):
        sent = m.group()
        if not sent:
            continue
        ids = _ID.findall(sent)
        if not ids:  # a quote without a mark is attributed to the retrieved clause holding it
            ids = [cid for q in _QUOTE.findall(sent) for cid, c in clauses.items() if q in c.text][:1]
        bad = [i for i in ids if i not in clauses]
        if bad:
            warnings.append(f"大模型引用了未检索到的条款编号 {'、'.join(bad)}，该句已删除。")
            continue
        quotes = _QUOTE.findall(sent)
        fake = [q for q in quotes if not any(q in clauses[i].text for i in ids)]
        if fake:
            warnings.append(f"大模型的引文“{fake[0][:30]}”与所引条款原文不符，该句已删除。")
            continue
        outside = _QUOTE.sub("", sent)
        amounts = [a for a in _AMOUNT.findall(outside) if _norm_amount(a) not in allowed]
        if amounts:
            warnings.append(f"大模型给出的金额“{amounts[0]}”未经计算器核算，该句已删除。")
            continue
        kept.append(sent)
        for i in ids:
            qs = [q for q in quotes if q in clauses[i].text]
            cited.extend((i, q) for q in (qs or [""]))
    return "".join(kept), warnings, cited


def number_marks(text: str, numbers: dict[str, int]) -> str:
    """[clause_id] marks → [n]; a mark of a clause without a verified citation is removed,
    and a number repeated right after itself is shown once."""
    text = _ID.sub(lambda m: f"[{numbers[m.group(1)]}]" if m.group(1) in numbers else "", text)
    return re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", text)


class LLMAnswerer:
    """Wraps a LangChain chat model (ChatOpenAI by default) with verification."""

    def __init__(self, chat_model, tools=None, label: str = ""):
        self.model = chat_model
        self.tools = tools  # callable (kb, as_of) -> list of LangChain tools, or None
        self.label = label

    @classmethod
    def from_settings(cls, settings) -> "LLMAnswerer":
        from langchain_openai import ChatOpenAI

        model = ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model,
                           api_key=settings.llm_api_key or "not-needed", timeout=settings.llm_timeout,
                           max_retries=0, temperature=0)
        return cls(model, tools=_calc_tools, label=f"{settings.llm_model} @ {settings.llm_base_url}")

    # -- history-aware rewriting ------------------------------------------------------

    def condense(self, turns: list[tuple[str, str]], question: str) -> str:
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.prompts import ChatPromptTemplate

        history = "\n".join(f"用户：{q}\n助手：{a[:300]}" for q, a in turns)
        chain = ChatPromptTemplate.from_messages([("human", CONDENSE)]) | self.model | StrOutputParser()
        try:
            out = chain.invoke({"history": history, "question": question})
        except Exception as exc:  # any transport/protocol failure is an endpoint error here
            raise LLMError(f"LLM condense failed: {exc}") from exc
        out = out.strip().strip("“”\"")
        if not out or len(out) > 500:
            raise LLMError("LLM condense returned no usable question")
        return out

    # -- answering --------------------------------------------------------------------

    def _messages(self, question, retrieved, kb, as_of, facts):
        from langchain_core.messages import HumanMessage, SystemMessage

        blocks = []
        for n, s in enumerate(retrieved, 1):
            doc = kb.documents[s.clause.doc_id]
            num = f"（{doc.doc_number}）" if doc.doc_number else ""
            blocks.append(f"[{n}] 条款编号：{s.clause.clause_id}\n来源：《{doc.title}》{num}{doc.issuer} · "
                          f"{s.clause.display_path}\n地区：{doc.region}；{validity_line(doc, as_of)}\n"
                          f"原文：{s.clause.text}")
        facts_line = "；".join(f"{k}={v}" for k, v in (facts or {}).items())
        user = (f"问题：{question}\n" + (f"用户提供的情况：{facts_line}\n" if facts_line else "")
                + f"判断日期：{as_of.isoformat()}\n\n可用条款：\n" + "\n\n".join(blocks))
        return [SystemMessage(SYSTEM), HumanMessage(user)]

    def stream(self, kb, question: str, retrieved: list[ScoredClause], as_of: dt.date,
               calculations=(), facts=None) -> Iterator[str]:
        """Yields verified lines as the model streams; returns the final Answer."""
        from langchain_core.messages import ToolMessage

        clauses = {s.clause.clause_id: s.clause for s in retrieved}
        calcs: list[Calculation] = [c for c in calculations if c is not None]
        allowed = allowed_amounts(calcs)
        tools = self.tools(kb, as_of) if self.tools else []
        model = self.model.bind_tools(tools) if tools else self.model
        messages = self._messages(question, retrieved, kb, as_of, facts)
        shown: list[str] = []
        warnings: list[str] = []
        cited: list[tuple[str, str]] = []
        numbers: dict[str, int] = {}  # clause → reference number, in order of first citation

        def shown_line(text: str, new: list[tuple[str, str]]) -> str:
            shown.append(text)
            for cid, _ in new:
                numbers.setdefault(cid, len(numbers) + 1)
            return number_marks(text, numbers)
        try:
            for _ in range(MAX_TOOL_ROUNDS + 1):
                full = None
                buffer = ""
                for chunk in model.stream(messages):
                    full = chunk if full is None else full + chunk
                    buffer += chunk.content if isinstance(chunk.content, str) else ""
                    while "\n" in buffer:
                        line, buffer = buffer.split("\n", 1)
                        text, w, c = check_text(line + "\n", clauses, allowed)
                        warnings += w
                        cited += c
                        if text.strip():
                            yield shown_line(text.rstrip("\n") + "\n", c)
                if full is None:
                    raise LLMError("LLM returned an empty stream")
                calls = getattr(full, "tool_calls", None) or []
                if not calls:
                    text, w, c = check_text(buffer, clauses, allowed)
                    warnings += w
                    cited += c
                    if text.strip():
                        yield shown_line(text, c)
                    break
                messages.append(full)
                by_name = {t.name: t for t in tools}
                for call in calls:
                    tool = by_name.get(call["name"])
                    if tool is None:
                        result = json.dumps({"error": f"unknown tool {call['name']}"}, ensure_ascii=False)
                    else:
                        result = tool.invoke(call["args"])
                        if isinstance(result, Calculation):
                            calcs.append(result)
                            result = json.dumps(result.to_dict(), ensure_ascii=False)
                        result = str(result)
                        allowed |= {_norm_amount(a) for a in _AMOUNT.findall(result)}
                    messages.append(ToolMessage(content=result, tool_call_id=call["id"]))
        except LLMError:
            raise
        except Exception as exc:  # timeouts, connection refused, HTTP 5xx, bad JSON: all endpoint errors
            raise LLMError(f"LLM endpoint failed: {type(exc).__name__}: {exc}") from exc
        return self._finish(kb, question, retrieved, as_of, "".join(shown), warnings, cited, calcs)

    def _finish(self, kb, question, retrieved, as_of, text, warnings, cited, calcs) -> Answer:
        citations = []
        for cid, quote in dict.fromkeys(cited):
            clause = next(s.clause for s in retrieved if s.clause.clause_id == cid)
            try:
                if quote:
                    start = clause.start + clause.text.index(quote)
                    span = (start, start + len(quote))
                else:
                    span = key_span(clause, question)
                citations.append(make_citation(kb, clause, span[0], span[1], as_of=as_of))
            except (QuoteMismatchError, ValueError):
                warnings.append(f"一处引用未通过原文核对，已隐去（{cid}）。")
        citations, dropped = keep_verified(kb, citations)
        citations = in_reference_order(citations)
        warnings += dropped
        if not text.strip() or not citations:
            warnings.append("大模型的答复没有可核实的依据，已不采用。")
            text = "抱歉，未能生成有可靠依据的答复，请换个说法再问，或查看下方检索到的条款。"
        lines = [number_marks(text, reference_numbers(citations)).strip(), ""]
        for doc_id in dict.fromkeys(c.doc_id for c in citations):
            c = next(x for x in citations if x.doc_id == doc_id)
            lines.append(f"依据：{c.line}")
            lines.append(validity_line(kb.documents[doc_id], as_of))
        lines.extend(f"提示：{w}" for w in dict.fromkeys(warnings))
        return Answer(question=question, answer="\n".join(lines).strip(), citations=citations,
                      calculation=next((c for c in calcs if c.amount_yuan is not None), None),
                      calculations=calcs, warnings=list(dict.fromkeys(warnings)), mode="llm",
                      retrieved=list(retrieved), as_of=as_of.isoformat())


def _calc_tools(kb, as_of):
    """The tools the model may call: the deterministic calculator over this knowledge base.
    (Imported here: the tool module loads LangChain's tool machinery, needed only in LLM mode.)"""
    from assistant.calculator.tool import make_calc_tool

    return [make_calc_tool(kb, as_of)]
