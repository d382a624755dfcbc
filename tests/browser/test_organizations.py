"""Browser: filter organizations by street and industry, search by pinyin, open, edit, see history, export."""

from pathlib import Path

import openpyxl
import pytest

from tests.factories import IndustryFactory, OrganizationFactory, SurveyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def orgs(tree):
    elderly = IndustryFactory(name="养老服务")
    law = IndustryFactory(name="法律服务")
    OrganizationFactory(name="龙华区社会组织总会", region=tree["street_a"], industry=law)
    target = OrganizationFactory(name="民治长者服务中心", region=tree["community_a1"], industry=elderly)
    SurveyFactory(organization=target, staff_count=12)
    OrganizationFactory(name="民治法律援助中心", region=tree["community_a2"], industry=law)
    OrganizationFactory(name="观澜长者服务中心", region=tree["community_b1"], industry=elderly)
    return target


def test_filter_search_open_edit_history_export(login, live_server, orgs, district_admin, tmp_path):
    page = login("district_admin")
    page.get_by_role("button", name="社会组织").click()
    page.get_by_role("link", name="社会组织名录").click()
    table = page.get_by_test_id("object-table")
    assert table.get_by_role("link", name="观澜长者服务中心").is_visible()

    page.select_option("#id_region", label="民治街道")
    page.select_option("#id_industry", label="养老服务")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")
    rows = table.locator("tbody tr")
    assert rows.count() == 1
    assert rows.first.get_by_role("link").inner_text() == "民治长者服务中心"

    page.goto(f"{live_server.url}/organizations/")
    page.get_by_label("搜索", exact=True).fill("lhqshzz")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")
    assert [t.strip() for t in table.locator("tbody tr td:first-child").all_inner_texts()] == ["龙华区社会组织总会"]

    page.goto(f"{live_server.url}/organizations/?q=民治长者")
    table.get_by_role("link", name="民治长者服务中心").click()
    assert page.get_by_test_id("object-title").inner_text() == "民治长者服务中心"
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("住所").fill("深圳市龙华区民治街道人民路88号")
    page.get_by_label("法定代表人").fill("王建国")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert "已保存社会组织" in page.locator(".alert-success").inner_text()
    history = page.locator("#history")
    assert "深圳市龙华区民治街道人民路88号" in history.inner_text()
    assert "王建国" in history.inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "organization_detail.png"), full_page=True)

    page.goto(f"{live_server.url}/organizations/?region={orgs.region.parent_id}&sort=name")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-link").click()
    download = download_info.value
    assert download.suggested_filename.startswith("社会组织-") and download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    names = [row[header.index("名称")] for row in rows[1:]]
    assert sorted(names) == names and set(names) == {"龙华区社会组织总会", "民治长者服务中心", "民治法律援助中心"}
    row = rows[1 + names.index("民治长者服务中心")]
    assert row[header.index("住所")] == "深圳市龙华区民治街道人民路88号"
    assert row[header.index("从业人员")] == 12
