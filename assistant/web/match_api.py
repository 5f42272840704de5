"""POST /api/match — 政策匹配 over HTTP: an enterprise profile (every field optional) → the
clauses of its region that may apply, each with a verified citation, a status per condition
and the calculator's amount where the profile settles it; expired documents separated.
``format: "markdown"`` also returns the report an owner can print."""
from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
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
    format: str = Field("json", pattern="^(json|markdown)$")


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


def match_router(service) -> APIRouter:
    router = APIRouter()

    @router.post("/api/match", tags=["matching"])
    def match(req: MatchRequest):
        """政策匹配: profile → matched clauses (best first), what to ask next, expired ones apart."""
        from assistant.match.report import to_markdown

        result = run_match(service, req.model_dump(exclude={"as_of", "limit", "format"}), req.as_of, req.limit)
        body = result.to_dict()
        if req.format == "markdown":
            body["markdown"] = to_markdown(result)
        return body

    return router
