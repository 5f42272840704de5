"""Documents managed in the 文件库 tab of a real Chromium, on a server started with a login: upload
→ parse preview → publish with a progress bar → the header's count and the other tabs' region and
clause choices follow without a reload (on a second open page: at its next tab switch) → a question
answered from the new document cites it → remove; the change log names the user. The server works
on a copy of the session index."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.web.chromium import MARKS, SHOTS, launch, log_in

DOC = Path(__file__).resolve().parents[1] / "data" / "documents" / "wuhu-smart-warehouse.txt"
TIMEOUT = 300_000
AUTH = ("editor", "library-2026")

pytestmark = MARKS


@pytest.fixture(scope="module")
def editor_url(settings, kb, tmp_path_factory):
    from assistant.web.api import create_app
    from index.config import Settings
    from tests.web.conftest import serve

    data = tmp_path_factory.mktemp("documents-ui")
    shutil.copytree(settings.index_dir, data / "index")
    own = Settings(data_dir=data, corpus_dir=settings.corpus_dir, as_of_text="2026-11-21", chroma_url="",
                   llm_base_url="", llm_model="", llm_api_key="")
    with serve(create_app(own, auth=AUTH)) as url:
        yield url


def login(browser, url):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN").new_page()
    page.set_default_timeout(TIMEOUT)
    log_in(page, url, AUTH)
    return page


def header_count(page) -> int:
    found = re.search(r"已载入 (\d+) 份文件", page.locator("#pa-header").inner_text())
    return int(found.group(1)) if found else -1


def wait_count(page, n: int) -> None:
    page.wait_for_function(
        "n => /已载入 (\\d+) 份文件/.test(document.querySelector('#pa-header').innerText)"
        " && +document.querySelector('#pa-header').innerText.match(/已载入 (\\d+) 份文件/)[1] === n", arg=n)


def options(page, box: str) -> str:
    """The choices of a dropdown, as its list shows them."""
    page.locator(f"{box} input").click(timeout=30_000)
    page.get_by_role("option").first.wait_for(timeout=30_000)
    text = " | ".join(page.get_by_role("option").all_inner_texts())
    page.keyboard.press("Escape")
    return text


def test_upload_preview_publish_ask_remove(editor_url):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = login(browser, editor_url)
        other = login(browser, editor_url)  # a second operator's page, open before the publish
        docs = header_count(page)
        assert docs > 0 and header_count(other) == docs
        page.get_by_role("tab", name="条款检索").click()
        assert "芜湖" not in options(page, "#pa-region")

        page.get_by_role("tab", name="文件库").click()
        page.locator("#pa-docs [data-testid=cell-0-0]").wait_for()
        before = page.locator("#pa-docs [data-testid$='-0'][role=gridcell]").count()
        page.locator("#pa-docs [data-testid=cell-0-0]").click()  # a shipped document: says why and how
        page.locator("#pa-doc-origin").get_by_text("不能在网页上删除").wait_for()
        assert "corpus 文件夹" in page.locator("#pa-doc-origin").inner_text()
        assert page.locator("#pa-doc-remove").is_disabled()
        page.screenshot(path=str(SHOTS / "documents-0-shipped.png"), full_page=True)
        page.locator("#pa-doc-upload input[type=file]").set_input_files(str(DOC))
        preview = page.locator("#pa-doc-preview .pa-preview")
        preview.wait_for()
        text = preview.inner_text()
        assert "芜湖市人民政府办公室关于支持智能仓储物流发展的若干措施" in text
        assert "芜政办〔2026〕7号" in text and "2028-12-31" in text and "有效" in text
        assert preview.locator(".pa-leaf").count() >= 3  # the clause tree
        page.screenshot(path=str(SHOTS / "documents-1-preview.png"), full_page=True)

        page.locator("#pa-doc-publish").click()
        states = []
        job = page.locator("#pa-doc-progress .pa-job")
        job.wait_for()
        while job.get_attribute("data-state") not in ("done", "failed"):
            states.append(job.get_attribute("data-state"))
            page.wait_for_timeout(200)
        assert job.get_attribute("data-state") == "done", job.inner_text()
        assert "已发布" in job.inner_text()
        assert states and set(states) <= {"queued", "running"}, states  # the bar showed the job running
        page.locator(f"#pa-docs [data-testid=cell-{before}-0]").wait_for()
        wait_count(page, docs + 1)  # the header, without a reload
        page.screenshot(path=str(SHOTS / "documents-2-published.png"), full_page=True)
        page.get_by_role("tab", name="条款检索").click()
        assert "芜湖" in options(page, "#pa-region")
        page.get_by_role("tab", name="补贴计算器").click()
        assert "芜湖｜" in options(page, "#pa-calc-clause")

        assert header_count(other) == docs  # the other page learns of it at its next tab switch
        other.get_by_role("tab", name="条款检索").click()
        wait_count(other, docs + 1)
        assert "芜湖" in options(other, "#pa-region")

        page.get_by_role("tab", name="政策问答").click()
        page.locator("#pa-question textarea").fill("芜湖新建智能立体仓库，设备投资800万元，能补多少？")
        page.locator("#pa-send").click()
        page.locator("#pa-chat .pa-mode").first.wait_for()
        chat = page.locator("#pa-chat").inner_text()
        assert "芜湖市人民政府办公室关于支持智能仓储物流发展的若干措施" in chat and "80万元" in chat, chat
        page.screenshot(path=str(SHOTS / "documents-3-cited.png"), full_page=True)

        page.get_by_role("tab", name="文件库").click()
        box = page.locator("#pa-doc-pick input")
        box.click()
        box.fill("芜湖")
        page.get_by_role("option", name="芜湖市人民政府办公室关于支持智能仓储物流发展的若干措施").click()
        page.locator("#pa-doc-origin").get_by_text("可以删除").wait_for()
        assert page.locator("#pa-doc-remove").is_enabled()
        page.once("dialog", lambda d: d.accept())
        page.locator("#pa-doc-remove").click()
        page.locator("#pa-doc-progress").get_by_text("已删除").wait_for()
        assert page.locator("#pa-doc-progress .pa-job").get_attribute("data-state") == "done"
        page.locator(f"#pa-docs [data-testid=cell-{before}-0]").wait_for(state="detached")
        wait_count(page, docs)
        log = page.locator("#pa-doc-log").inner_text()
        assert "删除" in log and "发布" in log and "editor" in log
        page.screenshot(path=str(SHOTS / "documents-4-removed.png"), full_page=True)
        page.get_by_role("tab", name="条款检索").click()
        assert "芜湖" not in options(page, "#pa-region")
        browser.close()
