"""Browser: a list over the threshold is exported in the background — progress page, worker, download."""

import openpyxl
import pytest
from django.core.management import call_command

from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_export_shows_progress_then_a_download(login, live_server, tree, district_admin, settings, tmp_path):
    settings.EXPORT_BACKGROUND_ROWS = 2
    for index in range(4):
        OrganizationFactory(name=f"民治后台导出{index}", region=tree["community_a1"])
    page = login("district_admin")
    page.goto(f"{live_server.url}/organizations/?q=民治后台导出")
    page.get_by_test_id("export-link").click()
    page.wait_for_url("**/exports/*/")
    progress = page.get_by_test_id("export-progress")
    assert "排队等待生成" in progress.inner_text()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    # the page polls its progress and reloads itself once the file is ready
    link = page.get_by_test_id("export-download")
    link.wait_for(timeout=15_000)
    assert "4 行" in page.get_by_test_id("export-message").inner_text()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("社会组织-") and download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "export.xlsx"
    download.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).worksheets[0].iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == [f"民治后台导出{i}" for i in range(4)]

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("my-exports").click()
    assert "社会组织" in page.get_by_test_id("export-jobs").inner_text()
