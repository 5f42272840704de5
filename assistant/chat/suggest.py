"""Suggested follow-ups: an answer → two or three next questions an owner can click.

    suggestions(kb, answer, limit=3) -> [{"text": str, "kind": "send" | "fill"}]

Every suggestion comes from the answer itself, never from a list of canned questions:

1. the figures the cited rule still needs (its calculator inputs) → a question with blanks
   to fill in ("台套数＿台，采购发票总价＿万元，能补多少？", kind ``fill``: the UI puts it in
   the box instead of sending it);
2. the other levels of a level rule the answer quotes ("如果是国家级呢？");
3. the other rules of the cited clause, then the money rules of clauses retrieval found
   next to it in the same region, asked by what they are for ("泉州入选…能获得多少奖励？"):
   the rule's subject when it names who or what, else the object or activity its sentence
   names ("人才培训活动"), never a bare condition ("每期培训人员超过100人");
4. after an ineligible, expired or listing answer: the region's other benefits (a broad
   question, answered by 政策匹配).

Subjects come from the rules the documents' own sentences gave (``rules/``), units from the
calculator's fact types, so this works on any corpus.
"""
from __future__ import annotations

import re

from assistant.calculator.bind import needs_of
from assistant.rules.catalog import rules_for
from assistant.rules.fact_names import name_type

BLANK = "＿"
MAX_SUBJECT = 22  # a subject longer than this reads badly as a question
CASH = ("fixed", "rate", "per_unit", "tiered", "permille", "upgrade")
_UNIT = {"元": "万元", "美元": "万美元"}


def _blank(name: str, kind: str | None) -> str:
    unit = _UNIT.get(kind or "", kind or "")
    return f"{name}{BLANK}{unit}"


def _overlaps(rule, cite) -> bool:
    return rule.doc_id == cite.doc_id and rule.start < cite.end and cite.start < rule.end


_CONDITION = re.compile(r"\d|超过|达到|不低于|不少于|以上|以下|且")
# a sentence's lead that is the policy's own verb, not what the enterprise does or is
_LEAD_VERB = re.compile(r"^(?:\d+[、.．]\s*)?(?:积极|大力|全力|进一步)?(?:支持|鼓励|推进|推动|加快|发挥|引导|组织|开展|实施|促进|属于)?(?:企业)?")
_OBJECT = re.compile(r"的(?P<obj>[^，,。；;的\d]{3,20}?)(?:[，,]|经|给予)")


def _object(rule) -> str | None:
    """What the rule is for, as a noun phrase to ask about: its subject when that names who
    or what (not a condition like '每期培训人员超过100人'); else the thing its sentence names
    after the condition ('…且运营较好的众创示范空间'); else the activity its sentence leads
    with ('组织举办…等人才培训活动' → '人才培训活动'); None when the words give neither."""
    subject = (rule.subject or "").strip("，,。；; ")
    if subject and "…" not in subject and not _CONDITION.search(subject) and not _LEAD_VERB.match(subject).group():
        return subject if len(subject) <= MAX_SUBJECT else None
    text = rule.text or ""
    at = text.find(subject) if subject else -1
    m = _OBJECT.search(text, max(at, 0))
    if m and not m.group("obj").startswith(("每", "最高", "分别", "给予", "按")):
        return m.group("obj")
    lead = re.split(r"[,，]", text[:text.find("对")] if "对" in text else "")
    lead = [x for x in lead if x.strip()]
    if lead:
        last = re.split(r"等(?!级)", lead[-1])[-1]
        last = last[_LEAD_VERB.match(last).end():]
        if 3 <= len(last) <= MAX_SUBJECT and not _CONDITION.search(last) and not last.startswith(("从", "自", "在")):
            return last
    return None


def _subject_question(region: str, rule) -> str | None:
    if rule.kind not in CASH:
        return None
    what = _object(rule)
    if not what:
        return None
    benefit = rule.benefit if rule.benefit in ("奖励", "补助", "补贴", "资助", "扶持") else "补助"
    return f"{region}：{what}，能获得多少{benefit}？"


def suggestions(kb, answer, limit: int = 3) -> list[dict]:
    """Up to ``limit`` follow-ups for ``answer`` (see the module doc); [] for a refusal
    that cites nothing."""
    out: list[dict] = []
    asked = (answer.rewritten_question or "") + answer.question

    def add(text: str | None, kind: str = "send") -> None:
        if text and len(out) < limit and all(s["text"] != text for s in out) and text not in asked:
            out.append({"text": text, "kind": kind})

    sections = answer.sections or {}
    table = rules_for(kb)
    regions = {d.doc_id: d.region for d in kb.documents.values()}
    main = answer.citations[0] if answer.citations else None
    if main is not None and not answer.refused:
        region = regions.get(main.doc_id, "")
        rules = table.get(main.clause_id, [])
        amount = sections.get("amount") or {}
        rule = (next((r for r in rules if r.rule_id == amount.get("rule_id")), None)
                or next((r for r in rules if _overlaps(r, main)), None))
        if rule is not None and not amount and sections.get("verdict_kind") in ("info", None):
            needs = needs_of(rule)
            if needs and rule.kind in CASH:
                add("，".join(_blank(n, k) for n, k in needs[:3]) + "，能补多少？", "fill")
        if rule is not None and rule.levels:
            others = [lv for lv in sorted(rule.levels, key=lambda lv: -(lv.amount or 0)) if lv.name not in asked]
            if others:
                add(f"如果是{others[0].name}呢？")
        seen = {rule.rule_id} if rule is not None else set()
        for r in rules:
            if r.rule_id not in seen and not r.levels:
                add(_subject_question(region, r))
                seen.add(r.rule_id)
        if sections.get("verdict_kind") in ("ineligible", "expired") and region:
            add(f"{region}还有哪些补贴可以申请？")  # before the neighbours: this rule is not for them
        cited = {c.clause_id for c in answer.citations}
        for sc in answer.retrieved[:6]:
            cid = sc.clause.clause_id
            if cid in cited or regions.get(sc.clause.doc_id) != region:
                continue
            for r in table.get(cid, [])[:1]:
                add(_subject_question(region, r))
    if sections.get("verdict_kind") == "matches":
        for fact in sections.get("ask") or []:
            add(_blank(fact, name_type(fact)) + "，能拿多少？", "fill")
        for m in (sections.get("matches") or [])[:3]:
            if m.get("status") == "unknown":
                cite = m.get("citation") or {}
                rule = next((r for r in table.get(m.get("clause_id"), []) if cite
                             and r.start < cite.get("end", 0) and cite.get("start", 0) < r.end), None)
                if rule is not None:
                    add(_subject_question(m.get("region", ""), rule))
    return out
