"""The demo's activities reproduce the source articles' figures from records, keep the model's rules, and build once."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from activities.choices import ActivityKind, ActivityStatus, PartyDayKind
from activities.demo import TEAM_NAME
from activities.filters import ActivityFilter
from activities.models import Activity, Participation
from organizations.models import Organization
from registry.models import Region, User
from talents.models import ServiceGroup
from tests.factories import local_datetime

pytestmark = pytest.mark.django_db

MARCH_START, APRIL_START = local_datetime(2022, 3, 1, 0), local_datetime(2022, 4, 1, 0)


def march_volunteer_work():
    return Activity.objects.filter(
        kind=ActivityKind.VOLUNTEER, status=ActivityStatus.HELD, start_at__gte=MARCH_START, start_at__lt=APRIL_START
    )


def figures(activities) -> dict:
    # the organizations counted apart from the sums: a join through the M2M would repeat each activity's figures
    organizations = Activity.organizations.through.objects.filter(activity__in=activities)
    return {
        "organizations": organizations.values("organization").distinct().count(),
        **activities.aggregate(headcount=Sum("headcount"), donation=Sum("donation_amount")),
    }


def test_march_2022_volunteer_figures_are_the_articles_own(demo):
    march = march_volunteer_work()
    assert figures(march) == {"organizations": 198, "headcount": 26_300, "donation": Decimal("1583100.00")}
    totals = march.aggregate(hours=Sum("service_hours"), served=Sum("beneficiaries"), goods=Sum("goods_value"))
    assert Decimal("1") <= totals["hours"] / 26_300 <= Decimal("10")  # hours a person gives in a day
    assert totals["served"] > 26_300 and totals["goods"] > 0
    # the month in Shanghai time: a UTC month would take in 1 April 00:30 and lose 1 March 06:30
    utc = datetime.UTC
    by_utc = Activity.objects.filter(
        kind=ActivityKind.VOLUNTEER,
        status=ActivityStatus.HELD,
        start_at__gte=datetime.datetime(2022, 3, 1, tzinfo=utc),
        start_at__lt=datetime.datetime(2022, 4, 1, tzinfo=utc),
    )
    assert figures(by_utc) != figures(march)
    # the page's month filter reads the same records
    filtered = ActivityFilter({"month": "2022-03", "kind": ActivityKind.VOLUNTEER}, queryset=Activity.objects.all())
    assert figures(filtered.qs.held()) == figures(march)
    # only held volunteer work that month: the figure reads the same whatever kind a report counts
    assert figures(ActivityFilter({"month": "2022-03"}, queryset=Activity.objects.all()).qs.held()) == figures(march)


def test_march_2022_is_spread_over_the_six_streets_the_month_and_led_by_epidemic_control(demo):
    march = march_volunteer_work().select_related("region")
    streets = {
        a.region if a.region.level == "street" else a.region.parent for a in march if a.region.level != "district"
    }
    assert {s.name for s in streets} == set(Region.objects.filter(level="street").values_list("name", flat=True))
    assert len(streets) == 6
    assert len({a.local_start_date for a in march}) >= 25
    assert Organization.objects.filter(activities__in=march).exclude(status="normal").count() == 0
    with_epidemic = march.filter(themes__name="疫情防控").distinct().count()
    assert with_epidemic > march.count() * 0.7
    assert march.annotate(n=Count("organizations")).filter(n__gt=1).exists()  # several organizations sometimes


def test_the_epidemic_team_served_800_times_and_gave_412_ten_thousand_yuan(demo):
    team = ServiceGroup.objects.get(name=TEAM_NAME)
    totals = Activity.objects.filter(team=team, status=ActivityStatus.HELD).aggregate(
        headcount=Sum("headcount"), given=Sum("donation_amount") + Sum("goods_value")
    )
    assert totals == {"headcount": 800, "given": Decimal("4120000.00")}
    assert march_volunteer_work().filter(team=team).exists()


def test_every_kind_the_articles_name_is_there_across_the_years(demo):
    held = Activity.objects.filter(status=ActivityStatus.HELD)
    for day in (PartyDayKind.COUNCIL, PartyDayKind.CHARITY, PartyDayKind.JOBS):
        assert held.filter(kind=ActivityKind.PARTY_DAY, party_day_kind=day).count() >= 5
    for kind in (ActivityKind.RESEARCH_DAY, ActivityKind.LECTURE, ActivityKind.BASE_SERVICE):
        assert held.filter(kind=kind).count() >= 5
    assert held.filter(kind=ActivityKind.BASE_SERVICE, venue__name__contains="基地").exists()
    for year in range(2022, 2026):
        in_year = held.filter(
            start_at__gte=local_datetime(year, 1, 1, 0), start_at__lt=local_datetime(year + 1, 1, 1, 0)
        )
        assert in_year.dates("start_at", "month").count() == 12  # every month has something a filter tells apart


def test_named_participants_keep_the_rules_and_add_up_by_year(demo):
    activities = Activity.objects.filter(participations__isnull=False).distinct()
    activities = activities.annotate(
        named=Count("participations"),
        named_hours=Coalesce(Sum("participations__hours"), Decimal("0")),
        longest=Max("participations__hours"),
    )
    assert activities.count() > 50
    for activity in activities:
        assert activity.status == ActivityStatus.HELD
        assert activity.headcount >= activity.named and activity.service_hours >= activity.named_hours
        assert activity.longest <= activity.duration_hours
        activity.full_clean()
    by_person = {}
    for row in Participation.objects.filter(representative__isnull=False).select_related("activity"):
        years = by_person.setdefault(row.representative_id, {})
        year = row.activity.local_start_date.year
        years[year] = years.get(year, Decimal("0")) + row.hours
    assert any(all(years.get(year) for year in (2023, 2024, 2025)) for years in by_person.values())
    assert Participation.objects.filter(representative__isnull=True).exclude(name="").exists()


def test_the_district_admin_sees_and_exports_the_month(demo, client, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="quadmin"))
    response = client.get(reverse("activities:activity_list"), {"month": "2022-03", "status": ActivityStatus.HELD})
    assert response.status_code == 200
    assert response.context["page"].count == march_volunteer_work().count()
    # most of the month is held in communities, whose label names their street: no query per row for it
    with django_assert_max_num_queries(25):
        export = client.get(reverse("activities:activity_export"), {"month": "2022-03"})
        assert export.status_code == 200 and b"".join(export.streaming_content)


def test_running_the_demo_again_adds_nothing(demo):
    def counts():
        return [m.objects.count() for m in (Activity, Participation, ServiceGroup, Organization)] + [
            Activity.organizations.through.objects.count()
        ]

    before = counts()
    call_command("demo_data", "--quiet")
    assert counts() == before


def test_the_demo_month_reads_the_articles_on_the_figures_page_and_its_export_sums_to_it(demo, client):
    import io

    import openpyxl

    client.force_login(User.objects.get(username="quadmin"))
    page = client.get(reverse("activities:figures"), {"month": "2022-03", "kind": "volunteer"})
    sentence = page.context["sentence"]
    assert "198家社会组织" in sentence and "2.63万人次" in sentence and "捐赠158.31万元" in sentence, sentence
    export = client.get(page.context["export_url"])
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    headcount, donation = header.index("参与人次"), header.index("捐赠金额（元）")
    assert sum(row[headcount] for row in rows) == 26_300
    assert sum(Decimal(str(row[donation])) for row in rows) == Decimal("1583100.00")
