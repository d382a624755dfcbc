"""Reads of the activities app, each starting from what the user may view."""

from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from organizations.models import Organization
from registry.scoping import restrict

from .choices import ActivityStatus
from .models import Activity, ActivityTheme, Participation


def activity_theme_list(*, user):
    """Every theme: a district-wide list, the same for every street."""
    return restrict(ActivityTheme.objects.all(), user, "view")


def activity_list(*, user):
    """The activities the user may see, with what the list and the export show (no query per row)."""
    return (
        restrict(Activity.objects.all(), user, "view")
        .select_related("region__parent", "venue", "team")
        .prefetch_related(
            "themes",
            "covered_regions",
            # names of organizers outside the user's scope still show: they are part of the activity's record
            Prefetch("organizations", queryset=Organization.objects.only("pk", "name").order_by("name")),
        )
    )


def participation_list(*, user):
    return restrict(Participation.objects.all(), user, "view").select_related("activity", "representative")


def _year_of_start(path: str = "start_at"):
    # the Shanghai year (the current time zone): an activity at 00:30 on 1 January counts in the new year
    return ExtractYear(path, tzinfo=timezone.get_current_timezone())


def person_participations(*, user, representative):
    """A person's participations the user may see, latest activity first (the person's page)."""
    return (
        participation_list(user=user)
        .filter(representative=representative)
        .order_by("-activity__start_at", "-activity_id", "pk")
    )


def person_hours_by_year(*, user, representative) -> list[dict]:
    """[{"year", "hours", "count"}], latest year first: the person's hours and activities in held activities."""
    return list(
        person_participations(user=user, representative=representative)
        .filter(activity__status=ActivityStatus.HELD)
        .annotate(year=_year_of_start("activity__start_at"))
        .values("year")
        .annotate(hours=Coalesce(Sum("hours"), Decimal("0")), count=Count("activity_id", distinct=True))
        .order_by("-year")
    )


def organization_activities(*, user, organization):
    """The activities the organization organized that the user may see, latest first (the organization's page)."""
    return (
        restrict(Activity.objects.all(), user, "view")
        .filter(organizations=organization)
        .select_related("region__parent")
        .order_by("-start_at", "-pk")
    )


def organization_totals_by_year(*, user, organization) -> list[dict]:
    """Per year, latest first, the held activities' figures: 活动数, 人次, 服务时长, 受益人次, 捐赠金额, 物资折价."""
    return list(
        organization_activities(user=user, organization=organization)
        .held()
        .annotate(year=_year_of_start())
        .values("year")
        .annotate(
            count=Count("pk"),
            headcount=Coalesce(Sum("headcount"), 0),
            service_hours=Coalesce(Sum("service_hours"), Decimal("0")),
            beneficiaries=Coalesce(Sum("beneficiaries"), 0),
            donation_amount=Coalesce(Sum("donation_amount"), Decimal("0")),
            goods_value=Coalesce(Sum("goods_value"), Decimal("0")),
        )
        .order_by("-year")
    )
