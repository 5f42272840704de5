"""The default answerer (no LLM): retrieved clauses (+ calculations) → ``Answer``.

    compose(kb, question, retrieved, as_of, calculations=(), parts=None, chosen=None) -> Answer
    validity_line(doc, as_of) -> str;  validity_status(doc, as_of) -> str

Which clauses to cite is decided in assistant/selection.py; whether the quoted sentence
answers the question at all in assistant/fit.py (if not, the answer says so and quotes
the nearest clause).

An answer reads like a hotline reply: a one-line conclusion with the key figure (an
amount only when the calculator produced it; otherwise the figure is quoted from the
clause), the quoted basis with its 《title》（文号）issuer · clause path line, the
conditions found in the clause and in its document ("就高不重复"), the validity at the
as-of date, and the source. Every quote is a verified ``Citation``; the text shows only
quotes that passed ``citations.keep_verified``.
"""
from __future__ import annotations

import datetime as dt
import re

from assistant.answer.citations import (
    has_figure,
    in_reference_order,
    keep_verified,
    key_span,
    reference_numbers,
    make_citation,
    sentence_spans,
)
from assistant.errors import QuoteMismatchError
from assistant.lexicon.data import words
from assistant.answer.fit import answer_type_gap, asks_validity, clause_deadline, states_duration, tier_gap
from index.records import EXPIRED, NOT_STATED, NOT_YET, ScoredClause
from assistant.records import Answer, Calculation, Citation, format_wan
from assistant.answer.select import NAMES_BENEFIT, alternatives, choose, term_clause

# Document-level rules that bind every benefit of the document.
_DOC_RULES = re.compile(r"就高不重复|不重复享受|不得重复|从高不重复|就高原则")
_CONDITION = re.compile(r"对([^，。；,;]{4,}?)的[，,]")
_CAP = re.compile(r"最高(?:不超过|不高于|给予)?[^，。；,;]{0,12}?\d+(?:\.\d+)?万元")
_LEVEL_WORDS = re.compile(r"国家级|省级|市级|区级|县级|A{3,5}级?|[一二三]等奖|首台（套）|首台\(套\)")


def _cite(kb, clause, span, as_of, warnings) -> Citation | None:
    try:
        return make_citation(kb, clause, span[0], span[1], as_of=as_of)
    except QuoteMismatchError:
        warnings.append(f"一处引用未通过原文核对，已隐去（{clause.clause_id}）。")
        return None


def _reward_span(clause, span) -> tuple[int, int] | None:
    """Within the key sentence, the part from the first figure on (“按…5%给予补助,最高不超过50万元”)."""
    text = clause.text[span[0] - clause.start:span[1] - clause.start]
    pieces = list(re.finditer(r"[^，,；;。]+", text))
    verb = re.compile(r"给予|奖励|补助|补贴|资助|奖补|补偿|贷款|扣除|税率|支持")
    hits = [i for i, p in enumerate(pieces) if has_figure(p.group()) and verb.search(p.group())]
    hits = hits or [i for i, p in enumerate(pieces) if has_figure(p.group()) and verb.search(text[p.start():])]
    if not hits:
        return None
    i = hits[0]
    s = pieces[i].start()
    e = len(text.rstrip("。；;"))
    if e - s > 80:  # a long tail is not a one-line conclusion
        e = pieces[min(i + 1, len(pieces) - 1)].end()
    return span[0] + s, span[0] + e


def _doc_rule(kb, doc_id, as_of, warnings) -> Citation | None:
    for clause in kb.clauses_of(doc_id):
        m = _DOC_RULES.search(clause.text)
        if m:
            at = clause.start + m.start()
            span = next((sp for sp in sentence_spans(clause) if sp[0] <= at < sp[1]), (clause.start, clause.end))
            return _cite(kb, clause, span, as_of, warnings)
    return None


# one year named in a title ('2023年度', '2023年'), not a range ('2024—2026年') nor a version ('2023版')
_TITLE_YEAR = re.compile(r"(?<![\d—–\-－~～至到])(20\d{2})\s*年度?(?!\s*[\d—–\-－~～至到])")


def plan_year(doc) -> int | None:
    """The one year a document plans the work of, read from its title ('…2023年度…实施方案'):
    one year named, then a kind of plan (lexicon data/year_plans.tsv) after it; None otherwise."""
    title = getattr(doc, "title", "") or ""
    years = _TITLE_YEAR.findall(title)
    if len(set(years)) != 1:
        return None
    rest = title[title.index(years[0]) + 4:]
    return int(years[0]) if any(w in rest for w in words("year_plans")) else None


def _year_over(doc, as_of: dt.date) -> str:
    """'该文件是2023年度的工作安排，所涉年度已结束，可能已失效' for a document with no term of its
    own that plans a year now past; '' otherwise."""
    year = plan_year(doc)
    if year is None or year >= as_of.year:
        return ""
    return f"该文件是{year}年度的工作安排（文件名称所示），所涉年度已结束，可能已失效"


def validity_line(doc, as_of: dt.date) -> str:
    status = doc.validity(as_of)
    day = as_of.isoformat()
    if status == EXPIRED:
        return (f"⚠ 有效性：该文件有效期至{_zh_date(doc.valid_until)}，按{day}判断已失效，上述标准可能已停止执行；"
                "请向发文机关或主管部门确认是否有接续政策。")
    if status == NOT_YET:
        return f"有效性：该文件自{_zh_date(doc.valid_from)}起施行，按{day}判断尚未施行。"
    if status == NOT_STATED:
        issued = next(iter(doc.dates.values()), "") if doc.dates else ""
        when = f"（发布于{_zh_date(issued)}）" if issued else ""
        if (over := _year_over(doc, as_of)):
            return f"⚠ 有效性：{over}；文件未注明有效期{when}，是否仍在执行请向发文机关确认。"
        return f"有效性：文件未注明有效期{when}，是否仍在执行请向发文机关确认。"
    if doc.valid_until:
        return f"有效性：现行有效，有效期至{_zh_date(doc.valid_until)}（按{day}判断）。"
    note = f"来源标注“{doc.validity_note}”，" if doc.validity_note else ""
    return f"有效性：{note}文件未写明截止日期（按{day}判断视为有效），年代较早的请向发文机关确认是否仍执行。"


def validity_status(doc, as_of: dt.date) -> str:
    """Short status for a conclusion: 已于2025年12月31日失效 / 有效期至… / 未注明有效期."""
    status = doc.validity(as_of)
    if status == EXPIRED:
        return f"该文件已于{_zh_date(doc.valid_until)}到期失效（按{as_of.isoformat()}判断）"
    if status == NOT_YET:
        return f"该文件自{_zh_date(doc.valid_from)}起施行，目前尚未施行"
    if status == NOT_STATED:
        over = _year_over(doc, as_of)
        return f"{over}；该文件未注明有效期，是否仍在执行请向发文机关确认" if over else \
            "该文件未注明有效期，是否仍在执行请向发文机关确认"
    start = doc.dates.get("施行") or doc.valid_from
    since = f"自{_zh_date(start)}起施行，" if start else ""
    until = f"有效期至{_zh_date(doc.valid_until)}" if doc.valid_until else "未写明截止日期"
    return f"该文件现行有效，{since}{until}"


def _zh_date(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    if len(parts) == 2:
        return f"{int(parts[0])}年{int(parts[1])}月"
    return iso


_COND_MARK = re.compile(r"以上|以内|超过|达到|不低于|不少于|首次|认定|且|结算地|注册地|总部|入选|获评|列入|新增")


def _conditions(clause, span, rspan, rule: Citation | None) -> list[str]:
    """Conditions as verbatim pieces: the key sentence's segments before the benefit that
    read as conditions ("…的", thresholds, 认定), the cap, and document-wide rules."""
    text = clause.text[span[0] - clause.start:span[1] - clause.start]
    cut = (rspan[0] - span[0]) if rspan else len(text)
    out = []
    for m in re.finditer(r"[^，,；;。]+", text[:cut]):
        seg = m.group().strip()
        if len(seg) >= 4 and (seg.endswith("的") or _COND_MARK.search(seg)):
            out.append(f"“{seg}”")
    if re.search(r"认定|评估", text) and not any("认定" in c for c in out):
        out.append("须先经主管部门认定或评估。")
    if "首次" in text:
        out.append("仅限“首次”达到或获评。")
    cap = _CAP.search(text)
    if cap:
        out.append(f"设有上限：“{cap.group()}”。")
    if rule is not None:
        out.append(f"同一文件规定：“{rule.quote.strip()}”（{rule.display_path}）。")
    return out


def _section(kb, sc: ScoredClause, question: str, as_of: dt.date, warnings: list[str],
             label: str = "", span: tuple[int, int] | None = None) -> tuple[list[str], list[Citation], str]:
    """One document's part: basis line, quote, conditions, validity. Returns its lines,
    its citations and the short reward quote for the conclusion."""
    clause = sc.clause
    doc = kb.documents[clause.doc_id]
    span = span or answer_span(clause, question)
    cites: list[Citation] = []
    main = _cite(kb, clause, span, as_of, warnings)
    lines: list[str] = []
    reward = ""
    if main is None:
        return lines, cites, reward
    cites.append(main)
    rspan = _reward_span(clause, span)
    if rspan:
        rc = _cite(kb, clause, rspan, as_of, warnings)
        if rc is not None:
            cites.append(rc)
            reward = rc.quote
    rule = _doc_rule(kb, doc.doc_id, as_of, warnings)
    if rule is not None:
        cites.append(rule)
    head = f"【{label}】" if label else ""
    lines.append(f"{head}依据：{main.line}")
    lines.append(f"原文：“{main.quote}”")
    conds = _conditions(clause, span, rspan, rule)
    if conds:
        lines.append("需满足的条件：")
        lines.extend(f"· {c}" for c in conds)
    lines.append(validity_line(doc, as_of))
    if doc.validity(as_of) == EXPIRED and (term := _term_citation(kb, clause, as_of, warnings)) is not None:
        # the expiry is stated with its source: the document's own words on its term
        cites.append(term)
        lines.append(f"失效依据：“{term.quote}”（{term.display_path}）")
    ended = clause_ended(clause, question, as_of)
    if ended:
        lines.append(f"⚠ 该条写明{ended}，按{as_of.isoformat()}判断已到期失效，请向主管部门确认是否延续。")
    if doc.validity(as_of) == EXPIRED:
        warnings.append(f"《{doc.title}》已于{_zh_date(doc.valid_until)}失效。")
    if doc.incomplete:
        warnings.append(f"《{doc.title}》来源文本不完整。")
        lines.append("注意：该文件的来源文本不完整（原文未全部收录），可能还有未收录的条款。")
    return lines, cites, reward


# the sentence of a term clause that states the term ('本政策自2022年6月1日施行，有效期为2年')
_TERM_SENTENCE = re.compile(r"[^。；;\n]*(?:有效期|试行期|执行至|施行|实施)[^。；;\n]*")
def _term_citation(kb, clause, as_of, warnings) -> Citation | None:
    """The verified quote of the sentence in which ``clause``'s document states its term (or when it
    took effect), from another clause of that document; None when no clause states it."""
    term = term_clause(kb, clause.doc_id)
    if term is None or term.clause_id == clause.clause_id:
        return None
    m = _TERM_SENTENCE.search(term.text)
    if m is None:
        return None
    return _cite(kb, term, (term.start + m.start(), term.start + m.end()), as_of, warnings)


def clause_ended(clause, question: str, as_of: dt.date) -> str:
    """'执行至2023年4月30日' when the clause's own end date for the measure asked about has
    passed at ``as_of`` (a document still in force can hold a measure that ended)."""
    end = clause_deadline(question, clause.text)
    return f"执行至{_zh_date(end.isoformat())}" if end is not None and end < as_of else ""


def _payable(calcs: list[Calculation]) -> dict[str, Calculation]:
    """clause_id → the first calculation that produced an amount the user is eligible for."""
    out: dict[str, Calculation] = {}
    for c in calcs:
        if c.amount_yuan is not None and c.eligible is not False:
            out.setdefault(c.clause_id, c)
    return out


def _calc_lines(kb, calcs: list[Calculation], chosen, payable, spans) -> tuple[list[str], list[str]]:
    """(the amount card: the calculator's steps for the rule asked about, or what it still
    needs; the clause's other standards, quoted without an amount — nobody asked for them)."""
    lines: list[str] = []
    for label, sc in chosen:
        c = payable.get(sc.clause.clause_id)
        if c is None:
            continue
        where = f"{label or kb.documents[sc.clause.doc_id].region} {sc.clause.display_path}"
        lines.append(f"测算（{where}，由计算器按原文标准计算）：")
        lines.extend(f"  {x}" for x in c.steps)
        lines.extend(f"  {x}" for x in c.checks if not x.startswith(_EXPIRY_CHECK))
    said: set[str] = set()
    for label, sc in chosen:
        for c in calcs:
            if (c.clause_id == sc.clause.clause_id and c.amount_yuan is None and c.missing_facts and c.summary
                    and _overlaps(c, spans[sc.clause.clause_id]) and c.summary not in said):
                said.add(c.summary)  # one list of standards for several rules is said once
                lines.append(f"计算器：{c.summary}")
                # what the figures given already settle ('台套数60台，属于…档') and the band's standard
                lines.extend(f"  {x}" for x in c.checks if x.startswith("✓"))
                lines.extend(f"  {x}" for x in c.steps if x.startswith("该档"))
    missing = sorted({m for c in calcs if c.amount_yuan is None and c.clause_id in spans
                      and _overlaps(c, spans[c.clause_id]) for m in c.missing_facts})
    if missing and not payable:
        lines.append(f"如需测算具体金额，请补充：{'、'.join(missing)}。")
    if not payable:
        failed = [c for c in calcs if c.eligible is False and c.clause_id in spans and _overlaps(c, spans[c.clause_id])]
        if failed:
            lines.append("按您提供的情况，测算发现不满足条件：")
            lines.extend(f"  {x}" for c in failed[:1] for x in c.checks if not x.startswith(_EXPIRY_CHECK))
    others: list[str] = []
    seen: set[str] = set()
    for _label, sc in chosen:
        for c in calcs:
            q = c.citation.quote.strip() if c.citation is not None else ""
            if c.clause_id == sc.clause.clause_id and q and not _overlaps(c, spans[c.clause_id]) and q not in seen:
                seen.add(q)
                others.append(f"“{q}”（{sc.clause.display_path}）")
    return lines, others


_EXPIRY_CHECK = "⚠ 该文件有效期至"  # the calculator's own expiry note: the answer says it once
_FAILED = re.compile(r"^✗ (?P<body>.+?)，不符合条件“(?P<cond>.+)”$")


def not_met(calc: Calculation) -> str:
    """The failed condition as an owner reads it: '不符合：需投资额达到500万元，您为300万元'.
    What the user said that rules the award out altogether ('✗ 您说明…') comes before any figure."""
    for x in calc.checks:
        if x.startswith("✗ 您说明"):
            return "不符合：" + x.lstrip("✗ ")
    for x in calc.checks:
        m = _FAILED.match(x)
        if m:
            body, cond = m.group("body"), m.group("cond")
            n = 0
            while n < min(len(body), len(cond)) and body[n] == cond[n]:
                n += 1
            while n and (body[n - 1].isdigit() or body[n - 1] == "."):
                n -= 1  # the shared part is the fact's name, never the start of a figure
            if n >= 2 and body[n:]:
                return f"不符合：需{cond}，您为{body[n:]}"
            return f"不符合：需{cond}（您的情况：{body}）"
        if x.startswith("✗"):
            return "不符合：" + x.lstrip("✗ ")
    return "不符合：" + (calc.summary or "按您提供的情况不满足条件")


def _span_text(clause, span) -> str:
    return clause.text[span[0] - clause.start:span[1] - clause.start]


def _overlaps(calc: Calculation, span) -> bool:
    c = calc.citation
    return c is None or (c.start < span[1] and span[0] < c.end)


def _worked_spans(calcs: list[Calculation], spans: dict) -> dict:
    """A clause whose quoted sentence yields no amount, while another of its sentences worked the
    user's own figures through to one ('按您提供的…'): that sentence is the answer to quote."""
    out = {}
    for cid, span in spans.items():
        mine = [c for c in calcs if c.clause_id == cid]
        if any(c.amount_yuan is not None and c.eligible is not False and _overlaps(c, span) for c in mine):
            continue
        used = next((c for c in mine if c.amount_yuan is not None and c.eligible is True and c.citation is not None
                     and any(x.startswith("按您提供") for x in c.steps)), None)
        if used is not None:
            out[cid] = (used.citation.start, used.citation.end)
    return out


def answer_span(clause, question: str) -> tuple[int, int]:
    """The clause's sentence to quote: the best match among those that state the kind of
    answer asked (a time limit, an amount, a ratio) when the clause has one."""
    kind = answer_type_gap(question, "")
    # a figure of money or a share in a sentence about something else is no answer; a time
    # limit in a clause already chosen for the question is
    keep = states_duration if kind == "期限" else None
    return key_span(clause, question, prefer=_LEVEL_WORDS.findall(question), keep=keep)


def _sibling_stating_time(question, top: ScoredClause, retrieved, spans) -> ScoredClause | None:
    """A long clause is indexed in pieces (“2.5#2”, “2.5#3”): when the chosen piece names no
    time limit and another retrieved piece of the same clause does, that piece answers; for a
    how-long question, so does one of the next two clauses of the same document."""
    if states_duration(_span_text(top.clause, spans[top.clause.clause_id])):
        return None
    base = top.clause.clause_id.split("#")[0]
    pieces = [sc for sc in retrieved[:8] if sc.clause.clause_id.split("#")[0] == base]
    # "要几天 / 多久": the next clauses of the same document found for it may state the time
    near = [sc for sc in retrieved[:3] if sc.clause.clause_id.split("#")[0] != base] if _HOW_LONG.search(question) else []
    for sc in pieces + near:
        c = sc.clause
        if c.clause_id != top.clause.clause_id and c.doc_id == top.clause.doc_id:
            span = answer_span(c, question)
            if states_duration(_span_text(c, span)):
                spans[c.clause_id] = span
                return sc
    return None


_HOW_LONG = re.compile(r"几天|多少天|多久|多长时间|几个?工作日|多少个?工作日|几个月|几个?小时|多少小时")


def _gap(question: str, text: str) -> str:
    """Why the quoted sentence does not answer the question ("" when it does)."""
    tier = tier_gap(question, text)
    if tier:
        return f"{tier[0]}的标准（该条只列出{tier[1]}）"
    kind = answer_type_gap(question, text)
    return f"{kind}（该条没有写明）" if kind else ""


def _gap_answer(kb, question, sc, span, gap, retrieved, as_of) -> Answer:
    """The closest clause does not say what was asked: say so, quote what it does say."""
    warnings: list[str] = []
    doc = kb.documents[sc.clause.doc_id]
    cite = _cite(kb, sc.clause, span, as_of, warnings)
    lines = [f"抱歉，已收录的政策文件没有规定{gap}，无法给出确切答复；为避免误导，不会套用其他标准。"]
    citations = []
    if cite is not None:
        citations.append(cite)
        lines += ["", "最接近的条款原文如下，供参考：", f"依据：{cite.line}", f"原文：“{cite.quote}”",
                  validity_line(doc, as_of)]
    lines.append("如需确认，请咨询发文机关或主管部门。")
    citations, dropped = keep_verified(kb, citations)
    return Answer(question=question, answer="\n".join(lines + [f"提示：{w}" for w in warnings + dropped]),
                  citations=citations, refused=True, warnings=warnings + dropped,
                  retrieved=list(retrieved), as_of=as_of.isoformat())


def compose(kb, question: str, retrieved: list[ScoredClause], as_of: dt.date,
            calculations: list[Calculation] | tuple = (),
            parts: list[tuple[str, list[ScoredClause]]] | None = None,
            chosen: list[tuple[str, ScoredClause]] | None = None, carried: list[str] | None = None) -> Answer:
    """Retrieved clauses → hotline answer. ``parts`` = [(region label, its retrieval)]
    when the question names several regions: one part per region, each cited.
    ``chosen`` (from ``choose``) skips the selection when the caller already made it."""
    warnings: list[str] = []
    citations: list[Citation] = []
    body: list[str] = []
    calcs = [c for c in calculations if c is not None]
    chosen = chosen if chosen is not None else choose(question, retrieved, parts, kb=kb)
    if chosen and not parts and asks_validity(question) and kb is not None and not NAMES_BENEFIT.search(question):
        # 'is it still in force?': the clause that states the document's term is what to quote
        term = term_clause(kb, chosen[0][1].clause.doc_id)
        if term is not None and term.clause_id != chosen[0][1].clause.clause_id:
            lead = next((sc for sc in retrieved if sc.clause.clause_id == term.clause_id), None) or \
                ScoredClause(term, chosen[0][1].score, rank=1)
            chosen = [("", lead)]
            retrieved = [lead] + [sc for sc in retrieved if sc.clause.clause_id != term.clause_id]
    spans = {sc.clause.clause_id: answer_span(sc.clause, question) for _, sc in chosen}
    spans.update(_worked_spans(calcs, spans))
    if chosen and not parts and answer_type_gap(question, "") == "期限":
        sib = _sibling_stating_time(question, chosen[0][1], retrieved, spans)
        if sib is not None:
            chosen = [("", sib)] + chosen[1:]
            retrieved = [sib] + [sc for sc in retrieved if sc.clause.clause_id != sib.clause.clause_id]
    # a clause the calculator works an amount out of states it, though no figure in 元 is written
    # ('报价给予20%的扣除' for a 报价 the user gave)
    # (the user's own figures worked through it: a rule of the clause that merely needs nothing
    # does not make an unstated sum stated)
    worked = {c.clause_id for c in calcs if c.amount_yuan is not None and c.eligible is True}
    gaps = {cid: "" if cid in worked else _gap(question, _span_text(sc.clause, spans[cid]))
            for _, sc in chosen for cid in [sc.clause.clause_id]}
    answered = [(label, sc) for label, sc in chosen if not gaps[sc.clause.clause_id]]
    if chosen and not answered and not parts:
        # the best clause does not say it: a close runner-up that does is the answer
        for alt in alternatives(question, retrieved, kb=kb):
            span = answer_span(alt.clause, question)
            if alt.clause.clause_id not in gaps and not _gap(question, _span_text(alt.clause, span)):
                spans[alt.clause.clause_id] = span
                answered = [("", alt)]
                # the final ranking leads with the clause the answer rests on
                retrieved = [alt] + [sc for sc in retrieved if sc.clause.clause_id != alt.clause.clause_id]
                break
    if chosen and not answered:
        label, sc = chosen[0]
        return _gap_answer(kb, question, sc, spans[sc.clause.clause_id], gaps[sc.clause.clause_id],
                           retrieved, as_of)
    chosen = answered
    several = len(chosen) > 1
    # a calculation is shown for a clause only when its rule is the sentence quoted
    payable = _payable([c for c in calcs if c.clause_id in spans and _overlaps(c, spans[c.clause_id])])
    items: list[tuple[str, str, ScoredClause]] = []  # (label, reward quote, clause)
    for label, sc in chosen:
        region = label or kb.documents[sc.clause.doc_id].region
        lines, cites, reward = _section(kb, sc, question, as_of, warnings, label=region if several else "",
                                        span=spans[sc.clause.clause_id])
        if not lines:
            continue
        body.extend(lines)
        body.append("")
        citations.extend(cites)
        items.append((region, reward, sc))
    calc_lines, others = _calc_lines(kb, calcs, chosen, payable, spans)
    for c in calcs:
        if c.citation is not None:
            citations.append(c.citation)
    citations, dropped = keep_verified(kb, citations)
    citations = in_reference_order(citations)
    warnings.extend(dropped)
    shown = {c.quote for c in citations}
    failed = {c.clause_id: c for c in calcs
              if c.eligible is False and c.clause_id in spans and _overlaps(c, spans[c.clause_id])}

    def finding(region: str, reward: str, sc: ScoredClause) -> tuple[str, str]:
        """(the verdict for one clause, its kind: amount / ineligible / expired / validity / info)."""
        doc = kb.documents[sc.clause.doc_id]
        expired = doc.validity(as_of) == EXPIRED
        ended = "" if expired else clause_ended(sc.clause, question, as_of)
        if ended:  # the measure's own end date has passed: said first, like an expired document
            said, _ = _finding_in_force(sc, reward)
            return f"该条措施{ended}，已到期失效，仅供参考：{said}", "expired"
        if asks_validity(question):  # "还有效吗": the answer is the document's own dates
            return validity_status(doc, as_of), "validity"
        c = payable.get(sc.clause.clause_id)
        if c is not None:
            said = c.summary or "见测算"
            return (f"已失效，仅供参考：按原标准{said}", "expired") if expired else (said, "amount")
        if sc.clause.clause_id in failed:
            return not_met(failed[sc.clause.clause_id]), "ineligible"
        if expired:
            return (f"已失效，仅供参考：曾规定“{reward}”" if reward and reward in shown
                    else "已失效，仅供参考：见下方原文"), "expired"
        return _finding_in_force(sc, reward)

    def _finding_in_force(sc: ScoredClause, reward: str) -> tuple[str, str]:
        c = payable.get(sc.clause.clause_id)
        if c is not None:
            return c.summary or "见测算", "amount"
        if reward and reward in shown:
            return f"规定“{reward}”", "info"
        return "有相关规定，见下方原文", "info"

    kind = "info"
    if not items:
        verdict = "检索到的条款未能通过原文核对，暂无法给出有依据的答复，请换个说法再问。"
        kind = "none"
    elif len(items) == 1:
        region, reward, sc = items[0]
        said, kind = finding(region, reward, sc)
        verdict = f"{said}（{region or '该文件'} · {sc.clause.display_path}）"
    else:
        names = "、".join(dict.fromkeys(r for r, _, _ in items))
        verdict = (f"{len(items)}份已收录文件（{names}）分别有规定，标准不同，"
                   "请以企业所在地的文件为准：")
        for region, reward, sc in items:
            doc = kb.documents[sc.clause.doc_id]
            verdict += f"\n· {region}（《{doc.title}》{sc.clause.display_path}）：{finding(region, reward, sc)[0]}"
    carried = list(carried or [])
    text_lines = [verdict]
    if carried:
        text_lines.append(f"沿用上文：{'、'.join(carried)}（如有变化，请直接说新的数字）")
    text_lines.append("")
    if calc_lines:
        text_lines += calc_lines + [""]
    text_lines += body
    if others:
        text_lines.append("同一条款的其他标准（您未问到，不作测算）：")
        text_lines.extend(f"· {o}" for o in others)
    expired_docs = {kb.documents[sc.clause.doc_id].title for _, _, sc in items
                    if kb.documents[sc.clause.doc_id].validity(as_of) == EXPIRED}
    shown_warnings = [w for w in dict.fromkeys(warnings)
                      if not any(w.startswith(f"《{t}》已于") for t in expired_docs)]  # said once, above
    text_lines.extend(f"提示：{w}" for w in shown_warnings)
    main = next(iter(payable.values()), None)
    calculation = main or next((c for c in calcs if c.amount_yuan is not None), None)
    sections = {
        "verdict": verdict.split("\n")[0] if len(items) > 1 else verdict,
        "verdict_kind": kind,
        "carried": carried,
        "amount": _amount_section(main, kb, as_of) if main is not None else None,
        "other_rules": others,
        "expired": sorted(expired_docs),
        "references": [{"n": n, "clause_id": cid} for cid, n in reference_numbers(citations).items()],
    }
    return Answer(question=question, answer="\n".join(text_lines).strip(), citations=citations,
                  calculation=calculation, calculations=calcs, warnings=list(dict.fromkeys(warnings)),
                  retrieved=list(retrieved), as_of=as_of.isoformat(), sections=sections)


def _amount_section(calc: Calculation, kb, as_of) -> dict:
    """The one amount card: the sum, its formula (the calculator's steps) and whether it is
    only for reference (an expired document)."""
    doc = kb.documents.get(calc.citation.doc_id) if calc.citation is not None else None
    expired = doc is not None and doc.validity(as_of) == EXPIRED
    return {"clause_id": calc.clause_id, "rule_id": calc.rule_id, "amount_yuan": str(calc.amount_yuan),
            "amount_wan": format_wan(calc.amount_yuan), "summary": calc.summary, "formula": list(calc.steps),
            "expired": expired}
