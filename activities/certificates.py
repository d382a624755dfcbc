"""志愿服务记录证明: what a certificate lists, its running number, issuing it, and its list's filter and columns.

Issued from a representative's page (activities/certificate_views.py); the catalog entry in
activities/catalog.py gives the list, the printable detail page, the export and the read-only API.
"""

import datetime
from decimal import Decimal

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from registry.choices import RegionLevel
from registry.filters import ScopedFilterSet, YearFilter
from registry.models import Region
from registry.scoping import ensure_permitted, restrict
from registry.tables import Column, Table
from talents.models import Representative

from .choices import ActivityStatus
from .models import CertificateCounter, Participation, VolunteerCertificate

NUMBER_FORMAT = "{prefix}志证〔{year}〕第{serial:06d}号"


# ---- what a certificate lists ----
def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def certified_participations(*, user, representative, period_from=None, period_to=None):
    """The person's named participations with hours in held (已开展) activities that started in the period.

    Through what the user may see: the person is in the user's scope, so every activity they took
    part in is too (an activity is seen by the streets of its people).
    """
    rows = Participation.objects.visible_to(user).filter(
        representative=representative, activity__status=ActivityStatus.HELD, hours__gt=0
    )
    if period_from:
        rows = rows.filter(activity__start_at__gte=_local_midnight(period_from))
    if period_to:
        rows = rows.filter(activity__start_at__lt=_local_midnight(period_to + datetime.timedelta(days=1)))
    return (
        rows.select_related("activity__region__parent", "activity__team")
        .prefetch_related("activity__organizations")
        .order_by("activity__start_at", "activity_id", "pk")
    )


def _organizer(activity) -> str:
    """The organizing unit: its organizations, else the service team, else the region that held it."""
    names = sorted(organization.name for organization in activity.organizations.all())
    if names:
        return "、".join(names)
    if activity.team_id:
        return activity.team.name
    return activity.region.label


def snapshot_row(participation) -> dict:
    """One listed activity, as the certificate prints it (Shanghai local times, hours as text)."""
    activity = participation.activity
    start, end = timezone.localtime(activity.start_at), timezone.localtime(activity.end_at)
    return {
        "activity_id": activity.pk,
        "title": activity.title,
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "end": end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M"),
        "kind": activity.kind_display,
        "content": (activity.description or "").strip()[:200],
        "organizer": _organizer(activity),
        "place": activity.place,
        "role": participation.get_role_display(),
        "hours": f"{participation.hours:.1f}",
    }


# ---- the running number ----
def next_serial(year: int) -> int:
    """The year's next serial, taken under the counter row's lock until the issuing transaction ends.

    One upsert: two issuers at once queue on the row (the second reads the first's committed value),
    and a rolled-back issue gives its number back, so the numbers run without gaps or repeats.
    """
    table = connection.ops.quote_name(CertificateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_serial) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last_serial = {table}.last_serial + 1 RETURNING last_serial",
            [year],
        )
        return cursor.fetchone()[0]


def _district(region) -> Region | None:
    if region is None:
        return None
    return next((r for r in region.ancestors(include_self=True) if r.level == RegionLevel.DISTRICT), None)


def number_prefix(representative) -> str:
    """龙华: the person's district without 区 (the numbers run district-wide)."""
    district = _district(representative.region)
    return district.name.removesuffix("区") if district is not None else ""


def default_issuing_unit(*, user, representative) -> str:
    """The unit the issuer works for: 龙华区委统战部 for the district, 民治街道办事处 for a street."""
    region = getattr(user, "region", None) or _district(representative.region) or representative.region
    if region.level == RegionLevel.DISTRICT:
        return f"{region.name}委统战部"
    if region.level == RegionLevel.STREET and region.name.endswith("街道"):
        return f"{region.name}办事处"
    return region.full_name


# ---- issuing ----
@transaction.atomic
def certificate_issue(
    *, user, representative: Representative, period_from=None, period_to=None, issuing_unit: str = ""
) -> VolunteerCertificate:
    """Issue a certificate of the person's recorded hours in the period (all of them when it is blank).

    Refused (ValidationError, in Chinese) when the period runs backwards or holds no recorded hours.
    The certificate row is the record of the issue; a clear ID number printed later is logged by the page.
    """
    ensure_permitted(user, VolunteerCertificate(representative=representative), "add")
    if not Representative.objects.visible_to(user).filter(pk=representative.pk).exists():
        raise PermissionDenied("该代表人士不在您的管辖区域内，不能开具证明。")
    if representative.is_merged:
        raise ValidationError(f"“{representative.name}”的记录已合并到其他记录，请在保留的记录上开具证明。")
    if period_from and period_to and period_to < period_from:
        raise ValidationError({"period_to": "截止日期不能早于起始日期。"})
    rows = [
        snapshot_row(p)
        for p in certified_participations(
            user=user, representative=representative, period_from=period_from, period_to=period_to
        )
    ]
    if not rows:
        period = VolunteerCertificate(period_from=period_from, period_to=period_to).period_display
        raise ValidationError(
            f"{representative.name}在所选期间（{period}）没有已开展活动的志愿服务时长记录，无法开具证明。"
            "请先在活动的“参与人员”中登记其服务时长，或调整期间。"
        )
    issuing_unit = (issuing_unit or "").strip() or default_issuing_unit(user=user, representative=representative)
    issued_at = timezone.now()
    year = timezone.localtime(issued_at).year
    serial = next_serial(year)
    certificate = VolunteerCertificate(
        number=NUMBER_FORMAT.format(prefix=number_prefix(representative), year=year, serial=serial),
        year=year,
        serial=serial,
        representative=representative,
        volunteer_name=representative.name,
        id_number=representative.id_number,
        issued_by=user,
        issued_at=issued_at,
        issuing_unit=issuing_unit,
        period_from=period_from,
        period_to=period_to,
        total_hours=sum((Decimal(row["hours"]) for row in rows), Decimal("0")),
        activity_count=len(rows),
        activities=rows,
    )
    certificate.full_clean()
    certificate.save()
    return certificate


# ---- reading ----
def certificate_list(*, user):
    return restrict(VolunteerCertificate.objects.all(), user, "view").select_related("issued_by")


def certificates_of(*, user, representative):
    return certificate_list(user=user).filter(representative=representative)


class VolunteerCertificateFilter(ScopedFilterSet):
    search_fields = ("volunteer_name__contains", "number__contains")
    search_placeholder = "姓名或证明编号"

    year = YearFilter(label="年度", field_name="year")
    name = django_filters.CharFilter(field_name="volunteer_name", lookup_expr="contains", label="姓名")
    representative = django_filters.NumberFilter(field_name="representative_id", label="代表人士编号")

    class Meta:
        model = VolunteerCertificate
        fields = ["q", "year", "name", "representative"]


def _hours(value) -> str:
    return f"{value:.1f}" if value is not None else ""


VOLUNTEER_CERTIFICATE_TABLE = Table(
    model=VolunteerCertificate,
    columns=[
        Column("number", "证明编号", link=True, order_by=("year", "serial"), width=28),
        Column("volunteer_name", "姓名", order_by="volunteer_name", width=10),
        Column("id_number", "身份证号", width=20),
        Column("period", "记录期间", accessor="period_display", width=24),
        Column("activity_count", "活动次数", numeric=True, order_by="activity_count", width=10),
        Column(
            "total_hours",
            "服务时长合计（小时）",
            accessor=lambda c: _hours(c.total_hours),
            numeric=True,
            order_by="total_hours",
            width=14,
        ),
        Column("issuing_unit", "出具单位", order_by="issuing_unit", width=20),
        Column("issued_at", "出具时间", order_by="issued_at", width=17),
        Column("issued_by", "出具人", accessor="issued_by.display_name", width=12),
    ],
    default_order=("-issued_at", "-pk"),
    detail_url_name="activities:volunteercertificate_detail",
)

# the person's page lists their certificates without repeating their name and number
PERSON_CERTIFICATE_TABLE = Table(
    model=VolunteerCertificate,
    columns=[c for c in VOLUNTEER_CERTIFICATE_TABLE.columns if c.key not in ("volunteer_name", "id_number")],
    default_order=("-issued_at", "-pk"),
    detail_url_name="activities:volunteercertificate_detail",
)
