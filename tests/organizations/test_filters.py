"""Filters are never silently ignored, and the new ones work the same on the page, the export and the API."""

import io

import openpyxl
import pytest
from django.urls import reverse

from organizations.models import Venue
from registry.models import AccessLog
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

LIST = "organizations:organization_list"
EXPORT = "organizations:organization_export"
API = "/api/v1/organizations/organizations/"


def venue(org, *, all_six: bool):
    standards = {field: True for field, _ in Venue.SIX_STANDARDS}
    if not all_six:
        standards["has_records"] = False
    return Venue.objects.create(
        name=f"{org.name}阵地", kind="station", level="community", region=org.region, operating_organization=org,
        **standards,
    )


@pytest.fixture
def orgs(tree):
    region = tree["community_a1"]
    made = {
        "flagship": OrganizationFactory(name="品牌组织", region=region, is_flagship=True),
        "honoured": OrganizationFactory(name="示范组织", region=region, honour_level="city", honour_year=2025),
        "red": OrganizationFactory(name="红名单组织", region=region, venture_list="red"),
        "black": OrganizationFactory(name="黑名单组织", region=region, venture_list="black"),
        "six": OrganizationFactory(name="六有组织", region=region),
        "five": OrganizationFactory(name="五有组织", region=region),
    }
    venue(made["six"], all_six=True)
    venue(made["five"], all_six=False)
    return made


def page_names(client, params) -> tuple[int, set[str], str]:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    rows = response.context["rows"]
    names = {row["cells"][0]["text"] for row in rows} if rows else set()
    return len(rows), names, response.content.decode()


def export_names(client, params) -> tuple[list, openpyxl.Workbook]:
    response = client.get(reverse(EXPORT), params)
    assert response.status_code == 200, response
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [row[0] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)], workbook


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"is_flagship": "true"}, {"品牌组织"}),
        ({"honour_level": "city"}, {"示范组织"}),
        ({"venture_list": "red"}, {"红名单组织"}),
        ({"venture_list": "black"}, {"黑名单组织"}),
        ({"venue_standards": "true"}, {"六有组织"}),
    ],
)
def test_the_new_filters_agree_on_page_export_and_api(client, orgs, district_admin, params, expected):
    client.force_login(district_admin)
    _, names, _ = page_names(client, params)
    assert names == expected
    exported, _ = export_names(client, params)
    assert set(exported) == expected
    api = client.get(API, params)
    assert api.status_code == 200
    assert {row["name"] for row in api.json()["results"]} == expected


def test_the_venue_list_filters_six_standards(client, orgs, district_admin):
    client.force_login(district_admin)
    response = client.get(reverse("organizations:venue_list"), {"standards": "true"})
    assert [row["cells"][0]["text"] for row in response.context["rows"]] == ["六有组织阵地"]
    response = client.get(reverse("organizations:venue_list"), {"standards": "false"})
    assert [row["cells"][0]["text"] for row in response.context["rows"]] == ["五有组织阵地"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"bogus_filter": "true"}, "不支持的筛选条件：bogus_filter。"),
        ({"is_hub": "maybe"}, "枢纽型：“maybe”不是有效的选项，请选择“是”或“否”。"),
        ({"status": "admitted"}, "登记状态："),
    ],
)
def test_an_unknown_filter_or_bad_value_shows_a_message_and_nothing_else(
    client, orgs, district_admin, params, message
):
    client.force_login(district_admin)
    count, _, body = page_names(client, params)
    assert count == 0
    assert "筛选条件有误，未显示任何记录" in body
    assert message in body
    response = client.get(reverse(EXPORT), params)
    assert response.status_code == 302
    assert not AccessLog.objects.filter(action="export").exists()
    assert message in client.get(response["Location"]).content.decode()
    api = client.get(API, params)
    assert api.status_code == 400
    assert message.split("：")[-1].rstrip("。") in str(api.json())


def test_page_sort_and_api_paging_parameters_are_not_filters(client, orgs, district_admin):
    client.force_login(district_admin)
    count, _, body = page_names(client, {"page": "1", "sort": "name", "q": "组织"})
    assert count == 6 and "筛选条件有误" not in body
    assert client.get(API, {"limit": "2", "offset": "2", "format": "json"}).status_code == 200


def test_export_note_and_access_log_name_every_filter_in_chinese(client, orgs, district_admin):
    client.force_login(district_admin)
    params = {"status": "normal", "is_hub": "false", "venture_list": "red", "region": orgs["red"].region.pk}
    _, workbook = export_names(client, params)
    note = dict(workbook["导出说明"].iter_rows(values_only=True))["筛选条件"]
    assert "登记状态：正常" in note
    assert "枢纽型：否" in note
    assert "公益创投红黑名单：红名单" in note
    assert "所属区域：" in note and orgs["red"].region.name in note
    assert "status" not in note and "=" not in note
    log = AccessLog.objects.get(action="export")
    assert log.detail["filters"]["枢纽型"] == "否"
    assert log.detail["filters"]["登记状态"] == "正常"
