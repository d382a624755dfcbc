"""FilterSets of the representative pool: one per model, shared by the page, the export and the API."""

import django_filters
from django.db.models import Exists, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.filters import RegionSubtreeFilter, ScopedFilterSet, YearFilter, YesNoFilter
from registry.models import Region

from . import selectors, services
from .choices import (
    DEMOCRATIC_PARTIES,
    AgeBand,
    DiscoveryChannel,
    Education,
    Ethnicity,
    EvaluationGrade,
    Gender,
    NominationKind,
    NominationLevel,
    NominationOutcome,
    PoliticalAffiliation,
    PoolLevel,
    PoolStatus,
    ServiceGroupKind,
    SocialStratum,
)
from .models import (
    Evaluation,
    Membership,
    Nomination,
    Representative,
    ServiceGroup,
    Specialty,
    StatusChange,
    Training,
)

DEMOCRATIC = "democratic"


@extend_schema_field(OpenApiTypes.INT)  # an id; the filter method follows the relation
class RelatedIdFilter(django_filters.ModelChoiceFilter):
    pass


class RepresentativeFilter(ScopedFilterSet):
    search_fields = ("name__contains", "organization__name__contains", "organization_name__contains")
    search_pinyin_field = "name_initials"
    search_placeholder = "姓名、拼音首字母、单位；完整身份证号或手机号"

    region = RegionSubtreeFilter(label="街道/社区")
    # the 入库概况's "（街道直属）" figure: people kept at the street itself, in none of its communities
    region_own = django_filters.ModelChoiceFilter(
        field_name="region",
        queryset=Region.objects.filter(level__in=RegionSubtreeFilter.ALL_LEVELS),
        label="所属区域（本级，不含下级）",
    )
    status = django_filters.ChoiceFilter(choices=PoolStatus.choices, label="入库状态")
    in_pool = YesNoFilter(label="在库（已入库及重点联系）", method="filter_in_pool")
    level = django_filters.ChoiceFilter(choices=PoolLevel.choices, label="入库级别")
    stratum = django_filters.ChoiceFilter(choices=SocialStratum.choices, label="群体")
    political_affiliation = django_filters.ChoiceFilter(
        choices=[*PoliticalAffiliation.choices, (DEMOCRATIC, "民主党派（八个）")],
        label="政治面貌",
        method="filter_affiliation",
    )
    service_group = RelatedIdFilter(
        queryset=ServiceGroup.objects.order_by("kind", "name"), label="服务小组", method="filter_service_group"
    )
    specialty = RelatedIdFilter(
        queryset=Specialty.objects.filter(is_active=True), label="专业特长", method="filter_specialty"
    )
    age_band = django_filters.ChoiceFilter(choices=AgeBand.choices, label="年龄段", method="filter_age_band")
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label="性别")
    ethnicity = django_filters.ChoiceFilter(choices=Ethnicity.choices, label="民族")
    education = django_filters.ChoiceFilter(choices=Education.choices, label="学历")
    discovery_channel = django_filters.ChoiceFilter(choices=DiscoveryChannel.choices, label="发现渠道")

    class Meta:
        model = Representative
        fields = [
            "q",
            "region",
            "region_own",
            "status",
            "in_pool",
            "level",
            "stratum",
            "political_affiliation",
            "service_group",
            "specialty",
            "age_band",
            "gender",
            "ethnicity",
            "education",
            "discovery_channel",
        ]

    def filter_search(self, queryset, name, value):
        term = (value or "").strip()
        if selectors.personal_term(term) is not None:
            # a whole ID number or mobile matches exactly, for permitted users only, and is logged
            return services.representative_personal_search(request=self.request, queryset=queryset, term=term)
        return super().filter_search(queryset, name, value)

    def filter_in_pool(self, queryset, name, value):
        # the population the 入库概况 breakdowns count (selectors.IN_POOL)
        if value is None:
            return queryset
        in_pool = {"status__in": selectors.IN_POOL}
        return queryset.filter(**in_pool) if value else queryset.exclude(**in_pool)

    def filter_affiliation(self, queryset, name, value):
        if not value:
            return queryset
        if value == DEMOCRATIC:
            return queryset.filter(political_affiliation__in=DEMOCRATIC_PARTIES)
        return queryset.filter(political_affiliation=value)

    def filter_service_group(self, queryset, name, value):
        if not value:
            return queryset
        current = Membership.objects.filter(representative=OuterRef("pk"), group=value, left_on__isnull=True)
        return queryset.filter(Exists(current))

    def filter_specialty(self, queryset, name, value):
        if not value:
            return queryset
        through = Representative.specialties.through
        return queryset.filter(Exists(through.objects.filter(representative=OuterRef("pk"), specialty=value)))

    def filter_age_band(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(selectors.age_band_condition(value))

    def display_value(self, name, value) -> str:
        # an ID number or mobile typed into the search box is not written in clear into the
        # export's 导出说明 sheet or the access log
        if name == "q":
            return selectors.masked_term(value)
        return super().display_value(name, value)


class EvaluationFilter(ScopedFilterSet):
    search_fields = ("representative__name__contains", "evaluator__contains")
    search_pinyin_field = "representative__name_initials"
    search_placeholder = "姓名、拼音首字母或评价人"

    region = RegionSubtreeFilter(field_path="representative__region", label="街道/社区")
    year = YearFilter(label="年度")
    grade = django_filters.ChoiceFilter(choices=EvaluationGrade.choices, label="综合等次")

    class Meta:
        model = Evaluation
        fields = ["q", "region", "year", "grade"]


class TrainingFilter(ScopedFilterSet):
    search_fields = ("title__contains", "organizer__contains", "location__contains")
    search_placeholder = "培训主题、主办单位或地点"

    region = RegionSubtreeFilter(label="举办区域")
    year = YearFilter(field_name="held_on", lookup_expr="year", label="年度")

    class Meta:
        model = Training
        fields = ["q", "region", "year"]


class NominationFilter(ScopedFilterSet):
    search_fields = ("representative__name__contains", "body__contains", "post__contains")
    search_pinyin_field = "representative__name_initials"
    search_placeholder = "姓名、机构或职务"

    region = RegionSubtreeFilter(field_path="representative__region", label="街道/社区")
    kind = django_filters.ChoiceFilter(choices=NominationKind.choices, label="推荐类别")
    level = django_filters.ChoiceFilter(choices=NominationLevel.choices, label="层级")
    outcome = django_filters.ChoiceFilter(choices=NominationOutcome.choices, label="结果")
    year = YearFilter(label="推荐年度")
    current = YesNoFilter(label="现任", method="filter_current")

    class Meta:
        model = Nomination
        fields = ["q", "region", "kind", "level", "outcome", "year", "current"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = Nomination.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class ServiceGroupFilter(ScopedFilterSet):
    search_fields = ("name__contains", "description__contains")
    search_placeholder = "小组名称"

    kind = django_filters.ChoiceFilter(choices=ServiceGroupKind.choices, label="类型")
    region = RegionSubtreeFilter(label="所属区域")

    class Meta:
        model = ServiceGroup
        fields = ["q", "kind", "region"]


class StatusChangeFilter(django_filters.FilterSet):
    # a plain number: a choice list would confirm which ids exist outside the user's scope
    representative = django_filters.NumberFilter(label="代表人士编号")

    class Meta:
        model = StatusChange
        fields = ["representative"]


class MembershipFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter(label="服务小组编号")
    representative = django_filters.NumberFilter(label="代表人士编号")

    class Meta:
        model = Membership
        fields = ["group", "representative"]
