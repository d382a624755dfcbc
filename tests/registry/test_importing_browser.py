"""The import clicked through: download the template, fill it, upload, preview, commit, see the records."""

import io
import os
import pathlib

import pytest
from openpyxl import load_workbook

from registry.models import ImportRecord, ImportStatus, Region
from tests.factories import TEST_PASSWORD
from tests.registry.test_importing import grant_region_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("IMPORT_SCREENSHOTS")  # a folder, to look at the pages while developing


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_template_fill_upload_preview_commit(page, live_server, street_a_user, tmp_path):
    grant_region_import(street_a_user)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", street_a_user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/imports/")
    page.get_by_role("button", name="新建导入").click()
    page.get_by_role("link", name="行政区划").click()
    shot(page, "1-upload")

    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    wb = load_workbook(template)
    ws = wb["行政区划"]
    ws.append(["440309002003", "民治3社区", "社区", "民治街道"])
    ws.append(["440309002003001", "民治3第1网格", "网格", "440309002003"])
    ws.append(["440309002004", "民治4社区", "乡", "民治街道"])
    filled = tmp_path / "民治街道区划.xlsx"
    wb.save(filled)

    page.set_input_files("input[type=file]", str(filled))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_test_id("import-counts").wait_for()
    shot(page, "2-preview")
    assert page.get_by_test_id("count-create").inner_text() == "2"
    assert page.get_by_test_id("count-error").inner_text() == "1"
    assert "“乡”不是可选值" in page.get_by_test_id("error-rows").inner_text()
    assert not Region.objects.filter(code="440309002003").exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("commit-button").click()
    page.get_by_test_id("import-message").wait_for()
    shot(page, "3-done")
    assert "导入完成" in page.get_by_test_id("import-message").inner_text()
    assert ImportRecord.objects.get().status == ImportStatus.DONE

    with page.expect_download() as report:
        page.get_by_test_id("error-report-link").click()
    content = io.BytesIO(pathlib.Path(report.value.path()).read_bytes())  # the download has no .xlsx suffix
    rows = list(load_workbook(content).active.iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["区划代码", "440309002004"]

    page.goto(f"{live_server.url}/regions/?q=民治3")
    assert "民治3第1网格" in page.content()
    page.goto(f"{live_server.url}/imports/")
    shot(page, "4-list")
    assert "民治街道区划.xlsx" in page.get_by_test_id("import-records").inner_text()
