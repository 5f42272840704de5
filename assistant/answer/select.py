"""Which retrieved clauses an answer cites: retrieval (+ parts) → [(label, ScoredClause)].

    rerank(question, retrieved, window=8, kb=None, stating=False) -> list[ScoredClause]
    alternatives(question, retrieved, kb=None, ratio=0.9) -> list[ScoredClause]
    select_clauses(question, retrieved, max_docs=3, kb=None) -> list[ScoredClause]
    choose(question, retrieved, parts=None, kb=None) -> [(region label or "", ScoredClause)]
    retrieve(kb, question, named, topic, kind="", k=8) -> (retrieval, parts, pool)
    final_ranking(retrieved, cited_ids) -> list[ScoredClause]

The best clause (the retrieval order re-ranked by rare shared words, phrase overlap and,
for a money question, a figure), plus the best clause of each *other* document that
matches as well — never a dump of every chunk. One clause per region when the question
names several regions: ``retrieve`` then searches once per region.
"""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer import ranker
from assistant.answer.citations import bigrams, has_figure
from assistant.answer.fit import answer_type_gap, asks_validity, compounds, idf, states_duration
from index.records import ScoredClause
from assistant.lexicon.places import named_documents

_MAX_DOCS = 3
_GIVES_FIGURES = re.compile(r"\d")
_DATES = re.compile(r"有效期|施行|起实施|之日起")


def _terms(question: str, kb=None) -> list[str]:
    """Content words of the question, without its place names: the place a question names
    is where it is asked (the retrieval's region filter), so a clause that repeats
    "嘉兴" or "泉州市" is no better an answer for it."""
    from assistant.question.terms import content_terms, quoted_names
    from assistant.lexicon.places import is_place

    coverage = getattr(kb, "coverage", None)
    terms = [t for t in content_terms(question) if not is_place(t, coverage)]
    # a quoted name (“泉州购”, “燎原计划”) is what the question is about, whole
    quoted = [m for m in quoted_names(question) if m not in terms and not is_place(m, coverage)]
    # a word asked twice ("研发设备…研发费用") is one topic word, not two
    return list(dict.fromkeys(terms + quoted + _known_pieces(terms, kb)))


def _known_pieces(terms: list[str], kb) -> list[str]:
    """A word no clause holds ("哪五小": jieba's cut of 是哪五小) may wrap a name the documents
    do use: its two-character pieces that only one or two clauses hold ("五小")."""
    if kb is None:
        return []
    from assistant.answer.fit import clause_count

    out = []
    for t in terms:
        if len(t) >= 3 and clause_count(kb, t) == 0:
            out += [t[i:i + 2] for i in range(len(t) - 1) if 1 <= clause_count(kb, t[i:i + 2]) <= 2]
    return [p for p in dict.fromkeys(out) if p not in terms]


def _overlap(terms: list[str], sc: ScoredClause) -> int:
    text = sc.clause.embed_text
    return sum(1 for t in terms if t in text)


def _weight(terms: list[str], sc: ScoredClause, kb) -> float:
    """The rarity-weighted share of the question's words a clause holds (Σ idf)."""
    return sum(idf(kb, t) for t in terms if t in sc.clause.embed_text)


_SHARE_ASKED = re.compile(r"百分之几|百分之多少|几成|几个点|比例是多少|比例多少")
_MONEY_Q = re.compile(r"多少|奖励|补助|补贴|资助|奖补|能拿|能补|给多少|标准|钱")


def _phrase(question: str, sc: ScoredClause) -> float:
    """Share of the question's character bigrams found in the clause."""
    q = bigrams(question)
    return len(q & bigrams(sc.clause.embed_text)) / len(q) if q else 0.0


def _fit(terms: list[str], question: str, sc: ScoredClause, rank: int, kb=None) -> float:
    """How well a retrieved clause answers: content words shared (weighted by rarity when
    the kb is known: "未来工厂" outweighs "奖励"), phrase overlap, a figure for a money
    question, and the retrieval rank as the tie-breaker."""
    validity = asks_validity(question)
    if validity and kb is not None:
        # "“三个提升”那个文件还管用吗": the title's words name the document, not the clause
        # (for other questions they may be the clause's topic: halving them lost on the dev half)
        title = kb.documents[sc.clause.doc_id].title
        terms = [t for t in terms if t not in title]
    if kb is not None:
        s = _weight(terms, sc, kb)
    else:
        s = _overlap(terms, sc)
    s += 4 * _phrase(question, sc)
    if any(c in sc.clause.embed_text for c in compounds(question, terms)):
        s += 1.0  # the name in one piece ("工业设计中心"), not its words apart
    if _MONEY_Q.search(question) and has_figure(sc.clause.text):
        s += 1.5
    # the kind of answer asked for, if any; "贷款金额的几成" asks for a share, not a sum
    asked = "具体比例" if _SHARE_ASKED.search(question) else answer_type_gap(question, "")
    if (asked == "期限" and not asks_validity(question) and states_duration(sc.clause.text)) or \
            (asked == "具体比例" and answer_type_gap(question, sc.clause.text) is None):
        s += 1.5  # "要几天": the clause that states how long answers it; one that does not, cannot
    if validity and _DATES.search(sc.clause.text):
        s += 4  # "有效到什么时候": the clause that states the dates
    return s - 0.3 * rank


def _learned_order(question: str, window: list[ScoredClause], terms: list[str], fits: list[float],
                   learned: list[float], best: int, kb) -> list[int]:
    """The window's positions by the learned score, within what the rule order's best clause
    (position ``best``) settles: the model chooses among the clauses that keep its place (the
    region of its document: a city's own document before its zone's, as the retrieval put
    them), the subject a sum is asked for (a sum read from a clause about another subject is a
    wrong amount), and, when a benefit is named (补助, 奖励…) and the best states a figure, a figure."""
    top = window[best].clause
    region = kb.documents[top.doc_id].region if top.doc_id in kb.documents else ""
    key = _sum_subject(question, terms, window[best], kb)
    figure = bool(_BENEFIT_ASKED.search(question)) and has_figure(top.text)

    def place(i):
        doc = kb.documents.get(window[i].clause.doc_id)
        return (doc.region if doc is not None else "") != region

    return sorted(range(len(window)), key=lambda i: (
        place(i), key not in window[i].clause.embed_text,
        figure and not has_figure(window[i].clause.text), -learned[i], -fits[i]))


def _sum_subject(question: str, terms: list[str], best: ScoredClause, kb) -> str:
    """When the question asks for a sum ('奖多少', '每吨补几块钱'): the rarest of its words
    that the rule order's best clause holds — the subject the sum is for; else ""."""
    if answer_type_gap(question, "") != "具体金额" and not _SUM_ASKED.search(question):
        return ""
    held = [t for t in terms if t in best.clause.embed_text]
    return max(held, key=lambda t: (idf(kb, t), len(t)), default="")


def best_fit(question: str, retrieved: list[ScoredClause], kb=None, window: int = 8) -> float:
    """The best ``_fit`` among the first ``window`` clauses (-inf when none): how well the
    retrieval as a whole answers, to weigh one retrieval against another."""
    terms = _terms(question, kb)
    return max((_fit(terms, question, sc, i, kb) for i, sc in enumerate(retrieved[:window])),
               default=float("-inf"))


def rerank(question: str, retrieved: list[ScoredClause], window: int = 8, kb=None,
           stating: bool = False) -> list[ScoredClause]:
    """The retrieval's first ``window`` clauses re-ordered by ``_fit``, the rest after; with
    ``stating`` (choosing what to cite, not judging whether the documents speak to the
    question), a clause that states the asked share or time limit may lead (``_stating_first``)."""
    terms = _terms(question, kb)
    fits = [_fit(terms, question, sc, i, kb) for i, sc in enumerate(retrieved[:window])]
    order = sorted(range(len(fits)), key=lambda i: -fits[i])
    # a question that gives its own figures asks for a sum worked out from one clause's rule:
    # the rule order, which the calculator's choices were checked against, picks that clause
    model = ranker.active() if stating and kb is not None and not _GIVES_FIGURES.search(question) else None
    if stating and kb is not None and (model is not None or ranker.RECORDER is not None) and fits:
        # choosing what to cite: the learned order over the same window (the rule fit is one
        # of its features); judging whether the documents speak to the question stays on rules
        rows = ranker.features(question, retrieved[:window], terms, fits, kb)
        if ranker.RECORDER is not None:
            ranker.RECORDER.append((question, [sc.clause.clause_id for sc in retrieved[:window]], rows))
        if model is not None:
            order = _learned_order(question, retrieved[:window], terms, fits, model.scores(rows), order[0], kb)
    head = [retrieved[i] for i in order]
    if head and asks_validity(question):
        # the best fit says which document; its dates answer "什么时候施行 / 还有效吗"
        doc = head[0].clause.doc_id
        dates = next((sc for sc in head if sc.clause.doc_id == doc and _DATES.search(sc.clause.text)), None)
        if dates is not None:
            head.remove(dates)
            head.insert(0, dates)
    elif head and stating:
        head = _stating_first(question, head, terms, kb)
    return head + list(retrieved[window:])


# a clause that states the kind of answer asked leads when it holds at least this share of the
# question's word weight the best fit holds: the same subject, not a share of something else
STATES_SHARE = 0.7


# a sum asked in any words ('每月能有多少补贴'), and a clause leaving its standard to another
# document or to later rules
_BENEFIT_WORD = r"(?:补贴|补助|津贴|奖励|奖补|资助|奖金|补偿|贴息)"
_BENEFIT_ASKED = re.compile(_BENEFIT_WORD)
_SUM_ASKED = re.compile(rf"{_BENEFIT_WORD}[^，。？?]{{0,6}}多少|多少[^，。？?]{{0,4}}(?:{_BENEFIT_WORD}|钱)")
_BENEFIT_NAMED = re.compile(rf"([^，。？?、\s]{{2,6}})({_BENEFIT_WORD})")
_DEFERS = re.compile(r"标准[^，。；]{0,6}(?:按照?|参照)[^。；]{0,40}(?:执行|规定)|标准另行(?:制定|确定|公布)")


def _stating_first(question: str, head: list[ScoredClause], terms: list[str], kb) -> list[ScoredClause]:
    """"最多收百分之几 / 要几天": when the best fit does not state that kind of answer (no share,
    no time limit) and a clause of the same document among the next three does, and holds at
    least ``STATES_SHARE`` of its word weight, that clause leads: it can answer, the other cannot."""
    asked = "具体比例" if _SHARE_ASKED.search(question) else answer_type_gap(question, "")
    if asked not in ("具体比例", "期限") and _SUM_ASKED.search(question):
        asked = "具体金额"
    if asked not in ("具体比例", "期限", "具体金额") or asks_validity(question):
        return head

    top = _weight(terms, head[0], kb) if kb is not None else _overlap(terms, head[0])
    held = [t for t in terms if t in head[0].clause.embed_text]
    # the best fit's rarest word names its subject ("质押融资"): a clause without it is about
    # something else, and "the document does not say" is the honest answer
    rarest = (lambda t: (idf(kb, t) if kb is not None else 0.0, len(t)))
    key = max(held, key=rarest, default="")
    benefit = key
    if asked == "具体金额":
        # '护工津贴每月能拿多少': the words naming the benefit asked are its subject, and the
        # benefit's name as the question writes it ('特岗补贴') is what a sentence must state
        named = [(t, t + m.group(2)) for m in _BENEFIT_NAMED.finditer(question) for t in held
                 if m.group(1).endswith(t)]
        if named:
            key, benefit = max(named, key=lambda p: rarest(p[0]))

    def states(sc):
        if asked == "具体金额":  # a sum in a sentence of the benefit asked, not of another one
            return any(benefit in s and answer_type_gap("补助多少", s) is None
                       for s in re.split(r"(?<=[。；;])", sc.clause.text))
        return answer_type_gap(question, sc.clause.text) is None if asked == "具体比例" \
            else states_duration(sc.clause.text)

    if states(head[0]):
        return head
    for sc in head[1:4]:
        weight = _weight(terms, sc, kb) if kb is not None else _overlap(terms, sc)
        # a sum the best fit leaves to another document's standard ('具体标准按照…执行') may be
        # stated by a clause of that other document
        near = sc.clause.doc_id == head[0].clause.doc_id or (
            asked == "具体金额" and _DEFERS.search(head[0].clause.text) is not None)
        if near and states(sc) and weight >= STATES_SHARE * top and key in sc.clause.embed_text:
            return [sc] + [h for h in head if h is not sc]
    return head


def alternatives(question: str, retrieved: list[ScoredClause], kb=None, ratio: float = 0.9,
                 window: int = 8) -> list[ScoredClause]:
    """Clauses that fit the question nearly as well as the best one (``ratio`` of its fit),
    best first: where an operator looks next when the best clause does not say it."""
    terms = _terms(question, kb)
    scored = [(_fit(terms, question, sc, i, kb), sc) for i, sc in enumerate(retrieved[:window])]
    if not scored:
        return []
    best = max(f for f, _ in scored)
    # a section of targets ("具体目标：至2020年，建成…") says what is aimed at by when; it is
    # no runner-up answer to how long or how much
    return [sc for f, sc in sorted(scored, key=lambda p: -p[0]) if best > 0 and f >= ratio * best
            and not any(_TARGETS.search(p) for p in sc.clause.path)]


_TARGETS = re.compile(r"^[（(]?[一二三四五六七八九十\d]*[）)、.．]?\s*(?:总体|主要|具体|工作|发展|预期)?目标(?:$|[：:\s])")


def select_clauses(question: str, retrieved: list[ScoredClause], max_docs: int = _MAX_DOCS,
                   kb=None) -> list[ScoredClause]:
    """The best clause, plus the best clause of each other document that matches the
    question's content words at least as well as it does (not five chunks)."""
    if not retrieved:
        return []
    terms = _terms(question, kb)
    ranked = rerank(question, retrieved, kb=kb, stating=True)
    top = ranked[0]
    need = max(1, _overlap(terms, top))
    # with the kb, the words must weigh as much too: "产品…一等奖" is not "德国红点奖"
    weight = _weight(terms, top, kb) if kb is not None else 0.0
    chosen = [top]
    seen = {top.clause.doc_id}
    for sc in ranked[1:]:
        if len(chosen) >= max_docs:
            break
        if sc.clause.doc_id in seen:
            continue
        if (_overlap(terms, sc) >= need and has_figure(sc.clause.text) == has_figure(top.clause.text)
                and (kb is None or _weight(terms, sc, kb) >= 0.9 * weight)
                and _phrase(question, sc) >= 0.85 * _phrase(question, top)):
            chosen.append(sc)
            seen.add(sc.clause.doc_id)
    return chosen


def choose(question: str, retrieved: list[ScoredClause],
           parts: list[tuple[str, list[ScoredClause]]] | None = None, kb=None) -> list[tuple[str, ScoredClause]]:
    """The clauses an answer cites: [(region label or "", clause)] — one per named region
    when ``parts`` is given, else ``select_clauses`` (labelled when several documents)."""
    if parts:
        return [(label, rerank(question, rs, kb=kb, stating=True)[0]) for label, rs in parts if rs]
    sel = select_clauses(question, retrieved, kb=kb)
    return [("", sel[0])] if len(sel) == 1 else [("", s) for s in sel]


def search_regions(kb, query: str, regions: set[str] | None, k: int = 8) -> list[ScoredClause]:
    """One search, or one per region (filtered) merged by score and re-ranked."""
    if not regions:
        return kb.search(query, k=k)
    merged: dict[str, ScoredClause] = {}
    for r in sorted(regions):
        for s in kb.search(query, k=k, region=r):
            if s.clause.clause_id not in merged or merged[s.clause.clause_id].score < s.score:
                merged[s.clause.clause_id] = s
    out = sorted(merged.values(), key=lambda s: -s.score)[:k]
    for i, s in enumerate(out, 1):
        s.rank = i
    return out


# A sub-area's clause (泉州经济技术开发区 under "泉州") leads only when it fits this much
# better than the best clause of the place named itself.
SUB_AREA_MARGIN = 1.5


def _exactly(kb, hits: list[ScoredClause], regions: set[str]) -> list[ScoredClause]:
    """Hits of documents whose region is one of ``regions`` exactly (the search's region
    filter is a substring match: "泉州" also lets 泉州经济技术开发区 in)."""
    return [h for h in hits if kb.documents[h.clause.doc_id].region in regions]


def _place_first(kb, q: str, mention: str, regions: set[str], retrieved: list[ScoredClause],
                 k: int) -> list[ScoredClause]:
    """"泉州市…" asks about 泉州's own documents; a zone inside it (泉州经济技术开发区)
    answers only what the city's documents do not. The place's own retrieval leads, then
    the sub-areas'; unless a sub-area fits ``SUB_AREA_MARGIN`` times better, when the joint
    retrieval is kept as it was."""
    coverage = getattr(kb, "coverage", None)
    own = coverage.primary(mention, regions) if coverage is not None else set()
    if not own or own == regions:
        return retrieved
    main = _exactly(kb, search_regions(kb, q, own, 4 * k), own)[:k]
    rest = _exactly(kb, search_regions(kb, q, regions - own, 4 * k), regions - own)[:k]
    if not main:
        return retrieved
    terms = _terms(q, kb)
    best = max(_fit(terms, q, sc, i, kb) for i, sc in enumerate(main))
    other = max((_fit(terms, q, sc, i, kb) for i, sc in enumerate(rest)), default=float("-inf"))
    if other > SUB_AREA_MARGIN * max(best, 0.0) and other > best:
        return retrieved
    out = [replace(s, rank=i) for i, s in enumerate(main + rest, 1)]
    return out[:2 * k]


def conversation_search(kb, q: str, topic: set[str], k: int) -> list[ScoredClause]:
    """The search restricted to the regions of the documents the conversation has cited."""
    places = {kb.documents[d].region for d in topic if d in kb.documents}
    places.discard("")
    if not places:
        return []
    hits = _exactly(kb, search_regions(kb, q, places, 4 * k), places)[:k]
    return [replace(s, rank=i) for i, s in enumerate(hits, 1)]


def retrieve(kb, q: str, named: dict[str, set[str]], topic: set[str], kind: str = "", k: int = 8):
    """Question (+ named covered regions: mention → document regions; the previous turn's
    documents; the follow-up kind) → (retrieval, parts, pool to choose from).
    Several named regions → one retrieval each (``parts``); a follow-up that changes
    only an attribute ("那省级的呢？") chooses among the previous documents' clauses."""
    groups: dict[frozenset, str] = {}
    for mention, regions in named.items():
        groups.setdefault(frozenset(regions), mention)
    if len(groups) >= 2:
        # "泉州市和开发区": the 泉州 part leaves out the 开发区 asked about on its own
        narrowed: dict[frozenset, str] = {}
        for regions, label in groups.items():
            others = set().union(*(r for r in groups if r != regions and r < regions))
            narrowed.setdefault(frozenset(regions - others) or regions, label)
        groups = narrowed
        # each part searches "<its region> + the question without the regions"
        bare = q
        for mention in sorted(named, key=len, reverse=True):
            bare = bare.replace(mention, "")
            for outer in _outer_places(mention):  # '甘肃陇南': the province goes with its place
                bare = bare.replace(outer, "")
        bare = re.sub(r"^[和与及、,，\s]+|(?<=^)分别|各自|分别", "", bare.strip()) or q
        # within a part, as for one named place: "泉州" is the city's own documents first
        parts = [(label, _place_first(kb, f"{label}{bare}", label, set(regions),
                                      search_regions(kb, f"{label}{bare}", set(regions), k), k))
                 for regions, label in groups.items()]
        # round-robin over the parts, so every region's best clause leads the list
        retrieved, seen = [], set()
        for i in range(max(len(rs) for _, rs in parts)):
            for _, rs in parts:
                if i < len(rs) and rs[i].clause.clause_id not in seen:
                    seen.add(rs[i].clause.clause_id)
                    retrieved.append(rs[i])
        return retrieved, parts, retrieved
    regions = set(next(iter(groups))) if groups else None
    retrieved = []
    if regions is None and topic:
        # a turn that names no place stays where the conversation is: "嘉兴…？ → 那有效期
        # 到哪天？" asks about 嘉兴, not whichever region's wording fits best
        retrieved = conversation_search(kb, q, topic, k)
    retrieved = retrieved or search_regions(kb, q, regions, k)
    if regions:
        retrieved = _place_first(kb, q, next(iter(groups.values())), regions, retrieved, k)
    if (docs := named_documents(kb, q, regions, _terms(q, kb))):
        own = [s for s in search_regions(kb, q, {kb.documents[d].region for d in docs}, 4 * k)
               if s.clause.doc_id in docs][:k]
        retrieved = [replace(s, rank=i) for i, s in enumerate(own, 1)] or retrieved
    if retrieved and asks_validity(q) and not NAMES_BENEFIT.search(q) \
            and (term := term_clause(kb, retrieved[0].clause.doc_id)) is not None \
            and term.clause_id not in {s.clause.clause_id for s in retrieved}:
        # 'is it still in force?': the clause stating the document's term is also a match
        retrieved = retrieved[:1] + [ScoredClause(term, retrieved[0].score, rank=2)] + \
            [replace(s, rank=i) for i, s in enumerate(retrieved[1:], 3)]
    if kind and kind != "topic" and "region" not in kind and topic:
        # "那省级的呢？" is about the same policy: keep to the previous documents.
        same = [s for s in retrieved if s.clause.doc_id in topic]
        if same:
            return retrieved, None, same
    return retrieved, None, retrieved


def final_ranking(retrieved: list[ScoredClause], cited_ids: list[str]) -> list[ScoredClause]:
    """The pipeline's final order: the clauses the answer cites (in citation order, each
    document's first clause before the others) first, then the rest of the retrieval in its
    order; ranks renumbered from 1 on copies (the retrieval's own objects are left as they
    were). Cited clauses that were not retrieved are not added — this reports a ranking of
    the retrieval, nothing else."""
    by_id = {s.clause.clause_id: s for s in retrieved}
    order = list(dict.fromkeys(c for c in cited_ids if c in by_id))
    # each cited document's first clause before a second clause of one already listed (a
    # document-wide rule cited beside the main clause): a two-region answer's regions lead
    firsts, docs = [], set()
    for c in order:
        if by_id[c].clause.doc_id not in docs:
            docs.add(by_id[c].clause.doc_id)
            firsts.append(c)
    order = firsts + [c for c in order if c not in firsts]
    order += [s.clause.clause_id for s in retrieved if s.clause.clause_id not in order]
    return [replace(by_id[c], rank=i) for i, c in enumerate(dict.fromkeys(order), 1)]


# a validity question about a benefit ('按投资额的15%奖励…今年还能报吗', '还能拿奖励吗'): the benefit's
# clause leads; about the document alone ('那份措施现在还管用吗'), the clause stating its term
NAMES_BENEFIT = re.compile(r"\d|补助|补贴|奖励|奖补|资助|奖金|拿|贴息")
# a document's own term: '有效期至2025年12月31日' / '自发布之日起施行，有效期3年' / '试行期两年' / '执行至…'
_TERM = re.compile(r"有效期(?:至|为|限)?\s*(?:\d|[一二三四五六七八九十两]\s*年)|试行期|执行至|(?:施行|实施|执行)(?:期限|时间)")
_START = re.compile(r"自[^。；]{0,12}(?:之日)?起(?:施行|实施|执行)")


def term_clause(kb, doc_id: str):
    """The clause of ``doc_id`` that states its term (有效期…; the last such: a document's own
    term closes it, a measure's own deadline comes earlier), else the one stating when it took
    effect; None when no clause does."""
    term = start = None
    for clause in kb.clauses.values():
        if clause.doc_id != doc_id:
            continue
        if _TERM.search(clause.text):
            term = clause
        elif start is None and _START.search(clause.text):
            start = clause
    return term or start


def _outer_places(place: str) -> list[str]:
    """The places ``place`` lies in, by the gazetteer (瑞昌 → 九江, 江西)."""
    from assistant.lexicon.places import CITIES

    out, name = [], CITIES.get(place)
    while name and name not in out:
        out.append(name)
        name = CITIES.get(name)
    return out


# 'can I still …?' ('如今还能照这个报吗', '还可以按这个办吗'): whether something may still be done
_STILL = re.compile(r"还(?:能|可以|可|能不能|有没有)[^，。？?！!]{0,12}(?:吗|么|不|没)?[？?]?$|还(?:能不能|可不可以)")


def expired_term_first(question: str, chosen: list[tuple[str, ScoredClause]], kb, as_of) -> list[tuple[str, ScoredClause]]:
    """For a question asking whether something can still be done, answered from one document that
    has expired at ``as_of`` and giving no figures of its own (no sum to work out): the clause
    stating the document's term answers it and is what the answer quotes (the expiry is said first)."""
    from index.records import EXPIRED

    if len(chosen) != 1 or kb is None or _GIVES_FIGURES.search(question) or not _STILL.search(question):
        return chosen
    label, sc = chosen[0]
    doc = kb.documents.get(sc.clause.doc_id)
    if doc is None or doc.validity(as_of) != EXPIRED:
        return chosen
    term = term_clause(kb, sc.clause.doc_id)
    if term is None or term.clause_id == sc.clause.clause_id:
        return chosen
    return [(label, ScoredClause(term, sc.score, rank=1))]
