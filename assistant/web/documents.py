"""Documents managed from the web: upload → preview → publish into the live index → remove,
every change written to a log.

    DocumentLibrary(service, enabled)
        .preview(filename, data, user) -> dict      parse a staged upload: metadata, clause tree, warnings
        .publish(upload_id, user) -> Job            copy into the managed folder, rebuild in the background
        .remove(doc_id, user) -> Job                delete a published document, rebuild
        .job(job_id) -> Job | None                  progress of a publish or removal
        .origin(doc_id) -> (kind, where, why_zh)    'managed' (removable here) | 'corpus' (how to take it out)
        .changes(limit) -> list[dict]               the log, newest first (read_changes(settings))
    managed_dir(settings) -> Path                   the folder published documents live in
    upload_keep_hours() -> float                    how long an unpublished upload is kept

Published files live in ``DATA_DIR/documents/published`` (``policy-assistant ingest`` indexes
it with the corpus). A publish runs the index's own incremental ingest (``build_index``: only
the new document is parsed and embedded, the new build is written beside the live one and
swapped in atomically), so the server keeps answering from the old build until the swap.
Shipped corpus documents are not removed from here: their files belong to the deployment (a
redeploy would bring them back) and other tools index the same folder; the UI says so and how to
take one out (move its file out of the corpus folder on the server, run ``ingest``).
The log is ``DATA_DIR/documents.log.jsonl``: one JSON line per change (time, user, action,
document), appended under a lock.

Staged uploads (``DATA_DIR/documents/uploads``) that are never published are deleted after
POLICY_UPLOAD_KEEP_HOURS (default 24): swept when the server starts and at every upload.
Jobs are written to ``DATA_DIR/documents/jobs/<id>.json`` as they move. A job the server was
stopped in the middle of is reported after the restart as ``interrupted``: the build it was
writing was never swapped in, so the live index is the last whole build, and the published
folder is put back as that build had it (a replaced or removed file is restored from the job's
backup, a half-published one taken out), so the next build does not pick up half a change.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.config import env_number
from index.errors import ConfigError, DocumentError, InputError, PolicyAssistantError
from index.ingest.loaders import SUPPORTED_EXTS, max_file_bytes, sniff_binary

LOG_NAME = "documents.log.jsonl"
DEFAULT_KEEP_HOURS = 24.0
_SAFE = re.compile(r"[^\w\-.\u3400-\u9fff]+")


def managed_dir(settings) -> Path:
    """Where published documents are kept (indexed together with the corpus)."""
    return Path(settings.data_dir) / "documents" / "published"


def _staging_dir(settings) -> Path:
    return Path(settings.data_dir) / "documents" / "uploads"


def _jobs_dir(settings) -> Path:
    return Path(settings.data_dir) / "documents" / "jobs"


def upload_keep_hours() -> float:
    """How long an upload that is not published is kept: env POLICY_UPLOAD_KEEP_HOURS (default 24)."""
    hours = env_number("POLICY_UPLOAD_KEEP_HOURS", DEFAULT_KEEP_HOURS, "hours")
    if hours <= 0:
        raise ConfigError(f"POLICY_UPLOAD_KEEP_HOURS={hours:g} must be more than 0")
    return hours


def _hours_zh(hours: float) -> str:
    return f"{hours:g} 小时" if hours < 48 or hours % 24 else f"{hours / 24:g} 天"


def safe_filename(name: str) -> str:
    """The file name an upload is stored under: no folders, no odd characters; the stem is
    the document id."""
    name = Path(str(name or "").replace("\\", "/")).name.strip()
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, "." + ext.lower()) if dot else (name, "")
    stem = _SAFE.sub("_", stem).strip("._")[:80]
    return f"{stem or 'document'}{ext}"


@dataclass
class Job:
    """A publish or removal running in the background: ``state`` queued | running | done | failed,
    or interrupted (the server stopped during it; reported after the restart)."""

    job_id: str
    action: str  # publish | remove
    doc_id: str
    user: str
    state: str = "queued"
    phase: str = "排队等待"
    done: int = 0
    total: int = 0
    message_zh: str = ""
    report: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    ended: float = 0.0
    upload_id: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["percent"] = self.percent
        return d

    @property
    def percent(self) -> int:
        """0–100 over the whole job: reading 0–20, embedding 20–90, writing and swapping 90–100."""
        if self.state == "done":
            return 100
        if self.phase.startswith("读取"):
            return int(20 * self.done / self.total) if self.total else 5
        if self.phase.startswith("向量化"):
            return 20 + (int(70 * self.done / self.total) if self.total else 0)
        if self.phase.startswith("写入"):
            return 92
        return 0


_PHASES = {"reading documents": "读取并解析文件", "embedding clauses": "向量化新条款"}


class DocumentLibrary:
    """Upload, preview, publish and remove documents of the live index (one change at a time)."""

    def __init__(self, service, enabled: bool):
        self.service = service
        self.settings = service.settings
        self.enabled = enabled
        self._jobs: dict[str, Job] = {}
        self._log_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._saved: dict[str, float] = {}
        self._recover()  # with or without --auth: the published folder must match the live build
        self.sweep_uploads()

    # -- upload and preview ----------------------------------------------------------------
    def preview(self, filename: str, data: bytes, user: str) -> dict:
        """Stage an upload and parse it as ingest will: metadata, validity, clause tree, warnings.
        A file that cannot become a document comes back with ``publishable: False`` and why."""
        from index.ingest.clauses import split_clauses
        from index.ingest.documents import load_document

        name = safe_filename(filename)
        ext = Path(name).suffix.lower()
        if ext not in SUPPORTED_EXTS:
            raise InputError(f"unsupported file type {ext or '(none)'}; use .txt .md .html .docx .pdf",
                             zh=f"不支持的文件类型“{ext or '无扩展名'}”，请上传 txt、md、html、docx 或 pdf 文件。")
        self.sweep_uploads()
        upload_id = uuid.uuid4().hex[:12]
        folder = _staging_dir(self.settings) / upload_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        out = {"upload_id": upload_id, "filename": name, "doc_id": path.stem, "size": len(data),
               "sha256": hashlib.sha256(data).hexdigest(), "warnings": [], "publishable": False,
               "keep_hours": upload_keep_hours(),
               "keep_note": f"未发布的上传保留 {_hours_zh(upload_keep_hours())}，之后自动清除（需重新上传）。"}
        limit = max_file_bytes()
        kind = sniff_binary(data[:4096])
        if limit and len(data) > limit:
            out["warnings"].append(f"文件过大（{len(data) / 1048576:.3g} MB，上限 {limit / 1048576:.3g} MB），不能发布。")
        elif kind and not (ext == ".docx" and kind == "ZIP archive" or ext == ".pdf" and kind == "PDF document"):
            out["warnings"].append(f"这是二进制文件（{kind}），不是文本文档，不能发布。")
        else:
            try:
                doc = load_document(path, folder)
                clauses = split_clauses(doc)
            except DocumentError as exc:
                out["warnings"].append(f"无法读取：{exc.zh}")
            else:
                out.update(self._describe(doc, clauses, data, ext))
        self._log("upload", user, doc_id=out["doc_id"], filename=name, sha256=out["sha256"],
                  publishable=out["publishable"], warnings=out["warnings"])
        (folder / "preview.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
        return out

    def _describe(self, doc, clauses, data: bytes, ext: str) -> dict:
        day = self.service.as_of()
        warnings = list(doc.warnings)
        if ext in (".txt", ".md", ".html", ".htm") and not _is_utf8(data):
            warnings.append("文件不是 UTF-8 编码，已按 GBK/GB18030 读取，请核对下方文字是否正常。")
        numbered = [c for c in clauses if c.path and c.path[0] not in ("前言", "附则")]
        if not clauses:
            warnings.append("未识别出任何条款，不能发布。")
        elif not numbered:
            warnings.append("未识别出条款编号（没有“一、”“（一）”“第一条”等），全文将作为一段检索，引用时无法指明条款。")
        existing = self._existing(doc.doc_id)
        if existing == "corpus":
            warnings.append(f"已有同名文件“{doc.doc_id}”随系统提供，不能覆盖；请改名后上传。")
        elif existing == "managed":
            warnings.append(f"已发布过同名文件“{doc.doc_id}”，发布后将替换它。")
        same = [d.doc_id for d in self._kb_documents().values() if d.sha256 == doc.sha256 and d.doc_id != doc.doc_id]
        if same:
            warnings.append(f"内容与已收录的文件“{same[0]}”完全相同。")
        return {
            "title": doc.title, "doc_number": doc.doc_number, "issuer": doc.issuer, "region": doc.region,
            "dates": doc.dates, "valid_from": doc.valid_from, "valid_until": doc.valid_until,
            "validity": doc.validity(day), "validity_note": doc.validity_note, "as_of": day.isoformat(),
            "clause_count": len(clauses),
            "clauses": [{"clause_id": c.clause_id, "display_path": c.display_path, "path": list(c.path),
                         "chars": len(c.text), "text": c.text[:120]} for c in clauses],
            "warnings": warnings,
            "publishable": bool(clauses) and existing != "corpus",
        }

    def _kb_documents(self) -> dict:
        try:
            return self.service.kb.documents
        except Exception:  # noqa: BLE001 - no index yet: nothing to compare with
            return {}

    def _existing(self, doc_id: str) -> str:
        """'managed' (published here), 'corpus' (any other source) or ''."""
        if any(p.stem == doc_id for p in managed_dir(self.settings).glob("*")):
            return "managed"
        return "corpus" if doc_id in self._kb_documents() else ""

    def sweep_uploads(self, now: float | None = None) -> list[str]:
        """Delete staged uploads older than ``upload_keep_hours()``; returns their ids. An upload
        a running publish is reading is kept."""
        folder = _staging_dir(self.settings)
        if not folder.is_dir():
            return []
        cutoff = (now if now is not None else time.time()) - upload_keep_hours() * 3600
        busy = {j.upload_id for j in self._jobs.values() if j.state in ("queued", "running")}
        gone = []
        for sub in folder.iterdir():
            try:
                old = sub.stat().st_mtime < cutoff
            except OSError:
                continue
            if sub.is_dir() and old and sub.name not in busy:
                shutil.rmtree(sub, ignore_errors=True)
                gone.append(sub.name)
        if gone:
            self._log("uploads_expired", "", upload_ids=gone, keep_hours=upload_keep_hours())
        return gone

    # -- publish and remove -----------------------------------------------------------------
    def publish(self, upload_id: str, user: str) -> Job:
        folder = _staging_dir(self.settings) / re.sub(r"[^0-9a-f]", "", upload_id or "")
        meta = folder / "preview.json"
        if not upload_id or not meta.is_file():
            raise InputError(f"unknown upload {upload_id!r}", zh="未找到该上传文件，请重新上传。")
        preview = json.loads(meta.read_text(encoding="utf-8"))
        if not preview.get("publishable"):
            raise InputError("this upload cannot be published (see its warnings)",
                             zh="该文件不能发布：" + "；".join(preview.get("warnings") or ["解析失败"]))
        dest = managed_dir(self.settings)
        job = self._new_job("publish", preview["doc_id"], user, upload_id=folder.name)

        def work():
            dest.mkdir(parents=True, exist_ok=True)
            for old in dest.glob(preview["doc_id"] + ".*"):
                self._back_up(job, old)  # the same id in another format is replaced, not doubled
            shutil.copy2(folder / preview["filename"], dest / preview["filename"])
            self._save(job, force=True)
            return {"filename": preview["filename"], "title": preview.get("title", ""),
                    "sha256": preview["sha256"]}

        self._start(job, work, cleanup=lambda: shutil.rmtree(folder, ignore_errors=True))
        return job

    def remove(self, doc_id: str, user: str) -> Job:
        files = [p for p in managed_dir(self.settings).glob("*") if p.stem == doc_id and p.is_file()]
        if not files:
            kind, where, why = self.origin(doc_id)
            if kind == "corpus":
                raise InputError(f"{doc_id} ships with the corpus ({where}) and is not removed from the web; "
                                 "move the file out of the corpus folder and run `policy-assistant ingest`", zh=why)
            raise InputError(f"no published document {doc_id!r}", zh=f"未找到已发布的文件“{doc_id}”。")
        title = self._kb_documents().get(doc_id).title if doc_id in self._kb_documents() else ""
        job = self._new_job("remove", doc_id, user)

        def work():
            for p in files:
                self._back_up(job, p)
            return {"filename": files[0].name, "title": title}

        self._start(job, work)
        return job

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def interrupted(self, now: float | None = None) -> list[dict]:
        """Changes a server stop cut short that nobody has finished since, newest first: within the
        upload keep-time, and no later publish of the same upload (or later change of the same
        document) has ended done. Each job's dict gains ``filename`` and ``retry`` (the kept upload
        can be published again as it is)."""
        now = time.time() if now is None else now
        keep = upload_keep_hours()
        out = []
        for job in self._jobs.values():
            if job.state != "interrupted" or (keep > 0 and now - job.ended > keep * 3600):
                continue
            if any(later.state == "done" and later.started >= job.ended
                   and ((job.upload_id and later.upload_id == job.upload_id) or later.doc_id == job.doc_id)
                   for later in self._jobs.values()):
                continue
            meta = _staging_dir(self.settings) / job.upload_id / "preview.json" if job.upload_id else None
            filename, retry = "", False
            if meta is not None and meta.is_file():
                try:
                    filename = json.loads(meta.read_text(encoding="utf-8")).get("filename", "")
                    retry = True
                except ValueError:
                    pass
            out.append({**job.to_dict(), "filename": filename, "retry": retry})
        return sorted(out, key=lambda d: -d["ended"])

    def origin(self, doc_id: str) -> tuple[str, str, str]:
        """Where a document comes from and whether it is removed here, in words for the operator:
        ('managed', file name, '') | ('corpus', its file on the server, why and how) | ('', '', '')."""
        files = [p for p in managed_dir(self.settings).glob("*") if p.stem == doc_id and p.is_file()]
        if files:
            return "managed", files[0].name, ""
        doc = self._kb_documents().get(doc_id)
        if doc is None:
            return "", "", ""
        path = Path(self.settings.corpus_dir) / doc.source_path
        where = str(path if path.is_file() else doc.source_path)
        return "corpus", where, (
            f"“{doc.title}”是随系统提供的文件（服务器上的 {where}），不能在网页上删除：网页只管理在这里上传发布的文件，"
            "系统自带的文件属于部署本身，重新部署时会被带回。要撤下它，请在服务器上把该文件移出 corpus 文件夹，"
            "再运行 policy-assistant ingest，正在运行的服务会自动换用新索引。"
            "若只是有了新版本，直接上传新版本（换一个文件名）发布即可，旧版按其有效期标注。")

    def _new_job(self, action: str, doc_id: str, user: str, upload_id: str = "") -> Job:
        job = Job(uuid.uuid4().hex[:12], action, doc_id, user, upload_id=upload_id)
        self._jobs[job.job_id] = job
        self._save(job, force=True)
        return job

    # -- jobs on disk: a restart reports what it cut short ----------------------------------
    def _save(self, job: Job, force: bool = False) -> None:
        """Write the job's state (progress at most once a second; state changes always)."""
        now = time.monotonic()
        if not force and now - self._saved.get(job.job_id, 0) < 1.0:
            return
        self._saved[job.job_id] = now
        folder = _jobs_dir(self.settings)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{job.job_id}.tmp"
        tmp.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / f"{job.job_id}.json")

    def _back_up(self, job: Job, path: Path) -> None:
        """Move a published file out of the way, into the job's backup (restored if the job
        does not finish)."""
        backup = _jobs_dir(self.settings) / job.job_id
        backup.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(backup / path.name))

    def _roll_back(self, job: Job, details: dict) -> None:
        """Put the published folder back as it was before the job: take out the file it added,
        restore the ones it replaced or removed."""
        dest = managed_dir(self.settings)
        if job.action == "publish" and details.get("filename"):
            (dest / details["filename"]).unlink(missing_ok=True)
        backup = _jobs_dir(self.settings) / job.job_id
        if backup.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            for p in backup.iterdir():
                shutil.move(str(p), str(dest / p.name))
            backup.rmdir()

    def _went_in(self, job: Job, filename: str, sha256: str) -> bool:
        """Whether the live build already holds the job's change (the stop came after the swap)."""
        from index import builds
        from index.ingest.sources import fingerprint

        live = builds.current_dir(Path(self.settings.index_dir))
        if live is None or not (live / builds.MANIFEST).is_file():
            return False
        entries = builds.read_json(live / builds.MANIFEST).get("sources", {})
        held = {p: e for p, e in entries.items() if e.get("doc_id") == job.doc_id}
        if job.action == "remove":
            return not held
        new = managed_dir(self.settings) / filename
        if not filename or not new.is_file() or hashlib.sha256(new.read_bytes()).hexdigest() != sha256:
            return False  # the new file never got there: the published one is still the old version
        return any(Path(p).resolve() == new.resolve() and e.get("fingerprint") == fingerprint(new)
                   for p, e in held.items())

    def _recover(self) -> None:
        """Load the jobs of earlier runs; one left queued or running was cut short by a stop:
        mark it interrupted, undo its half-change to the published folder, log it."""
        folder = _jobs_dir(self.settings)
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                job = Job(**json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                continue
            self._jobs[job.job_id] = job
            if job.state not in ("queued", "running"):
                continue
            details = {}
            if job.action == "publish" and job.upload_id:
                meta = _staging_dir(self.settings) / job.upload_id / "preview.json"
                if meta.is_file():
                    preview = json.loads(meta.read_text(encoding="utf-8"))
                    details = {"filename": preview.get("filename", ""), "sha256": preview.get("sha256", "")}
            if self._went_in(job, details.get("filename", ""), details.get("sha256", "")):  # stopped after the swap
                shutil.rmtree(folder / job.job_id, ignore_errors=True)
                job.state, job.phase, job.ended = "done", "完成", time.time()
                job.message_zh = ("已发布（服务在记录完成前重启，新索引已生效）。" if job.action == "publish"
                                  else "已删除（服务在记录完成前重启，新索引已生效）。")
                self._save(job, force=True)
                self._log(job.action, job.user, doc_id=job.doc_id, job_id=job.job_id, recovered=True)
                continue
            self._roll_back(job, details)
            what = "发布" if job.action == "publish" else "删除"
            job.state, job.phase, job.ended = "interrupted", "已中断", time.time()
            job.message_zh = (f"{what}未完成：服务在任务进行中停止或重启。当前知识库仍是上一次完整的版本"
                              f"（未包含这次{what}），请重新{what}。")
            self._save(job, force=True)
            self._log(job.action + "_interrupted", job.user, doc_id=job.doc_id, job_id=job.job_id,
                      upload_id=job.upload_id)

    def _start(self, job: Job, work, cleanup=None) -> None:
        threading.Thread(target=self._run, args=(job, work, cleanup), daemon=True,
                         name=f"documents-{job.action}-{job.job_id}").start()

    def _run(self, job: Job, work, cleanup) -> None:
        from index.ingest.pipeline import build_index
        from index.progress import reporting_to

        def progress(desc, done, total):
            job.phase, job.done, job.total = _PHASES.get(desc, desc), done, total
            self._save(job)

        with self._build_lock:  # one change at a time; the index's own lock guards the build
            job.state = "running"
            self._save(job, force=True)
            details = {}
            try:
                details = work()
                job.phase = "读取并解析文件"
                with reporting_to(progress):
                    report = build_index(self.settings, paths=self.sources(), progress=False,
                                         embedder=self._embedder())
                job.phase = "写入索引并切换"
                job.report = {k: v for k, v in report.to_dict().items()
                              if k in ("status", "version", "documents", "clauses", "added", "updated",
                                       "removed", "embedded", "reused", "seconds", "bad")}
                if report.status == "failed":
                    raise RuntimeError("nothing could be indexed")
                bad = [r for p, r in report.bad if Path(p).stem == job.doc_id] if job.action == "publish" else []
                if bad:
                    raise RuntimeError(bad[0])
                shutil.rmtree(_jobs_dir(self.settings) / job.job_id, ignore_errors=True)  # the backup
                try:
                    self.service.kb.refresh(force=True)  # answer from the new build at once
                except PolicyAssistantError:
                    pass  # no index was open before this build: the next request opens it
                job.state, job.phase = "done", "完成"
                job.message_zh = ("已发布，现在可以检索和提问。" if job.action == "publish" else "已删除，知识库已更新。")
                self._log(job.action, job.user, doc_id=job.doc_id, job_id=job.job_id, **details,
                          version=report.version, clauses=report.clauses)
            except Exception as exc:  # noqa: BLE001 - the job reports it; the live index is untouched
                self._roll_back(job, details)
                job.state, job.phase = "failed", "失败"
                job.message_zh = f"{'发布' if job.action == 'publish' else '删除'}失败：{exc}；当前知识库未受影响。"
                self._log(job.action + "_failed", job.user, doc_id=job.doc_id, job_id=job.job_id,
                          error=str(exc), **details)
            finally:
                job.ended = time.time()
                self._save(job, force=True)
                if cleanup is not None and job.state == "done":
                    cleanup()

    def sources(self) -> list[str]:
        """What the new build indexes besides the corpus folder: the managed folder, and every
        file the live build holds from elsewhere (an operator's ``ingest PATH``), so a publish
        never drops them."""
        from index import builds

        keep = []
        live = builds.current_dir(Path(self.settings.index_dir))
        if live is not None and (live / builds.MANIFEST).is_file():
            managed = managed_dir(self.settings).resolve()
            for path in builds.read_json(live / builds.MANIFEST).get("sources", {}):
                p = Path(path)
                if p.is_file() and managed not in p.resolve().parents:
                    keep.append(str(p))
        return [*keep, str(managed_dir(self.settings))]

    def _embedder(self):
        try:
            return self.service.kb.embedder  # the model already loaded for answering: no second copy
        except Exception:  # noqa: BLE001 - no index yet: build_index loads the configured model
            return None

    # -- the change log ---------------------------------------------------------------------
    def _log(self, action: str, user: str, **what) -> None:
        entry = {"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "user": user or "",
                 "action": action, **what}
        path = Path(self.settings.data_dir) / LOG_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_lock, path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def changes(self, limit: int = 200) -> list[dict]:
        return read_changes(self.settings, limit)


def read_changes(settings, limit: int = 200) -> list[dict]:
    """The logged document changes, newest first (a damaged line is skipped)."""
    path = Path(settings.data_dir) / LOG_NAME
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out[::-1][:limit]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return data.startswith((b"\xff\xfe", b"\xfe\xff"))
