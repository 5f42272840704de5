"""POST /api/feedback — 👍/👎 on an answer with an optional comment, appended to
``<data dir>/feedback.jsonl`` (``chat/feedback``); GET /api/feedback lists them (newest last).
The web UI's 👍/👎 buttons post here from the browser."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from assistant.chat.feedback import MAX_COMMENT, FeedbackStore, feedback_path


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: Literal["up", "down"]
    question: StrictStr = Field(min_length=1, max_length=4000, description="评价的回答所答的问题")
    verdict: StrictStr = Field("", max_length=4000, description="回答的结论行")
    comment: StrictStr = Field("", max_length=MAX_COMMENT, description="可选意见")
    session_id: StrictStr | None = Field(None, max_length=200)
    clause_ids: list[StrictStr] = Field(default_factory=list, max_length=20)
    mode: StrictStr = Field("", max_length=40)
    as_of: StrictStr = Field("", max_length=20)


def feedback_router(service) -> APIRouter:
    router = APIRouter()

    def store() -> FeedbackStore:
        return FeedbackStore(feedback_path(service.settings))

    @router.post("/api/feedback", tags=["feedback"])
    def add(req: FeedbackRequest):
        """Record 👍/👎 (and a comment) for one answer."""
        record = store().add(req.rating, req.question, verdict=req.verdict, comment=req.comment,
                             session_id=req.session_id or "", clause_ids=req.clause_ids, mode=req.mode,
                             as_of=req.as_of)
        return {"saved": True, "record": record, "message_zh": "感谢反馈，已记录。"}

    @router.get("/api/feedback", tags=["feedback"])
    def listing(rating: Literal["up", "down"] | None = None, limit: int = Query(100, ge=1, le=10000)):
        """The recorded feedback, newest last."""
        records = store().read(rating=rating, limit=limit)
        return {"count": len(records), "feedback": records}

    return router
