"""Browser: from the organizations list, download the import template, fill it, upload, preview, commit, see them."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from organizations.models import AnnualSurvey, Organization
from tests.factories import IndustryFactory, valid_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_import_organizations_from_the_list_page(login, live_server, tree, street_a_user, tmp_path):
    IndustryFactory(name="社会工作服务")
    IndustryFactory(name="养老服务")
    page = login("street_a")
    page.goto(f"{live_server.url}/organizations/")
    page.get_by_test_id("import-link").click()
    page.wait_for_load_state("networkidle")
    assert "从 Excel 导入社会组织" in page.locator("h1").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="下载导入模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    wb = load_workbook(template)
    ws = wb["社会组织"]
    headers = [cell.value for cell in ws[1]]
    rows = [
        {
            "名称": "深圳市龙华区民治春晖社工服务中心",
            "统一社会信用代码": valid_credit_code(801),
            "组织类型": "社会服务机构（民办非企业单位）",
            "所属区域": "民治1社区",
            "行业类别": "社会工作服务",
            "登记日期": "2019/6/18",
            "联系电话": "13800138000",
            "摸底调查年度": 2025,
            "从业人员数": 15,
            "正式党员数": 3,
            "流动党员数": 1,
        },
        {
            "名称": "深圳市龙华区民治长者服务中心",
            "统一社会信用代码": valid_credit_code(802, "1"),
            "组织类型": "社会团体",
            "所属区域": "民治街道",
            "行业类别": "养老服务",
            "评估等级": "4A",
            "评估年度": 2024,
        },
        {  # a credit code with a wrong check character, a region of another street
            "名称": "深圳市龙华区错误示例协会",
            "统一社会信用代码": valid_credit_code(803, "1")[:17] + "0",
            "组织类型": "社会团体",
            "所属区域": "观澜1社区",
        },
    ]
    for row in rows:
        ws.append([row.get(header) for header in headers])
    filled = tmp_path / "民治街道社会组织台账.xlsx"
    wb.save(filled)

    page.set_input_files("input[type=file]", str(filled))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_test_id("import-counts").wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "import-organizations-preview.png"), full_page=True)
    assert page.get_by_test_id("count-create").inner_text() == "2"
    assert page.get_by_test_id("count-error").inner_text() == "1"
    errors = page.get_by_test_id("error-rows").inner_text()
    assert "第 4 行" in errors and "校验位错误" in errors and "找不到区划“观澜1社区”" in errors
    assert not Organization.objects.exists()  # nothing before the commit

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("commit-button").click()
    page.get_by_test_id("import-message").wait_for()
    assert "导入完成" in page.get_by_test_id("import-message").inner_text()
    page.screenshot(path=str(SHOTS / "import-organizations-done.png"), full_page=True)

    page.get_by_test_id("list-link").click()
    page.wait_for_load_state("networkidle")
    table = page.get_by_test_id("object-table")
    assert table.get_by_role("link", name="深圳市龙华区民治春晖社工服务中心").is_visible()
    assert table.get_by_role("link", name="深圳市龙华区民治长者服务中心").is_visible()
    assert "错误示例" not in table.inner_text()
    survey = AnnualSurvey.objects.get(organization__credit_code=valid_credit_code(801))
    assert (survey.year, survey.staff_count, survey.party_member_count) == (2025, 15, 3)
