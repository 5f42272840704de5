"""Document management over HTTP (write routes only with ``serve --auth``; reading stays open):

    POST   /api/documents                      {filename, content_base64} → parse preview (staged)
    POST   /api/documents/{upload_id}/publish  → 202 {job}: incremental ingest, atomic swap
    DELETE /api/documents/{doc_id}             → 202 {job}: remove a published document
    GET    /api/documents/jobs/{job_id}        → the job's state, phase and percent
    GET    /api/document-log?limit=            → the change log (who, when, what), newest first

Without a login configured the write routes answer 403 in the API's error shape. The user
named in the log is the HTTP Basic user (the UI passes its login name).
"""
from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from index.errors import InputError
from assistant.web.documents import DocumentLibrary

FORBIDDEN_ZH = "管理文件需要登录：请用 --auth（或环境变量 POLICY_WEB_AUTH）启动服务后再上传、发布或删除。"
# Body limits of the upload routes (RequestGuard, with --auth only): a file up to the corpus
# limit (POLICY_MAX_FILE_MB), as base64 in JSON (4/3) or a multipart form, plus headroom.
def _upload_limit() -> int:
    from index.ingest.loaders import max_file_bytes

    return (max_file_bytes() or 50 * 1048576) * 4 // 3 + 65536


UPLOAD_LIMITS = {"/api/documents": _upload_limit(), "/gradio_api/upload": _upload_limit()}


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: StrictStr = Field(min_length=1, max_length=200, description="原文件名，如 某市促进制造业发展若干措施.docx")
    content_base64: StrictStr = Field(min_length=1, description="文件内容（base64）")


def _forbidden() -> JSONResponse:
    return JSONResponse({"error": "document changes need a server started with --auth",
                         "message_zh": FORBIDDEN_ZH}, status_code=403)


def basic_user(request: Request) -> str:
    """The HTTP Basic user name (already checked by the login middleware), '' without one."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return ""
    try:
        return base64.b64decode(header[6:]).decode("utf-8").partition(":")[0]
    except (ValueError, UnicodeDecodeError):
        return ""


def documents_router(service, auth) -> APIRouter:
    """The routes above; also hangs the ``DocumentLibrary`` on ``service.document_library`` for
    the 文件库 tab."""
    library = DocumentLibrary(service, enabled=bool(auth))
    service.document_library = library
    router = APIRouter()

    @router.post("/api/documents", tags=["documents"])
    def upload(req: UploadRequest, request: Request):
        """Parse an uploaded file as ingest will and show the result; nothing is published yet."""
        if not library.enabled:
            return _forbidden()
        try:
            data = base64.b64decode(req.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InputError("content_base64 is not valid base64", zh="文件内容不是有效的 base64 编码。") from None
        if not data:
            raise InputError("the file is empty", zh="上传的文件是空的。")
        return library.preview(req.filename, data, basic_user(request))

    @router.post("/api/documents/{upload_id}/publish", tags=["documents"], status_code=202)
    def publish(upload_id: str, request: Request):
        """Publish a previewed upload: a background build, swapped in when complete."""
        if not library.enabled:
            return _forbidden()
        return library.publish(upload_id, basic_user(request)).to_dict()

    @router.delete("/api/documents/{doc_id}", tags=["documents"], status_code=202)
    def remove(doc_id: str, request: Request):
        """Remove a published document (a background build without it)."""
        if not library.enabled:
            return _forbidden()
        return library.remove(doc_id, basic_user(request)).to_dict()

    @router.get("/api/document-jobs/interrupted", tags=["documents"])
    def interrupted():
        """Publishes and removals a server stop cut short and nobody has finished since."""
        jobs = library.interrupted()
        return {"count": len(jobs), "jobs": jobs}

    @router.get("/api/documents/jobs/{job_id}", tags=["documents"])
    def job(job_id: str):
        found = library.job(job_id)
        if found is None:
            return JSONResponse({"error": f"no job {job_id}", "message_zh": "未找到该任务。"}, status_code=404)
        return found.to_dict()

    @router.get("/api/document-log", tags=["documents"])
    def changes(limit: int = Query(200, ge=1, le=5000)):
        entries = library.changes(limit)
        return {"count": len(entries), "changes": entries}

    return router
