"""Activities and what they are about: 活动主题 (a list admins keep), 活动 with its counted figures, 参与人员."""

import datetime
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from registry.models import DictionaryItem, Region, TimeStampedModel
from registry.scoping import RegionScopedManager, RegionScopedQuerySet, scope_region, user_is_unrestricted
from registry.tracking import track_history

from .choices import ActivityKind, ActivityStatus, ParticipantRole, PartyDayKind

MONEY_VALIDATORS = [MinValueValidator(Decimal("0"), message="金额不能为负数。")]
HOURS_VALIDATORS = [MinValueValidator(Decimal("0"), message="时长不能为负数。")]
HOURS_PER_DAY = 24


@track_history()
class ActivityTheme(DictionaryItem):
    """活动主题: 疫情防控、乡村振兴、社会治理、防汛救灾、一老一小… (district admins keep the list)."""

    class Meta(DictionaryItem.Meta):
        verbose_name = "活动主题"
        verbose_name_plural = "活动主题"


class HeldHereQuerySet(RegionScopedQuerySet):
    """Seen by every street it touches, changed only inside the region that holds it (``holder_field``).

    An activity is visible to the streets whose organizations organized it, whose communities it served
    and whose people took part; its record (figures, participants) is kept by the region that held it.
    """

    holder_field = "region"

    def restrict(self, user, action: str = "view"):
        queryset = super().restrict(user, action)
        if action == "view" or user_is_unrestricted(user):
            return queryset
        region = scope_region(user)
        if region is None:
            return queryset.none()
        return queryset.filter(**{f"{self.holder_field}__path__startswith": region.path})


class ActivityQuerySet(HeldHereQuerySet):
    def scope_condition(self, region):
        # each widening a correlated EXISTS on an indexed link table: with millions of activities the planner
        # stops at the page's rows, where an IN (…) list of every activity touching the street had to be built
        # (and re-scanned when it outgrew work_mem) before the first row came back
        inside = region.path
        organized_here = Activity.organizations.through.objects.filter(
            activity_id=OuterRef("pk"), organization__region__path__startswith=inside
        )
        served_here = Activity.covered_regions.through.objects.filter(
            activity_id=OuterRef("pk"), region__path__startswith=inside
        )
        people_here = Participation.objects.filter(
            activity_id=OuterRef("pk"), representative__region__path__startswith=inside
        )
        return (
            super().scope_condition(region)
            | Q(Exists(organized_here))
            | Q(Exists(served_here))
            | Q(Exists(people_here))
        )

    def held(self):
        """The activities that took place: what every figure counts."""
        return self.filter(status=ActivityStatus.HELD)

    def in_month(self, year: int, month: int):
        """Started in that month, Shanghai time (an indexed range on start_at, not a per-row conversion)."""
        start, end = month_bounds(year, month)
        return self.filter(start_at__gte=start, start_at__lt=end)


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local month [start, end) as aware datetimes in the current (Shanghai) time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=zone)
    end = datetime.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


@track_history()
class Activity(TimeStampedModel):
    """活动: what organizations and people did, with the figures the department reports each month."""

    title = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=16, choices=ActivityKind.choices)
    party_day_kind = models.CharField(
        "主题党日类型",
        max_length=10,
        choices=PartyDayKind.choices,
        blank=True,
        help_text="活动类型为“主题党日”时选择：居民议事日、聚善日、公益招聘日等。",
    )
    themes = models.ManyToManyField(ActivityTheme, verbose_name="活动主题", blank=True, related_name="activities")
    status = models.CharField("状态", max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.HELD)
    start_at = models.DateTimeField("开始时间")
    end_at = models.DateTimeField("结束时间")
    place = models.CharField("活动地点", max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name="举办区域",
        on_delete=models.PROTECT,
        related_name="activities",
        help_text="举办（登记）本活动的区、街道或社区；由该区域的工作人员维护记录。",
    )
    covered_regions = models.ManyToManyField(
        Region,
        verbose_name="服务区域",
        blank=True,
        related_name="served_activities",
        help_text="活动覆盖的街道或社区。",
    )
    organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name="组织单位（社会组织）",
        blank=True,
        related_name="activities",
        help_text="组织或承办本活动的社会组织，可多选。",
    )
    venue = models.ForeignKey(
        "organizations.Venue",
        verbose_name="阵地",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    team = models.ForeignKey(
        "talents.ServiceGroup",
        verbose_name="志愿服务队/服务小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        help_text="以服务队名义开展时选择，如“抗疫志愿服务队”。",
    )
    description = models.TextField("活动内容", blank=True)
    # counted figures: large events are counted rather than listed (the named participants are below)
    headcount = models.PositiveIntegerField("参与人次", default=0, help_text="不少于具名登记的参与人员数。")
    service_hours = models.DecimalField(
        "服务时长（小时）",
        max_digits=10,
        decimal_places=1,
        default=Decimal("0"),
        validators=HOURS_VALIDATORS,
        help_text="全部参与人员的服务时长合计，不少于具名人员时长之和。",
    )
    beneficiaries = models.PositiveIntegerField("受益人次", default=0)
    donation_amount = models.DecimalField(
        "捐赠金额（元）", max_digits=14, decimal_places=2, default=Decimal("0"), validators=MONEY_VALIDATORS
    )
    goods_value = models.DecimalField(
        "物资折价（元）", max_digits=14, decimal_places=2, default=Decimal("0"), validators=MONEY_VALIDATORS
    )

    objects = RegionScopedManager.from_queryset(ActivityQuerySet)()

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-start_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gte=models.F("start_at")),
                name="activity_end_after_start",
                violation_error_message="结束时间不能早于开始时间。",
            ),
            models.CheckConstraint(
                condition=Q(donation_amount__gte=0) & Q(goods_value__gte=0) & Q(service_hours__gte=0),
                name="activity_figures_not_negative",
                violation_error_message="捐赠金额、物资折价和服务时长不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(kind=ActivityKind.PARTY_DAY) | Q(party_day_kind=""),
                name="activity_party_day_kind_only_for_party_day",
                violation_error_message="只有“主题党日”活动才填写主题党日类型。",
            ),
        ]
        indexes = [
            models.Index(fields=["-start_at", "-id"], name="activity_start_idx"),
            models.Index(fields=["region", "start_at"], name="activity_region_start_idx"),
            models.Index(fields=["kind", "start_at"], name="activity_kind_start_idx"),
            # 状态 filter in the list's order: 已开展 is most rows, but the newest are 计划中 (0.3 s to skip at 2M)
            models.Index(fields=["status", "-start_at", "-id"], name="activity_status_start_idx"),
            # ?q= searches title or place: LIKE '%…%' on both is served by trigram indexes at millions of rows
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="activity_title_trgm_idx"),
            GinIndex(fields=["place"], opclasses=["gin_trgm_ops"], name="activity_place_trgm_idx"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.start_at):%Y-%m-%d} {self.title}" if self.start_at else self.title

    @property
    def kind_display(self) -> str:
        """主题党日·聚善日: the kind with the party day's own name."""
        if self.kind == ActivityKind.PARTY_DAY and self.party_day_kind:
            return f"{self.get_kind_display()}·{self.get_party_day_kind_display()}"
        return self.get_kind_display()

    @property
    def duration_hours(self) -> Decimal | None:
        """The longest a person can have served: the activity's span, and never more than 24 hours a day."""
        if not (self.start_at and self.end_at) or self.end_at < self.start_at:
            return None
        span = Decimal((self.end_at - self.start_at).total_seconds()) / 3600
        days = (timezone.localtime(self.end_at).date() - timezone.localtime(self.start_at).date()).days + 1
        return min(span, Decimal(HOURS_PER_DAY * days)).quantize(Decimal("0.1"))

    @property
    def local_start_date(self) -> datetime.date:
        return timezone.localtime(self.start_at).date()

    def named_figures(self) -> tuple[int, Decimal]:
        """How many participants are named and the hours they served, as stored."""
        if self.pk is None:
            return 0, Decimal("0")
        totals = Participation.objects.filter(activity=self).aggregate(count=models.Count("pk"), hours=Sum("hours"))
        return totals["count"], totals["hours"] or Decimal("0")

    def clean(self):
        errors = {}
        if self.start_at and self.end_at and self.end_at < self.start_at:
            errors["end_at"] = "结束时间不能早于开始时间。"
        if self.status == ActivityStatus.HELD and self.start_at and self.start_at > timezone.now():
            errors["status"] = "活动尚未开始，不能标记为“已开展”：请选择“计划中”，开展后再修改状态。"
        if self.kind == ActivityKind.PARTY_DAY and not self.party_day_kind:
            errors["party_day_kind"] = "主题党日请选择类型（居民议事日、聚善日、公益招聘日或其他）。"
        if self.kind != ActivityKind.PARTY_DAY and self.party_day_kind:
            errors["party_day_kind"] = "只有“主题党日”活动才填写主题党日类型，请清空。"
        if self.region_id and self.region.level not in ("district", "street", "community"):
            errors["region"] = "举办区域应为区、街道或社区。"
        named, named_hours = self.named_figures()
        if self.headcount is not None and self.headcount < named:
            errors["headcount"] = f"参与人次（{self.headcount}）少于已具名登记的参与人员（{named}人）。"
        if self.service_hours is not None and self.service_hours < named_hours:
            errors["service_hours"] = (
                f"服务时长（{self.service_hours}小时）少于具名参与人员的时长之和（{named_hours}小时）。"
            )
        duration = self.duration_hours
        if self.pk and duration is not None:
            longest = Participation.objects.filter(activity=self).aggregate(longest=models.Max("hours"))["longest"]
            if longest is not None and longest > duration:
                errors["end_at"] = (
                    f"有参与人员登记了{longest}小时，超过调整后的活动时长（{duration}小时），请先修改其时长。"
                )
        if errors:
            raise ValidationError(errors)


class ParticipationQuerySet(HeldHereQuerySet):
    holder_field = "activity__region"

    def scope_condition(self, region):
        visible = Activity.objects.filter(Activity.objects.all().scope_condition(region)).values("pk")
        return Q(activity__in=visible)


@track_history()
class Participation(TimeStampedModel):
    """参与人员: a named participant of an activity, from the pool or (by name only) from outside it."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="participations")
    representative = models.ForeignKey(
        "talents.Representative",
        verbose_name="代表人士",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="库内人员请选择；库外人员留空并填写姓名。",
    )
    name = models.CharField("姓名", max_length=50, blank=True, help_text="库外人员填写；选择代表人士时自动取其姓名。")
    role = models.CharField("角色", max_length=12, choices=ParticipantRole.choices, default=ParticipantRole.VOLUNTEER)
    hours = models.DecimalField(
        "服务时长（小时）",
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[*HOURS_VALIDATORS, MaxValueValidator(Decimal("9999"))],
    )
    remarks = models.CharField("备注", max_length=200, blank=True)

    objects = RegionScopedManager.from_queryset(ParticipationQuerySet)()

    class Meta:
        verbose_name = "参与人员"
        verbose_name_plural = "参与人员"
        ordering = ["activity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "representative"],
                condition=Q(representative__isnull=False),
                name="participation_once_per_activity",
                violation_error_message="该代表人士已在本活动的参与人员名单中。",
            ),
            models.CheckConstraint(
                condition=Q(representative__isnull=False) | ~Q(name=""),
                name="participation_named",
                violation_error_message="请选择代表人士，或填写库外人员的姓名。",
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="participation_hours_not_negative",
                violation_error_message="时长不能为负数。",
            ),
        ]
        indexes = [models.Index(fields=["representative", "activity"], name="participation_person_idx")]

    def __str__(self):
        return f"{self.display_name} · {self.activity}"

    @property
    def display_name(self) -> str:
        return self.representative.name if self.representative_id else self.name

    def save(self, *args, **kwargs):
        if self.representative_id:
            self.name = self.representative.name
        self.name = (self.name or "").strip()
        super().save(*args, **kwargs)

    def clean(self):
        errors = self.rule_errors()
        if errors:
            raise ValidationError(errors)

    def rule_errors(self, *, others: tuple[int, Decimal] | None = None) -> dict[str, str]:
        """The rules as {field: message}. ``others`` is how many other named participants the activity has and
        their hours: as stored unless given (the Excel import adds the rows of its file that come before)."""
        errors = {}
        if not self.representative_id and not (self.name or "").strip():
            errors["name"] = "请选择代表人士，或填写库外人员的姓名。"
        activity = self.activity if self.activity_id else None
        if activity is not None:
            duration = activity.duration_hours
            if duration is not None and self.hours is not None and self.hours > duration:
                errors["hours"] = (
                    f"服务时长（{self.hours}小时）超过活动时长（{duration}小时；每天最多{HOURS_PER_DAY}小时）。"
                )
            if others is None:
                stored = Participation.objects.filter(activity=activity).exclude(pk=self.pk)
                totals = stored.aggregate(count=models.Count("pk"), hours=Sum("hours"))
                others = (totals["count"], totals["hours"] or Decimal("0"))
            count, hours = others
            if count + 1 > activity.headcount:
                errors.setdefault(
                    "activity",
                    f"活动登记的参与人次为{activity.headcount}，少于具名参与人员（加上本人共{count + 1}人）："
                    "请先在活动中调高“参与人次”。",
                )
            named_hours = hours + (self.hours or Decimal("0"))
            if named_hours > activity.service_hours:
                errors.setdefault(
                    "hours",
                    f"具名参与人员的时长之和（{named_hours}小时）将超过活动登记的服务时长（{activity.service_hours}小时）："
                    "请先在活动中调高“服务时长”。",
                )
        return errors


# ---- 志愿服务记录证明 (民政部《志愿服务记录与证明出具办法》) ----
class CertificateCounter(models.Model):
    """The last serial number given out in a year: its row is locked while a certificate is issued."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    last_serial = models.PositiveIntegerField("已用流水号", default=0)

    class Meta:
        verbose_name = "证明编号计数"
        verbose_name_plural = "证明编号计数"

    def __str__(self):
        return f"{self.year}年：{self.last_serial}"


@track_history()
class VolunteerCertificate(models.Model):
    """志愿服务记录证明: what a person's recorded service was on the day it was certified.

    The listed activities, the name and the ID number are copied at issue, so a printed certificate
    reads the same when it is opened again after the records behind it were corrected. It is never
    edited or deleted (a trigger refuses both): a wrong one is answered by issuing a new one.
    """

    personal_fields = {"id_number": "id_number"}  # registry.personal: masked unless permitted
    scope_region_field = "representative__region"

    number = models.CharField("证明编号", max_length=40, unique=True, editable=False)
    year = models.PositiveSmallIntegerField("编号年度", editable=False)
    serial = models.PositiveIntegerField("流水号", editable=False)
    representative = models.ForeignKey(
        "talents.Representative",
        verbose_name="志愿者（代表人士）",
        on_delete=models.PROTECT,
        related_name="volunteer_certificates",
    )
    volunteer_name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="出具人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("出具时间", default=timezone.now)
    issuing_unit = models.CharField("出具单位", max_length=100)
    period_from = models.DateField("记录起始日期", null=True, blank=True)
    period_to = models.DateField("记录截止日期", null=True, blank=True)
    total_hours = models.DecimalField(
        "服务时长合计（小时）", max_digits=10, decimal_places=1, validators=HOURS_VALIDATORS
    )
    activity_count = models.PositiveIntegerField("活动次数")
    # one dict per listed participation, as printed: title, start, end, kind, content, organizer, place, role, hours
    activities = models.JSONField("活动记录（出具时）", default=list, encoder=DjangoJSONEncoder, editable=False)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "志愿服务记录证明"
        verbose_name_plural = "志愿服务记录证明"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "serial"],
                name="volunteer_certificate_serial_once_a_year",
                violation_error_message="该年度的证明流水号已被使用。",
            ),
            models.CheckConstraint(
                condition=Q(total_hours__gt=0) & Q(activity_count__gt=0),
                name="volunteer_certificate_has_hours",
                violation_error_message="证明至少要列出一次有服务时长的活动。",
            ),
            models.CheckConstraint(
                condition=Q(period_from__isnull=True)
                | Q(period_to__isnull=True)
                | Q(period_to__gte=models.F("period_from")),
                name="volunteer_certificate_period_in_order",
                violation_error_message="截止日期不能早于起始日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["-issued_at", "-id"], name="certificate_issued_idx"),
            models.Index(fields=["representative", "issued_at"], name="certificate_person_idx"),
        ]
        triggers = [
            pgtrigger.Protect(name="certificate_never_edited", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.number} {self.volunteer_name}"

    @property
    def period_display(self) -> str:
        """2025-01-01 至 2025-12-31; 全部记录 when no period was chosen."""
        if not (self.period_from or self.period_to):
            return "全部记录"
        start = self.period_from.isoformat() if self.period_from else "最早记录"
        end = self.period_to.isoformat() if self.period_to else "出具之日"
        return f"{start} 至 {end}"
