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

Errors are JSON ``{"error": English, "message_zh": Chinese}``: 400 bad input, 404 unknown
id, 413 question too long, 422 wrong shape or type, 503 index not built.
With ``auth=(user, password)`` the API and docs need HTTP Basic and the UI its login.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
from typing import Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from index.config import Settings
from assistant.records import Answer
from index.errors import ConfigError, IndexNotBuiltError, InputError, PolicyAssistantError
from assistant.errors import LLMError
from assistant.web.service import MAX_K, NotFoundError, Service, TooLongError

# a hard cap on body fields, far above settings.max_question_chars, so a huge body is
# refused by validation before anything else looks at it
_HARD_CAP = 100_000


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


def _error(status: int, english: str, zh: str, **extra) -> JSONResponse:
    return JSONResponse({"error": english, "message_zh": zh, **extra}, status_code=status)


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
            try:
                for item in items:
                    if isinstance(item, Answer):
                        yield _sse("answer", item.to_dict())
                    else:
                        yield _sse("chunk", item)
            except PolicyAssistantError as exc:
                yield _sse("error", {"error": str(exc), "message_zh": exc.zh})

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

    from assistant.web.match_api import match_router

    app.include_router(match_router(service))

    if ui:
        import gradio as gr

        from assistant.web.ui import THEME_CSS, build_ui, head_html, theme

        blocks = build_ui(service)
        app = gr.mount_gradio_app(
            app, blocks, path="/", auth=auth, auth_message="政策助手：请输入用户名和密码",
            ssr_mode=False, footer_links=[], theme=theme(), css=THEME_CSS, head=head_html(),
            show_error=True, mcp_server=False, pwa=False)
    return app
