"""Reads of the representative pool; each starts from restrict(user): the view permission and the region scope."""

import datetime
import re
from dataclasses import dataclass, field
from itertools import combinations
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from registry.charts import bar_chart, pie_chart
from registry.choices import RegionLevel
from registry.models import Region
from registry.personal import can_reveal_personal, mask_value
from registry.scoping import get_visible_or_404
from registry.selectors import count_rows
from registry.tables import bind_personal
from registry.validators import MOBILE_RE, normalize_code

from .choices import (
    AGE_BANDS,
    IN_POOL,
    AgeBand,
    Education,
    Ethnicity,
    EvaluationGrade,
    Gender,
    NominationKind,
    PoliticalAffiliation,
    PoolLevel,
    PoolStatus,
    SocialStratum,
)
from .models import (
    Attendance,
    DistinctPair,
    Evaluation,
    Membership,
    MergeRecord,
    Nomination,
    Representative,
    ServiceGroup,
    StatusChange,
    Training,
)
from .tables import REPRESENTATIVE_FIELDS

ID_NUMBER_RE = re.compile(r"^[0-9]{17}[0-9X]$")
TRAINING_TARGET = 3  # sessions a year the department runs at least (and expects each person to attend)


def representative_list(*, user):
    """Live records (not merged) with what the list shows."""
    return Representative.objects.restrict(user).active().select_related("region__parent", "organization")


def representative_detail_queryset(*, user):
    """Merged records included: their page stays readable and points to the kept record."""
    return (
        Representative.objects.restrict(user)
        .select_related("region__parent", "organization", "merged_into")
        .prefetch_related("specialties")
    )


def representative_related(*, user, representative: Representative) -> dict:
    """What a person's page lists below their details."""
    return {
        "evaluations": Evaluation.objects.restrict(user).filter(representative=representative).order_by("-year"),
        "attendances": Attendance.objects.restrict(user)
        .filter(representative=representative)
        .select_related("training")
        .order_by("-training__held_on", "-pk"),
        "nominations": Nomination.objects.restrict(user).filter(representative=representative).order_by("-year", "-pk"),
        "memberships": Membership.objects.restrict(user)
        .filter(representative=representative)
        .select_related("group")
        .order_by("left_on", "-joined_on", "pk"),
        "status_changes": StatusChange.objects.restrict(user)
        .filter(representative=representative)
        .select_related("changed_by")
        .order_by("-changed_on", "-pk"),
        "merges": MergeRecord.objects.filter(Q(kept=representative) | Q(merged=representative))
        .select_related("kept", "merged", "merged_by")
        .order_by("-merged_at"),
    }


def current_roles(*, representative: Representative) -> list[Nomination]:
    return list(Nomination.objects.current().filter(representative=representative).order_by("kind", "level"))


# ---- search by a full ID number or mobile ----
def personal_term(term: str) -> tuple[str, str] | None:
    """("id_number"|"mobile", normalized value) when ``term`` is a complete ID number or mobile, else None."""
    code = normalize_code(term)
    if ID_NUMBER_RE.match(code):
        return "id_number", code
    if MOBILE_RE.match(code):
        return "mobile", code
    return None


def masked_term(term: str) -> str:
    found = personal_term(term)
    if found is None:
        return term
    kind, value = found
    return mask_value(kind, value)


def personal_search(*, user, queryset, term: str):
    """Exact match on a full ID number or mobile, for users who may see or reveal them.

    Anyone else gets no match at all: a number must never confirm who it belongs to. Partial
    digits never reach here (personal_term needs the whole number), so nothing leaks digit by digit.
    Pages call services.representative_personal_search, which also writes the access log.
    """
    found = personal_term(term)
    if found is None or not can_reveal_personal(user):
        return queryset.none()
    field_name, value = found
    return queryset.filter(**{field_name: value})


# ---- groups, trainings, evaluations, nominations ----
def service_group_list(*, user):
    return (
        ServiceGroup.objects.restrict(user)
        .select_related("region__parent")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True))
    )


def membership_list(*, user):
    return Membership.objects.restrict(user).select_related(
        "group", "representative__organization", "representative__region__parent"
    )


def training_list(*, user):
    return (
        Training.objects.restrict(user)
        .select_related("region__parent")
        .annotate(attendee_count=Count("attendances", distinct=True))
    )


def attendance_list(*, user):
    return Attendance.objects.restrict(user).select_related(
        "training", "representative__organization", "representative__region__parent"
    )


def evaluation_list(*, user):
    return Evaluation.objects.restrict(user).select_related("representative", "representative__region__parent")


def nomination_list(*, user):
    return Nomination.objects.restrict(user).select_related("representative", "representative__region__parent")


# ---- 疑似重复 ----
@dataclass
class DuplicatePair:
    first: Representative
    second: Representative
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def _same_organization(a: Representative, b: Representative) -> bool:
    if a.organization_id and a.organization_id == b.organization_id:
        return True
    name = a.organization_display
    return bool(name) and name == b.organization_display


def duplicate_pair_get(*, user, first_pk: int, second_pk: int) -> tuple[Representative, Representative]:
    """Two distinct live records the user sees, for the merge page; anything else is a 404."""
    visible = Representative.objects.visible_to(user).active().select_related("organization", "region")
    first = get_visible_or_404(Representative, user, pk=first_pk, merged_into__isnull=True)
    second = get_visible_or_404(Representative, user, pk=second_pk, merged_into__isnull=True)
    if first.pk == second.pk:
        raise Http404("两条记录相同。")
    return visible.get(pk=first.pk), visible.get(pk=second.pk)


def merge_preview(*, user, first: Representative, second: Representative) -> dict:
    """The merge page's side-by-side comparison: each field, the counts of linked records, why they look alike."""
    # masked for everyone, as on the person pages (each has its logged 显示)
    rows = [
        (column.label, column.text(first, clear_personal=False), column.text(second, clear_personal=False))
        for column in bind_personal(Representative, REPRESENTATIVE_FIELDS)
        if column.key != "remarks"
    ]
    counts = [
        (label, getattr(first, name).count(), getattr(second, name).count())
        for label, name in (
            ("综合评价", "evaluations"),
            ("参训记录", "attendances"),
            ("推荐使用", "nominations"),
            ("服务小组", "memberships"),
        )
    ]
    return {
        "first": first,
        "second": second,
        "rows": rows,
        "counts": counts,
        "reason": duplicate_reason(user=user, first=first, second=second),
    }


def duplicate_pairs(*, user) -> list[DuplicatePair]:
    """Likely duplicates among the live records the user sees: same name and birth date and organization,
    or same name and mobile. Pairs someone confirmed to be different people are left out."""
    base = Representative.objects.restrict(user).active()
    repeated = base.order_by().values("name").annotate(n=Count("pk")).filter(n__gt=1).values("name")
    people = list(
        base.filter(name__in=repeated)
        .select_related("organization", "region__parent")
        .prefetch_related(Prefetch("nominations", queryset=Nomination.objects.order_by("-year")))
        .order_by("name", "pk")
    )
    ids = [p.pk for p in people]
    dismissed = set(DistinctPair.objects.filter(first__in=ids, second__in=ids).values_list("first_id", "second_id"))
    by_name: dict[str, list[Representative]] = {}
    for person in people:
        by_name.setdefault(person.name, []).append(person)
    pairs = []
    for same_name in by_name.values():
        for first, second in combinations(same_name, 2):
            if (first.pk, second.pk) in dismissed:
                continue
            reasons = []
            if first.birth_date and first.birth_date == second.birth_date and _same_organization(first, second):
                reasons.append("姓名、出生日期、单位相同")
            if first.mobile and first.mobile == second.mobile:
                reasons.append("姓名、手机号相同")
            if reasons:
                pairs.append(DuplicatePair(first, second, reasons))
    return pairs


def duplicate_reason(*, user, first: Representative, second: Representative) -> str:
    for pair in duplicate_pairs(user=user):
        if {pair.first.pk, pair.second.pk} == {first.pk, second.pk}:
            return pair.reason
    return ""


# ---- 入库概况 ----
def _age_condition(low, high, today):
    condition = Q()
    if low is not None:  # at least ``low`` years old: born on or before today minus ``low`` years
        condition &= Q(birth_date__lte=_years_before(today, low))
    if high is not None:  # younger than ``high``: born after today minus ``high`` years
        condition &= Q(birth_date__gt=_years_before(today, high))
    return condition


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band_condition(band: str, today=None) -> Q:
    today = today or timezone.localdate()
    for value, low, high in AGE_BANDS:
        if value == band:
            return _age_condition(low, high, today)
    return Q()


def _counts(queryset, field_name, choices) -> list[dict]:
    rows = {row[field_name]: row["n"] for row in queryset.order_by().values(field_name).annotate(n=Count("pk"))}
    return [{"value": value, "label": label, "count": rows.get(value, 0)} for value, label in choices]


def _in_pool_query(**filters) -> str:
    return urlencode({"in_pool": "true", **filters})


def area_counts(*, user, queryset) -> list[dict]:
    """People per place: per street of a district; for one street, per community and the street itself.

    Two queries whatever the number of places: the regions, and the people grouped by their region.
    """
    regions = list(
        Region.objects.restrict(user).filter(level__in=(RegionLevel.STREET, RegionLevel.COMMUNITY)).order_by("path")
    )
    counts = {row["region"]: row["n"] for row in queryset.order_by().values("region").annotate(n=Count("pk"))}
    streets = [r for r in regions if r.level == RegionLevel.STREET]
    # each row carries the 名录 query that lists its people (入库及重点联系), so its figure links to them
    if len(streets) == 1:
        street = streets[0]
        rows = [
            {"label": r.name, "count": counts.get(r.pk, 0), "query": _in_pool_query(region=r.pk)}
            for r in regions
            if r.parent_id == street.pk
        ]
        own = {
            "label": f"{street.name}（街道直属）",
            "count": counts.get(street.pk, 0),
            "query": _in_pool_query(region_own=street.pk),
        }
        return [*rows, own]
    return [
        {
            "label": street.name,
            "count": sum(counts.get(r.pk, 0) for r in regions if r.path.startswith(street.path)),
            "query": _in_pool_query(region=street.pk),
        }
        for street in streets
    ]


def pool_status_counts(*, user) -> dict[str, int]:
    """Live records per pool status, in one query (the 工作台 panel: the dashboard's query budget is tight)."""
    everyone = Representative.objects.restrict(user).active()
    return dict(everyone.order_by().values_list("status").annotate(n=Count("pk")))


def pool_stats(*, user, year: int | None = None) -> dict:
    """The numbers of the 入库概况 page and the 工作台 panel."""
    today = timezone.localdate()
    year = year or today.year
    everyone = Representative.objects.restrict(user).active()
    in_pool = everyone.filter(status__in=IN_POOL)
    by_status = _counts(everyone, "status", PoolStatus.choices)
    status_count = {row["value"]: row["count"] for row in by_status}
    ages = in_pool.aggregate(
        **{band.value: Count("pk", filter=_age_condition(low, high, today)) for band, low, high in AGE_BANDS},
        unknown=Count("pk", filter=Q(birth_date__isnull=True)),
    )
    groups = list(
        ServiceGroup.objects.restrict(user)
        .annotate(
            members=Count(
                "memberships",
                filter=Q(memberships__left_on__isnull=True) & Q(memberships__representative__in=everyone.values("pk")),
                distinct=True,
            )
        )
        .order_by("kind", "name")
    )
    trainings = Training.objects.restrict(user).filter(held_on__year=year)
    attendance = Attendance.objects.restrict(user).filter(training__held_on__year=year)
    meeting_target = (
        in_pool.annotate(
            sessions=Count("attendances", filter=Q(attendances__training__held_on__year=year), distinct=True)
        )
        .filter(sessions__gte=TRAINING_TARGET)
        .count()
    )
    roles = Nomination.objects.restrict(user).current().filter(representative__merged_into__isnull=True)
    return {
        "year": year,
        "total": sum(status_count.values()),
        "in_pool": status_count.get(PoolStatus.ADMITTED, 0) + status_count.get(PoolStatus.KEY_CONTACT, 0),
        "status_count": status_count,
        "by_status": by_status,
        "by_level": _counts(in_pool, "level", PoolLevel.choices),
        "by_stratum": _counts(in_pool, "stratum", SocialStratum.choices),
        "by_affiliation": _counts(in_pool, "political_affiliation", PoliticalAffiliation.choices),
        "by_education": _counts(in_pool, "education", Education.choices),
        "by_gender": _counts(in_pool, "gender", Gender.choices),
        "by_age": [{"value": band.value, "label": band.label, "count": ages[band.value]} for band, _, _ in AGE_BANDS],
        "by_area": area_counts(user=user, queryset=in_pool),
        "by_group": [{"label": g.name, "count": g.members, "group": g} for g in groups],
        "trainings": trainings.count(),
        "training_target": TRAINING_TARGET,
        "attendance": attendance.count(),
        "meeting_target": meeting_target,
        "roles": _counts(roles, "kind", NominationKind.choices),
        "grades": _counts(
            Evaluation.objects.restrict(user).filter(year=year - 1, representative__merged_into__isnull=True),
            "grade",
            EvaluationGrade.choices,
        ),
    }


def pool_overview(*, user) -> dict:
    """The 入库概况 page: the pool's numbers and a chart of each table."""
    stats = pool_stats(user=user)
    return {
        "stats": stats,
        "status_chart": pie_chart(stats["by_status"]),
        "area_chart": bar_chart(stats["by_area"], series=(("入库人数", "count"),)),
        "stratum_chart": bar_chart(stats["by_stratum"], series=(("入库人数", "count"),), horizontal=True),
        "affiliation_chart": bar_chart(stats["by_affiliation"], series=(("入库人数", "count"),), horizontal=True),
        "group_chart": bar_chart(stats["by_group"], series=(("在组人数", "count"),), horizontal=True),
        "age_chart": bar_chart(stats["by_age"], series=(("入库人数", "count"),)),
    }


# ---- 统计: the pool by one attribute, and its size month by month (the statistics workbook and the 工作台) ----
POOL_BREAKDOWNS = {
    "stratum": ("群体", SocialStratum),
    "political_affiliation": ("政治面貌", PoliticalAffiliation),
    "education": ("学历", Education),
    "age_band": ("年龄段", AgeBand),
    "gender": ("性别", Gender),
    "ethnicity": ("民族", Ethnicity),
    "status": ("入库状态", PoolStatus),
}


def pool_breakdown(*, user, region: Region | None = None, by: str) -> list[dict]:
    """The pool (入库 and 重点联系对象) in ``region`` per value of ``by``; ``status`` counts every live record.

    One query. Each row carries the 名录 query listing its people (``url``); values nobody holds are left out for the
    long lists (民族), kept for the short ones so a zero is seen.
    """
    today = timezone.localdate()
    people = Representative.objects.restrict(user).active()
    if region is not None:
        people = people.filter(region__path__startswith=region.path)
    base = {"region": region.pk} if region is not None else {}
    if by != "status":
        people = people.filter(status__in=IN_POOL)
        base["in_pool"] = "true"
    choices = POOL_BREAKDOWNS[by][1].choices
    if by == "age_band":
        counts = people.aggregate(
            **{band.value: Count("pk", filter=_age_condition(low, high, today)) for band, low, high in AGE_BANDS}
        )
    else:
        counts = dict(people.order_by().values_list(by).annotate(n=Count("pk")))
    list_url = reverse("talents:representative_list")
    rows = count_rows(counts=counts, choices=choices, list_url=list_url, params=base, by=by)
    if by == "ethnicity":
        rows = [row for row in rows if row["count"]]
    return rows


POOL_TREND_NOTE = (
    "各月末在库人数按入库状态变更记录推算：某人在该月末之前最后一次变更后的状态为“入库”或“重点联系对象”即计入；"
    "没有变更记录的人（导入时未带日期）按现在的状态从其建档日起计入。"
)


def pool_size_by_month(*, user, region: Region | None = None, month_ends: list[datetime.date]) -> list[int]:
    """People in the pool at each month end, from the dated status changes: one query."""
    people = Representative.objects.restrict(user).active()
    if region is not None:
        people = people.filter(region__path__startswith=region.path)
    aggregates = {}
    for index, end in enumerate(month_ends):
        changes = StatusChange.objects.filter(changed_on__lte=end)
        later = changes.filter(representative=OuterRef("representative")).filter(
            Q(changed_on__gt=OuterRef("changed_on")) | Q(changed_on=OuterRef("changed_on"), pk__gt=OuterRef("pk"))
        )
        # the person's last change by the month end put them in the pool
        entered = changes.filter(representative=OuterRef("pk"), to_status__in=IN_POOL).exclude(Exists(later))
        undated = ~Exists(StatusChange.objects.filter(representative=OuterRef("pk"))) & Q(
            status__in=IN_POOL, created_at__date__lte=end
        )
        aggregates[f"m{index}"] = Count("pk", filter=Q(Exists(entered)) | undated)
    counts = people.aggregate(**aggregates)
    return [counts[f"m{index}"] for index in range(len(month_ends))]
