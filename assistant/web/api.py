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
limited to MAX_BODY_BYTES (env POLICY_MAX_BODY_KB; the UI's routes UI_MAX_BODY_BYTES, env
POLICY_UI_MAX_BODY_KB), checked on Content-Length and again on the bytes as they arrive, before
anything is parsed. /api/ask/stream always ends with an
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
import threading
import time
from typing import Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from index.config import Settings
from assistant.records import Answer
from index.config import env_number
from index.errors import ConfigError, IndexNotBuiltError, InputError, PolicyAssistantError
from assistant.errors import LLMError
from assistant.web.service import MAX_K, STORAGE_ZH, NotFoundError, Service, TooLongError, storage_failure

# a hard cap on body fields, far above settings.max_question_chars, so a huge body is
# refused by validation before anything else looks at it
_HARD_CAP = 100_000
MAX_BODY_BYTES = max(1, int(env_number("POLICY_MAX_BODY_KB", 256, "kilobytes"))) * 1024
# The UI's requests carry the whole conversation shown (answers as HTML) plus what was typed (up to
# render.UI_MAX_CHARS per box): a higher limit, so a long chat or a pasted 100k-character question
# gets the UI's own message ("过长") instead of Gradio's generic error toast.
UI_MAX_BODY_BYTES = max(MAX_BODY_BYTES, int(env_number("POLICY_UI_MAX_BODY_KB", 8192, "kilobytes")) * 1024)
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


def unexpected_response(exc: Exception, path: str) -> JSONResponse:
    """An exception no handler took → the JSON error shape: 503 when the storage underneath
    failed (read-only or full disk, a vector store that cannot open), else 500; logged."""
    if storage_failure(exc):
        log.error("storage unavailable on %s: %r", path, exc)
        return _error(503, f"the index storage is unavailable ({type(exc).__name__})", STORAGE_ZH)
    log.error("unexpected error on %s", path, exc_info=exc)
    return _error(500, f"internal error ({type(exc).__name__})", UNEXPECTED_ZH)


class RequestGuard:
    """The outermost ASGI layer (inside Starlette's error middleware). An exception no handler
    took is answered here as JSON (``unexpected_response``), so the connection stays usable.
    For every request with a body: Content-Length and then the
    bytes as they arrive are held to MAX_BODY_BYTES (413 before anything parses it). Under
    /api/: a path no API route serves is a JSON 404, a wrong method a JSON 405 with ``Allow``,
    and a JSON body must pass ``check_json_body`` (400)."""

    def __init__(self, app, routes, limit: int = MAX_BODY_BYTES, ui_limit: int = UI_MAX_BODY_BYTES,
                 large: dict[str, int] | None = None):
        self.app = app
        self.routes = routes  # the API app's route list, read at call time
        self.limit = limit
        self.ui_limit = max(limit, ui_limit)
        self.large = large or {}  # path → its own body limit (document uploads, with --auth only)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            return await self._guarded(scope, receive, watched_send)
        except Exception as exc:  # noqa: BLE001 - answered here, so the connection stays usable
            if started:
                raise
            return await unexpected_response(exc, scope.get("path", ""))(scope, receive, send)

    async def _guarded(self, scope, receive, send):
        path = scope.get("path", "")
        api = path.startswith("/api/")
        if api:
            refusal = self._route_refusal(scope)
            if refusal is not None:
                return await refusal(scope, receive, send)
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):  # (the UI takes no uploads: limited too)
            return await self.app(scope, receive, send)
        limit = self.large.get(path, self.limit if api else self.ui_limit)
        too_big = _error(413, f"request body over the limit of {limit // 1024} KB",
                         f"请求内容过大（上限 {limit // 1024} KB）。")
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return await too_big(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
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


class LoginThrottle:
    """Failed logins per client (address): each failure answers only after a growing delay
    (``delay`` × failures, at most ``max_delay`` s); ``max_failures`` failures within ``window``
    seconds lock the client out for ``lockout`` seconds (429, even with the right password).
    A success clears the client's count. Memory is bounded: stale entries are dropped."""

    def __init__(self, max_failures: int = 10, window: float = 900.0, lockout: float = 900.0,
                 delay: float = 0.25, max_delay: float = 2.0, max_clients: int = 10_000):
        self.max_failures, self.window, self.lockout = max_failures, window, lockout
        self.delay, self.max_delay, self.max_clients = delay, max_delay, max_clients
        self._failures: dict[str, list[float]] = {}
        self._locked: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, client: str, now: float | None = None) -> float:
        """Seconds the client is still locked out (0 when it is not)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            until = self._locked.get(client, 0.0)
            if until and until <= now:
                self._locked.pop(client, None)
                return 0.0
            return max(0.0, until - now)

    def failed(self, client: str, now: float | None = None) -> float:
        """Record a failure; returns the delay to apply before answering."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._failures) >= self.max_clients:  # drop the stalest clients
                for key in sorted(self._failures, key=lambda k: self._failures[k][-1])[:self.max_clients // 10]:
                    self._failures.pop(key, None)
            times = [t for t in self._failures.get(client, []) if now - t < self.window] + [now]
            self._failures[client] = times
            if len(times) >= self.max_failures:
                self._locked[client] = now + self.lockout
                self._failures.pop(client, None)
            return min(self.delay * len(times), self.max_delay)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


# Without a login: the login page and what it needs to render, the health check and the
# static assets. Every other route (the API, the docs, every Gradio route: config, queue,
# heartbeat, reset, cancel, upload, file, …) needs the login cookie or HTTP Basic.
_OPEN_PATHS = {"/", "/login", "/login/", "/healthz", "/favicon.ico", "/robots.txt", "/manifest.json",
               "/theme.css", "/gradio_api/theme.css", "/config", "/config/", "/gradio_api/config",
               "/login_check", "/login_check/", "/gradio_api/login_check", "/app_id", "/gradio_api/app_id"}
_OPEN_PREFIXES = ("/assets/", "/static/", "/svelte/", "/gradio_api/assets/", "/gradio_api/static/",
                  "/pwa_icon", "/api-docs-static/", "/fonts/")


def _client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def create_app(settings: Settings, assistant=None, auth: tuple[str, str] | None = None,
               kb=None, ui: bool = True, warm: bool = True,
               login_throttle: LoginThrottle | None = None) -> FastAPI:
    """The FastAPI app; ``ui=False`` leaves the Gradio UI out (API only); ``warm``: load the
    index and model and answer a warm-up question when the server starts."""
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
        throttle = login_throttle or LoginThrottle()
        app.state.login_throttle = throttle

        def gradio_user(request: Request) -> str | None:
            """The user of a valid Gradio login cookie (None without one)."""
            gradio_app = getattr(app.state, "gradio_app", None)
            if gradio_app is None:
                return None
            cid = gradio_app.cookie_id
            token = (request.cookies.get(f"access-token-{cid}")
                     or request.cookies.get(f"access-token-unsecure-{cid}"))
            return gradio_app.tokens.get(token) if token else None

        def refuse(status: int, english: str, zh: str, retry: float | None = None) -> JSONResponse:
            headers = {"WWW-Authenticate": 'Basic realm="policy-assistant"'} if status == 401 else {}
            if retry:
                headers["Retry-After"] = str(int(retry) + 1)
            return _error(status, english, zh, headers=headers)

        @app.middleware("http")
        async def login_required(request: Request, call_next):
            import asyncio

            path = request.url.path
            client = _client_of(request)
            is_login = path.rstrip("/") in ("/login", "/gradio_api/login") and request.method == "POST"
            has_basic = request.headers.get("authorization", "").lower().startswith("basic ")
            if is_login or has_basic:
                wait = throttle.locked_for(client)
                if wait:
                    return refuse(429, f"too many failed logins; try again in {int(wait) + 1} s",
                                  f"登录失败次数过多，请在{int(wait) // 60 + 1}分钟后再试。", retry=wait)
            if is_login:
                response = await call_next(request)
                if response.status_code >= 400:
                    await asyncio.sleep(throttle.failed(client))
                else:
                    throttle.succeeded(client)
                return response
            if has_basic:
                if _basic_ok(request, auth):
                    throttle.succeeded(client)
                    return await call_next(request)
                await asyncio.sleep(throttle.failed(client))
                return refuse(401, "wrong user name or password", "用户名或密码错误。")
            if path in _OPEN_PATHS or path.startswith(_OPEN_PREFIXES) or gradio_user(request):
                return await call_next(request)
            return refuse(401, "authentication required", "需要登录：请提供用户名和密码。")

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
        """starting (503) / ready (200) / degraded (200 while answers can still be given,
        e.g. an unwritable disk; 503 when not: index missing, model not loaded), with reasons."""
        body = service.health()
        return JSONResponse(body, status_code=body.pop("http_status", 200))

    if warm:
        # a ready assistant handed in (tests, embedding) is warmed before the port opens; a
        # server that loads its own index listens at once and says "starting" until warm
        def start_warming():
            if assistant is not None:
                service.warm()
            else:
                service.start_warming()

        app.router.on_startup.append(start_warming)

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
                zh = STORAGE_ZH if storage_failure(exc) else UNEXPECTED_ZH
                yield _sse("error", {"error": f"internal error ({type(exc).__name__})", "message_zh": zh})
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
        body = {"query": q.strip(), "count": len(hits), "results": hits}
        notice = service.search_notice(q, region=region, issuer=issuer)
        if notice or not hits:
            from assistant.web.service import NO_MATCH_ZH

            body["message_zh"] = notice or NO_MATCH_ZH
        return body

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

    from assistant.web.match_api import match_router

    app.include_router(match_router(service))
    from assistant.web.feedback_api import feedback_router

    app.include_router(feedback_router(service))
    from assistant.web.documents_api import UPLOAD_LIMITS, documents_router

    app.include_router(documents_router(service, auth))

    # outermost: body limit and JSON checks before any parsing; API 404/405 before the UI mount
    app.add_middleware(RequestGuard, routes=app.router.routes, large=UPLOAD_LIMITS if auth else None)

    if ui:
        import gradio as gr

        from assistant.web.ui import THEME_CSS, build_ui, head_html, theme

        blocks = build_ui(service)
        app = gr.mount_gradio_app(
            app, blocks, path="/", auth=auth, auth_message="政策助手：请输入用户名和密码",
            ssr_mode=False, footer_links=[], theme=theme(), css=THEME_CSS, head=head_html(),
            show_error=True, mcp_server=False, pwa=False)
        from starlette.routing import Mount

        # the Gradio app (its login tokens) for the login check above
        app.state.gradio_app = next((r.app for r in app.routes if isinstance(r, Mount) and r.path in ("", "/")), None)
    return app
