"""Organization pages: search, filters, sort, query counts, history, forms through the browser's HTTP path."""

import pytest
from django.urls import reverse

from organizations.models import Organization
from tests.factories import (
    AssignmentFactory,
    IndustryFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_orgs(tree):
    industry = IndustryFactory(name="社区服务")
    orgs = []
    for index in range(60):
        org = OrganizationFactory(
            name=f"龙华区社会组织服务中心{index:02d}", region=tree["community_a1"], industry=industry
        )
        SurveyFactory(organization=org, staff_count=index)
        liaison = LiaisonFactory(region=tree["street_a"])
        AssignmentFactory(liaison=liaison, organization=org, role="party_liaison")
        orgs.append(org)
    return orgs


def names(response):
    return [row["object"].name for row in response.context["rows"]]


def test_search_by_pinyin_initials_name_and_code(client, tree, street_a_user):
    hub = OrganizationFactory(name="龙华区社会组织总会", region=tree["street_a"])
    OrganizationFactory(name="民治街道养老服务中心", region=tree["community_a1"])
    client.force_login(street_a_user)
    url = reverse("organizations:organization_list")
    assert names(client.get(url, {"q": "lhqshzz"})) == ["龙华区社会组织总会"]
    assert names(client.get(url, {"q": "LHQSHZZ"})) == ["龙华区社会组织总会"]
    assert names(client.get(url, {"q": "社会组织"})) == ["龙华区社会组织总会"]
    assert names(client.get(url, {"q": hub.credit_code.lower()})) == ["龙华区社会组织总会"]


def test_filters_and_sorting(client, tree, street_a_user, many_orgs):
    client.force_login(street_a_user)
    url = reverse("organizations:organization_list")
    first = client.get(url, {"sort": "-staff"})
    assert names(first)[:3] == ["龙华区社会组织服务中心59", "龙华区社会组织服务中心58", "龙华区社会组织服务中心57"]
    assert client.get(url, {"sort": "staff"}).context["rows"][0]["object"].name == "龙华区社会组织服务中心00"
    assert client.get(url, {"region": tree["community_a2"].pk}).context["page"].count == 0
    assert client.get(url, {"work_covered": "true"}).context["page"].count == 60
    assert client.get(url, {"org_covered": "true"}).context["page"].count == 0
    # an unknown sort key falls back to the default order instead of failing
    assert client.get(url, {"sort": "password"}).status_code == 200


def test_pagination_counts_and_pages(client, street_a_user, many_orgs):
    client.force_login(street_a_user)
    url = reverse("organizations:organization_list")
    page1 = client.get(url)
    assert page1.context["page"].count == 60 and page1.context["page"].has_next
    page2 = client.get(url, {"page": 2})
    assert len(page2.context["rows"]) == 10 and not page2.context["page"].has_next


def count_queries(client, url, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_list_query_count_does_not_grow_with_rows(client, street_a_user, many_orgs):
    client.force_login(street_a_user)
    url = reverse("organizations:organization_list")
    few, response_few = count_queries(client, url, {"q": "服务中心0"})
    many, response_many = count_queries(client, url)
    assert len(response_few.context["rows"]) == 10 and len(response_many.context["rows"]) == 50
    assert few <= many <= 18  # the page with a next page also counts (capped)


def test_detail_query_count_is_bounded(client, tree, street_a_user, many_orgs, django_assert_max_num_queries):
    org = many_orgs[0]
    for year in (2021, 2022, 2023):
        SurveyFactory(organization=org, year=year)
    PartyOrganizationFactory(region=tree["street_a"], covers=[org])
    client.force_login(street_a_user)
    # 30: two of them are the activities app's section (its rows, its totals by year), whatever the number of rows;
    # two name the liaisons and party organizations of the timeline's entries (tests/organizations/test_timeline.py)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("organizations:organization_detail", args=[org.pk]))
    assert response.status_code == 200


def test_other_list_pages_have_bounded_queries(client, tree, street_a_user, many_orgs, django_assert_max_num_queries):
    client.force_login(street_a_user)
    for name in ("liaison_list", "assignment_list", "annualsurvey_list", "partyorganization_list", "venue_list"):
        with django_assert_max_num_queries(18):
            assert client.get(reverse(f"organizations:{name}")).status_code == 200


def test_edit_shows_in_history(client, tree, street_a_user):
    org = OrganizationFactory(name="原名称", region=tree["community_a1"])
    client.force_login(street_a_user)
    data = {
        "name": "新名称",
        "credit_code": org.credit_code,
        "kind": org.kind,
        "status": "normal",
        "region": tree["community_a1"].pk,
    }
    assert client.post(reverse("organizations:organization_update", args=[org.pk]), data).status_code == 302
    body = client.get(reverse("organizations:organization_detail", args=[org.pk])).content.decode()
    assert "变更记录" in body
    history = body.split('id="history"')[1]
    assert "原名称" in history and "新名称" in history and street_a_user.full_name in history


def test_history_hides_personal_values(client, tree, street_a_user):
    org = OrganizationFactory(region=tree["community_a1"], contact_phone="13800001111")
    Organization.objects.filter(pk=org.pk).update(contact_phone="13900002222")
    client.force_login(street_a_user)
    history = client.get(reverse("organizations:organization_detail", args=[org.pk])).content.decode()
    history = history.split('id="history"')[1]
    assert "联系电话" in history and "13900002222" not in history and "13800001111" not in history


def test_delete_with_confirmation(client, tree, district_admin):
    org = OrganizationFactory(region=tree["community_a1"])
    client.force_login(district_admin)
    assert "确定要删除" in client.get(reverse("organizations:organization_delete", args=[org.pk])).content.decode()
    assert client.post(reverse("organizations:organization_delete", args=[org.pk])).status_code == 302
    assert not Organization.objects.filter(pk=org.pk).exists()


def test_deleting_a_liaison_with_assignments_says_why(client, tree, district_admin):
    assignment = AssignmentFactory(
        liaison=LiaisonFactory(region=tree["street_a"]), organization=OrganizationFactory(region=tree["community_a1"])
    )
    client.force_login(district_admin)
    response = client.post(reverse("organizations:liaison_delete", args=[assignment.liaison.pk]), follow=True)
    assert "仍有关联的联络员任职" in response.content.decode()


def test_api_list_uses_the_same_filter(client, tree, street_a_user, many_orgs):
    client.force_login(street_a_user)
    api = client.get("/api/v1/organizations/organizations/", {"q": "服务中心05", "sort": "-staff"}).json()
    assert [row["name"] for row in api["results"]] == ["龙华区社会组织服务中心05"]
    assert api["results"][0]["contact_phone"] == "138****5678"
    assert api["results"][0]["kind_display"] == "社会服务机构（民办非企业单位）"
    assert api["count"] == 1 and api["count_capped"] is False


def test_api_schema_is_served(client, street_a_user):
    client.force_login(street_a_user)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/organizations/organizations/" in response.content


def test_blank_choices_read_in_chinese(client, tree, district_admin):
    client.force_login(district_admin)
    listing = client.get("/organizations/").content.decode()
    form = client.get("/organizations/new/").content.decode()
    assert "---------" not in listing and "---------" not in form
    assert '<option value="" selected>全部</option>' in listing
    assert '<option value="" selected>——请选择——</option>' in form
