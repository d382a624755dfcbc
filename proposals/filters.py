"""FilterSets of tracked items and their lists: one per model, shared by the page, the export and the API."""

import django_filters

from registry.filters import RegionSubtreeFilter, ScopedFilterSet, YearFilter, YesNoFilter
from registry.forms import DateInput

from .choices import (
    PROGRESS_STATES,
    AdoptionLevel,
    DepartmentKind,
    InstructionLevel,
    ItemState,
    MeetingKind,
    Progress,
    Verdict,
)
from .models import (
    Consultation,
    Department,
    Meeting,
    OpinionCategory,
    TrackedItem,
    due_within_condition,
    overdue_condition,
)


class DepartmentFilter(ScopedFilterSet):
    search_placeholder = "单位名称或联系人"
    search_fields = ("name__contains", "contact_name__contains")

    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label="单位类型")
    is_conference_member = YesNoFilter(label="联席会议成员单位")

    class Meta:
        model = Department
        fields = ["q", "kind", "is_conference_member"]


class OpinionCategoryFilter(ScopedFilterSet):
    search_placeholder = "类别名称"
    is_active = YesNoFilter(label="启用")

    class Meta:
        model = OpinionCategory
        fields = ["q", "is_active"]


class ConsultationFilter(ScopedFilterSet):
    search_fields = ("topic__contains", "host__contains")
    search_placeholder = "协商主题或主办单位"
    year = YearFilter(field_name="held_on", lookup_expr="year", label="年度")
    region = RegionSubtreeFilter(label="所属区域")

    class Meta:
        model = Consultation
        fields = ["q", "year", "region"]


class MeetingFilter(ScopedFilterSet):
    search_fields = ("title__contains", "topics__contains")
    search_placeholder = "会议名称或议题"
    year = YearFilter(field_name="held_on", lookup_expr="year", label="年度")
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label="会议类型")

    class Meta:
        model = Meeting
        fields = ["q", "year", "kind"]


class TrackedItemFilter(ScopedFilterSet):
    search_fields = ("title__contains", "content__contains")
    search_placeholder = "标题或内容"

    state = django_filters.ChoiceFilter(choices=ItemState.choices, label="状态")
    overdue = YesNoFilter(label="已逾期", method="filter_overdue")
    due_soon = YesNoFilter(label="7天内到期", method="filter_due_soon")
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.order_by("sort_order", "name"), label="主办单位", field_name="lead_department"
    )
    year = YearFilter(field_name="submitted_on", lookup_expr="year", label="年度")
    # a period of the statistics workbook (a quarter, a month, any dates): its figures link here
    date_from = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="gte", label="提交日期起", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="lte", label="提交日期止", widget=DateInput
    )
    region = RegionSubtreeFilter(label="所属区域")
    reopened = YesNoFilter(label="曾重新办理", method="filter_reopened")
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label="评价")
    # 交办给了承办单位 (and not taken back): the item has a 主办单位, whatever happened to it since
    assigned = YesNoFilter(label="已交办", field_name="lead_department", lookup_expr="isnull", exclude=True)
    progress = django_filters.ChoiceFilter(choices=Progress.choices, label="办理进度", method="filter_progress")

    class Meta:
        model = TrackedItem
        fields = [
            "q",
            "state",
            "overdue",
            "due_soon",
            "department",
            "year",
            "date_from",
            "date_to",
            "region",
            "reopened",
            "verdict",
            "assigned",
            "progress",
        ]

    def filter_overdue(self, queryset, name, value):
        condition = overdue_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_due_soon(self, queryset, name, value):
        condition = due_within_condition(7)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_progress(self, queryset, name, value):
        return queryset.filter(state__in=PROGRESS_STATES[value]) if value else queryset

    def filter_reopened(self, queryset, name, value):
        return queryset.filter(round__gt=1) if value else queryset.filter(round=1)


class ProposalFilter(TrackedItemFilter):
    consultation = django_filters.ModelChoiceFilter(
        queryset=Consultation.objects.order_by("-held_on"), label="专题协商会"
    )

    class Meta(TrackedItemFilter.Meta):
        fields = [*TrackedItemFilter.Meta.fields, "consultation"]


class OpinionFilter(TrackedItemFilter):
    category = django_filters.ModelChoiceFilter(queryset=OpinionCategory.objects.all(), label="类别")
    adoption_level = django_filters.ChoiceFilter(choices=AdoptionLevel.choices[1:], label="采用情况")
    instruction_level = django_filters.ChoiceFilter(choices=InstructionLevel.choices[1:], label="领导批示")
    adopted = YesNoFilter(label="已采用或获批示", method="filter_adopted")

    class Meta(TrackedItemFilter.Meta):
        fields = [*TrackedItemFilter.Meta.fields, "category", "adoption_level", "instruction_level", "adopted"]

    def filter_adopted(self, queryset, name, value):
        from django.db.models import Q

        condition = ~Q(adoption_level="") | ~Q(instruction_level="")
        return queryset.filter(condition) if value else queryset.exclude(condition)


class DecisionFilter(TrackedItemFilter):
    meeting = django_filters.ModelChoiceFilter(queryset=Meeting.objects.order_by("-held_on"), label="会议")

    class Meta(TrackedItemFilter.Meta):
        fields = [*TrackedItemFilter.Meta.fields, "meeting"]
