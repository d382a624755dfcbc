"""Social organizations with their yearly survey, party organizations (1+6+12+N), liaisons and venues."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from registry.history import track_history
from registry.models import DictionaryItem, Region, TimeStampedModel
from registry.scoping import RegionScopedManager, RegionScopedQuerySet
from registry.search import name_initials
from registry.validators import (
    normalize_code,
    validate_contact_phone,
    validate_credit_code,
    validate_credit_code_issuer,
    validate_mobile,
)

from .choices import (
    CREDIT_CODE_CATEGORY,
    HonourLevel,
    LiaisonRole,
    OrganizationKind,
    OrganizationStatus,
    PartnerKind,
    PartyOrgKind,
    PartyOrgTier,
    Rating,
    VentureList,
    VenueKind,
    VenueLevel,
)
from .rules import STORED_FACTS, rule_condition

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class Industry(DictionaryItem):
    """行业类别: the "12 类行业" a district groups its organizations by (admin-maintained)."""

    class Meta(DictionaryItem.Meta):
        verbose_name = "行业类别"
        verbose_name_plural = "行业类别"


@track_history()
class Organization(TimeStampedModel):
    personal_fields = {"contact_phone": "phone"}  # registry.personal: masked unless permitted
    name = models.CharField("名称", max_length=200)
    name_initials = models.CharField("拼音首字母", max_length=200, editable=False, blank=True)
    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": "统一社会信用代码已存在：该社会组织已登记。"},
    )
    kind = models.CharField("组织类型", max_length=24, choices=OrganizationKind.choices)
    registration_authority = models.CharField("登记管理机关", max_length=100, blank=True)
    registration_date = models.DateField("登记日期", null=True, blank=True)
    supervising_unit = models.CharField("业务主管单位", max_length=100, blank=True)
    status = models.CharField(
        "登记状态", max_length=16, choices=OrganizationStatus.choices, default=OrganizationStatus.NORMAL
    )
    region = models.ForeignKey(
        Region,
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text="所在街道或社区。",
    )
    address = models.CharField("住所", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    industry = models.ForeignKey(
        Industry, verbose_name="行业类别", null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    is_hub = models.BooleanField("枢纽型", default=False)
    is_flagship = models.BooleanField("品牌性", default=False)
    on_abnormal_list = models.BooleanField("列入活动异常名录", default=False)
    rating = models.CharField("评估等级", max_length=2, choices=Rating.choices, blank=True)
    rating_year = models.PositiveSmallIntegerField("评估年度", null=True, blank=True, validators=YEAR_VALIDATORS)
    honour_level = models.CharField("示范性社会组织", max_length=10, choices=HonourLevel.choices, blank=True)
    honour_year = models.PositiveSmallIntegerField("示范性认定年度", null=True, blank=True, validators=YEAR_VALIDATORS)
    venture_list = models.CharField("公益创投名单", max_length=8, choices=VentureList.choices, blank=True)
    remarks = models.TextField("备注", blank=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "社会组织"
        verbose_name_plural = "社会组织"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"), name="organization_credit_code_format"
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(rating_year__isnull=False), name="organization_rating_has_year"
            ),
            models.CheckConstraint(
                condition=Q(honour_level="") | Q(honour_year__isnull=False), name="organization_honour_has_year"
            ),
        ]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="org_updated_idx"),
            models.Index(fields=["region", "status"], name="org_region_status_idx"),
            models.Index(fields=["industry", "status"], name="org_industry_status_idx"),
            # the list sorted by name (?sort=name orders by name, then pk): 1.5 s → a page read at 1M rows
            models.Index(fields=["name", "id"], name="org_name_idx"),
            # name LIKE '%…%' and the pinyin initials are served by trigram indexes (C.UTF-8 ctype)
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="org_name_trgm_idx"),
            GinIndex(fields=["name_initials"], opclasses=["gin_trgm_ops"], name="org_initials_trgm_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Derived columns of this row only: the normalized code and the pinyin initials for search.

        save() calls it; bulk writes, which skip save() (the Excel import), call it themselves.
        """
        self.credit_code = normalize_code(self.credit_code)
        self.name = (self.name or "").strip()
        self.name_initials = name_initials(self.name, max_length=self._meta.get_field("name_initials").max_length)

    def clean(self):
        # normalized before the uniqueness check, so "9144…t" finds the stored "9144…T"
        self.credit_code = normalize_code(self.credit_code)
        # every rule is checked and all problems reported at once: a form or an import row is fixed in one go
        errors = {}
        if self.region_id and self.region.level not in ("street", "community"):
            errors["region"] = "社会组织的所属区域应为街道或社区。"
        if self.rating and not self.rating_year:
            errors["rating_year"] = "填写了评估等级时，请同时填写评估年度。"
        if self.honour_level and not self.honour_year:
            errors["honour_year"] = "填写了示范性社会组织级别时，请同时填写认定年度。"
        if self.contact_phone:
            try:
                validate_contact_phone(self.contact_phone)
            except ValidationError as error:
                errors["contact_phone"] = error.messages
        if self.registration_date and self.registration_date > timezone.localdate():
            errors["registration_date"] = "登记日期不能晚于今天。"
        if self.credit_code and self.kind in CREDIT_CODE_CATEGORY:
            try:
                validate_credit_code_issuer(
                    self.credit_code, category=CREDIT_CODE_CATEGORY[self.kind], kind_label=self.get_kind_display()
                )
            except ValidationError as error:
                errors["credit_code"] = error.messages
        if errors:
            raise ValidationError(errors)


def validate_mobile_field(value, field):
    try:
        validate_mobile(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


@track_history()
class AnnualSurvey(TimeStampedModel):
    """年度摸底调查: the counts that change every year (staff, party members)."""

    scope_region_field = "organization__region"

    organization = models.ForeignKey(
        Organization, verbose_name="社会组织", on_delete=models.CASCADE, related_name="surveys"
    )
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    staff_count = models.PositiveIntegerField("从业人员数", default=0)
    party_member_count = models.PositiveIntegerField("正式党员数", default=0)
    probationary_member_count = models.PositiveIntegerField("预备党员数", default=0)
    mobile_party_member_count = models.PositiveIntegerField(
        "其中流动党员数", default=0, help_text="正式党员中组织关系不在本单位的流动党员。"
    )
    surveyed_on = models.DateField("调查日期", null=True, blank=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "年度摸底调查"
        verbose_name_plural = "年度摸底调查"
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="survey_one_per_year",
                violation_error_message="该社会组织本年度已有摸底调查记录。",
            ),
            models.CheckConstraint(
                condition=Q(mobile_party_member_count__lte=models.F("party_member_count")),
                name="survey_mobile_within_members",
                violation_error_message="流动党员数不能多于正式党员数。",
            ),
            models.CheckConstraint(condition=Q(year__gte=1990) & Q(year__lte=2100), name="survey_year_range"),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}年"


class PartyOrganizationQuerySet(RegionScopedQuerySet):
    pass


@track_history()
class PartyOrganization(TimeStampedModel):
    name = models.CharField("党组织名称", max_length=200)
    kind = models.CharField("组织类型", max_length=16, choices=PartyOrgKind.choices)
    tier = models.CharField("层级（1+6+12+N）", max_length=12, choices=PartyOrgTier.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级党组织", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(
        Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="party_organizations"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name="所属行业（条）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organizations",
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name="覆盖的社会组织",
        blank=True,
        related_name="party_organizations",
        through="PartyCoverage",
    )
    secretary = models.CharField("书记", max_length=50, blank=True)
    member_count = models.PositiveIntegerField("党员人数", default=0)
    founded_date = models.DateField("成立日期", null=True, blank=True)
    remarks = models.TextField("备注", blank=True)

    objects = RegionScopedManager.from_queryset(PartyOrganizationQuerySet)()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["tier", "name"]
        indexes = [
            # the list's default order (tier, name, pk) and its name search at a city's 100,000+ branches
            models.Index(fields=["tier", "name", "id"], name="partyorg_tier_name_idx"),
            models.Index(fields=["kind", "tier", "name", "id"], name="partyorg_kind_tier_name_idx"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="partyorg_name_trgm_idx"),
            GinIndex(fields=["secretary"], opclasses=["gin_trgm_ops"], name="partyorg_secretary_trgm_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="partyorg_unique_name_under_parent",
                violation_error_message="同一上级党组织下已有同名党组织。",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="partyorg_unique_root_name"
            ),
            models.CheckConstraint(
                condition=~Q(tier=PartyOrgTier.DISTRICT) | Q(parent__isnull=True), name="partyorg_district_is_root"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.tier != PartyOrgTier.DISTRICT and not self.parent_id:
            errors["parent"] = "除区社会组织党委外，党组织应有上级党组织。"
        if self.tier == PartyOrgTier.DISTRICT and self.parent_id:
            errors["parent"] = "区社会组织党委是最上级，不能有上级党组织。"
        if self.tier == PartyOrgTier.SECTOR and not self.industry_id:
            errors["industry"] = "行业党组织（条）请选择所属行业。"
        if self.founded_date and self.founded_date > timezone.localdate():
            errors["founded_date"] = "成立日期不能晚于今天。"
        if self.pk and self.parent_id and "parent" not in errors:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    errors["parent"] = "上级党组织不能是其自身或其下级。"
                    break
                node = node.parent
        if errors:
            raise ValidationError(errors)


@track_history()
class PartyCoverage(models.Model):
    """A party organization covers an organization (a 联合党支部 covers several)."""

    scope_region_field = "organization__region"

    party_organization = models.ForeignKey(
        PartyOrganization, verbose_name="党组织", on_delete=models.CASCADE, related_name="coverages"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="社会组织", on_delete=models.CASCADE, related_name="coverages"
    )

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "党组织覆盖"
        verbose_name_plural = "党组织覆盖"
        constraints = [
            models.UniqueConstraint(fields=["party_organization", "organization"], name="coverage_unique"),
        ]

    def __str__(self):
        return f"{self.party_organization} → {self.organization}"


class LiaisonQuerySet(RegionScopedQuerySet):
    def scope_condition(self, region):
        # a district-level instructor is visible to a street that holds one of their assignments
        assigned_here = Assignment.objects.filter(
            liaison=OuterRef("pk"), organization__region__path__startswith=region.path
        )
        return super().scope_condition(region) | Q(Exists(assigned_here))


@track_history()
class Liaison(TimeStampedModel):
    """联络员/工作人员: a person who covers organizations (统战委员, 党建指导员, …)."""

    personal_fields = {"mobile": "mobile"}  # registry.personal: masked unless permitted

    name = models.CharField("姓名", max_length=50)
    name_initials = models.CharField("拼音首字母", max_length=100, editable=False, blank=True)
    gender = models.CharField("性别", max_length=6, choices=[("male", "男"), ("female", "女")], blank=True)
    mobile = models.CharField("手机号", max_length=11, blank=True, validators=[validate_mobile])
    work_unit = models.CharField("工作单位", max_length=200, blank=True)
    post = models.CharField("职务", max_length=100, blank=True)
    is_party_member = models.BooleanField("中共党员", default=True)
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="liaisons")
    remarks = models.TextField("备注", blank=True)

    objects = RegionScopedManager.from_queryset(LiaisonQuerySet)()

    class Meta:
        verbose_name = "联络员"
        verbose_name_plural = "联络员"
        ordering = ["name", "pk"]
        # the list's default order (name, then pk): a page read at half a million liaisons, not a sort;
        # ?q= searches name, work unit and initials (trigram indexes serve LIKE '%…%' and the regex)
        indexes = [
            models.Index(fields=["name", "id"], name="liaison_name_idx"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="liaison_name_trgm_idx"),
            GinIndex(fields=["name_initials"], opclasses=["gin_trgm_ops"], name="liaison_initials_trgm_idx"),
            GinIndex(fields=["work_unit"], opclasses=["gin_trgm_ops"], name="liaison_unit_trgm_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~Q(mobile=""),
                name="liaison_unique_mobile",
                violation_error_message="该手机号已登记为另一位联络员。",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.mobile = normalize_code(self.mobile)
        self.name_initials = name_initials(self.name, max_length=self._meta.get_field("name_initials").max_length)
        super().save(*args, **kwargs)


class AssignmentQuerySet(RegionScopedQuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)))


@track_history()
class Assignment(TimeStampedModel):
    """A liaison's dated role in one organization."""

    scope_region_field = "organization__region"

    liaison = models.ForeignKey(Liaison, verbose_name="联络员", on_delete=models.PROTECT, related_name="assignments")
    organization = models.ForeignKey(
        Organization, verbose_name="社会组织", on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField("角色", max_length=16, choices=LiaisonRole.choices)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True, help_text="仍在任则留空。")
    remarks = models.CharField("备注", max_length=200, blank=True)

    objects = RegionScopedManager.from_queryset(AssignmentQuerySet)()

    class Meta:
        verbose_name = "联络员任职"
        verbose_name_plural = "联络员任职"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "role"], name="assignment_org_role_idx"),
            models.Index(fields=["liaison", "role"], name="assignment_liaison_role_idx"),
        ]

    def __str__(self):
        return f"{self.liaison} · {self.get_role_display()} · {self.organization}"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


@track_history()
class Pairing(TimeStampedModel):
    """结对共建 of a social-organization party organization with another party organization."""

    scope_region_field = "party_organization__region"

    party_organization = models.ForeignKey(
        PartyOrganization, verbose_name="社会组织党组织", on_delete=models.CASCADE, related_name="pairings"
    )
    partner_name = models.CharField("结对单位党组织", max_length=200)
    partner_kind = models.CharField("结对单位类型", max_length=12, choices=PartnerKind.choices)
    since = models.DateField("结对日期")
    content = models.TextField("共建内容", blank=True)
    is_active = models.BooleanField("持续共建中", default=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "结对共建"
        verbose_name_plural = "结对共建"
        ordering = ["-since", "-pk"]

    def __str__(self):
        return f"{self.party_organization} ↔ {self.partner_name}"


@track_history()
class Venue(TimeStampedModel):
    """阵地/基地: incubation bases, stations, service centres, community rooms."""

    SIX_STANDARDS = [
        ("has_site", "有场地"),
        ("has_sign", "有标识"),
        ("has_rules", "有制度"),
        ("has_team", "有队伍"),
        ("has_activities", "有活动"),
        ("has_records", "有台账"),
    ]

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("阵地类型", max_length=16, choices=VenueKind.choices)
    level = models.CharField("级别", max_length=10, choices=VenueLevel.choices)
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="venues")
    operating_organization = models.ForeignKey(
        Organization, verbose_name="运营机构", null=True, blank=True, on_delete=models.SET_NULL, related_name="venues"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    floor_area = models.DecimalField("面积（平方米）", max_digits=10, decimal_places=1, null=True, blank=True)
    opened_date = models.DateField("启用日期", null=True, blank=True)
    has_site = models.BooleanField("有场地", default=False)
    has_sign = models.BooleanField("有标识", default=False)
    has_rules = models.BooleanField("有制度", default=False)
    has_team = models.BooleanField("有队伍", default=False)
    has_activities = models.BooleanField("有活动", default=False)
    has_records = models.BooleanField("有台账", default=False)
    remarks = models.TextField("备注", blank=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "阵地"
        verbose_name_plural = "阵地"
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="venue_unique_name_in_region",
                violation_error_message="该区域已有同名阵地。",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def standards_met(self) -> int:
        return sum(1 for field, _ in self.SIX_STANDARDS if getattr(self, field))

    @property
    def standards_label(self) -> str:
        return f"{self.standards_met}/6"


def _stored_rule(key: str) -> models.GeneratedField:
    return models.GeneratedField(
        expression=rule_condition(key, STORED_FACTS), output_field=models.BooleanField(), db_persist=True
    )


class CoverageState(models.Model):
    """An organization's 两个覆盖 facts and rule breaches, kept current by the database on every write.

    Not a record anyone edits: triggers on the inputs (organizations, surveys, party coverage and party
    organizations, assignments) call ``organizations_refresh_coverage(ids, date)`` in the writing statement's
    transaction, for the organizations the statement touched (and, for an instructor's assignment, every
    organization that instructor guides). The active-assignment facts hold for ``computed_on``; the daily
    ``refresh_coverage`` task moves them to the new day (organizations/coverage_state.py).
    """

    organization = models.OneToOneField(
        Organization,
        verbose_name="社会组织",
        primary_key=True,
        # ON DELETE CASCADE in the database (migration 0006): the triggers may write this row while Django
        # deletes an organization's assignments, before the organization itself
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="coverage_state",
    )
    # denormalized from the organization: a region's lists (ordered by region and name) read this table alone
    name = models.CharField("名称", max_length=200)
    region = models.ForeignKey(
        Region, verbose_name="所属区域", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name="行业类别",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    status = models.CharField("登记状态", max_length=16, choices=OrganizationStatus.choices)
    has_party_org = models.BooleanField("有党组织覆盖")
    has_own_party_org = models.BooleanField("有本单位党组织")
    has_work_liaison = models.BooleanField("有在任党建指导员或联络员")
    has_uf_member = models.BooleanField("有在任统战委员")
    has_uf_liaison = models.BooleanField("有在任统战联络员")
    has_dedicated_instructor = models.BooleanField("有1:1党建指导员")
    surveyed = models.BooleanField("已摸底")
    staff = models.PositiveIntegerField("从业人员数")
    party_members = models.PositiveIntegerField("正式党员数")
    mobile_members = models.PositiveIntegerField("流动党员数")
    resident_members = models.IntegerField("本单位正式党员数")
    org_covered = models.GeneratedField(
        expression=Q(has_party_org=True), output_field=models.BooleanField(), db_persist=True
    )
    work_covered = models.GeneratedField(
        expression=Q(has_party_org=True) | Q(has_work_liaison=True), output_field=models.BooleanField(), db_persist=True
    )
    breaks_large_without_instructor = _stored_rule("large_without_instructor")
    breaks_party_org_without_uf_member = _stored_rule("party_org_without_uf_member")
    breaks_uf_liaison_with_party_org = _stored_rule("uf_liaison_with_party_org")
    breaks_uf_member_without_party_org = _stored_rule("uf_member_without_party_org")
    breaks_should_build = _stored_rule("should_build")
    breaks_mobile_branch_missing = _stored_rule("mobile_branch_missing")
    breaks_mobile_unattached = _stored_rule("mobile_unattached")
    breaks_work_uncovered = _stored_rule("work_uncovered")
    computed_on = models.DateField("覆盖数据日期")
    computed_at = models.DateTimeField("计算时间")

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "覆盖状态"
        verbose_name_plural = "覆盖状态"
        default_permissions = ()
        indexes = [
            models.Index(fields=["region", "status"], name="coverage_state_region_idx"),
            # the coverage page's first 50 uncovered organizations, by region and name, at any size
            models.Index(
                fields=["region", "name", "organization"],
                condition=Q(status=OrganizationStatus.NORMAL, breaks_work_uncovered=True),
                name="coverage_state_uncovered_idx",
            ),
            # “is anything stale?”: two empty range scans on a current day
            models.Index(fields=["computed_on"], name="coverage_state_day_idx"),
        ]

    def __str__(self):
        return f"{self.organization_id} · {self.computed_on}"


class CoverageTally(models.Model):
    """How many organizations of one region, industry and status are covered and break each rule.

    Kept by a trigger on CoverageState (each statement adds its new rows and subtracts its old ones), so
    that the coverage page and the 工作台 sum a few hundred rows instead of counting a million.
    ``industry_key`` is the industry's id, 0 for none.
    """

    region = models.ForeignKey(
        Region, verbose_name="所属区域", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    industry_key = models.BigIntegerField("行业类别编号")
    status = models.CharField("登记状态", max_length=16, choices=OrganizationStatus.choices)
    organizations = models.IntegerField("社会组织数")
    org_covered = models.IntegerField("组织覆盖数")
    work_covered = models.IntegerField("工作覆盖数")
    breaks_large_without_instructor = models.IntegerField(default=0)
    breaks_party_org_without_uf_member = models.IntegerField(default=0)
    breaks_uf_liaison_with_party_org = models.IntegerField(default=0)
    breaks_uf_member_without_party_org = models.IntegerField(default=0)
    breaks_should_build = models.IntegerField(default=0)
    breaks_mobile_branch_missing = models.IntegerField(default=0)
    breaks_mobile_unattached = models.IntegerField(default=0)
    breaks_work_uncovered = models.IntegerField(default=0)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "覆盖汇总"
        verbose_name_plural = "覆盖汇总"
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["region", "industry_key", "status"], name="coverage_tally_unique"),
        ]

    def __str__(self):
        return f"{self.region_id} · {self.industry_key} · {self.status}"


class InstructorLoad(models.Model):
    """How many organizations a 党建指导员 guides today, kept by the same refresh as CoverageState.

    ``dedicated_large``: the one organization guided is of 30+ staff (the 1:1 case, not under-used);
    ``regions``: the regions of every organization the liaison has an assignment at, so that a street
    finds the instructors working in it by one indexed overlap instead of a search through assignments.
    """

    liaison = models.OneToOneField(
        Liaison,
        verbose_name="联络员",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="instructor_load",
    )
    guided = models.PositiveIntegerField("指导社会组织数")
    dedicated_large = models.BooleanField("1:1指导30人以上组织")
    regions = ArrayField(models.BigIntegerField(), verbose_name="任职组织所在区域", default=list)
    computed_on = models.DateField("计算日期")

    class Meta:
        verbose_name = "党建指导员指导数"
        verbose_name_plural = "党建指导员指导数"
        default_permissions = ()
        indexes = [GinIndex(fields=["regions"], name="instructor_load_regions_idx")]

    def __str__(self):
        return f"{self.liaison_id} · {self.guided}"
