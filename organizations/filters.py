"""FilterSets of the organizations app: one per model, shared by the page, the export and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from registry.filters import RegionSubtreeFilter, ScopedFilterSet, YearFilter, YesNoFilter
from registry.models import Region

from .choices import (
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
from .models import AnnualSurvey, Assignment, Industry, Liaison, Organization, Pairing, PartyOrganization, Venue
from .rules import ORGANIZATION_RULES


def six_standards_met() -> Q:
    """A venue with all of 有场地、有标识、有制度、有队伍、有活动、有台账 (六有达标)."""
    return Q(**{field: True for field, _ in Venue.SIX_STANDARDS})


class OrganizationFilter(ScopedFilterSet):
    search_fields = ("name__contains",)
    search_code_fields = ("credit_code__startswith",)
    search_pinyin_field = "name_initials"
    search_placeholder = "名称、信用代码或拼音首字母"

    region = RegionSubtreeFilter()
    # the coverage page's "（本级）" row: registered directly at a street or the district, not in a community
    region_own = django_filters.ModelChoiceFilter(
        field_name="region",
        queryset=Region.objects.filter(level__in=RegionSubtreeFilter.ALL_LEVELS),
        label="所属区域（本级，不含下级）",
    )
    # a retired industry still has its organizations, and the coverage page links to them
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.order_by("-is_active", "sort_order", "pk"), label="行业类别"
    )
    industry_blank = YesNoFilter(field_name="industry", lookup_expr="isnull", label="未填行业类别")
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label="组织类型")
    status = django_filters.ChoiceFilter(choices=OrganizationStatus.choices, label="登记状态")
    rating = django_filters.ChoiceFilter(choices=Rating.choices, label="评估等级")
    is_hub = YesNoFilter(label="枢纽型")
    is_flagship = YesNoFilter(label="品牌性")
    honour_level = django_filters.ChoiceFilter(choices=HonourLevel.choices, label="示范性社会组织")
    venture_list = django_filters.ChoiceFilter(choices=VentureList.choices, label="公益创投红黑名单")
    venue_standards = YesNoFilter(label="运营阵地六有达标", method="filter_venue_standards")
    on_abnormal_list = YesNoFilter(label="活动异常名录")
    org_covered = YesNoFilter(label="组织覆盖", method="filter_coverage")
    work_covered = YesNoFilter(label="工作覆盖", method="filter_coverage")
    rule = django_filters.ChoiceFilter(choices=list(ORGANIZATION_RULES.items()), label="规则提示", method="filter_rule")

    class Meta:
        model = Organization
        fields = [
            "q",
            "region",
            "region_own",
            "industry",
            "industry_blank",
            "kind",
            "status",
            "rating",
            "is_hub",
            "is_flagship",
            "honour_level",
            "venture_list",
            "venue_standards",
            "on_abnormal_list",
            "org_covered",
            "work_covered",
            "rule",
        ]

    def filter_coverage(self, queryset, name, value):
        # the flags the 两个覆盖 page counts (each organization's CoverageState row)
        if value is None:
            return queryset
        return queryset.filter(**{f"coverage_state__{name}": value})

    def filter_venue_standards(self, queryset, name, value):
        # 是: runs at least one venue meeting all six standards; 否: runs none that does
        if value is None:
            return queryset
        meeting = Exists(Venue.objects.filter(six_standards_met(), operating_organization=OuterRef("pk")))
        return queryset.filter(meeting if value else ~meeting)

    def filter_rule(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"coverage_state__breaks_{value}": True}, status=OrganizationStatus.NORMAL)


class SurveyFilter(ScopedFilterSet):
    search_fields = ("organization__name__contains",)
    search_code_fields = ("organization__credit_code__startswith",)
    search_placeholder = "社会组织名称或信用代码"

    region = RegionSubtreeFilter(field_path="organization__region")
    year = YearFilter(label="年度")

    class Meta:
        model = AnnualSurvey
        fields = ["q", "region", "year"]


class PartyOrganizationFilter(ScopedFilterSet):
    search_placeholder = "党组织名称或书记"
    search_fields = ("name__contains", "secretary__contains")

    region = RegionSubtreeFilter()
    kind = django_filters.ChoiceFilter(choices=PartyOrgKind.choices, label="组织类型")
    tier = django_filters.ChoiceFilter(choices=PartyOrgTier.choices, label="层级")
    industry = django_filters.ModelChoiceFilter(queryset=Industry.objects.all(), label="所属行业")

    class Meta:
        model = PartyOrganization
        fields = ["q", "region", "tier", "kind", "industry"]


class LiaisonFilter(ScopedFilterSet):
    search_fields = ("name__contains", "work_unit__contains")
    search_pinyin_field = "name_initials"
    search_placeholder = "姓名、单位或拼音首字母"

    region = RegionSubtreeFilter()
    role = django_filters.ChoiceFilter(choices=LiaisonRole.choices, label="任职角色", method="filter_role")
    is_party_member = YesNoFilter(label="中共党员")

    class Meta:
        model = Liaison
        fields = ["q", "region", "role", "is_party_member"]

    def filter_role(self, queryset, name, value):
        if not value:
            return queryset
        active = Assignment.objects.active().filter(role=value)
        return queryset.filter(Q(assignments__in=active)).distinct()


class AssignmentFilter(ScopedFilterSet):
    search_fields = ("liaison__name__contains", "organization__name__contains")
    search_placeholder = "联络员或社会组织名称"

    region = RegionSubtreeFilter(field_path="organization__region")
    role = django_filters.ChoiceFilter(choices=LiaisonRole.choices, label="角色")
    active = YesNoFilter(label="在任", method="filter_active")

    class Meta:
        model = Assignment
        fields = ["q", "region", "role", "active"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = Assignment.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class PairingFilter(ScopedFilterSet):
    search_fields = ("partner_name__contains", "party_organization__name__contains")
    search_placeholder = "结对单位或社会组织党组织名称"

    region = RegionSubtreeFilter(field_path="party_organization__region")
    partner_kind = django_filters.ChoiceFilter(choices=PartnerKind.choices, label="结对单位类型")
    is_active = YesNoFilter(label="持续共建中")
    year = YearFilter(field_name="since", lookup_expr="year", label="结对年度")

    class Meta:
        model = Pairing
        fields = ["q", "region", "partner_kind", "is_active", "year"]


class VenueFilter(ScopedFilterSet):
    search_fields = ("name__contains", "address__contains")
    search_placeholder = "阵地名称或地址"

    region = RegionSubtreeFilter()
    kind = django_filters.ChoiceFilter(choices=VenueKind.choices, label="阵地类型")
    level = django_filters.ChoiceFilter(choices=VenueLevel.choices, label="级别")
    standards = YesNoFilter(label="六有达标", method="filter_standards")

    class Meta:
        model = Venue
        fields = ["q", "region", "kind", "level", "standards"]

    def filter_standards(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(six_standards_met() if value else ~six_standards_met())
