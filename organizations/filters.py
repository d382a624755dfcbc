"""FilterSets of the organizations app: one per model, shared by the page, the export and the API."""

import django_filters
from django.db.models import Q

from registry.filters import RegionSubtreeFilter, ScopedFilterSet, YearFilter, YesNoFilter

from .choices import (
    LiaisonRole,
    OrganizationKind,
    OrganizationStatus,
    PartyOrgKind,
    PartyOrgTier,
    Rating,
    VenueKind,
    VenueLevel,
)
from .coverage import ORGANIZATION_RULES, CoverageSets
from .models import AnnualSurvey, Assignment, Industry, Liaison, Organization, PartyOrganization, Venue


class OrganizationFilter(ScopedFilterSet):
    search_fields = ("name__contains",)
    search_code_fields = ("credit_code__startswith",)
    search_pinyin_field = "name_initials"
    search_placeholder = "名称、信用代码或拼音首字母"

    region = RegionSubtreeFilter()
    industry = django_filters.ModelChoiceFilter(queryset=Industry.objects.filter(is_active=True), label="行业类别")
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label="组织类型")
    status = django_filters.ChoiceFilter(choices=OrganizationStatus.choices, label="登记状态")
    rating = django_filters.ChoiceFilter(choices=Rating.choices, label="评估等级")
    is_hub = YesNoFilter(label="枢纽型")
    on_abnormal_list = YesNoFilter(label="活动异常名录")
    org_covered = YesNoFilter(label="组织覆盖", method="filter_coverage")
    work_covered = YesNoFilter(label="工作覆盖", method="filter_coverage")
    rule = django_filters.ChoiceFilter(choices=list(ORGANIZATION_RULES.items()), label="规则提示", method="filter_rule")

    class Meta:
        model = Organization
        fields = [
            "q",
            "region",
            "industry",
            "kind",
            "status",
            "rating",
            "is_hub",
            "on_abnormal_list",
            "org_covered",
            "work_covered",
            "rule",
        ]

    def filter_coverage(self, queryset, name, value):
        # the same conditions the 两个覆盖 page counts with (organizations.coverage)
        if value is None:
            return queryset
        condition = getattr(CoverageSets(), name)
        return queryset.filter(condition if value else ~condition)

    def filter_rule(self, queryset, name, value):
        if not value:
            return queryset
        sets = CoverageSets()
        return queryset.alias(**sets.flags()).filter(sets.rule(value), status=OrganizationStatus.NORMAL)


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


class VenueFilter(ScopedFilterSet):
    search_fields = ("name__contains", "address__contains")
    search_placeholder = "阵地名称或地址"

    region = RegionSubtreeFilter()
    kind = django_filters.ChoiceFilter(choices=VenueKind.choices, label="阵地类型")
    level = django_filters.ChoiceFilter(choices=VenueLevel.choices, label="级别")

    class Meta:
        model = Venue
        fields = ["q", "region", "kind", "level"]
