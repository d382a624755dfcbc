"""The 工作台's 12-month trends: coverage as of each month end from dated records, registrations, the pool from its
dated status changes, volunteer 人次 — and the current month's coverage is the 两个覆盖 page's."""

import datetime

import pytest
import time_machine

from organizations.coverage import coverage_totals
from organizations.selectors import coverage_rates_by_month, month_ends, registrations_by_month
from reports.dashboard import last_months
from talents.models import StatusChange
from talents.selectors import pool_size_by_month
from tests.factories import (
    ActivityFactory,
    AssignmentFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    RepresentativeFactory,
    local_datetime,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
MONTHS = [(2026, month) for month in range(1, 7)]


@pytest.fixture
def history(tree):
    with time_machine.travel(NOW, tick=False):
        first = OrganizationFactory(region=tree["community_a1"], registration_date=datetime.date(2026, 1, 10))
        second = OrganizationFactory(region=tree["community_a2"], registration_date=datetime.date(2026, 2, 1))
        OrganizationFactory(region=tree["community_b1"], registration_date=datetime.date(2026, 2, 3))  # street B
        PartyOrganizationFactory(region=tree["street_a"], founded_date=datetime.date(2026, 3, 5), covers=[first])
        AssignmentFactory(
            liaison=LiaisonFactory(region=tree["street_a"]),
            organization=second,
            role="party_liaison",
            start_date=datetime.date(2026, 4, 1),
            end_date=datetime.date(2026, 5, 31),
        )
        left = RepresentativeFactory(region=tree["community_a1"], status="withdrawn")
        StatusChange.objects.create(
            representative=left, from_status="candidate", to_status="admitted", changed_on=datetime.date(2026, 2, 10)
        )
        StatusChange.objects.create(
            representative=left, from_status="admitted", to_status="withdrawn", changed_on=datetime.date(2026, 4, 20)
        )
        RepresentativeFactory(region=tree["community_a1"], status="admitted")  # no dated change: from today
        ActivityFactory(region=tree["community_a1"], start_at=local_datetime(2026, 3, 31, 23, 30), headcount=20)
        ActivityFactory(region=tree["community_a1"], start_at=local_datetime(2026, 4, 1, 0, 10), kind="lecture")
    return tree


def test_coverage_as_of_each_month_end_from_the_dated_records(history, street_a_user):
    with time_machine.travel(NOW, tick=False):
        rows = coverage_rates_by_month(user=street_a_user, region=history["street_a"], months=MONTHS)
        assert [row["total"] for row in rows] == [1, 2, 2, 2, 2, 2]
        assert [row["org_rate"] for row in rows] == [0.0, 0.0, 50.0, 50.0, 50.0, 50.0]
        assert [row["work_rate"] for row in rows] == [0.0, 0.0, 50.0, 100.0, 100.0, 50.0]
        # this month's point is the 两个覆盖 page's figure
        now = coverage_totals(user=street_a_user, region=history["street_a"])
        assert (rows[-1]["org_rate"], rows[-1]["work_rate"]) == (now.org_rate, now.work_rate)


def test_registrations_and_the_pool_month_by_month(history, street_a_user, district_admin):
    with time_machine.travel(NOW, tick=False):
        assert [r["count"] for r in registrations_by_month(user=street_a_user, months=MONTHS)] == [1, 1, 0, 0, 0, 0]
        assert [r["count"] for r in registrations_by_month(user=district_admin, months=MONTHS)] == [1, 2, 0, 0, 0, 0]
        assert pool_size_by_month(user=street_a_user, month_ends=month_ends(MONTHS)) == [0, 1, 1, 0, 0, 1]


def test_the_dashboard_draws_the_trends(client, history, district_admin):
    client.force_login(district_admin)
    with time_machine.travel(NOW, tick=False):
        assert last_months(3) == [(2026, 4), (2026, 5), (2026, 6)]
        response = client.get("/")
    panels = {panel["key"]: panel for panel in response.context["panels"]}
    assert {"coverage_trend", "registrations_trend", "pool_trend", "activity_trend"} <= set(panels)
    activity = panels["activity_trend"]["chart"]
    assert activity["categories"][-4:] == ["3月", "4月", "5月", "6月"] and activity["categories"][0] == "25年7月"
    assert activity["series"][0]["data"][-4:] == [20, 0, 0, 0]  # the lecture of 1 April is no volunteer work
    assert panels["pool_trend"]["chart"]["series"][0]["data"][-6:] == [0, 1, 1, 0, 0, 1]
    assert "推算" in panels["coverage_trend"]["note"]
    assert 'data-testid="dashboard-group-trends"' in response.content.decode()
