"""The conversation front door every UI calls: question (+ session) → ``Answer``.

    Assistant(kb, settings, llm=None)
        .ask(question, session_id=None, as_of=None) -> Answer
        .stream(question, session_id=None, as_of=None) -> iterator of str chunks, then the Answer
        .new_session() -> str;  .history(session_id) -> list[dict];  .clear(session_id)
    get_assistant(settings) -> Assistant      cached per settings

Flow of one turn: take one build (``BuildView``) → validate → follow-up rewriting
(rules, or the LLM's history-aware condensing) → scope check → retrieval
(``selection.retrieve``: per region when regions are named) → scope
check on the retrieval → facts + calculator → default composer or LLM (falling back
to the composer on LLMError) → session saved. ``Answer.retrieved`` holds the
retrieval used in the pipeline's final order (cited clauses first), for hit@k in the
evaluation.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Iterator

from assistant.answer import scope as scope_mod
from assistant.answer.select import choose
from assistant.answer.compose import compose
from assistant.calculator.select import calculate_for
from assistant.calculator.bind import TEXT_FACTS, as_quantity, fact_type, needs_of
from assistant.lexicon.numbers import format_quantity
from index.config import Settings, parse_as_of
from index.errors import PolicyAssistantError
from assistant.errors import LLMError
from assistant.question.facts import extract_facts
from assistant.question.followup import ConversationState, is_followup, rewrite
from assistant.answer.view import BuildView
from assistant.records import Answer, Calculation
from index.records import ScoredClause
from assistant.rules.catalog import rules_for
from assistant.rules.fact_names import lookup, money_family
from assistant.answer.select import best_fit, expired_term_first, final_ranking, retrieve
from assistant.chat.sessions import NOT_SAVED, SessionStore
from assistant.match.broad import broad_answer, is_broad
from index.store.retrieve import check_query

K = 8

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_AMOUNT_QUESTION = re.compile(r"多少|能拿|能补|可以拿|可获|能获得|怎么算|计算|测算|算一下|补几|奖几")


def clean_question(question, max_chars: int) -> str:
    """Raw input → question text; control characters stripped. InputError when empty/too long."""
    if not isinstance(question, str):
        return check_query(question, max_chars)  # raises the one "must be text" error
    q = _CONTROL.sub("", question.replace("\r", " ").replace("\t", " ")).replace("\n", " ")
    return check_query(q, max_chars)


def _facts_from_state(d: dict) -> dict:
    out = {}
    for k, v in (d or {}).items():
        try:
            out[k] = Decimal(v) if isinstance(v, str) and re.fullmatch(r"-?\d+(?:\.\d+)?", v) else v
        except InvalidOperation:
            out[k] = v
    return out


class Assistant:
    """Answers questions over a KnowledgeBase; sessions under ``settings.sessions_dir``."""

    def __init__(self, kb, settings: Settings, llm=None):
        self.kb = kb
        self.settings = settings
        self.sessions = SessionStore(settings.sessions_dir, ttl_days=settings.session_ttl_days)
        if llm is None and settings.llm_enabled:
            from assistant.answer.llm import LLMAnswerer

            llm = LLMAnswerer.from_settings(settings)
        self.llm = llm
        self._view: BuildView | None = None
        self._view_lock = threading.Lock()

    def snapshot(self) -> "BuildView":
        """The knowledge base's current build, fixed: one answer reads only this. Derived
        data (coverage, corpus text, rule tables) lives on the view, so a re-ingest that
        adds a region is in scope from the next question on, without a restart."""
        if hasattr(self.kb, "refresh"):
            self.kb.refresh()
        with self._view_lock:
            if self._view is None or self._view.version != getattr(self.kb, "version", ""):
                self._view = BuildView(self.kb)
            return self._view

    @property
    def coverage(self) -> scope_mod.Coverage:
        return self.snapshot().coverage

    @property
    def mode(self) -> str:
        return "llm" if self.llm is not None else "default"

    # -- sessions ---------------------------------------------------------------------

    def new_session(self) -> str:
        return self.sessions.new()

    def history(self, session_id: str) -> list[dict]:
        return list(self.sessions.load(session_id)["turns"])

    def clear(self, session_id: str) -> None:
        self.sessions.clear(session_id)

    # -- answering --------------------------------------------------------------------

    def ask(self, question: str, session_id: str | None = None, as_of=None) -> Answer:
        """One turn; returns the final Answer (see ``stream`` for the chunks)."""
        answer = None
        for item in self.stream(question, session_id=session_id, as_of=as_of):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def stream(self, question: str, session_id: str | None = None, as_of=None) -> Iterator[str | Answer]:
        """Validates at once (InputError before any chunk), then yields text chunks and
        finally the Answer."""
        q = clean_question(question, self.settings.max_question_chars)
        day = parse_as_of(as_of) if as_of is not None else self.settings.as_of
        session = self.sessions.load(session_id) if session_id else None
        return self._run(q, session, day)

    def _run(self, q: str, session: dict | None, day: dt.date) -> Iterator[str | Answer]:
        kb = self.snapshot()  # one build for the whole answer, even if a re-ingest lands meanwhile
        state = ConversationState.from_dict(session["state"]) if session else ConversationState()
        standalone, kind = self._standalone(kb, q, state, session)
        sc = scope_mod.check_question(standalone, kb.coverage, kb.corpus_text)
        retrieved: list[ScoredClause] = []
        answer: Answer | None = None
        widened = ""  # the place asked, when its own documents were not what answered
        if not kb.documents:
            sc = scope_mod.Scope(covered=False, reason=scope_mod.EMPTY_CORPUS)
        elif not kind and sc.reason != scope_mod.CHITCHAT and is_broad(q, kb.corpus_text, kb.coverage):
            # a broad listing question: the best matches for the region, and what to ask next
            answer = broad_answer(kb, q, day, kb.coverage)
            answer.mode = self.mode
            _suggest(kb, answer)
            yield from _chunks(answer.answer)
            if session is not None:
                answer.session_id = session["id"]
                self._remember(session, state, q, standalone, answer, sc)
            yield answer
            return
        if not sc.covered and sc.reason == scope_mod.OTHER_REGION:
            sc = self._subject_places(kb, standalone, sc)
        topic = set(state.doc_ids or ([state.doc_id] if state.doc_id else []))
        if sc.covered:
            retrieved, parts, pool = retrieve(kb, standalone, sc.regions, topic, kind, k=K)
            asked_sc, sc = sc, scope_mod.check_retrieval(standalone, retrieved, kb, sc)
            if not sc.covered and (wide := self._province_wide(kb, standalone, asked_sc, topic, kind, retrieved)):
                sc, retrieved, parts, pool = wide
                widened = next(iter(asked_sc.regions))
        if not sc.covered and sc.reason == scope_mod.WEAK and not kind and session is not None \
                and (context := _in_context(q, state, kb)):
            # a short turn that finds nothing on its own ('最长能待几天？' after a question on free
            # lodging) is read as asked of the previous question; a near-miss or another region
            # named is refused as before, and so is a turn that finds nothing in context either
            asked, word = context
            alt = scope_mod.check_question(asked, kb.coverage, kb.corpus_text)
            if alt.covered:
                got, got_parts, got_pool = retrieve(kb, asked, alt.regions, topic, "case", k=K)
                # the clauses holding the turn's word lead; when none does, the context reading
                # stands only if it still answers from the previous answer's documents
                got = _lead_with(got, word) or ([] if not got or got[0].clause.doc_id not in topic else got)
                alt = scope_mod.check_retrieval(asked, got, kb, alt) if got else alt
                if got and alt.covered:
                    pool = _lead_with(got_pool, word) or got_pool
                    standalone, kind, sc, retrieved, parts = asked, "case", alt, got, got_parts
        if not sc.covered:
            answer = Answer(question=q, answer=scope_mod.refusal_text(sc, kb, day), refused=True,
                            retrieved=retrieved, as_of=day.isoformat(), mode=self.mode)
            yield from _chunks(answer.answer)
        else:
            facts, carried = self._facts(q, standalone, state, kind)
            chosen = choose(standalone, pool, parts, kb=kb)
            chosen = expired_term_first(standalone, chosen, kb, day) if not parts else chosen
            if "figure" in kind and not parts and (kept := _topic_takes(kb, state, retrieved, q)):
                chosen = [("", kept)]  # '换成买45台呢？': the same clause, with the new figure
            # the rewrite keeps the topic; the turn itself may say whose share ('区里这块补多少？')
            asked = standalone if standalone == q else f"{standalone}，{q}"
            calcs = self._calculations(kb, asked, chosen, facts, day)
            if self.llm is not None:
                answer = yield from self._llm_answer(kb, standalone, retrieved, parts, calcs, facts, day, session)
            if answer is None:
                answer = compose(kb, standalone, retrieved, day, calculations=calcs, chosen=chosen,
                                 carried=[shown_fact(k, v) for k, v in carried.items()])
                if self.llm is not None:
                    answer.mode = "llm-fallback"
                    answer.warnings.insert(0, "大模型服务暂不可用，已改用内置答复。")
                    answer.answer = "（大模型服务暂不可用，以下为内置答复）\n" + answer.answer
                yield from _chunks(answer.answer)
            if widened and (cited := list(dict.fromkeys(
                    kb.documents[c.doc_id].region for c in answer.citations if c.doc_id in kb.documents))):
                whose = "省级文件" if kb.coverage.places_inside(widened) else "本地的文件"
                note = f"{widened}{whose}中没有直接规定，以下依据{'、'.join(cited)}的文件。"
                answer.warnings.insert(0, note)
                answer.answer = f"提示：{note}\n{answer.answer}"
            if sc.uncovered:
                note = f"已收录文件中没有{'、'.join(sc.uncovered)}的政策，以下只答复已收录地区。"
                answer.warnings.insert(0, note)
                answer.answer = f"提示：{note}\n{answer.answer}"
            state.facts = {k: str(v) for k, v in facts.items()}
        answer.question = q
        _suggest(kb, answer)
        # hit@k reads the pipeline's final order: the clause the answer cites first leads
        answer.retrieved = final_ranking(retrieved, [c.clause_id for c in answer.citations])
        answer.rewritten_question = standalone if standalone != q else None
        if session is not None:
            answer.session_id = session["id"]
            self._remember(session, state, q, standalone, answer, sc)
        yield answer

    def _standalone(self, kb, q: str, state: ConversationState, session: dict | None) -> tuple[str, str]:
        topic = kb.clauses.get(state.clause_id) if session is not None and state.clause_id else None
        if session is None or not is_followup(q, state, topic.text if topic else ""):
            return q, ""
        if self.llm is not None:
            try:
                turns = [(t["rewritten_question"] or t["question"], t["answer"]) for t in session["turns"][-4:]]
                return self.llm.condense(turns, q), "llm"
            except LLMError:
                pass  # the rule-based rewrite still resolves the follow-up
        names = list(kb.coverage.covered_names()) + scope_mod.regions_in(q) + scope_mod.regions_in(state.question)
        return rewrite(q, state, names)

    def _province_wide(self, kb, q: str, sc, topic: set[str], kind: str, own: list[ScoredClause]):
        """'广东的再担保机构…': a question naming one province whose own documents do not speak
        to it is searched again over the documents of the province's cities; one naming a city,
        over the province's documents that name the city in their text. Only a retrieval that
        fits better than the place's own is kept; the answer says whose documents it rests on.
        None otherwise."""
        if len(sc.regions) != 1 or sc.uncovered:
            return None
        (mention, regions), = sc.regions.items()
        inside = kb.coverage.places_inside(mention) or kb.coverage.naming_elsewhere(mention)
        if not inside:
            return None
        wider = replace(sc, regions={mention: inside})
        retrieved, parts, pool = retrieve(kb, q, wider.regions, topic, kind, k=K)
        if not retrieved or best_fit(q, retrieved, kb) <= best_fit(q, own, kb):
            return None  # the place's own documents fit as well: their refusal stands
        checked = scope_mod.check_retrieval(q, retrieved, kb, wider)
        if not checked.covered:
            return None
        return checked, retrieved, parts, pool

    def _subject_places(self, kb, q: str, sc):
        """'引进台湾设计公司有补助吗': a place the matching clauses themselves name is what
        the question is about, not where it is asked from."""
        top = "".join(s.clause.text for s in kb.search(q, k=3))
        if all(place in top for place in sc.uncovered):
            return scope_mod.Scope()
        return sc

    def _facts(self, q: str, standalone: str, state: ConversationState, kind: str) -> tuple[dict, dict]:
        """(facts for the calculator, the part carried from earlier turns). The turn's own
        figures always win; earlier ones carry only into a follow-up on the same topic and
        region, and never over a figure of the same kind the turn gives."""
        own = dict(extract_facts(q) or {})
        same_thread = bool(kind) and not {"region", "topic"} & set(kind.split("+")) \
            and set(scope_mod.regions_in(q)) <= set(state.regions) | set(scope_mod.regions_in(state.question))
        if not same_thread:
            return own, {}
        earlier = dict(extract_facts(standalone, previous=_facts_from_state(state.facts) or None) or {})
        carried = carry_over(earlier, own)
        return {**carried, **own}, carried

    def _calculations(self, kb, q, chosen, facts, day) -> list[Calculation]:
        if not chosen:
            return []
        out: list[Calculation] = []
        for _, s in chosen:
            out.extend(calculate_for(s.clause, facts, kb, day, question=q) or [])
        if not _AMOUNT_QUESTION.search(q) and not facts:
            out = [c for c in out if c.amount_yuan is not None]
        return out

    def _llm_answer(self, kb, q, retrieved, parts, calcs, facts, day, session):
        """Yields verified chunks from the LLM; returns its Answer, or None on LLMError."""
        try:
            gen = self.llm.stream(kb, q, retrieved, day, calculations=calcs, facts=facts)
            while True:
                try:
                    item = next(gen)
                except StopIteration as stop:
                    return stop.value
                if isinstance(item, Answer):
                    return item
                yield item
        except LLMError:
            return None

    def _remember(self, session, state, q, standalone, answer: Answer, sc) -> None:
        if answer.citations:  # also a "the document does not say" answer: its clause is the topic
            top = answer.citations[0]
            state.doc_id, state.clause_id = top.doc_id, top.clause_id
            state.doc_ids = list(dict.fromkeys(c.doc_id for c in answer.citations))
        if not answer.refused or answer.citations:
            state.question = standalone
            state.regions = list(sc.regions)
        turn = {
            "question": q, "rewritten_question": answer.rewritten_question, "answer": answer.answer,
            "refused": answer.refused, "mode": answer.mode, "as_of": answer.as_of,
            "citations": [c.clause_id for c in answer.citations],
            "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        # [reliability] locked read-modify-write (concurrent turns all kept); a damaged history
        # was moved aside by the store and the user is told; a disk that refuses the write
        # leaves the answer standing and says it was not saved
        if session.get("notice"):
            answer.warnings.insert(0, session["notice"])
        if not self.sessions.record(session, state.to_dict(), turn):
            answer.warnings.append(NOT_SAVED)


MAX_CONTEXT_TURN = 30  # characters: a longer turn is a question of its own


def _in_context(q: str, state: ConversationState, kb) -> tuple[str, str] | None:
    """(the turn as asked of the previous question, the turn's own word) — None when there is no
    previous question, the turn is long, names a place of its own (then it is read as it stands),
    or names a thing (a noun) no document uses: the previous question's words alone must not
    answer a turn about something else ('有没有X？' after a question on Y). The turn's own word is
    its word found in the fewest clauses (``fit.clause_count``, cached per build; '' when none)."""
    import jieba.posseg

    from assistant.answer.fit import clause_count
    from assistant.question.terms import GENERIC, content_terms

    turn = q.strip()
    if not state.question or not turn or len(turn) > MAX_CONTEXT_TURN:
        return None
    if scope_mod.regions_in(turn) or any(name in turn for name in kb.coverage.covered_names()):
        return None
    counts = {t: clause_count(kb, t) for t in content_terms(turn)}
    words = [t for t, n in counts.items() if n]
    unknown = [w.word for w in jieba.posseg.cut(turn) if w.flag.startswith("n") and len(w.word) >= 2
               and w.word not in GENERIC and w.word not in kb.corpus_text]
    # a noun no document uses ('有没有X？') is a turn about something else — unless another word of
    # the turn is one the previous answer's documents use: then it is the user's word on that topic
    if unknown and not _topic_holds(kb, state, words):
        return None
    word = min(words, key=lambda t: (counts[t], -len(t), t)) if words else ""
    return f"{state.question.rstrip('？?。 ')}，{turn}", word


def _topic_holds(kb, state: ConversationState, words: list[str]) -> bool:
    """Does a document the previous answer cited hold one of ``words``?"""
    docs = (kb.documents.get(i) for i in (state.doc_ids or [state.doc_id]) if i)
    texts = [d.text for d in docs if d is not None]
    return any(w in t for w in words for t in texts)


def _lead_with(found: list[ScoredClause], word: str) -> list[ScoredClause]:
    """The clauses holding ``word`` first, in their order, ranks renumbered; [] when ``word`` is
    set and no clause holds it; ``found`` as it is when there is no word."""
    if not word:
        return found
    held = [s for s in found if word in s.clause.text]
    if not held:
        return []
    rest = [s for s in found if word not in s.clause.text]
    return [replace(s, rank=i) for i, s in enumerate(held + rest, 1)]


def _suggest(kb, answer: Answer) -> None:
    """The answer's suggested follow-ups (``chat/suggest``) into its sections."""
    from assistant.chat.suggest import suggestions

    found = suggestions(kb, answer)
    if found:
        answer.sections = {**(answer.sections or {}), "suggestions": found}


def _topic_takes(kb, state: ConversationState, retrieved: list[ScoredClause], turn: str) -> ScoredClause | None:
    """The previous answer's clause, when a figure the follow-up gives is one its rules take."""
    clause = kb.clauses.get(state.clause_id) if state.clause_id else None
    given = extract_facts(turn)
    if clause is None or not given:
        return None
    needs = {name for rule in rules_for(kb).get(clause.clause_id, []) for name, _kind in needs_of(rule)}
    if not any(lookup(given, name) is not None for name in needs):
        return None
    return next((s for s in retrieved if s.clause.clause_id == clause.clause_id), None) or ScoredClause(clause, 0.0, rank=0)


def carry_over(earlier: dict, own: dict) -> dict:
    """The earlier facts a turn does not replace: not the same name, and not a figure of the
    same kind ('去年花了1000万' replaces an earlier 发票600万 of the same money family)."""
    def replaced(key, value) -> bool:
        if key in own:
            return True
        kind = fact_type(key, value)
        if kind is None:
            return key in TEXT_FACTS and key in own
        for k, v in own.items():
            if fact_type(k, v) != kind:
                continue
            if kind not in ("元", "美元"):
                return True
            a, b = money_family(key), money_family(k)
            if a is None or b is None or a == b:
                return True
        return False

    return {k: v for k, v in earlier.items() if v not in (None, "") and not replaced(k, v)}


def shown_fact(key: str, value) -> str:
    """'600万元（采购发票总价）', '60台（台套数）', '省级（级别）': a fact as the answer names it."""
    try:
        text = format_quantity(as_quantity(key, value, fact_type(key, value) or ""))
    except PolicyAssistantError:
        text = str(value)
    return text if key.startswith("金额") else f"{text}（{key}）"


def _chunks(text: str) -> Iterator[str]:
    """The text line by line (lines keep their newline), for streaming UIs."""
    for line in text.splitlines(keepends=True):
        yield line


_CACHE: dict[Settings, Assistant] = {}
_CACHE_LOCK = threading.Lock()


def get_assistant(settings: Settings) -> Assistant:
    """One Assistant (and one open KnowledgeBase) per settings, per process."""
    with _CACHE_LOCK:
        if settings not in _CACHE:
            from index.store.knowledge import KnowledgeBase

            _CACHE[settings] = Assistant(KnowledgeBase.open(settings), settings)
        return _CACHE[settings]


def reset_cache() -> None:
    """Forget cached assistants (tests; a re-ingest needs no reset: answers follow ``kb.version``)."""
    with _CACHE_LOCK:
        _CACHE.clear()


__all__ = ["Assistant", "get_assistant", "clean_question", "reset_cache", "PolicyAssistantError"]
