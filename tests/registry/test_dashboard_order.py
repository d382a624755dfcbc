"""The 工作台 leads with what to act on (待办提醒), then the figures the department reports, each opening its list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.figures import last_full_month
from proposals.catalog import DEPARTMENT_CONTACT
from tests.factories import (
    ActivityFactory,
    DepartmentFactory,
    OrganizationFactory,
    RepresentativeFactory,
    UserFactory,
    local_datetime,
)

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


@pytest.fixture
def month_world(tree):
    """Last full month: two of street A's volunteer activities, one of street B's, and what must not count."""
    year, month = (int(part) for part in last_full_month().split("-"))
    org_a = OrganizationFactory(name="民治甲社工服务中心", region=tree["community_a1"])
    org_b = OrganizationFactory(name="观澜丙公益服务社", region=tree["community_b1"])
    ActivityFactory(region=tree["street_a"], start_at=local_datetime(year, month, 3), organizations=[org_a])
    # the last half hour of the month, Shanghai: still that month however the database stores it
    last_day = (datetime.date(year, month, 28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    ActivityFactory(
        region=tree["community_a1"], start_at=local_datetime(year, month, last_day.day, 23, 30), organizations=[org_a]
    )
    ActivityFactory(region=tree["street_b"], start_at=local_datetime(year, month, 10), organizations=[org_b])
    # not counted: another kind, a planned one, and one of this month (the month is not over)
    ActivityFactory(region=tree["street_a"], start_at=local_datetime(year, month, 5), kind="lecture")
    ActivityFactory(region=tree["street_a"], start_at=local_datetime(year, month, 6), status="planned")
    today = timezone.localdate()
    ActivityFactory(region=tree["street_a"], start_at=local_datetime(today.year, today.month, 1, 0, 5))


def _page(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def _activity_stat(response) -> dict:
    panel = next(p for p in response.context["panels"] if p["key"] == "month_figures")
    return next(stat for stat in panel["stats"] if stat["key"] == "activities")


def _list_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filterset"].error_messages, url
    return response.context["page"].count


def test_a_street_worker_sees_the_todos_first_then_the_months_figure_that_opens_its_list(
    client, month_world, street_a_user
):
    response = _page(client, street_a_user)
    groups = response.context["groups"]
    assert [group["key"] for group in groups][:2] == ["todo", "figures"]
    assert [panel["key"] for panel in groups[0]["panels"]] == ["todo"]
    assert [panel["key"] for panel in groups[1]["panels"]] == ["month_figures", "coverage", "talents"]
    # and the page draws them in that order, the region counts gone
    body = response.content.decode()
    order = [body.index(f'data-testid="{testid}"') for testid in ("panel-todo", "dashboard-group-figures")]
    assert order == sorted(order) and "本月要报的数字" in body
    assert 'data-testid="panel-scope"' not in body and "网格" not in body
    stat = _activity_stat(response)
    assert stat["value"] == 2  # street A's two; not street B's, the lecture, the planned one nor this month's
    assert _list_count(client, stat["url"]) == 2
    assert f'href="{stat["url"]}" data-figure="2">2<'.replace("&", "&amp;") in body


def test_the_district_admin_counts_every_street(client, month_world, district_admin):
    stat = _activity_stat(_page(client, district_admin))
    assert stat["value"] == 3
    assert _list_count(client, stat["url"]) == 3


def test_the_pool_size_leads_the_pool_panel_and_opens_its_list(client, tree, street_a_user):
    for status in ("admitted", "key_contact", "candidate", "withdrawn"):
        RepresentativeFactory(region=tree["community_a1"], status=status)
    RepresentativeFactory(region=tree["street_b"], status="admitted")  # another street's: not street A's pool
    response = _page(client, street_a_user)
    panel = next(p for p in response.context["panels"] if p["key"] == "talents")
    size = panel["stats"][0]
    assert (size["label"], size["value"]) == ("在库人数", 2)
    assert _list_count(client, size["url"]) == 2


def test_a_department_contact_gets_a_working_page_with_only_their_todos(client, tree):
    contact = UserFactory(username="contact_desk", region=None, role=DEPARTMENT_CONTACT)
    DepartmentFactory(name="区民政局").contacts.add(contact)
    client.force_login(contact)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert [group["key"] for group in response.context["groups"]] == ["todo"]
    assert "本月要报的数字" not in response.content.decode()
    assert len(queries) < 15
