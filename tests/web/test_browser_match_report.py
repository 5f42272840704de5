"""政策匹配 report in Chromium: the download buttons give the printable HTML page and the
Markdown; the page prints to PDF through the browser's own print (desktop and phone)."""
from __future__ import annotations

import pytest

from tests.web.chromium import DESKTOP, MARKS, PHONE, SHOTS, open_page

pytestmark = MARKS


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_match_report_download_and_print(live_url, size, tmp_path):
    tag = "desktop" if size == DESKTOP else "phone"
    with open_page(live_url, size) as page:
        page.get_by_role("tab", name="政策匹配").click()
        page.locator("#pa-m-region textarea, #pa-m-region input").first.fill("泉州开发区")
        page.locator("#pa-m-acts textarea").fill("采购列入数控一代示范项目的产品20台，采购发票总价1000万元")
        page.locator("#pa-m-go").click()
        page.locator("#pa-m-results .pa-match").first.wait_for()
        button = page.locator("#pa-m-dl-html")
        button.wait_for()
        page.screenshot(path=str(SHOTS / f"owner-3-match-download-{tag}.png"), full_page=True)
        with page.expect_download() as info:
            button.click()
        download = info.value
        assert download.suggested_filename.endswith(".html") and "政策匹配报告" in download.suggested_filename
        saved = tmp_path / "report.html"
        download.save_as(saved)
        html_text = saved.read_text(encoding="utf-8")
        assert "<h1>政策匹配报告</h1>" in html_text and "150万元" in html_text and "泉州开发区" in html_text
        with page.expect_download() as info:
            page.locator("#pa-m-dl-md").click()
        assert info.value.suggested_filename.endswith(".md")

        report = page.context.new_page()
        report.goto(saved.as_uri())
        assert report.locator("button.print").is_visible()
        report.screenshot(path=str(SHOTS / f"owner-3-report-page-{tag}.png"), full_page=True)
        report.emulate_media(media="print")
        assert not report.locator("button.print").is_visible()  # the print button is not printed
        report.screenshot(path=str(SHOTS / f"owner-3-report-print-{tag}.png"), full_page=True)
        pdf = report.pdf(format="A4")  # what 打印 → 另存为PDF produces
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        (SHOTS / f"owner-3-report-{tag}.pdf").write_bytes(pdf)
