"""月度统计: the page's figures are the activity list's rows — its count, its export's column sums and the API."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.figures import in_wan, last_full_month
from tests.factories import ActivityFactory, ActivityThemeFactory, OrganizationFactory, last_year, local_datetime
from tests.registry.figures import assert_each_figure_matches_its_list

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

PAGE = "/activities/figures/"
API = "/api/v1/activities/figures/"
SUMMED = {
    "headcount": "参与人次",
    "service_hours": "服务时长（小时）",
    "beneficiaries": "受益人次",
    "donation_amount": "捐赠金额（元）",
    "goods_value": "物资折价（元）",
}


@pytest.fixture
def world(tree):
    """March of last year in two streets, with the activities that must not be counted around it."""
    year = last_year()
    org_a1 = OrganizationFactory(name="民治甲社工服务中心", region=tree["community_a1"])
    org_a2 = OrganizationFactory(name="民治乙志愿者协会", region=tree["street_a"])
    org_b = OrganizationFactory(name="观澜丙公益服务社", region=tree["community_b1"])

    def held(region, start, orgs, **figures):
        return ActivityFactory(region=region, start_at=start, organizations=orgs, **figures)

    counted_a = [
        held(tree["street_a"], local_datetime(year, 3, 10, 9), [org_a1], donation_amount=Decimal("1000.50")),
        # two organizations of two streets; the last half hour of March in Shanghai (15:30 UTC)
        held(
            tree["street_a"],
            local_datetime(year, 3, 31, 23, 30),
            [org_a1, org_b],
            headcount=15000,
            service_hours=Decimal("45000.5"),
            beneficiaries=3000,
            donation_amount=Decimal("1583100.00"),
            goods_value=Decimal("2500.25"),
        ),
        # held in street B by street A's organization: it is street A's activity too
        held(tree["street_b"], local_datetime(year, 3, 20, 14), [org_a2], goods_value=Decimal("300")),
    ]
    only_b = held(tree["community_b1"], local_datetime(year, 3, 5, 9), [org_b], headcount=7, beneficiaries=9)
    # never counted in March: April in Shanghai (still 31 March in UTC), cancelled, planned, another kind
    april = held(tree["street_a"], local_datetime(year, 4, 1, 0, 10), [org_a1], headcount=11)
    held(tree["street_a"], local_datetime(year, 3, 15, 9), [org_a1], status="cancelled", headcount=999)
    held(tree["street_a"], local_datetime(year, 3, 16, 9), [org_a1], status="planned", headcount=999)
    lecture = held(tree["street_a"], local_datetime(year, 3, 18, 9), [org_a2], kind="lecture", headcount=40)
    return {
        "year": year,
        "month": f"{year}-03",
        "counted_a": counted_a,
        "only_b": only_b,
        "april": april,
        "lecture": lecture,
    }


def _sum(activities, name):
    return sum((getattr(a, name) for a in activities), Decimal("0") if name != "headcount" else 0)


def _export_sums(client, url) -> tuple[int, dict]:
    """Rows and column totals of the exported workbook, read back with openpyxl."""
    response = client.get(url)
    assert response.status_code == 200, url
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    totals = {}
    for name, label in SUMMED.items():
        column = header.index(label)
        totals[name] = sum((Decimal(str(row[column] or 0)) for row in body), Decimal("0"))
    return len(body), totals


def _check_page_list_export_api(client, world, expected_activities, *, kind="volunteer", region=None):
    query = {"month": world["month"], "kind": kind, **({"region": region.pk} if region else {})}
    page = client.get(PAGE, query)
    assert page.status_code == 200
    assert not page.context["errors"], page.context["errors"]
    figures = page.context["figures"]
    # the page's figure = the rows of the list it links to
    assert figures.activities == len(expected_activities)
    listed = client.get(page.context["list_url"])
    assert listed.context["page"].count == figures.activities
    assert {row["object"].pk for row in listed.context["rows"]} == {a.pk for a in expected_activities}
    # = the sums of the columns of the export with the same filters
    rows, totals = _export_sums(client, page.context["export_url"])
    assert rows == figures.activities
    for name in SUMMED:
        assert totals[name] == Decimal(getattr(figures, name)), name
        assert Decimal(getattr(figures, name)) == _sum(expected_activities, name), name
    # = the API, amounts as strings
    api = client.get(API, query)
    assert api.status_code == 200, api.content
    body = api.json()
    assert body["activities"] == figures.activities
    assert body["organizations"] == figures.organizations
    assert body["headcount"] == figures.headcount and body["beneficiaries"] == figures.beneficiaries
    assert Decimal(body["service_hours"]) == figures.service_hours
    assert body["donation_amount"] == f"{figures.donation_amount:.2f}"
    assert Decimal(body["goods_value"]) == figures.goods_value
    assert body["sentence"] == page.context["sentence"]
    # every count on the page (tile, regions, 12 months, year total) is its list's row count
    assert_each_figure_matches_its_list(client, f"{PAGE}?{page.request['QUERY_STRING']}", at_least=14)
    return page


def test_street_user_counts_their_streets_activities_only(client, street_a_user, world, tree):
    client.force_login(street_a_user)
    page = _check_page_list_export_api(client, world, world["counted_a"])
    figures = page.context["figures"]
    assert world["only_b"].pk not in {a.pk for a in world["counted_a"]}
    # 民治甲 and 民治乙; 观澜丙 co-organized one of the activities but is not street A's organization
    assert figures.organizations == 2
    assert figures.headcount == 15040
    year = world["year"]
    assert page.context["sentence"] == (
        f"{year}年3月，民治街道2家社会组织开展志愿服务3场、1.50万人次，服务时长4.51万小时，受益3200人次，"
        "捐赠158.41万元，物资折价2800.25元。"
    )
    body = page.content.decode()
    assert (
        "1.50万" in body
        and "15,040人次" in body
        and "158.41万元" in body
        and "1,584,100.50元" in body
        and "45,120.5小时" in body
    )
    # the by-region rows are street A's communities: another street's never appear
    assert [row["label"] for row in page.context["region_rows"]] == ["民治街道民治1社区", "民治街道民治2社区"]


def test_district_admin_counts_every_street(client, district_admin, world, tree):
    client.force_login(district_admin)
    expected = [*world["counted_a"], world["only_b"]]
    page = _check_page_list_export_api(client, world, expected)
    assert page.context["figures"].organizations == 3
    assert page.context["sentence"].startswith(f"{world['year']}年3月，全区3家社会组织开展志愿服务4场、1.50万人次")
    by_street = {row["label"]: row["count"] for row in page.context["region_rows"]}
    # an activity touching both streets (held in one, organized from the other) is in both rows, as in both lists
    assert by_street == {"民治街道": 3, "观澜街道": 3}


def test_unrestricted_account_sees_every_street(client, superuser, world):
    client.force_login(superuser)
    page = _check_page_list_export_api(client, world, [*world["counted_a"], world["only_b"]])
    assert page.context["place"] == "全区" and page.context["figures"].organizations == 3
    assert [row["label"] for row in page.context["region_rows"]] == ["民治街道", "观澜街道"]


def test_district_admin_narrows_to_one_street(client, district_admin, world, tree):
    client.force_login(district_admin)
    # held in B, co-organized from B, or held in B by A's organization: each touches street B
    expected = [*world["counted_a"][1:], world["only_b"]]
    page = _check_page_list_export_api(client, world, expected, region=tree["street_b"])
    assert page.context["figures"].organizations == 1  # 观澜丙 only
    assert page.context["sentence"].startswith(f"{world['year']}年3月，观澜街道1家社会组织开展志愿服务3场")


def test_all_kinds_adds_the_lecture(client, street_a_user, world):
    client.force_login(street_a_user)
    page = _check_page_list_export_api(client, world, [*world["counted_a"], world["lecture"]], kind="")
    assert "开展各类活动4场" in page.context["sentence"]


def test_month_boundary_is_shanghai_time(client, street_a_user, world):
    client.force_login(street_a_user)
    april = client.get(API, {"month": f"{world['year']}-04", "kind": "volunteer"}).json()
    assert april["activities"] == 1 and april["headcount"] == 11
    march = client.get(API, {"month": world["month"], "kind": "volunteer"}).json()
    assert march["headcount"] == 15040  # the 23:30 activity of 31 March is in, the 00:10 of 1 April is out
    months = client.get(PAGE, {"month": world["month"]}).context["month_rows"]
    assert [row["count"] for row in months[2:4]] == [3, 1]


def test_twelve_month_workbook_matches_the_page(client, district_admin, world):
    client.force_login(district_admin)
    page = client.get(PAGE, {"month": world["month"], "kind": "volunteer"})
    response = client.get(page.context["workbook_url"])
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("月份", "活动（场）", "社会组织（家）", "参与人次")
    assert len(rows) == 1 + 12 + 1
    march = rows[3]
    assert march[0] == f"{world['year']}年3月"
    assert march[1:4] == (4, 3, 15047)
    assert Decimal(str(march[6])) == Decimal("1584100.50")
    assert rows[-1][1] == 5  # the year: March's four and April's one


def test_default_is_last_full_month_of_volunteering(client, street_a_user, world):
    client.force_login(street_a_user)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert page.context["month_value"] == last_full_month()
    assert page.context["kind_value"] == "volunteer"
    today = timezone.localdate()
    assert last_full_month() == (f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}")


def test_bad_filters_are_named_in_chinese(client, street_a_user, world, tree):
    client.force_login(street_a_user)
    page = client.get(PAGE, {"month": "2022-13"})
    assert page.status_code == 200
    assert any("月份：请按“年-月”填写月份" in message for message in page.context["errors"])
    api = client.get(API, {"month": "2022-13"})
    assert api.status_code == 400
    assert "请按“年-月”填写月份" in api.json()["month"][0]
    unknown = client.get(API, {"month": world["month"], "colour": "red"})
    assert unknown.status_code == 400
    assert "不支持的筛选条件：colour" in str(unknown.json())
    cancelled = client.get(API, {"month": world["month"], "status": "cancelled"})
    assert cancelled.status_code == 400
    assert "只计“已开展”" in cancelled.json()["status"][0]
    # another street is not a choice of a street user: refused, not counted
    other = client.get(API, {"month": world["month"], "region": tree["street_b"].pk})
    assert other.status_code == 400
    workbook = client.get(reverse("activities:figures_workbook"), {"month": "2022-13"})
    assert workbook.status_code == 302


def test_menu_schema_and_permissions(client, street_a_user, world):
    response = client.get(PAGE)
    assert response.status_code == 302  # to the login page
    assert client.get(API).status_code in (401, 403)
    client.force_login(street_a_user)
    assert f'href="{PAGE}"' in client.get("/").content.decode()
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][API]["get"]
    assert {"month", "kind", "region", "theme", "organization"} <= {p["name"] for p in operation["parameters"]}
    assert "400" in operation["responses"]


def test_in_wan_as_the_articles_write_it():
    assert in_wan(26300, "人次") == "2.63万人次"
    assert in_wan(Decimal("1583100.00"), "元") == "158.31万元"
    assert in_wan(856, "人次") == "856人次"
    assert in_wan(Decimal("3500.50"), "元") == "3500.50元"


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["street_a_user", "district_admin"])
def test_page_query_count_does_not_grow_with_the_activities(request, client, tree, role):
    client.force_login(request.getfixturevalue(role))
    year = last_year()
    theme = ActivityThemeFactory(name="疫情防控")

    def make(count):
        for day in range(count):
            organizations = [
                OrganizationFactory(region=tree["community_a1"]),
                OrganizationFactory(region=tree["street_b"]),
            ]
            activity = ActivityFactory(
                region=tree["street_a"], start_at=local_datetime(year, 3, 1 + day % 28), organizations=organizations
            )
            activity.themes.set([theme])

    url = f"{PAGE}?month={year}-03&kind=volunteer"
    make(3)
    _page_queries(client, url)  # warm: the session, the permission caches
    at_3 = _page_queries(client, url)
    make(27)
    at_30 = _page_queries(client, url)
    assert at_3 == at_30
    assert client.get(url).context["figures"].activities == 30


def test_the_sentence_names_no_organizations_when_none_of_the_place_organized():
    from activities.figures import briefing_sentence
    from activities.selectors import ActivityFigures

    figures = ActivityFigures(
        activities=1,
        organizations=0,
        headcount=112,
        service_hours=Decimal("224"),
        beneficiaries=0,
        donation_amount=Decimal("0"),
        goods_value=Decimal("0"),
    )
    sentence = briefing_sentence(figures=figures, period="2026年11月", place="民治街道", kind_label="志愿服务")
    assert sentence == "2026年11月，民治街道开展志愿服务1场、112人次，服务时长224小时。"
