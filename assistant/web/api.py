"""HTTP API (FastAPI) with the Gradio web UI mounted at "/".

``create_app(settings, assistant=None, auth=None) -> FastAPI``

    POST /api/ask                 {question, session_id?, as_of?} → Answer.to_dict()
    POST /api/ask/stream          same body → server-sent events: chunk…, answer
    GET  /api/search?q=&k=&region=&issuer=&valid_only=&mode=&as_of=  → ranked clauses
    POST /api/calculate           {clause_id, facts: {name: value}, as_of?} → calculations
    GET  /api/documents           → documents with validity at as_of and clause counts
    GET  /api/documents/{doc_id}  → one document with its clause tree
    GET  /healthz                 → index loaded, counts, mode (default | llm); never 5xx
    /docs, /openapi.json          → OpenAPI

Every error under /api/ is JSON ``{"error": English, "message_zh": Chinese, …}``: 400 bad
input (also a body that is not UTF-8 JSON, nests deeper than MAX_JSON_DEPTH, holds a number of
more than MAX_NUMBER_DIGITS digits or a lone surrogate), 404 unknown id or path, 405 wrong
method (with ``Allow``), 413 question or body too long, 422 wrong shape or type, 500 an
unexpected fault (logged; never text/plain), 502 LLM, 503 index not built. A request body is
limited to MAX_BODY_BYTES (env POLICY_MAX_BODY_KB), checked on Content-Length and again on
the bytes as they arrive, before anything is parsed. /api/ask/stream always ends with an
``answer`` or an ``error`` event.
With ``auth=(user, password)`` the API and docs need HTTP Basic and the UI its login.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
from typing import Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from index.config import Settings
from assistant.records import Answer
from index.errors import ConfigError, IndexNotBuiltError, InputError, PolicyAssistantError
from assistant.errors import LLMError
from assistant.web.service import MAX_K, NotFoundError, Service, TooLongError

# a hard cap on body fields, far above settings.max_question_chars, so a huge body is
# refused by validation before anything else looks at it
_HARD_CAP = 100_000
MAX_BODY_BYTES = max(1, int(os.environ.get("POLICY_MAX_BODY_KB", "") or 256)) * 1024
MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 40  # a JSON number longer than this is no figure a user typed
_LONG_NUMBER = re.compile(rb"-?\d{%d,}" % (MAX_NUMBER_DIGITS + 1))
_SURROGATE = re.compile("[\ud800-\udfff]")
log = logging.getLogger("policy_assistant.api")

UNEXPECTED_ZH = "系统出现意外错误，请稍后再试；如持续出现，请联系管理员。"


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: StrictStr = Field(max_length=_HARD_CAP, description="问题（中文）")
    session_id: StrictStr | None = Field(None, max_length=200, description="追问时传入上次返回的 session_id")
    as_of: StrictStr | None = Field(None, description="YYYY-MM-DD，判断有效性的日期")


class CalculateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clause_id: StrictStr = Field(min_length=1, max_length=300)
    # amounts as strings ("300万元") or whole numbers: a JSON float would lose exactness
    facts: dict[StrictStr, StrictStr | StrictInt] = Field(default_factory=dict, max_length=50)
    as_of: StrictStr | None = None


def _status(exc: PolicyAssistantError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, TooLongError):
        return 413
    if isinstance(exc, (InputError, ConfigError)):
        return 400
    if isinstance(exc, IndexNotBuiltError):
        return 503
    if isinstance(exc, LLMError):
        return 502
    return 500


def _error(status: int, english: str, zh: str, headers: dict | None = None, **extra) -> JSONResponse:
    return JSONResponse({"error": english, "message_zh": zh, **extra}, status_code=status, headers=headers)


def _sse(event: str, data) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _basic_ok(request: Request, auth: tuple[str, str]) -> bool:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    # bytes, because compare_digest refuses non-ASCII str; both compared to keep timing flat
    ok_user = secrets.compare_digest(user.encode(), auth[0].encode())
    ok_pass = secrets.compare_digest(password.encode(), auth[1].encode())
    return ok_user and ok_pass


class BadBody(ValueError):
    def __init__(self, english: str, zh: str):
        super().__init__(english)
        self.zh = zh


def _check_number(text: str):
    if len(text.lstrip("-").split(".")[0].split("e")[0].split("E")[0]) > MAX_NUMBER_DIGITS:
        raise BadBody(f"a number in the body has more than {MAX_NUMBER_DIGITS} digits",
                      f"请求中的数字过长（超过{MAX_NUMBER_DIGITS}位）；金额请写成文字，例如 \"800万元\"。")
    return text


def _walk(value, depth: int = 0) -> None:
    if depth > MAX_JSON_DEPTH:
        raise BadBody(f"the body nests deeper than {MAX_JSON_DEPTH} levels",
                      f"请求内容嵌套过深（超过{MAX_JSON_DEPTH}层）。")
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise BadBody("the body holds a lone surrogate (not a character)",
                          "请求中含有无法识别的字符（不成对的代理码位），请删除后重试。")
    elif isinstance(value, dict):
        for k, v in value.items():
            _walk(k, depth + 1)
            _walk(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _walk(v, depth + 1)


def check_json_body(raw: bytes) -> None:
    """Raises BadBody unless ``raw`` is UTF-8 JSON the API can use: no nesting deeper than
    MAX_JSON_DEPTH, no number of more than MAX_NUMBER_DIGITS digits, no lone surrogate."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("the body is not valid UTF-8", "请求内容不是有效的 UTF-8 编码文本。") from None
    try:
        value = json.loads(text, parse_int=_check_number, parse_float=_check_number)
    except RecursionError:
        raise BadBody(f"the body nests deeper than {MAX_JSON_DEPTH} levels",
                      f"请求内容嵌套过深（超过{MAX_JSON_DEPTH}层）。") from None
    except BadBody:
        raise
    except ValueError as exc:
        raise BadBody(f"the body is not valid JSON ({exc})", "请求内容不是有效的 JSON。") from None
    _walk(value)


class RequestGuard:
    """The outermost ASGI layer. For every request with a body: Content-Length and then the
    bytes as they arrive are held to MAX_BODY_BYTES (413 before anything parses it). Under
    /api/: a path no API route serves is a JSON 404, a wrong method a JSON 405 with ``Allow``,
    and a JSON body must pass ``check_json_body`` (400)."""

    def __init__(self, app, routes, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.routes = routes  # the API app's route list, read at call time
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        api = path.startswith("/api/")
        if api:
            refusal = self._route_refusal(scope)
            if refusal is not None:
                return await refusal(scope, receive, send)
        if scope.get("method") in ("GET", "HEAD", "OPTIONS") or path.endswith("/upload"):
            return await self.app(scope, receive, send)
        too_big = _error(413, f"request body over the limit of {self.limit // 1024} KB",
                         f"请求内容过大（上限 {self.limit // 1024} KB）。")
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await too_big(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                return await too_big(scope, receive, send)
            chunks.append(body)
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        if api and raw.strip():
            try:
                check_json_body(raw)
            except BadBody as exc:
                return await _error(400, str(exc), exc.zh)(scope, receive, send)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    def _route_refusal(self, scope):
        from starlette.routing import Match, Mount

        allowed: set[str] = set()
        for route in self.routes:
            if isinstance(route, Mount):
                continue
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return None
            if match == Match.PARTIAL:
                allowed |= set(getattr(route, "methods", None) or ())
        if allowed:
            allow = ", ".join(sorted(allowed))
            return _error(405, f"method {scope.get('method')} not allowed here; use {allow}",
                          f"不支持该请求方法（{scope.get('method')}），请使用 {allow}。",
                          headers={"Allow": allow})
        return _error(404, f"no API endpoint at {scope.get('path')}", "未找到该接口地址，请查看 /docs。")


def create_app(settings: Settings, assistant=None, auth: tuple[str, str] | None = None,
               kb=None, ui: bool = True) -> FastAPI:
    """The FastAPI app; ``ui=False`` leaves the Gradio UI out (API only)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    service = Service(settings, assistant=assistant, kb=kb)
    meta = dict(title="政策助手 API", version="0.1.0",
                description="Answers about Chinese industrial policy with verified clause citations.")
    try:
        # serves the Swagger UI / ReDoc assets itself: /docs works with no CDN
        from fastapi_offline import FastAPIOffline

        app = FastAPIOffline(static_url="/api-docs-static", **meta)
    except ModuleNotFoundError:
        app = FastAPI(**meta)
    app.state.service = service

    if auth:
        protected = ("/api/", "/docs", "/redoc", "/openapi.json")

        @app.middleware("http")
        async def basic_auth(request: Request, call_next):
            if request.url.path.startswith(protected) and not _basic_ok(request, auth):
                return JSONResponse(
                    {"error": "authentication required", "message_zh": "需要登录：请提供用户名和密码。"},
                    status_code=401, headers={"WWW-Authenticate": 'Basic realm="policy-assistant"'})
            return await call_next(request)

    @app.middleware("http")
    async def no_sniff(request: Request, call_next):
        # JSON echoing user text must never be sniffed into HTML by a browser
        response = await call_next(request)
        if request.url.path.startswith(("/api/", "/healthz")):
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.exception_handler(PolicyAssistantError)
    async def library_error(request: Request, exc: PolicyAssistantError):
        return _error(_status(exc), str(exc), exc.zh)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        zh = {400: "请求内容无法解析。", 401: "需要登录。", 403: "无权访问。", 404: "未找到。",
              405: "不支持该请求方法。", 413: "请求内容过大。"}.get(exc.status_code, "请求有误。")
        return _error(exc.status_code, str(exc.detail), zh, headers=getattr(exc, "headers", None))

    @app.exception_handler(ArithmeticError)
    async def arithmetic_error(request: Request, exc: ArithmeticError):
        # decimal.InvalidOperation & co.: a figure beyond what can be computed exactly
        log.warning("arithmetic error on %s: %r", request.url.path, exc)
        return _error(400, "a figure is too large or malformed to compute exactly",
                      "数额过大或格式有误，无法精确计算，请检查输入的数字。")

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return _error(500, f"internal error ({type(exc).__name__})", UNEXPECTED_ZH)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return _error(422, "invalid request: " + "; ".join(problems),
                      "请求格式有误：" + "；".join(problems), detail=problems)

    @app.get("/healthz", tags=["status"])
    def healthz():
        return service.health()

    @app.post("/api/ask", tags=["answers"])
    def ask(req: AskRequest):
        """Answer a question with verified citations; pass ``session_id`` back for follow-ups."""
        return service.ask(req.question, session_id=req.session_id, as_of=req.as_of).to_dict()

    @app.post("/api/ask/stream", tags=["answers"])
    def ask_stream(req: AskRequest):
        """Server-sent events: ``chunk`` (text as it is written), then ``answer`` (the same
        JSON as /api/ask), or ``error`` if something fails midway."""
        items = service.stream(req.question, session_id=req.session_id, as_of=req.as_of)

        def events():
            # never an empty 200: the stream ends with an ``answer`` or an ``error`` event
            answered = False
            try:
                for item in items:
                    if isinstance(item, Answer):
                        answered = True
                        yield _sse("answer", item.to_dict())
                    else:
                        yield _sse("chunk", item)
            except PolicyAssistantError as exc:
                yield _sse("error", {"error": str(exc), "message_zh": exc.zh})
                return
            except ArithmeticError as exc:
                log.warning("arithmetic error in a stream: %r", exc)
                yield _sse("error", {"error": "a figure is too large or malformed to compute exactly",
                                     "message_zh": "数额过大或格式有误，无法精确计算，请检查输入的数字。"})
                return
            except Exception as exc:  # noqa: BLE001 - the client must hear that it failed
                log.exception("unexpected error in a stream")
                yield _sse("error", {"error": f"internal error ({type(exc).__name__})",
                                     "message_zh": UNEXPECTED_ZH})
                return
            if not answered:
                yield _sse("error", {"error": "the answer ended without a result",
                                     "message_zh": UNEXPECTED_ZH})

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    @app.get("/api/search", tags=["clauses"])
    def search(q: str = Query("", max_length=_HARD_CAP, description="检索词"),
               k: int = Query(8, ge=1, le=MAX_K),
               region: str | None = None, issuer: str | None = None,
               valid_only: bool = False,
               mode: Literal["hybrid", "dense", "bm25"] = "hybrid",
               as_of: str | None = None):
        """Ranked clauses, each with its citation line (title, 文号, issuer, clause path)."""
        hits = service.search(q, k=k, region=region, issuer=issuer, valid_only=valid_only,
                              mode=mode, as_of=as_of)
        return {"query": q.strip(), "count": len(hits), "results": hits}

    @app.post("/api/calculate", tags=["calculator"])
    def calculate(req: CalculateRequest):
        """Subsidy amounts for one clause from the given facts (exact, Decimal as strings)."""
        calcs = service.calculate(req.clause_id, {k: str(v) for k, v in req.facts.items()},
                                  as_of=req.as_of)
        return {"clause_id": req.clause_id, "calculations": [c.to_dict() for c in calcs]}

    @app.get("/api/documents", tags=["documents"])
    def documents(as_of: str | None = None):
        docs = service.documents(as_of=as_of)
        return {"count": len(docs), "documents": docs}

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def document(doc_id: str, as_of: str | None = None):
        return service.document(doc_id, as_of=as_of)

    # outermost: body limit and JSON checks before any parsing; API 404/405 before the UI mount
    app.add_middleware(RequestGuard, routes=app.router.routes)

    if ui:
        import gradio as gr

        from assistant.web.ui import THEME_CSS, build_ui, head_html, theme

        blocks = build_ui(service)
        app = gr.mount_gradio_app(
            app, blocks, path="/", auth=auth, auth_message="政策助手：请输入用户名和密码",
            ssr_mode=False, footer_links=[], theme=theme(), css=THEME_CSS, head=head_html(),
            show_error=True, mcp_server=False, pwa=False)
    return app
