"""POST /api/match — 政策匹配 over HTTP: an enterprise profile (every field optional) → the
clauses of its region that may apply, each with a verified citation, a status per condition
and the calculator's amount where the profile settles it; expired documents separated.
``format: "markdown"`` / ``"html"`` also returns the report; ``POST /api/match/report?format=markdown|html``
returns it as a file to download (the HTML one prints, or saves as PDF, from the browser)."""
from __future__ import annotations

from decimal import Decimal

from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field


class MatchRequest(BaseModel):
    region: str | None = Field(None, max_length=100, description="所在地区，如 泉州开发区")
    industry: str | None = Field(None, max_length=100)
    size: str | None = Field(None, max_length=20, description="小微 | 中型 | 大型")
    revenue_wan: Decimal | None = Field(None, ge=0, description="年营业收入（万元）")
    revenue_growth_pct: Decimal | None = Field(None, ge=-100, le=10000, description="营业收入增速（%）")
    investment_wan: Decimal | None = Field(None, ge=0, description="投资额（万元）")
    levels_held: list[str] = Field(default_factory=list, max_length=20)
    activities: list[str] = Field(default_factory=list, max_length=30)
    question: str | None = Field(None, max_length=500)
    as_of: str | None = None
    limit: int = Field(12, ge=1, le=50)
    format: str = Field("json", pattern="^(json|markdown|html)$")


def run_match(service, profile: dict, as_of=None, limit: int = 12):
    """The one entry of API and UI: profile → MatchResult, every citation re-checked against
    its document (a match whose quote fails is dropped)."""
    from assistant.match.match import match_profile
    from assistant.match.profile import Profile

    clean = {k: v for k, v in profile.items() if v not in (None, "", [])}
    prof = Profile.from_dict(clean)
    result = match_profile(service.kb, prof, service.as_of(as_of), limit=limit,
                           coverage=service.assistant.coverage)
    result.matches = [m for m in result.matches if service.verified(m.citation)]
    result.expired = [m for m in result.expired if service.verified(m.citation)]
    return result


def report_file(result, fmt: str) -> tuple[str, str, str]:
    """(file name, media type, content) of a match report in ``fmt`` (markdown | html)."""
    from assistant.match.report import to_markdown
    from assistant.match.report_html import to_html

    if fmt == "html":
        return f"政策匹配报告-{result.as_of}.html", "text/html; charset=utf-8", to_html(result)
    return f"政策匹配报告-{result.as_of}.md", "text/markdown; charset=utf-8", to_markdown(result)


def match_router(service) -> APIRouter:
    router = APIRouter()

    @router.post("/api/match", tags=["matching"])
    def match(req: MatchRequest):
        """政策匹配: profile → matched clauses (best first), what to ask next, expired ones apart."""
        result = run_match(service, req.model_dump(exclude={"as_of", "limit", "format"}), req.as_of, req.limit)
        body = result.to_dict()
        if req.format in ("markdown", "html"):
            body[req.format] = report_file(result, req.format)[2]
        return body

    @router.post("/api/match/report", tags=["matching"])
    def report(req: MatchRequest, format: str = Query("html", pattern="^(markdown|html)$")):
        """The match report as a file: Markdown, or an HTML page to print (or save as PDF)."""
        result = run_match(service, req.model_dump(exclude={"as_of", "limit", "format"}), req.as_of, req.limit)
        name, media, content = report_file(result, format)
        ascii_name = "policy-match-report" + (".html" if format == "html" else ".md")
        return Response(content.encode("utf-8"), media_type=media, headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"})

    return router
