"""Documents managed over HTTP: the real server on loopback (uvicorn), the real index (a copy of
the session build, so the shared one is never changed) and the real embedding model.

Upload → parse preview (metadata, clause tree, warnings) → publish (incremental ingest, atomic
swap, the server answering all along) → the new document is searched and cited → removed; every
change in the log with its user. Without --auth every write route is a 403 in the API's error
shape, and reading stays open."""
from __future__ import annotations

import base64
import shutil
import time
from pathlib import Path

import httpx
import pytest

from tests.web.chromium import launch

DATA = Path(__file__).resolve().parents[1] / "data" / "documents"
AUTH = ("editor", "library-2026")


def body(name: str, data: bytes) -> dict:
    return {"filename": name, "content_base64": base64.b64encode(data).decode()}


@pytest.fixture(scope="module")
def own_settings(settings, kb, tmp_path_factory):
    """A data dir of its own holding a copy of the session index (built by the ``kb`` fixture)."""
    from index.config import Settings

    data = tmp_path_factory.mktemp("documents-data")
    shutil.copytree(settings.index_dir, data / "index")
    return Settings(data_dir=data, corpus_dir=settings.corpus_dir, as_of_text="2026-11-21", chroma_url="",
                    llm_base_url="", llm_model="", llm_api_key="")


@pytest.fixture(scope="module")
def client(own_settings):
    from assistant.web.api import create_app
    from tests.web.conftest import serve

    with serve(create_app(own_settings, auth=AUTH, ui=False)) as url:
        with httpx.Client(base_url=url, timeout=300, auth=AUTH) as c:
            deadline = time.monotonic() + 300
            while c.get("/healthz").json().get("status") == "starting" and time.monotonic() < deadline:
                time.sleep(0.5)
            yield c


def wait_job(client, job: dict, during=None) -> dict:
    deadline = time.monotonic() + 600
    seen = []
    while time.monotonic() < deadline:
        job = client.get(f"/api/documents/jobs/{job['job_id']}").json()
        seen.append(job["percent"])
        if job["state"] in ("done", "failed"):
            job["seen_percents"] = seen
            return job
        if during is not None:
            during(job)
        time.sleep(0.2)
    raise AssertionError("the job did not finish")


def test_write_routes_are_refused_without_auth_and_reading_stays_open(http):
    r = http.post("/api/documents", json=body("x.txt", "一、测试".encode()))
    assert r.status_code == 403 and set(r.json()) >= {"error", "message_zh"} and "--auth" in r.json()["message_zh"]
    assert http.post("/api/documents/abc/publish").status_code == 403
    assert http.delete("/api/documents/anything").status_code == 403
    assert http.get("/api/documents").status_code == 200
    assert http.get("/api/document-log").status_code == 200


def test_preview_shows_metadata_clause_tree_and_warnings(client):
    text = (DATA / "wuhu-smart-warehouse.txt").read_bytes()
    r = client.post("/api/documents", json=body("wuhu-smart-warehouse.txt", text))
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["publishable"] and p["title"].startswith("芜湖市人民政府办公室关于支持智能仓储物流发展")
    assert p["doc_number"] == "芜政办〔2026〕7号" and p["region"] == "芜湖" and p["issuer"].startswith("芜湖市")
    assert p["valid_until"] == "2028-12-31" and p["validity"] == "有效"
    paths = [c["display_path"] for c in p["clauses"]]
    assert "一、（一）" in paths and "二、（三）" in paths
    assert not any("GBK" in w for w in p["warnings"])

    gbk = client.post("/api/documents", json=body("wuhu-gbk.txt", text.decode("utf-8").encode("gbk"))).json()
    assert gbk["publishable"] and any("GBK" in w for w in gbk["warnings"])
    assert gbk["doc_number"] == p["doc_number"]  # read right, not garbled

    png = client.post("/api/documents", json=body("scan.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)).json()
    assert not png["publishable"] and any("二进制" in w for w in png["warnings"])

    flat = client.post("/api/documents", json=body("flat.txt", (DATA / "no-clauses.txt").read_bytes())).json()
    assert any("未识别出条款编号" in w for w in flat["warnings"])

    shipped = next(iter(client.get("/api/documents").json()["documents"]))["doc_id"]
    clash = client.post("/api/documents", json=body(shipped + ".txt", text)).json()
    assert not clash["publishable"] and any("不能覆盖" in w for w in clash["warnings"])

    r = client.post("/api/documents", json=body("policy.exe", b"MZ"))
    assert r.status_code == 400 and "不支持的文件类型" in r.json()["message_zh"]
    r = client.post(f"/api/documents/{png['upload_id']}/publish")
    assert r.status_code == 400 and "不能发布" in r.json()["message_zh"]


def test_an_upload_larger_than_the_api_body_limit_is_taken_with_auth(client):
    from assistant.web.api import MAX_BODY_BYTES

    text = (DATA / "wuhu-smart-warehouse.txt").read_text(encoding="utf-8")
    filler = "".join(f"（{i}）本条为测试用的说明文字，不含任何支持标准。\n" for i in range(4, 6000))
    data = (text + filler).encode("utf-8")
    assert len(data) > MAX_BODY_BYTES
    r = client.post("/api/documents", json=body("wuhu-long.txt", data))
    assert r.status_code == 200, r.text
    assert r.json()["publishable"] and r.json()["clause_count"] > 100


def test_word_and_html_uploads_are_parsed_too(client):
    import io

    import docx

    lines = (DATA / "wuhu-smart-warehouse.txt").read_text(encoding="utf-8").splitlines()
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    word = client.post("/api/documents", json=body("wuhu-word.docx", buf.getvalue())).json()
    assert word["publishable"] and word["doc_number"] == "芜政办〔2026〕7号" and word["clause_count"] >= 5
    page = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "<script>x()</script></body></html>"
    html = client.post("/api/documents", json=body("wuhu-page.html", page.encode("utf-8"))).json()
    assert html["publishable"] and html["region"] == "芜湖" and "一、（一）" in [c["display_path"] for c in html["clauses"]]


def test_too_big_is_a_warning_not_a_crash(client, monkeypatch):
    monkeypatch.setenv("POLICY_MAX_FILE_MB", "0.0005")  # ~0.5 KB: the test document is larger
    big = client.post("/api/documents", json=body("big.txt", (DATA / "wuhu-smart-warehouse.txt").read_bytes())).json()
    assert not big["publishable"] and any("过大" in w for w in big["warnings"])


def test_publish_while_answering_then_cited_then_removed(client):
    before = client.get("/api/documents").json()["count"]
    preview = client.post("/api/documents", json=body("wuhu-smart-warehouse.txt",
                                                       (DATA / "wuhu-smart-warehouse.txt").read_bytes())).json()
    r = client.post(f"/api/documents/{preview['upload_id']}/publish")
    assert r.status_code == 202, r.text
    answered = []

    def meanwhile(job):
        if job["state"] == "running":  # the live build keeps answering while the new one is made
            s = client.get("/api/search", params={"q": "工业机器人 补助", "k": 3})
            answered.append((s.status_code, s.json()["count"]))

    job = wait_job(client, r.json(), during=meanwhile)
    assert job["state"] == "done", job
    assert job["report"]["added"] == ["wuhu-smart-warehouse"] and job["report"]["embedded"] < job["report"]["clauses"]
    assert answered and all(code == 200 and n > 0 for code, n in answered), answered
    assert job["seen_percents"] == sorted(job["seen_percents"])  # the bar only moves forward
    assert client.get("/api/documents").json()["count"] == before + 1

    a = client.post("/api/ask", json={"question": "芜湖新建智能立体仓库，设备投资800万元，能补多少？"}).json()
    assert any(c["doc_id"] == "wuhu-smart-warehouse" for c in a["citations"]), a
    assert "80万元" in a["answer"]

    r = client.delete("/api/documents/wuhu-smart-warehouse")
    assert r.status_code == 202
    assert wait_job(client, r.json())["state"] == "done"
    assert client.get("/api/documents").json()["count"] == before
    assert client.get("/api/documents/wuhu-smart-warehouse").status_code == 404

    shipped = client.get("/api/documents").json()["documents"][0]["doc_id"]
    r = client.delete(f"/api/documents/{shipped}")
    assert r.status_code == 400 and "不能在网页上删除" in r.json()["message_zh"]
    assert "corpus 文件夹" in r.json()["message_zh"] and "policy-assistant ingest" in r.json()["message_zh"]

    log = client.get("/api/document-log").json()["changes"]
    actions = [(e["action"], e["doc_id"], e["user"]) for e in log[:3]]
    assert actions[0] == ("remove", "wuhu-smart-warehouse", "editor")
    assert actions[1] == ("publish", "wuhu-smart-warehouse", "editor")
    assert all(e["time"] for e in log)


def test_a_plain_ingest_keeps_published_documents(client, own_settings, capsys):
    import json

    from assistant.cli.main import main

    text = (DATA / "wuhu-smart-warehouse.txt").read_text(encoding="utf-8").replace("芜政办〔2026〕7号", "芜政办〔2026〕8号")
    preview = client.post("/api/documents", json=body("wuhu-second.txt", text.encode("utf-8"))).json()
    job = wait_job(client, client.post(f"/api/documents/{preview['upload_id']}/publish").json())
    assert job["state"] == "done", job
    capsys.readouterr()
    assert main(["ingest", "--json", "--no-progress", "--data-dir", str(own_settings.data_dir),
                 "--corpus", str(own_settings.corpus_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "unchanged" and "wuhu-second" in report["unchanged"]
    assert wait_job(client, client.delete("/api/documents/wuhu-second").json())["state"] == "done"


PDF_HTML = """<html><head><meta charset="utf-8"><style>
body {font-family: 'WenQuanYi Micro Hei', sans-serif; font-size: 12px;} h1 {font-size: 16px; text-align: center;}
</style></head><body>
<h1>蚌埠市人民政府办公室关于支持冷链物流发展的若干措施</h1>
<p style="text-align:center">蚌政办〔2026〕11号</p>
<p>各县、区人民政府，市政府各部门：</p>
<p>为加快冷链物流发展，经市政府同意，现提出如下措施。</p>
<p>一、支持冷库建设</p>
<p>（一）对企业新建冷库，投资额300万元以上的，按投资额的8%给予补助，最高不超过50万元。</p>
<p>（二）对新认定的省级冷链物流示范企业，给予20万元奖励。</p>
<p>二、支持冷链运输</p>
<p>（三）对企业新购冷藏车，每辆给予2万元补助，每家企业最高不超过20万元。</p>
<p>三、附则</p>
<p>本措施自2026年3月1日起施行，有效期至2029年2月28日。</p>
</body></html>"""


def chinese_pdf(html: str) -> bytes:
    """A PDF printed by the local Chromium (Playwright's page.pdf), nothing downloaded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.set_content(html)
        data = page.pdf(format="A4")
        browser.close()
    return data


def publish_and_ask(client, name: str, data: bytes, question: str) -> tuple[dict, dict]:
    p = client.post("/api/documents", json=body(name, data)).json()
    assert p["publishable"], p
    job = wait_job(client, client.post(f"/api/documents/{p['upload_id']}/publish").json())
    assert job["state"] == "done", job
    return p, client.post("/api/ask", json={"question": question}).json()


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="prints the PDF with /usr/bin/chromium")
def test_a_chinese_pdf_and_a_word_file_are_published_and_cited(client):
    import io

    import docx

    data = chinese_pdf(PDF_HTML)
    assert data.startswith(b"%PDF")
    p, a = publish_and_ask(client, "蚌埠冷链措施.pdf", data, "蚌埠企业新建冷库，投资额500万元，能补多少？")
    assert p["doc_number"] == "蚌政办〔2026〕11号" and p["region"] == "蚌埠" and p["valid_until"] == "2029-02-28"
    paths = [c["display_path"] for c in p["clauses"]]
    assert {"一、（一）", "一、（二）", "二、（三）"} <= set(paths), paths
    assert any(c["doc_id"] == p["doc_id"] for c in a["citations"]), a
    assert "40万元" in a["answer"], a["answer"]  # 500万元 × 8%
    assert wait_job(client, client.delete(f"/api/documents/{p['doc_id']}").json())["state"] == "done"

    word = docx.Document()
    for line in (DATA / "wuhu-smart-warehouse.txt").read_text(encoding="utf-8").splitlines():
        word.add_paragraph(line)
    buf = io.BytesIO()
    word.save(buf)
    p, a = publish_and_ask(client, "wuhu-word.docx", buf.getvalue(), "芜湖新建智能立体仓库，设备投资800万元，能补多少？")
    assert any(c["doc_id"] == "wuhu-word" for c in a["citations"]), a
    assert "80万元" in a["answer"]
    assert wait_job(client, client.delete("/api/documents/wuhu-word").json())["state"] == "done"
