"""Blocks the activities app adds to other apps' pages: a person's 志愿服务与活动, an organization's 组织的活动."""

from urllib.parse import urlencode

from django.urls import reverse

from registry.navigation import register_detail_section
from registry.scoping import has_model_permission
from registry.tables import display_text
from registry.views.generic import section

from . import selectors
from .choices import ActivityStatus
from .models import Activity, Participation
from .tables import ORGANIZATION_ACTIVITY_TABLE, PERSON_PARTICIPATION_TABLE

# the latest rows on the page; the rest one click away on the filtered list
SHOWN = 20
YEARS_TEMPLATE = "activities/includes/section_years.html"


def _capped(queryset):
    """The first SHOWN rows, whether there are more, and how many in all (a count only when there are more)."""
    rows = list(queryset[: SHOWN + 1])
    more = len(rows) > SHOWN
    return rows[:SHOWN], more, queryset.count() if more else len(rows)


def _hours(value) -> str:
    return f"{value.normalize():f}"


def person_activities(representative, user) -> dict | None:
    """志愿服务与活动: the person's participations, and their hours and activities by year."""
    if not has_model_permission(user, Participation, "view"):
        return None
    rows, more, total = _capped(selectors.person_participations(user=user, representative=representative))
    years = selectors.person_hours_by_year(user=user, representative=representative)
    block = section(
        "志愿服务与活动",
        PERSON_PARTICIPATION_TABLE,
        rows,
        user,
        empty="尚无参加活动的记录。",
    )
    list_url = reverse("activities:participation_list")
    block.update(
        count=total,
        cards_on_phone=True,
        testid="person-activities",
        extra_template=YEARS_TEMPLATE,
        summary=[
            {
                "text": f"{item['year']}年 {_hours(item['hours'])}小时（{item['count']}次）",
                "url": f"{list_url}?{urlencode({'representative': representative.pk, 'year': item['year']})}",
            }
            for item in years
        ],
        summary_note="按已开展的活动统计",
        more_url=f"{list_url}?{urlencode({'representative': representative.pk})}" if more else None,
    )
    return block


YEAR_FIGURES = (
    ("count", "活动数"),
    ("headcount", "人次"),
    ("service_hours", "服务时长（小时）"),
    ("beneficiaries", "受益人次"),
    ("donation_amount", "捐赠金额（元）"),
    ("goods_value", "物资折价（元）"),
)


def organization_activities(organization, user) -> dict | None:
    """组织的活动: the latest activities the organization organized, and its held activities' totals by year."""
    if not has_model_permission(user, Activity, "view"):
        return None
    rows, more, total = _capped(selectors.organization_activities(user=user, organization=organization))
    years = selectors.organization_totals_by_year(user=user, organization=organization)
    block = section("组织的活动", ORGANIZATION_ACTIVITY_TABLE, rows, user, empty="尚无由该组织主办或协办的活动。")
    list_url = reverse("activities:activity_list")

    def cell(key, value):
        return _hours(value) if key == "service_hours" else display_text(value)

    block.update(
        count=total,
        cards_on_phone=True,
        testid="organization-activities",
        extra_template=YEARS_TEMPLATE,
        year_headers=[label for _, label in YEAR_FIGURES],
        year_rows=[
            {
                "year": item["year"],
                # the list shows the same activities: held ones of that (Shanghai) year
                "url": f"{list_url}?"
                + urlencode({"organization": organization.pk, "year": item["year"], "status": ActivityStatus.HELD}),
                "cells": [cell(key, item[key]) for key, _ in YEAR_FIGURES],
            }
            for item in years
        ],
        summary_note="年度合计按已开展的活动统计，点击年份查看当年活动",
        more_url=f"{list_url}?{urlencode({'organization': organization.pk})}" if more else None,
    )
    return block


def register() -> None:
    register_detail_section("talents.Representative", 40, person_activities)
    register_detail_section("organizations.Organization", 40, organization_activities)
