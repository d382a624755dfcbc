"""Lists that stay fast at a million rows: a page's keys first, then its annotated rows; an index behind each
default sort.

The plans are checked with sequential scans disabled: at a test's size PostgreSQL rightly prefers scanning a
few rows, but with ``enable_seqscan = off`` a missing index still shows as a Sort over the whole table.
The plans at a million rows, for scoped users and the first-screen filters: bench/bench_scale.py --explain.
"""

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from organizations.models import AnnualSurvey
from organizations.selectors import organization_list
from registry.pagination import page_rows, paginate
from tests.factories import (
    AssignmentFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(tree):
    made = []
    for index in range(30):
        org = OrganizationFactory(name=f"深圳市龙华区同心服务中心{index:02d}", region=tree["community_a1"])
        SurveyFactory(organization=org, staff_count=index, party_member_count=index % 4)
        if index % 3 == 0:
            PartyOrganizationFactory(region=tree["community_a1"], covers=[org])
        made.append(org)
    return made


def test_a_page_is_the_same_rows_as_a_slice_with_their_annotations(orgs, district_admin):
    queryset = organization_list(user=district_admin).order_by("name", "pk")
    page = page_rows(queryset, 10, 7)
    expected = list(queryset[10:17])
    assert [o.pk for o in page] == [o.pk for o in expected]
    assert [(o.staff, o.party_members, o.org_covered) for o in page] == [
        (o.staff, o.party_members, o.org_covered) for o in expected
    ]
    assert page[0].region.parent_id  # select_related kept


def test_the_annotations_run_for_the_pages_rows_only(orgs, district_admin):
    surveys = AnnualSurvey.objects.filter(organization=OuterRef("pk")).order_by("-year").values("staff_count")[:1]
    queryset = organization_list(user=district_admin).annotate(latest=Subquery(surveys)).order_by("name", "pk")
    with CaptureQueriesContext(connection) as queries:
        page = paginate(queryset, 2, 10)
    keys, rows = queries.captured_queries[0]["sql"], queries.captured_queries[1]["sql"]
    assert "organizations_annualsurvey" not in keys and "OFFSET 10" in keys  # ordered and cut over the table alone
    assert "organizations_annualsurvey" in rows and "OFFSET" not in rows  # the subquery, for ten keys
    assert len(page.objects) == 10 and page.has_next
    assert [o.latest for o in page.objects] == [o.staff for o in page.objects]


def test_joined_columns_need_no_second_query(orgs, district_admin):
    queryset = organization_list(user=district_admin).order_by("name", "pk")  # the stored coverage flags
    with CaptureQueriesContext(connection) as queries:
        page = paginate(queryset, 2, 10)
    assert "OFFSET 10" in queries.captured_queries[0]["sql"]
    assert "organizations_coveragestate" in queries.captured_queries[0]["sql"]
    assert len(page.objects) == 10 and page.objects[0].staff is not None


def test_party_organization_and_liaison_counts_without_grouping_the_table(tree, district_admin):
    org = OrganizationFactory(region=tree["community_a1"])
    party = PartyOrganizationFactory(region=tree["community_a1"], covers=[org])
    liaison = LiaisonFactory(region=tree["street_a"])
    AssignmentFactory(liaison=liaison, organization=org)
    from organizations.selectors import liaison_list, party_organization_list

    assert party_organization_list(user=district_admin).get(pk=party.pk).covered_count == 1
    assert liaison_list(user=district_admin).get(pk=liaison.pk).active_count == 1
    assert "GROUP BY" not in str(party_organization_list(user=district_admin).query)
    assert "GROUP BY" not in str(liaison_list(user=district_admin).query)


@pytest.mark.parametrize(
    ("path", "params", "index"),
    [
        ("/organizations/", {}, "org_updated_idx"),
        ("/organizations/", {"sort": "name"}, "org_name_idx"),
        ("/organizations/party-organizations/", {}, "partyorg_tier_name_idx"),
    ],
)
def test_page_one_reads_the_index_of_its_sort(orgs, path, params, index):
    # a user without a region scope: the order alone decides the plan (a scoped user's plan at 1M rows, and
    # the lists whose tables this test leaves empty, are checked by bench/bench_scale.py --explain)
    request = RequestFactory().get(path, params)
    request.user = UserFactory(username="root", is_superuser=True, is_staff=True, all_regions=True)
    view = resolve(path).func.view_class()
    view.setup(request)
    _, queryset, _ = view.filtered_queryset()
    sql, sql_params = queryset.values_list("pk", flat=True)[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        # at this size any plan is cheap: make the planner show whether an index can give the order at all
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, sql_params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
    assert "Sort" not in plan.split(index)[0], plan  # the index gives the order: no sort above it


def test_the_api_pages_on_past_its_capped_count(client, orgs, district_admin, monkeypatch):
    monkeypatch.setattr("registry.api_pagination.COUNT_CAP", 5)
    client.force_login(district_admin)
    page = client.get("/api/v1/organizations/organizations/", {"limit": "10", "offset": "20"}).json()
    assert page["count"] == 5 and page["count_capped"] is True
    assert len(page["results"]) == 10  # rows 21–30 exist beyond the capped count
    assert page["next"] is None  # … and nothing after them
    page = client.get("/api/v1/organizations/organizations/", {"limit": "10", "offset": "10"}).json()
    assert "offset=20" in page["next"]
