"""A broad question (a listing question with no subject) answered by matching, not by one clause.

    is_broad(question) -> bool
    broad_answer(kb, question, as_of, coverage) -> Answer

The listing phrases are data (``data/broad_asks.tsv``). The answer lists the best matches
for the region the question names, each with its verified citation, and asks the one or two
facts that would settle the most money; without a covered region it asks where the
enterprise is and names the regions the documents cover.
"""
from __future__ import annotations

from pathlib import Path

from assistant.answer.citations import keep_verified
from assistant.match.match import MET, NOT_MET, match_profile
from assistant.match.profile import Profile
from assistant.records import Answer, format_wan

_DATA = Path(__file__).with_name("data") / "broad_asks.tsv"
_PHRASES = tuple(line.split("\t")[0].strip() for line in _DATA.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#"))
SHOWN = 5


def is_broad(question: str, corpus_text: str = "", coverage=None) -> bool:
    """A listing question with no subject of its own: '能申请哪些扶持？' is broad; '对冷链仓储中心有什么
    补助？' names a subject (two or more of its words are the documents' words) and is
    answered by the usual pipeline."""
    from assistant.question.terms import content_terms

    q = question.replace(" ", "")
    if not any(p in q for p in _PHRASES):
        return False
    places = set(coverage.mentions(q)) if coverage is not None else set()
    subject = [t for t in content_terms(q) if t not in places and (not corpus_text or t in corpus_text)]
    return len(subject) < 2


def broad_answer(kb, question: str, as_of, coverage) -> Answer:
    result = match_profile(kb, Profile(question=question), as_of, limit=SHOWN * 2, coverage=coverage)
    if not result.regions:
        regions = sorted({d.region for d in kb.documents.values() if d.region})
        lead = (f"已收录文件中没有{'、'.join(result.uncovered)}的政策。" if result.uncovered
                else "请先告诉我企业所在地区，我再列出当地可以申请的政策。")
        text = f"{lead}\n目前收录的地区：{'、'.join(regions)}。\n例如：“我们在{regions[0] if regions else '某市'}，做机械装备，能申请哪些扶持？”"
        return Answer(question=question, answer=text, refused=bool(result.uncovered), as_of=as_of.isoformat(),
                      sections={"verdict": lead, "verdict_kind": "ask", "matches": []})
    shown = [m for m in result.matches if m.status != NOT_MET][:SHOWN]
    cites, dropped = keep_verified(kb, [m.citation for m in shown + result.expired[:2]])
    ok = {(c.doc_id, c.start, c.end) for c in cites}
    shown = [m for m in shown if (m.citation.doc_id, m.citation.start, m.citation.end) in ok]
    settled = [m for m in shown if m.status == MET and m.amount_yuan]
    verdict = (f"{'、'.join(result.regions)}可能适用的政策有{len(shown)}项"
               + (f"，按您说的情况可确定金额的{len(settled)}项" if settled else "")
               + ("；补充下面的信息可以算出更多金额。" if result.ask else "。"))
    lines = [verdict, ""]
    for i, m in enumerate(shown, 1):
        amount = (f"可获{format_wan(m.amount_yuan)}" if m.status == MET and m.amount_yuan
                  else "金额待确认")
        lines.append(f"{i}. 【{amount}】{m.citation.line}")
        lines.append(f"   原文：“{' '.join(m.citation.quote.split())}”")
    expired = [m for m in result.expired[:2] if (m.citation.doc_id, m.citation.start, m.citation.end) in ok]
    if expired:
        lines += ["", "已失效文件中的相关条款（仅供参考）："]
        lines += [f"· {m.citation.line}" for m in expired]
    if result.ask:
        lines += ["", f"想知道能拿多少，请告诉我：{'、'.join(result.ask)}。"]
    lines.append("也可以在“政策匹配”页填写企业情况，得到完整的匹配报告。")
    lines += [f"提示：{w}" for w in dropped]
    return Answer(question=question, answer="\n".join(lines), citations=cites, as_of=as_of.isoformat(),
                  warnings=dropped,
                  sections={"verdict": verdict, "verdict_kind": "matches", "ask": list(result.ask),
                            "matches": [m.to_dict() for m in shown]})
