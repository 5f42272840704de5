"""Is a question covered by the shipped corpus?  question (+ retrieval) → ``Scope``.

    check_question(question, coverage) -> Scope   before retrieval: chit-chat, other regions
    check_retrieval(question, retrieved, kb, scope) -> Scope   after: weak match, national tax
    refusal_text(scope, kb, as_of) -> str         says what is not covered and what is

Places (the gazetteer, ``Coverage``: which document regions a mention names) live in
assistant/scope_regions.py and are re-exported here.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from assistant.lexicon.data import words
from assistant.question.terms import GENERIC, content_terms, holds, quoted_names
from assistant.answer.fit import absent_name, clause_count, answer_type_gap, contrast_gap, asks_validity, national_subject, rare_phrase, unknown_qualifier
from assistant.answer.near_miss import lead_excerpt, missing_subject
from assistant.lexicon.places import CITIES, Coverage, is_place, regions_in

_CHITCHAT = re.compile(
    r"^(?:你好|您好|嗨|哈喽|hello|hi|hey|在吗|在不在|早上好|晚上好|下午好|谢谢|多谢|感谢|再见|拜拜|好的|ok|嗯+|哈+)"
    r"[啊呀呢吧！!。.~～\s]*$|你是谁|你叫什么|讲个笑话|天气|吃了吗|吃饭了|今天几号|星期几|几点了|"
    r"你会做什么|你能做什么|你是机器人|聊聊天|唱首歌|写首诗",
    re.IGNORECASE,
)
# Tax vocabulary: a question naming one of these is a tax question; covered only if
# the corpus itself speaks of it.
TAX_TERMS = words("tax_terms")  # data/tax_terms.tsv
_NATIONAL = re.compile(r"全国|国家税务总局|国务院|财政部|国家层面|国家规定|国家政策|中央")
NATIONAL_TAX = "national-tax"
NATIONAL_RULE = "national-rule"
OTHER_REGION = "other-region"
CHITCHAT = "chitchat"
WEAK = "weak-retrieval"
EMPTY_CORPUS = "empty-corpus"
NO_MONEY = "no-money"  # money asked; the clause found grants none
CONTRAST = "contrast"  # the clause found is for another alternative of the kind asked (新能源, not 燃油)


@dataclass
class Scope:
    covered: bool = True
    reason: str = ""
    regions: dict[str, set[str]] = field(default_factory=dict)  # covered mention → doc regions
    uncovered: list[str] = field(default_factory=list)  # places the corpus does not hold
    detail: str = ""
    offered: str = ""  # a near-miss: what the documents asked about do grant (a verbatim excerpt)


def check_question(question: str, coverage: Coverage, corpus_text: str = "") -> Scope:
    """Before retrieval: chit-chat, places outside the corpus. A province is covered only
    when a covered city in it is named too (福建泉州), since no document is provincial.
    Place names that the corpus text itself uses as subjects (台湾 design firms) are not
    treated as the question's jurisdiction."""
    q = question.strip()
    if _CHITCHAT.search(q) and not _has_policy_words(q):
        return Scope(covered=False, reason=CHITCHAT)
    scope = Scope()
    spans = coverage.mention_spans(q)
    i = 0
    while i < len(spans):
        s, e, m = spans[i]
        docs = coverage.resolve(m)
        # "泉州开发区" = 泉州 + 开发区 side by side: one place, the regions both name
        while docs and i + 1 < len(spans) and spans[i + 1][0] == e:
            nxt = coverage.resolve(spans[i + 1][2])
            if nxt and _within(spans[i + 1][2], m):
                # "甘肃陇南" / "江西瑞昌": a province then a place in it is that one place
                docs, e, m = nxt, spans[i + 1][1], spans[i + 1][2]
                i += 1
                continue
            if not nxt or not (docs & nxt):
                break
            docs, e, m = docs & nxt, spans[i + 1][1], q[s:spans[i + 1][1]]
            i += 1
        if docs:
            scope.regions[m] = docs
        else:
            scope.uncovered.append(m)
        i += 1
    covered_provinces = {CITIES.get(m) for m in scope.regions} | {
        CITIES.get(CITIES.get(m, ""), "") for m in scope.regions}
    scope.uncovered = [m for m in scope.uncovered if m not in covered_provinces]
    if scope.uncovered and corpus_text:
        # e.g. "引进台湾设计公司有补助吗": the place is what the clause is about, not where.
        scope.uncovered = [m for m in scope.uncovered if not _subject_use(q, m, corpus_text)]
    if scope.uncovered and not scope.regions:
        scope.covered = False
        scope.reason = OTHER_REGION
    elif not scope.regions and national_subject(q):
        scope.covered = False
        scope.reason = NATIONAL_RULE
    return scope


def _within(place: str, outer: str) -> bool:
    """Does ``place`` lie in ``outer`` (瑞昌 → 九江 → 江西), by the gazetteer?"""
    seen, name = set(), CITIES.get(place)
    while name and name not in seen:
        if name == outer or outer.startswith(name) and len(name) >= 2:
            return True
        seen.add(name)
        name = CITIES.get(name)
    return False


def _subject_use(question: str, place: str, corpus_text: str) -> bool:
    """The place is followed by the same two characters in the question and the corpus
    (台湾等知名设计公司 / 台湾设计公司 share '台湾' + a neighbour word)."""
    i = question.find(place)
    after = question[i + len(place):i + len(place) + 2]
    before = question[max(0, i - 2):i]
    return bool((after and len(after) == 2 and (place + after) in corpus_text)
                or (before and len(before) == 2 and (before + place) in corpus_text))


_BENEFIT = re.compile(r"补贴|补助|奖励|奖金|政策|资助|扶持|认定|申报|优惠|补偿|给钱|奖补|支持|[补奖]多少|能[补奖]|[能再]拿|拿到|有钱拿")


def _has_policy_words(q: str) -> bool:
    return bool(re.search(r"补贴|补助|奖励|政策|资助|扶持|认定|申报|税|万元|企业|平台|中心", q))


def check_retrieval(question: str, retrieved, kb, scope: Scope, min_dense: float | None = None) -> Scope:
    """After retrieval: a tax rule no document mentions, or a weak match (``on_topic``)."""
    if not scope.covered:
        return scope
    corpus = _corpus_text(kb)
    taxes = [t for t in TAX_TERMS if t in question]
    if taxes:
        specific = [t for t in taxes if t not in ("税", "税率", "免税", "减税", "税收优惠", "所得税")] or taxes
        # every tax the question names must be spoken of (增值税 in some document does not
        # make the 起征点 covered), and by the clauses found, not just somewhere
        found = "".join(s.clause.embed_text for s in retrieved[:3])
        if (not all(t in corpus for t in _outer(specific)) or not any(t in found for t in specific)
                or (_NATIONAL.search(question) and not scope.regions)
                or (not scope.regions and _FIGURE_ASKED.search(question) and not _OWN_FIGURE.search(question)
                    and not _nationally_stated(_outer(specific), kb) and not _own_status_stated(question, found))):
            return Scope(covered=False, reason=NATIONAL_TAX, detail="、".join(specific))
    if not retrieved:
        return Scope(covered=False, reason=WEAK)
    top_text = "".join(s.clause.embed_text for s in retrieved[:3])
    coverage = getattr(kb, "coverage", None)
    places = set(regions_in(question)) | set(scope.regions)
    terms = [t for t in content_terms(question) if t not in places and not is_place(t, coverage)]
    # words no clause uses ('掏钱', a mis-cut '厂用电') cannot show whether the documents speak
    # to the question; with two or more words they do use, those decide
    known = [t for t in terms if clause_count(kb, t) > 0]
    if len(known) >= 2:
        terms = known
    overlap = [t for t in terms if holds(top_text, t)]  # '个体户' is said of 个体工商户
    best = max((s.dense_score for s in retrieved if s.dense_score is not None), default=0.0)
    bm25 = max((s.bm25_score for s in retrieved if s.bm25_score is not None), default=0.0)
    shared = len(overlap) / len(terms) if terms else 0.0
    window = "".join(s.clause.embed_text for s in retrieved[:8])
    # a benefit question close in embedding space still needs one of its words found
    # (莆田's 众创空间 asked of a document that never mentions it)
    asks = bool(_BENEFIT.search(question)) and (
        not terms or any(holds(window, t) for t in terms) or asks_validity(question))
    named = any(n in top_text for n in quoted_names(question))  # “五小”: the user cites a name
    # a two-character name only one clause holds ("五小") shows the topic as well
    rare = rare_phrase(question, top_text, kb) or rare_phrase(question, window, kb, max_clauses=1, shortest=2)
    # "阿坝办营业执照要多久": a how-long / how-much question asked of a named place, whose words are
    # everyday ones the documents do not use, is on topic when the place's clauses are close to it
    # ("押金一直不退…多少天内得退": everyday words no clause uses do not count against it)
    form_terms = known or terms
    form_shared = sum(1 for t in form_terms if holds(top_text, t)) / len(form_terms) if form_terms else 0.0
    form = bool(scope.regions) and answer_type_gap(question, "") is not None and best >= STRONG_DENSE \
        and (not form_terms or form_shared >= 0.3)
    if not on_topic(shared, best, bm25, asks, min_dense) and not named and not rare and not form:
        return Scope(covered=False, reason=WEAK, detail="、".join(terms[:5]))
    from assistant.answer.select import rerank

    lead = rerank(question, retrieved, kb=kb)[0].clause.text
    if (gap := contrast_gap(question, lead)):
        return Scope(covered=False, reason=CONTRAST, detail=f"{gap[0]}|{gap[1]}")
    if _MONEY_ASKED.search(question) and not asks_validity(question):
        lead_clause = rerank(question, retrieved, kb=kb)[0].clause
        asked = set().union(*scope.regions.values()) if scope.regions else None
        if (name := missing_subject(question, lead_clause, kb, asked)):
            doc = kb.documents.get(lead_clause.doc_id)
            where = f"《{doc.title}》" if doc else ""
            return Scope(covered=False, reason=NO_MONEY, regions=scope.regions, detail=name,
                         offered=f"{where}：“{lead_excerpt(lead_clause)}”")
    if (near := _near_miss(question, kb, scope, corpus)):
        reason = NO_MONEY if _MONEY_ASKED.search(question) else WEAK
        return Scope(covered=False, reason=reason, detail=near)
    if _MONEY_ASKED.search(question) and not asks_validity(question) and not asks_stacking(question) \
            and not _offers_money(question, retrieved, kb):
        return Scope(covered=False, reason=NO_MONEY, detail="、".join(terms[:5]))
    return scope


STACKING = words("stacking_asks")  # data/stacking_asks.tsv


def asks_stacking(question: str) -> bool:
    """'…两项奖励可以一起领吗': whether benefits combine is a rule (就高不重复), not a sum."""
    return any(p in question for p in STACKING)


# A question asking for money, and what a clause that grants some says.
_MONEY_ASKED = re.compile(r"补助|补贴|奖励|资助|奖补|奖金|贴息|补偿|给钱|多少钱|有钱拿")
_MONEY_GIVEN = re.compile(r"补助|补贴|奖励|资助|奖补|奖金|贴息|补偿|扶持资金|专项资金|资金支持|资金扶持|"
                          r"\d[\d.]*\s*(?:万元|亿元|元)|[减免]征|退税|减按|加计扣除|免费|"
                          r"[%％]\)?的?(?:价格)?扣除|扣除比例|返还|退还")  # a deduction lowers what one pays; a refund pays back


def _offers_money(question: str, retrieved, kb) -> bool:
    """Does the clause an answer would lead with grant any money (a subsidy, award, figure
    in 元, tax relief)? "莆田有仓储费补贴吗" answered by "大力拓展跨境电商新模式" is not an answer."""
    from assistant.answer.select import rerank

    best = rerank(question, retrieved, kb=kb)[0]
    if _MONEY_GIVEN.search(best.clause.text):
        return True
    # a case with the user's own figures ('申报了400千瓦…低了150千瓦') whose clauses found all come
    # from one document: the clause found may set the condition (差值不小于…50%) while the
    # document's sum stands in another clause of it; the answer then works the case out
    same = [s for s in retrieved[:3] if s.clause.doc_id == best.clause.doc_id]
    doc = kb.documents.get(best.clause.doc_id)
    return bool(_CASE_FIGURE.search(question)) and len(same) == min(3, len(retrieved)) and doc is not None \
        and bool(_MONEY_GIVEN.search(doc.text))


_CASE_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?![年月日号])[\u4e00-\u9fffA-Za-z%％]")


def _near_miss(question: str, kb, scope: Scope, corpus: str) -> str:
    """What the question asks about that the documents it is asked of never name: a benefit's
    purpose no document uses (安家补贴), or, asked of one place, a rare name only other places'
    documents hold. A clause about something else found near it is no answer."""
    if asks_validity(question):
        return ""
    word = unknown_qualifier(question, corpus, GENERIC)
    if word or not _MONEY_ASKED.search(question) or len({frozenset(r) for r in scope.regions.values()}) != 1:
        return word
    regions = next(iter(scope.regions.values()))
    text = "\n".join(d.text for d in kb.documents.values() if d.region in regions)
    return absent_name(question, kb, text, list(scope.regions) + regions_in(question)) if text else ""


# '比例是多少' / '税率' / '起征点' / '几个点': a figure of the tax itself, not how to apply for it
_FIGURE_ASKED = re.compile(r"比例|税率|税负|起征点|多少|几个点|百分之几")
# the user's own figure ('只有6500块，能抵多少'): a case to work out under a clause, not the national rate
_OWN_FIGURE = re.compile(r"\d[\d.,]*\s*(?:万|亿|千)?\s*(?:元|块|美元)|\d[\d.]*\s*万(?!分)")
_LOCAL_BRANCH = re.compile(r"省|市|自治区|州|县|区税务局")
_NATIONAL_ISSUER = re.compile(r"国务院|财政部|国家税务总局|税务总局|海关总署|全国人民代表大会|国家发展和改革委员会")


_OWN_STATUS = re.compile(r"(?:我们|我|本)(?:公司|企业|厂)?(?:是|属于|作为)(?P<s>[^，,。？?]{2,16})")


def _own_status_stated(question: str, found: str) -> bool:
    """'我们是省级专精特新企业，…减免多少': the user names a status of their own that the clauses
    found speak of — a local rule for that status, not the national rate."""
    m = _OWN_STATUS.search(question)
    if not m:
        return False
    status = re.sub(r"企业|公司|单位|的", "", m.group("s"))
    return any(status[i:i + 2] in found for i in range(len(status) - 1))


def _nationally_stated(terms: list[str], kb) -> bool:
    """Does a document issued nationally (its issuer: 国务院, 财政部, 国家税务总局 …) speak of
    every tax named? A tax's rate or threshold is set nationally; when, with no place named,
    only local documents mention it (a city restating 加计扣除 for its own firms), the loaded
    documents do not state the national figure and an answer from them would mislead."""
    national = [d for d in kb.documents.values() if _NATIONAL_ISSUER.search(d.issuer or "")
                and not _LOCAL_BRANCH.search(d.issuer)]  # 国家税务总局安徽省税务局 is a province's bureau
    return any(all(t in d.text for t in terms) for d in national)


def _outer(terms: list[str]) -> list[str]:
    """Drop terms contained in a longer one also asked ("个人所得税" holds "所得税")."""
    return [t for t in terms if not any(t != o and t in o for o in terms)]


# Calibrated with m3e-small + BM25 on the shipped corpus (numbers in
# README.md, answers section): colloquial in-scope questions vs. off-topic ones.
BENEFIT_DENSE = 0.68  # a question asking for a benefit, close in embedding space
STRONG_DENSE = 0.74  # with a strong keyword match (BM25 ≥ STRONG_BM25) and some shared words
STRONG_BM25 = 5.0


def on_topic(shared: float, dense: float, bm25: float, asks_benefit: bool, min_dense: float | None = None) -> bool:
    """Does the retrieval show the corpus speaks to the question? ``shared`` = share of the
    question's content words found in the top clauses."""
    if shared > 0.5:
        return True
    if bm25 >= STRONG_BM25 and dense >= STRONG_DENSE and shared >= 0.3:
        return True
    return asks_benefit and dense >= (min_dense if min_dense is not None else BENEFIT_DENSE)


_CORPUS_CACHE: dict[str, str] = {}


def _corpus_text(kb) -> str:
    """All document text of ``kb``, cached per build version (a re-ingest changes it)."""
    ready = getattr(kb, "corpus_text", None)  # chat.BuildView derives it once per build
    if isinstance(ready, str):
        return ready
    version = getattr(kb, "version", "")  # read before the documents: never cache old text as new
    if not version:
        return "\n".join(d.text for d in kb.documents.values())
    if version not in _CORPUS_CACHE:
        if len(_CORPUS_CACHE) >= 4:
            _CORPUS_CACHE.clear()
        _CORPUS_CACHE[version] = "\n".join(d.text for d in kb.documents.values())
    return _CORPUS_CACHE[version]


LISTING_MAX = 12  # above this many documents a refusal lists regions, not every title


def corpus_listing(kb, as_of: dt.date) -> str:
    """One line per shipped document: title, 文号, region, validity at ``as_of``; for a big
    corpus one line of regions with their document counts (a refusal is not a catalogue)."""
    if len(kb.documents) > LISTING_MAX:
        counts: dict[str, int] = {}
        for doc in kb.documents.values():
            counts[doc.region or "地区未注明"] = counts.get(doc.region or "地区未注明", 0) + 1
        regions = "、".join(f"{r}（{n}份）" for r, n in sorted(counts.items(), key=lambda p: (-p[1], p[0])))
        return f"- 共{len(kb.documents)}份文件，涉及地区：{regions}（全部文件及有效期见网页“文件库”或命令 policy-assistant docs）"
    lines = []
    for doc in sorted(kb.documents.values(), key=lambda d: (d.region, d.title)):
        status = doc.validity(as_of)
        until = f"，有效期至{doc.valid_until}" if doc.valid_until else ""
        num = f"（{doc.doc_number}）" if doc.doc_number else ""
        incomplete = "，原文不完整" if doc.incomplete else ""
        lines.append(f"- 【{doc.region or '地区未注明'}】《{doc.title}》{num}：{status}{until}{incomplete}")
    return "\n".join(lines)


def refusal_text(scope: Scope, kb, as_of: dt.date) -> str:
    """Chinese refusal: what is not covered, then what the corpus does cover. Invents nothing."""
    if scope.reason == CHITCHAT:
        head = "您好！我是政策助手，只回答已收录政策文件中的企业扶持政策问题（补助标准、申报条件、有效期等），这个问题不在服务范围内。"
    elif scope.reason == OTHER_REGION:
        places = "、".join(scope.uncovered)
        head = (f"抱歉，已收录的政策文件中没有{places}的政策，无法回答{places}的问题；"
                "为避免误导，也不会用其他地区的标准代替。请咨询当地主管部门。")
    elif scope.reason == NATIONAL_TAX:
        head = (f"抱歉，已收录的政策文件没有规定{scope.detail or '该税收事项'}的全国性税收规则，无法据此答复；"
                "请以税务部门公布的现行规定为准，或咨询12366纳税服务热线。")
    elif scope.reason == NATIONAL_RULE:
        head = ("抱歉，已收录的都是地方政策文件，没有国家层面（部委）的认定标准或补助规定，无法据此答复；"
                "请以国家主管部门公布的文件为准。")
    elif scope.reason == NO_MONEY and scope.offered:
        where = "、".join(scope.regions) if scope.regions else ""
        head = (f"抱歉，已收录的{where}政策文件中没有对“{scope.detail}”给予补助、奖励等资金支持的规定，"
                f"无法给出金额；为避免误导，也不会套用其他事项的标准。与问题最接近的条款是{scope.offered}，"
                "讲的是另一事项。")
    elif scope.reason == NO_MONEY:
        head = ("抱歉，已收录的政策文件中没有找到对此给予补助、奖励等资金支持的条款，无法给出有依据的答复；"
                "为避免误导，也不会套用其他事项的标准。")
    elif scope.reason == CONTRAST:
        asked, _, offered = scope.detail.partition("|")
        head = (f"抱歉，已收录的政策文件中相关条款针对的是{offered}，没有针对{asked}的规定，无法给出有依据的答复；"
                "为避免误导，也不会套用其他事项的标准。")
    elif scope.reason == EMPTY_CORPUS:
        head = "知识库中还没有任何政策文件，请先导入文件。"
    else:
        head = "抱歉，已收录的政策文件中没有找到与这个问题相关的条款，无法给出有依据的答复。"
    listing = corpus_listing(kb, as_of)
    if not listing:
        return head
    return f"{head}\n\n目前可以查询的政策文件（判断日期 {as_of.isoformat()}）：\n{listing}"
