"""Browser: an analyst picks a period on 统计报表, copies the briefing, and gets the workbook from the background
export — progress page, worker, download — every topic sheet with its chart."""

import openpyxl
import pytest
from django.core.management import call_command

from tests.browser.helpers import DESKTOP, PHONE, SHOTS, log_in
from tests.factories import last_year
from tests.reports.test_workbook import charts_per_sheet, make_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_analyst_gets_the_briefing_and_the_workbook(browser, live_server, tree, analyst, viewport, tmp_path):
    make_records(tree, 3)
    year = last_year()
    size = "phone" if viewport is PHONE else "desktop"
    context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, analyst.username)
        page.goto(f"{live_server.url}/reports/?period=month&month={year}-03")
        briefing = page.get_by_test_id("reports-briefing").inner_text()
        assert briefing.startswith(f"{year}年3月，全区6家社会组织开展志愿服务6场、600人次")
        page.screenshot(path=SHOTS / f"reports_{size}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

        page.get_by_test_id("reports-download").click()
        page.wait_for_url("**/exports/*/")
        assert "统计报表" in page.content()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        link = page.get_by_test_id("export-download")
        link.wait_for(timeout=15_000)
        page.screenshot(path=SHOTS / f"reports_{size}_job.png", full_page=True)
        with page.expect_download() as download_info:
            link.click()
        saved = tmp_path / "workbook.xlsx"
        download_info.value.save_as(saved)
        book = openpyxl.load_workbook(saved)
        assert book.sheetnames[0] == "封面" and book.sheetnames[-1] == "导出说明"
        charts = charts_per_sheet(saved.read_bytes())
        assert all(charts[name] == 1 for name in book.sheetnames[1:-1]), charts
        cover = {row[0]: row[1] for row in book["封面"].iter_rows(values_only=True) if row[0]}
        assert cover["简报"] == briefing
    finally:
        context.close()
