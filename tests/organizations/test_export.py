"""导出Excel: exactly the filtered list (rows, order, columns), masked, formula-safe, logged."""

import io

import openpyxl
import pytest
from django.urls import reverse

from organizations.tables import ORGANIZATION_TABLE
from registry.models import AccessLog
from tests.factories import IndustryFactory, OrganizationFactory, SurveyFactory, UserFactory

pytestmark = pytest.mark.django_db


def read_export(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)], workbook


@pytest.fixture
def orgs(tree):
    law = IndustryFactory(name="法律服务")
    elderly = IndustryFactory(name="养老服务")
    made = []
    for index in range(7):
        org = OrganizationFactory(
            name=f"民治法律服务中心{index}",
            region=tree["community_a1"],
            industry=law if index % 2 else elderly,
            contact_phone=f"1381234{index:04d}",
        )
        SurveyFactory(organization=org, staff_count=10 + index)
        made.append(org)
    OrganizationFactory(
        name='=HYPERLINK("http://evil")恶意名称',
        region=tree["community_a2"],
        industry=law,
        legal_representative="@SUM(A1)",
        address="-1+2",
    )
    OrganizationFactory(name="观澜某组织", region=tree["community_b1"], industry=law)
    return {"law": law, "elderly": elderly, "made": made}


def test_export_equals_the_filtered_sorted_list(client, orgs, district_admin):
    client.force_login(district_admin)
    params = {"industry": orgs["law"].pk, "region": orgs["made"][0].region.pk, "sort": "-staff"}
    page = client.get(reverse("organizations:organization_list"), params)
    page_names = [row["object"].name for row in page.context["rows"]]
    rows, _ = read_export(client.get(reverse("organizations:organization_export"), params))
    header, data = rows[0], rows[1:]
    assert header == [c.label for c in ORGANIZATION_TABLE.export_columns]
    assert [r[header.index("名称")] for r in data] == page_names
    assert page_names == ["民治法律服务中心5", "民治法律服务中心3", "民治法律服务中心1"]  # law only, staff descending
    assert data[0][header.index("从业人员")] == 15


def test_formula_cells_are_neutralized(client, orgs, district_admin):
    client.force_login(district_admin)
    rows, _ = read_export(client.get(reverse("organizations:organization_export"), {"q": "恶意"}))
    header, row = rows[0], rows[1]
    assert row[header.index("名称")] == '\'=HYPERLINK("http://evil")恶意名称'
    assert row[header.index("法定代表人")] == "'@SUM(A1)"
    assert row[header.index("住所")] == "'-1+2"


def test_mobiles_are_masked_without_the_permission(client, orgs, street_a_user):
    client.force_login(street_a_user)
    rows, workbook = read_export(client.get(reverse("organizations:organization_export"), {"q": "民治法律服务中心3"}))
    header = rows[0]
    assert rows[1][header.index("联系电话")] == "138****0003"
    about = dict(workbook["导出说明"].iter_rows(values_only=True))
    assert about["个人信息"] == "已脱敏"


def test_mobiles_are_clear_with_the_permission_and_logged(client, orgs, district_admin):
    client.force_login(district_admin)
    rows, _ = read_export(client.get(reverse("organizations:organization_export"), {"q": "民治法律服务中心3"}))
    assert rows[1][rows[0].index("联系电话")] == "13812340003"
    log = AccessLog.objects.get(action="export")
    assert log.user == district_admin
    assert log.detail["rows"] == 1
    assert log.detail["filters"] == {"搜索": "民治法律服务中心3"}
    assert log.detail["personal_in_clear"] is True
    assert log.fields == "联系电话"


def test_every_export_is_logged_even_masked(client, orgs, street_a_user):
    client.force_login(street_a_user)
    read_export(client.get(reverse("organizations:organization_export")))
    log = AccessLog.objects.get(action="export", user=street_a_user)
    assert log.detail["rows"] == 8  # 7 + the malicious one, never the 观澜 one
    assert log.detail["personal_in_clear"] is False


def test_viewer_cannot_export(client, orgs, tree):
    viewer = UserFactory(username="only_view", region=tree["district"], role="只读")
    client.force_login(viewer)
    assert client.get(reverse("organizations:organization_export")).status_code == 403
    assert not AccessLog.objects.exists()


def test_export_streams_in_constant_memory_from_disk(client, orgs, district_admin):
    from django.http import FileResponse

    client.force_login(district_admin)
    response = client.get(reverse("organizations:organization_export"))
    assert isinstance(response, FileResponse)
    assert response.streaming
