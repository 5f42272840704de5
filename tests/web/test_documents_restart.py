"""A publish cut short by a killed server: a real `policy-assistant serve --auth` process on
loopback, killed (SIGKILL) while its background build is running, then started again on the
same data dir. The job is reported as interrupted (persisted under the data dir, not forgotten),
the live index is the last whole build (CURRENT unchanged, the document count unchanged, the
document absent), the published folder holds no half-published file, the log says so, and the
same upload can be published again."""
from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
AUTH = ("editor", "restart-2026")
pytestmark = pytest.mark.slow


def long_document(n: int) -> str:
    """An invented policy with ``n`` numbered clauses (enough that embedding them takes seconds)."""
    items = "\n\n".join(f"（{i}）对企业在第{i}号园区新建冷链仓储设施，投资额{100 + i}万元以上的，"
                        f"按投资额的{5 + i % 10}%给予补助，最高不超过{20 + i % 30}万元。" for i in range(1, n + 1))
    return ("滁州市人民政府关于支持冷链仓储设施建设的若干措施\n\n滁政〔2026〕3号\n\n"
            f"一、支持冷链仓储设施建设\n\n{items}\n\n二、附则\n\n本措施自2026年1月1日起施行，有效期至2028年12月31日。\n")


def republish_in_browser(url: str) -> None:
    """In Chromium: log in, open 文件库, read the notice, click 重新发布, wait for the job to end done."""
    from playwright.sync_api import sync_playwright

    from tests.web.chromium import CHROMIUM, SHOTS, TIMEOUT, launch, log_in

    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium at /usr/bin/chromium (make system-deps installs it)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page.set_default_timeout(TIMEOUT)
            log_in(page, url, AUTH)
            page.get_by_role("tab", name="文件库").click()
            notice = page.locator("#pa-doc-interrupted [role=alert]")
            notice.wait_for()
            text = notice.inner_text()
            assert "中断" in text and "chuzhou-cold-chain.txt" in text and "上一次完整的版本" in text, text
            page.screenshot(path=str(SHOTS / "documents-interrupted.png"), full_page=True)
            page.locator("#pa-doc-retry").click()
            job = page.locator("#pa-doc-progress .pa-job")
            job.wait_for()
            while job.get_attribute("data-state") not in ("done", "failed"):
                page.wait_for_timeout(300)
            assert job.get_attribute("data-state") == "done", job.inner_text()
            page.locator("#pa-doc-retry").wait_for(state="hidden")
            assert page.locator("#pa-doc-interrupted [role=alert]").count() == 0
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data: Path, corpus: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "POLICY_WEB_AUTH": ":".join(AUTH), "POLICY_CORPUS_DIR": str(corpus),
           "POLICY_AS_OF": "2026-11-21", "POLICY_LLM_BASE_URL": "", "POLICY_LLM_MODEL": "",
           "POLICY_CHROMA_URL": "", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with open(data / f"server-{port}.log", "w") as log:  # the child keeps its own copy of the handle
        return subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
                                 "--data-dir", str(data)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def ready(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            if httpx.get(url + "/healthz", timeout=5).json().get("status") == "ready":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("the server did not become ready")


def test_a_publish_killed_mid_build_is_reported_interrupted_after_restart(settings, kb, tmp_path):
    from index import builds

    data = tmp_path / "data"
    shutil.copytree(settings.index_dir, data / "index")
    live = builds.current_name(data / "index")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start(data, settings.corpus_dir, port)
    try:
        ready(url, proc)
        c = httpx.Client(base_url=url, auth=AUTH, timeout=300)
        before = c.get("/api/documents").json()["count"]
        text = long_document(400).encode("utf-8")
        p = c.post("/api/documents", json={"filename": "chuzhou-cold-chain.txt",
                                           "content_base64": base64.b64encode(text).decode()}).json()
        assert p["publishable"] and p["clause_count"] >= 100
        job = c.post(f"/api/documents/{p['upload_id']}/publish").json()
        seen = []
        while True:
            j = c.get(f"/api/documents/jobs/{job['job_id']}").json()
            seen.append((j["state"], j["percent"]))
            assert j["state"] not in ("done", "failed"), seen  # the kill must land inside the build
            if j["state"] == "running" and j["percent"] >= 25:  # embedding the new clauses
                break
            time.sleep(0.1)
        proc.kill()
        proc.wait(30)

        assert builds.current_name(data / "index") == live  # the killed build was never swapped in
        stored = data / "documents" / "jobs" / f"{job['job_id']}.json"
        assert stored.is_file()

        proc = start(data, settings.corpus_dir, port)
        ready(url, proc)
        j = c.get(f"/api/documents/jobs/{job['job_id']}").json()
        assert j["state"] == "interrupted" and "上一次完整的版本" in j["message_zh"], j
        listed = c.get("/api/documents").json()
        assert listed["count"] == before and p["doc_id"] not in [d["doc_id"] for d in listed["documents"]]
        assert c.get("/healthz").json()["documents"] == before
        assert not list((data / "documents" / "published").glob(p["doc_id"] + ".*"))
        actions = [e["action"] for e in c.get("/api/document-log").json()["changes"]]
        assert "publish_interrupted" in actions and "publish" not in actions

        pending = c.get("/api/document-jobs/interrupted").json()
        assert pending["count"] == 1 and pending["jobs"][0]["job_id"] == job["job_id"], pending
        assert pending["jobs"][0]["retry"] and pending["jobs"][0]["filename"] == "chuzhou-cold-chain.txt"

        # an operator opening 文件库 after the restart is told, and finishes it with one click
        # (the upload was kept)
        republish_in_browser(url)
        assert c.get("/api/documents").json()["count"] == before + 1
        assert builds.current_name(data / "index") != live
        assert c.get("/api/document-jobs/interrupted").json()["count"] == 0
    finally:
        proc.kill()
        proc.wait(30)
