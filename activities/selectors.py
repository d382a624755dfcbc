"""Reads of the activities app, each starting from what the user may view."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Count, DecimalField, ExpressionWrapper, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.http import QueryDict
from django.utils import timezone

from organizations.models import Organization
from registry.choices import RegionLevel
from registry.models import Region
from registry.scoping import restrict, scope_region, user_is_unrestricted

from .choices import ActivityKind, ActivityStatus
from .filters import ActivityFilter
from .models import Activity, ActivityTheme, Participation, month_bounds


def activity_theme_list(*, user):
    """Every theme: a district-wide list, the same for every street."""
    return restrict(ActivityTheme.objects.all(), user, "view")


def activity_list(*, user):
    """The activities the user may see, with what the list and the export show (no query per row)."""
    return (
        restrict(Activity.objects.all(), user, "view")
        # region__parent: a community's label names its street (Region.label), a query per row otherwise
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


# ---- 月度统计: the figures the department reports, over exactly the rows of the activity list ----
FIGURE_SUMS = ("headcount", "service_hours", "beneficiaries", "donation_amount", "goods_value")
# the filters that set the period: the 12-month table replaces them with its year
PERIOD_FILTERS = ("month", "year", "date_from", "date_to")


@dataclass(frozen=True)
class ActivityFigures:
    """活动场次, 社会组织家数 and the sums of the held activities' counted figures."""

    activities: int = 0
    organizations: int = 0
    headcount: int = 0
    service_hours: Decimal = Decimal("0")
    beneficiaries: int = 0
    donation_amount: Decimal = Decimal("0")
    goods_value: Decimal = Decimal("0")


class _UserOnly:
    """What a ScopedFilterSet reads of a request (its user narrows the choices), for a selector called with a user."""

    def __init__(self, user):
        self.user = user


def held_activity_filterset(*, user, filterset_data) -> ActivityFilter:
    """The activity list's own FilterSet over the user's activities, fixed to 已开展 (what every figure counts).

    Another status is refused by name rather than silently replaced: the figures never count planned or
    cancelled activities, and a link back to the list must show what was counted.
    """
    data = QueryDict(mutable=True)
    for key, value in (filterset_data or {}).items():
        if hasattr(filterset_data, "getlist"):
            value = filterset_data.getlist(key)
        data.setlist(key, [str(item) for item in (value if isinstance(value, list | tuple) else [value])])
    asked = data.get("status")
    data["status"] = ActivityStatus.HELD
    filterset = ActivityFilter(data, queryset=activity_list(user=user), request=_UserOnly(user))
    if asked and asked != ActivityStatus.HELD and filterset.form.is_valid():
        filterset.form.add_error("status", "统计只计“已开展”的活动，请去掉“状态”条件。")
    return filterset


def _held_ids(filterset):
    # the primary keys only: the list's M2M filters (theme, organization) and prefetches never reach the sums
    return filterset.qs.order_by().values("pk")


def _sums(prefix: str = "", condition: Q | None = None) -> dict:
    """Count and sums over activities (no join: one row per activity), optionally only those meeting ``condition``."""
    decimal_zero = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
    expressions = {f"{prefix}activities": Count("pk", filter=condition)}
    for name in FIGURE_SUMS:
        decimal = name in ("service_hours", "donation_amount", "goods_value")
        expressions[f"{prefix}{name}"] = Coalesce(Sum(name, filter=condition), decimal_zero if decimal else Value(0))
    return expressions


def _figures(row: dict, prefix: str = "", organizations: int = 0) -> ActivityFigures:
    return ActivityFigures(
        activities=row[f"{prefix}activities"],
        organizations=organizations,
        **{name: row[f"{prefix}{name}"] for name in FIGURE_SUMS},
    )


def figure_organization_region(*, user, filterset):
    """Whose social organizations 社会组织家数 counts: the chosen region's, else the user's scope (None: all).

    “观澜街道12家社会组织开展志愿服务”: a street counts its own organizations, not the partners of another street
    that co-organized one of its activities (that activity's 人次 and 捐赠 still count for both streets).
    """
    chosen = filterset.form.cleaned_data.get("region") if filterset.form.is_valid() else None
    if chosen is not None:
        return chosen
    return None if user_is_unrestricted(user) else scope_region(user)


def _organizers(ids, region):
    through = Activity.organizations.through.objects.filter(activity_id__in=ids)
    if region is not None:
        through = through.filter(organization__region__path__startswith=region.path)
    return through


def activity_figures(*, user, filterset_data) -> tuple[ActivityFilter, ActivityFigures | None]:
    """The figures of the held activities the list shows for ``filterset_data``: two queries.

    None when the filters cannot be read (the FilterSet names the reasons), as the list shows no rows.
    """
    filterset = held_activity_filterset(user=user, filterset_data=filterset_data)
    if not filterset.form.is_valid():
        return filterset, None
    ids = _held_ids(filterset)
    row = Activity.objects.filter(pk__in=ids).aggregate(**_sums())
    region = figure_organization_region(user=user, filterset=filterset)
    organizations = _organizers(ids, region).values("organization_id").distinct().count()
    return filterset, _figures(row, organizations=organizations)


def activity_figures_by_month(*, user, filterset_data, year: int) -> list[tuple[int, ActivityFigures]]:
    """(month, figures) for the 12 months of ``year`` with the same other filters: two queries.

    Months are Shanghai months (TruncMonth in the current time zone), as ?month= reads them.
    """
    data = {key: value for key, value in (filterset_data or {}).items() if key not in PERIOD_FILTERS}
    filterset = held_activity_filterset(user=user, filterset_data={**data, "year": str(year)})
    if not filterset.form.is_valid():
        return []
    ids = _held_ids(filterset)
    rows = (
        Activity.objects.filter(pk__in=ids)
        .annotate(period=TruncMonth("start_at"))
        .values("period")
        .annotate(**_sums())
        .order_by("period")
    )
    by_month = {timezone.localtime(row["period"]).month: row for row in rows}
    region = figure_organization_region(user=user, filterset=filterset)
    organizers = (
        _organizers(ids, region)
        .annotate(period=TruncMonth("activity__start_at"))
        .values("period")
        .annotate(count=Count("organization_id", distinct=True))
        .order_by("period")
    )
    organizations = {timezone.localtime(row["period"]).month: row["count"] for row in organizers}
    return [
        (
            month,
            _figures(by_month[month], organizations=organizations.get(month, 0))
            if month in by_month
            else ActivityFigures(),
        )
        for month in range(1, 13)
    ]


def figure_breakdown_regions(*, user, region) -> list:
    """The rows of the by-region table: the streets under a district (or city), the communities under a street."""
    if region is None:  # an unrestricted account with no region chosen: every street
        return list(Region.objects.visible_to(user).streets().select_related("parent").order_by("path"))
    level = RegionLevel.STREET if region.level in (RegionLevel.CITY, RegionLevel.DISTRICT) else RegionLevel.COMMUNITY
    if region.level not in (RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET):
        return []
    return list(
        Region.objects.visible_to(user)
        .filter(level=level, path__startswith=region.path)
        .select_related("parent")
        .order_by("path")
    )


def activity_figures_by_region(*, user, filterset_data, regions) -> list[tuple[object, ActivityFigures]]:
    """(region, figures) for each region, as ?region=<it> would give with the same other filters: two queries.

    An activity that touches two streets is counted in both rows, as each street's list shows it.
    """
    if not regions:
        return []
    filterset = held_activity_filterset(user=user, filterset_data=filterset_data)
    if not filterset.form.is_valid():
        return []
    ids = _held_ids(filterset)
    touches = Activity.objects.all().scope_condition
    # whether each activity touches each region, worked out once per row (the EXISTS tests), then summed per
    # region over those flags: inlined into every FILTER, the tests ran once per sum (36 per row for 6 streets)
    flags = {
        f"t{index}": ExpressionWrapper(touches(region), output_field=BooleanField())
        for index, region in enumerate(regions)
    }
    sums = {}
    for index in range(len(regions)):
        sums.update(_sums(f"r{index}_", Q(**{f"t{index}": True})))
    # DISTINCT makes Django aggregate over a subquery that selects the flags (no duplicates: one row per activity)
    row = Activity.objects.filter(pk__in=ids).annotate(**flags).distinct().aggregate(**sums)
    counts = Activity.organizations.through.objects.filter(activity_id__in=ids).aggregate(
        **{
            f"r{index}": Count(
                "organization_id", distinct=True, filter=Q(organization__region__path__startswith=region.path)
            )
            for index, region in enumerate(regions)
        }
    )
    return [
        (region, _figures(row, f"r{index}_", organizations=counts[f"r{index}"])) for index, region in enumerate(regions)
    ]


def activity_figures_by_kind(*, user, filterset_data) -> list[tuple[str, ActivityFigures]]:
    """(kind, figures) for every activity kind, as ?kind=<it> would give with the same other filters: two queries."""
    data = {key: value for key, value in (filterset_data or {}).items() if key != "kind"}
    filterset = held_activity_filterset(user=user, filterset_data=data)
    if not filterset.form.is_valid():
        return []
    ids = _held_ids(filterset)
    sums = {}
    for kind in ActivityKind:
        sums.update(_sums(f"{kind.value}_", Q(kind=kind)))
    row = Activity.objects.filter(pk__in=ids).aggregate(**sums)
    region = figure_organization_region(user=user, filterset=filterset)
    organizers = dict(
        _organizers(ids, region)
        .values("activity__kind")
        .annotate(count=Count("organization_id", distinct=True))
        .values_list("activity__kind", "count")
        .order_by()
    )
    return [
        (kind.value, _figures(row, f"{kind.value}_", organizations=organizers.get(kind.value, 0)))
        for kind in ActivityKind
    ]


def activity_sums_by_month(*, user, filterset_data, months: list[tuple[int, int]]) -> list[ActivityFigures]:
    """Count and sums of the held activities of each (year, month), with the same other filters: one query.

    For trends (the 工作台): 社会组织家数 is left at 0 here — a distinct count per month is another query each.
    """
    data = {key: value for key, value in (filterset_data or {}).items() if key not in PERIOD_FILTERS}
    filterset = held_activity_filterset(user=user, filterset_data=data)
    if not filterset.form.is_valid():
        return [ActivityFigures() for _ in months]
    sums = {}
    for index, (year, month) in enumerate(months):
        start, end = month_bounds(year, month)
        sums.update(_sums(f"m{index}_", Q(start_at__gte=start, start_at__lt=end)))
    row = Activity.objects.filter(pk__in=_held_ids(filterset)).aggregate(**sums)
    return [_figures(row, f"m{index}_") for index in range(len(months))]
