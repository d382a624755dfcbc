"""The representative pool (代表人士库): people, pool status, service groups, evaluations, trainings, nominations."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from registry.history import track_history
from registry.models import DictionaryItem, Region, TimeStampedModel
from registry.scoping import RegionScopedManager, RegionScopedQuerySet
from registry.search import name_initials
from registry.validators import (
    id_number_birth_date,
    id_number_gender,
    normalize_code,
    validate_id_number,
    validate_mobile,
)

from .choices import (
    AGE_BANDS,
    GRADE_THRESHOLDS,
    HAN,
    HOLDING,
    SCORE_MAX,
    DiscoveryChannel,
    Education,
    Ethnicity,
    EvaluationGrade,
    Gender,
    GroupRole,
    NominationKind,
    NominationLevel,
    NominationOutcome,
    PoliticalAffiliation,
    PoolLevel,
    PoolStatus,
    ServiceGroupKind,
    SocialStratum,
)

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]
SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(SCORE_MAX)]


def age_on(birth_date: datetime.date | None, on: datetime.date | None = None) -> int | None:
    if birth_date is None:
        return None
    on = on or timezone.localdate()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class Specialty(DictionaryItem):
    """专业特长: law, psychology, medicine, social work… (admin-maintained)."""

    class Meta(DictionaryItem.Meta):
        verbose_name = "专业特长"
        verbose_name_plural = "专业特长"


class RepresentativeQuerySet(RegionScopedQuerySet):
    def active(self):
        """Records that are not merged into another one: what every list, count and search shows."""
        return self.filter(merged_into__isnull=True)


@track_history()
class Representative(TimeStampedModel):
    """代表人士: one person, one record (a merged duplicate stays readable but leaves every list)."""
    personal_fields = {"id_number": "id_number", "mobile": "mobile"}  # registry.personal: masked unless permitted

    name = models.CharField("姓名", max_length=50)
    name_initials = models.CharField("拼音首字母", max_length=100, editable=False, blank=True)
    gender = models.CharField(
        "性别", max_length=6, choices=Gender.choices, blank=True, help_text="填写身份证号时可留空，按身份证号识别。"
    )
    ethnicity = models.CharField("民族", max_length=2, choices=Ethnicity.choices, default=HAN)
    birth_date = models.DateField("出生日期", null=True, blank=True, help_text="填写身份证号时可留空，按身份证号识别。")
    id_number = models.CharField(
        "身份证号", max_length=18, blank=True, validators=[validate_id_number], help_text="18位居民身份证号码。"
    )
    mobile = models.CharField("手机号", max_length=11, blank=True, validators=[validate_mobile])
    political_affiliation = models.CharField(
        "政治面貌", max_length=12, choices=PoliticalAffiliation.choices, default=PoliticalAffiliation.MASSES
    )
    education = models.CharField("学历", max_length=12, choices=Education.choices, blank=True)
    title = models.CharField("职称", max_length=50, blank=True, help_text="如：高级社会工作师、律师、主治医师。")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所在社会组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representatives",
    )
    organization_name = models.CharField(
        "工作单位（名录外）",
        max_length=200,
        blank=True,
        help_text="单位不在社会组织名录中（如企业、律师事务所）时填写；已选择社会组织则留空。",
    )
    position = models.CharField("职务", max_length=100, blank=True)
    stratum = models.CharField(
        "群体", max_length=16, choices=SocialStratum.choices, default=SocialStratum.SOCIAL_ORGANIZATION
    )
    specialties = models.ManyToManyField(Specialty, verbose_name="专业特长", blank=True, related_name="representatives")
    # the names of ``specialties``, kept by a signal on every add, remove and clear: a change of
    # specialties is then a change of this row, and the history triggers put it in 变更记录.
    # Why a copied column rather than pghistory on the through table: 变更记录 lists one row's events,
    # and a specialty edit must read there as one change "心理 → 法律、医疗" by whoever saved the form.
    # The through table's events are one insert/delete per link, in another table; history_for would
    # have to fetch them per person and regroup them by transaction, which is more than the column costs.
    # The column is display-only (editable=False, no form or import writes it); drop it, the signal and
    # migration 0002's backfill together once 变更记录 shows related tables' events.
    specialty_names = models.CharField("专业特长", max_length=500, blank=True, editable=False)
    region = models.ForeignKey(
        Region,
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="representatives",
        help_text="所在街道或社区。",
    )
    discovery_channel = models.CharField("发现渠道", max_length=16, choices=DiscoveryChannel.choices, blank=True)
    # status, level and status_date change only through services.representative_change_status,
    # which writes the StatusChange row beside them
    status = models.CharField(
        "入库状态", max_length=12, choices=PoolStatus.choices, default=PoolStatus.CANDIDATE, editable=False
    )
    level = models.CharField("入库级别", max_length=10, choices=PoolLevel.choices, blank=True, editable=False)
    status_date = models.DateField("状态日期", null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并到",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
    )
    remarks = models.TextField("备注", blank=True)

    objects = RegionScopedManager.from_queryset(RepresentativeQuerySet)()

    class Meta:
        verbose_name = "代表人士"
        verbose_name_plural = "代表人士"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # a merged duplicate keeps its own number for the record; only live records must be unique
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number="") & Q(merged_into__isnull=True),
                name="representative_unique_id_number",
                violation_error_message="该身份证号已登记为另一位代表人士（一人一档）：请先按身份证号检索已有记录。",
            ),
            models.CheckConstraint(
                condition=Q(id_number="") | Q(id_number__regex=r"^[0-9]{17}[0-9X]$"),
                name="representative_id_number_format",
            ),
            models.CheckConstraint(
                condition=Q(mobile="") | Q(mobile__regex=r"^1[3-9][0-9]{9}$"), name="representative_mobile_format"
            ),
            models.CheckConstraint(
                condition=~Q(status=PoolStatus.ADMITTED) | ~Q(level=""), name="representative_admitted_has_level"
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="representative_not_merged_into_self"
            ),
        ]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="rep_updated_idx"),
            models.Index(fields=["region", "status"], name="rep_region_status_idx"),
            models.Index(fields=["name", "birth_date"], name="rep_name_birth_idx"),
            models.Index(fields=["mobile"], condition=~Q(mobile=""), name="rep_mobile_idx"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="rep_name_trgm_idx"),
            GinIndex(fields=["name_initials"], opclasses=["gin_trgm_ops"], name="rep_initials_trgm_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # derived columns of this row only: normalized numbers and the pinyin initials for search
        self.name = (self.name or "").strip()
        self.name_initials = name_initials(self.name, max_length=self._meta.get_field("name_initials").max_length)
        self.id_number = normalize_code(self.id_number)
        self.mobile = normalize_code(self.mobile)
        self.organization_name = (self.organization_name or "").strip()
        super().save(*args, **kwargs)

    def clean(self):
        self.id_number = normalize_code(self.id_number)
        self.mobile = normalize_code(self.mobile)
        errors = {}
        if self.region_id and self.region.level not in ("street", "community"):
            errors["region"] = "代表人士的所属区域应为街道或社区。"
        if self.organization_id and (self.organization_name or "").strip():
            errors["organization_name"] = "已选择所在社会组织时，“工作单位（名录外）”请留空。"
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = "出生日期不能晚于今天。"
        if self.status == PoolStatus.ADMITTED and not self.level:
            errors["level"] = "入库时请选择入库级别（市级或区级）。"
        errors.update(self._id_number_consistency())
        if errors:
            raise ValidationError(errors)

    def fill_from_id_number(self) -> None:
        """A blank birth date and gender are taken from the (valid) ID number."""
        if self.birth_date is None:
            self.birth_date = id_number_birth_date(self.id_number)
        if not self.gender:
            self.gender = id_number_gender(self.id_number)

    def _id_number_consistency(self) -> dict:
        """Birth date and gender agree with the ID number; blank ones are taken from it."""
        if not self.id_number:
            return {}
        try:
            validate_id_number(self.id_number)
        except ValidationError:
            return {}  # the field's own validator reports it
        errors = {}
        self.fill_from_id_number()
        born = id_number_birth_date(self.id_number)
        if self.birth_date != born:
            # the message does not echo the ID's digits: the person editing may see the number only masked
            errors["birth_date"] = "出生日期与身份证号不一致（身份证号第7—14位是出生日期），请核对后修改其中之一。"
        if self.gender != id_number_gender(self.id_number):
            errors["gender"] = "性别与身份证号不一致（身份证号第17位奇数为男、偶数为女），请核对后修改其中之一。"
        return errors

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date)

    @property
    def age_band(self) -> str:
        age = self.age
        if age is None:
            return ""
        for band, low, high in AGE_BANDS:
            if (low is None or age >= low) and (high is None or age < high):
                return band.label
        return ""

    @property
    def organization_display(self) -> str:
        return self.organization.name if self.organization_id else self.organization_name

    @property
    def status_display(self) -> str:
        """入库（区级）: the status with the level where it matters."""
        label = self.get_status_display()
        if self.level and self.status in (PoolStatus.ADMITTED, PoolStatus.KEY_CONTACT):
            return f"{label}（{self.get_level_display()}）"
        return label

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class StatusChange(models.Model):
    """One dated change of a person's pool status (候选 › 入库 › 重点联系对象 › 退出), and who made it."""

    scope_region_field = "representative__region"

    representative = models.ForeignKey(
        Representative, verbose_name="代表人士", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField("原状态", max_length=12, choices=PoolStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=PoolStatus.choices)
    level = models.CharField("级别", max_length=10, choices=PoolLevel.choices, blank=True)
    changed_on = models.DateField("变更日期")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "入库状态变更"
        verbose_name_plural = "入库状态变更"
        ordering = ["-changed_on", "-pk"]
        indexes = [models.Index(fields=["representative", "-changed_on"], name="statuschange_rep_idx")]

    def __str__(self):
        return f"{self.representative} {self.get_from_status_display() or '（新建）'} → {self.get_to_status_display()}"

    @property
    def change_display(self) -> str:
        target = self.get_to_status_display()
        if self.level and self.to_status in (PoolStatus.ADMITTED, PoolStatus.KEY_CONTACT):
            target = f"{target}（{self.get_level_display()}）"
        return f"{self.get_from_status_display() or '新建'} → {target}"

    @property
    def changed_by_display(self) -> str:
        return self.changed_by.display_name if self.changed_by_id else "系统"


def _above_paths(region) -> list[str]:
    """Paths of the regions above ``region`` (its district, its city)."""
    codes = region.ancestor_codes()[:-1]
    return ["/" + "/".join(codes[: index + 1]) + "/" for index in range(len(codes))]


class DistrictWideQuerySet(RegionScopedQuerySet):
    """Groups and trainings of the district serve every street in it: a street's staff see them too."""

    def scope_condition(self, region):
        return super().scope_condition(region) | Q(region__path__in=_above_paths(region))


@track_history()
class ServiceGroup(TimeStampedModel):
    """服务小组 and bodies people join: 公益服务组, 法律服务组, 党员百姓讲师团, 新联会分会…"""

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=ServiceGroupKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="service_groups",
        help_text="区级小组选区，街道自建的小组选街道。",
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    description = models.TextField("简介", blank=True)

    objects = RegionScopedManager.from_queryset(DistrictWideQuerySet)()

    class Meta:
        verbose_name = "服务小组"
        verbose_name_plural = "服务小组"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class MembershipQuerySet(RegionScopedQuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


@track_history()
class Membership(TimeStampedModel):
    scope_region_field = "representative__region"

    group = models.ForeignKey(
        ServiceGroup, verbose_name="服务小组", on_delete=models.CASCADE, related_name="memberships"
    )
    representative = models.ForeignKey(
        Representative, verbose_name="代表人士", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("组内职务", max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True, help_text="仍在组内则留空。")
    note = models.CharField("备注", max_length=200, blank=True)

    objects = RegionScopedManager.from_queryset(MembershipQuerySet)()

    class Meta:
        verbose_name = "小组成员"
        verbose_name_plural = "小组成员"
        ordering = ["group", "left_on", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
                violation_error_message="退出日期不能早于加入日期。",
            ),
            models.UniqueConstraint(
                fields=["group", "representative"],
                condition=Q(left_on__isnull=True),
                name="membership_one_open_per_group",
                violation_error_message="该代表人士已是本小组的在组成员。",
            ),
        ]

    def __str__(self):
        return f"{self.representative} · {self.group}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


@track_history()
class Evaluation(TimeStampedModel):
    """综合评价: one per person and year, four scored dimensions (0–25 each) and an overall grade."""

    scope_region_field = "representative__region"

    representative = models.ForeignKey(
        Representative, verbose_name="代表人士", on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    political_stance = models.PositiveSmallIntegerField("政治立场", validators=SCORE_VALIDATORS)
    deliberation = models.PositiveSmallIntegerField("参政议政", validators=SCORE_VALIDATORS)
    social_influence = models.PositiveSmallIntegerField("社会影响", validators=SCORE_VALIDATORS)
    duty_performance = models.PositiveSmallIntegerField("履职尽责", validators=SCORE_VALIDATORS)
    grade = models.CharField(
        "综合等次",
        max_length=10,
        choices=EvaluationGrade.choices,
        blank=True,
        help_text="留空则按总分确定：90分及以上优秀，75分及以上良好，60分及以上一般，其余较差。",
    )
    evaluator = models.CharField("评价人/评价单位", max_length=100)
    evaluated_on = models.DateField("评价日期", null=True, blank=True)
    remarks = models.TextField("评语", blank=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "综合评价"
        verbose_name_plural = "综合评价"
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["representative", "year"],
                name="evaluation_one_per_year",
                violation_error_message="该代表人士本年度已有综合评价。",
            ),
            models.CheckConstraint(
                condition=Q(political_stance__lte=SCORE_MAX)
                & Q(deliberation__lte=SCORE_MAX)
                & Q(social_influence__lte=SCORE_MAX)
                & Q(duty_performance__lte=SCORE_MAX),
                name="evaluation_scores_in_range",
            ),
            models.CheckConstraint(condition=~Q(grade=""), name="evaluation_has_grade"),
        ]

    def __str__(self):
        return f"{self.representative} {self.year}年综合评价"

    @property
    def total(self) -> int:
        return sum(
            score or 0
            for score in (self.political_stance, self.deliberation, self.social_influence, self.duty_performance)
        )

    def suggested_grade(self) -> str:
        return next((grade for low, grade in GRADE_THRESHOLDS if self.total >= low), EvaluationGrade.POOR)

    def save(self, *args, **kwargs):
        if not self.grade:
            self.grade = self.suggested_grade()
        super().save(*args, **kwargs)

    def clean(self):
        if not self.grade:
            self.grade = self.suggested_grade()
        if self.evaluated_on and self.evaluated_on > timezone.localdate():
            raise ValidationError({"evaluated_on": "评价日期不能晚于今天。"})


@track_history()
class Training(TimeStampedModel):
    """培训: one session (the department runs at least three a year) with its attendance."""

    title = models.CharField("培训主题", max_length=200)
    held_on = models.DateField("培训日期")
    organizer = models.CharField("主办单位", max_length=100)
    hours = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
    )
    location = models.CharField("地点", max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="trainings",
        help_text="区级培训选区，街道举办的选街道。",
    )
    content = models.TextField("内容", blank=True)
    attendees = models.ManyToManyField(
        Representative, verbose_name="参训人员", through="Attendance", related_name="trainings", blank=True
    )

    objects = RegionScopedManager.from_queryset(DistrictWideQuerySet)()

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["-held_on", "-id"], name="training_held_idx")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"


@track_history()
class Attendance(models.Model):
    scope_region_field = "representative__region"

    training = models.ForeignKey(Training, verbose_name="培训", on_delete=models.CASCADE, related_name="attendances")
    representative = models.ForeignKey(
        Representative, verbose_name="代表人士", on_delete=models.CASCADE, related_name="attendances"
    )

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "参训记录"
        verbose_name_plural = "参训记录"
        ordering = ["-training__held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "representative"],
                name="attendance_once_per_training",
                violation_error_message="该代表人士已在本次培训的参训名单中。",
            ),
        ]

    def __str__(self):
        return f"{self.representative} · {self.training}"


class NominationQuerySet(RegionScopedQuerySet):
    def current(self, on=None):
        """Public roles held now: elected or appointed, and the term has not ended."""
        on = on or timezone.localdate()
        return self.filter(outcome__in=HOLDING).filter(Q(term_end__isnull=True) | Q(term_end__gte=on))


@track_history()
class Nomination(TimeStampedModel):
    """推荐使用: a recommendation for 人大代表, 政协委员 or a post in a mass organization, association or chamber."""

    scope_region_field = "representative__region"

    representative = models.ForeignKey(
        Representative, verbose_name="代表人士", on_delete=models.CASCADE, related_name="nominations"
    )
    kind = models.CharField("推荐类别", max_length=12, choices=NominationKind.choices)
    level = models.CharField("层级", max_length=10, choices=NominationLevel.choices)
    year = models.PositiveSmallIntegerField("推荐年度", validators=YEAR_VALIDATORS)
    body = models.CharField(
        "机构/届次", max_length=200, blank=True, help_text="如：龙华区第二届人民代表大会、深圳市律师协会。"
    )
    post = models.CharField("拟任职务", max_length=100, blank=True, help_text="如：代表、委员、常务理事。")
    recommended_by = models.CharField("推荐单位", max_length=100, blank=True)
    outcome = models.CharField(
        "结果", max_length=12, choices=NominationOutcome.choices, default=NominationOutcome.PENDING
    )
    term_end = models.DateField("任期届满", null=True, blank=True)
    remarks = models.TextField("备注", blank=True)

    objects = RegionScopedManager.from_queryset(NominationQuerySet)()

    class Meta:
        verbose_name = "推荐使用"
        verbose_name_plural = "推荐使用"
        ordering = ["-year", "-pk"]
        indexes = [models.Index(fields=["outcome", "term_end"], name="nomination_outcome_term_idx")]

    def __str__(self):
        return f"{self.representative} · {self.role_display}"

    @property
    def role_display(self) -> str:
        """区人大代表, 市政协委员, 群团组织兼职（区妇联执委）."""
        level = "全国" if self.level == NominationLevel.NATIONAL else self.get_level_display()
        if self.kind in (NominationKind.NPC, NominationKind.CPPCC):
            return f"{level}{self.get_kind_display()}"
        detail = "".join(part for part in (self.body, self.post) if part)
        return f"{self.get_kind_display()}（{detail}）" if detail else f"{level}{self.get_kind_display()}"

    @property
    def is_current(self) -> bool:
        return self.outcome in HOLDING and (self.term_end is None or self.term_end >= timezone.localdate())

    def clean(self):
        if self.term_end and self.year and self.term_end.year < self.year:
            raise ValidationError({"term_end": "任期届满日期不能早于推荐年度。"})


class MergeRecord(models.Model):
    """合并记录: a duplicate folded into the kept record — what moved, why, by whom. Both records stay readable."""

    scope_region_field = "kept__region"

    kept = models.ForeignKey(
        Representative, verbose_name="保留的记录", on_delete=models.PROTECT, related_name="merges_kept"
    )
    merged = models.ForeignKey(
        Representative, verbose_name="被合并的记录", on_delete=models.PROTECT, related_name="merges_merged"
    )
    reason = models.CharField("疑似重复依据", max_length=100, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    moved = models.JSONField("迁移的记录", default=dict, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField("合并时间", auto_now_add=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "合并记录"
        verbose_name_plural = "合并记录"
        ordering = ["-merged_at", "-pk"]

    def __str__(self):
        return f"{self.merged}（编号{self.merged_id}）并入 {self.kept}（编号{self.kept_id}）"

    @property
    def moved_display(self) -> str:
        labels = {
            "evaluations": "综合评价",
            "attendances": "参训记录",
            "nominations": "推荐使用",
            "memberships": "小组成员",
        }
        parts = [f"{labels.get(key, key)}{count}条" for key, count in self.moved.items() if count]
        return "、".join(parts) or "无"


class DistinctPair(models.Model):
    """Two same-named records someone checked and found to be different people: no longer listed as 疑似重复."""

    scope_region_field = "first__region"

    first = models.ForeignKey(Representative, verbose_name="记录一", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Representative, verbose_name="记录二", on_delete=models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "已确认非同一人"
        verbose_name_plural = "已确认非同一人"
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinctpair_unique"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="distinctpair_ordered"),
        ]

    def __str__(self):
        return f"{self.first} ≠ {self.second}"


def specialty_names(specialties) -> str:
    """How ``specialty_names`` spells these specialties: in the dictionary's order."""
    return "、".join(s.name for s in sorted(specialties, key=lambda s: (s.sort_order, s.name)))


def sync_specialty_names(representative_ids) -> None:
    """Rewrite ``specialty_names`` of these people where it differs from their specialties."""
    through = Representative.specialties.through
    held: dict[int, list[Specialty]] = {pk: [] for pk in representative_ids}
    for link in through.objects.filter(representative_id__in=held).select_related("specialty"):
        held[link.representative_id].append(link.specialty)
    people = Representative.objects.filter(pk__in=held).only("pk", "specialty_names")
    changed = []
    for person in people:
        text = specialty_names(held[person.pk])
        if person.specialty_names != text:
            person.specialty_names = text
            changed.append(person)
    Representative.objects.bulk_update(changed, ["specialty_names"])


@receiver(m2m_changed, sender=Representative.specialties.through)
def _specialties_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:  # from the specialty's side: the people named, or (a clear) everyone who had it
        if action == "pre_clear":
            instance._cleared_people = list(instance.representatives.values_list("pk", flat=True))
        elif action in ("post_add", "post_remove"):
            sync_specialty_names(pk_set)
        elif action == "post_clear":
            sync_specialty_names(getattr(instance, "_cleared_people", []))
    elif action in ("post_add", "post_remove", "post_clear"):
        sync_specialty_names([instance.pk])
