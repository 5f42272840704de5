"""The assistant's chat message as HTML: an ``Answer`` → one escaped block, owner first.

    answer_message(answer, cards, regions=None) -> str
    copy_text(answer, regions=None) -> str         what “复制回答” puts on the clipboard

Layout: the verdict line (with its [n] markers), facts carried from earlier turns, one amount
card, the full reply collapsed (its [n] markers too), the citation cards (a marker [n] opens
and scrolls to the card numbered [n]), suggested follow-ups, then 复制回答 and 👍/👎. The
buttons are plain HTML; one delegated script in ``ui.py`` gives them their behaviour. The
chat's sanitizer drops ``data-*`` attributes, so what the script needs travels as text: the
number in the marker, the kind of a suggestion in its class, the copied text and the feedback
fields in hidden ``pa-payload`` spans (one span a line, so no raw newline enters the chat).
Every piece of text is escaped (``render.esc``); the only markup is ours.
"""
from __future__ import annotations

import re
from typing import Iterable

from assistant.web.render import amount_card, calculation_html, copy_line, esc, lines, mode_label

_VERDICT_CLASS = {"amount": "pa-v-amount", "ineligible": "pa-v-no", "expired": "pa-v-expired",
                  "matches": "pa-v-info", "ask": "pa-v-info"}
_MARK = re.compile(r"\[(\d{1,2})\]")


def _firsts(citations) -> dict[int, object]:
    """reference number → the first citation of its clause (the same [n] as the cards)."""
    from assistant.answer.citations import reference_numbers

    citations = list(citations)
    out = {}
    for cid, n in reference_numbers(citations).items():
        out[n] = next(c for c in citations if c.clause_id == cid)
    return out


def refs_in(line: str, firsts: dict[int, object], regions: dict[str, str]) -> list[int]:
    """The references a line of the answer speaks of: its citation line, or its clause path
    together with its document's title or region ('可获…（泉州 · 二、（四））')."""
    out = []
    for n, c in firsts.items():
        if c.line in line:
            out.append(n)
        elif c.display_path and c.display_path in line and (
                c.title in line or (regions.get(c.clause_id) and regions[c.clause_id] in line)):
            out.append(n)
    return out


def _buttons(ns: Iterable[int]) -> str:
    return "".join(f'<button type="button" class="pa-refmark" title="查看引用[{n}]">[{n}]</button>' for n in ns)


def marked(text: str, firsts: dict[int, object], regions: dict[str, str]) -> str:
    """Escaped text, line by line; a line that names a cited clause ends with its [n] marker,
    and [n] written in the text (LLM mode) becomes the same marker."""
    out = []
    for raw in str(text or "").replace("\r", "").split("\n"):
        if _MARK.search(raw):
            parts, pos = [], 0
            for m in _MARK.finditer(raw):
                n = int(m.group(1))
                parts.append(esc(raw[pos:m.start()]) + (_buttons([n]) if n in firsts else esc(m.group())))
                pos = m.end()
            out.append("".join(parts) + esc(raw[pos:]))
        else:
            out.append(esc(raw) + _buttons(refs_in(raw, firsts, regions)))
    return "<br>".join(out)


def copy_text(answer, regions: dict[str, str] | None = None) -> str:
    """The verdict, the amount with its formula and every cited clause's line (文号 and
    validity included), as an owner pastes it into a message or a form."""
    sections = getattr(answer, "sections", None) or {}
    verdict = sections.get("verdict") or next((x for x in str(answer.answer or "").split("\n") if x.strip()), "")
    out = [f"结论：{verdict}"]
    amount = sections.get("amount")
    if amount:
        formula = "；".join(amount.get("formula") or [])
        ref = "（已失效，仅供参考）" if amount.get("expired") else ""
        out.append(f"金额：{amount.get('amount_wan')}{ref}" + (f"，算法：{formula}" if formula else ""))
    firsts = _firsts(answer.citations)
    if firsts:
        out.append("依据：")
        out += [f"[{n}] {copy_line(c.to_dict())}" for n, c in firsts.items()]
    return "\n".join(out)


def _suggestions(items: list[dict]) -> str:
    if not items:
        return ""
    chips = "".join(
        f'<button type="button" class="pa-sugg pa-sugg-{"fill" if s.get("kind") == "fill" else "send"}"'
        f' title="{"点击填入输入框，补上数字后发送" if s.get("kind") == "fill" else "点击直接提问"}">'
        f'{esc(s.get("text"))}</button>' for s in items)
    return f'<div class="pa-suggest"><span class="pa-suggest-title">您可能还想问：</span>{chips}</div>'


def _payload(name: str, text: str) -> str:
    """Hidden text the UI script reads (one span a line, so no raw newline enters the chat)."""
    return "".join(f'<span class="pa-payload pa-p-{name}">{esc(line)}</span>' for line in str(text).split("\n"))


def _tools(answer, regions) -> str:
    sections = getattr(answer, "sections", None) or {}
    verdict = sections.get("verdict") or next((x for x in str(answer.answer or "").split("\n") if x.strip()), "")
    clauses = ",".join(dict.fromkeys(c.clause_id for c in answer.citations))
    fields = {"question": answer.question, "verdict": verdict, "session": answer.session_id or "",
              "clauses": clauses, "mode": answer.mode, "asof": answer.as_of}
    data = "".join(_payload(k, " ".join(str(v or "").split("\n"))) for k, v in fields.items())
    return ('<div class="pa-tools">'
            '<button type="button" class="pa-copy pa-copy-answer">复制回答</button>'
            f'{_payload("copy", copy_text(answer, regions))}{data}'
            '<button type="button" class="pa-fb pa-fb-up" title="👍 这个回答有帮助">有帮助</button>'
            '<button type="button" class="pa-fb pa-fb-down" title="👎 没帮助或有错">没帮助</button></div>')


def answer_message(answer, cards: Iterable[str], regions: dict[str, str] | None = None) -> str:
    """The chat message (see the module doc). ``cards``: one per clause in reference order
    (``render.citation_cards``); ``regions``: clause_id → its document's region, to place the
    [n] markers on lines that name a clause by region."""
    regions = regions or {}
    sections = getattr(answer, "sections", None) or {}
    firsts = _firsts(answer.citations)
    out = []
    text = str(answer.answer or "")
    if sections.get("verdict"):
        kind = _VERDICT_CLASS.get(sections.get("verdict_kind", ""), "pa-v-info")
        out.append(f'<div class="pa-verdict {kind}">{marked(sections["verdict"], firsts, regions)}</div>')
        if sections.get("carried"):
            out.append(f'<div class="pa-carried">沿用上文：{esc("、".join(sections["carried"]))}'
                       '（如有变化，请直接说新的数字，或点“清空对话”）</div>')
        if sections.get("amount"):
            out.append(amount_card(sections["amount"]))
        out.append(f'<details class="pa-full"><summary>依据、条件和测算过程</summary>'
                   f'<div class="pa-answer">{marked(text, firsts, regions)}</div></details>')
    else:
        out.append(f'<div class="pa-answer">{marked(text, firsts, regions)}</div>')
        calcs = list(answer.calculations) or ([answer.calculation] if answer.calculation else [])
        for calc in calcs[:1]:
            if calc.amount_yuan is not None:
                out.append(calculation_html(calc, compact=True))
    expired = sections.get("expired") or []
    for w in answer.warnings:
        if not any(w.startswith(f"《{t}》已于") for t in expired):  # the expiry is said once, above
            out.append(f'<div class="pa-warn">{esc(w)}</div>')
    cards = list(cards)
    if cards:
        out.append(f'<div class="pa-cards"><div class="pa-cards-title">引用依据（点击展开原文）</div>'
                   f'{"".join(cards)}</div>')
    out.append(_suggestions(sections.get("suggestions") or []))
    out.append(_tools(answer, regions))
    out.append(f'<div class="pa-mode">答复方式：{esc(mode_label(answer.mode))}</div>')
    return f'<div class="pa-msg">{"".join(out)}</div>'
