"""The one place the HTTP API and the web UI get their data from.

settings (+ optional ready ``Assistant`` / ``KnowledgeBase``) → ``Service`` whose methods
return records or plain dicts and raise named errors (``assistant.errors``):

    ask / stream        question → Answer (citations re-checked against the source text)
    search              query + filters → ranked hits with verified citation lines
    calculate           clause id + facts → list[Calculation]
    documents/document  metadata, validity at as-of, clause tree

The knowledge base and the assistant load lazily on first use, so the server starts
(and shows how to build the index) even when no index exists yet. ``warm()`` (run by the
server in the background as it starts) loads the index and the embedding model and answers
one warm-up question, so the first real answer after /healthz says "ready" pays no load.

``health()`` tells the truth: ``status`` is "starting" (warming), "ready", or "degraded"
with ``reasons`` (index missing, model not loaded, data dir not writable); ``http_status``
is 200 when answers can be given (ready, or degraded only by an unwritable disk: answers
then say they were not saved) and 503 otherwise.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from typing import Any, Iterator

from assistant.calculator.select import calculate_clause
from assistant.rules.catalog import rules_for
from index.config import Settings, parse_as_of
from index.errors import ConfigError, IndexNotBuiltError, InputError, PolicyAssistantError
from assistant.records import Answer, Calculation, Citation
from index.records import Clause, ScoredClause

SEARCH_MODES = ("hybrid", "dense", "bm25")
# one limit for `search --k` (CLI), /api/search and the UI: the retriever's
from index.store.retrieve import MAX_K  # noqa: E402
_SURROGATE = re.compile("[\ud800-\udfff]")
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]")
WARM_QUESTION = "企业可以申请哪些补助？"  # a generic question: loads jieba, the model, the rules
# a broad question goes to matching; this one takes the usual path (selection, calculator,
# composer, suggestions), so its first use is paid here and not by the first owner
WARM_SPECIFIC = "投资1000万元建设的项目能获得多少补助？"
_PROBE_EVERY = 5.0  # seconds a writability probe is trusted
# A hit is relevant when its dense cosine (m3e-small) reaches RELEVANT_DENSE or it holds
# RELEVANT_OVERLAP of the query's Chinese bigrams. Measured (benchmarks/bench_search_cutoff.py):
# 187 answerable eval questions + 20 keyword queries vs 50 off-topic/random queries: this rule
# loses 1 of 207 real queries and keeps 0 of 50 garbage ones (garbage dense ≤ 0.692, overlap ≤ 0.143).
RELEVANT_DENSE = 0.70
RELEVANT_OVERLAP = 0.15
NO_MATCH_ZH = "无相关条款：已收录的文件中没有与检索内容相关的条款。请换个说法，或放宽筛选条件。"
log = logging.getLogger("policy_assistant.service")


STORAGE_ZH = "知识库暂时无法打开（数据目录可能只读、已满或已损坏），请联系管理员。"


def storage_failure(exc: BaseException) -> bool:
    """An error of the storage underneath (the vector store, SQLite, a read-only or full
    disk) rather than of the request: answered 503, and named in /healthz."""
    import errno
    import sqlite3

    if isinstance(exc, sqlite3.Error) or type(exc).__module__.split(".")[0] == "chromadb":
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EDQUOT):
        return True
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and storage_failure(cause)


class NotFoundError(InputError):
    """An unknown document or clause id (HTTP 404)."""

    zh = "未找到该文件或条款。"


class TooLongError(InputError):
    """A question over ``settings.max_question_chars`` (HTTP 413)."""


class Service:
    """Lazy bridge from front ends to the knowledge base, the assistant and the calculator."""

    def __init__(self, settings: Settings, assistant=None, kb=None):
        self.settings = settings
        self._assistant = assistant
        self._kb = kb if kb is not None else getattr(assistant, "kb", None)
        self._lock = threading.Lock()
        self._rules: tuple[dict, dict[str, list]] | None = None
        self._warm_state = "cold"  # cold → starting → ready (warm() ran; failures kept in _warm_error)
        self._warm_error: PolicyAssistantError | Exception | None = None
        self._probe: tuple[float, str | None] | None = None
        self.warm_seconds: float | None = None

    # -- warming and health ------------------------------------------------
    def warm(self) -> None:
        """Load the index and the model and answer one warm-up question (no session is
        written); never raises — a failure shows in ``health()``."""
        self._warm_state = "starting"
        start = time.perf_counter()
        try:
            kb = self.kb
            if kb.clauses:
                self.assistant.ask(WARM_QUESTION, session_id=None)
                self.assistant.ask(WARM_SPECIFIC, session_id=None)
                kb.search(WARM_QUESTION, k=1, mode="dense")
                self.rules()
                import pandas  # noqa: F401 - the 文件库 table's first load would pay for it
                # jieba's part-of-speech tables (1-2 s to load) serve only some questions (the
                # purpose check in answer/fit); loaded here, the first such question is not slow
                import jieba.posseg  # noqa: F401
            self._warm_error = None
        except Exception as exc:  # noqa: BLE001 - reported by health(), not raised
            self._warm_error = exc
            if not isinstance(exc, PolicyAssistantError):
                log.exception("warm-up failed")
        finally:
            self.warm_seconds = time.perf_counter() - start
            self._warm_state = "ready"

    def start_warming(self) -> threading.Thread:
        self._warm_state = "starting"
        thread = threading.Thread(target=self.warm, name="warm-up", daemon=True)
        thread.start()
        return thread

    def _writable(self) -> str | None:
        now = time.monotonic()
        if self._probe is None or now - self._probe[0] > _PROBE_EVERY:
            from assistant.chat.sessions import SessionStore

            self._probe = (now, SessionStore(self.settings.sessions_dir).writable())
        return self._probe[1]

    # -- loading ---------------------------------------------------------
    @property
    def kb(self):
        if self._kb is None:
            self._kb = self.assistant.kb
        return self._kb

    @property
    def assistant(self):
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    from assistant.chat.assistant import Assistant, get_assistant

                    # one open knowledge base per process, shared with the CLI's cache
                    self._assistant = (Assistant(self._kb, self.settings) if self._kb is not None
                                       else get_assistant(self.settings))
        return self._assistant

    @property
    def mode(self) -> str:
        mode = getattr(self._assistant, "mode", None)
        return mode if isinstance(mode, str) else ("llm" if self.settings.llm_enabled else "default")

    def health(self) -> dict[str, Any]:
        """Never raises: starting / ready / degraded, with the reasons (see the module doc)."""
        body: dict[str, Any] = {"status": "ready", "index_loaded": False, "model_loaded": False,
                                "documents": 0, "clauses": 0, "mode": self.mode,
                                "as_of": self.settings.as_of.isoformat(), "reasons": []}
        if self._warm_state == "starting":
            body.update(status="starting", message_zh="服务正在启动（加载知识库和模型），请稍候。",
                        http_status=503)
            return body
        reasons, zh = [], []
        try:
            kb = self._kb if self._kb is not None else self.kb
            body.update(index_loaded=True, documents=len(kb.documents), clauses=len(kb.clauses),
                        version=kb.version)  # the CLI asks a server only over its own build
            body["model_loaded"] = bool(getattr(kb, "model_loaded", False))
        except PolicyAssistantError as exc:
            reasons.append(f"index: {exc}")
            zh.append(exc.zh)
            body.update(error=str(exc))
        if body["index_loaded"] and isinstance(self._warm_error, IndexNotBuiltError):
            self.start_warming()  # the index was built since the server started: warm up now
            body.update(status="starting", message_zh="服务正在启动（加载知识库和模型），请稍候。",
                        http_status=503)
            return body
        if body["index_loaded"] and self._warm_error is not None:
            if storage_failure(self._warm_error):
                reasons.append(f"index: the vector store cannot be opened ({type(self._warm_error).__name__}: "
                               f"{self._warm_error})")
                zh.append(STORAGE_ZH)
            else:
                reasons.append(f"model: {self._warm_error}")
                zh.append("模型或知识库加载失败，暂时无法回答。")
        elif self._warm_state == "ready" and body["index_loaded"] and not body["model_loaded"]:
            reasons.append("model: the embedding model is not loaded")
            zh.append("模型尚未加载。")
        answering = not reasons
        disk = self._writable()
        if disk:
            reasons.append(f"disk: {disk}")
            zh.append("数据目录不可写：照常回答，但对话不会保存。")
        if reasons:
            body.update(status="degraded", reasons=reasons, message_zh="".join(zh),
                        error=body.get("error") or "; ".join(reasons))
        body["http_status"] = 200 if answering else 503
        return body

    # -- input checks ----------------------------------------------------
    def as_of(self, value: str | dt.date | None = None) -> dt.date:
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.settings.as_of
        try:
            return parse_as_of(value)
        except ConfigError as exc:  # user input here, not configuration: say what to type
            raise InputError(str(exc), zh=f"日期“{value}”无效，请按 YYYY-MM-DD 填写，例如 2026-11-21。") from None

    def check_question(self, question: str, what: str = "question", what_zh: str = "问题") -> str:
        """Stripped text; InputError when empty, TooLongError over settings.max_question_chars."""
        if question is not None and not isinstance(question, str):
            raise InputError(f"{what} must be text, not {type(question).__name__}", zh=f"{what_zh}必须是文字。")
        q = (question or "").strip()
        if not q:
            raise InputError(f"{what} is empty", zh=f"请输入{what_zh}。")
        if _SURROGATE.search(q):  # half of a UTF-16 pair, or bytes that were not UTF-8
            raise InputError(f"{what} holds a lone surrogate (not a character)",
                             zh=f"{what_zh}中含有无法识别的字符，请删除后重新输入。")
        limit = self.settings.max_question_chars
        if len(q) > limit:
            raise TooLongError(
                f"{what} is {len(q)} characters; the limit is {limit}",
                zh=f"{what_zh}过长（{len(q)}字），请控制在{limit}字以内。",
            )
        return q

    # -- answering -------------------------------------------------------
    def ask(self, question: str, session_id: str | None = None, as_of: str | None = None) -> Answer:
        """Every answer carries a session id (a new one when none was given), so any
        client can follow up by sending it back."""
        q = self.check_question(question)
        day = self.as_of(as_of)
        answer = self.assistant.ask(q, session_id=session_id or self.new_session(), as_of=day)
        return self.screen(answer)

    def stream(self, question: str, session_id: str | None = None,
               as_of: str | None = None) -> Iterator[str | Answer]:
        """Text chunks, then the final (screened) Answer. Input is checked here, before
        the first chunk, so a caller can still answer with an error status."""
        q = self.check_question(question)
        day = self.as_of(as_of)
        items = self.assistant.stream(q, session_id=session_id or self.new_session(), as_of=day)
        return (self.screen(item) if isinstance(item, Answer) else item for item in items)

    def new_session(self) -> str:
        return self.assistant.new_session()

    def clear(self, session_id: str | None) -> None:
        if session_id:
            self.assistant.clear(session_id)

    def verified(self, citation: Citation) -> bool:
        """The quote must be the exact span of the document it names; checked here again
        because this is the last stop before a user sees it."""
        from assistant.answer.citations import verify

        return verify(self.kb, citation)

    def screen(self, answer: Answer) -> Answer:
        kept = [c for c in answer.citations if self.verified(c)]
        if len(kept) < len(answer.citations):
            answer.citations = kept
            answer.warnings = list(answer.warnings) + ["引用核验未通过，已隐去该引用。"]
        for calc in [answer.calculation, *answer.calculations]:
            if calc is not None and calc.citation is not None and not self.verified(calc.citation):
                calc.citation = None
        return answer

    # -- retrieval -------------------------------------------------------
    def search(self, query: str, k: int = 8, region: str | None = None, issuer: str | None = None,
               valid_only: bool = False, mode: str = "hybrid", as_of: str | None = None) -> list[dict]:
        """Ranked hits: {rank, score, clause, citation (verified, whole clause), highlight (the
        sentence most like the query, offsets in the clause text)}; hits under the relevance
        cutoff (``relevant``) are left out, so an irrelevant query gets none.
        Text with no letter, digit or Chinese character (garbage, undecodable bytes) and a
        region or issuer no document has give no hits; ``search_notice`` says why."""
        q = self.check_question(query, what="search query", what_zh="检索内容")
        if mode not in SEARCH_MODES:
            raise InputError(f"mode must be one of {', '.join(SEARCH_MODES)}", zh="检索方式无效。")
        if not 1 <= int(k) <= MAX_K:
            raise InputError(f"k must be between 1 and {MAX_K}", zh=f"结果条数应在1到{MAX_K}之间。")
        if self.search_notice(q, region=region, issuer=issuer):
            return []
        day = self.as_of(as_of)
        hits: list[ScoredClause] = self.kb.search(
            q, k=int(k), mode=mode, region=region or None, issuer=issuer or None,
            valid_only=bool(valid_only), as_of=day)
        out = []
        for i, hit in enumerate(hits, 1):
            if not relevant(q, hit):
                continue
            citation = self.citation_for(hit.clause, day)
            if citation is None:
                continue
            out.append({
                "rank": hit.rank or i,
                "score": round(float(hit.score), 6),
                "dense_score": hit.dense_score,
                "bm25_score": hit.bm25_score,
                "clause_id": hit.clause.clause_id,
                "display_path": hit.clause.display_path,
                "path": list(hit.clause.path),
                "text": hit.clause.text,
                "citation": citation.to_dict(),
                "line": citation.line,
                "highlight": matching_sentence(hit.clause, q),
            })
        return out

    def search_notice(self, query: str, region: str | None = None, issuer: str | None = None) -> str | None:
        """Why a search finds nothing before it runs (Chinese), or None."""
        if not _MEANINGFUL.search((query or "").replace("\ufffd", "")):
            return "检索内容中没有可识别的文字（汉字、字母或数字），请重新输入。"
        from index.store.retrieve import allowed_documents

        for key, value, known, what in (("region", region, self.regions(), "地区"),
                                        ("issuer", issuer, self.issuers(), "发文机关")):
            value = (value or "").strip()
            if value and not allowed_documents(self.kb, **{key: value}):
                shown = "、".join(known[:12]) + ("等" if len(known) > 12 else "")
                return f"未收录{what}为“{value}”的文件；已收录的{what}：{shown}。"
        return None

    def citation_for(self, clause: Clause, day: dt.date | None = None) -> Citation | None:
        from assistant.answer.citations import make_citation

        try:
            c = make_citation(self.kb, clause, as_of=day or self.settings.as_of)
        except PolicyAssistantError:
            return None  # a clause that cannot be quoted exactly is not shown
        return c if self.verified(c) else None

    def clause(self, clause_id: str) -> Clause:
        clause = self.kb.clauses.get(clause_id)
        if clause is None:
            raise NotFoundError(f"unknown clause {clause_id!r}", zh=f"未找到条款 {clause_id}。")
        return clause

    # -- calculator ------------------------------------------------------
    def rules(self) -> dict[str, list]:
        """clause_id → its subsidy rules (only clauses that have some), computed once per build
        (a document published or removed while serving moves the kb to a new build)."""
        table = rules_for(self.kb)  # cached on the kb, dropped when it moves to a new build
        if self._rules is None or self._rules[0] is not table:
            self._rules = (table, {cid: rs for cid, rs in table.items() if rs})
        return self._rules[1]

    def calculate(self, clause_id: str, facts: dict[str, str], as_of: str | None = None) -> list[Calculation]:
        self.clause(clause_id)  # unknown ids: NotFoundError
        clean = {str(k).strip(): str(v).strip() for k, v in (facts or {}).items()
                 if str(k).strip() and str(v).strip()}
        day = self.as_of(as_of)
        calcs = calculate_clause(self.kb, clause_id, clean, as_of=day)
        for calc in calcs:
            if calc.citation is not None and not self.verified(calc.citation):
                calc.citation = None
        return calcs

    # -- documents -------------------------------------------------------
    def document_summary(self, doc, day: dt.date) -> dict[str, Any]:
        d = doc.to_dict()
        d["validity"] = doc.validity(day)
        d["clause_count"] = len(self.kb.clauses_of(doc.doc_id))
        return d

    def documents(self, as_of: str | None = None) -> list[dict[str, Any]]:
        day = self.as_of(as_of)
        docs = sorted(self.kb.documents.values(), key=lambda d: (d.region, d.doc_id))
        return [self.document_summary(d, day) for d in docs]

    def document(self, doc_id: str, as_of: str | None = None) -> dict[str, Any]:
        doc = self.kb.documents.get(doc_id)
        if doc is None:
            raise NotFoundError(f"unknown document {doc_id!r}", zh=f"未找到文件 {doc_id}。")
        d = self.document_summary(doc, self.as_of(as_of))
        clauses = self.kb.clauses_of(doc_id)
        d["clauses"] = [c.to_dict() for c in clauses]
        d["tree"] = clause_tree(clauses)
        return d

    def regions(self) -> list[str]:
        return sorted({d.region for d in self.kb.documents.values() if d.region})

    def issuers(self) -> list[str]:
        return sorted({d.issuer for d in self.kb.documents.values() if d.issuer})


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)
            if all("\u4e00" <= ch <= "\u9fff" for ch in text[i:i + 2])}


def relevant(query: str, hit: ScoredClause) -> bool:
    """The relevance cutoff (RELEVANT_DENSE / RELEVANT_OVERLAP, measured above)."""
    if hit.dense_score is not None and hit.dense_score >= RELEVANT_DENSE:
        return True
    asked = _bigrams(query)
    found = _bigrams(hit.clause.text + "".join(hit.clause.path))
    return bool(asked) and len(asked & found) / len(asked) >= RELEVANT_OVERLAP


def matching_sentence(clause: Clause, query: str) -> list[int]:
    """[start, end] within ``clause.text`` of the sentence sharing the most of the query's
    bigrams (ties: the earlier one); [] when no sentence shares any."""
    from assistant.answer.citations import sentence_spans

    asked = _bigrams(query)
    best, best_n = [], 0
    for s, e in sentence_spans(clause):
        n = len(asked & _bigrams(clause.text[s - clause.start:e - clause.start]))
        if n > best_n:
            best, best_n = [s - clause.start, e - clause.start], n
    return best


def clause_tree(clauses: list[Clause]) -> list[dict[str, Any]]:
    """Flat clauses (in document order) → nested headings, document order kept:
    a list of items, each either a heading node ``{"heading", "items": [...]}`` or a
    clause ``{"clause_id", "display_path", "heading", "text"}``."""
    root: dict[str, Any] = {"heading": "", "items": []}
    for c in clauses:
        node = root
        # the last path element is the clause's own heading; group under its parents
        for heading in c.path[:-1]:
            found = next((it for it in node["items"] if it.get("heading") == heading
                          and "items" in it), None)
            if found is None:
                found = {"heading": heading, "items": []}
                node["items"].append(found)
            node = found
        node["items"].append({
            "clause_id": c.clause_id,
            "display_path": c.display_path,
            "heading": c.path[-1] if c.path else "",
            "text": c.text,
        })
    return root["items"]
