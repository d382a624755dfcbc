"""FilterSets of the activities app: one per model, shared by the page, the export and the API."""

import datetime

import django_filters
from django import forms
from django.utils import timezone

from organizations.models import Organization
from registry.filters import MonthFilter, RegionSubtreeFilter, ScopedFilterSet, YearFilter, YesNoFilter
from registry.forms import DateInput
from talents.models import ServiceGroup

from .choices import ActivityKind, ActivityStatus, ParticipantRole, PartyDayKind
from .models import Activity, ActivityTheme, Participation, month_bounds


class ActivityThemeFilter(ScopedFilterSet):
    search_placeholder = "主题名称"

    is_active = YesNoFilter(label="启用")

    class Meta:
        model = ActivityTheme
        fields = ["q", "is_active"]


class ActivityRegionFilter(RegionSubtreeFilter):
    """?region=<id>: the activities that touch the region — held, served or organized there, or with its people."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(Activity.objects.all().scope_condition(value))


class ActivityFilter(ScopedFilterSet):
    search_fields = ("title__contains", "place__contains")
    search_placeholder = "活动名称或地点"

    month = MonthFilter(label="月份")
    year = YearFilter(label="年度", method="filter_year")
    date_from = django_filters.DateFilter(label="开始日期起", method="filter_date_from", widget=DateInput)
    date_to = django_filters.DateFilter(label="开始日期止", method="filter_date_to", widget=DateInput)
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label="活动类型")
    party_day_kind = django_filters.ChoiceFilter(choices=PartyDayKind.choices, label="主题党日类型")
    theme = django_filters.ModelChoiceFilter(
        field_name="themes", queryset=ActivityTheme.objects.order_by("sort_order", "name"), label="活动主题"
    )
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label="状态")
    region = ActivityRegionFilter(label="街道/社区")
    # set from an organization's page (?organization=ID): a drop-down of every organization would weigh
    # megabytes on a city's registry
    organization = django_filters.ModelChoiceFilter(
        field_name="organizations",
        queryset=Organization.objects.order_by("name"),
        label="组织单位",
        widget=forms.HiddenInput,
    )
    team = django_filters.ModelChoiceFilter(queryset=ServiceGroup.objects.order_by("kind", "name"), label="服务队")

    class Meta:
        model = Activity
        fields = ["q", "month", "year", "date_from", "date_to", "kind", "party_day_kind", "theme", "status"]

    def filter_year(self, queryset, name, value):
        start, _ = month_bounds(int(value), 1)
        end, _ = month_bounds(int(value) + 1, 1)
        return queryset.filter(start_at__gte=start, start_at__lt=end)

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(start_at__gte=_local_midnight(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(start_at__lt=_local_midnight(value) + datetime.timedelta(days=1))


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day))


class ParticipationFilter(ScopedFilterSet):
    search_fields = ("name__contains", "activity__title__contains")
    search_placeholder = "姓名或活动名称"

    month = MonthFilter(label="月份", method="filter_month")
    year = YearFilter(label="年度", method="filter_year")
    role = django_filters.ChoiceFilter(choices=ParticipantRole.choices, label="角色")
    in_pool = YesNoFilter(field_name="representative", lookup_expr="isnull", exclude=True, label="库内人员")
    activity = django_filters.NumberFilter(field_name="activity_id", label="活动编号")
    representative = django_filters.NumberFilter(field_name="representative_id", label="代表人士编号")

    class Meta:
        model = Participation
        fields = ["q", "month", "year", "role", "in_pool", "activity", "representative"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(activity__in=Activity.objects.in_month(*value).values("pk"))

    def filter_year(self, queryset, name, value):
        start, _ = month_bounds(int(value), 1)
        end, _ = month_bounds(int(value) + 1, 1)
        return queryset.filter(activity__start_at__gte=start, activity__start_at__lt=end)
