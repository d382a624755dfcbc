"""FilterSet base shared by list pages, exports and the API: scoped choices, ?q= search, region subtree."""

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.choices import RegionLevel
from registry.forms import RegionChoiceField
from registry.models import Region
from registry.search import pinyin_initials
from registry.validators import normalize_code


@extend_schema_field(OpenApiTypes.INT)  # a region id, whatever path the filter follows
class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """?region=<id> keeps records in that region or anywhere below it."""

    field_class = RegionChoiceField

    def __init__(self, *args, field_path: str = "region", levels=(RegionLevel.STREET, RegionLevel.COMMUNITY), **kwargs):
        self.field_path = field_path
        self.levels = levels
        kwargs.setdefault("label", "所属区域")
        kwargs.setdefault("queryset", Region.objects.filter(level__in=levels).order_by("path"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_path}__path__startswith": value.path})


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YearFilter.lowest)
        kwargs.setdefault("max_value", YearFilter.highest)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    """?year=<yyyy>: a whole year in range; anything else is a clear 400, never a database error."""

    lowest, highest = 1900, 2100
    field_class = YearField


class ScopedFilterSet(django_filters.FilterSet):
    """Choices of related records are narrowed to what the user may see.

    ``search_fields`` lists lookups that ``?q=`` ORs together; ``search_code_fields`` are
    matched after normalizing the term as a code (upper-case, half-width), and
    ``search_pinyin_field`` matches the term as pinyin initials.
    """

    q = django_filters.CharFilter(method="filter_search", label="搜索")

    search_fields: tuple[str, ...] = ("name__contains",)
    search_code_fields: tuple[str, ...] = ()
    search_pinyin_field: str | None = None

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for form_field in self.form.fields.values():
            queryset = getattr(form_field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                form_field.queryset = queryset.visible_to(user)

    def filter_search(self, queryset, name, value):
        term = (value or "").strip()
        if not term:
            return queryset
        condition = Q()
        for lookup in self.search_fields:
            condition |= Q(**{lookup: term})
        code = normalize_code(term)
        for lookup in self.search_code_fields:
            condition |= Q(**{lookup: code})
        if self.search_pinyin_field and term.isascii() and term.isalpha():
            condition |= Q(**{f"{self.search_pinyin_field}__contains": pinyin_initials(term)})
        return queryset.filter(condition)

    @property
    def active_filters(self) -> dict:
        """The filters the user actually set, for the access log and the export file."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {
            name: str(value)
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [], ()) and not (isinstance(value, bool) and value is False)
        }


class YesNoFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]))
        super().__init__(*args, **kwargs)
